"""A manager reads the findings, the person map and the unit map: each sentence says what the
numbers say (a single relationship is two people, not one; groups of units are named together; a
unit nobody answered for is not ranked), and the pages write the same number the same way."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ona.cli import cli
from ona.report import findings
from ona.report.html_map import map_data, unit_map_data, write_map, write_unit_map
from ona.report.index_page import write_index

from conftest import hand_made, page_text, team, wait_until, write_csv


def clique(ids: list[str]) -> list[list[str]]:
    return [[a, b] for a in ids for b in ids if a != b]


def texts(measurement) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in findings(measurement):
        out.setdefault(f.key, []).append(f.text)
    return out


# The tester's "singleton" organisation: Alpha and Beta (four people each, everyone naming everyone),
# Gamma (four people, none of whom answered: only named by a1, b1 and a2) and a Director alone, who
# names a1 and b1; a1 also names b1.
SINGLETON_PEOPLE = (team("Alpha", 4, "a") + team("Beta", 4, "b") + team("Gamma", 4, "c")
                    + [["x1", "Director X", "Director"]])
SINGLETON_TIES = (clique(["a1", "a2", "a3", "a4"]) + clique(["b1", "b2", "b3", "b4"])
                  + [["a1", "c1"], ["b1", "c2"], ["a2", "c3"], ["x1", "a1"], ["x1", "b1"], ["a1", "b1"]])


def test_a_relationship_named_both_ways_is_two_people_not_one(tmp_path):
    """Beta (b1-b4) and Gamma (c1-c4) are linked only by b1 and c1, who name each other: two ties,
    one relationship. Either leaving cuts the link, so the page names both and counts the pair with
    the single relationships; it does not say the link runs through one person."""
    people = team("Beta", 4, "b") + team("Gamma", 4, "c")
    ties = ([["b1", "b2"], ["b2", "b3"], ["b3", "b4"], ["b4", "b1"], ["c1", "c2"], ["c2", "c3"], ["c3", "c1"],
             ["c4", "c1"], ["b1", "c1"], ["c1", "b1"]])
    _, m = hand_made(tmp_path, people, ties)
    found = texts(m)
    assert "one_person_bridge" not in found
    assert found["single_tie_pairs"] == ["Beta and Gamma are connected by a single relationship, between Person B1 "
                                         "and Person C1."]
    write_index(m, tmp_path / "index.html")
    assert "connected through one person" not in page_text(tmp_path / "index.html")


def test_units_working_as_one_are_named_in_their_groups(tmp_path):
    """In the singleton organisation the communities join Alpha with Gamma (whom Alpha's people name)
    and Beta with the Director: the page says which goes with which."""
    _, m = hand_made(tmp_path, SINGLETON_PEOPLE, SINGLETON_TIES)
    (sentence,) = texts(m)["units_vs_communities"]
    assert sentence.endswith(" Working as one with another unit: Alpha with Gamma; Beta with Director.")


def test_a_unit_nobody_answered_for_is_not_the_most_outward_looking(tmp_path):
    """Gamma's E-I is +1.00 (0 ties inside, 3 with other units) only because nobody in Gamma
    answered; the Director is alone. Of the two units left, Beta (E-I (3 - 12) / 15 = -0.60) is the
    most closed and Alpha ((4 - 12) / 16 = -0.50), with three times as many ties inside as outside,
    the least closed (not "the most outward-looking"), and the sentence says which units were
    compared."""
    _, m = hand_made(tmp_path, SINGLETON_PEOPLE, SINGLETON_TIES)
    found = texts(m)
    assert found["most_closed_unit"] == ["Beta is the most closed of the 2 units of two or more people with at least "
                                         "one respondent (E-I -0.60: 12 ties inside, 3 with other units)."]
    assert found["most_open_unit"] == ["Alpha is the least closed of the 2 units of two or more people with "
                                       "at least one respondent (E-I -0.50: 12 ties inside, 4 with other units)."]
    write_index(m, tmp_path / "index.html")
    assert "Gamma is the most" not in page_text(tmp_path / "index.html")


def test_a_one_person_unit_left_out_of_the_ranking_is_said(tmp_path):
    """A (a1, a2) name each other and a1 names b1; B (b1, b2) name each other and both name Ed, alone
    in Z, who names a2. Z is not ranked (no tie can be inside it), and the sentence says so: A is at
    E-I (2 - 2) / 4 = 0.00 (no sign: balanced), B at (3 - 2) / 5 = +0.20."""
    people = [["a1", "Anna", "A"], ["a2", "Ali", "A"], ["b1", "Bo", "B"], ["b2", "Bea", "B"], ["e", "Ed", "Z"]]
    _, m = hand_made(tmp_path, people, [["a1", "a2"], ["a2", "a1"], ["a1", "b1"], ["b1", "b2"], ["b2", "b1"],
                                        ["b1", "e"], ["b2", "e"], ["e", "a2"]])
    found = texts(m)
    assert found["most_closed_unit"] == ["A is the most closed of the 2 units of two or more people (E-I 0.00: "
                                         "2 ties inside, 2 with other units)."]
    assert found["most_open_unit"] == ["B is the most outward-looking of the 2 units of two or more people (E-I +0.20: "
                                       "2 ties inside, 3 with other units)."]


def test_one_unit_gets_no_sentence_that_compares_units(tmp_path):
    """Everyone is in one unit, Only: what chance would give across units and how communities match
    the units say nothing, so the page leaves them out; it says there is no boundary to measure (it
    said "0% of collaboration crosses unit lines") and that the unit works as two groups."""
    people = team("Only", 4, "a") + team("Only", 4, "b")
    _, m = hand_made(tmp_path, people, clique(["a1", "a2", "a3", "a4"]) + [["a1", "b1"], ["b1", "b2"], ["b2", "b3"]])
    write_index(m, tmp_path / "index.html")
    page = page_text(tmp_path / "index.html")
    assert ("Everyone is in one unit (Only, by Department), so there is no unit boundary to measure: ties across "
            "units, the E-I index, boundary spanners and links between units are not defined.") in page
    assert "crosses unit lines" not in page
    assert "regardless of unit" not in page and "NMI" not in page
    assert ("Only works as separate groups: the network has 2 communities, none holding two thirds of its people "
            "with a tie.") in page


def test_the_response_rate_says_people_nobody_named_have_no_tie(tmp_path):
    """Of 8 people, a1-a4 and b1 answered (5 of 8 = 62.5%, read as a person rounds it: 63%); b2 and b3
    were named, b4 was named by nobody: he is on the map with no tie at all."""
    people = team("A", 4, "a") + team("B", 4, "b")
    _, m = hand_made(tmp_path, people, clique(["a1", "a2", "a3", "a4"]) + [["a1", "b1"], ["b1", "b2"], ["b1", "b3"]])
    assert texts(m)["response_rate"] == ["63% of people answered the survey (5 of 8); people who did not answer "
                                         "appear only where colleagues named them (1 person nobody named has no tie)."]


# The person map and the unit map say the numbers as index.html does.

def _metrics(node: dict) -> dict[str, str]:
    return dict(node["metrics"])


def test_the_person_panel_says_how_many_brokerage_roles_are_across_units(tmp_path):
    """Anna and Bo (X) name Bo's colleague Cy (X) and Di (Y) through Bo: a -> b -> c is a coordinator
    role (all in X), a -> b -> d a representative's (to Y). index.html ranks Bo by his 1 role across
    units; the map's panel says both numbers. Di, with 1 tie from another unit and none inside, has
    E-I +1.00, written with its sign as on index.html."""
    people = [["a", "Anna", "X"], ["b", "Bo", "X"], ["c", "Cy", "X"], ["d", "Di", "Y"]]
    graph, m = hand_made(tmp_path, people, [["a", "b"], ["b", "c"], ["b", "d"]])
    nodes = {n["id"]: n for n in map_data(graph, m)["nodes"]}
    assert _metrics(nodes["b"])["Brokerage roles"] == "2, of them 1 across units"
    assert _metrics(nodes["d"])["E-I index"] == "+1.00"
    assert "E-I index: +1.00" in nodes["d"]["title"].splitlines()
    write_index(m, tmp_path / "index.html")
    assert "Bo (1)" in page_text(tmp_path / "index.html")


def test_sizing_by_brokerage_says_it_counts_every_role(tmp_path):
    people = [["a", "Anna", "X"], ["b", "Bo", "X"], ["c", "Cy", "X"], ["d", "Di", "Y"]]
    graph, m = hand_made(tmp_path, people, [["a", "b"], ["b", "c"], ["b", "d"]])
    write_map(graph, m, tmp_path / "map.html", size_by="brokerage")
    assert ("size = brokerage roles, all five Gould &amp; Fernandez roles (the coordinator&#x27;s, inside one "
            "unit, included), arrows point") in (tmp_path / "map.html").read_text(encoding="utf-8")


def _big_units(tmp_path: Path):
    """A and B, 50 people each: a1 -> a2 and a2 -> a1 inside A (2 of 2,450 possible ties), a1 -> b1
    the only tie from A to B (1 of 2,500: 0.04%), b1 -> a1 and b2 -> a1 back."""
    people = team("A", 50, "a") + team("B", 50, "b")
    return hand_made(tmp_path, people, [["a1", "a2"], ["a2", "a1"], ["a1", "b1"], ["b1", "a1"], ["b2", "a1"]])


def test_the_unit_map_tooltips_write_density_and_ties_as_index_does(tmp_path):
    """One tie in 2,500 possible is "<0.1%" on index.html's heatmap and on the unit map, "1 tie"
    not "1 ties"; the arrow from A to itself says once what is inside A."""
    _, m = _big_units(tmp_path)
    titles = {(e["from"], e["to"]): e["title"] for e in unit_map_data(m)["edges"]}
    assert titles["A", "B"] == "A → B: 1 tie (density <0.1%); B → A: 2 ties"
    assert titles["B", "A"] == "B → A: 2 ties (density 0.1%); A → B: 1 tie"
    assert titles["A", "A"] == "Inside A: 2 ties (density 0.1%)"
    write_index(m, tmp_path / "index.html")
    assert 'title="A → B: 1 tie of 2,500 possible, density &lt;0.1%' in (tmp_path / "index.html").read_text("utf-8")


def test_the_unit_map_finds_units_and_signs_the_e_i_index(tmp_path):
    """units.html offers to find a unit, not a person; A's E-I, 3 ties with B against 2 inside,
    (3 - 2) / 5, is written +0.20 (with its sign, as on index.html) and B's, none inside, +1.00."""
    _, m = _big_units(tmp_path)
    write_unit_map(m, tmp_path / "units.html")
    page = (tmp_path / "units.html").read_text(encoding="utf-8")
    assert '<label for="search">Find a unit</label>' in page
    assert 'placeholder="Unit name, then Enter"' in page
    assert "Find a person" not in page and "Name or id" not in page
    data = json.loads(re.search(r'<script id="ona-data" type="application/json">(.*?)</script>', page,
                                re.S).group(1))
    assert data["kind"] == "units"
    nodes = {n["id"]: _metrics(n) for n in data["nodes"]}
    assert nodes["A"]["E-I index"] == "+0.20" and nodes["B"]["E-I index"] == "+1.00"


@pytest.mark.browser
def test_clicking_a_unit_lists_the_other_units_it_works_with(offline_page, tmp_path):
    """On units.html, clicking A lists B under "Works with", once and by its name; A's arrow to
    itself (its ties inside) does not put A there. There is no unit filter to hide every arrow."""
    _, m = _big_units(tmp_path)
    path = write_unit_map(m, tmp_path / "units.html")
    page, outside, errors = offline_page
    page.goto(path.as_uri())
    wait_until(page, "window.onaMap && window.onaMap.ready")
    assert page.evaluate("window.onaMap.search('a')") == "A"
    assert page.locator("#search-result").inner_text() == "A"
    assert page.locator("#details-neighbours li").all_inner_texts() == ["B"]
    assert not page.locator("#unit-filter").is_visible()
    assert page.evaluate("window.onaMap.search('no such unit')") is None
    assert page.locator("#search-result").inner_text() == "No unit found."
    assert outside == [] and errors == []


def test_a_one_person_units_blank_diagonal_is_not_called_a_missing_tie(tmp_path, runner):
    """Solo (one person) has no pair inside: its diagonal cell is blank because no tie is possible,
    and the note under the heatmap says so rather than only "a blank cell: no tie at all"."""
    rows = [["id", "Name", "Department"], ["a", "Ann", "Alpha"], ["b", "Bo", "Alpha"], ["s", "Sol", "Solo"]]
    write_csv(tmp_path / "roster.csv", rows)
    write_csv(tmp_path / "ties.csv", [["Source", "Target"], ["a", "b"], ["b", "s"], ["s", "a"]])
    result = runner.invoke(cli, ["analyze", "--roster", str(tmp_path / "roster.csv"), "--ties",
                                 str(tmp_path / "ties.csv"), "--out", str(tmp_path / "out"), "--permutations", "0"])
    assert result.exit_code == 0, result.output
    text = page_text(tmp_path / "out" / "index.html")
    assert ("A blank cell: no tie at all (on the diagonal of Solo: a unit of one person, with no pair inside). "
            "The diagonal is inside each unit.") in text
