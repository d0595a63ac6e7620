"""What ona writes, and reads back, as an analyst meets it: a script run in a terminal that drew
progress bars nobody asked for, a report folder that kept an earlier run's ratings page, a tie table
`ona email` wrote that `ona analyze` could not read, a report that did not say it was pseudonymised,
an error that printed a person's name and address as "headers", and a pseudonymised tie table that
failed with one unknown-person error per row."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys

import pytest

import ona
from ona.cli import cli

from conftest import ROOT, write_csv


@pytest.fixture
def town(tmp_path):
    """Six people in two departments (with e-mail addresses), a survey tie list and a message log."""
    write_csv(tmp_path / "roster.csv", [
        ["Employee ID", "Name", "Email", "Department"],
        ["a1", "Åse Ødegård", "ase@kommune.example", "Alpha"],
        ["a2", "Bo Bøgh", "bo@kommune.example", "Alpha"],
        ["a3", "Cai Dahl", "cai@kommune.example", "Alpha"],
        ["b1", "Dan Ek", "dan@kommune.example", "Beta"],
        ["b2", "Eva Lund", "eva@kommune.example", "Beta"],
        ["b3", "Finn Holm", "finn@kommune.example", "Beta"],
    ])
    write_csv(tmp_path / "ties.csv", [["Source", "Target", "Weight"], ["a1", "a2", "3"], ["a2", "a3", "1"],
                                      ["a3", "b1", "2"], ["b1", "b2", "1"], ["b2", "b3", "1"], ["b3", "a1", "1"]])
    write_csv(tmp_path / "mail.csv", [
        ["Message-ID", "From", "To", "Cc", "Date", "Subject"],
        ["m1", "ase@kommune.example", "bo@kommune.example; cai@kommune.example", "", "2025-01-02 09:00", "x"],
        ["m2", "bo@kommune.example", "ase@kommune.example", "dan@kommune.example", "2025-01-03 09:00", "x"],
        ["m3", "dan@kommune.example", "eva@kommune.example; finn@kommune.example", "", "2025-01-04 09:00", "x"],
        ["m4", "ase@kommune.example", "bo@kommune.example", "", "2025-01-05 09:00", "x"],
    ])
    return tmp_path


# --- progress bars: the command draws them, a script does not unless it asks ----------------------

def _in_a_terminal(args: list[str]) -> str:
    """What ``python args`` writes to a pseudo-terminal (stdin, stdout and stderr all on it), as an
    analyst running it in a terminal would see it; run from the worktree, so this ona is tested."""
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, *args], stdin=follower, stdout=follower, stderr=follower,
                               cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    os.close(follower)
    out = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the other end closed: the process ended
            break
        if not chunk:
            break
        out += chunk
    os.close(leader)
    assert process.wait(timeout=120) == 0, out.decode(errors="replace")
    return out.decode(errors="replace")


def _library_script(town, before: str = "") -> str:
    return (f"import ona\nfrom ona.ingest.email import read_email\n{before}"
            f"r = ona.read_roster({str(town / 'roster.csv')!r})\n"
            f"g = ona.build_graph(r, ona.read_ties({str(town / 'ties.csv')!r}, r))\n"
            f"ona.measure(g, by='Department', permutations=10)\n"
            f"read_email([{str(town / 'mail.csv')!r}], r)\n"
            "print('SCRIPT DONE')\n")


def test_a_script_run_in_a_terminal_draws_no_progress_bars(town):
    """measure() drew a six-step bar and read_email() a two-step one (with cursor-hiding escapes)
    into the analyst's terminal; the library alone now writes nothing there."""
    assert _in_a_terminal(["-c", _library_script(town)]) == "SCRIPT DONE\r\n"


def test_a_script_that_asks_for_progress_gets_the_bars(town):
    shown = _in_a_terminal(["-c", _library_script(town, before="ona.show_progress(True)\n")])
    assert "bridges" in shown and "6/6" in shown  # the last step of measure()
    assert "reading email exports" in shown and "aggregating" in shown  # the steps of read_email()
    assert shown.endswith("SCRIPT DONE\r\n")


