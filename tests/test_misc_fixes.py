"""Small defects users met, one story per test: a cp1252 roster beside UTF-8 tie files, a report of
one unit that spoke of unit boundaries, workbook sheets with a row-number column called key, a
rating survey scored four times over, and staging folders left behind by a run that was killed."""

from __future__ import annotations

import json
import os
import time

import pytest
from openpyxl import load_workbook

import ona
from ona.cli import cli
from ona.metrics import ratings as rating_metrics

from conftest import write_csv


# --- a rating survey is scored once --------------------------------------------------------------

@pytest.fixture
def rated_town(tmp_path):
    """Alpha (5 people, line) and Beta (5, support) rate each other on two questions; a ring of ties."""
    people = [["Employee ID", "Name", "Department", "Function", "Role"]]
    for k in range(1, 11):
        unit = "Alpha" if k <= 5 else "Beta"
        people.append([f"P{k:02d}", f"Person {k}", unit, "support" if unit == "Beta" else "line",
                       "Head of Department" if k in (1, 6) else "Caseworker"])
    write_csv(tmp_path / "roster.csv", people)
    write_csv(tmp_path / "ties.csv", [["Source", "Target"]] + [[f"P{k:02d}", f"P{k % 10 + 1:02d}"]
                                                                for k in range(1, 11)])
    answers = [["Respondent", "Rated unit", "timely", "helpful"]]
    answers += [[f"P{k:02d}", "Beta" if k <= 5 else "Alpha", str(1 + k % 5), str(1 + (k + 2) % 5)]
                for k in range(1, 11)]
    write_csv(tmp_path / "ratings.csv", answers)
    return tmp_path


