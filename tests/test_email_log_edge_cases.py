"""Edge cases of the message logs analysts hand `ona email`: a log saved as
UTF-16 without a byte-order mark (plain and gzip), an Excel log whose address cells hold Excel
errors (#N/A, #REF!, #VALUE!), a CSV log whose header row is wider than 64 KB, and one with a
row longer than 2 MB (an all-staff message with its recipients in one cell). Every expected
tie table is the one the same log gives as plain UTF-8, or is worked out by hand from the rows
written in the test; every unreadable file is one error line with its code and place (exit 2)."""
from __future__ import annotations

import gzip

import pytest

import ona
from ona.ingest.email import EmailOptions, read_email

from conftest import email, sales_roster, weights

N = 6
#: By hand: P0 -> P1, P2 and Cc P3; P1 -> P0 (a display name with ø, outside the Latin-1 range's ASCII).
LOG = ("From,To,Cc,Date\n"
       "p0@org.dk,p1@org.dk; p2@org.dk,p3@org.dk,2025-03-01 09:00:00\n"
       "p1@org.dk,Nørgaard <p0@org.dk>,,2025-03-01 10:00:00\n")


@pytest.fixture()
def roster_csv(tmp_path):
    return sales_roster(tmp_path / "roster.csv", N)


# --- 1. UTF-16 without a byte-order mark ---------------------------------------------------------

@pytest.mark.parametrize("name, encode", [
    ("log.csv", lambda text: text.encode("utf-16-le")),
    ("log.csv.gz", lambda text: gzip.compress(text.encode("utf-16-le"))),
    ("big-endian.csv", lambda text: text.encode("utf-16-be")),
], ids=["utf-16-le", "utf-16-le-gzip", "utf-16-be"])
def test_a_utf16_log_without_a_byte_order_mark_gives_the_tie_table_of_the_utf8_log(roster_csv, tmp_path, name,
                                                                                  encode):
    """The same log as UTF-8 and as UTF-16 without a byte-order mark (as some exporters and
    PowerShell scripts write it), plain and compressed: the same tie table and counts. It was
    refused as having no sender and recipient columns (email-columns)."""
    roster = ona.read_roster(roster_csv)
    utf8 = tmp_path / "utf8.csv"
    utf8.write_text(LOG, encoding="utf-8")
    wide = tmp_path / name
    wide.write_bytes(encode(LOG))
    expected = read_email([utf8], roster, EmailOptions())
    got = read_email([wide], roster, EmailOptions())
    assert weights(expected) == {("P0", "P1"): 1.0, ("P0", "P2"): 1.0, ("P0", "P3"): 1.0, ("P1", "P0"): 1.0}
    assert weights(got) == weights(expected)
    assert (got.rows_read, got.messages_read, got.excluded, got.formats) == \
        (expected.rows_read, expected.messages_read, expected.excluded, ("log",))


def test_short_rows_of_a_utf16_log_without_a_byte_order_mark_are_named_by_row(runner, roster_csv, tmp_path):
    """Rows 3 and 4 of a UTF-16 log without a mark have one cell too few: one error naming both rows,
    exit 2, no table."""
    path = tmp_path / "log.csv"
    path.write_bytes("From,To,Date\np0@org.dk,p1@org.dk,2025-03-01\np1@org.dk,2025-03-01\np2@org.dk,2025-03-02\n"
                     .encode("utf-16-le"))
    res, ties = email(runner, tmp_path, path, "--roster", roster_csv)
    assert res.exit_code == 2 and ties is None
    assert res.stderr.splitlines() == [
        "Error: log.csv, row 3: the row has 2 cells but the header has 3; fix the row or the delimiter (also row 4) "
        "[bad-row]"]


# --- 3. A header row wider than 64 KB ------------------------------------------------------------

def wide_log(path, fields: int) -> int:
    """A log whose header is From, To and ``fields`` more columns (Field 1, Field 2, ...: a gateway
    export with every header field), one record P0 -> P1 with a value in every column; returns the
    header's length in bytes."""
    header = ",".join(["From", "To", *(f"Field {i}" for i in range(1, fields + 1))])
    path.write_text(header + "\n" + "p0@org.dk,p1@org.dk" + ",x" * fields + "\n")
    return len(header.encode())


def test_a_log_whose_header_is_wider_than_64_kb_is_read(runner, roster_csv, tmp_path):
    """A header of 70 KB (6,480 columns) with From and To first: read whole, P0 -> P1. It was cut at
    64 KB, inside "Field 6058", and refused with a false duplicate-column error (for "Field 60")."""
    assert 70_000 < wide_log(tmp_path / "wide.csv", 6_480) < 71_000
    res, ties = email(runner, tmp_path, tmp_path / "wide.csv", "--roster", roster_csv)
    assert res.exit_code == 0, res.output
    assert ties.to_dict("list") == {"source": ["P0"], "target": ["P1"], "weight": [1.0], "messages": [1]}


