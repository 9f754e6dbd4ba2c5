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

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import Session, col, select

from ...models import (
    Customer,
    CustomerAddress,
    DunningLetter,
    FollowUp,
    Invoice,
    Order,
    Payment,
    User,
)
from ..parties.customers import address_text
from ..platform.db import Database
from ..platform.errors import InvalidInput, NotFound
from ..platform.settings import load_settings
from ..states.invoice_states import InvoiceStatus
from .overdue import (
    dunning_days,
    level_for,
    overdue_after_credit,
)
from .receivables import credit_exposure

LEVELS = {1: "Reminder 付款提醒", 2: "Second notice 二次催款通知", 3: "Final notice 最后催款通知",
          4: "Credit hold 暂停赊销通知"}  # fmt: skip
RELEASERS = ("manager", "admin")


@dataclass(frozen=True)
class DunningStep:
    letter_id: int
    customer_id: int
    customer_name: str
    level: int
    days_overdue: int
    overdue_minor: int
    currency: str = field(kw_only=True)  # ISO 4217: the company currency, which dunning counts in

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
    with db.write() as session:
        currency = load_settings(session).currency
        thresholds = dunning_days(session)
        overdue = overdue_after_credit(session, as_of)
        # The customers it may write, locked by id (no key update: orders and payments
        # referring to them go on) and read afresh, then what they owe read again under
        # the locks: two runs at once take each step once (the second sees the level the
        # first wrote), and a payment saved meanwhile counts.
        customers = session.exec(
            select(Customer).where(col(Customer.id).in_(overdue) | (Customer.dunning_level > 0))
            .order_by(Customer.id).with_for_update(key_share=True)
            .execution_options(populate_existing=True)
        ).all()  # fmt: skip
        overdue = overdue_after_credit(session, as_of, [c.id for c in customers])
        steps: list[DunningStep] = []
        for customer in customers:
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
            steps.append(
                DunningStep(
                    letter.id, customer.id, customer.name, level, days, total, currency=currency
                )
            )
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
        .where(Invoice.customer_id == customer.id, Invoice.status == InvoiceStatus.OPEN,
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
