"""A second, independent set of hand-made email exports (tests/data/email_handmade/), one per format,
with the expected tie weights worked out by hand in each docstring before the code was run; plus
malformed rows, US-style and zoned timestamps, and the public Viva Insights samples.

These files were written for a parallel implementation of issue #5 (branch ``email-duckdb-alt``);
main's :func:`ona.ingest.email.read_email` gives the same weights on every one of them, which is the
point of keeping them: two derivations of the rules in docs/email.md that agree.
"""

from __future__ import annotations


import pandas as pd
import pytest

import ona
from ona.cli import cli
from ona.ingest.email import EmailOptions, read_email

from conftest import DATA

H = DATA / "email_handmade"
# Every test here runs on both engines: DuckDB, and Spark in local mode (conftest.email_engine).
pytestmark = pytest.mark.usefixtures("email_engine")

MARKER = "SECRET-MARKER-7f3a"


@pytest.fixture(scope="module")
def roster():
    return ona.read_roster(H / "roster.csv")


def weights(result) -> dict:
    t = result.ties.ties
    return {(s, g): round(float(w), 6) for s, g, w in zip(t["source"], t["target"], t["weight"])}


@pytest.mark.on_spark_in("test_email_engines.py::test_spark_gives_the_tie_table_duckdb_gives_on_every_handmade_file[message log]")
def test_message_log_rules_by_hand(roster):
    """message_log.csv with --max-recipients 3, --cc-weight 0.5, --exclude '^all-staff@':
    m1 A->B 1, A->C 1, A->D 0.5 (Cc); m2 A->B 1 (bo listed twice: 1 duplicate; '"Berg, Ann"
    <ANN@...>' is Ann); m3 B->A 1; m4 C->C self-mail, C->D 1; m5 no-reply: automated; m6 A->external
    (dropped), A->B 1; m7 4 recipients > 3: broadcast (4 rows); m8 E->D 0.5 (Cc only); m9 all-staff@:
    excluded; m10 external sender. A->B 3, A->C 1, A->D 0.5, B->A 1, C->D 1, E->D 0.5; 18 rows read."""
    res = read_email([H / "message_log.csv"], roster,
                     EmailOptions(max_recipients=3, cc_weight=0.5, exclude=("^all-staff@",)))
    assert weights(res) == {("A", "B"): 3, ("A", "C"): 1, ("A", "D"): 0.5, ("B", "A"): 1, ("C", "D"): 1,
                            ("E", "D"): 0.5}
    assert res.rows_read == 18
    assert res.excluded["broadcast"] == 4 and res.excluded["self-mail"] == 1
    assert res.excluded["duplicate-recipient"] == 1


@pytest.mark.on_spark_in("test_email_engines.py::test_spark_gives_the_tie_table_duckdb_gives_on_every_handmade_file[split weights]")
def test_split_weights_by_hand(roster):
    """--weight split: m1 has 3 distinct recipients (A->B 1/3, A->C 1/3, A->D 0.5/3), m2 one (A->B 1),
    m6 two, the external one included (A->B 1/2): A->B = 1/3 + 1 + 1/2 = 11/6."""
    res = read_email([H / "message_log.csv"], roster,
                     EmailOptions(max_recipients=3, cc_weight=0.5, weight="split", exclude=("^all-staff@",)))
    assert weights(res) == {("A", "B"): round(11 / 6, 6), ("A", "C"): round(1 / 3, 6), ("A", "D"): round(1 / 6, 6),
                            ("B", "A"): 1, ("C", "D"): 1, ("E", "D"): 0.5}


def test_window_reciprocity_and_minimum_by_hand(roster):
    """--since 2024-01-01 --until 2024-01-31 leaves out m8 (Dec 31) and m6 (Feb 1): A->B 2, no E->D.
    --reciprocal keeps A<->B only (4 pairs unanswered); --min-messages 2 keeps A->B only (5 pairs)."""
    win = read_email([H / "message_log.csv"], roster, EmailOptions(max_recipients=3, since="2024-01-01",
                                                                   until="2024-01-31"))
    assert weights(win)[("A", "B")] == 2 and ("E", "D") not in weights(win)
    assert win.excluded["outside-time-window"] == 3
    rec = read_email([H / "message_log.csv"], roster, EmailOptions(max_recipients=3, reciprocal=True))
    assert weights(rec) == {("A", "B"): 3, ("B", "A"): 1}
    k2 = read_email([H / "message_log.csv"], roster, EmailOptions(max_recipients=3, min_messages=2))
    assert weights(k2) == {("A", "B"): 3}


