"""Where the header is, which sheet holds the people, and how a text file is decoded: the workbooks
and exports HR systems and analysts really hand over (two-row headers, title rows, lookup sheets,
hidden sheets, byte-order marks, UTF-16 without one)."""

from __future__ import annotations

import codecs

import pandas as pd
import pytest

import ona
from ona.errors import InputError
from ona.ingest import _tables
from ona.ingest._tables import read_table

from conftest import write_workbook

PEOPLE = [["1001", "Mette Hansen", "Økonomi", "Løn", "mh@k.dk"],
          ["1002", "Per Jensen", "Økonomi", "Bogholderi", "pj@k.dk"],
          ["1003", "Anna Berg", "Beskæftigelse", "Jobcenter", "ab@k.dk"]]


def two_level_roster(path, people=PEOPLE):
    """The HR export: Medarbejdernr, Navn and E-mail merged down two rows, Organisation merged
    across Forvaltning | Afdeling."""
    rows = [["Medarbejdernr", "Navn", "Organisation", None, "E-mail"],
            [None, None, "Forvaltning", "Afdeling", None], *people]
    return write_workbook(path, {"Personale": rows}, {"Personale": ["A1:A2", "B1:B2", "C1:D1", "E1:E2"]})


# A header spanning two rows ------------------------------------------------------------------------


def test_a_two_row_merged_header_is_one_header_and_not_a_person(tmp_path):
    roster = ona.read_roster(two_level_roster(tmp_path / "personale.xlsx"))
    assert list(roster.ids) == ["1001", "1002", "1003"]
    assert list(roster.people.columns) == ["Navn", "Forvaltning", "Afdeling", "E-mail"]
    assert roster.id_column == "Medarbejdernr" and roster.email_column == "E-mail"
    assert roster.unit_columns == ("Forvaltning", "Afdeling")
    assert roster.people.loc["1002", "Afdeling"] == "Bogholderi"
    assert roster.rows == (3, 4, 5)


def test_each_column_of_a_two_row_header_is_named_by_its_lowest_header_cell(tmp_path):
    """Read as a plain table too (no headers looked for), and with the header's first row named."""
    path = two_level_roster(tmp_path / "personale.xlsx")
    for table in (read_table(path), read_table(path, header_row=1)):
        assert table.headers == ["Medarbejdernr", "Navn", "Forvaltning", "Afdeling", "E-mail"]
        assert table.header_row == 2 and list(table.rows) == [3, 4, 5]
        assert table.frame["Medarbejdernr"].tolist() == ["1001", "1002", "1003"]


def test_a_problem_below_a_two_row_header_names_its_true_row_and_lower_header(tmp_path):
    people = [PEOPLE[0], ["1002", "Per Jensen", "Økonomi", None, "pj@k.dk"],
              ["1001", "Anna Berg", "Beskæftigelse", "Jobcenter", "ab@k.dk"]]
    path = two_level_roster(tmp_path / "personale.xlsx", people)
    with pytest.raises(InputError) as err:
        ona.read_roster(path)
    assert [(p.code, p.path, p.sheet, p.row, p.column) for p in err.value.problems] == [
        ("duplicate-id", str(path), "Personale", 5, "Medarbejdernr"),
        ("blank-unit", str(path), "Personale", 4, "Afdeling")]
    assert not any("1001" in p.message for p in err.value.problems)


# Title rows above the header ---------------------------------------------------------------------------


def test_a_two_cell_title_row_above_the_roster_is_not_its_header(tmp_path):
    rows = [["Medarbejderliste", None, "Udtræk 01-03-2025"], [],
            ["Medarbejdernr", "Navn", "Afdeling"], ["1001", "Mette Hansen", "Løn"], ["1002", "Per Jensen", "Løn"],
            ["1003", "Anna Berg", "HR"]]
    roster = ona.read_roster(write_workbook(tmp_path / "medarbejdere.xlsx", {"Medarbejdere": rows}))
    assert list(roster.ids) == ["1001", "1002", "1003"]
    assert roster.unit_columns == ("Afdeling",) and roster.rows == (4, 5, 6)


def test_a_title_and_a_subtitle_above_an_edge_list_are_not_its_header(tmp_path):
    roster_path = tmp_path / "roster.csv"
    roster_path.write_text("Medarbejdernr,Navn,Afdeling\n1001,Mette Hansen,Løn\n1002,Per Jensen,Løn\n"
                           "1003,Anna Berg,HR\n", encoding="utf-8")
    rows = [["Samarbejdsundersøgelse 2025", "Spørgsmål 1"], ["Source", "Target", "Weight"],
            ["1001", "1002", 3], ["1003", "1001", 2]]
    ties = ona.read_ties(write_workbook(tmp_path / "ties.xlsx", {"Svar": rows}), ona.read_roster(roster_path))
    assert ties.ties[["source", "target", "weight", "row"]].values.tolist() == [["1001", "1002", 3.0, 3],
                                                                             ["1003", "1001", 2.0, 4]]


