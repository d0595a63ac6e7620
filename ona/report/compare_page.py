"""compare.html and compare.xlsx: two waves side by side, the unit density change as a heatmap,
ties kept, new and lost between units, people whose role changed, and trend charts over all
stored waves. Static HTML (no script), every value from input escaped."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from .._files import atomic_write
from ..compare import Comparison, is_meaningful
from .index_page import _e, _num, _page

__all__ = ["write_comparison"]

_LABELS = {"people": "People", "ties": "Ties", "units": "Units", "cross_unit_share": "Share of ties across units",
           "ei_index": "E-I index (org)", "modularity": "Modularity of the units",
           "unit_community_nmi": "Agreement of units and communities (NMI)", "boundary_spanners": "Boundary spanners",
           "density": "Density", "reciprocity": "Reciprocity", "response_rate": "Response rate"}


_COUNTS = ("people", "ties", "units", "boundary_spanners")
_PERCENT = ("response_rate",)


def _change(value, meaningful, digits: int = 3) -> str:
    """A change with its sign, to ``digits`` decimals whatever its value (a zero change of a
    share is +0.000, of a count +0); in bold with ✔ when it is meaningful."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{float(value):+,.{digits}f}"
    if is_meaningful(meaningful):
        return f"<b>{text}</b> ✔"
    return text


def _figure(key: str, value) -> str:
    """An org figure as the wave's own report shows it: counts whole, the response rate in percent."""
    if key in _PERCENT and value is not None and not (isinstance(value, float) and math.isnan(value)):
        return f"{100 * float(value):.0f}%"
    return _num(value, 0 if key in _COUNTS else 3)


