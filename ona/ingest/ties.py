"""Tie lists: who reported working with whom, and how often, joined to the roster."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError, Problem
from ._tables import Table, gc_paused, read_table
from .roster import Roster, fold_text

__all__ = ["TieTable", "read_ties", "PersonMatcher"]


COMBINE_RULES = ("sum", "max", "any")


@dataclass(frozen=True)
class TieTable:
    """Directed ties between people of a roster.

    ``ties`` has columns ``source`` and ``target`` (person ids of the roster), ``weight`` (a positive
    number; 1 where the file has no weight), ``layer`` (the survey question or file it came from;
    ``""`` for a single layer) and ``row`` (the spreadsheet row of the first report). ``dropped``
    counts rows left out, by reason (``self-tie``, ``zero-weight``, ``duplicate``,
    ``unknown-person``). ``respondents`` are the people who answered (the sources of an edge list,
    or the rows of a matrix or wide sheet, even with no colleague named); ``None`` when unknown.
    """

    ties: pd.DataFrame
    path: str | None = None
    sheet: str | None = None
    weight_column: str | None = None
    dropped: dict[str, int] = field(default_factory=dict)
    warnings: tuple[Problem, ...] = field(default=(), repr=False)
    shape: str = "edges"
    layers: tuple[str, ...] = ()
    combine: str | None = None
    respondents: tuple[str, ...] | None = None

    def __len__(self) -> int:
        return len(self.ties)

    @classmethod
    def empty(cls, shape: str = "none") -> "TieTable":
        """No ties at all (a rating survey alone, or a unit-level export)."""
        return cls(ties=pd.DataFrame({"source": pd.Series(dtype=object), "target": pd.Series(dtype=object),
                                      "weight": pd.Series(dtype=float), "layer": pd.Series(dtype=object),
                                      "row": pd.Series(dtype=int)}), shape=shape)


class PersonMatcher:
    """Finds the roster id a cell refers to: by id, then email, then name.

    Ids match exactly (after trimming); emails case-insensitively; names case-, accent- and
    whitespace-insensitively, and "Last, First" matches "First Last". A name shared by two people
    is ambiguous and matches no one.
    """

    def __init__(self, roster: Roster):
        ids = roster.ids.to_numpy(dtype=object).tolist()
        self._ids = {str(i): str(i) for i in ids}
        self._emails: dict[str, str] = {}
        if roster.email_column:
            for pid, mail in zip(ids, roster.people[roster.email_column].to_numpy(dtype=object).tolist()):
                if mail:
                    self._emails[mail.strip().lower()] = pid
        self._roster = roster
        self._name_index: dict[str, str | None] | None = None
        self._name_rows: dict[str, list[int]] = {}

    @property
    def _names(self) -> dict[str, str | None]:
        """Folded name -> id (None when two people share it); built on first use, since folding
        every roster name costs time that files naming people by id or email never need."""
        if self._name_index is None:
            roster, self._name_index = self._roster, {}
            if roster.name_column:
                names = roster.people[roster.name_column].to_numpy(dtype=object).tolist()
                for pid, name, row in zip(roster.ids, names, roster.rows or [None] * len(roster)):
                    if not name:
                        continue
                    key = fold_text(name)
                    self._name_index[key] = None if key in self._name_index else pid
                    self._name_rows.setdefault(key, []).append(row)
        return self._name_index

    def match(self, text: str) -> str | None:
        text = text.strip()
        if not text:
            return None
        hit = self._ids.get(text)
        if hit is not None:
            return hit
        lower = text.lower()
        if lower.startswith("mailto:"):
            lower = lower[7:]
        if "<" in lower and lower.endswith(">"):
            lower = lower[lower.rindex("<") + 1:-1]
        hit = self._emails.get(lower)
        if hit is not None:
            return hit
        key = fold_text(text)
        if key in self._names:
            return self._names[key]
        if "," in text:
            last, _, first = text.partition(",")
            return self._names.get(fold_text(f"{first} {last}"))
        return None

    def ambiguous_rows(self, text: str) -> list[int] | None:
        """Roster rows sharing this name, if the name is ambiguous."""
        key = fold_text(text)
        names = self._names
        if "," in text and key not in names:
            last, _, first = text.partition(",")
            key = fold_text(f"{first} {last}")
        if key in names and names[key] is None:
            return self._name_rows[key]
        return None


def _parse_weight(text: str) -> float | None:
    text = text.strip()
    try:
        value = float(text.replace(",", ".")) if text.count(",") == 1 and "." not in text else float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


@gc_paused()
def read_ties(path: str | Path | list, roster: Roster, *, sheet: str | None = None, source_column: str | None = None,
              target_column: str | None = None, weight_column: str | None = None, ties_format: str | None = None,
              layer: str | None = None, combine: str = "sum", header_row: int | None = None,
              delimiter: str | None = None, encoding: str | None = None, drop_unknown: bool = False) -> TieTable:
    """Read reported ties in any shape (edge list, matrix, wide survey sheet) and join them to ``roster``.

    ``path`` may be a list of files: each is one layer (named after the file) unless it has a layer
    column of its own. ``layer`` keeps one layer; otherwise the layers are combined per pair by
    ``combine``: ``sum`` of the weights, ``max``, or ``any`` (weight 1 if any layer has the tie).

    People may be named by id, email or name (see :class:`PersonMatcher`). A weight, when present,
    must be a non-negative number; a weight of 0 means no tie. Ties to oneself are dropped and
    counted. Within a layer, a pair listed more than once keeps its largest weight. Every problem in
    every file is collected and raised together as one :class:`InputError`.
    """
    if combine not in COMBINE_RULES:
        raise ValueError(f"combine must be one of {COMBINE_RULES}")
    paths = list(path) if isinstance(path, (list, tuple)) else [path]
    tables, problems = [], []
    for p in paths:
        try:
            tables.append(read_tie_table(p, roster, sheet=sheet, source_column=source_column,
                                         target_column=target_column, weight_column=weight_column,
                                         ties_format=ties_format, header_row=header_row, delimiter=delimiter,
                                         encoding=encoding, drop_unknown=drop_unknown,
                                         default_layer=Path(p).stem if len(paths) > 1 else ""))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return combine_layers(tables, layer=layer, combine=combine)


def read_tie_table(path: str | Path, roster: Roster, *, sheet=None, source_column=None, target_column=None,
                   weight_column=None, ties_format=None, header_row=None, delimiter=None, encoding=None,
                   drop_unknown=False, default_layer: str = "") -> TieTable:
    """Read one tie file of any shape (see :func:`read_ties`); layers are kept apart."""
    from ._columns import ALIASES
    from .shapes import SHAPES, records_from_table

    if ties_format is not None and ties_format not in SHAPES:
        raise ValueError(f"ties_format must be one of {SHAPES}")
    table = read_table(path, sheet, header_row=header_row, delimiter=delimiter, encoding=encoding,
                       wanted_headers=None if sheet or ties_format not in (None, "edges")
                       else [ALIASES["source"], ALIASES["target"]])
    matcher = PersonMatcher(roster)
    shape, records = records_from_table(table, matcher.match, shape=ties_format, source_column=source_column,
                                        target_column=target_column, weight_column=weight_column)
    return _join_records(table, matcher, records, shape, drop_unknown=drop_unknown, default_layer=default_layer)


def ties_from_table(table: Table, roster: Roster, src_col: str, tgt_col: str, w_col: str | None,
                    *, drop_unknown: bool = False) -> TieTable:
    """Join an edge-list table's source/target/weight columns to the roster."""
    from .shapes import records_from_table

    matcher = PersonMatcher(roster)
    shape, records = records_from_table(table, matcher.match, shape="edges", source_column=src_col,
                                        target_column=tgt_col, weight_column=w_col)
    return _join_records(table, matcher, records, shape, drop_unknown=drop_unknown)


