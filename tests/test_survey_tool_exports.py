"""SurveyMonkey and Qualtrics export their responses with a header of two and three rows: the
analyst reads the file as it came from the tool, with no option and no editing of the header.

- SurveyMonkey ("All individual responses", expanded): row 1 holds the response's own columns
  (Respondent ID, Collector ID, times, IP address, the respondent's email and names) and each
  question over the first of its columns; row 2 holds what each column answers (a checkbox's
  option, a matrix's row: a colleague), blank under the response's columns, or "Response" /
  "Open-Ended Response" for a question answered in one column. A ticked checkbox holds its
  option's text; a matrix cell holds the answer chosen ("Weekly").
- Qualtrics (CSV, choice text): row 1 the column ids (StartDate ... ResponseId ... Q1_1), row 2 the
  labels ("Who do you work with? - Anna Berg"), row 3 the import ids ({"ImportId":"QID1_1"}).

Expected ties are worked out by hand from the rows written in each test: (layer, source, target,
weight), people by roster id."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import ona
from ona.cli import cli

from conftest import write_csv, write_xlsx

NAMES = {"1": "Mette Hansen", "2": "Per Jensen", "3": "Anna Berg", "4": "Lars Nielsen"}
EMAILS = {"1": "mh@k.dk", "2": "pj@k.dk", "3": "ab@k.dk", "4": "ln@k.dk"}
FREQUENCY = {"Daily": 5, "Weekly": 4, "Monthly": 3, "Never": 0}
MONKEY_META = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address",
               "First Name", "Last Name", "Custom Data 1"]


@pytest.fixture
def roster(tmp_path):
    return ona.read_roster(write_xlsx(tmp_path / "roster.xlsx", [
        ["ID", "Name", "Email", "Department"],
        *[[i, NAMES[i], EMAILS[i], "A" if i in "12" else "B"] for i in NAMES]]))


def ties_of(ties):
    return sorted(zip(ties.ties["layer"], ties.ties["source"], ties.ties["target"], ties.ties["weight"]))


def each_layer(path, roster, **options):
    """The ties of each question read alone (``read_ties(layer=...)``, ``--layer``)."""
    layers = ona.read_ties(path, roster, **options).layers
    return sorted(tie for layer in layers for tie in ties_of(ona.read_ties(path, roster, layer=layer, **options)))


def monkey_meta(number: int, respondent: str) -> list[str]:
    """The response's own columns, as SurveyMonkey fills them for an email collector."""
    first, last = NAMES[respondent].split()
    return [f"11400000000{number}", "400000001", "03/01/2024 10:02:11 AM", "03/01/2024 10:09:40 AM",
            "10.0.0.1", EMAILS[respondent], first, last, ""]


def monkey_rows(answers: dict[str, tuple[list[str], list[str]]]) -> list[list[str]]:
    """An export of two questions: a checkbox "Who do you work with?" (an option per colleague and
    "Other (please specify)") and a matrix "How often do you work with them?" (a row per colleague).
    ``answers``: respondent id -> (the checkbox's five cells, the matrix's four cells)."""
    colleagues = list(NAMES.values())
    rows = [MONKEY_META + ["Who do you work with?", "", "", "", "", "How often do you work with them?", "", "", ""],
            [""] * 9 + colleagues + ["Other (please specify)"] + colleagues]
    for number, (respondent, (ticked, often)) in enumerate(answers.items(), start=1):
        rows.append(monkey_meta(number, respondent) + ticked + often)
    return rows


MONKEY_ANSWERS = {
    # Lars ticks Mette and Per and writes Anna in "Other"; sees Mette weekly, Per daily.
    "4": (["Mette Hansen", "Per Jensen", "", "", "Anna Berg"], ["Weekly", "Daily", "", ""]),
    # Anna ticks Lars only; sees Lars monthly, says Never for Mette (a weight of 0: no tie).
    "3": (["", "", "", "Lars Nielsen", ""], ["Never", "", "", "Monthly"]),
    # Per ticks no one (answered, named no one): a respondent without ties.
    "2": (["", "", "", "", ""], ["", "", "", ""]),
}
MONKEY_TIES = sorted([
    ("Who do you work with?", "4", "1", 1.0), ("Who do you work with?", "4", "2", 1.0),
    ("Who do you work with?", "4", "3", 1.0), ("Who do you work with?", "3", "4", 1.0),
    ("How often do you work with them?", "4", "1", 4.0), ("How often do you work with them?", "4", "2", 5.0),
    ("How often do you work with them?", "3", "4", 3.0)])


@pytest.mark.parametrize("write, name", [(write_xlsx, "monkey.xlsx"), (write_csv, "monkey.csv")])
def test_a_surveymonkey_export_is_read_as_it_came(roster, tmp_path, write, name):
    """Each question is a layer; a ticked checkbox is a tie of weight 1, the colleague typed in
    "Other (please specify)" one too; the matrix's words are read by the labels given."""
    path = write(tmp_path / name, monkey_rows(MONKEY_ANSWERS))
    assert each_layer(path, roster, weight_labels=FREQUENCY) == MONKEY_TIES
    ties = ona.read_ties(path, roster, weight_labels=FREQUENCY)
    assert ties.layers == ("How often do you work with them?", "Who do you work with?")
    assert sorted(ties.respondents) == ["2", "3", "4"]
    assert ties.dropped == {"zero-weight": 1}


