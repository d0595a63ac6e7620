"""report/index.html: the manager's page. Findings, the unit x unit heatmap, who spans and who
brokers in each unit, fragile links, response rate, and the method, with links to the maps.

Rendered here, in Python, as static HTML: every value from input goes through ``html.escape``; the
page has no script at all, opens offline and prints on A4 (its Content-Security-Policy forbids
scripts and any request to another host).
"""

from __future__ import annotations

import html
import math
import re
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from .._files import atomic_write
from ..metrics import Measurement
from ..metrics.brokerage import CROSS_UNIT_ROLES
from ._html import details_table, scroll_box, table, text_colour_on
from ._words import count, density_percent, fixed, share_percent
from .findings import findings, link_carriers
from .json_out import unit_pairs_to_write
from .workbook import left_out_notes

__all__ = ["write_index", "write_method_page", "heatmap_cells", "heatmap_units", "density_percent",
           "parameter_text", "HEATMAP_UNITS_AT_MOST", "FRAGILE_ROWS_AT_MOST"]

#: The most units the heatmap shows (a 60 x 60 grid still reads on a screen and on paper); above, it
#: shows the units with the most people and says so (:func:`heatmap_units`).
HEATMAP_UNITS_AT_MOST = 60

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222; margin: 0 auto;
       max-width: 1100px; padding: 16px 24px 48px; line-height: 1.45; }
