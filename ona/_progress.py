"""Progress on stderr: drawn only when it is switched on (:func:`show_progress`) and stderr is a
terminal (sqlite-utils does the same, utils.py L224-241).

A script that uses the library writes nothing to the terminal unless it asks; the ``ona`` command
asks, unless ``--silent``."""

from __future__ import annotations

import contextlib
import sys
from typing import Iterable, Iterator, TypeVar

import click

__all__ = ["progress", "steps", "show_progress"]

T = TypeVar("T")
_shown = False


def show_progress(on: bool = True) -> bool:
    """Draw progress bars on stderr while ona measures (:func:`ona.measure`) and reads email
    exports, when stderr is a terminal; ``show_progress(False)`` stops them. Off until a script
    calls it. Returns the setting it replaces, so that a caller can put it back."""
    global _shown
    before, _shown = _shown, bool(on)
    return before


def _enabled() -> bool:
    return _shown and sys.stderr.isatty()


@contextlib.contextmanager
def progress(iterable: Iterable[T], label: str, length: int | None = None) -> Iterator[Iterable[T]]:
    """Wrap ``iterable`` in a click progress bar on stderr when stderr is a TTY."""
    if not _enabled():
        yield iterable
        return
    with click.progressbar(iterable, label=label, length=length, file=sys.stderr) as bar:
        yield bar


#: The step bars open now, outermost first: a bar opened inside another names the outer's step.
_open: list["_Steps"] = []


class _Steps:
    """A bar over named steps. A bar opened while another is drawn (``measure()`` inside ``ona
    analyze``'s "reading and measuring") starts on a line of its own, below the outer bar, and its
    labels begin with the outer's current step ("reading and measuring: degrees"), so that neither
    overwrites the other; the outer bar goes on below it once it is done."""

    def __init__(self, labels: list[str]):
        self._labels = labels
        self._bar = None
        self._prefix = ""

    def __enter__(self):
        if _enabled():
            outer = next((bar for bar in reversed(_open) if bar._bar is not None), None)
            if outer is not None:
                self._prefix = f"{outer._bar.label}: "
                sys.stderr.write("\n")  # (the outer bar's line stays as it was drawn)
            self._bar = click.progressbar(length=len(self._labels), label=self._prefix + self._labels[0],
                                          file=sys.stderr, show_pos=True)
            self._bar.__enter__()
        _open.append(self)
        return self

    def advance(self, label: str | None = None) -> None:
        if self._bar is not None:
            if label:
                self._bar.label = self._prefix + label
            self._bar.update(1)

    def __exit__(self, *exc):
        _open.remove(self)
        if self._bar is not None:
            self._bar.__exit__(*exc)


def steps(labels: list[str]) -> _Steps:
    """A progress bar over named pipeline steps: ``with steps([...]) as s: ...; s.advance("next")``."""
    return _Steps(labels)
