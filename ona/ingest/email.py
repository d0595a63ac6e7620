"""Email metadata to a weighted person network: message logs, mail archives, Microsoft 365 message
traces, Viva Insights and Graph Data Connect exports, aggregated out of core by DuckDB on this
machine or by Spark where the logs live (:mod:`ona.ingest.engines`).

Every format is first read into one shape, *recipient rows*: one row per (message, recipient) with
``msg`` (the message key), ``sender``, ``recipient``, ``kind`` (``to``/``cc``), ``sent_at``,
``status`` and ``score`` (1, or a Viva Insights tie score). The aggregation rules are then written
once, as SQL over that shape (:func:`aggregation_sql`); see docs/email.md for the rules. Message
bodies and subjects are never read into it: every reader selects header fields only.

No Python loop runs over the rows of a CSV, JSON or Parquet log; mbox archives are parsed header by
header (Python's ``email`` parser) into batches that the engine then aggregates like any other log.
"""

from __future__ import annotations

import hashlib
import hmac
import mailbox
import re
import tempfile
from dataclasses import dataclass, field, replace
from typing import NamedTuple
from datetime import datetime, timezone
from email.header import decode_header, make_header
from email.parser import BytesHeaderParser
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path

import numpy as np
import pandas as pd

from .._progress import steps
from ..errors import InputError, OnaError, Problem
from ._tables import CELL_KINDS, EXCEL_SUFFIXES, Table, normalise_header, read_table
from .engines import (
    ENGINES,
    DuckDBEngine,
    _ident,
    _q,
    directory_kind,
    gzip_problem,
    header_line,
    inner_suffix,
    is_gzip,
    is_remote,
    java_cause,
    open_engine,
    open_export,
    read_start,
    spark_error_text,
    write_frame,
)
from .roster import Roster
from .ties import TieTable, constant_texts, texts_at

__all__ = ["EmailOptions", "EmailResult", "read_email", "detect_email_format", "aggregation_sql", "FORMATS",
           "DATE_ORDERS", "pseudonym", "AUTOMATED_PATTERNS"]

#: The orders of a numeric date's day and month (``--date-order``): 1/3/2025 is 1 March day first.
DATE_ORDERS = ("day-first", "month-first")
FORMATS = ("log", "mbox", "m365-trace", "m365-enhanced", "google-workspace", "viva-p2p", "viva-g2g",
           "graph-data-connect")
# Senders that are machines, not colleagues (matched on the normalised address).
AUTOMATED_PATTERNS = [r"^(no-?reply|do-?not-?reply|noreply)", r"^(mailer-daemon|postmaster|bounce)",
                      r"^(calendar|notification|notifications|alerts?|newsletter)[@+.-]", r"@calendar\.",
                      r"^(microsoftexchange|o365|sharepoint|teams)"]


def _in_python(flags: str) -> str:
    """How a message names the Python parameters of command-line options that are spelt alike:
    "--since/--until" -> "(since=/until= in Python)", the form every ingest message uses."""
    return "(" + re.sub(r"--([a-z-]+)", lambda m: m.group(1).replace("-", "_") + "=", flags) + " in Python)"


@dataclass
class EmailOptions:
    """The aggregation rules' settings (docs/email.md)."""

    external: str = "drop"              # drop | domain | keep
    max_recipients: int = 25            # messages to more distinct recipients are broadcasts
    weight: str = "per-message"         # per-message | split
    cc_weight: float = 1.0
    since: str | None = None            # ISO date or timestamp, inclusive
    until: str | None = None            # exclusive
    min_messages: int = 1
    reciprocal: bool = False
    exclude: tuple[str, ...] = ()       # extra sender patterns: regular expressions searched in the
    #                                     normalised address, case-insensitively (^ and $ anchor them)
    aliases: str | Path | None = None   # CSV: old address, roster id or address
    format: str | None = None           # forced format
    engine: str = "duckdb"              # where the rules run: duckdb (this machine) or spark
    date_order: str | None = None       # day-first | month-first: of numeric dates (1/3/2025); None: detected

    def check(self) -> None:
        if self.external not in ("drop", "domain", "keep"):
            raise ValueError("external must be drop, domain or keep")
        if self.weight not in ("per-message", "split"):
            raise ValueError("weight must be per-message or split")
        if self.engine not in ENGINES:
            raise ValueError(f"engine must be one of {', '.join(ENGINES)}")
        if self.date_order not in (None, *DATE_ORDERS):
            raise ValueError(f"date_order must be one of {', '.join(DATE_ORDERS)} (or None: detected)")
        if self.max_recipients < 1 or self.min_messages < 1 or self.cc_weight < 0:
            raise ValueError("max_recipients and min_messages must be 1 or more; cc_weight 0 or more")
        import datetime as dt

        for flag, value in (("--since", self.since), ("--until", self.until)):
            try:
                if value is not None:
                    dt.datetime.fromisoformat(str(value))
            except ValueError:
                raise OnaError(f"{flag} {value!r} {_in_python(flag)} is not a date; write it as YYYY-MM-DD "
                               "(or YYYY-MM-DD HH:MM:SS)") from None


@dataclass
class EmailResult:
    """The tie table (people named by roster id), what was left out and why, and where it ran."""

    ties: TieTable
    roster: Roster
    excluded: dict[str, int] = field(default_factory=dict)
    rows_read: int = 0                  # recipient rows read (rows of a Viva Insights export)
    kept_rows: int = 0                  # recipient rows in the tie table (after --min-messages, --reciprocal)
    messages_read: int = 0              # messages read (message keys; with an mbox, its skipped chats too)
    formats: tuple[str, ...] = ()
    unit_level: pd.DataFrame | None = None
    externals: dict[str, int] = field(default_factory=dict)
    engine: str = ""                    # where the aggregation ran, e.g. "DuckDB on this machine (2 threads)"
    pairs: int = 0                      # rows of the tie table (or of the unit table), also when written to a file
    warnings: tuple[Problem, ...] = ()  # what was read in a way the user should know (also in ties.warnings)


# --- Detecting the format -----------------------------------------------------------------------

def _starts_with(path: Path, prefix: bytes) -> bool:
    """Whether a local file starts with ``prefix`` (decompressed, for a gzip file)."""
    return read_start(path, len(prefix)) == prefix


def detect_email_format(path: str | Path) -> str:
    """The format of an email export, from its suffix and header row (see :data:`FORMATS`); a
    gzip-compressed export (``log.csv.gz``) by the suffix inside and its decompressed header. A path
    on a cluster (``abfss://`` ...) is told by its suffix only: JSON is Graph Data Connect, anything
    else a message log unless ``--email-format`` says otherwise."""
    if is_remote(path):
        return "graph-data-connect" if inner_suffix(path) in (".json", ".jsonl") else "log"
    path = Path(path)
    suffix = inner_suffix(path)
    if suffix in (".mbox", ".mbx") or (path.is_file() and _starts_with(path, b"From ")):
        return "mbox"
    if suffix in (".json", ".jsonl") or (path.is_dir() and directory_kind(path) == "json"):
        return "graph-data-connect"
    if suffix == ".parquet" or path.is_dir():
        return "graph-data-connect" if "torecipients" in _parquet_columns(path) else "log"
    if suffix in EXCEL_SUFFIXES:
        return _header_format(_excel_log(path).headers)
    if path.is_file() and _starts_with(path, b"{"):
        return "graph-data-connect"
    return _header_format(header_line(path)[0])


def _header_format(header: list[str]) -> str:
    """The format of a CSV or Excel export from its header row's cells."""
    keys = {normalise_header(h.strip()) for h in header}
    if {"primarycollaborator personid", "secondarycollaborator personid"} <= keys:
        return "viva-p2p"
    if {"primarycollaborator organization", "secondarycollaborator organization"} <= keys or \
            {"timeinvestors organization", "collaborators organization"} <= keys:
        return "viva-g2g"
    if "recipient status" in keys and ("network message id" in keys or "sender address" in keys):
        return "m365-enhanced"
    if {"senderaddress", "recipientaddress"} <= keys:
        return "m365-trace"
    if any(k in keys for k in ("event target", "event type", "message event")) and "message id" in keys:
        return "google-workspace"
    return "log"


def _excel_log(path: Path) -> Table:
    """The sheet of an Excel export (``.xlsx``: the Microsoft 365 message trace saved from Excel)
    as text, with each record's sheet row: the sheet and header row that hold the most email
    columns (:func:`ona.ingest._tables.read_table`), unless its sender or recipient column holds
    cells typed as something no address is (:func:`_typed_addresses`: a staff sheet whose From and
    To are employment dates, beside the log sheet): then the first other sheet that holds email
    columns and no such cell. When there is none, those cells are the error, by sheet, row and column."""
    table = read_table(path, wanted_headers=_EXCEL_HEADERS)
    problems = _typed_addresses(table)
    if not problems:
        return table
    import python_calamine

    for name in python_calamine.CalamineWorkbook.from_path(str(path)).sheet_names:
        if name == table.sheet:
            continue
        try:
            other = read_table(path, name, wanted_headers=_EXCEL_HEADERS)
        except InputError:
            continue
        if _address_columns(other) and not _typed_addresses(other):
            return other
    raise InputError(problems)


def _sheet_errors(table: Table, fmt: str) -> list[Problem]:
    """The ``excel-error`` problems of an Excel export read as ``fmt``: errors in the columns its
    reader takes (:data:`READ_COLUMNS`), warnings elsewhere."""
    if not table.cell_errors:
        return []
    used = (_find(table.headers, *words) for words in READ_COLUMNS.get(fmt, READ_COLUMNS["log"]).values())
    return table.error_problems([column for column in used if column is not None])


def _address_columns(table: Table) -> list[str]:
    """The columns of a sheet the readers take addresses from: its sender, recipient and Cc columns
    (found as :func:`_log_sql` finds them)."""
    found = (_find(table.headers, *ALIASES_EMAIL[field]) for field in ("sender", "to", "cc"))
    return [column for column in found if column is not None]


def _typed_addresses(table: Table, limit: int = 20) -> list[Problem]:
    """The cells of a sheet's address columns (:func:`_address_columns`) that Excel holds as a date
    or time or as TRUE/FALSE, or as a number in a column that holds addresses (one with an ``@``; a
    log that names people by their roster number holds numbers): no address is one, so the cell is
    an error (``not-an-address``), the first ``limit`` of a column by row, then how many more."""
    problems = []
    for column in _address_columns(table):
        kinds = table.kinds.get(column)
        if kinds is None:
            continue
        wrong = kinds >= 2
        if (kinds == 1).any() and table.frame[column].astype(str).str.contains("@", regex=False).any():
            wrong |= kinds == 1
        at = np.flatnonzero(wrong)
        for i in at[:limit]:
            problems.append(table.problem("not-an-address", f"holds {CELL_KINDS[kinds[i]]} where an email address "
                                          "belongs; type the address, or check that this is the message log",
                                          row=int(table.rows[i]), column=column))
        if len(at) > limit:
            problems.append(table.problem("not-an-address", f"{len(at) - limit} more rows hold a cell that is not "
                                          "an email address", column=column))
    return sorted(problems, key=lambda p: (p.row is None, p.row or 0))


def _sheet_texts(table: Table):
    """A sheet's cells as an Arrow table of text columns (a blank cell is NULL, as in a CSV log),
    for the engine to read as it reads a CSV log."""
    import pyarrow as pa
    import pyarrow.compute as pc

    columns = {}
    for name in table.headers:
        text = pa.array(table.frame[name].to_numpy(dtype=object), pa.string())
        columns[name] = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
    return pa.table(columns)


def _in_sheet(problem: Problem, table: Table | None) -> Problem:
    """A problem found in a sheet read as a table (rows numbered as in a CSV: header 1, records from
    2) with the sheet's own place: its name, the header's row, each record's sheet row."""
    if table is None:
        return problem
    row = problem.row
    if row is not None:
        row = table.header_row if row == 1 else int(table.rows[row - 2])
    return replace(problem, sheet=table.sheet, row=row)


def _parquet_columns(path: Path) -> set[str]:
    """The (lower-cased) columns of a Parquet file or directory, from its metadata only."""
    import duckdb

    glob = str(path / "**" / "*.parquet") if path.is_dir() else str(path)
    try:
        rows = duckdb.connect().execute(f"SELECT name FROM parquet_schema({_q(glob)})").fetchall()
    except duckdb.Error:
        return set()  # reported with its place when the engine reads it
    return {str(name).lower() for (name,) in rows}


def _source_kind(path: str, fmt: str) -> str:
    """How an engine reads the file: csv, parquet, or json (Graph Data Connect messages); a gzip
    file by the suffix inside (``log.csv.gz`` is csv)."""
    suffix = inner_suffix(path)
    if suffix in EXCEL_SUFFIXES and not is_remote(path):
        return "sheet"
    if suffix == ".parquet" or (not is_remote(path) and Path(path).is_dir() and directory_kind(Path(path)) ==
                                "parquet") or (is_remote(path) and fmt != "graph-data-connect" and
                                               suffix not in (".csv", ".tsv", ".txt")):
        return "parquet"
    return "json" if fmt == "graph-data-connect" else "csv"


# --- Readers: each returns SQL producing recipient rows ------------------------------------------


def _find(columns: list[str], *candidates: str) -> str | None:
    keyed = {normalise_header(c): c for c in columns}
    for cand in candidates:
        if cand in keyed:
            return keyed[cand]
    return None


