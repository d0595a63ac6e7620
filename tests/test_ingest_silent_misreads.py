"""Files an analyst really has that ona read without a word, and wrong: frequencies given to the
wrong colleagues, years of service read as colleagues, a surname read as a department, one person
counted twice, a second export's header counted as a person, answers credited to whoever has the
row's number. Each test writes the file as it comes and asserts the exact ties, people or the
error's place; every expected value is worked out by hand from the rows written here."""

from __future__ import annotations

import pytest

import ona
from ona.cli import cli

from conftest import write_csv, write_xlsx

ROSTER = [["Medarbejdernr", "Navn", "E-mail", "Afdeling"], ["1", "Anna Berg", "anna@k.dk", "A"],
          ["2", "Bo Dahl", "bo@k.dk", "A"], ["3", "Carl Eng", "carl@k.dk", "B"], ["4", "Dora Fisk", "dora@k.dk", "B"],
          ["5", "Eva Gran", "eva@k.dk", "B"]]


@pytest.fixture
def roster(tmp_path):
    return ona.read_roster(write_csv(tmp_path / "roster.csv", ROSTER))


def ties_of(ties) -> list[tuple]:
    return sorted(zip(ties.ties["source"], ties.ties["target"], ties.ties["weight"]))


def test_frequency_columns_after_all_colleague_columns_go_with_the_colleague_of_their_number(roster, tmp_path):
    """Kollega 1-3, then Hvor ofte 1-3: Anna names Bo (5), Carl (1) and Dora (2); Bo names Anna (4),
    Eva (3) and Carl (1). Before, only the column right after a colleague column was its frequency:
    Kollega 3 took Hvor ofte 1 and the others weighed 1."""
    path = tmp_path / "wide.csv"
    path.write_text("Respondent;Kollega 1;Kollega 2;Kollega 3;Hvor ofte 1;Hvor ofte 2;Hvor ofte 3\n"
                    "Anna Berg;Bo Dahl;Carl Eng;Dora Fisk;5;1;2\n"
                    "Bo Dahl;Anna Berg;Eva Gran;Carl Eng;4;3;1\n", encoding="utf-8")
    ties = ona.read_ties(path, roster)
    assert ties_of(ties) == [("1", "2", 5.0), ("1", "3", 1.0), ("1", "4", 2.0),
                             ("2", "1", 4.0), ("2", "3", 1.0), ("2", "5", 3.0)]
    assert ties.weight_column == "Hvor ofte 1, Hvor ofte 2, Hvor ofte 3"


def test_validate_says_what_a_wide_sheet_is_weighted_by(runner, tmp_path):
    """A wide sheet with a frequency column after each colleague column said "every tie weighing 1"."""
    write_csv(tmp_path / "roster.csv", ROSTER)
    write_csv(tmp_path / "wide.csv", [["Respondent", "Colleague 1", "Frequency 1", "Colleague 2", "Frequency 2"],
                                      ["Anna Berg", "Bo Dahl", "5", "Carl Eng", "2"]])
    result = runner.invoke(cli, ["validate", "--roster", str(tmp_path / "roster.csv"),
                                 "--ties", str(tmp_path / "wide.csv")])
    assert result.exit_code == 0, result.output
    assert ("Read: wide.csv: a wide survey sheet, 2 ties from 1 respondent, weighted by Frequency 1, Frequency 2"
            in result.output.splitlines())


def test_the_answers_of_number_questions_are_not_read_as_colleagues_with_numbered_ids(roster, tmp_path):
    """A Microsoft Forms export (Danish): who do you work with (names), years of service and a 1-5
    rating. The roster numbers its people 1-5, so the numbers name people too; but beside a column
    of names they are answers. Anna names Bo and Carl, Bo names Anna, Carl names Dora, Eva and Anna,
    Dora no one: 6 ties, every one weighing 1, and Dora is a respondent with none."""
    path = write_xlsx(tmp_path / "forms.xlsx", [
        ["Id", "Starttidspunkt", "Fuldførelsestidspunkt", "Mail", "Navn", "Hvem arbejder du sammen med?",
         "Hvor mange år har du været ansat?", "Hvor tilfreds er du (1-5)?"],
        [1, "2025-03-01 09:00", "2025-03-01 09:05", "anna@k.dk", "Anna Berg", "Bo Dahl;Carl Eng;", 3, 4],
        [2, "2025-03-01 09:10", "2025-03-01 09:12", "bo@k.dk", "Bo Dahl", "Anna Berg;", 5, 2],
        [3, "2025-03-01 10:00", "2025-03-01 10:04", "carl@k.dk", "Carl Eng", "Dora Fisk;Eva Gran;Anna Berg;", 1, 5],
        [4, "2025-03-01 11:00", "2025-03-01 11:01", "dora@k.dk", "Dora Fisk", "", 2, 3]])
    ties = ona.read_ties(path, roster)
    assert ties_of(ties) == [("1", "2", 1.0), ("1", "3", 1.0), ("2", "1", 1.0),
                             ("3", "1", 1.0), ("3", "4", 1.0), ("3", "5", 1.0)]
    assert set(ties.respondents) == {"1", "2", "3", "4"}


