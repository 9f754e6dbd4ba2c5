"""One customer's, product's or order's history, newest first, a page at a time: what the
change log holds of it and, for an order, its own events (each status change and decision,
``order_event``) merged with them by time, so the clerk reads one history. What the
history screen (``screens/change_history.py``, F11 / Ctrl+E) pages through."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_, true
from sqlmodel import Session, col, select

from ...models import ChangeLog, Order, OrderEvent
from ..platform.db import Database
from ..platform.permissions import anyone

CHANGE, EVENT = 0, 1  # where a row comes from; at one instant an order's event comes first
STATUS = "status"  # the field of an order's event: before and after are order statuses


@dataclass(frozen=True)
class HistoryRow:
    at: datetime
    actor: str
    field: str  # the change log's field, or STATUS for an order's event
    before: str
    after: str
    reason: str
    source: int  # CHANGE or EVENT
    id: int  # the row's id in its table (with ``at`` and ``source``: the page's cursor)


@anyone(
    "a read: every role sees customers, products and orders (the .view permissions)"  # i18n: no
)
def history_page(db: Database, entity: str, key: str, before: HistoryRow | None = None,
                 limit: int = 50) -> list[HistoryRow]:  # fmt: skip
    """The history of ``entity`` ``key`` (``customer`` + code, ``product`` + code, ``order``
    + number ...), newest first; ``before`` is the last row of the page before (keyset)."""
    with db.read() as session:
        rows = _changes(session, entity, key, before, limit)
        if entity == "order":
            rows += _events(session, key, before, limit)
    rows.sort(key=lambda r: (r.at, r.source, r.id), reverse=True)
    return rows[:limit]


def _after(at_col, id_col, source: int, before: HistoryRow | None) -> ColumnElement[bool]:  # noqa: ANN001
    """Rows of ``source`` that come after ``before`` in (time, source, id) descending."""
    if before is None:
        return true()
    if source < before.source:
        return at_col <= before.at
    if source > before.source:
        return at_col < before.at
    return or_(at_col < before.at, and_(at_col == before.at, id_col < before.id))


def _changes(session: Session, entity: str, key: str, before: HistoryRow | None,
             limit: int) -> list[HistoryRow]:  # fmt: skip
    c = ChangeLog
    stmt = (select(c.at, c.actor, c.field, c.before, c.after, c.reason, c.id)
            .where(c.entity == entity, c.entity_key == key,
                   _after(col(c.at), col(c.id), CHANGE, before))
            .order_by(col(c.at).desc(), col(c.id).desc()).limit(limit))  # fmt: skip
    return [HistoryRow(at, actor, field, old, new, reason, CHANGE, rid)
            for at, actor, field, old, new, reason, rid in session.exec(stmt).all()]  # fmt: skip


def _events(session: Session, number: str, before: HistoryRow | None, limit: int
            ) -> list[HistoryRow]:  # fmt: skip
    e = OrderEvent
    stmt = (select(e.at, e.actor, e.from_status, e.to_status, e.reason, e.id)
            .join(Order, col(Order.id) == e.order_id)
            .where(Order.number == number, _after(col(e.at), col(e.id), EVENT, before))
            .order_by(col(e.at).desc(), col(e.id).desc()).limit(limit))  # fmt: skip
    return [HistoryRow(at, actor, STATUS, old or "", new, reason, EVENT, rid)
            for at, actor, old, new, reason, rid in session.exec(stmt).all()]  # fmt: skip
