"""Measuring by a column that is not a unit column (`--by Role`, `by = "Role"` in ona.toml, a
Line/Support flag): the column is read as the department column is. A blank cell is the unit
"(none)" with a `blank-unit` warning naming its row; "Caseworker" and "caseworker " are one unit
with a `unit-spellings` warning; a column of numbers or TRUE/FALSE has its units named by the
column. Every figure below is worked out by hand from the rows written here."""

from __future__ import annotations

import json

import pandas as pd

import ona
from ona.cli import cli
from ona.pipeline import analyze

from conftest import page_text, write_csv, write_xlsx

# Anna, Bo and Eva are caseworkers (Bo's cell "caseworker " in another case, with a space after
# it), Carl and Finn managers (Finn's "manager"); Dora's role is blank (row 5 of the file).
ROSTER = [["id", "Name", "Department", "Role"], ["1", "Anna", "A", "Caseworker"], ["2", "Bo", "A", "caseworker "],
          ["3", "Carl", "B", "Manager"], ["4", "Dora", "B", ""], ["5", "Eva", "B", "Caseworker"],
          ["6", "Finn", "A", "manager"]]
TIES = [["Source", "Target"], ["1", "2"], ["2", "5"], ["3", "6"], ["4", "1"], ["5", "3"]]
WARNINGS = [
    "roster.csv, row 5, column 'Role': the unit is blank; the person is counted in a unit named '(none)' [blank-unit]",
    "roster.csv, column 'Role': the unit 'Caseworker' is also written 'caseworker': read as one unit, named as "
    "first written [unit-spellings]",
    "roster.csv, column 'Role': the unit 'Manager' is also written 'manager': read as one unit, named as first "
    "written [unit-spellings]"]


def files(tmp_path):
    return write_csv(tmp_path / "roster.csv", ROSTER), write_csv(tmp_path / "ties.csv", TIES)


