"""Every who-works-with-whom sheet an analyst really has: shapes, layers, encodings, people matching."""

from __future__ import annotations

import json

import pytest

import ona
from ona.cli import cli

from conftest import DATA, write_workbook, write_xlsx

ROSTER = DATA / "analyze" / "roster.csv"
INGEST = DATA / "ingest"


@pytest.fixture(scope="module")
def roster():
    return ona.read_roster(ROSTER)


def pairs(ties) -> set[tuple[str, str, float]]:
    return {(s, t, w) for s, t, w in ties.ties[["source", "target", "weight"]].itertuples(index=False)}


HAND_NETWORK = {("a1", "a2", 3.0), ("a2", "a1", 1.0), ("a1", "b1", 2.0), ("a3", "a1", 1.0), ("b1", "b2", 5.0),
                ("b2", "a2", 1.0)}


@pytest.mark.parametrize("file,shape,expected", [
    ("matrix_square.csv", "matrix", HAND_NETWORK),
    ("matrix_respondents_by_roster.xlsx", "matrix", {("a1", "a2", 3.0), ("a1", "b1", 2.0), ("b2", "a2", 1.0)}),
    ("wide_columns.xlsx", "wide", {("a1", "a2", 3.0), ("a1", "b1", 2.0), ("a2", "a1", 1.0), ("b1", "b2", 5.0)}),
    ("wide_list_cell_semicolon.csv", "wide", {("a1", "a2", 1.0), ("a1", "b1", 1.0), ("a2", "a1", 1.0)}),
    ("gephi.csv", "edges", {("a1", "a2", 3.0), ("b1", "b2", 5.0)}),
    ("kumu.csv", "edges", {("a1", "a2", 1.0), ("b2", "a2", 1.0)}),
])
def test_each_shape_is_detected_and_read_exactly(roster, file, shape, expected):
    ties = ona.read_ties(INGEST / file, roster)
    assert ties.shape == shape
    assert pairs(ties) == expected


def test_the_hand_network_is_the_same_from_edges_and_from_its_matrix(roster):
    assert pairs(ona.read_ties(INGEST / "matrix_square.csv", roster)) == pairs(
        ona.read_ties(DATA / "analyze" / "ties.csv", roster))


def test_krackhardt_from_matrix_and_edge_list_gives_the_same_network():
    """The data set ships both forms of the advice relation (190 ties)."""
    k = ona.read_roster(DATA / "krackhardt" / "nodes.csv")
    from_matrix = ona.read_ties(DATA / "krackhardt" / "matrix_advice.csv", k)
    from_edges = ona.read_ties(DATA / "krackhardt" / "edges_advice.csv", k)
    assert from_matrix.shape == "matrix" and len(from_matrix) == 190
    assert pairs(from_matrix) == pairs(from_edges)


def test_wide_sheets_record_who_answered_even_without_colleagues(roster):
    """a3 answered the survey but named nobody: counted as a respondent, with no tie."""
    ties = ona.read_ties(INGEST / "wide_columns.xlsx", roster)
    assert set(ties.respondents) == {"a1", "a2", "b1", "a3"}
    m = ona.measure(ona.build_graph(roster, ties), permutations=0)
    assert m.summary["response_rate"] == pytest.approx(4 / 5)
    assert m.units.loc["A", "response_rate"] == pytest.approx(1.0)
    assert m.units.loc["B", "response_rate"] == pytest.approx(0.5)


@pytest.mark.parametrize("layer,combine,expected", [
    ("advice", "sum", {("a1", "a2", 3.0), ("a1", "b1", 1.0)}),
    (None, "sum", {("a1", "a2", 5.0), ("a1", "b1", 1.0), ("b1", "a1", 4.0)}),
    (None, "max", {("a1", "a2", 3.0), ("a1", "b1", 1.0), ("b1", "a1", 4.0)}),
    (None, "any", {("a1", "a2", 1.0), ("a1", "b1", 1.0), ("b1", "a1", 1.0)}),
])
def test_layers_are_kept_apart_or_combined(roster, layer, combine, expected):
    ties = ona.read_ties(INGEST / "layers.csv", roster, layer=layer, combine=combine)
    assert ties.layers == ((layer,) if layer else ("advice", "friendship"))
    assert pairs(ties) == expected


