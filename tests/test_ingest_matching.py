"""Matching people (issue #4): by id, email or name; case-, white-space- and accent-insensitive;
"Hansen, Mette" is "Mette Hansen" whichever way the roster writes it; an id exported as "1001.0" or
"0042" is the id 1001 or 42; a text that fits several people is an error listing their roster rows."""

from __future__ import annotations

import pytest

import ona
from ona.cli import cli

from conftest import write_csv, write_xlsx


def pairs(ties) -> list[tuple[str, str]]:
    return [(s, t) for s, t in ties.ties[["source", "target"]].itertuples(index=False)]


def problems_of(err) -> list[tuple[str, str | None, int | None, str | None, str]]:
    return [(p.path.split("/")[-1], p.sheet, p.row, p.column, p.code) for p in err.value.problems]


def test_a_roster_without_ids_is_keyed_by_email_and_the_survey_may_write_the_addresses_in_any_case(tmp_path):
    roster = ona.read_roster(write_xlsx(tmp_path / "roster.xlsx", [
        ["Name", "Email", "Afdeling"], ["Mette Hansen", "Mette.Hansen@kommune.dk", "Økonomi"],
        ["Søren Ølgaard", "soren.olgaard@kommune.dk", "Økonomi"], ["Anna Berg", "anna.berg@kommune.dk", "HR"]]))
    ties = ona.read_ties(write_xlsx(tmp_path / "ties.xlsx", [
        ["Source", "Target"], ["mette.hansen@kommune.dk", "SOREN.OLGAARD@kommune.dk"],
        ["anna.berg@kommune.dk", "Mette Hansen <METTE.HANSEN@KOMMUNE.DK>"], ["Anna Berg", "Soren Olgaard"]]), roster)
    assert pairs(ties) == [("Mette.Hansen@kommune.dk", "soren.olgaard@kommune.dk"),
                           ("anna.berg@kommune.dk", "Mette.Hansen@kommune.dk"),
                           ("anna.berg@kommune.dk", "soren.olgaard@kommune.dk")]
    assert (roster.id_column, roster.email_column, roster.id_role) == ("Email", None, "email")


def test_a_roster_of_names_only_matches_them_without_accents_case_or_in_last_first_order(tmp_path):
    roster = ona.read_roster(write_xlsx(tmp_path / "roster.xlsx", [
        ["Name", "Afdeling"], ["Mette Hansen", "Økonomi"], ["Søren Ølgaard", "Økonomi"], ["Anna Berg", "HR"]]))
    ties = ona.read_ties(write_xlsx(tmp_path / "ties.xlsx", [
        ["Source", "Target"], ["Mette Hansen", "Soren Olgaard"], ["ANNA  BERG", "Hansen, Mette"],
        ["olgaard,soren", "anna berg"]]), roster)
    assert pairs(ties) == [("Mette Hansen", "Søren Ølgaard"), ("Anna Berg", "Mette Hansen"),
                           ("Søren Ølgaard", "Anna Berg")]
    assert (roster.id_column, roster.name_column, roster.id_role) == ("Name", None, "name")


def test_a_roster_of_last_first_names_matches_a_survey_that_writes_first_last(tmp_path):
    """A typical HR export: "Hansen, Mette"; the survey says "Mette Hansen", or "jensen,per"."""
    roster = ona.read_roster(write_csv(tmp_path / "roster.csv", [
        ["ID", "Navn", "Afdeling"], ["1", "Hansen, Mette", "Løn"], ["2", "Jensen, Per", "Løn"],
        ["3", "Öberg, Åsa", "HR"]]))
    ties = ona.read_ties(write_csv(tmp_path / "ties.csv", [
        ["Source", "Target"], ["Mette Hansen", "Per Jensen"], ["Åsa Öberg", "mette hansen"],
        ["Jensen,  Per", "jensen,per"], ["Asa Oberg", "Hansen,Mette"]]), roster)
    assert pairs(ties) == [("1", "2"), ("3", "1")]
    assert ties.dropped == {"self-tie": 1, "duplicate": 1}  # Per to himself; Åsa to Mette twice


def test_the_same_name_written_first_last_and_last_first_for_two_people_is_ambiguous(tmp_path):
    roster = ona.read_roster(write_xlsx(tmp_path / "roster.xlsx", [
        ["Personaleliste"], [], ["ID", "Name", "Unit"], ["1", "Hansen, Mette", "A"], ["2", "Mette Hansen", "B"],
        ["3", "Bo Ek", "A"]]))
    with pytest.raises(ona.InputError) as err:
        ona.read_ties(write_xlsx(tmp_path / "ties.xlsx", [["From", "To"], ["Bo Ek", "mette hansen"],
                                                          ["hansen,mette", "Bo Ek"]]), roster)
    assert problems_of(err) == [("ties.xlsx", "Sheet1", 2, "To", "ambiguous-person"),
                                ("ties.xlsx", "Sheet1", 3, "From", "ambiguous-person")]
    for problem in err.value.problems:
        assert "roster rows 4, 5" in problem.message
        assert "Mette" not in problem.message and "Hansen" not in problem.message


