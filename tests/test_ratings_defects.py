"""A municipality of four departments (Alpha 8 people, Beta 8, Gamma 3, Delta 2; Beta is a support
function) runs the yearly "how do the other units serve you?" survey. Each test is one thing that
went wrong for them: a hidden answer that could be worked out, a scale file that was ignored or
crashed, a sheet that crashed, answers filed under the wrong unit."""

from __future__ import annotations

import json

import pytest

from ona.cli import cli

from conftest import write_csv

UNITS = {"Alpha": 8, "Beta": 8, "Gamma": 3, "Delta": 2}


@pytest.fixture
def town(tmp_path):
    """roster.csv (ids X0001..X0021 in unit order, heads first) and ties.csv (each person to the next)."""
    people, k = [["Employee ID", "Name", "Department", "Function", "Role"]], 0
    for unit, size in UNITS.items():
        for i in range(size):
            k += 1
            people.append([f"X{k:04d}", f"Zorbo{k} Quuxley{k}", unit, "support" if unit == "Beta" else "line",
                           "Head of Department" if i == 0 else "Caseworker"])
    write_csv(tmp_path / "roster.csv", people)
    ring = [[f"X{i:04d}", f"X{i % 21 + 1:04d}"] for i in range(1, 22)]
    write_csv(tmp_path / "ties.csv", [["Source", "Target"]] + ring)
    return tmp_path


def ids(unit):
    start = 1 + sum(n for u, n in UNITS.items() if list(UNITS).index(u) < list(UNITS).index(unit))
    return [f"X{k:04d}" for k in range(start, start + UNITS[unit])]


def analyze(runner, folder, *args):
    return runner.invoke(cli, ["analyze", "--roster", str(folder / "roster.csv"), "--out", str(folder / "out"),
                               "--permutations", "0", *args])


def test_a_hidden_cell_cannot_be_worked_out_from_the_unit_figures(town, runner):
    """Gamma's 3 people rate Alpha and Beta "Strongly disagree" (1): too few to show. Beta's 8 rate
    Alpha "Agree" (4), Alpha's 8 rate Beta 4. How the others rate Alpha, and how the line rates
    support unit Beta, pool only the shown cells: 4.0 from 8 respondents each, so subtracting
    Beta -> Alpha from them gives nothing; Gamma's rating of the others is not shown at all."""
    rows = [["Respondent", "Rated unit", "timely"]]
    rows += [[p, "Alpha", "Agree"] for p in ids("Beta")] + [[p, "Beta", "Agree"] for p in ids("Alpha")]
    rows += [[p, unit, "Strongly disagree"] for p in ids("Gamma") for unit in ("Alpha", "Beta")]
    write_csv(town / "r.csv", rows)
    result = analyze(runner, town, "--ties", str(town / "ties.csv"), "--ratings", str(town / "r.csv"))
    assert result.exit_code == 0, result.output
    metrics = json.loads((town / "out" / "metrics.json").read_text("utf-8"))
    units = {u["unit"]: u for u in metrics["rating_units"]}
    assert (units["Alpha"]["rated_by_others"], units["Alpha"]["respondents_rating_it"]) == (4.0, 8)
    assert (units["Beta"]["rated_by_others"], units["Beta"]["respondents_rating_it"]) == (4.0, 8)
    assert (units["Gamma"]["rates_others"], units["Gamma"]["respondents_rating_others"]) == (None, 0)
    support = metrics["support_reach"][0]
    assert (support["support_unit"], support["line_rates_it"]) == ("Beta", 4.0)
    hidden = [c for c in metrics["rating_cells"] if c["rater_unit"] == "Gamma" and c["measure"] == "overall"]
    assert [(c["rated_unit"], c["n"], c["mean"]) for c in hidden] == [("Alpha", 3, None), ("Beta", 3, None)]
    page = (town / "out" / "ratings.html").read_text("utf-8")
    assert "<title>Alpha is rated by the others: 4.00</title>" in page
    assert "Cells with fewer than 5 respondents are not shown (·), nor counted in any unit's figures." in page


def test_a_misspelt_unit_type_column_is_an_error(town, runner):
    write_csv(town / "r.csv", [["Respondent", "Rated unit", "timely"]] + [[p, "Gamma", "4"] for p in ids("Alpha")])
    result = analyze(runner, town, "--ties", str(town / "ties.csv"), "--ratings", str(town / "r.csv"),
                     "--unit-type-column", "Fnction")
    assert (result.exit_code, result.stderr.splitlines()) == (2, [
        "Error: roster.csv, row 1: has no column 'Fnction' for --unit-type-column; choose one of: 'Name', "
        "'Department', 'Function', 'Role' [unknown-unit-column]"])
