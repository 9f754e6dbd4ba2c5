"""No last write wins (issue #15, item 7): an action taken on a screen that showed an older
version of a production order, shipment, van run, stocktake or invoice is refused, naming
who changed it and when, and nothing is written; what somebody did to another document
(the queue's dates moving when another production order advances) does not count."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import func, select

from oms_tui.models import (
    ContainerMove,
    Order,
    Payment,
    ProductionOrder,
    StockMove,
)
from oms_tui.services.finance import receivables
from oms_tui.services.fulfilment import allocation, stock_operations
from oms_tui.services.platform.errors import StaleData
from oms_tui.services.production import board, stages
from oms_tui.services.shipping import delivery_runs, dispatch
from oms_tui.services.shipping.delivery_runs import StopResult
from tests.audit_factories import set_customer
from tests.dispatch_factories import allocated_order, carrier, product, world
from tests.factories import make_product
from tests.production_factories import door_line
from tests.stock_factories import approved, customer, warehouse

TODAY = date(2026, 11, 30)
AT = r"at \d\d:\d\d"  # the time of the change, local


def _door_line(db) -> int:
    warehouse(db, "HZ", "East", 0)
    return door_line(db)


def _row(db, po_id: int) -> board.BoardRow:
    return next(r for r in board.board(db) if r.id == po_id)


def _production_order(db, door: int) -> int:
    order_id = approved(db, customer(db), [(door, 1)])
    allocation.allocate_order(db, "auditor", order_id)
    with db.read() as s:
        return s.exec(select(ProductionOrder.id).where(ProductionOrder.order_id == order_id)).one()


def test_the_stage_the_board_showed_is_not_done_twice(db):
    """B advanced the order to stock-in; A's board still showed quality check: A's F7 is
    refused with who and when, and the goods went into stock once."""
    door = _door_line(db)
    po_id = _production_order(db, door)
    stages.start(db, "li", po_id, TODAY)
    stages.advance(db, "li", po_id, today=TODAY)
    stages.advance(db, "li", po_id, today=TODAY)
    seen_by_a = seen_by_b = _row(db, po_id)
    assert seen_by_a.stage_name == "quality check"

    done = stages.advance(db, "wang", po_id, "QC ok", TODAY, seen_by_b.version)
    assert done.status == "done"
    with pytest.raises(
        StaleData,
        match=rf"PO-\S+ was changed by wang {AT} \(completed\); "
        "nothing was saved",
    ):
        stages.advance(db, "zhao", po_id, "quality check done", TODAY, seen_by_a.version)
    with db.read() as s:
        into_stock = s.exec(select(func.count()).select_from(StockMove)
                            .where(StockMove.kind == "production_in")).one()  # fmt: skip
    assert into_stock == 1
    assert [h.actor for h in board.history(db, po_id)][-1] == "wang"


def test_a_stale_board_cannot_skip_a_stage(db):
    door = _door_line(db)
    po_id = _production_order(db, door)
    stages.start(db, "li", po_id, TODAY)
    seen = _row(db, po_id)  # at cutting
    stages.advance(db, "wang", po_id, today=TODAY, expected_version=seen.version)
    with pytest.raises(StaleData, match=rf"changed by wang {AT} \(assembly started\)"):
        stages.advance(db, "zhao", po_id, today=TODAY, expected_version=seen.version)
    with pytest.raises(StaleData, match="wang"):
        stages.quality_failure(db, "zhao", po_id, 1, "scratched", TODAY, seen.version)
    with pytest.raises(StaleData, match="wang"):
        stages.set_expected(db, "zhao", po_id, TODAY, "machine down", seen.version)
    assert _row(db, po_id).stage_name == "assembly"  # nothing skipped


def test_another_orders_progress_does_not_make_the_board_stale(db):
    """Starting and advancing one production order plans the route's queue again (new
    expected dates for the others): no change of theirs, so their rows still act."""
    door = _door_line(db)
    first, second = _production_order(db, door), _production_order(db, door)
    seen = _row(db, second)
    stages.start(db, "li", first, TODAY)
    stages.advance(db, "li", first, today=TODAY)
    assert _row(db, second).version == seen.version
    stages.start(db, "wang", second, TODAY, expected_version=seen.version)
    with pytest.raises(StaleData, match="changed by wang"):
        stages.start(db, "zhao", second, TODAY, expected_version=seen.version)


def test_a_shipment_shipped_meanwhile_is_not_shipped_again(db):
    w = world(db)
    order_id = allocated_order(db, [(w.lamp, 2)])
    [seen] = dispatch.create_shipments(db, "picker", [order_id], today=TODAY)
    dispatch.ship(db, "packer", seen.id, "123456789012", today=TODAY,
                  expected_version=seen.version)  # fmt: skip
    with pytest.raises(
        StaleData,
        match=rf"shipment SH-\S+ was changed by packer {AT} "
        r"\(shipped\)",
    ):
        dispatch.ship(db, "warehouse", seen.id, "123456789013", today=TODAY,
                      expected_version=seen.version)  # fmt: skip
    assert dispatch.get_shipment(db, seen.id).tracking_no == "123456789012"


def test_a_run_settled_meanwhile_is_not_settled_again(db):
    warehouse(db, "HZ", "East", 1)
    carrier(db, "VAN1", "", {"East": (0, 0, 1, 0)}, kind="own_van")
    barrel_id = product(db, "W-BRL", "Water 18.9L", price=2_000, deposit_minor=3_000)
    stock_operations.receive(db, "t", "HZ", [(barrel_id, 10)])
    allocation.allocate_order(db, "t", approved(db, customer(db, region="East"),
                                                [(barrel_id, 2)]))  # fmt: skip
    seen = delivery_runs.plan_run(db, "dispatcher", "VAN1", TODAY)
    [stop] = seen.stops
    delivery_runs.settle_run(db, "li", seen.number, {stop.id: StopResult(True, 0, 4_000)},
                             TODAY, expected_version=seen.version)  # fmt: skip
    with pytest.raises(StaleData, match=rf"run RUN-\S+ was changed by li {AT} \(settled\)"):
        delivery_runs.settle_run(db, "wang", seen.number, {stop.id: StopResult(True, 2, 0)},
                                 TODAY, expected_version=seen.version)  # fmt: skip
    with db.read() as s:
        assert (
            s.exec(
                select(func.count()).select_from(ContainerMove).where(ContainerMove.qty < 0)
            ).one()
            == 0
        )  # wang's empties: not saved
    assert delivery_runs.get_run(db, seen.number).cash_collected_minor == 4_000


def test_a_stocktake_posted_meanwhile_cannot_be_cancelled_or_posted_again(db):
    warehouse(db, "HZ", "East", 0)
    lamp_id = make_product(db, code="LAMP")
    stock_operations.receive(db, "t", "HZ", [(lamp_id, 5)])
    seen = stock_operations.start_stocktake(db, "counter", "HZ")
    stock_operations.record_count(db, "counter", seen.id, "LAMP", 4)
    stock_operations.post_stocktake(db, "li", seen.id, "year end", seen.version)
    for act in (lambda: stock_operations.cancel_stocktake(db, "wang", seen.id, seen.version),
                lambda: stock_operations.post_stocktake(db, "wang", seen.id, "again",
                                                        seen.version)):  # fmt: skip
        with pytest.raises(
            StaleData,
            match=rf"stocktake ST-\S+ was changed by li {AT} "
            r"\(posted\)",
        ):
            act()
    assert stock_operations.get_stocktake(db, seen.id).status == "posted"


def test_a_payment_chosen_against_an_invoice_paid_meanwhile_is_refused(db):
    w = world(db)
    order_id = allocated_order(db, [(w.lamp, 2)])
    with db.read() as s:
        customer_id = s.get(Order, order_id).customer_id
    set_customer(db, customer_id, payment_terms="NET30")
    [sh] = dispatch.create_shipments(db, "picker", [order_id], today=TODAY)
    dispatch.ship(db, "packer", sh.id, "123456789012", today=TODAY)
    [seen] = receivables.customer_invoices(db, customer_id)
    versions = {seen.number: seen.version}

    receivables.record_payment(db, "li", customer_id, 1_000, TODAY, "bank", "part",
                               [seen.number], TODAY, versions)  # fmt: skip
    with pytest.raises(StaleData, match=rf"INV-\S+ was changed by li {AT} \(PAY-\S+ applied\)"):
        receivables.record_payment(db, "wang", customer_id, seen.open_minor, TODAY, "bank",
                                   "all of it", [seen.number], TODAY, versions)  # fmt: skip
    with pytest.raises(StaleData, match="changed by li"):
        receivables.credit_note(db, "wang", seen.number, 500, "scratched", TODAY, seen.version)
    with db.read() as s:
        assert s.exec(select(Payment.created_by)).all() == ["li"]  # wang's: not saved
    [now] = receivables.customer_invoices(db, customer_id)
    assert now.paid_minor == 1_000 and now.version > seen.version
    receivables.credit_note(db, "wang", now.number, 500, "scratched", TODAY, now.version)
