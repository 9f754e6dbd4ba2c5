"""`oms channel add | list`: the shop's own sales channels (two web shops, several dealers)."""

from __future__ import annotations

from typing import Annotated

import typer

from ..i18n import _
from .common import connect, say
from .options import DbOption, OmsTyper, UserOption

app = OmsTyper(
    help=_("Sales channels: the web shops and dealers the orders come from.")
)  # its line in `oms --help`

KINDS_HELP = _("phone, walk_in, ecommerce, dealer, key_account or standing.")


@app.command("add", help=_(
    "Add a channel: `oms channel add taobao-main --kind ecommerce --profile taobao`. Its "
    "orders are its own: order 12345 of two web shops is two orders."))  # fmt: skip
def channel_add(
    name: Annotated[
        str, typer.Argument(metavar="NAME", help=_("One word, e.g. taobao-main, dealer-wuhan."))
    ],
    kind: Annotated[str, typer.Option("--kind", metavar="KIND", help=KINDS_HELP)],
    profile: Annotated[
        str,
        typer.Option(
            "--profile",
            metavar="PROFILE",
            help=_("Import profile its files are read with (default: oms, our template)."),
        ),
    ] = "",
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    from ..services.exchange import order_import
    from ..services.sales import channels

    settings, database = connect(db, user)
    if profile.strip():
        profile = order_import.get_profile(database, profile).name  # an unknown one: refused
    c = channels.add_channel(database, settings.user, name, kind, profile)
    say(_("channel {name} added ({kind}, profile {profile}): oms import orders FILE --channel "
          "{name}").format(name=c.name, kind=c.kind, profile=c.profile))  # fmt: skip


@app.command(
    "list", help=_("The channels: name, kind, and the import profile their files are read with.")
)
def channel_list(db: DbOption = None) -> None:
    from ..services.sales import channels

    for c in channels.list_channels(connect(db)[1]):
        typer.echo(f"{c.name:24} {c.kind:12} {c.profile}")
