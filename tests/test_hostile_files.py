"""An analyst's folder holds every kind of file: empty ones, half-copied ones, an export with 10,000
columns, a workbook that unpacks to gigabytes. `ona` gives either the right result or a clean error
that names the file (and sheet, row and column where there is one), exit code 2, never a traceback,
never a hang: the dangerous cases run in a child process with a time and memory limit.
"""

from __future__ import annotations

import io
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

import ona
from ona.cli import cli
from conftest import write_csv, write_xlsx

TIES = [["Respondent", "Colleague", "Frequency"], ["p1", "p2", "3"], ["p2", "p3", "2"]]
MEMORY_LIMIT = 3 * 1024**3
TIME_LIMIT = 120


def roster_rows(names=("Anna", "Bo", "Cai"), extra: list | None = None) -> list[list]:
    header = ["Employee ID", "Name", "Department"] + (extra or [])
    return [header] + [[f"p{i}", name, "A" if i < 3 else "B"] + [""] * len(extra or [])
                       for i, name in enumerate(names, start=1)]


def analyze_in_child(roster: Path, ties: Path, out: Path) -> subprocess.CompletedProcess:
    """`ona analyze` in a child process limited to 3 GB of address space and 2 minutes."""
    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    return subprocess.run([sys.executable, "-m", "ona", "analyze", "--roster", str(roster), "--ties", str(ties),
                           "--out", str(out)], capture_output=True, text=True, timeout=TIME_LIMIT,
                          preexec_fn=limit)


def assert_clean_error(result, path: Path, *words: str):
    stderr = result.stderr if isinstance(result, subprocess.CompletedProcess) else result.output
    code = result.returncode if isinstance(result, subprocess.CompletedProcess) else result.exit_code
    assert code == 2, stderr
    assert "Traceback" not in stderr
    assert path.name in stderr
    for word in words:
        assert word in stderr.lower()


def valid_xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    wb = Workbook()
    for row in roster_rows():
        wb.active.append(row)
    wb.save(buffer)
    return buffer.getvalue()


# --- Files that are not what their name says ---------------------------------------------------

def test_a_zip_bomb_named_xlsx_is_refused_before_it_is_unpacked(tmp_path):
    """A 250 KB workbook whose sheet inflates to 256 MB (ratio ~1000:1): refused from the sizes in
    the zip directory, without unpacking it."""
    bomb = tmp_path / "roster.xlsx"
    with zipfile.ZipFile(io.BytesIO(valid_xlsx_bytes())) as source, \
            zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                with target.open(item.filename, "w", force_zip64=True) as handle:
                    head, tail = data.split(b"<sheetData>")
                    handle.write(head + b"<sheetData>")
                    for _ in range(256):
                        handle.write(b" " * 2**20)
                    handle.write(tail)
            else:
                target.writestr(item, data)
    ties = write_csv(tmp_path / "ties.csv", TIES)
    assert bomb.stat().st_size < 2**20
    assert_clean_error(analyze_in_child(bomb, ties, tmp_path / "out"), bomb, "unpack")
    assert not (tmp_path / "out").exists()


def understate_size(workbook: bytes, member: str, claimed: int, real: bytes) -> bytes:
    """The workbook with ``member``'s sizes in the zip (local header and central directory) set
    to ``claimed`` bytes, and its CRC to the CRC of the first ``claimed`` bytes of ``real``: a
    reader that trusts the directory reads a small, valid-looking part."""
    import struct
    import zlib

    raw = bytearray(workbook)
    crc = zlib.crc32(real[:claimed])
    info = zipfile.ZipFile(io.BytesIO(workbook)).getinfo(member)
    struct.pack_into("<I", raw, info.header_offset + 14, crc)
    struct.pack_into("<I", raw, info.header_offset + 22, claimed)
    entry = raw.find(b"PK\x01\x02")
    while entry >= 0:
        length = struct.unpack_from("<H", raw, entry + 28)[0]
        if bytes(raw[entry + 46:entry + 46 + length]) == member.encode():
            struct.pack_into("<I", raw, entry + 16, crc)
            struct.pack_into("<I", raw, entry + 24, claimed)
        entry = raw.find(b"PK\x01\x02", entry + 4)
    return bytes(raw)


