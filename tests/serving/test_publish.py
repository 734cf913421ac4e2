"""The parents' site: every notice there, nothing personal in it.

The scan reads every file of the site for every full name of students.csv and every 学号 of
students.csv and of the ledger's `student` metadata: none may appear (the notices mask names
with `mask_name` and print no 学号)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE_LEDGER
from xiaozhang.roster import mask_name, read_roster


@pytest.fixture(scope="module")
def site(example_ledger, tmp_path_factory):
    from xiaozhang.reports import publish

    roster = read_roster(EXAMPLE_LEDGER.parent / "students.csv")
    out = tmp_path_factory.mktemp("site")
    made = publish.publish(example_ledger.entries, example_ledger.options_map, roster, out,
                           ledger=str(EXAMPLE_LEDGER))
    return out, made, roster


def personal_words(entries, roster) -> set[str]:
    words = {s.name for s in roster.values() if s.name} | set(roster)
    for entry in entries:
        for meta in [getattr(entry, "meta", None), *(p.meta for p in getattr(entry, "postings", ()))]:
            if meta and meta.get("student"):
                words.add(str(meta["student"]))
    return words


def test_no_full_name_or_student_id_in_any_file(site, example_ledger):
    out, _made, roster = site
    words = personal_words(example_ledger.entries, roster)
    assert len(words) > 1000
    pattern = re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))))
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(files) > 300
    found = {}
    for path in files:
        for match in pattern.finditer(path.read_text(encoding="utf-8")):
            found.setdefault(match.group(0), str(path.relative_to(out)))
        assert not pattern.search(str(path.relative_to(out)))
    assert not found, list(found.items())[:10]


def test_the_site_has_the_notices_and_indexes(site, example_ledger):
    out, made, roster = site
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "2025年秋季学期" in index and "按班级查看" in index
    month = out / "2026-01"
    assert (month / "收费公示.html").exists() and (month / "伙食费收支公示.html").exists()
    notice = (month / "班级" / "三(1)班.html").read_text(encoding="utf-8")
    # the class notice lists its pupils masked, as mask_name masks them
    pupils = [s for s in roster.values() if s.class_name == "三(1)班"]
    assert pupils and any(mask_name(s.name) in notice for s in pupils)
    assert "<script" not in notice and "http://" not in notice and "https://" not in notice
    assert (out / "班级" / "三(1)班.html").exists()
    assert made.months >= 12 and made.classes == 24


def test_every_link_points_inside_the_site(site):
    """Plain files: no script, nothing fetched from elsewhere, every link to a file of the site."""
    out, _made, _roster = site
    for path in out.rglob("*"):
        assert path.is_dir() or path.suffix == ".html", path
    for path in out.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "<script" not in text and "http://" not in text and "https://" not in text, path
        assert not re.search(r'src="(?!data:)', text), path
        for href in re.findall(r'href="([^"]+)"', text):
            target = (path.parent / href).resolve()
            assert target.is_file() and out.resolve() in target.parents, (path, href)


def test_the_publish_command(small_school, tmp_path):
    from click.testing import CliRunner

    from xiaozhang.cli import main

    result = CliRunner().invoke(main, ["publish", "--out", str(tmp_path / "site"),
                                       "--ledger", str(small_school / "main.beancount")])
    assert result.exit_code == 0, result.output
    assert "已生成公示网站" in result.output and (tmp_path / "site" / "index.html").exists()
