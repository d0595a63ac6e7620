"""The yearly measurement: waves stored in one SQLite file, loaded back, and compared.

A *wave* is one measurement (one survey round, one year of mail) under a label such as "2025".
Stored per wave: the label, when it was stored, each input file (its path, absolute and relative to
the history's folder, and its SHA-256), every parameter,
the ona version, the summary, every frame of the :class:`~ona.metrics.Measurement` (people, units,
unit pairs and the extra tables) and the tie list (ids and weights), so that a later comparison
can count ties kept, new and lost, and recompute unit figures under a renamed or merged unit.

Storing a wave is one SQLite transaction (``BEGIN IMMEDIATE`` ... ``COMMIT``): a run killed halfway
leaves the file exactly as it was. The schema carries a version (``PRAGMA user_version``) and
ordered migrations bring older files up to date when they are opened.

Frames are stored column by column as JSON with their dtypes, and floats written with Python's
exact ``repr``, so that a loaded measurement equals the stored one.
"""

from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import json
import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import __version__
from ._arguments import check_type, check_whole, label_problem
from ._files import is_remote, relative_path
from .errors import InputError, OnaError, Problem
from .graph import OrgGraph
from .metrics import Measurement

__all__ = ["History", "open_history", "check_storable", "wave_order", "SCHEMA_VERSION", "HEADLINE"]

SCHEMA_VERSION = 2
MIGRATIONS: dict[int, list[str]] = {
    1: [
        """CREATE TABLE wave (
               id INTEGER PRIMARY KEY,
               label TEXT NOT NULL UNIQUE,
               stored_at TEXT NOT NULL,
               ona_version TEXT NOT NULL,
               summary TEXT NOT NULL,
               parameters TEXT NOT NULL)""",
        """CREATE TABLE input_file (
               wave_id INTEGER NOT NULL REFERENCES wave(id) ON DELETE CASCADE,
               role TEXT NOT NULL, path TEXT NOT NULL, sha256 TEXT NOT NULL)""",
        """CREATE TABLE frame (
               wave_id INTEGER NOT NULL REFERENCES wave(id) ON DELETE CASCADE,
               name TEXT NOT NULL, payload TEXT NOT NULL,
               PRIMARY KEY (wave_id, name))""",
    ],
    # Each input's path relative to the history's folder (path: absolute); none for the inputs of the
    # waves stored before, whose path is as the run named it, relative to the folder it started in.
    2: ["ALTER TABLE input_file ADD COLUMN from_history TEXT"],
}

# How a refusal to store a label again says how to store it anyway, from the command line and from Python.
_REPLACE = "pass --replace (replace=True in Python) to store it again"

# Org figures listed by `ona history` and compared first.
HEADLINE = ["people", "ties", "units", "cross_unit_share", "ei_index", "modularity", "unit_community_nmi",
            "boundary_spanners", "density", "reciprocity", "response_rate"]
#: How a wave was measured, as :meth:`History.waves` lists it beside the headline figures.
MEASURED_BY = ("unit_column", "tie_rule", "pseudonymized")


# A label that reads as a year, a date or a number: groups of digits joined by hyphens (2024, 2024-06,
# 2024-06-30, 2024-25 for a school year, 3).
_DATED = re.compile(r"[0-9]+(?:-[0-9]+)*")


def wave_order(labels) -> list[str]:
    """The wave labels ``labels`` (in the order they were stored) in the order of time: when every
    label is a year, a date or a whole number (groups of digits joined by hyphens: ``2024``,
    ``2024-06``, ``2024-06-30``, ``2024-25``), by those numbers from the first group on (``2024`` before
    ``2024-06`` before ``2025``; ``9`` before ``10``); otherwise (``spring``, ``2024 H1``) as stored, since
    only the analyst knows their order. A year backfilled after later years is listed first."""
    labels = [str(label) for label in labels]
    if labels and all(_DATED.fullmatch(label) for label in labels):
        return sorted(labels, key=lambda label: tuple(int(part) for part in label.split("-")))
    return labels


