"""Deterministic generator of the example school's books (示例学校账本).

`xiaozhang example --out DIR` writes exactly the committed `ledger/`: a public primary school
of about 1,200 students (6 grades x 4 classes) with a canteen, from 2025-09-01 through
2026-10-31 (one school year plus the current term).  `--students N --years Y` makes
benchmark-scale ledgers with the same kinds of entries: Y school years ending with the
current term, about N students (classes of about 50).

Every kind of entry of DOMAIN.md §3.3 is here: 授权支付额度 and 财政直接支付 payroll, 住宿费
collected to 2103 and remitted to the 财政专户 (and returned as 事业收入), 代收费 (作业本费,
教辅资料费) per student, paid to the supplier and refunded at term end, utilities, repairs,
purchases with full approval metadata (one 政府采购 and one 三重一大 case), fixed-asset purchases
with asset cards, 门面租金, bank interest, petty cash, the canteen, and a few pending entries.

Determinism: one `random.Random(seed)`, events generated in a fixed order, files written
sorted.  Balances of every money account are tracked so that no account goes negative, at
any scale.  Nothing here reads the clock.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import unicodedata
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from pathlib import Path

from beancount.core.amount import Amount

from xiaozhang import chart
from xiaozhang.chart import (
    ACCOMMODATION_FEE,
    AFTER_SCHOOL_INCOME,
    BANK_BASIC,
    BANK_CANTEEN,
    BANK_COLLECTION,
    CANTEEN_COST,
    CASH,
    FISCAL_INCOME_BASIC,
    FISCAL_INCOME_PROJECT,
    INTEREST_INCOME,
    MEAL_CARDS,
    MEAL_INCOME,
    OPERATING_INCOME_REFUND,
    PAYROLL,
    RECEIVABLE_QUOTA,
    RENT_INCOME,
    ZERO_BALANCE,
)

CENT = Decimal("0.01")
END = dt.date(2026, 10, 31)  # the last day of the books: the current term so far
FIRST_SCHOOL_YEAR = 2025  # the default ledger starts with school year 2025-2026

SCHOOL = {
    "name": "青禾市明德区实验小学",
    "principal": "王建国",
    "director": "李明华",
    "accountant": "陈静",
    "cashier": "赵敏",
    "canteen_keeper": "黄海燕",
    "hotline": "0736-7215318",
    "func": "2050202",
    "func_name": "小学教育",
}
PRINCIPAL = SCHOOL["principal"]
DIRECTOR = SCHOOL["director"]
ACCOUNTANT = SCHOOL["accountant"]
CASHIER = SCHOOL["cashier"]
KEEPER = SCHOOL["canteen_keeper"]
TEACHERS = ("周丽娟", "刘芳", "张伟", "孙强", "吴晓燕", "郑凯", "马丽", "胡斌")
CANTEEN_INSPECTORS = f"{TEACHERS[5]},{TEACHERS[6]}"

DIRECTOR_LIMIT = Decimal("500.00")  # 总务主任审批限额
QUOTE_THRESHOLD = Decimal("5000.00")
PROCUREMENT_THRESHOLD = Decimal("100000.00")


# 三重一大 threshold as it changes over time; written into policy.beancount from here.
MEETING_THRESHOLDS = ((dt.date.min, Decimal("50000.00")), (dt.date(2026, 1, 1), Decimal("30000.00")))


def meeting_threshold(day: dt.date) -> Decimal:
    return [value for since, value in MEETING_THRESHOLDS if since <= day][-1]


GRADES = ("一", "二", "三", "四", "五", "六")
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "子涵欣怡梓轩浩然雨桐一诺宇轩思彤俊杰若曦佳怡博文诗涵明轩紫萱晨阳语嫣嘉懿可馨梓萌天佑沐阳锦程"
    "书瑶婉清泽宇文博昊然乐瑶安琪雅琴志远振华睿泽心怡星辰家豪芷若昕妍皓轩宏宇沛然静怡思远子墨亦菲"
)

HOMEWORK_STANDARD = Decimal("15.00")  # 作业本费 15 元/生·学期 (seed 002)
WORKBOOK_STANDARD = {1: "26.80", 2: "26.80", 3: "34.50", 4: "34.50", 5: "41.20", 6: "41.20"}
BOARDING_FEE = Decimal("450.00")  # 住宿费 元/生·学期 (行政事业性收费)
MEAL_PRICE = Decimal("6.50")  # 午餐 元/餐
AFTER_SCHOOL_FEE = Decimal("280.00")  # 课后服务费 元/生·学期 (服务性收费, voluntary)

# The fee items (收费项目), written into policy.beancount: name, kind, standard per scope,
# voluntary, settlement, account, provider, basis, note.
_FEE_BASIS = "青禾市发展和改革委员会、青禾市教育局《关于规范中小学服务性收费和代收费管理的通知》（青发改收费〔2024〕18号）"
FEE_ITEMS = (
    ("作业本费", "代收", (("全校", HOMEWORK_STANDARD),), False, "多退少不补",
     "Liabilities:2307其他应付款:230701代收费:01作业本费", "青禾市新华书店", _FEE_BASIS, ""),
    ("教辅资料费", "代收", tuple((f"{GRADES[g - 1]}年级,{GRADES[g]}年级", Decimal(WORKBOOK_STANDARD[g]))
                              for g in (1, 3, 5)), True, "多退少不补",
     "Liabilities:2307其他应付款:230701代收费:02教辅资料费", "青禾市教育图书发行站", _FEE_BASIS,
     "家长自愿订购，不订购的不收"),
    ("住宿费", "行政事业性", (("全校", BOARDING_FEE),), False, "不结算", ACCOMMODATION_FEE, "",
     "青禾市发展和改革委员会、青禾市财政局《关于公办中小学住宿费收费标准的通知》（青发改收费〔2023〕7号）",
     "只向住校学生收取；收入全额上缴财政专户"),
    ("课后服务费", "服务性", (("全校", AFTER_SCHOOL_FEE),), True, "不结算", AFTER_SCHOOL_INCOME, "",
     "青禾市发展和改革委员会、青禾市教育局《关于中小学课后服务收费的通知》（青发改收费〔2024〕31号）",
     "家长自愿参加；用于课后服务教师补助和委托机构服务费，单独核算"),
)


@dataclass(frozen=True)
class ExampleConfig:
    students: int = 1200
    years: int = 1
    seed: int = 2025

    @classmethod
    def make(cls, students=None, years=None, seed=None) -> "ExampleConfig":
        config = cls(
            students=cls.students if students is None else students,
            years=cls.years if years is None else years,
            seed=cls.seed if seed is None else seed,
        )
        if config.students < 60 or config.years < 1:
            raise ValueError("学生人数至少 60，学年数至少 1")
        return config

    @property
    def start(self) -> dt.date:
        return dt.date(FIRST_SCHOOL_YEAR - self.years + 1, 9, 1)

    @property
    def classes_per_grade(self) -> int:
        return max(1, round(self.students / 6 / 50))


def money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def fmt(amount: Decimal) -> str:
    return f"{amount:.2f}"


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass
class Student:
    sid: str
    name: str
    entry_year: int  # school year in which the student entered grade 1
    klass: int  # class number within the grade
    boarder: bool

    def grade(self, school_year: int) -> int:
        return school_year - self.entry_year + 1

    def class_name(self, school_year: int) -> str:
        return f"{GRADES[self.grade(school_year) - 1]}({self.klass})班"


@dataclass
class Term:
    school_year: int
    autumn: bool
    start: dt.date
    end: dt.date  # last teaching day; the settlement happens then

    @property
    def name(self) -> str:
        if self.autumn:
            return f"{self.school_year}年秋季学期"
        return f"{self.school_year + 1}年春季学期"


def terms_of(school_year: int) -> tuple[Term, Term]:
    autumn = Term(school_year, True, _weekday_on_or_after(dt.date(school_year, 9, 1)),
                  _weekday_on_or_after(dt.date(school_year + 1, 1, 16)))
    spring = Term(school_year, False, _weekday_on_or_after(dt.date(school_year + 1, 2, 24)),
                  _weekday_on_or_after(dt.date(school_year + 1, 7, 3)))
    return autumn, spring


def _weekday_on_or_after(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def school_days(first: dt.date, last: dt.date) -> list[dt.date]:
    days = []
    day = first
    while day <= last:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


@dataclass
class Txn:
    date: dt.date
    flag: str
    payee: str | None
    narration: str
    meta: list[tuple[str, object]]
    # (account, amount) or (account, amount, posting metadata)
    postings: list[tuple]
    links: tuple[str, ...] = ()
    numbered: bool = True  # gets a 凭证号 when written (fee receipts carry an invoice instead)

    def render(self) -> str:
        head = f"{self.date} {self.flag} "
        if self.payee is not None:
            head += quote(self.payee) + " "
        head += quote(self.narration)
        for link in self.links:
            head += f" ^{link}"
        lines = [head]
        for key, value in self.meta:
            lines.append(f"  {key}: {render_value(value)}")
        for account, amount, *posting_meta in self.postings:
            if amount is None:
                lines.append(f"  {account}")
            else:
                pad = max(2, 72 - display_width(account) - len(fmt(amount)))
                lines.append(f"  {account}{' ' * pad}{fmt(amount)} CNY")
            for key, value in posting_meta[0] if posting_meta else ():
                lines.append(f"    {key}: {render_value(value)}")
        return "\n".join(lines) + "\n"


def merge(meta: list[tuple[str, object]]) -> list[tuple[str, object]]:
    """One value per key, in first-seen order; a later value replaces an earlier one."""
    merged: dict[str, object] = {}
    for key, value in meta:
        merged[key] = value
    return list(merged.items())


def display_width(text: str) -> int:
    """Columns a monospaced editor gives the text (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def render_value(value: object) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (dt.date, Decimal, int, Amount)):
        return str(value)
    return quote(str(value))


@dataclass
class Books:
    """The generated transactions, with running balances of the money accounts."""

    txns: list[Txn] = field(default_factory=list)
    balances: dict[str, Decimal] = field(default_factory=dict)

    def add(self, txn: Txn) -> Txn:
        total = Decimal(0)
        elided = None
        for account, amount, *_meta in txn.postings:
            if amount is None:
                elided = account
            else:
                total += amount
                self.balances[account] = self.balances.get(account, Decimal(0)) + amount
        if elided is not None:
            self.balances[elided] = self.balances.get(elided, Decimal(0)) - total
        self.txns.append(txn)
        return txn

    def balance(self, account: str) -> Decimal:
        return self.balances.get(account, Decimal(0))


