"""`oms import orders | template | profile | alias` (``import`` is a keyword, hence
the module's name)."""

from __future__ import annotations

import time
from typing import Annotated

import typer

from ..i18n import _
from .common import connect, csv_encoding, emit_csv, say
from .options import DbOption, EncodingOption, OmsTyper, UserOption

app = OmsTyper(help=_("Import orders from channel files (CSV, .xlsx)."))


@app.command("profile")
def import_profile(
    name: Annotated[str, typer.Argument(metavar="NAME", help="Profile name.")],
    channel: Annotated[
        str, typer.Option(metavar="CHANNEL", help="Channel of its orders (`oms channel list`).")
    ] = "ecommerce",
    column: Annotated[
        list[str] | None,
        typer.Option(
            "--map", metavar="FIELD=HEADER", help="A column (repeat), e.g. --map phone=联系电话"
        ),
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Save a column mapping for a channel's files (fields: external_id, order_date,
    customer_name, phone, address, product, qty, unit_price, notes, payment_method)."""
    from ..services.exchange import order_import
    from ..services.platform.errors import InvalidInput

    mapping = {}
    for text in column or []:
        field_name, sep, header = text.partition("=")
        if not sep:
            raise InvalidInput(f"--map {text}: use FIELD=HEADER")
        mapping[field_name.strip()] = header.strip()
    settings, database = connect(db, user)
    p = order_import.save_profile(database, settings.user, name, channel, mapping)
    say(f"profile {p.name} saved ({p.channel}, {len(p.mapping)} columns)")


@app.command("orders")
def import_orders(
    file: Annotated[
        str, typer.Argument(metavar="FILE", help="CSV (UTF-8 or GB18030/GBK) or .xlsx file.")
    ],
    channel: Annotated[
        str | None,
        typer.Option(
            metavar="CHANNEL",
            help="One of `oms channel list` (default: the profile's); the key of an imported "
            "order is channel + its order id.",
        ),
    ] = None,
    profile: Annotated[
        str | None,
        typer.Option(
            metavar="NAME",
            help="Column mapping: oms (our template), taobao, dealer, or one you saved "
            "(default: the channel's, else oms).",
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would happen; write nothing.")
    ] = False,
    errors: Annotated[
        str | None, typer.Option("--errors", metavar="FILE", help="Write the problems as CSV here.")
    ] = None,
    encoding: EncodingOption = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Import orders into the audit queue. Rows sharing an order id make one order; bad rows
    are listed (row, column, value, reason) and their orders left out, the rest imported;
    importing again creates no duplicate. Exit 1 when any row failed."""
    from ..services.exchange import order_import

    settings, database = connect(db, user)
    data = order_import.read_file(file)
    if dry_run:
        plan = order_import.plan_import(database, data, channel, profile, file)
        problems, refused = plan.problems, [(o.external_id, o.why) for o in plan.orders
                                            if o.action == "refused"]  # fmt: skip
        summary = (f"dry run: {plan.count('create')} orders to create, {plan.count('update')} "
                   f"to update, {plan.count('unchanged')} unchanged, {len(refused)} refused, "
                   f"{plan.new_customers} new customers, {len(problems)} bad rows")  # fmt: skip
    else:
        last = [0.0]

        def progress(done: int, total: int) -> None:
            now = time.perf_counter()
            if total > 1000 and (now - last[0] >= 2 or done == total):
                last[0] = now
                say(f"  {done:,}/{total:,} orders")

        result = order_import.run_import(database, settings.user, data, channel, profile, file,
                                         progress)  # fmt: skip
        problems, refused = result.problems, list(result.refused)
        summary = (f"{len(result.created)} orders created, {len(result.updated)} updated, "
                   f"{result.unchanged} unchanged, {len(refused)} refused, "
                   f"{len(problems)} bad rows")  # fmt: skip
        if result.unchanged and not (result.created or result.updated or problems or refused):
            summary = f"already imported: {result.unchanged} orders unchanged, nothing created"
    for p in problems:
        typer.echo(f"row {p.row}: {p.column} '{p.value}': {p.reason}")
    for ext, why in refused:
        typer.echo(f"order {ext}: {why}")
    if errors and (problems or refused):
        emit_csv(order_import.problems_csv(problems, refused), errors,
                 csv_encoding(database, encoding))  # fmt: skip
    say(summary)
    if problems or refused:
        raise typer.Exit(1)


@app.command("template")
def import_template(encoding: EncodingOption = None) -> None:
    """Print our own import template (CSV header and an example row): `oms import template >
    orders.csv`."""
    from ..services.exchange.order_import import template_csv

    emit_csv(template_csv(), None, csv_encoding(None, encoding))


@app.command("alias")
def import_alias(
    channel: Annotated[
        str, typer.Argument(metavar="CHANNEL", help="The channel whose code it is.")
    ],
    code: Annotated[
        str, typer.Argument(metavar="CODE", help="The channel's or dealer's product code.")
    ],
    product: Annotated[str, typer.Argument(metavar="PRODUCT", help="Our product code.")],
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Remember that a channel's product code means one of ours (used by later imports)."""
    from ..services.exchange.order_import import remember_alias

    settings, database = connect(db, user)
    remember_alias(database, settings.user, channel, code, product)
    say(f"{channel} {code} = {product.upper()}")
