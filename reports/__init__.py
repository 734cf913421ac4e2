"""校账's reports and the Fava extension (installed as `xiaozhang.reports`).

A report module computes its figures with a pure `build(entries, options_map, ...)`;
rendering (Fava page, HTML, PDF, spreadsheet, chart) is kept apart (`render.py`, `fava_ext/`).
"""
