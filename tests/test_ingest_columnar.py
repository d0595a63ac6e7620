"""Large CSV files are parsed column by column by pyarrow, and give exactly what the cell-by-cell
reader gives.

An analyst's 500,000-tie export goes through pyarrow's multi-by_arrow CSV reader and is matched to
the roster column by column (bench/RESULTS.md); a small or unusual file goes through Python's csv
module cell by cell. Nobody may be able to tell which reader ran: the same headers, cells, row
numbers, ties, dropped counts and errors. These tests read generated files both ways and compare.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import ona
from ona.errors import InputError
from ona.ingest import _tables
from ona.ingest._tables import PY_WHITESPACE, _read_text_cells, _read_text_columnar, _table_from_cells

from conftest import DATA

SETTINGS = settings(max_examples=200, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture
def columnar_always(monkeypatch):
    """Every text file, however small, goes to the columnar reader first."""
    monkeypatch.setattr(_tables, "COLUMNAR_MIN_BYTES", 0)


@pytest.fixture
def columnar_never(monkeypatch):
    monkeypatch.setattr(_tables, "COLUMNAR_MIN_BYTES", 1 << 62)


def cell_by_cell(path: Path, data: bytes):
    """The cell-by-cell reader's table, or its InputError."""
    try:
        return _table_from_cells(path, None, _read_text_cells(path, None, None, data), None)
    except InputError as exc:
        return exc


def as_lists(table) -> dict:
    return {"headers": table.headers, "header_row": table.header_row, "rows": list(table.rows),
            "cells": {c: [str(v) for v in table.frame[c].tolist()] for c in table.headers}}


def test_the_python_whitespace_class_is_what_str_strip_removes():
    assert PY_WHITESPACE == "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())


CELL = st.lists(st.sampled_from(list("abcæøé E1@.-,;|\"'\n\r\t\xa0\u3000\u2013") + ["\r\n"]),
                max_size=8).map("".join)


@st.composite
def csv_files(draw):
    """CSV bytes as exports write them: optional title rows, a header, records with every kind of
    cell (quotes, delimiters, line breaks, edge white space, non-ASCII), in half the files now and
    then a blank line or a short row, in one of three delimiters, two line ends, with or without a
    byte-order mark."""
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    width = draw(st.integers(1, 5))
    header = [draw(st.sampled_from(["Source", "Target", "Weight", "Name", "Email", "Unit", " Team ", ""]))
              for _ in range(width)]
    rows = [[draw(st.text(alphabet="Survey 2025:", min_size=1, max_size=12))] for _ in range(draw(st.integers(0, 2)))]
    rows.append(header)
    irregular = draw(st.booleans())
    for _ in range(draw(st.integers(0, 40))):
        kind = draw(st.sampled_from(["record"] * 8 + ["blank", "short"])) if irregular else "record"
        if kind == "blank":
            rows.append([])
        elif kind == "short":
            rows.append([draw(CELL) for _ in range(draw(st.integers(0, max(0, width - 1))))])
        else:
            rows.append([draw(CELL) for _ in range(width)])
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=draw(st.sampled_from(["\n", "\r\n"])),
                        quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])))
    writer.writerows(rows)
    data = out.getvalue().encode("utf-8")
    return (b"\xef\xbb\xbf" if draw(st.booleans()) else b"") + data


@SETTINGS
@given(data=csv_files())
@example(data=b'Source\n"\n"\n')  # a quoted line break is a blank cell once stripped: no record
def test_the_columnar_reader_gives_the_cell_by_cell_table_or_leaves_the_file_to_it(tmp_path, columnar_always, data):
    path = tmp_path / "ties.csv"
    path.write_bytes(data)
    expected = cell_by_cell(path, data)
    got = _read_text_columnar(path, data, None, None, None)
    if got is None:
        return  # left to the cell-by-cell reader: the result is the same by construction
    assert not isinstance(expected, InputError), f"the columnar reader read a file the other refuses: {expected}"
    assert as_lists(got) == as_lists(expected)


