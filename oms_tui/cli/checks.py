"""`oms verify`: every invariant the services keep, over the whole database."""

from __future__ import annotations

import typer

from ..i18n import _, ngettext
from .common import connect, say
from .options import DbOption

VERIFY_HELP = _(
    "Check every invariant: order totals equal their lines, invoices are not beyond their "
    "order, an invoice's paid amount equals the payments applied to it (and its status "
    "follows), a payment equals what it applied plus what it left on account, and stock "
    "levels equal their ledger (as `oms stock verify`). One line per failure; exit 1 when "
    "any."
)


def verify(db: DbOption = None) -> None:
    """`oms verify` (its help: VERIFY_HELP)."""
    from ..services.checks import invariants

    broken = invariants.verify(connect(db)[1])
    for problem in broken:
        typer.echo(problem.shown())
    if broken:
        say(
            ngettext("oms: {n} broken invariant", "oms: {n} broken invariants", len(broken)).format(
                n=len(broken)
            )
        )
        raise typer.Exit(1)
    say(_("Every invariant holds: order totals, invoices, payments, stock."))