def test_a_workbook_whose_zip_directory_understates_a_sheet_is_refused(tmp_path):
    """A sheet of 1.1 million tie rows (96 MB) that the zip directory says is 1,000 bytes, with a
    CRC made for those 1,000 bytes: Python's zipfile (which the size guards use) reads 1,000
    bytes and is satisfied, so the guards cannot see it; calamine's zip reader finds the lie and
    the sheet is refused with its name. If an upgrade of calamine stopped doing so, this would
    read a sheet of any size the file likes, and this test fails."""
    head = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns='
            b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
    row = b'<row><c t="inlineStr"><is><t>p1</t></is></c><c t="inlineStr"><is><t>p2</t></is></c></row>'
    sheet = head + row * 1_100_000 + b"</sheetData></worksheet>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(valid_xlsx_bytes())) as source, \
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for item in source.infolist():
            target.writestr(item.filename, sheet if item.filename == "xl/worksheets/sheet1.xml"
                            else source.read(item.filename))
    liar = tmp_path / "ties.xlsx"
    liar.write_bytes(understate_size(buffer.getvalue(), "xl/worksheets/sheet1.xml", 1000, sheet))
    assert zipfile.ZipFile(liar).read("xl/worksheets/sheet1.xml") == sheet[:1000]  # zipfile believes it
    roster = write_csv(tmp_path / "roster.csv", roster_rows())
    result = analyze_in_child(roster, liar, tmp_path / "out")
    assert_clean_error(result, liar, "sheet", "cannot be read")
    assert not (tmp_path / "out").exists()


def test_a_sheet_that_claims_a_million_rows_by_16384_columns_is_refused(tmp_path):
    """One cell at A1 and one at XFD1048576: a dense grid would be 17 billion cells."""
    wb = Workbook()
    ws = wb.active
    for row in roster_rows():
        ws.append(row)
    ws["XFD1048576"] = "x"
    path = tmp_path / "roster.xlsx"
    wb.save(path)
    result = analyze_in_child(path, write_csv(tmp_path / "ties.csv", TIES), tmp_path / "out")
    assert_clean_error(result, path, "sheet1", "too large")


