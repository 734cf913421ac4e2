"""The example school: reproducible byte for byte, loads clean, has every kind of entry."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import data

from xiaozhang import chart
from xiaozhang.chart import PAYMENT_SOURCES as MONEY_ROOTS
from xiaozhang.example import ExampleConfig, generate
from xiaozhang.model.books import SchoolBooks
from xiaozhang.plugins.assets import AssetRegister

ROOT = Path(__file__).resolve().parent.parent
LEDGER = ROOT / "ledger"
ONE_LINE = 'plugin "xiaozhang.plugins.school"'
# What every ledger listed before the one plugin line, in this order.
NINE_LINES = tuple(f'plugin "xiaozhang.plugins.{name}"' for name in (
    "policy", "approvals", "twolines", "projects", "budgets", "fees", "canteen", "assets", "depreciation"))


def tree(folder: Path) -> dict[str, bytes]:
    """The ledger files (not Beancount's load cache, which is not part of the books)."""
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.name.endswith(".picklecache")}


def test_default_generation_reproduces_the_committed_ledger(tmp_path):
    generate(tmp_path, ExampleConfig.make())
    produced, committed = tree(tmp_path), tree(LEDGER)
    assert sorted(produced) == sorted(committed)
    differing = [name for name in produced if produced[name] != committed[name]]
    assert differing == [], "ledger/ differs from `xiaozhang example --out DIR`; regenerate on purpose"


@pytest.fixture(scope="module")
def example(example_ledger):
    assert example_ledger.errors == []
    return example_ledger.entries, example_ledger.options_map


def transactions(entries):
    return [e for e in entries if isinstance(e, data.Transaction)]


def test_example_period_and_options(example):
    entries, options = example
    txns = transactions(entries)
    assert min(t.date for t in txns).isoformat() == "2025-08-31"  # opening balances
    assert max(t.date for t in txns).isoformat() == "2026-10-31"
    assert options["operating_currency"] == ["CNY"]
    assert "实验小学" in options["title"]


def test_the_example_calendar_is_written_as_term_policies(example):
    """The generator's calendar (xiaozhang.example.dates) reaches the books as `term-start` and
    `term-end` policies, and the model's terms carry it: each term's calendar start is its first
    teaching day, while its range of postings still starts the day after the previous end."""
    entries, options = example
    policies = [(str(e.date), e.values[0].value, e.values[1].value) for e in entries
                if isinstance(e, data.Custom) and e.type == "policy"
                and e.values[0].value in ("term-start", "term-end")]
    assert policies == [
        ("2025-09-01", "term-start", "2025年秋季学期"), ("2026-01-16", "term-end", "2025年秋季学期"),
        ("2026-02-24", "term-start", "2026年春季学期"), ("2026-07-03", "term-end", "2026年春季学期"),
        ("2026-09-01", "term-start", "2026年秋季学期")]
    terms = SchoolBooks.of(entries, options).terms
    assert [(t.name, str(t.begins), str(t.start)) for t in terms] == [
        ("2025年秋季学期", "2025-09-01", "2025-08-31"), ("2026年春季学期", "2026-02-24", "2026-01-17"),
        ("2026年秋季学期", "2026-09-01", "2026-07-04")]
    assert terms[-1].title == "2026年秋季学期（2026-2027学年第一学期，2026-09-01 起）"


def test_example_school_size(example):
    entries, _ = example
    homework = [t for t in transactions(entries)
                if t.meta.get("item") == "作业本费" and "student" in t.meta]
    per_term = Counter(t.narration for t in homework)
    assert len(per_term) == 3  # autumn 2025, spring 2026, autumn 2026
    for count in per_term.values():
        assert 1100 <= count <= 1300
    classes = {t.meta["class"] for t in homework if "2026年秋季" in t.narration}
    assert len(classes) == 24  # 6 grades x 4 classes
    assert all(p.units.number == 15 for t in homework for p in t.postings if p.units.number > 0)


def postings_touching(txn, prefix):
    return [p for p in txn.postings if p.account.startswith(prefix)]


