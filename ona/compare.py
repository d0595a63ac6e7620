"""Wave-to-wave comparison: what changed between two stored measurements, and whether it is more
than re-sampling noise.

Units are compared under a *unit mapping* (old label -> new label) that carries renames and
mergers through: the earlier wave's people are relabelled, and every unit figure is recomputed
from the stored people and ties of both waves, so a merged unit is compared as a whole. Every
figure of the earlier wave that depends on the units (cross-unit share, E-I, number of units,
modularity, agreement of units and communities, boundary spanners and brokers) is re-measured under
the later wave's units, so it can differ from the earlier wave's own report.

Meaningful change (documented in docs/metrics.md, "wave comparison"): the respondents of each wave
are resampled with replacement ``bootstraps`` times (each resampled respondent brings all the
ties they reported; Snijders & Borgatti 1999), the org and unit E-I and the cross-unit share are
recomputed, and the change after - before is taken over independent resamples of the two waves.
A change is flagged meaningful when its 95% percentile interval excludes zero.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._arguments import BOOTSTRAPS_RULE, MIN_BOOTSTRAPS, check_minimum, check_type
from .errors import InputError, Problem
from .history import HEADLINE, StoredWave

__all__ = ["Comparison", "compare_waves", "comparability", "unit_figures", "is_meaningful", "unknown_units",
           "BROKER_SHARE", "OTHER_UNITS"]

#: The status of a unit in a comparison whose name stands for other units in the two waves: a group
#: of small units ("Small units (< 5)") holding Legal and Press one year, Audit and Press the next.
#: Beside "both" (the unit is in both waves), "new" and "gone".
OTHER_UNITS = "other units"

# A person counts as a broker in a wave when their brokerage count is in the wave's top decile
# (and above zero); boundary spanners follow the rule stored with the wave.
BROKER_SHARE = 0.10


@dataclass
class Comparison:
    before: str
    after: str
    org: pd.DataFrame
    units: pd.DataFrame
    unit_pairs: pd.DataFrame
    people: pd.DataFrame
    mapping: dict = field(default_factory=dict)
    parameters: dict = field(default_factory=dict)
    ratings: pd.DataFrame | None = None
    #: What makes the two waves less comparable than they look (see :func:`comparability`), one sentence each.
    warnings: list[str] = field(default_factory=list)
    #: False when no person is in both waves (a pseudonymised wave and a plain one): ties kept, new and
    #: lost are then missing (NaN) and no role change is listed.
    people_matched: bool = True

    def frames(self) -> dict[str, pd.DataFrame]:
        frames = {"Org": self.org, "Units": self.units, "Unit pairs": self.unit_pairs, "People": self.people}
        if self.ratings is not None:
            frames["Ratings"] = self.ratings
        if self.warnings:
            frames["Warnings"] = pd.DataFrame({"warning": self.warnings})
        return frames


def is_meaningful(value) -> bool:
    """True where a comparison flagged a change as meaningful (False for no, or not tested)."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return False
    return bool(value)


def _units_of(wave: StoredWave, mapping: dict | None, later: pd.Series | None = None) -> pd.Series:
    """People's units under the mapping. A unit mapped to one name is renamed or merged; a unit
    mapped to a list of names was split: each of its people takes the unit they are in in the
    later wave when it is one of those names, and keeps the old name otherwise."""
    units = wave.measurement.people["unit"].astype(str)
    mapping = mapping or {}
    out = []
    for pid, u in units.items():
        new = mapping.get(u, u)
        if isinstance(new, (list, tuple)):
            now = later.get(str(pid)) if later is not None else None
            new = now if now in new else u
        out.append(new)
    return pd.Series(out, index=units.index.astype(str), dtype=object)


def _minimum_group_size(before: StoredWave, after: StoredWave) -> int | None:
    """The larger minimum group size of two waves' privacy rules (None when neither has one)."""
    sizes = [w.measurement.parameters.get("min_group_size") for w in (before, after)]
    return max((int(n) for n in sizes if n), default=None)


def _merge_small(units: pd.Series, minimum: int) -> tuple[pd.Series, dict[str, str]]:
    """People's units with the units under ``minimum`` people merged as the measurement merges them
    (:func:`ona.ingest.email.small_unit_names`): a unit mapping can make a small unit of a large one
    (a split gives each new unit only the earlier people who went there), and no unit figure may
    describe fewer people than the waves' minimum group size. Also each unit merged -> its group."""
    from .ingest.email import small_unit_names

    merged = small_unit_names(units.value_counts(), minimum)
    return (units.map(lambda u: merged.get(u, u)) if merged else units), merged


