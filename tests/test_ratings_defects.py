"""A municipality of four departments (Alpha 8 people, Beta 8, Gamma 3, Delta 2; Beta is a support
function) runs the yearly "how do the other units serve you?" survey. Each test is one thing that
went wrong for them: a hidden answer that could be worked out, a scale file that was ignored or
crashed, a sheet that crashed, answers filed under the wrong unit."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

import ona
from ona.cli import cli
from ona.ingest.ratings import read_ratings, read_scale
from ona.ingest.template import write_ratings_template
from ona.metrics.ratings import measure_ratings

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


def test_a_hidden_question_cell_cannot_be_worked_out_from_the_overall_cell(town, runner):
    """Alpha rates Beta: 3 people answer only "timely" (too few to show), 5 others only "clear".
    The overall cell Alpha -> Beta counts only the shown questions: it is the 5 "clear" answers,
    so overall and "clear" together say nothing of the 3 "timely" answers (with all 8 in it,
    8 x overall - 5 x clear would give their sum)."""
    alpha = ids("Alpha")
    rows = [["Respondent", "Rated unit", "timely", "clear"]]
    rows += [[p, "Beta", "Strongly disagree", ""] for p in alpha[:3]]
    rows += [[p, "Beta", "", "Agree"] for p in alpha[3:]]
    write_csv(town / "r.csv", rows)
    result = analyze(runner, town, "--ratings", str(town / "r.csv"))
    assert result.exit_code == 0, result.output
    cells = {c["measure"]: c for c in json.loads((town / "out" / "metrics.json").read_text("utf-8"))["rating_cells"]
             if (c["rater_unit"], c["rated_unit"]) == ("Alpha", "Beta")}
    assert (cells["timely"]["n"], cells["timely"]["mean"]) == (3, None)
    assert (cells["clear"]["n"], cells["clear"]["mean"]) == (5, 4.0)
    assert (cells["overall"]["n"], cells["overall"]["mean"]) == (5, 4.0)


def write_sheet(folder, header, answers, name="r.csv"):
    return write_csv(folder / name, [["My unit", "Rated unit", *header]] + [["Alpha", "Beta", *a] for a in answers])


def test_scale_file_names_match_the_questions_ignoring_case(tmp_path):
    """The sheet says "Timely" and "Blame"; the scale file "blame" and "timely". Blame is still
    reverse-coded (5 -> 1) and both questions still form the subscale (mean of 4 and 1)."""
    scale = tmp_path / "scale.toml"
    scale.write_text('[dimensions.blame]\nreverse = true\n[subscales]\ncommunication = ["timely", "BLAME"]\n')
    responses = read_ratings(write_sheet(tmp_path, ["Timely", "Blame"], [["4", "5"]] * 5), None,
                             scale=read_scale(scale))
    cells = measure_ratings(responses).cells
    assert dict(zip(cells["measure"], cells["mean"])) == {"Timely": 4.0, "Blame": 1.0, "communication": 2.5,
                                                          "overall": 2.5}


@pytest.mark.parametrize("body, message", [
    ("[dimensions.Blame]\nreversed = true\n",
     "s.toml: [dimensions.Blame] unknown key(s) reversed; known: labels, max, min, reverse, subscale"),
    ("[dimensions.blam]\nreverse = true\n",
     "s.toml: [dimensions.blam] names 'blam', which is no question of r.csv; its questions: Timely, Blame"),
    ('[subscales]\ncommunication = ["Timely", "Blme"]\n',
     "s.toml: [subscales] communication names 'Blme', which is no question of r.csv; its questions: Timely, Blame"),
])
def test_a_scale_file_key_that_changes_nothing_is_an_error(town, runner, body, message):
    """A misspelt key or a question the sheet does not have would leave the scores as they were."""
    write_sheet(town, ["Timely", "Blame"], [["4", "5"]] * 5)
    (town / "s.toml").write_text(body)
    result = analyze(runner, town, "--ratings", str(town / "r.csv"), "--scale", str(town / "s.toml"))
    assert (result.exit_code, result.stderr.splitlines()) == (2, [f"Error: {message}"])


@pytest.mark.parametrize("body, message", [
    ("[dimensions]\ntimely = 3", "[dimensions.timely] must be a section of the keys labels, max, min, reverse, "
                                 "subscale"),
    ("labels = 3", "[labels] must be a table of answer = score"),
    ('subscales = ["a"]', "subscales must be a table of <subscale> = [questions]"),
    ("[dimensions.timely]\nlabels = 4", "[dimensions.timely.labels] must be a table of answer = score"),
    ('[dimensions.timely]\nreverse = true\nmin = "a"', "[dimensions.timely] min must be a number"),
    ('[dimensions.timely]\nreverse = "yes"', "[dimensions.timely] reverse must be true or false"),
    ("[dimensions.timely]\nmin = 5\nmax = 1", "[dimensions.timely] min must be below max"),
    ("[subscales]\ncomm = 5", '[subscales] comm must be a list of texts, such as ["a", "b"]'),
    ("missing = 5", 'missing must be a list of texts, such as ["a", "b"]'),
    ("max = true", "max must be a number"),
])
def test_a_badly_formed_scale_file_is_one_line_naming_the_key(town, runner, body, message):
    write_sheet(town, ["timely"], [["4"]])
    (town / "s.toml").write_text(body + "\n")
    result = analyze(runner, town, "--ratings", str(town / "r.csv"), "--scale", str(town / "s.toml"))
    assert (result.exit_code, result.stderr.splitlines()) == (2, [f"Error: s.toml: {message}"])


@pytest.mark.parametrize("rows, message", [
    ([["My unit", "Rated unit", "timely"]], "r.csv, row 1: has no answers below its header [no-ratings]"),
    ([["My unit", "Rated unit", "timely"], ["Alpha", "Beta", "Don't know"], ["Alpha", "Beta", ""]],
     "r.csv, row 1: has no scored answer: every answer is blank or 'don't know' [no-ratings]"),
    ([["My unit", "Rated unit"], ["Alpha", "Beta"]],
     "r.csv, row 1: has no question columns beside the respondent and the rated unit [ratings-columns]"),
])
def test_a_sheet_without_a_scored_answer_is_an_error(town, runner, rows, message):
    """Nothing to measure is said as such; there is no report of empty tables."""
    write_csv(town / "r.csv", rows)
    result = analyze(runner, town, "--ratings", str(town / "r.csv"))
    assert (result.exit_code, result.stderr.splitlines()) == (2, [f"Error: {message}"])


def test_unit_column_problems_with_ratings_are_the_errors_without(town, runner):
    """--by names no roster column; a roster without a unit column: the errors of a tie-only run."""
    write_csv(town / "r.csv", [["Respondent", "Rated unit", "timely"], ["X0001", "Beta", "4"]])
    result = analyze(runner, town, "--ratings", str(town / "r.csv"), "--by", "Nope")
    assert (result.exit_code, result.stderr.splitlines()) == (2, [
        "Error: roster.csv, row 1: has no column 'Nope' to measure by; choose one of: 'Department', 'Function', "
        "'Role' [unknown-unit-column]"])
    write_csv(town / "roster.csv", [["Employee ID", "Name"], ["X0001", "Ann One"]])
    result = analyze(runner, town, "--ratings", str(town / "r.csv"))
    assert (result.exit_code, result.stderr.splitlines()) == (2, [
        "Error: roster.csv, row 1: the roster has no department or unit column; name one with --by (by= in Python) "
        "[no-unit-column]"])


def test_an_anonymous_respondents_own_unit_is_matched_to_the_roster(town, runner):
    """'alpha' is Alpha (10 respondents in one cell); a blank own unit or 'Alpha Unit' is an error
    with its cell, so no answer escapes the roster's units (and their small-unit merge)."""
    roster = ona.read_roster(town / "roster.csv")
    path = write_csv(town / "r.csv", [["My unit", "Rated unit", "timely"]] + [[u, "Beta", "4"] for u in
                                                                            ["Alpha"] * 5 + ["alpha"] * 5])
    cells = measure_ratings(read_ratings(path, roster)).cells
    assert cells[["rater_unit", "rated_unit", "n"]].drop_duplicates().values.tolist() == [["Alpha", "Beta", 10]]
    write_csv(town / "r.csv", [["My unit", "Rated unit", "timely"], ["Alpha", "Beta", "4"], ["", "Beta", "4"],
                               ["Alpha Unit", "Beta", "4"]])
    result = analyze(runner, town, "--ratings", str(town / "r.csv"))
    assert (result.exit_code, result.stderr.splitlines()) == (2, [
        "Error: r.csv, row 3, column 'My unit': is blank: the respondent's own unit is needed [unknown-unit]",
        "Error: r.csv, row 4, column 'My unit': names no unit of the roster [unknown-unit]"])


