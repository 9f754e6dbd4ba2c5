"""Receivables reports: aging by customer, days sales outstanding, collections per period.

All three are computed in SQL (grouped sums), never by walking invoices in Python, and
return plain data in integer minor units; formatting is the caller's (CLI, screen).

**Aging as of a date** ``D`` (aged on the due date). An invoice or credit note counts when
it is not void and was issued on or before ``D``. Its open amount as of ``D`` is its amount
less what payments received on or before ``D`` paid of it (``payment_allocation`` joined to
``payment.received_on``). Days overdue = ``D - due_on``: 0 or less is "not due"; with
limits ``(30, 60, 90, 120)`` the overdue buckets are 1-30, 31-60, 61-90, 91-120 and over
120 days. The buckets hold invoices only.

**Credit on account** (its own column, 0 or negative, never aged): what is still open on
credit notes as of ``D`` (negative amounts: a credit note is not a debt falling due, so it
is not put in the bucket of its own date) plus the over-payments kept on account
(``payment.unapplied_minor`` of the payments received by ``D``, negated; fixed when the
payment is recorded, so the same as of any later date) less what of them was applied to
invoices by ``D``: such an application is a payment of its own, received the day it was
applied, whose ``unapplied_minor`` is minus what it took (``services/receivables.py``), so
it counts from that day on, like its allocations. A payment counts in the report of its
own currency. The customer's **total** is net: the buckets
plus the credit on account, so a customer who over-paid shows a negative total rather than
the gross amount of their invoices; a customer with credit and nothing owed is listed too.

How the query gets there fast: open as of ``D`` = ``amount - paid_minor`` + what payments
received *after* ``D`` paid of it. The first term keeps only the invoices not settled today,
the second only the allocations of later payments, so few rows reach the grouping (taking
the definition literally grouped every invoice issued by ``D``: 10 s against 1.3 s as of
today over 1,000,000 invoices, bench/aging.py, on a loaded machine). It equals the
definition as long as ``invoice.paid_minor`` is the sum of the invoice's payment
allocations, which ``services/receivables.py`` keeps in step:
a credit note applied to an invoice is a zero-amount payment (method ``credit_note``,
received on the credit note's date) with a ``+x`` allocation to the invoice and ``-x`` to
the credit note, so it ages like a payment.

**Collections** count money received: payments of method ``credit_note`` or ``on_account``
(amount 0: a credit note or credit on account applied to invoices) are left out.

**Risk order**: customers are sorted by a risk score, the overdue money weighted by how
late it is: ``sum(k x overdue in bucket k)`` with k = 1 for the first overdue bucket (1-30)
up to 5 for the last (over 120) with the default limits, so 1,000 over 120 days late weighs
as much as 5,000 1-30 days late. Amounts not yet due weigh nothing. Credit on account is
set against the oldest overdue money first: with ``S_k`` the overdue money in bucket k and
older and ``c`` the credit, the score is ``sum over k of max(S_k - c, 0)`` (the same sum
when ``c`` is 0). A customer's **overdue** (``AgingRow.overdue_minor``) is likewise what
is overdue less the credit, not below 0. Ties: the larger total balance first, then the
customer code.

**Bucket limits** are the ``aging_buckets`` setting row (``"30,60,90,120"`` by default):
``get_aging_buckets`` / ``set_aging_buckets``; ``aging(..., buckets=...)`` overrides them for
one report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy import (
    BigInteger,
    Date,
    Integer,
    and_,
    case,
    cast,
    func,
    literal_column,
    or_,
    select,
    union_all,
)

from ...i18n import N_
from ...models import Customer, Invoice, Payment, PaymentAllocation, Setting
from ..platform.db import Database
from ..platform.errors import InvalidInput
from ..platform.permissions import anyone, requires
from ..platform.settings import load_settings, store_setting
from ..states.invoice_states import InvoiceStatus
from .receivables import NOT_CASH_METHODS

READ = "a read of the receivables, taking no acting user"  # i18n: no

if TYPE_CHECKING:
    from sqlmodel import Session

BUCKETS_KEY = "aging_buckets"
DEFAULT_BUCKETS: tuple[int, ...] = (30, 60, 90, 120)
MAX_BUCKETS = 10
PERIODS = ("month", "week", "day")

_inv = Invoice.__table__
_pay = Payment.__table__
_alloc = PaymentAllocation.__table__
_cust = Customer.__table__


# --------------------------------------------------------------------------------------------
# The bucket limits setting
# --------------------------------------------------------------------------------------------


def parse_buckets(value: str | Sequence[int]) -> tuple[int, ...]:
    """``"30,60,90,120"`` or ``(30, 60, 90, 120)`` -> limits; rising whole days above 0."""
    if isinstance(value, str):
        parts = [p.strip() for p in value.replace(" ", ",").split(",") if p.strip()]
        try:
            limits = tuple(int(p) for p in parts)
        except ValueError:
            raise InvalidInput(
                N_("aging buckets '{value}': give rising whole days, e.g. 30,60,90,120").format(
                    value=value
                ),
                "value",
            ) from None
    else:
        limits = tuple(value)
        if any(isinstance(n, bool) or not isinstance(n, int) for n in limits):
            raise InvalidInput(N_("aging buckets must be whole days, e.g. 30,60,90,120"), "value")
    if not limits:
        raise InvalidInput(N_("give at least one aging bucket limit, e.g. 30,60,90,120"),
                           "value")  # fmt: skip
    if len(limits) > MAX_BUCKETS:
        raise InvalidInput(N_("at most {n} aging bucket limits").format(n=MAX_BUCKETS), "value")
    if limits[0] < 1 or any(b <= a for a, b in zip(limits, limits[1:], strict=False)):
        raise InvalidInput(
            N_(
                "aging buckets {limits}: each limit above 0 and above the one before, "
                "e.g. 30,60,90,120"
            ).format(limits=",".join(map(str, limits))),
            "value",
        )
    return limits


def aging_buckets(session: Session) -> tuple[int, ...]:
    raw = session.get(Setting, BUCKETS_KEY)
    if raw is None:
        return DEFAULT_BUCKETS
    try:
        return parse_buckets(raw.value)
    except InvalidInput:
        return DEFAULT_BUCKETS  # a bad row falls back to the default rather than failing


@anyone(READ)
def get_aging_buckets(db: Database) -> tuple[int, ...]:
    with db.read() as session:
        return aging_buckets(session)


@requires("settings.change")
def set_aging_buckets(db: Database, actor: str, value: str | Sequence[int]) -> tuple[int, ...]:
    """Store the overdue bucket limits (days), e.g. ``"30,60,90,120"``."""
    limits = parse_buckets(value)
    with db.write() as session:
        store_setting(session, actor, BUCKETS_KEY, ",".join(map(str, limits)))
    return limits


def bucket_labels(limits: Sequence[int]) -> tuple[str, ...]:
    """``(30, 60)`` -> ``("not due", "1-30", "31-60", "over 60")``."""
    labels = [N_("not due")]
    low = 1
    for high in limits:
        labels.append(f"{low}-{high}")
        low = high + 1
    labels.append(N_("over {days}").format(days=limits[-1]))
    return tuple(labels)


# --------------------------------------------------------------------------------------------
# Aging
# --------------------------------------------------------------------------------------------


class AgingRow(NamedTuple):  # a named tuple: tens of thousands are built per report
    customer_id: int
    code: str
    name: str
    amounts: tuple[int, ...]  # open invoices per bucket: not due, then each overdue bucket
    total_minor: int  # net: the buckets plus the credit on account
    risk: int  # overdue money weighted by bucket, less the credit (see the module docstring)
    on_account_minor: int = 0  # unapplied credit notes and over-payments (0 or negative)

    @property
    def not_due_minor(self) -> int:
        return self.amounts[0]

    @property
    def overdue_minor(self) -> int:
        """What is overdue less the credit on account, not below 0."""
        return max(sum(self.amounts[1:]) + self.on_account_minor, 0)


@dataclass(frozen=True)
class AgingReport:
    as_of: date
    currency: str
    limits: tuple[int, ...]
    labels: tuple[str, ...]  # one per amount: "not due", "1-30", ..., "over 120"
    rows: tuple[AgingRow, ...]  # riskiest first
    totals: tuple[int, ...]  # per bucket, over all customers
    total_minor: int  # net: every open invoice, credit note and over-payment on account
    on_account_minor: int = 0  # the credit on account, over all customers


def _open_rows(as_of: date, currency: str, payments: bool = True):  # noqa: ANN202
    """(customer_id, due_on, amt, credit) rows whose sum per invoice is its open amount on
    as_of: ``amount - paid_minor`` of the invoices not settled today, plus what payments
    received after as_of paid of them (see the module docstring); ``credit`` is 1 for
    credit notes' rows and, with ``payments``, for the over-payments on account and the
    applications of them (their ``due_on`` is the day received, unused: credit is not
    aged), else 0."""
    counted = (
        _inv.c.status != InvoiceStatus.VOID,
        _inv.c.issued_on <= as_of,
        _inv.c.currency == currency,
    )
    # credit notes are the negative ones: amount_minor is in ix_invoice_unsettled, kind is not
    credit = case((_inv.c.amount_minor < 0, _int(1)), else_=_int(0)).label("credit")
    unsettled = select(
        _inv.c.customer_id,
        _inv.c.due_on,
        (_inv.c.amount_minor - _inv.c.paid_minor).label("amt"),
        credit,
    ).where(*counted, _inv.c.amount_minor != _inv.c.paid_minor)
    # "payment_id IN (payments received after as_of)" rather than a join: SQLite then reads
    # those payments' allocations by index instead of every invoice's allocations
    later_payments = select(_pay.c.id).where(_pay.c.received_on > as_of)
    paid_later = (
        select(_inv.c.customer_id, _inv.c.due_on, _alloc.c.amount_minor.label("amt"), credit)
        .select_from(_alloc.join(_inv, _inv.c.id == _alloc.c.invoice_id))
        .where(_alloc.c.payment_id.in_(later_payments), *counted)
    )
    parts = [unsettled, paid_later]
    if payments:
        parts.append(
            select(
                _pay.c.customer_id,
                _pay.c.received_on.label("due_on"),
                (-_pay.c.unapplied_minor).label("amt"),
                _int(1).label("credit"),
            ).where(
                _pay.c.received_on <= as_of,
                _pay.c.unapplied_minor != 0,
                _pay.c.currency == currency,
            )
        )
    return union_all(*parts).subquery("open_rows")


def _currency(session: Session, currency: str | None) -> tuple[str, bool]:
    """The report's currency, and whether its payments count (they do: each counts in the
    report of its own currency)."""
    return (currency or load_settings(session).currency).upper(), True


def _int(n: int):  # noqa: ANN202
    """A whole number written into the SQL: SQLite then sees equal expressions as equal
    (and folds constants), where bound parameters would each count as different."""
    return literal_column(str(int(n)), Integer)


def aging_query(  # noqa: ANN201
    as_of: date, limits: Sequence[int], currency: str, payments: bool = True
):
    """The aging report's one statement: customer id, code, name, one sum per bucket (not
    due first), total, risk, credit on account; riskiest first. ``payments``: count the
    over-payments on account (the company currency's report). (``bench/aging.py`` shows
    its query plan.)"""
    u = _open_rows(as_of, currency, payments)
    # bucket k (1..n) holds what fell due on or after edges[k] and before edges[k - 1]
    edges = [as_of, *(as_of - timedelta(days=n) for n in limits)]
    zero = _int(0)
    debt = u.c.credit == zero

    def summed(cond):  # noqa: ANN001, ANN202
        # the sum of a 64-bit column is NUMERIC on PostgreSQL (a Decimal): back to BIGINT
        total = cast(func.sum(case((cond, u.c.amt), else_=zero)), BigInteger)
        return func.coalesce(total, zero)

    sums = [summed(and_(debt, u.c.due_on >= as_of))]
    for k in range(1, len(edges)):
        sums.append(summed(and_(debt, u.c.due_on < edges[k - 1], u.c.due_on >= edges[k])))
    sums.append(summed(and_(debt, u.c.due_on < edges[-1])))
    sums.append(summed(u.c.credit != zero))  # the credit on account, last
    agg = (
        select(u.c.customer_id, *(s.label(f"b{k}") for k, s in enumerate(sums)))
        .group_by(u.c.customer_id)
        .subquery("agg")
    )
    *cols, on_account = [agg.c[f"b{k}"] for k in range(len(sums))]
    # sum over k of max(S_k + on_account, 0), S_k = overdue in bucket k and older
    risk = zero
    for k in range(1, len(cols)):
        left = sum(cols[k + 1 :], start=cols[k]) + on_account
        risk = risk + case((left > zero, left), else_=zero)
    total = sum(cols[1:], start=cols[0]) + on_account
    return (
        select(
            _cust.c.id,
            _cust.c.code,
            _cust.c.name,
            *cols,
            total.label("total"),
            risk.label("risk"),
            on_account.label("on_account"),
        )
        .select_from(agg.join(_cust, _cust.c.id == agg.c.customer_id))
        # settled customers (every bucket and the credit 0) left out
        .where(or_(*(c != zero for c in (*cols, on_account))))
        .order_by(risk.desc(), total.desc(), _cust.c.code)
    )


@anyone(READ)
def aging(
    db: Database,
    as_of: date,
    buckets: Sequence[int] | str | None = None,
    currency: str | None = None,
) -> AgingReport:
    """Open receivables per customer as of ``as_of``, by days past due; riskiest first.

    ``buckets``: overdue limits in days (default: the ``aging_buckets`` setting).
    ``currency``: invoices in this currency only (default: the company currency).
    """
    with db.read() as session:
        limits = aging_buckets(session) if buckets is None else parse_buckets(buckets)
        cur, payments = _currency(session, currency)
        query = aging_query(as_of, limits, cur, payments)
        n = len(limits) + 2
        rows = tuple(
            AgingRow(r[0], r[1], r[2], tuple(r[3 : 3 + n]), r[3 + n], r[4 + n], r[5 + n])
            for r in session.execute(query).all()
        )
    totals = tuple(sum(r.amounts[k] for r in rows) for k in range(n))
    on_account = sum(r.on_account_minor for r in rows)
    return AgingReport(as_of, cur, limits, bucket_labels(limits), rows, totals,
                       sum(totals) + on_account, on_account)  # fmt: skip


@anyone(READ)
def receivables_total(db: Database, as_of: date, currency: str | None = None) -> int:
    """All open receivables on ``as_of``, net of the credit on account (the aging report's
    grand total), one SQL sum."""
    with db.read() as session:
        u = _open_rows(as_of, *_currency(session, currency))
        return int(session.execute(select(func.coalesce(func.sum(u.c.amt), 0))).scalar_one())


# --------------------------------------------------------------------------------------------
# Days sales outstanding
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dso:
    as_of: date
    days: int
    currency: str
    receivables_minor: int  # open on as_of (credit notes and over-payments netted)
    sales_minor: int  # invoiced, less credit notes, in the ``days`` days ending on as_of
    dso: Decimal | None  # receivables / sales x days, 1 decimal; None without sales


@anyone(READ)
def dso(db: Database, as_of: date, days: int = 90, currency: str | None = None) -> Dso:
    """Days sales outstanding = open receivables on ``as_of`` / sales invoiced over the
    ``days`` days ending on ``as_of`` (issued after ``as_of - days``, up to and including
    ``as_of``; credit notes count as negative sales, void invoices not at all) x ``days``."""
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise InvalidInput(N_("days must be a whole number, 1 or more"), "days")
    with db.read() as session:
        cur, payments = _currency(session, currency)
        u = _open_rows(as_of, cur, payments)
        receivables = int(session.execute(select(func.coalesce(func.sum(u.c.amt), 0))).scalar_one())
        sales = int(
            session.execute(
                select(func.coalesce(func.sum(_inv.c.amount_minor), 0)).where(
                    _inv.c.status != InvoiceStatus.VOID,
                    _inv.c.currency == cur,
                    _inv.c.issued_on > as_of - timedelta(days=days),
                    _inv.c.issued_on <= as_of,
                )
            ).scalar_one()
        )
    value = None
    if sales > 0:
        value = (Decimal(receivables) * days / Decimal(sales)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )
    return Dso(as_of, days, cur, receivables, sales, value)


# --------------------------------------------------------------------------------------------
# Collections
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CollectionRow:
    period: date  # first day of the month, Monday of the (ISO) week, or the day
    payments: int
    amount_minor: int


@dataclass(frozen=True)
class Collections:
    start: date
    end: date
    by: str
    rows: tuple[CollectionRow, ...]  # every period from start to end, empty ones included
    payments: int
    amount_minor: int
    currency: str = field(kw_only=True)  # ISO 4217: the company currency, the payments counted


def period_start(day: date, by: str) -> date:
    if by == "month":
        return day.replace(day=1)
    if by == "week":
        return day - timedelta(days=day.weekday())
    return day


def _next_period(start: date, by: str) -> date:
    if by == "month":
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start + timedelta(days=7 if by == "week" else 1)


def _period_sql(dialect: str, by: str):  # noqa: ANN202
    col = _pay.c.received_on
    if by == "day":
        return col
    if dialect == "sqlite":  # dates are ISO text
        if by == "month":
            return func.strftime("%Y-%m-01", col)
        # the Sunday on or after, less 6 days
        return func.date(col, "weekday 0", "-6 days")  # i18n: no
    return cast(func.date_trunc(by, col), Date)


@anyone(READ)
def collections(db: Database, start: date, end: date, by: str = "month") -> Collections:
    """Payments received per period between ``start`` and ``end`` (both included), grouped
    in SQL; every period in the range is listed, those without payments as 0. Payments in
    the company currency (those in another are not added to them)."""
    if by not in PERIODS:
        raise InvalidInput(N_("by must be one of {periods}, not '{by}'")
                           .format(periods=", ".join(PERIODS), by=by), "by")  # fmt: skip
    if end < start:
        raise InvalidInput(N_("the period ends ({end}) before it starts ({start})")
                           .format(end=end, start=start), "end")  # fmt: skip
    period = _period_sql(db.dialect, by).label("period")
    with db.read() as session:
        company = load_settings(session).currency
        query = (
            select(period, func.count(), func.coalesce(func.sum(_pay.c.amount_minor), 0))
            .where(
                _pay.c.received_on >= start,
                _pay.c.received_on <= end,
                _pay.c.method.not_in(NOT_CASH_METHODS),
                _pay.c.currency == company.upper(),
            )
            .group_by(period)
        )
        found: dict[date, tuple[int, int]] = {}
        for p, n, amount in session.execute(query):
            key = date.fromisoformat(p) if isinstance(p, str) else p
            if hasattr(key, "date"):  # a datetime from date_trunc on some drivers
                key = key.date()
            found[key] = (int(n), int(amount))
    rows = []
    current = period_start(start, by)
    while current <= end:
        n, amount = found.pop(current, (0, 0))
        rows.append(CollectionRow(current, n, amount))
        current = _next_period(current, by)
    return Collections(start, end, by, tuple(rows), sum(r.payments for r in rows),
                       sum(r.amount_minor for r in rows), currency=company)  # fmt: skip
