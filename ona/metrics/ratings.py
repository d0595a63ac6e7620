"""How units see each other: unit x unit rating matrices, the perception gap, perceived vs actual
collaboration, and line vs support functions (definitions with references in docs/metrics.md).

A respondent's score for a subscale (or overall) and a rated unit is the mean of their scores on
the subscale's dimensions (or on all) for that unit, over the items they answered whose cell is
shown: a dimension's cell with fewer than ``min_group_size`` respondents counts in no subscale or
overall score (else, with the shown cells, a hidden one would follow from the overall one). A cell "A rates
B" pools the respondents of unit A rating unit B: mean, n (respondents), sample standard deviation
and a 95% t-interval mean ± t(0.975, n − 1) · sd / √n (Student 1908). Cells with fewer than
``min_group_size`` respondents are suppressed everywhere: no gap is built from them, and the figures
that pool cells (a unit's rating of the others and by the others, the support units' reach) leave
their respondents out, so no hidden cell can be worked out by subtracting the shown ones.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import InputError, Problem
from ..ingest.ratings import RatingResponses

__all__ = ["RatingsResult", "measure_ratings", "rating_cells", "perception_gaps", "MANAGER_PATTERN"]

OVERALL = "overall"
MANAGER_PATTERN = r"director|head|leader|manager|chef|leder|direktør|chef"


@dataclass
class RatingsResult:
    cells: pd.DataFrame            # measure, rater_unit, rated_unit, mean, n, sd, ci_low, ci_high, suppressed
    gaps: pd.DataFrame             # unit_a, unit_b, a_rates_b, b_rates_a, gap, disagreement
    units: pd.DataFrame            # unit: self rating, rates others, rated by others, gap
    perceived_vs_actual: pd.DataFrame | None = None
    support: pd.DataFrame | None = None
    parameters: dict = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        out = {"rating_cells": self.cells, "rating_gaps": self.gaps, "rating_units": self.units}
        if self.perceived_vs_actual is not None:
            out["rated_vs_ties"] = self.perceived_vs_actual
        if self.support is not None:
            out["support_reach"] = self.support
        return out


@dataclass
class _Scores:
    """The respondents' scores, computed once per measurement (:func:`_respondent_scores`) and shared by
    every figure built from them.

    ``shown``: one row per (measure, respondent, rater_unit, rated_unit) with the score from the
    shown cells only. ``answered``: per (measure, rater_unit, rated_unit), the respondents who
    answered at least one of its questions, hidden cells included (a count reveals no answer)."""
    shown: pd.DataFrame
    answered: pd.Series


_CELL = ["measure", "rater_unit", "rated_unit"]


def _respondent_scores(responses: RatingResponses, min_group_size: int = 1) -> _Scores:
    """The respondents' scores (see :class:`_Scores`). A dimension's score is the mean of the
    respondent's answers on it for the rated unit; subscale and overall scores are means over the
    dimensions whose (rater unit, rated unit) cell has at least ``min_group_size`` respondents (a
    hidden cell counts in none)."""
    s = responses.scores.dropna(subset=["score"])
    per_dim = s.groupby(["dimension", "respondent", "rater_unit", "rated_unit"], as_index=False)["score"].mean()
    shown = per_dim.groupby(["dimension", "rater_unit", "rated_unit"])["respondent"].transform("nunique") \
        >= min_group_size
    kept = per_dim.loc[shown, ["dimension", "rater_unit", "rated_unit"]].drop_duplicates()
    s = s.merge(kept, on=["dimension", "rater_unit", "rated_unit"], how="inner")
    scale = responses.scale
    answered = [per_dim.rename(columns={"dimension": "measure"})]
    sub_all = per_dim.assign(measure=per_dim["dimension"].map(scale.subscale_of)).dropna(subset=["measure"])
    if len(sub_all):
        answered.append(sub_all)
    answered.append(per_dim.assign(measure=OVERALL))
    per_dim = per_dim.rename(columns={"dimension": "measure"})
    frames = [per_dim]
    sub = s.assign(subscale=s["dimension"].map(scale.subscale_of)).dropna(subset=["subscale"])
    if len(sub):
        frames.append(sub.groupby(["subscale", "respondent", "rater_unit", "rated_unit"], as_index=False)["score"]
                      .mean().rename(columns={"subscale": "measure"}))
    frames.append(s.groupby(["respondent", "rater_unit", "rated_unit"], as_index=False)["score"].mean()
                  .assign(measure=OVERALL))
    respondents = pd.concat(answered, ignore_index=True).groupby(_CELL)["respondent"].nunique().rename("score")
    return _Scores(shown=pd.concat(frames, ignore_index=True), answered=respondents)


def rating_cells(responses: RatingResponses, *, min_group_size: int = 5) -> pd.DataFrame:
    """The unit x unit cells of every measure (dimensions, subscales, overall)."""
    return _cells(responses, _respondent_scores(responses, min_group_size), min_group_size)


def _cells(responses: RatingResponses, scores: _Scores, min_group_size: int) -> pd.DataFrame:
    """The cells of :func:`rating_cells` from the respondents' ``scores`` (of the same ``min_group_size``)."""
    per = scores.shown
    grouped = per.groupby(_CELL)["score"]
    cells = grouped.agg(mean="mean", n="count", sd="std").reset_index()
    # A subscale or overall cell all of whose questions' cells are hidden has no score left: it is
    # listed hidden, with the respondents who answered (a count reveals no answer).
    everyone = scores.answered
    missing = everyone.index.difference(cells.set_index(_CELL).index)
    if len(missing):
        cells = pd.concat([cells, everyone.loc[missing].rename("n").reset_index()], ignore_index=True)
    t = stats.t.ppf(0.975, np.maximum(cells["n"] - 1, 1))
    half = t * cells["sd"] / np.sqrt(cells["n"])
    cells["ci_low"] = np.where(cells["n"] >= 2, cells["mean"] - half, np.nan)
    cells["ci_high"] = np.where(cells["n"] >= 2, cells["mean"] + half, np.nan)
    cells["self"] = cells["rater_unit"] == cells["rated_unit"]
    cells["suppressed"] = cells["n"] < min_group_size
    for col in ("mean", "sd", "ci_low", "ci_high"):
        cells.loc[cells["suppressed"], col] = np.nan
    order = list(dict.fromkeys(list(responses.dimensions) + sorted(set(per["measure"]) - set(responses.dimensions)
                                                                    - {OVERALL}) + [OVERALL]))
    cells["measure"] = pd.Categorical(cells["measure"], categories=order, ordered=True)
    cells = cells.sort_values(["measure", "rater_unit", "rated_unit"]).reset_index(drop=True)
    cells["measure"] = cells["measure"].astype(str)
    return cells


