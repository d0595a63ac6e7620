"""A manager double-clicks map.html on a PC with no internet: it draws every person, asks nothing
of any other host, and shows hostile names as text. Runs in Debian's headless chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

import ona

from conftest import wait_until, write_xlsx

pytestmark = pytest.mark.browser


def _report(tmp_path, data_dir):
    roster = ona.read_roster(data_dir / "analyze" / "roster.csv")
    graph = ona.build_graph(roster, ona.read_ties(data_dir / "analyze" / "ties.csv", roster))
    return ona.write_report(ona.measure(graph), graph, tmp_path)["map"], len(roster)


def _open(page, path):
    page.goto(path.as_uri())
    wait_until(page, "window.onaMap && window.onaMap.ready")


def test_map_opens_offline_and_draws_every_person(offline_page, data_dir, tmp_path, output_dir):
    page, outside, errors = offline_page
    path, people = _report(tmp_path, data_dir)
    _open(page, path)
    assert page.evaluate("window.onaMap.drawnNodeCount()") == people
    assert page.evaluate("window.onaMap.nodeCount") == people
    legend = page.locator("#legend li").all_inner_texts()
    assert legend == ["A (3)", "B (2)"]
    page.screenshot(path=str(output_dir / "map.png"))
    assert outside == []
    assert errors == []


def test_hostile_names_render_as_text_and_run_nothing(offline_page, tmp_path, output_dir):
    page, outside, errors = offline_page
    hostile = "<img src=x onerror=\"window.pwned=1\">"
    roster = ona.read_roster(write_xlsx(tmp_path / "r.xlsx", [
        ["ID", "Name", "Department"], ["1", hostile, "<b>Unit</b>"], ["2", "Bo", "IT"], ["3", "Al", "IT"]]))
    ties = ona.read_ties(write_xlsx(tmp_path / "t.xlsx", [["Source", "Target"], ["1", "2"], ["3", "1"]]), roster)
    graph = ona.build_graph(roster, ties)
    path = ona.write_report(ona.measure(graph), graph, tmp_path / "out")["map"]
    _open(page, path)
    assert page.evaluate("window.pwned === undefined")
    assert page.locator("#legend li").all_inner_texts()[0] == "<b>Unit</b> (1)"
    assert page.locator("img").count() == 0 and page.locator("#legend b").count() == 0
    assert page.evaluate("window.onaMap.drawnNodeCount()") == 3
    page.screenshot(path=str(output_dir / "hostile.png"))
    assert outside == [] and errors == []


def test_the_example_municipality_map_draws_every_employee(offline_page, tmp_path):
    """The README's example: every person of the roster is a node in the rendered network."""
    from conftest import ROOT

    example = ROOT / "examples" / "municipality"
    roster = ona.read_roster(example / "roster.xlsx")
    graph = ona.build_graph(roster, ona.read_ties(example / "ties.xlsx", roster))
    path = ona.write_report(ona.measure(graph), graph, tmp_path)["map"]
    page, outside, errors = offline_page
    _open(page, path)
    assert page.evaluate("window.onaMap.drawnNodeCount()") == len(roster)
    assert outside == [] and errors == []


def _example_report(tmp_path):
    from conftest import ROOT

    example = ROOT / "examples" / "municipality"
    roster = ona.read_roster(example / "roster.xlsx")
    graph = ona.build_graph(roster, ona.read_ties(example / "ties.xlsx", roster))
    measurement = ona.measure(graph, permutations=100)
    return ona.write_report(measurement, graph, tmp_path), measurement


def test_search_finds_a_person_and_shows_their_details_and_colleagues(offline_page, tmp_path, output_dir):
    """The planted bridge E0116 is found by id, focused and selected; the side panel names them
    and lists everyone they have a tie with."""
    paths, m = _example_report(tmp_path)
    page, outside, errors = offline_page
    _open(page, paths["map"])
    page.fill("#search", "e0116")
    page.press("#search", "Enter")
    assert page.evaluate("window.onaMap.network.getSelectedNodes()") == ["E0116"]
    name = m.people.loc["E0116", "name"]
    assert page.locator("#details-name").inner_text() == name
    contacts = page.locator("#details-neighbours li").count()
    assert contacts == m.people.loc["E0116", "contacts"]
    assert page.evaluate("window.onaMap.search('no such person anywhere')") is None
    assert page.locator("#search-result").inner_text() == "No one found."
    page.screenshot(path=str(output_dir / "search.png"))
    assert outside == [] and errors == []


def test_the_unit_filter_shows_only_that_unit(offline_page, tmp_path, output_dir):
    paths, m = _example_report(tmp_path)
    page, outside, errors = offline_page
    _open(page, paths["map"])
    page.select_option("#unit-filter", "Finance")
    assert page.evaluate("window.onaMap.visibleNodeCount()") == int(m.units.loc["Finance", "headcount"])
    hidden = page.evaluate("window.onaMap.network.body.data.nodes.get({filter: n => n.hidden}).length")
    assert hidden == len(m.people) - int(m.units.loc["Finance", "headcount"])
    page.screenshot(path=str(output_dir / "finance.png"))
    page.select_option("#unit-filter", "")
    assert page.evaluate("window.onaMap.visibleNodeCount()") == len(m.people)
    assert outside == [] and errors == []


