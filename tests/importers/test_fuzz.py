"""The in-suite fuzz: a few hundred damaged copies of the fixture statements (fixed seed), each
run through the importers as `xiaozhang import extract` runs them.  None may raise, hang or
lose a row silently (see fuzzing.py for the oracle); `make fuzz` runs the long version."""

from collections import Counter

from fuzzing import fuzz, tally

COUNT = 250
SEED = 20251207


def test_damaged_statements_give_no_traceback_no_hang_and_no_silent_loss(tmp_path):
    outcomes = fuzz(COUNT, SEED, tmp_path, limit=10.0)
    counts = tally(outcomes)
    bad = [f"{o.result}: {o.variant.kind} {o.variant.name} {o.detail[:200]}" for o in outcomes
           if o.result in ("traceback", "hang", "silent loss")]
    assert bad == [], counts
    assert (counts["traceback"], counts["hang"], counts["silent loss"]) == (0, 0, 0)
    # the damage is varied, and both outcomes occur: many damaged files import, many are refused
    kinds = Counter(o.variant.kind for o in outcomes)
    assert len(kinds) >= 20 and counts["clean"] > 50 and counts["reported"] > 50
    assert max(o.seconds for o in outcomes) < 5
