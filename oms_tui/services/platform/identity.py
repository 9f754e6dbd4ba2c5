"""Who is acting, in the database's identity mode (the setting ``identity``).

- ``os`` (the default, a shared server reached over SSH): the operating-system account
  running oms, from the process's real user id (``config.os_user``), never an environment
  variable. ``--user NAME`` (``OMS_USER`` passes it too) is an admin acting on behalf of
  NAME: a non-admin is refused, and each process that does it writes a change-log row
  (entity ``user``, key NAME, field ``on_behalf``, the admin as its actor, the command as
  its reason), so ``oms audit log --entity user:NAME`` shows who acted for NAME and when.
- ``password`` (a shop PC shared by several people): users sign in with a password
  (``oms login``, the app's login screen). A command-line login is a random token in a
  0600 file of the user's; the database keeps only its sha256, with an expiry. After
  ``login_attempts`` wrong passwords in a row the user is locked out for 15 minutes.

A database without an active admin (a new one) makes the OS account running oms its admin,
once, in the change log (``first_admin``).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, col, select

from ...i18n import N_
from ...models import LoginSession, User, utcnow
from .change_log import record_change
from .db import Database
from .errors import InvalidInput, OmsError
from .permissions import NotPermitted, anyone, check, role_of
from .settings import get_settings
from .users import active_admins, end_sessions, user_info

MODES = ("os", "password")
LOCK_MINUTES = 15
SESSION_HOURS = 12  # a command-line login lasts a working day


class LoginRefused(OmsError):
    """A wrong name or password, a locked or disabled user: the reason, in one line."""


@dataclass(frozen=True)
class Acting:
    user: str  # whom the actions are recorded for
    by: str | None = None  # the admin acting on their behalf; None: the user themself
    made_admin: bool = False  # this start made the OS account the database's first admin


@anyone("a setting read on every start")  # i18n: no
def identity_mode(db: Database) -> str:
    mode = get_settings(db).identity.strip().lower()
    return mode if mode in MODES else "os"


@anyone("on every start, before anyone acts: a database without an admin gets one")  # i18n: no
def first_admin(db: Database, account: str) -> bool:
    """Make ``account`` (the OS account running oms) admin when the database has no active
    admin (a new one); whether it did."""
    with db.read() as session:
        if active_admins(session):
            return False
    with db.write() as session:
        if active_admins(session):
            return False
        user = session.exec(select(User).where(User.name == account)).first()
        why = N_("the first user of a database is its admin")
        if user is None:
            user = User(name=account, display_name=account, role="admin")
            record_change(session, account, "user", account, "role", "", "admin", why)
        else:
            record_change(session, account, "user", account, "role", user.role, "admin", why)
            record_change(session, account, "user", account, "active", user.active, True, why)
            user.role, user.active = "admin", True
        session.add(user)
    return True


def _admins_line(db: Database) -> str:
    """Whom to ask: the active admins (three of them at most)."""
    with db.read() as session:
        admins = active_admins(session)
    return ", ".join(admins[:3]) + (", ..." if len(admins) > 3 else "")


@anyone("who is acting: decided here, before any other service is called")  # i18n: no
def acting_user(db: Database, account: str, requested: str | None = None,
                token: str | None = None, command: str = "") -> Acting:  # fmt: skip
    """The user this process acts for. ``account``: the OS account; ``requested``: the
    ``--user`` given; ``token``: the command-line login (password mode); ``command``: what
    is run, for the on-behalf record. ``NotPermitted`` in one line saying what to do."""
    mode = identity_mode(db)
    made = first_admin(db, account) if mode == "os" else False
    if mode == "os":
        me = account
        if user_info(db, me) is None:
            raise NotPermitted(N_(
                "{account} is no user of this database: ask an admin ({admins}) to add you "
                "with `oms user add {account} --role ROLE`").format(
                    account=account, admins=_admins_line(db)))  # fmt: skip
        role_of(db, me)  # refused when disabled
    else:
        found = session_user(db, token) if token else None
        if found is None:
            raise NotPermitted(N_("log in first: oms login"))
        me = found
    if not requested or requested == me:
        return Acting(me, None, made)
    if role_of(db, me) != "admin":
        raise NotPermitted(N_("--user {name}: only an admin acts on behalf of another user "
                             "(you are {me})").format(name=requested, me=me))  # fmt: skip
    role_of(db, requested)  # an active user of this database
    with db.write() as session:
        record_change(session, me, "user", requested, "on_behalf", "", me,
                      command or N_("acting on behalf"))  # fmt: skip
    return Acting(requested, me, made)


@anyone("an admin only (checked inside), from set_setting")  # i18n: no
def check_identity_setting(db: Database, actor: str, key: str, value: str) -> str:
    """The settings ``identity``, ``login_attempts`` and ``idle_lock_minutes`` as stored:
    only an admin changes them, and password mode only an admin who has a password."""
    check(db, actor, "users.manage")
    text = value.strip().lower()
    if key == "identity":
        if text not in MODES:
            raise InvalidInput(N_("identity must be os or password"), "value")
        if text == "password":
            with db.read() as session:
                mine = session.exec(select(User.password_hash).where(User.name == actor)).first()
            if not mine:
                raise InvalidInput(N_("set your own password first (`oms user password {me}`): "
                                     "in password mode you sign in with it").format(me=actor),
                                   "value")  # fmt: skip
        return text
    limits = {"login_attempts": (1, 100), "idle_lock_minutes": (0, 24 * 60)}[key]
    if not text.isdigit() or not limits[0] <= int(text) <= limits[1]:
        raise InvalidInput(N_("{key} must be a whole number from {low} to {high}").format(
            key=key, low=limits[0], high=limits[1]), "value")  # fmt: skip
    return str(int(text))


def _aware(moment: datetime | None) -> datetime | None:
    """A stored time in UTC (SQLite gives it back without its zone)."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


