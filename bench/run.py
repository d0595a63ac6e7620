"""Run every benchmark in bench/ (bench_*.py) one after another, as `make bench` does.

Each benchmark prints its own figures and writes nothing to the repository; copy what you measured,
with the machine, into bench/RESULTS.md. Pass names to run only some: `python bench/run.py ingest map`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def main(argv: list[str]) -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if argv:
        scripts = [s for s in scripts if any(s.stem == f"bench_{a}" for a in argv)]
    failed = 0
    for script in scripts:
        print(f"== {script.name}", flush=True)
        failed += subprocess.call([sys.executable, str(script)]) != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