def test_the_respondents_scores_are_computed_once_per_run(rated_town, runner, monkeypatch):
    """Cells, hidden-cell counts, unit views and the support units' reach all come from one scoring
    of the respondents (it was done four times: twice for the cells, once per pooled figure)."""
    calls = []
    real = rating_metrics._respondent_scores

    def counted(*args, **kwargs):
        calls.append(args[1:] or kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(rating_metrics, "_respondent_scores", counted)
    result = runner.invoke(cli, ["analyze", "--roster", str(rated_town / "roster.csv"), "--ties",
                                 str(rated_town / "ties.csv"), "--ratings", str(rated_town / "ratings.csv"),
                                 "--out", str(rated_town / "out"), "--permutations", "0"])
    assert result.exit_code == 0, result.output
    metrics = json.loads((rated_town / "out" / "metrics.json").read_text("utf-8"))
    assert metrics["support_reach"] and metrics["rating_units"]  # every figure built from the scores was made
    assert len(calls) == 1


# --- metrics.xlsx: no row-number column, nothing from input becomes a formula ---------------------

def test_workbook_sheets_say_what_a_row_is_without_a_row_number_column(rated_town, runner):
    """The extra sheets (fragile links, must-not-leave, rating cells, gaps, rated vs ties, support
    reach) had a first column 'key' holding 0, 1, 2...: the row number, meaningless next to Excel's
    own. Now a sheet starts with the column that says what the row is; sheets whose rows are units
    keep their 'unit' column."""
    result = runner.invoke(cli, ["analyze", "--roster", str(rated_town / "roster.csv"), "--ties",
                                 str(rated_town / "ties.csv"), "--ratings", str(rated_town / "ratings.csv"),
                                 "--out", str(rated_town / "out"), "--permutations", "0"])
    assert result.exit_code == 0, result.output
    book = load_workbook(rated_town / "out" / "metrics.xlsx", read_only=True)
    first = {ws.title: next(ws.iter_rows(max_row=1, values_only=True))[0] for ws in book.worksheets}
    assert "key" not in first.values()
    assert first["rating_cells"] == "measure" and first["rating_gaps"] == "unit_a"
    assert first["rated_vs_ties"] == "rater_unit" and first["support_reach"] == "support_unit"
    assert first["rating_units"] == "unit" and first["fragile_bridges"] == "unit_a"
    cells = book["rating_cells"]
    header, row = list(cells.iter_rows(min_row=1, max_row=2, values_only=True))
    assert dict(zip(header, row))["rater_unit"] == "Alpha"


HOSTILE = {"name": '=HYPERLINK("http://evil.example","click")', "unit": "+Sales", "id": "@E1", "other": "-2+3"}


def test_no_cell_of_any_sheet_is_a_formula_when_the_roster_holds_formula_text(tmp_path, runner):
    """A roster whose id, name and units start with = + - @: in every sheet each such text is a
    text cell, shown as typed; the workbook holds no formula at all."""
    write_csv(tmp_path / "roster.csv", [
        ["Employee ID", "Name", "Department"],
        [HOSTILE["id"], HOSTILE["name"], HOSTILE["unit"]],
        ["E2", "Bo Lund", HOSTILE["unit"]],
        ["E3", "Carl Holm", HOSTILE["other"]],
        ["E4", "Dina Krog", HOSTILE["other"]]])
    write_csv(tmp_path / "ties.csv", [["Source", "Target"], [HOSTILE["id"], "E2"], ["E2", "E3"], ["E3", "E4"],
                                      ["E4", HOSTILE["id"]]])
    result = runner.invoke(cli, ["analyze", "--roster", str(tmp_path / "roster.csv"), "--ties",
                                 str(tmp_path / "ties.csv"), "--out", str(tmp_path / "out"), "--permutations", "0"])
    assert result.exit_code == 0, result.output
    book = load_workbook(tmp_path / "out" / "metrics.xlsx")
    found = {}
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value in HOSTILE.values():
                    found.setdefault(cell.value, set()).add(ws.title)
    assert found == {HOSTILE["id"]: {"People"}, HOSTILE["name"]: {"People"},
                     HOSTILE["unit"]: {"People", "Units", "Unit matrix", "Unit pairs", "fragile_bridges",
                                       "unit_communities"},
                     HOSTILE["other"]: {"People", "Units", "Unit matrix", "Unit pairs", "fragile_bridges",
                                        "unit_communities"}}


# --- a report of one unit says there is no boundary ------------------------------------------------

def _page_text(path) -> str:
    """What a reader sees of an HTML page: its text without tags, styles or scripts (a link inside a
    sentence reads as its words, with no space around them)."""
    import html
    import re

    text = re.sub(r"<(style|script).*?</\1>", "", path.read_text(encoding="utf-8"), flags=re.S)
    text = re.sub(r"</?a\b[^>]*>", "", text)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", text)))


@pytest.fixture
def finance_team(tmp_path):
    """Finance's five people (all at the Aarhus site) answer 'who do you work with?'."""
    write_csv(tmp_path / "roster.csv", [
        ["Employee ID", "Name", "Department", "Site"],
        ["E1", "Anna Berg", "Finance", "Aarhus"], ["E2", "Bo Lund", "Finance", "Aarhus"],
        ["E3", "Carl Holm", "Finance", "Aarhus"], ["E4", "Dina Krog", "Finance", "Aarhus"],
        ["E5", "Erik Dahl", "Finance", "Aarhus"]])
    write_csv(tmp_path / "ties.csv", [
        ["Respondent ID", "Colleague ID", "Frequency"], ["E1", "E2", "5"], ["E2", "E1", "4"], ["E2", "E3", "2"],
        ["E3", "E4", "5"], ["E4", "E3", "5"], ["E5", "E1", "3"], ["E4", "E5", "1"]])
    return tmp_path


@pytest.mark.parametrize("by, unit", [(None, "Finance, by Department"), ("Site", "Aarhus, by Site")])
def test_a_one_unit_report_says_there_is_no_boundary_to_measure(finance_team, runner, by, unit):
    """Everyone is in one unit (the roster's one department, or --by a column with one value).
    index.html said "0% of collaboration crosses unit lines" and "0 people (0%) span unit
    boundaries", with a 1 x 1 unit table and "No pair of units is connected". Now it says there is
    one unit, so no boundary, and gives the ties inside it; the unit map, the person map and the
    terminal show no figure across units."""
    out = finance_team / "out"
    result = runner.invoke(cli, ["analyze", "--roster", str(finance_team / "roster.csv"), "--ties",
                                 str(finance_team / "ties.csv"), "--out", str(out), "--permutations", "0",
                                 *(["--by", by] if by else [])])
    assert result.exit_code == 0, result.output
    none = "not defined (one unit: no unit boundary)"
    for line in ("Cross-unit ties:     ", "E-I index (org):     ", "Modularity of units: ", "Boundary spanners:   ",
                 "Fragile unit links:  "):
        assert f"{line}{none}\n" in result.output
    index = _page_text(out / "index.html")
    assert (f"Findings Everyone is in one unit ({unit}), so there is no unit boundary to measure: ties across units, "
            "the E-I index, boundary spanners and links between units are not defined. ") in index
    place = unit.split(",")[0]
    assert (f"One unit Inside {place}: 7 ties of 20 possible (density 35.0%). With one unit there is no unit-by-unit "
            "table, no boundary spanner or broker across units and no link between units.") in index
    for gone in ("crosses unit lines", "span unit boundaries", "Who works with which unit", "No pair of units",
                 "Top boundary spanners"):
        assert gone not in index
    units = _page_text(out / "units.html")
    assert (f"One unit ({unit}): everyone is in it, so there is no other unit to work with and no arrow between "
            "units.") in units
    roster = ona.read_roster(finance_team / "roster.csv")
    graph = ona.build_graph(roster, ona.read_ties(finance_team / "ties.csv", roster))
    measurement = ona.measure(graph, by=by, permutations=0)
    from ona.report.html_map import map_data, unit_map_data

    assert [dict(n["metrics"]) for n in unit_map_data(measurement)["nodes"]] == [{"People": "5", "Ties inside": "7"}]
    person = {n["id"]: n for n in map_data(graph, measurement)["nodes"]}["E2"]
    labels = [label for label, _ in person["metrics"]]
    assert not {"Ties with other units", "E-I index", "Other units reached", "Participation",
                "Boundary spanner"} & set(labels)
    assert "E-I" not in person["title"] and "outside own unit" not in person["title"]


def test_two_units_keep_every_figure_across_units(finance_team, runner):
    """The same team measured by a column with two values keeps the table, spanners and links."""
    write_csv(finance_team / "roster.csv", [
        ["Employee ID", "Name", "Team"], ["E1", "Anna Berg", "Budget"], ["E2", "Bo Lund", "Budget"],
        ["E3", "Carl Holm", "Payroll"], ["E4", "Dina Krog", "Payroll"], ["E5", "Erik Dahl", "Budget"]])
    result = runner.invoke(cli, ["analyze", "--roster", str(finance_team / "roster.csv"), "--ties",
                                 str(finance_team / "ties.csv"), "--out", str(finance_team / "out"),
                                 "--permutations", "0"])
    assert result.exit_code == 0, result.output
    assert "Cross-unit ties:     29% (2 of 7)\n" in result.output
    index = _page_text(finance_team / "out" / "index.html")
    assert "29% of collaboration crosses unit lines (2 of 7 ties)" in index and "Who works with which unit" in index


# --- a cp1252 roster beside UTF-8 tie files ---------------------------------------------------------

@pytest.fixture
def mixed_encodings(tmp_path):
    """HR's roster, saved by an old Excel as Windows-1252, writes names in capitals, one with a
    non-breaking space pasted between first and last name: the bytes of 'É' + nbsp happen to be
    valid UTF-8 too ('ɠ'), so the file reads as UTF-8 without error, wrongly. The survey tool
    exports the ties as UTF-8, naming people as they are called."""
    roster = "Employee ID,Name,Department\r\nE1,RENÉ\xa0MADSEN,Finance\r\nE2,BO LUND,Finance\r\nE3,ANNA BERG,Drift\r\n"
    (tmp_path / "roster.csv").write_bytes(roster.encode("cp1252"))
    ties = "Respondent,Colleague\nRené Madsen,Bo Lund\nBo Lund,Anna Berg\nAnna Berg,René Madsen\n"
    (tmp_path / "ties.csv").write_bytes(ties.encode("utf-8"))
    return tmp_path


def _analyze(folder, runner, *options):
    return runner.invoke(cli, ["analyze", "--roster", str(folder / "roster.csv"), "--ties", str(folder / "ties.csv"),
                               "--out", str(folder / "out"), "--permutations", "0", *options])


def test_a_cp1252_roster_is_read_as_cp1252_while_the_ties_stay_utf8(mixed_encodings, runner):
    """Detection reads the roster as UTF-8, and --encoding cp1252 reads the UTF-8 ties as cp1252
    ('RenÃ© Madsen'): either way the ties naming René find nobody, in rows 2 and 4 of ties.csv.
    --roster-encoding cp1252 (or --ties-encoding utf-8 beside --encoding cp1252) reads each right."""
    for options in ([], ["--encoding", "cp1252"]):
        result = _analyze(mixed_encodings, runner, *options)
        assert result.exit_code == 2
        fix = ("names no one in the roster (matched by id, email and name); add the person to the roster, fix the "
               "spelling, or pass --drop-unknown (drop_unknown=True in Python) [unknown-person]")
        assert result.output == (f"Error: ties.csv, row 2, column 'Respondent': {fix}\n"
                                 f"Error: ties.csv, row 4, column 'Colleague': {fix}\n")
    for options in (["--roster-encoding", "cp1252"], ["--encoding", "cp1252", "--ties-encoding", "utf-8"]):
        result = _analyze(mixed_encodings, runner, *options)
        assert result.exit_code == 0, result.output
        assert "Ties:                3\n" in result.output
        people = json.loads((mixed_encodings / "out" / "metrics.json").read_text("utf-8"))["people"]
        assert {p["id"]: (p["name"], p["unit"]) for p in people} == {
            "E1": ("RENÉ\xa0MADSEN", "Finance"), "E2": ("BO LUND", "Finance"), "E3": ("ANNA BERG", "Drift")}


def test_validate_and_template_take_the_roster_encoding(mixed_encodings, runner):
    """`ona validate` finds no problem with the per-file encodings; `ona template` writes the
    roster's names as they are."""
    result = runner.invoke(cli, ["validate", "--roster", str(mixed_encodings / "roster.csv"), "--ties",
                                 str(mixed_encodings / "ties.csv"), "--roster-encoding", "cp1252"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["template", "--roster", str(mixed_encodings / "roster.csv"), "--roster-encoding",
                                 "cp1252", "--out", str(mixed_encodings / "survey.xlsx")])
    assert result.exit_code == 0, result.output
    names = {c for ws in load_workbook(mixed_encodings / "survey.xlsx").worksheets
             for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)}
    assert {"RENÉ\xa0MADSEN", "BO LUND"} <= names


def test_a_config_wave_names_the_encoding_of_its_roster_and_ties(mixed_encodings):
    """In ona.toml the wave says roster_encoding = "cp1252" and ties_encoding = "utf-8" beside
    [measurement] encoding = "cp1252" for every file: `ona run` reads each file right."""
    from ona.config import read_config, run_wave

    (mixed_encodings / "ona.toml").write_text(
        '[measurement]\nencoding = "cp1252"\nout = "report-{wave}"\n\n'
        '[waves.2025]\nroster = "roster.csv"\nties = ["ties.csv"]\nroster_encoding = "cp1252"\n'
        'ties_encoding = "utf-8"\nroster_delimiter = ","\nties_delimiter = ","\n', encoding="utf-8")
    done = run_wave(read_config(mixed_encodings / "ona.toml"), "2025", store=False)
    assert done["measurement"].summary["ties"] == 3
    assert done["roster"].people.loc["E1", "Name"] == "RENÉ\xa0MADSEN"


def test_a_config_encoding_that_is_not_text_names_its_line(mixed_encodings):
    (mixed_encodings / "ona.toml").write_text('[waves.2025]\nroster = "roster.csv"\nties = "ties.csv"\n'
                                              'ties_encoding = 8\n', encoding="utf-8")
    from ona.config import read_config
    from ona.errors import OnaError

    with pytest.raises(OnaError) as error:
        read_config(mixed_encodings / "ona.toml")
    assert str(error.value) == "ona.toml, line 4: ties_encoding must be a string, not 8"


def test_ona_init_writes_the_per_file_encodings_that_ona_run_reads(mixed_encodings, runner, monkeypatch):
    """`ona init --roster-encoding cp1252 --ties-encoding utf-8` writes both into the wave, and
    `ona run` on the written file reads both files right."""
    monkeypatch.chdir(mixed_encodings)
    result = runner.invoke(cli, ["init", "--roster", "roster.csv", "--ties", "ties.csv", "--roster-encoding", "cp1252",
                                 "--ties-encoding", "utf-8", "--ties-delimiter", ","])
    assert result.exit_code == 0, result.output
    text = (mixed_encodings / "ona.toml").read_text("utf-8")
    assert ('[waves.2025]\nroster = "roster.csv"\nroster_encoding = "cp1252"\nties_encoding = "utf-8"\n'
            'ties_delimiter = ","\nties = ["ties.csv"]\n') in text
    result = runner.invoke(cli, ["run", "ona.toml", "--wave", "2025", "--no-history"])
    assert result.exit_code == 0, result.output
    assert "Ties:                3\n" in result.output


# --- a run killed mid-swap leaves its staging folder; the next run removes it -----------------------

KILLED_MID_SWAP = """
import os, sys
import ona._files as files
from ona.cli import cli

real_replace, set_aside = os.replace, []
def replace_then_die(src, dst):
    real_replace(src, dst)
    if os.path.basename(os.path.dirname(dst)) == ".old":
        set_aside.append(dst)
        if len(set_aside) == 2:  # two old files set aside, one new file in: killed
            os._exit(9)
files.os.replace = replace_then_die
cli(sys.argv[1:])
"""


def _staging_folders(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".ona-new."))


