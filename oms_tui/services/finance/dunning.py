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
releases it, automatically, as the rule's release, not the payer's
(``receivables.record_payment``); a manager can release it earlier with a reason
(``release_credit_hold``, ``credit.release``). A customer with nothing overdue (net)
starts again from 0.

A customer with a promise to pay standing (``promises_standing``: recorded by the day the
run is as of, for a day not past yet) is not escalated; once the day has passed with
something still overdue, the next run takes the step due. A run is numbered
(``DR-2026-000001``), and its letters are saved with its steps, in one transaction
(``run_dunning``); ``reprint`` prints a run's or a customer's letters again.

Dunning counts in the company currency, as the credit exposure does (no exchange rates):
invoices, payments and credit in another currency are neither dunned nor on its letters.

Letters and statements (``AccountPaper``) list the open invoices, then the credit on
account as a line of its own, and the balance and overdue net of it: the balance is
``credit_exposure``'s open invoices less credit on account, the overdue its overdue.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, col, select

from ...i18n import N_
from ...models import (
    Customer,
    CustomerAddress,
    DunningLetter,
    FollowUp,
    Invoice,
    Order,
    Payment,
)
from ..parties.customers import address_text, set_credit_hold_in
from ..parties.language import document_language
from ..platform import printing
from ..platform.db import Database
from ..platform.errors import InvalidInput, NotFound
from ..platform.numbering import take_number
from ..platform.permissions import anyone, requires
from ..platform.settings import load_settings
from ..states.invoice_states import InvoiceStatus
from .overdue import (
    dunning_days,
    level_for,
    overdue_after_credit,
)
from .receivables import credit_exposure

READ = "a read of the receivables, taking no acting user"  # i18n: no

# each step's name, in English as services speak (shown through i18n.shown; a letter
# prints its title in the customer's language, reports/account_letter.py)
LEVELS = {1: N_("Reminder"), 2: N_("Second notice"), 3: N_("Final notice"),
          4: N_("Credit hold")}  # fmt: skip
RUN_PREFIX = "DR"


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


@dataclass(frozen=True)
class DunningRun:
    """What a run did: its number (the name of its letters' PDF), the steps it took, the
    PDF saved with them ("" when no step was due), the customers a promise to pay held."""

    number: str
    as_of: date
    steps: tuple[DunningStep, ...]
    path: str = ""
    promised: tuple[str, ...] = ()  # names of the customers not escalated: promised to pay


# the letters' PDF from their papers: the caller's (reports.account_letter), since services
# do not import reports
Render = Callable[[Sequence["AccountPaper"]], bytes]


