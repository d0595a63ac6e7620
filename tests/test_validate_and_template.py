"""`ona validate` checks inputs without analysing them; `ona template` writes next year's survey."""

from __future__ import annotations

import json

from openpyxl import load_workbook

import ona
from ona.cli import cli

from conftest import DATA, write_xlsx

ROSTER = DATA / "analyze" / "roster.csv"


def test_validate_lists_every_problem_of_every_file_and_exits_1(runner):
    res = runner.invoke(cli, ["validate", "--roster", str(ROSTER),
                              "--ties", str(DATA / "analyze" / "ties_unknown_person.csv"),
                              "--ties", str(DATA / "ingest" / "matrix_bad_cell.csv"),
                              "--ties", str(DATA / "analyze" / "ties.csv")])
    assert res.exit_code == 1
    assert res.stdout.splitlines() == [
        "Error: ties_unknown_person.csv, row 3, column 'Colleague ID': names no one in the roster (matched by id, "
        "email and name); add the person to the roster, fix the spelling, or pass --drop-unknown "
        "(drop_unknown=True in Python) [unknown-person]",
        "Error: matrix_bad_cell.csv, row 2, column 'C': the weight is not a number; write a number such as 1-5 "
        "[bad-weight]",
        "Read: roster.csv: 5 people, 2 units by Department",
        "Read: ties.csv: an edge list, 6 ties from 5 respondents, weighted by Frequency",
        "2 errors, 0 warnings in roster.csv, ties_unknown_person.csv, matrix_bad_cell.csv, ties.csv",
    ]


def test_validate_exits_0_with_only_warnings_and_speaks_json(runner, tmp_path):
    """A self-tie and a duplicate are left out with a warning; the data is still usable."""
    ties = write_xlsx(tmp_path / "t.xlsx", [["From", "To"], ["a1", "a1"], ["a1", "a2"], ["a1", "a2"]])
    res = runner.invoke(cli, ["validate", "--roster", str(ROSTER), "--ties", str(ties), "--json"])
    assert res.exit_code == 0
    report = json.loads(res.stdout)
    assert (report["valid"], report["errors"], report["warnings"]) == (True, 0, 2)
    assert [p["code"] for p in report["problems"]] == ["dropped-self-tie", "dropped-duplicate"]


def test_validate_checks_the_roster_first(runner):
    res = runner.invoke(cli, ["validate", "--roster", str(DATA / "analyze" / "roster_duplicate_id.csv"),
                              "--ties", str(DATA / "analyze" / "ties.csv")])
    assert res.exit_code == 1
    assert res.stdout.splitlines()[-2:] == [
        "Warning: ties.csv: not checked: fix the roster first, then validate again [not-checked]",
        "1 error, 1 warning in roster_duplicate_id.csv, ties.csv"]


def test_a_filled_in_template_is_analysed_with_no_options(runner, tmp_path):
    """Write the survey for the example municipality, fill in three answers as respondents would
    (picking from the drop-down list), and analyse it: exactly those three ties."""
    from conftest import ROOT

    roster_path = ROOT / "examples" / "municipality" / "roster.xlsx"
    survey = tmp_path / "survey.xlsx"
    res = runner.invoke(cli, ["template", "--roster", str(roster_path), "--out", str(survey)])
    assert res.exit_code == 0, res.output
    wb = load_workbook(survey)
    assert wb.sheetnames == ["Instructions", "Responses", "People"]
    responses = wb["Responses"]
    people = [c.value for c in wb["People"]["A"]][1:]
    assert len(people) == 461
    validations = {str(dv.sqref): (dv.type, dv.formula1) for dv in responses.data_validations.dataValidation}
    assert validations["A2:B2000"] == ("list", "=People!$A$2:$A$462")
    assert validations["C2:C2000"][0] == "whole"
    for row, (who, whom, freq) in enumerate([(people[0], people[1], 5), (people[0], people[40], 2),
                                             (people[100], people[0], 3)], start=2):
        responses.cell(row=row, column=1, value=who)
        responses.cell(row=row, column=2, value=whom)
        responses.cell(row=row, column=3, value=freq)
    wb.save(survey)
    roster = ona.read_roster(roster_path)
    ties = ona.read_ties(survey, roster)
    ids = list(roster.ids)
    assert {(s, t, w) for s, t, w in ties.ties[["source", "target", "weight"]].itertuples(index=False)} == {
        (ids[0], ids[1], 5.0), (ids[0], ids[40], 2.0), (ids[100], ids[0], 3.0)}
    out = runner.invoke(cli, ["analyze", "--roster", str(roster_path), "--ties", str(survey), "--out",
                              str(tmp_path / "report"), "--permutations", "0"])
    assert out.exit_code == 0, out.output
    assert "Ties:                3" in out.stdout


