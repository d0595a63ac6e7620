"""Outputs that agree with each other and fail safely, one story per test: metrics.json's extra
tables with the workbook's columns, nodes.csv without two columns named alike, ingest messages a
library user can act on, pseudonyms that never merge two people, and a history file that cannot be
written refused before the analysis."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

import ona
from ona.cli import cli
from ona.errors import InputError, OnaError
from ona.ingest.email import EmailOptions, read_email

from conftest import write_csv


@pytest.fixture
def rated_town(tmp_path):
    """Alpha (5 people, line) and Beta (5, support) rate each other on two questions; a ring of ties.
    The roster has a team column called Unit beside the Department measured."""
    people = [["Employee ID", "Name", "Unit", "Department", "Function"]]
    for k in range(1, 11):
        department = "Alpha" if k <= 5 else "Beta"
        people.append([f"P{k:02d}", f"Person {k}", f"Team {k % 2}", department,
                       "support" if department == "Beta" else "line"])
    write_csv(tmp_path / "roster.csv", people)
    write_csv(tmp_path / "ties.csv", [["Source", "Target"]] + [[f"P{k:02d}", f"P{k % 10 + 1:02d}"]
                                                                for k in range(1, 11)])
    answers = [["Respondent", "Rated unit", "timely", "helpful"]]
    answers += [[f"P{k:02d}", "Beta" if k <= 5 else "Alpha", str(1 + k % 5), str(1 + (k + 2) % 5)]
                for k in range(1, 11)]
    write_csv(tmp_path / "ratings.csv", answers)
    return tmp_path


def _analyze(runner, town, *extra):
    result = runner.invoke(cli, ["--silent", "analyze", "--roster", str(town / "roster.csv"), "--ties",
                                 str(town / "ties.csv"), "--ratings", str(town / "ratings.csv"),
                                 "--by", "Department", "--out", str(town / "out"), "--permutations", "0", *extra])
    assert result.exit_code == 0, result.output
    return town / "out"


# --- 1. metrics.json's extra tables have the workbook's columns ------------------------------------

def test_metrics_json_extra_tables_have_the_columns_of_the_workbook_sheets(rated_town, runner):
    """A script reading metrics.json's rating_cells or fragile_bridges found a field "key" (0, 1,
    2...: the row number) that the same sheet of metrics.xlsx no longer has. Each extra table now
    has, record by record, exactly the columns of its sheet, in the same order."""
    out = _analyze(runner, rated_town)
    metrics = json.loads((out / "metrics.json").read_text("utf-8"))
    book = load_workbook(out / "metrics.xlsx", read_only=True)
    extras = ["fragile_bridges", "must_not_leave", "unit_communities", "rating_cells", "rating_gaps",
              "rated_vs_ties", "rating_units", "support_reach"]
    assert [name for name in extras if not metrics[name]] == ["must_not_leave"]  # two ties link the units
    for name in extras:
        header = list(next(book[name].iter_rows(max_row=1, values_only=True)))
        for record in metrics[name]:
            assert list(record) == header, name
    assert not any("key" in record for name in extras for record in metrics[name])
    assert list(metrics["rating_cells"][0])[:2] == ["measure", "rater_unit"]


# --- 2. nodes.csv, GEXF and GraphML: no two columns named alike --------------------------------------

def _graphml_names(path) -> list[str]:
    return re.findall(r'<key id="d\d+" for="node" attr.name="([^"]*)"', path.read_text("utf-8"))


def _gexf_titles(path) -> list[str]:
    return re.findall(r'<attribute id="\d+" title="([^"]*)"', path.read_text("utf-8"))


def test_nodes_csv_keeps_the_roster_columns_and_names_no_two_columns_alike(rated_town, runner):
    """nodes.csv had the roster's Name and Unit and, beside them, ona's name (the same names) and
    unit (the Department measured): loaded into SQLite it failed ("duplicate column name: name").
    Now the roster's columns stay as they are, under their own headers, followed by the measures;
    ona's copies of the name and the measured unit are not repeated. GEXF and GraphML carry the
    same columns."""
    out = _analyze(runner, rated_town)
    nodes = pd.read_csv(out / "nodes.csv", encoding="utf-8-sig", dtype=str)
    assert list(nodes.columns[:6]) == ["id", "Name", "Unit", "Department", "Function", "in_degree"]
    assert len({c.casefold() for c in nodes.columns}) == len(nodes.columns)
    row = nodes.set_index("id").loc["P06"]
    assert (row["Name"], row["Unit"], row["Department"]) == ("Person 6", "Team 0", "Beta")
    nodes.to_sql("nodes", sqlite3.connect(":memory:"), index=False)
    attributes = list(nodes.columns[1:])
    assert _graphml_names(out / "network.graphml") == attributes
    assert _gexf_titles(out / "network.gexf") == attributes



# --- 3. ingest messages name the Python parameter beside the option ----------------------------------

@pytest.fixture
def inputs(tmp_path):
    """A roster, and input files each wrong in one way."""
    write_csv(tmp_path / "roster.csv", [["id", "name", "department"], ["a1", "Ann", "A"], ["a2", "Bo", "A"],
                                        ["b1", "Cy", "B"]])
    (tmp_path / "cp1252.csv").write_bytes("id,name,department\na1,Søren,A\n".encode("cp1252"))
    (tmp_path / "long.csv").write_text('id,name\na1,Ann\na2,"' + "x" * 200_000 + '"\n', encoding="utf-8")
    pd.DataFrame({"id": ["a1"], "department": ["A"]}).to_parquet(tmp_path / "roster.parquet")
    write_csv(tmp_path / "edges.csv", [["Source", "Target", "Weight"], ["a1", "a2", "1"]])
    write_csv(tmp_path / "wide.csv", [["Respondent", "Colleague 1", "Colleague 2"], ["a1", "a2", "b1"]])
    write_csv(tmp_path / "odd.csv", [["Who", "What"], ["x", "y"]])
    (tmp_path / "no_recipients.csv").write_text("Sender,Subject\na@x.dk,hi\n", encoding="utf-8")
    (tmp_path / "no_time.csv").write_text("From,To,Zeitpunkt\na@x.dk,b@x.dk,2025\n", encoding="utf-8")
    return tmp_path


LIBRARY_CALLS = [
    (lambda d, r: ona.read_roster(d / "cp1252.csv", encoding="ascii"),
     "cp1252.csv: cannot be decoded as ascii; check --encoding, --roster-encoding or --ties-encoding "
     "(encoding= in Python), or save the file again as CSV UTF-8 [bad-encoding]"),
    (lambda d, r: ona.read_roster(d / "roster.csv", header_row=9),
     "roster.csv: row 9 has no header cells; check the header row given: --roster-header-row or --ties-header-row "
     "(header_row= in Python) [no-header]"),
    (lambda d, r: ona.read_roster(d / "long.csv"),
     "long.csv, row 3: a cell is longer than 131,072 characters; check the quoting and the delimiter: --delimiter "
     "(delimiter= in Python) [bad-csv]"),
    (lambda d, r: ona.read_roster(d / "roster.parquet", header_row=2),
     "roster.parquet: is a Parquet table: its column names are its header, not row 2; leave out --roster-header-row "
     "or --ties-header-row (header_row= in Python) [no-header]"),
    (lambda d, r: ona.read_roster(d / "roster.parquet", sheet="People"),
     "roster.parquet: is a Parquet table, which has no sheets; leave out --roster-sheet or --ties-sheet "
     "(sheet= in Python), which name a sheet of an Excel workbook [no-sheets]"),
    (lambda d, r: ona.read_roster(d / "roster.csv", sheet="People"),
     "roster.csv: is a text file, which has no sheets; leave out --roster-sheet or --ties-sheet (sheet= in Python), "
     "which name a sheet of an Excel workbook [no-sheets]"),
    (lambda d, r: ona.read_ties(d / "edges.csv", r, weight_column="Source"),
     "edges.csv, row 1, column 'Source': this column is named as both the source and the weight column; give each "
     "its own column: --source-column, --target-column, --weight-column, --date-column (source_column=, "
     "target_column=, weight_column=, date_column= in Python) [same-column]"),
    (lambda d, r: ona.read_ties(d / "wide.csv", r, weight_column="Colleague 1"),
     "wide.csv, row 1: a wide sheet has a frequency column per colleague column: with --weight-column "
     "(weight_column= in Python), name its colleague column with --target-column (target_column= in Python) "
     "[weight-without-target]"),
    (lambda d, r: ona.read_ties(d / "odd.csv", r),
     "odd.csv, row 1: cannot tell who reported ties to whom: no source/target columns, no matrix and no colleague "
     "columns naming roster people; use --ties-format, --source-column and --target-column (ties_format=, "
     "source_column=, target_column= in Python) [unknown-shape]"),
    (lambda d, r: read_email(d / "no_recipients.csv", r),
     "no_recipients.csv, row 1: has no sender and recipient columns (e.g. From and To, or sender and recipient); "
     "name them or pass --email-format (format= in Python) [email-columns]"),
    (lambda d, r: read_email(d / "no_time.csv", r, EmailOptions(since="2025-01-01")),
     "no_time.csv, row 1: has no time column, so --since cannot apply; a column is read as the time when its header "
     "is one of: timestamp, date, sent, sent at, time, datetime, received, sent date, origin timestamp utc, "
     "eventdate, event date, date time, dato, date (utc), sent (utc), time (utc), sent on; rename it, or leave out "
     "--since (since= in Python) [no-time-column]"),
    (lambda d, r: read_email(d / "no_time.csv", r, EmailOptions(since="01.03.2025")),
     "--since '01.03.2025' (since= in Python) is not a date; write it as YYYY-MM-DD (or YYYY-MM-DD HH:MM:SS)"),
]


@pytest.mark.parametrize("call, message", LIBRARY_CALLS, ids=[
    "encoding", "header-row", "delimiter", "parquet-header-row", "parquet-sheet", "csv-sheet", "same-column",
    "weight-without-target", "unknown-shape", "email-format", "time-window", "since-not-a-date"])
def test_a_library_user_is_told_the_parameter_to_pass_as_well_as_the_option(inputs, call, message):
    """A script calling read_roster, read_ties or read_email was told to check "--delimiter" or
    "--roster-header-row", options it cannot pass. Each message names the option and, in one form,
    the Python parameter: "--delimiter (delimiter= in Python)"; on one line."""
    roster = ona.read_roster(inputs / "roster.csv")
    with pytest.raises((InputError, OnaError)) as caught:
        call(inputs, roster)
    assert str(caught.value) == message
    assert "\n" not in str(caught.value)


# --- 4. two people never share a pseudonym ---------------------------------------------------------

@pytest.fixture
def staff(tmp_path):
    """Six people with addresses (rows 2-7), two departments; a ring of ties; a mail log; a key."""
    write_csv(tmp_path / "roster.csv", [["Employee ID", "Name", "Email", "Department"]] + [
        [f"E{k}", f"Person {k}", f"p{k}@org.dk", "Alpha" if k <= 3 else "Beta"] for k in range(1, 7)])
    write_csv(tmp_path / "ties.csv", [["Source", "Target"]] + [[f"E{k}", f"E{k % 6 + 1}"] for k in range(1, 7)])
    (tmp_path / "mail.csv").write_text("From,To\n" + "".join(f"p{k}@org.dk,p{k % 6 + 1}@org.dk\n"
                                                            for k in range(1, 7)), encoding="utf-8")
    (tmp_path / "key.bin").write_bytes(b"KEY-5d1f0b9e7c3a2468ace0")
    return tmp_path


def _collide(monkeypatch, *addresses):
    """The keyed hash, made to give ``addresses`` one pseudonym (a collision, forced)."""
    from ona.ingest import email as email_module

    real = email_module.pseudonym
    monkeypatch.setattr(email_module, "pseudonym", lambda key, identity: "p-00000000000000ff"
                        if identity in addresses else real(key, identity))


COLLISION = ("gets the same pseudonym as row 4, so the two would be counted as one person: the keyed hash collided; "
             "pseudonymise again with a new key file (32 random bytes); pseudonyms made with the old key will not "
             "match the new ones [pseudonym-collision]")


def test_two_people_whose_pseudonyms_collide_stop_the_analysis(staff, runner, monkeypatch):
    """Persons 3 and 6 get one pseudonym: they were merged silently into one node with both
    people's ties. Now the run stops with one line that names the rows, not the people, and
    writes nothing."""
    _collide(monkeypatch, "p3@org.dk", "p6@org.dk")
    result = runner.invoke(cli, ["--silent", "analyze", "--roster", str(staff / "roster.csv"), "--ties",
                                 str(staff / "ties.csv"), "--pseudonymize", str(staff / "key.bin"),
                                 "--out", str(staff / "out"), "--permutations", "0"])
    assert result.exit_code == 2
    assert result.output == f"Error: roster.csv, row 7, column 'Email': {COLLISION}\n"
    assert not (staff / "out").exists()


def test_ona_email_with_colliding_pseudonyms_writes_no_tie_table(staff, runner, monkeypatch):
    """`ona email --pseudonymize` would have written one p-... for persons 3 and 6 in ties.csv."""
    _collide(monkeypatch, "p3@org.dk", "p6@org.dk")
    result = runner.invoke(cli, ["--silent", "email", str(staff / "mail.csv"), "--roster", str(staff / "roster.csv"),
                                 "--pseudonymize", str(staff / "key.bin"), "--out", str(staff / "ties_out.csv")])
    assert result.exit_code == 2
    assert result.output == f"Error: roster.csv, row 7, column 'Email': {COLLISION}\n"
    assert not (staff / "ties_out.csv").exists()


def test_a_shortened_hash_reports_every_person_who_would_be_merged(tmp_path, monkeypatch):
    """With the hash cut to one hex digit, 20 people share at most 16 pseudonyms: apply_privacy
    raises one InputError naming every person after the first of each shared pseudonym, each by
    row only, and never returns a roster where two people are one."""
    from ona.ingest import email as email_module
    from ona.ingest.email import apply_privacy

    real = email_module.pseudonym
    monkeypatch.setattr(email_module, "pseudonym", lambda key, identity: real(key, identity)[:3])
    write_csv(tmp_path / "roster.csv", [["id", "email", "department"]] + [
        [f"E{k}", f"p{k}@org.dk", "Alpha"] for k in range(1, 21)])
    roster = ona.read_roster(tmp_path / "roster.csv")
    ties = ona.read_ties(write_csv(tmp_path / "ties.csv", [["source", "target"], ["E1", "E2"]]), roster)
    key = b"KEY-5d1f0b9e7c3a2468ace0"
    with pytest.raises(InputError) as caught:
        apply_privacy(roster, ties, key=key)
    shared = 20 - len({real(key, f"p{k}@org.dk")[:3] for k in range(1, 21)})
    problems = caught.value.problems
    assert shared >= 4 and len(problems) == shared
    assert {p.code for p in problems} == {"pseudonym-collision"}
    assert all(2 <= p.row <= 21 and p.column == "email" and "@" not in p.message for p in problems)


# --- 5. a history that cannot be written is refused before the analysis ----------------------------

@pytest.fixture
def wave_inputs(staff, monkeypatch):
    """The staff's roster replaced by an empty file (reading it would be an error of its own, so
    an error about the history alone shows that nothing was read), and an ona.toml for `ona run`."""
    (staff / "roster.csv").write_bytes(b"")
    (staff / "ona.toml").write_text('[measurement]\nhistory = "HISTORY"\n[waves.2025]\nroster = "roster.csv"\n'
                                    'ties = ["ties.csv"]\n', encoding="utf-8")
    monkeypatch.chdir(staff)
    return staff


def _store(runner, folder, history, command):
    """`ona analyze ... --wave 2025 --history HISTORY`, or `ona run` of the same wave."""
    if command == "run":
        config = folder / "ona.toml"
        config.write_text(config.read_text("utf-8").replace("HISTORY", history), encoding="utf-8")
        return runner.invoke(cli, ["run", str(config), "--wave", "2025"])
    return runner.invoke(cli, ["analyze", "--roster", str(folder / "roster.csv"), "--ties", str(folder / "ties.csv"),
                               "--out", str(folder / "report"), "--wave", "2025", "--history", history])


def _as_given(name, folder, command) -> Path:
    """How a message names a path: as typed after --history, or resolved from ona.toml's folder."""
    return folder / name if command == "run" else Path(name)


