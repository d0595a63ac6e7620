"""Metrics: measure the network against a formal unit partition.

:func:`measure` computes every metric family and returns a :class:`Measurement`. Each public
metric function lives in the module of its family and is listed in ``__all__`` here; every name in
``__all__`` has a section in ``docs/metrics.md`` (a test keeps the two in step).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..graph import OrgGraph, UnitPartition
from .boundary import ei_index, unit_pair_table, unit_table
from .degree import degree_table
from .partition import modularity

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
]


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


def measure(graph: OrgGraph, by: str | None = None) -> Measurement:
    """Measure ``graph`` against the units of roster column ``by`` (default: the department column).

    Returns person, unit, unit-pair and organisation metrics as a :class:`Measurement`; see
    ``docs/metrics.md`` for every definition.
    """
    units = graph.partition(by)
    people = _people_frame(graph, units)
    unit_frame = unit_table(graph, units)
    pairs = unit_pair_table(graph, units)
    summary = _summary(graph, units, unit_frame)
    from .. import __version__

    parameters = {
        "unit_column": units.column,
        "directed": True,
        "weight": graph.tie_info.get("weight_column") or "none (every tie weighs 1)",
        "duplicate_pairs": "largest weight kept",
        "self_ties": "dropped",
        "modularity_headline": "directed, weighted (Leicht & Newman 2008)",
        "ei_headline": "all ties touching the unit",
        "roster": _file_name(graph.roster.path) if graph.roster is not None else None,
        "ties": _file_name(graph.tie_info.get("path")),
        "dropped_rows": dict(graph.tie_info.get("dropped", {})),
        "ona_version": __version__,
    }
    return Measurement(people=people, units=unit_frame, unit_pairs=pairs, summary=summary, parameters=parameters)


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
