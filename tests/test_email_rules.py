"""The rules of ``ona email``: each test holds the exact counts of one rule of docs/email.md,
worked out by hand."""
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
def roster(tmp_path):
    path = tmp_path / "roster.csv"
    pd.DataFrame({"id": [f"P{i}" for i in range(N)], "email": [f"p{i}@org.dk" for i in range(N)],
                  "department": ["Sales"] * N}).to_csv(path, index=False)
    return ona.read_roster(path)


def weights(result) -> dict:
    t = result.ties.ties
    return {(s, g): round(float(w), 6) for s, g, w in zip(t["source"], t["target"], t["weight"])}


def test_a_blank_message_id_is_no_shared_message(roster, tmp_path):
    """30 one-recipient messages from P0 with a blank Message ID, each at its own time, and one with
    an id: 31 pairs, nothing left out as a broadcast (the blank ids were one 30-recipient message)."""
    rows = [("p0@org.dk", f"p{i}@org.dk", f"2025-03-{i % 28 + 1:02d} 09:{i:02d}:00", "") for i in range(1, 31)]
    rows += [("p31@org.dk", "p32@org.dk", "2025-03-01 09:00:00", "<ok@x>")]
    path = tmp_path / "log.csv"
    pd.DataFrame(rows, columns=["From", "To", "Date", "Message ID"]).to_csv(path, index=False)
    res = read_email([path], roster, EmailOptions())
    assert len(weights(res)) == 31 and set(weights(res).values()) == {1.0}
    assert res.excluded.get("broadcast", 0) == 0


def test_a_blank_message_id_without_a_time_is_its_row(roster, tmp_path):
    """No time column: each blank-id row is a message of its own (P0 -> P1 twice: weight 2)."""
    path = tmp_path / "log.csv"
    path.write_text("From,To,Message ID\np0@org.dk,p1@org.dk,\np0@org.dk,p1@org.dk,\np0@org.dk,p2@org.dk,<a>\n"
                    "p0@org.dk,p3@org.dk,<a>\n")
    res = read_email([path], roster, EmailOptions())
    assert weights(res) == {("P0", "P1"): 2, ("P0", "P2"): 1, ("P0", "P3"): 1}


def test_lists_and_display_names_after_the_first_rows_are_read(roster, tmp_path):
    """6,000 one-recipient rows (P1 -> P2), then a row to 'p3; p4' and one to '"Berg, Ann" <p5@...>,
    p6': P0 -> P3, P4, P5 and P6, 1 each; no node named 'p3@org.dk; p4@org.dk' or '"berg'."""
    lines = ["From,To,Date,Message ID"] + [f"p1@org.dk,p2@org.dk,2025-03-01 09:00:00,<m{i}>" for i in range(6000)]
    lines += ['p0@org.dk,p3@org.dk; p4@org.dk,2025-03-02 09:00:00,<x>',
              'p0@org.dk,"""Berg, Ann"" <p5@org.dk>, p6@org.dk",2025-03-03 09:00:00,<y>']
    path = tmp_path / "log.csv"
    path.write_text("\n".join(lines) + "\n")
    res = read_email([path], roster, EmailOptions(external="keep"))
    assert weights(res) == {("P1", "P2"): 6000, ("P0", "P3"): 1, ("P0", "P4"): 1, ("P0", "P5"): 1, ("P0", "P6"): 1}


def test_a_list_after_the_first_rows_makes_the_rows_messages(roster, tmp_path):
    """No message ids: 1,500 rows P1 -> P2 at one time would be one message (sender + time) in a
    log of one recipient per row; a list in row 1,502 shows the rows are messages: weight 1,500."""
    lines = ["From,To,Date"] + ["p1@org.dk,p2@org.dk,2025-03-01 09:00:00"] * 1500
    lines += ['p0@org.dk,"p3@org.dk, p4@org.dk",2025-03-02 09:00:00']
    path = tmp_path / "log.csv"
    path.write_text("\n".join(lines) + "\n")
    res = read_email([path], roster, EmailOptions())
    assert weights(res) == {("P1", "P2"): 1500, ("P0", "P3"): 1, ("P0", "P4"): 1}