@pytest.mark.parametrize("damage", ["truncated zip", "random bytes", "csv named xlsx", "empty zip"])
def test_a_damaged_or_fake_workbook_is_a_clean_error(tmp_path, damage):
    path = tmp_path / "roster.xlsx"
    good = valid_xlsx_bytes()
    if damage == "truncated zip":
        path.write_bytes(good[: len(good) // 2])
    elif damage == "random bytes":
        path.write_bytes(bytes(range(256)) * 40)
    elif damage == "csv named xlsx":
        path.write_text("Employee ID,Name,Department\np1,Anna,A\n", encoding="utf-8")
    else:
        with zipfile.ZipFile(path, "w"):
            pass
    result = analyze_in_child(path, write_csv(tmp_path / "ties.csv", TIES), tmp_path / "out")
    assert_clean_error(result, path)


# --- Odd but legitimate content: read correctly ------------------------------------------------

def test_merged_department_cells_apply_to_every_row_they_cover(tmp_path):
    """Analysts merge a department's cells down the rows of its people; the value is stored only
    in the top-left cell, and every row of the merged range belongs to that department."""
    wb = Workbook()
    ws = wb.active
    for row in [["Employee ID", "Name", "Department"], ["p1", "Anna", "Finance"], ["p2", "Bo", None],
                ["p3", "Cai", None], ["p4", "Dan", "HR"]]:
        ws.append(row)
    ws.merge_cells("C2:C4")
    path = tmp_path / "roster.xlsx"
    wb.save(path)
    roster = ona.read_roster(path)
    assert roster.people["Department"].tolist() == ["Finance", "Finance", "Finance", "HR"]


def test_ten_thousand_columns_are_read_and_kept(tmp_path, runner):
    extra = [f"attribute {j}" for j in range(9997)]
    roster = write_csv(tmp_path / "roster.csv", roster_rows(extra=extra))
    ties = write_csv(tmp_path / "ties.csv", TIES)
    result = runner.invoke(cli, ["analyze", "--roster", str(roster), "--ties", str(ties), "--out",
                                 str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert len(ona.read_roster(roster).people.columns) == 9999


def test_control_characters_and_very_long_names_reach_the_workbook_safely(tmp_path, runner):
    """Excel refuses control characters in cells and holds at most 32,767 characters in one:
    the workbook drops the former and cuts the latter; JSON keeps the text as it was."""
    names = ("Anna\x07\x1b[31m", "B" * 100_000, "=HYPERLINK(\"x\")")
    roster = write_csv(tmp_path / "roster.csv", roster_rows(names=names))
    ties = write_csv(tmp_path / "ties.csv", TIES)
    result = runner.invoke(cli, ["analyze", "--roster", str(roster), "--ties", str(ties), "--out",
                                 str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(tmp_path / "out" / "metrics.xlsx", read_only=True)["People"]
    cells = [row for row in sheet.iter_rows(values_only=True)]
    header = list(cells[0])
    written = {row[header.index("id")]: row[header.index("name")] for row in cells[1:]}
    assert written["p1"] == "Anna[31m"
    assert len(written["p2"]) == 32_767
    assert written["p3"] == "=HYPERLINK(\"x\")"


def test_a_date_where_a_name_belongs_is_read_as_its_text(tmp_path):
    """A name column that Excel turned into a date keeps the date's text; it is not a crash."""
    wb = Workbook()
    ws = wb.active
    import datetime as dt

    for row in [["Employee ID", "Name", "Department"], ["p1", dt.datetime(2024, 3, 1), "A"], ["p2", "Bo", "A"]]:
        ws.append(row)
    path = tmp_path / "roster.xlsx"
    wb.save(path)
    assert ona.read_roster(path).people.loc["p1", "Name"] == "2024-03-01"


def test_formulas_without_a_cached_value_are_blank_cells_with_their_location(tmp_path, runner):
    """A workbook written by a script has formulas but no computed values: the id is blank, and
    the error names the cell."""
    roster = write_xlsx(tmp_path / "roster.xlsx", [["Employee ID", "Name", "Department"],
                                                   ["=CONCAT(\"p\",1)", "Anna", "A"]], formulas=True)
    result = runner.invoke(cli, ["analyze", "--roster", str(roster), "--ties", str(write_csv(tmp_path / "t.csv", TIES)),
                                 "--out", str(tmp_path / "out")])
    assert_clean_error(result, roster, "row 2", "employee id")


# --- Anything at all: never a traceback ---------------------------------------------------------

def run_analyze(runner, roster: Path, ties: Path, out: Path):
    result = runner.invoke(cli, ["analyze", "--roster", str(roster), "--ties", str(ties), "--out", str(out)])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 2:
        assert "Traceback" not in result.output
        assert all(line.strip() for line in result.output.strip().splitlines())
    return result


cell_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rows=st.lists(st.lists(cell_text, min_size=0, max_size=6), min_size=0, max_size=8))
def test_any_table_of_text_gives_a_result_or_a_clean_error(tmp_path, runner, rows):
    roster = write_csv(tmp_path / "roster.csv", rows)
    run_analyze(runner, roster, write_csv(tmp_path / "ties.csv", TIES), tmp_path / "out")
    ties = write_csv(tmp_path / "ties2.csv", rows)
    run_analyze(runner, write_csv(tmp_path / "r.csv", roster_rows()), ties, tmp_path / "out")


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.binary(max_size=400), suffix=st.sampled_from([".csv", ".xlsx", ".tsv", ".txt"]))
def test_any_bytes_under_any_name_give_a_result_or_a_clean_error(tmp_path, runner, data, suffix):
    path = tmp_path / f"roster{suffix}"
    path.write_bytes(data)
    run_analyze(runner, path, write_csv(tmp_path / "ties.csv", TIES), tmp_path / "out")


def test_a_csv_with_mixed_encodings_is_read_as_windows_1252(tmp_path):
    """A file pasted together from a UTF-8 and a cp1252 export is not valid UTF-8; it is read as
    cp1252 (Danish and Swedish Excel's default), so the cp1252 part is right and nothing fails."""
    path = tmp_path / "roster.csv"
    path.write_bytes("Employee ID;Name;Department\n".encode() + "p1;Søren;A\n".encode("utf-8")
                     + "p2;Ærø;B\n".encode("cp1252"))
    roster = ona.read_roster(path)
    assert roster.people.loc["p2", "Name"] == "Ærø"
