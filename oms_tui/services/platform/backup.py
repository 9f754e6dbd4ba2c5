"""Backups: ``oms backup``, ``oms backup --verify``, ``oms restore`` and the daily backup
the app takes when it opens.

- **Consistent while clerks work.** SQLite: the online backup API copies every page inside
  one read transaction (writers go on, WAL); PostgreSQL: ``pg_dump``'s snapshot.
- **Compressed, named, in one folder.** ``<name>-<YYYYMMDD>-<HHMMSS>-r<revision>[-label]``
  with ``.db.gz`` (SQLite, gzip) or ``.pgdump`` (pg_dump's custom format, compressed), in
  ``backups/`` beside a SQLite file, or in oms's data folder for PostgreSQL (``folder``).
- **Rotation.** After each backup into that folder: the newest of each of the last
  ``backup_keep_daily`` days that have one, and the newest of each of the last
  ``backup_keep_weekly`` weeks; the others are removed (``to_remove``).
- **Whole or nothing.** Written under a temporary name, checked, renamed (``safe_files``);
  files 0600, folders 0700.
- **Restore** refuses a backup of a newer schema (an oms newer than this one made it) and,
  unless forced, a database other oms processes have open (``presence``); it keeps the
  database as it was as a backup first, and brings an older backup to the newest schema.
- **Who.** Backing up and restoring by hand is ``backup.run`` (admins: ``take``,
  ``restore``); the daily backup is taken on everyone's behalf by whoever opens the app
  (``daily``); a backup restored where no oms database is yet (``restore_new``) has
  nobody to ask, and brings its own users.
"""

from __future__ import annotations

import os
import re
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from ...config import default_data_dir, pg_schema, sqlite_path
from ...i18n import N_
from ...migrations import HEAD
from . import pg_backup, presence, safe_files, schema
from .db import Database
from .errors import OmsError
from .permissions import NotPermitted, anyone, requires
from .settings import read_int_settings, write_int_setting

READ = "where the backups are and how many are kept: no data of the database"  # i18n: no

SUFFIXES = {"sqlite": ".db.gz", "postgresql": ".pgdump"}
_NAME = re.compile(r"^(?P<prefix>.+)-(?P<day>\d{8})-(?P<time>\d{6})-r(?P<revision>\w+?)"  # i18n: no
                   r"(?:-(?P<label>[a-z-]+))?(?P<suffix>\.db\.gz|\.pgdump)$")  # fmt: skip
_GZIP, _PGDUMP = b"\x1f\x8b", b"PGDMP"


@dataclass(frozen=True)
class BackupSettings:
    """How many backups the folder keeps (``oms settings backup_keep_daily 7``)."""

    backup_keep_daily: int = 7  # the newest of each of the last N days with a backup
    backup_keep_weekly: int = 4  # and the newest of each of the last M weeks


@anyone(READ)
def get_backup_settings(db: Database) -> BackupSettings:
    with db.read() as session:
        return read_int_settings(session, BackupSettings)


@requires("settings.change")
def set_backup_setting(db: Database, actor: str, key: str, value: int) -> BackupSettings:
    return write_int_setting(db, actor, BackupSettings, key, value, "backup")


@dataclass(frozen=True)
class Backup:
    """A backup written: where, the schema revision it holds, its size, and the older
    backups the rotation removed."""

    path: Path
    revision: str
    size: int
    removed: tuple[Path, ...] = ()


@dataclass(frozen=True)
class Opened:
    """A backup opened in a scratch database: the database (at the newest schema) and
    the revision the backup was taken at."""

    db: Database
    revision: str


@dataclass(frozen=True)
class Restored:
    revision: str  # the backup's schema revision
    kept: Path | None  # the database as it was, kept as a backup (None: it was empty)
    upgraded: bool  # the backup was older and was brought to the newest schema


# -- where and what -------------------------------------------------------------------------


@anyone(READ)
def folder(db: Database) -> Path:
    """The backups folder: ``backups/`` beside a SQLite file, else in oms's data folder."""
    path = sqlite_path(db.url)
    if path is not None:
        return path.parent / "backups"
    return default_data_dir() / "backups"