def _duckdb_problem(exc: Exception, path: Path) -> Problem:
    """A DuckDB read error as a Problem naming the file (and its row or column where known), with a
    stable code and the fix; DuckDB's own text never reaches the user (it quotes the offending row,
    and names DuckDB's internals). The file itself is looked at first, on this error path only: an
    empty CSV, a header that names a column twice, a Parquet column of lists or records, a folder
    with no export in it; then the line DuckDB names."""
    text = str(exc)
    found = _file_problem(Path(path)) if not is_remote(path) else None
    if found is not None:
        return found
    if is_gzip(path) and "GZIP" in text:  # "Unexpected end of GZIP stream", "Input is not a GZIP stream"
        return gzip_problem(path)
    line = re.search(r"Line: (\d+)", text)
    row = int(line.group(1)) if line else None
    columns = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", text)
    if columns:
        others = [r for r in _rows_of_another_width(path, int(columns.group(1))) if r != row]
        also = f" (also row{'s' if len(others) > 1 else ''} {', '.join(map(str, others))})" if others else ""
        return Problem("bad-row", f"the row has {columns.group(2)} cells but the header has {columns.group(1)}; "
                       f"fix the row or the delimiter{also}", path=str(path), row=row)
    longest = re.search(r"Maximum line size of (\d+) bytes", text)
    if longest:
        return Problem("line-too-long", f"the row is longer than {int(longest.group(1)) / 2**20:g} MB, or a quote in it "
                       "is never closed (a \" with no closing \") so the rows after it run together; close the quote, "
                       "or export the log with one row per recipient", path=str(path), row=row)
    if "unterminated quote" in text:
        return Problem("unterminated-quote", "a quoted cell is never closed (a \" with no closing \"); close the "
                       "quote or export the file again", path=str(path), row=row)
    if "Invalid unicode" in text or "not utf-8" in text.lower():  # (its first 64 KB were: see engines.header_line)
        return Problem("bad-encoding", "the row is not UTF-8 text, though the file's first lines are; save the "
                       "file again as CSV UTF-8 (in Excel: Save As, CSV UTF-8)", path=str(path), row=row)
    if row is not None:
        return Problem("bad-csv", "cannot be read as CSV from this row on; check its quotes, delimiter and "
                       "encoding", path=str(path), row=row)
    return Problem("bad-email-file", "cannot be read as an email export; export it as CSV (UTF-8 or UTF-16), "
                   "Parquet or JSON lines", path=str(path))


def _rows_of_another_width(path: Path, width: int, limit: int = 20) -> list[int]:
    """The first ``limit`` rows (the header is row 1) of a local CSV whose number of cells is not
    ``width``, so that one error names them all: the engine stops at the first. Read as a stream, on
    this error path only; the delimiter is the one the header line holds most of."""
    import csv

    if is_remote(path) or not path.is_file():
        return []
    encoding = header_line(path)[2]  # (UTF-16 with or without a byte-order mark, Windows-1252 or UTF-8)
    encoding = "utf-8-sig" if encoding == "utf-8" else encoding
    found: list[int] = []
    with open_export(path, "r", encoding=encoding, errors="replace", newline="") as text:
        header = text.readline()
        delimiter = max(",;\t|", key=header.count)
        text.seek(0)
        reader = csv.reader(text, delimiter=delimiter)
        line = 1
        for record in reader:
            if len(record) != width and any(cell.strip() for cell in record):
                found.append(line)
                if len(found) == limit:
                    break
            line = reader.line_num + 1
    return found


def _file_problem(path: Path) -> Problem | None:
    """What makes a local export unreadable that its header or schema shows, or None: an empty CSV
    (``empty-file``), a CSV header naming a column twice, in any case (``duplicate-column``: DuckDB,
    like SQL, does not tell ``Date`` from ``date``), an address, time or message-id column of lists
    or records in Parquet (``nested-column``), or a folder without Parquet or JSON files
    (``no-email-files``)."""
    import duckdb

    if path.is_dir():
        if not any(p.suffix.lower() == ".parquet" or inner_suffix(p) in (".json", ".jsonl") for p in path.rglob("*")):
            return Problem("no-email-files", "holds no .parquet, .json or .jsonl files (a folder is read as "
                           "Parquet or JSON lines); name CSV files themselves (mail/*.csv)", path=str(path))
        return None
    if not path.is_file():
        return None
    if _source_kind(path, "log") == "csv" and not _starts_with(path, b"{"):
        names = [n.strip() for n in header_line(path)[0]]
        if not any(names):
            return Problem("empty-file", "is empty: an email log needs a header row (From, To, ...) and its rows",
                           path=str(path), row=1)
        seen: dict[str, str] = {}
        for name in names:
            if name and name.lower() in seen:
                return Problem("duplicate-column", "the header names this column twice; rename or remove one",
                               path=str(path), row=1, column=name)
            seen[name.lower()] = name
        return None
    if _source_kind(path, "log") == "parquet":
        try:
            schema = duckdb.connect().execute(f"DESCRIBE SELECT * FROM read_parquet({_q(str(path))})").fetchall()
        except duckdb.Error:
            return None
        fields = {w for words in ALIASES_EMAIL.values() for w in words}
        for name, kind, *_ in schema:
            if normalise_header(name) in fields and (kind.endswith("]") or kind.startswith(("STRUCT", "MAP"))):
                return Problem("nested-column", "holds lists or records; ona reads this column as text (one "
                               "address, or addresses separated by ;): write it as text", path=str(path),
                               column=name)
    return None


def _time_formats(day_first: bool = False) -> list[str]:
    """The strptime formats of the times that are not ISO 8601: numeric dates with ``/`` or ``-``
    month first (US m/d/Y, as the Microsoft 365 classic trace writes it) or, with ``day_first``,
    day first; with or without a time of day (24-hour, or 12-hour with AM/PM); and d.m.Y."""
    numeric = ["%d/%m/%Y", "%d-%m-%Y"] if day_first else ["%m/%d/%Y", "%m-%d-%Y"]
    clocks = [" %I:%M:%S %p", " %I:%M %p", " %H:%M:%S", " %H:%M"]
    return ([d + c for d in numeric for c in clocks] + ["%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M"] + numeric +
            ["%d.%m.%Y"])


def _time_sql(col: str, day_first: bool = False) -> str:
    """A time cell as UTC: ISO 8601 with or without a zone (offsets converted, the session runs in
    UTC), else a numeric date (month first, or day first with ``day_first``: :func:`_date_order`
    decides it for a column) [h:m[:s] [AM/PM]], else d.m.Y.
    The common case, ``YYYY-MM-DD HH:MM:SS`` with no zone, is one plain cast (three times faster
    than the general path on ten million rows); the zone path runs only for text that ends in a zone."""
    v = f"CAST({col} AS VARCHAR)"
    x = f"nullif(trim({v}), '')"
    formats = ", ".join(_q(f) for f in _time_formats(day_first))
    # Every numeric offset form (+01:00, +0100, +01, -05:00, -0500, -05) is converted, and Z, UTC and
    # GMT; any other zone name (CET, EST, Europe/Oslo: ambiguous, and CET is +1 or +2 by the season)
    # makes the time unreadable, so the row is refused by name, row and column, never read as UTC.
    zoned = (f"({x} LIKE '%Z' OR {x} LIKE '%UTC' OR {x} LIKE '%GMT' "
             f"OR regexp_matches({x}, ':[0-9][0-9]([.][0-9]+)? ?[+-][0-9][0-9](:?[0-9][0-9])?$'))")
    named = f"(regexp_matches({x}, '[0-9] ?[A-Za-z][A-Za-z/_+-]*$') AND NOT regexp_matches({x}, '[0-9] ?[AaPp][Mm]$'))"
    # (An offset after a space, "00:30:00 +0100", is cast without the space: the engines refuse it.)
    offset = f"replace(replace({x}, ' +', '+'), ' -', '-')"
    return (f"CASE WHEN {v} LIKE '____-__-__ __:__:__' THEN TRY_CAST({v} AS TIMESTAMP) ELSE "
            f"coalesce(CASE WHEN {zoned} THEN TRY_CAST(TRY_CAST({offset} AS TIMESTAMPTZ) AS TIMESTAMP) "
            f"WHEN {named} THEN NULL::TIMESTAMP "
            f"ELSE TRY_CAST({x} AS TIMESTAMP) END, CASE WHEN NOT {named} THEN TRY_STRPTIME({x}, [{formats}]) END) END")


def _blank_sql(col: str) -> str:
    """True where a cell is NULL, empty or only white space (as ``trim`` removes it: DuckDB's also
    removes Unicode spaces); trims only the cells that start with a space or a non-ASCII character."""
    v = f"CAST({col} AS VARCHAR)"
    return (f"(CASE WHEN {v} IS NULL OR {v} = '' THEN true WHEN ascii({v}) = 32 OR ascii({v}) > 127 "
            f"THEN trim({v}) = '' ELSE false END)")


def _row_checks(sender: str | None, when: str | None, parsed: str | None = None,
                day_first: bool = False, date_order: str | None = None) -> list[tuple[str, str, str, str]]:
    """Malformed rows of a log: a blank sender (``sender`` given: hand-made logs; traces may hold
    null-sender bounces), a numeric date whose month field is above 12 in the ``date_order`` given
    (``date-order``: 13/03/2025 month first), or another time that is not a time (read day first
    with ``day_first``): (code, SQL condition, column, message). Each condition looks at the cell's
    text only where the cheap test leaves a doubt (the time did not parse)."""
    checks = []
    if when:
        time_sql = parsed or _time_sql(_ident(when), day_first)
        unreadable = f"NOT {_blank_sql(_ident(when))}"
        if date_order:
            month, other, written = (1, "day-first", "month/day/year") if date_order == "month-first" else \
                (2, "month-first", "day/month/year")
            contradicts = (f"coalesce(TRY_CAST(regexp_extract(CAST({_ident(when)} AS VARCHAR), {_q(_NUMERIC_DATE)}, "
                           f"{month}) AS INTEGER) > 12, false)")
            checks.append(("date-order", f"(CASE WHEN {time_sql} IS NOT NULL THEN false ELSE {contradicts} END)", when,
                           f"a number above 12 stands where the month is in the date order given ({date_order}: "
                           f"{written}); give the order the export uses ({other}), or write the dates as YYYY-MM-DD"))
            unreadable += f" AND NOT {contradicts}"
        checks.append(("bad-timestamp", f"(CASE WHEN {time_sql} IS NOT NULL THEN false ELSE {unreadable} END)", when,
                       "is not a date and time ona can read; write ISO 8601 (2024-03-01T09:30:00) or m/d/Y H:M:S"))
    if sender is not None:
        checks.append(("blank-sender", _blank_sql(_ident(sender)), sender,
                       "the sender is blank; every message needs one"))
    return checks


def _numeric_date_marker(when: str) -> tuple[str, str, str, str]:
    """The row check (as :func:`_row_checks` gives them) that marks a numeric date (1/3/2025) in a
    time column whose first rows held none (``numeric-date``), so no order was decided for it:
    :func:`_aggregate` then reads the exports again, deciding from the whole columns. The cheap
    test passes over the common form, ``YYYY-MM-DD HH:MM:SS``."""
    v = f"CAST({_ident(when)} AS VARCHAR)"
    return ("numeric-date", f"(CASE WHEN {v} LIKE '____-__-__ __:__:__' THEN false "
                            f"ELSE coalesce(regexp_matches({v}, {_q(_NUMERIC_DATE)}), false) END)", when, "")


#: Reasons that mark malformed rows in the one aggregation pass; found rows stop the run.
MALFORMED = ("date-order", "bad-timestamp", "blank-sender")


def _malformed_sql(checks) -> str:
    """SQL that marks a malformed row in its ``status`` (``ona:<code>``), so the aggregation counts
    malformed rows in its one pass and no sound file pays for a second scan."""
    if not checks:
        return "NULL"
    return "CASE " + " ".join(f"WHEN {cond} THEN 'ona:{code}'" for code, cond, _, _ in checks) + " END"


def _malformed_rows(engine, source: str, path: Path, checks, first_row: int = 2, limit: int = 20) -> list[Problem]:
    """The rows (file order; ``first_row``: 2 below a header row, 1 in JSON lines) of the malformed
    rows of one source; run only after the aggregation found some."""
    problems = []
    with engine.in_file_order():
        numbered = f"(SELECT row_number() OVER () + {first_row - 1} AS ona_row, * FROM {source})"
        for code, cond, column, message in checks:
            rows = engine.rows(f"SELECT ona_row, count(*) OVER () FROM {numbered} WHERE {cond} "
                               f"ORDER BY ona_row LIMIT {limit}")
            problems += [Problem(code, message, path=str(path), row=int(r), column=column) for r, _ in rows]
            if rows and rows[0][1] > limit:
                problems.append(Problem(code, f"{rows[0][1] - limit} more rows have the same problem",
                                        path=str(path), column=column))
    return sorted(problems, key=lambda p: p.row or 0)


_ADDRESS_LIST = r"""CASE WHEN {col} LIKE '%@%'
        THEN regexp_extract_all(lower({col}), '[a-z0-9._%+''&=!#$*/?^`{{|}}~-]+@[a-z0-9.-]+')
        ELSE string_split_regex(trim({col}), '\s*[;,]\s*') END"""


@dataclass
class _Reading:
    """What :func:`_aggregate` tells the readers of one run, and what they tell it back.

    ``window``: the time-window options given (``--since``, ``--until`` or both), or "".
    ``date_order``: the order of numeric dates given (``--date-order``), or None: each time column's
    own (:func:`_date_order`).
    ``whole_columns``: the readers tell lists and display names in recipient cells from the whole
    columns (the second reading, see :func:`_aggregate`) instead of their first rows. The readers
    add their malformed-row ``checks`` ((source, path, checks, first row) for
    :func:`_malformed_rows`) and ``warnings``, and say whether one of them took the recipient cells
    for single addresses (``assumed_single``) or for lists without display names
    (``assumed_plain``) from its first rows alone."""

    window: str = ""
    date_order: str | None = None
    whole_columns: bool = False
    checks: list = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    assumed_single: bool = False
    assumed_plain: bool = False


#: The first rows of a log that tell how its cells are written (lists, display names, numeric
#: dates); what they cannot show is checked against the whole file (:func:`_aggregate`,
#: :func:`_date_order`).
_FIRST_ROWS = 5000
#: A numeric date with the year last: 1/3/2025, 01-03-2025 (month or day first: :func:`_date_order`).
_NUMERIC_DATE = r"^\s*([0-9]{1,2})[/-]([0-9]{1,2})[/-][0-9]{4}"


