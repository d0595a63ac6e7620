"""A manager opens the map of their unit and reads the names on it: no name is written over
another. Where there is no room for every name, the people that matter most to the view are named
first (the person selected and those they work with, then the unit the map is about, then the
people with the most ties), and zooming in names the rest. Runs in Debian's headless chromium on
the example municipality (461 people, 13 departments)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import ona

from conftest import wait_until

pytestmark = pytest.mark.browser

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "municipality"


@pytest.fixture(scope="module")
def municipality():
    roster = ona.read_roster(EXAMPLE / "roster.xlsx")
    graph = ona.build_graph(roster, ona.read_ties(EXAMPLE / "ties.xlsx", roster))
    return graph, ona.measure(graph, permutations=0)


@pytest.fixture(scope="module")
def finance_map(municipality, tmp_path_factory):
    graph, measurement = municipality
    return ona.write_map(graph, measurement, tmp_path_factory.mktemp("maps") / "finance.html", unit="Finance")


@pytest.fixture(scope="module")
def whole_map(municipality, tmp_path_factory):
    graph, measurement = municipality
    return ona.write_map(graph, measurement, tmp_path_factory.mktemp("maps") / "whole.html")


def _open(page, path):
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(path.as_uri())
    wait_until(page, "window.onaMap && window.onaMap.ready")


def _frame(page):
    """The names of the next frame drawn (vis-network redraws on its own schedule)."""
    page.evaluate("window.onaMap.network.redraw()")
    page.wait_for_timeout(100)
    return page.evaluate("window.onaMap.labelCandidates()")


def _meet(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _embedded(path: Path) -> dict:
    return json.loads(re.search(r'<script id="ona-data" type="application/json">(.*?)</script>',
                                path.read_text(encoding="utf-8"), re.S).group(1))


def test_the_placement_rule_keeps_the_first_of_two_names_that_meet(offline_page, finance_map):
    """Boxes [left, top, right, bottom] in priority order, worked out by hand: the second meets
    the first and is left out; the third only touches the first's edge and is kept; the fourth is
    far away; the fifth meets the first; the sixth, the widest (it sets the size of the grid's
    cells), reaches the first from far to its left."""
    page, _, errors = offline_page
    _open(page, finance_map)
    boxes = [[0, 0, 10, 5], [5, 2, 15, 7], [10, 0, 20, 5], [300, 300, 310, 305], [8, 4, 12, 6],
             [-200, 3, 11, 4.5]]
    assert page.evaluate("boxes => window.onaMap.placeLabels(boxes)", boxes) == [0, 2, 3]
    assert errors == []


def test_no_two_names_on_a_crowded_unit_map_overlap(offline_page, finance_map):
    """The Finance map (its 16 people and the 83 they work with): the names written meet no other,
    each name left out meets one written before it, and every name is inside the map's frame."""
    page, _, errors = offline_page
    _open(page, finance_map)
    candidates = _frame(page)
    drawn = [c for c in candidates if c["drawn"]]
    assert len(drawn) >= 30
    for i, candidate in enumerate(candidates):
        earlier = [c["box"] for c in candidates[:i] if c["drawn"]]
        assert candidate["drawn"] == (not any(_meet(candidate["box"], box) for box in earlier)), candidate["id"]
    width, height = page.evaluate("[document.getElementById('network').clientWidth, "
                                  "document.getElementById('network').clientHeight]")
    for c in drawn:
        left, top, right, bottom = c["box"]
        assert right > 0 and left < width and bottom > 0 and top < height
    assert errors == []


def test_a_unit_maps_own_people_are_named_first(offline_page, finance_map, municipality):
    """The page knows which unit the map is about, and its people come before everyone else in
    the order names are placed; within each group, larger dots first."""
    assert _embedded(finance_map)["focus_unit"] == "Finance"
    page, _, errors = offline_page
    _open(page, finance_map)
    unit = {n["id"]: n["unit"] for n in _embedded(finance_map)["nodes"]}
    value = {n["id"]: n["value"] for n in _embedded(finance_map)["nodes"]}
    order = [c["id"] for c in _frame(page)]
    in_finance = [unit[i] == "Finance" for i in order]
    assert any(in_finance) and not all(in_finance)
    assert in_finance == sorted(in_finance, reverse=True)  # every Finance person before anyone else
    finance = [value[i] for i in order if unit[i] == "Finance"]
    others = [value[i] for i in order if unit[i] != "Finance"]
    assert finance == sorted(finance, reverse=True) and others == sorted(others, reverse=True)
    assert errors == []