def test_a_column_of_ids_is_still_a_colleague_column_when_it_is_the_only_one(roster, tmp_path):
    """Respondent, then one unnamed column of colleague ids: nothing else names anyone, so the ids do."""
    path = write_csv(tmp_path / "wide.csv", [["Respondent", "Who?"], ["Anna Berg", "2"], ["Bo Dahl", "3"]])
    assert ties_of(ona.read_ties(path, roster)) == [("1", "2", 1.0), ("2", "3", 1.0)]


def test_a_wide_sheet_numbered_by_row_is_answered_by_the_name_beside_the_number(roster, tmp_path):
    """Nr numbers the rows 1-3, Navn says who answered: Carl names Anna and Bo, Eva names Dora and
    Carl, Anna names Eva. Before, the answers were Anna's (Nr 1), Bo's and Carl's."""
    path = tmp_path / "wide.csv"
    path.write_text("Nr;Navn;Kollega 1;Kollega 2\n1;Carl Eng;Anna Berg;Bo Dahl\n2;Eva Gran;Dora Fisk;Carl Eng\n"
                    "3;Anna Berg;Eva Gran;\n", encoding="utf-8")
    assert ties_of(ona.read_ties(path, roster)) == [("1", "5", 1.0), ("3", "1", 1.0), ("3", "2", 1.0),
                                                    ("5", "3", 1.0), ("5", "4", 1.0)]


