"""A script user calls the library: wrong calls get an ona.OnaError that says what to pass, and odd
but valid inputs (tiny weights, a script's own tie frame) are measured, not crashed on."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import ona
from ona.cli import cli

from conftest import write_csv


def roster_in_code() -> ona.Roster:
    """Five people in two departments, as a script pulling them from an HR system makes them."""
    people = pd.DataFrame({"Name": ["Ann", "Bo", "Cy", "Di", "Ed"], "Department": ["A", "A", "A", "B", "B"]},
                          index=pd.Index(["p1", "p2", "p3", "p4", "p5"], name="id"))
    return ona.Roster(people=people, name_column="Name", unit_columns=("Department",))


def ties_frame(weights) -> pd.DataFrame:
    """Six ties among the five people: two routes from p1 to p3 and on to p5."""
    return pd.DataFrame({"source": ["p1", "p2", "p1", "p3", "p4", "p2"], "target": ["p2", "p3", "p3", "p4", "p5", "p4"],
                         "weight": weights})


def problems(excinfo) -> list[tuple]:
    return [(p.code, p.frame, p.row, p.column) for p in excinfo.value.problems]


# 1. Tiny weights -------------------------------------------------------------------------------

@pytest.mark.parametrize("weights", [
    [1e-19, 1, 1, 1, 1, 1],
    [1e-19, 1, 1, 1e-300, 1, 1],
    [1, 1e-300, 1e-19, 1, 1e-30, 2.5],
])
def test_tiny_weights_are_measured_as_igraph_measures_them(weights):
    """A weight of 1e-19 (a tie length of 1e19) once crashed the betweenness kernel (int too big to
    convert). Expected values: igraph's Graph.betweenness with lengths 1 / w (igraph compares path
    lengths within a relative 1e-10, as ona's float path does), divided by (n - 1)(n - 2)."""
    import igraph as ig

    ties = ties_frame(weights)
    m = ona.measure(ona.build_graph(roster_in_code(), ties), permutations=0)
    ids = ["p1", "p2", "p3", "p4", "p5"]
    g = ig.Graph(n=5, edges=[(ids.index(s), ids.index(t)) for s, t in zip(ties["source"], ties["target"])],
                 directed=True)
    expected = np.asarray(g.betweenness(weights=[1 / w for w in weights])) / (4 * 3)
    assert m.people.loc[ids, "betweenness"].to_numpy() == pytest.approx(expected, rel=1e-12, abs=0)
    assert expected.sum() > 0  # (some paths pass through someone)


def test_a_tie_file_with_a_tiny_weight_is_analysed_by_the_cli(runner, data_dir, tmp_path):
    ties = write_csv(tmp_path / "ties.csv", [["Respondent ID", "Colleague ID", "Frequency"], ["a1", "a2", "1e-30"],
                                            ["a2", "b1", "1"], ["a1", "b1", "3"], ["b1", "b2", "1"]])
    res = runner.invoke(cli, ["analyze", "--roster", str(data_dir / "analyze" / "roster.csv"), "--ties", str(ties),
                              "--out", str(tmp_path / "report"), "--permutations", "0"])
    assert res.exit_code == 0, res.output
    assert "Traceback" not in res.output and "Ties:                4" in res.output


# 2. A script's own DataFrame of ties ------------------------------------------------------------

def test_a_ties_frame_is_checked_as_a_tie_file_is():
    """inf, NaN, negative and non-numeric weights and an unknown id: every problem at once, each at
    the frame's .iloc row and column, never a silent drop."""
    ties = ties_frame([np.inf, 1.0, -2.0, np.nan, 3.0, 1.0]).astype({"weight": object})
    ties.loc[4, "weight"] = "often"
    ties.loc[5, "target"] = "nobody"
    with pytest.raises(ona.InputError) as excinfo:
        ona.build_graph(roster_in_code(), ties)
    assert problems(excinfo) == [
        ("bad-weight", "ties DataFrame", 0, "weight"),
        ("negative-weight", "ties DataFrame", 2, "weight"),
        ("bad-weight", "ties DataFrame", 3, "weight"),
        ("bad-weight", "ties DataFrame", 4, "weight"),
        ("unknown-person", "ties DataFrame", 5, "target"),
    ]
    assert [p.message for p in excinfo.value.problems][:4] == [
        "the weight is infinite; give a finite number such as 1-5",
        "the weight is negative; weights must be 0 or more",
        "the weight is blank (NaN); give a finite number such as 1-5",
        "the weight is not a number; give a finite number such as 1-5",
    ]
    assert str(excinfo.value.problems[0]) == ("ties DataFrame, .iloc[0], column 'weight': the weight is infinite; "
                                              "give a finite number such as 1-5 [bad-weight]")
    assert "nobody" not in str(excinfo.value.problems[4])


def test_a_ties_frame_counts_what_it_leaves_out():
    """Self-ties, zero weights and a pair given twice are left out, as in a tie file, and counted."""
    ties = pd.DataFrame({"source": ["p1", "p1", "p2", "p3", "p1"], "target": ["p1", "p2", "p3", "p4", "p2"],
                         "weight": [1, 0, 2, 1, 4]})
    graph = ona.build_graph(roster_in_code(), ties)
    assert graph.m == 3
    assert graph.tie_info["dropped"] == {"self-tie": 1, "zero-weight": 1}
    ties.loc[1, "weight"] = 5  # now p1 -> p2 twice: the larger weight is kept
    graph = ona.build_graph(roster_in_code(), ties)
    assert graph.tie_info["dropped"] == {"self-tie": 1, "duplicate": 1}
    assert sorted(graph.weight.tolist()) == [1.0, 2.0, 5.0]
    assert ona.measure(graph, permutations=0).parameters["dropped_rows"] == {"self-tie": 1, "duplicate": 1}


def test_a_ties_frame_without_its_columns_says_which():
    with pytest.raises(ona.InputError) as excinfo:
        ona.build_graph(roster_in_code(), pd.DataFrame({"from": ["p1"], "to": ["p2"]}))
    assert problems(excinfo) == [("missing-column", "ties DataFrame", None, None)] * 2
    assert str(excinfo.value) == ("2 problems; first: ties DataFrame: has no 'source' column; a ties DataFrame has "
                                  "the columns source and target (roster ids) and may have weight [missing-column]")


def test_the_graph_has_its_own_people_frame():
    roster = roster_in_code()
    graph = ona.build_graph(roster, ties_frame([1] * 6))
    assert graph.people is not roster.people
    graph.people.loc["p1", "Name"] = "changed"
    graph.people["extra"] = 1
    assert roster.people.loc["p1", "Name"] == "Ann" and "extra" not in roster.people
