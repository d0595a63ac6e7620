"""Tie sheets an exploratory tester found read as the wrong network: Nordic headers, survey-tool
exports, misspelt colleague columns and ambiguous "Last, First" names in list cells."""

from __future__ import annotations

import datetime as dt

import pytest

import ona
from conftest import write_csv, write_xlsx


def ties_of(ties) -> list[tuple[str, str, float]]:
    return sorted((s, t, w) for s, t, w in ties.ties[["source", "target", "weight"]].itertuples(index=False))


def where(error) -> list[tuple[int | None, str | None, str]]:
    return [(p.row, p.column, p.code) for p in error.value.problems]


@pytest.fixture
def numbered_roster(tmp_path):
    """A Danish municipality's roster whose ids are 1..6: numbers a weight column also holds."""
    return ona.read_roster(write_csv(tmp_path / "roster.csv", [
        ["Medarbejdernr", "Navn", "E-mail", "Afdeling"], ["1", "Mette Hansen", "mh@k.dk", "A"],
        ["2", "Per Jensen", "pj@k.dk", "A"], ["3", "Anna Berg", "ab@k.dk", "B"], ["4", "Lars Nielsen", "ln@k.dk", "B"],
        ["5", "Eva Holm", "eh@k.dk", "C"], ["6", "Ole Dahl", "od@k.dk", "C"]]))


# 1. Danish, Swedish and Norwegian headers.
@pytest.mark.parametrize("header", [["Fra", "Til", "Vægt"], ["Från", "Till", "Vikt"], ["Fra", "Til", "Vekt"]],
                         ids=["danish", "swedish", "norwegian"])
def test_a_nordic_edge_list_is_an_edge_list_with_its_weights(numbered_roster, tmp_path, header):
    path = write_csv(tmp_path / "ties.csv", [header, ["1", "2", "3"], ["3", "4", "1"], ["4", "1", "2"]])
    ties = ona.read_ties(path, numbered_roster)
    assert ties.shape == "edges" and ties.weight_column == header[2]
    assert ties_of(ties) == [("1", "2", 3.0), ("3", "4", 1.0), ("4", "1", 2.0)]


@pytest.mark.parametrize("colleague,often", [("Kollega", "Hvor ofte"), ("Kollega", "Hur ofta"),
                                             ("Kollega", "Hyppighed"), ("Colleague", "Frequency")])
def test_frequencies_under_nordic_headers_are_weights_not_colleagues(numbered_roster, tmp_path, colleague, often):
    """The frequencies 3-6 are also roster ids: read as colleagues they made eight ties, no weights."""
    path = write_xlsx(tmp_path / "wide.xlsx", [
        ["Respondent", f"{colleague} 1", f"{often} 1", f"{colleague} 2", f"{often} 2"],
        ["mh@k.dk", "ab@k.dk", 4, "eh@k.dk", 6], ["pj@k.dk", "ln@k.dk", 3, "od@k.dk", 5]])
    ties = ona.read_ties(path, numbered_roster)
    assert ties.shape == "wide"
    assert ties_of(ties) == [("1", "3", 4.0), ("1", "5", 6.0), ("2", "4", 3.0), ("2", "6", 5.0)]


# 2. Survey-tool exports.
START = dt.datetime(2025, 3, 1, 9, 0)
FORMS_HEADERS = {
    "english": ["ID", "Start time", "Completion time", "Email", "Name"],
    "english, newer": ["ID", "Start time", "Completion time", "Email", "Name", "Last modified time"],
    "danish": ["Id", "Starttidspunkt", "Klokkeslæt for fuldførelse", "Mail", "Navn"],
    "danish, newer": ["Id", "Starttidspunkt", "Fuldførelsestidspunkt", "Mail", "Navn"],
    "swedish": ["ID", "Starttid", "Tid för slutförande", "E-post", "Namn"],
}
FORMS_TIES = [("2", "1", 1.0), ("2", "3", 1.0), ("3", "4", 1.0), ("4", "1", 1.0), ("4", "2", 1.0)]


@pytest.fixture
def forms_roster(tmp_path):
    return ona.read_roster(write_xlsx(tmp_path / "roster.xlsx", [
        ["ID", "Name", "Email", "Department"], ["1", "Mette Hansen", "mh@k.dk", "A"],
        ["2", "Per Jensen", "pj@k.dk", "A"], ["3", "Anna Berg", "ab@k.dk", "B"],
        ["4", "Lars Nielsen", "ln@k.dk", "B"]]))


def forms_export(path, headers, questions=("Who do you work with?",), answers=None):
    """A Microsoft Forms export: response number, times, the respondent's email and name, the questions.
    The response numbers 1-3 are also roster ids."""
    answers = answers or [["Mette Hansen;Per Jensen;"], ["Lars Nielsen;"], ["Mette Hansen;Anna Berg;"]]
    people = [("ln@k.dk", "Lars Nielsen"), ("ab@k.dk", "Anna Berg"), ("pj@k.dk", "Per Jensen")]
    rows = [[*headers, *questions]]
    for number, ((mail, name), cells) in enumerate(zip(people, answers), start=1):
        rows.append([number, START, START, mail, name, *([START] if len(headers) == 6 else []), *cells])
    return write_xlsx(path, rows)


