"""A manager reads index.html: findings that never contradict each other, brokers that really link
units, numbers written as a person would write them; and a report folder that holds one run,
whole, even when writing fails."""

from __future__ import annotations

import csv
import json
import math
import os
import re
from pathlib import Path

import pytest

import ona
import ona._files
from ona.cli import cli
from ona.report import findings
from ona.report.index_page import density_percent, write_index

from conftest import ROOT, hand_made, write_csv

EXAMPLE = ROOT / "examples" / "municipality"


def texts(measurement) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in findings(measurement):
        out.setdefault(f.key, []).append(f.text)
    return out


# One unit is never both the most closed and the most outward-looking.

def test_two_units_with_the_same_e_i_are_level_not_one_closed_and_open(tmp_path):
    """Finance (Anna, Bo) and IT (Cy, Di); ties a->b, c->d inside, b->c and d->a across: each unit
    has 1 tie inside and 2 with the other, E-I (2 - 1) / 3 = +0.33 for both. Neither is more closed
    than the other, so the page names neither as the most closed or the most outward-looking."""
    _, m = hand_made(tmp_path, [["a", "Anna", "Finance"], ["b", "Bo", "Finance"], ["c", "Cy", "IT"], ["d", "Di", "IT"]],
                     [["a", "b"], ["c", "d"], ["b", "c"], ["d", "a"]])
    found = texts(m)
    assert "most_closed_unit" not in found and "most_open_unit" not in found
    assert found["units_level"] == ["Both units have the same E-I index (+0.33): none is more closed or more "
                                    "outward-looking than the others."]
    write_index(m, tmp_path / "index.html")
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "most closed" not in page and "most outward-looking" not in page


def test_a_unit_with_no_tie_is_said_to_have_none_not_counted_among_the_level_units(tmp_path):
    """A (Anna, Bo, Cy), B (Di, Ed, Fi) and Dormant (Gus, Hal), who named no one and whom no one named.
    A keeps a->b, b->c inside and sends c->d; B keeps d->e, e->f inside and sends f->a: each has 2
    ties inside and 2 with the other unit (one sent, one received), E-I (2 - 2) / 4 = 0.00. Dormant
    has no tie, so its E-I is 0 / 0, undefined. The page said "Both units have the same E-I index
    (0.00)" of three units ("Both units of two or more people" beside a one-person unit); it now says
    which two, and that Dormant has no tie."""
    people = [["a", "Anna", "A"], ["b", "Bo", "A"], ["c", "Cy", "A"], ["d", "Di", "B"], ["e", "Ed", "B"],
              ["f", "Fi", "B"], ["g", "Gus", "Dormant"], ["h", "Hal", "Dormant"]]
    _, m = hand_made(tmp_path, people, [["a", "b"], ["b", "c"], ["c", "d"], ["d", "e"], ["e", "f"], ["f", "a"]])
    found = texts(m)
    assert found["units_level"] == ["Both units with a tie have the same E-I index (0.00): none is more closed "
                                    "or more outward-looking than the others."]
    assert found["units_without_ties"] == ["Dormant (2 people) has no tie at all, inside or with other units, so it "
                                           "has no E-I index."]


def test_units_tied_for_most_closed_are_named_together(tmp_path):
    """A (a1, a2) and B (b1, b2) each keep 2 ties inside and receive 1 from C (c1, c2), who have no
    tie inside: A and B are level at E-I (1 - 2) / 3 = -0.33, C is at (2 - 0) / 2 = +1.00."""
    _, m = hand_made(tmp_path, [["a1", "A1", "A"], ["a2", "A2", "A"], ["b1", "B1", "B"], ["b2", "B2", "B"],
                                ["c1", "C1", "C"], ["c2", "C2", "C"]],
                     [["a1", "a2"], ["a2", "a1"], ["b1", "b2"], ["b2", "b1"], ["c1", "a1"], ["c2", "b1"]])
    found = texts(m)
    assert found["most_closed_unit"] == ["A and B are level as the most closed units (E-I -0.33 each; "
                                         "A: 2 ties inside, 1 with other units; B: 2 ties inside, 1 with other units)."]
    assert found["most_open_unit"] == ["C is the most outward-looking unit (E-I +1.00: 0 ties inside, "
                                       "2 with other units)."]
    closed = [f for f in findings(m) if f.key == "most_closed_unit"][0]
    assert closed.numbers == {"units": ["A", "B"], "ei_index": pytest.approx(-1 / 3)}


