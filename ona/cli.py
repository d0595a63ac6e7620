"""The `ona` command: a thin shell over the library. Each command parses, calls the library, renders.

All errors leave through :func:`_handle_errors`: an :class:`~ona.errors.OnaError` prints one line per
problem on stderr (of each code the first ten, then a count of the rest: :func:`problem_lines`) and
exits with status 2; ``--debug`` re-raises instead. No traceback reaches the user.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from . import __version__
from ._arguments import BOOTSTRAPS_RULE, MIN_BOOTSTRAPS, MINIMUM
from ._files import is_remote
from ._progress import show_progress, steps
from .errors import InputError, OnaError
from .report import _words as words
from .ingest.email import DATE_ORDERS, FORMATS as EMAIL_FORMATS, left_out_unit
from .ingest.engines import ENGINES
from .report.html_map import SIZE_BY as SIZE_BY_CHOICES

__all__ = ["cli"]


class OnaClickError(click.ClickException):
    exit_code = 2

    def show(self, file=None) -> None:  # one line per problem, already formatted
        click.echo(self.message, err=True)


#: Problems of one code the terminal shows before it counts the rest (``ona validate --all-problems`` shows all).
SHOWN_PER_CODE = 10


def problem_lines(problems, *, every: bool = False, hint: str = "`ona validate --all-problems` prints every one"
                  ) -> list[str]:
    """The terminal's lines for a list of problems, the same for every command.

    Problems keep their order (file order); of each code only the first :data:`SHOWN_PER_CODE` are
    printed, one per line with file, sheet, row and column, unless ``every``. For each code with more,
    one line counts the rest and says where they are (the file, and the rows from first to last),
    and a last line counts the problems of every code, with ``hint`` on how to see them all. A
    problem's line is its message (which quotes no personal value), so the count lines add none.
    """
    shown: dict[str, int] = {}
    lines, rest = [], {}
    for problem in problems:
        if every or shown.get(problem.code, 0) < SHOWN_PER_CODE:
            shown[problem.code] = shown.get(problem.code, 0) + 1
            lines.append(f"{'Error' if problem.severity == 'error' else 'Warning'}: {problem}")
        else:
            rest.setdefault(problem.code, []).append(problem)
    if not rest:
        return lines
    for code, left in rest.items():
        files = sorted({Path(p.path).name for p in left if p.path is not None})
        rows = [p.row for p in left if p.row is not None]
        span = "" if not rows or len(files) > 1 else \
            f"row {rows[0]:,}" if min(rows) == max(rows) else f"rows {min(rows):,}-{max(rows):,}"
        where = ", ".join([*files, *([span] if span else [])])
        lines.append(f"... and {len(left):,} more {code} problem{'s' if len(left) != 1 else ''}"
                     + (f" ({where})" if where else ""))
    counts: dict[str, int] = {}
    for problem in problems:
        counts[problem.code] = counts.get(problem.code, 0) + 1
    lines.append("Problems by code: " + ", ".join(f"{n:,} {code}" for code, n in counts.items()) + f"; {hint}")
    return lines


def _fail(exc: Exception) -> OnaClickError:
    if isinstance(exc, InputError):
        return OnaClickError("\n".join(problem_lines(exc.problems)))
    if isinstance(exc, OSError):
        where = f"{Path(exc.filename).name}: " if getattr(exc, "filename", None) else ""
        return OnaClickError(f"Error: {where}{exc.strerror or exc}")
    return OnaClickError(f"Error: {exc}")


def _handle_errors(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        ctx = click.get_current_context()
        debug = ctx.find_root().params.get("debug", False)
        try:
            return func(*args, **kwargs)
        except (OnaError, OSError) as exc:
            if debug:
                raise
            raise _fail(exc) from None
    return wrapper


def roster_options(func):
    """Options that say how to read the roster; the same on every command that reads one."""
    for decorator in reversed([
        click.option("--roster", "roster_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
                     help="Roster file (.xlsx or .csv): one row per person."),
        click.option("--roster-sheet", default=None, help="Sheet of the roster workbook (default: found by its columns)."),
        click.option("--roster-header-row", type=click.IntRange(MINIMUM["roster_header_row"]), default=None,
                     help="Row of the roster's header, as Excel numbers it (default: found by its columns)."),
        click.option("--id-column", default=None, help="Roster column with the person id."),
        click.option("--name-column", default=None, help="Roster column with the person's name."),
        click.option("--email-column", default=None, help="Roster column with the email address."),
        click.option("--unit-column", default=None, help="Roster column with the unit (department)."),
        click.option("--delimiter", default=None, help="CSV delimiter of the input files (default: detected among , ; tab |)."),
        click.option("--encoding", default=None, help="Text encoding of CSV input (default: detected; e.g. utf-8, cp1252, utf-16)."),
        click.option("--roster-delimiter", default=None,
                     help="CSV delimiter of the roster alone (default: --delimiter)."),
        click.option("--roster-encoding", default=None,
                     help="Text encoding of the roster alone, e.g. cp1252 (default: --encoding)."),
    ]):
        func = decorator(func)
    return func


#: The order of numeric dates, for a tie list's date column and for email times alike; on every
#: command that reads either (ties_options, and `ona email`).
DATE_ORDER_OPTION = click.option(
    "--date-order", type=click.Choice(DATE_ORDERS), default=None,
    help="Order of day and month in numeric dates such as 01/03/2025, of tie dates and email times (default: "
         "detected from each date column; ambiguous columns are read month first with a warning).")


def ties_options(func):
    """Options that say how to read the tie list; the same on every command that reads one."""
    for decorator in reversed([
        click.option("--ties", "ties_path", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
                     help="Tie file (.xlsx or .csv): an edge list, an adjacency matrix or a wide survey sheet. "
                          "Repeat for several questions (one layer per file)."),
        click.option("--ties-format", type=click.Choice(["edges", "matrix", "wide"]), default=None,
                     help="Shape of the tie sheet (default: detected)."),
        click.option("--layer", default=None, help="Analyse only this layer (survey question)."),
        click.option("--combine", type=click.Choice(["sum", "max", "any"]), default="sum", show_default=True,
                     help="How the weights of several layers combine."),
        click.option("--tie-rule", type=click.Choice(["reported", "reciprocated", "union"]), default="reported",
                     show_default=True,
                     help="reported: ties as reported; reciprocated: only ties both people report; "
                          "union: a tie either person reports counts both ways."),
        click.option("--ties-sheet", default=None, help="Sheet of the ties workbook (default: found by its columns)."),
        click.option("--ties-header-row", type=click.IntRange(MINIMUM["ties_header_row"]), default=None,
                     help="Row of the tie sheet's header, as Excel numbers it (default: found by its columns)."),
        click.option("--source-column", default=None, help="Ties column naming who reported the tie."),
        click.option("--target-column", default=None,
                     help="Ties column naming the colleague (of a wide sheet: the column listing colleagues)."),
        click.option("--weight-column", default=None, help="Ties column with the tie weight (e.g. frequency 1-5)."),
        click.option("--date-column", default=None,
                     help="Edge-list column with the tie's date (default: a Date, Dato, Datum or Timestamp column)."),
        click.option("--ties-since", default=None,
                     help="Only ties dated on or after this date (YYYY-MM-DD); needs a date column."),
        click.option("--ties-until", default=None,
                     help="Only ties dated before this date (YYYY-MM-DD); needs a date column."),
        click.option("--weight-labels", type=click.Path(dir_okay=False, path_type=Path), default=None,
                     help="TOML file giving the number of each answer a survey tool wrote as words where a weight "
                          "belongs, e.g. \"Daily\" = 5."),
        click.option("--repeats", type=click.Choice(["max", "sum"]), default="max", show_default=True,
                     help="A pair listed more than once in a layer: its largest weight, or the sum of its weights "
                          "(a contact log, one row per contact)."),
        DATE_ORDER_OPTION,
        click.option("--drop-unknown", is_flag=True, help="Drop ties naming people not in the roster (counted) instead of failing."),
        click.option("--ties-delimiter", default=None,
                     help="CSV delimiter of the tie files alone (default: --delimiter)."),
        click.option("--ties-encoding", default=None,
                     help="Text encoding of the tie files alone, e.g. utf-8 (default: --encoding)."),
    ]):
        func = decorator(func)
    return func


def email_options(func):
    """How email exports are aggregated (docs/email.md); the same on `ona email` and `ona analyze`."""
    for decorator in reversed([
        click.option("--email-format", type=click.Choice(EMAIL_FORMATS),
                     default=None, help="Format of the email exports (default: detected from their columns)."),
        click.option("--engine", type=click.Choice(ENGINES), default="duckdb", show_default=True,
                     help="Where the aggregation runs: DuckDB on this machine, or Spark (a local session, or the "
                          "cluster your Spark configuration names). Only the tie table comes back."),
        click.option("--external", type=click.Choice(["drop", "domain", "keep"]), default="drop", show_default=True,
                     help="Addresses not in the roster: dropped, one node per domain, or kept as people."),
        click.option("--max-recipients", default=25, show_default=True, type=click.IntRange(1),
                     help="Messages to more distinct recipients are broadcasts and left out."),
        click.option("--weight", "email_weight", type=click.Choice(["per-message", "split"]), default="per-message",
                     show_default=True, help="Each message adds 1 per recipient, or 1 split over its recipients."),
        click.option("--cc-weight", default=1.0, show_default=True, type=click.FloatRange(0),
                     help="Weight of a Cc recipient relative to To."),
        click.option("--since", default=None, help="Only messages sent on or after this date (YYYY-MM-DD)."),
        click.option("--until", default=None, help="Only messages sent before this date (YYYY-MM-DD)."),
        click.option("--min-messages", default=1, show_default=True, type=click.IntRange(1),
                     help="A tie needs at least this many messages."),
        click.option("--reciprocal", is_flag=True, help="A tie needs messages both ways (at least --min-messages each)."),
        click.option("--exclude", multiple=True,
                     help="Sender address pattern (regular expression, any case, found anywhere in the address "
                          "unless anchored with ^ or $) to leave out; repeatable."),
        click.option("--aliases", type=click.Path(dir_okay=False, path_type=Path), default=None,
                     help="CSV of old address -> person (roster id or current address)."),
        click.option("--pseudonymize", "key_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
                     help="Key file: replace every identity by a keyed hash (the same every year with the same key)."),
        click.option("--min-group-size", default=None, type=click.IntRange(MINIMUM["min_group_size"]),
                     help="Merge units with fewer people in unit-level outputs (default 5 when pseudonymising)."),
    ]):
        func = decorator(func)
    return func


def _email_options(opts: dict):
    from .ingest.email import EmailOptions

    return EmailOptions(external=opts["external"], max_recipients=opts["max_recipients"], weight=opts["email_weight"],
                        cc_weight=opts["cc_weight"], since=opts["since"], until=opts["until"],
                        min_messages=opts["min_messages"], reciprocal=opts["reciprocal"],
                        exclude=tuple(opts["exclude"]), aliases=opts["aliases"], format=opts["email_format"],
                        engine=opts["engine"], date_order=opts["date_order"])


def _expand_patterns(values, option: str) -> list:
    """Each value as given, or, when it is a quoted pattern (``mail-2025-*.csv``) that names no file
    itself, the files it matches, in name order; a pattern that matches nothing is a usage error.
    Paths on a cluster (``abfss://...``) are left to the engine."""
    from ._files import matching_files

    out = []
    for value in values:
        found = matching_files(str(value))
        if found is None:
            out.append(value)
        elif not found:
            raise click.BadParameter(f"no file matches {str(value)!r}", param_hint=option)
        else:
            out.extend(found)
    return out


def _text_format(opts: dict, files: str) -> dict:
    """The delimiter and encoding of the roster (``files`` "roster") or the tie files ("ties"): their
    own option (``--roster-encoding``), else the one given for every input file (``--encoding``)."""
    return {key: opts.get(f"{files}_{key}") or opts[key] for key in ("delimiter", "encoding")}


def _read_roster(opts: dict):
    from .ingest import read_roster

    return read_roster(opts["roster_path"], sheet=opts["roster_sheet"], id_column=opts["id_column"],
                       name_column=opts["name_column"], email_column=opts["email_column"],
                       unit_column=opts["unit_column"], header_row=opts["roster_header_row"],
                       **_text_format(opts, "roster"))


def _tie_reading(opts: dict) -> dict:
    """How the tie files are read, as :func:`~ona.ingest.read_tie_table` takes it: the ties options
    (:func:`ties_options`) other than the files, ``--layer`` and ``--combine``."""
    return {"sheet": opts["ties_sheet"], "source_column": opts["source_column"],
            "target_column": opts["target_column"], "weight_column": opts["weight_column"],
            "ties_format": opts["ties_format"], "header_row": opts["ties_header_row"], **_text_format(opts, "ties"),
            "drop_unknown": opts["drop_unknown"], "date_column": opts["date_column"], "since": opts["ties_since"],
            "until": opts["ties_until"], "date_order": opts["date_order"], "repeats": opts["repeats"],
            "weight_labels": opts["weight_labels"]}


def _check_window_options(opts: dict, email: bool) -> None:
    """Refuse the options of the other kind of input, which would do nothing: ``--since``/``--until``
    choose email messages, ``--ties-since``/``--ties-until``/``--date-column``/``--repeats``/
    ``--weight-labels`` read a tie file."""
    if email:
        given = [flag for flag, key in (("--ties-since", "ties_since"), ("--ties-until", "ties_until"),
                                        ("--date-column", "date_column"), ("--weight-labels", "weight_labels"))
                 if opts.get(key)]
        given += ["--repeats"] if opts.get("repeats", "max") != "max" else []
        if given:
            raise click.UsageError(f"{'/'.join(given)} {'read' if len(given) > 1 else 'reads'} a tie file (--ties); "
                                   "email messages are chosen by --since/--until.")
    elif opts.get("since") or opts.get("until"):
        given = "/".join(flag for flag, key in (("--since", "since"), ("--until", "until")) if opts.get(key))
        raise click.UsageError(f"{given} {'choose' if '/' in given else 'chooses'} email messages (--email); a tie "
                               "file's ties are chosen by their date column with --ties-since/--ties-until.")


def _read_ties(opts: dict, roster):
    from .ingest import read_ties

    if not opts["ties_path"]:
        raise click.UsageError("Missing option '--ties'.")
    return read_ties(list(opts["ties_path"]), roster, layer=opts["layer"], combine=opts["combine"],
                     **_tie_reading(opts))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ona")
@click.option("--debug", is_flag=True, help="Show Python tracebacks instead of one-line errors.")
@click.option("--silent", is_flag=True, help="No progress bars.")
def cli(debug: bool, silent: bool) -> None:
    """ona: organizational network analysis — who works with whom across units."""
    before = show_progress(not silent)  # (the library alone draws no progress; the command does)
    click.get_current_context().call_on_close(lambda: show_progress(before))


def _pct(x: float) -> str:
    """A share as a whole percentage, a half rounded up as on the report's pages (12.5% is "13%")."""
    return "n/a" if x != x else words.fixed(x, 0, percent=True) + "%"


def _num(x: float) -> str:
    """A summary figure to two decimals, rounded half up as on the report's pages; one that rounds to
    zero is "0.00", never "-0.00"."""
    return "n/a" if x != x else words.fixed(x, 2)


def _through_a_unit_of_one(result) -> str:
    """", N of them through a unit of one person" for the fragile-links line, when some are (a unit of
    one person's links all hang on that person; see :func:`~ona.report.findings.through_a_unit_of_one`)."""
    from .report.findings import through_a_unit_of_one

    bridges = result.extra.get("fragile_bridges")
    lone = int(through_a_unit_of_one(bridges, result.people).sum()) if bridges is not None else 0
    return f" ({lone:,} of them through a unit of one person)" if lone else ""


def render_summary(result) -> str:
    """The terminal summary of a measurement (a :class:`~ona.metrics.Measurement`). With one unit
    there is no boundary: the figures across units (cross-unit ties, E-I, modularity of units,
    boundary spanners, fragile links) are said to be not defined instead of shown as 0% or -1.00.
    Counts have thousands separators, as index.html prints them. Betweenness estimated from sampled
    pivots (above ``--exact-betweenness-limit`` people) says so, with the pivots and the seed: its
    figures are estimates, and another seed gives slightly different ones."""
    summary, parameters = result.summary, result.parameters
    none = "not defined (one unit: no unit boundary)" if summary["units"] == 1 else None
    return "\n".join([
        f"People:              {summary['people']:,}",
        f"Ties:                {summary['ties']:,}",
        f"Units:               {summary['units']:,} (by {parameters['unit_column']})",
        "Cross-unit ties:     "
        + (none or f"{_pct(summary['cross_unit_share'])} ({summary['cross_unit_ties']:,} of {summary['ties']:,})"),
        f"E-I index (org):     {none or _num(summary['ei_index'])}",
        f"Modularity of units: {none or _num(summary['modularity']) + ' (directed, weighted)'}",
        *([f"Communities found:   {summary['communities']:,}"
           + (f" among the {summary['community_people']:,} people with a tie"
              if summary.get("community_people", summary["people"]) < summary["people"] else "")
           + ("" if none else f" (agreement with units, NMI {_num(summary['unit_community_nmi'])})"),
           f"Boundary spanners:   {none or format(summary['boundary_spanners'], ',')}",
           "Fragile unit links:  " + (none or f"{summary['unit_pairs_hanging_on_one_person']:,} of "
                                       f"{summary['unit_pairs_connected']:,} unit pairs hang on one person"
                                       + _through_a_unit_of_one(result))]
          if "communities" in summary else []),
        *([f"Betweenness:         estimated from {parameters['betweenness_pivots']:,} sampled pivots of "
           f"{summary['people']:,} people (exact is too slow above the exact betweenness limit); "
           f"seed {parameters['betweenness_seed']}"]
          if "betweenness_pivots" in parameters else []),
        *([f"Response rate:       {words.share_percent(summary['respondents'], summary['people'])} "
           f"({summary['respondents']:,} of {summary['people']:,})"]
          if "response_rate" in summary else []),
    ])


@cli.command()
@roster_options
@ties_options
@click.option("--by", default=None, help="Roster column whose units are measured (default: the department column).")
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path),
              help="Folder for map.html, metrics.xlsx and metrics.json.")
