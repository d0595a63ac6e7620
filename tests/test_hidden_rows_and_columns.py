"""Rows and columns an analyst hid in Excel are read like the others, and ona says so.

An HR export is filtered to show only current staff, or has a column of personal numbers hidden
before it is passed on. calamine reads hidden cells like visible ones, so the former employees
were measured and the hidden column reached nodes.csv and the map without a word. Now each
hidden part of a roster or tie sheet is a warning with its place (never a value of the sheet).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

import ona
from ona.cli import cli

ROSTER = [["id", "Name", "Department", "Personal number"], ["a", "Ann Secret", "Sales", "010101-1234"],
          ["b", "Bo Hidden", "Sales", "020202-2345"], ["c", "Cy Private", "Care", "030303-3456"],
          ["d", "Di Personal", "Care", "040404-4567"]]
SECRETS = ("Ann", "Bo ", "Cy", "Di ", "Secret", "Private", "-1234", "-2345", "-3456")
ROW_3 = ("roster.xlsx, sheet 'Staff': 1 of its rows is hidden in Excel (row 3: hidden, filtered out or in a "
         "collapsed group); ona reads it like the others: delete the rows that are not to be read, or show "
         "them to check [hidden-rows]")
# What `ona validate` says it read of ROSTER (sheet Staff).
STAFF_READ = "Read: roster.xlsx, sheet 'Staff': 4 people, 2 units by Department"
COLUMN_D = ("roster.xlsx, sheet 'Staff', column 'Personal number': the column is hidden in Excel; ona reads it "
            "like the others, and the report's files (nodes.csv, the GEXF and GraphML files, the map) show its "
            "values unless the run is pseudonymised: delete the column if they must not leave the roster "
            "[hidden-column]")


def workbook(path: Path, rows: list[list], sheet: str, hidden_rows=(), hidden_columns=(), right_of=None) -> Path:
    """``rows`` as a sheet with Excel's hidden rows (numbers) and columns (letters); ``right_of``: every
    column from that letter to the last (XFD) hidden, as a tidy sheet hides the unused ones."""
    book = Workbook()
    ws = book.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    for r in hidden_rows:
        ws.row_dimensions[r].hidden = True
    for letter in hidden_columns:
        ws.column_dimensions[letter].hidden = True
    if right_of:
        ws.column_dimensions.group(right_of, "XFD", hidden=True)
    book.save(path)
    return path


def test_a_hidden_person_and_a_hidden_column_are_warnings_and_still_read(runner, tmp_path):
    roster = workbook(tmp_path / "roster.xlsx", ROSTER, "Staff", hidden_rows=[3], hidden_columns=["D"])
    res = runner.invoke(cli, ["validate", "--roster", str(roster)])
    assert res.exit_code == 0, res.output
    assert res.stdout.splitlines() == [f"Warning: {ROW_3}", f"Warning: {COLUMN_D}",
                                       STAFF_READ, "0 errors, 2 warnings in roster.xlsx: ready to analyse"]
    assert not any(secret in res.output for secret in SECRETS)
    people = ona.read_roster(roster)
    assert list(people.people.index) == ["a", "b", "c", "d"] and "Personal number" in people.people.columns
    assert [str(w) for w in people.warnings] == [ROW_3, COLUMN_D]


def test_analyze_prints_the_warnings_and_writes_the_report(runner, tmp_path):
    roster = workbook(tmp_path / "roster.xlsx", ROSTER, "Staff", hidden_rows=[3], hidden_columns=["D"])
    ties = tmp_path / "ties.csv"
    ties.write_text("source,target\na,b\nb,c\nc,d\n", encoding="utf-8")
    res = runner.invoke(cli, ["analyze", "--roster", str(roster), "--ties", str(ties), "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    assert f"Warning: {ROW_3}" in res.stderr and f"Warning: {COLUMN_D}" in res.stderr
    assert (tmp_path / "out" / "index.html").exists()


def test_unused_columns_hidden_to_the_right_and_a_visible_sheet_say_nothing(runner, tmp_path):
    tidy = workbook(tmp_path / "roster.xlsx", ROSTER, "Staff", right_of="F")
    res = runner.invoke(cli, ["validate", "--roster", str(tidy)])
    assert res.exit_code == 0 and res.stdout.splitlines() == [
        STAFF_READ, "0 errors, 0 warnings in roster.xlsx: ready to analyse"]
    assert ona.read_roster(tidy).warnings == ()


def test_many_hidden_rows_are_counted_and_the_first_five_named(tmp_path):
    rows = [["id", "Department"]] + [[f"p{i}", "Sales"] for i in range(1, 1201)]
    roster = workbook(tmp_path / "roster.xlsx", rows, "Staff", hidden_rows=range(10, 1110))
    warning, = ona.read_roster(roster).warnings
    assert str(warning) == ("roster.xlsx, sheet 'Staff': 1,100 of its rows are hidden in Excel (rows 10, 11, 12, 13, "
                            "14, ...: hidden, filtered out or in a collapsed group); ona reads them like the others: "
                            "delete the rows that are not to be read, or show them to check [hidden-rows]")


def test_a_hidden_blank_row_is_no_record_and_says_nothing(tmp_path):
    rows = ROSTER[:3] + [[None, None, None, None]] + ROSTER[3:]
    roster = workbook(tmp_path / "roster.xlsx", rows, "Staff", hidden_rows=[4])
    assert ona.read_roster(roster).warnings == ()


def test_hidden_tie_rows_and_a_hidden_matrix_column_are_named_by_row_and_letter(runner, tmp_path):
    roster = ona.read_roster(workbook(tmp_path / "roster.xlsx", ROSTER, "Staff"))
    edges = workbook(tmp_path / "ties.xlsx", [["Source", "Target"], ["a", "b"], ["b", "c"], ["c", "d"]], "Ties",
                     hidden_rows=[2, 4])
    ties = ona.read_ties(edges, roster)
    assert len(ties.ties) == 3
    assert [str(w) for w in ties.warnings] == [
        "ties.xlsx, sheet 'Ties': 2 of its rows are hidden in Excel (rows 2, 4: hidden, filtered out or in a collapsed "
        "group); ona reads them like the others: delete the rows that are not to be read, or show them to check "
        "[hidden-rows]"]
    names = [r[1] for r in ROSTER[1:]]
    matrix = workbook(tmp_path / "matrix.xlsx", [[""] + names] + [[n] + [int(i != j) for j in range(4)]
                                                                  for i, n in enumerate(names)], "Matrix",
                      hidden_columns=["C"])
    warning, = ona.read_ties(matrix, roster).warnings
    assert str(warning) == ("matrix.xlsx, sheet 'Matrix', column 'C': the column is hidden in Excel; ona reads it "
                            "like the others [hidden-column]")
    res = runner.invoke(cli, ["validate", "--roster", str(tmp_path / "roster.xlsx"), "--ties", str(matrix)])
    assert res.exit_code == 0 and "column 'C': the column is hidden" in res.stdout
    assert not any(secret in res.output for secret in SECRETS)


def test_hidden_marks_cut_across_the_pieces_the_sheet_is_read_in(tmp_path, monkeypatch):
    """The sheet XML is read in pieces (4 MB; here a few hundred bytes): a row's tag is never cut."""
    from ona.ingest import _tables

    rows = [["id", "Department"]] + [[f"p{i}", "Sales"] for i in range(1, 301)]
    roster = workbook(tmp_path / "roster.xlsx", rows, "Staff", hidden_rows=range(2, 302, 7))
    monkeypatch.setattr(_tables, "_XML_CHUNK", 333)
    with zipfile.ZipFile(roster) as archive:
        hidden = _tables._used_range(archive, archive.getinfo("xl/worksheets/sheet1.xml"))[3]
    assert sorted(hidden.rows) == list(range(2, 302, 7)) and hidden.columns == frozenset()
    warning, = ona.read_roster(roster).warnings
    assert warning.message.startswith(f"{len(range(2, 302, 7))} of its rows are hidden in Excel (rows 2, 9, 16, 23, 30,")


