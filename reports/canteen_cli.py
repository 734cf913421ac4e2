"""`xiaozhang canteen …` (the group lives in reports/canteen.py until it moves here)."""

from xiaozhang.reports.canteen import canteen_group  # noqa: F401
