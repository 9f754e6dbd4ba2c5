"""Backups (services/platform/backup.py): consistent while another process writes, whole
or nothing when killed mid-copy, refused restores, rotation, the daily one; both engines
where they apply."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from oms_tui.config import os_user
from oms_tui.migrations import HEAD
from oms_tui.services.checks import invariants
from oms_tui.services.platform import backup, safe_files, schema
from oms_tui.services.platform.db import Database
from oms_tui.services.platform.errors import OmsError
from tests.conftest import PG_URL
from tests.databases import seed_users
from tests.factories import make_order


@pytest.fixture
def db(fresh_db: Database) -> Database:
    """Child processes here connect by URL and may outlive a failing test, and a restore
    rewrites the whole database: one of the test's own rather than this process's shared
    schema (conftest)."""
    return fresh_db


ROOT = Path(__file__).resolve().parents[2]
PROCESSES = [sys.executable, "-m", "tests.services.backup_processes"]


def numbers(db: Database) -> set[str]:
    with db.read() as s:
        return set(s.execute(text("SELECT number FROM sales_order")).scalars())


def start(*args: str, **kw) -> subprocess.Popen:  # noqa: ANN003
    return subprocess.Popen([*PROCESSES, *args], cwd=ROOT, text=True, stdout=subprocess.PIPE,
                            **kw)  # fmt: skip


def wait_for_file(path: Path, process: subprocess.Popen) -> None:
    """Until the process wrote the file (or ended: then the test fails with its output)."""
    deadline = time.monotonic() + 120  # a net for a broken test, not a timing assumption
    while not path.exists():
        if process.poll() is not None:
            out, err = process.communicate()
            pytest.fail(f"the process ended before pausing: {out} {err}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("the process never reached its pause")
        time.sleep(0.02)


def test_a_backup_taken_while_another_process_writes_restores_every_committed_order(db, tmp_path):
    first = make_order(db).number
    stop = tmp_path / "stop"
    writer = start("writer", db.url, str(stop))
    assert writer.stdout is not None
    lines = iter(writer.stdout.readline, "")
    try:
        assert next(lines).strip() == "ready"
        before = {next(lines).strip() for _ in range(5)}  # committed before the backup began
        made = backup.take(db, "admin")
        during = {next(lines).strip() for _ in range(5)}  # the writer went on meanwhile
    finally:
        stop.touch()
        rest = set(writer.stdout.read().split())  # (communicate would skip what is buffered)
        writer.wait(timeout=120)
    assert writer.returncode == 0
    committed = {first} | before | during | rest
    assert numbers(db) == committed

    with backup.opened(made.path, db) as copy:  # what `oms backup --verify` checks
        assert invariants.verify(copy.db) == []
    restored = backup.restore(db, "admin", made.path)
    assert restored.revision == HEAD and not restored.upgraded and restored.kept is not None
    got = numbers(db)
    assert {first} | before <= got <= committed
    assert invariants.verify(db) == []
    if db.dialect == "sqlite":  # (PostgreSQL: a scratch database costs a checkpoint)
        # the database as it was is kept: every order the writer committed
        with backup.opened(restored.kept, db) as kept:
            assert numbers(kept.db) == committed


def test_restore_refuses_a_backup_of_a_newer_schema(db, tmp_path):
    order = make_order(db).number
    with db.engine.begin() as conn:  # as a newer oms would have left it
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0999'")
    newer = backup.take(db, "admin", tmp_path)
    assert "-r0999" in newer.path.name
    with db.engine.begin() as conn:
        conn.exec_driver_sql(f"UPDATE alembic_version SET version_num = '{HEAD}'")
    later = make_order(db).number
    with pytest.raises(OmsError, match=f"newer oms \\(schema 0999; this oms knows up to {HEAD}"):
        backup.restore(db, "admin", newer.path)
    with pytest.raises(OmsError, match="newer oms"):
        with backup.opened(newer.path, db):
            pass
    assert numbers(db) == {order, later}
    assert backup.backups_in(db) == []  # refused before keeping anything


def test_restore_of_an_older_backup_brings_it_to_the_newest_schema(any_db_url, tmp_path):
    db = Database(any_db_url)
    schema.upgrade(db, "0014")  # from before users
    older = backup._take(db, tmp_path)  # (no user to act: the backup without its check)
    schema.upgrade(db)
    seed_users(db)
    make_order(db)
    restored = backup.restore(db, "admin", older.path)
    assert (restored.revision, restored.upgraded) == ("0014", True)
    assert schema.current_revision(db) == HEAD and numbers(db) == set()
    db.dispose()


def test_restore_waits_for_the_other_clerks_unless_forced(db):
    order = make_order(db).number
    made = backup.take(db, "admin")
    make_order(db)
    holder = start("holder", db.url, stdin=subprocess.PIPE)
    assert holder.stdout is not None and holder.stdin is not None
    try:
        assert holder.stdout.readline().strip() == "ready"
        others = backup.others_connected(db)
        assert len(others) == 1 and f"process {holder.pid}" in others[0]
        # named by its OS account (the environment's OMS_USER says nothing of who runs it)
        with pytest.raises(OmsError, match="1 other oms process has the database open: "
                                           f"{os_user()} \\(process"):  # fmt: skip
            backup.restore(db, "admin", made.path)
        assert len(numbers(db)) == 2
        assert backup.restore(db, "admin", made.path, force=True).kept is not None
        assert numbers(db) == {order}
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)
    assert backup.others_connected(db) == []  # it has ended (its lock went with it)


def test_a_copy_killed_midway_leaves_no_file_under_a_final_name(db):
    """kill -9 while `oms backup` writes (SQLite: the compressed file half written;
    PostgreSQL: pg_dump's archive written, not yet checked nor renamed)."""
    make_order(db)
    signal_file = safe_files.private_dir(backup.folder(db)) / "paused"
    env = {**os.environ, safe_files.PAUSE_SIGNAL_ENV: str(signal_file),
           safe_files.PAUSE_ENV: "compress" if db.dialect == "sqlite" else "copy"}  # fmt: skip
    process = subprocess.Popen([sys.executable, "-m", "oms_tui.cli", "--db", db.url, "backup"],
                               cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)  # fmt: skip
    wait_for_file(signal_file, process)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    signal_file.unlink()
    left = sorted(p.name for p in backup.folder(db).iterdir())
    assert backup.backups_in(db) == []
    assert [name for name in left if name.endswith(".part")]  # it was killed mid-copy
    made = backup.take(db, "admin")  # the next one is whole, clears what the killed one left
    assert sorted(p.name for p in backup.folder(db).iterdir()) == [made.path.name]
    assert backup.restore(db, "admin", made.path).revision == HEAD  # whole: it restores
    assert invariants.verify(db) == [] and len(numbers(db)) == 1


def test_an_upgrade_killed_during_its_copy_leaves_no_truncated_backup(sqlite_db, tmp_path):
    make_order(sqlite_db)
    with sqlite_db.engine.begin() as conn:  # an older file: `oms db upgrade` copies it first
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0014'")
    signal_file = tmp_path / "paused"
    env = {**os.environ, safe_files.PAUSE_SIGNAL_ENV: str(signal_file),
           safe_files.PAUSE_ENV: "copy"}  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "oms_tui.cli", "--db", sqlite_db.url, "db", "upgrade"],
        cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    wait_for_file(signal_file, process)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    assert not list(tmp_path.glob("oms.pre-upgrade-*.db"))  # no final name, whole or not
    assert list(tmp_path.glob(".oms.pre-upgrade-*.part"))  # killed with the copy made
    assert schema.current_revision(sqlite_db) == "0014" and len(numbers(sqlite_db)) == 1
    copy = schema.backup_sqlite(sqlite_db)  # the next copy is whole and clears the stale one
    assert copy is not None and not list(tmp_path.glob(".*.part"))
    assert Database(f"sqlite:///{copy}").engine.connect().exec_driver_sql(
        "SELECT count(*) FROM sales_order").scalar() == 1  # fmt: skip


