"""The audit queue as pages (keyset cursor, worst check first, then priority) and the alerts
the home screen shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Date, and_, func, literal, select, tuple_
from sqlmodel import col

from ...models import (
    Customer,
    Order,
    OrderAudit,
    OrderEvent,
    utcnow,
)
from ..platform.db import Database
from ..platform.permissions import anyone
from .audit_checks import NOT_SHIPPED, S, _local_date, audit_settings
from .dashboard import QueueCount, audit_queue_count, in_audit_queue

# --------------------------------------------------------------------------------------------
# Queue and alerts
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueCursor:
    """Where the last page ended: among the held orders (by follow-up date, then id) or
    among those pending audit (by score, highest first, then newest)."""

    score: int
    order_id: int
    held: bool = False
    follow_up_on: date | None = None


@dataclass(frozen=True)
class QueueRow:
    order_id: int
    number: str
    status: str
    version: int
    customer_name: str
    total_minor: int
    currency: str
    requested_date: date | None
    created_at: datetime
    waiting_since: datetime  # when it (last) entered audit
    priority_score: int
    priority_reasons: str
    checks_level: str  # pass | warn | fail | "" (never checked)
    checks_summary: str  # "fail: credit; warn: stock" / "all pass" / "" (never checked)
    follow_up_on: date | None  # held orders: the date the reviewer set to look again
    waiting_too_long: bool  # alert: in audit longer than audit_alert_hours
    due_soon: bool  # alert: requested date within audit_due_soon_days (or past)


@dataclass(frozen=True)
class QueuePage:
    rows: tuple[QueueRow, ...]
    next: QueueCursor | None  # pass as ``after`` for the next page; None: last page


# Held orders without a follow-up date sort first among the held.
_NO_DATE = date(2000, 1, 1)


def _held_due(today: date):  # noqa: ANN202
    """On hold and due again (the queue's rule, ``dashboard.in_audit_queue``)."""
    return and_(Order.status == S.ON_HOLD,
                in_audit_queue(Order.status, col(OrderAudit.follow_up_on), today))  # fmt: skip


@anyone("a read: the audit queue")  # i18n: no
def count(db: Database, today: date | None = None) -> QueueCount:
    """How many orders the queue holds (the home screen shows the same count)."""
    with db.engine.connect() as conn:
        return audit_queue_count(conn, today or _local_date(utcnow()))


def _entered_audit():  # noqa: ANN202
    """When the order last entered audit (its latest event to pending audit)."""
    return (
        select(func.max(OrderEvent.at))
        .where(OrderEvent.order_id == Order.id, OrderEvent.to_status == S.PENDING_AUDIT)
        .correlate(Order)
        .scalar_subquery()
    )


@anyone("a read: the audit queue")  # i18n: no
def queue(
    db: Database, limit: int = 50, after: QueueCursor | None = None, today: date | None = None,
    now: datetime | None = None,
) -> QueuePage:  # fmt: skip
    """Orders waiting for a decision: first those on hold whose follow-up date has come (or
    that have none), earliest follow-up first, so the reviewer picks up what was put off;
    then those pending audit, highest priority first (then newest). Keyset-paged; the
    stored check summary comes along."""
    now = now or utcnow()
    today = today or _local_date(now)
    with db.read() as session:
        w = audit_settings(session)
        score = func.coalesce(OrderAudit.priority_score, 0)
        entered = _entered_audit()
        base = (
            select(
                Order.id,
                Order.number,
                Order.status,
                Order.version,
                Customer.name,
                Order.total_minor,
                Order.currency,
                Order.requested_date,
                Order.created_at,
                func.coalesce(entered, Order.updated_at),
                score,
                OrderAudit.priority_reasons,
                OrderAudit.checks_level,
                OrderAudit.checks_summary,
                OrderAudit.follow_up_on,
            )  # fmt: skip
            .join(Customer, col(Customer.id) == Order.customer_id)
            .outerjoin(OrderAudit, col(OrderAudit.order_id) == Order.id)
        )
        rows: list = []
        if after is None or after.held:
            follow_up = func.coalesce(OrderAudit.follow_up_on, literal(_NO_DATE, Date))
            held = base.where(_held_due(today)).order_by(follow_up, col(Order.id))
            if after is not None:
                mark = literal(after.follow_up_on or _NO_DATE, Date)
                held = held.where(tuple_(follow_up, Order.id) > tuple_(mark, after.order_id))
            rows += session.execute(held.limit(limit + 1)).all()
        if len(rows) <= limit:
            pending = base.where(Order.status == S.PENDING_AUDIT).order_by(
                score.desc(), col(Order.id).desc()
            )
            if after is not None and not after.held:
                pending = pending.where(
                    tuple_(score, Order.id) < tuple_(after.score, after.order_id)
                )
            rows += session.execute(pending.limit(limit + 1 - len(rows))).all()
    cutoff = now - timedelta(hours=w.audit_alert_hours)
    due_by = today + timedelta(days=w.audit_due_soon_days)
    out = tuple(
        QueueRow(
            order_id=r[0],
            number=r[1],
            status=r[2],
            version=r[3],
            customer_name=r[4],
            total_minor=r[5],
            currency=r[6],
            requested_date=r[7],
            created_at=r[8],
            waiting_since=_aware(r[9]),
            priority_score=int(r[10]),
            priority_reasons=r[11] or "",
            checks_level=r[12] or "",
            checks_summary=r[13] or "",
            follow_up_on=r[14],
            waiting_too_long=r[2] == S.PENDING_AUDIT and _aware(r[9]) < cutoff,
            due_soon=r[7] is not None and r[7] <= due_by,
        )  # fmt: skip
        for r in rows[:limit]
    )
    nxt = None
    if len(rows) > limit:
        last = out[-1]
        nxt = QueueCursor(last.priority_score, last.order_id, last.status == S.ON_HOLD,
                          last.follow_up_on)  # fmt: skip
    return QueuePage(out, nxt)


def _aware(value: datetime | str) -> datetime:
    """Timestamps are stored in UTC; an aggregate may come back naive (or as text)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@dataclass(frozen=True)
class AuditAlerts:
    waiting_too_long: int  # pending audit for more than ``alert_hours``
    due_soon_not_shipped: int  # requested date within ``due_soon_days`` (or past), not shipped
    alert_hours: int
    due_soon_days: int


@anyone("a read: the audit queue")  # i18n: no
def alerts(db: Database, now: datetime | None = None) -> AuditAlerts:
    """Counts for the home screen. Drafts are not counted as due (not yet orders to ship)."""
    now = now or utcnow()
    today = _local_date(now)
    with db.read() as session:
        w = audit_settings(session)
        hours = w.audit_alert_hours  # the same row as CompanySettings.audit_alert_hours
        cutoff = now - timedelta(hours=hours)
        entered = _entered_audit()
        waiting = session.execute(
            select(func.count())
            .select_from(Order)
            .where(
                Order.status == S.PENDING_AUDIT,
                func.coalesce(entered, Order.updated_at) < cutoff,
            )
        ).scalar_one()
        due = session.execute(
            select(func.count())
            .select_from(Order)
            .where(
                col(Order.status).in_(sorted(NOT_SHIPPED)),
                col(Order.requested_date).is_not(None),
                col(Order.requested_date) <= today + timedelta(days=w.audit_due_soon_days),
            )
        ).scalar_one()
    return AuditAlerts(int(waiting), int(due), hours, w.audit_due_soon_days)