def test_a_number_outside_the_scale_is_not_a_score(town, runner):
    """44 and -7 on the default 1-5 scale are typing errors, named by cell; a scale file with
    min = 0 and max = 10 makes 0 and 10 scores."""
    write_sheet(town, ["timely"], [["44"], ["-7"], ["4"]])
    result = analyze(runner, town, "--ratings", str(town / "r.csv"))
    assert (result.exit_code, result.stderr.splitlines()) == (2, [
        f"Error: r.csv, row {r}, column 'timely': is a number outside the scale (1 to 5); if the scale is wider, "
        "set min and max in the scale file [bad-rating]" for r in (2, 3)])
    (town / "s.toml").write_text("min = 0\nmax = 10\n")
    responses = read_ratings(write_sheet(town, ["timely"], [["0"], ["10"]]), None, scale=read_scale(town / "s.toml"))
    assert responses.scores["score"].tolist() == [0.0, 10.0]


def test_missing_may_be_a_single_text(tmp_path):
    """missing = "Don't know" is the list ["Don't know"], not its letters."""
    (tmp_path / "s.toml").write_text('missing = "Don\'t know"\n')
    scale = read_scale(tmp_path / "s.toml")
    assert scale.missing == ("Don't know",)
    assert (scale.score("timely", "Don't know"), scale.score("timely", "o")) == ((None, "missing"), (None, "unknown"))


