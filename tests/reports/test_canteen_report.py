"""reports.canteen: the monthly notice and statement figures, checked two ways: by hand on the
small tests/fixtures/canteen.beancount, and on the example school against an independent
computation with beanquery (BQL sums over the ledger). The documents are rendered for real
(PDF read back, rendered to PNG, xlsx read back) and the command is run as a subprocess."""

from __future__ import annotations

import re

import datetime as dt
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from beancount import loader
from beanquery import query
from openpyxl import load_workbook
from PIL import Image

from xiaozhang import chart
from xiaozhang.reports import canteen, canteen_documents, document

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "canteen.beancount"
ARTIFACTS = ROOT / "tests" / "artifacts"
D = Decimal
CENT = D("0.01")


@pytest.fixture(scope="module")
def fixture_ledger():
    entries, errors, options_map = loader.load_file(str(FIXTURE))
    assert errors == []
    return entries, options_map


@pytest.fixture(scope="module")
def october(fixture_ledger) -> canteen.CanteenMonth:
    return canteen.build(*fixture_ledger, dt.date(2025, 10, 1))


# -- by hand, on the fixture --------------------------------------------------------------------

def test_month_income_cost_and_rates_by_hand(october):
    m = october.figures
    # income: students 390 + 65; staff none; other none
    assert m.income == (canteen.Line("学生伙食费", D("455.00")), canteen.Line("教职工伙食费", D(0)),
                        canteen.Line("其他收入", D(0)))
    # every opened cost category is listed, in chart order
    assert m.cost == (canteen.Line("米面油", D("300.00")), canteen.Line("肉禽蛋", D(0)),
                      canteen.Line("燃料水电", D("20.00")), canteen.Line("人工", D("100.00")),
                      canteen.Line("其他", D(0)))
    assert (m.income_total, m.cost_total, m.surplus) == (D("455.00"), D("420.00"), D("35.00"))
    assert m.surplus_rate.quantize(D("0.0001")) == D("0.0769")  # 35 / 455
    assert m.food_cost_ratio.quantize(D("0.0001")) == D("0.6593")  # 300 / 455


def test_meals_served_and_an_entry_without_a_count(october):
    m = october.figures
    assert (m.meals_students, m.meals_staff, m.days_served) == (60, 0, 2)
    assert m.unknown_meals_entries == 1  # the 10-10 消费 without `records`
    text = document.pdf_text(document.pdf_bytes(canteen_documents.notice_document(october)))[0]
    assert "没有人次记录，就餐人次不完整" in text


def test_september_and_the_term_to_date(fixture_ledger, october):
    september = canteen.build(*fixture_ledger, dt.date(2025, 9, 1)).figures
    # income 3250 + 1300 + 240 + 12.50; cost 2100 + (1480 + 20) + 300 + 700 + 50
    assert (september.income_total, september.cost_total) == (D("4802.50"), D("4650.00"))
    assert (september.meals_students, september.meals_staff, september.days_served) == (700, 30, 2)
    assert september.food_cost_ratio.quantize(D("0.0001")) == D("0.7516")  # 3600 / 4790
    term = october.term
    assert october.term_label == "2025年秋季学期"
    assert (term.first, term.last) == (dt.date(2025, 8, 31), dt.date(2025, 10, 31))
    assert (term.income_total, term.cost_total, term.surplus) == (D("5257.50"), D("5070.00"), D("187.50"))
    assert october.year.income_total == D("5257.50")


def test_balance_at_the_end_of_the_month_by_hand(october):
    b = october.balance
    assert b.assets == (canteen.Line("银行存款", D("15142.50")), canteen.Line("库存食材——米面油", D("100.00")),
                        canteen.Line("库存食材——肉禽蛋", D("0.00")))
    assert b.liabilities == (canteen.Line("应付货款", D("3500.00")), canteen.Line("学生饭卡预存", D("895.00")),
                             canteen.Line("教职工饭卡预存", D("160.00")))
    assert b.net_assets == (canteen.Line("伙食结余（上年结转）", D("10500.00")),
                            canteen.Line("本年收支结余", D("187.50")))
    assert (b.assets_total, b.difference) == (D("15242.50"), D(0))


def test_deadlines_and_a_month_in_progress(fixture_ledger, october):
    assert (october.disclosure_due, october.statement_due) == (dt.date(2025, 11, 15), dt.date(2025, 11, 5))
    assert october.complete and (october.cap, october.mode) == (D(8), "school")
    november = canteen.build(*fixture_ledger, dt.date(2025, 11, 1))
    assert not november.complete  # the books stop on 11-28
    text = document.pdf_text(document.pdf_bytes(canteen_documents.statement_document(november)))[0]
    assert "本月尚未结束" in text


