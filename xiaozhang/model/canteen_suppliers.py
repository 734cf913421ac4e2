"""The canteen's supplier register (食堂供应商登记, `custom "supplier"`) in the school model.

Each `custom "supplier"` record is in force from its date until a later record for the same
name: its business licence (营业执照, or 长期), food business licence (食品经营许可证) and
contract with their dates.  `read_register` reads the records of a ledger once for the
canteen's book (`xiaozhang.model.canteen`, `SchoolBooks.of(entries).canteen.suppliers`); the
rules (plugins/canteen.py) ask it which record was in force on the day of a purchase.

Developer note (speed, 2026-12-07): the register keeps each name's record dates in order
(`SupplierRegister.as_of`, made on first use), so that the record in force on a day is found by
bisection, not by scanning the name's records at each purchase.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from beancount.core import data


@dataclass(frozen=True)
class Supplier:
    """One `custom "supplier"` record, in force from its date until a later one for the name."""

    name: str
    since: dt.date
    licence: str
    licence_expiry: dt.date | None  # None: 长期 (no expiry)
    food_licence: str
    food_licence_expiry: dt.date
    contract: str
    contract_start: dt.date
    contract_end: dt.date
    goods: str
    entry: Any

    def stale(self) -> str | None:
        """What had already run out on the record's own date (a licence expired, the contract
        ended), Chinese; None when the record was valid the day it was written."""
        ended = [f"{label} {day} 已过" for label, day in (
            ("营业执照有效期", self.licence_expiry), ("食品经营许可证有效期", self.food_licence_expiry),
            ("合同结束日", self.contract_end)) if day is not None and day < self.since]
        if not ended:
            return None
        return (f"供应商 {self.name} 的登记（{self.since}）在登记之日已不能供货：{'，'.join(ended)}；"
                "核对日期（常见是年份写错），换证或续签后按新证照登记")

    def problems_on(self, day: dt.date) -> list[str]:
        """What makes this supplier unusable on `day` (empty: licences valid, in contract)."""
        problems = []
        if self.licence_expiry is not None and day > self.licence_expiry:
            problems.append(f"营业执照 {self.licence} 已于 {self.licence_expiry} 到期")
        if day > self.food_licence_expiry:
            problems.append(f"食品经营许可证 {self.food_licence} 已于 {self.food_licence_expiry} 到期")
        if not self.contract_start <= day <= self.contract_end:
            problems.append(f"不在合同 {self.contract} 期内（{self.contract_start} 至 {self.contract_end}）")
        return problems


SUPPLIER_TEXT = ("licence", "food_licence", "contract")
SUPPLIER_DATES = ("food_licence_expiry", "contract_start", "contract_end")
LONG_TERM = ("长期", "永久", "无固定期限")


def read_supplier(entry: data.Custom) -> tuple[Supplier | None, str | None]:
    """The supplier of a `custom "supplier"` entry, or what is wrong with it (Chinese)."""
    meta = entry.meta
    if not entry.values or not isinstance(entry.values[0].value, str) or not entry.values[0].value:
        return None, "供应商登记 custom \"supplier\" 后面应写供应商名称"
    name = entry.values[0].value
    missing = [k for k in SUPPLIER_TEXT if not isinstance(meta.get(k), str) or not meta.get(k)]
    missing += [k for k in SUPPLIER_DATES if not isinstance(meta.get(k), dt.date)]
    expiry = meta.get("licence_expiry")
    if not (isinstance(expiry, dt.date) or expiry in LONG_TERM):
        missing.append("licence_expiry")
    if missing:
        return None, (f"供应商 {name} 的登记缺少或写错：{'、'.join(missing)}（证照号码写文字，"
                      "有效期和合同起止写日期，营业执照长期有效写 \"长期\"）")
    if meta["contract_start"] > meta["contract_end"]:
        return None, f"供应商 {name} 的合同开始日期晚于结束日期"
    return Supplier(name, entry.date, meta["licence"],
                    expiry if isinstance(expiry, dt.date) else None, meta["food_licence"],
                    meta["food_licence_expiry"], meta["contract"], meta["contract_start"],
                    meta["contract_end"], str(meta.get("goods", "")), entry), None


@dataclass
class SupplierRegister:
    """The suppliers by name, each name's records in date order."""

    by_name: dict[str, list[Supplier]] = field(default_factory=dict)
    # name -> the dates of its records, in order (made on first use, dropped by `add`)
    _since: dict[str, list[dt.date]] = field(default_factory=dict, repr=False, compare=False)

    def add(self, supplier: Supplier) -> None:
        records = self.by_name.setdefault(supplier.name, [])
        records.append(supplier)
        records.sort(key=lambda s: s.since)
        self._since.pop(supplier.name, None)

    def as_of(self, name: str, day: dt.date) -> Supplier | None:
        """The record of `name` in force on `day` (None: not registered by then)."""
        records = self.by_name.get(name)
        if not records:
            return None
        since = self._since.get(name)
        if since is None:
            since = self._since[name] = [s.since for s in records]
        index = bisect.bisect_right(since, day)
        return records[index - 1] if index else None

    def current(self, day: dt.date) -> list[Supplier]:
        """Each supplier's record in force on `day` (registered by then), by name."""
        found = [self.as_of(name, day) for name in sorted(self.by_name)]
        return [s for s in found if s is not None]



def read_register(entries: list[data.Custom]) -> tuple[SupplierRegister, list[tuple[data.Custom, str]]]:
    """The register of the `custom "supplier"` entries, and the records with what is wrong with
    them (entry, Chinese): unreadable or a second record of a name on one day (not taken), or
    already out of date on its own date (taken, said at the record, not only at a purchase)."""
    register = SupplierRegister()
    problems: list[tuple[data.Custom, str]] = []
    for entry in entries:
        supplier, problem = read_supplier(entry)
        if not problem and any(s.since == supplier.since
                               for s in register.by_name.get(supplier.name, ())):
            problem = (f"供应商 {supplier.name} 在 {supplier.since} 已登记过，同一天只能登记一条"
                       "（此条不予采用；换证、续签请另起日期登记）")
        if problem:
            problems.append((entry, problem))
        else:
            register.add(supplier)
            stale = supplier.stale()
            if stale:  # wrong from its first day: said at the record, not only at a purchase
                problems.append((entry, stale))
    return register, problems
