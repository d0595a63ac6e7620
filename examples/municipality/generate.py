"""Generate the example municipality: a synthetic roster and collaboration survey (seeded).

A Scandinavian municipality of 461 people in 13 departments under 4 directorates: line units
(Børn og Familie, Social og Beskæftigelse, Teknik og Miljø) and the support functions of a Staff
directorate (HR, Finance, Communication, IT). Every department has a Head of Department and 2-4
teams with a Team Leader each; each directorate has a Director placed in one of its departments.
The survey asked "who do you work with, and how often?" (1 = a few times a year ... 5 = daily);
85% answered, and non-respondents appear only when colleagues name them.

Planted structure, so that the analysis has something real to find:

- most ties (about three in four) stay inside the department; ties inside the team are more
  common and more frequent; answers are often reciprocated with a similar frequency;
- eight boundary spanners (SPANNERS below) work with two or three other departments;
- Building & Permits is a closed silo: almost no ties in or out (E-I index about -0.9);
- Child & Family Services and Employment are connected through exactly one person, the caseworker
  E0116 in Child & Family Services: every tie between the two units involves her or him;
- the support units work mostly with line managers (directors, heads, team leaders), not with
  caseworkers;
- directors work with their heads of department and with each other.

Department sizes and order are fixed (the employee ids, the 461 people and the bridge E0116 do not
depend on the seed); names, teams' sizes, roles, locations and ties do.

Run: python examples/municipality/generate.py [--seed 2026] [--out DIR]
"""

from __future__ import annotations

import argparse
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

# directorate -> department -> (size, teams). The order fixes the employee ids.
DIRECTORATES = {
    "Børn og Familie": {
        "Schools": (64, ["School Administration", "Pedagogical Support", "Special Needs"]),
        "Child & Family Services": (52, ["Intake", "Family Support", "Case work"]),
        "Daycare": (48, ["Team North", "Team South", "Pedagogical Development"])},
    "Social og Beskæftigelse": {
        "Social & Psychiatry": (42, ["Adult Disability", "Psychiatry", "Housing Support"]),
        "Employment": (46, ["Job Centre Intake", "Benefits", "Youth", "Employer Services"]),
        "Elderly Care": (68, ["Home Care North", "Home Care South", "Nursing Homes", "Assessment"])},
    "Teknik og Miljø": {
        "Roads & Parks": (34, ["Roads", "Parks", "Operations"]),
        "Building & Permits": (30, ["Permits", "Inspection"]),
        "Environment": (25, ["Nature & Water", "Environmental Protection"])},
    "Staff": {
        "HR": (14, ["HR Partners", "Payroll"]),
        "Finance": (16, ["Budget & Analysis", "Accounting", "Procurement"]),
        "Communication": (9, ["Press & Web", "Internal Communication"]),
        "IT": (13, ["IT Support", "Digital Development"])},
}
DIRECTOR_IN = {"Børn og Familie": "Schools", "Social og Beskæftigelse": "Social & Psychiatry",
               "Teknik og Miljø": "Roads & Parks", "Staff": "Finance"}
SUPPORT = {"HR", "Finance", "Communication", "IT"}
CLOSED, BRIDGED = "Building & Permits", ("Child & Family Services", "Employment")
# Staff roles per department: (roles, probabilities).
ROLES = {
    "Schools": (["Consultant", "Psychologist", "Specialist", "Assistant"], [.4, .25, .2, .15]),
    "Child & Family Services": (["Caseworker", "Family Therapist", "Specialist", "Assistant"], [.6, .15, .1, .15]),
    "Daycare": (["Pedagogue", "Consultant", "Assistant"], [.55, .2, .25]),
    "Social & Psychiatry": (["Caseworker", "Support Worker", "Specialist", "Assistant"], [.45, .3, .1, .15]),
    "Employment": (["Job Consultant", "Caseworker", "Assistant"], [.5, .3, .2]),
    "Elderly Care": (["Care Assistant", "Nurse", "Assessor", "Assistant"], [.45, .25, .15, .15]),
    "Roads & Parks": (["Operations Worker", "Engineer", "Specialist", "Assistant"], [.5, .25, .15, .1]),
    "Building & Permits": (["Caseworker", "Engineer", "Assistant"], [.6, .25, .15]),
    "Environment": (["Specialist", "Biologist", "Caseworker"], [.5, .25, .25]),
    "HR": (["HR Consultant", "Payroll Specialist", "Assistant"], [.6, .3, .1]),
    "Finance": (["Controller", "Accountant", "Procurement Specialist"], [.4, .35, .25]),
    "Communication": (["Communication Consultant", "Web Editor"], [.7, .3]),
    "IT": (["IT Supporter", "Developer", "IT Architect"], [.45, .3, .25]),
}
LOCATIONS = {"Rådhuset": SUPPORT | {"Building & Permits"},
             "Børne- og Ungehuset": {"Schools", "Child & Family Services", "Daycare"},
             "Jobcentret": {"Employment"}, "Sundhedshuset": {"Social & Psychiatry", "Elderly Care"},
             "Teknisk Center Ørstedsvej": {"Roads & Parks", "Environment"}}
