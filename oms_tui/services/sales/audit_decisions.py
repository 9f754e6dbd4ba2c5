"""The reviewer's decisions on an order in audit: approve (one or many), reject, hold, send
back, bump the priority; each through orders.transition, which writes the order event with
who and why."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import col

from ...i18n import N_
from ...models import (
    Customer,
    Order,
    OrderAudit,
    utcnow,
)
from ..fulfilment import allocation
from ..platform.db import Database, retry
from ..platform.errors import InvalidInput, NotFound, OmsError
from ..platform.permissions import anyone, check, requires
from ..platform.settings import get_settings
from ..states.order_states import (
    OPEN_STATUSES,
    OrderStatus,
    check_version,
    move,
    record_event,
    stale_order,
)
from . import orders
from .audit_checks import (
    FAIL,
    WARN,
    CheckResult,
    Priority,
    S,
    _lock_order,
    _priority_of,
    audit_settings,
    check_run,
    run_checks,
    stored_checks,
)

# --------------------------------------------------------------------------------------------
# Decisions
# --------------------------------------------------------------------------------------------


@requires("orders.audit")
def approve(
    db: Database, actor: str, order_id: int, expected_version: int | None = None,
    reason: str = "",
) -> orders.OrderView:  # fmt: skip
    """Approve an order in audit (pending or on hold).

    Uses the stored checks (run now if the order was never checked). Warnings are named in
    the event; a failed check needs ``reason`` (why the reviewer approves anyway) and
    ``orders.override`` (a manager: an auditor holds or rejects such an order).
    Approval hands the order on to allocation at once (its own transaction): the view
    returned shows the status that followed (allocated, backordered, in production). An
    order whose allocation was interrupted stays ``approved`` for ``oms stock allocate``.
    """
    checks = stored_checks(db, order_id) or run_checks(db, order_id)
    fails = [c for c in checks if c.level == FAIL]
    warns = list(dict.fromkeys(c.code for c in checks if c.level == WARN))
    if fails:
        check(db, actor, "orders.override")
    failed = ", ".join(dict.fromkeys(c.code for c in fails))  # the checks' codes
    if fails and not reason.strip():
        raise InvalidInput(N_("checks failed ({checks}); give a reason to approve anyway").format(
            checks=failed), "reason")  # fmt: skip
    text = reason.strip() or N_("approved")
    if fails:
        text = N_("{reason} (approved despite: {checks})").format(reason=text, checks=failed)
    if warns:
        text = N_("{reason} (warnings: {checks})").format(reason=text, checks=", ".join(warns))
    orders.transition(db, actor, order_id, S.APPROVED, text, expected_version)
    allocation.allocate_order(db, actor, order_id)
    return orders.get_order_by_id(db, order_id)


@requires("orders.audit")
def reject(db: Database, actor: str, order_id: int, reason: str,
           expected_version: int | None = None) -> orders.OrderView:  # fmt: skip
    """Reject (reason required); the clerk may correct it back to draft later."""
    return orders.transition(db, actor, order_id, S.REJECTED, reason, expected_version)


@requires("orders.audit")
def hold(
    db: Database, actor: str, order_id: int, reason: str, follow_up: date,
    expected_version: int | None = None, today: date | None = None,
) -> orders.OrderView:  # fmt: skip
    """Put on hold (reason required) until ``follow_up`` (today or later): the order comes
    back into the queue on that date. An order already on hold is held again: its
    follow-up date moves (the customer still has not called back), with the reason."""
    if follow_up < (today or date.today()):
        raise InvalidInput(N_("the follow-up date is in the past"), "follow_up")
    if not reason.strip():
        raise InvalidInput(N_("a reason is required to put an order on hold"), "reason")
    text = N_("{reason} (follow up {date})").format(
        reason=reason.strip(), date=follow_up.isoformat()
    )

    def run() -> None:
        with db.write() as session:
            order = _lock_order(session, order_id)
            check_version(session, order, expected_version)
            if order.status == S.ON_HOLD:  # held again: same status, a new date
                order.updated_at = utcnow()  # the flush bumps the version
                session.add(order)
                record_event(
                    session,
                    order,
                    actor,
                    S.ON_HOLD,
                    N_("held again: {reason}").format(reason=text),
                    S.ON_HOLD,
                )
            else:
                move(session, order, S.ON_HOLD, actor, text)
            record = session.get(OrderAudit, order_id) or OrderAudit(order_id=order_id)
            record.follow_up_on = follow_up
            session.add(record)

    try:
        retry(run)
    except StaleDataError:
        with db.read() as session:
            raise stale_order(session, order_id) from None
    return orders.get_order_by_id(db, order_id)


@requires("orders.audit")
def send_back(db: Database, actor: str, order_id: int, reason: str,
              expected_version: int | None = None) -> orders.OrderView:  # fmt: skip
    """Send back to entry (draft) for correction; reason required."""
    return orders.transition(db, actor, order_id, S.DRAFT, reason, expected_version)


@dataclass(frozen=True)
class BulkApproval:
    """What a bulk approval did; each why a sentence (shown through ``i18n.shown``)."""

    approved: tuple[str, ...]  # order numbers
    skipped: tuple[tuple[str, tuple[str, ...]], ...]  # (number, why: a sentence each)
    warned: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (number, its checks' warnings)


def check_said(c: CheckResult) -> str:
    """A check's result as one sentence: ``stock check warns: line 1 …: backorder: …``."""
    template = (N_("{check} check failed: {reason}") if c.level == FAIL
                else N_("{check} check warns: {reason}"))  # fmt: skip
    return template.format(check=c.code, reason=c.reason)


