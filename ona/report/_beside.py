"""Write part of a large report in a second process, on a second core, while this one writes the rest.

Every report writer is single-threaded Python (openpyxl, json), so on a machine with two or more
cores the workbook and metrics.json of a large organisation are written by a child process while
this process draws the maps and writes the exports: on 10,000 people that takes seconds off the
whole `ona analyze` (bench/RESULTS.md).

The child is a fresh interpreter (``python -m ona.report._beside``) that reads what to write from
a pickle on its standard input; it is not started with ``multiprocessing`` so that a user's script
is never imported again in the child, and not forked, so that no thread of this process (numba's,
Arrow's) is copied into it. Each file is written atomically, as always. If the child fails for any
reason, this process writes the same files itself, so an error surfaces as it would without the
child; if this process fails first, the child is stopped before the error goes on.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

__all__ = ["Beside", "MIN_PEOPLE"]

# Below this many people the report takes a second or two and a child's start-up would not pay.
MIN_PEOPLE = 3_000


def _write(measurement, workbook_path: Path, json_path: Path) -> None:
    from .json_out import write_json
    from .workbook import write_workbook

    write_workbook(measurement, workbook_path)
    write_json(measurement, json_path)


class Beside:
    """The workbook and metrics.json of ``measurement``, written in a child process when the
    measurement is large and the machine has a second core, or here on :meth:`wait` otherwise."""

    def __init__(self, measurement, workbook_path: Path, json_path: Path):
        self.measurement, self.workbook_path, self.json_path = measurement, Path(workbook_path), Path(json_path)
        self.child = None
        if len(measurement.people) >= MIN_PEOPLE and (os.cpu_count() or 1) >= 2:
            try:
                payload = pickle.dumps((measurement, str(self.workbook_path), str(self.json_path)),
                                       protocol=pickle.HIGHEST_PROTOCOL)
            except Exception:  # something in the measurement that cannot be pickled: written here
                return
            try:
                self.child = subprocess.Popen([sys.executable, "-m", "ona.report._beside"], stdin=subprocess.PIPE,
                                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                self.child.stdin.write(payload)
                self.child.stdin.close()
            except OSError:  # no child to be had (or it died at once): written here on wait()
                self.stop()

    def wait(self) -> dict[str, Path]:
        """Wait for the child (or write here); returns the paths written."""
        written = self.child is not None and self.child.wait() == 0
        self.child = None
        if not written:
            _write(self.measurement, self.workbook_path, self.json_path)
        return {"workbook": self.workbook_path, "json": self.json_path}

    def stop(self) -> None:
        """Stop the child (this process failed); its files are left as they were."""
        if self.child is not None:
            self.child.kill()
            self.child.wait()
            self.child = None


def _main() -> int:
    measurement, workbook_path, json_path = pickle.loads(sys.stdin.buffer.read())
    _write(measurement, Path(workbook_path), Path(json_path))
    return 0


if __name__ == "__main__":
    sys.exit(_main())
