"""`oms run plan`: own-van delivery runs."""

from __future__ import annotations

from typing import Annotated

import typer

from ..i18n import _
from .common import connect, date_option, say
from .options import DbOption, OmsTyper, UserOption

app = OmsTyper(help=_("Own-van delivery runs (daily routes)."))


@app.command("plan")
def run_plan(
    van: Annotated[
        str, typer.Option("--van", metavar="CODE", help="The van's carrier code (kind own_van).")
    ],
    on: Annotated[
        str | None,
        typer.Option("--date", metavar="DATE", help="Run date (YYYY-MM-DD); default today."),
    ] = None,
    driver: Annotated[
        str, typer.Option(metavar="NAME", help="The driver's name, printed on the manifest.")
    ] = "",
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Build a van's run from the ready orders of its area, in route order; print the
    stops (then `oms print manifest RUN-...`)."""
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
                   f"{address}  cash {format_money(s.cash_due_minor, run.currency)} "
                   f"empties {s.containers_to_collect}")  # fmt: skip
    say(f"{run.number}: {len(run.stops)} stops, cash to collect "
        f"{format_money(run.cash_due_minor, run.currency)}")  # fmt: skip
