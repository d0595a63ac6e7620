"""The analyst's Excel workbook: Summary, People, Units, Unit matrix and Unit pairs sheets, then
one sheet per extra table (fragile_bridges, must_not_leave, unit_communities, ...).

Text that came from input is written as text, never as a formula: a cell beginning with ``=``,
``+``, ``-``, ``@`` (or a tab or carriage return) is stored as a string cell, so a roster name such
as ``=HYPERLINK(...)`` shows as typed and runs nothing (OWASP, "CSV injection"). Control
characters, which Excel refuses, are dropped and text is cut at Excel's 32,767 characters per cell.

The workbook stays within Excel's sheet of 1,048,576 rows and 16,384 columns (openpyxl's
``MAX_ROW`` and ``MAX_COLUMN``; Microsoft, "Excel specifications and limits"): when the Unit pairs
sheet, one row per ordered pair of units, would pass them, it lists only the pairs with a tie (a
pair without one has density 0); a Unit matrix of more than 16,383 units is left out. A note row at
the top of the sheet and a note in the Summary sheet say what was left out.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.xml.constants import MAX_COLUMN, MAX_ROW

from .._arguments import check_type
from .._files import atomic_path
from ..errors import InputError, Problem
from ..metrics import Measurement
from .json_out import numeric_values

__all__ = ["write_workbook", "write_frames", "left_out_notes", "SUMMARY_LABELS"]

EXCEL_MAX_CELL_TEXT = 32_767

SUMMARY_LABELS = {
    "people": "People in the roster",
    "ties": "Ties (directed pairs)",
    "units": "Units",
    "density": "Density: ties / (people x (people - 1))",
    "reciprocity": "Reciprocity: share of ties returned",
    "cross_unit_ties": "Ties that cross unit lines",
    "cross_unit_share": "Share of ties that cross unit lines",
    "ei_index": "E-I index of the organisation (Krackhardt & Stern 1988)",
    "modularity": "Modularity Q of the units (directed, weighted; Leicht & Newman 2008)",
    "modularity_directed_binary": "Modularity Q (directed, unweighted)",
    "modularity_undirected_weighted": "Modularity Q (undirected, weighted; Newman 2006)",
    "modularity_undirected_binary": "Modularity Q (undirected, unweighted)",
    "isolates": "People with no tie",
    "ei_expected": "E-I expected from unit sizes alone (random ties)",
    "ei_min": "Lowest E-I possible with these ties and unit sizes",
    "ei_max": "Highest E-I possible with these ties and unit sizes",
    "ei_rescaled": "E-I rescaled to its possible range (-1 to +1)",
    "ei_p_lower": "Permutation test p: (1 + shuffled unit labels giving an E-I this low or lower) / (1 + shuffles)",
    "ei_p_higher": "Permutation test p: (1 + shuffled unit labels giving an E-I this high or higher) / (1 + shuffles)",
    "ei_permutations": "Permutations in the E-I test",
    "ei_permutation_seed": "Seed of the E-I permutations",
    "communities": "Communities found in the network (Leiden)",
    "community_people": "People with a tie, among whom the communities are found",
    "community_modularity": "Modularity Q of the communities found (undirected, weighted)",
    "unit_modularity_undirected": "Modularity Q of the formal units (undirected, weighted)",
    "unit_community_nmi": "Agreement of units and communities (NMI, 0-1)",
    "unit_community_ari": "Agreement of units and communities (adjusted Rand index)",
    "boundary_spanners": "Boundary spanners (rule in Parameters)",
    "unit_pairs_connected": "Pairs of units with at least one tie",
    "unit_pairs_hanging_on_one_person": "Pairs of units whose ties all run through one person",
    "people_who_must_not_leave": "People whose departure cuts units apart",
    "respondents": "Survey respondents",
    "response_rate": "Response rate",
}


def _cell(ws, value, bold: bool = False):
    """A write-only cell; strings are forced to text so nothing from input becomes a formula."""
    if isinstance(value, (float, np.floating)):
        value = None if math.isnan(value) else float(value)
    elif isinstance(value, np.integer):
        value = int(value)
    elif isinstance(value, np.bool_):
        value = bool(value)
    elif value is not None and not isinstance(value, (int, float, bool, str)):
        value = str(value)
    cell = WriteOnlyCell(ws, value=None)
    if isinstance(value, str):
        # Excel refuses control characters and holds at most 32,767 characters in a cell.
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)[:EXCEL_MAX_CELL_TEXT]
        cell.data_type = "s"
    else:
        cell.value = value
    if bold:
        cell.font = Font(bold=True)
    return cell


def _append_frame(ws, frame: pd.DataFrame, index_label: str | None) -> None:
    header = ([index_label] if index_label else []) + [str(c) for c in frame.columns]
    ws.append([_cell(ws, h, bold=True) for h in header])
    index = frame.index.to_list()
    columns = []
    for c in frame.columns:
        plain = numeric_values(frame[c])  # numbers need no WriteOnlyCell, ten times dearer than a value
        columns.append(plain if plain is not None else [_cell(ws, v) for v in frame[c].to_numpy(dtype=object)])
    for i in range(len(frame)):
        row = [_cell(ws, index[i])] if index_label else []
        row.extend(col[i] for col in columns)
        ws.append(row)
    for j, h in enumerate(header, start=1):
        ws.column_dimensions[get_column_letter(j)].width = max(10, min(40, len(h) + 2))


def write_workbook(measurement: Measurement, path: str | Path) -> Path:
    """Write ``measurement`` as an Excel workbook at ``path`` (atomically). The path ends in
    ``.xlsx``: any other name (``metrics.csv``) would hold a workbook that its name misdescribes,
    so it is refused (code ``bad-argument``) and nothing is written."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise InputError([Problem("bad-argument", f"write_workbook writes an Excel workbook: name it with .xlsx, "
                                  f"not {path.suffix or 'no suffix'} ({path.name})")])
    check_type(measurement, Measurement, "write_workbook(measurement, path): pass the Measurement from measure")
    wb = Workbook(write_only=True)
    pairs, pairs_note = _unit_pairs_that_fit(measurement.unit_pairs)
    matrix_note = _unit_matrix_note(len(measurement.units))
    notes = [(sheet, note) for sheet, note in (("Unit matrix", matrix_note), ("Unit pairs", pairs_note)) if note]

    ws = wb.create_sheet("Summary")
    ws.append([_cell(ws, "Measure", bold=True), _cell(ws, "Value", bold=True), _cell(ws, "Key", bold=True)])
    for key, value in measurement.summary.items():
        ws.append([_cell(ws, SUMMARY_LABELS.get(key, key)), _cell(ws, value), _cell(ws, key)])
    ws.append([])
    ws.append([_cell(ws, "Parameter", bold=True), _cell(ws, "Value", bold=True)])
    for key, value in measurement.parameters.items():
        text = ", ".join(f"{k}: {v}" for k, v in value.items()) if isinstance(value, dict) else value
        ws.append([_cell(ws, key), _cell(ws, "" if text is None else text)])
    if notes:
        ws.append([])
        ws.append([_cell(ws, "Left out to fit Excel", bold=True), _cell(ws, "Sheet", bold=True)])
        for sheet, note in notes:
            ws.append([_cell(ws, note), _cell(ws, sheet)])
    ws.column_dimensions["A"].width = 62
    ws.column_dimensions["B"].width = 24

    _append_frame(wb.create_sheet("People"), measurement.people, "id")
    _append_frame(wb.create_sheet("Units"), measurement.units, "unit")

    ws = wb.create_sheet("Unit matrix")
    if matrix_note:
        ws.append([_cell(ws, matrix_note, bold=True)])
    else:
        matrix = measurement.unit_matrix
        ws.append([_cell(ws, "Tie density, row unit -> column unit", bold=True)])
        _append_frame(ws, matrix, "from \\ to")
        k = len(matrix)
        if k:
            rng = f"B3:{get_column_letter(k + 1)}{k + 2}"
            ws.conditional_formatting.add(rng, ColorScaleRule(start_type="num", start_value=0, start_color="FFFFFF",
                                                              end_type="max", end_color="2171B5"))
    ws = wb.create_sheet("Unit pairs")
    if pairs_note:
        ws.append([_cell(ws, pairs_note, bold=True)])
    _append_frame(ws, pairs, None)
    # The extra tables after the five main sheets, named as in metrics.json and docs/metrics.md.
    for name, frame in measurement.extra.items():
        # A named index says what a row is (a unit, a person): it is the first column. An unnamed one
        # only numbers the rows, which Excel does already: it is left out.
        _append_frame(wb.create_sheet(name[:31]), frame, frame.index.name)

    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path


