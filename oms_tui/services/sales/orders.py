"""Orders: create, change status through the state machine, look up.

Every function takes the acting user and runs one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from sqlalchemy import insert
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, select

from ...i18n import N_
from ...models import Customer, CustomerAddress, Order, OrderEvent, OrderLine, Product, utcnow
from ..catalog.pricing import (
    PriceBook,
    Quote,
    QuoteLine,
    load_price_book,
    product_info,
    quote,
    shipping_quote,
)
from ..inventory import stock
from ..parties.customers import address_text
from ..platform.db import Database, retry
from ..platform.errors import IllegalTransition, InvalidInput, NotFound
from ..platform.money import check_amount, format_money
from ..platform.numbering import normalise_order_number, take_number, take_numbers
from ..platform.permissions import NotPermitted, allowed, anyone, check, requires, role_of
from ..platform.settings import CompanySettings, load_settings
from ..platform.text import clean_text
from ..states import order_states
from ..states.order_states import OrderStatus, check_transition, record_event
from .channels import channel_in, check_channels_in
from .drafts import delete_draft_in

PAYMENT_METHODS = ("cod", "prepaid", "credit", "installments")
SHIPPING_POLICIES = ("partial", "complete")  # partial shipments allowed / ship complete only
ORDER_PREFIX = "SO"
MAX_LINE_QTY = 100_000  # more on one line is a typing slip, not an order
MAX_NOTES = 2_000  # characters of an order's notes


@dataclass(frozen=True)
class NewLine:
    product_id: int
    qty: int
    unit_price_minor: int | None = None  # None: from the pricing engine
    discount_minor: int = 0
    requirements_note: str = ""
    override_reason: str = ""  # required when unit_price_minor is given


@dataclass(frozen=True)
class LineView:
    line_no: int
    product_id: int
    product_code: str
    description: str
    qty: int
    unit_price_minor: int
    discount_minor: int
    tax_minor: int
    line_total_minor: int
    price_source: str
    requirements_note: str


@dataclass(frozen=True)
class EventView:
    at: datetime
    actor: str
    from_status: str | None
    to_status: str
    reason: str


@dataclass(frozen=True)
class OrderView:
    id: int
    number: str
    status: str
    channel: str
    customer_id: int
    customer_name: str
    currency: str
    subtotal_minor: int
    discount_minor: int
    tax_minor: int
    shipping_minor: int
    total_minor: int
    priority: int
    requested_date: date | None
    created_at: datetime
    created_by: str
    version: int
    ship_to_address: str = ""
    ship_to_name: str = ""
    ship_to_phone: str = ""
    payment_method: str = ""
    payment_terms: str = ""
    notes: str = ""
    lines: tuple[LineView, ...] = field(default=())
    events: tuple[EventView, ...] = field(default=())

    @property
    def status_label(self) -> str:
        return OrderStatus(self.status).label


def _view(session: Session, order: Order, detail: bool = False) -> OrderView:
    customer = session.get(Customer, order.customer_id)
    lines: tuple[LineView, ...] = ()
    events: tuple[EventView, ...] = ()
    if detail:
        rows = session.exec(
            select(OrderLine, Product.code)
            .join(Product, col(Product.id) == OrderLine.product_id)
            .where(OrderLine.order_id == order.id)
            .order_by(col(OrderLine.line_no))
        ).all()
        lines = tuple(
            LineView(
                ln.line_no,
                ln.product_id,
                code,
                ln.description,
                ln.qty,
                ln.unit_price_minor,
                ln.discount_minor,
                ln.tax_minor,
                ln.line_total_minor,
                ln.price_source,
                ln.requirements_note,
            )  # fmt: skip
            for ln, code in rows
        )
        events = tuple(
            EventView(e.at, e.actor, e.from_status, e.to_status, e.reason)
            for e in session.exec(
                select(OrderEvent)
                .where(OrderEvent.order_id == order.id)
                .order_by(col(OrderEvent.at), col(OrderEvent.id))
            ).all()
        )
    return OrderView(
        id=order.id, number=order.number, status=order.status, channel=order.channel,
        customer_id=order.customer_id, customer_name=customer.name if customer else "?",
        currency=order.currency, subtotal_minor=order.subtotal_minor,
        discount_minor=order.discount_minor, tax_minor=order.tax_minor,
        shipping_minor=order.shipping_minor, total_minor=order.total_minor,
        priority=order.priority, requested_date=order.requested_date,
        created_at=order.created_at, created_by=order.created_by, version=order.version,
        ship_to_address=order.ship_to_address, ship_to_name=order.ship_to_name,
        ship_to_phone=order.ship_to_phone, payment_method=order.payment_method,
        payment_terms=order.payment_terms, notes=order.notes, lines=lines, events=events,
    )  # fmt: skip


@requires("orders.enter")
def create_order(
    db: Database,
    actor: str,
    customer_id: int,
    lines: Sequence[NewLine],
    *,
    channel: str = "phone",
    ship_to_address_id: int | None = None,
    requested_date: date | None = None,
    payment_method: str | None = None,
    priority: int = 0,
    notes: str = "",
    external_ref: str | None = None,
    carrier_id: int | None = None,
    shipping_minor: int | None = None,
    submit: bool = False,
    draft_id: int | None = None,
    shipping_policy: str | None = None,
) -> OrderView:
    """Create a draft order (or submit it straight to audit) with its number and first event.

    ``draft_id``: the entry draft this order replaces, deleted in the same transaction.
    """
    with db.write() as session:
        return create_order_in(
            session,
            actor,
            customer_id,
            lines,
            channel=channel,
            ship_to_address_id=ship_to_address_id,
            requested_date=requested_date,
            payment_method=payment_method,
            priority=priority,
            notes=notes,
            external_ref=external_ref,
            carrier_id=carrier_id,
            shipping_minor=shipping_minor,
            submit=submit,
            draft_id=draft_id,
            shipping_policy=shipping_policy,
        )


def create_order_in(
    session: Session,
    actor: str,
    customer_id: int,
    lines: Sequence[NewLine],
    *,
    channel: str = "phone",
    ship_to_address_id: int | None = None,
    requested_date: date | None = None,
    payment_method: str | None = None,
    priority: int = 0,
    notes: str = "",
    external_ref: str | None = None,
    carrier_id: int | None = None,
    shipping_minor: int | None = None,
    submit: bool = False,
    draft_id: int | None = None,
    shipping_policy: str | None = None,
) -> OrderView:
    """``create_order`` inside the caller's write transaction. ``shipping_policy``
    (``partial`` / ``complete``) defaults to the customer's."""
    notes, external_ref = _clean_notes(notes), _clean_ref(external_ref)
    channel = channel_in(session, channel).name  # one of the shop's channels (sales_channel)
    if payment_method is not None and payment_method not in PAYMENT_METHODS:
        raise InvalidInput(N_("unknown payment method '{method}'").format(method=payment_method),
                           "payment_method")  # fmt: skip
    if submit and not lines:
        raise InvalidInput(N_("an order needs at least one line before audit"), "lines")
    if shipping_policy is not None and shipping_policy not in SHIPPING_POLICIES:
        raise InvalidInput(
            N_("unknown shipping policy '{policy}'; one of {policies}").format(
                policy=shipping_policy, policies=", ".join(SHIPPING_POLICIES)
            ),
            "shipping_policy",
        )
    settings = load_settings(session)
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound(N_("no customer with id {id}").format(id=customer_id))
    address = None
    if ship_to_address_id is not None:
        address = session.get(CustomerAddress, ship_to_address_id)
        if address is None or address.customer_id != customer_id:
            raise InvalidInput(N_("that ship-to address is not this customer's"), "ship_to")
    else:
        address = session.exec(
            select(CustomerAddress)
            .where(CustomerAddress.customer_id == customer_id)
            .order_by(col(CustomerAddress.is_default).desc(), col(CustomerAddress.id))
        ).first()

    now = utcnow()
    order = Order(
        number=take_number(session, ORDER_PREFIX, datetime.now().year),
        channel=channel,
        external_ref=external_ref,
        customer_id=customer_id,
        ship_to_address_id=address.id if address else None,
        ship_to_name=(address.contact_name if address else "") or customer.name,
        ship_to_phone=address.phone if address else "",
        ship_to_address=address_text(address) if address else "",
        ship_to_region=(address.region if address else "") or customer.region,
        status=OrderStatus.DRAFT,
        priority=priority,
        requested_date=requested_date,
        payment_method=payment_method or _default_payment(customer.payment_terms),
        payment_terms=customer.payment_terms,
        shipping_policy=shipping_policy or customer.shipping_policy,
        currency=settings.currency,
        carrier_id=carrier_id,
        notes=notes,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    session.add(order)
    session.flush()
    _write_lines(session, settings, customer, order, lines, shipping_minor, actor)
    record_event(session, order, actor, OrderStatus.DRAFT, N_("created"))
    delete_draft_in(session, draft_id)
    if submit:
        order_states.move(session, order, OrderStatus.PENDING_AUDIT, actor, N_("submitted"))
    session.add(order)
    session.flush()
    return _view(session, order)


@dataclass(frozen=True)
class OrderSpec:
    """One order of a bulk creation (``create_orders_in``)."""

    customer_id: int
    lines: Sequence[NewLine]
    channel: str = "phone"
    external_ref: str | None = None
    payment_method: str | None = None
    notes: str = ""
    ship_to_address_id: int | None = None  # one of the customer's; None: the default one


def _clean_notes(notes: str) -> str:
    return clean_text(notes, MAX_NOTES, N_("the notes"), "notes", multiline=True)


def _clean_ref(ref: str | None) -> str | None:
    return None if ref is None else clean_text(ref, 64, N_("the channel's order id"),
                                               "external_ref")  # fmt: skip


def create_orders_in(session: Session, actor: str, specs: Sequence[OrderSpec]) -> list[str]:
    """Many orders straight into the audit queue in the caller's transaction, priced by the
    same engine as ``create_order_in`` (one price book per customer group, numbers taken
    together, rows written with multi-row INSERTs): what imports use. Returns the numbers.
    Any invalid order raises (the caller's transaction then writes none of them)."""
    if not specs:
        return []
    specs = [replace(s, notes=_clean_notes(s.notes), external_ref=_clean_ref(s.external_ref))
             for s in specs]  # fmt: skip
    settings = load_settings(session)
    customer_ids = {s.customer_id for s in specs}
    found = {c.id: c for c in session.exec(
        select(Customer).where(col(Customer.id).in_(customer_ids))).all()}  # fmt: skip
    addresses: dict[int, CustomerAddress] = {}  # the default (else first) of each customer
    by_id: dict[int, CustomerAddress] = {}
    for a in session.exec(select(CustomerAddress)
                          .where(col(CustomerAddress.customer_id).in_(customer_ids))
                          .order_by(col(CustomerAddress.is_default).desc(),
                                    col(CustomerAddress.id))).all():  # fmt: skip
        addresses.setdefault(a.customer_id, a)
        by_id[a.id] = a
    product_ids = {ln.product_id for s in specs for ln in s.lines}
    known = {p.id: p for p in session.exec(
        select(Product).where(col(Product.id).in_(product_ids))).all()}  # fmt: skip
    books: dict[str, PriceBook] = {}
    check_channels_in(session, {s.channel for s in specs})
    numbers = take_numbers(session, ORDER_PREFIX, datetime.now().year, len(specs))
    now = utcnow()
    order_rows, priced_all = [], []
    for spec, number in zip(specs, numbers, strict=True):
        customer = found.get(spec.customer_id)
        if customer is None:
            raise NotFound(N_("no customer with id {id}").format(id=spec.customer_id))
        if not spec.lines:
            raise InvalidInput(N_("an order needs at least one line before audit"), "lines")
        if customer.group not in books:
            books[customer.group] = load_price_book(session, customer.group, known, date.today())
        address = addresses.get(customer.id)
        if spec.ship_to_address_id is not None:
            address = by_id.get(spec.ship_to_address_id)
            if address is None or address.customer_id != customer.id:
                raise InvalidInput(N_("that ship-to address is not this customer's"), "ship_to")
        region = (address.region if address else "") or customer.region
        priced, _ = _price(session, settings, customer, spec.lines, None, region, None,
                           known, books[customer.group])  # fmt: skip
        priced_all.append(priced)
        t = priced.totals
        order_rows.append({
            "number": number, "channel": spec.channel, "external_ref": spec.external_ref,
            "customer_id": customer.id, "ship_to_address_id": address.id if address else None,
            "ship_to_name": (address.contact_name if address else "") or customer.name,
            "ship_to_phone": address.phone if address else "",
            "ship_to_address": address_text(address) if address else "",
            "ship_to_region": region, "status": OrderStatus.PENDING_AUDIT, "priority": 0,
            "requested_date": None,
            "payment_method": spec.payment_method or _default_payment(customer.payment_terms),
            "payment_terms": customer.payment_terms, "shipping_policy": customer.shipping_policy,
            "carrier_id": None, "currency": settings.currency, "subtotal_minor": t.subtotal_minor,
            "discount_minor": t.discount_minor, "tax_minor": t.tax_minor,
            "shipping_minor": t.shipping_minor, "total_minor": t.total_minor,
            "notes": spec.notes, "created_by": actor, "created_at": now, "updated_at": now,
            "version": 1,
        })  # fmt: skip
    table = Order.__table__  # type: ignore[attr-defined]
    ids = list(session.execute(
        insert(table).returning(table.c.id, sort_by_parameter_order=True), order_rows
    ).scalars())  # fmt: skip
    line_rows, event_rows = [], []
    for order_id, spec, priced in zip(ids, specs, priced_all, strict=True):
        for no, (new, line) in enumerate(zip(spec.lines, priced.lines, strict=True), start=1):
            product = known[line.product_id]
            line_rows.append({
                "order_id": order_id, "line_no": no, "product_id": product.id,
                "description": " ".join(p for p in (product.name, product.model,
                                                    product.colour, product.spec) if p)[:300],
                "qty": line.qty, "unit_price_minor": line.unit_price_minor,
                "discount_minor": line.discount_minor, "tax_rate_bp": product.tax_rate_bp,
                "tax_minor": line.tax_minor, "line_total_minor": line.amount_minor,
                "price_source": line.price_source, "requirements_note": new.requirements_note,
                "qty_shipped": 0, "qty_returned": 0,
            })  # fmt: skip
        event_rows.append({"order_id": order_id, "at": now, "actor": actor, "from_status": None,
                           "to_status": OrderStatus.DRAFT, "reason": N_("created")})  # fmt: skip
        event_rows.append({"order_id": order_id, "at": now, "actor": actor,
                           "from_status": OrderStatus.DRAFT,
                           "to_status": OrderStatus.PENDING_AUDIT,
                           "reason": N_("submitted")})  # fmt: skip
    session.execute(insert(OrderLine.__table__), line_rows)  # type: ignore[attr-defined]
    session.execute(insert(OrderEvent.__table__), event_rows)  # type: ignore[attr-defined]
    return numbers


# Statuses in which an order's lines may still be replaced (nothing reserved or approved).
EDITABLE = frozenset({OrderStatus.DRAFT, OrderStatus.PENDING_AUDIT, OrderStatus.ON_HOLD})


def replace_lines_in(session: Session, actor: str, order: Order, lines: Sequence[NewLine],
                     reason: str, *, channel_prices: bool = False) -> OrderView:  # fmt: skip
    """New lines for an order not yet approved (priced again); the change is an event.
    ``channel_prices``: the prices are the sales channel's (an import's file, as
    ``create_orders_in`` takes them), not a change typed by the actor."""
    if order.status not in EDITABLE:
        raise IllegalTransition(
            N_("order {number} is {status}: its lines can no longer change").format(
                number=order.number, status=OrderStatus(order.status).label.lower()
            )
        )
    if not lines:
        raise InvalidInput(N_("an order needs at least one line"), "lines")
    for old in session.exec(select(OrderLine).where(OrderLine.order_id == order.id)).all():
        session.delete(old)
    session.flush()
    customer = session.get(Customer, order.customer_id)
    _write_lines(session, load_settings(session), customer, order, lines, order.shipping_minor,
                 actor, checked=not channel_prices)  # fmt: skip
    order.updated_at = utcnow()
    session.add(order)
    record_event(session, order, actor, order.status, reason, order.status)
    session.flush()
    return _view(session, order)


class PriceNotPermitted(NotPermitted, InvalidInput):
    """A price or discount beyond the actor's authority: refused (``NotPermitted``) and said
    at the line's field (``InvalidInput.field``), where order entry shows it."""


def _check_price_authority(session: Session, settings: CompanySettings, actor: str,
                           lines: Sequence[NewLine], priced: Quote) -> None:  # fmt: skip
    """A price changed on a line, or a discount above the company's limit (setting
    ``discount_limit_pct``), needs ``prices.override`` (a manager): said at the line's field."""
    if not any(new.discount_minor or new.unit_price_minor is not None for new in lines):
        return
    from ...models import User

    role = session.exec(select(User.role).where(User.name == actor)).first()
    if allowed(role, "prices.override"):
        return
    limit = settings.discount_limit_pct
    for no, (new, line) in enumerate(zip(lines, priced.lines, strict=True), start=1):
        said = role or "?"  # the role's code: read back as its name (i18n.shown)
        if new.unit_price_minor is not None:
            raise PriceNotPermitted(N_("line {no}: changing a price needs a manager ({user} is "
                                       "{role})").format(no=no, user=actor, role=said),
                                    f"lines.{no}.price")  # fmt: skip
        gross = line.qty * line.unit_price_minor
        if new.discount_minor and new.discount_minor * 100 > gross * limit:
            raise PriceNotPermitted(N_("line {no}: a discount over {limit}% needs a manager "
                                       "({user} is {role})").format(
                no=no, limit=limit, user=actor, role=said), f"lines.{no}.discount")  # fmt: skip


def _write_lines(session: Session, settings: CompanySettings, customer: Customer, order: Order,
                 lines: Sequence[NewLine], shipping_minor: int | None,
                 actor: str, checked: bool = True) -> None:  # fmt: skip
    priced, products = _price(session, settings, customer, lines, order.carrier_id,
                              order.ship_to_region, shipping_minor)  # fmt: skip
    if checked:
        _check_price_authority(session, settings, actor, lines, priced)
    for no, (new, line) in enumerate(zip(lines, priced.lines, strict=True), start=1):
        product = products[line.product_id]
        session.add(OrderLine(
            order_id=order.id, line_no=no, product_id=product.id,
            description=" ".join(p for p in (product.name, product.model, product.colour,
                                             product.spec) if p)[:300],
            qty=line.qty, unit_price_minor=line.unit_price_minor,
            discount_minor=line.discount_minor, tax_rate_bp=product.tax_rate_bp,
            tax_minor=line.tax_minor, line_total_minor=line.amount_minor,
            price_source=line.price_source, requirements_note=new.requirements_note,
        ))  # fmt: skip
    totals = priced.totals
    order.subtotal_minor = totals.subtotal_minor
    order.discount_minor = totals.discount_minor
    order.tax_minor = totals.tax_minor
    order.shipping_minor = totals.shipping_minor
    order.total_minor = totals.total_minor


def _price(
    session: Session,
    settings: CompanySettings,
    customer: Customer,
    lines: Sequence[NewLine],
    carrier_id: int | None,
    region: str,
    shipping_minor: int | None,
    known: dict[int, Product] | None = None,
    book: PriceBook | None = None,
) -> tuple[Quote, dict[int, Product]]:
    """Validate the lines and price them with the one pricing engine. ``known`` products
    and a price ``book`` for the customer's group (covering them) spare the queries when
    many orders are priced in one go (imports)."""
    quote_lines: list[QuoteLine] = []
    products: dict[int, Product] = {}
    limit, currency = settings.max_amount_minor, settings.currency
    for no, new in enumerate(lines, start=1):
        if new.qty <= 0:
            raise InvalidInput(N_("line {no}: quantity must be at least 1").format(no=no),
                               f"lines.{no}.qty")  # fmt: skip
        if new.qty > MAX_LINE_QTY:
            raise InvalidInput(N_("line {no}: {qty} is implausibly large").format(
                no=no, qty=new.qty), f"lines.{no}.qty")  # fmt: skip
        product = (products.get(new.product_id) or (known or {}).get(new.product_id)
                   or session.get(Product, new.product_id))  # fmt: skip
        if product is None:
            raise NotFound(N_("line {no}: no product with id {id}").format(
                no=no, id=new.product_id))  # fmt: skip
        if not product.active:
            raise InvalidInput(N_("line {no}: {product} is no longer sold").format(
                no=no, product=product.code), f"lines.{no}")  # fmt: skip
        products[product.id] = product
        if new.unit_price_minor is not None and not new.override_reason.strip():
            raise InvalidInput(N_("line {no}: a price override needs a reason").format(no=no),
                               f"lines.{no}.price")  # fmt: skip
        if new.unit_price_minor is not None and new.unit_price_minor < 0:
            raise InvalidInput(N_("line {no}: a price cannot be negative").format(no=no),
                               f"lines.{no}.price")  # fmt: skip
        if new.unit_price_minor is not None:
            check_amount(new.unit_price_minor, limit, N_("line {no}: the price").format(no=no),
                         f"lines.{no}.price", currency)  # fmt: skip
        if new.discount_minor < 0:
            raise InvalidInput(N_("line {no}: discount out of range").format(no=no),
                               f"lines.{no}.discount")  # fmt: skip
        quote_lines.append(QuoteLine(product_info(product), new.qty, new.discount_minor,
                                     new.unit_price_minor, new.override_reason))  # fmt: skip
    ship_source = ""
    if shipping_minor is None:
        shipping_minor = 0
        if carrier_id is not None:
            shipping_minor, ship_source = shipping_quote(session, carrier_id, region, quote_lines)
    if book is None:
        book = load_price_book(session, customer.group, products, date.today())
    priced = quote(book, customer.group, quote_lines,
                   prices_include_tax=settings.prices_include_tax,
                   tax_rounding=settings.tax_rounding, shipping_minor=shipping_minor,
                   shipping_source=ship_source)  # fmt: skip
    for no, (new, line) in enumerate(zip(lines, priced.lines, strict=True), start=1):
        gross = line.qty * line.unit_price_minor
        check_amount(gross, limit, N_("line {no}: {qty} x {price} =").format(
            no=no, qty=line.qty, price=format_money(line.unit_price_minor, currency)),
            f"lines.{no}.qty", currency)  # fmt: skip
        if new.discount_minor > gross:
            raise InvalidInput(N_("line {no}: discount out of range").format(no=no),
                               f"lines.{no}.discount")  # fmt: skip
    check_amount(shipping_minor, limit, N_("the shipping"), "shipping", currency)
    check_amount(priced.totals.total_minor, limit, N_("the order total"), "lines", currency)
    return priced, products


@dataclass(frozen=True)
class OrderQuote:
    """Live totals for order entry, and the warnings that will travel to the audit queue."""

    quote: Quote
    currency: str
    warnings: tuple[str, ...]


@anyone("prices an order being typed; saves nothing")  # i18n: no
def quote_order(
    db: Database,
    customer_id: int,
    lines: Sequence[NewLine],
    *,
    ship_to_address_id: int | None = None,
    carrier_id: int | None = None,
) -> OrderQuote:
    """Price an order being typed, without saving anything."""
    with db.read() as session:
        settings = load_settings(session)
        customer = session.get(Customer, customer_id)
        if customer is None:
            raise NotFound(N_("no customer with id {id}").format(id=customer_id))
        region = customer.region
        if ship_to_address_id is not None:
            address = session.get(CustomerAddress, ship_to_address_id)
            region = (address.region if address else "") or region
        priced, products = _price(session, settings, customer, lines, carrier_id, region, None)
        warnings = [
            N_("line {no}: {product} priced below cost").format(
                no=no, product=products[ln.product_id].code
            )
            for no, ln in enumerate(priced.lines, start=1)
            if ln.below_cost
        ]
        if customer.credit_limit_minor and customer.payment_terms.upper() not in {"COD", "PREPAID"}:
            from ..finance.receivables import credit_exposure, over_limit_warning

            over = over_limit_warning(credit_exposure(session, customer_id),
                                      priced.totals.total_minor, customer.credit_limit_minor,
                                      settings.currency)  # fmt: skip
            if over:
                warnings.append(over)
        if customer.credit_hold:
            warnings.append(N_("customer is on credit hold"))
        return OrderQuote(priced, settings.currency, tuple(warnings))


@anyone("a read: a customer's latest orders")  # i18n: no
def recent_orders(db: Database, customer_id: int, limit: int = 5) -> list[OrderView]:
    """The customer's latest orders, newest first, with their lines (to repeat one)."""
    with db.read() as session:
        rows = session.exec(
            select(Order)
            .where(Order.customer_id == customer_id)
            .order_by(col(Order.created_at).desc(), col(Order.id).desc())
            .limit(limit)
        ).all()
        return [_view(session, o, detail=True) for o in rows]


def _default_payment(terms: str) -> str:
    t = terms.upper()
    if t == "PREPAID":
        return "prepaid"
    if t.startswith(("NET", "EOM")):
        return "credit"
    if t == "INSTALLMENTS":
        return "installments"
    return "cod"


def _load_for_update(session: Session, order_id: int) -> Order:
    order = session.exec(select(Order).where(Order.id == order_id).with_for_update()).first()
    if order is None:
        raise NotFound(N_("no order with id {id}").format(id=order_id))
    return order


# What moving an order to each status needs (``transition`` checks it; any other status is
# reached through allocation, production and dispatch, or by a manager's override).
TRANSITION_PERMISSIONS: dict[OrderStatus, tuple[str, ...]] = {
    OrderStatus.PENDING_AUDIT: ("orders.enter", "orders.audit"),  # submitted; held, back in
    OrderStatus.DRAFT: ("orders.audit", "orders.enter"),  # sent back; a rejected one reopened
    OrderStatus.APPROVED: ("orders.audit",),
    OrderStatus.REJECTED: ("orders.audit",),
    OrderStatus.ON_HOLD: ("orders.audit",),
    OrderStatus.CANCELLED: ("orders.cancel",),
}


def _check_transition_permission(db: Database, actor: str, to_status: str) -> None:
    role = role_of(db, actor)  # an active user, whatever the status asked for
    try:
        needs = TRANSITION_PERMISSIONS.get(OrderStatus(to_status), ("orders.override",))
    except ValueError:
        return  # not a status: check_transition says so
    if not any(allowed(role, p) for p in needs):
        check(db, actor, needs[0])  # refused, naming who may


def transition(
    db: Database,
    actor: str,
    order_id: int,
    to_status: str,
    reason: str = "",
    expected_version: int | None = None,
) -> OrderView:
    """Move an order to ``to_status`` if the state machine allows it; record who and why.

    ``expected_version`` (the version the user saw) refuses the change if somebody
    else saved the order meanwhile.

    Cancelling releases the order's reservations and stops its production; the stock
    freed is offered to the orders waiting for it (then to production short of it) in the
    same transaction (``allocation.offer_freed_stock_in``), so no backorder waits while
    the cancelled order's stock sits free. The levels of the order's products and
    materials, and of the other products of the orders waiting for them, are locked
    before the order, as every writer does (see ``services/inventory/stock.py``).
    """
    from ..fulfilment import allocation

    _check_transition_permission(db, actor, to_status)

    def run() -> OrderView:
        with db.write() as session:
            releasing = str(to_status) == OrderStatus.CANCELLED
            product_ids: set[int] = set()
            if releasing:  # stock levels are locked before the order
                product_ids = set(stock.order_product_ids(session, order_id))
                allocation.lock_for_filling(session, product_ids)
            order = _load_for_update(session, order_id)
            order_states.check_version(session, order, expected_version)
            # refused before anything else is written
            _, to = check_transition(order.status, to_status, reason)
            if to is OrderStatus.PENDING_AUDIT:
                has_line = session.exec(
                    select(OrderLine.id).where(OrderLine.order_id == order.id).limit(1)
                ).first()
                if has_line is None:
                    raise InvalidInput(N_("order {number} has no lines to audit").format(
                        number=order.number), "lines")  # fmt: skip
            text = reason.strip()
            freed: set[int] = set()
            if releasing:
                units = stock.release_order_in(session, order.id)
                if units:
                    text = (N_("{reason} ({units} reserved units released)") if text
                            else N_("{units} reserved units released")).format(
                        reason=text, units=units)  # fmt: skip
                    freed |= product_ids
                from ..production.planning import cancel_for_order_in

                stopped, materials = cancel_for_order_in(session, actor, order.id,
                                                         reason.strip())  # fmt: skip
                if stopped:
                    text = (N_("{reason} (production stopped: {orders})") if text
                            else N_("production stopped: {orders}")).format(
                        reason=text, orders=", ".join(stopped))  # fmt: skip
                freed |= materials
            if to is OrderStatus.APPROVED and order.payment_method == "prepaid":
                from ..finance.receivables import invoice_order_in

                invoice_order_in(session, actor, order)  # prepaid: invoiced at approval
            order_states.move(session, order, to, actor, text)
            session.flush()
            allocation.offer_freed_stock_in(session, actor, freed)
            return _view(session, order)

    try:
        return retry(run)
    except StaleDataError:
        with db.read() as session:
            raise order_states.stale_order(session, order_id) from None


# Declared: the permission depends on the status the order moves to (checked above).
transition.__permission__ = "by status: TRANSITION_PERMISSIONS"  # type: ignore[attr-defined]  # i18n: no


@anyone("a read: an order")  # i18n: no
def get_order(db: Database, number: str) -> OrderView:
    """An order with its lines and events, by number (case-insensitive, ``so-2026-12`` works)."""
    wanted = normalise_order_number(number)
    with db.read() as session:
        order = session.exec(select(Order).where(Order.number == wanted)).first()
        if order is None:
            raise NotFound(N_("no order {number}").format(number=number.strip()))
        return _view(session, order, detail=True)


@anyone("a read: an order's version")  # i18n: no
def version_of(db: Database, order_id: int) -> tuple[int, str]:
    """The order's version and who changed it last ("changed by li at 10:05 (approved)"):
    a cheap read for a screen that shows the order, to tell it was changed since."""
    with db.read() as session:
        order = session.get(Order, order_id)
        if order is None:
            raise NotFound(N_("no order with id {id}").format(id=order_id))
        change = order_states.last_change(session, order)
        return order.version, change.text if change else N_("changed")


@anyone("a read: an order")  # i18n: no
def get_order_by_id(db: Database, order_id: int) -> OrderView:
    with db.read() as session:
        order = session.get(Order, order_id)
        if order is None:
            raise NotFound(N_("no order with id {id}").format(id=order_id))
        return _view(session, order, detail=True)
