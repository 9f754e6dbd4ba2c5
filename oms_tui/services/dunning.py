"""Dunning: reminder, second notice, final notice, credit hold, by days overdue.

What is dunned is what is overdue **net of the credit on account** (over-payments and
unapplied credit notes, ``services/receivables.py``), the credit set against the oldest
overdue invoices first, as ``receivables.credit_exposure``'s ``overdue_minor`` is
(``overdue_after_credit``): a customer whose credit covers every overdue invoice is not
dunned at all, and one whose credit covers the oldest is dunned for the rest, at the level
of the oldest invoice the credit does not cover.

The thresholds are the ``dunning_days`` setting (``"7,30,60,90"`` by default): a customer
whose oldest overdue invoice not covered by credit on account is at least 7 days past due
is at level 1 (reminder), 30 days level 2 (second notice), 60 days level 3 (final notice),
90 days level 4 (credit hold).
``run_dunning`` takes the step each customer has reached and not yet had (one letter at
the highest level due, not one per level skipped), records it (``dunning_letter``, and a
follow-up with the next action a week later) and at level 4 puts the customer on credit
hold: the audit's credit check then fails their new orders. The hold's reason starts with
"overdue", so a payment that leaves nothing overdue as long as the credit-hold threshold
releases it (``receivables.record_payment``); a manager can release it earlier with a
reason (``release_credit_hold``). A customer with nothing overdue (net) starts again from 0.

Letters and statements (``AccountPaper``) list the open invoices, then the credit on
account as a line of its own, and the balance and overdue net of it: the balance is
``credit_exposure``'s open invoices less credit on account, the overdue its overdue.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from sqlalchemy import case, func, literal_column, union_all
from sqlmodel import Session, col, select

from ..models import (
    Customer,
    CustomerAddress,
    DunningLetter,
    FollowUp,
    Invoice,
    Order,
    Payment,
    Setting,
    User,
    utcnow,
)
from .customers import address_text
from .db import Database
from .errors import InvalidInput, NotFound
from .receivables import credit_exposure

KEY = "dunning_days"
DEFAULT_DAYS = (7, 30, 60, 90)
LEVELS = {1: "Reminder 付款提醒", 2: "Second notice 二次催款通知", 3: "Final notice 最后催款通知",
          4: "Credit hold 暂停赊销通知"}  # fmt: skip
RELEASERS = ("manager", "admin")


def parse_days(value: str) -> tuple[int, int, int, int]:
    try:
        days = tuple(int(x) for x in value.replace(" ", "").split(","))
    except ValueError:
        raise InvalidInput(f"dunning days '{value}': four whole numbers, e.g. 7,30,60,90",
                           "value") from None  # fmt: skip
    rising = all(b > a for a, b in zip(days, days[1:], strict=False))
    if len(days) != 4 or days[0] < 1 or not rising:
        raise InvalidInput(
            f"dunning days '{value}': four increasing numbers above 0, e.g. 7,30,60,90 "
            "(reminder, second, final, credit hold)", "value")  # fmt: skip
    return days  # type: ignore[return-value]


def dunning_days(session: Session) -> tuple[int, int, int, int]:
    row = session.get(Setting, KEY)
    if row is None:
        return DEFAULT_DAYS
    try:
        return parse_days(row.value)
    except InvalidInput:
        return DEFAULT_DAYS


def set_dunning_days(db: Database, actor: str, value: str) -> tuple[int, int, int, int]:
    days = parse_days(value)
    with db.write() as session:
        row = session.get(Setting, KEY) or Setting(key=KEY)
        row.value, row.updated_at, row.updated_by = ",".join(map(str, days)), utcnow(), actor
        session.add(row)
    return days


def level_for(days_overdue: int, thresholds: tuple[int, ...]) -> int:
    return sum(1 for t in thresholds if days_overdue >= t)


@dataclass(frozen=True)
class DunningStep:
    letter_id: int
    customer_id: int
    customer_name: str
    level: int
    days_overdue: int
    overdue_minor: int

    @property
    def title(self) -> str:
        return LEVELS[self.level]


class Overdue(NamedTuple):
    """A customer's overdue invoices net of their credit on account."""

    days: int  # how late the oldest overdue invoice the credit does not cover is
    minor: int  # what is overdue less the credit on account (above 0)


