"""Malformed and hostile files: ona gives a correct result or a clean, located error; never a
traceback, never a hang.

The contract (issue #4, Reliability): for any file given as roster or ties, the library either
returns, or raises one :class:`ona.InputError` whose every problem names the file; the CLI exits 0
(analyze), 0/1 (validate) or 2 with one ``Error:``/``Warning:`` line per problem and no traceback.
Files too big to handle in-process (a zip bomb, 10,000 columns) run the CLI in a child process
with a time limit and an address-space limit: a hang or runaway memory fails the test.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import resource
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ona
from ona.cli import cli
from ona.errors import InputError

from conftest import DATA, write_csv, write_xlsx

ROSTER = DATA / "analyze" / "roster.csv"
TIES = DATA / "analyze" / "ties.csv"
HYPOTHESIS = settings(max_examples=50, deadline=None, derandomize=True, database=None,
                      suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
CHILD_TIMEOUT = 60  # seconds: generous; a hang is minutes
CHILD_MEMORY = 3 << 30  # bytes of address space: a 2 GB inflated sheet cannot fit


def check_library(path: Path, as_roster: bool) -> object:
    """Read ``path`` as roster or ties; return the result or the InputError, never anything else."""
    try:
        if as_roster:
            return ona.read_roster(path)
        return ona.read_ties(path, ona.read_roster(ROSTER))
    except InputError as exc:
        assert exc.problems, "an InputError must carry its problems"
        for p in exc.problems:
            assert p.path is not None and Path(p.path).name == path.name, f"problem without the file: {p}"
            assert "\n" not in str(p), f"a problem must be one line: {p!r}"
        return exc


def check_cli(runner, path: Path, as_roster: bool) -> None:
    """`ona validate` and `ona analyze` on the file: a clean exit code and one located line per problem."""
    roster, ties = (path, TIES) if as_roster else (ROSTER, path)
    res = runner.invoke(cli, ["validate", "--roster", str(roster), "--ties", str(ties)])
    assert not isinstance(res.exception, Exception) or isinstance(res.exception, SystemExit), res.exception
    assert res.exit_code in (0, 1, 2), res.output
    assert "Traceback" not in res.output + res.stderr
    if res.exit_code == 2:
        lines = res.stderr.splitlines()
        assert lines and all(line.startswith(("Error: ", "Warning: ")) for line in lines), lines
        assert any(path.name in line for line in lines)


def assert_clean(runner, path: Path, as_roster: bool) -> None:
    check_library(path, as_roster)
    check_cli(runner, path, as_roster)


def run_child(args: list[str]) -> subprocess.CompletedProcess:
    """`python -m ona ARGS` with a time limit and an address-space limit."""
    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY, CHILD_MEMORY))

    return subprocess.run([sys.executable, "-m", "ona", *args], capture_output=True, text=True,
                          timeout=CHILD_TIMEOUT, preexec_fn=limit)


# ---------------------------------------------------------------- strategies

NAMES = ["Mette Hansen", "Hansen, Mette", "Søren Ærø", "Åsa Öberg", "a1", "b2", "zz9", "NA", "=1+1",
         "+45 1234", "@SUM(A1)", "", " ", "0", "1e308", "nan", "-1", "3,5"]
CONTROL = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=31), min_size=1, max_size=3)
CELL_TEXT = st.one_of(st.sampled_from(NAMES), st.text(max_size=12), CONTROL,
                      st.text(alphabet="ab,;\t|\"\n\r", max_size=6))
HEADERS = st.lists(st.sampled_from(["id", "name", "email", "department", "source", "target", "weight",
                                    "layer", "from", "to", "a1", "a2", "b1", "", "x"]), min_size=1, max_size=6)


@st.composite
def csv_bytes(draw) -> bytes:
    """A CSV-like file: a plausible header, hostile cells, any delimiter, rows in mixed encodings."""
    header = draw(HEADERS)
    delim = draw(st.sampled_from([",", ";", "\t", "|"]))
    rows = draw(st.lists(st.lists(CELL_TEXT, min_size=0, max_size=len(header) + 2), max_size=8))
    out = io.BytesIO()
    for row in [header, *rows]:
        text = delim.join(row) + draw(st.sampled_from(["\n", "\r\n", ""]))
        codec = draw(st.sampled_from(["utf-8", "cp1252", "utf-16-le"]))
        out.write(text.encode(codec, errors="replace"))
    return out.getvalue()


XLSX_VALUE = st.one_of(
    st.none(), st.sampled_from(NAMES), st.integers(-10, 10**6), st.floats(allow_nan=True, allow_infinity=False),
    st.booleans(), st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 1, 1)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2100, 1, 1)),
    st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=20))


@st.composite
def xlsx_grid(draw):
    header = draw(HEADERS)
    rows = draw(st.lists(st.lists(XLSX_VALUE, max_size=len(header) + 1), max_size=6))
    formulas = draw(st.booleans())
    merge = draw(st.booleans())
    return [header, *rows], formulas, merge


# ---------------------------------------------------------------- property-based


@HYPOTHESIS
@given(data=csv_bytes(), as_roster=st.booleans())
def test_any_csv_gives_a_result_or_a_located_error(tmp_path_factory, data, as_roster):
    path = tmp_path_factory.mktemp("csv") / "input.csv"
    path.write_bytes(data)
    from click.testing import CliRunner
    assert_clean(CliRunner(), path, as_roster)


@HYPOTHESIS
@given(grid=xlsx_grid(), as_roster=st.booleans())
def test_any_workbook_gives_a_result_or_a_located_error(tmp_path_factory, grid, as_roster):
    """Formulas (no cached value), merged cells, dates and numbers where names belong."""
    from click.testing import CliRunner
    from openpyxl import load_workbook

    rows, formulas, merge = grid
    path = write_xlsx(tmp_path_factory.mktemp("xlsx") / "input.xlsx", rows, formulas=formulas)
    if merge and len(rows) > 1:
        wb = load_workbook(path)
        wb.active.merge_cells(start_row=1, start_column=1, end_row=2, end_column=2)
        wb.save(path)
    assert_clean(CliRunner(), path, as_roster)


@HYPOTHESIS
@given(junk=st.binary(max_size=2048), cut=st.floats(0, 1, exclude_max=True), as_roster=st.booleans())
def test_binary_and_truncated_workbooks_give_one_located_error(tmp_path_factory, junk, cut, as_roster):
    """Random bytes named .xlsx, and a real workbook cut short at any point."""
    from click.testing import CliRunner

    folder = tmp_path_factory.mktemp("bin")
    real = write_xlsx(folder / "real.xlsx", [["id", "name"], ["a1", "Ann"]]).read_bytes()
    for name, data in [("junk.xlsx", junk), ("cut.xlsx", real[:int(len(real) * cut)]),
                       ("pk.xlsx", b"PK\x03\x04" + junk)]:
        path = folder / name
        path.write_bytes(data)
        result = check_library(path, as_roster)
        assert isinstance(result, InputError), f"{name} is not a workbook and must be refused"
        check_cli(CliRunner(), path, as_roster)


# ---------------------------------------------------------------- named cases, exact outcomes


def validate_lines(runner, roster: Path, ties: Path = TIES) -> list[str]:
    res = runner.invoke(cli, ["validate", "--roster", str(roster), "--ties", str(ties)])
    assert "Traceback" not in res.output + res.stderr
    return res.stdout.splitlines() + res.stderr.splitlines()


def test_empty_file_and_header_only(runner, tmp_path):
    empty = tmp_path / "roster.csv"
    empty.write_bytes(b"")
    assert validate_lines(runner, empty)[0] == (
        "Error: roster.csv: the file is empty; expected a header row and records [empty-file]")
    header = write_csv(tmp_path / "header.csv", [["id", "name", "department"]])
    assert validate_lines(runner, header)[0] == (
        "Error: header.csv, row 1: has a header but no people below it [no-records]")


def test_one_column_roster_is_read_with_the_id_as_everything(tmp_path):
    """A roster that is only a list of ids is a roster: people without units."""
    roster = ona.read_roster(write_csv(tmp_path / "ids.csv", [["id"], ["a1"], ["a2"], ["b1"], ["b2"]]))
    assert list(roster.ids) == ["a1", "a2", "b1", "b2"] and roster.unit_columns == ()


def test_dates_where_names_belong_are_reported_as_unknown_people(tmp_path):
    """An Excel export turned two target cells into dates: each is named by row and column."""
    ties = write_xlsx(tmp_path / "ties.xlsx", [["source", "target"], ["a1", "a2"], ["a1", dt.date(2024, 3, 1)],
                                               ["b1", dt.datetime(2024, 3, 2, 9, 30)]])
    with pytest.raises(InputError) as err:
        ona.read_ties(ties, ona.read_roster(ROSTER))
    assert [(p.row, p.column, p.code) for p in err.value.problems] == [
        (3, "target", "unknown-person"), (4, "target", "unknown-person")]


def test_formulas_without_cached_values_are_blank_cells(tmp_path):
    """openpyxl writes formulas without results; a blank weight is reported at its cell."""
    ties = write_xlsx(tmp_path / "ties.xlsx", [["source", "target", "weight"], ["a1", "a2", "=1+2"]], formulas=True)
    with pytest.raises(InputError) as err:
        ona.read_ties(ties, ona.read_roster(ROSTER))
    assert [(p.row, p.column, p.code) for p in err.value.problems] == [(2, "weight", "bad-weight")]


def test_merged_header_cells_keep_the_columns_below(tmp_path):
    """A title merged across the top is skipped; the header below it is found."""
    from openpyxl import load_workbook

    path = write_xlsx(tmp_path / "roster.xlsx", [["Staff list 2024", None, None], ["id", "name", "department"],
                                                 ["a1", "Ann", "A"], ["b1", "Bo", "B"]])
    wb = load_workbook(path)
    wb.active.merge_cells("A1:C1")
    wb.save(path)
    roster = ona.read_roster(path)
    assert list(roster.ids) == ["a1", "b1"] and roster.rows == (3, 4)


def test_control_characters_are_kept_out_of_ids_but_do_not_crash(tmp_path):
    roster = ona.read_roster(write_csv(tmp_path / "r.csv", [["id", "name"], ["a1", "Ann\x07"], ["a\x1b2", "Bo"]]))
    assert list(roster.ids) == ["a1", "a\x1b2"]


def test_mixed_encodings_csv_reads_every_name_correctly(tmp_path):
    """Two exports pasted together: UTF-8 lines and Windows-1252 lines in one file."""
    path = tmp_path / "roster.csv"
    path.write_bytes("id,name,department\na1,Søren Ærø,A\n".encode("utf-8")
                     + "a2,Åsa Öberg,A\n".encode("cp1252") + "b1,Jörg Müller,B\n".encode("utf-8"))
    roster = ona.read_roster(path)
    assert list(roster.people["name"]) == ["Søren Ærø", "Åsa Öberg", "Jörg Müller"]


def test_a_cell_longer_than_the_csv_limit_is_one_located_error(runner, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("id,name\na1,Ann\na2,\"" + "x" * 200_000 + "\"\n", encoding="utf-8")
    assert validate_lines(runner, path)[0] == (
        "Error: roster.csv, row 3: a cell is longer than 131,072 characters; check the quoting and the "
        "delimiter: --delimiter (delimiter= in Python) [bad-csv]")


def test_very_long_cells_in_a_workbook_are_read(tmp_path):
    """Excel allows 32,767 characters per cell; such a name is read whole (and matches no one)."""
    long = "x" * 32_767
    path = write_xlsx(tmp_path / "roster.xlsx", [["id", "name"], ["a1", long], ["a2", "Bo"]])
    assert ona.read_roster(path).people["name"].iat[0] == long


def test_binary_file_named_xlsx_and_truncated_zip(runner, tmp_path):
    binary = tmp_path / "roster.xlsx"
    binary.write_bytes(bytes(range(256)) * 8)
    real = write_xlsx(tmp_path / "real.xlsx", [["id", "name"], ["a1", "Ann"]]).read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(real[: len(real) // 2])
    for path in (binary, cut):
        assert validate_lines(runner, path)[0] == (
            f"Error: {path.name}: cannot be read as an Excel workbook (is it a CSV or a damaged file?) "
            "[not-a-spreadsheet]")


def test_ten_thousand_columns_are_read_in_bounded_time_and_memory(tmp_path):
    """A roster 10,000 columns wide (attributes): read, validated, within the child's limits."""
    header = ["id", "name", "department", *[f"attr{j}" for j in range(9_997)]]
    rows = [header] + [[f"p{i}", f"Person {i}", "AB"[i % 2], *(["1"] * 9_997)] for i in range(20)]
    roster = write_csv(tmp_path / "wide.csv", rows)
    ties = write_csv(tmp_path / "ties.csv", [["source", "target"], ["p0", "p1"], ["p2", "p3"]])
    res = run_child(["validate", "--roster", str(roster), "--ties", str(ties)])
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines()[-1] == "0 errors, 0 warnings in wide.csv, ties.csv: ready to analyse"