def _org_table(c: Comparison) -> str:
    rows = []
    for key, r in c.org.iterrows():
        interval = "" if pd.isna(r["change_low"]) else f"{r['change_low']:+.3f} to {r['change_high']:+.3f}"
        if key in _PERCENT:
            change = "–" if pd.isna(r["change"]) else f"{100 * float(r['change']):+.1f} points"
        else:
            change = _change(r["change"], r["meaningful"], 0 if key in _COUNTS else 3)
        rows.append(f"<tr><td>{_e(_LABELS.get(key, key))}</td><td class='num'>{_figure(key, r['before'])}</td>"
                    f"<td class='num'>{_figure(key, r['after'])}</td>"
                    f"<td class='num'>{change}</td><td>{interval}</td></tr>")
    return (f"<table><thead><tr><th>Figure</th><th>{_e(c.before)}</th><th>{_e(c.after)}</th><th>Change</th>"
            "<th>95% interval of the change</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def _basis(c: Comparison) -> str:
    """One sentence on which units the earlier wave is measured under (when the mapping changed them)."""
    if c.parameters.get("before_units", f"the units of {c.before}") == f"the units of {c.before}":
        return ""
    return (f"<p class='note'>{_e(c.before)} is measured here under the units of {_e(c.after)} (the renamed and "
            f"merged units below), so that a reorganisation does not show as a change in collaboration; its "
            f"figures can therefore differ from {_e(c.before)}'s own report, which uses the units of its "
            "time.</p>")


def _unit_table(c: Comparison) -> str:
    rows = []
    for unit, r in c.units.iterrows():
        formed = f" (formed from {_e(r['formed_from'])})" if r["formed_from"] else ""
        status = {"new": " — new", "gone": " — gone"}.get(r["status"], "")
        interval = "" if pd.isna(r["ei_change_low"]) else f"{r['ei_change_low']:+.3f} to {r['ei_change_high']:+.3f}"
        rows.append(f"<tr><td>{_e(unit)}{formed}{status}</td>"
                    f"<td class='num'>{_num(r['headcount_before'], 0)}</td>"
                    f"<td class='num'>{_num(r['headcount_after'], 0)}</td>"
                    f"<td class='num'>{_num(r['ei_index_before'], 3)}</td>"
                    f"<td class='num'>{_num(r['ei_index_after'], 3)}</td>"
                    f"<td class='num'>{_change(r['ei_change'], r['ei_change_meaningful'])}</td>"
                    f"<td>{interval}</td></tr>")
    return (f"<table><thead><tr><th>Unit</th><th>People {_e(c.before)}</th><th>People {_e(c.after)}</th>"
            f"<th>E-I {_e(c.before)}</th><th>E-I {_e(c.after)}</th><th>Change</th>"
            "<th>95% interval of the change</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def _change_heatmap(c: Comparison) -> str:
    units = list(c.units.index)
    pairs = c.unit_pairs.set_index(["from_unit", "to_unit"])
    top = float(np.nanmax(np.abs(pairs["density_change"].to_numpy()))) if len(pairs) else 0.0
    head = "".join(f'<th class="col">{_e(u)}</th>' for u in units)
    rows = []
    for a in units:
        tds = []
        for b in units:
            if a == b or (a, b) not in pairs.index:
                tds.append("<td></td>")
                continue
            r = pairs.loc[(a, b)]
            level = 0.0 if top == 0 else float(r["density_change"]) / top
            colour = (f"rgb({255 - int(200 * max(level, 0))},{255 - int(120 * abs(level))},{255 - int(200 * max(-level, 0))})")
            tip = (f"{a} → {b}: density {100 * r['density_before']:.2f}% → {100 * r['density_after']:.2f}%; "
                   f"ties kept {int(r['ties_kept'])}, new {int(r['ties_new'])}, lost {int(r['ties_lost'])}")
            label = f"{int(r['ties_after']) - int(r['ties_before']):+d}" if r["ties_after"] != r["ties_before"] else ""
            tds.append(f'<td style="background:{colour}" title="{_e(tip)}">{label}</td>')
        rows.append(f'<tr><th class="row">{_e(a)}</th>{"".join(tds)}</tr>')
    return (f'<table class="heat"><thead><tr><th>from \\ to</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
            "<p class='note'>Blue: more ties between the units than before; red: fewer. The number is the change in "
            "ties; hover for densities and ties kept, new and lost.</p>")


def _biggest_moves(c: Comparison, top: int = 10) -> str:
    pairs = c.unit_pairs.assign(net=c.unit_pairs["ties_new"] - c.unit_pairs["ties_lost"])
    pairs = pairs.reindex(pairs["net"].abs().sort_values(ascending=False).index).head(top)
    rows = "".join(f"<tr><td>{_e(r.from_unit)}</td><td>{_e(r.to_unit)}</td><td class='num'>{r.ties_kept}</td>"
                   f"<td class='num'>{r.ties_new}</td><td class='num'>{r.ties_lost}</td></tr>"
                   for r in pairs.itertuples())
    return ("<table><thead><tr><th>From unit</th><th>To unit</th><th>Ties kept</th><th>New</th><th>Lost</th></tr>"
            f"</thead><tbody>{rows}</tbody></table>")


def _people(c: Comparison) -> str:
    if not len(c.people):
        return "<p>No one who took part in both waves became or stopped being a broker or boundary spanner.</p>"
    def who(r) -> str:
        name = getattr(r, "name", None)
        return f"{_e(name)} ({_e(r.id)})" if isinstance(name, str) and name else _e(r.id)

    rows = "".join(f"<tr><td>{who(r)}</td><td>{_e(r.unit_after)}</td><td>{_e(r.change)} {_e(r.role)}</td></tr>"
                   for r in c.people.itertuples())
    return ("<table><thead><tr><th>Person (id)</th><th>Unit</th><th>Change</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>")


def _ratings(c: Comparison) -> str:
    if c.ratings is None or not len(c.ratings):
        return ""
    rows = "".join(
        f"<tr><td>{_e(u)}</td><td class='num'>{_num(r['gap_before'])}</td><td class='num'>{_num(r['gap_after'])}</td>"
        f"<td>{'closing' if r['gap_closed'] else 'widening'}</td></tr>"
        for u, r in c.ratings.iterrows() if not (pd.isna(r["gap_before"]) or pd.isna(r["gap_after"])))
    return ("<h2>How units see each other</h2><table><thead><tr><th>Unit</th>"
            f"<th>Gap {_e(c.before)}</th><th>Gap {_e(c.after)}</th><th></th></tr></thead><tbody>{rows}</tbody></table>"
            "<p class='note'>Gap: how the unit rates the others minus how the others rate it (ratings.html).</p>")


def _svg_line(values: list[float], labels: list[str], title: str, digits: int = 3) -> str:
    """A small line chart; a point's value to ``digits`` decimals (0 for a count), the axis to
    ``min(digits, 2)``."""
    width, height, pad = 260, 120, 28
    axis = min(digits, 2)
    vals = np.array([np.nan if v is None else float(v) for v in values])
    finite = vals[np.isfinite(vals)]
    if len(finite) == 0:
        return ""
    low, high = float(finite.min()), float(finite.max())
    span = high - low or 1.0
    xs = [pad + i * (width - 2 * pad) / max(1, len(vals) - 1) for i in range(len(vals))]
    ys = [height - pad - (v - low) / span * (height - 2 * pad) if np.isfinite(v) else None for v in vals]
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys) if y is not None)
    dots = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3"><title>{_e(lab)}: {v:,.{digits}f}</title></circle>'
                   for x, y, v, lab in zip(xs, ys, vals, labels) if y is not None)
    ticks = "".join(f'<text x="{x:.1f}" y="{height - 8}" font-size="10" text-anchor="middle">{_e(lab)}</text>'
                    for x, lab in zip(xs, labels))
    return (f'<figure style="display:inline-block;margin:0 12px 12px 0"><figcaption>{_e(title)}</figcaption>'
            f'<svg width="{width}" height="{height}" role="img" aria-label="{_e(title)}">'
            f'<polyline points="{points}" fill="none" stroke="#0072B2" stroke-width="2"/>{dots}{ticks}'
            f'<text x="2" y="12" font-size="10">{high:.{axis}f}</text>'
            f'<text x="2" y="{height - pad}" font-size="10">{low:.{axis}f}</text>'
            "</svg></figure>")


