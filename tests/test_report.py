"""A manager opens report/index.html: findings that follow from the numbers, the unit heatmap, who
spans and who brokers, fragile links, the method; an analyst takes the network to Gephi; a unit
head asks for a map of their own unit."""

from __future__ import annotations

import csv
import math
import re

import networkx as nx
import pytest

import ona
from ona.cli import cli
from ona.report import findings
from ona.report.index_page import heatmap_cells

from conftest import ROOT, write_csv, write_xlsx

EXAMPLE = ROOT / "examples" / "municipality"


@pytest.fixture(scope="module")
def municipality():
    roster = ona.read_roster(EXAMPLE / "roster.xlsx")
    graph = ona.build_graph(roster, ona.read_ties(EXAMPLE / "ties.xlsx", roster))
    return graph, ona.measure(graph, by="Department", permutations=200)


def by_key(items):
    out = {}
    for f in items:
        out.setdefault(f.key, []).append(f)
    return out


def test_findings_follow_from_the_numbers_of_the_example(municipality):
    """Every sentence is computed: the closed and open units are the extremes of the unit E-I
    column, the cross-unit share is the summary's, and the planted one-person bridge (caseworker
    E0116 between Child & Family Services and Employment) is found."""
    graph, m = municipality
    found = by_key(findings(m))
    units = m.units[m.units["headcount"] >= 2]
    assert found["most_closed_unit"][0].numbers["unit"] == units["ei_index"].idxmin() == "Building & Permits"
    assert found["most_open_unit"][0].numbers["unit"] == units["ei_index"].idxmax()
    assert found["cross_unit_share"][0].numbers["share"] == m.summary["cross_unit_share"]
    assert f"{100 * m.summary['cross_unit_share']:.0f}% of collaboration" in found["cross_unit_share"][0].text
    bridges = {(f.numbers["unit_a"], f.numbers["unit_b"]): f.numbers["person"] for f in found["one_person_bridge"]}
    assert bridges[("Child & Family Services", "Employment")] == "E0116"
    assert found["response_rate"][0].numbers["response_rate"] == m.summary["response_rate"]
    pairs = found["unconnected_unit_pairs"][0].numbers
    assert pairs["pairs"] == 13 * 12 // 2
    assert pairs["unconnected"] == pairs["pairs"] - m.summary["unit_pairs_connected"]


def test_findings_of_the_hand_network(data_dir):
    """tests/data/analyze: units A (a1, a2, a3) and B (b1, b2); ties a1->a2, a1->b1, a2->a1, a3->a1,
    b1->b2, b2->a2 (see its PROVENANCE.md). Cross-unit ties: a1->b1, b2->a2 = 2 of 6 = 33%;
    unit A: 3 inside, 2 across: E-I (2 - 3) / 5 = -0.2; unit B: 1 inside, 2 across: +0.33."""
    roster = ona.read_roster(data_dir / "analyze" / "roster.csv")
    graph = ona.build_graph(roster, ona.read_ties(data_dir / "analyze" / "ties.csv", roster))
    found = by_key(findings(ona.measure(graph, by="Department")))
    assert found["cross_unit_share"][0].text.startswith("33% of collaboration crosses unit lines (2 of 6 ties)")
    assert found["most_closed_unit"][0].numbers == {"unit": "A", "ei_index": pytest.approx(-0.2)}
    assert found["most_open_unit"][0].numbers == {"unit": "B", "ei_index": pytest.approx(1 / 3)}


def test_the_heatmap_shows_each_unit_pairs_density(municipality):
    """Off the diagonal: the density of ties from the row unit to the column unit, as in
    Measurement.unit_pairs; on it: the density inside the unit."""
    _, m = municipality
    cells = heatmap_cells(m).set_index(["from_unit", "to_unit"])
    pairs = m.unit_pairs.set_index(["from_unit", "to_unit"])
    for (a, b), row in pairs.iterrows():
        assert cells.loc[(a, b), "density"] == pytest.approx(row["density"])
        assert cells.loc[(a, b), "ties"] == row["ties"]
    bp = "Building & Permits"
    head = m.units.loc[bp, "headcount"]
    assert cells.loc[(bp, bp), "density"] == pytest.approx(m.units.loc[bp, "internal_ties"] / (head * (head - 1)))
    densest = cells["density"].idxmax()
    assert cells.loc[densest, "colour"] == "#08306b"


