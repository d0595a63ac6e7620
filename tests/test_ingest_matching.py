"""Matching people (issue #4): by id, email or name; case-, white-space- and accent-insensitive;
"Hansen, Mette" is "Mette Hansen" whichever way the roster writes it; an id exported as "1001.0" or
"0042" is the id 1001 or 42; a text that fits several people is an error listing their roster rows."""

from __future__ import annotations

import pytest

import ona
from ona.cli import cli

from conftest import write_csv, write_xlsx


def test_an_unknown_by_column_names_the_row_of_the_roster_header(runner, tmp_path):
    roster = write_xlsx(tmp_path / "roster.xlsx", [
        ["Personaleoversigt"], [], ["Medarbejdernr", "Navn", "Forvaltning", "Afdeling"],
        ["1", "Mette Hansen", "Økonomi", "Løn"], ["2", "Per Jensen", "Social", "Jobcenter"]], sheet="Personale")
    ties = write_csv(tmp_path / "ties.csv", [["Source", "Target"], ["1", "2"], ["2", "1"]])
    res = runner.invoke(cli, ["--silent", "analyze", "--roster", str(roster), "--ties", str(ties), "--by",
                              "Directorate", "--out", str(tmp_path / "out")])
    assert res.exit_code == 2
    assert "Error: roster.xlsx, sheet 'Personale', row 3: has no column 'Directorate' to measure by; choose one " \
           "of: 'Forvaltning', 'Afdeling' [unknown-unit-column]" in res.output
