"""The school's own books (学校大账): fiscal funds, payroll, spending, income, the two lines.

授权支付额度 arrives month by month to cover the month's spending from 1011, and what is left at
the year's end is cancelled to 财政应返还额度 and restored in January; payroll is accrued on the
1st and paid by the treasury (财政直接支付); utilities, running costs, petty cash, repairs and
purchases carry full approvals (one 政府采购 and one 三重一大 case a year, the purchases with their
asset cards); bank interest and 门面租金 come in; two entries wait for signatures at the end.
Drawn from the main random stream (`Example.rng`), in the order `xiaozhang.example.run` calls.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_CEILING, Decimal

from xiaozhang import chart
from xiaozhang.chart import (
    BANK_BASIC,
    CASH,
    FISCAL_INCOME_BASIC,
    FISCAL_INCOME_PROJECT,
    INTEREST_INCOME,
    PAYROLL,
    RECEIVABLE_QUOTA,
    RENT_INCOME,
    ZERO_BALANCE,
)
from xiaozhang.example.config import END
from xiaozhang.example.context import PROCUREMENT_THRESHOLD, Example
from xiaozhang.example.dates import weekday_on_or_after
from xiaozhang.example.entries import Txn, merge
from xiaozhang.example.people import ACCOUNTANT, CASHIER, DIRECTOR, PRINCIPAL, TEACHERS
from xiaozhang.model import uses
from xiaozhang.model.money import yuan


def monthly(ex: Example, year: int, month: int) -> None:
    """The month's routine: payroll, utilities, running costs, petty cash, interest, rent."""
    payroll(ex, year, month)
    utilities(ex, year, month)
    running_costs(ex, year, month)
    petty_cash(ex, year, month)
    if month in (3, 6, 9, 12):
        interest(ex, year, month)
    if month in (1, 4, 7, 10):
        rent(ex, year, month)


def opening(ex: Example) -> None:
    day = ex.config.start - dt.timedelta(days=1)
    postings = [
        (BANK_BASIC, yuan(186432.57)),
        (CASH, yuan(1286.50)),
        (chart.ACCUMULATED_SURPLUS, None),
    ]
    ex.books.add(Txn(day, "*", None, "期初余额（上年结转）",
                     [("reviewer", ACCOUNTANT)], postings, numbered=False))


def payroll(ex: Example, year: int, month: int) -> None:
    """Payroll: accrual on the 1st, paid by the treasury (财政直接支付) on the 10th."""
    staff = ex.config.staff
    accrue = dt.date(year, month, 1)
    lines = [
        ("30101", "220101基本工资", staff * ex.amount(3350, 3420)),
        ("30102", "220102津贴补贴", staff * ex.amount(1580, 1640)),
        ("30107", "220103绩效工资", staff * ex.amount(2450, 2620)),
        ("30108", "220104社会保险费", staff * ex.amount(1150, 1190)),
        ("30110", "220104社会保险费", staff * ex.amount(560, 590)),
        ("30113", "220105住房公积金", staff * ex.amount(880, 910)),
    ]
    lines = [(code, liability, yuan(total)) for code, liability, total in lines]
    total = sum((amount for _, _, amount in lines), Decimal(0))
    meta = [("handler", CASHIER), ("reviewer", ACCOUNTANT), ("approver", PRINCIPAL),
            ("approved", accrue), ("staff", staff)]
    postings: list[tuple[str, Decimal | None]] = [(chart.salaries(c), a) for c, _, a in lines]
    liabilities: dict[str, Decimal] = {}
    for _, liability, amount in lines:
        liabilities[liability] = liabilities.get(liability, Decimal(0)) + amount
    postings += [(f"{PAYROLL}:{liab}", -a) for liab, a in liabilities.items()]
    ex.books.add(Txn(accrue, "*", None, f"计提{year}年{month}月工资福利（{staff}人）",
                     meta, postings))
    pay = weekday_on_or_after(dt.date(year, month, 10))
    postings = [(f"{PAYROLL}:{liab}", a) for liab, a in liabilities.items()]
    postings.append((FISCAL_INCOME_BASIC, -total))
    ex.books.add(Txn(pay, "*", "青禾市明德区财政国库支付中心",
                     f"财政直接支付{year}年{month}月工资福利", [
                           ("handler", CASHIER), ("reviewer", ACCOUNTANT),
                           ("approver", PRINCIPAL), ("approved", accrue),
                           ("payment", "财政直接支付"),
                     ], postings))


