"""The asset register of the school model (xiaozhang.model.assets): built once per entries
list and shared by the rules, the generator and the reports; the schedule and card facts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from beancount import loader

from xiaozhang import chart
from xiaozhang.model import assets
from xiaozhang.model.asset_cards import (
    CATEGORIES,
    DISPOSALS,
    SOURCES,
    Schedule,
    is_depreciated,
    last_closed_month,
    minimum_life,
    straight_line,
)
from xiaozhang.model.books import SchoolBooks
from xiaozhang.model.periods import month_index
from xiaozhang.reports import asset_years
from xiaozhang.reports import assets as assets_report

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "assets.beancount"
PLUGIN_LINES = ('plugin "xiaozhang.plugins.policy"\nplugin "xiaozhang.plugins.assets"\n'
                'plugin "xiaozhang.plugins.depreciation"\n')


@pytest.fixture
def builds(monkeypatch):
    """The number of registers built (`xiaozhang.model.assets.build` calls)."""
    calls = []
    real = assets.build

    def counting(books):
        calls.append(books)
        return real(books)
    monkeypatch.setattr(assets, "build", counting)
    return calls


def test_one_register_per_load_shared_by_the_rules_and_the_generator(builds):
    text = FIXTURE.read_text(encoding="utf-8")
    assert PLUGIN_LINES in text
    entries, errors, options = loader.load_string(text)
    assert errors == []
    assert len(builds) == 1  # the assets plugin built it, the generator asked the same books
    one_line = text.replace(PLUGIN_LINES, 'plugin "xiaozhang.plugins.school"\n\n\n')
    loader.load_string(one_line)
    assert len(builds) == 2  # one more load, one more register
    # the reports over the loaded list (the rules' list plus the generated depreciation):
    # they share the register the rules built during that load (the books' twin)
    assets_report.build_register(entries, options)
    asset_years.build_depreciation(entries, options, 2025)
    asset_years.build_changes(entries, options, 2025)
    assets_report.recent_changes(entries, options)
    assert len(builds) == 2
    assert SchoolBooks.of(entries).twin is not None
    assert SchoolBooks.of(entries).assets is SchoolBooks.of(entries, options).assets


def test_the_register_reads_cards_disposals_and_transfers():
    entries, errors, options = loader.load_file(str(FIXTURE))
    assert errors == []
    register = SchoolBooks.of(entries, options).assets
    assert register.errors == []
    assert register.horizon == month_index(dt.date(2025, 12, 31))
    projector = register.cards["ZC20250003"]
    assert projector.disposal.kind == "报废" and not projector.in_books(projector.disposal.date)
    moved = [c for c in register.cards.values() if c.transfers]
    assert moved and all(c.state_on(c.transfers[-1].date) != c.state_on(c.date) for c in moved)
    assert register.usable(chart.DEPRECIATION_EXPENSE, month_index(dt.date(2025, 1, 1)))
    assert not register.usable("Assets:1602固定资产累计折旧:160299没有开设", 10**6)


def test_straight_line_and_the_schedule():
    # 52000.00 over 72 months: 722.22 for 71 months, the 72nd takes 722.38
    assert straight_line(5_200_000, 72) == (72222, 71, 72238)
    # rounding up would overshoot: 1.00 over 3 months = 0.33, 0.33, 0.34; 0.05 over 3 months
    # rounds to 0.02 a month and is used up after 2 months and a remainder of 0.01
    assert straight_line(100, 3) == (33, 2, 34)
    assert straight_line(5, 3) == (2, 2, 1)
    schedule = Schedule.straight_line(5_200_000, 72, first=100, stop=105)
    assert schedule.end == 105 and schedule.through(200) == 6 * 72222
    assert schedule.charge(99) == 0 and schedule.charge(105) == 72222 and schedule.charge(106) == 0
    assert schedule.window(90, 103) == (100, 103, -1, 72238)


def test_the_facts_of_the_categories_come_from_the_chart():
    assert CATEGORIES == tuple(name for _code, name in chart.ASSET_CATEGORIES)
    assert minimum_life("通用设备", "计算机设备") == 6
    assert not is_depreciated("图书档案", None) and not is_depreciated("房屋及构筑物", "土地")
    assert dict(SOURCES)["Equity:3001"] == "期初建账"
    assert DISPOSALS["报废"] == ("Expenses:5301", "5301 资产处置费用")
    assert DISPOSALS["盘亏"] == ("Assets:1902", "1902 待处理财产损溢")


def test_the_card_fund_follows_the_one_funding_source_rule():
    """Card.fund answers 财政拨款 exactly when `dimensions.funding_source` (the 附表1 column) says
    同级财政拨款, including a `fund` mark; bank money and a purchase on credit are 非财政拨款."""
    text = FIXTURE.read_text(encoding="utf-8")
    camera = '  Assets:1011零余额账户用款额度\n\n; 投影机'
    projector = '    procurement: "自行采购"\n  Assets:1011零余额账户用款额度\n\n2025-09-01'
    assert camera in text and projector in text
    text = text.replace(camera, '  Assets:1002银行存款:100201基本户\n\n; 投影机')
    text = text.replace(projector, '    procurement: "自行采购"\n  Liabilities:2302应付账款\n\n2025-09-01')
    text += "\n2014-01-01 open Liabilities:2302应付账款 CNY\n"
    entries, errors, options = loader.load_string(text)
    cards = SchoolBooks.of(entries, options).assets.cards
    assert (cards["ZC20250001"].fund, cards["ZC20250002"].fund, cards["ZC20250003"].fund) == (
        "财政拨款", "非财政拨款", "非财政拨款")
    marked = text.replace('"购数码相机"\n', '"购数码相机"\n  fund: "同级财政拨款"\n')
    entries, errors, options = loader.load_string(marked)
    assert SchoolBooks.of(entries, options).assets.cards["ZC20250002"].fund == "财政拨款"


def test_last_closed_month():
    assert last_closed_month(dt.date(2025, 9, 30)) == month_index(dt.date(2025, 9, 1))
    assert last_closed_month(dt.date(2025, 9, 29)) == month_index(dt.date(2025, 8, 1))
    assert last_closed_month(dt.date(2024, 2, 29)) == month_index(dt.date(2024, 2, 1))


@pytest.mark.parametrize("path", [FIXTURE, ROOT / "docs" / "examples" / "violations.beancount"])
def test_the_books_register_equals_a_register_read_alone(path):
    """The books' register reads only the transactions touching 1601/1602 (from the books'
    index); a register read alone walks every entry: the same cards,
    problems, opens and horizon."""
    entries, _errors, options = loader.load_file(str(path))
    entries = [e for e in entries if not (e.meta and assets.GENERATED in e.meta)]
    shared = SchoolBooks.of(entries, options).assets
    alone = assets.AssetRegister(entries)
    assert [e.message for e in shared.errors] == [e.message for e in alone.errors]
    assert [(e.source.get("filename"), e.source.get("lineno")) for e in shared.errors] == \
        [(e.source.get("filename"), e.source.get("lineno")) for e in alone.errors]
    assert list(shared.cards) == list(alone.cards)
    assert [(c.cost, c.first, c.stop, c.schedule, c.disposal, c.transfers)
            for c in shared.cards.values()] == \
        [(c.cost, c.first, c.stop, c.schedule, c.disposal, c.transfers) for c in alone.cards.values()]
    assert shared.opened == alone.opened and shared.horizon == alone.horizon
    assert shared.cards and (shared.errors or path == FIXTURE)


def test_the_life_table_school_lines_and_ranges():
    """补充规定附表2 where it has a line, the general table's range where it has not."""
    from xiaozhang.model.asset_cards import LIFE_RULES, life_rule

    assert life_rule("家具用具装具及动植物", "学生用家具").floor == 5
    assert life_rule("家具用具装具及动植物", "家具").floor == 15
    kitchen = life_rule("专用设备", "食品加工专用设备")
    assert (kitchen.school, kitchen.floor, kitchen.maximum) == (None, 10, 15)
    sports = life_rule("专用设备", "体育设备")
    assert (sports.school, sports.minimum, sports.maximum) == (5, 5, 10)
    assert life_rule("房屋及构筑物", "土地") is None and not is_depreciated("房屋及构筑物", "土地")
    assert minimum_life("家具用具装具及动植物", "学生用家具") == 5
    assert all(rule is None or rule.floor >= 1 for rows in LIFE_RULES.values() for rule in rows.values())