@pytest.mark.on_spark_in("test_email_engines.py::test_spark_gives_the_tie_table_duckdb_gives_on_every_handmade_file[recipient log]")
def test_recipient_log_without_message_ids(roster):
    """recipient_log.csv: Ann's 09:00 message (To bo, cy, Cc di, bo again) and two of Bo's:
    A->B 1, A->C 1, A->D 0.5, B->A 2; one duplicate."""
    res = read_email([H / "recipient_log.csv"], roster, EmailOptions(cc_weight=0.5))
    assert weights(res) == {("A", "B"): 1, ("A", "C"): 1, ("A", "D"): 0.5, ("B", "A"): 2}
    assert res.excluded == {"duplicate-recipient": 1}


def test_m365_classic_trace_and_its_us_timestamps(roster):
    """m365_trace.csv: <a1> Ann -> Bo, Cy (Bo twice), <b1> Failed, <c1> FilteredAsSpam, <d1> Di -> Eva:
    A->B 1, A->C 1, D->E 1. Its times are US style (1/15/2024 10:00:00 AM): --until 2024-01-16 keeps
    only <a1> (Jan 15); <d1> (Jan 17) is outside the window."""
    res = read_email([H / "m365_trace.csv"], roster)
    assert weights(res) == {("A", "B"): 1, ("A", "C"): 1, ("D", "E"): 1}
    assert res.excluded == {"not-delivered": 2, "duplicate-recipient": 1}
    early = read_email([H / "m365_trace.csv"], roster, EmailOptions(until="2024-01-16"))
    assert weights(early) == {("A", "B"): 1, ("A", "C"): 1}


@pytest.mark.on_spark_in("test_email_engines.py::test_spark_gives_the_tie_table_duckdb_gives_on_every_handmade_file[m365 extended report (UTF-16)]")
def test_m365_extended_report_in_utf16(roster):
    """m365_extended.csv (UTF-16): message ...01 twice (two report copies): Bo's delivery once,
    Cy's failed; Di -> Eva. A->B 1, D->E 1."""
    res = read_email([H / "m365_extended.csv"], roster)
    assert weights(res) == {("A", "B"): 1, ("D", "E"): 1}


def test_mbox_by_hand_with_times_in_utc(roster):
    """archive.mbox: mb1 Ann -> To Bo, Cc Cy at 09:00 +0100 (08:00 UTC); mb2 Bo -> Ann twice; a
    Gmail chat (skipped); mb4 Di -> Di. Cc 0.5: A->B 1, A->C 0.5, B->A 1. --since 2024-01-10T08:30
    leaves mb1 out, whatever the machine's time zone."""
    res = read_email([H / "archive.mbox"], roster, EmailOptions(cc_weight=0.5))
    assert weights(res) == {("A", "B"): 1, ("A", "C"): 0.5, ("B", "A"): 1}
    late = read_email([H / "archive.mbox"], roster, EmailOptions(since="2024-01-10T08:30"))
    assert weights(late) == {("B", "A"): 1}


@pytest.mark.on_spark_in("test_email_engines.py::test_spark_gives_the_tie_table_duckdb_gives_on_every_handmade_file[viva person-to-person]")
def test_viva_person_to_person_by_hand():
    """viva_p2p.csv: p-01 -> p-02 0.25 + 0.5 (two dates), p-02 -> p-03 0.125; p-03 -> p-03 self;
    p-99 not in the roster."""
    res = read_email([H / "viva_p2p.csv"], ona.read_roster(H / "viva_roster.csv"))
    assert weights(res) == {("p-01", "p-02"): 0.75, ("p-02", "p-03"): 0.125}


def test_viva_sample_person_to_person_has_its_2014_pairs(tmp_path):
    """vivainsights' p2p_data.csv: 2,014 distinct pairs (its README); each weighs its Strong_tie_score."""
    raw = pd.read_csv(H / "viva_p2p_sample.csv", dtype=str, keep_default_na=False)
    ids = sorted(set(raw["PrimaryCollaborator_PersonId"]) | set(raw["SecondaryCollaborator_PersonId"]))
    pd.DataFrame({"PersonId": ids, "Organization": "X"}).to_csv(tmp_path / "r.csv", index=False)
    res = read_email([H / "viva_p2p_sample.csv"], ona.read_roster(tmp_path / "r.csv"))
    assert len(res.ties.ties) == 2014
    assert res.ties.ties["weight"].sum() == pytest.approx(raw["Strong_tie_score"].astype(float).sum())


@pytest.mark.on_spark_in("test_email_engines.py::test_spark_agrees_on_the_display_named_log_and_several_files_read_as_one")
def test_several_files_read_as_one(roster):
    """message_log.csv and archive.mbox together: A->B 3 + 1, A->C 1 + 0.5, B->A 1 + 1."""
    res = read_email([H / "message_log.csv", H / "archive.mbox"], roster,
                     EmailOptions(max_recipients=3, cc_weight=0.5, exclude=("^all-staff@",)))
    w = weights(res)
    assert (w[("A", "B")], w[("A", "C")], w[("B", "A")]) == (4, 1.5, 2)


