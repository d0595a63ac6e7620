"""The boundary-spanning metrics match their published definitions.

Expected values come from hand computations (in each docstring), from statnet's sna::brokerage
output saved beside the data (tests/data/*/PROVENANCE.md), and from networkx and igraph on the same
graph; never from ona itself.
"""

from __future__ import annotations

import math

import igraph as ig
import networkx as nx
import numpy as np
import pandas as pd
import pytest

import ona
from ona.graph import OrgGraph
from ona.metrics import (boundary_spanners, brokerage_roles, communities, ei_expectation, fragile_bridges,
                         participation, structural_holes, unit_contributions)
from ona.metrics import betweenness as betweenness_of
from ona.metrics.brokerage import ROLES

from conftest import DATA


def graph_of(units: dict[str, str], ties: list[tuple], weights: list[float] | None = None) -> OrgGraph:
    ids = list(units)
    index = {p: i for i, p in enumerate(ids)}
    src = np.array([index[a] for a, _ in ties], dtype=np.int64)
    tgt = np.array([index[b] for _, b in ties], dtype=np.int64)
    w = np.array(weights if weights is not None else [1.0] * len(ties))
    return OrgGraph(pd.DataFrame({"unit": list(units.values())}, index=ids), src, tgt, w)


def load(folder: str, nodes: str, edges: str, weight: bool = False) -> OrgGraph:
    roster = ona.read_roster(DATA / folder / nodes)
    return ona.build_graph(roster, ona.read_ties(DATA / folder / edges, roster))


# --- Gould & Fernandez brokerage ------------------------------------------------------------

SHAPES = [
    # (units of a, b, c), the role broker b plays on the open path a -> b -> c
    (("X", "X", "X"), "coordinator"),
    (("X", "Y", "X"), "consultant"),
    (("X", "X", "Y"), "representative"),
    (("Y", "X", "X"), "gatekeeper"),
    (("X", "Y", "Z"), "liaison"),
]


@pytest.mark.parametrize("shape,role", SHAPES, ids=[s[1] for s in SHAPES])
def test_each_two_path_shape_gives_its_role(shape, role):
    """Gould & Fernandez (1989), by the shape of the path a -> b -> c, not by label: the broker b
    counts 1 in exactly the role of the shape and 0 in the others; a and c broker nothing."""
    g = graph_of({"a": shape[0], "b": shape[1], "c": shape[2]}, [("a", "b"), ("b", "c")])
    t = brokerage_roles(g, g.partition("unit"))
    assert {r: int(t.loc["b", r]) for r in ROLES} == {r: int(r == role) for r in ROLES}
    assert t.loc[["a", "c"], list(ROLES)].to_numpy().sum() == 0


def test_only_a_tie_from_a_to_c_closes_the_path():
    """a -> b -> c with c -> a is still open (c -> a does not close it); with a -> c it is closed."""
    units = {"a": "X", "b": "Y", "c": "Z"}
    open_path = graph_of(units, [("a", "b"), ("b", "c"), ("c", "a")])
    closed_path = graph_of(units, [("a", "b"), ("b", "c"), ("a", "c")])
    assert brokerage_roles(open_path, open_path.partition("unit")).loc["b", "liaison"] == 1
    assert brokerage_roles(closed_path, closed_path.partition("unit")).loc["b", "liaison"] == 0


def test_a_mutual_tie_is_not_a_two_path():
    """a <-> b: the path a -> b -> a has a = c and brokers nothing."""
    g = graph_of({"a": "X", "b": "Y"}, [("a", "b"), ("b", "a")])
    assert brokerage_roles(g, g.partition("unit"))["brokerage_total"].sum() == 0


@pytest.mark.parametrize("folder,nodes,edges,by,reference", [
    ("krackhardt", "nodes.csv", "edges_advice.csv", "department", "sna_brokerage_advice_by_department.csv"),
    ("lazega", "nodes.csv", "edges_advice.csv", "office", "sna_brokerage_advice_by_office.csv"),
])
def test_brokerage_equals_statnet_sna(folder, nodes, edges, by, reference):
    """Raw counts, expected counts and z-scores equal sna::brokerage (sna 2.7.1) on real data;
    where sna's standard deviation is 0 (z not finite), ona reports NaN."""
    g = load(folder, nodes, edges)
    ours = brokerage_roles(g, g.partition(by))
    sna = pd.read_csv(DATA / folder / reference, dtype={"id": str}).set_index("id").loc[list(g.ids)]
    columns = {"w_I": "coordinator", "w_O": "consultant", "b_IO": "representative", "b_OI": "gatekeeper",
               "b_O": "liaison", "t": "brokerage_total"}
    for sna_name, name in columns.items():
        assert (ours[name].to_numpy() == sna[sna_name].to_numpy()).all(), name
        assert np.allclose(ours[f"{name}_expected"], sna[f"exp.{sna_name}"], rtol=1e-12), name
        z = sna[f"z.{sna_name}"].to_numpy(dtype=float)
        assert np.allclose(ours[f"{name}_z"], np.where(np.isfinite(z), z, np.nan), equal_nan=True), name


