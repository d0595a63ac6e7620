"""The network for other tools: GEXF (Gephi), GraphML (Cytoscape, yEd, igraph) and tidy CSV.

Every node carries the roster attributes and every person metric; every edge its weight. Text is
made safe for each format: characters XML forbids are dropped in GEXF and GraphML, and CSV cells
that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage
return) get a leading apostrophe (OWASP, "CSV injection").
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd

from .._files import atomic_path
from ..graph import OrgGraph
from ..metrics import Measurement

__all__ = ["node_table", "edge_table", "write_exports"]

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def node_table(graph: OrgGraph, measurement: Measurement) -> pd.DataFrame:
    """One row per person: id, roster attributes, then every metric (metric names win on a clash)."""
    roster = graph.people.copy()
    metrics = measurement.people
    roster = roster[[c for c in roster.columns if c not in metrics.columns]]
    table = roster.join(metrics)
    table.index = table.index.astype(str)
    table.index.name = "id"
    return table.reset_index()


def edge_table(graph: OrgGraph) -> pd.DataFrame:
    ids = np.asarray([str(i) for i in graph.ids], dtype=object)
    return pd.DataFrame({"source": ids[graph.source], "target": ids[graph.target], "weight": graph.weight})


def _csv_safe(value):
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _xml_value(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
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


def _networkx(nodes: pd.DataFrame, edges: pd.DataFrame):
    import networkx as nx

    g = nx.DiGraph()
    columns = [c for c in nodes.columns if c != "id"]
    for record in nodes.itertuples(index=False):
        row = dict(zip(nodes.columns, record))
        attrs = {}
        for c in columns:
            value = _xml_value(row[c])
            if value is not None:
                attrs[_XML_ILLEGAL.sub("", str(c))] = value
        g.add_node(_XML_ILLEGAL.sub("", row["id"]), **attrs)
    for s, t, w in edges.itertuples(index=False):
        g.add_edge(_XML_ILLEGAL.sub("", s), _XML_ILLEGAL.sub("", t), weight=float(w))
    return g


def write_exports(graph: OrgGraph, measurement: Measurement, out_dir: str | Path) -> dict[str, Path]:
    """Write network.gexf, network.graphml, nodes.csv and edges.csv into ``out_dir`` (atomically)."""
    import networkx as nx

    out = Path(out_dir)
    nodes, edges = node_table(graph, measurement), edge_table(graph)
    paths = {}
    with atomic_path(out / "nodes.csv") as tmp:
        nodes.map(_csv_safe).to_csv(tmp, index=False, encoding="utf-8-sig")
    paths["nodes_csv"] = out / "nodes.csv"
    with atomic_path(out / "edges.csv") as tmp:
        edges.map(_csv_safe).to_csv(tmp, index=False, encoding="utf-8-sig")
    paths["edges_csv"] = out / "edges.csv"
    g = _networkx(nodes, edges)
    with atomic_path(out / "network.gexf") as tmp:
        nx.write_gexf(g, tmp)
    paths["gexf"] = out / "network.gexf"
    with atomic_path(out / "network.graphml") as tmp:
        nx.write_graphml(g, tmp)
    paths["graphml"] = out / "network.graphml"
    return paths
