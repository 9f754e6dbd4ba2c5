"""`oms backup [--out FILE] [--verify FILE]`, `oms restore FILE [--force]`, and what
`oms db upgrade` says about backups on PostgreSQL."""

from __future__ import annotations

import pytest
from sqlmodel import select

from oms_tui.migrations import HEAD
from oms_tui.models import Payment
from oms_tui.services.platform import backup, schema
from oms_tui.services.platform.db import Database
from tests.cli.runner import AS_ITSELF, oms
from tests.conftest import PG_URL
from tests.factories import make_order
from tests.services.test_invariants import _day


@pytest.fixture
def db(fresh_db: Database) -> Database:
    """A restore rewrites the whole database: one of the test's own rather than this
    process's shared schema (conftest)."""
    return fresh_db


def test_backup_verify_and_restore(db, tmp_path):
    first = make_order(db).number
    made = oms("--db", db.url, "backup")
    assert made.exit_code == 0, made.stderr
    [(path, _when)] = backup.backups_in(db)
    assert made.stderr.startswith("Backup of ") and f"(schema {HEAD}): {path} (" in made.stderr

    checked = oms("--db", db.url, "backup", "--verify", str(path))
    assert checked.exit_code == 0, checked.stderr
    assert checked.stderr.strip() == (f"{path}: a complete backup (schema {HEAD}); "
                                      "every invariant holds.")  # fmt: skip

    make_order(db)
    restored = oms("--db", db.url, "restore", str(path))
    assert restored.exit_code == 0, restored.stderr
    kept = [p for p, _ in backup.backups_in(db) if p != path]
    assert len(kept) == 1 and kept[0].name.endswith(
        "-before-restore" + (".db.gz" if db.dialect == "sqlite" else ".pgdump")
    )
    assert restored.stderr.strip().startswith(f"Restored {path} (schema {HEAD}) into ")
    assert restored.stderr.strip().endswith(f"; the database as it was is kept in {kept[0]}")
    with db.read() as s:
        from oms_tui.models import Order

        assert s.exec(select(Order.number)).all() == [first]


def test_backup_out_file_and_a_backup_that_breaks_an_invariant(sqlite_db, tmp_path):
    _day(sqlite_db)
    with sqlite_db.write() as s:  # a payment that no longer adds up
        payment = s.exec(select(Payment).where(Payment.unapplied_minor > 0)).one()
        payment.amount_minor += 100
        s.add(payment)
    out = tmp_path / "elsewhere" / "friday.db.gz"
    made = oms("--db", sqlite_db.url, "backup", "--out", str(out))
    assert made.exit_code == 0, made.stderr
    assert out.exists() and out.stat().st_mode & 0o777 == 0o600
    assert backup.backups_in(sqlite_db) == []  # --out: not the rotated folder
    again = oms("--db", sqlite_db.url, "backup", "--out", str(out))
    assert again.exit_code == 1 and again.stderr.strip() == (
        f"oms: {out} already exists: give another --out, or remove it first")  # fmt: skip

    nowhere = str(tmp_path / "none.db")  # a SQLite backup is checked without a database
    checked = oms("--db", nowhere, "backup", "--verify", str(out))
    assert checked.exit_code == 1 and not (tmp_path / "none.db").exists()
    assert checked.stdout.startswith(f"payment: {payment.number}: amount is ")
    assert checked.stderr.strip() == f"oms: {out}: 1 broken invariant"


def test_restore_refuses_in_one_line(sqlite_db, tmp_path):
    make_order(sqlite_db)
    with sqlite_db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0999'")
    newer = backup.take(sqlite_db, "admin", tmp_path / "newer.db.gz").path
    with sqlite_db.engine.begin() as conn:
        conn.exec_driver_sql(f"UPDATE alembic_version SET version_num = '{HEAD}'")
    refused = oms("--db", sqlite_db.url, "restore", str(newer))
    assert refused.exit_code == 1
    assert refused.stderr.strip() == (f"oms: {newer} was made by a newer oms (schema 0999; this "
                                      f"oms knows up to {HEAD}): upgrade oms first")  # fmt: skip
    missing = oms("--db", sqlite_db.url, "restore", str(tmp_path / "nope.db.gz"))
    assert (missing.exit_code, missing.stderr.strip()) == (
        1, f"oms: no file {tmp_path / 'nope.db.gz'}")  # fmt: skip


