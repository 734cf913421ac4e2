"""Fava's Import page with the project's import-config (real Fava test client, real files)."""

import shutil
from pathlib import Path

from fava.application import create_app

from importer_fixtures import BAD, FIXTURES
from test_import_cli import ICBC, make_ledger

import xiaozhang.importers
from xiaozhang.importers.fava_page import UNIDENTIFIED_NAME

CONFIG = Path(xiaozhang.importers.__file__).with_name("fava_import.py")


def app_for(tmp_path, already_booked: str | None = None):
    main = make_ledger(tmp_path)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(ICBC, inbox / "icbc.csv")
    shutil.copy(FIXTURES / "negative" / "unknown-bank.csv", inbox / "other.csv")
    text = main.read_text(encoding="utf-8")
    text += (f'2025-01-01 custom "fava-option" "import-config" "{CONFIG}"\n'
             f'2025-01-01 custom "fava-option" "import-dirs" "inbox"\n')
    if already_booked:
        (tmp_path / "imported.beancount").write_text(already_booked, encoding="utf-8")
    main.write_text(text, encoding="utf-8")
    app = create_app([str(main)], load=True)
    slug = app.config["LEDGERS"].first_slug()
    assert app.config["LEDGERS"][slug].errors == []
    return app.test_client(), slug, inbox


def test_import_page_lists_the_statement_with_its_importer(tmp_path):
    client, slug, inbox = app_for(tmp_path)
    assert client.get(f"/{slug}/import/").status_code == 200
    files = {Path(f["name"]).name: f["importers"] for f in client.get(f"/{slug}/api/imports").json["data"]}
    assert [i["importer_name"] for i in files["icbc.csv"]] == ["中国工商银行"]
    # a file none of ours takes is offered only to the one that says why (issue 13)
    assert [i["importer_name"] for i in files["other.csv"]] == [UNIDENTIFIED_NAME]


def test_an_unidentified_file_says_why_in_chinese(tmp_path):
    client, slug, inbox = app_for(tmp_path)
    (inbox / "scan.csv").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)  # a picture renamed .csv
    for name in ("other.csv", "scan.csv"):
        response = client.get(f"/{slug}/api/extract",
                              query_string={"filename": str(inbox / name), "importer": UNIDENTIFIED_NAME})
        assert response.status_code == 200, response.json
        [note] = response.json["data"]
        assert note["t"] == "Note" and note["meta"]["__duplicate__"] is True
        assert note["comment"].startswith("不能导入：")
        assert "Traceback" not in note["comment"]
    errors = client.get(f"/{slug}/api/errors").json["data"]
    assert any(e["source"]["filename"] == str(inbox / "scan.csv") for e in errors)


def test_extract_from_the_browser_uses_the_ledger_accounts_and_marks_duplicates(tmp_path):
    booked = ('2025-09-01 * "三(2)班学生家长" "已入账"\n'
              '  bank_ref: "Hc4b75d834c1eb08e"\n'
              '  Assets:1002银行存款:100201基本户  1200.00 CNY\n'
              '  Liabilities:2103应缴财政款:210301住宿费\n')
    client, slug, inbox = app_for(tmp_path, booked)
    response = client.get(f"/{slug}/api/extract",
                          query_string={"filename": str(inbox / "icbc.csv"), "importer": "中国工商银行"})
    assert response.status_code == 200, response.json
    entries = response.json["data"]
    transactions = [e for e in entries if e["t"] == "Transaction"]
    assert len(transactions) == 5
    assert {p["account"] for e in transactions for p in e["postings"]} >= {"Assets:1002银行存款:100201基本户"}
    duplicates = [e["meta"]["bank_ref"] for e in transactions if e["meta"].get("__duplicate__")]
    assert duplicates == ["Hc4b75d834c1eb08e"]


