"""Numbers and lists in report sentences: "1 tie", "2 ties", "Finance and IT", a density "<0.1", an
E-I index "+0.33"; the same words on every page."""

from __future__ import annotations

__all__ = ["count", "names_list", "NAMED_AT_MOST", "first_names_and_more", "density_percent", "share_percent", "signed"]


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
    """A density as the pages write it: a percentage with one decimal ("12.5", "1.0", "0.3"), and
    "<0.1" for a density above 0 that would round to 0.0, so a cell with ties never reads 0."""
    percent = 100 * float(density)
    return "<0.1" if 0 < percent < 0.05 else f"{percent:.1f}"


def share_percent(part: int, whole: int) -> str:
    """``part`` of ``whole`` as a whole percentage ("23%"), that never reads 100% while some are
    missing, nor 0% while some are there: 49,998 of 50,000 is ">99%", 1 of 500 "<1%"; "–" when
    ``whole`` is 0.

    >>> share_percent(49_998, 50_000), share_percent(1, 500), share_percent(392, 461), share_percent(0, 0)
    ('>99%', '<1%', '85%', '–')
    """
    if not whole:
        return "–"
    percent = round(100 * part / whole)
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

    >>> signed(1 / 3), signed(-0.5), signed(-0.004), signed(0), signed(float("nan"))
    ('+0.33', '-0.50', '0.00', '0.00', '–')
    """
    if value is None or value != value:
        return "–"
    text = f"{float(value):+.2f}"
    return text[1:] if text in ("+0.00", "-0.00") else text
