"""Migrations: from an empty database to the newest schema, matching the models."""

from __future__ import annotations

import sqlite3

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlmodel import SQLModel

from oms_tui.migrations import HEAD
from oms_tui.services import schema
from oms_tui.services.db import Database
from tests.factories import make_order


def test_head_constant_matches_alembic():
    script = ScriptDirectory.from_config(schema.alembic_config("sqlite://"))
    assert script.get_current_head() == HEAD


def test_migrations_from_empty_database_build_the_whole_model(any_db_url):
    db = Database(any_db_url)
    assert schema.is_empty(db) and schema.current_revision(db) is None
    assert schema.needs_upgrade(db)
    schema.upgrade(db)
    assert schema.current_revision(db) == HEAD and not schema.needs_upgrade(db)
    with db.engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        assert set(SQLModel.metadata.tables) <= tables
        # the migrations describe exactly the models: nothing left for autogenerate
        assert compare_metadata(MigrationContext.configure(conn), SQLModel.metadata) == []
    schema.upgrade(db)  # idempotent
    db.dispose()


def test_upgrade_of_a_current_database_takes_no_backup(sqlite_db, tmp_path):
    make_order(sqlite_db)
    assert schema.upgrade_with_backup(sqlite_db) is None
    assert not list(tmp_path.glob("oms.pre-upgrade-*.db"))


def test_older_database_is_copied_before_upgrade(sqlite_db, tmp_path, monkeypatch):
    order = make_order(sqlite_db)
    with sqlite_db.engine.begin() as conn:  # pretend the file predates the newest migration
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = 'older'")
    assert schema.needs_upgrade(sqlite_db)
    seen = []

    def fake_upgrade(db, revision="head"):  # the backup must exist before any migration runs
        seen.append(sorted(tmp_path.glob("oms.pre-upgrade-*.db")))

    monkeypatch.setattr(schema, "upgrade", fake_upgrade)
    backup = schema.upgrade_with_backup(sqlite_db)
    assert backup is not None and seen == [[backup]]
    with sqlite3.connect(backup) as conn:
        assert conn.execute("SELECT number FROM sales_order").fetchall() == [(order.number,)]
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [("older",)]


def test_a_real_older_database_keeps_its_data_through_the_upgrade(tmp_path):
    """A database left at the first schema: copied, upgraded, nothing lost."""
    db = Database(f"sqlite:///{tmp_path / 'oms.db'}")
    schema.upgrade(db, "0001")
    order = make_order(db)
    assert schema.needs_upgrade(db)
    backup = schema.upgrade_with_backup(db)
    assert schema.current_revision(db) == HEAD
    from oms_tui.services import orders

    assert orders.get_order(db, order.number).total_minor == order.total_minor
    with sqlite3.connect(backup) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001",)]
        assert conn.execute("SELECT number FROM sales_order").fetchall() == [(order.number,)]
