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


def findings(measurement: Measurement) -> list[Finding]:
    """The headline findings of a measurement, most general first."""
    s = measurement.summary
    out: list[Finding] = []
    if s.get("ties"):
        share = s["cross_unit_share"]
        expected = (s["ei_expected"] + 1) / 2 if not math.isnan(s.get("ei_expected", math.nan)) else math.nan
        text = f"{_pct(share)} of collaboration crosses unit lines ({s['cross_unit_ties']:,} of {s['ties']:,} ties)"
        if not math.isnan(expected):
            text += f"; if people chose colleagues regardless of unit, it would be about {_pct(expected)}"
        out.append(Finding("cross_unit_share", text + ".", {"share": share, "expected_share": expected}))
    units = _units_with_people(measurement)
    if len(units) >= 2:
        for key, unit, words in (("most_closed_unit", units["ei_index"].idxmin(), "the most closed unit"),
                                 ("most_open_unit", units["ei_index"].idxmax(), "the most outward-looking unit")):
            row = units.loc[unit]
            out.append(Finding(
                key, f"{unit} is {words} (E-I {row['ei_index']:+.2f}: {int(row['internal_ties'])} ties inside, "
                     f"{int(row['external_ties'])} with other units).",
                {"unit": unit, "ei_index": float(row["ei_index"])}))
    out.extend(_fragile_findings(measurement))
    k = s.get("units", 0)
    if k >= 2:
        pairs = k * (k - 1) // 2
        unconnected = pairs - s.get("unit_pairs_connected", 0)
        out.append(Finding(
            "unconnected_unit_pairs",
            f"{unconnected} of the {pairs} pairs of units have no tie at all between them." if unconnected
            else f"Every pair of the {k} units has at least one tie between them.",
            {"unconnected": unconnected, "pairs": pairs}))
    nmi = s.get("unit_community_nmi", math.nan)
    if not math.isnan(nmi):
        closeness = "closely" if nmi >= 0.8 else "partly" if nmi >= 0.5 else "hardly"
        text = (f"The {s['communities']} communities found in the network match the formal units {closeness} "
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
            f"{len(spanners)} people ({_pct(len(spanners) / s['people'])}) span unit boundaries "
            f"(rule: {measurement.parameters.get('boundary_spanner_rule', 'see method')}).",
            {"count": len(spanners)}))
    if "response_rate" in s and not math.isnan(s["response_rate"]):
        out.append(Finding(
            "response_rate",
            f"{_pct(s['response_rate'])} of people answered the survey ({s['respondents']:,} of {s['people']:,}); "
            "the others appear only where colleagues named them.",
            {"response_rate": s["response_rate"]}))
    return out


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
        out.append(Finding(
            "one_person_bridge",
            f"{row['unit_a']} and {row['unit_b']} are connected through one person{who}: all "
            f"{int(row['ties'])} ties between them run through them.",
            {"unit_a": row["unit_a"], "unit_b": row["unit_b"], "person": person[0] if person else None,
             "ties": int(row["ties"])}))
    single = bridges[bridges["ties"] == 1]
    if len(single):
        out.append(Finding(
            "single_tie_pairs",
            f"{len(single)} pairs of units are connected by a single tie between two people.",
            {"pairs": len(single)}))
    return out
