"""Test-wide settings and the shared example school.

Beancount caches a slow load in a pickle next to the ledger, keyed on the ledger files only:
after a change to a plugin, a cached load would still show the old plugin's errors. Tests
always load for real (here and in the CLI subprocesses they start).

The bundled example ledger is loaded once per test run (`example_ledger`, and `example_fava`
for Fava's view of it) and shared by every module that reads it: read it, never change it. A
check at the end of the run fails if a test changed the shared entries or options.
"""

import os

os.environ["BEANCOUNT_DISABLE_LOAD_CACHE"] = "1"

import hashlib  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, NamedTuple  # noqa: E402

import pytest  # noqa: E402
from beancount import loader  # noqa: E402

loader.initialize(use_cache=False)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_LEDGER = ROOT / "ledger" / "main.beancount"
# Enough for every grade (one class each); the smallest school the generator makes.
SMALL_SCHOOL_STUDENTS = 60


@dataclass(frozen=True)
class Loaded:
    """A ledger as `beancount.loader.load_file` gives it."""

    entries: list
    errors: list
    options_map: dict[str, Any]


def fingerprint(loaded: Loaded) -> str:
    # repr shows every field of every entry, meta included: any in-place change shows up.
    text = repr((loaded.entries, loaded.options_map))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@pytest.fixture(scope="session")
def example_ledger():
    """The bundled example school, loaded once by the real Beancount loader."""
    loaded = Loaded(*loader.load_file(str(EXAMPLE_LEDGER)))
    before = fingerprint(loaded)
    yield loaded
    assert fingerprint(loaded) == before, "a test changed the shared example ledger's entries or options"


class FavaApp(NamedTuple):
    """A Fava test client, the ledger's slug and Fava's ledger."""

    client: Any
    slug: str
    ledger: Any


@pytest.fixture(scope="session")
def example_fava() -> FavaApp:
    """A real Fava application over the example school, created once (tests only GET from it)."""
    from fava.application import create_app

    app = create_app([str(EXAMPLE_LEDGER)], load=True)
    slug, ledger = next(iter(app.config["LEDGERS"].items()))
    return FavaApp(app.test_client(), slug, ledger)


@pytest.fixture(scope="session")
def small_school(tmp_path_factory) -> Path:
    """The folder of a small example school made by the real generator (`xiaozhang example
    --students 60`): the example's chart of accounts, policy rules, suppliers, assets, budget and
    canteen, under a quarter of its entries."""
    from xiaozhang.example import ExampleConfig, generate

    out = tmp_path_factory.mktemp("small-school")
    generate(out, ExampleConfig.make(students=SMALL_SCHOOL_STUDENTS))
    return out
