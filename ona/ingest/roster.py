"""The roster: one row per person, with the units they belong to and any other attributes."""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from .._arguments import check_type
from ..errors import InputError, Problem
from ._columns import ALIASES, describe_headers, find_column
from ._tables import (CellError, Table, error_problem, gc_paused, normalise_header, one_spelling, read_table,
                      row_numbers)

__all__ = ["Roster", "read_roster"]


@dataclass(frozen=True)
class Roster:
    """People and their attributes, as read from a roster file.

    ``people`` is indexed by person id (text) in file order; its columns are every other column of
    the file under its original header, as text (``""`` for blank). ``name_column``,
    ``email_column`` and ``unit_columns`` name the headers that play those roles. When the file has
    no id column, its email (else name) column is the id: that column is then ``id_column`` (not a
    column of ``people``), ``email_column`` (or ``name_column``) is None, and ``id_role`` says what
    the ids are, ``"email"`` or ``"name"`` (``"id"``: a column of ids), so that they are matched as
    addresses or names too (see :class:`~ona.ingest.ties.PersonMatcher`). ``rows`` are the
    spreadsheet rows of the people, ``header_row`` that of the header (None: a roster made in code).
    """

    people: pd.DataFrame
    path: str | None = None
    sheet: str | None = None
    id_column: str = "id"
    name_column: str | None = None
    email_column: str | None = None
    unit_columns: tuple[str, ...] = ()
    rows: tuple[int, ...] = field(default=(), repr=False)
    warnings: tuple[Problem, ...] = field(default=(), repr=False)
    id_role: str = "id"
    header_row: int | None = None
    #: the cells of the roster file that show an Excel error (#N/A), read as blank (see
    #: :attr:`~ona.ingest._tables.Table.cell_errors`); those of the columns ona uses are errors
    cell_errors: tuple[CellError, ...] = field(default=(), repr=False)

    def __len__(self) -> int:
        return len(self.people)

    @property
    def ids(self) -> pd.Index:
        return self.people.index

    @property
    def default_unit_column(self) -> str | None:
        """The unit column measured when none is named: the department-like column if any."""
        return self.unit_columns[-1] if self.unit_columns else None

    def column(self, name: str) -> str:
        """The header of the roster column called ``name`` (case-insensitive), or raise InputError."""
        key = normalise_header(name)
        if key == normalise_header(self.id_column):
            return self.id_column
        for header in self.people.columns:
            if normalise_header(header) == key:
                return header
        headers = [self.id_column, *self.people.columns]
        choices = [h for h in self.people.columns if h not in (self.name_column, self.email_column)]
        raise InputError([Problem(
            "unknown-unit-column", f"has no column {name!r} to measure by; "
            + describe_headers(headers, self._names_someone(), shown=choices, listing="choose one of: "),
            path=self.path, sheet=self.sheet, row=self.header_row)])

    def check_cells(self, column: str) -> None:
        """Raise an InputError when cells of roster column ``column`` (a header, as :meth:`column`
        gives it) show an Excel error (``excel-error``; read as blank, they are only warnings while the
        column is kept but not measured): the column measured by ``--by`` must hold what the user sees."""
        errors = self.error_problems(column)
        if errors:
            raise InputError(errors)

    def measured_by(self, by: str) -> Roster:
        """This roster as measured by its column ``by`` (any column: ``Role``, ``Location``): the column's
        cells made the units they name (:meth:`units_in`: blank is ``(none)``, spellings that differ
        only in case or white space one unit), with the warnings the unit columns get when the roster is
        read, ``blank-unit`` per blank cell (naming its row) and ``unit-spellings`` per unit written in
        several ways. The roster itself when ``by`` is a unit column (read so already) or the id, name or
        email column (people, not units), or when the column's cells are its units already."""
        column = self.column(by)
        if column in (*self.unit_columns, self.id_column, self.name_column, self.email_column):
            return self
        cells = self.people[column]
        units, others = self.units_in(column, cells)
        if units is cells:
            return self
        people = self.people.copy()
        people[column] = units
        problem = partial(Problem, path=self.path, sheet=self.sheet)
        shown = {cell.row for cell in self.cell_errors if cell.column == column}
        found = _blank_units(cells, self.rows, column, problem, shown) + _spelling_warnings(problem, column, others)
        return replace(self, people=people, warnings=(*self.warnings, *found))

    def units_in(self, column: str, cells: pd.Series) -> tuple[pd.Series, dict[str, list[str]]]:
        """The units that ``cells`` (the text cells of roster column ``column``, a header as :meth:`column`
        gives it) name when the column is measured, with each unit written in other ways
        (:func:`units_of`). In a column that is no unit, id, name or email column and holds only numbers
        and TRUE/FALSE (a line/support flag of 1 and 0, Excel's TRUE and FALSE), each unit is named by
        the column too, "Line = 1": "1 is the most closed unit" says nothing of what 1 is."""
        units, others = units_of(cells)
        if column in (*self.unit_columns, self.id_column, self.name_column, self.email_column):
            return units, others
        values = [u for u in pd.unique(units) if u != NO_UNIT]
        if values and all(_NUMBER_OR_TRUTH.fullmatch(str(u)) for u in values):
            units = units.where(units == NO_UNIT, f"{column} = " + units)
            others = {f"{column} = {name}": aliases for name, aliases in others.items()}
        return units, others

    def error_problems(self, column: str) -> list[Problem]:
        """An ``excel-error`` error for each cell of roster column ``column`` that shows an Excel error."""
        return [error_problem(cell, error=True, path=self.path, sheet=self.sheet)
                for cell in self.cell_errors if cell.column == column]

    def _names_someone(self):
        """A test of whether a text is the id, address or name of someone in the roster (a header row
        that holds one is a record, and is not repeated in a message); built once, on an error."""
        known = set(map(fold_text, self.people.index))
        if self.email_column:
            known |= set(map(fold_text, self.people[self.email_column]))
        names = set(map(name_key, self.people[self.name_column])) if self.name_column else set()
        return lambda text: fold_text(text) in known or name_key(text) in names

    def labels(self) -> pd.Series:
        """Display label of each person: the name where there is one, else the id."""
        if self.name_column is None:
            return pd.Series(self.people.index, index=self.people.index)
        names = self.people[self.name_column]
        return names.where(names != "", pd.Series(self.people.index, index=self.people.index))