def test_the_page_year_stock_and_licences(fixture_ledger):
    year = canteen.build_year(*fixture_ledger)
    assert year.school_year == 2025 and year.as_of == dt.date(2025, 11, 28)
    # up to the month of the end of the data: the months to come are not rows of zeros
    assert [row.month.month for row in year.months] == [9, 10, 11]
    november = year.months[2]
    # 160 income, 100 cost: 37.5%, but November is not over: not flagged
    assert (november.complete, november.over_cap) == (False, False)
    assert [row.over_cap for row in year.months[:2]] == [False, False]
    assert year.stock == (canteen.Line("米面油", D("100.00")), canteen.Line("肉禽蛋", D("0.00")))
    assert year.licences == (canteen.Licence("青禾市鲜达农副产品配送有限公司", "食品经营许可证",
                                             "JY14307020044310", dt.date(2025, 12, 20), 22),)
    ((term, figures, ended, over),) = year.terms
    assert (term.name, ended, over, figures.income_total) == ("2025年秋季学期", False, False, D("5417.50"))


def test_licences_are_judged_by_the_as_of_date_not_the_end_of_the_data():
    """The books stop on 2025-11-28; pinned at 2026-01-10 the 鲜达 food licence (to 2025-12-20)
    has run out 21 days ago, and 丰源's are still far off."""
    text = FIXTURE.read_text(encoding="utf-8").replace(
        '2025-11-28 custom "as-of" "评判日期"', '2026-01-10 custom "as-of" "评判日期"')
    assert '2026-01-10 custom "as-of"' in text
    entries, errors, options_map = loader.load_string(text)
    # November is over by then: its 37.5% surplus is now judged (CT03)
    assert sorted({e.message[:6] for e in errors}) == ["[CT03]"]
    year = canteen.build_year(entries, options_map)
    assert year.as_of == dt.date(2025, 11, 28) and year.judged == dt.date(2026, 1, 10)
    assert year.licences == (canteen.Licence("青禾市鲜达农副产品配送有限公司", "食品经营许可证",
                                             "JY14307020044310", dt.date(2025, 12, 20), -21),)


def test_the_page_year_under_a_time_filter(fixture_ledger):
    """Fava's time filter (first and last day): its months, whole; the terms overlapping it;
    the stores at its end; the licences judged at the end of the data."""
    october = (dt.date(2025, 10, 1), dt.date(2025, 10, 31))
    year = canteen.build_year(*fixture_ledger, period=october)
    assert [row.month for row in year.months] == [dt.date(2025, 10, 1)]
    assert year.months[0].figures.income_total == D("455.00")
    assert year.title == "2025年10月" and year.stock_on == dt.date(2025, 10, 31)
    assert [term.name for term, *_ in year.terms] == ["2025年秋季学期"]
    assert year.licences == canteen.build_year(*fixture_ledger).licences
    beyond = canteen.build_year(*fixture_ledger, period=(dt.date(2025, 11, 1), dt.date(2026, 3, 31)))
    assert [row.month for row in beyond.months] == [dt.date(2025, 11, 1)]  # none after the data


def test_the_shown_month_has_meals(fixture_ledger):
    assert canteen.months_with_meals(*fixture_ledger) == [
        dt.date(2025, 9, 1), dt.date(2025, 10, 1), dt.date(2025, 11, 1)]
    assert canteen.shown_month(*fixture_ledger, "2025-08") is None  # no notice of zeros
    assert canteen.shown_month(*fixture_ledger, "").month == dt.date(2025, 10, 1)  # latest over
    september = (dt.date(2025, 9, 1), dt.date(2025, 9, 30))
    assert canteen.shown_month(*fixture_ledger, "", september).month == dt.date(2025, 9, 1)
    assert canteen.shown_month(*fixture_ledger, "", (dt.date(2025, 7, 1), dt.date(2025, 8, 31))) is None


