"""The 评判日期 (xiaozhang/model/asof.py, `books.as_of`): the command line, the ledger's pin,
today; and the problems of a doubly pinned ledger or a malformed command-line date."""

from __future__ import annotations

import datetime as dt

from beancount import loader

from xiaozhang.model.asof import ENV
from xiaozhang.model.books import SchoolBooks

PLUGIN = 'plugin "xiaozhang.plugins.policy"\n'
PROFILE = """\
2025-08-25 custom "school" "青禾市明德区实验小学"
  principal: "王建国"
  director: "李明华"
  accountant: "陈静"
  hotline: "0736-7215318"
  func: "2050202"
"""
PIN = '2026-10-31 custom "as-of" "评判日期"\n'


def books_of(text: str):
    entries, errors, options_map = loader.load_string(PLUGIN + PROFILE + text)
    return SchoolBooks.of(entries, options_map), errors


def test_default_is_today(monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    books, errors = books_of("")
    assert errors == []
    assert books.as_of == dt.date.today()
    assert books.as_of_source.label == "今天"


def test_the_ledger_pins_it(monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    books, errors = books_of(PIN)
    assert errors == []
    assert books.as_of == dt.date(2026, 10, 31)
    assert str(books.as_of_source) == "2026-10-31（账本指定）"


def test_the_command_line_overrides_the_pin(monkeypatch):
    monkeypatch.setenv(ENV, "2026-12-04")
    books, errors = books_of(PIN)
    assert errors == []
    assert books.as_of == dt.date(2026, 12, 4)
    assert books.as_of_source.label == "命令行指定"


def test_two_pins_are_an_error_and_the_first_is_used(monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    books, errors = books_of(PIN + '2026-11-30 custom "as-of" "评判日期"\n')
    assert [e.message[:6] for e in errors] == ["[PL04]"]
    assert "2026-10-31 和 2026-11-30" in errors[0].message
    assert errors[0].source["lineno"] == PLUGIN.count("\n") + PROFILE.count("\n") + 2
    assert books.as_of == dt.date(2026, 10, 31)


def test_a_malformed_command_line_date_is_an_error(monkeypatch):
    monkeypatch.setenv(ENV, "2026-13-01")
    books, errors = books_of(PIN)
    assert [e.message[:6] for e in errors] == ["[PL04]"]
    assert books.as_of == dt.date(2026, 10, 31)
