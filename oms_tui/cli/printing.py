"""`oms print ...`: packing lists, pick lists, labels, driver manifests and statements
(``print`` itself is a builtin, hence the module's name)."""

from __future__ import annotations

from typing import Annotated

import typer

from ..i18n import _
from .common import connect, one_customer, print_document
from .options import DbOption, ForceOption, OmsTyper, OutOption, PaperOption

app = OmsTyper(
    help=_("Print documents: packing lists, pick lists, shipping labels.")
)  # its line in `oms --help`


def _with_contacts(db: str | None):  # noqa: ANN202
    """The database, once the acting user may see customers' phones and addresses whole
    (``customers.contact``): a packing list, a label, a driver's manifest and a statement
    carry them unmasked, as the carrier, the driver and the post need them, so a role that
    sees them masked (production) does not print these (docs/security.md)."""
    return _acting_with_contacts(db)[1]


def _acting_with_contacts(db: str | None):  # noqa: ANN202
    """The acting user and ``_with_contacts``'s database."""
    from ..services.platform.permissions import check

    settings, database = connect(db)
    check(database, settings.user, "customers.contact")
    return settings.user, database


def _order_shipments(db: str | None, order: str):  # noqa: ANN202
    from ..services.platform.errors import NotFound
    from ..services.shipping import dispatch

    database = _with_contacts(db)
    shipments = dispatch.order_shipments(database, order)
    if not shipments:
        raise NotFound(_("order {order} has no shipment yet: start picking it in Dispatch")
                       .format(order=order))  # fmt: skip
    return database, shipments


@app.command("packing-list", help=_(
    "The packing lists of an order's shipments (one page or more each), in the customer's "
    "language."))  # fmt: skip
def print_packing_list(
    order: Annotated[
        str, typer.Argument(metavar="ORDER_NO", help=_("Order number (so-2026-123 works too)."))
    ],
    out: OutOption = None,
    force: ForceOption = False,
    paper: PaperOption = None,
    db: DbOption = None,
) -> None:
    from ..reports.packing_list import packing_list_pdf

    database, shipments = _order_shipments(db, order)
    name = f"packing-list-{shipments[0].order_number}"
    print_document(database, lambda company, size: packing_list_pdf(shipments, company, size),
                   name, out, paper, force=force)  # fmt: skip


@app.command(
    "pick-list", help=_("The pick list of the warehouse's open wave (shipments being picked).")
)
def print_pick_list(
    warehouse: Annotated[
        str, typer.Option("--warehouse", metavar="CODE", help=_("Warehouse code."))
    ],
    out: OutOption = None,
    force: ForceOption = False,
    paper: PaperOption = None,
    db: DbOption = None,
) -> None:
    from ..reports.pick_list import pick_list_pdf
    from ..services.platform.errors import NotFound
    from ..services.shipping import dispatch

    database = connect(db)[1]
    shipments = dispatch.open_wave(database, warehouse)
    if not shipments:
        raise NotFound(
            _("nothing is being picked in {warehouse}").format(warehouse=warehouse.upper())
        )
    code = warehouse.upper()
    print_document(database, lambda company, size: pick_list_pdf(shipments, company, code, size),
                   f"pick-list-{code}", out, paper, force=force)  # fmt: skip


@app.command(
    "label", help=_("Shipping labels (100 x 150 mm, one per package) for an order's shipments.")
)
def print_label(
    order: Annotated[str, typer.Argument(metavar="ORDER_NO", help=_("Order number."))],
    out: OutOption = None,
    force: ForceOption = False,
    db: DbOption = None,
) -> None:
    from ..reports.label import labels_pdf

    database, shipments = _order_shipments(db, order)
    print_document(database, lambda company, _size: labels_pdf(shipments, company),
                   f"labels-{shipments[0].order_number}", out, force=force)  # fmt: skip


@app.command(
    "manifest",
    help=_("The driver manifest of a van's run: stops, address, phone, items, cash, empties."),
)
def print_manifest(
    run: Annotated[
        str, typer.Argument(metavar="RUN_NO", help=_("Delivery run number (RUN-2026-000001)."))
    ],
    out: OutOption = None,
    force: ForceOption = False,
    paper: PaperOption = None,
    db: DbOption = None,
) -> None:
    from ..reports.driver_manifest import manifest_pdf
    from ..services.shipping import delivery_runs

    database = _with_contacts(db)
    view = delivery_runs.get_run(database, run)
    print_document(database, lambda company, size: manifest_pdf(view, company, size),
                   f"manifest-{view.number}", out, paper, force=force)  # fmt: skip


@app.command(
    "statement", help=_("A customer's statement of account: open items, recent payments, balance.")
)
def print_statement(
    customer: Annotated[
        str, typer.Argument(metavar="CUSTOMER", help=_("Customer code (or a phone / name)."))
    ],
    out: OutOption = None,
    force: ForceOption = False,
    db: DbOption = None,
) -> None:
    from ..reports.account_letter import account_pdf
    from ..services.finance import dunning

    user, database = _acting_with_contacts(db)
    who = one_customer(database, customer)
    paper = dunning.statement(database, user, who.id)
    print_document(database, lambda company, size: account_pdf([paper], company, size),
                   f"statement-{who.code}", out, force=force)  # fmt: skip
