"""Survey tools write a frequency question's answers as words ("Weekly"), and Google Forms writes a
grid question (one row per colleague) as one column per colleague, ``Question [Colleague]``. An
analyst gives each answer its number once (``--weight-labels``) and reads the export as it came.

Expected ties are worked out by hand from the rows written in each test."""

from __future__ import annotations

import json

import pytest

import ona
from ona.cli import cli
from ona.errors import InputError

from conftest import write_csv, write_xlsx

FREQUENCY = {"Daily": 5, "Weekly": 4, "Monthly": 3, "Less often": 1, "Never": 0}


def people(tmp_path):
    return ona.read_roster(write_csv(tmp_path / "roster.csv", [
        ["id", "name", "email", "department"], ["A", "Ann Berg", "ann@kommune.example", "HR"],
        ["B", "Bo Dahl", "bo@kommune.example", "HR"], ["C", "Cy Holm", "cy@kommune.example", "IT"],
        ["D", "Di Lund", "di@kommune.example", "IT"]]))


def labels_file(tmp_path, text=None):
    path = tmp_path / "frequency.toml"
    path.write_text(text or "".join(f'"{answer}" = {number}\n' for answer, number in FREQUENCY.items()),
                    encoding="utf-8")
    return path


def pairs(ties):
    return sorted(zip(ties.ties["layer"], ties.ties["source"], ties.ties["target"], ties.ties["weight"]))


def test_answers_written_as_words_are_read_as_the_numbers_given(tmp_path):
    """Weekly is 4, "  daily " is Daily (case and spaces ignored) 5, a number stays a number, and
    Never (0) is no tie: left out as a weight of 0."""
    ties_path = write_csv(tmp_path / "ties.csv", [["Respondent", "Colleague", "How often"], ["A", "B", "Weekly"],
                                                  ["A", "C", "  daily "], ["B", "C", "Never"], ["C", "D", "2"]])
    for labels in (FREQUENCY, labels_file(tmp_path)):
        ties = ona.read_ties(ties_path, people(tmp_path), weight_labels=labels)
        assert pairs(ties) == [("", "A", "B", 4.0), ("", "A", "C", 5.0), ("", "C", "D", 2.0)]
        assert ties.dropped == {"zero-weight": 1} and ties.weight_labels == {k: float(v) for k, v in FREQUENCY.items()}


def test_without_the_labels_a_word_is_an_error_that_says_how_to_give_them(tmp_path):
    ties_path = write_csv(tmp_path / "ties.csv", [["Respondent", "Colleague", "How often"], ["A", "B", "Weekly"],
                                                  ["A", "C", "n.a."], ["B", "C", "3"]])
    with pytest.raises(InputError) as raised:
        ona.read_ties(ties_path, people(tmp_path))
    assert [(p.row, p.code) for p in raised.value.problems] == [(2, "bad-weight"), (3, "bad-weight")]
    assert raised.value.problems[0].message.startswith(
        "the weight is a word, not a number (a survey tool's answer, such as Weekly?); give each answer its number "
        "with --weight-labels FILE.toml (weight_labels= in Python)")
    assert raised.value.problems[1].message == "the weight is not a number; write a number such as 1-5"
    with pytest.raises(InputError) as raised:  # (with labels: an answer they do not give is named as such)
        ona.read_ties(ties_path, people(tmp_path), weight_labels={"Weekly": 4})
    assert [(p.row, p.code) for p in raised.value.problems] == [(3, "bad-weight")]
    assert "neither a number nor one of the answers of the weight labels ('Weekly')" in raised.value.problems[0].message


@pytest.mark.parametrize("text, message", [
    ('"Daily" = "five"\n', "frequency.toml: the answer 'Daily' must have a number of 0 or more (0 for no tie), not 'five'"),
    ('"Daily" = -1\n', "the answer 'Daily' must have a number of 0 or more"),
    ('"Daily" = 5\n"daily" = 4\n', "the answer 'daily' is given twice, with different numbers"),
    ('Daily = [5\n', "frequency.toml: is not a readable TOML file of answers and their numbers"),
])
def test_a_labels_file_that_is_wrong_is_refused_with_the_answer_named(tmp_path, text, message):
    ties_path = write_csv(tmp_path / "ties.csv", [["Respondent", "Colleague", "How often"], ["A", "B", "Daily"]])
    with pytest.raises(InputError) as raised:
        ona.read_ties(ties_path, people(tmp_path), weight_labels=labels_file(tmp_path, text))
    assert raised.value.problems[0].code == "bad-labels" and message in str(raised.value.problems[0])


def test_a_rating_scale_file_gives_the_numbers_of_its_labels_too(tmp_path):
    """A scale file of `ona analyze --scale` ([labels] with missing answers beside) is read for its labels."""
    scale = labels_file(tmp_path, 'missing = ["Don\'t know"]\n[labels]\n"Rarely" = 1\n"Often" = 4\n')
    ties_path = write_csv(tmp_path / "ties.csv", [["Respondent", "Colleague", "How often"], ["A", "B", "Often"],
                                                  ["B", "A", "Rarely"]])
    assert pairs(ona.read_ties(ties_path, people(tmp_path), weight_labels=scale)) == [
        ("", "A", "B", 4.0), ("", "B", "A", 1.0)]


