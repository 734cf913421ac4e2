"""The 录入凭证 page in a real Fava application (Flask test client, no mocks): the form, its
endpoints, and saving through Fava's own file API into the month file of the date.

Each test that writes gets its own copy of the small ledger (test_voucher.make_ledger)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from beancount import loader
from test_fava_ext import fava_client, text_of
from test_voucher import MAIN, OCTOBER, OFFICE, QUOTA, SLUG, make_ledger, payment


def url(endpoint: str = "") -> str:
    return f"/{quote(SLUG)}/extension/Voucher/{endpoint}"


@pytest.fixture
def school(tmp_path):
    """A fresh ledger and a Fava client serving it."""
    main = make_ledger(tmp_path / "school")
    client, slug, ledger = fava_client(main)
    assert slug == SLUG and list(ledger.errors) == []
    return client, ledger, main


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """A ledger only read (GET and check) by the tests that use it."""
    main = make_ledger(tmp_path_factory.mktemp("voucher-read") / "school")
    client, _slug, ledger = fava_client(main)
    return client, ledger, main


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_text(encoding="utf-8").encode("utf-8")).hexdigest()


def clean(main: Path) -> list:
    """The ledger's problems after a fresh load (as `xiaozhang check` sees them)."""
    return loader.load_file(str(main))[1]


# -- the page -------------------------------------------------------------------------------
def test_page_shows_the_form_in_chinese_only(shared):
    client, _ledger, _main = shared
    response = client.get(url())
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    ours = page[page.index('<div class="xz-page xz-voucher"'):]
    ours = ours[:ours.index("</form>")]
    text = text_of(ours)
    for label in ("付款凭证", "收款凭证", "转账凭证", "日期", "凭证号", "对方单位", "摘要", "借方金额",
                  "贷方金额", "经办人", "验收人", "审核人", "审批人", "审批日期", "会议", "报价",
                  "采购方式", "合同", "发票", "附件数", "检查", "保存"):
        assert label in text, label
    assert re.findall(r"[A-Za-z]+", text) == []  # no English on the page
    placeholders = re.findall(r'placeholder="([^"]*)"', ours)
    assert placeholders and all(not re.search(r"[A-Za-z]", p) for p in placeholders)
    # the proposed number is today's month's next one; the metadata keys are the form's names
    assert re.search(r'id="xz-number" name="voucher" value="记-\d{4}-\d{2}-001"', ours)
    assert 'name="meta.approver"' in ours and 'name="meta.attachments"' in ours


def test_the_pages_script_is_served_by_the_extension(shared):
    client, _ledger, _main = shared
    response = client.get(f"/{quote(SLUG)}/extension_js_module/Voucher.js")
    assert response.status_code == 200
    script = response.get_data(as_text=True)
    assert "onExtensionPageLoad" in script and "http" not in script  # nothing fetched from outside


def test_account_search_endpoint(shared):
    client, _ledger, _main = shared
    found = client.get(url("accounts?q=" + quote("30201"))).get_json()
    # 办公费 of teaching (5001) and of 行政及后勤 (5101 单位管理费用), the former first
    assert found == [{"account": OFFICE, "code": "30201", "name": "办公费",
                      "path": "费用／业务活动费用／商品和服务费用／办公费"},
                     {"account": "Expenses:5101单位管理费用:510102商品和服务费用:30201办公费",
                      "code": "30201", "name": "办公费", "path": "费用／单位管理费用／商品和服务费用／办公费"}]
    assert client.get(url("accounts?q=" + quote("零余额"))).get_json()[0]["account"] == QUOTA


def test_number_endpoint(shared):
    client, _ledger, _main = shared
    assert client.get(url("number?date=2026-10-30")).get_json() == {"voucher": "记-2026-10-003"}
    assert client.get(url("number?date=2026-12-01")).get_json() == {"voucher": "记-2026-12-001"}


def test_check_shows_the_missing_approver_and_where_it_goes(shared):
    client, _ledger, main = shared
    answer = client.post(url("check"), json=payment()).get_json()
    assert answer["ok"] is False
    assert answer["problems"] == [{"field": "approver", "code": "AP01", "warning": False, "where": "",
                                   "message": "[AP01] 付款缺少审批人（一支笔审批，收支须有审批手续）"}]
    assert answer["file"] == "2026/10.beancount"
    assert answer["sha256"] == sha256(main.parent / "2026" / "10.beancount")
    assert answer["voucher"] == "记-2026-10-003"
    assert answer["text"].startswith('2026-10-30 * "明德区晨光文具店" "购打印纸"\n  voucher: "记-2026-10-003"\n')


def test_check_of_a_broken_form_lists_the_forms_problems(shared):
    client, _ledger, _main = shared
    answer = client.post(url("check"), json=payment(narration="", lines=[])).get_json()
    assert answer == {"ok": False, "text": "", "problems": [
        {"field": "narration", "message": "请填写摘要", "code": "", "warning": False, "where": ""},
        {"field": "lines", "message": "至少要有一行借方和一行贷方", "code": "", "warning": False,
         "where": ""}]}