def test_the_command_in_a_terminal_still_draws_its_bar_and_silent_stops_it(town):
    command = ["-m", "ona", "analyze", "--roster", str(town / "roster.csv"), "--ties", str(town / "ties.csv"),
               "--permutations", "10", "--out", str(town / "report")]
    shown = _in_a_terminal(command)
    assert "reading and measuring" in shown and "2/2" in shown and "bridges" in shown
    silent = _in_a_terminal(["-m", "ona", "--silent", *command[2:]])
    assert "[#" not in silent and "reading and measuring" not in silent and "People:" in silent


def test_running_the_command_in_a_script_leaves_the_library_silent_afterwards(town):
    """The command switches progress on for its own run only: a script (or a notebook) that calls
    the CLI once is not left drawing bars from every measure() after it."""
    command = ["--silent", "analyze", "--roster", str(town / "roster.csv"), "--ties", str(town / "ties.csv"),
               "--permutations", "0", "--out", str(town / "report")]
    script = (f"import ona\nfrom ona.cli import cli\ncli({command!r}, standalone_mode=False)\n"
              f"cli({command[1:]!r}, standalone_mode=False)\nprint('CLI DONE')\n"
              + _library_script(town).split("\n", 1)[1])
    shown = _in_a_terminal(["-c", script])
    assert "reading and measuring" in shown  # the second command run drew its bar
    assert shown.split("CLI DONE\r\n")[1] == "SCRIPT DONE\r\n"


# --- the report folder holds this report's files, and no earlier report's -------------------------

def _analyze(runner, town, *extra: str, out: str = "report"):
    result = runner.invoke(cli, ["--silent", "analyze", "--roster", str(town / "roster.csv"), "--ties",
                                 str(town / "ties.csv"), "--permutations", "0", "--out", str(town / out), *extra])
    return result


@pytest.fixture
def ratings(town):
    """Each person rates the other department on one question (1-5)."""
    return write_csv(town / "ratings.csv", [["Respondent", "Rated unit", "timely"],
                                            *[[p, "Beta" if p[0] == "a" else "Alpha", str(k % 5 + 1)]
                                              for k, p in enumerate(["a1", "a2", "a3", "b1", "b2", "b3"])]])


def test_a_run_without_ratings_removes_the_ratings_page_of_the_run_before(runner, town, ratings):
    """Run 1 with --ratings, run 2 without, same --out: ratings.html of run 1 stayed beside run 2's
    report (index.html no longer linked it). The folder now holds exactly run 2's files, and the
    analyst's own notes.txt in it stays."""
    assert _analyze(runner, town, "--ratings", str(ratings)).exit_code == 0
    report = town / "report"
    assert (report / "ratings.html").is_file()
    (report / "notes.txt").write_text("my notes", encoding="utf-8")
    result = _analyze(runner, town)
    assert result.exit_code == 0, result.output
    written = result.output.splitlines()[-1].split(": ", 1)[1].split(", ")  # "Report written to ...: a, b"
    assert sorted(p.name for p in report.iterdir()) == sorted([*written, "notes.txt", ".ona-report"])
    assert "ratings.html" not in written
    assert (report / "notes.txt").read_text(encoding="utf-8") == "my notes"


def test_every_file_a_report_writes_is_one_it_knows_as_its_own(tmp_path, town, ratings):
    """The list of a report's own files (the ones a later run may remove) is the list of files the
    fullest report writes: a new page added to the report without it would be left behind."""
    from ona.pipeline import analyze
    from ona.report import REPORT_FILES, REPORT_MANIFEST

    roster = ona.read_roster(town / "roster.csv")
    done = analyze(roster, ona.read_ties(town / "ties.csv", roster), ratings_path=ratings, by="Department",
                   permutations=0)
    paths = ona.write_report(done.measurement, done.graph, tmp_path / "full", ratings=done.ratings)
    assert sorted(p.name for p in (tmp_path / "full").iterdir()) == sorted([*REPORT_FILES, REPORT_MANIFEST])
    listed = (tmp_path / "full" / REPORT_MANIFEST).read_text(encoding="utf-8").splitlines()
    assert sorted(line for line in listed if not line.startswith("#")) == sorted(REPORT_FILES)
    assert sorted(p.name for p in paths.values()) == sorted(REPORT_FILES)


