"""Metrics: measure the network against a formal unit partition.

:func:`measure` computes every metric family and returns a :class:`Measurement`. Each public
metric function lives in the module of its family and is listed in ``__all__`` here; every name in
``__all__`` has a section in ``docs/metrics.md`` (a test keeps the two in step).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._arguments import check_minimum, check_type
from .._progress import steps
from ..errors import InputError, Problem
from ..graph import OrgGraph, UnitPartition
from .boundary import ei_expectation, ei_index, pair_expectation, unit_pair_table, unit_table
from .bridges import fragile_bridges
from .brokerage import brokerage_roles
from .centrality import EXACT_LIMIT, SAMPLES, betweenness, participation
from .degree import degree_table
from .partition import communities, modularity, unit_contributions
from .structural_holes import structural_holes

__all__ = [
    "Measurement",
    "measure",
    "degree_table",
    "unit_table",
    "unit_pair_table",
    "ei_index",
    "modularity",
    "reciprocity",
    "density",
    "ei_expectation",
    "pair_expectation",
    "brokerage_roles",
    "structural_holes",
    "betweenness",
    "participation",
    "unit_contributions",
    "communities",
    "fragile_bridges",
    "boundary_spanners",
]

#: The documented rule of the ``boundary_spanner`` flag.
BOUNDARY_SPANNER_RULE = ("at least 1 tie inside own unit, ties with people in at least 2 other units, and at least 1/3 "
                         "of own ties across unit lines")


def boundary_spanners(people: pd.DataFrame) -> pd.Series:
    """The ``boundary_spanner`` flag: at least one tie inside one's own unit (``internal_ties``
    >= 1), ties with people in at least two other units (``units_reached`` >= 2) and at least a
    third of one's ties across unit lines (``external_share`` >= 1/3).

    A simple, explainable rule for the people managers should know about; the continuous measures
    behind it (participation, brokerage, betweenness) rank them. After Tushman & Scanlan (1981),
    boundary spanners are linked both inside their unit and outside it: they carry information
    across the boundary, so someone with no tie inside their own unit is not one.
    """
    return (people["internal_ties"] >= 1) & (people["units_reached"] >= 2) & (people["external_share"] >= 1 / 3)


def density(graph: OrgGraph) -> float:
    """Share of ordered pairs of distinct people with a tie: m / (n (n - 1)); NaN when n < 2.

    >>> import pandas as pd, numpy as np
    >>> from ona.graph import OrgGraph
    >>> density(OrgGraph(pd.DataFrame(index=list("abc")), np.array([0]), np.array([1]), np.ones(1)))
    0.16666666666666666
    """
    n = graph.n
    return float(graph.m / (n * (n - 1))) if n > 1 else float("nan")


def reciprocity(graph: OrgGraph) -> float:
    """Share of ties whose reverse tie also exists: |{(i,j) in E : (j,i) in E}| / |E|; NaN with no ties.

    This is the ratio igraph's ``Graph.reciprocity()`` reports by default (Wasserman & Faust 1994,
    ch. 13: the proportion of reciprocated ties among all ties).
    """
    if graph.m == 0:
        return float("nan")
    forward = graph.source.astype(np.int64) * graph.n + graph.target
    backward = graph.target.astype(np.int64) * graph.n + graph.source
    return float(np.isin(backward, forward).sum() / graph.m)


@dataclass
class Measurement:
    """The result of measuring one network against one unit partition.

    - ``people``: one row per person (index: roster id), with their unit and person metrics;
    - ``units``: one row per unit (index: unit name);
    - ``unit_pairs``: one row per ordered pair of units (long form of the unit x unit matrices);
    - ``summary``: organisation-level figures (plain Python numbers);
    - ``parameters``: what was measured and how (inputs, unit column, tie treatment, versions).
    """

    people: pd.DataFrame
    units: pd.DataFrame
    unit_pairs: pd.DataFrame
    summary: dict
    parameters: dict
    extra: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def unit_matrix(self) -> pd.DataFrame:
        """Unit x unit binary tie density, row = sending unit (see :meth:`matrix`)."""
        return self.matrix("density")

    def matrix(self, value: str = "density") -> pd.DataFrame:
        """Square unit x unit frame of ``value`` (``ties``, ``weight``, ``density``, ``weighted_density``)."""
        order = list(self.units.index)
        m = self.unit_pairs.pivot(index="from_unit", columns="to_unit", values=value)
        return m.reindex(index=order, columns=order)


#: The parts of a measurement :func:`measure` can skip (``skip=``): name -> what is then missing. The person
#: map shows none of them (``ona map`` skips them all); the whole report needs every one.
SKIPPABLE = {
    "communities": "the Leiden communities: the people's community column, the units' main community columns, "
                   "the community figures of the summary and the unit_communities table",
    "bridges": "the fragile unit links: the fragile_bridges and must_not_leave tables and their summary figures",
    "betweenness_unweighted": "the people's betweenness_unweighted column (betweenness, weighted, stays)",
}


def _skipped(skip) -> frozenset[str]:
    """The names in ``skip`` (one name, or a collection of them), checked against :data:`SKIPPABLE`."""
    names = (skip,) if isinstance(skip, str) else tuple(skip)
    unknown = sorted({str(name) for name in names} - set(SKIPPABLE))
    if unknown:
        raise InputError([Problem("bad-argument", f"measure(skip={list(names)!r}): {', '.join(unknown)} cannot be "
                                  f"skipped; skip only {', '.join(sorted(SKIPPABLE))}")])
    return frozenset(names)


def measure(graph: OrgGraph, by: str | None = None, *, seed: int = 1, permutations: int = 1000,
            exact_betweenness_limit: int = EXACT_LIMIT, betweenness_samples: int = SAMPLES,
            skip=()) -> Measurement:
    """Measure ``graph`` against the units of roster column ``by`` (default: the department column).

    Returns person, unit, unit-pair and organisation metrics as a :class:`Measurement`; see
    ``docs/metrics.md`` for every definition. ``seed`` seeds every random step (E-I permutations,
    Leiden, sampled betweenness); ``permutations`` is the number of E-I permutations;
    betweenness is exact up to ``exact_betweenness_limit`` people and estimated from
    ``betweenness_samples`` pivots above. Each of the four numbers is a whole number of at least its
    :data:`ona._arguments.MINIMUM` (the command line's limits).

    ``skip`` names parts of :data:`SKIPPABLE` not to compute, for a caller that shows none of them (the
    person map: ``ona map`` skips them all, and with ``permutations=0`` the E-I test too). The parts skipped
    are listed in ``parameters["skipped"]``; every other figure is the same as without ``skip``.
    """
    check_type(graph, OrgGraph, "measure(graph): pass the graph from build_graph")
    seed, permutations, exact_betweenness_limit, betweenness_samples = check_minimum(
        "measure", seed=seed, permutations=permutations, exact_betweenness_limit=exact_betweenness_limit,
        betweenness_samples=betweenness_samples)
    skipped = _skipped(skip)
    units = graph.partition(by)
    labels = ["degrees", "brokerage", "structural holes", "betweenness",
              *(part for part in ("communities", "bridges") if part not in skipped)]
    with steps(labels) as progress:
        people = _people_frame(graph, units)
        progress.advance("brokerage")
        people = people.join(brokerage_roles(graph, units))
        progress.advance("structural holes")
        people = people.join(structural_holes(graph)).join(participation(graph, units))
        people["boundary_spanner"] = boundary_spanners(people)
        progress.advance("betweenness")
        between, between_info = betweenness(graph, exact_limit=exact_betweenness_limit,
                                            samples=betweenness_samples, seed=seed,
                                            unweighted="betweenness_unweighted" not in skipped)
        people = people.join(between)
        community_summary, extra = {}, {}
        if "communities" not in skipped:
            progress.advance("communities")
            membership, community_summary, crosstab, per_unit = communities(graph, units, seed=seed)
            people["community"] = pd.Series(membership + 1, index=people.index).where(membership >= 0).astype("Int64")
        if "bridges" not in skipped:
            progress.advance("bridges")
            bridge_pairs, must_not_leave = fragile_bridges(graph, units)
            extra |= {"fragile_bridges": bridge_pairs, "must_not_leave": must_not_leave}
        if "communities" not in skipped:
            extra["unit_communities"] = crosstab
        progress.advance()
    unit_frame = unit_table(graph, units)
    unit_frame["modularity_contribution"] = unit_contributions(graph, units)
    unit_frame["boundary_spanners"] = people.groupby("unit")["boundary_spanner"].sum().reindex(
        unit_frame.index).fillna(0).astype(np.int64)
    unit_frame["brokerage_total"] = people.groupby("unit")["brokerage_total"].sum().reindex(
        unit_frame.index).fillna(0).astype(np.int64)
    if "communities" not in skipped:
        unit_frame = unit_frame.join(per_unit)
    respondents = graph.tie_info.get("respondents")
    if respondents is not None:
        answered = graph.ids.isin(list(respondents))
        people["responded"] = answered
        counts = pd.Series(answered, index=graph.ids).groupby(people["unit"]).sum()
        unit_frame["respondents"] = counts.reindex(unit_frame.index).fillna(0).astype(np.int64)
        unit_frame["response_rate"] = unit_frame["respondents"] / unit_frame["headcount"]
    summary = _summary(graph, units, unit_frame)
    if respondents is not None:
        summary["respondents"] = int(people["responded"].sum())
        summary["response_rate"] = summary["respondents"] / graph.n if graph.n else float("nan")
    pairs = pair_expectation(unit_pair_table(graph, units), summary["density"] if graph.n > 1 else 0.0)
    summary.update(ei_expectation(graph, units, permutations=permutations, seed=seed))
    summary.update({key: value for key, value in community_summary.items() if key != "community_seed"})
    summary["boundary_spanners"] = int(people["boundary_spanner"].sum())
    if "bridges" not in skipped:
        summary.update({
            "unit_pairs_connected": int(len(bridge_pairs)),
            "unit_pairs_hanging_on_one_person": int((bridge_pairs["cut_by"] != "").sum()) if len(bridge_pairs) else 0,
            "people_who_must_not_leave": int(must_not_leave["person"].nunique()) if len(must_not_leave) else 0,
        })
    from .. import __version__

    parameters = {
        "unit_column": units.column,
        # whether the column was named (by=) or is the roster's own unit column, whatever its header:
        # a comparison of two waves compares the headers of named columns only (ona.compare.comparability)
        "unit_column_from": "by" if by is not None else "roster",
        "directed": True,
        "weight": graph.tie_info.get("weight_column") or "none (every tie weighs 1)",
        "duplicate_pairs": "weights summed" if graph.tie_info.get("repeats") == "sum" else "largest weight kept",
        **_tie_file_parameters(graph.tie_info),
        "tie_rule": graph.tie_info.get("tie_rule", "reported"),
        "tie_shape": graph.tie_info.get("shape"),
        "layers": ", ".join(graph.tie_info.get("layers") or []) or None,
        "layer_combination": graph.tie_info.get("combine"),
        "self_ties": "dropped",
        "modularity_headline": "directed, weighted (Leicht & Newman 2008)",
        "ei_headline": "all ties touching the unit",
        "roster": _file_name(graph.roster.path) if graph.roster is not None else None,
        "ties": _file_name(graph.tie_info.get("path")),
        "dropped_rows": dict(graph.tie_info.get("dropped", {})),
        "brokerage": "Gould & Fernandez (1989) on binary directed ties, units as groups; moments as sna::brokerage",
        "structural_holes": "Burt (1992) on symmetrised ties, pair weight w_ij + w_ji",
        **between_info,
        "ei_permutations": permutations,
        "seed": seed,
        **({} if "communities" in skipped else
           {"communities": "Leiden (igraph), modularity objective, resolution 1, undirected weights w_ij + w_ji"}),
        "boundary_spanner_rule": BOUNDARY_SPANNER_RULE,
        **({"skipped": sorted(skipped)} if skipped else {}),
        "ona_version": __version__,
    }
    return Measurement(people=people, units=unit_frame, unit_pairs=pairs, summary=summary, parameters=parameters,
                       extra=extra)


def _tie_file_parameters(tie_info: dict) -> dict:
    """The parameters that say how a tie file's answers were read: ``weight_labels`` (the number of
    each answer written as a word, when given), and for a tie list with a date column ``tie_dates``
    (the column, and the first and last date of the ties measured) and
    ``tie_window`` (``--ties-since``/``--ties-until``, as :attr:`~ona.ingest.TieTable.window_text`
    states them); none for undated ties."""
    out = {}
    if tie_info.get("weight_labels"):  # (the numbers the survey tool's answers were read as)
        out["weight_labels"] = ", ".join(f"{answer} = {number:g}" for answer, number in tie_info["weight_labels"].items())
    if tie_info.get("date_column"):
        span = tie_info.get("date_span")
        out["tie_dates"] = f"{tie_info['date_column']}: " + (f"{span[0]} to {span[1]}" if span else "none readable")
    if tie_info.get("window"):
        out["tie_window"] = tie_info["window"]
    return out


def _file_name(path: str | None) -> str | None:
    from pathlib import Path

    return Path(path).name if path else None


def _people_frame(graph: OrgGraph, units: UnitPartition) -> pd.DataFrame:
    front = pd.DataFrame(index=graph.ids)
    if graph.roster is not None and graph.roster.name_column:
        front["name"] = graph.people[graph.roster.name_column].to_numpy()
    front["unit"] = np.asarray(units.labels, dtype=object)[units.codes]
    return pd.concat([front, degree_table(graph, units)], axis=1)


def _summary(graph: OrgGraph, units: UnitPartition, unit_frame: pd.DataFrame) -> dict:
    same = units.codes[graph.source] == units.codes[graph.target]
    internal = int(same.sum())
    external = graph.m - internal
    return {
        "people": graph.n,
        "ties": graph.m,
        "units": len(units),
        "density": density(graph),
        "reciprocity": reciprocity(graph),
        "cross_unit_ties": external,
        "cross_unit_share": float(external / graph.m) if graph.m else float("nan"),
        "ei_index": ei_index(external, internal),
        "modularity": modularity(graph, units, directed=True, weighted=True),
        "modularity_directed_binary": modularity(graph, units, directed=True, weighted=False),
        "modularity_undirected_weighted": modularity(graph, units, directed=False, weighted=True),
        "modularity_undirected_binary": modularity(graph, units, directed=False, weighted=False),
        "isolates": int(((np.bincount(graph.source, minlength=graph.n)
                          + np.bincount(graph.target, minlength=graph.n)) == 0).sum()),
    }