def test_a_blank_network_message_id_in_an_enhanced_trace_is_its_own_message(roster, tmp_path):
    """Two enhanced-trace rows (each a message) with blank ids, P0 -> P1 and P0 -> P2 and P3 at
    other times: three pairs of weight 1 (as one message: P0 -> P1 counted once, and so on)."""
    head = "origin_timestamp_utc,sender_address,recipient_status,network_message_id\n"
    body = ("2024-01-15T10:00:00Z,p0@org.dk,p1@org.dk##Deliver;,\n"
            "2024-01-15T11:00:00Z,p0@org.dk,p2@org.dk##Deliver;p3@org.dk##Deliver,\n"
            "2024-01-15T12:00:00Z,p0@org.dk,p1@org.dk##Deliver,\n")
    path = tmp_path / "trace.csv"
    path.write_text(head + body, encoding="utf-8")
    res = read_email([path], roster, EmailOptions())
    assert weights(res) == {("P0", "P1"): 2, ("P0", "P2"): 1, ("P0", "P3"): 1}


def test_every_numeric_offset_is_converted_and_a_zone_name_is_refused(roster, tmp_path):
    """March 2025 in UTC: 21:00 at -0500, -05:00 and -05 is 02:00 on 1 April (outside); 00:30 at
    +0100 and +01 is 23:30 on 31 March (inside): P0 -> P4 and P0 -> P5 only, 3 outside the window."""
    path = tmp_path / "log.csv"
    path.write_text("From,To,Date,Message ID\n"
                    "p0@org.dk,p1@org.dk,2025-03-31T21:00:00-0500,m1\n"
                    "p0@org.dk,p2@org.dk,2025-03-31T21:00:00-05:00,m2\n"
                    "p0@org.dk,p3@org.dk,2025-03-31 21:00:00-05,m3\np0@org.dk,p4@org.dk,2025-04-01T00:30:00+0100,m4\n"
                    "p0@org.dk,p5@org.dk,2025-04-01 00:30:00.5+01,m5\n")
    res = read_email([path], roster, EmailOptions(since="2025-03-01", until="2025-04-01"))
    assert weights(res) == {("P0", "P4"): 1, ("P0", "P5"): 1}
    assert res.excluded["outside-time-window"] == 3


def test_an_offset_after_a_space_is_converted(roster, tmp_path):
    """Exports that write the offset after a space: 00:30 at " +0100", " +01:00" and " +01" is 23:30
    on 31 March in UTC (inside March); 21:00 at " -0500" is 02:00 on 1 April (outside)."""
    path = tmp_path / "log.csv"
    path.write_text("From,To,Date,Message ID\n"
                    "p0@org.dk,p1@org.dk,2025-04-01 00:30:00 +0100,m1\n"
                    "p0@org.dk,p2@org.dk,2025-04-01T00:30:00 +01:00,m2\n"
                    "p0@org.dk,p3@org.dk,2025-04-01 00:30:00 +01,m3\n"
                    "p0@org.dk,p4@org.dk,2025-03-31 21:00:00 -0500,m4\n")
    res = read_email([path], roster, EmailOptions(since="2025-03-01", until="2025-04-01"))
    assert weights(res) == {("P0", "P1"): 1, ("P0", "P2"): 1, ("P0", "P3"): 1}
    assert res.excluded == {"outside-time-window": 1}


def test_a_time_with_a_zone_name_is_refused_with_its_row(runner, roster, tmp_path):
    """CET is +1 or +2 by the season: refused at its row and column, never read as UTC; UTC and a
    US time with PM are read."""
    from ona.cli import cli

    path = tmp_path / "log.csv"
    path.write_text("From,To,Date\np0@org.dk,p1@org.dk,2025-04-01 00:30:00 UTC\n"
                    "p0@org.dk,p1@org.dk,2025-04-01 00:30:00 CET\n"
                    "p0@org.dk,p2@org.dk,04/01/2025 09:30 PM\n")
    roster_csv = tmp_path / "roster.csv"
    res = runner.invoke(cli, ["email", str(path), "--roster", str(roster_csv), "--out", str(tmp_path / "t.csv")])
    assert res.exit_code == 2, res.output
    assert res.stderr.splitlines() == [
        "Error: log.csv, row 3, column 'Date': is not a date and time ona can read; write ISO 8601 "
        "(2024-03-01T09:30:00) or m/d/Y H:M:S [bad-timestamp]"]


