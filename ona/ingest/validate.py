"""Check a roster and its tie files without analysing them: every problem at once."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, Problem

__all__ = ["ValidationReport", "validate"]


#: How a message names a tie shape.
_SHAPE_WORDS = {"edges": "an edge list", "matrix": "a matrix (respondents by colleagues)", "wide": "a wide survey sheet"}


@dataclass
class ValidationReport:
    """All problems found in the inputs, errors and warnings, in file order; and ``read``, what was
    read from each file that could be read (see :meth:`read_lines`): the shape detected, the counts,
    the columns that play a role. Never a value of a cell: counts, headers and shapes only."""

    problems: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    read: list[dict] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def valid(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        e, w = len(self.errors), len(self.warnings)
        names = ", ".join(Path(f).name for f in self.files)
        return (f"{e:,} error{'s' if e != 1 else ''}, {w:,} warning{'s' if w != 1 else ''} in {names}"
                + ("" if e else ": ready to analyse"))

    def read_lines(self) -> list[str]:
        """One line per file read, as the analyst checks it: "roster.xlsx: 461 people, 13 units by
        Department"; "ties.xlsx, sheet 'Survey': an edge list, 3,272 ties from 432 respondents,
        weighted by Frequency, dated by Date (2024-01-05 to 2024-12-30)"."""
        lines = []
        for entry in self.read:
            where = entry["file"] + (f", sheet {entry['sheet']!r}" if entry.get("sheet") else "")
            if entry["kind"] == "roster":
                units = (f", {entry['units']:,} unit{'s' if entry['units'] != 1 else ''} by {entry['unit_column']}"
                         if entry.get("unit_column") else ", no unit column")
                lines.append(f"{where}: {entry['people']:,} {'person' if entry['people'] == 1 else 'people'}{units}")
                continue
            parts = [_SHAPE_WORDS.get(entry["shape"], entry["shape"]),
                     f"{entry['ties']:,} tie{'s' if entry['ties'] != 1 else ''}"
                     + (f" from {entry['respondents']:,} respondent{'s' if entry['respondents'] != 1 else ''}"
                        if entry.get("respondents") is not None else "")]
            parts.append(f"weighted by {entry['weight']}" if entry.get("weight") else "every tie weighing 1")
            if entry.get("layers"):
                parts.append(f"{len(entry['layers'])} layers")
            if entry.get("date_column"):
                span = entry.get("date_span")
                parts.append(f"dated by {entry['date_column']}" + (f" ({span[0]} to {span[1]})" if span else ""))
            if entry.get("window"):
                parts.append(f"only the ties dated {entry['window']}")
            lines.append(f"{where}: " + ", ".join(parts))
        return lines

    def as_dict(self) -> dict:
        return {"valid": self.valid, "errors": len(self.errors), "warnings": len(self.warnings),
                "files": [Path(f).name for f in self.files], "read": self.read,
                "problems": [p.as_dict() for p in self.problems]}


def validate(roster_path, ties_paths=(), *, roster_options: dict | None = None,
             ties_options: dict | None = None, layer: str | None = None, combine: str = "sum",
             by: str | None = None, tie_rule: str = "reported") -> ValidationReport:
    """Read the roster and each tie file as ``analyze`` would, collecting every problem.

    ``by`` (a roster column to measure by), ``layer`` (the one layer to analyse) and ``combine``
    are checked as ``analyze`` checks them; with ``tie_rule`` "reported", a tie list that looks
    undirected gets analyze's ``one-row-per-pair`` warning (:func:`~ona.ingest.ties.one_row_per_pair`). Ties can only be checked against a readable roster:
    when the roster has errors, the tie files are reported as not checked (a warning) rather than
    guessed at.
    """
    from .roster import read_roster
    from .ties import (check_reading_rules, combine_layers, file_layer_names, one_row_per_pair, read_tie_table,
                       read_weight_labels, tie_window)

    options = dict(ties_options or {})
    # Options that are no such thing are raised, not reported once per file; a labels file is read once.
    options["since"], options["until"] = tie_window(options.get("since"), options.get("until"))
    check_reading_rules(options.get("date_order"), options.get("repeats", "max"))
    options["weight_labels"] = read_weight_labels(options.get("weight_labels"))
    report = ValidationReport(files=[str(roster_path), *map(str, ties_paths)])
    try:
        roster = read_roster(roster_path, **(roster_options or {}))
        report.problems.extend(roster.warnings)
        unit = roster.unit_columns[-1] if roster.unit_columns else None
    except InputError as exc:
        report.problems.extend(exc.problems)
        for path in ties_paths:
            report.problems.append(Problem("not-checked", "not checked: fix the roster first, then validate again",
                                           path=str(path), severity="warning"))
        return report
    if by is not None:
        try:
            column = roster.column(by)
        except InputError as exc:
            report.problems.extend(exc.problems)
        else:
            unit = column if column in roster.people.columns else unit
            # Its blanks and spellings read as analyze reads them (Roster.measured_by), with its warnings.
            roster = roster.measured_by(column)
            report.problems = list(roster.warnings)
            # The column measured: its cells that show an Excel error are errors, not warnings.
            errors = roster.error_problems(column)
            if errors:
                report.problems = [p for p in report.problems
                                   if not (p.code == "excel-error" and p.column == column)] + errors
    report.read.append({"kind": "roster", "file": Path(roster_path).name, "sheet": roster.sheet,
                        "people": len(roster), "unit_column": unit,
                        "units": int(roster.people[unit].nunique()) if unit else None})
    try:
        layer_names = file_layer_names(list(ties_paths))
    except InputError as exc:
        report.problems.extend(exc.problems)
        return report
    tables = []
    for path, layer_name in zip(ties_paths, layer_names):
        try:
            ties = read_tie_table(path, roster, default_layer=layer_name, **options)
        except InputError as exc:
            report.problems.extend(exc.problems)
            continue
        tables.append(ties)
        report.problems.extend(ties.warnings)
        if tie_rule == "reported":
            report.problems.extend(one_row_per_pair(ties))
        layers = [name for name in ties.layers if name and name != layer_name]
        report.read.append({"kind": "ties", "file": Path(path).name, "sheet": ties.sheet, "shape": ties.shape,
                            "ties": len(ties), "respondents": None if ties.respondents is None else
                            len(ties.respondents), "weight": ties.weight_column,
                            "layers": layers if len(layers) > 1 else [], "date_column": ties.date_column,
                            "date_span": ties.date_span, "window": ties.window_text})
        for reason, count in ties.dropped.items():
            report.problems.append(Problem(
                f"dropped-{reason}", f"{count:,} tie{'s' if count != 1 else ''} left out ({reason.replace('-', ' ')})",
                path=ties.path, sheet=ties.sheet, severity="warning"))
    if layer is not None and tables and len(tables) == len(layer_names):
        try:
            combine_layers(tables, layer=layer, combine=combine)
        except InputError as exc:
            report.problems.extend(exc.problems)
    return report