def test_a_question_whose_every_answer_is_dropped_is_still_a_layer(roster, tmp_path):
    """The advice question got only a tie to oneself and a weight of 0: it was asked all the same,
    so it can be picked (no ties) and it counts when the layers are combined."""
    path = tmp_path / "ties.csv"
    path.write_text("source,target,weight,question\na1,a1,3,advice\na1,a2,0,advice\n"
                    "a1,a2,2,friendship\nb1,a1,4,friendship\n", encoding="utf-8")
    advice = ona.read_ties(path, roster, layer="advice")
    assert advice.layers == ("advice",) and pairs(advice) == set()
    assert advice.dropped == {"self-tie": 1, "zero-weight": 1}
    both = ona.read_ties(path, roster, combine="any")
    assert both.layers == ("advice", "friendship") and both.combine == "any"
    assert pairs(both) == {("a1", "a2", 1.0), ("b1", "a1", 1.0)}


def test_asking_a_file_without_layers_for_one_says_it_has_none(roster):
    with pytest.raises(ona.InputError) as caught:
        ona.read_ties(DATA / "analyze" / "ties.csv", roster, layer="advice")
    assert str(caught.value).endswith("has no layer 'advice'; it has no layer column (give a layer column, "
                                      "or one file per question) [unknown-layer]")


def test_one_file_per_question_is_one_layer_each(roster, tmp_path):
    advice = write_xlsx(tmp_path / "advice.xlsx", [["From", "To"], ["a1", "a2"]])
    friends = write_xlsx(tmp_path / "friendship.xlsx", [["From", "To"], ["a1", "a2"], ["b1", "b2"]])
    ties = ona.read_ties([advice, friends], roster)
    assert ties.layers == ("advice", "friendship")
    assert pairs(ties) == {("a1", "a2", 2.0), ("b1", "b2", 1.0)}
    assert pairs(ona.read_ties([advice, friends], roster, layer="friendship")) == {("a1", "a2", 1.0), ("b1", "b2", 1.0)}


@pytest.mark.parametrize("rule,expected", [
    ("reported", HAND_NETWORK),
    ("reciprocated", {("a1", "a2", 3.0), ("a2", "a1", 1.0)}),
    ("union", (HAND_NETWORK - {("a2", "a1", 1.0)}) | {("a2", "a1", 3.0), ("b1", "a1", 2.0), ("a1", "a3", 1.0),
                                                      ("b2", "b1", 5.0), ("a2", "b2", 1.0)}),
])
def test_tie_rules_for_missing_responses(roster, rule, expected):
    """reciprocated keeps only a1<->a2; union adds every reverse tie with the larger weight."""
    graph = ona.build_graph(roster, ona.read_ties(DATA / "analyze" / "ties.csv", roster), tie_rule=rule)
    ids = list(graph.ids)
    assert {(ids[s], ids[t], w) for s, t, w in zip(graph.source, graph.target, graph.weight)} == expected


@pytest.mark.parametrize("file,people", [
    ("roster_title_rows.xlsx", {"a1": "A", "b1": "B"}),
    ("roster_cp1252_semicolon.csv", {"a1": "Børn", "b1": "Teknik"}),
    ("roster_utf16_tab.txt", {"a1": "A", "b1": "B"}),
    ("roster_utf8_bom.csv", {"a1": "NA", "b1": "B"}),
])
def test_rosters_as_exported(file, people):
    """Title rows above the header and a notes sheet first; Windows-1252 with semicolons (Danish
    Excel); UTF-16 with tabs; UTF-8 with a BOM and a unit literally named NA (not missing)."""
    r = ona.read_roster(INGEST / file)
    assert r.people[r.default_unit_column].to_dict() == people
    assert r.people[r.name_column].tolist() == ["Åse Ødegård", "Søren Æbelø"]


