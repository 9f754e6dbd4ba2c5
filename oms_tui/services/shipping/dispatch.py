"""Dispatch: which orders can ship, which carrier, shipments, shipping and tracking.

A shipment is one order's goods from one warehouse. Creating it (``create_shipments``
for a wave) takes what is reserved there and moves the order to ready to ship; shipping
it (``ship``) confirms the quantities, checks the tracking number against the carrier's
pattern, issues the stock out of the reservations (``stock.issue_in``), keeps the
freight on the shipment and moves the order to shipped or part shipped. What was not
shipped stays reserved, or backordered when it never was.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from ...i18n import N_, document_words
from ...models import (
    Allocation,
    Carrier,
    CarrierRate,
    Customer,
    Order,
    OrderAudit,
    OrderLine,
    Product,
    Shipment,
    ShipmentLine,
    StockLevel,
    Warehouse,
)
from ..catalog.pricing import QuoteLine, chargeable_weight_g, freight, product_info
from ..finance import receivables
from ..inventory import stock
from ..parties.language import document_language
from ..platform.db import Database, change_stamp, retry
from ..platform.errors import IllegalTransition, InvalidInput, NotFound
from ..platform.numbering import take_number
from ..platform.permissions import anyone, requires
from ..platform.settings import load_settings
from ..states import order_states, shipment_states
from ..states.order_states import OrderStatus, record_event
from ..states.shipment_states import ShipmentStatus, TrackingStatus

READ = "shipments and what is ready to ship, taking no acting user"  # i18n: no

S = OrderStatus
H = ShipmentStatus
SHIPMENT_PREFIX = "SH"
# Orders whose reserved goods may leave: partly backordered ones only when the customer
# accepts partial shipments (checked per order).
SHIPPABLE = (S.ALLOCATED, S.READY_TO_SHIP, S.PARTIALLY_BACKORDERED, S.PARTIALLY_SHIPPED)
TRACKING_STATUSES = tuple(TrackingStatus)


# --------------------------------------------------------------------------------------------
# Carrier choice


@dataclass(frozen=True)
class CarrierOption:
    carrier_id: int
    code: str
    name: str
    kind: str
    freight_minor: int
    transit_days: int
    expected_date: date
    meets_date: bool  # arrives by the requested date (True when none was asked)
    weight_g: int  # chargeable: the larger of actual and volumetric
    currency: str = field(
        kw_only=True
    )  # ISO 4217: the company currency, which carrier rates are in


@dataclass(frozen=True)
class CarrierChoice:
    options: tuple[CarrierOption, ...]  # every carrier serving the region, cheapest first
    proposed: CarrierOption | None
    reason: str


def carrier_options_in(session: Session, region: str, lines: Sequence[QuoteLine],
                       ship_on: date, wanted: date | None) -> CarrierChoice:  # fmt: skip
    """Every active carrier with a rate for ``region`` (or for anywhere, ``*``); the
    proposal is the cheapest that arrives by ``wanted`` (ties: faster, then code), else
    the fastest, saying why."""
    rows = session.exec(
        select(Carrier, CarrierRate)
        .join(CarrierRate, CarrierRate.carrier_id == Carrier.id)
        .where(Carrier.active == True, col(CarrierRate.region).in_([region, "*"]))  # noqa: E712
    ).all()
    best_rate: dict[int, tuple[Carrier, CarrierRate]] = {}
    for carrier, rate in rows:  # the region's own rate wins over "*"
        if carrier.id not in best_rate or rate.region == region:
            best_rate[carrier.id] = (carrier, rate)
    fragile = any(ln.product.fragile for ln in lines)
    currency = load_settings(session).currency  # carrier rates are in the company currency
    options = []
    for carrier, rate in best_rate.values():
        weight = chargeable_weight_g(lines, carrier.volumetric_divisor)
        fee = freight(weight, rate.first_weight_g, rate.first_price_minor,
                      rate.additional_kg_minor, rate.min_charge_minor,
                      rate.fragile_surcharge_minor, fragile)  # fmt: skip
        arrives = ship_on + timedelta(days=rate.transit_days)
        options.append(CarrierOption(carrier.id, carrier.code, carrier.name, carrier.kind, fee,
                                     rate.transit_days, arrives,
                                     wanted is None or arrives <= wanted, weight,
                                     currency=currency))  # fmt: skip
    options.sort(key=lambda o: (o.freight_minor, o.transit_days, o.code))
    if not options:
        return CarrierChoice(
            (), None, N_("no carrier serves {region}").format(region=region or N_("this region"))
        )
    from ..platform.money import format_money

    # each sentence a template (i18n.shown reads them back); the carriers too late after
    # the proposal, each its own sentence: ``SF cheapest (¥38.00, 1 days); ZTO ¥20.00
    # arrives 12-02, too late``
    in_time = [o for o in options if o.meets_date]
    if in_time:
        pick = in_time[0]
        fee = format_money(pick.freight_minor, currency)
        if wanted is None:
            reason = N_("{code} cheapest ({freight}, {days} days)").format(
                code=pick.code, freight=fee, days=pick.transit_days
            )
        else:
            reason = N_("{code} cheapest that arrives by {date} ({freight}, {days} days)").format(
                code=pick.code, date=f"{wanted:%m-%d}", freight=fee, days=pick.transit_days
            )
        cheaper = [o for o in options if o.freight_minor < pick.freight_minor]
        reason = "; ".join([reason, *(
            N_("{code} {freight} arrives {date}, too late").format(
                code=o.code, freight=format_money(o.freight_minor, currency),
                date=f"{o.expected_date:%m-%d}")
            for o in cheaper[:2])])  # fmt: skip
    else:
        pick = min(options, key=lambda o: (o.transit_days, o.freight_minor, o.code))
        reason = N_("none arrives by {date}; {code} fastest ({days} days, {freight})").format(
            date=f"{wanted:%m-%d}",
            code=pick.code,
            days=pick.transit_days,
            freight=format_money(pick.freight_minor, currency),
        )
    return CarrierChoice(tuple(options), pick, reason)


def packages_for(lines: Iterable[tuple[int, int]]) -> int:
    """How many packages (quantity, units per package) lines fill: a product with a packing
    unit ceil(quantity / unit) of its own (25 barrels at 1: 25), the products without one
    (0) one more together; at least 1."""
    lines = [(qty, unit) for qty, unit in lines if qty > 0]
    own = sum(-(-qty // unit) for qty, unit in lines if unit > 0)
    return max(1, own + any(unit <= 0 for _qty, unit in lines))


def _packages(session: Session, qty_by_product: dict[int, int]) -> int:
    units = dict(session.execute(select(Product.id, Product.units_per_package)
                                 .where(col(Product.id).in_(qty_by_product))).all())  # fmt: skip
    return packages_for((qty, units.get(pid, 0)) for pid, qty in qty_by_product.items())


def _quote_lines(session: Session, qty_by_product: dict[int, int]) -> list[QuoteLine]:
    products = session.exec(select(Product).where(col(Product.id).in_(qty_by_product))).all()
    return [QuoteLine(product_info(p), qty_by_product[p.id]) for p in products]


# --------------------------------------------------------------------------------------------
# Ready to ship


@dataclass(frozen=True)
class ReadyOrder:
    order_id: int
    number: str
    status: str
    customer_name: str
    region: str
    warehouse_id: int
    warehouse_code: str
    carrier_id: int | None  # the order's carrier, if the clerk chose one
    carrier_code: str
    priority_score: int
    requested_date: date | None
    units: int  # reserved in this warehouse, ready to pick
    backordered: bool  # part of the order still waits for stock
    in_shipment: str  # number of an open (picking/packed) shipment, if any


@anyone(READ)
def ready_stamp(db: Database) -> tuple[int, int, int]:
    """A cheap mark of the orders ready to ship (how many, their versions, the newest):
    it changes when one becomes ready, is shipped or changed, so the dispatch list can tell
    it is out of date without reading it again."""
    return change_stamp(db, Order, col(Order.status).in_(SHIPPABLE))


@anyone(READ)
def ready_to_ship(db: Database, warehouse_id: int | None = None, limit: int = 500
                  ) -> list[ReadyOrder]:  # fmt: skip
    """Orders with reserved goods that may leave, one row per order and warehouse,
    grouped by warehouse, then carrier, highest priority first within a group."""
    with db.read() as session:
        stmt = (
            select(Order.id, Order.number, Order.status, Customer.name, Order.ship_to_region,
                   Allocation.warehouse_id, Warehouse.code, Order.carrier_id,
                   func.coalesce(OrderAudit.priority_score, 0)
                   + func.coalesce(OrderAudit.bump_points, 0),
                   Order.requested_date, func.sum(Allocation.qty), Order.shipping_policy)
            .join(OrderLine, OrderLine.order_id == Order.id)
            .join(Allocation, Allocation.order_line_id == OrderLine.id)
            .join(Warehouse, Warehouse.id == Allocation.warehouse_id)
            .join(Customer, Customer.id == Order.customer_id)
            .outerjoin(OrderAudit, OrderAudit.order_id == Order.id)
            .where(col(Order.status).in_(SHIPPABLE), col(Allocation.released_at).is_(None))
            .group_by(Order.id, Order.number, Order.status, Customer.name,
                      Order.ship_to_region, Allocation.warehouse_id, Warehouse.code,
                      Order.carrier_id, OrderAudit.priority_score, OrderAudit.bump_points,
                      Order.requested_date, Order.shipping_policy)
            .order_by(Warehouse.code, (func.coalesce(OrderAudit.priority_score, 0)
                                       + func.coalesce(OrderAudit.bump_points, 0)).desc(),
                      Order.id)
            .limit(limit)
        )  # fmt: skip
        if warehouse_id is not None:
            stmt = stmt.where(Allocation.warehouse_id == warehouse_id)
        rows = session.execute(stmt).all()
        carriers = dict(session.execute(select(Carrier.id, Carrier.code)).all())
        open_shipments = {(oid, wid): (number, cid) for oid, wid, number, cid in session.execute(
            select(Shipment.order_id, Shipment.warehouse_id, Shipment.number, Shipment.carrier_id)
            .where(col(Shipment.order_id).in_({r[0] for r in rows}),
                   col(Shipment.status).in_(shipment_states.OPEN))
        ).all()} if rows else {}  # fmt: skip
    out = []
    for (oid, number, status, name, region, wid, wcode, cid, score, wanted, units,
         policy) in rows:  # fmt: skip
        backordered = status == S.PARTIALLY_BACKORDERED
        if backordered and policy == "complete":
            continue  # ship complete: waits for the rest
        in_shipment, shipment_carrier = open_shipments.get((oid, wid), ("", None))
        cid = shipment_carrier or cid  # in a wave: the carrier the wave chose
        out.append(ReadyOrder(oid, number, status, name, region, wid, wcode, cid,
                              carriers.get(cid, ""), int(score), wanted, int(units),
                              backordered, in_shipment))  # fmt: skip
    far = date.max
    out.sort(key=lambda r: (r.warehouse_code, r.carrier_code, -r.priority_score,
                            r.requested_date or far, r.order_id))  # fmt: skip
    return out[:limit]


# --------------------------------------------------------------------------------------------
# Shipments


@dataclass(frozen=True)
class ShipmentLineView:
    order_line_id: int
    line_no: int
    product_code: str
    description: str
    ordered: int
    qty: int  # this shipment
    shipped_before: int
    backordered: int  # neither shipped nor reserved
    note: str
    weight_g: int  # per unit
    volume_cm3: int
    fragile: bool
    bin: str


@dataclass(frozen=True)
class ShipmentView:
    id: int
    number: str
    order_id: int
    order_number: str
    status: str
    warehouse_code: str
    carrier_code: str
    carrier_name: str
    tracking_no: str
    freight_minor: int
    packages: int
    weight_g: int
    expected_date: date | None
    carrier_reason: str
    customer_name: str
    ship_to_name: str
    ship_to_phone: str
    ship_to_address: str
    notes: str
    lines: tuple[ShipmentLineView, ...]
    shipped_at: datetime | None = None
    currency: str = field(kw_only=True)  # ISO 4217: the company currency, which freight is in
    version: int = 1  # what an action on this view passes as ``expected_version``
    # the packing list's and label's language: the customer's (parties/language.py)
    language: str = ""

    @property
    def net_weight_g(self) -> int:
        return sum(ln.weight_g * ln.qty for ln in self.lines)

    @property
    def volume_cm3(self) -> int:
        return sum(ln.volume_cm3 * ln.qty for ln in self.lines)

    @property
    def partial(self) -> bool:
        return any(ln.ordered - ln.shipped_before - ln.qty > 0 for ln in self.lines)


def _reserved_in(session: Session, order_id: int, warehouse_id: int) -> dict[int, int]:
    return {lid: int(q) for lid, q in session.execute(
        select(Allocation.order_line_id, func.sum(Allocation.qty))
        .join(OrderLine, OrderLine.id == Allocation.order_line_id)
        .where(OrderLine.order_id == order_id, Allocation.warehouse_id == warehouse_id,
               col(Allocation.released_at).is_(None))
        .group_by(Allocation.order_line_id)
    ).all()}  # fmt: skip


def _to_ready(session: Session, actor: str, order: Order, why: str,
              partly_backordered_too: bool = False) -> None:  # fmt: skip
    """Allocated -> ready to ship. A partly backordered order keeps its status while picking
    (it still waits for stock: receipts fill it), and moves on only when it ships."""
    moving = (S.ALLOCATED, S.PARTIALLY_BACKORDERED) if partly_backordered_too else (S.ALLOCATED,)
    if order.status in moving:
        order_states.move(session, order, S.READY_TO_SHIP, actor, why)


@requires("dispatch.ship")
def create_shipments(
    db: Database, actor: str, order_ids: Sequence[int], warehouse_id: int | None = None,
    carrier_id: int | None = None, today: date | None = None,
) -> list[ShipmentView]:  # fmt: skip
    """A wave: one shipment (status picking) per order and warehouse holding its reserved
    goods. The carrier is the one given, else the order's, else the proposal (cheapest
    that meets the requested date). Orders with an open shipment there are skipped."""
    today = today or date.today()
    created: list[int] = []

    def run() -> list[int]:
        ids = []
        with db.write() as session:
            for order_id in sorted(set(order_ids)):
                order = session.exec(
                    select(Order).where(Order.id == order_id).with_for_update()
                ).first()  # fmt: skip
                if order is None:
                    raise NotFound(N_("no order with id {id}").format(id=order_id))
                if order.status not in SHIPPABLE:
                    raise IllegalTransition(
                        N_("order {number} is {status}: nothing to ship").format(
                            number=order.number, status=S(order.status).label.lower()
                        )
                    )
                whs = sorted({w for (w,) in session.execute(
                    select(Allocation.warehouse_id)
                    .join(OrderLine, OrderLine.id == Allocation.order_line_id)
                    .where(OrderLine.order_id == order.id, col(Allocation.released_at).is_(None))
                ).all()})  # fmt: skip
                if warehouse_id is not None:
                    whs = [w for w in whs if w == warehouse_id]
                for wid in whs:
                    busy = session.exec(
                        select(Shipment.id).where(Shipment.order_id == order.id,
                                                  Shipment.warehouse_id == wid,
                                                  col(Shipment.status).in_(shipment_states.OPEN))
                    ).first()  # fmt: skip
                    if busy is not None:
                        continue
                    reserved = _reserved_in(session, order.id, wid)
                    ids.append(_new_shipment(session, actor, order, wid, reserved, carrier_id,
                                             today))  # fmt: skip
                if whs:
                    _to_ready(session, actor, order, N_("picking started"))
        return ids

    created = retry(run)
    return [get_shipment(db, sid) for sid in created]


def _new_shipment(
    session: Session, actor: str, order: Order, warehouse_id: int, reserved: dict[int, int],
    carrier_id: int | None, today: date,
) -> int:  # fmt: skip
    lines = session.exec(select(OrderLine).where(col(OrderLine.id).in_(reserved))).all()
    qty_by_product: dict[int, int] = defaultdict(int)
    for ln in lines:
        qty_by_product[ln.product_id] += reserved[ln.id]
    choice = carrier_options_in(session, order.ship_to_region,
                                _quote_lines(session, qty_by_product), today,
                                order.requested_date)  # fmt: skip
    chosen = carrier_id or order.carrier_id
    option = next((o for o in choice.options if o.carrier_id == chosen), None) if chosen else None
    if chosen and option is None:
        code = session.get(Carrier, chosen)
        raise InvalidInput(
            N_("{carrier} does not serve {region}").format(
                carrier=code.code if code else chosen,
                region=order.ship_to_region or N_("this region"),
            ),
            "carrier",
        )
    option = option or choice.proposed
    shipment = Shipment(
        number=take_number(session, SHIPMENT_PREFIX, today.year), order_id=order.id,
        warehouse_id=warehouse_id, carrier_id=option.carrier_id if option else None,
        status=H.PICKING, freight_minor=option.freight_minor if option else 0,
        weight_g=option.weight_g if option else 0,
        packages=_packages(session, qty_by_product),
        expected_date=option.expected_date if option else None, created_by=actor,
    )  # fmt: skip
    session.add(shipment)
    session.flush()
    for ln in sorted(lines, key=lambda x: x.line_no):
        session.add(ShipmentLine(shipment_id=shipment.id, order_line_id=ln.id, qty=reserved[ln.id]))
    why = choice.reason if option is choice.proposed else N_("carrier chosen by the clerk")
    record_event(session, order, actor, order.status,
                 N_("shipment {number} from warehouse #{warehouse}: {why}").format(
                     number=shipment.number, warehouse=warehouse_id, why=why),
                 order.status)  # fmt: skip
    return shipment.id


@anyone(READ)
def shipment_carrier_choice(db: Database, shipment_id: int, today: date | None = None
                            ) -> CarrierChoice:  # fmt: skip
    """The carriers that could take a shipment as picked (its order's region and requested
    date), cheapest first, with the proposal and why: what the ship dialog offers."""
    today = today or date.today()
    with db.read() as session:
        sh = session.get(Shipment, shipment_id)
        if sh is None:
            raise NotFound(N_("no shipment with id {id}").format(id=shipment_id))
        order = session.get(Order, sh.order_id)
        assert order is not None
        qty_by_product: dict[int, int] = defaultdict(int)
        for pid, qty in session.execute(
            select(OrderLine.product_id, ShipmentLine.qty)
            .join(OrderLine, OrderLine.id == ShipmentLine.order_line_id)
            .where(ShipmentLine.shipment_id == sh.id)
        ).all():  # fmt: skip
            qty_by_product[pid] += qty
        return carrier_options_in(session, order.ship_to_region,
                                  _quote_lines(session, qty_by_product), today,
                                  order.requested_date)  # fmt: skip


@anyone(READ)
def get_shipment(db: Database, shipment_id: int) -> ShipmentView:
    with db.read() as session:
        views = shipment_views(session, [shipment_id])
    if not views:
        raise NotFound(N_("no shipment with id {id}").format(id=shipment_id))
    return views[0]


@anyone(READ)
def get_shipment_by_number(db: Database, number: str) -> ShipmentView:
    with db.read() as session:
        sid = session.exec(select(Shipment.id).where(Shipment.number == number.strip().upper())
                           ).first()  # fmt: skip
        if sid is None:
            raise NotFound(N_("no shipment {number}").format(number=number))
        return shipment_views(session, [sid])[0]


@anyone(READ)
def order_shipments(db: Database, order_number: str) -> list[ShipmentView]:
    """An order's shipments (not cancelled), oldest first."""
    from ..platform.numbering import normalise_order_number

    wanted = normalise_order_number(order_number)
    with db.read() as session:
        order_id = session.exec(select(Order.id).where(Order.number == wanted)).first()
        if order_id is None:
            raise NotFound(N_("no order {number}").format(number=order_number))
        ids = session.exec(
            select(Shipment.id).where(Shipment.order_id == order_id,
                                      Shipment.status != H.CANCELLED).order_by(Shipment.id)
        ).all()  # fmt: skip
        return shipment_views(session, list(ids))


