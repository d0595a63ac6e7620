"""The command line at scale, as a tester running ona on 2,000-50,000 people met it: a tie file with
100,000 unknown people printed 108,551 lines (24.5 MB) and hid its self-ties and duplicates, the
writing stage stood still for 80 seconds, the measuring bar drew over the outer bar, counts had no
thousands separators, and sampled betweenness was not mentioned."""

from __future__ import annotations

import io
import json
import re

import pytest

import ona
from ona.cli import cli

from conftest import write_csv

UNKNOWN = ("names no one in the roster (matched by id, email and name); add the person to the roster, fix the "
           "spelling, or pass --drop-unknown (drop_unknown=True in Python) [unknown-person]")
# What validate says it read: the roster (the tie file has errors, so no line of its own).
ROSTER_READ = "Read: roster.csv: 20 people, 2 units by Department"
BAD_WEIGHT = ("the weight is a word, not a number (a survey tool's answer, such as Weekly?); give each answer its "
              "number with --weight-labels FILE.toml (weight_labels= in Python), or write a number such as 1-5 "
              "[bad-weight]")


@pytest.fixture
def many_problems(tmp_path):
    """Twenty people; a tie file whose rows 2-51 name 50 colleagues not in the roster, rows 52-81
    give the weight "often", then 3 self-ties and a pair given twice among the good rows."""
    people = [f"e{i:02}" for i in range(20)]
    write_csv(tmp_path / "roster.csv", [["Employee ID", "Name", "Department"],
                                        *([p, f"Person {p}", "Alpha" if i < 10 else "Beta"]
                                          for i, p in enumerate(people))])
    rows = [["Respondent ID", "Colleague ID", "Frequency"]]
    rows += [[people[i % 20], f"Stranger Number {i}", "3"] for i in range(50)]  # rows 2-51
    rows += [[people[i % 20], people[(i + 1 + i // 20) % 20], "often"] for i in range(30)]  # rows 52-81
    rows += [[people[i], people[i], "2"] for i in range(3)]  # rows 82-84: self-ties
    rows += [["e05", "e09", "4"], ["e05", "e09", "2"]]  # rows 85-86: one pair twice
    write_csv(tmp_path / "ties.csv", rows)
    return tmp_path


def _bounded(name: str = "ties.csv") -> list[str]:
    """The terminal's lines for the fixture: 10 of each code, the warnings, the rest counted."""
    return [*(f"Error: {name}, row {r}, column 'Colleague ID': {UNKNOWN}" for r in range(2, 12)),
            *(f"Error: {name}, row {r}, column 'Frequency': {BAD_WEIGHT}" for r in range(52, 62)),
            f"Warning: {name}: 3 ties would be left out (self tie) once the errors are fixed [dropped-self-tie]",
            f"Warning: {name}: 1 tie would be left out (duplicate) once the errors are fixed [dropped-duplicate]",
            f"... and 40 more unknown-person problems ({name}, rows 12-51)",
            f"... and 20 more bad-weight problems ({name}, rows 62-81)"]


def test_validate_shows_ten_problems_of_each_code_counts_the_rest_and_still_mentions_the_warnings(
        runner, many_problems):
    """80 errors used to print 80 lines and no word of the self-ties and the pair given twice; now
    the first 10 of each code, a line for the rest of each with its rows, and a count per code."""
    result = runner.invoke(cli, ["validate", "--roster", str(many_problems / "roster.csv"),
                                 "--ties", str(many_problems / "ties.csv")])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        *_bounded(),
        "Problems by code: 50 unknown-person, 30 bad-weight, 1 dropped-self-tie, 1 dropped-duplicate; "
        "--all-problems prints every one",
        ROSTER_READ, "80 errors, 2 warnings in roster.csv, ties.csv"]
    assert "Stranger" not in result.output  # an unknown person's text is personal: never quoted


def test_validate_all_problems_and_json_still_list_every_problem(runner, many_problems):
    command = ["validate", "--roster", str(many_problems / "roster.csv"), "--ties", str(many_problems / "ties.csv")]
    every = runner.invoke(cli, [*command, "--all-problems"]).output.splitlines()
    assert every[:50] == [f"Error: ties.csv, row {r}, column 'Colleague ID': {UNKNOWN}" for r in range(2, 52)]
    assert every[50:80] == [f"Error: ties.csv, row {r}, column 'Frequency': {BAD_WEIGHT}" for r in range(52, 82)]
    assert every[80:] == [*_bounded()[20:22], ROSTER_READ, "80 errors, 2 warnings in roster.csv, ties.csv"]
    report = json.loads(runner.invoke(cli, [*command, "--json"]).output)
    assert (report["errors"], report["warnings"]) == (80, 2)
    assert [(p["code"], p["row"]) for p in report["problems"]] == [
        *(("unknown-person", r) for r in range(2, 52)), *(("bad-weight", r) for r in range(52, 82)),
        ("dropped-self-tie", None), ("dropped-duplicate", None)]


def test_analyze_gives_the_same_bounded_list_and_writes_nothing(runner, many_problems):
    result = runner.invoke(cli, ["--silent", "analyze", "--roster", str(many_problems / "roster.csv"),
                                 "--ties", str(many_problems / "ties.csv"), "--out", str(many_problems / "report")])
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        *_bounded(),
        "Problems by code: 50 unknown-person, 30 bad-weight, 1 dropped-self-tie, 1 dropped-duplicate; "
        "`ona validate --all-problems` prints every one"]
    assert not (many_problems / "report").exists()


def test_a_few_problems_are_printed_as_before(runner, many_problems):
    """Ten problems of a code, or fewer, are all printed, with no count line."""
    rows = (many_problems / "ties.csv").read_text(encoding="utf-8").splitlines()
    (many_problems / "few.csv").write_text("\n".join([rows[0], *rows[1:11], *rows[81:]]) + "\n", encoding="utf-8")
    result = runner.invoke(cli, ["validate", "--roster", str(many_problems / "roster.csv"),
                                 "--ties", str(many_problems / "few.csv")])
    assert result.output.splitlines() == [
        *(f"Error: few.csv, row {r}, column 'Colleague ID': {UNKNOWN}" for r in range(2, 12)),
        "Warning: few.csv: 3 ties would be left out (self tie) once the errors are fixed [dropped-self-tie]",
        "Warning: few.csv: 1 tie would be left out (duplicate) once the errors are fixed [dropped-duplicate]",
        ROSTER_READ, "10 errors, 2 warnings in roster.csv, few.csv"]


# --- progress: one step per file written, and a bar inside a bar on a line of its own -------------

class _Terminal(io.StringIO):
    """stderr as a terminal: what the bars draw, kept."""

    def isatty(self) -> bool:
        return True


def _drawn(text: str) -> list[tuple[str, str]]:
    """Every state a bar was drawn in, as (label, "pos/length"), from the carriage-return-separated text."""
    drawn = re.finditer(r"\r(?:\x1b\[\?25l)?([^\r\n\[]+)\[[#-]*\]\s+(\d+/\d+)", text)
    return [(m.group(1).strip(), m.group(2)) for m in drawn]


@pytest.fixture
def terminal():
    """A terminal for stderr, with progress asked for (a test puts it in place itself: pytest puts its
    own stderr back between a fixture and the test)."""
    before = ona.show_progress(True)
    yield _Terminal()
    ona.show_progress(before)


def test_writing_the_report_moves_one_step_per_file(tmp_path, terminal, many_problems, monkeypatch):
    """The writing stage was one step for 80 s at 50,000 people; it now names each file it writes."""
    monkeypatch.setattr("sys.stderr", terminal)
    rows = (many_problems / "ties.csv").read_text(encoding="utf-8").splitlines()
    (many_problems / "good.csv").write_text("\n".join([rows[0], *rows[81:]]) + "\n", encoding="utf-8")
    roster = ona.read_roster(many_problems / "roster.csv")
    graph = ona.build_graph(roster, ona.read_ties(many_problems / "good.csv", roster))
    result = ona.measure(graph, by="Department", permutations=0)
    terminal.seek(0), terminal.truncate()
    ona.write_report(result, graph, tmp_path / "report")
    assert _drawn(terminal.getvalue()) == [
        ("index", "0/6"), ("person map", "1/6"), ("unit map", "2/6"), ("method", "3/6"), ("exports", "4/6"),
        ("workbook and metrics.json", "5/6"), ("workbook and metrics.json", "6/6")]


def test_a_bar_inside_a_bar_starts_a_line_of_its_own_named_after_the_outer_step(terminal, monkeypatch):
    """measure()'s "degrees 0/6" was drawn over `ona analyze`'s "reading and measuring 0/2"."""
    monkeypatch.setattr("sys.stderr", terminal)
    with ona._progress.steps(["reading and measuring", "writing"]) as outer:
        with ona._progress.steps(["degrees", "brokerage"]) as inner:
            inner.advance("brokerage")
            inner.advance()
        outer.advance("writing")
        outer.advance()
    lines = [_drawn(line) for line in terminal.getvalue().split("\n")]
    assert lines == [[("reading and measuring", "0/2")],
                     [("reading and measuring: degrees", "0/2"), ("reading and measuring: brokerage", "1/2"),
                      ("reading and measuring: brokerage", "2/2")],
                     [("writing", "1/2"), ("writing", "2/2")], []]


def test_no_bar_when_the_script_did_not_ask(monkeypatch):
    screen = _Terminal()
    monkeypatch.setattr("sys.stderr", screen)
    with ona._progress.steps(["a", "b"]) as outer, ona._progress.steps(["c"]) as inner:
        inner.advance(), outer.advance("b"), outer.advance()
    assert screen.getvalue() == ""


# --- the terminal summary: separators and sampled betweenness ----------------------------------

def test_the_summary_of_a_large_organisation_has_separators_and_says_betweenness_was_sampled(runner, tmp_path):
    """1,200 people in two alternating departments, each with ties to the next two people: 2,400
    ties, the 1,200 to the next person all across units. Betweenness is exact up to the limit (here
    1,000 people) and estimated from 50 pivots above."""
    n = 1200
    write_csv(tmp_path / "roster.csv", [["Employee ID", "Name", "Department"],
                                        *([f"p{i}", f"P {i}", "Even" if i % 2 == 0 else "Odd"] for i in range(n))])
    write_csv(tmp_path / "ties.csv", [["Respondent ID", "Colleague ID"],
                                      *([f"p{i}", f"p{(i + step) % n}"] for i in range(n) for step in (1, 2))])
    result = runner.invoke(cli, ["--silent", "analyze", "--roster", str(tmp_path / "roster.csv"),
                                 "--ties", str(tmp_path / "ties.csv"), "--out", str(tmp_path / "report"),
                                 "--permutations", "0", "--exact-betweenness-limit", "1000",
                                 "--betweenness-samples", "50"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:4] == ["People:              1,200", "Ties:                2,400",
                         "Units:               2 (by Department)", "Cross-unit ties:     50% (1,200 of 2,400)"]
    assert "Betweenness:         estimated from 50 sampled pivots of 1,200 people (exact is too slow above the "\
           "exact betweenness limit); seed 1" in lines
    exact = runner.invoke(cli, ["--silent", "analyze", "--roster", str(tmp_path / "roster.csv"),
                                "--ties", str(tmp_path / "ties.csv"), "--out", str(tmp_path / "report"),
                                "--permutations", "0"])
    assert not any(line.startswith("Betweenness:") for line in exact.stdout.splitlines())
