"""Ties across unit boundaries: the E-I index of units, and unit-to-unit tie density."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..graph import OrgGraph, UnitPartition

__all__ = ["ei_index", "unit_table", "unit_pair_table", "pair_counts"]


def ei_index(external: float, internal: float) -> float:
    """Krackhardt & Stern's (1988) E-I index: (E - I) / (E + I); NaN when there are no ties.

    >>> ei_index(3, 1)
    0.5
    >>> ei_index(0, 0)
    nan
    """
    total = external + internal
    return float((external - internal) / total) if total else float("nan")


def pair_counts(graph: OrgGraph, units: UnitPartition, weighted: bool = False) -> np.ndarray:
    """K x K matrix of ties (or their summed weights) sent from unit row to unit column."""
    k = len(units)
    flat = units.codes[graph.source] * k + units.codes[graph.target]
    data = graph.weight if weighted else None
    return np.bincount(flat, weights=data, minlength=k * k).reshape(k, k)


def _possible_pairs(sizes: np.ndarray) -> np.ndarray:
    """Ordered pairs of distinct people: |A||B| between units, |A|(|A|-1) within A."""
    possible = np.outer(sizes, sizes).astype(float)
    np.fill_diagonal(possible, sizes * (sizes - 1.0))
    return possible


def unit_table(graph: OrgGraph, units: UnitPartition) -> pd.DataFrame:
    """Per unit: headcount, internal ties and density, external ties and three E-I readings.

    For unit A with n_A people, I = ties with both ends in A (each counted once), S = ties sent
    from A to other units, R = ties received by A from other units:

    - ``internal_density`` = I / (n_A (n_A - 1)); NaN when n_A < 2.
    - ``ei_index`` = (S + R - I) / (S + R + I): every tie touching the unit (the headline figure;
      Krackhardt & Stern 1988 count each link of the group once).
    - ``ei_sent`` = (S - I) / (S + I) and ``ei_received`` = (R - I) / (R + I).

    Each is NaN where its denominator is 0 (a unit with no ties).
    """
    counts = pair_counts(graph, units)
    weights = pair_counts(graph, units, weighted=True)
    sizes = units.sizes
    internal = np.diag(counts).astype(float)
    sent = counts.sum(axis=1) - internal
    received = counts.sum(axis=0) - internal
    with np.errstate(invalid="ignore", divide="ignore"):
        density = np.where(sizes > 1, internal / (sizes * (sizes - 1.0)), np.nan)
        ei_all = np.where(sent + received + internal > 0,
                          (sent + received - internal) / (sent + received + internal), np.nan)
        ei_sent = np.where(sent + internal > 0, (sent - internal) / (sent + internal), np.nan)
        ei_recv = np.where(received + internal > 0, (received - internal) / (received + internal), np.nan)
    return pd.DataFrame({
        "headcount": sizes.astype(np.int64),
        "internal_ties": internal.astype(np.int64),
        "internal_density": density,
        "internal_weight": np.diag(weights),
        "ties_sent_out": sent.astype(np.int64),
        "ties_received_in": received.astype(np.int64),
        "external_ties": (sent + received).astype(np.int64),
        "ei_index": ei_all,
        "ei_sent": ei_sent,
        "ei_received": ei_recv,
    }, index=pd.Index(units.labels, name="unit"))


def unit_pair_table(graph: OrgGraph, units: UnitPartition) -> pd.DataFrame:
    """One row per ordered pair of units (A, B), A = B included: ties, weight and density.

    ``density`` = ties A->B / (|A||B|) between units and ties within A / (|A|(|A|-1)) within a unit;
    ``weighted_density`` uses the summed tie weights instead of the count. NaN where no pair of
    distinct people exists (a one-person unit with itself).
    """
    counts = pair_counts(graph, units)
    weights = pair_counts(graph, units, weighted=True)
    possible = _possible_pairs(units.sizes)
    with np.errstate(invalid="ignore", divide="ignore"):
        density = np.where(possible > 0, counts / possible, np.nan)
        wdensity = np.where(possible > 0, weights / possible, np.nan)
    k = len(units)
    labels = np.asarray(units.labels, dtype=object)
    return pd.DataFrame({
        "from_unit": np.repeat(labels, k),
        "to_unit": np.tile(labels, k),
        "ties": counts.ravel().astype(np.int64),
        "weight": weights.ravel(),
        "possible_ties": possible.ravel().astype(np.int64),
        "density": density.ravel(),
        "weighted_density": wdensity.ravel(),
    })