class Generator:
    def __init__(self, config: ExampleConfig):
        self.config = config
        self.rng = random.Random(config.seed)
        self.books = Books()
        self.students: list[Student] = []
        self.invoice_seq = 0
        self.receipt_seq = 0
        self.asset_seq = 0
        self.school_years = list(range(config.start.year, END.year + 1))
        self.quota_spend: dict[tuple[int, int], Decimal] = {}
        self.budget_actual: dict[tuple[int, str], Decimal] = {}
        self.terms_ended: list[Term] = []
        self.projects: list[str] = []  # `custom "project"` lines for policy.beancount
        self.terms_all = [t for y in self.school_years for t in terms_of(y) if t.start <= END]
        self.fees_rng = random.Random(f"{config.seed}-fees")  # the fee domain's own stream
        self.fee_invoice_seq = 0
        # dated directives other than transactions, written into the month files
        self.directives: list[tuple[dt.date, str]] = []
        self.computer_rooms: list[tuple[dt.date, str]] = []  # (purchase day, asset_id)
        from xiaozhang.example_assets import FixedAssets  # the asset domain (own random stream)

        self.fixed_assets = FixedAssets(self)

    # -- helpers -------------------------------------------------------------------------
    def amount(self, low: float, high: float) -> Decimal:
        return money(self.rng.uniform(low, high))

    def invoice(self, day: dt.date) -> str:
        self.invoice_seq += 1
        return f"{day.year % 100}{self.rng.randrange(10**6, 10**7)}{self.invoice_seq:011d}"

    def receipt(self, day: dt.date) -> str:
        self.receipt_seq += 1
        return f"{day.year}{self.receipt_seq:08d}"

    def approvals(self, day: dt.date, amount: Decimal, handler: str | None = None,
                  inspector: str | None = None, kind: str = "",
                  rng: random.Random | None = None) -> list[tuple[str, object]]:
        """The signatures of a complete payment (经手、验收、审核、审批, 先审批后支出): the
        handler is never the approver, the inspector or the reviewer.  `rng`: a domain's own
        random stream (default: the main one)."""
        rng = rng or self.rng
        inspectors = set((inspector or "").split(","))
        if amount <= DIRECTOR_LIMIT and handler != DIRECTOR:
            approver = DIRECTOR
            candidates = TEACHERS
        else:
            approver = PRINCIPAL
            candidates = (DIRECTOR,) + TEACHERS[:4]
        if handler is None:
            handler = rng.choice([p for p in candidates if p not in inspectors and p != approver])
        approved = day - dt.timedelta(days=rng.randint(1, 6))
        meta: list[tuple[str, object]] = [("handler", handler)]
        if inspector:
            meta.append(("inspector", inspector))
        meta += [("reviewer", ACCOUNTANT), ("approver", approver), ("approved", approved)]
        if amount >= meeting_threshold(day):  # 三重一大: the month's collective decision
            meta.append(("meeting", f"校务会纪要〔{day.year}〕第{day.month}号"))
        if amount > PROCUREMENT_THRESHOLD:
            meta += [("procurement", "公开招标"), ("contract", f"HT{day:%Y%m%d}")]
        elif kind == "purchase" and amount >= QUOTE_THRESHOLD:
            meta += [("procurement", "询价"), ("quotes", 3)]
        return meta

    def spend(self, day: dt.date, payee: str, narration: str, account: str, amount: Decimal,
              source: str = ZERO_BALANCE, inspector: str | None = None, handler: str | None = None,
              kind: str = "", extra: list[tuple[str, object]] | None = None,
              links: tuple[str, ...] = ()) -> Txn:
        """A complete payment with the usual signatures (see `approvals`)."""
        meta = self.approvals(day, amount, handler=handler, inspector=inspector, kind=kind)
        return self.pay(day, payee, narration, account, amount, meta + (extra or []), source, links)

    def pay(self, day: dt.date, payee: str, narration: str, account: str, amount: Decimal,
            meta: list[tuple[str, object]], source: str, links: tuple[str, ...] = ()) -> Txn:
        """Book a payment; it counts against the month's quota and the year's budget line."""
        meta = merge(meta + [("invoice", self.invoice(day)), ("attachments", self.rng.randint(2, 6))])
        self.count_spending(day, account, amount, source)
        return self.books.add(Txn(day, "*", payee, narration, meta,
                                  [(account, amount), (source, -amount)], links))

    def count_spending(self, day: dt.date, account: str, amount: Decimal, source: str) -> None:
        """Spending counts against the month's quota (when from 1011) and the year's budget."""
        if source == ZERO_BALANCE:
            key = (day.year, day.month)
            self.quota_spend[key] = self.quota_spend.get(key, Decimal(0)) + amount
        if account.startswith("Expenses:"):
            key = (day.year, account)
            self.budget_actual[key] = self.budget_actual.get(key, Decimal(0)) + amount

    # -- the roster ----------------------------------------------------------------------
    def make_roster(self) -> None:
        per_class = self.config.students / (6 * self.config.classes_per_grade)
        first_entry = self.school_years[0] - 5
        for entry_year in range(first_entry, self.school_years[-1] + 1):
            for klass in range(1, self.config.classes_per_grade + 1):
                size = max(20, round(per_class + self.rng.randint(-3, 3)))
                for seq in range(1, size + 1):
                    name = self.rng.choice(SURNAMES) + "".join(
                        self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2, 2))))
                    self.students.append(Student(
                        sid=f"{entry_year}{klass:02d}{seq:03d}", name=name,
                        entry_year=entry_year, klass=klass, boarder=self.rng.random() < 0.08))

    def enrolled(self, school_year: int) -> list[Student]:
        return [s for s in self.students if 1 <= s.grade(school_year) <= 6]

    # -- the year ------------------------------------------------------------------------
    def run(self) -> None:
        self.make_roster()
        self.opening()
        self.fixed_assets.opening()
        self.fee_terms()
        self.terms_ended = [term for year in self.school_years for term in terms_of(year)
                            if term.end <= END]
        months = []
        day = self.config.start
        while day <= END:
            months.append((day.year, day.month))
            day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        for year, month in months:
            self.payroll(year, month)
            self.utilities(year, month)
            self.running_costs(year, month)
            self.petty_cash(year, month)
            if month in (3, 6, 9, 12):
                self.interest(year, month)
            if month in (1, 4, 7, 10):
                self.rent(year, month)
        self.canteen()
        for school_year in self.school_years:
            self.yearly_projects(school_year)
        self.fixed_assets.changes()
        self.pending_entries()
        self.quota(months)

    def opening(self) -> None:
        day = self.config.start - dt.timedelta(days=1)
        postings = [
            (BANK_BASIC, money(186432.57)),
            (CASH, money(1286.50)),
            ("Equity:3001累计盈余", None),
        ]
        self.books.add(Txn(day, "*", None, "期初余额（上年结转）",
                           [("reviewer", ACCOUNTANT)], postings, numbered=False))

    # -- fees (收费: 代收费, 住宿费, 课后服务费; their disclosure) ------------------------------
    # Generated with the fee domain's own random stream (self.fees_rng), so that changes here
    # never shift the rest of the example.
    def fee_invoice(self, day: dt.date) -> str:
        """A supplier's invoice number for a fee payment (own sequence, own random stream)."""
        self.fee_invoice_seq += 1
        return f"{day.year % 100}{self.fees_rng.randrange(10**6, 10**7)}9{self.fee_invoice_seq:010d}"

    def fee_terms(self) -> None:
        """Every term's fees, in order: 代收费, 住宿费, 课后服务费."""
        for school_year in self.school_years:
            for term in terms_of(school_year):
                if term.start > END:
                    continue
                self.agency_fees(term)
                self.boarding_fees(term)
                self.after_school(term)
                self.fee_disclosures(term)

    def collect_fee(self, day: dt.date, student: Student, term: Term, item: str, account: str,
                    amount: Decimal, bank: str) -> None:
        """One receipt per student and item (as the e-billing platform issues them)."""
        narration = f"收取{item} {term.name}" if account.startswith(chart.PAYABLE_TO_TREASURY) \
            else f"代收{item} {term.name}" if account.startswith(chart.AGENCY_FEES) \
            else f"收{item} {term.name}"
        self.books.add(Txn(day, "*", None, narration, [
            ("student", student.sid), ("class", student.class_name(term.school_year)),
            ("item", item), ("invoice", self.receipt(day)),
        ], [(bank, amount), (account, -amount)], numbered=False))

    def agency_fees(self, term: Term) -> None:
        """代收费: collected per student, paid to the supplier, the rest refunded at term end."""
        rng = self.fees_rng
        students = self.enrolled(term.school_year)
        homework = chart.agency_fee_account("01")
        workbook = chart.agency_fee_account("02")
        buyers: dict[str, list[Student]] = {"01": [], "02": []}
        collect_days = school_days(term.start, term.start + dt.timedelta(days=9))
        for student in students:
            day = rng.choice(collect_days)
            grade = student.grade(term.school_year)
            items = [("01", homework, "作业本费", HOMEWORK_STANDARD)]
            if rng.random() < 0.93:  # 教辅资料 are voluntary (自愿订购)
                items.append(("02", workbook, "教辅资料费", money(WORKBOOK_STANDARD[grade])))
            for code, account, item, standard in items:
                buyers[code].append(student)
                self.collect_fee(day, student, term, item, account, standard, BANK_COLLECTION)
        # the providers are paid the actual unit cost per grade, below the standard
        unit = {g: self.fee_amount(12.8, 14.2) for g in range(1, 7)}
        unit2 = {g: money(Decimal(WORKBOOK_STANDARD[g]) - self.fee_amount(0.6, 2.4)) for g in range(1, 7)}
        pay_day = _weekday_on_or_after(term.start + dt.timedelta(days=20))
        if pay_day > END:
            return
        self.agency_payment(term, pay_day, "青禾市新华书店", "作业本", "作业本费", homework,
                            buyers["01"], unit)
        self.agency_payment(term, _weekday_on_or_after(pay_day + dt.timedelta(days=1)),
                            "青禾市教育图书发行站", "教辅资料", "教辅资料费", workbook, buyers["02"], unit2)
        if term.end > END:
            return  # the current term: the settlement is still to come
        # 期末清退 (多退少不补), per class
        for code, account, item, standard_of, unit_of in (
            ("01", homework, "作业本费", lambda g: HOMEWORK_STANDARD, unit),
            ("02", workbook, "教辅资料费", lambda g: money(WORKBOOK_STANDARD[g]), unit2),
        ):
            by_class: dict[str, list[Student]] = {}
            for s in buyers[code]:
                by_class.setdefault(s.class_name(term.school_year), []).append(s)
            for class_name in sorted(by_class, key=lambda c: (GRADES.index(c[0]), c)):
                group = by_class[class_name]
                grade = group[0].grade(term.school_year)
                each = standard_of(grade) - unit_of[grade]
                total = each * len(group)
                self.books.add(Txn(term.end, "*", f"{class_name}学生家长", f"{item}期末清退 {term.name}", [
                    ("handler", TEACHERS[0]), ("reviewer", ACCOUNTANT), ("approver", PRINCIPAL),
                    ("approved", term.end - dt.timedelta(days=2)),
                    ("class", class_name), ("item", item), ("students", len(group)),
                    ("refund_each", each),
                ], [(account, total), (BANK_COLLECTION, -total)]))

    def fee_amount(self, low: float, high: float) -> Decimal:
        return money(self.fees_rng.uniform(low, high))

    def agency_payment(self, term: Term, day: dt.date, payee: str, goods: str, item: str,
                       account: str, buyers: list[Student], unit: dict[int, Decimal]) -> None:
        """Pay the provider for what the buyers received: one posting per grade (unit cost ×
        buyers), so that each grade's cost is shared among that grade's buyers."""
        count: dict[int, int] = {}
        for s in buyers:
            count[s.grade(term.school_year)] = count.get(s.grade(term.school_year), 0) + 1
        postings: list[tuple] = [(account, unit[g] * n, [("grade", f"{GRADES[g - 1]}年级")])
                                 for g, n in sorted(count.items())]
        total = sum((amount for _, amount, _ in postings), Decimal(0))
        meta = self.approvals(day, total, handler=TEACHERS[0], inspector=f"{TEACHERS[1]},{DIRECTOR}",
                              kind="purchase", rng=self.fees_rng)
        meta += [("item", item), ("supplier", payee), ("invoice", self.fee_invoice(day)),
                 ("attachments", self.fees_rng.randint(3, 6))]
        self.books.add(Txn(day, "*", payee, f"支付{term.name}{goods}款（{len(buyers)}人）", merge(meta),
                           postings + [(BANK_COLLECTION, -total)]))

    def boarding_fees(self, term: Term) -> None:
        """住宿费 (非税收入): to 2103, remitted to the 财政专户 within days, later returned."""
        boarders = [s for s in self.enrolled(term.school_year) if s.boarder]
        days = school_days(term.start, term.start + dt.timedelta(days=11))
        by_day: dict[dt.date, Decimal] = {}
        for student in boarders:
            day = self.fees_rng.choice(days[:8])
            by_day[day] = by_day.get(day, Decimal(0)) + BOARDING_FEE
            self.collect_fee(day, student, term, "住宿费", ACCOMMODATION_FEE, BOARDING_FEE, BANK_BASIC)
        # remit every Friday what came in that week (within 5 days)
        pending = Decimal(0)
        for day in school_days(term.start, days[-1] + dt.timedelta(days=7)):
            pending += by_day.get(day, Decimal(0))
            if day.weekday() == 4 and pending:
                self.books.add(Txn(day, "*", "青禾市明德区财政局非税收入汇缴专户",
                                   f"上缴住宿费至财政专户 {term.name}", [
                                       ("handler", CASHIER), ("reviewer", ACCOUNTANT),
                                       ("item", "住宿费"),
                                   ], [(ACCOMMODATION_FEE, pending), (BANK_BASIC, -pending)]))
                pending = Decimal(0)
        assert pending == 0, "every week's collection is remitted"
        returned = money(sum(by_day.values(), Decimal(0)) * Decimal("0.90"))
        back = _weekday_on_or_after(term.start + dt.timedelta(days=45))
        if returned and back <= END:
            self.books.add(Txn(back, "*", "青禾市明德区财政局", f"财政专户核拨返还住宿费 {term.name}", [
                ("reviewer", ACCOUNTANT), ("item", "住宿费"),
            ], [(BANK_BASIC, returned), (OPERATING_INCOME_REFUND, -returned)]))

    def after_school(self, term: Term) -> None:
        """课后服务费 (服务性收费, school income, voluntary): collected at the start of the term;
        spent on the teachers' 课后服务补助 (accrued monthly, paid from the basic account) and
        on a sports club engaged for part of the service (委托业务费)."""
        rng = self.fees_rng
        days = school_days(term.start, term.start + dt.timedelta(days=9))
        joined = [s for s in self.enrolled(term.school_year) if rng.random() < 0.66]
        for student in joined:
            self.collect_fee(rng.choice(days), student, term, "课后服务费", AFTER_SCHOOL_INCOME,
                             AFTER_SCHOOL_FEE, BANK_BASIC)
        collected = AFTER_SCHOOL_FEE * len(joined)
        months = [(term.start.year, term.start.month + 1) if term.start.month < 12
                  else (term.start.year + 1, 1)]
        while len(months) < 4:
            year, month = months[-1]
            months.append((year, month + 1) if month < 12 else (year + 1, 1))
        teachers = max(4, round(self.config.students / 40))
        subsidy = "Liabilities:2201应付职工薪酬:220102津贴补贴"
        for year, month in months:
            day = _weekday_on_or_after(dt.date(year, month, 12))
            if day > END or day > term.end:
                continue
            amount = money(collected * Decimal("0.18") * Decimal(str(rng.uniform(0.96, 1.04))))
            self.books.add(Txn(day, "*", None, f"计提{year}年{month}月课后服务教师补助（{teachers}人）", [
                ("handler", CASHIER), ("reviewer", ACCOUNTANT), ("approver", PRINCIPAL),
                ("approved", day - dt.timedelta(days=2)), ("item", "课后服务费"), ("staff", teachers),
            ], [(chart.salaries("30102"), amount), (subsidy, -amount)]))
            pay = _weekday_on_or_after(day + dt.timedelta(days=3))
            self.books.add(Txn(pay, "*", "课后服务教师", f"发放{year}年{month}月课后服务教师补助", [
                ("handler", CASHIER), ("reviewer", ACCOUNTANT), ("approver", PRINCIPAL),
                ("approved", day - dt.timedelta(days=2)),
            ], [(subsidy, amount), (BANK_BASIC, -amount)]))
        day = _weekday_on_or_after(dt.date(*months[1], 20))
        if day > END:
            return
        club = "青禾市阳光少儿体育俱乐部"
        amount = money(collected * Decimal("0.16") * Decimal(str(rng.uniform(0.95, 1.05))))
        contract = f"HT{day.year}KH{1 if term.autumn else 2:02d}"
        meta = self.approvals(day, amount, handler=DIRECTOR, kind="purchase", rng=rng)
        meta += [("item", "课后服务费"), ("supplier", club), ("contract", contract),
                 ("invoice", self.fee_invoice(day)), ("attachments", rng.randint(3, 6))]
        account = chart.goods_services("30227")
        self.count_spending(day, account, amount, BANK_BASIC)
        self.books.add(Txn(day, "*", club, f"支付{term.name}课后服务体育项目委托费", merge(meta),
                           [(account, amount), (BANK_BASIC, -amount)], (contract,)))

    def fee_disclosures(self, term: Term) -> None:
        """The month-end disclosure of every month of the term (收费公示), published within the
        `disclosure-days` of the next month, as `xiaozhang report disclosure` prints it."""
        year, month = term.start.year, term.start.month
        last = min(term.end, END)
        items = " ".join(f'"{name}"' for name, *_ in FEE_ITEMS)
        while (year, month) <= (last.year, last.month):
            nxt = (year, month + 1) if month < 12 else (year + 1, 1)
            published = _weekday_on_or_after(dt.date(*nxt, 8))
            if published <= END:
                self.directives.append((published, f'{published} custom "disclosure" '
                                                   f'"{year}-{month:02d}" {items}'))
            year, month = nxt

    def payroll(self, year: int, month: int) -> None:
        """Payroll: accrual on the 1st, paid by the treasury (财政直接支付) on the 10th."""
        staff = max(8, round(self.config.students / 17))
        accrue = dt.date(year, month, 1)
        lines = [
            ("30101", "220101基本工资", staff * self.amount(3350, 3420)),
            ("30102", "220102津贴补贴", staff * self.amount(1580, 1640)),
            ("30107", "220103绩效工资", staff * self.amount(2450, 2620)),
            ("30108", "220104社会保险费", staff * self.amount(1150, 1190)),
            ("30110", "220104社会保险费", staff * self.amount(560, 590)),
            ("30113", "220105住房公积金", staff * self.amount(880, 910)),
        ]
        lines = [(code, liability, money(total)) for code, liability, total in lines]
        total = sum((amount for _, _, amount in lines), Decimal(0))
        meta = [("handler", CASHIER), ("reviewer", ACCOUNTANT), ("approver", PRINCIPAL),
                ("approved", accrue), ("staff", staff)]
        postings: list[tuple[str, Decimal | None]] = [(chart.salaries(c), a) for c, _, a in lines]
        liabilities: dict[str, Decimal] = {}
        for _, liability, amount in lines:
            liabilities[liability] = liabilities.get(liability, Decimal(0)) + amount
        postings += [(f"{PAYROLL}:{liab}", -a) for liab, a in liabilities.items()]
        self.books.add(Txn(accrue, "*", None, f"计提{year}年{month}月工资福利（{staff}人）",
                           meta, postings))
        pay = _weekday_on_or_after(dt.date(year, month, 10))
        postings = [(f"{PAYROLL}:{liab}", a) for liab, a in liabilities.items()]
        postings.append((FISCAL_INCOME_BASIC, -total))
        self.books.add(Txn(pay, "*", "青禾市明德区财政国库支付中心",
                           f"财政直接支付{year}年{month}月工资福利", [
                               ("handler", CASHIER), ("reviewer", ACCOUNTANT),
                               ("approver", PRINCIPAL), ("approved", accrue),
                               ("payment", "财政直接支付"),
                           ], postings))

    def utilities(self, year: int, month: int) -> None:
        scale = Decimal(self.config.students) / 1200
        vacation = month in (2, 7, 8)
        day = _weekday_on_or_after(dt.date(year, month, 18))
        power = money(self.amount(3200, 4100) if vacation else self.amount(9800, 14600)) * scale
        water = money(self.amount(900, 1300) if vacation else self.amount(2600, 3900)) * scale
        phone = money(self.amount(1268, 1290))
        self.spend(day, "国网青禾供电公司明德供电所", f"{month}月电费", chart.goods_services("30206"),
                   money(power), handler=DIRECTOR)
        self.spend(day, "青禾市水务集团有限公司", f"{month}月水费", chart.goods_services("30205"),
                   money(water), handler=DIRECTOR)
        self.spend(day + dt.timedelta(days=1), "中国电信青禾分公司", f"{month}月校园网络及电话费",
                   chart.goods_services("30207"), phone, handler=DIRECTOR)

    def running_costs(self, year: int, month: int) -> None:
        """Office supplies, printing, repairs, training, travel, teaching materials."""
        scale = Decimal(self.config.students) / 1200
        if month in (8,):
            return
        day = _weekday_on_or_after(dt.date(year, month, 6))
        rng = self.rng
        self.spend(day, rng.choice(("青禾市文华办公用品商行", "明德区晨光文具店", "青禾市百汇办公用品有限公司")),
                   "购办公用品（纸张、墨盒、文具）", chart.goods_services("30201"),
                   money(self.amount(1200, 4200) * scale), inspector=DIRECTOR, kind="purchase")
        if month in (9, 10, 11, 12, 3, 4, 5, 6):
            self.spend(day + dt.timedelta(days=7), "青禾市彩虹印务有限公司", "印制试卷、学籍材料",
                       chart.goods_services("30202"), money(self.amount(1400, 3600) * scale),
                       inspector=TEACHERS[0], kind="purchase")
            self.spend(day + dt.timedelta(days=9), rng.choice(("青禾市育才教学仪器有限公司", "明德区博雅科教器材经营部")),
                       "购教学实验耗材、体育器材耗材", chart.goods_services("30218"),
                       money(self.amount(900, 4800) * scale), inspector=TEACHERS[3], kind="purchase")
        if month in (10, 11, 3, 4, 5, 6, 12):
            self.spend(day + dt.timedelta(days=12), "明德区安达水电维修部", "维修教室门窗、水电线路",
                       chart.goods_services("30213"), money(self.amount(380, 2900)),
                       inspector=DIRECTOR, handler=TEACHERS[3], kind="purchase")
        if month in (11, 4):
            self.spend(day + dt.timedelta(days=14), "青禾市教师发展中心", "教师继续教育培训费",
                       chart.goods_services("30216"), money(self.amount(3100, 6800) * scale))
        if month in (10, 12, 3, 5):
            self.spend(day + dt.timedelta(days=3), f"{TEACHERS[rng.randrange(4)]}等", "外出教研、送教下乡差旅费报销",
                       chart.goods_services("30211"), money(self.amount(680, 2400)),
                       handler=DIRECTOR)
        if month == 12 or month == 6:
            self.spend(day + dt.timedelta(days=10), "明德区城市绿化服务站", "校园绿化养护劳务费",
                       chart.goods_services("30226"), money(self.amount(2100, 4200)),
                       source=BANK_BASIC, handler=DIRECTOR)
        # 工会经费: 2% of the month's base pay, from the basic account
        self.spend(_weekday_on_or_after(dt.date(year, month, 25)), "青禾市明德区实验小学工会委员会",
                   "拨付工会经费", chart.goods_services("30228"), money(self.amount(2600, 2700) * scale),
                   handler=CASHIER)

    def canteen(self) -> None:
        """The canteen's own books (食堂独立核算): see `CanteenBooks`."""
        self.canteen_books = CanteenBooks(self)
        self.canteen_books.run()

    def petty_cash(self, year: int, month: int) -> None:
        """备用金: draw cash when low, small purchases in cash, always under the cash limit."""
        if month == 8:
            return
        day = _weekday_on_or_after(dt.date(year, month, 3))
        if self.books.balance(CASH) < 1500:
            draw = money(3000) - money(self.books.balance(CASH)).quantize(Decimal("1"))
            self.books.add(Txn(day, "*", None, "从基本户提取备用金", [
                ("handler", CASHIER), ("reviewer", ACCOUNTANT), ("approver", PRINCIPAL),
                ("approved", day),
            ], [(CASH, draw), (BANK_BASIC, -draw)]))
        for offset, shop, what, account in (
                (4, "明德区学苑文具店", "购买粉笔、板擦等零星教学用品", "30201"),
                (15, "顺丰速运青禾明德营业部", "支付快递及邮寄费", "30207")):
            amount = self.amount(46, 380)
            self.spend(day + dt.timedelta(days=offset), shop, what, chart.goods_services(account),
                       amount, source=CASH, inspector=DIRECTOR if account == "30201" else None)

    def interest(self, year: int, month: int) -> None:
        day = dt.date(year, month, 21)
        if day > END:
            return
        for account, rate in ((BANK_BASIC, "0.0009"),):  # the canteen's own: canteen_interest
            amount = money(max(self.books.balance(account), Decimal(0)) * Decimal(rate) + Decimal("3.17"))
            self.books.add(Txn(day, "*", "银行", "结息", [("reviewer", ACCOUNTANT)],
                               [(account, amount), (INTEREST_INCOME, -amount)]))

    def rent(self, year: int, month: int) -> None:
        """门面租金: two shopfronts let under contract, paid quarterly in advance."""
        day = _weekday_on_or_after(dt.date(year, month, 5))
        for tenant, shop, amount, contract in (
            ("明德区童趣文具店", "1号门面", Decimal("5850.00"), "HT2024ZL01"),
            ("青禾市快乐小屋便利店", "2号门面", Decimal("7425.00"), "HT2024ZL02"),
        ):
            self.books.add(Txn(day, "*", tenant, f"收{shop}租金（{year}年第{(month - 1) // 3 + 1}季度）", [
                ("handler", CASHIER), ("reviewer", ACCOUNTANT), ("contract", contract),
                ("invoice", self.invoice(day)),
            ], [(BANK_BASIC, amount), (RENT_INCOME, -amount)], (contract,)))

    def yearly_projects(self, school_year: int) -> None:
        """Asset purchases, the 政府采购 case and the 三重一大 case of each school year."""
        y = school_year
        scale = max(1, round(self.config.students / 1200))
        # 政府采购: a computer room, funded by a project appropriation (项目支出)
        day = dt.date(y, 11, 18)
        if day <= END:
            count = 50 * scale
            unit = money(self.amount(4980, 5360))
            total = unit * count
            grant_day = dt.date(y, 10, 9)
            self.projects.append(f'{grant_day} custom "project" "计算机教室建设{y}" {total:.2f} CNY '
                                 f'{chart.fixed_asset_account("通用设备")}')
            self.books.add(Txn(grant_day, "*", "青禾市明德区财政局", "下达计算机教室建设项目授权支付额度", [
                ("reviewer", ACCOUNTANT), ("project", f"计算机教室建设{y}"),
            ], [(ZERO_BALANCE, total), (FISCAL_INCOME_PROJECT, -total)]))
            asset = self.next_asset(day)
            meta = self.approvals(day, total, handler=DIRECTOR, inspector=f"{TEACHERS[2]},{TEACHERS[7]}")
            meta += [
                ("meeting", f"校务会纪要〔{y}〕第11号"), ("procurement", "政府采购"),
                ("contract", f"HT{y}ZC07"), ("quotes", 4), ("project", f"计算机教室建设{y}"),
                ("asset_id", asset), ("name", "计算机教室学生机"), ("category", "通用设备"),
                ("subcategory", "计算机设备"), ("model", "联想启天M437 i5/16G/512G"),
                ("quantity", count), ("life", 6), ("location", "综合楼三楼计算机教室"),
                ("custodian", TEACHERS[2]), ("dept", "信息技术组"), ("supplier", "青禾市华信电脑科技有限公司"),
                ("invoice", self.invoice(day)), ("attachments", 9),
            ]
            self.books.add(Txn(day, "*", "青禾市华信电脑科技有限公司", f"计算机教室学生机{count}台（政府采购）", merge(meta), [
                (chart.fixed_asset_account("通用设备"), total), (ZERO_BALANCE, -total),
            ], (f"HT{y}ZC07",)))
            self.computer_rooms.append((day, asset))
        # 三重一大: exterior wall and roof waterproofing, from the basic account, in summer
        day = dt.date(y + 1, 8, 19)
        if day <= END:
            amount = money(self.amount(64000, 72000) * scale)
            meta = self.approvals(day, amount, handler=DIRECTOR, inspector=f"{PRINCIPAL},{TEACHERS[3]}")
            meta += [("meeting", f"校务会纪要〔{y + 1}〕第6号"), ("quotes", 3),
                     ("procurement", "询价" if amount <= PROCUREMENT_THRESHOLD else "公开招标"),
                     ("contract", f"HT{y + 1}WX03")]
            self.pay(day, "青禾市宏建建筑工程有限公司", "教学楼外墙及屋面防水维修工程（三重一大集体决策）",
                     chart.goods_services("30213"), amount, meta, BANK_BASIC, (f"HT{y + 1}WX03",))
        # smaller assets: interactive whiteboards, office desks, library books
        purchases = [
            (dt.date(y, 9, 24), "希沃交互式智能平板 86英寸", "通用设备", "希沃MC86FEA", 4 * scale,
             (12400, 13800), "青禾市智慧教育装备有限公司", 6, "一年级教室", TEACHERS[1], "教务处"),
            (dt.date(y + 1, 3, 17), "教师办公桌椅", "家具用具装具及动植物", "钢木1400×700", 12 * scale,
             (1080, 1260), "青禾市美居办公家具厂", 15, "行政楼二楼教师办公室", DIRECTOR, "总务处"),
            (dt.date(y + 1, 4, 22), "图书室图书（第二批）", "图书档案", "各类少儿读物", 1,
             (18000, 26000), "青禾市新华书店", None, "图书室", TEACHERS[4], "教务处"),
        ]
        for day, what, category, model, qty, (low, high), supplier, life, location, custodian, dept in purchases:
            if day > END:
                continue
            unit = self.amount(low, high)
            total = unit * qty
            asset = self.next_asset(day)
            meta = self.approvals(day, total, handler=custodian if custodian != PRINCIPAL else DIRECTOR,
                                  inspector=f"{DIRECTOR},{TEACHERS[0]}" if custodian != DIRECTOR
                                  else f"{TEACHERS[0]},{TEACHERS[4]}", kind="purchase")
            # the asset card (一物一卡): sub-category of the 财会〔2017〕4号 life table; books
            # are counted in volumes (a batch: an asset below the unit threshold)
            subcategory = {"通用设备": "计算机设备", "家具用具装具及动植物": "家具"}.get(category)
            volumes = int(total / Decimal("26.50")) if category == "图书档案" else qty
            meta += [("asset_id", asset), ("name", what), ("category", category)]
            meta += [("subcategory", subcategory)] if subcategory else []
            meta += [("model", model), ("quantity", volumes)]
            if life:
                meta.append(("life", life))
            meta += [("location", location), ("custodian", custodian), ("dept", dept),
                     ("supplier", supplier)]
            if not any(key == "procurement" for key, _ in meta):
                meta.append(("procurement", "自行采购"))
            self.pay(day, supplier, f"购{what}", chart.fixed_asset_account(category), total,
                     meta, ZERO_BALANCE, ())

    def next_asset(self, day: dt.date) -> str:
        self.asset_seq += 1
        return f"ZC{day.year}{self.asset_seq:04d}"

    def pending_entries(self) -> None:
        """Two entries still waiting for signatures at the end of the books (待审批)."""
        for day, payee, narration, code, amount, source, meta in (
            (dt.date(END.year, END.month, 28), "青禾市文华办公用品商行", "购打印纸、硒鼓（发票已到，待校长审批）",
             "30201", money("1386.40"), ZERO_BALANCE,
             [("handler", TEACHERS[1]), ("inspector", DIRECTOR), ("reviewer", ACCOUNTANT)]),
            (dt.date(END.year, END.month, 30), "明德区安达水电维修部", "维修食堂排水管（待补验收单）",
             "30213", money("742.00"), BANK_BASIC,
             [("handler", DIRECTOR), ("reviewer", ACCOUNTANT), ("approver", PRINCIPAL),
              ("approved", dt.date(END.year, END.month, 29))]),
        ):
            account = chart.goods_services(code)
            self.count_spending(day, account, amount, source)
            self.books.add(Txn(day, "!", payee, narration, meta + [("invoice", self.invoice(day))],
                               [(account, amount), (source, -amount)]))

    def quota(self, months) -> None:
        """授权支付额度: the monthly 用款计划 arrives on the first working day and covers the
        month's spending; at year-end the unused quota is cancelled to 财政应返还额度 and
        restored in January."""
        unused = Decimal(0)
        for year, month in months:
            day = _weekday_on_or_after(dt.date(year, month, 1))
            if month == 1 and unused:
                self.books.add(Txn(day, "*", "青禾市明德区财政局", "恢复上年度财政应返还额度", [
                    ("reviewer", ACCOUNTANT),
                ], [(ZERO_BALANCE, unused), (RECEIVABLE_QUOTA, -unused)]))
            need = self.quota_spend.get((year, month), Decimal(0))
            amount = ((need / 1000).to_integral_value(rounding=ROUND_CEILING) * 1000
                      + Decimal(self.rng.randrange(3000, 9000)))
            self.books.add(Txn(day, "*", "青禾市明德区财政局", f"{year}年{month}月授权支付用款额度到账", [
                ("reviewer", ACCOUNTANT),
            ], [(ZERO_BALANCE, money(amount)), (FISCAL_INCOME_BASIC, money(-amount))]))
            unused += amount - need
            if month == 12 and unused > 0:
                self.books.add(Txn(dt.date(year, 12, 31), "*", None,
                                   "年末注销未使用授权支付额度，转财政应返还额度", [
                                       ("reviewer", ACCOUNTANT),
                                   ], [(RECEIVABLE_QUOTA, unused), (ZERO_BALANCE, -unused)]))

    # -- budgets -------------------------------------------------------------------------
    def budgets(self) -> list[str]:
        """Yearly budget lines (Fava's `custom "budget"`): the year's plan with a margin.

        A year the books cover only in part (the first autumn, the current year) gets a
        whole-year line, so that Fava's pro-rated view of it stays meaningful."""
        lines = []
        for (year, account), actual in sorted(self.budget_actual.items()):
            if not account.startswith(chart.GOODS_SERVICES):
                continue
            first = max(self.config.start, dt.date(year, 1, 1))
            last = min(END, dt.date(year, 12, 31))
            months = (last.year - first.year) * 12 + last.month - first.month + 1
            yearly = actual * 12 / months * Decimal("1.15")
            budget = (yearly / 1000).to_integral_value(rounding=ROUND_CEILING) * 1000
            lines.append(f'{year}-01-01 custom "budget" {account} "yearly" {budget:.2f} CNY')
        return lines


