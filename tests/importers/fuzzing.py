"""Damaged statements: the project's own fixture files, damaged the ways real files get damaged,
run through the importers with an oracle of what may come out.

Used by the in-suite fuzz test (tests/importers/test_fuzz.py: a fixed seed, a few hundred
files, a few seconds) and by the long run (bench/fuzz_importers.py, `make fuzz`).

Each variant is one fixture document and one kind of damage.  Running it gives one outcome:

- `traceback`: an exception escaped the importers;
- `hang`: the file took longer than the time limit;
- `silent loss`: the run reported no error (exit 0) and yet the rows do not add up (the closing
  line's counts differ from the file's rows), or the entries carry other figures than the
  file's rows: for damage that keeps every row's figures (shuffled rows, blank same-day date
  cells, merged cells, quoted line breaks, other encodings, very long or bracket-filled cells,
  formula cells with their values) the imported (date, amount) pairs and balance assertions
  must be exactly the original's (less a deleted row, plus a duplicated one); for damage that
  changes figures (shifted columns, joined or split rows, emptied cells, malformed numbers and
  dates, NUL bytes, cut-off files, flipped bytes, formula cells without values) every imported
  figure must still be one of the original's, or the change must be reported;
- `reported`: the run said what is wrong (file or row errors, exit 1);
- `clean`: exit 0 with the right figures.

Flipped bytes may turn a digit into another digit: a file that then states another,
well-formed amount with nothing to contradict it (no running balance) is a different valid
file, not a loss; such variants are counted as `changed` (the oracle cannot tell).
"""

from __future__ import annotations

import csv
import io
import random
import signal
import time
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from beancount.core import data

from xiaozhang.importers.base import INTERNAL_ERROR, LedgerIndex
from xiaozhang.importers.cli import accounted, extract_files
from xiaozhang.importers.tabular import ValueProblem, decode, parse_amount, parse_date

from importer_fixtures import chart_index, documents, importers

KEEP = "keep"        # every row keeps its figures
CHANGE = "change"    # figures may change: imported ones must be original or reported
FLIP = "flip"        # random bytes: a changed digit is a different valid file

BAD_NUMBERS = ["1,2,3", "12 34", "1E2", "1e308", "NaN", "-Infinity", "99999999999999999999.99", "0.001",
               "--5", "(", "１２３", "1.2.3", "12,34.00", "0x10", "∞"]
BAD_DATES = ["0001-01-01", "9999-12-31", "2052-01-01", "20250230", "2025-02-30 10:00:00", "00000000",
             "1900-01-01", "99999999999999"]


@dataclass
class Seed:
    path: Path
    figures: Counter            # (kind, date, amount) of the original's entries
    rows: list[list[str]] | None = None   # CSV seeds: the rows as cells
    data_rows: list[int] = field(default_factory=list)  # indexes into rows of the data rows
    row_figures: dict = field(default_factory=dict)     # row index → (date, amount) of its entry
    encoding: str = "utf-8"


@dataclass
class Variant:
    seed: Seed
    kind: str
    oracle: str
    name: str
    content: bytes
    expected: Counter | None = None  # KEEP: the exact figures expected
    balances: bool = True            # whether balance assertions are compared


def figures(entries) -> Counter:
    found = Counter()
    for entry in entries:
        if isinstance(entry, data.Transaction):
            kind = "card" if "records" in entry.meta else "txn"  # a meal-card day's total
            found[(kind, entry.date, abs(entry.postings[0].units.number), entry.postings[0].units.number > 0)] += 1
        elif isinstance(entry, data.Balance):
            found[("balance", entry.date, entry.amount.number, True)] += 1
    return found