def perception_gaps(cells: pd.DataFrame, measure: str = OVERALL) -> pd.DataFrame:
    """For every pair of units that rate each other: A's rating of B minus B's rating of A. A
    disagreement is flagged only when the two 95% intervals do not overlap."""
    c = cells[(cells["measure"] == measure) & ~cells["self"]].set_index(["rater_unit", "rated_unit"])
    rows = []
    for (a, b), ab in c.iterrows():
        if a >= b or (b, a) not in c.index:
            continue
        ba = c.loc[(b, a)]
        gap = ab["mean"] - ba["mean"]
        separate = bool(ab["ci_low"] > ba["ci_high"] or ba["ci_low"] > ab["ci_high"]) \
            if not any(math.isnan(x) for x in (ab["ci_low"], ab["ci_high"], ba["ci_low"], ba["ci_high"])) else False
        rows.append({"unit_a": a, "unit_b": b, "a_rates_b": ab["mean"], "b_rates_a": ba["mean"], "gap": gap,
                     "n_a": int(ab["n"]), "n_b": int(ba["n"]), "disagreement": separate})
    gaps = pd.DataFrame(rows, columns=["unit_a", "unit_b", "a_rates_b", "b_rates_a", "gap", "n_a", "n_b",
                                       "disagreement"])
    return gaps.reindex(gaps["gap"].abs().sort_values(ascending=False).index).reset_index(drop=True)


