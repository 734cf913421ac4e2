"""The 收费公示 page in a real Fava application (Flask test client, no mocks)."""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from beancount.core import data
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


# -- Fava's filter bar ---------------------------------------------------------------------------
def moved(entries, first: dt.date, last: dt.date) -> set[tuple[str, str]]:
    """(month, item) of every fee movement dated `first`..`last`, found here straight from the
    entries: a posting to an item's account (its `custom "fee"` definition), or a posting
    tagged with the item (`item:` on the posting or its transaction)."""
    accounts = {e.meta["account"]: e.values[0].value for e in entries
                if isinstance(e, data.Custom) and e.type == "fee"}
    found = set()
    for entry in entries:
        if isinstance(entry, data.Transaction) and first <= entry.date <= last:
            for posting in entry.postings:
                item = accounts.get(posting.account) or (posting.meta or {}).get("item") \
                    or (entry.meta.get("item") if posting.account.startswith("Expenses:") else None)
                if item:
                    found.add((f"{entry.date:%Y-%m}", item))
    return found


def status_rows(page: str) -> set[tuple[str, str]]:
    rows = re.findall(r'<tr data-period="([^"]+)">(.*?)</tr>', page, flags=re.S)
    return {(period, text_of(row).split()[1]) for period, row in rows}


def top_of(page: str) -> str:
    return text_of(page.split("<section", 1)[0])


def test_time_filter_keeps_the_status_and_the_preview_within_it(app):
    client, slug = app
    ledger = client.application.config["LEDGERS"][slug]
    page = get(app, "?time=2025-10").get_data(as_text=True)
    october = moved(ledger.all_entries, dt.date(2025, 10, 1), dt.date(2025, 10, 31))
    assert status_rows(page) == october == {("2025-10", "课后服务费")}
    assert status_rows(page) != status_rows(get(app).get_data(as_text=True))
    text = html.unescape(text_of(page))
    assert "收费公示（2025年10月）" in text and 'custom "disclosure" "2025-10"' in text
    # the notice stays a whole-term document: the term's collections up to 31 October
    collected = sum((p.units.number for e in ledger.all_entries if isinstance(e, data.Transaction)
                     and dt.date(2025, 8, 31) <= e.date <= dt.date(2025, 10, 31)
                     for p in e.postings if p.account == "Income:4101事业收入:410103课后服务费收入"),
                    Decimal(0))
    assert -collected == Decimal("600.00")
    assert f"课后服务费 2 0.00 {-collected:.2f} 400.00 400.00" in text
    top = top_of(page)
    assert "已按页面顶部的筛选条件显示（时间 2025-10）" in top and "公示情况只列2025年10月内的月份" in top
    assert "不能按时间筛选截断" in top


