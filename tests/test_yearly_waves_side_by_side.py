"""Two years of one organisation side by side, as an analyst meets them in `ona compare`: what counts
as measured the same way (a roster whose department column is headed in another language, tie files
named after their year), in which order the waves are listed, and what a comparison says when the
group of small units holds other units than the year before.

The organisation is small enough to count by hand: Alpha (a1-a4) and Beta (b1-b4), eight people."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pandas as pd

import pytest

import ona
from ona.cli import cli

from conftest import write_csv

PEOPLE = [(f"a{i}", "Alpha") for i in range(1, 5)] + [(f"b{i}", "Beta") for i in range(1, 5)]
# Inside Alpha a1-a2, a2-a3, a3-a4; inside Beta b1-b2, b2-b3; across a1-b1 (and in 2025 also b4-a4).
ADVICE = [["a1", "a2"], ["a2", "a3"], ["a3", "a4"], ["b1", "b2"], ["b2", "b3"], ["a1", "b1"]]


def roster(path: Path, headers: list[str], people=PEOPLE) -> Path:
    return write_csv(path, [headers, *[[pid, unit] for pid, unit in people]])


def ties(path: Path, pairs) -> Path:
    return write_csv(path, [["Respondent", "Colleague"], *pairs])


def config(folder: Path, waves: dict[str, tuple[str, list[str]]], extra: str = "") -> Path:
    """ona.toml with no `by` (each roster's own department column is measured), one [waves.LABEL] per
    wave: its roster and tie files, relative to ``folder``."""
    text = ('[measurement]\npermutations = 0\nhistory = "ona-history.db"\nout = "report-{wave}"\n' + extra
            + "".join(f'\n[waves.{label}]\nroster = "{r}"\nties = [{", ".join(repr(t) for t in t_)}]\n'
                      .replace("'", '"') for label, (r, t_) in waves.items()))
    path = folder / "ona.toml"
    path.write_text(text, encoding="utf-8")
    return path


def run_and_compare(runner, path: Path, *labels: str, before="2024", after="2025"):
    for label in labels:
        result = runner.invoke(cli, ["--silent", "run", str(path), "--wave", label])
        assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["compare", before, after, "--config", str(path), "--bootstraps", "0",
                                 "--out", str(path.parent / "compare")])
    assert result.exit_code == 0, result.output
    return result


# --- 1. Measured the same way, whatever the header's language or the files' year ------------------

def test_a_department_column_headed_afdeling_the_next_year_is_the_same_unit_column(tmp_path, runner):
    """The 2024 roster is headed `Employee ID, Department`; HR's new system exports 2025's as
    `Medarbejder ID, Afdeling`, the same departments. No `by` is given, so each year ona measures the
    roster's own department column: the same setting, and the comparison warns of nothing (before, it
    warned "unit column (by) 'Department' in 2024, 'Afdeling' in 2025 ... run again with --replace",
    which no re-run could clear). Both years: 2 units, Alpha's E-I (1 - 3) / 4 = -0.5 in 2024."""
    for label, headers in (("2024", ["Employee ID", "Department"]), ("2025", ["Medarbejder ID", "Afdeling"])):
        (tmp_path / label).mkdir()
        roster(tmp_path / label / "roster.csv", headers)
        ties(tmp_path / label / "ties.csv", ADVICE)
    path = config(tmp_path, {w: (f"{w}/roster.csv", [f"{w}/ties.csv"]) for w in ("2024", "2025")})
    result = run_and_compare(runner, path, "2024", "2025")
    assert result.stderr == ""
    with ona.open_history(tmp_path / "ona-history.db", read_only=True) as history:
        c = ona.compare_waves(history.load("2024"), history.load("2025"), bootstraps=0)
        assert [history.load(w).measurement.parameters["unit_column"] for w in ("2024", "2025")] == \
            ["Department", "Afdeling"]
    assert c.warnings == []
    assert c.units.loc["Alpha", "ei_index_before"] == -0.5 and list(c.units["status"]) == ["both", "both"]


