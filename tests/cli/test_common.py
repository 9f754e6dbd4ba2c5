"""Only `oms init` (and the app's first start) create a database: every other command
refuses a missing one, a folder, or a database without oms tables, in one line naming the
place, and leaves nothing behind."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from oms_tui.config import sqlite_path
from oms_tui.services.platform.db import Database
from tests.cli.runner import oms

COMMANDS = [
    ["report", "dso"],
    ["report", "aging"],
    ["stock", "verify"],
    ["stock", "show", "X-1"],
    ["settings"],
    ["export", "orders"],
    ["db", "current"],
    ["db", "upgrade"],
    ["generate", "--orders", "1"],
]
ids = [" ".join(c) for c in COMMANDS]


def _refused(result) -> str:  # noqa: ANN001
    assert result.exit_code == 1, result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("oms: "), result.stderr
    return lines[0]


def _tables(url: str) -> list[str]:
    database = Database(url)
    try:
        with database.engine.connect() as conn:
            return sorted(inspect(conn).get_table_names())
    finally:
        database.dispose()


@pytest.mark.parametrize("command", COMMANDS, ids=ids)
def test_a_missing_database_is_refused_and_nothing_created(command, tmp_path):
    path = tmp_path / "nonexistent" / "dir" / "x.db"
    line = _refused(oms(*command, "--db", f"sqlite:///{path}"))
    assert line == f"oms: no database at {path}: check --db, or create it with `oms init`"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", COMMANDS, ids=ids)
def test_a_folder_is_not_a_database(command, tmp_path):
    line = _refused(oms("--db", str(tmp_path), *command))
    assert line == f"oms: {tmp_path} is a folder: --db names the database file, e.g. " + str(
        tmp_path / "oms.db"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("foreign", [False, True], ids=["empty", "another program's"])
@pytest.mark.parametrize("command", COMMANDS, ids=ids)
def test_a_database_without_oms_tables_is_refused_and_left_alone(command, foreign, any_db_url):
    """An empty SQLite file, a fresh PostgreSQL schema, or one holding another program's
    tables (a shared server): refused, naming the place; no migration runs there."""
    path = sqlite_path(any_db_url)
    if path is not None:
        path.touch()
    if foreign:
        database = Database(any_db_url)
        with database.engine.begin() as conn:
            conn.execute(text("CREATE TABLE their_customers (id INTEGER PRIMARY KEY)"))
        database.dispose()
    before = _tables(any_db_url)
    line = _refused(oms("--db", any_db_url, *command))
    assert line.endswith(" has no oms tables: check --db, or create them with `oms init`")
    if path is not None:
        assert line == f"oms: {path} has no oms tables: check --db, or create them with `oms init`"
    assert _tables(any_db_url) == before