def fold_text(text: str) -> str:
    """Case-, accent- and whitespace-insensitive key of a text (Søren ~ soren; æ ~ ae), as unit names
    are compared; person names are compared by :func:`name_key`, which builds on it."""
    text = " ".join(str(text).split()).casefold()
    if text.isascii():
        return text
    text = text.translate(_FOLD)
    decomposed = unicodedata.normalize("NFKD", text)
    if decomposed.isascii():
        return decomposed
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "ß": "ss"})


def name_key(name: str) -> str:
    """The key two writings of one name share: :func:`fold_text` of the name, a name with one comma
    read as "Last, First" ("Hansen, Mette", "hansen,mette" and "Mette  Hansen" are one name)."""
    if name.count(",") == 1:
        last, _, first = name.partition(",")
        name = f"{first} {last}"
    return fold_text(name)


@gc_paused()
def read_roster(path: str | Path, *, sheet: str | None = None, id_column: str | None = None,
                name_column: str | None = None, email_column: str | None = None,
                unit_column: str | None = None, header_row: int | None = None,
                delimiter: str | None = None, encoding: str | None = None) -> Roster:
    """Read a roster (CSV or Excel): one row per person.

    The id column is found by its header (``id``, ``employee id`` ...) or named with ``id_column``;
    without one, the email column, then the name column, serves as the id (and its ids are matched
    as addresses or names: :attr:`Roster.id_role`). Every id must be present and unique; all
    problems are collected and raised together as one :class:`InputError`.
    """
    check_type(path, (str, os.PathLike), "read_roster(path): pass the path of a roster file (.xlsx, .csv, .parquet ...); a "
               "DataFrame of people is a Roster as it is: ona.Roster(people=frame.set_index('id').astype(str), "
               "unit_columns=('Department',))")
    wanted = [[explicit] if explicit else ALIASES[role] for role, explicit in (("id", id_column), ("name", name_column),
              ("email", email_column), ("unit", unit_column), ("directorate", None), ("first name", None),
              ("last name", None))]
    table = read_table(path, sheet, header_row=header_row, delimiter=delimiter, encoding=encoding,
                       wanted_headers=wanted)
    name_col = find_column(table, "name", name_column, required=False)
    if name_col is None and name_column is None:
        table, name_col = _joined_name(table)
    email_col = find_column(table, "email", email_column, required=False)
    id_col = find_column(table, "id", id_column, required=False)
    if id_col is None:
        id_col = email_col or name_col
    if id_col is None:
        # (raises with the header list)
        find_column(table, "id", None, required=True, option="--id-column (id_column= in Python)")
    unit_cols = _unit_columns(table, unit_column)
    return _validated_roster(table, id_col, name_col, email_col, unit_cols)


def _joined_name(table: Table) -> tuple[Table, str | None]:
    """A roster with no name column but a first-name and a last-name column (``Fornavn``,
    ``Efternavn``): the table with a ``Name`` column of the two joined ("Mette Hansen"), placed
    before them, and that column's header; else the table as it is and None. People are then
    matched, listed in the survey template and shown by their whole name."""
    from dataclasses import replace

    first = find_column(table, "first name", None, required=False)
    last = find_column(table, "last name", None, required=False)
    if first is None or last is None or "Name" in table.frame.columns:
        return table, None
    frame = table.frame
    joined = (frame[first].astype(str) + " " + frame[last].astype(str)).str.strip()
    at = min(frame.columns.get_loc(first), frame.columns.get_loc(last))
    frame = frame.copy()
    frame.insert(at, "Name", joined.astype(object))
    return replace(table, frame=frame), "Name"