def _damaged(path: Path, exc: BaseException | None = None, code: str | None = None) -> InputError:
    """The error of a history file SQLite cannot read (pages overwritten, a disk error): code
    ``bad-history``, naming the file and SQLite's error code (of ``exc``, else ``code``), never its
    message, which can quote a stored value (a frame of people's ids that cannot be decoded)."""
    code = getattr(exc, "sqlite_errorname", None) or code
    return InputError([Problem("bad-history", "the history file is damaged"
                               + (f" (SQLite: {code})" if code and code != "SQLITE_ERROR" else "")
                               + ": SQLite cannot read it; restore it from a backup copy, or store the waves again "
                               "in a new history file", path=str(path))])


def _reads_history(method):
    """A :class:`History` method whose SQLite error is the ``bad-history`` error of the file
    (:func:`_damaged`), except where SQLite says why otherwise: another program holds the lock
    (busy, locked), the file cannot be written (read-only), the disk is full."""
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except sqlite3.DatabaseError as exc:
            name = getattr(exc, "sqlite_errorname", "") or ""
            if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in str(exc):
                raise OnaError(f"{_name(self.path)}: {_LOCKED}") from None
            if name.startswith("SQLITE_READONLY"):
                raise OnaError(f"{_name(self.path)}: cannot be written (SQLite: {name}); store the wave in a "
                               "history file you may write") from None
            if name.startswith("SQLITE_FULL"):
                raise OnaError(f"{_name(self.path)}: the disk is full (SQLite: {name}); nothing was stored") from None
            raise _damaged(self.path, exc) from None
    return wrapper


def _frame_to_json(frame: pd.DataFrame) -> str:
    index = frame.index
    payload = {
        "index": [None if _missing(v) else _plain(v) for v in index.tolist()],
        "index_name": index.name,
        "index_dtype": str(index.dtype),
        "columns": [str(c) for c in frame.columns],
        "dtypes": [str(t) for t in frame.dtypes],
        "data": [[_plain(v) for v in frame[c].tolist()] for c in frame.columns],
    }
    return json.dumps(payload, ensure_ascii=False, allow_nan=True)


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA


def _plain(value):
    if isinstance(value, np.generic):
        return value.item()
    if value is pd.NA:
        return None
    return value


def _frame_from_json(text: str) -> pd.DataFrame:
    payload = json.loads(text)
    columns = {}
    for name, dtype, values in zip(payload["columns"], payload["dtypes"], payload["data"]):
        series = pd.Series(values, dtype=object)
        if dtype != "object":
            series = series.astype("float64" if dtype.startswith("float") and series.isna().any() else dtype)
        columns[name] = series
    index = pd.Index(payload["index"], name=payload["index_name"], dtype=object)
    if payload["index_dtype"] != "object":
        index = index.astype(payload["index_dtype"])
    frame = pd.DataFrame(columns, columns=payload["columns"])
    frame.index = index
    return frame


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=True, default=_plain)


def _files_in(folder: Path) -> list[Path]:
    """The files of an input folder (a folder of email exports, partitioned by date), each one an
    input of the wave, in a fixed order; hidden files and folders (``.DS_Store``, ``.git``) left out."""
    return sorted(f for f in folder.rglob("*") if f.is_file()
                  and not any(part.startswith(".") for part in f.relative_to(folder).parts))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class StoredWave:
    """A wave as loaded: the measurement, the tie list, and its record."""

    label: str
    stored_at: str
    ona_version: str
    measurement: Measurement
    edges: pd.DataFrame
    #: The input files (role, path, sha256): each where it is now (:meth:`History.load`).
    inputs: pd.DataFrame
    #: Every unit people are in, in any wave of the history the wave was loaded from (when it was
    #: loaded): what :func:`~ona.compare.compare_waves` checks a unit mapping against, so that a
    #: misspelt unit is flagged whichever two waves are compared (:meth:`History.unit_names`).
    history_units: frozenset = frozenset()


