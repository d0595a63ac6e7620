"""The one way `ona` writes a file: to a temporary file beside the target, then an atomic rename;
and a set of files (a report) all or none."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import IO, Callable, Collection, Iterator

from .errors import OnaError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

__all__ = ["atomic_write", "atomic_path", "atomic_folder", "remove_stale_staging", "check_inputs_kept", "same_file",
           "relative_path", "matching_files", "is_remote",
           "FORMULA_START"]

#: The first characters that make a spreadsheet read a cell as a formula (=, +, -, @, and a tab or
#: carriage return before one). Text from the input that starts so is written with an apostrophe
#: before it to every CSV file ona writes (which Excel opens), and read back without it.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# A report's staging folder: ".ona-new." and tempfile.mkdtemp's 8 characters, inside the report folder.
_STAGING_PREFIX = ".ona-new."
_STAGING_NAME = re.compile(r"\.ona-new\.[a-z0-9_]{8}")
# The file in a staging folder that its writer holds locked while it writes.
_LOCK_NAME = ".ona-writing"
# A staging folder without a lock that can be tested is taken as abandoned after this many seconds.
STALE_AFTER_SECONDS = 3600


def relative_path(path: str | os.PathLike, folder: str | os.PathLike) -> str:
    """``path`` relative to ``folder`` (both resolved, links followed), with ../ for a file beside or
    above it and forward slashes (which ona reads on every system), so that the two can move
    together; absolute only on another drive (Windows), where no relative path leads."""
    resolved = Path(path).resolve()
    try:
        return Path(os.path.relpath(resolved, Path(folder).resolve())).as_posix()
    except ValueError:
        return resolved.as_posix()


def is_remote(path) -> bool:
    """A path a cluster reads (``abfss://``, ``s3a://``, ``hdfs://``, ``gs://`` ...), not this machine."""
    text = str(path)
    return "://" in text and not text.startswith("file://")


def matching_files(text: str) -> list[str] | None:
    """The files a quoted pattern (``mail-2025-*.csv``) that names no file itself matches, in name
    order (an empty list when none); None for a path to take as given: no pattern, a file or folder
    of that very name, or a path on a cluster (``abfss://...``), which is left to the engine."""
    import glob

    if is_remote(text) or not any(ch in text for ch in "*?[") or Path(text).exists():
        return None
    return sorted(glob.glob(text))


def same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """True when ``a`` and ``b`` name one file: the same path once resolved (links followed), or,
    where both exist, the same file on disk (a hard link, another spelling of the name on a file
    system that ignores case)."""
    a, b = Path(a), Path(b)
    with contextlib.suppress(OSError, RuntimeError):
        if a.resolve() == b.resolve():
            return True
    with contextlib.suppress(OSError):
        return a.exists() and b.exists() and os.path.samefile(a, b)
    return False


def _flat(inputs: dict) -> list[tuple[str, Path]]:
    """``inputs`` (role -> a path, a list of paths, or None) as (role, path) pairs."""
    return [(role, Path(p)) for role, paths in inputs.items() if paths is not None
            for p in ([paths] if isinstance(paths, (str, os.PathLike)) else paths) if p is not None]


def check_inputs_kept(targets: Collection[str | os.PathLike], inputs: dict, *, what: str, fix: str) -> None:
    """Raise an :class:`~ona.errors.OnaError` when writing the files ``targets`` would replace one of
    ``inputs`` (role -> path or list of paths, as a command read them: "roster", "ties" ...): a
    report written into the folder of its roster, whose own nodes.csv would replace a roster of that
    name. Checked before anything is read or written; the message names the input file, what would
    replace it (``what``, "the report's nodes.csv") and how to choose another place (``fix``). A
    folder of ``targets`` that cannot be made, because it or a folder above it is a file, is the same
    error as when writing (``ona analyze --out notes.txt``), found before the measurement."""
    for folder in {Path(target).parent for target in targets}:
        if (problem := _folder_in_the_way(folder)) is not None:
            raise OnaError(problem)
    for role, given in _flat(inputs):
        for target in targets:
            if same_file(given, target):
                raise OnaError(f"{given}: the {role} would be replaced by {what.format(name=Path(target).name)}; "
                               f"{fix} (nothing was read or written)")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _make_folder(folder: Path) -> None:
    """Make ``folder`` and the folders above it; one of them being a file is an
    :class:`~ona.errors.OnaError` that names it (``ona map --out notes.txt/map.html``)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise OnaError(_folder_in_the_way(folder) or f"{folder}: cannot be made (nothing was written)") from None


def _folder_in_the_way(folder: Path) -> str | None:
    """The message when ``folder`` cannot be made because it, or the nearest folder above it that
    exists, is a file (or a link to no folder); None when nothing is in the way."""
    in_the_way = next((p for p in (folder, *folder.parents) if p.exists() or p.is_symlink()), None)
    if in_the_way is None or in_the_way.is_dir():
        return None
    return (f"{folder}: " + ("is a file, not a folder" if in_the_way == folder else
                             f"cannot be made: {in_the_way} is a file, not a folder")
            + "; name a folder to write into, or move the file (nothing was written)")


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; rename it onto ``path`` if the block succeeds.

    For writers that want a file name (openpyxl, DuckDB). A folder above ``path`` that is a file is an
    :class:`~ona.errors.OnaError` naming it. If the block raises, the temporary file is
    removed and ``path`` is untouched; an error about the temporary file names ``path`` instead, the
    file the user asked for.
    """
    target = Path(path)
    _make_folder(target.parent)
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
def atomic_folder(folder: str | os.PathLike, removed: list | None = None, *,
                  own_names: Collection[str] = (), manifest: str | None = None,
                  before_swap: Callable[[], object] | None = None) -> Iterator[Path]:
    """Yield an empty staging folder inside ``folder``; when the block succeeds, every file written
    into it replaces the file of the same name in ``folder``: all of them, or none.

    ``own_names`` are the names of every file such a folder can hold (a report's pages): a file of
    ``folder`` with one of those names that the block did not write is an earlier set's (the
    ratings page of a run with ratings, after a run without) and goes in the same swap. Every
    other file of ``folder`` (a user's notes) is left alone.

    ``manifest``, when given, is the name of a file that lists the files the set wrote (written with
    them, in the same swap): then only a file of ``own_names`` that the earlier set's manifest lists
    is taken as the earlier set's. A folder with no manifest (the user's own folder, which happens
    to hold a ``ratings.html``; a report from before manifests) loses no file the block did not write.

    Nothing in ``folder`` changes until the block has written every file. Then each target is
    checked first: a folder where a file must go stops the whole set with an error naming that
    target. Then each old file, and each earlier file of ``own_names`` the block did not write, is
    set aside and the new one moved in; if a move fails, the files already moved are taken back and
    the old ones restored, and the error names the target. So ``folder`` holds the earlier files or
    the new ones, never a mix. The staging folder is removed in every case, and so are the folders
    made for the set when it fails (a report folder that did not exist is not left empty). ``folder`` (or a folder
    above it) being a file is an :class:`~ona.errors.OnaError` naming it.

    ``before_swap``, when given, is called once every file is written and before any of them moves
    in: what must succeed for the new files to be kept (storing the wave they report). When it
    raises, ``folder`` is left as it was and the error goes on.

    A run killed before it could remove its staging folder leaves it behind: each run removes
    those of earlier runs (:func:`remove_stale_staging`; their names are added to ``removed``),
    never one that a running process holds.
    """
    target_dir = Path(folder)
    made = [p for p in (target_dir, *target_dir.parents) if not (p.exists() or p.is_symlink())]
    _make_folder(target_dir)
    staging = Path(tempfile.mkdtemp(prefix=_STAGING_PREFIX, dir=target_dir))
    lock = open(staging / _LOCK_NAME, "w")
    try:
        if fcntl is not None:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        if removed is not None:
            removed.extend(remove_stale_staging(target_dir))
        yield staging
        if before_swap is not None:
            before_swap()
        if manifest is not None:
            own_names = set(own_names) & _listed(target_dir / manifest)
            _write_manifest(staging, manifest)
        _replace_all(staging, target_dir, own_names, last=manifest)
    except BaseException:
        lock.close()
        shutil.rmtree(staging, ignore_errors=True)
        for made_here in made:  # (deepest first) the folders made for this report, left empty by its failure
            with contextlib.suppress(OSError):
                made_here.rmdir()
        raise
    finally:
        lock.close()
        shutil.rmtree(staging, ignore_errors=True)


_MANIFEST_HEAD = ("# The files ona wrote into this folder with its last report, one a line. The next report\n"
                  "# removes those of them it does not write again (and no other file).\n")


def _listed(path: Path) -> set[str]:
    """The file names a manifest lists (none when there is no manifest or it cannot be read)."""
    try:
        if path.is_symlink() or not path.is_file():
            return set()
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return set()
    return {line for line in lines if line and not line.startswith("#")}


def _write_manifest(staging: Path, name: str) -> None:
    names = sorted(p.name for p in staging.iterdir() if p.is_file() and p.name not in (_LOCK_NAME, name))
    with open(staging / name, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(_MANIFEST_HEAD + "".join(f"{n}\n" for n in names))


def _abandoned(staging: Path) -> bool:
    """True when no running process writes into ``staging``: its lock file can be locked (the lock
    of a process ends with it, however it ends), or, where locks cannot be tested or the folder has
    no lock file, when nothing in it has changed for :data:`STALE_AFTER_SECONDS`."""
    lock_path = staging / _LOCK_NAME
    if fcntl is not None and lock_path.is_file() and not lock_path.is_symlink():
        with open(lock_path, "r+") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return False
            return True
    newest = max((p.lstat().st_mtime for p in (staging, *staging.rglob("*"))), default=0.0)
    return time.time() - newest > STALE_AFTER_SECONDS


def remove_stale_staging(folder: str | os.PathLike) -> list[str]:
    """Remove the staging folders an interrupted run of :func:`atomic_folder` left in ``folder``
    (a run killed while it wrote or swapped its files) and return their names.

    Only ona's own are touched: a real folder (not a link) named ``.ona-new.`` and 8 characters of
    :func:`tempfile.mkdtemp`, which no running process writes into (see :func:`_abandoned`)."""
    removed = []
    for entry in sorted(Path(folder).iterdir()):
        if not _STAGING_NAME.fullmatch(entry.name) or entry.is_symlink() or not entry.is_dir():
            continue
        with contextlib.suppress(OSError):
            if _abandoned(entry):
                shutil.rmtree(entry)
                removed.append(entry.name)
    return removed


def _replace_all(staging: Path, target_dir: Path, own_names: Collection[str], last: str | None = None) -> None:
    """Move every file of ``staging`` onto its name in ``target_dir``, and the files of ``own_names``
    it does not hold out of it, all or none (see atomic_folder); the file named ``last`` (the
    manifest) moves in after all the others, so that a run killed while it swaps leaves the earlier
    manifest."""
    new_files = sorted((p for p in staging.iterdir() if p.is_file() and p.name != _LOCK_NAME),
                       key=lambda p: (p.name == last, p.name))
    for new in new_files:
        target = target_dir / new.name
        if target.is_dir() and not target.is_symlink():
            raise IsADirectoryError(errno.EISDIR, "is a folder where the report writes a file; move or rename it "
                                    "(nothing of the new report was written)", str(target))
    written = {new.name for new in new_files}
    earlier = [target_dir / name for name in sorted(set(own_names) - written)
               if (target_dir / name).is_symlink() or (target_dir / name).is_file()]
    aside = staging / ".old"
    aside.mkdir()
    moved: list[tuple[Path | None, Path, Path | None]] = []  # (staged file or None, target, old file set aside)
    try:
        for target in earlier:
            old = aside / target.name
            os.replace(target, old)
            moved.append((None, target, old))
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
                if new is not None and not new.exists():
                    os.replace(placed, new)
                if old is not None:
                    os.replace(old, placed)
        raise OSError(exc.errno, f"{exc.strerror or exc} (nothing of the new report was written)",
                        str(target)) from exc