# --- Malformed rows: file, row and column, exit 2, nothing written --------------------------------

def test_malformed_rows_name_file_row_and_column(runner, tmp_path):
    """bad_rows.csv: row 3 has 'yesterday' as its time, row 4 a blank sender."""
    out = tmp_path / "ties.csv"
    res = runner.invoke(cli, ["email", str(H / "bad_rows.csv"), "--roster", str(H / "roster.csv"), "--out", str(out)])
    assert res.exit_code == 2, res.output
    assert res.stderr.splitlines() == [
        "Error: bad_rows.csv, row 3, column 'sent': is not a date and time ona can read; write ISO 8601 "
        "(2024-03-01T09:30:00) or m/d/Y H:M:S [bad-timestamp]",
        "Error: bad_rows.csv, row 4, column 'from': the sender is blank; every message needs one [blank-sender]",
    ]
    assert list(tmp_path.iterdir()) == []


def test_a_short_row_names_its_row(runner, tmp_path):
    res = runner.invoke(cli, ["email", str(H / "short_row.csv"), "--roster", str(H / "roster.csv"),
                              "--out", str(tmp_path / "t.csv")])
    assert res.exit_code == 2, res.output
    assert res.stderr.strip() == ("Error: short_row.csv, row 3: the row has 2 cells but the header has 3; "
                                  "fix the row or the delimiter [bad-row]")
    assert "ann@" not in res.stderr and "bo@" not in res.stderr


def test_the_marker_in_subjects_and_bodies_reaches_no_output(runner, tmp_path):
    for src in ("message_log.csv", "archive.mbox", "m365_trace.csv", "m365_extended.csv"):
        out = tmp_path / f"{src}.csv"
        res = runner.invoke(cli, ["email", str(H / src), "--roster", str(H / "roster.csv"), "--out", str(out)])
        assert res.exit_code == 0, res.output
        assert MARKER not in res.output and MARKER not in out.read_text(encoding="utf-8")


def test_a_trace_row_without_sender_is_not_an_error(roster, tmp_path):
    """A Microsoft 365 trace may list a bounce with an empty sender: it is left out (counted as a
    blank address), not a malformed row; only hand-made logs must name every sender."""
    trace = tmp_path / "trace.csv"
    trace.write_text("Received,SenderAddress,RecipientAddress,Status,MessageId\n"
                     "1/15/2024 10:00:00 AM,ann@org.example,bo@org.example,Delivered,<a1@x>\n"
                     "1/15/2024 10:05:00 AM,,ann@org.example,Delivered,<n1@x>\n", encoding="utf-8")
    res = read_email([trace], roster)
    assert weights(res) == {("A", "B"): 1} and res.excluded == {"blank-address": 1}


def test_a_person_named_twice_in_one_message_counts_once(roster, tmp_path):
    """Ann's old address (--aliases) and her id are her too. By hand, with --cc-weight 0.5:
    m1 Bo -> ann@ and ann.old@: one recipient, A 1, one duplicate; m2 Bo -> ann@, Cc cy@: A 1,
    C 0.5; m3 Bo -> A (her id), Cc ann@: To wins, A 1, one duplicate; m4 Cy -> ann.old@: C->A 1.
    So B->A 3 in 3 messages, B->C 0.5, C->A 1, and 2 duplicate recipients. With --weight split
    m2 has two recipients (A and C), the others one: B->A 1 + 0.5 + 1 = 2.5, B->C 0.25."""
    aliases = tmp_path / "aliases.csv"
    aliases.write_text("old,new\nann.old@org.example,A\n", encoding="utf-8")
    log = tmp_path / "log.csv"
    log.write_text("MessageId,From,To,Cc,Date\n"
                   "m1,bo@org.example,ann@org.example; Ann.Old@org.example,,2024-01-05\n"
                   "m2,bo@org.example,ann@org.example,cy@org.example,2024-01-06\n"
                   "m3,bo@org.example,A,ann@org.example,2024-01-07\n"
                   "m4,cy@org.example,ann.old@org.example,,2024-01-08\n", encoding="utf-8")
    per_message = read_email([log], roster, EmailOptions(aliases=aliases, cc_weight=0.5))
    t = per_message.ties.ties
    assert {(s, g): (w, m) for s, g, w, m in zip(t["source"], t["target"], t["weight"], t["messages"])} == {
        ("B", "A"): (3, 3), ("B", "C"): (0.5, 1), ("C", "A"): (1, 1)}
    assert per_message.excluded == {"duplicate-recipient": 2}
    split = read_email([log], roster, EmailOptions(aliases=aliases, cc_weight=0.5, weight="split"))
    assert weights(split) == {("B", "A"): 2.5, ("B", "C"): 0.25, ("C", "A"): 1}
    assert split.ties.ties["weight"].dtype == "float64"


