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
import functools
import gc
import io
import itertools
import json
import math
import re
import zipfile
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..errors import InputError, Problem
from ._office_xml import WORKSHEET_ROOT, WorkbookExtras, column_number, xlsx_worksheet_names

__all__ = ["Table", "CellError", "read_table", "read_sheets", "cell_text", "normalise_header", "row_numbers"]

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}
PARQUET_SUFFIXES = {".parquet"}  # the tie table `ona email --out ties.parquet` writes
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
_UTF16_SNIFF_BYTES = 4096
_EDGE_SPACE = re.compile(r"(?:^|\x00)\s|\s(?:\x00|$)")


#: The error values Excel shows in a cell, and saves as a formula's cached value when the formula
#: fails (``#N/A`` from a VLOOKUP that finds nothing). calamine reads every one of them as a blank
#: cell; the sheet's XML marks them ``t="e"`` (see :func:`_used_range`).
EXCEL_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
                          "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!",
                          "#EXTERNAL!", "#PYTHON!"})


class CellError(NamedTuple):
    """A cell of a :class:`Table` that shows one of Excel's errors, read as blank."""

    #: the spreadsheet row, as Excel numbers it (the header's row for a header cell)
    row: int
    #: the header of its column in :attr:`Table.frame`
    column: str
    #: the error as Excel shows it (``#N/A``: one of :data:`EXCEL_ERRORS`), ``""`` for a value that is none
    text: str
    #: True when a formula left it, False when it is typed or pasted as a value
    formula: bool


@dataclass
class Table:
    """Cells of one sheet below its header, as text, with the spreadsheet row of each record.

    ``frame`` has one column per header cell (header text as written, stripped) and string cells,
    stripped as ``str.strip`` strips them (``""`` for blank; object columns, or pandas text columns
    backed by Arrow when a large CSV was parsed by pyarrow). ``rows[i]`` is the spreadsheet row
    (1-based, as Excel shows it) of ``frame.iloc[i]`` (a ``range`` when the records follow the
    header without a gap). ``header_row`` is the header's row; of a header spanning rows (a
    two-level header), its last row, the one above the first record. ``raw`` keeps the typed cell
    values (numbers, dates) where the format has them, for checks such as "a date where a name
    belongs".
    """

    path: str
    sheet: str | None
    header_row: int
    frame: pd.DataFrame
    rows: Sequence[int]
    raw: list[list] | None = field(default=None, repr=False)
    #: the spreadsheet column letter of each column of ``frame`` ("C"), where the reader knows it
    letters: dict[str, str] = field(default_factory=dict, repr=False)
    #: for each column of a sheet that holds cells typed as something other than text, the kind of
    #: each record's cell (:data:`CELL_KINDS`: 0 text or blank, 1 number, 2 date or time, 3 TRUE/FALSE)
    kinds: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    #: the cells that show an Excel error (``#N/A``, ``#REF!`` ...), which ``frame`` holds as blank
    #: (``""``), in sheet order; each reader tells an error in a cell it uses from one in a column it
    #: only keeps (:meth:`error_problems`). Found in .xlsx, .xlsm and .ods workbooks.
    cell_errors: tuple[CellError, ...] = field(default=(), repr=False)
    #: the spreadsheet rows of records that Excel hides (hidden rows, rows a filter leaves out, a
    #: collapsed group), and the headers of hidden columns: read like the others (:meth:`hidden_problems`).
    #: Found in .xlsx, .xlsm and .ods workbooks.
    hidden_rows: tuple[int, ...] = field(default=(), repr=False)
    hidden_columns: tuple[str, ...] = field(default=(), repr=False)
    #: the columns that a survey tool's export (:func:`_survey_tool_header`) marks as its own, about
    #: the response and not a question's answers (times, status, progress, the recipient, embedded
    #: data): never a colleague column, whatever their cells hold
    tool_columns: frozenset[str] = field(default=frozenset(), repr=False)
    #: the columns of a Qualtrics export whose answers are typed in (a text entry question, an
    #: option's text box), not chosen from the question's choices
    typed_columns: frozenset[str] = field(default=frozenset(), repr=False)
    #: the records of a text file (CSV, TSV) with a filled cell past the header's last named column,
    #: as ``cells-past-header`` errors (:func:`_cells_past_header`): a roster, an edge list and a
    #: matrix refuse them; a wide sheet reads such cells as more of the respondent's colleagues
    past_header: tuple[Problem, ...] = field(default=(), repr=False)
    #: the spreadsheet rows that repeat the header (two exports pasted together), left out of
    #: ``frame`` (:meth:`header_again_problems`)
    header_again: tuple[int, ...] = field(default=(), repr=False)

    @property
    def headers(self) -> list[str]:
        return list(self.frame.columns)

    def error_problems(self, used: Iterable[str] | None = None, by_letter: Collection[str] = ()) -> list[Problem]:
        """An ``excel-error`` problem for each of :attr:`cell_errors`: an error in a column of ``used``
        (None: every column), else a warning (the cell is read as blank). A cell of a column in
        ``by_letter`` (a matrix's people, whose headers are names) is located by its column letter."""
        used = None if used is None else set(used)
        return [error_problem(cell, error=used is None or cell.column in used, path=self.path, sheet=self.sheet,
                              column=self.letters.get(cell.column, cell.column) if cell.column in by_letter else None)
                for cell in self.cell_errors]

    def header_again_problems(self) -> list[Problem]:
        """A ``repeated-header`` warning for the rows that repeat the header, which are not read."""
        if not self.header_again:
            return []
        one = len(self.header_again) == 1
        return [self.problem(
            "repeated-header", f"{rows_named(self.header_again)} repeat{'s' if one else ''} the header (two "
            f"exports pasted together?) and {'is' if one else 'are'} not read as {'a record' if one else 'records'}: "
            "check that the columns below are in the header's order", severity="warning")]

    def hidden_problems(self, roster: bool) -> list[Problem]:
        """Warnings that rows (``hidden-rows``, one for the sheet) and columns (``hidden-column``, one
        each) Excel hides are read like the others: an analyst who filters the former employees out
        of view, or hides a column of personal numbers, may think ona leaves them out. A column is
        named by its header in a ``roster`` (whose other columns reach the report's files), by its
        letter in a tie sheet (a matrix's headers are people's names)."""
        found = []
        where = _program(self.path)
        if self.hidden_rows:
            n = len(self.hidden_rows)
            found.append(self.problem(
                "hidden-rows", f"{n:,} of its rows {'are' if n > 1 else 'is'} hidden in {where} "
                f"({rows_named(self.hidden_rows)}: hidden, filtered out or in a collapsed group); ona reads "
                f"{'them' if n > 1 else 'it'} like the others: delete the rows that are not to be read, or show them "
                "to check", severity="warning"))
        for column in self.hidden_columns:
            if roster:
                found.append(self.problem(
                    "hidden-column", f"the column is hidden in {where}; ona reads it like the others, and the report's "
                    "files (nodes.csv, the GEXF and GraphML files, the map) show its values unless the run is "
                    "pseudonymised: delete the column if they must not leave the roster", column=column,
                    severity="warning"))
            else:
                found.append(self.problem(
                    "hidden-column", f"the column is hidden in {where}; ona reads it like the others",
                    column=self.letters.get(column, column), severity="warning"))
        return found

    def with_error_cells(self, problems: Iterable[Problem], used: Iterable[str] | None = None,
                         by_letter: Collection[str] = ()) -> list[Problem]:
        """``problems`` (found in this table's cells) and :meth:`error_problems`: a problem at a cell
        that shows an Excel error (the cell read as blank: ``blank-id``, ``bad-weight`` ...) gives
        way to the ``excel-error`` of the cell, which says what the user sees there."""
        found = self.error_problems(used, by_letter)
        if not found:
            return list(problems)
        at = {(p.row, p.column) for p in found}
        return [p for p in problems if p.row is None or (p.row, p.column) not in at] + found

    def problem(self, code: str, message: str, row: int | None = None, column: str | None = None,
                severity: str = "error") -> Problem:
        return Problem(code=code, message=message, path=self.path, sheet=self.sheet, row=row,
                       column=column, severity=severity)