GRID = [["Timestamp", "Email Address", "How often do you work with them? [Ann Berg]",
         "How often do you work with them? [Bo Dahl]", "How often do you work with them? [Cy Holm]"],
        ["2024/03/01 10:00:00 AM GMT+1", "ann@kommune.example", "", "Weekly", "Monthly"],
        ["2024/03/01 11:00:00 AM GMT+1", "bo@kommune.example", "Daily", "", "Never"],
        ["2024/03/02 09:12:44 AM GMT+1", "di@kommune.example", "", "", ""]]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_google_forms_grid_question_is_read_as_respondents_by_colleagues(tmp_path, suffix):
    """Ann answered Weekly for Bo and Monthly for Cy; Bo Daily for Ann and Never for Cy (no tie); Di
    answered and named no one. The respondent is the export's email column, not its timestamp."""
    path = tmp_path / f"responses{suffix}"
    (write_csv if suffix == ".csv" else write_xlsx)(path, GRID)
    ties = ona.read_ties(path, people(tmp_path), weight_labels=FREQUENCY)
    assert pairs(ties) == [("", "A", "B", 4.0), ("", "A", "C", 3.0), ("", "B", "A", 5.0)]
    assert ties.shape == "matrix" and ties.respondents == ("A", "B", "D")
    assert ties.weight_column == "How often do you work with them?" and ties.dropped == {"zero-weight": 1}


def test_several_grid_questions_are_layers_and_a_colleague_not_in_the_roster_is_named(tmp_path):
    """Two grid questions (advice, trust) are two layers; "Ed Moss" is in no roster: an error at his
    column's header (by letter: a header holds a name), as for a matrix."""
    rows = [["Email Address", "Advice [Bo Dahl]", "Advice [Cy Holm]", "Trust [Bo Dahl]", "Trust [Ed Moss]"],
            ["ann@kommune.example", "3", "", "5", ""], ["cy@kommune.example", "1", "", "", ""]]
    path = write_csv(tmp_path / "grid.csv", rows)
    ties = ona.read_ties(path, people(tmp_path), combine="sum")
    assert ties.layers == ("Advice", "Trust")
    assert sorted(zip(ties.ties["source"], ties.ties["target"], ties.ties["weight"])) == [
        ("A", "B", 8.0), ("C", "B", 1.0)]
    assert pairs(ona.read_ties(path, people(tmp_path), layer="Trust")) == [("Trust", "A", "B", 5.0)]
    rows[1][4] = "2"
    with pytest.raises(InputError) as raised:
        ona.read_ties(write_csv(tmp_path / "grid2.csv", rows), people(tmp_path))
    assert [(p.row, p.column, p.code) for p in raised.value.problems] == [(1, "E", "unknown-person")]


def test_the_analyst_reads_a_forms_export_with_its_answers_from_the_command_line(tmp_path, runner):
    """`ona analyze --weight-labels frequency.toml`: the report states the numbers the answers were
    read as; ona init writes the file into ona.toml, and ona run reads it from there."""
    roster = write_csv(tmp_path / "roster.csv", [["id", "name", "email", "department"],
                                                 ["A", "Ann Berg", "ann@kommune.example", "HR"],
                                                 ["B", "Bo Dahl", "bo@kommune.example", "HR"],
                                                 ["C", "Cy Holm", "cy@kommune.example", "IT"]])
    responses = write_csv(tmp_path / "responses.csv", GRID[:3])
    labels = labels_file(tmp_path)
    out = tmp_path / "report"
    result = runner.invoke(cli, ["--silent", "analyze", "--roster", str(roster), "--ties", str(responses),
                                 "--weight-labels", str(labels), "--out", str(out)])
    assert result.exit_code == 0, result.output
    parameters = json.loads((out / "metrics.json").read_text(encoding="utf-8"))["parameters"]
    assert parameters["weight_labels"] == "Daily = 5, Weekly = 4, Monthly = 3, Less often = 1, Never = 0"
    assert parameters["weight"] == "How often do you work with them?" and parameters["tie_shape"] == "matrix"
    assert "Note: 1 tie row left out (zero-weight)" in result.stderr
    config = tmp_path / "ona.toml"
    made = runner.invoke(cli, ["init", "--roster", str(roster), "--ties", str(responses), "--weight-labels",
                               str(labels), "--out", str(config)])
    assert made.exit_code == 0, made.output
    assert 'weight_labels = "frequency.toml"' in config.read_text(encoding="utf-8")
    run = runner.invoke(cli, ["--silent", "run", str(config), "--wave", "2025", "--no-history"])
    assert run.exit_code == 0, run.output
    stored = json.loads((tmp_path / "report-2025" / "metrics.json").read_text(encoding="utf-8"))
    assert stored["summary"]["ties"] == 3 and stored["parameters"]["weight_labels"] == parameters["weight_labels"]


