"""report/ratings.html: how units see each other. Rating heatmaps per question (hover: mean, n and
95% interval), the perception-gap matrix on a diverging scale, "how we rate the others / how the
others rate us" per unit, support functions' reach, and findings computed from the numbers.
Static HTML without script; every name from input escaped."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from .._files import atomic_write
from ..metrics.ratings import OVERALL, RatingsResult
from .index_page import _e, _page

__all__ = ["write_ratings_page", "rating_findings"]


def rating_findings(result: RatingsResult) -> list[str]:
    """Plain-language findings computed from the rating results."""
    out = []
    units = result.units.dropna(subset=["gap"])
    if len(units):
        worst = units["gap"].idxmax()
        r = units.loc[worst]
        if r["gap"] > 0:
            out.append(f"{worst} rates the other units {r['rates_others']:.1f} on average, but the others rate "
                       f"{worst} {r['rated_by_others']:.1f}: the largest gap between how a unit sees its "
                       "cooperation and how the others see it.")
        best = units["rated_by_others"].idxmax()
        out.append(f"{best} is rated best by the other units ({units.loc[best, 'rated_by_others']:.1f}).")
    flagged = result.gaps[result.gaps["disagreement"]]
    if len(flagged):
        top = flagged.iloc[0]
        out.append(f"{len(flagged)} pairs of units disagree beyond chance about their cooperation; the largest: "
                   f"{top['unit_a']} rates {top['unit_b']} {top['a_rates_b']:.1f}, {top['unit_b']} rates "
                   f"{top['unit_a']} {top['b_rates_a']:.1f}.")
    if result.support is not None and len(result.support):
        low = result.support.sort_values("line_rates_it").iloc[0]
        if not math.isnan(low["line_rates_it"]):
            managers = (f" and {low['line_managers_reached']} of {low['line_managers']} line managers"
                        if low["line_managers"] else "")  # (none known: no role column, or pseudonymised)
            out.append(f"Of the support functions, the line rates {low['support_unit']} lowest "
                       f"({low['line_rates_it']:.1f}); it has ties with {low['line_units_reached']} of "
                       f"{low['line_units']} line units{managers}.")
    if result.perceived_vs_actual is not None:
        p = result.perceived_vs_actual
        well = p[p["pattern"] == "rated well, almost no ties"]
        poor = p[p["pattern"] == "many ties, poor rating"]
        if len(well) or len(poor):
            out.append(f"{len(well)} unit pairs rate each other well with almost no ties between them; "
                       f"{len(poor)} have many ties and a poor rating.")
    suppressed = int(result.cells["suppressed"].sum())
    if suppressed:
        out.append(f"{suppressed} cells with fewer than {result.parameters['min_group_size']} respondents are not "
                   "shown.")
    return out


def _colour(value: float, low: float, high: float) -> str:
    if value is None or math.isnan(value):
        return "#f2f2f2"
    level = (value - low) / (high - low) if high > low else 0.5
    level = min(max(level, 0.0), 1.0)
    r, g, b = (int(round(247 + (33 - 247) * level)), int(round(251 + (113 - 251) * level)),
               int(round(255 + (181 - 255) * level)))
    return f"#{r:02x}{g:02x}{b:02x}"


def _diverging(value: float, extent: float) -> str:
    if value is None or math.isnan(value) or extent == 0:
        return "#f2f2f2"
    level = max(-1.0, min(1.0, value / extent))
    if level >= 0:  # blue: the row unit rates the column unit higher than it is rated back
        return f"rgb({int(255 - 180 * level)},{int(255 - 120 * level)},255)"
    return f"rgb(255,{int(255 + 120 * level)},{int(255 + 180 * level)})"


def _heatmap(cells: pd.DataFrame, units: list[str], measure: str) -> str:
    c = cells[cells["measure"] == measure].set_index(["rater_unit", "rated_unit"])
    values = c["mean"].dropna()
    low, high = (float(values.min()), float(values.max())) if len(values) else (1.0, 5.0)
    head = "".join(f'<th class="col">{_e(u)}</th>' for u in units)
    rows = []
    for a in units:
        tds = []
        for b in units:
            if (a, b) not in c.index:
                tds.append("<td></td>")
                continue
            r = c.loc[(a, b)]
            if r["suppressed"]:
                tip = f"{a} rates {b}: fewer than the minimum number of respondents; not shown"
                tds.append(f'<td class="sup" title="{_e(tip)}">·</td>')
                continue
            interval = "" if math.isnan(r["ci_low"]) else f", 95% interval {r['ci_low']:.2f}-{r['ci_high']:.2f}"
            tip = f"{a} rates {b}: mean {r['mean']:.2f} (n = {int(r['n'])}{interval})"
            tds.append(f'<td style="background:{_colour(r["mean"], low, high)}" title="{_e(tip)}">{r["mean"]:.1f}</td>')
        rows.append(f'<tr><th class="row">{_e(a)}</th>{"".join(tds)}</tr>')
    return (f'<table class="heat"><thead><tr><th>rater \\ rated</th>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def _gap_matrix(result: RatingsResult, units: list[str]) -> str:
    g = {}
    for r in result.gaps.itertuples():
        g[(r.unit_a, r.unit_b)] = (r.gap, r.disagreement, r.a_rates_b, r.b_rates_a)
        g[(r.unit_b, r.unit_a)] = (-r.gap, r.disagreement, r.b_rates_a, r.a_rates_b)
    extent = max([abs(v[0]) for v in g.values() if not math.isnan(v[0])] or [1.0])
    head = "".join(f'<th class="col">{_e(u)}</th>' for u in units)
    rows = []
    for a in units:
        tds = []
        for b in units:
            if (a, b) not in g or math.isnan(g[(a, b)][0]):
                tds.append("<td></td>")
                continue
            gap, flagged, ab, ba = g[(a, b)]
            tip = f"{a} rates {b} {ab:.2f}; {b} rates {a} {ba:.2f}; gap {gap:+.2f}" + \
                ("; beyond chance" if flagged else "")
            mark = "<b>" if flagged else ""
            tds.append(f'<td style="background:{_diverging(gap, extent)}" title="{_e(tip)}">{mark}{gap:+.1f}'
                       f'{"</b>" if flagged else ""}</td>')
        rows.append(f'<tr><th class="row">{_e(a)}</th>{"".join(tds)}</tr>')
    return (f'<table class="heat"><thead><tr><th>row − column</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody>'
            "</table><p class='note'>How the row unit rates the column unit minus how the column unit rates the row "
            "unit (overall score). Blue: the row unit rates higher than it is rated back; red: lower. Bold: the two "
            "95% intervals do not overlap.</p>")


def _we_they_chart(result: RatingsResult) -> str:
    units = result.units.dropna(subset=["rates_others", "rated_by_others"], how="all")
    if not len(units):
        return ""
    width, bar, gap = 560, 9, 8
    label_w, scale_w = 200, 320
    height = len(units) * (2 * bar + gap) + 30
    parts = []
    for i, (unit, r) in enumerate(units.iterrows()):
        y = 10 + i * (2 * bar + gap)
        parts.append(f'<text x="{label_w - 6}" y="{y + bar + 3}" text-anchor="end" font-size="11">{_e(unit)}</text>')
        for k, (value, colour, what) in enumerate(((r["rates_others"], "#0072B2", "rates the others"),
                                                   (r["rated_by_others"], "#E69F00", "is rated by the others"))):
            if value is None or math.isnan(value):
                continue
            w = scale_w * (value - 1) / 4
            parts.append(f'<rect x="{label_w}" y="{y + k * bar}" width="{max(w, 1):.1f}" height="{bar - 1}" '
                         f'fill="{colour}"><title>{_e(unit)} {what}: {value:.2f}</title></rect>')
    parts.append(f'<text x="{label_w}" y="{height - 6}" font-size="10">1</text>'
                 f'<text x="{label_w + scale_w}" y="{height - 6}" font-size="10" text-anchor="end">5</text>')
    return (f'<svg width="{width}" height="{height}" role="img" aria-label="How each unit rates the others and is '
            f'rated by them">{"".join(parts)}</svg><p class="note"><span style="color:#0072B2">■</span> how the unit '
            'rates the other units · <span style="color:#E69F00">■</span> how the other units rate it (overall '
            "score, 1-5).</p>")


def _support(result: RatingsResult) -> str:
    if result.support is None or not len(result.support):
        return ""

    def pct(x):
        return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:.0f}%"

    def num(x):
        return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.2f}"

    rows = "".join(
        f"<tr><td>{_e(r.support_unit)}</td><td class='num'>{r.line_units_reached} of {r.line_units} "
        f"({pct(r.line_unit_reach)})</td><td class='num'>{r.line_managers_reached} of {r.line_managers} "
        f"({pct(r.line_manager_reach)})</td><td class='num'>{num(r.line_rates_it)}</td>"
        f"<td class='num'>{num(r.it_rates_line)}</td></tr>" for r in result.support.itertuples())
    return ("<h2>Support functions and the line</h2><table><thead><tr><th>Support unit</th><th>Line units with a "
            "tie</th><th>Line managers with a tie</th><th>The line rates it</th><th>It rates the line</th></tr>"
            f"</thead><tbody>{rows}</tbody></table>")


def _rated_vs_ties(result: RatingsResult) -> str:
    p = result.perceived_vs_actual
    if p is None:
        return ""
    named = p[p["pattern"] != ""].sort_values(["pattern", "mean"], ascending=[False, False])
    if not len(named):
        return ""
    rows = "".join(
        f"<tr><td>{_e(r.rater_unit)}</td><td>{_e(r.rated_unit)}</td><td class='num'>{r.mean:.2f}</td>"
        f"<td class='num'>{0 if pd.isna(r.ties) else int(r.ties)}</td>"
        f"<td class='num'>{'–' if pd.isna(r.observed_expected) else f'{r.observed_expected:.2f}'}</td>"
        f"<td>{_e(r.pattern)}</td></tr>" for r in named.itertuples())
    return ("<h2>Ratings beside the ties</h2><table><thead><tr><th>Rater unit</th><th>Rated unit</th><th>Rating</th>"
            "<th>Ties</th><th>Ties / chance</th><th></th></tr></thead><tbody>" + rows + "</tbody></table>"
            "<p class='note'>Ties from the rater unit's people to the rated unit's people, and that number over "
            "what chance would give. Top third of ratings with bottom third of ties, and the reverse.</p>")


def write_ratings_page(result: RatingsResult, path: str | Path, *, title: str | None = None) -> Path:
    """Write ratings.html (atomically)."""
    cells = result.cells
    units = sorted(set(cells["rater_unit"]) | set(cells["rated_unit"]))
    measures = list(dict.fromkeys(cells["measure"]))
    heading = title or "How the units see each other"
    findings = "".join(f"<li>{_e(f)}</li>" for f in rating_findings(result))
    sections = "".join(f"<h3 id='measure-{i}'>{_e('Overall' if m == OVERALL else m)}</h3>{_heatmap(cells, units, m)}"
                       for i, m in enumerate([OVERALL] + [m for m in measures if m != OVERALL]))
    counts = result.parameters.get("answers", {})
    body = (f"<h1>{_e(heading)}</h1>"
            f"<p class='sub'>{counts.get('ok', 0):,} answers scored, {counts.get('missing', 0):,} blank or "
            f"'don't know'; {counts.get('partial', 0):,} respondents answered only some questions about a unit "
            "(their score is the mean of those they answered). Cells with fewer than "
            f"{result.parameters['min_group_size']} respondents are not shown (·), nor counted in any unit's "
            "figures.</p><p><a href='index.html'>Back to the report</a></p>"
            f"<h2>Findings</h2><ul class='findings'>{findings}</ul>"
            f"<h2>We rate them, they rate us</h2>{_we_they_chart(result)}"
            f"<h2>Where units disagree</h2>{_gap_matrix(result, units)}"
            f"<h2>Ratings by question</h2><p class='note'>Row: the unit of the respondents; column: the unit they "
            f"rate. Hover a cell for mean, respondents and 95% interval.</p>{sections}"
            f"{_support(result)}"
            f"{_rated_vs_ties(result)}"
            "<h2>Method</h2><p>A respondent's score for a unit is the mean of their answers (subscale: of its "
            "questions; overall: of all). A cell pools the respondents of the row unit: mean, n, and a 95% "
            "t-interval. See method.html#rating-cells.</p>")
    with atomic_write(Path(path)) as handle:
        style = "td.sup { color: #999; } h3 { font-size: 15px; }</style>"
        handle.write(_page(heading, body).replace("</style>", style))
    return Path(path)