@pytest.mark.parametrize("language", FORMS_HEADERS)
def test_a_forms_export_is_read_as_the_people_who_answered(forms_roster, tmp_path, language):
    """The respondent is the Email column; the response number, times and the respondent's own
    name are never colleagues (they made self-ties and ties from response 1, 2, 3)."""
    ties = ona.read_ties(forms_export(tmp_path / "forms.xlsx", FORMS_HEADERS[language]), forms_roster)
    assert ties.shape == "wide" and sorted(ties.respondents) == ["2", "3", "4"]
    assert ties_of(ties) == FORMS_TIES and ties.dropped == {}


def test_naming_the_email_column_of_a_forms_export_leaves_no_tie_to_a_response_number(forms_roster, tmp_path):
    ties = ona.read_ties(forms_export(tmp_path / "forms.xlsx", FORMS_HEADERS["english"]), forms_roster,
                         source_column="Email")
    assert ties_of(ties) == FORMS_TIES and ties.dropped == {}


def test_target_column_picks_the_question_of_a_wide_sheet(forms_roster, tmp_path):
    """Two questions: --target-column reads one (its cells list several colleagues), with or
    without --source-column; without it both are read."""
    path = forms_export(tmp_path / "forms.xlsx", FORMS_HEADERS["english"], ("Advice from?", "Lunch with?"),
                        [["Mette Hansen;Per Jensen;", "Anna Berg"], ["Lars Nielsen;", ""],
                         ["Anna Berg", "Lars Nielsen"]])
    advice = [("2", "3", 1.0), ("3", "4", 1.0), ("4", "1", 1.0), ("4", "2", 1.0)]
    assert ties_of(ona.read_ties(path, forms_roster, target_column="Advice from?")) == advice
    assert ties_of(ona.read_ties(path, forms_roster, source_column="Email", target_column="Advice from?")) == advice
    assert ties_of(ona.read_ties(path, forms_roster)) == sorted(advice + [("2", "4", 1.0), ("4", "3", 1.0)])


# 3. A colleague column is one by its header, not only by how many of its cells match.
@pytest.fixture
def small_roster(tmp_path):
    return ona.read_roster(write_csv(tmp_path / "roster.csv", [
        ["ID", "Name", "Department"], ["1", "Mette Hansen", "A"], ["2", "Per Jensen", "A"], ["3", "Anna Berg", "B"],
        ["4", "Lars Nielsen", "B"], ["5", "Eva Holm", "C"]]))


def test_misspelt_names_in_a_colleague_column_are_errors_not_a_dropped_column(small_roster, tmp_path):
    path = write_xlsx(tmp_path / "wide.xlsx", [
        ["Respondent", "Colleague 1", "Colleague 2", "Colleague 3", "Comments"],
        ["1", "Per Jensen", "Anna Berg", "Lars Nilsen", "busy month"],
        ["2", "Anna Berg", "Lars Nielsen", "Eva Holmm", ""], ["3", "Eva Holm", "Mette Hansen", "Per Jensen", "ok"]])
    with pytest.raises(ona.InputError) as err:
        ona.read_ties(path, small_roster)
    assert where(err) == [(2, "Colleague 3", "unknown-person"), (3, "Colleague 3", "unknown-person")]
    ties = ona.read_ties(path, small_roster, drop_unknown=True)
    assert ("3", "2", 1.0) in ties_of(ties) and ties.dropped == {"unknown-person": 2}


def test_a_numbered_column_beside_colleague_columns_of_its_stem_is_one(small_roster, tmp_path):
    """"Person 1" and "Person 2" name roster people; "Person 3", mostly misspelt, is read with them."""
    path = write_xlsx(tmp_path / "wide.xlsx", [
        ["Respondent", "Person 1", "Person 2", "Person 3"], ["1", "Per Jensen", "Anna Berg", "Lars Nilsen"],
        ["2", "Anna Berg", "Lars Nielsen", "Eva Holmm"], ["3", "Eva Holm", "Mette Hansen", "Per Jensen"]])
    with pytest.raises(ona.InputError) as err:
        ona.read_ties(path, small_roster)
    assert where(err) == [(2, "Person 3", "unknown-person"), (3, "Person 3", "unknown-person")]


# 10. An ambiguous "Last, First" name in a list cell.
@pytest.fixture
def two_mettes(tmp_path):
    return ona.read_roster(write_xlsx(tmp_path / "roster.xlsx", [
        ["ID", "Name", "Email", "Department"], ["E1", "Mette Hansen", "mh1@k.dk", "A"],
        ["E2", "Mette Hansen", "mh2@k.dk", "B"], ["E3", "Per Jensen", "pj@k.dk", "A"],
        ["E4", "Anna Berg", "ab@k.dk", "B"], ["E5", "Lars Nielsen", "ln@k.dk", "B"]]))


@pytest.mark.parametrize("drop_unknown", [False, True])
def test_an_ambiguous_last_first_name_in_a_list_cell_is_reported_as_ambiguous(two_mettes, tmp_path, drop_unknown):
    """Cut at its comma it named "Hansen" and "Mette": two unknown people (dropped with --drop-unknown)."""
    path = write_xlsx(tmp_path / "wide.xlsx", [["Respondent", "Colleagues"], ["E3", "Hansen, Mette"],
                                               ["E4", "Anna Berg; Lars Nielsen"]])
    with pytest.raises(ona.InputError) as err:
        ona.read_ties(path, two_mettes, drop_unknown=drop_unknown)
    (problem,) = err.value.problems
    assert (problem.row, problem.column, problem.code) == (2, "Colleagues", "ambiguous-person")
    assert "roster rows 2, 3" in problem.message and "Mette" not in problem.message