def _unit_columns(table: Table, unit_column: str | None) -> tuple[str, ...]:
    cols = []
    top = find_column(table, "directorate", None, required=False)
    if top:
        cols.append(top)
    unit = find_column(table, "unit", unit_column, required=False)
    if unit and unit not in cols:
        cols.append(unit)
    elif unit in cols:  # the named unit column is the directorate itself: measure by it
        cols.remove(unit)
        cols.append(unit)
    return tuple(cols)


#: The unit of a person whose unit cell is blank.
NO_UNIT = "(none)"

#: A cell that is a number or TRUE/FALSE as a cell's text writes them (see :func:`~ona.ingest._tables.cell_text`).
_NUMBER_OR_TRUTH = re.compile(r"[+-]?\d+(\.\d+)?|true|false", re.IGNORECASE)


def units_of(cells: pd.Series) -> tuple[pd.Series, dict[str, list[str]]]:
    """The units the text cells of a unit column name, as a series like ``cells`` (``cells`` itself when
    that changes nothing): a blank cell is the unit :data:`NO_UNIT`; white space inside a name is one
    space ("Sales" and "East" on two lines of a cell is "Sales East"); names that then differ only in
    case ("Staff", "staff") are the unit first written (:func:`one_spelling`). With each unit written in
    other ways and those ways (:func:`one_spelling`'s second part). The rule of the roster's unit
    columns, of a column measured by ``--by`` (:meth:`Roster.measured_by`) and of every unit partition
    (:meth:`~ona.graph.OrgGraph.partition`)."""
    codes, uniques = pd.factorize(cells)
    names = [" ".join(str(u).split()) or NO_UNIT for u in uniques]
    canonical, others = one_spelling(names)
    final = [canonical[name] for name in names]
    if final == list(uniques):
        return cells, others
    dtype = object if cells.dtype.kind in "biufcmM" else cells.dtype  # (text stays the text type it was)
    return pd.Series(np.asarray(final, dtype=object)[codes], index=cells.index, dtype=dtype), others


def _blank_units(cells: pd.Series, rows, column: str, problem, shown: Collection[int] = ()) -> list[Problem]:
    """A ``blank-unit`` warning for each blank cell of unit column ``column`` (``cells``; ``rows``: the
    spreadsheet row of each, none for a roster made in code) but those at the rows in ``shown`` (cells
    that show an Excel error, which their ``excel-error`` names); ``problem`` makes a problem of the
    roster's file (:meth:`Table.problem`)."""
    return [problem("blank-unit", f"the unit is blank; the person is counted in a unit named {NO_UNIT!r}",
                    row=int(rows[i]) if len(rows) and rows[i] else None, column=column, severity="warning")
            for i in np.flatnonzero((cells == "").to_numpy()) if not (len(rows) and rows[i] in shown)]


def _spelling_warnings(problem, column: str, others: dict[str, list[str]]) -> list[Problem]:
    """A ``unit-spellings`` warning for each unit of ``column`` written in other ways (``others``, as
    :func:`units_of` gives them; ``problem``: as :func:`_blank_units`). Two spellings of one unit were
    two units that every page names alike."""
    return [problem("unit-spellings", f"the unit {name!r} is also written " + ", ".join(map(repr, aliases)) +
                    ": read as one unit, named as first written", column=column, severity="warning")
            for name, aliases in others.items()]