@pytest.mark.parametrize("columnar", [True, False])
def test_both_csv_readers_take_the_row_with_the_roster_headers_below_a_title_row(tmp_path, monkeypatch, columnar):
    monkeypatch.setattr(_tables, "COLUMNAR_MIN_BYTES", 0 if columnar else 1 << 62)
    path = tmp_path / "roster.csv"
    path.write_text("Medarbejderliste,,Udtræk 01-03-2025\nMedarbejdernr,Navn,Afdeling\n"
                    + "".join(f"{1000 + i},Person {i},Løn\n" for i in range(40)), encoding="utf-8")
    table = read_table(path, wanted_headers=[["medarbejdernr"], ["navn"], ["afdeling"]])
    assert isinstance(table.frame["Navn"].dtype, pd.StringDtype) == columnar  # the reader asked for ran
    assert table.headers == ["Medarbejdernr", "Navn", "Afdeling"] and table.header_row == 2
    assert list(table.rows) == list(range(3, 43))
    roster = ona.read_roster(path)
    assert roster.id_column == "Medarbejdernr" and roster.ids[0] == "1000" and roster.rows[0] == 3


# The sheet that holds the people ------------------------------------------------------------------------


def test_the_people_sheet_is_read_and_not_the_unit_lookup_before_it(tmp_path):
    path = write_workbook(tmp_path / "roster.xlsx", {
        "Afdelinger": [["Nr", "Navn", "Forvaltning"], ["10", "Løn", "Økonomi"],
                       ["20", "Jobcenter", "Beskæftigelse"]],
        "Medarbejdere": [["Medarbejdernr", "Navn", "E-mail", "Afdeling"], ["1001", "Mette Hansen", "mh@k.dk", "Løn"],
                         ["1002", "Per Jensen", "pj@k.dk", "Jobcenter"]]})
    roster = ona.read_roster(path)
    assert roster.sheet == "Medarbejdere" and list(roster.ids) == ["1001", "1002"]
    assert roster.unit_columns == ("Afdeling",)


def test_a_hidden_old_copy_of_the_roster_is_passed_over_for_the_visible_one(tmp_path):
    path = write_workbook(tmp_path / "roster.xlsx", {
        "gammel": [["ID", "Name", "Department"], ["9001", "Old Person", "X"]],
        "Medarbejdere": [["ID", "Name", "Department"], ["1001", "Mette Hansen", "Løn"],
                         ["1002", "Per Jensen", "Løn"]]},
        hidden=("gammel",))
    roster = ona.read_roster(path)
    assert roster.sheet == "Medarbejdere" and list(roster.ids) == ["1001", "1002"]


def test_a_hidden_tie_sheet_is_passed_over_for_the_visible_one(tmp_path):
    roster_path = tmp_path / "roster.csv"
    roster_path.write_text("id,name\n1001,Mette Hansen\n1002,Per Jensen\n1003,Anna Berg\n", encoding="utf-8")
    path = write_workbook(tmp_path / "ties.xlsx", {
        "pilot": [["Source", "Target"], ["1003", "1002"]],
        "Samarbejde": [["Source", "Target"], ["1001", "1002"], ["1002", "1001"]]}, hidden=("pilot",))
    ties = ona.read_ties(path, ona.read_roster(roster_path))
    assert ties.ties[["source", "target"]].values.tolist() == [["1001", "1002"], ["1002", "1001"]]
    assert ties.ties["row"].tolist() == [2, 3]


def test_a_hidden_roster_is_still_read_when_no_visible_sheet_has_one(tmp_path):
    path = write_workbook(tmp_path / "roster.xlsx", {
        "Vejledning": [["Udfyld arket og send det til HR"]],
        "data": [["Employee ID", "Name"], ["1001", "Mette Hansen"]]}, hidden=("data",))
    roster = ona.read_roster(path)
    assert roster.sheet == "data" and list(roster.ids) == ["1001"]


# Encodings ----------------------------------------------------------------------------------------------

EXCEL_ROWS = [["Employee ID", "Name", "Department"], ["E1", "Mette Hansen", "Økonomi"],
              ["E2", "Søren Ølgaard", "Økonomi"], ["E3", "Åsa Öberg", "HR"]]
EXCEL_TEXT = "".join(",".join(row) + "\r\n" for row in EXCEL_ROWS)


@pytest.mark.parametrize("columnar", [True, False])
def test_a_csv_utf8_file_read_with_encoding_utf8_keeps_no_byte_order_mark(tmp_path, monkeypatch, columnar):
    """Excel's "CSV UTF-8" starts with a byte-order mark; naming UTF-8 must not make it part of the
    first header (the id column would go unrecognised and the names would serve as ids)."""
    monkeypatch.setattr(_tables, "COLUMNAR_MIN_BYTES", 0 if columnar else 1 << 62)
    path = tmp_path / "roster.csv"
    path.write_bytes(codecs.BOM_UTF8 + EXCEL_TEXT.encode("utf-8"))
    for encoding in ("utf-8", "UTF8", "utf-8-sig", None):
        table = read_table(path, encoding=encoding)
        assert isinstance(table.frame["Name"].dtype, pd.StringDtype) == columnar
        assert table.headers == ["Employee ID", "Name", "Department"]
        roster = ona.read_roster(path, encoding=encoding)
        assert roster.id_column == "Employee ID" and list(roster.ids) == ["E1", "E2", "E3"]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_text_without_a_byte_order_mark_is_read(tmp_path, codec):
    path = tmp_path / "roster.txt"
    path.write_bytes("".join("\t".join(row) + "\r\n" for row in EXCEL_ROWS).encode(codec))
    for encoding in (None, codec):
        roster = ona.read_roster(path, encoding=encoding)
        assert list(roster.ids) == ["E1", "E2", "E3"]
        assert roster.people["Name"].tolist() == ["Mette Hansen", "Søren Ølgaard", "Åsa Öberg"]
        assert roster.people["Department"].tolist() == ["Økonomi", "Økonomi", "HR"]