@click.option("--seed", default=1, show_default=True, type=click.IntRange(MINIMUM["seed"]),
              help="Seed of every random step: map layout, E-I permutations, Leiden, sampled betweenness.")
@click.option("--permutations", default=1000, show_default=True, type=click.IntRange(MINIMUM["permutations"]),
              help="Permutations in the E-I significance test (0: no test).")
@click.option("--exact-betweenness-limit", default=25_000, show_default=True,
              type=click.IntRange(MINIMUM["exact_betweenness_limit"]),
              help="Exact betweenness up to this many people; sampled above.")
@click.option("--betweenness-samples", default=1000, show_default=True,
              type=click.IntRange(MINIMUM["betweenness_samples"]),
              help="Pivots for sampled betweenness.")
@click.option("--size-by", type=click.Choice(list(SIZE_BY_CHOICES)), default="degree", show_default=True,
              help="What the size of a person on the map shows.")
@click.option("--wave", default=None, help="Store this run as a wave with this label (e.g. 2025) in --history.")
@click.option("--history", "history_path", default=None, type=click.Path(dir_okay=False, path_type=Path),
              help="History file (SQLite) the wave is stored in (default: ona-history.db).")
@click.option("--replace", is_flag=True, help="Store the wave again if its label is already in the history.")
@click.option("--email", "email_paths", multiple=True,
              help="Email export(s) instead of --ties: message logs, mbox, Microsoft 365 traces, Viva Insights. "
                   "Repeat it, or quote a pattern for ona to expand: --email \"mail-2025-*.csv\".")
