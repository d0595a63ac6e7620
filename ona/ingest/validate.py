"""Check a roster and its tie files without analysing them: every problem at once."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, Problem

__all__ = ["ValidationReport", "validate"]


@dataclass
class ValidationReport:
    """All problems found in the inputs, errors and warnings, in file order."""

    problems: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

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
        return (f"{e} error{'s' if e != 1 else ''}, {w} warning{'s' if w != 1 else ''} in {names}"
                + ("" if e else ": ready to analyse"))

    def as_dict(self) -> dict:
        return {"valid": self.valid, "errors": len(self.errors), "warnings": len(self.warnings),
                "files": [Path(f).name for f in self.files], "problems": [p.as_dict() for p in self.problems]}


def validate(roster_path, ties_paths=(), *, roster_options: dict | None = None,
             ties_options: dict | None = None) -> ValidationReport:
    """Read the roster and each tie file as ``analyze`` would, collecting every problem.

    Ties can only be checked against a readable roster: when the roster has errors, the tie files
    are reported as not checked (a warning) rather than guessed at.
    """
    from .roster import read_roster
    from .ties import read_tie_table

    report = ValidationReport(files=[str(roster_path), *map(str, ties_paths)])
    try:
        roster = read_roster(roster_path, **(roster_options or {}))
        report.problems.extend(roster.warnings)
    except InputError as exc:
        report.problems.extend(exc.problems)
        for path in ties_paths:
            report.problems.append(Problem("not-checked", "not checked: fix the roster first, then validate again",
                                           path=str(path), severity="warning"))
        return report
    for path in ties_paths:
        try:
            ties = read_tie_table(path, roster, **(ties_options or {}))
        except InputError as exc:
            report.problems.extend(exc.problems)
            continue
        report.problems.extend(ties.warnings)
        for reason, count in ties.dropped.items():
            report.problems.append(Problem(
                f"dropped-{reason}", f"{count} tie{'s' if count != 1 else ''} left out ({reason.replace('-', ' ')})",
                path=ties.path, sheet=ties.sheet, severity="warning"))
    return report
