"""Schema versions: Alembic upgrades, and the backup taken before upgrading a SQLite file."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import inspect, text

from ...config import sqlite_path
from ...i18n import N_
from ...migrations import HEAD
from . import safe_files
from .db import Database
from .permissions import anyone

SCHEMA = "which schema the database is at: no data"  # i18n: no
# Every command brings an older database to the program's schema before anyone works in
# it, and a database older than the users table has nobody to ask.
UPGRADE = "the schema follows the program: brought up to date for whoever opens it"  # i18n: no

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"


def alembic_config(url: str):  # noqa: ANN201
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


@anyone(SCHEMA)
def current_revision(db: Database) -> str | None:
    """The database's schema revision; None for an empty database."""
    with db.engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()  # i18n: no


@anyone(SCHEMA)
def is_empty(db: Database) -> bool:
    with db.engine.connect() as conn:
        return not inspect(conn).get_table_names()


@anyone(SCHEMA)
def needs_upgrade(db: Database) -> bool:
    return current_revision(db) != HEAD


@anyone(UPGRADE)
def upgrade(db: Database, revision: str = "head") -> None:
    from alembic import command

    cfg = alembic_config(db.url)
    with db.engine.connect() as conn:
        sqlite = db.dialect == "sqlite"
        if sqlite:
            # Batch migrations copy tables; with foreign keys on, dropping the old copy checks
            # every referencing row (minutes on a big file). Off for the migration (it can only
            # be changed outside a transaction), checked before commit, on again after.
            conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")  # i18n: no
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
                if sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()  # i18n: no
                    if broken:
                        raise RuntimeError(N_("migration left broken references: {rows}")
                                           .format(rows=broken[:5]))  # fmt: skip
        finally:
            if sqlite:
                conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")  # i18n: no


@anyone(UPGRADE)
def backup_sqlite(db: Database, label: str = "pre-upgrade") -> Path | None:
    """Copy a SQLite database (consistently, with the backup API) beside it; returns the copy.

    Written under a temporary name, checked, and renamed only when complete: a process
    killed during the copy leaves no truncated file under the copy's name (``safe_files``).
    """
    path = sqlite_path(db.url)
    if path is None or not path.exists():
        return None
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.{label}-{stamp}{path.suffix}")
    safe_files.remove_stale_parts(path.parent)
    part = safe_files.part_name(target)
    with safe_files.removed_on_failure(part):
        safe_files.sqlite_snapshot(path, part)
        safe_files.pause_point("copy")
        return safe_files.publish(part, target)


def is_known(revision: str) -> bool:
    """Whether this oms knows the revision (a newer oms's is unknown here)."""
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    try:
        return script.get_revision(revision) is not None
    except CommandError:
        return False


@anyone(UPGRADE)
def upgrade_with_backup(db: Database) -> Path | None:
    """Bring an older database to the current schema, copying it first. Returns the backup."""
    if not needs_upgrade(db):
        return None
    backup = None if current_revision(db) is None else backup_sqlite(db)
    upgrade(db)
    return backup


__all__ = ["HEAD", "upgrade", "upgrade_with_backup", "needs_upgrade", "current_revision",
           "backup_sqlite", "is_empty", "alembic_config", "is_known"]  # fmt: skip