def test_a_header_longer_than_the_limit_is_one_error_with_its_code(runner, roster_csv, tmp_path, monkeypatch):
    """A first line longer than the header limit (here set to 64 KB, to keep the file small) is one
    error naming the file and row 1, with its code and the fix; exit 2, no table."""
    from ona.ingest import engines

    monkeypatch.setattr(engines, "MAX_HEADER_BYTES", 65_536)
    wide_log(tmp_path / "wide.csv", 6_480)
    res, ties = email(runner, tmp_path, tmp_path / "wide.csv", "--roster", roster_csv)
    assert res.exit_code == 2 and ties is None
    assert res.stderr.splitlines() == [
        "Error: wide.csv, row 1: the header row is longer than 0.0625 MB (or the file has no line breaks); check "
        "that this is a CSV export with one header row [header-too-long]"]


# --- 4. A line longer than DuckDB's default (2 MB) ----------------------------------------------

def long_line_log(path, recipients: int):
    """P0 -> P1, then one all-staff message from P0 whose To cell lists ``recipients`` outside
    addresses (about 16 bytes each) and P2: one line of about 16 x ``recipients`` bytes."""
    staff = ";".join(f"u{i}@staff.dk" for i in range(recipients))
    path.write_text(f"From,To,Date,Message ID\np0@org.dk,p1@org.dk,2025-03-01 09:00:00,<a>\n"
                    f'p0@org.dk,"{staff};p2@org.dk",2025-03-01 10:00:00,<all>\n')
    return path


def test_a_row_longer_than_2_mb_is_read(roster_csv, tmp_path):
    """An all-staff message to 200,001 people in one cell, a 3 MB line: a broadcast (more than 25
    recipients), left out by its 200,001 recipient rows; P0 -> P1 stays. It was refused as bad-csv
    ("check its quotes, delimiter and encoding"), DuckDB's line limit being 2 MB."""
    assert long_line_log(tmp_path / "log.csv", 200_000).stat().st_size > 3_000_000
    res = read_email([tmp_path / "log.csv"], ona.read_roster(roster_csv), EmailOptions())
    assert weights(res) == {("P0", "P1"): 1}
    assert res.excluded == {"broadcast": 200_001}


def test_a_row_longer_than_the_limit_is_one_error_with_its_code(runner, roster_csv, tmp_path, monkeypatch):
    """A line longer than the line limit (here set to 1 MB, to keep the file small): one error
    naming the file and row, with the two causes and their fix; exit 2, no table."""
    from ona.ingest import engines

    monkeypatch.setattr(engines, "MAX_HEADER_BYTES", 2**20)
    long_line_log(tmp_path / "log.csv", 100_000)
    res, ties = email(runner, tmp_path, tmp_path / "log.csv", "--roster", roster_csv)
    assert res.exit_code == 2 and ties is None
    assert res.stderr.splitlines() == [
        "Error: log.csv, row 3: the row is longer than 1 MB, or a quote in it is never closed (a \" with no "
        "closing \") so the rows after it run together; close the quote, or export the log with one row per "
        "recipient [line-too-long]"]


# --- 5. A gzip-compressed Parquet log ------------------------------------------------------------

def test_a_gzip_compressed_parquet_log_is_one_error_saying_to_decompress_it(runner, roster_csv, tmp_path):
    """log.parquet.gz (a Parquet log gzipped for mailing): one error saying to decompress it, exit
    2, no table. It was told to "export it as CSV (UTF-8 or UTF-16), Parquet or JSON lines", though
    it is Parquet."""
    import pandas as pd

    pd.DataFrame({"From": ["p0@org.dk"], "To": ["p1@org.dk"]}).to_parquet(tmp_path / "log.parquet")
    (tmp_path / "log.parquet.gz").write_bytes(gzip.compress((tmp_path / "log.parquet").read_bytes()))
    res, ties = email(runner, tmp_path, tmp_path / "log.parquet.gz", "--roster", roster_csv)
    assert res.exit_code == 2 and ties is None
    assert res.stderr.splitlines() == [
        "Error: log.parquet.gz: a gzip-compressed Parquet file is not read (Parquet is compressed inside); "
        "decompress it first (gunzip) [email-format]"]


def test_a_log_of_addresses_the_roster_does_not_have_says_so_in_one_warning(runner, roster_csv, tmp_path):
    """The roster's addresses are p0@org.dk ...; the exports write the organisation's new domain,
    p0@kommune.dk. Every recipient row was external: an empty tie table, exit 0, "Left out: 3
    recipient rows (external)" and nothing more. Now one warning says the log and the roster share no
    pair, and what to check; a log with one pair of the roster kept gets none."""
    log = tmp_path / "log.csv"
    log.write_text(LOG.replace("@org.dk", "@kommune.dk"), encoding="utf-8")
    res, ties = email(runner, tmp_path, log, "--roster", roster_csv)
    assert res.exit_code == 0 and len(ties) == 0
    assert ("Warning: log.csv: none of its 4 recipient rows is between two people of the roster (4 left out as "
            "external): check that the roster's email column holds the addresses the exports use (another domain, "
            "aliases: --aliases), or that the exports are of this organisation [no-roster-address]"
            in res.stderr.splitlines())
    log.write_text(LOG.replace("p0@org.dk,p1@org.dk", "p0@kommune.dk,p1@org.dk"), encoding="utf-8")
    res, ties = email(runner, tmp_path, log, "--roster", roster_csv)
    assert res.exit_code == 0 and len(ties) > 0 and "no-roster-address" not in res.stderr
