"""report/ratings.html: how units see each other. Rating heatmaps per question (each with a table of
mean, n and 95% interval per pair under it), the perception-gap matrix on a diverging scale, "how we
rate the others / how the others rate us" per unit, support functions' reach, and findings computed
from the numbers. Static HTML without script; every name from input escaped."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from .._files import atomic_write
from ..metrics.ratings import OVERALL, RatingsResult
from ._html import change_text, details_table, scroll_box, table, text_colour_on
from ._words import fixed
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
            out.append(f"{worst} rates the other units {fixed(r['rates_others'], 1)} on average, but the others rate "
                       f"{worst} {fixed(r['rated_by_others'], 1)}: the largest gap between how a unit sees its "
                       "cooperation and how the others see it.")
        best = units["rated_by_others"].idxmax()
        out.append(f"{best} is rated best by the other units ({fixed(units.loc[best, 'rated_by_others'], 1)}).")
    flagged = result.gaps[result.gaps["disagreement"]]
    if len(flagged):
        top = flagged.iloc[0]
        out.append(f"{len(flagged)} pairs of units disagree beyond chance about their cooperation; the largest: "
                   f"{top['unit_a']} rates {top['unit_b']} {fixed(top['a_rates_b'], 1)}, {top['unit_b']} rates "
                   f"{top['unit_a']} {fixed(top['b_rates_a'], 1)}.")
    if result.support is not None and len(result.support):
        low = result.support.sort_values("line_rates_it").iloc[0]
        if not math.isnan(low["line_rates_it"]):
            managers = (f" and {low['line_managers_reached']} of {low['line_managers']} line managers"
                        if low["line_managers"] else "")  # (none known: no role column, or pseudonymised)
            out.append(f"Of the support functions, the line rates {low['support_unit']} lowest "
                       f"({fixed(low['line_rates_it'], 1)}); it has ties with {low['line_units_reached']} of "
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


def _cell(background: str, title: str, text: str) -> str:
    """A heatmap cell: its background, its text in black or white (whichever contrasts more), a title."""
    return (f'<td style="background:{background};color:{text_colour_on(background)}" title="{_e(title)}">'
            f"{text}</td>")


def _heatmap(cells: pd.DataFrame, units: list[str], measure: str, name: str) -> str:
    """The mean rating of each rater unit (row) for each rated unit (column), and under it, folded,
    the same cells as a table with n and the 95% interval (no mouse needed: WCAG 2.1.1)."""
    c = cells[cells["measure"] == measure].set_index(["rater_unit", "rated_unit"])
    values = c["mean"].dropna()
    low, high = (float(values.min()), float(values.max())) if len(values) else (1.0, 5.0)
    head = "".join(f'<th class="col" scope="col">{_e(u)}</th>' for u in units)
    rows, pair_rows = [], []
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
                pair_rows.append(f"<tr><td>{_e(a)}</td><td>{_e(b)}</td><td colspan='3'>not shown (fewer than the "
                                 "minimum number of respondents)</td></tr>")
                continue
            interval = "" if math.isnan(r["ci_low"]) else f"{fixed(r['ci_low'], 2)} to {fixed(r['ci_high'], 2)}"
            tip = f"{a} rates {b}: mean {fixed(r['mean'], 2)} (n = {int(r['n'])}" + \
                (f", 95% interval {interval})" if interval else ")")
            tds.append(_cell(_colour(r["mean"], low, high), tip, fixed(r["mean"], 1)))
            pair_rows.append(f"<tr><td>{_e(a)}</td><td>{_e(b)}</td><td class='num'>{fixed(r['mean'], 2)}</td>"
                             f"<td class='num'>{int(r['n']):,}</td><td class='num'>{interval or '–'}</td></tr>")
        rows.append(f'<tr><th class="row" scope="row">{_e(a)}</th>{"".join(tds)}</tr>')
    heat = (f'<table class="heat"><caption class="vh">{_e(name)}: mean rating by the row unit of the column unit'
            f'</caption><thead><tr><th scope="col">rater \\ rated</th>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')
    return (scroll_box(heat, f"Ratings heatmap: {name}")
            + details_table(f"The numbers for each pair of units: {name}", f"{name}: mean, respondents and interval",
                            ["Rater unit", "Rated unit", "Mean", "Respondents (n)", "95% interval"], pair_rows))


def _gap_matrix(result: RatingsResult, units: list[str]) -> str:
    g = {}
    for r in result.gaps.itertuples():
        g[(r.unit_a, r.unit_b)] = (r.gap, r.disagreement, r.a_rates_b, r.b_rates_a)
        g[(r.unit_b, r.unit_a)] = (-r.gap, r.disagreement, r.b_rates_a, r.a_rates_b)
    extent = max([abs(v[0]) for v in g.values() if not math.isnan(v[0])] or [1.0])
    head = "".join(f'<th class="col" scope="col">{_e(u)}</th>' for u in units)
    rows = []
    for a in units:
        tds = []
        for b in units:
            if (a, b) not in g or math.isnan(g[(a, b)][0]):
                tds.append("<td></td>")
                continue
            gap, flagged, ab, ba = g[(a, b)]
            tip = f"{a} rates {b} {fixed(ab, 2)}; {b} rates {a} {fixed(ba, 2)}; gap {change_text(gap, 2)}" + \
                ("; beyond chance" if flagged else "")
            shown = change_text(gap, 1)
            tds.append(_cell(_diverging(gap, extent), tip, f"<b>{shown}</b>" if flagged else shown))
        rows.append(f'<tr><th class="row" scope="row">{_e(a)}</th>{"".join(tds)}</tr>')
    heat = (f'<table class="heat"><caption class="vh">Perception gap: how the row unit rates the column unit minus '
            f'how the column unit rates the row unit</caption><thead><tr><th scope="col">row − column</th>{head}'
            f'</tr></thead><tbody>{"".join(rows)}</tbody></table>')
    return (scroll_box(heat, "Perception gap between units")
            + "<p class='note'>How the row unit rates the column unit minus how the column unit rates the row "
            "unit (overall score), to one decimal. Blue: the row unit rates higher than it is rated back; red: "
            "lower; the stronger the colour, the larger the gap. Bold: the two 95% intervals do not overlap. A "
            "blank cell: no gap (a unit and itself, or a pair where one of the two ratings is missing or not "
            "shown).</p>")


#: The two bars of the chart: colour (each at least 3:1 against white, WCAG 1.4.11), the fill (the
#: second hatched, so the two differ by more than colour, WCAG 1.4.1) and the words.
_WE_THEY_BARS = (("rates_others", "#0072B2", "#0072B2", "rates the others"),
                 ("rated_by_others", "#D55E00", "url(#we-they-hatch)", "is rated by the others"))


def _we_they_chart(result: RatingsResult) -> str:
    """Two bars per unit on the 1-5 scale, each with its value written at its end; ticks at 1 to 5;
    the values also in the chart's text alternative and in a table under it. The chart scales to the
    page's width (viewBox)."""
    units = result.units.dropna(subset=["rates_others", "rated_by_others"], how="all")
    if not len(units):
        return ""
    bar, gap, label_w, scale_w = 13, 10, 200, 300
    width, top = label_w + scale_w + 50, 8
    height = top + len(units) * (2 * bar + gap) + 24
    axis_y = height - 24
    hatch = ('<defs><pattern id="we-they-hatch" width="5" height="5" patternUnits="userSpaceOnUse" '
             'patternTransform="rotate(45)"><rect width="5" height="5" fill="#D55E00"/>'
             '<line x1="0" y1="0" x2="0" y2="5" stroke="#fff" stroke-width="1.5"/></pattern></defs>')
    parts = [hatch]
    for tick in range(1, 6):
        x = label_w + scale_w * (tick - 1) / 4
        parts.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{axis_y}" stroke="#ccc"/>'
                     f'<text x="{x:.1f}" y="{axis_y + 16}" font-size="12" text-anchor="middle">{tick}</text>')
    said, rows = [], []
    for i, (unit, r) in enumerate(units.iterrows()):
        y = top + i * (2 * bar + gap)
        parts.append(f'<text x="{label_w - 6}" y="{y + bar + 4}" text-anchor="end" font-size="12">{_e(unit)}</text>')
        values = []
        for k, (key, colour, fill, what) in enumerate(_WE_THEY_BARS):
            value = r[key]
            if value is None or math.isnan(value):
                values.append("–")
                continue
            values.append(fixed(value, 2))
            w = max(scale_w * (value - 1) / 4, 1)
            parts.append(f'<rect x="{label_w}" y="{y + k * bar}" width="{w:.1f}" height="{bar - 1}" fill="{fill}" '
                         f'stroke="{colour}"><title>{_e(unit)} {what}: {fixed(value, 2)}</title></rect>'
                         f'<text x="{label_w + w + 4:.1f}" y="{y + k * bar + bar - 2}" font-size="12">'
                         f"{fixed(value, 2)}</text>")
        said.append(f"{unit} rates the others {values[0]}, is rated {values[1]}")
        rows.append(f"<tr><td>{_e(unit)}</td><td class='num'>{values[0]}</td><td class='num'>{values[1]}</td></tr>")
    label = "How each unit rates the others and is rated by them, on the scale 1 to 5: " + "; ".join(said)
    swatch = ('<svg width="14" height="12" aria-hidden="true" focusable="false"><rect x="0.5" y="0.5" width="13" '
              'height="11" fill="{}" stroke="{}"/></svg>')
    words = ("how the unit rates the other units", "how the other units rate it")
    legend = " · ".join(f"{swatch.format(fill, colour)} {said}"
                        for said, (_, colour, fill, _) in zip(words, _WE_THEY_BARS))
    return (f'<svg viewBox="0 0 {width} {height}" width="100%" style="max-width:{width}px;height:auto" role="img" '
            f'aria-label="{_e(label)}">{"".join(parts)}</svg>'
            f'<p class="note">{legend} (overall score, 1-5; the value is written at the end of each bar).</p>'
            + details_table("The chart's numbers", "How each unit rates the others and is rated by them",
                            ["Unit", "Rates the others", "Is rated by the others"], rows))


