"""Own-van delivery runs (the water company's daily routes) and returnable containers.

A run is one van's day: ``plan_run`` takes the ready orders of the van's area (its rate
regions; orders with the van chosen, or no carrier), starts a shipment for each and
orders the stops by the address's route sequence. The driver manifest lists per stop the
address, phone, items, cash to collect (cash-on-delivery orders) and the empty containers
to pick up. ``settle_run`` records what happened when the van is back: each delivered
stop ships (stock issued, invoiced) and is delivered, containers delivered and returned
move the customer's container balance and deposit; stops not delivered keep their
shipment for the next run. Settling twice changes nothing more.

The money goes to receivables in the settlement's transaction, per stop: the deposit of
the containers kept is billed, that of the empties brought back credited
(``finance.deposits``); the cash collected is a payment (method cash, reference
"RUN-2026-000001 stop 2") applied to the stop's invoices (its goods, then its deposit),
then to the order's other open invoices, and what is left over is kept on account. Cash
short of what was due at the door (``StopView.due_at_door``) leaves the rest open on the
invoices, where aging and dunning see it, and writes a follow-up for the finance clerk.
What settling did is read back from receivables into ``RunView.money``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import partial

from sqlalchemy import func
from sqlmodel import Session, col, select

from ...i18n import N_
from ...models import (
    Carrier,
    CarrierRate,
    ContainerMove,
    Customer,
    CustomerAddress,
    DeliveryRun,
    DeliveryStop,
    Invoice,
    Order,
    OrderLine,
    Payment,
    PaymentAllocation,
    Product,
    Shipment,
    ShipmentLine,
)
from ..finance import deposits, follow_ups, receivables
from ..platform.change_log import record_change
from ..platform.db import Database
from ..platform.errors import InvalidInput, NotFound
from ..platform.money import check_amount, format_money
from ..platform.numbering import take_number
from ..platform.permissions import anyone, requires, unchecked
from ..platform.settings import get_settings, load_settings
from ..states import shipment_states, van_run_states
from ..states.invoice_states import InvoiceStatus
from ..states.shipment_states import ShipmentStatus as H
from ..states.shipment_states import TrackingStatus
from ..states.van_run_states import RunStatus as V
from . import dispatch, tracking

READ = "van runs, vans and containers, taking no acting user"  # i18n: no

RUN_PREFIX = "RUN"


@dataclass(frozen=True)
class StopItem:
    code: str
    description: str
    qty: int


@dataclass(frozen=True)
class StopView:
    id: int
    seq: int
    order_number: str
    shipment_id: int
    shipment_number: str
    customer_id: int
    customer_name: str
    ship_to_name: str
    phone: str
    address: str
    items: tuple[StopItem, ...]
    cash_due_minor: int
    containers_out: int
    containers_to_collect: int
    delivered: bool | None
    containers_back: int
    cash_collected_minor: int
    note: str
    deposit_each_minor: int = 0  # deposit of one of the stop's containers
    cash_on_delivery: bool = False  # the order is paid at the door

    def due_at_door(self, delivered: bool, containers_back: int) -> int:
        """The cash the driver collects here: a cash-on-delivery order's total (on its
        first delivery) and its deposit for the containers left beyond the empties
        brought back; nothing at a stop not delivered."""
        if not delivered:
            return 0
        kept = self.containers_out - containers_back
        deposit = kept * self.deposit_each_minor if self.cash_on_delivery and kept > 0 else 0
        return self.cash_due_minor + deposit


@dataclass(frozen=True)
class StopMoney:
    """What settling a stop did to the customer's account, read back from receivables."""

    seq: int
    customer_name: str
    due_minor: int  # cash due at the door (``StopView.due_at_door``)
    collected_minor: int
    payment_number: str  # the cash as a payment (method cash); "" when none collected
    paid: tuple[tuple[str, int], ...]  # (invoice, amount) the cash paid
    on_account_minor: int  # cash left over after the invoices, kept on account
    deposit_invoice: str  # "" when no deposit was billed
    deposit_billed_minor: int
    deposit_credit_note: str  # "" when no deposit was credited
    deposit_credited_minor: int
    still_open: tuple[tuple[str, int], ...]  # (invoice, open amount) of the stop, now

    @property
    def short_minor(self) -> int:
        """Cash short of what was due at the door: left open on the invoices, with a
        follow-up."""
        return max(self.due_minor - self.collected_minor, 0)


