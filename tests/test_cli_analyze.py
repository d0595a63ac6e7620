"""An analyst runs `ona analyze` on a roster and a tie list and gets a map, a workbook and JSON."""

from __future__ import annotations

import json
import math

import pytest
from openpyxl import load_workbook

import ona
from ona.cli import cli
from ona.report import measurement_to_dict

from conftest import write_xlsx

ANALYZE = "analyze"


def test_analyze_writes_the_report_and_prints_the_summary(runner, data_dir, tmp_path):
    out = tmp_path / "report"
    res = runner.invoke(cli, [ANALYZE, "--roster", str(data_dir / "analyze" / "roster.csv"),
                              "--ties", str(data_dir / "analyze" / "ties.csv"), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert res.stdout.splitlines() == [
        "People:              5",
        "Ties:                6",
        "Units:               2 (by Department)",
        "Cross-unit ties:     33% (2 of 6)",
        "E-I index (org):     -0.33",
        "Modularity of units: 0.27 (directed, weighted)",
        "Communities found:   2 (agreement with units, NMI 1.00)",
        "Boundary spanners:   0",
        "Fragile unit links:  0 of 1 unit pairs hang on one person",
        "Response rate:       100% (5 of 5)",
        f"Report written to {out}/: index.html, map.html, units.html, method.html, metrics.xlsx, metrics.json, "
        "nodes.csv, edges.csv, network.gexf, network.graphml",
    ]
    assert sorted(p.name for p in out.iterdir()) == sorted(["index.html", "map.html", "units.html", "method.html",
                                                           "metrics.xlsx", "metrics.json", "nodes.csv", "edges.csv",
                                                           "network.gexf", "network.graphml", ".ona-report"])


def test_cli_json_equals_the_library_result(runner, data_dir, tmp_path):
    """The CLI is a thin shell: its metrics.json is the library's measurement, value for value, and
    the privacy settings it ran under (none here: ona.pipeline.privacy_parameters)."""
    from ona.pipeline import privacy_parameters

    roster_path, ties_path = data_dir / "analyze" / "roster.csv", data_dir / "analyze" / "ties.csv"
    runner.invoke(cli, [ANALYZE, "--roster", str(roster_path), "--ties", str(ties_path), "--out", str(tmp_path)])
    roster = ona.read_roster(roster_path)
    expected = measurement_to_dict(ona.measure(ona.build_graph(roster, ona.read_ties(ties_path, roster))))
    expected["parameters"].update(privacy_parameters(False, None, []))
    assert json.loads((tmp_path / "metrics.json").read_text(encoding="utf-8")) == expected


def test_python_dash_m_ona_runs_the_cli():
    import subprocess
    import sys

    res = subprocess.run([sys.executable, "-m", "ona", "--version"], capture_output=True, text=True)
    assert res.returncode == 0 and res.stdout.strip() == f"ona, version {ona.__version__}"


def test_columns_can_be_named_explicitly(runner, tmp_path):
    """Headers `ona` does not know are named with --id-column, --unit-column, --source-column ..."""
    roster = write_xlsx(tmp_path / "r.xlsx", [["Nr", "Afdelingsnavn"], ["1", "X"], ["2", "X"], ["3", "Y"]])
    ties = write_xlsx(tmp_path / "t.xlsx", [["Fra", "Til", "Gange"], ["1", "2", 4], ["3", "1", 2]])
    res = runner.invoke(cli, [ANALYZE, "--roster", str(roster), "--ties", str(ties), "--out", str(tmp_path / "o"),
                              "--id-column", "nr", "--unit-column", "AFDELINGSNAVN", "--source-column", "Fra",
                              "--target-column", "Til", "--weight-column", "Gange"])
    assert res.exit_code == 0, res.output
    data = json.loads((tmp_path / "o" / "metrics.json").read_text())
    assert data["summary"]["ties"] == 2 and data["summary"]["units"] == 2
    assert {p["id"]: p["out_strength"] for p in data["people"]} == {"1": 4.0, "2": 0.0, "3": 2.0}


def test_ties_name_people_by_id_email_or_name(runner, data_dir, tmp_path):
    """One survey names a1 by id, b1 by email in capitals and a2 by name without accents."""
    roster_path = data_dir / "analyze" / "roster.csv"
    roster = ona.read_roster(roster_path)
    ties_path = write_xlsx(tmp_path / "t.xlsx", [["Respondent", "Colleague"],
                                                  ["a1", "SOREN.AEBELO@kommune.example"],
                                                  ["Soren Aebelo", "bjorn lindstrom"],
                                                  ["Lindström, Björn", "a1"]])
    ties = ona.read_ties(ties_path, roster)
    assert ties.ties[["source", "target"]].values.tolist() == [["a1", "b1"], ["b1", "a2"], ["a2", "a1"]]
    assert ties.weight_column is None and list(ties.ties["weight"]) == [1.0, 1.0, 1.0]


# One fixture file per defect; the exact one-line error, exit code 2, nothing written.
DEFECTS = [
    ("roster.csv", "ties_unknown_person.csv",
     "Error: ties_unknown_person.csv, row 3, column 'Colleague ID': names no one in the roster (matched by id, "
     "email and name); add the person to the roster, fix the spelling, or pass --drop-unknown "
     "(drop_unknown=True in Python) [unknown-person]"),
    ("roster_duplicate_id.csv", "ties.csv",
     "Error: roster_duplicate_id.csv, row 4, column 'Employee ID': this id is already used on row 2; "
     "ids must be unique [duplicate-id]"),
    ("roster.csv", "ties_missing_column.csv",
     "Error: ties_missing_column.csv, row 1: has no target column (looked for 'target', 'to', 'colleague', "
     "'colleague id' ...); name it with --target-column (target_column= in Python); its columns are: "
     "'Respondent ID', 'Frequency' "
     "[missing-column]"),
    ("roster.csv", "ties_bad_weight.csv",
     "Error: ties_bad_weight.csv, row 3, column 'Frequency': the weight is a word, not a number (a survey tool's "
     "answer, such as Weekly?); give each answer its number with --weight-labels FILE.toml (weight_labels= in "
     "Python), or write a number such as 1-5 [bad-weight]"),
    ("roster.csv", "ties_bad_weight.xlsx",
     "Error: ties_bad_weight.xlsx, sheet 'Survey ties', row 4, column 'Frequency': the weight is a word, not a "
     "number (a survey tool's answer, such as Weekly?); give each answer its number with --weight-labels "
     "FILE.toml (weight_labels= in Python), or write a number such as 1-5 [bad-weight]"),
    ("roster_empty.csv", "ties.csv",
     "Error: roster_empty.csv: the file is empty; expected a header row and records [empty-file]"),
    ("roster_not_a_spreadsheet.xlsx", "ties.csv",
     "Error: roster_not_a_spreadsheet.xlsx: cannot be read as an Excel workbook (is it a CSV or a damaged "
     "file?) [not-a-spreadsheet]"),
    ("no_such_roster.xlsx", "ties.csv", "Error: no_such_roster.xlsx: no such file [file-not-found]"),
]


@pytest.mark.parametrize("roster,ties,message", DEFECTS, ids=[d[0] + "+" + d[1] for d in DEFECTS])
def test_bad_input_gives_one_located_line_and_exit_2(runner, data_dir, tmp_path, roster, ties, message):
    out = tmp_path / "report"
    res = runner.invoke(cli, [ANALYZE, "--roster", str(data_dir / "analyze" / roster),
                              "--ties", str(data_dir / "analyze" / ties), "--out", str(out)])
    assert res.exit_code == 2
    assert res.stderr.splitlines() == [message]
    assert res.stdout == ""
    assert not out.exists()


def test_all_problems_are_reported_at_once(runner, data_dir, tmp_path):
    """Two unknown people and a bad weight in one file: three lines, not only the first."""
    bad = write_xlsx(tmp_path / "t.xlsx", [["Respondent ID", "Colleague ID", "Frequency"],
                                            ["a1", "x1", 1], ["a2", "a1", "?"], ["x2", "a1", 2]])
    res = runner.invoke(cli, [ANALYZE, "--roster", str(data_dir / "analyze" / "roster.csv"), "--ties", str(bad),
                              "--out", str(tmp_path / "o")])
    assert res.exit_code == 2
    assert [line.split(": ", 2)[1] for line in res.stderr.splitlines()] == [
        "t.xlsx, sheet 'Sheet1', row 2, column 'Colleague ID'",
        "t.xlsx, sheet 'Sheet1', row 3, column 'Frequency'",
        "t.xlsx, sheet 'Sheet1', row 4, column 'Respondent ID'",
    ]


def test_errors_never_repeat_personal_data(runner, tmp_path):
    """A misspelt colleague name is reported by place, not by the name itself."""
    roster = write_xlsx(tmp_path / "r.xlsx", [["ID", "Name", "Department"], ["1", "Kirsten Ørum", "A"]])
    ties = write_xlsx(tmp_path / "t.xlsx", [["Respondent", "Colleague"], ["1", "Kirstin Örum-Secret"]])
    res = runner.invoke(cli, [ANALYZE, "--roster", str(roster), "--ties", str(ties), "--out", str(tmp_path / "o")])
    assert res.exit_code == 2
    assert "Kirst" not in res.stderr and "Secret" not in res.stderr


def test_a_crash_while_writing_leaves_no_half_written_file(data_dir, tmp_path, monkeypatch):
    """Files are written to a temporary name and renamed: a failure mid-write leaves nothing."""
    from ona.report import json_out

    roster = ona.read_roster(data_dir / "analyze" / "roster.csv")
    m = ona.measure(ona.build_graph(roster, ona.read_ties(data_dir / "analyze" / "ties.csv", roster)))

    real_dumps, calls = json_out.json.dumps, []

    def broken(obj, **kwargs):  # the summary is written, then the disk fills up
        calls.append(obj)
        if len(calls) > 3:
            raise RuntimeError("disk full")
        return real_dumps(obj, **kwargs)

    monkeypatch.setattr(json_out.json, "dumps", broken)
    with pytest.raises(RuntimeError):
        json_out.write_json(m, tmp_path / "metrics.json")
    assert len(calls) == 4 and list(tmp_path.iterdir()) == []


def test_hostile_names_reach_the_workbook_as_text(runner, tmp_path):
    """A name that starts with '=' is stored as a text cell, not a formula (CSV/Excel injection)."""
    roster = write_xlsx(tmp_path / "r.xlsx", [["ID", "Name", "Department"],
                                               ["1", "=HYPERLINK(\"http://x\",\"click\")", "+Finance"],
                                               ["2", "@SUM(A1)", "-IT"], ["3", "<script>alert(1)</script>", "IT"]])
    ties = write_xlsx(tmp_path / "t.xlsx", [["Source", "Target"], ["1", "2"], ["2", "3"]])
    res = runner.invoke(cli, [ANALYZE, "--roster", str(roster), "--ties", str(ties), "--out", str(tmp_path / "o")])
    assert res.exit_code == 0, res.output
    wb = load_workbook(tmp_path / "o" / "metrics.xlsx")
    people = wb["People"]
    cells = {people.cell(row=r, column=2).value: people.cell(row=r, column=2).data_type for r in range(2, 5)}
    assert cells == {'=HYPERLINK("http://x","click")': "s", "@SUM(A1)": "s", "<script>alert(1)</script>": "s"}
    units = [c.value for c in wb["Units"]["A"]][1:]
    assert units == ["+Finance", "-IT", "IT"]
    assert all(c.data_type == "s" for c in wb["Units"]["A"])
    html = (tmp_path / "o" / "map.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e" in html


def test_workbook_has_the_four_sheets_and_a_colour_scale(runner, data_dir, tmp_path):
    runner.invoke(cli, [ANALYZE, "--roster", str(data_dir / "analyze" / "roster.csv"),
                        "--ties", str(data_dir / "analyze" / "ties.csv"), "--out", str(tmp_path)])
    wb = load_workbook(tmp_path / "metrics.xlsx")
    assert wb.sheetnames[:4] == ["Summary", "People", "Units", "Unit matrix"]
    matrix = wb["Unit matrix"]
    assert [c.value for c in matrix[2]] == ["from \\ to", "A", "B"]
    assert matrix["C3"].value == pytest.approx(1 / 6)
    rules = [r.rules[0].type for r in matrix.conditional_formatting]
    assert rules == ["colorScale"]
    summary = {row[2].value: row[1].value for row in wb["Summary"].iter_rows(min_row=2, max_row=14)}
    assert summary["people"] == 5 and summary["ties"] == 6


def test_map_is_deterministic_for_a_seed(data_dir):
    """The same data and seed give the same picture every year."""
    from ona.report.html_map import map_data

    roster = ona.read_roster(data_dir / "analyze" / "roster.csv")
    graph = ona.build_graph(roster, ona.read_ties(data_dir / "analyze" / "ties.csv", roster))
    m = ona.measure(graph)
    first = map_data(graph, m, seed=7)
    again = map_data(ona.build_graph(roster, ona.read_ties(data_dir / "analyze" / "ties.csv", roster)), m, seed=7)
    assert json.dumps(first, sort_keys=True) == json.dumps(again, sort_keys=True)
    other = map_data(graph, m, seed=8)
    assert [n["x"] for n in other["nodes"]] != [n["x"] for n in first["nodes"]]
    # unit B, second in sorted order, gets the palette's second colour (vermilion, 3.9:1 against white)
    assert {n["id"]: (n["group"], n["color"]) for n in first["nodes"]}["b1"] == ("B", "#D55E00")
    assert math.isclose(sum(e["value"] for e in first["edges"]), 13.0)


def test_the_terminal_counts_in_words(runner, tmp_path):
    """One row left out is "1 tie row", not "1 tie rows"; a map of one tie says "1 tie"."""
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name,department\na,Anna,X\nb,Bo,Y\n", encoding="utf-8")
    ties = tmp_path / "ties.csv"
    ties.write_text("Source,Target\na,b\na,a\n", encoding="utf-8")
    res = runner.invoke(cli, ["analyze", "--roster", str(roster), "--ties", str(ties), "--out", str(tmp_path / "r"),
                              "--permutations", "0"])
    assert res.exit_code == 0, res.output
    assert "Note: 1 tie row left out (self-tie)" in res.stderr
    res = runner.invoke(cli, ["map", "--roster", str(roster), "--ties", str(ties), "--out", str(tmp_path / "m.html")])
    assert res.exit_code == 0, res.output
    assert res.stdout.strip().endswith("(2 people, 1 tie).")


def test_a_quoted_pattern_of_email_exports_is_expanded_and_pair_rules_are_counted_as_pairs(runner, tmp_path):
    """The README's example: `--email "mail-2025-*.csv"` reads every month; the pairs left out by
    --min-messages are counted as pairs, not as recipient rows."""
    import shutil

    from conftest import DATA

    source = DATA / "email_handmade"
    for month in ("01", "02"):
        shutil.copy(source / "message_log.csv", tmp_path / f"mail-2025-{month}.csv")
    res = runner.invoke(cli, ["analyze", "--roster", str(source / "roster.csv"), "--email",
                              str(tmp_path / "mail-2025-*.csv"), "--min-messages", "3", "--out", str(tmp_path / "r"),
                              "--permutations", "0"])
    assert res.exit_code == 0, res.output
    assert "sender -> recipient pairs left out (fewer than 3 messages)" in res.stderr
    assert "email recipient rows left out (fewer than" not in res.stderr
    assert json.loads((tmp_path / "r" / "metrics.json").read_text("utf-8"))["summary"]["ties"] >= 1
    res = runner.invoke(cli, ["analyze", "--roster", str(source / "roster.csv"), "--email",
                              str(tmp_path / "mail-2024-*.csv"), "--out", str(tmp_path / "r2")])
    assert res.exit_code == 2 and "no file matches" in res.output and not (tmp_path / "r2").exists()


def test_an_email_report_states_the_rules_it_used(runner, tmp_path):
    """metrics.json says what a tie weighs and every email setting, patterns counted, not repeated."""
    from conftest import DATA

    source = DATA / "email_handmade"
    res = runner.invoke(cli, ["analyze", "--roster", str(source / "roster.csv"), "--email",
                              str(source / "message_log.csv"), "--weight", "split", "--cc-weight", "0.5",
                              "--exclude", "^all-staff@", "--since", "2020-01-01", "--out", str(tmp_path / "r"),
                              "--permutations", "0"])
    assert res.exit_code == 0, res.output
    parameters = json.loads((tmp_path / "r" / "metrics.json").read_text("utf-8"))["parameters"]
    assert parameters["weight"] == "messages: each adds 1 split over its recipients, a Cc recipient 0.5"
    rules = parameters["email_rules"]
    assert (rules["weight"], rules["cc_weight"], rules["since"], rules["exclude"]) == ("split", 0.5, "2020-01-01",
                                                                                       "1 pattern")
    assert "all-staff" not in (tmp_path / "r" / "metrics.json").read_text("utf-8")


def test_a_co_work_list_of_one_row_per_pair_is_said_to_look_undirected(runner, tmp_path):
    """Lazega's law firm: the co-work relation is undirected, exported as one row per pair with the
    lower id first (378 pairs). Read as reported, each is a one-way tie (reciprocity 0, brokerage of
    a one-way network), silently. ona now warns and names --tie-rule union; the directed advice
    relation (892 ties, many both ways) gets no such warning, nor does co-work read with union."""
    from conftest import DATA

    law = DATA / "lazega"  # (../shared/data/lazega-lawfirm, as copied into the tests)
    said = ("Warning: edges_cowork.csv: each of its 378 ties is listed once, every one with its first person's id "
            "before the second's, and no pair both ways: the ties look undirected (one row per pair, as co-work lists "
            "are written), but are read as one-way ties; if the question asks who works together, pass --tie-rule "
            "union (tie_rule='union' in Python) to count each both ways [one-row-per-pair]")
    for command in (["analyze", "--out", str(tmp_path / "report"), "--permutations", "0"], ["validate"]):
        for relation, rule, warned in (("cowork", "reported", True), ("advice", "reported", False),
                                       ("cowork", "union", False)):
            result = runner.invoke(cli, [*command, "--roster", str(law / "nodes.csv"), "--ties",
                                         str(law / f"edges_{relation}.csv"), "--tie-rule", rule])
            assert result.exit_code == 0, result.output
            assert (said in result.stderr.splitlines() + result.stdout.splitlines()) is warned, (command, relation)


@pytest.mark.parametrize("ties, warned", [
    ([[f"p{i:02d}", f"p{i + 1:02d}"] for i in range(20)], True),   # 20 pairs, lower id first
    ([[f"p{i + 1:02d}", f"p{i:02d}"] for i in range(20)], True),   # 20 pairs, higher id first
    ([[f"p{i:02d}", f"p{i + 1:02d}"] for i in range(19)], False),  # too few to tell
    ([[f"p{i:02d}", f"p{i + 1:02d}"] for i in range(19)] + [["p20", "p19"]], False),  # mixed order
    ([[f"p{i:02d}", f"p{i + 1:02d}"] for i in range(20)] + [["p01", "p00"]], False)])  # a pair both ways
def test_only_a_list_of_one_order_and_no_pair_both_ways_looks_undirected(tmp_path, ties, warned):
    """A chain p00-p01-...-p20 of 21 people: the rule, case by case, through the library."""
    from conftest import write_csv

    from ona.pipeline import analyze

    roster = ona.read_roster(write_csv(tmp_path / "roster.csv", [["id", "Department"],
                                                                 *[[f"p{i:02d}", "AB"[i % 2]] for i in range(21)]]))
    read = ona.read_ties(write_csv(tmp_path / "ties.csv", [["Source", "Target"], *ties]), roster)
    done = analyze(roster, read, permutations=0)
    assert ["one-row-per-pair" == w.code for w in done.ties.warnings].count(True) == int(warned)
    union = analyze(roster, read, permutations=0, tie_rule="union")
    assert not any(w.code == "one-row-per-pair" for w in union.ties.warnings)
