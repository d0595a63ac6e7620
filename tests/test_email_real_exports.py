"""An analyst in Copenhagen runs `ona email` on what the mail admins hand over: an Outlook log with
Danish, Norwegian or Swedish headers, a Google Workspace investigation-tool export, files that are
broken in the ways real exports break, an alias file copied from an address book, a Viva Insights
export with zero scores. Each story below is one defect the exploratory tests found: the tie table
must be exactly the one worked out by hand, an unreadable file one `ona` error line (code, file,
row or column, exit 2, no DuckDB text, no personal data), and the summary precise and on stderr."""

from __future__ import annotations

import mailbox
import re
from email.message import EmailMessage

import pandas as pd
import pytest

from ona.cli import cli

from conftest import write_csv

ANNA, BO, CAI = "anna@kommune.dk", "bo@kommune.dk", "cai@kommune.dk"
# Words DuckDB puts in its messages; none may reach the user.
DUCKDB_WORDS = ("Binder Error", "Invalid Input Error", "IO Error", "duckdb", "read_csv", "struct_pack",
                "Original Line", "VARCHAR")


@pytest.fixture
def roster(tmp_path):
    return write_csv(tmp_path / "roster.csv", [
        ["Employee ID", "Name", "Email", "Department"],
        ["A1", "Anna Åberg", ANNA, "HR"],
        ["B1", "Bo Bøgh", BO, "HR"],
        ["C1", "Cai Ødegård", CAI, "IT"],
    ])


def run_email(runner, roster, *args):
    return runner.invoke(cli, ["email", *map(str, args), "--roster", str(roster)])


def tie_table(path) -> list[tuple]:
    frame = pd.read_csv(path)
    return [tuple(row) for row in frame[["source", "target", "weight", "messages"]].itertuples(index=False)]


def summary(result) -> list[str]:
    """The summary's lines, with the machine's thread count taken out."""
    return [re.sub(r"\(\d+ threads\)", "(N threads)", line) for line in result.stderr.splitlines()]


