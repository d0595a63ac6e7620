"""Benchmark of reading a large roster and tie list (issue: every spreadsheet an analyst has).

A seeded 50,000-person roster (id, name, email, directorate, department, role) and 500,000 ties
(respondent id, colleague id, frequency), as .xlsx and as .csv. Each reader runs in its own child
process (seconds and peak resident memory), alternately, REPEATS times; the fastest run counts:

- ona: ``read_roster`` + ``read_ties`` (header detection, people matching, every check);
- the fastest Excel reader on PyPI, python-calamine, straight into pandas DataFrames, and
  pandas' ``read_excel(engine="calamine")``;
- pandas' ``read_csv(engine="pyarrow")`` for the CSV files (the target's baseline);
- two readers that do part of ona's job, to tell what the target leaves room for: "pandas +
  merge" (the same files, each tie end joined to the roster's ids by ``DataFrame.merge``: the
  same result by hand in pandas) and "pyarrow + lookup" (the least any reader that checks people
  must do: pyarrow's CSV reader with every cell as text, as ona reads them, a check that the
  roster's ids are unique, one Arrow ``index_in`` of the 1,000,000 tie ends in those ids, and the
  tie table's three columns; none of ona's other checks).

Targets: ona on .xlsx at most 2x calamine; on .csv at most 1.5x pyarrow. Library imports (ona's
own included) happen before the clock starts: the figures are reading, not interpreter start-up.
``python bench/bench_ingest.py csv`` runs the CSV readers only.

``python bench/bench_ingest.py dated`` times what a date column costs (no target): the same ties
with a ``Date`` column (a day of 2023-2025, as ISO text, and as day-first ``31/12/2024``), read
by ona with no window, and with ``since``/``until`` (2024) and ``repeats="sum"``; against ona's
read of the undated CSV in the same run.
The files are written once to bench/output/ingest/ (ignored by git). Usage:
    python bench/bench_ingest.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent
FOLDER = HERE / "output" / "ingest"
PEOPLE, TIES = 50_000, 500_000
REPEATS = 3

FIRST = ["Anna", "Søren", "Mette", "Jørgen", "Åsa", "Björn", "Ida", "Lars", "Märta", "Nils", "Signe", "Ole",
         "Karin", "Mikkel", "Freja", "Henrik", "Sofie", "Ævar", "Linnéa", "Tove"]
LAST = ["Hansen", "Nielsen", "Jensen", "Pedersen", "Ødegård", "Andersson", "Lindqvist", "Bråten", "Kjær",
        "Sørensen", "Holmström", "Dahl", "Løvås", "Berg", "Nyström", "Vestergaard", "Åberg", "Mørch"]


def write_dated_inputs() -> None:
    """ties.csv with a Date column: ISO (ties_dated.csv) and day first (ties_dated_dmy.csv)."""
    if (FOLDER / "ties_dated_dmy.csv").exists():
        return
    ties = pd.read_csv(FOLDER / "ties.csv", dtype=str)
    days = pd.Timestamp("2023-01-01") + pd.to_timedelta(np.random.default_rng(7).integers(0, 3 * 365, len(ties)),
                                                        unit="D")
    ties["Date"] = days.strftime("%Y-%m-%d")
    ties.to_csv(FOLDER / "ties_dated.csv", index=False)
    ties["Date"] = days.strftime("%d/%m/%Y")
    ties.to_csv(FOLDER / "ties_dated_dmy.csv", index=False)


def write_inputs() -> None:
    from openpyxl import Workbook

    if (FOLDER / "ties.xlsx").exists():
        return
    FOLDER.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(2026)
    ids = np.array([f"E{i:06d}" for i in range(PEOPLE)])
    first = rng.choice(FIRST, PEOPLE)
    last = rng.choice(LAST, PEOPLE)
    names = [f"{f} {l}" for f, l in zip(first, last)]
    roster = pd.DataFrame({
        "Employee ID": ids, "Name": names,
        "Email": [f"{i.lower()}@kommune.example" for i in ids],
        "Directorate": rng.choice([f"Directorate {k}" for k in range(8)], PEOPLE),
        "Department": rng.choice([f"Department {k:02d}" for k in range(60)], PEOPLE),
        "Role": rng.choice(["Caseworker", "Team Leader", "Consultant", "Nurse", "Teacher"], PEOPLE),
    })
    pairs = np.unique(rng.integers(0, PEOPLE, size=(int(TIES * 1.05), 2)), axis=0)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    pairs = pairs[rng.permutation(len(pairs))[:TIES]]
    ties = pd.DataFrame({"Respondent ID": ids[pairs[:, 0]], "Colleague ID": ids[pairs[:, 1]],
                         "Frequency": rng.integers(1, 6, len(pairs))})
    roster.to_csv(FOLDER / "roster.csv", index=False)
    ties.to_csv(FOLDER / "ties.csv", index=False)
    for frame, name in ((roster, "roster.xlsx"), (ties, "ties.xlsx")):
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("Sheet1")
        ws.append(list(frame.columns))
        for row in frame.itertuples(index=False):
            ws.append([v.item() if hasattr(v, "item") else v for v in row])
        wb.save(FOLDER / name)


# Libraries each reader imports before the clock starts (as pandas, pyarrow and calamine are for all).
# ona loads its stages on first use, so its readers are named here: otherwise the clock would time
# their import (and, where bytecode is not cached, as under PYTHONDONTWRITEBYTECODE, their
# compilation: 13-15 ms, half of pyarrow's whole CSV figure).
IMPORTS = {"ona": "import ona\nona.read_roster, ona.read_ties\n"}
READERS = {
    "ona": """
