"""Writes the workbook fixtures from the rows below (run by hand; the tests never run it).

    /path/to/python-with-xlwt-and-openpyxl tests/importers/make_excel_fixtures.py

- ccb/ccb-detail-2025-10.xls: old Excel (BIFF8, code page 936 as CCB writes it), the CCB
  layout with the account block and `借方发生额/元(支取)`; written with xlwt 1.3.0.
- icbc/icbc-two-accounts-2025-11.xlsx: one workbook, a notes sheet and one sheet per account
  (basic account and zero-balance quota), ICBC's `[HISTORYDETAIL]` layout with 借/贷.
- abc/abc-html-2025-10.xls: an “Excel” download that is really an HTML table (GBK).
"""

from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"

CCB_ROWS = [
    ["中国建设银行"], ["明细查询结果"], ["明细查询结果下载"],
    ["账　　号", "44050112345600000123", "账户名称", "青禾市明德区实验小学"],
    ["期初余额", "2,835.00", "当前余额", "1,275.00"],
    ["开户行名称", "中国建设银行青禾明德支行", "账户状态", "正常"],
    ["借方发生额", "3,000.00", "借方交易笔数", "2"],
    ["贷方发生额", "1,440.00", "贷方交易笔数", "2"],
    ["交易时间", "借方发生额/元(支取)", "贷方发生额/元(收入)", "余额", "币种", "对方户名", "对方账号",
     "对方开户机构", "记账日期", "摘要", "备注", "账户明细编号-交易流水号", "企业流水号", "凭证种类", "凭证号",
     "交易介质编号"],
    ["20251008 09:30:01", "", 1200.0, 4035.0, "人民币元", "二(1)班学生家长", "6217001111", "建行", "20251008",
     "教辅资料费", "", "202510080001-00011", "", "", "", ""],
    ["20251015 10:00:00", 2960.0, "", 1075.0, "人民币元", "青禾市新华书店", "4405000099", "建行",
     "20251015", "教辅资料款", "", "202510150001-00003", "", "", "", ""],
    ["20251015 10:00:00", 40.0, "", 1035.0, "人民币元", "青禾市新华书店", "4405000099", "建行",
     "20251015", "跨行汇款手续费", "", "202510150001-00003", "", "", "", ""],
    ["20251020 16:20:00", "", 240.0, 1275.0, "人民币元", "二(2)班学生家长", "6217002222", "建行", "20251020",
     "作业本费", "", "202510200001-00007", "", "", "", ""],
]

ICBC_HEADER = ["凭证号", "本方账号", "对方账号", "交易时间", "借/贷", "借方发生额", "贷方发生额", "对方行号",
               "摘要", "用途", "对方单位名称", "余额", "个性化信息"]
ICBC_BASIC = [
    ["[HISTORYDETAIL]"], ICBC_HEADER,
    ["0101", "1202020109900012345", "3301000000123", "2025-11-14 10:00:00", "借", 9876.5, None, "",
     "代扣", "11月电费", "国网青禾供电公司明德供电所", 163781.1, ""],
    ["0102", "1202020109900012345", "121000000000888", "2025-11-20 15:00:00", "借", 600.0, None, "",
     "转账支出", "上缴住宿费", "青禾市明德区财政集中支付中心", 163181.1, ""],
    ["合计", "", "", "", "", 10476.5, 0, "", "", "", "", "", ""],
]
ICBC_QUOTA = [
    ["[HISTORYDETAIL]"], ICBC_HEADER,
    ["0201", "1202020119900067890", "", "2025-11-03 08:00:00", "贷", None, 50000.0, "",
     "额度下达", "授权支付额度", "青禾市明德区财政局", 50000.0, ""],
]

ABC_HTML = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head>
<body><table>
<tr><td colspan="19">账户明细</td></tr>
<tr><td>账户号</td><td>18-123401040012345</td><td>账户名称</td><td>青禾市明德区实验小学食堂</td></tr>
<tr><th>交易日期</th><th>交易时间戳</th><th>收入金额</th><th>支出金额</th><th>本次余额</th><th>手续费总额</th>
<th>交易方式</th><th>交易行名</th><th>交易类别</th><th>对方省市</th><th>对方账号</th><th>对方户名</th>
<th>交易说明</th><th>交易摘要</th><th>交易附言</th><th>交易凭证号</th><th>交易日志号</th><th>账簿号</th><th>账簿名称</th></tr>
<tr><td>20251009</td><td>20251009101112000001</td><td>88,000.00</td><td></td><td>217,385.60</td><td>0.00</td>
<td>转账</td><td>明德支行</td><td>转账</td><td>湖南</td><td>-</td><td>一卡通充值汇总</td><td>饭卡充值</td>
<td>转存</td><td></td><td></td><td>AB20251009000031</td><td>1</td><td>活期</td></tr>
<tr><td>20251016</td><td>20251016090000000002</td><td></td><td>18,200.00</td><td>199,185.60</td><td>0.00</td>
<td>转账</td><td>明德支行</td><td>转账</td><td>湖南</td><td>4301000011</td><td>青禾市丰源粮油贸易有限公司</td>
<td>10月米面油</td><td>转支</td><td></td><td></td><td>AB20251016000007</td><td>1</td><td>活期</td></tr>
<tr><td>20251016</td><td>20251016090000000003</td><td></td><td>18,200.00</td><td>180,985.60</td><td>0.00</td>
<td>转账</td><td>明德支行</td><td>转账</td><td>湖南</td><td>4301000011</td><td>青禾市丰源粮油贸易有限公司</td>
<td>10月米面油</td><td>转支</td><td></td><td></td><td>AB20251016000008</td><td>1</td><td>活期</td></tr>
</table></body></html>
"""


def main() -> None:
    import openpyxl
    import xlwt

    book = xlwt.Workbook(encoding="gbk")
    sheet = book.add_sheet("明细查询结果")
    for r, row in enumerate(CCB_ROWS):
        for c, value in enumerate(row):
            if value != "":
                sheet.write(r, c, value)
    book.save(str(FIXTURES / "ccb" / "ccb-detail-2025-10.xls"))

    workbook = openpyxl.Workbook()
    notes = workbook.active
    notes.title = "说明"
    notes.append(["本文件由网上银行导出，含两个账户的明细"])
    for title, rows in (("基本户", ICBC_BASIC), ("零余额账户", ICBC_QUOTA)):
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(FIXTURES / "icbc" / "icbc-two-accounts-2025-11.xlsx")

    (FIXTURES / "abc" / "abc-html-2025-10.xls").write_bytes(ABC_HTML.encode("gbk"))


if __name__ == "__main__":
    main()
