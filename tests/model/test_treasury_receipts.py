"""The usual 代收费 receipts are added to the lots in bulk (`xiaozhang.model.lots.PendingReceipts`),
not one by one in the walk.  The lots must be what adding every receipt and payment one by one,
in the order of the entries, gives: the same cumulative sums and receipts per account, the
accounts made in the order of their first receipt, zero receipts left out, and a payment that
ran ahead of the receipts (an advance, booked to the parent account) paid back by the receipts
that follow it in order, across the sub-accounts."""

from __future__ import annotations

import textwrap

from beancount import loader

from xiaozhang import chart
from xiaozhang.model.books import SchoolBooks
from xiaozhang.model.lots import Lots

BANK = chart.BANK_BASIC
BOOKS = chart.agency_fee_account("01")
INSURANCE = f"{chart.AGENCY_FEES}:03保险费"
PARENT = chart.AGENCY_FEES


def receipt(day, account, amount, narration="收费"):
    return f"""
    2025-{day} * "{narration}"
      {BANK}  {amount} CNY
      {account}  -{amount} CNY"""


def payment(day, account, amount, narration):
    return f"""
    2025-{day} * "{narration}"
      {account}  {amount} CNY
      {BANK}  -{amount} CNY"""


LEDGER = textwrap.dedent(f"""\
    option "operating_currency" "CNY"
    2025-01-01 open {BANK}
    2025-01-01 open {PARENT}
    2025-01-01 open {BOOKS}
    2025-01-01 open {INSURANCE}
    """) + textwrap.dedent("".join([
    receipt("09-01", INSURANCE, "50.00"),
    receipt("09-01", BOOKS, "15.00"),
    receipt("09-02", BOOKS, "0.00", "零"),
    receipt("09-02", BOOKS, "15.00"),
    payment("09-03", PARENT, "100.00", "支付保险费（超过已收）"),
    receipt("09-04", BOOKS, "15.00"),
    receipt("09-04", INSURANCE, "50.00"),
    receipt("09-05", INSURANCE, "50.00"),
    payment("09-06", BOOKS, "20.00", "支付作业本款"),
    receipt("09-07", BOOKS, "15.00"),
]))


def one_by_one(entries) -> Lots:
    """The lots of every 代收费 posting, one by one in the order of the entries."""
    lots = Lots()
    for entry in entries:
        for posting in getattr(entry, "postings", ()):
            if not posting.account.startswith(PARENT) or not posting.units.number:
                continue
            if posting.units.number < 0:
                lots.receive(posting.account, -posting.units.number, entry)
            else:
                lots.pay(posting.account, posting.units.number)
    return lots


def test_the_bulk_receipts_give_the_lots_of_one_by_one():
    entries, errors, options = loader.load_string(LEDGER)
    assert errors == []
    book = SchoolBooks.of(entries, options).treasury
    expected = one_by_one(entries)
    got = book.agency
    assert list(got.accounts) == list(expected.accounts) == [INSURANCE, BOOKS]
    for account, held in expected.accounts.items():
        mine = got.accounts[account]
        assert mine.cums == held.cums, account
        assert [e.narration for e in mine.entries] == [e.narration for e in held.entries], account
        assert mine.paid == held.paid, account  # (`reported`: the walk's checks, not compared)
    assert got.advance == expected.advance == {}
    # 100.00 paid on 3 September with 80.00 held: 20.00 ahead, paid back in order by the
    # receipts of 4 September, 15.00 of books first, then 5.00 of insurance
    assert (got.accounts[BOOKS].paid, got.accounts[INSURANCE].paid) == (15 + 15 + 15 + 20, 50 + 5)


def test_receipts_deferred_until_read_say_whether_the_account_is_settled():
    """The bulk receipts wait as index positions (`_Held.defer`) until the lots are read;
    `settled` (a term's end: the 代收费 all paid out?) counts them by their sum, and says what
    the lots of one by one say — before and after a payment that settles the account."""
    more = textwrap.dedent("".join([
        receipt("09-08", BOOKS, "15.00"),
        receipt("09-08", BOOKS, "0.00", "零"),
    ]))
    paid_out = textwrap.dedent(payment("09-09", BOOKS, "10.00", "支付作业本款"))
    for text, settled in ((LEDGER + more, {INSURANCE: False, BOOKS: False}),
                          (LEDGER + more + paid_out, {INSURANCE: False, BOOKS: True})):
        entries, errors, options = loader.load_string(text)
        assert errors == []
        got = SchoolBooks.of(entries, options).treasury.agency
        expected = one_by_one(entries)
        assert {account: held.settled() for account, held in got.accounts.items()} == settled
        for account, held in expected.accounts.items():
            assert (not held.cums or held.cums[-1] <= held.paid) is settled[account]
            assert got.accounts[account].cums == held.cums, account
