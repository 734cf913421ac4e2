"""What the books of one generated example share: the configuration, the main random stream,
the transactions with their running balances, the roster, the calendar, the school's approval
rules (一支笔, 三重一大, 政府采购) and the counters every book adds to.

Each book (`school`, `fees`, `canteen`, `assets`) writes into one `Example`; the fee, canteen
and asset books draw from their own random streams, so that a change in one never shifts the
others.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from xiaozhang.chart import ZERO_BALANCE
from xiaozhang.example.config import END, ExampleConfig
from xiaozhang.example.dates import teaching_terms
from xiaozhang.example.entries import Books, Txn, merge
from xiaozhang.example.people import ACCOUNTANT, DIRECTOR, PRINCIPAL, TEACHERS, Student, make_roster
from xiaozhang.model.money import yuan
from xiaozhang.model.periods import Term

DIRECTOR_LIMIT = Decimal("500.00")  # 总务主任审批限额
QUOTE_THRESHOLD = Decimal("5000.00")
PROCUREMENT_THRESHOLD = Decimal("100000.00")
# 三重一大 threshold as it changes over time; written into policy.beancount from here.
MEETING_THRESHOLDS = ((dt.date.min, Decimal("50000.00")), (dt.date(2026, 1, 1), Decimal("30000.00")))


def meeting_threshold(day: dt.date) -> Decimal:
    return [value for since, value in MEETING_THRESHOLDS if since <= day][-1]


class Example:
    """One generation of the example school's books (deterministic: one seed, a fixed order)."""

    def __init__(self, config: ExampleConfig):
        self.config = config
        self.rng = random.Random(config.seed)
        self.books = Books()
        self.school_years = list(range(config.start.year, END.year + 1))
        # the terms taught by the end of the books, in order (the last one may still run)
        self.terms: list[Term] = [t for y in self.school_years for t in teaching_terms(y) if t.start <= END]
        self.students: list[Student] = []
        self.invoice_seq = 0
        self.receipt_seq = 0
        self.asset_seq = 0
        self.quota_spend: dict[tuple[int, int], Decimal] = {}
        self.budget_actual: dict[tuple[int, str], Decimal] = {}
        self.projects: list[str] = []  # `custom "project"` lines for policy.beancount
        # dated directives other than transactions, written into the month files
        self.directives: list[tuple[dt.date, str]] = []
        self.computer_rooms: list[tuple[dt.date, str]] = []  # (purchase day, asset_id)

    @property
    def terms_ended(self) -> list[Term]:
        """The terms over by the end of the books: their ends are the `term-end` policies."""
        return [term for term in self.terms if term.end <= END]

    def make_roster(self) -> None:
        self.students = make_roster(self.rng, self.config, self.school_years)

    def enrolled(self, school_year: int) -> list[Student]:
        return [s for s in self.students if 1 <= s.grade(school_year) <= 6]

    # -- numbers and amounts ------------------------------------------------------------------
    def amount(self, low: float, high: float) -> Decimal:
        return yuan(self.rng.uniform(low, high))

    def invoice(self, day: dt.date) -> str:
        self.invoice_seq += 1
        return f"{day.year % 100}{self.rng.randrange(10**6, 10**7)}{self.invoice_seq:011d}"

    def receipt(self, day: dt.date) -> str:
        self.receipt_seq += 1
        return f"{day.year}{self.receipt_seq:08d}"

    def next_asset(self, day: dt.date) -> str:
        self.asset_seq += 1
        return f"ZC{day.year}{self.asset_seq:04d}"

    # -- payments ------------------------------------------------------------------------------
    def approvals(self, day: dt.date, amount: Decimal, handler: str | None = None,
                  inspector: str | None = None, kind: str = "",
                  rng: random.Random | None = None) -> list[tuple[str, object]]:
        """The signatures of a complete payment (经手、验收、审核、审批, 先审批后支出): the
        handler is never the approver, the inspector or the reviewer.  `rng`: a book's own
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
