"""An analyst's mistakes in ona.toml, on the command line and with history files give one clear line
and exit status 2, before anything is written: no traceback, no report without its stored wave, and
no other application's database changed by ona."""

from __future__ import annotations

import shutil
import sqlite3
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest

import ona
from ona.cli import cli
from ona.config import read_config, starter_config
from ona.history import open_history

WAVE = '[waves.2025]\nroster = "roster.csv"\nties = ["ties.csv"]\n'


@pytest.fixture
def inputs(tmp_path, data_dir):
    """A folder with the roster and tie list of five people in units A and B."""
    for name in ("roster.csv", "ties.csv"):
        shutil.copy(data_dir / "analyze" / name, tmp_path / name)
    return tmp_path


def analyze(tmp_path, *options):
    return ["analyze", "--roster", str(tmp_path / "roster.csv"), "--ties", str(tmp_path / "ties.csv"),
            "--out", str(tmp_path / "report"), *options]


def assert_refused(result, message, tmp_path):
    """Exit 2 with exactly one error line, and no report folder or history file written."""
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [message]
    assert "Traceback" not in result.output
    assert not (tmp_path / "report").exists() and not (tmp_path / "report-2025").exists()
    assert not (tmp_path / "ona-history.db").exists()


# --- 1. A section or key of the wrong type in ona.toml ---------------------------------------

@pytest.mark.parametrize("content, message", [
    ("measurement = 5\n", "ona.toml, line 1: measurement must be a table such as [measurement], not 5"),
    ('units = "x"\n', """ona.toml, line 1: units must be a table such as [units] with "old name" = "new name", """
                      "not 'x'"),
    ("columns = [1]\n", "ona.toml, line 1: columns must be a table such as [columns], not [1]"),
    ("compare = 500\n", "ona.toml, line 1: compare must be a table such as [compare], not 500"),
    ("privacy = true\n", "ona.toml, line 1: privacy must be a table such as [privacy], not True"),
    ('email = "drop"\n', "ona.toml, line 1: email must be a table such as [email], not 'drop'"),
    ('ratings = "scale.toml"\n', "ona.toml, line 1: ratings must be a table such as [ratings], not 'scale.toml'"),
    ("waves = 2025\n", "ona.toml, line 1: waves must be a table such as [waves.2025], not 2025"),
    ('[waves]\n2025 = "roster.csv"\n', "ona.toml, line 2: waves.2025 must be a table such as [waves.2025], "
                                       "not 'roster.csv'"),
    ("[email]\ncc_weight = true\n", "ona.toml, line 2: cc_weight must be a number, not True"),
    ("[measurement]\nbetweenness_samples = 0\n", "ona.toml, line 2: betweenness_samples must be 1 or more, not 0"),
    ("[privacy]\nmin_group_size = 0\n", "ona.toml, line 2: min_group_size must be 1 or more, not 0"),
    ("[email]\ncc_weight = -0.5\n", "ona.toml, line 2: cc_weight must be 0 or more, not -0.5"),
    ("[email]\nmax_recipients = 0\n", "ona.toml, line 2: max_recipients must be 1 or more, not 0"),
])
def test_a_config_value_of_the_wrong_kind_is_one_line_naming_file_and_line(inputs, runner, content, message):
    config = inputs / "ona.toml"
    config.write_text(content + ("" if content.startswith(("waves", "[waves]")) else "\n" + WAVE), encoding="utf-8")
    result = runner.invoke(cli, ["run", str(config), "--wave", "2025"])
    assert_refused(result, f"Error: {message}", inputs)