def test_without_term_end_the_term_to_date_is_the_model_term():
    """No `term-end` policy: the term (本学期累计) is the model's (to 31 January, then from
    1 February), not the whole ledger as one term named 本学期 as before."""
    text = FIXTURE.read_text(encoding="utf-8").replace(
        '2026-01-16 custom "policy" "term-end" "2025年秋季学期"\n', "").replace(
        '2025-11-28 custom "as-of"', '2026-02-02 custom "as-of"') + (  # judged on the new entry
        '2026-02-02 * "就餐消费汇总，确认伙食费收入（一卡通系统）"\n'
        "  records: 10\n"
        "  Liabilities:2307其他应付款:230702饭卡预存    65.00 CNY\n"
        "  Income:4101事业收入:410102伙食费收入        -65.00 CNY\n")
    entries, _errors, options_map = loader.load_string(text)
    february = canteen.build(entries, options_map, dt.date(2026, 2, 1))
    assert february.term_label == "2026年春季学期"
    assert (february.term.first, february.term.last, february.term.income_total) == (
        dt.date(2026, 2, 1), dt.date(2026, 2, 28), D("65.00"))
    assert february.year.income_total == D("65.00")
    october = canteen.build(entries, options_map, dt.date(2025, 10, 1))
    assert (october.term_label, october.term.first) == ("2025年秋季学期", dt.date(2025, 8, 31))
    year = canteen.build_year(entries, options_map, 2025)
    assert [(term.name, f.first, f.last, ended) for term, f, ended, _over in year.terms] == [
        ("2025年秋季学期", dt.date(2025, 8, 31), dt.date(2026, 1, 31), True),
        ("2026年春季学期", dt.date(2026, 2, 1), dt.date(2026, 7, 31), False)]


def test_licences_include_expired_and_contracts(fixture_ledger):
    entries, options_map = fixture_ledger
    register = canteen.canteen_of(entries, options_map).suppliers
    found = canteen.expiring(register, dt.date(2026, 7, 1), 60)
    assert [(lic.supplier[:5], lic.kind, lic.days_left) for lic in found] == [
        ("青禾市鲜达", "食品经营许可证", -193), ("青禾市丰源", "供货合同", 54), ("青禾市鲜达", "供货合同", 54)]


# -- the example school, against BQL ------------------------------------------------------------

@pytest.fixture(scope="module")
def example(example_ledger):
    assert example_ledger.errors == []
    return example_ledger.entries, example_ledger.options_map


def bql_sums(entries, options_map, first, last) -> dict[str, Decimal]:
    _types, rows = query.run_query(entries, options_map, (
        f"SELECT account, sum(number) AS total WHERE date >= {first} AND date <= {last} "
        "GROUP BY account"))
    return {account: total for account, total in rows}


def test_example_october_equals_an_independent_computation(example):
    entries, options_map = example
    first, last = dt.date(2025, 10, 1), dt.date(2025, 10, 31)
    sums = bql_sums(entries, options_map, first, last)
    month = canteen.build(entries, options_map, first)
    m = month.figures
    assert m.income_of("学生伙食费") == -sums[chart.MEAL_INCOME]
    assert m.income_of("教职工伙食费") == -sums[chart.STAFF_MEAL_INCOME]
    assert m.income_of("其他收入") == -sums.get(chart.CANTEEN_OTHER_INCOME, D(0))
    for _, category in chart.FOOD_CATEGORIES:
        assert m.cost_of(category) == sums[chart.food_cost_account(category)]
    assert m.cost_of("燃料水电") == sums[chart.CANTEEN_FUEL]
    assert m.cost_of("人工") == sums[chart.CANTEEN_LABOUR]
    assert m.cost_of("其他") == sums[chart.CANTEEN_OTHER_COST]
    cost = sum((v for a, v in sums.items() if a.startswith(chart.CANTEEN_COST)), D(0))
    income = -sum((sums.get(a, D(0)) for a in (chart.MEAL_INCOME, chart.STAFF_MEAL_INCOME,
                                              chart.CANTEEN_OTHER_INCOME)), D(0))
    assert (m.income_total, m.cost_total, m.surplus) == (income, cost, income - cost)
    food = sum((sums[chart.food_cost_account(c)] for _, c in chart.FOOD_CATEGORIES), D(0))
    assert m.food_cost_ratio == food / -(sums[chart.MEAL_INCOME] + sums[chart.STAFF_MEAL_INCOME])
    # meals: the card system's counts, which at 6.50 and 8.00 a meal give the meal income
    _types, rows = query.run_query(entries, options_map, (
        f"SELECT account, entry_meta('records') AS records WHERE date >= {first} AND date <= {last} "
        f"AND account ~ '^Income:4101' AND number < 0"))
    students = sum(int(r) for a, r in rows if a == chart.MEAL_INCOME)
    staff = sum(int(r) for a, r in rows if a == chart.STAFF_MEAL_INCOME)
    assert (m.meals_students, m.meals_staff) == (students, staff)
    assert students * D("6.50") == -sums[chart.MEAL_INCOME]
    assert staff * D("8.00") == -sums[chart.STAFF_MEAL_INCOME]
    assert 900 <= m.meals_students / m.days_served <= 1100  # about 1,000 diners a day
    assert D("0.01") < m.surplus_rate < D("0.08")


