"""An analyst has a year of mail metadata instead of a survey: message logs, an mbox archive,
Microsoft 365 traces or Viva Insights exports. `ona email` turns them into a tie table joined to the
roster, counting everything it leaves out, and never keeps a word of what people wrote."""

from __future__ import annotations

import csv
import mailbox
from email.message import EmailMessage
from pathlib import Path

import pandas as pd
import pytest

import ona
from ona.cli import cli
from ona.ingest.email import EmailOptions, detect_email_format, pseudonym, read_email

from conftest import DATA, write_csv

# Every test here runs on both engines: DuckDB, and Spark in local mode (conftest.email_engine).
pytestmark = pytest.mark.usefixtures("email_engine")

MARKER = "ZZ-SECRET-SUBJECT-7731"
BODY_MARKER = "ZZ-SECRET-BODY-4412"


@pytest.fixture
def roster(tmp_path):
    path = write_csv(tmp_path / "roster.csv", [
        ["Employee ID", "Name", "Email", "Department"],
        ["A1", "Anna Åberg", "anna@kommune.dk", "HR"],
        ["B1", "Bo Bøgh", "bo@kommune.dk", "HR"],
        ["C1", "Cai Ødegård", "cai@kommune.dk", "IT"],
        ["D1", "Dan Dahl", "dan@kommune.dk", "IT"],
        ["E1", "Eva Ek", "eva@kommune.dk", "Finance"],
    ])
    return ona.read_roster(path)


def message_log(tmp_path) -> Path:
    """One row per message. By hand, with the defaults (per-message, Cc weight 1, 25 recipients):
    m1 anna -> bo, cai; cc dan ............ anna->bo 1, anna->cai 1, anna->dan 1
    m2 "Bøgh, Bo" <bo> -> ANNA, anna (same twice) ... bo->anna 1; 1 duplicate-recipient
    m3 anna -> anna ..................... 1 self-mail
    m4 no-reply -> anna; bo ............. 2 automated-sender
    m5 anna -> ext@firma.com; bo ........ anna->bo +1 (= 2); 1 external (dropped)
    m6 eva -> anna, bo, cai, dan (4) .... eva->each 1 (a broadcast only with --max-recipients 3)
    m7 cai -> dan, sent in 2023 ......... cai->dan 1 (outside the window with --since 2024-01-01)
    """
    rows = [["Message-ID", "From", "To", "Cc", "Date", "Subject"],
            ["m1", "anna@kommune.dk", "bo@kommune.dk; cai@kommune.dk", "Dan Dahl <dan@kommune.dk>", "2024-03-01 09:00", MARKER],
            ["m2", '"Bøgh, Bo" <bo@kommune.dk>', "ANNA@kommune.dk, anna@kommune.dk", "", "2024-03-02 10:00", MARKER],
            ["m3", "anna@kommune.dk", "anna@kommune.dk", "", "2024-03-03 10:00", MARKER],
            ["m4", "no-reply@kommune.dk", "anna@kommune.dk; bo@kommune.dk", "", "2024-03-04 10:00", MARKER],
            ["m5", "anna@kommune.dk", "ext@firma.com; bo@kommune.dk", "", "2024-03-05 10:00", MARKER],
            ["m6", "eva@kommune.dk", "anna@kommune.dk; bo@kommune.dk; cai@kommune.dk; dan@kommune.dk", "",
             "2024-03-06 10:00", MARKER],
            ["m7", "cai@kommune.dk", "dan@kommune.dk", "", "2023-12-30 10:00", MARKER]]
    return write_csv(tmp_path / "log.csv", rows)


def weights(result) -> dict:
    t = result.ties.ties
    return {(s, r): w for s, r, w in zip(t["source"], t["target"], t["weight"])}


@pytest.mark.on_spark_in("test_email_engines.py::test_spark_agrees_on_the_display_named_log_and_several_files_read_as_one")
def test_a_message_log_gives_the_weights_computed_by_hand(tmp_path, roster):
    result = read_email(message_log(tmp_path), roster)
    assert weights(result) == {("A1", "B1"): 2, ("A1", "C1"): 1, ("A1", "D1"): 1, ("B1", "A1"): 1,
                               ("E1", "A1"): 1, ("E1", "B1"): 1, ("E1", "C1"): 1, ("E1", "D1"): 1, ("C1", "D1"): 1}
    assert result.excluded == {"duplicate-recipient": 1, "self-mail": 1, "automated-sender": 2, "external": 1}
    assert result.rows_read == 15 and result.kept_rows == 15 - 1 - 1 - 2 - 1