# -- the canteen (食堂独立核算) ---------------------------------------------------------------

STAFF_MEAL_PRICE = Decimal("8.00")  # 教职工午餐 元/餐, at cost (no subsidy)
CANTEEN_WORKER_DAY = Decimal("115.00")  # 临聘从业人员日工资
# holidays inside the terms (month, first day, last day): 元旦, 清明, 劳动节, 国庆
CANTEEN_HOLIDAYS = ((1, 1, 1), (4, 4, 6), (5, 1, 5), (10, 1, 7))
# food cost of a student lunch by category (元); a staff lunch uses STAFF_FOOD_FACTOR as much
FOOD_PER_MEAL = {"米面油": Decimal("0.98"), "肉禽蛋": Decimal("1.96"), "蔬菜": Decimal("1.12"),
                 "调味品": Decimal("0.34")}
STAFF_FOOD_FACTOR = Decimal("1.22")
# what stays in store after a delivery, in days of use (fresh food: almost nothing)
STOCK_DAYS = {"米面油": Decimal("3.0"), "肉禽蛋": Decimal("0.3"), "蔬菜": Decimal("0.3"),
              "调味品": Decimal("8.0")}
# what is bought: (item, unit, price range 元/unit, share of the category's value)
FOOD_ITEMS = {
    "米面油": (("大米", "kg", (4.10, 4.40), 0.62), ("面粉、面条", "kg", (3.60, 4.20), 0.13),
             ("菜籽油", "桶", (64.0, 72.0), 0.25)),
    "肉禽蛋": (("猪肉", "kg", (24.0, 28.0), 0.50), ("鸡肉", "kg", (15.0, 18.0), 0.20),
             ("鸡蛋", "kg", (9.0, 11.5), 0.18), ("牛肉", "kg", (68.0, 76.0), 0.12)),
    "蔬菜": (("青菜", "kg", (3.0, 5.5), 0.40), ("土豆", "kg", (2.6, 3.4), 0.20),
           ("西红柿", "kg", (4.5, 6.5), 0.20), ("豆腐", "kg", (4.0, 5.0), 0.20)),
    "调味品": (("酱油", "箱", (78.0, 86.0), 0.35), ("食盐", "kg", (2.6, 3.0), 0.15),
             ("醋", "箱", (55.0, 62.0), 0.15), ("复合调味料", "kg", (26.0, 32.0), 0.35)),
}
# month-end stocktake: shrinkage as a share of the month's issues, and its usual cause
STOCK_LOSS = {"米面油": ((0.0, 0.002), "大米、面粉受潮报损"), "肉禽蛋": ((0.001, 0.004), "冻品解冻失水、鸡蛋破损"),
              "蔬菜": ((0.003, 0.010), "蔬菜失水、腐损"), "调味品": ((0.0, 0.003), "散装调料计量误差")}
