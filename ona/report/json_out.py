"""metrics.json: the measurement as plain JSON for scripts (NaN written as null).

Its ``unit_pairs`` grow with the square of the units (2,519 units: 6.3 million pairs, 1.85 GB):
above :data:`ALL_UNIT_PAIRS_AT_MOST` ordered pairs, only the pairs with a tie are written, and the
parameter ``unit_pairs_left_out`` says what was left out (see :func:`unit_pairs_to_write`).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

from .._files import atomic_write
from ..metrics import Measurement

__all__ = ["measurement_to_dict", "write_json", "numeric_values", "unit_pairs_to_write", "ALL_UNIT_PAIRS_AT_MOST"]

#: Up to this many ordered pairs of units, metrics.json lists every one; above, only those with a tie.
ALL_UNIT_PAIRS_AT_MOST = 100_000


def _plain(value):
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value) + 0.0  # (not -0.0)
    if isinstance(value, np.bool_):
        return bool(value)
    if value is pd.NA or value is None:
        return None
    return value


def numeric_values(column: pd.Series) -> list | None:
    """The cells of a numeric or boolean column as plain Python values, NaN and missing as None and
    -0.0 as 0.0, converted column by column; None for any other column. Numpy columns, and pandas'
    nullable integers and booleans (e.g. a person's community, missing for a person with no tie)."""
    if pd.api.types.is_extension_array_dtype(column.dtype) and column.dtype.kind in "biu":
        return [None if missing else value for value, missing in
                zip(column.to_numpy(dtype=object).tolist(), column.isna().to_numpy().tolist())]
    if not isinstance(column.dtype, np.dtype) or column.dtype.kind not in "biuf":
        return None
    values = column.to_numpy()
    if values.dtype.kind == "f":
        values = values + 0.0  # -0.0 + 0.0 is 0.0
    out = values.tolist()
    if values.dtype.kind == "f":
        for i in np.flatnonzero(np.isnan(values)):
            out[i] = None
    return out


def _column_values(column: pd.Series) -> list:
    """A column as plain Python values (NaN and missing as None)."""
    values = numeric_values(column)
    return values if values is not None else [_plain(v) for v in column.to_numpy(dtype=object)]


def _records(frame: pd.DataFrame, index_name: str | None) -> list[dict]:
    if index_name:
        frame = frame.reset_index(names=index_name)
    cols = [str(c) for c in frame.columns]
    columns = [_column_values(frame.iloc[:, j]) for j in range(frame.shape[1])]
    return [dict(zip(cols, values)) for values in zip(*columns)] if cols else [{} for _ in range(len(frame))]


def unit_pairs_to_write(pairs: pd.DataFrame) -> tuple[pd.DataFrame, dict | None]:
    """The unit pairs metrics.json lists, and the parameter that says what it left out (None when
    nothing): all ordered pairs up to :data:`ALL_UNIT_PAIRS_AT_MOST`, else only those with a tie
    (``ties`` > 0; a unit with itself is a pair too). A pair left out has 0 ties, 0 weight and
    density 0; its other columns (possible and expected ties) follow from the unit sizes."""
    if len(pairs) <= ALL_UNIT_PAIRS_AT_MOST:
        return pairs, None
    tied = pairs[pairs["ties"] > 0]
    return tied, {"left_out": "pairs of units with no tie (ties 0, density 0)",
                  "rule": f"pairs with no tie are left out when there are more than {ALL_UNIT_PAIRS_AT_MOST:,} "
                          "ordered pairs of units",
                  "pairs": len(pairs), "pairs_listed": len(tied), "pairs_left_out": len(pairs) - len(tied)}


def measurement_to_dict(measurement: Measurement) -> dict:
    """The measurement as a dict of plain Python values (the content of metrics.json); with many
    units, only the unit pairs with a tie (:func:`unit_pairs_to_write`)."""
    pairs, left_out = unit_pairs_to_write(measurement.unit_pairs)
    parameters = _plain(measurement.parameters)
    if left_out:
        parameters["unit_pairs_left_out"] = left_out
    out = {
        "summary": _plain(measurement.summary),
        "parameters": parameters,
        "people": _records(measurement.people, "id"),
        "units": _records(measurement.units, "unit"),
        "unit_pairs": _records(pairs, None),
    }
    for name, frame in measurement.extra.items():
        # As in metrics.xlsx: a named index (a unit, a person) is a field of each record; an unnamed
        # one only numbers the rows, which the order of the list does already: it is left out.
        out[name] = _records(frame, frame.index.name)
    return out


def write_json(measurement: Measurement, path: str | Path) -> Path:
    """Write metrics.json (atomically): the small sections indented, the tables one record a line
    (each line encoded by the json module's C encoder; an indented dump of 10,000 people runs in
    pure Python and took seconds)."""
    path = Path(path)
    data = measurement_to_dict(measurement)

    def dumps(value, indent=None) -> str:
        return json.dumps(value, ensure_ascii=False, allow_nan=False, indent=indent)

    with atomic_write(path) as handle:
        handle.write("{")
        for k, (key, value) in enumerate(data.items()):
            handle.write(("," if k else "") + "\n " + dumps(key) + ": ")
            if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                handle.write("[\n  " + ",\n  ".join(map(dumps, value)) + "\n ]")
            else:
                handle.write(dumps(value, indent=1).replace("\n", "\n "))
        handle.write("\n}\n")
    return path