def test_the_columnar_reader_takes_the_usual_files(tmp_path, columnar_always):
    """Plain exports, quoted exports (every field in quotes, commas inside names) and files with
    a title row: the fast reader must not quietly leave them all to the slow one."""
    plain = "Respondent ID,Colleague ID,Frequency\n" + "".join(f"E{i},E{i + 1},{i % 5 + 1}\n" for i in range(50))
    quoted = '"Name","Email","Department"\r\n' + "".join(
        f'"Hansen, Mette {i}","m{i}@kommune.dk","Child & Family"\r\n' for i in range(50))
    titled = "Network survey 2025\n\nSource;Target;Weight\n" + "".join(f"a{i};b{i};2\n" for i in range(50))
    for name, text in (("plain.csv", plain), ("quoted.csv", quoted), ("titled.csv", titled)):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8", newline="")
        got = _read_text_columnar(path, path.read_bytes(), None, None, None)
        assert got is not None, name
        assert as_lists(got) == as_lists(cell_by_cell(path, path.read_bytes())), name
    got = _read_text_columnar(tmp_path / "quoted.csv", (tmp_path / "quoted.csv").read_bytes(), None, None, None)
    assert got.frame["Name"].iloc[0] == "Hansen, Mette 0" and got.rows[0] == 2


def test_a_large_export_is_read_by_pyarrow_and_matched_to_the_roster_exactly(tmp_path):
    """Over a megabyte, ties by id, email and name with duplicates, self-ties, a zero weight and
    edge white space: the same TieTable either way."""
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name,email,department\n" + "".join(
        f"E{i},Person {i} Ødegård,p{i}@kommune.dk,Unit {i % 7}\n" for i in range(2000)), encoding="utf-8")
    lines = ["Source,Target,Frequency,Question"]
    for k in range(60_000):
        a, b = k % 2000, (k * 7 + 3) % 2000
        target = [f"E{b}", f"P{b}@KOMMUNE.DK", f"person {b} odegard", f" E{b} "][k % 4]
        lines.append(f"E{a},{target},{[1, 2, 3, 0, 5][k % 5]},{['advice', 'cowork'][k % 2]}")
    lines += ["E1,E1,3,advice", "E2,E3,4,advice", "E2,E3,5,advice"]
    ties = tmp_path / "ties.csv"
    ties.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert ties.stat().st_size > _tables.COLUMNAR_MIN_BYTES
    people = ona.read_roster(roster)
    fast = ona.read_ties(ties, people, layer="advice")
    columnar = isinstance(_tables.read_table(ties).frame["Source"].dtype, pd.StringDtype)
    assert columnar, "a large UTF-8 export goes through the columnar reader"
    _tables.COLUMNAR_MIN_BYTES, saved = 1 << 62, _tables.COLUMNAR_MIN_BYTES
    try:
        slow = ona.read_ties(ties, ona.read_roster(roster), layer="advice")
    finally:
        _tables.COLUMNAR_MIN_BYTES = saved
    assert fast.dropped == slow.dropped and fast.dropped["self-tie"] == 1 and fast.dropped["zero-weight"] > 0
    assert fast.respondents == slow.respondents and fast.layers == slow.layers == ("advice",)
    pd.testing.assert_frame_equal(fast.ties, slow.ties)
    # E2 -> E3 reported twice in the advice layer keeps the larger weight.
    pair = fast.ties[(fast.ties["source"] == "E2") & (fast.ties["target"] == "E3")]
    assert pair["weight"].tolist() == [5.0]


@pytest.mark.parametrize("name", ["edges_advice.csv", "edges_friendship.csv", "edges_cowork.csv", "matrix_advice.csv"])
def test_lazega_ties_read_the_same_by_both_readers(name, monkeypatch):
    """The Lazega law firm's real tie lists and matrix (tests/data/lazega) give the same ties both ways."""
    roster_path, ties_path = DATA / "lazega" / "nodes.csv", DATA / "lazega" / name
    monkeypatch.setattr(_tables, "COLUMNAR_MIN_BYTES", 0)
    roster = ona.read_roster(roster_path)
    fast = ona.read_ties(ties_path, roster)
    assert isinstance(_tables.read_table(ties_path).frame.iloc[:, 0].dtype, pd.StringDtype)
    monkeypatch.setattr(_tables, "COLUMNAR_MIN_BYTES", 1 << 62)
    slow = ona.read_ties(ties_path, ona.read_roster(roster_path))
    pd.testing.assert_frame_equal(fast.ties, slow.ties)
    assert fast.dropped == slow.dropped and fast.respondents == slow.respondents