@dataclass(frozen=True)
class RunView:
    id: int
    number: str
    van_code: str
    van_name: str
    run_date: date
    status: str
    driver: str
    stops: tuple[StopView, ...]
    cash_collected_minor: int
    currency: str = field(kw_only=True)  # ISO 4217: the company currency, which drivers collect in
    money: tuple[StopMoney, ...] = ()  # a settled run: per stop, what went where
    version: int = 1  # what settling this view passes as ``expected_version``

    @property
    def cash_due_minor(self) -> int:
        return sum(s.cash_due_minor for s in self.stops)

    @property
    def containers_out(self) -> int:
        return sum(s.containers_out for s in self.stops)

    @property
    def containers_to_collect(self) -> int:
        return sum(s.containers_to_collect for s in self.stops)


@dataclass(frozen=True)
class ContainerBalance:
    customer_id: int
    held: int  # containers at the customer's
    deposit_minor: int  # deposit the company holds for them


@anyone(READ)
def container_balance(db: Database, customer_id: int) -> ContainerBalance:
    with db.read() as session:
        return _balance(session, customer_id)


def _balance(session: Session, customer_id: int) -> ContainerBalance:
    qty, deposit = session.execute(
        select(func.coalesce(func.sum(ContainerMove.qty), 0),
               func.coalesce(func.sum(ContainerMove.deposit_minor), 0))
        .where(ContainerMove.customer_id == customer_id)
    ).one()  # fmt: skip
    return ContainerBalance(customer_id, int(qty), int(deposit))


def _van(session: Session, code: str) -> Carrier:
    van = session.exec(select(Carrier).where(func.upper(Carrier.code) == code.strip().upper())
                       ).first()  # fmt: skip
    if van is None or van.kind != "own_van":
        raise NotFound(N_("no own van '{code}' (a carrier of kind own_van)").format(code=code))
    return van


@dataclass(frozen=True)
class VanView:
    code: str
    name: str


@anyone(READ)
def list_vans(db: Database) -> list[VanView]:
    """The company's own vans (active carriers of kind ``own_van``), by code."""
    with db.read() as session:
        rows = session.exec(
            select(Carrier.code, Carrier.name)
            .where(Carrier.kind == "own_van", Carrier.active == True)  # noqa: E712
            .order_by(Carrier.code)
        ).all()  # fmt: skip
    return [VanView(code, name) for code, name in rows]


@anyone(READ)
def runs_on(db: Database, day: date) -> list[RunView]:
    """The runs of a day, every van's, by van code then run number."""
    with db.read() as session:
        ids = session.exec(
            select(DeliveryRun.id)
            .join(Carrier, Carrier.id == DeliveryRun.carrier_id)
            .where(DeliveryRun.run_date == day)
            .order_by(Carrier.code, DeliveryRun.number)
        ).all()  # fmt: skip
        return [_run_view(session, run_id) for run_id in ids]


