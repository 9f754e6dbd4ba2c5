"""Order search over a big order table, and one order's whole story (detail).

Search pages by keyset on (created_at desc, id desc): a page costs the same wherever it is,
there is no OFFSET and no COUNT over the table. Every predicate is answered from an index:

- number: the unique number index (a whole number exactly, and a prefix range when the
  number was typed short or in part: ``so-2026-0028`` lists SO-2026-002800..99 too);
- a word that is exactly a product code or barcode: that product (no ``p:`` needed);
- customer (name/code) and phone: the customer search (``customers.search_customers``)
  gives customer ids, then ``ix_sales_order_customer_created`` (the page's keys from the
  index alone, migration 0024, then its rows by primary key);
- status: ``ix_sales_order_status_created`` (status, created_at, id), already in page order;
- date range and channel: the ``created_at`` index, in page order;
- product: ``order_line.product_id``. A product on few lines gives its order ids
  (at most ``_PRODUCT_LIST_MAX``); a product on many lines is tested per order while
  walking the page order (each test one index probe on ``order_line (order_id,
  product_id)``), at most ``PROBE_WINDOW`` orders per page, so either way a page reads a
  bounded number of rows. A page may then hold fewer than ``limit`` rows and still have a
  ``next`` cursor: keep paging while ``next`` is set.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import exists, func, or_, select, tuple_
from sqlmodel import col

from ...i18n import N_
from ...models import (
    Customer,
    Invoice,
    Order,
    OrderAudit,
    OrderLine,
    ProductionOrder,
    ReturnOrder,
    Shipment,
)
from ..catalog.catalog import find_product
from ..fulfilment import allocation
from ..parties.customers import search_customers
from ..platform.db import Database
from ..platform.errors import InvalidInput
from ..platform.numbering import normalise_order_number
from ..platform.permissions import anyone
from ..states.order_states import OrderStatus
from . import orders
from .audit_checks import CheckResult, checks_in
from .channels import names_for

CUSTOMER_MATCH_LIMIT = 50  # customers matched by a name/phone fragment; more: type more
_PRODUCT_LIST_MAX = 5_000  # lines of a product above which its orders are probed, not listed
PROBE_WINDOW = 10_000  # orders probed for such a product per page, at most


@dataclass(frozen=True)
class OrderQuery:
    number: str = ""  # whole (``so-2026-12``) or the start of one
    customer: str = ""  # name or code, as in the customer search
    phone: str = ""  # any part of a phone number, as in the customer search
    status: str | Sequence[str] = ""  # one status or several
    date_from: date | None = None  # created on or after (local date)
    date_to: date | None = None  # created on or before (local date)
    channel: str = ""
    product: str | int = ""  # product code or barcode (or id)


@dataclass(frozen=True)
class SearchCursor:
    created_at: datetime
    order_id: int


@dataclass(frozen=True)
class SearchRow:
    id: int
    number: str
    created_at: datetime
    customer_id: int
    customer_name: str
    status: str
    channel: str
    total_minor: int
    currency: str
    requested_date: date | None

    @property
    def status_label(self) -> str:
        return OrderStatus(self.status).label


@dataclass(frozen=True)
class SearchPage:
    rows: tuple[SearchRow, ...]
    next: SearchCursor | None  # pass as ``after``; None: no more rows
    # The customer/phone fragment matched more than CUSTOMER_MATCH_LIMIT customers: only the
    # orders of the first ones are listed (the screen says "type more").
    customers_truncated: bool = False


def _local_midnight(d: date) -> datetime:
    return datetime.combine(d, time.min).astimezone()


def _customer_ids(db: Database, text: str, what: str) -> tuple[set[int], bool]:
    hits = search_customers(db, text, limit=CUSTOMER_MATCH_LIMIT + 1)
    if what == "phone" and not hits and sum(ch.isdigit() for ch in text) < 3:
        raise InvalidInput(N_("type at least 3 digits of the phone number"), "phone")
    ids = {h.id for h in hits[:CUSTOMER_MATCH_LIMIT]}
    return ids, len(hits) > CUSTOMER_MATCH_LIMIT


def _product_id(db: Database, product: str | int) -> int | None:
    if isinstance(product, int):
        return product
    hit = find_product(db, product)
    return hit.id if hit else None


def _exact_words(db: Database, query: OrderQuery) -> OrderQuery:
    """A word typed without a prefix that is exactly a product code or barcode is taken as
    that product (``L-F900-24W-GD``, ``6920000000017``: the line grammar guessed a name or
    a phone). A whole customer code or phone number needs nothing here: the customer search
    answers it with that customer alone."""
    if query.product not in ("", None):
        return query
    words = query.customer.split()
    for word in words:
        if (hit := find_product(db, word)) is not None:
            rest = " ".join(w for w in words if w != word)
            return replace(query, customer=rest, product=hit.id)
    digits = "".join(ch for ch in query.phone if ch.isdigit())
    if len(digits) >= 8 and (hit := find_product(db, digits)) is not None:
        return replace(query, phone="", product=hit.id)
    return query


def _newest_keys(conditions: list, rows: int):  # noqa: ANN202
    """The ids and times of the newest ``rows`` orders matching ``conditions`` (page order),
    as a subquery (``oid``, ``at``): by customer, from the customer index alone."""
    return (
        select(Order.id.label("oid"), Order.created_at.label("at"))
        .where(*conditions)
        .order_by(col(Order.created_at).desc(), col(Order.id).desc())
        .limit(rows)
        .subquery()
    )


def _number_condition(typed: str):  # noqa: ANN202
    """A whole order number (``so-2026-12``: SO-2026-000012), and the numbers starting with
    what was typed when its last part is short (``so-2026-0028``: SO-2026-002800..99 too)."""
    wanted = typed.strip().upper()
    parts = wanted.split("-")
    if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
        whole = normalise_order_number(wanted)
        if len(parts[2]) >= len(whole.rsplit("-", 1)[1]):
            return Order.number == whole
        return or_(Order.number == whole, _starts(wanted))
    return _starts(wanted)


def _starts(prefix: str):  # noqa: ANN202
    return (col(Order.number) >= prefix) & (col(Order.number) < prefix + "\U0010ffff")


@anyone("a read: order search")  # i18n: no
def search(
    db: Database, query: OrderQuery, after: SearchCursor | None = None, limit: int = 50
) -> SearchPage:
    """One page of orders matching every given field, newest first."""
    if limit < 1:
        raise InvalidInput(N_("a page holds at least one row"), "limit")
    query = _exact_words(db, query)
    conditions = []
    truncated = False
    customer_ids: set[int] | None = None
    for text, what in ((query.customer, "customer"), (query.phone, "phone")):
        if text.strip():
            ids, more = _customer_ids(db, text, what)
            truncated |= more
            customer_ids = ids if customer_ids is None else customer_ids & ids
    if customer_ids is not None:
        if not customer_ids:
            return SearchPage((), None, truncated)
        conditions.append(col(Order.customer_id).in_(sorted(customer_ids)))

    if query.number.strip():
        conditions.append(_number_condition(query.number))

    statuses = [query.status] if isinstance(query.status, str) else list(query.status)
    statuses = [s for s in (x.strip() for x in statuses) if s]
    for s in statuses:
        if s not in OrderStatus.__members__.values():
            raise InvalidInput(N_("unknown order status '{status}'").format(status=s), "status")
    if len(statuses) == 1:
        conditions.append(Order.status == statuses[0])
    elif statuses:
        conditions.append(col(Order.status).in_(statuses))

    if query.date_from and query.date_to and query.date_from > query.date_to:
        raise InvalidInput(N_("the date range ends before it starts"), "date_to")
    if query.date_from:
        conditions.append(col(Order.created_at) >= _local_midnight(query.date_from))
    if query.date_to:
        conditions.append(
            col(Order.created_at) < _local_midnight(query.date_to + timedelta(days=1))
        )
    if query.channel.strip():  # a channel, or a kind: each of its channels (two web shops)
        with db.read() as session:
            names = names_for(session, query.channel) or [query.channel.strip()]
        conditions.append(Order.channel == names[0] if len(names) == 1
                          else col(Order.channel).in_(names))  # fmt: skip

    probe: int | None = None
    if query.product != "" and query.product is not None:
        pid = _product_id(db, query.product)
        if pid is None:
            return SearchPage((), None, truncated)
        with db.read() as session:
            lines = session.execute(
                select(func.count()).select_from(
                    select(OrderLine.id)
                    .where(OrderLine.product_id == pid)
                    .limit(_PRODUCT_LIST_MAX + 1)
                    .subquery()
                )
            ).scalar_one()
        if lines <= _PRODUCT_LIST_MAX:  # few: list its orders (then sort them)
            conditions.append(
                col(Order.id).in_(select(OrderLine.order_id).where(OrderLine.product_id == pid))
            )
        else:  # many: walk the page order, one index probe per order (within a window)
            probe = pid

    if after is not None:
        conditions.append(
            tuple_(Order.created_at, Order.id) < tuple_(after.created_at, after.order_id)
        )
    columns = (
        Order.id, Order.number, Order.created_at, Order.customer_id, Customer.name,
        Order.status, Order.channel, Order.total_minor, Order.currency, Order.requested_date,
    )  # fmt: skip
    if probe is None:
        # The page's keys first (by customer: from ix_sales_order_customer_created alone,
        # an index-only scan), then its rows by primary key: a customer's older orders are
        # never read from the table (on a cold cache that reading was most of the time).
        page = _newest_keys(conditions, limit + 1)
        stmt = (
            select(*columns)
            .select_from(page)
            .join(Order, col(Order.id) == page.c.oid)
            .join(Customer, col(Customer.id) == Order.customer_id)
            .order_by(page.c.at.desc(), page.c.oid.desc())
        )
        with db.read() as session:
            rows = session.execute(stmt).all()
        out = tuple(SearchRow(*r) for r in rows[:limit])
        nxt = SearchCursor(out[-1].created_at, out[-1].id) if len(rows) > limit else None
        return SearchPage(out, nxt, truncated)

    # A product on many lines, probed per order: at most PROBE_WINDOW orders (matching the
    # other fields, from their index, in page order) are probed per page. When the product
    # is rare among them (say water barrels in key-account orders) the page comes back short
    # with a cursor at the end of the window; the next page carries on from there.
    window = _newest_keys(conditions, PROBE_WINDOW)
    stmt = (
        select(*columns)
        .select_from(window)
        .join(Order, col(Order.id) == window.c.oid)
        .join(Customer, col(Customer.id) == Order.customer_id)
        .where(exists().where(OrderLine.order_id == window.c.oid, OrderLine.product_id == probe))
        .order_by(window.c.at.desc(), window.c.oid.desc())
        .limit(limit + 1)
    )
    with db.read() as session:
        rows = session.execute(stmt).all()
        out = tuple(SearchRow(*r) for r in rows[:limit])
        if len(rows) > limit:
            return SearchPage(out, SearchCursor(out[-1].created_at, out[-1].id), truncated)
        edge = session.execute(
            select(window.c.at, window.c.oid, select(func.count()).select_from(window)
                   .scalar_subquery())
            .order_by(window.c.at.asc(), window.c.oid.asc())
            .limit(1)
        ).first()  # fmt: skip
    if edge is None or edge[2] < PROBE_WINDOW:  # the window held every remaining order
        return SearchPage(out, None, truncated)
    return SearchPage(out, SearchCursor(edge[0], edge[1]), truncated)


# --------------------------------------------------------------------------------------------
# Detail
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """Another document of the order: shipment, invoice, production order or return."""

    id: int
    number: str
    status: str


@dataclass(frozen=True)
class OrderDetail:
    order: orders.OrderView  # header, lines with price sources, totals, events (timeline)
    checks: tuple[CheckResult, ...]  # the last stored run (empty: never checked)
    checked_at: datetime | None
    priority_score: int
    priority_reasons: str
    follow_up_on: date | None
    shipments: tuple[Link, ...]
    invoices: tuple[Link, ...]
    production_orders: tuple[Link, ...]
    returns: tuple[Link, ...]
    stock: tuple[allocation.LineStock, ...] = ()  # per line: reservations, backordered

    @property
    def timeline(self) -> tuple[orders.EventView, ...]:
        """Every event, oldest first: who, when, from, to, why."""
        return self.order.events


@anyone("a read: an order's detail")  # i18n: no
def detail(db: Database, number: str) -> OrderDetail:
    """An order by number (``so-2026-12`` works) with everything a reviewer needs."""
    view = orders.get_order(db, number)
    line_stock = tuple(allocation.line_stock(db, view.id))
    with db.read() as session:
        checks = tuple(checks_in(session, view.id))
        record = session.get(OrderAudit, view.id)

        def links(model, status_col, order_col=None):  # noqa: ANN001, ANN202
            order_col = order_col if order_col is not None else model.order_id
            return tuple(
                Link(i, n, s)
                for i, n, s in session.execute(
                    select(model.id, model.number, status_col)
                    .where(order_col == view.id)
                    .order_by(model.id)
                )
            )

        return OrderDetail(
            order=view,
            checks=checks,
            checked_at=record.checked_at if record else None,
            priority_score=record.priority_score if record else 0,
            priority_reasons=record.priority_reasons if record else "",
            follow_up_on=record.follow_up_on if record else None,
            shipments=links(Shipment, Shipment.status),
            invoices=links(Invoice, Invoice.status),
            production_orders=links(ProductionOrder, ProductionOrder.status),
            returns=links(ReturnOrder, ReturnOrder.status),
            stock=line_stock,
        )
