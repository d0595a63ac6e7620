"""Three yearly waves of the example municipality, with two planted changes (seeded, rerunnable).

- 2024: the municipality of ../municipality as it is.
- 2025: Employment and Social & Psychiatry merge into "Employment & Social"; the people of the two
  former departments start working together (new ties between them).
- 2026: a cross-unit "Family Team" of caseworkers from Child & Family Services, Schools and
  Employment & Social starts; its members work together across their units.

Every year about 8% of ties end and as many new ones start inside units (everyday turnover), so
the planted changes must stand out from noise. Writes 2024/, 2025/, 2026/ (roster.xlsx, ties.xlsx).
Run: python examples/yearly/generate.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook

HERE = Path(__file__).parent
SOURCE = HERE.parent / "municipality"
MERGED = ("Employment", "Social & Psychiatry")
MERGED_NAME = "Employment & Social"
TEAM_UNITS = ("Child & Family Services", "Schools", MERGED_NAME)
SEED = 2027


def write_xlsx(frame: pd.DataFrame, path: Path, sheet: str) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    ws.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        ws.append([v.item() if hasattr(v, "item") else v for v in row])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


def turnover(ties: pd.DataFrame, roster: pd.DataFrame, rng: np.random.Generator, share: float = 0.08) -> pd.DataFrame:
    """End ``share`` of the ties at random and start as many new ones inside departments."""
    keep = rng.random(len(ties)) >= share
    kept = ties[keep]
    dept = roster.set_index("Employee ID")["Department"]
    people = roster["Employee ID"].to_numpy()
    new = []
    while len(new) < (~keep).sum():
        a = people[rng.integers(len(people))]
        same = people[(dept.reindex(people) == dept[a]).to_numpy()]
        b = same[rng.integers(len(same))]
        if a != b:
            new.append((a, b, int(rng.integers(1, 6))))
    out = pd.concat([kept, pd.DataFrame(new, columns=ties.columns)], ignore_index=True)
    return out.drop_duplicates(["Respondent ID", "Colleague ID"]).reset_index(drop=True)


def add_ties_between(ties, group_a, group_b, count, rng) -> pd.DataFrame:
    new = [(group_a[rng.integers(len(group_a))], group_b[rng.integers(len(group_b))], int(rng.integers(2, 6)))
           for _ in range(count)]
    new += [(b, a, w) for a, b, w in new[: count // 2]]
    out = pd.concat([ties, pd.DataFrame(new, columns=ties.columns)], ignore_index=True)
    out = out[out["Respondent ID"] != out["Colleague ID"]]
    return out.drop_duplicates(["Respondent ID", "Colleague ID"]).reset_index(drop=True)


def main() -> None:
    rng = np.random.default_rng(SEED)
    roster = pd.read_excel(SOURCE / "roster.xlsx", sheet_name="Roster", dtype=str, engine="openpyxl")
    ties = pd.read_excel(SOURCE / "ties.xlsx", sheet_name="Ties", engine="openpyxl")
    ties = ties.astype({"Respondent ID": str, "Colleague ID": str})
    write_xlsx(roster, HERE / "2024" / "roster.xlsx", "Roster")
    write_xlsx(ties, HERE / "2024" / "ties.xlsx", "Ties")

    roster25 = roster.copy()
    roster25.loc[roster25["Department"].isin(MERGED), "Department"] = MERGED_NAME
    ties25 = turnover(ties, roster25, rng)
    ids = roster.set_index("Employee ID")["Department"]
    a = ids.index[ids == MERGED[0]].to_numpy()
    b = ids.index[ids == MERGED[1]].to_numpy()
    ties25 = add_ties_between(ties25, a, b, 120, rng)
    write_xlsx(roster25, HERE / "2025" / "roster.xlsx", "Roster")
    write_xlsx(ties25, HERE / "2025" / "ties.xlsx", "Ties")

    roster26 = roster25.copy()
    team = []
    for unit in TEAM_UNITS:
        members = roster26.loc[roster26["Department"] == unit, "Employee ID"].to_numpy()
        team.extend(rng.choice(members, size=8, replace=False))
    roster26.loc[roster26["Employee ID"].isin(team), "Team"] = "Family Team"
    ties26 = turnover(ties25, roster26, rng)
    team = np.array(team)
    new = [(x, y, int(rng.integers(3, 6))) for x in team for y in team
           if x != y and rng.random() < 0.8]
    ties26 = pd.concat([ties26, pd.DataFrame(new, columns=ties26.columns)], ignore_index=True)
    ties26 = ties26.drop_duplicates(["Respondent ID", "Colleague ID"], keep="last").reset_index(drop=True)
    write_xlsx(roster26, HERE / "2026" / "roster.xlsx", "Roster")
    write_xlsx(ties26, HERE / "2026" / "ties.xlsx", "Ties")
    print(f"2024: {len(ties)} ties; 2025: {len(ties25)}; 2026: {len(ties26)} ({len(team)} people in the Family Team)")


if __name__ == "__main__":
    main()
