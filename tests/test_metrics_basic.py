"""The person, unit, pair and organisation metrics of `ona analyze`, on a network computed by hand.

The network (tests/data/analyze): units A = {a1, a2, a3} and B = {b1, b2}; ties with weights
a1->a2 (3), a2->a1 (1), a1->b1 (2), a3->a1 (1), b1->b2 (5), b2->a2 (1). n = 5, m = 6.
"""

from __future__ import annotations

import math

import pytest

import ona
from ona.metrics import modularity


@pytest.fixture
def result(data_dir):
    roster = ona.read_roster(data_dir / "analyze" / "roster.csv")
    ties = ona.read_ties(data_dir / "analyze" / "ties.csv", roster)
    graph = ona.build_graph(roster, ties)
    return graph, ona.measure(graph, by="Department")


def test_person_degrees_strengths_and_ei(result):
    """By hand: a1 sends to a2 (3) and b1 (2), receives from a2 (1) and a3 (1); three of its four
    ties stay in A, so E-I = (1 - 3) / 4 = -0.5. b2 receives from b1 (inside) and sends to a2
    (outside): E-I = 0. a3 has one tie, inside: E-I = -1."""
    _, m = result
    people = m.people
    a1 = people.loc["a1"]
    assert (a1["out_degree"], a1["in_degree"], a1["out_strength"], a1["in_strength"]) == (2, 2, 5.0, 2.0)
    assert (a1["internal_ties"], a1["external_ties"], a1["ei_index"]) == (3, 1, -0.5)
    assert people.loc["b2", "ei_index"] == 0.0
    assert people.loc["a3", "ei_index"] == -1.0
    assert people.loc["a1", "name"] == "Åse Ødegård"
    assert list(people["unit"]) == ["A", "A", "A", "B", "B"]


def test_unit_density_and_three_ei_readings(result):
    """By hand: A has 3 internal ties of 3*2 possible (density 0.5), sends 1 (a1->b1) and receives
    1 (b2->a2): E-I all = (2 - 3) / 5 = -0.2, sent = (1 - 3) / 4 = -0.5, received = -0.5.
    B: 1 internal tie of 2 possible, sends 1, receives 1: E-I = (2 - 1) / 3."""
    _, m = result
    a, b = m.units.loc["A"], m.units.loc["B"]
    assert (a["headcount"], a["internal_ties"], a["internal_density"]) == (3, 3, 0.5)
    assert (a["ties_sent_out"], a["ties_received_in"], a["external_ties"]) == (1, 1, 2)
    assert a["ei_index"] == pytest.approx(-0.2)
    assert a["ei_sent"] == pytest.approx(-0.5)
    assert a["ei_received"] == pytest.approx(-0.5)
    assert b["internal_density"] == 0.5
    assert b["ei_index"] == pytest.approx(1 / 3)


def test_unit_matrix_is_directed_binary_and_weighted(result):
    """A->B: 1 tie of 3*2 possible pairs (1/6), weight 2 (2/6); B->A: b2->a2, 1/6, weight 1/6;
    within A: 3 / (3*2); within B: 1 / (2*1), weighted 5/2."""
    _, m = result
    d = m.matrix("density")
    w = m.matrix("weighted_density")
    assert d.loc["A", "B"] == pytest.approx(1 / 6)
    assert d.loc["B", "A"] == pytest.approx(1 / 6)
    assert d.loc["A", "A"] == pytest.approx(0.5)
    assert w.loc["A", "B"] == pytest.approx(2 / 6)
    assert w.loc["B", "A"] == pytest.approx(1 / 6)
    assert w.loc["B", "B"] == pytest.approx(2.5)
    assert m.matrix("ties").loc["A", "B"] == 1


def test_org_summary(result):
    """Density 6 / (5*4) = 0.3; reciprocity: a1<->a2 is the only mutual pair, 2 of 6 ties;
    2 of 6 ties cross units: share 1/3 and E-I (2 - 4) / 6 = -1/3."""
    _, m = result
    s = m.summary
    assert (s["people"], s["ties"], s["units"], s["cross_unit_ties"], s["isolates"]) == (5, 6, 2, 2, 0)
    assert s["density"] == pytest.approx(0.3)
    assert s["reciprocity"] == pytest.approx(1 / 3)
    assert s["cross_unit_share"] == pytest.approx(1 / 3)
    assert s["ei_index"] == pytest.approx(-1 / 3)


