"""The bureau's read-only page: the per-school table (sortable) and one page per school.

`build_app(store, school_url=None)` is a small Flask application over the store (`query.py`,
nothing is written): `/` the per-school table of the workbook's first sheet, each column
sortable by a click; `/school/<id>` that school's problems, overdue remittances and missing
disclosures, with a link to the school's own pages when `school_url` is given (a pattern such as
`http://10.0.0.9/{school}/`, where each school's `xiaozhang serve` runs).  Served by
`xiaozhang district serve DIR` on 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

from pathlib import Path

from xiaozhang.model.money import format_money
from xiaozhang.reports.district import query


def build_app(store: str | Path, school_url: str | None = None):
    from flask import Flask, abort, render_template

    app = Flask(__name__, template_folder=str(Path(__file__).parent / "templates"))
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.filters["class_name"] = lambda name: query.CLASS_NAMES.get(name, name)

    def link(school: str) -> str | None:
        return school_url.format(school=school) if school_url else None

    @app.get("/")
    def index():
        con = query.connect(store)
        try:
            return render_template("district.html", schools=query.per_school(con),
                                   totals=query.consolidated(con), link=link)
        finally:
            con.close()

    @app.get("/school/<school>")
    def school_page(school: str):
        con = query.connect(store)
        try:
            rows = [r for r in query.per_school(con) if r["school"] == school]
            if not rows:
                abort(404)
            problems = [p for p in query.problem_list(con) if p["school"] == school]
            remittances = con.execute(
                "SELECT item, received, amount, deadline, days_held FROM remittances "
                "WHERE school = ? AND overdue ORDER BY received", [school]).fetchall()
            disclosures = con.execute(
                "SELECT item, month, due, published, state FROM disclosures "
                "WHERE school = ? AND failing ORDER BY month, item", [school]).fetchall()
            return render_template("district_school.html", row=rows[0], problems=problems,
                                   remittances=remittances, disclosures=disclosures,
                                   link=link(school))
        finally:
            con.close()

    return app
