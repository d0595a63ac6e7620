"""Burt's (1992) structural holes: constraint, effective size and efficiency.

Computed on the **symmetrised, weighted** network: the directed ties are made undirected with the
weight of a pair s_ij = w_ij + w_ji (a one-way tie keeps its weight; a mutual tie adds both), as
Burt's "mutual weight" does and as networkx computes on an undirected graph with those weights.
With p_ij = s_ij / sum_k s_ik (the share of i's network time spent on j) and
m_jq = s_jq / max_k s_jk (j's tie to q relative to j's strongest tie):

- constraint c_i = sum_{j in N(i)} (p_ij + sum_{q != i, j} p_iq p_qj)^2;
- effective size e_i = sum_{j in N(i)} (1 - sum_{q} p_iq m_jq)
  (|N(i)| - 2 t_i / |N(i)|, t_i the ties among i's contacts, when every tie of i and of i's
  contacts has the same pair weight, as undirected unweighted ties do; Borgatti 1997);
- efficiency = e_i / |N(i)|.

Isolates have no contacts: all three are NaN. Low constraint and high effective size mark people
whose contacts are not connected to each other: the brokers across structural holes.

References: Burt, R. S. (1992). *Structural Holes: The Social Structure of Competition*. Harvard
University Press. Borgatti, S. P. (1997). Structural holes: unpacking Burt's redundancy measures.
*Connections* 20(1), 35-38.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numba import njit, prange
from scipy import sparse

from ..graph import OrgGraph

__all__ = ["structural_holes"]


def _mutual_weights(graph: OrgGraph, weighted: bool) -> sparse.csr_matrix:
    w = graph.weight if weighted else np.ones(graph.m)
    W = sparse.csr_matrix((w, (graph.source, graph.target)), shape=(graph.n, graph.n))
    return (W + W.T).tocsr()


@njit(cache=True, parallel=True)
def _constraint_and_redundancy(indptr, indices, data, inv_strength, inv_max):
    """Per person i, on the symmetric weights S (CSR): constraint sum_j (p_ij + sum_q p_iq p_qj)^2
    and redundancy sum_j sum_q p_iq m_jq, j over i's contacts, with p_iq = s_iq / strength_i and
    m_jq = s_jq / max_k s_jk. Only the products on i's contacts are formed (the full P P of a
    10,000-person organisation has tens of millions of entries): i's shares are spread into a dense
    row, then each contact j's ties are read once for both sums (p_qj = s_jq / strength_q)."""
    n = indptr.shape[0] - 1
    constraint = np.zeros(n)
    redundancy = np.zeros(n)
    chunks = 64 if n >= 64 else max(n, 1)
    for chunk in prange(chunks):
        share = np.zeros(n)  # p_iq of the current i, 0 elsewhere
        for i in range(chunk, n, chunks):
            for k in range(indptr[i], indptr[i + 1]):
                share[indices[k]] = data[k] * inv_strength[i]
            c = 0.0
            r = 0.0
            for k in range(indptr[i], indptr[i + 1]):
                j = indices[k]
                indirect = 0.0
                overlap = 0.0
                for t in range(indptr[j], indptr[j + 1]):
                    q = indices[t]
                    pq = share[q]
                    if pq != 0.0:
                        indirect += pq * data[t] * inv_strength[q]
                        overlap += pq * data[t]
                total = share[j] + indirect
                c += total * total
                r += overlap * inv_max[j]
            constraint[i] = c
            redundancy[i] = r
            for k in range(indptr[i], indptr[i + 1]):
                share[indices[k]] = 0.0
    return constraint, redundancy


def structural_holes(graph: OrgGraph, weighted: bool = True) -> pd.DataFrame:
    """Per person: ``constraint``, ``effective_size`` and ``efficiency`` (Burt 1992).

    See the module docstring for the definitions. Equal to networkx's ``constraint`` and
    ``effective_size`` on the undirected graph with edge weight w_ij + w_ji.

    >>> import pandas as pd, numpy as np
    >>> from ona.graph import OrgGraph
    >>> star = OrgGraph(pd.DataFrame(index=list("habc")), np.array([0, 0, 0]), np.array([1, 2, 3]), np.ones(3))
    >>> t = structural_holes(star)
    >>> round(float(t.loc["h", "constraint"]), 4), float(t.loc["h", "effective_size"]), float(t.loc["a", "constraint"])
    (0.3333, 3.0, 1.0)
    """
    S = _mutual_weights(graph, weighted)
    S.eliminate_zeros()
    strength = np.asarray(S.sum(axis=1)).ravel()
    degree = np.diff(S.indptr)
    with np.errstate(divide="ignore", invalid="ignore"):
        inv_strength = np.where(strength > 0, 1.0 / strength, 0.0)
        row_max = S.max(axis=1).toarray().ravel()
        inv_max = np.where(row_max > 0, 1.0 / row_max, 0.0)
    constraint, redundancy = _constraint_and_redundancy(S.indptr.astype(np.int64), S.indices.astype(np.int64),
                                                        S.data.astype(np.float64), inv_strength, inv_max)
    effective = degree - redundancy
    isolate = degree == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        efficiency = np.where(isolate, np.nan, effective / np.where(isolate, 1, degree))
    return pd.DataFrame({
        "constraint": np.where(isolate, np.nan, constraint),
        "effective_size": np.where(isolate, np.nan, effective),
        "efficiency": efficiency,
    }, index=graph.ids)