def test_analyze_by_role_counts_a_role_written_in_two_ways_as_one_and_says_so(runner, tmp_path):
    """Caseworker {1, 2, 5}, Manager {3, 6}, (none) {4}. Ties 1->2, 2->5 (caseworkers) and 3->6
    (managers) stay inside a role; 4->1 and 5->3 cross: 2 of 5 cross (40%), E-I (2 - 3) / 5 = -0.20.
    Read as written, "caseworker", "manager" and "" were units of their own: 5 units, every tie
    crossing (100%), E-I +1.00, and not a word said."""
    roster, ties = files(tmp_path)
    result = runner.invoke(cli, ["analyze", "--roster", str(roster), "--ties", str(ties), "--by", "Role",
                                 "--out", str(tmp_path / "out"), "--permutations", "0"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "Units:               3 (by Role)" in lines and "Cross-unit ties:     40% (2 of 5)" in lines
    assert "E-I index (org):     -0.20" in lines
    assert [line for line in result.stderr.splitlines() if line.startswith("Warning")] == [
        f"Warning: {w}" for w in WARNINGS]
    units = json.loads((tmp_path / "out" / "metrics.json").read_text(encoding="utf-8"))["units"]
    assert {u["unit"]: u["headcount"] for u in units} == {"(none)": 1, "Caseworker": 3, "Manager": 2}
    nodes = pd.read_csv(tmp_path / "out" / "nodes.csv", encoding="utf-8-sig", keep_default_na=False)
    assert nodes["Role"].tolist() == ["Caseworker", "Caseworker", "Manager", "(none)", "Caseworker", "Manager"]


def test_validate_by_role_says_what_analyze_says(runner, tmp_path):
    """The same three warnings, and the 3 units analyze measures (read as written: 5, no warning)."""
    roster, ties = files(tmp_path)
    result = runner.invoke(cli, ["validate", "--roster", str(roster), "--ties", str(ties), "--by", "role"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        *(f"Warning: {w}" for w in WARNINGS), "Read: roster.csv: 6 people, 3 units by Role",
        "Read: ties.csv: an edge list, 5 ties from 5 respondents, every tie weighing 1",
        "0 errors, 3 warnings in roster.csv, ties.csv: ready to analyse"]


def test_measure_by_role_in_python_has_the_same_groups(tmp_path):
    """measure(graph, by="Role") from read_roster and build_graph: the caseworkers' E-I is
    (2 - 2) / 4 = 0.00 (1->2, 2->5 inside; 4->1, 5->3 out), the managers' (1 - 1) / 2 = 0.00 (3->6;
    5->3), Dora's (1 - 0) / 1 = +1.00 (4->1). Read as written, Anna and Eva's "Caseworker" had 1->2,
    2->5, 4->1 and 5->3 all crossing, +1.00. The density inside Caseworker is 2 ties of the 3 x 2 = 6
    possible; the pipeline's roster carries the warnings, and its Role column the units."""
    roster_path, ties_path = files(tmp_path)
    roster = ona.read_roster(roster_path)
    graph = ona.build_graph(roster, ona.read_ties(ties_path, roster))
    result = ona.measure(graph, by="Role", permutations=0)
    assert result.units["ei_index"].to_dict() == {"(none)": 1.0, "Caseworker": 0.0, "Manager": 0.0}
    assert result.summary["ei_index"] == -0.2
    assert result.unit_matrix.loc["Caseworker", "Caseworker"] == 2 / 6
    assert result.people["unit"].tolist() == ["Caseworker", "Caseworker", "Manager", "(none)", "Caseworker",
                                              "Manager"]
    done = analyze(roster, ona.read_ties(ties_path, roster), by="Role", permutations=0)
    assert [str(w) for w in done.roster.warnings] == WARNINGS
    assert done.roster.people["Role"].tolist() == result.people["unit"].tolist()
    assert done.measurement.units["ei_index"].to_dict() == result.units["ei_index"].to_dict()


def test_roles_written_in_two_ways_are_one_role_before_small_ones_merge(tmp_path):
    """With a minimum group size of 3 the three caseworkers are a group of 3 and stay; the managers
    (2) and Dora (1) merge into "Small units (< 3)", 3 people. Read as written, Bo's "caseworker"
    and Finn's "manager" were small roles of their own, merged with people of other roles."""
    roster_path, ties_path = files(tmp_path)
    roster = ona.read_roster(roster_path)
    done = analyze(roster, ona.read_ties(ties_path, roster), by="Role", permutations=0, min_group_size=3)
    assert done.measurement.units["headcount"].to_dict() == {"Caseworker": 3, "Small units (< 3)": 3}
    assert sorted(done.merged_units) == ["(none)", "Manager"]


def test_a_line_support_flag_of_numbers_or_true_false_is_named_by_its_column(runner, tmp_path):
    """An Excel roster whose Line/Support column holds TRUE and FALSE (as Excel's booleans, and as the
    text "true") and whose Line column holds 1 and 0 (1, 1.0, and the text "0"). Each unit is named by
    its column: "Line = 1" {1, 2, 5}, "Line = 0" {3, 4, 6}. Line = 1 has 1->2 and 2->5 inside and
    4->1, 5->3 with the other unit: E-I (2 - 2) / 4 = 0.00; Line = 0 has 3->6 inside and the same two
    across: (2 - 1) / 3 = +0.33. Named "1" and "0", the finding read "1 is the most closed unit"."""
    roster = write_xlsx(tmp_path / "roster.xlsx", [["id", "Name", "Department", "Line/Support", "Line"],
                                                  ["1", "Anna", "A", True, 1], ["2", "Bo", "A", "true", 1.0],
                                                  ["3", "Carl", "B", False, 0], ["4", "Dora", "B", None, 0],
                                                  ["5", "Eva", "B", "TRUE", 1], ["6", "Finn", "A", False, "0"]])
    ties = write_csv(tmp_path / "ties.csv", TIES)
    read = ona.read_roster(roster)
    assert read.measured_by("Line/Support").people["Line/Support"].tolist() == [
        "Line/Support = TRUE", "Line/Support = TRUE", "Line/Support = FALSE", "(none)", "Line/Support = TRUE",
        "Line/Support = FALSE"]
    assert [(w.code, w.row, w.message) for w in read.measured_by("Line/Support").warnings] == [
        ("blank-unit", 5, "the unit is blank; the person is counted in a unit named '(none)'"),
        ("unit-spellings", None, "the unit 'Line/Support = TRUE' is also written 'true': read as one unit, named "
                                 "as first written")]
    result = runner.invoke(cli, ["analyze", "--roster", str(roster), "--ties", str(ties), "--by", "Line",
                                 "--out", str(tmp_path / "out"), "--permutations", "0"])
    assert result.exit_code == 0, result.output
    units = json.loads((tmp_path / "out" / "metrics.json").read_text(encoding="utf-8"))["units"]
    assert {u["unit"]: round(u["ei_index"], 2) for u in units} == {"Line = 0": 0.33, "Line = 1": 0.0}
    page = page_text(tmp_path / "out" / "index.html")
    assert "Line = 1 is the most closed unit (E-I 0.00: 2 ties inside, 2 with other units)" in page
    # A column of numbers that is the roster's unit column keeps its names (department codes).
    codes = ona.read_roster(write_csv(tmp_path / "codes.csv", [["id", "Department"], ["1", "4101"], ["2", "4102"]]))
    assert ona.measure(ona.build_graph(codes, pd.DataFrame({"source": ["1"], "target": ["2"]})),
                       permutations=0).units.index.tolist() == ["4101", "4102"]


def test_the_yearly_run_by_role_compares_the_same_roles_each_year(runner, tmp_path):
    """ona.toml measures by Role; 2024 is the roster above, 2025 writes Bo's role "CASEWORKER",
    makes Dora a caseworker and leaves Eva's role blank. Each wave has Caseworker (3), Manager (2)
    and (none) (1), which `ona compare` compares role by role. Read as written, 2024 had 5 roles and
    2025 4 (CASEWORKER its own), and the comparison paired none of the spellings."""
    for wave, rows in (("2024", ROSTER), ("2025", [ROSTER[0], ["1", "Anna", "A", "Caseworker"],
                                                   ["2", "Bo", "A", "CASEWORKER"], ["3", "Carl", "B", "Manager"],
                                                   ["4", "Dora", "B", "Caseworker"], ["5", "Eva", "B", ""],
                                                   ["6", "Finn", "A", "Manager"]])):
        (tmp_path / wave).mkdir()
        write_csv(tmp_path / wave / "roster.csv", rows)
        write_csv(tmp_path / wave / "ties.csv", TIES)
    config = tmp_path / "ona.toml"
    config.write_text('[measurement]\nby = "Role"\npermutations = 0\nhistory = "ona-history.db"\n'
                      'out = "report-{wave}"\n' + "".join(f'\n[waves.{w}]\nroster = "{w}/roster.csv"\n'
                                                         f'ties = ["{w}/ties.csv"]\n' for w in ("2024", "2025")),
                      encoding="utf-8")
    for wave in ("2024", "2025"):
        result = runner.invoke(cli, ["run", str(config), "--wave", wave])
        assert result.exit_code == 0, result.output
        assert "Units:               3 (by Role)" in result.stdout.splitlines()
    assert "Warning: roster.csv, column 'Role': the unit 'Caseworker' is also written 'CASEWORKER': read as one " \
        "unit, named as first written [unit-spellings]" in result.stderr.splitlines()
    with ona.open_history(tmp_path / "ona-history.db", read_only=True) as history:
        comparison = ona.compare_waves(history.load("2024"), history.load("2025"), bootstraps=20)
    units = comparison.units
    assert units.index.tolist() == ["(none)", "Caseworker", "Manager"]
    assert units["headcount_before"].tolist() == [1, 3, 2] and units["headcount_after"].tolist() == [1, 3, 2]
    assert comparison.warnings == []


def test_ona_map_says_the_warnings_analyze_says(runner, tmp_path):
    """`ona map` printed no warning at all: a blank Role, "Nurse" written "nurse", a co-work list
    read as one-way ties went unsaid on the command that draws them. It now says what analyze says."""
    from conftest import DATA, write_csv

    from ona.cli import cli

    roster = write_csv(tmp_path / "roster.csv", [["id", "Department", "Role"], ["a", "X", "Nurse"],
                                                  ["b", "X", "nurse"], ["c", "Y", ""]])
    ties = write_csv(tmp_path / "ties.csv", [["Source", "Target"], ["a", "b"], ["b", "c"], ["c", "a"]])
    result = runner.invoke(cli, ["map", "--roster", str(roster), "--ties", str(ties), "--by", "Role",
                                 "--out", str(tmp_path / "map.html")])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "Warning: roster.csv, row 4, column 'Role': the unit is blank; the person is counted in a unit named "
        "'(none)' [blank-unit]",
        "Warning: roster.csv, column 'Role': the unit 'Nurse' is also written 'nurse': read as one unit, named as "
        "first written [unit-spellings]"]
    law = DATA / "lazega"  # (../shared/data/lazega-lawfirm, as copied into the tests)
    result = runner.invoke(cli, ["map", "--roster", str(law / "nodes.csv"), "--ties", str(law / "edges_cowork.csv"),
                                 "--out", str(tmp_path / "law.html")])
    assert result.exit_code == 0, result.output
    assert [line.rsplit("[", 1)[-1] for line in result.stderr.splitlines()] == ["one-row-per-pair]"]
