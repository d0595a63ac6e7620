"""One measurement from inputs already located: the steps `ona analyze` and `ona run` share.

Read the ties (a tie file, email exports, or none when only ratings are given), read the rating
responses against the roster as given, apply the privacy settings to all of them, build the
network, measure it and, with ratings, measure those beside it. Writing the report and storing the
wave are left to the caller.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .graph import OrgGraph, build_graph
from .ingest.roster import Roster
from .ingest.ties import TieTable
from .metrics import EXACT_LIMIT, SAMPLES, Measurement, measure

__all__ = ["Analysis", "analyze", "privacy_parameters"]

@dataclass
class Analysis:
    roster: Roster
    ties: TieTable
    graph: OrgGraph
    measurement: Measurement
    ratings: object | None = None        # metrics.ratings.RatingsResult
    email: object | None = None          # ingest.email.EmailResult
    merged_units: list[str] = field(default_factory=list)


def email_parameters(options) -> dict:
    """The email rules a measurement used, as its report states them (docs/email.md): what a tie's
    weight is and every setting. Exclusion patterns are counted, not repeated (one may hold an
    address). ``options`` None: the defaults."""
    from .ingest.email import EmailOptions

    options = options or EmailOptions()
    weight = ("messages: each adds 1 split over its recipients" if options.weight == "split"
              else "messages: each adds 1 per recipient")
    if options.cc_weight != 1:
        weight += f", a Cc recipient {options.cc_weight:g}"
    return {"weight": weight, "email_rules": {
        "external": options.external, "max_recipients": options.max_recipients, "weight": options.weight,
        "cc_weight": options.cc_weight, "since": options.since, "until": options.until,
        "min_messages": options.min_messages, "reciprocal": options.reciprocal,
        "exclude": f"{len(options.exclude)} pattern{'s' if len(options.exclude) != 1 else ''}"
                   if options.exclude else "none",
        "aliases": Path(options.aliases).name if options.aliases else None, "engine": options.engine,
        "date_order": options.date_order or "detected"}}


def privacy_parameters(pseudonymized: bool, min_group_size: int | None, merged_units: list[str],
                       people_hidden: int = 0, *, merged_into: dict | None = None) -> dict:
    """The privacy rules a measurement ran under, as its report states them: whether every identity
    was pseudonymised (never the key), the minimum group size (None: no minimum), how many of the
    measured units were under it and merged, and how many people's other columns were hidden
    because their combination was rarer than the minimum (see ``hide_rare_combinations``). With
    ``merged_into`` (each merged unit of the measured column -> the group it merged into), when any
    unit merged, also ``small_units``: each group and the units it holds (unit names, no person), so that a comparison
    can tell a "Small units (< 5)" of other units the next year from the same group."""
    groups: dict[str, list[str]] = {}
    for unit, group in sorted((merged_into or {}).items()):
        groups.setdefault(str(group), []).append(str(unit))
    return {"pseudonymized": pseudonymized, "min_group_size": min_group_size,
            "small_units_merged": len(merged_units), "people_hidden": people_hidden,
            **({"small_units": groups} if groups else {})}


def analyze(roster: Roster, ties: TieTable | None = None, *, email_paths=(), email_options=None,
            ratings_path: str | Path | None = None, scale_path: str | Path | None = None, by: str | None = None,
            tie_rule: str = "reported", seed: int = 1, permutations: int = 1000,
            exact_betweenness_limit: int = EXACT_LIMIT, betweenness_samples: int = SAMPLES,
            key: bytes | None = None, min_group_size: int | None = None,
            unit_type_column: str | None = None, spark=None) -> Analysis:
    """Measure ``roster`` with ``ties`` (a read tie file), or with ``email_paths`` (aggregated with
    ``email_options``; ``spark``: a SparkSession to aggregate on), or with no ties at all; ``ratings_path`` adds a
    rating survey. With ``key`` every identity is pseudonymised and the roster keeps only its unit columns, ``by``
    and (with ratings) the unit-type column; units under ``min_group_size`` (default 5 with a key) merge, in
    the unit columns and in ``by``. The measurement's parameters say so (:func:`privacy_parameters`)."""
    from .ingest.email import apply_privacy

    if by is not None:  # before any tie is read: a unit column whose cells show #N/A (excel-error) stops here
        column = roster.column(by)
        if key is not None:
            _check_pseudonymised_by(roster, column)
        if column != roster.id_column:
            roster.check_cells(column)
        roster = roster.measured_by(column)  # (--by Role: its blanks and spellings read as a unit column's)
    email = None
    if email_paths:
        from .errors import OnaError
        from .ingest.email import read_email

        email = read_email(list(email_paths), roster, email_options, spark=spark)
        if email.unit_level is not None:
            raise OnaError("group-to-group Viva Insights data gives a unit-level network only; "
                           "use `ona email` to write its unit table")
        roster, ties = email.roster, email.ties
    elif ties is None:
        ties = TieTable.empty()
    elif tie_rule == "reported":  # (a co-work list of one row per pair, read as one-way ties: say so)
        from dataclasses import replace

        from .ingest.ties import one_row_per_pair

        ties = replace(ties, warnings=(*ties.warnings, *one_row_per_pair(ties)))
    responses = None
    if ratings_path:  # read against the roster as given, before any pseudonyms
        from .ingest.ratings import read_ratings, read_scale

        responses = read_ratings(ratings_path, roster, by=by, scale=read_scale(scale_path))
    type_column = (unit_type_column or _unit_type_column(roster)) if responses is not None else None
    if key is not None:
        from .ingest.email import PSEUDONYMIZED_MIN_GROUP_SIZE

        min_group_size = min_group_size or PSEUDONYMIZED_MIN_GROUP_SIZE
    before_privacy = roster
    roster, ties, id_map, unit_map, small_units, people_hidden = apply_privacy(
        roster, ties, key=key, min_group_size=min_group_size, by=by, keep=(type_column,) if type_column else ())
    if responses is not None and (id_map or unit_map):
        from .ingest.ratings import relabel

        responses = relabel(responses, id_map, unit_map)
    if key is not None and by is not None:
        roster = _warn_units_shown_as_written(roster, by, before_privacy)
    graph = build_graph(roster, ties, tie_rule=tie_rule)
    result = measure(graph, by=by, seed=seed, permutations=permutations,
                     exact_betweenness_limit=exact_betweenness_limit, betweenness_samples=betweenness_samples)
    if email is not None:
        result.parameters.update(email_parameters(email_options))
    result.parameters.update(privacy_parameters(key is not None, min_group_size, small_units, people_hidden,
                                                merged_into=unit_map))
    ratings = None
    if responses is not None:
        from .metrics.ratings import measure_ratings

        ratings = measure_ratings(responses, min_group_size=min_group_size or 5, measurement=result, graph=graph,
                                  type_column=unit_type_column)
        result.extra.update(ratings.tables())
    return Analysis(roster=roster, ties=ties, graph=graph, measurement=result, ratings=ratings, email=email,
                    merged_units=small_units)


