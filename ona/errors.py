"""Errors that `ona` raises, and the problems an input can have.

An input problem is data: a stable ``code``, the location (file, sheet, spreadsheet row with the
header as row 1, column header) and a message that says how to fix it. Messages never contain a
value from the input: rosters hold personal data, so a message names the place, not the person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["OnaError", "InputError", "Problem"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one place in an input file.

    ``row`` is the spreadsheet row as the user sees it (the header row is row 1 when the header is on
    the first line); ``column`` is the header text of the column. ``severity`` is ``"error"`` or
    ``"warning"``. A problem in a table a script gave (a DataFrame, not a file) names it in ``frame``
    (``"ties DataFrame"``), and its ``row`` is then the row's position in the frame, counted from 0 as
    ``.iloc`` counts. A sheet whose name is a person's (a workbook of one sheet per respondent) is
    named by its position instead: ``sheet_number``, its tab among the visible tabs counted from the
    left (1 for the leftmost), with ``sheet`` None.
    """

    code: str
    message: str
    path: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    severity: str = "error"
    frame: str | None = None
    sheet_number: int | None = None

    def location(self) -> str:
        parts = []
        if self.path is not None:
            parts.append(Path(self.path).name)
        if self.frame is not None:
            parts.append(self.frame)
        if self.sheet is not None:
            parts.append(f"sheet {self.sheet!r}")
        elif self.sheet_number is not None:
            parts.append(f"sheet {self.sheet_number} from the left")
        if self.row is not None:
            parts.append(f"row {self.row}" if self.frame is None else f".iloc[{self.row}]")
        if self.column is not None:
            parts.append(f"column {self.column!r}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.location()
        return f"{where}: {self.message} [{self.code}]" if where else f"{self.message} [{self.code}]"

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity,
            "path": self.path,
            "sheet": self.sheet,
            "sheet_number": self.sheet_number,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


class OnaError(Exception):
    """Base class of every error `ona` raises on purpose."""


@dataclass
class InputError(OnaError):
    """One or more problems in the input files; carries all of them, not only the first."""

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        errors = [p for p in self.problems if p.severity == "error"] or self.problems
        if len(errors) == 1:
            return str(errors[0])
        return f"{len(errors)} problems; first: {errors[0]}"
