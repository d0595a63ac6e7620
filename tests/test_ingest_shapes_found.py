"""Tie sheets an exploratory tester found read as the wrong network: Nordic headers, survey-tool
exports, misspelt colleague columns, edge lists without a header row, ambiguous "Last, First" names
in list cells, Gephi's and Kumu's edge directions, and one column named for two roles."""

from __future__ import annotations

import datetime as dt

import pytest

import ona
from ona.cli import cli

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


def test_a_surveymonkey_export_is_read_as_the_people_who_answered(forms_roster, tmp_path):
    """SurveyMonkey numbers its responses in "Respondent ID" (here 1-3, which are roster ids too) and
    adds a "Collector ID": the respondent is the Email Address column."""
    headers = ["Respondent ID", "Collector ID", "Start Date", "Email Address", "First Name"]
    path = write_xlsx(tmp_path / "monkey.xlsx", [
        [*headers, "Who do you work with?"],
        [1, 77, START, "ln@k.dk", "Lars", "Mette Hansen;Per Jensen"],
        [2, 77, START, "ab@k.dk", "Anna", "Lars Nielsen"],
        [3, 77, START, "pj@k.dk", "Per", "Mette Hansen;Anna Berg"]])
    ties = ona.read_ties(path, forms_roster)
    assert sorted(ties.respondents) == ["2", "3", "4"] and ties_of(ties) == FORMS_TIES


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


# 4. Edge lists without a header row.
@pytest.fixture
def id_roster(tmp_path):
    return ona.read_roster(write_csv(tmp_path / "roster.csv", [
        ["ID", "Name", "Department"], ["1001", "Mette Hansen", "A"], ["1002", "Per Jensen", "A"],
        ["1003", "Anna Berg", "B"], ["1004", "Lars Nielsen", "B"]]))


@pytest.mark.parametrize("weights,expected", [
    (None, [("1001", "1002", 1.0), ("1002", "1003", 1.0), ("1003", "1004", 1.0), ("1004", "1001", 1.0)]),
    (["3", "1", "2", "5"], [("1001", "1002", 3.0), ("1002", "1003", 1.0), ("1003", "1004", 2.0),
                            ("1004", "1001", 5.0)])], ids=["two columns", "with weights"])
def test_an_edge_list_without_a_header_keeps_its_first_tie_and_says_so(id_roster, tmp_path, weights, expected):
    pairs = [["1001", "1002"], ["1002", "1003"], ["1003", "1004"], ["1004", "1001"]]
    rows = [pair + [w] for pair, w in zip(pairs, weights)] if weights else pairs
    ties = ona.read_ties(write_csv(tmp_path / "edges.csv", rows), id_roster)
    assert ties.shape == "edges" and ties_of(ties) == expected
    assert ties.ties["row"].tolist() == [1, 2, 3, 4]
    (warning,) = ties.warnings
    assert (warning.code, warning.row, warning.severity) == ("no-header-row", 1, "warning")
    assert "1001" not in warning.message


def test_a_problem_in_the_first_row_of_a_headerless_edge_list_names_that_row(id_roster, tmp_path):
    path = write_csv(tmp_path / "edges.csv", [["1001", "1002", "-1"], ["1002", "1003", "1"], ["1003", "ghost", "2"]])
    with pytest.raises(ona.InputError) as err:
        ona.read_ties(path, id_roster)
    assert where(err) == [(1, None, "no-header-row"), (1, "column C", "negative-weight"),
                          (3, "column B", "unknown-person")]


def test_validate_warns_about_an_edge_list_without_a_header(runner, tmp_path):
    roster = write_csv(tmp_path / "roster.csv", [["ID", "Name"], ["1001", "Mette Hansen"], ["1002", "Per Jensen"]])
    edges = write_csv(tmp_path / "edges.csv", [["1001", "1002"], ["1002", "1001"]])
    res = runner.invoke(cli, ["--silent", "validate", "--roster", str(roster), "--ties", str(edges)])
    assert res.exit_code == 0, res.output
    assert "edges.csv, row 1: has no header row" in res.output and "[no-header-row]" in res.output


def test_header_row_keeps_the_first_row_of_such_a_sheet_as_its_header(id_roster, tmp_path):
    """--header-row 1 says the first row is a header: it is not read as a tie, and nothing is said."""
    path = write_csv(tmp_path / "edges.csv", [["1001", "1002"], ["1002", "1003"], ["1003", "1004"]])
    ties = ona.read_ties(path, id_roster, header_row=1)
    assert ties.ties["row"].tolist() == [2, 3] and ties.warnings == ()


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
    (problem,) = [p for p in err.value.problems if p.severity == "error"]
    assert (problem.row, problem.column, problem.code) == (2, "Colleagues", "ambiguous-person")
    assert "roster rows 2, 3" in problem.message and "Mette" not in problem.message