class History:
    """A history file of waves. Open with :func:`open_history`; use as a context manager.

    Opened ``read_only``, the file is never written (listing and comparing). Otherwise ona's tables
    are created in a new or empty (0-byte) file and brought up to date in an older one; any other
    file, such as another application's SQLite database, is refused and left as it was."""

    def __init__(self, path: str | Path, *, read_only: bool = False):
        self.path = Path(path)
        self.read_only = read_only
        self._unit_names: tuple | None = None  # (when read, the names): see unit_names
        fresh = _check_location(self.path, for_storing=not read_only)
        try:
            self._db = sqlite3.connect(self.path.resolve().as_uri() + "?mode=ro" if read_only else self.path,
                                       uri=read_only, isolation_level=None)
        except sqlite3.Error as exc:
            raise OnaError(f"{_name(self.path)}: cannot be opened ({exc})") from None
        try:
            self._db.execute("PRAGMA foreign_keys = ON")
            version = self._stored_version(fresh=fresh, for_storing=not read_only)
            if not read_only:
                self._migrate(version)
        except sqlite3.DatabaseError as exc:
            self._db.close()
            if getattr(exc, "sqlite_errorname", None) == "SQLITE_CORRUPT":
                raise _damaged(self.path, exc) from None
            if (getattr(exc, "sqlite_errorname", "") or "").startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
                raise OnaError(f"{_name(self.path)}: {_LOCKED}") from None
            raise OnaError(f"{_name(self.path)}: is not an ona history file ({exc})") from None
        except BaseException:
            self._db.close()
            raise

    def __enter__(self) -> "History":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def _stored_version(self, *, fresh: bool, for_storing: bool) -> int:
        """The schema version of the file; 0 (no tables yet) only for a new or empty file opened for storing."""
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise OnaError(f"{_name(self.path)}: was written by a newer ona (history schema {version}); "
                           f"this ona reads up to {SCHEMA_VERSION}")
        if version == 0 and not (fresh and for_storing):
            why = "it is empty" if fresh else "an SQLite database without ona's tables"
            raise OnaError(f"{_name(self.path)}: is not an ona history file ({why})")
        return version

    @_reads_history
    def _check_intact(self) -> None:
        """Raise the ``bad-history`` error unless SQLite finds every page of the file sound (``PRAGMA
        quick_check``): made before a long run, so that a damaged history stops it before the work."""
        if self._db.execute("PRAGMA quick_check").fetchall() != [("ok",)]:
            raise _damaged(self.path, code="SQLITE_CORRUPT")

    def _migrate(self, version: int) -> None:
        for target in range(version + 1, SCHEMA_VERSION + 1):
            # (a new file that another program is writing: the lock's error, not "is not an ona history file")
            _begin_writing(self._db, self.path)
            try:
                for statement in MIGRATIONS[target]:
                    self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {target}")
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    @property
    @_reads_history
    def schema_version(self) -> int:
        return self._db.execute("PRAGMA user_version").fetchone()[0]

    @_reads_history
    def labels(self) -> list[str]:
        """Wave labels in the order of time (:func:`wave_order`: by year or date when every label is one,
        else in the order they were stored)."""
        return wave_order(r[0] for r in self._db.execute("SELECT label FROM wave ORDER BY id"))

    @_reads_history
    def unit_names(self) -> set[str]:
        """Every unit that people are in, in any stored wave. Read once for as long as the file does
        not change (:meth:`load` gives it to each wave it loads): the people of every wave are read."""
        # PRAGMA data_version changes when another connection commits, total_changes when this one does.
        key = (self._db.execute("PRAGMA data_version").fetchone()[0], self._db.total_changes)
        if self._unit_names is None or self._unit_names[0] != key:
            names: set[str] = set()
            for (payload,) in self._db.execute("SELECT payload FROM frame WHERE name = 'people'"):
                names.update(_frame_from_json(payload)["unit"].dropna().astype(str))
            self._unit_names = (key, frozenset(names))
        return set(self._unit_names[1])

    @_reads_history
    def waves(self) -> pd.DataFrame:
        """One row per wave, in the order of :meth:`labels` (by year or date when every label is one):
        label, when stored, the ona version, the headline figures and how the wave was measured
        (:data:`MEASURED_BY`: the unit column, the tie rule, whether people are pseudonyms), the
        settings two waves must share to be compared as they are."""
        rows = []
        for label, stored_at, version, summary, parameters in self._db.execute(
                "SELECT label, stored_at, ona_version, summary, parameters FROM wave ORDER BY id"):
            s, p = json.loads(summary), json.loads(parameters or "{}")
            rows.append({"wave": label, "stored_at": stored_at, "ona_version": version,
                         **{k: s.get(k, np.nan) for k in HEADLINE},
                         "unit_column": p.get("unit_column"), "tie_rule": p.get("tie_rule", "reported"),
                         "pseudonymized": bool(p.get("pseudonymized", False))})
        order = {label: i for i, label in enumerate(wave_order(row["wave"] for row in rows))}
        rows.sort(key=lambda row: order[row["wave"]])
        return pd.DataFrame(rows, columns=["wave", "stored_at", "ona_version", *HEADLINE, *MEASURED_BY])

    @_reads_history
    def store(self, label: str, measurement: Measurement, graph: OrgGraph, *, inputs: dict | None = None,
              replace: bool = False, _before_commit=None) -> None:
        """Store ``measurement`` (and the ties of ``graph``) as wave ``label``, in one transaction.

        ``inputs`` maps a role ("roster", "ties", ...) to a file path or a list of paths; each file's
        SHA-256 is kept, and its path both absolute and relative to the history's folder (so that a project
        folder moved whole, with its history, still names its inputs). An existing label is refused unless
        ``replace``; a replaced wave keeps its place in the order of :meth:`labels` and :meth:`waves` (2025
        re-run stays between 2024 and 2026; labels that are no years or dates stay in the order they were
        first stored). A folder of inputs (email exports) is stored as its files; an export on a cluster
        (``abfss://``) by its address, with no digest. Nothing is written when the history was opened
        ``read_only``, the arguments are out of order, or an input does not exist, or the measurement skipped
        parts (``measure(skip=...)``: a wave keeps every figure, for the comparisons of later years): each
        raises an :class:`~ona.errors.OnaError` that says what to do.
        """
        if self.read_only:
            raise OnaError(f"{_name(self.path)}: is open read-only; open it with open_history(path) to store a wave")
        order = "History.store takes the label, then the measurement, then the graph: store(label, measurement, graph)"
        check_type(measurement, Measurement, order)
        check_type(graph, OrgGraph, order)
        check_whole(measurement, "History.store")
        label = str(label)
        if wrong := label_problem(label):
            raise InputError([Problem("bad-argument", f"History.store(label): {wrong}")])
        ids = np.asarray([str(i) for i in graph.ids], dtype=object)
        edges = pd.DataFrame({"source": ids[graph.source], "target": ids[graph.target],
                              "weight": np.asarray(graph.weight, dtype=float)})
        given = [(role, p) for role, paths in (inputs or {}).items()
                 for p in ([paths] if isinstance(paths, (str, Path)) else list(paths))]
        # (an export on a cluster, abfss://...: its address as given, with no digest, which only the cluster could make)
        remote = [(role, str(p), "", None) for role, p in given if is_remote(p)]
        given = [(role, Path(p)) for role, p in given if not is_remote(p)]
        for role, p in given:
            if not (p.is_file() or p.is_dir()):
                raise OnaError(f"{p.name or p}: the {role} input does not exist; inputs name the files the wave was "
                               "measured from")
        given = [(role, f) for role, p in given for f in (_files_in(p) if p.is_dir() else [p])]
        files = [(role, str(p.resolve()), _sha256(p), relative_path(p, self.path.parent)) for role, p in given] + remote
        frames = {"people": measurement.people, "units": measurement.units, "unit_pairs": measurement.unit_pairs,
                  "edges": edges, **{f"extra:{k}": v for k, v in measurement.extra.items()}}
        encoded = {name: _frame_to_json(frame) for name, frame in frames.items()}
        db = self._db
        _begin_writing(db, self.path)
        try:
            existing = db.execute("SELECT id FROM wave WHERE label = ?", (label,)).fetchone()
            if existing and not replace:
                raise OnaError(f"{self.path.name}: wave {label!r} is already stored; {_REPLACE}")
            record = (_dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"), __version__,
                      _json(measurement.summary), _json(measurement.parameters))
            if existing:  # replaced in its place, so that the waves stay in the order they were first stored
                wave_id = existing[0]
                db.execute("DELETE FROM input_file WHERE wave_id = ?", (wave_id,))
                db.execute("DELETE FROM frame WHERE wave_id = ?", (wave_id,))
                db.execute("UPDATE wave SET stored_at = ?, ona_version = ?, summary = ?, parameters = ? WHERE id = ?",
                           (*record, wave_id))
            else:
                wave_id = db.execute("INSERT INTO wave (label, stored_at, ona_version, summary, parameters) "
                                     "VALUES (?, ?, ?, ?, ?)", (label, *record)).lastrowid
            db.executemany("INSERT INTO input_file (wave_id, role, path, sha256, from_history) "
                           "VALUES (?, ?, ?, ?, ?)",
                           [(wave_id, *f) for f in files])
            db.executemany("INSERT INTO frame (wave_id, name, payload) VALUES (?, ?, ?)",
                           [(wave_id, name, payload) for name, payload in encoded.items()])
            if _before_commit is not None:
                _before_commit()
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    @_reads_history
    def load(self, label: str) -> StoredWave:
        """The stored wave ``label`` (its measurement equal to the one stored), with the units of every
        stored wave (``history_units``) and its input files (``inputs``: role, path, sha256), each
        where it is now (:meth:`_input_path`)."""
        row = self._db.execute("SELECT id, stored_at, ona_version, summary, parameters FROM wave WHERE label = ?",
                               (str(label),)).fetchone()
        if row is None:
            known = ", ".join(repr(x) for x in self.labels()) or "none"
            raise OnaError(f"{self.path.name}: has no wave {label!r}; stored waves: {known}")
        wave_id, stored_at, version, summary, parameters = row
        frames = {name: _frame_from_json(payload) for name, payload in
                  self._db.execute("SELECT name, payload FROM frame WHERE wave_id = ?", (wave_id,))}
        extra = {name.split(":", 1)[1]: frame for name, frame in frames.items() if name.startswith("extra:")}
        measurement = Measurement(people=frames["people"], units=frames["units"], unit_pairs=frames["unit_pairs"],
                                  summary=json.loads(summary), parameters=json.loads(parameters), extra=extra)
        relative = "from_history" if self.schema_version >= 2 else "NULL"  # (a file not brought up to date: read only)
        inputs = pd.DataFrame([(role, self._input_path(path, from_history), sha256) for role, path, sha256, from_history
                               in self._db.execute(f"SELECT role, path, sha256, {relative} FROM input_file "
                                                   "WHERE wave_id = ?", (wave_id,))],
                              columns=["role", "path", "sha256"])
        return StoredWave(label=str(label), stored_at=stored_at, ona_version=version, measurement=measurement,
                          edges=frames["edges"], inputs=inputs, history_units=frozenset(self.unit_names()))

    def _input_path(self, stored: str, from_history: str | None) -> str:
        """Where a stored input file is now: at its path relative to the history's folder (a project
        folder moved or copied whole, its history with it), unless only the absolute path stored
        names a file; an input of a wave stored before ona kept that relative path (schema 1), as the
        run named it (when relative: to the folder that run started in, which no history knows)."""
        if from_history is None:
            return stored
        beside = Path(os.path.normpath(self.path.absolute().parent / from_history))
        return str(beside) if beside.exists() or not Path(stored).exists() else stored


