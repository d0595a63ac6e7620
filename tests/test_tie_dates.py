"""An edge list's optional date column: read, kept for scripts, and used to choose the ties of one
period (``--ties-since``/``--ties-until``), e.g. one year of a contact log kept across years.

Every expected value here is worked out by hand from the rows written in the test (or, for the
manufacturing company's log, by counting its rows with pandas, apart from ona's reader)."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ona
from ona.cli import cli
from ona.errors import InputError
from ona.ingest._dates import read_dates

from conftest import DATA, ROOT, write_csv, write_xlsx


def people(tmp_path):
    """Four people in two departments."""
    return ona.read_roster(write_csv(tmp_path / "roster.csv", [
        ["id", "name", "department"], ["A", "Ann Berg", "HR"], ["B", "Bo Dahl", "HR"], ["C", "Cy Holm", "IT"],
        ["D", "Di Lund", "IT"]]))


def log(tmp_path, rows, name="contacts.csv", header=("source", "target", "date")):
    return write_csv(tmp_path / name, [list(header), *rows])


def where(problems):
    return [(p.row, p.column, p.code, p.severity) for p in problems]


def dates(ties) -> list[str]:
    return [d.strftime("%Y-%m-%d") if d == d else "" for d in ties.ties["date"]]


# The contact log of the stories below: A met B twice in 2024, C once on the last day of 2023.
CONTACTS = [["A", "B", "2024-01-05"], ["A", "B", "2024-03-05"], ["A", "C", "2023-12-31"],
            ["B", "C", "2024-05-13"], ["C", "D", "2025-01-01"]]


def test_an_edge_lists_date_column_reaches_the_tie_table(tmp_path):
    """Read without options: the `date` column is found by its header and each tie keeps its
    date; a pair reported twice keeps its largest weight (here the first report, row 2) and with
    it that report's date, with a warning that --repeats sum would add them up."""
    ties = ona.read_ties(log(tmp_path, CONTACTS), people(tmp_path))
    assert ties.date_column == "date" and ties.window is None and ties.repeats == "max"
    assert list(zip(ties.ties["source"], ties.ties["target"], dates(ties), ties.ties["row"])) == [
        ("A", "B", "2024-01-05", 2), ("A", "C", "2023-12-31", 4), ("B", "C", "2024-05-13", 5),
        ("C", "D", "2025-01-01", 6)]
    assert ties.ties["date"].dtype == "datetime64[ns]"
    assert ties.date_span == ("2023-12-31", "2025-01-01")
    assert ties.dropped == {"duplicate": 1}
    assert where(ties.warnings) == [(None, None, "repeated-pairs", "warning")]
    assert "1 pair is reported on several dates" in ties.warnings[0].message


def test_a_window_keeps_the_ties_dated_on_or_after_since_and_before_until(tmp_path):
    """2024 alone: since 2024-01-01 (inclusive), until 2025-01-01 (the first day left out, as
    --until of email). A-C (2023-12-31) and C-D (2025-01-01) fall outside: 2 rows, counted. Only
    A and B reported a tie in 2024, so only they responded; C's one report was in 2023."""
    ties = ona.read_ties(log(tmp_path, CONTACTS), people(tmp_path), since="2024-01-01", until="2025-01-01")
    assert list(zip(ties.ties["source"], ties.ties["target"], dates(ties))) == [
        ("A", "B", "2024-01-05"), ("B", "C", "2024-05-13")]
    assert ties.dropped == {"outside-window": 2, "duplicate": 1}
    assert ties.respondents == ("A", "B")
    assert ties.window == (np.datetime64("2024-01-01"), np.datetime64("2025-01-01"))
    only_since = ona.read_ties(log(tmp_path, CONTACTS), people(tmp_path), since="2024-01-05")
    assert dates(only_since) == ["2024-01-05", "2024-05-13", "2025-01-01"]  # (since is inclusive)
    only_until = ona.read_ties(log(tmp_path, CONTACTS), people(tmp_path), until=dt.date(2024, 1, 5))
    assert dates(only_until) == ["2023-12-31"]  # (until is not)
    # A time of day counts: the 13 May report was at 14:30, after 12:00 of that day.
    timed = log(tmp_path, [["A", "B", "2024-05-13 14:30"], ["B", "C", "2024-05-13T09:00:00"]], name="timed.csv")
    assert len(ona.read_ties(timed, people(tmp_path), since="2024-05-13 12:00")) == 1


