"""Shared fixtures: tiny hand-computed graphs, the real data sets, the CLI runner, a browser."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

TESTS = Path(__file__).parent
DATA = TESTS / "data"
ROOT = TESTS.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
CHROMIUM = "/usr/bin/chromium"
# The script that made the LibreOffice fixtures needs LibreOffice's Python (uno); it is not a test,
# and --doctest-modules would import it.
collect_ignore = ["fixtures/office/make_fixtures.py"]


def pytest_collection_modifyitems(items):
    """A test that takes the shared Spark session is a Spark test even when its mark was forgotten:
    `make test` runs the Spark tests in a pytest of their own (one JVM) beside all the others, and a
    Spark test among the others would start a second JVM there."""
    for item in items:
        if "spark" in getattr(item, "fixturenames", ()) and item.get_closest_marker("spark") is None:
            item.add_marker(pytest.mark.spark)


CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def output_dir(request) -> Path:
    """A folder under tests/output/ for artefacts a person may want to look at (screenshots)."""
    path = TESTS / "output" / request.node.name.replace("/", "_")
    path.mkdir(parents=True, exist_ok=True)
    return path


def write_csv(path: Path, rows: list[list]) -> Path:
    """Write rows (first row = header) as a UTF-8 CSV file."""
    import csv

    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def hand_made(tmp_path: Path, people: list[list[str]], ties: list[list[str]], **options):
    """Read, build and measure a hand-made organisation by its Department: ``people`` rows (id, name,
    department), ``ties`` rows (source, target[, weight]); ``options`` go to ``ona.measure``.
    Returns (graph, measurement)."""
    import ona

    roster = ona.read_roster(write_csv(tmp_path / "roster.csv", [["id", "Name", "Department"], *people]))
    header = ["Source", "Target", "Weight"][:len(ties[0])]
    graph = ona.build_graph(roster, ona.read_ties(write_csv(tmp_path / "ties.csv", [header, *ties]), roster))
    return graph, ona.measure(graph, by="Department", **options)


def team(unit: str, n: int, prefix: str) -> list[list[str]]:
    """Roster rows of ``n`` people of ``unit``: ids prefix1 ... prefixN, names "Person PREFIX1" ..."""
    return [[f"{prefix}{i}", f"Person {prefix.upper()}{i}", unit] for i in range(1, n + 1)]


def write_xlsx(path: Path, rows: list[list], sheet: str = "Sheet1", formulas: bool = False) -> Path:
    """Write rows (first row = header) as one sheet; strings stay text unless ``formulas``."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, str) and not formulas:
                cell.data_type = "s"
    wb.save(path)
    return path


def write_workbook(path, sheets: dict[str, list[list]], merged: dict[str, list[str]] | None = None,
                   hidden: tuple[str, ...] = ()):
    """One sheet per entry of ``sheets`` (rows of values, None for an empty cell), in that order;
    ``merged`` cell ranges per sheet ("A1:A2"); the sheets named in ``hidden`` hidden."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        for cells in (merged or {}).get(name, []):
            ws.merge_cells(cells)
        if name in hidden:
            ws.sheet_state = "hidden"
    wb.active = next(i for i, name in enumerate(sheets) if name not in hidden)
    wb.save(path)
    return path


@pytest.fixture(scope="session")
def browser():
    """Headless Debian chromium through playwright. Fails (does not skip) when chromium is missing:
    `make test` installs it, and a skipped browser test would hide a broken map."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing; run `make test` (it installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def offline_page(browser):
    """A page whose every request to anything but a file:// URL is blocked and recorded.

    Yields (page, outside_requests, console_errors)."""
    context = browser.new_context()
    outside: list[str] = []
    errors: list[str] = []

    def route(route):
        if route.request.url.startswith(("file://", "data:", "blob:", "about:")):
            return route.continue_()
        outside.append(route.request.url)
        return route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page, outside, errors
    context.close()


@pytest.fixture(scope="session")
def spark():
    """A local PySpark session (two cores) shared by the Spark tests. Fails (does not skip) without
    Java: `make test` installs Debian's runtime, and a skipped engine test would hide a broken engine."""
    import shutil

    if shutil.which("java") is None:
        pytest.fail("no Java runtime; run `make test` (it installs Debian's default-jre-headless)")
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[2]").appName("ona-tests")
               .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.shuffle.partitions", "4").getOrCreate())
    session.sparkContext.setLogLevel("OFF")
    yield session
    session.stop()


@pytest.fixture(params=["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def email_engine(request, monkeypatch):
    """Runs an email test once with DuckDB and once with every aggregation sent to Spark (the test's
    own expected values, worked out by hand, must hold on both). Returns the engine's name.

    A test marked ``on_spark_in("test_email_engines.py::test[case]")`` runs on DuckDB only: that
    test reads the same files with the same options on both engines and compares the results field
    by field, so the hand-worked values hold on Spark too, and CI does not pay a second Spark run."""
    compared = request.node.get_closest_marker("on_spark_in")
    if request.param == "spark" and compared is not None:
        pytest.skip(f"Spark reads this test's files with its options in {compared.args[0]}, which compares "
                    "every field with DuckDB's")
    if request.param == "spark":
        from ona.ingest import email
        from ona.ingest.engines import SparkEngine

        session = request.getfixturevalue("spark")
        monkeypatch.setattr(email, "open_engine", lambda name, tmp, **options: SparkEngine(tmp, session))
    return request.param


def weights(result) -> dict:
    """An email result's ties as {(source, target): weight}, weights to 6 decimals."""
    t = result.ties.ties
    return {(s, g): round(float(w), 6) for s, g, w in zip(t["source"], t["target"], t["weight"])}


def email(runner, tmp_path, *args):
    """``ona email`` on the command line; returns the result and the tie table written (or None)."""
    import pandas as pd
    from ona.cli import cli

    out = tmp_path / "ties.csv"
    res = runner.invoke(cli, ["email", *map(str, args), "--out", str(out)])
    return res, (pd.read_csv(out) if out.exists() else None)


def page_text(path: Path) -> str:
    """What a reader sees of an HTML page: its text without tags or styles (a link inside a sentence
    reads as its words, with no space around them)."""
    import html
    import re

    text = re.sub(r"<style.*?</style>", "", path.read_text(encoding="utf-8"), flags=re.S)
    text = re.sub(r"</?a\b[^>]*>", "", text)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", text)))


def sales_roster(path: Path, n: int) -> Path:
    """A roster of ``n`` people P0, P1, ... with addresses p0@org.dk, ... in one department, Sales:
    the roster of the email tests that need no units."""
    import pandas as pd

    pd.DataFrame({"id": [f"P{i}" for i in range(n)], "email": [f"p{i}@org.dk" for i in range(n)],
                  "department": ["Sales"] * n}).to_csv(path, index=False)
    return path


def wait_until(page, expression: str, timeout: float = 20.0) -> None:
    """Wait until ``expression`` (JavaScript) is true in ``page``, asking every 50 ms.

    Not ``page.wait_for_function``: when its predicate is not true at once, Playwright polls it by
    evaluating the string inside the page, which the map's Content-Security-Policy (no
    'unsafe-eval', as a manager's browser enforces it) refuses, so the test failed whenever the map
    was still drawing at the first look (a slow machine). ``page.evaluate`` is not subject to the
    page's policy."""
    import time

    deadline = time.monotonic() + timeout
    while not page.evaluate(f"() => Boolean({expression})"):
        if time.monotonic() > deadline:
            raise AssertionError(f"{expression} was not true after {timeout:g} s")
        page.wait_for_timeout(50)
