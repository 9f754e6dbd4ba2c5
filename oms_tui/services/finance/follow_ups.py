"""Follow-ups on a customer's account: what the finance clerk did or agreed, and what is
next. The open ones whose next action date has come make today's list, with each
customer's open balance: open invoices less credit on account, as
``receivables.credit_exposure`` counts it (below 0 when the customer is in credit)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, col, select

from ...i18n import N_
from ...models import Customer, FollowUp
from ..platform.db import Database
from ..platform.errors import InvalidInput, NotFound
from ..platform.money import check_amount
from ..platform.permissions import anyone, requires
from ..platform.settings import load_settings
from .receivables import credit_exposure

READ = "a read of the receivables, taking no acting user"  # i18n: no

KINDS = ("call", "promise", "letter", "note", "hold", "release")


@dataclass(frozen=True)
class FollowUpView:
    id: int
    customer_id: int
    customer_code: str
    customer_name: str
    at: datetime
    actor: str
    kind: str
    note: str
    promise_on: date | None
    promise_minor: int
    next_action_on: date | None
    done: bool
    # the customer's open balance, less credit on account (today's list; below 0: in credit)
    open_minor: int = 0
    currency: str = field(
        kw_only=True
    )  # ISO 4217: the company currency, which promises and balances are in


@requires("dunning.run")
def record_follow_up(
    db: Database, actor: str, customer_id: int, kind: str, note: str = "", *,
    next_action_on: date | None = None, promise_on: date | None = None,
    promise_minor: int = 0, today: date | None = None,
) -> FollowUpView:  # fmt: skip
    """Write down a call, a promise to pay (its date, and amount when given), a note.
    Earlier open follow-ups of the customer are done: this one carries the next action."""
    today = today or date.today()
    if kind not in KINDS:
        raise InvalidInput(
            N_("unknown follow-up '{kind}'; one of {kinds}").format(
                kind=kind, kinds=", ".join(KINDS)
            ),
            "kind",
        )
    if kind == "promise" and promise_on is None:
        raise InvalidInput(N_("a promise to pay needs its date"), "promise_on")
    if promise_on is not None and promise_on < today:
        raise InvalidInput(N_("the promised date is in the past"), "promise_on")
    if next_action_on is not None and next_action_on < today:
        raise InvalidInput(N_("the next action date is in the past"), "next_action_on")
    if isinstance(promise_minor, bool) or not isinstance(promise_minor, int) or promise_minor < 0:
        raise InvalidInput(N_("the promised amount cannot be negative"), "promise_minor")
    if kind in ("call", "note") and not note.strip():
        raise InvalidInput(N_("say what was said or done"), "note")
    with db.write() as session:
        settings = load_settings(session)
        check_amount(promise_minor, settings.max_amount_minor, N_("the promised amount"),
                     "promise_minor", settings.currency)  # fmt: skip
        return follow_up_in(session, actor, customer_id, kind, note,
                            next_action_on=next_action_on or promise_on,
                            promise_on=promise_on, promise_minor=promise_minor)  # fmt: skip


def follow_up_in(
    session: Session, actor: str, customer_id: int, kind: str, note: str, *,
    next_action_on: date | None = None, promise_on: date | None = None, promise_minor: int = 0,
) -> FollowUpView:  # fmt: skip
    """Write a follow-up inside the caller's transaction (checked by the caller, e.g. a
    settled van run noting cash short): the customer's earlier open ones are done."""
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound(N_("no customer with id {id}").format(id=customer_id))
    for earlier in session.exec(select(FollowUp).where(
            FollowUp.customer_id == customer_id, FollowUp.done == False)).all():  # noqa: E712  # fmt: skip
        earlier.done = True
        session.add(earlier)
    row = FollowUp(customer_id=customer_id, actor=actor, kind=kind, note=note.strip(),
                   promise_on=promise_on, promise_minor=promise_minor,
                   next_action_on=next_action_on)  # fmt: skip
    session.add(row)
    session.flush()
    return _view(row, customer, load_settings(session).currency)


def _view(row: FollowUp, customer: Customer, currency: str, open_minor: int = 0
          ) -> FollowUpView:  # fmt: skip
    return FollowUpView(row.id, row.customer_id, customer.code, customer.name, row.at, row.actor,
                        row.kind, row.note, row.promise_on, row.promise_minor,
                        row.next_action_on, row.done, open_minor, currency=currency)  # fmt: skip


@anyone(READ)
def todays_follow_ups(db: Database, today: date | None = None) -> list[FollowUpView]:
    """Open follow-ups due today or earlier (the oldest first), with each customer's open
    balance net of credit on account (``credit_exposure``, one statement per customer)."""
    today = today or date.today()
    with db.read() as session:
        rows = session.exec(
            select(FollowUp, Customer)
            .join(Customer, Customer.id == FollowUp.customer_id)
            .where(FollowUp.done == False, col(FollowUp.next_action_on).is_not(None),  # noqa: E712
                   col(FollowUp.next_action_on) <= today)
            .order_by(FollowUp.next_action_on, FollowUp.id)
        ).all()  # fmt: skip
        balances = {cid: credit_exposure(session, cid, today).open_invoices_minor
                    for cid in dict.fromkeys(c.id for _f, c in rows)}  # fmt: skip
        currency = load_settings(session).currency
        return [_view(f, c, currency, balances[c.id]) for f, c in rows]


@anyone(READ)
def customer_log(db: Database, customer_id: int, limit: int = 100) -> list[FollowUpView]:
    """A customer's follow-ups, newest first."""
    with db.read() as session:
        customer = session.get(Customer, customer_id)
        if customer is None:
            raise NotFound(N_("no customer with id {id}").format(id=customer_id))
        rows = session.exec(
            select(FollowUp).where(FollowUp.customer_id == customer_id)
            .order_by(col(FollowUp.at).desc(), col(FollowUp.id).desc()).limit(limit)
        ).all()  # fmt: skip
        currency = load_settings(session).currency
        return [_view(r, customer, currency) for r in rows]
