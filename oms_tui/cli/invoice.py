"""`oms invoice fapiao`: record the official fapiao issued for an invoice outside oms."""

from __future__ import annotations

from typing import Annotated

import typer

from ..i18n import _
from .common import connect, date_option, say
from .options import DbOption, OmsTyper, UserOption

app = OmsTyper(help=_("Invoices: the official fapiao (发票) issued for them."))


@app.command("fapiao", help=_(
    "Record the fapiao issued for an invoice in the tax system: its number (8 digits, "
    "or 20 for a digital one) and date; without them, show what is recorded."))  # fmt: skip
def invoice_fapiao(
    invoice: Annotated[str, typer.Argument(metavar="INVOICE", help=_("Our invoice number."))],
    number: Annotated[
        str | None, typer.Argument(metavar="FAPIAO_NO", help=_("The fapiao number (发票号码)."))
    ] = None,
    on: Annotated[
        str | None,
        typer.Option("--date", metavar="DATE", help=_("Issued on (YYYY-MM-DD; default today).")),
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    from ..services.finance import fapiao

    settings, database = connect(db, user)
    if number is None:
        found = fapiao.fapiao_of(database, invoice)
        if found is None:
            say(_("{invoice}: no fapiao recorded").format(invoice=invoice.upper()))
            raise typer.Exit(1)
    else:
        found = fapiao.record_fapiao(database, settings.user, invoice, number,
                                     date_option(on, "--date"))  # fmt: skip
    typer.echo(_("{invoice}: fapiao {number} of {date} (recorded by {user})").format(
        invoice=found.invoice, number=found.fapiao_number, date=found.fapiao_date.isoformat(),
        user=found.recorded_by))  # fmt: skip
