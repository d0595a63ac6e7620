"""An HR analyst opens the person map of an organisation with a department of 1,500 people: its people's
dots are spread out, not piled on each other, the same seed gives the same map every year, and a map
whose units all have at most 1,000 people is drawn exactly as before."""

from __future__ import annotations

import random

import igraph as ig
import numpy as np
import pytest
from scipy.spatial import cKDTree

import ona
from ona.report.html_map import EXACT_FR_ITERATIONS, LARGE_LAYOUT, _layout

from conftest import write_csv


def _organisation(tmp_path, department: int, ties: int):
    """A department ("Claims") of ``department`` people who name each other at random (numpy seed 7,
    ``ties`` draws, self-ties dropped) and a 20-person unit ("Legal") with one tie to Claims."""
    rng = np.random.default_rng(7)
    people = [[f"P{i}", "Claims" if i < department else "Legal"] for i in range(department + 20)]
    pairs = {(int(a), int(b)) for a, b in rng.integers(0, department, size=(ties, 2)) if a != b}
    rows = [[f"P{a}", f"P{b}"] for a, b in sorted(pairs)] + [[f"P{department}", "P0"]]
    roster = ona.read_roster(write_csv(tmp_path / "roster.csv", [["ID", "Department"], *people]))
    graph = ona.build_graph(roster, ona.read_ties(write_csv(tmp_path / "ties.csv", [["Source", "Target"], *rows]),
                                                  roster))
    return graph, graph.partition(None).codes


@pytest.fixture(scope="module")
def big_department(tmp_path_factory):
    return _organisation(tmp_path_factory.mktemp("big"), 1500, 12_000)


def test_the_dots_of_a_large_department_do_not_pile_up(big_department):
    """Overlap as the 5th percentile of the distance from each Claims person to the nearest other one,
    over the median of that distance (1 for an even spread, 0 when dots sit on each other), and the share
    of people whose dot is closer than 10 px (two of the smallest dots, radius 5 px) to another's.
    igraph's grid variant (the old layout above 1,000 people) gave 0.35 and 4.4%."""
    graph, codes = big_department
    xy = _layout(graph, codes, seed=1)[codes == codes[0]]
    nearest = cKDTree(xy).query(xy, k=2)[0][:, 1]
    assert np.percentile(nearest, 5) / np.median(nearest) > 0.5
    assert np.mean(nearest < 10) < 0.03


def test_the_same_seed_gives_the_same_map_and_another_seed_another(big_department):
    graph, codes = big_department
    first = _layout(graph, codes, seed=1)
    assert np.array_equal(first, _layout(graph, codes, seed=1))
    other = _layout(graph, codes, seed=2)
    assert not np.allclose(first, other)


def test_a_map_of_units_of_at_most_1000_people_is_drawn_as_before(tmp_path):
    """A 300-person unit is laid out as it always was: igraph's exact Fruchterman-Reingold, 300 iterations,
    from start positions uniform in ±1 drawn by numpy's default_rng(seed + unit + 1), centred and scaled to
    the unit's circle of radius 30 * sqrt(headcount). This guards the picture of every map whose units stay
    at or below LARGE_LAYOUT people (it cannot fail on the old code, which drew them the same way)."""
    graph, codes = _organisation(tmp_path, 300, 2_400)
    claims = np.flatnonzero(codes == codes[0])
    assert len(claims) <= LARGE_LAYOUT
    xy = _layout(graph, codes, seed=5)
    index = np.full(graph.n, -1)
    index[claims] = np.arange(len(claims))
    inside = (codes[graph.source] == codes[0]) & (codes[graph.target] == codes[0])
    edges = np.column_stack([index[graph.source[inside]], index[graph.target[inside]]]).tolist()
    sub = ig.Graph(n=len(claims), edges=edges, directed=False).simplify()
    seed = 5 + int(codes[0]) + 1
    start = np.random.default_rng(seed).uniform(-1, 1, size=(len(claims), 2)).tolist()
    random.seed(seed)
    local = np.asarray(sub.layout_fruchterman_reingold(seed=start, niter=EXACT_FR_ITERATIONS, grid="nogrid").coords)
    local -= local.mean(axis=0)
    local = local / np.sqrt((local ** 2).sum(axis=1)).max() * 30 * np.sqrt(len(claims))
    np.testing.assert_allclose(xy[claims] - xy[claims].mean(axis=0), local, atol=1e-6)