def test_zooming_in_names_someone_left_unnamed(offline_page, finance_map):
    """A Finance person whose name had no room on the whole view is named once the map is zoomed
    in on them."""
    page, _, errors = offline_page
    _open(page, finance_map)
    unit = {n["id"]: n["unit"] for n in _embedded(finance_map)["nodes"]}
    unnamed = [c["id"] for c in _frame(page) if not c["drawn"] and unit[c["id"]] == "Finance"]
    assert unnamed
    page.evaluate("id => window.onaMap.network.focus(id, {scale: 6, animation: false})", unnamed[0])
    assert unnamed[0] in [c["id"] for c in _frame(page) if c["drawn"]]
    assert errors == []


def test_the_selected_person_is_named_even_on_the_whole_map(offline_page, whole_map):
    """On the whole map of 461 people names are too small to read and none is written; the person
    found or clicked is named all the same, and zoomed in on, so are the colleagues around them."""
    page, _, errors = offline_page
    _open(page, whole_map)
    assert [c for c in _frame(page) if c["drawn"]] == []
    person = _embedded(whole_map)["nodes"][40]["id"]
    page.evaluate("""id => { const n = window.onaMap.network; n.selectNodes([id]); n.fit({animation: false}); }""",
                  person)
    assert [c["id"] for c in _frame(page) if c["drawn"]] == [person]
    page.evaluate("id => window.onaMap.open(id, false)", person)
    named = [c["id"] for c in _frame(page) if c["drawn"]]
    assert named[0] == person and len(named) > 1
    assert errors == []


def test_zoomed_out_each_unit_is_named_over_its_people(offline_page, whole_map):
    """On the whole map, where people's names are too small to read, each of the 13 departments'
    names is written over the middle of its people, no two meeting; zoomed in, people's names take
    their place."""
    page, _, errors = offline_page
    _open(page, whole_map)
    _frame(page)
    units = page.evaluate("window.onaMap.unitLabels()")
    assert sorted(u["unit"] for u in units if u["drawn"]) == sorted(e["unit"] for e in _embedded(whole_map)["legend"])
    for i, a in enumerate(units):
        assert not any(_meet(a["box"], b["box"]) for b in units[:i])
    spans = page.evaluate("""() => { const n = window.onaMap.network, spans = {};
        n.body.nodeIndices.forEach(id => { const p = n.canvasToDOM(n.getPositions([id])[id]);
          const unit = n.body.data.nodes.get(id).unit, s = spans[unit] = spans[unit] || [1e9, 1e9, -1e9, -1e9];
          s[0] = Math.min(s[0], p.x); s[1] = Math.min(s[1], p.y); s[2] = Math.max(s[2], p.x); s[3] = Math.max(s[3], p.y); });
        return spans; }""")
    for u in units:
        x, y = (u["box"][0] + u["box"][2]) / 2, (u["box"][1] + u["box"][3]) / 2
        left, top, right, bottom = spans[u["unit"]]
        assert left <= x <= right and top <= y <= bottom, u["unit"]
    page.evaluate("window.onaMap.network.moveTo({scale: 2, animation: false})")
    assert _frame(page) and page.evaluate("window.onaMap.unitLabels()") == []
    assert errors == []


def test_unit_names_and_peoples_names_never_meet(offline_page, whole_map):
    """At a zoom where the largest dots' names are readable but the smallest are not, both kinds of
    name are written, and none meets another."""
    page, _, errors = offline_page
    _open(page, whole_map)
    page.evaluate("window.onaMap.network.moveTo({scale: 0.7, animation: false})")
    people = [c["box"] for c in _frame(page) if c["drawn"]]
    units = [u["box"] for u in page.evaluate("window.onaMap.unitLabels()") if u["drawn"]]
    assert people and units
    boxes = units + people
    for i, a in enumerate(boxes):
        assert not any(_meet(a, b) for b in boxes[:i])
    assert errors == []
