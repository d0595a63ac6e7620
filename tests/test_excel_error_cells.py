"""Cells that show one of Excel's errors (#N/A from a VLOOKUP that found nothing, #DIV/0!, #REF! ...).

python-calamine reads such a cell as blank (python-calamine issue #105), so ona used to say "the
person id is blank" where the analyst sees #N/A, and to read a matrix cell, a weight or a colleague
showing #N/A as no tie at all, without a word. Each fixture is written with openpyxl, then its sheet
XML is patched to hold the cells as Excel saves them: ``<c r="B3" t="e"><f>NA()</f><v>#N/A</v></c>``.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from conftest import sales_roster, write_csv
from openpyxl import Workbook

import ona
from ona.cli import cli
from ona.errors import InputError
from ona.ingest import _tables
from ona.ingest.email import read_email
from ona.ingest.ratings import read_ratings
from ona.pipeline import analyze as run_analysis

FORMULAS = {"#N/A": "VLOOKUP(A3,Lookup!A:B,2,FALSE)", "#DIV/0!": "1/0", "#REF!": "#REF!+1",
            "#VALUE!": '"a"+1', "#NAME?": "NOSUCH()"}
ROSTER = [["id", "Name", "Department", "Role"], ["a", "Ann Secret", "Sales", "Nurse"],
          ["b", "Bo Hidden", "Sales", "Nurse"], ["c", "Cy Private", "Care", "Teacher"],
          ["d", "Di Personal", "Care", "Teacher"]]
NAMES = ("Ann", "Bo", "Cy", "Di", "Secret", "Hidden", "Private", "Personal")
FIX = "fix the formula or paste the values, then run again [excel-error]"
READ_AS_BLANK = "it is read as blank (fix the formula or paste the values to keep it) [excel-error]"

# What `ona validate` says it read of the roster these tests use (a tie file with errors has no line).
STAFF_READ = "Read: roster.xlsx, sheet 'Staff': 4 people, 2 units by Department"


def with_errors(path: Path, rows: list[list], errors: dict[str, str], *, sheet: str = "Staff",
                typed: tuple[str, ...] = (), merged: tuple[str, ...] = ()) -> Path:
    """``rows`` as one sheet of a workbook, with each cell of ``errors`` (``{"B3": "#N/A"}``) holding
    that error as Excel saves it: the formula and its cached error (a cell in ``typed`` holds the
    error as a value, without a formula); the ranges of ``merged`` ("C2:C3") are merged."""
    book = Workbook()
    ws = book.active
    ws.title = sheet
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(row=r, column=c, value=value)
    for ref in errors:
        ws[ref] = "placeholder"
    for cells in merged:
        ws.merge_cells(cells)
    book.save(path)
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    for ref, text in errors.items():
        formula = "" if ref in typed else f"<f>{FORMULAS[text].replace('&', '&amp;').replace('<', '&lt;')}</f>"
        xml, n = re.subn(rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)', f'<c r="{ref}" t="e">{formula}<v>{text}</v></c>', xml,
                         count=1)
        assert n == 1
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def shows(where: str, error: str, then: str = FIX) -> str:
    """The problem a cell showing ``error`` left by a formula gets: ``where`` is "file, sheet 'S', row
    3, column 'C'"."""
    return f"{where}: the cell shows Excel's error {error}, left by a formula; {then}"


def roster_file(tmp_path, errors=None, **kw) -> Path:
    return with_errors(tmp_path / "roster.xlsx", ROSTER, errors or {}, **kw)


def validate(runner, roster, *ties, by=None):
    args = ["validate", "--roster", str(roster), *(a for t in ties for a in ("--ties", str(t)))]
    return runner.invoke(cli, args + (["--by", by] if by else []))


def analyze(runner, tmp_path, roster, ties=None, by=None):
    args = ["analyze", "--roster", str(roster), "--out", str(tmp_path / "report")]
    args += ["--ties", str(ties)] if ties else []
    return runner.invoke(cli, args + (["--by", by] if by else []))