# Brokers on the boundary-spanning table are brokers across units.

@pytest.fixture(scope="module")
def municipality_page(tmp_path_factory):
    roster = ona.read_roster(EXAMPLE / "roster.xlsx")
    graph = ona.build_graph(roster, ona.read_ties(EXAMPLE / "ties.xlsx", roster))
    m = ona.measure(graph, by="Department", permutations=50)
    path = write_index(m, tmp_path_factory.mktemp("municipality") / "index.html")
    return m, path.read_text(encoding="utf-8")


def _unit_row(page: str, unit: str) -> str:
    """The unit's row of the spanners-and-brokers table (the heatmap's table of unit pairs, above it,
    also starts rows with a unit)."""
    start = page.index(f"<tr><td>{unit}</td>", page.index("id='people'"))
    return page[start:page.index("</tr>", start)]


def test_the_closed_units_top_brokers_link_other_units(municipality_page):
    """Building & Permits is the most closed unit. Björn Ekström's 93 brokerage roles are all
    coordinator roles (he links colleagues of his own unit; he has no tie outside it), so he is not
    one of its brokers across units; Morten Bjørnstad (13 roles linking other units), Örjan
    Nørgaard (11 of his 81) and Synnøve Frøkjær (8) are."""
    m, page = municipality_page
    bjorn = m.people.loc["E0367"]
    assert (bjorn["name"], bjorn["coordinator"], bjorn["brokerage_total"], bjorn["external_ties"]) == \
        ("Björn Ekström", 93, 93, 0)
    row = _unit_row(page, "Building &amp; Permits")
    assert row.endswith("<td>Morten Bjørnstad (13), Örjan Nørgaard (11), Synnøve Frøkjær (8)</td>")
    assert "Björn Ekström" not in row
    assert ('<th scope="col">Top brokers across units (brokerage roles)</th>' in page
            and "the <a href='method.html#brokerage_roles'>Gould &amp; Fernandez roles</a> "
                "itinerant/consultant, representative, gatekeeper, liaison; "
                "coordinator roles, with a, b and c all in one unit, are not counted." in page)


def test_boundary_spanners_are_listed_by_the_units_they_reach(municipality_page):
    """The column says "other units reached": Linnéa Mørch reaches 6, Ingrid Ekström 5, Halvor
    Krøyer 4, and they are listed in that order (before, by betweenness, a spanner reaching 2 units
    came first)."""
    _, page = municipality_page
    row = _unit_row(page, "Child &amp; Family Services")
    assert "<td>Linnéa Mørch (6 units), Ingrid Ekström (5 units), Halvor Krøyer (4 units)</td>" in row
    assert "those who reach the most other units first (equal reach: higher betweenness first)" in page


# A report lands whole or not at all.

PEOPLE = [["a", "Anna", "X"], ["b", "Bo", "X"], ["c", "Cy", "Y"], ["d", "Di", "Y"]]


def _report_args(tmp_path: Path, ties: list[list[str]]) -> list[str]:
    write_csv(tmp_path / "roster.csv", [["id", "Name", "Department"], *PEOPLE])
    write_csv(tmp_path / "ties.csv", [["Source", "Target"], *ties])
    return ["analyze", "--roster", str(tmp_path / "roster.csv"), "--ties", str(tmp_path / "ties.csv"),
            "--out", str(tmp_path / "report")]


def _folder(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() if p.is_file() else "folder" for p in sorted(path.iterdir())}


def test_a_folder_in_the_way_leaves_last_years_report_whole(runner, tmp_path):
    """Last year's report is in report/; someone made a folder report/nodes.csv. This year's run
    fails before it changes anything: the folder holds last year's report, no file of this year's,
    and the error names nodes.csv (not a temporary file)."""
    assert runner.invoke(cli, _report_args(tmp_path, [["a", "b"], ["b", "c"]])).exit_code == 0
    report = tmp_path / "report"
    (report / "nodes.csv").unlink()
    (report / "nodes.csv").mkdir()
    last_year = _folder(report)
    result = runner.invoke(cli, _report_args(tmp_path, [["a", "b"], ["c", "d"], ["d", "a"]]))
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == (
        "Error: nodes.csv: is a folder where the report writes a file; move or rename it "
        "(nothing of the new report was written)")
    assert _folder(report) == last_year


