"""The bureau's read-only pages over the store, each with an xlsx download of its tables.

`build_app(store, school_url=None)` is a small Flask application over the store (`query.py`,
nothing is written; every route is a GET):

    /                        各校情况汇总: the per-school table (each column sortable by a click)
                             and the totals by account class; 下载 xlsx: the whole workbook of
                             `district report` (`workbook.documents`: every table of the page)
    /statements              汇总报表: the consolidated 资产负债表, 收入费用表, 预算收入支出表 of a
                             period (`?period=2026-10`, default the latest every school has;
                             `?by_school=1` adds a column per school; `?school=a` one school's
                             own); the page and its download are the same documents
    /school/<id>             one school: its problems, overdue remittances, missing disclosures
                             and links to its statements and (`school_url`, a pattern such as
                             `http://10.0.0.9/{school}/`) to its own `xiaozhang serve`
    …/xlsx                   each page's download (`/xlsx`, `/statements/xlsx?…`,
                             `/school/<id>/xlsx`)

`build(store, users, school_url)` puts the app behind `BureauGate` when there is a users file:
the sign-in of `xiaozhang serve` (reports/serving: the same users file format, salted hashes,
session cookie or HTTP Basic) and only the 教育局 role reads; any other role gets 403, nobody
signed in 401.  Without a users file `district serve` binds 127.0.0.1 only, as `serve` does.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from werkzeug.wrappers import Request, Response

from xiaozhang.model.money import format_money
from xiaozhang.reports.district import query, workbook
from xiaozhang.reports.document import Document, Table, Text, render_html, xlsx_bytes
from xiaozhang.reports.serving.gate import USER_KEY, Gate, Users, refused

READER = "教育局"  # the one role that reads the district's pages
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def school_documents(con, school: str) -> list[Document]:
    """What a school's page shows: its problems, overdue remittances, missing disclosures."""
    problems = [p for p in query.problem_list(con) if p["school"] == school]
    remittances = con.execute(
        "SELECT item, received, amount, deadline, days_held FROM remittances "
        "WHERE school = ? AND overdue ORDER BY received, item", [school]).fetchall()
    disclosures = con.execute(
        "SELECT item, month, due, published, state FROM disclosures "
        "WHERE school = ? AND failing ORDER BY month, item", [school]).fetchall()

    def table(title: str, sheet: str, columns: list[str], rows: list[list]) -> Document:
        return Document(title=f"{school}：{title}", sheet=sheet,
                        blocks=[Table(columns, rows)] if rows else [Text("无。")])

    return [
        table("问题", "问题", ["规则", "说明", "位置", "类别"],
              [[p["code"], p["message"], f"{p['file']}:{p['line']}", "预警" if p["warning"] else "错误"]
               for p in problems]),
        table("逾期未缴的应缴财政款", "逾期未缴", ["项目", "收款日期", "未缴金额", "截止日", "已持有天数"],
              [[item, str(received), workbook.money_cell(amount), str(deadline), days]
               for item, received, amount, deadline, days in remittances]),
        table("未按期公示的收费", "未按期公示", ["收费项目", "月份", "公示期限", "公示日期", "状态"],
              [[item, month, str(due), "" if published is None else str(published), state]
               for item, month, due, published, state in disclosures]),
    ]


def build_app(store: str | Path, school_url: str | None = None):
    from flask import Flask, abort, render_template, request

    app = Flask(__name__, template_folder=str(Path(__file__).parent / "templates"))
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.filters["class_name"] = lambda name: query.CLASS_NAMES.get(name, name)

    def link(school: str) -> str | None:
        return school_url.format(school=school) if school_url else None

    def download(docs: list[Document], name: str) -> Response:
        return Response(xlsx_bytes(docs), mimetype=XLSX, headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
            "Cache-Control": "no-store"})

    def page(template: str, **context) -> str:
        return render_template(template, user=request.environ.get(USER_KEY), **context)

    def statement_args(con) -> dict:
        periods = query.statement_periods(con)
        period = request.args.get("period") or query.default_period(con)
        if periods and period not in {p["period"] for p in periods}:
            abort(404)
        school = request.args.get("school") or None
        if school and not con.execute("SELECT 1 FROM school WHERE school = ?", [school]).fetchall():
            abort(404)
        return {"period": period, "school": school, "by_school": request.args.get("by_school") == "1",
                "periods": periods}

    @app.get("/")
    def index():
        with query.connect(store) as con:
            return page("district.html", schools=query.per_school(con),
                        totals=query.consolidated(con), link=link,
                        period=query.default_period(con), canteen_none=query.CANTEEN_NONE)

    @app.get("/xlsx")
    def index_xlsx():
        with query.connect(store) as con:
            return download(workbook.documents(con), "全区汇总.xlsx")

    def statement_docs(con):
        """The statements the query string asks for (the page and its download show the same)."""
        args = statement_args(con)
        return args, workbook.statement_documents(con, args["period"], by_school=args["by_school"],
                                                  school=args["school"])

    @app.get("/statements")
    def statements():
        with query.connect(store) as con:
            args, docs = statement_docs(con)
            return page("district_statements.html", docs=[render_html(d, standalone=False) for d in docs],
                        query=request.query_string.decode("ascii", "replace"),
                        label=workbook.period_label, **args)

    @app.get("/statements/xlsx")
    def statements_xlsx():
        with query.connect(store) as con:
            args, docs = statement_docs(con)
            if not docs:
                abort(404)
            return download(docs, f"{args['school'] or '全区'}报表{args['period']}.xlsx")

    @app.get("/school/<school>")
    def school_page(school: str):
        with query.connect(store) as con:
            rows = [r for r in query.per_school(con) if r["school"] == school]
            if not rows:
                abort(404)
            docs = school_documents(con, school)
            return page("district_school.html", row=rows[0], link=link(school),
                        docs=[render_html(d, standalone=False) for d in docs],
                        period=query.default_period(con))

    @app.get("/school/<school>/xlsx")
    def school_xlsx(school: str):
        with query.connect(store) as con:
            if not con.execute("SELECT 1 FROM school WHERE school = ?", [school]).fetchall():
                abort(404)
            return download(school_documents(con, school), f"{school}.xlsx")

    return app


class BureauGate(Gate):
    """The sign-in of `xiaozhang serve` (reports/serving/gate.py) in front of the bureau's app:
    only the 教育局 role reads, and only with GET."""

    def __call__(self, environ: dict, start_response):
        request = Request(environ)
        user, answer = self.admit(request)  # sign-in and sign-out as `xiaozhang serve` does them
        if answer is None and user.role != READER:
            answer = refused(request, f"全区汇总只给{READER}角色查看（{user.display}的角色是{user.role}）。")
        elif answer is None and request.method not in ("GET", "HEAD"):
            answer = refused(request, "全区汇总网页是只读的。")
        if answer is not None:
            return answer(environ, start_response)
        self.hand_on(environ, user)
        return self.app(environ, start_response)


def build(store: str | Path, users: str | Path | None, school_url: str | None = None):
    """(the WSGI app to serve, the gate or None when there is no users file)."""
    app = build_app(store, school_url)
    if users is None or not Path(users).exists():
        return app, None
    gate = BureauGate(app, Users(Path(users)), protected=[Path(users)])
    gate.users.current()  # a broken file stops the start, with its message
    return gate, gate