@click.option("--ratings", "ratings_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Unit-rates-unit survey responses (.xlsx or .csv); alone or with --ties/--email.")
@click.option("--scale", "scale_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Scale file (TOML) mapping rating labels to scores, missing answers, subscales.")
@click.option("--unit-type-column", default=None,
              help="Roster column saying line or support (default: a column named Function or Type).")
@email_options
@_handle_errors
def analyze(by, out_dir, seed, permutations, exact_betweenness_limit, betweenness_samples, size_by, wave,
            history_path, replace, email_paths, ratings_path, scale_path, unit_type_column, **opts):
    """Measure who works with whom across units; write a map, a workbook and JSON.

    \b
    Example:
      ona analyze --roster roster.xlsx --ties ties.xlsx --out report/
    """
    from ._arguments import label_problem
    from .history import check_storable, open_history
    from .ingest.email import read_key_file
    from .pipeline import analyze as run_analysis
    from .report import check_report_keeps_inputs, write_report

    if history_path is not None and wave is None:
        raise click.UsageError("--history needs --wave LABEL (the label to store this run under).")
    if wave is not None and (wrong := label_problem(wave)):
        raise click.BadParameter(wrong, param_hint="--wave")
    history_path = history_path or Path("ona-history.db")
    email_paths = _expand_patterns(email_paths, "--email")
    read = {"roster": opts["roster_path"], "tie file": list(opts["ties_path"]),
            "email export": [p for p in email_paths if not is_remote(p)], "ratings file": ratings_path,
            "scale file": scale_path, "weight labels file": opts["weight_labels"], "aliases file": opts["aliases"],
            "key file": opts.get("key_path"), "history": history_path if wave is not None else None}
    check_report_keeps_inputs(out_dir, read, fix="choose another folder with --out")
    if wave is not None:
        check_storable(history_path, wave, replace=replace)
    if email_paths and opts["ties_path"]:
        raise click.UsageError("Give --ties or --email, not both (analyse each network on its own).")
    _check_window_options(opts, bool(email_paths))
    with steps(["reading and measuring", "writing"]) as progress:
        roster = _read_roster(opts)
        read_ties = _read_ties(opts, roster) if opts["ties_path"] or not (email_paths or ratings_path) else None
        done = run_analysis(roster, read_ties, email_paths=email_paths,
                            email_options=_email_options(opts) if email_paths else None,
                            ratings_path=ratings_path, scale_path=scale_path, by=by or opts["unit_column"],
                            tie_rule=opts["tie_rule"], seed=seed, permutations=permutations,
                            exact_betweenness_limit=exact_betweenness_limit, betweenness_samples=betweenness_samples,
                            key=read_key_file(opts["key_path"]) if opts.get("key_path") else None,
                            min_group_size=opts.get("min_group_size"), unit_type_column=unit_type_column)
        roster, ties, graph, result, ratings, email = (done.roster, done.ties, done.graph, done.measurement,
                                                       done.ratings, done.email)
        progress.advance("writing")
        notes: list[str] = []

        def store_wave() -> None:  # once the report is written, before it replaces the earlier one
            with open_history(history_path) as history:
                history.store(wave, result, graph, replace=replace,
                              inputs={"roster": opts["roster_path"], "ties": list(opts["ties_path"]),
                                      "email": list(email_paths)})

        paths = write_report(result, graph, out_dir, seed=seed, size_by=size_by, ratings=ratings, notes=notes,
                             inputs=read, _before_swap=store_wave if wave is not None else None)
        progress.advance()
    for note in notes:
        click.echo(f"Note: {note}", err=True)
    merged = done.merged_units
    for warning in (*roster.warnings, *ties.warnings):
        click.echo(f"Warning: {warning}", err=True)
    for reason, count in ties.dropped.items():
        # (each email reason in its unit: recipient rows, messages, or pairs: "fewer than 2 messages (pairs)")
        noun = {"recipient row": "email recipient row", "message": "email message"}.get(
            left_out_unit(reason), left_out_unit(reason)) if email is not None else "tie row"
        click.echo(f"Note: {words.count(count, noun)} left out ({reason.removesuffix(' (pairs)')})", err=True)
    if merged:
        click.echo(f"Note: {words.count(len(merged), 'unit')} with fewer than the minimum group size merged", err=True)
    if email is not None:
        click.echo(f"Email: {_email_read_line(email)}; {_email_kept_line(email)}", err=True)
    if ties.shape != "none":
        click.echo(render_summary(result))
    if ratings is not None:
        from .report.ratings_page import rating_findings

        for line in rating_findings(ratings):
            click.echo(f"Ratings: {line}")
    click.echo(f"Report written to {out_dir}/: " + ", ".join(p.name for p in paths.values()))
    if wave is not None:
        click.echo(f"Stored as wave {wave} in {history_path}.")