def test_roster_header_row_is_reported_as_the_spreadsheet_row():
    r = ona.read_roster(INGEST / "roster_title_rows.xlsx")
    assert r.sheet == "Staff list 2025" and r.rows == (5, 6)


# Defects: the exact location of the error. A person's column of a matrix is named by its letter:
# its header is a person's name or id, which no message repeats.
DEFECTS = [
    ("matrix_unknown_person.csv", [("matrix_unknown_person.csv", 1, "D", "unknown-person")]),
    ("matrix_bad_cell.csv", [("matrix_bad_cell.csv", 2, "C", "bad-weight")]),
]


@pytest.mark.parametrize("file,expected", DEFECTS, ids=[d[0] for d in DEFECTS])
def test_matrix_defects_name_the_cell(roster, file, expected):
    with pytest.raises(ona.InputError) as err:
        ona.read_ties(INGEST / file, roster)
    got = [(p.path.split("/")[-1], p.row, p.column, p.code) for p in err.value.problems]
    assert got == expected


def test_an_ambiguous_name_lists_the_candidate_rows(tmp_path):
    r = ona.read_roster(write_xlsx(tmp_path / "r.xlsx", [["ID", "Name", "Unit"], ["1", "Mette Hansen", "A"],
                                                          ["2", "Mette Hansen", "B"], ["3", "Bo Ek", "A"]]))
    with pytest.raises(ona.InputError) as err:
        ona.read_ties(write_xlsx(tmp_path / "t.xlsx", [["From", "To"], ["Bo Ek", "Hansen, Mette"]]), r)
    (problem,) = err.value.problems
    assert (problem.code, problem.row, problem.column) == ("ambiguous-person", 2, "To")
    assert "roster rows 2, 3" in problem.message and "Mette" not in problem.message


def test_drop_unknown_counts_what_it_dropped(roster, tmp_path):
    ties = ona.read_ties(write_xlsx(tmp_path / "t.xlsx", [["From", "To"], ["a1", "a2"], ["a1", "ghost"]]), roster,
                         drop_unknown=True)
    assert pairs(ties) == {("a1", "a2", 1.0)} and ties.dropped == {"unknown-person": 1}


def test_cli_reads_a_matrix_and_a_layer_and_states_the_rules(runner, tmp_path):
    res = runner.invoke(cli, ["analyze", "--roster", str(ROSTER), "--ties", str(INGEST / "layers.csv"),
                              "--layer", "advice", "--tie-rule", "union", "--by", "Directorate",
                              "--out", str(tmp_path), "--permutations", "0"])
    assert res.exit_code == 0, res.output
    data = json.loads((tmp_path / "metrics.json").read_text())
    assert data["parameters"]["tie_rule"] == "union" and data["parameters"]["layers"] == "advice"
    assert data["parameters"]["unit_column"] == "Directorate" and data["summary"]["ties"] == 4


@pytest.mark.parametrize("data_set, relation, ties", [
    ("krackhardt", "advice", 190), ("krackhardt", "friendship", 102), ("krackhardt", "reports_to", 20),
    ("lazega", "advice", 892), ("lazega", "friendship", 575)])
def test_every_shared_directed_relation_is_the_same_network_from_matrix_and_edge_list(data_set, relation, ties):
    """Published tie counts: Krackhardt (1987) 190/102/20, Lazega (2001) 892/575 (see the READMEs)."""
    roster = ona.read_roster(DATA / data_set / "nodes.csv")
    from_matrix = ona.read_ties(DATA / data_set / f"matrix_{relation}.csv", roster)
    from_edges = ona.read_ties(DATA / data_set / f"edges_{relation}.csv", roster)
    assert (from_matrix.shape, from_edges.shape) == ("matrix", "edges")
    assert pairs(from_matrix) == pairs(from_edges) and len(from_matrix) == ties


