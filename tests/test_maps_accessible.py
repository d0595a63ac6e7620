"""A council officer who uses a phone, a keyboard or a screen reader, or who prints the map, can use
map.html, units.html and the `ona map` pages (WCAG 2.1 AA): the map reflows, has a name and keys,
a text list of who works with whom, a search that reaches every match, a key on paper, figures that
say what they mean, unit colours that stand out from the page, and a person's page that names them."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

import ona
from ona.cli import cli
from ona.report.html_map import PALETTE, write_map, write_unit_map

from conftest import wait_until, write_csv

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "municipality"

# Two units; three people called Sandén (the tester's "Sandén matches 12 people").
PEOPLE = [["p1", "Ann Sandén", "Finance"], ["p2", "Bo Sandén", "IT"], ["p3", "Cy Sandén", "IT"],
          ["p4", "Di Berg", "Finance"], ["p5", "Ed Holm", "IT"]]
TIES = [["p1", "p4"], ["p4", "p1"], ["p1", "p2"], ["p2", "p3"], ["p3", "p5"], ["p5", "p2"], ["p4", "p5"]]


def _small_report(tmp_path) -> dict[str, Path]:
    roster = ona.read_roster(write_csv(tmp_path / "roster.csv", [["id", "Name", "Department"], *PEOPLE]))
    graph = ona.build_graph(roster, ona.read_ties(write_csv(tmp_path / "ties.csv", [["Source", "Target"], *TIES]),
                                                  roster))
    return ona.write_report(ona.measure(graph, permutations=0), graph, tmp_path / "report")


def _open(page, path: Path, width: int = 1366, height: int = 768):
    page.set_viewport_size({"width": width, "height": height})
    page.goto(path.as_uri())
    wait_until(page, "window.onaMap && window.onaMap.ready")


def _focused(page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement;
        return {tag: e.tagName, id: e.id, role: e.getAttribute('role'), label: e.getAttribute('aria-label'),
                text: e.textContent.trim(), inNetwork: !!e.closest('#network'), inPeople: !!e.closest('#people')}; }""")


def _tab_until(page, test, limit: int = 25) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = _focused(page)
        if test(focused):
            return focused
    raise AssertionError("Tab never got there")


@pytest.mark.browser
def test_on_a_phone_the_map_keeps_its_width_and_the_panel_goes_below_it(offline_page, tmp_path):
    """At 390 x 844 (a phone, or 1,560 px at 250%) the map had 105 px beside the 260 px panel."""
    page, outside, errors = offline_page
    paths = _small_report(tmp_path)
    for name in ("map", "units"):
        _open(page, paths[name], 390, 844)
        box = page.evaluate("""() => { const c = document.querySelector('#network canvas').getBoundingClientRect();
            const a = document.querySelector('aside').getBoundingClientRect();
            return {width: c.width, bottom: c.bottom, asideTop: a.top, scroll: document.documentElement.scrollWidth}; }""")
        assert box["width"] >= 350, name
        assert box["asideTop"] >= box["bottom"] - 1, name
        assert box["scroll"] <= 390, name
    assert outside == [] and errors == []


@pytest.mark.browser
def test_a_keyboard_user_tabs_to_the_named_map_zooms_it_and_opens_a_person_from_the_list(offline_page, tmp_path):
    """The first Tab stop was an unnamed div inside role=img where no key did anything. Now it is the
    map, named, with vis-network's keys (+ zooms, arrows move); "People in this view" opens with
    Enter and lists everyone; Enter on a name opens that person's panel and takes the focus there."""
    page, outside, errors = offline_page
    paths = _small_report(tmp_path)
    _open(page, paths["map"])
    first = _tab_until(page, lambda f: True, limit=1)
    assert first["inNetwork"] and first["role"] == "application"
    assert first["label"].startswith("Network map, 5 people. Arrow keys move the map, + and -")
    scale = page.evaluate("window.onaMap.network.getScale()")
    page.keyboard.down("+")  # (held for a moment, as a person presses a key: vis-network zooms per frame)
    page.wait_for_timeout(200)
    page.keyboard.up("+")
    wait_until(page, f"window.onaMap.network.getScale() > {scale}")
    where = page.evaluate("window.onaMap.network.getViewPosition().x")
    page.keyboard.down("ArrowRight")
    page.wait_for_timeout(200)
    page.keyboard.up("ArrowRight")
    wait_until(page, f"window.onaMap.network.getViewPosition().x !== {where}")

    summary = _tab_until(page, lambda f: f["tag"] == "SUMMARY")
    assert summary["text"] == "People in this view (5)"
    page.keyboard.press("Enter")
    page.locator("#people li button").first.wait_for()
    names = page.locator("#people li button").all_inner_texts()
    assert names == ["Ann Sandén", "Bo Sandén", "Cy Sandén", "Di Berg", "Ed Holm"]
    _tab_until(page, lambda f: f["tag"] == "BUTTON" and f["inPeople"] and f["text"] == "Bo Sandén")
    page.keyboard.press("Enter")
    assert page.locator("#details").is_visible()
    assert page.locator("#details-name").inner_text() == "Bo Sandén"
    assert _focused(page)["id"] == "details-name"
    assert page.evaluate("window.onaMap.network.getSelectedNodes()") == ["p2"]
    expect(page.locator("#details-neighbours li")).to_have_text(["Ann Sandén (Finance)", "Cy Sandén (IT)",
                                                                          "Ed Holm (IT)"], use_inner_text=True)
    assert outside == [] and errors == []