def _visible_overall(scores: _Scores, min_group_size: int) -> pd.DataFrame:
    """The respondents' overall scores that sit in shown cells: a (rater unit, rated unit) cell
    with fewer than ``min_group_size`` respondents is hidden, and so are its scores from every
    figure that pools cells."""
    per = scores.shown
    per = per[per["measure"] == OVERALL]
    size = per.groupby(["rater_unit", "rated_unit"])["respondent"].transform("nunique")
    return per[size >= min_group_size]


def _unit_views(responses: RatingResponses, per: pd.DataFrame) -> pd.DataFrame:
    """Per unit: its self-rating, how it rates the others (pooled over its respondents' overall
    scores of other units) and how the others rate it (pooled over other units' respondents), and
    the gap: how we rate others - how others rate us ("we think we cooperate; they don't"). Only
    shown cells are pooled (``per``, from :func:`_visible_overall`); the respondent counts are of those."""
    units = sorted(set(responses.scores["rater_unit"]) | set(responses.scores["rated_unit"]))
    rows = []
    for u in units:
        own = per[(per["rater_unit"] == u) & (per["rated_unit"] == u)]
        out = per[(per["rater_unit"] == u) & (per["rated_unit"] != u)]
        inn = per[(per["rated_unit"] == u) & (per["rater_unit"] != u)]
        rows.append({"unit": u, "rates_itself": own["score"].mean(), "rates_others": out["score"].mean(),
                     "respondents_rating_others": out["respondent"].nunique(),
                     "rated_by_others": inn["score"].mean(), "respondents_rating_it": inn["respondent"].nunique(),
                     "gap": out["score"].mean() - inn["score"].mean()})
    return pd.DataFrame(rows).set_index("unit")


def _perceived_vs_actual(cells: pd.DataFrame, unit_pairs: pd.DataFrame) -> pd.DataFrame:
    """Each rated pair beside its ties: observed/expected ties from the rater unit to the rated
    unit. A pair "rates well with almost no ties" when its rating is in the top third of all pairs
    and its ties in the bottom third; "many ties, poor rating" the other way round."""
    overall = cells[(cells["measure"] == OVERALL) & ~cells["self"] & ~cells["suppressed"]]
    pairs = unit_pairs[["from_unit", "to_unit", "ties", "density", "observed_expected"]].astype(
        {"from_unit": str, "to_unit": str})
    merged = overall.merge(pairs, left_on=["rater_unit", "rated_unit"], right_on=["from_unit", "to_unit"], how="left")
    merged = merged[["rater_unit", "rated_unit", "mean", "n", "ties", "density", "observed_expected"]]
    if len(merged) >= 3:
        hi_r, lo_r = merged["mean"].quantile(2 / 3), merged["mean"].quantile(1 / 3)
        hi_t, lo_t = merged["observed_expected"].quantile(2 / 3), merged["observed_expected"].quantile(1 / 3)
        merged["pattern"] = np.select(
            [(merged["mean"] >= hi_r) & (merged["observed_expected"] <= lo_t),
             (merged["mean"] <= lo_r) & (merged["observed_expected"] >= hi_t)],
            ["rated well, almost no ties", "many ties, poor rating"], default="")
    else:
        merged["pattern"] = ""
    return merged.reset_index(drop=True)