@cli.command("map")
@roster_options
@ties_options
@click.option("--by", default=None, help="Roster column whose units are measured (default: the department column).")
@click.option("--unit", "unit", default=None, help="Show one unit and everyone its people have a tie with.")
@click.option("--person", "person", default=None, help="Show one person's ego network (their roster id).")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The map file to write (.html).")
@click.option("--size-by", type=click.Choice(list(SIZE_BY_CHOICES)), default="degree", show_default=True,
              help="What the size of a person on the map shows.")
@click.option("--seed", default=1, show_default=True, type=click.IntRange(MINIMUM["seed"]),
              help="Seed of the layout and of the metrics' random steps.")
@_handle_errors
def map_command(by, unit, person, out_path, size_by, seed, **opts):
    """Write one person map: the whole network, one unit with its neighbours, or one person's ego network.

    \b
    Examples:
      ona map --roster roster.xlsx --ties ties.xlsx --unit "Finance" --out finance.html
      ona map --roster roster.xlsx --ties ties.xlsx --person E0116 --out e0116.html
    """
    from .graph import build_graph
    from .metrics import measure
    from .report import write_map
    from .report.html_map import NOT_SHOWN, check_focus, focus

    from ._files import check_inputs_kept

    if unit is not None and person is not None:
        raise click.UsageError("Give --unit or --person, not both.")
    check_inputs_kept([out_path], {"roster": opts["roster_path"], "tie file": list(opts["ties_path"]),
                                   "weight labels file": opts["weight_labels"]},
                      what="the map", fix="name another file with --out")
    from .ingest.ties import one_row_per_pair

    roster = _read_roster(opts)
    ties = _read_ties(opts, roster)
    if by is not None:  # (its blanks and spellings read as analyze reads them, with their warnings)
        roster = roster.measured_by(by)
    graph = build_graph(roster, ties, tie_rule=opts["tie_rule"])
    check_focus(graph, by or opts["unit_column"], unit=unit, person=person)  # (a misspelt unit: no measuring first)
    result = measure(graph, by=by or opts["unit_column"], seed=seed, permutations=0, skip=NOT_SHOWN)
    path = write_map(graph, result, out_path, seed=seed, size_by=size_by, unit=unit, person=person)
    if unit is not None or person is not None:
        graph = focus(graph, result, unit=unit, person=person)[0]  # (the people and ties the page shows)
    for warning in (*roster.warnings, *ties.warnings, *(one_row_per_pair(ties) if opts["tie_rule"] == "reported" else ())):
        click.echo(f"Warning: {warning}", err=True)  # (as analyze says them)
    click.echo(f"Map written to {path} ({words.count(graph.n, 'person', 'people')}, {words.count(graph.m, 'tie')}).")


