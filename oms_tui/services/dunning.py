"""Dunning: reminder, second notice, final notice, credit hold, by days overdue.

The thresholds are the ``dunning_days`` setting (``"7,30,60,90"`` by default): a customer
whose oldest open invoice is at least 7 days past due is at level 1 (reminder), 30 days
level 2 (second notice), 60 days level 3 (final notice), 90 days level 4 (credit hold).
``run_dunning`` takes the step each customer has reached and not yet had (one letter at
the highest level due, not one per level skipped), records it (``dunning_letter``, and a
follow-up with the next action a week later) and at level 4 puts the customer on credit
hold: the audit's credit check then fails their new orders. The hold's reason starts with
"overdue", so a payment that leaves nothing overdue as long as the credit-hold threshold
releases it (``receivables.record_payment``); a manager can release it earlier with a
reason (``release_credit_hold``). A customer with nothing overdue starts again from 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func
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
    open_amount = Invoice.amount_minor - Invoice.paid_minor
    with db.write() as session:
        thresholds = dunning_days(session)
        rows = session.execute(
            select(Invoice.customer_id, func.min(Invoice.due_on), func.sum(open_amount))
            .where(Invoice.status == "open", Invoice.kind == "invoice",
                   Invoice.due_on < as_of, open_amount > 0)
            .group_by(Invoice.customer_id)
        ).all()  # fmt: skip
        overdue = {cid: ((as_of - oldest).days, int(total)) for cid, oldest, total in rows}
        steps: list[DunningStep] = []
        for customer in session.exec(select(Customer).where(
                col(Customer.id).in_(overdue) | (Customer.dunning_level > 0))).all():  # fmt: skip
            if customer.id not in overdue:
                customer.dunning_level = 0  # clean again
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
    """A dunning letter's or a statement's contents."""

    title: str
    as_of: date
    customer_code: str
    customer_name: str
    address: str
    phone: str
    items: tuple[OpenItem, ...]
    payments: tuple[PaymentItem, ...]
    level: int = 0

    @property
    def balance_minor(self) -> int:
        return sum(i.open_minor for i in self.items)

    @property
    def overdue_minor(self) -> int:
        return sum(i.open_minor for i in self.items if i.days_overdue > 0)


def _paper(session: Session, customer: Customer, as_of: date, title: str, level: int,
           payments_days: int) -> AccountPaper:  # fmt: skip
    address = session.exec(
        select(CustomerAddress).where(CustomerAddress.customer_id == customer.id)
        .order_by(col(CustomerAddress.is_default).desc(), CustomerAddress.id)
    ).first()  # fmt: skip
    rows = session.execute(
        select(Invoice, Order.number).outerjoin(Order, Order.id == Invoice.order_id)
        .where(Invoice.customer_id == customer.id, Invoice.status == "open")
        .order_by(Invoice.due_on, Invoice.id)
    ).all()  # fmt: skip
    items = tuple(OpenItem(i.number, n or "", i.issued_on, i.due_on, i.amount_minor,
                           i.amount_minor - i.paid_minor, max((as_of - i.due_on).days, 0))
                  for i, n in rows if i.amount_minor != i.paid_minor)  # fmt: skip
    pays = session.exec(
        select(Payment).where(Payment.customer_id == customer.id, Payment.amount_minor > 0,
                              Payment.received_on >= as_of - timedelta(days=payments_days))
        .order_by(Payment.received_on, Payment.id)
    ).all()  # fmt: skip
    return AccountPaper(
        title, as_of, customer.code, customer.name, address_text(address) if address else "",
        address.phone if address else "", items,
        tuple(PaymentItem(p.number, p.received_on, p.method, p.amount_minor) for p in pays),
        level,
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
    """Statement of account: every open item and the payments of the last days."""
    with db.read() as session:
        customer = session.get(Customer, customer_id)
        if customer is None:
            raise NotFound(f"no customer with id {customer_id}")
        return _paper(session, customer, as_of or date.today(), "Statement of account 对账单",
                      0, payments_days)  # fmt: skip
