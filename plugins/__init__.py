"""校账's Beancount plugins (installed as `xiaozhang.plugins`).

Each module is one rule family, enabled from `ledger/main.beancount` with
`plugin "xiaozhang.plugins.<module>"`; its docstring is the manual (what it checks, why,
how to configure it, an example that passes and one that fails).
"""


def is_warning(error) -> bool:
    """A problem that is shown but does not fail `xiaozhang check` (an error type with
    `warning = True`, e.g. a budget overrun under `budget-control` "warn")."""
    return getattr(error, "warning", False) is True