def test_a_unit_column_named_with_by_is_still_compared_by_its_header(tmp_path, runner):
    """Measured by the roster's department column in 2024, but in 2025 `by = "Section"` is added to
    ona.toml by mistake (a column of its own, with other units): a change of setting, still warned
    of, with how to put it right."""
    (tmp_path / "2024").mkdir(), (tmp_path / "2025").mkdir()
    roster(tmp_path / "2024" / "roster.csv", ["id", "Department"])
    write_csv(tmp_path / "2025" / "roster.csv", [["id", "Department", "Section"],
                                                  *[[pid, unit, "S"] for pid, unit in PEOPLE]])
    for label in ("2024", "2025"):
        ties(tmp_path / label / "ties.csv", ADVICE)
    path = config(tmp_path, {w: (f"{w}/roster.csv", [f"{w}/ties.csv"]) for w in ("2024", "2025")})
    assert runner.invoke(cli, ["--silent", "run", str(path), "--wave", "2024"]).exit_code == 0
    path.write_text(path.read_text(encoding="utf-8").replace("[measurement]\n", '[measurement]\nby = "Section"\n'),
                    encoding="utf-8")
    assert runner.invoke(cli, ["--silent", "run", str(path), "--wave", "2025"]).exit_code == 0
    result = runner.invoke(cli, ["compare", "2024", "2025", "--config", str(path), "--bootstraps", "0",
                                 "--out", str(tmp_path / "compare")])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "Warning: 2024 and 2025 were measured with different settings: unit column (by) 'Department' in 2024, "
        "'Section' in 2025; a change can come from the setting alone: run the wave that has the wrong one "
        "again with --replace"]


def test_a_roster_whose_columns_are_renamed_is_read_by_its_waves_own_headers_and_compared_as_before(tmp_path,
                                                                                                  runner):
    """ona.toml was written for 2024's roster, headed `Medarbejder, Afdeling` ([columns] id and
    [measurement] by name them). HR's new system heads 2025's `Employee ID, Department`, the same
    people and departments: [waves.2025.columns] gives that wave's headers (id and unit, the column
    measured), the other waves keep ona.toml's. The comparison takes 2025's Department as the
    Afdeling measured each year and warns of nothing. Both years: 2 units, Alpha's E-I
    (1 across - 3 inside) / 4 = -0.5. Before, the wave's `columns` was an unknown key."""
    for label, headers in (("2024", ["Medarbejder", "Afdeling"]), ("2025", ["Employee ID", "Department"])):
        (tmp_path / label).mkdir()
        roster(tmp_path / label / "roster.csv", headers)
        ties(tmp_path / label / "ties.csv", ADVICE)
    path = config(tmp_path, {w: (f"{w}/roster.csv", [f"{w}/ties.csv"]) for w in ("2024", "2025")},
                  extra='by = "Afdeling"\n[columns]\nid = "Medarbejder"\n')
    with path.open("a", encoding="utf-8") as handle:
        handle.write('[waves.2025.columns]\nid = "Employee ID"\nunit = "Department"\n')
    result = run_and_compare(runner, path, "2024", "2025")
    assert result.stderr == ""
    with ona.open_history(tmp_path / "ona-history.db", read_only=True) as history:
        earlier, later = history.load("2024"), history.load("2025")
    assert later.measurement.parameters["unit_column"] == "Department"
    assert later.measurement.parameters["unit_column_as"] == "Afdeling"
    c = ona.compare_waves(earlier, later, bootstraps=0)
    assert c.warnings == []
    assert c.units.loc["Alpha", "ei_index_before"] == c.units.loc["Alpha", "ei_index_after"] == -0.5
    assert list(c.units["status"]) == ["both", "both"]


