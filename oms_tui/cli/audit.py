"""`oms audit log`: who changed which setting, customer (created, addresses, invoicing data,
credit hold), product's reorder point or warehouse's rank, from what to what, and why (the
change log, newest first)."""

from __future__ import annotations

from typing import Annotated

import typer

from ..i18n import _, shown
from .common import connect, date_option
from .options import DbOption, OmsTyper

app = OmsTyper(help=_("The audit trail: changes to settings, customers, products and warehouses."))


@app.command("log", help=_(
    "The changes, newest first: when (local time), who, what (entity:key field), before "
    "-> after, and why."))  # fmt: skip
def audit_log(
    entity: Annotated[str | None, typer.Option(
        "--entity", metavar="ENTITY:KEY",
        help=_("setting, customer, product, warehouse or user; with a key: "
               "customer:C000123."))] = None,
    user: Annotated[str | None, typer.Option(
        "--user", metavar="NAME", help=_("Only the changes this user made."))] = None,
    since: Annotated[str | None, typer.Option(
        "--from", metavar="DATE", help=_("From this day on (YYYY-MM-DD)."))] = None,
    limit: Annotated[int, typer.Option(
        "--limit", metavar="N", min=1, help=_("At most N changes (default 200)."))] = 200,
    db: DbOption = None,
) -> None:  # fmt: skip
    from ..services.parties.masking import shown_change
    from ..services.platform import change_log
    from ..services.platform.permissions import role_of

    kind, key = change_log.parse_entity(entity) if entity else (None, None)
    day = date_option(since, "--from") if since else None
    settings, database = connect(db)
    rows = change_log.change_log(database, kind, key, user, day, limit)
    role = role_of(database, settings.user)  # addresses and phones masked without contact
    for c in rows:
        before, after, reason = shown_change(role, c.field, c.before, c.after, c.reason)
        why = f"  ({shown(reason)})" if reason else ""
        typer.echo(f"{c.at.astimezone():%Y-%m-%d %H:%M}  {c.actor}  {c.entity}:{c.entity_key} "
                   f"{c.field}: {before or '-'} -> {after or '-'}{why}")  # fmt: skip
    if not rows:
        typer.echo(_("no changes that match") if entity or user or since
                   else _("no changes recorded"))  # fmt: skip