@pytest.mark.parametrize("own, message", [
    ('[waves.2025.columns]\ndepartment = "Afdeling"\n',
     "ona.toml, line 5: unknown key 'department' in [waves.2025.columns]; known keys: date, email, id, name, "
     "source, target, unit, weight"),
    ("columns = {unit = 3}\n", "ona.toml, line 4: unit must be a string, not 3"),
    ('columns = "Afdeling"\n', "ona.toml, line 4: columns must be a table, not 'Afdeling'"),
    ("by = 2025\n", "ona.toml, line 4: by must be a string, not 2025"),
    ('by = "Afdelingen"\n', "roster.csv, row 1: has no column 'Afdelingen' to measure by; choose one of: "
                            "'Department', 'Directorate' (it is by in [waves.2025] of ona.toml, line 4) "
                            "[unknown-unit-column]"),
    ('[waves.2025.columns]\nunit = "Afdelingen"\n',
     "roster.csv, row 1: has no column 'Afdelingen'; its columns are: 'Employee ID', 'Name', 'Email', 'Department', "
     "'Directorate' (it is unit in [waves.2025.columns] of ona.toml, line 5) [missing-column]"),
    ('[waves.2025.columns]\nsource = "From"\n',
     "ties.csv, row 1: has no column 'From'; its columns are: 'Respondent ID', 'Colleague ID', 'Frequency' (it is "
     "source in [waves.2025.columns] of ona.toml, line 5) [missing-column]"),
    ('[columns]\nunit = "Afdelingen"\n',
     "roster.csv, row 1: has no column 'Afdelingen'; its columns are: 'Employee ID', 'Name', 'Email', 'Department', "
     "'Directorate' (it is unit in [columns] of ona.toml, line 5) [missing-column]"),
])
def test_a_waves_own_columns_or_by_that_are_wrong_are_one_line_naming_the_key(inputs, runner, own, message):
    """A wave's own headers ([waves.2025.columns], or inline columns = {...}) and its own by are
    checked as [columns] and [measurement] are: an unknown key or a value of the wrong kind names its
    line, and a header the wave's file does not have names the file, its header row and the key of
    ona.toml that gave it (as a header of [columns] now does)."""
    config = inputs / "ona.toml"
    config.write_text(WAVE + own, encoding="utf-8")
    result = runner.invoke(cli, ["run", str(config), "--wave", "2025"])
    assert_refused(result, f"Error: {message}", inputs)


@pytest.mark.parametrize("line, message", [
    ('out = ""', 'ona.toml, line 3: out is blank; name the report folder, such as out = "report-{wave}" (a blank one '
                 "would write the report among the files of the config's folder)"),
    ('out = "  "', 'ona.toml, line 3: out is blank; name the report folder, such as out = "report-{wave}" (a blank '
                   "one would write the report among the files of the config's folder)"),
    ('history = ""', 'ona.toml, line 3: history is blank; name the history file, such as history = "ona-history.db"'),
])
def test_a_blank_report_folder_or_history_is_refused_naming_its_line(inputs, runner, line, message):
    """`out = ""` was read as the config's own folder: the report's index.html, nodes.csv and the rest
    were written among the analyst's roster and ties. It is refused before anything is read or
    written, and so is a blank `history`."""
    config = inputs / "ona.toml"
    config.write_text(f"[measurement]\npermutations = 0\n{line}\n\n{WAVE}", encoding="utf-8")
    before = sorted(p.name for p in inputs.iterdir())
    result = runner.invoke(cli, ["run", str(config), "--wave", "2025"])
    assert_refused(result, f"Error: {message}", inputs)
    assert sorted(p.name for p in inputs.iterdir()) == before


def test_a_wave_with_an_empty_ties_list_is_refused_like_one_without_ties(inputs, runner):
    """`ties = []` names no tie file: it is not run as a wave of 0 ties and stored."""
    config = inputs / "ona.toml"
    config.write_text('[waves.2025]\nroster = "roster.csv"\nties = []\n', encoding="utf-8")
    result = runner.invoke(cli, ["run", str(config), "--wave", "2025"])
    assert_refused(result, "Error: ona.toml, line 3: wave '2025' lists no tie files (ties = []); name at least one",
                   inputs)


# --- 2. Numbers out of range on the command line ----------------------------------------------