@anyone(READ)
def open_wave(db: Database, warehouse: str) -> list[ShipmentView]:
    """The shipments being picked in a warehouse (status picking), by number."""
    with db.read() as session:
        wh = session.exec(
            select(Warehouse).where(func.upper(Warehouse.code) == warehouse.strip().upper())
        ).first()
        if wh is None:
            raise NotFound(N_("no warehouse '{code}'").format(code=warehouse))
        ids = session.exec(
            select(Shipment.id).where(Shipment.warehouse_id == wh.id,
                                      Shipment.status == H.PICKING).order_by(Shipment.id)
        ).all()  # fmt: skip
        return shipment_views(session, list(ids))


@anyone(READ)
def order_wave(db: Database, order_number: str) -> tuple[str, list[ShipmentView]]:
    """The wave an order is being picked in: its open shipment's warehouse code and the
    shipments being picked there (what that warehouse's pick list covers)."""
    picking = [s for s in order_shipments(db, order_number) if s.status == "picking"]
    if not picking:
        raise NotFound(
            N_("{number} is not being picked: no pick list").format(
                number=order_number.strip().upper()
            )
        )
    code = picking[-1].warehouse_code
    return code, open_wave(db, code)


def shipment_views(session: Session, shipment_ids: Sequence[int]) -> list[ShipmentView]:
    """Shipments with their order, customer, carrier and lines, in a fixed number of
    queries however many shipments (a wave of a thousand prints without a query per line)."""
    ids = list(dict.fromkeys(shipment_ids))
    if not ids:
        return []
    out: list[ShipmentView] = []
    for start in range(0, len(ids), 500):
        out += _views_chunk(session, ids[start : start + 500])
    return out


