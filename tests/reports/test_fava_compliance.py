"""The 合规 page in a real Fava application (Flask test client, no mocks)."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from test_fava_ext import fava_client, text_of
from xiaozhang.reports.render import money

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "compliance.beancount"
SLUG = "校账合规测试小学"


def page_url(slug: str, query: str = "") -> str:
    return f"/{quote(slug)}/extension/Compliance/{query}"


@pytest.fixture(scope="module")
def fixture_app():
    return fava_client(FIXTURE)


def get_page(fixture_app, query: str = "") -> str:
    client, slug, _ledger = fixture_app
    response = client.get(page_url(slug, query))
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.fixture(scope="module")
def page(fixture_app) -> str:
    return get_page(fixture_app)


def section(html: str, name: str) -> str:
    match = re.search(rf'<section id="{name}">(.*?)</section>', html, flags=re.S)
    assert match, name
    return match.group(1)


def groups(html: str) -> dict[str, str]:
    """The `<tbody data-group=...>` blocks of a problem table, by group key."""
    return dict(re.findall(r'<tbody data-group="([^"]*)">(.*?)</tbody>', html, flags=re.S))


def linenos(html: str) -> list[int]:
    """Line numbers of the editor links, in page order."""
    return [int(n) for n in re.findall(r"/editor/\?[^\"]*line=(\d+)", html)]


def test_the_page_shows_the_date_it_judges_by(page):
    assert "评判日期：2025-11-28（账本指定）" in page


def test_ledger_errors_reach_the_page(fixture_app, page):
    _client, slug, ledger = fixture_app
    assert slug == SLUG
    assert len(ledger.errors) == 9  # 8 errors + 1 budget warning, see the fixture
    text = text_of(page)
    assert "合规 评判日期：2025-11-28（账本指定） · 数据截至 2025-11-28（最后一笔交易） · 错误 8 条 · 预警 1 条" in text


def test_errors_by_month(page):
    errors = section(page, "errors")
    by_month = groups(errors)
    assert list(by_month) == ["2025-09", "2025-10", "2025-11"]
    assert linenos(by_month["2025-09"]) == [78]
    assert linenos(by_month["2025-10"]) == [94, 100, 106]
    assert linenos(by_month["2025-11"]) == [120, 136, 146, 171]
    assert "2025年10月 3 条" in text_of(by_month["2025-10"])
    assert "TL04 非税收入超期未缴 非税收入 住宿费 2025-10-08 收取" in text_of(by_month["2025-10"])
    # The summary by rule is there too, with counts.
    assert "TL04 非税收入超期未缴 2 错误" in text_of(errors)
    assert "— 账本检查（Beancount / Fava） 1 错误" in text_of(errors)


def test_errors_by_rule(fixture_app):
    errors = section(get_page(fixture_app, "?by=rule"), "errors")
    by_rule = groups(errors)
    assert list(by_rule) == ["AP01", "AP08", "AP10", "TL04", "PJ02", "PJ03", ""]
    assert linenos(by_rule["TL04"]) == [94, 120]
    assert linenos(by_rule["PJ02"]) == [136]
    assert linenos(by_rule[""]) == [171]  # the failed balance assertion
    assert "AP08 不相容职务未分离 1 条" in text_of(by_rule["AP08"])
    assert 'id="error-rule-TL04"' in errors


def test_warnings_are_listed_apart(page):
    warnings = section(page, "warnings")
    assert list(groups(warnings)) == ["2025-11"]
    assert linenos(warnings) == [136]
    assert "BG01 超预算 1 预警" in text_of(warnings)
    assert "BG01" not in section(page, "errors")


def test_problem_links_open_the_offending_entries(fixture_app, page):
    client, slug, _ledger = fixture_app
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    rows = re.findall(r'href="#context-(\w+)".*?href="([^"]*/editor/[^"]*line=(\d+))"',
                      section(page, "errors") + section(page, "warnings"), flags=re.S)
    assert [int(lineno) for _hash, _href, lineno in rows] == [78, 94, 100, 106, 120, 136, 146, 171, 136]
    for entry_hash, href, lineno in rows:
        # Fava resolves the hash to the very entry (what its context overlay shows)...
        response = client.get(f"/{quote(slug)}/api/source_slice?entry_hash={entry_hash}")
        assert response.status_code == 200, lineno
        assert response.get_json()["data"]["slice"].splitlines()[0] == lines[int(lineno) - 1]
        # ...and the location opens the fixture at that line in Fava's editor.
        href = href.replace("&amp;", "&")
        assert unquote(href) == f"/{SLUG}/editor/?file_path={FIXTURE}&line={lineno}"
        assert client.get(href).status_code == 200


def test_treasury_aging(page):
    text = text_of(section(page, "treasury"))
    assert "住宿费 2025-10-08 2,000.00 2025-10-13 51 超期未缴 compliance.beancount:94" in text
    assert "住宿费 2025-11-25 1,500.00 2025-11-30 3 未到期 compliance.beancount:161" in text
    assert "住宿费小计 3,500.00 其中超期 2,000.00" in text
    assert "门面租金 2025-11-03 800.00 2025-11-08 25 超期未缴 compliance.beancount:120" in text
    assert "合计 4,300.00 其中超期 2,800.00" in text


def test_pending_entries(page):
    text = text_of(section(page, "pending"))
    assert "共 2 笔；挂账天数算到评判日期 2025-11-28，超过 30 天为错误" in text
    assert "2025-10-10 育才文具店 打印纸（待审批） 300.00 49 compliance.beancount:100" in text
    assert "2025-11-20 育才文具店 墨盒（待补发票） 200.00 8 compliance.beancount:155" in text
    assert 'class="num xz-over">49<' in section(page, "pending")


def test_budget_execution(fixture_app, page):
    html = section(page, "budgets")
    text = text_of(html)
    assert "预算执行 （2025年，截至 2025-11-28）" in text
    assert "30201办公费 2025年 2,000.00 2,500.00 -500.00 125.0% 超支" in text
    assert "30206电费 2025年 5,000.00 4,600.00 400.00 92.0% 接近（≥90%）" in text
    assert "30213维修费 2025年 8,000.00 0.00 8,000.00 0.0% 正常" in text
    assert '<td class="xz-over">超支</td>' in html
    # The account links show the account's journal for the budget period.
    assert "time=2025-01-01+-+2025-12-31" in html

    earlier = text_of(section(get_page(fixture_app, "?year=2024"), "budgets"))
    assert "预算执行 （2024年）" in earlier
    assert "30201办公费 2024年 10,000.00 1,200.00 8,800.00 12.0% 正常" in earlier
    assert "30206电费" not in earlier


def test_project_balances(page):
    text = text_of(section(page, "projects"))
    assert "图书室建设2025 2025-10-01 10,000.00 6,500.00 3,500.00 65.0% 正常 160105图书档案" in text
    assert "校园绿化2025 2025-10-01 3,000.00 3,200.00 -200.00 106.7% 超支 30218专用材料费" in text


def test_example_ledger_page(example_fava):
    from beancount.core import data

    from xiaozhang.model.budgets import period_of

    client, slug, ledger = example_fava
    assert [str(error.message) for error in ledger.errors] == []
    response = client.get(page_url(slug))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = text_of(html)
    assert "错误 0 条 · 预警 0 条" in text
    assert "没有发现违反规则的分录。" in text and "没有预警。" in text

    entries = ledger.all_entries
    transactions = [e for e in entries if isinstance(e, data.Transaction)]
    as_of = max(txn.date for txn in transactions)

    # Projects, recomputed here: funding from the registration, spending from `project`.
    registrations = [e for e in entries if isinstance(e, data.Custom) and e.type == "project"]
    assert registrations, "the example ledger registers a project"
    projects_text = text_of(section(html, "projects"))
    for registration in registrations:
        name, funding = registration.values[0].value, registration.values[1].value.number
        spent = sum(
            (p.units.number for txn in transactions for p in txn.postings
             if (p.meta or {}).get("project", txn.meta.get("project")) == name
             and p.account.startswith(("Expenses:", "Assets:1601", "Assets:1613", "Assets:1611",
                                       "Assets:1302"))),
            Decimal(0),
        )
        assert spent > 0
        assert f"{name} {registration.date} {money(funding)} {money(spent)} " \
               f"{money(funding - spent)} " in projects_text

    # Budgets, recomputed here: the line in force on the last date, spending in its period.
    lines: dict[str, data.Custom] = {}
    for entry in entries:
        if isinstance(entry, data.Custom) and entry.type == "budget" and entry.date <= as_of:
            lines[entry.values[0].value] = entry
    assert lines, "the example ledger has budget lines"
    budgets_text = text_of(section(html, "budgets"))
    for account, line in lines.items():
        first, last = period_of(line.values[1].value, as_of)
        budget = line.values[2].value.number
        actual = sum(
            (p.units.number for txn in transactions if first <= txn.date <= last
             for p in txn.postings if p.account == account or p.account.startswith(account + ":")),
            Decimal(0),
        )
        used = (actual * 100 / budget).quantize(Decimal("0.1"))
        leaf = account.rsplit(":", 1)[-1]
        assert f"{leaf} {first.year}年 {money(budget)} {money(actual)} {money(budget - actual)} " \
               f"{used}%" in budgets_text
    assert as_of > datetime.date(2025, 1, 1)


# -- Fava's filter bar -------------------------------------------------------------------------
def test_time_filter_narrows_problems_and_pending_by_date(fixture_app):
    _client, _slug, ledger = fixture_app
    html = get_page(fixture_app, "?time=2025-10")
    # the problems of the whole load whose entry is dated in October, counted independently
    october = [e for e in ledger.errors
               if getattr(e.entry, "date", None) and e.entry.date.strftime("%Y-%m") == "2025-10"]
    warnings = [e for e in october if str(e.message).startswith("[BG")]
    assert (len(october) - len(warnings), len(warnings)) == (3, 0)
    assert list(groups(section(html, "errors"))) == ["2025-10"]
    assert linenos(section(html, "errors")) == [94, 100, 106]
    assert "错误 3 条 · 预警 0 条" in text_of(html)
    pending = text_of(section(html, "pending"))
    assert "共 1 笔" in pending and "墨盒" not in pending
    notice = html.split("<section", 1)[0]
    assert 'class="xz-filter"' in notice
    notice = text_of(notice.split('class="xz-filter"', 1)[1])
    assert "时间 2025-10" in notice and "只按分录日期缩小" in notice
    assert "不随筛选变化" in notice and "应缴财政款账龄" in notice
    # aging and projects: the whole history, as without a filter
    assert text_of(section(html, "treasury")) == text_of(section(get_page(fixture_app), "treasury"))
    assert "预算执行 （2025年" in text_of(section(html, "budgets"))
    assert "year=2024" not in section(html, "budgets")  # the time filter picks the budget year


def test_project_spent_exactly_is_used_up_not_near():
    """A project spent to the last fen is 已用完 (it was labelled 接近（≥90%）)."""
    from beancount import loader

    from xiaozhang.reports import compliance

    text = FIXTURE.read_text(encoding="utf-8").replace(
        '"图书室建设2025" 10000.00 CNY', '"图书室建设2025" 6500.00 CNY')
    assert text != FIXTURE.read_text(encoding="utf-8")
    entries, errors, options_map = loader.load_string(text)
    rows = {row.name: row for row in compliance.build(entries, errors, options_map).projects}
    assert (rows["图书室建设2025"].used, rows["图书室建设2025"].state) == (Decimal("100.0"), "已用完")


def test_changes_outside_the_pages_are_shown_as_not_in_the_history(tmp_path):
    """A ledger folder in its own git repository: a file changed by hand (not saved through
    the pages, so not committed) is named on the 合规 page; after a commit the notice is gone."""
    import shutil
    import subprocess

    folder = tmp_path / "books"
    folder.mkdir()
    ledger = folder / "main.beancount"
    shutil.copy(FIXTURE, ledger)

    def git(*args):
        subprocess.run(["git", "-c", "user.name=会计", "-c", "user.email=kj@example.org", *args],
                       cwd=folder, check=True, capture_output=True)

    git("init", "-q")
    git("add", "-A")
    git("commit", "-q", "-m", "开始")
    client, slug, _ledger = fava_client(ledger)
    clean = client.get(page_url(slug)).get_data(as_text=True)
    assert "尚未记入修改历史" not in clean

    ledger.write_text(ledger.read_text(encoding="utf-8") + "\n; 手工修改\n", encoding="utf-8")
    changed = client.get(page_url(slug)).get_data(as_text=True)
    assert "尚未记入修改历史" in changed
    assert "main.beancount" in text_of(changed).split("尚未记入修改历史")[1][:200]

    git("commit", "-q", "-am", "确认手工修改")
    assert "尚未记入修改历史" not in client.get(page_url(slug)).get_data(as_text=True)
