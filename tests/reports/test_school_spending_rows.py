"""补充规定 附表1 (reports/school_spending.py): the school-specific 其中 rows the table lists under
医疗费补助 and 助学金, on a small ledger that has them, against figures computed here from the
postings and the row list quoted in docs/statements.md (not from the report's code)."""

from __future__ import annotations

from decimal import Decimal

from beancount import loader

from xiaozhang.reports import school_spending
from xiaozhang.reports.statements import Period

D = Decimal
AID = "Expenses:5001业务活动费用:500103对个人和家庭的补助费用"
# (account, amount, its 附表1 line, its 其中 row or None), paid from the bank (事业收入, 基本支出)
PAID = (
    (f"{AID}:30308助学金:奖学金", "800.00", "助学金", "(2)奖学金"),
    (f"{AID}:30308助学金:书本费", "312.50", "助学金", "(3)书本费"),
    (f"{AID}:30308助学金:助学金", "1500.00", "助学金", "其中：(1)助学金"),
    (f"{AID}:30308助学金:伙食补贴", "660.00", "助学金", "(4)伙食补贴"),
    (f"{AID}:30308助学金:学生校外践习津贴", "90.00", "助学金", "(5)学生校外践习津贴"),
    (f"{AID}:30308助学金", "1000.00", "助学金", None),  # 助学金 without detail: the line only
    (f"{AID}:30307医疗费补助:学生医疗费", "200.00", "医疗费补助", "其中：(1)学生医疗费"),
    (f"{AID}:30307医疗费补助:教职工医疗费", "450.00", "医疗费补助", "(2)教职工医疗费"),
)
# the 附表1 rows of 三、对个人和家庭补助支出, in the order of the 补充规定 (docs/statements.md)
FORM_ROWS = ("离休费", "退休费", "退职费", "抚恤金", "生活补助", "医疗费补助", "其中：(1)学生医疗费",
             "(2)教职工医疗费", "助学金", "其中：(1)助学金", "(2)奖学金", "(3)书本费", "(4)伙食补贴",
             "(5)学生校外践习津贴", "奖励金", "其他对个人和家庭补助支出")


def ledger() -> str:
    opens = "".join(f"2026-01-01 open {account}\n" for account in sorted({a for a, *_ in PAID}))
    body = "".join(f'2026-03-{day:02d} * "补助"\n  {account}  {amount} CNY\n  Assets:1002银行存款:100201基本户\n'
                   for day, (account, amount, *_rest) in enumerate(PAID, 1))
    return ('option "operating_currency" "CNY"\n2026-01-01 open Assets:1002银行存款:100201基本户\n'
            '2026-01-01 open Equity:3001累计盈余\n' + opens
            + '2026-01-02 * "期初"\n  Assets:1002银行存款:100201基本户  10000.00 CNY\n  Equity:3001累计盈余\n' + body)


def test_the_detail_rows_of_aid_and_medical_aid():
    entries, errors, options = loader.load_string(ledger())
    assert errors == []
    report = school_spending.build_school_spending(entries, options, Period(2026, 12))
    rows = {name: values for name, values, _heading in report.rows}
    col = school_spending.COLUMNS.index
    expected_lines: dict[str, Decimal] = {}
    expected_details: dict[str, Decimal] = {}
    for _account, amount, line, detail in PAID:
        expected_lines[line] = expected_lines.get(line, D(0)) + D(amount)
        if detail:
            expected_details[detail] = expected_details.get(detail, D(0)) + D(amount)
    for line, amount in expected_lines.items():
        assert rows[line][0] == rows[line][col("事业收入·基本支出")] == amount, line
    for detail, amount in expected_details.items():
        assert rows[detail][0] == rows[detail][col("事业收入·小计")] == amount, detail
        assert report.is_detail(detail)
    # the 其中 rows are parts of their line: not in the 类 nor the total
    total = sum((D(amount) for _a, amount, *_ in PAID), D(0))
    assert rows["三、对个人和家庭补助支出"][0] == report.total[0] == total == D("5012.50")
    assert sum((v[0] for name, v, heading in report.rows if not heading and not report.is_detail(name)),
               D(0)) == total


def test_the_rows_follow_the_form():
    """Every row of 附表1's 三、对个人和家庭补助支出, in the form's order (补充规定 附表1)."""
    entries, errors, options = loader.load_string(ledger())
    assert errors == []
    names = [name for name, _values, _heading in
             school_spending.build_school_spending(entries, options, Period(2026, 12)).rows]
    start = names.index("三、对个人和家庭补助支出") + 1
    assert tuple(names[start:start + len(FORM_ROWS)]) == FORM_ROWS
    assert names[start + len(FORM_ROWS)] == "四、资本性支出"


def test_the_document_indents_the_detail_rows():
    from xiaozhang.reports.document import render_html
    from xiaozhang.reports.statements_documents import school_spending_document

    entries, errors, options = loader.load_string(ledger())
    assert errors == []
    html = render_html(school_spending_document(
        school_spending.build_school_spending(entries, options, Period(2026, 12)), "测试小学"), standalone=False)
    assert "　　(2)奖学金" in html and "　　其中：(1)学生医疗费" in html and "　助学金" in html