def _cell_layout(engine, source: str, to: str, cc: str | None, when: str | None,
                 whole: bool) -> tuple[bool, bool, bool]:
    """Whether To cells hold lists (``;`` or ``,``), whether To or Cc cells hold display names
    (``<`` or ``"``), and whether time cells hold numeric dates (:data:`_NUMERIC_DATE`): from the
    first :data:`_FIRST_ROWS` rows, or with ``whole`` from the whole columns. One query."""
    cc_text = f"coalesce(CAST({_ident(cc)} AS VARCHAR), '')" if cc else "''"
    when_text = f"CAST({_ident(when)} AS VARCHAR)" if when else "CAST(NULL AS VARCHAR)"
    limit = "" if whole else f" LIMIT {_FIRST_ROWS}"
    return tuple(bool(flag) for flag in engine.rows(f"""
        SELECT coalesce(bool_or(contains(t, ';') OR contains(t, ',')), false),
               coalesce(bool_or(contains(t, '<') OR contains(t, '"') OR contains(c, '<') OR contains(c, '"')), false),
               coalesce(bool_or(regexp_matches(d, {_q(_NUMERIC_DATE)})), false)
        FROM (SELECT CAST({_ident(to)} AS VARCHAR) AS t, {cc_text} AS c, {when_text} AS d FROM {source}{limit})""")[0])


def _date_order(engine, source: str, path: Path, when: str, warnings: list[Problem]) -> bool:
    """Whether the numeric dates of a time column are day first, decided once for the whole column
    (one query over it, run only for a column whose first rows hold numeric dates): day first when
    some date's first field is above 12 and no date's second field is; else month first (US m/d/Y,
    as the Microsoft 365 classic trace writes it). A column in which no field is above 12 cannot
    show its order: it is read month first with a warning. (A column with fields above 12 in both
    places is read month first, and its day-first dates are refused as unreadable, by row.)"""
    pattern = _q(_NUMERIC_DATE)
    first, second = engine.rows(f"""
        SELECT coalesce(max(CAST(regexp_extract(d, {pattern}, 1) AS INTEGER)), 0),
               coalesce(max(CAST(regexp_extract(d, {pattern}, 2) AS INTEGER)), 0)
        FROM (SELECT CAST({_ident(when)} AS VARCHAR) AS d FROM {source}) WHERE regexp_matches(d, {pattern})""")[0]
    if first > 12 and second <= 12:
        return True
    if first <= 12 and second <= 12:
        from ._dates import AMBIGUOUS_DATES

        warnings.append(Problem("ambiguous-dates", AMBIGUOUS_DATES, path=str(path), column=when, severity="warning"))
    return False


def _no_time_column(path, window: str, headers) -> Problem:
    """The error for a time window asked of an export with no time column."""
    return Problem("no-time-column", f"has no time column, so {window} cannot apply; a column is read as the time "
                   f"when its header is one of: {', '.join(headers)}; rename it, or leave out {window} "
                   f"{_in_python(window)}",
                   path=str(path), row=1)


def _log_sql(engine, source: str, path: Path, fmt: str = "log", reading: _Reading | None = None) -> str:
    """Recipient rows of a message log (or classic trace, or Google Workspace log): one row per
    recipient, or per message with lists of recipients in its cells. Whether To cells hold lists,
    and whether recipient cells hold display names, is told from the first rows (or, in the second
    reading, the whole columns: ``reading.whole_columns``); :func:`_aggregate` checks it against
    every recipient as written. Numeric dates are read in the order :func:`_date_order` decides."""
    reading = reading or _Reading()
    cols = engine.columns(source)
    sender = _find(cols, *ALIASES_EMAIL["sender"])
    to = _find(cols, *ALIASES_EMAIL["to"])
    if sender is None or to is None:
        below = _header_row_below(path)
        if below is not None:
            raise InputError([Problem("email-columns", f"the first row is not the header: row {below} holds the sender "
                                      f"and recipient columns; delete the {below - 1} row{'s' if below > 2 else ''} "
                                      "above it, so that the header is the first row", path=str(path), row=1)])
        raise InputError([Problem("email-columns", "has no sender and recipient columns (e.g. From and To, or "
                                  "sender and recipient); name them or pass --email-format (format= in Python)",
                                  path=str(path), row=1)])
    cc = _find(cols, *ALIASES_EMAIL["cc"])
    when = _find(cols, *ALIASES_EMAIL["time"])
    if when is None and reading.window:
        raise InputError([_no_time_column(path, reading.window, ALIASES_EMAIL["time"])])
    msg = _find(cols, *ALIASES_EMAIL["message_id"])
    status = _find(cols, *READ_COLUMNS["log"]["status"])
    kind_col = _find(cols, *READ_COLUMNS["log"]["kind"])
    lists, display_names, numeric_dates = _cell_layout(engine, source, to, cc, when, reading.whole_columns)
    per_recipient = not lists
    if not reading.whole_columns:
        reading.assumed_single |= per_recipient
        reading.assumed_plain |= not display_names
    if reading.date_order:  # given: it decides, and a date it cannot be is refused by row
        day_first = reading.date_order == "day-first"
    else:
        day_first = _date_order(engine, source, path, when, reading.warnings) if numeric_dates else False
    # The message key: the message id (a blank id is none); else sender + time where each row is one
    # recipient; else the row.
    by_time = f"coalesce({_ident(sender)}, '') || '|' || coalesce(CAST({_ident(when)} AS VARCHAR), '')" if when \
        else None
    if when and not msg:
        key = by_time if per_recipient else "CAST(src_row AS VARCHAR)"
    elif msg:  # a blank message id is no id: sender + time, else the row (marked: no real id equals it)
        key = (f"CASE WHEN {_blank_sql(_ident(msg))} THEN 'ona-no-id|' || {by_time or 'CAST(src_row AS VARCHAR)'} "
               f"ELSE CAST({_ident(msg)} AS VARCHAR) END")
    else:
        key = "CAST(src_row AS VARCHAR)"
    kind = f"CASE WHEN lower(CAST({_ident(kind_col)} AS VARCHAR)) LIKE 'cc%' THEN 'cc' ELSE 'to' END" if kind_col \
        else "'to'"
    time_sql = "ona_sent_at" if when else "NULL::TIMESTAMP"
    found = _row_checks(sender if fmt == "log" else None, when, "ona_sent_at" if when else None,
                        date_order=reading.date_order)
    if when and not numeric_dates and not reading.date_order and not reading.whole_columns:
        found = [_numeric_date_marker(when), *found]
    if found:
        reading.checks.append((source, path, _row_checks(sender if fmt == "log" else None, when,
                                                         day_first=day_first, date_order=reading.date_order), 2))
    status_sql = f"coalesce({_malformed_sql(found)}, CAST({_ident(status)} AS VARCHAR))" if status \
        else f"{_malformed_sql(found)}::VARCHAR"
    # Row numbers only where they are the message key (they force an ordered, single-threaded scan).
    base = f"(SELECT *, row_number() OVER () + 1 AS src_row FROM {source})" if "src_row" in key else source
    if when:  # the time parsed once, for sent_at and for the malformed-row check
        base = f"(SELECT *, {_time_sql(_ident(when), day_first)} AS ona_sent_at FROM {base})"
    # Lists of plain addresses split on ; and , (fast); with display names ("Hansen, Mette" <...>),
    # every address in the cell is extracted instead.
    def address_list(col: str) -> str:
        if display_names:
            return f"unnest({_ADDRESS_LIST.format(col=col)})"
        # Without tabs or line breaks, a plain split (three times faster than the regular
        # expression): the spaces it leaves around an address go when the address is normalised.
        odd = " OR ".join(f"contains({col}, chr({c}))" for c in (9, 10, 12, 13))
        return (f"unnest(CASE WHEN {odd} THEN string_split_regex(trim({col}), '\\s*[;,]\\s*') "
                f"ELSE string_split(replace(replace(replace({col}, '; ', ';'), ', ', ';'), ',', ';'), ';') END)")

    to_sql = f"CAST({_ident(to)} AS VARCHAR)" if per_recipient else address_list(f"CAST({_ident(to)} AS VARCHAR)")
    parts = [f"""SELECT {key} AS msg, CAST({_ident(sender)} AS VARCHAR) AS sender, {to_sql} AS recipient,
                 {kind} AS kind, {time_sql} AS sent_at, {status_sql} AS status, 1.0 AS score FROM {base}"""]
    if cc:
        parts.append(f"""SELECT {key}, CAST({_ident(sender)} AS VARCHAR), {address_list(f'CAST({_ident(cc)} AS VARCHAR)')},
                 'cc', {time_sql}, {status_sql}, 1.0 FROM {base} WHERE {_ident(cc)} IS NOT NULL AND trim({_ident(cc)}) <> ''""")
    return " UNION ALL ".join(parts)


#: Header words (as :func:`normalise_header` folds them) for each field of a message log, in order
#: of preference. The Danish, Norwegian and Swedish words are Outlook's own (Fra/Til/Kopi, Från/Till/
#: Kopia). Google Workspace's Gmail log events (security investigation tool) name the author
#: "From (Header address)" and the delivery's sender "From (Envelope)"; the header address, the
#: author as the recipient saw it, is preferred, as Graph's ``from`` is. "Event target" comes last:
#: in an Email Log Search export it is the delivery target (SMTP_IN, GMAIL_INBOX ...), not an address
#: (https://support.google.com/a/answer/13828463), and "Recipient address" is taken before it.
ALIASES_EMAIL = {
    "sender": ("sender", "from", "sender address", "senderaddress", "from address", "sender email",
               "from (header address)", "from (envelope)", "afsender", "avsender", "avsändare", "fra", "från"),
    "to": ("recipient", "recipients", "to", "recipient address", "recipientaddress", "to address", "recipient email",
           "to (envelope)", "modtager", "modtagere", "mottaker", "mottakere", "mottagare",
           "til", "till", "event target"),
    "cc": ("cc", "cc recipients", "copy", "kopi", "kopia"),
    "time": ("timestamp", "date", "sent", "sent at", "time", "datetime", "received", "sent date", "origin timestamp utc",
             "eventdate", "event date", "date time", "dato", "date (utc)", "sent (utc)", "time (utc)", "sent on"),
    "message_id": ("message id", "messageid", "message-id", "internet message id", "network message id", "msg id",
                   "id of message"),
}


_ENHANCED_TIMES = ("origin timestamp utc", "origin timestamp", "received", "date")
#: The columns each format's reader takes from an export, each field as the header words it is
#: found by (:func:`_find`, the first that the export has): what a Microsoft 365 message trace,
#: a Google Workspace log or any other message log (``log``) is read from, and so on.
READ_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "log": {**ALIASES_EMAIL, "status": ("status", "delivery status", "event status"),
            "kind": ("kind", "recipient type", "type", "field")},
    "m365-enhanced": {"sender": ("sender address", "senderaddress"), "status": ("recipient status",),
                      "message_id": ("network message id", "message id"), "time": _ENHANCED_TIMES},
    "viva-g2g": {"from": ("primarycollaborator organization", "timeinvestors organization"),
                 "to": ("secondarycollaborator organization", "collaborators organization"),
                 "weight": ("group collaboration time invested", "collaboration hours", "group email sent count",
                            "email hours"),
                 "size": ("primarycollaborator groupsize", "timeinvestors groupsize"), "time": ("metricdate", "date")},
    "viva-p2p": {"from": ("primarycollaborator personid",), "to": ("secondarycollaborator personid",),
                 "weight": ("strong tie score", "collaboration hours", "email count", "emails sent",
                            "diverse tie score"),
                 "time": ("metricdate", "date")},
}
READ_COLUMNS["m365-trace"] = READ_COLUMNS["google-workspace"] = READ_COLUMNS["log"]
#: The header words an Excel export's header row is found by (a title row above it holds none):
#: each field of a message log, and the columns that tell the other formats (:func:`_excel_log`).
_EXCEL_HEADERS = [list(words) for words in ALIASES_EMAIL.values()] + [
    ["recipient status", "network message id"], ["primarycollaborator personid", "secondarycollaborator personid"],
    ["primarycollaborator organization", "timeinvestors organization"]]


def _header_row_below(path, lines: int = 20) -> int | None:
    """The row (from 2) of a local CSV log's first ``lines`` that holds a sender and a recipient
    column, when a title above it (a report name, the date it was run) made the first row no
    header; None when there is none, or the file is no local CSV. (An Excel export's header row is
    found wherever it is: :func:`_excel_log`.)"""
    if is_remote(path) or inner_suffix(path) in (*EXCEL_SUFFIXES, ".parquet") or not Path(path).is_file():
        return None
    from .engines import _cells

    try:
        encoding = header_line(Path(path))[2]
        with open_export(Path(path), "r", encoding=encoding, errors="replace", newline="") as text:
            for row, line in enumerate(text, start=1):
                cells = _cells(line.rstrip("\r\n"))[0]
                if row > 1 and _find(cells, *ALIASES_EMAIL["sender"]) and _find(cells, *ALIASES_EMAIL["to"]):
                    return row
                if row >= lines:
                    break
    except (OSError, InputError, ValueError):  # (unreadable here: the plain error stands)
        return None
    return None