def test_backups_are_private_compressed_and_named_with_date_and_revision(db):
    make_order(db)
    made = backup.take(db, "admin", now=datetime(2026, 12, 7, 9, 30, 5))
    suffix = ".db.gz" if db.dialect == "sqlite" else ".pgdump"
    assert made.path.name == f"{backup.prefix(db)}-20261207-093005-r{HEAD}{suffix}"
    assert made.path.read_bytes()[:5].startswith(b"\x1f\x8b" if suffix == ".db.gz" else b"PGDMP")
    assert made.path.stat().st_mode & 0o777 == 0o600
    assert made.path.parent.stat().st_mode & 0o777 == 0o700


def test_the_daily_backup_is_taken_once_a_day(db):
    made = backup.daily(db, datetime(2026, 12, 7, 8, 0))
    assert made is not None and backup.backups_in(db)[0][0] == made.path
    assert backup.daily(db, datetime(2026, 12, 7, 17, 0)) is None
    assert len(backup.backups_in(db)) == 1
    assert backup.daily(db, datetime(2026, 12, 8, 8, 0)) is not None


def test_a_backup_stopped_midway_leaves_nothing(sqlite_db):
    """The app closing stops its daily backup between chunks (``stop``)."""
    make_order(sqlite_db)
    with pytest.raises(safe_files.Stopped):
        backup.daily(sqlite_db, datetime(2026, 12, 7, 8, 0), stop=lambda: True)
    assert list(backup.folder(sqlite_db).iterdir()) == []


