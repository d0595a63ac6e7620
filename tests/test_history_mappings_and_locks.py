"""The yearly history refuses what would mislead a later comparison, from Python as from the command
line: a unit mapping is checked against every stored wave (a misspelt unit is warned of, a mapping
that is no dict is one clear error), and a wave the history refuses (another program holds its
write lock) leaves no new report behind."""

from __future__ import annotations

import dataclasses
import functools
import sqlite3
from pathlib import Path

import pytest

import ona
from ona.cli import cli
from ona.config import read_config, run_wave
from ona.history import open_history

from conftest import hand_made, team, write_csv


# --- 1. compare_waves checks the unit mapping against the whole history, from Python too -----------

@pytest.fixture
def three_waves(tmp_path) -> Path:
    """2024: units A (a1-a3) and B (b1-b3); A is renamed A2 in 2025 and stays A2 in 2026."""
    graph, m = hand_made(tmp_path, team("A", 3, "a") + team("B", 3, "b"),
                         [["a1", "a2"], ["a2", "a3"], ["b1", "b2"], ["b2", "b3"], ["a1", "b1"]], permutations=0)
    renamed = m.people.assign(unit=m.people["unit"].astype(object).replace({"A": "A2"}))
    path = tmp_path / "h.db"
    with open_history(path) as history:
        history.store("2024", m, graph)
        history.store("2025", dataclasses.replace(m, people=renamed), graph)
        history.store("2026", dataclasses.replace(m, people=renamed), graph)
    return path


MAPPING = {"A": "A2", "B": "Bee", "Nonexistent": "A2"}


def test_compare_waves_from_python_warns_of_a_misspelt_mapping_as_the_command_line_does(three_waves, tmp_path):
    """Comparing 2025 with 2026 from a script: "A" = "A2" is quiet (A is a unit of the stored 2024
    wave, though of neither wave compared), "B" = "Bee" and "Nonexistent" = "A2" are each a warning,
    first in Comparison.warnings, naming the entry of the dict; compare.html opens with them."""
    with open_history(three_waves, read_only=True) as history:
        c = ona.compare_waves(history.load("2025"), history.load("2026"), mapping=MAPPING, bootstraps=20)
    assert c.warnings == [
        "mapping['B']: unit 'B' is mapped to 'Bee', in no stored wave; check its spelling",
        "mapping['Nonexistent']: unit 'Nonexistent' is in no stored wave, so this mapping is not used; "
        "check its spelling"]
    ona.write_comparison(c, tmp_path / "cmp")
    page = (tmp_path / "cmp" / "compare.html").read_text(encoding="utf-8")
    assert "<h2>Read this first</h2><ul><li>mapping[&#x27;B&#x27;]: unit &#x27;B&#x27; is mapped to" in page


def test_compare_waves_names_where_the_mapping_is_written_when_told(three_waves):
    """The command line passes ona.toml's lines (Config.units_where): the same warning, named by line."""
    with open_history(three_waves, read_only=True) as history:
        c = ona.compare_waves(history.load("2025"), history.load("2026"), mapping=MAPPING, bootstraps=20,
                              mapping_where={"B": "ona.toml, line 3", "Nonexistent": "ona.toml, line 4"})
    assert c.warnings == [
        "ona.toml, line 3: unit 'B' is mapped to 'Bee', in no stored wave; check its spelling",
        "ona.toml, line 4: unit 'Nonexistent' is in no stored wave, so this mapping is not used; check its spelling"]


def test_a_mapping_that_is_no_dict_is_one_clear_error(three_waves):
    with open_history(three_waves, read_only=True) as history, pytest.raises(ona.InputError) as raised:
        ona.compare_waves(history.load("2025"), history.load("2026"), mapping=[("A", "A2")])
    assert [p.code for p in raised.value.problems] == ["bad-argument"]
    assert str(raised.value) == ("compare_waves(mapping=...) takes a dict of old unit name -> new name (a list of "
                                 "new names for a unit that was split); got list [bad-argument]")


def test_a_loaded_wave_knows_the_units_of_every_stored_wave_also_after_another_program_stores_one(three_waves,
                                                                                                     tmp_path):
    """history_units is read again when the file changed, by this connection or by another program."""
    with open_history(three_waves, read_only=True) as reading:
        assert reading.load("2026").history_units == {"A", "A2", "B"}
        graph, m = hand_made(tmp_path, team("C", 2, "c"), [["c1", "c2"]], permutations=0)
        with open_history(three_waves) as writing:
            writing.store("2027", m, graph)
            assert writing.load("2024").history_units == {"A", "A2", "B", "C"}
        assert reading.load("2026").history_units == {"A", "A2", "B", "C"}


# --- 2. A wave the history refuses leaves no new report -------------------------------------------

