"""`oms export orders`: the round trip, an export imported into an empty database gives
the same orders."""

from __future__ import annotations

import json

from oms_tui.services.platform import schema
from oms_tui.services.platform.db import Database
from oms_tui.services.sales import orders
from tests.cli.runner import oms
from tests.cli.test_imports import _catalog, _snapshot
from tests.databases import seed_users
from tests.factories import make_customer


def test_export_then_import_into_an_empty_database_gives_the_same_orders(sqlite_db, tmp_path):
    ids = _catalog(sqlite_db)
    a = make_customer(sqlite_db, name="王小明", phone="138 0013 8000")
    b = make_customer(sqlite_db, name="Li Na 李娜", phone="139 1234 5678")
    orders.create_order(sqlite_db, "clerk", a.id, [orders.NewLine(ids["LAMP-1"], 2),
                                                   orders.NewLine(ids["BULB-2"], 10)],
                        submit=True, notes="下午送")  # fmt: skip
    orders.create_order(sqlite_db, "manager", b.id, [orders.NewLine(  # a price: a manager's
        ids["LAMP-1"], 1, unit_price_minor=7_500, override_reason="老客户")], submit=True,
        payment_method="prepaid")  # fmt: skip
    for fmt in ("csv", "json", "xlsx"):
        out = tmp_path / f"orders.{fmt}"
        done = oms("--db", sqlite_db.url, "export", "orders", "--status", "pending_audit",
                   "--format", fmt, "--out", str(out))  # fmt: skip
        assert done.exit_code == 0, done.stderr
        assert done.stderr.strip() == f"3 order lines written to {out}"
    rows = json.loads((tmp_path / "orders.json").read_text())
    assert [r["product"] for r in rows] == ["LAMP-1", "BULB-2", "LAMP-1"]

    for fmt in ("csv", "xlsx"):
        empty = Database(f"sqlite:///{tmp_path}/empty-{fmt}.db")
        schema.upgrade(empty)
        seed_users(empty)
        _catalog(empty)
        done = oms("--db", empty.url, "import", "orders", str(tmp_path / f"orders.{fmt}"),
                   "--channel", "phone")  # fmt: skip
        assert done.exit_code == 0, done.stdout + done.stderr
        assert _snapshot(empty) == _snapshot(sqlite_db), fmt
