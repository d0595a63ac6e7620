"""compare.html and compare.xlsx: two waves side by side, the change in ties between units as a
heatmap, ties kept, new and lost between units, people whose role changed, and trend charts over all
stored waves. Figures in the units and formats of the waves' own index.html (shares in percent,
counts with thousands separators), links to the waves' reports and their definitions when their
folders are known. Static HTML (no script), every value from input escaped."""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pandas as pd

from .._files import atomic_write
from ..compare import OTHER_UNITS, Comparison, is_meaningful
from ._html import change_text, details_table, scroll_box, table, text_colour_on
from ._words import density_percent, fixed
from .index_page import _e, _num, _page

__all__ = ["write_comparison"]

_LABELS = {"people": "People", "ties": "Ties", "units": "Units", "cross_unit_share": "Share of ties across units",
           "ei_index": "E-I index (org)", "modularity": "Modularity of the units",
           "unit_community_nmi": "Agreement of units and communities (NMI)", "boundary_spanners": "Boundary spanners",
           "density": "Density", "reciprocity": "Reciprocity", "response_rate": "Response rate"}


_COUNTS = ("people", "ties", "units", "boundary_spanners")
#: Shares of ties or people, shown in percent as on index.html; their changes in percentage points.
_SHARES = {"cross_unit_share": 1, "density": 1, "reciprocity": 1, "response_rate": 0}


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _change(value, meaningful, digits: int = 3, suffix: str = "") -> str:
    """A change with its sign, to ``digits`` decimals whatever its value, a zero change without a sign
    (0.000, 0): :func:`ona.report._html.change_text`; in bold with ✔ when it is meaningful."""
    if _missing(value):
        return "–"
    text = change_text(value, digits, suffix)
    return f"<b>{text}</b> ✔" if is_meaningful(meaningful) else text


def _figure(key: str, value) -> str:
    """An org figure as the wave's own report shows it: counts whole with thousands separators, shares
    in percent (the density as on the heatmap, "<0.1%" for a density that would round to 0)."""
    if _missing(value):
        return "–"
    if key == "density":
        return density_percent(value) + "%"
    if key in _SHARES:
        return fixed(value, _SHARES[key], percent=True) + "%"
    return fixed(value, 0, thousands=True) if key in _COUNTS else _num(value, 3)


def _org_table(c: Comparison) -> str:
    rows = []
    for key, r in c.org.iterrows():
        if key in _SHARES:  # in percentage points, one decimal
            interval = "" if pd.isna(r["change_low"]) else \
                f"{change_text(100 * r['change_low'], 1)} to {change_text(100 * r['change_high'], 1)} points"
            change = _change(100 * r["change"] if not _missing(r["change"]) else None, r["meaningful"], 1, " points")
        else:
            digits = 0 if key in _COUNTS else 3
            interval = "" if pd.isna(r["change_low"]) else \
                f"{change_text(r['change_low'], digits)} to {change_text(r['change_high'], digits)}"
            change = _change(r["change"], r["meaningful"], digits)
        rows.append(f"<tr><td>{_e(_LABELS.get(key, key))}</td><td class='num'>{_e(_figure(key, r['before']))}</td>"
                    f"<td class='num'>{_e(_figure(key, r['after']))}</td>"
                    f"<td class='num'>{change}</td><td>{interval}</td></tr>")
    return table(f"Figures of the organisation, {c.before} and {c.after}",
                 ["Figure", _e(c.before), _e(c.after), "Change", "95% interval of the change"], rows)


def _basis(c: Comparison) -> str:
    """One sentence on which units the earlier wave is measured under (when the mapping changed them)."""
    if c.parameters.get("before_units", f"the units of {c.before}") == f"the units of {c.before}":
        return ""
    return (f"<p class='note'>{_e(c.before)} is measured here under the units of {_e(c.after)} (the renamed and "
            f"merged units below), so that a reorganisation does not show as a change in collaboration; its "
            f"figures can therefore differ from {_e(c.before)}'s own report, which uses the units of its "
            "time.</p>")


def _warnings(c: Comparison) -> str:
    """The comparison's warnings (:func:`ona.compare.comparability`), at the top of the page."""
    if not c.warnings:
        return ""
    items = "".join(f"<li>{_e(w)}</li>" for w in c.warnings)
    return f"<section role='note' aria-label='Warnings'><h2>Read this first</h2><ul>{items}</ul></section>"


