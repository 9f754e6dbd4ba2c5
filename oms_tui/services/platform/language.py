"""Each user's interface language: their own setting, else the company's (setting
``language``), else the locale's (``oms_tui/i18n.py``). Read with Core on the start-up
path (no sqlmodel import), as the settings are."""

from __future__ import annotations

from sqlalchemy import String, column, select, table, update

from ...i18n import LANGUAGES, normalise, resolve
from .db import Database
from .errors import InvalidInput
from .settings import get_settings

_user = table("app_user", column("name", String), column("language", String))


def user_language(db: Database, user: str) -> str:
    """The user's own choice (``zh_CN``, ``en``), or "" when they made none."""
    with db.engine.connect() as conn:
        found = conn.execute(select(_user.c.language).where(_user.c.name == user)).first()
    return (found[0] or "") if found else ""


def interface_language(db: Database, user: str) -> str:
    """The language ``user`` sees: theirs, else the company's, else the locale's."""
    return resolve(user_language(db, user), get_settings(db).language)


def set_user_language(db: Database, actor: str, user: str, language: str) -> str:
    """Keep ``language`` as ``user``'s choice ("" or ``default``: follow the company's
    setting and the locale). Returns what is stored."""
    del actor  # a user's own preference: no record of who (the user row has no author)
    wanted = language.strip()
    code = "" if wanted in ("", "default") else normalise(wanted)
    if code is None:
        raise InvalidInput(f"language '{language}': use {', '.join(LANGUAGES)} or default",
                           "language")  # fmt: skip
    from .users import ensure_user

    ensure_user(db, user)
    with db.write() as session:
        session.execute(update(_user).where(_user.c.name == user).values(language=code))
    return code
