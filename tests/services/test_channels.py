"""Sales channels are the shop's own list: two web shops' order 12345 are two orders, an
unknown channel is refused with the list and how to add one, a channel's default profile
reads its files, and the orders imported before channels were rows keep their channel
(nothing is imported again)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from sqlalchemy import insert
from sqlmodel import select

from oms_tui.models import Order, OrderLine
from oms_tui.services.exchange import order_import
from oms_tui.services.platform import schema
from oms_tui.services.platform.db import Database
from oms_tui.services.platform.errors import InvalidInput
from oms_tui.services.sales import channels, order_search
from oms_tui.services.sales.order_query import parse_query
from tests.databases import seed_users
from tests.factories import customer_before_0019, make_product


def _csv(rows, header=order_import.FIELDS) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def _row(ext, product="LAMP-1", qty="1"):
    return [ext, "2026-11-30 10:00", "李娜", "139 1234 5678", "上海市 浦东新区 世纪大道 100 号",
            product, qty, "", "", "prepaid"]  # fmt: skip


def _orders(db):
    with db.read() as s:
        return sorted(s.exec(select(Order.channel, Order.external_ref)).all())


def test_two_web_shops_order_12345_are_two_orders(db):
    make_product(db, code="LAMP-1", price_minor=8_900)
    channels.add_channel(db, "boss", "taobao-main", "ecommerce")
    channels.add_channel(db, "boss", "JD-Outlet", "ecommerce")
    data = _csv([_row("12345")])
    for name in ("taobao-main", "jd-outlet"):
        result = order_import.run_import(db, "importer", data, name)
        assert len(result.created) == 1, result.problems
    assert _orders(db) == [("jd-outlet", "12345"), ("taobao-main", "12345")]
    again = order_import.run_import(db, "importer", data, "TAOBAO-MAIN")  # any case
    assert (again.created, again.unchanged) == ((), 1)
    # the search's ch:ecom finds every web shop's orders; the kind's own channel has none
    hits = order_search.search(db, parse_query("ch:ecom", datetime.now().date()))
    assert sorted(r.channel for r in hits.rows) == ["jd-outlet", "taobao-main"]


def test_an_unknown_channel_is_refused_with_the_channels_and_how_to_add_one(db):
    channels.add_channel(db, "boss", "taobao-main", "ecommerce")
    with pytest.raises(InvalidInput) as refused:
        order_import.plan_import(db, _csv([_row("1")]), "tmall")
    text = str(refused.value)
    assert text.startswith("unknown channel 'tmall'; channels: phone, walk_in, ecommerce, "
                           "taobao-main, dealer")  # fmt: skip
    assert "add one: oms channel add NAME --kind KIND" in text
    with pytest.raises(InvalidInput, match="unknown channel 'tmall'"):
        order_import.remember_alias(db, "me", "tmall", "X", "LAMP-1")


def test_a_channel_reads_its_files_with_its_default_profile(db):
    make_product(db, code="LAMP-1", price_minor=8_900)
    channels.add_channel(db, "boss", "taobao-main", "ecommerce", "taobao")
    names = order_import.SHIPPED_PROFILES["taobao"][1]
    header = [names[f] for f in ("external_id", "customer_name", "phone", "address", "product",
                                 "qty")]  # fmt: skip
    data = _csv([["TB9", "刘洋", "13912345678", "广州市 天河区 体育西路 1 号", "LAMP-1", "3"]],
                header)  # fmt: skip
    result = order_import.run_import(db, "importer", data, "taobao-main")
    assert result.plan.profile == "taobao" and len(result.created) == 1
    assert _orders(db) == [("taobao-main", "TB9")]


def test_channel_names_are_one_word_unique_and_of_a_kind(db):
    assert channels.add_channel(db, "boss", " Dealer-Wuhan ", "dealer").name == "dealer-wuhan"
    for name, kind, why in (("dealer-wuhan", "dealer", "already"), ("two words", "dealer",
                            "one word"), ("x" * 25, "dealer", "one word"), ("", "dealer",
                            "a name"), ("fax-1", "fax", "unknown kind")):  # fmt: skip
        with pytest.raises(InvalidInput, match=why):
            channels.add_channel(db, "boss", name, kind)
    assert [c.name for c in channels.list_channels(db)] == [
        "phone",
        "walk_in",
        "ecommerce",
        "dealer",
        "dealer-wuhan",
        "key_account",
        "standing",
    ]


def test_orders_imported_before_channels_were_rows_are_not_imported_again(any_db_url):
    """The migration makes a channel of each old kind: an order already imported through
    ``ecommerce`` is found under the same key, so the file imports as unchanged."""
    db = Database(any_db_url)
    schema.upgrade(db, "0013")  # the revision before channels
    now = datetime.now(UTC)
    customer_id = customer_before_0019(db, "C000001", "李娜", "139 1234 5678")
    with db.engine.begin() as conn:  # rows as 0013 had them (raw: later columns left out)
        conn.exec_driver_sql(
            "INSERT INTO product (id, code, name, product_line, model, colour, spec, unit,"
            " list_price_minor, cost_minor, deposit_minor, tax_rate_bp, weight_g, volume_cm3,"
            " fragile, made_to_order, lead_time_days, active, created_at,"
            " units_per_package) VALUES (1, 'LAMP-1', 'LAMP-1', '', '', '', '', 'pcs', 8900,"
            " 4000, 0, 1300, 1000, 0, false, false, 7, true, '2026-01-05 09:00:00', 0)"
        )
        lamp = 1
        order_id = conn.execute(insert(Order.__table__).returning(Order.__table__.c.id), {
            "number": "SO-2026-000001", "channel": "ecommerce", "external_ref": "TB1",
            "customer_id": customer_id, "ship_to_name": "李娜", "ship_to_phone": "",
            "ship_to_address": "上海市", "ship_to_region": "East", "status": "pending_audit",
            "priority": 0, "payment_method": "prepaid", "payment_terms": "COD",
            "shipping_policy": "partial", "currency": "CNY", "subtotal_minor": 8_900,
            "discount_minor": 0, "tax_minor": 0, "shipping_minor": 0, "total_minor": 8_900,
            "notes": "", "created_by": "importer", "created_at": now, "updated_at": now,
            "version": 1}).scalar_one()  # fmt: skip
        conn.execute(insert(OrderLine.__table__), {
            "order_id": order_id, "line_no": 1, "product_id": lamp, "description": "",
            "qty": 1, "unit_price_minor": 8_900, "discount_minor": 0, "tax_rate_bp": 0,
            "tax_minor": 0, "line_total_minor": 8_900, "price_source": "list",
            "requirements_note": "", "qty_shipped": 0, "qty_returned": 0})  # fmt: skip
    schema.upgrade(db)
    seed_users(db)
    assert [(c.name, c.kind) for c in channels.list_channels(db)] == [
        (k, k) for k in channels.KINDS
    ]
    result = order_import.run_import(db, "importer", _csv([_row("TB1")]), "ecommerce")
    assert (result.created, result.unchanged) == ((), 1)
    assert _orders(db) == [("ecommerce", "TB1")]
    db.dispose()
