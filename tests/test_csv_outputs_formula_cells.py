"""nodes.csv and edges.csv: a text cell a spreadsheet would run as a formula gets a leading
apostrophe, however many columns the roster has, and nothing else changes."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from ona.report.exports import _csv_safe, _csv_safe_frame

CELL = st.one_of(st.none(), st.text(alphabet="=+-@\t\rab 1", max_size=4), st.integers(-5, 5), st.floats(allow_nan=True))


def missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(CELL, min_size=3, max_size=3), min_size=0, max_size=6), st.booleans())
def test_every_text_cell_is_made_safe_as_one_cell_would_be_and_numbers_are_left_alone(rows, as_string_dtype):
    """Columns: object (mixed text, numbers, missing), a text column, a number column."""
    frame = pd.DataFrame({"mixed": pd.Series([r[0] for r in rows], dtype=object),
                          "text": pd.Series([r[1] if isinstance(r[1], str) else None for r in rows],
                                            dtype="string" if as_string_dtype else object),
                          "number": pd.Series([float(r[2]) if isinstance(r[2], int) else 0.5 for r in rows])})
    before = frame.copy()
    safe = _csv_safe_frame(frame)
    assert list(safe.dtypes) == list(frame.dtypes) and safe.index.equals(frame.index)
    for column in ("mixed", "text"):
        expected = [None if missing(v) else _csv_safe(v) for v in frame[column].tolist()]
        assert [None if missing(v) else v for v in safe[column].tolist()] == expected
    assert safe["number"].equals(frame["number"])
    assert frame.equals(before)  # the input is not changed


def test_a_roster_of_many_columns_gets_its_risky_cells_in_the_right_places():
    frame = pd.DataFrame({f"c{j}": ["x", "=1+1" if j % 997 == 0 else "y", None] for j in range(3000)})
    frame["n"] = [1, -2, 3]
    safe = _csv_safe_frame(frame)
    changed = [(r, c) for c in frame.columns for r in range(3)
               if not (missing(safe[c][r]) and missing(frame[c][r])) and safe[c][r] != frame[c][r]]
    assert changed == [(1, f"c{j}") for j in (0, 997, 1994, 2991)]
    assert safe["c997"][1] == "'=1+1" and safe["n"].tolist() == [1, -2, 3]