def _unit_type_column(roster: Roster) -> str | None:
    """The roster column the rating measures take as the unit type (line/support) when none is named."""
    from .metrics.ratings import unit_type_column

    return unit_type_column(roster.people.columns)


def _check_pseudonymised_by(roster: Roster, column: str) -> None:
    """Refuse to measure a pseudonymised report by the roster's name or email column: pseudonymisation
    replaces those, and units named by them would publish every person's name or address."""
    from .errors import InputError, Problem

    role = {roster.name_column: "name", roster.email_column: "email"}.get(column) if column else None
    if role is None:
        return
    others = [c for c in roster.unit_columns if c not in (roster.name_column, roster.email_column)]
    raise InputError([Problem(
        "pseudonymised-unit-column",
        f"cannot measure by {column!r} with --pseudonymize: it is the roster's {role} column, which "
        "pseudonymisation replaces (units named by it would publish every person's " +
        ("name" if role == "name" else "address") + "); measure by a unit column"
        + (", such as " + ", ".join(repr(c) for c in others) if others else ""),
        path=roster.path, sheet=roster.sheet, row=roster.header_row, column=column)])


def _warn_units_shown_as_written(roster: Roster, by: str, given: Roster) -> Roster:
    """``roster`` with a warning that the measured column's values are the unit labels of every output,
    as the roster writes them, when ``by`` names a column that is not one of the roster's unit columns
    (``--by Manager``: pseudonymisation replaces names, addresses and ids, not what such a column
    holds); with the number of its values that are the name, address or id of someone in the roster
    (``given``, before pseudonymisation). No value is repeated."""
    from dataclasses import replace

    from .errors import Problem
    from .ingest.roster import fold_text

    column = given.column(by)
    if column in given.unit_columns:
        return roster
    people = given.people
    known = set(map(fold_text, people.index))
    for identity in (given.name_column, given.email_column):
        if identity:
            known |= set(map(fold_text, people[identity].astype(str)))
    values = {fold_text(v) for v in people[column].astype(str) if str(v).strip()}
    named = len(values & known)
    message = ("is measured (--by) under --pseudonymize: its values are the unit labels of every output (pages, "
               "maps, workbook, exports), as the roster writes them; pseudonymisation replaces names, addresses "
               "and ids only")
    if named:
        message += (f", and {named} of its values {'is' if named == 1 else 'are'} the name, address or id of "
                    "someone in the roster: measure by a unit column instead")
    warning = Problem("units-shown-as-written", message, path=given.path, sheet=given.sheet,
                      row=given.header_row, column=column, severity="warning")
    return replace(roster, warnings=(*roster.warnings, warning))
