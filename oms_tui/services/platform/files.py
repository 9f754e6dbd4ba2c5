"""Files oms writes (the database, PDFs, exports, error reports, the log; backups are
``safe_files``') are its owner's alone: files 0600, folders 0700, whatever the umask. A
file asked for by name (``--out``) is never written over unless ``overwrite``
(``--force``), and never when it is the database in use (or its WAL, shared-memory or
journal file), ``--force`` or not."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ...i18n import N_
from .errors import InvalidInput
from .safe_files import private_dir

FILE_MODE = 0o600
_SQLITE_SIDES = ("", "-wal", "-shm", "-journal")

__all__ = [
    "FILE_MODE",
    "check_target",
    "create_private",
    "database_files",
    "private_dir",
    "write_private",
]


def create_private(path: str | Path) -> bool:
    """Make an empty file only its owner can read (e.g. before SQLite opens a new database
    there, so it and its WAL and shared-memory files get 0600); False when it exists."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    except FileExistsError:
        return False
    return True


def same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


def check_target(path: str | Path, *, overwrite: bool = False, protect: Iterable[Path] = ()
                 ) -> Path:  # fmt: skip
    """``path`` when ``write_private`` may write it; else ``InvalidInput`` saying why."""
    path = Path(path)
    for kept in protect:
        if same_file(path, kept):
            raise InvalidInput(N_("{file} is the database in use: write somewhere else").format(
                file=path), "out")  # fmt: skip
    if path.is_dir():
        raise InvalidInput(N_("{file} is a folder: name a file").format(file=path), "out")
    if path.exists() and not overwrite:
        raise _exists(path)
    return path


def write_private(path: str | Path, data: bytes, *, overwrite: bool = True,
                  protect: Iterable[Path] = ()) -> Path:  # fmt: skip
    """Write ``data`` to ``path`` as a 0600 file (its folder made 0700 when new). An
    existing file is refused unless ``overwrite`` (the sentence names ``--force``); a file
    in ``protect`` (the database in use: see ``database_files``) always is."""
    path = check_target(path, overwrite=overwrite, protect=protect)
    private_dir(path.parent.absolute())
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | (0 if overwrite else os.O_EXCL)
    try:
        fd = os.open(path, flags, FILE_MODE)
    except FileExistsError:
        raise _exists(path) from None
    except OSError as error:
        raise InvalidInput(N_("cannot write {file}: {error}").format(
            file=path, error=error.strerror), "out") from None  # fmt: skip
    with os.fdopen(fd, "wb") as out:
        os.fchmod(out.fileno(), FILE_MODE)  # an existing file replaced keeps no wider mode
        out.write(data)
    return path


def _exists(path: Path) -> InvalidInput:
    return InvalidInput(N_("{file} exists: give --force to replace it").format(file=path), "out")


def database_files(url: str) -> list[Path]:
    """The files of the SQLite database ``url`` names (none for a server database)."""
    from ...config import sqlite_path

    path = sqlite_path(url)
    return [] if path is None else [path.with_name(path.name + s) for s in _SQLITE_SIDES]
