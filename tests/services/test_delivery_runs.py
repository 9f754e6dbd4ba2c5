"""Own-van runs: planned from ready orders in route order, the manifest, settling the run
(deliveries, cash, containers and deposits), undelivered stops waiting for the next run."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlmodel import select

from oms_tui.models import Carrier, ContainerMove, CustomerAddress, Order, Payment, Shipment
from oms_tui.reports.common import Company
from oms_tui.reports.driver_manifest import manifest_pdf
from oms_tui.services.finance import aging, follow_ups, receivables
from oms_tui.services.fulfilment import allocation
from oms_tui.services.inventory import stock
from oms_tui.services.platform.errors import InvalidInput
from oms_tui.services.platform.money import capital_amount
from oms_tui.services.shipping import delivery_runs
from oms_tui.services.shipping.delivery_runs import StopResult
from oms_tui.services.states.order_states import OrderStatus as S
from tests.dispatch_factories import carrier, product
from tests.factories import dun
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
    for wanted in (run.number, "老李", "Driver manifest 送货单", near_stop.address,
                   near_stop.phone, "2 x W-BRL 桶装水 18.9L", "collect 3", "leave 2 full",
                   "Stops 站点: 2", "Empties to collect 待回收空桶: 3",
                   "+ deposit 押金\n¥30.00 each"):  # fmt: skip
        assert wanted in text, wanted
    assert f"人民币{capital_amount(run.cash_due_minor)}" in text  # the cash to settle, 大写

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


# -- the seam: a settled run's cash and deposits in receivables ------------------------------


def _exposure(db, customer_id: int, day: date) -> receivables.CreditExposure:
    with db.read() as s:
        return receivables.credit_exposure(s, customer_id, day)


def _open_invoices(db, customer_id: int) -> list[tuple[str, int]]:
    """(kind, open amount) of the customer's open invoices and credit notes."""
    return [(i.kind, i.open_minor) for i in receivables.customer_invoices(db, customer_id)]


def test_cash_collected_at_the_door_pays_the_invoice_aging_and_dunning_see_it(db):
    """The issue's case: delivered, the cash due collected: the invoice is paid by a cash
    payment naming the run, so it neither ages nor is dunned."""
    _van, barrel = _water(db)
    cid, oid = _order_for(db, barrel, 2, route_seq=1)
    with db.write() as s:  # holds 2 empties: a swap, no deposit changes hands
        s.add(ContainerMove(customer_id=cid, product_id=barrel, qty=2, deposit_minor=6_000,
                            actor="t", reason="opening balance"))  # fmt: skip
    run = delivery_runs.plan_run(db, "dispatcher", "VAN1", DAY)
    [stop] = run.stops
    due = _total(db, oid)

    done = delivery_runs.settle_run(db, "dispatcher", run.number,
                                    {stop.id: StopResult(True, 2, due)})  # fmt: skip

    assert _open_invoices(db, cid) == []
    with db.read() as s:
        [payment] = s.exec(select(Payment).where(Payment.customer_id == cid)).all()
    assert (payment.method, payment.reference, payment.amount_minor, payment.received_on,
            payment.unapplied_minor) == ("cash", f"{run.number} stop 1", due, DAY, 0)  # fmt: skip
    [invoice] = receivables.order_invoices(db, oid)
    assert (invoice.paid_minor, invoice.status) == (due, "paid")
    assert [m.paid for m in done.money] == [((invoice.number, due),)]
    assert done.money[0].short_minor == 0 and done.money[0].on_account_minor == 0
    later = DAY + timedelta(days=120)
    assert [r.customer_id for r in aging.aging(db, later).rows] == []
    assert _exposure(db, cid, later) == (0, 0, 0)
    assert dun(db, later) == []
    assert delivery_runs.money_sentence(done) == f"Cash ¥{due / 100:,.2f} recorded, paying " \
        f"{invoice.number}"  # fmt: skip


