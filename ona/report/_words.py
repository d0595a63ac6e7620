"""Numbers and lists in report sentences: "1 tie", "2 ties", "Finance and IT", a density "<0.1", an
E-I index "+0.33"; the same words on every page. Every figure with decimals is rounded by
:func:`fixed`, half up, as a person (and Excel's ROUND) rounds."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Context, Decimal

__all__ = ["count", "names_list", "NAMED_AT_MOST", "first_names_and_more", "density_percent", "share_percent", "signed",
           "fixed"]

# Room for every float's digits: the largest has 309 before the point (Decimal's default precision is 28).
_WIDE = Context(prec=400)


def fixed(value, digits: int = 2, *, sign: bool = False, thousands: bool = False, percent: bool = False) -> str:
    """``value`` to ``digits`` decimals as every page and the terminal write a figure: rounded half up
    (a half away from zero) on its decimal value, as a person and Excel's ROUND round, where Python's
    formatting rounds the binary float half to even: 6.25 to one decimal is "6.3", not "6.2". The
    decimal value is the shortest one that reads back as the same float (its ``repr``): 2.675 is
    "2.68" although the float is a hair below 2.675, and 1/3 stays 0.333... With ``percent`` the value
    is multiplied by 100 on that decimal (0.0625 is "6.3", 1/3 "33.3"). No figure reads "-0.00": a
    value that rounds to zero has no sign. ``sign``: a "+" before a positive figure (an E-I index, a
    change); ``thousands``: separators ("1,204.5"). Not a number, or infinite: as Python writes it.

    >>> fixed(6.25, 1), fixed(0.0625, 1, percent=True), fixed(1 / 3, 3), fixed(2.675), fixed(-0.125)
    ('6.3', '6.3', '0.333', '2.68', '-0.13')
    >>> fixed(-0.004), fixed(0.5, 2, sign=True), fixed(-0.001, 1, sign=True), fixed(1204.45, 1, thousands=True)
    ('0.00', '+0.50', '0.0', '1,204.5')
    """
    number = float(value)
    spec = ("+" if sign else "") + ("," if thousands else "") + f".{digits}f"
    if not math.isfinite(number):
        return format(number, spec)
    exact = Decimal(repr(number))  # (about 3 µs a figure: under a second for a 50,000-person map)
    if percent:
        exact = exact.scaleb(2)
    rounded = exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP, context=_WIDE)
    if rounded.is_zero():
        rounded, spec = rounded.copy_abs(), spec.lstrip("+")
    return format(rounded, spec)


def count(n: int, singular: str, plural: str | None = None) -> str:
    """``n`` with the noun in the number it needs: ``count(1, "tie")`` is "1 tie", ``count(2, "tie")``
    "2 ties"; ``plural`` for irregular nouns (``count(3, "person", "people")``)."""
    return f"{n:,} {singular if n == 1 else plural or singular + 's'}"


def names_list(names: list[str]) -> str:
    """Names joined as a sentence says them: "A", "A and B", "A, B and C"."""
    names = [str(n) for n in names]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


#: The most units (or pairs, or groups) one finding names; the others it counts ("and 12 more").
NAMED_AT_MOST = 5


def first_names_and_more(names: list[str], where: str, limit: int = NAMED_AT_MOST) -> str:
    """At most ``limit`` of ``names`` (the most important first: the caller orders them) as a
    sentence says them, then how many more and where they all are:
    ``first_names_and_more(["A", "B", "C"], "see metrics.xlsx, sheet Units", 2)`` is
    "A, B and 1 more (see metrics.xlsx, sheet Units)"; all of them, as :func:`names_list`, when
    there are no more than ``limit``. With ``where`` "", just "and 1 more" (the sentence says where
    once, for several such lists)."""
    names = [str(n) for n in names]
    if len(names) <= limit:
        return names_list(names)
    return names_list([*names[:limit], f"{len(names) - limit:,} more" + (f" ({where})" if where else "")])


def density_percent(density: float) -> str:
    """A density as the pages write it: a percentage with one decimal, rounded half up (:func:`fixed`:
    "12.5", "1.0", "6.3" for 1 tie of 16 possible), and "<0.1" for a density above 0 that would round
    to 0.0, so a cell with ties never reads 0.

    >>> density_percent(1 / 16), density_percent(1 / 3), density_percent(0.0004), density_percent(0)
    ('6.3', '33.3', '<0.1', '0.0')
    """
    text = fixed(density, 1, percent=True)
    return "<0.1" if float(density) > 0 and text == "0.0" else text


def share_percent(part: int, whole: int) -> str:
    """``part`` of ``whole`` as a whole percentage ("23%"), that never reads 100% while some are
    missing, nor 0% while some are there: 49,998 of 50,000 is ">99%", 1 of 500 "<1%"; "–" when
    ``whole`` is 0. A half rounds up (:func:`fixed`): 1 of 8 is "13%".

    >>> share_percent(49_998, 50_000), share_percent(1, 500), share_percent(392, 461), share_percent(0, 0)
    ('>99%', '<1%', '85%', '–')
    >>> share_percent(1, 8), share_percent(3, 8)
    ('13%', '38%')
    """
    if not whole:
        return "–"
    percent = int(fixed(part / whole, 0, percent=True))
    if percent == 100 and part < whole:
        return ">99%"
    if percent == 0 and part > 0:
        return "<1%"
    return f"{percent}%"


def signed(value) -> str:
    """An E-I index as every page writes it: two decimals with its sign ("+0.33", "-0.50"), and
    "0.00" with no sign when it rounds to zero, so no page reads "-0.00" (an E-I of -0.004 is as
    balanced as one of 0, as :func:`ona.report._html.change_text` writes a change); "–" when there
    is none (a person or unit with no tie).

    >>> signed(1 / 3), signed(-0.5), signed(-0.004), signed(0), signed(float("nan")), signed(0.125)
    ('+0.33', '-0.50', '0.00', '0.00', '–', '+0.13')
    """
    if value is None or value != value:
        return "–"
    return fixed(value, 2, sign=True)