def test_z_score_is_nan_where_the_sd_is_zero():
    """A unit of two people: a coordinator needs (n-1)(n-2) = 0 pairs, so sd = 0 and z is NaN."""
    g = graph_of({"a": "X", "b": "X", "c": "Y", "d": "Y", "e": "Z"}, [("a", "c"), ("c", "e"), ("e", "b")])
    t = brokerage_roles(g, g.partition("unit"))
    assert t["coordinator_expected"].eq(0).all()
    assert t["coordinator_z"].isna().all()
    assert np.isfinite(t["liaison_z"]).all()


# --- Burt's structural holes ----------------------------------------------------------------

def test_constraint_and_effective_size_of_a_star_and_a_triangle_by_hand():
    """Star h-a, h-b, h-c: p_hj = 1/3, no indirect paths: c_h = 3 (1/3)^2 = 1/3, effective size
    3 - 0 = 3; a leaf has one contact: c = 1, effective size 1.
    Triangle x-y-z (unweighted): p = 1/2, indirect p_xz p_zy = 1/4: c = 2 (1/2 + 1/4)^2 = 9/8;
    effective size = 2 - 2*1/2 = 1 (Borgatti: n - 2t/n = 2 - 2*1/2)."""
    star = graph_of({"h": "A", "a": "A", "b": "A", "c": "A"}, [("h", "a"), ("h", "b"), ("h", "c")])
    s = structural_holes(star)
    assert s.loc["h", "constraint"] == pytest.approx(1 / 3)
    assert s.loc["h", "effective_size"] == pytest.approx(3)
    assert s.loc["h", "efficiency"] == pytest.approx(1)
    assert s.loc["a", "constraint"] == pytest.approx(1)
    tri = graph_of({"x": "A", "y": "A", "z": "A"}, [("x", "y"), ("y", "z"), ("z", "x")])
    t = structural_holes(tri)
    assert t.loc["x", "constraint"] == pytest.approx(9 / 8)
    assert t.loc["x", "effective_size"] == pytest.approx(1)


def test_weights_and_direction_enter_as_mutual_weight():
    """x -> y (2) and y -> x (1) make one undirected pair of weight 3; with x -> z (1):
    p_xy = 3/4, p_xz = 1/4, no tie y-z: c_x = (3/4)^2 + (1/4)^2 = 10/16."""
    g = graph_of({"x": "A", "y": "A", "z": "A"}, [("x", "y"), ("y", "x"), ("x", "z")], [2, 1, 1])
    assert structural_holes(g).loc["x", "constraint"] == pytest.approx(10 / 16)



def test_effective_size_weighs_a_contacts_tie_by_its_strongest_tie_anywhere():
    """i -> j, i -> q, j -> q, all one-way, and j <-> x, mutual, outside i's network. Every tie
    around i weighs 1, yet Borgatti's n - 2t/n = 2 - 2*1/2 = 1 is not i's effective size: m_jq =
    s_jq / max_k s_jk = 1/2, j's strongest pair being the mutual one with x (Burt 1992). By hand,
    p_ij = p_iq = 1/2, m_qj = 1: e_i = 2 - (1/2 * 1/2 + 1/2 * 1) = 1.25; constraint, with
    p_qj = 1/2 and p_jq = 1/4: (1/2 + 1/4)^2 + (1/2 + 1/8)^2 = 61/64."""
    g = graph_of({"i": "A", "j": "A", "q": "A", "x": "A"},
                 [("i", "j"), ("i", "q"), ("j", "q"), ("j", "x"), ("x", "j")])
    s = structural_holes(g)
    assert s.loc["i", "effective_size"] == pytest.approx(1.25)
    assert s.loc["i", "constraint"] == pytest.approx(61 / 64)

