"""A report by a fine unit column (1,130 teams of 10,000 people) stays usable: the workbook opens in
Excel, index.html stays light and readable, metrics.json keeps what carries information, and each
finding names a few units, then counts the others.

The organisation: ``units`` teams of two, Ann i and Bo i in Team i, Ann i -> Bo i inside (and Bo i
-> Ann i too in the odd teams), and Bo i -> Ann i+1 and Bo i -> Bo i+1 (the last team to the first):
a ring where each team reaches the next one through Bo alone. So every team has a tie inside
(diagonal pairs with a tie: ``units``) and with the next team (``units`` more); every other ordered
pair has none. The odd teams have 2 ties inside and 4 with other teams (E-I +0.33), the even teams 1
and 4 (E-I +0.60): half are level as the least, half as the most outward-looking.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

import ona
from ona.report import findings, write_index, write_json, write_workbook

from conftest import page_text, write_csv

EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384  # Microsoft, "Excel specifications and limits"
MANY = 1_100  # 1,210,000 ordered pairs of units: more than Excel's rows
FEW = 40


def ring_of_teams(folder: Path, units: int):
    """Measure the ring of ``units`` teams of two described above."""
    people, ties = [["id", "Name", "Team"]], [["Source", "Target"]]
    for i in range(units):
        team, j = f"Team {i:04d}", (i + 1) % units
        people += [[f"a{i}", f"Ann {i}", team], [f"b{i}", f"Bo {i}", team]]
        ties += [[f"a{i}", f"b{i}"], *([[f"b{i}", f"a{i}"]] if i % 2 else []), [f"b{i}", f"a{j}"], [f"b{i}", f"b{j}"]]
    roster = ona.read_roster(write_csv(folder / "roster.csv", people))
    graph = ona.build_graph(roster, ona.read_ties(write_csv(folder / "ties.csv", ties), roster))
    return ona.measure(graph, by="Team", permutations=20)


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    """The ring of 1,100 teams, its workbook, index.html and metrics.json."""
    folder = tmp_path_factory.mktemp("many_units")
    measurement = ring_of_teams(folder, MANY)
    write_workbook(measurement, folder / "metrics.xlsx")
    write_index(measurement, folder / "index.html")
    write_json(measurement, folder / "metrics.json")
    return measurement, folder


def sheet_rows(path: Path) -> dict[str, list[tuple]]:
    """Each sheet's rows, as tuples of values without the empty cells at their end. Read by
    python-calamine (an Excel reader of its own, 15x faster than openpyxl on the 1,100 x 1,100 unit
    matrix), which gives an empty cell as ""."""
    def cut(row: list) -> tuple:
        while row and row[-1] in (None, ""):
            row = row[:-1]
        return tuple(row)

    book = CalamineWorkbook.from_path(str(path))
    return {name: [cut(r) for r in book.get_sheet_by_name(name).to_python()] for name in book.sheet_names}


def test_the_workbook_of_1100_teams_fits_excel_and_lists_the_pairs_with_a_tie(many):
    """All 1,210,000 ordered pairs would pass Excel's 1,048,576 rows: the Unit pairs sheet lists the
    2,200 with a tie (each team with itself, and with the next team), under a note row that says so,
    as the Summary sheet does."""
    _, folder = many
    sheets = sheet_rows(folder / "metrics.xlsx")
    assert all(len(rows) <= EXCEL_ROWS and all(len(r) <= EXCEL_COLUMNS for r in rows) for rows in sheets.values())
    note = ("Only the 2,200 pairs of units with at least one tie are listed: all 1,210,000 ordered pairs would pass "
            "Excel's 1,048,576 rows. A pair not listed has no tie (density 0).")
    pairs = sheets["Unit pairs"]
    assert pairs[0] == (note,)
    assert pairs[1][:3] == ("from_unit", "to_unit", "ties")
    listed = {(r[0], r[1]) for r in pairs[2:]}
    teams = [f"Team {i:04d}" for i in range(MANY)]
    assert len(pairs) == 2 + 2 * MANY
    assert listed == {(t, t) for t in teams} | {(t, teams[(i + 1) % MANY]) for i, t in enumerate(teams)}
    assert all(r[2] > 0 for r in pairs[2:])
    assert sheets["Summary"][-3:] == [(), ("Left out to fit Excel", "Sheet"), (note, "Unit pairs")]
    assert len(sheets["Unit matrix"]) == 2 + MANY  # 1,101 columns fit: the matrix is whole


def test_a_unit_matrix_wider_than_excel_is_left_out_with_a_note(tmp_path):
    """16,384 units need 16,385 columns (the names, then one per unit): one more than Excel has. The
    Unit matrix sheet holds only the note (and the workbook is written without ever building the
    16,384 x 16,384 matrix). A measurement of that many units takes long to make, so this one is the
    small ring with its units table stretched to 16,384 teams, every added team without a tie."""
    small = ring_of_teams(tmp_path, 3)
    extra = pd.DataFrame(0, index=pd.Index([f"Extra {i:05d}" for i in range(EXCEL_COLUMNS - 3)], name="unit"),
                         columns=small.units.columns)
    wide = dataclasses.replace(small, units=pd.concat([small.units, extra]))
    write_workbook(wide, tmp_path / "metrics.xlsx")
    sheets = sheet_rows(tmp_path / "metrics.xlsx")
    note = ("Left out: the matrix of 16,384 units would need 16,385 columns, past Excel's 16,384. The density of "
            "every pair of units with a tie is in the Unit pairs sheet.")
    assert sheets["Unit matrix"] == [(note,)]
    assert sheets["Summary"][-2:] == [("Left out to fit Excel", "Sheet"), (note, "Unit matrix")]


def test_index_of_1100_teams_stays_light_and_states_every_cut(many):
    """The old page held a 1,100 x 1,100 heatmap (about 180 MB at this size). Now it is under 1 MB:
    the heatmap shows 60 teams, those with the most people and then the most ties (the odd teams,
    with their tie back inside), in roster order; notes say what the heatmap, the workbook and
    metrics.json leave out; the table of links that hang on one person lists 100 of the 1,100.
    (index.html of 10,000 people in 1,130 teams: 231 MB before, 1.1 MB now.)"""
    _, folder = many
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert len(page.encode("utf-8")) < 1_000_000
    heat = page[page.index('<table class="heat">'):]
    heat = heat[:heat.index("</table>")]
    rows = re.findall(r'<th class="row" scope="row">([^<]*)</th>', heat)
    assert rows == [f"Team {i:04d}" for i in range(1, 120, 2)]
    assert heat.count("<td ") == 60 * 60
    text = page_text(folder / "index.html")
    assert ("The heatmap and its table show only the 60 units with the most people (equal: the most ties) of the "
            "1,100. Every unit is on the unit map (units.html); every pair of units with a tie is in metrics.xlsx, "
            "sheet Unit pairs.") in text
    assert "metrics.xlsx, sheet Unit pairs: Only the 2,200 pairs of units with at least one tie are listed" in text
    assert ("metrics.json lists only the 2,200 pairs of units with a tie, of 1,210,000: the 1,207,800 with no tie "
            "are left out (parameter unit_pairs_left_out).") in text
    fragile = page[page.index("<h2 id='fragile'>"):]
    fragile = fragile[:fragile.index("</table>")]
    assert fragile.count("<tr><td>") == 100
    assert ("If one of these people leaves or is away, the two units lose their only link (fragile links). Listed: "
            "the 100 pairs "
            "with the most ties of 1,100; all are in metrics.xlsx, sheet fragile_bridges.") in text


def test_metrics_json_of_1100_teams_keeps_the_pairs_with_a_tie_and_says_what_it_left_out(many):
    _, folder = many
    data = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    assert len(data["unit_pairs"]) == 2 * MANY and all(p["ties"] > 0 for p in data["unit_pairs"])
    assert data["parameters"]["unit_pairs_left_out"] == {
        "left_out": "pairs of units with no tie (ties 0, density 0)",
        "rule": "pairs with no tie are left out when there are more than 100,000 ordered pairs of units",
        "pairs": 1_210_000, "pairs_listed": 2_200, "pairs_left_out": 1_207_800}


def named_teams(text: str) -> list[str]:
    return re.findall(r"Team \d{4}", text)


def test_each_finding_names_at_most_five_teams_then_counts_the_others(many):
    """1,100 pairs of teams hang on one person (Bo i): five sentences, those with the most ties first
    (all have 2: in the order of the fragile_bridges table, where the last team's link to the first
    comes second), then one that counts the 1,095 others. 550 teams are level as the least
    outward-looking (E-I above 0, so not "closed"): five named, 545 counted. Numbers have thousands
    separators."""
    measurement, folder = many
    found: dict[str, list[str]] = {}
    for f in findings(measurement):
        found.setdefault(f.key, []).append(f.text)
    assert found["one_person_bridge"] == [
        f"Team {a:04d} and Team {b:04d} are connected through one person (Bo {bo}): both ties between the "
        "two units are theirs." for a, b, bo in [(0, 1, 0), (0, 1099, 1099), (1, 2, 1), (2, 3, 2), (3, 4, 3)]]
    assert found["one_person_bridge_more"] == [
        "1,095 more pairs of units are connected through one person (see metrics.xlsx, sheet fragile_bridges, and "
        "the links that hang on one person below)."]
    assert found["most_closed_unit"][0].startswith(
        "Team 0001, Team 0003, Team 0005, Team 0007, Team 0009 and 545 more (see metrics.xlsx, sheet Units) are "
        "level as the least outward-looking units (E-I +0.33 each; Team 0001: 2 ties inside, 4 with other "
        "units; ")
    assert found["most_open_unit"][0].startswith(
        "Team 0000, Team 0002, Team 0004, Team 0006, Team 0008 and 545 more (see metrics.xlsx, sheet Units) are "
        "level as the most outward-looking units (E-I +0.60 each; ")
    assert found["unconnected_unit_pairs"] == ["603,350 of the 604,450 pairs of units have no tie at all between them."]
    for key, texts in found.items():
        if key != "units_vs_communities":
            assert all(len(set(named_teams(t))) <= 5 for t in texts), key
    (communities,) = found["units_vs_communities"]
    separate = re.search(r"Working as separate groups: ([^.]*)\.", communities)
    assert separate is None or len(named_teams(separate.group(1))) <= 5
    one = re.search(r"Working as one with [a-z ]+: (.*)$", communities)
    groups = one.group(1).split("; ") if one else []
    assert len([g for g in groups if " with " in g]) <= 5
    assert all(len(named_teams(g)) <= 5 for g in groups)
    shown = page_text(folder / "index.html")
    listed = shown[shown.index("Findings"):shown.index("Who works with which unit")]
    assert len(listed) < 5_000


def test_40_teams_keep_their_whole_heatmap_and_every_pair(tmp_path):
    """Guard: 40 teams (1,600 ordered pairs) are under every threshold: the heatmap shows all 40, the
    workbook and metrics.json list every pair, with no tie or not, and no page says anything was left
    out."""
    measurement = ring_of_teams(tmp_path, FEW)
    write_index(measurement, tmp_path / "index.html")
    write_json(measurement, tmp_path / "metrics.json")
    write_workbook(measurement, tmp_path / "metrics.xlsx")
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'<th class="row" scope="row">([^<]*)</th>', page) == [f"Team {i:04d}" for i in range(FEW)]
    assert "show only" not in page and "left out" not in page_text(tmp_path / "index.html").lower()
    data = json.loads((tmp_path / "metrics.json").read_text(encoding="utf-8"))
    assert len(data["unit_pairs"]) == FEW * FEW and "unit_pairs_left_out" not in data["parameters"]
    sheets = sheet_rows(tmp_path / "metrics.xlsx")
    assert sheets["Unit pairs"][0][:2] == ("from_unit", "to_unit") and len(sheets["Unit pairs"]) == 1 + FEW * FEW
    assert len(sheets["Unit matrix"]) == 2 + FEW and len(sheets["Unit matrix"][1]) == 1 + FEW
    assert not any(row and row[0] == "Left out to fit Excel" for row in sheets["Summary"])