def test_the_report_folder_holds_every_page_and_export(municipality, tmp_path):
    graph, m = municipality
    paths = ona.write_report(m, graph, tmp_path)
    names = sorted(p.name for p in paths.values())
    assert names == sorted(["index.html", "map.html", "units.html", "method.html", "metrics.xlsx", "metrics.json",
                            "nodes.csv", "edges.csv", "network.gexf", "network.graphml"])
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    sentences = re.sub(r"</?a\b[^>]*>", "", index)  # (a finding's statistics link to method.html)
    for f in findings(m):
        assert f.text.replace("&", "&amp;") in sentences
    method = (tmp_path / "method.html").read_text(encoding="utf-8")
    for anchor in ("betweenness", "brokerage_roles", "ei_index", "fragile_bridges"):
        assert f'href="method.html#{anchor}"' in index
        assert f'id="{anchor}"' in method


def test_gephi_and_graphml_exports_carry_every_person_metric_and_weight(municipality, tmp_path):
    graph, m = municipality
    ona.write_report(m, graph, tmp_path)
    for name, read in (("network.gexf", nx.read_gexf), ("network.graphml", nx.read_graphml)):
        g = read(tmp_path / name)
        assert g.number_of_nodes() == graph.n and g.number_of_edges() == graph.m
        node = g.nodes["E0116"]
        assert node["Department"] == "Child & Family Services"
        assert float(node["betweenness"]) == pytest.approx(m.people.loc["E0116", "betweenness"])
        assert int(node["brokerage_total"]) == m.people.loc["E0116", "brokerage_total"]
        s, t = graph.ids[graph.source[0]], graph.ids[graph.target[0]]
        assert float(g.edges[s, t]["weight"]) == graph.weight[0]
    with open(tmp_path / "edges.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == graph.m and sum(float(r["weight"]) for r in rows) == pytest.approx(graph.weight.sum())


def test_exports_neutralise_formulas_and_drop_characters_xml_forbids(tmp_path):
    roster = ona.read_roster(write_csv(tmp_path / "r.csv", [
        ["ID", "Name", "Department"], ["1", "=cmd|' /C calc'!A0", "A"], ["2", "Bo\x07\x01", "A"], ["3", "Al", "B"]]))
    graph = ona.build_graph(roster, ona.read_ties(write_xlsx(tmp_path / "t.xlsx", [
        ["Source", "Target"], ["1", "2"], ["3", "1"]]), roster))
    ona.write_report(ona.measure(graph), graph, tmp_path / "out")
    with open(tmp_path / "out" / "nodes.csv", encoding="utf-8-sig", newline="") as handle:
        names = {r["id"]: r["Name"] for r in csv.DictReader(handle)}
    assert names["1"] == "'=cmd|' /C calc'!A0"
    g = nx.read_graphml(tmp_path / "out" / "network.graphml")
    assert g.nodes["2"]["Name"] == "Bo"
    assert nx.read_gexf(tmp_path / "out" / "network.gexf").nodes["1"]["Name"] == "=cmd|' /C calc'!A0"


def _map_nodes(path):
    import json
    import re

    text = path.read_text(encoding="utf-8")
    data = re.search(r'<script id="ona-data" type="application/json">(.*?)</script>', text, re.S).group(1)
    return json.loads(data)


def test_a_unit_head_maps_their_unit_and_its_neighbours(runner, tmp_path, municipality):
    """`ona map --unit Finance`: Finance's people plus everyone with a tie to or from one of them."""
    graph, m = municipality
    out = tmp_path / "finance.html"
    result = runner.invoke(cli, ["map", "--roster", str(EXAMPLE / "roster.xlsx"), "--ties", str(EXAMPLE / "ties.xlsx"),
                                 "--unit", "Finance", "--out", str(out)])
    assert result.exit_code == 0, result.output
    finance = set(m.people.index[m.people["unit"] == "Finance"])
    ids = list(graph.ids)
    expected = set(finance)
    for s, t in zip(graph.source, graph.target):
        if ids[s] in finance or ids[t] in finance:
            expected |= {ids[s], ids[t]}
    data = _map_nodes(out)
    assert {n["id"] for n in data["nodes"]} == expected
    assert all(e["from"] in expected and e["to"] in expected for e in data["edges"])


def test_one_persons_ego_network_and_a_clean_error_for_an_unknown_unit(runner, tmp_path, municipality):
    graph, m = municipality
    out = tmp_path / "ego.html"
    args = ["map", "--roster", str(EXAMPLE / "roster.xlsx"), "--ties", str(EXAMPLE / "ties.xlsx")]
    result = runner.invoke(cli, args + ["--person", "E0116", "--out", str(out), "--size-by", "betweenness"])
    assert result.exit_code == 0, result.output
    ids = list(graph.ids)
    ego = {"E0116"} | {ids[t] for s, t in zip(graph.source, graph.target) if ids[s] == "E0116"} \
        | {ids[s] for s, t in zip(graph.source, graph.target) if ids[t] == "E0116"}
    data = _map_nodes(out)
    assert {n["id"] for n in data["nodes"]} == ego
    sizes = {n["id"]: n["value"] for n in data["nodes"]}
    assert sizes["E0116"] == pytest.approx(m.people.loc["E0116", "betweenness"], abs=1e-6)
    bad = runner.invoke(cli, args + ["--unit", "Nowhere", "--out", str(tmp_path / "x.html")])
    assert bad.exit_code == 2 and "no unit 'Nowhere'" in bad.output and "Traceback" not in bad.output
    assert not (tmp_path / "x.html").exists()


def test_size_by_sets_the_node_value(municipality):
    from ona.report.html_map import map_data

    graph, m = municipality
    data = map_data(graph, m, size_by="brokerage")
    values = {n["id"]: n["value"] for n in data["nodes"]}
    assert values["E0116"] == m.people.loc["E0116", "brokerage_total"]
    with pytest.raises(ValueError):
        map_data(graph, m, size_by="shoe size")
    assert not math.isnan(sum(values.values()))


def _sheets(path):
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def test_a_second_process_writes_the_same_workbook_and_json(municipality, tmp_path, monkeypatch):
    """On a large organisation the workbook and metrics.json are written by a second process
    while the maps are drawn; forced on for the example, they hold exactly what this process writes."""
    import json

    from ona.report import _beside

    graph, m = municipality
    monkeypatch.setattr(_beside, "MIN_PEOPLE", 0)
    started = []
    real_popen = _beside.subprocess.Popen
    monkeypatch.setattr(_beside.subprocess, "Popen", lambda *a, **k: started.append(a) or real_popen(*a, **k))
    beside = ona.write_report(m, graph, tmp_path / "beside")
    monkeypatch.setattr(_beside, "MIN_PEOPLE", 10**9)
    here = ona.write_report(m, graph, tmp_path / "here")
    assert len(started) == 1 and list(beside) == list(here)
    assert _sheets(beside["workbook"]) == _sheets(here["workbook"])
    assert json.loads(beside["json"].read_text()) == json.loads(here["json"].read_text())


@pytest.mark.parametrize("child", ["cannot start", "fails", "cannot be given the measurement"])
def test_when_the_second_process_fails_this_one_writes_the_files(municipality, tmp_path, monkeypatch, child):
    import pickle

    from ona.report import _beside

    graph, m = municipality
    monkeypatch.setattr(_beside, "MIN_PEOPLE", 0)
    if child == "cannot be given the measurement":  # something in it that pickle refuses

        def refuse(*args, **kwargs):
            raise pickle.PicklingError("cannot pickle this")

        monkeypatch.setattr(_beside.pickle, "dumps", refuse)
        monkeypatch.setattr(_beside.subprocess, "Popen", lambda *a, **k: pytest.fail("no child without a payload"))
    else:
        monkeypatch.setattr(_beside.sys, "executable",
                            "/nonexistent/python" if child == "cannot start" else "/bin/false")
    paths = ona.write_report(m, graph, tmp_path / "report")
    assert _sheets(paths["workbook"])["People"][1][0] == m.people.index[0]
    assert paths["json"].read_text().startswith('{\n "summary"')