def test_a_file_that_cannot_be_replaced_puts_back_the_files_already_replaced(runner, tmp_path, monkeypatch):
    """The analyst has network.gexf open in Gephi and the system refuses to replace it. Files
    before it in the folder (edges.csv ... metrics.xlsx) had already been replaced: they are put
    back, so the folder still holds last year's report and nothing of this year's."""
    assert runner.invoke(cli, _report_args(tmp_path, [["a", "b"], ["b", "c"]])).exit_code == 0
    report = tmp_path / "report"
    last_year = _folder(report)
    real_replace = os.replace

    def replace(src, dst):
        if Path(dst) == report / "network.gexf" and Path(src).parent.name.startswith(".ona-new."):
            raise PermissionError(13, "Permission denied", str(src))
        return real_replace(src, dst)

    monkeypatch.setattr(ona._files.os, "replace", replace)
    result = runner.invoke(cli, _report_args(tmp_path, [["a", "b"], ["c", "d"], ["d", "a"]]))
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == \
        "Error: network.gexf: Permission denied (nothing of the new report was written)"
    assert _folder(report) == last_year


def test_a_file_that_cannot_be_written_is_named_in_the_error(tmp_path):
    """A folder stands where a single file is written: the error names that file, not the
    temporary file it was written to first."""
    (tmp_path / "map.html").mkdir()
    with pytest.raises(IsADirectoryError) as error:
        with ona._files.atomic_write(tmp_path / "map.html") as handle:
            handle.write("<html></html>")
    assert error.value.filename == str(tmp_path / "map.html")
    assert [p.name for p in tmp_path.iterdir()] == ["map.html"]


# Numbers and words as a person writes them.

def test_a_faint_heatmap_cell_never_reads_zero(tmp_path):
    """Units A and B of 50 people each and one tie from A to B: 1 of 2,500 possible, a density of
    0.04%. The cell shows "<0.1", not "0.0"; every cell has one decimal (50 ties inside A of
    50 x 49 possible: 2.0)."""
    people = [[f"a{i}", f"A{i}", "A"] for i in range(50)] + [[f"b{i}", f"B{i}", "B"] for i in range(50)]
    ties = [[f"a{i}", f"a{(i + 1) % 50}"] for i in range(50)] + [["a0", "b0"]]
    _, m = hand_made(tmp_path, people, ties)
    write_index(m, tmp_path / "index.html")
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert 'title="A → B: 1 tie of 2,500 possible, density &lt;0.1%; 0.08 × what chance would give">&lt;0.1</td>' \
        in page
    assert 'title="inside A: 50 ties of 2,450 possible, density 2.0%; 3.96 × what chance would give">2.0</td>' in page
    assert [density_percent(d) for d in (0.0004, 0.0005, 0.00996, 0.01, 0.5, 1.0)] == \
        ["<0.1", "0.1", "1.0", "1.0", "50.0", "100.0"]


def test_the_method_table_says_which_rows_were_left_out(tmp_path):
    """Rows left out of the tie file are listed as "reason: count", not as a Python dict."""
    _, m = hand_made(tmp_path, PEOPLE, [["a", "b", "2"], ["b", "a", "0"], ["c", "c", "1"], ["c", "d", "1"]])
    write_index(m, tmp_path / "index.html")
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "<tr><th scope='row'>dropped_rows</th><td>self-tie: 1, zero-weight: 1</td></tr>" in page
    assert "<tr><th scope='row'>directed</th><td>yes</td></tr>" in page


def test_a_zero_is_written_0_not_minus_0(tmp_path):
    """Ed is alone in unit Z: his expected coordinator count is 0 (the product behind it comes out
    as -0.0; the metric adds 0.0). A -0.0 that reaches the writers anyway is written 0.0 in
    nodes.csv, the GEXF and GraphML files and metrics.json."""
    people = [["a", "Anna", "X"], ["b", "Bo", "X"], ["c", "Cy", "Y"], ["e", "Ed", "Z"]]
    graph, m = hand_made(tmp_path, people, [["a", "b"], ["b", "c"], ["c", "e"], ["e", "b"]])
    assert math.copysign(1, m.people.loc["e", "coordinator_expected"]) == 1
    m.people.loc["e", "coordinator_expected"] = -0.0  # as the product gave before the metric added 0.0
    ona.write_report(m, graph, tmp_path / "report")
    report = tmp_path / "report"
    with open(report / "nodes.csv", encoding="utf-8-sig", newline="") as handle:
        ed = {r["id"]: r for r in csv.DictReader(handle)}["e"]
    assert ed["coordinator_expected"] == "0.0"
    for name in ("nodes.csv", "network.gexf", "network.graphml", "metrics.json"):
        assert not re.search(r"-0\.0(?![0-9])", (report / name).read_text(encoding="utf-8-sig")), name
    people_json = {p["id"]: p for p in json.loads((report / "metrics.json").read_text())["people"]}
    assert math.copysign(1, people_json["e"]["coordinator_expected"]) == 1