@requires("vans.run")
def plan_run(db: Database, actor: str, van: str, run_date: date, driver: str = "",
             warehouse_id: int | None = None) -> RunView:  # fmt: skip
    """Build the day's run for a van from the ready orders of its area."""
    with db.read() as session:
        carrier = _van(session, van)
        regions = set(session.exec(
            select(CarrierRate.region).where(CarrierRate.carrier_id == carrier.id)
        ).all())  # fmt: skip
        # shipments already on a run, except stops a returned run did not deliver
        on_runs = set(session.exec(
            select(DeliveryStop.shipment_id)
            .join(DeliveryRun, DeliveryRun.id == DeliveryStop.run_id)
            .where((DeliveryRun.status != V.RETURNED) | (DeliveryStop.delivered == True))  # noqa: E712
        ).all())  # fmt: skip
    ready = [r for r in dispatch.ready_to_ship(db, warehouse_id, limit=10_000)
             if (r.carrier_id == carrier.id or (r.carrier_id is None
                 and ("*" in regions or r.region in regions)))]  # fmt: skip
    fresh = [r.order_id for r in ready if not r.in_shipment]
    # a step of planning (vans.run), which asks no dispatch.ship of the planner
    unchecked(dispatch.create_shipments)(db, actor, fresh, warehouse_id, carrier.id,
                                         today=run_date)  # fmt: skip
    with db.write() as session:
        carrier = _van(session, van)
        shipments = session.exec(
            select(Shipment).where(col(Shipment.order_id).in_([r.order_id for r in ready]),
                                   Shipment.status == H.PICKING,
                                   Shipment.carrier_id == carrier.id)
        ).all()  # fmt: skip
        shipments = [s for s in shipments if s.id not in on_runs]
        if not shipments:
            raise InvalidInput(
                N_("nothing ready to deliver by {van} on {date}").format(
                    van=carrier.code, date=run_date
                ),
                "van",
            )
        run = DeliveryRun(number=take_number(session, RUN_PREFIX, run_date.year),
                          carrier_id=carrier.id, run_date=run_date, driver=driver.strip(),
                          created_by=actor)  # fmt: skip
        session.add(run)
        session.flush()
        order_ids = {s.order_id for s in shipments}
        orders = {o.id: o for o in session.exec(
            select(Order).where(col(Order.id).in_(order_ids))).all()}  # fmt: skip
        route = dict(session.exec(
            select(CustomerAddress.id, CustomerAddress.route_seq)
            .where(col(CustomerAddress.id).in_({o.ship_to_address_id for o in orders.values()
                                                if o.ship_to_address_id}))
        ).all())  # fmt: skip
        names = dict(session.exec(select(Customer.id, Customer.name).where(
            col(Customer.id).in_({o.customer_id for o in orders.values()}))).all())  # fmt: skip
        earlier = set(session.exec(
            select(Shipment.order_id).where(col(Shipment.order_id).in_(orders),
                                            col(Shipment.status).in_(shipment_states.LEFT))
        ).all())  # fmt: skip

        def stop_key(s: Shipment) -> tuple:
            o = orders[s.order_id]
            seq = route.get(o.ship_to_address_id, 0) if o.ship_to_address_id else 0
            return (seq == 0, seq, names.get(o.customer_id, ""), o.number)

        balances: dict[int, int] = {}
        for seq, sh in enumerate(sorted(shipments, key=stop_key), start=1):
            order = orders[sh.order_id]
            containers = session.execute(
                select(func.coalesce(func.sum(ShipmentLine.qty), 0))
                .join(OrderLine, OrderLine.id == ShipmentLine.order_line_id)
                .join(Product, Product.id == OrderLine.product_id)
                .where(ShipmentLine.shipment_id == sh.id, Product.deposit_minor > 0)
            ).scalar_one()  # fmt: skip
            if order.customer_id not in balances:
                balances[order.customer_id] = _balance(session, order.customer_id).held
            cash = order.total_minor if (order.payment_method == "cod"
                                         and order.id not in earlier) else 0  # fmt: skip
            session.add(DeliveryStop(
                run_id=run.id, seq=seq, shipment_id=sh.id, customer_id=order.customer_id,
                cash_due_minor=cash, containers_out=int(containers),
                containers_to_collect=balances[order.customer_id],
            ))  # fmt: skip
            earlier.add(order.id)  # a second stop of the same order collects nothing more
        session.flush()
        return _run_view(session, run.id)


@anyone(READ)
def get_run(db: Database, number: str) -> RunView:
    with db.read() as session:
        return _run_view(session, _run_record(session, number).id)


