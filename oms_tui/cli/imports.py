"""`oms import orders | template | profile | alias` (``import`` is a keyword, hence
the module's name)."""

from __future__ import annotations

import time
from typing import Annotated

import typer

from ..i18n import _, shown
from .common import connect, csv_encoding, emit_csv, say
from .options import DbOption, EncodingOption, OmsTyper, UserOption

app = OmsTyper(help=_("Import orders from channel files (CSV, .xlsx)."))


@app.command(
    "profile",
    help=_(
        "Save a column mapping for a channel's files (fields: external_id, order_date, "
        "customer_name, phone, address, product, qty, unit_price, notes, payment_method)."
    ),
)
def import_profile(
    name: Annotated[str, typer.Argument(metavar="NAME", help=_("Profile name."))],
    channel: Annotated[
        str,
        typer.Option(metavar="CHANNEL", help=_("Channel of its orders (`oms channel list`).")),
    ] = "ecommerce",
    column: Annotated[
        list[str] | None,
        typer.Option(
            "--map", metavar="FIELD=HEADER", help=_("A column (repeat), e.g. --map phone=联系电话")
        ),
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    from ..services.exchange import order_import
    from ..services.platform.errors import InvalidInput

    mapping = {}
    for text in column or []:
        field_name, sep, header = text.partition("=")
        if not sep:
            raise InvalidInput(_("--map {text}: use FIELD=HEADER").format(text=text))
        mapping[field_name.strip()] = header.strip()
    settings, database = connect(db, user)
    p = order_import.save_profile(database, settings.user, name, channel, mapping)
    say(
        _("profile {name} saved ({channel}, {n} columns)").format(
            name=p.name, channel=p.channel, n=len(p.mapping)
        )
    )


@app.command("orders", help=_(
    "Import orders into the audit queue. Rows sharing an order id make one order; bad rows "
    "are listed (row, column, value, reason) and their orders left out, the rest imported; "
    "importing again creates no duplicate. Exit 1 when any row failed."))  # fmt: skip
def import_orders(
    file: Annotated[
        str, typer.Argument(metavar="FILE", help=_("CSV (UTF-8 or GB18030/GBK) or .xlsx file."))
    ],
    channel: Annotated[
        str | None,
        typer.Option(
            metavar="CHANNEL",
            help=_(
                "One of `oms channel list` (default: the profile's); the key of an imported "
                "order is channel + its order id."
            ),
        ),
    ] = None,
    profile: Annotated[
        str | None,
        typer.Option(
            metavar="NAME",
            help=_(
                "Column mapping: oms (our template), taobao, dealer, or one you saved "
                "(default: the channel's, else oms)."
            ),
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help=_("Show what would happen; write nothing."))
    ] = False,
    errors: Annotated[
        str | None,
        typer.Option("--errors", metavar="FILE", help=_("Write the problems as CSV here.")),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help=_("Replace the --errors file when it exists."))
    ] = False,
    encoding: EncodingOption = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    from ..services.exchange import order_import

    settings, database = connect(db, user)
    data = order_import.read_file(file)
    if dry_run:
        plan = order_import.plan_import(database, data, channel, profile, file)
        problems, refused = plan.problems, [(o.external_id, o.why) for o in plan.orders
                                            if o.action == "refused"]  # fmt: skip
        summary = _("dry run: {create} orders to create, {update} to update, {unchanged} "
                    "unchanged, {refused} refused, {customers} new customers, {bad} bad rows"
                    ).format(create=plan.count("create"), update=plan.count("update"),
                             unchanged=plan.count("unchanged"), refused=len(refused),
                             customers=plan.new_customers, bad=len(problems))  # fmt: skip
    else:
        last = [0.0]

        def progress(done: int, total: int) -> None:
            now = time.perf_counter()
            if total > 1000 and (now - last[0] >= 2 or done == total):
                last[0] = now
                say("  " + _("{done}/{total} orders").format(done=f"{done:,}", total=f"{total:,}"))

        result = order_import.run_import(database, settings.user, data, channel, profile, file,
                                         progress)  # fmt: skip
        problems, refused = result.problems, list(result.refused)
        summary = _("{created} orders created, {updated} updated, {unchanged} unchanged, "
                    "{refused} refused, {bad} bad rows").format(
            created=len(result.created), updated=len(result.updated),
            unchanged=result.unchanged, refused=len(refused), bad=len(problems))  # fmt: skip
        if result.unchanged and not (result.created or result.updated or problems or refused):
            summary = _("already imported: {n} orders unchanged, nothing created").format(
                n=result.unchanged
            )
    for p in problems:
        typer.echo(
            _("row {row}: {column} '{value}': {reason}").format(
                row=p.row, column=p.column, value=p.value, reason=shown(p.reason)
            )
        )
    for ext, why in refused:
        typer.echo(_("order {order}: {why}").format(order=ext, why=shown(why)))
    if errors and (problems or refused):
        emit_csv(order_import.problems_csv(problems, refused), errors,
                 csv_encoding(database, encoding), force=force,
                 database_url=settings.database_url)  # fmt: skip
    say(summary)
    if problems or refused:
        raise typer.Exit(1)


@app.command("template", help=_(
    "Print our own import template (CSV header and an example row): `oms import template > "
    "orders.csv`."))  # fmt: skip
def import_template(encoding: EncodingOption = None) -> None:
    from ..services.exchange.order_import import template_csv

    emit_csv(template_csv(), None, csv_encoding(None, encoding))


@app.command(
    "alias",
    help=_("Remember that a channel's product code means one of ours (used by later imports)."),
)
def import_alias(
    channel: Annotated[
        str, typer.Argument(metavar="CHANNEL", help=_("The channel whose code it is."))
    ],
    code: Annotated[
        str, typer.Argument(metavar="CODE", help=_("The channel's or dealer's product code."))
    ],
    product: Annotated[str, typer.Argument(metavar="PRODUCT", help=_("Our product code."))],
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    from ..services.exchange.order_import import remember_alias

    settings, database = connect(db, user)
    remember_alias(database, settings.user, channel, code, product)
    say(f"{channel} {code} = {product.upper()}")