def test_structural_holes_equal_networkx_on_uk_faculty():
    """networkx's constraint and effective_size (per node, nodes=list(G)) on the undirected graph
    with pair weight w_ij + w_ji (UK faculty friendship, weighted). networkx's own nodes=None path
    is not used: it is wrong for weighted graphs in networkx 3.6 (PR #8906)."""
    g = load("uk-faculty", "nodes.csv", "edges.csv")
    u = nx.Graph()
    u.add_nodes_from(g.ids)
    for s, t, w in zip(g.source, g.target, g.weight):
        a, b = g.ids[s], g.ids[t]
        u.add_edge(a, b, weight=u.get_edge_data(a, b, {"weight": 0})["weight"] + w)
    ours = structural_holes(g)
    c = nx.constraint(u, weight="weight")
    e = nx.effective_size(u, nodes=list(u), weight="weight")
    assert np.allclose(ours["constraint"], [c[i] for i in g.ids], equal_nan=True)
    assert np.allclose(ours["effective_size"], [e[i] for i in g.ids], equal_nan=True)


def test_isolates_have_no_structural_hole_measures():
    g = graph_of({"a": "A", "b": "A", "lone": "B"}, [("a", "b")])
    assert structural_holes(g).loc["lone"].isna().all()


# --- Betweenness ------------------------------------------------------------------------------

def test_betweenness_of_a_path_by_hand():
    """a -> b -> c: b is on the only path of 1 of the (3-1)(3-2) = 2 ordered pairs: 1/2."""
    g = graph_of({"a": "A", "b": "A", "c": "A"}, [("a", "b"), ("b", "c")])
    b, info = betweenness_of(g)
    assert b.loc["b", "betweenness"] == pytest.approx(0.5)
    assert b.loc[["a", "c"], "betweenness"].tolist() == [0, 0]
    assert info["betweenness_method"] == "exact (Brandes)"


def test_equal_length_weighted_paths_are_all_counted():
    """Two routes from s to t of equal length: s -> x -> t with weights 1, 1 (length 1 + 1 = 2) and
    s -> y -> z -> u -> t with weights 1, 3, 3, 3 (length 1 + 1/3 + 1/3 + 1/3 = 2). Both are
    shortest, so x gets 1/2 of the pair (s, t); y also lies on the only shortest paths s -> z and
    s -> u: 1 + 1 + 1/2 = 2.5, over (6 - 1)(6 - 2) = 20 ordered pairs. In floating point
    1 + 1/3 + 1/3 + 1/3 != 2 exactly; integer lengths (3/w) keep both routes."""
    g = graph_of({p: "A" for p in ["s", "x", "t", "y", "z", "u"]},
                 [("s", "x"), ("x", "t"), ("s", "y"), ("y", "z"), ("z", "u"), ("u", "t")],
                 [1, 1, 1, 3, 3, 3])
    b, info = betweenness_of(g)
    pairs = 5 * 4
    assert b.loc["x", "betweenness"] * pairs == pytest.approx(0.5)
    # y lies on s->z, s->u (sole shortest paths) and half of s->t.
    assert b.loc["y", "betweenness"] * pairs == pytest.approx(2.5)
    assert "integer lengths" in info["betweenness_tie_length"]


def test_fractional_weights_count_equal_paths_within_a_tolerance():
    """Weights that are not integers give lengths 1/w in floating point, compared within a relative
    1e-10 as igraph does: s -> x -> t with weights 0.5, 0.5 (length 2 + 2 = 4) and
    s -> y -> z -> u -> t with weights 1.5, 1.5, 1.5, 0.5 (length 2/3 + 2/3 + 2/3 + 2 = 4) are both
    shortest, so x gets 1/2 of the pair (s, t), as in the integer case above."""
    g = graph_of({p: "A" for p in ["s", "x", "t", "y", "z", "u"]},
                 [("s", "x"), ("x", "t"), ("s", "y"), ("y", "z"), ("z", "u"), ("u", "t")],
                 [0.5, 0.5, 1.5, 1.5, 1.5, 0.5])
    b, info = betweenness_of(g)
    assert info["betweenness_tie_length"] == "1 / weight"
    assert b.loc["x", "betweenness"] * 20 == pytest.approx(0.5)
    assert b.loc["y", "betweenness"] * 20 == pytest.approx(2.5)


