"""Headline findings in plain language, computed from a measurement (never canned text).

Each :class:`Finding` carries the sentence a manager reads and the numbers behind it, so tests
(and scripts) check the numbers, and the report shows the sentence. A finding appears only when
the data supports it: no closed-unit sentence for a single unit, no response rate without a survey.
With one unit there is no unit boundary, so no finding about ties across units: one sentence says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from typing import TYPE_CHECKING

import pandas as pd

from ._words import NAMED_AT_MOST, count, first_names_and_more, fixed, share_percent, signed

if TYPE_CHECKING:
    from ..metrics import Measurement

__all__ = ["Finding", "findings", "link_carriers", "through_a_unit_of_one"]


@dataclass(frozen=True)
class Finding:
    """One sentence of the findings: ``key`` says which finding it is, ``numbers`` the figures in it,
    and ``defined`` the statistics it names, each as (the words of ``text`` that name it, its
    heading's anchor on method.html), which index.html makes a link to the definition."""

    key: str
    text: str
    numbers: dict = field(default_factory=dict)
    defined: tuple[tuple[str, str], ...] = ()


_EI = (("E-I", "ei_index"),)
_FRAGILE = "fragile_bridges"


def _pct(share: float) -> str:
    return fixed(share, 0, percent=True) + "%"


def _units_to_rank(measurement: Measurement) -> tuple[pd.DataFrame, str]:
    """The units the most-closed and most-outward-looking findings compare, and the words that say
    which they are ("" when all). One-person units are left out (no tie can be inside them), and so
    are units with no tie at all (their E-I, 0 / 0, is undefined: "of two or more people with a
    tie"); so, when the ties come from a survey, are units where nobody answered: every tie they have
    was named by someone else, so their E-I says how others see them, not whom they work with."""
    units = measurement.units
    large = units["headcount"] >= 2
    keep = large & units["ei_index"].notna()
    parts = ["of two or more people"] if bool((~large).any()) else []
    having = ["a tie"] if bool((large & units["ei_index"].isna()).any()) else []
    if "respondents" in units and not units["response_rate"].isna().all():
        nobody = units["respondents"].fillna(0) == 0
        if bool((keep & nobody).any()):
            having.append("at least one respondent")
        keep &= ~nobody
    if having:
        parts.append("with " + " and ".join(having))
    return units[keep], " ".join(parts)


def _units_without_ties(measurement: Measurement) -> list[Finding]:
    """The units with no tie at all, inside or with other units: their E-I index is undefined (no
    tie to count), so the closed and outward-looking findings leave them out, and this one says so."""
    units = measurement.units
    if len(units) < 2 or "internal_ties" not in units:
        return []
    tieless = units[(units["internal_ties"] + units["external_ties"] == 0) & units["ei_index"].isna()]
    if tieless.empty:
        return []
    ordered = list(tieless.sort_values("headcount", ascending=False, kind="stable").index)
    sizes = {u: count(int(units.loc[u, "headcount"]), "person", "people") for u in ordered}
    if len(ordered) == 1:
        text = (f"{ordered[0]} ({sizes[ordered[0]]}) has no tie at all, inside or with other units, "
                "so it has no E-I index.")
    else:
        named = first_names_and_more([f"{u} ({sizes[u]})" for u in ordered], "see metrics.xlsx, sheet Units")
        text = f"{len(ordered):,} units have no tie at all, inside or with other units, so they have no E-I index: {named}."
    return [Finding("units_without_ties", text, {"units": [str(u) for u in ordered]}, _EI)]


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def _extreme_units(units: pd.DataFrame, which: str) -> list[Finding]:
    """The most closed unit (lowest E-I) and the most outward-looking one (highest E-I) among
    ``units`` (see :func:`_units_to_rank`; ``which`` says which units those are, "" for all: the
    sentence then says "the most closed of the 3 units of two or more people"). When even the lowest
    E-I is above 0 (more ties outside than inside), that unit is "the least outward-looking", not
    closed; when even the highest is below 0, that unit is "the least closed". Units
    level with an extreme (equal E-I, to 1e-9) share its finding; when every one has the
    same E-I, none is more closed or more open than another and a single ``units_level`` finding
    says so, so one unit is never named both. Of many level units, the :data:`NAMED_AT_MOST` with the
    most people are named (equal: in roster order) and the others counted ("and 745 more")."""
    if len(units) < 2:
        return []
    ei = units["ei_index"].astype(float)
    if _same(ei.min(), ei.max()):
        everyone = ("Both" if len(units) == 2 else f"All {len(units):,}") + " units" + (f" {which}" if which else "")
        return [Finding(
            "units_level",
            f"{everyone} have the same E-I index ({signed(ei.min())}): none is more closed or more "
            "outward-looking than the others.",
            {"units": list(units.index), "ei_index": float(ei.min())}, _EI)]
    out = []
    # A unit with more ties outside than inside (E-I above 0) is not "closed", however it ranks: the
    # lowest E-I is then the least outward-looking unit, and a highest E-I below 0 the least closed.
    for key, value, (most, words) in (
            ("most_closed_unit", ei.min(), ("most", "closed") if ei.min() <= 0 else ("least", "outward-looking")),
            ("most_open_unit", ei.max(), ("most", "outward-looking") if ei.max() >= 0 else ("least", "closed"))):
        level = [u for u in units.index if _same(ei[u], value)]
        level = sorted(level, key=lambda u: -int(units.loc[u, "headcount"]))  # (stable: roster order among equals)
        ties = {u: f"{count(int(units.loc[u, 'internal_ties']), 'tie')} inside, "
                   f"{int(units.loc[u, 'external_ties']):,} with other units" for u in level[:NAMED_AT_MOST]}
        among = f" of the {len(units):,} units {which}" if which else ""
        if len(level) == 1:
            unit = level[0]
            text = f"{unit} is the {most} {words}{among or ' unit'} (E-I {signed(value)}: {ties[unit]})."
            numbers = {"unit": unit, "ei_index": float(value)}
        else:
            named = first_names_and_more(level, "see metrics.xlsx, sheet Units")
            text = (f"{named} are level as the {most} {words}{among or ' units'} (E-I {signed(value)} each; "
                    + "; ".join(f"{u}: {t}" for u, t in ties.items()) + ").")
            numbers = {"units": level, "ei_index": float(value)}
        out.append(Finding(key, text, numbers, _EI))
    return out


def findings(measurement: Measurement) -> list[Finding]:
    """The headline findings of a measurement, most general first. When no network was measured
    (a rating survey alone: no tie file, no email, so no ties), only the one finding that says so:
    no network figure describes ties nobody was asked about."""
    s = measurement.summary
    out: list[Finding] = []
    if not s.get("ties") and measurement.parameters.get("tie_shape") == "none":
        return [Finding("no_network", "No tie data was given, so no network was measured; the rating survey's "
                        "findings are on the ratings page.")]
    one_unit = s.get("units", 0) == 1
    if one_unit:
        out.append(_one_unit_finding(measurement))
    elif s.get("ties"):
        share = s["cross_unit_share"]
        expected = (s["ei_expected"] + 1) / 2 if not math.isnan(s.get("ei_expected", math.nan)) else math.nan
        text = f"{_pct(share)} of collaboration crosses unit lines ({s['cross_unit_ties']:,} of {s['ties']:,} ties)"
        if not math.isnan(expected) and s.get("units", 0) >= 2:
            text += f"; if people chose colleagues regardless of unit, it would be about {_pct(expected)}"
        defined = (("crosses unit lines", "ei_index"),) + ((("regardless of unit", "ei_expectation"),)
                                                           if "regardless of unit" in text else ())
        out.append(Finding("cross_unit_share", text + ".", {"share": share, "expected_share": expected}, defined))
    out.extend(_extreme_units(*_units_to_rank(measurement)))
    out.extend(_units_without_ties(measurement))
    out.extend(_fragile_findings(measurement))
    k = s.get("units", 0)
    if k >= 2:
        pairs = k * (k - 1) // 2
        unconnected = pairs - s.get("unit_pairs_connected", 0)
        out.append(Finding(
            "unconnected_unit_pairs",
            _unconnected_text(unconnected, pairs, k),
            {"unconnected": unconnected, "pairs": pairs}))
    out.extend(_communities_finding(measurement))
    spanners = measurement.people[measurement.people["boundary_spanner"].fillna(False).astype(bool)]
    if s.get("people") and not one_unit:
        out.append(Finding(
            "boundary_spanners",
            f"{count(len(spanners), 'person', 'people')} ({_pct(len(spanners) / s['people'])}) "
            f"{'spans' if len(spanners) == 1 else 'span'} unit boundaries "
            f"(rule: {measurement.parameters.get('boundary_spanner_rule', 'see method')}).",
            {"count": len(spanners)}, (("unit boundaries", "boundary_spanners"),)))
    if "response_rate" in s and not math.isnan(s["response_rate"]):
        out.append(Finding(
            "response_rate",
            f"{share_percent(s['respondents'], s['people'])} of people answered the survey "
            f"({s['respondents']:,} of {s['people']:,})"
            f"{_non_respondents_text(measurement)}.",
            {"response_rate": s["response_rate"]}))
    return out


def _one_unit_finding(measurement: Measurement) -> Finding:
    """The finding that stands for every cross-unit figure when everyone is in one unit: there is
    no boundary to measure, so ties across units, E-I, boundary spanners and links between units
    are not defined."""
    unit = measurement.units.index[0]
    column = measurement.parameters.get("unit_column")
    return Finding("one_unit", f"Everyone is in one unit ({unit}{f', by {column}' if column else ''}), so there is "
                   "no unit boundary to measure: ties across units, the E-I index, boundary spanners and links "
                   "between units are not defined.", {"unit": str(unit)}, (("E-I index", "ei_index"),))


def _non_respondents_text(measurement: Measurement) -> str:
    """What the map shows of the people who did not answer: they appear only through colleagues who
    named them, and those nobody named have no tie at all (said with their number, when there are
    any)."""
    people = measurement.people
    if "responded" not in people or bool(people["responded"].all()):
        return ""
    silent = ~people["responded"].fillna(False).astype(bool)
    unnamed = int((silent & (people["in_degree"] == 0)).sum())
    text = "; people who did not answer appear only where colleagues named them"
    if unnamed:
        text += f" ({count(unnamed, 'person', 'people')} nobody named {'has' if unnamed == 1 else 'have'} no tie)"
    return text


def _merged_groups(units: pd.DataFrame) -> list[list[str]]:
    """The groups of units working as one (``merged_with``: units sharing a main community), each
    group once, its units in roster order, the groups in the order of their first unit."""
    groups, seen = [], set()
    for unit in units.index:
        mates = [m for m in str(units.loc[unit, "merged_with"] or "").split("; ") if m]
        if not mates or str(unit) in seen:
            continue
        group = [u for u in units.index if str(u) == str(unit) or str(u) in mates]
        seen.update(group)
        groups.append([str(u) for u in group])
    return groups


def _communities_finding(measurement: Measurement) -> list[Finding]:
    """How the communities found in the network match the formal units (NMI, said as closely /
    partly / hardly), with the units working as separate groups and the groups of units working as
    one, each group named ("Alpha with Gamma; Beta with Director"). With one unit the agreement says
    nothing (every person is in it): only a unit split into groups is reported. At most
    :data:`NAMED_AT_MOST` units working as separate groups are named (most people first), at most as many
    groups of units working as one (most units first) and as many units of each group; the others
    are counted, with where to find them (metrics.xlsx, sheet Units)."""
    s = measurement.summary
    nmi = s.get("unit_community_nmi", math.nan)
    if math.isnan(nmi):
        return []
    units = measurement.units
    fragmented = [u for u in units.index if bool(units.loc[u, "fragmented"])]
    groups = _merged_groups(units)
    by_size = sorted(fragmented, key=lambda u: -int(units.loc[u, "headcount"]))  # (stable: roster order among equals)
    merged = [u for group in groups for u in group]
    numbers = {"nmi": nmi, "fragmented": fragmented, "merged": merged, "merged_groups": groups}
    found = "The community" if s["communities"] == 1 else f"The {s['communities']:,} communities"
    if len(units) < 2:
        if not fragmented:
            return []
        return [Finding("units_vs_communities",
                        f"{fragmented[0]} works as separate groups: the network has {s['communities']:,} "
                        "communities, none holding two thirds of its people with a tie.", numbers,
                        (("communities", "communities"),))]
    closeness = "closely" if nmi >= 0.8 else "partly" if nmi >= 0.5 else "hardly"
    match = "matches" if s["communities"] == 1 else "match"
    text = (f"{found} found in the network {closeness} {match} the formal units "
            f"(agreement {fixed(nmi, 2)} on a 0-1 scale, NMI).")
    if fragmented:
        text += " Working as separate groups: " + first_names_and_more(by_size, _SEE_FRAGMENTED) + "."
    if groups:
        other = "another unit" if all(len(g) == 2 for g in groups) else "other units"
        largest = sorted(groups, key=len, reverse=True)  # (stable: equal sizes in roster order)
        named = [f"{g[0]} with {first_names_and_more(g[1:], '', NAMED_AT_MOST - 1)}" for g in largest[:NAMED_AT_MOST]]
        more = len(groups) - len(named)
        cut = more or any(len(g) > NAMED_AT_MOST for g in groups)
        text += (f" Working as one with {other}: " + "; ".join(named)
                 + (f"; and {count(more, 'more group')}" if more else "") + (f" ({_SEE_MERGED})." if cut else "."))
    return [Finding("units_vs_communities", text, numbers, (("NMI", "communities"),))]


_SEE_FRAGMENTED = "see metrics.xlsx, sheet Units, column fragmented"
_SEE_MERGED = "see metrics.xlsx, sheet Units, column merged_with"


def _unconnected_text(unconnected: int, pairs: int, units: int) -> str:
    """How many of the pairs of units have no tie between them, said for two units or more."""
    if units == 2:
        return "The two units have no tie between them." if unconnected else \
            "The two units have at least one tie between them."
    if not unconnected:
        return f"Every pair of the {units:,} units has at least one tie between them."
    verb = "has" if unconnected == 1 else "have"
    return f"{unconnected:,} of the {pairs:,} pairs of units {verb} no tie at all between them."


def link_carriers(bridge, people: pd.DataFrame) -> list[str]:
    """The ids of ``cut_by`` of a ``fragile_bridges`` row (``bridge``), the person of its ``unit_a``
    first: the order in which the findings and index.html's table of fragile links name them
    ("Finance and IT ... between Anna (Finance) and Cy (IT)"). ``people``: the measurement's people."""
    found = [p for p in str(bridge["cut_by"]).split("; ") if p]
    units = people["unit"]
    return sorted(found, key=lambda p: 0 if str(units.get(p, "")) == str(bridge["unit_a"]) else 1)


def through_a_unit_of_one(bridges: pd.DataFrame, people: pd.DataFrame) -> pd.Series:
    """Of each ``fragile_bridges`` row (``bridges``), whether the one person its ties all run through
    (``cut_by``) is the whole of their unit (a director's office of one: every tie of that unit is
    theirs, so its links hang on them by necessity, not by fragility). ``people``: the measurement's
    people, with their ``unit``."""
    if not len(bridges):
        return pd.Series(False, index=bridges.index)
    units = people["unit"].astype(str)
    sizes = units.value_counts()

    def alone(cut: str) -> bool:
        found = [p for p in str(cut).split("; ") if p]
        return len(found) == 1 and found[0] in units.index and sizes.get(units[found[0]], 0) == 1
    return bridges["cut_by"].map(alone).astype(bool)


def _fragile_findings(measurement: Measurement) -> list[Finding]:
    """Pairs of units whose link hangs on people (``cut_by`` of ``fragile_bridges``). One person in
    ``cut_by``: several ties, all through that person ("connected through one person"). Two: the
    link is a single relationship between two people, one tie or one each way; those pairs are
    counted together, and named with their two people when there are at most
    :data:`_NAMED_SINGLE_PAIRS` of them. Of the pairs connected through one person, the
    :data:`NAMED_AT_MOST` with the most ties each have their sentence; one more finding
    (``one_person_bridge_more``) counts the others and says where they are."""
    bridges = measurement.extra.get("fragile_bridges")
    people = measurement.people
    if bridges is None or not len(bridges):
        return []

    def label(person: str) -> str:
        name = people["name"].get(person, "") if "name" in people else ""
        return str(name or person)

    out = []
    cut = bridges.apply(link_carriers, axis=1, people=people)
    lone = through_a_unit_of_one(bridges, people)
    one_door = bridges[[len(c) == 1 for c in cut] & ~lone.to_numpy()]
    most_ties_first = one_door.sort_values("ties", ascending=False, kind="stable")
    for i, row in most_ties_first.head(NAMED_AT_MOST).iterrows():
        person = cut[i][0]
        ties = int(row["ties"])
        out.append(Finding(
            "one_person_bridge",
            f"{row['unit_a']} and {row['unit_b']} are connected through one person ({label(person)}): "
            f"{'both' if ties == 2 else f'all {ties}'} ties between the two units are theirs.",
            {"unit_a": row["unit_a"], "unit_b": row["unit_b"], "person": person, "ties": ties},
            (("connected through one person", _FRAGILE),)))
    more = len(one_door) - NAMED_AT_MOST
    if more > 0:
        out.append(Finding(
            "one_person_bridge_more",
            f"{count(more, 'more pair')} of units {'is' if more == 1 else 'are'} connected through one person "
            "(see metrics.xlsx, sheet fragile_bridges, and the links that hang on one person below).",
            {"pairs": more}, (("connected through one person", _FRAGILE),)))
    if lone.any():
        units = sorted({str(people["unit"][cut[i][0]]) for i in bridges.index[lone.to_numpy()]})
        out.append(Finding(
            "unit_of_one_links",
            f"{count(int(lone.sum()), 'pair')} of units {'runs' if lone.sum() == 1 else 'run'} through a unit of one "
            f"person ({first_names_and_more(units, 'see metrics.xlsx, sheet fragile_bridges')}): every tie of such a "
            "unit is that person's, so these links hang on one person by necessity and are not named as fragile here.",
            {"pairs": int(lone.sum()), "units": units}, ()))
    single = bridges[[len(c) == 2 for c in cut]]
    if len(single):
        named = [(row["unit_a"], row["unit_b"], *(label(p) for p in cut[i])) for i, row in single.iterrows()]
        if len(single) == 1:
            a, b, x, y = named[0]
            text = f"{a} and {b} are connected by a single relationship, between {x} and {y}."
        else:
            text = f"{count(len(single), 'pair')} of units are connected by a single relationship between two people"
            if len(single) <= _NAMED_SINGLE_PAIRS:
                text += ": " + "; ".join(f"{a} and {b} ({x} and {y})" for a, b, x, y in named) + "."
            else:
                text += " (see metrics.xlsx, sheet fragile_bridges)."
        out.append(Finding("single_tie_pairs", text,
                           {"pairs": len(single), "units": [[a, b] for a, b, _, _ in named]},
                           (("single relationship", _FRAGILE),)))
    return out


_NAMED_SINGLE_PAIRS = 3
