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


@app.command("routes")
def production_routes(db: DbOption = None) -> None:
    """The routes: product line, daily capacity, stages with their planned days."""
    from ..services.production import routes

    for r in routes.routes(open_current(resolve_settings(db))):
        stages = " -> ".join(f"{n} ({d} d)" for n, d in r.stages)
        typer.echo(f"{r.name}\t{r.product_line}\t{r.daily_capacity}/day\t{stages}")


@app.command("route")
def production_route(
    name: Annotated[str, typer.Argument(metavar="NAME", help="Route name.")],
    line: Annotated[str, typer.Option("--line", metavar="LINE", help="The product line it makes.")],
    capacity: Annotated[int, typer.Option("--capacity", metavar="N", help="Units a day.")],
    stage: Annotated[
        list[str] | None,
        typer.Option(
            "--stage",
            metavar="NAME:DAYS",
            help="A stage, in order (repeat); leave out to keep them.",
        ),
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Create or change a route (stages only while no production order is open on it)."""
    from ..services.platform.errors import InvalidInput
    from ..services.production import routes

    stages = None
    if stage:
        stages = []
        for text in stage:
            label, _, days = text.rpartition(":")
            if not label or not days.strip().isdigit():
                raise InvalidInput(f"--stage {text}: use NAME:DAYS, e.g. cutting:1")
            stages.append((label, int(days)))
    settings, database = connect(db, user)
    r = routes.set_route(database, settings.user, name, line, capacity, stages)
    say(
        f"{r.name}: {r.product_line}, {r.daily_capacity}/day, "
        + " -> ".join(f"{n} ({d} d)" for n, d in r.stages)
    )


@app.command("bom")
def production_bom(
    product: Annotated[str, typer.Argument(metavar="PRODUCT", help="Made-to-order product code.")],
    material: Annotated[str, typer.Argument(metavar="MATERIAL", help="Material product code.")],
    qty: Annotated[int, typer.Argument(metavar="QTY", help="Per unit made (0 removes it).")],
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Set how much of a material one unit of a made-to-order product takes."""
    from ..services.production import routes

    settings, database = connect(db, user)
    routes.set_bom(database, settings.user, product, material, qty)
    say(f"{product.upper()}: {qty} x {material.upper()} per unit")
