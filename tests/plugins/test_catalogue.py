"""The catalogue: each single violation inserted into the example school's books gives exactly
one new problem, with the expected code, at the inserted entry.

The books are a small example school made once per run by the real generator (`small_school`
in tests/conftest.py): the example's chart of accounts, policy, suppliers, assets, budget and
canteen with under a quarter of its entries, so each case loads in a fraction of the time.
Each case is a small file included next to that ledger (its own files are read in place,
unchanged). In a case, the comment `; [CODE]` stands on the line before the entry the problem
must point at.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from beancount import loader

EXAMPLE = Path(__file__).parents[2] / "ledger"
OFFICE = "Expenses:5001业务活动费用:500102商品和服务费用:30201办公费"
TRAVEL = "Expenses:5001业务活动费用:500102商品和服务费用:30211差旅费"
REPAIR = "Expenses:5001业务活动费用:500102商品和服务费用:30213维修费"
TRAINING = "Expenses:5001业务活动费用:500102商品和服务费用:30216培训费"
MATERIALS = "Expenses:5001业务活动费用:500102商品和服务费用:30218专用材料费"
EQUIPMENT = "Assets:1601固定资产:160102通用设备"
QUOTA = "Assets:1011零余额账户用款额度"
BASIC = "Assets:1002银行存款:100201基本户"
COLLECTION = "Assets:1002银行存款:100203代收费专户"
BOARDING = "Liabilities:2103应缴财政款:210301住宿费"
DISPOSAL = "Liabilities:2103应缴财政款:210302国有资产处置收入"
HOMEWORK = "Liabilities:2307其他应付款:230701代收费:01作业本费"
WORKBOOK = "Liabilities:2307其他应付款:230701代收费:02教辅资料费"
OTHER_INCOME = "Income:4605租金收入"
CANTEEN_BANK = "Assets:1002银行存款:100202食堂结算户"
RICE = "Assets:1302库存物品:130201食堂食材:13020101米面油"
RICE_COST = "Expenses:5001业务活动费用:500106食堂伙食成本:01食材:0101米面油"
VEG_COST = "Expenses:5001业务活动费用:500106食堂伙食成本:01食材:0103蔬菜"
CANTEEN_FUEL = "Expenses:5001业务活动费用:500106食堂伙食成本:02燃料水电"
CANTEEN_PAYABLE = "Liabilities:2302应付账款:230201食堂应付货款"
STAFF_MEALS = "Income:4101事业收入:410104教职工伙食费收入"
CANTEEN_INCOME = "Income:4609其他收入:460901食堂其他收入"


def pay(date, payee, account, amount, source=QUOTA, marker=None, **meta):
    signed = {"handler": '"刘芳"', "inspector": '"张伟"', "reviewer": '"陈静"',
              "approver": '"王建国"', "approved": date}
    fields = {**signed, **meta}
    lines = [f"; [{marker}]"] if marker else []
    lines.append(f'{date} * "{payee}" "测试付款"')
    lines += [f"  {key}: {value}" for key, value in fields.items() if value is not None]
    lines += [f"  {account}  {amount} CNY", f"  {source}"]
    return "\n".join(lines) + "\n\n"


def delivery(date, supplier, amount, marker=None, inspector='"郑凯,马丽"', invoice='"26431000000000000001"'):
    """Rice delivered into the canteen's stores, and issued to the kitchen the same day (so the
    month-end stocktake still agrees)."""
    fields = {"handler": '"黄海燕"', "inspector": inspector, "supplier": f'"{supplier}"',
              "invoice": invoice}
    lines = [f"; [{marker}]"] if marker else []
    lines.append(f'{date} * "{supplier}" "食堂米面油入库"')
    lines += [f"  {key}: {value}" for key, value in fields.items() if value is not None]
    lines += [f"  {RICE}  {amount} CNY", f"  {CANTEEN_PAYABLE}", ""]
    lines += [f'{date} * "食堂领料出库（补）"', '  issue_slip: "LL-TEST-01"',
              f"  {RICE_COST}  {amount} CNY", f"  {RICE}", "", ""]
    return "\n".join(lines)


def entry(text):
    return textwrap.dedent(text).lstrip("\n") + "\n"


def card(asset_id, **fields):
    """An asset card (written on the transaction) for a purchase of equipment."""
    meta = {"asset_id": asset_id, "category": "通用设备", "subcategory": "计算机设备",
            "model": "测试型号", "quantity": 1, "life": 6, "location": "行政楼201",
            "custodian": "刘芳", "dept": "教务处", "supplier": "测试设备公司",
            "invoice": "2612345678", "procurement": "询价", **fields}
    return {key: value if isinstance(value, int) else f'"{value}"'
            for key, value in meta.items() if value is not None}


CASES = {
    "PL01": entry("""
        ; [PL01]
        2026-11-01 custom "school" "青禾市明德区实验小学"
          principal: "王建国"
        """),
    "PL02": entry("""
        ; [PL02]
        2026-03-01 custom "policy" "cash-limt" 3000.00 CNY
        """),
    "PL03": entry("""
        ; [PL03]
        2026-03-01 custom "policy" "remittance-days" "五天"
        """),
    "AP01": pay("2026-03-10", "测试维修部甲", REPAIR, "320.00", marker="AP01", approver=None),
    "AP02": pay("2026-03-10", "测试文具店乙", OFFICE, "260.00", marker="AP02", inspector=None),
    "AP03": pay("2026-03-10", "测试文具店丙", OFFICE, "800.00", marker="AP03",
                approver='"李明华"', inspector='"张伟"'),
    "AP04": pay("2026-03-10", "测试设备公司丁", EQUIPMENT, "60000.00", marker="AP04",
                quotes=3, **card("ZCT0001", quantity=12)),
    "AP05": pay("2026-03-10", "测试设备公司戊", EQUIPMENT, "120000.00", marker="AP05",
                quotes=3, meeting='"校务会纪要〔2026〕第9号"',
                contract='"HT2026CS01"', **card("ZCT0001", quantity=24)),
    "AP06": pay("2026-03-10", "测试设备公司己", EQUIPMENT, "6000.00", marker="AP06", quotes=1,
                **card("ZCT0001")),
    "AP07": pay("2026-03-10", "测试文具店庚", OFFICE, "120.00", marker="AP07",
                approved="2026-03-11"),
    "AP08": pay("2026-03-10", "测试文具店辛", OFFICE, "120.00", marker="AP08",
                handler='"陈静"'),
    "AP09": pay("2026-03-10", "测试家具厂壬", EQUIPMENT, "3000.00", **card("ZCT0001"))
            + pay("2026-03-16", "测试家具厂壬", EQUIPMENT, "3000.00", marker="AP09",
                  **card("ZCT0002")),
    "AP10": entry(f"""
        ; [AP10]
        2026-08-03 ! "测试文具店癸" "购奖状（待校长审批）"
          handler: "刘芳"
          inspector: "张伟"
          reviewer: "陈静"
          {OFFICE}  180.00 CNY
          {QUOTA}
        """),
    "TL01": entry(f"""
        ; [TL01]
        2026-03-11 * "收取住宿费（插班生）"
          student: "202503099"
          item: "住宿费"
          {BASIC}  450.00 CNY
          {OTHER_INCOME}  -450.00 CNY
        """),
    "TL02": entry(f"""
        2026-10-12 * "收取住宿费（补交）"
          student: "202503099"
          item: "住宿费"
          {BASIC}  450.00 CNY
          {BOARDING}  -450.00 CNY

        ; [TL02]
        2026-10-13 * "明德区测试维修部" "付宿舍维修款"
          handler: "李明华"
          reviewer: "陈静"
          {BOARDING}  450.00 CNY
          {BASIC}  -450.00 CNY
        """),
    "TL03": pay("2026-03-12", "测试差旅公司", TRAVEL, "50.00", source=COLLECTION,
                marker="TL03", inspector=None),
    "TL04": entry(f"""
        ; [TL04]
        2026-10-12 * "收取住宿费（补交）"
          student: "202503099"
          item: "住宿费"
          {BASIC}  450.00 CNY
          {BOARDING}  -450.00 CNY

        2026-10-20 * "青禾市明德区财政局非税收入汇缴专户" "上缴住宿费"
          handler: "赵敏"
          reviewer: "陈静"
          {BOARDING}  450.00 CNY
          {BASIC}  -450.00 CNY
        """),
    "TL05": entry(f"""
        ; [TL05]
        2025-12-30 * "明德区再生资源回收站" "报废课桌椅残值收入"
          item: "国有资产处置收入"
          {BASIC}  800.00 CNY
          {DISPOSAL}  -800.00 CNY

        2026-01-04 * "青禾市明德区财政局非税收入汇缴专户" "上缴国有资产处置收入"
          handler: "赵敏"
          reviewer: "陈静"
          {DISPOSAL}  800.00 CNY
          {BASIC}  -800.00 CNY
        """),
    "TL06": entry(f"""
        ; [TL06]
        2026-01-20 * "作业本费结余转收入"
          reviewer: "陈静"
          {HOMEWORK}  5.00 CNY
          Income:4605租金收入  -5.00 CNY
        """),
    "TL07": entry(f"""
        ; [TL07]
        2025-12-15 * "代收作业本费（插班生） 2025年秋季学期"
          student: "202503099"
          item: "作业本费"
          {COLLECTION}  15.00 CNY
          {HOMEWORK}  -15.00 CNY
        """),
    "TL09": pay("2026-03-12", "明德区惠民生鲜超市", HOMEWORK, "50.00", source=COLLECTION,
                marker="TL09", inspector=None),
    # 作业本费 defined again from 2026-03-01 without its provider: the first payment after it
    "TL10": entry("""
        2026-03-01 custom "fee" "作业本费" "代收" 15.00 CNY
          unit: "元/生·学期"
          scope: "全校"
          basis: "青禾市发展和改革委员会、青禾市教育局《关于规范中小学服务性收费和代收费管理的通知》（青发改收费〔2024〕18号）"
          voluntary: FALSE
          settlement: "多退少不补"
          account: "Liabilities:2307其他应付款:230701代收费:01作业本费"
        """) + pay("2026-03-12", "青禾市新华书店", HOMEWORK, "50.00", source=COLLECTION,
                   marker="TL10", inspector=None),
    "TL11": entry("""
        ; [TL11]
        2026-03-01 custom "policy" "remittance-days" 90
        """),
    "TL08": entry(f"""
        ; [TL08]
        2026-03-10 * "明德区童趣文具店" "收门面押金（现金）"
          Assets:1001库存现金  6000.00 CNY
          {OTHER_INCOME}  -6000.00 CNY

        2026-03-12 * "现金存入基本户"
          {BASIC}  6000.00 CNY
          Assets:1001库存现金  -6000.00 CNY
        """),
    "PJ01": pay("2026-03-10", "测试实验器材公司", MATERIALS, "200.00", marker="PJ01",
                project='"科学实验室2026"'),
    "PJ02": entry(f"""
        2026-03-01 custom "project" "校园文化建设2026" 5000.00 CNY {MATERIALS}
        """) + pay("2026-03-10", "测试文具店子", OFFICE, "300.00", marker="PJ02",
                   project='"校园文化建设2026"'),
    "PJ03": entry(f"""
        2026-03-01 custom "project" "校园文化建设2026" 1000.00 CNY {MATERIALS}
        """) + pay("2026-03-10", "测试广告公司", MATERIALS, "600.00", project='"校园文化建设2026"')
            + pay("2026-03-20", "测试广告公司丑", MATERIALS, "600.00", marker="PJ03",
                  project='"校园文化建设2026"'),
    "PJ04": entry("""
        ; [PJ04]
        2026-03-01 custom "project" "图书室建设2026" 5000.00 CNY
        """),
    "BG01": pay("2026-03-10", "测试培训学校", TRAINING, "12000.00", marker="BG01",
                inspector=None),
    "BG02": entry(f"""
        ; [BG02]
        2026-01-01 custom "budget" {TRAVEL} "annually" 1000.00 CNY
        """),
    "AS01": pay("2026-03-10", "测试电脑公司子", EQUIPMENT, "3000.00", marker="AS01",
                **card("ZCT0001", dept=None)),
    "AS02": pay("2026-03-10", "测试电脑公司丑", EQUIPMENT, "3200.00", marker="AS02",
                **card("ZCT0001", quantity=4)),
    "AS03": pay("2026-03-10", "测试电脑公司寅", EQUIPMENT, "3000.00", marker="AS03",
                **card("ZCT0001", subcategory="笔记本电脑")),
    "AS04": pay("2026-03-10", "测试电脑公司卯", EQUIPMENT, "3000.00", marker="AS04",
                **card("ZCT0001", life=3)),
    "AS05": pay("2026-03-10", "测试电脑公司辰", EQUIPMENT, "3000.00", marker="AS05",
                **card("ZC20250001")),
    "AS06": pay("2026-03-10", "测试电脑公司巳", EQUIPMENT, "3000.00", marker="AS06"),
    "AS07": entry(f"""
        ; [AS07]
        2026-03-10 * "明德区再生资源回收站" "报废旧电脑"
          asset_id: "ZC20109999"
          disposal: "报废"
          approver: "王建国"
          {EQUIPMENT}  -3000.00 CNY
          Expenses:5301资产处置费用  3000.00 CNY
        """),
    "AS08": entry(f"""
        ; [AS08]
        2026-03-10 * "区教育局无偿调入旧电脑"
          asset_id: "ZCT0001"
          category: "通用设备"
          subcategory: "计算机设备"
          model: "测试型号"
          quantity: 1
          life: 6
          location: "行政楼201"
          custodian: "刘芳"
          dept: "教务处"
          depreciated: 4000.00 CNY
          depreciated_months: 40
          {EQUIPMENT}  3000.00 CNY
          Assets:1602固定资产累计折旧:160202通用设备  -4000.00 CNY
          Equity:3401无偿调拨净资产  1000.00 CNY
        """),
    "AS09": entry("""
        ; [AS09]
        2026-03-10 custom "asset-transfer" "ZC20109999"
          location: "二(3)班教室"
        """),
    "AS10": entry(f"""
        ; [AS10]
        2026-03-31 * "计提3月折旧"
          Expenses:5001业务活动费用:500104固定资产折旧费  100.00 CNY
          Assets:1602固定资产累计折旧:160202通用设备  -100.00 CNY
        """),
    # a purchase cannot be entered at a nominal amount (only a donation, a free transfer in, a
    # count surplus without a cost)
    "AS12": pay("2026-03-10", "测试电脑公司午", EQUIPMENT, "1.00", marker="AS12",
                **{**card("ZCT0001"), "nominal": "TRUE"}),
    # next-month without its basis; the day after, the default (same-month) again
    "AS13": entry("""
        ; [AS13]
        2026-03-10 custom "policy" "depreciation-start" "next-month"
        2026-03-11 custom "policy" "depreciation-start" "默认"
        """),
    "AS14": pay("2026-03-10", "测试工程公司", EQUIPMENT, "3000.00", marker="AS14",
                asset_id='"ZC20109999"', addition='"加装"'),
    "FE01": entry(f"""
        ; [FE01]
        2026-10-12 * "代收作业本费（插班生） 2026年秋季学期"
          student: "202602099"
          class: "一(2)班"
          item: "作业本费"
          {COLLECTION}  20.00 CNY
          {HOMEWORK}  -20.00 CNY
        """),
    "FE02": entry(f"""
        ; [FE02]
        2026-10-12 * "代收校服费 2026年秋季学期"
          student: "202602099"
          class: "一(2)班"
          item: "校服费"
          {COLLECTION}  120.00 CNY
          {HOMEWORK}  -120.00 CNY
        """),
    "FE03": entry(f"""
        ; [FE03]
        2026-10-12 * "代收教辅资料费 2026年秋季学期"
          student: "202602099"
          class: "七(1)班"
          item: "教辅资料费"
          {COLLECTION}  34.50 CNY
          {WORKBOOK}  -34.50 CNY
        """),
    "FE04": entry(f"""
        ; [FE04]
        2026-10-28 * "收住宿费、作业本费（插班生）"
          student: "202602099"
          class: "一(2)班"
          {BASIC}  465.00 CNY
          {BOARDING}  -450.00 CNY
            item: "住宿费"
          {HOMEWORK}  -15.00 CNY
            item: "作业本费"
        """),
    "FE05": entry(f"""
        ; [FE05]
        2026-08-10 * "代收作业本费（暑期插班生） 2026年秋季学期"
          student: "202602099"
          class: "一(2)班"
          item: "作业本费"
          {COLLECTION}  15.00 CNY
          {HOMEWORK}  -15.00 CNY
        """),
    "FE06": entry("""
        ; [FE06]
        2026-03-01 custom "fee" "校服费" "代收" 120.00 CNY
        """),
    "CT01": pay("2026-03-12", "青禾华润燃气有限公司", CANTEEN_FUEL, "320.00", source=BASIC,
                marker="CT01", inspector=None, invoice='"26431000000000000002"'),
    "CT02": entry(f"""
        ; [CT02]
        2026-03-12 * "收教职工现金餐费"
          {CANTEEN_BANK}  80.00 CNY
          {STAFF_MEALS}  -80.00 CNY
        """),
    # May 2026: 8000 more income after the month's last meals lifts the month over 8%
    "CT03": entry(f"""
        ; [CT03]
        2026-05-31 * "青禾市再生资源回收公司" "食堂废旧设备变卖收入"
          {CANTEEN_BANK}  8000.00 CNY
          {CANTEEN_INCOME}  -8000.00 CNY
        """),
    # a kindergarten-style check from August, and a short term ending 2026-08-15
    "CT04": entry(f"""
        2026-08-01 custom "policy" "canteen-surplus-mode" "kindergarten"
        2026-08-15 custom "policy" "term-end" "2026年暑期托管"

        ; [CT04]
        2026-08-10 * "食堂其他收入"
          {CANTEEN_BANK}  500.00 CNY
          {CANTEEN_INCOME}  -500.00 CNY
        """),
    "CT05": delivery("2026-03-11", "明德区某某批发部", "1260.00", marker="CT05"),
    # registered while its food licence was valid; it ran out before the purchase
    "CT06": entry("""
        2026-01-05 custom "supplier" "明德区过期粮店"
          licence: "91430702MA4X00000X"
          licence_expiry: "长期"
          food_licence: "JY14307020000001"
          food_licence_expiry: 2026-02-28
          contract: "HT2026SC09"
          contract_start: 2026-01-05
          contract_end: 2026-08-31
        """) + delivery("2026-03-11", "明德区过期粮店", "1260.00", marker="CT06"),
    "CT07": delivery("2026-03-11", "青禾市丰源粮油贸易有限公司", "1260.00", marker="CT07",
                     inspector='"郑凯"'),
    "CT08": delivery("2026-03-11", "青禾市丰源粮油贸易有限公司", "1260.00", marker="CT08",
                     invoice=None),
    "CT09": pay("2026-03-12", "明德区惠民生鲜超市", VEG_COST, "300.00", source=CANTEEN_BANK,
                marker="CT09", invoice='"26431000000000000003"'),
    "CT10": entry(f"""
        ; [CT10]
        2026-03-31 custom "stocktake" {RICE} 1.00 CNY
        """),
    # August has no stocktake: a delivery and its issue make it a month with movements
    "CT11": delivery("2026-08-18", "青禾市丰源粮油贸易有限公司", "1260.00").replace(
        '2026-08-18 * "食堂领料出库（补）"', '; [CT11]\n2026-08-18 * "食堂领料出库（补）"'),
    "CT12": entry("""
        ; [CT12]
        2026-03-01 custom "supplier" "明德区新登记粮店"
          licence: "91430702MA4X00000Y"
          licence_expiry: "长期"
          food_licence: "JY14307020000002"
          contract: "HT2026SC10"
          contract_start: 2026-03-01
          contract_end: 2026-08-31
        """),
    # 平行记账 (plugins/budget_accounting.py)
    "YS01": entry(f"""
        ; [YS01]
        2026-03-10 * "测试税务" "退回多缴的增值税"
          reviewer: "陈静"
          {BASIC}  100.00 CNY
          Liabilities:2101应交增值税  -100.00 CNY
        """),
    "YS02": entry(f"""
        ; [YS02]
        2026-03-10 * "补记期初漏记的存款"
          reviewer: "陈静"
          {BASIC}  50.00 CNY
          Equity:3001累计盈余  -50.00 CNY
        """),
    "YS03": entry(f"""
        ; [YS03]
        2026-03-10 * "退回以前年度多付的维修费"
          reviewer: "陈静"
          {BASIC}  800.00 CNY
          Income:4609其他收入  -800.00 CNY
          Equity:8001资金结存:800102货币资金  800.00 CNY
          Equity:8202非财政拨款结余:820201年初余额调整  -700.00 CNY
          Equity:3001累计盈余  -100.00 CNY
        """),
    "YS04": entry("""
        ; [YS04]
        2026-03-01 custom "budget-rule" "Income:4603捐赠收入" "捐赠"
        """),
    "CL01": entry("""
        ; [CL01]
        2026-03-10 custom "month-close" "2026-02"
        """),
}
# More cases of the rules above: states that start out wrong and settings that would switch a
# rule off (issue 19, "Rules"); each still gives exactly one problem at its entry.
CARDS = "Liabilities:2307其他应付款:230702饭卡预存"
MEALS = "Income:4101事业收入:410102伙食费收入"
MORE_CASES = {
    "PL02 misspelt directive type": entry("""
        ; [PL02]
        2026-03-01 custom "polciy" "cash-limit" 3000.00 CNY
        """),
    "PL03 two term-ends on one date": entry("""
        ; [PL03]
        2026-07-03 custom "policy" "term-end" "2026年暑期"
        """),
    "PL03 split window of zero days": entry("""
        ; [PL03]
        2026-03-01 custom "policy" "split-window-days" 0
        """),
    "PL03 percent as a fraction": entry("""
        ; [PL03]
        2026-03-01 custom "policy" "canteen-surplus-cap" 0.08
        """),
    "BG01 line lowered below the spending": entry(f"""
        ; [BG01]
        2026-10-01 custom "budget" {OFFICE} "yearly" 0.00 CNY
        """),
    "BG02 line on an unopened account": entry(f"""
        ; [BG02]
        2026-01-01 custom "budget" {OFFICE}用品 "yearly" 1000.00 CNY
        """),
    "PJ03 funding lowered below the spending": entry(f"""
        ; [PJ03]
        2026-03-01 custom "project" "计算机教室建设2025" 1.00 CNY {EQUIPMENT}
        """),
    "PJ04 registration on an unopened account": entry(f"""
        ; [PJ04]
        2026-03-01 custom "project" "图书室建设2026" 5000.00 CNY {EQUIPMENT}99
        """),
    # more rice issued than held (a slip typed wrong), corrected the next day
    "CT09 stores below zero": entry(f"""
        ; [CT09]
        2026-03-11 * "食堂领料出库"
          issue_slip: "LL-TEST-09"
          {RICE_COST}  900000.00 CNY
          {RICE}

        2026-03-12 * "冲回错录的领料单"
          stocktake: "领料单金额录错，冲回"
          {RICE}  900000.00 CNY
          {RICE_COST}
        """),
    # a consumption batch imported twice, taken back the next day
    "CT02 meal cards in debit": entry(f"""
        ; [CT02]
        2026-03-11 * "就餐消费汇总（一卡通系统）"
          {CARDS}  900000.00 CNY
          {MEALS}

        2026-03-12 * "冲回重复导入的消费汇总"
          {MEALS}  900000.00 CNY
          {CARDS}
        """),
    "CT12 supplier record run out on its own date": entry("""
        ; [CT12]
        2026-03-01 custom "supplier" "明德区新登记粮店"
          licence: "91430702MA4X00000Y"
          licence_expiry: "长期"
          food_licence: "JY14307020000002"
          food_licence_expiry: 2025-12-31
          contract: "HT2026SC10"
          contract_start: 2026-03-01
          contract_end: 2026-08-31
        """),
}

# Not insertable into the example: AS11 needs a depreciation account the chart lacks (or a
# plugin option); docs/examples/violations.beancount and tests/plugins/test_depreciation.py
# show it.
LEDGER_LEVEL = {"AS11"}


def load_with(base: Path, tmp_path: Path, text: str):
    """The ledger in folder `base` with `text` included after it."""
    case = tmp_path / "case.beancount"
    case.write_text(text, encoding="utf-8")
    main = (base / "main.beancount").read_text(encoding="utf-8")
    main = re.sub(r'^include "(.*)"$', lambda m: f'include "{base / m.group(1)}"', main,
                  flags=re.MULTILINE)
    (tmp_path / "main.beancount").write_text(main + f'include "{case}"\n', encoding="utf-8")
    _entries, errors, _ = loader.load_file(str(tmp_path / "main.beancount"))
    return case, errors


def test_the_small_school_alone_is_clean(small_school, tmp_path):
    _case, errors = load_with(small_school, tmp_path, "")
    assert [e.message for e in errors] == []


def test_the_small_school_keeps_the_examples_rules(small_school):
    """The cases rely on the example's accounts, suppliers, assets, policy and budget lines;
    only the school's size (and so its amounts) may differ."""
    for name in ("accounts.beancount", "canteen.beancount", "assets.beancount"):
        assert (small_school / name).read_bytes() == (EXAMPLE / name).read_bytes(), name

    def without_amounts(folder):
        text = (folder / "policy.beancount").read_text(encoding="utf-8")
        return re.sub(r"\d+\.\d\d CNY", "<amount> CNY", text)

    assert without_amounts(small_school) == without_amounts(EXAMPLE)


