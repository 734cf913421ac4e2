"""`xiaozhang report …`: the disclosure to parents and the reports to the school and the bureau.

Each command loads the ledger, computes its figures with the report's pure `build(...)`,
and writes the documents through `xiaozhang.reports.document` (HTML, A4 PDF, xlsx, PNG).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from xiaozhang.commands import DATE, MONTH, ledger_option, load_ledger
from xiaozhang.model.money import format_money


def _entries(ledger: str):
    """Load the ledger for a report: (entries, options_map); problems are announced on stderr."""
    loaded = load_ledger(ledger)
    return loaded.entries, loaded.options_map


def _issued(value) -> dt.date:
    """The date a document carries: the one given, else today (time is the calendar)."""
    return value if isinstance(value, dt.date) else dt.date.today()


@click.group("report")
def report_group() -> None:
    """生成公示和报表（HTML、A4 PDF、xlsx、PNG）。"""


@report_group.command("disclosure")
@click.option("--period", required=True, type=MONTH, help="公示的月份，如 2025-12")
@click.option("--term", default=None, help="学期，如 2025-2026-1（默认：该月所在的学期；1 月为上学期的结算）")
@click.option("--class", "class_name", default=None, help="只生成这个班级的公示和个人结算单，如 三(2)班")
@click.option("--out", required=True, type=click.Path(file_okay=False), help="输出目录")
@ledger_option
@click.option("--roster", default=None, type=click.Path(dir_okay=False),
              help="学生名册（默认：学校信息中的 roster，否则账本目录下的 students.csv）")
@click.option("--date", "issued", default=None, type=DATE, help="公示日期（默认：今天）")
@click.option("--jobs", default=None, type=int, help="并行进程数（默认：CPU 核数）")
def disclosure_command(period, term, class_name, out, ledger, roster, issued, jobs) -> None:
    """月末收费公示、代收费结算清单、班级公示和个人结算单。"""
    from xiaozhang.reports import disclosure, disclosure_documents
    from xiaozhang.reports.document import DocumentError, write_many
    from xiaozhang.roster import RosterError

    published = _issued(issued)
    entries, options_map = _entries(ledger)
    try:
        students = disclosure.school_roster(entries, ledger, roster)
    except RosterError as error:
        raise click.ClickException(str(error)) from error
    try:
        report = disclosure.build(entries, options_map, students, period.text, term=term,
                                  class_name=class_name, ledger=ledger)
    except disclosure.DisclosureError as error:
        raise click.ClickException(str(error)) from error
    if class_name and not report.classes:
        known = "、".join(c.class_name for c in disclosure.build(
            entries, options_map, students, period.text, term=report.term.id).classes)
        raise click.ClickException(f"{report.term.label}没有班级 {class_name} 的收费（有：{known}）")
    if not report.items:
        click.echo(f"{report.period_label}（{report.term.label}）没有收费项目的收付，无需公示。")
        return
    try:
        written = write_many(disclosure_documents.disclosure_jobs(report, Path(out), published), jobs)
    except DocumentError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{report.school.get('name', '')} {report.period_label}收费公示（{report.term.label}"
               f"{'，期末结算' if report.final else ''}）：{len(report.items)} 个收费项目，"
               f"{len(report.classes)} 个班级，{len(report.statements)} 份个人结算单，"
               f"共 {len(written)} 个文件，写入 {out}")
    for item in report.items:
        click.echo(f"  {item.name}（{item.kind_label}）：{item.payer_count} 人缴费，收取 {format_money(item.collected)} 元，"
                   f"支出 {format_money(item.spent)} 元，结余 {format_money(item.balance)} 元，"
                   f"已退 {format_money(item.refunded)} 元")
    for note in (n for item in report.items for n in item.notes):
        click.echo(f"  核对提示：{note}", err=True)
    record = report.record(published)
    place = disclosure.record_place(ledger, options_map["include"], published)  # as the page says it
    click.echo(f"公示后请把下面这一行加入 {place.name}（公示记录，见 docs/disclosure.md）"
               + (f"，并在主文件中加上 {place.include}" if place.include else "") + "：")
    click.echo(record)
    sys.stdout.flush()


def _monthly_command(name: str) -> click.Command:
    from xiaozhang.reports.monthly import REPORTS

    stem, build, document, help_text = REPORTS[name]

    @click.option("--period", required=True, type=MONTH, help="月份，如 2026-03")
    @click.option("--out", required=True, type=click.Path(file_okay=False), help="输出目录")
    @ledger_option
    @click.option("--date", "issued", default=None, type=DATE, help="报表日期（默认：今天）")
    def command(period, out, ledger, issued) -> None:
        from xiaozhang.reports import monthly
        from xiaozhang.reports.document import DocumentError, write

        made = _issued(issued)
        when = monthly.Period(period.year, period.month)
        entries, options_map = _entries(ledger)
        report = build(entries, options_map, when)
        school = monthly.school_name(entries, when.last)
        target = Path(out)
        try:
            write(document(report, school, ledger, made), target, f"{stem}-{when.text}")
        except DocumentError as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"{school} {when.label}{stem}：已写入 {target / (stem + '-' + when.text)}.html/.pdf/.xlsx/.png")

    command.__doc__ = help_text
    return report_group.command(name)(command)


for _name in ("spending", "budget", "utilities", "income"):
    _monthly_command(_name)


@report_group.command("statements")
@click.option("--period", required=True, type=MONTH, help="月份，如 2026-10（12 月为年报）")
@click.option("--out", required=True, type=click.Path(file_okay=False), help="输出目录")
@ledger_option
@click.option("--date", "issued", default=None, type=DATE, help="报表日期（默认：今天）")
def statements_command(period, out, ledger, issued) -> None:
    """财务报表：资产负债表、收入费用表、净资产变动表、现金流量表、附注（会政财01–04），决算表和“三公”经费。"""
    from xiaozhang.reports import (final_accounts, statement_notes, statements, statements_annual,
                                   statements_documents)
    from xiaozhang.reports.document import DocumentError, write

    made = _issued(issued)
    when = statements.Period(period.year, period.month)
    entries, options_map = _entries(ledger)
    built = statements_annual.all_statements(entries, options_map, when)
    notes = statement_notes.build_notes(entries, options_map, when)
    school = statements.school_name(entries, when.last)
    target = Path(out)
    try:
        final = final_accounts.build_all(entries, options_map, when)
        for stem, document in statements_documents.documents(tuple(built), notes, school, made,
                                                             final["school_spending"]):
            write(document, target, stem)
        write(statements_documents.final_accounts_document(final, school, made), target, f"决算-{when.text}")
    except DocumentError as error:
        raise click.ClickException(str(error)) from error
    sheet = built[0]
    click.echo(f"{school} {when.label}财务报表：资产负债表（资产总计 {format_money(sheet.line('assets_total').values[0])} 元，"
               f"{'平衡' if sheet.balanced else '不平衡'}）、收入费用表、净资产变动表、现金流量表、附注、决算表，"
               f"已写入 {target}（.html/.pdf/.xlsx/.png）")
