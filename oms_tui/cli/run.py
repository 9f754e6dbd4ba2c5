"""`oms run plan`: own-van delivery runs."""

from __future__ import annotations

from typing import Annotated

import typer

from ..i18n import _
from .common import connect, date_option, say
from .options import DbOption, OmsTyper, UserOption

app = OmsTyper(help=_("Own-van delivery runs (daily routes)."))


@app.command("plan", help=_(
    "Build a van's run from the ready orders of its area, in route order; print the stops "
    "(then `oms print manifest RUN-...`)."))  # fmt: skip
def run_plan(
    van: Annotated[
        str, typer.Option("--van", metavar="CODE", help=_("The van's carrier code (kind own_van)."))
    ],
    on: Annotated[
        str | None,
        typer.Option("--date", metavar="DATE", help=_("Run date (YYYY-MM-DD); default today.")),
    ] = None,
    driver: Annotated[
        str, typer.Option(metavar="NAME", help=_("The driver's name, printed on the manifest."))
    ] = "",
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    from ..services.parties.masking import shown_contact
    from ..services.platform.money import format_money
    from ..services.platform.permissions import role_of
    from ..services.shipping import delivery_runs

    day = date_option(on, "--date")
    settings, database = connect(db, user)
    run = delivery_runs.plan_run(database, settings.user, van, day, driver)
    role = role_of(database, settings.user)
    for s in run.stops:
        address = shown_contact(role, "", s.address)[1]
        typer.echo(f"{s.seq:>3} {s.order_number} {s.ship_to_name or s.customer_name} "
                   f"{address}  " + _("cash {cash} empties {empties}").format(
                       cash=format_money(s.cash_due_minor, run.currency),
                       empties=s.containers_to_collect))  # fmt: skip
    say(
        _("{run}: {n} stops, cash to collect {cash}").format(
            run=run.number, n=len(run.stops), cash=format_money(run.cash_due_minor, run.currency)
        )
    )