def _enhanced_sql(engine, source: str, path: Path, reading: _Reading | None = None) -> str:
    """Recipient rows of a Microsoft 365 enhanced message trace: one row per message, its recipients
    and their delivery events in ``recipient_status`` (``address##events;...``)."""
    reading = reading or _Reading()
    cols = engine.columns(source)
    sender, status, msg, when = (_find(cols, *READ_COLUMNS["m365-enhanced"][field])
                                 for field in ("sender", "status", "message_id", "time"))
    if sender is None or status is None:
        raise InputError([Problem("email-columns", "is not a Microsoft 365 enhanced trace: no sender_address and "
                                  "recipient_status columns", path=str(path), row=1)])
    if when is None and reading.window:
        raise InputError([_no_time_column(path, reading.window, _ENHANCED_TIMES)])
    day_first = reading.date_order == "day-first"
    time_sql = _time_sql(_ident(when), day_first) if when else "NULL::TIMESTAMP"
    found = _row_checks(None, when, day_first=day_first, date_order=reading.date_order)
    if found:
        reading.checks.append((source, path, found, 2))
    # A row is a message; a blank message id is no id: the row's sender, time and recipients stand in.
    own = " || '|' || ".join(f"coalesce(CAST({_ident(c)} AS VARCHAR), '')" for c in (sender, when, status) if c)
    key = (f"CASE WHEN {_blank_sql(_ident(msg))} THEN 'ona-no-id|' || {own} ELSE CAST({_ident(msg)} AS VARCHAR) END"
           if msg else "CAST(src_row AS VARCHAR)")
    base = f"(SELECT *, row_number() OVER () + 1 AS src_row FROM {source})" if not msg else source
    return f"""SELECT msg, sender, split_part(item, '##', 1) AS recipient, 'to' AS kind, sent_at,
                      coalesce(bad, split_part(item, '##', 2)) AS status, 1.0 AS score
               FROM (SELECT {key} AS msg, CAST({_ident(sender)} AS VARCHAR) AS sender, {_malformed_sql(found)} AS bad,
                            unnest(string_split(CAST({_ident(status)} AS VARCHAR), ';')) AS item,
                            {time_sql} AS sent_at FROM {base})
               WHERE trim(item) <> ''"""


def _decode(value) -> str:
    if value is None:
        return ""
    try:
        return str(make_header(decode_header(str(value))))
    except Exception:  # malformed encoded words: keep the raw header
        return str(value)


def _mbox_time(header) -> datetime | None:
    """An mbox ``Date:`` header as a UTC time without zone, as a log's time is read: a numeric
    offset (and the zones RFC 5322 names: UT, GMT, EST ...) is converted; a time with no zone, or
    with ``-0000`` (RFC 5322: the zone is unknown), is UTC, on whatever machine ona runs; a zone
    name RFC 5322 does not define (``CET``: +1 or +2 by the season) makes the time unreadable
    (None), as does a header that is no date."""
    if not header:
        return None
    try:
        sent = parsedate_to_datetime(str(header))
    except (TypeError, ValueError, IndexError):
        return None
    if sent.tzinfo is None:  # no zone, -0000, or a zone name Python does not know
        written = re.sub(r"\([^)]*\)", " ", str(header)).strip()  # (without comments: "+0100 (CET)")
        if re.search(r"[A-Za-z]$", written):
            return None
        return sent
    return sent.astimezone(tz=timezone.utc).replace(tzinfo=None)


def _mbox_frame(path: Path, skip: dict[str, int]) -> pd.DataFrame:
    """Header fields of every message of an mbox archive; bodies and subjects are never kept."""
    parser = BytesHeaderParser()
    rows = []
    box = mailbox.mbox(str(path), factory=lambda f: parser.parse(f), create=False)
    for number, message in enumerate(box, start=1):
        if message is None:
            continue
        labels = (message.get("X-Gmail-Labels") or "").lower()
        if "chat" in [x.strip() for x in labels.split(",")]:
            skip["chat"] = skip.get("chat", 0) + 1
            continue
        sender = getaddresses([_decode(message.get("From"))])
        msg_id = (message.get("Message-ID") or f"{path.name}#{number}").strip()
        sent = _mbox_time(message.get("Date"))
        for kind, header in (("to", "To"), ("cc", "Cc")):
            for _, address in getaddresses([_decode(v) for v in message.get_all(header, [])]):
                rows.append((msg_id, sender[0][1] if sender else "", address, kind, sent, None, 1.0))
    return pd.DataFrame(rows, columns=["msg", "sender", "recipient", "kind", "sent_at", "status", "score"])


# --- The rules, written once -------------------------------------------------------------------

# Regular expressions only for the few addresses that need them (display names, mailto:, quotes).
_NORMALISE = """CASE WHEN contains({x}, '<') OR contains({x}, '"') OR contains({x}, '''') OR contains({x}, ':')
        THEN lower(trim(regexp_replace(regexp_replace(
             CASE WHEN {x} LIKE '%<%>%' THEN regexp_extract({x}, '<([^>]*)>', 1) ELSE {x} END,
             '(?i)^\\s*mailto:', ''), '["'']', '', 'g')))
        ELSE lower(trim({x})) END"""


#: Reasons a recipient row gets before its addresses are normalised, by their number in ``grouped``:
#: the malformed-row markers of the readers (``ona:<code>``) first, then delivery and time window
#: (``no-time``: a time window is asked and the row has no time, so it cannot be placed in it).
ROW_REASONS = (*MALFORMED, "numeric-date", "draft", "zero-score", "no-score", "not-delivered", "no-time", "outside-time-window")
#: Every reason a recipient row gets in the rules of a message, with its number (from 1): the
#: ROW_REASONS, then the two that need normalised addresses; the markers take precedence.
_REASON_NUMBER = {code: k for k, code in enumerate((*ROW_REASONS, "blank-address", "self-mail"), 1)}
_MARKERS = (*MALFORMED, "numeric-date", "draft", "zero-score", "no-score")


def grouped_rules(options: EmailOptions, salt: int = 0, scored: bool = False) -> str:
    """The first statement of the aggregation, the one pass over the recipient rows: each
    recipient of a message counted once, and every address as written, all by 64-bit hashes.

    One ``GROUP BY GROUPING SETS`` gives three kinds of rows: per (message, sender, recipient,
    row-level reason) the copies, whether any copy was To (only when ``--cc-weight`` is not 1)
    and the highest score (only when a source is ``scored``: Viva Insights tie scores); and the
    distinct senders and the distinct recipients as written (``raw``, with their hash in ``hs``
    or ``hr``), which :data:`ADDRESS_RULES` then normalises once each. Grouping and joining on
    numbers instead of text, in columns no wider than the rules need, is what keeps this one scan
    within the memory limit. ``salt`` changes the address hash, for the rare case (about one in 10**11
    for ten thousand addresses) of two with the same hash (:func:`_aggregate` checks it). The row-level reasons
    (:data:`ROW_REASONS`, by number) are known here; the ones that need normalised addresses
    (blank addresses, self-mail) come in the next statement, which keeps the order of
    docs/email.md."""
    window = []
    if options.since:
        window.append(f"sent_at < TIMESTAMP {_q(options.since)}")
    if options.until:
        window.append(f"sent_at >= TIMESTAMP {_q(options.until)}")
    outside = " OR ".join(window) or "false"
    undated = f"WHEN sent_at IS NULL THEN {_REASON_NUMBER['no-time']}" if window else ""
    marked = " ".join(f"WHEN {_q('ona:' + code)} THEN {_REASON_NUMBER[code]}" for code in _MARKERS)
    number = _REASON_NUMBER

    def hashed(col: str) -> str:
        return f"hash({col}, {salt})" if salt else f"hash({col})"

    extra = (", bool_or(kind = 'to') AS has_to" if options.cc_weight != 1 else "") + \
        (", max(score) AS score" if scored else "")
    return f"""
    WITH rows AS (
        SELECT hash(x.msg) AS msg, coalesce(x.sender, '') AS sender, coalesce(x.recipient, '') AS recipient,
               x.kind, CAST(x.score AS DOUBLE) AS score, x.sent_at,
               CASE WHEN x.status IS NULL THEN '' ELSE lower(trim(x.status)) END AS status
        FROM recipient_rows x),
    screened AS (
        SELECT msg, {hashed("sender")} AS hs, {hashed("recipient")} AS hr, sender, recipient, kind, score,
            CAST(CASE
            WHEN starts_with(status, 'ona:') THEN CASE status {marked} END
            WHEN status <> '' AND (NOT regexp_matches(status, 'deliver|expand|send|resolve|transfer')
                                   OR regexp_matches(status, 'fail|drop|quarantin|spam|reject'))
                THEN {number["not-delivered"]}
            {undated}
            WHEN {outside} THEN {number["outside-time-window"]}
            ELSE NULL END AS TINYINT) AS early
        FROM rows)
    SELECT msg, hs, hr, early, coalesce(sender, recipient) AS raw, CAST(count(*) AS INTEGER) AS copies{extra}
    FROM screened GROUP BY GROUPING SETS ((msg, hs, hr, early), (msg), (hs, sender), (hr, recipient))"""


#: The second statement, over ``grouped``: each distinct address as written (``h``: its hash)
#: normalised once, whether it is some row's recipient (``recipient``), and the normalised
#: addresses numbered (``id``).
ADDRESS_RULES = f"""
    SELECT h, raw, recipient, address, dense_rank() OVER (ORDER BY address) AS id
    FROM (SELECT h, raw, recipient, {_NORMALISE.format(x="raw")} AS address
          FROM (SELECT coalesce(hs, hr) AS h, raw, bool_or(hr IS NOT NULL) AS recipient
                FROM grouped WHERE raw IS NOT NULL GROUP BY coalesce(hs, hr), raw))"""
#: Over ``addresses``: whether a recipient as written holds a list separator (``;`` or ``,``),
#: and whether one holds a display name's ``<`` or ``"``: what a reader that judged its recipient
#: cells by their first rows would have missed (:func:`_aggregate`).
RECIPIENT_LAYOUT = """SELECT coalesce(bool_or(contains(raw, ';') OR contains(raw, ',')), false),
                             coalesce(bool_or(contains(raw, '<') OR contains(raw, '"')), false)
                      FROM addresses WHERE recipient"""

#: Over ``grouped``: the messages read (the rows of its per-message grouping set).
MESSAGES_READ = "SELECT count(*) AS messages FROM grouped WHERE hs IS NULL AND hr IS NULL AND raw IS NULL"
#: Over ``addresses``: whether two addresses share a hash.
ADDRESS_CHECK = "SELECT count(*) > count(DISTINCT h) FROM addresses"
#: Over ``addresses`` and ``identities``: the nodes written more than one way (two spellings of one
#: address, a person's two addresses, two of an outside domain's with ``--external domain``). Only
#: their recipients can be named twice in one message, so only they are grouped again.
SHARED_NODES = """SELECT i.who FROM addresses ad JOIN identities i ON i.id = ad.id
                  WHERE ad.address <> '' GROUP BY i.who HAVING count(*) > 1"""