def test_errors_name_the_same_cells_whichever_reader_ran(tmp_path, monkeypatch):
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name\n" + "".join(f"E{i},Person {i}\n" for i in range(30)), encoding="utf-8")
    ties = tmp_path / "ties.csv"
    ties.write_text("source,target,weight\nE1,E2,3\nE1,Nobody,2\nE3,E4,often\nE5,E6,-1\n", encoding="utf-8")
    found = []
    for threshold in (0, 1 << 62):
        monkeypatch.setattr(_tables, "COLUMNAR_MIN_BYTES", threshold)
        with pytest.raises(InputError) as err:
            ona.read_ties(ties, ona.read_roster(roster))
        found.append([(p.code, p.row, p.column) for p in err.value.problems])
    assert found[0] == found[1] == [("unknown-person", 3, "target"), ("bad-weight", 4, "weight"),
                                    ("negative-weight", 5, "weight")]


def _both_ways(monkeypatch, read):
    """``read()`` with the columnar reader, then with the cell-by-cell one (each result, or its
    InputError's problems as (code, row, column))."""
    found = []
    for threshold in (0, 1 << 62):
        monkeypatch.setattr(_tables, "COLUMNAR_MIN_BYTES", threshold)
        try:
            found.append(read())
        except InputError as exc:
            found.append([(p.code, p.row, p.column) for p in exc.problems])
    return found


def test_a_large_edge_list_without_layers_drops_the_repeated_pair_and_the_self_tie(tmp_path, monkeypatch):
    """The bench's shape (no layer column, every end an id, over a megabyte): a pair listed twice
    keeps its larger weight and first row, a self-tie is dropped, respondents keep their order."""
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name\n" + "".join(f"E{i:05d},Person {i}\n" for i in range(5000)), encoding="utf-8")
    lines = ["Respondent ID,Colleague ID,Frequency"]
    pairs = dict.fromkeys(((k * 7919) % 5000, (k * 104729 + 1) % 4999) for k in range(80_000))
    lines += [f"E{a:05d},E{b:05d},{(a + b) % 5 + 1}" for a, b in pairs if a != b and (a, b) != (7, 8)]
    lines += ["E00042,E00042,3", "E00007,E00008,2", "E00007,E00008,4", "E00007,E00008,4"]
    ties = tmp_path / "ties.csv"
    ties.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert ties.stat().st_size > _tables.COLUMNAR_MIN_BYTES
    people = ona.read_roster(roster)
    assert isinstance(_tables.read_table(ties).frame.iloc[:, 0].dtype, pd.StringDtype)
    fast, slow = _both_ways(monkeypatch, lambda: ona.read_ties(ties, people))
    pd.testing.assert_frame_equal(fast.ties, slow.ties)
    assert fast.dropped == slow.dropped == {"self-tie": 1, "duplicate": 2}
    assert fast.respondents == slow.respondents == tuple(pd.unique(fast.ties["source"]).tolist())
    n = len(lines)  # the header is row 1, the last line row n
    pair = fast.ties[(fast.ties["source"] == "E00007") & (fast.ties["target"] == "E00008")]
    assert pair[["weight", "row"]].values.tolist() == [[4.0, n - 1]]
    assert not ((fast.ties["source"] == "E00042") & (fast.ties["target"] == "E00042")).any()


