"""Creating orders: prices with their source, ship-to snapshot, events, refusals."""

from __future__ import annotations

import pytest
from sqlmodel import select

from oms_tui.models import Order, OrderEvent, OrderLine, PriceListItem
from oms_tui.services.platform.errors import InvalidInput, NotFound, StaleData
from oms_tui.services.sales import orders
from oms_tui.services.states.order_states import OrderStatus
from tests.factories import make_customer, make_product


def test_create_and_submit_records_who_and_why(db):
    c = make_customer(db, name="李雷")
    pid = make_product(db, price_minor=2500)
    view = orders.create_order(db, "wang", c.id, [orders.NewLine(pid, 4)], submit=True,
                               notes="送货前电话联系")  # fmt: skip
    assert view.status == OrderStatus.PENDING_AUDIT
    assert view.total_minor == 10_000 and view.currency == "CNY"
    detail = orders.get_order(db, view.number)
    assert detail.customer_name == "李雷"
    assert detail.ship_to_address == "浙江 杭州市 西湖区文三路 90 号"
    assert [(e.actor, e.from_status, e.to_status) for e in detail.events] == [
        ("wang", None, "draft"), ("wang", "draft", "pending_audit")]  # fmt: skip
    assert detail.lines[0].price_source == "list price"


def test_group_price_with_quantity_break_is_used_and_recorded(db):
    c = make_customer(db, group="dealer")
    pid = make_product(db, price_minor=1000)
    with db.write() as s:
        s.add(
            PriceListItem(customer_group="dealer", product_id=pid, min_qty=1, unit_price_minor=800)
        )
        s.add(PriceListItem(customer_group="dealer", product_id=pid, min_qty=10,
                            unit_price_minor=700))  # fmt: skip
    few = orders.create_order(db, "t", c.id, [orders.NewLine(pid, 2)])
    many = orders.create_order(db, "t", c.id, [orders.NewLine(pid, 12)])
    assert orders.get_order(db, few.number).lines[0].unit_price_minor == 800
    line = orders.get_order(db, many.number).lines[0]
    assert (line.unit_price_minor, line.price_source) == (700, "dealer price list (qty >= 10)")


def test_price_override_needs_a_reason(db):
    c = make_customer(db)
    pid = make_product(db)
    with pytest.raises(InvalidInput, match="override needs a reason"):
        orders.create_order(db, "t", c.id, [orders.NewLine(pid, 1, unit_price_minor=1)])
    view = orders.create_order(db, "t", c.id, [orders.NewLine(
        pid, 1, unit_price_minor=1500, override_reason="matched competitor")])  # fmt: skip
    assert orders.get_order(db, view.number).lines[0].price_source == "override: matched competitor"
    with db.read() as s:
        assert len(s.exec(select(Order)).all()) == 1  # the refused one left nothing behind


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"channel": "fax"}, "unknown channel"), ({"payment_method": "barter"}, "payment method")],
)
def test_bad_options_refused(db, kwargs, message):
    c = make_customer(db)
    with pytest.raises(InvalidInput, match=message):
        orders.create_order(db, "t", c.id, [orders.NewLine(make_product(db), 1)], **kwargs)


def test_unknown_customer_and_order(db):
    with pytest.raises(NotFound):
        orders.create_order(db, "t", 999, [])
    with pytest.raises(NotFound, match="no order SO-1"):
        orders.get_order(db, "SO-1")


def test_stale_version_is_refused_not_overwritten(db):
    c = make_customer(db)
    view = orders.create_order(db, "t", c.id, [orders.NewLine(make_product(db), 1)], submit=True)
    seen = view.version
    orders.transition(db, "wang", view.id, OrderStatus.ON_HOLD, "customer asked to wait",
                      expected_version=seen)  # fmt: skip
    with pytest.raises(
        StaleData,
        match=r"changed by wang at \d\d:\d\d \(customer asked "
        r"to wait\); nothing was saved",
    ):
        orders.transition(db, "li", view.id, OrderStatus.REJECTED, "dup", expected_version=seen)
    after = orders.get_order_by_id(db, view.id)
    assert after.status == OrderStatus.ON_HOLD
    assert after.events[-1].actor == "wang"