def test_the_next_run_removes_what_a_run_killed_mid_swap_left(finance_team, runner):
    """The first report is written; a second run is killed while it swaps its files in, leaving its
    staging folder (with an old file set aside) in the report folder. The next run removes it and
    says so; the report is whole again."""
    import subprocess
    import sys

    from conftest import ROOT

    out = finance_team / "out"
    args = ["analyze", "--roster", str(finance_team / "roster.csv"), "--ties", str(finance_team / "ties.csv"),
            "--out", str(out), "--permutations", "0"]
    assert runner.invoke(cli, args).exit_code == 0
    killed = subprocess.run([sys.executable, "-c", KILLED_MID_SWAP, *args], cwd=ROOT, capture_output=True)
    assert killed.returncode == 9, killed.stderr
    left = _staging_folders(out)
    assert len(left) == 1 and sorted(p.name for p in (out / left[0] / ".old").iterdir()) == ["edges.csv",
                                                                                            "index.html"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert (f"Note: removed 1 unfinished report folder ({left[0]}) that an interrupted run left in {out}\n"
            in result.output)
    assert _staging_folders(out) == []
    assert {"index.html", "map.html", "units.html", "metrics.xlsx"} <= {p.name for p in out.iterdir()}
    again = runner.invoke(cli, args)
    assert again.exit_code == 0 and "unfinished report folder" not in again.output


def test_only_ona_s_own_abandoned_staging_folders_are_removed(finance_team):
    """Beside a report: a staging folder a running process holds locked (kept), one without a lock
    file last changed two hours ago (an older ona's: removed) and one changed a minute ago (kept),
    a user's folder and file whose names only start like ona's, and a link named like a staging
    folder that points to the user's data (all kept, the data untouched)."""
    import fcntl

    from ona._files import remove_stale_staging

    report = finance_team / "report"
    report.mkdir()
    held = report / ".ona-new.held0001"
    held.mkdir()
    (held / "index.html").write_text("being written")
    lock = open(held / ".ona-writing", "w")
    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    old, recent = report / ".ona-new.old00001", report / ".ona-new.recent01"
    for folder in (old, recent):
        folder.mkdir()
        (folder / "map.html").write_text("half a map")
    two_hours_ago = time.time() - 7200
    for path in (old / "map.html", old):
        os.utime(path, (two_hours_ago, two_hours_ago))
    (report / ".ona-new.my-notes").mkdir()
    (report / ".ona-new.abcd1234.txt").write_text("mine")
    data = finance_team / "data"
    data.mkdir()
    (data / "keep.csv").write_text("precious")
    (report / ".ona-new.link0001").symlink_to(data, target_is_directory=True)
    try:
        assert remove_stale_staging(report) == [".ona-new.old00001"]
    finally:
        lock.close()
    assert sorted(p.name for p in report.iterdir()) == [".ona-new.abcd1234.txt", ".ona-new.held0001",
                                                        ".ona-new.link0001", ".ona-new.my-notes",
                                                        ".ona-new.recent01"]
    assert (data / "keep.csv").read_text() == "precious" and (held / "index.html").is_file()
    assert remove_stale_staging(report) == [".ona-new.held0001"]  # its writer is gone: the lock is free
