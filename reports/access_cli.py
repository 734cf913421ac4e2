"""`xiaozhang users …`, `xiaozhang history VOUCHER` and `xiaozhang publish --out DIR`
(docs/access.md)."""

from __future__ import annotations

import functools
from pathlib import Path

import click

from xiaozhang.commands import ledger_option, optional_ledger_option
from xiaozhang.io import DEFAULT_LEDGER


@click.group("users")
def users_group() -> None:
    """用户与角色：增加用户、设置口令（xiaozhang serve 据此登录）。"""


def users_options(command):
    """`--users FILE` (the users file itself; it may not exist yet, e.g. a district's
    `全区账本/users.toml`) or `--ledger` (the `users.toml` beside the main ledger file), given
    to the command as one parameter `path`."""

    def with_path(*args, users: str | None = None, ledger: str | None = None, **kwargs):
        from xiaozhang.reports.serving.users import users_file

        if users is not None:
            path = Path(users)
        elif ledger is not None:
            path = users_file(ledger)
        else:
            raise click.UsageError(f"找不到账本 {DEFAULT_LEDGER}：请用 --ledger 写明账本，"
                                   "或用 --users 写明用户文件（如 全区账本/users.toml）")
        return command(*args, path=path, **kwargs)

    with_path = functools.wraps(command)(with_path)
    with_path = optional_ledger_option("用户文件是其目录下的 users.toml")(with_path)
    return click.option("--users", "users", default=None, type=click.Path(dir_okay=False),
                        help="用户文件本身（可以还不存在，如 全区账本/users.toml；写了就不看 --ledger）")(with_path)


def _ask_password(password: str | None) -> str:
    if password is not None:
        return password
    return click.prompt("口令", hide_input=True, confirmation_prompt="再输入一次口令")


@users_group.command("add")
@click.argument("login")
@click.option("--role", required=True, type=click.Choice(["会计", "校长", "教育局", "班主任"]), help="角色")
@click.option("--name", default="", help="姓名（页面和修改历史中显示），如 王会计")
@click.option("--class", "class_name", default="", help="班主任的班级，如 三(2)班")
@click.option("--password", default=None, help="口令（不写则提示输入；写在命令行会留在命令历史里）")
@users_options
def add(login: str, role: str, name: str, class_name: str, password: str | None, path: Path) -> None:
    """增加一个用户（口令只存加盐散列；用户文件不存在时新建）。"""
    from xiaozhang.reports.serving.users import UsersError, add_user

    try:
        user = add_user(path, login, role, _ask_password(password), name=name, class_name=class_name)
    except UsersError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"已增加用户 {user.login}（{user.display}，{user.role}"
               f"{'，' + user.class_name if user.class_name else ''}）：{path}")


@users_group.command("passwd")
@click.argument("login")
@click.option("--password", default=None, help="新口令（不写则提示输入）")
@users_options
def passwd(login: str, password: str | None, path: Path) -> None:
    """设置（重设）一个用户的口令；已登录的会话随之失效。"""
    from xiaozhang.reports.serving.users import UsersError, set_password

    try:
        user = set_password(path, login, _ask_password(password))
    except UsersError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"已设置用户 {user.login} 的口令")


@users_group.command("list")
@users_options
def list_users(path: Path) -> None:
    """列出用户和角色（不显示口令）。"""
    from xiaozhang.reports.serving.users import UsersError, read_users

    try:
        users = read_users(path)
    except UsersError as error:
        raise click.ClickException(str(error)) from error
    if not users:
        click.echo(f"没有用户文件 {path}（xiaozhang serve 只在本机提供服务）")
    for user in users.values():
        click.echo(f"{user.login}\t{user.display}\t{user.role}\t{user.class_name}")


@click.command("history")
@click.argument("voucher")
@ledger_option
def history_command(voucher: str, ledger: str) -> None:
    """某张凭证（如 记-2026-10-012）的修改历史：谁、何时、改了什么。"""
    from xiaozhang.reports.audit import AuditError, history, uncommitted

    try:
        changes = history(ledger, voucher)
    except AuditError as error:
        raise click.ClickException(str(error)) from error
    if not changes:
        click.echo(f"修改历史中没有凭证 {voucher}。")
    for change in changes:
        click.echo(f"{change.date}  {change.author}  {change.subject}  [{change.commit[:10]}]")
        for line in change.diff:
            click.echo(f"    {line}")
    waiting = uncommitted(ledger)
    if waiting:
        click.echo(f"注意：有 {len(waiting)} 个文件的修改不是通过网页保存的，尚未记入历史："
                   f"{'、'.join(waiting)}", err=True)


@click.command("publish")
@click.option("--out", required=True, type=click.Path(file_okay=False), help="输出目录")
@ledger_option
@click.option("--roster", default=None, type=click.Path(dir_okay=False),
              help="学生名册（默认：学校信息中的 roster，否则账本目录下的 students.csv）")
def publish_command(out: str, ledger: str, roster: str | None) -> None:
    """生成给家长看的公示网站：学校和班级收费公示、伙食费收支公示，按月份、学期和班级索引。"""
    from xiaozhang.commands import load_ledger
    from xiaozhang.reports import publish
    from xiaozhang.reports.disclosure import school_roster
    from xiaozhang.roster import RosterError

    loaded = load_ledger(ledger)
    try:
        students = school_roster(loaded.entries, ledger, roster)
    except RosterError as error:
        raise click.ClickException(str(error)) from error
    site = publish.publish(loaded.entries, loaded.options_map, students, Path(out), ledger=ledger)
    click.echo(f"已生成公示网站：{len(site.pages)} 个页面，{site.months} 个月，{site.classes} 个班级，"
               f"写入 {out}（打开 {Path(out) / 'index.html'}）")