def _units_named_alike(table: Table, people: pd.DataFrame, directorate: str, unit: str) -> list[Problem]:
    """Give a unit name used in several directorates the directorate's name in brackets, in
    ``people`` itself, and say so (``same-unit-name``, a warning per name): a municipality's
    directorates each have their "Administration" or "Sekretariat", and measured under one name
    the ties between them would count as ties inside one unit. Only where the two columns are a
    hierarchy, most unit names (at least half) in one directorate each; where they are not (a
    unit column and a column that cuts across it), nothing is renamed. People with a blank
    directorate keep the unit's name as written."""
    # (by integer codes: the distinct (unit, directorate) pairs, counted per unit)
    units, unit_names = pd.factorize(people[unit])
    tops, top_names = pd.factorize(people[directorate])
    blank_unit = unit_names.get_loc(NO_UNIT) if NO_UNIT in unit_names else -1
    blank_top = top_names.get_loc(NO_UNIT) if NO_UNIT in top_names else -1
    named = (units != blank_unit) & (tops != blank_top)
    if not named.any():
        return []
    pairs = np.unique(units[named].astype(np.int64) * len(top_names) + tops[named])
    parents = np.bincount(pairs // len(top_names), minlength=len(unit_names))
    shared = np.flatnonzero(parents > 1)
    if not len(shared) or len(shared) * 2 > np.count_nonzero(parents):
        return []
    mask = np.isin(units, shared) & named
    people.loc[mask, unit] = people.loc[mask, unit] + " (" + people.loc[mask, directorate] + ")"
    notes = []
    for code in shared:
        name = unit_names[code]
        directorates = [top_names[t] for t in pairs[pairs // len(top_names) == code] % len(top_names)]
        listed = ", ".join(repr(f"{name} ({d})") for d in directorates)
        notes.append(table.problem(
            "same-unit-name", f"the {unit} {name!r} appears under {len(directorates)} {directorate} values: measured "
            f"as {len(directorates)} units, {listed}; if it is one unit, give its people the same {directorate}",
            column=unit, severity="warning"))
    return notes


def _validated_roster(table: Table, id_col: str, name_col: str | None, email_col: str | None,
                      unit_cols: tuple[str, ...]) -> Roster:
    frame = table.frame
    problems: list[Problem] = []
    # A table's cells are text without edge white space already (see Table): no stripping here.
    ids = frame[id_col].astype(str)
    rows = row_numbers(table.rows)
    if len(frame) == 0:
        problems.append(table.problem("no-records", "has a header but no people below it", row=table.header_row))
    problems.extend(table.past_header)  # (a record's cells shifted: "Hansen, Mette" not in quotes)
    # Only the flagged rows are visited one by one: a 50,000-person roster has none.
    blank_id = (ids == "").to_numpy()
    # (Looking for repeats costs a hash of every id; finding where they are, a second one.)
    repeated = np.zeros(len(ids), dtype=bool) if ids.is_unique else \
        (ids.duplicated(keep="first") & ~(ids == "")).to_numpy()
    first_row: dict[str, int] = {}
    if repeated.any():
        firsts = ~ids.duplicated(keep="first").to_numpy() & ~blank_id
        first_row = dict(zip(ids[firsts].tolist(), rows[firsts].tolist()))
    for i in np.flatnonzero(blank_id | repeated):
        if blank_id[i]:
            problems.append(table.problem("blank-id", "the person id is blank; every person needs one",
                                          row=int(rows[i]), column=id_col))
        else:
            problems.append(table.problem(
                "duplicate-id", f"this id is already used on row {first_row[ids.iat[i]]}; ids must be unique",
                row=int(rows[i]), column=id_col))
    # Addresses match ignoring case, so two that differ only in case are one person's, also when
    # the address is the id (ids repeated exactly are reported above as duplicate-id).
    if email_col:
        mails = frame[email_col].str.lower()
        if not mails.is_unique and (again := (mails.duplicated(keep="first") & (mails != "")).to_numpy()).any():
            if email_col == id_col:
                again = again & ~repeated
            firsts = ~mails.duplicated(keep="first").to_numpy() & (mails != "").to_numpy()
            seen = dict(zip(mails[firsts].tolist(), rows[firsts].tolist()))
            for i in np.flatnonzero(again):
                problems.append(table.problem(
                    "duplicate-email", f"this email address is already used on row {seen[mails.iat[i]]}",
                    row=int(rows[i]), column=email_col))
    for col in unit_cols:
        problems += _blank_units(frame[col], rows, col, table.problem)
    # A cell showing an Excel error (#N/A) in a column ona uses is an error; in a column it only keeps,
    # a warning (see Roster.check_cells for the column measured by --by).
    problems = table.with_error_cells(problems, used=(id_col, name_col, email_col, *unit_cols))
    problems += table.hidden_problems(roster=True)
    problems += table.header_again_problems()
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise InputError(problems)
    people = frame.drop(columns=[id_col]).astype(str)  # one call, not one per column (10,000 columns: 5 s)
    for col in unit_cols:
        people[col], others = units_of(people[col])
        problems += _spelling_warnings(table.problem, col, others)
    if len(unit_cols) == 2:
        problems += _units_named_alike(table, people, *unit_cols)
    people.index = pd.Index(ids.to_numpy(dtype=object), name=id_col, dtype=object)
    id_role = "email" if id_col == email_col else "name" if id_col == name_col else "id"
    return Roster(people=people, path=table.path, sheet=table.sheet, id_column=id_col,
                  name_column=name_col if name_col != id_col else None,
                  email_column=email_col if email_col != id_col else None,
                  unit_columns=unit_cols, rows=tuple(table.rows),
                  warnings=tuple(p for p in problems if p.severity == "warning"), id_role=id_role,
                  header_row=table.header_row, cell_errors=table.cell_errors)
