"""`oms tracking import`: carrier status events from a CSV export."""

from __future__ import annotations

from typing import Annotated

import typer

from ..i18n import _, shown
from .common import connect, say
from .options import DbOption, OmsTyper, UserOption

app = OmsTyper(
    help=_("Shipment tracking: import a carrier's status export.")
)  # its line in `oms --help`


@app.command(
    "import",
    help=_(
        "Record carrier status events from a CSV export (UTF-8 or GB18030; English or Chinese "
        "headers and statuses). Bad rows are listed with their row number; exit 1 when any."
    ),
)
def tracking_import(
    file: Annotated[
        str, typer.Argument(metavar="FILE", help=_("CSV: tracking number, status, time, location."))
    ],
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    from pathlib import Path

    from ..services.platform.errors import InvalidInput
    from ..services.shipping import tracking

    path = Path(file)
    if not path.is_file():
        raise InvalidInput(_("no file {file}").format(file=file))
    settings, database = connect(db, user)
    result = tracking.import_tracking_csv(database, settings.user,
                                          path.read_bytes())  # fmt: skip
    for row, why in result.problems:
        typer.echo(_("row {row}: {why}").format(row=row, why=shown(why)))
    say(_("{applied} events recorded, {known} already known, {delivered} shipments delivered, "
          "{refused} rows refused").format(applied=result.applied, known=result.duplicates,
                                           delivered=len(result.delivered),
                                           refused=len(result.problems)))  # fmt: skip
    if result.problems:
        raise typer.Exit(1)