def _run_record(session: Session, number: str) -> DeliveryRun:
    run = session.exec(select(DeliveryRun).where(
        DeliveryRun.number == number.strip().upper())).first()  # fmt: skip
    if run is None:
        raise NotFound(N_("no delivery run {number}").format(number=number))
    return run


def _run_view(session: Session, run_id: int) -> RunView:
    run = session.get(DeliveryRun, run_id)
    van = session.get(Carrier, run.carrier_id)
    stops = session.exec(
        select(DeliveryStop).where(DeliveryStop.run_id == run.id).order_by(DeliveryStop.seq)
    ).all()
    shipment_ids = [s.shipment_id for s in stops]
    views = {v.id: v for v in dispatch.shipment_views(session, shipment_ids)}
    paid_at_door = dict(session.exec(
        select(Shipment.id, Order.payment_method == "cod")
        .join(Order, Order.id == Shipment.order_id).where(col(Shipment.id).in_(shipment_ids))
    ).all())  # fmt: skip
    deposit_each = dict(session.exec(
        select(ShipmentLine.shipment_id, func.max(Product.deposit_minor))
        .join(OrderLine, OrderLine.id == ShipmentLine.order_line_id)
        .join(Product, Product.id == OrderLine.product_id)
        .where(col(ShipmentLine.shipment_id).in_(shipment_ids), Product.deposit_minor > 0)
        .group_by(ShipmentLine.shipment_id)
    ).all())  # fmt: skip
    out = []
    for s in stops:
        sh = views[s.shipment_id]
        out.append(StopView(
            id=s.id, seq=s.seq, order_number=sh.order_number, shipment_id=sh.id,
            shipment_number=sh.number, customer_id=s.customer_id, customer_name=sh.customer_name,
            ship_to_name=sh.ship_to_name, phone=sh.ship_to_phone, address=sh.ship_to_address,
            items=tuple(StopItem(ln.product_code, ln.description, ln.qty) for ln in sh.lines),
            cash_due_minor=s.cash_due_minor, containers_out=s.containers_out,
            containers_to_collect=s.containers_to_collect, delivered=s.delivered,
            containers_back=s.containers_back, cash_collected_minor=s.cash_collected_minor,
            note=s.note, deposit_each_minor=int(deposit_each.get(s.shipment_id) or 0),
            cash_on_delivery=bool(paid_at_door.get(s.shipment_id)),
        ))  # fmt: skip
    currency = load_settings(session).currency
    money = _stop_money(session, run.number, out) if run.status == V.RETURNED else ()
    return RunView(run.id, run.number, van.code if van else "", van.name if van else "",
                   run.run_date, run.status, run.driver, tuple(out),
                   run.cash_collected_minor, currency=currency, money=money,
                   version=run.version)  # fmt: skip


def _reference(run_number: str, seq: int) -> str:
    """How a stop's payment, deposit invoice and credit note name it."""
    return N_("{run} stop {seq}").format(run=run_number, seq=seq)


