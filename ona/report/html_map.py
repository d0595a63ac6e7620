"""The interactive person map: a self-contained HTML file that opens offline with a double-click.

The map is built in two steps: :func:`map_data` turns the graph and measurement into plain node and
edge records through pyvis's network model (snapshot-tested as sorted JSON), and
:func:`write_map` writes them into our own page with vis-network inlined, so the file makes no
request to any other host (pyvis's own writers load vis-network from a CDN).

Every string from input reaches the page only as JSON data inside a ``<script
type="application/json">`` element (with ``<``, ``>`` and ``&`` escaped) or through ``html.escape``;
the page puts it on screen with ``textContent`` and as text drawn on the map's canvas (unit names by
vis-network, person names by the page, placed so that no two overlap), never as HTML.
"""

from __future__ import annotations

import html
import json
import random
import re
from importlib import resources
from pathlib import Path

import numpy as np

from typing import TYPE_CHECKING

from .._files import atomic_write
from ._words import count, density_percent, fixed, share_percent, signed

if TYPE_CHECKING:  # (annotations only: the command line reads SIZE_BY without loading the metrics)
    from ..graph import OrgGraph
    from ..metrics import Measurement

__all__ = ["map_data", "write_map", "PALETTE", "unit_colours", "SIZE_BY", "unit_map_data", "write_unit_map"]

# What node size can show: option name -> (column of Measurement.people, words for the page).
SIZE_BY = {
    "degree": (None, "number of ties"),
    "betweenness": ("betweenness", "betweenness (weighted)"),
    "brokerage": ("brokerage_total", "brokerage roles, all five Gould & Fernandez roles (the coordinator's, "
                                     "inside one unit, included)"),
    "effective-size": ("effective_size", "effective size (Burt)"),
    "participation": ("participation", "participation across units"),
    "external-ties": ("external_ties", "ties with other units"),
}

#: The parts of a measurement the person map does not show (:data:`ona.metrics.SKIPPABLE`), nor does it show
#: the E-I permutation test: ``ona map`` measures without them (``measure(skip=NOT_SHOWN, permutations=0)``).
NOT_SHOWN = ("communities", "bridges", "betweenness_unweighted")

# Unit colours, each at least 3:1 against the white page (WCAG 2.1, 1.4.11 non-text contrast):
# Okabe & Ito's (2008) colour-blind-safe hues and Paul Tol's "muted" scheme, the light ones (orange,
# sky blue, yellow, sand, cyan, teal) left out or darkened to 3:1, and a mid grey. Colour is never the
# only sign of a unit: the legend, the tooltip, the panel and the list of people name it.
PALETTE = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000", "#946C00", "#332288", "#117733",
    "#882255", "#CC6677", "#AA4499", "#7A7A2A", "#767676",
]

# What the figures in a person's or a unit's panel mean: label -> (heading on method.html, one line).
FIGURE_NOTES = {
    "Ties out / in": ("degree_table", "ties this person names / ties naming them"),
    "Ties with other units": ("degree_table", "ties sent to or received from people in other units"),
    "E-I index": ("ei_index", "from −1 (every tie inside the unit) to +1 (every tie with other units)"),
    "Other units reached": ("participation", "other units this person has a contact in"),
    "Brokerage roles": ("brokerage_roles", "times someone reaches another person through them, with no "
                                          "tie of their own to that person"),
    "Betweenness": ("betweenness", "share of the shortest paths between others that pass through them, 0 to 1"),
    "Burt constraint": ("structural_holes", "high when their contacts are few and tied to each other"),
    "Effective size": ("structural_holes", "number of contacts, less those tied to each other"),
    "Participation": ("participation", "0 when every contact is in one unit, towards 1 when spread over many"),
    "Role (Guimerà-Amaral)": ("participation", "hub or not (ties inside the unit), and how spread over units"),
    "Boundary spanner": ("boundary_spanners", "ties inside the unit, contacts in 2+ other units, a third across"),
    "Ties inside": ("unit_table", "ties between two people of this unit"),
    "Ties sent to other units": ("unit_table", "ties from this unit's people to other units' people"),
    "Ties received from other units": ("unit_table", "ties from other units' people to this unit's people"),
    "Boundary spanners": ("boundary_spanners", "people with ties inside, contacts in 2+ other units, a third across"),
}


