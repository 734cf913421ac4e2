"""A school without a canteen is shown as 无食堂 in the bureau's per-school tables (the page and
the workbook), not as a canteen term with an empty rate (docs/district.md).

Two small generated schools: "with" keeps a canteen, "without" has none (`canteen=False`).  The
independent side: each school's own ledger, loaded here — whether any posting goes to an
account opened with `canteen: TRUE`.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from beancount import loader
from beancount.core import data

from xiaozhang.example import generate
from xiaozhang.example.config import ExampleConfig
from xiaozhang.reports.district import query, workbook
from xiaozhang.reports.district.store import refresh

SCHOOLS = {"with": True, "without": False}


@pytest.fixture(scope="module")
def district(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("district-canteen") / "district"
    for school, canteen in SCHOOLS.items():
        generate(root / school, replace(ExampleConfig.make(students=60, years=1, seed=31), canteen=canteen))
    refresh(root, workers=2)
    return root


def _has_canteen_postings(folder: Path) -> bool:
    entries, _errors, _options = loader.load_file(str(folder / "main.beancount"))
    marked = {e.account for e in entries if isinstance(e, data.Open) and e.meta.get("canteen") is True}
    return any(p.account == m or p.account.startswith(m + ":") for e in entries
               if isinstance(e, data.Transaction) for p in e.postings for m in marked)


def test_a_school_without_a_canteen_shows_no_canteen(district, tmp_path):
    own = {school: _has_canteen_postings(district / school) for school in SCHOOLS}
    assert own == SCHOOLS  # the generator did what was asked
    con = query.connect(district / ".district")
    rows = {r["school"]: r for r in query.per_school(con)}
    assert rows["without"]["canteen"] is False
    assert (rows["without"]["canteen_term"], rows["without"]["canteen_rate"]) == (None, None)
    assert rows["with"]["canteen"] is True and rows["with"]["canteen_term"]
    assert con.execute("SELECT count(*) FROM canteen WHERE school = 'without'").fetchone()[0] == 0

    out = workbook.write(district / ".district", tmp_path / "汇总.xlsx")
    sheet = list(openpyxl.load_workbook(out)["各校"].iter_rows(values_only=True))
    header = sheet.index(next(r for r in sheet if r[0] == "学校"))
    table = {r[0]: dict(zip(sheet[header], r)) for r in sheet[header + 1:]}
    assert table["without"]["食堂学期"] == "无食堂" and table["without"]["食堂结余率（%）"] is None
    assert table["with"]["食堂学期"] == rows["with"]["canteen_term"] != "无食堂"

    from xiaozhang.reports.district.page import build_app

    html = build_app(district / ".district", "http://10.0.0.9/{school}/").test_client().get("/")
    body = html.get_data(as_text=True)
    assert body.count("无食堂") == 1
    assert body.index('href="school/without"') < body.index("无食堂")