def test_example_has_every_kind_of_entry(example):
    entries, _ = example
    txns = transactions(entries)

    def having(*prefixes, sign=None):
        found = []
        for t in txns:
            if all(postings_touching(t, p) for p in prefixes):
                found.append(t)
        return found

    # 授权支付额度到账 and 财政直接支付 payroll
    assert having(chart.ZERO_BALANCE, chart.FISCAL_INCOME_BASIC)
    assert having(chart.PAYROLL, chart.FISCAL_INCOME_BASIC)
    # 住宿费: collected to 2103, remitted to the 财政专户, returned as 事业收入
    assert having(chart.BANK_BASIC, chart.ACCOMMODATION_FEE)
    remittances = [t for t in having(chart.ACCOMMODATION_FEE, chart.BANK_BASIC)
                   if postings_touching(t, chart.ACCOMMODATION_FEE)[0].units.number > 0]
    assert remittances and all("财政" in t.payee for t in remittances)
    assert having(chart.BANK_BASIC, chart.OPERATING_INCOME_REFUND)
    # 代收费: collection, supplier payment, term-end refund
    workbook = chart.agency_fee_account("02")
    assert having(chart.BANK_COLLECTION, workbook)
    assert [t for t in having(workbook) if "supplier" in t.meta]
    assert [t for t in having(workbook) if "清退" in t.narration]
    # utilities, repairs, purchases with full approvals, 政府采购 and 三重一大
    for code in ("30205", "30206", "30213", "30201"):
        assert having(chart.goods_services(code))
    assert [t for t in txns if t.meta.get("procurement") == "政府采购" and "contract" in t.meta]
    assert [t for t in txns if "meeting" in t.meta and "三重一大" in t.narration]
    # fixed assets: every 1601 posting belongs to an asset card (see test_example_asset_base)
    assert all(p.units.number < 0 or "asset_id" in (p.meta or {}) or "asset_id" in t.meta
               for t in having(chart.FIXED_ASSETS) for p in postings_touching(t, chart.FIXED_ASSETS))
    # rent; interest; petty cash; canteen
    assert having(chart.BANK_BASIC, chart.RENT_INCOME)
    assert having(chart.INTEREST_INCOME)
    assert having(chart.CASH, chart.BANK_BASIC)
    assert having(chart.BANK_CANTEEN, chart.MEAL_CARDS)
    assert having(chart.MEAL_CARDS, chart.MEAL_INCOME)
    # pending entries for the overview
    assert [t for t in txns if t.flag == "!"]


def test_complete_payments_carry_the_signatures(example):
    entries, _ = example
    for txn in transactions(entries):
        debits_expense = any(p.account.startswith(("Expenses:", chart.FIXED_ASSETS))
                             and p.units.number > 0 for p in txn.postings)
        # money paid out (not a stores issue or stocktake adjustment, which move no money)
        pays = any(p.account.startswith(MONEY_ROOTS) and p.units.number < 0 for p in txn.postings)
        if txn.flag != "*" or not debits_expense or not pays:
            continue
        meta = txn.meta
        assert {"handler", "reviewer", "approver", "approved"} <= set(meta), txn
        assert meta["handler"] != meta["approver"]
        assert meta["handler"] != meta["reviewer"]
        assert meta["handler"] not in str(meta.get("inspector", "")).split(",")
        assert meta["approved"] <= txn.date


def test_year_end_remittance_and_unique_vouchers(example):
    entries, _ = example
    balance = sum(p.units.number for t in transactions(entries) if t.date.year == 2025
                  for p in postings_touching(t, chart.PAYABLE_TO_TREASURY))
    assert balance == 0  # 2103 is zero at year-end
    vouchers = [t.meta["voucher"] for t in transactions(entries) if "voucher" in t.meta]
    assert len(vouchers) == len(set(vouchers)) > 300


def test_other_sizes_are_deterministic_and_load_clean(tmp_path):
    config = ExampleConfig.make(students=300, years=2, seed=7)
    generate(tmp_path / "a", config)
    generate(tmp_path / "b", config)
    assert tree(tmp_path / "a") == tree(tmp_path / "b")
    entries, errors, _ = loader.load_file(str(tmp_path / "a" / "main.beancount"))
    assert errors == []
    assert min(e.date for e in transactions(entries)).isoformat() == "2024-08-31"
    other = ExampleConfig.make(students=300, years=2, seed=8)
    generate(tmp_path / "c", other)
    assert tree(tmp_path / "a") != tree(tmp_path / "c")