def test_a_colleague_who_left_before_the_window_need_not_be_in_the_roster(tmp_path):
    """One file for every year: rows outside the window are left out before anything is checked, so
    a 2022 colleague who has left (X, no longer in the roster) and a 2022 row with a bad weight stop
    nothing. The same rows inside the window are errors, with their cells."""
    path = log(tmp_path, [["A", "B", "1", "2024-02-01"], ["D", "X", "1", "2022-06-01"], ["C", "D", "often", "2022-06-02"]],
               header=("source", "target", "weight", "date"))
    ties = ona.read_ties(path, people(tmp_path), since="2024-01-01")
    assert ties.ties[["source", "target"]].values.tolist() == [["A", "B"]]
    assert ties.dropped == {"outside-window": 2}
    with pytest.raises(InputError) as raised:
        ona.read_ties(path, people(tmp_path), since="2022-01-01")
    assert where(raised.value.problems) == [(3, "target", "unknown-person", "error"),
                                            (4, "weight", "bad-weight", "error")]


@pytest.mark.parametrize("written, order, read, warned", [
    (["13/03/2024", "01/04/2024"], "day-first", ["2024-03-13", "2024-04-01"], False),   # a first field above 12
    (["03/13/2024", "04/01/2024"], "month-first", ["2024-03-13", "2024-04-01"], False),  # a second field above 12
    (["01.03.2024", "02.04.2024"], "day-first", ["2024-03-01", "2024-04-02"], False),   # dots: never month first
    (["01/03/2024", "02-04-2024"], "month-first", ["2024-01-03", "2024-02-04"], True),  # nothing tells: a warning
    (["3/1/2024 2:15 PM", "2024-03-02"], "month-first", ["2024-03-01", "2024-03-02"], True),
])
def test_numeric_dates_are_read_in_the_order_their_column_shows(tmp_path, written, order, read, warned):
    rows = [["A", "B", written[0]], ["B", "C", written[1]]]
    ties = ona.read_ties(log(tmp_path, rows), people(tmp_path))
    assert dates(ties) == read
    assert [p.code for p in ties.warnings] == (["ambiguous-dates"] if warned else [])
    if warned:
        assert ties.warnings[0].column == "date" and "--date-order day-first" in ties.warnings[0].message
    assert ties.ties["date"].iloc[0].hour == (14 if "PM" in written[0] else 0)


def test_date_order_given_decides_and_a_date_that_cannot_be_in_it_is_named(tmp_path):
    """--date-order day-first reads 01/03/2024 as 1 March with no warning; 03/13/2024 cannot be day
    first (month 13): without a window it is a warning and the tie is kept undated, with a window an
    error at its cell."""
    rows = [["A", "B", "01/03/2024"], ["B", "C", "03/13/2024"]]
    ties = ona.read_ties(log(tmp_path, rows), people(tmp_path), date_order="day-first")
    assert dates(ties) == ["2024-03-01", ""]
    assert where(ties.warnings) == [(3, "date", "bad-date", "warning")]
    assert ties.warnings[0].message.startswith("the date cannot be in the order given (--date-order day-first)")
    with pytest.raises(InputError) as raised:
        ona.read_ties(log(tmp_path, rows), people(tmp_path), date_order="day-first", since="2024-01-01")
    assert where(raised.value.problems) == [(3, "date", "bad-date", "error")]
    # Detected both ways (13 first in one row, 13 second in another): month first, and the other is named.
    mixed = [["A", "B", "13/03/2024"], ["B", "C", "03/14/2024"]]
    assert where(ona.read_ties(log(tmp_path, mixed), people(tmp_path)).warnings) == [(2, "date", "bad-date", "warning")]


def test_with_a_window_a_blank_or_unreadable_date_is_an_error_at_its_cell(tmp_path):
    """Row 3 is blank, row 4 says "late May", row 5 is 30 February. Without a window the dates are
    only kept, so these are warnings (the blank says nothing) and the ties are kept undated; with
    one, ona cannot tell whether the tie is in it: each is an error with its row and column."""
    rows = [["A", "B", "2024-02-01"], ["A", "C", ""], ["B", "C", "late May"], ["C", "D", "2024-02-30"]]
    ties = ona.read_ties(log(tmp_path, rows), people(tmp_path))
    assert dates(ties) == ["2024-02-01", "", "", ""] and len(ties) == 4
    assert where(ties.warnings) == [(4, "date", "bad-date", "warning"), (5, "date", "bad-date", "warning")]
    with pytest.raises(InputError) as raised:
        ona.read_ties(log(tmp_path, rows), people(tmp_path), until="2025-01-01")
    assert where(raised.value.problems) == [(3, "date", "blank-date", "error"), (4, "date", "bad-date", "error"),
                                            (5, "date", "bad-date", "error")]
    assert all("late May" not in str(p) for p in raised.value.problems)  # (a cell is never quoted)


