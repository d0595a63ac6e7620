"""Brandes' betweenness on a directed graph, compiled with numba and run on every usable core.

Brandes, U. (2001). A faster algorithm for betweenness centrality. *Journal of Mathematical
Sociology* 25(2), 163-177. Pivot sampling: Brandes, U. & Pich, C. (2007). Centrality estimation in
large networks. *International Journal of Bifurcation and Chaos* 17(7), 2303-2318.

For every source s: one shortest-path search (breadth-first when unweighted; Dijkstra with Dial's
bucket queue when the lengths are small integers, with a binary heap otherwise) counting shortest
paths sigma, then the dependencies delta(v) = sum over successors w on a shortest path of
sigma(v)/sigma(w) * (1 + delta(w)), accumulated in reverse order of distance. The search writes
down the ties that may lie on a shortest path as it goes (every tie into the next level of a
breadth-first search; every tie that lowered or matched a tentative distance in Dijkstra's), so the
accumulation reads those few instead of every tie again: on a 10,000-person organisation about a
tenth of the ties. The breadth-first search runs each level forward or backward, whichever scans
fewer ties (Beamer, Asanović & Patterson 2012, "Direction-optimizing breadth-first search", SC'12).
Sources are split over threads, each thread keeping its own scores, summed at the end.

Path lengths are compared exactly when every tie length is an integer (the caller scales 1/w to
integers, so equal-length paths are all counted) and within a relative 1e-10 otherwise, as igraph
does.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from ..graph import compressed_rows

_TOLERANCE = 1e-10


@njit(cache=True, nogil=True)
def _heap_push(keys, nodes, size, key, node):
    i = size
    keys[i] = key
    nodes[i] = node
    while i > 0:
        parent = (i - 1) >> 1
        if keys[parent] <= keys[i]:
            break
        keys[i], keys[parent] = keys[parent], keys[i]
        nodes[i], nodes[parent] = nodes[parent], nodes[i]
        i = parent
    return size + 1


@njit(cache=True, nogil=True)
def _heap_pop(keys, nodes, size):
    key, node = keys[0], nodes[0]
    size -= 1
    keys[0], nodes[0] = keys[size], nodes[size]
    i = 0
    while True:
        left = 2 * i + 1
        if left >= size:
            break
        child = left
        if left + 1 < size and keys[left + 1] < keys[left]:
            child = left + 1
        if keys[i] <= keys[child]:
            break
        keys[i], keys[child] = keys[child], keys[i]
        nodes[i], nodes[child] = nodes[child], nodes[i]
        i = child
    return key, node, size


@njit(cache=True, nogil=True)
def _bfs_source(source, indptr, indices, rindptr, rindices, level, sigma, coef, total, order, dag,
                succ_lo, succ_hi, pred_lo, pred_hi, scores):
    """Breadth-first search from ``source``, level by level in whichever direction scans fewer
    ties (Beamer, Asanović & Patterson 2012): forward from the nodes of the level along their
    out-ties, or backward from every node not yet reached along its in-ties. In a small-world
    organisation most people are reached at one level, whose out-ties the forward search would all
    scan; the backward search scans only the in-ties of the few left.

    Every tie into the next level is a shortest-path tie and stays one, so each is written to
    ``dag`` as it is found: as a successor of the node it leaves (forward) or a predecessor of
    the node it enters (backward); the accumulation reads only those."""
    n = indptr.shape[0] - 1
    for v in range(n):
        level[v] = -1
        sigma[v] = 0.0
        total[v] = 0.0
    level[source] = 0
    sigma[source] = 1.0
    order[0] = source
    pred_lo[0] = 0
    pred_hi[0] = 0
    count = 1
    lo, hi = 0, 1
    current = np.int32(0)
    edges = 0
    frontier_out = indptr[source + 1] - indptr[source]
    unreached_in = rindptr[n] - (rindptr[source + 1] - rindptr[source])
    while lo < hi:
        next_level = np.int32(current + 1)
        if frontier_out <= unreached_in:
            for pos in range(lo, hi):
                v = order[pos]
                sv = sigma[v]
                succ_lo[pos] = edges
                for e in range(indptr[v], indptr[v + 1]):
                    w = indices[e]
                    lw = level[w]
                    if lw < 0:
                        level[w] = next_level
                        pred_lo[count] = 0
                        pred_hi[count] = 0
                        order[count] = w
                        count += 1
                        sigma[w] = sv
                        dag[edges] = w
                        edges += 1
                    elif lw == next_level:
                        sigma[w] += sv
                        dag[edges] = w
                        edges += 1
                succ_hi[pos] = edges
        else:
            for pos in range(lo, hi):
                succ_lo[pos] = 0
                succ_hi[pos] = 0
            for u in range(n):
                if level[u] >= 0:
                    continue
                first = edges
                su = 0.0
                for e in range(rindptr[u], rindptr[u + 1]):  # without a branch: half the tests hold
                    x = rindices[e]
                    hit = level[x] == current
                    su += sigma[x] * hit
                    dag[edges] = x
                    edges += hit
                if edges > first:
                    level[u] = next_level
                    sigma[u] = su
                    pred_lo[count] = first
                    pred_hi[count] = edges
                    order[count] = u
                    count += 1
        frontier_out = 0
        for pos in range(hi, count):
            v = order[pos]
            frontier_out += indptr[v + 1] - indptr[v]
            unreached_in -= rindptr[v + 1] - rindptr[v]
        lo, hi = hi, count
        current = next_level
    for i in range(count - 1, -1, -1):
        v = order[i]
        t = total[v]
        for k in range(succ_lo[i], succ_hi[i]):
            t += coef[dag[k]]
        delta = sigma[v] * t
        cv = (1.0 + delta) / sigma[v]
        coef[v] = cv
        for k in range(pred_lo[i], pred_hi[i]):
            total[dag[k]] += cv
        if v != source:
            scores[v] += delta


@njit(cache=True, nogil=True)
def _dial_source(source, indptr, indices, lengths, buckets, key, dist, sigma, coef, order, next_node, prev_node,
                 candidates, candidate_end, scores):
    """Dijkstra with Dial's bucket queue: integer lengths at most len(buckets) - 1, so every
    tentative distance lies within one turn of the circular bucket array.

    ``key[w]`` is w's tentative distance while queued, a number larger than any distance while
    unseen and -1 once settled, so that one comparison per tie tells the rare cases (a shorter or
    an equally short path) from the common one (nothing to do, settled or not) without a branch the
    processor cannot predict. A shortest-path tie v -> w is one that lowered or equalled w's
    tentative distance when v was settled; those ties (far fewer than all) are written to
    ``candidates`` and checked against the final distances in the accumulation."""
    n = indptr.shape[0] - 1
    mask = buckets.shape[0] - 1  # a power of two, so distance % span is distance & mask
    unseen = np.iinfo(np.int64).max
    for v in range(n):
        key[v] = unseen
        sigma[v] = 0.0
    for b in range(mask + 1):
        buckets[b] = -1
    key[source] = 0
    sigma[source] = 1.0
    buckets[0] = source
    next_node[source] = -1
    prev_node[source] = -1
    queued = 1
    current = 0
    count = 0
    found = 0
    while queued > 0:
        while buckets[current & mask] < 0:
            current += 1
        b = current & mask
        v = buckets[b]
        buckets[b] = next_node[v]
        if next_node[v] >= 0:
            prev_node[next_node[v]] = -1
        queued -= 1
        dv = key[v]
        dist[v] = dv
        key[v] = -1
        order[count] = v
        sv = sigma[v]
        for e in range(indptr[v], indptr[v + 1]):
            w = indices[e]
            kw = key[w]
            alt = dv + lengths[e]
            if alt < kw:
                if kw != unseen:  # unlink w from its bucket
                    nb = next_node[w]
                    pb = prev_node[w]
                    if pb >= 0:
                        next_node[pb] = nb
                    else:
                        buckets[kw & mask] = nb
                    if nb >= 0:
                        prev_node[nb] = pb
                else:
                    queued += 1
                key[w] = alt
                sigma[w] = sv
                nb = buckets[alt & mask]
                next_node[w] = nb
                prev_node[w] = -1
                if nb >= 0:
                    prev_node[nb] = w
                buckets[alt & mask] = w
                candidates[found] = e
                found += 1
            elif alt == kw:
                sigma[w] += sv
                candidates[found] = e
                found += 1
        candidate_end[count] = found
        count += 1
    for i in range(count - 1, -1, -1):
        v = order[i]
        total = 0.0
        dv = dist[v]
        for k in range(candidate_end[i - 1] if i > 0 else 0, candidate_end[i]):
            e = candidates[k]
            if dist[indices[e]] == dv + lengths[e]:
                total += coef[indices[e]]
        delta = sigma[v] * total
        coef[v] = (1.0 + delta) / sigma[v]
        if v != source:
            scores[v] += delta


@njit(cache=True, nogil=True)
def _heap_source(source, indptr, indices, lengths, tolerance, key, dist, sigma, coef, order,
                 heap_keys, heap_nodes, candidates, candidate_end, scores):
    """Dijkstra with a binary heap (lazy deletion) for lengths that are not small integers;
    lengths equal within a relative ``tolerance`` count as equal. ``key`` and the candidate
    shortest-path ties are kept as in :func:`_dial_source` (-inf once settled)."""
    n = indptr.shape[0] - 1
    for v in range(n):
        key[v] = np.inf
        dist[v] = np.inf
        sigma[v] = 0.0
    key[source] = 0.0
    sigma[source] = 1.0
    count = 0
    found = 0
    size = _heap_push(heap_keys, heap_nodes, 0, 0.0, source)
    while size > 0:
        d, v, size = _heap_pop(heap_keys, heap_nodes, size)
        if key[v] == -np.inf:  # settled already (a stale heap entry)
            continue
        key[v] = -np.inf
        dist[v] = d
        order[count] = v
        sv = sigma[v]
        for e in range(indptr[v], indptr[v + 1]):
            w = indices[e]
            kw = key[w]  # -inf once settled: neither test below holds
            alt = d + lengths[e]
            slack = tolerance * alt
            if alt < kw - slack:
                key[w] = alt
                sigma[w] = sv
                size = _heap_push(heap_keys, heap_nodes, size, alt, w)
                candidates[found] = e
                found += 1
            elif alt <= kw + slack:
                sigma[w] += sv
                candidates[found] = e
                found += 1
        candidate_end[count] = found
        count += 1
    for i in range(count - 1, -1, -1):
        v = order[i]
        total = 0.0
        dv = dist[v]
        for k in range(candidate_end[i - 1] if i > 0 else 0, candidate_end[i]):
            e = candidates[k]
            w = indices[e]
            alt = dv + lengths[e]
            if sigma[w] > 0.0 and abs(alt - dist[w]) <= tolerance * alt:
                total += coef[w]
        delta = sigma[v] * total
        coef[v] = (1.0 + delta) / sigma[v]
        if v != source:
            scores[v] += delta


@njit(cache=True, parallel=True)
def _betweenness(indptr, indices, rindptr, rindices, lengths, mode, tolerance, span, sources, chunks):
    """mode 0: breadth-first; 1: Dial's buckets (integer lengths < span, a power of two); 2: binary
    heap. ``rindptr``/``rindices``: the in-ties (breadth-first only)."""
    n = indptr.shape[0] - 1
    m = indices.shape[0]
    partial = np.zeros((chunks, n))
    int_lengths = lengths.astype(np.uint16)  # mode 1: lengths < span <= 2**16
    for chunk in prange(chunks):
        sigma = np.empty(n)
        coef = np.empty(n)
        order = np.empty(n, dtype=np.int32)
        ends = np.empty(n, dtype=np.int64)
        scores = partial[chunk]
        if mode == 0:
            level = np.empty(n, dtype=np.int32)
            total = np.empty(n)
            dag = np.empty(m + 1, dtype=np.int32)  # (+1: the branch-free scan writes one past a hit)
            succ_lo = np.empty(n, dtype=np.int64)
            pred_lo = np.empty(n, dtype=np.int64)
            pred_hi = np.empty(n, dtype=np.int64)
            for k in range(chunk, sources.shape[0], chunks):
                _bfs_source(sources[k], indptr, indices, rindptr, rindices, level, sigma, coef, total, order, dag,
                            succ_lo, ends, pred_lo, pred_hi, scores)
        elif mode == 1:
            buckets = np.empty(span, dtype=np.int32)
            key = np.empty(n, dtype=np.int64)
            dist = np.empty(n, dtype=np.int64)
            next_node = np.empty(n, dtype=np.int32)
            prev_node = np.empty(n, dtype=np.int32)
            candidates = np.empty(m, dtype=np.int32)
            for k in range(chunk, sources.shape[0], chunks):
                _dial_source(sources[k], indptr, indices, int_lengths, buckets, key, dist, sigma, coef, order,
                             next_node, prev_node, candidates, ends, scores)
        else:
            key_f = np.empty(n)
            dist_f = np.empty(n)
            heap_keys = np.empty(m + 1)
            heap_nodes = np.empty(m + 1, dtype=np.int64)
            candidates = np.empty(m, dtype=np.int32)
            for k in range(chunk, sources.shape[0], chunks):
                _heap_source(sources[k], indptr, indices, lengths, tolerance, key_f, dist_f, sigma, coef, order,
                             heap_keys, heap_nodes, candidates, ends, scores)
    return partial.sum(axis=0)


_MAX_BUCKETS = 1 << 16


def brandes(n: int, source: np.ndarray, target: np.ndarray, lengths: np.ndarray | None,
            sources: np.ndarray | None = None, *, exact_lengths: bool = False) -> np.ndarray:
    """Raw (unnormalised) directed betweenness summed over ``sources`` (all nodes when None).

    ``lengths`` None means every tie has length 1 (breadth-first search). ``exact_lengths`` says the
    lengths are integers, so path lengths are compared exactly.
    """
    from numba import get_num_threads

    indptr, order = compressed_rows(n, source, target)
    indices = np.ascontiguousarray(target[order], dtype=np.int32)
    if lengths is None:  # the in-ties, for the backward levels of the breadth-first search
        rindptr, reverse = compressed_rows(n, target, source)
        rindices = np.ascontiguousarray(source[reverse], dtype=np.int32)
    else:
        rindices, rindptr = np.zeros(0, dtype=np.int32), np.zeros(n + 1, dtype=np.int64)
    edge_lengths = np.ones(len(indices)) if lengths is None else np.ascontiguousarray(lengths[order], dtype=np.float64)
    # Dial's buckets span the longest tie, a power of two; it is worked out for integer lengths only:
    # a float length such as 1 / 1e-19 has no bucket count numba could take (nor need one).
    span = 1 << int(edge_lengths.max()).bit_length() if exact_lengths and len(edge_lengths) else 1
    if lengths is None:
        mode = 0
    elif exact_lengths and span <= _MAX_BUCKETS:
        mode = 1
    else:
        mode = 2
    if sources is None:
        sources = np.arange(n, dtype=np.int64)
    # A person who names no one starts no path through anybody: nothing to search from them
    # (in a survey, every non-respondent).
    sources = np.ascontiguousarray(sources[np.diff(indptr)[sources] > 0], dtype=np.int64)
    if len(sources) == 0:
        return np.zeros(n)
    chunks = max(1, min(get_num_threads() * 4, len(sources)))
    tolerance = 0.0 if exact_lengths else _TOLERANCE
    return _betweenness(indptr, indices, rindptr, rindices, edge_lengths, mode, tolerance, span, sources, chunks)