# -- saving -----------------------------------------------------------------------------------
def test_save_refuses_a_draft_with_problems(school):
    client, _ledger, main = school
    answer = client.post(url("check"), json=payment()).get_json()
    saved = client.post(url("save"), json={"form": payment(), "sha256": answer["sha256"]}).get_json()
    assert saved["saved"] is False
    assert [p["field"] for p in saved["problems"]] == ["approver"]
    assert (main.parent / "2026" / "10.beancount").read_text(encoding="utf-8") == OCTOBER


def test_save_writes_into_the_month_file_and_offers_the_next_number(school):
    client, ledger, main = school
    form = payment(meta={"approver": "王建国"})
    answer = client.post(url("check"), json=form).get_json()
    assert answer["ok"] is True and answer["problems"] == []
    saved = client.post(url("save"), json={"form": form, "sha256": answer["sha256"]}).get_json()
    assert saved["saved"] is True and saved["problems"] == []
    assert (saved["voucher"], saved["file"], saved["next"]) == (
        "记-2026-10-003", "2026/10.beancount", "记-2026-10-004")
    october = (main.parent / "2026" / "10.beancount").read_text(encoding="utf-8")
    assert october == OCTOBER + "\n" + answer["text"]
    assert clean(main) == []
    # Fava reloaded: the entry is in its entries, and the page proposes the next number
    assert any(getattr(e, "meta", {}).get("voucher") == "记-2026-10-003" for e in ledger.all_entries)
    assert client.get(url("number?date=2026-10-31")).get_json() == {"voucher": "记-2026-10-004"}


def test_save_refuses_when_the_month_file_changed_since_the_check(school):
    client, _ledger, main = school
    form = payment(meta={"approver": "王建国"})
    answer = client.post(url("check"), json=form).get_json()
    october = main.parent / "2026" / "10.beancount"
    changed = OCTOBER + "\n; 会计刚刚在编辑器里加的注释\n"
    october.write_text(changed, encoding="utf-8")
    saved = client.post(url("save"), json={"form": form, "sha256": answer["sha256"]}).get_json()
    assert saved["saved"] is False
    assert saved["problems"] == [{"field": "form", "code": "", "warning": False, "where": "",
                                  "message": "2026/10.beancount 在检查之后被修改过（可能有人同时在记账），"
                                             "请重新检查后再保存"}]
    assert october.read_text(encoding="utf-8") == changed


def test_save_needs_a_check_first(school):
    client, _ledger, main = school
    saved = client.post(url("save"), json={"form": payment(meta={"approver": "王建国"})}).get_json()
    assert saved["saved"] is False
    assert [p["message"] for p in saved["problems"]] == ["请先检查，再保存"]
    assert (main.parent / "2026" / "10.beancount").read_text(encoding="utf-8") == OCTOBER


def test_save_into_a_new_year_creates_the_month_file_and_its_include(school):
    client, _ledger, main = school
    form = payment(date="2027-01-05", meta={"approver": "王建国", "approved": "2027-01-04"})
    answer = client.post(url("check"), json=form).get_json()
    assert (answer["ok"], answer["file"], answer["sha256"], answer["voucher"]) == (
        True, "2027/01.beancount", "", "记-2027-01-001")
    saved = client.post(url("save"), json={"form": form, "sha256": answer["sha256"]}).get_json()
    assert saved["saved"] is True and saved["next"] == "记-2027-01-002"
    january = (main.parent / "2027" / "01.beancount").read_text(encoding="utf-8")
    assert january == "; 2027年1月\n\n" + answer["text"]
    assert main.read_text(encoding="utf-8") == MAIN + 'include "2027/*.beancount"\n'
    assert clean(main) == []


def test_save_into_a_new_month_of_a_year_needs_no_include(school):
    client, _ledger, main = school
    form = payment(date="2026-11-03", meta={"approver": "王建国", "approved": "2026-11-02"})
    answer = client.post(url("check"), json=form).get_json()
    saved = client.post(url("save"), json={"form": form, "sha256": answer["sha256"]}).get_json()
    assert saved["saved"] is True and saved["file"] == "2026/11.beancount"
    assert (main.parent / "2026" / "11.beancount").read_text(encoding="utf-8") == "; 2026年11月\n\n" + answer["text"]
    assert main.read_text(encoding="utf-8") == MAIN
    assert clean(main) == []


def test_a_ledger_in_one_file_gets_the_voucher_in_that_file(tmp_path):
    folder = tmp_path / "one"
    make_ledger(folder)
    one = folder / "one.beancount"
    text = (folder / "main.beancount").read_text(encoding="utf-8").replace('include "2026/*.beancount"\n', "")
    one.write_text(text + "\n" + OCTOBER, encoding="utf-8")
    client, _slug, _ledger = fava_client(one)
    form = payment(meta={"approver": "王建国"})
    answer = client.post(url("check"), json=form).get_json()
    assert answer["file"] == "one.beancount"
    saved = client.post(url("save"), json={"form": form, "sha256": answer["sha256"]}).get_json()
    assert saved["saved"] is True
    assert one.read_text(encoding="utf-8") == text + "\n" + OCTOBER + "\n" + answer["text"]
    assert clean(one) == []
