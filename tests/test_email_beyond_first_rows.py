"""How ``ona email`` reads what its first rows cannot show: recipient lists and
display names after the first rows, rows without a time under ``--since``/``--until``, dates whose
day/month order the data must tell, and Windows-1252 exports. Every expected table is worked out by
hand from the rows written in the test."""
from __future__ import annotations

import pytest

import ona
from ona.ingest.email import EmailOptions, read_email

from conftest import email, sales_roster, weights

# The tests of a rule each engine runs in its own SQL (a log read again, rows without a time, the
# date order, a transcoded file) run on both engines: DuckDB, and Spark in local mode
# (conftest.email_engine); the others on DuckDB, since Spark's local jobs are what make the suite long.
both_engines = pytest.mark.usefixtures("email_engine")

N = 40


@pytest.fixture()
def roster_csv(tmp_path):
    return sales_roster(tmp_path / "roster.csv", N)


@pytest.fixture()
def roster(roster_csv):
    return ona.read_roster(roster_csv)


# --- 1. Lists and display names after the first rows ----------------------------------------------

@both_engines
def test_a_display_name_in_cc_after_the_first_rows_is_one_address(roster, tmp_path):
    """5,100 rows P1 -> P2 with an empty Cc, then P0 -> P3 with Cc '"Berg, Ann" <p5@...>; p6@...':
    P0 -> P3, P5 and P6 once each. Split at its comma, the display name was a recipient '"berg'
    (kept as an outside node with --external keep)."""
    lines = ["From,To,Cc,Date,Message ID"] + [f"p1@org.dk,p2@org.dk,,2025-03-01 09:00:00,<m{i}>" for i in range(5100)]
    lines += ['p0@org.dk,p3@org.dk,"""Berg, Ann"" <p5@org.dk>; p6@org.dk",2025-03-02 09:00:00,<x>']
    path = tmp_path / "log.csv"
    path.write_text("\n".join(lines) + "\n")
    res = read_email([path], roster, EmailOptions(external="keep"))
    assert weights(res) == {("P1", "P2"): 5100, ("P0", "P3"): 1, ("P0", "P5"): 1, ("P0", "P6"): 1}


def test_a_list_after_the_first_5000_rows_makes_every_row_a_message(roster, tmp_path):
    """No message ids: 5,500 rows P1 -> P2 at one time are one message (sender + time) in a log
    of one recipient per row; a list in row 5,502 shows that each row is a message: weight 5,500,
    and no duplicate recipients."""
    lines = ["From,To,Date"] + ["p1@org.dk,p2@org.dk,2025-03-01 09:00:00"] * 5500
    lines += ['p0@org.dk,"p3@org.dk, p4@org.dk",2025-03-02 09:00:00']
    path = tmp_path / "log.csv"
    path.write_text("\n".join(lines) + "\n")
    res = read_email([path], roster, EmailOptions())
    assert weights(res) == {("P1", "P2"): 5500, ("P0", "P3"): 1, ("P0", "P4"): 1}
    assert "duplicate-recipient" not in res.excluded


@both_engines
def test_each_log_keeps_its_own_layout_when_one_is_read_again(roster, tmp_path):
    """Two logs read together: a.csv has a list in row 5,502 (so it is read again, its rows
    messages: P1 -> P2 5,500); b.csv has one recipient per row and no ids, so its two rows P3 -> P4
    at one time stay one message (weight 1, one duplicate recipient)."""
    a = tmp_path / "a.csv"
    a.write_text("\n".join(["From,To,Date"] + ["p1@org.dk,p2@org.dk,2025-03-01 09:00:00"] * 5500 +
                           ['p0@org.dk,"p3@org.dk, p4@org.dk",2025-03-02 09:00:00']) + "\n")
    b = tmp_path / "b.csv"
    b.write_text("From,To,Date\np3@org.dk,p4@org.dk,2025-03-05 10:00:00\np3@org.dk,p4@org.dk,2025-03-05 10:00:00\n"
                 "p3@org.dk,p5@org.dk,2025-03-05 10:00:00\n")
    res = read_email([a, b], roster, EmailOptions())
    assert weights(res) == {("P1", "P2"): 5500, ("P0", "P3"): 1, ("P0", "P4"): 1, ("P3", "P4"): 1, ("P3", "P5"): 1}
    assert res.excluded == {"duplicate-recipient": 1}