@pytest.mark.browser
def test_a_screen_reader_reads_who_is_in_the_shown_unit_with_their_unit_and_ties(offline_page, tmp_path):
    """Choosing a unit in "Show unit" only redrew the picture. Now the list says who is shown, in
    which unit, and with whom each works; the "Works with" box is a named region."""
    page, outside, errors = offline_page
    paths = _small_report(tmp_path)
    _open(page, paths["map"])
    page.select_option("#unit-filter", "Finance")
    page.locator("#people summary").click()
    assert page.locator("#people summary").inner_text() == "People in this view (2)"
    expect(page.locator("#people li")).to_have_text([
        "Ann Sandén, Finance, ties out / in 2 / 1; works with Bo Sandén, Di Berg",
        "Di Berg, Finance, ties out / in 2 / 1; works with Ann Sandén, Ed Holm"], use_inner_text=True)
    page.locator("#people li button", has_text="Di Berg").click()
    region = page.locator("#works-with")
    assert region.get_attribute("role") == "region" and region.get_attribute("tabindex") == "0"
    assert page.locator("#" + region.get_attribute("aria-labelledby")).inner_text() == "Works with"
    assert outside == [] and errors == []


@pytest.mark.browser
def test_the_unit_list_gives_every_arrows_numbers(offline_page, tmp_path):
    """On units.html the arrow numbers were only in a mouse tooltip."""
    page, outside, errors = offline_page
    paths = _small_report(tmp_path)
    _open(page, paths["units"])
    page.locator("#people summary").click()
    assert page.locator("#people summary").inner_text() == "Units in this view (2)"
    expect(page.locator("#people li")).to_have_text([
        "Finance: 2 people; Inside Finance: 2 ties (density 100.0%); "
        "Finance → IT: 2 ties (density 33.3%); IT → Finance: 0 ties",
        "IT: 3 people; Inside IT: 3 ties (density 50.0%); Finance → IT: 2 ties (density 33.3%); IT → Finance: 0 ties"], use_inner_text=True)
    assert outside == [] and errors == []


@pytest.mark.browser
def test_a_search_with_three_matches_lists_them_all_and_reaches_each(offline_page, tmp_path):
    """"Sandén" went only to the first partial match; searching for someone the unit filter hid left the
    map blank; clearing the search left the panel open."""
    page, outside, errors = offline_page
    paths = _small_report(tmp_path)
    _open(page, paths["map"])
    page.select_option("#unit-filter", "Finance")
    page.fill("#search", "sandén")
    page.press("#search", "Enter")
    assert page.locator("#search-result").inner_text() == ("3 people found; showing Ann Sandén (Finance). "
                                                          "Choose another below.")
    expect(page.locator("#search-matches li")).to_have_text(["Ann Sandén (Finance)", "Bo Sandén (IT)",
                                                                    "Cy Sandén (IT)"], use_inner_text=True)
    assert page.evaluate("window.onaMap.network.getSelectedEdges().length") == 3  # Ann's ties, drawn black
    page.locator("#search-matches button", has_text="Cy Sandén").focus()
    page.keyboard.press("Enter")
    assert page.locator("#details-name").inner_text() == "Cy Sandén"
    assert page.locator("#unit-filter").input_value() == ""  # Cy is in IT: the filter is reset, Cy is shown
    assert page.evaluate("window.onaMap.visibleNodeCount()") == 5
    assert page.evaluate("window.onaMap.network.getSelectedNodes()") == ["p3"]
    page.fill("#search", "")
    assert page.locator("#details").is_hidden()
    assert page.locator("#search-matches").is_hidden() and page.locator("#search-result").inner_text() == ""
    assert page.evaluate("window.onaMap.network.getSelectedNodes()") == []
    assert outside == [] and errors == []


