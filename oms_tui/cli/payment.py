"""`oms payment record | apply-credit | cod`: money received and credit on account."""

from __future__ import annotations

from typing import Annotated

import typer

from ..i18n import _, shown
from .common import connect, date_option, one_customer, say
from .options import CustomerArg, DbOption, OmsTyper, ReceivedOnOption, UserOption

app = OmsTyper(
    help=_("Payments: record one, reconcile a carrier's COD remittances, apply credit on account.")
)


# an amount such as -5 is the amount's to refuse, not an unknown option
@app.command(
    "record",
    context_settings={"ignore_unknown_options": True},
    help=_(
        "Record a payment: applied to the oldest open invoices in its currency (or the ones "
        "named); an over-payment stays on the customer's account, in that currency."
    ),
)
def payment_record(
    customer: CustomerArg,
    amount: Annotated[
        str, typer.Argument(metavar="AMOUNT", help=_("Amount received, e.g. 1234.50"))
    ],
    method: Annotated[
        str,
        typer.Option(metavar="METHOD", help=_("cash, bank, wechat, alipay, card, cod_remittance")),
    ] = "bank",
    reference: Annotated[
        str, typer.Option(metavar="REF", help=_("Bank reference, receipt number ..."))
    ] = "",
    invoice: Annotated[
        list[str] | None,
        typer.Option(
            "--invoice",
            metavar="INV-...",
            help=_("Pay this invoice (repeat for more); default: oldest due first."),
        ),
    ] = None,
    on: ReceivedOnOption = None,
    currency: Annotated[
        str | None,
        typer.Option(
            "--currency",
            metavar="CODE",
            help=_("What the payment is in (USD, ...); default: the company currency."),
        ),
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    from ..services.finance import receivables
    from ..services.platform.money import format_money, parse_money
    from ..services.platform.settings import get_settings

    settings, database = connect(db, user)
    who = one_customer(database, customer)
    cur = receivables.currency_code(currency or get_settings(database).currency)
    result = receivables.record_payment(database, settings.user, who.id,
                                        parse_money(amount, cur),
                                        date_option(on, "--date"), method, reference,
                                        invoice, currency=cur)  # fmt: skip
    for a in result.applied:
        typer.echo(f"{a.invoice_number}\t{format_money(a.amount_minor, result.currency)}\t"
                   + _("left {amount}").format(
                       amount=format_money(a.left_minor, result.currency)))  # fmt: skip
    said = _("{number}: {amount} from {customer}").format(
        number=result.number, amount=format_money(result.amount_minor, result.currency),
        customer=who.name)  # fmt: skip
    if result.unapplied_minor:
        said += _(", {amount} kept on account").format(
            amount=format_money(result.unapplied_minor, result.currency)
        )
    say(said)


@app.command(
    "apply-credit",
    help=_(
        "Apply the customer's credit on account (over-payments, credit notes not used up) to "
        "their open invoices now: oldest credit first, oldest due invoice first."
    ),
)
def payment_apply_credit(
    customer: CustomerArg,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    from ..services.finance import receivables
    from ..services.platform.money import format_money

    settings, database = connect(db, user)
    who = one_customer(database, customer)
    result = receivables.apply_credit_on_account(database, settings.user, who.id)
    for a in result.applied:
        typer.echo(f"{a.invoice_number}\t{format_money(a.amount_minor, result.currency)}\t"
                   + _("from {source}").format(source=shown(a.source)) + "\t"
                   + _("left {amount}").format(
                       amount=format_money(a.left_minor, result.currency)))  # fmt: skip
    left = format_money(result.on_account_minor, result.currency)
    if result.applied:
        say(_("{amount} of credit on account applied for {customer}; {left} left on account")
            .format(amount=format_money(result.applied_minor, result.currency),
                    customer=who.name, left=left))  # fmt: skip
    elif result.on_account_minor > 0:
        say(
            _("{customer} has {left} on account and no open invoice it can pay").format(
                customer=who.name, left=left
            )
        )
    else:
        say(_("{customer} has no credit on account").format(customer=who.name))


@app.command("cod", help=_(
    "Reconcile a carrier's cash-on-delivery remittance list against the shipments: each row "
    "pays that shipment's invoices once (a row imported before is listed as already "
    "recorded); differences are listed (exit 1 when any)."))  # fmt: skip
def payment_cod(
    file: Annotated[
        str, typer.Argument(metavar="FILE", help=_("CSV: tracking number, amount[, reference]."))
    ],
    on: ReceivedOnOption = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    import csv
    import io
    from pathlib import Path

    from ..services.finance import cod_remittances
    from ..services.platform.errors import InvalidInput
    from ..services.platform.money import parse_money
    from ..services.shipping.tracking import decode_csv

    path = Path(file)
    if not path.is_file():
        raise InvalidInput(_("no file {file}").format(file=file))
    from ..services.platform.settings import get_settings

    settings, database = connect(db, user)
    currency = get_settings(database).currency  # remittances are in the company currency
    rows, bad = [], []
    for n, row in enumerate(csv.reader(io.StringIO(decode_csv(path.read_bytes()))), start=1):
        amount = row[1].strip() if len(row) > 1 else ""
        if not row or not row[0].strip() or n == 1 and not amount[:1].isdigit():
            continue  # blank lines and a header
        try:
            rows.append(cod_remittances.Remittance(row[0].strip(), parse_money(amount, currency),
                                                   row[2] if len(row) > 2 else ""))  # fmt: skip
        except InvalidInput as error:
            bad.append(
                _("row {row}: {why}").format(
                    row=n, why=shown(str(error)) if amount else _("no amount to read")
                )
            )
    result = cod_remittances.reconcile_cod(database, settings.user,
                                           date_option(on, "--date"), rows)  # fmt: skip
    for line in bad + [f"{t}: {shown(why)}" for t, why in result.differences + result.already]:
        typer.echo(line)
    said = _("{n} remittances recorded, ").format(n=len(result.matched))
    if result.already:
        said += _("{n} already recorded, ").format(n=len(result.already))
    say(said + _("{n} to look at").format(n=len(bad) + len(result.differences)))
    if bad or result.differences:
        raise typer.Exit(1)