@cli.command()
@roster_options
@ties_options
@click.option("--by", default=None, help="Roster column whose units are measured (checked that the roster has it).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON (for scripts): every problem.")
@click.option("--all-problems", "every", is_flag=True,
              help=f"Print every problem (by default the first {SHOWN_PER_CODE} of each code, then a count "
                   "of the rest).")
@_handle_errors
def validate(by, as_json, every, **opts):
    """Check a roster and tie files without analysing them; list every problem at once.

    Each problem names file, sheet, row and column, with a stable code and how to fix it. Of each
    code the first 10 are printed and the rest counted (--all-problems prints all; --json lists all).
    Exit status 1 when there are errors, 0 when there are only warnings.

    \b
    Example:
      ona validate --roster roster.xlsx --ties ties.xlsx
    """
    import json

    from .ingest import validate as validate_inputs

    report = validate_inputs(
        opts["roster_path"], list(opts["ties_path"]),
        roster_options={"sheet": opts["roster_sheet"], "id_column": opts["id_column"],
                        "name_column": opts["name_column"], "email_column": opts["email_column"],
                        "unit_column": opts["unit_column"], "header_row": opts["roster_header_row"],
                        **_text_format(opts, "roster")},
        ties_options=_tie_reading(opts),
        layer=opts["layer"], combine=opts["combine"], by=by, tie_rule=opts["tie_rule"])
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
    else:
        for line in problem_lines(report.problems, every=every, hint="--all-problems prints every one"):
            click.echo(line)
        for line in report.read_lines():
            click.echo(f"Read: {line}")
        click.echo(report.summary())
    sys.exit(0 if report.valid else 1)