def _trends(waves: pd.DataFrame | None, c: Comparison | None = None) -> str:
    """Charts of the headline figures over every stored wave, each wave on its own units (as in
    its own report), which the note under them says."""
    if waves is None or len(waves) < 3:
        return ""
    labels = [str(w) for w in waves["wave"]]
    charts = "".join(_svg_line(waves[key].tolist(), labels, _LABELS[key], 0 if key in _COUNTS else 3)
                     for key in ("cross_unit_share", "ei_index", "modularity", "boundary_spanners") if key in waves)
    note = "Each wave is shown on its own units, as in its own report"
    if c is not None and _basis(c):
        note += f", so {_e(c.before)} can differ from the table above (measured under the units of {_e(c.after)})"
    return f"<h2 id='trends'>Over all stored waves</h2>{charts}<p class='note'>{note}.</p>"


def write_comparison(comparison: Comparison, out_dir: str | Path, *, waves: pd.DataFrame | None = None) -> dict:
    """Write compare.html and compare.xlsx into ``out_dir``; return their paths. ``comparison``
    comes from :func:`ona.compare_waves`; ``waves`` (``history.waves()``) adds trend charts over all
    stored waves."""
    from .._arguments import check_type
    from .workbook import write_frames

    check_type(comparison, Comparison, "write_comparison(comparison, out_dir): pass the Comparison from compare_waves")

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    c = comparison
    mapping = "".join(f"<li>{_e(old)} → {_e(', '.join(new) if isinstance(new, list) else new)}</li>"
                      for old, new in c.mapping.items())
    body = (f"<h1>{_e(c.before)} → {_e(c.after)}: what changed</h1>"
            "<p class='sub'>A change in <b>bold ✔</b> is larger than what re-sampling the respondents gives "
            f"(95% bootstrap interval of the change excludes zero, {c.parameters['bootstraps']} resamples).</p>"
            f"<h2>The organisation</h2>{_basis(c)}{_org_table(c)}"
            f"<h2>Units</h2>{_unit_table(c)}"
            + (f"<p class='note'>Units renamed or merged (from the configuration):</p><ul>{mapping}</ul>" if mapping else "")
            + f"<h2>Ties between units: change</h2>{_change_heatmap(c)}"
            f"<h2>Largest changes between units</h2>{_biggest_moves(c)}"
            f"{_ratings(c)}"
            f"<h2>People whose role changed</h2>{_people(c)}"
            f"<p class='note'>Broker: {_e(c.parameters['broker_rule'])}. People are matched by id "
            "(or by the same pseudonym).</p>"
            f"{_trends(waves, c)}")
    html_path = out / "compare.html"
    with atomic_write(html_path) as handle:
        handle.write(_page(f"{c.before} → {c.after}", body))
    frames = {name: frame.reset_index() if name in ("Org", "Units") else frame for name, frame in c.frames().items()}
    if waves is not None:
        frames["Waves"] = waves
    xlsx_path = out / "compare.xlsx"
    write_frames(frames, xlsx_path)
    return {"html": html_path, "workbook": xlsx_path}
