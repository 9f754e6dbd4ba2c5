"""Who has an order open for editing ("open by wang since 10:02").

Advisory: opening never fails because someone else has the order open; it tells you who.
What stops a silent overwrite is the order's version (``orders.transition(...,
expected_version=...)`` raises ``StaleData``; the ORM's ``version_id_col`` refuses an
UPDATE of a version someone else already saved). A row older than
``order_lock_stale_minutes`` (a setting, default 30) without being refreshed is ignored and
cleared: an editor that crashed does not block the message forever. Calling
``open_for_edit`` again refreshes the row and keeps its ``since``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlmodel import Session, col

from ...i18n import N_
from ...models import Order, OrderLock, Setting, utcnow
from ..platform.db import Database
from ..platform.errors import InvalidInput, NotFound
from ..platform.permissions import anyone, requires

STALE_MINUTES_KEY = "order_lock_stale_minutes"
DEFAULT_STALE_MINUTES = 30


@dataclass(frozen=True)
class Holder:
    user: str
    since: datetime  # UTC

    @property
    def text(self) -> str:
        """``open by wang since 10:02`` (local time)."""
        return N_("open by {user} since {time}").format(
            user=self.user, time=f"{self.since.astimezone():%H:%M}"
        )


@dataclass(frozen=True)
class EditSession:
    order_id: int
    user: str
    since: datetime
    others: tuple[Holder, ...]  # everyone else with it open, earliest first

    @property
    def warning(self) -> str:
        """What to show the editor ("" when nobody else has it open)."""
        return "; ".join(h.text for h in self.others)


def stale_minutes(session: Session) -> int:
    raw = session.execute(select(Setting.value).where(Setting.key == STALE_MINUTES_KEY)).scalar()
    try:
        return max(1, int(raw)) if raw is not None else DEFAULT_STALE_MINUTES
    except ValueError:
        return DEFAULT_STALE_MINUTES


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)


@requires("orders.view")
def open_for_edit(db: Database, actor: str, order_id: int, now: datetime | None = None
                  ) -> EditSession:  # fmt: skip
    """Record that ``actor`` has the order open (or refresh it); return who else has."""
    actor = actor.strip()
    if not actor:
        raise InvalidInput(N_("who is editing? (no user name)"), "user")
    now = now or utcnow()
    with db.write() as session:
        if session.get(Order, order_id) is None:
            raise NotFound(N_("no order with id {id}").format(id=order_id))
        cutoff = now - timedelta(minutes=stale_minutes(session))
        session.execute(
            delete(OrderLock).where(OrderLock.order_id == order_id, col(OrderLock.seen_at) < cutoff)
        )
        mine = session.execute(
            select(OrderLock).where(OrderLock.order_id == order_id, OrderLock.user == actor)
        ).scalar_one_or_none()
        if mine is None:
            mine = OrderLock(order_id=order_id, user=actor, opened_at=now, seen_at=now)
        else:
            mine.seen_at = now
        session.add(mine)
        session.flush()
        others = session.execute(
            select(OrderLock.user, OrderLock.opened_at)
            .where(OrderLock.order_id == order_id, OrderLock.user != actor)
            .order_by(col(OrderLock.opened_at), col(OrderLock.id))
        ).all()
        return EditSession(order_id, actor, _aware(mine.opened_at),
                           tuple(Holder(u, _aware(at)) for u, at in others))  # fmt: skip


@anyone("a read: who has an order open")  # i18n: no
def holders(db: Database, order_id: int, now: datetime | None = None) -> tuple[Holder, ...]:
    """Who has the order open now (stale rows left out), without recording anything."""
    now = now or utcnow()
    with db.read() as session:
        cutoff = now - timedelta(minutes=stale_minutes(session))
        rows = session.execute(
            select(OrderLock.user, OrderLock.opened_at)
            .where(OrderLock.order_id == order_id, col(OrderLock.seen_at) >= cutoff)
            .order_by(col(OrderLock.opened_at), col(OrderLock.id))
        ).all()
        return tuple(Holder(u, _aware(at)) for u, at in rows)


@requires("orders.view")
def release(db: Database, actor: str, order_id: int) -> bool:
    """The user closed the order; returns whether they had it open."""
    with db.write() as session:
        result = session.execute(
            delete(OrderLock).where(OrderLock.order_id == order_id, OrderLock.user == actor.strip())
        )
        return bool(result.rowcount)
