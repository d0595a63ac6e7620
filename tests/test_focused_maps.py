"""A script writes the same focused map as `ona map --unit/--person`: `ona.write_map(graph, measurement, path,
unit=...)` or `person=...` gives the page the command line writes, titled and subtitled alike, with the person
marked; an unknown unit or person is a clear one-line error (code bad-argument) naming the roster's file and
column, quoting only what was given, and nothing is written."""

from __future__ import annotations

import html
import re

import pytest

import ona
from ona.cli import cli

from conftest import write_csv

PEOPLE = [["p1", "Ann Berg", "Finance"], ["p2", "Bo Lind", "IT"], ["p3", "Cy Holm", "IT"], ["p4", "Di Ek", "Finance"],
          ["p5", "Ed Falk", "HR"]]
TIES = [["p1", "p4"], ["p4", "p1"], ["p1", "p2"], ["p2", "p3"], ["p3", "p5"], ["p5", "p3"]]


@pytest.fixture
def inputs(tmp_path):
    roster = write_csv(tmp_path / "roster.csv", [["id", "Name", "Department"], *PEOPLE])
    ties = write_csv(tmp_path / "ties.csv", [["Source", "Target"], *TIES])
    return roster, ties


def _measured(roster_path, ties_path):
    roster = ona.read_roster(roster_path)
    graph = ona.build_graph(roster, ona.read_ties(ties_path, roster))
    return graph, ona.measure(graph)


def _cli_map(runner, inputs, out, *options):
    roster, ties = inputs
    return runner.invoke(cli, ["map", "--roster", str(roster), "--ties", str(ties), "--out", str(out), *options])


def _heading(page: str) -> tuple[str, str]:
    title = re.search(r"<title>(.*?)</title>", page).group(1)
    subtitle = re.search(r"<header>\s*<h1>.*?</h1>\s*<p>(.*?)</p>", page, re.S).group(1)
    return html.unescape(title), html.unescape(subtitle)


@pytest.mark.parametrize("option, value, title, subtitle", [
    ("unit", "Finance", "Who works with whom: Finance",
     "Finance: its 2 people and everyone they have a tie with (metrics from the whole network). "
     "Colour = unit, size = number of ties."),
    ("person", "p3", "Who works with whom: Cy Holm",
     "one person's ego network: their contacts and the ties among them (metrics from the whole network). "
     "Colour = unit, size = number of ties."),
])
def test_the_library_writes_the_page_ona_map_writes_for_a_unit_and_for_a_person(
        runner, inputs, tmp_path, option, value, title, subtitle):
    graph, measurement = _measured(*inputs)
    library = ona.write_map(graph, measurement, tmp_path / "library.html", **{option: value})
    result = _cli_map(runner, inputs, tmp_path / "cli.html", f"--{option}", value)
    assert result.exit_code == 0, result.output
    page = library.read_text(encoding="utf-8")
    assert page == (tmp_path / "cli.html").read_text(encoding="utf-8")
    assert _heading(page) == (title, subtitle)
    marked = re.search(r'"marked":"([^"]*)"', page)
    assert (marked.group(1) if marked else None) == ("p3" if option == "person" else None)


def test_a_persons_map_shows_them_their_contacts_and_the_ties_among_those(runner, inputs, tmp_path):
    """p3's contacts are p2 and p5; the ties among the three are p2->p3, p3->p5 and p5->p3."""
    graph, measurement = _measured(*inputs)
    page = ona.write_map(graph, measurement, tmp_path / "p3.html", person="p3").read_text(encoding="utf-8")
    nodes = re.findall(r'"id":"(p\d)"', page)
    assert sorted(nodes) == ["p2", "p3", "p5"]
    result = _cli_map(runner, inputs, tmp_path / "cli.html", "--person", "p3")
    assert result.stdout == f"Map written to {tmp_path / 'cli.html'} (3 people, 3 ties).\n"


def test_an_unknown_unit_is_a_clear_error_and_nothing_is_written(runner, inputs, tmp_path):
    graph, measurement = _measured(*inputs)
    with pytest.raises(ona.InputError) as raised:
        ona.write_map(graph, measurement, tmp_path / "map.html", unit="Finanse")
    [problem] = raised.value.problems
    assert (problem.code, problem.path, problem.column) == ("bad-argument", str(inputs[0]), "Department")
    line = ("roster.csv, column 'Department': has no unit 'Finanse'; give one of its units to --unit "
            "(unit= in Python): Finance, HR, IT [bad-argument]")
    assert str(problem) == line
    result = _cli_map(runner, inputs, tmp_path / "map.html", "--unit", "Finanse")
    assert result.exit_code == 2 and result.stderr == f"Error: {line}\n" and result.stdout == ""
    assert not (tmp_path / "map.html").exists()


def test_an_unknown_person_is_named_by_the_id_given_and_no_one_else(runner, inputs, tmp_path):
    graph, measurement = _measured(*inputs)
    with pytest.raises(ona.InputError) as raised:
        ona.write_map(graph, measurement, tmp_path / "map.html", person="p9")
    line = ("roster.csv, column 'id': has no person with id 'p9'; give a roster id to --person (person= in Python) "
            "[bad-argument]")
    assert [str(p) for p in raised.value.problems] == [line]
    result = _cli_map(runner, inputs, tmp_path / "map.html", "--person", "p9")
    assert result.exit_code == 2 and result.stderr == f"Error: {line}\n"
    assert not any(name in result.output for _, name, _ in PEOPLE)
    assert not (tmp_path / "map.html").exists()