def unit_colours(labels) -> dict[str, str]:
    """A stable colour per unit label (sorted order), cycling the palette when there are many."""
    return {label: PALETTE[i % len(PALETTE)] for i, label in enumerate(sorted(labels))}


# Above this many people in one layout, Fruchterman-Reingold runs EXACT_FR_ITERATIONS_LARGE iterations instead
# of EXACT_FR_ITERATIONS (a unit of n people costs n² per iteration).
LARGE_LAYOUT = 1000
EXACT_FR_ITERATIONS = 300
EXACT_FR_ITERATIONS_LARGE = 100


def _seeded_fr(g, seed: int, weights=None) -> np.ndarray:
    """igraph's exact Fruchterman-Reingold (every pair of people repels) from seeded start positions, uniform
    in ±1 (numpy's ``default_rng(seed)``): the same graph and seed give the same positions.

    Up to :data:`LARGE_LAYOUT` vertices it runs :data:`EXACT_FR_ITERATIONS` iterations, above it
    :data:`EXACT_FR_ITERATIONS_LARGE`; never igraph's grid variant, which counts repulsion only between people
    closer than 2 (igraph's ``layout_i_grid_fr``) while ties pull from across the whole unit. From a start in
    ±1 the grid variant costs about as much as the exact one; from a start spread over its grid (±sqrt(n)/2),
    8x faster, it packs the unit into a core of overlapping dots. On a 50,000-person map, 100 exact iterations
    lay the units out 3-4x faster than 300 grid iterations did, with ties shorter and fewer dots overlapping
    (bench/bench_layout.py)."""
    rng = np.random.default_rng(seed)
    start = rng.uniform(-1, 1, size=(g.vcount(), 2)).tolist()
    iterations = EXACT_FR_ITERATIONS if g.vcount() <= LARGE_LAYOUT else EXACT_FR_ITERATIONS_LARGE
    state = random.getstate()
    random.seed(seed)
    try:
        layout = g.layout_fruchterman_reingold(weights=weights, seed=start, niter=iterations, grid="nogrid")
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
        return fixed(value, 2)
    return str(value)


# The most ties (person map) or arrows (unit map) a map draws: above it a browser takes seconds to draw and
# hundreds of MB to hold the page, and the lines are too many to tell apart. Every tie counts in the metrics.
MAX_EDGES = 20_000


def _strongest(strength: np.ndarray, take: int, rng: np.random.Generator) -> np.ndarray:
    """Indices of the ``take`` largest of ``strength``; among equal values, those first in a random order
    drawn from ``rng`` (so no other property of a tie, such as its crossing units, decides)."""
    shuffled = rng.permutation(len(strength))
    return shuffled[np.argsort(-strength[shuffled], kind="stable")[:take]]


def _edges_to_draw(graph: OrgGraph, codes: np.ndarray, max_edges: int, seed: int) -> np.ndarray:
    """Indices of the ties drawn: all of them, or ``max_edges`` that keep the network's mix of ties inside
    units and ties across units. The ``max_edges`` are shared between the two in proportion to their
    counts (the within-unit share rounded to the nearest tie), and each takes its strongest ties by
    weight, ties of equal weight in a random order seeded by ``seed`` (numpy's ``default_rng``): the
    same network and seed always draw the same ties."""
    if graph.m <= max_edges:
        return np.arange(graph.m)
    cross = codes[graph.source] != codes[graph.target]
    inside, across = np.flatnonzero(~cross), np.flatnonzero(cross)
    take_inside = int(round(max_edges * len(inside) / graph.m))
    rng = np.random.default_rng(seed)
    chosen = [group[_strongest(graph.weight[group], take, rng)]
              for group, take in ((inside, take_inside), (across, max_edges - take_inside))]
    return np.sort(np.concatenate(chosen))


