"""The shapes a tie sheet comes in, each turned into long records with their cell locations.

- **edges**: one row per tie: source, target, optional weight, layer, direction and date columns
  (a date is read by :mod:`ona.ingest._dates`); Gephi's ``Source``/``Target``/``Weight``/``Type``
  and Kumu's ``From``/``To``/``Direction`` headers are recognised as such; a sheet of two or three
  columns whose first row names two people is an edge list without a header row
  (:func:`edge_list_without_header`);
- **matrix**: an adjacency matrix: people in the first column and in the header row, cells are
  weights, blanks are 0; square, or respondents (rows) by roster (columns);
- **matrix** also as a survey tool's grid question (Google Forms' multiple-choice grid): one row
  per respondent and one column per colleague, headed ``Question [Colleague]``, the answer (a
  frequency) in each cell; a sheet with several grid questions has a layer per question
  (:func:`_grid_columns`);
- **wide**: one row per respondent, with several colleague columns ("Colleague 1", "Colleague 2"
  ...), each optionally followed by a frequency column, or one cell listing colleagues separated by
  ``;``, ``|``, line breaks or commas; a survey tool's export (Microsoft Forms: response number,
  start and completion time, email, name, then the questions) is a wide sheet.

:func:`detect_shape` tells them apart from the headers and cells; ``--ties-format`` forces one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from ..errors import InputError, Problem
from ._columns import ALIASES, DIRECTIONS, KNOWN_HEADERS, find_column
from ._tables import NUMBERED_HEADER, Table, label_key, normalise_header, row_numbers, rows_named

__all__ = ["TieRecords", "answers_without_header", "detect_shape", "edge_list_without_header", "records_from_table",
           "SHAPES", "unfinished_responses", "without_survey_previews"]

SHAPES = ("edges", "matrix", "wide")
# How a message names the setting that names a column: the command line's option and read_ties's argument.
_OPTION = {role: f"--{role}-column ({role}_column= in Python)" for role in ("source", "target", "weight", "date")}
_LIST_SEPARATORS = re.compile(r"\s*(?:;|\||\n|\r)\s*")
# A header that starts with a weight alias as a word ("Hvor ofte 1", "How often do you ...?",
# "Frequency (1-5)"); a question with the word further in ("Who do you count on?") is no weight.
_WEIGHT_WORDS = re.compile(r"^(?:" + "|".join(
    re.escape(a) for a in sorted(ALIASES["weight"], key=len, reverse=True)) + r")(?![^\W\d_])")
# Headers that are never a colleague column of a wide sheet: who answered and the response's metadata.
_NOT_COLLEAGUES = frozenset(ALIASES["id"] + ALIASES["name"] + ALIASES["email"] + ALIASES["response"]
                            + ["respondent id"])  # (SurveyMonkey's response number, when not the respondent)
_COLLEAGUE_STEMS = frozenset(ALIASES["target"] + ALIASES["colleagues"])
# A cell that is a plain number (an answer of another question, not a colleague: see _names_people).
_PLAIN_NUMBER = re.compile(r"[0-9]+(?:[.,]0+)?")
# A grid question's column: the question, then the row's label (here a colleague) in brackets.
_BRACKETED = re.compile(r"^(.*?)\s*\[([^\[\]]+)\]\s*$", re.S)
# A checkbox question's "Other" option (SurveyMonkey's "Other (please specify)", Qualtrics'
# "Other"): its cell is typed in, and names colleagues as a wide sheet's cell does.
# A header the table renamed because an earlier column has it too ("Anna Berg (2)": _tables numbers
# them), and the layer of the n-th column of each colleague in a survey export ("question 2").
_REPEATED_HEADER = re.compile(r"^(.*) \((\d+)\)$", re.S)
_REPEATED_QUESTION = "question"
_OTHER_OPTION = re.compile(r"^(?:other|others|andet|andre|anden|annat|andra|annet)\b", re.I)
# What a survey tool writes in a ticked checkbox's column when not the option's text (LimeSurvey:
# Y or Yes; a hand-made sheet: x, Ja).
_TICKED = frozenset({"y", "yes", "x", "ja", "true", "checked", "selected", "\u2713", "\u2714"})


class ColumnCells(Sequence):
    """The cells of one column of a table, as ``(row, column)`` pairs: the ``i``-th is
    ``(rows[i], column)``, made only when asked for (an edge list of 500,000 ties would otherwise
    hold 1.5 million tuples). ``column`` may instead be an array of one header per cell (the
    reverse of an undirected edge has its source in the target column)."""

    def __init__(self, rows, column: str | np.ndarray):
        self.rows = np.asarray(rows, dtype=np.int64)
        self.column = column

    def __len__(self) -> int:
        return len(self.rows)

    def _column_of(self, i: int) -> str:
        return self.column if isinstance(self.column, str) else str(self.column[i])

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [(int(self.rows[k]), self._column_of(k)) for k in range(len(self.rows))[i]]
        return int(self.rows[i]), self._column_of(i)


@dataclass
class TieRecords:
    """Long records of reported ties, each end and weight with the cell it came from.

    ``source``, ``target``, ``weight`` and ``layer`` are lists, or for an edge list the table's
    columns themselves (``weight`` and ``layer`` None when the sheet has no such column); the
    cells are lists of ``(row, column)`` or :class:`ColumnCells`. An edge list's date column, when
    it has one, is ``date`` (its cells' texts) with its cells ``date_cell``; other shapes have none.
    """

    source: Sequence[str] = field(default_factory=list)
    target: Sequence[str] = field(default_factory=list)
    weight: Sequence[str | None] | None = field(default_factory=list)
    layer: Sequence[str] | None = field(default_factory=list)
    source_cell: Sequence[tuple[int, str]] = field(default_factory=list)
    target_cell: Sequence[tuple[int, str]] = field(default_factory=list)
    weight_cell: Sequence[tuple[int, str] | None] = field(default_factory=list)
    respondents: list[tuple[str, tuple[int, str]]] = field(default_factory=list)
    weight_column: str | None = None
    #: the columns the records were read from (a cell that shows an Excel error there is an error;
    #: elsewhere a warning), and those of them whose cells are located by column letter (a matrix's
    #: people, whose headers are names)
    used: list[str] = field(default_factory=list)
    by_letter: list[str] = field(default_factory=list)
    date: Sequence[str] | None = None
    date_cell: "ColumnCells | None" = None
    date_column: str | None = None
    #: warnings about how the sheet was read (a grid question read as numbered checkboxes)
    notes: list[Problem] = field(default_factory=list)

    def take(self, index: np.ndarray) -> "TieRecords":
        """The records at ``index`` (positions) of an edge list's records, in that order."""
        def cells(c: "ColumnCells | None") -> "ColumnCells | None":
            if c is None:
                return None
            return ColumnCells(c.rows[index], c.column if isinstance(c.column, str) else c.column[index])

        def column(values):
            return None if values is None else values.take(index).reset_index(drop=True)

        return TieRecords(source=column(self.source), target=column(self.target), weight=column(self.weight),
                          layer=column(self.layer), source_cell=cells(self.source_cell),
                          target_cell=cells(self.target_cell), weight_cell=cells(self.weight_cell),
                          respondents=self.respondents, weight_column=self.weight_column, used=self.used,
                          by_letter=self.by_letter, date=column(self.date), date_cell=cells(self.date_cell),
                          date_column=self.date_column)

    def add(self, source, target, weight, layer, source_cell, target_cell, weight_cell) -> None:
        self.source.append(source)
        self.target.append(target)
        self.weight.append(weight)
        self.layer.append(layer)
        self.source_cell.append(source_cell)
        self.target_cell.append(target_cell)
        self.weight_cell.append(weight_cell)


def _not_colleague(table: Table, header: str) -> bool:
    """True for a column that never names colleagues: who answered (id, name, email) and the
    response's metadata, by its header, or a column the survey tool's export marks as its own."""
    return normalise_header(header) in _NOT_COLLEAGUES or header in table.tool_columns


def _has(table: Table, role: str) -> bool:
    keys = {normalise_header(h) for h in table.headers}
    return any(alias in keys for alias in ALIASES[role])


def _share_matching(values, names_person) -> float:
    """The share of the non-blank ``values`` that name a person (``names_person`` is true)."""
    values = [v for v in values if v.strip()]
    if not values:
        return 0.0
    return sum(bool(names_person(v)) for v in values) / len(values)


def _answers_column(table: Table, column: str) -> bool:
    """True when ``column`` (as named by the user; a missing one is reported by the reader) holds
    what a survey question's answers hold and an edge list's target column never does: a cell
    listing several people, or, in a survey tool's export, a blank cell."""
    by_key = {normalise_header(h): h for h in table.headers}
    header = by_key.get(normalise_header(column))
    if header is None:
        return _is_survey_export(table)
    cells = table.frame[header]
    if cells.str.contains(r";|\||\n", regex=True).any():
        return True
    return _is_survey_export(table) and bool((cells.str.strip() == "").any())


def _is_survey_export(table: Table) -> bool:
    """A survey tool's export: a sheet with the metadata columns it adds to each response
    (start and completion time, a timestamp, a response id)."""
    return _has(table, "response")


def detect_shape(table: Table, match) -> str:
    """``matrix`` when most headers after the first name people; ``edges`` when the sheet has a
    source and a target column (and at most six columns, or headers that do not name people);
    otherwise ``wide``."""
    headers = table.headers
    edges = _has(table, "source") and _has(table, "target")
    # A sheet with source and target columns is a matrix only when it is wider than an edge list
    # could be and its other headers name people (checked last: it may fold every roster name).
    if len(headers) >= (7 if edges else 3) and _share_matching(headers[1:], lambda h: match(h) is not None) >= 0.5:
        return "matrix"
    return "edges" if edges else "wide"


def _number(text: str) -> float | None:
    """The number a cell holds (a decimal comma allowed), or None."""
    try:
        return float(text.replace(",", ".")) if text.count(",") == 1 and "." not in text else float(text)
    except ValueError:
        return None


def edge_list_without_header(table: Table, match) -> tuple[Table, Problem] | None:
    """The table an edge list exported without a header row is, with the warning that says so;
    None for any other sheet.

    A sheet is such an edge list when it is two columns wide, or three or four with a number in the
    third cell of its first row (a weight; the fourth is a layer), the first cell of that row names
    a roster person (the top-left cell of a matrix never does), and none of its cells is a known
    header. That row is then the first tie, with its own row number (so a misspelt colleague in it
    is reported there), and the
    columns are source, target, weight and layer, named ``column A``, ``column B``, ``column C`` and
    ``layer`` (the name by which the edge-list reader takes a column as the layer).
    """
    headers = table.headers
    if len(headers) not in (2, 3, 4) or not _header_is_a_record(table, match, number_at=2):
        return None
    roles = {2: "source and target", 3: "source, target and weight", 4: "source, target, weight and layer"}[
        len(headers)]
    return _header_as_record(table, ["column A", "column B", "column C", "layer"][:len(headers)], "tie", roles)


def answers_without_header(table: Table, match) -> tuple[Table, Problem] | None:
    """The table a respondent's sheet without a header row is (one sheet per respondent: the
    colleagues in the first column, how often in a second), with the warning that says so; None
    for any other sheet. A sheet is one when it is one or two columns wide, the first cell of its
    first row names a roster person, the second (if any) is a number, and none of its cells is a
    known header. Its columns are named ``column A`` (the colleague) and ``column B`` (the weight)."""
    if len(table.headers) not in (1, 2) or not _header_is_a_record(table, match, number_at=1):
        return None
    return _header_as_record(table, ["column A", "column B"][:len(table.headers)], "answer",
                             "colleague and weight" if len(table.headers) == 2 else "the colleagues")


def _header_is_a_record(table: Table, match, *, number_at: int) -> bool:
    """True when ``table``'s header row reads as a record: its first cell names a roster person, its
    cell at ``number_at`` (where it has one) is a number, and none of its cells is a known header."""
    headers = table.headers
    if any(normalise_header(h) in KNOWN_HEADERS for h in headers):
        return False
    if len(headers) > number_at and _number(headers[number_at]) is None:
        return False
    return match(headers[0]) is not None


def _header_as_record(table: Table, names: list[str], record: str, roles: str) -> tuple[Table, Problem]:
    """``table`` with its header row read as its first ``record`` (a tie, an answer), with its own
    row number, and its columns named ``names``; and the ``no-header-row`` warning that says the
    columns are read as ``roles``."""
    headers = table.headers
    frame = pd.DataFrame({name: pd.concat([pd.Series([header], dtype=table.frame[header].dtype), table.frame[header]],
                                          ignore_index=True)
                          for name, header in zip(names, headers)}, copy=False)
    first, rows = table.header_row, table.rows
    rows = range(first, rows.stop) if isinstance(rows, range) and rows.start == first + 1 and rows.step == 1 else \
        [first, *rows]
    renamed = dict(zip(headers, names))
    errors = tuple(cell._replace(column=renamed[cell.column]) for cell in table.cell_errors)
    warning = table.problem(
        "no-header-row", f"has no header row: its first row names people of the roster, so it is read as the "
        f"first {record} and the columns as {roles}; if the first row is a header, pass --ties-header-row {first} "
        f"(header_row={first} in Python)",
        row=first, severity="warning")
    return Table(path=table.path, sheet=table.sheet, header_row=first - 1, frame=frame, rows=rows,
                 cell_errors=errors), warning


#: Qualtrics' Response Type (its ``Status`` column) of a response that is no one's answer: the
#: survey's author trying it out, a generated test response, spam; as text and as its number (as
#: Qualtrics' SPSS export labels them: 1 Survey Preview, 2 Survey Test, 8 Spam, 9 Survey Preview
#: Spam, 12 Imported Spam, 17 Offline Survey Preview, 40 EX Spam; 0 IP Address, 4 Imported, 16
#: Offline, 32 EX and 48 EX Offline are answers).
_NOT_ANSWERS = frozenset({"survey preview", "survey test", "spam", "preview spam", "survey preview spam",
                          "imported spam", "offline survey preview", "ex spam",
                          "1", "2", "8", "9", "12", "17", "40"})
#: Cells that hold the numbers of a question's choices, one or several: ``3``, ``2,4,7``.
_CHOICE_NUMBERS = r"\d+(?:\s*,\s*\d+)*"
#: How a message tells an export of numbers from one of text.
_NUMERIC_SIGN = "Finished column holds 1 and 0, not True and False"
#: How to export a Qualtrics survey's choices as text.
_NUMERIC_EXPORT = ("download the data again from Qualtrics with \"Use choice text\" instead of \"Use numeric "
                   "values\"")


def _finished_column(table: Table) -> str | None:
    """The ``Finished`` column of a Qualtrics export (the tool's own column so headed), or None."""
    return next((h for h in table.tool_columns if normalise_header(h) == "finished"), None)


def _numeric_choices(table: Table) -> bool:
    """True for a Qualtrics export downloaded with "Use numeric values": its ``Finished`` column holds
    1 and 0, where the choice text export writes True and False; the answers to its choice
    questions are then the choices' numbers, not their text."""
    column = _finished_column(table)
    if column is None or not len(table.frame):
        return False
    values = table.frame[column]
    values = values[values != ""]
    return bool(len(values)) and bool(values.isin(["0", "1"]).all())


def unfinished_responses(table: Table) -> Problem | None:
    """The warning that counts a Qualtrics export's unfinished responses (``Finished`` False or 0:
    the respondent left before the end, and Qualtrics recorded the answers given so far), or None.
    They are read as they are: a colleague on a page the respondent did not reach is no tie."""
    column = _finished_column(table)
    if column is None or not len(table.frame):
        return None
    unfinished = table.frame[column].str.lower().isin(["false", "0"]).to_numpy(dtype=bool)
    if not unfinished.any():
        return None
    rows = row_numbers(table.rows)[unfinished].tolist()
    return table.problem(
        "unfinished-responses", f"{len(rows):,} response{'s were' if len(rows) > 1 else ' was'} not finished "
        f"({rows_named(rows)}): the respondent left the survey before its end; read as far as answered, so "
        "colleagues on the pages not reached are missing", column=column, severity="warning")


def without_survey_previews(table: Table) -> tuple[Table, Problem] | None:
    """The table of a Qualtrics export without the responses that are no one's answer (a
    ``Response Type`` of Survey Preview, Survey Test or Spam), with the warning that counts them;
    None when there are none. A preview has no respondent (its Recipient Email is blank) and its
    answers are the author's clicks: read, it would be a blank person or ties nobody reported."""
    by_key = {normalise_header(h): h for h in table.headers}
    column = by_key.get("response type") if "response id" in by_key else \
        by_key.get("status") if "responseid" in by_key else None
    if column is None or not len(table.frame):
        return None
    preview = table.frame[column].str.lower().isin(_NOT_ANSWERS).to_numpy(dtype=bool)  # (cells are stripped)
    if not preview.any():
        return None
    keep = np.flatnonzero(~preview)
    numbers = row_numbers(table.rows)
    left_out = numbers[preview].tolist()
    kept = set(numbers[keep].tolist())
    frame = table.frame.take(keep).reset_index(drop=True)
    trimmed = replace(table, frame=frame, rows=numbers[keep].tolist(),
                      kinds={name: kind[keep] for name, kind in table.kinds.items()},
                      cell_errors=tuple(e for e in table.cell_errors if e.row <= table.header_row or e.row in kept),
                      hidden_rows=tuple(r for r in table.hidden_rows if r in kept))
    n = len(left_out)
    return trimmed, table.problem(
        "survey-preview", f"{n:,} response{'s are' if n > 1 else ' is'} a survey preview, test or spam by its "
        f"Response Type ({rows_named(left_out)}): left out, as no one's answers",
        column=column, severity="warning")


def _same_column(table: Table, roles: dict[str, str | None]) -> None:
    """Refuse one column named for two roles (``--weight-column Source``): its cells cannot be both."""
    seen: dict[str, str] = {}
    for role, header in roles.items():
        if header is None:
            continue
        if header in seen:
            raise InputError([table.problem(
                "same-column", f"this column is named as both the {seen[header]} and the {role} column; give each "
                "its own column: --source-column, --target-column, --weight-column, --date-column (source_column=, "
                "target_column=, weight_column=, date_column= in Python)",
                row=table.header_row, column=header)])
        seen[header] = role


def _direction_column(table: Table, taken) -> str | None:
    """The column that says how each edge runs (Gephi's ``Type``, Kumu's ``Direction``): a header
    of ALIASES["direction"] whose every value is directed, undirected or mutual, in any case (a
    blank is directed)."""
    by_key = {normalise_header(h): h for h in table.headers}
    for alias in ALIASES["direction"]:
        header = by_key.get(alias)
        if header is not None and header not in taken and \
                table.frame[header].str.lower().isin(list(DIRECTIONS)).all():
            return header
    return None


def _layer_column(table: Table, taken) -> str | None:
    """The first header of ALIASES["layer"] that plays no other role."""
    by_key = {normalise_header(h): h for h in table.headers}
    return next((by_key[a] for a in ALIASES["layer"] if a in by_key and by_key[a] not in taken), None)


def _date_column(table: Table, taken, date_column, match) -> str | None:
    """The edge list's date column: the ``date_column`` named, else the first header of
    ALIASES["date"] that plays no other role."""
    if date_column is not None:
        return find_column(table, "date", date_column, option=_OPTION["date"], names_person=match)
    by_key = {normalise_header(h): h for h in table.headers}
    return next((by_key[a] for a in ALIASES["date"] if a in by_key and by_key[a] not in taken), None)


def _edges(table: Table, records: TieRecords, source_column, target_column, weight_column, match=None,
           date_column=None) -> None:
    """One record per row; an edge whose direction is undirected or mutual is also a record the
    other way, with the same row (its source cell is then in the target column)."""
    src = find_column(table, "source", source_column, option=_OPTION["source"], names_person=match)
    tgt = find_column(table, "target", target_column, option=_OPTION["target"], names_person=match)
    w = find_column(table, "weight", weight_column, required=False, option=_OPTION["weight"], names_person=match)
    when = _date_column(table, (src, tgt, w), date_column, match)
    _same_column(table, {"source": src, "target": tgt, "weight": w, "date": when})
    direction = _direction_column(table, (src, tgt, w, when))
    layer = _layer_column(table, (src, tgt, w, direction, when))
    frame = table.frame
    rows = row_numbers(table.rows)
    # The columns themselves: _join_records matches and parses them column by column.
    source, target = frame[src], frame[tgt]
    weight = frame[w] if w else None
    layers = frame[layer] if layer else None
    dates = frame[when] if when else None
    source_columns: str | np.ndarray = src
    target_columns: str | np.ndarray = tgt
    both_ways = frame[direction].str.lower().map(DIRECTIONS).to_numpy(dtype=bool) if direction else None
    if both_ways is not None and both_ways.any():
        back = np.flatnonzero(both_ways)

        def twice(column: pd.Series, reverse: pd.Series) -> pd.Series:
            return pd.concat([column, reverse.take(back)], ignore_index=True)

        source, target = twice(frame[src], frame[tgt]), twice(frame[tgt], frame[src])
        weight = twice(weight, weight) if w else None
        layers = twice(layers, layers) if layer else None
        dates = twice(dates, dates) if when else None
        source_columns = np.array([src] * len(rows) + [tgt] * len(back), dtype=object)
        target_columns = np.array([tgt] * len(rows) + [src] * len(back), dtype=object)
        rows = np.concatenate([rows, rows[back]])
    records.source, records.target, records.weight, records.layer = source, target, weight, layers
    records.source_cell = ColumnCells(rows, source_columns)
    records.target_cell = ColumnCells(rows, target_columns)
    records.weight_cell = ColumnCells(rows, w) if w else None
    records.weight_column = w
    records.used = [c for c in (src, tgt, w, direction, layer) if c]
    if when:  # (an Excel error in it is an error only where the dates choose ties: _join_records decides)
        records.date, records.date_cell, records.date_column = dates, ColumnCells(rows, when), when


def _matrix(table: Table, records: TieRecords) -> None:
    """One record per filled cell (a blank or 0 is no tie): the row's person, the column's, the
    cell as the weight; a cell that marks the tie (x, Yes, Ja, Y, TRUE: :data:`_TICKED`) weighs 1."""
    headers = table.headers
    label_column = headers[0]
    people = set(headers[1:])
    repeated = [(h, m.group(1)) for h in headers[1:] if (m := _REPEATED_HEADER.match(h)) and m.group(1) in people]
    if repeated:  # (the table numbered a repeated header "Anna Berg (2)": the same person twice)
        raise InputError([table.problem(
            "repeated-person-column", f"this column's header repeats that of column {table.letters.get(first, first)} "
            "(one person with two columns); merge the two columns into one or delete one, then run again",
            row=table.header_row, column=table.letters.get(header, header)) for header, first in repeated])
    frame = table.frame
    labels = frame[label_column].to_list()
    # A cell of a person's column is located by the column's letter: its header is a person's name,
    # which a message must not repeat.
    columns = [(h, table.letters.get(h, h), frame[h].to_list()) for h in headers[1:]]
    records.used, records.by_letter = list(headers), list(headers[1:])
    for i, row in enumerate(table.rows):
        records.respondents.append((labels[i], (row, label_column)))
        for header, letter, values in columns:
            cell = values[i].strip()
            if cell in ("", "0", "0.0"):
                continue
            if cell.lower() in _TICKED:  # (a mark, not a weight: x, Yes, Ja)
                records.add(labels[i], header, None, "", (row, label_column), (table.header_row, letter), None)
                continue
            records.add(labels[i], header, cell, "", (row, label_column), (table.header_row, letter), (row, letter))


def _respondents_in_first_column(table: Table, names_person) -> None:
    """Refuse a matrix whose people are named in a column after the first (``Afdeling``, then
    ``Navn``, then a column per colleague): read as it stands, every department was an unknown
    person and every name a weight that is a word. Such a column is one of those before the first
    header that names someone, and its cells name roster people (``respondent-not-first``)."""
    headers = table.headers
    for header in headers[1:]:
        if names_person(header):
            return
        cells = table.frame[header].to_list()
        if not _plain_numbers(cells) and _names_people(cells, names_person):
            raise InputError([table.problem(
                "respondent-not-first", "this column names who answered (its cells name roster people), but a "
                f"matrix names them in its first column ({table.letters.get(headers[0], headers[0])}, "
                f"{headers[0]!r}): move this column to the front, or delete the columns before it",
                row=table.header_row, column=header)])


def _no_column_options(table: Table, source_column, target_column, weight_column) -> None:
    """Refuse the column options a matrix cannot use (see :func:`records_from_table`)."""
    first = normalise_header(table.headers[0])
    given = [option for option, value in (("source", source_column), ("target", target_column),
                                          ("weight", weight_column))
             if value is not None and not (option == "source" and normalise_header(value) == first)]
    if given:
        raise InputError([table.problem(
            "not-for-matrix", "is read as a matrix (people down the first column and across the header, a weight in "
            "each cell), which has no " + " or ".join(f"{option} column" for option in given) + "; leave out "
            + ", ".join(_OPTION[option] for option in given) + ", or read the sheet as an edge list with "
            "--ties-format edges (ties_format='edges' in Python)", row=table.header_row)])


def _is_weight_header(header: str) -> bool:
    """A frequency column of a wide sheet: its header starts with a weight alias as a word ("Hvor ofte 1",
    "How often do you meet?"), not a question with such a word further in ("Whose input do you value?")."""
    return _WEIGHT_WORDS.match(normalise_header(header)) is not None


def _numbered(header: str) -> tuple[str, str | None]:
    """A header's stem and number: ("colleague", "3") for "Colleague 3"; (header, None) unnumbered."""
    key = normalise_header(header)
    numbered = NUMBERED_HEADER.match(key)
    return (numbered.group(1).strip(), numbered.group(2)) if numbered else (key, None)


def _respondent_column(table: Table, source_column) -> str:
    """Who answered: the ``--source-column``; else a source column by its header; else, in a
    survey tool's export, its email column, else its name column, else its first column that is
    not the tool's (a timestamp, a response number); else a column headed as a roster's id, email
    or name column (in that order: "Navn" beside a first column "Nr" that numbers the rows); else
    the first column. In a
    SurveyMonkey export (a ``Collector ID`` column) ``Respondent ID`` numbers the responses: the
    email (or name) column is the respondent there too. A survey export whose respondent column so
    found is blank in every response (a web link records no one) is refused (``no-respondent``)."""
    found = find_column(table, "source", source_column, required=False, option=_OPTION["source"])
    survey = _is_survey_export(table)
    if source_column is None and survey and (
            found is None or (normalise_header(found) == "respondent id" and
                              "collector id" in {normalise_header(h) for h in table.headers})):
        found = find_column(table, "email", None, required=False) or find_column(table, "name", None,
                                                                                  required=False) or found
    if found is None and survey:  # not the tool's timestamp or response number
        found = next((h for h in table.headers if not _not_colleague(table, h)), None)
    if found is None and source_column is None:
        # (a first column "Nr" numbering the rows beside a "Navn" column is not who answered)
        found = next((column for role in ("id", "email", "name")
                      if (column := find_column(table, role, None, required=False))), None)
    found = found or table.headers[0]
    if source_column is None and survey and len(table.frame) and \
            not (table.frame[found] != "").any():
        raise InputError([table.problem(
            "no-respondent", "this column, where the survey tool's export says who answered, is blank in every "
            "response (a web link or an anonymous collector records no one): ties need the person who reported "
            "them; name the column that says who answered (a question asking for the respondent's name or email) "
            "with --source-column (source_column= in Python), or collect the survey by email invitation",
            row=table.header_row, column=found)])
    return found


def _colleague_columns(table: Table, respondent: str, names_person) -> list[tuple[str, str | None]]:
    """The colleague columns of a wide sheet, each with the frequency column that follows it (or None).

    A column is a colleague column when its header says so (a target alias, possibly numbered:
    "Colleague 3", "Kollega 2"), when a frequency column follows it, when at least half its cells
    name roster people, or when it is
    numbered with the stem of another colleague column ("Person 3" beside "Person 1"). Frequency
    columns, the respondent's own id, name and email columns and the response metadata of a
    survey export never are. A column whose cells are all plain numbers and name roster people
    (ids) counts only when no other column is a colleague column: beside one, it holds the answers
    of another question (years of service, a 1-5 rating) that name people by chance.

    A colleague column's frequency column is the one that follows it; but where the colleague
    columns and the frequency columns are numbered alike ("Kollega 1-3", then "Hvor ofte 1-3"),
    each is the frequency column of its number.
    """
    others = [h for h in table.headers if h != respondent]
    found: dict[str, str | None] = {}
    by_number: dict[str, str | None] = {}  # (found by its cells, all plain numbers: ids, or answers?)
    numbered: dict[str, tuple[str, str | None]] = {}
    for j, header in enumerate(others):
        if _is_weight_header(header) or _not_colleague(table, header):
            continue
        following = others[j + 1] if j + 1 < len(others) else None
        weight = following if following is not None and _is_weight_header(following) else None
        stem, number = _numbered(header)
        if number is not None:
            numbered[header] = (stem, weight)
        if weight is not None or stem in _COLLEAGUE_STEMS:
            found[header] = weight
        elif _names_people(cells := table.frame[header].to_list(), names_person):
            (by_number if _plain_numbers(cells) else found)[header] = weight
    found = found or by_number
    stems = {numbered[h][0] for h in found if h in numbered}
    columns = [(h, found[h] if h in found else numbered[h][1]) for h in others
               if h in found or (h in numbered and numbered[h][0] in stems)]
    return _frequencies_by_number(columns, [h for h in others if _is_weight_header(h)])


def _names_people(cells: list[str], names_person) -> bool:
    """True when at least half the non-blank ``cells`` (each may list several people) name roster people."""
    return _share_matching([part for v in cells if v.strip() for part in _split(v, names_person)], names_person) >= 0.5


def _plain_numbers(cells: list[str]) -> bool:
    """True when every non-blank cell is a plain number (1, 12, 3.0)."""
    filled = [v.strip() for v in cells if v.strip()]
    return bool(filled) and all(_PLAIN_NUMBER.fullmatch(v) for v in filled)


def _frequencies_by_number(columns: list[tuple[str, str | None]], weights: list[str]) -> list[tuple[str, str | None]]:
    """``columns`` (colleague column, frequency column or None) with each numbered colleague column
    given the frequency column of its number, when the sheet's frequency columns are numbered one
    each (1, 2, 3 ...) and every numbered colleague column's number is among them; else as given."""
    by_number: dict[str, str] = {}
    for w in weights:
        number = _numbered(w)[1]
        if number is None or number in by_number:
            return columns
        by_number[number] = w
    numbers = [_numbered(h)[1] for h, _ in columns]
    if not by_number or any(n is not None and n not in by_number for n in numbers) or \
            all(n is None for n in numbers):
        return columns
    return [(h, by_number[n] if n is not None else w) for (h, w), n in zip(columns, numbers)]


def _wide(table: Table, records: TieRecords, source_column, target_column, weight_column, names_person) -> None:
    """One record per colleague named, and every row's respondent (who may name no one). The
    ``--target-column`` names the one colleague column (whose cells may list several people), with
    the ``--weight-column`` or else the frequency column that follows it."""
    frame = table.frame
    respondent = _respondent_column(table, source_column)
    if target_column is not None:
        target = find_column(table, "target", target_column, option=_OPTION["target"], names_person=names_person)
        others = table.headers
        following = others[others.index(target) + 1] if others.index(target) + 1 < len(others) else None
        weight = find_column(table, "weight", weight_column, option=_OPTION["weight"],
                             names_person=names_person) if weight_column else \
            following if following is not None and _is_weight_header(following) else None
        _same_column(table, {"source": respondent, "target": target, "weight": weight})
        person_columns = [(target, weight)]
    elif weight_column is not None:
        raise InputError([table.problem(
            "weight-without-target", "a wide sheet has a frequency column per colleague column: with "
            "--weight-column (weight_column= in Python), name its colleague column with --target-column "
            "(target_column= in Python)",
            row=table.header_row)])
    else:
        person_columns = _colleague_columns(table, respondent, names_person)
    if not person_columns and _has(table, "source"):
        find_column(table, "target", None, option=_OPTION["target"], names_person=names_person)  # raises
    numeric = _numeric_choices(table)
    if not person_columns:
        raise InputError([table.problem(
            "unknown-shape", "cannot tell who reported ties to whom: no source/target columns, no matrix and no "
            "colleague columns naming roster people; " + (_NUMERIC_EXPORT + ", or " if numeric else "") +
            "use --ties-format, --source-column and --target-column "
            "(ties_format=, source_column=, target_column= in Python)",
            row=table.header_row)])
    if numeric and target_column is None:
        for header, _ in person_columns:
            values = frame[header]
            values = values[values != ""]  # (cells are stripped)
            if header not in table.typed_columns and len(values) and values.str.fullmatch(_CHOICE_NUMBERS).all():
                raise InputError([table.problem(
                    "choice-numbers", "this question's answers are only numbers, and the export writes each "
                    f"choice as its number, not its text (its {_NUMERIC_SIGN}): "
                    f"the numbers are the places of the colleagues' names among the choices, not people; "
                    f"{_NUMERIC_EXPORT}; if the numbers are the roster's ids, name the column with "
                    "--target-column (target_column= in Python)",
                    row=table.header_row, column=header)])
    respondents = frame[respondent].to_list()
    records.used = [respondent, *(c for pair in person_columns for c in pair if c)]
    weights = list(dict.fromkeys(w for _, w in person_columns if w))
    if weights:  # (what the ties are weighted by, as `ona validate` and the method page say it)
        records.weight_column = weights[0] if len(weights) == 1 else \
            ", ".join(weights) if len(weights) <= 3 else f"{weights[0]} ... {weights[-1]} ({len(weights)} columns)"
    for i, row in enumerate(table.rows):
        records.respondents.append((respondents[i], (row, respondent)))
        for header, weight in person_columns:
            names = _split(frame[header].iat[i], names_person)
            w = frame[weight].iat[i] if weight else None
            if weight and len(names) == 0 and w.strip():
                names = [""]  # a frequency with no colleague: reported as a blank person
            for name in names:
                records.add(respondents[i], name, w, "", (row, respondent), (row, header),
                            (row, weight) if weight else None)


def _grid_columns(table: Table, names_person) -> list[tuple[str, str, str]]:
    """The columns of a survey tool's grid questions whose rows are colleagues, as (header, question,
    colleague): headers ``Question [Colleague]`` (Google Forms writes a multiple-choice grid so). A
    question's columns are all taken once one of them names a roster person, so that a colleague
    not in the roster (or misspelt) is reported, not left out. In a survey tool's export (start and
    completion times, a response id: :func:`_is_survey_export`), a column headed by a roster
    person's name alone is such a column too (a grid question exported one column per colleague),
    unless it is one of the respondent's own columns (id, name, email). A colleague is named in a
    header by a name or an address (a space or an @ in it), not by an id: a survey tool numbers its
    questions (1, 2, Q3), and a roster may number its people so too. A question's "Other" option
    (``Question [Other (please specify)]``) has colleague None: its cells are typed in."""
    def named(text: str) -> bool:  # (a name or an address: a question numbered 1 is no person with id 1)
        text = text.strip()
        return (" " in text or "@" in text) and names_person(text)

    bracketed = [(h, *m.groups()) for h in table.headers if (m := _BRACKETED.match(h))]
    questions = {question.strip() for _, question, inner in bracketed if named(inner)}
    grid = [(h, question.strip(), inner.strip()) for h, question, inner in bracketed if question.strip() in questions]
    # (an "Other" option is typed in: its colleague is None, its cell names them)
    grid = [(h, question, None if _OTHER_OPTION.match(inner) and not names_person(inner) else inner)
            for h, question, inner in grid]
    if _is_survey_export(table):
        taken = {h for h, _, _ in grid}
        alone = [(h, "", h.strip()) for h in table.headers if h not in taken and
                 not _not_colleague(table, h) and named(h)]
        # A colleague's name heading a second column (read as "Name (2)": the table numbers a repeated
        # header) is the same colleague in another question: Microsoft Forms heads each Likert
        # question's columns with its statements alone, so two questions about the same colleagues
        # repeat the names. The n-th column of a colleague is in question n.
        alone_names = {h for h, _, _ in alone}
        repeated = [(h, m.group(1), int(m.group(2))) for h in table.headers
                    if h not in taken and (m := _REPEATED_HEADER.match(h)) and m.group(1) in alone_names
                    and not _not_colleague(table, h)]
        if repeated:
            grid += [(h, f"{_REPEATED_QUESTION} 1", colleague) for h, _, colleague in alone]
            grid += [(h, f"{_REPEATED_QUESTION} {n}", colleague.strip()) for h, colleague, n in repeated]
            grid.sort(key=lambda column: table.headers.index(column[0]))
        else:
            grid += alone
    return grid


def _grid(table: Table, records: TieRecords, source_column, grid: list[tuple[str, str, str | None]],
          names_person) -> None:
    """One record per answered cell of the grid columns (a blank or 0 is no tie): who answered (the
    respondent column, as for a wide sheet), the colleague of the column, the answer as the weight,
    the question as the layer when the sheet has several. The colleague and the answer are located
    by the column's letter (its header holds a name).

    A cell that repeats its column's colleague is a ticked checkbox (SurveyMonkey and Qualtrics
    write the option's text in its column), and so is Y, Yes, x or Ja (LimeSurvey writes Y or
    Yes): a tie of weight 1. The cell of an "Other" option (colleague None) names colleagues as a
    wide sheet's cell does, each a tie of weight 1; one that shows the option ticked (Qualtrics
    writes the names in a column of their own, ``Question - Other - Text``) names no one."""
    frame = table.frame
    respondent = _respondent_column(table, source_column)
    questions = list(dict.fromkeys(question for _, question, _ in grid))
    respondents = frame[respondent].to_list()
    coded = _numbered_checkboxes(frame, grid)
    # (each column's answer that ticks it: its colleague, or an "Other" option's own label)
    columns = [(h, table.letters.get(h, h), colleague, question if len(questions) > 1 else "", frame[h].to_list(),
                question in coded, label_key(colleague if colleague is not None else _BRACKETED.match(h).group(2)))
               for h, question, colleague in grid]
    for question in coded:
        letters = [table.letters.get(h, h) for h, q, c in grid if q == question and c is not None]
        records.notes.append(table.problem(
            "numbered-checkboxes", f"the columns {letters[0]}-{letters[-1]} of {question or 'the grid question'!r} "
            "each hold one number, the position of their column (1, 2, 3 ...): read as a checkbox question "
            "exported with numbers (a ticked option is a tie of weight 1), not as frequencies; export the "
            "answers as text to be sure", row=table.header_row, severity="warning"))
    repeats = [q for q in questions if q.startswith(_REPEATED_QUESTION + " ") and q[len(_REPEATED_QUESTION) + 1:].isdigit()]
    if len(repeats) > 1:
        spans = []
        for question in repeats:
            letters = [table.letters.get(h, h) for h, q, _ in grid if q == question]
            spans.append(f"{question!r} ({letters[0]}-{letters[-1]})" if len(letters) > 1 else f"{question!r} ({letters[0]})")
        records.notes.append(table.problem(
            "repeated-colleagues", f"colleagues head more than one column each: read as {len(repeats)} questions, "
            f"layers {', '.join(spans[:-1])} and {spans[-1]}, a colleague's first column in the first, the second "
            "in the second (Microsoft Forms heads each Likert question's columns with its statements alone, so "
            "two questions about the same people repeat the names); check that each question's columns are "
            "together, analyse one with --layer (layer= in Python), or name the questions in the headers as "
            "'Question [Colleague]'", row=table.header_row, severity="warning"))
    if _numeric_choices(table):
        for question in questions:
            headers = [h for h, q, c in grid if q == question and c is not None]
            if question not in coded and any(frame[h].str.fullmatch(r"\d+").any() for h in headers):
                records.notes.append(table.problem(
                    "choice-numbers-as-weights", f"the answers of {question or 'the grid question'!r} are the "
                    f"numbers of its choices (the export's {_NUMERIC_SIGN}), read "
                    "as the ties' weights as they stand: they measure how often only if the choices run from "
                    f"least to most often; {_NUMERIC_EXPORT} and give the answers' weights with --weight-labels "
                    "(weight_labels= in Python) to be sure", row=table.header_row, column=headers[0],
                    severity="warning"))
    records.used, records.by_letter = [respondent, *(h for h, *_ in grid)], [h for h, *_ in grid]
    for i, row in enumerate(table.rows):
        records.respondents.append((respondents[i], (row, respondent)))
        for header, letter, colleague, question, values, numbered, option in columns:
            cell = values[i].strip()
            if cell in ("", "0", "0.0"):
                continue
            key = label_key(cell)
            ticked = key == option or key in _TICKED
            if colleague is None:  # an "Other" option's typed names (none when only its box is ticked)
                if not ticked:
                    for name in _split(cell, names_person):
                        records.add(respondents[i], name, None, question, (row, respondent), (row, letter), None)
                continue
            ticked = ticked or numbered
            records.add(respondents[i], colleague, None if ticked else cell, question, (row, respondent),
                        (table.header_row, letter), None if ticked else (row, letter))
    records.weight_column = (questions[0] or "answers in the colleagues' columns") if len(questions) == 1 else \
        "answers of the grid questions"


def _numbered_checkboxes(frame: pd.DataFrame, grid: list[tuple[str, str, str | None]]) -> set[str]:
    """The questions of ``grid`` that are checkboxes exported with numbers: SurveyMonkey's
    "numerical value" export writes a ticked option as its position among the options, so each
    column of the question holds one number, its own position (1 in the first column, 2 in the
    second ...). Taken so only when at least two columns and five cells are answered: a
    frequency question answered so by chance is all but impossible then."""
    by_question: dict[str, list[str]] = {}
    for header, question, colleague in grid:
        if colleague is not None:
            by_question.setdefault(question, []).append(header)
    coded = set()
    for question, headers in by_question.items():
        answered = cells = 0
        for position, header in enumerate(headers, start=1):
            values = frame[header]
            values = values[values != ""]  # (cells are stripped)
            if not len(values):
                continue
            if set(values.unique()) != {str(position)}:
                break
            answered, cells = answered + 1, cells + len(values)
        else:
            if answered >= 2 and cells >= 5:
                coded.add(question)
    return coded


def _split(cell: str, names_person) -> list[str]:
    """The colleagues named in one cell: the whole cell if it names a person (or a name several
    roster people share: reported as ambiguous, not cut at its comma), else its parts."""
    cell = cell.strip()
    if not cell:
        return []
    if names_person(cell):
        return [cell]
    parts = [p for p in _LIST_SEPARATORS.split(cell) if p]
    if len(parts) == 1 and "," in cell:
        parts = _comma_parts([p.strip() for p in cell.split(",") if p.strip()], names_person)
    return parts


def _comma_parts(parts: list[str], names_person) -> list[str]:
    """The names of a comma-separated list whose names may hold a comma themselves ("Hansen, Mette,
    Jensen, Per", as Google Forms joins the ticked options "Hansen, Mette" and "Jensen, Per"): two
    neighbouring parts that together name a person, and alone do not, are one name."""
    names, i = [], 0
    while i < len(parts):
        if i + 1 < len(parts) and not names_person(parts[i]) and names_person(f"{parts[i]}, {parts[i + 1]}"):
            names.append(f"{parts[i]}, {parts[i + 1]}")
            i += 2
        else:
            names.append(parts[i])
            i += 1
    return names


def _refuse_cells_past_header(table: Table) -> None:
    """Raise the records of a text file whose cells run past the header (:attr:`Table.past_header`):
    in an edge list or a matrix they would put a weight or a name in the wrong column."""
    if table.past_header:
        raise InputError(list(table.past_header))


def records_from_table(table: Table, match, *, shape: str | None = None, source_column=None,
                       target_column=None, weight_column=None, ambiguous=None,
                       date_column=None) -> tuple[str, TieRecords]:
    """Turn a tie sheet of any shape into long records; returns (shape, records).

    ``match`` gives the roster id a text names (or None); ``ambiguous`` (optional) the roster rows
    of a name several people share. A sheet whose source and target columns are both named is an
    edge list (its weight, layer and date columns are read), unless its target column reads as a survey
    question's answers: a cell lists several colleagues (``;``, ``|`` or a line break), or, in a
    survey tool's export, a cell is blank (someone answered naming no one). Those are read as a
    wide sheet with that one colleague column.

    A sheet with a survey tool's grid question (:func:`_grid_columns`) is read as one, whatever
    ``shape`` says other than "edges", and returned as a "matrix" (respondents by colleagues).

    A matrix has no column options: its first column names who answered and its cells are the
    weights. A ``target_column`` or ``weight_column``, or a ``source_column`` other than the first
    column, is refused (``not-for-matrix``) rather than left unused.
    """
    if shape is None and source_column and target_column:
        shape = "wide" if _answers_column(table, target_column) else "edges"
    records = TieRecords()

    def names_person(text: str) -> bool:
        return match(text) is not None or bool(ambiguous and ambiguous(text))

    grid = _grid_columns(table, names_person) if shape != "edges" and not (
        shape is None and _has(table, "source") and _has(table, "target")) else []
    if grid:  # (a survey tool's grid question: respondents by colleagues, whatever the shape given)
        _refuse_cells_past_header(table)
        if target_column is not None or weight_column is not None:
            _no_column_options(table, None, target_column, weight_column)
        _grid(table, records, source_column, grid, names_person)
        return "matrix", records
    shape = shape or detect_shape(table, match)
    if shape != "wide":  # (a wide sheet reads cells past its header as more colleagues)
        _refuse_cells_past_header(table)
    if shape == "edges":
        _edges(table, records, source_column, target_column, weight_column, match, date_column)
    elif shape == "matrix":
        _no_column_options(table, source_column, target_column, weight_column)
        _respondents_in_first_column(table, names_person)
        _matrix(table, records)
        records.weight_column = "matrix cells"
    elif shape == "wide":
        _wide(table, records, source_column, target_column, weight_column, names_person)
    else:
        raise ValueError(f"unknown tie shape {shape!r}; expected one of {SHAPES}")
    return shape, records
