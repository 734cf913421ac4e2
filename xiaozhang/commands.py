"""What every `xiaozhang` command shares: the `--ledger` option, loading, dates and months.

One style for all commands: each area keeps its click group in its own `*_cli.py` module
(`reports/cli.py`, `reports/canteen_cli.py`, `reports/assets_cli.py`, `importers/cli.py`) as
module-level `@click.group` / `@group.command` functions, takes the ledger with
`@ledger_option`, loads it with `load_ledger` and reads months and dates with `MONTH` and
`DATE`.  `xiaozhang/cli.py` finds the groups through its registry, never by importing them at
module top.  `xiaozhang check` and `xiaozhang serve` take the ledger as `bean-check` and
`fava` do, as their argument, and also as `--ledger` like every other command
(`ledger_argument`): one option, one default (`xiaozhang.io.DEFAULT_LEDGER`).
"""

from __future__ import annotations

import datetime as dt
import functools
import os

import click

from xiaozhang.io import DEFAULT_LEDGER, Loaded, load, problem_line
from xiaozhang.model.periods import Month, parse_month

ledger_option = click.option(
    "--ledger", default=DEFAULT_LEDGER, show_default=True,
    type=click.Path(exists=True, dir_okay=False), help="账本（主文件 main.beancount）")


def _default_when_present(ctx, param, value: str | None) -> str | None:
    if value is None and os.path.isfile(DEFAULT_LEDGER):
        return DEFAULT_LEDGER
    return value


def optional_ledger_option(purpose: str):
    """`--ledger` for a command that also runs without a ledger (the importers): the file given,
    else `DEFAULT_LEDGER` when it exists in the working directory, else None."""
    return click.option("--ledger", default=None, callback=_default_when_present,
                        type=click.Path(exists=True, dir_okay=False),
                        help=f"账本（{purpose}）；默认 {DEFAULT_LEDGER}（存在时）")


def ledger_argument(command):
    """`[LEDGER]` as an argument (as `bean-check` and `fava` take it) or `--ledger`, given to
    the command as one parameter `ledger`; neither given: `DEFAULT_LEDGER`."""
    path = click.Path(exists=True, dir_okay=False)

    @functools.wraps(command)
    def with_ledger(*args, ledger_file=None, ledger=None, **kwargs):
        if ledger_file and ledger and ledger_file != ledger:
            raise click.UsageError(f"账本指定了两次（{ledger_file} 和 --ledger {ledger}），只能指定一个")
        chosen = ledger_file or ledger
        if chosen is None:
            if not os.path.isfile(DEFAULT_LEDGER):
                raise click.UsageError(f"找不到账本 {DEFAULT_LEDGER}：请在学校账本的上一级目录运行，"
                                       "或写明账本（如 xiaozhang check 账本/main.beancount）")
            chosen = DEFAULT_LEDGER
        return command(*args, ledger=chosen, **kwargs)

    with_ledger = click.option("--ledger", default=None, type=path,
                               help=f"账本（主文件 main.beancount；默认 {DEFAULT_LEDGER}）")(with_ledger)
    return click.argument("ledger_file", required=False, metavar="[LEDGER]", type=path)(with_ledger)


class MonthType(click.ParamType):
    """A month written `2026-03`."""

    name = "YYYY-MM"

    def convert(self, value, param, ctx) -> Month:
        if isinstance(value, Month):
            return value
        month = parse_month(value)
        if month is None:
            self.fail(f"月份应写成 2026-03 的形式，实际为“{value}”", param, ctx)
        return month


class DateType(click.ParamType):
    """A day written `2026-01-08`."""

    name = "YYYY-MM-DD"

    def convert(self, value, param, ctx) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"日期应写成 2026-01-08 的形式，实际为“{value}”", param, ctx)


MONTH = MonthType()
DATE = DateType()


def _set_as_of(ctx, param, value: dt.date | None) -> dt.date | None:
    """`--as-of`: the 评判日期 for this command's loads, handed to the rules through the
    environment variable the books read once when they are built (`xiaozhang.model.asof`)."""
    if value is not None:
        from xiaozhang.model.asof import ENV

        os.environ[ENV] = value.isoformat()
    return value


as_of_option = click.option(
    "--as-of", "as_of", default=None, type=DATE, expose_value=False, is_eager=True,
    callback=_set_as_of,
    help="评判日期：各项期限按这一天判断（默认：账本的 custom \"as-of\"，没有则为今天）")


def load_ledger(path: str, *, list_problems: bool = False) -> Loaded:
    """Load the ledger for a report: problems do not stop the report, but are announced on
    stderr (each one with `list_problems`); warnings (e.g. a budget overrun under "warn") are
    not problems."""
    loaded = load(path)
    errors = loaded.errors
    if list_problems:
        for problem in errors:
            click.echo(problem_line(problem), err=True)
    if errors:
        click.echo(f"注意：账本有 {len(errors)} 个问题（运行 xiaozhang check {path} 查看），"
                   "报表照常生成，对外公示前请先处理。", err=True)
    return loaded
