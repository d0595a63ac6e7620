"""Benchmark: how long the person map's layout takes, and how readable it is, on synthetic organisations.

For each size (bench/synthetic_org.py, 20 ties per person) the group-in-a-box layout of the map
(`ona.report.html_map._layout`, seed 1) is timed, fastest of REPEATS, and measured:
- tie / pair: mean length of a tie over the mean distance between two people (lower: ties shorter);
- tie / pair in units: the same inside each unit, averaged with the unit's headcount as weight;
- overlap: 5th percentile of each person's distance to the nearest other person over its median (1 for an
  even spread, 0 when dots sit on each other), and the share of people closer than 10 px to another;
- own unit: share of each person's 10 nearest people who are in their own unit.
To compare two versions, run it from each checkout in one session (the ratios are what counts):
    PYTHONPATH=<checkout> python bench/bench_layout.py [2000 10000 50000]
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
REPEATS = 2


def quality(xy: np.ndarray, source: np.ndarray, target: np.ndarray, codes: np.ndarray) -> dict[str, float]:
    from scipy.spatial import cKDTree

    rng = np.random.default_rng(0)
    tie = np.sqrt(((xy[source] - xy[target]) ** 2).sum(axis=1))
    pairs = rng.integers(0, len(xy), size=(200_000, 2))
    ratios, headcounts = [], []
    for unit in range(int(codes.max()) + 1):
        members = np.flatnonzero(codes == unit)
        inside = (codes[source] == unit) & (codes[target] == unit)
        if len(members) < 3 or not inside.any():
            continue
        within = members[rng.integers(0, len(members), size=(20_000, 2))]
        ratios.append(tie[inside].mean() / np.sqrt(((xy[within[:, 0]] - xy[within[:, 1]]) ** 2).sum(axis=1)).mean())
        headcounts.append(len(members))
    distance, nearest = cKDTree(xy).query(xy, k=11)
    closest = distance[:, 1]
    return {"tie / pair": tie.mean() / np.sqrt(((xy[pairs[:, 0]] - xy[pairs[:, 1]]) ** 2).sum(axis=1)).mean(),
            "tie / pair in units": float(np.average(ratios, weights=headcounts)),
            "nearest p5 / median": np.percentile(closest, 5) / np.median(closest),
            "closer than 10 px": float(np.mean(closest < 10)),
            "own unit in 10 nearest": float((codes[nearest[:, 1:]] == codes[:, None]).mean())}


def main(sizes: list[int]) -> None:
    import ona
    from ona.report.html_map import _layout
    from synthetic_org import write_org

    print(f"ona from {Path(ona.__file__).parent}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for people in sizes:
            roster_path, ties_path = write_org(Path(tmp) / str(people), people, people * 20)
            roster = ona.read_roster(roster_path)
            graph = ona.build_graph(roster, ona.read_ties(ties_path, roster))
            codes = graph.partition(None).codes
            seconds = []
            for _ in range(REPEATS):
                started = time.perf_counter()
                xy = _layout(graph, codes, 1)
                seconds.append(time.perf_counter() - started)
            figures = quality(xy, graph.source, graph.target, codes)
            print(json.dumps({"people": people, "seconds": round(min(seconds), 2),
                              **{k: round(float(v), 3) for k, v in figures.items()}}), flush=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [2000, 10_000, 50_000])
