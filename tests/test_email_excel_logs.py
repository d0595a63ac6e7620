"""Excel and gzip message logs as analysts hand them to `ona email`: the
Microsoft 365 message trace saved from Excel, with real date cells, a title above the header, other
sheets, merged and hidden cells; cells Excel holds as numbers, dates or TRUE/FALSE where an address
belongs; a roster workbook beside a log workbook; and damaged or hostile files. Every expected tie
table is worked out by hand from the rows written in the test."""
from __future__ import annotations

import codecs
import datetime as dt
import gzip
import zipfile

import pytest
from openpyxl import Workbook

import ona
from ona.errors import InputError
from ona.ingest.email import EmailOptions, read_email

from conftest import email, sales_roster

both_engines = pytest.mark.usefixtures("email_engine")

N = 6


@pytest.fixture()
def roster_csv(tmp_path):
    return sales_roster(tmp_path / "roster.csv", N)


def ties_of(table) -> dict:
    return {(s, t): w for s, t, w in zip(table["source"], table["target"], table["weight"])}


def message_trace(path):
    """A classic Microsoft 365 trace as Excel saves it: a summary sheet first; on sheet 'Message
    trace' a title merged across A1:G1, a blank row, the header in row 3, a hidden Subject column,
    a formula in Size; times as Excel date-time cells (with a date format), one as a date cell (no
    time: midnight) and one typed as text (US order). Rows 4-10, one message each."""
    book = Workbook()
    book.active.title = "Summary"
    book.active.append(["Messages in the trace"])
    book.active.append(["Total", 7])
    ws = book.create_sheet("Message trace")
    ws.append(["Message trace"])
    ws.merge_cells("A1:G1")
    ws.append([])
    ws.append(["Received", "SenderAddress", "RecipientAddress", "Subject", "Status", "MessageId", "Size"])
    for row in [
        [dt.datetime(2025, 2, 28, 23, 59, 59), "p3@org.dk", "p1@org.dk"],  # row 4: before --since
        [dt.datetime(2025, 3, 1, 0, 0, 0), "p0@org.dk", "p1@org.dk"],      # row 5: at --since: in
        [dt.date(2025, 3, 2), "p0@org.dk", "p2@org.dk"],                   # row 6: a date cell
        ["3/3/2025 11:00:00 PM", "p1@org.dk", "p2@org.dk"],                # row 7: a text date
        [dt.datetime(2025, 3, 31, 23, 59, 59), "p2@org.dk", "p0@org.dk"],  # row 8: last second in
        [dt.datetime(2025, 4, 1, 0, 0, 0), "p2@org.dk", "p1@org.dk"],      # row 9: at --until: out
        [dt.datetime(2025, 3, 15, 12, 0, 0), "p4@org.dk", "p5@org.dk"],    # row 10: in
    ]:
        ws.append([*row, "subject", "Delivered", f"<{ws.max_row}@org.dk>", 1000])
    for cell in ws["A"][3:]:
        if isinstance(cell.value, dt.datetime):
            cell.number_format = "m/d/yyyy h:mm:ss AM/PM"
    ws["G5"] = "=SUM(1,2)"
    ws.column_dimensions["D"].hidden = True
    book.save(path)
    return path


@both_engines
def test_a_message_trace_saved_from_excel_is_cut_at_exactly_the_window_edges(runner, roster_csv, tmp_path):
    """--since 2025-03-01 --until 2025-04-01 on the trace above: 23:59:59 on 28 February and
    midnight on 1 April are out, midnight on 1 March and 23:59:59 on 31 March in, the date cell
    (2 March) and the text date (3 March, 23:00) in: five ties, two rows outside the window."""
    res, ties = email(runner, tmp_path, message_trace(tmp_path / "trace.xlsx"), "--roster", roster_csv,
                      "--since", "2025-03-01", "--until", "2025-04-01")
    assert res.exit_code == 0, res.output
    assert ties_of(ties) == {("P0", "P1"): 1.0, ("P0", "P2"): 1.0, ("P1", "P2"): 1.0, ("P2", "P0"): 1.0,
                             ("P4", "P5"): 1.0}
    assert "(m365-trace)" in res.stderr and "Left out: 2 recipient rows (outside-time-window)" in res.stderr


