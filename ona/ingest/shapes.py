"""The shapes a tie sheet comes in, each turned into long records with their cell locations.

- **edges**: one row per tie: source, target, optional weight, layer and date columns (Gephi's
  ``Source``/``Target``/``Weight`` and Kumu's ``From``/``To`` headers are recognised as such);
- **matrix**: an adjacency matrix: people in the first column and in the header row, cells are
  weights, blanks are 0; square, or respondents (rows) by roster (columns);
- **wide**: one row per respondent, with several colleague columns ("Colleague 1", "Colleague 2"
  ...), each optionally followed by a frequency column, or one cell listing colleagues separated by
  ``;``, ``|``, line breaks or commas.

:func:`detect_shape` tells them apart from the headers and cells; ``--ties-format`` forces one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..errors import InputError
from ._columns import ALIASES, find_column
from ._tables import Table, normalise_header, row_numbers

__all__ = ["TieRecords", "detect_shape", "records_from_table", "SHAPES"]

SHAPES = ("edges", "matrix", "wide")
_LIST_SEPARATORS = re.compile(r"\s*(?:;|\||\n|\r)\s*")
# A weight alias as a word of a header ("Hvor ofte 1", "How often do you ...?"): not inside a longer word.
_WEIGHT_WORDS = re.compile(r"(?<![^\W\d_])(?:" + "|".join(
    re.escape(a) for a in sorted(ALIASES["weight"], key=len, reverse=True)) + r")(?![^\W\d_])")


class ColumnCells(Sequence):
    """The cells of one column of a table, as ``(row, column)`` pairs: the ``i``-th is
    ``(rows[i], column)``, made only when asked for (an edge list of 500,000 ties would otherwise
    hold 1.5 million tuples)."""

    def __init__(self, rows, column: str):
        self.rows = np.asarray(rows, dtype=np.int64)
        self.column = column

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [(int(r), self.column) for r in self.rows[i]]
        return int(self.rows[i]), self.column


@dataclass
class TieRecords:
    """Long records of reported ties, each end and weight with the cell it came from.

    ``source``, ``target``, ``weight`` and ``layer`` are lists, or for an edge list the table's
    columns themselves (``weight`` and ``layer`` None when the sheet has no such column); the
    cells are lists of ``(row, column)`` or :class:`ColumnCells`.
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

    def add(self, source, target, weight, layer, source_cell, target_cell, weight_cell) -> None:
        self.source.append(source)
        self.target.append(target)
        self.weight.append(weight)
        self.layer.append(layer)
        self.source_cell.append(source_cell)
        self.target_cell.append(target_cell)
        self.weight_cell.append(weight_cell)


def _has(table: Table, role: str) -> bool:
    keys = {normalise_header(h) for h in table.headers}
    return any(alias in keys for alias in ALIASES[role])


def _share_matching(values, match) -> float:
    values = [v for v in values if v.strip()]
    if not values:
        return 0.0
    return sum(match(v) is not None for v in values) / len(values)


def detect_shape(table: Table, match) -> str:
    """``matrix`` when most headers after the first name people; ``edges`` when the sheet has a
    source and a target column (and at most six columns, or headers that do not name people);
    otherwise ``wide``."""
    headers = table.headers
    edges = _has(table, "source") and _has(table, "target")
    # A sheet with source and target columns is a matrix only when it is wider than an edge list
    # could be and its other headers name people (checked last: it may fold every roster name).
    if len(headers) >= (7 if edges else 3) and _share_matching(headers[1:], match) >= 0.5:
        return "matrix"
    return "edges" if edges else "wide"