@pytest.mark.parametrize("weights", ["fractional", "integers with a large common multiple"])
def test_betweenness_equals_igraph_whatever_the_weights(weights):
    """The three shortest-path searches (breadth-first, bucket queue for small integer lengths,
    binary heap otherwise) agree with igraph: here the heap, on the UK faculty network with
    random weights, fractional or integers 1-17 (least common multiple 12,252,240: too many
    buckets, so exact integer lengths in the heap)."""
    g = load("uk-faculty", "nodes.csv", "edges.csv")
    rng = np.random.default_rng(3)
    w = rng.uniform(0.2, 5, g.m) if weights == "fractional" else rng.integers(1, 18, g.m).astype(float)
    g = OrgGraph(people=g.people, source=g.source, target=g.target, weight=w)
    b, _ = betweenness_of(g)
    scale = (g.n - 1) * (g.n - 2)
    expected = np.array(g.igraph.betweenness(directed=True, weights=(1 / w).tolist())) / scale
    assert np.allclose(b["betweenness"], expected, atol=1e-10)


def small_world_organisation(people: int, ties_per_person: int, seed: int) -> OrgGraph:
    """A seeded directed organisation: 80% of ties inside one of eight units, the rest anywhere,
    frequencies 1-5, a few people who name no one and one isolate (unreachable sources and
    targets), so the breadth-first search runs levels forward and backward."""
    rng = np.random.default_rng(seed)
    unit = rng.integers(0, 8, people)
    src = np.repeat(np.arange(people), ties_per_person)
    same = rng.random(len(src)) < 0.8
    members = [np.flatnonzero(unit == u) for u in range(8)]
    tgt = np.where(same, [rng.choice(members[unit[s]]) for s in src], rng.integers(0, people, len(src)))
    keep = (src != tgt) & ~np.isin(src, [0, 1, 2]) & (src != people - 1) & (tgt != people - 1)
    pairs = np.unique(np.column_stack([src[keep], tgt[keep]]), axis=0)
    weight = rng.integers(1, 6, len(pairs)).astype(float)
    frame = pd.DataFrame({"unit": [f"Unit {u}" for u in unit]}, index=[f"P{i}" for i in range(people)])
    return OrgGraph(frame, pairs[:, 0].astype(np.int64), pairs[:, 1].astype(np.int64), weight)


@pytest.mark.parametrize("seed", [1, 2])
def test_betweenness_equals_igraph_on_a_small_world_organisation(seed):
    """Several hundred people, each reached within a few steps: weighted (bucket queue on integer
    lengths 60/w) and unweighted (levels searched forward, and backward from the people not yet
    reached once they are few) agree with igraph."""
    g = small_world_organisation(400, 12, seed)
    b, info = betweenness_of(g)
    assert "integer lengths" in info["betweenness_tie_length"]
    scale = (g.n - 1) * (g.n - 2)
    weighted = np.array(g.igraph.betweenness(directed=True, weights=(1 / g.weight).tolist())) / scale
    unweighted = np.array(g.igraph.betweenness(directed=True)) / scale
    assert np.allclose(b["betweenness"], weighted, rtol=1e-9, atol=1e-12)
    assert np.allclose(b["betweenness_unweighted"], unweighted, rtol=1e-9, atol=1e-12)
    assert b["betweenness"].iloc[-1] == 0 and b["betweenness_unweighted"].iloc[:3].eq(0).all()


def test_sampling_every_person_as_a_pivot_gives_the_exact_values():
    """Pivot sampling sums the dependencies of the sampled sources and scales by n / pivots
    (Brandes & Pich 2007): with every person a pivot the estimate is the exact betweenness."""
    g = load("lazega", "nodes.csv", "edges_advice.csv")
    exact, _ = betweenness_of(g)
    everyone, info = betweenness_of(g, exact_limit=0, samples=g.n)
    assert info["betweenness_pivots"] == g.n
    assert np.allclose(everyone.to_numpy(), exact.to_numpy(), atol=1e-12)


def test_betweenness_equals_igraph_on_uk_faculty():
    """igraph compares path lengths with a tolerance; on the weighted UK faculty network with
    length 1/weight both agree, and so do the unweighted versions."""
    g = load("uk-faculty", "nodes.csv", "edges.csv")
    b, _ = betweenness_of(g)
    scale = (g.n - 1) * (g.n - 2)
    weighted = np.array(g.igraph.betweenness(directed=True, weights=(1 / g.weight).tolist())) / scale
    unweighted = np.array(g.igraph.betweenness(directed=True)) / scale
    assert np.allclose(b["betweenness"], weighted, atol=1e-10)
    assert np.allclose(b["betweenness_unweighted"], unweighted, atol=1e-12)