def _support(result: RatingsResult) -> str:
    if result.support is None or not len(result.support):
        return ""

    def pct(x):
        return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else fixed(x, 0, percent=True) + "%"

    def num(x):
        return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else fixed(x, 2)

    rows = [
        f"<tr><td>{_e(r.support_unit)}</td><td class='num'>{r.line_units_reached} of {r.line_units} "
        f"({pct(r.line_unit_reach)})</td><td class='num'>{r.line_managers_reached} of {r.line_managers} "
        f"({pct(r.line_manager_reach)})</td><td class='num'>{num(r.line_rates_it)}</td>"
        f"<td class='num'>{num(r.it_rates_line)}</td></tr>" for r in result.support.itertuples()]
    return ("<h2>Support functions and the line</h2>"
            + table("Support functions: their ties with the line and the ratings both ways",
                    ["Support unit", "Line units with a tie", "Line managers with a tie", "The line rates it",
                     "It rates the line"], rows))


def _rated_vs_ties(result: RatingsResult) -> str:
    p = result.perceived_vs_actual
    if p is None:
        return ""
    named = p[p["pattern"] != ""].sort_values(["pattern", "mean"], ascending=[False, False])
    if not len(named):
        return ""
    rows = [
        f"<tr><td>{_e(r.rater_unit)}</td><td>{_e(r.rated_unit)}</td><td class='num'>{fixed(r.mean, 2)}</td>"
        f"<td class='num'>{0 if pd.isna(r.ties) else int(r.ties)}</td>"
        f"<td class='num'>{'–' if pd.isna(r.observed_expected) else fixed(r.observed_expected, 2)}</td>"
        f"<td>{_e(r.pattern)}</td></tr>" for r in named.itertuples()]
    return ("<h2>Ratings beside the ties</h2>"
            + table("Pairs of units whose rating and ties tell different stories",
                    ["Rater unit", "Rated unit", "Rating", "Ties", "Ties / chance", "Pattern"], rows) +
            "<p class='note'>Ties from the rater unit's people to the rated unit's people, and that number over "
            "what chance would give. Top third of ratings with bottom third of ties, and the reverse.</p>")


