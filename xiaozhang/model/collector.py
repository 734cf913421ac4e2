"""Pausing Python's cycle collector while the rules run or a large model part is built.

The rules and the model allocate many small, short-lived objects (tens of thousands of asset
cards, for one) and make no reference cycles worth collecting; with a loaded ledger in memory
(over a million objects) every full collection walks all of them again, which doubled the
rules' time.  One definition, used by the one plugin line (`plugins/school.py`) around all the
rules and by the model parts that read many entries, so a plugin listed alone keeps the gain.
"""

from __future__ import annotations

import contextlib
import gc


@contextlib.contextmanager
def paused_collector():
    """Disable the collector and freeze the objects already loaded; restore both on exit.

    Nested use is free: inside a pause nothing more is done."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.enable()
