"""A seeded synthetic organisation for benchmarks: a degree-corrected stochastic block model.

People are spread over units of unequal size; each person has a heavy-tailed activity (Pareto),
a few are hubs; 75% of ties stay inside the unit; weights are frequencies 1-5. Written as
roster.csv and ties.csv (ids like "P000123", units like "Unit 07").
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd


def make_org(people: int, ties: int, units: int = 40, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    sizes = rng.dirichlet(np.full(units, 2.0)) * people
    unit = np.repeat(np.arange(units), np.maximum(1, np.round(sizes)).astype(int))[:people]
    unit = np.concatenate([unit, rng.integers(0, units, people - len(unit))]) if len(unit) < people else unit
    rng.shuffle(unit)
    activity = rng.pareto(2.0, people) + 1.0
    hubs = rng.choice(people, size=max(1, people // 500), replace=False)
    activity[hubs] *= 20
    p = activity / activity.sum()
    members = [np.flatnonzero(unit == u) for u in range(units)]
    member_p = [p[m] / p[m].sum() if len(m) else None for m in members]
    draw = int(ties * 1.15)
    src = rng.choice(people, size=draw, p=p)
    inside = rng.random(draw) < 0.75
    tgt = rng.choice(people, size=draw, p=p)
    for u in range(units):
        sel = np.flatnonzero(inside & (unit[src] == u))
        if len(sel) and len(members[u]) > 1:
            tgt[sel] = rng.choice(members[u], size=len(sel), p=member_p[u])
    keep = src != tgt
    pairs = np.unique(np.column_stack([src[keep], tgt[keep]]), axis=0)
    pairs = pairs[rng.permutation(len(pairs))[:ties]]
    ids = np.array([f"P{i:06d}" for i in range(people)])
    roster = pd.DataFrame({"id": ids, "department": [f"Unit {u:02d}" for u in unit]})
    tie_table = pd.DataFrame({"source": ids[pairs[:, 0]], "target": ids[pairs[:, 1]],
                              "weight": rng.integers(1, 6, len(pairs))})
    return roster, tie_table


def write_org(folder: Path, people: int, ties: int, seed: int = 1) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    roster, tie_table = make_org(people, ties, seed=seed)
    roster.to_csv(folder / "roster.csv", index=False)
    tie_table.to_csv(folder / "ties.csv", index=False)
    return folder / "roster.csv", folder / "ties.csv"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("people", type=int)
    parser.add_argument("ties", type=int)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    write_org(args.out, args.people, args.ties, args.seed)