def test_a_roster_id_showing_na_is_an_excel_error_not_a_blank_id(runner, tmp_path):
    roster = roster_file(tmp_path, {"A3": "#N/A"})
    line = (f"roster.xlsx, sheet 'Staff', row 3, column 'id': the cell shows Excel's error #N/A, left by a formula; "
            f"{FIX}")
    res = validate(runner, roster)
    assert res.exit_code == 1
    assert res.stdout.splitlines() == [f"Error: {line}", "1 error, 0 warnings in roster.xlsx"]
    with pytest.raises(InputError) as caught:
        ona.read_roster(roster)
    assert [str(p) for p in caught.value.problems] == [line]
    res = analyze(runner, tmp_path, roster)
    assert res.exit_code == 2
    assert res.stderr.splitlines() == [f"Error: {line}"]
    assert "Traceback" not in res.output and not (tmp_path / "report").exists()


def test_validate_lists_every_error_cell_of_the_roster_at_once(runner, tmp_path):
    """An error in the name and unit columns (used) is an error; one in the Role column (only kept)
    a warning. A #DIV/0! in the unit was a blank-unit warning: the person counted in '(none)'."""
    roster = roster_file(tmp_path, {"B2": "#N/A", "C4": "#DIV/0!", "D5": "#REF!"})
    res = validate(runner, roster)
    assert res.exit_code == 1
    assert res.stdout.splitlines() == [
        (f"Error: roster.xlsx, sheet 'Staff', row 2, column 'Name': the cell shows Excel's error #N/A, left by a "
         f"formula; {FIX}"),
        (f"Error: roster.xlsx, sheet 'Staff', row 4, column 'Department': the cell shows Excel's error #DIV/0!, left "
         f"by a formula; {FIX}"),
        (f"Warning: roster.xlsx, sheet 'Staff', row 5, column 'Role': the cell shows Excel's error #REF!, left by a "
         f"formula; {READ_AS_BLANK}"),
        "2 errors, 1 warning in roster.xlsx",
    ]
    assert not any(name in res.output for name in NAMES)


def test_an_attribute_cell_is_a_warning_read_as_blank_until_measured_by_it(runner, tmp_path):
    roster = roster_file(tmp_path, {"D5": "#REF!"})
    warning = (f"roster.xlsx, sheet 'Staff', row 5, column 'Role': the cell shows Excel's error #REF!, left by a "
               f"formula; {READ_AS_BLANK}")
    read = ona.read_roster(roster)
    assert [str(w) for w in read.warnings] == [warning]
    assert read.people["Role"].tolist() == ["Nurse", "Nurse", "Teacher", ""]
    res = validate(runner, roster)
    assert res.exit_code == 0
    assert res.stdout.splitlines() == [f"Warning: {warning}", STAFF_READ,
                                       "0 errors, 1 warning in roster.xlsx: ready to analyse"]
    # Measured by --by Role, the cell is an error: its person would be counted in '(none)'.
    error = (f"roster.xlsx, sheet 'Staff', row 5, column 'Role': the cell shows Excel's error #REF!, left by a "
             f"formula; {FIX}")
    res = validate(runner, roster, by="Role")
    assert res.exit_code == 1
    assert res.stdout.splitlines() == [f"Error: {error}", "Read: roster.xlsx, sheet 'Staff': 4 people, 3 units by Role",
                                       "1 error, 0 warnings in roster.xlsx"]
    ties = write_csv(tmp_path / "ties.csv", [["Source", "Target"], ["a", "b"], ["c", "d"]])
    res = analyze(runner, tmp_path, roster, ties, by="role")
    assert res.exit_code == 2
    assert res.stderr.splitlines() == [f"Error: {error}"]
    with pytest.raises(InputError) as caught:
        run_analysis(read, by="Role")
    assert [str(p) for p in caught.value.problems] == [error]