def test_roster_has_no_names_in_the_ledger():
    roster = (LEDGER / "students.csv").read_text(encoding="utf-8").splitlines()
    assert roster[0] == "学号,姓名,年级,班级,入学年份"
    current = [row for row in roster[1:] if not row.split(",")[2] == "已毕业"]
    assert 1100 <= len(current) <= 1300
    names = {row.split(",")[1] for row in roster[1:]}
    text = "".join(p.read_text(encoding="utf-8") for p in LEDGER.rglob("*.beancount"))
    assert not [n for n in list(names)[:200] if f'"{n}"' in text]


def test_example_asset_base(example):
    """A real asset base: opening cards of every category built up over years, purchases in
    the period, one disposal, transfers, and the generated monthly depreciation."""
    entries, _ = example
    register = AssetRegister(entries)
    assert register.errors == []
    cards = list(register.cards.values())
    assert {c.category for c in cards} == {name for _, name in chart.ASSET_CATEGORIES}
    opening = [c for c in cards if c.source_kind == "期初建账"]
    assert len(opening) >= 60 and min(c.acquired for c in opening).year <= 2006
    assert {c.name for c in opening} >= {"教学楼", "学生课桌椅", "多媒体投影机", "馆藏图书",
                                         "食堂厨房设备（蒸饭柜、炒灶、消毒柜、冷藏柜）"}
    rooms = {c.location for c in opening if c.name == "学生课桌椅"}
    assert len(rooms) == 24  # a batch of desks in every classroom, its 班主任 the custodian
    bought = [c for c in cards if c.source_kind == "购置"]
    assert {c.name for c in bought} >= {"计算机教室学生机", "教师办公桌椅", "多媒体投影机"}
    assert [c.disposal.kind for c in cards if c.disposal] == ["报废"]
    assert sum(len(c.transfers) for c in cards) == 2
    depreciation = [t for t in transactions(entries) if t.meta.get("__xiaozhang__") == "depreciation"]
    months = {t.date for t in depreciation}
    assert len(months) == 14  # September 2025 .. October 2026
    # 行政及后勤 cards (the policy's admin-depts, by their 使用部门 at each month end) go to 5101,
    # the others to 5001 — counted here from the cards' departments and transfers, month by month
    admin = {"办公室", "校长室", "总务处", "财务室"}
    expected = Counter()
    for card in cards:
        if card.schedule is None:
            continue
        for day in months:
            dept = card.dept
            for transfer in card.transfers:
                if transfer.date <= day:
                    dept = transfer.changes.get("dept", dept)
            account = chart.ADMIN_DEPRECIATION_EXPENSE if dept in admin else chart.DEPRECIATION_EXPENSE
            expected[day, account] += card.schedule.charge(day.year * 12 + day.month - 1)
    booked = Counter()
    for t in depreciation:
        assert t.postings[0].account in (chart.DEPRECIATION_EXPENSE, chart.ADMIN_DEPRECIATION_EXPENSE)
        booked[t.date, t.postings[0].account] += int(t.postings[0].units.number * 100)
    assert +booked == +expected
    assert {account for _day, account in +booked} == {chart.DEPRECIATION_EXPENSE,
                                                      chart.ADMIN_DEPRECIATION_EXPENSE}
    # the copiers moved to 总务处 on 2026-02-24: from February their depreciation is 5101's
    copier = next(c for c in cards if c.name == "数码复印机")
    assert [t.changes["dept"] for t in copier.transfers] == ["总务处"] and copier.dept == "教务处"
    # the school's cards follow 附表2: 学生用家具 (teaching desks) over 5 years
    assert {c.life for c in cards if c.name == "学生课桌椅"} == {5}
    assert {c.subcategory for c in cards if c.name == "学生课桌椅"} == {"学生用家具"}


