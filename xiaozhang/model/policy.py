"""学校信息与政策参数（school profile and dated policies）: the model, read once per load.

The rule that reports a bad directive is `xiaozhang.plugins.policy` (PL01–PL03).

检查内容
    账本中的学校信息（`custom "school"`）和政策参数（`custom "policy"`）是否齐全、格式是否正确。
    所有规则插件都从这里读取参数：每条规则按交易当天有效的参数执行（参数按日期生效）。

依据
    各项限额（审批权限、三重一大、政府采购、货比三家、库存现金限额、非税收入上缴时限）由
    学校和主管部门规定，且会随时间调整（例如自 2026-01-01 起执行新的三重一大标准），
    因此写成带日期的指令，与账目放在同一套文件里，由会计维护。

配置（写在 ledger/policy.beancount）
    2025-08-25 custom "school" "青禾市明德区实验小学"
      principal: "王建国"        ; 校长（一支笔审批人）
      director: "李明华"         ; 总务主任
      accountant: "陈静"         ; 会计
      hotline: "0736-7215318"    ; 收费监督电话
      func: "2050202"            ; 支出功能分类（小学教育）
    2025-08-25 custom "policy" "approval-tier" "director" 500.00 CNY
    2025-08-25 custom "policy" "approval-tier" "principal"
    2025-08-25 custom "policy" "meeting-threshold" 50000.00 CNY
    2026-01-01 custom "policy" "meeting-threshold" 30000.00 CNY
    2025-09-01 custom "policy" "term-start" "2025年秋季学期" ; 学期开学日（可多条）
    2026-01-16 custom "policy" "term-end" "2025年秋季学期"   ; 学期结束日（可多条）

    参数一览见 `POLICY_KEYS`（名称、取值类型、默认值），说明见 docs/conventions.md。

错误代码
    [PL01] 缺少学校信息 / 学校信息缺少必填项
    [PL02] 未知的政策参数名；与已知类型相近的写错的指令类型（`KNOWN_CUSTOMS`）
    [PL03] 政策参数取值类型不对，或取值会使检查失效（限额为零、窗口为 0 天、百分数写成小数，
    见 `PolicyKey.positive` 与 `_check_value`）
    同一天对同一参数写了两次也报 [PL03]（报告在第二条上，第二条不予采用）；审批权限
    approval-tier 同一天可写多条（合起来是一张权限表），但同一角色只能写一次。
    取值写 "默认"（如 `custom "policy" "remittance-days" "默认"`）：自该日起恢复默认值
    （学期名称类参数 term-start / term-end 除外；approval-tier 恢复为只由校长审批）。
    校历前后矛盾（`_Calendar`）、科目 open 上的规则标记不是 TRUE/FALSE（`OPEN_FLAGS`）也报 [PL03]。

例
    通过：上面的配置。
    不通过：`2025-08-25 custom "policy" "cash-limit" "五千"` → [PL03] 取值应为金额。
"""

from __future__ import annotations

import bisect
import datetime as dt
import difflib
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter
from typing import Any, NamedTuple

from beancount.core import data
from beancount.core.amount import Amount

from xiaozhang.model import asof, budget_rules, closing


class PolicyError(NamedTuple):
    source: dict
    message: str
    entry: Any


# Profile keys every school must give; roles are the keys an approval tier may name.
PROFILE_REQUIRED = ("principal", "director", "accountant", "hotline", "func")
# `custom "policy" "remittance-days" "默认"`: from that date on, the parameter's default again.
DEFAULT_WORD = "默认"
ROLES = ("principal", "director", "accountant", "cashier", "canteen_keeper")


@dataclass(frozen=True)
class PolicyKey:
    name: str
    kind: str  # "amount" | "integer" | "percent" | "choice" | "date" | "text"
    default: Any
    label: str  # Chinese name for messages and docs
    choices: tuple[str, ...] = ()
    positive: bool = False  # must be above zero (zero would switch the rule off)


