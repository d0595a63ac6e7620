"""A manager and an analyst read the same report: every number index.html, map.html and units.html
state is the number metrics.json and metrics.xlsx hold, rounded as shown; every finding is true of
the tie table (recomputed here from nodes.csv and edges.csv, never from ona's figures); and the
words around the numbers are right (units and denominators, singular and plural, no "-0.00",
"nan" or "None", the statistics linked to their definitions on method.html).

The whole comparison runs on the example municipality (every person, unit, pair and finding, not
a sample); the findings are also recomputed on two real organisations (Lazega's law firm by office,
Krackhardt's high-tech managers by department)."""

from __future__ import annotations

import html
import json
import math
import re
from collections import Counter, defaultdict
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from ona.cli import cli

from conftest import DATA, ROOT

EXAMPLE = ROOT / "examples" / "municipality"


# ---------------------------------------------------------------- reading the pages


class _Page(HTMLParser):
    """The parts of a static report page a reader sees: each table (caption, rows of cell texts,
    whether a cell is a header), the findings' items, the sub-title, every link's target and the
    text inside each link, and the page's text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self.findings: list[str] = []
        self.finding_links: list[list[str]] = []
        self.sub = ""
        self.text: list[str] = []
        self._stack: list[tuple[str, dict]] = []
        self._cell: list[str] | None = None
        self._li: list[str] | None = None
        self._sub: list[str] | None = None
        self._caption: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self._stack.append((tag, attrs))
        if tag == "table":
            self.tables.append({"caption": "", "rows": []})
        elif tag == "caption":
            self._caption = []
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "li" and any(t == "ul" and "findings" in (a.get("class") or "") for t, a in self._stack):
            self._li = []
            self.finding_links.append([])
        elif tag == "p" and attrs.get("class") == "sub":
            self._sub = []
        elif tag == "a" and self._li is not None:
            self.finding_links[-1].append(attrs.get("href", ""))

    def handle_endtag(self, tag):
        while self._stack and self._stack[-1][0] != tag:
            self._stack.pop()
        if self._stack:
            self._stack.pop()
        if tag in ("td", "th") and self._cell is not None and self.tables:
            self.tables[-1]["rows"][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "caption" and self._caption is not None:
            self.tables[-1]["caption"] = "".join(self._caption).strip()
            self._caption = None
        elif tag == "li" and self._li is not None:
            self.findings.append(" ".join("".join(self._li).split()))
            self._li = None
        elif tag == "p" and self._sub is not None:
            self.sub = "".join(self._sub).strip()
            self._sub = None

    def handle_data(self, data):
        self.text.append(data)
        for part in (self._cell, self._li, self._sub, self._caption):
            if part is not None:
                part.append(data)


def read_page(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def table(page: _Page, caption: str) -> list[list[str]]:
    """The body rows of the table with ``caption`` (its header row left out)."""
    found = [t for t in page.tables if t["caption"] == caption]
    assert len(found) == 1, f"one table {caption!r} expected, found {[t['caption'] for t in page.tables]}"
    return [row for row in found[0]["rows"][1:] if row]


def map_json(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    found = re.search(r'<script id="ona-data" type="application/json">(.*?)</script>', text, re.S)
    return json.loads(found.group(1))


def sheet(path: Path, name: str) -> list[dict]:
    """The rows of one sheet of metrics.xlsx as dicts keyed by its header row."""
    rows = list(openpyxl.load_workbook(path, read_only=True)[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], row)) for row in rows[1:]]


# ---------------------------------------------------------------- how the pages round


def half_up(value: float, digits: int, *, percent: bool = False) -> str:
    """``value`` to ``digits`` decimals as a person rounds, a half up (6.25 -> "6.3", where Python's
    format writes "6.2"), on the decimal that the float reads as; with ``percent``, of 100 x value."""
    from decimal import ROUND_HALF_UP, Decimal

    exact = Decimal(repr(float(value))).scaleb(2 if percent else 0)
    return f"{exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP):f}"


def pct1(density: float) -> str:
    """A density as a percentage with one decimal, "<0.1" above 0 and below 0.05%."""
    return "<0.1" if 0 < 100 * density < 0.05 else half_up(density, 1, percent=True)


def whole_pct(part: int, whole: int) -> str:
    percent = (200 * part + whole) // (2 * whole)  # 100 x part / whole, a half rounded up
    return ">99%" if percent == 100 and part < whole else "<1%" if percent == 0 and part else f"{percent}%"


def sign2(value) -> str:
    """An E-I index with its sign and two decimals; one that rounds to zero is "0.00", never "-0.00"."""
    if value is None or value != value:
        return "–"
    text = half_up(value, 2)
    return "0.00" if text in ("0.00", "-0.00") else text if text.startswith("-") else "+" + text


def panel_figure(value) -> str:
    """A figure of a person's panel that is no count: two decimals for everyone ("3.00" beside "0.25"),
    "–" for none."""
    if value is None or value != value:
        return "–"
    return half_up(value, 2)


def two(value) -> str:
    return "–" if value is None or value != value else half_up(value, 2)


# ---------------------------------------------------------------- the reports


def analyze(runner, out: Path, roster: Path, ties: Path, by: str | None = None) -> Path:
    args = ["analyze", "--roster", str(roster), "--ties", str(ties), "--out", str(out)]
    result = runner.invoke(cli, args + (["--by", by] if by else []))
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def municipality(tmp_path_factory):
    from click.testing import CliRunner

    return analyze(CliRunner(), tmp_path_factory.mktemp("municipality"), EXAMPLE / "roster.xlsx",
                   EXAMPLE / "ties.xlsx")


REAL = {
    "lazega": ("lazega", "nodes.csv", "edges_advice.csv", "office"),
    "krackhardt": ("krackhardt", "nodes.csv", "edges_advice.csv", "department"),
}


@pytest.fixture(scope="module", params=["municipality", "lazega", "krackhardt"])
def any_report(request, tmp_path_factory):
    from click.testing import CliRunner

    if request.param == "municipality":
        return request.getfixturevalue("municipality")
    folder, roster, ties, by = REAL[request.param]
    return analyze(CliRunner(), tmp_path_factory.mktemp(request.param), DATA / folder / roster,
                   DATA / folder / ties, by)


def metrics(report: Path) -> dict:
    return json.loads((report / "metrics.json").read_text(encoding="utf-8"))


# ---------------------------------------------------------------- 1. the same numbers everywhere


def test_the_subtitle_counts_people_units_and_ties_as_metrics_json(municipality):
    s = metrics(municipality)["summary"]
    page = read_page(municipality / "index.html")
    unit_column = metrics(municipality)["parameters"]["unit_column"]
    assert page.sub == f"{s['people']:,} people in {s['units']:,} units (by {unit_column}), {s['ties']:,} ties."
    rows = {r["Key"]: r["Value"] for r in sheet(municipality / "metrics.xlsx", "Summary") if r.get("Key")}
    for key in ("people", "units", "ties", "cross_unit_ties", "boundary_spanners", "respondents"):
        assert rows[key] == s[key]


def test_every_heatmap_cell_is_the_density_of_metrics_json_and_the_xlsx_matrix(municipality):
    m = metrics(municipality)
    units = [u["unit"] for u in m["units"]]
    density = {(p["from_unit"], p["to_unit"]): p for p in m["unit_pairs"]}
    matrix = list(openpyxl.load_workbook(municipality / "metrics.xlsx", read_only=True)["Unit matrix"]
                  .iter_rows(values_only=True))
    header = list(matrix[1][1:])
    xlsx = {(row[0], to): value for row in matrix[2:] for to, value in zip(header, row[1:])}
    heat = [t for t in read_page(municipality / "index.html").tables if t["caption"].startswith("Density of ties")]
    rows = heat[0]["rows"]
    assert rows[0][1:] == units
    assert [r[0] for r in rows[1:]] == units
    for row in rows[1:]:
        for to, cell in zip(units, row[1:]):
            pair = density[row[0], to]
            shown = "" if pair["ties"] == 0 or pair["density"] is None else pct1(pair["density"])
            assert cell == shown, (row[0], to)
            assert xlsx[row[0], to] == pytest.approx(pair["density"] if pair["density"] is not None else 0), \
                (row[0], to)


def test_every_pair_row_of_index_equals_metrics_json_and_the_xlsx_unit_pairs(municipality):
    m = metrics(municipality)
    pairs = {(p["from_unit"], p["to_unit"]): p for p in m["unit_pairs"]}
    xlsx = {(p["from_unit"], p["to_unit"]): p for p in sheet(municipality / "metrics.xlsx", "Unit pairs")}
    rows = table(read_page(municipality / "index.html"), "Ties between each pair of units")
    with_ties = {k for k, p in pairs.items() if p["ties"]}
    seen = set()
    for a, b, ties, possible, density, chance in rows:
        key = (a, a) if b == "(inside)" else (a, b)
        seen.add(key)
        p = pairs[key]
        assert (ties, possible) == (f"{p['ties']:,}", f"{p['possible_ties']:,}"), key
        assert density == pct1(p["density"]) + "%", key
        assert chance == two(p["observed_expected"]), key
        assert (xlsx[key]["ties"], xlsx[key]["possible_ties"]) == (p["ties"], p["possible_ties"])
        assert xlsx[key]["density"] == pytest.approx(p["density"])
    assert seen == with_ties


def test_the_spanners_and_brokers_table_equals_metrics_json(municipality):
    m = metrics(municipality)
    people = pd.DataFrame(m["people"])
    people["label"] = people["name"].where(people["name"].fillna("") != "", people["id"])
    people["across"] = people[["consultant", "representative", "gatekeeper", "liaison"]].sum(axis=1)
    by_label = people.set_index("label")
    rows = table(read_page(municipality / "index.html"), "Top boundary spanners and brokers of each unit")
    units = {u["unit"]: u for u in m["units"]}
    assert [r[0] for r in rows] == list(units)
    for unit, headcount, spanners, brokers in rows:
        assert headcount == f"{units[unit]['headcount']:,}"
        members = people[people["unit"] == unit]
        flagged = members[members["boundary_spanner"]].sort_values(["units_reached", "betweenness"],
                                                                   ascending=False, kind="stable").head(3)
        expected = ", ".join(f"{r.label} ({r.units_reached} unit{'' if r.units_reached == 1 else 's'})"
                             for r in flagged.itertuples()) or "–"
        assert spanners == expected, unit
        for name, roles in re.findall(r"([^,(]+?) \(([\d,]+)\)", brokers):
            assert int(by_label.loc[name.strip(), "across"]) == int(roles.replace(",", "")), (unit, name)
        top = members.sort_values("across", ascending=False, kind="stable").head(3)
        assert [int(x.replace(",", "")) for x in re.findall(r"\(([\d,]+)\)", brokers)] == \
            [int(v) for v in top["across"] if v > 0]


def test_the_fragile_links_table_equals_metrics_json_fragile_bridges(municipality):
    m = metrics(municipality)
    names = {p["id"]: p["name"] or p["id"] for p in m["people"]}
    fragile = [b for b in m["fragile_bridges"] if b["cut_by"]]
    rows = table(read_page(municipality / "index.html"), "Pairs of units whose ties all run through one person")
    assert len(rows) == len(fragile) == m["summary"]["unit_pairs_hanging_on_one_person"]
    expected = {(b["unit_a"], b["unit_b"]): b for b in fragile}
    xlsx = {(b["unit_a"], b["unit_b"]): b for b in sheet(municipality / "metrics.xlsx", "fragile_bridges")}
    for a, b, ties, who in rows:
        bridge = expected[a, b]
        assert ties == f"{bridge['ties']:,}"
        assert sorted(who.split(", ")) == sorted(names[p] for p in bridge["cut_by"].split("; "))
        assert (xlsx[a, b]["ties"], xlsx[a, b]["cut_by"]) == (bridge["ties"], bridge["cut_by"])


def test_the_response_table_equals_metrics_json(municipality):
    m = metrics(municipality)
    rows = table(read_page(municipality / "index.html"), "Response rate per unit")
    assert [r[0] for r in rows] == [u["unit"] for u in m["units"]]
    for (unit, answered, people, rate), u in zip(rows, m["units"]):
        assert (answered, people) == (f"{u['respondents']:,}", f"{u['headcount']:,}")
        assert rate == whole_pct(u["respondents"], u["headcount"])
    assert sum(u["respondents"] for u in m["units"]) == m["summary"]["respondents"]


def test_every_findings_number_equals_metrics_json(municipality):
    m = metrics(municipality)
    s, units = m["summary"], {u["unit"]: u for u in m["units"]}
    found = read_page(municipality / "index.html").findings
    cross = next(f for f in found if "crosses unit lines" in f)
    assert cross.startswith(f"{round(100 * s['cross_unit_share'])}% of collaboration crosses unit lines "
                            f"({s['cross_unit_ties']:,} of {s['ties']:,} ties); if people chose colleagues "
                            f"regardless of unit, it would be about {round(100 * (s['ei_expected'] + 1) / 2)}%")
    for words in ("closed", "outward-looking"):
        sentence = next(f for f in found if f"the most {words}" in f)
        unit = sentence.split(" is the most ")[0]
        u = units[unit]
        assert f"(E-I {sign2(u['ei_index'])}: {u['internal_ties']:,} ties inside, " \
               f"{u['external_ties']:,} with other units)" in sentence
    spanners = next(f for f in found if "span unit boundaries" in f)
    assert spanners.startswith(f"{s['boundary_spanners']:,} people "
                               f"({whole_pct(s['boundary_spanners'], s['people'])}) span")
    unconnected = next(f for f in found if "no tie at all" in f)
    k = s["units"]
    assert unconnected.startswith(f"{k * (k - 1) // 2 - s['unit_pairs_connected']:,} of the {k * (k - 1) // 2:,} "
                                  "pairs of units have no tie")
    nmi = next(f for f in found if "NMI" in f)
    assert f"agreement {s['unit_community_nmi']:.2f} on a 0-1 scale" in nmi
    assert nmi.startswith(f"The {s['communities']:,} communities")
    answered = next(f for f in found if "answered the survey" in f)
    assert answered.startswith(f"{whole_pct(s['respondents'], s['people'])} of people answered the survey "
                               f"({s['respondents']:,} of {s['people']:,})")


def test_every_person_panel_on_the_map_equals_metrics_json(municipality):
    people = {p["id"]: p for p in metrics(municipality)["people"]}
    nodes = map_json(municipality / "map.html")["nodes"]
    assert len(nodes) == len(people)
    for node in nodes:
        p = people[node["id"]]
        panel = dict(node["metrics"])
        across = p["consultant"] + p["representative"] + p["gatekeeper"] + p["liaison"]
        brokerage = f"{p['brokerage_total']:,}" if p["brokerage_total"] == 0 else (
            f"{p['brokerage_total']:,}, all across units" if across == p["brokerage_total"]
            else f"{p['brokerage_total']:,}, of them {across:,} across units")
        assert panel == {
            "Unit": p["unit"], "Ties out / in": f"{p['out_degree']} / {p['in_degree']}",
            "Ties with other units": str(p["external_ties"]), "E-I index": sign2(p["ei_index"]),
            "Other units reached": str(p["units_reached"]), "Brokerage roles": brokerage,
            "Betweenness": half_up(p["betweenness"], 4), "Burt constraint": panel_figure(p["constraint"]),
            "Effective size": panel_figure(p["effective_size"]), "Participation": panel_figure(p["participation"]),
            "Role (Guimerà-Amaral)": p["ga_role"] or "–",
            "Boundary spanner": "yes" if p["boundary_spanner"] else "no",
        }, node["id"]
        assert node["title"].split("\n")[1:] == [
            f"Unit: {p['unit']}", f"Ties out / in: {p['out_degree']} / {p['in_degree']}",
            f"Ties outside own unit: {p['external_ties']} of {p['internal_ties'] + p['external_ties']}",
            f"E-I index: {sign2(p['ei_index'])}"], node["id"]


def test_every_unit_panel_and_arrow_on_the_unit_map_equals_metrics_json(municipality):
    m = metrics(municipality)
    units = {u["unit"]: u for u in m["units"]}
    data = map_json(municipality / "units.html")
    assert [n["id"] for n in data["nodes"]] == list(units)
    for node in data["nodes"]:
        u = units[node["id"]]
        assert dict(node["metrics"]) == {
            "People": str(u["headcount"]), "Ties inside": str(u["internal_ties"]),
            "Ties sent to other units": str(u["ties_sent_out"]),
            "Ties received from other units": str(u["ties_received_in"]),
            "E-I index": sign2(u["ei_index"]), "Boundary spanners": str(u["boundary_spanners"])}
    ties = {(p["from_unit"], p["to_unit"]): p for p in m["unit_pairs"]}
    assert len(data["edges"]) == sum(1 for p in ties.values() if p["ties"])
    for edge in data["edges"]:
        a, b = edge["from"], edge["to"]
        p = ties[a, b]
        n = p["ties"]
        if a == b:
            assert edge["title"] == f"Inside {a}: {n:,} tie{'' if n == 1 else 's'} (density {pct1(p['density'])}%)"
        else:
            back = ties[b, a]["ties"]
            assert edge["title"] == (f"{a} → {b}: {n:,} tie{'' if n == 1 else 's'} (density {pct1(p['density'])}%); "
                                     f"{b} → {a}: {back:,} tie{'' if back == 1 else 's'}")


# ---------------------------------------------------------------- 2. the findings are true of the ties


class Ties:
    """The report's nodes.csv and edges.csv, counted here with pandas and nothing of ona."""

    def __init__(self, report: Path):
        m = metrics(report)
        column = m["parameters"]["unit_column"]
        nodes = pd.read_csv(report / "nodes.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
        edges = pd.read_csv(report / "edges.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
        self.unit = dict(zip(nodes["id"], nodes[column]))
        name_column = next((c for c in nodes.columns if c.lower() == "name"), None)
        self.name = {i: (nodes.loc[k, name_column] if name_column else "") or i for k, i in enumerate(nodes["id"])}
        self.responded = dict(zip(nodes["id"], nodes["responded"] == "True")) if "responded" in nodes else {}
        self.edges = list(zip(edges["source"], edges["target"]))
        self.headcount = Counter(self.unit.values())
        self.people = len(nodes)

    def cross(self) -> int:
        return sum(self.unit[s] != self.unit[t] for s, t in self.edges)

    def between(self) -> dict[frozenset, list[tuple[str, str]]]:
        pairs = defaultdict(list)
        for s, t in self.edges:
            if self.unit[s] != self.unit[t]:
                pairs[frozenset((self.unit[s], self.unit[t]))].append((s, t))
        return pairs

    def unit_ei(self) -> dict[str, float]:
        inside, outside = Counter(), Counter()
        for s, t in self.edges:
            if self.unit[s] == self.unit[t]:
                inside[self.unit[s]] += 1
            else:
                outside[self.unit[s]] += 1
                outside[self.unit[t]] += 1
        return {u: (outside[u] - inside[u]) / (outside[u] + inside[u])
                for u in self.headcount if outside[u] + inside[u]}

    def spanners(self) -> set[str]:
        inside, outside, reached = Counter(), Counter(), defaultdict(set)
        for s, t in self.edges:
            for me, other in ((s, t), (t, s)):
                if self.unit[me] == self.unit[other]:
                    inside[me] += 1
                else:
                    outside[me] += 1
                    reached[me].add(self.unit[other])
        return {p for p in self.unit if inside[p] >= 1 and len(reached[p]) >= 2
                and 3 * outside[p] >= inside[p] + outside[p]}


def test_the_share_across_units_and_what_chance_gives_are_counted_from_the_ties(any_report):
    t = Ties(any_report)
    cross, m = t.cross(), len(t.edges)
    inside_pairs = sum(n * (n - 1) for n in t.headcount.values())
    chance = 1 - inside_pairs / (t.people * (t.people - 1))
    found = read_page(any_report / "index.html").findings
    assert found[0] == (f"{round(100 * cross / m)}% of collaboration crosses unit lines ({cross:,} of {m:,} ties); "
                        f"if people chose colleagues regardless of unit, it would be about {round(100 * chance)}%.")


def test_the_most_closed_and_most_open_units_are_the_extremes_of_the_ties(any_report):
    t = Ties(any_report)
    ei = t.unit_ei()
    answered = {t.unit[p] for p, yes in t.responded.items() if yes} if t.responded else set(t.headcount)
    ranked = {u: v for u, v in ei.items() if t.headcount[u] >= 2 and u in answered}
    found = read_page(any_report / "index.html").findings
    # "Closed" only for an E-I of 0 or below: a lowest E-I above 0 is "the least outward-looking".
    low_words = "most closed" if min(ranked.values()) <= 0 else "least outward-looking"
    high_words = "most outward-looking" if max(ranked.values()) >= 0 else "least closed"
    closed = next(f for f in found if f"the {low_words}" in f)
    opened = next(f for f in found if f"the {high_words}" in f)
    lowest = [u for u, v in ranked.items() if math.isclose(v, min(ranked.values()))]
    highest = [u for u, v in ranked.items() if math.isclose(v, max(ranked.values()))]
    assert closed.split(f" is the {low_words}")[0] in lowest and opened.split(f" is the {high_words}")[0] in highest
    assert f"(E-I {sign2(min(ranked.values()))}:" in closed and f"(E-I {sign2(max(ranked.values()))}:" in opened
    among = f"of the {len(ranked)} units of two or more people" if len(ranked) < len(t.headcount) else "unit"
    assert f"the {low_words} {among} (E-I" in closed


def test_a_pair_said_to_be_connected_through_one_person_has_every_tie_through_that_person(any_report):
    t = Ties(any_report)
    between = t.between()
    found = read_page(any_report / "index.html").findings
    said = [re.fullmatch(r"(.+) and (.+) are connected through one person \((.+)\): (?:all (\d+)|both) ties "
                         r"between the two units are theirs\.", f) for f in found
            if "connected through one person (" in f]
    expected = []
    for pair, ties in between.items():
        ends = [set(tie) for tie in ties]
        common = set.intersection(*ends)
        # (a person alone in their unit carries its every link by necessity: said apart, not as fragile)
        if len(common) == 1 and len({p for tie in ties for p in tie}) > 2 and t.headcount[t.unit[min(common)]] > 1:
            expected.append((pair, common.pop(), len(ties)))
    expected.sort(key=lambda e: -e[2])
    assert len(said) == min(len(expected), 5)
    for match in said:
        assert match, found
        a, b, who, n = match.group(1), match.group(2), match.group(3), int(match.group(4) or 2)
        ties = between[frozenset((a, b))]
        carrier = [p for p in set.intersection(*(set(tie) for tie in ties)) if t.name[p] == who]
        assert len(carrier) == 1 and len(ties) == n
        assert len({p for tie in ties for p in tie}) > 2  # (not a single relationship between two people)
    lone = [pair for pair, ties in between.items()
            if len(common := set.intersection(*(set(tie) for tie in ties))) == 1
            and len({p for tie in ties for p in tie}) > 2 and t.headcount[t.unit[min(common)]] == 1]
    through_one = [f for f in found if "through a unit of one person" in f]
    assert [int(f.split()[0]) for f in through_one] == ([len(lone)] if lone else [])
    single = [pair for pair, ties in between.items() if len({p for tie in ties for p in tie}) == 2]
    counted = next((f for f in found if "single relationship" in f), None)
    if len(single) > 1:
        assert counted.startswith(f"{len(single)} pairs of units are connected by a single relationship")
    elif single:
        a, b = sorted(single[0])
        assert counted.startswith((f"{a} and {b} are connected", f"{b} and {a} are connected"))
    else:
        assert counted is None


def test_the_unconnected_pairs_are_counted_from_the_ties(any_report):
    t = Ties(any_report)
    k = len(t.headcount)
    pairs = k * (k - 1) // 2
    unconnected = pairs - len(t.between())
    sentence = next(f for f in read_page(any_report / "index.html").findings if "tie" in f and "pair" in f
                    and ("no tie at all" in f or "at least one tie" in f))
    if unconnected:
        verb = "has" if unconnected == 1 else "have"
        assert sentence == f"{unconnected:,} of the {pairs:,} pairs of units {verb} no tie at all between them."
    else:
        assert sentence == f"Every pair of the {k:,} units has at least one tie between them."


def test_the_boundary_spanners_are_the_people_the_rule_picks_from_the_ties(any_report):
    t = Ties(any_report)
    spanners = t.spanners()
    n = len(spanners)
    sentence = next(f for f in read_page(any_report / "index.html").findings if "unit boundaries" in f)
    who = "person" if n == 1 else "people"
    verb = "spans" if n == 1 else "span"
    assert sentence.startswith(f"{n:,} {who} ({whole_pct(n, t.people)}) {verb} unit boundaries")
    flagged = {p["id"] for p in metrics(any_report)["people"] if p["boundary_spanner"]}
    assert flagged == spanners


def test_the_response_rate_is_the_people_who_named_someone_of_everyone(any_report):
    t = Ties(any_report)
    answered = len({s for s, _ in t.edges})
    sentence = next(f for f in read_page(any_report / "index.html").findings if "answered the survey" in f)
    assert sentence.startswith(f"{whole_pct(answered, t.people)} of people answered the survey "
                               f"({answered:,} of {t.people:,})")


# ---------------------------------------------------------------- 3. the words around the numbers


_STATISTICS = {"E-I": "method.html#ei_index", "NMI": "method.html#communities",
               "span unit boundaries": "method.html#boundary_spanners",
               "spans unit boundaries": "method.html#boundary_spanners"}


def test_every_statistic_a_finding_names_links_to_its_definition(any_report):
    """A manager who reads "E-I", "NMI" or "span unit boundaries" in a finding can open what it means:
    the words are a link to their section of method.html (they were plain text)."""
    page = read_page(any_report / "index.html")
    for text, links in zip(page.findings, page.finding_links):
        for words, target in _STATISTICS.items():
            if words in text:
                assert target in links, (words, text)


def test_the_notes_under_the_tables_link_the_statistics_they_name(municipality):
    """The heatmap's density and ratio to chance, the boundary spanner rule, the Gould & Fernandez
    roles and the fragile links each link to their definition beside the table that shows them."""
    raw = (municipality / "index.html").read_text(encoding="utf-8")
    notes = re.findall(r"<p class=['\"]note['\"]>(.*?)</p>", raw, re.S)
    def linked(words: str, anchor: str) -> bool:
        return any(re.search(rf"<a href=['\"]method\.html#{anchor}['\"]>{re.escape(words)}</a>", n) for n in notes)
    assert linked("density", "unit_pair_table") and linked("ratio to chance", "pair_expectation")
    assert linked("boundary spanner rule", "boundary_spanners")
    assert linked("Gould &amp; Fernandez roles", "brokerage_roles") and linked("fragile links", "fragile_bridges")


def test_every_figure_of_the_workbook_summary_is_named_in_words(municipality):
    """The Summary sheet's Measure column names each figure in words; none shows its key instead
    (community_people did)."""
    rows = [r for r in sheet(municipality / "metrics.xlsx", "Summary") if r.get("Key")]
    assert {r["Key"] for r in rows} == set(metrics(municipality)["summary"])
    assert [r["Key"] for r in rows if r["Measure"] == r["Key"]] == []


def test_no_page_shows_nan_none_negative_zero_or_a_plural_for_one(any_report):
    for name in ("index.html", "map.html", "units.html"):
        raw = (any_report / name).read_text(encoding="utf-8")
        if name == "index.html":
            text = " ".join(read_page(any_report / name).text)
        else:
            data = map_json(any_report / name)
            text = " ".join([*(n["title"] for n in data["nodes"]), *(e.get("title", "") for e in data["edges"]),
                             *(v for n in data["nodes"] for _, v in n["metrics"])])
            text += " " + re.sub(r"<script.*?</script>|<style.*?</style>|<[^>]+>", " ", raw, flags=re.S)
        text = html.unescape(text)
        assert not re.search(r"\b(nan|NaN|None|inf)\b", text), name
        assert not re.search(r"[-−]0\.0+(?!\d*[1-9])\b", text), name
        assert not re.search(r"(?<![\d,.])1 (people|ties|units|pairs)\b", text), name


def test_index_html_writes_every_less_than_sign_as_text(municipality):
    """A density under 0.1% reads "<0.1%" in the table of pairs: the "<" is escaped, as everything else
    on the page, so the page is valid HTML and no parser takes it for the start of a tag."""
    raw = (municipality / "index.html").read_text(encoding="utf-8")
    assert not re.search(r"<(?![a-zA-Z/!])", raw)


def test_a_balanced_e_i_reads_0_00_on_every_page_never_minus_0_00(tmp_path):
    """Unit A (11 people) has 101 ties inside; B (10 people) names A's people 100 times. A's E-I and the
    organisation's are (100 - 101) / 201 = -0.005, which rounds to zero: the terminal, the findings and
    the unit map write "0.00", as a change that rounds to zero is written, not "-0.00"."""
    from click.testing import CliRunner
    from conftest import write_csv

    a = [f"a{i:02d}" for i in range(11)]
    b = [f"b{i:02d}" for i in range(10)]
    roster = write_csv(tmp_path / "roster.csv", [["id", "Name", "Department"], *([p, p.upper(), "A"] for p in a),
                                                 *([p, p.upper(), "B"] for p in b)])
    inside = [[x, y] for x in a for y in a if x != y][:101]
    across = [[x, y] for x in b for y in a][:100]
    ties = write_csv(tmp_path / "ties.csv", [["Source", "Target"], *inside, *across])
    result = CliRunner().invoke(cli, ["analyze", "--roster", str(roster), "--ties", str(ties), "--out",
                                      str(tmp_path / "out"), "--permutations", "0"])
    assert result.exit_code == 0, result.output
    assert "E-I index (org):     0.00\n" in result.output
    found = read_page(tmp_path / "out" / "index.html").findings
    assert "A is the most closed unit (E-I 0.00: 101 ties inside, 100 with other units)." in found
    panel = {n["id"]: dict(n["metrics"]) for n in map_json(tmp_path / "out" / "units.html")["nodes"]}
    assert panel["A"]["E-I index"] == "0.00" and panel["B"]["E-I index"] == "+1.00"
