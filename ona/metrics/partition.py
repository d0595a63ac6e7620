"""Modularity of the formal unit partition: how far the units are the network's real clusters."""

from __future__ import annotations

import random

import numpy as np

from ..graph import OrgGraph, UnitPartition

__all__ = ["modularity", "unit_contributions", "communities"]


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
    # Q does not change when every weight is scaled by one factor; scaled to at most 1, the sums of
    # products below cannot overflow (weights of 1e200 gave inf - inf = NaN).
    w = graph.weight / graph.weight.max() if weighted else np.ones(graph.m)
    if directed:
        m = w.sum()
        inside = w[codes[src] == codes[tgt]].sum()
        k_out = np.bincount(codes[src], weights=w, minlength=k)
        k_in = np.bincount(codes[tgt], weights=w, minlength=k)
        return float(inside / m - (k_out * k_in).sum() / m**2)
    # Undirected: collapse each unordered pair to one edge (the key in 64 bits: 32-bit node
    # indices would overflow lo * n above 46,340 people).
    lo, hi = np.minimum(src, tgt), np.maximum(src, tgt)
    key = lo.astype(np.int64) * graph.n + hi
    uniq, inverse = np.unique(key, return_inverse=True)
    pw = np.bincount(inverse, weights=w) if weighted else np.ones(len(uniq))
    a, b = uniq // graph.n, uniq % graph.n
    total = pw.sum()
    inside = pw[codes[a] == codes[b]].sum()
    degree = np.bincount(codes[a], weights=pw, minlength=k) + np.bincount(codes[b], weights=pw, minlength=k)
    return float(inside / total - ((degree / (2 * total)) ** 2).sum())


def unit_contributions(graph: OrgGraph, units: UnitPartition) -> np.ndarray:
    r"""Each unit's term of the directed, weighted modularity: w_UU / m - K_U^out K_U^in / m^2.

    They sum to Q (Leicht & Newman 2008). A unit with a large contribution is a silo: far more of
    the organisation's ties stay inside it than its share of ties would give. NaN with no ties.
    """
    k = len(units)
    if graph.m == 0:
        return np.full(k, np.nan)
    codes = units.codes
    w = graph.weight / graph.weight.max()  # (scaled as in modularity: no overflow)
    m = w.sum()
    same = codes[graph.source] == codes[graph.target]
    inside = np.bincount(codes[graph.source][same], weights=w[same], minlength=k)
    k_out = np.bincount(codes[graph.source], weights=w, minlength=k)
    k_in = np.bincount(codes[graph.target], weights=w, minlength=k)
    return inside / m - k_out * k_in / m**2