def test_modularity_variants_by_hand(result):
    """Directed weighted (Leicht & Newman 2008): total weight 13, inside 10, unit out-strengths
    A 7, B 6 and in-strengths A 6, B 7: Q = 10/13 - (7*6 + 6*7)/13^2 = 46/169.
    Directed binary: Q = 4/6 - (4*4 + 2*2)/36 = 1/9.
    Undirected binary (Newman 2006): 5 pairs, 3 inside, degrees A 6 and B 4: 3/5 - 0.36 - 0.16 = 0.08.
    Undirected weighted: pair weights a_ij + a_ji sum to 13, 10 inside, strengths 13 and 13:
    10/13 - 1/4 - 1/4."""
    _, m = result
    s = m.summary
    assert s["modularity"] == pytest.approx(46 / 169)
    assert s["modularity_directed_binary"] == pytest.approx(1 / 9)
    assert s["modularity_undirected_binary"] == pytest.approx(0.08)
    assert s["modularity_undirected_weighted"] == pytest.approx(10 / 13 - 0.5)


def test_modularity_equals_igraph(result):
    """igraph's Graph.modularity (resolution 1) defines the same four numbers."""
    graph, _ = result
    units = graph.partition("Department")
    g = graph.igraph
    assert modularity(graph, units) == pytest.approx(g.modularity(units.membership(), weights="weight", directed=True))
    assert modularity(graph, units, weighted=False) == pytest.approx(g.modularity(units.membership(), directed=True))
    und = g.as_undirected(mode="collapse", combine_edges={"weight": "sum"})
    assert modularity(graph, units, directed=False) == pytest.approx(und.modularity(units.membership(), weights="weight"))
    assert modularity(graph, units, directed=False, weighted=False) == pytest.approx(
        und.modularity(units.membership()))


def test_empty_network_gives_nan_not_an_error(data_dir, tmp_path):
    """Modularity and E-I are undefined with no ties: NaN, and the report is still written."""
    roster = ona.read_roster(data_dir / "analyze" / "roster.csv")
    graph = ona.build_graph(roster, ona.TieTable(ties=__import__("pandas").DataFrame(
        {"source": [], "target": [], "weight": []})))
    m = ona.measure(graph)
    assert math.isnan(m.summary["modularity"]) and math.isnan(m.summary["ei_index"])
    assert m.summary["isolates"] == 5
    ona.write_report(m, graph, tmp_path)
    assert (tmp_path / "metrics.json").read_text().count("null") >= 2


def test_measure_by_another_column(result):
    """Any roster column is a partition: by Directorate, North = A and South = B here."""
    graph, _ = result
    m = ona.measure(graph, by="directorate")
    assert list(m.units.index) == ["North", "South"]
    assert m.parameters["unit_column"] == "Directorate"


def test_undirected_modularity_of_a_large_graph_with_32_bit_node_indices():
    """A script's OrgGraph of 50,000 people whose tie ends are 32-bit numbers (scipy's sparse
    indices are): p0-p49999 across A | B, p2-p3 inside A, p49998-p49999 inside B. By hand
    (Newman 2006): L = 3 pairs, 2 inside, D_A = 3, D_B = 3: Q = 2/3 - (3/6)^2 - (3/6)^2 = 1/6,
    as with 64-bit indices. (49,998 x 50,000 does not fit 32 bits: the pairs used to mix up.)"""
    import numpy as np
    import pandas as pd

    from ona.graph import OrgGraph

    n = 50_000
    people = pd.DataFrame({"unit": ["A"] * (n // 2) + ["B"] * (n // 2)}, index=[f"p{i}" for i in range(n)])
    graph = OrgGraph(people, np.array([0, 2, 49_998], dtype=np.int32), np.array([49_999, 3, 49_999], dtype=np.int32),
                     np.ones(3))
    units = graph.partition("unit")
    assert modularity(graph, units, directed=False, weighted=False) == pytest.approx(1 / 6)
    assert modularity(graph, units, directed=False, weighted=True) == pytest.approx(1 / 6)