def test_a_year_filter_offers_its_months(app):
    client, slug = app
    ledger = client.application.config["LEDGERS"][slug]
    page = get(app, "?time=2025").get_data(as_text=True)
    year = moved(ledger.all_entries, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert status_rows(page) == year and {period for period, _item in year} == {"2025-09", "2025-10"}
    offered = re.findall(r"[?&]period=(\d{4}-\d{2})", page.split('id="notice"', 1)[1])
    assert set(offered) <= {period for period, _item in year}
    # the default month: the latest of the year with movements (over by the end of the data)
    assert "收费公示 青禾市明德区测试小学 · 2025年10月" in text_of(page)
    # a month asked for within the filter is shown, one outside it is not
    assert "· 2025年9月 ·" in text_of(get(app, "?time=2025&period=2025-09").get_data(as_text=True))
    assert "· 2025年10月 ·" in text_of(get(app, "?time=2025&period=2026-01").get_data(as_text=True))


def test_filters_that_do_not_apply_and_unreadable_ones(app):
    whole = status_rows(get(app).get_data(as_text=True))
    page = get(app, "?account=" + quote("Assets:1002银行存款")).get_data(as_text=True)
    assert "本页不随它变化" in top_of(page) and "账户和筛选条件不适用于收费公示" in top_of(page)
    assert status_rows(page) == whole
    page = get(app, "?time=" + quote("上学期")).get_data(as_text=True)
    assert "时间条件“上学期”无法识别" in top_of(page) and "本页按全部账目显示" in top_of(page)
    assert status_rows(page) == whole
    page = get(app, "?time=2030").get_data(as_text=True)
    assert "2030年没有收费项目的收付" in text_of(page) and "2030年没有可以公示的月份" in text_of(page)


def test_the_example_school_under_the_time_filter(example_fava):
    client, slug, ledger = example_fava
    page = client.get(url(slug, "?time=2026-10")).get_data(as_text=True)
    october = moved(ledger.all_entries, dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert october and status_rows(page) == october
    assert "2026年10月 课后服务费 2026-11-15 — 待公示" in text_of(page)
    assert "收费公示（2026年10月）" in text_of(page)


@pytest.mark.parametrize("query", ["?time=2026-10", "?time=2025", "?account=Assets:1002", "?time=bad"])
def test_no_english_under_the_filter_bar(example_fava, query):
    client, slug, _ledger = example_fava
    page = client.get(url(slug, query)).get_data(as_text=True)
    page = page[page.index('<div class="xz-page'):]
    page = re.sub(r"<(script|style|svg|code)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    words = set(re.findall(r"[A-Za-z][A-Za-z_\-]{2,}", page))
    assert words <= {"PDF", "PNG", "HTML", "xlsx", "bad", "Assets"}  # formats; as typed in the bar


# -- the default month, the record line and its file (issue 13) ---------------------------------
def test_the_example_defaults_to_the_month_complete_by_the_reference_date(example_fava):
    """评判日期 2026-10-31 (the example's `custom "as-of"`): October is complete and has fee
    movements, so it is the default (it used to be September, the month before the last one
    of the data)."""
    client, slug, ledger = example_fava
    from xiaozhang.model.books import SchoolBooks

    assert SchoolBooks.of(ledger.all_entries).as_of == dt.date(2026, 10, 31)
    assert moved(ledger.all_entries, dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    text = text_of(client.get(url(slug)).get_data(as_text=True))
    assert "· 2026年10月 ·" in text and "评判日期：2026-10-31（账本指定）" in text
    # under a filter: the latest complete month within it
    text = text_of(client.get(url(slug, "?time=2026-09")).get_data(as_text=True))
    assert "· 2026年9月 ·" in text


def test_a_month_not_complete_by_the_reference_date_is_not_the_default(app):
    # the fixture judges by 2026-03-02: March has movements but is not over
    assert "2026-03" in re.findall(r'<tr data-period="([^"]+)">', get(app).get_data(as_text=True))
    assert "· 2026年2月 ·" in text_of(get(app).get_data(as_text=True))
    # a filter holding only the incomplete month still previews it
    assert "· 2026年3月 ·" in text_of(get(app, "?time=2026-03").get_data(as_text=True))


def test_the_record_line_is_dated_today_but_never_before_the_months_end(app):
    today = dt.date.today()
    text = html.unescape(text_of(get(app, "?period=2026-02").get_data(as_text=True)))
    assert f'{max(today, dt.date(2026, 2, 28))} custom "disclosure" "2026-02"' in text
    # a day asked for before the month's end is moved to the month's end, and the page says so
    text = html.unescape(text_of(get(app, "?period=2026-03&date=2026-03-02").get_data(as_text=True)))
    assert '2026-03-31 custom "disclosure" "2026-03"' in text
    assert "公示日期 2026-03-31：所选的日期，但不早于2026年3月的月末" in text and "所以取月末" in text
    # one ledger file: the record goes in it
    assert "账目文件 disclosure.beancount 中：" in text


def test_the_record_names_the_month_file_or_says_how_to_create_it(example_fava):
    client, slug, ledger = example_fava
    main = Path(ledger.beancount_file_path).parent
    # a month file that exists and is included
    text = html.unescape(text_of(client.get(url(slug, "?period=2026-10&date=2026-10-31")).get_data(as_text=True)))
    assert (main / "2026" / "10.beancount").exists()
    assert '账目文件 2026/10.beancount 中： 2026-10-31 custom "disclosure" "2026-10"' in text
    # one that does not exist, under the year's include glob: create it, no include needed
    assert not (main / "2026" / "12.beancount").exists()
    text = html.unescape(text_of(client.get(url(slug, "?period=2026-10&date=2026-12-07")).get_data(as_text=True)))
    assert "这个文件还不存在：在账本文件夹中新建 2026/12.beancount （第一行可写 ; 2026年12月 ；主文件已经引入它）" in text
    # a new year: create it and include it
    text = html.unescape(text_of(client.get(url(slug, "?period=2026-10&date=2027-01-05")).get_data(as_text=True)))
    assert "新建 2027/01.beancount" in text and 'include "2027/*.beancount"' in text
    assert '2027-01-05 custom "disclosure" "2026-10"' in text
