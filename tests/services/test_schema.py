"""Migrations: from an empty database to the newest schema, matching the models."""

from __future__ import annotations

import sqlite3

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import BigInteger, Integer, inspect
from sqlmodel import SQLModel

from oms_tui.migrations import HEAD, include_name
from oms_tui.services.platform import schema
from oms_tui.services.platform.db import Database
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
        context = MigrationContext.configure(conn, opts={"include_name": include_name})
        assert compare_metadata(context, SQLModel.metadata) == []
    schema.upgrade(db)  # idempotent
    db.dispose()


def test_every_money_column_holds_64_bits(any_db_url):
    """BIGINT on PostgreSQL (INTEGER there stops at 21,474,836.47 yuan); SQLite's INTEGER
    is 64-bit already."""
    db = Database(any_db_url)
    schema.upgrade(db)
    with db.engine.connect() as conn:
        insp = inspect(conn)
        money = {f"{t}.{c['name']}": c["type"] for t in sorted(SQLModel.metadata.tables)
                 for c in insp.get_columns(t) if c["name"].endswith("_minor")}  # fmt: skip
    db.dispose()
    assert len(money) >= 33 and "order_line.line_total_minor" in money
    wide = BigInteger if db.dialect == "postgresql" else Integer
    assert [name for name, kind in money.items() if not isinstance(kind, wide)] == []


def test_a_customers_newest_orders_come_from_the_index_alone(any_db_url):
    """Order search by customer reads the page's keys from ix_sales_order_customer_created
    (migration 0024): on PostgreSQL the index carries the order id (INCLUDE), on SQLite
    every index carries the rowid, so the query plan reads no table rows for the keys."""
    db = Database(any_db_url)
    schema.upgrade(db)
    keys = ("SELECT id, created_at FROM sales_order WHERE customer_id IN (1, 2, 3) "
            "ORDER BY created_at DESC, id DESC LIMIT 51")  # fmt: skip
    with db.engine.connect() as conn:
        if db.dialect == "postgresql":
            definition = conn.exec_driver_sql(
                "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                "AND indexname = 'ix_sales_order_customer_created'"
            ).scalar_one()
            assert definition.endswith("(customer_id, created_at) INCLUDE (id)")
        else:
            plan = " ".join(str(row[-1]) for row in conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN " + keys))  # fmt: skip
            assert "COVERING INDEX ix_sales_order_customer_created" in plan
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
    """A database left at the first schema: copied, upgraded step by step, nothing lost."""
    db = Database(f"sqlite:///{tmp_path / 'oms.db'}")
    schema.upgrade(db, "0001")
    now = "2026-01-05 09:00:00.000000"
    with db.engine.begin() as conn:  # rows as the 0001 schema had them (raw SQL: old columns)
        conn.exec_driver_sql(
            'INSERT INTO customer (id, code, name, "group", tier, region, credit_limit_minor,'
            " payment_terms, shipping_policy, credit_hold, credit_hold_reason, email, notes,"
            " active, created_at) VALUES (1, 'C000001', '王小明', 'retail', 'C', 'East', 0,"
            f" 'COD', 'partial', 0, '', '', '', 1, '{now}')"
        )
        conn.exec_driver_sql(
            "INSERT INTO customer_address (id, customer_id, label, contact_name, phone, region,"
            " city, district, street, postcode, is_default) VALUES (1, 1, '', '王小明', '',"
            " '浙江', '杭州市', '西湖区', '文三路 90 号', '', 1)"
        )
        conn.exec_driver_sql(
            "INSERT INTO sales_order (id, number, channel, customer_id, ship_to_name,"
            " ship_to_phone, ship_to_address, ship_to_region, status, priority, payment_method,"
            " payment_terms, shipping_policy, currency, subtotal_minor, discount_minor,"
            " tax_minor, shipping_minor, total_minor, notes, created_by, created_at, updated_at,"
            " version) VALUES (1, 'SO-2026-000001', 'phone', 1, '王小明', '', '浙江 杭州市',"
            " 'East', 'pending_audit', 0, 'cod', 'COD', 'partial', 'CNY', 1999, 0, 230, 0,"
            f" 1999, '', 'wang', '{now}', '{now}', 2)"
        )
    assert schema.needs_upgrade(db)
    backup = schema.upgrade_with_backup(db)
    assert schema.current_revision(db) == HEAD
    from oms_tui.services.sales import customer_history, orders

    order = orders.get_order(db, "SO-2026-000001")
    assert (order.total_minor, order.status, order.customer_name) == (
        1999,
        "pending_audit",
        "王小明",
    )
    address = customer_history.customer_card(db, 1).default_address
    assert (address.text, address.region) == ("浙江 杭州市 西湖区 文三路 90 号", "East")
    with sqlite3.connect(backup) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001",)]
        assert conn.execute("SELECT number FROM sales_order").fetchall() == [("SO-2026-000001",)]


def test_returnable_containers_get_a_packing_unit_of_one(any_db_url):
    """0012: products with a deposit (water barrels) travel one to a package; the others
    start at 0 (packed together), as every shipment was counted before."""
    db = Database(any_db_url)
    schema.upgrade(db, "0011")
    with db.engine.begin() as conn:
        for pid, code, deposit in ((1, "W-BRL", 3_000), (2, "LAMP", 0)):
            conn.exec_driver_sql(
                "INSERT INTO product (id, code, name, product_line, model, colour, spec, unit,"
                " list_price_minor, cost_minor, deposit_minor, tax_rate_bp, weight_g, volume_cm3,"
                " fragile, made_to_order, lead_time_days, active, created_at) VALUES"
                f" ({pid}, '{code}', '{code}', '', '', '', '', 'pcs', 100, 50, {deposit}, 1300,"
                " 1000, 0, false, false, 7, true, '2026-01-05 09:00:00')"
            )
    schema.upgrade(db)
    with db.engine.connect() as conn:
        units = conn.exec_driver_sql("SELECT code, units_per_package FROM product ORDER BY id")
        assert units.fetchall() == [("W-BRL", 1), ("LAMP", 0)]
    db.dispose()
