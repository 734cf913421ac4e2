"""The bureau's questions, answered by DuckDB over the district's Parquet store.

DuckDB runs inside the command (embedded: nothing to install or start); each table of the store
is a view over its files (`<store>/<table>/*.parquet`, one per school).  The figures are the
schools' own (`extract.py` reads them from each school's model); here they are only counted
and summed.

Per school (`per_school`)
    name, transactions, errors and warnings of the load; problems by rule class (the two
    letters of the rule code, e.g. FE for 收费, TL for 两条线; "" for Beancount's own checks);
    2103 应缴财政款 still held and the part of it overdue on the 评判日期 (count of receipts,
    amount); fee-item months whose 收费公示 is missing (deadline passed, no record) or late;
    budget execution (sum of the 预算控制 lines in force at the end of the data: budget,
    actual, per cent, lines over budget); the canteen's surplus rate of its last ended term
    and the number of ended terms over the cap (`canteen` false: the school has no canteen,
    no canteen rows; `CANTEEN_NONE` is how the tables show it); fixed assets (1601 cost, 1602 accumulated
    depreciation, net, register = ledger).

Consolidated (`consolidated`)
    The sum of every school's postings by account class (Assets, Liabilities, Equity, Income,
    Expenses) and currency: each school's class balances summed, as Beancount keeps them
    (credits negative).  `by_school_class` gives the same per school.  Both read the `sums`
    table (each school's postings summed per account, currency and month when it was read:
    `extract.month_sums`), not the postings one by one.

Consolidated statements (`statement_periods`, `consolidated_statement`)
    The 资产负债表, 收入费用表 and 预算收入支出表 of the district for a period: each line is the sum
    over the schools of that line of each school's own statement (`forms.py` extracts them;
    lines are matched by their key), both amounts; `schools` on each line counts the schools
    that have it.  `statement_by_school` gives each school's lines, for the per-school columns.
    The default period (`default_period`) is the latest one every school has.
"""

from __future__ import annotations

from pathlib import Path

from xiaozhang import chart
from xiaozhang.model.money import percent
from xiaozhang.reports.district.store import TABLES, schema

CLASSES = chart.ROOTS
CANTEEN_NONE = "无食堂"  # a school without a canteen, in the per-school tables
CLASS_NAMES = chart.ROOT_NAMES  # as the workbook and the page print them (the chart's names)


def connect(store: str | Path):
    """An in-memory DuckDB connection with one view per table of the store."""
    import duckdb

    base = Path(store)
    con = duckdb.connect()
    for name in TABLES:
        files = base / name
        if files.is_dir() and any(files.glob("*.parquet")):
            pattern = str(files / "*.parquet").replace("'", "''")
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{pattern}')")
        else:  # an empty district: the table with its columns and no rows
            import pyarrow as pa

            empty = pa.Table.from_pylist([], schema=schema(name))  # noqa: F841  (read by DuckDB)
            con.execute(f"CREATE TABLE {name} AS SELECT * FROM empty")
    return con


def _rows(con, sql: str, params=()) -> list[dict]:
    cursor = con.execute(sql, params)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]




def per_school(con) -> list[dict]:
    """One row per school (module docstring); `budget_used` in per cent (one decimal, half up:
    `xiaozhang.model.money.percent`, as the school's own budget page rounds it).  The rows are
    the `summary` table: `summary.PER_SCHOOL` run over each school's own tables when it was
    read (one small file a school to read here, not seven)."""
    rows = _rows(con, "SELECT * FROM summary ORDER BY school")
    for row in rows:
        budget = row["budget"]
        row["budget_used"] = percent(row["budget_actual"], budget) if budget else None
    return rows


def problems_by_class(con) -> list[dict]:
    """Problems per school and rule class (errors and warnings apart)."""
    return _rows(con, """
        SELECT school, CASE WHEN code = '' THEN '' ELSE substr(code, 1, 2) END AS class,
               count(*) FILTER (WHERE NOT warning) AS errors, count(*) FILTER (WHERE warning) AS warnings
        FROM problems GROUP BY ALL ORDER BY school, class""")


def consolidated(con) -> list[dict]:
    """The sum of all schools' postings by account class and currency (from the `sums` table:
    the postings summed per school, account and month)."""
    return _rows(con, f"""
        SELECT class, currency, sum(amount) AS amount, count(DISTINCT school) AS schools
        FROM sums GROUP BY class, currency
        ORDER BY list_position({list(CLASSES)}, class) NULLS LAST, class, currency""")


def by_school_class(con) -> list[dict]:
    """Each school's postings summed by account class and currency."""
    return _rows(con, """SELECT school, class, currency, sum(amount) AS amount
                         FROM sums GROUP BY ALL ORDER BY school, class, currency""")


def problem_list(con) -> list[dict]:
    return _rows(con, """SELECT school, code, message, file, line, date, warning FROM problems
                         ORDER BY school, warning, code, file, line""")


# -- consolidated statements ------------------------------------------------------------------------
def statement_periods(con) -> list[dict]:
    """The periods of the store's statements, latest first, with the number of schools."""
    return _rows(con, """SELECT period, count(DISTINCT school) AS schools FROM statements
                         GROUP BY period ORDER BY period DESC""")


def default_period(con) -> str | None:
    """The latest period every school has (else the latest there is)."""
    found = statement_periods(con)
    if not found:
        return None
    total = con.execute("SELECT count(*) FROM school").fetchone()[0]
    return next((p["period"] for p in found if p["schools"] >= total), found[0]["period"])


def consolidated_statement(con, form: str, period: str, school: str | None = None) -> list[dict]:
    """The district's statement `form` ("会政财01" …) for `period`: per line, the sum of the
    schools' amounts (module docstring); `school`: that school's own lines only."""
    return _rows(con, """
        SELECT key, arg_min(label, seq) AS label, min(seq) AS seq, bool_or(heading) AS heading,
               bool_or(total) AS total, bool_or(detail) AS detail,
               sum(amount1) AS amount1, sum(amount2) AS amount2, count(DISTINCT school) AS schools
        FROM statements WHERE form = $form AND period = $period
             AND ($school IS NULL OR school = $school)
        GROUP BY key ORDER BY seq, key""", {"form": form, "period": period, "school": school})


def statement_by_school(con, form: str, period: str) -> dict[str, dict[str, tuple]]:
    """{school: {line key: (amount1, amount2)}} of statement `form` for `period`."""
    found: dict[str, dict[str, tuple]] = {}
    for school, key, first, second in con.execute(
            "SELECT school, key, amount1, amount2 FROM statements WHERE form = ? AND period = ? "
            "ORDER BY school, seq", [form, period]).fetchall():
        found.setdefault(school, {})[key] = (first, second)
    return found