# --- 2. --since/--until and rows without a time ---------------------------------------------------

WINDOW_LOG = ("p0@org.dk,p1@org.dk,2025-02-28 23:59:59,m0\np0@org.dk,p2@org.dk,2025-03-01 00:00:00,m1\n"
              "p1@org.dk,p0@org.dk,2025-03-31 23:59:59,m2\np2@org.dk,p0@org.dk,2025-04-01 00:00:00,m3\n")


@pytest.mark.parametrize("header", ["Date (UTC)", "Sent (UTC)", "Sent on"])
def test_common_time_headers_are_read_as_the_time(roster, tmp_path, header):
    """March 2025: the rows of 1 March 00:00 and 31 March 23:59:59 are inside, 28 February and
    1 April are not, whatever the time column is called."""
    path = tmp_path / "log.csv"
    path.write_text(f"From,To,{header},Message ID\n" + WINDOW_LOG)
    res = read_email([path], roster, EmailOptions(since="2025-03-01", until="2025-04-01"))
    assert weights(res) == {("P0", "P2"): 1, ("P1", "P0"): 1}
    assert res.excluded == {"outside-time-window": 2}


def test_a_time_window_on_a_log_without_a_time_column_is_an_error(runner, roster_csv, tmp_path):
    """The header "Zeitpunkt" is no time ona knows: the window cannot apply, and nothing is written."""
    path = tmp_path / "log.csv"
    path.write_text("From,To,Zeitpunkt,Message ID\n" + WINDOW_LOG)
    res, ties = email(runner, tmp_path, path, "--roster", roster_csv, "--since", "2025-03-01", "--until", "2025-04-01")
    assert res.exit_code == 2 and ties is None
    assert res.stderr.splitlines() == [
        "Error: log.csv, row 1: has no time column, so --since/--until cannot apply; a column is read as the time "
        "when its header is one of: timestamp, date, sent, sent at, time, datetime, received, sent date, "
        "origin timestamp utc, eventdate, event date, date time, dato, date (utc), sent (utc), time (utc), sent on; "
        "rename it, or leave out --since/--until (since=/until= in Python) [no-time-column]"]


@both_engines
def test_rows_with_a_blank_time_are_left_out_of_a_window_with_a_warning(runner, roster_csv, tmp_path):
    """Two of five rows have a blank Date: under --since they are left out (not kept), counted,
    and a warning names the file; without a window they are kept, with no warning."""
    path = tmp_path / "log.csv"
    path.write_text("From,To,Date,Message ID\np0@org.dk,p1@org.dk,2025-03-02 09:00:00,m1\np0@org.dk,p2@org.dk,,m2\n"
                    "p0@org.dk,p3@org.dk, ,m3\np0@org.dk,p4@org.dk,2025-02-02 09:00:00,m4\n"
                    "p0@org.dk,p5@org.dk,2025-03-03 09:00:00,m5\n")
    res, ties = email(runner, tmp_path, path, "--roster", roster_csv, "--since", "2025-03-01")
    assert res.exit_code == 0, res.output
    assert ties.to_dict("list") == {"source": ["P0", "P0"], "target": ["P1", "P5"], "weight": [1.0, 1.0],
                                    "messages": [1, 1]}
    assert [line for line in res.stderr.splitlines() if line.startswith("Warning:")] == [
        "Warning: log.csv: 2 email recipient rows have no time (a blank or unreadable time, or no Date header), so "
        "they cannot be placed in --since and were left out; give them a time, or leave out --since (since= in Python) "
        "to keep them [no-time]"]
    assert "Left out: 2 recipient rows (no-time)" in res.stderr
    assert "Left out: 1 recipient row (outside-time-window)" in res.stderr
    res, ties = email(runner, tmp_path, path, "--roster", roster_csv)
    assert res.exit_code == 0 and "Warning" not in res.stderr and len(ties) == 5


