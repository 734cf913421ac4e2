"""Pausing Python's cycle collector while the rules run or a large model part is built.

The rules and the model allocate many small objects (tens of thousands of asset cards, for
one) and make no reference cycles worth collecting; with a loaded ledger in memory (over a
million objects) every full collection walks all of them again, which doubled the rules'
time.  One definition, used by the one plugin line (`plugins/school.py`) around all the rules
and by the model parts that read many entries (`xiaozhang.model.assets.build`), so a plugin
listed alone keeps the gain, and by our commands' load (`xiaozhang.io.load`) around the whole
of Beancount's load: Beancount's parser and booking make no cycles either, and the collector's
full collections are about 40% of its load time on the bench ledger (docs/performance.md).

The one plugin line and our commands' load use `freezing_collector`: after them the loaded
objects stay frozen, so no later collection (Beancount's steps after the plugins, Fava, the
process's end) walks them again; that is safe because neither Beancount's entries nor the
school model have reference cycles (tests/model/test_books.py).
"""

from __future__ import annotations

import contextlib
import gc


@contextlib.contextmanager
def paused_collector():
    """Disable the collector; on exit, move what exists into the oldest generation and enable
    it again.

    The move (`gc.freeze()` then `gc.unfreeze()`) puts the objects made during the pause —
    the books' model parts, which live as long as the loaded ledger — with the old objects
    without counting them towards the next full collection (measured: one full collection
    less over the whole ledger in Beancount's steps after the plugins).  Nested use is free:
    inside a pause nothing more is done."""
    with _paused(keep_frozen=False):
        yield


@contextlib.contextmanager
def freezing_collector():
    """A whole load (`xiaozhang.io.load`) or the one plugin line in Beancount's own process
    (`bean-check`, Fava): as `paused_collector`, but on exit everything that exists — the
    loaded ledger and the school model — stays frozen (`gc.freeze()`): the full collections
    of Beancount's steps after the plugins, of Fava afterwards, of the next load's parser and
    the one when the process ends no longer walk the two million objects of the load again
    (docs/performance.md).

    Frozen objects are still freed when nobody refers to them any more (reference counting),
    but a reference cycle among them would never be collected.  Beancount's entries have no
    cycles, and neither has the school model once the memo lets its books go
    (`SchoolBooks.release` drops the parts, which refer back to their books; no part refers to
    itself — tests/model/test_books.py checks it on a whole load): so an earlier load is freed
    when Fava drops it and the memo lets its books go, and the memory does not grow from load
    to load (measured in docs/performance.md).  Inside another pause (`xiaozhang check` pauses
    the whole load) nothing more is done."""
    with _paused(keep_frozen=True):
        yield


@contextlib.contextmanager
def _paused(keep_frozen: bool):
    """The collector disabled inside; on exit everything that exists is frozen (moved out of
    the collector's generations), and thawed again into the oldest one unless `keep_frozen`.
    Nothing is done inside another pause."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if not keep_frozen:
            gc.unfreeze()
        gc.enable()
