"""A manager who reads with a screen reader, a keyboard, a phone or weak eyes opens the report's static
pages (index.html, ratings.html, method.html, compare.html) and gets the same numbers as everyone
else (WCAG 2.1 AA, which EU public-sector bodies must meet: EN 301 549).

The pages are parsed with lxml: contrast ratios are computed here from the colours the pages emit,
with WCAG 2.1's formulas (relative luminance, contrast ratio), independently of the report's code.
The municipality example with its ratings, and examples/yearly's 2025 → 2026 comparison written by
`ona compare --config`, are the pages read."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import ROOT
from lxml import html as lxml_html

from ona.cli import cli
from ona.config import read_config, run_wave

EXAMPLE = ROOT / "examples" / "municipality"


# --- WCAG 2.1 colour arithmetic (https://www.w3.org/TR/WCAG21/#dfn-relative-luminance) -------------

def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.strip().lower()
    if colour.startswith("rgb("):
        return tuple(int(v) for v in colour[4:-1].split(","))
    digits = colour.lstrip("#")
    digits = "".join(d * 2 for d in digits) if len(digits) == 3 else digits
    return tuple(int(digits[i:i + 2], 16) for i in (0, 2, 4))


def luminance(colour: str) -> float:
    channels = [c / 255 for c in _rgb(colour)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_contrast_arithmetic_matches_the_published_values():
    """Black on white is 21:1; #767676 on white 4.54:1 (the WebAIM checker's values)."""
    assert round(contrast("#000", "#fff"), 2) == 21.0
    assert round(contrast("#767676", "#ffffff"), 2) == 4.54


# --- the pages -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """The municipality report with its ratings, written by `ona analyze`."""
    from click.testing import CliRunner

    out = tmp_path_factory.mktemp("municipality") / "report"
    result = CliRunner().invoke(cli, ["analyze", "--roster", str(EXAMPLE / "roster.xlsx"), "--ties",
                                      str(EXAMPLE / "ties.xlsx"), "--ratings", str(EXAMPLE / "ratings.xlsx"),
                                      "--scale", str(EXAMPLE / "scale.toml"), "--out", str(out),
                                      "--permutations", "50"])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def yearly(tmp_path_factory):
    """examples/yearly: its three waves run with ona.toml (reports in report-2024/ to report-2026/),
    then `ona compare 2025 2026 --config ona.toml --out compare`: the folder holding compare/."""
    from click.testing import CliRunner

    folder = tmp_path_factory.mktemp("yearly")
    for item in ("2024", "2025", "2026", "ona.toml"):
        src = ROOT / "examples" / "yearly" / item
        (shutil.copytree if src.is_dir() else shutil.copy)(src, folder / item)
    config = read_config(folder / "ona.toml")
    for wave in ("2024", "2025", "2026"):
        run_wave(config, wave)
    result = CliRunner().invoke(cli, ["compare", "2025", "2026", "--history", str(config.history_path),
                                      "--config", str(folder / "ona.toml"), "--out", str(folder / "compare")])
    assert result.exit_code == 0, result.output
    return folder


def _pages(report: Path, yearly: Path) -> dict[str, Path]:
    return {"index": report / "index.html", "ratings": report / "ratings.html", "method": report / "method.html",
            "compare": yearly / "compare" / "compare.html"}


@pytest.fixture(scope="module")
def pages(report, yearly):
    return {name: lxml_html.parse(str(path)).getroot() for name, path in _pages(report, yearly).items()}


def _text(element) -> str:
    return " ".join(element.text_content().split())


def _style(element, prop: str) -> str | None:
    match = re.search(rf"(?:^|;)\s*{prop}\s*:\s*([^;]+)", element.get("style") or "")
    return match.group(1).strip() if match else None