def test_ids_exported_as_decimals_match_the_whole_numbers_of_a_spreadsheet(tmp_path):
    """A roster CSV written by pandas has "1001.0"; the tie sheet holds the numbers 1001."""
    (tmp_path / "roster.csv").write_text("Medarbejdernr;Navn;Afdeling\n1001.0;Mette Hansen;Økonomi\n"
                                         "1002.0;Per Jensen;HR\n1003.0;Anna Berg;HR\n", encoding="utf-8")
    roster = ona.read_roster(tmp_path / "roster.csv")
    ties = ona.read_ties(write_xlsx(tmp_path / "ties.xlsx", [["Source", "Target"], [1001, 1002], [1003, 1001]]),
                         roster)
    assert pairs(ties) == [("1001.0", "1002.0"), ("1003.0", "1001.0")]
    # ... and the other way round: ids 1001 in the roster, "1001.0" in a tie CSV.
    roster = ona.read_roster(write_xlsx(tmp_path / "roster.xlsx", [["ID", "Name"], [1001, "Mette Hansen"],
                                                                   [1002, "Per Jensen"]]))
    ties = ona.read_ties(write_csv(tmp_path / "ties.csv", [["Source", "Target"], ["1001.0", "1002"]]), roster)
    assert pairs(ties) == [("1001", "1002")]


def test_zero_padded_ids_match_the_same_numbers_without_the_zeros(tmp_path):
    roster = ona.read_roster(write_xlsx(tmp_path / "roster.xlsx", [
        ["Employee ID", "Name", "Department"], ["0042", "Mette Hansen", "A"], ["0043", "Per Jensen", "B"],
        ["0044", "Anna Berg", "B"]]))
    ties = ona.read_ties(write_csv(tmp_path / "ties.csv", [["Source", "Target"], ["42", "43"], ["44", "0042"]]),
                         roster)
    assert pairs(ties) == [("0042", "0043"), ("0044", "0042")]


def test_a_number_that_is_two_zero_padded_ids_is_ambiguous_and_an_exact_id_still_wins(tmp_path):
    roster = ona.read_roster(write_csv(tmp_path / "roster.csv", [
        ["ID", "Name", "Unit"], ["042", "Mette Hansen", "A"], ["0042", "Per Jensen", "A"], ["7", "Bo Ek", "A"]]))
    ties = ona.read_ties(write_csv(tmp_path / "exact.csv", [["Source", "Target"], ["0042", "007"]]), roster)
    assert pairs(ties) == [("0042", "7")]
    with pytest.raises(ona.InputError) as err:
        ona.read_ties(write_csv(tmp_path / "ties.csv", [["Source", "Target"], ["7", "42"]]), roster)
    assert problems_of(err) == [("ties.csv", None, 2, "Target", "ambiguous-person")]
    assert "roster rows 2, 3" in err.value.problems[0].message and "42" not in err.value.problems[0].message


def test_initials_as_ids_match_in_any_case(tmp_path):
    roster = ona.read_roster(write_csv(tmp_path / "roster.csv", [
        ["User ID", "Name", "Department"], ["METHA", "Mette Hansen", "Løn"], ["PEJE", "Per Jensen", "Løn"],
        ["ANBE", "Anna Berg", "HR"]]))
    ties = ona.read_ties(write_csv(tmp_path / "ties.csv", [["Source", "Target"], ["metha", "peje"],
                                                          ["ANBE", "Metha"], [" anbe ", "PeJe"]]), roster)
    assert pairs(ties) == [("METHA", "PEJE"), ("ANBE", "METHA"), ("ANBE", "PEJE")]


def test_two_ids_that_differ_only_in_case_make_other_cases_ambiguous(tmp_path):
    roster = ona.read_roster(write_xlsx(tmp_path / "roster.xlsx", [
        ["User ID", "Name", "Department"], ["METHA", "Mette Hansen", "Løn"], ["metha", "Mette Thagaard", "HR"],
        ["PEJE", "Per Jensen", "Løn"]]))
    ties = ona.read_ties(write_xlsx(tmp_path / "exact.xlsx", [["Source", "Target"], ["metha", "METHA"]]), roster)
    assert pairs(ties) == [("metha", "METHA")]
    with pytest.raises(ona.InputError) as err:
        ona.read_ties(write_xlsx(tmp_path / "ties.xlsx", [["Source", "Target"], ["peje", "Metha"]]), roster)
    assert problems_of(err) == [("ties.xlsx", "Sheet1", 2, "Target", "ambiguous-person")]
    assert "roster rows 2, 3" in err.value.problems[0].message
    assert "metha" not in err.value.problems[0].message.lower()


def test_an_unknown_by_column_names_the_row_of_the_roster_header(runner, tmp_path):
    roster = write_xlsx(tmp_path / "roster.xlsx", [
        ["Personaleoversigt"], [], ["Medarbejdernr", "Navn", "Forvaltning", "Afdeling"],
        ["1", "Mette Hansen", "Økonomi", "Løn"], ["2", "Per Jensen", "Social", "Jobcenter"]], sheet="Personale")
    ties = write_csv(tmp_path / "ties.csv", [["Source", "Target"], ["1", "2"], ["2", "1"]])
    res = runner.invoke(cli, ["--silent", "analyze", "--roster", str(roster), "--ties", str(ties), "--by",
                              "Directorate", "--out", str(tmp_path / "out")])
    assert res.exit_code == 2
    assert "Error: roster.xlsx, sheet 'Personale', row 3: has no column 'Directorate' to measure by; choose one " \
           "of: 'Forvaltning', 'Afdeling' [unknown-unit-column]" in res.output