def test_a_date_column_of_free_text_is_one_warning_and_the_ties_stay_undated(tmp_path):
    """A column headed "Date" that says "spring 2024" in every row held no date before this reader
    existed, and the sheet read fine: it still does, with one warning instead of one per row. With a
    window it is one error."""
    rows = [["A", "B", "spring 2024"], ["B", "C", "autumn 2024"]]
    ties = ona.read_ties(log(tmp_path, rows, header=("From", "To", "Date")), people(tmp_path))
    assert "date" not in ties.ties and ties.date_column is None and len(ties) == 2
    assert where(ties.warnings) == [(1, "Date", "not-dates", "warning")]
    with pytest.raises(InputError) as raised:
        ona.read_ties(log(tmp_path, rows, header=("From", "To", "Date")), people(tmp_path), since="2024-01-01")
    assert where(raised.value.problems) == [(1, "Date", "not-dates", "error")]


def test_a_window_on_ties_without_dates_is_refused_not_ignored(tmp_path):
    """An edge list without a date column, and a matrix (which has no date per tie): a window would
    choose nothing, so it is an error that says what to do."""
    undated = write_csv(tmp_path / "undated.csv", [["source", "target"], ["A", "B"]])
    with pytest.raises(InputError) as raised:
        ona.read_ties(undated, people(tmp_path), since="2024-01-01")
    assert where(raised.value.problems) == [(1, None, "no-date-column", "error")]
    assert "--date-column (date_column= in Python)" in raised.value.problems[0].message
    matrix = write_csv(tmp_path / "matrix.csv", [["", "A", "B"], ["A", "", "1"], ["B", "1", ""]])
    with pytest.raises(InputError) as raised:
        ona.read_ties(matrix, people(tmp_path), until="2024-01-01")
    assert raised.value.problems[0].code == "no-date-column"
    assert "is read as an adjacency matrix, whose ties have no dates" in raised.value.problems[0].message


def test_a_window_that_keeps_no_tie_says_when_the_dates_run(tmp_path):
    with pytest.raises(InputError) as raised:
        ona.read_ties(log(tmp_path, CONTACTS), people(tmp_path), since="2026-01-01")
    [problem] = raised.value.problems
    assert (problem.code, problem.column) == ("empty-window", "date")
    assert ("none of its 5 dated ties is on or after 2026-01-01: its dates run from 2023-12-31 to 2025-01-01"
            in problem.message)


def test_a_contact_log_adds_up_its_repeats_with_repeats_sum(tmp_path):
    """A met B on 5 January (weight 2) and 5 March (weight 3): with --repeats sum the pair weighs 5,
    keeps its first row and earliest date, and nothing is left out as a duplicate; no warning."""
    rows = [["A", "B", "2", "2024-03-05"], ["B", "C", "1", "2024-02-01"], ["A", "B", "3", "2024-01-05"]]
    path = log(tmp_path, rows, header=("source", "target", "weight", "date"))
    summed = ona.read_ties(path, people(tmp_path), repeats="sum")
    assert list(zip(summed.ties["source"], summed.ties["target"], summed.ties["weight"], summed.ties["row"],
                    dates(summed))) == [("A", "B", 5.0, 2, "2024-01-05"), ("B", "C", 1.0, 3, "2024-02-01")]
    assert summed.dropped == {} and summed.warnings == ()
    kept = ona.read_ties(path, people(tmp_path))
    assert kept.ties["weight"].tolist() == [1.0, 3.0] and kept.dropped == {"duplicate": 1}
    graph = ona.build_graph(people(tmp_path), summed)
    assert ona.measure(graph, permutations=0).parameters["duplicate_pairs"] == "weights summed"
    assert ona.measure(ona.build_graph(people(tmp_path), kept), permutations=0).parameters[
        "duplicate_pairs"] == "largest weight kept"


def test_layers_combined_keep_each_pairs_earliest_date(tmp_path):
    """Two questions, one file each: A-B on 1 March (advice) and 1 February (cooperation); combined,
    the pair's date is 1 February."""
    advice = log(tmp_path, [["A", "B", "2024-03-01"]], name="advice.csv")
    work = log(tmp_path, [["A", "B", "2024-02-01"], ["B", "C", "2024-04-01"]], name="cooperation.csv")
    combined = ona.read_ties([advice, work], people(tmp_path))
    assert list(zip(combined.ties["source"], combined.ties["weight"], dates(combined))) == [
        ("A", 2.0, "2024-02-01"), ("B", 1.0, "2024-04-01")]
    assert combined.date_column == "date"