# The eight boundary spanners: (department, team, role, departments they work with). Each is the
# last member of that team; the first one is the only bridge between Child & Family and Employment.
SPANNERS = [
    ("Child & Family Services", "Case work", "Caseworker", ["Employment", "Schools"]),
    ("Social & Psychiatry", "Psychiatry", "Coordinator", ["Elderly Care", "Employment"]),
    ("Schools", "Special Needs", "Inclusion Coordinator", ["Daycare", "Child & Family Services"]),
    ("Elderly Care", "Assessment", "Welfare Technology Coordinator", ["Social & Psychiatry", "IT"]),
    ("Environment", "Nature & Water", "Climate Coordinator", ["Roads & Parks", "Communication"]),
    ("Finance", "Budget & Analysis", "Controller", ["Elderly Care", "Schools", "Daycare"]),
    ("HR", "HR Partners", "HR Consultant", ["Daycare", "Elderly Care"]),
    ("Employment", "Youth", "Youth Coordinator", ["Social & Psychiatry", "Schools"]),
]
# Department pairs that work together more than the directorate structure alone suggests.
RELATED = {("Schools", "Daycare"): 1.5, ("Child & Family Services", "Schools"): 1.2,
           ("Social & Psychiatry", "Elderly Care"): 1.2, ("Roads & Parks", "Environment"): 1.3,
           ("Social & Psychiatry", "Child & Family Services"): 0.6}
FIRST = ["Søren", "Mette", "Kirsten", "Jørgen", "Lærke", "Mikkel", "Rasmus", "Signe", "Anders", "Birgitte",
         "Torben", "Henrik", "Camilla", "Jens", "Morten", "Malene", "Ida", "Frederik", "Kasper", "Hanne",
         "Niels", "Dorthe", "Pernille", "Jesper", "Gitte", "René", "Asbjørn", "Bodil", "Bjørn", "Anne-Mette",
         "Åsa", "Björn", "Göran", "Ingrid", "Karin", "Åke", "Sanna", "Märta", "Linnéa", "Örjan", "Gösta",
         "Lena", "Maja", "Håkan", "Måns", "Ulla", "André", "Josefine", "Elin", "Ebba", "Stig", "Agnès",
         "Øystein", "Øyvind", "Solveig", "Ragnhild", "Kjetil", "Åse", "Sigrid", "Eirik", "Håvard",
         "Torbjørn", "Gudrun", "Kåre", "Halvor", "Marit", "Trond", "Synnøve", "Bjørg", "Frøydis"]
LAST = ["Kjær", "Nørgaard", "Søndergaard", "Møller", "Jørgensen", "Østergaard", "Hansen", "Nielsen",
        "Pedersen", "Mørch", "Bøgh", "Skov", "Vestergaard", "Dalgaard", "Krøyer", "Lund", "Thygesen",
        "Brøndum", "Grøn", "Bæk", "Frøkjær", "Sørensen", "Højgaard", "Damgaard", "Rømer",
        "Lindström", "Åkesson", "Bäckström", "Holmström", "Sjöberg", "Ågren", "Nyström", "Löfgren",
        "Ekström", "Öberg", "Wåhlin", "Söderberg", "Lindqvist", "Engström", "Håkansson", "Blomqvist",
        "Sandén", "Lindén", "Åström", "Hedén", "Björklund", "Ødegård", "Bjørnstad", "Solberg", "Haugen",
        "Løvås", "Sæther", "Nygård", "Kvåle", "Strøm", "Bråten", "Dæhlie", "Fjørtoft", "Tønnessen", "Røed"]
# Frequency 1-5 by kind of tie.
FREQ = {"team": [.03, .12, .3, .3, .25], "dept": [.15, .35, .3, .15, .05],
        "cross": [.3, .35, .25, .08, .02], "span": [.05, .2, .35, .3, .1]}


