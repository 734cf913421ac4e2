"""`xiaozhang budget …`: the year's budget statements (reports/budget_statements.py for the
figures, reports/budget_documents.py for the documents)."""

from __future__ import annotations

from pathlib import Path

import click

from xiaozhang.commands import ledger_option, load_ledger
from xiaozhang.reports.document import FORMATS


@click.group("budget")
def budget_group() -> None:
    """预算会计：预算收入支出表、预算结转结余变动表、财政拨款预算收入支出表、差异调节表、事业支出明细表。"""


@budget_group.command("report")
@click.option("--year", required=True, type=int, help="年度，如 2026")
@click.option("--out", required=True, type=click.Path(file_okay=False), help="输出目录")
@ledger_option
@click.option("--format", "formats", multiple=True, type=click.Choice(FORMATS),
              help="输出格式（可写多次；默认 html、pdf、xlsx、png 全部）")
def report(year: int, out: str, ledger: str, formats: tuple[str, ...]) -> None:
    """生成某年度的预算会计报表和资金结存核对表（HTML、A4 PDF、xlsx、PNG）。"""
    from xiaozhang.model.books import SchoolBooks
    from xiaozhang.model.budget import budget_of
    from xiaozhang.reports import budget_documents, budget_statements
    from xiaozhang.reports.document import DocumentError, write

    loaded = load_ledger(ledger, list_problems=True)
    books = SchoolBooks.of(loaded.entries, loaded.options_map)
    if not budget_of(books).active:
        raise click.ClickException(f"{ledger}：账本中没有平行记账规则表（custom \"budget-rule\"），"
                                   "无法编制预算会计报表（见 docs/budget-accounting.md）")
    years = budget_statements.years(books)
    if year not in years:
        raise click.ClickException(f"{ledger}：{year} 年没有预算会计记录（有记录的年度："
                                   f"{'、'.join(map(str, sorted(years))) or '无'}）")
    written = []
    try:
        for doc in budget_documents.documents(books, year) + [budget_documents.invariant_doc(books)]:
            written += write(doc, Path(out), f"{doc.title}-{year}", formats or FORMATS)
    except DocumentError as error:
        raise click.ClickException(str(error)) from error
    for path in written:
        click.echo(str(path))
