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


# 6. Wrong calls are ona errors that say what to pass -----------------------------------------------

@pytest.fixture
def measured(data_dir):
    roster = ona.read_roster(data_dir / "analyze" / "roster.csv")
    graph = ona.build_graph(roster, ona.read_ties(data_dir / "analyze" / "ties.csv", roster))
    return roster, graph, ona.measure(graph, permutations=0)


def test_read_ties_needs_the_roster_object(data_dir):
    ties_path, roster_path = data_dir / "analyze" / "ties.csv", data_dir / "analyze" / "roster.csv"
    for wrong in (roster_path, pd.read_csv(roster_path)):
        with pytest.raises(ona.InputError) as excinfo:
            ona.read_ties(ties_path, wrong)
        assert excinfo.value.problems[0].code == "bad-argument"
        assert str(excinfo.value).startswith("read_ties(path, roster): pass the Roster from read_roster as the roster;")
    with pytest.raises(ona.InputError, match=r"read_ties reads tie files; give a DataFrame of ties .* to build_graph"):
        ona.read_ties(pd.read_csv(ties_path), ona.read_roster(roster_path))
    with pytest.raises(ona.InputError, match=r"^read_ties\(path, roster\): give a tie file, or a list of one or more"):
        ona.read_ties([], ona.read_roster(roster_path))  # (was pandas' "No objects to concatenate")


@pytest.mark.parametrize("arguments, message", [
    ({"betweenness_samples": 0}, "measure(betweenness_samples=0): betweenness_samples must be a whole number of 1 "
                                 "or more"),
    ({"permutations": -1}, "measure(permutations=-1): permutations must be a whole number of 0 or more"),
    ({"exact_betweenness_limit": -5}, "measure(exact_betweenness_limit=-5): exact_betweenness_limit must be a whole "
                                      "number of 0 or more"),
    ({"seed": -1}, "measure(seed=-1): seed must be a whole number of 0 or more"),
])
def test_measure_keeps_the_limits_of_the_command_line(measured, arguments, message):
    with pytest.raises(ona.InputError) as excinfo:
        ona.measure(measured[1], **arguments)
    assert [(p.code, p.message) for p in excinfo.value.problems] == [("bad-argument", message)]


def test_numpy_integers_are_whole_numbers_to_measure(measured):
    """A script that takes its settings from a DataFrame passes numpy integers: they are accepted."""
    import numpy as np

    m = ona.measure(measured[1], permutations=np.int64(20), seed=np.int32(3))
    assert m.parameters["ei_permutations"] == 20 and m.parameters["seed"] == 3


def test_a_read_only_history_refuses_to_store(measured, tmp_path):
    _, graph, m = measured
    path = tmp_path / "h.db"
    with ona.open_history(path) as history:
        history.store("2024", m, graph)
    with ona.open_history(path, read_only=True) as history:
        with pytest.raises(ona.OnaError, match=r"^h\.db: is open read-only; open it with open_history\(path\) to "
                                               r"store a wave$"):
            history.store("2025", m, graph)
        assert history.labels() == ["2024"]


def test_store_checks_its_inputs_before_writing(measured, tmp_path, data_dir):
    _, graph, m = measured
    with ona.open_history(tmp_path / "h.db") as history:
        with pytest.raises(ona.OnaError, match=r"^not-there\.csv: the roster input does not exist; inputs name the "
                                               r"files the wave was measured from$"):
            history.store("2025", m, graph, inputs={"roster": tmp_path / "not-there.csv",
                                                     "ties": data_dir / "analyze" / "ties.csv"})
        assert history.labels() == []


def test_store_and_write_map_refuse_swapped_arguments(measured, tmp_path):
    _, graph, m = measured
    with pytest.raises(ona.InputError) as excinfo:
        ona.write_map(m, graph, tmp_path / "map.html")
    assert str(excinfo.value) == ("write_map takes the graph first, then the measurement: write_map(graph, "
                                  "measurement, path); got Measurement [bad-argument]")
    assert not (tmp_path / "map.html").exists()
    assert ona.write_map(graph, m, tmp_path / "map.html").exists()  # the documented order still works
    with ona.open_history(tmp_path / "h.db") as history:
        with pytest.raises(ona.InputError, match=r"History.store takes the label, then the measurement, then the "
                                                 r"graph: store\(label, measurement, graph\); got OrgGraph"):
            history.store("2025", graph, m)
        assert history.labels() == []


