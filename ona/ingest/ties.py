"""Tie lists: who reported working with whom, and how often, joined to the roster."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError, Problem
from ._columns import find_column
from ._tables import Table, read_table
from .roster import Roster, fold_text

__all__ = ["TieTable", "read_ties", "PersonMatcher"]


@dataclass(frozen=True)
class TieTable:
    """Directed ties between people of a roster.

    ``ties`` has columns ``source`` and ``target`` (person ids of the roster), ``weight`` (a positive
    number; 1 where the file has no weight column) and ``row`` (the spreadsheet row it came from).
    ``dropped`` counts rows left out, by reason (``self-tie``, ``zero-weight``, ``duplicate``).
    """

    ties: pd.DataFrame
    path: str | None = None
    sheet: str | None = None
    weight_column: str | None = None
    dropped: dict[str, int] = field(default_factory=dict)
    warnings: tuple[Problem, ...] = field(default=(), repr=False)

    def __len__(self) -> int:
        return len(self.ties)


class PersonMatcher:
    """Finds the roster id a cell refers to: by id, then email, then name.

    Ids match exactly (after trimming); emails case-insensitively; names case-, accent- and
    whitespace-insensitively, and "Last, First" matches "First Last". A name shared by two people
    is ambiguous and matches no one.
    """

    def __init__(self, roster: Roster):
        self._ids = {str(i): str(i) for i in roster.ids}
        self._emails: dict[str, str] = {}
        if roster.email_column:
            for pid, mail in zip(roster.ids, roster.people[roster.email_column]):
                if mail:
                    self._emails[mail.strip().lower()] = pid
        self._names: dict[str, str | None] = {}
        self._name_rows: dict[str, list[int]] = {}
        if roster.name_column:
            for pid, name, row in zip(roster.ids, roster.people[roster.name_column],
                                      roster.rows or [None] * len(roster)):
                if not name:
                    continue
                key = fold_text(name)
                self._names[key] = None if key in self._names else pid
                self._name_rows.setdefault(key, []).append(row)

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
        if "," in text and key not in self._names:
            last, _, first = text.partition(",")
            key = fold_text(f"{first} {last}")
        if key in self._names and self._names[key] is None:
            return self._name_rows[key]
        return None


def _parse_weight(text: str) -> float | None:
    try:
        value = float(text.replace(",", ".")) if text.count(",") == 1 and "." not in text else float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def read_ties(path: str | Path, roster: Roster, *, sheet: str | None = None, source_column: str | None = None,
              target_column: str | None = None, weight_column: str | None = None,
              header_row: int | None = None, delimiter: str | None = None, encoding: str | None = None,
              drop_unknown: bool = False) -> TieTable:
    """Read a tie list (one row per reported tie) and join both ends to ``roster``.

    People may be named by id, email or name (see :class:`PersonMatcher`). A weight, when present,
    must be a non-negative number; a weight of 0 means no tie. Ties to oneself are dropped and
    counted. A pair listed more than once keeps its largest weight. Every problem in the file is
    collected and raised together as one :class:`InputError`.
    """
    from ._columns import ALIASES

    table = read_table(path, sheet, header_row=header_row, delimiter=delimiter, encoding=encoding,
                       wanted_headers=None if sheet else [ALIASES["source"], ALIASES["target"]])
    src_col = find_column(table, "source", source_column, option="--source-column")
    tgt_col = find_column(table, "target", target_column, option="--target-column")
    w_col = find_column(table, "weight", weight_column, required=False, option="--weight-column")
    return ties_from_table(table, roster, src_col, tgt_col, w_col, drop_unknown=drop_unknown)


def ties_from_table(table: Table, roster: Roster, src_col: str, tgt_col: str, w_col: str | None,
                    *, drop_unknown: bool = False) -> TieTable:
    """Join a table's source/target/weight columns to the roster; see :func:`read_ties`."""
    matcher = PersonMatcher(roster)
    problems: list[Problem] = []
    frame = table.frame
    rows = table.rows
    n = len(frame)
    if n == 0:
        raise InputError([table.problem("no-records", "has a header but no ties below it", row=table.header_row)])
    sources = [None] * n
    targets = [None] * n
    weights = np.ones(n)
    unknown = 0
    cache: dict[str, str | None] = {}

    def resolve(text: str, i: int, col: str) -> str | None:
        nonlocal unknown
        if text in cache:
            pid = cache[text]
        else:
            pid = cache[text] = matcher.match(text)
        if pid is not None:
            return pid
        if not text.strip():
            problems.append(table.problem("blank-person", "the person is blank; name someone from the roster",
                                          row=rows[i], column=col))
            return None
        amb = matcher.ambiguous_rows(text)
        if amb:
            problems.append(table.problem(
                "ambiguous-person", "this name fits several people (roster rows "
                + ", ".join(str(r) for r in amb) + "); use their id or email instead", row=rows[i], column=col))
        elif drop_unknown:
            unknown += 1
        else:
            problems.append(table.problem(
                "unknown-person", "names no one in the roster (matched by id, email and name); "
                "add the person to the roster, fix the spelling, or pass --drop-unknown", row=rows[i], column=col))
        return None

    src_values = frame[src_col].to_list()
    tgt_values = frame[tgt_col].to_list()
    w_values = frame[w_col].to_list() if w_col else None
    for i in range(n):
        sources[i] = resolve(src_values[i], i, src_col)
        targets[i] = resolve(tgt_values[i], i, tgt_col)
        if w_values is not None:
            w = _parse_weight(w_values[i])
            if w is None:
                what = "blank" if not w_values[i].strip() else "not a number"
                problems.append(table.problem(
                    "bad-weight", f"the weight is {what}; write a number such as 1-5",
                    row=rows[i], column=w_col))
                weights[i] = np.nan
            elif w < 0:
                problems.append(table.problem("negative-weight", "the weight is negative; weights must be 0 or more",
                                              row=rows[i], column=w_col))
                weights[i] = np.nan
            else:
                weights[i] = w
    if any(p.severity == "error" for p in problems):
        raise InputError(problems)
    ties = pd.DataFrame({"source": sources, "target": targets, "weight": weights, "row": rows})
    dropped: dict[str, int] = {}
    if unknown:
        dropped["unknown-person"] = unknown
        ties = ties[ties["source"].notna() & ties["target"].notna()]
    self_ties = ties["source"] == ties["target"]
    if self_ties.any():
        dropped["self-tie"] = int(self_ties.sum())
        ties = ties[~self_ties]
    zero = ties["weight"] == 0
    if zero.any():
        dropped["zero-weight"] = int(zero.sum())
        ties = ties[~zero]
    dup = ties.duplicated(["source", "target"], keep=False)
    if dup.any():
        before = len(ties)
        ties = (ties.sort_values(["source", "target", "weight", "row"], ascending=[True, True, False, True])
                .drop_duplicates(["source", "target"], keep="first").sort_values("row"))
        dropped["duplicate"] = before - len(ties)
    ties = ties.reset_index(drop=True)
    ties["source"] = ties["source"].astype(object)
    ties["target"] = ties["target"].astype(object)
    return TieTable(ties=ties, path=table.path, sheet=table.sheet, weight_column=w_col, dropped=dropped,
                    warnings=tuple(problems))