def _unit_table(c: Comparison) -> str:
    rows = []
    for unit, r in c.units.iterrows():
        formed = f" (formed from {_e(r['formed_from'])})" if r["formed_from"] else ""
        status = {"new": " — new", "gone": " — gone",
                  OTHER_UNITS: f" — other units in {_e(c.before)} and {_e(c.after)} (see Read this first)"
                  }.get(r["status"], "")
        interval = "" if pd.isna(r["ei_change_low"]) else \
            f"{change_text(r['ei_change_low'], 3)} to {change_text(r['ei_change_high'], 3)}"
        rows.append(f"<tr><td>{_e(unit)}{formed}{status}</td>"
                    f"<td class='num'>{_num(r['headcount_before'], 0)}</td>"
                    f"<td class='num'>{_num(r['headcount_after'], 0)}</td>"
                    f"<td class='num'>{_num(r['ei_index_before'], 3)}</td>"
                    f"<td class='num'>{_num(r['ei_index_after'], 3)}</td>"
                    f"<td class='num'>{_change(r['ei_change'], r['ei_change_meaningful'])}</td>"
                    f"<td>{interval}</td></tr>")
    return table(f"People and E-I index of each unit, {c.before} and {c.after}",
                 ["Unit", f"People {_e(c.before)}", f"People {_e(c.after)}", f"E-I {_e(c.before)}",
                  f"E-I {_e(c.after)}", "Change", "95% interval of the change"], rows)


def _change_colour(change: int, top: int) -> str:
    """The background of a change-heatmap cell: white for no change, to blue for the largest gain in
    ties and to red for the largest loss (``top`` = the largest change either way), by the square root
    of the change the cell shows over ``top`` (as index.html's heatmap, so small changes stay
    visible): the larger the number, the stronger the colour."""
    level = 0.0 if top == 0 else math.copysign(math.sqrt(abs(change) / top), change)
    return f"rgb({255 - int(200 * max(level, 0))},{255 - int(120 * abs(level))},{255 - int(200 * max(-level, 0))})"


def _change_heatmap(c: Comparison) -> str:
    """The change in ties from each unit (row) to each other unit (column), coloured by that same
    number, and under it, folded, every pair's ties and densities in both waves and the ties kept,
    new and lost."""
    units = list(c.units.index)
    pairs = c.unit_pairs.set_index(["from_unit", "to_unit"])
    changes = (pairs["ties_after"] - pairs["ties_before"]).astype(int)
    top = int(changes.abs().max()) if len(changes) else 0
    head = "".join(f'<th class="col" scope="col">{_e(u)}</th>' for u in units)
    rows, pair_rows = [], []
    for a in units:
        tds = []
        for b in units:
            if a == b or (a, b) not in pairs.index:
                tds.append("<td></td>")
                continue
            r, change = pairs.loc[(a, b)], int(changes.loc[(a, b)])
            before, after = density_percent(r["density_before"]) + "%", density_percent(r["density_after"]) + "%"
            kept, new, lost = (_count(r[col]) for col in ("ties_kept", "ties_new", "ties_lost"))
            tip = (f"{a} → {b}: ties {int(r['ties_before']):,} → {int(r['ties_after']):,}, "
                   f"density {before} → {after}; ties kept {kept}, new {new}, lost {lost}")
            colour = _change_colour(change, top)
            tds.append(f'<td style="background:{colour};color:{text_colour_on(colour)}" title="{_e(tip)}">'
                       f'{change_text(change, 0) if change else ""}</td>')
            pair_rows.append(f"<tr><td>{_e(a)}</td><td>{_e(b)}</td><td class='num'>{int(r['ties_before']):,}</td>"
                             f"<td class='num'>{int(r['ties_after']):,}</td>"
                             f"<td class='num'>{change_text(change, 0)}</td>"
                             f"<td class='num'>{_e(before)}</td><td class='num'>{_e(after)}</td>"
                             f"<td class='num'>{kept}</td><td class='num'>{new}</td><td class='num'>{lost}</td></tr>")
        rows.append(f'<tr><th class="row" scope="row">{_e(a)}</th>{"".join(tds)}</tr>')
    heat = (f'<table class="heat"><caption class="vh">Change in ties from each unit (row) to each other unit '
            f'(column), {_e(c.before)} to {_e(c.after)}</caption><thead><tr><th scope="col">from \\ to</th>{head}'
            f'</tr></thead><tbody>{"".join(rows)}</tbody></table>')
    return (scroll_box(heat, "Heatmap of the change in ties between units")
            + f"<p class='note'>Each cell: ties from the row unit to the column unit in {_e(c.after)} minus those in "
            f"{_e(c.before)}. Blue: more ties than before; red: fewer; the stronger the colour, the larger the "
            "change in the cell. A blank cell: the same number of ties in both waves "
            "(or a unit and itself). Density: the ties as a percentage of the ties possible between the two "
            "units' people; it can change with the headcount even when the ties do not. Every pair's ties, "
            "densities and ties kept, new and lost are in the table below.</p>"
            + details_table("The numbers for each pair of units", "Ties between each pair of units in both waves",
                            ["From unit", "To unit", f"Ties {_e(c.before)}", f"Ties {_e(c.after)}", "Change",
                             f"Density {_e(c.before)}", f"Density {_e(c.after)}", "Ties kept", "New ties",
                             "Lost ties"], pair_rows))


