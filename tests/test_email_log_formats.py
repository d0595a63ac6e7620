"""What analysts hand `ona email` besides a plain CSV: a log compressed with gzip
(``log.csv.gz``), the Microsoft 365 message trace saved as Excel (``log.xlsx``), dates whose order
the analyst knows (``--date-order``), and Viva Insights rows without a score. Every expected tie
table is the one the same log gives as a plain CSV, or is worked out by hand from the rows written
in the test; every unreadable file is one error line with its code and place (exit 2)."""
from __future__ import annotations

import gzip
import re

import pandas as pd
import pytest

import ona
from ona.cli import cli
from ona.ingest.email import EmailOptions, read_email

from conftest import email, sales_roster, weights

# The tests of a path each engine reads in its own way (a gzip CSV, an Excel sheet handed to the
# engine) run on both engines: DuckDB, and Spark in local mode (conftest.email_engine).
both_engines = pytest.mark.usefixtures("email_engine")

N = 6
#: A small log of the usual shape: a To list, a Cc, one recipient per row and message ids. By hand:
#: m1 P0 -> P1, P2 and Cc P3; m2 P1 -> P0; m3 P2 -> P0 (a second row of m3: P2 -> P1); m4 P0 -> P1.
LOG_ROWS = [
    ["From", "To", "Cc", "Date", "Message ID"],
    ["p0@org.dk", "p1@org.dk; p2@org.dk", "p3@org.dk", "2025-03-01 09:00:00", "<m1>"],
    ["p1@org.dk", "p0@org.dk", "", "2025-03-01 10:00:00", "<m2>"],
    ["p2@org.dk", "p0@org.dk", "", "2025-03-02 08:30:00", "<m3>"],
    ["p2@org.dk", "p1@org.dk", "", "2025-03-02 08:30:00", "<m3>"],
    ["p0@org.dk", "p1@org.dk", "", "2025-03-03 11:00:00", "<m4>"],
]
LOG_TIES = {("P0", "P1"): 2.0, ("P0", "P2"): 1.0, ("P0", "P3"): 1.0, ("P1", "P0"): 1.0, ("P2", "P0"): 1.0,
            ("P2", "P1"): 1.0}


@pytest.fixture()
def roster_csv(tmp_path):
    return sales_roster(tmp_path / "roster.csv", N)


@pytest.fixture()
def roster(roster_csv):
    return ona.read_roster(roster_csv)


def csv_text(rows, delimiter=",") -> str:
    import csv
    import io

    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return out.getvalue()


# --- 1. Compressed logs ---------------------------------------------------------------------------

@both_engines
def test_a_gzip_csv_log_gives_the_tie_table_of_the_plain_csv(roster, tmp_path):
    """The same log as log.csv and as log.csv.gz: the same tie table, the same summary counts."""
    plain, packed = tmp_path / "log.csv", tmp_path / "log.csv.gz"
    plain.write_text(csv_text(LOG_ROWS))
    packed.write_bytes(gzip.compress(csv_text(LOG_ROWS).encode()))
    expected = read_email([plain], roster, EmailOptions())
    got = read_email([packed], roster, EmailOptions())
    assert weights(expected) == LOG_TIES
    assert weights(got) == weights(expected)
    assert (got.rows_read, got.messages_read, got.excluded, got.formats) == \
        (expected.rows_read, expected.messages_read, expected.excluded, ("log",))


def test_a_gzip_tsv_and_a_gzip_windows_1252_csv_are_read(roster, tmp_path):
    """log.tsv.gz (tabs) and a Danish Excel CSV in Windows-1252 compressed (dk.csv.gz, ø in a display
    name: transcoded as it is decompressed) give the hand-made table of each."""
    tsv = tmp_path / "log.tsv.gz"
    tsv.write_bytes(gzip.compress(csv_text(LOG_ROWS, "\t").encode()))
    assert weights(read_email([tsv], roster, EmailOptions())) == LOG_TIES
    dk = tmp_path / "dk.csv.gz"
    dk.write_bytes(gzip.compress("From;To;Date\r\np0@org.dk;Nørgaard <p1@org.dk>;2025-03-01 09:00:00\r\n"
                                 .encode("cp1252")))
    assert weights(read_email([dk], roster, EmailOptions())) == {("P0", "P1"): 1.0}


