"""`xiaozhang assets …`: the asset reports (资产卡片清单, 折旧计提表, 固定资产增减变动表) and the
stocktake (清查盘点).

Each command loads the ledger once (`xiaozhang.commands.load_ledger`), asks the report
builders of `xiaozhang.reports.assets` and `.asset_years` (over the school model's asset
register) and writes
the documents of `xiaozhang.reports.asset_documents` (HTML, A4 PDF, xlsx, PNG).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from xiaozhang.commands import DATE, ledger_option, load_ledger
from xiaozhang.io import write_atomic
from xiaozhang.reports.asset_years import build_changes, build_depreciation
from xiaozhang.reports.assets import AssetReportError, build_register, places
from xiaozhang.reports.document import FORMATS, DocumentError, safe_filename, write

out_option = click.option("--out", required=True, type=click.Path(file_okay=False),
                          help="输出目录")
format_option = click.option("--format", "formats", multiple=True, type=click.Choice(FORMATS),
                             help="输出格式（可写多次；默认 html、pdf、xlsx、png 全部）")


def emit(jobs, out: str, formats) -> None:
    """Write each (document, file stem) in the formats asked for and print the paths."""
    written = []
    try:
        for doc, stem in jobs:
            written += write(doc, Path(out), safe_filename(stem), formats or FORMATS)
    except DocumentError as error:
        raise click.ClickException(str(error)) from error
    for path in written:
        click.echo(str(path))


@click.group("assets")
def assets_group() -> None:
    """固定资产：资产卡片清单、折旧计提表、增减变动表，清查盘点。"""


@assets_group.group("report")
def report() -> None:
    """固定资产报表（HTML、A4 PDF、xlsx、PNG），均与 1601、1602 总账余额核对。"""


@report.command("register")
@click.option("--date", "day", default=None, type=DATE,
              help="截至日期（默认：账本最后一笔交易的日期）")
@click.option("--dept", default=None, help="只列这个使用部门的资产")
@click.option("--location", default=None, help="只列这个存放地点的资产（如 三(2)班教室，供班主任签字）")
@click.option("--custodian", default=None, help="只列这个使用人的资产")
@click.option("--each", type=click.Choice(["location", "custodian", "dept"]), default=None,
              help="每个存放地点（或使用人、使用部门）各出一份清单")
@out_option
@ledger_option
@format_option
def register_command(day, dept, location, custodian, each, out, ledger, formats) -> None:
    """资产卡片清单（可按部门、地点、使用人筛选；按地点分册即各班资产清单）。"""
    from xiaozhang.reports.asset_documents import register_document

    filters = {"dept": dept, "location": location, "custodian": custodian}
    if each and filters[each]:
        raise click.UsageError(f"--each {each} 与 --{each} 不能同时使用")
    loaded = load_ledger(ledger)
    entries, options_map = loaded.entries, loaded.options_map
    try:
        if each:
            jobs = []
            for value in places(entries, day, each, options_map):
                result = build_register(entries, options_map, day, **{**filters, each: value})
                if result.rows:
                    jobs.append((register_document(result, ledger), f"资产卡片清单-{value}"))
        else:
            result = build_register(entries, options_map, day, **filters)
            if not result.rows:
                known = "、".join(places(entries, day, "location", options_map)[:8])
                raise click.ClickException(f"{result.scope} 没有资产（存放地点有：{known} …）")
            stem = "资产卡片清单" + "".join(f"-{v}" for v in (dept, location, custodian) if v)
            jobs = [(register_document(result, ledger), stem)]
            if not result.reconciliation.ok:
                click.echo(result.reconciliation.sentence(), err=True)
    except AssetReportError as error:
        raise click.ClickException(f"{ledger}：{error}") from error
    emit(jobs, out, formats)


@report.command("depreciation")
@click.option("--year", type=int, default=None, help="年度（默认：账本最后日期所在年）")
@out_option
@ledger_option
@format_option
def depreciation_command(year, out, ledger, formats) -> None:
    """折旧计提表（按类别和月份，附逐项明细）。"""
    from xiaozhang.reports.asset_documents import depreciation_document

    loaded = load_ledger(ledger)
    try:
        table = build_depreciation(loaded.entries, loaded.options_map, year)
    except AssetReportError as error:
        raise click.ClickException(f"{ledger}：{error}") from error
    if not table.ok:
        click.echo(table.reconciliation.sentence(), err=True)
    emit([(depreciation_document(table, ledger), f"折旧计提表-{table.year}")], out, formats)


@report.command("changes")
@click.option("--year", type=int, default=None, help="年度（默认：账本最后日期所在年）")
@out_option
@ledger_option
@format_option
def changes_command(year, out, ledger, formats) -> None:
    """固定资产增减变动表（年度报表：年初、按取得方式的增加、按处置方式的减少、折旧、年末）。"""
    from xiaozhang.reports.asset_documents import changes_document

    loaded = load_ledger(ledger)
    try:
        table = build_changes(loaded.entries, loaded.options_map, year)
    except AssetReportError as error:
        raise click.ClickException(f"{ledger}：{error}") from error
    if not table.closing.ok:
        click.echo(table.closing.sentence(), err=True)
    emit([(changes_document(table, ledger), f"固定资产增减变动表-{table.year}")], out, formats)


@assets_group.command("stocktake")
@click.argument("count_file", type=click.Path(exists=True, dir_okay=False))
@ledger_option
@click.option("--date", "day", default=None, type=DATE,
              help="盘点日期（默认：账本最后一笔交易的日期）")
@click.option("--out", default=None, type=click.Path(dir_okay=False),
              help="调整建议写入的文件（默认：盘点表旁的 <盘点表名>-调整建议.beancount）")
def stocktake_command(count_file, ledger, day, out) -> None:
    """清查盘点：实物盘点表与资产卡片核对，列出盘亏、盘盈、位置变动、不符，写出建议分录供审核。

    有差异时退出码为 1。建议分录写到单独的文件，不会写入账本。"""
    from xiaozhang.reports import stocktake

    try:
        counted = stocktake.read_count(count_file)
    except stocktake.CountError as error:
        raise click.ClickException(str(error)) from error
    loaded = load_ledger(ledger)
    target = Path(out) if out else Path(count_file).with_name(
        Path(count_file).stem + "-调整建议.beancount")
    included = {Path(p).resolve() for p in loaded.options_map.get("include", [])}
    if target.resolve() in included:
        raise click.ClickException(f"{target} 是账本的一部分；调整建议只能写到单独的文件，审核后再移入账本")
    result = stocktake.build(loaded.entries, loaded.options_map, counted, day,
                             Path(count_file).name)
    click.echo(f"盘点日期 {result.day}：盘点 {result.counted} 项，账上 {result.cards} 张卡片。")
    for kind in stocktake.KINDS:
        items = result.of(kind)
        click.echo(f"{kind} {len(items)} 项")
        for d in items:
            where = f"{count_file}:{d.row}: " if d.row else ""
            click.echo(f"  {where}{d.asset_id or '（无编号）'} {d.name}：{d.detail}")
    if not result.differences:
        click.echo("账实相符。")
        return
    write_atomic(target, stocktake.proposals_text(result, count_file, ledger))
    click.echo(f"调整建议（{len(result.proposals)} 条）已写入 {target}，审核批准后再移入账本。")
    sys.exit(1)
