"""`oms init`, `oms db upgrade | current`, `oms generate`: the database created, upgraded
and filled, with the acting user recorded."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from oms_tui.migrations import HEAD
from oms_tui.models import Order, OrderEvent
from oms_tui.services.platform import schema
from oms_tui.services.platform.db import Database
from tests.cli.runner import oms


def test_init_creates_a_current_database(tmp_path):
    path = tmp_path / "shop.db"
    result = oms("--db", str(path), "init")
    assert result.exit_code == 0, result.stderr
    assert f"Database ready at {path}" in result.stderr
    assert schema.current_revision(Database(str(path))) == HEAD
    again = oms("--db", str(path), "db", "upgrade")
    assert again.exit_code == 0 and "Already at the newest schema" in again.stderr
    assert oms("--db", str(path), "db", "current").stdout.strip() == f"{HEAD} (newest: {HEAD})"


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
    result = oms("--db", url, "--user", "zhang", "init", "--demo")
    assert result.exit_code == 0, result.stderr
    db = Database(url)
    with db.read() as s:
        demo_orders = s.exec(select(func.count()).select_from(Order)).one()
    assert demo_orders >= 1000
    result = oms("--db", url, "--user", "li", "generate", "--orders", "300")
    assert result.exit_code == 0, result.stderr
    with db.read() as s:
        assert s.exec(select(func.count()).select_from(Order)).one() == demo_orders + 300
        actors = set(s.exec(select(OrderEvent.actor)).all())
    assert {"zhang", "li"} <= actors
