"""Options and arguments that several commands share: declared once, so their help agrees."""

from __future__ import annotations

from typing import Annotated

import typer

_DB_HELP = "SQLAlchemy URL or SQLite file path (env OMS_DATABASE_URL)."
_USER_HELP = "Acting user (env OMS_USER; default: your login name)."
# The environment is read once, by the top-level options; a sub-command's own --db/--user
# (accepted after the command name too) only override what was given explicitly.
GlobalDb = Annotated[
    str | None, typer.Option("--db", envvar="OMS_DATABASE_URL", metavar="URL", help=_DB_HELP)
]
GlobalUser = Annotated[
    str | None, typer.Option("--user", envvar="OMS_USER", metavar="NAME", help=_USER_HELP)
]
DbOption = Annotated[str | None, typer.Option("--db", metavar="URL", help=_DB_HELP)]
UserOption = Annotated[str | None, typer.Option("--user", metavar="NAME", help=_USER_HELP)]

OutOption = Annotated[
    str | None,
    typer.Option("--out", metavar="FILE", help="Save the PDF here instead of printing it."),
]
PaperOption = Annotated[
    str | None, typer.Option("--paper", help="A4 or Letter (default: the paper setting).")
]
FormatOption = Annotated[str, typer.Option("--format", help="table, csv or json.")]
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", metavar="DATE", help="YYYY-MM-DD (default: today).")
]
ReceivedOnOption = Annotated[str | None, typer.Option("--date", help="Received on (YYYY-MM-DD).")]
CurrencyOption = Annotated[
    str | None, typer.Option(help="Invoices in this currency (default: the company's).")
]
WarehouseArg = Annotated[str, typer.Argument(help="Warehouse code.")]
CustomerArg = Annotated[
    str, typer.Argument(help="Customer code (or a phone / name that matches one customer).")
]
ProductArg = Annotated[str, typer.Argument(help="Product code or barcode.")]
