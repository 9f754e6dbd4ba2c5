"""Files oms writes are its owner's only (0600, folders 0700) under the usual umask 022,
and ``--out`` never writes over a file without ``--force``, nor ever over the database
in use (``print statement --out v.db`` once replaced the live database with a PDF)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from sqlmodel import func, select

from oms_tui.models import Customer
from oms_tui.services.platform import schema
from oms_tui.services.platform.db import Database
from oms_tui.services.platform.files import write_private
from oms_tui.services.platform.printing import save
from tests.cli.runner import AS_ITSELF, oms
from tests.factories import make_customer


@pytest.fixture(autouse=True)
def usual_umask():
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_database_its_wal_shm_folder_and_backup_are_the_owners_only(tmp_path):
    place = tmp_path / "new" / "deeper" / "oms.db"
    done = oms("init", "--db", str(place))
    assert done.exit_code == 0, done.stderr
    assert mode(place) == 0o600
    assert mode(place.parent) == 0o700
    db = Database(str(place))
    with db.engine.connect() as conn:  # while open, WAL and shared memory are there
        conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        conn.exec_driver_sql("INSERT INTO t VALUES (1)")
        wal, shm = Path(f"{place}-wal"), Path(f"{place}-shm")
        assert mode(wal) == 0o600 and mode(shm) == 0o600
        backup = schema.backup_sqlite(db)
    db.dispose()
    assert backup is not None and mode(backup) == 0o600


def test_an_existing_database_keeps_its_mode(tmp_path):
    place = tmp_path / "shared.db"
    assert oms("init", "--db", str(place)).exit_code == 0
    place.chmod(0o660)  # a database shared by a group on purpose
    assert oms("settings", "--db", str(place), env=AS_ITSELF).exit_code == 0
    assert mode(place) == 0o660


def test_print_out_never_replaces_the_database_in_use(sqlite_db):
    make_customer(sqlite_db, name="王小明", phone="138 0013 8000")
    live = Path(sqlite_db.url.split(":///", 1)[1])
    before = live.read_bytes()[:16]
    for force in ((), ("--force",)):
        done = oms("--db", sqlite_db.url, "print", "statement", "王小明", "--out", str(live),
                   *force)  # fmt: skip
        assert done.exit_code == 1
        assert done.stderr.strip() == f"oms: {live} is the database in use: write somewhere else"
    assert live.read_bytes()[:16] == before == b"SQLite format 3\x00"
    with sqlite_db.read() as s:
        assert s.exec(select(func.count()).select_from(Customer)).one() == 1
    done = oms("--db", sqlite_db.url, "dunning", "run", "--out", str(live), "--force")
    assert done.exit_code == 1 and "is the database in use" in done.stderr
    for side in ("-wal", "-shm"):
        done = oms("--db", sqlite_db.url, "export", "orders", "--out", f"{live}{side}",
                   "--force")  # fmt: skip
        assert done.exit_code == 1 and "is the database in use" in done.stderr


def test_out_refuses_an_existing_file_without_force(sqlite_db, tmp_path):
    make_customer(sqlite_db, name="王小明", phone="138 0013 8000")
    target = tmp_path / "statement.pdf"
    target.write_text("keep me")
    done = oms("--db", sqlite_db.url, "print", "statement", "王小明", "--out", str(target))
    assert done.exit_code == 1
    assert done.stderr.strip() == f"oms: {target} exists: give --force to replace it"
    assert target.read_text() == "keep me"
    done = oms("--db", sqlite_db.url, "print", "statement", "王小明", "--out", str(target),
               "--force")  # fmt: skip
    assert done.exit_code == 0, done.stderr
    assert target.read_bytes().startswith(b"%PDF") and mode(target) == 0o600
    fresh = tmp_path / "out" / "orders.csv"
    done = oms("--db", sqlite_db.url, "export", "orders", "--out", str(fresh))
    assert done.exit_code == 0, done.stderr
    assert mode(fresh) == 0o600 and mode(fresh.parent) == 0o700
    again = oms("--db", sqlite_db.url, "export", "orders", "--out", str(fresh))
    assert again.exit_code == 1 and "exists: give --force" in again.stderr


def test_documents_and_reports_are_the_owners_only(tmp_path, monkeypatch):
    monkeypatch.setattr("platformdirs.user_documents_dir", lambda: str(tmp_path / "docs"))
    path = save(b"%PDF-1.4", "packing-list-SO-1")
    assert path.parent == tmp_path / "docs" / "oms"
    assert mode(path) == 0o600 and mode(path.parent) == 0o700
    assert save(b"%PDF-1.5", "packing-list-SO-1") == path  # a reprint replaces its file
    old = tmp_path / "wide.csv"
    old.write_text("x")
    old.chmod(0o644)
    write_private(old, b"y", overwrite=True)
    assert mode(old) == 0o600 and old.read_bytes() == b"y"