def _edges(table: Table, records: TieRecords, source_column, target_column, weight_column) -> None:
    src = find_column(table, "source", source_column, option="--source-column")
    tgt = find_column(table, "target", target_column, option="--target-column")
    w = find_column(table, "weight", weight_column, required=False, option="--weight-column")
    layer = find_column(table, "layer", None, required=False)
    frame = table.frame
    rows = row_numbers(table.rows)
    # The columns themselves: _join_records matches and parses them column by column.
    records.source, records.target = frame[src], frame[tgt]
    records.weight = frame[w] if w else None
    records.layer = frame[layer] if layer else None
    records.source_cell = ColumnCells(rows, src)
    records.target_cell = ColumnCells(rows, tgt)
    records.weight_cell = ColumnCells(rows, w) if w else None
    records.weight_column = w


def _matrix(table: Table, records: TieRecords) -> None:
    headers = table.headers
    label_column = headers[0]
    frame = table.frame
    labels = frame[label_column].to_list()
    columns = [(h, frame[h].to_list()) for h in headers[1:]]
    for i, row in enumerate(table.rows):
        records.respondents.append((labels[i], (row, label_column)))
        for header, values in columns:
            cell = values[i].strip()
            if cell in ("", "0", "0.0"):
                continue
            records.add(labels[i], header, cell, "", (row, label_column), (table.header_row, header), (row, header))


def _is_weight_header(header: str) -> bool:
    """A frequency column of a wide sheet: its header has a weight alias as a word ("Hvor ofte 1")."""
    return _WEIGHT_WORDS.search(normalise_header(header)) is not None


def _wide(table: Table, records: TieRecords, source_column, match) -> None:
    frame = table.frame
    respondent = find_column(table, "source", source_column, required=False) or table.headers[0]
    others = [h for h in table.headers if h != respondent]
    person_columns: list[tuple[str, str | None]] = []
    for j, header in enumerate(others):
        if _is_weight_header(header):
            continue
        following = others[j + 1] if j + 1 < len(others) else None
        weight = following if following is not None and _is_weight_header(following) else None
        cells = [part for v in frame[header].to_list() for part in _split(v, match)]
        if weight is not None or _share_matching(cells, match) >= 0.5:
            person_columns.append((header, weight))
    if not person_columns and _has(table, "source"):
        find_column(table, "target", None, option="--target-column")  # raises: names the missing column
    if not person_columns:
        raise InputError([table.problem(
            "unknown-shape", "cannot tell who reported ties to whom: no source/target columns, no matrix and no "
            "colleague columns naming roster people; use --ties-format and --source-column/--target-column",
            row=table.header_row)])
    respondents = frame[respondent].to_list()
    for i, row in enumerate(table.rows):
        records.respondents.append((respondents[i], (row, respondent)))
        for header, weight in person_columns:
            names = _split(frame[header].iat[i], match)
            w = frame[weight].iat[i] if weight else None
            if weight and len(names) == 0 and w.strip():
                names = [""]  # a frequency with no colleague: reported as a blank person
            for name in names:
                records.add(respondents[i], name, w, "", (row, respondent), (row, header),
                            (row, weight) if weight else None)


def _split(cell: str, match) -> list[str]:
    """The colleagues named in one cell: the whole cell if it names one person, else its parts."""
    cell = cell.strip()
    if not cell:
        return []
    if match(cell) is not None:
        return [cell]
    parts = [p for p in _LIST_SEPARATORS.split(cell) if p]
    if len(parts) == 1 and "," in cell:
        parts = [p.strip() for p in cell.split(",") if p.strip()]
    return parts


def records_from_table(table: Table, match, *, shape: str | None = None, source_column=None,
                       target_column=None, weight_column=None) -> tuple[str, TieRecords]:
    """Turn a tie sheet of any shape into long records; returns (shape, records)."""
    if shape is None and source_column and target_column:
        shape = "edges"
    shape = shape or detect_shape(table, match)
    records = TieRecords()
    if shape == "edges":
        _edges(table, records, source_column, target_column, weight_column)
    elif shape == "matrix":
        _matrix(table, records)
        records.weight_column = "matrix cells"
    elif shape == "wide":
        _wide(table, records, source_column, match)
    else:
        raise ValueError(f"unknown tie shape {shape!r}; expected one of {SHAPES}")
    return shape, records