def _support_reach(per: pd.DataFrame, people: pd.DataFrame, unit_column: str, type_column: str,
                   graph, manager_pattern: str) -> pd.DataFrame:
    """For each support unit: the share of line units, and of line managers, with a tie to or from
    one of its people; how the line rates it; how it rates the line (pooled overall scores of the
    shown cells only: ``per``, from :func:`_visible_overall`)."""
    kinds = people.groupby(unit_column)[type_column].agg(lambda v: v.mode().iat[0] if len(v.mode()) else "")
    is_support = kinds.str.lower().str.contains("support|stab|stöd|støtte")
    support_units = sorted(kinds.index[is_support])
    line_units = sorted(kinds.index[~is_support])
    ids = [str(i) for i in graph.ids]
    unit_of = people[unit_column].astype(str).reindex(ids).to_numpy()
    role = None
    for col in people.columns:
        if normalise(col) in ("role", "title", "job title", "position", "stilling", "befattning"):
            role = people[col].astype(str).reindex(ids)
            break
    managers = role.str.contains(manager_pattern, case=False, regex=True).to_numpy() if role is not None \
        else np.zeros(len(ids), dtype=bool)
    rows = []
    for s in support_units:
        in_s = unit_of == s
        touching = in_s[graph.source] | in_s[graph.target]
        partners = np.unique(np.concatenate([graph.source[touching], graph.target[touching]]))
        partner_units = set(unit_of[partners]) & set(line_units)
        line_managers = np.flatnonzero(managers & np.isin(unit_of, line_units))
        reached_managers = np.intersect1d(line_managers, partners)
        by_line = per[(per["rated_unit"] == s) & per["rater_unit"].isin(line_units)]
        of_line = per[(per["rater_unit"] == s) & per["rated_unit"].isin(line_units)]
        rows.append({
            "support_unit": s,
            "line_units_reached": len(partner_units), "line_units": len(line_units),
            "line_unit_reach": len(partner_units) / len(line_units) if line_units else np.nan,
            "line_managers_reached": len(reached_managers), "line_managers": len(line_managers),
            "line_manager_reach": len(reached_managers) / len(line_managers) if len(line_managers) else np.nan,
            "line_rates_it": by_line["score"].mean(), "it_rates_line": of_line["score"].mean(),
        })
    return pd.DataFrame(rows)


#: Headers of the unit-type (line/support) column looked for when none is named.
UNIT_TYPE_HEADERS = ("function", "unit type", "type", "funktion")


def normalise(text: str) -> str:
    return re.sub(r"[\s_.-]+", " ", str(text).strip().lower())


def unit_type_column(columns) -> str | None:
    """The first of ``columns`` headed as a unit-type column (:data:`UNIT_TYPE_HEADERS`), or None."""
    return next((c for c in columns if normalise(c) in UNIT_TYPE_HEADERS), None)


def _type_column(people: pd.DataFrame, type_column: str | None, roster) -> str | None:
    """The roster column of unit types: ``type_column`` (matched ignoring case; an unknown name is
    an InputError naming the roster), else a column called function, unit type, type or funktion."""
    if type_column is None:
        return unit_type_column(people.columns)
    found = next((c for c in people.columns if normalise(c) == normalise(type_column)), None)
    if found is None:
        choices = ", ".join(repr(c) for c in people.columns)
        raise InputError([Problem("unknown-unit-column", f"has no column {type_column!r} for --unit-type-column "
                                  "(type_column= in Python); "
                                  f"choose one of: {choices}", path=getattr(roster, "path", None),
                                  sheet=getattr(roster, "sheet", None), row=getattr(roster, "header_row", None))])
    return found


def measure_ratings(responses: RatingResponses, *, min_group_size: int = 5, measurement=None, graph=None,
                    type_column: str | None = None, manager_pattern: str = MANAGER_PATTERN) -> RatingsResult:
    """All rating results; with a network ``measurement`` (and its ``graph``) also perceived vs
    actual and, when the roster has a unit-type column (line/support), the support units' reach.
    A ``type_column`` the roster lacks is an error even when there are no ties to reach with. The
    respondents' scores are computed once and every figure is built from them."""
    types = _type_column(graph.people, type_column, graph.roster) if graph is not None else None
    scores = _respondent_scores(responses, min_group_size)
    cells = _cells(responses, scores, min_group_size)
    gaps = perception_gaps(cells)
    visible = _visible_overall(scores, min_group_size)
    units = _unit_views(responses, visible)
    result = RatingsResult(cells=cells, gaps=gaps, units=units,
                           parameters={"min_group_size": min_group_size, "interval": "95% t-interval",
                                       "disagreement": "95% intervals of A->B and B->A do not overlap",
                                       "answers": {k: v for k, v in responses.counts.items()}})
    if measurement is not None and graph is not None and graph.m:
        result.perceived_vs_actual = _perceived_vs_actual(cells, measurement.unit_pairs)
        if types is not None:
            result.support = _support_reach(visible, graph.people, measurement.parameters["unit_column"], types,
                                            graph, manager_pattern)
    return result
