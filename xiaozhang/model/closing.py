"""月结（closed months）: the closing records read from the ledger, and the digest of a month.

A month is closed when its latest closing record is a `month-close` — the one definition of
"closed", used by the closing rule (CL), `xiaozhang close`, the pages and the pending-entry
rule AP10.  `xiaozhang close month` / `close reopen` write the records into the month's own
file (`2026/03.beancount`, `xiaozhang.layout`), dated the day of the action (the 评判日期):

    2026-04-05 custom "month-close" "2026-03" "v1:5f0c…"   ; the month, the digest of its entries
      by: "陈静"
      entries: 1534                      ; how many entries the digest covers
      source: "1048576:9a1f…"            ; quick check: bytes of this file before the record, SHA-256
      others: "v1:77aa…"                 ; the digest of the month's entries kept in other files
      fingerprints: "q3Jd…"              ; 4 bytes per entry (base64), to tell which entry changed
    2026-04-01 balance Assets:1001库存现金  1234.50 CNY   ; month-end balances (Beancount checks them)
    2026-05-02 custom "month-reopen" "2026-03"
      by: "王建国"
      reason: "补记3月遗漏的电费"

The records of a month are read in ledger order (date, then line: they live in one file); the
latest decides.  The legacy policy `closed-through` (a date, as it stands on the 评判日期) also
closes every month ending on or before it, without a lock (no digest; `close month` writes the
record that locks a month).

What the digest covers (version "v1")
    The entries dated in the month, except what 校账 or Beancount generates (entries with the
    `GENERATED` mark, Beancount's padding `P` transactions), balance assertions (written by the
    close itself and checked by Beancount), prices (implied by postings), documents (found on
    disk), and the custom directives `month-close`, `month-reopen`, `as-of`, `fava-option`,
    `fava-extension` (the records themselves and settings, not the books).
    Of each entry: its type and every field as loaded — date, flag, payee, narration, tags,
    links (but not those a generator adds, `GENERATED_LINK_PREFIXES`); each posting's account, number, currency, cost, price and flag; the fields of other
    directives (Open, Close, Custom…) — and the metadata of the entry and of its postings except
    `filename` and `lineno` (Beancount's hidden `__tolerances__` / `__automatic__`, derived from
    the text, are included).  Each entry becomes one canonical string (Python's `repr` of those
    fields, tag and link sets sorted); the strings are sorted and the digest is BLAKE2b-128 of
    them joined.  Moving an entry to another file, reformatting (alignment, blank lines,
    comments) or reordering entries leaves the digest as it was; changing any field, adding or
    removing an entry changes it.  (Reordering the metadata lines of one entry is a change.)

How the rule checks a closed month cheaply
    Quick check: the month's entries are the same number as at the close, those in the record's
    own file all lie above the record, that file's bytes before the record are unchanged
    (`source`, SHA-256), and the entries kept in other files (a few policy or asset directives)
    have the same digest (`others`).  When all hold, nothing of the month can have changed.
    Otherwise (an edit, or only a reformatting or a move), the full digest is computed; if it
    differs, the fingerprints are aligned with today's to tell which entries were added,
    changed or removed (`changes`).  So a load pays a file hash per closed month, not a string
    per entry.
"""

from __future__ import annotations

import base64
import bisect
import datetime as dt
import difflib
import hashlib
import os
import re
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain, compress, islice, repeat
from operator import add, attrgetter, contains, itemgetter, le, ne, not_
from typing import Any, NamedTuple

from beancount.core import data

from xiaozhang.model import asof
from xiaozhang.model.generated import GENERATED, GENERATED_LINK_PREFIXES
from xiaozhang.model.periods import Month

