"""The big banks' personal and card exports (double-entry-generator's public samples show their
layouts), as look-alike files of our own making: each is identified by its ready layout
(importers/layouts) and imports with the right count, signs and amounts.  Before issue 19 none
of them could be expressed: bracketed column names collapsed into one, no sign flip, `CNY 123.18`,
dates without a year and compact timestamps were rejected, an English title was not read."""

from decimal import Decimal

import pytest
from beancount.core import data

from xiaozhang.chart import BANK_BASIC
from xiaozhang.importers.mapping import LayoutError, layout_from
from xiaozhang.importers.cli import accounted, extract_files, summary

from importer_fixtures import chart_index, importers


def run_file(tmp_path, name, text, encoding="utf-8", account=BANK_BASIC):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    index = chart_index()
    chosen = [i for i in importers(index, account) if i.identify(str(path))]
    run = extract_files([str(path)], importers(index, account), index)
    assert accounted(run) == run.lines, summary(run)
    return chosen, run


def amounts(run):
    return [(str(e.date), e.postings[0].units.number) for _p, es in run.output for e in es
            if isinstance(e, data.Transaction)]


def balances(run):
    return [(str(e.date), e.amount.number) for _p, es in run.output for e in es if isinstance(e, data.Balance)]


def described(chosen, path):
    return [i.describe(str(path)) for i in chosen]


ICBC_PERSONAL = """明细查询文件下载

卡号: 6222****9876,"卡别名: 学校公务卡"

子账户序号: 00000,子账户类别: 活期,"子账户别名: "

交易日期,摘要,交易场所,交易国家或地区简称,钞/汇,交易金额(收入),交易金额(支出),交易币种,记账金额(收入),记账金额(支出),记账币种,余额,对方户名
2025-05-02     \t,"消费      \t","青禾文具店    \t","CHN  \t",钞 \t,"-   \t","-   \t",-  \t,"        \t","13.40   \t",人民币  \t,"1,986.60  \t","青禾文具店    \t",
2025-04-22     \t,"他行汇入  \t","          \t","CHN  \t",钞 \t,"-   \t","-   \t",-  \t,"1,500.00  \t","        \t",人民币  \t,"2,000.00  \t","青禾市明德区实验小学 \t",
 
人民币合计,,,,,,,,"1,500.00  \t","13.40  \t",
"""


def test_icbc_personal_in_and_out_columns_differ_only_in_their_brackets(tmp_path):
    chosen, run = run_file(tmp_path, "icbc.csv", ICBC_PERSONAL)
    assert [i.name for i in chosen] == ["其他银行（通用格式）"]
    assert run.errors == []
    assert amounts(run) == [("2025-04-22", Decimal("1500.00")), ("2025-05-02", Decimal("-13.40"))]
    assert balances(run) == [("2025-05-03", Decimal("1986.60"))]
    assert (run.imported, run.skipped) == (2, 2)  # the blank line and 人民币合计


def test_a_layout_that_names_a_bracketed_column_needs_that_column(tmp_path):
    """Without the bracket, 记账金额 would answer for both columns: the bracket decides."""
    text = ICBC_PERSONAL.replace("记账金额(收入)", "记账金额").replace("记账金额(支出)", "记账金额")
    chosen, _run = run_file(tmp_path, "icbc.csv", text)
    assert "其他银行（通用格式）" not in [i.name for i in chosen]


CMB_CREDIT = """招商银行信用卡对账单（个人消费卡账户 2024年01月）
交易日,记账日,交易摘要,人民币金额,卡号末四位,交易地金额
,12/29,掌上生活还款,-1.23,1234,-1.23
01/02,01/03,新华书店,56.78,1234,56.78
01/05,01/07,中国移动,"8,000.00",1234,"8,000.00(CN)"
"""


def test_cmb_credit_dates_without_a_year_and_the_sign_flipped(tmp_path):
    chosen, run = run_file(tmp_path, "cmb.csv", CMB_CREDIT)
    assert [i.name for i in chosen] == ["其他银行（通用格式）"] and "招商银行（信用卡）" in described(
        chosen, tmp_path / "cmb.csv")[0]
    assert run.errors == []
    assert amounts(run) == [("2023-12-29", Decimal("1.23")), ("2024-01-03", Decimal("-56.78")),
                            ("2024-01-07", Decimal("-8000.00"))]