@cli.command()
@roster_options
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The survey workbook to write (.xlsx).")
@click.option("--question", "questions", multiple=True,
              help="A survey question; repeat for several (each becomes a layer).")
@click.option("--ratings", "ratings", is_flag=True,
              help="Write a unit-rates-unit questionnaire (each respondent rates the units) instead.")
@_handle_errors
def template(out_path, questions, ratings, **opts):
    """Write a survey workbook for the roster's people, with drop-down lists.

    Respondents pick their own name, each colleague and a frequency 1-5. A filled-in copy is read
    by `ona analyze --ties` with no options.

    With --ratings: a questionnaire in which each respondent rates the units (neutral questions of
    ona's own wording), read back by `ona analyze --ratings` with no options.

    \b
    Examples:
      ona template --roster roster.xlsx --out survey.xlsx
      ona template --roster roster.xlsx --ratings --out ratings.xlsx
    """
    from .ingest import write_survey_template
    from .ingest.template import write_ratings_template

    if out_path.suffix.lower() != ".xlsx":
        raise click.BadParameter("the survey is an Excel workbook: name it .xlsx", param_hint="--out")
    roster = _read_roster(opts)
    if ratings:
        write_ratings_template(roster, out_path, unit_column=opts["unit_column"], questions=list(questions) or None)
        click.echo(f"Ratings questionnaire for {words.count(len(roster), 'person', 'people')} written to {out_path}")
        return
    write_survey_template(roster, out_path, questions=list(questions) or None)
    click.echo(f"Survey template for {words.count(len(roster), 'person', 'people')} written to {out_path}")


@cli.command("history")
@click.option("--history", "history_path", default="ona-history.db", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path), help="The history file.")
@_handle_errors
def history_command(history_path):
    """List the stored waves with their headline figures."""
    from .history import open_history

    if not history_path.exists():
        raise OnaError(f"{history_path.name}: no such history file; store a wave with "
                       "`ona analyze ... --wave LABEL --history FILE` or `ona run`")
    with open_history(history_path, read_only=True) as history:
        waves = history.waves()
    if not len(waves):
        click.echo("No waves stored yet.")
        return
    click.echo(f"{'wave':<10} {'stored':<20} {'people':>7} {'ties':>7} {'units':>6} {'across':>7} {'E-I':>6} "
               f"{'modularity':>10}  {'by':<14} {'tie rule':<12} pseudonyms")
    for w in waves.itertuples():
        click.echo(f"{str(w.wave):<10} {w.stored_at[:16].replace('T', ' '):<20} {int(w.people):>7,} {int(w.ties):>7,} "
                   f"{int(w.units):>6,} {_pct(w.cross_unit_share):>7} {_num(w.ei_index):>6} {_num(w.modularity):>10}  "
                   f"{str(w.unit_column or ''):<14} {str(w.tie_rule):<12} {'yes' if w.pseudonymized else 'no'}")


@cli.command("compare")
@click.argument("before")
@click.argument("after")
@click.option("--history", "history_path", default=None, type=click.Path(dir_okay=False, path_type=Path),
              help="The history file (default: the config's history with --config, else ona-history.db).")
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path),
              help="Folder for compare.html and compare.xlsx.")
@click.option("--config", "config_path", default=None, type=click.Path(dir_okay=False, path_type=Path),
              help="ona.toml whose [units] section maps renamed or merged units.")
@click.option("--bootstraps", default=None, type=click.IntRange(MINIMUM["bootstraps"]),
              help=f"Resamples behind 'meaningful' (default 500; at least {MIN_BOOTSTRAPS}, or 0 to test no change).")
