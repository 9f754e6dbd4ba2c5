"""Own-van runs: planned from ready orders in route order, the manifest, settling the run
(deliveries, cash, containers and deposits), undelivered stops waiting for the next run."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader
from sqlmodel import select

from oms_tui.models import Carrier, ContainerMove, CustomerAddress, Order, Shipment
from oms_tui.reports.common import Company
from oms_tui.reports.driver_manifest import manifest_pdf
from oms_tui.services.fulfilment import allocation
from oms_tui.services.inventory import stock
from oms_tui.services.platform.errors import InvalidInput
from oms_tui.services.shipping import delivery_runs
from oms_tui.services.shipping.delivery_runs import StopResult
from oms_tui.services.states.order_states import OrderStatus as S
from tests.dispatch_factories import carrier, product
from tests.reports.test_documents import squares
from tests.stock_factories import approved, customer, warehouse

DAY = date(2026, 11, 30)


def _water(db):
    warehouse(db, "HZ", "East", 1)
    van = carrier(db, "VAN1", "", {"East": (0, 0, 1, 0)}, kind="own_van")
    carrier(db, "SF", r"SF\d{12}", {"*": (2_000, 500, 1, 0)})
    barrel = product(db, "W-BRL", "桶装水 18.9L", price=2_000, deposit_minor=3_000,
                     weight_g=19_000)  # fmt: skip
    from oms_tui.services.fulfilment import stock_operations

    stock_operations.receive(db, "t", "HZ", [(barrel, 100)])
    return van, barrel


def _order_for(db, barrel: int, qty: int, route_seq: int) -> tuple[int, int]:
    cid = customer(db, region="East")
    with db.write() as s:
        address = s.exec(select(CustomerAddress).where(CustomerAddress.customer_id == cid)).one()
    delivery_runs.set_route_seq(db, "t", address.id, route_seq)
    order_id = approved(db, cid, [(barrel, qty)])
    allocation.allocate_order(db, "t", order_id)
    return cid, order_id


def test_a_run_from_plan_to_settlement(db):
    _van, barrel = _water(db)
    far_cid, far = _order_for(db, barrel, 4, route_seq=2)
    near_cid, near = _order_for(db, barrel, 2, route_seq=1)
    with db.write() as s:  # the near customer already holds 3 empties
        s.add(ContainerMove(customer_id=near_cid, product_id=barrel, qty=3, deposit_minor=9_000,
                            actor="t", reason="opening balance"))  # fmt: skip
    run = delivery_runs.plan_run(db, "dispatcher", "van1", DAY, driver="老李")
    assert [s.order_number for s in run.stops] == [
        _number(db, near),
        _number(db, far),
    ]  # route order, not order number
    near_stop, far_stop = run.stops
    assert (near_stop.containers_out, near_stop.containers_to_collect) == (2, 3)
    assert (far_stop.containers_out, far_stop.containers_to_collect) == (4, 0)
    totals = {o: _total(db, o) for o in (near, far)}
    assert near_stop.cash_due_minor == totals[near]  # cash on delivery
    assert run.cash_due_minor == totals[near] + totals[far]

    manifest = manifest_pdf(run, Company("山泉水业", currency="CNY"))
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(manifest)).pages)
    assert squares(manifest) == 2 * len(run.stops) and "☐" not in text  # drawn tick boxes
    assert "delivered" in text and "not home" in text
    for wanted in (run.number, "老李", "送货单 Driver manifest", near_stop.address,
                   near_stop.phone, "2 x W-BRL 桶装水 18.9L", "collect 3", "leave 2 full",
                   "Stops 站点: 2", "Empties to collect 待回收空桶: 3"):  # fmt: skip
        assert wanted in text, wanted

    with pytest.raises(InvalidInput, match="holds 5 containers, not 6"):
        delivery_runs.settle_run(db, "dispatcher", run.number,
                                 {near_stop.id: StopResult(True, 6, totals[near])})  # fmt: skip
    done = delivery_runs.settle_run(db, "dispatcher", run.number, {
        near_stop.id: StopResult(True, containers_back=5, cash_collected_minor=totals[near]),
        far_stop.id: StopResult(False, note="nobody home"),
    })  # fmt: skip
    assert done.status == "returned" and done.cash_collected_minor == totals[near]
    assert delivery_runs.container_balance(db, near_cid) == delivery_runs.ContainerBalance(
        near_cid, 0, 0
    )  # 3 + 2 delivered - 5 back; deposits refunded
    assert delivery_runs.container_balance(db, far_cid).held == 0
    with db.read() as s:
        assert s.get(Order, near).status == S.DELIVERED
        assert s.get(Order, far).status != S.DELIVERED
        far_shipment = s.exec(select(Shipment).where(Shipment.order_id == far)).one()
    assert far_shipment.status == "picking"  # waits for the next run
    assert stock.verify(db) == []
    again = delivery_runs.settle_run(db, "dispatcher", run.number, {})
    assert again == done  # settling twice changes nothing

    tomorrow = delivery_runs.plan_run(db, "dispatcher", "VAN1", date(2026, 12, 1))
    assert [s.order_number for s in tomorrow.stops] == [_number(db, far)]
    assert tomorrow.stops[0].cash_due_minor == totals[far]
    finished = delivery_runs.settle_run(db, "d", tomorrow.number, {
        tomorrow.stops[0].id: StopResult(True, 0, totals[far])})  # fmt: skip
    assert delivery_runs.container_balance(db, far_cid) == delivery_runs.ContainerBalance(
        far_cid, 4, 12_000
    )  # four barrels out, ¥30 deposit each held
    assert finished.stops[0].delivered is True


def test_nothing_to_deliver_and_not_a_van(db):
    _water(db)
    with pytest.raises(InvalidInput, match="nothing ready to deliver by VAN1"):
        delivery_runs.plan_run(db, "d", "VAN1", DAY)
    with pytest.raises(Exception, match="no own van 'SF'"):
        delivery_runs.plan_run(db, "d", "SF", DAY)


def _number(db, order_id: int) -> str:
    with db.read() as s:
        return s.get(Order, order_id).number


def _total(db, order_id: int) -> int:
    with db.read() as s:
        return s.get(Order, order_id).total_minor


def test_vans_and_the_runs_of_a_day(db):
    _van, barrel = _water(db)
    carrier(db, "VAN0", "", {"West": (0, 0, 1, 0)}, kind="own_van")
    retired = carrier(db, "VAN9", "", {"East": (0, 0, 1, 0)}, kind="own_van")
    with db.write() as s:
        s.get(Carrier, retired).active = False
    assert delivery_runs.list_vans(db) == [
        delivery_runs.VanView("VAN0", "VAN0 快递"),
        delivery_runs.VanView("VAN1", "VAN1 快递"),
    ]
    assert delivery_runs.runs_on(db, DAY) == []
    _order_for(db, barrel, 1, route_seq=1)
    first = delivery_runs.plan_run(db, "d", "VAN1", DAY, driver="老李")
    _order_for(db, barrel, 2, route_seq=1)
    second = delivery_runs.plan_run(db, "d", "VAN1", DAY)
    _order_for(db, barrel, 3, route_seq=1)
    delivery_runs.plan_run(db, "d", "VAN1", date(2026, 12, 1))
    assert delivery_runs.runs_on(db, DAY) == [first, second]
    assert [len(r.stops) for r in delivery_runs.runs_on(db, DAY)] == [1, 1]
    later = delivery_runs.runs_on(db, date(2026, 12, 1))
    assert [r.run_date for r in later] == [date(2026, 12, 1)]