CLOSE = "month-close"
REOPEN = "month-reopen"
YEAR_CLOSE = "year-close"  # the record of a year's 结转 entries (xiaozhang.model.yearend)
YEAR_END_KEY = "year-end"  # meta of every 结转 entry (the year): checked by the year's record
VERSION = "v1"
FINGERPRINT_BYTES = 4
# Custom directives that are the records themselves or settings, not the books.
NOT_BOOKS = frozenset({CLOSE, REOPEN, YEAR_CLOSE, asof.DIRECTIVE, "fava-option", "fava-extension"})
_SKIPPED_TYPES = (data.Balance, data.Price, data.Document)
# Links a generator adds to the written entries it derives from (`generated.GENERATED_LINK_PREFIXES`)
# are left out of the digest, so the rules (before the generators) and the commands (after them)
# see the same month.

# The location keys in a metadata dict's repr (Beancount's parser writes them first).
_STR = r"""(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
_LOCATION = re.compile(rf"'filename': {_STR}, 'lineno': -?\d+(?:, )?")

_HEAD = attrgetter("date", "flag", "payee", "narration", "meta")
_POSTING = attrgetter("account", "units.number", "units.currency", "cost", "price", "flag", "meta")
_POSTINGS = attrgetter("postings")
_TAGS_LINKS = attrgetter("tags", "links")
_META = attrgetter("meta")
_DATE = attrgetter("date")
_FLAG = attrgetter("flag")
_FILENAME = itemgetter("filename")  # every loaded entry has both (Beancount's parser)
_LINENO = itemgetter("lineno")


class Record(NamedTuple):
    """One `month-close` or `month-reopen` directive."""

    entry: data.Custom
    kind: str  # CLOSE | REOPEN
    month: Month
    digest: str | None = None
    count: int | None = None
    fingerprints: bytes | None = None
    source: tuple[int, str] | None = None  # (bytes before the record, SHA-256 hex)
    others: str | None = None
    by: str | None = None
    reason: str | None = None


class Malformed(NamedTuple):
    entry: data.Custom
    problem: str  # Chinese, for the rule's message


class Change(NamedTuple):
    """A change to a closed month: `kind` 新增 / 修改 / 删除; `entry` the added or changed
    entry as it is now (None for a removal)."""

    kind: str
    entry: Any


@dataclass
class ClosingBook:
    """The closing records of one entries list, and which months are closed."""

    records: list[Record] = field(default_factory=list)
    malformed: list[Malformed] = field(default_factory=list)
    latest: dict[Month, Record] = field(default_factory=dict)
    years: dict[int, "YearRecord"] = field(default_factory=dict)
    policy: Any = None  # for the legacy policy `closed-through`
    as_of: dt.date | None = None

    @classmethod
    def build(cls, books) -> "ClosingBook":
        book = cls()
        if "index" in books.__dict__:
            customs = sorted(books.index.customs(CLOSE) + books.index.customs(REOPEN),
                             key=data.entry_sortkey)
        else:
            customs = [e for e in books.entries if type(e) is data.Custom and e.type in (CLOSE, REOPEN)]
            customs.sort(key=data.entry_sortkey)
        for entry in books.index.customs(YEAR_CLOSE) if "index" in books.__dict__ else \
                [e for e in books.entries if type(e) is data.Custom and e.type == YEAR_CLOSE]:
            year = read_year_record(entry)
            if isinstance(year, Malformed):
                book.malformed.append(year)
            else:
                book.years[year.year] = year
        for entry in customs:
            record = read_record(entry)
            if isinstance(record, Malformed):
                book.malformed.append(record)
                continue
            book.records.append(record)
            book.latest[record.month] = record
        book.policy, book.as_of = books.policy, books.as_of
        return book

    def locks(self) -> list[Record]:
        """The records that lock their month now (the month's latest record is a close)."""
        return [r for r in self.latest.values() if r.kind == CLOSE]

    def is_closed(self, month: Month) -> bool:
        """Whether the month is closed: by its latest record, else by the legacy policy."""
        record = self.latest.get(month)
        if record is not None:
            return record.kind == CLOSE
        return self.legacy_boundary(month.last) is not None

    def closed_on(self, day: dt.date) -> str | None:
        """Why `day` lies in a closed period (Chinese, for messages), None when it does not:
        its month's latest record is a close, or — no record for the month — the legacy
        policy `closed-through` (as it stands on `day` or on the 评判日期) reaches it."""
        month = Month.of(day)
        record = self.latest.get(month)
        if record is not None:
            return f"{month.label}已月结" if record.kind == CLOSE else None
        boundary = self.legacy_boundary(day)
        return f"结账至 {boundary}" if boundary is not None else None

    def legacy_boundary(self, day: dt.date) -> dt.date | None:
        if self.policy is None:
            return None
        for when in (day, self.as_of):
            boundary = self.policy.get("closed-through", when) if when else None
            if boundary is not None and day <= boundary:
                return boundary
        return None

    def closed_months(self) -> list[Month]:
        """The months closed by a record, in order (legacy `closed-through` months not listed)."""
        return sorted(m for m, r in self.latest.items() if r.kind == CLOSE)

    def reopened_months(self) -> list[Record]:
        """The months whose latest record is a reopening, with who and why."""
        return sorted((r for r in self.latest.values() if r.kind == REOPEN), key=lambda r: r.month)


def closing_of(books) -> ClosingBook:
    """The closing records of the books: one part of the school model, shared by the closing
    rule, AP10, the pages and the commands."""
    return books.part("closing", ClosingBook.build)


def read_record(entry: data.Custom) -> Record | Malformed:
    values = [v.value for v in entry.values]
    month = Month.parse(values[0]) if values and isinstance(values[0], str) else None
    if month is None:
        return Malformed(entry, f"custom \"{entry.type}\" 的第一个值应为月份，如 \"2026-03\"")
    meta = entry.meta
    if entry.type == REOPEN:
        by, reason = meta.get("by"), meta.get("reason")
        if not by or not reason:
            return Malformed(entry, "重新打开已结账月份须写明经办人（by）和原因（reason）")
        return Record(entry, REOPEN, month, by=str(by), reason=str(reason))
    digest = values[1] if len(values) > 1 and isinstance(values[1], str) else None
    if not digest or not digest.startswith(f"{VERSION}:"):
        return Malformed(entry, "月结记录缺少摘要（第二个值，如 \"v1:…\"）；请用 xiaozhang close month 生成")
    count, source = meta.get("entries"), str(meta.get("source", ""))
    try:
        prints = base64.b64decode("".join(str(meta.get("fingerprints", "")).split()), validate=True)
        size, _, sha = source.partition(":")
        source_pair = (int(size), sha) if sha else None
        count = int(count)
    except (ValueError, TypeError):
        prints = source_pair = None
    if prints is None or len(prints) != count * FINGERPRINT_BYTES:
        return Malformed(entry, "月结记录的 entries / fingerprints 不完整；请用 xiaozhang close month 重新生成")
    return Record(entry, CLOSE, month, digest, count, prints, source_pair,
                  str(meta.get("others", "")), by=meta.get("by"))


class YearRecord(NamedTuple):
    """A `custom "year-close" "2025" "v1:…"`: the digest of the year's 结转 entries."""

    entry: data.Custom
    year: int
    digest: str
    count: int


def read_year_record(entry: data.Custom) -> YearRecord | Malformed:
    values = [v.value for v in entry.values]
    text = str(values[0]) if values else ""
    digest = values[1] if len(values) > 1 and isinstance(values[1], str) else ""
    count = entry.meta.get("entries")
    if not (text.isdigit() and len(text) == 4) or not digest.startswith(f"{VERSION}:") \
            or not isinstance(count, Decimal):
        return Malformed(entry, "年结记录应为 custom \"year-close\" \"2025\" \"v1:…\"，并写 entries；"
                                "请用 xiaozhang close year 生成")
    return YearRecord(entry, int(text), digest, int(count))


# -- the month's entries -----------------------------------------------------------------------
def by_date(entries: list) -> list:
    """`entries` when sorted by date (as Beancount loads them), else a sorted copy (a generator
    run as a single plugin before ours appends its entries at the end)."""
    dates = list(map(_DATE, entries))
    if all(map(le, dates, islice(dates, 1, None))):
        return entries
    return sorted(entries, key=data.entry_sortkey)


def month_slice(entries: list, month: Month) -> list:
    """The entries dated in `month`, in order (`entries` sorted by date, see `by_date`)."""
    lo = bisect.bisect_left(entries, month.first, key=_DATE)
    hi = bisect.bisect_left(entries, month.shift(1).first, key=_DATE, lo=lo)
    return entries[lo:hi]


def covered(month_entries: list) -> list:
    """The entries of a month the digest covers (see the module docstring), in order."""
    txns = [e for e in month_entries if type(e) is data.Transaction]
    txns = list(compress(txns, map(ne, map(_FLAG, txns), repeat("P"))))
    txns = list(compress(txns, map(not_, map(contains, map(_META, txns), repeat(GENERATED)))))
    if any(map(contains, map(_META, txns), repeat(YEAR_END_KEY))):
        txns = [t for t in txns if not is_year_end(t)]
    others = [e for e in month_entries if type(e) is not data.Transaction and _other_covered(e)
              and not (type(e) is data.Custom and is_year_end(e))]
    return txns + others if others else txns


def is_year_end(entry) -> bool:
    """A 结转 entry (a transaction, or a custom directive written with them): `year-end` meta,
    dated 31 December (checked by the year's record, not by December's digest)."""
    return (YEAR_END_KEY in entry.meta and entry.date.month == 12 and entry.date.day == 31)


def year_end_entries(entries: list, year: int) -> list:
    """The 结转 entries of `year` (`entries` sorted by date)."""
    day = dt.date(year, 12, 31)
    lo = bisect.bisect_left(entries, day, key=_DATE)
    hi = bisect.bisect_right(entries, day, key=_DATE, lo=lo)
    return [e for e in entries[lo:hi]
            if type(e) in (data.Transaction, data.Custom) and is_year_end(e)]


def _other_covered(entry) -> bool:
    if type(entry) is data.Custom:
        return entry.type not in NOT_BOOKS
    return not isinstance(entry, _SKIPPED_TYPES)


# -- the digest --------------------------------------------------------------------------------
def entry_strings(entries: list) -> list[str]:
    """The canonical string of each entry (see the module docstring), in the entries' order.
    Transactions are rendered with C-level maps: no Python code per transaction."""
    txns = [e for e in entries if type(e) is data.Transaction]
    others = [e for e in entries if type(e) is not data.Transaction]
    postings = list(map(_POSTINGS, txns))
    flat = iter(map(repr, map(_POSTING, chain.from_iterable(postings))))
    bodies = map("".join, map(islice, repeat(flat), map(len, postings)))
    strings = list(map(add, map(repr, map(_HEAD, txns)), bodies))
    # tags and links are sets (their repr order varies between runs): sorted, for the few with any
    for i in [i for i, (tags, links) in enumerate(map(_TAGS_LINKS, txns)) if tags or links]:
        written = [link for link in txns[i].links or () if not link.startswith(GENERATED_LINK_PREFIXES)]
        if txns[i].tags or written:
            strings[i] += repr((sorted(txns[i].tags or ()), sorted(written)))
    strings += map(_other_string, others)
    if not strings:
        return []
    stripped = _LOCATION.sub("", "\x00".join(strings)).split("\x00")
    if len(stripped) != len(strings):  # a NUL inside a value: render one by one
        stripped = [_LOCATION.sub("", s) for s in strings]
    # back in the entries' order (transactions were rendered first)
    if others:
        order = [i for i, e in enumerate(entries) if type(e) is data.Transaction] + \
                [i for i, e in enumerate(entries) if type(e) is not data.Transaction]
        result = [""] * len(entries)
        for position, text in zip(order, stripped):
            result[position] = text
        return result
    return stripped


def _other_string(entry) -> str:
    fields = [type(entry).__name__]
    for value in entry:
        fields.append(sorted(value) if isinstance(value, (set, frozenset)) else value)
    return repr(tuple(fields))


def digest_of(strings: list[str]) -> str:
    """BLAKE2b-128 of the sorted strings, "v1:" + hex."""
    joined = "\x1e".join(sorted(strings)).encode("utf-8")
    return f"{VERSION}:{hashlib.blake2b(joined, digest_size=16).hexdigest()}"


def fingerprint(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=FINGERPRINT_BYTES).digest()


def fingerprints_of(strings: list[str]) -> bytes:
    """The fingerprints of the strings in their sorted order, concatenated."""
    return b"".join(map(fingerprint, sorted(strings)))


def source_check(path: str, size: int) -> str:
    """SHA-256 (hex) of the first `size` bytes of a file ("" when it cannot be read)."""
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read(size)).hexdigest()
    except OSError:
        return ""


