"""Fragile bridges: the ties between units that hang on a single person.

For every pair of units {A, B} with at least one tie between them (either direction):

- ``ties``: the ties between A and B, both directions;
- ``carriers``: the distinct people at either end of those ties (from A and from B);
- ``single_point``: the person who is at one end of *every* tie between A and B, if there is one
  (two units joined only through one person). If that person leaves, A and B have no direct tie.

And per unit U, the person (inside or outside U) at one end of every tie between U and the rest
of the organisation, if there is one: if they leave, U is cut off.

These are the "who must not leave" lists: each person whose departure would cut a unit off from
another unit or from everyone else. The notion is Burt's (1992) bridge and Granovetter's (1973)
local bridge, applied to units rather than to people: a unit pair held together by one person is
a structural hole with a single broker.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..graph import OrgGraph, UnitPartition

__all__ = ["fragile_bridges"]


def _cut_points(people_per_tie: pd.DataFrame, group: str) -> pd.DataFrame:
    """Per group: every person who is an end of every tie of the group (their leaving cuts it).

    One person when a single person carries the link; two when the link is one relationship
    (a single tie, or a mutual pair) between the same two people.
    """
    totals = people_per_tie.groupby(group)["tie"].nunique()
    hits = people_per_tie.groupby([group, "person"])["tie"].nunique().reset_index()
    return hits[hits["tie"].to_numpy() == totals.reindex(hits[group]).to_numpy()][[group, "person"]]


def fragile_bridges(graph: OrgGraph, units: UnitPartition) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Unit pairs with the people who carry their ties, and the people who must not leave.

    Returns ``(pairs, must_not_leave)``. ``pairs`` has one row per connected unordered unit pair:
    ``unit_a``, ``unit_b``, ``ties``, ``carriers_a``, ``carriers_b``, ``carriers`` and ``cut_by``
    (the ids of the people whose departure removes every tie between the two units, ``; ``-separated;
    empty when no single departure does). ``must_not_leave`` lists each such person with what they
    would cut (``cuts`` = "A ↔ B", or "A ↔ rest" when every tie between unit A and the rest of the
    organisation runs through them) and ``alone``: true when they carry the link by themselves,
    false when the link is one relationship between two people (either leaving cuts it).
    """
    ids = np.asarray(graph.ids, dtype=object)
    labels = np.asarray(units.labels, dtype=object)
    cu, cv = units.codes[graph.source], units.codes[graph.target]
    cross = np.flatnonzero(cu != cv)
    columns = ["unit_a", "unit_b", "ties", "carriers_a", "carriers_b", "carriers", "cut_by"]
    must_columns = ["person", "unit", "cuts", "alone"]
    if len(cross) == 0:
        return pd.DataFrame(columns=columns), pd.DataFrame(columns=must_columns)
    s, t = graph.source[cross], graph.target[cross]
    k = len(units)
    pair = np.minimum(cu[cross], cv[cross]) * k + np.maximum(cu[cross], cv[cross])
    tie = np.arange(len(cross))
    ends = pd.DataFrame({"tie": np.concatenate([tie, tie]), "pair": np.concatenate([pair, pair]),
                         "person": np.concatenate([s, t]),
                         "unit": np.concatenate([units.codes[s], units.codes[t]])})
    ties = pd.Series(pair).value_counts().sort_index()
    carriers_a = ends[ends["unit"] == ends["pair"] // k].groupby("pair")["person"].nunique()
    carriers_b = ends[ends["unit"] == ends["pair"] % k].groupby("pair")["person"].nunique()
    pair_cuts = _cut_points(ends, "pair")
    cut_lists = pair_cuts.groupby("pair")["person"].agg(lambda x: "; ".join(ids[v] for v in sorted(x)))
    pairs = pd.DataFrame({
        "unit_a": labels[ties.index // k], "unit_b": labels[ties.index % k], "ties": ties.to_numpy(),
        "carriers_a": carriers_a.reindex(ties.index).fillna(0).astype(int).to_numpy(),
        "carriers_b": carriers_b.reindex(ties.index).fillna(0).astype(int).to_numpy(),
    })
    pairs["carriers"] = pairs["carriers_a"] + pairs["carriers_b"]
    pairs["cut_by"] = [cut_lists.get(p, "") for p in ties.index]
    # Every unit's ties to the rest of the organisation, from the unit's side.
    touching = pd.DataFrame({"tie": np.concatenate([tie, tie]), "group": np.concatenate([cu[cross], cv[cross]])})
    rest_ends = pd.concat([touching.assign(person=np.concatenate([s, s])),
                           touching.assign(person=np.concatenate([t, t]))])
    unit_cuts = _cut_points(rest_ends, "group")
    rows = []
    for cuts, key, label in ((pair_cuts, "pair", lambda p: f"{labels[p // k]} ↔ {labels[p % k]}"),
                             (unit_cuts, "group", lambda g: f"{labels[g]} ↔ rest")):
        alone = cuts.groupby(key)["person"].transform("count") == 1
        for (g, person), one in zip(cuts[[key, "person"]].itertuples(index=False), alone):
            rows.append((ids[person], labels[units.codes[person]], label(g), bool(one)))
    must = pd.DataFrame(rows, columns=must_columns)
    return pairs.sort_values(["carriers", "ties"]).reset_index(drop=True), must