@pytest.mark.on_spark_in("test_email_engines.py::test_spark_agrees_on_the_display_named_log_and_several_files_read_as_one")
def test_broadcasts_windows_cc_and_split_weights(tmp_path, roster):
    """--max-recipients 3 leaves m6 out (4 recipients); --since drops m7; --cc-weight 0.5 halves
    anna->dan; --weight split divides each message over its distinct recipients: m1 has 3
    (bo, cai, dan), m5 has 2 (ext, bo): anna->bo = 1/3 + 1/2, anna->dan = 0.5 / 3."""
    options = EmailOptions(max_recipients=3, since="2024-01-01", cc_weight=0.5, weight="split")
    result = read_email(message_log(tmp_path), roster, options)
    w = weights(result)
    assert w[("A1", "B1")] == pytest.approx(1 / 3 + 1 / 2)
    assert w[("A1", "C1")] == pytest.approx(1 / 3)
    assert w[("A1", "D1")] == pytest.approx(0.5 / 3)
    assert w[("B1", "A1")] == pytest.approx(1.0)
    assert ("E1", "A1") not in w and ("C1", "D1") not in w
    assert result.excluded["broadcast"] == 4 and result.excluded["outside-time-window"] == 1


def test_external_addresses_dropped_per_domain_or_kept(tmp_path, roster):
    log = message_log(tmp_path)
    by_domain = read_email(log, roster, EmailOptions(external="domain"))
    assert weights(by_domain)[("A1", "@firma.com")] == 1
    assert "@firma.com" in by_domain.roster.people.index
    assert by_domain.roster.people.loc["@firma.com", "Department"] == "External"
    kept = read_email(log, roster, EmailOptions(external="keep"))
    assert weights(kept)[("A1", "ext@firma.com")] == 1 and kept.externals["external recipients"] == 1


def test_a_person_with_two_addresses_and_two_outsiders_of_one_domain_are_one_node_each(tmp_path, roster):
    """anna writes to bo from her address and as A1 (her roster id); she writes to two people at
    firma.com, and bo answers one of them. By hand, with --external domain: anna->bo 2 (two
    messages), anna->@firma.com 2, bo->@firma.com 1, and @firma.com->anna 1 from x's reply."""
    log = write_csv(tmp_path / "log.csv", [
        ["Message-ID", "From", "To", "Date"],
        ["m1", "anna@kommune.dk", "bo@kommune.dk", "2024-03-01 09:00"],
        ["m2", "A1", "bo@kommune.dk", "2024-03-01 10:00"],
        ["m3", "anna@kommune.dk", "x@firma.com", "2024-03-02 09:00"],
        ["m4", "anna@kommune.dk", "y@firma.com", "2024-03-02 10:00"],
        ["m5", "bo@kommune.dk", "y@firma.com", "2024-03-03 09:00"],
        ["m6", "x@firma.com", "anna@kommune.dk", "2024-03-03 10:00"],
    ])
    result = read_email(log, roster, EmailOptions(external="domain"))
    t = result.ties.ties
    assert weights(result) == {("A1", "B1"): 2, ("A1", "@firma.com"): 2, ("B1", "@firma.com"): 1,
                               ("@firma.com", "A1"): 1}
    assert dict(zip(zip(t["source"], t["target"]), t["messages"]))[("A1", "@firma.com")] == 2
    assert result.excluded == {} and result.externals == {"external senders": 1, "external recipients": 1}
    dropped = read_email(log, roster)
    assert weights(dropped) == {("A1", "B1"): 2} and dropped.excluded == {"external": 4}


def test_reciprocal_and_minimum_messages(tmp_path, roster, email_engine):
    """anna->bo has 2 messages, bo->anna 1: with --min-messages 2 only anna->bo stays; with
    --reciprocal as well nothing stays (bo wrote to anna only once)."""
    if email_engine == "spark":
        pytest.skip("Spark runs these rules in test_email_handmade.py's window, reciprocity and minimum test")
    log = message_log(tmp_path)
    two = read_email(log, roster, EmailOptions(min_messages=2))
    assert set(weights(two)) == {("A1", "B1")}
    both = read_email(log, roster, EmailOptions(min_messages=1, reciprocal=True))
    assert set(weights(both)) == {("A1", "B1"), ("B1", "A1")}
    none = read_email(log, roster, EmailOptions(min_messages=2, reciprocal=True))
    assert weights(none) == {}


