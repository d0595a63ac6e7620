"""Betweenness centrality, and participation in the units (Guimerà & Amaral 2005).

Betweenness of person v (Freeman 1977; Brandes 2001): sum over ordered pairs (s, t), s != v != t,
of the share of shortest directed paths from s to t that pass through v, normalised by
(n - 1)(n - 2), the number of such pairs. Two variants:

- ``betweenness``: weighted, the length of a tie being 1 / weight (a frequent tie is a short
  path). Integer weights are turned into integer lengths (L / w with L the least common multiple
  of the weights), so that paths of equal length compare equal exactly; otherwise floating-point
  sums such as 1 + 1/3 + 1/3 + 1/3 != 2 would drop shortest paths.
- ``betweenness_unweighted``: every tie has length 1.

Exact (Brandes' algorithm, compiled and run on every core: ``_brandes.py``) up to ``exact_limit``
people; above it estimated from ``samples`` random source pivots scaled by n / pivots (Brandes &
Pich 2007), with the pivots and seed reported in the parameters.
"""

from __future__ import annotations

import math
from functools import reduce

import numpy as np
import pandas as pd

from ..graph import OrgGraph, UnitPartition

__all__ = ["betweenness", "participation", "GA_ROLES"]

EXACT_LIMIT = 25_000
SAMPLES = 1_000
_MAX_LCM = 10**9


def _lengths(weight: np.ndarray) -> tuple[np.ndarray, str]:
    """Tie lengths 1/w, as exact integers L/w when the weights are integers with a small LCM."""
    values = np.unique(weight)
    if np.all(values == np.round(values)) and len(values) <= 64:
        lcm = reduce(lambda a, b: a * b // math.gcd(a, b), (int(v) for v in values), 1)
        if lcm <= _MAX_LCM:
            return lcm / weight, f"{lcm} / weight (integer lengths)"
    return 1.0 / weight, "1 / weight"


def betweenness(graph: OrgGraph, *, exact_limit: int = EXACT_LIMIT, samples: int = SAMPLES,
                seed: int = 1, unweighted: bool = True) -> tuple[pd.DataFrame, dict]:
    """Normalised directed betweenness, weighted (length 1/w) and, with ``unweighted``, unweighted.

    c_B(v) = sum over ordered pairs s != v != t of sigma_st(v) / sigma_st, divided by (n - 1)(n - 2),
    where sigma_st counts the shortest paths from s to t and sigma_st(v) those through v
    (Freeman 1977; Brandes 2001). Weighted: a tie of weight w has length 1/w, scaled to an exact
    integer L/w when the weights are integers, so paths of equal length are all counted.

    Exact (every person a source) up to ``exact_limit`` people; above it, ``samples`` pivots drawn
    with ``seed`` and the sums scaled by n / pivots (Brandes & Pich 2007). Returns the per-person
    frame and a dict saying how it was computed. Equal to igraph's
    ``Graph.betweenness(weights=1/w)`` divided by (n - 1)(n - 2).
    """
    from ._brandes import brandes

    n = graph.n
    scale = (n - 1) * (n - 2) if n > 2 else 1
    lengths, length_rule = _lengths(graph.weight) if graph.m else (np.ones(0), "1 / weight")
    exact = n <= exact_limit
    info = {"betweenness_method": "exact (Brandes)" if exact else "sampled pivots (Brandes & Pich 2007)",
            "betweenness_tie_length": length_rule, "betweenness_normalisation": "(n - 1)(n - 2)"}
    sources, factor = None, 1.0
    if not exact:
        pivots = min(samples, n)
        sources = np.sort(np.random.default_rng(seed).choice(n, size=pivots, replace=False))
        factor = n / pivots
        info.update({"betweenness_pivots": pivots, "betweenness_seed": seed})
    scores = {}
    for name, lens in (("betweenness", lengths), *([("betweenness_unweighted", None)] if unweighted else [])):
        if graph.m == 0 or n < 3:
            scores[name] = np.zeros(n)
            continue
        raw = brandes(n, graph.source, graph.target, lens, sources,
                      exact_lengths="integer" in length_rule)
        scores[name] = raw * factor / scale
    return pd.DataFrame(scores, index=graph.ids), info


GA_ROLES = {
    "R1": "ultra-peripheral", "R2": "peripheral", "R3": "non-hub connector", "R4": "non-hub kinless",
    "R5": "provincial hub", "R6": "connector hub", "R7": "kinless hub",
}


def _ga_role(z: float, p: float) -> str | None:
    if math.isnan(p):
        return None
    hub = not math.isnan(z) and z >= 2.5
    if not hub:
        code = "R1" if p <= 0.05 else "R2" if p <= 0.62 else "R3" if p <= 0.80 else "R4"
    else:
        code = "R5" if p <= 0.30 else "R6" if p <= 0.75 else "R7"
    return GA_ROLES[code]


def participation(graph: OrgGraph, units: UnitPartition) -> pd.DataFrame:
    """Participation coefficient, within-unit degree z-score and role (Guimerà & Amaral 2005).

    On the undirected contacts (a person's contacts are everyone they name or are named by):
    with k_i contacts, k_is of them in unit s,

    - ``participation`` P_i = 1 - sum_s (k_is / k_i)^2: 0 when every contact is in one unit, near 1
      when contacts are spread evenly over many units; NaN for isolates;
    - ``within_unit_z`` = (kappa_i - mean) / sd, kappa_i the contacts inside i's own unit, mean and
      (population) sd over i's unit; NaN where the sd is 0;
    - ``ga_role``: hubs have z >= 2.5; non-hubs are ultra-peripheral (P <= 0.05), peripheral
      (<= 0.62), connectors (<= 0.80) or kinless; hubs are provincial (P <= 0.30), connector
      (<= 0.75) or kinless hubs.

    Reference: Guimerà, R. & Amaral, L. A. N. (2005). Functional cartography of complex metabolic
    networks. *Nature* 433, 895-900.
    """
    n, k = graph.n, len(units)
    lo, hi = np.minimum(graph.source, graph.target), np.maximum(graph.source, graph.target)
    pairs = np.unique(lo.astype(np.int64) * n + hi)
    a, b = pairs // n, pairs % n
    ends = np.concatenate([a, b])
    others = np.concatenate([b, a])
    by_unit = np.zeros((n, k))
    np.add.at(by_unit, (ends, units.codes[others]), 1)
    degree = by_unit.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(degree > 0, 1 - ((by_unit / np.where(degree > 0, degree, 1)[:, None]) ** 2).sum(axis=1), np.nan)
    kappa = by_unit[np.arange(n), units.codes]
    frame = pd.DataFrame({"kappa": kappa, "unit": units.codes})
    mean = frame.groupby("unit")["kappa"].transform("mean").to_numpy()
    sd = frame.groupby("unit")["kappa"].transform(lambda x: x.std(ddof=0)).to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(sd > 0, (kappa - mean) / np.where(sd > 0, sd, 1), np.nan)
    return pd.DataFrame({
        "contacts": degree.astype(np.int64),
        "units_reached": ((by_unit > 0).sum(axis=1) - (kappa > 0)).astype(np.int64),
        "participation": p,
        "within_unit_z": z,
        "ga_role": [_ga_role(zz, pp) for zz, pp in zip(z, p)],
    }, index=graph.ids)