def utilities(ex: Example, year: int, month: int) -> None:
    scale = Decimal(ex.config.students) / 1200
    vacation = month in (2, 7, 8)
    day = weekday_on_or_after(dt.date(year, month, 18))
    power = yuan(ex.amount(3200, 4100) if vacation else ex.amount(9800, 14600)) * scale
    water = yuan(ex.amount(900, 1300) if vacation else ex.amount(2600, 3900)) * scale
    phone = yuan(ex.amount(1268, 1290))
    ex.spend(day, "国网青禾供电公司明德供电所", f"{month}月电费", chart.goods_services("30206"),
             yuan(power), handler=DIRECTOR)
    ex.spend(day, "青禾市水务集团有限公司", f"{month}月水费", chart.goods_services("30205"),
             yuan(water), handler=DIRECTOR)
    ex.spend(day + dt.timedelta(days=1), "中国电信青禾分公司", f"{month}月校园网络及电话费",
             chart.goods_services("30207"), phone, handler=DIRECTOR)


def running_costs(ex: Example, year: int, month: int) -> None:
    """Office supplies, printing, repairs, training, travel, teaching materials."""
    scale = Decimal(ex.config.students) / 1200
    if month in (8,):
        return
    day = weekday_on_or_after(dt.date(year, month, 6))
    rng = ex.rng
    # the administrative offices' supplies: 行政及后勤, 5101 单位管理费用 (xiaozhang.model.uses)
    ex.spend(day, rng.choice(("青禾市文华办公用品商行", "明德区晨光文具店", "青禾市百汇办公用品有限公司")),
             "购办公用品（纸张、墨盒、文具）", uses.goods_services("30201", _office_use()),
             yuan(ex.amount(1200, 4200) * scale), inspector=DIRECTOR, kind="purchase",
             extra=[("dept", OFFICE)])
    if month in (9, 10, 11, 12, 3, 4, 5, 6):
        ex.spend(day + dt.timedelta(days=7), "青禾市彩虹印务有限公司", "印制试卷、学籍材料",
                 chart.goods_services("30202"), yuan(ex.amount(1400, 3600) * scale),
                 inspector=TEACHERS[0], kind="purchase")
        ex.spend(day + dt.timedelta(days=9), rng.choice(("青禾市育才教学仪器有限公司", "明德区博雅科教器材经营部")),
                 "购教学实验耗材、体育器材耗材", chart.goods_services("30218"),
                 yuan(ex.amount(900, 4800) * scale), inspector=TEACHERS[3], kind="purchase")
    if month in (10, 11, 3, 4, 5, 6, 12):
        ex.spend(day + dt.timedelta(days=12), "明德区安达水电维修部", "维修教室门窗、水电线路",
                 chart.goods_services("30213"), yuan(ex.amount(380, 2900)),
                 inspector=DIRECTOR, handler=TEACHERS[3], kind="purchase")
    if month in (11, 4):
        ex.spend(day + dt.timedelta(days=14), "青禾市教师发展中心", "教师继续教育培训费",
                 chart.goods_services("30216"), yuan(ex.amount(3100, 6800) * scale))
    if month in (10, 12, 3, 5):
        ex.spend(day + dt.timedelta(days=3), f"{TEACHERS[rng.randrange(4)]}等", "外出教研、送教下乡差旅费报销",
                 chart.goods_services("30211"), yuan(ex.amount(680, 2400)),
                 handler=DIRECTOR)
    if month == 12 or month == 6:
        ex.spend(day + dt.timedelta(days=10), "明德区城市绿化服务站", "校园绿化养护劳务费",
                 chart.goods_services("30226"), yuan(ex.amount(2100, 4200)),
                 source=BANK_BASIC, handler=DIRECTOR)
    # 工会经费: 2% of the month's base pay, from the basic account; borne by the school as a
    # whole, so 5101 单位管理费用 whatever the department (制度 5101, xiaozhang.model.uses)
    ex.spend(weekday_on_or_after(dt.date(year, month, 25)), "青禾市明德区实验小学工会委员会",
             "拨付工会经费", uses.goods_services("30228", uses.use_of(None, frozenset(), "30228")),
             yuan(ex.amount(2600, 2700) * scale),
             handler=CASHIER)