def test_sampled_betweenness_reports_pivots_and_seed_and_is_reproducible():
    g = load("lazega", "nodes.csv", "edges_advice.csv")
    first, info = betweenness_of(g, exact_limit=10, samples=30, seed=7)
    again, _ = betweenness_of(g, exact_limit=10, samples=30, seed=7)
    exact, _ = betweenness_of(g)
    assert info["betweenness_pivots"] == 30 and info["betweenness_seed"] == 7
    assert first.equals(again)
    top_exact = set(exact["betweenness"].nlargest(10).index)
    assert len(top_exact & set(first["betweenness"].nlargest(10).index)) >= 5


# --- Participation (Guimerà & Amaral) ----------------------------------------------------------

def test_participation_and_within_unit_z_by_hand():
    """h has contacts a1, a2 (own unit A) and b1, c1: P = 1 - (2/4)^2 - (1/4)^2 - (1/4)^2 = 0.625.
    Inside A, contacts within A: h 2, a1 1, a2 1: mean 4/3, population sd sqrt(2/9):
    z_h = (2 - 4/3) / sqrt(2/9) = sqrt(2)."""
    g = graph_of({"h": "A", "a1": "A", "a2": "A", "b1": "B", "c1": "C"},
                 [("h", "a1"), ("a2", "h"), ("h", "b1"), ("c1", "h")])
    p = participation(g, g.partition("unit"))
    assert p.loc["h", "participation"] == pytest.approx(0.625)
    assert p.loc["h", "within_unit_z"] == pytest.approx(math.sqrt(2))
    assert p.loc["h", "units_reached"] == 2
    assert p.loc["a1", "participation"] == 0
    assert p.loc["h", "ga_role"] == "non-hub connector"


# --- E-I against chance --------------------------------------------------------------------

def test_expected_and_rescaled_ei_by_hand():
    """Units of 3 and 2: ordered pairs inside 3*2 + 2*1 = 8, outside 20 - 8 = 12:
    expected E-I = (12 - 8) / 20 = 0.2. With m = 6 ties, 4 inside (observed E-I = -1/3):
    at most 6 inside (E-I min = -1) and at most 6 outside (E-I max = +1), so the rescaled E-I
    equals the raw one."""
    g = graph_of({"a1": "A", "a2": "A", "a3": "A", "b1": "B", "b2": "B"},
                 [("a1", "a2"), ("a2", "a1"), ("a1", "b1"), ("a3", "a1"), ("b1", "b2"), ("b2", "a2")])
    e = ei_expectation(g, g.partition("unit"), permutations=200, seed=3)
    assert e["ei_expected"] == pytest.approx(0.2)
    assert (e["ei_min"], e["ei_max"]) == (-1, 1)
    assert e["ei_rescaled"] == pytest.approx(-1 / 3)
    assert 0 < e["ei_p_lower"] <= 1 and e["ei_permutations"] == 200


def test_rescaled_ei_when_the_range_is_restricted():
    """Units of 2 and 2 have only 2*1 + 2*1 = 4 ordered pairs inside. With 6 ties at least 2 must
    cross, so the E-I cannot go below (6 - 2*4) / 6 = -1/3. Four internal and two external ties
    (raw E-I -1/3) are as closed as possible: rescaled -1."""
    g = graph_of({"a1": "A", "a2": "A", "b1": "B", "b2": "B"},
                 [("a1", "a2"), ("a2", "a1"), ("b1", "b2"), ("b2", "b1"), ("a1", "b1"), ("b2", "a2")])
    e = ei_expectation(g, g.partition("unit"), permutations=0)
    assert e["ei_min"] == pytest.approx(-1 / 3) and e["ei_max"] == 1.0
    assert e["ei_rescaled"] == pytest.approx(-1.0)


def test_a_silo_organisation_is_significant_in_the_permutation_test():
    """Two units of five, every tie inside a unit (E-I = -1). Only the 2 of C(10, 5) = 252 shuffles
    that reproduce the split are as closed, so about 99 * 2/252 < 1 of 99 shuffles is expected to
    be: p_lower = (1 + k) / 100 stays far below 0.05, and every shuffle is at least as open."""
    units = {f"a{i}": "A" for i in range(5)} | {f"b{i}": "B" for i in range(5)}
    ties = [(f"a{i}", f"a{(i + 1) % 5}") for i in range(5)] + [(f"b{i}", f"b{(i + 1) % 5}") for i in range(5)]
    e = ei_expectation(graph_of(units, ties), graph_of(units, ties).partition("unit"), permutations=99, seed=1)
    assert e["ei_p_lower"] <= 0.04
    assert e["ei_p_higher"] == pytest.approx(1.0)