def overdue_after_credit(
    session: Session, as_of: date, customer_ids: Collection[int] | None = None
) -> dict[int, Overdue]:
    """Per customer with overdue money left once their credit on account is set against
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
    late_where = [inv.c.status == "open", inv.c.kind == "invoice", inv.c.due_on < as_of,
                  owed > 0]  # fmt: skip
    credit_parts = [
        select(pay.c.customer_id, pay.c.unapplied_minor.label("credit"))
        .where(pay.c.unapplied_minor != 0),
        select(inv.c.customer_id, (inv.c.paid_minor - inv.c.amount_minor).label("credit"))
        .where(inv.c.amount_minor < 0, inv.c.status != "void",
               inv.c.amount_minor != inv.c.paid_minor),
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


def run_dunning(db: Database, actor: str, as_of: date | None = None,
                today: date | None = None) -> list[DunningStep]:  # fmt: skip
    """Take the dunning step every customer has reached (see the module docstring).

    ``as_of``: the day to count days overdue to (default ``today``). ``today``: the
    caller's date (the app's clock); when given, an ``as_of`` after it is refused, since
    letters and credit holds would go out before they are due."""
    if today is not None and as_of is not None and as_of > today:
        raise InvalidInput(f"dunning runs as of {today} or an earlier day, not {as_of}",
                           "as_of")  # fmt: skip
    as_of = as_of or today or date.today()
    with db.write() as session:
        thresholds = dunning_days(session)
        overdue = overdue_after_credit(session, as_of)
        steps: list[DunningStep] = []
        for customer in session.exec(select(Customer).where(
                col(Customer.id).in_(overdue) | (Customer.dunning_level > 0))).all():  # fmt: skip
            if customer.id not in overdue:
                customer.dunning_level = 0  # clean again (paid, or covered by credit)
                session.add(customer)
                continue
            days, total = overdue[customer.id]
            level = level_for(days, thresholds)
            if level <= customer.dunning_level:
                continue
            letter = DunningLetter(customer_id=customer.id, level=level, issued_on=as_of,
                                   days_overdue=days, overdue_minor=total, actor=actor)  # fmt: skip
            session.add(letter)
            customer.dunning_level = level
            note = f"{LEVELS[level]}: {days} days overdue"
            if level == 4 and not customer.credit_hold:
                customer.credit_hold = True
                customer.credit_hold_reason = (f"overdue {days} days: credit hold by dunning "
                                               f"({as_of})")  # fmt: skip
            session.add(customer)
            session.add(FollowUp(customer_id=customer.id, actor=actor,
                                 kind="hold" if level == 4 else "letter", note=note,
                                 next_action_on=as_of + timedelta(days=7)))  # fmt: skip
            session.flush()
            steps.append(DunningStep(letter.id, customer.id, customer.name, level, days, total))
        return steps


def release_credit_hold(db: Database, actor: str, customer_id: int, reason: str) -> None:
    """A manager lets a customer on credit hold order on credit again; the reason is kept
    on the customer and in their follow-up log."""
    if not reason.strip():
        raise InvalidInput("a reason is required to release a credit hold", "reason")
    with db.write() as session:
        user = session.exec(select(User).where(User.name == actor)).first()
        if user is None or user.role not in RELEASERS:
            raise InvalidInput(f"only a manager can release a credit hold ({actor} is "
                               f"{user.role if user else 'not a known user'})", "user")  # fmt: skip
        customer = session.get(Customer, customer_id)
        if customer is None:
            raise NotFound(f"no customer with id {customer_id}")
        if not customer.credit_hold:
            raise InvalidInput(f"{customer.name} is not on credit hold", "customer")
        customer.credit_hold = False
        customer.credit_hold_reason = f"released by {actor}: {reason.strip()}"
        session.add(customer)
        session.add(FollowUp(customer_id=customer.id, actor=actor, kind="release",
                             note=reason.strip(), done=True))  # fmt: skip


# --------------------------------------------------------------------------------------------
# What letters and statements print


@dataclass(frozen=True)
class OpenItem:
    number: str
    order_number: str
    issued_on: date
    due_on: date
    amount_minor: int
    open_minor: int
    days_overdue: int


@dataclass(frozen=True)
class PaymentItem:
    number: str
    received_on: date
    method: str
    amount_minor: int


@dataclass(frozen=True)
class AccountPaper:
    """A dunning letter's or a statement's contents: the open invoices, the credit on
    account set against them, and the balance and overdue net of it."""

    title: str
    as_of: date
    customer_code: str
    customer_name: str
    address: str
    phone: str
    items: tuple[OpenItem, ...]  # the open invoices, oldest due first
    payments: tuple[PaymentItem, ...]
    level: int = 0
    # over-payments and unapplied credit notes (above 0: credit; below 0 only if the books
    # are wrong), as ``receivables.credit_exposure`` counts them
    on_account_minor: int = 0

    @property
    def balance_minor(self) -> int:
        """The open invoices less the credit on account (below 0: in credit)."""
        return sum(i.open_minor for i in self.items) - self.on_account_minor

    @property
    def overdue_minor(self) -> int:
        """What is overdue less the credit on account, not below 0."""
        late = sum(i.open_minor for i in self.items if i.days_overdue > 0)
        return max(late - self.on_account_minor, 0)


def _paper(session: Session, customer: Customer, as_of: date, title: str, level: int,
           payments_days: int) -> AccountPaper:  # fmt: skip
    address = session.exec(
        select(CustomerAddress).where(CustomerAddress.customer_id == customer.id)
        .order_by(col(CustomerAddress.is_default).desc(), CustomerAddress.id)
    ).first()  # fmt: skip
    rows = session.execute(
        select(Invoice, Order.number).outerjoin(Order, Order.id == Invoice.order_id)
        .where(Invoice.customer_id == customer.id, Invoice.status == "open",
               Invoice.kind == "invoice")
        .order_by(Invoice.due_on, Invoice.id)
    ).all()  # fmt: skip
    items = tuple(OpenItem(i.number, n or "", i.issued_on, i.due_on, i.amount_minor,
                           i.amount_minor - i.paid_minor, max((as_of - i.due_on).days, 0))
                  for i, n in rows if i.amount_minor > i.paid_minor)  # fmt: skip
    # the credit on account is what credit_exposure sets against these invoices
    exposure = credit_exposure(session, customer.id, as_of)
    on_account = sum(i.open_minor for i in items) - exposure.open_invoices_minor
    pays = session.exec(
        select(Payment).where(Payment.customer_id == customer.id, Payment.amount_minor > 0,
                              Payment.received_on >= as_of - timedelta(days=payments_days))
        .order_by(Payment.received_on, Payment.id)
    ).all()  # fmt: skip
    return AccountPaper(
        title, as_of, customer.code, customer.name, address_text(address) if address else "",
        address.phone if address else "", items,
        tuple(PaymentItem(p.number, p.received_on, p.method, p.amount_minor) for p in pays),
        level, on_account,
    )  # fmt: skip


def letter(db: Database, letter_id: int) -> AccountPaper:
    with db.read() as session:
        row = session.get(DunningLetter, letter_id)
        if row is None:
            raise NotFound(f"no dunning letter {letter_id}")
        customer = session.get(Customer, row.customer_id)
        return _paper(session, customer, row.issued_on, LEVELS[row.level], row.level, 30)


def statement(db: Database, customer_id: int, as_of: date | None = None,
              payments_days: int = 90) -> AccountPaper:  # fmt: skip
    """Statement of account: every open invoice, the credit on account, the balance net of
    it, and the payments of the last days."""
    with db.read() as session:
        customer = session.get(Customer, customer_id)
        if customer is None:
            raise NotFound(f"no customer with id {customer_id}")
        return _paper(session, customer, as_of or date.today(), "Statement of account 对账单",
                      0, payments_days)  # fmt: skip