def error_problem(cell: CellError, *, error: bool, path: str, sheet: str | None, column: str | None = None) -> Problem:
    """The ``excel-error`` problem of ``cell`` (an error, or a warning that it is read as blank), at
    its row and ``column`` (default: its header): what it shows and how to fix it. The text quoted is
    Excel's error (``#N/A``), never another value of the sheet."""
    program = _program(path)
    if cell.text in EXCEL_ERRORS:
        shown = f"{program}'s error {cell.text}"
    else:  # LibreOffice's own (Err:502) by its text; Excel writes only the errors it knows
        shown = "an Excel error" if program == "Excel" or not cell.text else f"the error {cell.text}"
    if cell.formula:
        what, fix = f"the cell shows {shown}, left by a formula", "fix the formula or paste the values"
    else:
        what, fix = f"the cell holds {shown} as its value", "type the value it stands for"
    message = f"{what}; {fix}, then run again" if error else f"{what}; it is read as blank ({fix} to keep it)"
    return Problem(code="excel-error", message=message, path=path, sheet=sheet, row=cell.row,
                   column=cell.column if column is None else column, severity="error" if error else "warning")


def _program(path: str) -> str:
    """Who shows a workbook's cells, as a message names it: ``Excel``, or for an OpenDocument file
    (.ods, which LibreOffice, Google Sheets and Excel all write) ``the spreadsheet``."""
    return "the spreadsheet" if path.lower().endswith(".ods") else "Excel"


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


def label_key(text: str) -> str:
    """An answer as it is matched: case and extra white space ignored (a weight label, see
    :func:`~ona.ingest.ties.read_weight_labels`; a ticked checkbox against its option)."""
    return " ".join(str(text).split()).casefold()


