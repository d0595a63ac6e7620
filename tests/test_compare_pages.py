"""The method page and the wave comparison page: definition tables render as tables, and the
comparison measures both waves on one basis (the later wave's units), as docs/metrics.md says."""

from __future__ import annotations

import html as _html
import re
import shutil

import pandas as pd
import pytest
from conftest import ROOT

from ona.compare import compare_waves
from ona.config import read_config, run_wave
from ona.history import open_history
from ona.report.compare_page import _svg_line, write_comparison
from ona.report.index_page import _markdown_to_html, write_method_page


def test_the_method_page_renders_its_definition_tables(tmp_path):
    """The person figures, unit figures and brokerage roles of docs/metrics.md are HTML tables
    with a header row, not the raw '| column | definition |' text."""
    html = write_method_page(tmp_path / "method.html").read_text(encoding="utf-8")
    assert html.count("<table>") == 3 and "| ---" not in html and "| column |" not in html
    heads = re.findall(r"<thead><tr>(.*?)</tr></thead>", html)
    assert heads == ['<th scope="col">column</th><th scope="col">definition</th>'] * 2 + [
        '<th scope="col">column</th><th scope="col">role</th><th scope="col">shape</th><th scope="col">sna column</th>']
    assert ("<tr><td><code>liaison</code></td><td>liaison</td><td>a, b, c in three different units</td>"
            "<td>b_O</td></tr>") in html
    assert 'id="ei_index"' in html


def test_a_markdown_table_cell_is_escaped():
    html = _markdown_to_html("Before.\n| a | b |\n| --- | --- |\n| <x> & y | `z` |\nAfter.")
    assert html == ('<p>Before.</p>\n<div class="scroll" role="region" tabindex="0" aria-label="Table: Definitions">'
                    '<table><caption class="vh">Definitions</caption><thead><tr><th scope="col">a</th>'
                    '<th scope="col">b</th></tr></thead><tbody><tr><td>&lt;x&gt; &amp; y</td><td><code>z</code></td>'
                    "</tr></tbody></table></div>\n<p>After.</p>")


# --- compare.html on the yearly example: the 2025 merger of Employment and Social & Psychiatry ----

NEVER_SPANNERS = {"E0175", "E0193", "E0207", "E0208", "E0231", "E0239", "E0247", "E0252"}


@pytest.fixture(scope="module")
def merger(tmp_path_factory):
    """compare-2025 of examples/yearly: (comparison, compare.html as text, the stored waves)."""
    folder = tmp_path_factory.mktemp("yearly")
    for item in ("2024", "2025", "ona.toml"):
        src = ROOT / "examples" / "yearly" / item
        (shutil.copytree if src.is_dir() else shutil.copy)(src, folder / item)
    config = read_config(folder / "ona.toml")
    for wave in ("2024", "2025"):
        run_wave(config, wave)
    with open_history(config.history_path) as history:
        before, after = history.load("2024"), history.load("2025")
        waves = history.waves()
    c = compare_waves(before, after, mapping=config.units, **config.compare)
    three = pd.concat([waves, waves.iloc[[1]].assign(wave="2025b")], ignore_index=True)
    page = write_comparison(c, folder / "compare", waves=three)["html"].read_text(encoding="utf-8")
    return c, page, before, after