def test_a_gzip_message_trace_is_detected_from_its_decompressed_header(roster, tmp_path):
    """A Microsoft 365 classic trace (SenderAddress, RecipientAddress, Status) compressed: told
    apart as m365-trace by its header, and its failed delivery left out."""
    path = tmp_path / "trace.csv.gz"
    path.write_bytes(gzip.compress(csv_text([
        ["Received", "SenderAddress", "RecipientAddress", "Subject", "Status", "MessageId"],
        ["3/1/2025 9:00:00 AM", "p0@org.dk", "p1@org.dk", "x", "Delivered", "<a>"],
        ["3/1/2025 9:05:00 AM", "p0@org.dk", "p2@org.dk", "x", "Failed", "<b>"]]).encode()))
    res = read_email([path], roster, EmailOptions())
    assert res.formats == ("m365-trace",)
    assert weights(res) == {("P0", "P1"): 1.0} and res.excluded == {"not-delivered": 1}


def test_a_gzip_graph_data_connect_export_and_a_folder_of_them_are_read(roster, tmp_path):
    """Graph Data Connect messages as messages.json.gz, and a folder holding only .json.gz files."""
    import json

    record = {"internetMessageId": "<g1>", "sentDateTime": "2025-03-01T09:00:00Z", "isDraft": False,
              "from": {"emailAddress": {"address": "p0@org.dk"}},
              "toRecipients": [{"emailAddress": {"address": "p1@org.dk"}}], "ccRecipients": []}
    folder = tmp_path / "export" / "2025-03"
    folder.mkdir(parents=True)
    for path in (tmp_path / "messages.json.gz", folder / "part-0.json.gz"):
        path.write_bytes(gzip.compress((json.dumps(record) + "\n").encode()))
    for given in (tmp_path / "messages.json.gz", tmp_path / "export"):
        res = read_email([given], roster, EmailOptions())
        assert res.formats == ("graph-data-connect",) and weights(res) == {("P0", "P1"): 1.0}


