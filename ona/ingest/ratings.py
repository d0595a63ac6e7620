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
    per dimension, its own ``labels``, ``reverse`` (with ``min``/``max``: score -> min + max - score)
    and ``subscale``; ``missing``: answers that mean no answer."""

    labels: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_LABELS))
    missing: tuple[str, ...] = DEFAULT_MISSING
    dimensions: dict[str, dict] = field(default_factory=dict)
    subscales: dict[str, list[str]] = field(default_factory=dict)
    path: str | None = None

    def score(self, dimension: str, answer: str) -> tuple[float | None, str]:
        """(score, status): status is "ok", "missing" (no answer / don't know) or "unknown"."""
        text = str(answer).strip()
        key = fold_text(text)
        if key == "" or key in {fold_text(m) for m in self.missing}:
            return None, "missing"
        spec = self.dimensions.get(dimension, {})
        labels = {fold_text(k): v for k, v in {**self.labels, **spec.get("labels", {})}.items()}
        if key in labels:
            value = float(labels[key])
        else:
            try:
                value = float(text.replace(",", "."))
            except ValueError:
                return None, "unknown"
            if not math.isfinite(value):
                return None, "unknown"
        if spec.get("reverse"):
            value = float(spec.get("min", 1)) + float(spec.get("max", 5)) - value
        return value, "ok"

    def subscale_of(self, dimension: str) -> str | None:
        for name, members in self.subscales.items():
            if dimension in members:
                return name
        return self.dimensions.get(dimension, {}).get("subscale")


def read_scale(path: str | Path | None) -> Scale:
    """Read a scale file (TOML); errors name the file and key."""
    if path is None:
        return Scale()
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise OnaError(f"{path.name}: is not a readable scale file ({exc})") from None
    unknown = set(data) - {"labels", "missing", "dimensions", "subscales"}
    if unknown:
        raise OnaError(f"{path.name}: unknown section(s) {', '.join(sorted(unknown))}; known: labels, missing, "
                       "dimensions, subscales")
    for where, mapping in [("labels", data.get("labels", {}))] + [
            (f"dimensions.{d}.labels", spec.get("labels", {})) for d, spec in data.get("dimensions", {}).items()]:
        for label, value in mapping.items():
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                raise OnaError(f"{path.name}: [{where}] {label!r} must be a number, not {value!r}")
    subscales = {k: [str(x) for x in v] for k, v in data.get("subscales", {}).items()}
    return Scale(labels={**DEFAULT_LABELS, **data.get("labels", {})}, missing=tuple(data.get("missing", DEFAULT_MISSING)),
                 dimensions={str(k): dict(v) for k, v in data.get("dimensions", {}).items()},
                 subscales=subscales, path=str(path))


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
    """(unit, dimension) from a wide header such as "Finance – timely", or None."""
    parts = _SEPARATORS.split(header)
    for i in range(1, len(parts)):
        left, right = " - ".join(parts[:i]), " - ".join(parts[i:])
        for unit_text, dim in ((left, right), (right, left)):
            for candidate in (unit_text, header[: len(unit_text)]):
                unit = units.get(fold_text(candidate))
                if unit and dim.strip():
                    return unit, dim.strip()
    # Units whose own names contain a separator ("Building - Permits"): match by prefix.
    key = fold_text(header)
    for folded, unit in sorted(units.items(), key=lambda kv: -len(kv[0])):
        if key.startswith(folded) and len(key) > len(folded):
            rest = _SEPARATORS.sub(" ", header[len(unit):]).strip()
            if rest:
                return unit, rest
    return None


def read_ratings(path: str | Path, roster: Roster | None, *, by: str | None = None, scale: Scale | None = None,
                 sheet: str | None = None) -> RatingResponses:
    """Read a unit-rates-unit response sheet, long or wide (see the module docstring).

    ``by``: the roster column whose units are rated (default: the roster's unit column). Every
    answer that is neither a score, a known label nor a missing answer is an error with its cell."""
    scale = scale or Scale()
    table = read_table(path, sheet, wanted_headers=None if sheet else [list(_RESPONDENT + _RATER_UNIT)])
    headers = table.headers
    keys = {normalise_header(h): h for h in headers}
    unit_column = by or (roster.unit_columns[-1] if roster is not None and roster.unit_columns else None)
    unit_names = sorted(set(roster.people[unit_column])) if roster is not None and unit_column else []
    rater_col = next((keys[k] for k in _RATER_UNIT if k in keys), None)
    rated_col = next((keys[k] for k in _RATED if k in keys), None)
    respondent_col = next((keys[k] for k in _RESPONDENT if k in keys), None)
    if rater_col is None and respondent_col is None:
        respondent_col = find_column(table, "id", None, required=False)
    if rater_col is None and (roster is None or respondent_col is None):
        raise InputError([table.problem("ratings-columns", "needs a respondent column joined to the roster, or a "
                                        "column with the respondent's own unit (anonymous surveys)",
                                        row=table.header_row)])
    if rated_col is None and not unit_names and rater_col is not None:
        unit_names = sorted(set(table.frame[rater_col].str.strip()) - {""})
    units = {fold_text(u): u for u in unit_names}
    problems: list[Problem] = []
    frame = table.frame
    rows = np.asarray(table.rows)
    # Who answered, and their unit.
    if rater_col is not None:
        rater_units = frame[rater_col].str.strip()
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
        rated_units = frame[rated_col].str.strip()
        for h in dims:
            values = frame[h]
            for i in range(len(frame)):
                records.append((respondents.iat[i], rater_units.iat[i], rated_units.iat[i], h, values.iat[i],
                                int(rows[i]), h))
        layout = "long"
    else:
        pairs = {h: _split_header(h, units) for h in headers if h not in {rater_col, respondent_col}}
        rated = {h: p for h, p in pairs.items() if p is not None}
        if not rated:
            raise InputError([table.problem("ratings-columns", "has no rated-unit column and no columns named "
                                            "'<unit> – <question>'; see the ratings template", row=table.header_row)])
        for h, (unit, dim) in rated.items():
            values = frame[h]
            for i in range(len(frame)):
                records.append((respondents.iat[i], rater_units.iat[i], unit, dim, values.iat[i], int(rows[i]), h))
        layout = "wide"
    out, counts = [], {"ok": 0, "missing": 0}
    known_units = set(unit_names)
    for respondent, rater, rated_unit, dim, answer, row, column in records:
        if respondent is None or (isinstance(respondent, float) and math.isnan(respondent)):
            continue
        if known_units and rated_unit not in known_units:
            folded = units.get(fold_text(rated_unit))
            if folded is None:
                problems.append(table.problem("unknown-unit", "names no unit of the roster", row=row,
                                              column=rated_col or column))
                continue
            rated_unit = folded
        value, status = scale.score(dim, answer)
        if status == "unknown":
            problems.append(table.problem("bad-rating", "is neither a number, a label of the scale nor a "
                                          "'don't know' answer; add it to the scale file", row=row, column=column))
            continue
        counts[status] += 1
        out.append((str(respondent), str(rater), rated_unit, dim, np.nan if value is None else value))
    if problems:
        raise InputError(problems[:200])
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
