"""A seeded unit-rates-unit survey for the example municipality (ratings.xlsx, scale.toml).

Each respondent (about 60% of the roster) rates their own unit and the units they deal with, on three
questions with a five-point agreement scale, or answers "Don't know". One row per respondent, one
column per (unit, question), as survey tools export it: "Finance – timely".

Planted, for the report to find: Finance rates itself and the line units well, but the line units
rate Finance poorly (a perception gap); IT is rated well by everyone; Building & Permits rates
others and is rated below average. Run: python examples/municipality/generate_ratings.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook

HERE = Path(__file__).parent
SEED = 2029
QUESTIONS = {"timely": "communication", "accurate": "communication", "respect": "relationship"}
LABELS = ["Strongly disagree", "Disagree", "Neither", "Agree", "Strongly agree"]
SUPPORT = {"HR", "Finance", "Communication", "IT"}


def main() -> None:
    rng = np.random.default_rng(SEED)
    roster = pd.read_excel(HERE / "roster.xlsx", sheet_name="Roster", dtype=str, engine="openpyxl")
    units = sorted(roster["Department"].unique())
    header = ["Respondent"] + [f"{u} – {q}" for u in units for q in QUESTIONS]
    rows = []
    for _, person in roster.iterrows():
        if rng.random() > 0.6:
            continue
        own = person["Department"]
        row = [person["Employee ID"]]
        for unit in units:
            deals = unit == own or unit in SUPPORT or rng.random() < 0.35
            for _ in QUESTIONS:
                if not deals:
                    row.append("")
                    continue
                if rng.random() < 0.06:
                    row.append("Don't know")
                    continue
                base = 3.6
                if unit == "Finance":
                    base = 4.4 if own == "Finance" else (2.3 if own not in SUPPORT else 3.2)
                elif own == "Finance":
                    base = 4.2
                elif unit == "IT":
                    base = 4.3
                elif unit == "Building & Permits" or own == "Building & Permits":
                    base = 2.9
                if unit == own:
                    base += 0.3
                score = int(np.clip(np.round(rng.normal(base, 0.8)), 1, 5))
                row.append(LABELS[score - 1])
        rows.append(row)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Responses")
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(HERE / "ratings.xlsx")
    (HERE / "scale.toml").write_text(
        "# How the answers of ratings.xlsx become scores (see docs/metrics.md, rating cells).\n"
        'missing = ["Don\'t know", "Not relevant"]\n\n'
        "[labels]\n" + "".join(f'"{label}" = {i + 1}\n' for i, label in enumerate(LABELS))
        + '\n[subscales]\n'
        + 'communication = ["timely", "accurate"]\nrelationship = ["respect"]\n', encoding="utf-8")
    print(f"{len(rows)} respondents, {len(units)} units, {len(QUESTIONS)} questions")


if __name__ == "__main__":
    main()