def test_findings_count_in_words_a_manager_would_use(tmp_path):
    """X (Anna, Bo), Y (Cy, Di), Z (Ed): Cy is the only way between X and Y (two ties); a single
    tie joins X and Z, and one Y and Z; Bo and Ed reach two other units each, but Ed, alone in Z,
    has no tie inside his unit, so only Bo spans a boundary."""
    people = [["a", "Anna", "X"], ["b", "Bo", "X"], ["c", "Cy", "Y"], ["d", "Di", "Y"], ["e", "Ed", "Z"]]
    _, m = hand_made(tmp_path, people, [["a", "b"], ["b", "a"], ["c", "d"], ["d", "c"], ["c", "a"], ["c", "b"],
                                        ["d", "e"], ["b", "e"]])
    found = texts(m)
    assert found["one_person_bridge"] == ["X and Y are connected through one person (Cy): both ties between the "
                                          "two units are theirs."]
    assert found["single_tie_pairs"] == ["2 pairs of units are connected by a single relationship between two "
                                         "people: X and Z (Bo and Ed); Y and Z (Di and Ed)."]
    assert found["boundary_spanners"][0].startswith("1 person (20%) spans unit boundaries (rule: at least 1 tie "
                                                   "inside own unit,")
    assert found["units_level"] == ["Both units of two or more people have the same E-I index (+0.20): none is "
                                    "more closed or more outward-looking than the others."]
    assert found["units_vs_communities"][0].startswith("The 2 communities found in the network partly match "
                                                       "the formal units")
    write_index(m, tmp_path / "index.html")
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "<p class='sub'>5 people in 3 units (by Department), 8 ties.</p>" in page


def test_the_links_of_a_unit_of_one_person_are_not_called_fragile(tmp_path, runner):
    """The Director's office is one person, Zia: every tie between it and X or Y is hers, so by the
    definition both pairs "hang on one person", which says nothing about fragility (Krackhardt's
    high-tech firm by department: three of its four fragile links were the CEO's, alone in unit 0).
    X (Anna, Bo), Y (Cy, Di), W (Eva, Finn), Director (Zia). X-Y: Bo -> Cy, Di -> Anna (no one
    person carries both); Director-X: Zia <-> Anna, Zia -> Bo; Director-Y: Zia -> Cy, Di -> Zia; W-X:
    Eva -> Anna, Eva -> Bo, both Eva's. So 3 of the 4 connected pairs hang on one person: W-X is a
    fragile link, the Director's two are said apart, and the terminal line says so."""
    people = [["a", "Anna", "X"], ["b", "Bo", "X"], ["c", "Cy", "Y"], ["d", "Di", "Y"], ["e", "Eva", "W"],
              ["f", "Finn", "W"], ["z", "Zia", "Director"]]
    ties = [["a", "b"], ["b", "a"], ["c", "d"], ["d", "c"], ["e", "f"], ["f", "e"], ["b", "c"], ["d", "a"],
            ["z", "a"], ["a", "z"], ["z", "b"], ["z", "c"], ["d", "z"], ["e", "a"], ["e", "b"]]
    _, m = hand_made(tmp_path, people, ties, permutations=0)
    found = texts(m)
    assert m.summary["unit_pairs_hanging_on_one_person"] == 3  # the definition's count is unchanged
    assert found["one_person_bridge"] == ["W and X are connected through one person (Eva): both ties between the "
                                          "two units are theirs."]
    assert found["unit_of_one_links"] == ["2 pairs of units run through a unit of one person (Director): every tie "
                                          "of such a unit is that person's, so these links hang on one person by "
                                          "necessity and are not named as fragile here."]
    result = runner.invoke(cli, ["--silent", "analyze", "--roster", str(tmp_path / "roster.csv"), "--ties",
                                 str(tmp_path / "ties.csv"), "--permutations", "0", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert ("Fragile unit links:  3 of 4 unit pairs hang on one person (2 of them through a unit of one person)"
            in result.output.splitlines())