def make_seeds() -> list[Seed]:
    seeds = []
    index = chart_index()
    for document in documents():
        if not document.with_name(document.name + ".beancount").exists():
            continue
        run = extract_files([str(document)], importers(index.copy()), index.copy())
        assert not run.errors, document
        entries = [e for _p, es in run.output for e in es]
        seed = Seed(document, figures(entries))
        if document.suffix == ".csv":
            raw = document.read_bytes()
            text = decode(raw)
            try:
                raw.decode("utf-8")
                seed.encoding = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8"
            except UnicodeDecodeError:
                seed.encoding = "gb18030"
            seed.rows = list(csv.reader(io.StringIO(text, newline="")))
            for entry in entries:
                if isinstance(entry, data.Transaction) and "records" not in entry.meta:
                    row = entry.meta["lineno"] - 1
                    seed.data_rows.append(row)
                    seed.row_figures[row] = ("txn", entry.date, abs(entry.postings[0].units.number),
                                             entry.postings[0].units.number > 0)
            if any(k[0] == "card" for k in seed.figures):
                _card_rows(seed)
            seed.data_rows.sort()
        seeds.append(seed)
    return seeds


def _card_rows(seed: Seed) -> None:
    """A meal-card export's data rows (its entries are day totals, not rows)."""
    from xiaozhang.importers.mealcard import COLUMNS, MUST
    from xiaozhang.importers.tabular import find_header, normalize_name

    numbered = [(n, [c.strip() for c in cells]) for n, cells in enumerate(seed.rows, 1)]
    header = find_header(numbered, MUST)
    date = header.find(tuple(normalize_name(a) for a in COLUMNS["date"]))
    amount = header.find(tuple(normalize_name(a) for a in COLUMNS["amount"]))
    for row, cells in enumerate(seed.rows[header.row_index + 1:], header.row_index + 1):
        if len(cells) > max(date, amount) and cells[date]:
            value = parse_amount(cells[amount].strip())
            seed.data_rows.append(row)
            seed.row_figures[row] = ("row", parse_date(cells[date].strip()), abs(value), value > 0)


# -- writing damaged CSV ---------------------------------------------------------------------

def _quote(cell: str) -> str:
    if any(ch in cell for ch in ',"\r\n'):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def write_rows(rows, encoding: str, raw_cells: dict | None = None) -> bytes:
    """CSV text of `rows`; cells in `raw_cells` ({(row, col)}) are written unquoted whatever
    they hold (an unquoted comma or line break, as a broken export writes them)."""
    raw_cells = raw_cells or {}
    lines = []
    for r, cells in enumerate(rows):
        lines.append(",".join(cell if (r, c) in raw_cells else _quote(cell) for c, cell in enumerate(cells)))
    return ("\r\n".join(lines) + "\r\n").encode(encoding, errors="replace")


def _date_column(seed: Seed, row: int) -> int | None:
    """The column holding the row's date, a plain date preferred to a date with its time."""
    date = seed.row_figures[row][1]
    found = []
    for column, cell in enumerate(seed.rows[row]):
        try:
            if cell and parse_date(cell.strip()) == date:
                found.append((":" in cell, column))
        except ValueProblem:
            continue
    return min(found)[1] if found else None


def _date_above(seed: Seed, row: int, column: int):
    """The date written last above `row` in its date column (what a blank date carries down)."""
    for cells in reversed(seed.rows[:row]):
        if column < len(cells) and cells[column]:
            try:
                return parse_date(cells[column].strip())
            except ValueProblem:
                continue
    return None


def _money_columns(seed: Seed, row: int) -> list[int]:
    amount = seed.row_figures[row][2]
    found = []
    for column, cell in enumerate(seed.rows[row]):
        try:
            value = parse_amount(cell.strip())
        except ValueProblem:
            continue
        if value is not None and abs(value) == amount:
            found.append(column)
    return found


def _text_columns(seed: Seed, row: int) -> list[int]:
    skip = set(_money_columns(seed, row)) | {_date_column(seed, row)}
    return [c for c, cell in enumerate(seed.rows[row]) if c not in skip and cell and not cell.replace(".", "").isdigit()
            and not any(ch.isdigit() for ch in cell[:1])]


def _without(counter: Counter, key) -> Counter:
    result = Counter(counter)
    result[key] -= 1
    return +result