CANTEEN_INSPECTOR_PAIRS = (f"{TEACHERS[5]},{TEACHERS[6]}", f"{TEACHERS[7]},{TEACHERS[4]}")
CANTEEN_SURPLUS_CAP = Decimal("8")  # 伙食结余率上限 % (seed 002)
CANTEEN_BULK_THRESHOLD = Decimal("1000.00")


@dataclass(frozen=True)
class CanteenSupplier:
    """A designated supplier (定点供应商): one food category, chosen by tender each school year."""

    name: str
    category: str
    weekdays: tuple[int, ...]  # delivery days, 0 = Monday
    number: int  # contract HT<year>SC0<number>
    licence: str  # 营业执照（统一社会信用代码）
    licence_expiry: dt.date | None  # None: 长期
    food_licences: tuple[tuple[dt.date, str, dt.date], ...]  # (issued, number, expiry); renewals later
    phone: str

    def food_licence(self, day: dt.date) -> tuple[dt.date, str, dt.date]:
        held = [lic for lic in self.food_licences if lic[0] <= day]
        return held[-1] if held else self.food_licences[0]

    def contract(self, school_year: int) -> tuple[str, dt.date, dt.date]:
        return (f"HT{school_year}SC{self.number:02d}", dt.date(school_year, 8, 25),
                dt.date(school_year + 1, 8, 24))


