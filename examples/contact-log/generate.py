"""One contact log for three years of the example municipality (seeded, rerunnable).

The yearly example (../yearly) has one survey per year: who works with whom, how often (1-5). Here
the same collaboration is kept the way a team logs it all year: one row per contact, with its
date, in one file for every year. A tie of frequency f in year Y becomes f contacts on days of Y
drawn at random, so that counting a pair's contacts in Y (``repeats = "sum"``) gives back its
frequency, and each wave of ona.toml (``ties_since``/``ties_until``) measures the same network as
the yearly survey did. The dates are written day first with dashes (31-12-2025), as a Danish
Excel saves a CSV.

Writes contacts.csv. Run: python examples/contact-log/generate.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent
YEARLY = HERE.parent / "yearly"
YEARS = (2024, 2025, 2026)
SEED = 2028


def main() -> None:
    rng = np.random.default_rng(SEED)
    parts = []
    for year in YEARS:
        ties = pd.read_excel(YEARLY / str(year) / "ties.xlsx", engine="calamine", dtype={"Frequency": int})
        rows = ties.loc[ties.index.repeat(ties["Frequency"]), ["Respondent ID", "Colleague ID"]]
        start = pd.Timestamp(f"{year}-01-01")
        days = (pd.Timestamp(f"{year + 1}-01-01") - start).days
        when = start + pd.to_timedelta(rng.integers(0, days, len(rows)), unit="D")
        parts.append(pd.DataFrame({"From": rows["Respondent ID"].to_numpy(), "To": rows["Colleague ID"].to_numpy(),
                                   "Date": when}))
    log = pd.concat(parts, ignore_index=True).sort_values("Date", kind="stable")
    log["Date"] = log["Date"].dt.strftime("%d-%m-%Y")
    log.to_csv(HERE / "contacts.csv", index=False)
    print(f"contacts.csv: {len(log):,} contacts in {', '.join(map(str, YEARS))}")


if __name__ == "__main__":
    main()