def left_out_notes(measurement: Measurement) -> list[tuple[str, str]]:
    """(sheet, note) for each sheet of the workbook of ``measurement`` that leaves rows or the whole
    table out to stay within Excel's limits, as its note row and the Summary sheet say it; [] when
    nothing is left out (the report's index.html states these cuts too)."""
    notes = [("Unit matrix", _unit_matrix_note(len(measurement.units))),
             ("Unit pairs", _unit_pairs_that_fit(measurement.unit_pairs)[1])]
    return [(sheet, note) for sheet, note in notes if note]


def _unit_pairs_that_fit(pairs: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """The rows of the Unit pairs sheet and the note that says what was left out ("" when nothing
    was). All ordered pairs when they fit under the header in :data:`MAX_ROW` rows; else only the
    pairs with a tie, under a note row and the header; and should even those not fit, the ones with
    the most ties (equal: in the order of the table)."""
    if len(pairs) + 1 <= MAX_ROW:
        return pairs, ""
    tied = pairs[pairs["ties"] > 0]
    room = MAX_ROW - 2
    note = (f"Only the {len(tied):,} pairs of units with at least one tie are listed: all {len(pairs):,} ordered "
            f"pairs would pass Excel's {MAX_ROW:,} rows. A pair not listed has no tie (density 0).")
    if len(tied) > room:
        tied = tied.sort_values("ties", ascending=False, kind="stable").head(room)
        note = (f"Only the {room:,} pairs of units with the most ties are listed, of {len(pairs):,} ordered pairs: "
                f"all would pass Excel's {MAX_ROW:,} rows. Every pair with a tie is in metrics.json (unit_pairs).")
    return tied, note


def _unit_matrix_note(units: int) -> str:
    """The note that stands for the Unit matrix when its ``units`` columns and the column of names
    would pass Excel's :data:`MAX_COLUMN` columns; "" when the matrix fits."""
    if units + 1 <= MAX_COLUMN:
        return ""
    return (f"Left out: the matrix of {units:,} units would need {units + 1:,} columns, past Excel's "
            f"{MAX_COLUMN:,}. The density of every pair of units with a tie is in the Unit pairs sheet.")


def write_frames(frames: dict[str, pd.DataFrame], path: str | Path) -> Path:
    """Write each frame as a sheet (named by its key) of a workbook at ``path`` (atomically);
    text is stored as text, as in :func:`write_workbook`."""
    path = Path(path)
    wb = Workbook(write_only=True)
    for name, frame in frames.items():
        _append_frame(wb.create_sheet(str(name)[:31]), frame, None)
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path
