"""How ``ona email`` reads what its first rows cannot show (tester's round 4): recipient lists and
display names after the first rows, rows without a time under ``--since``/``--until``, dates whose
day/month order the data must tell, and Windows-1252 exports. Every expected table is worked out by
hand from the rows written in the test."""
from __future__ import annotations

import pandas as pd
import pytest

import ona
from ona.cli import cli
from ona.ingest.email import EmailOptions, read_email

# Every test here runs on both engines: DuckDB, and Spark in local mode (conftest.email_engine).
pytestmark = pytest.mark.usefixtures("email_engine")

N = 40


@pytest.fixture()
def roster_csv(tmp_path):
    path = tmp_path / "roster.csv"
    pd.DataFrame({"id": [f"P{i}" for i in range(N)], "email": [f"p{i}@org.dk" for i in range(N)],
                  "department": ["Sales"] * N}).to_csv(path, index=False)
    return path


@pytest.fixture()
def roster(roster_csv):
    return ona.read_roster(roster_csv)


def weights(result) -> dict:
    t = result.ties.ties
    return {(s, g): round(float(w), 6) for s, g, w in zip(t["source"], t["target"], t["weight"])}


def email(runner, tmp_path, *args):
    """``ona email`` on the command line; returns the result and the tie table written (or None)."""
    out = tmp_path / "ties.csv"
    res = runner.invoke(cli, ["email", *map(str, args), "--out", str(out)])
    return res, (pd.read_csv(out) if out.exists() else None)


# --- 4. Windows-1252 exports ---------------------------------------------------------------------

def test_a_danish_excel_csv_in_windows_1252_is_read(roster, tmp_path):
    """Excel's "CSV (semikolonsepareret)": Windows-1252, semicolons, CRLF, ø in a display name and
    the subject, and curly quotes (bytes 0x93/0x94, not Latin-1) around a display name with a comma."""
    text = ('From;To;Subject;Date\r\np0@org.dk;"Nørgaard, Torben <p1@org.dk>";Møde om €;2025-03-01 09:00:00\r\n'
            'p1@org.dk;“Berg, Ann” <p2@org.dk>, p3@org.dk;Re: Møde;2025-03-02 09:00:00\r\n')
    path = tmp_path / "dk.csv"
    path.write_bytes(text.encode("cp1252"))
    res = read_email([path], roster, EmailOptions(external="keep"))
    assert weights(res) == {("P0", "P1"): 1, ("P1", "P2"): 1, ("P1", "P3"): 1}


def test_a_log_that_stops_being_utf8_after_its_first_lines_is_refused_by_row(runner, roster_csv, tmp_path):
    """UTF-8 for its first 64 KB (2,500 rows), then a Windows-1252 ø in row 2,502: the error names
    the row and says to save the file as CSV UTF-8; the name is not repeated."""
    lines = ["From,To,Date"] + ["p1@org.dk,p2@org.dk,2025-03-01 09:00:00"] * 2500
    path = tmp_path / "log.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode() + "p0@org.dk,Nørgaard <p1@org.dk>,2025-03-01 09:00:00\n"
                     .encode("cp1252"))
    res, ties = email(runner, tmp_path, path, "--roster", roster_csv)
    assert res.exit_code == 2 and ties is None
    assert res.stderr.splitlines() == [
        "Error: log.csv, row 2502: the row is not UTF-8 text, though the file's first lines are; save the file "
        "again as CSV UTF-8 (in Excel: Save As, CSV UTF-8) [bad-encoding]"]