def _refused(result, message, folder):
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [message]
    assert not (folder / "report").exists() and not (folder / "report-2025").exists()


@pytest.mark.parametrize("command", ["analyze", "run"])
def test_a_history_under_a_file_is_refused_as_such_before_reading(wave_inputs, runner, command):
    """--history notes.txt/h.db where notes.txt is a file: the message said its folder "does not
    exist", though it does, as a file."""
    (wave_inputs / "notes.txt").write_text("not a folder", encoding="utf-8")
    _refused(_store(runner, wave_inputs, "notes.txt/h.db", command),
             f"Error: h.db: cannot be created: {_as_given('notes.txt', wave_inputs, command)} is a file, not a "
             "folder; choose another history file", wave_inputs)
    assert (wave_inputs / "notes.txt").read_text(encoding="utf-8") == "not a folder"


@pytest.mark.parametrize("command", ["analyze", "run"])
def test_a_folder_with_the_journal_name_beside_the_history_is_refused_before_reading(wave_inputs, runner, command):
    """SQLite writes h.db-journal beside h.db while it stores a wave; a folder of that name (root or
    not, nobody can write a file there) was reported as "h.db: is not an ona history file (disk I/O
    error)". It is named, and the history is left as it was."""
    with sqlite3.connect(wave_inputs / "h.db"):
        pass
    (wave_inputs / "h.db-journal").mkdir()
    _refused(_store(runner, wave_inputs, "h.db", command),
             "Error: h.db: cannot be written: h.db-journal beside it is a folder, the name SQLite gives its journal "
             "file; move that folder or choose another history file", wave_inputs)