def test_an_mbox_archive_reads_headers_only_and_skips_chats(tmp_path, roster):
    box = mailbox.mbox(str(tmp_path / "archive.mbox"))
    for number, (sender, to, cc, labels) in enumerate([
            ("Anna <anna@kommune.dk>", "bo@kommune.dk, Cai <cai@kommune.dk>", "dan@kommune.dk", "Inbox"),
            ("bo@kommune.dk", "anna@kommune.dk", "", "Sent"),
            ("bo@kommune.dk", "anna@kommune.dk", "", "Chat")]):
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = sender, to, MARKER
        if cc:
            message["Cc"] = cc
        message["Date"] = "Mon, 04 Mar 2024 10:00:00 +0100"
        message["Message-ID"] = f"<m{number}@kommune.dk>"
        message["X-Gmail-Labels"] = labels
        message.set_content(BODY_MARKER)
        box.add(message)
    box.close()
    assert detect_email_format(tmp_path / "archive.mbox") == "mbox"
    result = read_email(tmp_path / "archive.mbox", roster)
    assert weights(result) == {("A1", "B1"): 1, ("A1", "C1"): 1, ("A1", "D1"): 1, ("B1", "A1"): 1}
    assert result.excluded == {"chat": 1}


def test_microsoft_365_traces_classic_and_enhanced(tmp_path, roster):
    """Classic: one row per recipient; a Failed delivery is left out. Enhanced (UTF-16, one row per
    delivery event, duplicate copies of a message): recipients from recipient_status
    'address##events', each recipient counted once per network message id."""
    classic = write_csv(tmp_path / "trace.csv", [
        ["Received", "SenderAddress", "RecipientAddress", "Subject", "Status", "MessageId"],
        ["2024-03-01T09:00:00", "anna@kommune.dk", "bo@kommune.dk", MARKER, "Delivered", "<x1@k>"],
        ["2024-03-01T09:00:00", "anna@kommune.dk", "cai@kommune.dk", MARKER, "Failed", "<x1@k>"],
        ["2024-03-02T09:00:00", "bo@kommune.dk", "anna@kommune.dk", MARKER, "Delivered", "<x2@k>"]])
    assert detect_email_format(classic) == "m365-trace"
    result = read_email(classic, roster)
    assert weights(result) == {("A1", "B1"): 1, ("B1", "A1"): 1} and result.excluded == {"not-delivered": 1}

    enhanced = tmp_path / "enhanced.csv"
    with open(enhanced, "w", encoding="utf-16", newline="") as handle:
        w = csv.writer(handle)
        w.writerow(["origin_timestamp_utc", "sender_address", "recipient_status", "message_subject",
                    "network_message_id"])
        w.writerow(["2024-03-01T09:00:00Z", "anna@kommune.dk",
                    "bo@kommune.dk##Receive, Deliver;cai@kommune.dk##Receive, Fail", MARKER, "n1"])
        w.writerow(["2024-03-01T09:00:00Z", "anna@kommune.dk", "bo@kommune.dk##Receive, Deliver", MARKER, "n1"])
        w.writerow(["2024-03-02T09:00:00Z", "cai@kommune.dk", "dan@kommune.dk##Receive, Deliver", MARKER, "n2"])
    assert detect_email_format(enhanced) == "m365-enhanced"
    result = read_email(enhanced, roster)
    assert weights(result) == {("A1", "B1"): 1, ("C1", "D1"): 1}
    assert result.excluded == {"not-delivered": 1, "duplicate-recipient": 1}


