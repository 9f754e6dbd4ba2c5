"""`oms stock ...`: verify the ledger, allocate, show, receive, expect, rank the
warehouses, reorder suggestions."""

from __future__ import annotations

from typing import Annotated

import typer

from ..i18n import _, shown
from .common import (
    connect,
    csv_encoding,
    date_option,
    emit_csv,
    open_current,
    resolve_settings,
    say,
)
from .options import (
    DbOption,
    EncodingOption,
    ForceOption,
    OmsTyper,
    ProductArg,
    UserOption,
    WarehouseArg,
)

app = OmsTyper(
    help=_("Stock: check the ledger, allocate, receive, reorder suggestions.")
)  # its line in `oms --help`


@app.command(
    "verify",
    help=_(
        "Check that every stock level equals the sum of its ledger moves and its reserved "
        "quantity the sum of open allocations; list the differences (exit 1 when any)."
    ),
)
def stock_verify(db: DbOption = None) -> None:
    from ..services.inventory import stock

    diffs = stock.verify(connect(db)[1])
    for diff in diffs:
        typer.echo(shown(str(diff)))
    if diffs:
        say(_("oms: {n} differences between stock levels and the ledger").format(n=len(diffs)))
        raise typer.Exit(1)
    say(_("Stock levels agree with the ledger and the open allocations."))


@app.command("allocate", help=_(
    "Allocate every approved order still waiting for allocation (oldest first), then offer "
    "free stock to backordered orders in priority order."))  # fmt: skip
def stock_allocate(db: DbOption = None, user: UserOption = None) -> None:
    from ..services.fulfilment import allocation

    settings, database = connect(db, user)
    results = allocation.allocate_approved(database, settings.user)
    filled = allocation.fill_all_backorders(database, settings.user)
    for r in results + filled:
        typer.echo(f"{r.number}\t{r.status}\t{shown(r.summary)}")
    say(
        _("{allocated} orders allocated, {filled} backorders filled").format(
            allocated=len(results), filled=len(filled)
        )
    )


@app.command(
    "show", help=_("One product's stock per warehouse: on hand, reserved, available, incoming.")
)
def stock_show(code: ProductArg, db: DbOption = None) -> None:
    from ..services.inventory import stock

    card = stock.find_stock_card(open_current(resolve_settings(db)), code)
    typer.echo(f"{card.code}  {card.name}  {card.description}".rstrip())
    heads = (_("warehouse"), _("on hand"), _("reserved"), _("available"), _("incoming"),
             _("reorder at"))  # fmt: skip
    typer.echo(_pad(heads[0], 10) + "".join(" " + _pad(h, 10 if h == heads[-1] else 9, True)
                                            for h in heads[1:]))  # fmt: skip
    for w in card.warehouses:
        mark = "  " + _("low") if w.low and w.reorder_point else ""
        typer.echo(f"{w.code:10} {w.on_hand:>9} {w.reserved:>9} {w.available:>9} "
                   f"{w.incoming:>9} {w.reorder_point:>10}{mark}")  # fmt: skip
    typer.echo(_pad(_("total"), 10) + f" {card.on_hand:>9} {card.reserved:>9} "
               f"{card.available:>9} {card.incoming:>9}")  # fmt: skip
    if card.backordered:
        typer.echo(_("{n} backordered (approved orders waiting)").format(n=card.backordered))


def _pad(text: str, width: int, right: bool = False) -> str:
    """``text`` padded to ``width`` terminal cells (a Chinese character takes two)."""
    from rich.cells import cell_len

    room = " " * max(width - cell_len(text), 0)
    return room + text if right else text + room