_DETAIL_COLUMNS = (("Other units reached", "units_reached"), ("Brokerage roles", "brokerage_total"),
                   ("Betweenness", "betweenness"), ("Burt constraint", "constraint"),
                   ("Effective size", "effective_size"), ("Participation", "participation"),
                   ("Role (Guimerà-Amaral)", "ga_role"), ("Boundary spanner", "boundary_spanner"))


def _brokerage_text(row: dict) -> str:
    """A person's brokerage roles as the panel says them: all of them (``brokerage_total``), and of
    them those across units (every role but the coordinator's), the count index.html ranks brokers
    by: "485, of them 422 across units"."""
    total = int(row["brokerage_total"])
    if "coordinator" not in row or total == 0:
        return f"{total:,}"
    across = total - int(row["coordinator"])
    return f"{total:,}, all across units" if across == total else f"{total:,}, of them {across:,} across units"


# The panel's figures that are whole by definition (counts): shown without decimals. Every other
# figure is shown to two decimals (betweenness four) for every person, a whole value too (3.00).
_COUNTS = {"units_reached", "brokerage_total"}


# The person metrics that look across units: not defined, and not shown, when there is one unit.
_ACROSS_UNITS = {"units_reached", "participation", "boundary_spanner"}


# The panel's name for betweenness when it was estimated from sampled pivots (Measurement.parameters'
# ``betweenness_method``), not computed exactly: the estimate is said where the figure is read.
ESTIMATED_BETWEENNESS = "Betweenness (estimated from sampled pivots)"


def _estimated_betweenness_note(parameters: dict, people: int) -> list[str] | None:
    """The panel's note on an estimated betweenness (Brandes & Pich 2007): from how many people's shortest
    paths it was estimated; None when betweenness is exact."""
    if not str(parameters.get("betweenness_method", "")).startswith("sampled"):
        return None
    pivots = parameters.get("betweenness_pivots")
    among = f"{pivots:,} of the {people:,} people" if pivots is not None else "a sample of the people"
    return ["betweenness", f"{FIGURE_NOTES['Betweenness'][1]}; estimated from the shortest paths that start at "
                           f"{among}, picked at random (seed {parameters.get('betweenness_seed', '–')})"]


def _details(row: dict, one_unit: bool = False, estimated: bool = False) -> list[list[str]]:
    """Metric name/value pairs shown when a person is clicked (``row``: the person's metrics). The
    E-I index has its sign, as on index.html; brokerage roles say how many are across units. With
    ``one_unit`` (everyone in one unit) the figures across units are left out; with ``estimated``
    betweenness is named :data:`ESTIMATED_BETWEENNESS`."""
    pairs = [("Unit", row["unit"]), ("Ties out / in", f"{int(row['out_degree'])} / {int(row['in_degree'])}")]
    if not one_unit:
        pairs += [("Ties with other units", f"{int(row['external_ties'])}"), ("E-I index", signed(row["ei_index"]))]
    for label, column in _DETAIL_COLUMNS:
        if column in row and not (one_unit and column in _ACROSS_UNITS):
            value = row[column]
            if column == "brokerage_total" and value == value:
                value = _brokerage_text(row)
            elif column == "boundary_spanner":
                value = "yes" if bool(value) else "no"
            elif column in _COUNTS:
                value = int(value) if isinstance(value, (int, float, np.number)) and float(value).is_integer() \
                    else value
            elif isinstance(value, (int, float, np.number)) and not isinstance(value, (bool, np.bool_)) \
                    and not np.isnan(value):  # as many decimals for every person: "3.00" beside "0.25", never "3"
                value = fixed(value, 4 if column == "betweenness" else 2)
            if column == "betweenness" and estimated:
                label = ESTIMATED_BETWEENNESS
            pairs.append((label, _fmt(value) if value is not None else "–"))
    return [[str(a), str(b)] for a, b in pairs]