def aggregation_sql(options: EmailOptions, automated: list[str], *, salt: int = 0, merged: bool = False,
                    scored: bool = False, one_address_a_node: bool = False) -> "AggregationSQL":
    """The aggregation rules as the six SQL statements of :class:`AggregationSQL`, in one pass over the
    recipient rows; each flag is what an earlier statement found.

    ``grouped`` (:func:`grouped_rules`) reads the rows once: it counts each recipient of a message
    once, counts the rows of each message and lists the addresses as written, all by hash (``salt``
    changes the address hash). ``addresses`` (:data:`ADDRESS_RULES`) normalises each distinct
    address once (ten million rows name a few thousand addresses) and numbers them. ``pairs``
    applies the rules of a message (blank addresses, self-mail, one count per recipient, broadcasts,
    weights) and sums by address pair: by hash pair, numbering the 3 million pairs afterwards
    instead of the 10 million recipients before; with ``merged`` (a node written more than one
    way: :data:`SHARED_NODES`, stored as ``shared``) it first groups the recipients of those
    nodes in a message again by the node they stand for (``identities.who``: the node's first
    address number). ``identities`` (which runs before
    ``pairs``) joins each normalised address to ``people`` (address -> person id), tests it against
    the automated-sender patterns and numbers its node once. Every count is a sum, so ``pairs`` also
    applies the rules of a person (self-mail by person, automated senders, externals) to the summed
    address pairs, in the join that names them, instead of to every recipient row; ``kept`` and
    ``reasons`` read it: ``kept`` is one row per kept node pair (``weight``, ``messages``; summed by
    node pair unless ``one_address_a_node``), ``reasons`` one row per reason (``rows`` = recipient
    rows left out) and one with reason NULL for what is kept (its ``messages``, ``duplicates`` and
    outside senders and recipients), so that ``kept`` is read only once when nothing filters it. The
    reasons keep the order of docs/email.md."""
    # Case-insensitive ((?i), in RE2 and Java alike): the address is lower case, a pattern may not be.
    auto = f"regexp_matches(n.address, {_q('(?i)' + '|'.join(f'(?:{p})' for p in automated))})" if automated \
        else "false"
    cc = float(options.cc_weight)
    split = options.weight == "split"
    external = _q(options.external)
    has_to, score = options.cc_weight != 1, scored
    carried = (", has_to" if has_to else "") + (", score" if score else "")
    # Only the recipients of the nodes in ``shared`` (SHARED_NODES) are grouped again.
    regroup = f"""
        SELECT * FROM recipients WHERE r NOT IN (SELECT who FROM shared)
        UNION ALL
        SELECT msg, s, r, early, sum(copies) AS copies{", bool_or(has_to) AS has_to" if has_to else ""}
               {", max(score) AS score" if score else ""}
        FROM recipients WHERE r IN (SELECT who FROM shared) GROUP BY msg, s, r, early""" if merged else \
        "SELECT * FROM recipients"
    # Reasons by number while the ten million rows are grouped (numbers group faster than text).
    number = _REASON_NUMBER
    marked = ", ".join(str(number[code]) for code in _MARKERS)
    named_reasons = " ".join(f"WHEN {k} THEN {_q(code)}" for code, k in number.items())
    weight = " * ".join([*(["d.score"] if score else []), *([f"(CASE WHEN d.has_to THEN 1.0 ELSE {cc} END)"]
                                                              if has_to else [])]) or "1.0"
    weight = f"{weight} / greatest(coalesce(z.recipients, 0), 1)" if split else weight
    # (a DOUBLE, as the weights of every other tie table: Spark keeps 1.0 / n a DECIMAL and would
    # write 0.2500000000000000000000)
    weight = weight if weight == "1.0" else f"CAST({weight} AS DOUBLE)"
    # A message with no more rows than --max-recipients cannot be a broadcast: only the others need
    # their recipients counted, unless --weight split divides by that count.
    may_be_broadcast = "" if split else f""" AND msg IN (
            SELECT msg FROM grouped WHERE hs IS NULL AND hr IS NULL AND raw IS NULL AND copies > {int(options.max_recipients)})"""
    # With one per message (no scores, no Cc weight, no split), a pair's weight is its count.
    summed_weight = "CAST(count(*) AS DOUBLE)" if weight == "1.0" else "sum(w)"
    # Per (message, recipient): the reasons that need normalised addresses; the rules of a message
    # (its size) read it only for the messages they judge.
    known = f"""CAST(CASE
            WHEN {{x}}.early IN ({marked}) THEN {{x}}.early
            WHEN a.address = '' OR b.address = '' THEN {number["blank-address"]}
            WHEN {{x}}.early IS NOT NULL THEN {{x}}.early
            WHEN a.id = b.id{{same_person}} THEN {number["self-mail"]}
            ELSE NULL END AS TINYINT)"""
    # A summed pair's ends: their person, whether the sender sends automated mail, their node.
    ends = "x.broadcast, x.w, x.messages, x.copies, a.person AS sp, b.person AS rp, a.automated, a.k AS sk, b.k AS rk"
    if merged:  # a message's recipients grouped again by the node they stand for (identities.who)
        rows, keys = "deduplicated", ("s", "r")
        named = f"""SELECT x.early, {ends}
        FROM summed x JOIN identities a ON a.id = x.s JOIN identities b ON b.id = x.r"""
    else:  # address hashes and numbers correspond: sum by hash, then name the (fewer) pairs
        rows, keys = "grouped", ("hs", "hr")
        named = f"""SELECT {known.format(x="x", same_person="")} AS early, {ends}
        FROM summed x JOIN nodes a ON a.h = x.hs JOIN nodes b ON b.h = x.hr"""
    recipient_rows = "WHERE d.raw IS NULL AND d.hs IS NOT NULL" if not merged else ""
    # (merged: a recipient is numbered by the node they stand for, so that one person's two
    # addresses, or two people of one outside domain, in one message count once, as one address's
    # two spellings do; mail to one's own other address is self-mail here, before the message's
    # recipients are counted)
    recipient_number, who = ("i.who", " JOIN identities i ON i.id = b.id JOIN identities si ON si.id = a.id") \
        if merged else ("b.id", "")
    same_person = " OR si.person = i.person" if merged else ""
    message_rules = f"""
    WITH recipients AS NOT MATERIALIZED (  -- the addresses by their number, and the reasons that need them
        SELECT g.msg, a.id AS s, {recipient_number} AS r, {known.format(x="g", same_person=same_person)} AS early,
               g.copies{carried}
        FROM grouped g JOIN addresses a ON a.h = g.hs JOIN addresses b ON b.h = g.hr{who}
        WHERE g.raw IS NULL AND g.hs IS NOT NULL),
    deduplicated AS NOT MATERIALIZED ({regroup}),
    sizes AS (  -- {"every message" if split else "the messages with more rows than a broadcast has recipients"}
        SELECT msg, count(*) AS recipients FROM deduplicated WHERE early IS NULL{may_be_broadcast} GROUP BY msg),
    flagged AS (  -- per recipient of a message: its weight, and whether the message is a broadcast
        SELECT d.{keys[0]}, d.{keys[1]}, d.early, d.copies,
               coalesce(z.recipients > {int(options.max_recipients)}, false) AS broadcast, {weight} AS w
        FROM {rows} d LEFT JOIN sizes z ON z.msg = d.msg {recipient_rows}),
    summed AS (
        SELECT {keys[0]}, {keys[1]}, early, broadcast, {summed_weight} AS w, count(*) AS messages,
               sum(copies) AS copies
        FROM flagged GROUP BY {keys[0]}, {keys[1]}, early, broadcast),
    nodes AS (  -- each address as written: its number, its normalised text and its person
        SELECT ad.h, ad.id, ad.address, i.person, i.automated, i.k FROM addresses ad JOIN identities i ON i.id = ad.id),
    named AS ({named})
    -- a kept recipient's rows beyond the first of its message are duplicates; then the rules of a
    -- person, in the order of docs/email.md
    SELECT w, messages,
           CAST(CASE WHEN early IS NULL THEN copies - messages ELSE 0 END AS BIGINT) AS duplicates,
           CAST(CASE WHEN early IS NULL THEN messages ELSE copies END AS BIGINT) AS rows,
           sp IS NULL AS source_external, rp IS NULL AS target_external, sk, rk, CASE
        WHEN early IS NOT NULL THEN CASE early {named_reasons} END
        WHEN sp IS NOT NULL AND sp = rp THEN 'self-mail'
        WHEN automated THEN 'automated-sender'
        WHEN broadcast THEN 'broadcast'
        WHEN (sp IS NULL OR rp IS NULL) AND {external} = 'drop' THEN 'external'
        ELSE NULL END AS reason
    FROM named"""
    identity_rules = f"""  -- each normalised address once: its person, whether it sends automated mail, its node
    WITH identities AS (
        SELECT n.id, pe.person, {auto} AS automated,
               coalesce(pe.person, CASE WHEN {external} = 'domain' THEN '@' || split_part(n.address, '@', 2)
                                        ELSE n.address END) AS node
        FROM (SELECT id, min(address) AS address FROM addresses GROUP BY id) n
        LEFT JOIN people pe ON pe.address = n.address)
    SELECT i.*, dense_rank() OVER (ORDER BY i.node) AS k, min(i.id) OVER (PARTITION BY i.node) AS who
    FROM identities i"""
    kept_columns = "sk AS source, rk AS target, {w} AS weight, {sum}(messages){to_int} AS messages, " \
        "{sum}(duplicates){to_int} AS duplicates, {any}(source_external) AS source_external, " \
        "{any}(target_external) AS target_external"
    if one_address_a_node:  # kept address pairs are node pairs already
        kept_rules = f"""
    SELECT {kept_columns.format(w="w", sum="", any="", to_int="")} FROM pairs WHERE reason IS NULL"""
    else:  # a person with two addresses (or an outside domain) is one node: sum by node pair
        kept_rules = f"""
    SELECT {kept_columns.format(w="sum(w)", sum="sum", any="bool_or", to_int="::BIGINT")}
    FROM pairs WHERE reason IS NULL GROUP BY sk, rk"""
    # (a sum of BIGINT is a 128-bit decimal, which pandas would hold as Python objects)
    reason_rules = """
    SELECT reason, CAST(sum(rows) AS BIGINT) AS rows, CAST(sum(duplicates) AS BIGINT) AS duplicates,
           CAST(sum(messages) AS BIGINT) AS messages,
           count(DISTINCT CASE WHEN source_external THEN sk END) AS external_senders,
           count(DISTINCT CASE WHEN target_external THEN rk END) AS external_recipients
    FROM pairs GROUP BY reason"""
    return AggregationSQL(grouped_rules(options, salt, scored), ADDRESS_RULES, message_rules, identity_rules,
                          kept_rules, reason_rules)


class AggregationSQL(NamedTuple):
    """The statements of :func:`aggregation_sql` (``identities`` runs before ``pairs``): the first four are stored
    under their names; ``reasons`` (rows left out, by reason; reason NULL: the kept rows) comes
    back, and ``kept`` (node pairs, by node number ``k`` of ``identities``) is written out or comes
    back."""

    grouped: str
    addresses: str
    pairs: str
    identities: str
    kept: str
    reasons: str


def normalised_addresses(values) -> np.ndarray:
    """Each address normalised by the rule the logs' addresses follow, the same SQL (:data:`_NORMALISE`:
    the part inside ``<...>``, ``mailto:`` and quotes removed, trimmed, lower case), run by DuckDB on
    this machine; a missing value is ``""``."""
    import duckdb

    given = pd.DataFrame({"raw": pd.Series(list(values), dtype=object).fillna("").astype(str)})
    given["i"] = np.arange(len(given))
    con = duckdb.connect()
    try:
        con.register("given", given)
        rows = con.execute(f"SELECT {_NORMALISE.format(x='raw')} FROM given ORDER BY i").fetchall()
    finally:
        con.close()
    return np.array([address for address, in rows], dtype=object)


def _people_table(roster: Roster, aliases: str | Path | None) -> pd.DataFrame:
    """address -> roster id: the roster's email column, its ids, and the alias file, every address
    normalised as the logs' are (:func:`normalised_addresses`), so that ``Mette <METTE@x>`` in the
    alias file finds ``mette@x`` in the log."""
    ids = pd.Index(roster.ids).astype(str)
    frames = [pd.DataFrame({"address": normalised_addresses(ids), "person": ids})]
    if roster.email_column:
        mails = roster.people[roster.email_column]
        frames.append(pd.DataFrame({"address": normalised_addresses(mails.where(mails.notna(), "")), "person": ids}))
    if aliases:
        from ._tables import read_table

        table = read_table(aliases)
        if len(table.headers) < 2:
            raise InputError([table.problem("alias-columns", "needs two columns: the old address and the person "
                                            "(roster id or current address)", row=table.header_row)])
        old, new = normalised_addresses(table.frame.iloc[:, 0]), table.frame.iloc[:, 1].fillna("").str.strip()
        known = pd.concat(frames)
        known = known[known["address"] != ""].drop_duplicates("address").set_index("address")["person"]
        roster_ids = set(ids)
        person = pd.Series([v if v in roster_ids else known.get(a) for v, a in zip(new, normalised_addresses(new))],
                           dtype=object)
        missing = person.isna()
        if missing.any():
            raise InputError([table.problem("alias-unknown", "names no one in the roster (by id or email)",
                                            row=table.rows[i], column=table.headers[1])
                              for i in np.flatnonzero(missing.to_numpy())[:20]])
        frames.append(pd.DataFrame({"address": old, "person": person.to_numpy()}))
    people = pd.concat(frames, ignore_index=True)
    people = people[people["address"] != ""].drop_duplicates("address").reset_index(drop=True)
    return people


def pseudonym(key: bytes, identity: str) -> str:
    """Keyed hash (HMAC-SHA256) of a normalised identity: the same person gets the same pseudonym
    every year with the same key, and nobody without the key can reverse it."""
    return "p-" + hmac.new(key, identity.strip().lower().encode("utf-8"), hashlib.sha256).hexdigest()[:16]


def _viva_g2g(engine, source: str, path: Path, options: "EmailOptions") -> pd.DataFrame:
    """The unit table of a Viva Insights group-to-group export: per (from unit, to unit), the summed
    collaboration time (or email count) and the rows; ``group_size`` the larger group size the
    export gives the unit (its own column), for the privacy merge. ``--since``/``--until`` apply to
    its MetricDate, read as every email time is (:func:`_time_sql`: m/d/Y as Viva writes it, ISO as
    a sheet saved again may have it, d/m/Y with ``--date-order day-first``); a row whose MetricDate
    cannot be read is then left out and counted in ``undated`` (a ``no-time`` warning). A row whose
    time or count is blank or not a finite number is left out (counted in ``unscored``: reason
    ``no-score``), so that no weight is empty."""
    cols = engine.columns(source)
    a, b, w, size, when = (_find(cols, *READ_COLUMNS["viva-g2g"][field])
                           for field in ("from", "to", "weight", "size", "time"))
    if w is None:
        raise InputError([Problem("viva-columns", "has no collaboration time or email count column",
                                  path=str(path), row=1)])
    window = []
    if (options.since or options.until) and when is None:
        raise InputError([Problem("viva-columns", "has no MetricDate column for --since/--until "
                                  "(since=/until= in Python)", path=str(path), row=1)])
    day = _time_sql(_ident(when), day_first=options.date_order == "day-first") if when else None
    if options.since:
        window.append(f"{day} >= TIMESTAMP {_q(options.since)}")
    if options.until:
        window.append(f"{day} < TIMESTAMP {_q(options.until)}")
    undated = 0
    if window:  # (rows the window cannot place: left out by it, and counted here)
        undated = int(engine.frame(f"""SELECT count(*) AS n FROM {source}
            WHERE {_ident(b)} NOT IN ('Unclassified Collaborators', 'Other_Collaborators')
                  AND ({day}) IS NULL""")["n"].iloc[0])
    size_sql = f"max(TRY_CAST({_ident(size)} AS DOUBLE))" if size else "NULL::DOUBLE"
    score = f"TRY_CAST({_ident(w)} AS DOUBLE)"
    scored = f"CASE WHEN coalesce(abs({score}) < 1e300, false) THEN {score} END"  # (NaN is above every number)
    frame = engine.frame(f"""
        SELECT {_ident(a)} AS from_unit,
               CASE WHEN {_ident(b)} = 'Within Group' THEN {_ident(a)} ELSE {_ident(b)} END AS to_unit,
               sum({scored}) AS weight, count({scored}) AS rows, count(*) - count({scored}) AS unscored,
               {size_sql} AS group_size
        FROM {source}
        WHERE {_ident(b)} NOT IN ('Unclassified Collaborators', 'Other_Collaborators')
              {"".join(" AND " + c for c in window)}
        GROUP BY 1, 2 ORDER BY 1, 2""")
    frame.attrs["undated"] = undated
    return frame


#: Options of person-to-person rules that a unit-level (group-to-group) export cannot apply.
_NOT_FOR_G2G = {"max_recipients": "--max-recipients", "weight": "--weight", "cc_weight": "--cc-weight",
                "min_messages": "--min-messages", "reciprocal": "--reciprocal", "exclude": "--exclude",
                "aliases": "--aliases", "external": "--external"}


def g2g_privacy(units: pd.DataFrame, minimum: int | None) -> pd.DataFrame:
    """The unit table with its units merged by :func:`small_unit_names` (a unit's size is its group
    size in the export) and the rows summed again; ``group_size`` dropped. Without ``minimum`` the
    table as it is."""
    out = units.copy()
    if minimum and out["group_size"].isna().all():
        raise OnaError(f"the group-to-group export has no group size column, so units of fewer than {minimum} "
                       "people cannot be merged; export it with group sizes (PrimaryCollaborator_GroupSize)")
    if minimum:
        names = small_unit_names(out.groupby("from_unit")["group_size"].max().fillna(0), minimum)
        if names:
            for col in ("from_unit", "to_unit"):
                out[col] = out[col].replace(names)
            out = out.groupby(["from_unit", "to_unit"], as_index=False).agg(weight=("weight", "sum"),
                                                                           rows=("rows", "sum"))
    return out.drop(columns=["group_size"], errors="ignore").reset_index(drop=True)


