"""The ``oms`` typer app: the top-level options, opening the terminal app, the commands
and sub-apps of the other modules, and one failure path for every command."""

from __future__ import annotations

import sys

import typer
from typer.core import TyperGroup

from ..config import Settings
from . import (
    db,
    dunning,
    export,
    imports,
    payment,
    printing,
    production,
    report,
    run,
    settings,
    standing,
    stock,
    tracking,
)
from .common import State, close_databases, open_database, say, where
from .options import GlobalDb, GlobalUser


class _OmsGroup(TyperGroup):
    """Runs a command, then closes the databases it opened; an expected error (a service's
    ``OmsError``, a database that cannot be reached or read) is one line and exit code 1."""

    def invoke(self, ctx):  # noqa: ANN001, ANN201
        from sqlalchemy.exc import OperationalError, ProgrammingError

        from ..services.platform.errors import OmsError

        try:
            return super().invoke(ctx)
        except OmsError as exc:
            say(f"oms: {exc}")
            raise typer.Exit(1) from None
        except (OperationalError, ProgrammingError) as exc:
            say(f"oms: database error: {str(exc.orig).strip().splitlines()[0]}")
            raise typer.Exit(1) from None
        finally:
            close_databases()


app = typer.Typer(
    cls=_OmsGroup,
    help="oms: keyboard-first order management for small makers and distributors.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
app.command()(db.init)
app.command()(db.generate)
app.command("settings")(settings.settings_cmd)
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
    ("import", imports),
    ("export", export),
    ("report", report),
):
    app.add_typer(module.app, name=name)


@app.callback(invoke_without_command=True)
def main_callback(ctx: typer.Context, db: GlobalDb = None, user: GlobalUser = None) -> None:
    """Open the terminal app (creating a demo database on first run)."""
    State.settings = Settings.resolve(db=db, user=user)
    if ctx.invoked_subcommand is None:
        run_app(State.settings)


def run_app(settings: Settings, *, headless: bool = False, exit_when_ready: bool = False) -> None:
    """What ``oms`` does: make sure the database is there and current, then open the app.

    (``bench/big_db.py`` times this whole path, headless, up to the home screen painted.)
    """
    from ..services.platform import schema

    database = open_database(settings)
    if schema.is_empty(database):
        say(f"No database yet: creating one with demo data at {where(settings)} ...")
        db.initialise(database, settings.user, demo=True)
        say("Done. Start again with `oms` any time; `oms --help` lists the commands.")
    elif schema.needs_upgrade(database):
        backup = schema.upgrade_with_backup(database)
        if backup:
            say(f"Database upgraded to the current schema; the old one was copied to {backup}")
    from ..app import make_app

    make_app(settings, database, exit_when_ready=exit_when_ready).run(headless=headless)


def main() -> None:
    """Console entry point: expected errors are one line (see ``_OmsGroup``), exit code 1."""
    try:
        app()
    except KeyboardInterrupt:
        say("oms: interrupted")
        sys.exit(130)