def test_compare_waves_needs_stored_waves(measured, tmp_path):
    _, graph, m = measured
    with ona.open_history(tmp_path / "h.db") as history:
        history.store("2024", m, graph)
        history.store("2025", m, graph)
    with pytest.raises(ona.InputError) as excinfo:
        ona.compare_waves("2024", "2025")
    assert str(excinfo.value) == ("compare_waves(before, after) compares two stored waves: load them from the history "
                                  "with open_history(path, read_only=True).load(label); got str [bad-argument]")
    with ona.open_history(tmp_path / "h.db", read_only=True) as history:
        with pytest.raises(ona.InputError, match=r"compare_waves\(bootstraps=-1\): bootstraps must be"):
            ona.compare_waves(history.load("2024"), history.load("2025"), bootstraps=-1)


def test_build_graph_arguments_are_checked(measured):
    roster, graph, _ = measured
    with pytest.raises(ona.InputError, match=r"build_graph\(roster, ties\): pass the Roster from read_roster first; "
                                             r"got DataFrame \[bad-argument\]"):
        ona.build_graph(roster.people, ties_frame([1] * 6))
    with pytest.raises(ona.InputError, match=r"build_graph\(tie_rule='mutual'\): tie_rule must be one of reported, "
                                             r"reciprocated, union"):
        ona.build_graph(roster, ties_frame([1] * 6), tie_rule="mutual")


# 14. The names a script needs ------------------------------------------------------------------

def test_a_yearly_script_uses_only_public_names(measured, tmp_path):
    _, graph, m = measured
    with ona.open_history(tmp_path / "h.db") as history:
        assert isinstance(history, ona.History)
        history.store("2024", m, graph)
        history.store("2025", m, graph)
        before, after = history.load("2024"), history.load("2025")
        waves = history.waves()
    assert isinstance(before, ona.StoredWave)
    comparison = ona.compare_waves(before, after, bootstraps=20)
    assert isinstance(comparison, ona.Comparison)
    paths = ona.write_comparison(comparison, tmp_path / "compare", waves=waves)
    assert sorted(p.name for p in (tmp_path / "compare").iterdir()) == ["compare.html", "compare.xlsx"]
    assert paths == {"html": tmp_path / "compare" / "compare.html", "workbook": tmp_path / "compare" / "compare.xlsx"}
    assert {"History", "StoredWave", "Comparison", "write_comparison"} <= set(ona.__all__)


def test_the_yearly_example_script_imports_no_private_module():
    from conftest import ROOT

    text = (ROOT / "examples" / "yearly" / "run.py").read_text(encoding="utf-8")
    assert "compare_page" not in text and "ona.write_comparison(" in text


# 15. Messages true for a script as for the command line ---------------------------------------------

def test_a_roster_made_in_code_is_not_told_about_row_1():
    people = roster_in_code().people
    graph = ona.build_graph(ona.Roster(people=people), ties_frame([1] * 6))
    with pytest.raises(ona.InputError) as excinfo:
        ona.measure(graph)
    [problem] = excinfo.value.problems
    assert (problem.code, problem.path, problem.row) == ("no-unit-column", None, None)
    assert str(problem) == ("the roster has no department or unit column; name one with --by (by= in Python) "
                            "[no-unit-column]")
    assert ona.measure(graph, by="Department", permutations=0).summary["units"] == 2


def test_storing_a_wave_twice_says_how_from_python(measured, tmp_path):
    _, graph, m = measured
    with ona.open_history(tmp_path / "h.db") as history:
        history.store("2025", m, graph)
        with pytest.raises(ona.OnaError, match=r"wave '2025' is already stored; pass --replace \(replace=True in "
                                               r"Python\) to store it again$"):
            history.store("2025", m, graph)
        history.store("2025", m, graph, replace=True)


def test_unknown_people_say_how_to_drop_them_from_python(data_dir, tmp_path):
    roster = ona.read_roster(data_dir / "analyze" / "roster.csv")
    ties = write_csv(tmp_path / "ties.csv", [["Source", "Target"], ["a1", "zz9"]])
    with pytest.raises(ona.InputError, match=r"or pass --drop-unknown \(drop_unknown=True in Python\) "
                                             r"\[unknown-person\]$"):
        ona.read_ties(ties, roster)
    assert ona.read_ties(ties, roster, drop_unknown=True).dropped == {"unknown-person": 1}


# 16. Column options a matrix cannot use ----------------------------------------------------------

@pytest.fixture
def matrix_file(tmp_path):
    return write_csv(tmp_path / "matrix.csv", [["", "a1", "a2", "b1"], ["a1", "0", "1", "1"], ["a2", "1", "0", "0"],
                                               ["b1", "0", "1", "0"]])