def test_excel_date_cells_and_a_named_date_column(tmp_path):
    """Dates typed into Excel are date cells, not text: read as such (with their time). A column
    whose header ona does not know is named with date_column=."""
    path = write_xlsx(tmp_path / "log.xlsx", [["From", "To", "Met on"], ["A", "B", dt.datetime(2024, 3, 1, 9, 30)],
                                              ["B", "C", dt.date(2024, 12, 24)]])
    assert "date" not in ona.read_ties(path, people(tmp_path)).ties  # (an unknown header is kept out)
    ties = ona.read_ties(path, people(tmp_path), date_column="met on", until="2024-12-24")
    assert ties.ties["date"].tolist() == [pd.Timestamp("2024-03-01 09:30")]
    assert ties.dropped == {"outside-window": 1} and ties.date_column == "Met on"
    with pytest.raises(InputError) as raised:
        ona.read_ties(path, people(tmp_path), date_column="When")
    assert raised.value.problems[0].code == "missing-column"


def test_an_undirected_edge_with_a_bad_date_is_named_once(tmp_path):
    """A Gephi sheet: an undirected edge is a tie both ways, from one row; its unreadable date is one
    problem, not two. The window keeps or leaves out both directions together."""
    path = log(tmp_path, [["A", "B", "Undirected", "2024-01-02"], ["C", "D", "Undirected", "never"]],
               header=("Source", "Target", "Type", "Date"))
    ties = ona.read_ties(path, people(tmp_path))
    assert len(ties) == 4 and where(ties.warnings) == [(3, "Date", "bad-date", "warning")]
    with pytest.raises(InputError) as raised:
        ona.read_ties(path, people(tmp_path), since="2024-01-01")
    assert where(raised.value.problems) == [(3, "Date", "bad-date", "error")]
    kept = ona.read_ties(log(tmp_path, [["A", "B", "Undirected", "2024-01-02"], ["C", "D", "Undirected", "2023-01-02"]],
                             header=("Source", "Target", "Type", "Date"), name="g.csv"), people(tmp_path),
                         since="2024-01-01")
    assert sorted(kept.ties["source"]) == ["A", "B"] and kept.dropped == {"outside-window": 2}


@pytest.mark.parametrize("arguments, message", [
    ({"since": "01.03.2024"}, "--ties-since '01.03.2024' (since= in Python) is not a date; write it as YYYY-MM-DD"),
    ({"until": "next year"}, "--ties-until 'next year' (until= in Python) is not a date"),
    ({"since": "2025-01-01", "until": "2025-01-01"}, "the window is empty: --ties-since 2025-01-01 is not before "
                                                    "--ties-until 2025-01-01"),
    ({"repeats": "mean"}, "read_ties(repeats='mean'): repeats must be one of max, sum"),
    ({"date_order": "year-first"}, "date_order='year-first': it must be one of day-first, month-first"),
])
def test_a_window_or_rule_that_is_no_such_thing_is_refused(tmp_path, arguments, message):
    with pytest.raises(InputError) as raised:
        ona.read_ties(log(tmp_path, CONTACTS), people(tmp_path), **arguments)
    assert raised.value.problems[0].code == "bad-argument" and message in raised.value.problems[0].message


