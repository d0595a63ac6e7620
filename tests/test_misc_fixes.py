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