def test_rotation_keeps_n_days_and_m_weeks_and_all_of_today():
    def at(day: str, hour: int = 9) -> tuple[Path, datetime]:
        when = datetime.fromisoformat(f"{day}T{hour:02d}:00:00")
        return Path(f"oms-{when:%Y%m%d-%H%M%S}-r0015.db.gz"), when

    taken = [at("2026-12-07", 8), at("2026-12-07", 17),  # today (a Monday): both stay
             at("2026-12-06", 9), at("2026-12-06", 18),  # yesterday: the newest
             at("2026-12-05"), at("2026-12-02"), at("2026-11-25"), at("2026-11-18"),
             at("2026-10-01")]  # fmt: skip
    removed = backup.to_remove(taken, 3, 3, date(2026, 12, 7))
    kept = sorted(set(p for p, _ in taken) - set(removed))
    assert [p.name[4:17] for p in kept] == [
        "20261125-0900",  # week 48 (the third week)
        "20261205-0900",  # day 3 (and week 49)
        "20261206-1800",  # day 2
        "20261207-0800",  # today
        "20261207-1700",  # day 1, week 50
    ]


def test_rotation_after_a_backup_removes_the_old_ones(db):
    make_order(db)
    backup.set_backup_setting(db, "tester", "backup_keep_daily", 1)
    backup.set_backup_setting(db, "tester", "backup_keep_weekly", 0)
    old = backup.take(db, "admin", now=datetime(2026, 12, 1, 9))
    new = backup.take(db, "admin", now=datetime(2026, 12, 2, 9))
    assert new.removed == (old.path,) and not old.path.exists()
    assert [p for p, _ in backup.backups_in(db)] == [new.path]


def test_a_truncated_backup_is_refused_whole(sqlite_db, tmp_path):
    make_order(sqlite_db)
    made = backup.take(sqlite_db, "admin")
    cut = tmp_path / "cut.db.gz"
    cut.write_bytes(made.path.read_bytes()[: made.size // 2])
    with pytest.raises(OmsError, match="is not a complete oms backup"):
        backup.restore(sqlite_db, "admin", cut)
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(OmsError, match="is not an oms backup"):
        backup.restore(sqlite_db, "admin", tmp_path / "notes.txt")
    assert len(numbers(sqlite_db)) == 1


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL only (OMS_TEST_POSTGRES_URL)")
@pytest.mark.parametrize("any_db_url", ["postgresql"], indirect=True)
def test_without_the_postgresql_client_tools_it_says_so(any_db_url, monkeypatch, tmp_path):
    db = Database(any_db_url)
    schema.upgrade(db)
    seed_users(db)
    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_dump on it
    missing = "pg_dump and pg_restore not found: PostgreSQL backups need them; install"
    with pytest.raises(OmsError, match=missing):
        backup.take(db, "admin")
    db.dispose()