def test_viva_insights_person_to_person_and_group_to_group(tmp_path):
    """Person-to-person: primary -> secondary, weight = strong-tie score summed over dates, joined
    to a roster by PersonId. Group-to-group gives a unit-level network only."""
    p2p = pd.read_csv(DATA / "vivainsights" / "p2p_data.csv")
    people = sorted(set(p2p["PrimaryCollaborator_PersonId"]) | set(p2p["SecondaryCollaborator_PersonId"]))
    roster = ona.read_roster(write_csv(tmp_path / "r.csv", [["PersonId", "Organization"]]
                                       + [[p, "Org " + p[0]] for p in people]), id_column="PersonId",
                             unit_column="Organization")
    result = read_email(DATA / "vivainsights" / "p2p_data.csv", roster)
    assert result.formats == ("viva-p2p",)
    expected = p2p.groupby(["PrimaryCollaborator_PersonId", "SecondaryCollaborator_PersonId"])["Strong_tie_score"].sum()
    got = result.ties.ties.set_index(["source", "target"])["weight"]
    assert len(got) == len(expected)
    first = expected.index[0]
    assert got.loc[first] == pytest.approx(expected.loc[first])
    for sample in ("vivainsights", "wpa"):
        units = read_email(DATA / sample / "g2g_data.csv", None)
        assert units.unit_level is not None and len(units.ties) == 0
        assert {"from_unit", "to_unit", "weight"} <= set(units.unit_level.columns)


@pytest.mark.on_spark_in("test_email_engines.py::test_the_real_company_log_gives_the_same_5783_pairs_on_spark")
def test_the_manufacturing_company_log_end_to_end(tmp_path, runner, email_engine):
    """82,927 recipient rows of a real company (Michalski et al. 2011). Its README verifies 5,784
    distinct sender -> recipient pairs, one of them a self-pair: with no broadcast limit the tie
    table has exactly 5,783 pairs. The CLI, with the default limit, analyses it by division."""
    data = DATA / "manufacturing-email"
    roster = ona.read_roster(data / "nodes.csv", id_column="node_id", unit_column="division_head")
    every = read_email(data / "messages.csv", roster, EmailOptions(max_recipients=10**6))
    assert len(every.ties) == 5783 and every.rows_read == 82_927
    assert every.excluded["self-mail"] == 51
    out = tmp_path / "ties.parquet"
    result = runner.invoke(cli, ["email", str(data / "messages.csv"), "--roster", str(data / "nodes.csv"),
                                 "--id-column", "node_id", "--out", str(out)])
    assert result.exit_code == 0, result.output
    where = {"duckdb": "DuckDB on this machine", "spark": "Spark (local[2])"}[email_engine]
    # (the summary is notes, on stderr: its rows are recipient rows, its reasons each in their unit)
    assert f"82,927 recipient rows (log) with {where}" in result.stderr and result.stdout == ""
    assert "Left out: 51 recipient rows (self-mail)" in result.stderr
    import duckdb

    table = duckdb.connect().execute(f"SELECT * FROM read_parquet('{out}')").df()
    assert set(table.columns) == {"source", "target", "weight", "messages"}
    assert len(table) < 5783 and table["weight"].sum() == table["messages"].sum()
    report = runner.invoke(cli, ["analyze", "--roster", str(data / "nodes.csv"), "--id-column", "node_id",
                                 "--unit-column", "division_head", "--email", str(data / "messages.csv"),
                                 "--out", str(tmp_path / "report")])
    assert report.exit_code == 0, report.output
    assert "People:              167" in report.output


def test_nothing_people_wrote_reaches_any_output(tmp_path, roster, runner):
    """Subjects (and bodies in the mbox) carry a marker; no output file contains it."""
    log = message_log(tmp_path)
    args = ["analyze", "--roster", str(tmp_path / "roster.csv"), "--email", str(log), "--out", str(tmp_path / "r")]
    assert runner.invoke(cli, args).exit_code == 0
    assert runner.invoke(cli, ["email", str(log), "--roster", str(tmp_path / "roster.csv"), "--out",
                               str(tmp_path / "r" / "ties.xlsx")]).exit_code == 0
    for path in (tmp_path / "r").iterdir():
        data = path.read_bytes()
        assert MARKER.encode() not in data and BODY_MARKER.encode() not in data, path.name
    import zipfile

    with zipfile.ZipFile(tmp_path / "r" / "metrics.xlsx") as book:
        assert not any(MARKER.encode() in book.read(n) for n in book.namelist())