POLICY_KEYS: dict[str, PolicyKey] = {
    key.name: key
    for key in (
        PolicyKey("meeting-threshold", "amount", Amount(Decimal("50000.00"), "CNY"),
                  "三重一大集体决策标准"),
        PolicyKey("procurement-threshold", "amount", Amount(Decimal("100000.00"), "CNY"),
                  "政府采购限额标准"),
        PolicyKey("quote-threshold", "amount", Amount(Decimal("5000.00"), "CNY"),
                  "货比三家（询价）标准"),
        PolicyKey("cash-limit", "amount", Amount(Decimal("5000.00"), "CNY"), "库存现金限额",
                  positive=True),
        PolicyKey("remittance-days", "integer", None,
                  "非税收入上缴时限（天）；不设则为当月月末前"),
        PolicyKey("settle-days", "integer", 30, "代收费期末结清时限（学期结束后天数）"),
        PolicyKey("term-start", "text", None, "学期开学日（指令日期即校历上学期的第一天，取值为学期名称）"),
        PolicyKey("split-window-days", "integer", 30, "拆分采购识别窗口（天）", positive=True),
        PolicyKey("pending-days", "integer", 30, "待审批（!）分录最长挂账天数"),
        PolicyKey("closed-through", "date", None, "已结账至（含）该日"),
        PolicyKey("budget-control", "choice", "warn", "超预算处理方式", ("warn", "stop")),
        PolicyKey("disclosure-days", "integer", 15, "收费公示时限（月末后天数）"),
        PolicyKey("asset-threshold", "amount", Amount(Decimal("1000.00"), "CNY"),
                  "固定资产单位价值标准（一般）"),
        PolicyKey("asset-threshold-special", "amount", Amount(Decimal("1500.00"), "CNY"),
                  "固定资产单位价值标准（专用设备）"),
        PolicyKey("depreciation-start", "choice", "same-month", "固定资产折旧起始月份",
                  ("same-month", "next-month")),
        PolicyKey("admin-depts", "text", None,
                  "行政及后勤部门（费用和折旧记 5101 单位管理费用；用 、 分隔）；不设则为"
                  "办公室、校长室、党政办公室、总务处、后勤处、财务室"),
        # canteen (plugins/canteen.py)
        PolicyKey("canteen-surplus-cap", "percent", Decimal("8"), "食堂伙食结余率上限（%）"),
        PolicyKey("canteen-surplus-mode", "choice", "school",
                  "食堂结余率检查方式（school：每月和每学期结余率不超过上限；"
                  "kindergarten：每学期盈亏率都不超过上限）", ("school", "kindergarten")),
        PolicyKey("canteen-bulk-threshold", "amount", Amount(Decimal("1000.00"), "CNY"),
                  "食堂大宗食材标准（定点采购、双人验收）"),
        PolicyKey("canteen-licence-notice-days", "integer", 60, "供应商证照、合同到期提醒天数"),
    )
}


class Tier(NamedTuple):
    role: str
    limit: Amount | None  # None: no upper limit


@dataclass
class Policy:
    """The school profile and the policies, each as it stood on a given date."""

    profiles: list[tuple[dt.date, dict[str, str]]] = field(default_factory=list)
    values: dict[str, list[tuple[dt.date, Any]]] = field(default_factory=dict)
    tiers: list[tuple[dt.date, list[Tier]]] = field(default_factory=list)
    term_ends: list[tuple[dt.date, str]] = field(default_factory=list)
    # the directive that set each value: name -> {date: custom "policy" entry}
    origins: dict[str, dict[dt.date, Any]] = field(default_factory=dict)

    def profile(self, date: dt.date) -> dict[str, str] | None:
        return _as_of(self.profiles, date)

    def school_name(self, date: dt.date) -> str:
        """The school's name on `date` as documents print it: the profile then in force, else
        (a date before the first `custom "school"`) the first profile's; "" without any."""
        profile = self.profile(date) or (self.profiles[0][1] if self.profiles else {})
        return profile.get("name", "")

    def get(self, name: str, date: dt.date) -> Any:
        series = self.values.get(name)
        value = _as_of(series, date) if series else None
        return POLICY_KEYS[name].default if value is None else value

    def approval_tiers(self, date: dt.date) -> list[Tier]:
        return _as_of(self.tiers, date) or []


def _as_of(series: list[tuple[dt.date, Any]], date: dt.date) -> Any:
    if len(series) == 1:  # most settings are written once
        since, value = series[0]
        return value if since <= date else None
    index = bisect.bisect_right(series, date, key=_since)
    return series[index - 1][1] if index else None


_since = itemgetter(0)


