"""固定资产：资产卡片（一物一卡）、处置、内部转移、已提折旧、名义金额、改扩建、折旧起始月份的检查
（AS01–AS10、AS12–AS14）。

资产卡片
    固定资产增加（借记 `Assets:1601固定资产:<类别>`）的那条分录就是资产卡片：卡片各项写在这条分录下
    （一笔交易买几项资产时各写各的），也可以写在交易上（只有一条 1601 分录时）。分录金额即原值，
    交易日期即入账日期。
      asset_id      资产编号（全账本唯一）
      name          资产名称（不写则取交易摘要）
      category      类别：房屋及构筑物 / 通用设备 / 专用设备 / 文物和陈列品 / 图书档案 / 家具用具装具及动植物
                    （须与 1601 明细科目一致）
      subcategory   子类（折旧年限表的一行，如 计算机设备、钢筋混凝土结构房屋、家具、学生用家具），
                    见 `xiaozhang.model.asset_cards.LIFE_RULES`；文物和陈列品、图书档案不写
      model         规格型号
      quantity      数量（批量卡片，如 50 台学生机、120 套课桌椅）
      life          使用年限（年），学校按补充规定附表2；不计提折旧的资产可不写
      nominal       TRUE：以名义金额（人民币 1 元）计量（受赠、调入、盘盈且无法确定成本），不计提折旧
      location / custodian / dept   存放地点 / 使用人（保管人）/ 使用部门
      status        在用（默认）/ 闲置 / 待处置
      supplier / invoice / procurement   供应商 / 发票号 / 采购方式（购置的资产必填）
      acquired      原始取得日期（期初建账的资产必填）
      depreciated / depreciated_months   建账前已提折旧金额 / 已提折旧月数（期初建账、按原值调入的资产）
    取得方式按贷方科目确定：3001 累计盈余 = 期初建账；1902 = 盘盈；3401 = 无偿调入；4603 = 接受捐赠；
    1613 = 在建工程转入；其余（零余额、银行存款、财政直接支付、应付账款）= 购置。

改扩建、追加（准则第3号 第二十二条）
    已有卡片的后续支出：借记同一 1601 明细科目，写原卡片的 `asset_id` 和 `addition: "改扩建"`（或 加装 等），
    可写重新确定的使用年限 `life`（从卡片开始计提的月份算起）。从追加当月起，月折旧额 =（原值 + 追加 −
    已提折旧）÷ 剩余月数；已提足折旧的卡片必须写新的 life。

处置（报废 / 出售 / 无偿调出 / 盘亏）
    贷记 1601 的分录写 `asset_id`，交易（或该分录）写 `disposal: "报废"`；整张卡片一并处置：
    贷记 1601 原值，借记 1602 至处置时的累计折旧，净值借记 5301 资产处置费用（报废、出售）、
    3401 无偿调拨净资产（无偿调出）或 1902 待处理财产损溢（盘亏，批准后再转 5301）。
    处置收入（残值、变价款）记 2103 应缴财政款（收支两条线），不得记收入。处置后不再计提折旧。

内部转移（存放地点、使用人、使用部门、状态的变动，保留历史）
    2026-03-02 custom "asset-transfer" "ZC20250003"
      location: "二(3)班教室"
      custodian: "吴晓燕"
      dept: "教务处"
    只写变动的项；`status` 可改为 在用 / 闲置 / 待处置。

检查项与错误代码
    [AS01] 资产卡片缺少必填项，或取值不对（数量、日期、状态）。
    [AS02] 单位价值（原值 ÷ 数量）低于当日固定资产标准（`asset-threshold` 1000 元；专用设备
           `asset-threshold-special` 1500 元）：应记 1302 库存物品或费用（低值易耗品）。图书档案和
           家具用具装具及动植物的批量卡片（数量 2 以上、合计达到标准）除外。期初卡片按原始取得日期的标准。
    [AS03] 类别不是六大类之一、子类不在该类别的年限表中，或与 1601 明细科目不一致。
    [AS04] 使用年限不是正整数，低于补充规定附表2 的年限（附表2 没有的子类：低于应用指南
           财会〔2017〕4号 年限表的下限），或超过年限表区间的上限（如食品加工专用设备 10—15 年）；
           高于附表2 而在一般表之内：预警（改扩建重新确定的年限不预警）。
    [AS05] 资产编号重复（一物一卡）。
    [AS06] 1601 固定资产的增加或减少没有写资产编号 asset_id。
    [AS07] 处置不对：资产编号没有卡片或已处置、处置方式不认识、贷记金额不是原值、1602 借记不是累计
           折旧、净值没有记入规定科目、处置收入记了收入科目、缺少审批人。
    [AS08] 已提折旧不对：超过原值，已提月数超过使用年限，或交易中 1602 的贷记与卡片不符。
    [AS09] 内部转移 `asset-transfer` 不对：资产编号没有卡片、早于入账或晚于处置、没有写变动项、状态不认识。
    [AS10] 手工记入 1602 累计折旧：折旧由折旧插件（xiaozhang.plugins.depreciation）生成，
           只有期初建账、调入和处置的分录可以写 1602。
    [AS12] 名义金额卡片不对：原值不是 1.00 元，取得方式不是接受捐赠、无偿调入、盘盈，或 nominal 不是 TRUE。
    [AS13] depreciation-start "next-month"：没有写依据 basis 为错误，写了为预警（应用指南：当月增加的
           固定资产，当月开始计提折旧）。
    [AS14] 改扩建不对：编号没有卡片、科目与卡片不同、名义金额卡片、addition 为空，或已提足折旧而没有
           重新确定的 life。

资产卡片、处置和转移在每次加载中只读取一次（学校模型 `xiaozhang.model.assets`，折旧插件、
报表和 Fava 页面用的是同一份）；本插件报告读取时发现的问题，每个问题只报告一次。

依据
    《政府会计准则第3号——固定资产》（第十七条、第二十二条）及应用指南（财会〔2017〕4号）；补充规定四及
    附表2（中小学校固定资产折旧年限表）；《政府会计制度》1601、1602；《事业单位财务规则》第四十条
    （单位价值 1000 元以上，专用设备 1500 元以上；大批同类物资作为固定资产）；
    “一物一卡”“帐物相符，帐帐相符”（003）；“对学校新增固定资产先验收，再根据凭证登记”（002）。

配置（ledger/policy.beancount，按日期生效）
    2025-08-25 custom "policy" "asset-threshold" 1000.00 CNY
    2025-08-25 custom "policy" "asset-threshold-special" 1500.00 CNY
    2025-08-25 custom "policy" "depreciation-start" "same-month"   ; "next-month" 须写 basis（AS13）

例
    通过：
      2025-09-24 * "青禾市智慧教育装备有限公司" "购希沃交互式智能平板"
        …（审批手续）
        Assets:1601固定资产:160102通用设备   52000.00 CNY
          asset_id: "ZC20250002"
          category: "通用设备"
          subcategory: "计算机设备"
          model: "希沃MC86FEA"
          quantity: 4
          life: 6
          location: "一年级教室"
          custodian: "刘芳"
          dept: "教务处"
          supplier: "青禾市智慧教育装备有限公司"
          invoice: "25123456700000000001"
          procurement: "询价"
        Assets:1011零余额账户用款额度
    不通过：去掉 dept → [AS01]；life 改为 4 → [AS04]；金额 3200.00（每台 800 元）→ [AS02]；
    写 nominal: TRUE、金额 1.00（购置的资产有成本）→ [AS12]。
"""

from __future__ import annotations

from xiaozhang.model.assets import AssetError, AssetRegister  # noqa: F401  (the rule's error type; older code)
from xiaozhang.model.books import SchoolBooks

__plugins__ = ("validate_assets",)


def validate_assets(entries, options_map, config=None):
    """Report problems with asset cards, disposals, transfers and hand-written depreciation."""
    return entries, list(SchoolBooks.of(entries, options_map).assets.errors)