def test_more_columns_than_excel_has_is_one_located_error(tmp_path):
    path = tmp_path / "huge.csv"
    path.write_text("id,name\n" + ",".join(["1"] * 20_000) + "\n", encoding="utf-8")
    res = run_child(["validate", "--roster", str(path), "--ties", str(TIES)])
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert res.stdout.splitlines()[0] == (
        "Error: huge.csv, row 2: the row is 20,000 columns wide; at most 16,384 are read (a matrix of this many "
        "people belongs in an edge list) [too-many-columns]")


def _zip(members: list[tuple[str, bytes, bytes, int, int]]) -> bytes:
    """A zip archive from (name, deflated bytes, _, crc, uncompressed size) members, written by hand
    so that a 2 GB member never has to be compressed here."""
    out, central = io.BytesIO(), io.BytesIO()
    for name, packed, _, crc, size in members:
        offset = out.tell()
        encoded = name.encode()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(packed), size, len(encoded), 0))
        out.write(encoded + packed)
        central.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(packed), size,
                                  len(encoded), 0, 0, 0, 0, 0, offset))
        central.write(encoded)
    start = out.tell()
    out.write(central.getvalue())
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central.getvalue()),
                          start, 0))
    return out.getvalue()


def zip_bomb(path: Path, gigabytes: float = 2.0) -> Path:
    """A valid-looking .xlsx (about 5 MB) whose sheet XML inflates to ``gigabytes`` GB.

    The sheet is one repeated row; deflate blocks ended with a full flush restart from an empty
    state, so one packed block repeated N times is the deflate stream of the row repeated N times.
    """
    real = io.BytesIO(write_xlsx(path.with_name("model.xlsx"), [["id", "name"], ["a1", "Ann"]]).read_bytes())
    members = []
    with zipfile.ZipFile(real) as zf:
        for info in zf.infolist():
            data = zf.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                continue
            c = zlib.compressobj(6, zlib.DEFLATED, -15)
            members.append((info.filename, c.compress(data) + c.flush(), b"", zlib.crc32(data), len(data)))
    head = b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' \
           b"<sheetData>"
    chunk = b'<row><c t="inlineStr"><is><t>a1</t></is></c><c t="inlineStr"><is><t>Ann</t></is></c></row>' * 100_000
    repeats = int(gigabytes * 2**30 / len(chunk))
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed_head = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    block = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed_chunk = block.compress(chunk) + block.flush(zlib.Z_FULL_FLUSH)
    tail = b"</sheetData></worksheet>"
    t = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed_tail = t.compress(tail) + t.flush()
    crc = zlib.crc32(head)
    for _ in range(repeats):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + repeats * len(chunk) + len(tail)
    members.append(("xl/worksheets/sheet1.xml", packed_head + packed_chunk * repeats + packed_tail, b"", crc, size))
    path.write_bytes(_zip(members))
    return path


def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path):
    bomb = zip_bomb(tmp_path / "roster.xlsx")
    assert bomb.stat().st_size < 10 * 2**20
    with zipfile.ZipFile(bomb) as zf:  # the archive is well formed and really holds 2 GB of XML
        assert zf.getinfo("xl/worksheets/sheet1.xml").file_size > 2 * 10**9
    res = run_child(["validate", "--roster", str(bomb), "--ties", str(TIES)])
    assert res.returncode == 1 and "Traceback" not in res.stderr
    line = res.stdout.splitlines()[0]
    assert re.fullmatch(r"Error: roster\.xlsx: refused: part 'xl/worksheets/sheet1\.xml' would unpack to 2,0\d\d MB "
                        r"from [\d,]+ KB; open and save it again in Excel \[zip-bomb\]", line), line
    res = run_child(["analyze", "--roster", str(bomb), "--ties", str(TIES), "--out", str(tmp_path / "out")])
    assert res.returncode == 2 and res.stderr.splitlines() == [line]
    assert not (tmp_path / "out").exists()