@anyone(READ)
def prefix(db: Database) -> str:
    """What a backup's name starts with: the file's name, or the database and schema."""
    path = sqlite_path(db.url)
    if path is not None:
        return path.stem
    if db.dialect != "postgresql":
        raise OmsError(N_("backups are made of a SQLite file or a PostgreSQL database"))
    return f"{make_url(db.url).database}-{pg_schema(db.url)}"


@anyone(READ)
def backup_name(db: Database, revision: str, when: datetime, label: str = "") -> str:
    tail = f"-{label}" if label else ""
    return f"{prefix(db)}-{when:%Y%m%d-%H%M%S}-r{revision}{tail}{SUFFIXES[db.dialect]}"


@anyone(READ)
def backups_in(db: Database) -> list[tuple[Path, datetime]]:
    """This database's backups in its folder, newest first, with when each was taken."""
    where, start = folder(db), prefix(db)
    if not where.is_dir():
        return []
    found = []
    for path in where.iterdir():
        match = _NAME.match(path.name)
        if match and match["prefix"] == start and path.is_file():
            taken = datetime.strptime(match["day"] + match["time"], "%Y%m%d%H%M%S")
            found.append((path, taken))
    return sorted(found, key=lambda found: (found[1], found[0].name), reverse=True)


def to_remove(taken: list[tuple[Path, datetime]], keep_daily: int, keep_weekly: int,
              today: date) -> list[Path]:  # fmt: skip
    """Which backups the rotation removes: all but every one taken ``today``, the newest of
    each of the last ``keep_daily`` days with a backup, and the newest of each of the last
    ``keep_weekly`` weeks (ISO weeks)."""
    newest_first = sorted(taken, key=lambda found: (found[1], found[0].name), reverse=True)
    keep = {path for path, when in newest_first if when.date() == today}
    days: set[date] = set()
    weeks: set[tuple[int, int]] = set()
    for path, when in newest_first:
        day, week = when.date(), when.isocalendar()[:2]
        if day not in days and len(days) < keep_daily:
            days.add(day)
            keep.add(path)
        if week not in weeks and len(weeks) < keep_weekly:
            weeks.add(week)
            keep.add(path)
    return [path for path, _when in newest_first if path not in keep]


# -- taking one -----------------------------------------------------------------------------


@requires("backup.run")
def take(db: Database, actor: str, out: Path | None = None, *, label: str = "",
         now: datetime | None = None) -> Backup:  # fmt: skip
    """Back the database up by hand (``oms backup``) into the backups folder (rotated
    after) or to ``out``."""
    return _take(db, out, label=label, now=now)


def _take(db: Database, out: Path | None = None, *, label: str = "",
          now: datetime | None = None, spare: Path | None = None,
          stop: Callable[[], bool] | None = None) -> Backup:  # fmt: skip
    """Back the database up into the backups folder (rotated after, ``spare`` aside) or
    to ``out``. ``stop``: asked while compressing; when it says so, nothing is left
    (``safe_files.Stopped``)."""
    revision = schema.current_revision(db)
    if revision is None:
        raise OmsError(N_("the database has no oms tables: nothing to back up"))
    now = now or datetime.now()
    name = backup_name(db, revision, now, label)
    if out is None:
        final = safe_files.private_dir(folder(db)) / name
    else:
        final = out / name if out.is_dir() else out
        safe_files.private_dir(final.parent)
    if final.exists():
        raise OmsError(N_("{file} already exists: give another --out, or remove it first")
                       .format(file=final))  # fmt: skip
    safe_files.remove_stale_parts(final.parent)
    if db.dialect == "sqlite":
        _take_sqlite(db, final, stop)
    else:
        _take_postgres(db, final)
    backup = Backup(final, revision, final.stat().st_size)
    if out is None:
        keep = get_backup_settings(db)
        removed = [path for path in to_remove(backups_in(db), keep.backup_keep_daily,
                                              keep.backup_keep_weekly, now.date())
                   if spare is None or path.resolve() != spare.resolve()]  # fmt: skip
        for path in removed:
            path.unlink(missing_ok=True)
        backup = replace(backup, removed=tuple(removed))
    return backup