def test_the_analyst_measures_one_year_of_a_contact_log_from_the_command_line(tmp_path, runner):
    """`ona analyze --ties-since 2024-01-01 --ties-until 2025-01-01 --repeats sum`: the report's
    parameters state the date column, the span of the dates measured and the window; the terminal
    counts the rows left out; `ona validate` with the same window finds a blank date."""
    roster = write_csv(tmp_path / "roster.csv", [["id", "name", "department"], ["A", "Ann Berg", "HR"],
                                                 ["B", "Bo Dahl", "HR"], ["C", "Cy Holm", "IT"], ["D", "Di Lund", "IT"]])
    ties = log(tmp_path, CONTACTS)
    out = tmp_path / "report"
    result = runner.invoke(cli, ["--silent", "analyze", "--roster", str(roster), "--ties", str(ties), "--ties-since",
                                 "2024-01-01", "--ties-until", "2025-01-01", "--repeats", "sum", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Note: 2 tie rows left out (outside-window)" in result.stderr
    assert "Ties:                2" in result.stdout
    parameters = json.loads((out / "metrics.json").read_text(encoding="utf-8"))["parameters"]
    assert parameters["tie_dates"] == "date: 2024-01-05 to 2024-05-13"
    assert parameters["tie_window"] == "on or after 2024-01-01, before 2025-01-01"
    assert parameters["duplicate_pairs"] == "weights summed"
    index = (out / "index.html").read_text(encoding="utf-8")
    assert ("Ties are dated by <b>date</b> (2024-01-05 to 2024-05-13 among those measured); only ties dated on or "
            "after 2024-01-01, before 2025-01-01 are measured.") in index
    # The maps a manager opens say which year they show.
    assert "4 people in 2 units (by department), 2 ties dated on or after 2024-01-01, before 2025-01-01. " in \
        (out / "map.html").read_text(encoding="utf-8")
    assert "2 units (by department), ties dated on or after 2024-01-01, before 2025-01-01. Size = people" in \
        (out / "units.html").read_text(encoding="utf-8")
    edges = pd.read_csv(out / "edges.csv", dtype={"source": str, "target": str})
    assert edges[["source", "target", "weight"]].values.tolist() == [["A", "B", 2.0], ["B", "C", 1.0]]
    blank = log(tmp_path, [*CONTACTS, ["D", "A", ""]], name="blank.csv")
    checked = runner.invoke(cli, ["validate", "--roster", str(roster), "--ties", str(blank), "--ties-since",
                                  "2024-01-01"])
    assert checked.exit_code == 1
    assert checked.stdout.splitlines()[0].startswith("Error: blank.csv, row 7, column 'date': the date is blank, so "
                                                     "--ties-since/--ties-until (since=/until= in Python) cannot tell")


def test_the_options_of_the_other_input_are_refused_on_the_command_line(tmp_path, runner):
    """--since chooses email messages: given with a tie file it would do nothing, so it is refused
    (exit 2, no report), as --ties-since with --email is."""
    roster = write_csv(tmp_path / "roster.csv", [["id", "department"], ["A", "HR"], ["B", "IT"]])
    ties = log(tmp_path, [["A", "B", "2024-01-01"]])
    result = runner.invoke(cli, ["analyze", "--roster", str(roster), "--ties", str(ties), "--since", "2024-01-01",
                                 "--out", str(tmp_path / "r")])
    assert result.exit_code == 2 and not (tmp_path / "r").exists()
    assert ("--since chooses email messages (--email); a tie file's ties are chosen by their date column with "
            "--ties-since/--ties-until.") in result.output
    mail = write_csv(tmp_path / "mail.csv", [["sender", "recipient", "timestamp"], ["A", "B", "2024-01-01"]])
    result = runner.invoke(cli, ["analyze", "--roster", str(roster), "--email", str(mail), "--ties-since",
                                 "2024-01-01", "--out", str(tmp_path / "r")])
    assert result.exit_code == 2 and "--ties-since reads a tie file (--ties)" in result.output


def test_one_contact_log_measured_year_by_year_with_ona_run(tmp_path, runner):
    """ona init writes the window into the wave; a second wave with its own window measures the next
    year from the same file. A window that is no date is refused with the line of ona.toml."""
    roster = write_csv(tmp_path / "roster.csv", [["id", "name", "department"], ["A", "Ann Berg", "HR"],
                                                 ["B", "Bo Dahl", "HR"], ["C", "Cy Holm", "IT"], ["D", "Di Lund", "IT"]])
    log(tmp_path, CONTACTS)
    config = tmp_path / "ona.toml"
    made = runner.invoke(cli, ["init", "--roster", str(roster), "--ties", str(tmp_path / "contacts.csv"),
                               "--wave", "2024", "--ties-since", "2024-01-01", "--ties-until", "2025-01-01",
                               "--repeats", "sum", "--out", str(config)])
    assert made.exit_code == 0, made.output
    text = config.read_text(encoding="utf-8")
    assert 'ties_since = "2024-01-01"\nties_until = "2025-01-01"\n' in text and 'repeats = "sum"' in text
    config.write_text(text + '\n[waves.2025]\nroster = "roster.csv"\nties = ["contacts.csv"]\n'
                      'ties_since = "2025-01-01"\nties_until = "2026-01-01"\n', encoding="utf-8")
    for wave, ties in (("2024", 2), ("2025", 1)):
        result = runner.invoke(cli, ["--silent", "run", str(config), "--wave", wave])
        assert result.exit_code == 0, result.output
        measured = json.loads((tmp_path / f"report-{wave}" / "metrics.json").read_text(encoding="utf-8"))
        assert measured["summary"]["ties"] == ties
    assert runner.invoke(cli, ["compare", "2024", "2025", "--history", str(tmp_path / "ona-history.db"), "--out",
                               str(tmp_path / "compare")]).stderr == ""  # (the same rules: nothing to warn of)
    config.write_text(config.read_text(encoding="utf-8").replace('ties_since = "2025-01-01"',
                                                                 'ties_since = "1 January"'), encoding="utf-8")
    result = runner.invoke(cli, ["run", str(config), "--wave", "2025"])
    line = text.count("\n") + 5  # (the 2025 table's ties_since: a blank line, the table, roster, ties, it)
    assert result.exit_code == 2
    assert result.output.strip() == (f"Error: ona.toml, line {line}: ties_since must be a date such as \"2025-01-01\" "
                                     "(YYYY-MM-DD), not '1 January'")


def test_waves_whose_repeats_differ_are_compared_with_a_warning(tmp_path, runner):
    roster = write_csv(tmp_path / "roster.csv", [["id", "department"], ["A", "HR"], ["B", "HR"], ["C", "IT"]])
    ties = log(tmp_path, [["A", "B", "2024-01-01"], ["A", "B", "2024-02-01"], ["B", "C", "2024-02-01"]])
    history = tmp_path / "h.db"
    for wave, repeats in (("2024", "max"), ("2025", "sum")):
        result = runner.invoke(cli, ["--silent", "analyze", "--roster", str(roster), "--ties", str(ties), "--repeats",
                                     repeats, "--wave", wave, "--history", str(history), "--out", str(tmp_path / wave)])
        assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["compare", "2024", "2025", "--history", str(history), "--out", str(tmp_path / "c")])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "Warning: 2024 and 2025 were measured with different settings: weight of a pair reported more than once "
        "(--repeats) 'largest weight kept' in 2024, 'weights summed' in 2025; a change can come from the setting "
        "alone: run the wave that has the wrong one again with --replace"]