def test_lazega_cowork_undirected_edge_list_is_the_symmetric_matrix():
    """Co-work is undirected: 378 pairs listed once in the edge list, 756 cells of the symmetric
    matrix (Lazega 2001; counts in ../shared/data/lazega-lawfirm/README.md)."""
    roster = ona.read_roster(DATA / "lazega" / "nodes.csv")
    matrix = ona.read_ties(DATA / "lazega" / "matrix_cowork.csv", roster).ties
    edges = ona.read_ties(DATA / "lazega" / "edges_cowork.csv", roster).ties
    assert len(matrix) == 756 and len(edges) == 378
    assert {frozenset(p) for p in zip(matrix.source, matrix.target)} == \
        {frozenset(p) for p in zip(edges.source, edges.target)}
    union = ona.build_graph(roster, ona.read_ties(DATA / "lazega" / "edges_cowork.csv", roster), tie_rule="union")
    assert len(union.source) == 756


def test_who_answered_does_not_depend_on_the_shape_of_the_file(roster, tmp_path):
    """a2 answered "0 (never)" for every colleague and b1 named only themself: both answered the
    survey. The same answers as an edge list and as a matrix give the same respondents and the
    same response rate."""
    edges = tmp_path / "edges.csv"
    edges.write_text("Source,Target,Weight\na1,a2,3\na2,a1,0\na2,b1,0\nb1,b1,2\n", encoding="utf-8")
    matrix = tmp_path / "matrix.csv"
    matrix.write_text(",a1,a2,b1\na1,0,3,0\na2,0,0,0\nb1,0,0,2\n", encoding="utf-8")
    from_edges, from_matrix = ona.read_ties(edges, roster), ona.read_ties(matrix, roster)
    assert from_edges.respondents == from_matrix.respondents == ("a1", "a2", "b1")
    assert pairs(from_edges) == pairs(from_matrix) == {("a1", "a2", 3.0)}
    rates = [ona.measure(ona.build_graph(roster, t), permutations=0).summary["response_rate"]
             for t in (from_edges, from_matrix)]
    assert rates == [pytest.approx(3 / 5)] * 2


def test_a_workbook_with_one_sheet_per_question_is_read_as_layers(roster, tmp_path, runner):
    """The analyst collected two questions in one workbook, a sheet each with the same columns, and
    kept notes on a third sheet: the two question sheets are two layers named after them, summed by
    default, one at a time with --layer; naming a sheet reads only it."""
    from openpyxl import Workbook

    wb = Workbook()
    sheets = {"Samarbejde": [["Source", "Target", "Weight"], ["a1", "a2", 3], ["a2", "b1", 1]],
              "Sparring": [["Source", "Target", "Weight"], ["a1", "a2", 2], ["b2", "a1", 4]],
              "Noter": [["Dato", "Note"], ["2025-03-01", "sendt ud"]]}
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    path = tmp_path / "svar.xlsx"
    wb.save(path)
    ties = ona.read_ties(path, roster)
    assert ties.layers == ("Samarbejde", "Sparring") and ties.combine == "sum"
    assert pairs(ties) == {("a1", "a2", 5.0), ("a2", "b1", 1.0), ("b2", "a1", 4.0)}
    assert [w.code for w in ties.warnings] == ["sheets-as-layers"]
    assert pairs(ona.read_ties(path, roster, layer="Sparring")) == {("a1", "a2", 2.0), ("b2", "a1", 4.0)}
    assert pairs(ona.read_ties(path, roster, sheet="Sparring")) == {("a1", "a2", 2.0), ("b2", "a1", 4.0)}
    res = runner.invoke(cli, ["validate", "--roster", str(ROSTER), "--ties", str(path), "--layer", "Trust"])
    assert res.exit_code == 1
    assert "has no layer 'Trust'; its layers are: 'Samarbejde', 'Sparring' [unknown-layer]" in res.stdout


