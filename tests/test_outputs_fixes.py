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