@pytest.mark.parametrize("options, message", [
    (["--exact-betweenness-limit", "0", "--betweenness-samples", "0"],
     "Error: Invalid value for '--betweenness-samples': 0 is not in the range x>=1."),
    (["--exact-betweenness-limit", "0", "--betweenness-samples", "-5"],
     "Error: Invalid value for '--betweenness-samples': -5 is not in the range x>=1."),
    (["--permutations", "-3"], "Error: Invalid value for '--permutations': -3 is not in the range x>=0."),
    (["--exact-betweenness-limit", "-1"],
     "Error: Invalid value for '--exact-betweenness-limit': -1 is not in the range x>=0."),
    (["--seed", "-1"], "Error: Invalid value for '--seed': -1 is not in the range x>=0."),
])
def test_analyze_refuses_counts_out_of_range(inputs, runner, options, message):
    result = runner.invoke(cli, analyze(inputs, *options))
    assert result.exit_code == 2 and result.stderr.splitlines()[-1] == message
    assert "Traceback" not in result.output and not (inputs / "report").exists()


def test_map_refuses_a_negative_seed_and_the_smallest_counts_still_run(inputs, runner):
    result = runner.invoke(cli, ["map", "--roster", str(inputs / "roster.csv"), "--ties", str(inputs / "ties.csv"),
                                 "--out", str(inputs / "map.html"), "--seed", "-1"])
    assert result.exit_code == 2 and not (inputs / "map.html").exists()
    assert result.stderr.splitlines()[-1] == "Error: Invalid value for '--seed': -1 is not in the range x>=0."
    smallest = runner.invoke(cli, analyze(inputs, "--seed", "0", "--permutations", "0", "--exact-betweenness-limit",
                                          "0", "--betweenness-samples", "1"))
    assert smallest.exit_code == 0, smallest.output


# --- 3. `ona init` writes any path, column and label so that `ona run` reads them back ---------

@pytest.mark.parametrize("label", ["2025", "2025.1", "2025 spring", 'wave "A"'])
def test_init_then_run_round_trips_awkward_paths_and_wave_labels(inputs, runner, label):
    folder = inputs / 'in "quotes"'
    folder.mkdir()
    roster, ties = folder / "ro\\ster.csv", folder / "ties 2025.csv"
    shutil.move(inputs / "roster.csv", roster)
    shutil.move(inputs / "ties.csv", ties)
    config = inputs / "ona.toml"
    result = runner.invoke(cli, ["init", "--roster", str(roster), "--ties", str(ties), "--wave", label,
                                 "--out", str(config)])
    assert result.exit_code == 0, result.output
    assert read_config(config).waves == {label: {"roster": 'in "quotes"/ro\\ster.csv',
                                                 "ties": ['in "quotes"/ties 2025.csv']}}
    run = runner.invoke(cli, ["run", str(config), "--wave", label, "--no-history"])
    assert run.exit_code == 0, run.output
    assert (inputs / f"report-{label}" / "index.html").exists()


def test_init_writes_inputs_outside_the_configs_folder_relative_so_the_project_can_move(inputs, runner,
                                                                                       monkeypatch):
    """The analyst keeps each year's files in project/2025/ and the config in project/conf/, and runs
    `ona init --roster 2025/roster.csv --ties 2025/ties.csv --out conf/ona.toml` from the project
    folder. The config names the inputs as ../2025/... (before: /tmp/.../project/2025/roster.csv), so
    that the project folder, moved or copied to a colleague, still runs."""
    project = inputs / "project"
    (project / "2025").mkdir(parents=True)
    (project / "conf").mkdir()
    for name in ("roster.csv", "ties.csv"):
        shutil.move(inputs / name, project / "2025" / name)
    monkeypatch.chdir(project)
    result = runner.invoke(cli, ["init", "--roster", "2025/roster.csv", "--ties", "2025/ties.csv",
                                 "--out", "conf/ona.toml"])
    assert result.exit_code == 0, result.output
    assert read_config(project / "conf" / "ona.toml").waves == {
        "2025": {"roster": "../2025/roster.csv", "ties": ["../2025/ties.csv"]}}
    moved = shutil.move(project, inputs / "moved")
    monkeypatch.chdir(inputs)
    run = runner.invoke(cli, ["run", str(Path(moved) / "conf" / "ona.toml"), "--wave", "2025", "--no-history"])
    assert run.exit_code == 0, run.output
    assert (Path(moved) / "conf" / "report-2025" / "index.html").exists()


