"""The change log: who changed which piece of master data, from what to what, and why.

Orders, stock moves, payments and follow-ups keep their own events; settings, customers
(created, addresses, invoicing data, credit holds), products' reorder points and
warehouses' allocation ranks are written here (``record_change``, ``record_changes`` for
many rows at once), by the services that change them, in the same transaction.
Append-only: nothing updates or deletes a row. ``oms audit log`` reads it (``change_log``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import insert
from sqlmodel import Session, col, select

from ...i18n import N_
from ...models import ChangeLog, utcnow
from .db import Database
from .errors import InvalidInput
from .permissions import anyone

ENTITIES = ("setting", "customer", "product", "warehouse", "user")
CREATED = "created"  # the field of the row that says an entity was made (before: "")


@dataclass(frozen=True)
class Change:
    at: datetime
    actor: str
    entity: str
    entity_key: str
    field: str
    before: str
    after: str
    reason: str


def record_change(session: Session, actor: str, entity: str, key: str, field: str,
                  before: object, after: object, reason: str = "") -> None:  # fmt: skip
    """One field of one entity changed (nothing is written when it did not change)."""
    old, new = _text(before), _text(after)
    if old != new:
        session.add(ChangeLog(actor=actor, entity=entity, entity_key=key, field=field,
                              before=old, after=new, reason=reason.strip()))  # fmt: skip


def record_changes(
    session: Session,
    actor: str,
    entity: str,
    changes: Iterable[tuple[str, str, object, object]],
    reason: str = "",
) -> None:
    """Many changes of one kind of entity at once, (key, field, before, after) each (what an
    import writes: one multi-row INSERT, not an object per row); unchanged ones are left."""
    now = utcnow()
    rows = [{"at": now, "actor": actor, "entity": entity, "entity_key": key, "field": field,
             "before": old, "after": new, "reason": reason.strip()}
            for key, field, before, after in changes
            if (old := _text(before)) != (new := _text(after))]  # fmt: skip
    table = ChangeLog.__table__  # type: ignore[attr-defined]
    for start in range(0, len(rows), 5000):
        session.execute(insert(table), rows[start : start + 5000])


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def parse_entity(text: str) -> tuple[str, str | None]:
    """``customer:C000123`` -> ("customer", "C000123"); ``setting`` -> ("setting", None)."""
    entity, _, key = text.strip().partition(":")
    entity = entity.strip().lower()
    if entity not in ENTITIES:
        raise InvalidInput(N_("no entity '{entity}': one of {entities}, e.g. customer:C000123")
                           .format(entity=entity, entities=", ".join(ENTITIES)),
                           "entity")  # fmt: skip
    return entity, key.strip() or None


@anyone("who changed what, as every order's events are, is open to every user")  # i18n: no
def change_log(db: Database, entity: str | None = None, key: str | None = None,
               user: str | None = None, since: date | None = None, limit: int = 200
               ) -> list[Change]:  # fmt: skip
    """The changes, newest first: of one entity (and key), by one user, from a day on."""
    stmt = select(ChangeLog).order_by(col(ChangeLog.id).desc()).limit(limit)
    if entity:
        stmt = stmt.where(ChangeLog.entity == entity)
    if key:
        stmt = stmt.where(ChangeLog.entity_key == key)
    if user:
        stmt = stmt.where(ChangeLog.actor == user)
    if since:
        stmt = stmt.where(ChangeLog.at >= datetime.combine(since, time(), tzinfo=UTC))
    with db.read() as session:
        return [Change(r.at, r.actor, r.entity, r.entity_key, r.field, r.before, r.after,
                       r.reason) for r in session.exec(stmt).all()]  # fmt: skip