def test_a_written_tie_table_has_plain_decimal_weights(runner, tmp_path):
    """--weight split divides: the weight column is a float on every engine (Spark kept it a
    decimal and wrote 0.2500000000000000000000), in the CSV and in the Parquet schema."""
    options = ["--roster", str(H / "roster.csv"), "--max-recipients", "3", "--cc-weight", "0.5", "--weight", "split",
               "--exclude", "^all-staff@"]
    res = runner.invoke(cli, ["email", str(H / "message_log.csv"), "--out", str(tmp_path / "t.csv"), *options])
    assert res.exit_code == 0, res.output
    weights_written = pd.read_csv(tmp_path / "t.csv", dtype=str)["weight"]
    assert weights_written.str.fullmatch(r"\d+(\.\d{1,17})?(e-?\d+)?").all(), weights_written.tolist()
    assert any("." in w and len(w) < 8 for w in weights_written), weights_written.tolist()
    res = runner.invoke(cli, ["email", str(H / "message_log.csv"), "--out", str(tmp_path / "t.parquet"), *options])
    assert res.exit_code == 0, res.output
    assert pd.read_parquet(tmp_path / "t.parquet")["weight"].dtype == "float64"


def test_two_people_of_one_outside_firm_in_one_message_are_one_message_to_the_firm(roster, tmp_path):
    """--external domain makes the firm one node, and so one recipient of a message: m1 Ann -> x@,
    Cc y@ (both at firma): A -> @firma 1 and one duplicate recipient; m2 Ann -> x@: 1. So 2 in 2
    messages, which --min-messages 2 keeps; m1 alone is one message, which it drops. With
    --external keep the two people stay apart: 2 to x@ in 2 messages, 1 to y@."""
    log = tmp_path / "log.csv"
    log.write_text("MessageId,From,To,Cc,Date\n"
                   "m1,ann@org.example,x@firma.example,y@firma.example,2024-01-05\n"
                   "m2,ann@org.example,x@firma.example,,2024-01-06\n", encoding="utf-8")
    by_firm = read_email([log], roster, EmailOptions(external="domain", min_messages=2))
    t = by_firm.ties.ties
    assert list(zip(t["source"], t["target"], t["weight"], t["messages"])) == [("A", "@firma.example", 2, 2)]
    assert by_firm.excluded == {"duplicate-recipient": 1}
    (tmp_path / "m1.csv").write_text("\n".join(log.read_text(encoding="utf-8").splitlines()[:2]) + "\n",
                                     encoding="utf-8")
    one = read_email([tmp_path / "m1.csv"], roster, EmailOptions(external="domain", min_messages=2))
    assert len(one.ties) == 0 and one.excluded == {"duplicate-recipient": 1, "fewer than 2 messages (pairs)": 1}
    kept = read_email([log], roster, EmailOptions(external="keep"))
    t = kept.ties.ties
    assert sorted(zip(t["source"], t["target"], t["weight"], t["messages"])) == [
        ("A", "x@firma.example", 2, 2), ("A", "y@firma.example", 1, 1)]


def test_copying_ones_own_other_address_is_self_mail_not_a_recipient(roster, tmp_path):
    """Ann writes to Bo with a copy to her old address (--aliases): one recipient, so no broadcast
    with --max-recipients 1, and the copy is self-mail."""
    aliases = tmp_path / "aliases.csv"
    aliases.write_text("old,new\nann.old@org.example,A\n", encoding="utf-8")
    log = tmp_path / "log.csv"
    log.write_text("MessageId,From,To,Cc,Date\nm1,ann@org.example,bo@org.example,ann.old@org.example,2024-01-05\n",
                   encoding="utf-8")
    res = read_email([log], roster, EmailOptions(aliases=aliases, max_recipients=1, weight="split"))
    assert weights(res) == {("A", "B"): 1} and res.excluded == {"self-mail": 1}


def test_the_tie_table_comes_sorted_by_sender_then_recipient(roster, tmp_path):
    """Next year's run on the same log must give the same file, row for row, so that two runs can be
    compared with a diff: the tie table is sorted by sender, then recipient, in memory and as a file."""
    res = read_email([H / "message_log.csv"], roster, EmailOptions(max_recipients=3, exclude=("^all-staff@",)))
    pairs = list(zip(res.ties.ties["source"], res.ties.ties["target"]))
    assert pairs == sorted(pairs) and len(pairs) == 6
    out = tmp_path / "ties.csv"
    read_email([H / "message_log.csv"], roster, EmailOptions(max_recipients=3, exclude=("^all-staff@",)), out=out)
    written = pd.read_csv(out, dtype=str)
    assert list(zip(written["source"], written["target"])) == pairs
