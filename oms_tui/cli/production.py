"""`oms production routes | route | bom`: routes per product line, bills of
materials."""

from __future__ import annotations

from typing import Annotated

import typer

from ..i18n import _
from .common import connect, open_current, resolve_settings, say
from .options import DbOption, OmsTyper, UserOption

app = OmsTyper(
    help=_("Production: routes per product line, bills of materials.")
)  # its line in `oms --help`


@app.command(
    "routes", help=_("The routes: product line, daily capacity, stages with their planned days.")
)
def production_routes(db: DbOption = None) -> None:
    from ..services.production import routes

    for r in routes.routes(open_current(resolve_settings(db))):
        typer.echo(f"{r.name}\t{r.product_line}\t{_per_day(r.daily_capacity)}\t"
                   f"{_stages(r.stages)}")  # fmt: skip


@app.command(
    "route",
    help=_("Create or change a route (stages only while no production order is open on it)."),
)
def production_route(
    name: Annotated[str, typer.Argument(metavar="NAME", help=_("Route name."))],
    line: Annotated[
        str, typer.Option("--line", metavar="LINE", help=_("The product line it makes."))
    ],
    capacity: Annotated[int, typer.Option("--capacity", metavar="N", help=_("Units a day."))],
    stage: Annotated[
        list[str] | None,
        typer.Option(
            "--stage",
            metavar="NAME:DAYS",
            help=_("A stage, in order (repeat); leave out to keep them."),
        ),
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    from ..services.platform.errors import InvalidInput
    from ..services.production import routes

    stages = None
    if stage:
        stages = []
        for text in stage:
            label, _colon, days = text.rpartition(":")
            if not label or not days.strip().isdigit():
                raise InvalidInput(
                    _("--stage {text}: use NAME:DAYS, e.g. cutting:1").format(text=text)
                )
            stages.append((label, int(days)))
    settings, database = connect(db, user)
    r = routes.set_route(database, settings.user, name, line, capacity, stages)
    say(f"{r.name}: {r.product_line}, {_per_day(r.daily_capacity)}, {_stages(r.stages)}")


def _per_day(units: int) -> str:
    return _("{n}/day").format(n=units)


def _stages(stages) -> str:  # noqa: ANN001
    return " -> ".join(f"{name} (" + _("{n} d").format(n=days) + ")" for name, days in stages)


@app.command("bom", help=_("Set how much of a material one unit of a made-to-order product takes."))
def production_bom(
    product: Annotated[
        str, typer.Argument(metavar="PRODUCT", help=_("Made-to-order product code."))
    ],
    material: Annotated[str, typer.Argument(metavar="MATERIAL", help=_("Material product code."))],
    qty: Annotated[int, typer.Argument(metavar="QTY", help=_("Per unit made (0 removes it)."))],
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    from ..services.production import routes

    settings, database = connect(db, user)
    routes.set_bom(database, settings.user, product, material, qty)
    say(
        _("{product}: {qty} x {material} per unit").format(
            product=product.upper(), qty=qty, material=material.upper()
        )
    )
