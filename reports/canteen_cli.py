"""`xiaozhang canteen …`: the monthly 伙食费收支公示 and 食堂收支盈亏表 (reports/canteen.py for
the figures, reports/canteen_documents.py for the documents)."""

from __future__ import annotations

from pathlib import Path

import click

from xiaozhang.commands import MONTH, ledger_option, load_ledger
from xiaozhang.model.periods import Month
from xiaozhang.reports.document import FORMATS


@click.group("canteen")
def canteen_group() -> None:
    """食堂：伙食费收支公示（家长）、食堂收支盈亏表（学校）。"""


@canteen_group.command("report")
@click.option("--month", "month", required=True, type=MONTH, help="月份，如 2025-10")
@click.option("--out", required=True, type=click.Path(file_okay=False), help="输出目录")
@ledger_option
@click.option("--format", "formats", multiple=True, type=click.Choice(FORMATS),
              help="输出格式（可写多次；默认 html、pdf、xlsx、png 全部）")
def report(month: Month, out: str, ledger: str, formats: tuple[str, ...]) -> None:
    """生成某月的伙食费收支公示和食堂收支盈亏表（HTML、A4 PDF、xlsx、PNG）。"""
    from xiaozhang.reports import canteen
    from xiaozhang.reports.canteen_documents import notice_document, statement_document
    from xiaozhang.reports.document import DocumentError, write

    loaded = load_ledger(ledger, list_problems=True)
    entries, options_map = loaded.entries, loaded.options_map
    if not canteen.canteen_of(entries, options_map).accounts.marked:
        raise click.ClickException(f"{ledger}：账本中没有标明 canteen: TRUE 的食堂科目，无法编制食堂报表")
    months = canteen.months_with_data(entries, options_map)
    if month.first not in months:
        known = "、".join(Month.of(m).text for m in months[-3:])
        raise click.ClickException(f"{ledger}：{month.label} 没有食堂收支记录"
                                   + (f"（最近有记录的月份：{known}）" if known else ""))
    figures = canteen.build(entries, options_map, month.first)
    written = []
    try:
        for doc, stem in ((notice_document(figures), f"伙食费收支公示-{month.text}"),
                          (statement_document(figures), f"食堂收支盈亏表-{month.text}")):
            written += write(doc, Path(out), stem, formats or FORMATS)
    except DocumentError as error:
        raise click.ClickException(str(error)) from error
    for path in written:
        click.echo(str(path))
    if not figures.complete:
        click.echo(f"注意：账本只记到 {figures.as_of}，{month.label}尚未结束。", err=True)