def test_the_import_page_shows_the_account_from_the_served_ledger(tmp_path):
    client, slug, _inbox = app_for(tmp_path)
    files = {Path(f["name"]).name: f["importers"] for f in client.get(f"/{slug}/api/imports").json["data"]}
    assert files["icbc.csv"][0]["account"] == "Assets:1002银行存款:100201基本户"


def test_the_ledgers_own_rules_and_layouts_are_used_in_the_browser(tmp_path):
    (tmp_path / "import-rules.toml").write_text(
        '[[rule]]\nname = "退款"\ncounterparty = "张三"\naccount = "2307"\n', encoding="utf-8")
    layouts = tmp_path / "import-layouts"
    layouts.mkdir()
    shutil.copy(FIXTURES / "generic" / "psbc.toml", layouts / "psbc.toml")
    client, slug, inbox = app_for(tmp_path)
    psbc = FIXTURES / "generic" / "psbc-2025-09.csv"
    shutil.copy(psbc, inbox / "psbc.csv")
    files = {Path(f["name"]).name: f["importers"] for f in client.get(f"/{slug}/api/imports").json["data"]}
    assert [i["importer_name"] for i in files["psbc.csv"]] == ["其他银行（通用格式）"]
    response = client.get(f"/{slug}/api/extract",
                          query_string={"filename": str(inbox / "icbc.csv"), "importer": "中国工商银行"})
    postings = [(e["payee"], p["account"]) for e in response.json["data"] if e["t"] == "Transaction"
                for p in e["postings"]]
    assert ("张三", "Liabilities:2307其他应付款") in postings
    # the school's rules replace the built-in ones: 供电 is no longer 30206电费
    assert not any("30206电费" in account for _payee, account in postings)


def test_a_file_with_bad_rows_shows_the_rows_in_the_browser(tmp_path):
    client, slug, inbox = app_for(tmp_path)
    shutil.copy(BAD / "icbc-malformed.csv", inbox / "bad.csv")
    response = client.get(f"/{slug}/api/extract",
                          query_string={"filename": str(inbox / "bad.csv"), "importer": "中国工商银行"})
    # no "HTTP 500 – Error calling method on importer: Traceback…": notes Fava shows, none to save
    assert response.status_code == 200, response.json
    notes = response.json["data"]
    assert {n["t"] for n in notes} == {"Note"} and all(n["meta"]["__duplicate__"] for n in notes)
    assert notes[0]["comment"].startswith("文件有 ")
    [row5] = [n for n in notes if n["meta"]["lineno"] == 5]
    assert row5["comment"].startswith("bad.csv:5: 金额“abc”不是数字")
    assert "bad.csv:5: 金额“abc”不是数字" in notes[0]["meta"]["__source__"]  # the first lists them all
    # and in Fava's error list (错误), with the statement's file and row
    errors = client.get(f"/{slug}/api/errors").json["data"]
    assert any(e["source"] == {"filename": str(inbox / "bad.csv"), "lineno": 5} and "金额“abc”不是数字" in e["message"]
               for e in errors)


def test_a_wrong_rules_file_is_explained_on_the_import_page(tmp_path):
    (tmp_path / "import-rules.toml").write_text('[[rule]]\ncounterparty = "供电"\naccount = "39999"\n',
                                                encoding="utf-8")
    client, slug, inbox = app_for(tmp_path)
    response = client.get(f"/{slug}/api/imports")
    assert response.status_code == 200, response.json  # no traceback: every file says what is wrong
    files = {Path(f["name"]).name: f["importers"] for f in response.json["data"]}
    assert [i["importer_name"] for i in files["icbc.csv"]] == [UNIDENTIFIED_NAME]
    extracted = client.get(f"/{slug}/api/extract",
                           query_string={"filename": str(inbox / "icbc.csv"), "importer": UNIDENTIFIED_NAME})
    [note] = extracted.json["data"]
    assert note["comment"].startswith("不能导入：导入配置有错误，所有文件都不能导入：")
    assert "第 1 条规则：科目“39999”在账本中找不到" in note["comment"]