def test_an_error_typed_as_a_value_says_so(runner, tmp_path):
    roster = roster_file(tmp_path, {"C3": "#N/A"}, typed=("C3",))
    res = validate(runner, roster)
    assert res.exit_code == 1
    assert res.stdout.splitlines()[0] == (
        "Error: roster.xlsx, sheet 'Staff', row 3, column 'Department': the cell holds Excel's error #N/A as its "
        "value; type the value it stands for, then run again [excel-error]")


def test_a_row_of_nothing_but_errors_is_reported_not_skipped(tmp_path):
    """A lookup formula filled down past the last person shows #N/A in every cell of its row: the row
    is a record with errors (read as blank, it used to be skipped as an empty row)."""
    roster = roster_file(tmp_path, {"A6": "#N/A", "B6": "#N/A", "C6": "#N/A", "D6": "#N/A"})
    with pytest.raises(InputError) as caught:
        ona.read_roster(roster)
    assert [(p.severity, p.row, p.column, p.code) for p in caught.value.problems] == [
        ("error", 6, "id", "excel-error"), ("error", 6, "Name", "excel-error"),
        ("error", 6, "Department", "excel-error"), ("warning", 6, "Role", "excel-error")]


def test_an_error_in_a_merged_cell_is_reported_for_every_row_it_covers(tmp_path):
    """A department merged down over two people's rows applies to each of them (as ona reads merged
    cells); when it shows #N/A, both people lack their unit."""
    rows = [row[:] for row in ROSTER]
    rows[2][2] = None
    roster = with_errors(tmp_path / "roster.xlsx", rows, {"C2": "#N/A"}, merged=("C2:C3",))
    with pytest.raises(InputError) as caught:
        ona.read_roster(roster)
    assert [(p.code, p.row, p.column) for p in caught.value.problems] == [
        ("excel-error", 2, "Department"), ("excel-error", 3, "Department")]


def test_an_edge_list_target_showing_na_is_an_error_not_a_blank_person(runner, tmp_path):
    roster = roster_file(tmp_path)
    ties = with_errors(tmp_path / "ties.xlsx", [["Source", "Target", "Weight", "Note"], ["a", "b", 1, "x"],
                                                ["a", "c", 2, "x"], ["b", "c", 1, "x"]],
                       {"B3": "#N/A", "D4": "#VALUE!"}, sheet="Ties")
    res = validate(runner, roster, ties)
    assert res.exit_code == 1
    target = shows("ties.xlsx, sheet 'Ties', row 3, column 'Target'", "#N/A")
    assert res.stdout.splitlines() == [
        f"Error: {target}",
        "Warning: " + shows("ties.xlsx, sheet 'Ties', row 4, column 'Note'", "#VALUE!", READ_AS_BLANK),
        STAFF_READ, "1 error, 1 warning in roster.xlsx, ties.xlsx",
    ]
    res = analyze(runner, tmp_path, roster, ties)
    assert res.exit_code == 2
    assert res.stderr.splitlines()[0] == f"Error: {target}"
    assert "Traceback" not in res.output


def test_a_weight_showing_an_error_is_an_excel_error_not_a_bad_weight(tmp_path):
    roster = ona.read_roster(roster_file(tmp_path))
    ties = with_errors(tmp_path / "ties.xlsx", [["Source", "Target", "Weight"], ["a", "b", 1], ["a", "c", 2],
                                                ["b", "c", 1]], {"C4": "#DIV/0!"}, sheet="Ties")
    with pytest.raises(InputError) as caught:
        ona.read_ties(ties, roster)
    assert [str(p) for p in caught.value.problems] == [
        (f"ties.xlsx, sheet 'Ties', row 4, column 'Weight': the cell shows Excel's error #DIV/0!, left by a formula; "
         f"{FIX}")]