PAGE_NAMES = ["index", "ratings", "method", "compare"]


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_every_page_has_one_main_landmark_holding_its_content(pages, name):
    root = pages[name]
    mains = root.findall(".//main")
    assert len(mains) == 1
    body = root.find("body")
    assert [child.tag for child in body] == ["main"]


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_every_table_has_a_caption_and_named_scoped_distinct_headers(pages, name):
    """1.3.1: each table has a caption; each th a scope (col in the head, row beside a row) and
    words; no two column headers of one table read the same."""
    tables = pages[name].findall(".//table")
    assert tables
    for table in tables:
        caption = table.find("caption")
        assert caption is not None and _text(caption), lxml_html.tostring(table)[:200]
        for th in table.iter("th"):
            assert th.get("scope") == ("col" if th.getparent().getparent().tag == "thead" else "row")
            assert _text(th), lxml_html.tostring(table)[:300]
        heads = [_text(th) for th in table.findall("./thead/tr/th")]
        assert len(heads) == len(set(heads)), heads


def test_the_fragile_links_table_names_its_two_unit_columns_apart(pages):
    table = pages["index"].xpath("//h2[@id='fragile']/following::table[1]")[0]
    assert [_text(th) for th in table.findall("./thead/tr/th")] == [
        "One unit", "Other unit", "Ties between them", "Everything runs through"]


def test_the_ratings_beside_ties_table_names_its_pattern_column(pages):
    table = pages["ratings"].xpath("//h2[.='Ratings beside the ties']/following::table[1]")[0]
    assert [_text(th) for th in table.findall("./thead/tr/th")][-1] == "Pattern"


@pytest.mark.parametrize("name", ["index", "ratings", "compare"])
def test_every_heatmap_cell_reads_at_4_5_to_1(pages, name):
    """1.4.3: every coloured cell's text colour against its background, computed here: at least
    4.5:1 (the municipality's index heatmap had two white-on-blue cells at 3.98 and 4.44)."""
    cells = [td for table in pages[name].xpath("//table[contains(@class, 'heat')]") for td in table.iter("td")
             if _style(td, "background")]
    assert len(cells) > 50
    worst = min(contrast(_style(td, "color") or "#222222", _style(td, "background")) for td in cells)
    assert worst >= 4.5


def test_the_not_shown_marker_reads_at_4_5_to_1(pages):
    """The "·" of a cell with too few respondents: its CSS colour on the white cell."""
    css = pages["ratings"].find(".//style").text
    colour = re.search(r"td\.sup\s*\{\s*color:\s*(#[0-9a-fA-F]{3,6})", css).group(1)
    assert len(pages["ratings"].xpath("//td[@class='sup']")) > 0
    assert contrast(colour, "#ffffff") >= 4.5


def _details_rows(details) -> list[list[str]]:
    return [[_text(td) for td in tr] for tr in details.findall(".//tbody/tr")]


def test_the_index_heatmap_numbers_are_in_a_table_without_a_mouse(report, pages):
    """2.1.1: the tie count, possible ties, density and ratio to chance of every pair with a tie,
    shown until now only in a cell's title, are in a folded table under the heatmap (Enter opens it)."""
    import ona

    roster = ona.read_roster(EXAMPLE / "roster.xlsx")
    graph = ona.build_graph(roster, ona.read_ties(EXAMPLE / "ties.xlsx", roster))
    from ona.report.index_page import heatmap_cells

    cells = heatmap_cells(ona.measure(graph, permutations=50))
    details = pages["index"].xpath("//h2[@id='heatmap']/following::details[1]")[0]
    assert _text(details.find("summary")) == "The numbers for each pair of units"
    rows = {(r[0], r[1]): r[2:] for r in _details_rows(details)}
    with_ties = cells[cells["ties"] > 0]
    assert len(rows) == len(with_ties)
    fin = with_ties.set_index(["from_unit", "to_unit"]).loc[("Finance", "IT")]
    assert rows["Finance", "IT"] == [f"{fin['ties']:,}", f"{int(fin['possible_ties']):,}",
                                     f"{100 * fin['density']:.1f}%", f"{fin['observed_expected']:.2f}"]
    inside = with_ties.set_index(["from_unit", "to_unit"]).loc[("Finance", "Finance")]
    assert rows["Finance", "(inside)"][0] == f"{inside['ties']:,}"