@anyone("signing in: the password is the check")  # i18n: no
def check_password(db: Database, name: str, password: str, now: datetime | None = None) -> str:
    """``name``'s password checked (the login screen, the lock screen, ``oms login``); their
    name, or ``LoginRefused`` saying why. Wrong passwords are counted: the
    ``login_attempts``-th in a row locks the user out for 15 minutes (in the change log)."""
    from argon2 import PasswordHasher
    from argon2.exceptions import InvalidHashError, VerificationError

    now = now or utcnow()
    attempts = get_settings(db).login_attempts
    refused: str | None = None
    with db.write() as session:
        user = session.exec(select(User).where(User.name == name.strip())).first()
        if user is None or not user.active:
            raise LoginRefused(N_("wrong name or password"))
        until = _aware(user.locked_until)
        if until is not None and until > now:
            raise LoginRefused(_locked(name, until))
        if not user.password_hash:
            raise LoginRefused(N_("{name} has no password yet: an admin sets one with `oms user "
                                 "password {name}`").format(name=user.name))  # fmt: skip
        hasher = PasswordHasher()
        try:
            hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            user.failed_logins += 1
            refused = N_("wrong name or password")
            if user.failed_logins >= attempts:
                user.locked_until, user.failed_logins = now + timedelta(minutes=LOCK_MINUTES), 0
                record_change(session, user.name, "user", user.name, "locked_until", "",
                              user.locked_until.isoformat(timespec="seconds"),
                              N_("{n} wrong passwords in a row").format(n=attempts))  # fmt: skip
                refused = _locked(user.name, user.locked_until)
        else:
            user.failed_logins, user.locked_until = 0, None
            if hasher.check_needs_rehash(user.password_hash):
                user.password_hash = hasher.hash(password)
        session.add(user)
    if refused:
        raise LoginRefused(refused)
    return user.name


def _locked(name: str, until: datetime) -> str:
    return N_("{name} is locked after too many wrong passwords, until {time}").format(
        name=name, time=f"{until.astimezone():%H:%M}")  # fmt: skip


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@anyone("signing in: the password is the check")  # i18n: no
def login(db: Database, name: str, password: str, now: datetime | None = None) -> str:
    """A command-line login: the password checked, a new random token returned (the caller
    keeps it in a 0600 file), its sha256 stored with an expiry."""
    now = now or utcnow()
    user = check_password(db, name, password, now)
    token = secrets.token_urlsafe(32)
    with db.write() as session:
        found = session.exec(select(User).where(User.name == user)).one()
        session.add(LoginSession(user_id=found.id, token_hash=token_hash(token),
                                 created_at=now,
                                 expires_at=now + timedelta(hours=SESSION_HOURS)))  # fmt: skip
    return token


@anyone("the token is the check")  # i18n: no
def session_user(db: Database, token: str, now: datetime | None = None) -> str | None:
    """Whom a command-line login token signs in: an active user, not ended, not expired."""
    now = now or utcnow()
    with db.read() as session:
        row = session.exec(
            select(LoginSession.expires_at, User.name)
            .join(User, col(User.id) == LoginSession.user_id)
            .where(LoginSession.token_hash == token_hash(token),
                   col(LoginSession.ended_at).is_(None), col(User.active))
        ).first()  # fmt: skip
    if row is None or _aware(row[0]) <= now:  # type: ignore[operator]
        return None
    return row[1]


@anyone("the token is the check")  # i18n: no
def logout(db: Database, token: str) -> str | None:
    """End the login of ``token``; whose it was (None: none that was open)."""
    with db.write() as session:
        row = session.exec(select(LoginSession).where(
            LoginSession.token_hash == token_hash(token),
            col(LoginSession.ended_at).is_(None))).first()  # fmt: skip
        if row is None:
            return None
        row.ended_at = utcnow()
        session.add(row)
        return _name_of(session, row.user_id)


def _name_of(session: Session, user_id: int) -> str:
    return session.exec(select(User.name).where(User.id == user_id)).one()


__all__ = ["MODES", "Acting", "LoginRefused", "acting_user", "check_identity_setting",  # i18n: no
           "check_password", "end_sessions", "first_admin", "identity_mode", "login", "logout",
           "session_user"]  # fmt: skip
