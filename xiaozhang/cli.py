"""The `xiaozhang` command line: serve, check, example (later: import, report, assets, canteen)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from xiaozhang.plugins import is_warning

DEFAULT_LEDGER = "ledger/main.beancount"


def format_problem(error) -> str:
    """One line per problem: `file:line: message` (the message carries the rule code)."""
    source = error.source or {}
    filename = source.get("filename") or "<未知文件>"
    lineno = source.get("lineno")
    where = f"{filename}:{lineno}" if lineno is not None else filename
    message = " ".join(str(error.message).split())
    return f"{where}: {message}"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="xiaozhang")
def main() -> None:
    """校账：学校财务记账、检查、报表（基于 Beancount 与 Fava）。"""


@main.command()
@click.argument("ledger", default=DEFAULT_LEDGER, type=click.Path(exists=True, dir_okay=False))
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
@click.argument("ledger", default=DEFAULT_LEDGER, type=click.Path(exists=True, dir_okay=False))
def check(ledger: str) -> None:
    """加载账本并运行全部插件，逐条列出问题；有错误时退出码为 1（只有预警时为 0）。"""
    from beancount import loader

    _entries, problems, _options = loader.load_file(ledger)
    for problem in problems:
        click.echo(format_problem(problem))
    warnings = sum(1 for p in problems if is_warning(p))
    errors = len(problems) - warnings
    if problems:
        click.echo(f"共 {errors} 个错误、{warnings} 个预警。", err=True)
    if errors:
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


from xiaozhang.importers.cli import import_group  # noqa: E402

main.add_command(import_group)
from xiaozhang.reports.cli import report_group  # noqa: E402

main.add_command(report_group)

from xiaozhang.reports.canteen import canteen_group  # noqa: E402

main.add_command(canteen_group)
from xiaozhang.reports.assets import assets_group  # noqa: E402

main.add_command(assets_group)


if __name__ == "__main__":  # pragma: no cover
    main()