def test_pseudonymised_runs_show_no_name_or_address(tmp_path, roster, runner):
    key = tmp_path / "key.bin"
    key.write_bytes(b"0123456789abcdef0123456789abcdef")
    args = ["analyze", "--roster", str(tmp_path / "roster.csv"), "--email", str(message_log(tmp_path)),
            "--out", str(tmp_path / "r"), "--pseudonymize", str(key), "--min-group-size", "1"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    for path in (tmp_path / "r").iterdir():
        text = path.read_bytes()
        for secret in ("Anna", "anna@kommune.dk", "kommune.dk", "Bøgh", "Ødegård", "0123456789abcdef"):
            assert secret.encode() not in text, (path.name, secret)
    nodes = pd.read_csv(tmp_path / "r" / "nodes.csv", encoding="utf-8-sig")
    assert pseudonym(key.read_bytes(), "anna@kommune.dk") in set(nodes["id"])
    assert not set(nodes["id"]) & {"A1", "B1", "C1", "D1", "E1"}


def test_small_units_are_merged_when_pseudonymising(tmp_path, roster, runner):
    """Default minimum group size 5 when pseudonymising: HR (2), IT (2) and Finance (1) merge."""
    key = tmp_path / "key.bin"
    key.write_bytes(b"another key of at least sixteen bytes")
    result = runner.invoke(cli, ["analyze", "--roster", str(tmp_path / "roster.csv"), "--email",
                                 str(message_log(tmp_path)), "--out", str(tmp_path / "r"), "--pseudonymize", str(key)])
    assert result.exit_code == 0, result.output
    units = pd.read_excel(tmp_path / "r" / "metrics.xlsx", sheet_name="Units", engine="calamine")
    assert units["unit"].tolist() == ["Small units (< 5)"]


def test_a_file_without_sender_and_recipient_is_a_clean_error(tmp_path, roster, runner):
    bad = write_csv(tmp_path / "mail.csv", [["who", "what"], ["anna", "hello"]])
    result = runner.invoke(cli, ["email", str(bad), "--roster", str(tmp_path / "roster.csv"), "--out",
                                 str(tmp_path / "t.csv")])
    assert result.exit_code == 2 and "mail.csv, row 1" in result.output and "sender" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "t.csv").exists()


def test_plain_address_lists_and_display_names_give_the_same_ties(tmp_path, roster):
    """Without display names, recipient lists are split on ; and , (the fast path); with them, every
    address in a cell is extracted, so "Dahl, Dan" <dan@…> is one recipient, not two."""
    plain = write_csv(tmp_path / "plain.csv", [["From", "To", "Cc"],
                                               ["anna@kommune.dk", "bo@kommune.dk; cai@kommune.dk,dan@kommune.dk", ""],
                                               ["bo@kommune.dk", "anna@kommune.dk", "cai@kommune.dk"]])
    named = write_csv(tmp_path / "named.csv", [["From", "To", "Cc"],
                                               ["anna@kommune.dk", '"Bøgh, Bo" <bo@kommune.dk>; cai@kommune.dk, '
                                                '"Dahl, Dan" <dan@kommune.dk>', ""],
                                               ["bo@kommune.dk", "anna@kommune.dk", "Cai <cai@kommune.dk>"]])
    expected = {("A1", "B1"): 1, ("A1", "C1"): 1, ("A1", "D1"): 1, ("B1", "A1"): 1, ("B1", "C1"): 1}
    assert weights(read_email(plain, roster)) == expected
    assert weights(read_email(named, roster)) == expected


def test_spaces_tabs_and_line_breaks_around_separators_name_the_same_people(tmp_path, roster):
    """However an export spaces its lists ("a; b", "a ,b", "a;\\tb"), each address is
    one recipient, and the same address written twice in one message counts once: by hand,
    anna->bo 2, anna->cai 2, anna->dan 1, with 2 duplicate recipients (bo and cai again in m2)."""
    log = write_csv(tmp_path / "lists.csv", [
        ["Message-ID", "From", "To", "Date"],
        ["m1", "anna@kommune.dk", " bo@kommune.dk ;cai@kommune.dk , dan@kommune.dk ", "2024-03-01 09:00"],
        ["m2", "anna@kommune.dk", "bo@kommune.dk;\tcai@kommune.dk\t;BO@kommune.dk; cai@kommune.dk", "2024-03-01 10:00"],
    ])
    result = read_email(log, roster)
    assert weights(result) == {("A1", "B1"): 2, ("A1", "C1"): 2, ("A1", "D1"): 1}
    assert result.excluded == {"duplicate-recipient": 2}