def _stop_money(session: Session, run_number: str, stops: list[StopView]
                ) -> tuple[StopMoney, ...]:  # fmt: skip
    """What a settled run's stops did to receivables: their cash payments, the deposits
    billed and credited, what is still open on their invoices."""
    refs = {_reference(run_number, s.seq): s for s in stops}
    pays = {p.reference: p for p in session.exec(
        select(Payment).where(col(Payment.customer_id).in_({s.customer_id for s in stops}),
                              col(Payment.reference).in_(refs), Payment.method == "cash")
    ).all()}  # fmt: skip
    paid: dict[int, list[tuple[str, int]]] = {}
    for pid, number, amount in session.execute(
        select(PaymentAllocation.payment_id, Invoice.number, PaymentAllocation.amount_minor)
        .join(Invoice, Invoice.id == PaymentAllocation.invoice_id)
        .where(col(PaymentAllocation.payment_id).in_([p.id for p in pays.values()]))
        .order_by(PaymentAllocation.id)
    ).all():  # fmt: skip
        paid.setdefault(pid, []).append((number, int(amount)))
    shipment_ids = [s.shipment_id for s in stops]
    docs = session.exec(
        select(Invoice).where(col(Invoice.shipment_id).in_(shipment_ids),
                              col(Invoice.order_id).is_(None))
    ).all()  # fmt: skip
    still_open: dict[int, list[tuple[str, int]]] = {}
    for sid, number, left in session.execute(
        select(Invoice.shipment_id, Invoice.number, Invoice.amount_minor - Invoice.paid_minor)
        .where(col(Invoice.shipment_id).in_(shipment_ids), Invoice.kind == "invoice",
               Invoice.status == InvoiceStatus.OPEN)
        .order_by(Invoice.due_on, Invoice.id)
    ).all():  # fmt: skip
        still_open.setdefault(sid, []).append((number, int(left)))
    out = []
    for ref, s in refs.items():
        pay = pays.get(ref)
        mine = [d for d in docs if d.reason.startswith(f"{ref}:")]
        bill = next((d for d in mine if d.kind == "invoice"), None)
        note = next((d for d in mine if d.kind == "credit_note"), None)
        out.append(StopMoney(
            s.seq, s.customer_name, s.due_at_door(bool(s.delivered), s.containers_back),
            s.cash_collected_minor, pay.number if pay else "",
            tuple(paid.get(pay.id, ())) if pay else (), pay.unapplied_minor if pay else 0,
            bill.number if bill else "", bill.amount_minor if bill else 0,
            note.number if note else "", -note.amount_minor if note else 0,
            tuple(still_open.get(s.shipment_id, ())) if s.delivered else (),
        ))  # fmt: skip
    return tuple(out)


def money_sentence(run: RunView) -> str:
    """A settled run's money, a sentence each joined by ``; `` (the van runs screen says it
    after settling, each read back in the clerk's language by ``i18n.shown``)."""
    m, cur = run.money, run.currency
    cash = sum(s.collected_minor for s in m)
    paid = [number for s in m for number, _ in s.paid]
    parts = []
    if cash and len(paid) == 1:
        parts.append(
            N_("Cash {amount} recorded, paying {invoice}").format(
                amount=format_money(cash, cur), invoice=paid[0]
            )
        )
    elif cash and paid:
        parts.append(
            N_("Cash {amount} recorded, paying {n} invoices").format(
                amount=format_money(cash, cur), n=len(paid)
            )
        )
    elif cash:
        parts.append(N_("Cash {amount} recorded").format(amount=format_money(cash, cur)))
    for s in m:
        if s.short_minor and s.still_open:
            parts.append(N_("stop {seq} {amount} short ({invoices} open, follow-up written)")
                         .format(seq=s.seq, amount=format_money(s.short_minor, cur),
                                 invoices=", ".join(n for n, _ in s.still_open)))  # fmt: skip
        elif s.short_minor:
            parts.append(
                N_("stop {seq} {amount} short (the order open, follow-up written)").format(
                    seq=s.seq, amount=format_money(s.short_minor, cur)
                )
            )
    over = sum(s.on_account_minor for s in m)
    if over:
        parts.append(N_("{amount} kept on account").format(amount=format_money(over, cur)))
    billed = sum(s.deposit_billed_minor for s in m)
    if billed:
        parts.append(N_("deposit {amount} billed").format(amount=format_money(billed, cur)))
    credited = sum(s.deposit_credited_minor for s in m)
    if credited:
        parts.append(
            N_("deposit {amount} credited on account").format(amount=format_money(credited, cur))
        )
    return "; ".join(parts)


@dataclass(frozen=True)
class StopResult:
    delivered: bool
    containers_back: int = 0
    cash_collected_minor: int = 0
    note: str = ""