roster = ona.read_roster({roster!r})
ties = ona.read_ties({ties!r}, roster)
assert len(roster.people) == {people} and len(ties.ties) == {ties_n}, (len(roster.people), len(ties.ties))
""",
    "ona dated": """
roster = ona.read_roster({roster!r})
ties = ona.read_ties({ties!r}, roster)
assert len(ties.ties) == {ties_n} and ties.date_column == "Date"
""",
    "ona window": """
roster = ona.read_roster({roster!r})
ties = ona.read_ties({ties!r}, roster, since="2024-01-01", until="2025-01-01", repeats="sum")
assert 0 < len(ties.ties) < {ties_n} and ties.dropped["outside-window"] > 0
""",
    "calamine": """
import python_calamine, pandas as pd
frames = []
for path in ({roster!r}, {ties!r}):
    rows = python_calamine.CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()
    frames.append(pd.DataFrame(rows[1:], columns=rows[0]))
assert len(frames[0]) == {people} and len(frames[1]) == {ties_n}
""",
    "pandas calamine": """
import pandas as pd
a = pd.read_excel({roster!r}, engine="calamine"); b = pd.read_excel({ties!r}, engine="calamine")
assert len(a) == {people} and len(b) == {ties_n}
""",
    "pyarrow": """
import pandas as pd
a = pd.read_csv({roster!r}, engine="pyarrow"); b = pd.read_csv({ties!r}, engine="pyarrow")
assert len(a) == {people} and len(b) == {ties_n}
""",
    "pandas + merge": """
import pandas as pd
a = pd.read_csv({roster!r}, engine="pyarrow", dtype=str); b = pd.read_csv({ties!r}, engine="pyarrow", dtype=str)
assert a["Employee ID"].is_unique
ids = a[["Employee ID"]]
b = b.merge(ids, left_on="Respondent ID", right_on="Employee ID", how="inner", validate="many_to_one")
b = b.merge(ids, left_on="Colleague ID", right_on="Employee ID", how="inner", validate="many_to_one")
b["Frequency"] = b["Frequency"].astype(float)
assert len(a) == {people} and len(b) == {ties_n}
""",
    "pyarrow + lookup": """
import numpy as np, pandas as pd, pyarrow as pa, pyarrow.compute as pc, pyarrow.csv as pacsv
def parse(path):
    with open(path, "rb") as f:
        data = f.read()
    body = data.index(b"\\n") + 1
    names = [f"f{{j}}" for j in range(data[:body].count(b",") + 1)]
    return pacsv.read_csv(pa.py_buffer(memoryview(data)[body:]),
        read_options=pacsv.ReadOptions(column_names=names, block_size=1 << 20),
        parse_options=pacsv.ParseOptions(delimiter=",", quote_char='"', double_quote=True, escape_char=False,
                                         newlines_in_values=False, ignore_empty_lines=False),
        convert_options=pacsv.ConvertOptions(column_types={{n: pa.large_string() for n in names}}, check_utf8=True,
                                             strings_can_be_null=False, quoted_strings_can_be_null=False))