def test_a_report_into_a_folder_of_the_users_own_files_keeps_their_ratings_page(runner, town):
    """The analyst's folder holds their own ratings.html (the name of a page ona writes only with
    --ratings) and never held an ona report: `ona analyze --out` there without --ratings deleted it.
    Only a file an earlier report's list (.ona-report) names is ona's to remove, so it stays, as it
    was; a second run, with that list now there, keeps it too."""
    report = town / "report"
    report.mkdir()
    (report / "ratings.html").write_text("<p>my own ratings</p>", encoding="utf-8")
    for _ in range(2):
        result = _analyze(runner, town)
        assert result.exit_code == 0, result.output
        assert (report / "ratings.html").read_text(encoding="utf-8") == "<p>my own ratings</p>"
        assert (report / "index.html").is_file()
    assert "ratings.html" not in (report / ".ona-report").read_text(encoding="utf-8")


def test_a_swap_that_fails_midway_keeps_the_earlier_report_with_its_ratings_page(runner, town, ratings,
                                                                                 monkeypatch):
    """All or nothing includes the removal: when moving the new files in fails, the earlier report
    is back, ratings page and all, byte for byte; run again, the report has no ratings page."""
    from ona import _files

    assert _analyze(runner, town, "--ratings", str(ratings)).exit_code == 0
    report = town / "report"
    before = {p.name: p.read_bytes() for p in report.iterdir()}
    real_replace, failed = os.replace, []

    def failing_replace(src, dst):
        # ratings.html is set aside and edges.csv, index.html, map.html placed before metrics.json fails
        if os.fspath(dst) == str(report / "metrics.json") and not failed:
            failed.append(dst)
            raise PermissionError(13, "Permission denied", str(dst))
        return real_replace(src, dst)

    monkeypatch.setattr(_files.os, "replace", failing_replace)
    result = _analyze(runner, town)
    assert result.exit_code == 2
    assert result.output == "Error: metrics.json: Permission denied (nothing of the new report was written)\n"
    assert {p.name: p.read_bytes() for p in report.iterdir()} == before
    monkeypatch.undo()  # the disk is writable again: the run again replaces the whole report
    assert _analyze(runner, town).exit_code == 0
    assert sorted(p.name for p in report.iterdir()) == sorted(set(before) - {"ratings.html"})


def test_a_report_written_onto_a_file_is_an_ona_error_naming_it(runner, town):
    """write_report onto an existing file raised a bare FileExistsError; a --out folder under a file
    printed "Not a directory". Both now say which path is a file, and the CLI exits 2."""
    roster = ona.read_roster(town / "roster.csv")
    graph = ona.build_graph(roster, ona.read_ties(town / "ties.csv", roster))
    result = ona.measure(graph, by="Department", permutations=0)
    (town / "afile").write_text("not a folder", encoding="utf-8")
    with pytest.raises(ona.OnaError) as raised:
        ona.write_report(result, graph, town / "afile")
    assert str(raised.value) == (f"{town / 'afile'}: is a file, not a folder; name a folder to write into, "
                                 "or move the file (nothing was written)")
    cli_result = _analyze(runner, town, out="afile/report")
    assert cli_result.exit_code == 2
    assert cli_result.output == (f"Error: {town / 'afile' / 'report'}: cannot be made: {town / 'afile'} is a file, "
                                 "not a folder; name a folder to write into, or move the file (nothing was written)\n")
    assert (town / "afile").read_text(encoding="utf-8") == "not a folder"


@pytest.mark.parametrize("out, said", [
    ("afile/x.html", "{afile}: is a file, not a folder"),
    ("afile/maps/x.html", "{afile}/maps: cannot be made: {afile} is a file, not a folder")])
def test_a_map_written_into_a_file_says_that_file_is_not_a_folder(runner, town, out, said):
    """`ona map --out afile/x.html`, afile a file, printed "Error: afile: File exists" (and
    "maps: Not a directory" one folder deeper); it now says, as `ona analyze` does, that afile is a
    file, not a folder, and writes nothing."""
    (town / "afile").write_text("not a folder", encoding="utf-8")
    result = runner.invoke(cli, ["map", "--roster", str(town / "roster.csv"), "--ties", str(town / "ties.csv"),
                                 "--out", str(town / out)])
    assert result.exit_code == 2
    assert result.output == ("Error: " + said.format(afile=town / "afile")
                             + "; name a folder to write into, or move the file (nothing was written)\n")
    assert (town / "afile").read_text(encoding="utf-8") == "not a folder"


