"""`oms tracking import`: carrier status events from a CSV export."""

from __future__ import annotations

from typing import Annotated

import typer

from ..i18n import _
from .common import connect, say
from .options import DbOption, OmsTyper, UserOption

app = OmsTyper(
    help=_("Shipment tracking: import a carrier's status export.")
)  # its line in `oms --help`


@app.command("import")
def tracking_import(
    file: Annotated[
        str, typer.Argument(metavar="FILE", help="CSV: tracking number, status, time, location.")
    ],
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Record carrier status events from a CSV export (UTF-8 or GB18030; English or Chinese
    headers and statuses). Bad rows are listed with their row number; exit 1 when any."""
    from pathlib import Path

    from ..services.platform.errors import InvalidInput
    from ..services.shipping import tracking

    path = Path(file)
    if not path.is_file():
        raise InvalidInput(f"no file {file}")
    settings, database = connect(db, user)
    result = tracking.import_tracking_csv(database, settings.user,
                                          path.read_bytes())  # fmt: skip
    for row, why in result.problems:
        typer.echo(f"row {row}: {why}")
    say(f"{result.applied} events recorded, {result.duplicates} already known, "
        f"{len(result.delivered)} shipments delivered, "
        f"{len(result.problems)} rows refused")  # fmt: skip
    if result.problems:
        raise typer.Exit(1)