@requires("dunning.run")
def run_dunning(db: Database, actor: str, as_of: date | None = None, today: date | None = None,
                *, render: Render, out: str | Path | None = None, overwrite: bool = False
                ) -> DunningRun:  # fmt: skip
    """Take the dunning step every customer has reached (see the module docstring), and
    save their letters, in one transaction.

    ``as_of``: the day to count days overdue to (default ``today``). ``today``: the
    caller's date (the app's clock; default the system date): an ``as_of`` after it is
    refused, since letters and credit holds would go out before they are due.

    The run takes a number (``DR-2026-000001``) first: the number's row lock makes a
    second run wait until the first has committed, so two runs never step one customer.
    The letters are rendered (``render``) and saved (``printing.save``: in the documents
    folder as ``dunning-DR-...pdf``, or ``out``) before the steps commit: a render or a
    save that fails leaves no step taken, and a process killed before the commit leaves
    none either (at most a file the next run's number writes over). Printing comes after,
    from the saved file; ``reprint`` prints a run's or a customer's letters again."""
    today = today or date.today()
    as_of = as_of or today
    if as_of > today:
        raise InvalidInput(N_("dunning runs as of {today} or an earlier day, not {as_of}")
                           .format(today=today, as_of=as_of), "as_of")  # fmt: skip
    with db.write() as session:
        number = take_number(session, RUN_PREFIX, as_of.year)
        currency = load_settings(session).currency
        thresholds = dunning_days(session)
        overdue = overdue_after_credit(session, as_of)
        # The customers it may write, locked by id (no key update: orders and payments
        # referring to them go on) and read afresh, then what they owe read again under
        # the locks: a payment saved meanwhile counts.
        customers = session.exec(
            select(Customer).where(col(Customer.id).in_(overdue) | (Customer.dunning_level > 0))
            .order_by(Customer.id).with_for_update(key_share=True)
            .execution_options(populate_existing=True)
        ).all()  # fmt: skip
        ids = [c.id for c in customers]
        overdue = overdue_after_credit(session, as_of, ids)
        promised = promises_standing(session, as_of, ids)
        steps: list[DunningStep] = []
        held: list[str] = []
        papers: list[AccountPaper] = []
        for customer in customers:
            if customer.id not in overdue:
                customer.dunning_level = 0  # clean again (paid, or covered by credit)
                session.add(customer)
                continue
            days, total = overdue[customer.id]
            level = level_for(days, thresholds)
            if level <= customer.dunning_level:
                continue
            if customer.id in promised:
                held.append(customer.name)  # not escalated until the promise is broken
                continue
            letter = DunningLetter(customer_id=customer.id, level=level, issued_on=as_of,
                                   days_overdue=days, overdue_minor=total, actor=actor,
                                   run=number)  # fmt: skip
            session.add(letter)
            customer.dunning_level = level
            note = N_("{step}: {days} days overdue ({run})").format(
                step=LEVELS[level], days=days, run=number
            )
            if level == 4 and not customer.credit_hold:
                set_credit_hold_in(
                    session,
                    actor,
                    customer,
                    True,
                    N_("overdue {days} days: credit hold by dunning ({as_of})").format(
                        days=days, as_of=as_of
                    ),
                )
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
            papers.append(_paper(session, customer, as_of, LEVELS[level], level, 30))
        path = str(printing.save(render(papers), run_name(number), out, overwrite=overwrite)
                   ) if papers else ""  # fmt: skip
        return DunningRun(number, as_of, tuple(steps), path, tuple(held))


def promises_standing(session: Session, as_of: date, customer_ids: Sequence[int]) -> set[int]:
    """The customers with a promise to pay not broken on ``as_of``: made by then, for a
    day not past yet (``promise_on`` on or after ``as_of``). A later follow-up closes the
    promise as a task (``done``), not as a promise: it stands until its day has passed."""
    if not customer_ids:
        return set()
    made_by = (datetime.combine(as_of + timedelta(days=1), time(), UTC)
               if as_of < date.max else None)  # fmt: skip
    stmt = select(FollowUp.customer_id).where(
        FollowUp.kind == "promise", col(FollowUp.customer_id).in_(customer_ids),
        col(FollowUp.promise_on).is_not(None), col(FollowUp.promise_on) >= as_of,
    )  # fmt: skip
    if made_by is not None:
        stmt = stmt.where(FollowUp.at < made_by)
    return set(session.exec(stmt).all())


def run_name(number: str) -> str:
    """The file name a run's letters are saved under."""
    return f"dunning-{number}"


