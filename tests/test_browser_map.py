"""A manager double-clicks map.html on a PC with no internet: it draws every person, asks nothing
of any other host, and shows hostile names as text. Runs in Debian's headless chromium."""

from __future__ import annotations

import pytest

import ona

from conftest import write_xlsx

pytestmark = pytest.mark.browser


def _report(tmp_path, data_dir):
    roster = ona.read_roster(data_dir / "analyze" / "roster.csv")
    graph = ona.build_graph(roster, ona.read_ties(data_dir / "analyze" / "ties.csv", roster))
    return ona.write_report(ona.measure(graph), graph, tmp_path)["map"], len(roster)


def _open(page, path):
    page.goto(path.as_uri())
    page.wait_for_function("window.onaMap && window.onaMap.ready", timeout=20_000)


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