# The name of a group of small units (ona.ingest.email.small_unit_names): "Small units (< 5)", or
# "Alpha and small units (< 5)" when a unit of the minimum size joined them.
_SMALL_GROUP = re.compile(r"(?:.+ and s|S)mall units \(< [0-9]+\)")


def _small_groups(wave: StoredWave, merged: dict[str, str], mapping: dict) -> dict[str, frozenset | None]:
    """The groups of small units of a wave, each with the units it holds: those the measurement merged
    (``parameters["small_units"]``, their names under the unit ``mapping``) and those the comparison
    merged (``merged``: unit -> group, from :func:`_merge_small`; a group merged again brings its units).
    None for a group whose units the wave did not record (stored by an earlier ona)."""
    parameters = wave.measurement.parameters
    recorded = parameters.get("small_units")

    def renamed(unit: str) -> str:  # (a unit that was split keeps its name: its people went several ways)
        new = mapping.get(unit, unit)
        return new if isinstance(new, str) else unit

    groups: dict[str, frozenset | None] = {str(group): frozenset(renamed(str(u)) for u in units)
                                           for group, units in (recorded or {}).items()}
    if recorded is None and parameters.get("small_units_merged"):
        groups.update({unit: None for unit in wave.measurement.people["unit"].dropna().astype(str).unique()
                       if _SMALL_GROUP.fullmatch(unit)})
    for unit, group in merged.items():
        members = groups[unit] if unit in groups else frozenset([unit])
        if members is None or groups.get(group, frozenset()) is None:
            groups[group] = None
        else:
            groups[group] = groups.get(group, frozenset()) | members
    return groups


def _small_group_warnings(before: StoredWave, after: StoredWave, groups_before: dict, groups_after: dict,
                          units: pd.DataFrame) -> tuple[list[str], list[str]]:
    """One warning per group of small units in both waves that holds other units in the two waves,
    naming them (unit names, no person), or whose units a wave did not record; and the groups that
    hold other units (status :data:`OTHER_UNITS`, no one unit in both waves)."""
    warnings, differ = [], []
    for group in units.index[units["status"] == "both"]:
        b, a = groups_before.get(group, False), groups_after.get(group, False)
        if b is None or a is None:
            old = " and ".join(label for label, g in ((before.label, b), (after.label, a)) if g is None)
            warnings.append(f"{group!r} may hold other units in {before.label} and {after.label}: {old} "
                            f"{'do' if ' and ' in old else 'does'} not record which units it merged (stored by an "
                            f"earlier ona); store {old} again with --replace to compare them")
            continue
        if b == a or b is False and a is False:
            continue
        listed = {label: ", ".join(sorted(g)) if g else "no unit" for label, g in
                  ((before.label, b or frozenset()), (after.label, a or frozenset()))}
        warnings.append(f"{group!r} holds different units in {before.label} ({listed[before.label]}) and "
                        f"{after.label} ({listed[after.label]}): its figures describe the people of different "
                        f"units, so its row says {OTHER_UNITS!r} and its change is not tested")
        differ.append(group)
    return warnings, differ


def _mapping_between(mapping: dict, units_before: set[str], units_after: set[str]) -> dict:
    """The entries of a unit mapping that apply between two waves, with the earlier wave's units
    ``units_before`` and the later wave's ``units_after``.

    One mapping (ona.toml's ``[units]``) serves every pair of waves, so an entry is applied only
    where its change happened between the two: a rename or merger ``old = "new"`` when ``old`` is a
    unit of the earlier wave and no longer one of the later wave (comparing 2024 with 2025, a
    merger of 2026 does not apply: both units still exist in 2025). A rename is followed through
    later renames until it reaches a unit of the later wave (HR -> People & Culture in 2025 and
    People & Culture -> People in 2027 compare 2024's HR with 2027's People). A split
    ``old = ["new 1", "new 2"]`` applies whenever ``old`` is in the earlier wave: each person takes
    their later unit only when it is one of the new names, which leaves an unsplit unit as it was."""
    names = {str(k): (list(map(str, v)) if isinstance(v, (list, tuple)) else str(v)) for k, v in mapping.items()}
    applied = {}
    for old, new in names.items():
        if old not in units_before or old == new:
            continue
        if isinstance(new, list):
            applied[old] = new
            continue
        if old in units_after:
            continue
        seen = {old}
        while new not in units_after and isinstance(names.get(new), str) and new not in seen:
            seen.add(new)
            new = names[new]
        applied[old] = new
    return applied