@pytest.mark.parametrize("code", sorted(CASES))
def test_one_violation_gives_one_problem_at_its_entry(small_school, tmp_path, code):
    text = CASES[code]
    marker = text.splitlines().index(f"; [{code}]") + 1
    case, errors = load_with(small_school, tmp_path, text)
    found = [(e.message[1:5], e.source["filename"], e.source["lineno"]) for e in errors]
    assert found == [(code, str(case), marker + 1)], [e.message for e in errors]


def test_every_rule_is_in_the_catalogue():
    violations = (Path(__file__).parents[2] / "docs" / "examples" / "violations.beancount")
    codes = set(re.findall(r"^; \[([A-Z]{2}\d{2})\]", violations.read_text(encoding="utf-8"),
                           flags=re.MULTILINE))
    assert codes == set(CASES) | LEDGER_LEVEL


@pytest.mark.parametrize("name", sorted(MORE_CASES))
def test_more_cases_give_one_problem_at_their_entry(small_school, tmp_path, name):
    code, text = name[:4], MORE_CASES[name]
    marker = text.splitlines().index(f"; [{code}]") + 1
    case, errors = load_with(small_school, tmp_path, text)
    found = [(e.message[1:5], e.source["filename"], e.source["lineno"]) for e in errors]
    assert found == [(code, str(case), marker + 1)], [e.message for e in errors]
