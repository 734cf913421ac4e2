"""The 收费公示 page in a real Fava application (Flask test client, no mocks)."""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from test_fava_ext import fava_client, text_of

from xiaozhang.reports.document import pdf_text
from xiaozhang.roster import read_roster

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "disclosure.beancount"
ROSTER = ROOT / "tests" / "fixtures" / "disclosure-students.csv"
SLUG = "校账收费公示测试小学"


def url(slug: str, query: str = "", endpoint: str = "") -> str:
    return f"/{quote(slug)}/extension/Disclosure/{endpoint}{query}"


@pytest.fixture(scope="module")
def app():
    client, slug, ledger = fava_client(FIXTURE)
    assert slug == SLUG and list(ledger.errors) == []
    return client, slug


def get(app, query: str = "", endpoint: str = ""):
    client, slug = app
    return client.get(url(slug, query, endpoint))


@pytest.fixture(scope="module")
def january(app) -> str:
    response = get(app, "?period=2026-01&class=" + quote("一(1)班") + "&date=2026-02-09")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_status_lists_every_month_and_item_with_its_disclosure(app):
    page = get(app).get_data(as_text=True)
    rows = re.findall(r'<tr data-period="([^"]+)">(.*?)</tr>', page, flags=re.S)
    months = [(period, text_of(row)) for period, row in rows]
    assert ("2025-09", "2025年9月 作业本费 2025-10-15 2025-10-10 已公示") in months
    assert ("2026-01", "2026年1月 教辅资料费 2026-02-15 2026-02-09 已公示") in months
    # February's refund is due on 15 March, after the last day of the data (2 March): still to come
    assert ("2026-02", "2026年2月 作业本费 2026-03-15 — 待公示") in months
    assert [p for p, _ in months][0] == "2026-03"  # latest first


def test_default_period_is_the_latest_month_that_is_over(app):
    page = text_of(get(app).get_data(as_text=True))
    assert "收费公示 青禾市明德区测试小学 · 2026年2月 · 2025年秋季学期（期末结算）" in page


def test_preview_of_the_school_and_class_notices(january):
    text = html.unescape(text_of(january))
    assert 'custom "disclosure" "2026-01" "作业本费" "教辅资料费" "住宿费" "课后服务费"' in text
    assert text.count("收费公示及代收费结算清单（2026年1月）") == 1
    assert "一(1)班收费结算公示（2026年1月）" in text
    for expected in ("张*明", "李*", "欧**娜", "4.85", "16.67", "监督/投诉电话：0736-7215318"):
        assert expected in text
    roster = read_roster(ROSTER)
    for student in roster.values():
        assert student.name not in text and student.sid not in text
    links = re.findall(r'<a data-remote download href="([^"]+)"', january)
    assert len(links) == 8
    assert all("period=2026-01" in unquote(link) for link in links)


@pytest.mark.parametrize(("doc", "fmt", "mime", "magic"), [
    ("school", "pdf", "application/pdf", b"%PDF"),
    ("class", "pdf", "application/pdf", b"%PDF"),
    ("class", "png", "image/png", b"\x89PNG"),
    ("class", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
    ("school", "html", "text/html", b"<!DOCTYPE html>"),
])
def test_downloads(app, doc, fmt, mime, magic):
    query = f"?period=2026-01&doc={doc}&format={fmt}&class=" + quote("一(1)班")
    response = get(app, query, "download")
    assert response.status_code == 200
    assert response.mimetype == mime.split(";")[0]
    assert response.data.startswith(magic)
    disposition = unquote(response.headers["Content-Disposition"])
    assert disposition.endswith((f"收费公示-2026-01.{fmt}", f"一(1)班-2026-01.{fmt}"))
    if fmt == "pdf":
        text = "".join(pdf_text(response.data))
        assert ("一(1)班收费结算公示" if doc == "class" else "收费公示及代收费结算清单") in text
        assert all(s.name not in text for s in read_roster(ROSTER).values())


def test_bad_requests(app):
    assert get(app, "?period=2026-01&doc=school&format=exe", "download").status_code == 404
    assert get(app, "?period=2026-01&doc=class&format=pdf&class=" + quote("九(9)班"), "download").status_code == 404
    text = text_of(get(app, "?period=2026-01&term=2030-2031-1").get_data(as_text=True))
    assert "账本中没有学期 2030-2031-1" in text
    text = text_of(get(app, "?period=2026-01&class=" + quote("九(9)班")).get_data(as_text=True))
    assert "2025年秋季学期没有 九(9)班 的收费" in text


def test_the_example_school_page(example_fava):
    client, slug, ledger = example_fava
    response = client.get(url(slug, "?period=2026-07&class=" + quote("三(2)班")))
    assert response.status_code == 200
    text = text_of(response.get_data(as_text=True))
    assert "2026年7月 · 2026年春季学期（期末结算）" in text
    assert "三(2)班收费结算公示（2026年7月）" in text
    assert "2026年10月 课后服务费 2026-11-15 — 待公示" in text