def csv_variants(seed: Seed, rng: random.Random) -> list[Variant]:
    """One variant per kind of row-level damage (a random row, cell or place each time)."""
    out = []
    rows, enc = seed.rows, seed.encoding
    if not seed.data_rows:
        return out

    def rows_copy():
        return [list(r) for r in rows]

    def add(kind, oracle, content, expected=None, balances=True):
        out.append(Variant(seed, kind, oracle, f"{seed.path.stem}-{kind}{seed.path.suffix}", content,
                           expected, balances))

    target = rng.choice(seed.data_rows)
    totals = any(k[0] == "card" for k in seed.figures)  # entries are day totals of the rows
    # shuffled data rows (the file is no longer in date order)
    shuffled = rows_copy()
    order = list(seed.data_rows)
    rng.shuffle(order)
    for place, source in zip(seed.data_rows, order):
        shuffled[place] = list(rows[source])
    add("shuffled-rows", KEEP, write_rows(shuffled, enc), seed.figures)
    # a deleted row, a duplicated row
    if not totals:
        deleted = rows_copy()
        del deleted[target]
        add("deleted-row", KEEP, write_rows(deleted, enc), _without(seed.figures, seed.row_figures[target]),
            balances=False)
        duplicated = rows_copy()
        duplicated.insert(target, list(rows[target]))
        expected = Counter(seed.figures)
        expected[seed.row_figures[target]] += 1
        add("duplicated-row", KEEP, write_rows(duplicated, enc), expected, balances=False)
    # a blank date cell: the date of the row above (documented carry-down)
    column = _date_column(seed, target)
    if column is not None:
        blank = rows_copy()
        blank[target][column] = ""
        above = _date_above(seed, target, column)
        if above is None or totals:  # meal cards never carry a date down
            add("blank-date", CHANGE, write_rows(blank, enc))
        else:
            mine = seed.row_figures[target]
            expected = _without(seed.figures, mine)
            expected[(mine[0], above, mine[2], mine[3])] += 1
            add("blank-date", KEEP, write_rows(blank, enc), expected, balances=above == mine[1])
        bad = rows_copy()
        bad[target][column] = rng.choice(BAD_DATES)
        add("bad-date", CHANGE, write_rows(bad, enc))
    money = _money_columns(seed, target)
    if money:
        bad = rows_copy()
        bad[target][rng.choice(money)] = rng.choice(BAD_NUMBERS)
        add("bad-number", CHANGE, write_rows(bad, enc))
    texts = _text_columns(seed, target)
    if texts:
        column = rng.choice(texts)
        text = rows[target][column]
        at = rng.randrange(0, len(text) + 1)
        comma = rows_copy()
        comma[target][column] = text[:at] + "," + text[at:]
        add("unquoted-comma", CHANGE, write_rows(comma, enc, {(target, column)}))
        quoted = rows_copy()
        quoted[target][column] = text[:at] + "\n" + text[at:]
        add("quoted-newline", KEEP, write_rows(quoted, enc), seed.figures)
        long = rows_copy()
        long[target][column] = "长" * 100_000
        add("long-cell", KEEP, write_rows(long, enc), seed.figures)
        brackets = rows_copy()
        brackets[target][column] = "(" * 60_000
        add("brackets-cell", KEEP, write_rows(brackets, enc), seed.figures)
    header = rows_copy()
    header.insert(0, ["(" * 130_000])
    add("brackets-title", KEEP, write_rows(header, enc), seed.figures)
    # two rows joined into one line; one row split by a raw line break
    if len(seed.data_rows) > 1:
        position = seed.data_rows.index(target)
        first = seed.data_rows[max(position - 1, 0)] if position else target
        second = first + 1
        joined = rows_copy()
        joined[first] = joined[first] + joined[second]
        del joined[second]
        add("joined-rows", CHANGE, write_rows(joined, enc))
    line = write_rows([rows[target]], enc).decode(enc, errors="replace").rstrip("\r\n")
    cut = rng.randrange(1, max(len(line), 2))
    split = rows_copy()
    split[target] = [line[:cut] + "\r\n" + line[cut:]]
    add("split-row", CHANGE, write_rows(split, enc, {(target, 0)}))
    # an emptied cell
    emptied = rows_copy()
    column = rng.randrange(len(emptied[target]))
    if column != _date_column(seed, target) and not totals:  # an emptied date: blank-date above
        emptied[target][column] = ""
        add("empty-cell", CHANGE, write_rows(emptied, enc))
    # other encodings
    text = write_rows(rows, enc).decode(enc)
    for encoding in ("utf-8", "utf-8-sig", "gb18030", "utf-16"):
        add(f"encoding-{encoding}", KEEP, text.encode(encoding), seed.figures)
    # NUL bytes, a very long line of nothing
    raw = write_rows(rows, enc)
    at = rng.randrange(len(raw))
    add("nul-byte", CHANGE, raw[:at] + b"\x00" + raw[at:])
    add("long-line", KEEP, raw + b"x" * 2_000_000 + b"\r\n", seed.figures)
    return out