@app.command(
    "receive", help=_("Goods in: a receipt move; waiting backorders are filled in priority order.")
)
def stock_receive(
    warehouse: WarehouseArg,
    code: ProductArg,
    qty: Annotated[int, typer.Argument(metavar="QTY", help=_("Units received."))],
    supplier: Annotated[str, typer.Option(metavar="NAME", help=_("Who delivered."))] = "",
    reference: Annotated[
        str, typer.Option(metavar="REF", help=_("The supplier's delivery note."))
    ] = "",
    receipt: Annotated[
        str | None, typer.Option(metavar="PR-...", help=_("Book against this open receipt."))
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    from ..services.fulfilment import stock_operations
    from ..services.inventory import stock

    settings, database = connect(db, user)
    card = stock.find_stock_card(database, code)
    out = stock_operations.receive(database, settings.user, warehouse, [(card.product_id, qty)],
                                   supplier=supplier, reference=reference,
                                   receipt_number=receipt)  # fmt: skip
    say(
        _("{number}: {qty} x {code} received into {warehouse}").format(
            number=out.number, qty=qty, code=card.code, warehouse=warehouse.upper()
        )
    )
    for r in out.filled:
        typer.echo(f"{r.number}\t{r.status}\t{shown(r.summary)}")


@app.command("warehouses", help=_(
    "The warehouses in allocation order: after the customer's region's own warehouse, "
    "allocation tries them by rank (lower first)."))  # fmt: skip
def stock_warehouses(db: DbOption = None) -> None:
    from ..services.inventory import stock

    for w in stock.list_warehouses(open_current(resolve_settings(db))):
        typer.echo(f"{w.code:6} " + _("rank {rank}").format(rank=f"{w.allocation_rank:>3}")
                   + f"  {w.region:10} {w.name}")  # fmt: skip


@app.command(
    "rank", help=_("Set a warehouse's place in the allocation order (by distance or cost).")
)
def stock_rank(
    warehouse: WarehouseArg,
    rank: Annotated[
        int, typer.Argument(metavar="RANK", help=_("0 or more; lower is tried first."))
    ],
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    from ..services.inventory import stock

    settings, database = connect(db, user)
    w = stock.set_allocation_rank(database, settings.user, warehouse, rank)
    say(
        _("{warehouse} is now rank {rank} in the allocation order").format(
            warehouse=w.code, rank=w.allocation_rank
        )
    )


@app.command("expect", help=_(
    "Record goods ordered from a supplier: an open receipt, shown as incoming until received "
    "(`oms stock receive ... --receipt PR-...`)."))  # fmt: skip
def stock_expect(
    warehouse: WarehouseArg,
    code: ProductArg,
    qty: Annotated[int, typer.Argument(metavar="QTY", help=_("Units ordered from the supplier."))],
    supplier: Annotated[str, typer.Option(metavar="NAME", help=_("The supplier."))] = "",
    on: Annotated[
        str | None,
        typer.Option("--date", metavar="DATE", help=_("Expected delivery (YYYY-MM-DD).")),
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    from ..services.fulfilment import stock_operations
    from ..services.inventory import stock

    when = date_option(on, "--date") if on else None
    settings, database = connect(db, user)
    card = stock.find_stock_card(database, code)
    number = stock_operations.expect_receipt(database, settings.user, warehouse,
                                             [(card.product_id, qty)], supplier=supplier,
                                             expected_on=when)  # fmt: skip
    typer.echo(number)
    said = _("{number}: {qty} x {code} expected in {warehouse}").format(
        number=number, qty=qty, code=card.code, warehouse=warehouse.upper()
    )
    say(said + (_(" on {day}").format(day=when) if when else ""))


@app.command(
    "reorder",
    help=_(
        "Reorder suggestions: reorder point = average daily demand x lead time + safety stock; the "
        "suggested quantity tops free + incoming stock up to it plus one lead time's demand."
    ),
)
def stock_reorder(
    days: Annotated[
        int | None,
        typer.Option(
            metavar="N", help=_("Average demand over this many days (setting stock_demand_days).")
        ),
    ] = None,
    out: Annotated[
        str | None,
        typer.Option("--out", metavar="FILE", help=_("Write CSV here ('-': stdout).")),
    ] = None,
    encoding: EncodingOption = None,
    apply: Annotated[
        bool, typer.Option("--apply", help=_("Store the computed reorder points on the levels."))
    ] = False,
    force: ForceOption = False,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    from ..services.inventory import stock

    settings, database = connect(db, user)
    rows = stock.reorder_suggestions(database, days=days)
    if out:
        emit_csv(stock.reorder_csv(rows), out, csv_encoding(database, encoding), force=force,
                 database_url=settings.database_url)  # fmt: skip
        if out != "-":
            say(_("{n} suggestions written to {file}").format(n=len(rows), file=out))
    else:
        for r in rows:
            typer.echo(f"{r.code:18} {r.warehouse_code:4} " + _(
                "free {free} incoming {incoming} demand/day {demand} reorder at {point} order "
                "{qty}").format(free=f"{r.available:>6}", incoming=f"{r.incoming:>5}",
                                demand=f"{r.daily_demand:>7}", point=f"{r.reorder_point:>5}",
                                qty=f"{r.suggested_qty:>6}"))  # fmt: skip
        say(_("{n} products to reorder").format(n=len(rows)))
    if apply:
        every = stock.reorder_suggestions(database, days=days, only_needed=False)
        changed = stock.apply_reorder_points(database, settings.user, every)
        say(_("{n} reorder points updated").format(n=changed))
