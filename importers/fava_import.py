"""Fava's import configuration (the Import page, 导入): the same importers as the CLI.

Wired in main.beancount with

    2025-09-01 custom "fava-option" "import-config" "../importers/fava_import.py"
    2025-09-01 custom "fava-option" "import-dirs" "../imports"

Each importer here stands for the one of the same (Chinese) name built for the ledger Fava is
serving (xiaozhang.importers.fava_page): the statement's account is found from the
`bank_account` metadata on that ledger's `open` directives, the categorisation rules are the
ledger's `import-rules.toml` and the generic layouts its `import-layouts/*.toml` (both next to
the ledger's main file, as for the CLI), and rows whose `bank_ref` / 票据号 are already booked
are marked as duplicates (Fava leaves them unticked).  A file with bad rows, or one no importer
takes, shows its problems in Chinese (notes in the import dialog and Fava's error list), never
a traceback.  The hook checks the closing balance against the ledger and makes 保存 write each
entry into the month file of its date (`2026/10.beancount`).
"""

from xiaozhang.importers.fava_page import fava_config, import_hook

CONFIG = fava_config()
HOOKS = (import_hook,)