# 18. Gephi's and Kumu's directions, and Kumu's labels.
@pytest.fixture
def labelled_roster(tmp_path):
    """A Gephi/Kumu node table: the name column is Label."""
    return ona.read_roster(write_csv(tmp_path / "nodes.csv", [
        ["Id", "Label", "Department"], ["1", "Mette Hansen", "A"], ["2", "Per Jensen", "A"], ["3", "Anna Berg", "B"]]))


def test_gephi_undirected_edges_are_ties_both_ways_not_a_layer(labelled_roster, tmp_path):
    path = write_csv(tmp_path / "edges.csv", [
        ["Source", "Target", "Type", "Id", "Label", "timeset", "Weight"], ["1", "2", "Undirected", "0", "", "", "2.0"],
        ["2", "3", "UNDIRECTED", "1", "", "", "1.0"], ["3", "1", "Directed", "2", "", "", "1.0"]])
    ties = ona.read_ties(path, labelled_roster)
    assert ties.layers == ("",) and ties.combine is None
    assert sorted(ties.ties[["source", "target", "weight", "row"]].itertuples(index=False, name=None)) == [
        ("1", "2", 2.0, 2), ("2", "1", 2.0, 2), ("2", "3", 1.0, 3), ("3", "1", 1.0, 4), ("3", "2", 1.0, 3)]


def test_kumu_mutual_connections_are_ties_both_ways_and_labels_match(labelled_roster, tmp_path):
    assert labelled_roster.name_column == "Label"
    path = write_csv(tmp_path / "connections.csv", [
        ["From", "To", "Type", "Direction", "Strength"], ["Mette Hansen", "Per Jensen", "Sparring", "mutual", "3"],
        ["Per Jensen", "Anna Berg", "Sparring", "directed", "1"], ["Anna Berg", "Mette Hansen", "Sparring", "", "1"]])
    ties = ona.read_ties(path, labelled_roster)
    assert ties.layers == ("Sparring",) and ties.weight_column == "Strength"
    assert ties_of(ties) == [("1", "2", 3.0), ("2", "1", 3.0), ("2", "3", 1.0), ("3", "1", 1.0)]


def test_a_type_column_of_other_values_is_still_a_layer(labelled_roster, tmp_path):
    path = write_csv(tmp_path / "edges.csv", [["Source", "Target", "Type"], ["1", "2", "advice"],
                                              ["2", "1", "directed"]])
    ties = ona.read_ties(path, labelled_roster, combine="max")
    assert ties.layers == ("advice", "directed") and ties_of(ties) == [("1", "2", 1.0), ("2", "1", 1.0)]


def test_an_unknown_person_at_the_far_end_of_an_undirected_edge_is_reported_once(labelled_roster, tmp_path):
    path = write_csv(tmp_path / "edges.csv", [["Source", "Target", "Type"], ["1", "9", "Undirected"]])
    with pytest.raises(ona.InputError) as err:
        ona.read_ties(path, labelled_roster)
    assert where(err) == [(2, "Target", "unknown-person")]


# 20c. One column named for two roles.
@pytest.mark.parametrize("options,column", [({"weight_column": "Source"}, "Source"),
                                            ({"source_column": "To", "target_column": "to"}, "To")])
def test_one_column_named_for_two_roles_is_an_error(labelled_roster, tmp_path, options, column):
    path = write_csv(tmp_path / "edges.csv", [["Source", "To", "Weight"], ["1", "2", "3"]])
    with pytest.raises(ona.InputError) as err:
        ona.read_ties(path, labelled_roster, **options)
    assert where(err) == [(1, column, "same-column")]


def test_the_cli_says_which_column_was_named_twice(runner, tmp_path):
    roster = write_csv(tmp_path / "roster.csv", [["ID", "Name"], ["1", "Mette Hansen"], ["2", "Per Jensen"]])
    edges = write_csv(tmp_path / "edges.csv", [["Source", "Target", "Weight"], ["1", "2", "3"]])
    res = runner.invoke(cli, ["--silent", "validate", "--roster", str(roster), "--ties", str(edges),
                              "--weight-column", "Source"])
    assert res.exit_code == 1 and "column 'Source': this column is named as both the source and the weight " \
        "column" in res.output and "[same-column]" in res.output


