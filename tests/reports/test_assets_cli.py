"""`xiaozhang assets report …` and `xiaozhang assets stocktake` on tests/fixtures/assets.beancount.

The count file tests/fixtures/assets-count.csv (2025-12-31) has, against the register: the
camera not found (盘亏), a screen without a card and the scrapped projector still in the room
(盘盈), the books with another custodian (位置变动), 48 of 50 desks and the computers idle (不符).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from beancount import loader
from click.testing import CliRunner

from xiaozhang.cli import main
from xiaozhang.model.books import SchoolBooks

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "assets.beancount"
COUNT = ROOT / "tests" / "fixtures" / "assets-count.csv"


def run(*args):
    return CliRunner().invoke(main, ["assets", *args, "--ledger", str(FIXTURE)])


def test_register_of_one_classroom_in_every_format(tmp_path):
    result = run("report", "register", "--location", "一(1)班教室", "--date", "2025-06-30",
                 "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [f"资产卡片清单-一(1)班教室.{ext}" for ext in ("html", "pdf", "png", "xlsx")]
    html = (tmp_path / "资产卡片清单-一(1)班教室.html").read_text(encoding="utf-8")
    assert "多媒体投影机" in html and "保管人（班主任）" in html and "账卡相符" in html


def test_register_for_each_location(tmp_path):
    result = run("report", "register", "--each", "location", "--format", "xlsx",
                 "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert sorted(p.stem for p in tmp_path.iterdir()) == sorted(
        f"资产卡片清单-{place}" for place in ("校园北区", "一(1)班教室", "图书室",
                                               "综合楼三楼计算机教室", "行政楼宣传室"))


def test_register_of_an_unknown_place_says_which_exist(tmp_path):
    result = run("report", "register", "--location", "二(9)班教室", "--out", str(tmp_path))
    assert result.exit_code != 0
    assert "存放地点：二(9)班教室 没有资产" in result.output and "校园北区" in result.output


def test_depreciation_and_changes_reports(tmp_path):
    for kind, stem in (("depreciation", "折旧计提表-2025"), ("changes", "固定资产增减变动表-2025")):
        result = run("report", kind, "--year", "2025", "--format", "html", "--out", str(tmp_path))
        assert result.exit_code == 0, result.output
        html = (tmp_path / f"{stem}.html").read_text(encoding="utf-8")
        assert "账卡相符" in html
    assert "33,194.33" in (tmp_path / "折旧计提表-2025.html").read_text(encoding="utf-8")
    assert "1,291,000.00" in (tmp_path / "固定资产增减变动表-2025.html").read_text(encoding="utf-8")


def test_stocktake_reports_every_difference_and_writes_proposals(tmp_path):
    count = tmp_path / "盘点表.csv"
    shutil.copy(COUNT, count)
    result = run("stocktake", str(count))
    assert result.exit_code == 1, result.output
    out = result.output
    assert "盘亏 1 项\n  ZC20250002 数码相机：账上在 行政楼宣传室（孙强），未盘到" in out
    assert f"{count}:6: （无编号） 投影幕布：没有资产编号" in out
    assert f"{count}:7: ZC20250003 多媒体投影机：资产 ZC20250003 已于 2025-11-20 处置" in out
    assert f"{count}:4: ZC20180001 馆藏图书：使用人：账上 马丽，实物 吴晓燕" in out
    assert f"{count}:3: ZC20200001 学生课桌椅：数量：卡片 50，实盘 48" in out
    assert f"{count}:5: ZC20250001 学生计算机：状态：账上 在用，实物 闲置" in out
    proposals = tmp_path / "盘点表-调整建议.beancount"
    text = proposals.read_text(encoding="utf-8")
    # 盘亏: the camera, April..November (same-month: not December) = 8 x 83.33 = 666.64
    assert ("  Assets:1601固定资产:160102通用设备  -6000.00 CNY\n"
            "  Assets:1602固定资产累计折旧:160202通用设备  666.64 CNY\n"
            "  Assets:1902待处理财产损溢  5333.36 CNY\n") in text
    assert '2025-12-31 ! "盘盈：投影幕布"' in text and "Assets:1902待处理财产损溢  -1200.00 CNY" in text
    assert 'custom "asset-transfer" "ZC20180001"\n  custodian: "吴晓燕"' in text
    assert 'custom "asset-transfer" "ZC20250001"\n  status: "闲置"' in text
    # reviewed and moved into the books, the proposals load clean and do what they say
    entries, errors, _ = loader.load_string(FIXTURE.read_text(encoding="utf-8") + "\n" + text)
    assert errors == []
    register = SchoolBooks.of(entries).assets
    assert register.cards["ZC20250002"].disposal.kind == "盘亏"
    assert register.cards["PY20251231001"].source_kind == "盘盈"
    assert register.cards["ZC20180001"].transfers[-1].changes == {"custodian": "吴晓燕"}


def test_stocktake_never_writes_into_the_ledger(tmp_path):
    ledger = tmp_path / "main.beancount"
    shutil.copy(FIXTURE, ledger)
    (tmp_path / "adjust.beancount").write_text("", encoding="utf-8")
    with ledger.open("a", encoding="utf-8") as handle:
        handle.write('\ninclude "adjust.beancount"\n')
    before = (tmp_path / "adjust.beancount").read_text(encoding="utf-8")
    result = CliRunner().invoke(main, ["assets", "stocktake", str(COUNT), "--ledger", str(ledger),
                                       "--out", str(tmp_path / "adjust.beancount")])
    assert result.exit_code != 0
    assert "是账本的一部分" in result.output
    assert (tmp_path / "adjust.beancount").read_text(encoding="utf-8") == before


def test_stocktake_with_everything_found_is_clean(tmp_path):
    count = tmp_path / "count.csv"
    count.write_text("\n".join([
        "资产编号,存放地点,使用人,状态",
        "ZC20150001,校园北区,李明华,在用",
        "ZC20200001,一(1)班教室,周晓梅,在用",
        "ZC20180001,图书室,马丽,在用",
        "ZC20250001,综合楼三楼计算机教室,张伟,在用",
        "ZC20250002,行政楼宣传室,孙强,在用",
    ]) + "\n", encoding="gb18030")  # a count typed in Chinese Excel: GBK
    result = run("stocktake", str(count))
    assert result.exit_code == 0, result.output
    assert "账实相符" in result.output
    assert not (tmp_path / "count-调整建议.beancount").exists()


def test_bad_count_files_name_the_file_and_row(tmp_path):
    no_header = tmp_path / "a.csv"
    no_header.write_text("编号,地方\nZC20150001,校园北区\n", encoding="utf-8")
    result = run("stocktake", str(no_header))
    assert result.exit_code != 0 and f"{no_header}: 找不到表头" in result.output
    twice = tmp_path / "b.csv"
    twice.write_text("资产编号,存放地点,使用人,状态\nZC20150001,校园北区,李明华,在用\n"
                     "ZC20150001,校园北区,李明华,在用\n", encoding="utf-8")
    result = run("stocktake", str(twice))
    assert result.exit_code != 0
    assert f"{twice}:3: 资产编号 ZC20150001 在第 2 行已经盘点过" in result.output
    nameless = tmp_path / "c.csv"
    nameless.write_text("资产编号,存放地点,使用人,状态\n,校园北区,李明华,在用\n", encoding="utf-8")
    result = run("stocktake", str(nameless))
    assert f"{nameless}:2: 没有资产编号的实物（盘盈）须写名称" in result.output