def test_a_department_column_ona_does_not_recognise_is_named_for_its_wave_as_the_rosters_own(tmp_path, runner):
    """No by: 2024 is measured by its roster's Department column; 2025's roster heads it `Org enhed`,
    a header ona does not recognise, which [waves.2025.columns] names as its unit column. The wave
    is measured by the roster's own unit column, as 2024 was, and the comparison warns of nothing."""
    for label, headers in (("2024", ["id", "Department"]), ("2025", ["id", "Org enhed"])):
        (tmp_path / label).mkdir()
        roster(tmp_path / label / "roster.csv", headers)
        ties(tmp_path / label / "ties.csv", ADVICE)
    path = config(tmp_path, {w: (f"{w}/roster.csv", [f"{w}/ties.csv"]) for w in ("2024", "2025")})
    with path.open("a", encoding="utf-8") as handle:
        handle.write('columns = {unit = "Org enhed"}\n')
    result = run_and_compare(runner, path, "2024", "2025")
    assert result.stderr == ""
    with ona.open_history(tmp_path / "ona-history.db", read_only=True) as history:
        assert [history.load(w).measurement.parameters["unit_column"] for w in ("2024", "2025")] == \
            ["Department", "Org enhed"]


def test_a_wave_measured_by_a_column_of_its_own_is_compared_with_a_warning(tmp_path, runner):
    """2025 is measured by its new Section column (`by = "Section"` in [waves.2025]), 2024 by
    [measurement]'s Department: another setting, which the comparison warns of."""
    (tmp_path / "2024").mkdir(), (tmp_path / "2025").mkdir()
    roster(tmp_path / "2024" / "roster.csv", ["id", "Department"])
    write_csv(tmp_path / "2025" / "roster.csv", [["id", "Department", "Section"],
                                                  *[[pid, unit, "S"] for pid, unit in PEOPLE]])
    for label in ("2024", "2025"):
        ties(tmp_path / label / "ties.csv", ADVICE)
    path = config(tmp_path, {w: (f"{w}/roster.csv", [f"{w}/ties.csv"]) for w in ("2024", "2025")},
                  extra='by = "Department"\n')
    with path.open("a", encoding="utf-8") as handle:
        handle.write('by = "Section"\n')  # (in [waves.2025], the last table)
    result = run_and_compare(runner, path, "2024", "2025")
    assert result.stderr.splitlines() == [
        "Warning: 2024 and 2025 were measured with different settings: unit column (by) 'Department' in 2024, "
        "'Section' in 2025; a change can come from the setting alone: run the wave that has the wrong one "
        "again with --replace"]


def two_questions(folder: Path, label: str, questions: dict[str, list]) -> list[str]:
    """One tie file per question, named after the question and the year (``advice-2024.csv``)."""
    (folder / label).mkdir(exist_ok=True)
    roster(folder / label / "roster.csv", ["id", "Department"])
    for question, pairs in questions.items():
        ties(folder / label / f"{question}-{label}.csv", pairs)
    return [f"{label}/{question}-{label}.csv" for question in questions]


def test_tie_files_named_after_their_year_are_the_same_two_questions(tmp_path, runner):
    """The survey asks the same two questions each year, and the analyst saves each answer sheet under
    its year: advice-2024.csv and collab-2024.csv, then advice-2025.csv and collab-2025.csv. Each file
    is a layer named after it; without the wave's own label the layers are `advice` and `collab` in
    both years, so no "different tie layers" warning (before: 'advice-2024, collab-2024' in 2024,
    'advice-2025, collab-2025' in 2025, "run again with --replace", which renames no file)."""
    collab = [["a4", "b4"], ["b4", "a4"]]
    waves = {w: ("%s/roster.csv" % w, two_questions(tmp_path, w, {"advice": ADVICE, "collab": collab}))
             for w in ("2024", "2025")}
    result = run_and_compare(runner, config(tmp_path, waves), "2024", "2025")
    assert result.stderr == ""
    with ona.open_history(tmp_path / "ona-history.db", read_only=True) as history:
        assert history.load("2025").measurement.parameters["layers"] == "advice-2025, collab-2025"


def test_a_question_asked_in_one_year_only_is_said_to_be_other_questions(tmp_path, runner):
    """2025 asks about trust instead of collaboration: the layers differ once the years are left out
    (advice, collab against advice, trust). That is a difference of questions, not of a setting a re-run
    could put right: the warning says so, and to run again only for a wave that misses a tie file."""
    waves = {"2024": ("2024/roster.csv", two_questions(tmp_path, "2024", {"advice": ADVICE, "collab": ADVICE})),
             "2025": ("2025/roster.csv", two_questions(tmp_path, "2025", {"advice": ADVICE, "trust": ADVICE}))}
    result = run_and_compare(runner, config(tmp_path, waves), "2024", "2025")
    assert result.stderr.splitlines() == [
        "Warning: 2024 and 2025 were measured on different questions: tie layers 'advice-2024, collab-2024' in "
        "2024, 'advice-2025, trust-2025' in 2025; a change can come from the questions alone (only when a wave "
        "misses a tie file: add it to the wave and run that wave again with --replace)"]