CANTEEN_SUPPLIERS = (
    CanteenSupplier("青禾市丰源粮油贸易有限公司", "米面油", (0,), 1, "91430702MA4L3K8X2R", None,
                    ((dt.date(2023, 3, 15), "JY14307020031245", dt.date(2028, 3, 14)),), "0736-7218806"),
    # the food licence runs out on 2026-04-30 and is renewed on 2026-04-22 (换证)
    CanteenSupplier("青禾市鲜达农副产品配送有限公司", "肉禽蛋", (0, 3), 2, "91430702MA4M0P7Q5T",
                    dt.date(2039, 5, 19),
                    ((dt.date(2021, 5, 1), "JY14307020044310", dt.date(2026, 4, 30)),
                     (dt.date(2026, 4, 22), "JY14307020069127", dt.date(2031, 4, 21))), "0736-7263315"),
    # expires 2026-12-15: within 60 days of the end of the books (shown on the 食堂 page)
    CanteenSupplier("青禾市绿源蔬菜配送有限公司", "蔬菜", (0, 3), 3, "91430702MA4P2W6E1N", None,
                    ((dt.date(2021, 12, 16), "JY14307020052786", dt.date(2026, 12, 15)),), "0736-7251178"),
    CanteenSupplier("青禾市百味调味品商行", "调味品", (2,), 4, "92430702MA4Q8R3T6Y", None,
                    ((dt.date(2022, 9, 10), "JY24307020017753", dt.date(2027, 9, 9)),), "0736-7230492"),
)