def test_a_months_email_from_the_manufacturing_company_read_as_a_dated_tie_list(tmp_path):
    """The company's log (Michalski et al. 2011; sender, recipient, timestamp) is an edge list with a
    date column. March 2010 with --repeats sum: each pair weighs its number of recipient rows that
    month, as counting the rows with pandas gives, self-addressed rows left out as self-ties."""
    data = DATA / "manufacturing-email"
    roster = ona.read_roster(data / "nodes.csv", id_column="node_id", unit_column="division_head")
    ties = ona.read_ties(data / "messages.csv", roster, since="2010-03-01", until="2010-04-01", repeats="sum")
    rows = pd.read_csv(data / "messages.csv", dtype={"sender": str, "recipient": str})
    when = pd.to_datetime(rows["timestamp"])
    march = rows[(when >= "2010-03-01") & (when < "2010-04-01")]
    assert ties.dropped == {"outside-window": len(rows) - len(march),
                            "self-tie": int((march["sender"] == march["recipient"]).sum())}
    march = march[march["sender"] != march["recipient"]]
    counted = march.groupby(["sender", "recipient"]).size()
    read = ties.ties.set_index(["source", "target"])["weight"]
    assert len(read) == len(counted) > 1000
    assert read.sort_index().astype(int).tolist() == counted.sort_index().tolist()
    assert ties.date_span[0] >= "2010-03-01" and ties.date_span[1] < "2010-04-01"
    assert ties.warnings == ()  # (ISO timestamps: nothing ambiguous)


FORMS = [("%Y-%m-%d %H:%M:%S", None), ("%Y-%m-%dT%H:%M:%S", None), ("%Y/%m/%d", None), ("%d.%m.%Y %H:%M", None),
         ("%d/%m/%Y", "day-first"), ("%m/%d/%Y %I:%M %p", "month-first"), ("%d-%m-%Y", "day-first")]


@settings(max_examples=200, deadline=None)
@given(st.datetimes(min_value=dt.datetime(1678, 1, 1), max_value=dt.datetime(2261, 12, 31)), st.sampled_from(FORMS))
def test_a_date_written_the_ways_analysts_write_it_reads_back(moment, form):
    """Whatever the date, written in one of the forms read (with the order given where the form
    alone cannot show it), it reads back as that date, to the precision the form keeps."""
    pattern, order = form
    text = moment.strftime(pattern)
    expected = dt.datetime.strptime(text, pattern)
    read = read_dates([text], order)
    assert read.values[0] == np.datetime64(expected, "ns") and not read.unreadable[0]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=30) |
                st.from_regex(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}( \d{1,2}:\d\d)?", fullmatch=True), max_size=8))
def test_any_cells_in_a_date_column_read_as_a_date_or_are_named_unreadable(cells):
    """No text makes the reader fail; each cell is a date, blank, or unreadable, never two of these,
    and a year outside 1678-2261 (9999-12-31, HR's "no end") is no date, not a wrapped-around one."""
    read = read_dates(cells)
    blank = np.array([not c.strip() for c in cells], dtype=bool)
    dated = ~np.isnat(read.values)
    assert not (dated & read.unreadable).any() and not (blank & (dated | read.unreadable)).any()
    assert (dated | read.unreadable | blank).all()
    years = pd.DatetimeIndex(read.values[dated]).year
    assert ((years >= 1678) & (years <= 2261)).all()
    assert read_dates(["9999-12-31", "31/12/9999"]).unreadable.all()