def write_text(path, text: str, encoding: str = "utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


# --- 1. Scandinavian headers ---------------------------------------------------------------------

@pytest.mark.parametrize("sender, to, cc", [("Fra", "Til", "Kopi"),            # Danish and Norwegian Outlook
                                            ("Från", "Till", "Kopia"),         # Swedish Outlook
                                            ("Avsender", "Mottaker", "Cc")])   # Norwegian
def test_a_log_with_scandinavian_headers_gives_its_ties(tmp_path, runner, roster, sender, to, cc):
    """Anna writes to Bo with Cai in copy, Bo answers Anna: A1->B1, A1->C1 (the copy), B1->A1."""
    log = write_text(tmp_path / "log.csv", f"{sender};{to};{cc};Emne\r\n{ANNA};{BO};{CAI};Møde\r\n"
                     f"{BO};{ANNA};;Svar\r\n")
    out = tmp_path / "ties.csv"
    result = run_email(runner, roster, log, "--out", out)
    assert result.exit_code == 0, result.output
    assert tie_table(out) == [("A1", "B1", 1.0, 1), ("A1", "C1", 1.0, 1), ("B1", "A1", 1.0, 1)]


# --- 2. Google Workspace: Gmail log events from the security investigation tool -------------------

def test_a_google_workspace_gmail_log_events_export_is_read(tmp_path, runner, roster):
    """One row per delivery event: m1 is sent (Send) and received (Receive), so Anna -> Bo counts
    once and the second row is a duplicate recipient; m2 Bo -> Anna. The author is the header
    address; the envelope sender (a bounce address of the mail relay) is not a person."""
    log = write_csv(tmp_path / "gmail_log_events.csv", [
        ["Event", "Date", "Message ID", "Subject", "Event target", "From (Header address)", "From (Envelope)",
         "To (Envelope)", "Type"],
        ["Send", "2025-03-01T09:00:00Z", "<m1@x>", "Hi, all", BO, ANNA, "bounce@relay.example", BO, "Outbound"],
        ["Receive", "2025-03-01T09:00:01Z", "<m1@x>", "Hi, all", BO, ANNA, "bounce@relay.example", BO, "Inbound"],
        ["Send", "2025-03-02T09:00:00Z", "<m2@x>", "Re", ANNA, BO, "bounce@relay.example", ANNA, "Outbound"]])
    out = tmp_path / "ties.csv"
    result = run_email(runner, roster, log, "--out", out)
    assert result.exit_code == 0, result.output
    assert tie_table(out) == [("A1", "B1", 1.0, 1), ("B1", "A1", 1.0, 1)]
    assert "Left out: 1 recipient row (duplicate-recipient)" in result.stderr
    assert "(google-workspace)" in result.stderr


# --- 3. Unreadable files: one ona error, never DuckDB's text --------------------------------------

def assert_one_error(result, expected: str, out):
    assert result.exit_code == 2, result.output
    assert result.stderr.strip().splitlines() == [expected]
    assert not any(word in result.stderr for word in DUCKDB_WORDS), result.stderr
    assert "Traceback" not in result.output and not out.exists()


def test_an_empty_file_is_named(tmp_path, runner, roster):
    log = write_text(tmp_path / "empty.csv", "")
    out = tmp_path / "ties.csv"
    assert_one_error(run_email(runner, roster, log, "--out", out),
                     f"Error: {log.name}, row 1: is empty: an email log needs a header row (From, To, ...) and "
                     "its rows [empty-file]", out)


def test_a_header_naming_a_column_twice_is_named_with_the_column(tmp_path, runner, roster):
    """Date and date are one column to DuckDB (and to SQL): the second is named."""
    log = write_text(tmp_path / "dupcol.csv", f"From,To,Date,date\n{ANNA},{BO},2025-03-01 09:00:00,x\n")
    out = tmp_path / "ties.csv"
    assert_one_error(run_email(runner, roster, log, "--out", out),
                     f"Error: {log.name}, row 1, column 'date': the header names this column twice; rename or "
                     "remove one [duplicate-column]", out)


def test_an_unterminated_quote_is_named_by_its_row(tmp_path, runner, roster):
    log = write_text(tmp_path / "unterminated.csv", f'From,To,Subject,Date\n{ANNA},{BO},"Møde, budget,2025-03-01\n'
                     f"{BO},{ANNA},x,2025-03-01 09:00:00\n")
    out = tmp_path / "ties.csv"
    result = run_email(runner, roster, log, "--out", out)
    assert_one_error(result, f'Error: {log.name}, row 2: a quoted cell is never closed (a " with no closing "); close '
                     "the quote or export the file again [unterminated-quote]", out)
    assert ANNA not in result.stderr and "Møde" not in result.stderr


def test_a_log_with_title_rows_above_its_header_is_told_which_row_is_the_header(tmp_path, runner, roster):
    """A report saved with its title, the date it was run and a blank line above the header (row 4):
    one error saying that row 4 is the header and to delete the 3 rows above it. It was "has no
    sender and recipient columns ... name them", though the log names them."""
    log = write_text(tmp_path / "report.csv", "Message trace report\nGenerated 2025-03-31\n\n"
                     f"Date (UTC),Sender,Recipient,Subject,Status\n3/1/2025 10:00:00 AM,{ANNA},{BO},Møde,Delivered\n")
    out = tmp_path / "ties.csv"
    result = run_email(runner, roster, log, "--out", out)
    assert_one_error(result, f"Error: {log.name}, row 1: the first row is not the header: row 4 holds the sender and "
                     "recipient columns; delete the 3 rows above it, so that the header is the first row "
                     "[email-columns]", out)


def test_every_row_of_the_wrong_width_is_named_in_the_one_error(tmp_path, runner, roster):
    """Rows 3, 5 and 6 have a cell too many or too few (the engine stops at the first): the error
    names all three, and no address from them."""
    rows = [f"{ANNA},{BO},2025-03-01 09:00:00", f"{ANNA},{BO},2025-03-01 10:00:00,extra",
            f"{BO},{ANNA},2025-03-02 09:00:00", f"{CAI},{ANNA},2025-03-02 10:00:00,x,y", f"{CAI},{BO}",
            f"{BO},{CAI},2025-03-03 09:00:00"]
    log = write_text(tmp_path / "log.csv", "From,To,Date\n" + "\n".join(rows) + "\n")
    out = tmp_path / "ties.csv"
    result = run_email(runner, roster, log, "--out", out)
    assert_one_error(result, f"Error: {log.name}, row 3: the row has 4 cells but the header has 3; fix the row or "
                     "the delimiter (also rows 5, 6) [bad-row]", out)
    assert ANNA not in result.stderr


def test_a_parquet_log_with_a_list_of_recipients_names_the_column(tmp_path, runner, roster):
    import pyarrow as pa
    import pyarrow.parquet as pq

    log = tmp_path / "log.parquet"
    pq.write_table(pa.table({"sender": [ANNA, BO], "recipients": pa.array([[BO, CAI], [ANNA]], pa.list_(pa.string())),
                             "message_id": ["m1", "m2"]}), log)
    out = tmp_path / "ties.csv"
    assert_one_error(run_email(runner, roster, log, "--out", out),
                     f"Error: {log.name}, column 'recipients': holds lists or records; ona reads this column as "
                     "text (one address, or addresses separated by ;): write it as text [nested-column]", out)


def test_a_folder_of_csv_files_says_how_to_name_them(tmp_path, runner, roster):
    months = tmp_path / "months"
    months.mkdir()
    write_text(months / "2025-01.csv", f"From,To\n{ANNA},{BO}\n")
    out = tmp_path / "ties.csv"
    assert_one_error(run_email(runner, roster, months, "--out", out),
                     f"Error: {months.name}: holds no .parquet, .json or .jsonl files (a folder is read as Parquet "
                     "or JSON lines); name CSV files themselves (mail/*.csv) [no-email-files]", out)


def test_an_exclude_pattern_duckdb_cannot_run_is_named_without_duckdb_text(tmp_path, runner, roster):
    log = write_text(tmp_path / "log.csv", f"From,To\n{ANNA},{BO}\n")
    out = tmp_path / "ties.csv"
    result = run_email(runner, roster, log, "--exclude", "^(?=bo)", "--out", out)
    assert_one_error(result, "Error: --exclude '^(?=bo)' (exclude= in Python) is a pattern DuckDB cannot run "
                     "(invalid perl operator: "
                     "(?=); write it without look-arounds and back-references", out)


# --- 4. --exclude in any case ----------------------------------------------------------------------

@pytest.mark.parametrize("pattern", ["^Bo@", "^BO@KOMMUNE\\.DK$", "Kommune\\.DK$"])
def test_an_exclude_pattern_in_upper_case_matches(tmp_path, runner, roster, pattern):
    """Bo's mail (bo@kommune.dk) is left out whatever the case of the pattern; with the last pattern,
    every sender of kommune.dk is."""
    log = write_text(tmp_path / "log.csv", f"From,To\n{ANNA},{BO}\n{BO},{ANNA}\n{BO},{CAI}\n")
    out = tmp_path / "ties.csv"
    result = run_email(runner, roster, log, "--exclude", pattern, "--out", out)
    assert result.exit_code == 0, result.output
    expected = [] if pattern.startswith("Kommune") else [("A1", "B1", 1.0, 1)]
    assert tie_table(out) == expected
    left_out = 3 if pattern.startswith("Kommune") else 2
    assert f"Left out: {left_out} recipient rows (automated-sender)" in result.stderr


# --- 5. Alias addresses normalised as the log's are ------------------------------------------------

def test_alias_addresses_are_normalised_like_the_logs(tmp_path, runner, roster):
    """The alias file is copied from an address book: a display name and capitals, a mailto: link
    with spaces around it, a current address with a display name. Each of the three old addresses
    in the log is then the person: old.anna -> A1, bo.old -> B1, c.old -> C1 (by the address)."""
    log = write_text(tmp_path / "log.csv", f"From,To\nold.anna@kommune.dk,{BO}\nbo.old@kommune.dk,{CAI}\n"
                     f"c.old@kommune.dk,{ANNA}\n")
    aliases = write_csv(tmp_path / "aliases.csv", [
        ["old", "new"],
        ["Anna (old) <OLD.Anna@Kommune.dk>", "A1"],
        ["  mailto:Bo.Old@kommune.dk ", "B1"],
        ['"c.old@kommune.dk"', "Cai Ødegård <CAI@kommune.dk>"]])
    out = tmp_path / "ties.csv"
    result = run_email(runner, roster, log, "--aliases", aliases, "--out", out)
    assert result.exit_code == 0, result.output
    assert tie_table(out) == [("A1", "B1", 1.0, 1), ("B1", "C1", 1.0, 1), ("C1", "A1", 1.0, 1)]
    assert "external" not in result.stderr


# --- 6. Viva Insights: a zero score is no tie ------------------------------------------------------

def test_a_viva_insights_tie_with_score_zero_is_left_out_and_counted(tmp_path, runner):
    roster = write_csv(tmp_path / "viva_roster.csv", [["PersonId", "Organization"], ["p-01", "Finance"],
                                                       ["p-02", "Finance"], ["p-03", "HR"]])
    export = write_csv(tmp_path / "p2p.csv", [
        ["PrimaryCollaborator_PersonId", "SecondaryCollaborator_PersonId", "MetricDate", "Strong_tie_score"],
        ["p-01", "p-02", "01/04/2023", "0.25"],
        ["p-01", "p-03", "01/04/2023", "0"],
        ["p-02", "p-03", "01/04/2023", "0.5"]])
    out = tmp_path / "ties.csv"
    result = runner.invoke(cli, ["email", str(export), "--roster", str(roster), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert tie_table(out) == [("p-01", "p-02", 0.25, 1), ("p-02", "p-03", 0.5, 1)]
    assert summary(result) == [
        "Read 3 rows (viva-p2p) with DuckDB on this machine (N threads).",
        "Left out: 1 row (zero-score)",
        "Kept: 2 rows in 2 sender -> recipient pairs.",
        f"Tie table written to {out}"]


# --- 7. The summary: on stderr, each count in its unit ---------------------------------------------

def summary_log(tmp_path):
    """m1 Anna -> Bo, Cai in copy; m2 Anna -> Bo; m3 Bo -> Anna named twice (1 duplicate); m4 a
    no-reply sender (1 automated); m5 Anna -> an outsider (1 external): 5 messages, 7 recipient
    rows; kept A1->B1 2, A1->C1 1, B1->A1 1: 4 recipient rows in 3 pairs."""
    return write_csv(tmp_path / "log.csv", [
        ["Message-ID", "From", "To", "Cc", "Date"],
        ["m1", ANNA, BO, CAI, "2025-03-01 09:00:00"],
        ["m2", ANNA, BO, "", "2025-03-02 09:00:00"],
        ["m3", BO, f"{ANNA}; ANNA@kommune.dk", "", "2025-03-03 09:00:00"],
        ["m4", "no-reply@kommune.dk", ANNA, "", "2025-03-04 09:00:00"],
        ["m5", ANNA, "ext@firma.com", "", "2025-03-05 09:00:00"]])


def test_the_summary_counts_messages_rows_and_pairs_on_stderr(tmp_path, runner, roster):
    out = tmp_path / "ties.csv"
    result = run_email(runner, roster, summary_log(tmp_path), "--out", out)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert summary(result) == [
        "Read 5 messages, 7 recipient rows (log) with DuckDB on this machine (N threads).",
        "Left out: 1 recipient row (automated-sender)",
        "Left out: 1 recipient row (duplicate-recipient)",
        "Left out: 1 recipient row (external)",
        "Kept: 4 recipient rows in 3 sender -> recipient pairs.",
        f"Tie table written to {out}"]


def test_pairs_left_out_are_counted_as_pairs_and_the_kept_rows_after_them(tmp_path, runner, roster):
    """--min-messages 2 keeps A1->B1 (2 messages) only: 2 pairs left out, 2 recipient rows kept."""
    out = tmp_path / "ties.csv"
    result = run_email(runner, roster, summary_log(tmp_path), "--min-messages", "2", "--external", "domain",
                       "--out", out)
    assert result.exit_code == 0, result.output
    assert tie_table(out) == [("A1", "B1", 2.0, 2)]
    assert summary(result) == [
        "Read 5 messages, 7 recipient rows (log) with DuckDB on this machine (N threads).",
        "Left out: 1 recipient row (automated-sender)",
        "Left out: 1 recipient row (duplicate-recipient)",
        "Left out: 3 sender -> recipient pairs (fewer than 2 messages)",
        "Kept: 2 recipient rows in 1 sender -> recipient pair.",
        f"Tie table written to {out}"]


def test_skipped_chats_are_counted_as_messages(tmp_path, runner, roster):
    """An mbox of two messages, the second a Google Takeout chat: 2 messages read, 1 recipient row."""
    box = mailbox.mbox(str(tmp_path / "archive.mbox"))
    for number, labels in enumerate(["Inbox", "Chat"]):
        message = EmailMessage()
        message["From"], message["To"], message["X-Gmail-Labels"] = ANNA, BO, labels
        message["Message-ID"] = f"<m{number}@kommune.dk>"
        message.set_content("body")
        box.add(message)
    box.close()
    out = tmp_path / "ties.csv"
    result = run_email(runner, roster, tmp_path / "archive.mbox", "--out", out)
    assert result.exit_code == 0, result.output
    assert summary(result)[:3] == ["Read 2 messages, 1 recipient row (mbox) with DuckDB on this machine (N threads).",
                                   "Left out: 1 message (chat)",
                                   "Kept: 1 recipient row in 1 sender -> recipient pair."]


def test_ona_analyze_counts_email_in_the_same_units(tmp_path, runner, roster):
    result = runner.invoke(cli, ["analyze", "--roster", str(roster), "--email", str(summary_log(tmp_path)),
                                 "--min-messages", "2", "--permutations", "0", "--out", str(tmp_path / "report")])
    assert result.exit_code == 0, result.output
    lines = summary(result)
    assert "Note: 2 sender -> recipient pairs left out (fewer than 2 messages)" in lines
    assert "Note: 1 email recipient row left out (automated-sender)" in lines
    assert ("Email: 5 messages, 7 recipient rows (log) with DuckDB on this machine (N threads); "
            "2 recipient rows in 1 sender -> recipient pair") in lines
