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


def _seeded_fr(g, seed: int, weights=None) -> np.ndarray:
    """igraph Fruchterman-Reingold from seeded start positions (deterministic for a seed)."""
    rng = np.random.default_rng(seed)
    start = rng.uniform(-1, 1, size=(g.vcount(), 2)).tolist()
    state = random.getstate()
    random.seed(seed)
    try:
        layout = g.layout_fruchterman_reingold(weights=weights, seed=start, niter=300,
                                               grid="auto" if g.vcount() > 1000 else "nogrid")
    finally:
        random.setstate(state)
    return np.asarray(layout.coords, dtype=float).reshape(-1, 2)


def _separate(centres: np.ndarray, radius: np.ndarray, margin: float = 1.2, rounds: int = 200) -> np.ndarray:
    """Move unit centres apart until no two circles overlap, keeping the overall arrangement.

    Starts from the unit layout scaled so that the typical pair of neighbouring units just
    touches, then pushes overlapping pairs apart along the line between them.
    """
    k = len(centres)
    if k < 2:
        return centres
    c = centres - centres.mean(axis=0)
    diff = c[:, None, :] - c[None, :, :]
    dist = np.sqrt((diff ** 2).sum(axis=2))
    np.fill_diagonal(dist, np.inf)
    need = (radius[:, None] + radius[None, :]) * margin
    c = c * float(np.median(need.min(axis=1) / np.maximum(dist.min(axis=1), 1e-9)))
    rng = np.random.default_rng(0)
    for _ in range(rounds):
        diff = c[:, None, :] - c[None, :, :]
        dist = np.sqrt((diff ** 2).sum(axis=2))
        np.fill_diagonal(dist, np.inf)
        overlap = need - dist
        np.fill_diagonal(overlap, 0)
        if (overlap <= 1e-6).all():
            break
        push = np.where(overlap > 0, overlap / 2, 0)
        same = ~np.isfinite(dist) | (dist < 1e-9)
        direction = np.where(same[..., None], rng.normal(size=diff.shape), diff / np.where(same, 1, dist)[..., None])
        c = c + (direction * push[..., None]).sum(axis=1)
    return c


def _layout(graph: OrgGraph, codes: np.ndarray, seed: int) -> np.ndarray:
    """Seeded group-in-a-box layout: units placed by their ties, people laid out inside their unit.

    1. The unit graph (units as nodes, cross-unit ties as weighted edges) is laid out with
       Fruchterman-Reingold, giving each unit a centre; units that work together sit close.
    2. Each unit's own ties are laid out within a circle of radius proportional to sqrt(headcount).
    3. Centres are spread until no two unit circles overlap.

    Silos show as separate clusters and ties across unit lines as the lines between them. The same
    graph and seed give the same picture every year (Rodrigues et al. 2011, "Group-in-a-Box").
    """
    import igraph as ig

    n = graph.n
    if n == 0:
        return np.zeros((0, 2))
    k = int(codes.max()) + 1
    cu, cv = codes[graph.source], codes[graph.target]
    cross = cu != cv
    lo, hi = np.minimum(cu[cross], cv[cross]), np.maximum(cu[cross], cv[cross])
    pair_keys, pair_counts = np.unique(lo * k + hi, return_counts=True)
    unit_graph = ig.Graph(n=k, edges=np.column_stack([pair_keys // k, pair_keys % k]).tolist())
    centres = _seeded_fr(unit_graph, seed, weights=np.log1p(pair_counts).tolist() or None) if k > 1 \
        else np.zeros((1, 2))
    sizes = np.bincount(codes, minlength=k)
    radius = 30.0 * np.sqrt(np.maximum(sizes, 1))
    xy = np.zeros((n, 2))
    inside = ~cross
    for unit in range(k):
        members = np.flatnonzero(codes == unit)
        if len(members) == 0:
            continue
        if len(members) == 1:
            continue
        local_index = np.full(n, -1)
        local_index[members] = np.arange(len(members))
        sel = inside & (cu == unit)
        edges = np.column_stack([local_index[graph.source[sel]], local_index[graph.target[sel]]])
        sub = ig.Graph(n=len(members), edges=edges.tolist(), directed=False).simplify()
        local = _seeded_fr(sub, seed + unit + 1)
        local -= local.mean(axis=0)
        reach = np.sqrt((local ** 2).sum(axis=1)).max() or 1.0
        xy[members] = local / reach * radius[unit]
    centres = _separate(centres, radius)
    return xy + centres[codes]


def _fmt(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


MAX_EDGES = 20_000


def _edges_to_draw(graph: OrgGraph, codes: np.ndarray, max_edges: int) -> np.ndarray:
    """Indices of the ties drawn: all of them, or the ``max_edges`` strongest when there are more
    (ties across unit lines first among equal weights: they are what the map is about)."""
    if graph.m <= max_edges:
        return np.arange(graph.m)
    cross = codes[graph.source] != codes[graph.target]
    order = np.lexsort((~cross, -graph.weight))
    return np.sort(order[:max_edges])


def map_data(graph: OrgGraph, measurement: Measurement, *, seed: int = 1, max_edges: int = MAX_EDGES) -> dict:
    """Node and edge records of the person map, and its legend, as plain JSON-ready data.

    Nodes are coloured by unit, sized by degree (in + out, as ``value``), placed by a seeded layout; each has a
    plain-text tooltip with name, unit and key metrics. Edges carry their weight as width.
    """
    from pyvis.network import Network

    people = measurement.people
    units = people["unit"].astype(str).to_numpy()
    colours = unit_colours(measurement.units.index.astype(str))
    labels = graph.labels().astype(str).to_numpy()
    degree = (people["in_degree"] + people["out_degree"]).to_numpy()
    codes = graph.partition(measurement.parameters["unit_column"]).codes
    xy = _layout(graph, codes, seed)
    drawn = _edges_to_draw(graph, codes, max_edges)
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
                    color=colours[units[i]], value=int(degree[i]),
                    x=round(float(xy[i, 0]), 2), y=round(float(xy[i, 1]), 2), unit=units[i])
        net.nodes.append(node.options)
        net.node_ids.append(pid)
        net.node_map[pid] = node.options
    wmax = float(graph.weight.max()) if graph.m else 1.0
    for s, t, w in zip(graph.source[drawn], graph.target[drawn], graph.weight[drawn]):
        edge = Edge(ids[s], ids[t], directed=True, value=float(w),
                    width=round(0.5 + 2.5 * float(w) / wmax, 2))
        net.edges.append(edge.options)
    return {
        "nodes": [dict(n) for n in net.nodes],
        "edges": [{"from": e["from"], "to": e["to"], "value": e["value"], "width": e["width"],
                   "arrows": "to"} for e in net.edges],
        "legend": [{"unit": u, "colour": c, "people": int(measurement.units.loc[u, "headcount"])}
                   for u, c in colours.items()],
        "ties_total": graph.m,
        "ties_drawn": int(len(drawn)),
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
    if data["ties_drawn"] < data["ties_total"]:
        subtitle += (f" Only the {data['ties_drawn']:,} strongest of the {data['ties_total']:,} ties are drawn "
                     "(ties across units first among equals); every tie counts in the metrics.")
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
