"""`oms standing run`: the standing orders (recurring deliveries) due today."""

from __future__ import annotations

from typing import Annotated

import typer

from ..i18n import _, shown
from .common import connect, date_option, say
from .options import DbOption, OmsTyper, UserOption

app = OmsTyper(help=_("Standing orders (recurring deliveries)."))


@app.command(
    "run",
    help=_("Create the standing orders due today into the audit queue (run it each morning)."),
)
def standing_run(
    on: Annotated[
        str | None,
        typer.Option(
            "--date", metavar="DATE", help=_("Run as of this date (YYYY-MM-DD); default today.")
        ),
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    from ..services.sales.templates import run_standing_orders

    day = date_option(on, "--date")
    settings, database = connect(db, user)
    result = run_standing_orders(database, settings.user, day)
    for number in result.created:
        typer.echo(number)
    for problem in result.failed:
        say(_("oms: not created: {problem}").format(problem=shown(problem)))
    say(_("{n} standing orders created for {day}").format(n=len(result.created), day=day))
    if result.failed:
        raise typer.Exit(1)