def test_a_workbook_with_one_sheet_per_respondent_is_read_as_their_answers(roster, tmp_path, runner):
    """Each respondent's answers on a sheet named after them, by name, id or email, listing the
    colleagues and how often, with no respondent column; one sheet has its own Respondent column,
    one was never filled in, and the first tab holds the instructions. Each sheet is its person's
    ties, all one layer (not a layer per person), where a pair given on two sheets keeps its largest
    weight, as within a sheet; the unfilled sheet's person did not answer."""
    path = write_workbook(tmp_path / "svar.xlsx", {
        "Vejledning": [["Skriv en kollega per række"]],
        "Åse Ødegård": [["Colleague", "Frequency"], ["Björn Lindström", 3], ["b1", 2]],
        "a2": [["Colleague", "Frequency"], ["Åse Ødegård", 1]],
        "anna.oberg@kommune.example": [["Kollega", "Hvor ofte"], ["a2", 4]],
        "Søren Æbelø": [["Respondent", "Colleague", "Frequency"], ["b1", "a3", 2], ["a1", "a2", 5]],
        "Mette Kjær": [["Colleague", "Frequency"]]})
    ties = ona.read_ties(path, roster)
    assert pairs(ties) == {("a1", "a2", 5.0), ("a1", "b1", 2.0), ("a2", "a1", 1.0), ("b2", "a2", 4.0),
                           ("b1", "a3", 2.0)}
    assert ties.dropped == {"duplicate": 1}
    assert ties.layers == ("",) and set(ties.ties["layer"]) == {""}
    assert set(ties.respondents) == {"a1", "a2", "b2", "b1"}  # (not a3, whose sheet is blank below its header)
    assert ties.sheet is None
    assert [(w.code, w.sheet, w.sheet_number) for w in ties.warnings] == [
        ("sheets-as-respondents", None, None), ("sheet-not-read", None, 1), ("unanswered-sheets", None, None)]
    assert "sheet 6 from the left holds a header but no answers" in str(ties.warnings[2])
    res = runner.invoke(cli, ["validate", "--roster", str(ROSTER), "--ties", str(path)])
    assert res.exit_code == 0, res.output
    assert "Read: svar.xlsx: an edge list, 5 ties from 4 respondents, weighted by Frequency" in res.stdout
    for name in ("Åse", "Ødegård", "Mette", "Søren", "anna.oberg"):
        assert name not in res.output


def test_the_problems_of_a_sheet_per_respondent_workbook_name_sheets_by_position(roster, tmp_path, runner):
    """A respondent's sheet whose name is misspelt, a second sheet for the same person, and a
    colleague no one in the roster: each problem names the sheet by its tab's position, never by its
    name (a person's); --json gives the position as sheet_number. A hidden sheet is no tab."""
    from openpyxl import load_workbook

    path = write_workbook(tmp_path / "svar.xlsx", {
        "Åse Ødegård": [["Colleague", "Frequency"], ["a2", 3], ["Björn Lindqvist", 2]],
        "Skjult": [["Colleague", "Frequency"], ["a1", 1]],
        "Björn Lindström": [["Colleague", "Frequency"], ["a1", 1]],
        "Mete Kjær": [["Colleague", "Frequency"], ["a1", 5]],
        "a1": [["Colleague", "Frequency"], ["b1", 1]]})
    wb = load_workbook(path)
    wb["Skjult"].sheet_state = "hidden"
    wb.save(path)
    with pytest.raises(ona.InputError) as caught:
        ona.read_ties(path, roster)
    assert [(p.code, p.sheet, p.sheet_number, p.row, p.column) for p in caught.value.problems] == [
        ("unknown-person", None, 1, 3, "Colleague"), ("unknown-respondent-sheet", None, 3, None, None),
        ("repeated-respondent-sheet", None, 4, None, None)]
    assert str(caught.value.problems[2]) == (
        "svar.xlsx, sheet 4 from the left: names the same person as sheet 1 from the left, so their answers would "
        "count twice: merge the two sheets or delete one [repeated-respondent-sheet]")
    res = runner.invoke(cli, ["validate", "--roster", str(ROSTER), "--ties", str(path), "--json"])
    assert res.exit_code == 1
    report = json.loads(res.stdout)
    assert [(p["code"], p["sheet"], p["sheet_number"]) for p in report["problems"]] == [
        ("unknown-person", None, 1), ("unknown-respondent-sheet", None, 3), ("repeated-respondent-sheet", None, 4)]
    for name in ("Ødegård", "Lindstr", "Kjær", "Skjult"):
        assert name not in res.output
    with pytest.raises(ona.InputError) as caught:  # (--drop-unknown leaves out the sheet of no one, not a repeat)
        ona.read_ties(path, roster, drop_unknown=True)
    assert [(p.code, p.severity, p.sheet_number) for p in caught.value.problems] == [
        ("repeated-respondent-sheet", "error", 4), ("sheet-not-read", "warning", 3)]


