"""Dispatch services: carrier choice, shipments, partial shipments, tracking, delivery."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader
from sqlmodel import select

from oms_tui.models import Order, OrderLine, Shipment, StockLevel, TrackingEvent
from oms_tui.reports.common import Company
from oms_tui.reports.label import labels_pdf
from oms_tui.services.catalog.pricing import QuoteLine, product_info
from oms_tui.services.fulfilment import stock_operations
from oms_tui.services.inventory import stock
from oms_tui.services.platform.errors import InvalidInput
from oms_tui.services.shipping import dispatch, tracking
from oms_tui.services.states.order_states import OrderStatus as S
from tests.dispatch_factories import allocated_order, product, world

MONDAY = date(2026, 11, 30)


def _lines(db, pairs):
    with db.read() as s:
        from oms_tui.models import Product

        return [QuoteLine(product_info(s.get(Product, pid)), qty) for pid, qty in pairs]


def test_cheapest_carrier_that_meets_the_date_and_why(db):
    w = world(db)
    lines = _lines(db, [(w.lamp, 1)])  # 1.2 kg, fragile
    with db.read() as s:
        no_date = dispatch.carrier_options_in(s, "East", lines, MONDAY, None)
        by_wed = dispatch.carrier_options_in(s, "East", lines, MONDAY, date(2026, 12, 2))
        by_tue = dispatch.carrier_options_in(s, "East", lines, MONDAY, date(2026, 12, 1))
        tomorrow_noon = dispatch.carrier_options_in(s, "East", lines, MONDAY, MONDAY)
    # 2 kg charged: ZTO 12+5+3 fragile = 20.00; SF 23+10+5 = 38.00; DEPPON 30+2 = 32.00
    assert [(o.code, o.freight_minor, o.transit_days) for o in no_date.options] == [
        ("ZTO", 2_000, 2),
        ("DEPPON", 3_200, 4),
        ("SF", 3_800, 1),
    ]
    assert no_date.proposed.code == "ZTO"
    assert by_wed.proposed.code == "ZTO" and by_wed.proposed.expected_date == date(2026, 12, 2)
    assert by_tue.proposed.code == "SF"
    assert by_tue.reason.startswith("SF cheapest that arrives by 12-01 (¥38.00, 1 days)")
    assert "ZTO ¥20.00 arrives 12-02, too late" in by_tue.reason
    assert tomorrow_noon.proposed.code == "SF"  # nobody makes it: the fastest
    assert tomorrow_noon.reason.startswith("none arrives by 11-30; SF fastest")


def test_region_coverage_and_volumetric_weight(db):
    w = world(db)
    with db.read() as s:
        west = dispatch.carrier_options_in(s, "West", _lines(db, [(w.shade, 1)]), MONDAY, None)
    # ZTO has no West rate and no "*": not offered
    assert [o.code for o in west.options] == ["DEPPON", "SF"]
    # 0.3 kg actual, 60,000 cm3 / 6000 = 10 kg volumetric: charged on 10 kg
    assert {o.code: o.weight_g for o in west.options} == {"DEPPON": 10_000, "SF": 10_000}
    assert {o.code: o.freight_minor for o in west.options} == {"DEPPON": 4_800, "SF": 11_300}
    with db.read() as s:
        nobody = dispatch.carrier_options_in(s, "Mars", [], MONDAY, None)
    assert nobody.proposed is not None  # "*" rates serve anywhere
    assert dispatch.CarrierChoice((), None, "").proposed is None


def test_wave_ship_in_full_then_deliver(db):
    w = world(db)
    oid = allocated_order(db, [(w.lamp, 2)])
    ready = dispatch.ready_to_ship(db)
    assert [(r.order_id, r.warehouse_code, r.units) for r in ready] == [(oid, "HZ", 2)]
    [sh] = dispatch.create_shipments(db, "picker", [oid], today=MONDAY)
    # 2.4 kg by ZTO: 12.00 first kg + 2 x 5.00 + 3.00 fragile
    assert (sh.status, sh.carrier_code, sh.freight_minor) == ("picking", "ZTO", 2_500)
    assert [(ln.product_code, ln.ordered, ln.qty, ln.backordered) for ln in sh.lines] == [
        ("LAMP-1", 2, 2, 0)
    ]
    assert dispatch.ready_to_ship(db)[0].in_shipment == sh.number
    assert dispatch.create_shipments(db, "picker", [oid], today=MONDAY) == []  # no second one

    with pytest.raises(InvalidInput, match="'SF123' is not a ZTO tracking number"):
        dispatch.ship(db, "packer", sh.id, "SF123", today=MONDAY)
    result = dispatch.ship(db, "packer", sh.id, "123456789012", packages=2, today=MONDAY)
    assert result.order_status == S.SHIPPED
    assert (result.shipment.status, result.shipment.tracking_no) == ("shipped", "123456789012")
    assert "123456789012" in result.notice and "2026-12-02" in result.notice
    assert stock.verify(db) == []
    with db.read() as s:
        level = s.exec(select(StockLevel).where(StockLevel.product_id == w.lamp,
                                                StockLevel.warehouse_id == w.hz)).one()  # fmt: skip
    assert (level.on_hand, level.reserved) == (8, 0)

    assert tracking.add_tracking_event(db, "t", sh.id, "in_transit", "杭州转运中心") == "shipped"
    assert tracking.overdue_shipments(db, days=2, today=date(2026, 12, 5)) == 1
    assert tracking.add_tracking_event(db, "t", sh.id, "delivered") == "delivered"
    assert tracking.overdue_shipments(db, days=2, today=date(2026, 12, 5)) == 0
    with db.read() as s:
        assert s.get(Order, oid).status == S.DELIVERED
        events = s.exec(select(TrackingEvent.status).where(TrackingEvent.shipment_id == sh.id)
                        .order_by(TrackingEvent.id)).all()  # fmt: skip
    assert events == ["shipped", "in_transit", "delivered"]
    with pytest.raises(InvalidInput, match="unknown tracking status"):
        tracking.add_tracking_event(db, "t", sh.id, "lost in space")


def test_partial_shipment_leaves_the_rest_backordered(db):
    w = world(db)
    oid = allocated_order(db, [(w.lamp, 14), (w.shade, 2)])  # 10 lamps in stock
    with db.read() as s:
        assert s.get(Order, oid).status == S.PARTIALLY_BACKORDERED
    [sh] = dispatch.create_shipments(db, "picker", [oid], today=MONDAY)
    assert sh.carrier_code == "DEPPON"  # 30 kg volumetric: the freight carrier is cheapest
    assert [(ln.product_code, ln.ordered, ln.qty, ln.backordered) for ln in sh.lines] == [
        ("LAMP-1", 14, 10, 4),
        ("SHADE-1", 2, 2, 0),
    ]
    lamp_line = sh.lines[0].order_line_id
    shade_line = sh.lines[1].order_line_id
    # the packer finds one shade damaged: ships 10 lamps and 1 shade
    result = dispatch.ship(db, "packer", sh.id, "dpk123456789012",
                           quantities={lamp_line: 10, shade_line: 1}, today=MONDAY)  # fmt: skip
    assert result.shipment.tracking_no == "DPK123456789012"  # scanned in lower case
    assert result.order_status == S.PARTIALLY_SHIPPED
    assert result.shipment.partial
    assert [(ln.qty, ln.backordered) for ln in result.shipment.lines] == [(10, 4), (1, 0)]
    assert "The rest follows" in result.notice
    with db.read() as s:
        shipped = dict(s.exec(select(OrderLine.id, OrderLine.qty_shipped)
                              .where(OrderLine.order_id == oid)).all())  # fmt: skip
    assert shipped == {lamp_line: 10, shade_line: 1}
    # the unshipped shade stays reserved for the next shipment
    assert stock.verify(db) == []
    [again] = dispatch.create_shipments(db, "picker", [oid], today=MONDAY)
    assert [(ln.product_code, ln.qty) for ln in again.lines] == [("SHADE-1", 1)]
    with pytest.raises(InvalidInput, match="only 1 picked for that line, not 3"):
        dispatch.ship(db, "packer", again.id, "DPK123456789013", quantities={shade_line: 3})
    with pytest.raises(InvalidInput, match="nothing to ship"):
        dispatch.ship(db, "packer", again.id, "DPK123456789013", quantities={shade_line: 0})


def test_ship_complete_orders_wait_and_made_to_order_does_not_ship(db):
    w = world(db)
    waiting = allocated_order(db, [(w.lamp, 12)], policy="complete")
    partial = allocated_order(db, [(w.lamp, 12)])
    ready = {r.order_id for r in dispatch.ready_to_ship(db)}
    assert waiting not in ready and partial in ready
    made = allocated_order(db, [(w.door, 1)])
    with db.read() as s:
        assert s.get(Order, made).status == S.IN_PRODUCTION
    assert made not in {r.order_id for r in dispatch.ready_to_ship(db)}
    with db.read() as s:
        assert s.exec(select(Shipment)).all() == []


def test_a_chosen_carrier_must_serve_the_region(db):
    w = world(db)
    oid = allocated_order(db, [(w.lamp, 1)], region="West")
    with pytest.raises(InvalidInput, match="ZTO does not serve West"):
        dispatch.create_shipments(db, "picker", [oid], carrier_id=w.carriers["ZTO"],
                                  today=MONDAY)  # fmt: skip
    [sh] = dispatch.create_shipments(db, "picker", [oid], carrier_id=w.carriers["SF"],
                                     today=MONDAY)  # fmt: skip
    assert sh.carrier_code == "SF"


def test_tracking_import_from_a_carrier_csv(db):
    w = world(db)
    oid = allocated_order(db, [(w.lamp, 1)])
    [sh] = dispatch.create_shipments(db, "picker", [oid], today=MONDAY)
    dispatch.ship(db, "packer", sh.id, "123456789012", today=MONDAY)
    export = ("运单号,状态,时间,地点,备注\n"
              "123456789012,已揽收,2026-11-30 18:00,杭州,\n"
              "123456789012,运输中,2026/12/01 06:10,\"上海, 转运中心\",\n"
              "999999999999,运输中,2026-12-01 06:10,上海,\n"
              "123456789012,飞走了,2026-12-01 07:00,上海,\n"
              "123456789012,派送中,yesterday,上海,\n"
              "123456789012,已签收,2026-12-02 10:30,上海,本人签收\n")  # fmt: skip
    first = tracking.import_tracking_csv(db, "warehouse", export.encode("gb18030"))
    assert (first.applied, first.duplicates, first.delivered) == (3, 0, (sh.number,))
    assert first.problems == (
        (4, "no shipment with tracking number 999999999999"),
        (5, "unknown status '飞走了'"),
        (6, "unreadable time 'yesterday' (use 2026-11-30 14:05)"),
    )
    again = tracking.import_tracking_csv(db, "warehouse", ("\ufeff" + export).encode())
    assert (again.applied, again.duplicates) == (0, 3)
    with db.read() as s:
        events = s.exec(select(TrackingEvent.status, TrackingEvent.location)
                        .where(TrackingEvent.shipment_id == sh.id)
                        .order_by(TrackingEvent.id)).all()  # fmt: skip
        assert s.get(Order, oid).status == S.DELIVERED
    assert [tuple(e) for e in events] == [
        ("shipped", ""), ("picked_up", "杭州"), ("in_transit", "上海, 转运中心"),
        ("delivered", "上海")]  # fmt: skip
    with pytest.raises(InvalidInput, match="no tracking_no or status column"):
        tracking.import_tracking_csv(db, "warehouse", b"a,b\n1,2\n")


def test_the_backordered_rest_of_a_part_shipped_order_fills_when_stock_arrives(db):
    from oms_tui.services.fulfilment import stock_operations

    w = world(db)
    oid = allocated_order(db, [(w.lamp, 14)])  # 10 in stock: 4 backordered
    [sh] = dispatch.create_shipments(db, "picker", [oid], carrier_id=w.carriers["ZTO"],
                                     today=MONDAY)  # fmt: skip
    dispatch.ship(db, "packer", sh.id, "123456789012", today=MONDAY)
    with db.read() as s:
        assert s.get(Order, oid).status == S.PARTIALLY_SHIPPED
    assert stock.find_stock_card(db, "LAMP-1").backordered == 4
    assert oid not in {r.order_id for r in dispatch.ready_to_ship(db)}
    out = stock_operations.receive(db, "t", "HZ", [(w.lamp, 6)])
    assert [r.number for r in out.filled] == [sh.order_number]
    with db.read() as s:
        assert s.get(Order, oid).status == S.PARTIALLY_SHIPPED  # status stays; stock reserved
    assert stock.find_stock_card(db, "LAMP-1").backordered == 0
    [row] = [r for r in dispatch.ready_to_ship(db) if r.order_id == oid]
    assert row.units == 4
    [rest] = dispatch.create_shipments(db, "picker", [oid], carrier_id=w.carriers["ZTO"],
                                       today=MONDAY)  # fmt: skip
    assert dispatch.ship(db, "packer", rest.id, "123456789013", today=MONDAY).order_status == (
        S.SHIPPED
    )
    assert stock.verify(db) == []


def test_packages_follow_the_products_packing_units():
    # a unit each: 25 barrels are 25 packages; 12 lamps at 5 a carton: 3; loose goods: 1 more
    assert dispatch.packages_for([(25, 1)]) == 25
    assert dispatch.packages_for([(12, 5), (3, 0), (1, 0)]) == 4
    assert dispatch.packages_for([(3, 0)]) == dispatch.packages_for([]) == 1
    assert dispatch.packages_for([(0, 1), (2, 0)]) == 1  # a line not shipping counts nothing


def test_a_shipment_of_25_barrels_is_25_packages_unless_the_packer_says_otherwise(db):
    """Not one package of 487 kg: a new shipment counts its packages from the products'
    packing units; shipping keeps that count for what left, or takes the packer's."""
    w = world(db)
    barrel = product(db, "W-BRL", "桶装水 18.9L", weight_g=19_000, units_per_package=1)
    stock_operations.receive(db, "t", "HZ", [(barrel, 60)])
    oid = allocated_order(db, [(barrel, 25), (w.lamp, 2)])  # the lamps: one carton more
    [sh] = dispatch.create_shipments(db, "picker", [oid], today=MONDAY)
    assert sh.packages == 26
    labels = PdfReader(io.BytesIO(labels_pdf([sh], Company("山泉水业", currency="CNY")))).pages
    assert len(labels) == 26 and "Package 26 of 26 第 26 件 / 共 26 件" in labels[-1].extract_text()
    barrel_line = next(ln.order_line_id for ln in sh.lines if ln.product_code == "W-BRL")
    lamp_line = next(ln.order_line_id for ln in sh.lines if ln.product_code == "LAMP-1")
    # 10 barrels leave today, no lamps: 10 packages, counted for what left
    part = dispatch.ship(db, "packer", sh.id, "DPK123456789012", today=MONDAY,
                         quantities={barrel_line: 10, lamp_line: 0})  # fmt: skip
    assert part.shipment.packages == 10
    [rest] = dispatch.create_shipments(db, "picker", [oid], today=MONDAY)
    assert rest.packages == 16  # 15 barrels and the lamps' carton
    # the packer's count wins (the ship dialog's packages field)
    done = dispatch.ship(db, "packer", rest.id, "DPK123456789013", packages=4, today=MONDAY)
    assert done.shipment.packages == 4