def _count(value) -> str:
    """A count of ties with thousands separators, "–" where it was not counted (people not matched)."""
    return "–" if _missing(value) else f"{int(value):,}"


def _biggest_moves(c: Comparison, top: int = 10) -> str:
    if not c.people_matched:
        return (f"<p>Not counted: no person of {_e(c.before)} can be matched in {_e(c.after)}, so no tie can be "
                "told kept, new or lost (see the warning at the top).</p>")
    pairs = c.unit_pairs.assign(net=c.unit_pairs["ties_new"] - c.unit_pairs["ties_lost"])
    pairs = pairs.reindex(pairs["net"].abs().sort_values(ascending=False).index).head(top)
    rows = [f"<tr><td>{_e(r.from_unit)}</td><td>{_e(r.to_unit)}</td><td class='num'>{r.ties_kept:,}</td>"
            f"<td class='num'>{r.ties_new:,}</td><td class='num'>{r.ties_lost:,}</td></tr>" for r in pairs.itertuples()]
    return table("The pairs of units whose ties changed most", ["From unit", "To unit", "Ties kept", "New", "Lost"],
                 rows)


def _people(c: Comparison) -> str:
    if not c.people_matched:
        return (f"<p>Not counted: no person of {_e(c.before)} can be matched in {_e(c.after)} (see the warning at "
                "the top).</p>")
    if not len(c.people):
        return "<p>No one who took part in both waves became or stopped being a broker or boundary spanner.</p>"
    def who(r) -> str:
        name = getattr(r, "name", None)
        return f"{_e(name)} ({_e(r.id)})" if isinstance(name, str) and name else _e(r.id)

    rows = [f"<tr><td>{who(r)}</td><td>{_e(r.unit_after)}</td><td>{_e(r.change)} {_e(r.role)}</td></tr>"
            for r in c.people.itertuples()]
    return table("People who became or stopped being a broker or boundary spanner", ["Person (id)", "Unit", "Change"],
                 rows)


def _ratings(c: Comparison, ratings_page: str | None = None) -> str:
    """The perception gap of each unit in both waves; ``ratings_page`` the link to the later wave's
    ratings.html, when there is one."""
    if c.ratings is None or not len(c.ratings):
        return ""
    rows = [
        f"<tr><td>{_e(u)}</td><td class='num'>{change_text(r['gap_before'], 2)}</td>"
        f"<td class='num'>{change_text(r['gap_after'], 2)}</td>"
        f"<td>{'closing' if r['gap_closed'] else 'widening'}</td></tr>"
        for u, r in c.ratings.iterrows() if not (pd.isna(r["gap_before"]) or pd.isna(r["gap_after"]))]
    page = f"<a href='{_e(ratings_page)}'>ratings.html</a>" if ratings_page else "ratings.html"
    return ("<h2>How units see each other</h2>"
            + table("Perception gap of each unit in both waves",
                    ["Unit", f"Gap {_e(c.before)}", f"Gap {_e(c.after)}", "Direction"], rows)
            + f"<p class='note'>Gap: how the unit rates the others minus how the others rate it ({page}).</p>")


def _point(value: float, digits: int, percent: bool) -> str:
    """A value of a trend chart as the tables show it: in percent for a share, else to ``digits``."""
    return fixed(value, 1, percent=True) + "%" if percent else fixed(value, digits, thousands=True)


