"""Tie lists: who reported working with whom, and how often, joined to the roster."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .._arguments import check_type
from .._files import FORMULA_START
from ..errors import InputError, Problem
from ._tables import (Table, gc_paused, label_key, normalise_header, one_spelling, read_sheets, read_table, rows_named,
                      sheets_like, visible_sheets)
from .roster import Roster, name_key
from .shapes import ColumnCells

__all__ = ["TieTable", "read_ties", "PersonMatcher", "file_layer_names", "one_row_per_pair"]


COMBINE_RULES = ("sum", "max", "any")
#: What a pair reported more than once within a layer weighs (``--repeats``): its largest weight
#: (a survey answered twice), or the sum of its weights (a contact log, one row per contact).
REPEAT_RULES = ("max", "sum")
#: How a message names the window options: the command line's and read_ties's.
_WINDOW = "--ties-since/--ties-until (since=/until= in Python)"
#: A pseudonym as :func:`ona.ingest.email.pseudonym` writes it: "p-" and 16 hexadecimal digits.
PSEUDONYM = re.compile(r"p-[0-9a-f]{16}")
#: The share of the names of a tie table that no end matches which must look like pseudonyms for
#: the table to be taken as pseudonymised.
PSEUDONYMISED_SHARE = 0.9


@dataclass(frozen=True)
class TieTable:
    """Directed ties between people of a roster.

    ``ties`` has columns ``source`` and ``target`` (person ids of the roster), ``weight`` (a positive
    number; 1 where the file has no weight), ``layer`` (the survey question or file it came from;
    ``""`` for a single layer) and ``row`` (the spreadsheet row of the first report); the three text
    columns are pandas text (``str``, Arrow-backed) columns as :func:`read_ties` and
    :func:`~ona.ingest.email.read_email` make them; object columns (a script's own table) work the
    same. An edge list with a date column adds ``date`` (datetime64, NaT where the cell is blank or
    no date; of a pair reported several times, the date of the report kept, or with ``repeats``
    "sum" the earliest), and ``date_column`` names it. ``dropped`` counts rows left out, by reason
    (``self-tie``, ``zero-weight``, ``duplicate``, ``unknown-person``, ``outside-window``).
    ``respondents`` are the people who answered (the sources of an edge list, within the window
    when there is one, or the rows of a matrix or wide sheet, even with no colleague named);
    ``None`` when unknown. ``window`` is the (since, until) the ties were chosen by (None: every
    date) and ``repeats`` what a repeated pair weighs (:data:`REPEAT_RULES`). ``weight_labels``
    are the answers read as numbers (``{"Daily": 5.0, ...}``, as given), None when none were given.
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
    date_column: str | None = None
    window: tuple | None = None
    repeats: str = "max"
    weight_labels: dict[str, float] | None = None

    def __len__(self) -> int:
        return len(self.ties)

    @property
    def date_span(self) -> tuple[str, str] | None:
        """The first and last date of the ties (as ``2024-03-01``), None when they have no dates."""
        if "date" not in self.ties or not self.ties["date"].notna().any():
            return None
        from ._dates import day_text

        dates = self.ties["date"]
        return day_text(dates.min()), day_text(dates.max())

    @property
    def window_text(self) -> str | None:
        """The window as the report states it ("on or after 2024-01-01, before 2025-01-01"); None
        when every date was read."""
        from ._dates import describe_window

        return describe_window(*self.window) if self.window else None

    @classmethod
    def empty(cls, shape: str = "none") -> "TieTable":
        """No ties at all (a rating survey alone, or a unit-level export)."""
        return cls(ties=pd.DataFrame({"source": pd.Series(dtype=object), "target": pd.Series(dtype=object),
                                      "weight": pd.Series(dtype=float), "layer": pd.Series(dtype=object),
                                      "row": pd.Series(dtype=int)}), shape=shape)


class PersonMatcher:
    """Finds the roster person a text names, in four stages; the first stage at which the text fits
    anyone decides. It fits one person: the text names them. It fits several: the text is ambiguous,
    names no one, and :meth:`ambiguous_rows` lists their roster rows.

    1. Id: the text, without edge white space, is a roster id.
    2. Email: the text in lower case, without a ``mailto:`` or a ``Name <...>`` around it, is a
       roster address in lower case (the email column's, or the ids' when the email column is the id).
    3. Id, loosely: the text is an id ignoring case and extra white space, whole numbers written
       without leading zeros or a trailing ".0" (:func:`id_key`: "metha" ~ "METHA", "1001" ~
       "1001.0", "42" ~ "0042"). Ids that are the roster's emails or names go by stage 2 or 4 instead.
    4. Name: the text and a roster name (the name column's, or the ids' when the name column is the
       id) have one :func:`~ona.ingest.roster.name_key`: case, accents and extra white space ignored,
       and a name with one comma read as "Last, First" ("Hansen, Mette" ~ "mette  hansen").

    A text that fits no one at any stage and is an apostrophe before ``=``, ``+``, ``-`` or ``@``
    is looked up without the apostrophe: ona's CSV files write such cells so (a spreadsheet would
    take them for formulas), and a tie table read back must name the same people.

    Exact ids are looked up for many texts at once (:meth:`column_positions`), and so are plain
    addresses; the other stages run once per text that they are left with, and build their index of
    the roster on first use.
    """

    def __init__(self, roster: Roster):
        #: the roster's ids in roster order: ``ids[k]`` is the person at position ``k``
        self.ids = roster.ids.to_numpy(dtype=object)
        self._id_index = pd.Index(self.ids, dtype=object)
        self._roster = roster
        self._arrow_ids = None
        self._keys: dict[str, _KeyIndex] = {}

    def column_positions(self, columns: list[pd.Series]) -> list[np.ndarray]:
        """:meth:`positions` of every cell of each table column; exact ids of Arrow-backed columns
        are looked up by Arrow, all columns in one lookup, the rest (emails, names, unknowns) once
        per distinct text. (One thread: two threads saved 6 ms on 1,000,000 ends, and a benchmark
        child once aborted in C++ under heavy load with them, unexplained.)"""
        arrows = [_arrow_text(column) for column in columns]
        if not columns or any(a is None for a in arrows) or len({a.type for a in arrows}) > 1:
            return [self.distinct_positions(column) for column in columns]
        import pyarrow as pa
        import pyarrow.compute as pc

        chunks = [c for a in arrows for c in (a.chunks if isinstance(a, pa.ChunkedArray) else [a])]
        found = pc.index_in(pa.chunked_array(chunks, type=arrows[0].type), value_set=self.arrow_ids(arrows[0].type))
        found = found.fill_null(-1).to_numpy().astype(np.int64)
        out = np.split(found, np.cumsum([len(column) for column in columns])[:-1])
        for column, positions in zip(columns, out):
            missing = np.flatnonzero(positions < 0)
            if len(missing):
                positions[missing] = self.distinct_positions(column.take(missing).to_numpy(dtype=object))
        return out

    def arrow_ids(self, type=None):
        """The roster's ids as an Arrow text array (``large_string`` unless another ``type`` is
        asked for), in roster order; made once."""
        import pyarrow as pa

        type = type or pa.large_string()
        if self._arrow_ids is None or self._arrow_ids.type != type:
            self._arrow_ids = pa.array(self.ids.tolist(), type=type)
        return self._arrow_ids

    def distinct_positions(self, texts) -> np.ndarray:
        """:meth:`positions` of many texts, each distinct text looked up once."""
        codes, uniques = pd.factorize(texts if isinstance(texts, pd.Series) else np.asarray(texts, dtype=object))
        return np.append(self.positions(np.asarray(uniques, dtype=object)), -1)[codes]

    def positions(self, texts: np.ndarray) -> np.ndarray:
        """The roster position of the person each text names (as :meth:`match` finds them), -1
        for no one; exact ids and plain email addresses are looked up for all texts at once."""
        texts = np.asarray(texts, dtype=object)
        found = self._id_index.get_indexer(texts).astype(np.int64)
        missing = np.flatnonzero(found < 0)
        if len(missing) and len(self._stage_keys("email").keys):
            emails = self._stage_keys("email")
            # Texts without edge space that are no id: the email stage of match(), all at once.
            candidates = pd.Series(texts[missing], dtype=object)
            plain = (candidates.str.strip() == candidates).to_numpy(dtype=bool)
            hit = emails.keys.get_indexer(candidates.str.lower().to_numpy(dtype=object))
            owner = np.where(hit >= 0, emails.owners[hit], -1)
            take = plain & (owner >= 0)
            if take.any():
                found[missing[take]] = owner[take]
                missing = missing[~take]
        for k in missing:
            text = texts[k]
            hit = self._lookup(text) if isinstance(text, str) else None
            if isinstance(hit, int):
                found[k] = hit
        return found

    def match(self, text: str) -> str | None:
        """The id of the person ``text`` names, or None (no one, or ambiguous)."""
        hit = self._lookup(text)
        return self.ids[hit] if isinstance(hit, int) else None

    def ambiguous_rows(self, text: str) -> list[int] | None:
        """The roster rows of the people ``text`` fits, if it fits several."""
        hit = self._lookup(text)
        return hit if isinstance(hit, list) else None

    def _lookup(self, text: str) -> int | list | None:
        """The roster position of the one person ``text`` names, the roster rows of the several it
        fits at the first stage where it fits anyone, or None."""
        text = text.strip()
        if not text:
            return None
        if text in self._id_index:
            return int(self._id_index.get_loc(text))
        for stage, key_of in _STAGES:
            hit = self._stage_keys(stage).get(key_of(text))
            if hit is not None:
                return hit
        if text[:1] == "'" and text[1:2] in FORMULA_START:  # (as ona's CSV files write such a cell)
            return self._lookup(text[1:])
        return None

    def _stage_keys(self, stage: str) -> "_KeyIndex":
        """The roster's keys for one stage of matching (``email``, ``loose id`` or ``name``), built
        on first use: a file naming everyone by id never needs them, and folding every roster name
        takes time."""
        if stage not in self._keys:
            roster = self._roster
            if stage == "loose id":
                texts = self.ids if roster.id_role == "id" else []
            else:
                column = roster.email_column if stage == "email" else roster.name_column
                texts = self.ids if roster.id_role == stage else roster.people[column] if column else []
            key_of = dict(_STAGES)[stage]
            self._keys[stage] = _KeyIndex.of([key_of(str(text)) for text in texts], roster.rows)
        return self._keys[stage]


@dataclass(frozen=True)
class _KeyIndex:
    """Roster people by a key: ``keys`` holds each key once; ``owners`` the roster position of the
    one person with that key, -1 where several have it, and ``shared`` their roster rows."""

    keys: pd.Index
    owners: np.ndarray
    shared: dict[str, list]

    @classmethod
    def of(cls, keys: list[str], rows) -> "_KeyIndex":
        """The index of ``keys[k]``, the key of the person at roster position ``k`` ("" for none);
        ``rows[k]`` is their roster row (None for all when ``rows`` is empty)."""
        given = np.flatnonzero(np.asarray([key != "" for key in keys], dtype=bool))
        codes, uniques = pd.factorize(np.asarray(keys, dtype=object)[given])
        counts = np.bincount(codes, minlength=len(uniques))
        owners = np.full(len(uniques), -1, dtype=np.int64)
        owners[codes] = given  # one person per key, where the key is theirs alone
        owners[counts > 1] = -1
        shared: dict[str, list] = {}
        for code, position in zip(codes[counts[codes] > 1].tolist(), given[counts[codes] > 1].tolist()):
            shared.setdefault(uniques[code], []).append(rows[position] if rows else None)
        return cls(pd.Index(uniques, dtype=object), owners, shared)

    def get(self, key: str) -> int | list | None:
        """The roster position of the one person with ``key``, the rows of the several, or None."""
        if key not in self.keys:
            return None
        owner = int(self.owners[self.keys.get_loc(key)])
        return owner if owner >= 0 else self.shared[key]


_WHOLE_NUMBER = re.compile(r"([0-9]+)(?:\.0+)?")


def id_key(text: str) -> str:
    """An id as loose matching compares it: case and extra white space ignored, and a whole number
    without leading zeros or a trailing ".0" ("0042", "42.0" and "42" have one key)."""
    text = " ".join(text.split()).casefold()
    number = _WHOLE_NUMBER.fullmatch(text)
    return (number.group(1).lstrip("0") or "0") if number else text


def _address(text: str) -> str:
    """The email address a text holds, in lower case: without ``mailto:`` or ``Name <...>``."""
    address = text.strip().lower()
    if address.startswith("mailto:"):
        address = address[7:]
    if "<" in address and address.endswith(">"):
        address = address[address.rindex("<") + 1:-1]
    return address


#: The stages of :class:`PersonMatcher` after exact ids, in order, each with the key it compares.
_STAGES = (("email", _address), ("loose id", id_key), ("name", name_key))


def _arrow_text(column) -> "object | None":
    """The Arrow array behind a pandas text column (as the columnar CSV reader makes them), or None."""
    if not isinstance(column, pd.Series) or not hasattr(column.array, "__arrow_array__") or \
            not pd.api.types.is_string_dtype(column.dtype):
        return None
    import pyarrow as pa

    try:
        return pa.array(column.array)
    except (TypeError, pa.ArrowException):  # pragma: no cover - defensive
        return None


def texts_at(values, positions: np.ndarray) -> pd.Series:
    """A pandas text column of ``values`` (an Arrow text array) at ``positions``, taken by Arrow."""
    import pyarrow as pa

    return pd.Series(values.take(pa.array(positions)).to_pandas(), copy=False)


def constant_texts(text: str, n: int) -> pd.Series:
    """A pandas text column of ``n`` cells that all hold ``text``."""
    import pyarrow as pa

    return pd.Series(pa.repeat(pa.scalar(text, pa.large_string()), n).to_pandas(), copy=False)


def _whole_number_weights(column) -> np.ndarray | None:
    """The weights of a text column whose every cell is a whole number of 0 or more written in
    plain digits (the usual frequency column), parsed by Arrow; None for anything else."""
    arrow = _arrow_text(column)
    if arrow is None:
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        values = pc.cast(arrow, pa.int64())
    except pa.ArrowException:
        return None
    if len(values) and pc.min(values).as_py() < 0:
        return None
    return values.to_numpy().astype(float)  # (a writable array: the tie table's weight column)


def _parse_weight(text: str) -> float | None:
    text = text.strip()
    try:
        value = float(text.replace(",", ".")) if text.count(",") == 1 and "." not in text else float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


# A weight that can only be written with a decimal comma (2,5 or 1.000,5: a comma followed by other
# than three digits, or after digits grouped by points), and one that can only be written with a
# decimal point (2.5 or 1,000.5).
_DECIMAL_COMMA = re.compile(r"[+-]?(?:\d*,(?:\d{1,2}|\d{4,})|\d{1,3}(?:\.\d{3})+,\d+)")
_DECIMAL_POINT = re.compile(r"[+-]?(?:\d*\.(?:\d{1,2}|\d{4,})|\d{1,3}(?:,\d{3})+\.\d+)")
_GROUPED = {",": re.compile(r"[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?"),
            ".": re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")}


def _weight_parser(texts) -> Callable[[str], float | None]:
    """How the weights of one sheet are read, from all of its distinct weight texts.

    A sheet saved as CSV by a spreadsheet writes numbers as it shows them, in the format and
    language of the cell: a Danish or Swedish one ``2,5`` and, with the thousands shown, ``1.000,5``
    and ``1.234`` (1234). Where some weight can only be a decimal comma and none only a decimal
    point, the points group thousands (and the other way round: ``1,234`` beside ``2.5`` is 1234);
    otherwise each weight is read on its own (:func:`_parse_weight`: ``2,5`` and ``1.5`` both read).
    """
    stripped = [t.strip() for t in texts]
    comma = any(_DECIMAL_COMMA.fullmatch(t) for t in stripped)
    point = any(_DECIMAL_POINT.fullmatch(t) for t in stripped)
    if comma == point:
        return _parse_weight
    decimal, group = (",", ".") if comma else (".", ",")
    pattern = _GROUPED[decimal]

    def parse(text: str) -> float | None:
        text = text.strip()
        if not pattern.fullmatch(text):
            return _parse_weight(text) if not any(c in text for c in ",.") else None
        return float(text.replace(group, "").replace(decimal, "."))

    return parse


# A weight whose one separator is followed by three digits (1,200 or 1.200): a thousand and two
# hundred, or one and a fifth; a group of thousands never starts with 0 (0,125 is a decimal).
_THOUSANDS_OR_DECIMAL = re.compile(r"[+-]?[1-9]\d{0,2}[.,]\d{3}")


def _thousands_or_decimals(table: Table, parse, uniques, codes, where, cells) -> tuple[Callable, list[Problem]]:
    """How a sheet reads weights such as ``1,200`` or ``1.200`` that nothing else in it decides (see
    :func:`_weight_parser`), and the warning that says so. Beside other weights that are all whole
    numbers written without a separator (15, 230), the separator groups thousands: 1,200 is 1200
    (``thousands-separator``); else it is a decimal, 1.2, as before (``ambiguous-separator``)."""
    texts = [str(t).strip() for t in uniques]
    ambiguous = [k for k, t in enumerate(texts) if _THOUSANDS_OR_DECIMAL.fullmatch(t)]
    if not ambiguous:
        return parse, []
    others = [t for t in texts if t and not _THOUSANDS_OR_DECIMAL.fullmatch(t)]
    thousands = bool(others) and all(t.lstrip("+-").isdigit() for t in others)
    written = np.flatnonzero(np.isin(codes, ambiguous))
    row, column = cells[where[written[0]]]
    n = len(written)
    such = f"{n:,} weight{'s' if n != 1 else ''} such as this one {'are' if n != 1 else 'is'} written with a " \
        "separator before three digits (1,200 or 1.200)"
    if thousands:
        def grouped(text: str) -> float | None:
            text = text.strip()
            return float(text.replace(",", "").replace(".", "")) if _THOUSANDS_OR_DECIMAL.fullmatch(text) else \
                parse(text)

        return grouped, [table.problem(
            "thousands-separator", f"{such} beside whole numbers: read as thousands (1200), not as decimals (1.2); "
            "write the weights without separators to be sure", row=row, column=column, severity="warning")]
    return parse, [table.problem(
        "ambiguous-separator", f"{such}: read as decimals (1.2), not as thousands (1200); write the weights "
        "without thousands separators, or with more or fewer decimals, to be sure", row=row, column=column,
        severity="warning")]


@gc_paused()
def read_ties(path: str | Path | list, roster: Roster, *, sheet: str | None = None, source_column: str | None = None,
              target_column: str | None = None, weight_column: str | None = None, ties_format: str | None = None,
              layer: str | None = None, combine: str = "sum", header_row: int | None = None,
              delimiter: str | None = None, encoding: str | None = None, drop_unknown: bool = False,
              date_column: str | None = None, since=None, until=None, date_order: str | None = None,
              repeats: str = "max", weight_labels=None) -> TieTable:
    """Read reported ties in any shape (edge list, matrix, wide survey sheet) and join them to ``roster``.

    ``path`` may be a list of files: each is one layer (named after the file) unless it has a layer
    column of its own. ``layer`` keeps one layer; otherwise the layers are combined per pair by
    ``combine``: ``sum`` of the weights, ``max``, or ``any`` (weight 1 if any layer has the tie).
    A workbook whose sheets have the same columns is one layer per sheet (one sheet per question),
    unless its sheets are named after people of the roster: then each sheet is the answers of the
    person it names, all one layer (see :func:`_sheets_as_respondents`).

    People may be named by id, email or name (see :class:`PersonMatcher`). A weight, when present,
    must be a non-negative number; a weight of 0 means no tie. Ties to oneself are dropped and
    counted. Within a layer, a pair listed more than once keeps its largest weight, or with
    ``repeats="sum"`` the sum of its weights. Every problem in every file is collected and raised
    together as one :class:`InputError`.

    An edge list's date column (``Date``, ``Dato``, ``Datum``, ``Timestamp`` ..., or ``date_column``)
    is read (:mod:`ona.ingest._dates`; ``date_order`` "day-first" or "month-first" decides the order
    of numeric dates such as 1/3/2024). ``since`` (on or after) and ``until`` (before), ISO dates or
    times, keep the ties dated in that window; the others are left out before anything else is
    checked (a colleague who left before the window need not be in the roster) and counted as
    ``outside-window``. With a window, a date that is blank or unreadable is an error; without one,
    a warning (the tie is kept, undated).

    ``weight_labels`` gives the number of each answer a survey tool writes as words where a weight
    belongs ("Daily", "Weekly": a frequency question's choices): a mapping of answer to number, or
    a TOML file of ``"Daily" = 5`` lines (or a rating scale file's ``[labels]``); see
    :func:`read_weight_labels`. Answers match ignoring case and extra white space; a number is
    still read as a number.

    A call with a wrong argument (a roster that is no :class:`Roster`, a DataFrame for ``path``, an
    unknown ``combine``, a ``since`` that is no date) raises an :class:`InputError` with code
    ``bad-argument``.
    """
    if isinstance(path, pd.DataFrame):
        raise InputError([Problem("bad-argument", "read_ties reads tie files; give a DataFrame of ties (source, "
                                  "target, weight) to build_graph instead")])
    check_type(roster, Roster, "read_ties(path, roster): pass the Roster from read_roster as the roster")
    if combine not in COMBINE_RULES:
        raise InputError([Problem("bad-argument", f"read_ties(combine={combine!r}): combine must be one of "
                                  + ", ".join(COMBINE_RULES))])
    window = tie_window(since, until)
    check_reading_rules(date_order, repeats)
    weight_labels = read_weight_labels(weight_labels)
    paths = list(path) if isinstance(path, (list, tuple)) else [path]
    if not paths:
        raise InputError([Problem("bad-argument", "read_ties(path, roster): give a tie file, or a list of one or "
                                  "more tie files (one per question); the list is empty")])
    tables, problems = [], []
    for p, name in zip(paths, file_layer_names(paths)):
        try:
            tables.append(read_tie_table(p, roster, sheet=sheet, source_column=source_column,
                                         target_column=target_column, weight_column=weight_column,
                                         ties_format=ties_format, header_row=header_row, delimiter=delimiter,
                                         encoding=encoding, drop_unknown=drop_unknown, default_layer=name,
                                         date_column=date_column, since=window[0], until=window[1],
                                         date_order=date_order, repeats=repeats, weight_labels=weight_labels))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return combine_layers(tables, layer=layer, combine=combine)


def tie_window(since, until) -> tuple:
    """``since`` and ``until`` (ISO dates or times, or None) as the (since, until) times of a tie
    window; a value that is no date, or a since that is not before the until, is an
    :class:`InputError` (``bad-argument``) naming the option and the parameter."""
    from ._dates import window_bound

    try:
        bounds = (window_bound(since, "--ties-since", "since"), window_bound(until, "--ties-until", "until"))
    except ValueError as exc:
        raise InputError([Problem("bad-argument", str(exc))]) from None
    if bounds[0] is not None and bounds[1] is not None and bounds[0] >= bounds[1]:
        raise InputError([Problem("bad-argument", f"{_WINDOW}: the window is empty: --ties-since {since} is not "
                                  f"before --ties-until {until} (the until is the first day left out)")])
    return bounds


def read_weight_labels(labels) -> dict[str, float] | None:
    """The numbers of the answers a weight column may hold as words, as ``{answer: number}`` (the
    answers as given). ``labels`` is such a mapping, or the path of a TOML file of ``"Daily" = 5``
    lines, or with a ``[labels]`` table (a rating scale file, ``ona analyze --scale``, reads the
    same); None for none. A number must be 0 or more (0: no tie, as "Never"); two answers that
    differ only in case or spacing must not differ in number. Anything else is an
    :class:`InputError` (``bad-labels``) naming the file and the answer."""
    if labels is None:
        return None
    where = "weight_labels"
    if isinstance(labels, (str, Path)):
        import tomllib

        path = Path(labels)
        where = path.name
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            raise InputError([Problem("bad-labels", f"is not a readable TOML file of answers and their numbers "
                                      f"({reason})", path=str(path))]) from None
        labels = data["labels"] if isinstance(data.get("labels"), dict) else data
    if not isinstance(labels, dict) or not labels:
        raise InputError([Problem("bad-labels", f"{where}: give each answer its number, such as \"Daily\" = 5 "
                                  "(a table of answers)")])
    out: dict[str, float] = {}
    keys: dict[str, float] = {}
    for answer, number in labels.items():
        if isinstance(number, bool) or not isinstance(number, (int, float)) or not math.isfinite(number) \
                or number < 0:
            raise InputError([Problem("bad-labels", f"{where}: the answer {str(answer)!r} must have a number of 0 "
                                      f"or more (0 for no tie), not {number!r}")])
        key = label_key(answer)
        if key in keys and keys[key] != number:
            raise InputError([Problem("bad-labels", f"{where}: the answer {str(answer)!r} is given twice, with "
                                      "different numbers (answers match ignoring case and spaces)")])
        keys[key] = float(number)
        out[str(answer)] = float(number)
    return out


def check_reading_rules(date_order, repeats: str = "max") -> None:
    """Refuse a ``date_order`` other than None, "day-first" and "month-first", and a ``repeats``
    other than those of :data:`REPEAT_RULES` (``bad-argument``)."""
    from .email import DATE_ORDERS

    if date_order not in (None, *DATE_ORDERS):
        raise InputError([Problem("bad-argument", f"date_order={date_order!r}: it must be one of "
                                  + ", ".join(DATE_ORDERS) + " (or None: detected)")])
    if repeats not in REPEAT_RULES:
        raise InputError([Problem("bad-argument", f"read_ties(repeats={repeats!r}): repeats must be one of "
                                  + ", ".join(REPEAT_RULES))])


def file_layer_names(paths: list) -> list[str]:
    """The layer each of several tie files stands for: its file name without the suffix, or, where
    two files share that name (``q1/answers.csv``, ``q2/answers.csv``), its folder and name
    (``q1/answers``); ``""`` for a single file. The same file given twice is an error: its ties
    would count twice."""
    if len(paths) <= 1:
        return [""] * len(paths)
    seen: set[Path] = set()
    for p in paths:
        key = Path(p).resolve()
        if key in seen:
            raise InputError([Problem("repeated-file", "is given twice; give each tie file once", path=str(p))])
        seen.add(key)
    stems = [Path(p).stem for p in paths]
    names = [stem if stems.count(stem) == 1 else f"{Path(p).resolve().parent.name}/{stem}"
             for p, stem in zip(paths, stems)]
    for p, name in zip(paths, names):
        if names.count(name) > 1:  # (the same folder name and file name in two places)
            raise InputError([Problem("repeated-layer", "has the same folder and file name as another tie file; "
                                      "rename one so that each question's layer has its own name", path=str(p))])
    return names


def read_tie_table(path: str | Path, roster: Roster, *, sheet=None, source_column=None, target_column=None,
                   weight_column=None, ties_format=None, header_row=None, delimiter=None, encoding=None,
                   drop_unknown=False, default_layer: str = "", date_column=None, since=None, until=None,
                   date_order=None, repeats: str = "max", weight_labels=None) -> TieTable:
    """Read one tie file of any shape (see :func:`read_ties`); layers are kept apart. ``since`` and
    ``until`` may be given as :func:`read_ties` takes them or as :func:`tie_window` makes them.

    A workbook read without ``sheet`` whose sheets are named after people is read as one sheet per
    respondent (:func:`_sheets_as_respondents`); one whose sheets have the same columns, as one
    layer per sheet. A sheet read without column options or ``header_row`` that is an edge list
    without a header row (see :func:`~ona.ingest.shapes.edge_list_without_header`) has its first
    row read as a tie, with a ``no-header-row`` warning.
    """
    from dataclasses import replace

    from ._columns import ALIASES
    from .shapes import SHAPES

    if ties_format is not None and ties_format not in SHAPES:
        raise InputError([Problem("bad-argument", f"read_ties(ties_format={ties_format!r}): ties_format must be one "
                                  "of " + ", ".join(SHAPES))])
    wanted = None if ties_format not in (None, "edges") else [
        [explicit] if explicit else ALIASES[role] for role, explicit in
        (("source", source_column), ("target", target_column), ("weight", weight_column))]
    try:
        table = read_table(path, sheet, header_row=header_row, delimiter=delimiter, encoding=encoding,
                           wanted_headers=wanted)
    except InputError as exc:
        if sheet is not None and [p.code for p in exc.problems] == ["unknown-sheet"]:
            _unknown_sheet_of_people(path, roster)
        raise
    since, until = tie_window(since, until)
    check_reading_rules(date_order, repeats)
    options = dict(source_column=source_column, target_column=target_column, weight_column=weight_column,
                   ties_format=ties_format, header_row=header_row, drop_unknown=drop_unknown,
                   date_column=date_column, since=since, until=until, date_order=date_order, repeats=repeats,
                   weight_labels=read_weight_labels(weight_labels))
    if sheet is None and table.sheet is not None and ties_format != "matrix":
        by_respondent = _sheets_as_respondents(path, roster, wanted=wanted, default_layer=default_layer, **options)
        if by_respondent is not None:
            return by_respondent
    alike = sheets_like(table, header_row) if sheet is None else []
    if alike:
        # One sheet per question: each sheet with the same columns is a layer named after it.
        parts, problems = [], []
        for name in [table.sheet, *alike]:
            try:
                sheet_table = table if name == table.sheet else read_table(path, name, header_row=header_row,
                                                                           wanted_headers=wanted)
                parts.append(_tie_table_of(sheet_table, roster, default_layer=f"{default_layer}/{name}"
                                           if default_layer else name, **options))
            except InputError as exc:
                problems.extend(exc.problems)
        if problems:
            raise InputError(problems)
        notes = [Problem("sheets-as-layers", f"its {len(parts)} sheets with the same columns are read as "
                         "layers, one per sheet; to read only one, name it with --ties-sheet (sheet= in Python)",
                         path=str(path), severity="warning")]
        kept = []
        for part in parts:  # a copy of a sheet ("Data (2)") would count every tie twice
            copied = next((k for k in kept if _same_ties(k, part)), None)
            if copied is None:
                kept.append(part)
            else:
                notes.append(Problem("copied-sheet", f"has the same ties as sheet {copied.sheet!r}: read once, as "
                                     "that sheet's layer", path=str(path), sheet=part.sheet, severity="warning"))
        stacked = combine_layers(kept, combine=None) if len(kept) > 1 else replace(kept[0], layers=(table.sheet,))
        return replace(stacked, warnings=(*notes, *stacked.warnings))
    return _tie_table_of(table, roster, default_layer=default_layer, **options)


def _people_of_sheets(sheets: list[tuple[int, str]], matcher: "PersonMatcher") -> dict[str, tuple]:
    """Each sheet's name (``sheets`` as :func:`~ona.ingest._tables.visible_sheets` gives them) ->
    the roster id it names and the roster rows of the people it could name (a name shared by several):
    (None, []) for a name that is no one's."""
    return {name: (matcher.match(name), matcher.ambiguous_rows(name)) for _, name in sheets}


def _unknown_sheet_of_people(path, roster: Roster) -> None:
    """Raise the ``unknown-sheet`` error of a workbook whose sheets are named after people of the
    roster (two or more: see :func:`_sheets_as_respondents`) without listing its sheets, nor the
    name asked for: the list would be a list of people."""
    named = _people_of_sheets(visible_sheets(path), PersonMatcher(roster))
    if sum(1 for found in named.values() if any(found)) >= 2:
        raise InputError([Problem(
            "unknown-sheet", "has no sheet of the name given with --ties-sheet (sheet= in Python); its sheets are "
            "named after people of the roster, so they are not listed here: name the sheet as its tab writes it, "
            "or leave out --ties-sheet to read every person's sheet", path=str(path))]) from None


#: The header of the column a respondent's sheet without one is given: who answered, by roster id.
_SHEET_RESPONDENT = "Respondent"


def _sheets_as_respondents(path, roster: Roster, *, wanted, default_layer: str, **options) -> TieTable | None:
    """The ties of a workbook of one sheet per respondent, each sheet named after the person who
    answered (their id, email or name, as :class:`PersonMatcher` matches people), read as one layer
    (``default_layer``); None for any other workbook.

    A workbook is one when at least two of its visible sheets that hold anything, and at least half
    of them, are named after people of the roster. A sheet name of digits alone (``3``: a question's
    number as often as a person's id) counts only for a sheet with no respondent column of its own.
    Each person's sheet is read on its own, in any shape, with its person as the respondent (the
    source) of its ties, unless it has a respondent column of its own (a source column, or
    ``source_column``); a sheet with a header and no answers below it is not read, and its person
    not counted as a respondent. A sheet whose first row is already an answer (a colleague, then a
    number: :func:`~ona.ingest.shapes.answers_without_header`) has no header row: it is read as
    colleague and weight from its first row, with a ``no-header-row`` warning. A sheet whose name fits several people, or the person of an earlier
    sheet, is an error; so is a sheet whose name is no one's that holds answers in a person's sheet's
    columns (its respondent unknown; with ``drop_unknown`` a warning, and it is not read). Other
    sheets (instructions, notes) are not read, with a warning. Sheet names are people's names, so
    every problem names its sheet by position (:attr:`~ona.errors.Problem.sheet_number`), and the
    ties' sheet is None."""
    from dataclasses import replace

    from ._columns import find_column
    from .shapes import answers_without_header

    sheets = visible_sheets(path)
    if len(sheets) < 2:  # (the common workbook: one sheet, and no matcher made for nothing)
        return None
    matcher = PersonMatcher(roster)
    named = _people_of_sheets(sheets, matcher)
    if sum(1 for found in named.values() if any(found)) < 2:
        return None  # (decided from the sheet names alone: no sheet is read)
    read = read_sheets(path, [name for _, name in sheets], header_row=options["header_row"], wanted_headers=wanted)
    tables = {name: table for name, table in read.items() if isinstance(table, Table)}
    unreadable = {name: error.problems for name, error in read.items() if isinstance(error, InputError)}
    sheets = [(n, name) for n, name in sheets if read[name] is not None]  # (an empty sheet holds nothing)

    def own_respondent(name: str) -> bool:
        """True when the sheet says who answered in a column of its own."""
        return name in tables and (options["source_column"] is not None or
                                   find_column(tables[name], "source", required=False) is not None)

    people = {name: named[name] for _, name in sheets if any(named[name]) and
              not (_WHOLE_NUMBER.fullmatch(name.strip()) and own_respondent(name))}
    if len(people) < 2 or 2 * len(people) < len(sheets):
        return None
    position = {name: n for n, name in sheets}
    answer_headers = {tuple(map(normalise_header, tables[name].headers)) for name in people if name in tables}
    problems: list[Problem] = []
    notes: list[Problem] = []
    parts: list[TieTable] = []
    sheet_of: dict[str, str] = {}  # person id -> the sheet that names them
    unanswered: list[int] = []
    for n, name in sheets:
        at = {"path": str(path), "sheet_number": n}
        if name in unreadable:
            problems.extend(unreadable[name])
            continue
        table = tables[name]
        if name not in people:
            answers = (len(table.frame) > 0 and tuple(map(normalise_header, table.headers)) in answer_headers) or \
                answers_without_header(table, matcher.match) is not None
            if answers and not options["drop_unknown"]:
                problems.append(Problem(
                    "unknown-respondent-sheet", "holds answers, but its name is no person of the roster, and the "
                    "workbook's other sheets are named after the people who answered: rename the sheet to the "
                    "respondent's id, email or name as the roster writes it (or delete it, or pass "
                    "--drop-unknown, drop_unknown=True in Python, to leave it out)", **at))
            else:
                notes.append(Problem(
                    "sheet-not-read", "not read: its name is no person of the roster" + (
                        ", so whose answers it holds is not known (--drop-unknown)" if answers else
                        " and its columns are not a respondent's answers (instructions or notes?)"),
                    severity="warning", **at))
            continue
        person, shared = people[name]
        own = own_respondent(name)
        sheet_options = options
        headerless = answers_without_header(table, matcher.match) if not own and options["header_row"] is None \
            and not (options["target_column"] or options["weight_column"]) else None
        if headerless is not None:  # (its first row is a colleague: an edge list from the sheet's person)
            table, warning = headerless
            notes.append(warning)
            sheet_options = dict(options, ties_format="edges", source_column=_SHEET_RESPONDENT,
                                 target_column=table.headers[0],
                                 weight_column=table.headers[1] if len(table.headers) > 1 else None)
        if not len(table.frame):
            unanswered.append(n)
            continue
        if not own:
            if shared:
                problems.append(Problem(
                    "ambiguous-respondent-sheet", "its name fits several people of the roster (roster rows "
                    + ", ".join(str(r) for r in shared) + "), so who answered is not known: rename the sheet to "
                    "the respondent's id or email", **at))
                continue
            if person in sheet_of:
                problems.append(Problem(
                    "repeated-respondent-sheet", f"names the same person as sheet {position[sheet_of[person]]} "
                    "from the left, so their answers would count twice: merge the two sheets or delete one", **at))
                continue
            sheet_of[person] = name
            table = replace(table, frame=table.frame.assign(**{_SHEET_RESPONDENT: person}))
        try:
            parts.append(_tie_table_of(table, roster, default_layer=default_layer, matcher=matcher, **sheet_options))
        except InputError as exc:
            problems.extend(exc.problems)
    if unanswered:
        one = len(unanswered) == 1
        notes.append(Problem(
            "unanswered-sheets", f"sheet{'' if one else 's'} {', '.join(map(str, unanswered))} from the left "
            f"{'holds' if one else 'hold'} a header but no answers below it: not read, and "
            f"{'its person is' if one else 'their people are'} not counted as having answered", path=str(path),
            severity="warning"))

    def by_position(found: list[Problem]) -> list[Problem]:
        """``found`` with each sheet named by its position, not its name."""
        return [replace(p, sheet=None, sheet_number=position[p.sheet]) if p.sheet in position else p for p in found]

    if not parts and not problems:
        problems.append(Problem("no-records", "its sheets are named after people of the roster, but none holds "
                                "answers below its header", path=str(path)))
    if problems:
        raise InputError(by_position(problems + notes))
    stacked = combine_layers(parts, combine=None) if len(parts) > 1 else parts[0]
    ties, repeated = _one_report_per_pair(stacked.ties, stacked.repeats)
    dropped = dict(stacked.dropped)
    if repeated:
        dropped["duplicate"] = dropped.get("duplicate", 0) + repeated
    note = Problem("sheets-as-respondents", f"its sheets are named after people of the roster ({len(parts):,} "
                   "read): each sheet is read as the answers of the person it names (unless it has a respondent "
                   "column), all sheets as one layer; messages name a sheet by its position, as its name is a "
                   "person's", path=str(path), severity="warning")
    return replace(stacked, ties=ties, dropped=dropped, sheet=None,
                   warnings=tuple(by_position([note, *notes, *stacked.warnings])))


def _one_report_per_pair(ties: pd.DataFrame, repeats: str) -> tuple[pd.DataFrame, int]:
    """``ties`` with one row per pair within a layer, as :func:`_join_records` keeps them (``repeats``
    "max": the largest weight, then the first row; "sum": the weights added up), and how many rows
    that left out ("sum": 0)."""
    pair_key = ["layer", "source", "target"]
    if not ties.duplicated(pair_key).any():
        return ties, 0
    if repeats == "sum":
        return _summed_pairs(ties, pair_key), 0
    kept = (ties.sort_values(["layer", "source", "target", "weight", "row"], ascending=[True, True, True, False, True])
            .drop_duplicates(pair_key, keep="first").sort_values("row", kind="stable").reset_index(drop=True))
    return kept, len(ties) - len(kept)


def _tie_table_of(table: Table, roster: Roster, *, source_column, target_column, weight_column, ties_format,
                  header_row, drop_unknown, default_layer: str, date_column=None, since=None, until=None,
                  date_order=None, repeats="max", weight_labels=None, matcher: "PersonMatcher | None" = None
                  ) -> TieTable:
    """The ties of one sheet already read (see :func:`read_tie_table`); ``matcher``, the roster's
    :class:`PersonMatcher` where one is made already (the sheets of one workbook share it)."""
    from dataclasses import replace

    from .shapes import edge_list_without_header, records_from_table, unfinished_responses, without_survey_previews

    matcher = matcher or PersonMatcher(roster)
    notes: list[Problem] = table.header_again_problems() + table.hidden_problems(roster=False)
    previews = without_survey_previews(table)
    if previews is not None:
        table, warning = previews
        notes.append(warning)
    if (unfinished := unfinished_responses(table)) is not None:
        notes.append(unfinished)
    headerless = edge_list_without_header(table, matcher.match) if ties_format in (None, "edges") and \
        header_row is None and not (source_column or target_column or weight_column or date_column) else None
    if headerless is not None:
        table, warning = headerless
        notes.append(warning)
        source_column, target_column = table.headers[:2]
        weight_column = table.headers[2] if len(table.headers) >= 3 else None
    try:
        shape, records = records_from_table(table, matcher.match, shape=ties_format, source_column=source_column,
                                            target_column=target_column, weight_column=weight_column,
                                            ambiguous=matcher.ambiguous_rows, date_column=date_column)
    except InputError as exc:  # (with what was found before it: every problem at once)
        raise InputError(notes + exc.problems) from None
    notes.extend(records.notes)
    windowed = since is not None or until is not None
    if shape != "edges" and (date_column or windowed):
        given = "--date-column (date_column= in Python)" if date_column else _WINDOW
        raise InputError(notes + [table.problem(
            "no-date-column", f"is read as {_SHAPE_NAMES[shape]}, whose ties have no dates: {given} needs an edge "
            "list with a date column (one row per tie, its date beside it); leave it out for this file",
            row=table.header_row)])
    if windowed and records.date_column is None:
        from ._columns import ALIASES

        raise InputError(notes + [table.problem(
            "no-date-column", f"has no date column, so {_WINDOW} cannot choose its ties; a column is read as the "
            "date when its header is one of: " + ", ".join(ALIASES["date"]) + "; rename it, name it with "
            "--date-column (date_column= in Python), or leave out the window", row=table.header_row)])
    try:
        ties = _join_records(table, matcher, records, shape, drop_unknown=drop_unknown, default_layer=default_layer,
                             since=since, until=until, date_order=date_order, repeats=repeats,
                             weight_labels=weight_labels)
    except InputError as exc:
        raise InputError(notes + exc.problems) from None
    return replace(ties, warnings=(*notes, *ties.warnings)) if notes else ties


def _same_ties(a: TieTable, b: TieTable) -> bool:
    """True when two tie tables hold the same (source, target, weight) rows, in any order."""
    if len(a.ties) != len(b.ties):
        return False
    key = ["source", "target", "weight"]
    ordered = [t.ties[key].astype({"source": object, "target": object}).sort_values(key).reset_index(drop=True)
               for t in (a, b)]
    return ordered[0].equals(ordered[1])


_SHAPE_NAMES = {"matrix": "an adjacency matrix", "wide": "a wide survey sheet"}
#: A weight that holds letters (a survey tool's answer written out: "Weekly", "Ugentligt").
_WORDS = re.compile(r"[^\W\d_]{2}")


def _labelled(parse: Callable[[str], float | None], labels: dict[str, float]) -> Callable[[str], float | None]:
    """``parse`` that first reads an answer of ``labels`` (see :func:`read_weight_labels`) as its number."""
    keys = {label_key(answer): number for answer, number in labels.items()}

    def read(text: str) -> float | None:
        number = keys.get(label_key(text))
        return number if number is not None else parse(text)

    return read
#: A cell that holds a number alone (an Excel date serial where a date belongs: 45352).
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def _dated_records(table: Table, records, since, until, date_order):
    """Read the records' dates and keep the records in the window: returns (records, dates or None,
    problems, how many records the window left out).

    A column with no readable date is one ``not-dates`` problem and no dates; an unreadable date is
    ``bad-date`` and, with a window, a blank one ``blank-date``: errors with a window (the tie cannot
    be placed), warnings without (the tie is kept undated). Records whose date is not known stay, so
    that their other problems are reported with them. A window that keeps none of the dated ties is
    raised at once (``empty-window``, saying when the dates run)."""
    from ._dates import AMBIGUOUS_DATES, day_text, describe_window, read_dates

    problems: list[Problem] = []
    windowed = since is not None or until is not None
    severity = "error" if windowed else "warning"
    column, texts = records.date_column, records.date
    read = read_dates(texts, date_order)
    if not read.readable:
        if windowed or not read.blank.all():
            then = f"so {_WINDOW} cannot choose its ties" if windowed else "so its ties are read without dates"
            filled = texts[~read.blank]
            numbers = len(filled) and filled.str.strip().str.fullmatch(_NUMBER.pattern).all()
            write = ("its cells are numbers (Excel's day numbers, in cells not formatted as dates?): format the "
                     "column as dates" if numbers else "write the dates as YYYY-MM-DD")
            problems.append(table.problem(
                "not-dates", f"holds no date ona can read (such as 2024-03-01 or 1/3/2024), {then}; {write}, or name "
                "the date column with --date-column (date_column= in Python)",
                row=table.header_row, column=column, severity=severity))
        return records, None, problems, 0
    if read.ambiguous:
        problems.append(table.problem("ambiguous-dates", AMBIGUOUS_DATES, row=table.header_row, column=column,
                                      severity="warning"))
    blank = read.blank
    seen: set[tuple[int, str]] = set()  # (an undirected edge's two records share one cell)
    fix = "to choose the tie by the window" if windowed else "the tie is read without a date"
    for i in np.flatnonzero(read.unreadable | (blank & windowed)):
        cell = records.date_cell[i]
        if cell in seen:
            continue
        seen.add(cell)
        if blank[i]:
            code, what = "blank-date", (f"the date is blank, so {_WINDOW} cannot tell whether the tie is in the "
                                        "window; fill it in, or delete the row")
        elif read.wrong_order[i]:
            given = (f"the order given (--date-order {read.order})" if date_order else
                     f"this column's order ({read.order}, as its other dates show)")
            code, what = "bad-date", (f"the date cannot be in {given}: a number above 12 stands where the month is; "
                                      f"write it as YYYY-MM-DD ({fix})")
        elif _NUMBER.fullmatch(str(records.date.iat[i]).strip()):
            code, what = "bad-date", ("the date is a number, not a date (Excel's day number, in a cell not formatted "
                                      f"as a date?); format the column as a date, or write YYYY-MM-DD ({fix})")
        else:
            code, what = "bad-date", ("the date is not a date ona can read; write it as YYYY-MM-DD such as "
                                      f"2024-03-01 ({fix})")
        problems.append(table.problem(code, what, row=cell[0], column=cell[1], severity=severity))
    if not windowed:
        return records, read.values, problems, 0
    values = read.values
    undated = np.isnat(values)
    inside = ~undated
    if since is not None:
        inside &= values >= since
    if until is not None:
        inside &= values < until
    if not inside.any() and not any(p.severity == "error" for p in problems):
        dated = values[~undated]
        # (nothing of the file is measured: its other problems do not matter)
        raise InputError([*problems, table.problem(
            "empty-window", f"none of its {len(dated):,} dated ties is {describe_window(since, until)}: its dates "
            f"run from {day_text(dated.min())} to {day_text(dated.max())}; change {_WINDOW}",
            row=table.header_row, column=column)])
    keep = inside | undated
    if keep.all():
        return records, values, problems, 0
    index = np.flatnonzero(keep)
    return records.take(index), values[index], problems, len(values) - len(index)


def _one_spelling_per_layer(table: Table, records, default_layer: str) -> list[Problem]:
    """Make the layers of ``records`` one per question and return the warnings that say so. Layer
    names that differ only in case or inner white space ("Advice", "advice") are one layer, named as
    first written (``layer-spellings``); before, ``--layer Advice`` left the others out without a
    word. Records with a blank layer beside named ones (a respondent who left the question blank)
    are counted in the combined network and in no question's layer (``blank-layer``), unless the
    file's own layer (``default_layer``, one of several files) names them."""
    values = records.layer
    column = values if isinstance(values, pd.Series) else pd.Series(np.asarray(values, dtype=object), dtype=object)
    distinct = [str(v) for v in pd.unique(column)]
    if len(distinct) <= 1:
        return []
    canonical, others = one_spelling(distinct)
    notes = []
    if others:
        column = column.replace({name: chosen for name, chosen in canonical.items() if name != chosen})
        records.layer = column if isinstance(values, pd.Series) else column.tolist()
        for name, aliases in others.items():
            notes.append(table.problem(
                "layer-spellings", f"the layer {name!r} is also written " + ", ".join(map(repr, aliases)) +
                ": read as one layer, named as first written", severity="warning"))
    if "" in canonical and not default_layer:
        blank = np.flatnonzero(np.asarray(column == "", dtype=bool))
        cells = records.source_cell
        rows = (cells.rows[blank] if isinstance(cells, ColumnCells) else [cells[i][0] for i in blank])
        rows = sorted(set(int(r) for r in rows))
        one = len(rows) == 1
        notes.append(table.problem(
            "blank-layer", ("" if one else f"{rows_named(rows)}: ") + "the layer (question) is blank where other "
            f"rows name one; {'its' if one else 'their'} ties count in the combined network but in no question's "
            "layer (--layer leaves them out); fill in the question", row=rows[0] if one else None,
            severity="warning"))
    return notes


def _join_records(table: Table, matcher: "PersonMatcher", records, shape: str, *, drop_unknown: bool = False,
                  default_layer: str = "", since=None, until=None, date_order=None, repeats: str = "max",
                  weight_labels: dict[str, float] | None = None) -> TieTable:
    """Match both ends of every record to the roster, parse weights and dates, and collect every
    problem; with a window (``since``, ``until``: see :func:`_dated_records`) only the records in it.

    Works column by column: each distinct text is matched and each distinct weight parsed once,
    people are carried as their position in the roster, and a cell is looked at on its own only
    when it fails, to report it with its row and column.
    """
    problems: list[Problem] = []
    n = len(records.source)
    if n == 0 and not records.respondents:
        raise InputError([table.problem("no-records", "has a header but no ties below it", row=table.header_row)])
    if records.layer is not None:
        problems.extend(_one_spelling_per_layer(table, records, default_layer))
    # The file's layers, whether or not any of their ties is kept: a question whose every answer is
    # dropped (a self-tie, a weight of 0, a date outside the window) was still asked.
    if records.layer is not None:
        named = (records.layer.unique() if isinstance(records.layer, pd.Series) else
                 pd.unique(np.asarray(records.layer, dtype=object))).tolist()
        layers = tuple(sorted({default_layer if default_layer and x == "" else x for x in named}))
    else:
        layers = (default_layer,) if n or default_layer else ()
    windowed = since is not None or until is not None
    dates, outside = None, 0
    if records.date_column is not None and n:
        records, dates, found, outside = _dated_records(table, records, since, until, date_order)
        problems.extend(found)
        n = len(records.source)
    used = records.used + ([records.date_column] if windowed and records.date_column else [])
    unknown = 0
    reported: set[tuple[int, str]] = set()

    def report(text: str, cell: tuple[int, str]) -> None:
        """Add the problem of a cell that names no one (once per cell)."""
        nonlocal unknown
        if cell in reported:  # a header cell of a matrix is reported once, not once per tie
            return
        reported.add(cell)
        row, col = cell
        if not text.strip():
            problems.append(table.problem("blank-person", "the person is blank; name someone from the roster",
                                          row=row, column=col))
            return
        amb = matcher.ambiguous_rows(text)
        if amb:
            problems.append(table.problem(
                "ambiguous-person", "this fits several people (roster rows "
                + ", ".join(str(r) for r in amb) + "); use their id or email instead", row=row, column=col))
        elif drop_unknown:
            unknown += 1
        else:
            problems.append(table.problem(
                "unknown-person", "names no one in the roster (matched by id, email and name); "
                "add the person to the roster, fix the spelling, or pass --drop-unknown "
                "(drop_unknown=True in Python)", row=row, column=col))

    ends = (records.source, records.target)
    if not n:
        found = [np.zeros(0, dtype=np.int64)] * 2
    elif all(isinstance(texts, pd.Series) for texts in ends):
        found = matcher.column_positions(list(ends))
    else:
        found = [matcher.distinct_positions(texts) for texts in ends]
    # Roster position of the person each end names, -1 for no one (reported).
    for texts, cells, positions in zip(ends, (records.source_cell, records.target_cell), found):
        failed = np.flatnonzero(positions < 0)
        if len(failed):
            values = texts.take(failed).to_numpy(dtype=object) if isinstance(texts, pd.Series) else \
                [texts[i] for i in failed]
            for text, i in zip(values, failed):
                report(text, cells[i])
    source_pos, target_pos = found
    whole = _whole_number_weights(records.weight) if n else None
    weights = whole if whole is not None else np.ones(n)
    if whole is None and records.weight is not None and n:
        texts = records.weight
        if isinstance(texts, pd.Series):
            where = np.arange(n)
        else:
            where = np.flatnonzero(np.fromiter((t is not None for t in texts), dtype=bool, count=n))
            texts = np.asarray(texts, dtype=object)[where]
        if len(where):
            codes, uniques = pd.factorize(texts)
            parse = _weight_parser(uniques)
            if parse is _parse_weight:
                parse, note = _thousands_or_decimals(table, parse, uniques, codes, where, records.weight_cell)
                problems.extend(note)
            if weight_labels:
                parse = _labelled(parse, weight_labels)
            parsed = np.asarray([parse(t) for t in uniques] + [None], dtype=float)[codes]
            weights[where] = parsed
            bad = np.flatnonzero(np.isnan(parsed) | (parsed < 0))
            values = texts.to_numpy(dtype=object) if isinstance(texts, pd.Series) else texts
            for k in bad:
                i = where[k]
                text, cell = values[k], records.weight_cell[i]
                if weights[i] < 0:
                    problems.append(table.problem("negative-weight", "the weight is negative; weights must be 0 "
                                                  "or more", row=cell[0], column=cell[1]))
                elif not text.strip():
                    problems.append(table.problem("bad-weight", "the weight is blank; write a number such as 1-5",
                                                  row=cell[0], column=cell[1]))
                elif weight_labels:
                    problems.append(table.problem(
                        "bad-weight", "the weight is neither a number nor one of the answers of the weight labels "
                        f"({', '.join(repr(a) for a in list(weight_labels)[:6])}"
                        f"{' ...' if len(weight_labels) > 6 else ''}); add it there, or write a number",
                        row=cell[0], column=cell[1]))
                elif _WORDS.search(text):
                    problems.append(table.problem(
                        "bad-weight", "the weight is a word, not a number (a survey tool's answer, such as Weekly?); "
                        "give each answer its number with --weight-labels FILE.toml (weight_labels= in Python), "
                        "or write a number such as 1-5", row=cell[0], column=cell[1]))
                else:
                    problems.append(table.problem("bad-weight", "the weight is not a number; write a number such as "
                                                  "1-5", row=cell[0], column=cell[1]))
                weights[i] = np.nan
    respondents = None
    if records.respondents:
        texts = [t for t, _ in records.respondents]
        found = matcher.positions(np.asarray(texts, dtype=object)) if texts else np.zeros(0, dtype=np.int64)
        for k in np.flatnonzero(found < 0):
            if texts[k].strip():
                report(texts[k], records.respondents[k][1])
        respondents = tuple(matcher.ids[pd.unique(found[found >= 0])].tolist())
    # A cell that shows an Excel error (#N/A) reads as blank: in a column the ties are read from, that
    # is an error (a tie or a weight lost without a word otherwise), elsewhere a warning.
    problems = table.with_error_cells(problems, used, records.by_letter)
    if any(p.severity == "error" for p in problems):
        problems.sort(key=lambda p: (p.row or 0, table.headers.index(p.column) if p.column in table.headers else 0))
        problems.extend(_left_out_warnings(table, source_pos, target_pos, weights, records.layer, len(matcher.ids),
                                           repeats=repeats))
        if not (source_pos >= 0).any() and not (target_pos >= 0).any() and _pseudonymised(ends):
            first = next(p for p in problems if p.code == "unknown-person")
            raise InputError([table.problem(
                "pseudonymised-ties", "the tie table holds pseudonyms (p- and 16 hex digits, as `ona email "
                "--pseudonymize` writes them), which match no one in the roster; analyse the email exports "
                "themselves: `ona analyze --email LOG --pseudonymize KEY` (read_email(LOG, roster, "
                "pseudonymize_key=KEY) in Python) pseudonymises and measures in one step",
                row=first.row, column=first.column)])
        raise InputError(problems)
    cells = records.source_cell
    rows = cells.rows if isinstance(cells, ColumnCells) else np.fromiter((c[0] for c in cells), dtype=np.int64,
                                                                          count=n)
    if records.layer is not None:
        layer = np.asarray(records.layer, dtype=object)
        if default_layer:
            layer = np.where(layer == "", default_layer, layer)
    if respondents is None and shape == "edges":
        # Everyone named as a source answered, whatever became of the answer (a weight of 0, a
        # self-tie, a colleague not in the roster): as the rows of a matrix or wide sheet count.
        respondents = tuple(matcher.ids[pd.unique(source_pos[source_pos >= 0])].tolist())
    keep = np.ones(n, dtype=bool)
    dropped: dict[str, int] = {"outside-window": outside} if outside else {}
    if unknown:
        unknown_rows = (source_pos < 0) | (target_pos < 0)
        dropped["unknown-person"] = int(unknown_rows.sum())
        keep &= ~unknown_rows
    for reason, mask in (("self-tie", source_pos == target_pos), ("zero-weight", weights == 0)):
        mask = mask & keep
        if mask.any():
            dropped[reason] = int(mask.sum())
            keep &= ~mask
    if not keep.all():
        index = np.flatnonzero(keep)
        source_pos, target_pos, weights, rows = source_pos[index], target_pos[index], weights[index], rows[index]
        if records.layer is not None:
            layer = layer[index]
        if dates is not None:
            dates = dates[index]
    m = len(source_pos)
    # A pair reported twice within a layer keeps its largest weight (then its first row), or with
    # repeats "sum" the sum of its weights (its first row and earliest date).
    size = len(matcher.ids)
    if records.layer is None:
        pair = source_pos * size + target_pos
    else:
        pair = (pd.factorize(layer)[0].astype(np.int64) * size + source_pos) * size + target_pos
    dup = _has_repeats(pair)
    # The text columns as pandas text (Arrow-backed) columns taken from the roster's ids by
    # position: no Python object per cell.
    ties = pd.DataFrame({"source": texts_at(matcher.arrow_ids(), source_pos),
                         "target": texts_at(matcher.arrow_ids(), target_pos),
                         "weight": pd.Series(weights, copy=False),
                         "layer": constant_texts(default_layer, m) if records.layer is None else
                         pd.Series(layer, dtype="str"),
                         "row": pd.Series(rows, copy=False)}, copy=False)
    if dates is not None:
        ties["date"] = pd.Series(dates, copy=False)
    if dup:
        pair_key = ["layer", "source", "target"]
        if dates is not None and repeats == "max":
            repeated = ties[ties.duplicated(pair_key, keep=False)]
            several = int((repeated.groupby(pair_key, sort=False)["date"].nunique() > 1).sum())
            if several:
                problems.append(table.problem(
                    "repeated-pairs", f"{several:,} pair{'s are' if several != 1 else ' is'} reported on several "
                    "dates: each keeps its largest weight, and its other reports are left out (duplicate); to add "
                    "up every report of a pair (a contact log, one row per contact), pass --repeats sum "
                    "(repeats='sum' in Python)", severity="warning"))
        ties, repeated = _one_report_per_pair(ties, repeats)
        if repeats != "sum":
            dropped["duplicate"] = repeated
    return TieTable(ties=ties, path=table.path, sheet=table.sheet, weight_column=records.weight_column,
                    dropped=dropped, warnings=tuple(problems), shape=shape, layers=layers, respondents=respondents,
                    date_column=records.date_column if dates is not None else None,
                    window=(since, until) if windowed else None, repeats=repeats,
                    weight_labels=weight_labels if records.weight is not None else None)


def _summed_pairs(ties: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    """One row per ``key`` (layer, source, target, or source, target): the weights summed, the first
    row, the earliest date; in the order of the rows."""
    aggregations = {"weight": ("weight", "sum"), "row": ("row", "min")}
    if "date" in ties:
        aggregations["date"] = ("date", "min")
    summed = ties.groupby(key, sort=False).agg(**aggregations).reset_index()
    columns = ["source", "target", "weight", "layer", "row"] + (["date"] if "date" in ties else [])
    return summed[columns].sort_values("row", kind="stable").reset_index(drop=True)


def _left_out_warnings(table: Table, source_pos, target_pos, weights, layer, size: int, *,
                       repeats: str = "max") -> list[Problem]:
    """The rows a tie table with errors would leave out once its errors are fixed, as warnings (one per
    reason, with the codes ``ona validate`` gives a readable table): among the rows whose two people are
    both found, the self-ties, the weights of 0 after them, and the repeats of a pair within a layer
    after those (as :func:`_join_records` drops them; with ``repeats`` "sum" repeats are added up,
    not left out). A user who fixes the errors is not surprised by these afterwards."""
    known = (source_pos >= 0) & (target_pos >= 0)
    self_tie = known & (source_pos == target_pos)
    zero = known & ~self_tie & (weights == 0)
    kept = known & ~self_tie & ~zero
    pair = source_pos[kept] * size + target_pos[kept]
    if layer is not None:
        pair = pd.factorize(np.asarray(layer, dtype=object)[kept])[0].astype(np.int64) * size * size + pair
    counts = {"self-tie": int(self_tie.sum()), "zero-weight": int(zero.sum()),
              "duplicate": 0 if repeats == "sum" else int(kept.sum()) - len(pd.unique(pair))}
    return [table.problem(f"dropped-{reason}", f"{count:,} tie{'s' if count != 1 else ''} would be left out "
                          f"({reason.replace('-', ' ')}) once the errors are fixed", severity="warning")
            for reason, count in counts.items() if count]


def _pseudonymised(ends) -> bool:
    """True when (nearly, :data:`PSEUDONYMISED_SHARE`) every distinct name at either end of the ties
    looks like one of ona's pseudonyms (:data:`PSEUDONYM`). Asked only when no end matched anyone."""
    names = pd.unique(pd.concat([pd.Series(np.asarray(texts, dtype=object)) for texts in ends], ignore_index=True))
    names = [name for name in names if isinstance(name, str) and name.strip()]
    return bool(names) and sum(bool(PSEUDONYM.fullmatch(n.strip())) for n in names) >= PSEUDONYMISED_SHARE * len(names)


def _has_repeats(codes: np.ndarray) -> bool:
    """True when some value of ``codes`` (integers of 0 or more) occurs twice: a sort, which numpy
    runs vectorised (on 32 bits where the values fit), instead of a hash table of every value."""
    if len(codes) < 2:
        return False
    if codes.max() < 2**32:
        codes = codes.astype(np.uint32)
    ordered = np.sort(codes)
    return bool((ordered[1:] == ordered[:-1]).any())


#: The fewest ties of a layer for :func:`one_row_per_pair` to judge it: a directed survey of so many
#: ties with not one pair reported both ways, all in one order, is no chance.
ONE_ROW_PER_PAIR_MIN_TIES = 20


def one_row_per_pair(ties: TieTable) -> list[Problem]:
    """A ``one-row-per-pair`` warning for each layer of ``ties`` (of :data:`ONE_ROW_PER_PAIR_MIN_TIES`
    ties or more) that looks undirected: every pair is written in one order (each source's id before
    its target's, or each after), so none is in it both ways, as a co-work list of one row per pair
    is exported. Read as reported, each such tie is one-way: reciprocity is 0 and the brokerage,
    Burt and betweenness figures are those of a one-way network; ``--tie-rule union`` counts each
    tie both ways. Asked for when the ties are read as reported (``tie_rule="reported"``)."""
    frame = ties.ties
    if len(frame) < ONE_ROW_PER_PAIR_MIN_TIES:
        return []
    found = []
    first_before = (frame["source"].astype(str) < frame["target"].astype(str)).to_numpy(dtype=bool)  # (vectorised)
    for layer, rows in frame.groupby("layer", sort=False).indices.items():
        before = first_before[rows]
        if len(rows) < ONE_ROW_PER_PAIR_MIN_TIES or (before.any() and not before.all()):
            continue
        # (all in one order, no pair can be there both ways: its other way would be in the other order)
        found.append(Problem(
            "one-row-per-pair", f"{'' if len(frame) == len(rows) else f'layer {layer!r}: '}each of its "
            f"{len(rows):,} ties is listed once, every one with its first person's id "
            f"{'before' if before.all() else 'after'} the second's, and no pair both ways: the ties look "
            "undirected (one row per pair, as co-work lists are written), but are read as one-way ties; "
            "if the question asks who works together, pass --tie-rule union (tie_rule='union' in "
            "Python) to count each both ways", path=ties.path, sheet=ties.sheet, severity="warning"))
    return found


def combine_layers(tables: list[TieTable], *, layer: str | None = None, combine: str | None = "sum") -> TieTable:
    """Put the ties of several files together, keep one ``layer`` or combine the layers per pair
    (``combine`` None: keep the layers apart, as a file with a layer column has them). A combined
    pair's date is its earliest."""
    if len(tables) == 1 and layer is None and len(tables[0].layers) <= 1:
        return tables[0]
    frame = pd.concat([t.ties for t in tables], ignore_index=True)
    layers = tuple(sorted({name for t in tables for name in t.layers}))
    first = tables[0]
    if layer is not None:
        if layer not in layers:
            named = [x for x in layers if x]
            raise InputError([Problem(
                "unknown-layer", f"has no layer {layer!r}; "
                + ("its layers are: " + ", ".join(repr(x) for x in named) if named else
                   "it has no layer column (give a layer column, or one file per question)"),
                path=first.path, sheet=first.sheet)])
        frame = frame[frame["layer"] == layer]
        layers = (layer,)
    elif len(layers) > 1 and combine is not None:
        grouped = frame.groupby(["source", "target"], sort=False)
        dated = {"date": ("date", "min")} if "date" in frame else {}
        agg = grouped.agg(weight=("weight", "sum" if combine == "sum" else "max"), row=("row", "min"),
                          **dated).reset_index()
        if combine == "any":
            agg["weight"] = 1.0
        agg["layer"] = "+".join(layers)
        frame = agg[["source", "target", "weight", "layer", "row", *dated]]
    dropped: dict[str, int] = {}
    for t in tables:
        for reason, count in t.dropped.items():
            dropped[reason] = dropped.get(reason, 0) + count
    respondents = None
    if any(t.respondents is not None for t in tables):
        respondents = tuple(dict.fromkeys(p for t in tables for p in (t.respondents or ())))
    paths = list(dict.fromkeys(t.path for t in tables))  # (the sheets of one workbook: one path)
    return TieTable(ties=frame.reset_index(drop=True), path=paths[0] if len(paths) == 1 else "; ".join(paths),
                    sheet=first.sheet, weight_column=first.weight_column, dropped=dropped,
                    warnings=tuple(w for t in tables for w in t.warnings), shape=first.shape, layers=layers,
                    combine=None if layer is not None or len(layers) <= 1 else combine, respondents=respondents,
                    date_column=next((t.date_column for t in tables if t.date_column), None),
                    window=first.window, repeats=first.repeats,
                    weight_labels=next((t.weight_labels for t in tables if t.weight_labels), None))