# --- 2. Waves in the order of time, whatever order they were stored in ----------------------------

def test_a_year_stored_after_later_years_is_listed_first_and_charted_first(tmp_path, runner):
    """The analyst starts with 2025 and 2026 and backfills 2024 from last year's files. The waves
    have 6, 7 and 8 ties (2025 adds b4 -> a4, 2026 also b3 -> a3). `ona history`, the Waves sheet of
    compare.xlsx and the trend charts of compare.html list them 2024, 2025, 2026 (before: 2025,
    2026, 2024, the order of storing, so that each chart's line ran back in time at its end)."""
    pairs = {"2024": ADVICE, "2025": [*ADVICE, ["b4", "a4"]], "2026": [*ADVICE, ["b4", "a4"], ["b3", "a3"]]}
    for label, wave in pairs.items():
        (tmp_path / label).mkdir()
        roster(tmp_path / label / "roster.csv", ["id", "Department"])
        ties(tmp_path / label / "ties.csv", wave)
    path = config(tmp_path, {w: (f"{w}/roster.csv", [f"{w}/ties.csv"]) for w in pairs})
    run_and_compare(runner, path, "2025", "2026", "2024", before="2025", after="2026")
    result = runner.invoke(cli, ["history", "--history", str(tmp_path / "ona-history.db")])
    assert result.exit_code == 0, result.output
    assert [(line.split()[0], line.split()[4]) for line in result.output.splitlines()[1:]] == \
        [("2024", "6"), ("2025", "7"), ("2026", "8")]
    from openpyxl import load_workbook

    book = load_workbook(tmp_path / "compare" / "compare.xlsx", read_only=True)
    assert [row[0] for row in book["Waves"].iter_rows(min_row=2, values_only=True)] == ["2024", "2025", "2026"]
    book.close()
    page = (tmp_path / "compare" / "compare.html").read_text(encoding="utf-8")
    trends = page[page.index("id='trends'"):]
    assert trends.index(">2024<") < trends.index(">2025<") < trends.index(">2026<")


@pytest.mark.parametrize("stored, listed", [
    (["2025", "2026", "2024"], ["2024", "2025", "2026"]),            # years
    (["2024-06", "2025", "2024"], ["2024", "2024-06", "2025"]),       # a year and a month of it
    (["2024-09-30", "2024-03-31"], ["2024-03-31", "2024-09-30"]),    # dates
    (["2024-25", "2023-24"], ["2023-24", "2024-25"]),                # school years
    (["10", "9"], ["9", "10"]),                                      # numbers, not text: 9 before 10
    (["spring", "autumn"], ["spring", "autumn"]),                    # only the analyst knows: as stored
    (["2025", "2024 pilot"], ["2025", "2024 pilot"]),                # one label no year: all as stored
])
def test_waves_are_listed_by_year_or_date_when_every_label_is_one(stored, listed):
    assert ona.history.wave_order(stored) == listed


# --- 3. The group of small units, when it holds other units the next year -------------------------

