"""Fava's import configuration (the Import page, 导入): the same importers as the CLI.

Wired in main.beancount with

    2025-09-01 custom "fava-option" "import-config" "../importers/fava_import.py"
    2025-09-01 custom "fava-option" "import-dirs" "../imports"

Each importer here stands for the one of the same name built for the ledger Fava is serving
(config.fava_ledger_importers): the statement's account is found from the `bank_account`
metadata on that ledger's `open` directives, the categorisation rules are the ledger's
`import-rules.toml` and the generic layouts its `import-layouts/*.toml` (both next to the
ledger's main file, as for the CLI), and rows whose `bank_ref` / 票据号 are already booked are
marked as duplicates (Fava leaves them unticked).  A file with bad rows shows the list of
`file:row: reason` instead of entries.
"""

from xiaozhang.importers.config import fava_config

CONFIG = fava_config()
HOOKS = ()