@requires("credit.release")
def release_credit_hold(db: Database, actor: str, customer_id: int, reason: str) -> None:
    """A manager lets a customer on credit hold order on credit again (``credit.release``);
    the reason is kept on the customer and in their follow-up log."""
    if not reason.strip():
        raise InvalidInput(N_("a reason is required to release a credit hold"), "reason")
    with db.write() as session:
        customer = session.get(Customer, customer_id)
        if customer is None:
            raise NotFound(N_("no customer with id {id}").format(id=customer_id))
        if not customer.credit_hold:
            raise InvalidInput(
                N_("{customer} is not on credit hold").format(customer=customer.name), "customer"
            )
        set_credit_hold_in(
            session,
            actor,
            customer,
            False,
            N_("released by {user}: {reason}").format(user=actor, reason=reason.strip()),
        )
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
    language: str = ""  # the letter's language: the customer's (parties/language.py)

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
    settings = load_settings(session)
    company = settings.currency.upper()
    rows = session.execute(
        select(Invoice, Order.number).outerjoin(Order, Order.id == Invoice.order_id)
        .where(Invoice.customer_id == customer.id, Invoice.status == InvoiceStatus.OPEN,
               Invoice.kind == "invoice", Invoice.currency == company)
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
                              Payment.currency == company,
                              Payment.received_on >= as_of - timedelta(days=payments_days))
        .order_by(Payment.received_on, Payment.id)
    ).all()  # fmt: skip
    return AccountPaper(
        title, as_of, customer.code, customer.name, address_text(address) if address else "",
        address.phone if address else "", items,
        tuple(PaymentItem(p.number, p.received_on, p.method, p.amount_minor) for p in pays),
        level, on_account, document_language(customer.language, settings.language),
    )  # fmt: skip


@anyone(READ)
def letter(db: Database, letter_id: int) -> AccountPaper:
    with db.read() as session:
        row = session.get(DunningLetter, letter_id)
        if row is None:
            raise NotFound(N_("no dunning letter {id}").format(id=letter_id))
        return _letter_paper(session, row)


def _letter_paper(session: Session, row: DunningLetter) -> AccountPaper:
    customer = session.get(Customer, row.customer_id)
    return _paper(session, customer, row.issued_on, LEVELS[row.level], row.level, 30)


@dataclass(frozen=True)
class Reprint:
    name: str  # the file name: the run's, or the run's and the customer's code
    path: str  # where the PDF was saved again
    letters: int


@anyone("a copy of letters already sent")  # i18n: no
def reprint(db: Database, key: str, *, render: Render, out: str | Path | None = None,
            overwrite: bool = False) -> Reprint:  # fmt: skip
    """The letters of a run (``key`` its number, DR-2026-000001) or a customer's last
    letter (``key`` the customer's code), rendered again as of the day they were issued
    (what is still open then: an invoice paid since is not on it) and saved again, under
    the run's name (replacing its file) or the run's and the customer's; printed after by
    the caller, as a run's are."""
    key = key.strip().upper()
    with db.read() as session:
        rows = session.exec(select(DunningLetter).where(DunningLetter.run == key)
                            .order_by(DunningLetter.id)).all()  # fmt: skip
        name = run_name(key)
        if not rows:
            customer = session.exec(select(Customer).where(func.upper(Customer.code) == key)
                                    ).first()  # fmt: skip
            if customer is None:
                raise NotFound(N_("no dunning run or customer '{key}'").format(key=key))
            rows = session.exec(select(DunningLetter).where(DunningLetter.customer_id ==
                                customer.id).order_by(col(DunningLetter.id).desc())
                                .limit(1)).all()  # fmt: skip
            if not rows:
                raise NotFound(
                    N_("{customer} ({code}) has had no dunning letter").format(
                        customer=customer.name, code=customer.code
                    )
                )
            name = f"{run_name(rows[0].run or rows[0].issued_on.isoformat())}-{customer.code}"
        papers = [_letter_paper(session, r) for r in rows]
    saved = printing.save(render(papers), name, out, overwrite=overwrite)
    return Reprint(name, str(saved), len(papers))


@requires("finance.view")
def statement(db: Database, actor: str, customer_id: int, as_of: date | None = None,
              payments_days: int = 90) -> AccountPaper:  # fmt: skip
    """Statement of account: every open invoice, the credit on account, the balance net of
    it, and the payments of the last days (a customer's account: finance's to see)."""
    with db.read() as session:
        customer = session.get(Customer, customer_id)
        if customer is None:
            raise NotFound(N_("no customer with id {id}").format(id=customer_id))
        return _paper(session, customer, as_of or date.today(), N_("Statement of account"),
                      0, payments_days)  # fmt: skip
