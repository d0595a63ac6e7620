"""Headline findings in plain language, computed from a measurement (never canned text).

Each :class:`Finding` carries the sentence a manager reads and the numbers behind it, so tests
(and scripts) check the numbers, and the report shows the sentence. A finding appears only when
the data supports it: no closed-unit sentence for a single unit, no response rate without a survey.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from typing import TYPE_CHECKING

import pandas as pd

from ._words import count, names_list

if TYPE_CHECKING:
    from ..metrics import Measurement

__all__ = ["Finding", "findings"]


@dataclass(frozen=True)
class Finding:
    key: str
    text: str
    numbers: dict = field(default_factory=dict)


def _pct(share: float) -> str:
    return f"{100 * share:.0f}%"


def _units_with_people(measurement: Measurement) -> pd.DataFrame:
    units = measurement.units
    return units[(units["headcount"] >= 2) & units["ei_index"].notna()]


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def _extreme_units(units: pd.DataFrame, every_unit: bool) -> list[Finding]:
    """The most closed unit (lowest E-I) and the most outward-looking one (highest E-I) among
    ``units`` (those of two or more people; ``every_unit`` says whether that is all of them). Units
    level with an extreme (equal E-I, to 1e-9) are all named in its finding; when every one has the
    same E-I, none is more closed or more open than another and a single ``units_level`` finding
    says so, so one unit is never named both."""
    if len(units) < 2:
        return []
    ei = units["ei_index"].astype(float)
    if _same(ei.min(), ei.max()):
        everyone = ("Both" if len(units) == 2 else f"All {len(units)}") + " units" \
            + ("" if every_unit else " of two or more people")
        return [Finding(
            "units_level",
            f"{everyone} have the same E-I index ({ei.min():+.2f}): none is more closed or more "
            "outward-looking than the others.",
            {"units": list(units.index), "ei_index": float(ei.min())})]
    out = []
    for key, value, words in (("most_closed_unit", ei.min(), "closed"),
                              ("most_open_unit", ei.max(), "outward-looking")):
        level = [u for u in units.index if _same(ei[u], value)]
        ties = {u: f"{count(int(units.loc[u, 'internal_ties']), 'tie')} inside, "
                   f"{int(units.loc[u, 'external_ties']):,} with other units" for u in level}
        if len(level) == 1:
            unit = level[0]
            text = f"{unit} is the most {words} unit (E-I {value:+.2f}: {ties[unit]})."
            numbers = {"unit": unit, "ei_index": float(value)}
        else:
            text = (f"{names_list(level)} are level as the most {words} units (E-I {value:+.2f} each; "
                    + "; ".join(f"{u}: {t}" for u, t in ties.items()) + ").")
            numbers = {"units": level, "ei_index": float(value)}
        out.append(Finding(key, text, numbers))
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
    if s.get("ties"):
        share = s["cross_unit_share"]
        expected = (s["ei_expected"] + 1) / 2 if not math.isnan(s.get("ei_expected", math.nan)) else math.nan
        text = f"{_pct(share)} of collaboration crosses unit lines ({s['cross_unit_ties']:,} of {s['ties']:,} ties)"
        if not math.isnan(expected):
            text += f"; if people chose colleagues regardless of unit, it would be about {_pct(expected)}"
        out.append(Finding("cross_unit_share", text + ".", {"share": share, "expected_share": expected}))
    with_people = _units_with_people(measurement)
    out.extend(_extreme_units(with_people, every_unit=len(with_people) == len(measurement.units)))
    out.extend(_fragile_findings(measurement))
    k = s.get("units", 0)
    if k >= 2:
        pairs = k * (k - 1) // 2
        unconnected = pairs - s.get("unit_pairs_connected", 0)
        out.append(Finding(
            "unconnected_unit_pairs",
            _unconnected_text(unconnected, pairs, k),
            {"unconnected": unconnected, "pairs": pairs}))
    nmi = s.get("unit_community_nmi", math.nan)
    if not math.isnan(nmi):
        closeness = "closely" if nmi >= 0.8 else "partly" if nmi >= 0.5 else "hardly"
        found = "The community" if s["communities"] == 1 else f"The {s['communities']} communities"
        match = "matches" if s["communities"] == 1 else "match"
        text = (f"{found} found in the network {closeness} {match} the formal units "
                f"(agreement {nmi:.2f} on a 0-1 scale, NMI).")
        units_all = measurement.units
        fragmented = [u for u in units_all.index if bool(units_all.loc[u, "fragmented"])]
        merged = [u for u in units_all.index if str(units_all.loc[u, "merged_with"] or "")]
        if fragmented:
            text += " Working as separate groups: " + ", ".join(fragmented) + "."
        if merged:
            text += " Working as one with another unit: " + ", ".join(merged) + "."
        out.append(Finding("units_vs_communities", text, {"nmi": nmi, "fragmented": fragmented, "merged": merged}))
    spanners = measurement.people[measurement.people["boundary_spanner"].fillna(False).astype(bool)]
    if s.get("people"):
        out.append(Finding(
            "boundary_spanners",
            f"{count(len(spanners), 'person', 'people')} ({_pct(len(spanners) / s['people'])}) "
            f"{'spans' if len(spanners) == 1 else 'span'} unit boundaries "
            f"(rule: {measurement.parameters.get('boundary_spanner_rule', 'see method')}).",
            {"count": len(spanners)}))
    if "response_rate" in s and not math.isnan(s["response_rate"]):
        others = "" if s["respondents"] == s["people"] else "; the others appear only where colleagues named them"
        out.append(Finding(
            "response_rate",
            f"{_pct(s['response_rate'])} of people answered the survey ({s['respondents']:,} of {s['people']:,})"
            f"{others}.",
            {"response_rate": s["response_rate"]}))
    return out


def _unconnected_text(unconnected: int, pairs: int, units: int) -> str:
    """How many of the pairs of units have no tie between them, said for two units or more."""
    if units == 2:
        return "The two units have no tie between them." if unconnected else \
            "The two units have at least one tie between them."
    if not unconnected:
        return f"Every pair of the {units} units has at least one tie between them."
    verb = "has" if unconnected == 1 else "have"
    return f"{unconnected} of the {pairs} pairs of units {verb} no tie at all between them."


def _fragile_findings(measurement: Measurement) -> list[Finding]:
    """Pairs of units whose ties all run through one person on one side (several ties, one door)."""
    bridges = measurement.extra.get("fragile_bridges")
    names = measurement.people["name"] if "name" in measurement.people else None
    if bridges is None or not len(bridges):
        return []
    out = []
    one_door = bridges[(bridges["ties"] >= 2) & ((bridges["carriers_a"] == 1) | (bridges["carriers_b"] == 1))]
    for _, row in one_door.sort_values("ties", ascending=False).iterrows():
        person = [p for p in str(row["cut_by"]).split("; ") if p][:1]
        who = ""
        if person:
            label = names.get(person[0], person[0]) if names is not None else person[0]
            who = f" ({label or person[0]})"
        ties = int(row["ties"])
        out.append(Finding(
            "one_person_bridge",
            f"{row['unit_a']} and {row['unit_b']} are connected through one person{who}: "
            f"{'both' if ties == 2 else f'all {ties}'} ties between them run through them.",
            {"unit_a": row["unit_a"], "unit_b": row["unit_b"], "person": person[0] if person else None,
             "ties": ties}))
    single = bridges[bridges["ties"] == 1]
    if len(single):
        out.append(Finding(
            "single_tie_pairs",
            f"{count(len(single), 'pair')} of units {'is' if len(single) == 1 else 'are'} connected by a single "
            "tie between two people.",
            {"pairs": len(single)}))
    return out