def text_of(page: str) -> str:
    return " ".join(_html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_the_earlier_wave_is_measured_under_the_later_units_throughout(merger):
    """2024 had 13 units (Employment and Social & Psychiatry apart); under the 2025 units it has 12
    and every unit-dependent figure is re-measured on them, not left on 2024's own 13."""
    c, _, before, _ = merger
    own = before.measurement.summary
    assert (own["units"], round(own["cross_unit_share"], 3), round(own["modularity"], 3),
            own["boundary_spanners"]) == (13, 0.233, 0.723, 101)
    row = c.org["before"]
    assert (row["units"], round(row["cross_unit_share"], 3), round(row["ei_index"], 3), round(row["modularity"], 3),
            round(row["unit_community_nmi"], 3), row["boundary_spanners"]) == (12, 0.220, -0.560, 0.713, 0.939, 92)
    assert round(c.org.loc["modularity", "change"], 3) == 0.006
    assert c.parameters["before_units"] == "the units of 2025 (unit mapping)"


def test_the_page_says_which_units_the_earlier_wave_is_on(merger):
    _, page, _, _ = merger
    text = text_of(page)
    assert ("2024 is measured here under the units of 2025 (the renamed and merged units below), so that a "
            "reorganisation does not show as a change in collaboration; its figures can therefore differ from "
            "2024's own report, which uses the units of its time.") in text
    assert ("Each wave is shown on its own units, as in its own report, so 2024 can differ from the table above "
            "(measured under the units of 2025).") in text
    assert "Units 12 12 0 Share of ties across units 22.0% 19.5% -2.5 points" in text
    assert "Boundary spanners 92 74 -18" in text


def test_the_merger_does_not_show_as_people_leaving_their_role(merger):
    """Recomputed under the 2025 units, 6 Employment & Social people stopped being boundary
    spanners, not 14: the 8 others were never boundary spanners once the two units are one."""
    c, page, _, _ = merger
    p = c.people
    stopped = p[(p["unit_after"] == "Employment & Social") & (p["role"] == "boundary spanner")
                & (p["change"] == "stopped being")]
    assert set(stopped["id"]) == {"E0165", "E0168", "E0201", "E0209", "E0212", "E0251"}
    assert not NEVER_SPANNERS & set(p.loc[p["role"] == "boundary spanner", "id"])
    assert ("<td>Ida Löfgren (E0165)</td><td>Employment &amp; Social</td><td>stopped being boundary spanner</td>"
            in page)


def test_the_units_table_shows_the_interval_of_the_change(merger):
    c, page, _, _ = merger
    r = c.units.loc["Employment & Social"]
    assert f"{r['ei_change_low']:+.3f} to {r['ei_change_high']:+.3f}" == "-0.263 to -0.025"
    assert ("<td class='num'>-0.419</td><td class='num'>-0.564</td><td class='num'><b>-0.145</b> ✔</td>"
            "<td>-0.263 to -0.025</td></tr>") in page
    units_table = page.split("<h2>Units</h2>")[1].split("</thead>")[0]
    assert units_table.endswith('<th scope="col">Change</th><th scope="col">95% interval of the change</th></tr>')


def test_figures_read_as_on_the_wave_reports(merger):
    """Response rate in percent as on index.html; the broker rule says coordinator roles are left
    out; a count in a trend chart is whole."""
    _, page, _, _ = merger
    text = text_of(page)
    assert "Response rate 85% 94% +8.7 points" in text
    assert ("Broker: top 10% of the wave's brokerage across units (coordinator roles, which stay inside one unit, "
            "not counted), above 0.") in text
    assert "<title>2024: 101</title>" in page and "101.000" not in page
    chart = _svg_line([101, 74, 87], ["2024", "2025", "2026"], "Boundary spanners", 0)
    assert "<title>2025: 74</title>" in chart and ">101</text>" in chart and ">74</text>" in chart


def test_a_zero_change_keeps_its_decimals(merger, tmp_path):
    """Comparing a wave with itself: every change is zero, shown without a sign (as no page shows
    "+0.0"): 0.0 points for a share, 0.000 for the E-I index, 0 for a count."""
    _, _, _, after = merger
    c = compare_waves(after, after, bootstraps=50)
    text = text_of(write_comparison(c, tmp_path)["html"].read_text(encoding="utf-8"))
    assert "Share of ties across units 19.5% 19.5% 0.0 points" in text and "Ties 3,408 3,408 0 " in text
    assert "E-I index (org) -0.609 -0.609 0.000 " in text
    assert "measured here under the units" not in text


def test_a_density_under_a_tenth_of_a_percent_is_escaped_on_the_page(merger, tmp_path):
    """A density that would round to 0.0% reads "<0.1%" (as on the wave's report), written "&lt;0.1%":
    a raw "<0.1%" in a cell is not valid HTML (a browser may read it as the start of a tag)."""
    from dataclasses import replace

    c, _, _, _ = merger
    org = c.org.copy()
    org.loc["density", "before"] = 0.0004
    pairs = c.unit_pairs.copy()
    pairs.loc[pairs.index[0], ["density_before", "density_after"]] = [0.0003, 0.0002]
    page = write_comparison(replace(c, org=org, unit_pairs=pairs), tmp_path / "compare")["html"].read_text(
        encoding="utf-8")
    assert "<0.1" not in page
    assert "<td class='num'>&lt;0.1%</td>" in page
    assert page.count("&lt;0.1%") >= 3  # the org figure, and the pair's two densities


def test_a_comparison_whose_workbook_fails_leaves_the_old_page(merger, tmp_path, monkeypatch):
    """compare.html and compare.xlsx are one output: when the workbook cannot be written, the page
    written before stays as it was, and a first run leaves no page at all."""
    from dataclasses import replace

    import ona.report.workbook

    c, _, _, _ = merger
    out = tmp_path / "compare"
    old = write_comparison(c, out)["html"].read_bytes()

    def fail(frames, path):
        raise OSError("disk full")

    monkeypatch.setattr(ona.report.workbook, "write_frames", fail)
    with pytest.raises(OSError):
        write_comparison(replace(c, before="2023"), out)  # (another page than the one written)
    assert (out / "compare.html").read_bytes() == old
    with pytest.raises(OSError):
        write_comparison(c, tmp_path / "first")
    assert not (tmp_path / "first" / "compare.html").exists()
    assert sorted(p.name for p in (tmp_path / "first").iterdir()) == []