def test_respondents_sheets_without_a_header_row_are_read_from_their_first_row(roster, tmp_path):
    """The respondents typed their colleagues and how often from the first row, with no header:
    every row is an answer, a sheet of one row too, with a no-header-row warning per sheet; a sheet
    so typed under a misspelt name is a sheet of no one holding answers."""
    path = write_workbook(tmp_path / "svar.xlsx", {
        "Åse Ødegård": [["Björn Lindström", 3], ["b1", 2]],
        "a2": [["Åse Ødegård", 1]],
        "Anna Öberg": [["a2"]]})
    ties = ona.read_ties(path, roster)
    assert pairs(ties) == {("a1", "a2", 3.0), ("a1", "b1", 2.0), ("a2", "a1", 1.0), ("b2", "a2", 1.0)}
    assert set(ties.respondents) == {"a1", "a2", "b2"}
    assert [(w.code, w.sheet_number, w.row) for w in ties.warnings] == [
        ("sheets-as-respondents", None, None), ("no-header-row", 1, 1), ("no-header-row", 2, 1),
        ("no-header-row", 3, 1)]
    misspelt = write_workbook(tmp_path / "stavet.xlsx", {
        "Åse Ødegård": [["a2", 3]], "a2": [["a1", 1]], "Ana Öberg": [["a2", 4]]})
    with pytest.raises(ona.InputError) as caught:
        ona.read_ties(misspelt, roster)
    assert [(p.code, p.sheet_number) for p in caught.value.problems if p.severity == "error"] == [
        ("unknown-respondent-sheet", 3)]

def test_question_sheets_numbered_like_the_roster_ids_stay_layers(tmp_path):
    """Sheets "1" and "2" are questions, each with a Source column, in an organisation whose people
    are numbered 1, 2, 3: they stay two layers. Sheets "1", "2" and "3" without a respondent column
    are the answers of persons 1, 2 and 3."""
    roster = ona.read_roster(write_xlsx(tmp_path / "roster.xlsx", [["Id", "Department"], ["1", "A"], ["2", "A"],
                                                                   ["3", "B"]]))
    questions = write_workbook(tmp_path / "questions.xlsx", {
        "1": [["Source", "Target", "Weight"], ["1", "2", 3], ["3", "1", 1]],
        "2": [["Source", "Target", "Weight"], ["2", "3", 2]]})
    ties = ona.read_ties(questions, roster)
    assert ties.layers == ("1", "2")
    assert [w.code for w in ties.warnings] == ["sheets-as-layers"]
    answers = write_workbook(tmp_path / "answers.xlsx", {
        "1": [["Colleague", "Frequency"], ["2", 3]], "2": [["Colleague", "Frequency"], ["3", 2]],
        "3": [["Colleague", "Frequency"], ["1", 1]]})
    ties = ona.read_ties(answers, roster)
    assert pairs(ties) == {("1", "2", 3.0), ("2", "3", 2.0), ("3", "1", 1.0)} and ties.layers == ("",)


