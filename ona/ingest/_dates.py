"""The dates of a tie list, read from its cells as analysts write them, and the window that
chooses ties by them (``--ties-since``/``--ties-until``).

A date is read in one of these forms (a time of day may follow, with a space or ``T``; a time
with an offset, ``+02:00`` or ``Z``, is converted to UTC, as email times are):

- year first: ``2024-03-01`` (an Excel or LibreOffice date cell reads as this), ``2024/03/01``,
  ``2024.03.01``;
- year last, numeric: ``1/3/2024``, ``01-03-2024``, ``01.03.2024``, with a 12-hour time too
  (``3/1/2024 2:15 PM``). Which of the first two fields is the day is decided per column, as the
  email reader decides it (:func:`ona.ingest.email._date_order`): a first field above 12 in some
  date and a second field above 12 in none make the column day first; a second field above 12
  makes it month first (and its dates with a first field above 12 unreadable). A column where no
  field is above 12 is read day first when every such date is written with dots (``01.03.2024``:
  month first is never written so), else month first with an ``ambiguous-dates`` warning.
  ``date_order`` (``--date-order``) decides instead.

Years are four digits, from 1678 to 2261 (a datetime64[ns]): ``1/3/24`` is not read (the century
would be a guess), nor is HR's "no end" date 9999-12-31.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["DateColumn", "read_dates", "window_bound", "describe_window", "day_text", "AMBIGUOUS_DATES"]

# The two forms, as named groups for pyarrow's regular expressions (RE2: no back-references, so
# the two separators are compared after). Optional groups that are absent read as "".
_TIME = (r"(?:(?:T|,?\s+)(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d{1,9}))?)?"
         r"(?:\s*(?P<half>[AaPp])\.?[Mm]\.?)?)?\s*(?P<offset>Z|[+-]\d{2}(?::?\d{2})?)?$")
_YEAR_FIRST = r"^(?P<first>\d{4})(?P<sep1>[-/.])(?P<second_field>\d{1,2})(?P<sep2>[-/.])(?P<third>\d{1,2})" + _TIME
_YEAR_LAST = r"^(?P<first>\d{1,2})(?P<sep1>[-/.])(?P<second_field>\d{1,2})(?P<sep2>[-/.])(?P<third>\d{4})" + _TIME
_NAT = np.datetime64("NaT", "ns")
#: The ISO form of an Excel date cell or a timestamp: matched without captures, and read by pandas
#: (a C parser), which is several times faster than the captures of the general forms.
_PLAIN_ISO = r"^\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d{1,9})?)?)?$"


#: The years a date may have: those of a time in nanoseconds (pandas' and numpy's datetime64[ns]),
#: whole years only. A year outside is no date (9999-12-31 stands for "no end" in HR systems).
_YEARS = (1678, 2261)


@dataclass(frozen=True)
class DateColumn:
    """The dates of one column: ``values`` (datetime64[ns], NaT where a cell is blank or not a
    date), ``blank`` (True where a cell is blank or white space), ``unreadable`` (True where a cell
    holds text that is no date), ``wrong_order`` (True where that text is a numeric date that
    cannot be in the order used: a month above 12), ``order`` (the order numeric dates were read
    in, None when the column has none) and ``ambiguous`` (numeric dates whose order nothing in the
    column shows, read month first)."""

    values: np.ndarray
    blank: np.ndarray
    unreadable: np.ndarray
    wrong_order: np.ndarray
    order: str | None
    ambiguous: bool

    @property
    def readable(self) -> int:
        """How many cells hold a date."""
        return int((~np.isnat(self.values)).sum())


def _fields(texts, pattern: str) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Where ``texts`` (an Arrow string array) match ``pattern``, and each named group of those
    that do: numbers as int64 (absent: 0), the separators, half and offset as text."""
    import pyarrow as pa
    import pyarrow.compute as pc

    found = pc.extract_regex(texts, pattern)  # (null where a text does not match)
    valid = found.is_valid()
    matched = valid.to_numpy(zero_copy_only=False)
    found = found.filter(valid)
    out = {}
    for name in ("first", "second_field", "third", "hour", "minute", "second"):
        field = found.field(name)
        out[name] = pc.cast(pc.if_else(pc.equal(field, ""), "0", field), pa.int64()).to_numpy()
    # A fraction of a second as nanoseconds: its digits padded to nine.
    out["fraction"] = pc.cast(pc.utf8_rpad(found.field("fraction"), 9, "0"), pa.int64()).to_numpy()
    for name in ("sep1", "sep2", "half", "offset"):
        out[name] = np.asarray(found.field(name).to_numpy(zero_copy_only=False), dtype=object)
    return matched, out


def _assemble(year, month, day, f: dict) -> np.ndarray:
    """The times (datetime64[ns]; UTC where an offset is given) that the fields stand for, NaT
    where they are no time: a year outside :data:`_YEARS`, a 31 April, an hour 25, two different
    separators (``1/3-2024``)."""
    hour = f["hour"].copy()
    half = f["half"]
    twelve = half != ""
    ok = (year >= _YEARS[0]) & (year <= _YEARS[1]) & (month >= 1) & (month <= 12) & (day >= 1)
    ok &= f["sep1"] == f["sep2"]
    ok &= ~twelve | ((hour >= 1) & (hour <= 12))
    pm = np.isin(half, ["P", "p"])
    hour = np.where(twelve, hour % 12 + 12 * pm, hour)
    ok &= (hour <= 23) & (f["minute"] <= 59) & (f["second"] <= 59)
    y, m = np.where(ok, year, 1970), np.where(ok, month, 1)
    months = (y - 1970) * 12 + (m - 1)
    first = months.astype("datetime64[M]")
    length = ((first + 1).astype("datetime64[D]") - first.astype("datetime64[D]")).astype(np.int64)
    ok &= day <= length
    days = first.astype("datetime64[D]") + (np.where(ok, day, 1) - 1)
    seconds = hour * 3600 + f["minute"] * 60 + f["second"]
    offset = f["offset"]
    shift = np.zeros(len(year), dtype=np.int64)
    for k in np.flatnonzero((offset != "") & (offset != "Z")):  # (rare: a time written with its offset)
        digits = offset[k].replace(":", "")
        shift[k] = (1 if digits[0] == "+" else -1) * (int(digits[1:3]) * 60 + int(digits[3:5] or 0)) * 60
    moments = (days.astype("datetime64[ns]") + (seconds - shift) * 1_000_000_000 + f["fraction"])
    return np.where(ok, moments, _NAT)