def _join_records(table: Table, matcher: "PersonMatcher", records, shape: str, *, drop_unknown: bool = False,
                  default_layer: str = "") -> TieTable:
    """Match both ends of every record to the roster, parse weights, and collect every problem."""
    problems: list[Problem] = []
    n = len(records.source)
    if n == 0 and not records.respondents:
        raise InputError([table.problem("no-records", "has a header but no ties below it", row=table.header_row)])
    unknown = 0
    cache: dict[str, str | None] = {}
    reported: set[tuple[int, str]] = set()

    def resolve(text: str, cell: tuple[int, str]) -> str | None:
        nonlocal unknown
        pid = cache[text] if text in cache else cache.setdefault(text, matcher.match(text))
        if pid is not None:
            return pid
        if cell in reported:  # a header cell of a matrix is reported once, not once per tie
            return None
        reported.add(cell)
        row, col = cell
        if not text.strip():
            problems.append(table.problem("blank-person", "the person is blank; name someone from the roster",
                                          row=row, column=col))
            return None
        amb = matcher.ambiguous_rows(text)
        if amb:
            problems.append(table.problem(
                "ambiguous-person", "this name fits several people (roster rows "
                + ", ".join(str(r) for r in amb) + "); use their id or email instead", row=row, column=col))
        elif drop_unknown:
            unknown += 1
        else:
            problems.append(table.problem(
                "unknown-person", "names no one in the roster (matched by id, email and name); "
                "add the person to the roster, fix the spelling, or pass --drop-unknown", row=row, column=col))
        return None

    def resolve_all(texts: list[str], cells: list[tuple[int, str]]) -> list[str | None]:
        # Match each distinct text once; only the cells that match no one are looked at one by one.
        codes, uniques = pd.factorize(np.asarray(texts, dtype=object))
        found = np.asarray([matcher.match(t) for t in uniques] + [None], dtype=object)[codes]
        for i in np.flatnonzero(np.equal(found, None)):
            resolve(texts[i], cells[i])
        return found.tolist()

    sources = resolve_all(records.source, records.source_cell) if n else []
    targets = resolve_all(records.target, records.target_cell) if n else []
    weights = np.ones(n)
    has_weight = np.fromiter((t is not None for t in records.weight), dtype=bool, count=n)
    if has_weight.any():
        where = np.flatnonzero(has_weight)
        codes, uniques = pd.factorize(np.asarray(records.weight, dtype=object)[where])
        parsed = np.asarray([_parse_weight(t) for t in uniques] + [None], dtype=float)[codes]
        weights[where] = parsed
        for i in where[np.isnan(parsed) | (parsed < 0)]:
            text, cell = records.weight[i], records.weight_cell[i]
            if weights[i] < 0:
                problems.append(table.problem("negative-weight", "the weight is negative; weights must be 0 or more",
                                              row=cell[0], column=cell[1]))
            else:
                what = "blank" if not text.strip() else "not a number"
                problems.append(table.problem("bad-weight", f"the weight is {what}; write a number such as 1-5",
                                              row=cell[0], column=cell[1]))
            weights[i] = np.nan
    respondents = None
    if records.respondents:
        respondents = tuple(dict.fromkeys(
            pid for pid in (resolve(t, c) for t, c in records.respondents if t.strip()) if pid is not None))
    if any(p.severity == "error" for p in problems):
        problems.sort(key=lambda p: (p.row or 0, table.headers.index(p.column) if p.column in table.headers else 0))
        raise InputError(problems)
    ties = pd.DataFrame({"source": sources, "target": targets, "weight": weights,
                         "layer": [layer or default_layer for layer in records.layer] if default_layer
                         else records.layer,
                         "row": [c[0] for c in records.source_cell]}, dtype=object).astype({"weight": float, "row": int})
    dropped: dict[str, int] = {}
    if unknown:
        unknown_rows = ties["source"].isna() | ties["target"].isna()
        dropped["unknown-person"] = int(unknown_rows.sum())
        ties = ties[~unknown_rows]
    self_ties = ties["source"] == ties["target"]
    if self_ties.any():
        dropped["self-tie"] = int(self_ties.sum())
        ties = ties[~self_ties]
    zero = ties["weight"] == 0
    if zero.any():
        dropped["zero-weight"] = int(zero.sum())
        ties = ties[~zero]
    dup = ties.duplicated(["layer", "source", "target"], keep=False)
    if dup.any():
        before = len(ties)
        ties = (ties.sort_values(["layer", "source", "target", "weight", "row"],
                                 ascending=[True, True, True, False, True])
                .drop_duplicates(["layer", "source", "target"], keep="first").sort_values("row", kind="stable"))
        dropped["duplicate"] = before - len(ties)
    if respondents is None and shape == "edges":
        respondents = tuple(dict.fromkeys(ties["source"].to_numpy(dtype=object).tolist()))
    ties = ties.reset_index(drop=True).astype({"source": object, "target": object})
    layers = tuple(sorted(ties["layer"].unique().tolist())) if len(ties) else ()
    return TieTable(ties=ties, path=table.path, sheet=table.sheet, weight_column=records.weight_column,
                    dropped=dropped, warnings=tuple(problems), shape=shape, layers=layers, respondents=respondents)


