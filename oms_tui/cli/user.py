"""`oms user language`: the interface language of a user."""

from __future__ import annotations

from typing import Annotated

import typer

from ..i18n import LANGUAGES, _
from .common import connect, say
from .options import DbOption, OmsTyper, UserOption

app = OmsTyper(help=_("Users: each user's interface language."))


@app.command("language", help=_(
    "Show the acting user's interface language (--user), or set it: zh_CN (中文), en "
    "(English), or default (the company's setting `oms settings language`, else the "
    "locale, e.g. LANG=zh_CN.UTF-8). The app speaks it from the next start; Ctrl+F in "
    "the app switches at once."))  # fmt: skip
def user_language(
    language: Annotated[
        str | None, typer.Argument(metavar="LANGUAGE", help=_("zh_CN, en or default."))
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    from ..services.platform import language as languages

    settings, database = connect(db, user)
    if language is not None:
        stored = languages.set_user_language(database, settings.user, settings.user, language)
        if not stored:
            say(_("{user} follows the company's language now").format(user=settings.user))
    chosen = languages.user_language(database, settings.user)
    shown = languages.interface_language(database, settings.user)
    typer.echo(
        f"{settings.user}: {shown} ({LANGUAGES[shown]})"
        + ("" if chosen else " " + _("(not chosen: the company's or the locale's)"))
    )