@click.option("--seed", default=None, type=click.IntRange(MINIMUM["seed"]), help="Seed of the resampling (default 1).")
@_handle_errors
def compare_command(before, after, history_path, out_dir, config_path, bootstraps, seed):
    """Compare two stored waves: org and unit figures, unit density change, ties kept, new and lost,
    people whose role changed; write compare.html and compare.xlsx.

    With --config, the waves are those of the config's history (its `history`, as `ona run` stores
    them) unless --history names another, and compare.html links to their reports.

    \b
    Example:
      ona compare 2024 2025 --history ona-history.db --out compare/
    """
    from .compare import compare_waves, is_meaningful
    from .config import read_config
    from .history import open_history
    from .report.compare_page import write_comparison

    from ._files import check_inputs_kept, same_file

    if bootstraps is not None and 0 < bootstraps < MIN_BOOTSTRAPS:
        raise click.BadParameter(BOOTSTRAPS_RULE, param_hint="--bootstraps")
    config = read_config(config_path) if config_path else None
    settings = config.compare if config else {}
    if history_path is None:  # the history `ona run` stores the config's waves in
        history_path = config.history_path if config else Path("ona-history.db")
    check_inputs_kept([out_dir / "compare.html", out_dir / "compare.xlsx"],
                      {"history": history_path, "config file": config_path},
                      what="the comparison's {name}", fix="choose another folder with --out")
    if not history_path.exists():
        raise OnaError(f"{history_path.name}: no such history file")
    with open_history(history_path, read_only=True) as history:
        earlier, later = history.load(before), history.load(after)
        # (a [units] entry naming a unit in no stored wave is a warning naming its line of ona.toml)
        comparison = compare_waves(earlier, later, mapping=config.units if config else None,
                                   mapping_where=config.units_where if config else None,
                                   bootstraps=bootstraps if bootstraps is not None else settings.get("bootstraps", 500),
                                   seed=seed if seed is not None else settings.get("seed", 1))
        for warning in comparison.warnings:  # (compare.html shows them all at its top)
            click.echo(f"Warning: {warning}", err=True)
        # the links to the waves' reports: those `ona run` wrote for the config's own history only
        reports = ({str(w): config.out_dir(w) for w in (before, after)}
                   if config and same_file(history_path, config.history_path) else None)
        paths = write_comparison(comparison, out_dir, waves=history.waves(), reports=reports)
    meaningful = [k for k, r in comparison.org.iterrows() if is_meaningful(r["meaningful"])]
    units = [u for u, r in comparison.units.iterrows() if is_meaningful(r["ei_change_meaningful"])]
    if comparison.parameters["bootstraps"] == 0:
        click.echo(f"{before} -> {after}: no change tested against re-sampling noise (0 resamples)")
    else:
        click.echo(f"{before} -> {after}: meaningful change in "
                   + (", ".join(meaningful) if meaningful else "no org figure")
                   + (f"; unit E-I of {', '.join(units)}" if units else ""))
    click.echo(f"Comparison written to {out_dir}/: " + ", ".join(p.name for p in paths.values()))


@cli.command("run")
@click.argument("config_path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--wave", required=True, help="The wave of the config to run (e.g. 2025).")
@click.option("--replace", is_flag=True, help="Store the wave again if it is already in the history.")
@click.option("--no-history", is_flag=True, help="Write the report only; do not store the wave.")
@_handle_errors
def run_command(config_path, wave, replace, no_history):
    """Run one wave of the measurement described in ona.toml and store it in the history.

    \b
    Example:
      ona run ona.toml --wave 2025
    """
    from .config import read_config, run_wave

    config = read_config(config_path)
    with steps(["reading, measuring and writing"]) as progress:
        done = run_wave(config, wave, replace=replace, store=not no_history)
        progress.advance()
    for warning in (*done["roster"].warnings, *done["ties"].warnings):
        click.echo(f"Warning: {warning}", err=True)
    for note in done["notes"]:
        click.echo(f"Note: {note}", err=True)
    result = done["measurement"]
    click.echo(render_summary(result))
    click.echo(f"Report written to {config.out_dir(wave)}/: index.html and more")
    if done["history"]:
        click.echo(f"Stored as wave {wave} in {done['history']}.")


