"""Open a CSV or Excel file as a table of cells, keeping every record's spreadsheet row number.

Every reader in `ona.ingest` starts here, so that every error can name file, sheet, row and column.
Excel files are read with python-calamine (6-8x faster than openpyxl on this project's benchmark);
CSV files with pandas after the delimiter and encoding are detected.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as _dt
import gc
import io
import itertools
import math
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError, Problem

__all__ = ["Table", "read_table", "cell_text", "normalise_header"]

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}
_HEADER_SCAN_ROWS = 30
ZIP_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".ods"}
# Guards against workbooks built to exhaust memory (zip bombs, a cell at XFD1048576): a member may
# unpack to at most MAX_RATIO times its packed size once it is over RATIO_FLOOR bytes; the whole
# workbook to at most MAX_UNPACKED bytes; a sheet's used range to at most MAX_CELLS cells.
MAX_RATIO = 100
RATIO_FLOOR = 50 * 2**20
MAX_UNPACKED = 2**30
MAX_CELLS = 20_000_000
MAX_COLUMNS = 16_384  # Excel's own limit; also applied to CSV rows
_SNIFF_CHARS = 64 * 1024
_EDGE_SPACE = re.compile(r"(?:^|\x00)\s|\s(?:\x00|$)")


@dataclass
class Table:
    """Cells of one sheet below its header, as text, with the spreadsheet row of each record.

    ``frame`` has one column per header cell (header text as written, stripped) and string cells
    (``""`` for blank). ``rows[i]`` is the spreadsheet row (1-based, as Excel shows it) of
    ``frame.iloc[i]``. ``raw`` keeps the typed cell values (numbers, dates) where the format has
    them, for checks such as "a date where a name belongs".
    """

    path: str
    sheet: str | None
    header_row: int
    frame: pd.DataFrame
    rows: list[int]
    raw: list[list] | None = field(default=None, repr=False)

    @property
    def headers(self) -> list[str]:
        return list(self.frame.columns)

    def problem(self, code: str, message: str, row: int | None = None, column: str | None = None,
                severity: str = "error") -> Problem:
        return Problem(code=code, message=message, path=self.path, sheet=self.sheet, row=row,
                       column=column, severity=severity)


@contextlib.contextmanager
def gc_paused():
    """Pause Python's cyclic garbage collector while a large table is read (a ``with`` block, or a
    decorator: ``@gc_paused()``).

    Reading 500,000 ties allocates millions of small strings and tuples, none in reference cycles;
    each allocation burst triggers full collections that scan them all again, which took longer
    than the reading itself on the benchmark (bench/RESULTS_ingest.md). Reference counting still
    frees everything; the collector is switched back on (if it was on) on the way out.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def normalise_header(text: str) -> str:
    """Lower case, with runs of spaces, underscores, dots and hyphens folded to one space."""
    out = []
    prev_space = False
    for ch in str(text).strip().lower():
        if ch in " _.-\t\n\r":
            if not prev_space:
                out.append(" ")
            prev_space = True
        else:
            out.append(ch)
            prev_space = False
    return "".join(out).strip()


