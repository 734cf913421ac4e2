"""The bureau's per-school row, computed when the school is read (`store.refresh_school`).

`PER_SCHOOL` is the SQL of the per-school table (`query.per_school` documents its columns): it
counts and sums each school's own tables, school by school.  The worker runs it with DuckDB
over the tables it has just extracted (`summarise`) and writes the one row into the store's
`summary` table; the bureau's query then reads one small file a school instead of seven (the
figures are the same: the same SQL over the same rows).
"""

from __future__ import annotations

PER_SCHOOL = """
WITH problem_counts AS (
    SELECT school, string_agg(class || '×' || n, '、' ORDER BY class) AS by_class
    FROM (SELECT school, CASE WHEN code = '' THEN '账本' ELSE substr(code, 1, 2) END AS class,
                 count(*) AS n
          FROM problems GROUP BY ALL)
    GROUP BY school
), remit AS (
    SELECT school, sum(amount) AS held, count(*) FILTER (WHERE overdue) AS overdue_count,
           coalesce(sum(amount) FILTER (WHERE overdue), 0) AS overdue_amount
    FROM remittances GROUP BY school
), disclosed AS (
    SELECT school, count(*) FILTER (WHERE overdue) AS missing,
           count(*) FILTER (WHERE failing AND NOT overdue) AS late
    FROM disclosures GROUP BY school
), budget AS (
    SELECT school, sum(budget) AS budget, sum(actual) AS actual,
           count(*) FILTER (WHERE actual > budget) AS over
    FROM budgets GROUP BY school
), canteen_last AS (
    SELECT school, arg_max(rate, last) FILTER (WHERE closed) AS rate,
           arg_max(term, last) FILTER (WHERE closed) AS term,
           count(*) FILTER (WHERE over_cap) AS over_cap, true AS present
    FROM canteen GROUP BY school
)
SELECT s.school, s.name, s.transactions, s.errors, s.warnings, s.judged,
       coalesce(p.by_class, '') AS problems_by_class,
       coalesce(r.held, 0) AS remit_held, coalesce(r.overdue_count, 0) AS remit_overdue_count,
       coalesce(r.overdue_amount, 0) AS remit_overdue_amount,
       coalesce(d.missing, 0) AS disclosures_missing, coalesce(d.late, 0) AS disclosures_late,
       coalesce(b.budget, 0) AS budget, coalesce(b.actual, 0) AS budget_actual,
       coalesce(b.over, 0) AS budget_over,
       coalesce(c.present, false) AS canteen, c.term AS canteen_term, c.rate AS canteen_rate,
       coalesce(c.over_cap, 0) AS canteen_over_cap,
       a.ledger_cost AS assets_cost, a.ledger_depreciation AS assets_depreciation,
       a.ledger_cost - a.ledger_depreciation AS assets_net, a.ok AS assets_ok
FROM school s
LEFT JOIN problem_counts p USING (school)
LEFT JOIN remit r USING (school)
LEFT JOIN disclosed d USING (school)
LEFT JOIN budget b USING (school)
LEFT JOIN canteen_last c USING (school)
LEFT JOIN assets a USING (school)
ORDER BY s.school
"""


def summarise(tables: dict):
    """The `summary` rows (Arrow) of `tables` (table name -> Arrow table of one school, or of
    several: one row per school of the `school` table)."""
    import duckdb

    con = duckdb.connect()
    try:
        for name, table in tables.items():
            con.register(name, table)
        return con.sql(PER_SCHOOL).to_arrow_table()
    finally:
        con.close()