def _name(path: Path) -> str:
    """How messages name a history file: its name, or the path as given when it has none (".")."""
    return path.name or str(path)


# How a refusal to write a history that another program is writing says what to do.
_LOCKED = ("is being written by another program (SQLite: database is locked); wait until it is done, or close the "
           "program that has it open, and run again")


def _begin_writing(db: sqlite3.Connection, path: Path) -> None:
    """Begin a write transaction (``BEGIN IMMEDIATE``: the write lock, taken at once), or raise an
    OnaError when another connection holds the lock beyond SQLite's wait (5 seconds)."""
    try:
        db.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if "locked" not in str(exc) and "busy" not in str(exc):
            raise
        raise OnaError(f"{_name(path)}: {_LOCKED}") from None


def _check_location(path: Path, *, for_storing: bool) -> bool:
    """Raise unless ``path`` can hold a history file: not a folder; a missing file only when storing,
    and then in a folder that exists (no folder is created); when storing, a place that can be
    written (:func:`_check_writable`). True when the file is missing or empty."""
    if path.is_dir():
        raise OnaError(f"{_name(path)}: is a folder; the history is a file, such as ona-history.db")
    if not path.exists():
        if not for_storing:
            raise OnaError(f"{_name(path)}: no such history file")
        if path.parent.exists() and not path.parent.is_dir():
            raise OnaError(f"{_name(path)}: cannot be created: {path.parent} is a file, not a folder; "
                           "choose another history file")
        if not path.parent.is_dir():
            raise OnaError(f"{_name(path)}: cannot be created: its folder {path.parent} does not exist; "
                           "create the folder or choose another history file")
    if for_storing:
        _check_writable(path)
    return not path.exists() or path.stat().st_size == 0


