"""Ingest: read rosters and tie data from the files analysts have, into validated tables."""

from .roster import Roster, read_roster
from .ties import TieTable, read_ties

__all__ = ["Roster", "read_roster", "TieTable", "read_ties"]
