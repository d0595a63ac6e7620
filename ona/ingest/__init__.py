"""Ingest: read rosters and tie data from the files analysts have, into validated tables."""

from .roster import Roster, read_roster
from .template import write_survey_template
from .ties import TieTable, read_ties
from .validate import ValidationReport, validate

__all__ = ["Roster", "read_roster", "TieTable", "read_ties", "validate", "ValidationReport",
           "write_survey_template"]
