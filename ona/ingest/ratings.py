"""Unit-rates-unit survey responses: people rate *other units* ("how timely is the communication you
get from Finance?"), one row per (respondent, rated unit) or one row per respondent with a column
per (rated unit, dimension) such as ``Finance – timely``.

Answers may be numbers or labels; a scale file maps labels to scores per dimension (so a
non-monotonic frequency question works), names the answers that mean "no answer" (don't know, not
relevant) and reverse-coded items, and groups dimensions into subscales. Respondents are joined to
the roster (their unit comes from it) or carry their own unit column when the survey is anonymous.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError, OnaError, Problem
from ._columns import find_column
from ._tables import normalise_header, read_table
from .roster import Roster, fold_text
from .ties import PersonMatcher

__all__ = ["Scale", "RatingResponses", "read_scale", "read_ratings", "relabel", "DEFAULT_MISSING"]

DEFAULT_MISSING = ("don't know", "dont know", "do not know", "not relevant", "n/a", "na", "ved ikke",
                   "ikke relevant", "vet ej", "vet inte", "ej relevant")
# The answers of `ona template --ratings` (and the usual English five-point agreement scale).
DEFAULT_LABELS = {"strongly disagree": 1, "disagree": 2, "neither agree nor disagree": 3, "neither": 3, "agree": 4,
                  "strongly agree": 5}
_SEPARATORS = re.compile(r"\s*(?:–|—|-|:|\|)\s*")
_RATED = ("rated unit", "unit rated", "rates unit", "about unit", "target unit", "rated", "bedømt enhed",
          "vurderet enhed", "bedömd enhet")
_RATER_UNIT = ("respondent unit", "my unit", "own unit", "rater unit", "unit of respondent", "egen enhed")
_RESPONDENT = ("respondent", "respondent id", "employee id", "id", "email", "name", "respondent email")


@dataclass
class Scale:
    """How answers become scores. ``labels``: label -> score for every dimension; ``dimensions``:
    per dimension, its own ``labels``, ``reverse`` (score -> min + max - score), ``min``/``max``
    and ``subscale``; ``missing``: answers that mean no answer; ``low``/``high``: the range of every
    dimension without its own ``min``/``max`` (default: the range of its labels, 1-5 by default).
    Dimension and subscale-member names match questions ignoring case, spaces, dots, dashes and
    underscores; a number outside the dimension's range is not a score."""

    labels: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_LABELS))
    missing: tuple[str, ...] = DEFAULT_MISSING
    dimensions: dict[str, dict] = field(default_factory=dict)
    subscales: dict[str, list[str]] = field(default_factory=dict)
    path: str | None = None
    low: float | None = None
    high: float | None = None

    def spec(self, dimension: str) -> dict:
        """The scale file's settings of ``dimension`` (matched ignoring case), or {}."""
        key = normalise_header(dimension)
        return next((spec for name, spec in self.dimensions.items() if normalise_header(name) == key), {})

    def bounds(self, dimension: str) -> tuple[float, float]:
        """(min, max) of ``dimension``: its own, else the scale's, else the range of its labels."""
        spec = self.spec(dimension)
        scores = {**self.labels, **spec.get("labels", {})}.values()
        low = spec.get("min", self.low if self.low is not None else min(scores))
        high = spec.get("max", self.high if self.high is not None else max(scores))
        return float(low), float(high)

    def score(self, dimension: str, answer: str) -> tuple[float | None, str]:
        """(score, status): status is "ok", "missing" (no answer / don't know), "unknown" or
        "out-of-range" (a number outside :meth:`bounds`)."""
        text = str(answer).strip()
        key = fold_text(text)
        if key == "" or key in {fold_text(m) for m in self.missing}:
            return None, "missing"
        spec = self.spec(dimension)
        labels = {fold_text(k): v for k, v in {**self.labels, **spec.get("labels", {})}.items()}
        low, high = self.bounds(dimension)
        if key in labels:
            value = float(labels[key])
        else:
            try:
                value = float(text.replace(",", "."))
            except ValueError:
                return None, "unknown"
            if not math.isfinite(value):
                return None, "unknown"
            if not low <= value <= high:
                return None, "out-of-range"
        if spec.get("reverse"):
            value = low + high - value
        return value, "ok"

    def subscale_of(self, dimension: str) -> str | None:
        key = normalise_header(dimension)
        for name, members in self.subscales.items():
            if key in {normalise_header(m) for m in members}:
                return name
        return self.spec(dimension).get("subscale")

    def check_names(self, questions: tuple[str, ...], sheet: str) -> None:
        """Raise OnaError naming the scale file and key when a dimension or subscale member names
        none of ``questions`` (a misspelt name would otherwise change nothing, silently)."""
        known = {normalise_header(q) for q in questions}
        named = [(f"[dimensions.{d}]", d) for d in self.dimensions] + \
            [(f"[subscales] {s}", m) for s, members in self.subscales.items() for m in members]
        for key, name in named:
            if normalise_header(name) not in known:
                where = Path(self.path).name if self.path else "the scale"
                raise OnaError(f"{where}: {key} names {name!r}, which is no question of {sheet}; its questions: "
                               + ", ".join(questions))