def cell_text(value) -> str:
    """The text of a cell as a person reads it: 1001.0 -> "1001", None -> "", dates ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, _dt.timedelta):
        return str(value)
    return str(value).strip()


def _file_problem(path: Path, code: str, message: str, sheet: str | None = None) -> InputError:
    return InputError([Problem(code=code, message=message, path=str(path), sheet=sheet)])


def _pick_header(cells: list[list[str]], required_width: int = 1) -> int:
    """Index of the header row: the first row, among the first rows, that is as wide as the table.

    Title rows above a header usually fill one or two cells; the header fills as many cells as the
    widest row near the top.
    """
    scan = cells[:_HEADER_SCAN_ROWS]
    widths = [sum(1 for c in row if c != "") for row in scan]
    if not widths or max(widths) == 0:
        return -1
    widest = max(widths)
    need = max(required_width, min(widest, 2) if widest > 1 else 1)
    # The header is the first row that has at least 60% of the widest row's cells filled.
    for i, w in enumerate(widths):
        if w >= need and w >= 0.6 * widest:
            return i
    return next(i for i, w in enumerate(widths) if w > 0)


def _column_text(values: tuple) -> list[str]:
    """:func:`cell_text` of every value of one column, without a Python call per cell where the
    column is all text or all whole numbers (the usual case; a 500,000-row sheet is 1.5M cells)."""
    kinds = set(map(type, values))
    if kinds <= {str}:
        # Strip only when some cell starts or ends with white space (one regex over the joined column).
        if _EDGE_SPACE.search("\x00".join(values)):
            return [v.strip() for v in values]
        return list(values)
    if kinds <= {int}:
        return list(map(str, values))
    if kinds <= {float, int}:
        arr = np.asarray(values, dtype=float)
        if np.isfinite(arr).all() and (arr == np.round(arr)).all() and (np.abs(arr) < 1e15).all():
            return arr.astype(np.int64).astype(str).tolist()
    return [cell_text(v) for v in values]


def _table_from_cells(path: Path, sheet: str | None, cells: list[list], header_row: int | None) -> Table:
    top = [[cell_text(v) for v in row] for row in cells[:max(_HEADER_SCAN_ROWS, header_row or 0)]]
    if header_row is None:
        h = _pick_header(top)
    else:
        h = header_row - 1
        if h >= len(top) or not any(top[h]):
            raise _file_problem(path, "no-header", f"row {header_row} has no header cells; "
                                "check --header-row", sheet)
    if h < 0:
        raise _file_problem(path, "empty-file", "the sheet is empty; expected a header row and records", sheet)
    header = top[h]
    body = cells[h + 1:]
    width = max([len(header), *map(len, body)]) if body else len(header)
    header = header + [""] * (width - len(header))
    # Columns of text, one per column of the sheet; short rows are padded with blanks.
    columns = [_column_text(col) for col in itertools.zip_longest(*body, fillvalue="")] if body else []
    columns += [[""] * len(body) for _ in range(width - len(columns))]
    columns = [np.asarray(col, dtype=object) for col in columns]
    filled = [col != "" for col in columns]
    # Keep columns that have a header; a blank header with data gets a placeholder name.
    keep = [j for j, name in enumerate(header) if name != "" or filled[j].any()]
    names: list[str] = []
    seen: dict[str, int] = {}
    for j in keep:
        name = header[j] or f"column {_column_letter(j)}"
        key = normalise_header(name)
        if key in seen:
            seen[key] += 1
            name = f"{name} ({seen[key]})"
        else:
            seen[key] = 1
        names.append(name)
    # Records are the rows below the header with at least one kept cell filled.
    nonblank = np.zeros(len(body), dtype=bool)
    for j in keep:
        nonblank |= filled[j]
    index = np.flatnonzero(nonblank)
    everything = len(index) == len(body)
    data = {}
    for name, j in zip(names, keep):
        data[name] = columns[j] if everything else columns[j][index]
    frame = pd.DataFrame(data, dtype=object) if len(index) else \
        pd.DataFrame({n: pd.Series(dtype=object) for n in names})
    rows = (index + h + 2).tolist()
    return Table(path=str(path), sheet=sheet, header_row=h + 1, frame=frame, rows=rows)


def _column_letter(j: int) -> str:
    s = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        s = chr(65 + r) + s
    return s


def _check_zip(path: Path) -> None:
    """Refuse a zip-based workbook that is damaged or would unpack to far more than it holds."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _file_problem(path, "not-a-spreadsheet",
                            "cannot be read as an Excel workbook (is it a CSV or a damaged file?)") from exc
    if not members:
        raise _file_problem(path, "not-a-spreadsheet", "is an empty zip archive, not an Excel workbook")
    for member in members:
        if member.file_size > RATIO_FLOOR and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise _file_problem(path, "zip-bomb",
                                f"refused: part {member.filename!r} would unpack to {member.file_size // 2**20:,} MB "
                                f"from {member.compress_size // 2**10:,} KB; open and save it again in Excel")
    total = sum(m.file_size for m in members)
    if total > MAX_UNPACKED:
        raise _file_problem(path, "too-large",
                            f"refused: the workbook would unpack to {total // 2**20:,} MB (limit "
                            f"{MAX_UNPACKED // 2**20:,} MB); export the sheet as CSV instead")
    with zipfile.ZipFile(path) as archive:
        for member in members:
            if member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml"):
                rows, cols = _used_range(archive, member)
                if rows * cols > MAX_CELLS:
                    raise _file_problem(path, "too-large",
                                        f"refused: a sheet's used range is {rows:,} rows by {cols:,} columns "
                                        f"(too large, limit {MAX_CELLS:,} cells); delete the stray cells far "
                                        f"below or right of the table ({member.filename})")


