"""Every CSV file ona writes is safe to open in a spreadsheet, and reads back as it was.

`ona email --out ties.csv` wrote its text cells as they were: an outside address such as
``=1+2@evil.example`` (kept as a person with --external keep) or a domain node ``@evil.example``
(--external domain) was a formula once the analyst opened the file in Excel. Such a cell now gets an
apostrophe before it, as nodes.csv and edges.csv always did, and ona reads the apostrophe away."""

from __future__ import annotations

import pandas as pd

import ona
from ona.cli import cli
from ona.ingest.email import EmailOptions, read_email

from conftest import write_csv


def roster(tmp_path):
    return write_csv(tmp_path / "roster.csv", [["id", "email", "department"], ["-007", "ann@kommune.example", "HR"],
                                               ["B2", "bo@kommune.example", "IT"]])


def log(tmp_path):
    return write_csv(tmp_path / "log.csv", [["From", "To", "Date"],
                                            ["ann@kommune.example", "=1+2@evil.example", "2025-01-02"],
                                            ["ann@kommune.example", "bo@kommune.example", "2025-01-03"],
                                            ["bo@kommune.example", "ann@kommune.example", "2025-01-04"]])


def test_ona_emails_tie_table_is_formula_safe_in_csv_and_exact_in_parquet(tmp_path, runner):
    for external, outside in (("keep", "=1+2@evil.example"), ("domain", "@evil.example")):
        out = tmp_path / f"ties-{external}.csv"
        result = runner.invoke(cli, ["--silent", "email", str(log(tmp_path)), "--roster", str(roster(tmp_path)),
                                     "--external", external, "--out", str(out)])
        assert result.exit_code == 0, result.output
        written = out.read_text(encoding="utf-8").splitlines()
        assert sorted(written[1:]) == sorted([f"'-007,'{outside},1.0,1", "'-007,B2,1.0,1", "B2,'-007,1.0,1"])
        parquet = tmp_path / f"ties-{external}.parquet"
        runner.invoke(cli, ["--silent", "email", str(log(tmp_path)), "--roster", str(roster(tmp_path)),
                            "--external", external, "--out", str(parquet)])
        assert set(pd.read_parquet(parquet)["target"]) == {outside, "B2", "-007"}


def test_a_tie_table_written_with_apostrophes_reads_back_as_the_same_people(tmp_path, runner):
    """The roster's id -007 is written '-007 (a spreadsheet reads -007 as minus 7): read back by
    ona analyze --ties, it is -007 again; so are the ids of the report's edges.csv."""
    people = ona.read_roster(roster(tmp_path))
    out = tmp_path / "ties.csv"
    read_email(log(tmp_path), people, EmailOptions(), out=out)
    ties = ona.read_ties(out, people)
    assert sorted(zip(ties.ties["source"], ties.ties["target"])) == [("-007", "B2"), ("B2", "-007")]
    report = tmp_path / "report"
    result = runner.invoke(cli, ["--silent", "analyze", "--roster", str(roster(tmp_path)), "--ties", str(out),
                                 "--out", str(report)])
    assert result.exit_code == 0, result.output
    assert "'-007" in (report / "edges.csv").read_text(encoding="utf-8-sig")
    again = ona.read_ties(report / "edges.csv", people)
    assert sorted(zip(again.ties["source"], again.ties["target"])) == [("-007", "B2"), ("B2", "-007")]


def test_roster_headers_that_a_spreadsheet_would_run_are_written_with_an_apostrophe(tmp_path, runner):
    """A roster whose column headers are ``=HYPERLINK("http://evil.example";"x")``, ``+Dept`` and
    ``@Role``: nodes.csv wrote those headers as they were, and Excel ran the first as a link to
    evil.example; now each has an apostrophe before it, like any such cell, and the cells and the
    ties of edges.csv read back as before."""
    people = write_csv(tmp_path / "roster.csv", [
        ["id", "Name", "Email", '=HYPERLINK("http://evil.example";"x")', "+Dept", "@Role"],
        ["a1", "Anna One", "anna@x.org", "A", "=A", "r1"], ["a2", "Ben Two", "ben@x.org", "A", "A", "r2"]])
    ties = write_csv(tmp_path / "ties.csv", [["source", "target", "weight"], ["a1", "a2", "2"], ["a2", "a1", "1"]])
    report = tmp_path / "report"
    result = runner.invoke(cli, ["--silent", "analyze", "--roster", str(people), "--ties", str(ties), "--by", "+Dept",
                                 "--out", str(report)])
    assert result.exit_code == 0, result.output
    nodes = pd.read_csv(report / "nodes.csv", encoding="utf-8-sig", dtype=str)
    assert list(nodes.columns[:6]) == ["id", "Name", "Email", "'=HYPERLINK(\"http://evil.example\";\"x\")", "'+Dept",
                                       "'@Role"]
    assert list(nodes["'+Dept"]) == ["'=A", "A"]
    assert (report / "edges.csv").read_text(encoding="utf-8-sig").splitlines()[0] == "source,target,weight"
    again = ona.read_ties(report / "edges.csv", ona.read_roster(people))
    assert sorted(zip(again.ties["source"], again.ties["target"])) == [("a1", "a2"), ("a2", "a1")]