def test_a_schedule_with_a_later_segment_answers_for_every_month():
    """1000.00 a month from month 100 for 12 months, then a segment of 1200.00 from month 112."""
    first = Schedule.straight_line(7200000, 72, 100)
    second = Schedule(112, *straight_line(7200000, 60), first.through(111), None,
                      first._replace(stop=111))
    assert [s.first for s in second.segments()] == [100, 112]
    assert (second.charge(105), second.charge(111), second.charge(112)) == (100000, 100000, 120000)
    assert second.through(99) == 0 and second.through(111) == 1200000
    assert second.through(171) == 8400000 and second.charge(172) == 0


def test_uses_by_department_and_the_unit_borne_codes():
    from xiaozhang.model import uses

    depts = uses.parse_depts("办公室、总务处, 财务室")
    assert depts == {"办公室", "总务处", "财务室"}
    assert uses.parse_depts(None) == uses.parse_depts("默认") >= {"办公室", "总务处"}
    assert uses.use_of("总务处", depts) == uses.ADMIN and uses.use_of("教务处", depts) == uses.SERVICE
    assert uses.use_of(None, depts, "30228") == uses.ADMIN  # 工会经费: borne by the school
    assert uses.goods_services("30228", uses.ADMIN) == chart.admin_goods_services("30228")
    assert uses.depreciation_expense(uses.SERVICE) == chart.DEPRECIATION_EXPENSE