def test_short_over_and_deposits_are_kept_never_dropped(db):
    _van, barrel = _water(db)
    near_cid, near = _order_for(db, barrel, 2, route_seq=1)
    far_cid, far = _order_for(db, barrel, 4, route_seq=2)
    with db.write() as s:  # the near customer holds 3 empties; the far one is new
        s.add(ContainerMove(customer_id=near_cid, product_id=barrel, qty=3, deposit_minor=9_000,
                            actor="t", reason="opening balance"))  # fmt: skip
    run = delivery_runs.plan_run(db, "dispatcher", "VAN1", DAY, driver="老李")
    near_stop, far_stop = run.stops
    near_due, far_goods = _total(db, near), _total(db, far)
    # far keeps 4 barrels: their deposit (¥30 each) is due at the door with the goods
    assert far_stop.due_at_door(True, 0) == far_goods + 12_000
    assert near_stop.due_at_door(True, 3) == near_due  # 1 more back than left: no deposit

    done = delivery_runs.settle_run(db, "dispatcher", run.number, {
        near_stop.id: StopResult(True, 3, near_due + 500),  # ¥5.00 over
        far_stop.id: StopResult(True, 0, far_goods + 10_000),  # ¥20.00 short
    }, today=DAY)  # fmt: skip

    near_money, far_money = done.money
    # near: the goods paid, ¥5.00 over on account, one empty's deposit credited on account
    [near_invoice] = receivables.order_invoices(db, near)
    assert near_invoice.status == "paid"
    assert near_money.paid == ((near_invoice.number, near_due),)
    assert (near_money.on_account_minor, near_money.short_minor) == (500, 0)
    assert (near_money.deposit_billed_minor, near_money.deposit_credited_minor) == (0, 3_000)
    assert _open_invoices(db, near_cid) == [("credit_note", -3_000)]
    assert _exposure(db, near_cid, DAY).open_invoices_minor == -3_500
    # far: the goods paid, then the deposit invoice as far as the cash went: ¥20.00 open
    [goods] = receivables.order_invoices(db, far)
    deposit_invoice = far_money.deposit_invoice
    assert goods.status == "paid" and far_money.deposit_billed_minor == 12_000
    assert far_money.paid == ((goods.number, far_goods), (deposit_invoice, 10_000))
    assert far_money.short_minor == 2_000 and far_money.still_open == ((deposit_invoice, 2_000),)
    assert _open_invoices(db, far_cid) == [("invoice", 2_000)]
    [follow] = follow_ups.todays_follow_ups(db, DAY)
    assert follow.customer_id == far_cid and follow.open_minor == 2_000
    assert f"{run.number} stop 2" in follow.note and "¥20.00 short" in follow.note
    # what is short ages and is dunned like any unpaid invoice (COD: due 7 days after)
    late = DAY + timedelta(days=40)
    report = aging.aging(db, late)
    assert {r.customer_id: r.total_minor for r in report.rows} == {far_cid: 2_000, near_cid: -3_500}
    [step] = dun(db, late)
    assert (step.customer_id, step.overdue_minor) == (far_cid, 2_000)
    assert delivery_runs.container_balance(db, far_cid) == delivery_runs.ContainerBalance(
        far_cid, 4, 12_000)  # fmt: skip
    assert delivery_runs.money_sentence(done) == (
        f"Cash ¥{(near_due + far_goods + 10_500) / 100:,.2f} recorded, paying 3 invoices; "
        f"stop 2 ¥20.00 short ({deposit_invoice} open, follow-up written); ¥5.00 kept on "
        "account; deposit ¥120.00 billed; deposit ¥30.00 credited on account"
    )
    # settling again records nothing more
    assert delivery_runs.settle_run(db, "dispatcher", run.number, {}, today=DAY) == done
    with db.read() as s:
        assert len(s.exec(select(Payment).where(Payment.method == "cash")).all()) == 2
