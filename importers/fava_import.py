"""Fava's import configuration (the Import page, 导入): the same importers as the CLI.

Wired in main.beancount with

    2025-09-01 custom "fava-option" "import-config" "../importers/fava_import.py"
    2025-09-01 custom "fava-option" "import-dirs" "../imports"

Fava runs this file and reads CONFIG.  Fava passes the loaded ledger's entries to
`extract()`/`deduplicate()`, so the statement's account is found from the `bank_account`
metadata on the ledger's `open` directives, and rows whose `bank_ref` / 票据号 are already
booked are marked as duplicates (Fava leaves them unticked).  A file with bad rows shows the
list of `file:row: reason` instead of entries.
"""

from xiaozhang.importers.config import make_importers

CONFIG = make_importers()
HOOKS = ()
