"""An analyst's mistakes in ona.toml, on the command line and with history files give one clear line
and exit status 2, before anything is written: no traceback, no report without its stored wave, and
no other application's database changed by ona."""

from __future__ import annotations

import shutil
import sqlite3
import tomllib
from dataclasses import replace

import pytest

import ona
from ona.cli import cli
from ona.config import read_config, starter_config
from ona.history import open_history

WAVE = '[waves.2025]\nroster = "roster.csv"\nties = ["ties.csv"]\n'


@pytest.fixture
def inputs(tmp_path, data_dir):
    """A folder with the roster and tie list of five people in units A and B."""
    for name in ("roster.csv", "ties.csv"):
        shutil.copy(data_dir / "analyze" / name, tmp_path / name)
    return tmp_path


def analyze(tmp_path, *options):
    return ["analyze", "--roster", str(tmp_path / "roster.csv"), "--ties", str(tmp_path / "ties.csv"),
            "--out", str(tmp_path / "report"), *options]


def assert_refused(result, message, tmp_path):
    """Exit 2 with exactly one error line, and no report folder or history file written."""
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [message]
    assert "Traceback" not in result.output
    assert not (tmp_path / "report").exists() and not (tmp_path / "report-2025").exists()
    assert not (tmp_path / "ona-history.db").exists()


# --- 3. `ona init` writes any path, column and label so that `ona run` reads them back ---------

@pytest.mark.parametrize("label", ["2025", "2025.1", "2025 spring", 'wave "A"'])
def test_init_then_run_round_trips_awkward_paths_and_wave_labels(inputs, runner, label):
    folder = inputs / 'in "quotes"'
    folder.mkdir()
    roster, ties = folder / "ro\\ster.csv", folder / "ties 2025.csv"
    shutil.move(inputs / "roster.csv", roster)
    shutil.move(inputs / "ties.csv", ties)
    config = inputs / "ona.toml"
    result = runner.invoke(cli, ["init", "--roster", str(roster), "--ties", str(ties), "--wave", label,
                                 "--out", str(config)])
    assert result.exit_code == 0, result.output
    assert read_config(config).waves == {label: {"roster": 'in "quotes"/ro\\ster.csv',
                                                 "ties": ['in "quotes"/ties 2025.csv']}}
    run = runner.invoke(cli, ["run", str(config), "--wave", label, "--no-history"])
    assert run.exit_code == 0, run.output
    assert (inputs / f"report-{label}" / "index.html").exists()


def test_the_starter_config_escapes_every_value():
    text = starter_config("C:\\data\\roster.xlsx", ['ties "a".xlsx', "x\ty"], by='Unit "new"\\', wave="2025\t1")
    data = tomllib.loads(text)
    assert data["measurement"]["by"] == 'Unit "new"\\'
    assert data["waves"] == {"2025\t1": {"roster": "C:\\data\\roster.xlsx", "ties": ['ties "a".xlsx', "x\ty"]}}


def test_init_refuses_a_wave_label_of_several_lines(inputs, runner):
    config = inputs / "ona.toml"
    result = runner.invoke(cli, ["init", "--roster", str(inputs / "roster.csv"), "--ties", str(inputs / "ties.csv"),
                                 "--wave", "2025\nrm", "--out", str(config)])
    assert result.exit_code == 2 and not config.exists()
    assert result.stderr.splitlines()[-1] == ("Error: Invalid value for --wave: a wave label is one line of text, "
                                              "without control characters")
