"""Numbers and lists in report sentences: "1 tie", "2 ties", "Finance and IT"."""

from __future__ import annotations

__all__ = ["count", "names_list"]


def count(n: int, singular: str, plural: str | None = None) -> str:
    """``n`` with the noun in the number it needs: ``count(1, "tie")`` is "1 tie", ``count(2, "tie")``
    "2 ties"; ``plural`` for irregular nouns (``count(3, "person", "people")``)."""
    return f"{n:,} {singular if n == 1 else plural or singular + 's'}"


def names_list(names: list[str]) -> str:
    """Names joined as a sentence says them: "A", "A and B", "A, B and C"."""
    names = [str(n) for n in names]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
