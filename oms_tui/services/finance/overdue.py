"""How late a customer is: the dunning thresholds (setting ``dunning_days``), the level a
number of days overdue reaches, and what is overdue net of the credit on account.

Below both receivables (which releases a credit hold once a payment settles what was late)
and dunning (which steps customers through the levels), so neither imports the other.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import NamedTuple

from sqlalchemy import case, func, literal_column, union_all
from sqlmodel import Session, select

from ...i18n import N_
from ...models import Invoice, Payment, Setting
from ..platform.db import Database
from ..platform.errors import InvalidInput
from ..platform.permissions import requires
from ..platform.settings import load_settings, store_setting
from ..states.invoice_states import InvoiceStatus

KEY = "dunning_days"
DEFAULT_DAYS = (7, 30, 60, 90)


def parse_days(value: str) -> tuple[int, int, int, int]:
    try:
        days = tuple(int(x) for x in value.replace(" ", "").split(","))
    except ValueError:
        raise InvalidInput(N_("dunning days '{value}': four whole numbers, e.g. 7,30,60,90")
                           .format(value=value), "value") from None  # fmt: skip
    rising = all(b > a for a, b in zip(days, days[1:], strict=False))
    if len(days) != 4 or days[0] < 1 or not rising:
        raise InvalidInput(
            N_("dunning days '{value}': four increasing numbers above 0, e.g. 7,30,60,90 "
               "(reminder, second, final, credit hold)").format(value=value), "value")  # fmt: skip
    return days  # type: ignore[return-value]


def dunning_days(session: Session) -> tuple[int, int, int, int]:
    row = session.get(Setting, KEY)
    if row is None:
        return DEFAULT_DAYS
    try:
        return parse_days(row.value)
    except InvalidInput:
        return DEFAULT_DAYS


@requires("settings.change")
def set_dunning_days(db: Database, actor: str, value: str) -> tuple[int, int, int, int]:
    days = parse_days(value)
    with db.write() as session:
        store_setting(session, actor, KEY, ",".join(map(str, days)))
    return days


def level_for(days_overdue: int, thresholds: tuple[int, ...]) -> int:
    return sum(1 for t in thresholds if days_overdue >= t)


class Overdue(NamedTuple):
    """A customer's overdue invoices net of their credit on account."""

    days: int  # how late the oldest overdue invoice the credit does not cover is
    minor: int  # what is overdue less the credit on account (above 0)


def overdue_after_credit(
    session: Session, as_of: date, customer_ids: Collection[int] | None = None
) -> dict[int, Overdue]:
    """Per customer with overdue money left, in the company currency (as the credit
    exposure counts; no exchange rates), once their credit on account in it is set against
    the oldest overdue invoices first: how many days (to ``as_of``) the oldest invoice not
    covered is overdue, and what is overdue less the credit (``credit_exposure``'s
    ``overdue_minor``). Customers the credit covers are not in the result.

    One statement: the overdue invoices with a running sum per customer, oldest due first
    (a window function), against each customer's credit on account (over-payments'
    ``unapplied_minor`` and what is open on credit notes, as ``credit_exposure`` counts
    them); an invoice is not covered when the running sum up to it exceeds the credit."""
    inv = Invoice.__table__  # type: ignore[attr-defined]
    pay = Payment.__table__  # type: ignore[attr-defined]
    owed = inv.c.amount_minor - inv.c.paid_minor
    company = load_settings(session).currency.upper()
    late_where = [inv.c.status == InvoiceStatus.OPEN, inv.c.kind == "invoice", inv.c.due_on < as_of,
                  owed > 0, inv.c.currency == company]  # fmt: skip
    credit_parts = [
        select(pay.c.customer_id, pay.c.unapplied_minor.label("credit"))
        .where(pay.c.unapplied_minor != 0, pay.c.currency == company),
        select(inv.c.customer_id, (inv.c.paid_minor - inv.c.amount_minor).label("credit"))
        .where(inv.c.amount_minor < 0, inv.c.status != InvoiceStatus.VOID,
               inv.c.amount_minor != inv.c.paid_minor, inv.c.currency == company),
    ]  # fmt: skip
    if customer_ids is not None:
        ids = list(customer_ids)
        late_where.append(inv.c.customer_id.in_(ids))
        credit_parts = [p.where(p.selected_columns[0].in_(ids)) for p in credit_parts]
    late = (
        select(inv.c.customer_id, inv.c.due_on, owed.label("owed"),
               func.sum(owed).over(partition_by=inv.c.customer_id,
                                   order_by=(inv.c.due_on, inv.c.id)).label("running"))
        .where(*late_where)
        .subquery("late")
    )  # fmt: skip
    every = union_all(*credit_parts).subquery("credits")
    credits = (select(every.c.customer_id, func.sum(every.c.credit).label("credit"))
               .group_by(every.c.customer_id).subquery("credit"))  # fmt: skip
    credit = func.coalesce(credits.c.credit, literal_column("0"))
    net = func.sum(late.c.owed) - credit
    rows = session.execute(
        select(late.c.customer_id,
               func.min(case((late.c.running > credit, late.c.due_on))), net)
        .select_from(late.outerjoin(credits, credits.c.customer_id == late.c.customer_id))
        .group_by(late.c.customer_id, credits.c.credit)
        .having(net > 0)
    ).all()  # fmt: skip
    return {cid: Overdue((as_of - _day(oldest)).days, int(minor)) for cid, oldest, minor in rows}


def _day(value: date | str) -> date:
    """A date from an aggregate (SQLite returns ``min`` of a date as text)."""
    return date.fromisoformat(value) if isinstance(value, str) else value
