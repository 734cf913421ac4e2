"""Who sees what when 校账 is served: users and roles, sign-in, read-only enforcement, the
class teachers' filtered ledgers and the audit trail of every save (docs/access.md).

- `users`: the users-and-roles file next to the ledger (`users.toml`), salted hashes only;
- `access`: the roles and the one table of Fava's routes (read or write);
- `gate`: the WSGI middleware around Fava's app (sign-in, roles, trusted proxy header);
- `classbook`: the generated ledger of one class for its 班主任;
- `app`: builds the whole served application for `xiaozhang serve`.
"""