_DIMENSION_KEYS = ("labels", "max", "min", "reverse", "subscale")


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_labels(name: str, where: str, mapping) -> None:
    if not isinstance(mapping, dict):
        raise OnaError(f"{name}: [{where}] must be a table of answer = score")
    for label, value in mapping.items():
        if not _number(value):
            raise OnaError(f"{name}: [{where}] {label!r} must be a number, not {value!r}")


def _names(name: str, key: str, value) -> list[str]:
    """A list of texts from a scale file's ``key``; a single text is a list of one."""
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise OnaError(f"{name}: {key} must be a list of texts, such as [\"a\", \"b\"]")
    return value


def _check_range(name: str, where: str, table: dict) -> None:
    for bound in ("min", "max"):
        if bound in table and not _number(table[bound]):
            raise OnaError(f"{name}: {where}{bound} must be a number")
    if "min" in table and "max" in table and table["min"] >= table["max"]:
        raise OnaError(f"{name}: {where}min must be below max")


def read_scale(path: str | Path | None) -> Scale:
    """Read a scale file (TOML). Every key is checked: an unknown key or a value of the wrong kind
    is an OnaError naming the file and key."""
    if path is None:
        return Scale()
    path = Path(path)
    name = path.name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise OnaError(f"{name}: is not a readable scale file ({exc})") from None
    unknown = set(data) - {"labels", "missing", "dimensions", "subscales", "min", "max"}
    if unknown:
        raise OnaError(f"{name}: unknown key(s) {', '.join(sorted(unknown))}; known: labels, missing, "
                       "min, max, dimensions, subscales")
    _check_labels(name, "labels", data.get("labels", {}))
    _check_range(name, "", data)
    dimensions = data.get("dimensions", {})
    if not isinstance(dimensions, dict):
        raise OnaError(f"{name}: dimensions must be a table of [dimensions.<question>] sections")
    for dim, spec in dimensions.items():
        where = f"[dimensions.{dim}]"
        if not isinstance(spec, dict):
            raise OnaError(f"{name}: {where} must be a section of the keys {', '.join(_DIMENSION_KEYS)}")
        wrong = sorted(set(spec) - set(_DIMENSION_KEYS))
        if wrong:
            raise OnaError(f"{name}: {where} unknown key(s) {', '.join(wrong)}; known: {', '.join(_DIMENSION_KEYS)}")
        _check_labels(name, f"dimensions.{dim}.labels", spec.get("labels", {}))
        _check_range(name, f"{where} ", spec)
        if not isinstance(spec.get("reverse", False), bool):
            raise OnaError(f"{name}: {where} reverse must be true or false")
        if not isinstance(spec.get("subscale", ""), str):
            raise OnaError(f"{name}: {where} subscale must be a text")
    subscales = data.get("subscales", {})
    if not isinstance(subscales, dict):
        raise OnaError(f"{name}: subscales must be a table of <subscale> = [questions]")
    return Scale(labels={**DEFAULT_LABELS, **data.get("labels", {})},
                 missing=tuple(_names(name, "missing", data.get("missing", list(DEFAULT_MISSING)))),
                 dimensions={str(k): dict(v) for k, v in dimensions.items()},
                 subscales={k: _names(name, f"[subscales] {k}", v) for k, v in subscales.items()}, path=str(path),
                 low=data.get("min"), high=data.get("max"))


@dataclass
class RatingResponses:
    """One row per (respondent, rated unit, dimension) with a score: ``respondent`` (roster id, or a
    row label when anonymous), ``rater_unit``, ``rated_unit``, ``dimension``, ``score`` (NaN when
    the answer was missing). ``counts``: answers by status (ok, missing)."""

    scores: pd.DataFrame
    dimensions: tuple[str, ...]
    scale: Scale
    anonymous: bool
    counts: dict[str, int] = field(default_factory=dict)
    path: str | None = None