def _svg_line(values: list[float], labels: list[str], title: str, digits: int = 3, percent: bool = False) -> str:
    """A small line chart; each point's value written above it and in the chart's text alternative,
    to ``digits`` decimals (0 for a count) or in percent (``percent``, a share), the axis to
    ``min(digits, 2)``. It scales down with the page (viewBox)."""
    width, height, pad = 260, 130, 28
    axis = min(digits, 2)
    vals = np.array([np.nan if v is None else float(v) for v in values])
    finite = vals[np.isfinite(vals)]
    if len(finite) == 0:
        return ""
    low, high = float(finite.min()), float(finite.max())
    span = high - low or 1.0
    xs = [pad + 14 + i * (width - 2 * pad - 14) / max(1, len(vals) - 1) for i in range(len(vals))]
    ys = [height - pad - (v - low) / span * (height - 2 * pad - 10) if np.isfinite(v) else None for v in vals]
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys) if y is not None)
    shown = [(x, y, _point(v, digits, percent), lab) for x, y, v, lab in zip(xs, ys, vals, labels) if y is not None]
    dots = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3"><title>{_e(lab)}: {text}</title></circle>'
                   f'<text x="{x:.1f}" y="{y - 6:.1f}" font-size="12" text-anchor="middle">{text}</text>'
                   for x, y, text, lab in shown)
    ticks = "".join(f'<text x="{x:.1f}" y="{height - 8}" font-size="12" text-anchor="middle">{_e(lab)}</text>'
                    for x, lab in zip(xs, labels))
    scale = tuple(fixed(v, 1, percent=True) + "%" if percent else fixed(v, axis) for v in (high, low))
    label = f"{title}: " + ", ".join(f"{lab} {text}" for _, _, text, lab in shown)
    return (f'<figure style="display:inline-block;margin:0 12px 12px 0"><figcaption>{_e(title)}</figcaption>'
            f'<svg viewBox="0 0 {width} {height}" width="{width}" style="max-width:100%;height:auto" role="img" '
            f'aria-label="{_e(label)}">'
            f'<polyline points="{points}" fill="none" stroke="#0072B2" stroke-width="2"/>{dots}{ticks}'
            f'<text x="2" y="12" font-size="12">{scale[0]}</text>'
            f'<text x="2" y="{height - pad}" font-size="12">{scale[1]}</text>'
            "</svg></figure>")


_TREND_KEYS = ("cross_unit_share", "ei_index", "modularity", "boundary_spanners")


def _trends(waves: pd.DataFrame | None, c: Comparison | None = None) -> str:
    """Charts of the headline figures over every stored wave, each wave on its own units (as in
    its own report), which the note under them says; their numbers also in a table."""
    if waves is None or len(waves) < 3:
        return ""
    labels = [str(w) for w in waves["wave"]]
    keys = [key for key in _TREND_KEYS if key in waves]
    charts = "".join(_svg_line(waves[key].tolist(), labels, _LABELS[key], 0 if key in _COUNTS else 3,
                               percent=key in _SHARES) for key in keys)
    def cell(key: str, value) -> str:
        text = "–" if _missing(value) else _point(float(value), 0 if key in _COUNTS else 3, key in _SHARES)
        return f"<td class='num'>{text}</td>"

    rows = [f"<tr><th scope='row'>{_e(lab)}</th>" + "".join(cell(key, w[key]) for key in keys) + "</tr>"
            for lab, (_, w) in zip(labels, waves.iterrows())]
    numbers = details_table("The charts' numbers", "Headline figures of every stored wave",
                            ["Wave", *(_e(_LABELS[key]) for key in keys)], rows)
    note = "Each wave is shown on its own units, as in its own report"
    if c is not None and _basis(c):
        note += f", so {_e(c.before)} can differ from the table above (measured under the units of {_e(c.after)})"
    return f"<h2 id='trends'>Over all stored waves</h2>{charts}<p class='note'>{note}.</p>{numbers}"


def _report_links(out: Path, c: Comparison, reports: dict | None) -> tuple[str, dict[str, str]]:
    """The navigation of compare.html: a link to each wave's report (its index.html, relative to
    ``out``) whose folder ``reports`` names and that exists, and the links the page names in its
    text: "definitions" (the later wave's method.html, else the earlier's) and "ratings" (the later
    wave's ratings.html)."""
    found: dict[str, str] = {}
    links = []
    for wave in (c.before, c.after):
        folder = (reports or {}).get(str(wave))
        if folder is None or not (Path(folder) / "index.html").is_file():
            continue
        relative = Path(os.path.relpath(Path(folder), out)).as_posix()
        links.append(f"<a href='{_e(relative)}/index.html'>Report {_e(wave)}</a>")
        if (Path(folder) / "method.html").is_file():
            found["definitions"] = f"{relative}/method.html#wave-comparison"
        if str(wave) == str(c.after) and (Path(folder) / "ratings.html").is_file():
            found["ratings"] = f"{relative}/ratings.html"
    if "definitions" in found:
        links.append(f"<a href='{_e(found['definitions'])}'>How the numbers are computed</a>")
    nav = f"<nav aria-label='Reports of the waves'>{' '.join(links)}</nav>" if links else ""
    return nav, found


