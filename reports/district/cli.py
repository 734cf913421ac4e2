"""`xiaozhang district`: the bureau's commands over a folder of school ledgers (docs/district.md).

    xiaozhang district check DIR [--workers N] [--store PATH] [--force] [--wait]
    xiaozhang district report DIR --out 汇总.xlsx [--period 2026-10] [--store PATH] [--workers N]
    xiaozhang district serve DIR [--users FILE] [--host H] [--port P] [--school-url PATTERN]

`check` brings the store up to date (`store.refresh`: only schools whose files changed are
loaded again, in parallel worker processes) and prints one line per school; the exit code is 1
when a school has errors or could not be read.  `report` refreshes the same way, then writes the
workbook (`workbook.py`) from the store with DuckDB.
"""

from __future__ import annotations

import os
import sys

import click

from xiaozhang.commands import MONTH, as_of_option
from xiaozhang.model.periods import Month

district_argument = click.argument("district", type=click.Path(exists=True, file_okay=False))
store_option = click.option("--store", default=None, type=click.Path(file_okay=False),
                            help="数据存放目录（默认：DIR/.district）")
scheduler_option = click.option("--scheduler", default=None, metavar="ADDRESS",
                                help="在 Dask 集群上检查（调度器地址，如 tcp://10.0.0.5:8786；见 docs/district.md 第 5 节）")
wait_option = click.option("--wait", is_flag=True,
                           help="汇总库正被另一个 check/report 更新时，排队等待（默认：提示后退出）")
workers_option = click.option("--workers", default=None, type=click.IntRange(1),
                              help="并行进程数（默认：CPU 核数）")


@click.group("district")
def district_group() -> None:
    """区教育局：多所学校账本的检查与汇总（每所学校一个子目录，内有 main.beancount）。"""


def _refresh(district: str, store: str | None, workers: int | None, force: bool,
             scheduler: str | None = None, wait: bool = False):
    from xiaozhang.reports.district.lock import StoreBusy
    from xiaozhang.reports.district.store import refresh, schools_in

    if not schools_in(district):
        raise click.ClickException(f"{district} 下没有学校账本：每所学校应是一个子目录，内有 main.beancount")
    try:
        if scheduler:
            from xiaozhang.reports.district.cluster import dask_executor

            try:
                with dask_executor(scheduler) as executor:
                    return refresh(district, store, executor=executor, force=force, wait=wait)
            except (RuntimeError, OSError) as error:
                raise click.ClickException(f"Dask 集群 {scheduler}：{error}") from error
        return refresh(district, store, workers=workers or os.cpu_count() or 1, force=force, wait=wait)
    except StoreBusy as error:
        raise click.ClickException(str(error)) from error


@district_group.command("check")
@district_argument
@store_option
@workers_option
@scheduler_option
@wait_option
@click.option("--force", is_flag=True, help="全部学校重新检查（不看文件是否改动）")
@click.option("--list", "list_problems", is_flag=True,
              help="逐条列出各校的问题（学校/文件:行: [代码] 说明）")
@as_of_option
def check_command(district: str, store: str | None, workers: int | None, scheduler: str | None,
                  wait: bool, force: bool, list_problems: bool) -> None:
    """检查各校账本（只重新读取有改动的学校），把各校数据存入汇总库。"""
    done = _refresh(district, store, workers, force, scheduler, wait)
    if list_problems:
        from xiaozhang.reports.district import query

        con = query.connect(done.store)
        try:
            for p in query.problem_list(con):
                code = f"[{p['code']}] " if p["code"] else ""
                kind = "（预警）" if p["warning"] else ""
                click.echo(f"{p['school']}/{p['file']}:{p['line']}: {code}{p['message']}{kind}")
        finally:
            con.close()
    bad = False
    for school, record in done.records.items():
        how = "重新检查" if school in done.parsed else "未改动"
        click.echo(f"{school}：{record['transactions']:,} 笔交易，{record['errors']} 个错误，"
                   f"{record['warnings']} 个预警（{how}）")
        bad = bad or record["errors"] > 0
    for school, message in done.failed.items():
        click.echo(f"{school}：无法读取（{message}）", err=True)
    for school in done.removed:
        click.echo(f"{school}：目录已不存在，已从汇总库删除")
    click.echo(f"共 {len(done.records) + len(done.failed)} 所学校：重新检查 {len(done.parsed)} 所，"
               f"未改动 {len(done.unchanged)} 所；汇总库 {done.store}", err=True)
    if bad or done.failed:
        sys.exit(1)