def test_a_surveymonkey_export_with_many_colleagues_is_read_the_same(tmp_path):
    """With 30 options the second header row is wider than the first (and than the responses):
    the header is still both rows, not the second alone."""
    people = {str(i): f"Person{i} Example" for i in range(1, 31)}
    roster = ona.read_roster(write_csv(tmp_path / "roster.csv", [
        ["id", "name", "email", "unit"], *[[i, n, f"p{i}@k.dk", "U"] for i, n in people.items()]]))
    rows = [MONKEY_META + ["Who do you work with?"] + [""] * 29, [""] * 9 + list(people.values())]
    for respondent, ticked in (("1", {"2", "3"}), ("5", {"30"})):
        rows.append(["1", "2", "3/1/2024", "3/1/2024", "10.0.0.1", f"p{respondent}@k.dk", "P", "E", ""]
                    + [people[i] if i in ticked else "" for i in people])
    ties = ona.read_ties(write_xlsx(tmp_path / "monkey.xlsx", rows), roster)
    assert sorted(zip(ties.ties["source"], ties.ties["target"])) == [("1", "2"), ("1", "3"), ("5", "30")]


def test_an_open_ended_surveymonkey_question_lists_colleagues_in_its_cell(roster, tmp_path):
    """A question answered in one text box ("Open-Ended Response" under it) is headed by the
    question and read as a wide sheet's list of colleagues."""
    rows = [MONKEY_META + ["Who do you ask for advice?"], [""] * 9 + ["Open-Ended Response"],
            monkey_meta(1, "4") + ["Mette Hansen; Anna Berg"], monkey_meta(2, "1") + ["Per Jensen"]]
    ties = ona.read_ties(write_csv(tmp_path / "monkey.csv", rows), roster)
    assert ties.shape == "wide"
    assert sorted(zip(ties.ties["source"], ties.ties["target"])) == [("1", "2"), ("4", "1"), ("4", "3")]


def test_a_colleague_typed_in_other_who_is_not_in_the_roster_is_located_not_quoted(roster, tmp_path):
    answers = {"4": (["Mette Hansen", "", "", "", "Ola Nordmann"], ["", "", "", ""])}
    path = write_xlsx(tmp_path / "monkey.xlsx", monkey_rows(answers))
    with pytest.raises(ona.InputError) as error:
        ona.read_ties(path, roster)
    (problem,) = error.value.problems
    assert (problem.row, problem.column, problem.code) == (3, "N", "unknown-person")
    assert "Ola" not in str(problem)