@pytest.mark.browser
def test_the_printed_map_has_its_key_and_no_mouse_instructions(offline_page, tmp_path):
    """@media print hid the whole panel, legend included; the printout said "Click a person"."""
    page, outside, errors = offline_page
    paths = _small_report(tmp_path)
    _open(page, paths["map"], 794, 1123)
    assert "Click a person" not in page.locator("body").inner_text()
    assert "Tab to it" in page.locator(".how").inner_text()
    page.emulate_media(media="print")
    expect(page.locator("#legend li")).to_have_text(["Finance (2)", "IT (3)"], use_inner_text=True)
    assert page.locator("#legend").is_visible()
    assert page.locator("#network canvas").bounding_box()["height"] > 300
    for control in ("#search", "#unit-filter", "#people", ".how"):
        assert page.locator(control).is_hidden(), control
    assert page.pdf(format="A4")[:4] == b"%PDF"
    assert outside == [] and errors == []


@pytest.mark.browser
def test_the_unit_map_opens_zoomed_to_fill_the_canvas(offline_page, tmp_path):
    """The example municipality's units.html opened at zoom 1.0 (vis-network's fit never zooms in past
    1), its 13 units in about 4% of the canvas."""
    page, outside, errors = offline_page
    roster = ona.read_roster(EXAMPLE / "roster.xlsx")
    graph = ona.build_graph(roster, ona.read_ties(EXAMPLE / "ties.xlsx", roster))
    _open(page, write_unit_map(ona.measure(graph, permutations=0), tmp_path / "units.html"))
    filled = page.evaluate("""() => { const n = window.onaMap.network;
        const dom = Object.values(n.getPositions()).map(p => n.canvasToDOM(p));
        const canvas = document.querySelector('#network canvas');
        const span = (values, size) => (Math.max(...values) - Math.min(...values)) / size;
        return Math.max(span(dom.map(p => p.x), canvas.clientWidth), span(dom.map(p => p.y), canvas.clientHeight)); }""")
    assert filled > 0.8
    assert outside == [] and errors == []


@pytest.mark.browser
def test_the_panel_explains_each_figure_and_links_its_definition(offline_page, tmp_path):
    """ "Betweenness 0.0792" came with no word of what it is."""
    page, outside, errors = offline_page
    paths = _small_report(tmp_path)
    _open(page, paths["map"])
    page.evaluate("window.onaMap.open('p1', true)")
    link = page.locator("#details-metrics dt a", has_text="Betweenness")
    assert link.get_attribute("href") == "method.html#betweenness"
    assert page.locator("#details-metrics dt:has(a:text-is('Betweenness')) + dd + dd.note").inner_text() == (
        "share of the shortest paths between others that pass through them, 0 to 1")
    anchors = set(re.findall(r'id="([^"]+)"', paths["method"].read_text(encoding="utf-8")))
    hrefs = page.eval_on_selector_all("#details-metrics a", "links => links.map(a => a.getAttribute('href'))")
    assert len(hrefs) >= 8 and {h.split("#")[1] for h in hrefs} <= anchors
    assert outside == [] and errors == []


def test_every_unit_colour_stands_out_from_the_white_page_at_3_to_1():
    """5 of 13 unit colours were below 3:1 against white (Daycare #F0E442, 1.32:1), WCAG 1.4.11."""
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    assert min(1.05 / (luminance(c) + 0.05) for c in PALETTE) >= 3.0
    assert len(set(PALETTE)) == len(PALETTE) >= 12


@pytest.mark.browser
def test_the_nodes_are_outlined_and_the_ties_stand_out(offline_page, tmp_path):
    page, outside, errors = offline_page
    paths = _small_report(tmp_path)
    _open(page, paths["map"])
    node = page.evaluate("window.onaMap.network.body.nodes['p1'].options.color")
    assert node["border"] == "#222" and node["background"] == PALETTE[0]
    edge = page.evaluate("window.onaMap.network.edgesHandler.options.color")
    grey = 255 - edge["opacity"] * (255 - 0x4d)  # the line's colour over white
    assert edge["color"] == "#4d4d4d" and grey <= 0x94  # #949494 and darker: 3:1 against white
    assert outside == [] and errors == []


