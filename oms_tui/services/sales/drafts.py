"""Drafts: the order a clerk is typing, saved on every change so nothing is ever lost.

A dropped SSH connection, a closed terminal or a crash leaves the draft behind; the next
start by the same user offers to resume it. Saving the order deletes its draft in the same
transaction (``orders.create_order(..., draft_id=...)``).

A draft is its clerk's own: someone else may change or discard it only with
``orders.override`` (a manager, an admin); a clerk is refused (issue 17).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, delete, select

from ...i18n import N_, _
from ...models import OrderDraft, User, utcnow
from ..platform.db import Database
from ..platform.errors import NotFound
from ..platform.permissions import NotPermitted, allowed, requires


@dataclass(frozen=True)
class DraftView:
    id: int
    user: str
    customer_id: int | None
    summary: str
    payload: dict[str, Any]
    updated_at: datetime


@requires("orders.enter")
def save_draft(
    db: Database,
    actor: str,
    payload: dict[str, Any],
    *,
    draft_id: int | None = None,
    customer_id: int | None = None,
    summary: str = "",
) -> int:
    """Create or overwrite a draft (the actor's own, or anyone's with ``orders.override``;
    a draft that is gone is made again as the actor's); returns its id."""
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
    with db.write() as session:
        draft = session.get(OrderDraft, draft_id) if draft_id is not None else None
        if draft is not None:
            _check_owner(
                session,
                actor,
                draft,
                N_("draft {id} is {owner}'s: {user} may change only their own drafts"),
            )
        else:
            draft = OrderDraft(user=actor)
        draft.payload, draft.customer_id, draft.summary = text, customer_id, summary[:200]
        draft.updated_at = utcnow()
        session.add(draft)
        session.flush()
        return draft.id


@requires("orders.enter")
def latest_draft(db: Database, actor: str) -> DraftView | None:
    """The actor's most recently changed draft, if any."""
    with db.read() as session:
        d = session.exec(
            select(OrderDraft)
            .where(OrderDraft.user == actor)
            .order_by(col(OrderDraft.updated_at).desc(), col(OrderDraft.id).desc())
        ).first()
        if d is None:
            return None
        return DraftView(d.id, d.user, d.customer_id, d.summary, json.loads(d.payload),
                         d.updated_at)  # fmt: skip


@requires("orders.enter")
def discard_draft(db: Database, actor: str, draft_id: int) -> None:
    """Delete a draft: the actor's own, or anyone's with ``orders.override``."""
    with db.write() as session:
        d = session.get(OrderDraft, draft_id)
        if d is None:
            raise NotFound(_("no draft {id}").format(id=draft_id))
        _check_owner(
            session,
            actor,
            d,
            N_("draft {id} is {owner}'s: {user} may discard only their own drafts"),
        )
        session.delete(d)


def _check_owner(session: Session, actor: str, draft: OrderDraft, refusal: str) -> None:
    """A clerk keeps to their own drafts; ``orders.override`` (a manager) may touch any."""
    if draft.user == actor:
        return
    role = session.exec(select(User.role).where(User.name == actor)).first()
    if not allowed(role, "orders.override"):
        raise NotPermitted(_(refusal).format(id=draft.id, owner=draft.user, user=actor))


def delete_draft_in(session, draft_id: int | None) -> None:  # noqa: ANN001
    """Inside another write transaction (the order that replaces the draft)."""
    if draft_id is not None:
        session.exec(delete(OrderDraft).where(OrderDraft.id == draft_id))