def _views_chunk(session: Session, ids: list[int]) -> list[ShipmentView]:
    company = load_settings(session)
    currency = company.currency  # freight is in the company currency
    heads = session.execute(
        select(Shipment, Order, Customer.name, Warehouse.code, Carrier.code, Carrier.name,
               Customer.language)
        .join(Order, Order.id == Shipment.order_id)
        .join(Customer, Customer.id == Order.customer_id)
        .join(Warehouse, Warehouse.id == Shipment.warehouse_id)
        .outerjoin(Carrier, Carrier.id == Shipment.carrier_id)
        .where(col(Shipment.id).in_(ids))
    ).all()  # fmt: skip
    rows = session.execute(
        select(ShipmentLine.shipment_id, ShipmentLine.order_line_id, ShipmentLine.qty,
               OrderLine.line_no, Product.code, OrderLine.description, Product.name,
               OrderLine.qty, OrderLine.qty_shipped, OrderLine.requirements_note,
               Product.weight_g, Product.volume_cm3, Product.fragile, OrderLine.product_id,
               Shipment.warehouse_id)
        .join(Shipment, Shipment.id == ShipmentLine.shipment_id)
        .join(OrderLine, OrderLine.id == ShipmentLine.order_line_id)
        .join(Product, Product.id == OrderLine.product_id)
        .where(col(ShipmentLine.shipment_id).in_(ids))
        .order_by(ShipmentLine.shipment_id, OrderLine.line_no)
    ).all()  # fmt: skip
    line_ids = [r[1] for r in rows]
    held: dict[int, int] = {}
    bins: dict[tuple[int, int], str] = {}
    if rows:
        held = {lid: int(q) for lid, q in session.execute(
            select(Allocation.order_line_id, func.sum(Allocation.qty))
            .where(col(Allocation.order_line_id).in_(line_ids),
                   col(Allocation.released_at).is_(None))
            .group_by(Allocation.order_line_id)
        ).all()}  # fmt: skip
        bins = {(p, w): b for p, w, b in session.execute(
            select(StockLevel.product_id, StockLevel.warehouse_id, StockLevel.bin)
            .where(col(StockLevel.product_id).in_({r[13] for r in rows}))
        ).all()}  # fmt: skip
    by_shipment: dict[int, list] = defaultdict(list)
    for r in rows:
        by_shipment[r[0]].append(r)
    views = {}
    for sh, order, customer_name, wcode, ccode, cname, customer_language in heads:
        shipped = sh.status in shipment_states.LEFT
        lines = []
        for (_sid, lid, qty, line_no, code, desc, name, ordered, qty_shipped, note, weight,
             volume, fragile, pid, wid) in by_shipment.get(sh.id, []):  # fmt: skip
            before = qty_shipped - qty if shipped else qty_shipped
            pending = held.get(lid, 0) - (0 if shipped else qty)
            lines.append(ShipmentLineView(
                lid, line_no, code, desc or name, ordered, qty, before,
                max(ordered - before - qty - max(pending, 0), 0), note, weight, volume,
                fragile, bins.get((pid, wid), ""),
            ))  # fmt: skip
        views[sh.id] = ShipmentView(
            id=sh.id, number=sh.number, order_id=order.id, order_number=order.number,
            status=sh.status, warehouse_code=wcode, carrier_code=ccode or "",
            carrier_name=cname or "", tracking_no=sh.tracking_no,
            freight_minor=sh.freight_minor, packages=sh.packages, weight_g=sh.weight_g,
            expected_date=sh.expected_date, carrier_reason="", customer_name=customer_name,
            ship_to_name=order.ship_to_name, ship_to_phone=order.ship_to_phone,
            ship_to_address=order.ship_to_address, notes=order.notes, lines=tuple(lines),
            shipped_at=sh.shipped_at, currency=currency, version=sh.version,
            language=document_language(customer_language, company.language),
        )  # fmt: skip
    return [views[i] for i in ids if i in views]