def test_a_workbook_of_many_respondents_sheets_is_opened_a_few_times_not_once_per_sheet(tmp_path, monkeypatch):
    """60 respondents, a sheet each, each naming the next person: 60 ties from 60 respondents; the
    workbook's zip is opened and checked a fixed number of times, not again for every sheet (a
    workbook of 400 such sheets took 20 s, most of it opening the file 400 times twice)."""
    import zipfile

    from ona.ingest import _office_xml, _tables

    people = [[f"e{i:03}", f"Person Number{i}", "A" if i < 30 else "B"] for i in range(60)]
    roster = ona.read_roster(write_xlsx(tmp_path / "roster.xlsx", [["Id", "Name", "Department"], *people]))
    path = write_workbook(tmp_path / "answers.xlsx", {
        name: [["Colleague", "Frequency"], [people[(i + 1) % 60][1], 2]] for i, (_, name, _) in enumerate(people)})
    opened = {"checked": 0, "zip": 0}
    check_zip, real_zip = _tables._check_zip, zipfile.ZipFile

    def counted_check(*args):
        opened["checked"] += 1
        return check_zip(*args)

    def counted_zip(*args, **kwargs):
        opened["zip"] += 1
        return real_zip(*args, **kwargs)

    monkeypatch.setattr(_tables, "_check_zip", counted_check)
    monkeypatch.setattr(_office_xml.zipfile, "ZipFile", counted_zip)
    ties = ona.read_ties(path, roster)
    assert len(ties) == 60 and len(ties.respondents) == 60
    assert pairs(ties) == {(f"e{i:03}", f"e{(i + 1) % 60:03}", 2.0) for i in range(60)}
    assert opened["checked"] <= 2 and opened["zip"] <= 10, opened

def test_a_sheet_named_for_a_csv_file_is_an_error(roster, tmp_path, runner):
    ties = tmp_path / "ties.csv"
    ties.write_text("Source,Target\na1,a2\n", encoding="utf-8")
    res = runner.invoke(cli, ["validate", "--roster", str(ROSTER), "--ties", str(ties), "--ties-sheet", "Svar"])
    assert res.exit_code == 1
    assert res.stdout.splitlines()[0] == ("Error: ties.csv: is a text file, which has no sheets; leave out "
                                          "--roster-sheet or --ties-sheet (sheet= in Python), which name a sheet of an "
                                          "Excel workbook [no-sheets]")


def test_an_error_about_a_header_row_that_is_a_record_repeats_no_one(roster, tmp_path):
    """A roster exported without its header row, and a matrix read as an edge list: the header row
    holds a person's id, name and address, or the names of the matrix. The error says what is
    wrong and repeats none of them."""
    headerless = tmp_path / "roster.csv"
    headerless.write_text("1001,Mette Hansen,mette.hansen@kommune.dk,Løn\n1002,Per Berg,per.berg@kommune.dk,IT\n",
                          encoding="utf-8")
    with pytest.raises(ona.InputError) as err:
        ona.read_roster(headerless)
    message = str(err.value)
    assert "its header row looks like a record or the names of a matrix: 2 of its 4 headers hold" in message
    assert not any(text in message for text in ("1001", "Mette", "mette.hansen", "Løn"))
    matrix = tmp_path / "matrix.csv"
    matrix.write_text(",Anna One,Bo Two\nAnna One,0,1\nBo Two,2,0\n", encoding="utf-8")
    people = tmp_path / "people.csv"
    people.write_text("id,name,department\na,Anna One,X\nb,Bo Two,Y\n", encoding="utf-8")
    with pytest.raises(ona.InputError) as err:
        ona.read_ties(matrix, ona.read_roster(people), ties_format="edges")
    assert "2 of its 3 headers hold" in str(err.value) and "Anna" not in str(err.value)