@pytest.fixture()
def copenhagen_clock(monkeypatch):
    """The machine's local time zone is Copenhagen's (UTC+1 in March), as on a Danish analyst's PC."""
    import time

    monkeypatch.setenv("TZ", "Europe/Copenhagen")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_mbox_dates_are_read_as_utc_whatever_the_machine_time_zone(roster, tmp_path, copenhagen_clock):
    """Five messages dated 1 March 2025 00:30, on a machine in Copenhagen, with --since 2025-03-01:
    with no zone and with -0000 (RFC 5322: zone unknown) the time is UTC, 00:30 on 1 March (inside,
    as on a machine in UTC; read in local time it was 23:30 on 28 February, outside); +0100 is 23:30
    on 28 February (outside); GMT is inside; CET (+1 or +2 by the season) is no time (no-time)."""
    box = tmp_path / "Inbox.mbox"
    box.write_text("".join(
        f"From - Sat Mar 01 00:30:00 2025\nMessage-ID: <m{i}@x>\nDate: Sat, 1 Mar 2025 00:30:00{zone}\n"
        f"From: p0@org.dk\nTo: p{i}@org.dk\n\nbody\n"
        for i, zone in enumerate(["", " -0000", " +0100 (CET)", " GMT", " CET"], start=1)))
    res = read_email([box], roster, EmailOptions(since="2025-03-01"))
    assert weights(res) == {("P0", "P1"): 1, ("P0", "P2"): 1, ("P0", "P4"): 1}
    assert res.excluded == {"outside-time-window": 1, "no-time": 1}


def test_group_to_group_data_merges_small_units_and_refuses_rules_for_people(tmp_path, runner):
    """Viva Insights' group-to-group sample has a unit "CEO" of group size 1. Pseudonymised (or with
    --min-group-size), units under the minimum are merged as people's units are: alone still under
    it, CEO joins the smallest unit of at least 5 and is no longer shown on its own. Rules that only
    apply to messages between people are refused."""
    from conftest import DATA

    sample = DATA / "vivainsights" / "g2g_data.csv"
    key = tmp_path / "k.key"
    key.write_bytes(bytes(range(32)))
    out = tmp_path / "units.csv"
    res = runner.invoke(cli, ["email", str(sample), "--pseudonymize", str(key), "--out", str(out)])
    assert res.exit_code == 0, res.output
    units = pd.read_csv(out)
    assert "CEO" not in set(units["from_unit"]) | set(units["to_unit"])
    assert any(u.endswith(" and small units (< 5)") for u in units["from_unit"])
    plain = read_email(sample, None).unit_level
    assert "CEO" in set(plain["from_unit"])
    assert len(units) == len(plain[(plain["from_unit"] != "CEO") & (plain["to_unit"] != "CEO")])
    res = runner.invoke(cli, ["email", str(sample), "--min-messages", "3", "--reciprocal", "--out", str(out)])
    assert res.exit_code == 2
    assert ("--min-messages, --reciprocal (min_messages=, reciprocal= in Python) cannot apply to group-to-group "
            "data") in res.output
    since = read_email(sample, None, EmailOptions(since="2030-01-01")).unit_level
    assert len(since) == 0


def test_a_bad_date_or_pattern_option_is_blamed_on_the_option_not_the_file(runner, tmp_path, email_engine):
    """A date in the Danish style, and a look-ahead that DuckDB's RE2 cannot run (Python's re can,
    and Spark's Java patterns can): each is an error about the option, not "message_log.csv:
    cannot be read"."""
    from conftest import DATA

    log = str(DATA / "email_handmade" / "message_log.csv")
    roster = str(DATA / "email_handmade" / "roster.csv")
    out = str(tmp_path / "x.csv")
    res = runner.invoke(cli, ["email", log, "--roster", roster, "--since", "01.03.2025", "--out", out])
    assert res.exit_code == 2
    assert "--since '01.03.2025' (since= in Python) is not a date; write it as YYYY-MM-DD" in res.output
    assert "message_log" not in res.output
    if email_engine != "duckdb":
        return  # (a look-ahead is a pattern Spark runs)
    res = runner.invoke(cli, ["email", log, "--roster", roster, "--exclude", "^(?=torben)", "--out", out])
    assert res.exit_code == 2 and "--exclude '^(?=torben)' (exclude= in Python) is a pattern" in res.output
    assert "message_log" not in res.output