def _definitions(found: dict[str, str]) -> str:
    """What the figures of the organisation table mean, in a sentence each, and a link to their full
    definitions when a wave's method.html is known."""
    more = (f" Full definitions: <a href='{_e(found['definitions'])}'>How the numbers are computed</a>."
            if "definitions" in found else "")
    return ("<p class='note'>Share of ties across units: the ties between people of different units, as a "
            "percentage of all ties. Density: the ties as a percentage of all the ties possible between the "
            "people. Reciprocity: the percentage of ties returned. E-I index: (ties with other units − ties "
            "inside) ÷ all ties, from −1 (all inside) to +1 (all outside). Modularity: how far the units stand "
            "apart, 0 (no more than chance) to 1. A change of a percentage is in percentage points."
            f"{more} Every figure is also in <a href='compare.xlsx'>compare.xlsx</a>.</p>")


def _test_sentence(c: Comparison) -> str:
    """What a change in bold means, under the title; with no resamples, that no change was tested."""
    if c.parameters["bootstraps"] == 0:
        return ("<p class='sub'>No change was tested against re-sampling noise (0 resamples): no change is "
                "marked meaningful, and none is shown to be meaningless.</p>")
    return ("<p class='sub'>A change in <b>bold ✔</b> is larger than what re-sampling the respondents gives "
            f"(95% bootstrap interval of the change excludes zero, {c.parameters['bootstraps']} resamples).</p>")


def write_comparison(comparison: Comparison, out_dir: str | Path, *, waves: pd.DataFrame | None = None,
                     reports: dict | None = None) -> dict:
    """Write compare.html and compare.xlsx into ``out_dir``; return their paths. ``comparison``
    comes from :func:`ona.compare_waves`; ``waves`` (``history.waves()``) adds trend charts over all
    stored waves; ``reports`` (wave label → that wave's report folder, as ``ona run`` writes it)
    adds links to those reports and to their definitions, for the folders that hold a report."""
    from .._arguments import check_type
    from .workbook import write_frames

    check_type(comparison, Comparison, "write_comparison(comparison, out_dir): pass the Comparison from compare_waves")
    if waves is not None:
        check_type(waves, pd.DataFrame, "write_comparison(waves=...) takes the table of stored waves: pass "
                   "history.waves()")

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    c = comparison
    nav, found = _report_links(out, c, reports)
    mapping = "".join(f"<li>{_e(old)} → {_e(', '.join(new) if isinstance(new, list) else new)}</li>"
                      for old, new in c.mapping.items())
    body = (f"<h1>{_e(c.before)} → {_e(c.after)}: what changed</h1>{nav}"
            + _test_sentence(c)
            + f"{_warnings(c)}<h2>The organisation</h2>{_basis(c)}{_org_table(c)}{_definitions(found)}"
            f"<h2>Units</h2>{_unit_table(c)}"
            + (f"<p class='note'>Units renamed or merged (from the configuration):</p><ul>{mapping}</ul>" if mapping else "")
            + f"<h2>Ties between units: change</h2>{_change_heatmap(c)}"
            f"<h2>Largest changes between units</h2>{_biggest_moves(c)}"
            f"{_ratings(c, found.get('ratings'))}"
            f"<h2>People whose role changed</h2>{_people(c)}"
            f"<p class='note'>Broker: {_e(c.parameters['broker_rule'])}. People are matched by id "
            "(or by the same pseudonym).</p>"
            f"{_trends(waves, c)}")
    html_path, xlsx_path = out / "compare.html", out / "compare.xlsx"
    page = _page(f"Comparison {c.before} → {c.after} — ona", body)
    frames = {name: frame.reset_index() if name in ("Org", "Units") else frame for name, frame in c.frames().items()}
    if waves is not None:
        frames["Waves"] = waves
    with atomic_write(html_path) as handle:
        handle.write(page)
        # The page replaces the old one only once the workbook is written (write_frames is atomic
        # too): a failure leaves neither a new page beside an old workbook nor half a file.
        write_frames(frames, xlsx_path)
    return {"html": html_path, "workbook": xlsx_path}