def test_a_weight_column_for_a_wide_sheet_needs_its_colleague_column(forms_roster, tmp_path):
    """--weight-column alone on a wide sheet would say nothing about which colleagues it weighs."""
    path = forms_export(tmp_path / "forms.xlsx", FORMS_HEADERS["english"], ("Advice from?", "How often?"),
                        [["Mette Hansen", "3"], ["Lars Nielsen", "2"], ["Anna Berg", "1"]])
    with pytest.raises(ona.InputError) as err:
        ona.read_ties(path, forms_roster, weight_column="How often?")
    assert [(p.code, p.row) for p in err.value.problems] == [("weight-without-target", 1)]
    ties = ona.read_ties(path, forms_roster, target_column="Advice from?", weight_column="How often?")
    assert ties_of(ties) == [("2", "3", 1.0), ("3", "4", 2.0), ("4", "1", 3.0)]


# Found by a second round of testing: the new header words must not misread ordinary sheets.

def test_a_question_with_a_weight_word_inside_is_a_colleague_question(forms_roster, tmp_path):
    """"Who do you count on for advice?" and "Whose input do you value most?" are questions whose
    answers are colleagues; only a header that starts with a weight word is a frequency column."""
    path = tmp_path / "survey.csv"
    path.write_text("Name,Who do you count on for advice?,Whose input do you value most?\n"
                    "Per Jensen,Mette Hansen,Anna Berg\nAnna Berg,Lars Nielsen,\n", encoding="utf-8")
    ties = ona.read_ties(path, forms_roster)
    assert ties.shape == "wide" and ties_of(ties) == [("2", "1", 1.0), ("2", "3", 1.0), ("3", "4", 1.0)]


def test_an_edge_list_with_a_timestamp_keeps_its_weights_and_layers_when_its_columns_are_named(forms_roster,
                                                                                                tmp_path):
    """A log of collaborations with a Timestamp column (which survey exports have too), read with
    --source-column and --target-column: still an edge list, with its weights and its layers."""
    path = tmp_path / "log.csv"
    path.write_text("Timestamp;Medarbejder;Samarbejdspartner;Question;Weight\n"
                    "2025-03-01 09:00;1;2;advice;3\n2025-03-02 10:00;1;2;collab;2\n2025-03-02 11:00;3;4;advice;5\n",
                    encoding="utf-8")
    ties = ona.read_ties(path, forms_roster, source_column="Medarbejder", target_column="Samarbejdspartner")
    assert ties.shape == "edges" and ties.layers == ("advice", "collab")
    assert ties_of(ties) == [("1", "2", 5.0), ("3", "4", 5.0)]
    advice = ona.read_ties(path, forms_roster, source_column="Medarbejder", target_column="Samarbejdspartner",
                           layer="advice")
    assert ties_of(advice) == [("1", "2", 3.0), ("3", "4", 5.0)]