def _check_value(key: PolicyKey, values: list) -> tuple[Any, str | None]:
    if len(values) != 1:
        return None, f"应只有一个取值（{_kind_text(key)}）"
    value = values[0].value
    if key.kind == "amount" and isinstance(value, Amount):
        if value.number is None or value.number < 0 or (key.positive and value.number == 0):
            return None, ("取值应为大于零的金额（限额为零或负数会使检查失效）" if key.positive
                          else "取值不能为负数") + f"，实际为 {value}"
        return value, None
    if key.kind == "integer" and isinstance(value, Decimal) and value == value.to_integral_value() \
            and value >= 0:
        if key.positive and value == 0:
            return None, "取值应为大于零的整数（写 0 会使检查失效），实际为 0"
        return int(value), None
    if key.kind == "date" and isinstance(value, dt.date):
        return value, None
    if key.kind == "percent" and isinstance(value, Decimal) and 0 <= value <= 100:
        if 0 < value < 1:
            return None, (f"取值应为百分数（8 表示 8%），{value} 像是小数写法（{value * 100:g}%）；"
                          f"请写 {value * 100:g}")
        return value, None
    if key.kind == "choice" and value in key.choices:
        return value, None
    if key.kind == "text" and isinstance(value, str) and value.strip():
        return value, None
    return None, f"取值应为{_kind_text(key)}，实际为 {value!r}"


def _kind_text(key: PolicyKey) -> str:
    return {
        "amount": "金额（如 5000.00 CNY）",
        "integer": "正整数" if key.positive else "非负整数",
        "date": "日期（如 2026-09-30）",
        "percent": "0 到 100 之间的百分数（如 8 表示 8%）",
        "choice": "以下之一：" + " / ".join(f'"{c}"' for c in key.choices),
        "text": "文本（如 \"2025年秋季学期\"）",
    }[key.kind]


def read_policy(entries: list) -> tuple[Policy, list[PolicyError]]:
    """Collect the profile and dated policies from the entries; report every bad directive."""
    policy = Policy()
    errors: list[PolicyError] = []
    tiers_by_date: dict[dt.date, list[Tier]] = {}
    calendar = _Calendar(policy)
    custom, open_ = data.Custom, data.Open
    for entry in entries:
        kind = type(entry)
        if kind is open_:
            problem = _check_flags(entry.meta)
            if problem:
                errors.append(PolicyError(entry.meta, f"[PL03] 科目 {entry.account} 的 {problem}",
                                          entry))
            continue
        if kind is not custom:
            continue
        if entry.type not in KNOWN_CUSTOMS:
            problem = _misspelt_custom(entry.type)
            if problem:
                errors.append(PolicyError(entry.meta, f"[PL02] {problem}", entry))
            continue
        if entry.type == "school":
            profile = {k: str(v) for k, v in entry.meta.items()
                       if k not in ("filename", "lineno") and not k.startswith("__")}
            if entry.values and isinstance(entry.values[0].value, str):
                profile["name"] = entry.values[0].value
            missing = [k for k in ("name",) + PROFILE_REQUIRED if not profile.get(k)]
            if missing:
                errors.append(PolicyError(entry.meta, (
                    f"[PL01] 学校信息 custom \"school\" 缺少：{'、'.join(missing)}"
                    "（在 policy.beancount 中补全：学校名称、principal 校长、director 总务主任、"
                    "accountant 会计、hotline 监督电话、func 支出功能分类）"), entry))
            if policy.profiles and policy.profiles[-1][0] == entry.date:
                errors.append(PolicyError(entry.meta, (
                    f"[PL03] 学校信息 custom \"school\" 在 {entry.date} 已写过一条，同一天只能写一条"
                    "（此条不予采用；学校信息有变化请另起日期）"), entry))
                continue
            policy.profiles.append((entry.date, profile))
        elif entry.type == "policy":
            if not entry.values or not isinstance(entry.values[0].value, str):
                errors.append(PolicyError(entry.meta, "[PL02] custom \"policy\" 的第一个取值应为参数名",
                                          entry))
                continue
            name, rest = entry.values[0].value, entry.values[1:]
            if name == "term-end":
                if len(rest) > 1 or (rest and not isinstance(rest[0].value, str)):
                    problem = ("只能跟一个学期名称（如 \"2025年秋季学期\"），日期即学期结束日")
                else:
                    calendar.add(entry, "end", rest[0].value if rest else str(entry.date))
                    problem = None
                if problem:
                    errors.append(PolicyError(entry.meta, f"[PL03] 学期结束 term-end {problem}", entry))
                continue
            if name == "approval-tier":
                same_day = tiers_by_date.get(entry.date)
                if len(rest) == 1 and rest[0].value == DEFAULT_WORD:
                    # back to the default (only the principal approves, any amount)
                    tier, problem = None, (f"在 {entry.date} 已设置了审批权限，不能同时恢复默认"
                                           if same_day is not None else None)
                else:
                    tier, problem = _check_tier(rest)
                    if same_day == [] and problem is None:
                        problem = f"在 {entry.date} 已恢复默认（只由校长审批），不能同时设置角色限额"
                if tier is not None and problem is None and any(t.role == tier.role
                                                                for t in same_day or ()):
                    problem = f"角色 {tier.role} 在 {entry.date} 已设置过限额，同一天每个角色只能设置一次"
                if problem:
                    errors.append(PolicyError(entry.meta, f"[PL03] 审批权限 approval-tier {problem}",
                                              entry))
                elif tier is None:
                    tiers_by_date[entry.date] = []
                else:
                    tiers_by_date.setdefault(entry.date, []).append(tier)
                continue
            key = POLICY_KEYS.get(name)
            if key is None:
                errors.append(PolicyError(entry.meta, (
                    f"[PL02] 未知的政策参数 \"{name}\"；可用参数："
                    + "、".join(["approval-tier", "term-end", *POLICY_KEYS])), entry))
                continue
            if key.kind != "text" and len(rest) == 1 and isinstance(rest[0].value, str) \
                    and rest[0].value == DEFAULT_WORD:
                value, problem = None, None  # back to the default (`Policy.get`)
            else:
                value, problem = _check_value(key, rest)
            series = policy.values.setdefault(name, [])
            if problem is None and series and series[-1][0] == entry.date:
                problem = f"在 {entry.date} 已设置过，同一天只能设置一次"
            if problem:
                errors.append(PolicyError(entry.meta, f"[PL03] {key.label} \"{name}\" {problem}",
                                          entry))
                continue
            series.append((entry.date, value))
            policy.origins.setdefault(name, {})[entry.date] = entry
            if name == "term-start":
                calendar.add(entry, "start", value)
    errors += calendar.walk()
    if not policy.profiles:
        errors.append(PolicyError({"filename": "<policy>", "lineno": 0}, (
            "[PL01] 账本中没有学校信息：请在 policy.beancount 中添加 custom \"school\" 指令"
            "（学校名称、校长、总务主任、会计、监督电话、支出功能分类）"), None))
    policy.tiers = sorted(tiers_by_date.items())
    return policy, errors