def test_a_matrix_cell_showing_na_is_an_error_not_no_tie(runner, tmp_path):
    """Read as blank, the cell was 0: Ann's tie to Cy was lost without a word. The cell is named by
    its column letter (the header is Cy's name)."""
    roster = roster_file(tmp_path)
    matrix = with_errors(tmp_path / "matrix.xlsx", [
        ["", "Ann Secret", "Bo Hidden", "Cy Private", "Di Personal"], ["Ann Secret", 0, 1, None, 1],
        ["Bo Hidden", 1, 0, 1, 0], ["Cy Private", 0, 1, 0, 1], ["Di Personal", 1, 1, 0, 0]], {"D2": "#N/A"},
        sheet="Matrix")
    line = (f"matrix.xlsx, sheet 'Matrix', row 2, column 'D': the cell shows Excel's error #N/A, left by a "
            f"formula; {FIX}")
    res = validate(runner, roster, matrix)
    assert res.exit_code == 1
    assert res.stdout.splitlines() == [f"Error: {line}", STAFF_READ, "1 error, 0 warnings in roster.xlsx, matrix.xlsx"]
    assert not any(name in res.output for name in NAMES)
    with pytest.raises(InputError) as caught:
        ona.read_ties(matrix, ona.read_roster(roster))
    assert [str(p) for p in caught.value.problems] == [line]


def test_a_wide_sheet_colleague_showing_na_is_an_error_not_no_colleague(runner, tmp_path):
    roster = roster_file(tmp_path)
    wide = with_errors(tmp_path / "survey.xlsx", [["Respondent", "Colleague 1", "How often 1", "Colleague 2",
                                                   "How often 2"],
                                                  ["a", "b", 3, "c", 2], ["b", "c", 1, "d", 4]],
                       {"D2": "#N/A", "E3": "#NAME?"}, sheet="Answers")
    res = validate(runner, roster, wide)
    assert res.exit_code == 1
    assert res.stdout.splitlines() == [
        "Error: " + shows("survey.xlsx, sheet 'Answers', row 2, column 'Colleague 2'", "#N/A"),
        "Error: " + shows("survey.xlsx, sheet 'Answers', row 3, column 'How often 2'", "#NAME?"),
        STAFF_READ, "2 errors, 0 warnings in roster.xlsx, survey.xlsx",
    ]


def test_an_excel_message_log_with_an_error_cell(runner, tmp_path):
    """`ona email` reads Excel logs: a recipient showing #N/A is an error (the message's tie was lost);
    an error in the Subject, which no reader takes, a warning."""
    roster = sales_roster(tmp_path / "roster.csv", 4)
    rows = [["From", "To", "Date", "Subject"], ["p0@org.dk", "p1@org.dk", "2025-03-01", "s"],
            ["p1@org.dk", "p2@org.dk", "2025-03-02", "s"], ["p2@org.dk", "p3@org.dk", "2025-03-03", "s"]]
    log = with_errors(tmp_path / "log.xlsx", rows, {"B3": "#N/A", "D4": "#VALUE!"}, sheet="Log")
    error = f"log.xlsx, sheet 'Log', row 3, column 'To': the cell shows Excel's error #N/A, left by a formula; {FIX}"
    warning = (f"log.xlsx, sheet 'Log', row 4, column 'Subject': the cell shows Excel's error #VALUE!, left by a "
               f"formula; {READ_AS_BLANK}")
    res = runner.invoke(cli, ["email", str(log), "--roster", str(roster), "--out", str(tmp_path / "ties.csv")])
    assert res.exit_code == 2
    assert res.stderr.splitlines() == [f"Error: {error}", f"Warning: {warning}"]
    assert not (tmp_path / "ties.csv").exists()
    people = ona.read_roster(roster)
    with pytest.raises(InputError) as caught:
        read_email(log, people)
    assert [str(p) for p in caught.value.problems] == [error, warning]
    fine = with_errors(tmp_path / "log2.xlsx", rows, {"D4": "#VALUE!"}, sheet="Log")
    result = read_email(fine, people)
    assert [str(w) for w in result.warnings] == [warning.replace("log.xlsx", "log2.xlsx")]
    assert len(result.ties) == 3


