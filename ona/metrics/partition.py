"""Modularity of the formal unit partition: how far the units are the network's real clusters."""

from __future__ import annotations

import numpy as np

from ..graph import OrgGraph, UnitPartition

__all__ = ["modularity"]


def modularity(graph: OrgGraph, units: UnitPartition, *, directed: bool = True, weighted: bool = True) -> float:
    r"""Modularity Q of ``units`` on ``graph``.

    Directed (Leicht & Newman 2008):
    :math:`Q = \frac{1}{m}\sum_{ij}\left[A_{ij} - \frac{k_i^{out}k_j^{in}}{m}\right]\delta(c_i, c_j)`,
    with m the total tie weight (or count) and A the (weighted) adjacency matrix, row = sender.

    Undirected (Newman 2006): the ties are first made undirected, the weight of a pair being
    a_ij + a_ji when weighted, and 1 for a pair with a tie either way when not;
    :math:`Q = \sum_c \left[\frac{L_c}{L} - \left(\frac{D_c}{2L}\right)^2\right]`, with L the total
    edge weight, L_c the weight inside unit c and D_c the summed degree (strength) of its members.

    Equals igraph's ``Graph.modularity`` with resolution 1. Returns NaN for a graph with no ties
    (modularity is undefined there).

    >>> import pandas as pd, numpy as np
    >>> from ona.graph import OrgGraph
    >>> g = OrgGraph(pd.DataFrame({"u": list("AABB")}, index=list("abcd")),
    ...              np.array([0, 1, 2, 3]), np.array([1, 0, 3, 2]), np.ones(4))
    >>> modularity(g, g.partition("u"))
    0.5
    """
    if graph.m == 0:
        return float("nan")
    codes = units.codes
    k = len(units)
    src, tgt = graph.source, graph.target
    w = graph.weight if weighted else np.ones(graph.m)
    if directed:
        m = w.sum()
        inside = w[codes[src] == codes[tgt]].sum()
        k_out = np.bincount(codes[src], weights=w, minlength=k)
        k_in = np.bincount(codes[tgt], weights=w, minlength=k)
        return float(inside / m - (k_out * k_in).sum() / m**2)
    # Undirected: collapse each unordered pair to one edge.
    lo, hi = np.minimum(src, tgt), np.maximum(src, tgt)
    key = lo * graph.n + hi
    uniq, inverse = np.unique(key, return_inverse=True)
    pw = np.bincount(inverse, weights=w) if weighted else np.ones(len(uniq))
    a, b = uniq // graph.n, uniq % graph.n
    total = pw.sum()
    inside = pw[codes[a] == codes[b]].sum()
    degree = np.bincount(codes[a], weights=pw, minlength=k) + np.bincount(codes[b], weights=pw, minlength=k)
    return float(inside / total - ((degree / (2 * total)) ** 2).sum())