def _check_writable(path: Path) -> None:
    """Raise unless a wave can be written to the history at ``path`` (a missing file is created):
    the file, when it exists, and its folder are writable (SQLite writes its rollback journal,
    ``<name>-journal``, beside the file while it stores a wave; sqlite.org/tempfiles.html), and
    nothing but a file has the journal's name. The operating system says what is writable
    (``os.access``): a read-only file, folder or file system; root may write to any file or folder."""
    folder = path.parent
    if path.exists() and not os.access(path, os.W_OK):
        raise OnaError(f"{_name(path)}: cannot be written: the file is read-only; make it writable or choose "
                       "another history file")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OnaError(f"{_name(path)}: cannot be {'written' if path.exists() else 'created'}: its folder {folder} "
                       "is read-only (a history is written with a journal file beside it); choose a folder you can "
                       "write to")
    journal = path.with_name(path.name + "-journal")
    if journal.exists() and not journal.is_file():
        raise OnaError(f"{_name(path)}: cannot be written: {journal.name} beside it is a folder, the name SQLite "
                       "gives its journal file; move that folder or choose another history file")


def check_storable(path: str | Path, label: str, *, replace: bool = False) -> None:
    """Raise unless wave ``label`` can be stored in the history at ``path``: the checks of storing
    (see :class:`History`), unless ``replace`` that the label is not stored yet, and that no other
    program is writing the history (its write lock is free), and that SQLite finds the file sound
    (a damaged file is the ``bad-history`` error). Made before a long run, so that nothing is written
    when the wave cannot be stored; nothing is written here."""
    path = Path(path)
    if _check_location(path, for_storing=True):
        return
    with History(path, read_only=True) as history:
        if not replace and str(label) in history.labels():
            raise OnaError(f"{path.name}: wave {label!r} is already stored; {_REPLACE}")
        history._check_intact()
    db = sqlite3.connect(path, isolation_level=None)
    try:  # the write lock, taken and given back at once: nothing is written
        _begin_writing(db, path)
        db.execute("ROLLBACK")
    except sqlite3.DatabaseError as exc:
        raise _damaged(path, exc) from None
    finally:
        db.close()


def open_history(path: str | Path, *, read_only: bool = False) -> History:
    """Open the history file at ``path`` (a str or path, such as ``"ona-history.db"``): to read only,
    or to store waves in (created if missing)."""
    check_type(path, (str, os.PathLike), "open_history(path): pass the history file's path, such as "
               "\"ona-history.db\"")
    return History(path, read_only=read_only)
