"""Check the example municipality's files and print the planted structure's numbers.

Run: python examples/municipality/check.py [DIR]   (exits 1 if a rule is broken)
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

ROSTER_COLUMNS = ["Employee ID", "Name", "Email", "Directorate", "Department", "Team", "Role", "Function",
                  "Location"]
MANAGERS = {"Director", "Head of Department", "Team Leader"}


def main(folder: Path) -> int:
    roster = pd.read_excel(folder / "roster.xlsx", sheet_name="Roster", engine="openpyxl")
    ties = pd.read_excel(folder / "ties.xlsx", sheet_name="Ties", engine="openpyxl")
    people = roster.set_index("Employee ID")
    problems = []
    rule = lambda ok, text: ok or problems.append(text)  # noqa: E731
    rule(list(roster.columns) == ROSTER_COLUMNS, f"roster columns {list(roster.columns)}")
    rule(list(ties.columns) == ["Respondent ID", "Colleague ID", "Frequency"], f"ties columns {list(ties.columns)}")
    for col in ("Employee ID", "Name", "Email"):
        rule(roster[col].is_unique, f"{col} not unique")
    rule((ties["Respondent ID"] != ties["Colleague ID"]).all(), "self-ties")
    rule(not ties.duplicated(["Respondent ID", "Colleague ID"]).any(), "duplicate pairs")
    rule(ties[["Respondent ID", "Colleague ID"]].isin(people.index).all().all(), "unknown ids in ties")
    rule(ties["Frequency"].between(1, 5).all(), "frequency outside 1-5")
    for role, per in (("Director", "Directorate"), ("Head of Department", "Department")):
        counts = roster[roster["Role"] == role].groupby(per).size()
        rule(len(counts) == roster[per].nunique() and (counts == 1).all(), f"not one {role} per {per}")
    leaders = roster[roster["Role"] == "Team Leader"].groupby(["Department", "Team"]).size()
    rule(len(leaders) == len(roster.groupby(["Department", "Team"])) and (leaders == 1).all(), "team leaders")

    t = ties.assign(du=ties["Respondent ID"].map(people["Department"]),
                    dv=ties["Colleague ID"].map(people["Department"]),
                    ru=ties["Respondent ID"].map(people["Role"]), rv=ties["Colleague ID"].map(people["Role"]),
                    fu=ties["Respondent ID"].map(people["Function"]),
                    fv=ties["Colleague ID"].map(people["Function"]),
                    tu=ties["Respondent ID"].map(people["Team"]), tv=ties["Colleague ID"].map(people["Team"]))
    cross = t["du"] != t["dv"]
    out_degree = t.groupby("Respondent ID").size()
    print(f"People:       {len(roster)}")
    print(f"Departments:  {roster['Department'].nunique()} (directorates {roster['Directorate'].nunique()}, "
          f"teams {len(roster.groupby(['Department', 'Team']))})")
    print(f"Ties:         {len(ties)}")
    print(f"Respondents:  {out_degree.size} ({out_degree.size / len(roster):.1%}); named per respondent: "
          f"median {out_degree.median():.0f}, 10-90% {out_degree.quantile(.1):.0f}-{out_degree.quantile(.9):.0f}, "
          f"max {out_degree.max()}")
    print(f"Cross-department ties: {cross.mean():.1%} ({cross.sum()} of {len(t)})")
    same_team = ~cross & (t["tu"] == t["tv"])
    print(f"Mean frequency: same team {t.loc[same_team, 'Frequency'].mean():.2f}, same department other team "
          f"{t.loc[~cross & ~same_team, 'Frequency'].mean():.2f}, cross-department "
          f"{t.loc[cross, 'Frequency'].mean():.2f}")

    print("\nE-I index per department ((external - internal) / (external + internal), ties touching it):")
    ei = {}
    for d in sorted(roster["Department"].unique()):
        internal = ((t["du"] == d) & (t["dv"] == d)).sum()
        external = (((t["du"] == d) | (t["dv"] == d)) & cross).sum()
        ei[d] = (external - internal) / (external + internal)
        print(f"  {d:<25} {ei[d]:+.3f}   (internal {internal}, external {external})")
    closed = min(ei, key=ei.get)
    rule(closed == "Building & Permits" and ei[closed] < -0.8, f"lowest E-I is {closed} {ei[closed]:.2f}")

    a, b = "Child & Family Services", "Employment"
    ab = t[((t["du"] == a) & (t["dv"] == b)) | ((t["du"] == b) & (t["dv"] == a))]
    ends = [set(pair) for pair in ab[["Respondent ID", "Colleague ID"]].itertuples(index=False)]
    carriers = set.intersection(*ends) if ends else set()
    side_a = set(ab.loc[ab["du"] == a, "Respondent ID"]) | set(ab.loc[ab["dv"] == a, "Colleague ID"])
    side_b = set(ab.loc[ab["du"] == b, "Respondent ID"]) | set(ab.loc[ab["dv"] == b, "Colleague ID"])
    print(f"\n{a} <-> {b}: {len(ab)} ties; distinct people carrying them on the {a} side: {len(side_a)} "
          f"{sorted(side_a)}; on the {b} side: {len(side_b)}; in every tie: {sorted(carriers)}")
    rule(len(side_a) == 1 and len(carriers) == 1, "the Child & Family - Employment bridge is not one person")

    line_support = t[t["fu"] != t["fv"]]
    line_role = line_support["rv"].where(line_support["fu"] == "support", line_support["ru"])
    print(f"Support-line ties with a line manager on the line side: {line_role.isin(MANAGERS).mean():.1%} "
          f"(line managers are {roster.loc[roster['Function'] == 'line', 'Role'].isin(MANAGERS).mean():.1%} "
          f"of line staff)")
    directors = set(roster.loc[roster["Role"] == "Director", "Employee ID"])
    dd = t[t["Respondent ID"].isin(directors) & t["Colleague ID"].isin(directors)]
    drt = people["Directorate"]
    heads = roster[roster["Role"] == "Head of Department"]
    dh = t[t["Respondent ID"].isin(directors) & (t["rv"] == "Head of Department")
           & (t["Respondent ID"].map(drt) == t["Colleague ID"].map(drt))]
    hd = t[(t["ru"] == "Head of Department") & t["Colleague ID"].isin(directors)
           & (t["Respondent ID"].map(drt) == t["Colleague ID"].map(drt))]
    print(f"Director -> other directors: {len(dd)} of {len(directors) * (len(directors) - 1)}; director -> own "
          f"heads of department: {len(dh)} of {len(heads)}; head -> own director: {len(hd)}")
    rule(len(dd) == len(directors) * (len(directors) - 1) and len(dh) == len(heads), "director ties")
    units_reached = (pd.concat([t.loc[cross, ["Respondent ID", "dv"]].set_axis(["who", "unit"], axis=1),
                                t.loc[cross, ["Colleague ID", "du"]].set_axis(["who", "unit"], axis=1)])
                     .groupby("who")["unit"].nunique())
    external = pd.concat([t.loc[cross, "Respondent ID"], t.loc[cross, "Colleague ID"]]).value_counts()
    top = external.head(10)
    print("Most cross-department ties (person, ties, other departments):")
    for who, n in top.items():
        print(f"  {who} {people.loc[who, 'Name']:<26} {people.loc[who, 'Department']:<24} "
              f"{people.loc[who, 'Role']:<31} {n:>3} ties, {units_reached[who]} departments")
    print("\nOK" if not problems else "\nPROBLEMS:\n  " + "\n  ".join(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent))
