"""The example school's fixed assets (固定资产).

An asset base built up over the years before the books open, entered as opening balances
(期初建账: one entry per category, one card per posting, with the depreciation already taken);
then, in the books' period, the changes the generator does not make elsewhere: a projector
struck by lightning is scrapped (报废: net book value to 5301, scrap proceeds to 2103 and
remitted), a replacement bought, and two internal transfers (`custom "asset-transfer"`,
kept in their own file `assets.beancount`, the register of asset movements).
The purchases of each school year (computer room, whiteboards, desks, books) are written by
`xiaozhang.example.school.yearly_projects` with full cards.

Own `random.Random` (seeded from the config seed and "assets"), so that nothing here shifts
the other parts of the generated books.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from beancount.core.amount import Amount

from xiaozhang import chart
from xiaozhang.example.context import Example
from xiaozhang.example.dates import weekday_on_or_after
from xiaozhang.example.entries import HEADER, Txn
from xiaozhang.example.people import (
    ACCOUNTANT,
    CASHIER,
    DIRECTOR,
    GIVEN,
    GRADES,
    PRINCIPAL,
    SURNAMES,
    TEACHERS,
    person,
)
from xiaozhang.model.assets import Schedule
from xiaozhang.model.money import CENT, fen, from_fen
from xiaozhang.model.periods import month_index


@dataclass(frozen=True)
class Item:
    """One line of the asset base: bought `years_before` the books open, on month/day."""

    name: str
    category: str
    subcategory: str | None
    model: str
    years_before: int
    month: int
    day: int
    unit: str  # unit cost (元)
    quantity: int
    life: int | None
    location: str
    custodian: str  # a name, or a role key of `roles`
    dept: str
    per_room: bool = False  # one card per classroom (custodian: the 班主任)
    scales: bool = False  # quantity grows with the school's size


BUILDINGS, EQUIPMENT, SPECIAL, RELICS, BOOKS, FURNITURE = (name for _, name in chart.ASSET_CATEGORIES)

BASE: tuple[Item, ...] = (
    Item("教学楼", BUILDINGS, "钢筋混凝土结构房屋", "框架结构五层 6200㎡", 19, 8, 20, "6850000.00", 1,
         50, "校园北区", "director", "教务处"),
    Item("综合楼（计算机教室、实验室、图书室）", BUILDINGS, "钢筋混凝土结构房屋", "框架结构四层 3800㎡",
         11, 8, 15, "4260000.00", 1, 50, "校园东区", "director", "教务处"),
    Item("学生食堂", BUILDINGS, "砖混结构房屋", "砖混两层 1500㎡", 16, 7, 10, "1380000.00", 1, 30,
         "校园西区", "canteen_keeper", "食堂"),
    Item("学生宿舍楼", BUILDINGS, "砖混结构房屋", "砖混四层 2100㎡", 14, 8, 1, "1960000.00", 1, 30,
         "校园西区", "director", "德育处"),
    Item("围墙及校门", BUILDINGS, "构筑物", "砖砌围墙 860m、电动伸缩门", 19, 8, 20, "386000.00", 1, 8,
         "校园四周", "director", "总务处"),
    Item("塑胶运动场", BUILDINGS, "构筑物", "200米环形跑道及篮球场", 7, 7, 20, "1120000.00", 1, 8,
         "操场", "孙强", "体育组"),
    Item("学生计算机（第一计算机教室）", EQUIPMENT, "计算机设备", "联想启天M415", 9, 8, 28, "4200.00", 50,
         6, "综合楼三楼第一计算机教室", "张伟", "信息技术组", scales=True),
    Item("教师办公计算机", EQUIPMENT, "计算机设备", "联想扬天T4900", 6, 9, 10, "4680.00", 48, 6,
         "行政楼教师办公室", "director", "教务处", scales=True),
    Item("多媒体投影机", EQUIPMENT, "办公设备", "爱普生CB-X06", 4, 8, 25, "5380.00", 1, 6, "", "", "教务处",
         per_room=True),
    Item("数码复印机", EQUIPMENT, "办公设备", "理光MP 4055", 3, 3, 15, "18600.00", 2, 6,
         "教务处文印室", "周丽娟", "教务处"),
    Item("校园广播系统", EQUIPMENT, "广播电视电影设备", "ITC T-6700", 8, 8, 10, "68000.00", 1, 5,
         "行政楼广播室", "胡斌", "德育处"),
    Item("校园安防监控系统", EQUIPMENT, "通信设备", "海康威视 64路", 5, 7, 18, "156000.00", 1, 5,
         "行政楼监控室", "director", "总务处"),
    Item("食堂厨房设备（蒸饭柜、炒灶、消毒柜、冷藏柜）", SPECIAL, "食品加工专用设备", "成套", 6, 8, 20,
         "286000.00", 1, 10, "学生食堂后厨", "canteen_keeper", "食堂"),
    Item("篮球架", SPECIAL, "体育设备", "凹箱式移动篮球架", 7, 8, 8, "6800.00", 6, 5, "操场", "孙强",
         "体育组"),
    Item("科学实验室仪器", SPECIAL, "专用仪器仪表", "小学科学教学仪器（成套）", 5, 8, 26, "126000.00", 1, 5,
         "综合楼二楼科学实验室", "马丽", "科学组"),
    Item("钢琴", SPECIAL, "文艺设备", "珠江UP118", 8, 9, 12, "28000.00", 2, 5,
         "综合楼四楼音乐教室", "吴晓燕", "艺术组"),
    Item("校史陈列品", RELICS, None, "校史照片、奖牌、实物一批", 10, 9, 10, "36500.00", 1, None,
         "行政楼一楼校史室", "director", "办公室"),
    Item("馆藏图书", BOOKS, None, "各类图书（册）", 12, 9, 1, "24.80", 36800, None,
         "综合楼一楼图书室", "吴晓燕", "教务处", scales=True),
    Item("学生课桌椅", FURNITURE, "学生用家具", "升降式单人课桌椅（套）", 4, 8, 15, "360.00", 50, 5, "",
         "", "教务处", per_room=True),
    Item("教师办公桌椅", FURNITURE, "家具", "钢木1200×600（套）", 11, 8, 10, "1150.00", 80, 15,
         "行政楼教师办公室", "director", "教务处", scales=True),
    Item("图书室书架", FURNITURE, "家具", "钢制双面书架", 11, 8, 10, "1280.00", 40, 15,
         "综合楼一楼图书室", "吴晓燕", "教务处"),
    Item("食堂餐桌椅", FURNITURE, "家具", "不锈钢连体餐桌椅（8人）", 16, 7, 10, "1420.00", 150, 15,
         "学生食堂", "canteen_keeper", "食堂", scales=True),
    Item("宿舍床铺", FURNITURE, "家具", "钢制上下铺", 14, 8, 1, "860.00", 60, 15, "学生宿舍楼",
         "director", "德育处"),
    # 行政及后勤 (办公室): their depreciation goes to 5101 单位管理费用 (xiaozhang.model.uses)
    Item("行政办公计算机", EQUIPMENT, "计算机设备", "联想扬天M4000", 3, 9, 6, "5260.00", 6, 6,
         "行政楼校长室、办公室、财务室", "principal", "办公室"),
    Item("行政办公桌椅", FURNITURE, "家具", "实木1600×800（套）", 9, 8, 12, "2380.00", 8, 15,
         "行政楼校长室、办公室、财务室", "principal", "办公室"),
)
SUPPLIER = "青禾市智慧教育装备有限公司"
RECYCLER = "明德区再生资源回收站"
TREASURY_ACCOUNT = "青禾市明德区财政局非税收入汇缴专户"


class FixedAssets:
    """Writes the asset base and its changes into the generator's books."""

    def __init__(self, ex: Example) -> None:
        self.ex = ex
        self.rng = random.Random(f"{ex.config.seed}:assets")
        self.opened = ex.config.start - dt.timedelta(days=1)
        self.rooms = self._rooms()
        self.cards: dict[str, dict] = {}  # asset_id -> what the changes need to know
        self.transfer_lines: list[str] = []  # the `custom "asset-transfer"` directives
        self.invoice_seq = 0

    # -- helpers -------------------------------------------------------------------------
    def _rooms(self) -> list[tuple[str, str]]:
        """(classroom, 班主任) for every class; the head teachers are fictitious staff."""
        rooms = []
        for grade in GRADES:
            for klass in range(1, self.ex.config.classes_per_grade + 1):
                name = self.rng.choice(SURNAMES) + "".join(self.rng.choice(GIVEN) for _ in range(2))
                rooms.append((f"{grade}({klass})班教室", name))
        return rooms

    def _invoice(self, day: dt.date) -> str:
        self.invoice_seq += 1
        return f"{day.year % 100}{self.rng.randrange(10**6, 10**7)}{90000 + self.invoice_seq:011d}"

    # -- 期初建账 ------------------------------------------------------------------------
    def opening(self) -> None:
        """The asset base on the opening balance: one entry per category, a card per posting,
        the depreciation taken so far (same-month convention) credited to 1602."""
        scale = max(1, round(self.ex.config.students / 1200))
        cards: dict[str, list[tuple[int, list[tuple[str, object]]]]] = {}
        seq: dict[int, int] = {}
        for item in BASE:
            acquired = dt.date(self.opened.year - item.years_before, item.month, item.day)
            places = self.rooms if item.per_room else [(item.location, person(item.custodian))]
            quantity = item.quantity * (scale if item.scales else 1)
            for location, custodian in places:
                seq[acquired.year] = seq.get(acquired.year, 0) + 1
                asset_id = f"ZC{acquired.year}{seq[acquired.year]:04d}"
                unit = Decimal(item.unit) * Decimal(str(self.rng.uniform(0.97, 1.03))) \
                    if item.per_room else Decimal(item.unit)
                cost = fen(unit) * quantity
                meta: list[tuple[str, object]] = [
                    ("asset_id", asset_id), ("name", item.name), ("category", item.category)]
                if item.subcategory:
                    meta.append(("subcategory", item.subcategory))
                meta += [("model", item.model), ("quantity", quantity)]
                if item.life:
                    meta.append(("life", item.life))
                meta += [("location", location), ("custodian", custodian), ("dept", item.dept),
                         ("acquired", acquired)]
                taken = months = 0
                if item.life and item.subcategory not in ("土地", "动植物"):
                    total = item.life * 12
                    months = min(total, month_index(self.opened) - month_index(acquired) + 1)
                    taken = Schedule.straight_line(cost, total, month_index(acquired)).through(
                        month_index(acquired) + months - 1)
                    meta += [("depreciated", Amount(from_fen(taken), "CNY")),
                             ("depreciated_months", months)]
                cards.setdefault(item.category, []).append((cost, meta))
                self.cards[asset_id] = {"item": item, "cost": cost, "taken": taken, "months": months,
                                        "location": location, "custodian": custodian}
        for _code, category in chart.ASSET_CATEGORIES:
            if category not in cards:
                continue
            postings: list[tuple] = []
            taken_total = 0
            for cost, meta in cards[category]:
                postings.append((chart.fixed_asset_account(category), from_fen(cost), meta))
                taken_total += next((fen(v.number) for k, v in meta if k == "depreciated"), 0)
            if taken_total:
                postings.append((chart.depreciation_account(category), -from_fen(taken_total)))
            postings.append((chart.ACCUMULATED_SURPLUS, None))
            self.ex.books.add(Txn(self.opened, "*", None, f"期初建账：固定资产（{category}）",
                                  [("reviewer", ACCOUNTANT)], postings, numbered=False))

    # -- changes in the books' period ----------------------------------------------------
    def changes(self) -> None:
        self.scrap_and_replace_projector()
        self.transfers()

    def scrap_and_replace_projector(self) -> None:
        """A classroom projector struck by lightning: scrapped at net book value (5301), scrap
        sold for a little (2103, remitted within days), a new one bought for the room."""
        day = weekday_on_or_after(dt.date(2026, 5, 12))
        projectors = [asset_id for asset_id, card in self.cards.items()
                      if card["item"].name == "多媒体投影机"]
        asset_id = projectors[min(len(projectors) - 1, 2 * self.ex.config.classes_per_grade + 3)]
        card = self.cards[asset_id]
        item: Item = card["item"]
        total = item.life * 12
        schedule = Schedule.straight_line(card["cost"] - card["taken"], total - card["months"],
                                          month_index(self.opened) + 1, card["taken"],
                                          stop=month_index(day) - 1)  # same-month: not in May
        taken = schedule.through(month_index(day))
        book_value = card["cost"] - taken
        approved = day - dt.timedelta(days=3)
        postings = [(chart.fixed_asset_account(item.category), -from_fen(card["cost"])),
                    (chart.depreciation_account(item.category), from_fen(taken))]
        if book_value:
            postings.append((chart.ASSET_DISPOSAL_EXPENSE, from_fen(book_value)))
        self.ex.books.add(Txn(day, "*", None, f"报废{card['location']}多媒体投影机（雷击损坏，无修复价值）", [
            ("asset_id", asset_id), ("disposal", "报废"), ("handler", DIRECTOR),
            ("reviewer", ACCOUNTANT), ("approver", PRINCIPAL), ("approved", approved),
            ("attachments", 3),
        ], postings))
        scrap = Decimal("120.00")
        self.ex.books.add(Txn(day, "*", RECYCLER, "报废投影机残值变价收入（国有资产处置收入）", [
            ("handler", CASHIER), ("reviewer", ACCOUNTANT), ("item", "国有资产处置收入"),
            ("invoice", self._invoice(day)),
        ], [(chart.BANK_BASIC, scrap), (chart.DISPOSAL_PROCEEDS, -scrap)]))
        remit = day + dt.timedelta(days=3)
        self.ex.books.add(Txn(remit, "*", TREASURY_ACCOUNT, "上缴国有资产处置收入", [
            ("handler", CASHIER), ("reviewer", ACCOUNTANT), ("item", "国有资产处置收入"),
        ], [(chart.DISPOSAL_PROCEEDS, scrap), (chart.BANK_BASIC, -scrap)]))
        # the replacement
        buy = weekday_on_or_after(day + dt.timedelta(days=8))
        price = Decimal(self.rng.randrange(5480, 5880)).quantize(CENT)
        new_id = self.ex.next_asset(buy)
        meta = [("handler", DIRECTOR), ("inspector", f"{TEACHERS[2]},{card['custodian']}"),
                ("reviewer", ACCOUNTANT), ("approver", PRINCIPAL), ("approved", buy - dt.timedelta(days=4)),
                ("procurement", "询价"), ("quotes", 3), ("invoice", self._invoice(buy)),
                ("attachments", 4), ("asset_id", new_id), ("name", "多媒体投影机"),
                ("category", item.category), ("subcategory", item.subcategory),
                ("model", "爱普生CB-FH52"), ("quantity", 1), ("life", item.life),
                ("location", card["location"]), ("custodian", card["custodian"]), ("dept", item.dept),
                ("supplier", SUPPLIER)]
        self.ex.count_spending(buy, chart.fixed_asset_account(item.category), price, chart.ZERO_BALANCE)
        self.ex.books.add(Txn(buy, "*", SUPPLIER, f"购多媒体投影机（更换{card['location']}报废设备）", meta, [
            (chart.fixed_asset_account(item.category), price), (chart.ZERO_BALANCE, -price)]))

    def transfers(self) -> None:
        """Two internal transfers: the copiers move to the new print room under 总务处, and the
        newest computer room gets a new custodian when the IT teachers change."""
        copier = next(a for a, c in self.cards.items() if c["item"].name == "数码复印机")
        day = dt.date(2026, 2, 24)
        self.transfer_lines.append(
            f'{day} custom "asset-transfer" "{copier}"\n'
            f'  location: "行政楼一楼文印室"\n  dept: "总务处"\n  custodian: "{DIRECTOR}"\n'
            f'  note: "文印室搬迁，复印机改由总务处管理"\n')
        day = dt.date(2026, 9, 1)
        rooms = [asset for bought, asset in self.ex.computer_rooms if bought < day]
        if rooms:
            self.transfer_lines.append(
                f'{day} custom "asset-transfer" "{rooms[-1]}"\n'
                f'  custodian: "{TEACHERS[5]}"\n  note: "信息技术教师调整"\n')

    def transfers_file(self) -> str:
        """`assets.beancount`: the internal transfers, in date order (the cards themselves are
        on the acquisition entries in the month files)."""
        return (HEADER + "; 固定资产内部转移登记（存放地点、使用人、使用部门、状态的变动）\n"
                "; 资产卡片写在购置（或期初建账）的分录上；折旧由插件按月生成。\n\n"
                + "\n".join(self.transfer_lines))
