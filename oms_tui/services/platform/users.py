"""Users of a database: who they are, their role, whether they may sign in, their password.

``oms user add | list | role | disable | enable | password`` call these. Every
change is written to the change log (entity ``user``, the user's name as its key; a
password change is logged as "set", never its value nor its hash). The database always
keeps one active admin: the last one can be neither disabled nor given another role.

Passwords (password mode, ``identity.py``) are kept as Argon2id hashes (argon2-cffi, its
parameters and salt inside the hash); the password itself is never stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from ...i18n import N_
from ...models import LoginSession, User, utcnow
from .change_log import record_change
from .db import Database
from .errors import InvalidInput, NotFound
from .permissions import ROLES, anyone, check, requires
from .text import clean_text

__all__ = ["ROLES", "UserInfo", "active_admins", "add_user", "list_users", "set_active",
           "set_password", "set_role", "user_info"]  # fmt: skip

MIN_PASSWORD = 8  # characters
NAME_MAX = 64  # app_user.name


@dataclass(frozen=True)
class UserInfo:
    name: str
    display_name: str
    role: str
    active: bool
    has_password: bool
    locked_until: datetime | None


def _info(user: User) -> UserInfo:
    return UserInfo(user.name, user.display_name, user.role, user.active,
                    bool(user.password_hash), user.locked_until)  # fmt: skip


def check_name(name: str) -> str:
    """A login name as stored: trimmed, no spaces or control characters, at most 64."""
    text = clean_text(name, NAME_MAX, N_("the user name"), "name")
    if not text or any(c.isspace() for c in text) or not text.isprintable():
        raise InvalidInput(N_("'{name}' cannot be a user name: one word without spaces, e.g. "
                             "wang.fang").format(name=text), "name")  # fmt: skip
    return text


def check_role(role: str) -> str:
    wanted = role.strip().lower()
    if wanted not in ROLES:
        raise InvalidInput(N_("no role '{role}': one of {roles}").format(
            role=role, roles=", ".join(ROLES)), "role")  # fmt: skip
    return wanted


def _user(session: Session, name: str) -> User:
    user = session.exec(select(User).where(User.name == name)).first()
    if user is None:
        raise NotFound(N_("no user {name}: `oms user list` shows the users").format(name=name))
    return user


def active_admins(session: Session) -> list[str]:
    return list(session.exec(select(User.name).where(User.role == "admin", col(User.active))
                             .order_by(User.name)))  # fmt: skip


def _keep_an_admin(session: Session, user: User) -> None:
    """Refuse when ``user`` is the last active admin (they are about to stop being one)."""
    if user.role == "admin" and user.active and active_admins(session) == [user.name]:
        raise InvalidInput(N_("{name} is the last active admin: make another user admin "
                             "first (`oms user role NAME admin`)").format(name=user.name),
                           "name")  # fmt: skip


@requires("users.manage")
def add_user(db: Database, actor: str, name: str, role: str, display_name: str = "") -> UserInfo:
    """A new user of this database, active, without a password."""
    name, role = check_name(name), check_role(role)
    shown = clean_text(display_name, 128, N_("the display name"), "display_name") or name
    with db.write() as session:
        if session.exec(select(User.id).where(User.name == name)).first() is not None:
            raise InvalidInput(N_("{name} is a user already: `oms user role {name} ROLE` "
                                 "changes the role").format(name=name), "name")  # fmt: skip
        user = User(name=name, display_name=shown, role=role)
        session.add(user)
        record_change(session, actor, "user", name, "role", "", role, N_("added"))
        record_change(session, actor, "user", name, "display_name", "", shown)
        session.flush()
        return _info(user)


@anyone("who works here and in which role is no secret: whom to ask for what")  # i18n: no
def list_users(db: Database) -> list[UserInfo]:
    with db.read() as session:
        return [_info(u) for u in session.exec(select(User).order_by(User.name))]


@anyone("a user's own account, or an admin's look at anyone's")  # i18n: no
def user_info(db: Database, name: str) -> UserInfo | None:
    with db.read() as session:
        user = session.exec(select(User).where(User.name == name)).first()
        return _info(user) if user is not None else None


@requires("users.manage")
def set_role(db: Database, actor: str, name: str, role: str, reason: str = "") -> UserInfo:
    role = check_role(role)
    with db.write() as session:
        user = _user(session, name)
        if role != "admin":
            _keep_an_admin(session, user)
        record_change(session, actor, "user", user.name, "role", user.role, role, reason)
        user.role = role
        session.add(user)
        return _info(user)


@requires("users.manage")
def set_active(db: Database, actor: str, name: str, active: bool, reason: str = "") -> UserInfo:
    """Enable or disable a user; a disabled one is refused everywhere and their command-line
    logins end."""
    with db.write() as session:
        user = _user(session, name)
        if not active:
            _keep_an_admin(session, user)
            end_sessions(session, user)
        record_change(session, actor, "user", user.name, "active", user.active, active, reason)
        user.active = active
        if active:  # enabled again: a lock-out from before is over too
            user.failed_logins, user.locked_until = 0, None
        session.add(user)
        return _info(user)


def end_sessions(session: Session, user: User) -> None:
    for row in session.exec(
        select(LoginSession).where(
            LoginSession.user_id == user.id, col(LoginSession.ended_at).is_(None)
        )
    ):
        row.ended_at = utcnow()
        session.add(row)


def hash_password(password: str) -> str:
    from argon2 import PasswordHasher

    return PasswordHasher().hash(password)


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(N_("a password needs at least {n} characters").format(
            n=MIN_PASSWORD), "password")  # fmt: skip
    if not password.isprintable():
        raise InvalidInput(N_("a password cannot hold control characters"), "password")


@anyone(
    "checked inside: a user sets their own password, an admin (users.manage) anyone's"  # i18n: no
)
def set_password(db: Database, actor: str, name: str, password: str) -> None:
    """Set ``name``'s password (an admin for anyone, a user their own); their other
    command-line logins end. The change log says it was set, nothing of what it is."""
    if actor != name:  # (an active user: checked by @anyone)
        check(db, actor, "users.manage")
    check_new_password(password)
    hashed = hash_password(password)
    with db.write() as session:
        user = _user(session, name)
        before = "set" if user.password_hash else ""
        user.password_hash, user.failed_logins, user.locked_until = hashed, 0, None
        end_sessions(session, user)
        session.add(user)
        session.add(_password_change(actor, user.name, before))


def _password_change(actor: str, name: str, before: str):  # noqa: ANN202
    from ...models import ChangeLog

    # written even when it was set before (record_change skips a field that did not change)
    return ChangeLog(actor=actor, entity="user", entity_key=name, field="password",
                     before=before, after=N_("set (new)"))  # fmt: skip