# --- Formal units against detected communities ---------------------------------------------------

def test_unit_contributions_sum_to_modularity(data_dir):
    roster = ona.read_roster(data_dir / "analyze" / "roster.csv")
    g = ona.build_graph(roster, ona.read_ties(data_dir / "analyze" / "ties.csv", roster))
    units = g.partition("Department")
    assert unit_contributions(g, units).sum() == pytest.approx(ona.metrics.modularity(g, units))


def test_communities_find_a_hidden_team_and_a_fragmented_unit():
    """Formal units A (a1-a3, b-side b1-b3 work as one clique) and B: people of A and of B who work
    together form one community; unit C consists of two separate cliques, so it is fragmented."""
    units = {"a1": "A", "a2": "A", "a3": "A", "b1": "B", "b2": "B", "b3": "B",
             "c1": "C", "c2": "C", "c3": "C", "c4": "C", "c5": "C", "c6": "C"}
    clique = lambda people: [(x, y) for x in people for y in people if x != y]
    ties = clique(["a1", "a2", "a3", "b1", "b2", "b3"]) + clique(["c1", "c2", "c3"]) + clique(["c4", "c5", "c6"])
    g = graph_of(units, ties)
    membership, summary, crosstab, per_unit = communities(g, g.partition("unit"), seed=1)
    assert summary["communities"] == 3
    assert per_unit.loc["A", "merged_with"] == "B" and per_unit.loc["B", "merged_with"] == "A"
    assert bool(per_unit.loc["C", "fragmented"]) and not bool(per_unit.loc["A", "fragmented"])
    assert crosstab.loc["C"].tolist().count(3) == 2
    truth = [0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 2]
    assert summary["unit_community_nmi"] == pytest.approx(ig.compare_communities(
        g.partition("unit").membership(), truth, method="nmi"))


def test_people_with_no_tie_belong_to_no_community():
    """A sparse survey: unit A (a1-a4) works as one clique but a5 and a6 neither answered nor were
    named; B (b1-b3) is a clique. Leiden alone would make a5 and a6 communities of their own: four
    communities, A split over three of them (4 of 6 people in its main one), so "fragmented", and
    an agreement with the units below 1. Counted over the people with a tie, there are two
    communities, they are the units (NMI 1), and A is whole."""
    units = {**{f"a{i}": "A" for i in range(1, 7)}, **{f"b{i}": "B" for i in range(1, 4)}}
    clique = lambda people: [(x, y) for x in people for y in people if x != y]
    g = graph_of(units, clique(["a1", "a2", "a3", "a4"]) + clique(["b1", "b2", "b3"]))
    membership, summary, crosstab, per_unit = communities(g, g.partition("unit"), seed=1)
    position = {pid: k for k, pid in enumerate(g.ids)}
    assert [membership[position[p]] for p in ("a1", "a4", "b1", "a5", "a6")] == [0, 0, 1, -1, -1]
    assert (summary["communities"], summary["community_people"]) == (2, 7)
    assert summary["unit_community_nmi"] == pytest.approx(1.0)
    assert summary["unit_community_ari"] == pytest.approx(1.0)
    assert per_unit.loc["A", "main_community_share"] == pytest.approx(1.0)
    assert not bool(per_unit.loc["A", "fragmented"])
    assert crosstab.loc["A"].tolist() == [4, 0, 2] and list(crosstab.columns) == ["community 1", "community 2",
                                                                                  "no tie"]
    people = ona.measure(g, by="unit", permutations=0).people
    assert people.loc["a1", "community"] == 1 and people["community"].isna().sum() == 2


def test_with_no_ties_there_are_no_communities():
    g = graph_of({"a1": "A", "a2": "A", "b1": "B"}, [])
    membership, summary, crosstab, per_unit = communities(g, g.partition("unit"), seed=1)
    assert membership.tolist() == [-1, -1, -1]
    assert summary["communities"] == summary["community_people"] == 0
    assert math.isnan(summary["unit_community_nmi"]) and math.isnan(summary["unit_community_ari"])
    assert per_unit["fragmented"].tolist() == [False, False] and per_unit["main_community"].isna().all()
    assert crosstab["no tie"].tolist() == [2, 1]


# --- Fragile bridges ------------------------------------------------------------------------

