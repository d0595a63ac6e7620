"""`ona analyze` on a real organisation: Krackhardt's (1987) high-tech managers, advice network.

Expected values come from igraph and networkx on the same edge list, and from the data set's
README (21 managers, 190 advice ties; department sizes 1, 5, 8, 3, 4), never from ona itself.
"""

from __future__ import annotations

import json

import igraph as ig
import networkx as nx
import pandas as pd
import pytest

import ona
from ona.cli import cli


@pytest.fixture(scope="module")
def krackhardt(request):
    from conftest import DATA

    roster = ona.read_roster(DATA / "krackhardt" / "nodes.csv")
    ties = ona.read_ties(DATA / "krackhardt" / "edges_advice.csv", roster)
    graph = ona.build_graph(roster, ties)
    edges = pd.read_csv(DATA / "krackhardt" / "edges_advice.csv", dtype=str)
    nodes = pd.read_csv(DATA / "krackhardt" / "nodes.csv", dtype=str, keep_default_na=False)
    return graph, ona.measure(graph, by="department"), edges, nodes


def test_counts_match_the_published_data(krackhardt):
    graph, m, _, _ = krackhardt
    assert (m.summary["people"], m.summary["ties"], m.summary["units"]) == (21, 190, 5)
    assert m.units["headcount"].to_dict() == {"0": 1, "1": 5, "2": 8, "3": 3, "4": 4}


def test_density_and_reciprocity_equal_networkx_and_igraph(krackhardt):
    _, m, edges, nodes = krackhardt
    g = nx.DiGraph()
    g.add_nodes_from(nodes["node_id"])
    g.add_edges_from(edges.itertuples(index=False))
    assert m.summary["density"] == pytest.approx(nx.density(g))
    assert m.summary["reciprocity"] == pytest.approx(nx.reciprocity(g))
    ig_graph = ig.Graph.TupleList(edges.itertuples(index=False), directed=True)
    assert m.summary["reciprocity"] == pytest.approx(ig_graph.reciprocity())


def test_modularity_equals_igraph_on_the_department_partition(krackhardt):
    _, m, edges, nodes = krackhardt
    dept = dict(zip(nodes["node_id"], nodes["department"]))
    g = ig.Graph.TupleList(edges.itertuples(index=False), directed=True)
    membership = pd.factorize(pd.Series([dept[v["name"]] for v in g.vs]))[0].tolist()
    assert m.summary["modularity_directed_binary"] == pytest.approx(g.modularity(membership, directed=True))
    und = g.as_undirected(mode="collapse")
    assert m.summary["modularity_undirected_binary"] == pytest.approx(und.modularity(membership))


def test_unit_ei_and_matrix_equal_an_independent_pandas_count(krackhardt):
    """E-I of each department from a plain pandas count of the edge list (Krackhardt & Stern 1988)."""
    _, m, edges, nodes = krackhardt
    dept = dict(zip(nodes["node_id"], nodes["department"]))
    e = edges.assign(a=edges["source"].map(dept), b=edges["target"].map(dept))
    for unit in m.units.index:
        internal = ((e.a == unit) & (e.b == unit)).sum()
        external = ((e.a == unit) != (e.b == unit)).sum()
        expected = (external - internal) / (external + internal)
        assert m.units.loc[unit, "ei_index"] == pytest.approx(expected)
    counts = pd.crosstab(e.a, e.b)
    sizes = nodes["department"].value_counts()
    assert m.matrix("density").loc["2", "4"] == pytest.approx(counts.loc["2", "4"] / (sizes["2"] * sizes["4"]))
    assert m.matrix("density").loc["2", "2"] == pytest.approx(counts.loc["2", "2"] / (8 * 7))


def test_the_cli_reads_the_same_network_from_the_data_set(runner, tmp_path):
    from conftest import DATA

    res = runner.invoke(cli, ["analyze", "--roster", str(DATA / "krackhardt" / "nodes.csv"),
                              "--ties", str(DATA / "krackhardt" / "edges_advice.csv"), "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    data = json.loads((tmp_path / "metrics.json").read_text())
    assert data["summary"]["ties"] == 190 and len(data["people"]) == 21
