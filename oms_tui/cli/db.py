"""Creating and upgrading the database: `oms init`, `oms db upgrade | current`, and
`oms generate` (orders for testing at scale)."""

from __future__ import annotations

import time
from typing import Annotated

import typer

from ..i18n import _
from .common import (
    FIRST_ADMIN,
    NO_PG_BACKUP,
    check_place,
    connect,
    open_database,
    open_existing,
    resolve_settings,
    say,
    where,
)
from .options import DbOption, OmsTyper, UserOption

app = OmsTyper(
    help=_("Database schema: upgrade, show the current revision.")
)  # its line in `oms --help`


def initialise(db, demo: bool) -> None:  # noqa: ANN001
    """The newest schema, the OS account running oms as admin when the database has none
    (a new one: said once, in the change log), and with ``demo`` the demo company (saying
    what it holds)."""
    from ..config import os_user
    from ..services.platform import schema
    from ..services.platform.identity import first_admin

    schema.upgrade(db)
    if first_admin(db, os_user()):
        say(_(FIRST_ADMIN).format(user=os_user()))
    if demo:
        from ..demo.seed import seed_demo

        say(_("Demo data: {summary}.").format(summary=seed_demo(db, os_user())))


INIT_HELP = _("Create the database (or bring it to the current schema); --demo adds demo data.")
GENERATE_HELP = _("Add N generated orders (with customers, catalog, invoices) for testing at "
                  "scale.")  # fmt: skip


def init(
    demo: Annotated[bool, typer.Option("--demo", help=_("Fill it with the demo company."))] = False,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """`oms init` (its help: INIT_HELP)."""
    from ..services.platform import schema
    from ..services.platform.errors import OmsError

    settings = resolve_settings(db, user)
    check_place(settings, create=True)
    database = open_database(settings)
    if demo and not schema.is_empty(database):
        from ..services.sales.dashboard import has_orders

        schema.upgrade_with_backup(database)
        if has_orders(database):
            raise OmsError(
                _(
                    "{database} already holds orders; demo data goes into an empty "
                    "database (use another --db)"
                ).format(database=where(settings))
            )
    initialise(database, demo)
    say(_("Database ready at {database}").format(database=where(settings)))


@app.command("upgrade", help=_(
    "Bring an oms database to the newest schema (a SQLite file is copied first; on PostgreSQL "
    "take a backup first with `oms backup`); `oms init` creates one."))  # fmt: skip
def db_upgrade(db: DbOption = None) -> None:
    from ..services.platform import schema

    settings = resolve_settings(db)
    database = open_existing(settings)
    before = schema.current_revision(database)
    if database.dialect == "postgresql" and schema.needs_upgrade(database):
        say(_("Note: {advice}.").format(advice=NO_PG_BACKUP))
    backup = schema.upgrade_with_backup(database)
    after = schema.current_revision(database)
    if before == after:
        say(
            _("Already at the newest schema ({revision}): {database}").format(
                revision=after, database=where(settings)
            )
        )
    else:
        said = _("Upgraded {before} -> {after}").format(before=before, after=after)
        say(said + (_("; backup: {path}").format(path=backup) if backup else ""))


@app.command("current", help=_("Print the database's schema revision."))
def db_current(db: DbOption = None) -> None:
    from ..migrations import HEAD
    from ..services.platform import schema

    rev = schema.current_revision(open_existing(resolve_settings(db)))
    typer.echo(f"{rev} " + _("(newest: {revision})").format(revision=HEAD))


def generate(
    orders: Annotated[
        int, typer.Option("--orders", min=1, metavar="N", help=_("How many orders to add."))
    ],
    seed: Annotated[
        int, typer.Option(metavar="N", help=_("Random seed (same seed, same data)."))
    ] = 1,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """`oms generate` (its help: GENERATE_HELP)."""
    from ..demo.generate import generate_orders

    settings, database = connect(db, user)
    start = time.perf_counter()
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.perf_counter()
        if now - last[0] >= 2 or done == total:
            last[0] = now
            say(
                "  "
                + _("{done}/{total} orders ({seconds} s)").format(
                    done=f"{done:,}", total=f"{total:,}", seconds=f"{now - start:.0f}"
                )
            )

    summary = generate_orders(database, settings.user, orders, seed=seed, progress=progress)
    say(
        _("Added {summary} to {database} in {seconds} s.").format(
            summary=summary, database=where(settings), seconds=f"{time.perf_counter() - start:.1f}"
        )
    )
