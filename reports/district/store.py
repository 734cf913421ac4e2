"""The district's columnar store: one Parquet file per school and table, refreshed by digest.

Layout (under `DIR/.district/`, or the folder given with `--store`)::

    manifest.json              per school: content digest, its ledger files, 评判日期 key
    <table>/<school>.parquet   the school's rows of each table of `extract.py`, and its row
                               of the bureau's per-school table (`summary`: `summary.py`)

Which schools
    Every sub-folder of DIR holding a `main.beancount` is one school; its id is the folder's
    name (sorted by name).  A school whose folder is gone has its files removed.

When a school is read again (incremental refresh)
    Its content digest is SHA-256 over, in order of name, every file its last load read
    (`options_map["include"]`: main.beancount and each included file) and every `*.beancount`
    file under its folder (a new month file that an `include "2026/*.beancount"` would now
    pick up changes the digest), name and bytes.  A school is loaded again when its digest
    differs from the manifest's, or when the 评判日期 it was judged on is no longer the one it
    would be judged on now (the command's `--as-of`; else the ledger's `custom "as-of"`;
    else today: a school judged by "today" yesterday is judged again, its overdue items may
    have changed), or when its record was written by an older version of the extraction
    (`VERSION`: a new table must be filled for every school).  A refresh where nothing changed
    reads no ledger file beyond hashing it.

One refresh at a time
    The whole refresh holds the store's lock (`lock.py`): a second refresh of the same store
    stops with a Chinese message (`StoreBusy`) or, with `wait`, waits its turn.  Readers (the
    page, the workbook) need no lock: every Parquet file is replaced by a rename, and the
    manifest last.

Work in parallel
    Each school to read is one task `refresh_school(folder, store)` run in a worker process
    (`concurrent.futures.ProcessPoolExecutor`, `--workers`); the task loads the ledger, writes
    its Parquet files (each through a temporary file and a rename) and returns the digest
    and the files.  Any `concurrent.futures.Executor` does: `refresh(..., executor=...)`
    takes one (e.g. a Dask distributed client's `get_executor()`).  The manifest is written
    once, by the caller, at the end (`xiaozhang.io.write_atomic`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from xiaozhang.io import replacing, write_atomic
from xiaozhang.model.asof import COMMAND, ENV, override_from_environment, read_as_of
from xiaozhang.reports.district.extract import MAIN, extract
from xiaozhang.reports.district.lock import store_lock
from xiaozhang.reports.district.summary import summarise

STORE = ".district"
MANIFEST = "manifest.json"
PINNED = "ledger"  # the 评判日期 key of a school judged by its own `custom "as-of"`

EXTRACTED = ("school", "postings", "sums", "problems", "budgets", "remittances", "fee_items",
             "disclosures", "canteen", "assets", "statements")
TABLES = (*EXTRACTED, "summary")  # summary: the per-school row (`summary.py`), from the others
# the version of what a school's extraction holds: a store written by an older version is read
# again in full (a new table would otherwise be missing for the schools that did not change)
# (3: the `sums` table, no canteen rows for a school without a canteen; 4: the `summary` table)
VERSION = 4


def schema(name: str):
    """The Arrow schema of table `name` (money: DECIMAL(38, 10), as Beancount's numbers)."""
    if name == "summary":
        return _summary_schema()
    import pyarrow as pa

    money, day, text = pa.decimal128(38, 10), pa.date32(), pa.string()
    columns = {
        "school": [("name", text), ("transactions", pa.int64()), ("errors", pa.int64()),
                   ("warnings", pa.int64()), ("first_date", day), ("last_date", day),
                   ("judged", day), ("judged_source", text), ("loaded_at", pa.timestamp("s"))],
        "postings": [("date", day), ("account", text), ("class", text), ("amount", money),
                     ("currency", text)],
        "sums": [("month", day), ("account", text), ("class", text), ("amount", money),
                 ("currency", text), ("postings", pa.int64())],
        "problems": [("code", text), ("message", text), ("file", text), ("line", pa.int64()),
                     ("date", day), ("warning", pa.bool_())],
        "budgets": [("account", text), ("period", text), ("first", day), ("last", day),
                    ("budget", money), ("actual", money), ("used", money), ("state", text)],
        "remittances": [("account", text), ("item", text), ("received", day), ("amount", money),
                        ("deadline", day), ("days_held", pa.int64()), ("overdue", pa.bool_()),
                        ("file", text), ("line", pa.int64())],
        "fee_items": [("name", text), ("kind", text), ("standard", money), ("unit", text),
                      ("account", text), ("scope", text), ("since", day)],
        "disclosures": [("item", text), ("month", text), ("due", day), ("published", day),
                        ("state", text), ("failing", pa.bool_()), ("overdue", pa.bool_())],
        "canteen": [("term", text), ("first", day), ("last", day), ("income", money),
                    ("cost", money), ("surplus", money), ("rate", money), ("closed", pa.bool_()),
                    ("over_cap", pa.bool_())],
        "assets": [("day", day), ("cards_cost", money), ("ledger_cost", money),
                   ("cards_depreciation", money), ("ledger_depreciation", money),
                   ("ok", pa.bool_())],
        "statements": [("form", text), ("period", text), ("seq", pa.int64()), ("key", text),
                       ("label", text), ("heading", pa.bool_()), ("total", pa.bool_()),
                       ("detail", pa.bool_()), ("amount1", money), ("amount2", money)],
    }[name]
    return pa.schema([("school", text), *columns])


@cache
def _summary_schema():
    """The columns DuckDB gives `summary.PER_SCHOOL` over the extracted tables (run on empty ones)."""
    import pyarrow as pa

    return summarise({name: pa.Table.from_pylist([], schema=schema(name)) for name in EXTRACTED}).schema


# -- schools and digests -------------------------------------------------------------------------
def schools_in(district: str | os.PathLike) -> dict[str, Path]:
    """The schools of a district folder: sub-folder name -> folder (those with main.beancount)."""
    root = Path(district)
    return {path.name: path for path in sorted(root.iterdir())
            if path.is_dir() and not path.name.startswith(".") and (path / MAIN).is_file()}


def digest(folder: Path, files: list[str] | tuple[str, ...] = ()) -> str:
    """SHA-256 over the named files and every *.beancount under `folder` (module docstring)."""
    names = set(files) | {str(p.relative_to(folder)) for p in folder.rglob("*.beancount")}
    hashed = hashlib.sha256()
    for name in sorted(names):
        path = folder / name
        hashed.update(name.encode() + b"\0")
        try:
            hashed.update(path.read_bytes())
        except FileNotFoundError:
            hashed.update(b"\1missing")
        hashed.update(b"\0")
    return hashed.hexdigest()


def judged_key(pinned: bool, today: dt.date | None = None) -> str:
    """What the 评判日期 of a school is now: the command's, the ledger's own, or today."""
    judged, _problems = read_as_of([], override_from_environment(), today)  # the one precedence
    if pinned and judged.source != COMMAND:
        return PINNED  # the ledger's own pin: its date is in the files the digest covers
    return judged.date.isoformat()


# -- one school (runs in a worker) ---------------------------------------------------------------
def refresh_school(folder: str, store: str, school: str, as_of: str | None = None,
                   known: tuple[str, ...] = ()) -> dict:
    """Load one school, write its Parquet files; return its manifest record.  `as_of`: the
    command's 评判日期, handed over explicitly (a worker on another machine has its own
    environment); `known`: the files of its last load.

    The digest is taken BEFORE the load (over `known` and every *.beancount of the folder), so
    a file saved while the school is being read makes the next refresh read it again; only
    when the load read a file the digest did not cover (one outside the folder, newly
    included) is it taken again over the files read."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    if as_of:
        os.environ[ENV] = as_of
    else:
        os.environ.pop(ENV, None)
    before = digest(Path(folder), known)
    found = extract(folder, school)
    covered = set(known) | {str(p.relative_to(folder)) for p in Path(folder).rglob("*.beancount")}
    base = Path(store)
    tables = {name: pa.Table.from_pylist(found["tables"][name], schema=schema(name))
              for name in EXTRACTED}
    tables["summary"] = summarise(tables).cast(schema("summary"))  # the school's per-school row
    for name in TABLES:
        with replacing(base / name / f"{school}.parquet") as temp:  # xiaozhang.io: the one safe write
            pq.write_table(tables[name], temp)
    summary = found["tables"]["school"][0]
    if not set(found["files"]) <= covered:
        before = digest(Path(folder), found["files"])
    return {"version": VERSION, "digest": before, "files": found["files"],
            "pinned": found["pinned"], "judged": judged_key(found["pinned"]),
            "transactions": summary["transactions"], "errors": summary["errors"],
            "warnings": summary["warnings"], "pid": os.getpid()}


# -- the district ----------------------------------------------------------------------------------
@dataclass
class Refresh:
    """What one refresh did: the schools read again, those unchanged, those removed."""

    store: Path
    parsed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # school -> message
    records: dict[str, dict] = field(default_factory=dict)  # the manifest after the refresh


def store_of(district: str | os.PathLike, store: str | os.PathLike | None = None) -> Path:
    return Path(store) if store else Path(district) / STORE


def read_manifest(store: Path) -> dict[str, dict]:
    path = store / MANIFEST
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8")).get("schools", {})


def stale(schools: dict[str, Path], manifest: dict[str, dict]) -> list[str]:
    """The schools to read again (module docstring)."""
    found = []
    for school, folder in schools.items():
        record = manifest.get(school)
        if (record is None or record.get("version") != VERSION
                or record.get("judged") != judged_key(record.get("pinned", False))
                or record.get("digest") != digest(folder, record.get("files", ()))):
            found.append(school)
    return found


def refresh(district: str | os.PathLike, store: str | os.PathLike | None = None, *,
            workers: int = 1, executor: Executor | None = None, force: bool = False,
            progress=None, wait: bool = False) -> Refresh:
    """Bring the store up to date with the district's ledgers (module docstring); one refresh
    of a store at a time (`lock.store_lock`: `StoreBusy`, or `wait` for the other one)."""
    base = store_of(district, store)
    base.mkdir(parents=True, exist_ok=True)
    with store_lock(base, wait):
        return _refresh(district, base, workers, executor, force, progress)


def _refresh(district, base: Path, workers: int, executor: Executor | None, force: bool,
             progress) -> Refresh:
    schools = schools_in(district)
    manifest = read_manifest(base)
    todo = list(schools) if force else stale(schools, manifest)
    result = Refresh(base, unchanged=[s for s in schools if s not in todo])
    records = {s: manifest[s] for s in result.unchanged}
    if todo:
        own = executor is None
        if own:
            _preload()
        pool = ProcessPoolExecutor(max_workers=max(1, min(workers, len(todo)))) if own else executor
        as_of = os.environ.get(ENV) or None
        try:
            futures = {school: pool.submit(refresh_school, str(schools[school].resolve()),
                                           str(base.resolve()), school, as_of,
                                           tuple(manifest.get(school, {}).get("files", ())))
                       for school in todo}
            for school, future in futures.items():
                try:
                    records[school] = future.result()
                    result.parsed.append(school)
                except Exception as error:  # noqa: BLE001  (one school's failure is reported, not fatal)
                    result.failed[school] = f"{type(error).__name__}: {error}"
                    _remove(base, school)  # no figures rather than stale ones
                if progress is not None:
                    progress(school, school in records and school in result.parsed)
        finally:
            if own:
                pool.shutdown()
    for school in manifest:
        if school not in schools:
            result.removed.append(school)
            _remove(base, school)
    result.records = dict(sorted(records.items()))
    write_atomic(base / MANIFEST, json.dumps({"schools": result.records}, ensure_ascii=False,
                                             indent=1))
    return result


def _remove(base: Path, school: str) -> None:
    for name in TABLES:
        (base / name / f"{school}.parquet").unlink(missing_ok=True)


def _preload() -> None:
    """Import what every worker needs once, before the workers are forked (Linux), so that each
    does not import it again (the loader, the rules, the reports read, Parquet)."""
    import beancount.loader  # noqa: F401
    import duckdb  # noqa: F401
    import pyarrow.parquet  # noqa: F401

    import xiaozhang.plugins.school  # noqa: F401
    import xiaozhang.reports.assets  # noqa: F401
    import xiaozhang.reports.compliance  # noqa: F401
    import xiaozhang.reports.budget_statements  # noqa: F401
    import xiaozhang.reports.statements  # noqa: F401