def test_mbox_messages_without_a_readable_date_are_left_out_of_a_window(roster, tmp_path):
    """Of four messages, one has no Date header and one the Date "last tuesday": under
    --since/--until (1-2 March) they are left out with a warning; 1 March is in, 3 March is not."""
    box = tmp_path / "Inbox.mbox"
    box.write_text("From - Sat Mar 01 09:00:00 2025\nMessage-ID: <m1@x>\nDate: Sat, 01 Mar 2025 09:00:00 +0000\n"
                   "From: p0@org.dk\nTo: p1@org.dk\n\nbody\n"
                   "From - Mon Mar 03 10:00:00 2025\nMessage-ID: <m2@x>\nDate: Mon, 03 Mar 2025 10:00:00 +0000\n"
                   "From: p0@org.dk\nTo: p2@org.dk\n\nbody\n"
                   "From - Mon Mar 03 10:00:00 2025\nMessage-ID: <m3@x>\nDate: last tuesday\n"
                   "From: p0@org.dk\nTo: p3@org.dk\n\nbody\n"
                   "From - Mon Mar 03 10:00:00 2025\nMessage-ID: <m4@x>\nFrom: p0@org.dk\nTo: p4@org.dk\n\nbody\n")
    res = read_email([box], roster, EmailOptions(since="2025-03-01", until="2025-03-02"))
    assert weights(res) == {("P0", "P1"): 1}
    assert res.excluded == {"no-time": 2, "outside-time-window": 1}
    assert [(w.code, w.path, w.message.split(" email")[0]) for w in res.warnings] == [("no-time", str(box), "2")]
    assert res.ties.warnings == res.warnings


def test_one_mbox_message_without_a_date_is_warned_of_in_the_singular(roster, tmp_path):
    """One message of two has no Date header: under --since it is left out, and the warning says
    "1 email recipient row has", not "1 ... rows have"."""
    box = tmp_path / "Inbox.mbox"
    box.write_text("From - Sat Mar 01 09:00:00 2025\nMessage-ID: <m1@x>\nDate: Sat, 01 Mar 2025 09:00:00 +0000\n"
                   "From: p0@org.dk\nTo: p1@org.dk\n\nbody\n"
                   "From - Mon Mar 03 10:00:00 2025\nMessage-ID: <m2@x>\nFrom: p0@org.dk\nTo: p2@org.dk\n\nbody\n")
    res = read_email([box], roster, EmailOptions(since="2025-03-01"))
    assert weights(res) == {("P0", "P1"): 1} and res.excluded == {"no-time": 1}
    assert [w.message for w in res.warnings] == [
        "1 email recipient row has no time (a blank or unreadable time, or no Date header), so it cannot be placed "
        "in --since and was left out; give it a time, or leave out --since (since= in Python) to keep it"]


def test_viva_person_to_person_iso_dates_are_read_for_the_window(tmp_path):
    """MetricDate written as ISO dates: --since 2023-03-01 keeps the two rows of 5 March (strong tie
    scores 0.5 and 0) and leaves out the one of 4 January."""
    roster = tmp_path / "roster.csv"
    roster.write_text("PersonId,Email,Organization\np-01,anna@k.example,Finance\np-02,bo@k.example,Finance\n"
                      "p-03,cai@k.example,HR\n")
    path = tmp_path / "p2p.csv"
    path.write_text("PrimaryCollaborator_PersonId,SecondaryCollaborator_PersonId,MetricDate,Strong_tie_score\n"
                    "p-01,p-02,2023-01-04,0.25\np-01,p-03,2023-03-05,0.5\np-02,p-03,2023-03-05,0\n")
    res = read_email([path], ona.read_roster(roster), EmailOptions(since="2023-03-01"))
    assert weights(res) == {("p-01", "p-03"): 0.5}  # (a score of 0 is no tie)
    assert res.excluded == {"outside-time-window": 1, "zero-score": 1} and res.warnings == ()


