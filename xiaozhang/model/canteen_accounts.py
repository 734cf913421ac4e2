"""The canteen's accounts (食堂, 独立核算) and what each is for: one definition for the school model.

Which accounts are the canteen's and the use of each, for the canteen's book
(`xiaozhang.model.canteen`), its rules (plugins/canteen.py), its reports and the statements.

The canteen's accounts
    The accounts marked `canteen: TRUE` on their `open`, and their sub-accounts.  Among them
    the use of an account is recognised by its code and name: the school's money
    (`chart.MONEY_ROOTS`), 1302 stores, 2302 payables; a liability named 饭卡 holds the meal
    cards, an income named 伙食费 is meal income (any other canteen income is other income),
    an expense named 食材 is food cost and one named 人工 labour; a meal card or meal income
    named 教职工 is the staff's, otherwise the students'.

The kinds of a transaction's canteen postings (`KIND_BITS`, `kinds_of`)
    Per role one bit for a debit, one for a credit and one for a zero posting, so that a rule
    can tell the shape of a transaction (e.g. the usual meal sale) without reading its numbers.
"""

from __future__ import annotations

import re

from xiaozhang.chart import MONEY_ROOTS

# The metadata key on an `open` that puts an account (and its sub-accounts) in the canteen's books.
MARK = "canteen"

# -- the canteen's accounts and what each is for ---------------------------------------------------

MONEY = "money"
STOCK = "stock"
PAYABLE = "payable"
CARDS = "cards"
EQUITY = "equity"
MEAL_INCOME = "meal_income"
OTHER_INCOME = "other_income"
FOOD_COST = "food_cost"
LABOUR_COST = "labour_cost"
COST = "cost"
OTHER = "other"
ROLES = (MONEY, STOCK, PAYABLE, CARDS, EQUITY, MEAL_INCOME, OTHER_INCOME, FOOD_COST, LABOUR_COST,
         COST, OTHER)

INCOME_ROLES = frozenset((MEAL_INCOME, OTHER_INCOME))
COST_ROLES = frozenset((FOOD_COST, LABOUR_COST, COST))

STAFF_WORDS = ("教职工", "教工", "职工")
_CODE = re.compile(r"^\d+")


def _component_code(account: str) -> str:
    parts = account.split(":")
    match = _CODE.match(parts[1]) if len(parts) > 1 else None
    return match.group(0) if match else ""


def account_role(account: str) -> str:
    """The use of a canteen account (see the module docstring)."""
    root = account.split(":", 1)[0]
    code = _component_code(account)
    if root == "Assets":
        if account.startswith(MONEY_ROOTS):
            return MONEY
        if code.startswith("1302"):
            return STOCK
        return OTHER
    if root == "Liabilities":
        if "饭卡" in account:
            return CARDS
        if code.startswith("2302"):
            return PAYABLE
        return OTHER
    if root == "Equity":
        return EQUITY
    if root == "Income":
        return MEAL_INCOME if "伙食费" in account else OTHER_INCOME
    if root == "Expenses":
        if "食材" in account:
            return FOOD_COST
        if "人工" in account:
            return LABOUR_COST
        return COST
    return OTHER


_STAFF: dict[str, bool] = {}  # account -> is_staff (accounts are few; asked per posting)


def is_staff(account: str) -> bool:
    """A staff (教职工) meal-card or meal-income account; otherwise the students'."""
    staff = _STAFF.get(account)
    if staff is None:
        staff = _STAFF[account] = any(word in account for word in STAFF_WORDS)
    return staff


_UNKNOWN = object()


class CanteenAccounts:
    """The canteen's accounts: marked `canteen: TRUE` on their `open`, sub-accounts included."""

    def __init__(self, marked: set[str] | frozenset[str]):
        self.marked = frozenset(marked)
        self._cache: dict[str, str | None] = {}

    def role(self, account: str) -> str | None:
        """The account's role if it is the canteen's, else None."""
        role = self._cache.get(account, _UNKNOWN)
        if role is _UNKNOWN:
            parts = account.split(":")
            inside = any(":".join(parts[:i]) in self.marked for i in range(len(parts), 0, -1))
            role = account_role(account) if inside else None
            self._cache[account] = role
        return role


# -- the kinds of canteen postings -----------------------------------------------------------------

# What kinds of canteen postings a transaction has, as bits
# (`xiaozhang.model.canteen.CanteenTransaction.kinds`): per role one bit for a debit (number > 0),
# one for a credit (< 0) and one for a zero posting.
KIND_BITS = {role: (1 << 3 * i, 2 << 3 * i, 4 << 3 * i) for i, role in enumerate(ROLES)}
DEBIT, CREDIT, ZERO_POSTING = 0, 1, 2


def kinds_of(roles, side: int | None = None) -> int:
    """The bits of the postings of `roles` on one side (DEBIT, CREDIT, ZERO_POSTING) or any."""
    found = 0
    for role in roles:
        bits = KIND_BITS[role]
        found |= bits[side] if side is not None else bits[0] | bits[1] | bits[2]
    return found