@pytest.mark.browser
def test_a_persons_map_is_titled_with_their_name_escaped(runner, offline_page, tmp_path):
    """`ona map --person` was titled "Who works with whom: one person"; the page now names them, and a
    name with markup, quotes or a template placeholder stays text."""
    name = '<script>window.pwned=1</script> O\'Brien "{{DATA}}"'
    roster = write_csv(tmp_path / "roster.csv", [["id", "Name", "Department"], ["p1", name, "Finance"],
                                                 ["p2", "Bo", "IT"], ["p3", "Cy", "IT"]])
    ties = write_csv(tmp_path / "ties.csv", [["Source", "Target"], ["p1", "p2"], ["p2", "p3"], ["p3", "p1"]])
    out = tmp_path / "p1.html"
    result = runner.invoke(cli, ["map", "--roster", str(roster), "--ties", str(ties), "--person", "p1",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert f"<title>Who works with whom: {html.escape(name)}</title>" in text
    page, outside, errors = offline_page
    _open(page, out)
    assert page.title() == f"Who works with whom: {name}"
    assert page.locator("h1").inner_text() == f"Who works with whom: {name}"
    assert page.evaluate("window.pwned === undefined")
    assert page.evaluate("window.onaMap.network.getSelectedNodes()") == ["p1"]  # marked on the map
    assert page.locator("#details-name").inner_text() == name
    assert outside == [] and errors == []


def test_a_map_written_alone_explains_its_figures_without_linking_a_missing_page(tmp_path):
    """`ona map` writes one file with no method.html beside it: the notes are there, the links are not."""
    roster = ona.read_roster(EXAMPLE / "roster.xlsx")
    graph = ona.build_graph(roster, ona.read_ties(EXAMPLE / "ties.xlsx", roster))
    page = write_map(graph, ona.measure(graph, permutations=0), tmp_path / "map.html").read_text(encoding="utf-8")
    assert '"method_page":null' in page
    assert '"Betweenness":["betweenness","share of the shortest paths' in page



def test_the_brokerage_note_says_which_tie_closes_a_path(tmp_path):
    """Ann names Bo, Bo names Cy, and Cy names Ann: Bo brokers between Ann and Cy (only a tie from
    Ann to Cy would close the path; Gould & Fernandez 1989, sna), although Ann and Cy have a tie.
    The panel said "times they link two people who have no tie of their own"; it says the first
    has no tie to the second."""
    roster = ona.read_roster(write_csv(tmp_path / "roster.csv", [["id", "Name", "Department"], ["a", "Ann", "X"],
                                                                  ["b", "Bo", "Y"], ["c", "Cy", "Z"]]))
    graph = ona.build_graph(roster, ona.read_ties(write_csv(tmp_path / "ties.csv", [["Source", "Target"],
                                                                                    ["a", "b"], ["b", "c"], ["c", "a"]]),
                                                  roster))
    measurement = ona.measure(graph, permutations=0)
    assert measurement.people.loc["b", "brokerage_total"] == 1
    page = write_map(graph, measurement, tmp_path / "map.html").read_text(encoding="utf-8")
    assert ('"Brokerage roles":["brokerage_roles","times someone reaches another person through them, with no tie '
            'of their own to that person"]') in page

@pytest.mark.browser
def test_a_long_one_word_unit_name_wraps_and_every_figure_stays_on_screen(offline_page, tmp_path):
    """A Danish unit named Beskæftigelsesforvaltningssekretariatet (39 letters, no space) made the
    panel as wide as the name: in a 1300 px window every value of a person's panel ended at x=1382,
    off the screen. The name now wraps inside the panel, on map.html (a person of that unit) and on
    units.html (the unit itself): every label, value, search result and list line ends inside the
    window, and the page has nothing to scroll sideways."""
    long_name = "Beskæftigelsesforvaltningssekretariatet"
    people = [["a1", "Anna One", long_name], ["a2", "Ben Two", long_name], ["b1", "Dan Four", "B"],
              ["b2", "Eva Five", "B"]]
    roster = ona.read_roster(write_csv(tmp_path / "roster.csv", [["id", "Name", "Department"], *people]))
    ties = ona.read_ties(write_csv(tmp_path / "ties.csv", [["Source", "Target"], ["a1", "a2"], ["a2", "b1"],
                                                           ["b1", "b2"], ["b2", "a1"]]), roster)
    graph = ona.build_graph(roster, ties)
    paths = ona.write_report(ona.measure(graph, permutations=0), graph, tmp_path / "report")
    page, outside, errors = offline_page
    for name, query, listed in (("map", "a1", 4), ("units", long_name, 2)):
        _open(page, paths[name], 1300, 800)
        assert page.evaluate("q => window.onaMap.search(q)", query) is not None
        page.locator("#people summary").click()
        expect(page.locator("#people li")).to_have_count(listed)
        right = page.evaluate("""() => Math.max(...[...document.querySelectorAll(
            '#details dt, #details dd, #details-name, #search-result, #people li, #legend li')]
            .map(e => e.getBoundingClientRect().right))""")
        assert right <= 1300, (name, right)
        assert page.evaluate("document.documentElement.scrollWidth") <= 1300, name
        assert long_name in page.locator("#details").inner_text() or name == "units"
    assert outside == [] and errors == []
