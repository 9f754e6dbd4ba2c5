"""`oms init`, `oms db upgrade | current`, `oms generate`: the database created, upgraded
and filled, with the acting user recorded."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from oms_tui.cli.common import place
from oms_tui.config import os_user
from oms_tui.migrations import HEAD
from oms_tui.models import Order, OrderEvent
from oms_tui.services.platform import schema
from oms_tui.services.platform.db import Database
from tests.cli.runner import AS_ITSELF, oms


def test_init_creates_a_current_database(tmp_path):
    path = tmp_path / "shop.db"
    result = oms("--db", str(path), "init")
    assert result.exit_code == 0, result.stderr
    assert f"Database ready at {path}" in result.stderr
    assert schema.current_revision(Database(str(path))) == HEAD
    again = oms("--db", str(path), "db", "upgrade")
    assert again.exit_code == 0 and "Already at the newest schema" in again.stderr
    assert oms("--db", str(path), "db", "current").stdout.strip() == f"{HEAD} (newest: {HEAD})"


def test_init_creates_the_folder_and_the_database_on_each_engine(any_db_url, tmp_path):
    """`oms init` is the command that creates: a new folder for a SQLite file, the tables in
    a fresh PostgreSQL schema; the other commands then find an oms database there."""
    url = any_db_url
    if url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'new' / 'folder' / 'shop.db'}"
    result = oms("--db", url, "init")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"{os_user()} is the admin of this database (the first user of a database is its "
        "admin); add the others with `oms user add NAME --role ROLE`",
        f"Database ready at {place(url)}"]  # fmt: skip
    assert schema.current_revision(Database(url)) == HEAD
    assert oms("--db", url, "report", "dso", env=AS_ITSELF).exit_code == 0


def test_init_refuses_a_folder(tmp_path):
    result = oms("--db", str(tmp_path), "init")
    assert result.exit_code == 1
    assert result.stderr == (f"oms: {tmp_path} is a folder: --db names the database file, "
                             f"e.g. {tmp_path / 'oms.db'}\n")  # fmt: skip
    assert list(tmp_path.iterdir()) == []


def test_demo_and_generate_say_what_they_made_in_words(tmp_path, monkeypatch):
    from oms_tui.demo.generate import GenerateSummary
    from oms_tui.demo.reference import DemoSummary

    demo = DemoSummary(customers=300, products=84, warehouses=3, orders=3000, order_lines=5212,
                       order_events=20_000, allocations=4000, production_orders=726,
                       shipments=2894, invoices=2991, payments=2663, returns=124,
                       stock_moves=9000)  # fmt: skip
    made = GenerateSummary(orders=1000, order_lines=2500, order_events=7000, invoices=900,
                           payments=800, customers_created=1, seconds=1.5)  # fmt: skip
    monkeypatch.setattr("oms_tui.demo.seed.seed_demo", lambda db, user, **kw: demo)
    monkeypatch.setattr("oms_tui.demo.generate.generate_orders", lambda *a, **kw: made)
    path = tmp_path / "demo.db"
    init = oms("--db", str(path), "init", "--demo")
    assert init.exit_code == 0, init.stderr
    assert init.stderr.splitlines()[1] == (
        "Demo data: 300 customers, 84 products in 3 warehouses, 3,000 orders (5,212 lines, "
        "2,894 shipments, 2,991 invoices, 2,663 payments, 124 returns, 726 production orders)."
    )
    generated = oms("--db", str(path), "generate", "--orders", "1000", env=AS_ITSELF)
    assert generated.exit_code == 0, generated.stderr
    assert generated.stderr.splitlines()[-1].startswith(
        "Added 1,000 orders (2,500 lines, 900 invoices, 800 payments) and 1 new customer "
        f"to {path} in "
    )
    assert "Summary(" not in init.stderr + generated.stderr


def test_upgrade_refuses_a_database_without_oms_tables(tmp_path):
    path = tmp_path / "empty.db"
    path.touch()
    result = oms("--db", str(path), "db", "upgrade")
    assert result.exit_code == 1
    assert result.stderr == (f"oms: {path} has no oms tables: check --db, or create them with "
                             "`oms init`\n")  # fmt: skip
    assert schema.current_revision(Database(str(path))) is None


def test_database_url_from_the_environment(tmp_path):
    path = tmp_path / "env.db"
    result = oms("init", env={"OMS_DATABASE_URL": f"sqlite:///{path}"})
    assert result.exit_code == 0 and path.exists()


def test_demo_refused_on_a_database_with_orders(sqlite_db):
    from tests.factories import make_order

    make_order(sqlite_db)
    result = oms("--db", sqlite_db.url, "init", "--demo")
    assert result.exit_code == 1
    assert result.stderr.strip().startswith("oms: ") and "already holds orders" in result.stderr


@pytest.mark.slow
def test_init_demo_and_generate_record_the_acting_user(tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    result = oms("--db", url, "init", "--demo")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[1].startswith("Demo data: 300 customers, ")
    db = Database(url)
    with db.read() as s:
        demo_orders = s.exec(select(func.count()).select_from(Order)).one()
    assert demo_orders >= 1000
    added = oms("--db", url, "user", "add", "li", "--role", "manager", env=AS_ITSELF)
    assert added.exit_code == 0, added.stderr
    result = oms("--db", url, "--user", "li", "generate", "--orders", "300", env=AS_ITSELF)
    assert result.exit_code == 0, result.stderr
    with db.read() as s:
        assert s.exec(select(func.count()).select_from(Order)).one() == demo_orders + 300
        actors = set(s.exec(select(OrderEvent.actor)).all())
    assert {os_user(), "li"} <= actors  # the demo made by the first admin; li acted for