def _ascii(text: str) -> str:
    text = text.lower().replace("æ", "ae").replace("ø", "o").replace(" ", ".")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _names(n: int, rng: np.random.Generator) -> tuple[list[str], list[str]]:
    """n unique names with unique ascii-folded emails, drawn from all first x last combinations."""
    names, emails = [], []
    for f, l in rng.permutation([(f, l) for f in FIRST for l in LAST]):
        email = f"{_ascii(f)}.{_ascii(l)}@kommune.example"
        if email not in emails:
            names.append(f"{f} {l}")
            emails.append(email)
        if len(names) == n:
            return names, emails
    raise ValueError("not enough names")


def make_roster(rng: np.random.Generator) -> tuple[pd.DataFrame, dict[int, list[str]]]:
    """The roster, and the boundary spanners as {row: departments they work with}."""
    rows, spanners = [], {}
    for directorate, departments in DIRECTORATES.items():
        for department, (size, teams) in departments.items():
            lead = [("Director", teams[0])] if DIRECTOR_IN[directorate] == department else []
            lead += [("Head of Department", teams[0])] + [("Team Leader", t) for t in teams]
            rest = size - len(lead) - 2 * len(teams)   # every team gets at least 2 members
            counts = 2 + rng.multinomial(rest, rng.dirichlet(np.full(len(teams), 4.0)))
            roles, p = ROLES[department]
            staff = [(str(rng.choice(roles, p=p)), t) for t, c in zip(teams, counts) for _ in range(c)]
            for dept, team, role, targets in SPANNERS:
                if dept == department:
                    last = max(k for k, (_, t) in enumerate(staff) if t == team)
                    staff[last] = (role, team)
                    spanners[len(rows) + len(lead) + last] = targets
            home = next(loc for loc, units in LOCATIONS.items() if department in units)
            for role, team in lead + staff:
                where = home if rng.random() < 0.88 else str(rng.choice(list(LOCATIONS)))
                rows.append({"Directorate": directorate, "Department": department, "Team": team,
                             "Role": role, "Function": "support" if department in SUPPORT else "line",
                             "Location": where})
    roster = pd.DataFrame(rows)
    names, emails = _names(len(roster), rng)
    roster.insert(0, "Employee ID", [f"E{i:04d}" for i in range(1, len(roster) + 1)])
    roster.insert(1, "Name", names)
    roster.insert(2, "Email", emails)
    return roster, spanners