@dataclass(frozen=True)
class ShipResult:
    shipment: ShipmentView
    order_status: str
    notice: str  # the text for the customer


def validate_tracking(carrier: Carrier | None, tracking_no: str) -> str:
    text = tracking_no.strip().upper() if carrier and carrier.kind != "own_van" else \
        tracking_no.strip()  # fmt: skip
    if carrier is None:
        return text
    if not text:
        if carrier.kind == "own_van":
            return ""
        raise InvalidInput(
            N_("enter the {carrier} tracking number").format(carrier=carrier.name), "tracking"
        )
    if carrier.tracking_pattern and not re.fullmatch(carrier.tracking_pattern, text):
        raise InvalidInput(
            N_("'{number}' is not a {carrier} tracking number").format(
                number=text, carrier=carrier.code
            ),
            "tracking",
        )
    return text


@requires("dispatch.ship")
def ship(
    db: Database, actor: str, shipment_id: int, tracking_no: str = "",
    quantities: dict[int, int] | None = None, packages: int | None = None,
    carrier_id: int | None = None,
    today: date | None = None, expected_version: int | None = None,
) -> ShipResult:  # fmt: skip
    """Confirm a shipment: the quantities actually packed (by order line id; default all
    of the shipment), the tracking number (checked against the carrier's pattern), the
    packages (default: from the products' packing units, for what left), the stock issued,
    the freight recomputed for what left, the order's status moved on.
    ``expected_version``: the version of the shipment the packer saw (``StaleData``, naming
    who changed it and when, once somebody else shipped or changed it)."""
    today = today or date.today()
    if packages is not None and (isinstance(packages, bool) or not isinstance(packages, int)
                                 or packages < 1):  # fmt: skip
        raise InvalidInput(N_("packages must be 1 or more"), "packages")

    def run() -> int:
        with db.write() as session:
            sh = session.get(Shipment, shipment_id)
            if sh is None:
                raise NotFound(N_("no shipment with id {id}").format(id=shipment_id))
            order_products = stock.order_product_ids(session, sh.order_id)
            stock.lock_levels(session, order_products)
            order = session.exec(select(Order).where(Order.id == sh.order_id)
                                 .with_for_update()).one()  # fmt: skip
            sh = session.exec(select(Shipment).where(Shipment.id == shipment_id)
                              .with_for_update()
                              .execution_options(populate_existing=True)).one()  # fmt: skip
            shipment_states.check_version(session, sh, expected_version)
            if sh.status not in shipment_states.OPEN:
                raise InvalidInput(
                    N_("shipment {number} is already {status}").format(
                        number=sh.number, status=sh.status
                    ),
                    "shipment",
                )
            if carrier_id is not None:
                sh.carrier_id = carrier_id
            carrier = session.get(Carrier, sh.carrier_id) if sh.carrier_id else None
            tracking = validate_tracking(carrier, tracking_no)
            lines = {sl.order_line_id: sl for sl in session.exec(
                select(ShipmentLine).where(ShipmentLine.shipment_id == sh.id)).all()}  # fmt: skip
            wanted = dict(quantities) if quantities is not None else \
                {lid: sl.qty for lid, sl in lines.items()}  # fmt: skip
            for lid, qty in wanted.items():
                if lid not in lines:
                    raise InvalidInput(
                        N_("order line {id} is not in shipment {number}").format(
                            id=lid, number=sh.number
                        ),
                        "qty",
                    )
                if isinstance(qty, bool) or not isinstance(qty, int) or qty < 0:
                    raise InvalidInput(N_("shipped quantities are whole numbers, 0 or more"), "qty")
                if qty > lines[lid].qty:
                    raise InvalidInput(
                        N_("only {picked} picked for that line, not {qty}").format(
                            picked=lines[lid].qty, qty=qty
                        ),
                        "qty",
                    )
            send = {lid: q for lid, q in wanted.items() if q > 0}
            if not send:
                raise InvalidInput(N_("nothing to ship: every quantity is 0"), "qty")
            stock.issue_in(session, actor, order.id, send, sh.number, sh.warehouse_id)
            for lid, sl in lines.items():
                if send.get(lid, 0) != sl.qty:
                    if send.get(lid, 0):
                        sl.qty = send[lid]
                        session.add(sl)
                    else:
                        session.delete(sl)
            # freight for what actually left
            qty_by_product: dict[int, int] = defaultdict(int)
            for ln in session.exec(select(OrderLine).where(col(OrderLine.id).in_(send))).all():
                qty_by_product[ln.product_id] += send[ln.id]
            choice = carrier_options_in(session, order.ship_to_region,
                                        _quote_lines(session, qty_by_product), today,
                                        order.requested_date)  # fmt: skip
            option = next((o for o in choice.options if o.carrier_id == sh.carrier_id), None)
            if option is not None:
                sh.freight_minor, sh.weight_g = option.freight_minor, option.weight_g
                sh.expected_date = option.expected_date
            sh.tracking_no = tracking
            sh.packages = packages if packages is not None else _packages(session, qty_by_product)
            shipment_states.move(session, sh, H.SHIPPED, actor)
            session.flush()
            all_lines = session.exec(select(OrderLine).where(OrderLine.order_id == order.id)).all()
            done = all(ln.qty_shipped >= ln.qty for ln in all_lines)
            target = S.SHIPPED if done else S.PARTIALLY_SHIPPED
            frm = order.status
            if frm == S.ALLOCATED or frm == S.PARTIALLY_BACKORDERED:
                _to_ready(session, actor, order, N_("packed"), partly_backordered_too=True)
                frm = order.status
            units = sum(send.values())
            if carrier and tracking:
                why = N_("shipment {number}: {units} units, {carrier} {tracking}").format(
                    number=sh.number, units=units, carrier=carrier.code, tracking=tracking
                )
            else:
                why = N_("shipment {number}: {units} units").format(number=sh.number, units=units)
            if frm != target:
                order_states.move(session, order, target, actor, why)
            else:  # another part shipped: the status stays, the event says what left
                record_event(session, order, actor, target, why, frm)
            receivables.invoice_shipment_in(session, actor, order, sh, today)
            return sh.id

    sid = retry(run)
    view = get_shipment(db, sid)
    with db.read() as session:
        status = session.exec(select(Order.status).where(Order.id == view.order_id)).one()
    return ShipResult(view, status, shipping_notice(view))


def shipping_notice(view: ShipmentView) -> str:
    """The message for the customer, in the customer's language (``view.language``; none
    chosen: English then Chinese, as the packing list): order, carrier, tracking number,
    expected date."""
    tr = document_words(view.language)
    parts = [tr("Hello {name},").format(name=view.ship_to_name or view.customer_name)]
    if view.carrier_name:
        parts.append(
            tr("Your order {number} has shipped with {carrier}.").format(
                number=view.order_number, carrier=view.carrier_name
            )
        )
    else:
        parts.append(tr("Your order {number} has shipped.").format(number=view.order_number))
    if view.tracking_no:
        parts.append(tr("Tracking number: {number}").format(number=view.tracking_no))
    if view.expected_date:
        parts.append(tr("Expected: {date}").format(date=view.expected_date.isoformat()))
    if view.partial:
        parts.append(tr("The rest follows in a later shipment."))
    return "\n".join(parts)