def test_example_balance_equals_bql_balances(example):
    entries, options_map = example
    last = dt.date(2025, 10, 31)
    sums = bql_sums(entries, options_map, dt.date(2000, 1, 1), last)
    b = canteen.build(entries, options_map, dt.date(2025, 10, 1)).balance
    assert dict(b.assets)["银行存款"] == sums[chart.BANK_CANTEEN]
    for _, category in chart.FOOD_CATEGORIES:
        assert dict(b.assets)[f"库存食材——{category}"] == sums[chart.food_stock_account(category)]
    assert dict(b.liabilities) == {"应付货款": -sums[chart.CANTEEN_PAYABLE],
                                   "学生饭卡预存": -sums[chart.MEAL_CARDS],
                                   "教职工饭卡预存": -sums[chart.STAFF_MEAL_CARDS]}
    assert b.difference == 0
    # the stock equals the month-end count in the ledger
    counted = {e.values[0].value: e.values[1].value.number for e in entries
               if getattr(e, "type", None) == "stocktake" and e.date == last}
    for _, category in chart.FOOD_CATEGORIES:
        assert counted[chart.food_stock_account(category)] == sums[chart.food_stock_account(category)]


def test_example_every_month_under_the_cap(example):
    year = canteen.build_year(*example, school_year=2025)
    served = [row for row in year.months if row.figures.income_total]
    assert len(served) == 11  # September to July; August closed
    assert not any(row.over_cap for row in year.months)
    assert all(D("0.6") < row.figures.food_cost_ratio < D("0.75") for row in served)
    assert [(term.name, ended) for term, _figures, ended, _over in year.terms] == [
        ("2025年秋季学期", True), ("2026年春季学期", True)]  # the summer after has no meals
    current = canteen.build_year(*example)
    # the term running at the end of the data is named from the calendar (xiaozhang.model.periods)
    assert [(term.name, ended) for term, _figures, ended, _over in current.terms] == [("2026年秋季学期", False)]


# -- the documents ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def example_october(example):
    return canteen.build(*example, dt.date(2025, 10, 1))


def test_notice_pdf_text_and_png(example_october, tmp_path):
    m = example_october.figures
    paths = document.write(canteen_documents.notice_document(example_october), tmp_path, "notice")
    pdf = next(p for p in paths if p.suffix == ".pdf")
    (text,) = document.pdf_text(pdf)
    for expected in ("伙食费收支公示", "青禾市明德区实验小学食堂 2025年10月", "2025年11月15日前张贴",
                     f"{m.meals_students:,}", f"{m.income_of('学生伙食费'):,.2f}", "米面油", "肉禽蛋",
                     "蔬菜", "调味品", "燃料水电", "人工", f"{m.surplus:,.2f}",
                     f"{m.surplus_rate * 100:.2f}%", f"{m.food_cost_ratio * 100:.2f}%", "≤8%",
                     "成本核算人", "膳食委员会", "总务主任", "校长", "监督电话：0736-7215318",
                     "第 1 页 共 1 页"):
        assert expected in text, expected
    # the parents' phone picture(s): one column 1080 px wide
    for picture in (p for p in paths if p.suffix == ".png"):
        image = Image.open(picture).convert("L")
        width, height = image.size
        assert width == document.PHONE_WIDTH and height <= document.PHONE_PART + 900
        assert sum(image.histogram()[:128]) > width * height * 0.01  # text drawn
    # the first picture is docs/canteen.md's (copied from tests/artifacts/canteen-notice.png)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "canteen-notice.png").write_bytes(sorted(p for p in paths if p.suffix == ".png")[0].read_bytes())


