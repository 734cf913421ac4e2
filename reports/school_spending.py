"""中小学校事业支出明细表 (补充规定 附表1), a table of the notes (附注).

“中小学校应当在财务报表附注中按照本规定附表1的格式披露事业支出的基本情况”(补充规定 二(二)); “中小学
校对‘事业支出’科目的明细核算除了遵循新制度规定外，还应当参照本规定附表1”(一).

事业支出 is read as the paid spending of `reports/paid_spending.py` (`spending`: the cash basis
of 预算会计, dimensions of `xiaozhang.model.dimensions`; the canteen's own books left out: the
canteen's budget is netted into 食堂净预算收入, 补充规定 三).

Rows: the lines of 附表1 (`ROWS`), grouped by 类 (工资福利支出, 商品和服务支出, 对个人和家庭补助支出,
资本性支出).  A posting goes to the line
1. named by a component of its account (a school that keeps 附表1's detail as sub-accounts, e.g.
   `…:30209物业管理费:学校安保费`, or `…:30218专用材料费:实验耗材费`), else
2. of its 经济分类 款 code (`BY_CODE`, e.g. 30209 → 其他物业管理费, 30218 → 其他材料费), else
3. the 类's 其他 line;
and, under 医疗费补助 and 助学金, to the 其中 row (`DETAILS`: 学生医疗费 / 教职工医疗费; 助学金 / 奖学金 /
书本费 / 伙食补贴 / 学生校外践习津贴) named by a component of its account below the line's
(`…:30308助学金:奖学金`), shown under its line and not added into the totals.
Columns: 合计, and for each 资金来源 (同级财政拨款, 事业收入, 非同级财政拨款, 其他资金) 小计, 基本支出,
项目支出.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from xiaozhang.model import dimensions
from xiaozhang.reports.paid_spending import Spending, spending
from xiaozhang.reports.statements import Period

ZERO = Decimal(0)

# (类 code, 类 line, lines); a line is (name, economic codes that default to it)
ROWS: tuple[tuple[str, str, tuple[tuple[str, tuple[str, ...]], ...]], ...] = (
    ("301", "一、工资福利支出", (
        ("基本工资", ("30101",)), ("津贴补贴", ("30102",)), ("奖金", ("30103",)), ("伙食补助费", ("30106",)),
        ("绩效工资", ("30107",)), ("基本养老保险缴费", ("30108",)), ("职业年金缴费", ("30109",)),
        ("基本医疗保险缴费", ("30110", "30111")), ("其他社会保障缴费", ("30112",)), ("住房公积金", ("30113",)),
        ("医疗费", ("30114",)), ("外聘教职工工资", ()), ("外聘教职工社会保障缴费", ()),
        ("其他工资福利支出", ("30199",)))),
    ("302", "二、商品和服务支出", (
        ("办公费", ("30201",)), ("印刷费", ("30202",)), ("咨询费", ("30203",)), ("手续费", ("30204",)),
        ("水费", ("30205",)), ("电费", ("30206",)), ("邮电费", ("30207",)), ("取暖费", ("30208",)),
        ("学校安保费", ()), ("校园保洁费", ()), ("校园绿化费", ()), ("其他物业管理费", ("30209",)),
        ("市内差旅费", ()), ("国内差旅费", ("30211",)), ("教师出国(境)培训费", ()),
        ("其他教职工出国(境)培训费", ()), ("教职工出国(境)考察费", ("30212",)), ("仪器设备维修(护)费", ()),
        ("信息系统维修(护)费", ()), ("房屋建筑物维修(护)费", ()), ("其他维修(护)费", ("30213",)),
        ("租赁费", ("30214",)), ("会议费", ("30215",)), ("教师培训费", ("30216",)), ("其他培训费", ()),
        ("公务接待费", ("30217",)), ("实验耗材费", ()), ("体育耗材费", ()), ("其他材料费", ("30218",)),
        ("劳务费", ("30226",)), ("委托业务费", ("30227",)), ("工会经费", ("30228",)), ("福利费", ("30229",)),
        ("校车运行维护费", ()), ("公务用车运行维护费", ("30231",)), ("其他交通费", ("30239",)),
        ("学生活动费", ()), ("学生出国(境)活动费", ()), ("教师工会和党团活动", ()),
        ("学校财产和责任保险费用", ()), ("税费和附加费", ("30240",)), ("财务及审计费", ()), ("诉讼费", ()),
        ("其他商品和服务支出", ("30299",)))),
    ("303", "三、对个人和家庭补助支出", (
        ("离休费", ("30301",)), ("退休费", ("30302",)), ("退职费", ("30303",)), ("抚恤金", ("30304",)),
        ("生活补助", ("30305",)), ("医疗费补助", ("30307",)), ("助学金", ("30308",)), ("奖励金", ("30309",)),
        ("其他对个人和家庭补助支出", ("30399",)))),
    ("310", "四、资本性支出", (
        ("房屋建筑物购建", ("31001",)), ("办公设备购置", ("31002",)), ("专用设备购置", ("31003",)),
        ("仪器设备大型修缮", ()), ("房屋建筑物大型修缮", ("31006",)), ("信息网络及软件购置更新", ("31007",)),
        ("文物和陈列品购置", ("31021",)), ("图书购置", ()), ("无形资产购置", ("31022",)),
        ("其他资本性支出", ("31099",)))),
)
# The 其中 rows 附表1 lists under two lines of 三、对个人和家庭补助支出 (the school-specific detail:
# 医疗费补助 “其中：(1)学生医疗费 (2)教职工医疗费”, 助学金 “其中：(1)助学金 (2)奖学金 (3)书本费
# (4)伙食补贴 (5)学生校外践习津贴”), each shown right below its line, not added into the totals.
DETAILS: dict[str, tuple[str, ...]] = {
    "医疗费补助": ("学生医疗费", "教职工医疗费"),
    "助学金": ("助学金", "奖学金", "书本费", "伙食补贴", "学生校外践习津贴"),
}


def detail_label(line: str, name: str) -> str:
    """The printed label of an 其中 row: `其中：(1)学生医疗费`, `(2)教职工医疗费` …"""
    number = DETAILS[line].index(name) + 1
    return ("其中：" if number == 1 else "") + f"({number}){name}"


DETAIL_LABELS = frozenset(detail_label(line, name) for line, names in DETAILS.items() for name in names)
BY_CODE = {code: name for _, _, lines in ROWS for name, codes in lines for code in codes}
LINE_NAMES = frozenset(name for _, _, lines in ROWS for name, _ in lines)
OTHER_LINE = {cls: lines[-1][0] for cls, _, lines in ROWS}
SOURCES = dimensions.FUNDING_SOURCES
COLUMNS = ("合计", *[f"{s}·{part}" for s in SOURCES for part in ("小计", "基本支出", "项目支出")])
BOOKS_NAME = "图书"  # 160105 图书档案 bought: 图书购置 (its economic code is 31099)


def line_of(item: Spending) -> str:
    """The 附表1 line of a paid posting (module docstring)."""
    for component in reversed(item.posting.account.split(":")[1:]):
        name = component.lstrip("0123456789")
        if name in LINE_NAMES:
            return name
    if item.economic == "31099" and BOOKS_NAME in item.posting.account:
        return "图书购置"
    return BY_CODE.get(item.economic) or OTHER_LINE.get(item.economic[:3], "其他商品和服务支出")


def detail_of(item: Spending, line: str) -> str | None:
    """The 其中 row (`DETAILS`) of a paid posting of `line`: a component of its account below the
    one naming the line (or carrying its economic code) that names the row, e.g.
    `…:30308助学金:奖学金` → 奖学金, `…:30307医疗费补助:学生医疗费` → 学生医疗费; `…:30308助学金`
    itself is in no 其中 row."""
    names = DETAILS.get(line)
    if names is None:
        return None
    components = [c.lstrip("0123456789") for c in item.posting.account.split(":")[1:]]
    raw = item.posting.account.split(":")[1:]
    start = next((i + 1 for i, (name, component) in enumerate(zip(components, raw))
                  if name == line or component.startswith(item.economic)), None)
    below = components[start:] if start is not None else [c for c in components if c != line]
    return next((name for name in reversed(below) if name in names), None)


@dataclass(frozen=True)
class SchoolSpending:
    period: Period
    rows: tuple[tuple[str, tuple[Decimal, ...], bool], ...]  # (line, values by COLUMNS, is a 类 line)
    total: tuple[Decimal, ...]
    details: frozenset[str] = frozenset()  # the 其中 rows (`DETAIL_LABELS`): parts of the line above

    def is_detail(self, label: str) -> bool:
        return label in self.details


def build_school_spending(entries: Sequence, options_map: dict, period: Period,
                          items: list[Spending] | None = None) -> SchoolSpending:
    cells: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO] * len(COLUMNS))
    for item in items if items is not None else spending(entries, options_map, period):
        line = line_of(item)
        detail = detail_of(item, line)
        base = 1 + 3 * SOURCES.index(item.source)
        for row in (cells[line], cells[detail_label(line, detail)]) if detail else (cells[line],):
            row[0] += item.amount
            row[base] += item.amount
            row[base + (2 if item.kind == dimensions.PROJECT else 1)] += item.amount
    rows = []
    total = [ZERO] * len(COLUMNS)
    for _cls, heading, lines in ROWS:
        group = [ZERO] * len(COLUMNS)
        detail = []
        for name, _codes in lines:
            values = cells.get(name, [ZERO] * len(COLUMNS))
            group = [a + b for a, b in zip(group, values)]
            detail.append((name, tuple(values), False))
            for part in DETAILS.get(name, ()):
                label = detail_label(name, part)
                detail.append((label, tuple(cells.get(label, [ZERO] * len(COLUMNS))), False))
        rows.append((heading, tuple(group), True))
        rows += detail
        total = [a + b for a, b in zip(total, group)]
    return SchoolSpending(period, tuple(rows), tuple(total), DETAIL_LABELS)
