"""xiaozhang.layout: the month file of a date, and making a month file part of a ledger safely
(the voucher page and Fava's Import page both write through it)."""

import datetime as dt

import pytest
from fava.core import FavaLedger

from xiaozhang import layout


def ledger_in(tmp_path, main_text: str, files: dict[str, str]) -> FavaLedger:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    main = tmp_path / "main.beancount"
    main.write_text(main_text, encoding="utf-8")
    return FavaLedger(str(main))


ACCOUNTS = '2026-01-01 open Assets:Cash CNY\n'


def test_the_month_file_of_a_date(tmp_path):
    main = str(tmp_path / "main.beancount")
    months = [str(tmp_path / "2026" / "10.beancount")]
    assert layout.month_layout(main, months)
    assert layout.target_file(main, months, dt.date(2027, 1, 5)) == tmp_path / "2027" / "01.beancount"
    assert layout.target_file(main, [main], dt.date(2026, 10, 30)) == tmp_path / "main.beancount"
    assert layout.month_of_file(tmp_path / "2026" / "10.beancount") == dt.date(2026, 10, 1)
    assert layout.month_of_file(tmp_path / "2026" / "13.beancount") is None
    assert layout.month_of_file(tmp_path / "accounts.beancount") is None
    assert layout.relative_name(main, str(tmp_path / "2026" / "10.beancount")) == "2026/10.beancount"


def test_a_new_month_of_a_year_glob_needs_no_include(tmp_path):
    ledger = ledger_in(tmp_path, 'include "2026/*.beancount"\n', {"2026/10.beancount": ACCOUNTS})
    main_before = (tmp_path / "main.beancount").read_text(encoding="utf-8")
    target = tmp_path / "2026" / "11.beancount"
    assert layout.prepare_month_file(ledger, target) is True
    assert target.read_text(encoding="utf-8") == "; 2026年11月\n"
    assert (tmp_path / "main.beancount").read_text(encoding="utf-8") == main_before
    assert layout.included(ledger, target)
    assert layout.prepare_month_file(ledger, target) is False  # already there: nothing written


def test_a_new_year_gets_its_include_in_the_ledgers_style(tmp_path):
    ledger = ledger_in(tmp_path, 'include "2026/*.beancount"\n', {"2026/12.beancount": ACCOUNTS})
    target = tmp_path / "2027" / "01.beancount"
    layout.prepare_month_file(ledger, target)
    assert 'include "2027/*.beancount"' in (tmp_path / "main.beancount").read_text(encoding="utf-8")
    assert layout.included(ledger, target) and ledger.load_errors == []


def test_files_listed_one_by_one_get_one_include_line(tmp_path):
    ledger = ledger_in(tmp_path, 'include "2026/10.beancount"\n', {"2026/10.beancount": ACCOUNTS})
    layout.prepare_month_file(ledger, tmp_path / "2026" / "11.beancount")
    assert (tmp_path / "main.beancount").read_text(encoding="utf-8") == (
        'include "2026/10.beancount"\ninclude "2026/11.beancount"\n')


def test_a_file_outside_the_ledger_is_never_written_over(tmp_path):
    ledger = ledger_in(tmp_path, 'include "2026/10.beancount"\n',
                       {"2026/10.beancount": ACCOUNTS, "2026/11.beancount": "; 别人的文件\n"})
    with pytest.raises(layout.LayoutRefused, match="2026/11.beancount 不在账本的 include 中"):
        layout.prepare_month_file(ledger, tmp_path / "2026" / "11.beancount")
    assert (tmp_path / "2026" / "11.beancount").read_text(encoding="utf-8") == "; 别人的文件\n"
