"""Drafts: the order a clerk is typing, saved on every change so nothing is ever lost.

A dropped SSH connection, a closed terminal or a crash leaves the draft behind; the next
start by the same user offers to resume it. Saving the order deletes its draft in the same
transaction (``orders.create_order(..., draft_id=...)``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import col, delete, select

from ...models import OrderDraft, utcnow
from ..platform.db import Database
from ..platform.errors import NotFound


@dataclass(frozen=True)
class DraftView:
    id: int
    user: str
    customer_id: int | None
    summary: str
    payload: dict[str, Any]
    updated_at: datetime


def save_draft(
    db: Database,
    user: str,
    payload: dict[str, Any],
    *,
    draft_id: int | None = None,
    customer_id: int | None = None,
    summary: str = "",
) -> int:
    """Create or overwrite the user's draft; returns its id."""
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
    with db.write() as session:
        draft = session.get(OrderDraft, draft_id) if draft_id is not None else None
        if draft is None or draft.user != user:
            draft = OrderDraft(user=user)
        draft.payload, draft.customer_id, draft.summary = text, customer_id, summary[:200]
        draft.updated_at = utcnow()
        session.add(draft)
        session.flush()
        return draft.id


def latest_draft(db: Database, user: str) -> DraftView | None:
    """The user's most recently changed draft, if any."""
    with db.read() as session:
        d = session.exec(
            select(OrderDraft)
            .where(OrderDraft.user == user)
            .order_by(col(OrderDraft.updated_at).desc(), col(OrderDraft.id).desc())
        ).first()
        if d is None:
            return None
        return DraftView(d.id, d.user, d.customer_id, d.summary, json.loads(d.payload),
                         d.updated_at)  # fmt: skip


def discard_draft(db: Database, user: str, draft_id: int) -> None:
    with db.write() as session:
        d = session.get(OrderDraft, draft_id)
        if d is None or d.user != user:
            raise NotFound(f"no draft {draft_id} of {user}")
        session.delete(d)


def delete_draft_in(session, draft_id: int | None) -> None:  # noqa: ANN001
    """Inside another write transaction (the order that replaces the draft)."""
    if draft_id is not None:
        session.exec(delete(OrderDraft).where(OrderDraft.id == draft_id))