def _check_tier(values: list) -> tuple[Tier | None, str | None]:
    if not values or values[0].value not in ROLES:
        return None, "第一个取值应为角色：" + " / ".join(ROLES)
    if len(values) == 1:
        return Tier(values[0].value, None), None
    if len(values) == 2 and isinstance(values[1].value, Amount):
        limit = values[1].value
        if limit.number is None or limit.number <= 0:
            return None, (f"角色 {values[0].value} 的限额应大于零，实际为 {limit}"
                          "（限额为零或负数等于没有审批权，不写这一档即可）")
        return Tier(values[0].value, limit), None
    return None, "角色后只能跟一个限额金额（如 500.00 CNY），不写表示不限"


class _Calendar:
    """The school calendar (`term-start` and `term-end` directives), checked once all are read
    (`xiaozhang.model.periods.terms` builds the terms from what is kept here).

    In date order, each term starts after the previous one ended and ends once: one `term-end`
    per date and per name, a `term-start` never on or before the last end, never after its own
    term's end, and never while another started term has not ended.  What breaks this is
    reported (PL03) at the directive that comes second, which is not used.  Of two `term-end`s
    on one date the one naming the term that is running is kept, whatever the order of the
    files.  A `term-end` whose name differs from the running term's `term-start` is reported
    but kept (the ends divide the books into terms); that `term-start` is then not used."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.items: list[tuple[dt.date, int, str, str, Any]] = []  # (date, order, kind, name, entry)
        self.ended: dict[str, dt.date] = {}  # term name -> its end
        self.last_end: dt.date | None = None
        self.open: tuple[str, dt.date] | None = None  # a started term not ended yet

    def add(self, entry: Any, kind: str, name: str) -> None:
        self.items.append((entry.date, len(self.items), kind, name, entry))

    def walk(self) -> list[PolicyError]:
        errors = []
        items = sorted(self.items, key=itemgetter(0, 1))
        position = 0
        while position < len(items):
            day = items[position][0]
            group = []
            while position < len(items) and items[position][0] == day:
                group.append(items[position])
                position += 1
            running = self.open[0] if self.open else None
            group.sort(key=lambda item: not (item[2] == "end" and item[3] == running))
            for _day, _order, kind, name, entry in group:
                problem = self._start(day, name) if kind == "start" else self._end(day, name, entry)
                if problem is None:
                    continue
                if kind == "start":
                    self.policy.values["term-start"].remove((day, name))
                    self.policy.origins["term-start"].pop(day, None)
                label = "学期开学日 term-start" if kind == "start" else "学期结束 term-end"
                errors.append(PolicyError(entry.meta, f"[PL03] {label} {problem}", entry))
        return errors

    def _start(self, day: dt.date, name: str) -> str | None:
        if name in self.ended:
            return (f"学期“{name}”已于 {self.ended[name]} 结束（term-end），开学日 {day} 晚于结束日；"
                    "改正日期或学期名称")
        if self.last_end is not None and day <= self.last_end:
            return (f"学期“{name}”的开学日 {day} 不晚于上一学期的结束日 {self.last_end}（两个学期重叠）；"
                    "开学日应在上一学期结束之后")
        if self.open is not None:
            return (f"学期“{self.open[0]}”自 {self.open[1]} 开学，还没有写结束日（term-end），"
                    f"学期“{name}”不能在 {day} 开学（两个学期重叠）；先写上一学期的 term-end")
        self.open = (name, day)
        return None

    def _end(self, day: dt.date, name: str, entry: Any) -> str | None:
        if self.last_end == day:
            return f"在 {day} 已写过一个学期结束日，同一天只能结束一个学期；此条不予采用"
        if name in self.ended:
            return (f"学期“{name}”已于 {self.ended[name]} 结束，同一学期只能有一个结束日；"
                    "此条不予采用（改期请修改原来那一条）")
        problem = None
        if self.open is not None and self.open[0] != name:
            started, since = self.open
            problem = (f"学期“{name}”在 {day} 结束，但此前开学的是学期“{started}”（{since} term-start）："
                       "学期名称不一致或两个学期重叠；学期按结束日划分，该开学日不予采用")
            self.policy.values["term-start"].remove((since, started))
            self.policy.origins["term-start"].pop(since, None)
        self.open = None
        self.ended[name] = self.last_end = day
        self.policy.term_ends.append((day, name))
        self.policy.origins.setdefault("term-end", {})[day] = entry
        return problem


# The marks an `open` may carry for the rules (each TRUE or FALSE, unquoted): anything else
# would silently leave the account out of its rule.
OPEN_FLAGS = {
    "canteen": "食堂独立核算（食堂规则 CT）",
    "inspection": "需要验收（AP02）",
    "quote_exempt": "免于货比三家（AP06、AP09）",
    "collection": "收款账户（收支两条线 TL）",
}


def _check_flags(meta: dict) -> str | None:
    for key, use in OPEN_FLAGS.items():
        value = meta.get(key)
        if value is not None and not isinstance(value, bool):
            return (f"{key}: {value!r} 应写 TRUE 或 FALSE（不加引号），否则该科目不算{use}")
    return None


# The `custom` directive types the school's books use (ours and Fava's).  Beancount accepts any
# type and ignores what no plugin reads, so a misspelt `custom "polciy"` or `custom "budegt"`
# would switch its setting off without a word: a type close to one of these is PL02.  A new
# type far from all of them (another tool's) is left alone.  An area adding a custom type
# adds it here.
KNOWN_CUSTOMS = frozenset((  # the areas' own names, spelt where they are read
    "school", "policy", "budget", "project", "supplier", "stocktake", asof.DIRECTIVE, "disclosure", "fee",
    "asset-transfer", budget_rules.RULE_DIRECTIVE, closing.CLOSE, closing.REOPEN, closing.YEAR_CLOSE,
    "fava-option", "fava-extension", "fava-sidebar-link",
))


def _misspelt_custom(kind: str) -> str | None:
    close = difflib.get_close_matches(kind, sorted(KNOWN_CUSTOMS), n=1, cutoff=0.75)
    if not close:
        return None
    return (f"未知的指令类型 custom \"{kind}\"，是不是 \"{close[0]}\"？写错类型的指令不会被任何"
            "规则读取（其中的设置不起作用）")