def _split_header(header: str, units: dict[str, str]) -> tuple[str, str] | None:
    """(unit, dimension) from a wide header such as "Finance – timely" (or "timely – Finance"), or
    None. The header is cut at each separator (–, —, -, :, |) in turn; of the cuts that leave a unit
    of the roster on one side and text on the other, the longest unit name wins, so "Building -
    Permits – timely" is about "Building - Permits" when both units exist; the unit before the
    question wins a tie."""
    found = []
    for cut in _SEPARATORS.finditer(header):
        left, right = header[:cut.start()].strip(), header[cut.end():].strip()
        for side, (unit_text, dim) in enumerate(((left, right), (right, left))):
            unit = units.get(fold_text(unit_text))
            if unit and dim:
                found.append((-len(fold_text(unit)), side, unit, dim))
    return min(found)[2:] if found else None


def _unit_column(roster: Roster, by: str | None) -> str:
    """The roster column whose units are rated: ``by`` (matched as ``--by`` is), else the roster's
    unit column; the same errors as measuring the network by it."""
    if by is not None:
        column = roster.column(by)
        if column == roster.id_column:
            raise InputError([Problem("bad-unit-column", "cannot measure by the id column; choose a unit column",
                                      path=roster.path, row=roster.header_row)])
        return column
    if roster.default_unit_column is None:
        raise InputError([Problem("no-unit-column", "the roster has no department or unit column; name one with --by "
                                  "(by= in Python)", path=roster.path, row=roster.header_row)])
    return roster.default_unit_column


