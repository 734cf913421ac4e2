"""Roles and the one table of Fava's routes: what each role may do.

Roles (docs/access.md):

    会计     reads and writes everything (editor, entry form, 录入凭证, import, documents)
    校长     reads everything, writes nothing
    教育局   reads everything, writes nothing
    班主任   reads the 收费公示 page of a ledger generated for their class only (`classbook`)

Every route of the installed Fava (`app.url_map`) is classified in `ROUTES` by (endpoint,
method) as READ or WRITE; the extension endpoints (`/extension/<name>/<endpoint>`) in
`EXTENSION_ENDPOINTS` by (extension, endpoint, method). A route or extension endpoint that is
in neither table is refused to every role but 会计, and the test over the URL map fails until
it is classified (tests/serving/test_routes.py): a Fava upgrade that adds a route is noticed.

The 班主任's pages are a short list (`CLASS_TEACHER_ENDPOINTS`); everything else answers 403.
"""

from __future__ import annotations

from dataclasses import dataclass

READ, WRITE = "read", "write"


@dataclass(frozen=True)
class Role:
    name: str
    writes: bool  # may use the WRITE routes
    everything: bool  # sees the whole ledger (else: their class's generated ledger only)


ROLE = {
    "会计": Role("会计", True, True),
    "校长": Role("校长", False, True),
    "教育局": Role("教育局", False, True),
    "班主任": Role("班主任", False, False),
}

# (endpoint, method) -> READ | WRITE, for every rule of Fava 1.30's url_map
ROUTES: dict[tuple[str, str], str] = {
    ("index", "GET"): READ,
    ("report", "GET"): READ,
    ("account", "GET"): READ,
    ("document", "GET"): READ,  # a document file (Fava checks it is one of the ledger's)
    ("statement", "GET"): READ,
    ("holdings_by", "GET"): READ,
    ("extension_report", "GET"): READ,
    ("extension_js_module", "GET"): READ,
    ("download_query", "GET"): READ,
    ("download_journal", "GET"): READ,
    ("help_page", "GET"): READ,
    ("jump", "GET"): READ,
    ("static", "GET"): READ,
    ("json_api.get_account_report", "GET"): READ,
    ("json_api.get_balance_sheet", "GET"): READ,
    ("json_api.get_changed", "GET"): READ,
    ("json_api.get_commodities", "GET"): READ,
    ("json_api.get_context", "GET"): READ,
    ("json_api.get_documents", "GET"): READ,
    ("json_api.get_errors", "GET"): READ,
    ("json_api.get_events", "GET"): READ,
    ("json_api.get_extract", "GET"): READ,  # runs an importer on an uploaded file, writes nothing
    ("json_api.get_help", "GET"): READ,
    ("json_api.get_imports", "GET"): READ,
    ("json_api.get_income_statement", "GET"): READ,
    ("json_api.get_journal", "GET"): READ,
    ("json_api.get_journal_page", "GET"): READ,
    ("json_api.get_ledger_data", "GET"): READ,
    ("json_api.get_narration_transaction", "GET"): READ,
    ("json_api.get_narrations", "GET"): READ,
    ("json_api.get_options", "GET"): READ,
    ("json_api.get_payee_accounts", "GET"): READ,
    ("json_api.get_payee_transaction", "GET"): READ,
    ("json_api.get_query", "GET"): READ,
    ("json_api.get_source", "GET"): READ,
    ("json_api.get_source_slice", "GET"): READ,
    ("json_api.get_statistics", "GET"): READ,
    ("json_api.get_trial_balance", "GET"): READ,
    ("json_api.put_add_document", "PUT"): WRITE,
    ("json_api.put_add_entries", "PUT"): WRITE,  # entry form and import
    ("json_api.put_attach_document", "PUT"): WRITE,
    ("json_api.delete_document", "DELETE"): WRITE,
    ("json_api.put_format_source", "PUT"): WRITE,  # formats the editor's text (part of a save)
    ("json_api.put_move", "PUT"): WRITE,  # moves an import file
    ("json_api.put_source", "PUT"): WRITE,  # the editor's save
    ("json_api.put_source_slice", "PUT"): WRITE,  # an entry's save in its context
    ("json_api.delete_source_slice", "DELETE"): WRITE,
    ("json_api.put_upload_import_file", "PUT"): WRITE,
    # the extensions' endpoints: decided per extension endpoint (EXTENSION_ENDPOINTS)
    ("extension_endpoint", "GET"): "extension",
    ("extension_endpoint", "POST"): "extension",
    ("extension_endpoint", "PUT"): "extension",
    ("extension_endpoint", "DELETE"): "extension",
}

# (extension, endpoint, method) -> READ | WRITE, for 校账's pages (reports/fava_ext)
EXTENSION_ENDPOINTS: dict[tuple[str, str, str], str] = {
    ("Disclosure", "download", "GET"): READ,
    ("Voucher", "accounts", "GET"): READ,
    ("Voucher", "number", "GET"): READ,
    ("Voucher", "check", "POST"): WRITE,  # only useful before a save
    ("Voucher", "save", "POST"): WRITE,
}

# What a 班主任 may open on their class's ledger (everything else: 403)
CLASS_TEACHER_ENDPOINTS = {"index", "static", "extension_report", "extension_js_module",
                           "extension_endpoint", "json_api.get_changed", "json_api.get_errors"}
CLASS_TEACHER_PAGE = "Disclosure"


def classify(endpoint: str | None, method: str, view_args: dict | None = None) -> str | None:
    """READ, WRITE, or None when the route is not in the tables (refused but to 会计)."""
    method = "GET" if method == "HEAD" else method
    kind = ROUTES.get((endpoint or "", method))
    if kind == "extension":
        args = view_args or {}
        return EXTENSION_ENDPOINTS.get((args.get("extension_name", ""), args.get("endpoint", ""), method))
    return kind


def refusal(role: Role, endpoint: str | None, method: str, view_args: dict | None = None) -> str | None:
    """Why `role` may not use this route (a Chinese sentence), or None when it may."""
    if method == "OPTIONS":
        return None
    kind = classify(endpoint, method, view_args)
    if not role.everything:
        if endpoint not in CLASS_TEACHER_ENDPOINTS:
            return "班主任只能查看本班的收费公示页面"
        name = (view_args or {}).get("extension_name")
        if endpoint.startswith("extension") and name != CLASS_TEACHER_PAGE:
            return "班主任只能查看本班的收费公示页面"
    if kind == WRITE and not role.writes:
        return f"{role.name}为只读角色，不能修改账本（只有会计可以保存）"
    if kind is None and not role.writes:
        return "这个地址尚未归类为只读或修改，只读角色不能使用"
    return None