def map_data(graph: OrgGraph, measurement: Measurement, *, seed: int = 1, max_edges: int = MAX_EDGES,
             size_by: str = "degree") -> dict:
    """Node and edge records of the person map, and its legend, as plain JSON-ready data.

    Nodes are coloured by unit, sized by ``size_by`` (a key of :data:`SIZE_BY`; degree = in + out
    ties, as ``value``), placed by a seeded layout; each has a plain-text tooltip with name, unit and
    key metrics, and the metric pairs shown when clicked. Edges carry their weight as width.
    """
    if size_by not in SIZE_BY:
        raise ValueError(f"size_by must be one of {sorted(SIZE_BY)}")
    from pyvis.network import Network

    people = measurement.people
    units = people["unit"].astype(str).to_numpy()
    colours = unit_colours(measurement.units.index.astype(str))
    labels = graph.labels().astype(str).to_numpy()
    column = SIZE_BY[size_by][0]
    size = (people["in_degree"] + people["out_degree"]).to_numpy(dtype=float) if column is None \
        else np.nan_to_num(people[column].to_numpy(dtype=float), nan=0.0)
    codes = graph.partition(measurement.parameters["unit_column"]).codes
    xy = _layout(graph, codes, seed)
    drawn = _edges_to_draw(graph, codes, max_edges, seed)
    ids = [str(i) for i in graph.ids]

    net = Network(directed=True)
    # pyvis's add_node/add_edge check membership in lists (quadratic); fill its model directly.
    from pyvis.edge import Edge
    from pyvis.node import Node

    # One plain dict per person (a pandas row per person costs more than everything else here).
    wanted = ["unit", "out_degree", "in_degree", "external_ties", "internal_ties", "ei_index"] + \
        [c for _, c in _DETAIL_COLUMNS if c in people.columns] + (["coordinator"] if "coordinator" in people else [])
    rows = people[wanted].to_dict("records")
    one_unit = measurement.summary.get("units") == 1
    estimated_note = _estimated_betweenness_note(measurement.parameters,
                                                 int(measurement.summary.get("people", graph.n)))
    for i, pid in enumerate(ids):
        row = rows[i]
        title = "\n".join([
            labels[i],
            f"Unit: {units[i]}",
            f"Ties out / in: {int(row['out_degree'])} / {int(row['in_degree'])}",
            *([] if one_unit else [
                f"Ties outside own unit: {int(row['external_ties'])} of "
                f"{int(row['internal_ties'] + row['external_ties'])}",
                f"E-I index: {signed(row['ei_index'])}"]),
        ])
        node = Node(pid, shape="dot", label=labels[i], title=title, group=units[i],
                    color=colours[units[i]], value=round(float(size[i]), 6),
                    metrics=_details(row, one_unit, estimated_note is not None),
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
        "legend": [{"unit": u, "colour": c, "people": int((units == u).sum())}
                   for u, c in colours.items() if (units == u).any()],
        "size_by": size_by,
        "kind": "people",
        "ties_total": graph.m,
        "ties_drawn": int(len(drawn)),
        "ties_across_units": int((codes[graph.source] != codes[graph.target]).sum()),
        "ties_drawn_across_units": int((codes[graph.source[drawn]] != codes[graph.target[drawn]]).sum()),
        "notes": {ESTIMATED_BETWEENNESS: estimated_note} if estimated_note else {},
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


def _cut_sentence(data: dict, seed: int) -> str:
    """What a person map that cannot draw every tie draws (:func:`_edges_to_draw`), in the subtitle."""
    drawn, total, across = data["ties_drawn"], data["ties_total"], data["ties_drawn_across_units"]
    mix = ""
    if data["ties_across_units"]:
        mix = (", in the same mix of within-unit and cross-unit ties as the whole network "
               f"({drawn - across:,} within units and {across:,} across, as "
               f"{share_percent(data['ties_across_units'], total)} of all ties cross units)")
    return (f"{drawn:,} of {total:,} ties are drawn: the strongest{mix}; among ties of equal weight, a random "
            f"pick (seed {seed}). Every tie counts in the metrics.")


def write_map(graph: OrgGraph, measurement: Measurement, path: str | Path, *, seed: int = 1,
              title: str | None = None, size_by: str = "degree", subtitle: str | None = None,
              marked: str | None = None, method_page: str | None = None, max_edges: int = MAX_EDGES,
              unit: str | None = None, person: str | None = None) -> Path:
    """Write the person map as one self-contained HTML file at ``path`` (atomically).

    The graph comes first, then its measurement (:func:`ona.write_report` takes them the other way
    round): a call with the two swapped is refused with an error that says so. ``marked`` (a
    person's id) is selected, with their panel open, when the page opens; with ``method_page``
    (``"method.html"`` in a report) the panel's figure names link to their definitions there. Above
    ``max_edges`` ties, ``max_edges`` of them are drawn (:func:`_edges_to_draw`) and the subtitle says which.

    With ``unit`` (a unit of the measured column) the map shows that unit's people and everyone they have a
    tie with; with ``person`` (a roster id) that person's ego network, with them marked (:func:`focus`); the
    metrics stay those of the whole network. The page is then titled "Who works with whom: " and the unit or
    the person's name, and its subtitle says what it shows (as ``ona map --unit`` / ``--person``). A unit or
    person not in the network, or both given, is an :class:`~ona.errors.InputError` (code ``bad-argument``)
    that names the roster's file and column and quotes only the value given, and nothing is written."""
    import os

    from .._arguments import check_type
    from ..errors import InputError, Problem
    from ..graph import OrgGraph
    from ..metrics import Measurement

    order = "write_map takes the graph first, then the measurement: write_map(graph, measurement, path)"
    check_type(graph, OrgGraph, order)
    check_type(measurement, Measurement, order)
    check_type(path, (str, os.PathLike), "write_map(graph, measurement, path): path is the .html file to write")
    path = Path(path)
    if path.is_dir():
        raise InputError([Problem("bad-argument", f"write_map(graph, measurement, path): {path.name or path} is a "
                                  "folder; name the .html file to write in it, such as folder/map.html")])
    view = None
    if unit is not None or person is not None:
        graph, measurement, about, view = focus(graph, measurement, unit=unit, person=person)
        title = title or f"Who works with whom: {about}"
        marked = person if marked is None else marked
    data = map_data(graph, measurement, seed=seed, size_by=size_by, max_edges=max_edges)
    heading = title or "Who works with whom"
    size_words = SIZE_BY[size_by][1]
    if size_by == "betweenness" and data["notes"]:
        size_words = "betweenness (weighted, estimated from sampled pivots)"
    if subtitle is None and view is not None:
        subtitle = f"{view}{_window_words(measurement.parameters, ', ties')}. Colour = unit, size = {size_words}."
    elif subtitle is None:
        s = measurement.summary
        subtitle = (f"{count(s['people'], 'person', 'people')} in {count(s['units'], 'unit')} "
                    f"(by {measurement.parameters['unit_column']}), {count(s['ties'], 'tie')}"
                    f"{_window_words(measurement.parameters)}. Colour = unit, size = {size_words}, arrows point to "
                    "the person named.")
    if data["ties_drawn"] < data["ties_total"]:
        subtitle += " " + _cut_sentence(data, seed)
    if marked is not None:
        data["marked"] = str(marked)
    if unit is not None:
        data["focus_unit"] = str(unit)  # its people's names come first on the map
    return _write_page(data, path, heading, subtitle, method_page)


def _window_words(parameters: dict, lead: str = "") -> str:
    """" dated on or after 2025-01-01, before 2026-01-01" (after ``lead``) for a map of the ties of one
    period (``--ties-since``/``--ties-until``), so that a manager sees which period it shows; ""
    otherwise."""
    window = parameters.get("tie_window")
    return f"{lead} dated {window}" if window else ""


# The words of each map, the person map and the unit map: the search box's label and placeholder,
# the label of its list of matches, the text list's summary and how to use the page without a mouse
# (WCAG 2.1.1: every action has a keyboard way, and the instructions name it).
_PAGE_WORDS = {
    "people": {"SEARCH_LABEL": "Find a person", "SEARCH_HINT": "Name or id, then Enter",
               "MATCHES_LABEL": "Everyone found", "LIST_LABEL": "People in this view",
               "HOW": "Select a person for their figures and who they work with: click them, or open “People in "
                      "this view” (Tab to it, Enter) and press Enter on a name. On the map (Tab to it), the arrow "
                      "keys move and + and − zoom."},
    "units": {"SEARCH_LABEL": "Find a unit", "SEARCH_HINT": "Unit name, then Enter",
              "MATCHES_LABEL": "Every unit found", "LIST_LABEL": "Units in this view",
              "HOW": "Select a unit for its figures: click it, or open “Units in this view” (Tab to it, Enter), "
                     "which also gives every arrow's numbers, and press Enter on a name. On the map (Tab to it), the "
                     "arrow keys move and + and − zoom; hover an arrow for both directions."},
}


def _write_page(data: dict, path: Path, heading: str, subtitle: str, method_page: str | None = None) -> Path:
    """Fill the page template in one pass: a value (a name in the title, vis-network's code) is never
    searched for placeholders itself, so a unit or person named "{{DATA}}" stays that text."""
    js, css = _vis_assets()
    template = (resources.files("ona.report") / "assets" / "map.html").read_text(encoding="utf-8")
    labels = {label for node in data["nodes"] for label, _ in node["metrics"]}
    notes = {label: list(note) for label, note in FIGURE_NOTES.items() if label in labels} | data.get("notes", {})
    data = {**data, "notes": {label: note for label, note in notes.items() if label in labels},
            "method_page": method_page}
    values = {key: html.escape(text) for key, text in _PAGE_WORDS[data.get("kind", "people")].items()}
    values |= {"TITLE": html.escape(heading), "SUBTITLE": html.escape(subtitle), "VIS_CSS": css,
               "DATA": _json_for_script(data), "VIS_JS": js.replace("</script", "<\\/script")}
    page = re.sub(r"\{\{([A-Z_]+)\}\}", lambda placeholder: values[placeholder.group(1)], template)
    with atomic_write(path) as handle:
        handle.write(page)
    return path


# Room a unit takes on the unit map, in vis-network's units: its largest dot (28) and its name's width
# (about 9 per character at the page's largest label, 18).
_UNIT_NODE_REACH, _LABEL_CHAR_WIDTH = 34.0, 9.0


def unit_map_data(measurement: Measurement, *, seed: int = 1, max_arrows: int = MAX_EDGES) -> dict:
    """The unit map: units as nodes sized by headcount, arrows A -> B for the ties from A's people to
    B's people, as wide as the share of possible ties (density); the tooltip gives both directions,
    so asymmetry shows. Units are placed by all their ties, then spread until no two units' dots and
    names overlap (:func:`_separate`, each unit a circle as wide as its name). Above ``max_arrows``
    pairs of units with ties, only the ``max_arrows`` densest arrows are drawn (equal densities: more
    ties first, then the pairs' order in ``Measurement.unit_pairs``)."""
    import igraph as ig

    units = measurement.units
    labels = [str(u) for u in units.index]
    colours = unit_colours(labels)
    pairs = measurement.unit_pairs
    pairs = pairs[pairs["ties"] > 0]
    index = {u: i for i, u in enumerate(labels)}
    k = len(labels)
    if k > 1 and len(pairs):
        g = ig.Graph(n=k, edges=[(index[str(a)], index[str(b)]) for a, b in zip(pairs["from_unit"], pairs["to_unit"])])
        xy = _seeded_fr(g, seed, weights=np.log1p(pairs["ties"].to_numpy(dtype=float)).tolist())
        xy = _separate(xy, np.array([_UNIT_NODE_REACH + _LABEL_CHAR_WIDTH * len(u) / 2 for u in labels]))
    else:
        xy = np.zeros((k, 2))
    nodes = []
    for i, unit in enumerate(labels):
        row = units.loc[units.index[i]]
        metrics = [["People", str(int(row["headcount"]))], ["Ties inside", str(int(row["internal_ties"]))]]
        if k > 1:  # (one unit has no other unit: figures across units are not defined)
            metrics += [["Ties sent to other units", str(int(row["ties_sent_out"]))],
                        ["Ties received from other units", str(int(row["ties_received_in"]))],
                        ["E-I index", signed(row["ei_index"])],
                        ["Boundary spanners", str(int(row["boundary_spanners"]))]]
        title = "\n".join([unit] + [f"{a}: {b}" for a, b in metrics])
        nodes.append({"id": unit, "label": unit, "title": title, "unit": unit, "shape": "dot",
                      "color": colours[unit], "value": int(row["headcount"]), "metrics": metrics,
                      "x": round(float(xy[i, 0]), 2), "y": round(float(xy[i, 1]), 2)})
    density_max = float(pairs["density"].max()) if len(pairs) else 1.0
    reverse = {(str(a), str(b)): t for a, b, t in zip(pairs["from_unit"], pairs["to_unit"], pairs["ties"])}
    drawn = pairs
    if len(pairs) > max_arrows:
        order = np.lexsort((np.arange(len(pairs)), -pairs["ties"].to_numpy(), -pairs["density"].to_numpy()))
        drawn = pairs.iloc[np.sort(order[:max_arrows])]
    edges = []
    for a, b, ties, density in zip(drawn["from_unit"], drawn["to_unit"], drawn["ties"], drawn["density"]):
        if str(a) == str(b):
            title = f"Inside {a}: {count(int(ties), 'tie')} (density {density_percent(density)}%)"
        else:
            back = reverse.get((str(b), str(a)), 0)
            title = (f"{a} → {b}: {count(int(ties), 'tie')} (density {density_percent(density)}%); "
                     f"{b} → {a}: {count(int(back), 'tie')}")
        edges.append({"from": str(a), "to": str(b), "value": float(density), "arrows": "to",
                      "width": round(0.5 + 7.5 * float(density) / density_max, 2), "title": title})
    return {"nodes": nodes, "edges": edges,
            "legend": [{"unit": u, "colour": colours[u], "people": int(units.loc[units.index[i], "headcount"])}
                       for i, u in enumerate(labels)],
            "ties_total": len(pairs), "ties_drawn": len(edges), "size_by": "headcount", "kind": "units"}


def write_unit_map(measurement: Measurement, path: str | Path, *, seed: int = 1,
                   method_page: str | None = None, max_arrows: int = MAX_EDGES) -> Path:
    """Write the unit map (units as nodes) as one self-contained HTML file (atomically); with
    ``method_page`` the panel's figure names link to their definitions there. Above ``max_arrows``
    arrows the densest ``max_arrows`` are drawn and the subtitle says so."""
    data = unit_map_data(measurement, seed=seed, max_arrows=max_arrows)
    if len(data["nodes"]) == 1:
        unit = data["nodes"][0]["label"]
        subtitle = (f"One unit ({unit}, by {measurement.parameters['unit_column']}): everyone is in it, so there "
                    "is no other unit to work with and no arrow between units. Select it for its ties inside.")
    else:
        subtitle = (f"{count(len(data['nodes']), 'unit')} (by {measurement.parameters['unit_column']})"
                    f"{_window_words(measurement.parameters, ', ties')}. Size = people; an arrow "
                    "A → B is as wide as the share of possible ties from A's people to B's people.")
        if data["ties_drawn"] < data["ties_total"]:
            subtitle += (f" {data['ties_drawn']:,} of the {data['ties_total']:,} arrows are drawn: the densest (a map "
                         f"draws at most {max_arrows:,} lines). Every unit's own figures are in its panel and in "
                         "“Units in this view”" + ("; every pair of units is in metrics.xlsx (Unit pairs)."
                                                   if method_page else "."))
    return _write_page(data, Path(path), "How the units work together", subtitle, method_page)


#: At most this many units are named in the error for a unit not in the measured column.
UNITS_NAMED = 20


def check_focus(graph: OrgGraph, by: str | None = None, *, unit: str | None = None,
                person: str | None = None) -> None:
    """Raise the error :func:`focus` would raise for ``unit`` (a unit of the roster column ``by``,
    default the roster's unit column) or ``person`` (a roster id), before anything is measured: a
    misspelt unit costs no measurement."""
    units = graph.partition(by)
    _check_focus_target(graph, units.labels, units.column, unit, person)


def _check_focus_target(graph: OrgGraph, labels, unit_column: str, unit, person) -> None:
    """The rule of :func:`focus`'s errors: both given; a unit not among ``labels`` (the units of
    ``unit_column``; the message names the first :data:`UNITS_NAMED` of them, which name no one);
    a person id not in the roster."""
    from ..errors import InputError, Problem

    roster = graph.roster
    where = {"path": roster.path, "sheet": roster.sheet} if roster is not None else {}
    if unit is not None and person is not None:
        raise InputError([Problem("bad-argument", "give a unit or a person to map, not both (--unit or --person; "
                                                  "unit= or person= in Python)")])
    if unit is not None and str(unit) not in set(labels):
        named = sorted(set(labels))
        listed = ", ".join(named[:UNITS_NAMED]) + (f" and {len(named) - UNITS_NAMED:,} more"
                                                   if len(named) > UNITS_NAMED else "")
        raise InputError([Problem(
            "bad-argument", f"has no unit {str(unit)!r}; give one of its units to --unit (unit= in Python): "
            + listed, column=unit_column, **where)])
    if unit is None and person is not None and str(person) not in {str(i) for i in graph.ids}:
        raise InputError([Problem(
            "bad-argument", f"has no person with id {str(person)!r}; give a roster id to --person "
            "(person= in Python)", column=roster.id_column if roster is not None else None, **where)])


def focus(graph: OrgGraph, measurement: Measurement, *, unit: str | None = None,
          person: str | None = None) -> tuple[OrgGraph, Measurement, str, str]:
    """The part of the network around one unit (its people and everyone they have a tie with) or one
    person (their ego network: them, their contacts and the ties among those). Returns the
    subgraph, the measurement restricted to its people (metrics stay those of the whole network),
    what the view is about (the unit, or the person's name) and a sentence describing it.

    A unit not in the measured column, a person id not in the roster, or both given, raises an
    :class:`~ona.errors.InputError` (code ``bad-argument``) located at the roster's file and its unit
    (or id) column; it quotes the value given and names units (which name no one), never a person
    (:func:`check_focus` raises the same before measuring)."""
    from dataclasses import replace

    units = measurement.people["unit"].astype(str).to_numpy()
    _check_focus_target(graph, units, measurement.parameters["unit_column"], unit, person)
    if unit is not None:
        members = np.flatnonzero(units == str(unit))
        core = np.zeros(graph.n, dtype=bool)
        core[members] = True
        about = str(unit)
        what = (f"{unit}: its {count(len(members), 'person', 'people')} and everyone they have a tie with "
                "(metrics from the whole network)")
    else:
        ids = [str(i) for i in graph.ids]
        core = np.zeros(graph.n, dtype=bool)
        core[ids.index(str(person))] = True
        about = str(graph.labels().iloc[ids.index(str(person))])
        what = "one person's ego network: their contacts and the ties among them (metrics from the whole network)"
    touching = core[graph.source] | core[graph.target]
    keep_mask = core.copy()
    keep_mask[graph.source[touching]] = True
    keep_mask[graph.target[touching]] = True
    keep = np.flatnonzero(keep_mask)
    sub = graph.subgraph(keep)
    sub_measurement = replace(measurement, people=measurement.people.iloc[keep])
    return sub, sub_measurement, about, what