def one_spelling(names: Iterable[str]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Names written alike (:func:`label_key`: case and white space aside) taken as one: each
    distinct name -> the first of them written so, and each such first name -> its other
    spellings, in the order met (only names that have some)."""
    first: dict[str, str] = {}
    canonical: dict[str, str] = {}
    others: dict[str, list[str]] = {}
    for name in names:
        if name not in canonical:
            canonical[name] = chosen = first.setdefault(label_key(name), name)
            if chosen != name:
                others.setdefault(chosen, []).append(name)
    return canonical, others


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


def _pick_header(cells: list[list[str]], required_width: int = 1,
                 wanted: Sequence[Sequence[str]] | None = None) -> int:
    """Index of the header row among the first rows.

    Where the caller names the headers it looks for (``wanted``: groups of header spellings, one
    group per column), the header is the row that holds the most of those groups less the cells
    that hold data (a date, a number, an address: a header holds none), then the widest, then the
    first: a title row above it (``Medarbejderliste | Udtræk 01-03-2025``) holds none, and a row of
    report settings (``Periode | Fra | 01-01-2025 | Til | 31-03-2025``) holds two less two dates.
    Where no row holds any, or nothing is wanted, it is the first row that is as wide as the
    table: title rows above a header usually fill one or two cells; the header fills as many
    cells as the widest row near the top.
    """
    scan = cells[:_HEADER_SCAN_ROWS]
    widths = [sum(1 for c in row if c != "") for row in scan]
    if not widths or max(widths) == 0:
        return -1
    if wanted:
        recognised = _recognised_groups(scan, wanted)
        if max(recognised) > 0:
            score = [(held - sum(1 for c in row if DATA_CELL.search(c)), width)
                     for held, row, width in zip(recognised, scan, widths)]
            return score.index(max(score))
    widest = max(widths)
    need = max(required_width, min(widest, 2) if widest > 1 else 1)
    # The header is the first row that has at least 60% of the widest row's cells filled.
    for i, w in enumerate(widths):
        if w >= need and w >= 0.6 * widest:
            return i
    return next(i for i, w in enumerate(widths) if w > 0)


#: A cell that holds data rather than a column name: a number, a date or time, an address.
DATA_CELL = re.compile(r"@|^[+-]?[0-9][0-9 .,:/T-]*$")
#: A numbered header, as its stem and number: "Colleague 3", "Kollega3", "Colleague #3", "Colleague (3)".
NUMBERED_HEADER = re.compile(r"^(.*?\D)[\s#(]*(\d+)\)?$")


def _recognised_groups(rows: list[list[str]], wanted: Sequence[Sequence[str]]) -> list[int]:
    """For each row of cell texts, how many groups of ``wanted`` header spellings it holds a header
    of (compared after :func:`normalise_header`, a numbered header such as "Colleague 3" by its
    stem; a group counts once however many of its spellings the row holds). Each distinct text
    is normalised once."""
    groups = [{normalise_header(spelling) for spelling in group} for group in wanted]
    keys: dict[str, str] = {}
    counts = []
    for row in rows:
        held = set()
        for text in set(row):
            if text not in keys:
                key = normalise_header(text)
                numbered = NUMBERED_HEADER.match(key)
                keys[text] = numbered.group(1).strip() if numbered else key
            held.add(keys[text])
        counts.append(sum(1 for group in groups if not group.isdisjoint(held)))
    return counts


def _header_span(h: int, merged, n_top: int, start_fixed: bool) -> tuple[int, int]:
    """First and last index of the rows the header starting at, or passing through, row ``h`` spans.

    A cell merged down from a header row shows that the header continues below it: in a two-level
    header, ``Navn`` is merged down two rows beside ``Organisation``, which stands over
    ``Forvaltning | Afdeling``. A header row that lies inside such a merge continues a header
    that starts higher up, unless the user named the header's first row (``start_fixed``). Only
    merges within the ``n_top`` rows the header is looked for in count.
    """
    down = [(r0, r1) for (r0, _c0), (r1, _c1) in merged or () if r0 < r1 < n_top]
    first = last = h
    grown = True
    while grown:
        grown = False
        for r0, r1 in down:
            if r0 <= last and r1 >= first and (r1 > last or (r0 < first and not start_fixed)):
                first = first if start_fixed else min(first, r0)
                last = max(last, r1)
                grown = True
    return first, last


def _header_text(top: list[list[str]], first: int, last: int) -> list[str]:
    """The header of each column of a header spanning rows ``first`` to ``last``: its lowest filled
    header cell (``Afdeling`` under ``Organisation``; ``Navn`` merged down stays ``Navn``)."""
    if first == last:
        return top[first]
    header = [""] * max(len(top[r]) for r in range(first, last + 1))
    for r in range(first, last + 1):
        for j, text in enumerate(top[r]):
            if text:
                header[j] = text
    return header


# A survey tool's header of several rows, as SurveyMonkey and Qualtrics write their exports.
#: SurveyMonkey's first header row holds these (its second row, the answers, is blank under them).
_MONKEY_MARKS = ("respondent id", "collector id")
#: SurveyMonkey's second-row label of a question answered in one column: the question is the header.
_MONKEY_ONE_ANSWER = frozenset({"", "response", "open ended response"})
#: Qualtrics' third header row: each column's import id, as JSON.
_QUALTRICS_IMPORT_ID = re.compile(r'^\{\s*"ImportId"\s*:')
#: The import id of a question's column in Qualtrics (``QID3``, ``QID3_1``, ``QID3_4_TEXT``,
#: ``QID5#1_2``; ``1_QID3`` in a loop); the other columns are the response's own.
_QUALTRICS_QUESTION_ID = re.compile(r"^(?:\d+_)?QID\d")
#: The column ids of what Qualtrics writes about each response (and ``Q_...``, its other fields).
_QUALTRICS_OWN_IDS = frozenset({
    "StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)", "Finished", "RecordedDate",
    "ResponseId", "RecipientLastName", "RecipientFirstName", "RecipientEmail", "ExternalReference",
    "LocationLatitude", "LocationLongitude", "DistributionChannel", "UserLanguage"})


class _SurveyHeader(NamedTuple):
    """A survey tool's header of several rows (:func:`_survey_tool_header`)."""

    first: int  # its first row (an index of the top rows)
    last: int  # its last row, the one above the first response
    header: list[str]  # each column's header
    own: frozenset[int] = frozenset()  # the columns the tool writes about the response (:attr:`Table.tool_columns`)
    typed: frozenset[int] = frozenset()  # the columns of typed-in answers (:attr:`Table.typed_columns`)


def _survey_tool_header(top: list[list[str]], h: int, fixed: bool) -> _SurveyHeader | None:
    """The header of a survey tool's export that spans several rows, where one starts at
    ``top[h]``, the header row found, or (unless the user named that row: ``fixed``) at the row
    above it (a header finder may take a second header row, wider than the first, for the
    header); else None.

    - **SurveyMonkey** (a first row with ``Respondent ID`` and ``Collector ID``): the question is in
      the first row over the first of its columns, the answer each column holds in the second row
      (a checkbox's option, a matrix's row: a colleague), blank under the response's own columns.
      A column's header is ``Question [answer]``, as Google Forms names a grid question's columns,
      or the question alone where the second row says ``Response`` or ``Open-Ended Response`` (or
      repeats the first: a cell merged down over both rows). The tool's own columns are those
      blank in the second row.
    - **Qualtrics** (a first row of column ids with ``ResponseId``, ``Response ID`` under it): the
      second row holds the labels, ``Question - Option`` for a question with a column per option
      (read as ``Question [Option]``; ``Question - Selected Choice`` as the question); a third row
      of import ids (``{"ImportId": ...}``) belongs to the header too. The tool's own columns are
      those whose import id is not a question's (``QID3``, ``QID3_1``, ``1_QID3``: the rest are
      the response's metadata and embedded data), or without import ids, Qualtrics' metadata by
      column id (:data:`_QUALTRICS_OWN_IDS`); typed-in answers have an import id (or column id)
      ending in ``_TEXT``.
    """
    for i in (h,) if fixed else (h - 1, h):
        if i < 0 or i + 1 >= len(top):
            continue
        first, second = top[i], top[i + 1]
        keys = [normalise_header(c) for c in first]
        at = lambda j, row: row[j] if j < len(row) else ""  # noqa: E731
        # (a response column merged down over both rows shows its header in the second row too)
        if all(mark in keys for mark in _MONKEY_MARKS) and all(
                at(keys.index(mark), second) in ("", at(keys.index(mark), first)) for mark in _MONKEY_MARKS) and \
                any(c and c != at(j, first) for j, c in enumerate(second)):
            width = max(len(first), len(second))
            header, question = [], ""
            for j in range(width):
                question = at(j, first) or question
                answer = at(j, second)
                header.append(question if normalise_header(answer) in _MONKEY_ONE_ANSWER or answer == at(j, first)
                              else f"{question} [{answer}]" if question else answer)
            own = frozenset(j for j in range(width) if at(j, first) and not at(j, second))
            return _SurveyHeader(i, i + 1, header, own)
        if "responseid" in keys and normalise_header(at(keys.index("responseid"), second)) == "response id":
            last = i + 1
            if i + 2 < len(top) and any(top[i + 2]) and all(
                    not c or _QUALTRICS_IMPORT_ID.match(c) for c in top[i + 2]):
                last = i + 2
            width = max(len(first), len(second))
            header = [_qualtrics_label(at(j, second)) or at(j, first) for j in range(width)]
            if last == i + 2:
                ids = [_import_id(at(j, top[i + 2])) for j in range(width)]
                own = frozenset(j for j, v in enumerate(ids) if v and not _QUALTRICS_QUESTION_ID.match(v))
            else:
                ids = [at(j, first) for j in range(width)]
                own = frozenset(j for j, v in enumerate(ids) if v in _QUALTRICS_OWN_IDS or v.startswith("Q_"))
            typed = frozenset(j for j, v in enumerate(ids) if j not in own and v.upper().endswith("_TEXT"))
            return _SurveyHeader(i, last, header, own, typed)
    return None


def _import_id(cell: str) -> str:
    """The import id in a Qualtrics header cell ``{"ImportId":"QID3_1"}`` ("" when none)."""
    try:
        value = json.loads(cell).get("ImportId", "") if cell else ""
    except (ValueError, AttributeError):
        return ""
    return value if isinstance(value, str) else ""


def _qualtrics_label(label: str) -> str:
    """A Qualtrics column label as a header: ``Question - Option`` as ``Question [Option]`` (the
    option is after the last `` - ``), ``Question - Option - Text`` (the text typed into an option's
    box, such as "Other", beside the option's own column) as ``Question [Option (text)]``,
    ``Question - Selected Choice`` as ``Question``, and ``Question - Selected Choice - Option`` (a
    multiple-answer question split into a column per option) as ``Question [Option]``."""
    typed = label.endswith(" - Text")
    if typed:
        label = label[:-len(" - Text")]
    question, dash, option = label.rpartition(" - ")
    if not dash or not question.strip():
        return label
    if option.strip() == "Selected Choice":
        return question.strip()
    question = question.strip()
    if question.endswith(" - Selected Choice"):
        question = question[:-len(" - Selected Choice")].strip()
    return f"{question} [{option.strip()}{' (text)' if typed else ''}]"


#: What a spreadsheet cell holds, as :attr:`Table.kinds` numbers it (its index).
CELL_KINDS = ("text", "a number", "a date or time", "TRUE or FALSE")


def _cell_kinds(values: tuple) -> np.ndarray | None:
    """The kind of each cell of one column (:data:`CELL_KINDS`), or None when every cell is text or
    blank (one set of types per column, so a text column costs no Python call per cell)."""
    types = set(map(type, values))
    if types <= {str, type(None)}:
        return None
    return np.fromiter((0 if isinstance(v, str) or v is None else 3 if isinstance(v, bool) else
                        2 if isinstance(v, (_dt.date, _dt.time, _dt.timedelta)) else 1 for v in values),
                       dtype=np.int8, count=len(values))


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


def _header_index(path: Path, sheet: str | None, top: list[list[str]], header_row: int | None,
                  wanted: Sequence[Sequence[str]] | None = None) -> int:
    """Index of the header among the ``top`` rows (cell texts): ``header_row`` - 1, or picked
    (see :func:`_pick_header`)."""
    if header_row is None:
        h = _pick_header(top, wanted=wanted)
    else:
        h = header_row - 1
        if h >= len(top) or not any(top[h]):
            raise _file_problem(path, "no-header", f"row {header_row} has no header cells; "
                                "check the header row given: --roster-header-row or --ties-header-row "
                                "(header_row= in Python)", sheet)
    if h < 0:
        raise _file_problem(path, "empty-file", "the sheet is empty; expected a header row and records", sheet)
    return h


def _table_from_cells(path: Path, sheet: str | None, cells: list[list], header_row: int | None, merged=None,
                      wanted: Sequence[Sequence[str]] | None = None, errors: Sequence = (),
                      hidden: _Hidden | None = None, text_file: bool = False) -> Table:
    """The :class:`Table` of a sheet's cells: the header is found on the top rows (it spans several
    rows where cells merged down from it show so, see :func:`_header_span`), the records are the
    rows below it. ``errors`` are the sheet's cells that hold an Excel error, as (row, column index
    from 0, text, left by a formula): those of the header and the records become
    :attr:`Table.cell_errors`. Of a text file (``text_file``), the records with a cell filled past
    the header's last named column are :attr:`Table.past_header`."""
    top = [[cell_text(v) for v in row] for row in cells[:max(_HEADER_SCAN_ROWS, header_row or 0)]]
    h = _header_index(path, sheet, top, header_row, wanted)
    survey = _survey_tool_header(top, h, header_row is not None)
    if survey is not None:
        first, h, header = survey.first, survey.last, survey.header
    else:
        first, h = _header_span(h, merged, len(top), header_row is not None)
        header = _header_text(top, first, h)
    body = cells[h + 1:]
    past_header = _cells_past_header(path, header, body, h) if text_file else ()
    width = max([len(header), *map(len, body)]) if body else len(header)
    if errors:
        errors = _spread_over_merged(errors, merged)
        width = max([width, *(j + 1 for r, j, _, _ in errors if r > first)])
    header = header + [""] * (width - len(header))
    # Columns of text, one per column of the sheet; short rows are padded with blanks.
    columns, kinds = [], {}
    for j, col in enumerate(itertools.zip_longest(*body, fillvalue="") if body else ()):
        columns.append(np.asarray(_column_text(col), dtype=object))
        if (kind := _cell_kinds(col)) is not None:
            kinds[j] = kind
    columns += [np.asarray([""] * len(body), dtype=object) for _ in range(width - len(columns))]
    table = _assemble_table(path, sheet, h, header, columns, len(body), kinds=kinds,
                            errors=[e for e in errors if e[0] > first], hidden=hidden, survey=survey)
    return replace(table, past_header=past_header) if past_header else table


def _cells_past_header(path: Path, header: list[str], body: list[list[str]], h: int,
                       positions: Sequence[int] | None = None) -> tuple[Problem, ...]:
    """A ``cells-past-header`` error for each record of a text file (CSV, TSV) with a filled cell
    past the header's last named column: almost always a delimiter inside a cell that is not
    quoted (a name written "Hansen, Mette", a decimal comma in 2,5), which shifts the record's
    cells into the wrong columns: a surname in the unit column, without a word. (A workbook's
    column without a header is kept as "column D".) ``positions`` are the records' places below
    the header (from 0) when ``body`` holds only some of them."""
    named = _named_width(header)
    problems = []
    for i, row in zip(range(len(body)) if positions is None else positions, body):
        extra = next((j for j in range(named, len(row)) if row[j].strip()), None) if len(row) > named else None
        if extra is not None:
            filled = max(j + 1 for j in range(len(row)) if row[j].strip())
            problems.append(Problem(
                "cells-past-header", f"the record has {filled} cells where the header names {named} columns: a "
                "delimiter inside a cell that is not in quotes (a name written 'Last, First', a decimal comma)? "
                "Put such cells in double quotes, or give the extra column a header",
                path=str(path), row=h + 2 + int(i), column=_column_letter(extra)))
    return tuple(problems)


def _named_width(header: list[str]) -> int:
    """How many columns the header names: up to its last named cell."""
    return max((j + 1 for j, name in enumerate(header) if name), default=0)


def _spread_over_merged(errors: Sequence, merged) -> list:
    """``errors`` (cells as (row, column index, text, formula)), and the cells below each in the
    first column of a merged range whose top-left cell it is: they show it too (see
    :func:`_fill_merged`)."""
    out = list(errors)
    if merged:
        at = {(r - 1, j): e for e in errors for r, j in [e[:2]]}
        for (r0, c0), (r1, _c1) in merged:
            if (r0, c0) in at:
                _, _, text, formula = at[r0, c0]
                out += [(r + 1, c0, text, formula) for r in range(r0 + 1, r1 + 1)]
    return out


def _assemble_table(path: Path, sheet: str | None, h: int, header: list[str], columns: list, n_body: int,
                    filled: list[np.ndarray] | None = None, kinds: dict[int, np.ndarray] | None = None,
                    errors: Sequence = (), hidden: _Hidden | None = None,
                    survey: _SurveyHeader | None = None) -> Table:
    """The :class:`Table` of a sheet whose header is row ``h`` (0-based) and whose ``n_body`` rows
    below it are ``columns`` (one per header cell: numpy arrays of text, or pandas text Series);
    ``filled`` (where the caller has it) is ``column != ""`` of each; ``kinds``, by column index,
    the kind of each cell of the columns holding cells that are not text (:attr:`Table.kinds`);
    ``errors``, the cells of the header and records that hold an Excel error, as (sheet row, column
    index, text, left by a formula). Such a cell counts as filled: a record or column of nothing but
    errors is kept, and its errors reported, not left out as blank. ``survey`` is the survey tool's
    header the sheet has, whose own and typed-in columns the table keeps."""
    if filled is None:
        filled = [np.asarray(col != "", dtype=bool) for col in columns]
    if errors:
        filled = [f.copy() for f in filled]
        for r, j, _, _ in errors:
            if h + 1 < r <= h + 1 + n_body and j < len(filled):
                filled[j][r - h - 2] = True
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
    # Records are the rows below the header with at least one kept cell filled, other than a row
    # that repeats the header (two exports pasted together, each with its header).
    nonblank = np.zeros(n_body, dtype=bool)
    for j in keep:
        nonblank |= filled[j]
    repeated_header = _header_again(header, columns, keep)
    if len(repeated_header):
        nonblank[repeated_header] = False
    everything = bool(nonblank.all())
    index = None if everything else np.flatnonzero(nonblank)
    data = {}
    for name, j in zip(names, keep):
        column = columns[j]
        if isinstance(column, pd.Series):
            data[name] = column if everything else column.take(index).reset_index(drop=True)
        else:
            data[name] = column if everything else column[index]
    columnar = any(isinstance(c, pd.Series) for c in data.values())
    frame = pd.DataFrame(data, dtype=None if columnar else object, copy=False) if nonblank.any() else \
        pd.DataFrame({n: pd.Series(dtype=object) for n in names})
    rows = range(h + 2, h + 2 + n_body) if everything else (index + h + 2).tolist()
    kinds = {name: kinds[j] if everything else kinds[j][index] for name, j in zip(names, keep) if j in (kinds or {})}
    name_of = dict(zip(keep, names))
    cell_errors = tuple(CellError(r, name_of[j], text, formula) for r, j, text, formula in sorted(errors)
                        if j in name_of)
    hidden_rows, hidden_columns = (), ()
    if hidden is not None and hidden.rows:
        numbers = row_numbers(rows)
        hidden_rows = tuple(numbers[np.isin(numbers, np.fromiter(hidden.rows, dtype=np.int64))].tolist())
    if hidden is not None and hidden.columns:
        hidden_columns = tuple(name_of[j] for j in keep if j in hidden.columns)
    tool = typed = frozenset()
    if survey is not None:
        tool = frozenset(name_of[j] for j in survey.own if j in name_of)
        typed = frozenset(name_of[j] for j in survey.typed if j in name_of)
    return Table(path=str(path), sheet=sheet, header_row=h + 1, frame=frame, rows=rows,
                 letters={name: _column_letter(j) for name, j in zip(names, keep)}, kinds=kinds,
                 cell_errors=cell_errors, hidden_rows=hidden_rows, hidden_columns=hidden_columns,
                 tool_columns=tool, typed_columns=typed,
                 header_again=tuple(int(i) + h + 2 for i in repeated_header))


def _header_again(header: list[str], columns: list, keep: list[int]) -> np.ndarray:
    """The positions (from 0, below the header) of the records whose every cell under a named
    column is that column's header again (case and edge white space aside): the header of a second
    export pasted below the first. Only rows whose first named cell is its header as written are
    looked at (one comparison per row)."""
    named = [j for j in keep if header[j]]
    if len(named) < 2:
        return np.zeros(0, dtype=np.int64)
    first = columns[named[0]]
    candidates = np.flatnonzero(np.asarray(first == header[named[0]], dtype=bool)) if len(first) else \
        np.zeros(0, dtype=np.int64)
    if not len(candidates):
        return candidates

    def cell(j, i):
        column = columns[j]
        return str(column.iat[i] if isinstance(column, pd.Series) else column[i]).strip().lower()

    return np.asarray([i for i in candidates if all(cell(j, i) == header[j].strip().lower() for j in named)],
                      dtype=np.int64)


def rows_named(rows: Sequence[int]) -> str:
    """Row numbers as a message names them: ``row 4``, or the first five, ``rows 4, 7, 9, 12, 15, ...``."""
    return f"row{'s' if len(rows) > 1 else ''} " + ", ".join(map(str, rows[:5])) + (", ..." if len(rows) > 5 else "")


def row_numbers(rows: Sequence[int]) -> np.ndarray:
    """:attr:`Table.rows` as a numpy array (without a Python loop when they are a range)."""
    if isinstance(rows, range):
        return np.arange(rows.start, rows.stop, rows.step, dtype=np.int64)
    return np.asarray(rows, dtype=np.int64)


def _column_letter(j: int) -> str:
    s = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        s = chr(65 + r) + s
    return s


class _Hidden(NamedTuple):
    """What Excel hides of a sheet: rows (as Excel numbers them) and columns (index from 0)."""

    rows: frozenset
    columns: frozenset


def _check_zip(path: Path) -> dict[str, tuple[list, _Hidden]]:
    """Refuse a zip-based workbook that is damaged or would unpack to far more than it holds; return,
    by sheet name, the cells of each sheet that hold an Excel error and what it hides (see
    :func:`_used_range`), for the sheets that have either."""
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
    scanned: dict[str, tuple[list, _Hidden]] = {}
    with zipfile.ZipFile(path) as archive:
        for member in members:
            if member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml"):
                rows, cols, found, hidden = _used_range(archive, member)
                if rows * cols > MAX_CELLS:
                    raise _file_problem(path, "too-large",
                                        f"refused: a sheet's used range is {rows:,} rows by {cols:,} columns "
                                        f"(too large, limit {MAX_CELLS:,} cells); delete the stray cells far "
                                        f"below or right of the table ({member.filename})")
                if found or hidden.rows or hidden.columns:
                    scanned[member.filename] = (found, hidden)
        if scanned:
            sheets = xlsx_worksheet_names(archive)
            return {sheets[member]: scan for member, scan in scanned.items() if member in sheets}
    return {}


_XML_CHUNK = 1 << 22  # bytes of a worksheet's XML read at a time (see _used_range)
_MAX_PIECE = 1 << 23  # the longest piece of it scanned at once
# The mark of a cell of type "e" (an error: Excel writes <c r="B4" s="1" t="e"><f>NA()</f><v>#N/A</v></c>);
# the cell is read only in a piece of the sheet that has one. (The regular expression finds the mark
# in half the time ``in`` takes: the XML is full of its last character.)
_ERROR_MARK = re.compile(rb' t="e"')
# The root element, with the prefix a sheet's elements carry when its writer gave the namespace one
# (the .NET Open XML SDK writes <x:worksheet xmlns:x="..."><x:sheetData><x:row><x:c r="A1">).


class _SheetXml(NamedTuple):
    """The patterns of a worksheet's elements, with the prefix its XML gives them (see :func:`_sheet_xml`)."""

    cell_start: bytes
    cell_ref: re.Pattern
    any_cell_ref: re.Pattern
    row_ref: re.Pattern
    error_cell: re.Pattern
    any_error_cell: re.Pattern
    error_value: re.Pattern
    formula: bytes
    row_start: bytes
    column_start: bytes


@functools.lru_cache(maxsize=8)
def _sheet_xml(prefix: bytes = b"") -> _SheetXml:
    """:class:`_SheetXml` of a worksheet whose elements carry ``prefix`` (``b"x:"``, or none)."""
    p = re.escape(prefix)
    return _SheetXml(
        cell_start=b"<" + prefix + b"c ",
        cell_ref=re.compile(rb"<" + p + rb'c r="([A-Z]{1,3})([0-9]{1,7})"'),
        any_cell_ref=re.compile(rb"<" + p + rb'c\s[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"'),
        row_ref=re.compile(rb"<" + p + rb'row\s[^>]*?\br="([0-9]{1,7})"'),
        error_cell=re.compile(rb"<" + p + rb'c r="([A-Z]{1,3})([0-9]{1,7})"[^>]*? t="e"[^>]*?(?:/>|>(.*?)</' + p + rb"c>)",
                              re.DOTALL),
        any_error_cell=re.compile(rb"<" + p + rb'c\s[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"[^>]*?(?:/>|>(.*?)</' + p
                                  + rb"c>)", re.DOTALL),
        error_value=re.compile(rb"<" + p + rb"v>([^<]{0,32})</" + p + rb"v>"),
        formula=b"<" + prefix + b"f",
        row_start=b"<" + prefix + b"row ",
        column_start=b"<" + prefix + b"col ")


def _used_range(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> tuple[int, int, list, _Hidden]:
    """Rows and columns of a worksheet's used range, from the cell references in its XML; its
    cells that hold an Excel error (``#N/A``), as (row, column index from 0, error text, left by a
    formula), which calamine reads as blank; and the rows and columns it hides (``hidden="1"`` on
    a ``<row>`` or ``<col>``), which calamine reads like the others.

    Read in a stream before calamine sees the sheet: calamine allocates the whole dense range at
    once and aborts the process when that fails (one cell at XFD1048576 asks for 17 billion cells).
    Each piece is cut before its last cell's start, so that every cell lies whole in one piece.
    """
    max_row = 0
    columns: set[bytes] = set()
    errors = []
    hidden_rows: set[int] = set()
    hidden_columns: set[int] = set()

    xml = _sheet_xml()

    def scan(data: bytes) -> None:
        nonlocal max_row
        refs = xml.cell_ref.findall(data)
        if len(refs) != data.count(xml.cell_start):
            # A writer that puts r="A1" after another attribute of a cell, or leaves it out (then
            # the cell follows the one before it, in the row its <row r="..."> names): slower, and rare.
            refs = xml.any_cell_ref.findall(data)
            max_row = max(max_row, max(map(int, xml.row_ref.findall(data)), default=0))
        if refs:
            columns.update(c for c, _ in refs)
            max_row = max(max_row, max(map(int, {r for _, r in refs})))
        if _ERROR_MARK.search(data):
            errors.extend(_error_cells(data, xml))
        if _HIDDEN_MARK.search(data):
            _hidden_rows_and_columns(data, hidden_rows, hidden_columns, xml)

    tail, first = b"", True
    with archive.open(member) as stream:
        while chunk := stream.read(_XML_CHUNK):
            data = tail + chunk
            if first:
                root = WORKSHEET_ROOT.search(data, 0, 1 << 16)
                xml, first = _sheet_xml(root.group(1) or b"" if root else b""), False
            # Cut before the last cell's start; in a piece where no cell starts, before the last tag
            # (which may be a cell's start cut short). A piece that is one cell's start and no more
            # waits for the next (up to _MAX_PIECE bytes: no cell is near as long).
            cut = data.rfind(xml.cell_start)
            if cut < 0:
                cut = data.rfind(b"<")
            if cut == 0 and len(data) < _MAX_PIECE:
                tail = data
                continue
            data, tail = (data[:cut], data[cut:]) if cut > 0 else (data, b"")
            scan(data)
    scan(tail)
    return (max_row, max((column_number(letters) for letters in columns), default=0), errors,
            _Hidden(frozenset(hidden_rows), frozenset(hidden_columns)))


_HIDDEN_MARK = re.compile(rb' hidden="(?:1|true)"')
_ROW_NUMBER = re.compile(rb'\sr="([0-9]{1,7})"')
_COLUMN_SPAN = re.compile(rb'\smin="([0-9]{1,5})"[^>]*?\smax="([0-9]{1,5})"|\smax="([0-9]{1,5})"[^>]*?\smin="([0-9]{1,5})"')


def _hidden_rows_and_columns(data: bytes, rows: set[int], columns: set[int], xml: _SheetXml) -> None:
    """Adds the rows (``<row r="5" hidden="1">``) and columns (``<col min="3" max="4" hidden="1"/>``,
    indices from 0) that a piece of a worksheet's XML hides to ``rows`` and ``columns``."""
    for mark in _HIDDEN_MARK.finditer(data):
        start = data.rfind(b"<", 0, mark.start())
        tag = data[start:mark.start()] + data[mark.end():data.find(b">", mark.end()) + 1]
        if tag.startswith(xml.row_start) and (number := _ROW_NUMBER.search(tag)):
            rows.add(int(number.group(1)))
        elif tag.startswith(xml.column_start) and (span := _COLUMN_SPAN.search(tag)):
            low, high = (span.group(1), span.group(2)) if span.group(1) else (span.group(4), span.group(3))
            columns.update(range(int(low) - 1, min(int(high), 16_384)))


def _error_cells(data: bytes, xml: _SheetXml) -> list[tuple[int, int, str, bool]]:
    """The cells of type "e" in a piece of a worksheet's XML: (row, column index from 0, the error
    text, left by a formula)."""
    found = []
    for mark in _ERROR_MARK.finditer(data):
        # (matched from the cell's start: a pattern that looked for the mark in every cell's tag took
        # 0.6 s more on a 500,000-row sheet with 50,000 error cells, this 0.1 s)
        start = max(data.rfind(xml.cell_start, 0, mark.start() + 1), 0)
        cell = xml.error_cell.match(data, start)
        if cell is None and mark.start() < data.find(b">", start):  # the mark in the tag, r="..." after it
            cell = xml.any_error_cell.match(data, start)
        if cell is None:
            continue
        letters, row, inner = cell.groups(b"")
        value = xml.error_value.search(inner)
        text = value.group(1).decode("ascii", "replace").strip() if value else ""
        found.append((int(row), column_number(letters) - 1, text, xml.formula in inner))
    return found


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


def _open_workbook(path: Path):
    """The calamine workbook of ``path``, and what the zip check found of each sheet of an .xlsx
    (:func:`_check_zip`: a zip bomb or a damaged archive is refused before calamine opens it); a
    file calamine cannot open is ``not-a-spreadsheet``."""
    import python_calamine

    scanned: dict[str, tuple[list, _Hidden]] = {}
    if path.suffix.lower() in ZIP_SUFFIXES or path.read_bytes()[:2] == b"PK":
        scanned = _check_zip(path)
    try:
        return python_calamine.CalamineWorkbook.from_path(str(path)), scanned
    except Exception as exc:  # calamine raises its own error types for zip/xml faults
        raise _file_problem(path, "not-a-spreadsheet",
                            "cannot be read as an Excel workbook (is it a CSV or a damaged file?)") from exc


def _hidden_sheets(wb) -> set[str]:
    """The names of the sheets of calamine workbook ``wb`` that are hidden (or very hidden)."""
    import python_calamine

    return {m.name for m in wb.sheets_metadata if m.visible != python_calamine.SheetVisibleEnum.Visible}


def _read_excel_cells(path: Path, sheet: str | None, wanted: Sequence[Sequence[str]] | None):
    """The name, cells (merged ranges filled, see :func:`_fill_merged`), merged ranges and cells
    that hold an Excel error (see :func:`_used_range`; .xlsx and .xlsm only) of the sheet to read:
    ``sheet`` (matched case-insensitively when no name matches exactly), or else the sheet whose
    header row holds the most of the ``wanted`` groups of header spellings (a people
    sheet ``Medarbejdernr | Navn | E-mail | Afdeling`` over a unit lookup ``Nr | Navn |
    Forvaltning``). Visible sheets come before hidden ones, which are read only when no visible
    sheet holds any wanted header; on a tie the first in workbook order wins. Without ``wanted``
    it is the first sheet with content, visible ones first.
    """
    wb, scanned = _open_workbook(path)
    names = list(wb.sheet_names)
    if not names:
        raise _file_problem(path, "empty-file", "the workbook has no sheets")
    if sheet is not None:
        match = [n for n in names if n == sheet] or [n for n in names if n.strip().lower() == sheet.strip().lower()]
        if not match:
            raise _file_problem(path, "unknown-sheet",
                                f"has no sheet named {sheet!r}; its sheets are: " + ", ".join(repr(n) for n in names))
        candidates, hidden = match[:1], set()
    else:
        hidden = _hidden_sheets(wb)
        candidates = [n for n in names if n not in hidden] + [n for n in names if n in hidden]
    extras = WorkbookExtras(path)
    best = None  # ((holds any wanted header, visible, groups held), name, sheet data)
    only_errors = None  # (name, error cells) of the first sheet that holds nothing else
    for name in candidates:
        sheet_data = _sheet_data(wb, path, name, extras, scanned.get(name))
        top = _sheet_cells(path, name, sheet_data, _HEADER_SCAN_ROWS)
        if not any(any(cell_text(v) for v in row) for row in top) and \
                not any(any(cell_text(v) for v in row) for row in _sheet_cells(path, name, sheet_data)):
            if sheet_data.errors and only_errors is None:
                only_errors = (name, sheet_data.errors)
            continue
        held = max(_recognised_groups([[cell_text(v) for v in row] for row in top], wanted)) if wanted else 0
        rank = (held > 0, name not in hidden, held)
        if best is None or rank > best[0]:
            best = (rank, name, sheet_data)
        if not wanted or held == len(wanted):
            break  # nothing later can rank higher
    if best is None:
        if only_errors is not None:  # calamine reads a cell that shows an error as blank (.ods: as 0)
            raise _only_errors(path, *only_errors)
        raise _file_problem(path, "empty-file", "every sheet of the workbook is empty", sheet)
    _rank, name, sheet_data = best
    return (name, _sheet_cells(path, name, sheet_data), sheet_data.merged,
            (list(sheet_data.errors), sheet_data.hidden))


def _only_errors(path: Path, name: str, cells) -> InputError:
    """The ``excel-error`` of sheet ``name``, whose every cell that holds anything (``cells``, as
    :attr:`_Sheet.errors` holds them) shows an Excel error."""
    row, col, text, formula = min(cells)
    return InputError([Problem(
        "excel-error", f"every cell of the sheet that holds anything shows an Excel error ({len(cells):,} "
        f"cells; the first, {_column_letter(col)}{row}, shows {text or 'an error'}"
        f"{', left by a formula' if formula else ''}); fix the formulas or paste the values, then run again",
        path=str(path), sheet=name)])


def read_sheets(path: str | Path, names: Iterable[str], *, header_row: int | None = None,
                wanted_headers: list[list[str]] | None = None) -> dict[str, "Table | InputError | None"]:
    """Sheets ``names`` of Excel workbook ``path``, each as :func:`read_table` reads it, the workbook
    opened and checked once (a workbook of one sheet per respondent has hundreds): each name -> its
    :class:`Table`, the :class:`InputError` that refuses it, or None for a sheet that holds nothing."""
    path = Path(path)
    wb, scanned = _open_workbook(path)
    extras = WorkbookExtras(path)
    read: dict[str, Table | InputError | None] = {}
    for name in names:
        try:
            sheet_data = _sheet_data(wb, path, name, extras, scanned.get(name))
            cells = _sheet_cells(path, name, sheet_data)
            if not any(any(cell_text(v) for v in row) for row in cells):
                if sheet_data.errors:
                    raise _only_errors(path, name, sheet_data.errors)
                read[name] = None
                continue
            read[name] = _table_from_cells(path, name, cells, header_row, sheet_data.merged, wanted_headers,
                                           list(sheet_data.errors), sheet_data.hidden)
        except InputError as exc:
            read[name] = exc
    return read


def sheets_like(table: Table, header_row: int | None = None) -> list[str]:
    """The other visible sheets of ``table``'s workbook, in workbook order, whose header (found as
    :func:`read_table` finds it, on their top rows) is ``table``'s, column for column (after
    :func:`normalise_header`): a workbook with one sheet per survey question. Empty for a CSV file
    or a workbook of one sheet."""
    import python_calamine

    if table.sheet is None:
        return []
    path = Path(table.path)
    wb = python_calamine.CalamineWorkbook.from_path(str(path))  # (the zip was checked when the table was read)
    hidden = _hidden_sheets(wb)
    wanted = [normalise_header(h) for h in table.headers]
    extras = WorkbookExtras(path)
    alike = []
    for name in wb.sheet_names:
        if name == table.sheet or name in hidden:
            continue
        sheet_data = _sheet_data(wb, path, name, extras)
        top = _sheet_cells(path, name, sheet_data, max(_HEADER_SCAN_ROWS, header_row or 0) + 1)
        if not any(any(cell_text(v) for v in row) for row in top):
            continue
        try:
            headers = _table_from_cells(path, name, top, header_row, sheet_data.merged).headers
        except InputError:
            continue
        if [normalise_header(h) for h in headers] == wanted:
            alike.append(name)
    return alike


def visible_sheets(path: str | Path) -> list[tuple[int, str]]:
    """The visible sheets of an Excel workbook, in workbook order, each as (its tab's position among
    the visible tabs, 1 for the leftmost; its name), from the workbook's list of sheets (no sheet is
    read)."""
    import python_calamine

    wb = python_calamine.CalamineWorkbook.from_path(str(path))  # (a workbook read_table has checked already)
    hidden = _hidden_sheets(wb)
    return list(enumerate((name for name in wb.sheet_names if name not in hidden), start=1))


@dataclass
class _Sheet:
    """A calamine sheet with what it shows beyond calamine's cell values: ``merged``, its merged
    ranges (calamine's, or of an .ods sheet, the file's own); ``shown``, the text of each whole
    number a number format pads with zeros (``00123``), by (row, col) from A1 (see
    :mod:`._office_xml`)."""

    data: object
    merged: list | None
    shown: dict
    #: the rows and columns the sheet hides (.xlsx: :func:`_used_range`; .ods: :mod:`._office_xml`)
    hidden: _Hidden | None = None
    #: its cells that show an error, as (row from 1, column index from 0, text, left by a formula),
    #: read as blank: calamine reads an .xlsx error cell as blank, an .ods one as its stored value (0)
    errors: tuple = ()


def _sheet_data(wb, path: Path, name: str, extras: WorkbookExtras,
                scanned: tuple[list, _Hidden] | None = None) -> _Sheet:
    """Sheet ``name`` of calamine workbook ``wb``, refused when its used range is too large, with
    what it shows beyond calamine's values: of an .xlsx sheet, its error cells and hidden parts as
    :func:`_check_zip` ``scanned`` them; of an .ods sheet, as :class:`WorkbookExtras` reads them."""
    try:
        sheet_data = wb.get_sheet_by_name(name)
    except Exception as exc:
        raise _file_problem(path, "not-a-spreadsheet", "a sheet of the workbook cannot be read", name) from exc
    if sheet_data.height * sheet_data.width > MAX_CELLS:
        raise _file_problem(path, "too-large",
                            f"refused: the sheet's used range is {sheet_data.height:,} rows by "
                            f"{sheet_data.width:,} columns (too large, limit {MAX_CELLS:,} cells); "
                            "delete the stray cells far below or right of the table", name)
    more = extras.of(name)
    merged = getattr(sheet_data, "merged_cell_ranges", None) or more.merged
    if scanned is not None:
        errors, hidden = tuple(scanned[0]), scanned[1]
    else:
        errors = more.errors
        hidden = _Hidden(more.hidden_rows, more.hidden_columns) if more.hidden_rows or more.hidden_columns else None
    return _Sheet(sheet_data, merged, more.shown, hidden, errors)


def _sheet_cells(path: Path, name: str, sheet: _Sheet, nrows: int | None = None) -> list[list]:
    """The cell values of a sheet from A1 (its first ``nrows`` rows, or all): a whole number that
    its number format pads with zeros as the text it shows (``00123``: an id, as the person who
    typed it sees it), merged ranges filled (:func:`_fill_merged`)."""
    try:
        cells = sheet.data.to_python(skip_empty_area=False, nrows=nrows)
        for (r, c), text in sheet.shown.items():
            if r < len(cells) and c < len(cells[r]) and isinstance(cells[r][c], (int, float)) \
                    and not isinstance(cells[r][c], bool):
                cells[r][c] = text
        for r, c, _text, _formula in sheet.errors:
            if r - 1 < len(cells) and c < len(cells[r - 1]):
                cells[r - 1][c] = ""
        _fill_merged(cells, sheet.merged)
    except Exception as exc:
        raise _file_problem(path, "not-a-spreadsheet", "a sheet of the workbook cannot be read", name) from exc
    return cells


def _codec_name(encoding: str) -> str | None:
    """Python's name for an encoding (``UTF8`` -> ``utf-8``), or None for a name it does not know."""
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return None


def _utf16_without_mark(data: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` for text saved as UTF-16 without a byte-order mark, else None.

    Text in the Latin alphabets is mostly characters below U+0100, so in UTF-16 one byte of each
    pair is NUL: the second (little-endian) or the first (big-endian). The first bytes say which
    when at least 3 in 4 of those bytes are NUL and at most 1 in 20 of the others.
    """
    head = data[:_UTF16_SNIFF_BYTES]
    pairs = len(head) // 2
    first_nul, second_nul = head[0::2].count(0), head[1::2].count(0)
    if pairs and second_nul >= 0.75 * pairs and first_nul <= 0.05 * pairs:
        return "utf-16-le"
    if pairs and first_nul >= 0.75 * pairs and second_nul <= 0.05 * pairs:
        return "utf-16-be"
    return None


def _decode(data: bytes, path: Path, encoding: str | None) -> str:
    """The text of a file: in ``encoding`` when given, else by its byte-order mark, else UTF-8, else
    Windows-1252 line by line. A byte-order mark is never content: it is dropped in every case, also
    at the start of a line further down (two exports pasted together, each with its own)."""
    text = _decoded(data, path, encoding)
    return re.sub("(?m)^\ufeff", "", text) if "\ufeff" in text else text


def _decoded(data: bytes, path: Path, encoding: str | None) -> str:
    if encoding:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise _file_problem(path, "bad-encoding", f"cannot be decoded as {encoding}; check --encoding, "
                                "--roster-encoding or --ties-encoding (encoding= in Python), or save the file again "
                                "as CSV UTF-8") from exc
        return text[1:] if text.startswith("\ufeff") else text
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return data.decode("utf-16")
    if data.startswith(codecs.BOM_UTF8):  # (UTF-8, or pasted together with a Windows-1252 export: below)
        data = data[len(codecs.BOM_UTF8):]
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


def _read_text_cells(path: Path, delimiter: str | None, encoding: str | None,
                     data: bytes | None = None) -> list[list[str]]:
    """The rows of cells of a text file, decoded (see :func:`_decode`; UTF-16 without a byte-order mark
    is recognised by its NUL bytes, and read as UTF-16 whenever ``encoding`` names UTF-16 or 32)."""
    data = path.read_bytes() if data is None else data
    if encoding is None and b"\x00" in data[:_UTF16_SNIFF_BYTES]:
        encoding = _utf16_without_mark(data)
    wide = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or \
        (encoding is not None and (_codec_name(encoding) or "").startswith(("utf-16", "utf-32")))
    if b"\x00" in data[:_UTF16_SNIFF_BYTES] and not wide:
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
        raise InputError([Problem("bad-csv", what + "; check the quoting and the delimiter: --delimiter "
                                  "(delimiter= in Python)", path=str(path), row=reader.line_num)]) from exc
    return rows


# The characters Python's str.strip() removes, as a character class for pyarrow's regular
# expressions (RE2's \s is ASCII only); tests check it against str.isspace().
PY_WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
                 "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_RE2_SPACE = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in PY_WHITESPACE) + "]"
_RE2_EDGE_SPACE = f"^{_RE2_SPACE}|{_RE2_SPACE}$"
# Text files at least this large are parsed column by column by pyarrow's CSV reader (see
# _read_text_columnar); smaller ones cell by cell, which is as fast there and handles everything.
COLUMNAR_MIN_BYTES = 1 << 20
# pyarrow parses blocks of this many bytes in parallel: small enough that a few-megabyte roster
# keeps both cores of a small machine busy.
_BLOCK_BYTES = 1 << 20
_LINE_END = re.compile(r"\r\n|\r|\n")


# True for the bytes a cell may start with when it starts with a character str.strip() removes (the
# ASCII ones, and the lead bytes of the others in UTF-8), and the bytes it may end with when it ends
# with one.
_FIRST_SPACE_BYTE = np.zeros(256, dtype=bool)
_FIRST_SPACE_BYTE[[c.encode("utf-8")[0] for c in PY_WHITESPACE]] = True
_LAST_SPACE_BYTE = np.zeros(256, dtype=bool)
_LAST_SPACE_BYTE[[c.encode("utf-8")[-1] for c in PY_WHITESPACE]] = True


def _may_hold_space(data: bytes, offset: int, quoted: bool) -> bool:
    """False when no cell of ``data[offset:]`` can hold a character str.strip() removes, each
    looked for with one byte search (line breaks only where quotes may put them inside a cell;
    the characters beyond ASCII only in a file that has any)."""
    ascii_only = data.isascii()
    return any(data.find(c.encode("utf-8"), offset) >= 0 for c in PY_WHITESPACE
               if (quoted or c not in "\n\r") and (c.isascii() or not ascii_only))


def _text_buffers(chunk) -> tuple[np.ndarray, np.ndarray]:
    """The offsets (``len(chunk) + 1`` of them) and the bytes of an Arrow text array without
    nulls, as numpy views."""
    import pyarrow as pa

    offsets, data = chunk.buffers()[1:3]
    width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
    if offsets is None:
        return np.zeros(1, dtype=width), np.zeros(0, dtype=np.uint8)
    offsets = np.frombuffer(offsets, dtype=width)[chunk.offset:chunk.offset + len(chunk) + 1]
    return offsets, (np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, dtype=np.uint8))


def _filled_cells(column) -> np.ndarray:
    """True for each cell of an Arrow text column (no nulls) that is not blank."""
    parts = [np.not_equal(offsets[1:], offsets[:-1]) for offsets, _ in map(_text_buffers, column.chunks)]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=bool)


def _may_have_edge_space(column) -> bool:
    """False when no cell of an Arrow text column (no nulls) can start or end
    with white space, from its first and last bytes (a cheap test; True only means the exact test
    must run)."""
    for chunk in column.chunks:
        offsets, data = _text_buffers(chunk)
        starts, stops = offsets[:-1], offsets[1:]
        filled = stops > starts
        if not filled.all():
            starts, stops = starts[filled], stops[filled]
        if _FIRST_SPACE_BYTE[data[starts]].any() or _LAST_SPACE_BYTE[data[stops - 1]].any():
            return True
    return False


def _read_text_columnar(path: Path, data: bytes, header_row: int | None, delimiter: str | None,
                        encoding: str | None, wanted: Sequence[Sequence[str]] | None = None) -> Table | None:
    """The :class:`Table` of a large UTF-8 CSV file parsed by pyarrow's multi-threaded reader, or
    None where the file needs the cell-by-cell reader (:func:`_read_text_cells`).

    It gives exactly the table the cell-by-cell reader gives (tests compare the two on generated
    files): the header is found on the same top rows, cells are parsed with the same quoting rules
    (RFC 4180: ``"`` quotes, ``""`` inside quotes) and stripped the same way, and records keep
    their row numbers because every CSV record below the header is one row of pyarrow's table.
    Anything it does not handle the same way is left to the other reader: a file that is not
    UTF-8 (or is UTF-16), rows of unequal width, blank lines (pyarrow reads them as a row of one
    cell), a NUL byte, a cell over the csv module's field limit, a record before the body that
    spans lines, or more than MAX_COLUMNS columns.
    """
    if len(data) < COLUMNAR_MIN_BYTES or (encoding and _codec_name(encoding) not in ("utf-8", "utf-8-sig")):
        return None
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.csv as pacsv
    except ImportError:  # pragma: no cover - pyarrow is a dependency
        return None
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE) or b"\x00" in data:
        return None
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0  # never content (see _decode)
    head_bytes = data[start:start + 4 * _SNIFF_CHARS]
    try:
        head = codecs.getincrementaldecoder("utf-8")().decode(head_bytes, final=False)
    except UnicodeDecodeError:
        return None
    delim = delimiter or _sniff_delimiter(head, path.suffix.lower())
    if len(delim) != 1:
        return None
    # The top rows, as the cell-by-cell reader sees them, from whole lines of the head.
    whole = start + len(head_bytes) == len(data)
    cut = len(head) - 1 if whole else max(head.rfind("\n"), head.rfind("\r"))
    needed = max(_HEADER_SCAN_ROWS, header_row or 0)
    reader = csv.reader(io.StringIO(head[:cut + 1], newline=""), delimiter=delim)
    try:
        raw_top = list(itertools.islice(reader, needed + 1))
    except csv.Error:
        return None
    if len(raw_top) <= needed and not whole:
        return None  # (the last row read may be cut short)
    raw_top = raw_top[:needed]
    top = [[c.strip() for c in row] for row in raw_top]
    try:
        h = _header_index(path, None, top, header_row, wanted)
    except InputError:
        return None
    survey = _survey_tool_header(top, h, header_row is not None)
    if survey is not None:
        h, survey_header = survey.last, survey.header
    # The body starts after h + 1 physical lines when none of those rows spans lines.
    if any("\n" in c or "\r" in c for row in raw_top[:h + 1] for c in row):
        return None
    ends = [m.end() for m in itertools.islice(_LINE_END.finditer(head), h + 1)]
    if len(ends) < h + 1:
        return None
    offset = start + len(head[:ends[h]].encode("utf-8"))
    width = len(raw_top[h])
    if width > MAX_COLUMNS or width == 0:
        return None
    if survey is not None and len(survey_header) > width:
        return None  # (a header row wider than the records: the cell reader pads the records)
    body = memoryview(data)[offset:]
    quoted = data.find(b'"', offset) >= 0
    names = [f"f{j}" for j in range(width)]
    text = pa.large_string()  # 64-bit offsets, as pandas keeps its Arrow-backed text columns
    try:
        parsed = pacsv.read_csv(
            pa.py_buffer(body),
            read_options=pacsv.ReadOptions(column_names=names, block_size=_BLOCK_BYTES),
            parse_options=pacsv.ParseOptions(delimiter=delim, quote_char='"', double_quote=True, escape_char=False,
                                             newlines_in_values=quoted, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types={n: text for n in names}, check_utf8=True,
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False))
    except pa.ArrowException:
        return None
    if parsed.num_columns != width:
        return None
    limit = csv.field_size_limit()
    spaced = _may_hold_space(data, offset, quoted)
    columns, filled = [], []
    for j in range(width):
        column = parsed.column(j)
        if len(column) and pc.max(pc.binary_length(column)).as_py() > limit and \
                pc.max(pc.utf8_length(column)).as_py() > limit:
            return None
        if spaced and len(column) and _may_have_edge_space(column) and \
                pc.any(pc.match_substring_regex(column, _RE2_EDGE_SPACE)).as_py():
            column = pa.chunked_array([pa.array([v.strip() for v in column.to_pylist()], type=text)])
        columns.append(pd.Series(column.to_pandas(), copy=False))
        filled.append(_filled_cells(column))
    header = survey_header if survey is not None else top[h]
    header = header + [""] * (width - len(header))
    table = _assemble_table(path, None, h, header, columns, parsed.num_rows, filled, survey=survey)
    named = _named_width(header)
    if named < width and any(f.any() for f in filled[named:]):
        # (the records with a cell past the header are few: those are read cell by cell)
        past = np.flatnonzero(np.logical_or.reduce(filled[named:]))
        body = [[columns[j].iat[i] for j in range(width)] for i in past]
        table = replace(table, past_header=_cells_past_header(path, header, body, h, positions=past))
    return table


def _read_parquet(path: Path, sheet: str | None, header_row: int | None) -> Table:
    """The :class:`Table` of a Parquet file: its column names are the header (row 1) and its rows
    are records 2, 3, ... as in the CSV file of the same table. Cells become text as a spreadsheet's
    do (:func:`_column_text`: weight 2.0 reads "2", a missing value ""); text is stripped."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    if sheet is not None:
        raise _file_problem(path, "no-sheets", "is a Parquet table, which has no sheets; leave out --roster-sheet "
                            "or --ties-sheet (sheet= in Python), which name a sheet of an Excel workbook")
    if header_row not in (None, 1):
        raise _file_problem(path, "no-header", f"is a Parquet table: its column names are its header, not row "
                            f"{header_row}; leave out --roster-header-row or --ties-header-row (header_row= in Python)")
    try:
        data = pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        raise _file_problem(path, "not-a-spreadsheet", f"cannot be read as a Parquet table ({type(exc).__name__}); "
                            "write it again, or save it as CSV") from None
    text = pa.large_string()
    columns = []
    for column in data.columns:
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            column = pc.fill_null(column.cast(text), "")
            if len(column) and pc.any(pc.match_substring_regex(column, _RE2_EDGE_SPACE)).as_py():
                column = pa.chunked_array([pa.array([v.strip() for v in column.to_pylist()], type=text)])
            columns.append(pd.Series(column.to_pandas(), copy=False))
        else:
            columns.append(np.asarray(_column_text(tuple(column.to_pylist())), dtype=object))
    return _assemble_table(path, None, 0, [str(name).strip() for name in data.column_names], columns, data.num_rows)


def read_table(path: str | Path, sheet: str | None = None, *, header_row: int | None = None,
               delimiter: str | None = None, encoding: str | None = None,
               wanted_headers: list[list[str]] | None = None) -> Table:
    """Read one sheet of an Excel workbook, one CSV/TSV file or one Parquet table as a :class:`Table`.

    ``wanted_headers`` are the columns the caller looks for, each a group of header spellings (for a
    roster: the id, name, email and unit spellings). When ``sheet`` is not given they choose the
    sheet (see :func:`_read_excel_cells`), and when ``header_row`` is not given the header row:
    the top row holding the most of them (see :func:`_pick_header`). The same row is the header
    whichever CSV reader runs.
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
        name, cells, merged, (errors, hidden) = _read_excel_cells(p, sheet, wanted_headers)
        return _table_from_cells(p, name, cells, header_row, merged, wanted_headers, errors, hidden)
    if suffix in TEXT_SUFFIXES or suffix == "":
        if sheet is not None:
            raise _file_problem(p, "no-sheets", "is a text file, which has no sheets; leave out --roster-sheet "
                                "or --ties-sheet (sheet= in Python), which name a sheet of an Excel workbook")
        data = p.read_bytes()
        table = _read_text_columnar(p, data, header_row, delimiter, encoding, wanted_headers)
        if table is not None:
            return table
        cells = _read_text_cells(p, delimiter, encoding, data)
        return _table_from_cells(p, None, cells, header_row, wanted=wanted_headers, text_file=True)
    if suffix in PARQUET_SUFFIXES:
        return _read_parquet(p, sheet, header_row)
    # Unknown suffix: sniff the content.
    head = p.read_bytes()[:8]
    if head[:2] == b"PK":
        name, cells, merged, (errors, hidden) = _read_excel_cells(p, sheet, wanted_headers)
        return _table_from_cells(p, name, cells, header_row, merged, wanted_headers, errors, hidden)
    raise _file_problem(p, "not-a-spreadsheet",
                        f"has suffix {suffix!r}; expected .xlsx, .xlsm, .ods, .xls, .csv, .tsv, .txt or .parquet")