def test_a_large_roster_names_each_repeated_id_and_address_whichever_reader_ran(tmp_path, monkeypatch):
    roster = tmp_path / "roster.csv"
    rows = [f"E{i},Person {i},p{i}@kommune.dk,Unit {i % 9}" for i in range(40_000)]
    rows[100] = "E7,Person 100,p100@kommune.dk,Unit 1"      # row 102 repeats row 9's id
    rows[200] = "E200,Person 200,P5@Kommune.dk ,Unit 2"    # row 202 repeats row 7's address
    rows[300] = ",Person 300,p300@kommune.dk,Unit 3"        # row 302 has no id
    rows[400] = "E400,Person 400,p400@kommune.dk,"          # row 402 has no unit (a warning)
    roster.write_text("id,name,email,department\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert roster.stat().st_size > _tables.COLUMNAR_MIN_BYTES
    fast, slow = _both_ways(monkeypatch, lambda: ona.read_roster(roster))
    assert fast == slow == [("duplicate-id", 102, "id"), ("blank-id", 302, "id"), ("duplicate-email", 202, "email"),
                            ("blank-unit", 402, "department")]


def test_repeats_are_what_pandas_finds():
    from ona.ingest.ties import _has_repeats

    rng = np.random.default_rng(7)
    for size, n in ((1, 1), (3, 2), (50, 40), (70_000, 5_000), (2**20, 3000)):
        values = rng.integers(0, size, n)
        assert _has_repeats(values) == bool(pd.Series(values).duplicated().any())
        assert _has_repeats(values * size) == bool(pd.Series(values).duplicated().any())  # beyond 32 bits
    assert not _has_repeats(np.zeros(0, dtype=np.int64))


def test_both_ends_looked_up_by_arrow_give_what_matching_each_text_gives(tmp_path, monkeypatch):
    """Both ends of a large edge list are looked up by Arrow in one call; ids, upper-case addresses,
    names, edge white space and unknown people (dropped) come out as matching each distinct text
    of each column gives them."""
    from ona.ingest import ties as ties_module

    roster = tmp_path / "roster.csv"
    roster.write_text("id,name,email,department\n" + "".join(
        f"E{i},Person {i} Ødegård,p{i}@kommune.dk,Unit {i % 7}\n" for i in range(3000)), encoding="utf-8")
    lines = ["Source,Target,Weight"]
    for k in range(70_000):
        a, b = (k * 13) % 3000, (k * 7 + 3) % 3000
        source = [f"E{a}", f"P{a}@KOMMUNE.DK", f"E{a}", f"nobody {a}"][k % 4]
        target = [f"E{b}", f"person {b} odegard", f" E{b} ", f"E{b}"][k % 4]
        lines.append(f"{source},{target},{k % 5 + 1}")
    ties = tmp_path / "ties.csv"
    ties.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert ties.stat().st_size > _tables.COLUMNAR_MIN_BYTES
    people = ona.read_roster(roster)
    found = []
    found.append(ona.read_ties(ties, people, drop_unknown=True))
    monkeypatch.setattr(ties_module, "_arrow_text", lambda column: None)  # every text matched on its own
    found.append(ona.read_ties(ties, people, drop_unknown=True))
    by_arrow, single = found
    pd.testing.assert_frame_equal(by_arrow.ties, single.ties)
    assert by_arrow.dropped == single.dropped and by_arrow.dropped["unknown-person"] == 70_000 // 4
    assert by_arrow.respondents == single.respondents
    assert set(by_arrow.ties["source"]) <= set(people.ids) and set(by_arrow.ties["target"]) <= set(people.ids)


def test_a_tie_table_with_object_columns_measures_as_one_with_text_columns():
    """read_ties gives Arrow-backed text columns, a script may give object columns: the graph and
    the measurement are the same for both (the Lazega advice network)."""
    roster = ona.read_roster(DATA / "lazega" / "nodes.csv")
    ties = ona.read_ties(DATA / "lazega" / "edges_advice.csv", roster)
    assert all(isinstance(ties.ties[c].dtype, pd.StringDtype) for c in ("source", "target", "layer"))
    frame = ties.ties.copy()
    for column in ("source", "target", "layer"):
        frame[column] = pd.Series(frame[column].to_numpy(dtype=object), dtype=object)
    as_objects = ona.ingest.TieTable(ties=frame, path=ties.path, dropped=ties.dropped, layers=ties.layers,
                                     respondents=ties.respondents)
    graphs = [ona.build_graph(roster, t) for t in (ties, as_objects)]
    for attribute in ("source", "target", "weight"):
        np.testing.assert_array_equal(getattr(graphs[0], attribute), getattr(graphs[1], attribute))
    first, second = (ona.measure(g, permutations=50) for g in graphs)
    pd.testing.assert_frame_equal(first.people, second.people)
    pd.testing.assert_frame_equal(first.units, second.units)
    assert first.summary == second.summary
