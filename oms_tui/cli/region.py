"""`oms region list | set | fill`: which sales region each province is in (warehouses,
carrier rates and allocation go by it), and customers without one given theirs."""

from __future__ import annotations

from typing import Annotated

import typer

from ..i18n import _
from .common import connect, say
from .options import DbOption, OmsTyper, UserOption

app = OmsTyper(
    help=_("Sales regions of China's provinces (warehouses and carriers go by them).")
)  # its line in `oms --help`


@app.command("list", help=_("Every province and its region (`*`: changed by `oms region set`)."))
def region_list(db: DbOption = None) -> None:
    from ..services.parties import regions

    for province, region, changed in regions.get_table(connect(db)[1]).rows():
        typer.echo(f"{province}\t{region}{'  *' if changed else ''}")


@app.command("set", help=_(
    "Put a province in another region (new customers there get it; `oms region fill` gives "
    "it to those without one)."))  # fmt: skip
def region_set(
    province: Annotated[
        str, typer.Argument(metavar="PROVINCE", help=_("浙江, 浙江省 or Zhejiang."))
    ],
    region: Annotated[
        str, typer.Argument(metavar="REGION", help=_("As the warehouses name it, e.g. East."))
    ],
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    from ..services.parties import regions

    settings, database = connect(db, user)
    table = regions.set_region(database, settings.user, province, region)
    p = regions.province_of(province)
    assert p is not None
    say(f"{p.name}: {table.region(p)}")


@app.command("fill", help=_(
    "Give the customers and addresses that have no region the one of their province or city "
    "(those typed or imported before regions were filled in)."))  # fmt: skip
def region_fill(db: DbOption = None, user: UserOption = None) -> None:
    from ..services.parties import regions

    settings, database = connect(db, user)
    customers, addresses = regions.fill_regions(database, settings.user)
    say(
        _("region filled in for {customers} customers and {addresses} addresses").format(
            customers=customers, addresses=addresses
        )
    )