def test_a_report_folder_that_is_a_file_is_named_before_the_roster_is_read(runner, town):
    """`ona analyze --out notes.txt` (a file) gave click's "Usage: ... Invalid value for '--out':
    Directory 'notes.txt' is a file", and `--out notes.txt/report` was found only when the report was
    written, after the whole measurement. Both are now ona's one line, found first: with a roster that
    would be refused as well, the folder is what the user hears about."""
    (town / "notes.txt").write_text("my notes", encoding="utf-8")
    (town / "roster.csv").write_text("Colour,Shape\nred,round\n", encoding="utf-8")  # no id column
    for out, said in (("notes.txt", "{notes}: is a file, not a folder"),
                      ("notes.txt/report", "{notes}/report: cannot be made: {notes} is a file, not a folder")):
        result = _analyze(runner, town, out=out)
        assert result.exit_code == 2
        assert result.output == ("Error: " + said.format(notes=town / "notes.txt")
                                 + "; name a folder to write into, or move the file (nothing was written)\n")
    assert (town / "notes.txt").read_text(encoding="utf-8") == "my notes"


# --- the tie table `ona email` writes is read back by `ona analyze --ties` ------------------------

def _network(folder) -> tuple[list, list]:
    """The network a report holds: its ties as written (edges.csv) and its people with every measure
    (nodes.csv) but ``responded``, which only a tie table has (its sources are taken as the people
    who answered)."""
    import pandas as pd

    people = pd.read_csv(folder / "nodes.csv", dtype=str, keep_default_na=False)
    return ((folder / "edges.csv").read_text(encoding="utf-8").splitlines(),
            people.drop(columns="responded", errors="ignore").to_dict("records"))


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_the_tie_table_ona_email_writes_is_analysed_as_the_email_itself(runner, town, suffix):
    """README: `ona email ... --out ties.parquet` writes the tie table, and scripts pass
    out="ties.parquet". `ona analyze --ties ties.parquet` refused it ("has suffix '.parquet'").
    Read back with no options, either table gives the graph `ona analyze --email` gives."""
    roster, table = str(town / "roster.csv"), str(town / f"ties{suffix}")
    written = runner.invoke(cli, ["--silent", "email", str(town / "mail.csv"), "--roster", roster, "--out", table])
    assert written.exit_code == 0, written.output
    from_email = runner.invoke(cli, ["--silent", "analyze", "--roster", roster, "--email", str(town / "mail.csv"),
                                     "--permutations", "0", "--out", str(town / "from-email")])
    from_table = runner.invoke(cli, ["--silent", "analyze", "--roster", roster, "--ties", table,
                                     "--permutations", "0", "--out", str(town / "from-table")])
    assert from_email.exit_code == 0 and from_table.exit_code == 0, from_table.output
    assert _network(town / "from-table") == _network(town / "from-email")
    assert "Ties:                6\n" in from_table.output  # a1->a2 (2), a1->a3, a2->a1, a2->b1, b1->b2, b1->b3
    checked = runner.invoke(cli, ["validate", "--roster", roster, "--ties", table])
    assert checked.exit_code == 0 and checked.output.endswith("ready to analyse\n"), checked.output


def test_problems_in_a_parquet_tie_table_are_located_by_row_and_column(town):
    """A record of a Parquet table is numbered as in the same table saved as CSV (header row 1)."""
    import pandas as pd

    path = town / "ties.parquet"
    pd.DataFrame({"source": ["a1", "a2", "a3", "b1"], "target": ["a2", "zz9", "b1", "b2"],
                  "weight": [2.0, 1.0, -1.0, None]}).to_parquet(path)
    roster = ona.read_roster(town / "roster.csv")
    with pytest.raises(ona.InputError) as raised:
        ona.read_ties(path, roster)
    assert [(p.code, p.row, p.column) for p in raised.value.problems if p.severity == "error"] == [
        ("unknown-person", 3, "target"), ("negative-weight", 4, "weight"), ("bad-weight", 5, "weight")]
    pd.read_parquet(path).to_csv(town / "ties.csv", index=False)  # the same table as CSV: the same problems
    with pytest.raises(ona.InputError) as as_csv:
        ona.read_ties(town / "ties.csv", roster)
    assert [(p.code, p.row, p.column, p.message) for p in raised.value.problems] == \
        [(p.code, p.row, p.column, p.message) for p in as_csv.value.problems]
    (town / "broken.parquet").write_bytes(b"PAR1 this is not a parquet table")
    with pytest.raises(ona.InputError) as raised:
        ona.read_ties(town / "broken.parquet", roster)
    assert [(p.code, p.path) for p in raised.value.problems] == [("not-a-spreadsheet", str(town / "broken.parquet"))]


