"""`oms login` and `oms logout` (password mode): a command-line login is a random token in
a 0600 file of the user's (one per database, in the data folder); the database keeps only
its sha256, with an expiry (``services/platform/identity.py``)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Annotated

import typer

from ..config import default_data_dir
from ..i18n import _
from .common import open_current, resolve_settings, say
from .options import DbOption


def token_path(database_url: str) -> Path:
    """Where this OS account keeps its login to the database at ``database_url``."""
    return default_data_dir() / "logins" / hashlib.sha256(database_url.encode()).hexdigest()[:24]


def read_token(database_url: str) -> str | None:
    try:
        return token_path(database_url).read_text(encoding="ascii").strip() or None
    except (OSError, UnicodeDecodeError):
        return None


def login(
    name: Annotated[str | None, typer.Option("--name", metavar="NAME",
                                             help=_("Your user name (asked when not given)."))]
    = None,
    db: DbOption = None,
) -> None:  # fmt: skip
    """Sign in (password mode): asks your name and password; the next commands act as you
    until `oms logout` (or 12 hours)."""
    from ..services.platform import identity
    from ..services.platform.errors import OmsError
    from ..services.platform.files import write_private

    settings = resolve_settings(db)
    database = open_current(settings, check_user=False)
    if identity.identity_mode(database) != "password":
        raise OmsError(_("this database uses OS accounts (the setting identity is os): you act "
                         "as your login name, no `oms login` needed"))  # fmt: skip
    who = name or typer.prompt(_("Name"))
    password = typer.prompt(_("Password"), hide_input=True)
    token = identity.login(database, who, password)
    write_private(token_path(settings.database_url), token.encode("ascii"))
    say(_("Logged in as {name}, for {hours} hours or until `oms logout`").format(
        name=who.strip(), hours=identity.SESSION_HOURS))  # fmt: skip


def logout(db: DbOption = None) -> None:
    """Sign out: end this account's login to the database."""
    from ..services.platform import identity

    settings = resolve_settings(db)
    path = token_path(settings.database_url)
    token = read_token(settings.database_url)
    if token is None:
        say(_("Not logged in"))
        return
    who = identity.logout(open_current(settings, check_user=False), token)
    path.unlink(missing_ok=True)
    say(_("Logged out {name}").format(name=who) if who else _("Not logged in"))
