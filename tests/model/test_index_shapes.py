"""The entry index's masks do not depend on how the pass computes them: the usual
two-posting transaction is decided once per shape (flag, accounts, debit or not), every
other transaction posting by posting.  Here each mask is checked against an independent
computation from the postings, on transactions made to hit every branch: a number None or
zero, a meta None, the `project` key on the transaction or on either posting, one, three and
no postings, a new account first seen in a long transaction, a new flag."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from beancount.core import data
from beancount.core.amount import Amount

from xiaozhang.model.index import CREDIT, DEBIT, EntryIndex

CASH, BANK, OFFICE, FEES, EQUITY = ("Assets:1001库存现金", "Assets:1002银行存款:100201基本户",
                                    "Expenses:5001业务活动费用:500102商品和服务费用:30201办公费",
                                    "Income:4101事业收入:410103课后服务费收入", "Equity:3001累计盈余")


def posting(account, number, meta=None):
    units = Amount(None if number is None else Decimal(number), "CNY")
    return data.Posting(account, units, None, None, None, meta)


def txn(day, postings, flag="*", meta=None, narration=""):
    meta = {"filename": "t.beancount", "lineno": day} if meta is None else meta
    return data.Transaction(meta, dt.date(2025, 9, day), flag, None, narration,
                            frozenset(), frozenset(), postings)


def pmeta(**extra):
    return {"filename": "t.beancount", "lineno": 1, **extra}


ENTRIES = [
    data.Open({"filename": "t.beancount", "lineno": 1}, dt.date(2025, 1, 1), CASH, None, None),
    txn(1, [posting(BANK, "300.00", pmeta()), posting(FEES, "-300.00", pmeta())]),
    txn(1, [posting(BANK, "200.00", pmeta()), posting(FEES, "-200.00", pmeta())]),  # same shape
    txn(2, [posting(OFFICE, "50.00", pmeta(project="图书角")), posting(CASH, "-50.00", pmeta())]),
    txn(2, [posting(OFFICE, "60.00", pmeta()), posting(CASH, "-60.00", pmeta(project="图书角"))]),
    txn(2, [posting(OFFICE, "70.00", pmeta()), posting(CASH, "-70.00", pmeta())],
        meta={"filename": "t.beancount", "lineno": 9, "project": "图书角"}),
    txn(2, [posting(OFFICE, "80.00", pmeta()), posting(CASH, "-80.00", pmeta())]),  # no project
    txn(3, [posting(OFFICE, "0.00", None), posting(CASH, "0.00", None)]),  # zero, meta None
    txn(3, [posting(OFFICE, "5.00", pmeta()), posting(CASH, None, pmeta())]),  # number None
    txn(3, [posting(OFFICE, "5.00", pmeta()), posting(CASH, "-5.00", pmeta())], meta={}),
    txn(4, [posting(CASH, "10.00", pmeta()), posting(BANK, "5.00", pmeta()),
            posting(EQUITY, "-15.00", pmeta(project="期初"))]),  # EQUITY first seen here
    txn(4, [posting(EQUITY, "-1.00", pmeta()), posting(CASH, "1.00", pmeta())], flag="!"),
    txn(4, [posting(EQUITY, "-1.00", pmeta()), posting(CASH, "1.00", pmeta())], flag="#"),
    txn(5, [posting(CASH, "1.00", pmeta())]),  # one posting (an unbalanced entry still counts)
    txn(5, []),
    data.Custom({"filename": "t.beancount", "lineno": 2}, dt.date(2025, 9, 5), "budget", []),
    txn(6, [posting(BANK, "300.00", pmeta()), posting(FEES, "-300.00", pmeta())]),
    # a posting made by a program with `project` alone (no filename, lineno): taken as having
    # no metadata of its own (`own_meta`), so no project bit
    txn(6, [posting(OFFICE, "2.00", {"project": "图书角"}), posting(CASH, "-2.00", pmeta())]),
    txn(6, [posting(BANK, "-1.00", pmeta()), posting(FEES, "1.00", pmeta())]),  # reversed signs
]


def expected_mask(index, entry):
    """The mask from the postings, one by one (`mask_of` per account and side)."""
    mask = index.flag(entry.flag)
    for p in entry.postings:
        side = DEBIT if p.units.number is not None and p.units.number > 0 else CREDIT
        mask |= index.mask_of(lambda account, p=p: account == p.account, side)
    # a posting's own keys: more than the two Beancount gives every posting (`own_meta`)
    keyed = [entry.meta] + [p.meta for p in entry.postings if p.meta and len(p.meta) > 2]
    if any(meta and "project" in meta for meta in keyed):
        mask |= index.meta("project")
    return mask


def test_every_mask_is_the_or_of_its_postings_bits():
    index = EntryIndex(ENTRIES)
    transactions = [e for e in ENTRIES if isinstance(e, data.Transaction)]
    assert index.transactions == transactions
    assert index.masks == [expected_mask(index, t) for t in transactions]
    # the zero and the None numbers are on the credit side, the project key anywhere counts
    assert [i for i, m in enumerate(index.masks) if m & index.meta("project")] == [2, 3, 4, 9]
    assert index.masks[0] == index.masks[1] == index.masks[14]
    assert index.masks[0] != index.masks[15]


def test_bits_are_given_in_the_order_accounts_and_flags_are_first_seen():
    index = EntryIndex(ENTRIES)
    assert [account for account, side in index.pairs(-1) if side == DEBIT] == [
        BANK, FEES, OFFICE, CASH, EQUITY]
    assert index.flag("*") < index.flag("!") < index.flag("#")
    # each account's two bits follow those of the accounts seen before it
    bits = [index.mask_of(lambda a, x=x: a == x, DEBIT) for x in (BANK, FEES, OFFICE, CASH, EQUITY)]
    assert bits == sorted(bits)


def test_groups_hold_the_positions_of_each_mask_in_order_first_seen():
    index = EntryIndex(ENTRIES)
    firsts = list(dict.fromkeys(index.masks))
    assert list(index.distinct_masks) == firsts
    for mask in firsts:
        assert index._groups[mask] == [i for i, m in enumerate(index.masks) if m == mask]
    assert index.days == [dt.date(2025, 9, d) for d in (1, 2, 3, 4, 5, 6)]
    assert index.day_starts == [0, 2, 6, 9, 12, 14]


def test_the_credit_columns_and_the_single_credit_decision():
    """`credits`, `credit_numbers`, `credit_plain`: per transaction of two postings (numbers, meta
    dicts) the posting that is not a debit, its number, and whether it has no metadata of its
    own; None otherwise.  `single_credit` names the credited account of a mask exactly when
    the credit column holds the posting on that account."""
    index = EntryIndex(ENTRIES)
    for position, entry in enumerate(index.transactions):
        postings = entry.postings
        usual = (len(postings) == 2 and entry.meta is not None
                 and all(p.meta is not None and p.units.number is not None for p in postings))
        if not usual:
            assert (index.credits[position], index.credit_numbers[position],
                    index.credit_plain[position]) == (None, None, None), position
            continue
        credit = postings[0] if postings[1].units.number > 0 else postings[1]
        assert index.credits[position] is credit, position
        assert index.credit_numbers[position] is credit.units.number, position
        assert index.credit_plain[position] == (len(credit.meta) <= 2), position
    fees = index.masks[1]  # bank debited, fee income credited
    assert index.single_credit(fees, lambda account: account == FEES) == FEES
    assert index.credits[1].account == FEES
    assert index.single_credit(fees, lambda account: account == BANK) is None  # BANK is the debit
    assert index.single_credit(fees, lambda account: True) is None  # both "own"
    reversed_signs = index.masks[-1]  # fee income debited: no single credit to it
    assert index.single_credit(reversed_signs, lambda account: account == FEES) is None
    assert index.single_credit(reversed_signs, lambda account: account == BANK) == BANK
    zeros = index.masks[6]  # two zero postings: neither is a debit
    assert index.single_credit(zeros, lambda account: account == OFFICE) is None


def test_irregular_masks_positions_and_months():
    """`irregular_masks`: exactly the masks of the transactions whose credit columns are None
    (not two postings with numbers and meta dicts); `positions(mask)`: that mask's positions;
    `months()`: the first position of each month."""
    index = EntryIndex(ENTRIES)
    odd = {index.masks[p] for p, credit in enumerate(index.credits) if credit is None}
    assert odd and index.irregular_masks == odd
    for mask in index.distinct_masks:
        assert index.positions(mask) == [p for p, m in enumerate(index.masks) if m == mask]
    assert index.positions(1 << 60) == []
    later = data.Transaction({"filename": "t.beancount", "lineno": 99}, dt.date(2025, 10, 1), "*",
                             None, "", frozenset(), frozenset(),
                             [posting(BANK, "1.00", pmeta()), posting(FEES, "-1.00", pmeta())])
    index = EntryIndex(ENTRIES + [later])
    assert index.months() == [(0, (2025, 9)), (len(index.masks) - 1, (2025, 10))]


def test_the_day_of_a_position_and_the_first_position_of_a_day():
    index = EntryIndex(ENTRIES)
    for position, txn in enumerate(index.transactions):
        day, next_day = index.day_at(position)
        assert day == txn.date
        assert all(t.date == day for t in index.transactions[position:next_day])
        assert next_day == len(index.transactions) or index.transactions[next_day].date > day
    assert index.first_from(dt.date(2025, 9, 2)) == 2
    assert index.first_from(dt.date(2025, 9, 2), inclusive=False) == 6
    assert index.first_from(dt.date(2025, 8, 1)) == 0
    assert index.first_from(dt.date(2025, 9, 6), inclusive=False) == len(index.transactions)