def test_an_excel_day_number_where_a_date_belongs_is_named_as_such(tmp_path):
    """Dates pasted as numbers (45352 is 1 March 2024 in Excel's count of days) are not guessed at:
    the message says what they likely are and how to fix them, for one cell and for a column."""
    rows = [["A", "B", "2024-03-01"], ["B", "C", "45352"]]
    [warning] = ona.read_ties(log(tmp_path, rows), people(tmp_path)).warnings
    assert (warning.row, warning.code) == (3, "bad-date")
    assert warning.message.startswith("the date is a number, not a date (Excel's day number")
    column = ona.read_ties(log(tmp_path, [["A", "B", "45352"], ["B", "C", "45353.5"]], name="n.csv"), people(tmp_path))
    assert [p.code for p in column.warnings] == ["not-dates"]
    assert "its cells are numbers (Excel's day numbers, in cells not formatted as dates?)" in column.warnings[0].message


def write_ods(path, rows):
    """The least .ods workbook LibreOffice would open: one sheet, text cells, and date cells as
    LibreOffice stores them (``office:date-value``, shown in the user's own format)."""
    import zipfile
    from xml.sax.saxutils import escape

    def cell(value):
        if isinstance(value, dt.date):
            shown = value.strftime("%d.%m.%y")
            return (f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}">'
                    f"<text:p>{shown}</text:p></table:table-cell>")
        return f'<table:table-cell office:value-type="string"><text:p>{escape(value)}</text:p></table:table-cell>'

    body = "".join("<table:table-row>" + "".join(map(cell, row)) + "</table:table-row>" for row in rows)
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
               f'<office:spreadsheet><table:table table:name="Ties">{body}</table:table></office:spreadsheet>'
               "</office:body></office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                "</manifest:manifest>")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return path


def test_libreoffice_date_cells_are_read_by_their_value_not_as_shown(tmp_path):
    """A Danish LibreOffice shows 1 March 2024 as 01.03.24 (a two-digit year ona would not read as
    text); the cell stores the date itself, and that is what is read."""
    path = write_ods(tmp_path / "ties.ods", [["Fra", "Til", "Dato"], ["A", "B", dt.date(2024, 3, 1)],
                                            ["B", "C", dt.datetime(2024, 12, 24, 9, 30)]])
    ties = ona.read_ties(path, people(tmp_path), since="2024-06-01")
    assert ties.ties["date"].tolist() == [pd.Timestamp("2024-12-24 09:30")] and ties.date_column == "Dato"
    assert ties.dropped == {"outside-window": 1} and ties.warnings == ()


def test_validate_refuses_a_window_that_is_no_date_once_with_exit_2(tmp_path, runner):
    """Like analyze: a usage error on one line, not a problem repeated for each tie file."""
    roster = write_csv(tmp_path / "roster.csv", [["id", "department"], ["A", "HR"], ["B", "IT"]])
    ties = [str(log(tmp_path, [["A", "B", "2024-01-01"]], name=f"q{k}.csv")) for k in (1, 2)]
    result = runner.invoke(cli, ["validate", "--roster", str(roster), "--ties", ties[0], "--ties", ties[1],
                                 "--ties-until", "31.12.2024"])
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        "Error: --ties-until '31.12.2024' (until= in Python) is not a date; write it as YYYY-MM-DD "
        "(or YYYY-MM-DD HH:MM:SS) [bad-argument]"]
    with pytest.raises(InputError) as raised:
        ona.ingest.validate(roster, ties, ties_options={"repeats": "mean"})
    assert raised.value.problems[0].code == "bad-argument"


CONTACT_LOG = ROOT / "examples" / "contact-log"


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_each_year_of_the_example_contact_log_is_the_network_that_years_survey_gives(year):
    """examples/contact-log/contacts.csv holds every year's contacts (a tie of frequency f of the
    yearly survey is f contacts on days of its year, day first). A year's window with repeats
    "sum" gives back that year's survey: the same pairs with the same weights, and so the same
    figures; no contact of another year reaches it, though their people left the roster."""
    roster = ona.read_roster(ROOT / "examples" / "yearly" / str(year) / "roster.xlsx")
    logged = ona.read_ties(CONTACT_LOG / "contacts.csv", roster, since=f"{year}-01-01", until=f"{year + 1}-01-01",
                           repeats="sum")
    surveyed = ona.read_ties(ROOT / "examples" / "yearly" / str(year) / "ties.xlsx", roster)

    def pairs(ties):
        return ties.ties.set_index(["source", "target"])["weight"].sort_index()

    pd.testing.assert_series_equal(pairs(logged), pairs(surveyed))
    assert logged.date_span[0] >= f"{year}-01-01" and logged.date_span[1] < f"{year + 1}-01-01"
    assert logged.dropped["outside-window"] > 0 and logged.warnings == ()  # (day first, as the column shows)
    figures = [ona.measure(ona.build_graph(roster, t), by="Department", permutations=0, skip=["communities"]).summary
               for t in (logged, surveyed)]
    assert figures[0] == pytest.approx(figures[1], nan_ok=True)