def make_ties(roster: pd.DataFrame, spanners: dict[int, list[str]], rng: np.random.Generator) -> pd.DataFrame:
    n, idx = len(roster), np.arange(len(roster))
    units = list(roster["Department"].unique())
    dept = roster["Department"].map(units.index).to_numpy()
    team = (roster["Department"] + "/" + roster["Team"]).to_numpy()
    role, drt = roster["Role"].to_numpy(), roster["Directorate"].to_numpy()
    support = roster["Function"].eq("support").to_numpy()
    director, head = role == "Director", role == "Head of Department"
    manager = director | head | (role == "Team Leader")
    closed, (cfs, emp) = units.index(CLOSED), (units.index(u) for u in BRIDGED)
    bridge = next(s for s in spanners if units[dept[s]] == BRIDGED[0])
    # Unit affinity: same directorate > related pairs > the rest; the closed unit almost nobody.
    of = {u: d for d, deps in DIRECTORATES.items() for u in deps}
    aff = np.array([[1.0 if of[a] == of[b] else 0.25 for b in units] for a in units])
    for (a, b), v in RELATED.items():
        aff[units.index(a), units.index(b)] = aff[units.index(b), units.index(a)] = v
    aff[closed, :] *= 0.02
    aff[:, closed] *= 0.02
    np.fill_diagonal(aff, 0.0)
    # spanned_by[d]: the spanners who work with department d (its people name them readily).
    spanned_by = np.zeros((len(units), n), bool)
    for s, targets in spanners.items():
        spanned_by[[units.index(t) for t in targets], s] = True

    # 85% answered; directors and spanners always did.
    responded = np.ones(n, bool)
    optional = np.flatnonzero(~director & ~np.isin(idx, list(spanners)))
    responded[rng.choice(optional, size=round(0.15 * n), replace=False)] = False
    freq = np.zeros((n, n), int)   # freq[i, j]: how often i says they work with j (0 = not named)

    def name(i: int, alters, kind: str) -> None:
        for j in alters:
            if freq[j, i]:   # reciprocated: about the same frequency as the colleague said
                freq[i, j] = np.clip(freq[j, i] + rng.choice([-1, 0, 0, 0, 1]), 1, 5)
            else:
                freq[i, j] = rng.choice(5, p=FREQ[kind]) + 1

    def pick(i: int, w: np.ndarray, m: int) -> np.ndarray:
        w = np.where(freq[i] > 0, 0.0, w) * np.where(freq[:, i] > 0, 5.0, 1.0)   # prefer reciprocating
        w[i] = 0.0
        m = min(m, int((w > 0).sum()))
        return rng.choice(n, size=m, replace=False, p=w / w.sum()) if m else np.array([], int)

    def share_out(i: int) -> float:
        """Expected share of i's ties outside the own department."""
        if dept[i] == closed:
            return 0.02
        if i in spanners:
            return 0.6
        if director[i]:
            return 0.5
        if support[i]:
            return 0.55 if manager[i] else 0.4
        return 0.4 if head[i] else 0.25 if manager[i] else 0.15

    for i in rng.permutation(np.flatnonzero(responded)):
        d, spanner = dept[i], i in spanners
        # The fragile bridge: no one but the bridge crosses between Child & Family and Employment.
        other = {cfs: emp, emp: cfs}.get(d)
        allowed = np.ones(n) if other is None or i == bridge else np.where(dept == other, 0.0, 1.0)
        allowed[bridge] = 1.0
        if director[i]:   # heads of the own directorate and the other directors
            name(i, np.flatnonzero((head & (drt == drt[i])) | (director & (idx != i))), "span")
        elif head[i] and rng.random() < 0.9:
            name(i, np.flatnonzero(director & (drt == drt[i])), "span")
        k = int(np.clip(np.rint(rng.lognormal(np.log(7), 0.5)), 3, 30)) + 3 * manager[i] + 10 * spanner
        k_out = rng.binomial(k, share_out(i))
        # Inside the department: mostly the own team; managers talk to managers.
        w_in = np.where(dept == d, 1.0, 0.0) * np.where(team == team[i], 6.0, 1.0)
        w_in *= np.where(manager & manager[i], 3.0, 1.0)
        inside = pick(i, w_in, k - k_out)
        name(i, [j for j in inside if team[j] == team[i]], "team")
        name(i, [j for j in inside if team[j] != team[i]], "dept")
        k_out = k - len(inside)   # a small department leaves more for the outside
        # Outside: support works with line managers; line managers with support; spanners with their
        # departments; people in a spanner's departments name that spanner.
        w_out = aff[d, dept] * allowed
        if spanner:   # their departments alike, whatever the directorate
            w_out = np.where(np.isin(dept, [units.index(t) for t in spanners[i]]), allowed, 0.1 * w_out)
            w_out *= np.where(manager, 4.0, 1.0) if support[i] else 1.0
        elif support[i]:
            w_out *= np.where(support, 1.0, np.where(manager, 15.0, 0.3))
        elif manager[i]:
            w_out *= np.where(support, 4.0, np.where(manager, 2.0, 1.0))
        else:
            w_out *= np.where(support, 0.15, np.where(manager, 1.5, 1.0))
        w_out = np.where(spanned_by[d], 20.0, w_out)
        outside = pick(i, w_out, k_out)
        name(i, [j for j in outside if spanner or spanned_by[d, j]], "span")
        name(i, [j for j in outside if not (spanner or spanned_by[d, j])], "cross")

    ids = roster["Employee ID"].to_numpy()
    src, dst = np.nonzero(freq)
    return pd.DataFrame({"Respondent ID": ids[src], "Colleague ID": ids[dst], "Frequency": freq[src, dst]})


def write_xlsx(frame: pd.DataFrame, path: Path, sheet: str) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        ws.append([v.item() if hasattr(v, "item") else v for v in row])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for col, name in zip(ws.iter_cols(min_row=1, max_row=1), frame.columns):
        width = max(len(str(name)), int(frame[name].astype(str).str.len().max()))
        ws.column_dimensions[col[0].column_letter].width = width + 2
    ws.freeze_panes = "A2"
    wb.save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    roster, spanners = make_roster(rng)
    ties = make_ties(roster, spanners, rng)
    args.out.mkdir(parents=True, exist_ok=True)
    write_xlsx(roster, args.out / "roster.xlsx", "Roster")
    write_xlsx(ties, args.out / "ties.xlsx", "Ties")
    print(f"{len(roster)} people, {roster['Department'].nunique()} departments, {len(ties)} ties -> {args.out}")
    for s in sorted(spanners):
        print("  spanner:", " | ".join(roster.loc[s, ["Employee ID", "Name", "Department", "Role"]]))


if __name__ == "__main__":
    main()
