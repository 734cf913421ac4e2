"""The 班主任's view: a generated ledger of their class with no other class's student data,
served so that no URL reaches another class."""

from __future__ import annotations

import re

import pytest

from tests.serving.conftest import basic
from xiaozhang.roster import read_roster

CLASS = "三(1)班"


def other_words(roster, class_name):
    return {s.name for s in roster.values() if s.class_name != class_name and s.name} | \
        {sid for sid, s in roster.items() if s.class_name != class_name}


@pytest.fixture(scope="module")
def class_ledger(school, tmp_path_factory):
    from beancount import loader

    from xiaozhang.reports.serving.classbook import write_class_ledger

    entries, errors, options = loader.load_file(str(school))
    roster = read_roster(school.parent / "students.csv")
    folder = tmp_path_factory.mktemp("class")
    main = write_class_ledger(entries, options, roster, CLASS, folder)
    return main, roster, entries, options


def test_no_other_class_student_data_in_the_generated_ledger(class_ledger):
    main, roster, _entries, _options = class_ledger
    words = other_words(roster, CLASS)
    assert len(words) > 50
    pattern = re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))))
    for path in main.parent.rglob("*"):
        if path.is_file():
            hit = pattern.search(path.read_text(encoding="utf-8"))
            assert hit is None, (path.name, hit.group(0))
    own = [s for s in roster.values() if s.class_name == CLASS]
    text = main.read_text(encoding="utf-8")
    assert own and any(f'student: "{s.sid}"' in text for s in own)  # the class's own pupils stay


def test_the_class_figures_are_the_schools(class_ledger):
    """The class notice over the generated ledger equals the one over the school's ledger."""
    from beancount import loader

    from xiaozhang.reports import disclosure
    from xiaozhang.reports.disclosure_documents import class_notice
    from xiaozhang.reports.document import render_html

    main, roster, entries, options = class_ledger
    own_roster = {sid: s for sid, s in roster.items() if s.class_name == CLASS}
    class_entries, errors, class_options = loader.load_file(str(main))
    assert errors == []
    period = disclosure.default_period(entries)
    school = disclosure.build(entries, options, roster, period, class_name=CLASS)
    mine = disclosure.build(class_entries, class_options, own_roster, period, class_name=CLASS)
    assert [i.name for i in school.items] == [i.name for i in mine.items]
    assert [(i.collected, i.spent, i.refunded, i.payer_count) for i in school.items] == \
        [(i.collected, i.spent, i.refunded, i.payer_count) for i in mine.items]
    import datetime as dt

    day = dt.date(2026, 1, 31)
    assert render_html(class_notice(school, school.classes[0], day)) == \
        render_html(class_notice(mine, mine.classes[0], day))


def test_a_class_teacher_cannot_reach_another_class(served, school):
    client, _gate, school_slug = served
    roster = read_roster(school.parent / "students.csv")
    teacher = basic("banzhuren")
    home = client.get("/", headers=teacher)
    assert home.status_code == 302
    page_url = home.headers["Location"]
    assert page_url.endswith("/extension/Disclosure/")
    page = client.get(page_url, headers=teacher)
    assert page.status_code == 200
    slug = page_url.split("/")[1]
    words = other_words(roster, CLASS)
    pattern = re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))))
    assert not pattern.search(page.get_data(as_text=True))
    other = "四(1)班"
    refused = [f"/{slug}/extension/Disclosure/?class={other}",
               f"/{slug}/extension/Disclosure/download?doc=class&class={other}&format=html",
               f"/{slug}/income_statement/", f"/{slug}/journal/", f"/{slug}/api/source",
               f"/{slug}/api/query?query_string=SELECT%20*", f"/{slug}/extension/Compliance/",
               f"/{slug}/editor/", f"/{slug}/download-journal/"]
    for url in refused:
        assert client.get(url, headers=teacher).status_code == 403, url
    # the school's ledger is not theirs: not found in their app, nothing of it shown
    for url in (f"/{school_slug}/extension/Disclosure/", f"/{school_slug}/income_statement/"):
        response = client.get(url, headers=teacher)
        assert response.status_code in (403, 404), url
        assert not pattern.search(response.get_data(as_text=True))
    own = client.get(f"/{slug}/extension/Disclosure/download?doc=class&class={CLASS}&format=html",
                     headers=teacher)
    assert own.status_code == 200 and not pattern.search(own.get_data(as_text=True))
