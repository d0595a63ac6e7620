"""Report: the HTML network map, the Excel workbook and metrics.json for one measurement."""

from __future__ import annotations

from pathlib import Path

from ..graph import OrgGraph
from ..metrics import Measurement
from .html_map import write_map
from .json_out import measurement_to_dict, write_json
from .workbook import write_workbook

__all__ = ["write_report", "write_map", "write_workbook", "write_json", "measurement_to_dict"]


def write_report(measurement: Measurement, graph: OrgGraph, out_dir: str | Path, *, seed: int = 1) -> dict[str, Path]:
    """Write ``map.html``, ``metrics.xlsx`` and ``metrics.json`` into ``out_dir``; return their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return {
        "map": write_map(graph, measurement, out / "map.html", seed=seed),
        "workbook": write_workbook(measurement, out / "metrics.xlsx"),
        "json": write_json(measurement, out / "metrics.json"),
    }
