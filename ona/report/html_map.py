"""The interactive person map: a self-contained HTML file that opens offline with a double-click.

The map is built in two steps: :func:`map_data` turns the graph and measurement into plain node and
edge records through pyvis's network model (snapshot-tested as sorted JSON), and
:func:`write_map` writes them into our own page with vis-network inlined, so the file makes no
request to any other host (pyvis's own writers load vis-network from a CDN).

Every string from input reaches the page only as JSON data inside a ``<script
type="application/json">`` element (with ``<``, ``>`` and ``&`` escaped) or through ``html.escape``;
the page puts it on screen with ``textContent`` and vis-network's canvas labels, never as HTML.
"""

from __future__ import annotations

import html
import json
import random
from importlib import resources
from pathlib import Path

import numpy as np

from .._files import atomic_write
from ..graph import OrgGraph
from ..metrics import Measurement

__all__ = ["map_data", "write_map", "PALETTE", "unit_colours"]

# Okabe & Ito (2008) colour-blind-safe palette, then Paul Tol's "muted" scheme.
PALETTE = [
    "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000",
    "#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE", "#882255", "#44AA99", "#999933", "#AA4499",
]


def unit_colours(labels) -> dict[str, str]:
    """A stable colour per unit label (sorted order), cycling the palette when there are many."""
    return {label: PALETTE[i % len(PALETTE)] for i, label in enumerate(sorted(labels))}


def _layout(graph: OrgGraph, seed: int) -> np.ndarray:
    """Seeded Fruchterman-Reingold positions (igraph); the same graph and seed give the same map."""
    if graph.n == 0:
        return np.zeros((0, 2))
    rng = np.random.default_rng(seed)
    start = rng.uniform(-1, 1, size=(graph.n, 2)).tolist()
    state = random.getstate()
    random.seed(seed)
    try:
        g = graph.igraph
        layout = g.layout_fruchterman_reingold(weights=None, seed=start, niter=500,
                                               grid="auto" if graph.n > 1000 else "nogrid")
    finally:
        random.setstate(state)
    xy = np.asarray(layout.coords, dtype=float)
    xy -= xy.mean(axis=0)
    spread = np.abs(xy).max() or 1.0
    return xy / spread * (120 + 18 * np.sqrt(graph.n))


def _fmt(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def map_data(graph: OrgGraph, measurement: Measurement, *, seed: int = 1) -> dict:
    """Node and edge records of the person map, and its legend, as plain JSON-ready data.

    Nodes are coloured by unit, sized by degree (in + out), placed by a seeded layout; each has a
    plain-text tooltip with name, unit and key metrics. Edges carry their weight as width.
    """
    from pyvis.network import Network

    people = measurement.people
    units = people["unit"].astype(str).to_numpy()
    colours = unit_colours(measurement.units.index.astype(str))
    labels = graph.labels().astype(str).to_numpy()
    degree = (people["in_degree"] + people["out_degree"]).to_numpy()
    top = max(int(degree.max()) if len(degree) else 0, 1)
    xy = _layout(graph, seed)
    ids = [str(i) for i in graph.ids]

    net = Network(directed=True)
    # pyvis's add_node/add_edge check membership in lists (quadratic); fill its model directly.
    from pyvis.edge import Edge
    from pyvis.node import Node

    for i, pid in enumerate(ids):
        row = people.iloc[i]
        title = "\n".join([
            labels[i],
            f"Unit: {units[i]}",
            f"Ties out / in: {int(row['out_degree'])} / {int(row['in_degree'])}",
            f"Ties outside own unit: {int(row['external_ties'])} of {int(row['internal_ties'] + row['external_ties'])}",
            f"E-I index: {_fmt(row['ei_index'])}",
        ])
        node = Node(pid, shape="dot", label=labels[i], title=title, group=units[i],
                    color=colours[units[i]], size=round(6 + 24 * float(np.sqrt(degree[i] / top)), 2),
                    x=round(float(xy[i, 0]), 2), y=round(float(xy[i, 1]), 2), unit=units[i])
        net.nodes.append(node.options)
        net.node_ids.append(pid)
        net.node_map[pid] = node.options
    wmax = float(graph.weight.max()) if graph.m else 1.0
    for s, t, w in zip(graph.source, graph.target, graph.weight):
        edge = Edge(ids[s], ids[t], directed=True, value=float(w),
                    width=round(0.5 + 2.5 * float(w) / wmax, 2))
        net.edges.append(edge.options)
    return {
        "nodes": [dict(n) for n in net.nodes],
        "edges": [{"from": e["from"], "to": e["to"], "value": e["value"], "width": e["width"],
                   "arrows": "to"} for e in net.edges],
        "legend": [{"unit": u, "colour": c, "people": int(measurement.units.loc[u, "headcount"])}
                   for u, c in colours.items()],
    }


def _json_for_script(data) -> str:
    """JSON safe inside a <script> element: no '</script>', no HTML-significant characters."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _vis_assets() -> tuple[str, str]:
    base = resources.files("pyvis") / "lib" / "vis-9.1.2"
    return (base / "vis-network.min.js").read_text(encoding="utf-8"), \
        (base / "vis-network.css").read_text(encoding="utf-8")


def write_map(graph: OrgGraph, measurement: Measurement, path: str | Path, *, seed: int = 1,
              title: str | None = None) -> Path:
    """Write the person map as one self-contained HTML file at ``path`` (atomically)."""
    path = Path(path)
    data = map_data(graph, measurement, seed=seed)
    js, css = _vis_assets()
    template = (resources.files("ona.report") / "assets" / "map.html").read_text(encoding="utf-8")
    s = measurement.summary
    heading = title or "Who works with whom"
    subtitle = (f"{s['people']} people in {s['units']} units (by {measurement.parameters['unit_column']}), "
                f"{s['ties']} ties. Colour = unit, size = number of ties, arrows point to the person named.")
    page = (template
            .replace("{{TITLE}}", html.escape(heading))
            .replace("{{SUBTITLE}}", html.escape(subtitle))
            .replace("{{VIS_CSS}}", css)
            .replace("{{DATA}}", _json_for_script(data)))
    # vis-network last: its minified code contains "{{" sequences that must not be templated.
    page = page.replace("{{VIS_JS}}", js.replace("</script", "<\\/script"))
    with atomic_write(path) as handle:
        handle.write(page)
    return path
