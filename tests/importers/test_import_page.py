"""Fava's Import page on a copy of the bundled school (issue 13): a statement is extracted and
saved through Fava's own API, the entries land in the month files of their dates, the ledger
stays clean, a second import adds nothing, and a closing balance that disagrees with the
ledger is said in Chinese (page and CLI)."""

import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from beancount import loader
from fava.application import create_app

import xiaozhang.importers
from xiaozhang.chart import BANK_BASIC

ROOT = Path(__file__).resolve().parents[2]
CONFIG = Path(xiaozhang.importers.__file__).with_name("fava_import.py")
XIAOZHANG = str(Path(sys.executable).parent / "xiaozhang")
ACCOUNT_NUMBER = "1202020109900012345"  # 100201基本户's bank_account in the example chart
HEADER = "凭证号,对方账号,交易时间,借贷标志,对方单位,对方行号,用途,摘要,附言,回单个性化信息,余额,转出金额,转入金额,本方账号"


def copy_school(tmp_path: Path) -> Path:
    """A copy of ledger/ (without Beancount's cache) whose Import page reads `inbox/`."""
    folder = tmp_path / "ledger"
    shutil.copytree(ROOT / "ledger", folder, ignore=shutil.ignore_patterns(".*picklecache", "output"))
    main = folder / "main.beancount"
    text = main.read_text(encoding="utf-8")
    text = text.replace('"../importers/fava_import.py"', f'"{CONFIG}"').replace('"../imports"', '"inbox"')
    assert f'"{CONFIG}"' in text and '"inbox"' in text
    main.write_text(text, encoding="utf-8")
    (folder / "inbox").mkdir()
    return main


def basic_balance(main: Path) -> Decimal:
    entries, _errors, _options = loader.load_file(str(main))
    return sum((p.units.number for e in entries for p in getattr(e, "postings", ()) if p.account == BANK_BASIC),
               Decimal(0))


def statement(path: Path, opening: Decimal, rows, closing_error: Decimal = Decimal(0)) -> Path:
    """An ICBC 历史明细 file (GBK) of interest credits (day, amount) after `opening`; the last
    balance is off by `closing_error`."""
    lines = ["[HISTORYDETAIL]", HEADER]
    balance = opening
    for number, (day, amount) in enumerate(rows):
        balance += amount
        shown = balance + (closing_error if number == len(rows) - 1 else 0)
        lines.append(f',,{day} 00:00:00,贷,,,,结息,,,"{shown:,.2f}",,{amount:.2f},{ACCOUNT_NUMBER}')
    path.write_bytes(("\n".join(lines) + "\n").encode("gbk"))
    return path


def page(main: Path):
    app = create_app([str(main)], load=True)
    slug = app.config["LEDGERS"].first_slug()
    return app.test_client(), slug, app.config["LEDGERS"][slug]


def extract(client, slug, path: Path, importer="中国工商银行"):
    response = client.get(f"/{slug}/api/extract", query_string={"filename": str(path), "importer": importer})
    assert response.status_code == 200, response.json
    return response.json["data"]


def save(client, slug, entries):
    chosen = [e for e in entries if not e["meta"].get("__duplicate__")]  # what the page sends
    if chosen:
        response = client.put(f"/{slug}/api/add_entries", json={"entries": chosen})
        assert response.status_code == 200, response.json
    return chosen


def check(main: Path) -> subprocess.CompletedProcess:
    return subprocess.run([XIAOZHANG, "check", str(main)], capture_output=True, text=True)


@pytest.fixture(scope="module")
def school(tmp_path_factory):
    main = copy_school(tmp_path_factory.mktemp("school"))
    return main, basic_balance(main)


