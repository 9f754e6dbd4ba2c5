"""Migrated databases for tests, made once per test process instead of once per test.

Running the migrations costs about a second a database, and most tests want the same
thing: the current schema with nothing in it but what the migrations insert. So each test
process (each pytest-xdist worker is one) builds that once and hands each test a copy:

- SQLite: the migrations run once into a template file; a test gets its own copy of it.
- PostgreSQL: the process migrates one schema of its own; before each test every table in
  it is emptied and its sequences restarted (as ``TRUNCATE ... RESTART IDENTITY`` would) and
  the rows the migrations insert (0014's sales channels) are put back, sequences and all.

A "state" other than the bare schema (the demo company) is built the same way, once per
process: a template file copied, or a snapshot schema copied back into the process's schema.
Tests of the migrations, of an empty database, or whose child processes connect on their
own use an empty database of their own (conftest's ``any_db_url``) or ``fresh_db``.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, MetaData, create_engine, text

from oms_tui.services.platform import schema
from oms_tui.services.platform.db import Database

PG_URL = os.environ.get("OMS_TEST_POSTGRES_URL")
ENGINES = (
    ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)] if PG_URL else ["sqlite"]
)
Build = Callable[[Database], object]
BARE = "migrated"  # the state every test starts from: the schema, the migrations' rows, users

# The users every test database has (services refuse a name that is no user: permissions.py).
# A name that is a role has that role; the other names tests act as are admins, who may do
# everything, so a test about a business rule is not about permissions. Tests of who may do
# what use the role-named users, or add their own.
ROLE_USERS = ("clerk", "auditor", "warehouse", "production", "finance", "manager", "admin")
ADMIN_USERS = ("tester", "t", "wang", "li", "liu", "zhao", "zhang", "lin", "store",
               "counter", "importer", "picker", "packer", "dispatcher", "buyer", "cron",
               "clerk2", "qc", "eng", "me", "f", "d", "script", "carrier", "wu",
               "system", "demo", "driver", "someone", "alice", "bob", "other", "boss")  # fmt: skip


def seed_users(db: Database) -> None:
    """Insert the test users (ROLE_USERS, ADMIN_USERS and the OS account running the tests,
    admin, as the first user of a new database would be)."""
    from oms_tui.config import os_user
    from oms_tui.models import User

    names = {name: name for name in ROLE_USERS}
    names.update({name: "admin" for name in (*ADMIN_USERS, os_user()) if name not in names})
    with db.write() as session:
        for name, role in names.items():
            session.add(User(name=name, display_name=name, role=role))


_EXTENSIONS_READY: set[str] = set()


def create_extensions(server_url: str) -> None:
    """pg_trgm (migration 0021) in the test database, made once, under a lock: two test
    processes starting together on a database that has never had it both run the
    migration's ``CREATE EXTENSION IF NOT EXISTS``, and the second one fails on the
    catalog's unique index (seen on a new machine). Once it exists, that statement writes
    nothing and cannot race."""
    if server_url in _EXTENSIONS_READY:
        return
    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(7201021)"))
            try:
                conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public"))
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(7201021)"))
    finally:
        engine.dispose()
    _EXTENSIONS_READY.add(server_url)


def with_search_path(url: str, name: str) -> str:
    """``url`` with every connection's search_path set to schema ``name``."""
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{name}"


