"""Users: the acting user is recorded on every change."""

from __future__ import annotations

from sqlmodel import select

from ...models import User
from .db import Database
from .permissions import ROLES

__all__ = ["ROLES", "ensure_user"]


def ensure_user(db: Database, name: str, role: str = "clerk") -> User:
    """The user row for ``name``, created on first use (login and roles come later)."""
    with db.read() as session:
        user = session.exec(select(User).where(User.name == name)).first()
        if user is not None:
            return user
    with db.write() as session:
        user = session.exec(select(User).where(User.name == name)).first()
        if user is None:
            user = User(name=name, display_name=name, role=role)
            session.add(user)
            session.flush()
        return user
