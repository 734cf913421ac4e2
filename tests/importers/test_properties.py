"""Properties: any bytes in → entries or clean `file:row` errors, never a traceback; and a
second import of the same statement adds nothing."""

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xiaozhang.importers.base import LedgerIndex, mark_duplicates

from importer_fixtures import FIXTURES, chart_index, importers

# derandomize: the same examples on every machine, so CI's verdict is the one seen here (a
# random seed once drew the ambiguous one-day statement described in the overlap test)
SETTINGS = settings(max_examples=150, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
SEEDS = {".csv": (FIXTURES / "icbc" / "icbc-historydetail-2025-09.csv").read_bytes(),
         ".xls": (FIXTURES / "ccb" / "ccb-detail-2025-10.xls").read_bytes()}


def check_file(path):
    for importer in importers():
        importer.identify(str(path))                      # never raises
        result = importer.parse(str(path), chart_index())  # never raises
        for error in result.errors:
            assert str(error).startswith(str(path))
            assert error.message


@SETTINGS
@given(st.binary(max_size=2000))
def test_any_bytes_give_entries_or_clean_errors(tmp_path, blob):
    path = tmp_path / "statement.csv"
    path.write_bytes(blob)
    check_file(path)


@SETTINGS
@given(st.data())
def test_mutated_statements_give_entries_or_clean_errors(tmp_path, draw):
    """Real statements (CSV, old Excel) with random bytes replaced, inserted or dropped (also
    under another file name)."""
    blob = bytearray(SEEDS[draw.draw(st.sampled_from(sorted(SEEDS)))])
    for _ in range(draw.draw(st.integers(1, 8))):
        at = draw.draw(st.integers(0, len(blob) - 1))
        what = draw.draw(st.sampled_from(["replace", "insert", "delete"]))
        byte = draw.draw(st.integers(0, 255))
        if what == "replace":
            blob[at] = byte
        elif what == "insert":
            blob.insert(at, byte)
        else:
            del blob[at]
    suffix = draw.draw(st.sampled_from([".csv", ".xlsx", ".txt", ".xls"]))
    path = tmp_path / f"statement{suffix}"
    path.write_bytes(bytes(blob))
    check_file(path)


HEADER = ["交易日期", "交易时间", "收入/支出", "收入金额", "支出金额", "账户余额", "对方户名", "对方账号", "摘要"]


def write_rcc(path, rows, with_serial, with_balance, newest_first):
    """A 农信 statement of `rows` (day, cents, who, memo, serial number, balance in cents)."""
    import datetime as dt

    lines = [["四川农信账户交易明细"], ["账号：6230950100001234567"],
             HEADER + (["交易流水号"] if with_serial else [])]
    for day, cents, who, memo, number, balance in rows:
        amount = f"{abs(cents) / 100:,.2f}"
        line = [(dt.date(2025, 9, 1) + dt.timedelta(days=day)).strftime("%Y%m%d"), "",
                "收入" if cents > 0 else "支出", amount if cents > 0 else "-", "-" if cents > 0 else amount,
                f"{balance / 100:,.2f}" if with_balance else "", who, "", memo]
        lines.append(line + ([f"S{number:05d}"] if with_serial else []))
    if newest_first:
        lines[3:] = lines[3:][::-1]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(lines)
    path.write_bytes(buffer.getvalue().encode("gb18030"))


ROW = st.tuples(st.integers(0, 20), st.sampled_from([-150000, -1500, 1500, 88800, 1]),
                st.sampled_from(["家长", "供电公司", ""]), st.sampled_from(["住宿费", "电费", ""]))


@SETTINGS
@given(st.lists(ROW, min_size=1, max_size=30), st.booleans(), st.booleans(), st.booleans(),
       st.integers(0, 20), st.integers(0, 20))
def test_overlapping_statements_import_every_row_exactly_once(tmp_path, drawn, with_serial, with_balance,
                                                               newest_first, cut_a, cut_b):
    """Whole-day statements A (days ≤ one cut) and B (days ≥ the other), imported in turn and
    then again: every row of the period once, whatever repeats (identical rows without a
    serial or a balance are distinct payments), and nothing the second time."""
    rows, balance = [], 0
    for number, (day, cents, who, memo) in enumerate(sorted(drawn, key=lambda r: r[0])):
        balance += cents
        rows.append((day, cents, who, memo, number, balance))
    first_day, last_day = sorted((cut_a, cut_b))
    part_a = [r for r in rows if r[0] <= last_day]
    part_b = [r for r in rows if r[0] >= first_day]
    index = chart_index()
    imported = 0
    for name, part in (("a.csv", part_a), ("b.csv", part_b), ("a.csv", part_a), ("b.csv", part_b)):
        if not part:
            continue
        path = tmp_path / name
        write_rcc(path, part, with_serial, with_balance, newest_first)
        importer = next(i for i in importers(index) if i.identify(str(path)))
        importer._cache.clear()
        result = importer.parse(str(path), index)
        assert result.errors == [] and result.rows == len(part)
        transactions = [e for e in result.entries if hasattr(e, "postings")]
        assert len(transactions) == len(part)
        # A statement of one day, newest first, without serial numbers, whose rows lead to each
        # other both ways (−15.00 then +15.00 from 0: each row's balance follows from the
        # other's) cannot tell its own direction: either order is consistent, so its closing
        # balance is not decided by the file (a wrong one fails Beancount's balance check).
        ambiguous = newest_first and not with_serial and len({r[0] for r in part}) == 1
        if with_balance and not ambiguous:  # the closing balance is the statement's last running balance
            assert result.entries[-1].amount.number * 100 == part[-1][5]
        imported += len(transactions) - mark_duplicates(transactions, index)
    assert imported == len(rows)