h1 { font-size: 26px; margin: 8px 0 2px; } h2 { font-size: 19px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; }
.sub { color: #555; margin: 0 0 12px; } nav a { margin-right: 14px; }
ul.findings li { margin: 6px 0; font-size: 16px; } p, li { overflow-wrap: break-word; }
table { border-collapse: collapse; font-size: 13px; margin: 6px 0; }
th, td { border: 1px solid #ddd; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #f4f4f4; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.heat td { min-width: 38px; height: 24px; text-align: center; font-size: 12px; padding: 1px 2px; }
table.heat th.col { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; font-weight: normal; }
table.heat th.row { white-space: nowrap; font-weight: normal; }
.note { color: #555; font-size: 13px; }
.scroll { overflow-x: auto; max-width: 100%; position: relative; } .scroll:focus-visible { outline: 2px solid #0b5394; }
.vh { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); clip-path: inset(50%);
      white-space: nowrap; }
details { margin: 6px 0 12px; } summary { cursor: pointer; color: #0b5394; }
@media print { nav { display: none; } .scroll { overflow: visible; }
               body { max-width: none; padding: 0; } h2 { break-after: avoid; }
               table { break-inside: avoid; } }
"""

_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:")


def _e(value) -> str:
    return html.escape(str(value), quote=True)


def _num(value, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    return fixed(value, digits, thousands=True)


def _page(title: str, body: str) -> str:
    """A whole static page: ``body`` inside the page's one ``<main>`` landmark (WCAG 1.3.1, 2.4.1)."""
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
            f"<title>{_e(title)}</title><style>{_CSS}</style></head><body><main>\n{body}\n</main></body></html>\n")


def heatmap_units(measurement: Measurement) -> list[str]:
    """The units the heatmap shows, in roster order: all of them up to :data:`HEATMAP_UNITS_AT_MOST`;
    above, that many with the most people (equal headcounts: the most ties, inside and with other
    units; then roster order)."""
    units = measurement.units
    if len(units) <= HEATMAP_UNITS_AT_MOST:
        return list(units.index.astype(str))
    rank = pd.DataFrame({"people": units["headcount"].to_numpy(),
                         "ties": (units["internal_ties"] + units["external_ties"]).to_numpy()})
    top = rank.sort_values(["people", "ties"], ascending=False, kind="stable").index[:HEATMAP_UNITS_AT_MOST]
    return [str(u) for u in units.index[sorted(top)]]


def heatmap_cells(measurement: Measurement, units: list[str] | None = None) -> pd.DataFrame:
    """One row per ordered pair of ``units`` (default: every unit; diagonal = inside the unit): ties,
    possible ties, density, the background colour of its heatmap cell (white to dark blue by the
    square root of the density relative to the densest cell, so faint cross-unit ties stay visible)
    and the colour of its text (black or white, whichever contrasts more with the background: WCAG
    1.4.3)."""
    units = list(measurement.units.index.astype(str)) if units is None else units
    pairs = measurement.unit_pairs[["from_unit", "to_unit", "ties", "possible_ties", "density", "observed_expected"]]
    pairs = pairs.assign(from_unit=pairs["from_unit"].astype(str), to_unit=pairs["to_unit"].astype(str))
    if len(units) < len(measurement.units):
        pairs = pairs[pairs["from_unit"].isin(units) & pairs["to_unit"].isin(units)]
    grid = pd.MultiIndex.from_product([units, units], names=["from_unit", "to_unit"]).to_frame(index=False)
    cells = grid.merge(pairs, on=["from_unit", "to_unit"], how="left")
    inside = measurement.units.set_axis(measurement.units.index.astype(str))
    for i, u in cells.loc[cells["from_unit"] == cells["to_unit"], "from_unit"].items():
        head = int(inside.loc[u, "headcount"])
        cells.loc[i, "ties"] = inside.loc[u, "internal_ties"]
        cells.loc[i, "possible_ties"] = head * (head - 1)
        cells.loc[i, "density"] = inside.loc[u, "internal_density"]
    cells["ties"] = cells["ties"].fillna(0).astype(int)
    top = float(np.nanmax(cells["density"].to_numpy(dtype=float))) if len(cells) else 0.0
    level = np.sqrt(np.clip(cells["density"].fillna(0).to_numpy(dtype=float) / top, 0, 1)) if top > 0 \
        else np.zeros(len(cells))
    start, end = np.array([255, 255, 255]), np.array([8, 48, 107])
    rgb = (start[None, :] + (end - start)[None, :] * level[:, None]).round().astype(int)
    cells["colour"] = [f"#{r:02x}{g:02x}{b:02x}" for r, g, b in rgb]
    cells["text_colour"] = [text_colour_on(colour) for colour in cells["colour"]]
    return cells


def _one_unit(measurement: Measurement) -> str:
    """What stands for the heatmap, the spanners and brokers and the fragile links when everyone is
    in one unit: the ties inside it, and that no figure across units is shown (the findings say why)."""
    unit = measurement.units.index[0]
    row = measurement.units.loc[unit]
    head = int(row["headcount"])
    density = "–" if pd.isna(row["internal_density"]) else density_percent(row["internal_density"]) + "%"
    return (f"<p>Inside {_e(unit)}: {count(int(row['internal_ties']), 'tie')} of {head * (head - 1):,} possible "
            f"(density {_e(density)}). With one unit there is no unit-by-unit table, no boundary spanner or broker "
            "across units and no link between units.</p>")


def _heatmap(measurement: Measurement) -> str:
    """The unit x unit heatmap, and under it, folded, the same numbers as a table of unit pairs
    (ties, possible ties, density, ratio to chance), so they need no mouse (WCAG 2.1.1, 1.3.1). Of
    many units, both show those of :func:`heatmap_units`; a note says so, and what metrics.xlsx and
    metrics.json leave out (:func:`_left_out`)."""
    units = heatmap_units(measurement)
    cells = heatmap_cells(measurement, units)
    head = "".join(f'<th class="col" scope="col">{_e(u)}</th>' for u in units)
    rows, pair_rows = [], []
    by_pair = {(r.from_unit, r.to_unit): r for r in cells.itertuples(index=False)}
    for a in units:
        tds = []
        for b in units:
            c = by_pair[a, b]
            density = "–" if pd.isna(c.density) else density_percent(c.density) + "%"
            ratio = "" if pd.isna(c.observed_expected) else \
                f"; {fixed(c.observed_expected, 2)} × what chance would give"
            where = f"inside {a}" if a == b else f"{a} → {b}"
            tip = f"{where}: {count(c.ties, 'tie')} of {int(c.possible_ties or 0):,} possible, density {density}{ratio}"
            label = "" if pd.isna(c.density) or c.ties == 0 else density_percent(c.density)
            style = f"background:{c.colour};color:{c.text_colour};"
            tds.append(f'<td style="{style}" title="{_e(tip)}">{_e(label)}</td>')
            if c.ties:
                chance = "–" if pd.isna(c.observed_expected) else fixed(c.observed_expected, 2)
                pair_rows.append(f"<tr><td>{_e(a)}</td><td>{_e('(inside)' if a == b else b)}</td>"
                                 f"<td class='num'>{c.ties:,}</td><td class='num'>{int(c.possible_ties or 0):,}</td>"
                                 f"<td class='num'>{_e(density)}</td><td class='num'>{chance}</td></tr>")
        rows.append(f'<tr><th class="row" scope="row">{_e(a)}</th>{"".join(tds)}</tr>')
    heat = (f'<table class="heat"><caption class="vh">Density of ties from each unit (row) to each unit (column), '
            f'in percent</caption><thead><tr><th scope="col">from \\ to</th>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')
    pairs = details_table("The numbers for each pair of units", "Ties between each pair of units",
                          ["From unit", "To unit", "Ties", "Possible ties", "Density (% of possible)",
                           "Ties ÷ what chance would give"], pair_rows)
    alone = [u for u in units if by_pair[u, u].possible_ties == 0]
    single = (f" (on the diagonal of {', '.join(_e(u) for u in alone[:3])}{' and others' if len(alone) > 3 else ''}: "
              f"{'a unit' if len(alone) == 1 else 'units'} of one person, with no pair inside)") if alone else ""
    return (scroll_box(heat, "Heatmap of ties between units") +
            '<p class="note">Each cell: ties from people in the row unit to people in the column unit, as a '
            'percentage of the ties possible (<a href="method.html#unit_pair_table">density</a>), to one decimal; '
            "&lt;0.1 is a density above 0 and below 0.1%. The darker the cell, the denser the ties. A blank cell: no "
            f"tie at all{single}. The diagonal is inside each unit. The ties, possible ties and the "
            '<a href="method.html#pair_expectation">ratio to chance</a> of every pair are in the table below.'
            f"</p>{pairs}{_left_out(measurement, len(units))}")


def _left_out(measurement: Measurement, shown: int) -> str:
    """The note that states every cut of the unit-pair figures: the units the heatmap leaves out,
    the sheets of metrics.xlsx cut to fit Excel (:func:`~ona.report.workbook.left_out_notes`) and the
    pairs without a tie metrics.json leaves out (:func:`~ona.report.json_out.unit_pairs_to_write`);
    "" when nothing is left out."""
    k = len(measurement.units)
    said = []
    if shown < k:
        said.append(f"The heatmap and its table show only the {shown:,} units with the most people (equal: the "
                    f"most ties) of the {k:,}. Every unit is on the unit map (units.html); every pair of units "
                    "with a tie is in metrics.xlsx, sheet Unit pairs.")
    said.extend(f"metrics.xlsx, sheet {sheet}: {note}" for sheet, note in left_out_notes(measurement))
    left_out = unit_pairs_to_write(measurement.unit_pairs)[1]
    if left_out:
        said.append(f"metrics.json lists only the {left_out['pairs_listed']:,} pairs of units with a tie, of "
                    f"{left_out['pairs']:,}: the {left_out['pairs_left_out']:,} with no tie are left out "
                    "(parameter unit_pairs_left_out).")
    return "".join(f'<p class="note">{_e(text)}</p>' for text in said)


_ROLE_WORDS = {"consultant": "itinerant/consultant"}


def _people_per_unit(measurement: Measurement, top: int = 3) -> str:
    """The table of each unit's top boundary spanners and top brokers across units. Spanners are
    ranked by the other units they reach (most first), then by betweenness; brokers by the number of
    their brokerage roles in :data:`CROSS_UNIT_ROLES` (coordinator roles, inside one unit, do not
    count; equal counts in roster order), and only people with at least one such role are listed."""
    wanted = [c for c in ("name", "unit", "boundary_spanner", "betweenness", "units_reached", *CROSS_UNIT_ROLES)
              if c in measurement.people]
    people = measurement.people[wanted].copy()  # (not all forty columns: itertuples below)
    people["label"] = people["name"].where(people["name"].astype(str) != "", people.index.to_series()) \
        if "name" in people else people.index.to_series()
    people["unit_key"] = people["unit"].astype(str)
    people["cross_unit_brokerage"] = people[[r for r in CROSS_UNIT_ROLES if r in people]].sum(axis=1)
    spanning = people[people["boundary_spanner"].fillna(False).astype(bool)]
    top_spanners = spanning.sort_values(["units_reached", "betweenness"], ascending=False, kind="stable") \
        .groupby("unit_key").head(top)
    top_brokers = people[people["cross_unit_brokerage"] > 0] \
        .sort_values("cross_unit_brokerage", ascending=False, kind="stable").groupby("unit_key").head(top)
    spanners_by_unit = {u: g for u, g in top_spanners.groupby("unit_key", sort=False)}
    brokers_by_unit = {u: g for u, g in top_brokers.groupby("unit_key", sort=False)}
    empty = people.iloc[:0]
    rows = []
    for unit in measurement.units.index:
        spanners = spanners_by_unit.get(str(unit), empty)
        brokers = brokers_by_unit.get(str(unit), empty)
        fmt_s = ", ".join(f"{_e(r.label)} ({count(int(r.units_reached), 'unit')})" for r in spanners.itertuples()) \
            or "–"
        fmt_b = ", ".join(f"{_e(r.label)} ({int(r.cross_unit_brokerage):,})" for r in brokers.itertuples()) or "–"
        rows.append(f"<tr><td>{_e(unit)}</td><td class='num'>{int(measurement.units.loc[unit, 'headcount']):,}</td>"
                    f"<td>{fmt_s}</td><td>{fmt_b}</td></tr>")
    roles = ", ".join(_ROLE_WORDS.get(r, r) for r in CROSS_UNIT_ROLES)
    return (table("Top boundary spanners and brokers of each unit",
                  ["Unit", "People", "Top boundary spanners (other units reached)",
                   "Top brokers across units (brokerage roles)"], rows) +
            "<p class='note'>Boundary spanners: the people the "
            "<a href='method.html#boundary_spanners'>boundary spanner rule</a> flags, those who reach the most "
            "other units first (equal reach: higher betweenness first). Brokers across units: the number of "
            "open two-paths a → b → c on which the person b links someone of another unit, the "
            f"<a href='method.html#brokerage_roles'>Gould &amp; Fernandez roles</a> {roles}; coordinator roles, "
            "with a, b and c all in one unit, are not counted.</p>")


#: The most pairs of units the table of links that hang on one person lists (those with the most ties);
#: all of them are in metrics.xlsx, sheet fragile_bridges.
FRAGILE_ROWS_AT_MOST = 100


def _fragile(measurement: Measurement) -> str:
    """The table of the pairs of units whose ties all run through one person (or one relationship),
    the most ties first; of more than :data:`FRAGILE_ROWS_AT_MOST`, that many, and a note says where
    the others are."""
    bridges = measurement.extra.get("fragile_bridges")
    if bridges is None or not len(bridges):
        return "<p>No pair of units is connected.</p>"
    fragile = bridges[bridges["cut_by"].astype(str) != ""]
    if not len(fragile):
        return ("<p>No pair of units depends on a single person: every connected pair has several people "
                "carrying its ties.</p>")
    names = measurement.people["name"] if "name" in measurement.people else pd.Series(dtype=object)
    listed = fragile.sort_values("ties", ascending=False, kind="stable").head(FRAGILE_ROWS_AT_MOST)
    rows = []
    for _, r in listed.iterrows():  # (the person of the first unit first, as the findings name them)
        who = ", ".join(_e(names.get(p, p) or p) for p in link_carriers(r, measurement.people))
        rows.append(f"<tr><td>{_e(r['unit_a'])}</td><td>{_e(r['unit_b'])}</td><td class='num'>{int(r['ties']):,}</td>"
                    f"<td>{who}</td></tr>")
    return (table("Pairs of units whose ties all run through one person",
                  ["One unit", "Other unit", "Ties between them", "Everything runs through"], rows) +
            "<p class='note'>If one of these people leaves or is away, the two units lose their only link "
            "(<a href='method.html#fragile_bridges'>fragile links</a>)."
            + (f" Listed: the {len(listed):,} pairs with the most ties of {len(fragile):,}; all are in metrics.xlsx, "
               "sheet fragile_bridges." if len(listed) < len(fragile) else "") + "</p>")


def _response(measurement: Measurement) -> str:
    units = measurement.units
    if "response_rate" not in units or units["response_rate"].isna().all():
        return ""
    rows = "".join(f"<tr><td>{_e(u)}</td><td class='num'>{int(r.respondents):,}</td>"
                   f"<td class='num'>{int(r.headcount):,}</td>"
                   f"<td class='num'>{_e(share_percent(int(r.respondents), int(r.headcount)))}</td></tr>"
                   for u, r in units.iterrows())
    return "<h2 id='response'>Response rate</h2>" + table("Response rate per unit",
                                                          ["Unit", "Answered", "People", "Rate"], [rows])


_METHOD_LINKS = [
    ("E-I index", "ei_index"), ("Unit-pair density", "unit_pair_table"), ("Modularity", "modularity"),
    ("Communities", "communities"), ("Brokerage roles", "brokerage_roles"), ("Burt constraint", "structural_holes"),
    ("Betweenness", "betweenness"), ("Participation", "participation"), ("Boundary spanner", "boundary_spanners"),
    ("Fragile links", "fragile_bridges"),
]


def parameter_text(value) -> str:
    """A parameter as the method table shows it: a mapping as "key: value" pairs ("zero-weight: 2,
    self-tie: 1", or "none" when empty), a list joined by commas, True/False as yes/no, a missing
    value as "–", anything else as text."""
    if isinstance(value, dict):
        return ", ".join(f"{k}: {parameter_text(v)}" for k, v in value.items()) or "none"
    if isinstance(value, (list, tuple)):
        return ", ".join(parameter_text(v) for v in value) or "none"
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    return "–" if value is None else str(value)


def _method(measurement: Measurement) -> str:
    params = [f"<tr><th scope='row'>{_e(k)}</th><td>{_e(parameter_text(v))}</td></tr>"
              for k, v in measurement.parameters.items()]
    links = " · ".join(f'<a href="method.html#{anchor}">{_e(label)}</a>' for label, anchor in _METHOD_LINKS)
    tie_rule = measurement.parameters.get("tie_rule", "reported")
    return (f"<p>A tie is a directed pair of people: one named the other ({_e(tie_rule)} ties), "
            f"weighted by {_e(measurement.parameters.get('weight') or 'count')}. Units are the values of "
            f"<b>{_e(measurement.parameters.get('unit_column'))}</b>.{_dates(measurement.parameters)}"
            f"{_privacy(measurement.parameters)} "
            f"Definitions: {links}.</p>"
            + table("Parameters of the measurement", ["Parameter", "Value"], params))


def _dates(parameters: dict) -> str:
    """The sentence of the method that says which dates the ties have and which were measured (a tie
    list with a date column: ``tie_dates``, ``tie_window``), with a space before it; "" for undated ties."""
    if "tie_dates" not in parameters:
        return ""
    column, _, span = str(parameters["tie_dates"]).rpartition(": ")
    window = parameters.get("tie_window")
    chosen = f"only ties dated {_e(window)} are measured" if window else "every tie is measured, whatever its date"
    return f" Ties are dated by <b>{_e(column)}</b> ({_e(span)} among those measured); {chosen}."


def _privacy(parameters: dict) -> str:
    """The sentence of the method that says how people were protected (ona.pipeline.privacy_parameters):
    pseudonyms instead of identities (and that the units are the measured column's values as written:
    pseudonymisation does not change them), units under the minimum group size merged; empty when neither."""
    minimum, merged = parameters.get("min_group_size"), parameters.get("small_units_merged", 0)
    column = parameters.get("unit_column")
    said = ["every person is a pseudonym (names, addresses and ids were replaced before measuring"
            + (f"; the units, the values of column {column}, are shown as the roster writes them)" if column else ")")
            if parameters.get("pseudonymized") else ""]
    if minimum:
        said.append(f"units of fewer than {minimum} people were merged ({count(merged, 'unit')})" if merged
                    else f"no unit had fewer than {minimum} people (the minimum group size)")
    hidden = parameters.get("people_hidden", 0)
    if hidden:
        from ..ingest.email import HIDDEN

        said.append(f"the other columns of {count(hidden, 'person', 'people')} read {HIDDEN}, as their "
                    f"values together were shared by fewer than {minimum} people")
    text = "; ".join(part for part in said if part)
    return f" <b>Privacy:</b> {_e(text)}." if text else ""


def _finding_html(finding) -> str:
    """A finding's sentence as HTML, escaped, each statistic it names (``Finding.defined``) a link to its
    definition on method.html: the last place its words stand, after any unit or person named before them
    (a place another statistic's link already holds is left as it is)."""
    text, spans = finding.text, []
    for words, anchor in finding.defined:
        start = text.rfind(words)
        if start >= 0 and all(start + len(words) <= a or start >= b for a, b, _ in spans):
            spans.append((start, start + len(words), anchor))
    out, done = [], 0
    for start, end, anchor in sorted(spans):
        out.append(f'{_e(text[done:start])}<a href="method.html#{anchor}">{_e(text[start:end])}</a>')
        done = end
    return "".join(out) + _e(text[done:])


def write_index(measurement: Measurement, path: str | Path, *, pages: list[tuple[str, str]] | None = None,
                title: str | None = None) -> Path:
    """Write report/index.html (atomically). ``pages`` are (title, file name) links to show. A measurement
    that skipped parts (``measure(skip=...)``) is refused: the page shows every part."""
    from .._arguments import check_whole

    check_whole(measurement, "write_index")
    path = Path(path)
    s = measurement.summary
    heading = title or "Collaboration across units"
    items = "".join(f"<li>{_finding_html(f)}</li>" for f in findings(measurement))
    nav = " ".join(f'<a href="{_e(file)}">{_e(label)}</a>' for label, file in (pages or []))
    # One unit has no boundary: the unit table, spanners, brokers across units and links between
    # units are not defined, and one paragraph says so instead.
    across = (f"<h2 id='heatmap'>One unit</h2>{_one_unit(measurement)}" if s.get("units") == 1 else
              f"<h2 id='heatmap'>Who works with which unit</h2>{_heatmap(measurement)}"
              f"<h2 id='people'>Boundary spanners and brokers per unit</h2>{_people_per_unit(measurement)}"
              f"<h2 id='fragile'>Links that hang on one person</h2>{_fragile(measurement)}")
    body = (f"<h1>{_e(heading)}</h1>"
            f"<p class='sub'>{count(s['people'], 'person', 'people')} in {count(s['units'], 'unit')} "
            f"(by {_e(measurement.parameters.get('unit_column'))}), {count(s['ties'], 'tie')}.</p><nav>{nav}</nav>"
            f"<h2 id='findings'>Findings</h2><ul class='findings'>{items}</ul>"
            f"{across}"
            f"{_response(measurement)}"
            f"<h2 id='method'>Method and parameters</h2>{_method(measurement)}")
    with atomic_write(path) as handle:
        handle.write(_page(heading, body))
    return path


#: The words method.html shows for a section of docs/metrics.md named by its code name (WCAG 2.4.6:
#: headings that describe their topic); the code name follows in brackets and stays the anchor.
_METHOD_HEADINGS = {
    "density": "Density of the network", "reciprocity": "Reciprocity", "degree_table": "Ties of each person",
    "unit_table": "Figures of each unit", "unit_pair_table": "Ties between two units (unit-pair density)",
    "ei_index": "E-I index: ties outside against ties inside a unit", "modularity": "Modularity of the units",
    "ei_expectation": "The E-I index chance would give",
    "pair_expectation": "The ties chance would give a pair of units", "brokerage_roles": "Brokerage roles",
    "structural_holes": "Burt constraint and effective size", "betweenness": "Betweenness",
    "participation": "Participation across units", "boundary_spanners": "Boundary spanners",
    "unit_contributions": "Each unit's share of the modularity", "communities": "Communities",
    "fragile_bridges": "Links that hang on one person (fragile links)",
    "Measurement": "All the figures of one measurement", "measure": "Measuring a network",
}


def _method_heading(title: str) -> str:
    """A heading of docs/metrics.md as method.html shows it: readable words with the code name after
    it ("Betweenness (<code>betweenness</code>)"); a heading in words ("rating cells") just capitalised."""
    code = title.strip("`")
    words = _METHOD_HEADINGS.get(code)
    if words is None:
        return _e(code[:1].upper() + code[1:])
    return f"{_e(words)} (<code>{_e(code)}</code>)"


def _markdown_to_html(text: str, *, link_files: frozenset[str] = frozenset()) -> str:
    """Enough Markdown for docs/metrics.md: headings (with ids; a code-name heading as words, see
    :func:`_method_heading`), paragraphs, lists, code, emphasis and pipe tables (a ``| a | b |`` header
    row, a ``| --- | --- |`` rule, then body rows; every cell escaped like the rest of the text; every
    header cell with scope="col"). A file name in ``link_files`` (one the report holds) becomes a
    link to that file."""
    names = "|".join(re.escape(f) for f in sorted(link_files))
    files = re.compile(r"(?<![\w/.-])(" + names + r")(#[\w-]+)?(?![\w-])") if link_files else None

    def inline(line: str) -> str:
        line = _e(line)
        line = re.sub(r"`([^`]+)`", r"<code>\1</code>", line)
        line = re.sub(r"\*\*([^*]+)\*\*", r"<b>\1</b>", line)
        line = re.sub(r"\*([^*]+)\*", r"<i>\1</i>", line)
        return files.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', line) if files else line

    out, para, in_list, table = [], [], False, []
    section = "Definitions"  # the heading the next table stands under: its caption

    def cells(row: str) -> list[str]:
        return [cell.strip() for cell in row.strip().strip("|").split("|")]

    def flush():
        nonlocal para, table
        if para:
            out.append("<p>" + " ".join(inline(p) for p in para) + "</p>")
            para = []
        if table:
            rule = len(table) > 1 and all(re.fullmatch(r":?-{3,}:?", c) for c in cells(table[1]))
            head, body = (table[0], table[2:]) if rule else (None, table)
            html = f'<table><caption class="vh">{_e(section)}</caption>'
            if head is not None:
                html += "<thead><tr>" + "".join(f'<th scope="col">{inline(c)}</th>' for c in cells(head)) + \
                    "</tr></thead>"
            html += "<tbody>" + "".join("<tr>" + "".join(f"<td>{inline(c)}</td>" for c in cells(row)) + "</tr>"
                                        for row in body) + "</tbody></table>"
            out.append(scroll_box(html, f"Table: {section}"))
            table = []

    for raw in text.splitlines():
        line = raw.rstrip()
        if line.startswith("|") and not in_list:
            if para:
                flush()
            table.append(line)
            continue
        if table:
            flush()
        heading = re.match(r"^(#{1,4})\s+(.*)$", line)
        if heading:
            flush()
            if in_list:
                out.append("</ul>")
                in_list = False
            level, title = len(heading.group(1)), heading.group(2)
            anchor = re.sub(r"[^a-z0-9_]+", "-", title.strip("`").lower()).strip("-")
            shown = _method_heading(title) if level > 1 else inline(title)
            section = re.sub(r"<[^>]+>", "", html.unescape(shown))
            out.append(f'<h{level} id="{anchor}">{shown}</h{level}>')
        elif re.match(r"^\s*[-*]\s+", line):
            flush()
            if not in_list:
                out.append("<ul>")
                in_list = True
            out.append("<li>" + inline(re.sub(r"^\s*[-*]\s+", "", line)) + "</li>")
        elif not line.strip():
            flush()
            if in_list:
                out.append("</ul>")
                in_list = False
        elif in_list and raw.startswith("  "):
            out[-1] = out[-1][:-5] + " " + inline(line.strip()) + "</li>"
        else:
            para.append(line)
    flush()
    if in_list:
        out.append("</ul>")
    return "\n".join(out)


def write_method_page(path: str | Path, *, files: frozenset[str] | set[str] | None = None) -> Path:
    """report/method.html: the metric definitions (docs/metrics.md, shipped with the package), with a
    link back to the report's index.html, and every file name the text mentions a link when the
    report holds that file. ``files`` are the names of the report's files (``write_report`` passes
    the files it writes); by default the files already beside ``path``."""
    path = Path(path)
    text = (resources.files("ona.report") / "assets" / "metrics.md").read_text(encoding="utf-8")
    if files is None:
        files = {p.name for p in path.parent.iterdir()} if path.parent.is_dir() else set()
    files = frozenset(files) - {path.name}
    back = ("<nav aria-label='Report pages'><a href='index.html'>Back to the report</a></nav>"
            if "index.html" in files else "")
    with atomic_write(path) as handle:
        handle.write(_page("How the numbers are computed", back + _markdown_to_html(text, link_files=files)))
    return path