def test_a_rating_showing_an_error_is_an_error_not_a_missing_answer(tmp_path):
    rows = [["Respondent unit", "Rated unit", "q1", "q2"], ["A", "B", "4", "2"], ["A", "B", "5", "5"],
            ["B", "A", "2", "2"], ["B", "A", "1", "3"]]
    ratings = with_errors(tmp_path / "ratings.xlsx", rows, {"C3": "#DIV/0!"}, sheet="Ratings")
    with pytest.raises(InputError) as caught:
        read_ratings(ratings, None)
    assert [str(p) for p in caught.value.problems] == [
        (f"ratings.xlsx, sheet 'Ratings', row 3, column 'q1': the cell shows Excel's error #DIV/0!, left by a "
         f"formula; {FIX}")]


def test_an_xlsm_workbook_is_read_the_same_way(tmp_path):
    roster = roster_file(tmp_path, {"A3": "#N/A"})
    macro = roster.rename(tmp_path / "roster.xlsm")
    with pytest.raises(InputError) as caught:
        ona.read_roster(macro)
    assert [(p.code, p.row, p.column) for p in caught.value.problems] == [("excel-error", 3, "id")]


def test_error_cells_cut_across_the_pieces_the_sheet_is_read_in(tmp_path, monkeypatch):
    """Guard: the sheet XML is read in pieces of 4 MB; each is cut before its last cell, so that a
    cell split across two pieces is still found. Pieces of 7 bytes cut every cell."""
    rows = [["id", "Name", "Department"]] + [[f"p{i}", f"N{i}", "X"] for i in range(40)]
    errors = {f"B{r}": "#N/A" for r in range(2, 42, 3)} | {"C41": "#REF!"}
    path = with_errors(tmp_path / "big.xlsx", rows, errors)
    whole = _tables.read_table(path)
    monkeypatch.setattr(_tables, "_XML_CHUNK", 7)
    pieces = _tables.read_table(path)
    assert pieces.cell_errors == whole.cell_errors
    assert [(c.row, c.column, c.text) for c in whole.cell_errors] == [
        (int(ref[1:]), {"B": "Name", "C": "Department"}[ref[0]], text) for ref, text in sorted(
            errors.items(), key=lambda item: (int(item[0][1:]), item[0][0]))]
    with zipfile.ZipFile(path) as archive:  # (and the used range, from the same pieces)
        assert _tables._used_range(archive, archive.getinfo("xl/worksheets/sheet1.xml"))[:2] == (41, 3)


def test_a_sheet_of_nothing_but_error_cells_says_so_not_that_it_is_empty(runner, tmp_path):
    """A lookup sheet whose every formula broke: calamine reads it as blank, and ona said "every
    sheet of the workbook is empty"."""
    roster = with_errors(tmp_path / "roster.xlsx", [[None, None], [None, None]],
                         {"A1": "#REF!", "B1": "#REF!", "A2": "#N/A", "B2": "#N/A"})
    res = validate(runner, roster)
    assert res.exit_code == 1
    assert res.stdout.splitlines() == [
        "Error: roster.xlsx, sheet 'Staff': every cell of the sheet that holds anything shows an Excel error (4 "
        "cells; the first, A1, shows #REF!, left by a formula); fix the formulas or paste the values, then run "
        "again [excel-error]", "1 error, 0 warnings in roster.xlsx"]


def test_an_error_cell_whose_reference_follows_its_type_is_found(tmp_path):
    """<c t="e" r="C4">: XML gives attributes no order (the scan looked for r="..." first)."""
    path = with_errors(tmp_path / "roster.xlsx", ROSTER, {"C4": "#N/A"})
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    assert b'<c r="C4" t="e">' in sheet
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(b'<c r="C4" t="e">', b'<c t="e" r="C4">')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    with pytest.raises(InputError) as caught:
        ona.read_roster(path)
    assert [str(p) for p in caught.value.problems] == [
        f"roster.xlsx, sheet 'Staff', row 4, column 'Department': the cell shows Excel's error #N/A, left by a "
        f"formula; {FIX}"]