def test_template_with_several_questions_gives_layers(tmp_path):
    roster = ona.read_roster(ROSTER)
    path = ona.ingest.write_survey_template(roster, tmp_path / "s.xlsx", questions=["Work with?", "Advice from?"])
    wb = load_workbook(path)
    ws = wb["Responses"]
    for row, values in enumerate([("Åse Ødegård", "Björn Lindström", 4, "Work with?"),
                                  ("Åse Ødegård", "Björn Lindström", 2, "Advice from?")], start=2):
        for col, value in enumerate(values, start=1):
            ws.cell(row=row, column=col, value=value)
    wb.save(path)
    ties = ona.read_ties(path, roster)
    assert ties.layers == ("Advice from?", "Work with?")
    assert ties.ties[["source", "target", "weight"]].values.tolist() == [["a1", "a2", 6.0]]


def test_duplicate_names_are_offered_with_their_email_and_read_back_to_the_right_person(tmp_path):
    """Two Mette Hansens: the list offers "Mette Hansen <email>" for each, and reading it back
    finds the right one (a bare "Mette Hansen" would be ambiguous)."""
    from ona.ingest.template import person_choices
    from ona.ingest.ties import PersonMatcher

    roster = ona.read_roster(write_xlsx(tmp_path / "r.xlsx", [
        ["ID", "Name", "Email", "Unit"], ["1", "Mette Hansen", "mh1@x.example", "A"],
        ["2", "Mette Hansen", "mh2@x.example", "B"], ["3", "Bo Ek", "", "A"]]))
    choices = person_choices(roster)
    assert choices == ["Mette Hansen <mh1@x.example>", "Mette Hansen <mh2@x.example>", "Bo Ek"]
    assert [PersonMatcher(roster).match(c) for c in choices] == ["1", "2", "3"]


def test_validate_checks_the_layer_and_the_unit_column_as_analyze_does(runner, tmp_path):
    """An analyst checks the options of next week's run: a layer the file does not have and a
    column the roster does not have are errors in validate, as they are in analyze."""
    ties = tmp_path / "ties.csv"
    ties.write_text("Source,Target,Question\na1,a2,advice\na2,b1,advice\n", encoding="utf-8")
    res = runner.invoke(cli, ["validate", "--roster", str(ROSTER), "--ties", str(ties), "--layer", "trust",
                              "--by", "Building"])
    assert res.exit_code == 1
    codes = [line.rsplit("[", 1)[1].rstrip("]") for line in res.stdout.splitlines() if line.startswith("Error:")]
    assert codes == ["unknown-unit-column", "unknown-layer"]
    assert "has no layer 'trust'; its layers are: 'advice'" in res.stdout
    res = runner.invoke(cli, ["validate", "--roster", str(ROSTER), "--ties", str(ties), "--layer", "advice"])
    assert res.exit_code == 0, res.output


def test_two_answer_files_of_the_same_name_are_two_layers(runner, tmp_path):
    """Two survey rounds exported as q1/answers.csv and q2/answers.csv are two questions: summed
    with --combine sum, not merged into one layer that keeps the larger weight."""
    for folder, weight in (("q1", 3), ("q2", 4)):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "answers.csv").write_text(f"Source,Target,Weight\na1,a2,{weight}\n", encoding="utf-8")
    roster = ona.read_roster(ROSTER)
    ties = ona.read_ties([tmp_path / "q1" / "answers.csv", tmp_path / "q2" / "answers.csv"], roster, combine="sum")
    assert ties.layers == ("q1/answers", "q2/answers")
    assert ties.ties[["source", "target", "weight"]].values.tolist() == [["a1", "a2", 7.0]]
    assert ona.read_ties([tmp_path / "q1" / "answers.csv", tmp_path / "q2" / "answers.csv"], roster,
                         layer="q2/answers").ties["weight"].tolist() == [4.0]


