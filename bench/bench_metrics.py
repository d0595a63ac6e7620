"""Benchmark of the boundary-spanning suite (issue: metrics at 50,000 people).

For each size, in one run on the same synthetic organisation (bench/synthetic_org.py):

1. the whole `ona analyze` (read, measure, workbook, JSON and map) as a separate process;
2. the bare igraph calls it is measured against: exact weighted betweenness (length 1/w),
   Burt constraint and Leiden;
3. at 2,000 people, a straightforward networkx implementation of the same suite;
4. at 10,000 people, how many of the exact top-100 brokers (betweenness) a sampled estimate finds.

Prints seconds and peak memory (resident set size of the child process). Usage:
    python bench/bench_metrics.py [2000 10000 50000]
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path


HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
SIZES = {2000: 40_000, 10_000: 300_000, 50_000: 1_500_000}
NX_TIMEOUT = 600
REPEATS = 2


def run_child(code: str, timeout: float | None = None) -> tuple[float, float, str]:
    """Run python code in a child process; return wall seconds, the child's own peak RSS in MB and
    its stdout (without the peak line). RUSAGE_CHILDREN would give the largest of all children so
    far, so the child reports its own."""
    code += "\nimport resource as _r\nprint('ONA-PEAK', _r.getrusage(_r.RUSAGE_SELF).ru_maxrss)"
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         timeout=timeout).stdout
    seconds = time.perf_counter() - start
    lines = out.splitlines()
    peak = next(int(line.split()[1]) for line in lines if line.startswith("ONA-PEAK"))
    return seconds, peak / 1024, "\n".join(line for line in lines if not line.startswith("ONA-PEAK"))


def ona_analyze(folder: Path) -> tuple[float, float]:
    """The whole `ona analyze` command in a child process: seconds and its peak RSS in MB."""
    argv = ["ona", "--silent", "analyze", "--roster", str(folder / "roster.csv"), "--ties", str(folder / "ties.csv"),
            "--out", str(folder / "report"), "--permutations", "1000"]
    seconds, peak, _ = run_child(f"import sys\nsys.argv = {argv!r}\nfrom ona.cli import cli\n"
                                 "cli(standalone_mode=False)")
    return seconds, peak


IGRAPH = """
import igraph as ig, pandas as pd, random, time, json
t = pd.read_csv({ties!r}); r = pd.read_csv({roster!r})
g = ig.Graph.DataFrame(t, directed=True, vertices=r[["id"]], use_vids=False)
w = (1 / t["weight"]).tolist()
times = {{}}
s = time.perf_counter(); g.betweenness(directed=True, weights=w); times["betweenness_weighted"] = time.perf_counter() - s
s = time.perf_counter(); g.constraint(weights=t["weight"].tolist()); times["constraint"] = time.perf_counter() - s
u = g.as_undirected(mode="collapse", combine_edges={{"weight": "sum"}})
random.seed(1)
s = time.perf_counter(); u.community_leiden(objective_function="modularity", weights="weight", n_iterations=-1)
times["leiden"] = time.perf_counter() - s
print(json.dumps(times))
"""

NETWORKX = """
import networkx as nx, pandas as pd, json, time
t = pd.read_csv({ties!r}); r = pd.read_csv({roster!r})
s = time.perf_counter()
g = nx.DiGraph(); g.add_nodes_from(r["id"])
g.add_weighted_edges_from(t.itertuples(index=False))
unit = dict(zip(r["id"], r["department"]))
for a, b, d in g.edges(data=True): d["length"] = 1 / d["weight"]
nx.betweenness_centrality(g, weight="length")
u = nx.Graph()
for a, b, d in g.edges(data=True):
    u.add_edge(a, b, weight=u.get_edge_data(a, b, {{"weight": 0}})["weight"] + d["weight"])
nx.constraint(u, weight="weight"); nx.effective_size(u, nodes=list(u), weight="weight")
broker = {{v: [0] * 5 for v in g}}
for b in g:
    for a in g.predecessors(b):
        for c in g.successors(b):
            if a == c or g.has_edge(a, c): continue
            ua, ub, uc = unit[a], unit[b], unit[c]
            k = 0 if ua == ub == uc else 1 if ua == uc else 2 if ua == ub else 3 if ub == uc else 4
            broker[b][k] += 1
nx.community.louvain_communities(u, weight="weight", seed=1)
print(json.dumps({{"networkx_suite": time.perf_counter() - s}}))
"""


def top_overlap(folder: Path, k: int = 100, samples: int = 1000) -> int:
    import ona
    from ona.metrics import betweenness

    roster = ona.read_roster(folder / "roster.csv")
    graph = ona.build_graph(roster, ona.read_ties(folder / "ties.csv", roster))
    exact, _ = betweenness(graph)
    sampled, _ = betweenness(graph, exact_limit=0, samples=samples, seed=1)
    return len(set(exact["betweenness"].nlargest(k).index) & set(sampled["betweenness"].nlargest(k).index))


def main(sizes: list[int]) -> None:
    from synthetic_org import write_org

    for people in sizes:
        ties = SIZES[people]
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            write_org(folder, people, ties)
            print(f"== {people:,} people, {ties:,} ties", flush=True)
            # The machine is shared and noisy: at the sizes compared with igraph, run the two
            # alternately REPEATS times and compare the fastest of each.
            ona_times, igraph_times = [], []
            for _ in range(REPEATS if people <= 10_000 else 1):
                seconds, peak = ona_analyze(folder)
                ona_times.append(seconds)
                print(f"ona analyze (whole, incl. workbook and map): {seconds:.1f} s, peak RSS {peak:.0f} MB",
                      flush=True)
                if people <= 10_000:
                    _, _, out = run_child(IGRAPH.format(ties=str(folder / "ties.csv"),
                                                        roster=str(folder / "roster.csv")))
                    times = json.loads(out)
                    igraph_times.append(sum(times.values()))
                    print(f"bare igraph: {json.dumps({k: round(v, 1) for k, v in times.items()})} "
                          f"= {igraph_times[-1]:.1f} s", flush=True)
            seconds = min(ona_times)
            if igraph_times:
                print(f"fastest of {len(ona_times)}: ona {seconds:.1f} s, igraph {min(igraph_times):.1f} s; "
                      f"ona / igraph = {seconds / min(igraph_times):.2f}", flush=True)
            if people == 10_000:
                print(f"sampled betweenness (1,000 pivots) finds {top_overlap(folder)} of the exact top 100", flush=True)
            if people == 2000:
                ona_2000 = seconds
                import shutil
                nx_folder = Path(tempfile.mkdtemp())
                shutil.copy(folder / "roster.csv", nx_folder)
                shutil.copy(folder / "ties.csv", nx_folder)
    if 2000 in sizes:
        try:
            nx_seconds, _, out = run_child(NETWORKX.format(ties=str(nx_folder / "ties.csv"),
                                                           roster=str(nx_folder / "roster.csv")), timeout=NX_TIMEOUT)
            print(f"networkx suite at 2,000: {json.loads(out)['networkx_suite']:.1f} s; "
                  f"networkx / ona = {nx_seconds / ona_2000:.1f}", flush=True)
        except subprocess.TimeoutExpired:
            print(f"networkx suite at 2,000: not finished in {NX_TIMEOUT} s; "
                  f"networkx / ona > {NX_TIMEOUT / ona_2000:.0f}", flush=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [2000, 10_000])
