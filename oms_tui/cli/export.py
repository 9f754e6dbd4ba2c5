"""`oms export orders`: orders in the import template's columns."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ..i18n import _
from .common import csv_encoding, date_option, open_current, resolve_settings, say, write_out
from .options import DbOption, EncodingOption, ForceOption, OmsTyper

app = OmsTyper(
    help=_("Export orders (CSV, JSON, .xlsx) in the import template's columns.")
)  # its line in `oms --help`


@app.command("orders", help=_(
    "Orders in the import template's columns, one row per line: importing the export into an "
    "empty database gives the same orders."))  # fmt: skip
def export_orders(
    status: Annotated[
        list[str] | None,
        typer.Option("--status", metavar="STATUS", help=_("Only these statuses (repeat).")),
    ] = None,
    start: Annotated[
        str | None,
        typer.Option("--from", metavar="DATE", help=_("Created on or after (YYYY-MM-DD).")),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option("--to", metavar="DATE", help=_("Created on or before (YYYY-MM-DD).")),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", metavar="FORMAT", help=_("csv, json or xlsx."))
    ] = "csv",
    encoding: EncodingOption = None,
    out: Annotated[
        str | None,
        typer.Option(
            "--out", metavar="FILE", help=_("Write here (default: stdout; xlsx needs a file).")
        ),
    ] = None,
    force: ForceOption = False,
    db: DbOption = None,
) -> None:
    from ..services.exchange import order_export
    from ..services.platform.errors import InvalidInput

    settings = resolve_settings(db)
    database = open_current(settings)
    rows = order_export.export_rows(database, settings.user, status or (),
                                    date_option(start, "--from") if start else None,
                                    date_option(end, "--to") if end else None)  # fmt: skip
    data = order_export.render(rows, fmt, csv_encoding(database, encoding))
    if out:
        write_out(out, data, force, settings.database_url)
        say(_("{n} order lines written to {file}").format(n=len(rows), file=out))
    elif fmt == "xlsx":
        raise InvalidInput(_("--format xlsx needs --out FILE.xlsx"))
    else:
        sys.stdout.buffer.write(data)
