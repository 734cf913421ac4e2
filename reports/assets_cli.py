"""`xiaozhang assets …` (the group lives in reports/assets.py until it moves here)."""

from xiaozhang.reports.assets import assets_group  # noqa: F401
