"""metrics.json: the measurement as plain JSON for scripts (NaN written as null)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

from .._files import atomic_write
from ..metrics import Measurement

__all__ = ["measurement_to_dict", "write_json"]


def _plain(value):
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if value is pd.NA or value is None:
        return None
    return value


def _records(frame: pd.DataFrame, index_name: str | None) -> list[dict]:
    if index_name:
        frame = frame.reset_index(names=index_name)
    cols = list(frame.columns)
    arrays = [frame[c].to_numpy(dtype=object) for c in cols]
    return [{c: _plain(a[i]) for c, a in zip(cols, arrays)} for i in range(len(frame))]


def measurement_to_dict(measurement: Measurement) -> dict:
    """The measurement as a dict of plain Python values (the content of metrics.json)."""
    out = {
        "summary": _plain(measurement.summary),
        "parameters": _plain(measurement.parameters),
        "people": _records(measurement.people, "id"),
        "units": _records(measurement.units, "unit"),
        "unit_pairs": _records(measurement.unit_pairs, None),
    }
    for name, frame in measurement.extra.items():
        out[name] = _records(frame, frame.index.name or "key")
    return out


def write_json(measurement: Measurement, path: str | Path) -> Path:
    path = Path(path)
    with atomic_write(path) as handle:
        json.dump(measurement_to_dict(measurement), handle, ensure_ascii=False, indent=1, allow_nan=False)
        handle.write("\n")
    return path
