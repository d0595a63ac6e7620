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

from ._lazy import lazy_exports
from .errors import InputError, OnaError, Problem

# Each stage is imported when a script first uses it (``ona email`` never loads the metrics).
__getattr__, __dir__ = lazy_exports(__name__, {
    "OrgGraph": ".graph", "build_graph": ".graph",
    "Roster": ".ingest", "TieTable": ".ingest", "read_roster": ".ingest", "read_ties": ".ingest",
    "Measurement": ".metrics", "measure": ".metrics",
    "write_map": ".report", "write_report": ".report", "write_workbook": ".report",
    "open_history": ".history", "compare_waves": ".compare", "show_progress": "._progress",
})

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
    "show_progress",
    "Roster",
    "TieTable",
    "OrgGraph",
    "Measurement",
    "OnaError",
    "InputError",
    "Problem",
    "__version__",
]
