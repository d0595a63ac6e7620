"""Degree and strength of each person, and how many of their ties stay inside their own unit."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..graph import OrgGraph, UnitPartition

__all__ = ["degree_table"]


def degree_table(graph: OrgGraph, units: UnitPartition) -> pd.DataFrame:
    """Per person: in/out degree, in/out strength, internal and external ties, person E-I.

    Definitions (directed graph, each directed tie counted once at each end):

    - ``in_degree`` / ``out_degree``: number of people who named / were named by the person.
    - ``in_strength`` / ``out_strength``: sum of the weights of those ties.
    - ``internal_ties``: ties sent or received whose other end is in the person's own unit;
      ``external_ties``: those whose other end is in another unit. A mutual tie counts twice (once
      sent, once received).
    - ``ei_index`` = (external - internal) / (external + internal), Krackhardt & Stern (1988),
      from -1 (all ties inside the unit) to +1 (all outside); NaN for a person with no ties.
    - ``external_share`` = external / (external + internal); NaN for a person with no ties.

    >>> import pandas as pd, numpy as np
    >>> from ona.graph import OrgGraph
    >>> g = OrgGraph(pd.DataFrame({"unit": ["A", "A", "B"]}, index=["a", "b", "c"]),
    ...              np.array([0, 0, 1]), np.array([1, 2, 0]), np.array([1.0, 2.0, 1.0]))
    >>> t = degree_table(g, g.partition("unit"))
    >>> [t.loc["a", c].item() for c in ["out_degree", "internal_ties", "external_ties", "ei_index"]]
    [2, 2, 1, -0.3333333333333333]
    """
    n = graph.n
    src, tgt, w = graph.source, graph.target, graph.weight
    same = units.codes[src] == units.codes[tgt]
    out_deg = np.bincount(src, minlength=n)
    in_deg = np.bincount(tgt, minlength=n)
    internal = np.bincount(src, weights=same, minlength=n) + np.bincount(tgt, weights=same, minlength=n)
    total = out_deg + in_deg
    external = total - internal
    with np.errstate(invalid="ignore", divide="ignore"):
        ei = np.where(total > 0, (external - internal) / total, np.nan)
        share = np.where(total > 0, external / total, np.nan)
    return pd.DataFrame({
        "in_degree": in_deg.astype(np.int64),
        "out_degree": out_deg.astype(np.int64),
        "in_strength": np.bincount(tgt, weights=w, minlength=n),
        "out_strength": np.bincount(src, weights=w, minlength=n),
        "internal_ties": internal.astype(np.int64),
        "external_ties": external.astype(np.int64),
        "ei_index": ei,
        "external_share": share,
    }, index=graph.ids)