@requires("vans.settle")
def settle_run(db: Database, actor: str, run_number: str, results: Mapping[int, StopResult],
               today: date | None = None, expected_version: int | None = None
               ) -> RunView:  # fmt: skip
    """The van is back: ``results`` by stop id (a stop not given was not delivered).
    ``today``: the caller's date (the app's clock; default the system date), the day a
    follow-up for cash short is due (the run's day when that is later).
    ``expected_version``: the version of the run the clerk typed the results against
    (``StaleData``, who settled it and when, when somebody else did meanwhile)."""
    with db.read() as session:
        record = _run_record(session, run_number)
        van_run_states.check_version(record, expected_version)
    run = get_run(db, run_number)
    if run.status == V.RETURNED:
        return run
    settings = get_settings(db)
    for stop in run.stops:
        r = results.get(stop.id, StopResult(False))
        if r.containers_back < 0 or r.cash_collected_minor < 0:
            raise InvalidInput(
                N_("stop {seq}: counts and cash are 0 or more").format(seq=stop.seq), "stop"
            )
        check_amount(r.cash_collected_minor, settings.max_amount_minor,
                     N_("stop {seq}: the cash collected").format(seq=stop.seq), "cash",
                     settings.currency)  # fmt: skip
        may_return = stop.containers_to_collect + (stop.containers_out if r.delivered else 0)
        if r.containers_back > may_return:
            raise InvalidInput(N_("stop {seq}: {customer} holds {held} containers, not {back}")
                               .format(seq=stop.seq, customer=stop.customer_name,
                                       held=may_return, back=r.containers_back),
                               "containers")  # fmt: skip
    # ship what was delivered (each its own transaction; idempotent): steps of settling
    # (vans.settle), which asks no dispatch.ship of whoever settles
    ship, delivered = unchecked(dispatch.ship), unchecked(tracking.add_tracking_event)
    for stop in run.stops:
        r = results.get(stop.id, StopResult(False))
        if not r.delivered:
            continue
        current = dispatch.get_shipment(db, stop.shipment_id)
        if current.status == H.PICKING:
            ship(db, actor, stop.shipment_id, "", today=run.run_date)
        if dispatch.get_shipment(db, stop.shipment_id).status == H.SHIPPED:
            delivered(db, actor, stop.shipment_id, TrackingStatus.DELIVERED,
                      note=N_("van run {number}").format(number=run.number))  # fmt: skip
    today = max(run.run_date, today or date.today())  # the cash came in on the run's day
    with db.write() as session:
        record = session.exec(select(DeliveryRun).where(DeliveryRun.id == run.id)
                              .with_for_update()).one()  # fmt: skip
        van_run_states.check_version(record, expected_version)
        if record.status == V.RETURNED:
            return _run_view(session, run.id)
        collected = 0
        for stop in run.stops:
            r = results.get(stop.id, StopResult(False))
            row = session.get(DeliveryStop, stop.id)
            row.delivered, row.containers_back = r.delivered, r.containers_back
            row.cash_collected_minor, row.note = r.cash_collected_minor, r.note
            session.add(row)
            collected += r.cash_collected_minor
            deposit = _containers_in(session, actor, run.id, stop, r)
            _money_in(session, actor, run, stop, r, deposit, today)
        record.cash_collected_minor = collected
        van_run_states.move(session, record, V.RETURNED, actor)
        session.flush()
        return _run_view(session, run.id)


def _containers_in(session: Session, actor: str, run_id: int, stop: StopView, r: StopResult
                   ) -> tuple[int, str]:  # fmt: skip
    """The containers a stop left and brought back, on the customer's container balance.
    Returns the deposit that changed hands (above 0: the customer holds more) and how
    many containers of which product, for the documents' reasons."""
    product = _container_product(session, stop.shipment_id) or _any_container(session)
    if product is None:
        return 0, ""
    out = stop.containers_out if r.delivered else 0
    if out:
        session.add(ContainerMove(
            customer_id=stop.customer_id, product_id=product.id, qty=out,
            deposit_minor=out * product.deposit_minor, run_id=run_id,
            shipment_id=stop.shipment_id, reason=N_("delivered"), actor=actor,
        ))  # fmt: skip
    if r.containers_back:
        session.add(ContainerMove(
            customer_id=stop.customer_id, product_id=product.id, qty=-r.containers_back,
            deposit_minor=-r.containers_back * product.deposit_minor, run_id=run_id,
            reason=N_("returned empty"), actor=actor,
        ))  # fmt: skip
    kept = out - r.containers_back
    return kept * product.deposit_minor, f"{abs(kept)} x {product.code}"