def test_a_survey_export_with_a_column_per_colleague_headed_by_the_name_alone(tmp_path):
    """An export whose grid question came out as one column per colleague headed by the colleague's
    name alone, beside the tool's columns (ID, start and completion time, the respondent's email and
    name): the respondent is the email, the respondent's own Name column is no colleague, and each
    answer is a tie to the column's colleague."""
    rows = [["ID", "Start time", "Completion time", "Email", "Name", "Ann Berg", "Bo Dahl", "Cy Holm"],
            ["1", "3/1/24 10:00:00", "3/1/24 10:05:00", "ann@kommune.example", "Ann Berg", "", "Weekly", "Monthly"],
            ["2", "3/1/24 11:00:00", "3/1/24 11:03:00", "bo@kommune.example", "Bo Dahl", "Daily", "", ""]]
    ties = ona.read_ties(write_csv(tmp_path / "export.csv", rows), people(tmp_path), weight_labels=FREQUENCY)
    assert pairs(ties) == [("", "A", "B", 4.0), ("", "A", "C", 3.0), ("", "B", "A", 5.0)]
    assert ties.respondents == ("A", "B") and ties.weight_column == "answers in the colleagues' columns"


def test_validate_says_what_it_read_so_the_analyst_can_check_the_shape(tmp_path, runner):
    """Before the summary, a line per file read: the shape detected, how many ties from how many
    respondents, the weight column, the layers, the dates and window (counts and headers only).
    --json gives the same under "read"."""
    roster = write_csv(tmp_path / "roster.csv", [["id", "name", "email", "department"],
                                                 ["A", "Ann Berg", "ann@kommune.example", "HR"],
                                                 ["B", "Bo Dahl", "bo@kommune.example", "HR"],
                                                 ["C", "Cy Holm", "cy@kommune.example", "IT"]])
    grid = write_csv(tmp_path / "responses.csv", [
        ["Email Address", "Advice [Bo Dahl]", "Advice [Cy Holm]", "Trust [Bo Dahl]"],
        ["ann@kommune.example", "Weekly", "", "Daily"], ["cy@kommune.example", "Monthly", "", ""]])
    log = write_csv(tmp_path / "log.csv", [["From", "To", "Date"], ["A", "B", "2024-03-01"], ["B", "C", "2025-02-01"]])
    command = ["validate", "--roster", str(roster), "--ties", str(grid), "--ties", str(log),
               "--weight-labels", str(labels_file(tmp_path))]
    result = runner.invoke(cli, command)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Read: roster.csv: 3 people, 2 units by department",
        "Read: responses.csv: a matrix (respondents by colleagues), 3 ties from 2 respondents, weighted by answers "
        "of the grid questions, 2 layers",
        "Read: log.csv: an edge list, 2 ties from 2 respondents, every tie weighing 1, dated by Date (2024-03-01 to "
        "2025-02-01)",
        "0 errors, 0 warnings in roster.csv, responses.csv, log.csv: ready to analyse"]
    windowed = runner.invoke(cli, ["validate", "--roster", str(roster), "--ties", str(log), "--ties-until", "2025-01-01"])
    assert windowed.stdout.splitlines()[-2] == (
        "Read: log.csv: an edge list, 1 tie from 1 respondent, every tie weighing 1, dated by Date (2024-03-01 to "
        "2024-03-01), only the ties dated before 2025-01-01")
    report = json.loads(runner.invoke(cli, [*command, "--json"]).stdout)
    assert [(r["kind"], r["file"], r.get("shape"), r.get("ties")) for r in report["read"]] == [
        ("roster", "roster.csv", None, None), ("ties", "responses.csv", "matrix", 3), ("ties", "log.csv", "edges", 2)]
    assert report["read"][1]["layers"] == ["Advice", "Trust"]


def test_numbered_questions_of_a_survey_export_are_no_colleagues_of_a_numbered_roster(tmp_path):
    """A roster whose ids are 1, 2, 3 and a survey export whose questions are numbered 1 and 2 (with
    their answers in the cells): the headers name questions, not people, so the sheet is no grid
    (here a wide sheet whose colleague column lists names)."""
    people = ona.read_roster(write_csv(tmp_path / "roster.csv", [
        ["id", "name", "department"], ["1", "Ann Berg", "HR"], ["2", "Bo Dahl", "HR"], ["3", "Cy Holm", "IT"]]))
    path = write_csv(tmp_path / "export.csv", [["Start time", "Completion time", "Name", "1", "2", "Colleagues"],
                                               ["x", "y", "Ann Berg", "Weekly", "5", "Bo Dahl; Cy Holm"]])
    ties = ona.read_ties(path, people)
    assert ties.shape == "wide"
    assert sorted(zip(ties.ties["source"], ties.ties["target"])) == [("1", "2"), ("1", "3")]