def log_book(path, rows, sheet="Mail", header=("Date", "From", "To")):
    """A workbook of one sheet: a title in row 1, the header in row 2, ``rows`` from row 3 (cells
    keep their Python types: openpyxl writes numbers, dates and booleans as Excel does)."""
    book = Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(["Mail log"])
    ws.append(list(header))
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


def test_a_number_a_date_or_true_false_where_an_address_belongs_names_its_sheet_row_and_column(runner, roster_csv,
                                                                                               tmp_path):
    """An Excel log whose address columns hold a number (row 4, From), a date (row 5, To) and TRUE
    (row 6, From) among addresses: no address is one, so each is an error naming sheet, row and
    column (never the value), exit 2, nothing written. They were read as addresses outside the
    roster and left out as external without a word."""
    when = dt.datetime(2025, 3, 1, 9)
    book = log_book(tmp_path / "log.xlsx", [[when, "p0@org.dk", "p1@org.dk"], [when, 12345, "p2@org.dk"],
                                            [when, "p1@org.dk", dt.datetime(2025, 1, 1)], [when, True, "p1@org.dk"]])
    res, ties = email(runner, tmp_path, book, "--roster", roster_csv)
    assert res.exit_code == 2 and ties is None
    fix = "where an email address belongs; type the address, or check that this is the message log [not-an-address]"
    assert res.stderr.splitlines() == [
        f"Error: log.xlsx, sheet 'Mail', row 4, column 'From': holds a number {fix}",
        f"Error: log.xlsx, sheet 'Mail', row 5, column 'To': holds a date or time {fix}",
        f"Error: log.xlsx, sheet 'Mail', row 6, column 'From': holds TRUE or FALSE {fix}"]


def test_more_than_twenty_cells_that_are_not_addresses_are_counted_after_the_first_twenty(roster_csv, tmp_path):
    """25 numbers in the To column (rows 4-28) below one address: the library's error names the
    first 20 rows, then says how many more."""
    when = dt.datetime(2025, 3, 1, 9)
    book = log_book(tmp_path / "log.xlsx", [[when, "p0@org.dk", "p1@org.dk"]] + [[when, "p0@org.dk", 7]] * 25)
    with pytest.raises(InputError) as caught:
        read_email([book], ona.read_roster(roster_csv), EmailOptions())
    problems = caught.value.problems
    assert [(p.code, p.sheet, p.row, p.column) for p in problems] == \
        [("not-an-address", "Mail", r, "To") for r in range(4, 24)] + [("not-an-address", "Mail", None, "To")]
    assert problems[-1].message == "5 more rows hold a cell that is not an email address"


def test_a_log_that_names_people_by_roster_number_in_number_cells_is_read(runner, tmp_path):
    """A log whose From and To hold employee numbers as Excel numbers (no address in either
    column), joined to a roster of those numbers: numbers are ids there, not errors."""
    roster = tmp_path / "roster.csv"
    roster.write_text("id,department\n1001,Sales\n1002,Sales\n1003,HR\n")
    when = dt.datetime(2025, 3, 1, 9)
    book = log_book(tmp_path / "log.xlsx", [[when, 1001, 1002], [when, 1002, 1003]])
    res, ties = email(runner, tmp_path, book, "--roster", roster)
    assert res.exit_code == 0, res.output
    assert ties_of(ties) == {(1001, 1002): 1.0, (1002, 1003): 1.0}