_CELL_REF = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')


def _used_range(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> tuple[int, int]:
    """Rows and columns of a worksheet's used range, from the cell references in its XML.

    Read in a stream before calamine sees the sheet: calamine allocates the whole dense range at
    once and aborts the process when that fails (one cell at XFD1048576 asks for 17 billion cells).
    """
    max_row = max_col = 0
    columns: set[bytes] = set()
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(1 << 22):
            data = tail + chunk
            cut = data.rfind(b"<")
            data, tail = (data[:cut], data[cut:]) if cut > 0 else (data, b"")
            refs = _CELL_REF.findall(data)
            if refs:
                columns.update(c for c, _ in refs)
                max_row = max(max_row, max(map(int, {r for _, r in refs})))
    for letters in columns:
        number = 0
        for ch in letters:
            number = number * 26 + ch - 64
        max_col = max(max_col, number)
    return max_row, max_col


def _fill_merged(cells: list[list], merged) -> None:
    """Give every row of a merged range the value of its top-left cell, as Excel shows it.

    Only the first column of the range is filled: a department merged down its people's rows
    applies to each of them, but a title merged across the top of a sheet stays one cell (filled
    across, it would look like a header row of repeated titles).
    """
    for (r0, c0), (r1, _c1) in merged or ():
        if r0 >= len(cells) or c0 >= len(cells[r0]):
            continue
        value = cells[r0][c0]
        for r in range(r0 + 1, min(r1, len(cells) - 1) + 1):
            row = cells[r]
            if c0 < len(row) and row[c0] in ("", None):
                row[c0] = value


def _read_excel_cells(path: Path, sheet: str | None, wanted_headers: list[list[str]] | None):
    import python_calamine

    if path.suffix.lower() in ZIP_SUFFIXES or path.read_bytes()[:2] == b"PK":
        _check_zip(path)
    try:
        wb = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for zip/xml faults
        raise _file_problem(path, "not-a-spreadsheet",
                            "cannot be read as an Excel workbook (is it a CSV or a damaged file?)") from exc
    names = list(wb.sheet_names)
    if not names:
        raise _file_problem(path, "empty-file", "the workbook has no sheets")
    if sheet is not None:
        match = [n for n in names if n == sheet] or [n for n in names if n.strip().lower() == sheet.strip().lower()]
        if not match:
            raise _file_problem(path, "unknown-sheet",
                                f"has no sheet named {sheet!r}; its sheets are: " + ", ".join(repr(n) for n in names))
        candidates = match[:1]
    else:
        candidates = names
    chosen = None
    for name in candidates:
        try:
            sheet_data = wb.get_sheet_by_name(name)
            if sheet_data.height * sheet_data.width > MAX_CELLS:
                raise _file_problem(path, "too-large",
                                    f"refused: the sheet's used range is {sheet_data.height:,} rows by "
                                    f"{sheet_data.width:,} columns (too large, limit {MAX_CELLS:,} cells); "
                                    "delete the stray cells far below or right of the table", name)
            cells = sheet_data.to_python(skip_empty_area=False)
            _fill_merged(cells, getattr(sheet_data, "merged_cell_ranges", None))
        except InputError:
            raise
        except Exception as exc:
            raise _file_problem(path, "not-a-spreadsheet", "a sheet of the workbook cannot be read", name) from exc
        if not any(any(cell_text(v) for v in row) for row in cells):
            continue
        if chosen is None:
            chosen = (name, cells)
        if wanted_headers and _has_headers(cells, wanted_headers):
            return name, cells
        if not wanted_headers:
            break
    if chosen is None:
        raise _file_problem(path, "empty-file", "every sheet of the workbook is empty", sheet)
    return chosen


def _has_headers(cells: list[list], wanted: list[list[str]]) -> bool:
    """True if some row near the top holds a header matching each group of aliases in ``wanted``."""
    for row in cells[:_HEADER_SCAN_ROWS]:
        keys = {normalise_header(cell_text(v)) for v in row}
        if all(any(a in keys for a in group) for group in wanted):
            return True
    return False


def _decode(data: bytes, path: Path, encoding: str | None) -> str:
    if encoding:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise _file_problem(path, "bad-encoding", f"cannot be decoded as {encoding}") from exc
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="strict")
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Danish and Swedish exports from older Excel are Windows-1252; latin-1 never fails. A file
    # pasted together from two exports mixes UTF-8 lines with Windows-1252 lines: decode each line
    # as UTF-8 where it is valid UTF-8 (a Windows-1252 line with accents almost never is).
    return "".join(_decode_line(line) for line in data.splitlines(keepends=True))