def write_ratings_page(result: RatingsResult, path: str | Path, *, title: str | None = None) -> Path:
    """Write ratings.html (atomically)."""
    cells = result.cells
    units = sorted(set(cells["rater_unit"]) | set(cells["rated_unit"]))
    measures = list(dict.fromkeys(cells["measure"]))
    heading = title or "How the units see each other"
    findings = "".join(f"<li>{_e(f)}</li>" for f in rating_findings(result))
    names = [("Overall" if m == OVERALL else m, m) for m in [OVERALL] + [m for m in measures if m != OVERALL]]
    sections = "".join(f"<h3 id='measure-{i}'>{_e(name)}</h3>{_heatmap(cells, units, m, name)}"
                       for i, (name, m) in enumerate(names))
    counts = result.parameters.get("answers", {})
    body = (f"<h1>{_e(heading)}</h1>"
            f"<p class='sub'>{counts.get('ok', 0):,} answers scored, {counts.get('missing', 0):,} blank or "
            f"'don't know'; {counts.get('partial', 0):,} respondents answered only some questions about a unit "
            "(their score is the mean of those they answered). Cells with fewer than "
            f"{result.parameters['min_group_size']} respondents are not shown (·), nor counted in any unit's "
            "figures.</p><nav aria-label='Report pages'><a href='index.html'>Back to the report</a> "
            "<a href='method.html#rating-cells'>How the numbers are computed</a></nav>"
            f"<h2>Findings</h2><ul class='findings'>{findings}</ul>"
            f"<h2>We rate them, they rate us</h2>{_we_they_chart(result)}"
            f"<h2>Where units disagree</h2>{_gap_matrix(result, units)}"
            f"<h2>Ratings by question</h2><p class='note'>Row: the unit of the respondents; column: the unit they "
            "rate; the cell: their mean score, to one decimal, the darker the higher. ·: fewer respondents than "
            "the minimum, not shown. A blank cell: nobody of the row unit rated the column unit. Under each "
            f"heatmap, a table gives every cell's mean, respondents (n) and 95% interval.</p>{sections}"
            f"{_support(result)}"
            f"{_rated_vs_ties(result)}"
            "<h2>Method</h2><p>A respondent's score for a unit is the mean of their answers (subscale: of its "
            "questions; overall: of all). A cell pools the respondents of the row unit: mean, n, and a 95% "
            "t-interval. See <a href='method.html#rating-cells'>method.html#rating-cells</a>.</p>")
    with atomic_write(Path(path)) as handle:
        style = "td.sup { color: #595959; } h3 { font-size: 15px; }</style>"  # 7:1 on white (WCAG 1.4.3)
        handle.write(_page(heading, body).replace("</style>", style))
    return Path(path)