def xlsx_variants(seed: Seed, rng: random.Random) -> list[Variant]:
    """The CSV seed written as a workbook: plain; date cells as formulas without a cached value;
    same-day date cells merged; and a zip that is no workbook."""
    import openpyxl

    out = []
    rows = seed.rows

    def book(formula_dates=False, merge=False) -> bytes:
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        date_columns = {r: _date_column(seed, r) for r in seed.data_rows}
        for r, cells in enumerate(rows, 1):
            for c, cell in enumerate(cells, 1):
                sheet.cell(row=r, column=c, value=cell)
        if formula_dates:
            r = rng.choice(seed.data_rows)
            if date_columns[r] is not None:
                date = seed.row_figures[r][1]
                sheet.cell(row=r + 1, column=date_columns[r] + 1,
                           value=f'=TEXT(DATE({date.year},{date.month},{date.day}),"yyyy-mm-dd")')
        if merge:
            for a, b in zip(seed.data_rows, seed.data_rows[1:]):
                if (b == a + 1 and date_columns[a] is not None and date_columns[a] == date_columns[b]
                        and seed.row_figures[a][1] == seed.row_figures[b][1]):
                    column = date_columns[a] + 1
                    sheet.merge_cells(start_row=a + 1, start_column=column, end_row=b + 1, end_column=column)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    stem = seed.path.stem
    out.append(Variant(seed, "xlsx", KEEP, f"{stem}-xlsx.xlsx", book(), seed.figures))
    out.append(Variant(seed, "xlsx-formula-date", CHANGE, f"{stem}-formula.xlsx", book(formula_dates=True)))
    out.append(Variant(seed, "xlsx-merged-dates", KEEP, f"{stem}-merged.xlsx", book(merge=True), seed.figures))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    out.append(Variant(seed, "zip-not-workbook", CHANGE, f"{stem}-zip.xlsx", buffer.getvalue()))
    return out


def byte_variants(seed: Seed, rng: random.Random) -> list[Variant]:
    raw = seed.path.read_bytes()
    out = []
    cut = rng.randrange(1, len(raw))
    out.append(Variant(seed, "truncated", CHANGE, f"{seed.path.stem}-cut{seed.path.suffix}", raw[:cut]))
    flipped = bytearray(raw)
    for _ in range(rng.randint(1, 6)):
        flipped[rng.randrange(len(flipped))] = rng.randrange(256)
    out.append(Variant(seed, "flipped-bytes", FLIP, f"{seed.path.stem}-flip{seed.path.suffix}", bytes(flipped)))
    return out


def variants(seeds: list[Seed], rng: random.Random) -> list[Variant]:
    out = []
    for seed in seeds:
        if seed.rows is not None and seed.data_rows:
            out += csv_variants(seed, rng)
            if rng.random() < 0.5:
                out += xlsx_variants(seed, rng)
        out += byte_variants(seed, rng)
    return out


# -- running ---------------------------------------------------------------------------------

def _true_balance(original: Counter, assertion) -> bool:
    closings = [k for k in original if k[0] == "balance"]
    if len(closings) != 1:
        return False
    _kind, closing_day, closing, _in = closings[0]
    day = assertion[1]
    moved = sum(((1 if k[3] else -1) * k[2] * n for k, n in original.items() if k[0] == "txn"
                 and min(day, closing_day) <= k[1] < max(day, closing_day)), 0)
    return assertion[2] == (closing - moved if day <= closing_day else closing + moved)