def _viva_p2p_sql(engine, source: str, path=None, window: str = "") -> str:
    """Recipient rows of a Viva Insights person-to-person export: each row one (primary -> secondary)
    row with its tie score (Strong_tie_score, else collaboration hours or email count; 1 without
    one); a score of 0 says there is no tie, so such a row is left out (reason ``zero-score``), and
    so is a row whose score is blank or not a finite number (reason ``no-score``: a tie of unknown
    weight is no weight, and the tie table holds none; :func:`_unscored` warns of them).
    MetricDate (m/d/Y or ISO) is the row's time; a time ``window`` on an export without one is an
    error."""
    cols = engine.columns(source)
    a, b, w, when = (_find(cols, *READ_COLUMNS["viva-p2p"][field]) for field in ("from", "to", "weight", "time"))
    if when is None and window:
        raise InputError([_no_time_column(path, window, ("metricdate", "date"))])
    weight = f"TRY_CAST({_ident(w)} AS DOUBLE)" if w else "1.0"
    # A score of 0 is no tie: the row is left out (reason zero-score), never a tie of weight 0; a
    # blank, unreadable, infinite or NaN score too (no-score: NaN is above every number, in DuckDB
    # and Spark alike, so it fails the finite test).
    zero = (f"CASE WHEN NOT coalesce(abs({weight}) < 1e300, false) THEN 'ona:no-score' "
            f"WHEN {weight} = 0 THEN 'ona:zero-score' END") if w else "NULL::VARCHAR"
    base = f"(SELECT *, row_number() OVER () + 1 AS src_row FROM {source})"
    return (f"""SELECT CAST(src_row AS VARCHAR) AS msg, CAST({_ident(a)} AS VARCHAR) AS sender,
                       CAST({_ident(b)} AS VARCHAR) AS recipient, 'to' AS kind,
                       {_time_sql(_ident(when)) if when else "NULL::TIMESTAMP"} AS sent_at,
                       {zero} AS status, {weight} AS score FROM {base}""")


def _gdc_sql(engine, source: str, path, checks: list | None = None, first_row: int = 1) -> str:
    """Microsoft Graph Data Connect Outlook messages (BasicDataSet_v0.Message): the author is
    ``from`` (the mailbox shown as the author), else ``sender`` (the account that sent it); To and
    Cc recipients from ``toRecipients``/``ccRecipients``; drafts left out; Bcc, subject and body
    never read. A message exported from several mailboxes is one message (``internetMessageId``)."""
    cols = {c.lower() for c in engine.columns(source)}
    if not {"torecipients", "internetmessageid"} <= cols:
        raise InputError([Problem("email-columns", "is not a Graph Data Connect message export: no toRecipients and "
                                  "internetMessageId fields", path=str(path), row=first_row)])
    found = _row_checks(None, "sentDateTime")
    if checks is not None:
        checks.append((source, path, found, first_row))
    time_sql = _time_sql('"sentDateTime"')
    author = 'coalesce("from".emailAddress.address, sender.emailAddress.address)'
    draft = f"coalesce({_malformed_sql(found)}, CASE WHEN isDraft THEN 'ona:draft' END)"
    parts = [f"""SELECT coalesce(internetMessageId, {author} || '|' || coalesce(CAST(sentDateTime AS VARCHAR), '')) AS msg,
                        {author} AS sender, unnest({field}) AS item, '{kind}' AS kind, {time_sql} AS sent_at,
                        {draft} AS status
                 FROM {source} WHERE {field} IS NOT NULL""" for field, kind in (("toRecipients", "to"),
                                                                              ("ccRecipients", "cc"))]
    return f"""SELECT msg, sender, item.emailAddress.address AS recipient, kind, sent_at, status, 1.0 AS score
               FROM ({" UNION ALL ".join(parts)})"""


def _read_problem(path, exc: Exception) -> Problem:
    """A read error as a Problem with the file's row. Spark's CSV errors do not say the row: a local
    CSV is then read again by DuckDB, on this error path only, to find it."""
    import duckdb

    if isinstance(exc, duckdb.OutOfMemoryException):
        return Problem("out-of-memory", "DuckDB needed more memory than its limit for these exports; use --engine "
                       "spark (engine='spark' in Python), or in Python pass read_email a higher memory_limit=",
                       path=str(path))
    if isinstance(exc, duckdb.Error):
        return _duckdb_problem(exc, Path(path))
    text = spark_error_text(exc)  # a py4j error's text comes from the JVM: read it once
    scheme = re.search(r"No FileSystem for scheme \"?([a-z0-9]+)", text) or \
        re.search(r"Class org\.apache\.hadoop\.fs\.(\w+)\.\w+ not found", text)
    if scheme:
        name = str(path).split("://")[0] + "://" if is_remote(path) else scheme.group(1)
        return Problem("spark-storage", f"this Spark cannot read {name} paths: run ona where the "
                       "cluster's storage connector is installed (e.g. hadoop-azure for abfss://, hadoop-aws "
                       "for s3a://), or point Spark at that cluster", path=str(path))
    error_class, cause = re.search(r"\[([A-Z][A-Z_.]+)\]", text), java_cause(text)
    if cause and cause[0].endswith("OutOfMemoryError"):
        return Problem("spark-out-of-memory", f"Spark ran out of memory while reading or aggregating it "
                       f"({cause[0]}: {cause[1][:200]}): set spark.driver.memory (and spark.executor.memory "
                       "on a cluster) higher in your Spark configuration", path=str(path))
    if error_class:  # Spark's messages with an error class quote the record: only the class is kept
        detail = error_class.group(1)
    elif cause:  # the innermost Java exception and the first line of its message
        detail = f"{cause[0]}: {cause[1][:200]}" if cause[1] else cause[0]
    else:
        first = text.strip().splitlines()[0][:300] if text.strip() else ""
        detail = first if first.startswith(type(exc).__name__) else f"{type(exc).__name__}: {first}".rstrip(": ")
    if "TaskResultLost" in detail:  # the driver could not take a task's result back: in a local session,
        # its heap ran out (Spark logs that OutOfMemoryError as a warning, not in the exception)
        detail += ("; in a local session the driver's heap ran out while the result came back: "
                   "set spark.driver.memory higher")
    spark_problem = Problem("spark-error", f"Spark stopped while reading or aggregating it ({detail})",
                            path=str(path))
    if is_remote(path) or not Path(path).is_file() or _source_kind(path, "log") != "csv":
        return spark_problem
    with tempfile.TemporaryDirectory(prefix="ona-email-") as tmp:
        local = DuckDBEngine(Path(tmp))
        try:
            local.rows(f"SELECT count(*) FROM {local.source(path, 'csv')}")
        except duckdb.Error as found:
            return _duckdb_problem(found, Path(path))
        finally:
            local.close()
    return spark_problem


def read_email(paths, roster: Roster | None, options: EmailOptions | None = None, *,
               pseudonymize_key: bytes | None = None, memory_limit: str = "1GB", spark=None,
               out: str | Path | None = None, min_group_size: int | None = None) -> EmailResult:
    """Aggregate email exports into a tie table joined to ``roster`` (see docs/email.md).

    ``paths``: one or several files or directories (e.g. one per month, or Parquet partitioned by
    date), read as one. With Viva Insights group-to-group data the result is unit-level only
    (``unit_level``) and ``ties`` is empty. The work runs where ``options.engine`` says: DuckDB on
    this machine, or Spark (``spark``: an existing SparkSession, e.g. on a cluster; paths such as
    ``abfss://...`` are then read by the cluster). Only the aggregated table comes back.

    ``out`` (``.csv``, ``.parquet`` or ``.xlsx``): the tie table (source, target, weight,
    messages; or the unit table) is written there instead of coming back: the result's ``ties``
    are then empty and ``pairs`` counts them. DuckDB writes CSV and Parquet itself, so millions
    of pairs never come into Python (2.9 million: 0.3 s instead of 0.6 s).

    ``min_group_size`` (default 5 with ``pseudonymize_key``) applies to group-to-group data here:
    units of fewer people are merged (:func:`g2g_privacy`); person-level data is merged later, by
    :func:`apply_privacy`. The rules for people (``max_recipients``, ``weight``, ``cc_weight``,
    ``min_messages``, ``reciprocal``, ``exclude``, ``aliases``, ``external``) cannot apply to
    group-to-group data and are refused there; ``since``/``until`` apply to its MetricDate.
    """
    options = options or EmailOptions()
    options.check()
    paths = [p if is_remote(p) else Path(p) for p in (paths if isinstance(paths, (list, tuple)) else [paths])]
    for p in paths:
        if not is_remote(p) and not p.exists():
            raise InputError([Problem("file-not-found", "no such file", path=str(p))])
        if is_gzip(p) and inner_suffix(p) == ".parquet":
            raise InputError([Problem("email-format", "a gzip-compressed Parquet file is not read (Parquet is "
                                      "compressed inside); decompress it first (gunzip)", path=str(p))])
    # An Excel export is read once, here: its header tells its format, its cells go to the engine.
    sheets = {str(p): _excel_log(p) for p in paths if _source_kind(p, "log") == "sheet"}
    formats = [options.format or (_header_format(sheets[str(p)].headers) if str(p) in sheets else
                                  detect_email_format(p)) for p in paths]
    for p, f in zip(paths, formats):
        if f not in FORMATS:
            raise InputError([Problem("email-format", f"unknown email format {f!r}; one of {', '.join(FORMATS)}",
                                      path=str(p))])
        if f == "mbox" and is_remote(p):
            raise InputError([Problem("email-format", "mbox archives are read on this machine; copy the file here",
                                      path=str(p))])
        if f == "mbox" and is_gzip(p):
            raise InputError([Problem("email-format", "a gzip-compressed mbox archive is not read; decompress it "
                                      "first (gunzip)", path=str(p))])
    # A cell of an Excel export that shows an Excel error (#N/A) is read as blank: an error in a column
    # the export is read from, a warning elsewhere.
    notes = [problem for p, f in zip(paths, formats) if str(p) in sheets
             for problem in _sheet_errors(sheets[str(p)], f)]
    if any(problem.severity == "error" for problem in notes):
        raise InputError(notes)
    excluded: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="ona-email-") as tmp_name, \
            steps(["reading email exports", "aggregating"]) as progress:
        engine = open_engine(options.engine, Path(tmp_name), memory_limit=memory_limit, spark=spark)
        try:
            reasons, units, warnings = _aggregate(engine, paths, formats, roster, options, excluded, progress,
                                                  sheets)
            warnings = [*notes, *warnings]
            if units is None:
                return _tie_result(engine, reasons, paths, formats, roster, options, excluded, pseudonymize_key,
                                   Path(out) if out is not None else None, warnings)
        finally:
            engine.close()
    unscored = int(units["unscored"].sum())
    rows_read = int(units["rows"].sum()) + unscored
    units = units[units["rows"] > 0].drop(columns="unscored").reset_index(drop=True)  # (pairs with a weight)
    # Units of fewer people than the minimum group size (default 5 with a key) are merged, as in
    # person-level data (see g2g_privacy).
    units = g2g_privacy(units, min_group_size or (PSEUDONYMIZED_MIN_GROUP_SIZE if pseudonymize_key is not None
                                                   else None))
    if out is not None:
        write_frame(units, Path(out))
    return EmailResult(ties=TieTable.empty("unit"), roster=roster, rows_read=rows_read,
                       excluded={"no-score": unscored} if unscored else {}, formats=tuple(formats),
                       unit_level=None if out is not None else units, engine=engine.where, pairs=len(units),
                       warnings=tuple(warnings))