def test_each_ratings_heatmap_has_its_n_and_interval_in_a_table(pages):
    """Every cell's title (mean, n, 95% interval) is also a row of the table under its heatmap."""
    root = pages["ratings"]
    heats = root.xpath("//h2[.='Ratings by question']/following::table[contains(@class, 'heat')]")
    assert len(heats) == len(root.xpath("//h2[.='Ratings by question']/following::h3"))
    for heat in heats:
        rows = {(r[0], r[1]): r[2:] for r in _details_rows(heat.xpath("following::details[1]")[0])}
        for tr in heat.findall("./tbody/tr"):
            rater = _text(tr.find("th"))
            for td in tr.findall("td"):
                title = td.get("title")
                if not title or td.get("class") == "sup":
                    continue
                match = re.fullmatch(r"(.*) rates (.*): mean ([\d.]+) \(n = (\d+)"
                                     r"(?:, 95% interval ([\d.]+) to ([\d.]+))?\)", title)
                assert match and match.group(1) == rater, title
                mean, n, low, high = match.group(3, 4, 5, 6)
                interval = f"{float(low):.2f} to {float(high):.2f}" if low else "–"
                assert rows[rater, match.group(2)] == [mean, n, interval]


def test_the_we_they_chart_has_its_values_in_text_and_bars_told_apart(pages):
    """10: the chart's text alternative and the table under it give every value; each bar colour
    has 3:1 against white (1.4.11); the two bars of a unit differ by more than colour (the second is
    hatched); ticks 1 to 5; the chart scales with the page (viewBox)."""
    root = pages["ratings"]
    svg = root.xpath("//h2[.='We rate them, they rate us']/following::svg[1]")[0]
    label = svg.get("aria-label")
    table = svg.xpath("following::details[1]")[0]
    rows = _details_rows(table)
    assert len(rows) == 13
    for unit, ours, theirs in rows:
        assert f"{unit} rates the others {ours}, is rated {theirs}" in label
    assert "Finance rates the others 4.11, is rated 2.36" in label
    assert svg.get("viewbox") and svg.get("width") == "100%"  # (lxml's HTML parser lowers attribute names)
    assert [t.text for t in svg.iter("text") if t.get("text-anchor") == "middle"] == ["1", "2", "3", "4", "5"]
    rects = [r for r in svg.iter("rect") if r.find("title") is not None]
    assert len(rects) == 26
    patterns = {p.get("id"): p.find("rect").get("fill") for p in svg.iter("pattern")}
    fills = [r.get("fill") for r in rects]
    assert set(fills[0::2]) != set(fills[1::2]) and any(f.startswith("url(#") for f in fills)
    for rect in rects:
        fill = rect.get("fill")
        solid = patterns[fill[5:-1]] if fill.startswith("url(#") else fill
        assert contrast(solid, "#ffffff") >= 3 and contrast(rect.get("stroke"), "#ffffff") >= 3
    values = [t.text for t in svg.iter("text") if re.fullmatch(r"\d\.\d\d", t.text or "")]
    assert sorted(values) == sorted(v for r in rows for v in r[1:])


def test_no_gap_or_change_reads_minus_or_plus_zero(pages, report):
    """19: a gap that rounds to zero reads "0.0", not "-0.0" or "+0.0" (ten of each on the
    municipality's gap matrix)."""
    signed_zero = re.compile(r"(?<![\w.])[+\-−]0(?:\.0+)?(?![\d.])")
    for name in ("index", "ratings", "compare"):
        cells = [_text(td) for td in pages[name].iter("td")]
        assert not [c for c in cells if signed_zero.search(c)], name
    gap = pages["ratings"].xpath("//h2[.='Where units disagree']/following::table[1]")[0]
    assert "0.0" in [_text(td) for td in gap.iter("td")]


@pytest.mark.parametrize("name", ["index", "ratings", "compare"])
def test_the_notes_explain_blank_cells_and_assume_no_mouse(pages, name):
    text = _text(pages[name].find(".//main"))
    assert "hover" not in text.lower() and "click" not in text.lower()
    heats = pages[name].xpath("//table[contains(@class, 'heat')]")
    assert heats
    for heat in heats:  # the note under the heatmap, or (ratings by question) the one above them all
        notes = heat.xpath("following::p[1]") + heat.xpath("preceding::p[@class='note'][1]")
        assert any("A blank cell:" in _text(note) for note in notes)


