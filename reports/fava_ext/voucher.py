"""录入凭证 page in Fava: `/<ledger>/extension/Voucher/`.

A Chinese form for the common vouchers (付款, 收款, 转账). The logic is in
`xiaozhang.reports.voucher`; each method here is one call into it:

    accounts?q=30201      the account picker (科目编码 or names of the opened accounts)
    number?date=…         the proposed 凭证号 of the date's month
    check   (POST, JSON)  the draft checked by the ledger's own rules, problems by form field
    save    (POST, JSON)  checked again, then written into the month file with Fava's
                          `set_source` (refused when the file changed since the check)

The form's behaviour is `Voucher.js` next to this module (Fava loads it as the extension's
module; no download, no CDN).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fava.ext import FavaExtensionBase, extension_endpoint
from flask import jsonify, request

from xiaozhang.reports import voucher as voucher_logic
from xiaozhang.reports.fava_ext.page import ReportPage


class Voucher(ReportPage, FavaExtensionBase):
    """录入凭证: a voucher form checked by the ledger's rules and saved into its month file."""

    report_title = "录入凭证"
    has_js_module = True

    kinds = voucher_logic.KINDS
    kind_rows = voucher_logic.KIND_ROWS
    fields = voucher_logic.APPROVAL_FIELDS
    hints = voucher_logic.FIELD_HINTS
    flags = voucher_logic.FLAGS
    procurement_methods = voucher_logic.PROCUREMENT_METHODS

    def defaults(self) -> dict[str, Any]:
        """Today's date and its proposed 凭证号."""
        return voucher_logic.form_defaults(self.ledger)

    @extension_endpoint
    def accounts(self):
        choices = self.cached("voucher-accounts",
                              lambda: voucher_logic.account_choices(self.ledger.all_entries))
        found = voucher_logic.search_accounts(choices, request.args.get("q", ""))
        return jsonify([choice.as_json() for choice in found])

    @extension_endpoint
    def number(self):
        day = voucher_logic.parse_date(request.args.get("date", "")) or dt.date.today()
        return jsonify({"voucher": voucher_logic.next_voucher(self.ledger.all_entries, day)})

    @extension_endpoint("check", ["POST"])
    def check(self):
        return jsonify(voucher_logic.check(self.ledger, request.get_json(silent=True)))

    @extension_endpoint("save", ["POST"])
    def save(self):
        return jsonify(voucher_logic.save(self.ledger, request.get_json(silent=True)))
