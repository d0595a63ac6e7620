"""The network for other tools: GEXF (Gephi), GraphML (Cytoscape, yEd, igraph) and tidy CSV.

Every node carries the roster attributes and every person metric; every edge its weight. Text is
made safe for each format: characters XML forbids are dropped in GEXF and GraphML, and CSV cells
that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage
return) get a leading apostrophe (OWASP, "CSV injection").
"""

from __future__ import annotations

import math
import re
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from .._files import FORMULA_START, atomic_path
from ..graph import OrgGraph
from ..metrics import Measurement

__all__ = ["node_table", "renamed_columns", "edge_table", "write_exports"]

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _metric_columns(graph: OrgGraph, measurement: Measurement) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The roster's columns and the measurement's person columns as node_table joins them."""
    roster = graph.people
    copied = {"name": graph.roster.name_column if graph.roster is not None else None,
              "unit": measurement.parameters.get("unit_column")}
    return roster, measurement.people.drop(columns=[c for c, source in copied.items() if source in roster.columns])


def renamed_columns(graph: OrgGraph, measurement: Measurement) -> dict[str, str]:
    """The roster columns that node_table writes under another name, each with that name: a column
    named like a metric or ``id``, ignoring case (``Community``, ``Betweenness``, ``In_Degree``), is
    kept as ``Community (2)``, numbered as a table numbers a repeated header (``(3)`` when the roster
    has a ``Community (2)`` too)."""
    roster, metrics = _metric_columns(graph, measurement)
    return _renamed(roster.columns, metrics.columns)


def _renamed(roster_columns, metric_columns) -> dict[str, str]:
    """:func:`renamed_columns` of the roster's and the measurement's columns as node_table has them."""
    taken = {"id", *(str(c).casefold() for c in metric_columns)}
    clashing = [c for c in roster_columns if str(c).casefold() in taken]
    taken |= {str(c).casefold() for c in roster_columns}
    renamed = {}
    for c in clashing:
        number = 2
        while f"{c} ({number})".casefold() in taken:
            number += 1
        renamed[c] = f"{c} ({number})"
        taken.add(renamed[c].casefold())
    return renamed


def node_table(graph: OrgGraph, measurement: Measurement) -> pd.DataFrame:
    """One row per person: id, the roster's columns under their own headers, then every metric; the
    table of nodes.csv, GEXF and GraphML.

    No two columns have names that differ only in case (SQL databases such as SQLite, and other
    tools that ignore case, refuse or merge ``Name`` and ``name``). The measurement's ``name`` and ``unit`` are copies of the roster's
    name column and of the measured unit column, which are there already: they are left out. A
    roster column named like a metric or ``id``, ignoring case, is kept under a numbered name
    (:func:`renamed_columns`: ``Community (2)`` beside the metric ``community``). A zero is written
    0.0, never -0.0 (an expected count of 0 computed as a negative product)."""
    roster, metrics = _metric_columns(graph, measurement)
    table = roster.rename(columns=_renamed(roster.columns, metrics.columns)).join(metrics)
    for c in table.columns:
        if table[c].dtype.kind == "f":
            table[c] = table[c] + 0.0  # -0.0 + 0.0 is 0.0
    table.index = table.index.astype(str)
    table.index.name = "id"
    return table.reset_index()


def edge_table(graph: OrgGraph) -> pd.DataFrame:
    ids = np.asarray([str(i) for i in graph.ids], dtype=object)
    return pd.DataFrame({"source": ids[graph.source], "target": ids[graph.target], "weight": graph.weight})


def _csv_safe(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _csv_safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`_csv_safe` on every header and on every cell of every text column (numbers are left
    alone): a roster column named ``=HYPERLINK(...)`` or ``+Dept`` is a header cell of nodes.csv.

    One pass over the text cells, then a change only to the columns that hold a risky cell: a
    pandas call per column took 8 s for each frame of a roster with 10,000 columns."""
    out = frame.copy()
    out.columns = [_csv_safe(c) for c in out.columns]
    text = [j for j, dtype in enumerate(out.dtypes) if dtype == object or pd.api.types.is_string_dtype(dtype)]
    if not text or len(out) == 0:
        return out
    n_rows = len(out)
    cells = out.iloc[:, text].to_numpy(dtype=object).ravel(order="F")  # column after column
    risky: dict[int, list[int]] = {}
    for i, value in enumerate(cells):
        if isinstance(value, str) and value.startswith(FORMULA_START):
            risky.setdefault(text[i // n_rows], []).append(i % n_rows)
    for j, rows in risky.items():
        column = out.iloc[:, j].to_numpy(dtype=object).copy()
        column[rows] = ["'" + column[r] for r in rows]
        out.isetitem(j, pd.Series(column, index=out.index, dtype=out.dtypes.iloc[j]))
    return out


def _xml_value(value):
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, float)):
        return value
    return _XML_ILLEGAL.sub("", str(value))


