"""An HR analyst opens the maps of a 50,000-person organisation: a person map that cannot draw every tie
still shows how closed the units are, a betweenness that was estimated says so in the panel, and a unit
map of thousands of units draws a bounded number of arrows and says which."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

import ona
from ona.report.html_map import map_data, unit_map_data, write_map, write_unit_map

from conftest import wait_until, write_csv

UNITS = ["A", "B", "C", "D"]


def _closed_units(tmp_path: Path):
    """Four units of ten people. Inside each unit everyone names everyone (4 x 90 = 360 ties, weights
    1 to 3); across units person k of each unit names person k of every other unit (10 x 12 = 120 ties),
    all of the top weight 5. Three ties in four stay inside a unit; cutting by weight alone would draw
    only ties across units."""
    people = [[f"{u}{k}", f"Person {u}{k}", u] for u in UNITS for k in range(10)]
    inside = [[f"{u}{i}", f"{u}{j}", 1 + (i + j) % 3] for u in UNITS for i in range(10) for j in range(10) if i != j]
    across = [[f"{u}{k}", f"{v}{k}", 5] for u in UNITS for v in UNITS if u != v for k in range(10)]
    roster = ona.read_roster(write_csv(tmp_path / "roster.csv", [["Employee ID", "Name", "Department"], *people]))
    ties = ona.read_ties(write_csv(tmp_path / "ties.csv", [["Respondent ID", "Colleague ID", "Frequency"],
                                                           *inside, *across]), roster)
    graph = ona.build_graph(roster, ties)
    return graph, ona.measure(graph, permutations=0)


def _drawn(data: dict) -> list[tuple[str, str, float]]:
    return sorted((e["from"], e["to"], e["value"]) for e in data["edges"])


def _page_data(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return json.loads(re.search(r'<script id="ona-data" type="application/json">(.*?)</script>', text, re.S).group(1))


def _subtitle(path: Path) -> str:
    return html.unescape(re.search(r"<header>.*?<p>(.*?)</p>", path.read_text(encoding="utf-8"), re.S).group(1))


def test_a_cut_person_map_keeps_the_networks_mix_of_ties_inside_and_across_units(tmp_path):
    """100 of 480 ties drawn: 75 inside units and 25 across, as in the network (360 and 120), not the
    100 ties of weight 5 that all cross units. Each group keeps its strongest ties."""
    graph, m = _closed_units(tmp_path)
    data = map_data(graph, m, seed=3, max_edges=100)
    unit = {n["id"]: n["unit"] for n in data["nodes"]}
    drawn = _drawn(data)
    across = [e for e in drawn if unit[e[0]] != unit[e[1]]]
    ids = [str(i) for i in graph.ids]
    within_share = sum(unit[ids[s]] == unit[ids[t]] for s, t in zip(graph.source, graph.target)) / graph.m
    assert len(drawn) == 100 and data["ties_total"] == 480
    assert abs((len(drawn) - len(across)) - 100 * within_share) <= 1
    assert (len(drawn) - len(across), len(across)) == (75, 25)
    # Inside units the strongest: the 75 drawn are all of weight 3 (120 of them have it).
    assert {w for a, b, w in drawn if unit[a] == unit[b]} == {3.0}
    assert data["ties_drawn_across_units"] == 25 and data["ties_across_units"] == 120


def test_ties_of_equal_weight_are_picked_by_the_seed_the_same_way_every_time(tmp_path):
    """The 25 cross-unit ties come from 120 of equal weight: the same seed picks the same 25 (two
    runs), another seed picks others."""
    graph, m = _closed_units(tmp_path)
    first = _drawn(map_data(graph, m, seed=3, max_edges=100))
    again = _drawn(map_data(graph, m, seed=3, max_edges=100))
    other = _drawn(map_data(graph, m, seed=4, max_edges=100))
    assert first == again
    assert first != other and len(other) == 100


def test_the_subtitle_says_which_ties_were_drawn(tmp_path):
    graph, m = _closed_units(tmp_path)
    path = write_map(graph, m, tmp_path / "map.html", seed=3, max_edges=100)
    assert _subtitle(path).endswith(
        "100 of 480 ties are drawn: the strongest, in the same mix of within-unit and cross-unit ties as the "
        "whole network (75 within units and 25 across, as 25% of all ties cross units); among ties of equal "
        "weight, a random pick (seed 3). Every tie counts in the metrics.")
    assert "across units first" not in path.read_text(encoding="utf-8")


def test_an_estimated_betweenness_is_named_so_in_the_persons_panel(tmp_path):
    """Betweenness from 5 sampled pivots (above the exact limit of 10 people) is "Betweenness
    (estimated from sampled pivots)" in the panel, with a note saying from how many people; an
    exact one stays "Betweenness"."""
    graph, _ = _closed_units(tmp_path)
    sampled = ona.measure(graph, permutations=0, exact_betweenness_limit=10, betweenness_samples=5)
    assert sampled.parameters["betweenness_method"].startswith("sampled")
    path = write_map(graph, sampled, tmp_path / "map.html")
    data = _page_data(path)
    labels = [label for label, _ in data["nodes"][0]["metrics"]]
    assert "Betweenness (estimated from sampled pivots)" in labels and "Betweenness" not in labels
    assert data["notes"]["Betweenness (estimated from sampled pivots)"] == [
        "betweenness", "share of the shortest paths between others that pass through them, 0 to 1; estimated "
        "from the shortest paths that start at 5 of the 40 people, picked at random (seed 1)"]
    exact = ona.measure(graph, permutations=0)
    exact_labels = [label for label, _ in map_data(graph, exact)["nodes"][0]["metrics"]]
    assert "Betweenness" in exact_labels and "Betweenness (estimated from sampled pivots)" not in exact_labels


def test_sizing_by_an_estimated_betweenness_says_it_is_estimated(tmp_path):
    graph, _ = _closed_units(tmp_path)
    sampled = ona.measure(graph, permutations=0, exact_betweenness_limit=10, betweenness_samples=5)
    path = write_map(graph, sampled, tmp_path / "map.html", size_by="betweenness")
    assert "size = betweenness (weighted, estimated from sampled pivots)" in _subtitle(path)


def _many_units(tmp_path: Path):
    """Twelve units of two people; u_i's first person names u_j's first person for every j != i, and
    the two of each unit name each other: 12 x 11 + 12 = 144 arrows, densities 0.25 across and 1 inside."""
    names = [f"U{i:02d}" for i in range(12)]
    people = [[f"{u}-{k}", f"Person {u}-{k}", u] for u in names for k in (1, 2)]
    ties = [[f"{u}-1", f"{v}-1"] for u in names for v in names if u != v] + \
        [[f"{u}-1", f"{u}-2"] for u in names] + [[f"{u}-2", f"{u}-1"] for u in names]
    roster = ona.read_roster(write_csv(tmp_path / "roster.csv", [["Employee ID", "Name", "Department"], *people]))
    graph = ona.build_graph(roster, ona.read_ties(write_csv(tmp_path / "ties.csv", [["Source", "Target"], *ties]),
                                                  roster))
    return ona.measure(graph, permutations=0)


def test_a_unit_map_over_the_arrow_cap_draws_the_densest_arrows_and_says_so(tmp_path):
    """Cap 50 of 144 arrows: the 12 arrows inside units (density 1) and 38 across (0.25), the densest."""
    m = _many_units(tmp_path)
    data = unit_map_data(m, max_arrows=50)
    assert (data["ties_drawn"], data["ties_total"], len(data["edges"])) == (50, 144, 50)
    densities = sorted(e["value"] for e in data["edges"])
    assert densities.count(1.0) == 12 and densities.count(0.25) == 38
    path = write_unit_map(m, tmp_path / "units.html", max_arrows=50)
    assert len(_page_data(path)["edges"]) == 50
    assert _subtitle(path).endswith(
        "50 of the 144 arrows are drawn: the densest (a map draws at most 50 lines). Every unit's own figures "
        "are in its panel and in “Units in this view”.")
    assert "arrows are drawn" not in _subtitle(write_unit_map(m, tmp_path / "all.html"))
    assert len(unit_map_data(m)["edges"]) == 144



@pytest.mark.browser
def test_when_arrows_are_left_out_the_unit_list_gives_each_units_own_ties(offline_page, tmp_path):
    """The text list says each unit's ties inside, sent and received (its figures: all its ties), then
    the arrows drawn: U11 sends 11 ties to other units though none of its own arrows across is drawn."""
    page, outside, errors = offline_page
    path = write_unit_map(_many_units(tmp_path), tmp_path / "units.html", max_arrows=50)
    page.goto(path.as_uri())
    wait_until(page, "window.onaMap && window.onaMap.ready")
    page.locator("#people summary").click()
    page.locator("#people li").first.wait_for()
    lines = page.locator("#people li").all_inner_texts()
    assert len(lines) == 12
    assert lines[0].startswith("U00: 2 people; 2 ties inside, 11 sent to other units, 11 received; arrows drawn; "
                               "Inside U00: 2 ties (density 100.0%); U00 → U01: 1 tie (density 25.0%)")
    assert lines[-1] == (
        "U11: 2 people; 2 ties inside, 11 sent to other units, 11 received; arrows drawn; Inside U11: 2 ties "
        "(density 100.0%); U00 → U11: 1 tie (density 25.0%); U11 → U00: 1 tie; U01 → U11: 1 tie (density 25.0%); "
        "U11 → U01: 1 tie; U02 → U11: 1 tie (density 25.0%); U11 → U02: 1 tie")
    assert outside == [] and errors == []