def test_index_and_unit_map_open_offline(offline_page, tmp_path, output_dir):
    """index.html has no script at all and links every page; the unit map draws one node per unit."""
    paths, m = _example_report(tmp_path)
    page, outside, errors = offline_page
    page.goto(paths["index"].as_uri())
    assert page.locator("script").count() == 0
    assert page.locator("ul.findings li").count() >= 5
    assert page.locator("table.heat tbody tr").count() == len(m.units)
    hrefs = page.eval_on_selector_all("nav a", "links => links.map(a => a.getAttribute('href'))")
    assert {"map.html", "units.html", "method.html", "metrics.xlsx"} <= set(hrefs)
    page.screenshot(path=str(output_dir / "index.png"), full_page=True)
    _open(page, paths["units"])
    assert page.evaluate("window.onaMap.drawnNodeCount()") == len(m.units)
    page.screenshot(path=str(output_dir / "units.png"))
    page.goto(paths["method"].as_uri())
    assert page.locator("h2#betweenness").count() == 1
    assert outside == [] and errors == []


def test_hostile_names_stay_text_in_the_index_search_and_details(offline_page, tmp_path):
    page, outside, errors = offline_page
    hostile = "<img src=x onerror=\"window.pwned=1\">"
    roster = ona.read_roster(write_xlsx(tmp_path / "r.xlsx", [
        ["ID", "Name", "Department"], ["1", hostile, "<b>Unit</b>"], ["2", "Bo", "IT"], ["3", "Al", "IT"]]))
    ties = ona.read_ties(write_xlsx(tmp_path / "t.xlsx", [["Source", "Target"], ["1", "2"], ["3", "1"], ["2", "3"]]),
                         roster)
    graph = ona.build_graph(roster, ties)
    paths = ona.write_report(ona.measure(graph), graph, tmp_path / "out")
    page.goto(paths["index"].as_uri())
    assert page.locator("img").count() == 0 and page.locator("td b").count() == 0
    assert "<b>Unit</b>" in page.locator("table.heat").inner_text()
    _open(page, paths["map"])
    page.fill("#search", "<img")
    page.press("#search", "Enter")
    assert page.locator("#details-name").inner_text() == hostile
    assert page.locator("#search-result").inner_text() == f"{hostile} (<b>Unit</b>)"
    page.locator("#details-neighbours li").first.wait_for()
    assert page.locator("aside img").count() == 0 and page.evaluate("window.pwned === undefined")
    assert outside == [] and errors == []


def _prototype_report(tmp_path):
    """Person ids and unit names that are the names of JavaScript's own object properties: a
    person with the id __proto__ in unit __proto__, two people of unit constructor, two of toString."""
    from conftest import write_csv

    roster = ona.read_roster(write_csv(tmp_path / "roster.csv", [
        ["id", "Name", "Department"], ["__proto__", "Proto Person", "__proto__"], ["p1", "One", "constructor"],
        ["p2", "Two", "constructor"], ["p3", "Three", "toString"], ["p4", "Four", "toString"]]))
    ties = ona.read_ties(write_csv(tmp_path / "ties.csv", [
        ["Source", "Target"], ["__proto__", "p1"], ["p1", "__proto__"], ["p1", "p2"], ["p2", "p3"], ["p3", "p4"],
        ["p4", "__proto__"]]), roster)
    graph = ona.build_graph(roster, ties)
    return ona.write_report(ona.measure(graph, permutations=0), graph, tmp_path / "out")


def test_ids_and_units_named_like_javascript_properties_work_on_both_maps(offline_page, tmp_path):
    """The map keyed its people and units in plain JavaScript objects: the id __proto__ stopped the
    page ("Cannot create property ... on boolean"), and units constructor and toString stopped the
    unit map ("arrows[e.from].push is not a function"). Both pages now work: the search finds
    __proto__ and lists the two people it has ties with (One sent to and received from, Four
    sent to them), the unit filter lists the three units, and the unit map's list has each unit with
    its arrows."""
    paths = _prototype_report(tmp_path)
    page, outside, errors = offline_page
    _open(page, paths["map"])
    assert page.evaluate("window.onaMap.drawnNodeCount()") == 5
    assert page.evaluate("window.onaMap.search('__proto__')") == "__proto__"
    assert page.locator("#details-name").inner_text() == "Proto Person"
    assert page.locator("#details-neighbours li").all_inner_texts() == ["Four (toString)", "One (constructor)"]
    options = page.locator("#unit-filter option").all_inner_texts()
    assert sorted(options) == sorted(["All units", "__proto__", "constructor", "toString"])
    page.select_option("#unit-filter", "toString")
    assert page.evaluate("window.onaMap.visibleNodeCount()") == 2
    page.locator("#people summary").click()
    expect(page.locator("#people li")).to_have_count(2)  # (the list is built when it opens)
    assert errors == []
    _open(page, paths["units"])
    assert page.evaluate("window.onaMap.drawnNodeCount()") == 3
    page.locator("#people summary").click()
    expect(page.locator("#people li")).to_have_count(3)
    listed = page.locator("#people li").all_inner_texts()
    assert len(listed) == 3 and all("no ties" not in line for line in listed), listed
    assert page.evaluate("window.onaMap.search('constructor')") is not None
    assert page.locator("#details-name").inner_text() == "constructor"
    assert outside == [] and errors == []
