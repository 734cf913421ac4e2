"""The parents' site (`xiaozhang publish --out DIR`): the public notices as plain files.

What it holds: for every month with fee postings that is over by the 评判日期 (`books.as_of`),
the school's 收费公示 (`disclosure_documents.school_notice`) and each class's notice
(`class_notice`); for every month of canteen data that is over, the 伙食费收支公示
(`canteen_documents.notice_document`). The documents are the notices' own (the same builders,
the same masking: `xiaozhang.roster.mask_name` through `ClassSheet`; no 学号, no full name, no
per-student statement). Indexes: the home page by term and month, one page per month, one page
per class listing its notices by month.

Plain HTML files with their CSS inline, no script, no link outside the folder, readable on a
phone (tables scroll sideways inside the page). Copy the folder to any web server, a school
website's file area, or open `index.html` from a USB stick.

Layout::

    index.html                          学期 → 月份 → 公示；班级目录
    2026-01/index.html                  the month: school notice, classes, canteen
    2026-01/收费公示.html
    2026-01/班级/三(2)班.html
    2026-01/伙食费收支公示.html
    班级/三(2)班.html                   the class's notices, by month
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from markupsafe import Markup

from xiaozhang.io import write_atomic
from xiaozhang.model.books import SchoolBooks
from xiaozhang.model.periods import Month
from xiaozhang.reports import canteen, disclosure
from xiaozhang.reports.canteen_documents import notice_document
from xiaozhang.reports.disclosure_documents import class_notice, school_notice
from xiaozhang.reports.document import render_html, safe_filename
from xiaozhang.roster import Student

SCHOOL_PAGE = "收费公示.html"
CANTEEN_PAGE = "伙食费收支公示.html"
CLASS_DIR = "班级"

_PAGE = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True).from_string("""\
<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>
body { margin: 0; padding: 12px; color: #111; background: #fff; line-height: 1.6;
       font-family: "Noto Sans CJK SC", "WenQuanYi Zen Hei", "Microsoft YaHei", "PingFang SC", sans-serif; }