def unknown_units(mapping: dict, units: set[str]) -> dict[str, str]:
    """The entries of a unit mapping that name a unit in none of ``units`` (the units of every stored
    wave), most likely misspelt: old name -> what is wrong. An old name found nowhere is never
    applied; a new name found nowhere leaves the old unit "gone" and no unit "formed from" it."""
    problems = {}
    for old, new in mapping.items():
        missing = [name for name in (new if isinstance(new, (list, tuple)) else [new]) if str(name) not in units]
        if str(old) not in units:
            problems[old] = f"unit {old!r} is in no stored wave, so this mapping is not used; check its spelling"
        elif missing:
            problems[old] = (f"unit {old!r} is mapped to {', '.join(map(repr, missing))}, in no stored wave; "
                             "check its spelling")
    return problems


# Measurement settings two waves must share for their figures to compare: (parameter, what it is).
_SAME_SETTINGS = (("unit_column", "unit column (by)"), ("tie_rule", "tie rule"), ("layers", "tie layers"),
                  ("layer_combination", "combination of layers"),
                  ("duplicate_pairs", "weight of a pair reported more than once (--repeats)"))
# How a warning of a setting that differs says to put it right.
_RERUN = "run the wave that has the wrong one again with --replace"


def _same_unit_column(pb: dict, pa: dict) -> bool:
    """Whether two waves (their parameters ``pb``, ``pa``) were measured by the same unit column: each
    by the column its roster offers as its unit column (no ``by`` given: ``unit_column_from`` is
    "roster"), whatever the header is called in that year's roster (``Department`` in 2024,
    ``Afdeling`` in 2025), at the same level (the department column, or the directorate column of a
    roster without one); else by headers that are the same apart from case and spacing, a wave's
    header being the column it stands for (``unit_column_as``: ona.toml's ``by``, when the wave's own
    ``columns`` gave the unit column under its header of that year). A wave stored before ona recorded
    ``unit_column_from`` is compared by its header."""
    from .ingest._columns import ALIASES
    from .ingest._tables import normalise_header

    headers = [normalise_header(p.get("unit_column_as") or p["unit_column"]) if p.get("unit_column") is not None
               else None for p in (pb, pa)]
    if pb.get("unit_column_from") == pa.get("unit_column_from") == "roster":
        return len({header in ALIASES["directorate"] for header in headers}) == 1
    return headers[0] == headers[1]


def _layer_setting(parameters: dict, label: str):
    """A wave's layers as two waves' settings are compared: the set of layer names, each with the
    wave's own label left out where it stands apart from other letters and digits (``advice-2024`` in
    wave 2024 is ``advice``, as ``advice-2025`` in 2025; ``survey2024`` keeps its name), and with the
    separators left around it folded; case and spacing do not count."""
    from .ingest._tables import normalise_header

    layers = parameters.get("layers")
    if not layers:
        return None
    label = str(label)
    before = r"(?<!\d)" if label[:1].isdigit() else r"(?<![^\W\d_])" if label[:1].isalpha() else ""
    after = r"(?!\d)" if label[-1:].isdigit() else r"(?![^\W\d_])" if label[-1:].isalpha() else ""
    names = set()
    for name in str(layers).split(", "):
        bare = re.sub(before + re.escape(label) + after, " ", name, flags=re.IGNORECASE)
        names.add(normalise_header(bare) or normalise_header(name))
    return frozenset(names)


def _setting(key: str, parameters: dict, label: str):
    """The value of setting ``key`` of a wave as comparability compares it (the layers: :func:`_layer_setting`)."""
    if key == "layers":
        return _layer_setting(parameters, label)
    return parameters.get(key)


def _people_in_both(before: StoredWave, after: StoredWave) -> pd.Index:
    """The ids (as text) of the people of both waves, whom the comparison follows from one wave to
    the next: empty when a pseudonymised wave meets a plain one."""
    return before.measurement.people.index.astype(str).intersection(after.measurement.people.index.astype(str))