def _decode_line(line: bytes) -> str:
    for codec in ("utf-8", "cp1252"):
        try:
            return line.decode(codec)
        except UnicodeDecodeError:
            pass
    return line.decode("latin-1")


def _sniff_delimiter(text: str, suffix: str) -> str:
    sample = "\n".join(text[:_SNIFF_CHARS].splitlines()[:50])
    if suffix == ".tsv":
        return "\t"
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        counts = {d: sample.count(d) for d in ",;\t"}
        return max(counts, key=counts.get) if max(counts.values()) else ","


def _read_text_cells(path: Path, delimiter: str | None, encoding: str | None) -> list[list[str]]:
    data = path.read_bytes()
    if b"\x00" in data[:4096] and not (data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE)):
        if data[:2] == b"PK" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            raise _file_problem(path, "not-a-spreadsheet",
                                "looks like an Excel workbook but is named as text; rename it to .xlsx")
        raise _file_problem(path, "not-a-spreadsheet", "is a binary file, not a CSV or Excel table")
    text = _decode(data, path, encoding)
    if not text.strip():
        raise _file_problem(path, "empty-file", "the file is empty; expected a header row and records")
    delim = delimiter or _sniff_delimiter(text, path.suffix.lower())
    if '"' not in text and "\r" not in text:
        # Without quotes a record is a line and a cell is what lies between delimiters: split in C.
        rows = [line.split(delim) for line in text.split("\n")]
        if rows and rows[-1] == [""]:
            rows.pop()
        if max(map(len, rows), default=0) <= MAX_COLUMNS:
            return rows
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    rows = []
    try:
        for row in reader:
            if len(row) > MAX_COLUMNS:
                raise InputError([Problem("too-many-columns", f"the row is {len(row):,} columns wide; at most "
                                          f"{MAX_COLUMNS:,} are read (a matrix of this many people belongs in an "
                                          "edge list)", path=str(path), row=reader.line_num)])
            rows.append(row)
    except csv.Error as exc:
        what = (f"a cell is longer than {csv.field_size_limit():,} characters"
                if "field limit" in str(exc) else f"is not valid CSV ({exc})")
        raise InputError([Problem("bad-csv", what + "; check the quoting and the delimiter (--delimiter)",
                                  path=str(path), row=reader.line_num)]) from exc
    return rows


def read_table(path: str | Path, sheet: str | None = None, *, header_row: int | None = None,
               delimiter: str | None = None, encoding: str | None = None,
               wanted_headers: list[list[str]] | None = None) -> Table:
    """Read one sheet of an Excel workbook or one CSV/TSV file as a :class:`Table`.

    ``wanted_headers`` (groups of normalised header aliases) picks, when ``sheet`` is not given, the
    first sheet whose header row matches one alias of each group; otherwise the first non-empty sheet.
    """
    p = Path(path)
    if not p.exists():
        raise _file_problem(p, "file-not-found", "no such file")
    if p.is_dir():
        raise _file_problem(p, "not-a-spreadsheet", "is a folder, not a file")
    suffix = p.suffix.lower()
    if p.stat().st_size == 0:
        raise _file_problem(p, "empty-file", "the file is empty; expected a header row and records")
    if suffix in EXCEL_SUFFIXES:
        name, cells = _read_excel_cells(p, sheet, wanted_headers)
        return _table_from_cells(p, name, cells, header_row)
    if suffix in TEXT_SUFFIXES or suffix == "":
        cells = _read_text_cells(p, delimiter, encoding)
        return _table_from_cells(p, None, cells, header_row)
    # Unknown suffix: sniff the content.
    head = p.read_bytes()[:8]
    if head[:2] == b"PK":
        name, cells = _read_excel_cells(p, sheet, wanted_headers)
        return _table_from_cells(p, name, cells, header_row)
    raise _file_problem(p, "not-a-spreadsheet",
                        f"has suffix {suffix!r}; expected .xlsx, .xlsm, .csv, .tsv or .txt")