def test_units_whose_names_start_another_units_name_keep_their_answers(town, runner):
    """Units 'Building' and 'Building - Permits', 'IT' and 'IT: Support': the filled-in template
    files every column under the longest unit its header starts with. Each person answers
    "Agree" (4) about Building - Permits and IT: Support and "Disagree" (2) about the others."""
    roster_rows = [r.split(",") for r in (town / "roster.csv").read_text("utf-8").splitlines()]
    names = {"Alpha": "Building", "Beta": "Building - Permits", "Gamma": "IT: Support", "Delta": "IT"}
    write_csv(town / "roster.csv", [roster_rows[0]] + [r[:2] + [names[r[2]]] + r[3:] for r in roster_rows[1:]])
    assert runner.invoke(cli, ["template", "--roster", str(town / "roster.csv"), "--ratings", "--out",
                               str(town / "t.xlsx")]).exit_code == 0
    wb = load_workbook(town / "t.xlsx")
    sheet = wb["Responses"]
    headers = [c.value for c in sheet[1]]
    for r, row in enumerate(roster_rows[1:], start=2):
        sheet.cell(row=r, column=1, value=row[1])
        for j, h in enumerate(headers[1:], start=2):
            sheet.cell(row=r, column=j, value="Agree" if h.startswith(("Building - Permits –", "IT: Support –"))
                       else "Disagree")
    wb.save(town / "f.xlsx")
    responses = read_ratings(town / "f.xlsx", ona.read_roster(town / "roster.csv"))
    assert responses.dimensions == ("timely", "clear", "helpful", "goals", "respect")
    cells = measure_ratings(responses, min_group_size=1).cells
    overall = cells[cells["measure"] == "overall"].groupby("rated_unit")["mean"].agg(["min", "max"])
    assert overall.to_dict("index") == {"Building": {"min": 2.0, "max": 2.0},
                                        "Building - Permits": {"min": 4.0, "max": 4.0},
                                        "IT": {"min": 2.0, "max": 2.0}, "IT: Support": {"min": 4.0, "max": 4.0}}


def test_a_misspelt_unit_type_column_is_an_error(town, runner):
    write_csv(town / "r.csv", [["Respondent", "Rated unit", "timely"]] + [[p, "Gamma", "4"] for p in ids("Alpha")])
    result = analyze(runner, town, "--ties", str(town / "ties.csv"), "--ratings", str(town / "r.csv"),
                     "--unit-type-column", "Fnction")
    assert (result.exit_code, result.stderr.splitlines()) == (2, [
        "Error: roster.csv, row 1: has no column 'Fnction' for --unit-type-column (type_column= in Python); choose one "
        "of: 'Name', "
        "'Department', 'Function', 'Role' [unknown-unit-column]"])


def test_a_ratings_only_report_states_no_network_findings(town, runner):
    """Without tie data nothing is said about ties between units ("6 of the 6 pairs have no tie")."""
    write_csv(town / "r.csv", [["Respondent", "Rated unit", "timely"]] + [[p, "Gamma", "4"] for p in ids("Alpha")])
    result = analyze(runner, town, "--ratings", str(town / "r.csv"))
    assert result.exit_code == 0, result.output
    page = (town / "out" / "index.html").read_text("utf-8")
    assert "pairs of units" not in page and "span unit boundaries" not in page
    assert "<li>No tie data was given, so no network was measured; the rating survey&#x27;s findings are on the " \
           "ratings page.</li>" in page


def test_the_ratings_template_asks_the_questions_given(town):
    """write_ratings_template(questions=...) writes one column per unit and given question."""
    roster = ona.read_roster(town / "roster.csv")
    write_ratings_template(roster, town / "t.xlsx", questions=["Is this unit fun?"])
    headers = [c.value for c in load_workbook(town / "t.xlsx")["Responses"][1]]
    assert headers == ["Respondent"] + [f"{u} – Is this unit fun?" for u in sorted(UNITS)]


def test_the_ratings_template_asks_the_questions_given_on_the_command_line(town, runner):
    out = town / "ratings.xlsx"
    res = runner.invoke(cli, ["template", "--roster", str(town / "roster.csv"), "--ratings", "--question",
                              "Answers on time", "--question", "Explains decisions", "--out", str(out)])
    assert res.exit_code == 0, res.output
    texts = {str(c.value) for ws in load_workbook(out).worksheets for row in ws.iter_rows() for c in row if c.value}
    assert any("Answers on time" in t for t in texts) and any("Explains decisions" in t for t in texts)
