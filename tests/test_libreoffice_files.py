"""Files saved by a real office suite (LibreOffice 7.4), not built with openpyxl: what ona reads from
them must be what the office suite shows. The fixtures are in tests/fixtures/office/ (README.md
there says how each was made); LibreOffice is not needed to run these tests."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest

import ona
from ona.cli import cli

from conftest import ROOT, write_csv

OFFICE = Path(__file__).parent / "fixtures" / "office"
MUNICIPALITY = ROOT / "examples" / "municipality"


def tie_list(ties) -> list[tuple]:
    return [(s, t, float(w)) for s, t, w in zip(ties.ties["source"], ties.ties["target"], ties.ties["weight"])]


@pytest.fixture(scope="module")
def municipality():
    roster = ona.read_roster(MUNICIPALITY / "roster.xlsx")
    return roster, ona.read_ties(MUNICIPALITY / "ties.xlsx", roster)


def _same_network(municipality, roster_path: Path, ties_path: Path) -> None:
    roster, ties = municipality
    other = ona.read_roster(roster_path)
    pd.testing.assert_frame_equal(other.people, roster.people, check_dtype=False)
    assert (other.unit_columns, other.name_column, other.email_column) == \
        (roster.unit_columns, roster.name_column, roster.email_column)
    other_ties = ona.read_ties(ties_path, other)
    assert len(other_ties) == len(ties) == 3272
    assert tie_list(other_ties) == tie_list(ties)
    assert other_ties.respondents == ties.respondents


# Guards: these round trips were already right; they keep the municipality example's network the
# same through LibreOffice's .ods and its semicolon / Windows-1252 CSV export.

def test_guard_municipality_through_ods_is_the_same_network(municipality):
    _same_network(municipality, OFFICE / "municipality_roster.ods", OFFICE / "municipality_ties.ods")


def test_guard_municipality_through_semicolon_cp1252_csv_is_the_same_network(municipality):
    raw = (OFFICE / "municipality_roster_1252.csv").read_bytes()
    assert b";" in raw.splitlines()[0] and "Lærke".encode("cp1252") in raw  # as the fixture claims
    _same_network(municipality, OFFICE / "municipality_roster_1252.csv", OFFICE / "municipality_ties_1252.csv")


@pytest.mark.parametrize("suffix", [".xlsx", ".ods", ".xls"])
def test_guard_formula_roster_reads_the_values_calc_shows(suffix):
    """Department and Directorate are VLOOKUPs into a Units sheet (their stored values are read),
    Hired holds dates, the header is on row 3 below a title, column H and row 9 are hidden, an
    autofilter is on: as LibreOffice shows the sheet (hidden cells are data all the same)."""
    roster = ona.read_roster(OFFICE / f"roster_formula{suffix}")
    assert (roster.sheet, roster.header_row, roster.rows) == ("Staff", 3, (4, 5, 6, 7, 8, 9))
    assert roster.unit_columns == ("Directorate", "Department")
    people = roster.people
    assert list(people.index) == ["E01", "E02", "E03", "E04", "E05", "E06"]
    assert list(people["Department"]) == ["Skoler", "Skoler", "Dagtilbud", "Dagtilbud", "Økonomi", "Økonomi"]
    assert list(people["Directorate"]) == ["Børn og Unge"] * 4 + ["Stab"] * 2
    assert list(people["Hired"]) == ["2019-08-01", "2020-06-18", "2009-07-06", "2023-07-16", "2013-08-14",
                                     "2014-12-27"]
    ties = ona.read_ties(OFFICE / "ties_email.xlsx", roster)
    assert tie_list(ties) == [("E01", "E02", 5.0), ("E02", "E03", 3.0), ("E03", "E04", 4.0), ("E04", "E05", 2.0),
                              ("E05", "E06", 5.0), ("E06", "E01", 1.0)]


@pytest.mark.parametrize("suffix", [".xlsx", ".ods"])
def test_guard_template_filled_in_libreoffice_reads_with_no_options(suffix):
    """`ona template`, filled in and saved by LibreOffice: read with no options; the drop-downs are
    still in the saved file (LibreOffice's .xlsx keeps them on 1,000 rows below the last one filled)."""
    roster = ona.read_roster(OFFICE / "roster_formula.xlsx")
    ties = ona.read_ties(OFFICE / f"survey_filled{suffix}", roster)
    assert (ties.sheet, ties.shape) == ("Responses", "edges")
    assert tie_list(ties) == [("E01", "E02", 5.0), ("E01", "E03", 3.0), ("E02", "E01", 4.0), ("E03", "E04", 2.0),
                              ("E04", "E05", 1.0), ("E05", "E06", 5.0), ("E06", "E01", 3.0)]
    with zipfile.ZipFile(OFFICE / f"survey_filled{suffix}") as archive:
        if suffix == ".xlsx":
            sheet = archive.read("xl/worksheets/sheet2.xml").decode()
            assert re.findall(r'sqref="([^"]+)" type="(\w+)"><formula1>([^<]+)<', sheet) == \
                [("A2:B1008", "list", "People!$A$2:$A$7"), ("C2:C1008", "whole", "1")]
        else:
            content = archive.read("content.xml").decode()
            assert 'table:condition="of:cell-content-is-in-list([$People.$A$2:.$A$7])"' in content
            assert "cell-content-is-between(1,5)" in content


def test_guard_csv_with_quoted_line_breaks():
    """A wide survey exported by LibreOffice, whose colleague cells list names on lines of their own
    and a comment holds a line break, a semicolon and quotes: each record keeps its row as Calc shows it."""
    roster = ona.read_roster(OFFICE / "roster_names.xlsx")
    ties = ona.read_ties(OFFICE / "survey_linebreaks.csv", roster)
    assert ties.shape == "wide"
    assert list(zip(ties.ties["source"], ties.ties["target"], ties.ties["row"])) == [
        ("Søren Østergaard", "Åse Lærke", 2), ("Søren Østergaard", "Mette Hansen", 2),
        ("Åse Lærke", "Søren Østergaard", 3), ("Mette Hansen", "Jens Ærø", 4), ("Mette Hansen", "Karin Berg", 4),
        ("Mette Hansen", "Søren Østergaard", 4), ("Jens Ærø", "Karin Berg", 5)]


# Fixes.

MERGED = {"M1": ("Søren Østergaard", "Børn og Unge", "Skoler"), "M2": ("Åse Lærke", "Børn og Unge", "Skoler"),
          "M3": ("Mette Hansen", "Børn og Unge", "Dagtilbud"), "M4": ("Jens Ærø", "Stab", "Økonomi"),
          "M5": ("Karin Berg", "Stab", "Økonomi")}


@pytest.mark.parametrize("suffix", [".ods", ".xlsx"])
def test_merged_cells_of_an_ods_sheet_are_read_as_in_xlsx(suffix):
    """A two-level header (Medarbejdernr and Navn merged down beside Organisation over Forvaltning |
    Afdeling) and units merged down their people's rows. calamine gives no merged ranges for an .ods
    file: ona took row 2 as a person with a blank id and left the merged-down units blank."""
    roster = ona.read_roster(OFFICE / f"roster_merged{suffix}")
    assert (roster.sheet, roster.header_row, roster.rows) == ("Medarbejdere", 2, (3, 4, 5, 6, 7))
    assert list(roster.people.columns) == ["Navn", "Forvaltning", "Afdeling"]
    assert {pid: tuple(row) for pid, row in roster.people.iterrows()} == MERGED
    assert roster.unit_columns == ("Forvaltning", "Afdeling")


def test_validate_an_ods_roster_with_merged_cells(runner):
    res = runner.invoke(cli, ["--silent", "validate", "--roster", str(OFFICE / "roster_merged.ods"),
                              "--ties", str(OFFICE / "survey_linebreaks.csv")])
    assert res.exit_code == 0, res.output
    assert "0 errors, 0 warnings in roster_merged.ods, survey_linebreaks.csv: ready to analyse" in res.output


@pytest.mark.parametrize("suffix", [".xlsx", ".ods"])
def test_ids_shown_with_leading_zeros_by_their_format_are_read_as_shown(suffix):
    """Ids typed as numbers and shown as 00123 by the format 00000: ona read 123, so the same
    roster saved as CSV (which writes 00123) gave other ids, and two waves of it matched no one."""
    roster = ona.read_roster(OFFICE / f"roster_zero_padded{suffix}")
    assert list(roster.people.index) == ["00123", "04567", "00089"]
    assert list(roster.people.index) == list(ona.read_roster(OFFICE / "roster_zero_padded.csv").people.index)
    ties = ona.read_ties(OFFICE / "ties_zero_padded.csv", roster)
    assert tie_list(ties) == [("00123", "04567", 2.0), ("04567", "00089", 1.0), ("00089", "00123", 3.0)]


def test_ids_shown_with_leading_zeros_reach_the_outputs(runner, tmp_path):
    out = tmp_path / "report"
    res = runner.invoke(cli, ["--silent", "analyze", "--roster", str(OFFICE / "roster_zero_padded.xlsx"),
                              "--ties", str(OFFICE / "ties_zero_padded.csv"), "--out", str(out)])
    assert res.exit_code == 0, res.output
    nodes = pd.read_csv(out / "nodes.csv", dtype=str, encoding="utf-8-sig")
    assert list(nodes["id"]) == ["00123", "04567", "00089"]


def test_danish_weights_with_thousands_shown_are_read():
    """Weights in the Danish format #.##0,## exported as CSV by LibreOffice (semicolons,
    Windows-1252): 2,5; 1,25; 1.000,5; 1.234; 3. ona refused 1.000,5 (bad-weight) and read 1.234 as
    one and a quarter; in a column that writes decimals with a comma the points group thousands."""
    roster = ona.read_roster(OFFICE / "roster_names.xlsx")
    ties = ona.read_ties(OFFICE / "ties_decimal_comma_1252.csv", roster)
    assert tie_list(ties) == [("Søren Østergaard", "Åse Lærke", 2.5), ("Åse Lærke", "Mette Hansen", 1.25),
                              ("Mette Hansen", "Søren Østergaard", 1000.5), ("Jens Ærø", "Karin Berg", 1234.0),
                              ("Karin Berg", "Jens Ærø", 3.0)]


@pytest.mark.parametrize("weights, expected", [
    (["2.5", "1,000.5", "1,234"], [2.5, 1000.5, 1234.0]),   # thousands grouped by commas beside 2.5
    (["2,5", "1.5"], [2.5, 1.5]),                            # both marks: each read on its own, as before
    (["1.234", "2"], [1234.0, 2.0]),                         # beside whole numbers: thousands (a warning)
    (["1.234", "2.250"], [1.234, 2.25]),                     # nothing says which: decimals (a warning)
    (["1.000", "2,75"], [1000.0, 2.75]),
])
def test_weight_marks_are_read_per_sheet(tmp_path, weights, expected):
    roster = tmp_path / "roster.csv"
    write_csv(roster, [["id", "unit"], *[[f"P{i}", "A"] for i in range(len(weights) + 1)]])
    ties = write_csv(tmp_path / "ties.csv", [["source", "target", "weight"],
                                             *[[f"P{i}", f"P{i + 1}", w] for i, w in enumerate(weights)]])
    assert [w for _, _, w in tie_list(ona.read_ties(ties, ona.read_roster(roster)))] == expected


def test_a_weight_that_fits_neither_mark_is_still_an_error(tmp_path):
    roster = write_csv(tmp_path / "roster.csv", [["id", "unit"], ["P0", "A"], ["P1", "A"], ["P2", "A"]])
    ties = tmp_path / "ties.csv"
    ties.write_text("source;target;weight\nP0;P1;2,5\nP1;P2;1.23.4\n", encoding="utf-8")
    with pytest.raises(ona.InputError) as err:
        ona.read_ties(ties, ona.read_roster(roster))
    [problem] = err.value.problems
    assert (problem.code, problem.row, problem.column) == ("bad-weight", 3, "weight")