def canteen_holiday(day: dt.date) -> bool:
    return any(day.month == month and first <= day.day <= last
               for month, first, last in CANTEEN_HOLIDAYS)


def month_days(year: int, month: int) -> list[dt.date]:
    first = dt.date(year, month, 1)
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return [first + dt.timedelta(days=n) for n in range((following - first).days)]


class CanteenBooks:
    """The canteen of the example school, kept as its own books (食堂独立核算).

    About 1,000 students and 60 staff lunch on each school day: parents top up the students'
    meal cards weekly, staff monthly; each day the card system's consumption becomes meal
    income (学生/教职工 apart); four designated suppliers deliver weekly or twice a week
    into stores (双人验收, invoice per delivery) and are paid monthly; the kitchen's
    requisitions are issued weekly; gas, power, water, wages and small purchases are paid
    from the canteen's account; each month ends with a stocktake whose shrinkage is booked
    with its cause; each term ends with the refund of the students' card balances.  Every
    canteen entry balances within the canteen's accounts, and the surplus rate stays under
    the cap month by month and term by term (asserted).

    Randomness comes from its own generator (seeded with the config seed and "canteen"), so
    changing the canteen never shifts the rest of the example.
    """

    def __init__(self, gen: "Generator"):
        self.gen = gen
        self.books = gen.books
        self.rng = random.Random(f"{gen.config.seed}-canteen")
        self.invoice_seq = 0
        self.stock = {category: Decimal(0) for _, category in chart.FOOD_CATEGORIES}
        self.issued_month = {category: Decimal(0) for _, category in chart.FOOD_CATEGORIES}
        self.delivered: dict[tuple[int, int], dict[CanteenSupplier, list[Decimal]]] = {}
        self.tally: dict[tuple[int, int], list[Decimal]] = {}  # month -> [income, cost]
        self.term_tally: dict[str, list[Decimal]] = {}
        self.term_of_day: dict[dt.date, Term] = {}
        self.enrolment: dict[int, int] = {}
        self.staff = max(8, round(gen.config.students / 17))
        self.prices: dict[str, float] = {}
        self.register: list[tuple[dt.date, str]] = []  # supplier records for canteen.beancount

    # -- helpers -------------------------------------------------------------------------
    def invoice(self, day: dt.date) -> str:
        self.invoice_seq += 1
        return f"{day.year % 100}{self.rng.randrange(10**6, 10**7)}7{self.invoice_seq:010d}"

    def book(self, txn: Txn) -> Txn:
        """Add to the books; count canteen income and cost for the month and the term."""
        for account, amount in txn.postings:
            if amount is None:
                continue
            if account in (MEAL_INCOME, chart.STAFF_MEAL_INCOME, chart.CANTEEN_OTHER_INCOME):
                index, value = 0, -amount
            elif account.startswith(CANTEEN_COST):
                index, value = 1, amount
            else:
                continue
            self.tally.setdefault((txn.date.year, txn.date.month), [Decimal(0)] * 2)[index] += value
            term = self.term_of(txn.date)
            self.term_tally.setdefault(term, [Decimal(0)] * 2)[index] += value
        return self.books.add(txn)

    def term_of(self, day: dt.date) -> str:
        """The term a day's income and cost count for: the next term end on or after it."""
        for term in self.gen.terms_all:
            if day <= term.end:
                return term.name
        return "current"

    def pay(self, day: dt.date, payee: str, narration: str, account: str, amount: Decimal,
            handler: str, inspector: str | None = None, extra=(), links=(), kind: str = "") -> Txn:
        meta = self.gen.approvals(day, amount, handler=handler, inspector=inspector, kind=kind,
                                  rng=self.rng)
        meta += list(extra) + [("invoice", self.invoice(day)), ("attachments", self.rng.randint(2, 5))]
        return self.book(Txn(day, "*", payee, narration, merge(meta),
                             [(account, amount), (BANK_CANTEEN, -amount)], tuple(links)))

    # -- the year ------------------------------------------------------------------------
    def run(self) -> None:
        days: list[dt.date] = []
        for term in self.gen.terms_all:
            if term.start > END:
                continue
            self.enrolment[term.school_year] = len(self.gen.enrolled(term.school_year))
            for day in school_days(term.start, min(term.end, END)):
                if not canteen_holiday(day):
                    days.append(day)
                    self.term_of_day[day] = term
        self.write_register()
        self.opening()
        by_month: dict[tuple[int, int], list[dt.date]] = {}
        for day in days:
            by_month.setdefault((day.year, day.month), []).append(day)
        day = self.gen.config.start
        while day <= END:
            self.month(day.year, day.month, by_month.get((day.year, day.month), []))
            day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        self.check_surplus()

    def write_register(self) -> None:
        """The supplier register: each school year's tender, and licence renewals in between."""
        first, last = self.gen.config.start, END
        for supplier in CANTEEN_SUPPLIERS:
            for school_year in self.gen.school_years:
                self.register.append(self.record(supplier, dt.date(school_year, 8, 20), school_year))
            for issued, _number, _expiry in supplier.food_licences[1:]:
                if first <= issued <= last:
                    year = issued.year if issued.month >= 9 else issued.year - 1
                    self.register.append(self.record(supplier, issued, year, renewal=True))
        self.register.sort(key=lambda record: record[0])

    @staticmethod
    def record(supplier: CanteenSupplier, day: dt.date, school_year: int,
               renewal: bool = False) -> tuple[dt.date, str]:
        _issued, number, expiry = supplier.food_licence(day)
        contract, start, end = supplier.contract(school_year)
        note = "  ; 食品经营许可证换证" if renewal else f"  ; {school_year}-{school_year + 1}学年定点采购招标"
        licence_expiry = (f"{supplier.licence_expiry}" if supplier.licence_expiry
                          else quote("长期"))
        return day, (f'{day} custom "supplier" {quote(supplier.name)}{note}\n'
                     f'  goods: {quote(supplier.category)}\n'
                     f'  licence: {quote(supplier.licence)}\n'
                     f'  licence_expiry: {licence_expiry}\n'
                     f'  food_licence: {quote(number)}\n'
                     f'  food_licence_expiry: {expiry}\n'
                     f'  contract: {quote(contract)}\n'
                     f'  contract_start: {start}\n'
                     f'  contract_end: {end}\n'
                     f'  phone: {quote(supplier.phone)}\n')

    def opening(self) -> None:
        """期初: the canteen's bank, the dry goods left over the summer, staff card balances."""
        day = self.gen.config.start - dt.timedelta(days=1)
        rice, spices = money("3860.20"), money("1246.80")
        self.stock["米面油"] += rice
        self.stock["调味品"] += spices
        self.book(Txn(day, "*", None, "食堂期初余额（上年结转）", [("reviewer", ACCOUNTANT)], [
            (BANK_CANTEEN, money("58316.40")),
            (chart.food_stock_account("米面油"), rice),
            (chart.food_stock_account("调味品"), spices),
            (chart.STAFF_MEAL_CARDS, money("-2136.00")),
            (chart.CANTEEN_EQUITY, None),
        ], numbered=False))

    def month(self, year: int, month: int, days: list[dt.date]) -> None:
        rng = self.rng
        for category in self.issued_month:
            self.issued_month[category] = Decimal(0)
        # each day's diners and the kitchen's use of each food (at cost)
        diners = {}
        for day in days:
            enrolled = self.enrolment[self.term_of_day[day].school_year]
            students = round(enrolled * rng.uniform(0.80, 0.86))
            staff = round(self.staff * rng.uniform(0.78, 0.90))
            use = {category: money((FOOD_PER_MEAL[category] * students
                                    + FOOD_PER_MEAL[category] * STAFF_FOOD_FACTOR * staff)
                                   * Decimal(str(rng.uniform(0.97, 1.03))))
                   for category in FOOD_PER_MEAL}
            diners[day] = (students, staff, use)
        for item in (i for items in FOOD_ITEMS.values() for i in items):
            self.prices[item[0]] = round(rng.uniform(*item[2]), 2)
        weeks: list[list[dt.date]] = []
        for day in days:
            if weeks and weeks[-1][-1].isocalendar()[1] == day.isocalendar()[1]:
                weeks[-1].append(day)
            else:
                weeks.append([day])
        pay_day = _weekday_on_or_after(dt.date(year, month, 10))
        market_day = next((d for d in days if d.day >= 8), None)
        supplies_day = next((d for d in days if d.day >= 15), None)
        week_of = {day: week for week in weeks for day in week}
        slips = 0
        for day in month_days(year, month):
            if day > END:
                break
            if day == pay_day:
                self.pay_suppliers(day)
            if day in diners:
                week = week_of[day]
                if day == days[0]:
                    self.staff_topup(day, sum(diners[d][1] for d in days))
                if day == week[0]:
                    self.student_topup(day, sum(diners[d][0] for d in week))
                self.deliveries(day, week, diners)
                if day == market_day:
                    self.market_purchase(day)
                self.consumption(day, *diners[day][:2])
                if day == supplies_day:
                    meals = sum(s + t for s, t, _ in (diners[d] for d in days))
                    self.pay(day, "青禾市洁安消毒用品有限公司", f"{month}月食堂餐具、清洁消毒用品",
                             chart.CANTEEN_OTHER_COST,
                             money(Decimal("0.08") * meals * Decimal(str(rng.uniform(0.9, 1.1)))),
                             handler=DIRECTOR, inspector=KEEPER, kind="purchase")
                if day == week[-1]:
                    slips += 1
                    self.issue(day, week, diners, f"LL-{year}{month:02d}-{slips:02d}")
                term = self.term_of_day[day]
                if day == term.end:
                    self.term_end_refund(day, term)
                elif day == week[-1] and rng.random() < 0.3:
                    self.refund(day)
                if day == days[-1]:
                    self.month_bills(day, days, diners)
            if days and day == month_days(year, month)[-1]:
                self.stocktake(day)
            if day.day == 21 and month in (3, 6, 9, 12):
                self.interest(day)

    def student_topup(self, day: dt.date, meals: int) -> None:
        need = MEAL_PRICE * meals
        buffer = need * Decimal(str(self.rng.uniform(0.08, 0.20)))
        amount = money(need + buffer + self.books.balance(MEAL_CARDS))
        if amount > 0:
            records = max(1, round(amount / Decimal(str(self.rng.uniform(120, 200)))))
            self.book(Txn(day, "*", None, "饭卡充值汇总（一卡通系统）", [
                ("card_batch", f"饭卡-充值-{day}"), ("records", records), ("cards", records),
            ], [(BANK_CANTEEN, amount), (MEAL_CARDS, -amount)]))

    def staff_topup(self, day: dt.date, meals: int) -> None:
        need = STAFF_MEAL_PRICE * meals * Decimal(str(self.rng.uniform(1.02, 1.10)))
        amount = money(need + self.books.balance(chart.STAFF_MEAL_CARDS))
        if amount > 0:
            records = min(self.staff, max(1, round(amount / STAFF_MEAL_PRICE / 18)))
            self.book(Txn(day, "*", None, "教职工饭卡充值汇总（一卡通系统）", [
                ("card_batch", f"饭卡-教职工充值-{day}"), ("records", records), ("cards", records),
            ], [(BANK_CANTEEN, amount), (chart.STAFF_MEAL_CARDS, -amount)]))

    def consumption(self, day: dt.date, students: int, staff: int) -> None:
        for kind, cards, income, price, meals in (
                ("", MEAL_CARDS, MEAL_INCOME, MEAL_PRICE, students),
                ("教职工", chart.STAFF_MEAL_CARDS, chart.STAFF_MEAL_INCOME, STAFF_MEAL_PRICE, staff)):
            amount = price * meals
            self.book(Txn(day, "*", None, f"{kind}就餐消费汇总，确认伙食费收入（一卡通系统）", [
                ("card_batch", f"饭卡-{kind}消费-{day}"), ("records", meals), ("cards", meals),
            ], [(cards, amount), (income, -amount)]))

    def refund(self, day: dt.date) -> None:
        """A few cards refunded (转学、长期病假) through the card system."""
        amount = money(-self.books.balance(MEAL_CARDS) * Decimal(str(self.rng.uniform(0.01, 0.05))))
        if amount > 0:
            records = self.rng.randint(1, 5)
            self.book(Txn(day, "*", None, "饭卡退款汇总（一卡通系统）", [
                ("card_batch", f"饭卡-退款-{day}"), ("records", records), ("cards", records),
            ], [(MEAL_CARDS, amount), (BANK_CANTEEN, -amount)]))

    def term_end_refund(self, day: dt.date, term: Term) -> None:
        """期末清退: what is left on the students' cards goes back to the families."""
        amount = money(-self.books.balance(MEAL_CARDS))
        if amount > 0:
            cards = round(self.enrolment[term.school_year] * self.rng.uniform(0.70, 0.85))
            self.book(Txn(day, "*", None, f"期末饭卡余额清退 {term.name}（一卡通系统）", [
                ("card_batch", f"饭卡-退款-{day}"), ("records", cards), ("cards", cards),
                ("handler", DIRECTOR), ("reviewer", ACCOUNTANT), ("approver", PRINCIPAL),
                ("approved", day - dt.timedelta(days=3)),
            ], [(MEAL_CARDS, amount), (BANK_CANTEEN, -amount)]))

    def deliveries(self, day: dt.date, week: list[dt.date], diners) -> None:
        """Each supplier delivers on its days (and on the first day of a short week)."""
        term_days = [d for d in week if self.term_of_day[d] is self.term_of_day[day]]
        last_of_term = week[-1] == self.term_of_day[day].end
        pair = CANTEEN_INSPECTOR_PAIRS[week[0].isocalendar()[1] % 2]
        for supplier in CANTEEN_SUPPLIERS:
            drops = [d for d in term_days if d.weekday() in supplier.weekdays]
            if not drops or drops[0] != term_days[0]:
                drops.insert(0, term_days[0])
            if day not in drops:
                continue
            category = supplier.category
            upto = drops[drops.index(day) + 1] if day != drops[-1] else None
            covered = [d for d in term_days if d >= day and (upto is None or d < upto)]
            need = sum((diners[d][2][category] for d in covered), Decimal(0))
            daily = need / len(covered)
            keep = Decimal(0) if last_of_term and category in ("肉禽蛋", "蔬菜") else daily * STOCK_DAYS[category]
            issued_before = sum((diners[d][2][category] for d in term_days if d < day), Decimal(0))
            goal = need + keep - (self.stock[category] - issued_before)
            if goal <= 0:
                continue
            lines, amount = [], Decimal(0)
            for name, unit, _range, share in FOOD_ITEMS[category]:
                price = Decimal(str(self.prices[name])).quantize(CENT)
                quantity = int((goal * Decimal(str(share)) / price).to_integral_value())
                if quantity > 0:
                    lines.append(f"{name}{quantity}{unit}×{price}")
                    amount += price * quantity
            if amount <= 0:
                continue
            contract = supplier.contract(day.year if day.month >= 9 else day.year - 1)[0]
            self.stock[category] += amount
            self.delivered.setdefault((day.year, day.month), {}).setdefault(supplier, []).append(amount)
            self.book(Txn(day, "*", supplier.name, f"食堂{category}入库：{'、'.join(lines)}", [
                ("handler", KEEPER), ("inspector", pair), ("supplier", supplier.name),
                ("contract", contract), ("invoice", self.invoice(day)),
            ], [(chart.food_stock_account(category), amount), (chart.CANTEEN_PAYABLE, -amount)],
                (contract,)))

    def market_purchase(self, day: dt.date) -> None:
        """零星采购 below the bulk threshold: one inspector, paid at once, still invoiced."""
        amount = self.gen_amount(180, 480)
        self.stock["蔬菜"] += amount
        self.pay(day, "明德区惠民生鲜超市", "零星采购葱姜蒜、香菜等（入库）", chart.food_stock_account("蔬菜"),
                 amount, handler=KEEPER, inspector=TEACHERS[5], kind="purchase")

    def gen_amount(self, low: float, high: float) -> Decimal:
        return money(self.rng.uniform(low, high))

    def issue(self, day: dt.date, week: list[dt.date], diners, slip: str) -> None:
        """The week's requisitions (领料单) issued from stores to the kitchen."""
        postings = []
        for category in self.stock:
            used = sum((diners[d][2][category] for d in week), Decimal(0))
            used = min(used, self.stock[category])
            if used > 0:
                self.stock[category] -= used
                self.issued_month[category] += used
                postings += [(chart.food_cost_account(category), used),
                             (chart.food_stock_account(category), -used)]
        self.book(Txn(day, "*", None, f"食堂领料出库汇总（{week[0]:%m-%d}至{week[-1]:%m-%d}）", [
            ("handler", KEEPER), ("reviewer", ACCOUNTANT), ("issue_slip", slip),
        ], postings))

    def month_bills(self, day: dt.date, days: list[dt.date], diners) -> None:
        """Gas, power and water read at the end of the month, and the month's wages."""
        rng = self.rng
        meals = sum(s + t for s, t, _ in (diners[d] for d in days))
        month = day.month
        for payee, what, rate in (("青禾华润燃气有限公司", "燃气费", "0.26"),
                                  ("国网青禾供电公司明德供电所", "电费（食堂电表）", "0.10"),
                                  ("青禾市水务集团有限公司", "水费（食堂水表）", "0.05")):
            amount = money(Decimal(rate) * meals * Decimal(str(rng.uniform(0.95, 1.05))))
            self.pay(day, payee, f"{month}月食堂{what}", chart.CANTEEN_FUEL, amount, handler=DIRECTOR)
        students = sum(diners[d][0] for d in days) / len(days)
        workers = max(3, round(students / 85))
        wages = CANTEEN_WORKER_DAY * workers * len(days)
        meta = self.gen.approvals(day, wages, handler=DIRECTOR, rng=rng) + [("staff", workers)]
        self.book(Txn(day, "*", "食堂从业人员", f"{month}月食堂从业人员工资（{workers}人×{len(days)}天）",
                      merge(meta), [(chart.CANTEEN_LABOUR, wages), (BANK_CANTEEN, -wages)]))

    def stocktake(self, day: dt.date) -> None:
        """月末盘存: shrinkage (and now and then a small gain) booked with its cause, then the count."""
        rng = self.rng
        month = day.month
        postings, reasons = [], []
        for category, ((low, high), cause) in STOCK_LOSS.items():
            loss = min(self.stock[category], money(self.issued_month[category] * Decimal(str(rng.uniform(low, high)))))
            if category == "调味品" and rng.random() < 0.2:
                loss = -self.gen_amount(5, 30)
                cause = "散装调料计量误差（盘盈）"
            if loss:
                self.stock[category] -= loss
                postings += [(chart.food_cost_account(category), loss),
                             (chart.food_stock_account(category), -loss)]
                reasons.append(f"{category}{'盘亏' if loss > 0 else '盘盈'}{abs(loss)}元：{cause}")
        if postings:
            self.book(Txn(day, "*", None, f"{month}月食堂盘存差额调整", [
                ("handler", KEEPER), ("reviewer", ACCOUNTANT), ("approver", DIRECTOR),
                ("approved", day), ("stocktake", "；".join(reasons)),
            ], postings))
        counters = f"{KEEPER},{CANTEEN_INSPECTOR_PAIRS[0].split(',')[0]}"
        for _, category in chart.FOOD_CATEGORIES:
            self.gen.directives.append((day, f'{day} custom "stocktake" {chart.food_stock_account(category)} '
                                             f'{self.stock[category]:.2f} CNY\n  counted_by: {quote(counters)}'))

    def pay_suppliers(self, day: dt.date) -> None:
        """Last month's deliveries, paid supplier by supplier (月结) under the year's contract."""
        previous = (day.replace(day=1) - dt.timedelta(days=1))
        for supplier, amounts in self.delivered.pop((previous.year, previous.month), {}).items():
            total = sum(amounts, Decimal(0))
            year = previous.year if previous.month >= 9 else previous.year - 1
            contract = supplier.contract(year)[0]
            meta = self.gen.approvals(day, total, handler=DIRECTOR, rng=self.rng)
            meta += [("supplier", supplier.name), ("procurement", "公开招标"), ("contract", contract),
                     ("meeting", f"校务会纪要〔{year}〕第8号")]
            self.book(Txn(day, "*", supplier.name,
                          f"支付{previous.month}月食堂{supplier.category}货款（送货{len(amounts)}次）",
                          merge(meta), [(chart.CANTEEN_PAYABLE, total), (BANK_CANTEEN, -total)],
                          (contract,)))

    def interest(self, day: dt.date) -> None:
        amount = money(max(self.books.balance(BANK_CANTEEN), Decimal(0)) * Decimal("0.0008")
                       + Decimal("3.17"))
        self.book(Txn(day, "*", "中国农业银行青禾明德支行", "食堂结算户结息", [("reviewer", ACCOUNTANT)],
                      [(BANK_CANTEEN, amount), (chart.CANTEEN_OTHER_INCOME, -amount)]))

    def check_surplus(self) -> None:
        """The example stays under the cap (seed 002: 8%), by month and by term."""
        for period, (income, cost) in [*self.tally.items(), *self.term_tally.items()]:
            if income:
                rate = (income - cost) / income * 100
                assert rate < CANTEEN_SURPLUS_CAP, f"canteen surplus {rate:.2f}% in {period}"
        assert self.books.balance(BANK_CANTEEN) > 0
        assert all(value >= 0 for value in self.stock.values())

    def policy(self, start: dt.date) -> str:
        return (f'{start} custom "policy" "canteen-surplus-cap" {CANTEEN_SURPLUS_CAP}\n'
                f'{start} custom "policy" "canteen-surplus-mode" "school"\n'
                f'{start} custom "policy" "canteen-bulk-threshold" {CANTEEN_BULK_THRESHOLD:.2f} CNY\n'
                f'{start} custom "policy" "canteen-licence-notice-days" 60\n')

    def register_file(self) -> str:
        return (HEADER + "; 食堂定点供应商登记（索证索票：营业执照、食品经营许可证、供货合同）。\n"
                "; 每学年招标后登记一次；换证、续签时新增一条，自该日起生效，旧的保留。\n\n"
                + "\n".join(text for _day, text in self.register))