def test_the_starter_config_escapes_every_value():
    text = starter_config("C:\\data\\roster.xlsx", ['ties "a".xlsx', "x\ty"], by='Unit "new"\\', wave="2025\t1")
    data = tomllib.loads(text)
    assert data["measurement"]["by"] == 'Unit "new"\\'
    assert data["waves"] == {"2025\t1": {"roster": "C:\\data\\roster.xlsx", "ties": ['ties "a".xlsx', "x\ty"]}}


def test_init_refuses_a_wave_label_of_several_lines(inputs, runner):
    config = inputs / "ona.toml"
    result = runner.invoke(cli, ["init", "--roster", str(inputs / "roster.csv"), "--ties", str(inputs / "ties.csv"),
                                 "--wave", "2025\nrm", "--out", str(config)])
    assert result.exit_code == 2 and not config.exists()
    assert result.stderr.splitlines()[-1] == ("Error: Invalid value for --wave: a wave label is one line of text, "
                                              "without control characters")


# --- 4. A history file that cannot be created is refused before the report is written ---------

def test_a_history_in_a_missing_folder_is_refused_before_anything_is_written(inputs, runner):
    folder = inputs / "nodir"
    result = runner.invoke(cli, analyze(inputs, "--wave", "2025", "--history", str(folder / "h.db")))
    assert_refused(result, f"Error: h.db: cannot be created: its folder {folder} does not exist; create the folder "
                           "or choose another history file", inputs)
    assert not folder.exists()
    config = inputs / "ona.toml"
    config.write_text(f'[measurement]\nhistory = "nodir/h.db"\n{WAVE}', encoding="utf-8")
    result = runner.invoke(cli, ["run", str(config), "--wave", "2025"])
    assert_refused(result, f"Error: h.db: cannot be created: its folder {folder} does not exist; create the folder "
                           "or choose another history file", inputs)


def test_a_folder_named_as_the_history_is_refused_by_its_name(inputs, runner):
    config = inputs / "ona.toml"
    config.write_text(f'[measurement]\nhistory = "."\n{WAVE}', encoding="utf-8")
    result = runner.invoke(cli, ["run", str(config), "--wave", "2025"])
    assert_refused(result, f"Error: {inputs.name}: is a folder; the history is a file, such as ona-history.db",
                   inputs)


# --- 5. Listing and comparing never write; ona never adopts another application's database ----

@pytest.fixture
def foreign(inputs):
    """Another application's SQLite database, and an empty file."""
    other = inputs / "other.db"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE invoices (x)")
    (inputs / "empty.db").write_bytes(b"")
    return other


@pytest.mark.parametrize("command", [["history"], ["compare", "2024", "2025", "--out", "cmp"]])
def test_listing_or_comparing_refuses_a_file_that_is_not_an_ona_history_and_leaves_it_as_it_was(
        inputs, runner, foreign, command):
    before = foreign.read_bytes()
    result = runner.invoke(cli, [*command, "--history", str(foreign)])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == ["Error: other.db: is not an ona history file (an SQLite database without "
                                          "ona's tables)"]
    assert foreign.read_bytes() == before
    result = runner.invoke(cli, [*command, "--history", str(inputs / "empty.db")])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == ["Error: empty.db: is not an ona history file (it is empty)"]
    assert (inputs / "empty.db").stat().st_size == 0