def _tie_result(engine, reasons, paths, formats, roster, options, excluded, key, out,
                warnings: list[Problem]) -> EmailResult:
    """The counts, filters and tie table of the kept node pairs (``kept`` on ``engine``), given
    the rows left out by reason and the readers' warnings: the pairs stay in the engine until the
    table is written to ``out`` or comes back as ``ties``."""
    left_out = reasons[reasons["reason"].notna()]
    kept_row = reasons[reasons["reason"].isna()]
    messages, duplicates, senders, recipients = (int(kept_row[c].sum()) for c in (
        "messages", "duplicates", "external_senders", "external_recipients"))
    # A kept pair's rows are its messages; every duplicate recipient row was read too.
    rows_read = messages + int(left_out["rows"].sum() + left_out["duplicates"].sum()) + duplicates
    for reason, count in zip(left_out["reason"], left_out["rows"]):
        excluded[str(reason)] = excluded.get(str(reason), 0) + int(count)
    duplicates += int(left_out["duplicates"].sum())
    if duplicates:
        excluded["duplicate-recipient"] = excluded.get("duplicate-recipient", 0) + duplicates
    final, k = "kept", options.min_messages
    if k > 1 or options.reciprocal:
        returned = (" AND EXISTS (SELECT 1 FROM kept u WHERE u.source = t.target AND u.target = t.source "
                    f"AND u.messages >= {int(k)})") if options.reciprocal else ""
        engine.store("final", f"SELECT t.* FROM kept t WHERE t.messages >= {int(k)}{returned}")
        final = "final"
        every, enough = engine.rows(f"SELECT count(*), count(CASE WHEN messages >= {int(k)} THEN 1 END) FROM kept")[0]
        senders, recipients, pairs = engine.rows(_OUTSIDE_ENDS.format(table="final"))[0]
        if options.reciprocal and enough - pairs:
            excluded["not-reciprocal (pairs)"] = int(enough - pairs)
        if every - enough:
            excluded[f"fewer than {k} messages (pairs)"] = int(every - enough)
    # (the rows of the pairs --min-messages and --reciprocal keep)
    kept_rows = messages if final == "kept" else \
        int(engine.rows(f"SELECT coalesce(sum(messages), 0) FROM {final}")[0][0])
    messages_read = int(engine.rows("SELECT messages FROM messages_read")[0][0]) + excluded.get("chat", 0)
    externals = {"external senders": int(senders), "external recipients": int(recipients)}
    names = _node_names(engine)
    extended = roster
    if options.external in ("domain", "keep") and senders + recipients:
        outside = sorted({names[k] for k, in engine.rows(f"""
            SELECT source FROM {final} WHERE source_external UNION SELECT target FROM {final} WHERE target_external""")})
        extended = _with_external_people(roster, outside, options.external)
    if key is not None:
        extended, mapping = pseudonymize_roster(extended, key)
        names = np.array([mapping.get(n, n) for n in names], dtype=object)
    table = TieTable.empty("email")
    if out is not None:
        engine.table("names", pd.DataFrame({"k": np.arange(len(names)), "name": names}))
        # Sorted by sender, then recipient (node numbers follow the node names): the same log gives
        # the same file, row for row, on either engine.
        pairs = engine.write(f"""SELECT a.name AS source, b.name AS target, t.weight, t.messages
                                 FROM {final} t JOIN names a ON a.k = t.source JOIN names b ON b.k = t.target
                                 ORDER BY t.source, t.target""", out)
    else:
        import pyarrow as pa

        kept = engine.frame(f"SELECT source, target, weight, messages FROM {final} ORDER BY source, target")
        pairs = n = len(kept)
        # Node names from their numbers, taken by Arrow into text columns as read_ties makes them
        # (no Python object per pair).
        texts = pa.array(names.tolist(), pa.large_string())
        table = TieTable(ties=pd.DataFrame({
            "source": texts_at(texts, kept["source"].to_numpy(dtype=np.int64)),
            "target": texts_at(texts, kept["target"].to_numpy(dtype=np.int64)),
            "weight": kept["weight"].to_numpy(dtype=float), "layer": constant_texts("", n),
            "row": np.zeros(n, dtype=np.int64), "messages": kept["messages"].to_numpy(dtype=np.int64)}, copy=False))
    if roster is not None and messages == 0 and excluded.get("external", 0):
        # (a log of other addresses than the roster's: an empty network, said in one line, not only counted)
        warnings = [*warnings, Problem(
            "no-roster-address", f"none of its {rows_read:,} recipient rows is between two people of the roster "
            f"({excluded['external']:,} left out as external): check that the roster's email column holds the "
            "addresses the exports use (another domain, aliases: --aliases), or that the exports are of this "
            "organisation", path="; ".join(str(p) for p in paths), severity="warning")]
    table = replace(table, path="; ".join(str(p) for p in paths), weight_column="messages", dropped=dict(excluded),
                    shape="email", warnings=tuple(warnings))
    return EmailResult(ties=table, roster=extended, excluded=excluded, rows_read=int(rows_read), kept_rows=kept_rows,
                       messages_read=messages_read, formats=tuple(formats), externals=externals, engine=engine.where,
                       pairs=int(pairs), warnings=tuple(warnings))


#: The reasons whose counts are messages (skipped before their recipient rows were made); the
#: reasons ending in " (pairs)" count sender -> recipient pairs; every other reason, recipient rows.
MESSAGE_REASONS = ("chat",)


def left_out_unit(reason: str) -> str:
    """What a left-out count of ``reason`` counts: "message", "sender -> recipient pair" or
    "recipient row" (see :data:`MESSAGE_REASONS`)."""
    if reason.endswith(" (pairs)"):
        return "sender -> recipient pair"
    return "message" if reason in MESSAGE_REASONS else "recipient row"


#: Over a table of kept node pairs: the outside senders and recipients among them, and the pairs.
_OUTSIDE_ENDS = """SELECT count(DISTINCT CASE WHEN source_external THEN source END),
                          count(DISTINCT CASE WHEN target_external THEN target END), count(*) FROM {table}"""


def _node_names(engine) -> np.ndarray:
    """Each node's name (person id, outside domain or address) by its number ``k``."""
    nodes = engine.rows("SELECT DISTINCT k, node FROM identities")
    names = np.empty(max((k for k, _ in nodes), default=-1) + 1, dtype=object)
    for k, node in nodes:
        names[k] = node
    return names


def _relation(engine, path, kind: str, sheets: dict[str, Table]) -> str:
    """The relation ``engine`` reads an export as: the file itself, or for an Excel export (kind
    ``sheet``) its cells, handed to the engine as a table of text columns."""
    if kind != "sheet":
        return engine.source(path, kind)
    name = f"sheet_{list(sheets).index(str(path))}"
    engine.texts(name, _sheet_texts(sheets[str(path)]))
    return name


def _aggregate(engine, paths, formats, roster, options, excluded, progress, sheets=None):
    """Read every export into ``recipient_rows`` on ``engine`` and run the rules, leaving the kept
    node pairs in ``kept`` (by node number ``k`` of ``identities``); returns the rows left out by
    reason and None, or None and the unit table of group-to-group data. ``sheets``: the Excel
    exports among ``paths``, read (:func:`_excel_log`), by path."""
    sheets = sheets or {}
    if set(formats) == {"viva-g2g"}:
        defaults = EmailOptions()
        given = [flag for name, flag in _NOT_FOR_G2G.items() if getattr(options, name) != getattr(defaults, name)]
        if given:
            flags = ", ".join(given)
            raise InputError([Problem("not-for-unit-data", f"{flags} {_in_python(flags)} cannot apply to "
                                      "group-to-group data (units, not people); leave them out", path=str(paths[0]))])
        try:
            tables = [_viva_g2g(engine, _relation(engine, p, _source_kind(p, "viva-g2g"), sheets), p, options)
                      for p in paths]
        except engine.errors as exc:
            raise InputError([_read_problem(paths[0], exc)]) from None
        warnings = [_in_sheet(_no_score_warning(p, n), sheets.get(str(p))) for p, table in zip(paths, tables)
                    if (n := int(table["unscored"].sum()))]
        window = "/".join(flag for flag, value in (("--since", options.since), ("--until", options.until)) if value)
        warnings += [_in_sheet(Problem(
            "no-time", f"{n:,} row{'s have' if n != 1 else ' has'} no readable MetricDate, so "
            f"{'they' if n != 1 else 'it'} cannot be placed in {window} and {'were' if n != 1 else 'was'} left out; "
            f"export {'them' if n != 1 else 'it'} again with the dates, or leave out {window} "
            f"{_in_python(window)} to keep them", path=str(p), severity="warning"), sheets.get(str(p)))
            for p, table in zip(paths, tables) if (n := table.attrs.get("undated", 0))]
        units = pd.concat(tables).groupby(["from_unit", "to_unit"], as_index=False).agg(
            weight=("weight", "sum"), rows=("rows", "sum"), unscored=("unscored", "sum"),
            group_size=("group_size", "max"))
        return None, units, warnings
    if "viva-g2g" in formats:
        raise OnaError("group-to-group Viva Insights data gives a unit-level network only; read it on its own")
    if roster is None:
        raise OnaError("a roster is needed to join email addresses to people")
    window = "/".join(flag for flag, value in (("--since", options.since), ("--until", options.until)) if value)
    reading = _Reading(window=window, date_order=options.date_order)
    sources = []  # (path, format, how the engine reads it, its relation: for an mbox archive, its table)
    for p, fmt in zip(paths, formats):
        if fmt == "mbox":
            name = f"mbox_{len(sources)}"
            engine.table(name, _mbox_frame(p, excluded))
            sources.append((p, fmt, "mbox", name))
            continue
        kind = _source_kind(p, fmt)
        try:
            sources.append((p, fmt, kind, _relation(engine, p, kind, sheets)))
        except engine.errors as exc:
            raise InputError([_read_problem(p, exc)]) from None
    selects = _recipient_rows(engine, sources, reading, sheets)
    engine.table("people", _people_table(roster, options.aliases))
    for pattern in options.exclude:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise OnaError(f"--exclude {pattern!r} (exclude= in Python) is not a valid pattern ({exc})") from None
        try:  # the engine's own regular expressions (DuckDB's RE2 has no look-arounds, for one)
            engine.rows(f"SELECT regexp_matches('x', {_q(pattern)})")
        except engine.errors as exc:
            where = {"duckdb": "DuckDB", "spark": "Spark"}.get(engine.name, engine.name)
            raise OnaError(f"--exclude {pattern!r} (exclude= in Python) is a pattern {where} cannot run "
                           f"({_regex_reason(exc)}); write it without look-arounds and back-references") from None
    automated = AUTOMATED_PATTERNS + list(options.exclude)
    progress.advance("aggregating")
    try:
        scored = "viva-p2p" in formats  # tie scores instead of 1 per message
        while True:
            sql = _group(engine, options, automated, scored)
            # A reader that judged its recipient cells by their first rows is checked against every
            # recipient as written (a few thousand addresses): a list or a display name it missed is
            # there. Only then are the exports read again, with the whole columns deciding.
            if reading.assumed_single or reading.assumed_plain:
                lists, display_names = engine.rows(RECIPIENT_LAYOUT)[0]
                if (lists and reading.assumed_single) or (display_names and reading.assumed_plain):
                    engine.release("addresses")
                    reading = _Reading(window=window, date_order=options.date_order, whole_columns=True)
                    selects = _recipient_rows(engine, sources, reading, sheets)
                    sql = _group(engine, options, automated, scored)
            engine.store("identities", sql.identities)
            # A node written more than one way may be named twice in one message: its recipients are
            # then grouped again by node (the ``merged`` statements); otherwise summed by hash.
            engine.store("shared", SHARED_NODES)
            merged = engine.rows("SELECT count(*) > 0 FROM shared")[0][0]
            engine.store("pairs", aggregation_sql(options, automated, merged=bool(merged), scored=scored).pairs)
            engine.store("messages_read", MESSAGES_READ)  # read by _tie_result, for the summary
            engine.release("grouped")
            engine.release("shared")
            one_address_a_node = engine.rows("SELECT count(*) = count(DISTINCT k) FROM identities")[0][0]
            sql = aggregation_sql(options, automated, one_address_a_node=bool(one_address_a_node))
            reasons = engine.frame(sql.reasons)
            # A numeric date after the first rows of a column whose first rows had none was read in
            # no order decided for it: the exports are read again, the whole columns deciding.
            if reading.whole_columns or not (reasons["reason"] == "numeric-date").any():
                break
            reading = _Reading(window=window, date_order=options.date_order, whole_columns=True)
            selects = _recipient_rows(engine, sources, reading, sheets)
        if reasons["reason"].isin(MALFORMED).any():
            problems = [_in_sheet(p, sheets.get(str(path))) for source, path, found, first in reading.checks
                        for p in _malformed_rows(engine, source, path, found, first)]
            raise InputError(problems or [Problem("bad-row", "has malformed rows", path=str(paths[0]))])
        unscored = int(reasons.loc[reasons["reason"] == "no-score", "rows"].sum())
        if unscored:
            reading.warnings += [_in_sheet(w, sheets.get(w.path))
                                 for w in _unscored(engine, sources, selects, unscored)]
        undated = int(reasons.loc[reasons["reason"] == "no-time", "rows"].sum())
        if undated:
            reading.warnings += [_in_sheet(w, sheets.get(w.path)) for w in
                                 _undated(engine, sources, selects, undated, window)]
        if options.min_messages > 1 or options.reciprocal or options.external in ("domain", "keep"):
            engine.store("kept", sql.kept)  # read again by the filters or for the outside nodes
            engine.release("pairs")
        else:  # read once, by the statement that writes the tie table or returns it
            engine.view("kept", sql.kept)
    except engine.errors as exc:
        raise InputError([_read_problem(next((p for p, f in zip(paths, formats) if f != "mbox"), paths[0]),
                                        exc)]) from None
    return reasons, None, reading.warnings


def _recipient_rows(engine, sources, reading: _Reading, sheets: dict[str, Table]) -> list[str]:
    """The view ``recipient_rows`` over every export of ``sources`` (path, format, kind, relation),
    read as ``reading`` says; returns each export's SQL. What a reader finds in an Excel export
    (of ``sheets``) is placed in its sheet (:func:`_in_sheet`)."""
    selects = []
    for p, fmt, kind, source in sources:
        sheet, before = sheets.get(str(p)), len(reading.warnings)
        try:
            if fmt == "mbox":
                selects.append(f"SELECT * FROM {source}")
            elif fmt == "viva-p2p":
                selects.append(_viva_p2p_sql(engine, source, p, reading.window))
            elif fmt == "m365-enhanced":
                selects.append(_enhanced_sql(engine, source, p, reading))
            elif fmt == "graph-data-connect" or (is_remote(p) and kind == "parquet" and "torecipients" in
                                                 {c.lower() for c in engine.columns(source)}):
                # (a local Parquet export's columns were read by detect_email_format; a cluster's are
                # known only once the engine has it)
                selects.append(_gdc_sql(engine, source, p, reading.checks, first_row=1 if kind == "json" else 2))
            else:
                # A Parquet column of lists would be read as its text ("[a, b]"): refused by name.
                nested = _file_problem(Path(p)) if kind == "parquet" and not is_remote(p) else None
                if nested is not None:
                    raise InputError([nested])
                selects.append(_log_sql(engine, source, p, fmt, reading))
        except engine.errors as exc:
            raise InputError([_in_sheet(_read_problem(p, exc), sheet)]) from None
        except InputError as exc:
            if sheet is None:
                raise
            raise InputError([_in_sheet(problem, sheet) for problem in exc.problems]) from None
        reading.warnings[before:] = [_in_sheet(w, sheet) for w in reading.warnings[before:]]
    try:
        engine.view("recipient_rows", " UNION ALL ".join(f"({q})" for q in selects))
    except engine.errors as exc:
        raise InputError([_read_problem(sources[0][0], exc)]) from None
    return selects


