"""Any network, written the way analysts' files write it, reads back as that network.

Two properties, each checked against a reference written here from the definitions:

- **shapes**: a random network of 2-9 people, written as an edge list, a square matrix, a wide
  sheet (colleague and frequency columns) or a wide sheet with one cell of names, as .csv (comma,
  semicolon or tab; UTF-8, UTF-8 with BOM, Windows-1252 or UTF-16; title rows above the header)
  or .xlsx (numeric ids stored as numbers), with people named by id, name, "Last, First", email
  or a name in capitals with extra spaces, is read by ``read_roster`` + ``read_ties`` with no
  options as exactly its ties and weights (decimal commas in semicolon files);
- **layers**: the ties of several questions (a layer column or one file per question) picked with
  ``layer`` or combined by ``sum``/``max``/``any`` (a pair listed twice in one question keeps its
  largest weight; ties to oneself and weights of 0 are dropped), then built with each tie rule.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

import ona

SETTINGS = settings(max_examples=100, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

FIRST = ["Anna", "Søren", "Mette", "Jørgen", "Åsa", "Björn", "Ida", "Lars", "O'Neil", "Zoë"]
LAST = ["Hansen", "Nielsen", "Ødegård", "Andersson", "Bråten", "Kjær", "de la Cruz", "Smith-Jones"]


@st.composite
def networks(draw):
    """People (ids in one of five styles, distinct names), directed weighted ties, how the tie
    file names people, and how the files are written."""
    n = draw(st.integers(2, 9))
    names = [f"{first} {last}" for first, last in draw(st.lists(
        st.tuples(st.sampled_from(FIRST), st.sampled_from(LAST)), min_size=n, max_size=n, unique=True))]
    style = draw(st.sampled_from(["number", "zero-padded", "letter", "email", "name"]))
    ids = {"number": [str(i + 1) for i in range(n)], "zero-padded": [f"{i + 1:04d}" for i in range(n)],
           "letter": [f"E{i + 1}" for i in range(n)], "email": [f"p{i}@kommune.dk" for i in range(n)],
           "name": names}[style]
    pairs = draw(st.sets(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda p: p[0] != p[1]),
                         min_size=1, max_size=n * (n - 1)))
    half = draw(st.booleans())
    weights = {p: draw(st.integers(1, 5)) + (0.5 if half else 0) for p in sorted(pairs)}
    named_by = draw(st.sampled_from(["id", "name", "last, first", "messy name", "email"]))
    layout = {"delimiter": draw(st.sampled_from([",", ";", "\t"])),
              "encoding": draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"])),
              "title_rows": draw(st.integers(0, 2))}
    return ids, names, style, weights, named_by, layout


def write_sheet(path: Path, rows: list[list[str]], layout: dict) -> Path:
    """Rows as an analyst's file: title rows above; a CSV in the layout's delimiter and encoding,
    or a workbook whose whole-number ids without a leading zero are numbers, as Excel keeps them."""
    rows = [["Survey 2026"] + [""] * (len(rows[0]) - 1)] * layout["title_rows"] + rows
    if path.suffix == ".csv":
        with open(path, "w", newline="", encoding=layout["encoding"]) as f:
            csv.writer(f, delimiter=layout["delimiter"]).writerows(rows)
        return path
    book = Workbook()
    for row in rows:
        book.active.append([int(v) if v.isdigit() and not v.startswith("0") else v for v in row])
    book.save(path)
    return path


def tie_rows(shape: str, weights: dict, who: list[str], weight_text) -> list[list[str]]:
    n = len(who)
    if shape == "edges":
        return [["Source", "Target", "Weight"]] + [[who[s], who[t], weight_text(w)] for (s, t), w in weights.items()]
    if shape == "matrix":
        return [[""] + who] + [[who[s]] + [weight_text(weights[s, t]) if (s, t) in weights else ""
                                           for t in range(n)] for s in range(n)]
    named = {a: [(t, w) for (s, t), w in weights.items() if s == a] for a in range(n)}
    if shape == "list":
        return [["Respondent", "Colleagues"]] + [[who[a], "; ".join(who[t] for t, _ in named[a])] for a in range(n)]
    width = max(len(v) for v in named.values())
    header = ["Respondent"] + [h for j in range(width) for h in (f"Colleague {j + 1}", f"Frequency {j + 1}")]
    rows = [header]
    for a in range(n):
        cells = [c for t, w in named[a] for c in (who[t], weight_text(w))]
        rows.append([who[a]] + cells + [""] * (len(header) - 1 - len(cells)))
    return rows


@SETTINGS
@given(network=networks(), suffix=st.sampled_from([".csv", ".xlsx"]),
       shape=st.sampled_from(["edges", "matrix", "wide", "list"]))
def test_a_network_in_any_shape_and_file_reads_back_as_itself(tmp_path_factory, network, suffix, shape):
    ids, names, style, weights, named_by, layout = network
    folder = tmp_path_factory.mktemp("network")
    emails = ids if style == "email" else [f"{i}.x@kommune.dk" for i in ids]
    people = [[i, name, mail, "Department A" if k % 2 else "Department B"]
              for k, (i, name, mail) in enumerate(zip(ids, names, emails))]
    header = ["Employee ID", "Name", "Email", "Department"]
    if style == "name":  # no id column: the name is the id
        header, people = header[1:], [row[1:] for row in people]
    roster = ona.read_roster(write_sheet(folder / f"roster{suffix}", [header] + people, layout))
    who = {"id": ids, "name": names, "email": emails,
           "last, first": [f"{n.split(' ', 1)[1]}, {n.split(' ', 1)[0]}" for n in names],
           "messy name": ["  " + n.upper().replace(" ", "   ") + " " for n in names]}[named_by]

    def weight_text(w: float) -> str:
        text = str(int(w)) if w == int(w) else str(w)
        return text.replace(".", ",") if layout["delimiter"] == ";" and suffix == ".csv" else text

    ties = ona.read_ties(write_sheet(folder / f"ties{suffix}", tie_rows(shape, weights, who, weight_text), layout),
                         roster)
    assert ties.shape == ("wide" if shape == "list" else shape)
    read = {(s, t, w) for s, t, w in ties.ties[["source", "target", "weight"]].itertuples(index=False)}
    key = list(roster.ids)
    assert read == {(key[s], key[t], 1.0 if shape == "list" else float(w)) for (s, t), w in weights.items()}


def reference_ties(rows, layers, layer, combine) -> dict:
    """The definition of read_ties on (source, target, weight, layer) rows."""
    best = {}
    for s, t, w, name in rows:
        if s != t and w > 0:
            best[name, s, t] = max(best.get((name, s, t), 0), w)
    if layer is not None:
        return {(s, t): w for (name, s, t), w in best.items() if name == layer}
    if len(layers) == 1:
        return {(s, t): w for (_, s, t), w in best.items()}
    out = {}
    for (_, s, t), w in best.items():
        out[s, t] = {"sum": out.get((s, t), 0) + w, "max": max(out.get((s, t), 0), w), "any": 1}[combine]
    return out


def reference_graph(ties: dict, rule: str) -> dict:
    """The definition of build_graph's tie rules on a tie dict."""
    if rule == "reported":
        return ties
    if rule == "reciprocated":
        return {(s, t): w for (s, t), w in ties.items() if (t, s) in ties}
    out = {}
    for (s, t), w in ties.items():
        out[s, t] = max(out.get((s, t), 0), w)
        out[t, s] = max(out.get((t, s), 0), w)
    return out