class Hang(Exception):
    pass


def _alarm(_signum, _frame):
    raise Hang()


@dataclass
class Outcome:
    variant: Variant
    result: str          # traceback, hang, silent loss, reported, clean, changed
    seconds: float
    detail: str = ""


def run_variant(variant: Variant, folder: Path, limit: float, base: LedgerIndex) -> Outcome:
    path = folder / variant.name
    path.write_bytes(variant.content)
    index = base.copy()
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, limit)
    start = time.perf_counter()
    try:
        run = extract_files([str(path)], importers(index), index)
    except Hang:
        return Outcome(variant, "hang", time.perf_counter() - start)
    except Exception as error:  # noqa: BLE001 - that is what the fuzz looks for
        return Outcome(variant, "traceback", time.perf_counter() - start, f"{type(error).__name__}: {error}")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        path.unlink()
    seconds = time.perf_counter() - start
    internal = [e for e in run.errors if INTERNAL_ERROR in e.message]
    if internal:  # caught by the importer's last resort: still a traceback
        return Outcome(variant, "traceback", seconds, internal[0].message)
    if accounted(run) != run.lines:
        return Outcome(variant, "silent loss", seconds, f"rows {accounted(run)} != file {run.lines}")
    if run.errors:
        return Outcome(variant, "reported", seconds)
    got = figures(e for _p, es in run.output for e in es)
    original = variant.seed.figures
    if variant.oracle == KEEP:
        expected = variant.expected
        if variant.kind == "duplicated-row" and got == original:
            return Outcome(variant, "clean", seconds)  # the repeated 票据号 is a recognised duplicate
        if not variant.balances:
            got = Counter({k: v for k, v in got.items() if k[0] != "balance"})
            expected = Counter({k: v for k, v in expected.items() if k[0] != "balance"})
        if got != expected:
            return Outcome(variant, "silent loss", seconds, f"got {sorted(got - expected)} "
                                                             f"missing {sorted(expected - got)}")
        return Outcome(variant, "clean", seconds)
    if variant.kind == "deleted-row":
        got = Counter({k: v for k, v in got.items() if k[0] != "balance"})
    other = got - original
    # a balance assertion of another day (the last rows cut off, the last balance emptied) is
    # right when it states the original's balance at the start of that day
    other = Counter({k: v for k, v in other.items() if k[0] != "balance" or not _true_balance(original, k)})
    if other and variant.kind == "truncated" and all(k[0] in ("balance", "card") for k in other):
        # cut after a whole row (at a line break, or in a last cell no figure depends on): a
        # shorter, well-formed file whose last day lost rows; the file cannot show it (bean-check
        # then reports the balance assertion; a meal-card day has fewer records than the card
        # system's own day total).  Each row's own figures are still checked above.
        return Outcome(variant, "changed", seconds, f"{sorted(other)}")
    if other:
        if variant.oracle == FLIP:
            return Outcome(variant, "changed", seconds, f"{sorted(other)}")
        return Outcome(variant, "silent loss", seconds, f"other figures {sorted(other)}")
    return Outcome(variant, "clean", seconds)


def fuzz(count: int, seed: int, folder: Path, limit: float = 5.0) -> list[Outcome]:
    """`count` damaged files (cycling over the kinds of damage of every fixture), run each."""
    rng = random.Random(seed)
    seeds = make_seeds()
    base = chart_index()
    outcomes = []
    pool: list[Variant] = []
    while len(outcomes) < count:
        if not pool:
            pool = variants(seeds, rng)
            rng.shuffle(pool)
        outcomes.append(run_variant(pool.pop(), folder, limit, base))
    return outcomes


def tally(outcomes: list[Outcome]) -> dict[str, int]:
    counts = Counter(o.result for o in outcomes)
    return {name: counts.get(name, 0) for name in
            ("clean", "reported", "changed", "traceback", "hang", "silent loss")}