# --- the report says whether it was pseudonymised, and which units merged -------------------------

@pytest.fixture
def four_units(tmp_path):
    """Alpha and Beta of 5 people, Gamma of 2 and Delta of 1 (both under the default minimum of 5),
    a ring of ties through everyone, and a key file."""
    sizes = {"Alpha": 5, "Beta": 5, "Gamma": 2, "Delta": 1}
    people = [(f"{unit[0].lower()}{k}", unit) for unit, n in sizes.items() for k in range(1, n + 1)]
    write_csv(tmp_path / "roster.csv", [["Employee ID", "Name", "Department"],
                                        *[[pid, f"Person {pid}", unit] for pid, unit in people]])
    write_csv(tmp_path / "ties.csv", [["Source", "Target"], *[[people[k][0], people[(k + 1) % len(people)][0]]
                                                              for k in range(len(people))]])
    (tmp_path / "key.bin").write_bytes(b"KEY-7f3a9c1e5b2d8f4a6c0e")
    return tmp_path


@pytest.mark.parametrize("options, stated, sentence", [
    (["--pseudonymize", "key.bin"], {"pseudonymized": True, "min_group_size": 5, "small_units_merged": 2},
     "<b>Privacy:</b> every person is a pseudonym (names, addresses and ids were replaced before measuring; "
     "the units, the values of column Department, are shown as the roster writes them); "
     "units of fewer than 5 people were merged (2 units)."),
    (["--min-group-size", "2"], {"pseudonymized": False, "min_group_size": 2, "small_units_merged": 1},
     "<b>Privacy:</b> units of fewer than 2 people were merged (1 unit)."),
    ([], {"pseudonymized": False, "min_group_size": None, "small_units_merged": 0}, None),
])
def test_the_report_states_pseudonymisation_and_the_minimum_group_size(runner, four_units, options, stated,
                                                                       sentence):
    """metrics.json's parameters and index.html's method and parameters said neither that the
    people were pseudonyms nor that Gamma and Delta (under 5 people) merged. They do now, and the
    key itself appears nowhere."""
    folder = four_units
    result = runner.invoke(cli, ["--silent", "analyze", "--roster", str(folder / "roster.csv"), "--ties",
                                 str(folder / "ties.csv"), "--permutations", "0", "--out", str(folder / "report"),
                                 *[str(folder / o) if o.endswith(".bin") else o for o in options]])
    assert result.exit_code == 0, result.output
    parameters = json.loads((folder / "report" / "metrics.json").read_text("utf-8"))["parameters"]
    assert {k: parameters[k] for k in stated} == stated
    index = (folder / "report" / "index.html").read_text("utf-8")
    table = {"yes" if stated["pseudonymized"] else "no": "pseudonymized",
             str(stated["min_group_size"]) if stated["min_group_size"] else "–": "min_group_size",
             str(stated["small_units_merged"]): "small_units_merged"}
    for value, name in table.items():
        assert f"<tr><th scope='row'>{name}</th><td>{value}</td></tr>" in index
    assert (sentence in index) if sentence else ("Privacy:" not in index)
    for path in (folder / "report").iterdir():
        assert b"KEY-7f3a9c1e5b2d8f4a6c0e" not in path.read_bytes()


# --- an error about the measured column never prints a record as its "headers" --------------------

@pytest.fixture
def roster_rows(tmp_path):
    return write_csv(tmp_path / "roster.csv", [
        ["Employee ID", "Name", "Email", "Department", "Role"],
        ["E0001", "Åse Ødegård", "ase.odegard@kommune.example", "Alpha", "Caseworker"],
        ["E0002", "Torben Nørgaard", "torben.norgaard@kommune.example", "Beta", "Head of Department"],
        ["E0003", "Bo Bøgh", "bo.bogh@kommune.example", "Beta", "Caseworker"],
        ["E0004", "Cai Dahl", "cai.dahl@kommune.example", "Alpha", "Caseworker"],
    ])


RECORD_AS_HEADER = ("Error: roster.csv, row 3: has no column 'Department' to measure by; its header row looks like "
                    "a record or the names of a matrix: 1 of its 5 headers hold an address, a number or a person's "
                    "name (is a header row missing, or the shape or the delimiter wrong?) [unknown-unit-column]")


