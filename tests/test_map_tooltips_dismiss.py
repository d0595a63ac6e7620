"""A person with low vision, zoomed in, hovers a person on map.html or a unit on units.html: the tooltip covers
what they want to read, and Escape hides it without moving the pointer or the focus (WCAG 2.1 SC 1.4.13,
content on hover or focus: dismissible). The next node's tooltip still shows. Runs in Debian's headless chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

import ona

from conftest import wait_until, write_csv

pytestmark = pytest.mark.browser

PEOPLE = [["p1", "Ann Berg", "Finance"], ["p2", "Bo Lind", "IT"], ["p3", "Cy Holm", "IT"], ["p4", "Di Ek", "Finance"]]
TIES = [["p1", "p4"], ["p4", "p1"], ["p1", "p2"], ["p2", "p3"], ["p3", "p4"]]


@pytest.fixture
def report(tmp_path):
    roster = ona.read_roster(write_csv(tmp_path / "roster.csv", [["id", "Name", "Department"], *PEOPLE]))
    ties = ona.read_ties(write_csv(tmp_path / "ties.csv", [["Source", "Target"], *TIES]), roster)
    graph = ona.build_graph(roster, ties)
    return ona.write_report(ona.measure(graph, permutations=0), graph, tmp_path / "report")


def _open(page, path):
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(path.as_uri())
    wait_until(page, "window.onaMap && window.onaMap.ready")


def _hover(page, node_id) -> tuple[float, float]:
    """Move the mouse onto the middle of node ``node_id`` (in two steps: vis-network reacts to moves)."""
    x, y = page.evaluate("""id => { const n = window.onaMap.network;
        const p = n.canvasToDOM(n.getPositions([id])[id]);
        const box = document.querySelector('#network canvas').getBoundingClientRect();
        return [box.left + p.x, box.top + p.y]; }""", node_id)
    page.mouse.move(x - 1, y)
    page.mouse.move(x, y)
    return x, y


def _focused(page) -> str:
    return page.evaluate("() => { const e = document.activeElement; "
                         "return e.tagName + '#' + e.id + '.' + e.className; }")


@pytest.mark.parametrize("page_name, first, first_text, second, second_text", [
    ("map", "p1", "Ann Berg", "p3", "Cy Holm"),
    ("units", "Finance", "Finance", "IT", "IT"),
])
def test_escape_hides_the_tooltip_where_the_pointer_rests_and_the_next_one_shows(
        offline_page, report, page_name, first, first_text, second, second_text):
    page, outside, errors = offline_page
    _open(page, report[page_name])
    tooltip = page.locator("div.vis-tooltip")
    x, y = _hover(page, first)
    expect(tooltip).to_be_visible()
    expect(tooltip).to_contain_text(first_text)
    focus_before = _focused(page)

    page.keyboard.press("Escape")
    expect(tooltip).to_be_hidden()
    assert _focused(page) == focus_before  # the focus stayed where it was

    page.mouse.move(x + 1, y)  # still on the same node: vis-network shows the tooltip again on every move there
    page.wait_for_timeout(400)  # longer than the map's tooltip delay (120 ms)
    expect(tooltip).to_be_hidden()

    _hover(page, second)
    expect(tooltip).to_be_visible()
    expect(tooltip).to_contain_text(second_text)
    assert outside == [] and errors == []


def test_escape_typed_in_the_search_box_also_hides_the_tooltip(offline_page, report):
    """The tooltip is dismissed wherever the keyboard is: here the focus is in the search box."""
    page, outside, errors = offline_page
    _open(page, report["map"])
    _hover(page, "p2")
    tooltip = page.locator("div.vis-tooltip")
    expect(tooltip).to_be_visible()
    page.focus("#search")
    page.keyboard.press("Escape")
    expect(tooltip).to_be_hidden()
    assert _focused(page).startswith("INPUT#search")
    assert outside == [] and errors == []