# -- checking a closed month -------------------------------------------------------------------
def unchanged_quickly(record: Record, month_entries: list) -> bool:
    """The quick check of the module docstring: True means nothing of the month changed; False
    means the full digest has to decide."""
    if record.source is None or len(month_entries) != record.count:
        return False
    home = record.entry.meta.get("filename")
    line = record.entry.meta.get("lineno", 0)
    metas = list(map(_META, month_entries))
    names = list(map(_FILENAME, metas))
    inside = list(compress(metas, map(home.__eq__, names))) if home else []
    if inside and max(map(_LINENO, inside)) >= line:
        return False
    elsewhere = [e for e, name in zip(month_entries, names) if name != home] \
        if len(inside) != len(month_entries) else []
    if digest_of(entry_strings(elsewhere)) != record.others:
        return False
    size, sha = record.source
    return source_check(home, size) == sha


def changes(record: Record, month_entries: list) -> list[Change]:
    """What changed in the month since the close (`month_entries`: its covered entries):
    entries added, changed (at the entry as it is now) and removed, by aligning the
    fingerprints of the close with today's (both in the sorted order of the entry strings)."""
    strings = entry_strings(month_entries)
    if digest_of(strings) == record.digest:
        return []
    pending: dict[str, list] = {}
    for entry, text in zip(month_entries, strings):
        pending.setdefault(text, []).append(entry)
    now = sorted(strings)
    size = FINGERPRINT_BYTES
    new_prints = [fingerprint(s) for s in now]
    old_prints = [record.fingerprints[i:i + size] for i in range(0, len(record.fingerprints), size)]
    found: list[Change] = []
    matcher = difflib.SequenceMatcher(None, old_prints, new_prints, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            continue
        replaced = min(a2 - a1, b2 - b1) if op == "replace" else 0
        for j in range(b1, b2):
            found.append(Change("修改" if j - b1 < replaced else "新增", pending[now[j]].pop(0)))
        found.extend(Change("删除", None) for _ in range(a2 - a1 - replaced))
    found.sort(key=lambda c: (c.entry is None, c.entry.date if c.entry else dt.date.min))
    return found


@dataclass(frozen=True)
class Seal:
    """What `close month` writes for a month: the values of its record."""

    digest: str
    count: int
    fingerprints: bytes
    others: str


def seal(month_entries: list, home: str) -> Seal:
    """The record's values for the covered entries of a month whose record goes into `home`."""
    strings = entry_strings(month_entries)
    elsewhere = [e for e in month_entries if e.meta.get("filename") != os.path.abspath(home)
                 and e.meta.get("filename") != home]
    return Seal(digest_of(strings), len(strings), fingerprints_of(strings),
                digest_of(entry_strings(elsewhere)))