def test_statement_pdf_and_xlsx(example_october, tmp_path):
    b = example_october.balance
    paths = document.write(canteen_documents.statement_document(example_october), tmp_path, "statement")
    (text,) = document.pdf_text(next(p for p in paths if p.suffix == ".pdf"))
    for expected in ("食堂收支盈亏表", "2025年11月5日前报学校", "本年累计", "资产负债（2025年10月31日）",
                     f"{b.assets_total:,.2f}", "学生饭卡预存", "应付货款", "伙食结余（上年结转）",
                     "食堂账目自身平衡", "会计", "总务主任", "校长"):
        assert expected in text, expected
    sheet = load_workbook(next(p for p in paths if p.suffix == ".xlsx")).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert float(example_october.figures.surplus) in values  # a number, not text
    assert "收支结余" in values


def test_example_documents_name_the_term_as_the_fee_notices_do(example, tmp_path):
    """The canteen notice and statement print the term as every fee notice does (`Term.title`,
    the calendar dates of the `term-start`/`term-end` policies): before, the notice only named
    it "2026年春季学期" while the fee notice said "2025-2026学年第二学期（2026-01-17 起）"."""
    march = canteen.build(*example, dt.date(2026, 3, 1))
    title = "2026年春季学期（2025-2026学年第二学期，2026-02-24 至 2026-07-03）"
    assert (march.term_label, march.term_title) == ("2026年春季学期", title)
    for doc in (canteen_documents.notice_document(march), canteen_documents.statement_document(march)):
        paths = document.write(doc, tmp_path, doc.title)
        text = "".join(document.pdf_text(next(p for p in paths if p.suffix == ".pdf")))
        assert re.sub(r"\s+", "", title) in re.sub(r"\s+", "", text), doc.title
        assert "2026-01-17" not in text and "2026年1月17日" not in text
    # the page's term table: the calendar dates, not the range of the term's postings
    year = canteen.build_year(*example, school_year=2025)
    assert [(term.name, term.dates) for term, *_ in year.terms] == [
        ("2025年秋季学期", "2025-09-01 至 2026-01-16"), ("2026年春季学期", "2026-02-24 至 2026-07-03")]
    assert year.terms[1][1].first == dt.date(2026, 1, 17)  # the figures still count from the range


# -- the command --------------------------------------------------------------------------------

def run(*args, cwd=ROOT):
    env = dict(os.environ, BEANCOUNT_DISABLE_LOAD_CACHE="1")
    return subprocess.run([sys.executable, "-m", "xiaozhang.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True)


def test_command_writes_both_documents_in_every_format(tmp_path):
    done = run("canteen", "report", "--month", "2025-10", "--out", str(tmp_path),
               "--ledger", str(FIXTURE))
    assert done.returncode == 0, done.stderr
    names = sorted({re.sub(r"-10-\d\.png$", "-10.png", p.name) for p in tmp_path.iterdir()})  # phone parts
    assert names == sorted(f"{stem}-2025-10.{fmt}" for stem in ("伙食费收支公示", "食堂收支盈亏表")
                           for fmt in ("html", "pdf", "xlsx", "png"))
    html = (tmp_path / "伙食费收支公示-2025-10.html").read_text(encoding="utf-8")
    assert "455.00" in html and "校账食堂测试小学" in html


def test_command_refuses_bad_input_in_chinese(tmp_path):
    bad = run("canteen", "report", "--month", "2025-13", "--out", str(tmp_path), "--ledger", str(FIXTURE))
    assert bad.returncode == 2 and "月份应写成 2026-03 的形式，实际为“2025-13”" in bad.stderr
    empty = run("canteen", "report", "--month", "2024-03", "--out", str(tmp_path), "--ledger", str(FIXTURE))
    assert empty.returncode == 1
    assert f"{FIXTURE}：2024年3月 没有食堂收支记录" in empty.stderr
    assert list(tmp_path.iterdir()) == []


def test_figures_quoted_in_the_accountant_doc_match_the_example(example_october):
    """docs/canteen.md quotes October 2025 of the example school; keep it true."""
    m = example_october.figures
    doc = (ROOT / "docs" / "canteen.md").read_text(encoding="utf-8")
    quoted = (f"供餐 {m.days_served} 天", f"学生就餐 {m.meals_students:,} 人次", f"教职工 {m.meals_staff:,} 人次",
              f"收入 {m.income_total:,.2f} 元", f"成本 {m.cost_total:,.2f} 元", f"结余 {m.surplus:,.2f} 元",
              f"结余率 {m.surplus_rate * 100:.2f}%", f"食材成本率 {m.food_cost_ratio * 100:.2f}%",
              f"资产合计 {example_october.balance.assets_total:,.2f} 元")
    for text in quoted:
        assert text in doc, text
