"""收费公示 page in Fava: `/<ledger>/extension/Disclosure/`.

The accountant's month-end preview: which months and items are due for disclosure and when
they were published (the `custom "disclosure"` records), the school's notice of a month
(`?period=2026-01`, optional `&term=2025-2026-1`) and a class notice (`&class=一(1)班`), as
parents will read them, with download links for the PDF, xlsx and PNG (the files
`xiaozhang report disclosure` writes). Only the public notices are offered here (names
masked, no 学号); per-student statements come from the command.

Each method forwards to one report function: the status (the school model's FE05 status, the
same as the rule's), the months and the default month, the roster and the figures from
`xiaozhang.reports.disclosure`; the notices and their files from
`xiaozhang.reports.disclosure_documents`.

Fava's filter bar: the time filter keeps the status rows and the months offered for the
preview to those overlapping it (the default month is the latest of them that is complete by
the 评判日期, `SchoolBooks.as_of`). A
notice is a whole-term document (本学期累计 and the settlement run from the term's start to
the month's end), so it cannot be cut to the filter: the page says so at its top. The account
and advanced filters do not apply (a notice lists every item and every payer), and the page
says so too. Everything is read from the model of all entries (the disclosure records are dated
after their month, the policy before the filter's first day).

Developer note (speed, 2026-12-07): the page's first open after a reload read every fee posting
grouped by term (`FeeBook.by_term`) and built every family's statement, and asked the status
and the months again for each of its ~11 uses.  Now the report reads the shown term's postings
only (`disclosure.term_fees`), builds the statements when asked (the page never shows them), and
the page keeps the status, the months and the default month per load and filter (`cached`).
Measured on the bench ledger (180,000 transactions), one script modelled on `bench/run.py`
`bench_pages`: `create_app` on `bench/out/school-variants/main-one.beancount`,
`XIAOZHANG_AS_OF=2026-10-31`, each open after `ledger.load_file()`, median of 3 against Fava's
`/api/income_statement` in the same process; the code before and after run alternately, twice:
before 1.43× and 0.77× wall (1.23× and 1.25× CPU), after 0.83× and 0.60× wall (0.84× and
0.60× CPU; ≈ 0.36-0.46 s for a baseline of ≈ 0.55-0.60 s).  What is left is mostly the
school model of Fava's list: finding the rules' books (`SchoolBooks.twin`, ≈ 0.1 s), reading
its policy, 评判日期 and transactions (≈ 0.03 s).  The same figure in the benchmark's table:
`.venv/bin/python bench/run.py --ledger <the bench ledger's folder>`, row 收费公示.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote, urlencode

from fava.ext import FavaExtensionBase, extension_endpoint
from flask import Response, abort, request, url_for
from markupsafe import Markup

from xiaozhang.model.books import SchoolBooks
from xiaozhang.model.fees import DueDisclosure
from xiaozhang.reports import disclosure as disclosure_report
from xiaozhang.reports import disclosure_documents as documents
from xiaozhang.reports.fava_ext.page import ReportPage
from xiaozhang.reports.render import period_label


class Disclosure(ReportPage, FavaExtensionBase):
    """收费公示: month-end disclosure status, the school and class notices, downloads."""

    report_title = "收费公示"

    # -- inputs ---------------------------------------------------------------------------
    def filter_period(self) -> tuple[dt.date, dt.date] | None:
        """The time filter's first and last day (None: no time filter)."""
        return self.selection().period

    def filter_label(self) -> str:
        """The time filter's period in words (`2025年10月`, `2025年`; "" without one)."""
        period = self.filter_period()
        return period_label(*period) if period else ""

    def status(self) -> list[DueDisclosure]:
        """Every (item, month) with movements, latest month first (the model's FE05 status);
        within the time filter."""
        within = self.filter_period()
        return self.cached(("disclosure-status", within), lambda: disclosure_report.status(
            self.ledger.all_entries, within))

    def periods(self) -> list[str]:
        within = self.filter_period()
        return self.cached(("disclosure-periods", within), lambda: disclosure_report.periods(
            self.ledger.all_entries, within))

    def roster(self):
        return self.cached("disclosure-roster", lambda: disclosure_report.roster_or_problem(
            self.ledger.all_entries, self.ledger.beancount_file_path))

    def period(self) -> str | None:
        """The month asked for, else the latest month complete by the 评判日期 (both within the
        time filter)."""
        asked = request.args.get("period", "")
        if asked in self.periods():
            return asked
        within = self.filter_period()
        return self.cached(("disclosure-default", within), lambda: disclosure_report.default_period(
            self.ledger.all_entries, within))

    def term(self) -> str | None:
        return request.args.get("term") or None

    def class_name(self) -> str | None:
        return request.args.get("class") or None

    def asked_date(self) -> dt.date | None:
        """The publishing day asked for (`&date=2026-02-09`), else None (today)."""
        try:
            return dt.date.fromisoformat(request.args.get("date", ""))
        except ValueError:
            return None

    def issued(self) -> dt.date:
        """The publishing day printed on the notices and in the record: the day asked for, else
        today; never before the shown month's last day (`disclosure_report.publishing_day`)."""
        period = self.period()
        today = self.asked_date() or dt.date.today()
        return disclosure_report.publishing_day(period, today) if period else today

    def issued_clamped(self) -> bool:
        """Whether `issued` was moved to the month's last day (the day asked for, or today,
        is before it)."""
        return self.issued() != (self.asked_date() or dt.date.today())

    def judged(self):
        """The 评判日期 and where it comes from (`SchoolBooks.as_of_source`)."""
        return SchoolBooks.of(self.ledger.all_entries).as_of_source

    def record_place(self) -> disclosure_report.RecordPlace:
        """The month file the disclosure record (dated `issued`) goes in, and what it needs."""
        return disclosure_report.record_place(self.ledger.beancount_file_path,
                                              self.ledger.options["include"], self.issued())

    # -- figures and documents --------------------------------------------------------------
    def report(self) -> disclosure_report.Disclosure | None:
        period = self.period()
        if period is None:
            return None
        term = self.term()
        students, _problem = self.roster()
        return self.cached(("disclosure", period, term), lambda: disclosure_report.build(
            self.ledger.all_entries, self.ledger.options, students, period, term=term,
            ledger=self.source_path(self.ledger.beancount_file_path)))

    def error(self) -> str | None:
        try:
            self.report()
        except disclosure_report.DisclosureError as error:
            return str(error)
        return None

    def sheet(self, report: disclosure_report.Disclosure) -> disclosure_report.ClassSheet | None:
        return documents.class_sheet(report, self.class_name())

    def html(self, report, kind: str) -> Markup:
        return Markup(documents.notice_html(report, kind, self.class_name(), self.issued()))

    def download_url(self, kind: str, fmt: str) -> str:
        """The link of `download` for the period, term and class shown."""
        params = {"period": self.period(), "doc": kind, "format": fmt}
        if self.term():
            params["term"] = self.term()
        if kind == "class":
            params["class"] = self.class_name()
        base = url_for("extension_report", extension_name=self.name)
        return f"{base}download?{urlencode(params)}"

    @extension_endpoint
    def download(self) -> Response:
        """`download?period=2026-01&doc=school|class&class=一(1)班&format=pdf|xlsx|png|html`."""
        fmt, kind = request.args.get("format", ""), request.args.get("doc", "school")
        try:
            report = self.report()
        except disclosure_report.DisclosureError:
            abort(404)
        found = documents.notice_file(report, kind, self.class_name(), self.issued(), fmt) \
            if report and kind in ("school", "class") else None
        if found is None:
            abort(404)
        body, name = found
        response = Response(body, mimetype=documents.NOTICE_FORMATS[fmt])
        response.headers["Content-Disposition"] = (
            f"attachment; filename=\"disclosure.{fmt}\"; filename*=UTF-8''{quote(name)}")
        return response