def communities(graph: OrgGraph, units: UnitPartition, *, seed: int = 1, resolution: float = 1.0):
    """Communities found by Leiden among the people with a tie, and how they line up with the units.

    Leiden (Traag, Waltman & van Eck 2019; igraph, modularity objective, resolution 1, run to
    convergence, seeded) on the undirected network with pair weight w_ij + w_ji. A person with no
    tie at all (nobody named them and they named nobody: in a survey, often someone who did not
    answer) belongs to no community: Leiden would make each such person a community of one, which
    says nothing about how people work together and, counted, would inflate the number of
    communities, lower the agreement with the units and make a unit with many non-respondents look
    split. So communities, their agreement with the units and the per-unit figures are over the
    people with at least one tie. Returns ``(membership, summary, crosstab, per_unit)``:

    - ``membership``: each person's community, numbered 0, 1, ... by size (largest first); -1 for
      a person with no tie;
    - ``summary``: number of communities, their modularity Q (undirected, weighted) beside the
      formal units' Q on the same graph, and the agreement between the two partitions of the
      people with a tie: normalised mutual information (NMI; Danon et al. 2005) and adjusted Rand
      index (ARI; Hubert & Arabie 1985), 1 = identical, about 0 = unrelated (NaN with no ties, and ARI
      NaN when both partitions are one group, or all singletons);
      ``community_people`` is how many people with a tie they are over;
    - ``crosstab``: people of each unit (rows) in each community (columns), and a last column
      ``no tie`` for the unit's people without one;
    - ``per_unit``: each unit's main community, the share of its people with a tie in it,
      ``fragmented`` (no community holds two thirds of them: the unit works as several groups) and
      ``merged_with`` (other units whose main community is the same, each holding at least two
      thirds of its people there: a hidden team across the formal lines). A unit none of whose
      people has a tie has no main community and is not fragmented.
    """
    import igraph as ig
    import pandas as pd

    n = graph.n
    lo, hi = np.minimum(graph.source, graph.target), np.maximum(graph.source, graph.target)
    key = lo.astype(np.int64) * n + hi
    uniq, inverse = np.unique(key, return_inverse=True)
    weights = np.bincount(inverse, weights=graph.weight) if graph.m else np.zeros(0)
    g = ig.Graph(n=n, edges=np.column_stack([uniq // n, uniq % n]).tolist(), directed=False)
    state = random.getstate()
    random.seed(seed)
    try:
        found = g.community_leiden(objective_function="modularity", weights=weights.tolist(),
                                   resolution=resolution, n_iterations=-1)
    finally:
        random.setstate(state)
    found_membership = np.asarray(found.membership, dtype=np.int64)
    tied = (np.bincount(graph.source, minlength=n) + np.bincount(graph.target, minlength=n)) > 0
    # Number the communities of people with a tie by size (largest first): stable, readable labels.
    sizes = np.bincount(found_membership[tied], minlength=found_membership.max() + 1 if n else 0)
    order = np.argsort(-sizes, kind="stable")
    relabel = np.empty_like(order)
    relabel[order] = np.arange(len(order))
    membership = np.where(tied, relabel[found_membership] if n else found_membership, -1)
    has_ties = graph.m > 0
    q_comm = g.modularity(found_membership.tolist(), weights=weights.tolist()) if has_ties else float("nan")
    q_units = g.modularity(units.membership(), weights=weights.tolist()) if has_ties else float("nan")
    unit_codes = np.asarray(units.membership())
    summary = {
        "communities": int((sizes > 0).sum()),
        "community_people": int(tied.sum()),
        "community_modularity": float(q_comm),
        "unit_modularity_undirected": float(q_units),
        "unit_community_nmi": _agreement(ig, unit_codes[tied], membership[tied], "nmi"),
        "unit_community_ari": _agreement(ig, unit_codes[tied], membership[tied], "adjusted_rand"),
        "community_seed": seed,
    }
    labels = np.asarray(units.labels, dtype=object)
    unit_of = pd.Series(labels[units.codes], name="unit")
    every_unit = pd.Index(sorted(unit_of.unique()), name="unit")
    crosstab = pd.crosstab(unit_of[tied], pd.Series(membership[tied] + 1, name="community", index=unit_of.index[tied]))
    crosstab = crosstab.reindex(every_unit, fill_value=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = crosstab.div(crosstab.sum(axis=1), axis=0)
    anyone = crosstab.sum(axis=1) > 0
    main = shares[anyone].idxmax(axis=1).reindex(crosstab.index) if crosstab.shape[1] else \
        pd.Series(np.nan, index=crosstab.index)
    share = shares.max(axis=1).where(anyone)
    per_unit = pd.DataFrame({"main_community": main, "main_community_share": share,
                             "communities_spanned": (crosstab > 0).sum(axis=1)})
    per_unit["fragmented"] = (per_unit["main_community_share"] < 2 / 3) & anyone
    strong = per_unit[~per_unit["fragmented"] & anyone]
    merged = []
    for unit, row in per_unit.iterrows():
        if row["fragmented"] or not anyone[unit]:
            merged.append("")
            continue
        mates = [u for u in strong.index[strong["main_community"] == row["main_community"]] if u != unit]
        merged.append("; ".join(str(u) for u in mates))
    per_unit["merged_with"] = merged
    crosstab.columns = [f"community {c}" for c in crosstab.columns]
    crosstab["no tie"] = unit_of[~tied].value_counts().reindex(crosstab.index, fill_value=0).to_numpy()
    return membership, summary, crosstab, per_unit


def _agreement(ig, units: np.ndarray, found: np.ndarray, method: str) -> float:
    """igraph's ``compare_communities`` of two partitions of the same people; NaN for no people."""
    if len(units) == 0:
        return float("nan")
    return float(ig.compare_communities(units.tolist(), found.tolist(), method=method))
