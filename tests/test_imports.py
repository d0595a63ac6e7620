"""A script that only reads email exports should not pay for the metrics: `ona email` starts
without loading numba, igraph or networkx, and the library's names still work however a script
reaches them."""

from __future__ import annotations

import subprocess
import sys


def _run(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_the_command_line_starts_without_the_metrics_stage():
    loaded = _run("import sys, ona.cli, ona.ingest.email; "
                  "print(sorted(m for m in ('numba', 'igraph', 'networkx', 'ona.metrics', 'ona.graph') "
                  "if m in sys.modules))")
    assert loaded == "[]"


def test_every_exported_name_is_the_function_not_its_module():
    # Importing a module first (as the validate command does) must not hide the function of the
    # same name behind the module.
    names = _run("import ona.ingest.validate, ona.report.findings, ona, ona.ingest, ona.report\n"
                 "print(all(callable(getattr(p, n)) for p in (ona, ona.ingest, ona.report) for n in p.__all__ "
                 "if n[0].islower() and not n.isupper()))\n"
                 "print(ona.ingest.validate.__module__, ona.report.findings.__module__)")
    assert names.splitlines() == ["True", "ona.ingest.validate ona.report.findings"]