CONFIG = """\
[measurement]
by = "Department"
permutations = 0
history = "ona-history.db"
out = "report-{wave}"

[waves.2025]
roster = "roster.csv"
ties = ["ties.csv"]
"""

TIES = [["a1", "a2"], ["a2", "a3"], ["b1", "b2"], ["b2", "b3"], ["a1", "b1"]]


def small_config(folder: Path) -> Path:
    write_csv(folder / "roster.csv", [["id", "Name", "Department"], *team("A", 3, "a"), *team("B", 3, "b")])
    write_csv(folder / "ties.csv", [["Source", "Target"], *TIES])
    (folder / "ona.toml").write_text(CONFIG, encoding="utf-8")
    return folder / "ona.toml"


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()} | \
        {p.name: b"(folder)" for p in folder.iterdir() if p.is_dir()}


@pytest.fixture
def locked_after_measuring(monkeypatch):
    """Another program takes the history's write lock once the run has measured (after the check that
    the lock is free, before the wave is stored); SQLite waits 0.2 s for it, not 5."""
    import ona.pipeline

    other: list[sqlite3.Connection] = []
    real_analyze, real_connect = ona.pipeline.analyze, sqlite3.connect

    def analyze_then_lock(*args, **kwargs):
        done = real_analyze(*args, **kwargs)
        if history:  # (a run before the test names the history is not disturbed)
            other.append(real_connect(history[0], isolation_level=None))
            other[0].execute("BEGIN IMMEDIATE")
        return done

    history: list[Path] = []
    monkeypatch.setattr(ona.pipeline, "analyze", analyze_then_lock)
    monkeypatch.setattr(sqlite3, "connect", functools.partial(real_connect, timeout=0.2))
    yield history
    for connection in other:
        connection.execute("ROLLBACK")
        connection.close()


LOCKED = ("Error: ona-history.db: is being written by another program (SQLite: database is locked); wait until it "
          "is done, or close the program that has it open, and run again")


def test_run_replace_refused_by_the_lock_leaves_the_earlier_report_and_wave(tmp_path, runner, locked_after_measuring):
    """2025 is stored with 5 ties; its tie file gains b3 -> a3 and 2025 is run again with --replace
    while another program takes the lock: one error line, exit 2, and report-2025/ holds the earlier
    report byte for byte (nothing new beside the earlier wave), the history the earlier wave."""
    config = small_config(tmp_path)
    assert runner.invoke(cli, ["run", str(config), "--wave", "2025"]).exit_code == 0
    before = files(tmp_path / "report-2025")
    write_csv(tmp_path / "ties.csv", [["Source", "Target"], *TIES, ["b3", "a3"]])
    locked_after_measuring.append(tmp_path / "ona-history.db")
    result = runner.invoke(cli, ["run", str(config), "--wave", "2025", "--replace"])
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [LOCKED]
    assert files(tmp_path / "report-2025") == before
    with open_history(tmp_path / "ona-history.db", read_only=True) as history:
        assert history.load("2025").measurement.summary["ties"] == 5


def test_run_wave_from_python_refused_by_the_lock_writes_no_report(tmp_path, locked_after_measuring):
    config = small_config(tmp_path)
    locked_after_measuring.append(tmp_path / "ona-history.db")
    with pytest.raises(ona.OnaError, match=r"^ona-history.db: is being written by another program"):
        run_wave(read_config(config), "2025")
    assert not (tmp_path / "report-2025").exists()  # (the folder made for the report goes with it: no empty folder)


def test_analyze_with_a_wave_refused_by_the_lock_writes_no_report(tmp_path, runner, locked_after_measuring):
    small_config(tmp_path)
    locked_after_measuring.append(tmp_path / "h.db")
    result = runner.invoke(cli, ["analyze", "--roster", str(tmp_path / "roster.csv"), "--ties",
                                 str(tmp_path / "ties.csv"), "--out", str(tmp_path / "out"), "--permutations", "0",
                                 "--wave", "2025", "--history", str(tmp_path / "h.db")])
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [LOCKED.replace("ona-history.db", "h.db")]
    assert not (tmp_path / "out").exists()


def test_a_stored_run_writes_its_report_and_its_wave(tmp_path, runner):
    """Guard: without another program, `ona run` writes the report and stores the wave as before."""
    config = small_config(tmp_path)
    result = runner.invoke(cli, ["run", str(config), "--wave", "2025"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-2:] == [f"Report written to {tmp_path / 'report-2025'}/: index.html and more",
                                               f"Stored as wave 2025 in {tmp_path / 'ona-history.db'}."]
    assert {"index.html", "map.html", "metrics.xlsx"} <= set(files(tmp_path / "report-2025"))
    with open_history(tmp_path / "ona-history.db", read_only=True) as history:
        assert history.labels() == ["2025"]