def _money_in(session: Session, actor: str, run: RunView, stop: StopView, r: StopResult,
              deposit: tuple[int, str], today: date) -> None:  # fmt: skip
    """The stop's money in receivables: the deposit billed or credited, the cash as a
    payment on the stop's invoices (then the order's others; the rest on account), and a
    follow-up when the cash is short of what was due at the door."""
    ref = _reference(run.number, stop.seq)
    order = session.exec(select(Order).join(Shipment, Shipment.order_id == Order.id)
                         .where(Shipment.id == stop.shipment_id)).one()  # fmt: skip
    change, what = deposit
    if change > 0:
        deposits.bill_deposit_in(session, actor, order, change, run.run_date, stop.shipment_id,
                                 N_("{reference}: deposit for {what} kept").format(
                                     reference=ref, what=what))  # fmt: skip
    elif change < 0:
        deposits.credit_deposit_in(session, actor, stop.customer_id, -change, run.run_date,
                                   stop.shipment_id,
                                   N_("{reference}: deposit back for {what} returned empty")
                                   .format(reference=ref, what=what))  # fmt: skip
    cash = r.cash_collected_minor
    if cash:
        company = load_settings(session).currency.upper()
        open_ = session.exec(
            select(Invoice).where(
                (Invoice.shipment_id == stop.shipment_id) | (Invoice.order_id == order.id),
                Invoice.kind == "invoice", Invoice.status == InvoiceStatus.OPEN,
                func.upper(Invoice.currency) == company)
        ).all()  # fmt: skip
        # the stop's goods, then its deposit, then the order's other invoices, oldest due
        open_ = sorted(open_, key=lambda i: (i.shipment_id != stop.shipment_id,
                                             i.order_id is None, i.due_on, i.id))  # fmt: skip
        receivables.record_payment_in(session, actor, stop.customer_id, cash, run.run_date,
                                      "cash", ref, [i.number for i in open_], today)  # fmt: skip
    due = stop.due_at_door(r.delivered, r.containers_back)
    if cash < due:
        money = partial(format_money, currency=load_settings(session).currency.upper())
        follow_ups.follow_up_in(
            session, actor, stop.customer_id, "note",
            N_("{reference} ({order}): cash {collected} collected of {due} due at the door, "
               "{short} short; left open on the invoices").format(
                reference=ref, order=order.number, collected=money(cash), due=money(due),
                short=money(due - cash)),
            next_action_on=today,
        )  # fmt: skip


def _container_product(session: Session, shipment_id: int) -> Product | None:
    return session.exec(
        select(Product)
        .join(OrderLine, OrderLine.product_id == Product.id)
        .join(ShipmentLine, ShipmentLine.order_line_id == OrderLine.id)
        .where(ShipmentLine.shipment_id == shipment_id, Product.deposit_minor > 0)
    ).first()


def _any_container(session: Session) -> Product | None:
    return session.exec(select(Product).where(Product.deposit_minor > 0).order_by(Product.id)
                        ).first()  # fmt: skip


@requires("vans.run")
def set_route_seq(db: Database, actor: str, address_id: int, seq: int) -> None:
    """Where an address stands on the van's route (1 first; 0 takes it off the route); the
    change in the change log (the customer's, the address in its reason)."""
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 0:
        raise InvalidInput(N_("the route position is a whole number, 0 or more"), "route_seq")
    with db.write() as session:
        address = session.get(CustomerAddress, address_id)
        if address is None:
            raise NotFound(N_("no address with id {id}").format(id=address_id))
        code = session.exec(select(Customer.code).where(Customer.id == address.customer_id)).one()
        record_change(
            session,
            actor,
            "customer",
            code,
            "route_seq",
            address.route_seq,
            seq,
            " ".join(p for p in (address.label, address.city, address.street) if p),
        )
        address.route_seq = seq
        session.add(address)