def test_the_log_sheet_is_read_not_a_staff_sheet_whose_from_and_to_are_dates(runner, tmp_path):
    """A roster workbook (a 'Read me' sheet, then 'Staff' below a title, with From/To employment
    dates) and a log workbook whose first sheet is a staff list with Email and From/To dates and whose
    second sheet 'Log' is the message log: both header matches tie (From, To), and the staff sheet
    came first, so its dates were read as addresses and every row left out as external (no tie).
    The log sheet is read: P0 -> P1 and P1 -> P2."""
    roster = Workbook()
    roster.active.title = "Read me"
    roster.active.append(["Staff of 2025. From and To are the dates of employment."])
    staff = roster.create_sheet("Staff")
    staff.append(["Staff list 2025"])
    staff.append(["Id", "Name", "Email", "Department", "From", "To"])
    for i in range(N):
        staff.append([f"P{i}", f"Person {i}", f"p{i}@org.dk", "Sales", dt.date(2020, 1, 1), None])
    roster.save(tmp_path / "roster.xlsx")
    book = Workbook()
    book.active.title = "Staff"
    book.active.append(["Name", "Email", "Department", "From", "To"])
    for i in range(N):
        book.active.append([f"Person {i}", f"p{i}@org.dk", "Sales", dt.date(2020, 1, 1), dt.date(2026, 1, 1)])
    log = book.create_sheet("Log")
    for row in (["From", "To"], ["p0@org.dk", "p1@org.dk"], ["p1@org.dk", "p2@org.dk"]):
        log.append(row)
    book.save(tmp_path / "log.xlsx")
    res, ties = email(runner, tmp_path, tmp_path / "log.xlsx", "--roster", tmp_path / "roster.xlsx")
    assert res.exit_code == 0, res.output
    assert ties_of(ties) == {("P0", "P1"): 1.0, ("P1", "P2"): 1.0}
    assert "Left out" not in res.stderr


# --- Damaged and hostile files: one error line with its code, exit 2, nothing written -----------

LOG = "From,To,Date\r\np0@org.dk,Nørgaard <p1@org.dk>,2025-03-01 09:00:00\r\np1@org.dk,p2@org.dk,2025-03-02 09:00:00\r\n"


def xlsx_bomb(path):
    """A workbook whose sheet unpacks to 1.5 GB of blanks from about 1.5 MB."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b"<worksheet><sheetData>")
            for _ in range(96):
                sheet.write(b" " * (1 << 24))
            sheet.write(b"</sheetData></worksheet>")
    return path


def truncated_xlsx(path):
    log_book(path, [[dt.datetime(2025, 3, 1, 9), f"p{i % N}@org.dk", "p1@org.dk"] for i in range(200)])
    path.write_bytes(path.read_bytes()[:2000])
    return path


HOSTILE = {
    "bomb.xlsx": (xlsx_bomb, "zip-bomb"),
    "cut.xlsx": (truncated_xlsx, "not-a-spreadsheet"),
    "plain.csv.gz": (lambda p: p.write_text(LOG, "utf-8"), "bad-gzip"),
    "empty.csv.gz": (lambda p: p.write_bytes(b""), "empty-file"),
    "nothing.csv.gz": (lambda p: p.write_bytes(gzip.compress(b"")), "empty-file"),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_a_damaged_or_hostile_file_is_one_error_line_with_its_code(runner, roster_csv, tmp_path, name):
    """Each file gives one error line naming it, with its code; exit 2, no traceback, no table."""
    make, code = HOSTILE[name]
    make(tmp_path / name)
    res, ties = email(runner, tmp_path, tmp_path / name, "--roster", roster_csv)
    assert res.exit_code == 2 and ties is None
    lines = res.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {name}") and lines[0].endswith(f"[{code}]")


@pytest.mark.parametrize("encoded", [codecs.BOM_UTF16_LE + LOG.encode("utf-16-le"), LOG.encode("cp1252")],
                         ids=["utf-16", "windows-1252"])
def test_a_gzip_log_in_utf16_or_windows_1252_is_read(runner, roster_csv, tmp_path, encoded):
    """The log above (a display name with ø) compressed as UTF-16 (Excel's Unicode text) and as
    Windows-1252: P0 -> P1 and P1 -> P2."""
    path = tmp_path / "log.csv.gz"
    path.write_bytes(gzip.compress(encoded))
    res, ties = email(runner, tmp_path, path, "--roster", roster_csv)
    assert res.exit_code == 0, res.output
    assert ties_of(ties) == {("P0", "P1"): 1.0, ("P1", "P2"): 1.0}