def read_ratings(path: str | Path, roster: Roster | None, *, by: str | None = None, scale: Scale | None = None,
                 sheet: str | None = None) -> RatingResponses:
    """Read a unit-rates-unit response sheet, long or wide (see the module docstring).

    ``by``: the roster column whose units are rated (default: the roster's unit column). Unit names
    (rated units, and the respondent's own unit in anonymous sheets) are matched to the roster's
    ignoring case and accents; without a roster, spellings that differ only so are one unit. Every
    answer that is neither a score within the scale's range, a known label nor a missing answer is
    an error with its cell, and so is an unknown or blank unit. A sheet without questions or without
    any scored answer is an error, as is a scale-file dimension or subscale member that names no
    question."""
    scale = scale or Scale()
    table = read_table(path, sheet, wanted_headers=None if sheet else [list(_RESPONDENT + _RATER_UNIT)])
    headers = table.headers
    keys = {normalise_header(h): h for h in headers}
    unit_column = _unit_column(roster, by) if roster is not None else None
    unit_names = list(dict.fromkeys(roster.people[unit_column])) if unit_column else []
    rater_col = next((keys[k] for k in _RATER_UNIT if k in keys), None)
    rated_col = next((keys[k] for k in _RATED if k in keys), None)
    respondent_col = next((keys[k] for k in _RESPONDENT if k in keys), None)
    if rater_col is None and respondent_col is None:
        respondent_col = find_column(table, "id", None, required=False)
    if rater_col is None and (roster is None or respondent_col is None):
        raise InputError([table.problem("ratings-columns", "needs a respondent column joined to the roster, or a "
                                        "column with the respondent's own unit (anonymous surveys)",
                                        row=table.header_row)])
    frame = table.frame
    if not unit_names:  # no roster: the units are those the sheet names, first spelling first
        unit_names = [u for col in (rater_col, rated_col) if col is not None for u in frame[col].str.strip() if u]
    units: dict[str, str] = {}
    for u in unit_names:
        units.setdefault(fold_text(u), u)
    problems: list[Problem] = []
    rows = np.asarray(table.rows)
    # Who answered, and their unit.
    if rater_col is not None:
        rater_units = frame[rater_col].str.strip().map(lambda u: units.get(fold_text(u)))
        for i in np.flatnonzero(rater_units.isna().to_numpy()):
            blank = frame[rater_col].iat[i].strip() == ""
            problems.append(table.problem("unknown-unit", "is blank: the respondent's own unit is needed" if blank
                                          else _no_unit(frame[rater_col].iat[i], units), row=int(rows[i]),
                                          column=rater_col))
        respondents = pd.Series([f"row {r}" for r in rows], index=frame.index)
        anonymous = True
    else:
        matcher = PersonMatcher(roster)
        ids = frame[respondent_col].map(matcher.match)
        for i in np.flatnonzero(ids.isna().to_numpy()):
            problems.append(table.problem("unknown-person", "names no one in the roster (matched by id, email and "
                                          "name)", row=int(rows[i]), column=respondent_col))
        respondents = ids
        rater_units = ids.map(lambda p: roster.people.at[p, unit_column] if isinstance(p, str) else None)
        anonymous = False
    records = []  # (respondent, rater_unit, rated_unit, dimension, answer, row, column)
    if rated_col is not None:
        dims = [h for h in headers if h not in {rater_col, rated_col, respondent_col}]
        if not dims:
            raise InputError([table.problem("ratings-columns", "has no question columns beside the respondent and "
                                            "the rated unit", row=table.header_row)])
        rated_units = frame[rated_col].str.strip()
        for h in dims:
            values = frame[h]
            for i in range(len(frame)):
                records.append((respondents.iat[i], rater_units.iat[i], rated_units.iat[i], h, values.iat[i],
                                int(rows[i]), h))
        layout = "long"
        used = [rater_col, rated_col, respondent_col, *dims]
    else:
        pairs = {h: _split_header(h, units) for h in headers if h not in {rater_col, respondent_col}}
        rated = {h: p for h, p in pairs.items() if p is not None}
        if not rated:
            raise InputError([table.problem("ratings-columns", "has no rated-unit column and no columns named "
                                            "'<unit> – <question>'; see the ratings template", row=table.header_row)])
        dims = list(dict.fromkeys(dim for _, dim in rated.values()))
        for h, (unit, dim) in rated.items():
            values = frame[h]
            for i in range(len(frame)):
                records.append((respondents.iat[i], rater_units.iat[i], unit, dim, values.iat[i], int(rows[i]), h))
        layout = "wide"
        used = [rater_col, respondent_col, *rated]
    scale.check_names(tuple(dims), Path(path).name)
    out, counts = [], {"ok": 0, "missing": 0}
    for respondent, rater, rated_unit, dim, answer, row, column in records:
        if respondent is None or (isinstance(respondent, float) and math.isnan(respondent)) or rater is None:
            continue
        if rated_unit not in units.values():
            folded = units.get(fold_text(rated_unit))
            if folded is None:
                problems.append(table.problem("unknown-unit", _no_unit(rated_unit, units), row=row,
                                              column=rated_col or column))
                continue
            rated_unit = folded
        value, status = scale.score(dim, answer)
        if status == "unknown":
            problems.append(table.problem("bad-rating", "is neither a number, a label of the scale nor a "
                                          "'don't know' answer; add it to the scale file", row=row, column=column))
            continue
        if status == "out-of-range":
            low, high = scale.bounds(dim)
            problems.append(table.problem("bad-rating", f"is a number outside the scale ({low:g} to {high:g}); if "
                                          "the scale is wider, set min and max in the scale file", row=row,
                                          column=column))
            continue
        counts[status] += 1
        out.append((str(respondent), str(rater), rated_unit, dim, np.nan if value is None else value))
    # A cell that shows an Excel error (#N/A) would be read as a missing answer: an error. (Columns
    # the survey is not read from are not kept: their errors do not matter.)
    problems = [p for p in table.with_error_cells(problems, [c for c in used if c]) if p.severity == "error"]
    if problems:
        raise InputError(problems[:200])
    if not counts["ok"]:
        what = "has no answers below its header" if not counts["missing"] else \
            "has no scored answer: every answer is blank or 'don't know'"
        raise InputError([table.problem("no-ratings", what, row=table.header_row)])
    scores = pd.DataFrame(out, columns=["respondent", "rater_unit", "rated_unit", "dimension", "score"])
    # Partial answers: a respondent who scored some questions about a unit and left others missing.
    answered = scores.assign(ok=scores["score"].notna()).groupby(["respondent", "rated_unit"])["ok"].agg(["any", "all"])
    counts["partial"] = int((answered["any"] & ~answered["all"]).sum())
    dimensions = tuple(dict.fromkeys(scores["dimension"]))
    result = RatingResponses(scores=scores, dimensions=dimensions, scale=scale, anonymous=anonymous, counts=counts,
                             path=str(path))
    result.counts["layout"] = layout  # type: ignore[assignment]
    return result


def relabel(responses: RatingResponses, respondents: dict | None = None, units: dict | None = None) -> RatingResponses:
    """The responses with respondent ids and unit names replaced (pseudonyms; small units merged)."""
    from dataclasses import replace

    scores = responses.scores.copy()
    if respondents:
        scores["respondent"] = scores["respondent"].map(lambda r: respondents.get(r, r))
    if units:
        for col in ("rater_unit", "rated_unit"):
            scores[col] = scores[col].map(lambda u: units.get(u, u))
    return replace(responses, scores=scores)


def _no_unit(text: str, units: dict[str, str]) -> str:
    """The message of a unit name the roster has not: where it is the name of departments in
    several directorates, which the roster reader names with their directorate ("Administration
    (Children)": ``same-unit-name``), the message names those units (no person's data)."""
    stem = fold_text(text) + " ("
    alike = sorted(name for key, name in units.items() if key.startswith(stem) and name.endswith(")"))
    if len(alike) > 1:
        return (f"names {len(alike)} units, one in each of several directorates (" + ", ".join(map(repr, alike))
                + "): write the unit with its directorate in brackets, as the roster's units are named")
    return "names no unit of the roster"
