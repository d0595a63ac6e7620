"""Generate the example municipality: a synthetic roster and collaboration survey (seeded).

A Scandinavian municipality of about 450 people in 13 departments under 4 directorates: line
units (Child & Family Services, Employment, Elderly Care, Building & Permits ...) and the support
functions of a Staff directorate (HR, Finance, Communication, IT). The survey asked every employee
"who do you work with, and how often?" (1 = a few times a year ... 5 = daily); 85% answered.

Planted structure, so that the analysis has something real to find:

- most ties stay inside the department, and inside the team more often and more frequently;
- eight named boundary spanners work with two or three other departments;
- Building & Permits is a closed silo: its people name almost no one outside it;
- Child & Family Services and Employment are connected through exactly one person, a caseworker
  in Child & Family Services (a fragile bridge);
- the support units work mostly with line managers (directors, heads of department, team leaders),
  not with caseworkers;
- directors work with their heads of department and with each other.

Run: python examples/municipality/generate.py [--seed 2026] [--out DIR]
"""

from __future__ import annotations

import argparse
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

DIRECTORATES = {
    "Børn og Familie": {"Schools": 64, "Child & Family Services": 52, "Daycare": 48},
    "Social og Beskæftigelse": {"Social & Psychiatry": 40, "Employment": 44, "Elderly Care": 70},
    "Teknik og Miljø": {"Roads & Parks": 34, "Building & Permits": 30, "Environment": 22},
    "Staff": {"HR": 14, "Finance": 16, "Communication": 9, "IT": 18},
}
SUPPORT = {"HR", "Finance", "Communication", "IT"}
TEAMS = ["Intake", "Case work", "Team North", "Team South", "Planning", "Operations", "Development"]
ROLES = ["Caseworker", "Specialist", "Consultant", "Assistant", "Coordinator"]
LOCATIONS = ["Rådhuset", "Søndergade", "Østervang", "Nørremarken"]
FIRST = ["Søren", "Åsa", "Mette", "Björn", "Kirsten", "Jørgen", "Ingrid", "Lars", "Anna", "Mikkel", "Hanne",
         "Göran", "Sofie", "Rasmus", "Lærke", "Øystein", "Karin", "Niels", "Maja", "Frederik", "Signe", "Åke",
         "Birgitte", "Torben", "Louise", "Henrik", "Camilla", "Jens", "Emilie", "Morten", "Astrid", "Päivi",
         "Kasper", "Line", "Anders", "Malene", "Bjørn", "Ida", "Ulrik", "Sanna"]
LAST = ["Ødegård", "Lindström", "Kjær", "Åkesson", "Hansen", "Nørgaard", "Søndergaard", "Bäckström", "Møller",
        "Jørgensen", "Østergaard", "Lærkesen", "Holmström", "Sjöberg", "Brændgaard", "Dahl", "Frøslev", "Ågren",
        "Nyström", "Kähler", "Bøgh", "Thygesen", "Mørch", "Wåhlin", "Skov", "Vestergaard", "Löfgren", "Høj",
        "Ekström", "Grøn", "Bjørnsen", "Ström", "Dalgaard", "Öberg", "Krøyer", "Lund"]


def _ascii(text: str) -> str:
    text = text.lower().replace("æ", "ae").replace("ø", "o").replace("å", "aa").replace(" ", "")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def make_roster(rng: np.random.Generator) -> pd.DataFrame:
    names = rng.permutation([f"{f} {l}" for f in FIRST for l in LAST])
    rows = []
    for directorate, departments in DIRECTORATES.items():
        director_dept = next(iter(departments))
        for department, size in departments.items():
            n_teams = 2 if size < 20 else 3 if size < 50 else 4
            teams = list(rng.choice(TEAMS, size=n_teams, replace=False))
            for k in range(size):
                team = teams[k % n_teams]
                if k == 0 and department == director_dept:
                    role = "Director"
                elif k == 1:
                    role = "Head of Department"
                elif 2 <= k < 2 + n_teams:
                    role, team = "Team Leader", teams[k - 2]
                else:
                    role = str(rng.choice(ROLES, p=[0.45, 0.2, 0.15, 0.12, 0.08]))
                rows.append({"Directorate": directorate, "Department": department, "Team": team, "Role": role,
                             "Function": "support" if department in SUPPORT else "line",
                             "Location": str(rng.choice(LOCATIONS, p=[0.5, 0.2, 0.2, 0.1]))})
    roster = pd.DataFrame(rows)
    roster.insert(0, "Employee ID", [f"E{i:04d}" for i in range(1, len(roster) + 1)])
    roster.insert(1, "Name", names[: len(roster)])
    emails, seen = [], {}
    for name in roster["Name"]:
        local = ".".join(_ascii(part) for part in name.split())
        seen[local] = seen.get(local, 0) + 1
        emails.append(f"{local}{seen[local] if seen[local] > 1 else ''}@kommune.example")
    roster.insert(2, "Email", emails)
    return roster