@pytest.mark.parametrize("command", ["analyze", "run"])
@pytest.mark.parametrize("read_only, message", [
    ("folder", "Error: h.db: cannot be created: its folder {folder} is read-only (a history is written with a "
               "journal file beside it); choose a folder you can write to"),
    ("file", "Error: h.db: cannot be written: the file is read-only; make it writable or choose another history "
             "file")])
def test_a_read_only_history_is_refused_before_reading_not_after_the_analysis(wave_inputs, runner, monkeypatch,
                                                                             command, read_only, message):
    """A read-only folder or history file failed only when the wave was stored, after the whole
    analysis and with the report written. The tests run as root, whom chmod does not stop, so the
    operating system's answer for a user without write permission is given by os.access (as the
    kernel gives it for a read-only file system): the run stops first, with one line."""
    import os

    (wave_inputs / "history").mkdir()
    if read_only == "file":
        with sqlite3.connect(wave_inputs / "history" / "h.db"):
            pass
    denied = wave_inputs / "history" / ("h.db" if read_only == "file" else "")
    real = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: False if Path(path).resolve() == denied.resolve()
                        and mode & os.W_OK else real(path, mode, **kw))
    _refused(_store(runner, wave_inputs, str(Path("history") / "h.db"), command),
             message.format(folder=_as_given("history", wave_inputs, command)), wave_inputs)