@pytest.mark.parametrize("options, on_spark", [
    (EmailOptions(), False), (EmailOptions(max_recipients=3), False),
    (EmailOptions(weight="split", cc_weight=0.5), False),
    (EmailOptions(since="2010-03-01", until="2024-03-04", max_recipients=3, external="domain"), True)],
    ids=["defaults", "broadcast", "split-cc", "window-domain"])
def test_summing_by_address_hash_gives_what_regrouping_by_address_gives(tmp_path, roster, monkeypatch, options,
                                                                          on_spark, email_engine):
    """Where every address is written one way, the rules sum a message's recipients by address hash
    and name the pairs afterwards; where two spellings meet in one message they regroup by
    normalised address first. Both ways, on the same log and the real company log, give one result."""
    from ona.ingest import email

    if email_engine == "spark" and not on_spark:
        pytest.skip("the rules are the same SQL on both engines; Spark runs the window with outside domains, "
                    "the most rules at once (about 20 s for each set of options)")

    company = DATA / "manufacturing-email"
    people = ona.read_roster(company / "nodes.csv", id_column="node_id", unit_column="division_head")
    for log, who in ((message_log(tmp_path), roster), (company / "messages.csv", people)):
        by_hash = read_email(log, who, options)
        with monkeypatch.context() as patched:  # as if every node were written two ways: the regrouping path
            patched.setattr(email, "SHARED_NODES", "SELECT who FROM identities")
            regrouped = read_email(log, who, options)
        assert weights(by_hash) == pytest.approx(weights(regrouped)) and len(by_hash.ties) > 0
        assert by_hash.excluded == regrouped.excluded and by_hash.rows_read == regrouped.rows_read


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".xlsx"])
def test_a_tie_table_written_by_the_engine_is_the_one_read_email_returns(tmp_path, suffix, email_engine):
    """`read_email(out=...)` (what `ona email --out` uses) writes the tie table where it is asked,
    without the pairs coming back: the same pairs, weights and counts as the returned table, and
    whole-number weights written as DuckDB writes a DOUBLE (``7.0``)."""
    if email_engine == "spark" and suffix != ".csv":
        pytest.skip("Spark hands every suffix to the same writer (engines.write_frame) as a frame: .csv shows it")
    data = DATA / "manufacturing-email"
    roster = ona.read_roster(data / "nodes.csv", id_column="node_id", unit_column="division_head")
    options = EmailOptions(min_messages=2, external="domain")
    returned = read_email(data / "messages.csv", roster, options)
    out = tmp_path / f"ties{suffix}"
    written = read_email(data / "messages.csv", roster, options, out=out)
    assert len(written.ties) == 0 and written.pairs == returned.pairs == len(returned.ties) > 1000
    assert (written.excluded, written.rows_read, written.externals) == \
        (returned.excluded, returned.rows_read, returned.externals)
    if suffix == ".csv":
        table = pd.read_csv(out, dtype={"source": str, "target": str})
        assert out.read_text().splitlines()[1].split(",")[2].endswith(".0")
    elif suffix == ".parquet":
        table = pd.read_parquet(out)
    else:
        table = pd.read_excel(out, sheet_name="Ties", dtype={"source": str, "target": str}, engine="openpyxl")
    assert list(table.columns) == ["source", "target", "weight", "messages"]
    expected = returned.ties.ties.set_index(["source", "target"])[["weight", "messages"]]
    got = table.astype({"source": str, "target": str}).set_index(["source", "target"])
    pd.testing.assert_frame_equal(got.sort_index(), expected.sort_index(), check_dtype=False)


def test_ona_email_writes_the_unit_table_of_group_to_group_data(tmp_path, runner):
    """Group-to-group Viva Insights data gives units, not people: `ona email` says so and writes
    the unit table."""
    out = tmp_path / "units.csv"
    result = runner.invoke(cli, ["email", str(DATA / "vivainsights" / "g2g_data.csv"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "a unit-level network only" in result.output
    expected = read_email(DATA / "vivainsights" / "g2g_data.csv", None).unit_level
    table = pd.read_csv(out)
    assert {"from_unit", "to_unit", "weight"} <= set(table.columns) and len(table) == len(expected)
    assert table["weight"].sum() == pytest.approx(expected["weight"].sum())
