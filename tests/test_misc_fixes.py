"""Small defects users met, one story per test: a cp1252 roster beside UTF-8 tie files, a report of
one unit that spoke of unit boundaries, workbook sheets with a row-number column called key, a
rating survey scored four times over, and staging folders left behind by a run that was killed."""

from __future__ import annotations

import json
import os
import time

import pytest
from openpyxl import load_workbook

import ona
from ona.cli import cli
from ona.metrics import ratings as rating_metrics

from conftest import write_csv


# --- a rating survey is scored once --------------------------------------------------------------

@pytest.fixture
def rated_town(tmp_path):
    """Alpha (5 people, line) and Beta (5, support) rate each other on two questions; a ring of ties."""
    people = [["Employee ID", "Name", "Department", "Function", "Role"]]
    for k in range(1, 11):
        unit = "Alpha" if k <= 5 else "Beta"
        people.append([f"P{k:02d}", f"Person {k}", unit, "support" if unit == "Beta" else "line",
                       "Head of Department" if k in (1, 6) else "Caseworker"])
    write_csv(tmp_path / "roster.csv", people)
    write_csv(tmp_path / "ties.csv", [["Source", "Target"]] + [[f"P{k:02d}", f"P{k % 10 + 1:02d}"]
                                                                for k in range(1, 11)])
    answers = [["Respondent", "Rated unit", "timely", "helpful"]]
    answers += [[f"P{k:02d}", "Beta" if k <= 5 else "Alpha", str(1 + k % 5), str(1 + (k + 2) % 5)]
                for k in range(1, 11)]
    write_csv(tmp_path / "ratings.csv", answers)
    return tmp_path


def test_the_respondents_scores_are_computed_once_per_run(rated_town, runner, monkeypatch):
    """Cells, hidden-cell counts, unit views and the support units' reach all come from one scoring
    of the respondents (it was done four times: twice for the cells, once per pooled figure)."""
    calls = []
    real = rating_metrics._respondent_scores

    def counted(*args, **kwargs):
        calls.append(args[1:] or kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(rating_metrics, "_respondent_scores", counted)
    result = runner.invoke(cli, ["analyze", "--roster", str(rated_town / "roster.csv"), "--ties",
                                 str(rated_town / "ties.csv"), "--ratings", str(rated_town / "ratings.csv"),
                                 "--out", str(rated_town / "out"), "--permutations", "0"])
    assert result.exit_code == 0, result.output
    metrics = json.loads((rated_town / "out" / "metrics.json").read_text("utf-8"))
    assert metrics["support_reach"] and metrics["rating_units"]  # every figure built from the scores was made
    assert len(calls) == 1


# --- metrics.xlsx: no row-number column, nothing from input becomes a formula ---------------------

def test_workbook_sheets_say_what_a_row_is_without_a_row_number_column(rated_town, runner):
    """The extra sheets (fragile links, must-not-leave, rating cells, gaps, rated vs ties, support
    reach) had a first column 'key' holding 0, 1, 2...: the row number, meaningless next to Excel's
    own. Now a sheet starts with the column that says what the row is; sheets whose rows are units
    keep their 'unit' column."""
    result = runner.invoke(cli, ["analyze", "--roster", str(rated_town / "roster.csv"), "--ties",
                                 str(rated_town / "ties.csv"), "--ratings", str(rated_town / "ratings.csv"),
                                 "--out", str(rated_town / "out"), "--permutations", "0"])
    assert result.exit_code == 0, result.output
    book = load_workbook(rated_town / "out" / "metrics.xlsx", read_only=True)
    first = {ws.title: next(ws.iter_rows(max_row=1, values_only=True))[0] for ws in book.worksheets}
    assert "key" not in first.values()
    assert first["rating_cells"] == "measure" and first["rating_gaps"] == "unit_a"
    assert first["rated_vs_ties"] == "rater_unit" and first["support_reach"] == "support_unit"
    assert first["rating_units"] == "unit" and first["fragile_bridges"] == "unit_a"
    cells = book["rating_cells"]
    header, row = list(cells.iter_rows(min_row=1, max_row=2, values_only=True))
    assert dict(zip(header, row))["rater_unit"] == "Alpha"


HOSTILE = {"name": '=HYPERLINK("http://evil.example","click")', "unit": "+Sales", "id": "@E1", "other": "-2+3"}


def test_no_cell_of_any_sheet_is_a_formula_when_the_roster_holds_formula_text(tmp_path, runner):
    """A roster whose id, name and units start with = + - @: in every sheet each such text is a
    text cell, shown as typed; the workbook holds no formula at all."""
    write_csv(tmp_path / "roster.csv", [
        ["Employee ID", "Name", "Department"],
        [HOSTILE["id"], HOSTILE["name"], HOSTILE["unit"]],
        ["E2", "Bo Lund", HOSTILE["unit"]],
        ["E3", "Carl Holm", HOSTILE["other"]],
        ["E4", "Dina Krog", HOSTILE["other"]]])
    write_csv(tmp_path / "ties.csv", [["Source", "Target"], [HOSTILE["id"], "E2"], ["E2", "E3"], ["E3", "E4"],
                                      ["E4", HOSTILE["id"]]])
    result = runner.invoke(cli, ["analyze", "--roster", str(tmp_path / "roster.csv"), "--ties",
                                 str(tmp_path / "ties.csv"), "--out", str(tmp_path / "out"), "--permutations", "0"])
    assert result.exit_code == 0, result.output
    book = load_workbook(tmp_path / "out" / "metrics.xlsx")
    found = {}
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value in HOSTILE.values():
                    found.setdefault(cell.value, set()).add(ws.title)
    assert found == {HOSTILE["id"]: {"People"}, HOSTILE["name"]: {"People"},
                     HOSTILE["unit"]: {"People", "Units", "Unit matrix", "Unit pairs", "fragile_bridges",
                                       "unit_communities"},
                     HOSTILE["other"]: {"People", "Units", "Unit matrix", "Unit pairs", "fragile_bridges",
                                        "unit_communities"}}