def make_ties(roster: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    n = len(roster)
    dept = roster["Department"].to_numpy()
    team = (roster["Department"] + "/" + roster["Team"]).to_numpy()
    role = roster["Role"].to_numpy()
    manager = np.isin(role, ["Director", "Head of Department", "Team Leader"])
    support = np.isin(dept, list(SUPPORT))
    responded = rng.random(n) < 0.85
    ties: dict[tuple[int, int], int] = {}

    def add(i: int, j: int, freq: int) -> None:
        if i != j and responded[i]:
            ties[(i, j)] = max(ties.get((i, j), 0), int(freq))

    by_dept = {d: np.flatnonzero(dept == d) for d in np.unique(dept)}
    by_team = {t: np.flatnonzero(team == t) for t in np.unique(team)}
    closed = "Building & Permits"
    bridge_units = {"Child & Family Services", "Employment"}
    for i in range(n):
        k = int(np.clip(rng.pareto(2.2) * 5 + 4, 4, 15))
        mates = by_team[team[i]]
        colleagues = by_dept[dept[i]]
        for _ in range(k):
            r = rng.random()
            if r < 0.5:
                add(i, int(rng.choice(mates)), rng.integers(3, 6))
            elif r < 0.84 or dept[i] == closed:
                add(i, int(rng.choice(colleagues)), rng.integers(1, 5))
            else:
                # Cross-unit: managers reach the support units, support staff reach line managers.
                if support[i]:
                    pool = np.flatnonzero(manager & ~support & (dept != closed))
                elif manager[i] and rng.random() < 0.6:
                    pool = np.flatnonzero(support)
                else:
                    pool = np.flatnonzero((dept != dept[i]) & ~support & (dept != closed))
                j = int(rng.choice(pool))
                if {dept[i], dept[j]} == bridge_units or dept[j] == closed:
                    continue
                add(i, j, rng.integers(1, 4))
    # Directors work with their heads of department and with each other.
    directors = np.flatnonzero(role == "Director")
    directorate = roster["Directorate"].to_numpy()
    for d in directors:
        for h in np.flatnonzero((role == "Head of Department") & (directorate == directorate[d])):
            if dept[h] != closed:
                add(d, h, 4), add(h, d, 4)
        for e in directors:
            add(d, e, 3)
    # Eight boundary spanners, each working with two or three other departments.
    line = [u for u in by_dept if u not in SUPPORT and u != closed and u not in bridge_units]
    spanners = rng.choice(np.flatnonzero(np.isin(dept, line) & ~manager), size=8, replace=False)
    for s in spanners:
        others = rng.choice([u for u in line if u != dept[s]], size=int(rng.integers(2, 4)), replace=False)
        for u in others:
            for j in rng.choice(by_dept[u], size=4, replace=False):
                add(int(s), int(j), rng.integers(2, 5))
                if rng.random() < 0.6:
                    add(int(j), int(s), rng.integers(2, 5))
    # The one bridge between Child & Family Services and Employment.
    bridge = int(by_dept["Child & Family Services"][-1])
    responded[bridge] = True
    for j in rng.choice(by_dept["Employment"], size=6, replace=False):
        add(bridge, int(j), rng.integers(2, 5))
        responded[j] = responded[j] or False
        if responded[j]:
            add(int(j), bridge, rng.integers(2, 5))
    # The closed unit: a single tie out, to its own director's department.
    b_and_p = by_dept[closed]
    add(int(b_and_p[1]), int(by_dept["Roads & Parks"][0]), 2)
    ids = roster["Employee ID"].to_numpy()
    pairs = sorted(ties.items())
    return pd.DataFrame({"Respondent ID": [ids[i] for (i, _), _ in pairs],
                         "Colleague ID": [ids[j] for (_, j), _ in pairs],
                         "Frequency": [f for _, f in pairs]})


def _write(frame: pd.DataFrame, path: Path, sheet: str) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        ws.append([v.item() if hasattr(v, "item") else v for v in row])
    wb.save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    roster = make_roster(rng)
    ties = make_ties(roster, rng)
    args.out.mkdir(parents=True, exist_ok=True)
    _write(roster, args.out / "roster.xlsx", "Roster")
    _write(ties, args.out / "ties.xlsx", "Ties")
    print(f"{len(roster)} people, {roster['Department'].nunique()} departments, {len(ties)} ties -> {args.out}")


if __name__ == "__main__":
    main()
