"""Gould & Fernandez (1989) brokerage roles, counted and tested exactly as statnet's sna::brokerage.

A broker b stands on an *open two-path* a -> b -> c: a != c, a names b, b names c, and a does not
name c (only a tie a -> c closes the path; c -> a does not). With the units as groups, the path
makes b one of five brokers, by the shape of the path:

============== ===================== ========================= ===========
column         role                  shape                     sna column
============== ===================== ========================= ===========
coordinator    coordinator           a, b, c in one unit       w_I
consultant     itinerant/consultant  a and c in one unit, b    w_O
                                     in another
representative representative        a and b in one unit, c    b_IO
                                     in another
gatekeeper     gatekeeper            b and c in one unit, a    b_OI
                                     in another
liaison        liaison               a, b, c in three units    b_O
============== ===================== ========================= ===========

Each ordered pair (a, c) counts once per broker. Ties are binary (weights are ignored) and
directed. Expected counts and standard deviations follow Gould & Fernandez's null model (every
ordered pair tied independently with probability d = m / (N (N - 1)), isolates counted in N), in
the moment formulas of sna::brokerage; z = (count - expected) / sd, NaN where sd = 0.

Counting is vectorised: per broker, all (in-neighbour, out-neighbour) pairs by unit, minus the
mutual pairs (a = c), minus the closed pairs, counted per tie b -> c by a compiled scan of the
people who name both b and c.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numba import njit
from scipy import sparse

from ..graph import OrgGraph, UnitPartition, compressed_rows

__all__ = ["brokerage_roles", "ROLES", "CROSS_UNIT_ROLES"]

ROLES = ("coordinator", "consultant", "representative", "gatekeeper", "liaison")
#: The roles whose broker links someone of another unit: every role but coordinator, whose three
#: people are all in one unit. Brokerage *across units* is their sum (``brokerage_total`` minus
#: ``coordinator``).
CROSS_UNIT_ROLES = tuple(role for role in ROLES if role != "coordinator")


@njit(cache=True)
def _closing_counts(src, tgt, in_ptr, in_src, codes, n):
    """For each tie b -> c (sorted by b): how many a name both b and c (a -> b and a -> c), and
    how many of those are in b's unit and in c's unit. The in-neighbours of b are marked once per
    b, then each c's in-neighbours are read: a masked product A'A on the ties only."""
    m = src.shape[0]
    p_all = np.zeros(m)
    p_b = np.zeros(m)
    p_c = np.zeros(m)
    marked = np.zeros(n, dtype=np.bool_)
    e = 0
    while e < m:
        b = src[e]
        for k in range(in_ptr[b], in_ptr[b + 1]):
            marked[in_src[k]] = True
        while e < m and src[e] == b:
            c = tgt[e]
            count = 0
            same_b = 0
            same_c = 0
            for k in range(in_ptr[c], in_ptr[c + 1]):
                a = in_src[k]
                if marked[a]:
                    count += 1
                    same_b += codes[a] == codes[b]
                    same_c += codes[a] == codes[c]
            p_all[e] = count
            p_b[e] = same_b
            p_c[e] = same_c
            e += 1
        for k in range(in_ptr[b], in_ptr[b + 1]):
            marked[in_src[k]] = False
    return p_all, p_b, p_c


def _counts(graph: OrgGraph, units: UnitPartition) -> np.ndarray:
    """n x 5 matrix of open two-paths by role (columns in ROLES order)."""
    n, k = graph.n, len(units)
    codes = units.codes
    src, tgt = graph.source, graph.target
    A = sparse.csr_matrix((np.ones(graph.m), (src, tgt)), shape=(n, n))
    G = sparse.csr_matrix((np.ones(n), (np.arange(n), codes)), shape=(n, k))
    in_by_unit = np.asarray((A.T @ G).todense())    # [b, c] = # a -> b with unit(a) = c
    out_by_unit = np.asarray((A @ G).todense())     # [b, c] = # b -> c' with unit(c') = c
    own = codes
    rows = np.arange(n)
    in_all, out_all = in_by_unit.sum(axis=1), out_by_unit.sum(axis=1)
    in_same, out_same = in_by_unit[rows, own], out_by_unit[rows, own]
    in_diff, out_diff = in_all - in_same, out_all - out_same
    # All (a, c) pairs around each broker, closed or not, a = c included.
    both_diff = in_diff * out_diff
    same_other_unit = (in_by_unit * out_by_unit).sum(axis=1) - in_same * out_same
    total = np.column_stack([in_same * out_same, same_other_unit, in_same * out_diff, in_diff * out_same,
                             both_diff - same_other_unit]).astype(float)
    # a = c: mutual ties a <-> b. Same unit as b: coordinator; otherwise a consultant shape.
    mutual = A.multiply(A.T).tocsr()
    m_rows, m_cols = mutual.nonzero()
    same_flag = codes[m_rows] == codes[m_cols]
    mutual_same = np.bincount(m_rows, weights=same_flag, minlength=n)
    mutual_diff = np.bincount(m_rows, weights=~same_flag, minlength=n)
    total[:, 0] -= mutual_same
    total[:, 1] -= mutual_diff
    # Closed pairs: a -> b, b -> c and a -> c. For each tie b -> c, count the a that close it.
    same_edge = codes[src] == codes[tgt]
    order = compressed_rows(n, src, tgt)[1]  # ties by broker b
    in_ptr, in_order = compressed_rows(n, tgt, src)  # ties by their target: in-neighbours of each person
    p_all, p_b, p_c = np.zeros(graph.m), np.zeros(graph.m), np.zeros(graph.m)
    found = _closing_counts(src[order].astype(np.int64), tgt[order].astype(np.int64), in_ptr,
                            src[in_order].astype(np.int64), codes.astype(np.int64), n)
    p_all[order], p_b[order], p_c[order] = found
    closed = np.zeros((n, 5))
    s, d = same_edge, ~same_edge
    closed[:, 0] = np.bincount(src[s], weights=p_b[s], minlength=n)                    # a, b, c one unit
    closed[:, 3] = np.bincount(src[s], weights=(p_all - p_b)[s], minlength=n)          # b, c; a outside
    closed[:, 2] = np.bincount(src[d], weights=p_b[d], minlength=n)                    # a, b; c outside
    closed[:, 1] = np.bincount(src[d], weights=p_c[d], minlength=n)                    # a, c; b outside
    closed[:, 4] = np.bincount(src[d], weights=(p_all - p_b - p_c)[d], minlength=n)    # all different
    return np.rint(total - closed).astype(np.int64)


def _moments(sizes: np.ndarray, N: float, m: float) -> tuple[np.ndarray, np.ndarray]:
    """Expected counts and variances per broker unit (K x 6: five roles and the total), as sna."""
    d = m / (N * (N - 1)) if N > 1 else 0.0
    q = d**2 * (1 - d)
    r = d**3 * (1 - d) ** 3
    n = sizes.astype(float)
    K = len(n)
    exp = np.zeros((K, 6))
    var = np.zeros((K, 6))

    def choose2(x):
        return x * (x - 1) / 2

    for i in range(K):
        o = np.delete(n, i)
        exp[i, 0] = q * (n[i] - 1) * (n[i] - 2)
        var[i, 0] = exp[i, 0] * (1 - q) + 2 * (n[i] - 1) * (n[i] - 2) * (n[i] - 3) * r
        exp[i, 1] = q * np.sum(o * (o - 1))
        var[i, 1] = exp[i, 1] * (1 - q) + 2 * np.sum(o * (o - 1) * (o - 2)) * r
        exp[i, 2] = q * (N - n[i]) * (n[i] - 1)
        var[i, 2] = exp[i, 2] * (1 - q) + 2 * ((n[i] - 1) * choose2(N - n[i]) + (N - n[i]) * choose2(n[i] - 1)) * r
        exp[i, 3], var[i, 3] = exp[i, 2], var[i, 2]
        exp[i, 4] = q * (o.sum() ** 2 - np.sum(o**2))
        var[i, 4] = exp[i, 4] * (1 - q) + 4 * np.sum(o * choose2(N - o - n[i]) * r)
        exp[i, 5] = q * (N - 1) * (N - 2)
        var[i, 5] = exp[i, 5] * (1 - q) + 2 * (N - 1) * (N - 2) * (N - 3) * r
    return exp, var


def brokerage_roles(graph: OrgGraph, units: UnitPartition) -> pd.DataFrame:
    """Per person: Gould-Fernandez brokerage counts, expected counts and z-scores.

    Columns ``<role>``, ``<role>_expected`` and ``<role>_z`` for each role in :data:`ROLES` and for
    ``brokerage_total`` (the sum of the five), as sna::brokerage's ``raw.nli``, ``exp.nli`` and
    ``z.nli``. A z-score whose standard deviation is 0 (e.g. coordinator in a unit of one or two
    people) is NaN.

    References: Gould, R. V. & Fernandez, R. M. (1989). Structures of mediation: a formal approach
    to brokerage in transaction networks. *Sociological Methodology* 19, 89-126. Butts, C. T.
    (2008). Social network analysis with sna. *Journal of Statistical Software* 24(6).

    >>> import pandas as pd, numpy as np
    >>> from ona.graph import OrgGraph
    >>> g = OrgGraph(pd.DataFrame({"u": ["A", "B", "B"]}, index=["a", "b", "c"]),
    ...              np.array([0, 1]), np.array([1, 2]), np.ones(2))
    >>> int(brokerage_roles(g, g.partition("u")).loc["b", "gatekeeper"])
    1
    """
    counts = _counts(graph, units)
    raw = np.column_stack([counts, counts.sum(axis=1)]).astype(float)
    exp_unit, var_unit = _moments(units.sizes, float(graph.n), float(graph.m))
    exp = exp_unit[units.codes]
    sd = np.sqrt(var_unit[units.codes])
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(sd > 0, (raw - exp) / np.where(sd > 0, sd, 1), np.nan)
    names = list(ROLES) + ["brokerage_total"]
    out = {}
    for j, name in enumerate(names):
        out[name] = raw[:, j].astype(np.int64)
    for j, name in enumerate(names):
        out[f"{name}_expected"] = exp[:, j] + 0.0  # (-0.0 + 0.0 is 0.0: no "-0.0" in the outputs)
    for j, name in enumerate(names):
        out[f"{name}_z"] = z[:, j]
    return pd.DataFrame(out, index=graph.ids)