# --- Sheets whose XML gives the namespace a prefix (<x:c>, as the .NET Open XML SDK writes) -------

def prefixed(path: Path, extra_cells: str = "", error_at: str | None = None) -> Path:
    """The workbook at ``path`` with its sheet's elements written ``<x:row>``, ``<x:c>`` ...;
    ``extra_cells``, prefixed XML added at the end of sheetData; ``error_at`` ("B3"), a cell that shows
    #N/A left by a formula."""
    import re

    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    if error_at:
        xml, n = re.subn(rf'<c r="{error_at}"[^>]*?(?:/>|>.*?</c>)', f'<c r="{error_at}" t="e"><f>NA()</f><v>#N/A</v></c>',
                         xml, count=1)
        assert n == 1
    xml = xml.replace('<worksheet xmlns="', '<x:worksheet xmlns:x="')
    xml = re.sub(r"<(/?)(?!x:)([a-zA-Z]+)", r"<\1x:\2", xml).replace("</x:sheetData>", extra_cells + "</x:sheetData>")
    assert "<x:c r=" in xml and "<c " not in xml
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def test_a_prefixed_sheet_with_a_cell_far_away_is_refused_not_a_crash(runner, tmp_path):
    """calamine reads prefixed sheets, and allocated 17 billion cells for this one: the process
    aborted (signal 6, a Rust panic), since the range guard looked only for <c r=...>."""
    roster = prefixed(workbook(tmp_path / "roster.xlsx", ROSTER, "Staff"),
                      '<x:row r="1048576"><x:c r="XFD1048576" t="inlineStr"><x:is><x:t>z</x:t></x:is></x:c></x:row>')
    res = runner.invoke(cli, ["analyze", "--roster", str(roster), "--out", str(tmp_path / "out")])
    assert res.exit_code == 2
    assert res.stderr.splitlines() == [
        "Error: roster.xlsx: refused: a sheet's used range is 1,048,576 rows by 16,384 columns (too large, limit "
        "20,000,000 cells); delete the stray cells far below or right of the table (xl/worksheets/sheet1.xml) "
        "[too-large]"]
    assert not (tmp_path / "out").exists()