OFFICE = "办公室"  # the administrative office (行政及后勤 under the default `admin-depts`)


def _office_use() -> str:
    return uses.use_of(OFFICE, uses.parse_depts(None))


def petty_cash(ex: Example, year: int, month: int) -> None:
    """备用金: draw cash when low, small purchases in cash, always under the cash limit."""
    if month == 8:
        return
    day = weekday_on_or_after(dt.date(year, month, 3))
    if ex.books.balance(CASH) < 1500:
        draw = yuan(3000) - yuan(ex.books.balance(CASH)).quantize(Decimal("1"))
        ex.books.add(Txn(day, "*", None, "从基本户提取备用金", [
            ("handler", CASHIER), ("reviewer", ACCOUNTANT), ("approver", PRINCIPAL),
            ("approved", day),
        ], [(CASH, draw), (BANK_BASIC, -draw)]))
    for offset, shop, what, account, dept in (
            (4, "明德区学苑文具店", "购买粉笔、板擦等零星教学用品", "30201", None),
            (15, "顺丰速运青禾明德营业部", "支付快递及邮寄费（办公室）", "30207", OFFICE)):
        amount = ex.amount(46, 380)
        use = uses.use_of(dept, uses.parse_depts(None))
        ex.spend(day + dt.timedelta(days=offset), shop, what, uses.goods_services(account, use),
                 amount, source=CASH, inspector=DIRECTOR if account == "30201" else None,
                 extra=[("dept", dept)] if dept else None)


def interest(ex: Example, year: int, month: int) -> None:
    day = dt.date(year, month, 21)
    if day > END:
        return
    for account, rate in ((BANK_BASIC, "0.0009"),):  # the canteen's own: canteen_interest
        amount = yuan(max(ex.books.balance(account), Decimal(0)) * Decimal(rate) + Decimal("3.17"))
        ex.books.add(Txn(day, "*", "银行", "结息", [("reviewer", ACCOUNTANT)],
                         [(account, amount), (INTEREST_INCOME, -amount)]))


def rent(ex: Example, year: int, month: int) -> None:
    """门面租金: two shopfronts let under contract, paid quarterly in advance."""
    day = weekday_on_or_after(dt.date(year, month, 5))
    for tenant, shop, amount, contract in (
        ("明德区童趣文具店", "1号门面", Decimal("5850.00"), "HT2024ZL01"),
        ("青禾市快乐小屋便利店", "2号门面", Decimal("7425.00"), "HT2024ZL02"),
    ):
        ex.books.add(Txn(day, "*", tenant, f"收{shop}租金（{year}年第{(month - 1) // 3 + 1}季度）", [
            ("handler", CASHIER), ("reviewer", ACCOUNTANT), ("contract", contract),
            ("invoice", ex.invoice(day)),
        ], [(BANK_BASIC, amount), (RENT_INCOME, -amount)], (contract,)))


