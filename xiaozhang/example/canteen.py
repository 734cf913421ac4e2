"""The canteen of the example school, kept as its own books (食堂独立核算): see `CanteenBooks`.

Its suppliers' register (`canteen.beancount`), its policies (surplus cap, bulk threshold,
licence notice) and its month-end stocktakes are written from here too.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from xiaozhang import chart
from xiaozhang.chart import BANK_CANTEEN, CANTEEN_COST, MEAL_CARDS, MEAL_INCOME
from xiaozhang.example.config import END
from xiaozhang.example.context import Example
from xiaozhang.example.dates import (
    is_holiday,
    month_days,
    school_days,
    school_year_of,
    weekday_on_or_after,
)
from xiaozhang.example.entries import HEADER, Txn, merge, quote
from xiaozhang.example.people import ACCOUNTANT, DIRECTOR, KEEPER, PRINCIPAL, TEACHERS
from xiaozhang.model.money import CENT, yuan
from xiaozhang.model.periods import SchoolYear, Term, months_between

MEAL_PRICE = Decimal("6.50")  # 午餐 元/餐
STAFF_MEAL_PRICE = Decimal("8.00")  # 教职工午餐 元/餐, at cost (no subsidy)
CANTEEN_WORKER_DAY = Decimal("115.00")  # 临聘从业人员日工资
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
# the month's rate before its stocktake stays this far under the cap (a stocktake gain, at most
# 30 元 of 调味品, cannot push it over): `CanteenBooks.staffed`
SURPLUS_MARGIN = Decimal("1")


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


def canteen_policy(start: dt.date) -> str:
    """The canteen's policies in policy.beancount, in force from `start`."""
    return (f'{start} custom "policy" "canteen-surplus-cap" {CANTEEN_SURPLUS_CAP}\n'
            f'{start} custom "policy" "canteen-surplus-mode" "school"\n'
            f'{start} custom "policy" "canteen-bulk-threshold" {CANTEEN_BULK_THRESHOLD:.2f} CNY\n'
            f'{start} custom "policy" "canteen-licence-notice-days" 60\n')


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

    def __init__(self, ex: Example):
        self.ex = ex
        self.books = ex.books
        self.rng = random.Random(f"{ex.config.seed}-canteen")
        self.invoice_seq = 0
        self.stock = {category: Decimal(0) for _, category in chart.FOOD_CATEGORIES}
        self.issued_month = {category: Decimal(0) for _, category in chart.FOOD_CATEGORIES}
        self.delivered: dict[tuple[int, int], dict[CanteenSupplier, list[Decimal]]] = {}
        self.tally: dict[tuple[int, int], list[Decimal]] = {}  # month -> [income, cost]
        self.term_tally: dict[str, list[Decimal]] = {}
        self.term_of_day: dict[dt.date, Term] = {}
        self.enrolment: dict[Term, int] = {}  # students enrolled in the term
        self.staff = ex.config.staff
        self.prices: dict[str, float] = {}
        self.register: list[tuple[dt.date, str]] = []  # supplier records for canteen.beancount

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
            term = self.tally_term(txn.date)
            self.term_tally.setdefault(term, [Decimal(0)] * 2)[index] += value
        return self.books.add(txn)

    def tally_term(self, day: dt.date) -> str:
        """The name of the term a day's income and cost count for: the next term end on or after
        it (as the model's terms of the books run from one term end to the next)."""
        for term in self.ex.terms:
            if day <= term.end:
                return term.name
        return "current"

    def pay(self, day: dt.date, payee: str, narration: str, account: str, amount: Decimal,
            handler: str, inspector: str | None = None, extra=(), links=(), kind: str = "") -> Txn:
        meta = self.ex.approvals(day, amount, handler=handler, inspector=inspector, kind=kind,
                                 rng=self.rng)
        meta += list(extra) + [("invoice", self.invoice(day)), ("attachments", self.rng.randint(2, 5))]
        return self.book(Txn(day, "*", payee, narration, merge(meta),
                             [(account, amount), (BANK_CANTEEN, -amount)], tuple(links)))

    # -- the year ------------------------------------------------------------------------
    def run(self) -> None:
        days: list[dt.date] = []
        for term in self.ex.terms:
            self.enrolment[term] = len(self.ex.enrolled(school_year_of(term)))
            for day in school_days(term.start, min(term.end, END)):
                if not is_holiday(day):
                    days.append(day)
                    self.term_of_day[day] = term
        self.write_register()
        self.opening()
        by_month: dict[tuple[int, int], list[dt.date]] = {}
        for day in days:
            by_month.setdefault((day.year, day.month), []).append(day)
        for year, month in months_between(self.ex.config.start, END):
            self.month(year, month, by_month.get((year, month), []))
        self.check_surplus()

    def write_register(self) -> None:
        """The supplier register: each school year's tender, and licence renewals in between."""
        first, last = self.ex.config.start, END
        for supplier in CANTEEN_SUPPLIERS:
            for school_year in self.ex.school_years:
                self.register.append(self.record(supplier, dt.date(school_year, 8, 20), school_year))
            for issued, _number, _expiry in supplier.food_licences[1:]:
                if first <= issued <= last:
                    year = SchoolYear.of(issued).year
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
        day = self.ex.config.start - dt.timedelta(days=1)
        rice, spices = yuan("3860.20"), yuan("1246.80")
        self.stock["米面油"] += rice
        self.stock["调味品"] += spices
        self.book(Txn(day, "*", None, "食堂期初余额（上年结转）", [("reviewer", ACCOUNTANT)], [
            (BANK_CANTEEN, yuan("58316.40")),
            (chart.food_stock_account("米面油"), rice),
            (chart.food_stock_account("调味品"), spices),
            (chart.STAFF_MEAL_CARDS, yuan("-2136.00")),
            (chart.CANTEEN_EQUITY, None),
        ], numbered=False))

    def month(self, year: int, month: int, days: list[dt.date]) -> None:
        rng = self.rng
        for category in self.issued_month:
            self.issued_month[category] = Decimal(0)
        # each day's diners and the kitchen's use of each food (at cost)
        diners = {}
        for day in days:
            enrolled = self.enrolment[self.term_of_day[day]]
            students = round(enrolled * rng.uniform(0.80, 0.86))
            staff = round(self.staff * rng.uniform(0.78, 0.90))
            use = {category: yuan((FOOD_PER_MEAL[category] * students
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
        pay_day = weekday_on_or_after(dt.date(year, month, 10))
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
                             yuan(Decimal("0.08") * meals * Decimal(str(rng.uniform(0.9, 1.1)))),
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
        amount = yuan(need + buffer + self.books.balance(MEAL_CARDS))
        if amount > 0:
            records = max(1, round(amount / Decimal(str(self.rng.uniform(120, 200)))))
            self.book(Txn(day, "*", None, "饭卡充值汇总（一卡通系统）", [
                ("card_batch", f"饭卡-充值-{day}"), ("records", records), ("cards", records),
            ], [(BANK_CANTEEN, amount), (MEAL_CARDS, -amount)]))

    def staff_topup(self, day: dt.date, meals: int) -> None:
        need = STAFF_MEAL_PRICE * meals * Decimal(str(self.rng.uniform(1.02, 1.10)))
        amount = yuan(need + self.books.balance(chart.STAFF_MEAL_CARDS))
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
        amount = yuan(-self.books.balance(MEAL_CARDS) * Decimal(str(self.rng.uniform(0.01, 0.05))))
        if amount > 0:
            records = self.rng.randint(1, 5)
            self.book(Txn(day, "*", None, "饭卡退款汇总（一卡通系统）", [
                ("card_batch", f"饭卡-退款-{day}"), ("records", records), ("cards", records),
            ], [(MEAL_CARDS, amount), (BANK_CANTEEN, -amount)]))

    def term_end_refund(self, day: dt.date, term: Term) -> None:
        """期末清退: what is left on the students' cards goes back to the families."""
        amount = yuan(-self.books.balance(MEAL_CARDS))
        if amount > 0:
            cards = round(self.enrolment[term] * self.rng.uniform(0.70, 0.85))
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
            contract = supplier.contract(SchoolYear.of(day).year)[0]
            self.stock[category] += amount
            self.delivered.setdefault((day.year, day.month), {}).setdefault(supplier, []).append(amount)
            self.book(Txn(day, "*", supplier.name, f"食堂{category}入库：{'、'.join(lines)}", [
                ("handler", KEEPER), ("inspector", pair), ("supplier", supplier.name),
                ("contract", contract), ("invoice", self.invoice(day)),
            ], [(chart.food_stock_account(category), amount), (chart.CANTEEN_PAYABLE, -amount)],
                (contract,)))

    def market_purchase(self, day: dt.date) -> None:
        """零星采购 below the bulk threshold: one inspector, paid at once, still invoiced."""
        amount = self.amount(180, 480)
        self.stock["蔬菜"] += amount
        self.pay(day, "明德区惠民生鲜超市", "零星采购葱姜蒜、香菜等（入库）", chart.food_stock_account("蔬菜"),
                 amount, handler=KEEPER, inspector=TEACHERS[5], kind="purchase")

    def amount(self, low: float, high: float) -> Decimal:
        return yuan(self.rng.uniform(low, high))

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
            amount = yuan(Decimal(rate) * meals * Decimal(str(rng.uniform(0.95, 1.05))))
            self.pay(day, payee, f"{month}月食堂{what}", chart.CANTEEN_FUEL, amount, handler=DIRECTOR)
        students = sum(diners[d][0] for d in days) / len(days)
        workers = self.staffed(day, max(3, round(students / 85)), len(days))
        wages = CANTEEN_WORKER_DAY * workers * len(days)
        meta = self.ex.approvals(day, wages, handler=DIRECTOR, rng=rng) + [("staff", workers)]
        self.book(Txn(day, "*", "食堂从业人员", f"{month}月食堂从业人员工资（{workers}人×{len(days)}天）",
                      merge(meta), [(chart.CANTEEN_LABOUR, wages), (BANK_CANTEEN, -wages)]))

    def staffed(self, day: dt.date, workers: int, days: int) -> int:
        """The month's kitchen staff: one more worker (a longer shift, 临时帮厨) while the month
        would end within SURPLUS_MARGIN of the cap (small schools: the staff is rounded down,
        and a short month such as July's last days has little food cost).  The bundled
        school's months never need it, so its ledger does not change."""
        income, cost = self.tally.get((day.year, day.month), (Decimal(0), Decimal(0)))
        while income and (income - cost - CANTEEN_WORKER_DAY * workers * days) * 100 \
                >= (CANTEEN_SURPLUS_CAP - SURPLUS_MARGIN) * income:
            workers += 1
        return workers

    def stocktake(self, day: dt.date) -> None:
        """月末盘存: shrinkage (and now and then a small gain) booked with its cause, then the count."""
        rng = self.rng
        month = day.month
        postings, reasons = [], []
        for category, ((low, high), cause) in STOCK_LOSS.items():
            loss = min(self.stock[category], yuan(self.issued_month[category] * Decimal(str(rng.uniform(low, high)))))
            if category == "调味品" and rng.random() < 0.2:
                loss = -self.amount(5, 30)
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
            self.ex.directives.append((day, f'{day} custom "stocktake" {chart.food_stock_account(category)} '
                                             f'{self.stock[category]:.2f} CNY\n  counted_by: {quote(counters)}'))

    def pay_suppliers(self, day: dt.date) -> None:
        """Last month's deliveries, paid supplier by supplier (月结) under the year's contract."""
        previous = (day.replace(day=1) - dt.timedelta(days=1))
        for supplier, amounts in self.delivered.pop((previous.year, previous.month), {}).items():
            total = sum(amounts, Decimal(0))
            year = SchoolYear.of(previous).year
            contract = supplier.contract(year)[0]
            meta = self.ex.approvals(day, total, handler=DIRECTOR, rng=self.rng)
            meta += [("supplier", supplier.name), ("procurement", "公开招标"), ("contract", contract),
                     ("meeting", f"校务会纪要〔{year}〕第8号")]
            self.book(Txn(day, "*", supplier.name,
                          f"支付{previous.month}月食堂{supplier.category}货款（送货{len(amounts)}次）",
                          merge(meta), [(chart.CANTEEN_PAYABLE, total), (BANK_CANTEEN, -total)],
                          (contract,)))

    def interest(self, day: dt.date) -> None:
        amount = yuan(max(self.books.balance(BANK_CANTEEN), Decimal(0)) * Decimal("0.0008")
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

    def register_file(self) -> str:
        return (HEADER + "; 食堂定点供应商登记（索证索票：营业执照、食品经营许可证、供货合同）。\n"
                "; 每学年招标后登记一次；换证、续签时新增一条，自该日起生效，旧的保留。\n\n"
                + "\n".join(text for _day, text in self.register))
