"""Files nobody else may read, written whole or not at all.

A copy is written under a temporary name (``.NAME.PID.part``) in the folder it ends in,
checked, flushed to disk and only then renamed to its final name, so a process killed at
any point (kill -9 included) leaves no truncated file under a final name. A stale
``.part`` (its process has ended) is removed by the next copy into that folder. Files
are created 0600, folders 0700.

Tests stop a copy at a known point (never a timed sleep): with ``OMS_TEST_PAUSE_AT`` set
to ``copy`` (the snapshot written, not yet checked nor renamed) or ``compress`` (the
compressed file half written), the process writes its pid to ``OMS_TEST_PAUSE_SIGNAL``
and waits there until it is killed.
"""

from __future__ import annotations

import gzip
import os
import re
import shutil
import signal
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ...i18n import N_
from .errors import OmsError

PAUSE_ENV = "OMS_TEST_PAUSE_AT"
PAUSE_SIGNAL_ENV = "OMS_TEST_PAUSE_SIGNAL"
CHUNK = 1 << 20
BUSY_TIMEOUT_S = 30.0
_PART = re.compile(r"^\..+\.(\d+)\.part$")


class Stopped(OmsError):
    """A copy given up on request (its temporary files removed)."""


def pause_point(name: str) -> None:
    """Stop here for good when a test asked for it (see the module docstring)."""
    if os.environ.get(PAUSE_ENV) != name:
        return
    signal_file = os.environ.get(PAUSE_SIGNAL_ENV)
    if signal_file:
        Path(signal_file).write_text(str(os.getpid()))
    while True:  # until killed
        signal.pause()


def private_dir(path: Path) -> Path:
    """The folder, made 0700 when it is created here (an existing one is left as it is)."""
    if not path.is_dir():
        try:
            path.mkdir(mode=0o700, parents=True, exist_ok=True)
            path.chmod(0o700)
        except OSError as exc:
            raise OmsError(
                N_("cannot create the folder {folder}: {error}").format(
                    folder=path, error=exc.strerror
                )
            ) from None
    return path


def create_private(path: Path) -> int:
    """A new, empty file readable by its owner only (0600); its descriptor."""
    try:
        return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise OmsError(N_("cannot write {file}: {error}").format(file=path, error=exc.strerror)
                       ) from None  # fmt: skip


def part_name(final: Path) -> Path:
    return final.with_name(f".{final.name}.{os.getpid()}.part")


def remove_stale_parts(folder: Path) -> None:
    """Remove temporary files left by copies whose process has ended (killed mid-copy)."""
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        match = _PART.match(path.name)
        if match and not _alive(int(match.group(1))):
            path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # a copy of this process that failed earlier
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(part: Path, final: Path) -> Path:
    """Rename a complete, checked temporary file to its final name, durably."""
    fsync_file(part)
    os.replace(part, final)
    try:
        dir_fd = os.open(final.parent, os.O_RDONLY)
    except OSError:  # some systems cannot open a folder: the rename is done all the same
        return final
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return final


@contextmanager
def removed_on_failure(*paths: Path) -> Iterator[None]:
    """Remove these (temporary) files when the block fails."""
    try:
        yield
    except BaseException:
        for path in paths:
            path.unlink(missing_ok=True)
        raise


def sqlite_snapshot(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite database into the new file ``target`` (0600), while
    other processes keep writing: the online backup API copies every page in one step,
    inside one read transaction (WAL writers are not blocked). The copy is a single file
    (rollback journal, not WAL), checked with ``PRAGMA quick_check``."""
    os.close(create_private(target))
    src = sqlite3.connect(source, timeout=BUSY_TIMEOUT_S)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # i18n: no
            check_sqlite(dst, target)
        finally:
            dst.close()
    finally:
        src.close()


def check_sqlite(conn: sqlite3.Connection, path: Path) -> None:
    try:
        result = conn.execute("PRAGMA quick_check").fetchall()  # i18n: no
    except sqlite3.DatabaseError as exc:
        raise OmsError(
            N_("{file} is not a readable SQLite database: {error}").format(file=path, error=exc)
        ) from None
    if result != [("ok",)]:
        raise OmsError(N_("{file} is damaged: {error}").format(file=path, error=result[0][0]))


def gzip_into(raw: Path, final: Path, stop: Callable[[], bool] | None = None) -> Path:
    """Compress ``raw`` into ``final`` through a temporary name; read back (its CRC and
    length) before the rename. ``stop`` is asked between chunks: when it says so, nothing
    is left and ``Stopped`` is raised (an app closing does not wait for the whole copy)."""
    part = part_name(final)
    with removed_on_failure(part):
        with os.fdopen(create_private(part), "wb") as out, open(raw, "rb") as src:
            with gzip.GzipFile(filename=final.stem, mode="wb", fileobj=out, mtime=0) as zipped:
                first = True
                while chunk := src.read(CHUNK):
                    if stop is not None and stop():
                        raise Stopped(N_("the backup to {file} was stopped").format(file=final))
                    zipped.write(chunk)
                    if first:
                        zipped.flush()
                        out.flush()
                        pause_point("compress")
                        first = False
        read = 0
        with gzip.open(part, "rb") as check:
            while chunk := check.read(CHUNK):
                read += len(chunk)
        if read != raw.stat().st_size:
            raise OmsError(N_("the compressed copy of {file} came out short").format(file=raw))
        return publish(part, final)


def gunzip_into(source: Path, target: Path) -> None:
    """Decompress a backup into the new file ``target`` (0600)."""
    try:
        with gzip.open(source, "rb") as src, os.fdopen(create_private(target), "wb") as out:
            shutil.copyfileobj(src, out, CHUNK)
    except (gzip.BadGzipFile, EOFError, OSError) as exc:
        target.unlink(missing_ok=True)
        raise OmsError(
            N_("{file} is not a complete oms backup: {error}").format(file=source, error=exc)
        ) from None
