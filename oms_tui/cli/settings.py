"""`oms settings [KEY VALUE]`: show the settings, or change one."""

from __future__ import annotations

from typing import Annotated

import typer

from ..i18n import _
from .common import connect
from .options import DbOption, UserOption

SETTINGS_HELP = _(
    "Show the settings (company, printing, audit weights and alerts, stock, aging, dunning, "
    "credit on account and backups), or change one: `oms settings currency CNY`, "
    "`oms settings audit_alert_hours 2`, `oms settings stock_split_lines 0`, "
    "`oms settings dunning_days 7,30,60,90`, `oms settings credit_auto_apply 0`."
)


def settings_cmd(
    key: Annotated[str | None, typer.Argument(metavar="KEY", help=_("Setting to change."))] = None,
    value: Annotated[str | None, typer.Argument(metavar="VALUE", help=_("Its new value."))] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """`oms settings` (its help: SETTINGS_HELP)."""
    from dataclasses import asdict

    from ..services.finance import aging, overdue, receivables
    from ..services.inventory import stock
    from ..services.platform import backup
    from ..services.platform.errors import InvalidInput
    from ..services.platform.settings import get_settings, set_setting
    from ..services.sales import audit_checks

    settings, database = connect(db, user)
    if key is not None and value is None:
        raise InvalidInput(_("give a value: oms settings {key} VALUE").format(key=key))
    if key is not None and value is not None:
        numeric = {**asdict(audit_checks.AuditSettings()), **asdict(stock.StockSettings()),
                   **asdict(receivables.ReceivablesSettings()),
                   **asdict(backup.BackupSettings())}  # fmt: skip
        if key in numeric:
            try:
                number = int(value)
            except ValueError:
                raise InvalidInput(
                    _("{key} must be a whole number, 0 or more").format(key=key)
                ) from None
            if key in asdict(stock.StockSettings()):
                stock.set_stock_setting(database, settings.user, key, number)
            elif key in asdict(receivables.ReceivablesSettings()):
                receivables.set_receivables_setting(database, settings.user, key, number)
            elif key in asdict(backup.BackupSettings()):
                backup.set_backup_setting(database, settings.user, key, number)
            else:
                audit_checks.set_audit_setting(database, settings.user, key, number)
        elif key == overdue.KEY:
            overdue.set_dunning_days(database, settings.user, value)
        elif key == aging.BUCKETS_KEY:
            aging.set_aging_buckets(database, settings.user, value)
        else:
            set_setting(database, settings.user, key, value)
    shown = {
        **asdict(get_settings(database)),
        **asdict(audit_checks.get_audit_settings(database)),
        **asdict(stock.get_stock_settings(database)),
        **asdict(receivables.get_receivables_settings(database)),
        **asdict(backup.get_backup_settings(database)),
        aging.BUCKETS_KEY: ",".join(map(str, aging.get_aging_buckets(database))),
        overdue.KEY: ",".join(map(str, _dunning_days(database))),
    }
    for name, val in shown.items():
        typer.echo(f"{name:24} {val}")


def _dunning_days(database) -> tuple[int, ...]:  # noqa: ANN001
    from ..services.finance import overdue

    with database.read() as session:
        return overdue.dunning_days(session)
