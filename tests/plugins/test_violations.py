"""docs/examples/violations.beancount: every rule fires exactly once, where its comment says."""

from __future__ import annotations

import re
from pathlib import Path

from beancount import loader

from xiaozhang.plugins import is_warning

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "violations.beancount"
ALL_CODES = ({f"PL{n:02d}" for n in range(1, 4)} | {f"AP{n:02d}" for n in range(1, 11)}
             | {f"TL{n:02d}" for n in range(1, 12)} | {f"PJ{n:02d}" for n in range(1, 5)}
             | {"BG01", "BG02"} | {f"FE{n:02d}" for n in range(1, 7)}
             | {f"CT{n:02d}" for n in range(1, 13)} | {f"AS{n:02d}" for n in range(1, 15)}
             | {f"YS{n:02d}" for n in range(1, 5)}
             | {"CL01"})  # CL02–CL04 need a real close: tests/plugins/test_closing.py


def expected() -> list[tuple[str, int]]:
    """Each `; [CODE] …` comment names the problem reported on the line that follows it."""
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    return sorted((m.group(1), number + 1) for number, line in enumerate(lines, start=1)
                  if (m := re.match(r"; \[([A-Z]{2}\d{2})\]", line)))


def test_every_rule_fires_once_at_its_entry():
    _entries, errors, _ = loader.load_file(str(EXAMPLE))
    found = sorted((e.message[1:5], e.source["lineno"]) for e in errors)
    assert found == expected()
    assert {code for code, _ in found} == ALL_CODES


def test_only_the_budget_overrun_is_a_warning():
    _entries, errors, _ = loader.load_file(str(EXAMPLE))
    assert [e.message[1:5] for e in errors if is_warning(e)] == ["BG01"]