def test_storing_refuses_another_applications_database_but_fills_an_empty_file(inputs, runner, foreign):
    before = foreign.read_bytes()
    result = runner.invoke(cli, analyze(inputs, "--wave", "2025", "--history", str(foreign)))
    assert_refused(result, "Error: other.db: is not an ona history file (an SQLite database without ona's tables)",
                   inputs)
    assert foreign.read_bytes() == before
    result = runner.invoke(cli, analyze(inputs, "--wave", "2025", "--history", str(inputs / "empty.db")))
    assert result.exit_code == 0, result.output
    listing = runner.invoke(cli, ["history", "--history", str(inputs / "empty.db")])
    assert listing.exit_code == 0 and listing.output.splitlines()[1].split()[0] == "2025"


# --- 11. A unit mapping that names a unit in no stored wave is flagged ------------------------

def test_a_misspelt_unit_mapping_is_a_warning_naming_the_config_line(tmp_path, runner, data_dir):
    """Three waves: unit A is renamed A2 in 2025. Comparing 2025 with 2026 under the mapping
    A = A2 is quiet (A is in the stored 2024 wave), but an old name in no stored wave and a new
    name in no stored wave are each one warning naming the line of ona.toml, on the terminal and
    in compare.html."""
    roster = ona.read_roster(data_dir / "analyze" / "roster.csv")
    graph = ona.build_graph(roster, ona.read_ties(data_dir / "analyze" / "ties.csv", roster))
    m = ona.measure(graph, by="Department", permutations=10)
    renamed = m.people.assign(unit=m.people["unit"].astype(object).replace({"A": "A2"}))
    history = tmp_path / "h.db"
    with open_history(history) as h:
        h.store("2024", m, graph)
        h.store("2025", replace(m, people=renamed), graph)
        h.store("2026", replace(m, people=renamed), graph)
    config = tmp_path / "ona.toml"
    config.write_text('[units]\n"A" = "A2"\n"B" = "Bee"\n"Nonexistent" = "A2"\n\n'
                      '[waves.2026]\nroster = "r.csv"\nties = "t.csv"\n', encoding="utf-8")
    result = runner.invoke(cli, ["compare", "2025", "2026", "--history", str(history), "--config", str(config),
                                 "--out", str(tmp_path / "cmp"), "--bootstraps", "20"])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "Warning: ona.toml, line 3: unit 'B' is mapped to 'Bee', in no stored wave; check its spelling",
        "Warning: ona.toml, line 4: unit 'Nonexistent' is in no stored wave, so this mapping is not used; "
        "check its spelling",
    ]
    # printed once (one code path for the command line and Python), and at the top of compare.html
    page = (tmp_path / "cmp" / "compare.html").read_text(encoding="utf-8")
    assert page.count("ona.toml, line 3: unit &#x27;B&#x27;") == 1


