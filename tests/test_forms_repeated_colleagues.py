"""A colleague who heads two columns of a tie sheet.

Microsoft Forms exports a Likert question one column per statement, headed by the statement alone
(the question's own text is not exported). A survey that asks two Likert questions about the same
colleagues ("How often do you work with ..." and "How often do you ask ... for advice") therefore
comes out with every colleague's name heading two columns. ona reads them as two questions, a
layer each, and says so. In a plain adjacency matrix a person with two columns is a mistake in the
sheet, and ona says where.

Expected ties are worked out by hand from the rows written in each test: (layer, source, target,
weight), people by roster id."""

from __future__ import annotations

import pytest

import ona
from ona.cli import cli

from conftest import write_csv, write_xlsx

FREQUENCY = {"Daily": 5, "Weekly": 4, "Monthly": 3}
FORMS = ["ID", "Start time", "Completion time", "Email", "Name"]


@pytest.fixture
def roster(tmp_path):
    return ona.read_roster(write_csv(tmp_path / "roster.csv", [
        ["id", "name", "email", "department"], ["A", "Ann Berg", "ann@kommune.example", "HR"],
        ["B", "Bo Dahl", "bo@kommune.example", "HR"], ["C", "Cy Holm", "cy@kommune.example", "IT"]]))


def forms_export(tmp_path, second_question=("Ann Berg", "Bo Dahl", "Cy Holm")):
    """Two Likert questions about the same colleagues (columns F-H, then I-K; the second may list
    fewer): Ann works with Bo weekly and Cy monthly, and asks Cy for advice daily; Bo works with
    Ann daily and asks Ann for advice monthly."""
    first = ["Ann Berg", "Bo Dahl", "Cy Holm"]
    answers = {"Ann Berg": {"Cy Holm": "Daily"}, "Bo Dahl": {"Ann Berg": "Monthly"}}
    rows = [FORMS + first + list(second_question),
            ["1", "3/1/24 10:00:00", "3/1/24 10:05:00", "ann@kommune.example", "Ann Berg", "", "Weekly", "Monthly",
             *[answers["Ann Berg"].get(c, "") for c in second_question]],
            ["2", "3/1/24 11:00:00", "3/1/24 11:03:00", "bo@kommune.example", "Bo Dahl", "Daily", "", "",
             *[answers["Bo Dahl"].get(c, "") for c in second_question]]]
    return write_xlsx(tmp_path / "forms.xlsx", rows)


def ties_of(ties):
    return sorted(zip(ties.ties["layer"], ties.ties["source"], ties.ties["target"], ties.ties["weight"]))


def each_layer(path, roster):
    """The ties of each question read alone (``read_ties(layer=...)``, ``--layer``)."""
    layers = ona.read_ties(path, roster, weight_labels=FREQUENCY).layers
    return sorted(tie for layer in layers
                  for tie in ties_of(ona.read_ties(path, roster, weight_labels=FREQUENCY, layer=layer)))


def test_two_likert_questions_about_the_same_colleagues_are_two_layers(roster, tmp_path):
    path = forms_export(tmp_path)
    assert ona.read_ties(path, roster, weight_labels=FREQUENCY).layers == ("question 1", "question 2")
    assert each_layer(path, roster) == [("question 1", "A", "B", 4.0), ("question 1", "A", "C", 3.0), ("question 1", "B", "A", 5.0),
                             ("question 2", "A", "C", 5.0), ("question 2", "B", "A", 3.0)]
    assert ties_of(ona.read_ties(path, roster, weight_labels=FREQUENCY, layer="question 2")) == [
        ("question 2", "A", "C", 5.0), ("question 2", "B", "A", 3.0)]


def test_the_analyst_is_told_which_columns_went_to_which_question(roster, tmp_path, runner):
    """ona validate: a warning at the header row giving each question's columns by letter (never a
    colleague's name), and the two layers in the summary of what was read."""
    path = forms_export(tmp_path)
    labels = tmp_path / "frequency.toml"
    labels.write_text('Daily = 5\nWeekly = 4\nMonthly = 3\n', encoding="utf-8")
    roster_file = tmp_path / "roster.csv"
    result = runner.invoke(cli, ["validate", "--roster", str(roster_file), "--ties", str(path),
                                 "--weight-labels", str(labels)])
    assert result.exit_code == 0, result.output
    warning = [line for line in result.stdout.splitlines() if "[repeated-colleagues]" in line]
    assert len(warning) == 1
    assert warning[0].startswith("Warning: forms.xlsx, sheet 'Sheet1', row 1: colleagues head more than one column "
                                 "each: read as 2 questions, layers 'question 1' (F-H) and 'question 2' (I-K)")
    assert not any(name in warning[0] for name in ("Ann Berg", "Bo Dahl", "Cy Holm"))
    assert "5 ties from 2 respondents, weighted by answers of the grid questions, 2 layers" in result.stdout


def test_a_second_question_about_fewer_colleagues_takes_only_their_columns(roster, tmp_path):
    """The second question lists Cy alone (column I): Ann's daily answer there is its only tie."""
    path = forms_export(tmp_path, second_question=("Cy Holm",))
    assert each_layer(path, roster) == [("question 1", "A", "B", 4.0), ("question 1", "A", "C", 3.0),
                                        ("question 1", "B", "A", 5.0), ("question 2", "A", "C", 5.0)]
    notes = ona.read_ties(path, roster, weight_labels=FREQUENCY).warnings
    assert "'question 2' (I)," in next(p.message for p in notes if p.code == "repeated-colleagues")


def test_a_matrix_with_a_person_in_two_columns_is_an_error_at_the_second(roster, tmp_path, runner):
    """Bo heads columns C and D of an adjacency matrix: an error at the header row, column D, that
    names column C and not Bo; ona validate exits 1."""
    path = write_csv(tmp_path / "matrix.csv", [["", "Ann Berg", "Bo Dahl", "Bo Dahl"], ["Ann Berg", "", "2", "3"],
                                               ["Cy Holm", "1", "", ""]])
    with pytest.raises(ona.InputError) as raised:
        ona.read_ties(path, roster)
    [problem] = raised.value.problems
    assert (problem.code, problem.row, problem.column) == ("repeated-person-column", 1, "D")
    assert "repeats that of column C" in problem.message and "Bo" not in problem.message
    result = runner.invoke(cli, ["validate", "--roster", str(tmp_path / "roster.csv"), "--ties", str(path)])
    assert result.exit_code == 1 and "[repeated-person-column]" in result.stdout