def comparability(before: StoredWave, after: StoredWave) -> list[str]:
    """What makes two waves less comparable than they look, one sentence each, empty when nothing does.

    A setting of :data:`_SAME_SETTINGS` that differs (the units measured, the tie rule, the layers):
    a change can then come from the setting alone, so the wave measured by mistake is to be run again
    with the other's setting (``ona run ... --replace``). What does not count as a different setting:
    the spelling of the header of a roster's own unit column, when neither wave named one with ``by``
    (``Department`` in 2024, ``Afdeling`` in 2025: :func:`_same_unit_column`), case and spacing, and a
    wave's own label in its layer names (``advice-2024`` and ``advice-2025``: :func:`_layer_setting`).
    Layers that still differ are different questions, which running a wave again does not change: the
    warning says so, and re-running only for a wave that misses a tie file. People are matched across waves by their
    id: when no id is in both waves (one wave pseudonymised and the other not, or pseudonymised with
    different keys), ties kept, new and lost and role changes cannot be counted."""
    pb, pa = before.measurement.parameters, after.measurement.parameters
    problems = []
    for key, what in _SAME_SETTINGS:
        if (_same_unit_column(pb, pa) if key == "unit_column"
                else _setting(key, pb, before.label) == _setting(key, pa, after.label)):
            continue
        if key == "layers":  # (questions: which layers a wave has comes from its files, not from a setting)
            problems.append(f"{before.label} and {after.label} were measured on different questions: {what} "
                            f"{pb.get(key)!r} in {before.label}, {pa.get(key)!r} in {after.label}; a change can "
                            "come from the questions alone (only when a wave misses a tie file: add it to the wave "
                            "and run that wave again with --replace)")
            continue
        problems.append(f"{before.label} and {after.label} were measured with different settings: {what} "
                        f"{pb.get(key)!r} in {before.label}, {pa.get(key)!r} in {after.label}; a change can come "
                        f"from the setting alone: {_RERUN}")
    if _people_in_both(before, after).empty:
        secret_b, secret_a = bool(pb.get("pseudonymized")), bool(pa.get("pseudonymized"))
        why = (f"{before.label if secret_b else after.label} is pseudonymised and "
               f"{after.label if secret_b else before.label} is not" if secret_b != secret_a
               else "both are pseudonymised, with different keys" if secret_b else "no roster id is in both waves")
        problems.append(f"No person of {before.label} can be matched in {after.label} ({why}): ties kept, new and "
                        "lost and role changes are not counted; the unit and org figures still compare. To match "
                        "people, measure both waves pseudonymised with the same key, or neither")
    return problems


