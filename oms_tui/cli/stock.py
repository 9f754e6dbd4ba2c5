"""`oms stock ...`: verify the ledger, allocate, show, receive, expect, rank the
warehouses, reorder suggestions."""

from __future__ import annotations

from typing import Annotated

import typer

from ..i18n import _
from .common import (
    connect,
    csv_encoding,
    date_option,
    emit_csv,
    open_current,
    resolve_settings,
    say,
)
from .options import DbOption, EncodingOption, OmsTyper, ProductArg, UserOption, WarehouseArg

app = OmsTyper(
    help=_("Stock: check the ledger, allocate, receive, reorder suggestions.")
)  # its line in `oms --help`


@app.command("verify")
def stock_verify(db: DbOption = None) -> None:
    """Check that every stock level equals the sum of its ledger moves and its reserved
    quantity the sum of open allocations; list the differences (exit 1 when any)."""
    from ..services.inventory import stock

    diffs = stock.verify(connect(db)[1])
    for diff in diffs:
        typer.echo(str(diff))
    if diffs:
        say(f"oms: {len(diffs)} differences between stock levels and the ledger")
        raise typer.Exit(1)
    say("Stock levels agree with the ledger and the open allocations.")


@app.command("allocate")
def stock_allocate(db: DbOption = None, user: UserOption = None) -> None:
    """Allocate every approved order still waiting for allocation (oldest first), then
    offer free stock to backordered orders in priority order."""
    from ..services.fulfilment import allocation

    settings, database = connect(db, user)
    results = allocation.allocate_approved(database, settings.user)
    filled = allocation.fill_all_backorders(database, settings.user)
    for r in results + filled:
        typer.echo(f"{r.number}\t{r.status}\t{r.summary}")
    say(f"{len(results)} orders allocated, {len(filled)} backorders filled")


@app.command("show")
def stock_show(code: ProductArg, db: DbOption = None) -> None:
    """One product's stock per warehouse: on hand, reserved, available, incoming."""
    from ..services.inventory import stock

    card = stock.find_stock_card(open_current(resolve_settings(db)), code)
    typer.echo(f"{card.code}  {card.name}  {card.description}".rstrip())
    typer.echo(f"{'warehouse':10} {'on hand':>9} {'reserved':>9} {'available':>9} "
               f"{'incoming':>9} {'reorder at':>10}")  # fmt: skip
    for w in card.warehouses:
        mark = "  low" if w.low and w.reorder_point else ""
        typer.echo(f"{w.code:10} {w.on_hand:>9} {w.reserved:>9} {w.available:>9} "
                   f"{w.incoming:>9} {w.reorder_point:>10}{mark}")  # fmt: skip
    typer.echo(f"{'total':10} {card.on_hand:>9} {card.reserved:>9} {card.available:>9} "
               f"{card.incoming:>9}")  # fmt: skip
    if card.backordered:
        typer.echo(f"{card.backordered} backordered (approved orders waiting)")


@app.command("receive")
def stock_receive(
    warehouse: WarehouseArg,
    code: ProductArg,
    qty: Annotated[int, typer.Argument(metavar="QTY", help="Units received.")],
    supplier: Annotated[str, typer.Option(metavar="NAME", help="Who delivered.")] = "",
    reference: Annotated[
        str, typer.Option(metavar="REF", help="The supplier's delivery note.")
    ] = "",
    receipt: Annotated[
        str | None, typer.Option(metavar="PR-...", help="Book against this open receipt.")
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Goods in: a receipt move; waiting backorders are filled in priority order."""
    from ..services.fulfilment import stock_operations
    from ..services.inventory import stock

    settings, database = connect(db, user)
    card = stock.find_stock_card(database, code)
    out = stock_operations.receive(database, settings.user, warehouse, [(card.product_id, qty)],
                                   supplier=supplier, reference=reference,
                                   receipt_number=receipt)  # fmt: skip
    say(f"{out.number}: {qty} x {card.code} received into {warehouse.upper()}")
    for r in out.filled:
        typer.echo(f"{r.number}\t{r.status}\t{r.summary}")


@app.command("warehouses")
def stock_warehouses(db: DbOption = None) -> None:
    """The warehouses in allocation order: after the customer's region's own warehouse,
    allocation tries them by rank (lower first)."""
    from ..services.inventory import stock

    for w in stock.list_warehouses(open_current(resolve_settings(db))):
        typer.echo(f"{w.code:6} rank {w.allocation_rank:>3}  {w.region:10} {w.name}")


@app.command("rank")
def stock_rank(
    warehouse: WarehouseArg,
    rank: Annotated[int, typer.Argument(metavar="RANK", help="0 or more; lower is tried first.")],
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Set a warehouse's place in the allocation order (by distance or cost)."""
    from ..services.inventory import stock

    settings, database = connect(db, user)
    w = stock.set_allocation_rank(database, settings.user, warehouse, rank)
    say(f"{w.code} is now rank {w.allocation_rank} in the allocation order")


@app.command("expect")
def stock_expect(
    warehouse: WarehouseArg,
    code: ProductArg,
    qty: Annotated[int, typer.Argument(metavar="QTY", help="Units ordered from the supplier.")],
    supplier: Annotated[str, typer.Option(metavar="NAME", help="The supplier.")] = "",
    on: Annotated[
        str | None, typer.Option("--date", metavar="DATE", help="Expected delivery (YYYY-MM-DD).")
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Record goods ordered from a supplier: an open receipt, shown as incoming until
    received (`oms stock receive ... --receipt PR-...`)."""
    from ..services.fulfilment import stock_operations
    from ..services.inventory import stock

    when = date_option(on, "--date") if on else None
    settings, database = connect(db, user)
    card = stock.find_stock_card(database, code)
    number = stock_operations.expect_receipt(database, settings.user, warehouse,
                                             [(card.product_id, qty)], supplier=supplier,
                                             expected_on=when)  # fmt: skip
    typer.echo(number)
    say(
        f"{number}: {qty} x {card.code} expected in {warehouse.upper()}"
        + (f" on {when}" if when else "")
    )


@app.command("reorder")
def stock_reorder(
    days: Annotated[
        int | None,
        typer.Option(
            metavar="N", help="Average demand over this many days (setting stock_demand_days)."
        ),
    ] = None,
    out: Annotated[
        str | None, typer.Option("--out", metavar="FILE", help="Write CSV here ('-': stdout).")
    ] = None,
    encoding: EncodingOption = None,
    apply: Annotated[
        bool, typer.Option("--apply", help="Store the computed reorder points on the levels.")
    ] = False,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Reorder suggestions: reorder point = average daily demand x lead time + safety stock;
    the suggested quantity tops free + incoming stock up to it plus one lead time's demand."""
    from ..services.inventory import stock

    settings, database = connect(db, user)
    rows = stock.reorder_suggestions(database, days=days)
    if out:
        emit_csv(stock.reorder_csv(rows), out, csv_encoding(database, encoding))
        if out != "-":
            say(f"{len(rows)} suggestions written to {out}")
    else:
        for r in rows:
            typer.echo(f"{r.code:18} {r.warehouse_code:4} free {r.available:>6} incoming "
                       f"{r.incoming:>5} demand/day {r.daily_demand:>7} reorder at "
                       f"{r.reorder_point:>5} order {r.suggested_qty:>6}")  # fmt: skip
        say(f"{len(rows)} products to reorder")
    if apply:
        every = stock.reorder_suggestions(database, days=days, only_needed=False)
        changed = stock.apply_reorder_points(database, settings.user, every)
        say(f"{changed} reorder points updated")