def test_a_prefixed_sheet_reports_its_error_cells_and_hidden_rows(tmp_path):
    roster = prefixed(workbook(tmp_path / "roster.xlsx", ROSTER, "Staff", hidden_rows=[3]))
    assert [str(w) for w in ona.read_roster(roster).warnings] == [ROW_3]
    broken = prefixed(workbook(tmp_path / "broken.xlsx", ROSTER, "Staff"), error_at="C4")
    with pytest.raises(ona.InputError) as caught:
        ona.read_roster(broken)
    assert [str(p) for p in caught.value.problems] == [
        "broken.xlsx, sheet 'Staff', row 4, column 'Department': the cell shows Excel's error #N/A, left by a "
        "formula; fix the formula or paste the values, then run again [excel-error]"]


def test_a_far_cell_whose_reference_is_not_its_first_attribute_is_refused_not_a_crash(runner, tmp_path):
    """XML gives attributes no order: <c t="inlineStr" r="XFD1048576"> aborted the process too."""
    roster = workbook(tmp_path / "roster.xlsx", ROSTER, "Staff")
    with zipfile.ZipFile(roster) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(
        b"</sheetData>", b'<row r="1048576"><c t="inlineStr" r="XFD1048576"><is><t>z</t></is></c></row></sheetData>')
    with zipfile.ZipFile(roster, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    res = runner.invoke(cli, ["validate", "--roster", str(roster)])
    assert res.exit_code == 1
    assert res.stdout.splitlines()[0].startswith(
        "Error: roster.xlsx: refused: a sheet's used range is 1,048,576 rows by 16,384 columns (too large")


def test_an_ods_roster_from_libreoffice_says_what_it_hides_too(runner, tmp_path):
    """tests/fixtures/office/roster_merged.ods (saved by LibreOffice), with its fourth row and its
    Forvaltning column hidden as LibreOffice writes them (table:visibility="collapse")."""
    import re

    from conftest import TESTS

    source = TESTS / "fixtures" / "office" / "roster_merged.ods"
    hidden = tmp_path / "roster.ods"
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(hidden, "w") as out:
        for info in archive.infolist():
            data = archive.read(info.filename)
            if info.filename == "content.xml":
                xml = data.decode()
                columns = ('<table:table-column table:style-name="co1" table:number-columns-repeated="4" '
                           'table:default-cell-style-name="Default"/>')
                assert columns in xml
                xml = xml.replace(columns, columns.replace('"4"', '"2"') + columns.replace(
                    'table:number-columns-repeated="4"', 'table:visibility="collapse"') + columns.replace(
                    ' table:number-columns-repeated="4"', ""), 1)
                fourth = [m.start() for m in re.finditer("<table:table-row ", xml)][3]
                xml = xml[:fourth] + '<table:table-row table:visibility="collapse" ' + xml[fourth + 17:]
                data = xml.encode()
            out.writestr(info, data)
    res = runner.invoke(cli, ["validate", "--roster", str(hidden)])
    assert res.exit_code == 0, res.output
    assert res.stdout.splitlines() == [
        "Warning: roster.ods, sheet 'Medarbejdere': 1 of its rows is hidden in the spreadsheet (row 4: hidden, "
        "filtered out or in a collapsed group); ona reads it like the others: delete the rows that are not to be "
        "read, or show them to check [hidden-rows]",
        "Warning: roster.ods, sheet 'Medarbejdere', column 'Forvaltning': the column is hidden in the spreadsheet; "
        "ona reads it like the others, and the report's files (nodes.csv, the GEXF and GraphML files, the map) show "
        "its values unless the run is pseudonymised: delete the column if they must not leave the roster "
        "[hidden-column]",
        "Read: roster.ods, sheet 'Medarbejdere': 5 people, 3 units by Afdeling",
        "0 errors, 2 warnings in roster.ods: ready to analyse"]
    visible = runner.invoke(cli, ["validate", "--roster", str(source)])
    assert visible.stdout.splitlines() == ["Read: roster_merged.ods, sheet 'Medarbejdere': 5 people, 3 units by Afdeling",
                                           "0 errors, 0 warnings in roster_merged.ods: ready to analyse"]


def test_the_files_libreoffice_saved_with_a_hidden_row_and_column_say_so_in_both_formats(runner):
    """roster_formula.xlsx and .ods (tests/fixtures/office/README.md): LibreOffice hid row 9 (E06)
    and column H (CPR note), and put an AutoFilter on the table."""
    from conftest import TESTS

    for suffix, where in ((".xlsx", "Excel"), (".ods", "the spreadsheet")):
        path = TESTS / "fixtures" / "office" / f"roster_formula{suffix}"
        roster = ona.read_roster(path)
        assert "E06" in roster.people.index and "CPR note" in roster.people.columns
        assert [(w.code, w.row, w.column) for w in roster.warnings] == [("hidden-rows", None, None),
                                                                         ("hidden-column", None, "CPR note")]
        assert f"1 of its rows is hidden in {where} (row 9:" in roster.warnings[0].message


def test_a_prefixed_sheet_keeps_the_zeros_its_number_format_shows(tmp_path):
    """roster_zero_padded.xlsx (LibreOffice: ids typed as numbers, shown 00123 by the format 00000)
    with its sheet written as the .NET Open XML SDK writes it (<x:c>): the padded-id reader looked
    for <c> only, so the ids were read as 123, while the same roster as .xlsx gave 00123."""
    import re

    from conftest import TESTS

    source = TESTS / "fixtures" / "office" / "roster_zero_padded.xlsx"
    path = tmp_path / "roster.xlsx"
    with zipfile.ZipFile(source) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    xml = xml.replace('<worksheet xmlns="', '<x:worksheet xmlns:x="', 1)
    xml = re.sub(r"<(/?)([a-zA-Z]+)(?=[\s>/])", r"<\1x:\2", xml)  # (elements of another prefix stay as they are)
    assert "<x:c r=" in xml and "<c " not in xml
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    padded = list(ona.read_roster(source).people.index)
    assert any(pid.startswith("0") for pid in padded)
    assert list(ona.read_roster(path).people.index) == padded