def combine_layers(tables: list[TieTable], *, layer: str | None = None, combine: str = "sum") -> TieTable:
    """Put the ties of several files together, keep one ``layer`` or combine the layers per pair."""
    frame = pd.concat([t.ties for t in tables], ignore_index=True)
    layers = tuple(sorted(frame["layer"].unique().tolist())) if len(frame) else ()
    first = tables[0]
    if layer is not None:
        if layer not in layers:
            raise InputError([Problem("unknown-layer", f"has no layer {layer!r}; its layers are: "
                                      + ", ".join(repr(x) for x in layers), path=first.path, sheet=first.sheet)])
        frame = frame[frame["layer"] == layer]
        layers = (layer,)
    elif len(layers) > 1:
        grouped = frame.groupby(["source", "target"], sort=False)
        agg = grouped.agg(weight=("weight", "sum" if combine == "sum" else "max"), row=("row", "min")).reset_index()
        if combine == "any":
            agg["weight"] = 1.0
        agg["layer"] = "+".join(layers)
        frame = agg[["source", "target", "weight", "layer", "row"]]
    dropped: dict[str, int] = {}
    for t in tables:
        for reason, count in t.dropped.items():
            dropped[reason] = dropped.get(reason, 0) + count
    respondents = None
    if any(t.respondents is not None for t in tables):
        respondents = tuple(dict.fromkeys(p for t in tables for p in (t.respondents or ())))
    paths = [t.path for t in tables]
    return TieTable(ties=frame.reset_index(drop=True), path=paths[0] if len(paths) == 1 else "; ".join(paths),
                    sheet=first.sheet, weight_column=first.weight_column, dropped=dropped,
                    warnings=tuple(w for t in tables for w in t.warnings), shape=first.shape, layers=layers,
                    combine=None if layer is not None or len(layers) <= 1 else combine, respondents=respondents)