@SETTINGS
@given(n=st.integers(2, 6), rows=st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5), st.integers(0, 5),
                                                   st.sampled_from(["advice", "work", "trust"])),
                                         min_size=1, max_size=30),
       one_file_per_question=st.booleans(), layer=st.sampled_from([None, "advice", "work"]),
       combine=st.sampled_from(["sum", "max", "any"]), rule=st.sampled_from(["reported", "reciprocated", "union"]))
def test_layers_combine_and_tie_rules_follow_their_definitions(tmp_path_factory, n, rows, one_file_per_question,
                                                               layer, combine, rule):
    folder = tmp_path_factory.mktemp("layers")
    rows = [(s % n, t % n, w, name) for s, t, w, name in rows]
    roster_path = folder / "roster.csv"
    roster_path.write_text("id,Department\n" + "".join(f"p{i},{'AB'[i % 2]}\n" for i in range(n)), encoding="utf-8")
    roster = ona.read_roster(roster_path)
    layers = sorted({name for *_, name in rows})
    if one_file_per_question:
        paths = []
        for name in layers:
            paths.append(folder / f"{name}.csv")
            paths[-1].write_text("Source,Target,Weight\n" + "".join(
                f"p{s},p{t},{w}\n" for s, t, w, q in rows if q == name), encoding="utf-8")
        if len(paths) == 1:  # one file is not a layer of its own
            layers = [""]
    else:
        paths = folder / "ties.csv"
        paths.write_text("Source,Target,Weight,Layer\n" + "".join(f"p{s},p{t},{w},{q}\n" for s, t, w, q in rows),
                         encoding="utf-8")
    if layer is not None and layer not in layers:
        with pytest.raises(ona.InputError, match=f"has no layer '{layer}'"):
            ona.read_ties(paths, roster, layer=layer, combine=combine)
        return
    ties = ona.read_ties(paths, roster, layer=layer, combine=combine)
    expected = reference_ties(rows, layers, layer, combine)
    assert ties.layers == ((layer,) if layer is not None else tuple(layers))
    number = {f"p{i}": i for i in range(n)}
    assert {(number[s], number[t]): w for s, t, w in ties.ties[["source", "target", "weight"]]
            .itertuples(index=False)} == expected
    graph = ona.build_graph(roster, ties, tie_rule=rule)
    assert {(int(graph.ids[s][1:]), int(graph.ids[t][1:])): w for s, t, w in
            zip(graph.source, graph.target, graph.weight)} == reference_graph(expected, rule)
