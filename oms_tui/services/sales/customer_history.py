"""A customer's history: every order (newest first, a page at a time) with its totals and,
for made-to-order work, the production stage and expected date; and the figures support
staff are asked for: orders, total, last order date, average order value, open balance.

The open balance and the overdue amount are ``receivables.credit_exposure``'s, the figures
of the customer card: open invoices less the credit on account (over-payments, credit notes
not used up), and what is past due less that credit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import col, select

from ...i18n import N_, _
from ...models import Customer, CustomerAddress, CustomerPhone, Order
from ..finance.receivables import credit_exposure
from ..parties.customers import AddressView, address_text
from ..platform.db import Database
from ..platform.errors import NotFound
from ..platform.permissions import anyone
from ..platform.settings import load_settings
from ..production import board
from ..states.order_states import OrderStatus
from ..states.production_states import ProductionStatus as P

NOT_SALES = (OrderStatus.DRAFT, OrderStatus.CANCELLED, OrderStatus.REJECTED)


@dataclass(frozen=True)
class HistorySummary:
    customer_id: int
    code: str
    name: str
    orders: int  # not counting drafts, cancelled and rejected orders
    total_minor: int
    last_order_at: datetime | None
    average_minor: int
    open_balance_minor: int  # open invoices less credit on account (below 0: in credit)
    overdue_minor: int  # past due less credit on account (0 or more)
    credit_hold: bool
    currency: str


@dataclass(frozen=True)
class HistoryOrder:
    id: int
    number: str
    created_at: datetime
    status: str
    channel: str
    total_minor: int
    production: str  # "PO-… 组装 assembly, expected 12-04"; "" when nothing is made for it
    currency: str = field(kw_only=True)  # the order's

    @property
    def status_label(self) -> str:
        return OrderStatus(self.status).label


@anyone("a read: a customer's history")  # i18n: no
def summary(db: Database, customer_id: int, today: date | None = None) -> HistorySummary:
    today = today or date.today()
    with db.read() as session:
        c = session.get(Customer, customer_id)
        if c is None:
            raise NotFound(N_("no customer with id {id}").format(id=customer_id))
        count, total, last = session.execute(
            select(func.count(), func.coalesce(func.sum(Order.total_minor), 0),
                   func.max(Order.created_at))
            .where(Order.customer_id == customer_id, col(Order.status).not_in(NOT_SALES))
        ).one()  # fmt: skip
        exposure = credit_exposure(session, customer_id, today)
        currency = session.exec(select(Order.currency).where(Order.customer_id == customer_id)
                                .limit(1)).first() or "CNY"  # fmt: skip
    count, total = int(count), int(total)
    return HistorySummary(customer_id, c.code, c.name, count, total, last,
                          (total + count // 2) // count if count else 0,
                          exposure.open_invoices_minor, exposure.overdue_minor, c.credit_hold,
                          currency)  # fmt: skip


@anyone("a read: a customer's orders")  # i18n: no
def orders_page(db: Database, customer_id: int, before: HistoryOrder | None = None,
                limit: int = 50) -> list[HistoryOrder]:  # fmt: skip
    """Newest first; ``before`` is the last order of the previous page (keyset)."""
    stmt = (select(Order.id, Order.number, Order.created_at, Order.status, Order.channel,
                   Order.total_minor, Order.currency)
            .where(Order.customer_id == customer_id)
            .order_by(col(Order.created_at).desc(), col(Order.id).desc()).limit(limit))  # fmt: skip
    if before is not None:
        same_time = (Order.created_at == before.created_at) & (Order.id < before.id)
        stmt = stmt.where((Order.created_at < before.created_at) | same_time)
    with db.read() as session:
        rows = session.execute(stmt).all()
    made = board.for_orders(db, [r[0] for r in rows])
    out = []
    for oid, number, at, status, channel, total, currency in rows:
        text = "; ".join(  # shown, never stored: in the reader's language now
            _("{number} {stage}, expected {date}").format(
                number=p.number, stage=p.stage, date=f"{p.expected_date:%m-%d}")
            if p.expected_date and p.status != P.DONE else f"{p.number} {p.stage}"
            for p in made.get(oid, []))  # fmt: skip
        out.append(HistoryOrder(oid, number, at, status, channel, total, text, currency=currency))
    return out


@dataclass(frozen=True)
class CustomerCard:
    """What order entry shows beside the name: who, credit status, last order, ship-tos."""

    id: int
    code: str
    name: str
    group: str
    tier: str
    region: str
    phones: tuple[str, ...]
    payment_terms: str
    credit_limit_minor: int
    open_balance_minor: int  # open invoices less credit on account (receivables.credit_exposure)
    overdue_minor: int
    credit_hold: bool
    credit_hold_reason: str
    last_order_on: date | None
    addresses: tuple[AddressView, ...]
    notes: str
    committed_minor: int = 0  # approved orders not invoiced yet: they count against the limit
    currency: str = field(kw_only=True)  # ISO 4217: the company currency, which balances are in

    @property
    def exposure_minor(self) -> int:
        """What counts against the credit limit: open balance + approved, not invoiced."""
        return self.open_balance_minor + self.committed_minor

    @property
    def credit_status(self) -> str:
        """One phrase: on hold / overdue / over limit / ok."""
        if self.credit_hold:
            if self.credit_hold_reason:
                return N_("on credit hold: {reason}").format(reason=self.credit_hold_reason)
            return N_("on credit hold")
        if self.overdue_minor > 0:
            return N_("overdue")
        if self.credit_limit_minor and self.exposure_minor > self.credit_limit_minor:
            return N_("over credit limit")
        return N_("ok")

    @property
    def default_address(self) -> AddressView | None:
        return next((a for a in self.addresses if a.is_default), next(iter(self.addresses), None))


@anyone("a read: a customer's card (contacts masked on screen)")  # i18n: no
def customer_card(db: Database, customer_id: int, today: date | None = None) -> CustomerCard:
    today = today or date.today()
    with db.read() as session:
        c = session.get(Customer, customer_id)
        if c is None:
            raise NotFound(N_("no customer with id {id}").format(id=customer_id))
        exposure = credit_exposure(session, customer_id, today)
        last = session.exec(
            select(func.max(Order.created_at)).where(Order.customer_id == customer_id)
        ).one()
        phones = session.exec(
            select(CustomerPhone.number)
            .where(CustomerPhone.customer_id == customer_id)
            .order_by(col(CustomerPhone.is_primary).desc(), col(CustomerPhone.id))
        ).all()
        addresses = session.exec(
            select(CustomerAddress)
            .where(CustomerAddress.customer_id == customer_id)
            .order_by(col(CustomerAddress.is_default).desc(), col(CustomerAddress.id))
        ).all()
        return CustomerCard(
            id=c.id, code=c.code, name=c.name, group=c.group, tier=c.tier, region=c.region,
            phones=tuple(phones), payment_terms=c.payment_terms,
            credit_limit_minor=c.credit_limit_minor,
            open_balance_minor=exposure.open_invoices_minor,
            overdue_minor=exposure.overdue_minor, credit_hold=c.credit_hold,
            credit_hold_reason=c.credit_hold_reason,
            last_order_on=last.astimezone().date() if last else None,
            addresses=tuple(
                AddressView(a.id, a.label, a.contact_name, a.phone, address_text(a), a.region,
                            a.is_default)
                for a in addresses
            ),
            notes=c.notes, committed_minor=exposure.committed_minor,
            currency=load_settings(session).currency,
        )  # fmt: skip