# --- 3. Day/month order --------------------------------------------------------------------------

@both_engines
def test_a_day_above_12_makes_the_whole_column_day_first(roster, tmp_path):
    """13/03/2025 can only be day/month, so 02/03/2025 in the same column is 2 March (inside
    March), not 3 February; 01/04/2025 is 1 April (outside). No warning: the data told the order."""
    path = tmp_path / "log.csv"
    path.write_text("From,To,Date\np0@org.dk,p1@org.dk,13/03/2025 09:00\np0@org.dk,p2@org.dk,02/03/2025 09:00\n"
                    "p0@org.dk,p3@org.dk,01/04/2025 09:00\n")
    res = read_email([path], roster, EmailOptions(since="2025-03-01", until="2025-04-01"))
    assert weights(res) == {("P0", "P1"): 1, ("P0", "P2"): 1}
    assert res.excluded == {"outside-time-window": 1} and res.warnings == ()


@both_engines
def test_numeric_dates_after_the_first_5000_rows_are_read_in_the_column_order(roster, tmp_path):
    """5,001 rows P1 -> P2 in January written as 2025-01-01 09:00:00, then two exported in another
    form: 13/03/2025 (only day/month) makes the column day first, so 01/03/2025 is 1 March: both
    inside --since 2025-02-01. Before, the order was decided from the first rows alone (none
    numeric): 13/03/2025 was an unreadable time and 01/03/2025 3 January."""
    lines = ["From,To,Date,Message ID"] + [f"p1@org.dk,p2@org.dk,2025-01-01 09:00:00,<m{i}>" for i in range(5001)]
    lines += ["p0@org.dk,p3@org.dk,01/03/2025 10:00,<a>", "p0@org.dk,p4@org.dk,13/03/2025 10:00,<b>"]
    path = tmp_path / "log.csv"
    path.write_text("\n".join(lines) + "\n")
    res = read_email([path], roster, EmailOptions(since="2025-02-01"))
    assert weights(res) == {("P0", "P3"): 1, ("P0", "P4"): 1}
    assert res.excluded == {"outside-time-window": 5001} and res.warnings == ()


def test_an_ambiguous_numeric_date_after_the_first_5000_rows_is_warned_of(roster, tmp_path):
    """The same 5,001 January rows, then 01/03/2025 alone: nothing shows its order, so it is read
    month first (3 January, outside --since 2025-02-01) with the ambiguous-dates warning, which was
    missing when the first rows alone were looked at."""
    lines = ["From,To,Date,Message ID"] + [f"p1@org.dk,p2@org.dk,2025-01-01 09:00:00,<m{i}>" for i in range(5001)]
    lines += ["p0@org.dk,p3@org.dk,01/03/2025 10:00,<a>"]
    path = tmp_path / "log.csv"
    path.write_text("\n".join(lines) + "\n")
    res = read_email([path], roster, EmailOptions(since="2025-02-01"))
    assert weights(res) == {}
    assert [(w.code, w.column) for w in res.warnings] == [("ambiguous-dates", "Date")]


def test_danish_dates_with_dashes_are_read_day_first(roster, tmp_path):
    """Danish Excel writes 13-03-2025 14:05: day first (a day above 12), so 02-03-2025 is 2 March."""
    path = tmp_path / "log.csv"
    path.write_text("From;To;Date\np0@org.dk;p1@org.dk;13-03-2025 14:05\np0@org.dk;p2@org.dk;02-03-2025 09:00\n"
                    "p0@org.dk;p3@org.dk;28-02-2025 09:00\n")
    res = read_email([path], roster, EmailOptions(since="2025-03-01"))
    assert weights(res) == {("P0", "P1"): 1, ("P0", "P2"): 1}
    assert res.excluded == {"outside-time-window": 1}