# -- writing the files -------------------------------------------------------------------

HEADER = "; 由 `xiaozhang example` 生成的示例学校账本（虚构数据）。\n"


def main_file(config: ExampleConfig, years: list[int]) -> str:
    includes = "\n".join(f'include "{y}/*.beancount"' for y in years)
    # Fava's Import page: the repository's example ledger (default configuration, in ledger/)
    # uses the repository's importers by relative path; ledgers generated elsewhere (bench,
    # tests) would not find that path, and Fava reports a missing import-config as an error.
    imports = ""
    if config == ExampleConfig():
        imports = (f'{config.start} custom "fava-option" "import-config" "../importers/fava_import.py"\n'
                   f'{config.start} custom "fava-option" "import-dirs" "../imports"\n')
    return f"""{HEADER}
option "title" "{SCHOOL['name']}（示例）"
option "operating_currency" "CNY"
option "render_commas" "TRUE"
option "booking_method" "STRICT"

; Fava 设置：中文界面
{config.start} custom "fava-option" "language" "zh"
{config.start} custom "fava-option" "locale" "zh_CN"
{config.start} custom "fava-option" "default-page" "extension/Overview/"
{config.start} custom "fava-option" "fiscal-year-end" "12-31"
{config.start} custom "fava-extension" "xiaozhang.reports.fava_ext"
{imports}
; 校账规则插件
plugin "xiaozhang.plugins.policy"
plugin "xiaozhang.plugins.approvals"
plugin "xiaozhang.plugins.twolines"
plugin "xiaozhang.plugins.projects"
plugin "xiaozhang.plugins.budgets"
plugin "xiaozhang.plugins.fees"
plugin "xiaozhang.plugins.canteen"
plugin "xiaozhang.plugins.assets"
plugin "xiaozhang.plugins.depreciation"

include "accounts.beancount"
include "policy.beancount"
include "canteen.beancount"
include "assets.beancount"
{includes}
"""


