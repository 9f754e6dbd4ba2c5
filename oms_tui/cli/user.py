"""`oms user add | list | role | disable | enable | password | permissions | language`:
the users of a database, their roles, passwords and interface language."""

from __future__ import annotations

from typing import Annotated

import typer

from ..i18n import LANGUAGES, _
from .common import connect, say
from .options import DbOption, OmsTyper, UserOption

app = OmsTyper(
    help=_(
        "Users: add them, their roles and passwords, disable them; each user's interface language."
    )
)


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


def _show(info) -> str:  # noqa: ANN001
    """One user: the role as ``--role`` takes it (a code, as product codes stay codes)."""
    state = _("active") if info.active else _("disabled")
    return f"{info.name}  {info.display_name}  {info.role}  {state}"


RoleArgument = Annotated[str, typer.Argument(metavar="ROLE", help=_(
    "clerk, auditor, warehouse, production, finance, manager or admin "
    "(`oms user permissions` shows what each may do)."))]  # fmt: skip
NameArgument = Annotated[str, typer.Argument(metavar="NAME", help=_("The user's login name."))]
ReasonOption = Annotated[str, typer.Option("--reason", metavar="TEXT",
                                           help=_("Why, for the change log."))]  # fmt: skip


@app.command(
    "add",
    help=_("Add a user (in the identity mode os, NAME is their login name on this computer)."),
)
def user_add(
    name: NameArgument,
    role: Annotated[str, typer.Option("--role", metavar="ROLE", help=_(
        "clerk, auditor, warehouse, production, finance, manager or admin."))],
    display: Annotated[str, typer.Option("--name", metavar="DISPLAY",
                                         help=_("The name shown, e.g. 王芳."))] = "",
    db: DbOption = None,
    user: UserOption = None,
) -> None:  # fmt: skip
    from ..services.platform import users

    settings, database = connect(db, user)
    say(_("Added {user}").format(user=_show(users.add_user(database, settings.user, name, role,
                                                           display))))  # fmt: skip


@app.command("list", help=_("The users: login name, name shown, role, active or disabled."))
def user_list(db: DbOption = None, user: UserOption = None) -> None:
    from ..services.platform import users

    for info in users.list_users(connect(db, user)[1]):
        typer.echo(_show(info))


@app.command("role", help=_("Give a user another role (the last active admin keeps theirs)."))
def user_role(name: NameArgument, role: RoleArgument, reason: ReasonOption = "",
              db: DbOption = None, user: UserOption = None) -> None:  # fmt: skip
    from ..services.platform import users

    settings, database = connect(db, user)
    say(_show(users.set_role(database, settings.user, name, role, reason)))


def _set_active(name: str, active: bool, reason: str, db: str | None, user: str | None) -> None:
    from ..services.platform import users

    settings, database = connect(db, user)
    say(_show(users.set_active(database, settings.user, name, active, reason)))


@app.command("disable", help=_(
    "Disable a user: refused everywhere from now on, their logins end (the last active "
    "admin cannot be)."))  # fmt: skip
def user_disable(name: NameArgument, reason: ReasonOption = "", db: DbOption = None,
                 user: UserOption = None) -> None:  # fmt: skip
    _set_active(name, False, reason, db, user)


@app.command("enable", help=_("Enable a disabled user again."))
def user_enable(name: NameArgument, reason: ReasonOption = "", db: DbOption = None,
                user: UserOption = None) -> None:  # fmt: skip
    _set_active(name, True, reason, db, user)


@app.command("password", help=_(
    "Set a user's password (asked twice, not shown): an admin sets anyone's, a user their "
    "own (NAME defaults to you). Passwords are kept as Argon2 hashes."))  # fmt: skip
def user_password(
    name: Annotated[str | None, typer.Argument(metavar="NAME", help=_(
        "The user's login name (default: you)."))] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:  # fmt: skip
    from ..services.platform import users

    settings, database = connect(db, user)
    who = name or settings.user
    password = typer.prompt(_("New password for {name}").format(name=who), hide_input=True,
                            confirmation_prompt=_("Repeat it"))  # fmt: skip
    users.set_password(database, settings.user, who, password)
    say(_("Password set for {name}").format(name=who))


@app.command("permissions", help=_("What each role may do: the permissions matrix."))
def user_permissions() -> None:
    from ..services.platform.permissions import MATRIX, MEANINGS

    typer.echo(MATRIX.strip("\n"))
    typer.echo("")
    for permission, meaning in MEANINGS.items():
        typer.echo(f"{permission:<21} {_(meaning)}")
