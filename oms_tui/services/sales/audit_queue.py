"""The audit queue as pages (keyset cursor, worst check first, then priority) and the alerts
the home screen shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import and_, func, or_, select, tuple_
from sqlmodel import col

from ...models import (
    Customer,
    Order,
    OrderAudit,
    OrderEvent,
    utcnow,
)
from ..platform.db import Database
from .audit_checks import NOT_SHIPPED, S, _local_date, audit_settings

# --------------------------------------------------------------------------------------------
# Queue and alerts
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueCursor:
    score: int
    order_id: int


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
    follow_up_on: date | None
    waiting_too_long: bool  # alert: in audit longer than audit_alert_hours
    due_soon: bool  # alert: requested date within audit_due_soon_days (or past)


@dataclass(frozen=True)
class QueuePage:
    rows: tuple[QueueRow, ...]
    next: QueueCursor | None  # pass as ``after`` for the next page; None: last page


def _entered_audit():  # noqa: ANN202
    """When the order last entered audit (its latest event to pending audit)."""
    return (
        select(func.max(OrderEvent.at))
        .where(OrderEvent.order_id == Order.id, OrderEvent.to_status == S.PENDING_AUDIT)
        .correlate(Order)
        .scalar_subquery()
    )


def queue(
    db: Database, limit: int = 50, after: QueueCursor | None = None, today: date | None = None,
    now: datetime | None = None,
) -> QueuePage:  # fmt: skip
    """Orders waiting for a decision, highest priority first (then newest): pending audit,
    and on hold whose follow-up date has come (or that has none). Keyset-paged on
    (score desc, id desc); the stored check summary comes along."""
    now = now or utcnow()
    today = today or _local_date(now)
    with db.read() as session:
        w = audit_settings(session)
        score = func.coalesce(OrderAudit.priority_score, 0)
        entered = _entered_audit()
        stmt = (
            select(
                Order.id, Order.number, Order.status, Order.version, Customer.name,
                Order.total_minor, Order.currency, Order.requested_date, Order.created_at,
                func.coalesce(entered, Order.updated_at), score,
                OrderAudit.priority_reasons, OrderAudit.checks_level, OrderAudit.checks_summary,
                OrderAudit.follow_up_on,
            )  # fmt: skip
            .join(Customer, col(Customer.id) == Order.customer_id)
            .outerjoin(OrderAudit, col(OrderAudit.order_id) == Order.id)
            .where(
                or_(
                    Order.status == S.PENDING_AUDIT,
                    and_(
                        Order.status == S.ON_HOLD,
                        or_(
                            col(OrderAudit.follow_up_on).is_(None),
                            col(OrderAudit.follow_up_on) <= today,
                        ),
                    ),
                )
            )
            .order_by(score.desc(), col(Order.id).desc())
            .limit(limit + 1)
        )  # fmt: skip
        if after is not None:
            stmt = stmt.where(tuple_(score, Order.id) < tuple_(after.score, after.order_id))
        rows = session.execute(stmt).all()
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
    nxt = QueueCursor(out[-1].priority_score, out[-1].order_id) if len(rows) > limit else None
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