def test_restore_into_a_new_file(sqlite_db, tmp_path):
    order = make_order(sqlite_db).number
    made = backup.take(sqlite_db, "admin").path
    target = tmp_path / "new" / "oms.db"
    restored = oms("--db", str(target), "restore", str(made))
    assert restored.exit_code == 0, restored.stderr
    assert restored.stderr.strip() == f"Restored {made} (schema {HEAD}) into {target}"
    again = Database(f"sqlite:///{target}")
    assert schema.current_revision(again) == HEAD
    with again.read() as s:
        from oms_tui.models import Order

        assert s.exec(select(Order.number)).all() == [order]
    again.dispose()


def test_backup_settings(sqlite_db):
    changed = oms("--db", sqlite_db.url, "settings", "backup_keep_daily", "3")
    assert changed.exit_code == 0, changed.stderr
    assert "backup_keep_daily        3" in changed.stdout
    assert "backup_keep_weekly       4" in changed.stdout
    assert backup.get_backup_settings(sqlite_db).backup_keep_daily == 3


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL only (OMS_TEST_POSTGRES_URL)")
@pytest.mark.parametrize("any_db_url", ["postgresql"], indirect=True)
def test_db_upgrade_on_postgresql_says_it_takes_no_backup(any_db_url):
    db = Database(any_db_url)
    schema.upgrade(db, "0014")
    done = oms("--db", any_db_url, "db", "upgrade")
    assert done.exit_code == 0, done.stderr
    assert done.stderr.splitlines()[0] == (
        "Note: on PostgreSQL oms takes no backup before upgrading: take one with "
        "`oms backup` (pg_dump) or your server's own backups.")  # fmt: skip
    assert done.stderr.splitlines()[1] == f"Upgraded 0014 -> {HEAD}"
    db.dispose()


def test_a_database_from_before_the_users_is_refused_in_one_line_saying_what_to_do(
        any_db_url, tmp_path):  # fmt: skip
    """`oms backup` and `oms restore` over a database older than migration 0022 (users who
    can be checked) say so in one line, exit 1 and change nothing; a backup from then is
    checked (brought up to date in its scratch copy); once upgraded, both work."""
    db = Database(any_db_url)
    schema.upgrade(db, "0021")
    old = backup._take(db, tmp_path / "old")  # (a backup of then: nobody to check)
    for args in (("backup",), ("restore", str(old.path))):
        refused = oms("--db", any_db_url, *args)
        assert (refused.exit_code, refused.stdout) == (1, ""), args
        assert refused.stderr.startswith("oms: ") and refused.stderr.count("\n") == 1, args
        assert "is at schema 0021, from before oms knew its users (schema 0022)" in (
            refused.stderr) and "`oms db upgrade`" in refused.stderr  # fmt: skip
    assert schema.current_revision(db) == "0021"
    assert backup.backups_in(db) == []

    checked = oms("--db", any_db_url, "backup", "--verify", str(old.path))
    assert checked.exit_code == 0, checked.stderr
    assert checked.stderr.strip() == (f"{old.path}: a complete backup (schema 0021); every "
                                      "invariant holds.")  # fmt: skip

    assert oms("--db", any_db_url, "db", "upgrade").exit_code == 0
    made = oms("--db", any_db_url, "backup", env=AS_ITSELF)  # the first user: the admin
    assert made.exit_code == 0, made.stderr
    restored = oms("--db", any_db_url, "restore", str(old.path), env=AS_ITSELF)
    assert restored.exit_code == 0, restored.stderr
    assert "(schema 0021)" in restored.stderr and "brought to the newest schema" in (
        restored.stderr)  # fmt: skip
    assert schema.current_revision(db) == HEAD
    db.dispose()