def test_gephi_shows_each_person_by_name_and_a_pseudonymised_one_by_pseudonym(tmp_path, runner):
    """network.gexf labels each node with the person's name (as the maps do), escaped, while the node
    id stays the roster id; a person without a name, and everyone under --pseudonymize, is labelled
    by their id or pseudonym."""
    import networkx as nx

    write_csv(tmp_path / "roster.csv", [["Employee ID", "Name", "Department"], ["E1", "Ann <script>", "Alpha"],
                                        ["E2", "", "Alpha"], ["E3", "Cy & Co", "Beta"]])
    write_csv(tmp_path / "ties.csv", [["Source", "Target"], ["E1", "E2"], ["E2", "E3"], ["E3", "E1"]])
    base = ["analyze", "--roster", str(tmp_path / "roster.csv"), "--ties", str(tmp_path / "ties.csv"),
            "--permutations", "0"]
    assert runner.invoke(cli, [*base, "--out", str(tmp_path / "out")]).exit_code == 0
    gexf = nx.read_gexf(tmp_path / "out" / "network.gexf")
    assert {node: data["label"] for node, data in gexf.nodes(data=True)} == {
        "E1": "Ann <script>", "E2": "E2", "E3": "Cy & Co"}
    assert "<script>" not in (tmp_path / "out" / "network.gexf").read_text(encoding="utf-8")
    key = tmp_path / "key.bin"
    key.write_bytes(b"a secret of more than sixteen bytes")
    assert runner.invoke(cli, [*base, "--out", str(tmp_path / "pseudo"), "--pseudonymize", str(key)]).exit_code == 0
    gexf = nx.read_gexf(tmp_path / "pseudo" / "network.gexf")
    assert all(data["label"] == node and node.startswith("p-") for node, data in gexf.nodes(data=True))
