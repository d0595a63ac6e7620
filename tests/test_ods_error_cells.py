"""A cell of an .ods workbook that shows an error (#N/A from a VLOOKUP that found nothing, or
LibreOffice's own Err:502) is an error or a warning with its place, as in .xlsx.

python-calamine reads such a cell as its stored value, 0: a person's department read as "0" and a
tie's frequency as 0 (no tie), without a word. The fixtures are LibreOffice's own files
(tests/fixtures/office/README.md) with one cell made to show an error as LibreOffice writes it:
``<table:table-cell table:formula="of:=..." office:value-type="float" office:value="0"
calcext:value-type="error"><text:p>#N/A</text:p></table:table-cell>``.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from conftest import TESTS

import ona
from ona.cli import cli
from ona.errors import InputError

OFFICE = TESTS / "fixtures" / "office"


def showing_error(source: Path, path: Path, cell: str, text: str = "#N/A", formula: bool = True) -> Path:
    """``source`` with its first ``cell`` (the exact XML of a cell in content.xml) showing ``text``."""
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(path, "w") as out:
        for info in archive.infolist():
            data = archive.read(info.filename)
            if info.filename == "content.xml":
                xml = data.decode()
                assert cell in xml
                left_by = ' table:formula="of:=NA()"' if formula else ""
                shown = (f'<table:table-cell{left_by} office:value-type="float" office:value="0" '
                         f'calcext:value-type="error"><text:p>{text}</text:p></table:table-cell>')
                data = xml.replace(cell, shown, 1).encode()
            out.writestr(info, data)
    return path


DEPARTMENT_E02 = ('<table:table-cell table:formula="of:=VLOOKUP([.D5];[$Units.$A$2:.$C$4];2;0)" '
                  'office:value-type="string" office:string-value="Skoler" calcext:value-type="string">'
                  '<text:p>Skoler</text:p></table:table-cell>')
NOTE = '<table:table-cell office:value-type="string" calcext:value-type="string"><text:p>secret</text:p></table:table-cell>'
FREQUENCY_5 = '<table:table-cell office:value-type="float" office:value="5" calcext:value-type="float"><text:p>5</text:p></table:table-cell>'


def test_a_unit_showing_na_is_an_error_not_a_department_named_0(runner, tmp_path):
    roster = showing_error(OFFICE / "roster_formula.ods", tmp_path / "roster.ods", DEPARTMENT_E02)
    line = ("roster.ods, sheet 'Staff', row 5, column 'Department': the cell shows the spreadsheet's error #N/A, left "
            "by a formula; fix the formula or paste the values, then run again [excel-error]")
    with pytest.raises(InputError) as caught:
        ona.read_roster(roster)
    assert [str(p) for p in caught.value.problems if p.severity == "error"] == [line]
    res = runner.invoke(cli, ["analyze", "--roster", str(roster), "--out", str(tmp_path / "out")])
    assert res.exit_code == 2 and res.stderr.splitlines()[0] == f"Error: {line}"
    assert "Traceback" not in res.output and not (tmp_path / "out").exists()


def test_an_error_of_libreoffices_own_in_a_kept_column_is_a_warning_and_read_as_blank(tmp_path):
    roster = ona.read_roster(showing_error(OFFICE / "roster_formula.ods", tmp_path / "roster.ods", NOTE, "Err:502"))
    assert roster.people.loc["E01", "CPR note"] == ""
    warning = next(w for w in roster.warnings if w.code == "excel-error")
    assert str(warning) == ("roster.ods, sheet 'Staff', row 4, column 'CPR note': the cell shows the error Err:502, "
                            "left by a formula; it is read as blank (fix the formula or paste the values to keep it) "
                            "[excel-error]")


def test_a_frequency_showing_na_is_an_error_not_no_tie(tmp_path):
    roster = ona.read_roster(OFFICE / "municipality_roster.ods")
    ties = showing_error(OFFICE / "municipality_ties.ods", tmp_path / "ties.ods", FREQUENCY_5, formula=False)
    with pytest.raises(InputError) as caught:
        ona.read_ties(ties, roster)
    assert [str(p) for p in caught.value.problems if p.code == "excel-error"] == [
        "ties.ods, sheet 'Ties', row 3, column 'Frequency': the cell holds the spreadsheet's error #N/A as its value; "
        "type the value it stands for, then run again [excel-error]"]
    assert len(ona.read_ties(OFFICE / "municipality_ties.ods", roster).ties) > 0


def test_an_ods_sheet_of_nothing_but_error_cells_says_so(tmp_path):
    """Every cell of municipality_roster.ods's sheet made to show #N/A: calamine reads 0 in each."""
    import re

    source = OFFICE / "municipality_roster.ods"
    path = tmp_path / "roster.ods"
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(path, "w") as out:
        for info in archive.infolist():
            data = archive.read(info.filename)
            if info.filename == "content.xml":
                data, n = re.subn(rb'<table:table-cell( table:style-name="[^"]*")? office:value-type="(?:string|float)"'
                                  rb'[^>]*>(?:<text:p>[^<]*</text:p>)?</table:table-cell>',
                                  b'<table:table-cell office:value-type="float" office:value="0" '
                                  b'calcext:value-type="error"><text:p>#N/A</text:p></table:table-cell>', data)
                assert n > 100
            out.writestr(info, data)
    with pytest.raises(InputError) as caught:
        ona.read_roster(path)
    problem, = caught.value.problems
    assert problem.code == "excel-error" and problem.message.startswith(
        "every cell of the sheet that holds anything shows an Excel error (")
    assert problem.message.endswith("the first, A1, shows #N/A); fix the formulas or paste the values, then run again")