def accounts_file(config: ExampleConfig) -> str:
    opened = dt.date(config.start.year - 10, 1, 1)
    out = [HEADER, "; 会计科目表（政府会计制度，科目编码+科目名称）\n\n"]
    for definition in chart.CHART:
        out.append(f"{opened} open {definition.account} CNY\n")
        out.append(f"  description: {quote(definition.description)}\n")
        for key, value in definition.meta:
            out.append(f"  {key}: {render_value(value)}\n")
    return "".join(out)


def policy_file(config: ExampleConfig, gen: "Generator") -> str:
    start = dt.date(config.start.year, 8, 25)
    s = SCHOOL
    return f"""{HEADER}
; 学校基本信息（按日期生效；人员变动时新增一条）
{start} custom "school" "{s['name']}"
  principal: "{s['principal']}"
  director: "{s['director']}"
  accountant: "{s['accountant']}"
  cashier: "{s['cashier']}"
  canteen_keeper: "{s['canteen_keeper']}"
  hotline: "{s['hotline']}"
  func: "{s['func']}"
  func_name: "{s['func_name']}"

; 审批权限（一支笔）：角色及其审批限额；不写限额表示不限（超过三重一大标准另需集体决策）
{start} custom "policy" "approval-tier" "director" {DIRECTOR_LIMIT:.2f} CNY
{start} custom "policy" "approval-tier" "principal"

; 限额标准
""" + "".join(f'{max(since, start)} custom "policy" "meeting-threshold" {value:.2f} CNY\n'
              for since, value in MEETING_THRESHOLDS) + f"""{start} custom "policy" "procurement-threshold" {PROCUREMENT_THRESHOLD:.2f} CNY
{start} custom "policy" "quote-threshold" {QUOTE_THRESHOLD:.2f} CNY
{start} custom "policy" "cash-limit" 5000.00 CNY
{start} custom "policy" "remittance-days" 5
{start} custom "policy" "split-window-days" 10
{start} custom "policy" "pending-days" 30
{start} custom "policy" "budget-control" "warn"
{start} custom "policy" "settle-days" 30
{start} custom "policy" "disclosure-days" 15

; 固定资产：单位价值标准（一般 / 专用设备）、折旧起始月份（same-month 当月 / next-month 次月）
{start} custom "policy" "asset-threshold" 1000.00 CNY
{start} custom "policy" "asset-threshold-special" 1500.00 CNY
{start} custom "policy" "depreciation-start" "same-month"

; 食堂：伙食结余率上限（%，每月和每学期）、大宗食材标准（定点采购、双人验收）、证照到期提醒天数
""" + gen.canteen_books.policy(start) + """
; 学期结束日（代收费在其后 settle-days 天内结清）
""" + "".join(f'{t.end} custom "policy" "term-end" "{t.name}"\n' for t in gen.terms_ended) + """
; 收费项目：名称、性质、收费标准；计费单位、范围、依据、是否自愿、结算方式、科目（见 docs/disclosure.md）
""" + fee_items_text(start) + """
; 专项资金（专款专用）：名称、资金总额、允许列支的科目
""" + "".join(line + "\n" for line in gen.projects) + """
; 预算指标（Fava 预算格式，按年）
""" + "\n".join(gen.budgets()) + "\n"


def fee_items_text(start: dt.date) -> str:
    out = []
    for name, kind, standards, voluntary, settlement, account, provider, basis, note in FEE_ITEMS:
        for scope, standard in standards:
            out.append(f'{start} custom "fee" "{name}" "{kind}" {standard:.2f} CNY\n'
                       f'  unit: "元/生·学期"\n  scope: "{scope}"\n  basis: {quote(basis)}\n'
                       f'  voluntary: {render_value(voluntary)}\n  settlement: "{settlement}"\n'
                       f'  account: "{account}"\n')
            if provider:
                out.append(f'  provider: "{provider}"\n')
            if note:
                out.append(f"  note: {quote(note)}\n")
    return "".join(out)


def month_file(txns: list[Txn], year: int, month: int, directives: list[str] = ()) -> str:
    body = "\n".join(t.render() for t in txns)
    if directives:
        body += ("\n; 收费公示记录（公示日期、公示的月份和收费项目）；食堂月末盘存（实存金额）\n"
                 + "".join(d + "\n" for d in directives))
    return f"{HEADER}; {year}年{month}月\n\n{body}"


def roster_file(students: list[Student], last_year: int) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["学号", "姓名", "年级", "班级", "入学年份"])
    for s in students:
        grade = s.grade(last_year)
        if grade > 6:
            grade_name, class_name = "已毕业", ""
        elif grade < 1:
            continue
        else:
            grade_name, class_name = f"{GRADES[grade - 1]}年级", s.class_name(last_year)
        writer.writerow([s.sid, s.name, grade_name, class_name, s.entry_year])
    return buffer.getvalue()


def generate(out: Path, config: ExampleConfig = ExampleConfig()) -> list[Path]:
    """Write the example ledger into `out`; returns the files written."""
    gen = Generator(config)
    gen.run()
    by_month: dict[tuple[int, int], list[Txn]] = {}
    for txn in gen.books.txns:
        by_month.setdefault((txn.date.year, txn.date.month), []).append(txn)
    files: dict[str, str] = {}
    for (year, month), txns in sorted(by_month.items()):
        txns.sort(key=lambda t: t.date)  # stable: generation order within a day
        number = 0
        for txn in txns:
            if txn.numbered:
                number += 1
                txn.meta.insert(0, ("voucher", f"记-{year}-{month:02d}-{number:03d}"))
        directives = [text for day, text in sorted(gen.directives) if (day.year, day.month) == (year, month)]
        files[f"{year}/{month:02d}.beancount"] = month_file(txns, year, month, directives)
    years = sorted({year for year, _ in by_month})
    files["main.beancount"] = main_file(config, years)
    files["accounts.beancount"] = accounts_file(config)
    files["policy.beancount"] = policy_file(config, gen)
    files["canteen.beancount"] = gen.canteen_books.register_file()
    files["students.csv"] = roster_file(gen.students, gen.school_years[-1])
    files["assets.beancount"] = gen.fixed_assets.transfers_file(HEADER)
    written = []
    for name, text in sorted(files.items()):
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
        written.append(path)
    return written