def test_the_answers_sheet_is_chosen_over_a_scale_legend(forms_roster, tmp_path):
    """A workbook with the answers ("Name, Colleague 1, Frequency 1 ...") and a legend of the scale
    ("Value | Label"): numbered headers count by their stem, so the answers sheet is read."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Responses"
    for row in (["Name", "Colleague 1", "Frequency 1", "Colleague 2", "Frequency 2"],
                ["Mette Hansen", "Per Jensen", 3, "Anna Berg", 2], ["Per Jensen", "Mette Hansen", 4, None, None]):
        ws.append(row)
    legend = wb.create_sheet("Scale")
    for row in (["Value", "Label"], [1, "Yearly"], [5, "Daily"]):
        legend.append(row)
    wb.save(tmp_path / "survey.xlsx")
    ties = ona.read_ties(tmp_path / "survey.xlsx", forms_roster)
    assert ties.sheet == "Responses"
    assert ties_of(ties) == [("1", "2", 3.0), ("1", "3", 2.0), ("2", "1", 4.0)]


def test_a_row_of_report_settings_above_the_header_is_not_the_header(forms_roster, tmp_path):
    """An export starts with its settings, "Periode;Fra;01-01-2025;Til;31-03-2025": "Fra" and "Til"
    are header words, but a header holds no dates, and the real header is found below."""
    path = tmp_path / "svar.csv"
    path.write_text("Periode;Fra;01-01-2025;Til;31-03-2025\n\nNavn;Kollega 1;Hvor ofte 1\n"
                    "Mette Hansen;Per Jensen;3\nAnna Berg;Lars Nielsen;5\n", encoding="utf-8")
    ties = ona.read_ties(path, forms_roster)
    assert ties_of(ties) == [("1", "2", 3.0), ("3", "4", 5.0)]
    roster = tmp_path / "roster.csv"
    roster.write_text("Forvaltning;Børn og Unge;Afdeling;Dagtilbud\n"
                      "Medarbejdernr;Navn;E-mail;Stilling;Afdeling;Telefon;Ansat;Leder\n"
                      "1;Mette Hansen;mh@k.dk;Pædagog;Vuggestuen;1234;2019;nej\n", encoding="utf-8")
    people = ona.read_roster(roster)
    assert people.ids.tolist() == ["1"] and people.name_column == "Navn"


def test_a_headerless_edge_list_with_a_layer_column_keeps_its_first_tie_weights_and_layers(forms_roster, tmp_path):
    path = tmp_path / "ties.csv"
    path.write_text("1,2,3,advice\n2,3,1,advice\n3,4,2,collab\n", encoding="utf-8")
    ties = ona.read_ties(path, forms_roster)
    assert [w.code for w in ties.warnings] == ["no-header-row"] and ties.layers == ("advice", "collab")
    assert ties_of(ona.read_ties(path, forms_roster, layer="advice")) == [("1", "2", 3.0), ("2", "3", 1.0)]


def test_a_misspelt_person_in_the_first_row_of_a_headerless_edge_list_is_reported_there(forms_roster, tmp_path):
    """The first row names person 1 and a typo: it is still the first tie, and the typo an error
    at row 1, instead of a header that silently swallows the tie."""
    path = tmp_path / "ties.csv"
    path.write_text("1,10002\n2,3\n", encoding="utf-8")
    with pytest.raises(ona.InputError) as err:
        ona.read_ties(path, forms_roster)
    assert [(p.code, p.row, p.column) for p in err.value.problems] == [
        ("no-header-row", 1, None), ("unknown-person", 1, "column B")]


def test_a_roster_without_its_header_row_is_not_repeated_in_the_error(tmp_path):
    """Its first row is a person's name, unit and job: none is a column name ona knows, so the
    error says so instead of listing them."""
    path = tmp_path / "roster.csv"
    path.write_text("Mette Hansen,Økonomi,Sagsbehandler\nPer Jensen,IT,Udvikler\n", encoding="utf-8")
    with pytest.raises(ona.InputError) as err:
        ona.read_roster(path)
    message = str(err.value)
    assert "none of its 3 headers is a column name ona knows (if its first row is a person" in message
    assert not any(text in message for text in ("Mette", "Økonomi", "Sagsbehandler"))


def test_a_copied_sheet_is_read_once(forms_roster, tmp_path):
    """"Data" and Excel's copy "Data (2)" hold the same ties: read as two layers they would sum to
    twice every weight; the copy is read once, with a warning."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "Data"
    for title in ("Data", "Data (2)"):
        ws = wb[title] if title in wb.sheetnames else wb.create_sheet(title)
        for row in (["Source", "Target", "Weight"], ["1", "2", 3], ["2", "3", 1]):
            ws.append(row)
    wb.save(tmp_path / "copy.xlsx")
    ties = ona.read_ties(tmp_path / "copy.xlsx", forms_roster)
    assert ties_of(ties) == [("1", "2", 3.0), ("2", "3", 1.0)]
    assert [(w.code, w.sheet) for w in ties.warnings] == [("sheets-as-layers", None), ("copied-sheet", "Data (2)")]


def test_a_google_forms_export_without_emails_takes_the_name_question_as_the_respondent(forms_roster, tmp_path):
    path = tmp_path / "forms.csv"
    path.write_text("Timestamp,What is your name?,Who do you work with?\n"
                    "2025/03/01 9:00:00,Per Jensen,Mette Hansen;Anna Berg\n2025/03/01 9:05:00,Anna Berg,Lars Nielsen\n",
                    encoding="utf-8")
    ties = ona.read_ties(path, forms_roster)
    assert sorted(ties.respondents) == ["2", "3"]
    assert ties_of(ties) == [("2", "1", 1.0), ("2", "3", 1.0), ("3", "4", 1.0)]


def test_a_small_matrix_of_numeric_ids_is_no_headerless_edge_list(forms_roster, tmp_path):
    """",1,2 / 1,0,1 / 2,0,0" is a matrix (its top-left cell is blank), though its header row holds
    a person and a number in the third cell, as a headerless edge list's first row would.
    (Found by tests/test_ingest_properties.py.)"""
    path = tmp_path / "matrix.csv"
    path.write_text(",1,2\n1,0,1\n2,0,0\n", encoding="utf-8")
    ties = ona.read_ties(path, forms_roster)
    assert ties.shape == "matrix" and ties_of(ties) == [("1", "2", 1.0)] and ties.warnings == ()