def test_line_descriptions_and_totals_stored(db):
    c = make_customer(db)
    pid = make_product(db, price_minor=1999, name="吸顶灯", model="XD-40", colour="白色")
    view = orders.create_order(db, "t", c.id, [orders.NewLine(pid, 3, discount_minor=97)])
    with db.read() as s:
        line = s.exec(select(OrderLine).where(OrderLine.order_id == view.id)).one()
        events = s.exec(select(OrderEvent).where(OrderEvent.order_id == view.id)).all()
    assert line.description == "吸顶灯 XD-40 白色"
    assert line.line_total_minor == 3 * 1999 - 97 == view.total_minor
    assert len(events) == 1


def test_bulk_creation_prices_and_records_like_one_at_a_time(db):
    from sqlmodel import select

    from oms_tui.models import OrderEvent, OrderLine
    from tests.factories import make_customer, make_product

    c = make_customer(db, name="批量", phone="13800009999")
    p1, p2 = make_product(db, price_minor=1_999), make_product(db, price_minor=350)
    lines = [orders.NewLine(p1, 3), orders.NewLine(p2, 7, unit_price_minor=300,
                                                   override_reason="file price")]  # fmt: skip
    one = orders.create_order(db, "t", c.id, lines, channel="ecommerce", submit=True)
    one = orders.get_order(db, one.number)
    with db.write() as s:
        [number] = orders.create_orders_in(s, "t", [orders.OrderSpec(c.id, lines, "ecommerce",
                                                                     "EXT-1")])  # fmt: skip
    bulk = orders.get_order(db, number)
    assert (bulk.status, bulk.total_minor, bulk.tax_minor, bulk.subtotal_minor) == (
        one.status,
        one.total_minor,
        one.tax_minor,
        one.subtotal_minor,
    )
    assert [(ln.qty, ln.unit_price_minor, ln.line_total_minor, ln.price_source)
            for ln in bulk.lines] == [(ln.qty, ln.unit_price_minor, ln.line_total_minor,
                                       ln.price_source) for ln in one.lines]  # fmt: skip
    with db.read() as s:
        events = s.exec(select(OrderEvent.to_status).where(OrderEvent.order_id == bulk.id)
                        .order_by(OrderEvent.id)).all()  # fmt: skip
        assert len(s.exec(select(OrderLine).where(OrderLine.order_id == bulk.id)).all()) == 2
    assert events == ["draft", "pending_audit"]


def test_a_discount_over_the_limit_needs_a_manager(db):
    from oms_tui.services.platform import settings as company_settings
    from oms_tui.services.platform.errors import InvalidInput
    from tests.databases import ensure_user
    from tests.factories import make_customer, make_product

    c = make_customer(db, phone="13800007777")
    pid = make_product(db, price_minor=10_000)
    ensure_user(db, "clerk1", "clerk")
    ensure_user(db, "boss", "manager")
    ten_percent = [orders.NewLine(pid, 2, discount_minor=2_000)]
    orders.create_order(db, "clerk1", c.id, ten_percent)  # at the limit: fine
    too_much = [orders.NewLine(pid, 2, discount_minor=2_001)]
    with pytest.raises(InvalidInput, match="line 1: a discount over 10% needs a manager "
                                           r"\(clerk1 is clerk\)") as refused:  # fmt: skip
        orders.create_order(db, "clerk1", c.id, too_much)
    assert refused.value.field == "lines.1.discount"
    assert orders.create_order(db, "boss", c.id, too_much).discount_minor == 2_001
    company_settings.set_setting(db, "admin", "discount_limit_pct", "25")
    orders.create_order(db, "clerk1", c.id, too_much)
