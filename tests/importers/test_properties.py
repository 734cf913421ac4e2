"""Properties: any bytes in → entries or clean `file:row` errors, never a traceback; and a
second import of the same statement adds nothing."""

import csv
import io
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xiaozhang.importers.base import LedgerIndex, mark_duplicates

from importer_fixtures import FIXTURES, chart_index, importers

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
SEED_FILE = (FIXTURES / "icbc" / "icbc-historydetail-2025-09.csv").read_bytes()


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
    """Real statements with random bytes replaced, inserted or dropped (also as .xlsx name)."""
    blob = bytearray(SEED_FILE)
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
    suffix = draw.draw(st.sampled_from([".csv", ".xlsx", ".txt"]))
    path = tmp_path / f"statement{suffix}"
    path.write_bytes(bytes(blob))
    check_file(path)


HEADER = ["交易日期", "交易时间", "收入/支出", "收入金额", "支出金额", "账户余额", "对方户名", "对方账号", "摘要"]


@SETTINGS
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(-500000, 500000).filter(bool),
                          st.sampled_from(["家长", "供电公司", "某公司", ""]),
                          st.sampled_from(["住宿费", "电费", "货款", ""])), min_size=1, max_size=30),
       st.booleans(), st.booleans())
def test_importing_twice_adds_nothing(tmp_path, rows, with_serial, newest_first):
    """A statement (with or without serials) imported, then imported again: nothing new."""
    import datetime as dt

    rows = sorted(rows, key=lambda r: r[0])
    balance = 0
    lines = [["四川农信账户交易明细"], ["账号：6230950100001234567"],
             HEADER + (["交易流水号"] if with_serial else [])]
    for number, (day, cents, who, memo) in enumerate(rows):
        balance += cents
        amount = f"{abs(cents) / 100:,.2f}"
        line = [(dt.date(2025, 9, 1) + dt.timedelta(days=day)).strftime("%Y%m%d"), "10:00:00",
                "收入" if cents > 0 else "支出", amount if cents > 0 else "-", "-" if cents > 0 else amount,
                f"{balance / 100:,.2f}", who, "", memo]
        lines.append(line + ([f"S{number:05d}"] if with_serial else []))
    if newest_first:
        lines[3:] = lines[3:][::-1]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(lines)
    path = tmp_path / "rcc.csv"
    path.write_bytes(buffer.getvalue().encode("gb18030"))

    index = chart_index()
    importer = next(i for i in importers(index) if i.identify(str(path)))
    first = importer.parse(str(path), index)
    assert first.errors == []
    assert first.rows == len(rows)
    transactions = [e for e in first.entries if hasattr(e, "postings")]
    assert len(transactions) == len(rows)
    assert first.entries[-1].amount.number * 100 == balance  # closing balance
    assert mark_duplicates(list(first.entries), index) == 0
    importer._cache.clear()
    again = importer.parse(str(path), index)
    assert mark_duplicates(list(again.entries), index) == len(again.entries)
