"""The ``oms`` typer app: the top-level options, opening the terminal app, the commands
and sub-apps of the other modules, and one failure path for every command."""

from __future__ import annotations

import sys

import typer

from ..config import DatabaseUrlError, Settings, is_default_database
from ..i18n import _, shown, use_for_command_line
from . import (
    audit,
    backup,
    channel,
    checks,
    customer,
    db,
    dunning,
    export,
    imports,
    invoice,
    login,
    payment,
    printing,
    product,
    production,
    region,
    report,
    run,
    settings,
    standing,
    stock,
    tracking,
    user,
)
from .common import (
    State,
    acting,
    bring_current,
    check_place,
    close_databases,
    open_database,
    place,
    require_oms_tables,
    say,
    where,
)
from .options import GlobalDb, GlobalUser, OmsTyper, TranslatedGroup


class _OmsGroup(TranslatedGroup):
    """Runs a command, then closes the databases it opened; an expected error (a service's
    ``OmsError``, a database URL oms cannot use, a database that cannot be reached or read)
    is one line and exit code 1."""

    def invoke(self, ctx):  # noqa: ANN001, ANN201
        from sqlalchemy.exc import DatabaseError

        from ..services.platform.errors import OmsError

        try:
            return super().invoke(ctx)
        except (OmsError, DatabaseUrlError) as exc:
            say(f"oms: {shown(str(exc))}")
            raise typer.Exit(1) from None
        except DatabaseError as exc:
            at = f" ({place(State.opened[-1].url)})" if State.opened else ""
            error = str(exc.orig).strip().splitlines()[0]
            say("oms: " + _("database error: {error}{at}").format(error=error, at=at))
            raise typer.Exit(1) from None
        finally:
            close_databases()


use_for_command_line()  # click's own words (Usage:, Options ...) from our catalog too

app = OmsTyper(
    cls=_OmsGroup,
    help=_("oms: keyboard-first order management for small makers and distributors."),
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
# the commands' one-line summaries in `oms --help`, in the locale's language
app.command(short_help=_("Create the database (or bring it to the current schema)."),
            help=db.INIT_HELP)(db.init)  # fmt: skip
app.command(short_help=_("Add N generated orders (with customers, catalog, invoices)."),
            help=db.GENERATE_HELP)(db.generate)  # fmt: skip
app.command("settings", short_help=_("Show the settings, or change one."),
            help=settings.SETTINGS_HELP)(settings.settings_cmd)  # fmt: skip
app.command("verify", short_help=_("Check every invariant of the data."),
            help=checks.VERIFY_HELP)(checks.verify)  # fmt: skip
app.command("backup", short_help=_("Back the database up while clerks keep working."),
            help=backup.BACKUP_HELP)(backup.backup_cmd)  # fmt: skip
app.command("restore", short_help=_("Replace the database with a backup."),
            help=backup.RESTORE_HELP)(backup.restore_cmd)  # fmt: skip
app.command("login", short_help=_("Sign in (password mode)."))(login.login)
app.command("logout", short_help=_("Sign out (password mode)."))(login.logout)
for name, module in (
    ("db", db),
    ("standing", standing),
    ("stock", stock),
    ("print", printing),
    ("tracking", tracking),
    ("run", run),
    ("payment", payment),
    ("dunning", dunning),
    ("production", production),
    ("channel", channel),
    ("import", imports),
    ("export", export),
    ("report", report),
    ("region", region),
    ("customer", customer),
    ("product", product),
    ("invoice", invoice),
    ("user", user),
    ("audit", audit),
):
    app.add_typer(module.app, name=name)


@app.callback(invoke_without_command=True)
def main_callback(ctx: typer.Context, db: GlobalDb = None, user: GlobalUser = None) -> None:
    # (no docstring: the app's help above is what `oms --help` shows)
    State.settings = Settings.resolve(db=db, user=user)
    State.command = f"oms {ctx.invoked_subcommand or ''}".strip()
    if ctx.invoked_subcommand is None:
        run_app(State.settings)


def run_app(settings: Settings, *, headless: bool = False, exit_when_ready: bool = False) -> None:
    """What ``oms`` does: make sure the database is there and current, then open the app.

    Only the first start on the default database creates one (with the demo company, said
    before and again in the app); any other place must hold an oms database already
    (``oms init`` creates one), as for every command.
    (``bench/big_db.py`` times this whole path, headless, up to the home screen painted.)
    """
    from ..services.platform import schema

    default = is_default_database(settings.database_url)
    check_place(settings, create=default)  # the first start makes the data folder
    database = open_database(settings)
    if default and schema.is_empty(database):
        say(_("No database yet: creating one with demo data at {place} ...").format(
            place=where(settings)))  # fmt: skip
        db.initialise(database, demo=True)
        notice = _(
            "A demo database was created at {place}. For your own data, "
            "`oms init --db FILE` creates an empty one."
        ).format(place=where(settings))
        say(_("Done. Start again with `oms` any time; `oms --help` lists the commands."))
    else:
        require_oms_tables(database, settings)
        notice = bring_current(database)
        if notice:
            say(notice)
    from ..app import make_app
    from ..services.platform.identity import identity_mode
    from ..services.platform.language import interface_language
    from ..services.platform.permissions import NotPermitted

    # password mode: the app's login screen says who acts; else the OS account (or, for an
    # admin, the --user acted for), refused in one line here
    sign_in, refused = identity_mode(database) == "password", None
    if not sign_in:
        try:
            settings = acting(settings, database)
            if State.first_admin:  # the app hides the terminal: it says it again
                notice = f"{notice}\n{State.first_admin}" if notice else State.first_admin
        except NotPermitted as exc:
            if settings.requested:  # --user: the command line's answer, one line
                raise
            refused = str(exc)  # the app says it, whom to ask and the command
    language = interface_language(database, settings.user)
    app = make_app(settings, database, exit_when_ready=exit_when_ready, notice=notice,
                   daily_backup=not exit_when_ready and not refused, language=language,
                   sign_in=sign_in, refused=refused)  # fmt: skip
    app.run(headless=headless)


def main() -> None:
    """Console entry point: expected errors are one line (see ``_OmsGroup``), exit code 1."""
    try:
        app(prog_name="oms")
    except KeyboardInterrupt:
        say("oms: " + _("interrupted"))
        sys.exit(130)
