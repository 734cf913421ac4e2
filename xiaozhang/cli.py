"""The `xiaozhang` command line: serve, check and example here; the areas' groups (import,
report, canteen, assets) are found through `GROUPS` and imported only when used, so that
`xiaozhang check` loads no report code."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import click

from xiaozhang.commands import as_of_option, ledger_argument
from xiaozhang.io import load, problem_line

# name -> "module:attribute" of the area's click group (see xiaozhang/commands.py)
GROUPS: dict[str, str] = {
    "import": "xiaozhang.importers.cli:import_group",
    "report": "xiaozhang.reports.cli:report_group",
    "canteen": "xiaozhang.reports.canteen_cli:canteen_group",
    "assets": "xiaozhang.reports.assets_cli:assets_group",
    "close": "xiaozhang.closing_cli:close_group",
    "new-year": "xiaozhang.closing_cli:new_year",
}
_HELP = {
    "import": "导入银行流水、收费票据、饭卡数据。",
    "report": "生成公示和报表（HTML、A4 PDF、xlsx、PNG）。",
    "canteen": "食堂：伙食费收支公示、食堂收支盈亏表。",
    "assets": "固定资产：资产报表、清查盘点。",
    "close": "月结、重新打开、年末结转。",
    "new-year": "新的工作年度：期初余额、资产卡片，原账本归档。",
}

format_problem = problem_line  # the line `check` prints, under its old name (reports/canteen.py)


class SchoolGroup(click.Group):
    """The main group: own commands plus the registered groups, imported on first use."""

    def list_commands(self, ctx) -> list[str]:
        return sorted([*super().list_commands(ctx), *GROUPS])

    def get_command(self, ctx, name):
        command = super().get_command(ctx, name)
        if command is None and name in GROUPS:
            module, _, attribute = GROUPS[name].partition(":")
            command = getattr(importlib.import_module(module), attribute)
        return command

    def format_commands(self, ctx, formatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            if name in GROUPS:
                rows.append((name, _HELP[name]))
            else:
                rows.append((name, self.get_command(ctx, name).get_short_help_str(60)))
        with formatter.section("命令"):
            formatter.write_dl(rows)


@click.group(cls=SchoolGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="xiaozhang")
def main() -> None:
    """校账：学校财务记账、检查、报表（基于 Beancount 与 Fava）。"""


@main.command()
@ledger_argument
@as_of_option
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址")
@click.option("--port", default=5000, show_default=True, type=int, help="端口")
@click.option("--read-only", is_flag=True, help="只读模式（校长、审计查看用）")
def serve(ledger: str, host: str, port: int, read_only: bool) -> None:
    """用 Fava 打开账本（含校账扩展页面）。"""
    from fava.cli import main as fava_main

    args = [ledger, "--host", host, "--port", str(port)]
    if read_only:
        args.append("--read-only")
    fava_main.main(args=args, prog_name="xiaozhang serve")


@main.command()
@ledger_argument
@as_of_option
def check(ledger: str) -> None:
    """加载账本并运行全部插件，逐条列出问题；有错误时退出码为 1（只有预警时为 0）。"""
    loaded = load(ledger)
    for problem in loaded.problems:
        click.echo(problem_line(problem))
    if loaded.problems:
        click.echo(f"共 {len(loaded.errors)} 个错误、{len(loaded.warnings)} 个预警。", err=True)
    else:
        from xiaozhang.model.books import SchoolBooks

        judged = SchoolBooks.of(loaded.entries, loaded.options_map).as_of_source
        click.echo(f"账本无问题：检查了 {len(loaded.transactions):,} 笔交易（{ledger}），"
                   f"评判日期 {judged}。")
    if loaded.errors:
        sys.exit(1)


@main.command()
@click.option("--out", required=True, type=click.Path(file_okay=False), help="输出目录")
@click.option("--students", default=None, type=int, help="学生人数（默认 1200）")
@click.option("--years", default=None, type=int, help="学年数（默认：2025-09-01 至 2026-10-31）")
@click.option("--seed", default=None, type=int, help="随机种子（默认 2025）")
def example(out: str, students: int | None, years: int | None, seed: int | None) -> None:
    """生成示例学校账本（确定性：同样的参数得到同样的文件）。"""
    from xiaozhang import example as generator

    try:
        config = generator.ExampleConfig.make(students=students, years=years, seed=seed)
    except ValueError as error:
        raise click.UsageError(str(error)) from error
    written = generator.generate(Path(out), config)
    click.echo(f"已写入 {len(written)} 个文件到 {out}")


if __name__ == "__main__":  # pragma: no cover
    main()
