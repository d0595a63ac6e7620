"""Benchmark of email aggregation (issue: email metadata at tens of millions of rows).

A seeded message log of 5,000 people in 40 units: 10,000,000 recipient rows (about 2.5 million
messages of 1-8 recipients, 75% of recipients in the sender's unit, 3% external, realistic
addresses and timestamps), written once by DuckDB to bench/output/email/ as

- ``recipients.csv``: one row per recipient (Message-ID, From, To, Date);
- ``messages.csv``: one row per message with a ``;``-separated To column.

Timed in child processes, fastest of REPEATS: seconds inside the child (from before its imports
to the end of its work), the whole process as the parent sees it (start-up and exit included:
the command as a user runs it; a bare script's exit frees its 3 million result rows), and peak
resident memory:

- ``ona email`` as a user runs it (roster join, every filter, the tie table written);
- a bare DuckDB ``GROUP BY sender, recipient`` over the same file (the floor);
- plain pandas on the one-row-per-message form: read, split recipients, explode, group by.

Targets: ona <= 1.5x bare DuckDB; ona >= 3x faster than pandas on the per-message form; peak
memory under 2 GB.

The same two ``ona email`` runs with ``--engine spark`` (a local session on every core), beside a
bare Spark ``GROUP BY`` over the same file (issue: Spark and Graph Data Connect). Their memory is
the Python process's and, separately, the JVM's (the Python child's children).

Usage: python bench/bench_email.py [substring of the plans to run ...]   (REPEATS=1 to run once)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
FOLDER = HERE / "output" / "email"
PEOPLE, UNITS, ROWS = 5_000, 40, 10_000_000
REPEATS = int(os.environ.get("REPEATS", "2"))


def write_inputs() -> None:
    import duckdb

    if (FOLDER / "messages.csv").exists():
        return
    FOLDER.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute("SELECT setseed(0.2026)")
    con.execute(f"""
        CREATE TABLE person AS
        SELECT i AS id, 'E' || lpad(CAST(i AS VARCHAR), 5, '0') AS employee_id,
               (['anne','soeren','mette','jens','kirsten','lars','signe','ole','karin','bjoern'])[1 + i % 10]
               || '.' || (['hansen','nielsen','jensen','kjaer','oedegaard','lindqvist','braaten','dahl'])[1 + (i // 10) % 8]
               || i || '@kommune.dk' AS email,
               'Unit ' || lpad(CAST(i % {UNITS} AS VARCHAR), 2, '0') AS unit
        FROM range({PEOPLE}) t(i)""")
    con.execute(f"COPY (SELECT employee_id AS \"Employee ID\", email AS \"Email\", unit AS \"Department\" FROM person) "
                f"TO '{FOLDER / 'roster.csv'}' (HEADER)")
    messages = ROWS // 4
    con.execute(f"""
        CREATE TABLE message AS
        SELECT m, CAST(floor(random() * {PEOPLE}) AS INT) AS sender,
               1 + CAST(floor(random() * 7) AS INT) AS n,
               TIMESTAMP '2025-01-01' + to_seconds(CAST(floor(random() * 365 * 86400) AS BIGINT)) AS sent
        FROM range({messages}) t(m)""")
    con.execute(f"""
        CREATE TABLE recipient AS
        SELECT message.m, message.sender, message.sent, k,
               CASE WHEN random() < 0.03 THEN 'partner' || CAST(floor(random() * 500) AS INT) || '@firma.com'
                    ELSE (SELECT email FROM person WHERE id =
                          CASE WHEN random() < 0.75
                               THEN (message.sender % {UNITS}) + {UNITS} * CAST(floor(random() * {PEOPLE // UNITS}) AS INT)
                               ELSE CAST(floor(random() * {PEOPLE}) AS INT) END) END AS recipient
        FROM message, range(8) r(k) WHERE k < message.n""")
    count = con.execute("SELECT count(*) FROM recipient").fetchone()[0]
    con.execute(f"""COPY (SELECT '<' || r.m || '.' || hash(r.m) || '@kommune.dk>' AS "Message-ID", p.email AS "From",
                                r.recipient AS "To", strftime(r.sent, '%Y-%m-%d %H:%M:%S') AS "Date"
                         FROM recipient r JOIN person p ON p.id = r.sender ORDER BY r.m)
                   TO '{FOLDER / 'recipients.csv'}' (HEADER)""")
    con.execute(f"""COPY (SELECT '<' || r.m || '.' || hash(r.m) || '@kommune.dk>' AS "Message-ID", any_value(p.email) AS "From",
                                string_agg(r.recipient, '; ') AS "To", strftime(any_value(r.sent), '%Y-%m-%d %H:%M:%S') AS "Date"
                         FROM recipient r JOIN person p ON p.id = r.sender GROUP BY r.m ORDER BY r.m)
                   TO '{FOLDER / 'messages.csv'}' (HEADER)""")
    print(f"wrote {count:,} recipient rows in {messages:,} messages", flush=True)


def run(code: str) -> tuple[float, float, float, float]:
    """Seconds inside the child (from before its imports to the end of its work), the child's own
    peak RSS and its children's (Spark's JVM) peak RSS in MB, and the whole process's seconds as
    the parent sees them (interpreter start-up and exit included: the command as a user runs it)."""
    wrapper = (f"import time, resource, json\nstart = time.perf_counter()\n{code}\n"
               "print(json.dumps([time.perf_counter() - start, "
               "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "
               "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024]))")
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", wrapper], capture_output=True, text=True)
    whole = time.perf_counter() - started
    if out.returncode != 0:  # reported, not fatal: the other plans still run
        tail = [line for line in out.stderr.splitlines() if line.strip()][-1:] or ["(no message)"]
        print(f"  failed (exit {out.returncode}): {tail[0][:300]}", flush=True)
        return float("inf"), float("nan"), float("nan"), float("inf")
    import re

    inside = json.loads(re.findall(r"\[[0-9.eE+-]+, [0-9.eE+-]+, [0-9.eE+-]+\]", out.stdout)[-1])
    return (*inside, whole)


def main() -> None:
    started = time.perf_counter()
    write_inputs()
    print(f"inputs ready in {time.perf_counter() - started:.0f} s", flush=True)
    roster, per_recipient, per_message = FOLDER / "roster.csv", FOLDER / "recipients.csv", FOLDER / "messages.csv"
    out = FOLDER / "ties.csv"
    plans = {
        "ona email, one row per recipient": f"""
import sys
from ona.cli import cli
sys.argv = ["ona", "--silent", "email", {str(per_recipient)!r}, "--roster", {str(roster)!r}, "--out", {str(out)!r}]
try:
    cli(standalone_mode=False)
except SystemExit:
    pass
""",
        "ona email, one row per message": f"""
from ona.cli import cli
import sys
sys.argv = ["ona", "--silent", "email", {str(per_message)!r}, "--roster", {str(roster)!r}, "--out", {str(out)!r}]
cli(standalone_mode=False)
""",
        "bare DuckDB GROUP BY, one row per recipient": f"""
import duckdb
con = duckdb.connect()
con.execute("SET memory_limit = '2GB'")
rows = con.execute("SELECT \\"From\\", \\"To\\", count(*) FROM read_csv({str(per_recipient)!r}, all_varchar=true) GROUP BY 1, 2").fetchall()
""",
        "pandas, one row per message": f"""
import pandas as pd
frame = pd.read_csv({str(per_message)!r}, dtype=str)
frame["To"] = frame["To"].str.split(";")
long = frame[["From", "To"]].explode("To")
long["To"] = long["To"].str.strip()
ties = long.groupby(["From", "To"]).size()
""",
    }
    for form, path in (("one row per recipient", per_recipient), ("one row per message", per_message)):
        plans[f"ona email --engine spark, {form}"] = f"""
import sys
from ona.cli import cli
sys.argv = ["ona", "--silent", "email", {str(path)!r}, "--roster", {str(roster)!r}, "--engine", "spark",
            "--out", {str(out)!r}]
cli(standalone_mode=False)
"""
    plans["bare Spark GROUP BY, one row per recipient"] = f"""
from pyspark.sql import SparkSession
spark = SparkSession.builder.config("spark.ui.enabled", "false").getOrCreate()
spark.sparkContext.setLogLevel("OFF")
rows = spark.read.option("header", True).csv({str(per_recipient)!r}).groupBy("From", "To").count().collect()
spark.stop()
"""
    wanted = sys.argv[1:]
    plans = {name: code for name, code in plans.items() if not wanted or any(w in name for w in wanted)}
    best: dict[str, tuple[float, float, float, float]] = {}
    whole: dict[str, float] = {}
    for _ in range(REPEATS):
        for name, code in plans.items():
            seconds, peak, jvm, process = run(code)
            print(f"{name:52} {seconds:7.2f} s  whole process {process:7.2f} s  peak {peak:7.0f} MB  "
                  f"children {jvm:7.0f} MB", flush=True)
            if name not in best or seconds < best[name][0]:
                best[name] = (seconds, peak, jvm, process)
            whole[name] = min(whole.get(name, float("inf")), process)
    print(f"fastest of {REPEATS}:")
    for name, (seconds, peak, jvm, _) in best.items():
        print(f"  {name:52} {seconds:7.2f} s  whole process {whole[name]:7.2f} s  peak {peak:7.0f} MB  "
              f"children {jvm:7.0f} MB")

    def ratio(a: str, b: str, of=None) -> str:
        times = of or {k: v[0] for k, v in best.items()}
        return f"{times[a] / times[b]:.2f}" if a in times and b in times else "not run"

    ona_r, bare_r = 'ona email, one row per recipient', 'bare DuckDB GROUP BY, one row per recipient'
    print(f"ona (per recipient) / bare DuckDB = {ratio(ona_r, bare_r)} inside the processes, "
          f"{ratio(ona_r, bare_r, whole)} as whole processes (target <= 1.5)")
    print(f"pandas / ona (per message)        = {ratio('pandas, one row per message', 'ona email, one row per message')} (target >= 3)")
    print(f"ona on Spark / bare Spark (per recipient) = "
          f"{ratio('ona email --engine spark, one row per recipient', 'bare Spark GROUP BY, one row per recipient')}")
    print(f"ona on Spark / ona on DuckDB (per recipient) = "
          f"{ratio('ona email --engine spark, one row per recipient', 'ona email, one row per recipient')}")


if __name__ == "__main__":
    main()