def test_a_month_above_12_in_the_second_field_keeps_month_first(roster, tmp_path):
    """03/13/2025 can only be month/day: 04/01/2025 is then 1 April (outside March). No warning."""
    path = tmp_path / "log.csv"
    path.write_text("From,To,Date\np0@org.dk,p1@org.dk,03/13/2025 09:00\np0@org.dk,p2@org.dk,04/01/2025 09:00\n")
    res = read_email([path], roster, EmailOptions(since="2025-03-01", until="2025-04-01"))
    assert weights(res) == {("P0", "P1"): 1}
    assert res.warnings == ()


def test_ambiguous_dates_are_read_month_first_with_one_warning(runner, roster_csv, tmp_path):
    """Every date could be either order: they are read month first (02/03/2025 is 3 February,
    outside March; 03/02/2025 is 2 March and 03/05/2025 is 5 March, inside), and one warning says
    so and how to change it."""
    path = tmp_path / "log.csv"
    path.write_text("From,To,Date\np0@org.dk,p1@org.dk,02/03/2025 09:00\np0@org.dk,p2@org.dk,03/02/2025 09:00\n"
                    "p0@org.dk,p3@org.dk,03/05/2025\n")
    res, ties = email(runner, tmp_path, path, "--roster", roster_csv, "--since", "2025-03-01", "--until", "2025-04-01")
    assert res.exit_code == 0, res.output
    assert ties.to_dict("list") == {"source": ["P0", "P0"], "target": ["P2", "P3"], "weight": [1.0, 1.0],
                                    "messages": [1, 1]}
    assert [line for line in res.stderr.splitlines() if line.startswith("Warning:")] == [
        "Warning: log.csv, column 'Date': no date in it has a day above 12, so day/month and month/day cannot be "
        "told apart: they were read as month/day (m/d/Y); if they are day/month, pass --date-order day-first "
        "(date_order='day-first' in Python), or write them as YYYY-MM-DD [ambiguous-dates]"]


# --- 4. Windows-1252 exports ---------------------------------------------------------------------

@both_engines
def test_a_danish_excel_csv_in_windows_1252_is_read(roster, tmp_path):
    """Excel's "CSV (semikolonsepareret)": Windows-1252, semicolons, CRLF, ø in a display name and
    the subject, and curly quotes (bytes 0x93/0x94, not Latin-1) around a display name with a comma."""
    text = ('From;To;Subject;Date\r\np0@org.dk;"Nørgaard, Torben <p1@org.dk>";Møde om €;2025-03-01 09:00:00\r\n'
            'p1@org.dk;“Berg, Ann” <p2@org.dk>, p3@org.dk;Re: Møde;2025-03-02 09:00:00\r\n')
    path = tmp_path / "dk.csv"
    path.write_bytes(text.encode("cp1252"))
    res = read_email([path], roster, EmailOptions(external="keep"))
    assert weights(res) == {("P0", "P1"): 1, ("P1", "P2"): 1, ("P1", "P3"): 1}


def test_a_log_that_stops_being_utf8_after_its_first_lines_is_refused_by_row(runner, roster_csv, tmp_path,
                                                                              email_engine):
    """UTF-8 for its first 64 KB (2,500 rows), then a Windows-1252 ø in row 2,502: the error names
    the row and says to save the file as CSV UTF-8; the name is not repeated."""
    if email_engine != "duckdb":
        pytest.skip("Spark's CSV reader takes bytes that are not UTF-8 as U+FFFD instead of refusing them")
    lines = ["From,To,Date"] + ["p1@org.dk,p2@org.dk,2025-03-01 09:00:00"] * 2500
    path = tmp_path / "log.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode() + "p0@org.dk,Nørgaard <p1@org.dk>,2025-03-01 09:00:00\n"
                     .encode("cp1252"))
    res, ties = email(runner, tmp_path, path, "--roster", roster_csv)
    assert res.exit_code == 2 and ties is None
    assert res.stderr.splitlines() == [
        "Error: log.csv, row 2502: the row is not UTF-8 text, though the file's first lines are; save the file "
        "again as CSV UTF-8 (in Excel: Save As, CSV UTF-8) [bad-encoding]"]