@district_group.command("report")
@district_argument
@store_option
@workers_option
@scheduler_option
@wait_option
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="输出的 xlsx 文件")
@click.option("--period", default=None, type=MONTH,
              help="汇总报表的期间，如 2026-10（默认：各校都有的最近一期）")
@as_of_option
def report_command(district: str, store: str | None, workers: int | None, scheduler: str | None,
                   wait: bool, out: str, period: Month | None) -> None:
    """各校情况汇总表、问题分类、全区汇总、汇总的资产负债表/收入费用表/预算收入支出表（xlsx），先更新汇总库。"""
    from xiaozhang.reports.district import query
    from xiaozhang.reports.district.workbook import write

    done = _refresh(district, store, workers, False, scheduler, wait)
    for school, message in done.failed.items():
        click.echo(f"{school}：无法读取（{message}），汇总表中没有这所学校", err=True)
    wanted = period.text if period is not None else None  # as the store spells it
    if wanted is not None:
        con = query.connect(done.store)
        try:
            known = [p["period"] for p in query.statement_periods(con)]
        finally:
            con.close()
        if wanted not in known:
            raise click.BadParameter(f"汇总库中没有 {wanted} 的报表（有：{'、'.join(known) or '无'}；"
                                     "各校报表取各校数据截止月和以前各年 12 月）", param_hint="--period")
    written = write(done.store, out, wanted)
    click.echo(f"已写入 {written}")


@district_group.command("serve")
@district_argument
@store_option
@click.option("--users", "users", default=None, type=click.Path(dir_okay=False),
              help="用户文件（默认：DIR/users.toml；格式与 xiaozhang serve 的相同，只有教育局角色能查看）")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听地址（没有用户文件时只能是 127.0.0.1）")
@click.option("--port", default=5050, show_default=True, type=int, help="端口")
@click.option("--school-url", default=None, metavar="PATTERN",
              help="各校账本页面的地址，{school} 处填学校目录名，如 http://10.0.0.9/{school}/")
def serve_command(district: str, store: str | None, users: str | None, host: str, port: int,
                  school_url: str | None) -> None:
    """只读网页：各校情况汇总表（可排序）、汇总报表、各校的问题，均可下载 xlsx（数据为最近一次 check 的结果）。"""
    from pathlib import Path

    from cheroot.wsgi import Server

    from xiaozhang.cli import LOCAL_ONLY
    from xiaozhang.reports.district.page import READER, build
    from xiaozhang.reports.district.store import MANIFEST, store_of
    from xiaozhang.reports.serving.users import USERS_FILE, UsersError

    base = store_of(district, store)
    if not (base / MANIFEST).exists():
        raise click.ClickException(f"汇总库 {base} 还没有数据：请先运行 xiaozhang district check {district}")
    if school_url and "{school}" not in school_url:
        raise click.UsageError("--school-url 应含 {school}，如 http://10.0.0.9/{school}/")
    path = Path(users) if users else Path(district) / USERS_FILE
    try:
        app, gate = build(base, path, school_url)
    except UsersError as error:
        raise click.ClickException(str(error)) from error
    if gate is None:
        if host not in (LOCAL_ONLY, "localhost"):
            click.echo(f"没有用户文件 {path}：只在本机（{LOCAL_ONLY}）上提供服务，其他电脑无法访问。"
                       f"要让教育局的人员登录查看，请先建立用户（见 docs/district.md“只读网页”）。", err=True)
        host = LOCAL_ONLY
        how = "只读，本机，不需登录"
    else:
        readers = [u.display for u in gate.users.current().values() if u.role == READER]
        click.echo(f"用户文件 {path}：{READER}角色 {len(readers)} 人（{'、'.join(readers) or '无'}）；"
                   f"其他角色不能查看全区汇总。", err=True)
        if not readers:
            click.echo(f"注意：用户文件中没有{READER}角色的用户，没有人能查看。", err=True)
        if host not in (LOCAL_ONLY, "localhost"):
            click.echo(f"注意：在 {host} 上直接提供 HTTP 服务，口令会以明文在网络上传输。"
                       "请只在本机监听，由 nginx 或 Caddy 提供 HTTPS（docs/access.md 第 4 节）。", err=True)
        how = "只读，需登录"
    click.echo(f"各校情况汇总：http://{host}:{port}/（{how}；数据为最近一次 check 的结果）", err=True)
    server = Server((host, port), app)
    try:
        server.start()
    except KeyboardInterrupt:
        server.stop()
