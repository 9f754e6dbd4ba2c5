"""`oms customer invoicing` and `language`: a customer's Chinese invoicing data (发票抬头,
纳税人识别号 ...) and the language their documents print in."""

from __future__ import annotations

from typing import Annotated

import typer

from ..i18n import N_, _
from .common import connect, say
from .options import CustomerArg, DbOption, OmsTyper, UserOption

TYPE_WORDS = {"normal": N_("normal (普通)"), "special": N_("special (专用)")}

app = OmsTyper(
    help=_(
        "Customers: invoicing data (invoice title, taxpayer id, bank) and the "
        "language of their documents."
    )
)


def _opt(flag: str, metavar: str, help_text: str) -> typer.models.OptionInfo:
    return typer.Option(flag, metavar=metavar, help=help_text)


@app.command("invoicing", help=_(
    "Show a customer's invoicing data, or change the parts given: invoice title "
    "(发票抬头), taxpayer id (纳税人识别号), bank and account, invoice type: normal "
    "(普通) or special (专用). `oms customer invoicing C0001 --type special "
    "--taxpayer-id 91350100M000100Y43`."))  # fmt: skip
def customer_invoicing(
    customer: CustomerArg,
    title: Annotated[str | None, _opt("--title", "TEXT", _("Invoice title (发票抬头)."))] = None,
    taxpayer_id: Annotated[
        str | None, _opt("--taxpayer-id", "ID", _("Taxpayer id (纳税人识别号), 18 characters."))
    ] = None,
    bank: Annotated[str | None, _opt("--bank", "NAME", _("Bank (开户行)."))] = None,
    account: Annotated[str | None, _opt("--account", "NUMBER", _("Bank account (账号)."))] = None,
    kind: Annotated[
        str | None, _opt("--type", "TYPE", _("normal (普通) or special (专用)."))
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    from dataclasses import replace

    from ..services.parties import invoicing
    from .common import one_customer

    settings, database = connect(db, user)
    code = one_customer(database, customer).code
    data = invoicing.get_invoicing(database, code)
    given = {"invoice_title": title, "taxpayer_id": taxpayer_id, "bank_name": bank,
             "bank_account": account, "invoice_type": kind}  # fmt: skip
    changes = {k: v for k, v in given.items() if v is not None}
    if changes:
        data = invoicing.set_invoicing(database, settings.user, code, replace(data, **changes))
    rows = ((_("Invoice title"), data.invoice_title), (_("Taxpayer id"), data.taxpayer_id),
            (_("Bank"), data.bank_name), (_("Account"), data.bank_account),
            (_("Invoice type"), _(TYPE_WORDS[data.invoice_type])))  # fmt: skip
    for label, value in rows:
        typer.echo(f"{label}: {value}")
    if changes:
        say(_("{code}: invoicing data saved").format(code=code))


@app.command("language", help=_(
    "Show the language a customer's documents print in (packing lists, labels, dunning "
    "letters, statements), or set it: zh_CN (中文), en (English), or default (the company's "
    "setting `oms settings language`, else both languages)."))  # fmt: skip
def customer_language(
    customer: CustomerArg,
    language: Annotated[
        str | None, typer.Argument(metavar="LANGUAGE", help=_("zh_CN, en or default."))
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    from ..i18n import LANGUAGES
    from ..services.parties import language as languages
    from .common import one_customer

    settings, database = connect(db, user)
    code = one_customer(database, customer).code
    if language is not None:
        languages.set_customer_language(database, settings.user, code, language)
    chosen, printed = languages.customer_language(database, code)
    shown = LANGUAGES.get(printed) or _("both languages")
    typer.echo(f"{code}: {printed or '—'} ({shown})"
               + ("" if chosen else " " + _("(not chosen: the company's)")))  # fmt: skip
    if language is not None:
        say(
            _("{code}: documents print in {language} from now on").format(code=code, language=shown)
        )
