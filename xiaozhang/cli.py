"""The `xiaozhang` command line: serve, check and example here; the areas' groups (import,
report, canteen, assets) are found through `GROUPS` and imported only when used, so that
`xiaozhang check` loads no report code."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import click

from xiaozhang.commands import as_of_option, ledger_argument
from xiaozhang.io import ArchiveRefused, archive_of, load, problem_line

# name -> "module:attribute" of the area's click group (see xiaozhang/commands.py)
GROUPS: dict[str, str] = {
    "import": "xiaozhang.importers.cli:import_group",
    "report": "xiaozhang.reports.cli:report_group",
    "canteen": "xiaozhang.reports.canteen_cli:canteen_group",
    "assets": "xiaozhang.reports.assets_cli:assets_group",
    "close": "xiaozhang.closing_cli:close_group",
    "new-year": "xiaozhang.closing_cli:new_year",
    "users": "xiaozhang.reports.access_cli:users_group",
    "history": "xiaozhang.reports.access_cli:history_command",
    "publish": "xiaozhang.reports.access_cli:publish_command",
    "budget": "xiaozhang.reports.budget_cli:budget_group",
    "district": "xiaozhang.reports.district.cli:district_group",
}
_HELP = {
    "import": "导入银行流水、收费票据、饭卡数据。",
    "report": "生成公示和报表（HTML、A4 PDF、xlsx、PNG）。",
    "canteen": "食堂：伙食费收支公示、食堂收支盈亏表。",
    "assets": "固定资产：资产报表、清查盘点。",
    "close": "月结、重新打开、年末结转。",
    "new-year": "新的工作年度：期初余额、资产卡片，原账本归档。",
    "users": "用户与角色：增加用户、设置口令（xiaozhang serve 据此登录）。",
    "history": "某张凭证的修改历史：谁、何时、改了什么。",
    "publish": "生成给家长看的公示网站（静态文件，可放在任何网页服务器或 U 盘里）。",
    "budget": "预算会计：预算会计报表（平行记账）。",
    "district": "区教育局：多所学校账本的检查与汇总（并行、增量，xlsx 汇总表）。",
}
# the served application with users (sign-in, roles, audit trail): found by name, like GROUPS
SERVE_APP = "xiaozhang.reports.serving.app:build"
LOCAL_ONLY = "127.0.0.1"


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

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except ArchiveRefused as refused:  # any command writing into an archived year (io.py)
            raise click.ClickException(str(refused)) from refused

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
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听地址（没有用户文件时只能是 127.0.0.1）")
@click.option("--port", default=5000, show_default=True, type=int, help="端口")
@click.option("--read-only", is_flag=True, help="只读模式（校长、审计查看用）")
@click.option("--proxy", default=None, metavar="ADDRESS",
              help="反向代理的地址：只有来自这个地址的请求，才信任它在用户头里写明的用户")
@click.option("--user-header", default="Remote-User", show_default=True,
              help="反向代理写明已登录用户的请求头")
def serve(ledger: str, host: str, port: int, read_only: bool, proxy: str | None,
          user_header: str) -> None:
    """用 Fava 打开账本（含校账扩展页面）；账本目录有 users.toml 时须登录，按角色授权（docs/access.md）。"""
    if archive_of(ledger) is not None and not read_only:  # an archived year (docs/close.md)
        read_only = True
        click.echo(f"{ledger} 是归档的年度账本：以只读方式打开。", err=True)
    module, _, attribute = SERVE_APP.partition(":")
    serving = importlib.import_module(module)
    users = serving.users_file(ledger)
    if not users.exists():
        if host not in (LOCAL_ONLY, "localhost"):
            click.echo(f"没有用户文件 {users}：只在本机（{LOCAL_ONLY}）上提供服务，其他电脑无法访问。"
                       "要让其他人登录查看，请先用 xiaozhang users add 建立用户（见 docs/access.md）。", err=True)
        else:
            click.echo(f"没有用户文件：只在本机（{LOCAL_ONLY}）上提供服务，不需登录。", err=True)
        if proxy:
            raise click.UsageError("--proxy 需要用户文件（users.toml）：代理写明的用户要在其中有角色")
        from fava.cli import main as fava_main

        args = [ledger, "--host", LOCAL_ONLY, "--port", str(port)]
        if read_only:
            args.append("--read-only")
        fava_main.main(args=args, prog_name="xiaozhang serve")
        return
    try:
        app, gate, classes = getattr(serving, attribute)(ledger, proxy=proxy, user_header=user_header,
                                                         read_only=read_only)
    except serving.PROBLEMS as error:  # a users file that cannot be read, git failing: Chinese
        raise click.ClickException(str(error)) from error
    click.echo(serving.describe(ledger, gate, proxy, user_header), err=True)
    if host not in (LOCAL_ONLY, "localhost") and not proxy:
        click.echo(f"注意：在 {host} 上直接提供 HTTP 服务，口令会以明文在网络上传输。"
                   "请只在本机监听，由 nginx 或 Caddy 提供 HTTPS（docs/access.md 第 4 节）。", err=True)
    from cheroot.wsgi import Server

    click.echo(f"校账已启动：http://{host}:{port}/（需要登录）", err=True)
    server = Server((host, port), app)
    try:
        server.start()
    except KeyboardInterrupt:
        server.stop()
    finally:
        classes.close()


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
@click.option("--working-years", is_flag=True,
              help="按工作年度生成：逐年月结、年结、new-year（DIR/2025 归档，DIR/2026 工作年度；docs/close.md）")
def example(out: str, students: int | None, years: int | None, seed: int | None,
            working_years: bool) -> None:
    """生成示例学校账本（确定性：同样的参数得到同样的文件）。"""
    from xiaozhang import example as generator

    try:
        config = generator.ExampleConfig.make(students=students, years=years, seed=seed)
    except ValueError as error:
        raise click.UsageError(str(error)) from error
    if working_years:
        from xiaozhang.example.workyears import WorkingYearsFailed, generate_working_years

        try:
            folders = generate_working_years(Path(out), config)
        except WorkingYearsFailed as failed:
            raise click.ClickException(str(failed)) from failed
        click.echo(f"已写入 {len(folders)} 个年度账本到 {out}：" + "、".join(f.name for f in folders[:-1])
                   + f"（归档，只读），{folders[-1].name}（工作年度）")
        return
    written = generator.generate(Path(out), config)
    click.echo(f"已写入 {len(written)} 个文件到 {out}")


if __name__ == "__main__":  # pragma: no cover
    main()