def test_a_date_without_a_year_and_no_statement_period_is_an_error(tmp_path):
    _chosen, run = run_file(tmp_path, "cmb.csv", CMB_CREDIT.replace("（个人消费卡账户 2024年01月）", ""))
    assert len(run.errors) == 3 and "没有年份" in run.errors[0].message


CMB_DEBIT = """记账日期,货币,交易金额,联机余额,交易摘要,对手信息,客户摘要
2024-01-01,CNY,"1,234.00","1,271.66",代发,青禾市财政局1111111111,01月01日
2024-01-01,CNY,"-1,000.00",271.66,转账汇款,张三 66666666666666,转账
2024-01-23,CNY,-10.14,261.52,快捷支付,某商家888888888,支付
"""


def test_cmb_debit_signed_amounts_and_online_balance(tmp_path):
    chosen, run = run_file(tmp_path, "cmb-debit.csv", CMB_DEBIT)
    assert [i.name for i in chosen] == ["其他银行（通用格式）"]
    assert run.errors == []
    assert [a for _d, a in amounts(run)] == [Decimal("1234.00"), Decimal("-1000.00"), Decimal("-10.14")]
    assert balances(run) == [("2024-01-24", Decimal("261.52"))]


BOCOM_CREDIT = """交易日期,记账日期,交易说明,交易币种/金额,入账币种/金额
2025-01-10,2025-01-10,退货 支付宝-滴滴,CNY 123.18,CNY 123.18
2025-01-11,2025-01-12,消费 美团,CNY 2.99,CNY 2.99
2025-01-29,2025-01-29,信用卡还款 转账还款,CNY 666.60,CNY 666.60
"""


def test_bocom_credit_currency_prefixed_amounts_and_direction_from_the_first_word(tmp_path):
    chosen, run = run_file(tmp_path, "bocom.csv", BOCOM_CREDIT)
    assert [i.name for i in chosen] == ["其他银行（通用格式）"]
    assert run.errors == []
    assert amounts(run) == [("2025-01-10", Decimal("123.18")), ("2025-01-12", Decimal("-2.99")),
                            ("2025-01-29", Decimal("666.60"))]


def test_bocom_credit_an_unknown_first_word_is_an_error(tmp_path):
    _chosen, run = run_file(tmp_path, "bocom.csv", BOCOM_CREDIT.replace("消费 美团", "其他 美团"))
    assert [e.row for e in run.errors] == [3] and "借贷标志" in run.errors[0].message


BOCOM_DEBIT = """序号,交易日期,交易时间,交易类型,借贷,交易金额,余额,对方账号,对方户名,交易地点,摘要
1,2025-01-01,00:00:00,存款利息,贷 Cr,1.23,101.23,1323132313211331313,应付利息,批处理,
2,2025-01-02,13:15:12,转账还款,借 Dr,3.21,98.02,6666666666666666,某人,其他,
"""


def test_bocom_debit_flags_with_english(tmp_path):
    chosen, run = run_file(tmp_path, "bocom-debit.csv", BOCOM_DEBIT)
    assert [i.name for i in chosen] == ["其他银行（通用格式）"] and run.errors == []
    assert [a for _d, a in amounts(run)] == [Decimal("1.23"), Decimal("-3.21")]


BOC_DEBIT = """中国银行交易流水明细单
记账日期,记账时间,币别,金额,余额,交易名称,渠道,网点名称,附言,对方账户名,对方卡号/账号,对方开户行,借记卡号
2025-08-22,17:57:17,人民币,-71.89,"3,240.28",无卡支付,线上,-------------------,----------,某店,6226******5669,-------------------,3167
2025-08-05,16:00:44,人民币,"3,312.17","3,312.17",工资,柜台,青禾支行,----------,青禾市财政局,4520******1924,青禾支行,3167
"""


def test_boc_debit_newest_first_with_placeholders(tmp_path):
    chosen, run = run_file(tmp_path, "boc.csv", BOC_DEBIT)
    assert [i.name for i in chosen] == ["其他银行（通用格式）"] and run.errors == []
    assert amounts(run) == [("2025-08-05", Decimal("3312.17")), ("2025-08-22", Decimal("-71.89"))]
    assert balances(run) == [("2025-08-23", Decimal("3240.28"))]