@pytest.mark.parametrize("option, words", [
    ({"source_column": "Respondent"}, "source column; leave out --source-column (source_column= in Python)"),
    ({"weight_column": "Frequency"}, "weight column; leave out --weight-column (weight_column= in Python)"),
])
def test_a_matrix_refuses_column_options(data_dir, matrix_file, option, words):
    roster = ona.read_roster(data_dir / "analyze" / "roster.csv")
    assert ona.read_ties(matrix_file, roster).shape == "matrix"
    with pytest.raises(ona.InputError) as excinfo:
        ona.read_ties(matrix_file, roster, **option)
    [problem] = excinfo.value.problems
    assert (problem.code, problem.row, problem.column) == ("not-for-matrix", 1, None)
    assert problem.message == (
        "is read as a matrix (people down the first column and across the header, a weight in each cell), which has "
        f"no {words}, or read the sheet as an edge list with --ties-format edges (ties_format='edges' in Python)")

    # Its first column named as the source says what the matrix says: read as before.
    named = write_csv(matrix_file.with_name("named.csv"), [["Who", "a1", "a2"], ["a1", "0", "1"], ["a2", "1", "0"]])
    assert len(ona.read_ties(named, roster, source_column="who", ties_format="matrix")) == 2


# 17. A workbook is an .xlsx file -------------------------------------------------------------------

def test_write_workbook_refuses_another_suffix(measured, tmp_path):
    _, _, m = measured
    with pytest.raises(ona.InputError) as excinfo:
        ona.write_workbook(m, tmp_path / "metrics.csv")
    assert str(excinfo.value) == ("write_workbook writes an Excel workbook: name it with .xlsx, not .csv "
                                  "(metrics.csv) [bad-argument]")
    assert list(tmp_path.iterdir()) == []
    assert ona.write_workbook(m, tmp_path / "metrics.XLSX").exists()


def test_a_dataframe_of_people_is_a_roster_made_in_code(data_dir):
    """read_roster reads files; a script holding its people in a DataFrame is told how to make the
    Roster itself, and the Roster it is told to make measures."""
    frame = pd.DataFrame({"id": ["a", "b", "c"], "Department": ["X", "X", "Y"]})
    with pytest.raises(ona.InputError) as excinfo:
        ona.read_roster(frame)
    assert excinfo.value.problems[0].code == "bad-argument"
    assert "ona.Roster(people=frame.set_index('id').astype(str), unit_columns=('Department',))" in str(excinfo.value)
    roster = ona.Roster(people=frame.set_index("id").astype(str), unit_columns=("Department",))
    graph = ona.build_graph(roster, pd.DataFrame({"source": ["a", "b"], "target": ["c", "a"]}))
    assert ona.measure(graph, permutations=10).summary["cross_unit_share"] == 0.5


# 15. A script's mistake in the report, map, history and comparison calls ----------------------------

def test_the_yearly_calls_say_what_to_pass(measured, tmp_path):
    """Each of these raised a Python error from deep inside (AttributeError, IsADirectoryError,
    TypeError); each is now an InputError (bad-argument) that says what to pass, and writes nothing."""
    _, graph, m = measured
    with pytest.raises(ona.InputError) as swapped:
        ona.write_report(graph, m, tmp_path / "report")
    assert str(swapped.value) == ("write_report takes the measurement first, then the graph: write_report(measurement, "
                                  "graph, out_dir); got OrgGraph [bad-argument]")
    assert not (tmp_path / "report").exists()
    folder = tmp_path / "maps"
    folder.mkdir()
    with pytest.raises(ona.InputError) as to_folder:
        ona.write_map(graph, m, folder)
    assert str(to_folder.value) == ("write_map(graph, measurement, path): maps is a folder; name the .html file to "
                                    "write in it, such as folder/map.html [bad-argument]")
    assert list(folder.iterdir()) == []
    for wrong in (None, 5):
        with pytest.raises(ona.InputError) as no_path:
            ona.open_history(wrong)
        assert str(no_path.value) == ("open_history(path): pass the history file's path, such as \"ona-history.db\"; "
                                      f"got {type(wrong).__name__} [bad-argument]")
    with ona.open_history(tmp_path / "h.db") as history:
        history.store("2024", m, graph)
        history.store("2025", m, graph)
        comparison = ona.compare_waves(history.load("2024"), history.load("2025"), bootstraps=0)
    with pytest.raises(ona.InputError) as waves:
        ona.write_comparison(comparison, tmp_path / "compare", waves=["2024", "2025"])
    assert str(waves.value) == ("write_comparison(waves=...) takes the table of stored waves: pass history.waves(); "
                                "got list [bad-argument]")
    assert not (tmp_path / "compare").exists()
