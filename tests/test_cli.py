"""The ``oms`` command as a user runs it: real processes, real databases."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlmodel import func, select

from oms_tui.migrations import HEAD
from oms_tui.models import Order, OrderEvent
from oms_tui.services import schema
from oms_tui.services.db import Database


def oms(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "oms_tui.cli", *args],
        capture_output=True, text=True, timeout=300, env=full_env,
    )  # fmt: skip


def test_help_lists_every_command():
    out = oms("--help").stdout
    for command in ("init", "db", "generate"):
        assert command in out
    assert "upgrade" in oms("db", "--help").stdout


def test_init_creates_a_current_database(tmp_path):
    path = tmp_path / "shop.db"
    result = oms("--db", str(path), "init")
    assert result.returncode == 0, result.stderr
    assert f"Database ready at {path}" in result.stderr
    assert schema.current_revision(Database(str(path))) == HEAD
    again = oms("--db", str(path), "db", "upgrade")
    assert again.returncode == 0 and "Already at the newest schema" in again.stderr
    assert oms("--db", str(path), "db", "current").stdout.strip() == f"{HEAD} (newest: {HEAD})"


def test_database_url_from_the_environment(tmp_path):
    path = tmp_path / "env.db"
    result = oms("init", env={"OMS_DATABASE_URL": f"sqlite:///{path}"})
    assert result.returncode == 0 and path.exists()


def test_unreachable_database_is_one_line_and_non_zero():
    result = oms("--db", "postgresql://nobody@127.0.0.1:1/none", "db", "upgrade")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("oms: database error:")


def test_bad_option_is_a_usage_error():
    result = oms("generate", "--orders", "zero")
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_demo_refused_on_a_database_with_orders(sqlite_db):
    from tests.factories import make_order

    make_order(sqlite_db)
    result = oms("--db", sqlite_db.url, "init", "--demo")
    assert result.returncode == 1
    assert result.stderr.strip().startswith("oms: ") and "already holds orders" in result.stderr


@pytest.mark.slow
def test_init_demo_and_generate_record_the_acting_user(tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    result = oms("--db", url, "--user", "zhang", "init", "--demo")
    assert result.returncode == 0, result.stderr
    db = Database(url)
    with db.read() as s:
        demo_orders = s.exec(select(func.count()).select_from(Order)).one()
    assert demo_orders >= 1000
    result = oms("--db", url, "--user", "li", "generate", "--orders", "300")
    assert result.returncode == 0, result.stderr
    with db.read() as s:
        assert s.exec(select(func.count()).select_from(Order)).one() == demo_orders + 300
        actors = set(s.exec(select(OrderEvent.actor)).all())
    assert {"zhang", "li"} <= actors


def test_first_run_creates_demo_database_and_says_where(tmp_path, monkeypatch, capsys):
    """``oms`` with no database: creates it with demo data, tells where, opens the app."""
    from oms_tui import app as app_module
    from oms_tui import cli
    from oms_tui.config import Settings

    opened = []

    class FakeApp:
        def run(self, headless=False):
            opened.append(True)

    monkeypatch.setattr(app_module, "make_app", lambda settings, db=None, **kw: FakeApp())
    seeded = []
    monkeypatch.setattr(
        "oms_tui.services.demo.seed_demo", lambda db, user, **kw: seeded.append(user)
    )
    path = tmp_path / "first.db"
    cli.run_app(Settings.resolve(db=str(path), user="wang"))
    err = capsys.readouterr().err
    assert f"creating one with demo data at {path}" in err
    assert opened == [True] and seeded == ["wang"]
    assert schema.current_revision(Database(str(path))) == HEAD


def test_settings_show_and_change(sqlite_db):
    shown = oms("--db", sqlite_db.url, "settings")
    assert shown.returncode == 0 and "currency                 CNY" in shown.stdout
    changed = oms("--db", sqlite_db.url, "settings", "company_name", "山泉水业")
    assert changed.returncode == 0 and "company_name             山泉水业" in changed.stdout
    weight = oms("--db", sqlite_db.url, "settings", "audit_alert_hours", "2")
    assert weight.returncode == 0 and "audit_alert_hours        2" in weight.stdout
    bad = oms("--db", sqlite_db.url, "settings", "tax_rounding", "sometimes")
    assert (
        bad.returncode == 1 and bad.stderr.strip() == "oms: tax_rounding must be 'line' or 'order'"
    )


def test_standing_run_creates_due_orders_once(sqlite_db):
    from datetime import date

    from oms_tui.services import templates
    from tests.factories import make_customer, make_product

    c = make_customer(sqlite_db)
    water = make_product(sqlite_db)
    templates.create_template(sqlite_db, "t", "weekly water", [(water, 4)], customer_id=c.id,
                              weekday=0, starting=date(2026, 11, 23))  # fmt: skip
    first = oms("--db", sqlite_db.url, "standing", "run", "--date", "2026-11-23")
    assert first.returncode == 0, first.stderr
    numbers = first.stdout.split()
    assert len(numbers) == 1 and numbers[0].startswith("SO-")
    again = oms("--db", sqlite_db.url, "standing", "run", "--date", "2026-11-23")
    assert again.stdout == "" and "0 standing orders created" in again.stderr
    bad = oms("--db", sqlite_db.url, "standing", "run", "--date", "23/11/2026")
    assert bad.returncode == 1 and bad.stderr.strip() == "oms: --date 23/11/2026: use YYYY-MM-DD"