class SqliteTemplates:
    """Template files in one folder of the test session, made on first use."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files: dict[str, Path] = {}

    def copy(self, target: Path, state: str = BARE, build: Build | None = None) -> Database:
        if state not in self.files:
            path = self.folder / f"{state}.db"
            if state == BARE:
                made = Database(f"sqlite:///{path}")
                schema.upgrade(made)
                seed_users(made)
            else:
                shutil.copyfile(self.template(BARE), path)
                made = Database(f"sqlite:///{path}")
                assert build is not None, f"no way to build state {state!r}"
                build(made)
            made.dispose()  # the last connection closed: the WAL is folded into the file
            self.files[state] = path
        shutil.copyfile(self.files[state], target)
        return Database(f"sqlite:///{target}")

    def template(self, state: str) -> Path:
        if state not in self.files:
            self.copy(self.folder / "scratch.db", state)
        return self.files[state]


class PostgresSchema:
    """One migrated schema for this process, emptied or filled with a saved state per test.

    Emptying deletes the rows of the tables that hold any (children first) and puts the
    sequences back: the effect of ``TRUNCATE ... RESTART IDENTITY CASCADE`` on every table,
    which costs about 40 ms a table (a new file each; 2 s for all 51 on this machine) where
    one query for the tables in use and a few DELETEs take 0.05 s."""

    def __init__(self, server_url: str) -> None:
        self.name = f"w_{uuid.uuid4().hex[:12]}"
        self.url = with_search_path(server_url, self.name)
        create_extensions(server_url)
        self.admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{self.name}"'))
        migrated = Database(self.url)
        schema.upgrade(migrated)
        seed_users(migrated)
        migrated.dispose()
        self.engine: Engine = create_engine(self.url)
        meta = MetaData()
        with self.engine.connect() as conn:
            meta.reflect(conn)
        # parents before children: rows copied in this order, deleted in the reverse
        self.tables = [t.name for t in meta.sorted_tables if t.name != "alembic_version"]
        self._filled = text(" UNION ALL ".join(
            f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM \"{t}\")" for t in self.tables))  # fmt: skip
        self._positions = text(
            "SELECT sequencename, last_value FROM pg_sequences "
            "WHERE schemaname = :s AND last_value IS NOT NULL"
        ).bindparams(s=self.name)
        self.snapshots: dict[str, tuple[str, list[str], dict[str, int]]] = {}
        self._save(BARE)

    def _save(self, state: str) -> None:
        """Copy every non-empty table and the sequences' positions aside as ``state``."""
        saved = f"{self.name}_{state}"
        with self.engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{saved}"'))
            filled = {row[0] for row in conn.execute(self._filled)}
            for t in filled:
                conn.execute(text(f'CREATE TABLE "{saved}"."{t}" AS TABLE "{self.name}"."{t}"'))
            sequences = dict(conn.execute(self._positions).all())
        self.snapshots[state] = (saved, [t for t in self.tables if t in filled], sequences)

    def reset(self, state: str = BARE, build: Build | None = None) -> Database:
        """The process's schema as ``state`` (built now, the first time); a new Database on it."""
        if state not in self.snapshots:
            self.reset(BARE).dispose()
            database = Database(self.url)
            assert build is not None, f"no way to build state {state!r}"
            build(database)
            database.dispose()
            self._save(state)
        saved, copied, sequences = self.snapshots[state]
        with self.engine.begin() as conn:
            # a lock still held by a connection a test left open would stop the DELETEs: fail
            # with the reason rather than hang
            conn.execute(text("SET LOCAL lock_timeout = '60s'"))
            filled = {row[0] for row in conn.execute(self._filled)}
            for t in reversed(self.tables):
                if t in filled:
                    conn.execute(text(f'DELETE FROM "{t}"'))
            for t in copied:
                conn.execute(text(f'INSERT INTO "{t}" SELECT * FROM "{saved}"."{t}"'))
            moved = dict(conn.execute(self._positions).all())
            for seq in moved.keys() | sequences.keys():
                if moved.get(seq) != sequences.get(seq):  # where it was, or as new
                    value, called = (sequences[seq], True) if seq in sequences else (1, False)
                    conn.execute(text("SELECT setval(:seq, :value, :called)"),
                                 {"seq": f'"{self.name}"."{seq}"', "value": value,
                                  "called": called})  # fmt: skip
        return Database(self.url)

    def drop(self) -> None:
        self.engine.dispose()
        with self.admin.connect() as conn:
            for saved, _, _ in self.snapshots.values():
                conn.execute(text(f'DROP SCHEMA "{saved}" CASCADE'))
            conn.execute(text(f'DROP SCHEMA "{self.name}" CASCADE'))
        self.admin.dispose()


class Databases:
    """What the fixtures hand out: SQLite copies, and this process's PostgreSQL schema."""

    def __init__(self, folder: Path, server_url: str | None) -> None:
        self.sqlite = SqliteTemplates(folder)
        self.server_url = server_url
        self._pg: PostgresSchema | None = None

    def get(self, engine: str, tmp_path: Path, state: str = BARE,
            build: Build | None = None) -> Database:  # fmt: skip
        """A database on ``engine`` ("sqlite" or "postgresql") holding ``state``."""
        if engine == "postgresql":
            if self._pg is None:
                assert self.server_url, "OMS_TEST_POSTGRES_URL is not set"
                self._pg = PostgresSchema(self.server_url)
            return self._pg.reset(state, build)
        return self.sqlite.copy(tmp_path / "oms.db", state, build)

    def close(self) -> None:
        if self._pg is not None:
            self._pg.drop()