def test_a_gzip_log_cut_short_is_one_error_with_a_code(runner, roster_csv, tmp_path):
    """A log.csv.gz whose download stopped half way: its header decompresses, its rows do not. One
    error line naming the file, with code bad-gzip and the fix; no tie table written."""
    lines = ["From,To,Date"] + [f"p{i % N}@org.dk,p{(i * 7 + 1) % N}@org.dk,2025-03-{1 + i % 28:02d} 09:{i % 60:02d}:00"
                                for i in range(30000)]
    whole = gzip.compress(("\n".join(lines) + "\n").encode())
    path = tmp_path / "log.csv.gz"
    path.write_bytes(whole[:len(whole) // 2])
    res, ties = email(runner, tmp_path, path, "--roster", roster_csv)
    assert res.exit_code == 2 and ties is None
    assert res.stderr.splitlines() == [
        "Error: log.csv.gz: cannot be decompressed: the gzip file is cut short or damaged, or not gzip though its "
        "name ends in .gz; compress the export again (gzip), or give the uncompressed file [bad-gzip]"]


def test_a_file_named_gz_that_is_not_gzip_is_one_error_with_a_code(runner, roster_csv, tmp_path):
    """log.csv.gz that holds plain text (renamed by hand): the same one error line, exit 2."""
    path = tmp_path / "log.csv.gz"
    path.write_text(csv_text(LOG_ROWS))
    res, ties = email(runner, tmp_path, path, "--roster", roster_csv)
    assert res.exit_code == 2 and ties is None
    assert [line.rsplit(" [", 1)[-1] for line in res.stderr.splitlines()] == ["bad-gzip]"]
    assert "Traceback" not in res.output


# --- 2. Excel message logs ------------------------------------------------------------------------

def write_xlsx(path, rows, sheet="Message trace", above=()):
    """A workbook of one sheet: the rows ``above`` the table (a title), then ``rows``; a cell that
    looks like a time is written as an Excel date and time, as Excel saves the message trace."""
    import datetime as dt

    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = sheet
    for row in [*above, *rows]:
        cells = []
        for value in row:
            try:
                cells.append(dt.datetime.fromisoformat(value) if value[:4].isdigit() and "-" in value else value)
            except ValueError:
                cells.append(value)
        ws.append([c if c != "" else None for c in cells])
    book.save(path)
    return path


@both_engines
def test_an_excel_log_gives_the_tie_table_of_the_same_csv(roster, tmp_path):
    """The same log as log.csv and as log.xlsx (times as Excel dates, blank Cc cells empty): the
    same tie table and the same counts."""
    plain = tmp_path / "log.csv"
    plain.write_text(csv_text(LOG_ROWS))
    book = write_xlsx(tmp_path / "log.xlsx", LOG_ROWS)
    expected = read_email([plain], roster, EmailOptions(since="2025-03-01", until="2025-03-03"))
    got = read_email([book], roster, EmailOptions(since="2025-03-01", until="2025-03-03"))
    assert weights(expected) == {("P0", "P1"): 1.0, ("P0", "P2"): 1.0, ("P0", "P3"): 1.0, ("P1", "P0"): 1.0,
                                 ("P2", "P0"): 1.0, ("P2", "P1"): 1.0}
    assert weights(got) == weights(expected)
    assert (got.rows_read, got.messages_read, got.excluded, got.formats) == \
        (expected.rows_read, expected.messages_read, expected.excluded, ("log",))


def test_a_message_trace_saved_as_excel_under_a_title_row_is_read_on_the_command_line(runner, roster_csv,
                                                                                       tmp_path):
    """The classic Microsoft 365 trace saved as Excel, a report title in row 1 and the header in row
    3: detected as m365-trace by its header, the failed delivery left out, the table written."""
    book = write_xlsx(tmp_path / "trace.xlsx", [
        ["Received", "SenderAddress", "RecipientAddress", "Subject", "Status", "MessageId"],
        ["3/1/2025 9:00:00 AM", "p0@org.dk", "p1@org.dk", "x", "Delivered", "<a>"],
        ["3/1/2025 9:05:00 AM", "p0@org.dk", "p2@org.dk", "x", "Failed", "<b>"],
        ["3/2/2025 9:00:00 AM", "p2@org.dk", "p0@org.dk", "x", "Delivered", "<c>"]],
        above=[["Message trace report"], []])
    res, ties = email(runner, tmp_path, book, "--roster", roster_csv)
    assert res.exit_code == 0, res.output
    assert ties.to_dict("list") == {"source": ["P0", "P2"], "target": ["P1", "P0"], "weight": [1.0, 1.0],
                                    "messages": [1, 1]}
    assert "(m365-trace)" in res.stderr and "Left out: 1 recipient row (not-delivered)" in res.stderr


def test_an_unreadable_time_in_an_excel_log_names_its_sheet_row_and_column(runner, roster_csv, tmp_path):
    """A time typed by hand as 'next Monday' in sheet row 5 (header in row 2, below a title): the
    error names the file, the sheet, row 5 and the column, not the cell's text."""
    book = write_xlsx(tmp_path / "log.xlsx", [
        ["From", "To", "Date"],
        ["p0@org.dk", "p1@org.dk", "2025-03-01 09:00:00"],
        [],
        ["p1@org.dk", "p2@org.dk", "next Monday"]], sheet="Mail", above=[["Export from the mail gateway"]])
    res, ties = email(runner, tmp_path, book, "--roster", roster_csv)
    assert res.exit_code == 2 and ties is None
    assert res.stderr.splitlines() == [
        "Error: log.xlsx, sheet 'Mail', row 5, column 'Date': is not a date and time ona can read; write ISO 8601 "
        "(2024-03-01T09:30:00) or m/d/Y H:M:S [bad-timestamp]"]


def test_an_excel_sheet_without_sender_and_recipient_columns_names_its_sheet_and_header_row(runner, roster_csv,
                                                                                           tmp_path):
    """A sheet whose header (row 2, below a title) has no sender or recipient column: the error
    names the sheet and the header's row."""
    book = write_xlsx(tmp_path / "log.xlsx", [["Date", "Author", "Addressee"],
                                              ["2025-03-01 09:00:00", "p0@org.dk", "p1@org.dk"]],
                      sheet="Mail", above=[["Export"]])
    res, ties = email(runner, tmp_path, book, "--roster", roster_csv)
    assert res.exit_code == 2 and ties is None
    assert res.stderr.splitlines() == [
        "Error: log.xlsx, sheet 'Mail', row 2: has no sender and recipient columns (e.g. From and To, or sender "
        "and recipient); name them or pass --email-format (format= in Python) [email-columns]"]


# --- 3. --date-order ------------------------------------------------------------------------------

#: Every date could be either order. Day first: 02/03 and 03/03 are in March, 04/02 is 4 February;
#: month first (detected, with a warning): 02/03 is 3 February, 03/03 3 March, 04/02 2 April.
AMBIGUOUS = ("From,To,Date\np0@org.dk,p1@org.dk,02/03/2025 09:00\np0@org.dk,p2@org.dk,03/03/2025 09:00\n"
             "p0@org.dk,p3@org.dk,04/02/2025\n")


def test_date_order_day_first_reads_ambiguous_dates_day_first_without_a_warning(runner, roster_csv, tmp_path):
    """--date-order day-first on dates that could be either: 2 and 3 March are inside March,
    4 February outside; the ambiguous-dates warning is not given (the analyst said the order)."""
    path = tmp_path / "log.csv"
    path.write_text(AMBIGUOUS)
    res, ties = email(runner, tmp_path, path, "--roster", roster_csv, "--since", "2025-03-01", "--until",
                      "2025-04-01", "--date-order", "day-first")
    assert res.exit_code == 0, res.output
    assert ties.to_dict("list") == {"source": ["P0", "P0"], "target": ["P1", "P2"], "weight": [1.0, 1.0],
                                    "messages": [1, 1]}
    assert "Warning" not in res.stderr and "Left out: 1 recipient row (outside-time-window)" in res.stderr


def test_date_order_month_first_given_keeps_the_order_without_a_warning(roster, tmp_path):
    """date_order="month-first" in the library: the order detection would choose, but no warning:
    3 March only is inside March (02/03 is 3 February, 04/02 is 2 April)."""
    path = tmp_path / "log.csv"
    path.write_text(AMBIGUOUS)
    res = read_email([path], roster, EmailOptions(since="2025-03-01", until="2025-04-01", date_order="month-first"))
    assert weights(res) == {("P0", "P2"): 1.0} and res.warnings == ()
    detected = read_email([path], roster, EmailOptions(since="2025-03-01", until="2025-04-01"))
    assert weights(detected) == weights(res) and [w.code for w in detected.warnings] == ["ambiguous-dates"]


def test_date_order_day_first_in_the_library_reads_the_dates_day_first(roster, tmp_path):
    """date_order="day-first": 01/03/2025 is 1 March (inside March), 02/04/2025 2 April (outside);
    detected, the column would be read month first (3 January and 4 February: both outside)."""
    path = tmp_path / "log.csv"
    path.write_text("From,To,Date\np0@org.dk,p1@org.dk,02/04/2025 09:00\np0@org.dk,p2@org.dk,01/03/2025 09:00\n")
    window = {"since": "2025-03-01", "until": "2025-04-01"}
    res = read_email([path], roster, EmailOptions(**window, date_order="day-first"))
    assert weights(res) == {("P0", "P2"): 1.0} and res.warnings == ()
    assert weights(read_email([path], roster, EmailOptions(**window))) == {}


@both_engines
def test_a_date_that_contradicts_the_given_order_is_an_error_with_its_row_and_column(runner, roster_csv, tmp_path):
    """--date-order day-first, and rows 3 and 5 hold 03/13/2025 and 12/31/2025: a 13th and a 31st
    month. One error per row, with the column; the dates themselves are not repeated; exit 2."""
    path = tmp_path / "log.csv"
    path.write_text("From,To,Sent\np0@org.dk,p1@org.dk,01/03/2025 09:00\np0@org.dk,p2@org.dk,03/13/2025 09:00\n"
                    "p0@org.dk,p3@org.dk,02/03/2025\np1@org.dk,p2@org.dk,12/31/2025 10:00\n")
    res, ties = email(runner, tmp_path, path, "--roster", roster_csv, "--date-order", "day-first")
    assert res.exit_code == 2 and ties is None
    message = ("a number above 12 stands where the month is in the date order given (day-first: day/month/year); "
               "give the order the export uses (month-first), or write the dates as YYYY-MM-DD [date-order]")
    assert res.stderr.splitlines() == [f"Error: log.csv, row {row}, column 'Sent': {message}" for row in (3, 5)]


def test_a_month_above_12_with_month_first_given_names_its_sheet_row_in_an_excel_log(runner, roster_csv, tmp_path):
    """--date-order month-first and a Danish date 13/03/2025 typed as text in sheet row 4 of an Excel
    log (title in row 1): the error names the sheet, row 4 and the column."""
    book = write_xlsx(tmp_path / "log.xlsx", [["From", "To", "Date"], ["p0@org.dk", "p1@org.dk", "03/01/2025"],
                                              ["p0@org.dk", "p2@org.dk", "13/03/2025"]],
                      sheet="Mail", above=[["Export"]])
    res, ties = email(runner, tmp_path, book, "--roster", roster_csv, "--date-order", "month-first")
    assert res.exit_code == 2 and ties is None
    assert res.stderr.splitlines() == [
        "Error: log.xlsx, sheet 'Mail', row 4, column 'Date': a number above 12 stands where the month is in the "
        "date order given (month-first: month/day/year); give the order the export uses (day-first), or write the "
        "dates as YYYY-MM-DD [date-order]"]


def test_date_order_on_an_enhanced_message_trace(roster, tmp_path):
    """An enhanced Microsoft 365 trace whose origin_timestamp_utc was saved day first: with
    date_order="day-first", 02/03/2025 is 2 March (inside March); read as always (month first) it
    is 3 February."""
    path = tmp_path / "enhanced.csv"
    path.write_text("origin_timestamp_utc,sender_address,recipient_status,network_message_id\n"
                    "02/03/2025 09:00,p0@org.dk,\"p1@org.dk##Receive, Deliver\",n1\n")
    window = {"since": "2025-03-01", "until": "2025-04-01"}
    assert weights(read_email([path], roster, EmailOptions(**window, date_order="day-first"))) == {("P0", "P1"): 1}
    assert weights(read_email([path], roster, EmailOptions(**window))) == {}


def test_analyze_and_the_config_take_the_date_order(runner, roster_csv, tmp_path):
    """`ona analyze --email ... --date-order day-first` and an ona.toml with [email] date_order =
    "day-first" read the dates day first (2 and 3 March inside March: two ties) and state the order
    in the report's parameters; a misspelt order in ona.toml is an error naming its line."""
    import json

    (tmp_path / "log.csv").write_text(AMBIGUOUS)
    res = runner.invoke(cli, ["analyze", "--roster", str(roster_csv), "--email", str(tmp_path / "log.csv"),
                              "--since", "2025-03-01", "--until", "2025-04-01", "--date-order", "day-first",
                              "--out", str(tmp_path / "r"), "--permutations", "0"])
    assert res.exit_code == 0, res.output
    assert "Warning" not in res.stderr
    metrics = json.loads((tmp_path / "r" / "metrics.json").read_text("utf-8"))
    assert (metrics["summary"]["ties"], metrics["parameters"]["dropped_rows"]) == (2, {"outside-time-window": 1})
    assert metrics["parameters"]["email_rules"]["date_order"] == "day-first"
    config = tmp_path / "ona.toml"
    config.write_text(f'[measurement]\nout = "run"\npermutations = 0\n\n'
                      f'[email]\nsince = "2025-03-01"\nuntil = "2025-04-01"\ndate_order = "day-first"\n\n'
                      f'[waves.2025]\nroster = "{roster_csv.name}"\nemail = ["log.csv"]\n')
    res = runner.invoke(cli, ["run", str(config), "--wave", "2025", "--no-history"])
    assert res.exit_code == 0, res.output
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text("utf-8"))
    assert (metrics["summary"]["ties"], metrics["parameters"]["dropped_rows"]) == (2, {"outside-time-window": 1})
    assert metrics["parameters"]["email_rules"]["date_order"] == "day-first"
    config.write_text('[email]\ndate_order = "dd/mm"\n\n[waves.2025]\nroster = "roster.csv"\nemail = ["log.csv"]\n')
    res = runner.invoke(cli, ["run", str(config), "--wave", "2025", "--no-history"])
    assert res.exit_code == 2
    assert "ona.toml, line 2: date_order must be one of day-first, month-first, not 'dd/mm'" in res.output


# --- 4. Viva Insights rows without a score --------------------------------------------------------

@pytest.fixture()
def viva_roster(tmp_path):
    path = tmp_path / "viva_roster.csv"
    path.write_text("PersonId,Organization\np-01,Finance\np-02,Finance\np-03,HR\np-04,HR\n")
    return path


def test_viva_rows_with_a_blank_or_unreadable_score_are_left_out_with_a_warning(runner, viva_roster, tmp_path):
    """Strong_tie_score blank (row 3), 'n/a' (row 4), NaN (row 5) and 0 (row 6) beside two scores:
    only the two scored pairs are ties; the three without a score are left out as no-score (one
    warning for the file), the zero as zero-score; the tie table holds no empty weight."""
    export = tmp_path / "p2p.csv"
    export.write_text("PrimaryCollaborator_PersonId,SecondaryCollaborator_PersonId,MetricDate,Strong_tie_score\n"
                      "p-01,p-02,01/04/2023,0.25\np-01,p-03,01/04/2023,\np-02,p-03,01/04/2023,n/a\n"
                      "p-03,p-04,01/04/2023,NaN\np-04,p-01,01/04/2023,0\np-02,p-04,01/04/2023,0.5\n")
    res, ties = email(runner, tmp_path, export, "--roster", viva_roster)
    assert res.exit_code == 0, res.output
    assert ties.to_dict("list") == {"source": ["p-01", "p-02"], "target": ["p-02", "p-04"], "weight": [0.25, 0.5],
                                    "messages": [1, 1]}
    assert re.sub(r"\(\d+ threads\)", "(N threads)", res.stderr).splitlines()[:5] == [
        "Warning: p2p.csv: 3 rows have a blank or unreadable score (not a number): a tie of unknown weight, left "
        "out; export the scores again, or write 0 where there is no tie [no-score]",
        "Read 6 rows (viva-p2p) with DuckDB on this machine (N threads).",
        "Left out: 3 rows (no-score)",
        "Left out: 1 row (zero-score)",
        "Kept: 2 rows in 2 sender -> recipient pairs."]


@both_engines
def test_the_tie_table_of_viva_exports_never_holds_an_empty_weight(tmp_path, viva_roster):
    """Two exports read together, each with one blank score (and one of them an infinite one): the
    tie table's weights are all numbers, the left-out rows counted by reason, one warning per file."""
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    header = "PrimaryCollaborator_PersonId,SecondaryCollaborator_PersonId,Strong_tie_score\n"
    a.write_text(header + "p-01,p-02,0.25\np-01,p-03,\n")
    b.write_text(header + "p-02,p-03,inf\np-03,p-04, \np-04,p-01,0.75\n")
    res = read_email([a, b], ona.read_roster(viva_roster), EmailOptions())
    weights_ = res.ties.ties["weight"]
    assert weights_.notna().all()
    assert weights(res) == {("p-01", "p-02"): 0.25, ("p-04", "p-01"): 0.75}
    assert res.excluded == {"no-score": 3}
    assert [(w.code, w.path, w.message.split(" row")[0]) for w in res.warnings] == [
        ("no-score", str(a), "1"), ("no-score", str(b), "2")]


def test_group_to_group_rows_without_a_collaboration_time_are_left_out_with_a_warning(runner, tmp_path):
    """A Viva Insights group-to-group export where Sales -> HR has a blank time in one of its two
    weeks and Sales -> IT only a blank one: Sales -> HR is 10.5 (its one timed row), Sales -> IT is
    no unit pair (never an empty weight), and the two rows are counted and warned of."""
    export = tmp_path / "g2g.csv"
    export.write_text("PrimaryCollaborator_Organization,PrimaryCollaborator_GroupSize,"
                      "SecondaryCollaborator_Organization,MetricDate,Group_collaboration_time_invested\n"
                      "Sales,10,HR,01/04/2023,10.5\nSales,10,HR,01/11/2023,\nSales,10,IT,01/04/2023,\n"
                      "HR,8,Sales,01/04/2023,4\n")
    out = tmp_path / "units.csv"
    res = runner.invoke(cli, ["email", str(export), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert pd.read_csv(out).to_dict("list") == {"from_unit": ["HR", "Sales"], "to_unit": ["Sales", "HR"],
                                                "weight": [4.0, 10.5], "rows": [1, 1]}
    lines = re.sub(r"\(\d+ threads\)", "(N threads)", res.stderr).splitlines()
    assert lines[0] == ("Warning: g2g.csv: 2 rows have a blank or unreadable score (not a number): a tie of unknown "
                        "weight, left out; export the scores again, or write 0 where there is no tie [no-score]")
    assert lines[1].startswith("Read 4 rows of group-to-group data (viva-g2g)") and lines[2] == \
        "Left out: 2 rows (no-score)"