nav { font-size: 15px; margin-bottom: 10px; }
nav a { margin-right: 1em; }
h1 { font-size: 20px; margin: 0.3em 0; }
h2 { font-size: 17px; margin: 1em 0 0.3em; border-bottom: 1px solid #ccc; }
ul.links { list-style: none; padding: 0; margin: 0; }
ul.links li { display: inline-block; margin: 0 0.4em 0.5em 0; }
ul.links a, .classes a { display: inline-block; padding: 0.35em 0.6em; border: 1px solid #9bb7d9;
                          border-radius: 4px; text-decoration: none; color: #154a8a; background: #f4f8fd; }
.classes a { margin: 0 0.4em 0.5em 0; }
.note { color: #555; font-size: 13px; }
body .xz-doc table { display: block; overflow-x: auto; max-width: 100%; }
@media (max-width: 600px) { body .xz-doc .xz-signatures { grid-template-columns: 1fr; }
                            body .xz-doc td { white-space: nowrap; } body .xz-doc th { min-width: 4.5em; } }
</style>
</head>
<body>
<nav>{% for label, href in nav %}<a href="{{ href }}">{{ label }}</a>{% endfor %}</nav>
{{ body }}
</body>
</html>
""")


@dataclass
class Site:
    out: Path
    pages: list[Path] = field(default_factory=list)
    months: int = 0
    classes: int = 0


def _page(site: Site, path: Path, title: str, body: str, depth: int) -> None:
    up = "../" * depth
    nav = [("公示首页", f"{up}index.html")]
    html = _PAGE.render(title=title, body=Markup(body), nav=nav if depth else [])
    write_atomic(path, html)
    site.pages.append(path)


def _links(items: list[tuple[str, str]]) -> str:
    escape = jinja2.utils.markupsafe.escape
    return "<ul class=\"links\">" + "".join(
        f'<li><a href="{escape(href)}">{escape(label)}</a></li>' for label, href in items) + "</ul>"


def _complete_months(months: list[str], as_of: dt.date) -> list[str]:
    return sorted({m for m in months if Month.parse(m).last <= as_of})


def publish(entries: list, options_map: dict, roster: dict[str, Student], out: Path,
            *, ledger: str = "") -> Site:
    """Write the site into `out` (see the module docstring)."""
    books = SchoolBooks.of(entries, options_map)
    as_of = books.as_of
    site = Site(Path(out))
    school = books.policy.school_name(as_of)
    fee_months = _complete_months(disclosure.periods(entries), as_of)
    books.fees.by_term  # grouped once: each month's build cuts its term's list (`term_fees`)
    canteen_months: list[str] = []
    if canteen.canteen_of(entries, options_map).accounts.marked:
        canteen_months = _complete_months([Month.of(d).text for d in canteen.months_with_data(entries, options_map)],
                                          as_of)
    by_term: dict[str, list[str]] = {}
    class_months: dict[str, list[tuple[str, str]]] = {}
    term_names: dict[str, tuple[dt.date, str]] = {}
    for period in sorted(set(fee_months) | set(canteen_months)):
        month = Month.parse(period)
        folder = site.out / period
        links: list[tuple[str, str]] = []
        classes: list[str] = []
        term_name = ""
        if period in fee_months:
            report = disclosure.build(entries, options_map, roster, period, ledger=ledger)
            term_name = report.term.name
            term_names[term_name] = (report.term.start, term_name)
            if report.items:
                issued = disclosure.publishing_day(period, as_of)
                _page(site, folder / SCHOOL_PAGE, f"{school} {month.label}收费公示",
                      render_html(school_notice(report, issued), standalone=False), 1)
                links.append(("学校收费公示" + ("及代收费结算清单" if report.final else ""), SCHOOL_PAGE))
                for sheet in report.classes:
                    name = safe_filename(sheet.class_name)
                    _page(site, folder / CLASS_DIR / f"{name}.html",
                          f"{sheet.class_name} {month.label}收费公示",
                          render_html(class_notice(report, sheet, issued), standalone=False), 2)
                    classes.append(sheet.class_name)
                    class_months.setdefault(sheet.class_name, []).append(
                        (f"{month.label}收费公示（{term_name}）", f"../{period}/{CLASS_DIR}/{name}.html"))
        if period in canteen_months:
            figures = canteen.build(entries, options_map, month.first)
            term_name = term_name or figures.term_label
            term_names.setdefault(term_name, (month.first, term_name))
            _page(site, folder / CANTEEN_PAGE, f"{school} {month.label}伙食费收支公示",
                  render_html(notice_document(figures), standalone=False), 1)
            links.append(("伙食费收支公示（食堂）", CANTEEN_PAGE))
        if not links and not classes:
            continue
        site.months += 1
        body = f"<h1>{jinja2.utils.markupsafe.escape(school)} {month.label}公示</h1>" + _links(links)
        if classes:
            body += "<h2>班级收费公示</h2><div class=\"classes\">" + "".join(
                f'<a href="{CLASS_DIR}/{jinja2.utils.markupsafe.escape(safe_filename(c))}.html">'
                f'{jinja2.utils.markupsafe.escape(c)}</a>' for c in classes) + "</div>"
        _page(site, folder / "index.html", f"{school} {month.label}公示", body, 1)
        by_term.setdefault(term_name or "其他", []).append(period)
    for class_name, items in class_months.items():
        body = f"<h1>{jinja2.utils.markupsafe.escape(class_name)} 收费公示</h1>" + _links(list(reversed(items)))
        _page(site, site.out / CLASS_DIR / f"{safe_filename(class_name)}.html",
              f"{class_name} 收费公示", body, 1)
    site.classes = len(class_months)
    escape = jinja2.utils.markupsafe.escape
    body = [f"<h1>{escape(school)} 公示</h1>",
            "<p class=\"note\">收费公示、代收费结算和伙食费收支公示。学生姓名已隐去部分，不含学号。"
            "如有疑问，请向学校财务室咨询。</p>"]
    for term in sorted(by_term, key=lambda t: term_names.get(t, (dt.date.min,))[0], reverse=True):
        body.append(f"<h2>{escape(term)}</h2>")
        body.append(_links([(f"{Month.parse(p).label}", f"{p}/index.html") for p in sorted(by_term[term], reverse=True)]))
    if class_months:
        body.append("<h2>按班级查看</h2><div class=\"classes\">" + "".join(
            f'<a href="{CLASS_DIR}/{escape(safe_filename(c))}.html">{escape(c)}</a>'
            for c in sorted(class_months, key=disclosure.class_order)) + "</div>")
    _page(site, site.out / "index.html", f"{school} 公示", "".join(body), 0)
    return site