def test_units_joined_through_one_person():
    """All ties between A and B touch b1 (a1 -> b1, b1 -> a2, a3 -> b1): b1 alone must not leave.
    C is tied to the rest only by c1 -> a1: c1 and a1 each cut C off (one relationship)."""
    units = {"a1": "A", "a2": "A", "a3": "A", "b1": "B", "b2": "B", "c1": "C"}
    g = graph_of(units, [("a1", "b1"), ("b1", "a2"), ("a3", "b1"), ("b1", "b2"), ("c1", "a1")])
    pairs, must = fragile_bridges(g, g.partition("unit"))
    ab = pairs[(pairs.unit_a == "A") & (pairs.unit_b == "B")].iloc[0]
    assert (ab["ties"], ab["carriers_a"], ab["carriers_b"], ab["cut_by"]) == (3, 3, 1, "b1")
    rows = {(r.person, r.cuts, r.alone) for r in must.itertuples()}
    assert ("b1", "A ↔ B", True) in rows and ("b1", "B ↔ rest", True) in rows
    assert {("c1", "C ↔ rest", False), ("a1", "C ↔ rest", False)} <= rows
    assert not any(r[0] == "a2" for r in rows)


def test_the_example_municipality_hangs_on_one_caseworker():
    """The example's planted bridge: Child & Family Services and Employment through E0116 only."""
    from conftest import ROOT

    roster = ona.read_roster(ROOT / "examples" / "municipality" / "roster.xlsx")
    g = ona.build_graph(roster, ona.read_ties(ROOT / "examples" / "municipality" / "ties.xlsx", roster))
    m = ona.measure(g, permutations=50)
    bridges = m.extra["fragile_bridges"]
    row = bridges[(bridges.unit_a == "Child & Family Services") & (bridges.unit_b == "Employment")].iloc[0]
    assert row["cut_by"] == "E0116"
    assert m.units.loc["Building & Permits", "ei_index"] == m.units["ei_index"].min()
    assert bool(m.people.loc["E0116", "boundary_spanner"]) is False or m.people.loc["E0116", "units_reached"] >= 2


def test_boundary_spanner_rule():
    """Linked inside the own unit, reaching two other units, a third of ties across (Tushman & Scanlan)."""
    people = pd.DataFrame({"internal_ties": [2, 4, 1, 2, 0], "units_reached": [2, 2, 1, 3, 2],
                           "external_share": [0.5, 0.2, 0.9, 1 / 3, 1.0]})
    assert boundary_spanners(people).tolist() == [True, False, False, True, False]


def test_someone_whose_ties_all_leave_their_unit_is_not_a_boundary_spanner():
    """x, in unit A but tied to nobody there, names y (unit B) and z (unit C); a, in A, names b
    (A), y and z. Both reach two other units; only a carries anything into A."""
    people = pd.DataFrame({"unit": ["A", "A", "A", "B", "C"]}, index=["x", "a", "b", "y", "z"])
    g = OrgGraph(people, np.array([0, 0, 1, 1, 1]), np.array([3, 4, 3, 4, 2]), np.ones(5))
    flags = ona.measure(g, by="unit", permutations=10).people["boundary_spanner"]
    assert flags.to_dict() == {"x": False, "a": True, "b": False, "y": False, "z": False}


def test_measure_puts_every_family_in_the_outputs(tmp_path):
    """The Measurement, metrics.json and metrics.xlsx carry the new metrics and their parameters."""
    import json

    from openpyxl import load_workbook

    g = load("krackhardt", "nodes.csv", "edges_advice.csv")
    m = ona.measure(g, by="department", permutations=20, seed=5)
    for column in ["coordinator_z", "constraint", "effective_size", "betweenness", "participation",
                   "ga_role", "boundary_spanner", "community"]:
        assert column in m.people
    for column in ["modularity_contribution", "fragmented", "merged_with", "boundary_spanners"]:
        assert column in m.units
    for column in ["observed_expected", "asymmetry"]:
        assert column in m.unit_pairs
    for key in ["ei_expected", "ei_rescaled", "ei_p_lower", "unit_community_nmi", "unit_community_ari"]:
        assert key in m.summary
    assert m.parameters["seed"] == 5 and m.parameters["ei_permutations"] == 20
    ona.write_report(m, g, tmp_path)
    data = json.loads((tmp_path / "metrics.json").read_text())
    assert {"fragile_bridges", "must_not_leave", "unit_communities"} <= set(data)
    assert {"fragile_bridges", "must_not_leave", "unit_communities"} <= set(load_workbook(tmp_path / "metrics.xlsx").sheetnames)