def test_init_writes_the_reading_options_it_was_given_so_that_run_reads_the_same(runner, tmp_path, monkeypatch):
    """The roster's headers are Danish and unknown to ona ("Nr", "Navn", "Afd") and the files use
    semicolons: `ona init` is told so, and `ona run` reads the wave with the same options."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "roster.csv").write_text("Nr;Navn;Afd\n1;Anna;X\n2;Bo;Y\n3;Cy;Y\n", encoding="utf-8")
    (tmp_path / "ties.csv").write_text("Source;Target\n1;2\n3;2\n", encoding="utf-8")
    res = runner.invoke(cli, ["init", "--roster", "roster.csv", "--ties", "ties.csv", "--id-column", "Nr",
                              "--name-column", "Navn", "--unit-column", "Afd", "--delimiter", ";", "--wave", "2025"])
    assert res.exit_code == 0, res.output
    config = read_config(tmp_path / "ona.toml")
    assert config.columns == {"id": "Nr", "name": "Navn", "unit": "Afd"}
    assert config.measurement["delimiter"] == ";"
    res = runner.invoke(cli, ["run", "ona.toml", "--wave", "2025", "--no-history"])
    assert res.exit_code == 0, res.output
    assert "Ties:                2" in res.stdout and "Units:               2 (by Afd)" in res.stdout


def test_a_wave_can_name_the_header_rows_of_its_files(runner, tmp_path, monkeypatch):
    """`roster_header_row` and `ties_header_row` in a wave do what the command-line options do."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "roster.csv").write_text("Medarbejdere\nid,name,department\na,Anna,X\nb,Bo,Y\n", encoding="utf-8")
    (tmp_path / "ties.csv").write_text("Source,Target\na,b\n", encoding="utf-8")
    res = runner.invoke(cli, ["init", "--roster", "roster.csv", "--ties", "ties.csv", "--roster-header-row", "2"])
    assert res.exit_code == 0, res.output
    assert read_config(tmp_path / "ona.toml").waves["2025"]["roster_header_row"] == 2
    res = runner.invoke(cli, ["run", "ona.toml", "--wave", "2025", "--no-history"])
    assert res.exit_code == 0, res.output
    text = (tmp_path / "ona.toml").read_text(encoding="utf-8").replace("roster_header_row = 2", "roster_header_row = 1")
    (tmp_path / "ona.toml").write_text(text, encoding="utf-8")
    res = runner.invoke(cli, ["run", "ona.toml", "--wave", "2025", "--no-history"])
    assert res.exit_code == 2 and "roster.csv, row 1: has no id column" in res.output
    (tmp_path / "ona.toml").write_text(text.replace("roster_header_row = 1", "roster_header_row = 0"), encoding="utf-8")
    res = runner.invoke(cli, ["run", "ona.toml", "--wave", "2025", "--no-history"])
    assert res.exit_code == 2 and "roster_header_row" in res.output


def test_init_writes_the_tie_options_and_the_weight_column_reads_back(runner, tmp_path, monkeypatch):
    """The tie file has a title row and Danish headers ona does not know; `ona init` is told the
    columns, the header row, the tie rule and the layer. `[columns]` weight = "Hvor tit" is a column
    name, not the email weighting (which also has a key called weight)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "roster.csv").write_text("id;name;department\n1;Anna;X\n2;Bo;Y\n3;Cy;Y\n", encoding="utf-8")
    (tmp_path / "ties.csv").write_text("Titel\nHvem;Hvem med;Hvor tit;Spørgsmål\n1;2;3;a\n3;2;1;b\n2;3;2;a\n",
                                       encoding="utf-8")
    res = runner.invoke(cli, ["init", "--roster", "roster.csv", "--ties", "ties.csv", "--delimiter", ";",
                              "--source-column", "Hvem", "--target-column", "Hvem med", "--weight-column",
                              "Hvor tit", "--ties-header-row", "2", "--tie-rule", "union", "--layer", "a"])
    assert res.exit_code == 0, res.output
    config = read_config(tmp_path / "ona.toml")
    assert config.columns == {"source": "Hvem", "target": "Hvem med", "weight": "Hvor tit"}
    assert (config.measurement["tie_rule"], config.measurement["layer"]) == ("union", "a")
    assert config.waves["2025"]["ties_header_row"] == 2
    res = runner.invoke(cli, ["run", "ona.toml", "--wave", "2025", "--no-history"])
    assert res.exit_code == 0, res.output
    assert "Ties:                4" in res.stdout  # layer a: 1->2 and 2->3, each both ways by the union rule


# --- 12. A damaged history file is one error, before the work, quoting nothing stored -------------

@pytest.fixture
def two_waves(inputs, runner):
    """ona.toml with waves 2024 and 2025 (the same five people), both run and stored."""
    config = inputs / "ona.toml"
    config.write_text('[measurement]\npermutations = 0\n\n[compare]\nbootstraps = 20\n'
                      + WAVE + WAVE.replace("2025", "2024"), encoding="utf-8")
    for wave in ("2024", "2025"):
        assert runner.invoke(cli, ["run", str(config), "--wave", wave]).exit_code == 0
    return config


def damage(history, where: bytes, length: int) -> None:
    """Overwrite ``length`` bytes of ``history`` with 0xFF, from the first stored ``where`` on (as a
    disk or a copy gone wrong overwrites a page)."""
    data = bytearray(history.read_bytes())
    start = data.index(where)
    data[start:start + length] = b"\xff" * length
    history.write_bytes(bytes(data))


DAMAGED = ("Error: ona-history.db: the history file is damaged{}: SQLite cannot read it; restore it from a backup "
           "copy, or store the waves again in a new history file [bad-history]")


def test_a_history_whose_stored_text_is_overwritten_is_one_error_that_quotes_none_of_it(two_waves, runner):
    """Bytes 0xFF in the middle of a stored frame are no UTF-8: SQLite's own message quotes the
    frame, people's ids and all ('Could not decode to UTF-8 column 'payload' with text '{"index":
    ["a1", ...'). ona names the file and what to do, and no id."""
    history = two_waves.parent / "ona-history.db"
    damage(history, b'"index": ["a1"', 30)
    result = runner.invoke(cli, ["compare", "2024", "2025", "--config", str(two_waves),
                                 "--out", str(two_waves.parent / "cmp")])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [DAMAGED.format("")]
    assert not (two_waves.parent / "cmp").exists()
    with open_history(history, read_only=True) as opened, pytest.raises(ona.InputError) as raised:
        opened.load("2024")
    assert [p.code for p in raised.value.problems] == ["bad-history"]


def test_a_comparison_written_onto_a_file_says_the_file_is_not_a_folder(two_waves, runner):
    """`ona compare 2024 2025 --out notes.txt`, notes.txt a file: click's usage error before; now
    ona's own line, and the file is kept."""
    notes = two_waves.parent / "notes.txt"
    notes.write_text("my notes", encoding="utf-8")
    result = runner.invoke(cli, ["compare", "2024", "2025", "--config", str(two_waves), "--out", str(notes)])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"Error: {notes}: is a file, not a folder; name a folder to write into, "
                                          "or move the file (nothing was written)"]
    assert notes.read_text(encoding="utf-8") == "my notes"


