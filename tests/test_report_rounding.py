"""Figures read as a person rounds them: half up on the decimal value (6.25% reads "6.3%") in
index.html, the unit map and the terminal; the person panel writes a statistic to as many decimals
for everyone ("3.00" beside "0.33"); and the fragile-links table names a pair's two people in the
order the findings do."""

from __future__ import annotations

import json
import re

from hypothesis import assume, given, settings
from hypothesis import strategies as st

import ona
from ona.cli import cli

from conftest import hand_made, team, write_csv


# --- 1. Figures are rounded half up, on their decimal value ---------------------------------------

def test_the_shared_formatter_rounds_half_up_on_the_decimal_value():
    from ona.report._html import change_text
    from ona.report._words import density_percent, fixed, share_percent, signed

    assert density_percent(1 / 16) == "6.3"       # 6.25%: Python's format says 6.2
    assert density_percent(1 / 400) == "0.3"      # 0.25%
    assert density_percent(1 / 3) == "33.3" and density_percent(2 / 3) == "66.7"
    assert share_percent(1, 8) == "13%" and share_percent(5, 8) == "63%" and share_percent(1, 3) == "33%"
    assert signed(0.125) == "+0.13" and signed(-0.125) == "-0.13" and signed(-0.004) == "0.00"
    assert change_text(0.25, 1) == "+0.3" and change_text(-2.5, 0) == "-3" and change_text(-0.04, 1) == "0.0"
    assert change_text(1204.5, 0, " ties") == "+1,205 ties"
    assert fixed(2.675) == "2.68"                 # the float is 2.67499999..., its decimal 2.675
    assert fixed(0.1 + 0.2, 2) == "0.30" and fixed(1 / 3, 3) == "0.333"
    assert fixed(1e300, 1).startswith("1000000000") and fixed(float("nan"), 2) == "nan"


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), st.integers(min_value=0, max_value=4))
def test_only_a_half_at_the_rounded_place_reads_otherwise_than_before(value, digits):
    """Where a figure's decimal (its repr) is no half at the place rounded to, half up and Python's
    formatting agree (1/3, 0.1 + 0.2, ...): the figures that read otherwise are the halves alone."""
    from ona.report._words import fixed

    fraction = repr(value).partition(".")[2]
    assume("e" not in repr(value) and not (len(fraction) == digits + 1 and fraction.endswith("5")))
    before = f"{value:.{digits}f}"
    assert fixed(value, digits) == (before.lstrip("-") if set(before) <= set("-0.") else before)


def test_index_html_the_unit_map_and_the_terminal_round_half_up(tmp_path, runner):
    """Units A and B of 4 people each; 7 ties inside and one a1 -> b1: the density A -> B is 1 of the
    16 possible, 6.25%, read "6.3%"; 1 tie of 8 crosses units, 12.5%, read "13%" (terminal summary and
    findings). metrics.xlsx keeps the density itself (0.0625, General number format: Excel rounds)."""
    people = team("A", 4, "a") + team("B", 4, "b")
    ties = [["a1", "a2"], ["a2", "a3"], ["a3", "a4"], ["a4", "a1"], ["b1", "b2"], ["b2", "b3"], ["b3", "b4"],
            ["a1", "b1"]]
    write_csv(tmp_path / "r.csv", [["id", "Name", "Department"], *people])
    write_csv(tmp_path / "t.csv", [["Source", "Target"], *ties])
    result = runner.invoke(cli, ["analyze", "--roster", str(tmp_path / "r.csv"), "--ties", str(tmp_path / "t.csv"),
                                 "--out", str(tmp_path / "out"), "--permutations", "0"])
    assert result.exit_code == 0, result.output
    assert "Cross-unit ties:     13% (1 of 8)" in result.output.splitlines()
    assert "E-I index (org):     -0.75" in result.output.splitlines()
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'title="A → B: 1 tie of 16 possible, density 6\.3%[^"]*">6\.3</td>', page)
    assert "13% of collaboration" in page
    units = (tmp_path / "out" / "units.html").read_text(encoding="utf-8")
    assert "A → B: 1 tie (density 6.3%)" in units
    from openpyxl import load_workbook

    sheet = load_workbook(tmp_path / "out" / "metrics.xlsx")["Unit pairs"]
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if (r[0].value, r[1].value) == ("A", "B"))
    density = row[header.index("density")]
    assert (density.value, density.number_format) == (0.0625, "General")


# --- 2. The person panel shows a statistic to as many decimals for everyone ------------------------

def test_the_person_panel_writes_every_figure_with_decimals_to_two_decimals_even_a_whole_one(tmp_path):
    """a1 names a2, a3 and b1, who name nobody and are not tied among themselves: a1's effective size
    is 3 (three alters, none redundant) and is shown "3.00" beside a constraint of 1/3 ("0.33"), as
    a2's figures are; the counts stay whole (1 other unit reached, 2 brokerage roles)."""
    from ona.report.html_map import map_data

    graph, m = hand_made(tmp_path, team("A", 3, "a") + team("B", 1, "b"), [["a1", "a2"], ["a1", "a3"], ["a1", "b1"]],
                         permutations=0)
    assert float(m.people.loc["a1", "effective_size"]) == 3.0
    panels = {node["id"]: dict(node["metrics"]) for node in map_data(graph, m)["nodes"]}
    a1 = panels["a1"]
    assert (a1["Effective size"], a1["Burt constraint"]) == ("3.00", "0.33")
    assert a1["Other units reached"] == "1"
    assert a1["Participation"] == "0.44"  # 1 - ((2/3)^2 + (1/3)^2) = 4/9
    decimals = {label: {len(value.split(".")[1]) if "." in value else 0 for value in
                        (panel[label] for panel in panels.values()) if value != "–"}
                for label in ("Effective size", "Burt constraint", "Participation", "Betweenness")}
    assert decimals == {"Effective size": {2}, "Burt constraint": {2}, "Participation": {2}, "Betweenness": {4}}
    ona.write_map(graph, m, tmp_path / "map.html")
    data = json.loads(re.search(r'<script id="ona-data" type="application/json">(.*?)</script>',
                                (tmp_path / "map.html").read_text(encoding="utf-8"), re.DOTALL).group(1))
    assert ["Effective size", "3.00"] in next(n for n in data["nodes"] if n["id"] == "a1")["metrics"]


# --- 3. The fragile-links table names a pair's people in the findings' order -----------------------

def test_the_fragile_links_table_names_the_first_units_person_first(tmp_path):
    """B's people come first in the roster, so the pair's people are stored "b1; a1" (roster order);
    the link between A and B is one relationship, b1 -> a1. The finding says "between Anna and Bo"
    (A's person first) and so does the table's row: "Anna, Bo"."""
    people = [["b1", "Bo", "B"], ["b2", "Bea", "B"], ["a1", "Anna", "A"], ["a2", "Al", "A"]]
    _, m = hand_made(tmp_path, people, [["a1", "a2"], ["b1", "b2"], ["b1", "a1"]], permutations=0)
    bridge = m.extra["fragile_bridges"].iloc[0]
    assert (bridge["unit_a"], bridge["unit_b"], bridge["cut_by"]) == ("A", "B", "b1; a1")
    found = {f.key: f.text for f in ona.report.findings(m)}
    assert found["single_tie_pairs"] == "A and B are connected by a single relationship, between Anna and Bo."
    from ona.report.index_page import write_index

    write_index(m, tmp_path / "index.html")
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "<tr><td>A</td><td>B</td><td class='num'>1</td><td>Anna, Bo</td></tr>" in page