def unit_figures(units: pd.Series, edges: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Unit and unit-pair figures from people's units and the tie list.

    Units: headcount, ties inside, ties with other units (sent or received), E-I =
    (external - internal) / (external + internal). Pairs (ordered, different units): ties and
    density = ties / (size_a x size_b)."""
    source_unit = edges["source"].map(units)
    target_unit = edges["target"].map(units)
    known = source_unit.notna() & target_unit.notna()
    su, tu = source_unit[known], target_unit[known]
    inside = su == tu
    labels = sorted(set(units))
    headcount = units.value_counts().reindex(labels, fill_value=0)
    internal = su[inside].value_counts().reindex(labels, fill_value=0)
    external = (su[~inside].value_counts().reindex(labels, fill_value=0)
                + tu[~inside].value_counts().reindex(labels, fill_value=0))
    with np.errstate(invalid="ignore", divide="ignore"):
        ei = (external - internal) / (external + internal)
    unit_table = pd.DataFrame({"headcount": headcount, "internal_ties": internal, "external_ties": external,
                               "ei_index": ei.astype(float)})
    unit_table.index.name = "unit"
    pairs = pd.DataFrame({"from_unit": su[~inside], "to_unit": tu[~inside]}).value_counts().rename("ties")
    pairs = pairs.reset_index()
    pairs["density"] = pairs["ties"] / (headcount.reindex(pairs["from_unit"]).to_numpy()
                                        * headcount.reindex(pairs["to_unit"]).to_numpy())
    return unit_table, pairs


def _bootstrap(wave: StoredWave, units: pd.Series, labels: list[str], bootstraps: int,
               rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Resampled org cross-unit share, org E-I and unit E-I (rows: resamples)."""
    people = wave.measurement.people
    edges = wave.edges
    src_unit, tgt_unit = edges["source"].map(units), edges["target"].map(units)
    ok = (src_unit.notna() & tgt_unit.notna()).to_numpy()
    sources = edges["source"].to_numpy(dtype=object)[ok]
    cross = (src_unit != tgt_unit).to_numpy()[ok]
    code = {u: i for i, u in enumerate(labels)}
    su = np.array([code[u] for u in src_unit[ok]], dtype=np.int64)
    tu = np.array([code[u] for u in tgt_unit[ok]], dtype=np.int64)
    if "responded" in people and people["responded"].fillna(False).astype(bool).any():
        respondents = people.index[people["responded"].fillna(False).astype(bool)].astype(str)
    else:
        respondents = pd.Index(pd.unique(sources)).astype(str)
    position = pd.Series(np.arange(len(respondents)), index=respondents)
    src_pos = position.reindex(sources).to_numpy()
    resampled = ~np.isnan(src_pos)
    src_pos = np.where(resampled, src_pos, 0).astype(np.int64)
    k = len(labels)
    share = np.full(bootstraps, np.nan)
    unit_ei = np.full((bootstraps, k), np.nan)
    for b in range(bootstraps):
        counts = np.bincount(rng.integers(0, len(respondents), len(respondents)), minlength=len(respondents)) \
            if len(respondents) else np.zeros(0)
        w = np.where(resampled, counts[src_pos] if len(counts) else 0, 1).astype(float)
        total = w.sum()
        if total:
            share[b] = (w * cross).sum() / total
        internal = np.bincount(su[~cross], weights=w[~cross], minlength=k)
        external = np.bincount(su[cross], weights=w[cross], minlength=k) + np.bincount(tu[cross], weights=w[cross],
                                                                                        minlength=k)
        with np.errstate(invalid="ignore", divide="ignore"):
            unit_ei[b] = (external - internal) / (external + internal)
    return {"cross_unit_share": share, "ei_index": 2 * share - 1, "unit_ei": unit_ei}


def _interval(after: np.ndarray, before: np.ndarray) -> tuple[float, float]:
    diff = after - before
    diff = diff[~np.isnan(diff)]
    if len(diff) < MIN_BOOTSTRAPS:
        return math.nan, math.nan
    return float(np.percentile(diff, 2.5)), float(np.percentile(diff, 97.5))


def _brokers(people: pd.DataFrame) -> pd.Series:
    """Brokers of a wave: people in the top :data:`BROKER_SHARE` of brokerage across units (the
    roles that link another unit, :data:`~ona.metrics.brokerage.CROSS_UNIT_ROLES`), above 0.
    Coordinator roles stay inside one unit and do not count, as on index.html."""
    from .metrics.brokerage import CROSS_UNIT_ROLES

    total = people[[r for r in CROSS_UNIT_ROLES if r in people]].fillna(0).sum(axis=1)
    cut = total.quantile(1 - BROKER_SHARE) if len(total) else 0
    return (total >= cut) & (total > 0)


def _remeasure(wave: StoredWave, units: pd.Series) -> tuple[dict, pd.DataFrame]:
    """The unit-dependent figures of a stored wave re-measured from its people and ties under
    ``units`` (person id -> unit), with the definitions of :func:`ona.metrics.measure`: the org
    ``modularity`` (directed, weighted), ``unit_community_nmi`` (the wave's stored communities
    against these units, over the people with a tie) and ``boundary_spanners``; and per person the
    ``boundary_spanner`` flag and the brokerage roles (Gould & Fernandez, these units as groups)."""
    import igraph as ig

    from .graph import OrgGraph
    from .metrics import boundary_spanners, modularity
    from .metrics.brokerage import ROLES, brokerage_roles
    from .metrics.centrality import participation
    from .metrics.degree import degree_table
    from .metrics.partition import _agreement

    people = wave.measurement.people
    ids = people.index.astype(str)
    frame = pd.DataFrame({"unit": units.reindex(ids).fillna("(none)").astype(str).to_numpy()}, index=ids)
    position = pd.Series(np.arange(len(ids)), index=ids)
    edges = wave.edges
    src = position.reindex(edges["source"].astype(str)).to_numpy()
    tgt = position.reindex(edges["target"].astype(str)).to_numpy()
    ok = ~(np.isnan(src) | np.isnan(tgt))
    graph = OrgGraph(frame, src[ok].astype(np.int64), tgt[ok].astype(np.int64),
                     edges["weight"].to_numpy(dtype=float)[ok] if "weight" in edges else np.ones(int(ok.sum())))
    partition = graph.partition("unit")
    roles = degree_table(graph, partition).join(participation(graph, partition))
    roles["boundary_spanner"] = boundary_spanners(roles)
    roles = roles[["boundary_spanner"]].join(brokerage_roles(graph, partition)[[*ROLES, "brokerage_total"]])
    summary = {"modularity": modularity(graph, partition, directed=True, weighted=True),
               "boundary_spanners": int(roles["boundary_spanner"].sum())}
    if "community" in people:
        tied = people["community"].notna().to_numpy()
        summary["unit_community_nmi"] = _agreement(ig, partition.codes[tied],
                                                   people["community"].to_numpy()[tied].astype(np.int64), "nmi")
    return summary, roles


def _names(people: pd.DataFrame) -> pd.Series:
    """Person id -> name where the wave stored names (not in a pseudonymised wave), else empty."""
    if "name" not in people:
        return pd.Series(dtype=object)
    names = people["name"].where(people["name"].notna() & (people["name"].astype(str) != ""))
    names.index = names.index.astype(str)
    return names.dropna()


def _rating_change(before: StoredWave, after: StoredWave, mapping: dict) -> pd.DataFrame | None:
    """Per unit, when both waves hold unit ratings: how it rates the others, how the others rate it,
    and the gap between the two, in each wave, with the change of the gap (did it close?). A
    renamed unit is carried through the mapping; merged units are not averaged (left out)."""
    a, b = before.measurement.extra.get("rating_units"), after.measurement.extra.get("rating_units")
    if a is None or b is None:
        return None
    a = a.rename(index=lambda u: mapping.get(str(u), str(u)))
    a = a[~a.index.duplicated(keep=False)]
    cols = ["rates_others", "rated_by_others", "gap"]
    table = a[cols].add_suffix("_before").join(b[cols].add_suffix("_after"), how="inner")
    table["gap_change"] = table["gap_after"] - table["gap_before"]
    table["gap_closed"] = table["gap_after"].abs() < table["gap_before"].abs()
    table.index.name = "unit"
    return table


def _mapping_warnings(mapping: dict, before: StoredWave, after: StoredWave, where: dict | None) -> list[str]:
    """One warning per entry of the unit mapping that names a unit in no wave of the history the two
    waves were loaded from (:func:`unknown_units` against their ``history_units``, and their own
    units), each starting with where the entry is written: ``where[old]`` ("ona.toml, line 7"), else
    ``mapping['old']``, the entry of the dict a script passed."""
    known = {*before.history_units, *after.history_units,
             *(str(u) for wave in (before, after) for u in wave.measurement.people["unit"].dropna())}
    where = where or {}
    return [f"{where.get(old) or f'mapping[{old!r}]'}: {problem}"
            for old, problem in unknown_units(mapping, known).items()]


def compare_waves(before: StoredWave, after: StoredWave, *, mapping: dict | None = None, bootstraps: int = 500,
                  seed: int = 1, mapping_where: dict | None = None) -> Comparison:
    """Compare wave ``before`` with wave ``after`` (see the module docstring for the method).

    Both are :class:`~ona.history.StoredWave`, loaded from the history: ``history.load("2025")``.
    ``mapping`` is the unit mapping (ona.toml's ``[units]``: old name -> new name, or a list of new
    names for a split); an entry that names a unit in no wave of that history (most likely misspelt,
    see :func:`unknown_units`) is a warning, first in :attr:`Comparison.warnings`, which names the
    entry as ``mapping_where`` says where it is written ("ona.toml, line 7": ``Config.units_where``),
    else as ``mapping['old name']``. Under the larger minimum group size of the two waves
    (``[privacy] min_group_size``, 5 when pseudonymised) the units with fewer people, in either wave
    and under the mapping, are merged as the measurement merges them ("Small units (< 5)"), so that
    no unit figure describes fewer people. ``bootstraps`` is 0 (no change is tested: every ``meaningful``
    is None) or at least :data:`~ona._arguments.MIN_BOOTSTRAPS`, the fewest that give the interval."""
    for wave in (before, after):
        check_type(wave, StoredWave, "compare_waves(before, after) compares two stored waves: load them from the "
                   "history with open_history(path, read_only=True).load(label)")
    bootstraps, seed = check_minimum("compare_waves", bootstraps=bootstraps, seed=seed)
    if 0 < bootstraps < MIN_BOOTSTRAPS:  # (fewer would test nothing, and say "no meaningful change")
        raise InputError([Problem("bad-argument", f"compare_waves(bootstraps={bootstraps}): {BOOTSTRAPS_RULE}")])
    check_type(mapping if mapping is not None else {}, dict,
               "compare_waves(mapping=...) takes a dict of old unit name -> new name (a list of new names for a "
               "unit that was split)")
    mapping_warnings = _mapping_warnings(mapping or {}, before, after, mapping_where)
    mapping = _mapping_between(mapping or {}, set(before.measurement.people["unit"].astype(str)),
                               set(after.measurement.people["unit"].astype(str)))
    units_after = _units_of(after, None)
    units_before = _units_of(before, mapping, later=units_after)
    minimum = _minimum_group_size(before, after)
    merged_before, merged_after = {}, {}
    if minimum:  # (after the split above, which reads the later wave's own units)
        units_before, merged_before = _merge_small(units_before, minimum)
        units_after, merged_after = _merge_small(units_after, minimum)
    ub, pb = unit_figures(units_before, before.edges)
    ua, pa = unit_figures(units_after, after.edges)
    labels = sorted(set(ub.index) | set(ua.index))
    rng = np.random.default_rng(seed)
    boot_b = _bootstrap(before, units_before, labels, bootstraps, rng)
    boot_a = _bootstrap(after, units_after, labels, bootstraps, rng)

    rows = []
    sb, sa = dict(before.measurement.summary), dict(after.measurement.summary)
    # Under the unit mapping, the earlier wave's cross-unit share and E-I are recomputed with the
    # later wave's units, so that a merger does not show as a change in collaboration.
    for summary, table in ((sb, ub), (sa, ua)):
        total = table["internal_ties"].sum() + table["external_ties"].sum() / 2
        if total:
            summary["cross_unit_share"] = float(table["external_ties"].sum() / 2 / total)
            summary["ei_index"] = 2 * summary["cross_unit_share"] - 1
            summary["units"] = int((table["headcount"] > 0).sum())
    # So are its modularity, agreement with the communities, boundary spanners and brokers: every
    # figure of the earlier wave is on the later wave's units, none on its own.
    pb_people, pa_people = before.measurement.people, after.measurement.people
    own_units = pb_people["unit"].astype(str)
    own_units.index = own_units.index.astype(str)
    remeasured = bool((own_units.to_numpy() != units_before.reindex(own_units.index).to_numpy()).any())
    if remeasured:
        figures, pb_people = _remeasure(before, units_before)
        sb.update(figures)
    for key in HEADLINE:
        b, a = sb.get(key, math.nan), sa.get(key, math.nan)
        if b is None or a is None:
            continue
        low = high = math.nan
        if key in ("cross_unit_share", "ei_index"):
            low, high = _interval(boot_a[key], boot_b[key])
        rows.append({"metric": key, "before": b, "after": a, "change": a - b, "change_low": low,
                     "change_high": high, "meaningful": bool(low > 0 or high < 0) if not math.isnan(low) else None})
    org = pd.DataFrame(rows).set_index("metric")

    units = ub.add_suffix("_before").join(ua.add_suffix("_after"), how="outer")
    units["ei_change"] = units["ei_index_after"] - units["ei_index_before"]
    low_high = [_interval(boot_a["unit_ei"][:, i], boot_b["unit_ei"][:, i]) for i in range(len(labels))]
    units["ei_change_low"] = [lh[0] for lh in low_high]
    units["ei_change_high"] = [lh[1] for lh in low_high]
    units["ei_change_meaningful"] = [bool(lo > 0 or hi < 0) if not math.isnan(lo) else None for lo, hi in low_high]
    units["status"] = ["new" if pd.isna(r.headcount_before) or r.headcount_before == 0
                       else "gone" if pd.isna(r.headcount_after) or r.headcount_after == 0 else "both"
                       for r in units.itertuples()]
    merged_into = {}
    for old, new in mapping.items():
        for name in (new if isinstance(new, list) else [new]):
            merged_into.setdefault(name, []).append(old)
    units["formed_from"] = [", ".join(sorted(merged_into.get(u, []))) for u in units.index]

    pairs = pb.rename(columns={"ties": "ties_before", "density": "density_before"}).merge(
        pa.rename(columns={"ties": "ties_after", "density": "density_after"}), on=["from_unit", "to_unit"], how="outer")
    for col in ("ties_before", "ties_after"):
        pairs[col] = pairs[col].fillna(0).astype(int)
    for col in ("density_before", "density_after"):
        pairs[col] = pairs[col].fillna(0.0)
    pairs["density_change"] = pairs["density_after"] - pairs["density_before"]
    # A lost tie is counted where it was, between the earlier wave's units (under the mapping); a kept or
    # new tie where it is now, between the later wave's: each pair's ties after = kept + new, and its
    # ties before = kept + lost unless one of its people moved to another unit.
    kept = before.edges.merge(after.edges, on=["source", "target"], how="outer", indicator=True)
    lost = (kept["_merge"] == "left_only").to_numpy()
    for end, column in (("source", "from_unit"), ("target", "to_unit")):
        kept[column] = np.where(lost, kept[end].map(units_before), kept[end].map(units_after))
    kept = kept[kept["from_unit"] != kept["to_unit"]]
    tally = kept.groupby(["from_unit", "to_unit", "_merge"], observed=True).size().unstack(fill_value=0)
    tally = tally.rename(columns={"both": "ties_kept", "left_only": "ties_lost", "right_only": "ties_new"})
    for col in ("ties_kept", "ties_lost", "ties_new"):
        if col not in tally:
            tally[col] = 0
    pairs = pairs.merge(tally[["ties_kept", "ties_new", "ties_lost"]].reset_index(), on=["from_unit", "to_unit"],
                        how="left").fillna({"ties_kept": 0, "ties_new": 0, "ties_lost": 0})
    both = _people_in_both(before, after)
    matched = not both.empty
    for col in ("ties_kept", "ties_new", "ties_lost"):
        # with no person in both waves every tie would count as lost and new: not counted (NaN) instead
        pairs[col] = pairs[col].astype(int) if matched else math.nan
    pairs = pairs.sort_values(["from_unit", "to_unit"]).reset_index(drop=True)

    brokers_b, brokers_a = _brokers(pb_people), _brokers(pa_people)
    span_b = pb_people["boundary_spanner"].fillna(False).astype(bool)
    span_a = pa_people["boundary_spanner"].fillna(False).astype(bool)
    names = _names(after.measurement.people).combine_first(_names(before.measurement.people))
    changes = []
    for pid in both:
        for role, was, now in (("boundary spanner", span_b.get(pid), span_a.get(pid)),
                               ("broker", brokers_b.get(pid), brokers_a.get(pid))):
            if bool(was) != bool(now):
                changes.append({"id": pid, "name": names.get(pid), "unit_before": units_before.get(pid),
                                "unit_after": units_after.get(pid), "role": role,
                                "change": "became" if now else "stopped being"})
    people = pd.DataFrame(changes, columns=["id", "name", "unit_before", "unit_after", "role", "change"])
    ratings = _rating_change(before, after, mapping)
    small_groups, differ = _small_group_warnings(before, after, _small_groups(before, merged_before, mapping),
                                                 _small_groups(after, merged_after, {}), units)
    # (its E-I change is no change of one unit: shown, but with no interval and never meaningful)
    units.loc[differ, ["status", "ei_change_meaningful", "ei_change_low", "ei_change_high"]] = \
        [OTHER_UNITS, None, math.nan, math.nan]
    return Comparison(ratings=ratings, before=before.label, after=after.label, org=org, units=units, unit_pairs=pairs,
                      people=people, mapping=mapping,
                      warnings=[*mapping_warnings, *comparability(before, after), *small_groups],
                      people_matched=matched,
                      parameters={"bootstraps": bootstraps, "seed": seed,
                                                   "broker_rule": f"top {BROKER_SHARE:.0%} of the wave's brokerage "
                                                                  "across units (coordinator roles, which stay inside "
                                                                  "one unit, not counted), above 0",
                                                   "before_units": (f"the units of {after.label} (unit mapping)"
                                                                    if remeasured else f"the units of {before.label}"),
                                                   "meaningful_rule": "95% bootstrap interval of the change "
                                                                      "excludes 0 (respondents resampled)"})
