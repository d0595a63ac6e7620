"""Checks of the arguments a script passes to the library, so that a wrong call raises an
:class:`~ona.errors.InputError` (code ``bad-argument``) that says what to pass, not a Python error
from deep inside.

:data:`MINIMUM` is the smallest value of each whole-number setting: one definition for the library
(:func:`check_minimum`), the command line (``click.IntRange``) and ona.toml. Every other
whole-number setting is 0 or more.
"""

from __future__ import annotations

import numbers

from .errors import InputError, Problem

__all__ = ["MINIMUM", "MIN_BOOTSTRAPS", "BOOTSTRAPS_RULE", "check_minimum", "check_type", "check_whole",
           "label_problem"]

MINIMUM = {"seed": 0, "permutations": 0, "exact_betweenness_limit": 0, "betweenness_samples": 1, "bootstraps": 0,
           "min_group_size": 1, "max_recipients": 1, "min_messages": 1, "roster_header_row": 1, "ties_header_row": 1}

#: The fewest resamples that give the 95% interval of a change (its 2.5th and 97.5th percentiles):
#: ``bootstraps`` is 0 (no test) or at least this many, on the command line, in ona.toml and in Python.
MIN_BOOTSTRAPS = 20
#: How every refusal of a ``bootstraps`` between 1 and 19 says what to give.
BOOTSTRAPS_RULE = (f"the 95% interval of a change needs at least {MIN_BOOTSTRAPS} resamples: give {MIN_BOOTSTRAPS} "
                   "or more (500 by default), or 0 to test no change")


def check_minimum(function: str, **values) -> tuple[int, ...]:
    """The ``values`` as Python ints, in their order; raise one error naming every argument of
    ``function`` that is not a whole number (a Python or numpy integer, not a bool) of at least its
    :data:`MINIMUM`."""
    wrong = [Problem("bad-argument", f"{function}({name}={value!r}): {name} must be a whole number of "
                     f"{MINIMUM[name]} or more")
             for name, value in values.items()
             if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < MINIMUM[name]]
    if wrong:
        raise InputError(wrong)
    return tuple(int(value) for value in values.values())


def check_type(value, kind: type | tuple[type, ...], message: str) -> None:
    """Raise ``message`` (which says what to pass) unless ``value`` is a ``kind``; the message ends
    with the type that was passed."""
    if not isinstance(value, kind):
        raise InputError([Problem("bad-argument", f"{message}; got {type(value).__name__}")])


def check_whole(measurement, writer: str) -> None:
    """Raise unless ``measurement`` has every part: one measured with ``measure(skip=...)`` (for the person
    map) lacks what ``writer`` shows, and a page would read a part not computed as "none found"."""
    skipped = measurement.parameters.get("skipped")
    if skipped:
        raise InputError([Problem("bad-argument", f"{writer} needs the whole measurement, and this one skipped "
                                  f"{', '.join(skipped)}: measure it without skip=")])


def label_problem(label: str) -> str | None:
    """What is wrong with ``label`` as a wave label, or None: the one rule of ``ona init --wave``,
    ``ona analyze --wave``, the waves of ona.toml and :meth:`History.store`. A label is not blank,
    is one line without control characters (a tab is allowed), and holds no ``/`` or ``\\``: it
    names the wave's report folder (``report-{wave}``), where a slash would make a folder inside
    another wave's."""
    if not label.strip():
        return "a wave label cannot be blank; give one such as 2025"
    if any((ord(c) < 0x20 and c != "\t") or ord(c) == 0x7F for c in label):
        return "a wave label is one line of text, without control characters"
    if "/" in label or "\\" in label:
        return ("a wave label cannot hold / or \\ (it names the wave's report folder, where a slash makes a folder "
                "in a folder); write 2024-25, not 2024/25")
    return None