BOC_CREDIT = """中国银行信用卡账单(2025年01月)
交易日,银行记账日,卡号后四位,交易描述,存入,支出,币种
2024-12-13,2024-12-14,4260,公共交通卡,,50.00,CNY
2024-12-20,2024-12-20,,存款利息,0.01,,CNY
2024-12-22,2024-12-24,2875,MICROSOFT*XBOX,,3.72,USD
"""


def test_boc_credit_a_foreign_currency_row_is_an_error(tmp_path):
    chosen, run = run_file(tmp_path, "boc-credit.csv", BOC_CREDIT)
    assert [i.name for i in chosen] == ["其他银行（通用格式）"]
    assert [e.row for e in run.errors] == [5] and "不是人民币" in run.errors[0].message
    assert amounts(run) == [("2024-12-14", Decimal("-50.00")), ("2024-12-20", Decimal("0.01"))]


ABC_DEBIT = """交易日期,交易时间,交易摘要,交易金额,本次余额,对手信息,日 志 号,交易渠道,交易附言
20240101,123456,转存,+10000.00,11000.00,青禾市财政局,369396693,超级网银,转账
20240102,132324,财付通,-10.00,10990.00,微信支付,369333999,电子商务,UA01234
"""


def test_abc_debit_plus_signs_and_the_log_number_as_serial(tmp_path):
    chosen, run = run_file(tmp_path, "abc.csv", ABC_DEBIT)
    assert [i.name for i in chosen] == ["其他银行（通用格式）"] and run.errors == []
    entries = [e for _p, es in run.output for e in es if isinstance(e, data.Transaction)]
    assert [e.meta["bank_ref"] for e in entries] == ["369396693", "369333999"]
    assert [a for _d, a in amounts(run)] == [Decimal("10000.00"), Decimal("-10.00")]


CGB_CREDIT = """交易日期,入账日期,交易摘要,交易金额,交易货币,入账金额,入账货币
2025/01/05,2025/01/06,（消费）示例商户A,15.90,人民币,15.90,人民币
2025/01/04,2025/01/04,（退款）示例商户B,-97.20,人民币,-97.20,人民币
"""


def test_cgb_credit_positive_is_money_spent(tmp_path):
    chosen, run = run_file(tmp_path, "cgb.csv", CGB_CREDIT)
    assert [i.name for i in chosen] == ["其他银行（通用格式）"] and run.errors == []
    assert amounts(run) == [("2025-01-04", Decimal("97.20")), ("2025-01-06", Decimal("-15.90"))]


CCB_ENGLISH = """China Construction Bank Account Transaction Details
Account No: 44050112345600000123
记账日期,交易时间,借方发生额,贷方发生额,余额,对方户名,对方账号,摘要
20250902,09:01:02,,45.00,45.00,一(1)班学生家长,6217001234,作业本费
"""


def test_a_ccb_statement_with_an_english_title_is_recognised(tmp_path):
    chosen, run = run_file(tmp_path, "ccb.csv", CCB_ENGLISH, account=None)
    assert [i.name for i in chosen] == ["中国建设银行"]
    assert run.errors == [] and amounts(run) == [("2025-09-02", Decimal("45.00"))]


def test_compact_timestamps_are_dates(tmp_path):
    layout = tmp_path / "x.toml"
    layout.write_text('code = "x"\nbank = "某银行"\n[columns]\ndate = "交易时间"\namount = "金额"\n'
                      'balance = "余额"\n', encoding="utf-8")
    from xiaozhang.importers.config import make_importers

    path = tmp_path / "x.csv"
    path.write_text("交易时间,金额,余额\n20250901123000,10.00,10.00\n20250902080000,-2.50,7.50\n", encoding="utf-8")
    index = chart_index()
    run = extract_files([str(path)], make_importers(index, BANK_BASIC, layout_files=[layout]), index)
    assert run.errors == [] and amounts(run) == [("2025-09-01", Decimal("10.00")), ("2025-09-02", Decimal("-2.50"))]


@pytest.mark.parametrize("document, message", [
    ({"code": "x", "bank": "b", "columns": {"date": "d", "amount": "a"}, "negate": "yes"}, "negate"),
    ({"code": "x", "bank": "b", "columns": {"date": "d", "amount": "a"}, "flag_match": "any"}, "flag_match"),
    ({"code": "x", "bank": "b", "columns": {"date": "d", "amount": "a"}, "colums": {}}, "不认识的键"),
])
def test_layout_mistakes_are_explained(document, message):
    with pytest.raises(LayoutError, match=message):
        layout_from(document, "x.toml")