def test_saved_entries_land_in_their_month_files_and_nothing_twice(school):
    main, opening = school
    folder = main.parent
    before = {p: p.read_text(encoding="utf-8") for p in [main, folder / "2026" / "10.beancount"]}
    assert not (folder / "2026" / "11.beancount").exists()
    inbox_file = statement(folder / "inbox" / "icbc-2026-10.csv", opening,
                           [("2026-10-21", Decimal("100.00")), ("2026-11-05", Decimal("200.00"))])
    client, slug, _ledger = page(main)

    listed = {Path(f["name"]).name: f["importers"] for f in client.get(f"/{slug}/api/imports").json["data"]}
    assert [(i["importer_name"], i["account"]) for i in listed["icbc-2026-10.csv"]] == [("中国工商银行", BANK_BASIC)]

    entries = extract(client, slug, inbox_file)
    assert [e["t"] for e in entries] == ["Transaction", "Transaction", "Balance"]  # no note: balance agrees
    assert len(save(client, slug, entries)) == 3

    october = (folder / "2026" / "10.beancount").read_text(encoding="utf-8")
    november = (folder / "2026" / "11.beancount").read_text(encoding="utf-8")
    assert october.startswith(before[folder / "2026" / "10.beancount"].rstrip("\n"))
    assert october.count("2026-10-21 * \"结息\"") == 1 and "2026-11-05" not in october
    assert november.startswith("; 2026年11月\n")  # created by the import, included by main's year glob
    assert "2026-11-05 * \"结息\"" in november and "2026-11-06 balance Assets:1002银行存款:100201基本户" in november
    assert main.read_text(encoding="utf-8") == before[main]  # nothing appended to main.beancount

    checked = check(main)
    assert checked.returncode == 0, checked.stdout + checked.stderr

    again = extract(client, slug, inbox_file)  # the same statement once more
    assert [e["t"] for e in again] == ["Transaction", "Transaction", "Balance"]
    assert all(e["meta"].get("__duplicate__") for e in again)
    assert save(client, slug, again) == []
    assert (folder / "2026" / "11.beancount").read_text(encoding="utf-8") == november


def test_a_closing_balance_that_disagrees_is_said_in_chinese(school, tmp_path):
    main, _opening = school
    opening = basic_balance(main)
    wrong = statement(main.parent / "inbox" / "icbc-wrong.csv", opening, [("2026-11-07", Decimal("10.00"))],
                      closing_error=Decimal("50.00"))
    client, slug, _ledger = page(main)
    entries = extract(client, slug, wrong)
    notes = [e for e in entries if e["t"] == "Note"]
    assert len(notes) == 1 and notes[0]["meta"]["__duplicate__"]
    assert notes[0]["comment"].startswith("余额核对不符：Assets:1002银行存款:100201基本户 对账单 2026-11-07 日终余额")
    assert "对账单比账本多 50.00" in notes[0]["comment"]
    errors = client.get(f"/{slug}/api/errors").json["data"]
    assert any("余额核对不符" in e["message"] for e in errors)

    cli = subprocess.run([XIAOZHANG, "import", "extract", str(wrong), "--ledger", str(main)],
                         capture_output=True, text=True)
    assert cli.returncode == 0, cli.stderr
    assert f"注意：{wrong}: 余额核对不符：" in cli.stderr and "对账单比账本多 50.00" in cli.stderr


def test_fava_inserts_each_entry_into_its_month_file(tmp_path):
    """The mechanism alone: with the month files' options, Fava's own `insert_entries` writes
    each entry at the end of its month's file (one without a final line break is mended)."""
    import datetime as dt

    from beancount.core import amount, data
    from fava.core import FavaLedger

    from xiaozhang.importers.fava_page import install_month_options

    (tmp_path / "2026").mkdir()
    (tmp_path / "2026" / "09.beancount").write_text('2026-01-01 open Assets:Cash\n2026-01-01 open Income:Gift\n',
                                                    encoding="utf-8")
    (tmp_path / "2026" / "10.beancount").write_text("; 2026年10月", encoding="utf-8")  # no final line break
    main = tmp_path / "main.beancount"
    main.write_text('option "operating_currency" "CNY"\ninclude "2026/*.beancount"\n', encoding="utf-8")
    ledger = FavaLedger(str(main))
    install_month_options(ledger)

    def gift(day):
        postings = [data.Posting("Assets:Cash", amount.Amount(Decimal(1), "CNY"), None, None, None, None),
                    data.Posting("Income:Gift", amount.Amount(Decimal(-1), "CNY"), None, None, None, None)]
        return data.Transaction({"filename": "<x>", "lineno": 0}, day, "*", None, f"礼 {day}", frozenset(),
                                frozenset(), postings)

    ledger.file.insert_entries([gift(dt.date(2026, 10, 1)), gift(dt.date(2026, 9, 30)), gift(dt.date(2026, 10, 31))])
    september = (tmp_path / "2026" / "09.beancount").read_text(encoding="utf-8")
    october = (tmp_path / "2026" / "10.beancount").read_text(encoding="utf-8")
    assert "礼 2026-09-30" in september and "礼 2026-10" not in september
    assert october.startswith("; 2026年10月\n")
    assert october.index("礼 2026-10-01") < october.index("礼 2026-10-31")
    assert main.read_text(encoding="utf-8").count("礼") == 0
    assert FavaLedger(str(main)).load_errors == []
