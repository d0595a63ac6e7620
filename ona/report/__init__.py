"""Report: the HTML network map, the Excel workbook and metrics.json for one measurement."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .._files import atomic_folder
from .._lazy import lazy_exports

if TYPE_CHECKING:
    from ..graph import OrgGraph
    from ..metrics import Measurement

# The writers are imported when first used: ``ona.report.html_map.SIZE_BY`` (which the command
# line needs for its options) must not load every stage.
__getattr__, __dir__ = lazy_exports(__name__, {
    "write_exports": ".exports", "Finding": ".findings", "findings": ".findings", "SIZE_BY": ".html_map",
    "write_map": ".html_map", "write_unit_map": ".html_map", "write_index": ".index_page",
    "write_method_page": ".index_page", "measurement_to_dict": ".json_out", "write_json": ".json_out",
    "write_workbook": ".workbook",
})

__all__ = ["write_report", "check_report_keeps_inputs", "write_map", "write_unit_map", "write_workbook", "write_json", "write_exports",
           "write_index", "measurement_to_dict", "findings", "Finding", "SIZE_BY"]

REPORT_PAGES = [("Person map", "map.html"), ("Unit map", "units.html"), ("How the numbers are computed", "method.html"),
                ("Excel workbook", "metrics.xlsx"), ("Data for scripts (JSON)", "metrics.json"),
                ("Network for Gephi (GEXF)", "network.gexf"), ("Network as GraphML", "network.graphml"),
                ("People (CSV)", "nodes.csv"), ("Ties (CSV)", "edges.csv")]
RATINGS_PAGE = ("How the units see each other", "ratings.html")  # with ratings only
#: Every file a report can hold: a report written into a folder removes those of an earlier one it
#: does not write itself (ratings.html, after a run without ratings).
REPORT_FILES = frozenset({"index.html", RATINGS_PAGE[1], *(name for _, name in REPORT_PAGES)})
#: The list of the files a report wrote, written with them: the evidence that a file of REPORT_FILES
#: in the folder is an earlier report's and not the user's own (see ona._files.atomic_folder).
REPORT_MANIFEST = ".ona-report"


def check_report_keeps_inputs(out_dir: str | Path, inputs: dict | None,
                              fix: str = "pass another out_dir to write the report into") -> None:
    """Raise an :class:`~ona.errors.OnaError` when a report written into ``out_dir`` would replace
    one of ``inputs`` (role -> path or list of paths: the roster, the tie files ... that the report
    was measured from): a roster or tie list named nodes.csv or edges.csv in ``out_dir``, where the
    report writes its own (any name of :data:`REPORT_FILES`). ``fix`` says how to choose another
    folder. ``ona analyze`` and ``ona run`` check it before reading anything."""
    from .._files import check_inputs_kept

    check_inputs_kept([Path(out_dir) / name for name in sorted(REPORT_FILES)], inputs or {},
                      what="the report's {name}", fix=fix)


def write_report(measurement: Measurement, graph: OrgGraph, out_dir: str | Path, *, seed: int = 1,
                 size_by: str = "degree", ratings=None, notes: list | None = None, inputs: dict | None = None,
                 _before_swap=None) -> dict[str, Path]:
    """Write the whole report into ``out_dir`` and return the paths: ``index.html`` (findings,
    heatmap, method), ``map.html`` (people), ``units.html`` (units), ``method.html``,
    ``metrics.xlsx``, ``metrics.json``, and the network as GEXF, GraphML and CSV; with ``ratings``
    (a :class:`~ona.metrics.ratings.RatingsResult`) also ``ratings.html``. For a large organisation
    on a machine with several cores, the workbook and metrics.json are written by a second process
    meanwhile (:mod:`ona.report._beside`).

    The report lands all at once (:func:`ona._files.atomic_folder`): every file is written to a
    staging folder first, so if anything fails, ``out_dir`` keeps the earlier report, whole, and no
    file of the new one. Afterwards ``out_dir`` holds this report's files and none of an earlier
    report's (:data:`REPORT_FILES` that the earlier report's :data:`REPORT_MANIFEST` lists); other
    files are left alone, a user's own ``ratings.html`` too.
    ``notes`` also gets a sentence for each roster column that the network files keep under a numbered name (a
    column named like a metric: :func:`~ona.report.exports.renamed_columns`). ``out_dir`` being a file
    is an :class:`~ona.errors.OnaError`. The staging folders of earlier runs that were killed are removed, and
    ``notes`` (a list, when given) gets a sentence that says so. With progress shown
    (:func:`ona.show_progress`) a bar moves one step per file written: index, person map, unit map,
    method, exports, then the wait for the workbook and metrics.json (with ratings, the ratings page after
    the index). The measurement comes first, then its graph (:func:`ona.write_map` takes them the other
    way round): a call with the two swapped is refused with an error that says so. A measurement that skipped parts (``measure(skip=...)``) is refused, and nothing is written.

    ``inputs`` (role -> path or list of paths, such as ``{"roster": "2024/nodes.csv", "ties":
    ["2024/edges.csv"]}``): the files the report was measured from. When the report would replace
    one of them (a roster named nodes.csv in ``out_dir``), it is refused and nothing is written
    (:func:`check_report_keeps_inputs`).

    ``_before_swap`` (for ``ona run`` and ``ona analyze --wave``): called when every file is written,
    before the first replaces the earlier report's; it stores the wave, so that a wave the history
    refuses (another program writing it) leaves ``out_dir`` with the earlier report, as it was."""
    from .._arguments import check_whole
    from .._progress import steps
    from ._beside import Beside
    from .exports import write_exports
    from .html_map import write_map, write_unit_map
    from .index_page import write_index, write_method_page

    from .._arguments import check_type
    from ..graph import OrgGraph
    from ..metrics import Measurement

    order = "write_report takes the measurement first, then the graph: write_report(measurement, graph, out_dir)"
    check_type(measurement, Measurement, order)
    check_type(graph, OrgGraph, order)
    check_whole(measurement, "write_report")
    check_report_keeps_inputs(out_dir, inputs)
    out = Path(out_dir)
    pages = list(REPORT_PAGES)
    removed: list[str] = []
    labels = ["index", *(["ratings page"] if ratings is not None else []), "person map", "unit map", "method",
              "exports", "workbook and metrics.json"]
    if ratings is not None:
        pages.insert(2, RATINGS_PAGE)
    with atomic_folder(out, removed, own_names=REPORT_FILES, manifest=REPORT_MANIFEST,
                      before_swap=_before_swap) as staging, \
            steps(labels) as progress:
        beside = Beside(measurement, staging / "metrics.xlsx", staging / "metrics.json")  # a second core, when it pays
        try:
            paths = {"index": write_index(measurement, staging / "index.html", pages=pages)}
            if ratings is not None:
                from .ratings_page import write_ratings_page

                progress.advance("ratings page")
                paths["ratings"] = write_ratings_page(ratings, staging / RATINGS_PAGE[1])
            progress.advance("person map")
            paths["map"] = write_map(graph, measurement, staging / "map.html", seed=seed, size_by=size_by,
                                     method_page="method.html")
            progress.advance("unit map")
            paths["units"] = write_unit_map(measurement, staging / "units.html", seed=seed, method_page="method.html")
            progress.advance("method")
            paths["method"] = write_method_page(staging / "method.html",
                                                files={"index.html", *(name for _, name in pages)})
            progress.advance("exports")
            exports = write_exports(graph, measurement, staging)
            progress.advance("workbook and metrics.json")
        except BaseException:
            beside.stop()
            raise
        paths = {**paths, **beside.wait(), **exports}
        progress.advance()
    if notes is not None:
        from .exports import renamed_columns

        renamed = renamed_columns(graph, measurement)
        if renamed:
            notes.append(f"roster column{'s' if len(renamed) != 1 else ''} "
                         + ", ".join(f"'{old}' written as '{new}'" for old, new in renamed.items())
                         + " in nodes.csv, network.gexf and network.graphml: "
                         + ("a metric has that name" if len(renamed) == 1 else "metrics have those names"))
    if removed and notes is not None:
        notes.append(f"removed {len(removed)} unfinished report folder{'s' if len(removed) != 1 else ''} "
                     f"({', '.join(removed)}) that an interrupted run left in {out}")
    return {key: out / path.name for key, path in paths.items()}