def test_a_wrong_header_row_does_not_print_that_persons_name_and_address(runner, roster_rows):
    """With --roster-header-row 3 the "headers" are Torben Nørgaard's record: `choose one of:` listed
    his name and address (validate, analyze and the library alike). They are counted now, as in the
    other errors that list headers. A right header row still lists the columns to choose from."""
    options = ["--roster", str(roster_rows), "--roster-header-row", "3", "--id-column", "E0002", "--by", "Department"]
    checked = runner.invoke(cli, ["validate", *options])
    ties = write_csv(roster_rows.parent / "ties.csv", [["Source", "Target"], ["E0003", "E0004"]])
    analysed = runner.invoke(cli, ["analyze", *options, "--ties", str(ties), "--out", str(roster_rows.parent / "r")])
    assert checked.exit_code == 1 and checked.output.splitlines()[0] == RECORD_AS_HEADER
    assert analysed.exit_code == 2 and analysed.output == RECORD_AS_HEADER + "\n"
    roster = ona.read_roster(roster_rows, header_row=3, id_column="E0002")
    with pytest.raises(ona.InputError) as raised:
        roster.column("Department")
    assert f"Error: {raised.value}" == RECORD_AS_HEADER
    for said in (checked.output, analysed.output):
        assert "Torben" not in said and "norgaard" not in said and "Head of Department" not in said
    # With the header row found, a misspelt --by still lists the columns to choose from.
    result = runner.invoke(cli, ["validate", "--roster", str(roster_rows), "--by", "Departmnt"])
    assert result.output.splitlines()[0] == ("Error: roster.csv, row 1: has no column 'Departmnt' to measure by; "
                                             "choose one of: 'Department', 'Role' [unknown-unit-column]")


# --- a pseudonymised tie table is recognised, and the one-step way named -------------------------

def test_a_pseudonymised_tie_table_read_with_the_roster_says_what_to_do_instead(runner, town):
    """`ona email --pseudonymize` writes p-... ids and no roster to match them: `ona analyze --ties`
    gave one unknown-person error per cell. It now gives one error that says what the table is and
    that `ona analyze --email --pseudonymize` does it in one step."""
    roster = str(town / "roster.csv")
    (town / "key.bin").write_bytes(b"KEY-7f3a9c1e5b2d8f4a6c0e")
    written = runner.invoke(cli, ["--silent", "email", str(town / "mail.csv"), "--roster", roster,
                                  "--pseudonymize", str(town / "key.bin"), "--out", str(town / "pties.csv")])
    assert written.exit_code == 0, written.output
    result = runner.invoke(cli, ["--silent", "analyze", "--roster", roster, "--ties", str(town / "pties.csv"),
                                 "--out", str(town / "report")])
    assert result.exit_code == 2
    assert result.output == (
        "Error: pties.csv, row 2, column 'source': the tie table holds pseudonyms (p- and 16 hex digits, as "
        "`ona email --pseudonymize` writes them), which match no one in the roster; analyse the email exports "
        "themselves: `ona analyze --email LOG --pseudonymize KEY` (read_email(LOG, roster, pseudonymize_key=KEY) in "
        "Python) pseudonymises and measures in one step "
        "[pseudonymised-ties]\n")
    # One real person among them: the table is a tie list with mistakes, told row by row as before.
    lines = (town / "pties.csv").read_text(encoding="utf-8").splitlines()
    (town / "mixed.csv").write_text("\n".join([lines[0], "a1," + lines[1].split(",", 1)[1], *lines[2:]]) + "\n",
                                    encoding="utf-8")
    mixed = runner.invoke(cli, ["--silent", "analyze", "--roster", roster, "--ties", str(town / "mixed.csv"),
                                "--out", str(town / "report")])
    assert mixed.exit_code == 2
    # (The terminal shows the first 10 problems of a code and counts the rest: tests/test_cli_at_scale.py.)
    told = mixed.output.splitlines()
    assert len(lines) == 7 and [line.rsplit("[", 1)[1] for line in told[:10]] == ["unknown-person]"] * 10
    assert told[10:] == ["... and 1 more unknown-person problem (mixed.csv, row 7)",
                         "Problems by code: 11 unknown-person; `ona validate --all-problems` prints every one"]
