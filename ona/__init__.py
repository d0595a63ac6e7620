"""ona: organizational network analysis — who works with whom across units.

The front door: read a roster and ties, build the network, measure it by a unit column, write
the report::

    import ona
    roster = ona.read_roster("roster.xlsx")
    ties = ona.read_ties("ties.xlsx", roster)
    graph = ona.build_graph(roster, ties)
    result = ona.measure(graph, by="Department")
    ona.write_report(result, graph, "report/")

and, year after year, store each measurement as a wave and compare two waves::

    with ona.open_history("ona-history.db") as history:
        history.store("2025", result, graph)
        comparison = ona.compare_waves(history.load("2024"), history.load("2025"))
    ona.write_comparison(comparison, "compare/")
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
    "open_history": ".history", "History": ".history", "StoredWave": ".history",
    "compare_waves": ".compare", "Comparison": ".compare", "write_comparison": ".report.compare_page",
    "show_progress": "._progress",
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
    "write_comparison",
    "show_progress",
    "Roster",
    "TieTable",
    "OrgGraph",
    "Measurement",
    "History",
    "StoredWave",
    "Comparison",
    "OnaError",
    "InputError",
    "Problem",
    "__version__",
]
