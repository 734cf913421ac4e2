"""校账's Beancount plugins (installed as `xiaozhang.plugins`).

Each module is one rule family, enabled from `ledger/main.beancount` with
`plugin "xiaozhang.plugins.<module>"`; its docstring is the manual (what it checks, why,
how to configure it, an example that passes and one that fails).
"""