def test_the_same_tie_file_given_twice_is_an_error(runner, tmp_path):
    ties = tmp_path / "ties.csv"
    ties.write_text("Source,Target\na1,a2\n", encoding="utf-8")
    for command in ("validate", "analyze"):
        res = runner.invoke(cli, [command, "--roster", str(ROSTER), "--ties", str(ties), "--ties",
                                  str(tmp_path / "." / "ties.csv"), "--out", str(tmp_path / "out")][
                                      : None if command == "analyze" else -2])
        assert res.exit_code == (1 if command == "validate" else 2), res.output
        assert "ties.csv: is given twice; give each tie file once [repeated-file]" in res.output
    assert not (tmp_path / "out").exists()


def test_the_survey_template_refuses_a_name_that_is_not_a_workbook(runner, tmp_path):
    res = runner.invoke(cli, ["template", "--roster", str(ROSTER), "--out", str(tmp_path / "survey.csv")])
    assert res.exit_code == 2
    assert "the survey is an Excel workbook: name it .xlsx" in res.output
    assert not (tmp_path / "survey.csv").exists()


def test_the_survey_offers_a_name_written_two_ways_as_two_choices_that_read_back(tmp_path):
    """The HR export has "Hansen, Mette" and, for another person, "Mette Hansen": the same name to
    the matcher, so the drop-down offers each with their email, and each choice reads back to them."""
    from ona.ingest.template import person_choices
    from ona.ingest.ties import PersonMatcher

    roster_path = tmp_path / "roster.csv"
    roster_path.write_text("id,name,email,department\n1,\"Hansen, Mette\",mh1@k.dk,A\n2,Mette Hansen,mh2@k.dk,B\n"
                           "3,Per Berg,pb@k.dk,A\n", encoding="utf-8")
    roster = ona.read_roster(roster_path)
    choices = person_choices(roster)
    assert choices == ["Hansen, Mette <mh1@k.dk>", "Mette Hansen <mh2@k.dk>", "Per Berg"]
    matcher = PersonMatcher(roster)
    assert [matcher.match(c) for c in choices] == ["1", "2", "3"]


def test_the_header_row_can_be_named_for_the_roster_and_the_ties(runner, tmp_path):
    """Both files have a title row above the header, which ona finds by itself; naming the header
    row overrides that, for validate as for analyze: naming the title row makes it the header."""
    roster = tmp_path / "roster.csv"
    roster.write_text("Medarbejdere 2025\nid,name,department\na,Anna,X\nb,Bo,Y\n", encoding="utf-8")
    ties = tmp_path / "ties.csv"
    ties.write_text("Samarbejde 2025\nSource,Target\na,b\n", encoding="utf-8")
    base = ["validate", "--roster", str(roster), "--ties", str(ties)]
    assert runner.invoke(cli, base).exit_code == 0
    res = runner.invoke(cli, [*base, "--roster-header-row", "2", "--ties-header-row", "2"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(cli, [*base, "--roster-header-row", "1"])
    assert res.exit_code == 1 and "roster.csv, row 1: has no id column" in res.stdout
    res = runner.invoke(cli, [*base, "--ties-header-row", "1"])  # the title is now the one column's header
    assert res.exit_code == 1 and "ties.csv, row 2, column 'Samarbejde 2025': names no one" in res.stdout
    res = runner.invoke(cli, ["analyze", "--roster", str(roster), "--ties", str(ties), "--ties-header-row", "1",
                              "--out", str(tmp_path / "out")])
    assert res.exit_code == 2 and "ties.csv, row 2, column 'Samarbejde 2025'" in res.output
    assert not (tmp_path / "out").exists()