def test_the_example_contact_log_runs_as_its_readme_says(tmp_path, runner):
    import shutil

    folder = tmp_path / "examples"
    shutil.copytree(CONTACT_LOG, folder / "contact-log")
    shutil.copytree(ROOT / "examples" / "yearly", folder / "yearly", ignore=shutil.ignore_patterns("report-*", "*.db"))
    config = folder / "contact-log" / "ona.toml"
    result = runner.invoke(cli, ["--silent", "run", str(config), "--wave", "2025"])
    assert result.exit_code == 0, result.output
    parameters = json.loads((folder / "contact-log" / "report-2025" / "metrics.json").read_text())["parameters"]
    assert parameters["tie_window"] == "on or after 2025-01-01, before 2026-01-01"
    assert parameters["duplicate_pairs"] == "weights summed" and parameters["tie_dates"].startswith("Date: 2025-01-")


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.tuples(st.sampled_from("ABCD"), st.sampled_from("ABCD"), st.integers(0, 4),
                               st.sampled_from(["advice", "work"]), st.booleans(),
                               st.dates(dt.date(2023, 11, 1), dt.date(2024, 2, 28))), min_size=1, max_size=25),
       since=st.none() | st.dates(dt.date(2023, 11, 1), dt.date(2024, 2, 28)),
       days=st.none() | st.integers(1, 90), repeats=st.sampled_from(["max", "sum"]),
       written=st.sampled_from(["%Y-%m-%d", "%d.%m.%Y"]))
def test_a_dated_edge_list_reads_as_its_rows_define(tmp_path_factory, rows, since, days, repeats, written):
    """Any dated edge list (a layer column, some edges undirected, weights 0-4) and any window read
    as the definition says, worked out here row by row: the rows dated in the window, each
    undirected row a tie both ways, self-ties and weights of 0 left out, then per layer and pair
    the largest weight or the sum."""
    folder = tmp_path_factory.mktemp("dated")
    until = None if days is None else (since or dt.date(2023, 11, 1)) + dt.timedelta(days=days)
    path = write_csv(folder / "ties.csv", [["Source", "Target", "Weight", "Question", "Type", "Date"]] + [
        [s, t, w, q, "Undirected" if both else "Directed", d.strftime(written)] for s, t, w, q, both, d in rows])
    inside = [r for r in rows if (since is None or r[5] >= since) and (until is None or r[5] < until)]
    if not inside:
        with pytest.raises(InputError) as raised:
            ona.read_ties(path, people(folder), since=since, until=until, repeats=repeats)
        assert [p.code for p in raised.value.problems] == ["empty-window"]
        return
    expected: dict[tuple, float] = {}
    for s, t, w, q, both, d in inside:
        for a, b in ([(s, t), (t, s)] if both else [(s, t)]):
            if a == b or w == 0:
                continue
            key = (q, a, b)
            expected[key] = expected.get(key, 0) + w if repeats == "sum" else max(expected.get(key, 0), w)
    ties = ona.read_ties(path, people(folder), since=since, until=until, repeats=repeats, layer=None, combine="sum")
    layered = ona.read_ties(path, people(folder), since=since, until=until, repeats=repeats, layer="advice") \
        if any(r[3] == "advice" for r in rows) else None
    got = dict(zip(zip(ties.ties["source"], ties.ties["target"]), ties.ties["weight"]))
    combined: dict[tuple, float] = {}
    for (q, a, b), w in expected.items():
        combined[a, b] = combined.get((a, b), 0) + w
    assert got == combined
    if layered is not None:
        assert dict(zip(zip(layered.ties["source"], layered.ties["target"]), layered.ties["weight"])) == \
            {(a, b): w for (q, a, b), w in expected.items() if q == "advice"}
    outside = sum(2 if r[4] else 1 for r in rows) - sum(2 if r[4] else 1 for r in inside)
    assert ties.dropped.get("outside-window", 0) == outside
    assert set(ties.respondents) == {r[0] for r in inside} | {r[1] for r in inside if r[4]}


def test_a_focused_map_of_one_year_says_so_too(tmp_path, runner):
    """`ona map --unit HR --ties-since ...`: the map of one unit names the period in its subtitle."""
    roster = write_csv(tmp_path / "roster.csv", [["id", "name", "department"], ["A", "Ann Berg", "HR"],
                                                 ["B", "Bo Dahl", "HR"], ["C", "Cy Holm", "IT"], ["D", "Di Lund", "IT"]])
    out = tmp_path / "hr.html"
    result = runner.invoke(cli, ["map", "--roster", str(roster), "--ties", str(log(tmp_path, CONTACTS)), "--unit", "HR",
                                 "--ties-since", "2024-01-01", "--ties-until", "2025-01-01", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "ties dated on or after 2024-01-01, before 2025-01-01. Colour = unit" in out.read_text(encoding="utf-8")
