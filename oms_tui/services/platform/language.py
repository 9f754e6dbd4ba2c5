"""Each user's interface language: their own setting, else the company's (setting
``language``), else the locale's (``oms_tui/i18n.py``). Read with Core on the start-up
path (no sqlmodel import), as the settings are."""

from __future__ import annotations

from sqlalchemy import String, column, select, table, update

from ...i18n import LANGUAGES, N_, normalise, resolve
from .db import Database
from .errors import InvalidInput
from .permissions import anyone, check, role_of
from .settings import get_settings

_user = table("app_user", column("name", String), column("language", String))


@anyone("a user's interface language: no data")  # i18n: no
def user_language(db: Database, user: str) -> str:
    """The user's own choice (``zh_CN``, ``en``), or "" when they made none."""
    with db.engine.connect() as conn:
        found = conn.execute(select(_user.c.language).where(_user.c.name == user)).first()
    return (found[0] or "") if found else ""


@anyone("a user's interface language: no data")  # i18n: no
def interface_language(db: Database, user: str) -> str:
    """The language ``user`` sees: theirs, else the company's, else the locale's."""
    return resolve(user_language(db, user), get_settings(db).language)


@anyone(
    "each user chooses their own interface language; another user's is users.manage"  # i18n: no
)
def set_user_language(db: Database, actor: str, user: str, language: str) -> str:
    """Keep ``language`` as ``user``'s choice ("" or ``default``: follow the company's
    setting and the locale). Returns what is stored. A user sets their own (no record of
    who: the user row has no author); another user's language is ``users.manage``; a name
    that is no user of the database is refused, never added."""
    wanted = language.strip()
    code = "" if wanted in ("", "default") else normalise(wanted)
    if code is None:
        raise InvalidInput(
            N_("language '{language}': use {codes} or default").format(
                language=language, codes=", ".join(LANGUAGES)
            ),
            "language",
        )
    if user != actor:  # (the actor is an active user: checked by @anyone)
        check(db, actor, "users.manage")
        role_of(db, user)
    with db.write() as session:
        session.execute(update(_user).where(_user.c.name == user).values(language=code))
    return code
