"""Test-wide settings.

Beancount caches a slow load in a pickle next to the ledger, keyed on the ledger files only:
after a change to a plugin, a cached load would still show the old plugin's errors. Tests
always load for real (here and in the CLI subprocesses they start).
"""

import os

os.environ["BEANCOUNT_DISABLE_LOAD_CACHE"] = "1"

from beancount import loader  # noqa: E402

loader.initialize(use_cache=False)
