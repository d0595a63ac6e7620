"""A report never replaces the files it was measured from. An analyst who keeps each year's files in
a folder of the year's name (2024/nodes.csv, 2024/edges.csv: the names a Gephi or igraph export
gives) and writes each report into that folder (``out = "{wave}"``) would have lost the roster and
ties to the report's own nodes.csv and edges.csv, without a word, and could not run the wave again.
Such a folder is refused before anything is read, with one line naming the input, and every file is
left as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

import ona
from ona.cli import cli
from ona.config import read_config, run_wave

from .conftest import write_csv

CONFIG = """\
[measurement]
by = "Department"
permutations = 0
history = "h.db"
out = "{wave}"

[waves.2024]
roster = "2024/nodes.csv"
ties = ["2024/edges.csv"]
"""


def year_folder(tmp_path: Path, roster: str = "nodes.csv", ties: str = "edges.csv") -> Path:
    """ona.toml and 2024/ with a roster and a tie list of the names given; returns ona.toml."""
    folder = tmp_path / "2024"
    folder.mkdir()
    write_csv(folder / roster, [["id", "Name", "Department"], ["a1", "Ann Berg", "Sales"], ["a2", "Bo Dahl", "Sales"],
                                ["b1", "Cai Eng", "Ops"]])
    write_csv(folder / ties, [["Source", "Target"], ["a1", "a2"], ["a2", "b1"]])
    config = tmp_path / "ona.toml"
    config.write_text(CONFIG.replace("nodes.csv", roster).replace("edges.csv", ties), encoding="utf-8")
    return config


def contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_run_refuses_a_report_folder_holding_the_waves_roster_and_ties_of_the_reports_names(tmp_path, runner):
    config = year_folder(tmp_path)
    before = contents(tmp_path / "2024")
    result = runner.invoke(cli, ["run", str(config), "--wave", "2024"])
    assert result.exit_code == 2
    assert result.stderr == (f"Error: {tmp_path / '2024' / 'nodes.csv'}: the roster would be replaced by the report's "
                             "nodes.csv; choose another report folder with out in [measurement] (ona.toml, line 5) "
                             "(nothing was read or written)\n")
    assert contents(tmp_path / "2024") == before  # no index.html beside them, no staging folder
    assert not (tmp_path / "h.db").exists()


def test_run_from_python_refuses_it_too_and_so_does_a_tie_file_alone(tmp_path):
    config = year_folder(tmp_path, roster="people.csv")
    with pytest.raises(ona.OnaError, match=r"edges\.csv: the tie file would be replaced by the report's edges\.csv"):
        run_wave(read_config(config), "2024")
    assert sorted(contents(tmp_path / "2024")) == ["edges.csv", "people.csv"]


def test_files_of_other_names_in_the_report_folder_are_kept(tmp_path, runner):
    """The README's promise: the report goes beside files of your own."""
    config = year_folder(tmp_path, roster="roster.csv", ties="ties.csv")
    before = contents(tmp_path / "2024")
    result = runner.invoke(cli, ["run", str(config), "--wave", "2024"])
    assert result.exit_code == 0, result.output
    after = contents(tmp_path / "2024")
    assert {k: after[k] for k in before} == before and "nodes.csv" in after and "index.html" in after


def test_analyze_refuses_an_out_folder_where_the_report_would_replace_its_roster(tmp_path, runner):
    year_folder(tmp_path)
    folder = tmp_path / "2024"
    before = contents(folder)
    result = runner.invoke(cli, ["analyze", "--roster", str(folder / "nodes.csv"), "--ties", str(folder / "edges.csv"),
                                 "--out", str(folder) + "/", "--wave", "2024", "--history", str(tmp_path / "h.db")])
    assert result.exit_code == 2
    assert result.stderr == (f"Error: {folder / 'nodes.csv'}: the roster would be replaced by the report's nodes.csv; "
                             "choose another folder with --out (nothing was read or written)\n")
    assert contents(folder) == before and not (tmp_path / "h.db").exists()


def test_the_same_file_under_another_path_is_found(tmp_path, runner):
    """A link to the roster in the report folder is the roster: writing nodes.csv there would
    replace what the link points to."""
    year_folder(tmp_path, roster="roster.csv", ties="ties.csv")
    out = tmp_path / "report"
    out.mkdir()
    (out / "edges.csv").symlink_to(tmp_path / "2024" / "ties.csv")
    result = runner.invoke(cli, ["analyze", "--roster", str(tmp_path / "2024" / "roster.csv"),
                                 "--ties", str(out / "edges.csv"), "--out", str(out)])
    assert result.exit_code == 2 and "the tie file would be replaced by the report's edges.csv" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["edges.csv"]


def test_write_report_told_its_inputs_refuses_to_replace_them(tmp_path):
    config = year_folder(tmp_path)
    folder = tmp_path / "2024"
    roster = ona.read_roster(folder / "nodes.csv")
    graph = ona.build_graph(roster, ona.read_ties(folder / "edges.csv", roster))
    result = ona.measure(graph, by="Department", permutations=0)
    before = contents(folder)
    with pytest.raises(ona.OnaError, match=r"nodes\.csv: the roster would be replaced by the report's nodes\.csv"):
        ona.write_report(result, graph, folder, inputs={"roster": folder / "nodes.csv", "ties": [folder / "edges.csv"]})
    assert contents(folder) == before
    assert config.exists()


def test_map_refuses_to_write_over_its_own_tie_file(tmp_path, runner):
    year_folder(tmp_path)
    ties = tmp_path / "2024" / "edges.csv"
    before = ties.read_bytes()
    result = runner.invoke(cli, ["map", "--roster", str(tmp_path / "2024" / "nodes.csv"), "--ties", str(ties),
                                 "--out", str(ties)])
    assert result.exit_code == 2
    assert result.stderr == (f"Error: {ties}: the tie file would be replaced by the map; name another file with --out "
                             "(nothing was read or written)\n")
    assert ties.read_bytes() == before