def _take_sqlite(db: Database, final: Path, stop: Callable[[], bool] | None) -> None:
    source = sqlite_path(db.url)
    if source is None:
        raise OmsError(N_("an in-memory database cannot be backed up"))
    raw = safe_files.part_name(final.with_name(final.name + ".raw"))
    with safe_files.removed_on_failure(raw):
        safe_files.sqlite_snapshot(source, raw)
        safe_files.pause_point("copy")
        safe_files.gzip_into(raw, final, stop)
    raw.unlink()


def _take_postgres(db: Database, final: Path) -> None:
    pg_backup.require("pg_dump", "pg_restore")
    part = safe_files.part_name(final)
    fd = safe_files.create_private(part)
    with safe_files.removed_on_failure(part):
        try:
            pg_backup.dump(db.url, fd)
        finally:
            os.close(fd)
        safe_files.pause_point("copy")
        pg_backup.contents(part)  # the archive reads back whole
        safe_files.publish(part, final)


@anyone("the daily backup when the app opens is taken on everyone's behalf")  # i18n: no
def daily(db: Database, now: datetime | None = None,
          stop: Callable[[], bool] | None = None) -> Backup | None:  # fmt: skip
    """The daily backup, unless the folder holds one taken today already."""
    now = now or datetime.now()
    if any(when.date() == now.date() for _path, when in backups_in(db)):
        return None
    try:
        return _take(db, now=now, stop=stop)
    except safe_files.Stopped:
        raise
    except OmsError as exc:
        raise OmsError(N_("no daily backup: {error}").format(error=exc)) from None


# -- opening one ----------------------------------------------------------------------------


def kind_of(file: Path) -> str:
    """ "sqlite" or "postgresql": which engine's backup the file is (by its first bytes)."""
    try:
        with open(file, "rb") as f:
            head = f.read(5)
    except FileNotFoundError:
        raise OmsError(N_("no file {file}").format(file=file)) from None
    except OSError as exc:
        raise OmsError(N_("cannot read {file}: {error}").format(file=file, error=exc.strerror)
                       ) from None  # fmt: skip
    if head.startswith(_GZIP):
        return "sqlite"
    if head.startswith(_PGDUMP):
        return "postgresql"
    raise OmsError(N_("{file} is not an oms backup (neither a compressed SQLite file nor a "
                      "pg_dump archive)").format(file=file))  # fmt: skip


def _check_revision(file: Path, revision: str | None) -> str:
    if revision is None:
        raise OmsError(
            N_("{file} is not an oms backup: it has no schema revision").format(file=file)
        )
    if not schema.is_known(revision):
        raise OmsError(N_("{file} was made by a newer oms (schema {revision}; this oms knows "
                          "up to {head}): upgrade oms first").format(
            file=file, revision=revision, head=HEAD))  # fmt: skip
    return revision


@contextmanager
def _unpacked(file: Path) -> Iterator[tuple[Path, str]]:
    """A SQLite backup decompressed into a private scratch folder: its path and revision."""
    with tempfile.TemporaryDirectory(prefix="oms-backup-") as scratch:
        path = Path(scratch) / "copy.db"
        safe_files.gunzip_into(file, path)
        conn = sqlite3.connect(path)
        try:
            safe_files.check_sqlite(conn, file)
            try:
                row = conn.execute("SELECT version_num FROM alembic_version").fetchone()  # i18n: no
            except sqlite3.DatabaseError:
                row = None
        finally:
            conn.close()
        yield path, _check_revision(file, row[0] if row else None)


@contextmanager
def opened(file: Path, db: Database | None) -> Iterator[Opened]:
    """The backup restored into a scratch database (a temporary file; for PostgreSQL a
    scratch database on ``db``'s server), brought to the newest schema, for the block."""
    if kind_of(file) == "sqlite":
        with _unpacked(file) as (path, revision):
            with _current(f"sqlite:///{path}", revision) as copy:
                yield copy
        return
    if db is None or db.dialect != "postgresql":
        raise OmsError(N_("{file} is a PostgreSQL backup: open it with --db naming a "
                          "PostgreSQL server").format(file=file))  # fmt: skip
    dumped, revision = pg_backup.contents(file)
    revision = _check_revision(file, revision)
    with pg_backup.scratch_database(db.url) as url:
        pg_backup.restore_into(url, file, dumped)
        with _current(_with_schema(url, dumped), revision) as copy:
            yield copy