ids = parse({roster!r}).column(0).combine_chunks()
assert pc.count_distinct(ids).as_py() == len(ids)
t = parse({ties!r})
ends = pc.index_in(pa.chunked_array(t.column(0).chunks + t.column(1).chunks), value_set=ids)
assert ends.null_count == 0
ends = ends.to_numpy()
n = t.num_rows
ties = pd.DataFrame({{"source": pd.Series(ids.take(pa.array(ends[:n])).to_pandas(), copy=False),
                     "target": pd.Series(ids.take(pa.array(ends[n:])).to_pandas(), copy=False),
                     "weight": pc.cast(t.column(2), pa.int64()).to_numpy().astype(float)}})
assert len(ids) == {people} and len(ties) == {ties_n}
""",
}


def run(code: str, imports: str = "") -> tuple[float, float]:
    """Seconds and peak RSS (MB) of a child process running ``code`` (``imports`` and the common
    libraries imported before the clock starts)."""
    wrapper = (f"import time, resource, json\nstart = time.perf_counter()\n{code}\n"
               "print(json.dumps([time.perf_counter() - start, "
               "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024]))")
    # Import the libraries before the clock starts: we measure reading, not interpreter start-up.
    preamble = ("import pandas, numpy, python_calamine, openpyxl\ntry:\n import pyarrow\nexcept ImportError:\n pass\n"
                + imports)
    out = subprocess.run([sys.executable, "-c", preamble + wrapper], capture_output=True, text=True, check=True)
    seconds, peak = json.loads(out.stdout.strip().splitlines()[-1])
    return seconds, peak


def main() -> None:
    started = time.perf_counter()
    write_inputs()
    print(f"inputs ready in {time.perf_counter() - started:.0f} s: {PEOPLE:,} people, {TIES:,} ties", flush=True)
    plan = [("xlsx", "ona"), ("xlsx", "calamine"), ("xlsx", "pandas calamine"), ("csv", "ona"), ("csv", "pyarrow"),
            ("csv", "pandas + merge"), ("csv", "pyarrow + lookup")]
    only = set(sys.argv[1:])
    if only:
        plan = [(fmt, reader) for fmt, reader in plan if fmt in only]
    if "dated" in only:
        write_dated_inputs()
        plan = [("csv", "ona"), *((kind, reader) for kind in ("dated", "dated_dmy")
                                  for reader in ("ona dated", "ona window"))]
    best: dict[tuple[str, str], tuple[float, float]] = {}
    for _ in range(REPEATS):
        for fmt, reader in plan:
            tie_file = FOLDER / (f"ties_{fmt}.csv" if fmt.startswith("dated") else f"ties.{fmt}")
            code = READERS[reader].format(roster=str(FOLDER / f"roster.{'csv' if fmt.startswith('dated') else fmt}"),
                                          ties=str(tie_file), people=PEOPLE, ties_n=TIES)
            seconds, peak = run(code, IMPORTS.get(reader.split()[0], ""))
            print(f"{fmt:5} {reader:16} {seconds:6.3f} s  peak {peak:6.0f} MB", flush=True)
            if (fmt, reader) not in best or seconds < best[fmt, reader][0]:
                best[fmt, reader] = (seconds, peak)
    print(f"fastest of {REPEATS}:")
    for (fmt, reader), (seconds, peak) in best.items():
        print(f"  {fmt:5} {reader:16} {seconds:6.3f} s  peak {peak:6.0f} MB")
    if ("xlsx", "ona") in best:
        fastest_excel = min(best["xlsx", "calamine"][0], best["xlsx", "pandas calamine"][0])
        print(f"ona .xlsx / fastest Excel reader = {best['xlsx', 'ona'][0] / fastest_excel:.2f} (target <= 2)")
    for (fmt, reader), (seconds, _) in best.items():
        if fmt.startswith("dated"):
            print(f"{fmt:9} {reader:10} / ona undated .csv = {seconds / best['csv', 'ona'][0]:.2f}")
    if ("csv", "pyarrow") in best:
        print(f"ona .csv / pandas pyarrow        = {best['csv', 'ona'][0] / best['csv', 'pyarrow'][0]:.2f} "
              "(target <= 1.5)")
        for other in ("pandas + merge", "pyarrow + lookup"):
            print(f"{other:16} / pandas pyarrow = {best['csv', other][0] / best['csv', 'pyarrow'][0]:.2f}   "
                  f"ona / {other} = {best['csv', 'ona'][0] / best['csv', other][0]:.2f}")


if __name__ == "__main__":
    main()
