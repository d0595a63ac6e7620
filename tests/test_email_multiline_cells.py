"""A quoted cell of a message log that spans lines (a Subject with a line break) is one cell, on
DuckDB and on Spark.

Spark read local CSV logs line by line (multiLine off): the second line of such a Subject was a row
of its own. Here that line reads like a message from Cy to Ann, a tie that was never there, counted
without a word. A local file with quotes in it is now read whole by Spark; one without quotes
cannot hold such a cell and is still read in parallel pieces."""

from __future__ import annotations

import ona
from ona.ingest.email import EmailOptions, read_email
from ona.ingest.engines import may_quote_line_breaks

from conftest import weights, write_csv


def test_a_subject_over_two_lines_is_one_cell_not_a_message(tmp_path, email_engine):
    roster = ona.read_roster(write_csv(tmp_path / "roster.csv", [
        ["id", "email", "department"], ["A", "ann@kommune.example", "HR"], ["B", "bo@kommune.example", "HR"],
        ["C", "cy@kommune.example", "IT"]]))
    path = tmp_path / "log.csv"
    path.write_text('From,To,Subject,Date\n'
                    'ann@kommune.example,bo@kommune.example,"Budget\ncy@kommune.example,ann@kommune.example",2025-01-02\n'
                    'bo@kommune.example,ann@kommune.example,Re: Budget,2025-01-03\n', encoding="utf-8")
    result = read_email(path, roster, EmailOptions())
    assert weights(result) == {("A", "B"): 1.0, ("B", "A"): 1.0}
    assert result.rows_read == 2 and result.excluded == {}


def test_only_a_file_with_quotes_can_hold_a_cell_over_two_lines(tmp_path):
    plain = write_csv(tmp_path / "plain.csv", [["From", "To"], ["a@x.example", "b@x.example"]])
    quoted = tmp_path / "quoted.csv"
    quoted.write_text('From,To\n"Ann <a@x.example>",b@x.example\n', encoding="utf-8")
    assert not may_quote_line_breaks(plain) and may_quote_line_breaks(quoted)
    import gzip

    packed = tmp_path / "quoted.csv.gz"
    packed.write_bytes(gzip.compress(quoted.read_bytes()))
    assert may_quote_line_breaks(packed)  # (looked at decompressed)
