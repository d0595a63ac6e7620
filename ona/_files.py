"""The one way `ona` writes a file: to a temporary file beside the target, then an atomic rename;
and a set of files (a report) all or none."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from pathlib import Path
from typing import IO, Iterator

__all__ = ["atomic_write", "atomic_path", "atomic_folder"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; rename it onto ``path`` if the block succeeds.

    For writers that want a file name (openpyxl, DuckDB). If the block raises, the temporary file is
    removed and ``path`` is untouched; an error about the temporary file names ``path`` instead, the
    file the user asked for.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o666 & ~_umask())
        os.replace(tmp_path, target)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            tmp_path.unlink()
        if isinstance(exc, OSError) and exc.filename in (tmp, tmp_path):
            exc.filename = str(target)
        raise


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO]:
    """Open a temporary file for writing; it replaces ``path`` only when the block finishes."""
    if "b" in mode:
        encoding = None
    with atomic_path(path) as tmp:
        with open(tmp, mode, encoding=encoding, newline="" if encoding else None) as handle:
            yield handle


@contextlib.contextmanager
def atomic_folder(folder: str | os.PathLike) -> Iterator[Path]:
    """Yield an empty staging folder inside ``folder``; when the block succeeds, every file written
    into it replaces the file of the same name in ``folder``: all of them, or none.

    Nothing in ``folder`` changes until the block has written every file. Then each target is
    checked first: a folder where a file must go stops the whole set with an error naming that
    target. Then each old file is set aside and the new one moved in; if a move fails, the files
    already moved are taken back and the old ones restored, and the error names the target. So
    ``folder`` holds the earlier files or the new ones, never a mix. Files of ``folder`` that the
    block did not write are left alone; the staging folder is removed in every case.
    """
    target_dir = Path(folder)
    target_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".ona-new.", dir=target_dir))
    try:
        yield staging
        _replace_all(staging, target_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _replace_all(staging: Path, target_dir: Path) -> None:
    """Move every file of ``staging`` onto its name in ``target_dir``, all or none (see atomic_folder)."""
    new_files = sorted(p for p in staging.iterdir() if p.is_file())
    for new in new_files:
        target = target_dir / new.name
        if target.is_dir() and not target.is_symlink():
            raise IsADirectoryError(errno.EISDIR, "is a folder where the report writes a file; move or rename it "
                                    "(nothing of the new report was written)", str(target))
    aside = staging / ".old"
    aside.mkdir()
    moved: list[tuple[Path, Path, Path | None]] = []  # (staged file, target, old file set aside)
    try:
        for new in new_files:
            target, old = target_dir / new.name, None
            if target.exists() or target.is_symlink():
                old = aside / new.name
                os.replace(target, old)
            moved.append((new, target, old))
            os.replace(new, target)
    except OSError as exc:
        for new, placed, old in reversed(moved):
            with contextlib.suppress(OSError):
                if not new.exists():
                    os.replace(placed, new)
                if old is not None:
                    os.replace(old, placed)
        raise OSError(exc.errno, f"{exc.strerror or exc} (nothing of the new report was written)",
                        str(target)) from exc