def _links(root) -> list[str]:
    return [a.get("href") for a in root.iter("a")]


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_every_link_leads_to_a_file_and_anchor_that_exist(report, yearly, pages, name):
    """11: every link on the page opens a file of the report (or of the wave reports, from
    compare.html's own folder) and, with a #fragment, an element with that id."""
    path = _pages(report, yearly)[name]
    hrefs = _links(pages[name])
    assert hrefs
    for href in hrefs:
        parts = urlsplit(href)
        assert not parts.scheme, href
        target = (path.parent / parts.path).resolve() if parts.path else path
        assert target.is_file(), href
        if parts.fragment:
            ids = lxml_html.parse(str(target)).getroot().xpath("//@id")
            assert parts.fragment in ids, href


def test_each_page_links_back_to_the_index_and_to_the_pages_it_names(pages):
    assert "index.html" in _links(pages["method"]) and "index.html" in _links(pages["ratings"])
    assert "method.html#rating-cells" in _links(pages["ratings"])
    method_links = _links(pages["method"])
    assert "map.html" in method_links
    # compare.html lives in its own folder: named in method.html, but no link to a file not there
    assert "compare.html" not in method_links and "compare.html" in _text(pages["method"])
    compare = _links(pages["compare"])
    assert {"../report-2025/index.html", "../report-2026/index.html",
            "../report-2026/method.html#wave-comparison", "compare.xlsx"} <= set(compare)


def test_compare_figures_read_as_on_index(pages, yearly):
    """12: shares in percent (as index.html says "24% of collaboration crosses unit lines"), their
    changes in points, counts with thousands separators, the densities explained, and the title
    names the comparison. The numbers: compare.xlsx's Org sheet."""
    import pandas as pd

    root = pages["compare"]
    assert root.find(".//title").text == "Comparison 2025 → 2026 — ona"
    org = {r[0]: r[1:] for r in ([_text(td) for td in tr] for tr in root.xpath("(//table)[1]/tbody/tr"))}
    book = pd.read_excel(yearly / "compare" / "compare.xlsx", sheet_name="Org", engine="calamine").set_index("metric")
    share = book.loc["cross_unit_share"]
    assert org["Share of ties across units"][:3] == [
        f"{100 * share['before']:.1f}%", f"{100 * share['after']:.1f}%", f"{100 * share['change']:+.1f} points ✔"]
    assert org["Ties"][:3] == [f"{book.loc['ties', 'before']:,.0f}", f"{book.loc['ties', 'after']:,.0f}",
                               f"{book.loc['ties', 'change']:+,.0f}"]
    assert "," in org["Ties"][0]
    density = book.loc["density"]
    assert org["Density"][:2] == [f"{100 * density['before']:.1f}%", f"{100 * density['after']:.1f}%"]
    assert org["Density"][2].endswith(" points")
    assert "Density: the ties as a percentage of all the ties possible" in _text(root)
    index = lxml_html.parse(str(yearly / "report-2026" / "index.html")).getroot()
    said = re.search(r"(\d+)% of collaboration crosses unit lines", _text(index)).group(1)
    assert said == f"{100 * share['after']:.0f}"


def test_the_compare_heatmap_colour_follows_the_number_it_shows(pages):
    """13, 23: the number in a cell is the change in ties; the colour is that change too: the larger
    a gain, the bluer (less red in the background), the larger a loss, the redder (less blue); equal
    numbers, equal colours; no number, white."""
    heat = pages["compare"].xpath("//table[contains(@class, 'heat')]")[0]
    cells = [(_text(td), _rgb(_style(td, "background"))) for td in heat.iter("td") if _style(td, "background")]
    gains = sorted((int(t), rgb) for t, rgb in cells if t.startswith("+"))
    losses = sorted((-int(t), rgb) for t, rgb in cells if t.startswith("-"))
    assert len(gains) > 3 and len(losses) > 10
    for ordered, channel in ((gains, 0), (losses, 2)):
        for (n1, c1), (n2, c2) in zip(ordered, ordered[1:]):
            assert c1[channel] > c2[channel] if n1 < n2 else c1 == c2, (n1, c1, n2, c2)
    assert {rgb for t, rgb in cells if t == ""} <= {(255, 255, 255)}
    note = _text(heat.xpath("following::p[1]")[0])
    assert "the stronger the colour, the larger the change in the cell" in note


