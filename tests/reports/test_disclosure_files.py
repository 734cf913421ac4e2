"""`xiaozhang report disclosure`: the files parents receive, read back for real — PDF text and
pixels (PDFium), xlsx cells (openpyxl), HTML text — and checked for the figures and for leaks
of a full name or a 学号 in the public notices."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from PIL import Image

from xiaozhang.cli import main
from xiaozhang.reports.document import pdf_png, pdf_text
from xiaozhang.roster import read_roster

from documents_check import leaks, texts_of

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "disclosure.beancount"
ROSTER = ROOT / "tests" / "fixtures" / "disclosure-students.csv"
EXAMPLE = ROOT / "ledger" / "main.beancount"
ARTIFACTS = ROOT / "tests" / "artifacts"


def run(*args):
    result = CliRunner().invoke(main, ["report", "disclosure", *args])
    return result


@pytest.fixture(scope="module")
def fixture_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("disclosure")
    result = run("--period", "2026-01", "--ledger", str(FIXTURE), "--roster", str(ROSTER),
                 "--out", str(out), "--date", "2026-02-09", "--jobs", "2")
    assert result.exit_code == 0, result.output + result.stderr
    return out, result


def public_files(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*") if p.is_file() and "个人结算单" not in p.parts
                  and p.suffix in (".pdf", ".xlsx", ".html"))


def test_files_and_the_disclosure_record(fixture_out):
    out, result = fixture_out
    names = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    pictures = [n for n in names if n.endswith(".png")]
    # the phone pictures: one, or numbered parts when long (the school's notice)
    assert [n for n in pictures if n.startswith("收费公示")] == [
        f"收费公示-2026-01-{i}.png" for i in range(1, len(pictures) - 2)]
    names = sorted({re.sub(r"-\d\.png$", ".png", n) for n in names})
    assert names == sorted([
        *(f"收费公示-2026-01.{f}" for f in ("html", "pdf", "xlsx", "png")),
        *(f"班级公示/{c}.{f}" for c in ("一(1)班", "二(1)班", "二(2)班") for f in ("html", "pdf", "xlsx", "png")),
        *(f"个人结算单/一(1)班/{s}.{f}" for s in ("2025010101", "2025010102", "2025010103") for f in ("pdf", "html")),
        *(f"个人结算单/二(1)班/{s}.{f}" for s in ("2024020101", "2024020102") for f in ("pdf", "html")),
    ])
    assert result.stdout.splitlines()[-1] == (
        '2026-02-09 custom "disclosure" "2026-01" "作业本费" "教辅资料费" "住宿费" "课后服务费"')
    # where it goes, as the 收费公示 page says it (`disclosure.record_place`): this ledger is one
    # file, so the record goes in it (the command said "2026/02" for every ledger before)
    assert f"公示后请把下面这一行加入 {FIXTURE.name}（公示记录" in result.stdout
    assert "作业本费（代收费）：7 人缴费，收取 105.00 元，支出 71.00 元，结余 34.00 元，已退 24.30 元" in result.stdout
    assert "没有学号" in result.stderr  # the class collection without 学号 is pointed out


def test_school_notice_pdf_holds_the_headings_and_figures(fixture_out):
    out, _ = fixture_out
    pages = pdf_text(out / "收费公示-2026-01.pdf")
    text = squeeze("\n".join(pages))  # cells wrap: compare without the line breaks
    for expected in ("收费公示及代收费结算清单（2026年1月）", "一、收费项目", "二、收支情况", "三、支出明细",
                     "四、结算", "青发改收费〔2024〕18号", "多退少补", "一年级 20.00", "二年级 30.00",
                     "105.00", "71.00", "34.00", "24.30", "9.70", "青禾市新华书店", "25000000000000000001",
                     "每生应退（元）", "分摊尾差", "除不尽时每生分摊进为一分",
                     "已退超过应退：5 名学生共多退 0.05 元",
                     "监督/投诉电话：0736-7215318", "校长", "公示日期：2026年2月9日",
                     f"第 1 页 共 {len(pages)} 页"):
        assert squeeze(expected) in text, expected


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_class_notice_is_masked_and_its_png_is_the_phone_picture(fixture_out):
    out, _ = fixture_out
    text = texts_of(out / "班级公示" / "一(1)班.pdf")
    for expected in ("一(1)班收费结算公示（2026年1月）", "张*明", "李*", "欧**娜", "4.85", "3.33",
                     "16.67", "每生合计（元）", "应退合计", "8.18", "班主任", "姓名已做脱敏处理"):
        assert expected in text, expected
    # three students: one phone picture, one column 1080 px wide, no A4 page
    with Image.open(out / "班级公示" / "一(1)班.png") as image:
        grey = image.convert("L")
        width, height = grey.size
        assert width == 1080 and 1200 < height < 4000 + 900
        colours = grey.getcolors(maxcolors=1 << 16)
        assert colours is not None and len(colours) >= 8  # anti-aliased text (16 shades), not a flat page
        white = sum(count for count, colour in colours if colour >= 245)
        assert 0.4 < white / (width * height) < 0.99


def test_no_public_notice_names_a_student_or_shows_a_student_id(fixture_out):
    out, _ = fixture_out
    roster = read_roster(ROSTER)
    files = public_files(out)
    assert len(files) == 12
    for path in files:
        assert leaks(texts_of(path), roster) == [], path


def test_each_statement_names_only_its_own_student(fixture_out):
    out, _ = fixture_out
    roster = read_roster(ROSTER)
    for sid, student in roster.items():
        folder = out / "个人结算单" / student.class_name
        text = texts_of(folder / f"{sid}.pdf")
        assert student.name in text and sid in text
        assert leaks(text, roster) == [student.name, sid] if len(student.name) >= 2 else [sid]
        assert texts_of(folder / f"{sid}.html").count(student.name) >= 1
    wang = texts_of(out / "个人结算单" / "二(1)班" / "2024020101.pdf")
    for expected in ("个人收费结算单（2026年1月）", "王芳芳", "青禾市教育图书发行站", "32.50", "4.85", "本学期应退合计"):
        assert expected in wang, expected


def test_xlsx_of_the_class_keeps_numbers(fixture_out):
    out, _ = fixture_out
    sheet = load_workbook(out / "班级公示" / "一(1)班.xlsx").active
    values = [c.value for row in sheet.iter_rows() for c in row if c.value is not None]
    numbers = [Decimal(str(v)) for v in values if isinstance(v, (int, float))]
    assert "张*明" in values and Decimal("16.67") in numbers and Decimal("8.18") in numbers  # 4.85 + 3.33
    assert not [v for v in values if isinstance(v, str) and re.fullmatch(r"(退|补|不补) [\d,.]+", v)]


def test_the_roster_named_in_the_school_profile(tmp_path):
    """The fixture's `custom "school"` says `roster: "disclosure-students.csv"`."""
    result = run("--period", "2026-01", "--ledger", str(FIXTURE), "--class", "一(1)班", "--out", str(tmp_path),
                 "--date", "2026-02-09", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert "欧**娜" in texts_of(tmp_path / "班级公示" / "一(1)班.pdf")


def test_bad_input_gets_a_clear_chinese_message(tmp_path):
    # the month is read as every --period is (xiaozhang.commands.MONTH): `2026-1` is January,
    # `2026-13` is no month (before: `report disclosure` alone refused `2026-1`)
    result = run("--period", "2026-13", "--ledger", str(FIXTURE), "--roster", str(ROSTER), "--out", str(tmp_path))
    assert result.exit_code == 2 and "月份应写成 2026-03 的形式，实际为“2026-13”" in result.stderr
    result = run("--period", "2026-1", "--ledger", str(FIXTURE), "--roster", str(ROSTER), "--class", "九(9)班",
                 "--out", str(tmp_path))
    assert result.exit_code == 1 and "没有班级 九(9)班 的收费" in result.stderr  # January 2026 was read
    result = run("--period", "2026-01", "--ledger", str(FIXTURE), "--roster", str(tmp_path / "无.csv"),
                 "--out", str(tmp_path))
    assert result.exit_code == 1 and "无法读取学生名册" in result.stderr
    result = run("--period", "2026-01", "--ledger", str(FIXTURE), "--roster", str(ROSTER),
                 "--class", "九(9)班", "--out", str(tmp_path))
    assert result.exit_code == 1 and "没有班级 九(9)班 的收费（有：一(1)班、二(1)班、二(2)班）" in result.stderr
    result = run("--period", "2025-08", "--ledger", str(FIXTURE), "--roster", str(ROSTER), "--out", str(tmp_path))
    assert result.exit_code == 0 and "没有收费项目的收付，无需公示" in result.stdout


def test_one_class_of_the_example_school(tmp_path):
    """The example school, one class: every public file is masked; statements only for that class."""
    result = run("--period", "2026-07", "--class", "三(2)班", "--out", str(tmp_path), "--ledger", str(EXAMPLE),
                 "--date", "2026-08-10", "--jobs", "1")
    assert result.exit_code == 0, result.output + result.stderr
    assert result.stdout.splitlines()[-1] == (
        '2026-08-10 custom "disclosure" "2026-07" "作业本费" "教辅资料费" "住宿费" "课后服务费"')
    # the record the example ledger carries for July is the one the command prints
    assert result.stdout.splitlines()[-1] in (ROOT / "ledger" / "2026" / "08.beancount").read_text(encoding="utf-8")
    roster = read_roster(ROOT / "ledger" / "students.csv")
    public = public_files(tmp_path)
    assert sorted(p.name for p in public) == sorted([
        "三(2)班.html", "三(2)班.pdf", "三(2)班.xlsx",
        "收费公示-2026-07.html", "收费公示-2026-07.pdf", "收费公示-2026-07.xlsx"])
    for path in public:
        assert leaks(texts_of(path), roster) == [], path
    statements = sorted((tmp_path / "个人结算单" / "三(2)班").glob("*.pdf"))
    assert 40 <= len(statements) <= 60
    assert all(roster[p.stem].class_name in ("三(2)班", "四(2)班") for p in statements)


def test_the_example_school_names_its_terms_by_the_school_calendar(tmp_path):
    """Every document prints the term as `Term.title`: the calendar name, the 学年学期 and the
    calendar dates of the example's `term-start`/`term-end` policies — not the first day of the
    term's range of postings (2026-01-17, the day after the autumn term ended), as the notices did
    when they said "2025-2026学年第二学期（2026-01-17 起）".  Leaves the pictures of docs/disclosure.md
    in tests/artifacts/: the class notice on a phone and the first A4 page of the school notice."""
    result = run("--period", "2026-07", "--class", "三(2)班", "--out", str(tmp_path), "--ledger", str(EXAMPLE),
                 "--date", "2026-08-10", "--jobs", "1")
    assert result.exit_code == 0, result.output + result.stderr
    title = squeeze("2026年春季学期（2025-2026学年第二学期，2026-02-24 至 2026-07-03）")
    statement = next((tmp_path / "个人结算单" / "三(2)班").glob("*.pdf"))
    for pdf in (tmp_path / "收费公示-2026-07.pdf", tmp_path / "班级公示" / "三(2)班.pdf", statement):
        text = squeeze("\n".join(pdf_text(pdf)))
        assert title in text, pdf
        assert "2026-01-17" not in text and "2026年1月17日" not in text, pdf
    for html in (tmp_path / "收费公示-2026-07.html", tmp_path / "班级公示" / "三(2)班.html"):
        assert "2026年春季学期（2025-2026学年第二学期，2026-02-24 至 2026-07-03）" in html.read_text(encoding="utf-8")
    ARTIFACTS.mkdir(exist_ok=True)
    phone = tmp_path / "班级公示" / "三(2)班-1.png"
    with Image.open(phone) as image:
        assert image.width == 1080
    (ARTIFACTS / "disclosure-phone.png").write_bytes(phone.read_bytes())
    (ARTIFACTS / "disclosure-notice.png").write_bytes(first_page_png(tmp_path / "收费公示-2026-07.pdf"))


def first_page_png(pdf: Path) -> bytes:
    """The first page of a PDF as a PNG (PDFium, about 1400 px wide for an A4 landscape page)."""
    import io

    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf.read_bytes())
    try:
        image = document[0].render(scale=1.6).to_pil().convert("RGB")
    finally:
        document.close()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