def _example_generator():
    """examples/survey-exports/generate.py, whose QUALTRICS_COLUMNS are the columns Qualtrics puts
    before the questions (one list for the example and the tests)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "survey_exports_generate", Path(__file__).parent.parent / "examples" / "survey-exports" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


QUALTRICS_META = _example_generator().QUALTRICS_COLUMNS


def qualtrics_rows(question_columns, answers) -> list[list[str]]:
    """A Qualtrics CSV export: ids, labels, import ids, then one row per response.
    ``question_columns``: (id, label) of each question column; ``answers``: respondent -> cells."""
    rows = [[c for c, _, _ in QUALTRICS_META] + [c for c, _ in question_columns],
            [label for _, label, _ in QUALTRICS_META] + [label for _, label in question_columns],
            [json.dumps({"ImportId": i}) for _, _, i in QUALTRICS_META]
            + [json.dumps({"ImportId": "QID" + c[1:]}) for c, _ in question_columns]]
    for number, (respondent, cells) in enumerate(answers.items(), start=1):
        first, last = NAMES[respondent].split()
        rows.append(["2024-03-01 10:02:11", "2024-03-01 10:09:40", "IP Address", "10.0.0.1", "100", "449", "True",
                     "2024-03-01 10:09:41", f"R_{number}xYz", last, first, EMAILS[respondent], respondent,
                     "email", "EN"] + cells)
    return rows


def test_a_qualtrics_export_is_read_as_it_came(roster, tmp_path):
    """A multiple-answer question split into a column per option (the option's text when ticked),
    and a matrix with a row per colleague (the answer's words): two layers; the respondent is the
    Recipient Email, whatever the External Data Reference holds (here the roster id)."""
    columns = [(f"Q1_{i}", f"Who do you work with? - {NAMES[i]}") for i in NAMES] + \
        [(f"Q2_{i}", f"How often do you work with them? - {NAMES[i]}") for i in NAMES]
    answers = {"4": ["Mette Hansen", "Per Jensen", "", "", "Weekly", "Daily", "", ""],
               "3": ["", "", "", "Lars Nielsen", "", "", "", "Monthly"]}
    path = write_csv(tmp_path / "qualtrics.csv", qualtrics_rows(columns, answers))
    ties = ona.read_ties(path, roster, weight_labels=FREQUENCY)
    assert each_layer(path, roster, weight_labels=FREQUENCY) == sorted([
        ("Who do you work with?", "4", "1", 1.0), ("Who do you work with?", "4", "2", 1.0),
        ("Who do you work with?", "3", "4", 1.0),
        ("How often do you work with them?", "4", "1", 4.0), ("How often do you work with them?", "4", "2", 5.0),
        ("How often do you work with them?", "3", "4", 3.0)])
    assert sorted(ties.respondents) == ["3", "4"]


def test_a_qualtrics_multiple_answer_question_in_one_column_is_a_list(roster, tmp_path):
    """Not split into columns, the ticked options are in one cell, separated by commas, under the
    label "Question - Selected Choice"."""
    columns = [("Q1", "Who do you work with? - Selected Choice")]
    answers = {"4": ["Mette Hansen,Per Jensen"], "1": ["Anna Berg"], "2": [""]}
    ties = ona.read_ties(write_csv(tmp_path / "qualtrics.csv", qualtrics_rows(columns, answers)), roster)
    assert ties.shape == "wide"
    assert sorted(zip(ties.ties["source"], ties.ties["target"])) == [("1", "3"), ("4", "1"), ("4", "2")]
    assert sorted(ties.respondents) == ["1", "2", "4"]


def test_a_qualtrics_multiple_answer_question_split_into_columns_keeps_its_question_as_the_layer(roster, tmp_path):
    """Split into a column per option ("Split multi-value fields into columns"), each label is
    "Question - Selected Choice - Option": the layer is the question alone, as when not split."""
    columns = [(f"Q1_{i}", f"Who do you work with? - Selected Choice - {NAMES[i]}") for i in NAMES] + \
        [("Q2_4", "How often do you work with them? - Lars Nielsen")]
    answers = {"1": ["", "Per Jensen", "", "Lars Nielsen", "Weekly"], "3": ["Mette Hansen", "", "", "", ""]}
    path = write_csv(tmp_path / "qualtrics.csv", qualtrics_rows(columns, answers))
    ties = ona.read_ties(path, roster, weight_labels=FREQUENCY)
    assert sorted(ties.layers) == ["How often do you work with them?", "Who do you work with?"]
    assert each_layer(path, roster, weight_labels=FREQUENCY) == sorted([
        ("Who do you work with?", "1", "2", 1.0), ("Who do you work with?", "1", "4", 1.0),
        ("Who do you work with?", "3", "1", 1.0), ("How often do you work with them?", "1", "4", 4.0)])


def test_a_large_surveymonkey_csv_reads_as_a_small_one(tmp_path, monkeypatch):
    """Over a megabyte, a CSV is parsed by pyarrow (another reader of the header): the same ties."""
    from ona.ingest import _tables

    columnar, parsed = _tables._read_text_columnar, []
    monkeypatch.setattr(_tables, "_read_text_columnar", lambda *a, **k: parsed.append(columnar(*a, **k)) or parsed[-1])
    people = {str(i): f"Person{i} Example" for i in range(1, 41)}
    roster = ona.read_roster(write_csv(tmp_path / "roster.csv", [
        ["id", "name", "email", "unit"], *[[i, n, f"p{i}@k.dk", "U"] for i, n in people.items()]]))
    rows = [MONKEY_META + ["Who do you work with?"] + [""] * 39, [""] * 9 + list(people.values())]
    for k in range(10000):
        respondent = str(k % 40 + 1)
        ticked = {str((k + 1) % 40 + 1), str((k + 7) % 40 + 1)}
        rows.append([str(k), "2", "3/1/2024", "3/1/2024", "10.0.0.1", f"p{respondent}@k.dk", "P", "E", ""]
                    + [people[i] if i in ticked else "" for i in people])
    big = write_csv(tmp_path / "big.csv", rows)
    assert big.stat().st_size > 1 << 20
    small = write_csv(tmp_path / "small.csv", rows[:2] + rows[2:42])
    read_big, read_small = ona.read_ties(big, roster), ona.read_ties(small, roster)
    assert len(read_big.ties) == 80  # (40 respondents, 2 ticks each, repeated)
    assert ties_of(read_big) == ties_of(read_small)
    assert [table is not None for table in parsed][-2:] == [True, False]  # (the small file by the other reader)


def test_ona_validate_reads_a_surveymonkey_export_without_options(tmp_path):
    from click.testing import CliRunner

    write_xlsx(tmp_path / "roster.xlsx", [["ID", "Name", "Email", "Department"],
                                          *[[i, NAMES[i], EMAILS[i], "A"] for i in NAMES]])
    write_xlsx(tmp_path / "monkey.xlsx", monkey_rows(MONKEY_ANSWERS))
    (tmp_path / "frequency.toml").write_text("".join(f'"{a}" = {n}\n' for a, n in FREQUENCY.items()))
    result = CliRunner().invoke(cli, ["validate", "--roster", str(tmp_path / "roster.xlsx"), "--ties",
                                      str(tmp_path / "monkey.xlsx"), "--weight-labels",
                                      str(tmp_path / "frequency.toml"), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert [p["code"] for p in report["problems"] if p["severity"] == "error"] == []


def test_a_web_link_export_that_records_no_one_asks_for_the_column_that_does(roster, tmp_path):
    """A web-link collector leaves Email Address, First Name and Last Name blank: one error at the
    header, not a blank person in every row; a question asking the respondent's name is then
    named with --source-column."""
    rows = [MONKEY_META + ["What is your name?", "Who do you work with?", "", ""],
            [""] * 9 + ["Response", "Mette Hansen", "Per Jensen", "Other (please specify)"]]
    for number, (respondent, ticked) in enumerate((("Lars Nielsen", ["Mette Hansen", "", ""]),
                                                   ("Anna Berg", ["", "Per Jensen", "Mette Hansen"])), start=1):
        rows.append([str(number), "9", "3/1/2024", "3/1/2024", "10.0.0.1", "", "", "", "", respondent, *ticked])
    path = write_csv(tmp_path / "weblink.csv", rows)
    with pytest.raises(ona.InputError) as error:
        ona.read_ties(path, roster)
    assert [(p.row, p.column, p.code) for p in error.value.problems] == [(2, "Email Address", "no-respondent")]
    ties = ona.read_ties(path, roster, source_column="What is your name?")
    assert sorted(zip(ties.ties["source"], ties.ties["target"])) == [("3", "1"), ("3", "2"), ("4", "1")]


def test_a_limesurvey_export_with_full_question_texts_is_read_as_it_came(roster, tmp_path):
    """LimeSurvey (responses exported with full question texts and full answers, from a survey with
    a participant list): a multiple-choice question's column per colleague, "Question [Colleague]",
    holds Yes when ticked; an array question's holds the answer. The respondent is the participant's
    Email address, not the Response ID."""
    colleagues = list(NAMES.values())
    rows = [["Response ID", "Date submitted", "Last page", "Start language", "Seed", "Token", "First name",
             "Last name", "Email address"] + [f"Who do you work with? [{n}]" for n in colleagues]
            + [f"How often do you work with them? [{n}]" for n in colleagues]]
    answers = {"4": (["Yes", "Yes", "", ""], ["Weekly", "Daily", "", ""]),
               "3": (["", "", "", "Yes"], ["", "", "", "Monthly"])}
    for number, (respondent, (ticked, often)) in enumerate(answers.items(), start=1):
        first, last = NAMES[respondent].split()
        rows.append([str(number), "2024-03-01 10:09:40", "2", "en", "1834402", "tok" + respondent, first, last,
                     EMAILS[respondent], *ticked, *often])
    path = write_csv(tmp_path / "results-survey123456.csv", rows)
    assert each_layer(path, roster, weight_labels=FREQUENCY) == sorted([
        ("Who do you work with?", "4", "1", 1.0), ("Who do you work with?", "4", "2", 1.0),
        ("Who do you work with?", "3", "4", 1.0),
        ("How often do you work with them?", "4", "1", 4.0), ("How often do you work with them?", "4", "2", 5.0),
        ("How often do you work with them?", "3", "4", 3.0)])


EXAMPLE = Path(__file__).parent.parent / "examples"


@pytest.mark.parametrize("export", ["surveymonkey.xlsx", "qualtrics.csv"])
def test_the_examples_exports_are_the_municipalitys_survey(export):
    """examples/survey-exports holds the municipality's survey as the two tools export it: read
    with the answers' numbers, each is exactly the network of ties.xlsx, from the same respondents."""
    roster = ona.read_roster(EXAMPLE / "municipality" / "roster.xlsx")
    survey = ona.read_ties(EXAMPLE / "municipality" / "ties.xlsx", roster)
    exported = ona.read_ties(EXAMPLE / "survey-exports" / export, roster,
                             weight_labels=EXAMPLE / "survey-exports" / "frequency.toml")
    assert ties_of(exported) == ties_of(survey) and len(exported.ties) == 3272
    assert sorted(exported.respondents) == sorted(survey.respondents)
    assert exported.warnings == ()


def test_ona_analyze_of_the_surveymonkey_export_gives_the_surveys_figures(tmp_path):
    from click.testing import CliRunner

    roster = str(EXAMPLE / "municipality" / "roster.xlsx")
    runs = {"survey": ["--ties", str(EXAMPLE / "municipality" / "ties.xlsx")],
            "export": ["--ties", str(EXAMPLE / "survey-exports" / "surveymonkey.xlsx"),
                       "--weight-labels", str(EXAMPLE / "survey-exports" / "frequency.toml")]}
    for name, ties in runs.items():
        result = CliRunner().invoke(cli, ["analyze", "--roster", roster, *ties, "--out", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
    nodes = [(tmp_path / name / "nodes.csv").read_text(encoding="utf-8") for name in runs]
    assert nodes[0] == nodes[1] and len(nodes[0].splitlines()) == 462


def test_a_surveymonkey_workbook_with_merged_header_cells_is_read_the_same(roster, tmp_path):
    """Saved again from Excel with the response's headers merged down over both rows and each
    question merged across its columns: the same ties."""
    from openpyxl import load_workbook

    path = write_xlsx(tmp_path / "monkey.xlsx", monkey_rows(MONKEY_ANSWERS))
    book = load_workbook(path)
    sheet = book.active
    for column in "ABCDEFGHI":
        sheet.merge_cells(f"{column}1:{column}2")
    sheet.merge_cells("J1:N1")
    sheet.merge_cells("O1:R1")
    book.save(path)
    assert each_layer(path, roster, weight_labels=FREQUENCY) == MONKEY_TIES


def test_qualtrics_other_option_and_its_text_box(roster, tmp_path):
    """Qualtrics writes an "Other" option in two columns: the option ticked ("Other") and what was
    typed into its box ("... - Other - Text"). The typed names are ties; the tick alone is none."""
    columns = [(f"Q1_{i}", f"Who do you work with? - {NAMES[i]}") for i in "12"] + \
        [("Q1_5", "Who do you work with? - Other"), ("Q1_5_TEXT", "Who do you work with? - Other - Text")]
    answers = {"4": ["Mette Hansen", "", "Other", "Anna Berg; Per Jensen"], "3": ["", "Per Jensen", "", ""]}
    ties = ona.read_ties(write_csv(tmp_path / "qualtrics.csv", qualtrics_rows(columns, answers)), roster)
    assert sorted(zip(ties.ties["source"], ties.ties["target"])) == [("3", "2"), ("4", "1"), ("4", "2"), ("4", "3")]


def test_qualtrics_previews_are_left_out_and_counted(roster, tmp_path):
    """The author previews the survey before sending it: Qualtrics exports the preview as a
    response (Response Type "Survey Preview", no Recipient Email). It is left out, with a warning
    that counts it and gives its row; the real responses are read."""
    columns = [(f"Q1_{i}", f"Who do you work with? - {NAMES[i]}") for i in NAMES]
    rows = qualtrics_rows(columns, {"4": ["Mette Hansen", "", "", ""], "3": ["", "Per Jensen", "", ""]})
    preview = list(rows[3])
    preview[2], preview[11] = "Survey Preview", ""
    rows.insert(3, preview[:-4] + ["Mette Hansen", "Per Jensen", "Anna Berg", "Lars Nielsen"])
    ties = ona.read_ties(write_csv(tmp_path / "qualtrics.csv", rows), roster)
    assert sorted(zip(ties.ties["source"], ties.ties["target"])) == [("3", "2"), ("4", "1")]
    (warning,) = [w for w in ties.warnings if w.code == "survey-preview"]
    assert warning.column == "Response Type" and "(row 4)" in warning.message


def test_a_matrix_marked_with_crosses_is_read_as_ties_of_weight_one(roster, tmp_path):
    """A hand-made adjacency matrix: "put an x where you work with the colleague". An x (or Yes,
    Ja) is a tie of weight 1 beside the numbers of other cells; a word that is no mark is still an
    error at its cell."""
    rows = [["", *NAMES.values()], ["Mette Hansen", "", "x", "X", ""], ["Per Jensen", "Ja", "", "", "2"],
            ["Anna Berg", "", "", "", "yes"]]
    ties = ona.read_ties(write_xlsx(tmp_path / "matrix.xlsx", rows), roster)
    assert ties.shape == "matrix"
    assert sorted(zip(ties.ties["source"], ties.ties["target"], ties.ties["weight"])) == [
        ("1", "2", 1.0), ("1", "3", 1.0), ("2", "1", 1.0), ("2", "4", 2.0), ("3", "4", 1.0)]
    rows[3][4] = "often"
    with pytest.raises(ona.InputError) as error:
        ona.read_ties(write_xlsx(tmp_path / "matrix.xlsx", rows), roster)
    assert [(p.row, p.column, p.code) for p in error.value.problems] == [(4, "E", "bad-weight")]


def test_checkbox_answers_joined_by_commas_keep_names_written_last_name_first(roster, tmp_path):
    """Google Forms joins a checkbox question's ticked options with ", ". Options written "Hansen,
    Mette" (the roster's "Last, First") are still one person each; a part that names no one is
    still reported."""
    rows = [["Timestamp", "Email Address", "Who do you work with?"],
            ["2024/03/01 10:02:11 AM GMT+1", "ln@k.dk", "Hansen, Mette, Jensen, Per"],
            ["2024/03/01 10:05:40 AM GMT+1", "ab@k.dk", "Nielsen, Lars"]]
    ties = ona.read_ties(write_csv(tmp_path / "forms.csv", rows), roster)
    assert sorted(zip(ties.ties["source"], ties.ties["target"])) == [("3", "4"), ("4", "1"), ("4", "2")]
    rows[2][2] = "Nielsen, Lars, Nordmann, Ola"
    with pytest.raises(ona.InputError) as error:
        ona.read_ties(write_csv(tmp_path / "forms.csv", rows), roster)
    assert {(p.row, p.code) for p in error.value.problems} == {(3, "unknown-person")}


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_ANSWER = st.one_of(st.sampled_from(["", "Response", "Other (please specify)", "Yes", "x", "Weekly", "3",
                                     '{"ImportId":"QID1_1"}', "Response ID", *NAMES.values(), *EMAILS.values()]),
                    st.text(max_size=12))


@settings(max_examples=80, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(tool=st.sampled_from(["monkey", "qualtrics"]), second=st.lists(_ANSWER, max_size=4),
       import_ids=st.booleans(), rows=st.lists(st.lists(_ANSWER, min_size=0, max_size=7), min_size=0, max_size=6))
def test_any_rows_under_a_survey_tools_header_give_ties_or_a_located_error(roster, tmp_path, tool, second,
                                                                           import_ids, rows):
    """Whatever stands below a SurveyMonkey or Qualtrics header (any labels in its second row,
    import ids or not, ragged rows of any answers), reading gives ties or errors with their place
    in the file: never another exception."""
    first = ["Respondent ID", "Collector ID", "Email Address", "Who?", ""] if tool == "monkey" else \
        ["ResponseId", "RecipientEmail", "Q1_1", "Q1_2"]
    header = [["", "", "", *second]] if tool == "monkey" else [["Response ID", "Recipient Email", *second]]
    if import_ids:
        header.append(['{"ImportId":"_recordId"}', '{"ImportId":"recipientEmail"}', '{"ImportId":"QID1_1"}'])
    path = write_csv(tmp_path / "export.csv", [first, *header, *rows])
    try:
        ties = ona.read_ties(path, roster)
    except ona.InputError as error:
        assert error.problems and all(p.path == str(path) for p in error.problems)
    else:
        assert set(ties.ties["source"]) | set(ties.ties["target"]) <= set(NAMES)


def test_a_checkbox_exported_with_numbers_is_read_as_ticks_with_a_warning(roster, tmp_path):
    """SurveyMonkey's "numerical value" export writes a ticked option as its position (Mette is
    option 1, Per 2, Anna 3): read as weights, ties to Anna would weigh 3. Each column holding
    only its own position is read as ticks, and a warning says so."""
    rows = [MONKEY_META + ["Who do you work with?", "", "", ""], [""] * 9 + list(NAMES.values())]
    answers = {"4": ["1", "2", "3", ""], "3": ["1", "", "", "4"], "2": ["1", "", "3", ""]}
    for number, (respondent, cells) in enumerate(answers.items(), start=1):
        rows.append(monkey_meta(number, respondent) + cells)
    ties = ona.read_ties(write_csv(tmp_path / "monkey.csv", rows), roster)
    assert sorted(zip(ties.ties["source"], ties.ties["target"], ties.ties["weight"])) == [
        ("2", "1", 1.0), ("2", "3", 1.0), ("3", "1", 1.0), ("3", "4", 1.0), ("4", "1", 1.0), ("4", "2", 1.0),
        ("4", "3", 1.0)]
    (warning,) = [w for w in ties.warnings if w.code == "numbered-checkboxes"]
    assert warning.row == 2 and "J-M" in warning.message
    # A frequency question whose answers are not each column's position is read as frequencies.
    rows[2][9] = "4"
    ties = ona.read_ties(write_csv(tmp_path / "monkey.csv", rows), roster)
    assert ("4", "1", 4.0) in set(zip(ties.ties["source"], ties.ties["target"], ties.ties["weight"]))
    assert not [w for w in ties.warnings if w.code == "numbered-checkboxes"]


def test_a_large_export_whose_first_header_row_is_the_widest_is_read(tmp_path):
    """A CSV over a megabyte whose first header row has cells beyond the records' width (a title
    pasted to the right): read by the cell reader, not parsed by pyarrow to the records' width
    (which raised an IndexError)."""
    people = {str(i): f"Person{i} Example" for i in range(1, 41)}
    roster = ona.read_roster(write_csv(tmp_path / "roster.csv", [
        ["id", "name", "email", "unit"], *[[i, n, f"p{i}@k.dk", "U"] for i, n in people.items()]]))
    rows = [MONKEY_META + ["Who do you work with?"] + [""] * 39 + ["", "Exported 2024-03-04"],
            [""] * 9 + list(people.values())]
    for k in range(12000):
        rows.append([str(k), "2", "3/1/2024", "3/1/2024", "10.0.0.1", f"p{k % 40 + 1}@k.dk", "P", "E", ""]
                    + [people[i] if i == str((k + 1) % 40 + 1) else "" for i in people])
    path = write_csv(tmp_path / "big.csv", rows)
    assert path.stat().st_size > 1 << 20
    ties = ona.read_ties(path, roster)
    assert sorted(zip(ties.ties["source"], ties.ties["target"])) == sorted(
        (str(k + 1), str((k + 1) % 40 + 1)) for k in range(40))


def numeric_export(rows: list[list[str]]) -> list[list[str]]:
    """The same responses as Qualtrics writes them with "Use numeric values": Finished 1 (0 for
    an unfinished response), Response Type 0 (IP Address), each choice as its number."""
    rows = [list(row) for row in rows]
    for row in rows[3:]:
        row[2], row[6] = "0", {"True": "1", "False": "0"}[row[6]]
    return rows


@pytest.mark.parametrize("import_ids", [True, False])
def test_a_qualtrics_export_of_choice_numbers_is_an_error_that_says_how_to_export_text(roster, tmp_path,
                                                                                       import_ids):
    """Exported with "Use numeric values", a multiple-answer question holds the choices' numbers
    ("1,3": the first and third names offered), which would read as the roster ids 1 and 3 and the
    Finished column's 1 as a tie to person 1. One error at the question's header instead, saying
    to export the choice text, or to name the column when the numbers are the roster's ids."""
    columns = [("Q1", "Who do you work with? - Selected Choice")]
    rows = numeric_export(qualtrics_rows(columns, {"4": ["1,3"], "1": ["2"]}))
    if not import_ids:
        del rows[2]
    path = write_csv(tmp_path / "qualtrics.csv", rows)
    with pytest.raises(ona.InputError) as error:
        ona.read_ties(path, roster)
    (problem,) = error.value.problems
    assert (problem.row, problem.column, problem.code) == (
        len(rows) - 2, "Who do you work with?", "choice-numbers")
    assert '"Use choice text"' in problem.message and "--target-column" in problem.message
    ties = ona.read_ties(path, roster, target_column="Who do you work with?")
    assert sorted(zip(ties.ties["source"], ties.ties["target"])) == [("1", "2"), ("4", "1"), ("4", "3")]
    # An unfinished response is reported beside the error, as ona validate prints every problem at once.
    rows[-1][6] = "0"
    with pytest.raises(ona.InputError) as error:
        ona.read_ties(write_csv(tmp_path / "qualtrics.csv", rows), roster)
    assert [(p.code, p.severity) for p in error.value.problems] == [
        ("unfinished-responses", "warning"), ("choice-numbers", "error")]


def test_a_numeric_qualtrics_export_against_a_roster_of_named_ids_says_how_to_export_text(tmp_path):
    """With roster ids that are no numbers, no column names anyone: the error that says so adds
    how to export the choice text, not the Finished column's 1s read as colleagues."""
    roster = ona.read_roster(write_csv(tmp_path / "roster.csv", [
        ["ID", "Name", "Email", "Department"], *[[f"E{i}", NAMES[i], EMAILS[i], "A"] for i in NAMES]]))
    columns = [("Q1", "Who do you work with? - Selected Choice")]
    rows = numeric_export(qualtrics_rows(columns, {"4": ["1,3"], "1": ["2"]}))
    with pytest.raises(ona.InputError) as error:
        ona.read_ties(write_csv(tmp_path / "qualtrics.csv", rows), roster)
    (problem,) = error.value.problems
    assert problem.code == "unknown-shape" and '"Use choice text"' in problem.message


def test_qualtrics_embedded_data_naming_people_is_not_a_colleague_column(roster, tmp_path):
    """Embedded data set in the survey flow (here each recipient's manager, by name) is exported
    after the metadata with its own name as import id: it is about the respondent, not an answer,
    and gives no ties however well its cells name roster people."""
    columns = [("Q1", "Who do you work with? - Selected Choice")]
    rows = qualtrics_rows(columns, {"4": ["Mette Hansen,Per Jensen"], "3": ["Lars Nielsen"]})
    rows[0].insert(15, "Manager")
    rows[1].insert(15, "Manager")
    rows[2].insert(15, json.dumps({"ImportId": "Manager"}))
    for row in rows[3:]:
        row.insert(15, "Anna Berg")
    ties = ona.read_ties(write_csv(tmp_path / "qualtrics.csv", rows), roster)
    assert sorted(zip(ties.ties["source"], ties.ties["target"])) == [("3", "4"), ("4", "1"), ("4", "2")]


def test_a_surveymonkey_custom_variable_naming_people_is_not_a_colleague_column(roster, tmp_path):
    """A custom variable of the collector (``?manager=...`` in the survey's link) is a column of the
    response, blank in the second header row: no ties, though its cells name roster people."""
    rows = [MONKEY_META + ["manager", "Who do you ask for advice?"], [""] * 10 + ["Open-Ended Response"],
            monkey_meta(1, "4") + ["Anna Berg", "Mette Hansen; Per Jensen"],
            monkey_meta(2, "1") + ["Anna Berg", "Per Jensen"]]
    ties = ona.read_ties(write_csv(tmp_path / "monkey.csv", rows), roster)
    assert sorted(zip(ties.ties["source"], ties.ties["target"])) == [("1", "2"), ("4", "1"), ("4", "2")]


def test_unfinished_qualtrics_responses_are_read_and_counted(roster, tmp_path):
    """A respondent who left before the end is exported with Finished False (0 in the numeric
    export) and the answers given so far: read, with a warning that counts such rows."""
    columns = [(f"Q1_{i}", f"Who do you work with? - {NAMES[i]}") for i in NAMES]
    rows = qualtrics_rows(columns, {"4": ["Mette Hansen", "", "", ""], "3": ["", "Per Jensen", "", ""],
                                    "2": ["", "", "", ""]})
    rows[4][6] = rows[5][6] = "False"
    for numeric in (False, True):
        ties = ona.read_ties(write_csv(tmp_path / "qualtrics.csv", numeric_export(rows) if numeric else rows),
                             roster, target_column=None)
        assert sorted(zip(ties.ties["source"], ties.ties["target"])) == [("3", "2"), ("4", "1")]
        (warning,) = [w for w in ties.warnings if w.code == "unfinished-responses"]
        assert warning.column == "Finished" and "(rows 5, 6)" in warning.message
        assert warning.severity == "warning"


@pytest.mark.parametrize("status", ["Survey Preview Spam", "12", "40"])
def test_qualtrics_spam_of_every_kind_is_left_out(roster, tmp_path, status):
    """Qualtrics' Response Type of spam it imported (12) or found offline (40): no answers."""
    columns = [(f"Q1_{i}", f"Who do you work with? - {NAMES[i]}") for i in NAMES]
    rows = qualtrics_rows(columns, {"4": ["Mette Hansen", "", "", ""], "3": ["", "Per Jensen", "", ""]})
    rows[4][2] = status
    ties = ona.read_ties(write_csv(tmp_path / "qualtrics.csv", rows), roster)
    assert sorted(zip(ties.ties["source"], ties.ties["target"])) == [("4", "1")]
    assert [w.code for w in ties.warnings] == ["survey-preview"]


def test_a_large_qualtrics_csv_keeps_the_tools_own_columns(tmp_path):
    """Over a megabyte (parsed by pyarrow), the embedded data column is the tool's own just as in
    a small file: the same ties, none to the manager it names."""
    people = {str(i): f"Person{i} Example" for i in range(1, 41)}
    roster = ona.read_roster(write_csv(tmp_path / "roster.csv", [
        ["id", "name", "email", "unit"], *[[i, n, f"p{i}@k.dk", "U"] for i, n in people.items()]]))
    rows = [["ResponseId", "RecipientEmail", "Manager", "Q1"],
            ["Response ID", "Recipient Email", "Manager", "Who do you work with? - Selected Choice"],
            [json.dumps({"ImportId": i}) for i in ("_recordId", "recipientEmail", "Manager", "QID1")]]
    for k in range(14000):
        rows.append([f"R_{k:06d}xYzAbCdEfGh", f"p{k % 40 + 1}@k.dk", "Person40 Example",
                     f"Person{(k + 1) % 40 + 1} Example,Person{(k + 3) % 40 + 1} Example"])
    big = write_csv(tmp_path / "big.csv", rows)
    assert big.stat().st_size > 1 << 20
    read_big = ona.read_ties(big, roster)
    assert ties_of(read_big) == ties_of(ona.read_ties(write_csv(tmp_path / "small.csv", rows[:43]), roster))
    assert sorted(zip(read_big.ties["source"], read_big.ties["target"])) == sorted(
        (str(k + 1), str((k + step) % 40 + 1)) for k in range(40) for step in (1, 3))


def test_a_numeric_qualtrics_matrix_is_read_as_its_numbers_with_a_warning(roster, tmp_path):
    """Split into a column per colleague, a numeric export's multiple-answer question holds each
    ticked option's number, its column's position (read as ticks), and a matrix the number of the
    answer chosen: read as the weight it is, with a warning that the numbers are the choices' and
    measure how often only if the choices run so."""
    columns = [(f"Q1_{i}", f"Who do you work with? - {NAMES[i]}") for i in NAMES] + \
        [(f"Q2_{i}", f"How often? - {NAMES[i]}") for i in NAMES]
    answers = {"4": ["1", "2", "", "", "4", "5", "", ""], "3": ["", "", "", "4", "", "", "", "3"],
               "2": ["1", "", "3", "", "2", "", "1", ""]}
    path = write_csv(tmp_path / "qualtrics.csv", numeric_export(qualtrics_rows(columns, answers)))
    assert each_layer(path, roster) == sorted([
        ("Who do you work with?", "4", "1", 1.0), ("Who do you work with?", "4", "2", 1.0),
        ("Who do you work with?", "3", "4", 1.0), ("Who do you work with?", "2", "1", 1.0),
        ("Who do you work with?", "2", "3", 1.0),
        ("How often?", "4", "1", 4.0), ("How often?", "4", "2", 5.0), ("How often?", "3", "4", 3.0),
        ("How often?", "2", "1", 2.0), ("How often?", "2", "3", 1.0)])
    warnings = {w.code: w for w in ona.read_ties(path, roster).warnings}
    assert set(warnings) == {"numbered-checkboxes", "choice-numbers-as-weights"}
    assert warnings["choice-numbers-as-weights"].column == "How often? [Mette Hansen]"
    assert "'How often?'" in warnings["choice-numbers-as-weights"].message