def test_method_headings_are_words_with_the_code_name_after(pages, report):
    """16: "Betweenness (betweenness)", not "betweenness"; the anchors other pages link to stay."""
    heads = {h.get("id"): _text(h) for h in pages["method"].iter("h2")}
    assert heads["degree_table"] == "Ties of each person (degree_table)"
    assert heads["ei_index"] == "E-I index: ties outside against ties inside a unit (ei_index)"
    assert heads["rating-cells"] == "Rating cells"
    assert not [text for text in heads.values() if re.fullmatch(r"[a-z_]+", text)]
    for href in _links(pages["index"]) + _links(pages["ratings"]):
        if href.startswith("method.html#"):
            assert href.split("#")[1] in heads


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_no_text_is_smaller_than_12px(pages, name):
    """21: every font size in the page's CSS, inline styles and SVG text is 12px or more."""
    root = pages[name]
    css = " ".join(s.text or "" for s in root.iter("style"))
    sizes = [float(v) for v in re.findall(r"font-size:\s*([\d.]+)px", css)]
    sizes += [float(t.get("font-size")) for t in root.iter("text") if t.get("font-size")]
    assert sizes and min(sizes) >= 12


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_every_table_scrolls_inside_its_own_named_box(pages, name):
    """20: each table sits in a box that scrolls sideways itself (overflow-x: auto), which a keyboard
    can reach (tabindex 0) and a screen reader names (a region with a label)."""
    root = pages[name]
    css = " ".join(s.text or "" for s in root.iter("style"))
    assert re.search(r"\.scroll\s*\{[^}]*overflow-x:\s*auto", css)
    for table in root.iter("table"):
        box = table.getparent()
        assert (box.tag, box.get("class"), box.get("role"), box.get("tabindex")) == ("div", "scroll", "region", "0")
        assert box.get("aria-label")


def test_index_stays_without_script(pages):
    assert not list(pages["index"].iter("script"))
    assert "script-src" not in pages["index"].xpath("//meta[@http-equiv='Content-Security-Policy']/@content")[0]


# --- in a browser ----------------------------------------------------------------------------------

@pytest.mark.browser
@pytest.mark.parametrize("name", PAGE_NAMES)
def test_a_phone_reads_each_page_without_scrolling_it_sideways(browser, report, yearly, name):
    """1.4.10 at 390 CSS px (a phone, or 400% zoom of a 1280px window): the page is no wider than
    the screen; a wide table scrolls inside its box."""
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(_pages(report, yearly)[name].as_uri())
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.close()


@pytest.mark.browser
def test_a_keyboard_opens_the_numbers_behind_the_heatmap(browser, report):
    """2.1.1: Tab reaches the heatmap's box (to scroll it with the arrow keys), then the two links of
    the note under it (to the definitions of density and ratio to chance), then the summary; Enter
    opens the table of pairs."""
    page = browser.new_page()
    page.goto((report / "index.html").as_uri())
    focused = []
    for _ in range(60):
        page.keyboard.press("Tab")
        focused.append(page.evaluate("document.activeElement.tagName + ' ' + (document.activeElement.getAttribute"
                                     "('aria-label') || document.activeElement.textContent.slice(0, 40))"))
        if focused[-1].startswith("SUMMARY"):
            break
    assert focused[-4:] == ["DIV Heatmap of ties between units", "A density", "A ratio to chance",
                            "SUMMARY The numbers for each pair of units"]
    assert not page.locator("h2#heatmap ~ details").first.locator("table").is_visible()
    page.keyboard.press("Enter")
    assert page.locator("h2#heatmap ~ details").first.locator("table").is_visible()
    page.close()