def test_a_history_with_a_damaged_page_stops_run_before_the_work_and_leaves_no_report_folder(two_waves, runner):
    """The first page of the frame table overwritten: SQLite says "database disk image is malformed"
    (SQLITE_CORRUPT) when it reads them. `ona compare` says the file is damaged; `ona run --replace`
    checks every page before it reads the inputs, so it neither measures for nothing nor leaves an
    empty report folder behind."""
    history = two_waves.parent / "ona-history.db"
    with sqlite3.connect(history) as db:
        page = db.execute("PRAGMA page_size").fetchone()[0]
        root = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'frame'").fetchone()[0]
    data = bytearray(history.read_bytes())
    data[(root - 1) * page:root * page] = b"\xff" * page
    history.write_bytes(bytes(data))
    result = runner.invoke(cli, ["compare", "2024", "2025", "--config", str(two_waves),
                                 "--out", str(two_waves.parent / "cmp")])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [DAMAGED.format(" (SQLite: SQLITE_CORRUPT)")]
    shutil.rmtree(two_waves.parent / "report-2025")
    result = runner.invoke(cli, ["run", str(two_waves), "--wave", "2025", "--replace"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [DAMAGED.format(" (SQLite: SQLITE_CORRUPT)")]
    assert not (two_waves.parent / "report-2025").exists()



# --- 13. ona.toml saved by Windows Notepad ----------------------------------------------------------

def test_a_config_saved_as_utf8_with_bom_is_read(inputs, runner):
    """Notepad's "UTF-8 with BOM" starts the file with EF BB BF; tomllib took it for a statement
    ("Invalid statement (at line 1, column 1)"). It is read as the UTF-8 it is."""
    config = inputs / "ona.toml"
    config.write_bytes(b"\xef\xbb\xbf" + f'[measurement]\nby = "Department"  # afdeling\n{WAVE}'.encode())
    assert read_config(config).measurement == {"by": "Department"}
    result = runner.invoke(cli, ["run", str(config), "--wave", "2025", "--no-history"])
    assert result.exit_code == 0, result.output


def test_a_config_in_windows_1252_is_one_line_saying_to_save_it_as_utf8(inputs, runner):
    """"# Økonomi og afdelinger" saved as Windows-1252 (Ø = byte D8, no UTF-8) on line 2: a
    UnicodeDecodeError traceback before; now the line, and what to do."""
    config = inputs / "ona.toml"
    config.write_bytes(f'[measurement]\n# Økonomi og afdelinger\nby = "Department"\n{WAVE}'.encode("cp1252"))
    result = runner.invoke(cli, ["run", str(config), "--wave", "2025", "--no-history"])
    assert_refused(result, "Error: ona.toml, line 2: is not UTF-8 text (an older Windows encoding such as "
                           "Windows-1252?); save the file as UTF-8", inputs)


# --- 14. A wave label is the one rule of `ona init` everywhere, and names no folder in a folder ---

BLANK = "a wave label cannot be blank; give one such as 2025"
SLASH = ("a wave label cannot hold / or \\ (it names the wave's report folder, where a slash makes a folder in a "
         "folder); write 2024-25, not 2024/25")


@pytest.mark.parametrize("label, message", [
    ("", BLANK), ("   ", BLANK), ("20\n25", "a wave label is one line of text, without control characters"),
    ("2024/25", SLASH), ("2024\\25", SLASH)])
def test_analyze_refuses_the_wave_labels_init_refuses(inputs, runner, label, message):
    """A blank label was stored and listed by `ona history` as an empty row; "20\\n25" broke the
    listing in two lines; with out = "report-{wave}", "2024/25" made report-2024/25/ inside
    report-2024/."""
    result = runner.invoke(cli, analyze(inputs, "--wave", label))
    assert result.exit_code == 2 and not (inputs / "report").exists() and not (inputs / "ona-history.db").exists()
    assert result.stderr.splitlines()[-1] == f"Error: Invalid value for --wave: {message}"
    init = runner.invoke(cli, ["init", "--roster", str(inputs / "roster.csv"), "--ties", str(inputs / "ties.csv"),
                               "--wave", label, "--out", str(inputs / "ona.toml")])
    assert init.exit_code == 2 and init.stderr.splitlines()[-1] == f"Error: Invalid value for --wave: {message}"


def test_a_wave_of_ona_toml_and_a_stored_label_follow_the_same_rule(inputs, runner):
    config = inputs / "ona.toml"
    config.write_text('[measurement]\npermutations = 0\n\n[waves."2024/25"]\nroster = "roster.csv"\n'
                      'ties = ["ties.csv"]\n', encoding="utf-8")
    result = runner.invoke(cli, ["run", str(config), "--wave", "2024/25"])
    assert_refused(result, f'Error: ona.toml, line 4: [waves."2024/25"]: {SLASH}', inputs)
    roster = ona.read_roster(inputs / "roster.csv")
    graph = ona.build_graph(roster, ona.read_ties(inputs / "ties.csv", roster))
    with open_history(inputs / "h.db") as history:
        with pytest.raises(ona.InputError) as raised:
            history.store(" ", ona.measure(graph, permutations=0), graph)
        assert history.labels() == []
    assert [(p.code, p.message) for p in raised.value.problems] == [("bad-argument", f"History.store(label): {BLANK}")]


def test_a_history_another_program_is_writing_is_said_to_be_busy_not_damaged(two_waves, runner):
    """Another program holds the history's exclusive lock (its commit): `ona history` said "is not
    an ona history file (database is locked)"; it says another program is writing it."""
    history = two_waves.parent / "ona-history.db"
    other = sqlite3.connect(history, timeout=0)
    other.execute("BEGIN EXCLUSIVE")
    try:
        result = runner.invoke(cli, ["history", "--history", str(history)])
    finally:
        other.rollback()
        other.close()
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "Error: ona-history.db: is being written by another program (SQLite: database is locked); wait until it "
        "is done, or close the program that has it open, and run again"]
