"""`oms product add | show | set | discontinue | resume`: the catalog kept by hand (a new
product, a new price), each change in the change log (`services/catalog/maintenance.py`)."""

from __future__ import annotations

from typing import Annotated

import typer

from ..i18n import _
from .common import connect, say
from .options import DbOption, OmsTyper, ProductArg, UserOption

app = OmsTyper(help=_("Products: add one, change its price, cost, name or other fields, "
                      "discontinue and resume it (managers and admins)."))  # fmt: skip

FIELDS_HELP = _("Fields: name, barcode, unit, price, cost, deposit, tax (percent), line, "
                "model, colour, spec, lead_time (days), weight (grams), per_package, "
                "made_to_order (yes/no).")  # fmt: skip
PairsArg = Annotated[
    list[str] | None,
    typer.Argument(metavar="FIELD_VALUE",
                   help=_("Fields to set, each followed by its value.") + " " + FIELDS_HELP),
]  # fmt: skip
ReasonOption = Annotated[
    str, typer.Option("--reason", metavar="TEXT", help=_("Why (kept in the change log)."))
]


def _pairs(words: list[str] | None) -> dict[str, str]:
    """FIELD VALUE FIELD VALUE ... as a dict; one line and exit 1 when a value is missing
    or a field is given twice."""
    words = words or []
    if len(words) % 2:
        say("oms: " + _("{field} has no value: give each field followed by its value, e.g. "
                        "price 12.50").format(field=words[-1]))  # fmt: skip
        raise typer.Exit(1)
    pairs: dict[str, str] = {}
    for field, value in zip(words[::2], words[1::2], strict=True):
        key = field.strip().lower().replace("-", "_")
        if key in pairs:
            say("oms: " + _("{field} is given twice").format(field=field))
            raise typer.Exit(1)
        pairs[key] = value
    return pairs


def _show(card) -> None:  # noqa: ANN001 - a ProductCard
    from ..services.catalog.maintenance import FIELDS

    state = _("active") if card.active else _("discontinued")
    typer.echo(f"{card.code}  ({state})")
    for field in FIELDS:
        typer.echo(f"  {field:14} {card.values[field]}")


@app.command("add", help=_(
    "Add a product: `oms product add L-C300-18W-WH 吸顶灯 89.00 unit 个 barcode "
    "6901234567892 cost 52.00`. The code is kept in upper case and must be no product's "
    "code or barcode yet."))  # fmt: skip
def product_add(
    code: Annotated[str, typer.Argument(metavar="CODE", help=_("The new product's code."))],
    name: Annotated[str, typer.Argument(metavar="NAME", help=_("Its name."))],
    price: Annotated[str, typer.Argument(metavar="PRICE", help=_("Its list price, e.g. 89.00."))],
    pairs: PairsArg = None,
    reason: ReasonOption = "",
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    from ..services.catalog import maintenance

    fields = _pairs(pairs)
    settings, database = connect(db, user)
    card = maintenance.add_product(database, settings.user, code, name, price, fields, reason)
    _show(card)
    say(_("product {code} added").format(code=card.code))


@app.command("show", help=_("A product's fields, as `oms product set` changes them."))
def product_show(code: ProductArg, db: DbOption = None) -> None:
    from ..services.catalog import maintenance

    _show(maintenance.product_card(connect(db)[1], code))


@app.command("set", help=_(
    "Change fields of a product, all or none: `oms product set L-C300-18W-WH price 95.00 "
    "--reason \"supplier's new prices\"`. The next order line is priced from the new price; "
    "orders already taken keep theirs."))  # fmt: skip
def product_set(
    code: ProductArg,
    pairs: PairsArg = None,
    reason: ReasonOption = "",
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    from ..services.catalog import maintenance

    fields = _pairs(pairs)
    settings, database = connect(db, user)
    card, changed = maintenance.set_product(database, settings.user, code, fields, reason)
    _show(card)
    if changed:
        say(_("{code}: {fields} changed").format(code=card.code, fields=", ".join(changed)))
    else:
        say(_("{code}: nothing changed (the values given are the ones kept)").format(
            code=card.code))  # fmt: skip


def _set_active(code: str, active: bool, reason: str, db: str | None, user: str | None) -> str:
    """Discontinue or resume ``code``; its code as kept."""
    from ..services.catalog import maintenance

    settings, database = connect(db, user)
    return maintenance.set_active(database, settings.user, code, active, reason).code


@app.command(
    "discontinue",
    help=_("Stop selling a product: product search leaves it out. Its stock and orders stay."),
)
def product_discontinue(code: ProductArg, reason: ReasonOption = "", db: DbOption = None,
                        user: UserOption = None) -> None:  # fmt: skip
    say(_("{code} discontinued").format(code=_set_active(code, False, reason, db, user)))


@app.command("resume", help=_("Sell a discontinued product again."))
def product_resume(code: ProductArg, reason: ReasonOption = "", db: DbOption = None,
                   user: UserOption = None) -> None:  # fmt: skip
    say(_("{code} is sold again").format(code=_set_active(code, True, reason, db, user)))
