"""Golden-file regression per layout (beangulp's expected-output format) and look-alikes.

Every fixture document with a `<document>.beancount` twin must be identified by exactly one
importer and extract to exactly the twin; a document without a twin must not be identified.
Regenerate twins only on purpose: `python tests/importers/importer_fixtures.py --regenerate`.
"""

import pytest
from beancount.core import data
from beangulp import identify, testing

from importer_fixtures import FIXTURES, documents, importers

DOCUMENTS = documents()


@pytest.mark.parametrize("document", DOCUMENTS, ids=[str(d.relative_to(FIXTURES)) for d in DOCUMENTS])
def test_document_matches_its_golden_file(document):
    expected = document.with_name(document.name + ".beancount")
    chosen = [i for i in importers() if i.identify(str(document))]
    if not expected.exists():
        assert chosen == [], f"look-alike {document.name} must not be identified"
        return
    assert len(chosen) == 1, f"{document.name}: identified by {chosen}"
    account, date, name, entries = testing.run_importer(chosen[0], str(document))
    assert testing.compare_expected(str(expected), account, date, name, entries) == []


def test_every_layout_has_golden_files():
    layouts = {d.parent.name for d in DOCUMENTS if d.with_name(d.name + ".beancount").exists()}
    assert {"icbc", "ccb", "abc", "boc", "rcc", "generic", "receipts", "mealcard"} <= layouts
    assert {".csv", ".xlsx", ".xls"} <= {d.suffix for d in DOCUMENTS}


def _entries(relative):
    path = str(FIXTURES / relative)
    importer = identify.identify(importers(), path)
    return importer.parse(path)


def test_icbc_counts_amounts_direction_and_closing_balance():
    result = _entries("icbc/icbc-historydetail-2025-09.csv")
    txns = [e for e in result.entries if isinstance(e, data.Transaction)]
    assert (result.rows, result.skipped, result.errors) == (5, 1, [])
    assert [str(t.postings[0].units.number) for t in txns] == ["1200.00", "-1200.00", "-12432.57", "157.60", "-500.00"]
    balance = result.entries[-1]
    assert isinstance(balance, data.Balance)
    assert (str(balance.date), str(balance.amount.number)) == ("2025-09-23", "173657.60")
    assert len({t.meta["bank_ref"] for t in txns}) == 5


def test_newest_first_statement_takes_the_latest_balance():
    result = _entries("ccb/ccb-one-row-2025-10.csv")
    balance = result.entries[-1]
    assert (str(balance.date), str(balance.amount.number)) == ("2025-10-21", "9500.00")


def test_boc_direction_follows_the_payer_account():
    result = _entries("boc/boc-bilingual-2025-11.csv")
    signs = [t.postings[0].units.number > 0 for t in result.entries if isinstance(t, data.Transaction)]
    assert signs == [True, False, True]


def test_unmatched_rows_are_flagged_against_suspense_and_listed():
    from xiaozhang.chart import SUSPENSE

    result = _entries("icbc/icbc-historydetail-2025-09.csv")
    pending = [t for t in result.entries if isinstance(t, data.Transaction) and t.flag == "!"]
    assert [t.postings[1].account for t in pending] == [SUSPENSE]
    assert [row for row, _line in result.unmatched] == [pending[0].meta["lineno"]]


def test_voided_receipts_are_skipped_and_reported():
    result = _entries("receipts/fee-receipts-2025-09.csv")
    assert len(result.entries) == 3
    assert len(result.voided) == 1 and "2500000103" in result.voided[0]


def test_old_excel_keeps_a_transfer_and_its_fee_that_share_one_serial():
    result = _entries("ccb/ccb-detail-2025-10.xls")
    txns = [e for e in result.entries if isinstance(e, data.Transaction)]
    legs = [str(t.postings[0].units.number) for t in txns if t.meta["bank_ref"] == "202510150001-00003"]
    assert (result.rows, result.errors, legs) == (4, [], ["-2960.00", "-40.00"])
    assert str(result.entries[-1].amount.number) == "1275.00"


def test_total_rows_with_a_date_and_zero_rows_book_nothing_and_say_so():
    result = _entries("rcc/rcc-chongqing-2025-11.csv")
    assert (result.rows, result.skipped, result.errors) == (4, 3, [])  # 本日合计, 合计, the 0.00 row
    assert result.warnings == [f"{FIXTURES / 'rcc/rcc-chongqing-2025-11.csv'}:6: 金额为 0，未生成分录"]


def test_an_html_table_saved_as_xls_is_read_like_a_statement():
    result = _entries("abc/abc-html-2025-10.xls")
    txns = [e for e in result.entries if isinstance(e, data.Transaction)]
    assert [t.narration for t in txns][0] == "转存 饭卡充值"  # 交易摘要 and 交易说明 both kept
    assert len(txns) == 3 and str(result.entries[-1].amount.number) == "180985.60"
