"""A manager reads index.html: findings that never contradict each other, brokers that really link
units, numbers written as a person would write them; and a report folder that holds one run,
whole, even when writing fails."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

import ona
import ona._files
from ona.cli import cli
from ona.report import findings

from conftest import ROOT, write_csv

EXAMPLE = ROOT / "examples" / "municipality"


def measure(tmp_path: Path, people: list[list[str]], ties: list[list[str]], **options):
    """Measure a hand-made organisation: ``people`` rows (id, name, unit), ``ties`` rows (source,
    target[, weight])."""
    roster = ona.read_roster(write_csv(tmp_path / "roster.csv", [["id", "Name", "Department"], *people]))
    header = ["Source", "Target", "Weight"][:len(ties[0])]
    graph = ona.build_graph(roster, ona.read_ties(write_csv(tmp_path / "ties.csv", [header, *ties]), roster))
    return graph, ona.measure(graph, by="Department", **options)


def texts(measurement) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in findings(measurement):
        out.setdefault(f.key, []).append(f.text)
    return out


def _unit_row(page: str, unit: str) -> str:
    start = page.index(f"<tr><td>{unit}</td>")
    return page[start:page.index("</tr>", start)]


PEOPLE = [["a", "Anna", "X"], ["b", "Bo", "X"], ["c", "Cy", "Y"], ["d", "Di", "Y"]]


def _report_args(tmp_path: Path, ties: list[list[str]]) -> list[str]:
    write_csv(tmp_path / "roster.csv", [["id", "Name", "Department"], *PEOPLE])
    write_csv(tmp_path / "ties.csv", [["Source", "Target"], *ties])
    return ["analyze", "--roster", str(tmp_path / "roster.csv"), "--ties", str(tmp_path / "ties.csv"),
            "--out", str(tmp_path / "report")]


def _folder(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() if p.is_file() else "folder" for p in sorted(path.iterdir())}


# A report lands whole or not at all.

def test_a_folder_in_the_way_leaves_last_years_report_whole(runner, tmp_path):
    """Last year's report is in report/; someone made a folder report/nodes.csv. This year's run
    fails before it changes anything: the folder holds last year's report, no file of this year's,
    and the error names nodes.csv (not a temporary file)."""
    assert runner.invoke(cli, _report_args(tmp_path, [["a", "b"], ["b", "c"]])).exit_code == 0
    report = tmp_path / "report"
    (report / "nodes.csv").unlink()
    (report / "nodes.csv").mkdir()
    last_year = _folder(report)
    result = runner.invoke(cli, _report_args(tmp_path, [["a", "b"], ["c", "d"], ["d", "a"]]))
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == (
        "Error: nodes.csv: is a folder where the report writes a file; move or rename it "
        "(nothing of the new report was written)")
    assert _folder(report) == last_year


def test_a_file_that_cannot_be_replaced_puts_back_the_files_already_replaced(runner, tmp_path, monkeypatch):
    """The analyst has network.gexf open in Gephi and the system refuses to replace it. Files
    before it in the folder (edges.csv ... metrics.xlsx) had already been replaced: they are put
    back, so the folder still holds last year's report and nothing of this year's."""
    assert runner.invoke(cli, _report_args(tmp_path, [["a", "b"], ["b", "c"]])).exit_code == 0
    report = tmp_path / "report"
    last_year = _folder(report)
    real_replace = os.replace

    def replace(src, dst):
        if Path(dst) == report / "network.gexf" and Path(src).parent.name.startswith(".ona-new."):
            raise PermissionError(13, "Permission denied", str(src))
        return real_replace(src, dst)

    monkeypatch.setattr(ona._files.os, "replace", replace)
    result = runner.invoke(cli, _report_args(tmp_path, [["a", "b"], ["c", "d"], ["d", "a"]]))
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == \
        "Error: network.gexf: Permission denied (nothing of the new report was written)"
    assert _folder(report) == last_year


def test_a_file_that_cannot_be_written_is_named_in_the_error(tmp_path):
    """A folder stands where a single file is written: the error names that file, not the
    temporary file it was written to first."""
    (tmp_path / "map.html").mkdir()
    with pytest.raises(IsADirectoryError) as error:
        with ona._files.atomic_write(tmp_path / "map.html") as handle:
            handle.write("<html></html>")
    assert error.value.filename == str(tmp_path / "map.html")
    assert [p.name for p in tmp_path.iterdir()] == ["map.html"]


