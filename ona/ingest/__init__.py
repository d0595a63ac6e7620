"""Ingest: read rosters and tie data from the files analysts have, into validated tables."""

from .._lazy import lazy_exports

__getattr__, __dir__ = lazy_exports(__name__, {
    "Roster": ".roster", "read_roster": ".roster", "TieTable": ".ties", "read_ties": ".ties",
    "validate": ".validate", "ValidationReport": ".validate", "write_survey_template": ".template",
})

__all__ = ["Roster", "read_roster", "TieTable", "read_ties", "validate", "ValidationReport",
           "write_survey_template"]
