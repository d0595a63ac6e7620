"""Outputs that agree with each other and fail safely, one story per test: metrics.json's extra
tables with the workbook's columns, nodes.csv without two columns named alike, ingest messages a
library user can act on, pseudonyms that never merge two people, and a history file that cannot be
written refused before the analysis."""

from __future__ import annotations

import json
import re
import sqlite3

import pandas as pd
import pytest
from openpyxl import load_workbook

from ona.cli import cli

from conftest import write_csv


@pytest.fixture
def rated_town(tmp_path):
    """Alpha (5 people, line) and Beta (5, support) rate each other on two questions; a ring of ties.
    The roster has a team column called Unit beside the Department measured."""
    people = [["Employee ID", "Name", "Unit", "Department", "Function"]]
    for k in range(1, 11):
        department = "Alpha" if k <= 5 else "Beta"
        people.append([f"P{k:02d}", f"Person {k}", f"Team {k % 2}", department,
                       "support" if department == "Beta" else "line"])
    write_csv(tmp_path / "roster.csv", people)
    write_csv(tmp_path / "ties.csv", [["Source", "Target"]] + [[f"P{k:02d}", f"P{k % 10 + 1:02d}"]
                                                                for k in range(1, 11)])
    answers = [["Respondent", "Rated unit", "timely", "helpful"]]
    answers += [[f"P{k:02d}", "Beta" if k <= 5 else "Alpha", str(1 + k % 5), str(1 + (k + 2) % 5)]
                for k in range(1, 11)]
    write_csv(tmp_path / "ratings.csv", answers)
    return tmp_path


def _analyze(runner, town, *extra):
    result = runner.invoke(cli, ["--silent", "analyze", "--roster", str(town / "roster.csv"), "--ties",
                                 str(town / "ties.csv"), "--ratings", str(town / "ratings.csv"),
                                 "--by", "Department", "--out", str(town / "out"), "--permutations", "0", *extra])
    assert result.exit_code == 0, result.output
    return town / "out"


# --- 1. metrics.json's extra tables have the workbook's columns ------------------------------------

def test_metrics_json_extra_tables_have_the_columns_of_the_workbook_sheets(rated_town, runner):
    """A script reading metrics.json's rating_cells or fragile_bridges found a field "key" (0, 1,
    2...: the row number) that the same sheet of metrics.xlsx no longer has. Each extra table now
    has, record by record, exactly the columns of its sheet, in the same order."""
    out = _analyze(runner, rated_town)
    metrics = json.loads((out / "metrics.json").read_text("utf-8"))
    book = load_workbook(out / "metrics.xlsx", read_only=True)
    extras = ["fragile_bridges", "must_not_leave", "unit_communities", "rating_cells", "rating_gaps",
              "rated_vs_ties", "rating_units", "support_reach"]
    assert [name for name in extras if not metrics[name]] == ["must_not_leave"]  # two ties link the units
    for name in extras:
        header = list(next(book[name].iter_rows(max_row=1, values_only=True)))
        for record in metrics[name]:
            assert list(record) == header, name
    assert not any("key" in record for name in extras for record in metrics[name])
    assert list(metrics["rating_cells"][0])[:2] == ["measure", "rater_unit"]


# --- 2. nodes.csv, GEXF and GraphML: no two columns named alike --------------------------------------

def _graphml_names(path) -> list[str]:
    return re.findall(r'<key id="d\d+" for="node" attr.name="([^"]*)"', path.read_text("utf-8"))


def _gexf_titles(path) -> list[str]:
    return re.findall(r'<attribute id="\d+" title="([^"]*)"', path.read_text("utf-8"))


def test_nodes_csv_keeps_the_roster_columns_and_names_no_two_columns_alike(rated_town, runner):
    """nodes.csv had the roster's Name and Unit and, beside them, ona's name (the same names) and
    unit (the Department measured): loaded into SQLite it failed ("duplicate column name: name").
    Now the roster's columns stay as they are, under their own headers, followed by the measures;
    ona's copies of the name and the measured unit are not repeated. GEXF and GraphML carry the
    same columns."""
    out = _analyze(runner, rated_town)
    nodes = pd.read_csv(out / "nodes.csv", encoding="utf-8-sig", dtype=str)
    assert list(nodes.columns[:6]) == ["id", "Name", "Unit", "Department", "Function", "in_degree"]
    assert len({c.casefold() for c in nodes.columns}) == len(nodes.columns)
    row = nodes.set_index("id").loc["P06"]
    assert (row["Name"], row["Unit"], row["Department"]) == ("Person 6", "Team 0", "Beta")
    nodes.to_sql("nodes", sqlite3.connect(":memory:"), index=False)
    attributes = list(nodes.columns[1:])
    assert _graphml_names(out / "network.graphml") == attributes
    assert _gexf_titles(out / "network.gexf") == attributes