@cli.command("init")
@roster_options
@ties_options
@click.option("--wave", default="2025", show_default=True, help="Label of the first wave.")
@click.option("--out", "out_path", default="ona.toml", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path), help="The config file to write.")
@_handle_errors
def init_command(wave, out_path, **opts):
    """Write a commented starter ona.toml for the inputs shown (the roster is read to find its unit column).

    Paths are written relative to the folder of the config (with ../ for inputs outside it), with
    forward slashes (which ona reads on every system). The roster and ties options given are written into it, so that `ona run`
    reads the files the same way."""
    import shlex

    from ._files import atomic_write
    from .config import starter_config

    from ._arguments import label_problem

    if wrong := label_problem(wave):
        raise click.BadParameter(wrong, param_hint="--wave")
    if out_path.exists():
        raise OnaError(f"{out_path.name}: already exists; remove it or choose another --out")
    from .ingest.ties import read_weight_labels, tie_window

    tie_window(opts["ties_since"], opts["ties_until"])  # (a window that is no date: refused before it is written)
    read_weight_labels(opts["weight_labels"])
    from ._files import relative_path

    roster = _read_roster(opts)

    def relative(p: Path) -> str:  # (relative to the config's folder, so that the project folder can move)
        return relative_path(p, out_path.resolve().parent)

    by = roster.unit_columns[-1] if roster.unit_columns else None
    with atomic_write(out_path) as handle:
        handle.write(starter_config(
            relative(opts["roster_path"]), [relative(t) for t in opts["ties_path"]], by=by, wave=wave,
            columns={key: opts[f"{key}_column"] for key in ("id", "name", "email", "unit", "source", "target",
                                                             "weight", "date")},
            measurement={"delimiter": opts["delimiter"], "encoding": opts["encoding"],
                         "tie_rule": opts["tie_rule"], "layer": opts["layer"],
                         "combine": opts["combine"] if opts["combine"] != "sum" else None,
                         "ties_format": opts["ties_format"], "drop_unknown": opts["drop_unknown"],
                         "repeats": opts["repeats"] if opts["repeats"] != "max" else None,
                         "date_order": opts["date_order"],
                         "weight_labels": relative(opts["weight_labels"]) if opts["weight_labels"] else None},
            wave_options={key: opts[key] for key in ("roster_sheet", "ties_sheet", "roster_header_row",
                                                      "ties_header_row", "roster_encoding", "roster_delimiter",
                                                      "ties_encoding", "ties_delimiter", "ties_since",
                                                      "ties_until")}))
    click.echo(f"Wrote {out_path}; run the wave with: ona run {shlex.quote(str(out_path))} --wave {shlex.quote(wave)}")


@cli.command("email")
@click.argument("exports", nargs=-1, required=True)
@click.option("--roster", "roster_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Roster (.xlsx or .csv) whose email or id column names the people (not needed for group-to-group data).")
@click.option("--id-column", default=None, help="Roster column with the person id.")
@click.option("--email-column", default=None, help="Roster column with the email address.")
@click.option("--unit-column", default=None, help="Roster column with the unit.")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Tie table to write: .csv, .parquet or .xlsx.")
@email_options
@DATE_ORDER_OPTION
@_handle_errors
def email_command(exports, roster_path, id_column, email_column, unit_column, out_path, **opts):
    """Aggregate email exports into a tie table: one row per sender -> recipient pair with its weight,
    people named by their roster id. Bodies and subjects are never read.

    \b
    Example:
      ona email mail-2025-*.csv --roster roster.xlsx --out ties.csv
    """
    from .ingest import read_roster
    from .ingest.email import read_email, read_key_file

    suffix = out_path.suffix.lower()
    if suffix not in (".csv", ".parquet", ".xlsx"):
        raise click.BadParameter("the tie table is written as .csv, .parquet or .xlsx", param_hint="--out")
    roster = read_roster(roster_path, id_column=id_column, email_column=email_column, unit_column=unit_column) \
        if roster_path else None
    key = read_key_file(opts["key_path"]) if opts.get("key_path") else None
    result = read_email(list(exports), roster, _email_options(opts), pseudonymize_key=key, out=out_path,
                        min_group_size=opts.get("min_group_size"))
    # The summary is notes, on stderr as `ona analyze` writes its notes: the data is the file.
    for warning in result.warnings:
        click.echo(f"Warning: {warning}", err=True)
    if set(result.formats) == {"viva-g2g"}:
        click.echo(f"Read {words.count(result.rows_read, 'row')} of group-to-group data (viva-g2g) with "
                   f"{result.engine}: a unit-level network only (units, not people), "
                   f"{words.count(result.pairs, 'unit pair')}.", err=True)
        for reason, count in sorted(result.excluded.items()):
            click.echo(f"Left out: {words.count(count, 'row')} ({reason})", err=True)
    else:
        click.echo(f"Read {_email_read_line(result)}.", err=True)
        rows = _email_row_noun(result)
        units = ("message", "recipient row", "sender -> recipient pair")
        for reason, count in sorted(result.excluded.items(), key=lambda item: (units.index(left_out_unit(item[0])),
                                                                                item[0])):
            noun = rows if left_out_unit(reason) == "recipient row" else left_out_unit(reason)
            click.echo(f"Left out: {words.count(count, noun)} ({reason.removesuffix(' (pairs)')})", err=True)
        click.echo(f"Kept: {_email_kept_line(result)}.", err=True)
        for what, count in result.externals.items():
            if count:  # ("external senders": the outside nodes among the kept pairs' ends)
                click.echo(f"Kept: {words.count(count, what.removesuffix('s'))} ({opts['external']})", err=True)
    click.echo(f"Tie table written to {out_path}", err=True)


def _email_row_noun(result) -> str:
    """What one row of the exports is: a recipient row, or a row of a Viva Insights person-to-person
    export (a pair's score)."""
    return "row" if set(result.formats) == {"viva-p2p"} else "recipient row"


def _email_read_line(result) -> str:
    """What was read, each count in its unit: "12 messages, 20 recipient rows (log) with DuckDB ..."."""
    formats = ", ".join(sorted(set(result.formats)))
    rows = words.count(result.rows_read, _email_row_noun(result))
    read = rows if _email_row_noun(result) == "row" else f"{words.count(result.messages_read, 'message')}, {rows}"
    return f"{read} ({formats}) with {result.engine}"


def _email_kept_line(result) -> str:
    """What the tie table holds: "18 recipient rows in 9 sender -> recipient pairs"."""
    return (f"{words.count(result.kept_rows, _email_row_noun(result))} in "
            f"{words.count(result.pairs, 'sender -> recipient pair')}")


def main() -> None:  # pragma: no cover - console entry
    cli(prog_name="ona")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
