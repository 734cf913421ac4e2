"""The school's fees (收费): 代收费 (作业本费, 教辅资料费), 住宿费, 课后服务费, and their disclosure.

代收费 are collected per student into the collection account, the providers paid per grade, and
what is left refunded per class at the term's end (多退少不补); 住宿费 (行政事业性收费) goes to
2103, is remitted to the 财政专户 every Friday and partly returned as 事业收入; 课后服务费
(服务性收费, voluntary) is school income spent on the teachers' subsidy and a sports club; each
month of a term is disclosed (`custom "disclosure"`) early in the next month.

Drawn from the fee books' own random stream, so that changes here never shift the rest of the
example.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from xiaozhang import chart
from xiaozhang.chart import (
    ACCOMMODATION_FEE,
    AFTER_SCHOOL_INCOME,
    BANK_BASIC,
    BANK_COLLECTION,
    OPERATING_INCOME_REFUND,
    PAYROLL,
)
from xiaozhang.example.config import END
from xiaozhang.example.context import Example
from xiaozhang.example.dates import is_autumn, school_days, school_year_of, weekday_on_or_after
from xiaozhang.example.entries import Txn, merge, quote, render_value
from xiaozhang.example.people import ACCOUNTANT, CASHIER, DIRECTOR, GRADES, PRINCIPAL, TEACHERS, Student
from xiaozhang.model.money import yuan
from xiaozhang.model.periods import Month, Term

HOMEWORK_STANDARD = Decimal("15.00")  # 作业本费 15 元/生·学期 (seed 002)
WORKBOOK_STANDARD = {1: "26.80", 2: "26.80", 3: "34.50", 4: "34.50", 5: "41.20", 6: "41.20"}
BOARDING_FEE = Decimal("450.00")  # 住宿费 元/生·学期 (行政事业性收费)
AFTER_SCHOOL_FEE = Decimal("280.00")  # 课后服务费 元/生·学期 (服务性收费, voluntary)
HOMEWORK = chart.agency_fee_account("01")
WORKBOOK = chart.agency_fee_account("02")

# The fee items (收费项目), written into policy.beancount: name, kind, standard per scope,
# voluntary, settlement, account, provider, basis, note.
_FEE_BASIS = "青禾市发展和改革委员会、青禾市教育局《关于规范中小学服务性收费和代收费管理的通知》（青发改收费〔2024〕18号）"
FEE_ITEMS = (
    ("作业本费", "代收", (("全校", HOMEWORK_STANDARD),), False, "多退少不补",
     HOMEWORK, "青禾市新华书店", _FEE_BASIS, ""),
    ("教辅资料费", "代收", tuple((f"{GRADES[g - 1]}年级,{GRADES[g]}年级", Decimal(WORKBOOK_STANDARD[g]))
                              for g in (1, 3, 5)), True, "多退少不补",
     WORKBOOK, "青禾市教育图书发行站", _FEE_BASIS,
     "家长自愿订购，不订购的不收"),
    ("住宿费", "行政事业性", (("全校", BOARDING_FEE),), False, "不结算", ACCOMMODATION_FEE, "",
     "青禾市发展和改革委员会、青禾市财政局《关于公办中小学住宿费收费标准的通知》（青发改收费〔2023〕7号）",
     "只向住校学生收取；收入全额上缴财政专户"),
    ("课后服务费", "服务性", (("全校", AFTER_SCHOOL_FEE),), True, "不结算", AFTER_SCHOOL_INCOME, "",
     "青禾市发展和改革委员会、青禾市教育局《关于中小学课后服务收费的通知》（青发改收费〔2024〕31号）",
     "家长自愿参加；用于课后服务教师补助和委托机构服务费，单独核算"),
)


def fee_items_text(start: dt.date) -> str:
    """The `custom "fee"` directives of policy.beancount, one per item and scope."""
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


class FeeBooks:
    """Every term's fees, written into the example's books."""

    def __init__(self, ex: Example):
        self.ex = ex
        self.books = ex.books
        self.rng = random.Random(f"{ex.config.seed}-fees")
        self.invoice_seq = 0

    def invoice(self, day: dt.date) -> str:
        """A supplier's invoice number for a fee payment (own sequence, own random stream)."""
        self.invoice_seq += 1
        return f"{day.year % 100}{self.rng.randrange(10**6, 10**7)}9{self.invoice_seq:010d}"

    def run(self) -> None:
        """Every term's fees, in order: 代收费, 住宿费, 课后服务费, the disclosures."""
        for term in self.ex.terms:
            self.agency_fees(term)
            self.boarding_fees(term)
            self.after_school(term)
            self.disclosures(term)

    def collect_fee(self, day: dt.date, student: Student, term: Term, item: str, account: str,
                    amount: Decimal, bank: str) -> None:
        """One receipt per student and item (as the e-billing platform issues them)."""
        narration = f"收取{item} {term.name}" if account.startswith(chart.PAYABLE_TO_TREASURY) \
            else f"代收{item} {term.name}" if account.startswith(chart.AGENCY_FEES) \
            else f"收{item} {term.name}"
        self.books.add(Txn(day, "*", None, narration, [
            ("student", student.sid), ("class", student.class_name(school_year_of(term))),
            ("item", item), ("invoice", self.ex.receipt(day)),
        ], [(bank, amount), (account, -amount)], numbered=False))

    def agency_fees(self, term: Term) -> None:
        """代收费: collected per student, paid to the supplier, the rest refunded at term end."""
        rng = self.rng
        school_year = school_year_of(term)
        students = self.ex.enrolled(school_year)
        buyers: dict[str, list[Student]] = {"01": [], "02": []}
        collect_days = school_days(term.start, term.start + dt.timedelta(days=9))
        for student in students:
            day = rng.choice(collect_days)
            grade = student.grade(school_year)
            items = [("01", HOMEWORK, "作业本费", HOMEWORK_STANDARD)]
            if rng.random() < 0.93:  # 教辅资料 are voluntary (自愿订购)
                items.append(("02", WORKBOOK, "教辅资料费", yuan(WORKBOOK_STANDARD[grade])))
            for code, account, item, standard in items:
                buyers[code].append(student)
                self.collect_fee(day, student, term, item, account, standard, BANK_COLLECTION)
        # the providers are paid the actual unit cost per grade, below the standard
        unit = {g: self.amount(12.8, 14.2) for g in range(1, 7)}
        unit2 = {g: yuan(Decimal(WORKBOOK_STANDARD[g]) - self.amount(0.6, 2.4)) for g in range(1, 7)}
        pay_day = weekday_on_or_after(term.start + dt.timedelta(days=20))
        if pay_day > END:
            return
        self.agency_payment(term, pay_day, "青禾市新华书店", "作业本", "作业本费", HOMEWORK,
                            buyers["01"], unit)
        self.agency_payment(term, weekday_on_or_after(pay_day + dt.timedelta(days=1)),
                            "青禾市教育图书发行站", "教辅资料", "教辅资料费", WORKBOOK, buyers["02"], unit2)
        if term.end > END:
            return  # the current term: the settlement is still to come
        # 期末清退 (多退少不补), per class
        for code, account, item, standard_of, unit_of in (
            ("01", HOMEWORK, "作业本费", lambda g: HOMEWORK_STANDARD, unit),
            ("02", WORKBOOK, "教辅资料费", lambda g: yuan(WORKBOOK_STANDARD[g]), unit2),
        ):
            by_class: dict[str, list[Student]] = {}
            for s in buyers[code]:
                by_class.setdefault(s.class_name(school_year), []).append(s)
            for class_name in sorted(by_class, key=lambda c: (GRADES.index(c[0]), c)):
                group = by_class[class_name]
                grade = group[0].grade(school_year)
                each = standard_of(grade) - unit_of[grade]
                total = each * len(group)
                self.books.add(Txn(term.end, "*", f"{class_name}学生家长", f"{item}期末清退 {term.name}", [
                    ("handler", TEACHERS[0]), ("reviewer", ACCOUNTANT), ("approver", PRINCIPAL),
                    ("approved", term.end - dt.timedelta(days=2)),
                    ("class", class_name), ("item", item), ("students", len(group)),
                    ("refund_each", each),
                ], [(account, total), (BANK_COLLECTION, -total)]))

    def amount(self, low: float, high: float) -> Decimal:
        return yuan(self.rng.uniform(low, high))

    def agency_payment(self, term: Term, day: dt.date, payee: str, goods: str, item: str,
                       account: str, buyers: list[Student], unit: dict[int, Decimal]) -> None:
        """Pay the provider for what the buyers received: one posting per grade (unit cost ×
        buyers), so that each grade's cost is shared among that grade's buyers."""
        school_year = school_year_of(term)
        count: dict[int, int] = {}
        for s in buyers:
            count[s.grade(school_year)] = count.get(s.grade(school_year), 0) + 1
        postings: list[tuple] = [(account, unit[g] * n, [("grade", f"{GRADES[g - 1]}年级")])
                                 for g, n in sorted(count.items())]
        total = sum((amount for _, amount, _ in postings), Decimal(0))
        meta = self.ex.approvals(day, total, handler=TEACHERS[0], inspector=f"{TEACHERS[1]},{DIRECTOR}",
                                 kind="purchase", rng=self.rng)
        meta += [("item", item), ("supplier", payee), ("invoice", self.invoice(day)),
                 ("attachments", self.rng.randint(3, 6))]
        self.books.add(Txn(day, "*", payee, f"支付{term.name}{goods}款（{len(buyers)}人）", merge(meta),
                           postings + [(BANK_COLLECTION, -total)]))

    def boarding_fees(self, term: Term) -> None:
        """住宿费 (非税收入): to 2103, remitted to the 财政专户 within days, later returned."""
        boarders = [s for s in self.ex.enrolled(school_year_of(term)) if s.boarder]
        days = school_days(term.start, term.start + dt.timedelta(days=11))
        by_day: dict[dt.date, Decimal] = {}
        for student in boarders:
            day = self.rng.choice(days[:8])
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
        returned = yuan(sum(by_day.values(), Decimal(0)) * Decimal("0.90"))
        back = weekday_on_or_after(term.start + dt.timedelta(days=45))
        if returned and back <= END:
            self.books.add(Txn(back, "*", "青禾市明德区财政局", f"财政专户核拨返还住宿费 {term.name}", [
                ("reviewer", ACCOUNTANT), ("item", "住宿费"),
            ], [(BANK_BASIC, returned), (OPERATING_INCOME_REFUND, -returned)]))

    def after_school(self, term: Term) -> None:
        """课后服务费 (服务性收费, school income, voluntary): collected at the start of the term;
        spent on the teachers' 课后服务补助 (accrued monthly, paid from the basic account) and
        on a sports club engaged for part of the service (委托业务费)."""
        rng = self.rng
        days = school_days(term.start, term.start + dt.timedelta(days=9))
        joined = [s for s in self.ex.enrolled(school_year_of(term)) if rng.random() < 0.66]
        for student in joined:
            self.collect_fee(rng.choice(days), student, term, "课后服务费", AFTER_SCHOOL_INCOME,
                             AFTER_SCHOOL_FEE, BANK_BASIC)
        collected = AFTER_SCHOOL_FEE * len(joined)
        months = [Month.of(term.start).shift(n) for n in range(1, 5)]  # the subsidy's months
        teachers = max(4, round(self.ex.config.students / 40))
        subsidy = f"{PAYROLL}:220102津贴补贴"
        for year, month in months:
            day = weekday_on_or_after(dt.date(year, month, 12))
            if day > END or day > term.end:
                continue
            amount = yuan(collected * Decimal("0.18") * Decimal(str(rng.uniform(0.96, 1.04))))
            self.books.add(Txn(day, "*", None, f"计提{year}年{month}月课后服务教师补助（{teachers}人）", [
                ("handler", CASHIER), ("reviewer", ACCOUNTANT), ("approver", PRINCIPAL),
                ("approved", day - dt.timedelta(days=2)), ("item", "课后服务费"), ("staff", teachers),
            ], [(chart.salaries("30102"), amount), (subsidy, -amount)]))
            pay = weekday_on_or_after(day + dt.timedelta(days=3))
            self.books.add(Txn(pay, "*", "课后服务教师", f"发放{year}年{month}月课后服务教师补助", [
                ("handler", CASHIER), ("reviewer", ACCOUNTANT), ("approver", PRINCIPAL),
                ("approved", day - dt.timedelta(days=2)),
            ], [(subsidy, amount), (BANK_BASIC, -amount)]))
        day = weekday_on_or_after(dt.date(*months[1], 20))
        if day > END:
            return
        club = "青禾市阳光少儿体育俱乐部"
        amount = yuan(collected * Decimal("0.16") * Decimal(str(rng.uniform(0.95, 1.05))))
        contract = f"HT{day.year}KH{1 if is_autumn(term) else 2:02d}"
        meta = self.ex.approvals(day, amount, handler=DIRECTOR, kind="purchase", rng=rng)
        meta += [("item", "课后服务费"), ("supplier", club), ("contract", contract),
                 ("invoice", self.invoice(day)), ("attachments", rng.randint(3, 6))]
        account = chart.goods_services("30227")
        self.ex.count_spending(day, account, amount, BANK_BASIC)
        self.books.add(Txn(day, "*", club, f"支付{term.name}课后服务体育项目委托费", merge(meta),
                           [(account, amount), (BANK_BASIC, -amount)], (contract,)))

    def disclosures(self, term: Term) -> None:
        """The month-end disclosure of every month of the term (收费公示), published within the
        `disclosure-days` of the next month, as `xiaozhang report disclosure` prints it."""
        month, last = Month.of(term.start), Month.of(min(term.end, END))
        items = " ".join(f'"{name}"' for name, *_ in FEE_ITEMS)
        while month <= last:
            published = weekday_on_or_after(dt.date(*month.shift(1), 8))
            if published <= END:
                self.ex.directives.append((published, f'{published} custom "disclosure" '
                                                      f'"{month.text}" {items}'))
            month = month.shift(1)