@requires("orders.audit")
def approve_many(db: Database, actor: str, order_ids: Sequence[int], today: date | None = None
                 ) -> BulkApproval:  # fmt: skip
    """Approve the orders whose checks, run again now, pass; a failed check skips the order,
    and so does a warning of a check the setting ``bulk_approve_blocks`` names (default
    none: the warnings are recorded with the approval and listed). Each order is its own
    transaction; an order changed by someone between its checks and its approval is
    skipped, never overwritten."""
    approved: list[str] = []
    skipped: list[tuple[str, tuple[str, ...]]] = []
    warned: list[tuple[str, tuple[str, ...]]] = []
    blocking = get_settings(db).bulk_blocking_checks
    for order_id in order_ids:
        label = N_("order #{id}").format(id=order_id)
        try:
            with db.read() as session:
                order = session.get(Order, order_id)
                if order is None:
                    raise NotFound(N_("no order with id {id}").format(id=order_id))
                label, status = order.number, order.status
            if status not in (S.PENDING_AUDIT, S.ON_HOLD):
                skipped.append(
                    (
                        label,
                        (
                            N_("not in audit ({status})").format(
                                status=OrderStatus(status).label.lower()
                            ),
                        ),
                    )
                )
                continue
            run = check_run(db, order_id, today)
            bad = [c for c in run.checks
                   if c.level == FAIL or (c.level == WARN and c.code in blocking)]  # fmt: skip
            if bad:
                skipped.append((label, tuple(check_said(c) for c in bad)))
                continue
            warns = tuple(check_said(c) for c in run.checks if c.level == WARN)
            codes = ", ".join(dict.fromkeys(c.code for c in run.checks if c.level == WARN))
            text = (N_("approved in bulk (warnings: {checks})").format(checks=codes) if warns
                    else N_("approved in bulk: all checks pass"))  # fmt: skip
            orders.transition(db, actor, order_id, S.APPROVED, text, run.version)
            approved.append(label)
            if warns:
                warned.append((label, warns))
            try:
                allocation.allocate_order(db, actor, order_id)
            except OmsError:
                pass  # approved; left for the allocation sweep (oms stock allocate)
        except OmsError as exc:
            skipped.append((label, (str(exc),)))
    return BulkApproval(tuple(approved), tuple(skipped), tuple(warned))


@requires("orders.audit")
def bump(db: Database, actor: str, order_id: int, reason: str, today: date | None = None
         ) -> Priority:  # fmt: skip
    """Raise an open order's priority by ``audit_bump_points``; records an order event
    (from and to the current status) with "priority bumped: <reason>"."""
    if not reason.strip():
        raise InvalidInput(N_("a reason is required to bump an order"), "reason")
    with db.write() as session:
        order = _lock_order(session, order_id)
        if order.status not in OPEN_STATUSES:
            raise InvalidInput(N_("order {number} is {status}; only open orders can be bumped"
                                  ).format(number=order.number,
                                           status=OrderStatus(order.status).label.lower()),
                               "order")  # fmt: skip
        w = audit_settings(session)
        record = session.get(OrderAudit, order.id) or OrderAudit(order_id=order.id)
        record.bump_points += w.audit_bump_points
        customer = session.get(Customer, order.customer_id)
        prio = _priority_of(order, customer, record.bump_points, today or date.today(), w)
        record.priority_score, record.priority_reasons = prio.score, prio.text
        session.add(record)
        record_event(session, order, actor, order.status,
                     N_("priority bumped: {reason}").format(reason=reason.strip()),
                     order.status)  # fmt: skip
        session.flush()
        return prio


@anyone("scores the queue again as the date moves on; automatic")  # i18n: no
def refresh_priorities(db: Database, today: date | None = None) -> int:
    """Score again every order in the queue (urgency changes with the date; orders that
    reached audit without these services get their first score). Returns how many."""
    today = today or date.today()
    with db.write() as session:
        w = audit_settings(session)
        rows = session.execute(
            select(Order, Customer, OrderAudit)
            .join(Customer, col(Customer.id) == Order.customer_id)
            .outerjoin(OrderAudit, col(OrderAudit.order_id) == Order.id)
            .where(col(Order.status).in_([S.PENDING_AUDIT, S.ON_HOLD]))
        ).all()
        for order, customer, record in rows:
            record = record or OrderAudit(order_id=order.id)
            prio = _priority_of(order, customer, record.bump_points, today, w)
            record.priority_score, record.priority_reasons = prio.score, prio.text
            session.add(record)
        session.flush()
        return len(rows)