def read_dates(texts, date_order: str | None = None) -> DateColumn:
    """Read a column of cell texts as dates (see the module's docstring for the forms and the
    order of day and month). Each distinct text is read once, all of them together."""
    import pyarrow as pa

    texts = pd.Series(texts, dtype="str") if not isinstance(texts, pd.Series) else texts
    codes, uniques = pd.factorize(texts)  # (then only the distinct texts are read)
    uniques = pd.Series(uniques, dtype="str").str.strip()
    arrow = pa.array(uniques.to_numpy(dtype=object), type=pa.large_string())
    empty = np.append((uniques == "").to_numpy(dtype=bool), True)  # (the extra slot: a missing cell, code -1)
    ns = np.full(len(uniques) + 1, _NAT, dtype="datetime64[ns]")
    wrong = np.zeros(len(uniques) + 1, dtype=bool)
    import pyarrow.compute as pc

    matched = pc.match_substring_regex(arrow, _PLAIN_ISO).to_numpy(zero_copy_only=False)
    if matched.any():
        plain = pd.to_datetime(pd.Series(arrow.filter(pa.array(matched)), dtype="str"), format="ISO8601",
                               errors="coerce")  # (NaT for a 30 February)
        years = plain.dt.year
        ns[:-1][matched] = plain.where((years >= _YEARS[0]) & (years <= _YEARS[1])).to_numpy(dtype="datetime64[ns]")
    rest = np.flatnonzero(~matched)
    if len(rest):
        found, f = _fields(arrow.take(pa.array(rest)), _YEAR_FIRST)
        ns[:-1][rest[found]] = _assemble(f["first"], f["second_field"], f["third"], f)
        matched[rest[found]] = True
    order, ambiguous = None, False
    rest = np.flatnonzero(~matched)
    last = np.zeros(len(uniques), dtype=bool)
    if len(rest):
        found, f = _fields(arrow.take(pa.array(rest)), _YEAR_LAST)
        last[rest[found]] = True
    if last.any():
        a, b = f["first"], f["second_field"]
        first_big, second_big = bool((a > 12).any()), bool((b > 12).any())
        if date_order is not None:
            order = date_order
        elif first_big and not second_big:
            order = "day-first"
        elif second_big or not (f["sep1"] == ".").all():
            order = "month-first"
            ambiguous = not first_big and not second_big
        else:  # (every one written with dots, which month first never is)
            order = "day-first"
        day, month = (a, b) if order == "day-first" else (b, a)
        ns[:-1][last] = _assemble(f["third"], month, day, f)
        wrong[:-1][last] = month > 12
    bad = np.isnat(ns) & ~empty
    return DateColumn(values=ns[codes], blank=empty[codes], unreadable=bad[codes], wrong_order=wrong[codes],
                      order=order, ambiguous=ambiguous)


#: The warning of a column of numeric dates whose order nothing in it shows (code ``ambiguous-dates``),
#: the same for a tie list's dates and for email times.
AMBIGUOUS_DATES = ("no date in it has a day above 12, so day/month and month/day cannot be told apart: they were "
                   "read as month/day (m/d/Y); if they are day/month, pass --date-order day-first "
                   "(date_order='day-first' in Python), or write them as YYYY-MM-DD")


def window_bound(value, flag: str, parameter: str) -> np.datetime64 | None:
    """``--ties-since``/``--ties-until`` as a time (None when not given); a value that is no ISO
    date or time is a ValueError whose message names the ``flag`` and the Python ``parameter``."""
    if value is None:
        return None
    if isinstance(value, np.datetime64):  # (a bound already made, passed on)
        return value.astype("datetime64[ns]")
    if isinstance(value, _dt.date):
        moment = value if isinstance(value, _dt.datetime) else _dt.datetime(value.year, value.month, value.day)
    else:
        try:
            moment = _dt.datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise ValueError(f"{flag} {value!r} ({parameter}= in Python) is not a date; write it as YYYY-MM-DD "
                             "(or YYYY-MM-DD HH:MM:SS)") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(_dt.timezone.utc).replace(tzinfo=None)
    if not _YEARS[0] <= moment.year <= _YEARS[1]:
        raise ValueError(f"{flag} {value!r} ({parameter}= in Python) is outside the years {_YEARS[0]}-{_YEARS[1]} "
                         "that ona reads dates in")
    return np.datetime64(moment, "ns")


def day_text(value: np.datetime64) -> str:
    """A time as the report writes a date: ``2024-03-01``, with the time of day when it has one."""
    moment = pd.Timestamp(value)
    return moment.strftime("%Y-%m-%d") if moment == moment.normalize() else moment.isoformat(sep=" ")


def describe_window(since, until) -> str | None:
    """The window as the report states it: "on or after 2024-01-01, before 2025-01-01"; None for
    no window."""
    parts = [f"on or after {day_text(since)}" if since is not None else "",
             f"before {day_text(until)}" if until is not None else ""]
    return ", ".join(p for p in parts if p) or None
