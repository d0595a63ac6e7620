"""ona: organizational network analysis — who works with whom across units.

The front door: read a roster and ties, build the network, measure it by a unit column, write
the report::

    import ona
    roster = ona.read_roster("roster.xlsx")
    ties = ona.read_ties("ties.xlsx", roster)
    graph = ona.build_graph(roster, ties)
    result = ona.measure(graph, by="Department")
    ona.write_report(result, graph, "report/")
"""

__version__ = "0.1.0"

from .errors import InputError, OnaError, Problem
from .graph import OrgGraph, build_graph
from .ingest import Roster, TieTable, read_roster, read_ties
from .metrics import Measurement, measure
from .report import write_map, write_report, write_workbook
from .history import open_history
from .compare import compare_waves

__all__ = [
    "read_roster",
    "read_ties",
    "build_graph",
    "measure",
    "write_report",
    "write_map",
    "write_workbook",
    "open_history",
    "compare_waves",
    "Roster",
    "TieTable",
    "OrgGraph",
    "Measurement",
    "OnaError",
    "InputError",
    "Problem",
    "__version__",
]