def _attribute_kinds(nodes: pd.DataFrame) -> dict[str, str]:
    """XML type of each node column: boolean, long, double or string."""
    kinds = {}
    for c, dtype in nodes.dtypes.items():  # (not nodes[c].dtype: a Series per column)
        if c == "id":
            continue
        if pd.api.types.is_bool_dtype(dtype):
            kinds[c] = "boolean"
        elif pd.api.types.is_integer_dtype(dtype):
            kinds[c] = "long"
        elif pd.api.types.is_float_dtype(dtype):
            kinds[c] = "double"
        else:
            kinds[c] = "string"
    return kinds


def _text(value) -> str | None:
    """The XML text of a value (escaped), or None when missing."""
    from xml.sax.saxutils import escape

    value = _xml_value(value)
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return escape(str(value), {'"': "&quot;"})


def _column_texts(nodes: pd.DataFrame, kinds: dict[str, str]) -> list[list[str | None]]:
    """:func:`_text` of every node cell, column by column, computed once for both XML formats;
    numbers and booleans without a Python call through ``_text`` per cell."""
    texts = []
    for c, kind in kinds.items():
        column = nodes[c]
        if kind == "double" and column.dtype.kind == "f":
            texts.append([None if v != v else repr(v) for v in column.to_numpy(dtype=float).tolist()])
        elif kind == "long" and isinstance(column.dtype, np.dtype) and column.dtype.kind in "iu":
            texts.append([str(v) for v in column.to_numpy().tolist()])
        elif kind == "boolean" and column.dtype.kind == "b":
            texts.append(["true" if v else "false" for v in column.to_numpy().tolist()])
        else:
            texts.append([_text(v) for v in column.to_numpy(dtype=object)])
    return texts