def test_example_fees_are_defined_settled_and_disclosed(example):
    from xiaozhang.plugins.fees import read_fees

    entries, _ = example
    book, problems = read_fees(entries)
    assert problems == []
    assert book.names() == ["作业本费", "教辅资料费", "住宿费", "课后服务费"]
    assert [book.kind(n) for n in book.names()] == ["代收", "代收", "行政事业性", "服务性"]
    # one disclosure per month of term activity, each covering every item; none in August
    months = [r.period for r in book.disclosures]
    assert months == ["2025-09", "2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03",
                      "2026-04", "2026-05", "2026-06", "2026-07", "2026-09"]
    assert all(r.items == tuple(book.names()) for r in book.disclosures)
    txns = transactions(entries)
    # suppliers are paid per grade (one posting per grade, shared by that grade's buyers)
    payments = [t for t in txns if "supplier" in t.meta and t.meta.get("item") == "作业本费"]
    assert len(payments) == 3
    assert all(sorted(p.meta["grade"] for p in t.postings if p.account == chart.agency_fee_account("01"))
               == sorted(f"{g}年级" for g in "一二三四五六") for t in payments)
    # 课后服务费: school income, spent on tagged expenses
    collected = [t for t in txns if postings_touching(t, chart.AFTER_SCHOOL_INCOME)]
    spent = [t for t in txns if t.meta.get("item") == "课后服务费" and postings_touching(t, "Expenses:")]
    assert len(collected) > 2000 and len(spent) >= 9


def test_the_example_enables_the_rules_with_the_one_plugin_line():
    main = (LEDGER / "main.beancount").read_text(encoding="utf-8")
    plugins = [line for line in main.splitlines() if line.startswith("plugin ")]
    assert plugins == [ONE_LINE]


def load_with_plugins(folder: Path, out: Path, plugins: tuple[str, ...]):
    """The ledger in `folder` with its plugin line replaced by `plugins` (its files read in place)."""
    main = (folder / "main.beancount").read_text(encoding="utf-8")
    assert main.count(ONE_LINE + "\n") == 1
    main = main.replace(ONE_LINE + "\n", "".join(line + "\n" for line in plugins))
    main = re.sub(r'^include "(.*)"$', lambda m: f'include "{folder / m.group(1)}"', main, flags=re.MULTILINE)
    out.mkdir()
    (out / "main.beancount").write_text(main, encoding="utf-8")
    return loader.load_file(str(out / "main.beancount"))


def test_a_ledger_with_the_nine_plugin_lines_keeps_working_unchanged(small_school, tmp_path):
    """Ledgers written before the one plugin line list the nine plugins: they load as before,
    with the same (no) problems and the same generated depreciation entries as the one line."""
    one, one_errors, _ = load_with_plugins(small_school, tmp_path / "one", (ONE_LINE,))
    nine, nine_errors, _ = load_with_plugins(small_school, tmp_path / "nine", NINE_LINES)
    assert one_errors == []
    assert nine_errors == []

    def depreciation(entries):
        return [e for e in entries if e.meta.get("__xiaozhang__") == "depreciation"]

    assert depreciation(one)
    assert depreciation(nine) == depreciation(one)

    def without_main(entries, folder):  # entries of main.beancount itself name their own copy
        main = str(folder / "main.beancount")
        return [e._replace(meta={**e.meta, "filename": "main"}) if e.meta.get("filename") == main else e
                for e in entries]

    assert without_main(nine, tmp_path / "nine") == without_main(one, tmp_path / "one")


def test_the_example_sets_favas_options_for_the_government_form(small_school):
    """Every generated ledger (not only the committed one) shows income, liabilities and net
    assets positive in Fava and opens on 概览 in Chinese."""
    from fava.core.fava_options import parse_options

    entries, errors, _options = loader.load_file(str(small_school / "main.beancount"))
    assert errors == []
    fava_options, option_errors = parse_options(
        [e for e in entries if isinstance(e, data.Custom) and e.type == "fava-option"])
    assert option_errors == []
    assert fava_options.invert_income_liabilities_equity is True
    assert (fava_options.language, fava_options.default_page) == ("zh", "extension/Overview/")
