"""校账's Beancount plugins (installed as `xiaozhang.plugins`).

Each module is one rule family; `plugin "xiaozhang.plugins.school"` in `ledger/main.beancount`
runs them all in a fixed order, and each still runs alone as `plugin "xiaozhang.plugins.<module>"`.
Its docstring is the manual (what it checks, why, how to configure it, an example that passes
and one that fails). The rules are thin: what they judge — the policy, the terms, the 2103 and
代收费 lots, the budget execution, the projects — is the school model's
(`SchoolBooks.of(entries)`, `xiaozhang.model`), built once per entries list and shared by the
rules of one load; the pages and reports ask the same model of the list they are given.
"""

from xiaozhang.io import is_warning  # noqa: F401  (defined once, in xiaozhang.io)


# The Chinese name of every rule code, for the pages and the docs (one table, so they agree).
# Each plugin's docstring is the full description.
RULES: dict[str, str] = {
    # policy.py: school profile and dated policies
    "PL01": "缺少学校信息",
    "PL02": "未知的政策参数",
    "PL03": "政策参数取值不对",
    "PL04": "评判日期有误",
    # approvals.py: 一支笔审批, 三签, 先审批后支出
    "AP01": "缺少经手、审核、审批手续",
    "AP02": "缺少验收人",
    "AP03": "审批人超出审批权限",
    "AP04": "三重一大缺少集体决策",
    "AP05": "未执行政府采购或无合同",
    "AP06": "未货比三家",
    "AP07": "先支出后审批",
    "AP08": "不相容职务未分离",
    "AP09": "疑似拆分采购",
    "AP10": "待审批超期或在已结账期间",
    # twolines.py: 收支两条线
    "TL01": "非税收入未记应缴财政款",
    "TL02": "应缴财政款坐支",
    "TL03": "坐收坐支",
    "TL04": "非税收入超期未缴",
    "TL05": "年末应缴财政款未缴清",
    "TL06": "代收费转为学校收入",
    "TL07": "代收费期末未结清",
    "TL08": "库存现金超过限额",
    "TL09": "代收费付给提供方以外的单位",
    "TL10": "代收费项目未写提供方",
    "TL11": "设置使两条线检查失效",
    # projects.py: 专款专用
    "PJ01": "专项未登记",
    "PJ02": "专项资金用于登记用途以外",
    "PJ03": "专项支出超过资金总额",
    "PJ04": "专项登记格式不对",
    # budgets.py: 预算指标控制
    "BG01": "超预算",
    "BG02": "预算指令格式不对",
    # fees.py: 收费项目与收费公示
    "FE01": "收费与标准不符",
    "FE02": "收费项目未定义",
    "FE03": "超出收费范围",
    "FE04": "不同性质收费混收",
    "FE05": "收费未按期公示",
    "FE06": "收费项目或公示记录格式不对",
    # assets.py, depreciation.py: 固定资产
    "AS01": "资产卡片缺项或取值不对",
    "AS02": "低于固定资产单位价值标准",
    "AS03": "资产类别或子类不对",
    "AS04": "使用年限低于规定",
    "AS05": "资产编号重复",
    "AS06": "固定资产增减缺少资产编号",
    "AS07": "资产处置不对",
    "AS08": "已提折旧不对",
    "AS09": "资产内部转移不对",
    "AS10": "手工记累计折旧",
    "AS11": "无法计提折旧",
    "AS12": "名义金额卡片不对",
    "AS13": "折旧起始月份不是当月",
    "AS14": "改扩建登记不对",
    # canteen.py: 食堂独立核算、饭卡、结余率、定点采购、库存盘存
    "CT01": "食堂未独立核算",
    "CT02": "伙食费收入未经饭卡",
    "CT03": "月伙食结余率超过上限",
    "CT04": "学期伙食结余率超过上限",
    "CT05": "大宗食材非定点供应商",
    "CT06": "供应商证照过期或不在合同期",
    "CT07": "食材验收人不足",
    "CT08": "食堂采购无发票",
    "CT09": "库存变动无依据",
    "CT10": "盘存差额未入账",
    "CT11": "当月未盘存",
    "CT12": "食堂登记格式不对",
    # closing.py: 月结锁定 (docs/close.md)
    "CL01": "月结记录格式不对",
    "CL02": "已结账月份的分录被新增或修改",
    "CL03": "已结账月份的分录被删除",
    "CL04": "年末结转分录与年结记录不符",
    # school.py: the one plugin line that runs all of the above
    "SC01": "校账插件参数不对",
    "SC02": "规则运行出错",
}