def _edge_columns(nodes: pd.DataFrame, edges: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Escaped source and target ids (each person escaped once) and exact weights, as strings."""
    escaped = {pid: _text(pid) for pid in nodes["id"].to_numpy(dtype=object)}
    source = edges["source"].map(escaped).astype(str).reset_index(drop=True)
    target = edges["target"].map(escaped).astype(str).reset_index(drop=True)
    weight = pd.Series([repr(float(w)) for w in edges["weight"].to_numpy(dtype=float)], dtype=object)
    return source, target, weight


def _write_graphml(nodes: pd.DataFrame, edges: pd.DataFrame, texts, edge_texts, handle) -> None:
    """GraphML (Brandes et al., graphml.graphdrawing.org), written as a stream; ``texts`` is
    :func:`_column_texts` of ``nodes``, ``edge_texts`` :func:`_edge_columns`."""
    kinds = _attribute_kinds(nodes)
    keys = {c: f"d{i}" for i, c in enumerate(kinds)}
    handle.write('<?xml version="1.0" encoding="utf-8"?>\n<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
                 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/'
                 'xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')
    for c, kind in kinds.items():
        handle.write(f'  <key id="{keys[c]}" for="node" attr.name="{_text(c)}" attr.type="{kind}"/>\n')
    handle.write('  <key id="w" for="edge" attr.name="weight" attr.type="double"/>\n'
                 '  <graph edgedefault="directed">\n')
    for i, pid in enumerate(nodes["id"].to_numpy(dtype=object)):
        data = "".join(f'<data key="{keys[c]}">{t}</data>' for c, col in zip(kinds, texts)
                       if (t := col[i]) is not None)
        handle.write(f'    <node id="{_text(pid)}">{data}</node>\n')
    source, target, weight = edge_texts
    lines = '    <edge source="' + source + '" target="' + target + '"><data key="w">' + weight + "</data></edge>\n"
    handle.write("".join(lines.tolist()))
    handle.write("  </graph>\n</graphml>\n")


def _write_gexf(nodes: pd.DataFrame, edges: pd.DataFrame, texts, edge_texts, handle, labels=None) -> None:
    """GEXF 1.2 (gexf.net, as Gephi reads it), written as a stream; ``texts`` is
    :func:`_column_texts` of ``nodes``, ``edge_texts`` :func:`_edge_columns`; ``labels`` (one per
    node, default the ids) are the labels Gephi shows: the people's names, as on the maps."""
    kinds = _attribute_kinds(nodes)
    ids = {c: str(i) for i, c in enumerate(kinds)}
    gexf_type = {"boolean": "boolean", "long": "long", "double": "double", "string": "string"}
    handle.write('<?xml version="1.0" encoding="utf-8"?>\n<gexf xmlns="http://www.gexf.net/1.2draft" version="1.2">\n'
                 '  <graph defaultedgetype="directed" mode="static">\n    <attributes class="node" mode="static">\n')
    for c, kind in kinds.items():
        handle.write(f'      <attribute id="{ids[c]}" title="{_text(c)}" type="{gexf_type[kind]}"/>\n')
    handle.write("    </attributes>\n    <nodes>\n")
    node_ids = nodes["id"].to_numpy(dtype=object)
    for i, pid in enumerate(node_ids):
        values = "".join(f'<attvalue for="{ids[c]}" value="{t}"/>' for c, col in zip(kinds, texts)
                         if (t := col[i]) is not None)
        label = _text(pid if labels is None else labels[i])
        handle.write(f'      <node id="{_text(pid)}" label="{label}"><attvalues>{values}</attvalues></node>\n')
    handle.write("    </nodes>\n    <edges>\n")
    source, target, weight = edge_texts
    number = pd.Series(np.arange(len(edges)).astype(str), index=source.index)
    lines = '      <edge id="' + number + '" source="' + source + '" target="' + target + '" weight="' + weight + '"/>\n'
    handle.write("".join(lines.tolist()))
    handle.write("    </edges>\n  </graph>\n</gexf>\n")


def write_exports(graph: OrgGraph, measurement: Measurement, out_dir: str | Path) -> dict[str, Path]:
    """Write network.gexf, network.graphml, nodes.csv and edges.csv into ``out_dir`` (atomically)."""
    out = Path(out_dir)
    nodes, edges = node_table(graph, measurement), edge_table(graph)
    paths = {}
    with atomic_path(out / "nodes.csv") as tmp:
        _csv_safe_frame(nodes).to_csv(tmp, index=False, encoding="utf-8-sig")
    paths["nodes_csv"] = out / "nodes.csv"
    with atomic_path(out / "edges.csv") as tmp:
        _csv_safe_frame(edges).to_csv(tmp, index=False, encoding="utf-8-sig")
    paths["edges_csv"] = out / "edges.csv"
    texts, edge_texts = _column_texts(nodes, _attribute_kinds(nodes)), _edge_columns(nodes, edges)
    labels = graph.labels().astype(str).to_numpy(dtype=object)  # (graph order, as node_table's rows)
    for name, writer in (("network.gexf", partial(_write_gexf, labels=labels)), ("network.graphml", _write_graphml)):
        with atomic_path(out / name) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as handle:
            writer(nodes, edges, texts, edge_texts, handle)
        paths[name.split(".")[1]] = out / name
    return paths