def test_a_name_written_last_first_without_quotes_is_an_error_not_a_department(runner, tmp_path):
    """Rows 2 and 4 have a comma in the name and no quotes: four cells under three headers. Read as
    they were, Hansen's department was "Mette" and "HR" went to a column D; now each is an error at
    its row and the first column past the header, and nothing is written."""
    roster = tmp_path / "roster.csv"
    roster.write_text("id,Name,Department\n1,Hansen, Mette,HR\n2,Ole Olsen,Finance\n3,Berg, Lise,Finance\n"
                      "4,Bo Dahl,HR\n", encoding="utf-8")
    write_csv(tmp_path / "ties.csv", [["Source", "Target"], ["1", "2"]])
    result = runner.invoke(cli, ["analyze", "--roster", str(roster), "--ties", str(tmp_path / "ties.csv"),
                                 "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    errors = [line for line in result.output.splitlines() if "[cells-past-header]" in line]
    assert [line.split(":")[1] for line in errors] == [" roster.csv, row 2, column 'D'",
                                                       " roster.csv, row 4, column 'D'"]
    assert "the record has 4 cells where the header names 3 columns" in errors[0]
    assert "Mette" not in result.output and not (tmp_path / "out").exists()


def test_a_decimal_comma_in_an_edge_list_without_quotes_is_an_error(roster, tmp_path):
    """1,2,2,5 under Source,Target,Weight was the tie 1 -> 2 of weight 2 (the 5 in a column D)."""
    path = tmp_path / "ties.csv"
    path.write_text("Source,Target,Weight\n1,2,2,5\n1,3,3\n2,3,1,5\n", encoding="utf-8")
    with pytest.raises(ona.InputError) as caught:
        ona.read_ties(path, roster)
    assert [(p.code, p.row, p.column) for p in caught.value.problems] == [("cells-past-header", 2, "D"),
                                                                          ("cells-past-header", 4, "D")]


def test_a_large_csv_read_by_pyarrow_finds_the_same_shifted_record(tmp_path):
    """Over a megabyte, pyarrow parses the file; a header with a trailing delimiter gives every
    record the same width, so the shifted record is found by its filled fourth cell: row 3,002."""
    rows = ["id,Name,Department,"] + [f"{i},Person {i},HR," for i in range(60_000)]
    rows[3001] = "3000,Hansen, Mette,HR"
    path = tmp_path / "roster.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert path.stat().st_size > 1 << 20
    with pytest.raises(ona.InputError) as caught:
        ona.read_roster(path)
    assert [(p.code, p.row, p.column) for p in caught.value.problems] == [("cells-past-header", 3002, "D")]


def test_a_wide_sheet_still_reads_cells_past_its_header_as_more_colleagues(roster, tmp_path):
    """Respondent;Colleagues with "Bo Dahl; Carl Eng" not quoted: the second name is a third cell."""
    path = tmp_path / "wide.csv"
    path.write_text("Respondent;Colleagues\nAnna Berg;Bo Dahl; Carl Eng\n", encoding="utf-8")
    assert ties_of(ona.read_ties(path, roster)) == [("1", "2", 1.0), ("1", "3", 1.0)]


def test_two_addresses_that_differ_only_in_case_are_one_person_also_when_the_address_is_the_id(runner, tmp_path):
    """No id column: the email is the id. Mette's address on rows 2 and 4 differs only in case, and
    addresses match ignoring case, so a tie to her could go to either row."""
    write_csv(tmp_path / "roster.csv", [["Name", "Email", "Department"], ["Mette Hansen", "Mette.Hansen@k.dk", "HR"],
                                        ["Ole Olsen", "ole@k.dk", "HR"],
                                        ["Mette Hansen", "mette.hansen@k.dk", "Finance"]])
    result = runner.invoke(cli, ["validate", "--roster", str(tmp_path / "roster.csv")])
    assert result.exit_code == 1
    assert ("Error: roster.csv, row 4, column 'Email': this email address is already used on row 2 "
            "[duplicate-email]") in result.output.splitlines()


def test_a_roster_pasted_together_from_two_exports_has_its_second_header_left_out(runner, tmp_path):
    """Two exports, each with a byte-order mark and a header; the second is Windows-1252 (Børge).
    The second header (row 3) was a person with id "\\ufeffid" in a unit "Department"."""
    first = "\ufeffid,Name,Department\r\n1,Ann Berg,HR\r\n".encode("utf-8")
    second = b"\xef\xbb\xbfid,Name,Department\r\n" + "2,Børge Lund,IT\r\n".encode("cp1252")
    (tmp_path / "roster.csv").write_bytes(first + second)
    roster = ona.read_roster(tmp_path / "roster.csv")
    assert roster.people.index.tolist() == ["1", "2"] and list(roster.rows) == [2, 4]
    assert roster.people["Name"].tolist() == ["Ann Berg", "Børge Lund"]
    assert roster.people["Department"].tolist() == ["HR", "IT"]
    assert [(w.code, w.row) for w in roster.warnings] == [("repeated-header", None)]
    assert "row 3 repeats the header" in roster.warnings[0].message


LAYERED = [["Source", "Target", "Question"], ["1", "2", "Advice"], ["2", "3", "advice"], ["3", "4", "Advice "],
           ["4", "5", ""], ["5", "1", "Work"]]


def test_a_layer_written_in_another_case_is_the_same_question(roster, tmp_path):
    """Advice, advice and "Advice " are one question: --layer Advice keeps its three ties (rows 2-4);
    before, it kept the two spelt "Advice" and left 2 -> 3 out without a word."""
    path = write_csv(tmp_path / "layers.csv", LAYERED)
    ties = ona.read_ties(path, roster, layer="Advice")
    assert ties_of(ties) == [("1", "2", 1.0), ("2", "3", 1.0), ("3", "4", 1.0)]
    spellings = [w for w in ties.warnings if w.code == "layer-spellings"]
    assert [w.message for w in spellings] == ["the layer 'Advice' is also written 'advice': read as one layer, "
                                              "named as first written"]


def test_a_tie_with_a_blank_layer_beside_named_ones_is_counted_and_said(roster, tmp_path):
    """Row 5 names no question: it counts in the combined network (5 ties) and in no layer."""
    path = write_csv(tmp_path / "layers.csv", LAYERED)
    ties = ona.read_ties(path, roster)
    assert len(ties.ties) == 5 and ties.layers == ("", "Advice", "Work")
    blank = [w for w in ties.warnings if w.code == "blank-layer"]
    assert [(w.row, w.severity) for w in blank] == [(5, "warning")]
    assert len(ona.read_ties(path, roster, layer="Work").ties) == 1


@pytest.mark.parametrize("text, delimiter", [('"1,200"', ","), ("1.200", ";")])
def test_a_count_with_a_thousands_separator_beside_whole_numbers_is_a_thousand(roster, tmp_path, text, delimiter):
    """Counts 15, 1,200 (or the Danish 1.200) and 230: a count of 1.2 beside whole numbers is not
    what the sheet means. It was read as 1.2 without a word; now 1200, with a warning at row 3."""
    path = tmp_path / "ties.csv"
    path.write_text(f"Source{delimiter}Target{delimiter}Count\n1{delimiter}2{delimiter}15\n"
                    f"1{delimiter}3{delimiter}{text}\n3{delimiter}1{delimiter}230\n", encoding="utf-8")
    ties = ona.read_ties(path, roster)
    assert ties_of(ties) == [("1", "2", 15.0), ("1", "3", 1200.0), ("3", "1", 230.0)]
    assert [(w.code, w.row, w.column) for w in ties.warnings] == [("thousands-separator", 3, "Count")]


def test_weights_that_could_be_either_stay_decimals_with_a_warning(roster, tmp_path):
    """1,500 and 2,250 alone: nothing tells thousands from decimals, so they read as 1.5 and 2.25, as
    before, and the warning says so; 0,125 is always a decimal (no group of thousands starts with 0)."""
    path = write_csv(tmp_path / "ties.csv", [["Source", "Target", "Weight"], ["1", "2", "1,500"], ["1", "3", "2,250"]])
    ties = ona.read_ties(path, roster)
    assert ties_of(ties) == [("1", "2", 1.5), ("1", "3", 2.25)]
    assert [(w.code, w.row) for w in ties.warnings] == [("ambiguous-separator", 2)]
    small = write_csv(tmp_path / "small.csv", [["Source", "Target", "Weight"], ["1", "2", "0,125"], ["1", "3", "2"]])
    ties = ona.read_ties(small, roster)
    assert ties_of(ties) == [("1", "2", 0.125), ("1", "3", 2.0)] and ties.warnings == ()


def test_departments_named_alike_in_two_directorates_are_two_units(runner, tmp_path):
    """Children and Technical each have an Administration (people 1-2 and 3-4); Roads is Eva's.
    Ties 1->2 and 3->4 stay inside a unit; 1->3 and 2->4 cross from one Administration to the other
    and 4->5 into Roads: 3 of 5 cross units (60%), E-I (3 - 2) / 5 = 0.20. Measured as one
    "Administration" they were 1 of 5 (20%), E-I -0.60, without a word."""
    write_csv(tmp_path / "roster.csv", [["id", "Name", "Directorate", "Department"],
                                        ["1", "Anna Berg", "Children", "Administration"],
                                        ["2", "Bo Dahl", "Children", "Administration"],
                                        ["3", "Carl Eng", "Technical", "Administration"],
                                        ["4", "Dora Fisk", "Technical", "Administration"],
                                        ["5", "Eva Gran", "Technical", "Roads"]])
    write_csv(tmp_path / "ties.csv", [["Source", "Target"], ["1", "2"], ["1", "3"], ["3", "4"], ["4", "5"], ["2", "4"]])
    roster = ona.read_roster(tmp_path / "roster.csv")
    assert roster.people["Department"].tolist() == ["Administration (Children)", "Administration (Children)",
                                                    "Administration (Technical)", "Administration (Technical)",
                                                    "Roads"]
    assert [(w.code, w.column) for w in roster.warnings] == [("same-unit-name", "Department")]
    result = runner.invoke(cli, ["analyze", "--roster", str(tmp_path / "roster.csv"), "--ties", str(tmp_path / "ties.csv"),
                                 "--out", str(tmp_path / "out"), "--permutations", "0"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "Units:               3 (by Department)" in lines and "Cross-unit ties:     60% (3 of 5)" in lines
    assert "E-I index (org):     0.20" in lines


def test_a_unit_written_in_two_ways_is_one_unit(tmp_path):
    """"Staff" and "staff", and "Sales East" typed on two lines of a cell (Alt+Enter) beside
    "Sales East": two units each, which every page named alike ("Sales East and Sales East are
    connected by a single relationship"). Now one each, named as first written, and said."""
    path = tmp_path / "roster.xlsx"
    write_xlsx(path, [["id", "Name", "Department"], ["1", "A", "Staff"], ["2", "B", "staff"],
                      ["3", "C", "Sales\nEast"], ["4", "D", "Sales  East"], ["5", "E", "IT"]])
    roster = ona.read_roster(path)
    assert roster.people["Department"].tolist() == ["Staff", "Staff", "Sales East", "Sales East", "IT"]
    assert [(w.code, w.message) for w in roster.warnings] == [
        ("unit-spellings", "the unit 'Staff' is also written 'staff': read as one unit, named as first written")]


def test_a_roster_with_first_and_last_name_columns_matches_whole_names(runner, tmp_path):
    """An HR export with Fornavn and Efternavn and no name column: "Anna Berg" in the ties named no
    one ("matched by id, email and name", though there was no name), and the survey template's
    list was bare employee numbers. Now the two columns make the name."""
    write_csv(tmp_path / "roster.csv", [["Medarbejdernr", "Fornavn", "Efternavn", "Afdeling"], ["1", "Anna", "Berg", "A"],
                                        ["2", "Bo", "Dahl", "A"], ["3", "Carl", "Eng", "B"]])
    write_csv(tmp_path / "ties.csv", [["Fra", "Til"], ["Anna Berg", "Bo Dahl"], ["Bo Dahl", "Carl Eng"]])
    roster = ona.read_roster(tmp_path / "roster.csv")
    assert roster.name_column == "Name" and roster.labels().tolist() == ["Anna Berg", "Bo Dahl", "Carl Eng"]
    assert list(roster.people.columns) == ["Name", "Fornavn", "Efternavn", "Afdeling"]
    assert ties_of(ona.read_ties(tmp_path / "ties.csv", roster)) == [("1", "2", 1.0), ("2", "3", 1.0)]
    result = runner.invoke(cli, ["template", "--roster", str(tmp_path / "roster.csv"), "--out", str(tmp_path / "s.xlsx")])
    assert result.exit_code == 0, result.output
    from openpyxl import load_workbook

    people = [row[0] for row in load_workbook(tmp_path / "s.xlsx")["People"].iter_rows(values_only=True)]
    assert people == ["Person", "Anna Berg", "Bo Dahl", "Carl Eng"]


def test_a_directorate_column_that_cuts_across_the_departments_renames_nothing(tmp_path):
    """Every department in both "directorates" (a column that is no hierarchy, such as a site):
    the departments keep their names, and nothing is said."""
    people = [[str(i), f"P{i}", d, u] for i, (d, u) in enumerate([("North", "HR"), ("South", "HR"), ("North", "IT"),
                                                                   ("South", "IT")], start=1)]
    roster = ona.read_roster(write_csv(tmp_path / "roster.csv", [["id", "Name", "Directorate", "Department"], *people]))
    assert roster.people["Department"].tolist() == ["HR", "HR", "IT", "IT"] and roster.warnings == ()


def test_a_matrix_with_its_names_in_the_second_column_says_so_once(roster, tmp_path):
    """Afdeling, then Navn, then a column per colleague: every department was an unknown person and
    every name "a weight that is a word ... --weight-labels", one error per cell. Now one error at
    the column that names the people."""
    path = write_csv(tmp_path / "matrix.csv", [["Afdeling", "Navn", "Anna Berg", "Bo Dahl", "Carl Eng"],
                                               ["A", "Anna Berg", "", "1", "1"], ["A", "Bo Dahl", "1", "", ""],
                                               ["B", "Carl Eng", "", "1", ""]])
    with pytest.raises(ona.InputError) as caught:
        ona.read_ties(path, roster, ties_format="matrix")
    assert [(p.code, p.row, p.column) for p in caught.value.problems] == [("respondent-not-first", 1, "Navn")]


def test_a_rating_of_a_department_named_in_two_directorates_says_which_names_to_use(runner, tmp_path):
    """The ratings survey rates "Administration", which the roster reader now names per directorate:
    the error names the two units to choose from, not "names no unit of the roster"."""
    write_csv(tmp_path / "roster.csv", [["id", "Name", "Directorate", "Department"],
                                        ["1", "A", "Children", "Administration"], ["2", "B", "Children", "Administration"],
                                        ["3", "C", "Technical", "Administration"], ["4", "D", "Technical", "Roads"],
                                        ["5", "E", "Technical", "Roads"]])
    write_csv(tmp_path / "ties.csv", [["Source", "Target"], ["1", "2"], ["2", "3"], ["3", "4"], ["4", "5"]])
    write_csv(tmp_path / "ratings.csv", [["Respondent", "Rated unit", "timely"], ["1", "Roads", "4"],
                                         ["4", "Administration", "3"], ["5", "Administration (Children)", "2"]])
    result = runner.invoke(cli, ["analyze", "--roster", str(tmp_path / "roster.csv"), "--ties", str(tmp_path / "ties.csv"),
                                 "--ratings", str(tmp_path / "ratings.csv"), "--out", str(tmp_path / "out"),
                                 "--permutations", "0"])
    assert result.exit_code == 2
    assert ("Error: ratings.csv, row 3, column 'Rated unit': names 2 units, one in each of several directorates "
            "('Administration (Children)', 'Administration (Technical)'): write the unit with its directorate in "
            "brackets, as the roster's units are named [unknown-unit]") in result.stderr.splitlines()