def _group(engine, options: EmailOptions, automated: list[str], scored: bool) -> "AggregationSQL":
    """The first two statements of the rules (``grouped``, ``addresses``) stored on ``engine``, with
    another address-hash salt only if two addresses share a hash; returns the statements."""
    for salt in range(3):
        sql = aggregation_sql(options, automated, salt=salt, scored=scored)
        engine.store("grouped", sql.grouped, cache=False)
        engine.store("addresses", sql.addresses)
        collision, = engine.rows(ADDRESS_CHECK)[0]
        if not collision:
            return sql
    raise OnaError("three address hashes collided; please report this")  # pragma: no cover - 3 in 10**33


def _per_export(engine, sources, selects: list[str], rows: int, condition: str) -> list[tuple]:
    """(path, rows) of each export of ``sources`` with rows left out for one reason, ``rows`` of
    them in all: the rows of each export's SQL (``selects``) that meet ``condition``, counted again
    per export only when there are several."""
    counts = [rows] if len(sources) == 1 else \
        [engine.rows(f"SELECT count(*) FROM ({q}) WHERE {condition}")[0][0] for q in selects]
    return [(p, n) for (p, *_), n in zip(sources, counts) if n]


def _undated(engine, sources, selects: list[str], rows: int, window: str) -> list[Problem]:
    """The warnings for the ``rows`` recipient rows left out of a time window for having no time:
    one per export that has them."""
    def said(n: int) -> str:
        rows, they, were, them = ("row has", "it", "was", "it") if n == 1 else ("rows have", "they", "were", "them")
        return (f"{n:,} email recipient {rows} no time (a blank or unreadable time, or no Date header), so {they} "
                f"cannot be placed in {window} and {were} left out; give {them} a time, or leave out {window} "
                f"{_in_python(window)} to keep {them}")

    return [Problem("no-time", said(int(n)), path=str(p), severity="warning")
            for p, n in _per_export(engine, sources, selects, rows, "sent_at IS NULL")]


def _unscored(engine, sources, selects: list[str], rows: int) -> list[Problem]:
    """The warnings for the ``rows`` rows of Viva Insights person-to-person exports left out for a
    blank or unreadable score (``no-score``): one per export that has them."""
    return [_no_score_warning(p, n) for p, n in _per_export(engine, sources, selects, rows, "status = 'ona:no-score'")]


def _no_score_warning(path, rows: int) -> Problem:
    """The warning for the ``rows`` rows of one Viva Insights export left out for a blank or
    unreadable score (``no-score``)."""
    counted = f"{int(rows):,} rows have" if rows != 1 else "1 row has"
    return Problem("no-score", f"{counted} a blank or unreadable score (not a number): a tie of unknown weight, "
                   "left out; export the scores again, or write 0 where there is no tie",
                   path=str(path), severity="warning")


def _regex_reason(exc: Exception) -> str:
    """What the engine's regular expressions (RE2 in DuckDB) say is wrong with a pattern, without the
    engine's own error class (``invalid perl operator: (?=``)."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return first.rsplit("Error: ", 1)[-1]


def _with_external_people(roster: Roster, outside: list[str], mode: str) -> Roster:
    """The roster with one person per external domain or address, in a unit named "External"."""
    extra = pd.DataFrame({c: "" for c in roster.people.columns}, index=pd.Index(outside, name=roster.people.index.name))
    for col in roster.unit_columns:
        extra[col] = "External"
    if roster.name_column:
        extra[roster.name_column] = outside if mode == "domain" else [f"external {i + 1}" for i in range(len(outside))]
    people = pd.concat([roster.people, extra])
    return replace(roster, people=people, rows=tuple(roster.rows or ()) + tuple([0] * len(outside)))


def _renamed(ties: TieTable, mapping: dict[str, str]) -> TieTable:
    """The tie table with person ids (ends and respondents) replaced through ``mapping``."""
    frame = ties.ties.copy()
    frame["source"] = frame["source"].map(lambda v: mapping.get(v, v))
    frame["target"] = frame["target"].map(lambda v: mapping.get(v, v))
    respondents = tuple(mapping.get(r, r) for r in ties.respondents) if ties.respondents is not None else None
    return replace(ties, ties=frame, respondents=respondents)


def pseudonymize_roster(roster: Roster, key: bytes, keep: tuple[str, ...] = ()) -> tuple[Roster, dict[str, str]]:
    """The roster with ids replaced by pseudonyms (of the email where there is one, else of the id,
    so a person keeps their pseudonym across years) and only the unit columns and the columns named in
    ``keep`` left: names, addresses and every other attribute (first and last name, manager, phone,
    ...) can tell who a person is, so they are dropped; the name and email columns are dropped even
    when ``keep`` names them. Returns the new roster and the id -> pseudonym map. Two people who
    would get one pseudonym raise an :class:`InputError` (``pseudonym-collision``, see
    :func:`_pseudonym_collisions`) rather than be merged into one."""
    ids = [str(i) for i in roster.ids]
    basis = roster.people[roster.email_column].astype(str).tolist() if roster.email_column else ids
    mapping = {pid: pseudonym(key, b or pid) for pid, b in zip(ids, basis)}
    if len(set(mapping.values())) < len(mapping):
        raise InputError(_pseudonym_collisions(roster, ids, [b or pid for pid, b in zip(ids, basis)], mapping))
    kept = [c for c in roster.people.columns
            if (c in roster.unit_columns or c in keep) and c not in (roster.name_column, roster.email_column)]
    people = roster.people[kept].copy()
    people.index = pd.Index([mapping[i] for i in ids], name=roster.people.index.name)
    return replace(roster, people=people, name_column=None, email_column=None, id_role="id"), mapping


def _pseudonym_collisions(roster: Roster, ids: list[str], identities: list[str], mapping: dict[str, str]
                          ) -> list[Problem]:
    """One ``pseudonym-collision`` problem per person whose pseudonym an earlier person of the
    roster has already: the two would be counted as one person. Either their identities are one
    address written two ways (an email and another person's id, equal ignoring case and spaces), or
    the keyed hash collided (16 hex digits: about one pair in 10**19, more likely in a roster of
    millions, or when the hash is shortened). The message names rows, never the identity."""
    first: dict[str, int] = {}
    problems = []
    column = roster.email_column or roster.id_column

    def row(i: int) -> int | None:
        """The roster row of person ``i``; None for an outside address or domain added to it."""
        return roster.rows[i] if i < len(roster.rows) and roster.rows[i] else None

    for i, pid in enumerate(ids):
        j = first.setdefault(mapping[pid], i)
        if j == i:
            continue
        same = identities[i].strip().lower() == identities[j].strip().lower()
        why = ("its email address (or id) is that person's, ignoring case and spaces; give each person their own"
               if same else "the keyed hash collided; pseudonymise again with a new key file (32 random bytes); "
               "pseudonyms made with the old key will not match the new ones")
        who = "" if row(i) else "an outside address or domain "
        earlier = f"row {row(j)}" if row(j) else "an outside address or domain"
        problems.append(Problem("pseudonym-collision", f"{who}gets the same pseudonym as {earlier}, so the two would "
                                f"be counted as one person: {why}", path=roster.path, sheet=roster.sheet, row=row(i),
                                column=column if row(i) else None))
    return problems


def read_key_file(path: str | Path) -> bytes:
    """The pseudonymisation key: the bytes of a file (at least 16), never printed or stored."""
    data = Path(path).read_bytes()
    if len(data.strip()) < 16:
        raise OnaError(f"{Path(path).name}: a key file needs at least 16 bytes of secret (e.g. 32 random bytes)")
    return data.strip()


def merge_small_units(roster: Roster, minimum: int, columns: tuple[str, ...] | None = None
                      ) -> tuple[Roster, dict[str, dict[str, str]]]:
    """Units of the roster's ``columns`` (default: its unit columns) with fewer than ``minimum`` people
    merged into one unit "Small units (< minimum)", so no unit-level figure describes fewer than
    ``minimum`` people. When that group is still under ``minimum`` (a single small unit, say), the
    smallest unit of at least ``minimum`` people joins it and the group is named after both ("Alpha and
    small units (< 5)"): a group left out instead would be the organisation's figures minus the published
    units'. When no unit has ``minimum`` people, the group is every person of the column (but the External
    unit). Returns the roster and, by column, each merged unit's new name."""
    people = roster.people.copy()
    merged: dict[str, dict[str, str]] = {}
    for col in roster.unit_columns if columns is None else columns:
        names = small_unit_names(people[col].value_counts(sort=False).drop("External", errors="ignore"), minimum)
        if names:
            people[col] = people[col].replace(names)
            merged[col] = names
    return replace(roster, people=people), merged


#: The minimum group size when identities are pseudonymised and none is given.
PSEUDONYMIZED_MIN_GROUP_SIZE = 5


def small_unit_names(sizes: pd.Series, minimum: int) -> dict[str, str]:
    """Each unit (the index of ``sizes``, people per unit) that merges, with the unit it merges
    into: the units under ``minimum`` people become "Small units (< minimum)"; when those together
    are still under ``minimum``, the smallest unit of at least ``minimum`` joins them and the group
    is named after it ("Alpha and small units (< 5)"). The rule of :func:`merge_small_units`, also
    for the units of group-to-group data."""
    small = sizes[sizes < minimum]
    if small.empty:
        return {}
    units, label = list(small.index), f"Small units (< {minimum})"
    large = sizes[sizes >= minimum].sort_values(kind="stable")
    if small.sum() < minimum and not large.empty:
        units.append(large.index[0])
        label = f"{large.index[0]} and small units (< {minimum})"
    return dict.fromkeys(units, label)


#: What a pseudonymised roster shows in a column :func:`hide_rare_combinations` hides for a person.
HIDDEN = "(hidden)"


def hide_rare_combinations(roster: Roster, minimum: int, measured: str) -> tuple[Roster, int]:
    """The roster with the other columns of each person whose combination of values is shared by
    fewer than ``minimum`` people replaced by :data:`HIDDEN` (k-anonymity by suppression: Sweeney,
    "k-anonymity: a model for protecting privacy", 2002). Merging small units column by column
    keeps every unit at ``minimum`` people or more, but a combination (Department x Role) can
    still point to one person, and their pseudonym with them.

    Only columns whose value varies within a unit of ``measured`` take part: a column that is the
    same for everyone of a unit (a directorate above its departments, a unit's line or support
    kind) adds nothing a reader does not know from the unit, and is never hidden. ``measured``
    itself is never hidden (its units already have ``minimum`` people, see :func:`merge_small_units`).
    Within each unit, when fewer than ``minimum`` of its people are hidden, the smallest other
    combinations of the unit are hidden with them until at least ``minimum`` are (or the whole
    unit): otherwise the mark itself would single them out. Returns the roster and how many
    people have hidden values."""
    people = roster.people
    if measured not in people.columns or len(people) == 0:
        return roster, 0
    units = people[measured].astype(str)
    varying = [c for c in people.columns if c != measured and
               people[c].astype(str).groupby(units.to_numpy(), sort=False).nunique().max() > 1]
    if not varying:
        return roster, 0
    combination = people[[measured, *varying]].astype(str).groupby([measured, *varying], sort=False).ngroup()
    codes = combination.to_numpy()
    sizes = np.bincount(codes)
    hide = sizes[codes] < minimum
    unit_codes = pd.factorize(units)[0]
    for unit in np.unique(unit_codes[hide]):
        members = unit_codes == unit
        if hide[members].sum() >= minimum:
            continue
        # The unit's combinations not yet hidden, smallest first, hidden whole until enough are.
        shown = np.unique(codes[members & ~hide])
        for code in shown[np.argsort(sizes[shown], kind="stable")]:
            hide |= codes == code
            if hide[members].sum() >= minimum:
                break
    if not hide.any():
        return roster, 0
    people = people.copy()
    for column in varying:
        people[column] = people[column].astype(object).where(~hide, HIDDEN)
    return replace(roster, people=people), int(hide.sum())


class Privacy(NamedTuple):
    """What :func:`apply_privacy` made: the roster and ties, the id -> pseudonym map, the measured
    column's old unit -> merged unit map (for relabelling other inputs), the measured units that
    were under the minimum group size (``units`` also holds a larger unit that joined them) and how
    many people's other columns were hidden (:func:`hide_rare_combinations`)."""

    roster: Roster
    ties: TieTable
    pseudonyms: dict[str, str]
    units: dict[str, str]
    small_units: list[str]
    people_hidden: int = 0


def apply_privacy(roster: Roster, ties: TieTable, *, key: bytes | None = None, min_group_size: int | None = None,
                  by: str | None = None, keep: tuple[str, ...] = ()) -> Privacy:
    """Pseudonymise roster and ties with ``key`` (when given; the roster keeps its unit columns, the
    column measured, ``by`` (else the department column), and the columns in ``keep``) and merge units
    smaller than ``min_group_size`` (default 5 when pseudonymising) in the unit columns and in ``by``,
    so the units measured are never smaller than the minimum either. When pseudonymising, a person
    whose kept values together are shared by fewer than the minimum has them hidden
    (:func:`hide_rare_combinations`)."""
    measured = roster.column(by) if by else roster.default_unit_column
    mapping: dict = {}
    if key is not None:
        roster, mapping = pseudonymize_roster(roster, key, keep=(*keep, measured) if measured else keep)
        ties = _renamed(ties, mapping)
        min_group_size = min_group_size or PSEUDONYMIZED_MIN_GROUP_SIZE
    if not min_group_size:
        return Privacy(roster, ties, mapping, {}, [])
    columns = tuple(c for c in dict.fromkeys((*roster.unit_columns, measured)) if c in roster.people.columns)
    before = roster.people
    roster, merged = merge_small_units(roster, min_group_size, columns)
    units = merged.get(measured, {})
    counts = before[measured].value_counts() if units else {}
    hidden = 0
    if key is not None and measured:
        roster, hidden = hide_rare_combinations(roster, min_group_size, measured)
    return Privacy(roster, ties, mapping, units, [u for u in units if counts[u] < min_group_size], hidden)