@contextmanager
def _current(url: str, revision: str) -> Iterator[Opened]:
    """The scratch database at ``url``, brought to the newest schema, for the block."""
    copy = Database(url)
    try:
        if revision != HEAD:
            schema.upgrade(copy)
        yield Opened(copy, revision)
    finally:
        copy.dispose()


def _with_schema(url: str, name: str) -> str:
    u = make_url(url)
    return u.update_query_dict({"options": f"-csearch_path={name}"}).render_as_string(
        hide_password=False
    )


# -- restoring one --------------------------------------------------------------------------


@anyone(READ)
def others_connected(db: Database) -> list[str]:
    """The other oms processes that have this database open (see ``presence``)."""
    path = sqlite_path(db.url)
    if path is not None:
        return presence.others(path)
    if db.dialect != "postgresql":
        return []
    with db.engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT usename, application_name, host(client_addr) FROM pg_stat_activity"  # i18n: no
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )).all()  # fmt: skip
    return presence.others_on_postgres([tuple(row) for row in rows], pg_schema(db.url))


@requires("backup.run")
def restore(db: Database, actor: str, file: Path, *, force: bool = False) -> Restored:
    """Replace the database's contents with the backup's (see the module docstring)."""
    return _restore(db, file, force)


@anyone("restoring where no oms database is yet: it has no users to ask, the backup "  # i18n: no
        "brings its own; refused where there is one (that is `restore`, backup.run)")  # fmt: skip
def restore_new(db: Database, file: Path, *, force: bool = False) -> Restored:
    """Restore a backup into a place that holds no oms database (a new file, an empty
    schema): the way back after the database was lost."""
    if schema.current_revision(db) is not None:
        raise NotPermitted(N_("the database holds oms data already: replacing it is a "
                              "restore by a user who may back up and restore"))  # fmt: skip
    return _restore(db, file, force)


def _restore(db: Database, file: Path, force: bool) -> Restored:
    kind = kind_of(file)
    if kind != db.dialect:
        raise OmsError(
            N_("{file} is a {engine} backup; the database is {database}").format(
                file=file, engine=_ENGINE[kind], database=_ENGINE.get(db.dialect, db.dialect)
            )
        )
    if kind == "sqlite":
        with _unpacked(file) as (copy, revision):
            kept = _before_restore(db, force, file)
            _copy_into(copy, sqlite_path(db.url))
    else:
        dumped, revision = pg_backup.contents(file)
        revision = _check_revision(file, revision)
        if dumped != pg_schema(db.url):
            raise OmsError(N_("{file} holds the schema {schema}; the database works in "
                              "{works_in} (--db with search_path={schema})").format(
                file=file, schema=dumped, works_in=pg_schema(db.url)))  # fmt: skip
        pg_backup.require("pg_restore", "psql")
        kept = _before_restore(db, force, file)
        db.dispose()
        pg_backup.restore_into(db.url, file, dumped)
    db.dispose()  # no pooled connection keeps what it knew of the old contents
    upgraded = revision != HEAD
    if upgraded:
        schema.upgrade(db)
    return Restored(revision, kept, upgraded)


_ENGINE = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def _before_restore(db: Database, force: bool, file: Path) -> Path | None:
    """Refuse while others have the database open (unless forced); keep it as it is."""
    others = others_connected(db)
    if others and not force:
        if len(others) == 1:
            text = N_("1 other oms process has the database open: {who}; ask them to close "
                      "oms, or use --force")  # fmt: skip
        else:
            text = N_("{n} other oms processes have the database open: {who}; ask them to "
                      "close oms, or use --force")  # fmt: skip
        raise OmsError(text.format(n=len(others), who=", ".join(others)))
    if schema.is_empty(db) or schema.current_revision(db) is None:
        return None
    return _take(db, label="before-restore", spare=file).path


def _copy_into(copy: Path, target: Path | None) -> None:
    """The backup's pages into the live file through SQLite's backup API: one write
    transaction, so other connections see the old contents or the new, never a mix."""
    if target is None:
        raise OmsError(N_("an in-memory database cannot be restored into"))
    src = sqlite3.connect(copy)
    try:
        dst = sqlite3.connect(target, timeout=safe_files.BUSY_TIMEOUT_S)
        try:
            src.backup(dst)
            safe_files.check_sqlite(dst, target)
        finally:
            dst.close()
    finally:
        src.close()