def test_a_unit_and_a_person_together_are_refused(inputs, tmp_path):
    graph, measurement = _measured(*inputs)
    with pytest.raises(ona.InputError) as raised:
        ona.write_map(graph, measurement, tmp_path / "map.html", unit="IT", person="p2")
    assert [str(p) for p in raised.value.problems] == [
        "give a unit or a person to map, not both (--unit or --person; unit= or person= in Python) [bad-argument]"]
    assert not (tmp_path / "map.html").exists()


# --- `ona map` measures only what the map shows -------------------------------------------------------------

EXAMPLE = __import__("conftest").ROOT / "examples" / "municipality"


@pytest.fixture(scope="module")
def municipality_both_ways():
    """The README's example measured whole and as `ona map` measures it (the parts the map does not show
    skipped, no E-I permutation test)."""
    from ona.report.html_map import NOT_SHOWN

    roster = ona.read_roster(EXAMPLE / "roster.xlsx")
    graph = ona.build_graph(roster, ona.read_ties(EXAMPLE / "ties.xlsx", roster))
    return graph, ona.measure(graph), ona.measure(graph, permutations=0, skip=NOT_SHOWN)


@pytest.mark.parametrize("focus", [{}, {"unit": "Finance"}, {"person": "E0116"}])
@pytest.mark.parametrize("size_by", ["degree", "betweenness", "brokerage", "participation"])
def test_the_map_from_the_lighter_measurement_is_the_map_from_the_whole_one(
        municipality_both_ways, tmp_path, focus, size_by):
    graph, whole, light = municipality_both_ways
    assert "community" not in light.people and "betweenness_unweighted" not in light.people
    assert "fragile_bridges" not in light.extra and "communities" not in light.summary
    full_page = ona.write_map(graph, whole, tmp_path / "whole.html", size_by=size_by, **focus)
    light_page = ona.write_map(graph, light, tmp_path / "light.html", size_by=size_by, **focus)
    assert light_page.read_text(encoding="utf-8") == full_page.read_text(encoding="utf-8")


def test_what_is_not_skipped_is_the_same_figure(municipality_both_ways):
    graph, whole, light = municipality_both_ways
    assert list(light.people.columns) == [c for c in whole.people.columns
                                          if c not in ("betweenness_unweighted", "community")]
    assert light.people.equals(whole.people[list(light.people.columns)])
    assert light.unit_pairs.equals(whole.unit_pairs)
    assert light.parameters["skipped"] == ["betweenness_unweighted", "bridges", "communities"]
    assert "skipped" not in whole.parameters


def test_ona_map_measures_without_the_parts_the_map_does_not_show(runner, inputs, tmp_path, monkeypatch):
    import ona.metrics

    seen = []
    measure = ona.metrics.measure
    monkeypatch.setattr(ona.metrics, "measure", lambda *args, **kwargs: seen.append(measure(*args, **kwargs))
                        or seen[-1])
    assert _cli_map(runner, inputs, tmp_path / "map.html").exit_code == 0
    [measured] = seen
    assert measured.parameters["skipped"] == ["betweenness_unweighted", "bridges", "communities"]
    assert measured.parameters["ei_permutations"] == 0


def test_a_lighter_measurement_cannot_make_a_report_or_a_wave(municipality_both_ways, tmp_path):
    """index.html would read the links not computed as "No pair of units is connected"."""
    graph, _, light = municipality_both_ways
    message = ("needs the whole measurement, and this one skipped betweenness_unweighted, bridges, communities: "
               "measure it without skip= [bad-argument]")
    with pytest.raises(ona.InputError) as raised:
        ona.write_report(light, graph, tmp_path / "report")
    assert str(raised.value) == f"write_report {message}"
    assert not (tmp_path / "report").exists()
    with ona.open_history(tmp_path / "h.db") as history, pytest.raises(ona.InputError) as raised:
        history.store("2025", light, graph)
    assert str(raised.value) == f"History.store {message}"


def test_measure_names_what_it_can_skip(municipality_both_ways):
    graph = municipality_both_ways[0]
    with pytest.raises(ona.InputError) as raised:
        ona.measure(graph, skip=["bridges", "community"])
    assert str(raised.value) == ("measure(skip=['bridges', 'community']): community cannot be skipped; skip only "
                                 "betweenness_unweighted, bridges, communities [bad-argument]")


@pytest.mark.parametrize("option", [["--unit", "Finanse"], ["--person", "p9"]])
def test_a_misspelt_unit_or_person_is_refused_before_anything_is_measured(runner, inputs, tmp_path, monkeypatch,
                                                                       option):
    """At 10,000 people measuring takes 13 s: a typo in --unit or --person is told before that."""
    import ona.metrics

    def never(*args, **kwargs):
        raise AssertionError("measured before the unit or person was checked")

    monkeypatch.setattr(ona.metrics, "measure", never)
    result = _cli_map(runner, inputs, tmp_path / "map.html", *option)
    assert result.exit_code == 2 and "[bad-argument]" in result.stderr and "measured before" not in result.output
    assert not (tmp_path / "map.html").exists()


def test_the_unknown_unit_error_names_twenty_units_then_how_many_more(runner, tmp_path):
    """A roster of 25 teams: the error stays one readable line, naming the first 20 teams in order."""
    people = [[f"p{k}", f"Person {k}", f"Team {k:02d}"] for k in range(25)]
    roster = write_csv(tmp_path / "roster.csv", [["id", "Name", "Department"], *people])
    ties = write_csv(tmp_path / "ties.csv", [["Source", "Target"], ["p0", "p1"]])
    result = _cli_map(runner, (roster, ties), tmp_path / "map.html", "--unit", "Team 99")
    teams = ", ".join(f"Team {k:02d}" for k in range(20))
    assert result.exit_code == 2
    assert result.stderr == (f"Error: roster.csv, column 'Department': has no unit 'Team 99'; give one of its units "
                             f"to --unit (unit= in Python): {teams} and 5 more [bad-argument]\n")
