"""Privacy with --pseudonymize and --min-group-size: what a pseudonymised report may hold, and how
small units merge so that no unit-level figure describes fewer people than the minimum."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import pandas as pd
import pytest

import ona
from ona.cli import cli
from ona.ingest.email import merge_small_units

from conftest import ROOT, write_csv

PERSONAL = ["Employee ID", "First name", "Last name", "Email", "Manager", "Manager email", "Phone", "Role"]


def write_roster(path: Path, units: dict[str, int], roles: dict[str, int] | None = None) -> list[dict]:
    """A roster of ``units`` (name: headcount) with every kind of personal column; ``roles`` (name:
    headcount, in roster order) sets the Role column, else each unit's first person is its head.
    Returns the people as written."""
    people, k = [], 0
    role_list = [r for r, n in (roles or {}).items() for _ in range(n)]
    for unit, n in units.items():
        for i in range(n):
            k += 1
            people.append({"Employee ID": f"X{k:04d}", "First name": f"Zorbo{k}", "Last name": f"Quuxley{k}",
                           "Email": f"zq{k}@muni.example", "Department": unit,
                           "Role": role_list[k - 1] if roles else ("Head of unit" if i == 0 else "Caseworker"),
                           "Manager": "Zorbo1 Quuxley1", "Manager email": "zq1@muni.example",
                           "Phone": f"7777{k:04d}"})
    write_csv(path, [list(people[0])] + [list(p.values()) for p in people])
    return people


def tie_pairs(people: list[dict]) -> list[tuple[int, int, int]]:
    """Each person names the next three in the roster: (source, target, weight) by position."""
    n = len(people)
    return [(i, (i + d) % n, d) for i in range(n) for d in (1, 2, 3)]


def write_inputs(tmp_path: Path, people: list[dict], source: str) -> list[str]:
    """The tie file (``source`` "ties") or message log ("email") of :func:`tie_pairs`, as options."""
    pairs = tie_pairs(people)
    if source == "ties":
        rows = [["Source", "Target", "Weight"]] + [[people[s]["Employee ID"], people[t]["Employee ID"], w]
                                                  for s, t, w in pairs]
        return ["--ties", str(write_csv(tmp_path / "ties.csv", rows))]
    rows = [["Message-ID", "From", "To", "Date"]]
    for s, t, w in pairs:
        for m in range(w):
            rows.append([f"m{s}-{t}-{m}", people[s]["Email"], people[t]["Email"], f"2024-03-0{m + 1} 10:00"])
    return ["--email", str(write_csv(tmp_path / "log.csv", rows))]


def key_file(tmp_path: Path) -> str:
    key = tmp_path / "key.bin"
    key.write_bytes(b"a secret of more than sixteen bytes")
    return str(key)


def published_texts(out: Path, history: Path) -> dict[str, bytes]:
    """Every output file's bytes, each member of the workbook unzipped, and the stored wave's frames."""
    texts = {p.name: p.read_bytes() for p in out.iterdir()}
    with zipfile.ZipFile(out / "metrics.xlsx") as book:
        texts.update({f"metrics.xlsx:{n}": book.read(n) for n in book.namelist()})
    with sqlite3.connect(history) as db:
        for name, payload in db.execute("SELECT name, payload FROM frame"):
            texts[f"history:{name}"] = payload.encode() if isinstance(payload, str) else payload
        for summary, parameters in db.execute("SELECT summary, parameters FROM wave"):
            texts["history:wave"] = f"{summary}{parameters}".encode()
    return texts


@pytest.mark.parametrize("source", ["ties", "email"])
def test_a_pseudonymised_report_holds_no_roster_value_but_the_units(tmp_path, runner, source):
    """A roster with first and last names, manager, phone and role, pseudonymised: no output file,
    no sheet of the workbook and nothing of the stored wave holds any of those values; people are
    their pseudonyms and the department they are measured in, and nothing else of the roster."""
    people = write_roster(tmp_path / "roster.csv", {"Alpha": 8, "Beta": 8, "Gamma": 3, "Delta": 2})
    history = tmp_path / "history.db"
    result = runner.invoke(cli, ["analyze", "--roster", str(tmp_path / "roster.csv"),
                                 *write_inputs(tmp_path, people, source), "--pseudonymize", key_file(tmp_path),
                                 "--out", str(tmp_path / "out"), "--permutations", "0", "--wave", "2025",
                                 "--history", str(history)])
    assert result.exit_code == 0, result.output
    texts = published_texts(tmp_path / "out", history)
    assert {"nodes.csv", "edges.csv", "network.gexf", "network.graphml", "metrics.json", "index.html",
            "history:people"} <= set(texts)
    assert b"Alpha" in texts["history:people"] and any(b"Alpha" in data for name, data in texts.items()
                                                       if name.startswith("metrics.xlsx:xl/worksheets/"))
    for person in people:
        for column in PERSONAL:
            for name, data in texts.items():
                assert person[column].encode() not in data, (name, column, person[column])
    nodes = pd.read_csv(tmp_path / "out" / "nodes.csv", encoding="utf-8-sig")
    assert not set(nodes.columns) & {*PERSONAL, "name"}
    assert nodes["id"].str.fullmatch(r"p-[0-9a-f]{16}").all()
    assert set(nodes["Department"]) == {"Alpha", "Beta", "Small units (< 5)"}


def test_a_single_small_unit_joins_the_smallest_unit_of_the_minimum(tmp_path, runner):
    """Gamma (3 people) is the only unit under 5: merged alone it would still be 3 people, so the
    smallest unit of at least 5, Beta (6; not Alpha, 9), joins it; no unit of fewer than 5 is reported."""
    people = write_roster(tmp_path / "roster.csv", {"Alpha": 9, "Beta": 6, "Gamma": 3})
    result = runner.invoke(cli, ["analyze", "--roster", str(tmp_path / "roster.csv"),
                                 *write_inputs(tmp_path, people, "ties"), "--pseudonymize", key_file(tmp_path),
                                 "--out", str(tmp_path / "out"), "--permutations", "0"])
    assert result.exit_code == 0, result.output
    units = json.loads((tmp_path / "out" / "metrics.json").read_text(encoding="utf-8"))["units"]
    assert {u["unit"]: u["headcount"] for u in units} == {"Alpha": 9, "Beta and small units (< 5)": 9}
    assert "Note: 1 unit with fewer than the minimum group size merged" in result.output


def test_small_units_that_reach_the_minimum_together_merge_alone(tmp_path):
    """Gamma (3) and Delta (2) make 5 together: no larger unit joins them."""
    write_roster(tmp_path / "roster.csv", {"Alpha": 8, "Gamma": 3, "Delta": 2})
    merged, names = merge_small_units(ona.read_roster(tmp_path / "roster.csv"), 5)
    assert names == {"Department": {"Gamma": "Small units (< 5)", "Delta": "Small units (< 5)"}}
    assert merged.people["Department"].value_counts().to_dict() == {"Alpha": 8, "Small units (< 5)": 5}


def test_when_no_unit_has_the_minimum_everyone_is_one_group(tmp_path):
    """Gamma (3) and Delta (1): there is no larger unit to join, so the group is everyone (the
    organisation's own figures), the one group that cannot be smaller."""
    write_roster(tmp_path / "roster.csv", {"Gamma": 3, "Delta": 1})
    merged, _ = merge_small_units(ona.read_roster(tmp_path / "roster.csv"), 5)
    assert set(merged.people["Department"]) == {"Small units (< 5)"}


def test_the_roles_measured_with_by_merge_too(tmp_path, runner):
    """--by Role measures roles, so roles merge: the 4 heads join the advisers (5), the smallest role
    of at least 5; the note counts the one role merged; the departments still merge in nodes.csv.

    Department x Role would then single out person 9, the one adviser of Beta (people 1-8 are
    Alpha's heads and advisers, 10-16 Beta's caseworkers, 17-21 the small units' caseworkers). So
    the departments of the merged role are hidden: person 9's, and with it the 8 of Alpha, the
    role's smallest other combination, so that at least 5 are hidden. The caseworkers' departments
    (7 in Beta, 5 in the small units) stay."""
    people = write_roster(tmp_path / "roster.csv", {"Alpha": 8, "Beta": 8, "Gamma": 3, "Delta": 2},
                          roles={"Head": 4, "Adviser": 5, "Caseworker": 12})
    result = runner.invoke(cli, ["analyze", "--roster", str(tmp_path / "roster.csv"),
                                 *write_inputs(tmp_path, people, "ties"), "--pseudonymize", key_file(tmp_path),
                                 "--by", "Role", "--out", str(tmp_path / "out"), "--permutations", "0"])
    assert result.exit_code == 0, result.output
    units = json.loads((tmp_path / "out" / "metrics.json").read_text(encoding="utf-8"))["units"]
    assert {u["unit"]: u["headcount"] for u in units} == {"Adviser and small units (< 5)": 9, "Caseworker": 12}
    assert "Note: 1 unit with fewer than the minimum group size merged" in result.output
    nodes = pd.read_csv(tmp_path / "out" / "nodes.csv", encoding="utf-8-sig")
    assert nodes.groupby(["Role", "Department"]).size().to_dict() == {
        ("Adviser and small units (< 5)", "(hidden)"): 9, ("Caseworker", "Beta"): 7,
        ("Caseworker", "Small units (< 5)"): 5}
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "the other columns of 9 people read (hidden), as their values together were shared by fewer than 5 " \
        "people" in index
    assert json.loads((tmp_path / "out" / "metrics.json").read_text(encoding="utf-8"))["parameters"][
        "people_hidden"] == 9


def test_a_column_the_same_for_a_whole_unit_is_never_hidden(tmp_path):
    """A directorate above the departments says nothing a reader does not know from the department,
    so it is never hidden; rare Team x Department combinations are. Alpha has teams T1 x 6 and T2 x 2,
    Beta T1 x 1 and T3 x 5 (a pseudonymised roster: ids and unit columns only).

    At a minimum of 3, Alpha's T2 (2) is hidden, and as 2 hidden people would stand out, so is its
    next smallest combination, T1 (6); Beta's T1 (1) is hidden with T3 (5): all 14. At 2, Alpha's
    T2 is common enough, and Beta's single T1 person takes T3 with them: 6."""
    from ona.ingest.email import hide_rare_combinations

    rows = [["Employee ID", "Directorate", "Department", "Team"]]
    teams = {"Alpha": ["T1"] * 6 + ["T2"] * 2, "Beta": ["T1"] + ["T3"] * 5}
    k = 0
    for department, members in teams.items():
        for team in members:
            k += 1
            rows.append([f"X{k}", "Dir A" if department == "Alpha" else "Dir B", department, team])
    roster = ona.read_roster(write_csv(tmp_path / "roster.csv", rows))
    hidden, n = hide_rare_combinations(roster, 3, "Department")
    assert n == 14
    assert hidden.people["Team"].tolist() == ["(hidden)"] * 14
    assert hidden.people["Directorate"].tolist() == ["Dir A"] * 8 + ["Dir B"] * 6
    hidden, n = hide_rare_combinations(roster, 2, "Department")
    assert n == 6
    assert hidden.people["Team"].tolist() == ["T1"] * 6 + ["T2"] * 2 + ["(hidden)"] * 6
    assert roster.people["Team"].tolist() == [t for members in teams.values() for t in members]  # not changed


def test_with_ratings_the_unit_type_column_stays_for_the_support_units_reach(tmp_path, runner):
    """The rating measures tell support units from line units by the roster's Function column, so a
    pseudonymised run with ratings keeps it (a unit's kind, not a person's); Team, Role and Location go."""
    example = ROOT / "examples" / "municipality"
    result = runner.invoke(cli, ["analyze", "--roster", str(example / "roster.xlsx"), "--ties",
                                 str(example / "ties.xlsx"), "--ratings", str(example / "ratings.xlsx"), "--scale",
                                 str(example / "scale.toml"), "--pseudonymize", key_file(tmp_path),
                                 "--out", str(tmp_path / "out"), "--permutations", "0"])
    assert result.exit_code == 0, result.output
    nodes = pd.read_csv(tmp_path / "out" / "nodes.csv", encoding="utf-8-sig")
    assert list(nodes.columns[:4]) == ["id", "Directorate", "Department", "Function"]
    assert not set(nodes.columns) & {"Name", "Email", "Team", "Role", "Location"}
    assert json.loads((tmp_path / "out" / "metrics.json").read_text(encoding="utf-8"))["support_reach"]


def _managed(tmp_path: Path) -> list[str]:
    """Ten people in Finance and IT; the first five report to Anna Jensen, the others to Bo Nielsen,
    both of them people of the roster (a1, a6); everyone names the next person. Returns the options."""
    names = ["Anna Jensen", "Cai Holm", "Dea Lund", "Eik Storm", "Fie Bak",
             "Bo Nielsen", "Gry Dahl", "Hans Krog", "Ida Vang", "Jon Friis"]
    rows = [[f"a{k + 1}", name, f"a{k + 1}@kommune.example", "Finance" if k < 5 else "IT",
             "Anna Jensen" if k < 5 else "Bo Nielsen"] for k, name in enumerate(names)]
    roster = write_csv(tmp_path / "roster.csv", [["Employee ID", "Name", "Email", "Department", "Manager"], *rows])
    ties = write_csv(tmp_path / "ties.csv", [["Source", "Target"], *[[f"a{k + 1}", f"a{(k + 1) % 10 + 1}"]
                                                                     for k in range(10)]])
    return ["analyze", "--roster", str(roster), "--ties", str(ties), "--pseudonymize", key_file(tmp_path),
            "--permutations", "0", "--out", str(tmp_path / "out")]


def test_measured_by_a_column_of_managers_names_the_report_says_the_names_are_shown(tmp_path, runner):
    """--by Manager under --pseudonymize publishes the managers' names as the unit labels: the
    run now warns, counting the 2 values (Anna Jensen, Bo Nielsen) that are names of people in the
    roster, and the method says the units are the column's values as the roster writes them."""
    result = runner.invoke(cli, [*_managed(tmp_path), "--by", "Manager"])
    assert result.exit_code == 0, result.output
    assert ("Warning: roster.csv, row 1, column 'Manager': is measured (--by) under --pseudonymize: its values are "
            "the unit labels of every output (pages, maps, workbook, exports), as the roster writes them; "
            "pseudonymisation replaces names, addresses and ids only, and 2 of its values are the name, address "
            "or id of someone in the roster: measure by a unit column instead [units-shown-as-written]\n"
            in result.stderr)
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert ("every person is a pseudonym (names, addresses and ids were replaced before measuring; the units, "
            "the values of column Manager, are shown as the roster writes them)") in index
    plain = runner.invoke(cli, [*_managed(tmp_path), "--by", "Department"])
    assert plain.exit_code == 0 and "units-shown-as-written" not in plain.stderr


@pytest.mark.parametrize("by, role, what", [("Name", "name", "name"), ("email", "email", "address")])
def test_measuring_by_the_name_or_email_column_under_pseudonymisation_is_refused(tmp_path, runner, by, role, what):
    """--by Name said "has no column 'Name'" of a roster that has one: pseudonymisation had replaced
    it. Now the run stops before reading a tie, saying which column it is and what to measure by."""
    result = runner.invoke(cli, [*_managed(tmp_path), "--by", by])
    assert result.exit_code == 2
    column = "Name" if by == "Name" else "Email"
    assert result.stderr == (
        f"Error: roster.csv, row 1, column '{column}': cannot measure by '{column}' with --pseudonymize: it is the "
        f"roster's {role} column, which pseudonymisation replaces (units named by it would publish every "
        f"person's {what}); measure by a unit column, such as 'Department' [pseudonymised-unit-column]\n")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("sheets_named_by, respondent_column", [("Name", False), ("Employee ID", False),
                                                                ("Name", True)])
def test_a_workbook_of_one_sheet_per_respondent_leaks_no_sheet_name(tmp_path, runner, sheets_named_by,
                                                                     respondent_column):
    """Each respondent's answers on a sheet named after them (Mette Hansen's sheet lists the
    colleagues she works with), pseudonymised: the sheets are one network, not a layer per person,
    and no output file, sheet of the workbook, stored wave or line that validate --json prints holds
    anyone's name or id, as layer names or as places."""
    from openpyxl import Workbook

    names = ["Mette Hansen", "Jens Nielsen", "Anne Larsen", "Peter Jensen", "Karen Poulsen", "Lars Madsen",
             "Sofie Berg", "Ole Holm", "Ida Krogh", "Niels Dahl"]
    people = [{"Employee ID": f"E{k:06d}", "Name": name, "Department": "Salg" if k <= 105 else "Drift"}
              for k, name in enumerate(names, start=101)]
    write_csv(tmp_path / "roster.csv", [list(people[0])] + [list(p.values()) for p in people])
    wb = Workbook()
    wb.remove(wb.active)
    for i, person in enumerate(people):
        ws = wb.create_sheet(person[sheets_named_by])
        ws.append(["Respondent", "Colleague", "Frequency"] if respondent_column else ["Colleague", "Frequency"])
        for d in (1, 2):  # each names the next two in the roster, by name
            colleague = people[(i + d) % len(people)]["Name"]
            ws.append([person["Name"], colleague, d] if respondent_column else [colleague, d])
    wb.save(tmp_path / "answers.xlsx")
    inputs = ["--roster", str(tmp_path / "roster.csv"), "--ties", str(tmp_path / "answers.xlsx")]
    history = tmp_path / "history.db"
    result = runner.invoke(cli, ["analyze", *inputs, "--pseudonymize", key_file(tmp_path), "--out",
                                 str(tmp_path / "out"), "--permutations", "0", "--wave", "2025", "--history",
                                 str(history)])
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "out" / "metrics.json").read_text(encoding="utf-8"))["summary"]
    assert (summary["people"], summary["units"], summary["ties"], summary["response_rate"]) == (10, 2, 20, 1.0)
    checked = runner.invoke(cli, ["validate", *inputs, "--json"])
    assert checked.exit_code == 0, checked.output
    texts = {**published_texts(tmp_path / "out", history), "validate --json": checked.stdout.encode(),
             "analyze's messages": result.output.encode()}
    for person in people:
        for value in (person["Name"], person["Employee ID"], person["Name"].split()[-1]):
            for name, data in texts.items():
                assert value.encode() not in data, (name, value)
    # A misspelt --ties-sheet said "its sheets are: 'Mette Hansen', 'Jens Nielsen', ...": the list of
    # people. It now says how to name the sheet without listing any, nor repeating the name asked for.
    misspelt = runner.invoke(cli, ["validate", *inputs, "--ties-sheet", "Mete Hansen", "--json"])
    assert misspelt.exit_code == 1, misspelt.output
    problems = json.loads(misspelt.stdout)["problems"]
    assert [(p["code"], p["sheet"]) for p in problems] == [("unknown-sheet", None)]
    assert "its sheets are named after people of the roster, so they are not listed here" in problems[0]["message"]
    for person in people:
        for value in (person["Name"], person["Employee ID"], person["Name"].split()[-1], "Mete"):
            assert value.encode() not in misspelt.stdout.encode(), value