def yearly_projects(ex: Example, school_year: int) -> None:
    """Asset purchases, the 政府采购 case and the 三重一大 case of each school year."""
    y = school_year
    scale = max(1, round(ex.config.students / 1200))
    # 政府采购: a computer room, funded by a project appropriation (项目支出)
    day = dt.date(y, 11, 18)
    if day <= END:
        count = 50 * scale
        unit = yuan(ex.amount(4980, 5360))
        total = unit * count
        grant_day = dt.date(y, 10, 9)
        ex.projects.append(f'{grant_day} custom "project" "计算机教室建设{y}" {total:.2f} CNY '
                           f'{chart.fixed_asset_account("通用设备")}')
        ex.books.add(Txn(grant_day, "*", "青禾市明德区财政局", "下达计算机教室建设项目授权支付额度", [
            ("reviewer", ACCOUNTANT), ("project", f"计算机教室建设{y}"),
        ], [(ZERO_BALANCE, total), (FISCAL_INCOME_PROJECT, -total)]))
        asset = ex.next_asset(day)
        meta = ex.approvals(day, total, handler=DIRECTOR, inspector=f"{TEACHERS[2]},{TEACHERS[7]}")
        meta += [
            ("meeting", f"校务会纪要〔{y}〕第11号"), ("procurement", "政府采购"),
            ("contract", f"HT{y}ZC07"), ("quotes", 4), ("project", f"计算机教室建设{y}"),
            ("asset_id", asset), ("name", "计算机教室学生机"), ("category", "通用设备"),
            ("subcategory", "计算机设备"), ("model", "联想启天M437 i5/16G/512G"),
            ("quantity", count), ("life", 6), ("location", "综合楼三楼计算机教室"),
            ("custodian", TEACHERS[2]), ("dept", "信息技术组"), ("supplier", "青禾市华信电脑科技有限公司"),
            ("invoice", ex.invoice(day)), ("attachments", 9),
        ]
        ex.books.add(Txn(day, "*", "青禾市华信电脑科技有限公司", f"计算机教室学生机{count}台（政府采购）", merge(meta), [
            (chart.fixed_asset_account("通用设备"), total), (ZERO_BALANCE, -total),
        ], (f"HT{y}ZC07",)))
        ex.computer_rooms.append((day, asset))
    # 三重一大: exterior wall and roof waterproofing, from the basic account, in summer
    day = dt.date(y + 1, 8, 19)
    if day <= END:
        amount = yuan(ex.amount(64000, 72000) * scale)
        meta = ex.approvals(day, amount, handler=DIRECTOR, inspector=f"{PRINCIPAL},{TEACHERS[3]}")
        meta += [("meeting", f"校务会纪要〔{y + 1}〕第6号"), ("quotes", 3),
                 ("procurement", "询价" if amount <= PROCUREMENT_THRESHOLD else "公开招标"),
                 ("contract", f"HT{y + 1}WX03")]
        ex.pay(day, "青禾市宏建建筑工程有限公司", "教学楼外墙及屋面防水维修工程（三重一大集体决策）",
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
        unit = ex.amount(low, high)
        total = unit * qty
        asset = ex.next_asset(day)
        meta = ex.approvals(day, total, handler=custodian if custodian != PRINCIPAL else DIRECTOR,
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
        ex.pay(day, supplier, f"购{what}", chart.fixed_asset_account(category), total,
               meta, ZERO_BALANCE, ())


def statement_items(ex: Example) -> None:
    """What the statements and 三公经费 need a case of (docs/statements.md): a 政府性基金 grant
    (彩票公益金, 4001 政府性基金拨款) spent on sports equipment, and a 公务接待 meal paid from the
    fiscal quota.  Their own random stream, so the rest of the example stays as it was."""
    import random

    rng = random.Random(ex.config.seed + 16)
    day = dt.date(2026, 5, 11)
    if day > END or day < ex.config.start:
        return
    grant = yuan(30000)
    ex.books.add(Txn(day, "*", "青禾市明德区财政局", "下达中央专项彩票公益金（政府性基金）支持学校体育器材", [
        ("reviewer", ACCOUNTANT)], [(ZERO_BALANCE, grant), (chart.FISCAL_INCOME_GOVERNMENT_FUND, -grant)],
        numbered=False))
    for day, payee, narration, code, amount, inspector, extra in (
        (dt.date(2026, 5, 26), "青禾市强身体育用品有限公司", "购篮球、跳绳、软式排球等体育器材（彩票公益金）",
         "30218", yuan("28650.00"), f"{TEACHERS[5]},{DIRECTOR}", [("procurement", "询价"), ("quotes", 3)]),
        (dt.date(2026, 4, 16), "青禾市明德饭店", "接待区教育局督导检查组工作餐（公务接待）",
         "30217", yuan("386.00"), None, [("sangong", "公务接待费")]),
    ):
        meta = ex.approvals(day, amount, inspector=inspector, rng=rng) + extra
        meta += [("invoice", f"{day.year % 100}{rng.randrange(10**6, 10**7)}{day:%m%d}"), ("attachments", 3)]
        ex.count_spending(day, chart.goods_services(code), amount, ZERO_BALANCE)
        ex.books.add(Txn(day, "*", payee, narration, merge(meta),
                         [(chart.goods_services(code), amount), (ZERO_BALANCE, -amount)], numbered=False))


def pending_entries(ex: Example) -> None:
    """Two entries still waiting for signatures at the end of the books (待审批)."""
    for day, payee, narration, code, amount, source, meta in (
        (dt.date(END.year, END.month, 28), "青禾市文华办公用品商行", "购打印纸、硒鼓（发票已到，待校长审批）",
         "30201", yuan("1386.40"), ZERO_BALANCE,
         [("handler", TEACHERS[1]), ("inspector", DIRECTOR), ("reviewer", ACCOUNTANT)]),
        (dt.date(END.year, END.month, 30), "明德区安达水电维修部", "维修食堂排水管（待补验收单）",
         "30213", yuan("742.00"), BANK_BASIC,
         [("handler", DIRECTOR), ("reviewer", ACCOUNTANT), ("approver", PRINCIPAL),
          ("approved", dt.date(END.year, END.month, 29))]),
    ):
        account = chart.goods_services(code)
        ex.count_spending(day, account, amount, source)
        ex.books.add(Txn(day, "!", payee, narration, meta + [("invoice", ex.invoice(day))],
                         [(account, amount), (source, -amount)]))


def quota(ex: Example, months) -> None:
    """授权支付额度: the monthly 用款计划 arrives on the first working day and covers the
    month's spending; at year-end the unused quota is cancelled to 财政应返还额度 and
    restored in January."""
    unused = Decimal(0)
    for year, month in months:
        day = weekday_on_or_after(dt.date(year, month, 1))
        if month == 1 and unused:
            ex.books.add(Txn(day, "*", "青禾市明德区财政局", "恢复上年度财政应返还额度", [
                ("reviewer", ACCOUNTANT),
            ], [(ZERO_BALANCE, unused), (RECEIVABLE_QUOTA, -unused)]))
        need = ex.quota_spend.get((year, month), Decimal(0))
        amount = ((need / 1000).to_integral_value(rounding=ROUND_CEILING) * 1000
                  + Decimal(ex.rng.randrange(3000, 9000)))
        ex.books.add(Txn(day, "*", "青禾市明德区财政局", f"{year}年{month}月授权支付用款额度到账", [
            ("reviewer", ACCOUNTANT),
        ], [(ZERO_BALANCE, yuan(amount)), (FISCAL_INCOME_BASIC, yuan(-amount))]))
        unused += amount - need
        if month == 12 and unused > 0:
            ex.books.add(Txn(dt.date(year, 12, 31), "*", None,
                             "年末注销未使用授权支付额度，转财政应返还额度", [
                                   ("reviewer", ACCOUNTANT),
                             ], [(RECEIVABLE_QUOTA, unused), (ZERO_BALANCE, -unused)]))


def budgets(ex: Example) -> list[str]:
    """Yearly budget lines (Fava's `custom "budget"`): the year's plan with a margin.

    A year the books cover only in part (the first autumn, the current year) gets a
    whole-year line, so that Fava's pro-rated view of it stays meaningful."""
    lines = []
    for (year, account), actual in sorted(ex.budget_actual.items()):
        if not account.startswith((chart.GOODS_SERVICES, chart.ADMIN_GOODS_SERVICES)):
            continue
        first = max(ex.config.start, dt.date(year, 1, 1))
        last = min(END, dt.date(year, 12, 31))
        months = (last.year - first.year) * 12 + last.month - first.month + 1
        yearly = actual * 12 / months * Decimal("1.15")
        budget = (yearly / 1000).to_integral_value(rounding=ROUND_CEILING) * 1000
        lines.append(f'{year}-01-01 custom "budget" {account} "yearly" {budget:.2f} CNY')
    return lines