def test_a_group_of_small_units_holding_other_units_the_next_year_is_said_to(tmp_path, runner):
    """Under `min_group_size = 3` the units of fewer than 3 people merge into "Small units (< 3)". In
    2024 those are Legal (b1, b2) and Press (d1); in 2025 Legal has grown to 4 and Audit shrunk to
    2 (c1, c2), so the group is Audit and Press. Both years it has 3 people, but it is not one unit
    in both waves: the comparison says so on stderr, at the top of compare.html and in the Warnings
    sheet, naming the units (unit names are no personal data), and its row says "other units" (in
    the Units sheet; "— other units in 2024 and 2025" beside its name in compare.html), not "both"
    as if it were the same unit, with its E-I change shown but not tested (no interval, never
    meaningful). 2026 keeps 2025's units, so 2025 against 2026 warns of nothing and says "both"."""
    units = {"2024": {"Big": 4, "Legal": 2, "Audit": 4, "Press": 1},
             "2025": {"Big": 4, "Legal": 4, "Audit": 2, "Press": 1}}
    units["2026"] = units["2025"]
    letters = {"Big": "a", "Legal": "b", "Audit": "c", "Press": "d"}
    for label, sizes in units.items():
        (tmp_path / label).mkdir()
        people = [(f"{letters[u]}{i}", u) for u, n in sizes.items() for i in range(1, n + 1)]
        roster(tmp_path / label / "roster.csv", ["id", "Department"], people)
        ties(tmp_path / label / "ties.csv", [["a1", "a2"], ["a2", "b1"], ["c1", "d1"], ["d1", "c2"]])
    path = config(tmp_path, {w: (f"{w}/roster.csv", [f"{w}/ties.csv"]) for w in units},
                  extra="\n[privacy]\nmin_group_size = 3\n")
    result = run_and_compare(runner, path, "2024", "2025", "2026")
    warning = ("'Small units (< 3)' holds different units in 2024 (Legal, Press) and 2025 (Audit, Press): its "
               "figures describe the people of different units, so its row says 'other units' and its change is "
               "not tested")
    assert result.stderr.splitlines() == [f"Warning: {warning}"]
    with ona.open_history(tmp_path / "ona-history.db", read_only=True) as history:
        before, after = history.load("2024"), history.load("2025")
        c = ona.compare_waves(before, after, bootstraps=50)
        assert before.measurement.parameters["small_units"] == {"Small units (< 3)": ["Legal", "Press"]}
        same = ona.compare_waves(after, history.load("2026"), bootstraps=50)
    assert same.warnings == [] and same.units.loc["Small units (< 3)", "status"] == "both"
    # A 2024 stored by an earlier ona, which did not record the group's units: said too, with the way out.
    unrecorded = {k: v for k, v in before.measurement.parameters.items() if k != "small_units"}
    earlier = dataclasses.replace(before, measurement=dataclasses.replace(before.measurement, parameters=unrecorded))
    assert ona.compare_waves(earlier, after, bootstraps=0).warnings == [
        "'Small units (< 3)' may hold other units in 2024 and 2025: 2024 does not record which units it merged "
        "(stored by an earlier ona); store 2024 again with --replace to compare them"]
    group = c.units.loc["Small units (< 3)"]
    assert (group["headcount_before"], group["headcount_after"], group["status"]) == (3, 3, "other units")
    # E-I: 2024 Legal + Press are b1, b2, d1: a2 -> b1, c1 -> d1, d1 -> c2 all across, none inside: +1.
    # 2025 Audit + Press are c1, c2, d1: c1 -> d1 and d1 -> c2 inside, none across: -1. Change -2, untested.
    assert (group["ei_index_before"], group["ei_index_after"], group["ei_change"]) == (1, -1, -2)
    assert group["ei_change_meaningful"] is None and math.isnan(group["ei_change_low"])
    assert not pd.isna(same.units.loc["Small units (< 3)", "ei_change_low"])
    assert c.warnings == [warning]
    page = (tmp_path / "compare" / "compare.html").read_text(encoding="utf-8")
    assert "&#x27;Small units (&lt; 3)&#x27; holds different units in 2024 (Legal, Press) and 2025 (Audit, Press)" \
        in page
    assert "<td>Small units (&lt; 3) — other units in 2024 and 2025 (see Read this first)</td>" in page
    from openpyxl import load_workbook

    book = load_workbook(tmp_path / "compare" / "compare.xlsx", read_only=True)
    assert [row[0] for row in book["Warnings"].iter_rows(min_row=2, values_only=True)] == [warning]
    header, *rows = book["Units"].iter_rows(values_only=True)
    status = {row[0]: row[header.index("status")] for row in rows}  # (Audit joins the group in 2025, Legal leaves)
    assert status == {"Audit": "gone", "Big": "both", "Legal": "new", "Small units (< 3)": "other units"}
    book.close()