def test_modularity_of_huge_weights_is_the_modularity_of_the_same_weights_scaled():
    """A tie file with weights of 1e200 (a pasted-in timestamp, say): modularity does not change when
    every weight is multiplied by one factor, so it equals that of weights 1, 2, 3, not NaN."""
    units = {"a1": "A", "a2": "A", "b1": "B", "b2": "B"}
    ties = [("a1", "a2"), ("a2", "b1"), ("b1", "b2"), ("b2", "a1")]
    small = graph_of(units, ties, [1.0, 2.0, 3.0, 1.0])
    huge = graph_of(units, ties, [1e200, 2e200, 3e200, 1e200])
    for directed in (True, False):
        q = ona.metrics.modularity(small, small.partition("unit"), directed=directed)
        assert ona.metrics.modularity(huge, huge.partition("unit"), directed=directed) == pytest.approx(q)
    assert unit_contributions(huge, huge.partition("unit")) == pytest.approx(
        unit_contributions(small, small.partition("unit")))


def test_unit_pairs_compare_each_direction_with_the_other_and_with_chance():
    """HR has a1, a2; IT has b1, b2; Legal has c (5 people, 20 ordered pairs). Ties: a1->a2, a1->b1,
    a2->b1, a2->b2, b1->a1, c->a1: 6 ties, density 6/20 = 0.3. By hand (docs/metrics.md,
    pair_expectation):
    HR->IT 3 ties of 4 possible: expected 0.3 x 4 = 1.2, observed/expected 2.5; IT->HR 1 tie back:
    asymmetry (3 - 1) / (3 + 1) = +0.5, and IT->HR -0.5. HR->HR 1 of 2: expected 0.6, ratio 5/3,
    asymmetry 0 (its own reverse). Legal->HR 1, HR->Legal 0: +1 and -1. Legal->Legal: no pair of
    two people (nothing expected, ratio NaN) and no tie either way (asymmetry NaN)."""
    g = graph_of({"a1": "HR", "a2": "HR", "b1": "IT", "b2": "IT", "c": "Legal"},
                 [("a1", "a2"), ("a1", "b1"), ("a2", "b1"), ("a2", "b2"), ("b1", "a1"), ("c", "a1")])
    pairs = ona.measure(g, by="unit", permutations=10).unit_pairs.set_index(["from_unit", "to_unit"])
    assert pairs.loc[("HR", "IT"), ["ties", "expected_ties", "observed_expected", "reverse_ties", "asymmetry"]
                     ].tolist() == pytest.approx([3, 1.2, 2.5, 1, 0.5])
    assert pairs.loc[("IT", "HR"), ["reverse_ties", "asymmetry"]].tolist() == pytest.approx([3, -0.5])
    assert pairs.loc[("HR", "HR"), ["expected_ties", "observed_expected", "reverse_ties", "asymmetry"]
                     ].tolist() == pytest.approx([0.6, 5 / 3, 1, 0])
    assert pairs.loc[("Legal", "HR"), "asymmetry"] == 1 and pairs.loc[("HR", "Legal"), "asymmetry"] == -1
    assert math.isnan(pairs.loc[("Legal", "Legal"), "observed_expected"])
    assert math.isnan(pairs.loc[("Legal", "Legal"), "asymmetry"])
    assert pairs["reverse_ties"].to_dict() == {(a, b): pairs.loc[(b, a), "ties"] for a, b in pairs.index}


def test_a_pair_table_without_the_reverse_row_has_no_reverse_ties():
    """pair_expectation on a table of some pairs only (a script's own selection): a pair whose
    reverse is not in the table gets reverse_ties NaN and asymmetry NaN, not another row's count."""
    from ona.metrics import pair_expectation

    table = pd.DataFrame({"from_unit": ["HR", "IT", "Legal"], "to_unit": ["IT", "HR", "HR"],
                          "ties": [3, 1, 2], "possible_ties": [4, 4, 2]})
    out = pair_expectation(table, 0.5).set_index(["from_unit", "to_unit"])
    assert out.loc[("HR", "IT"), ["reverse_ties", "asymmetry"]].tolist() == [1, 0.5]
    assert out.loc[("IT", "HR"), ["reverse_ties", "asymmetry"]].tolist() == [3, -0.5]
    assert math.isnan(out.loc[("Legal", "HR"), "reverse_ties"]) and math.isnan(out.loc[("Legal", "HR"), "asymmetry"])
    assert out["observed_expected"].tolist() == [1.5, 0.5, 2.0]
