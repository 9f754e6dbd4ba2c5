"""Home: today's counts and the main menu (one letter per area, as on a green screen)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from rich.cells import cell_len
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, get_current_worker

from ..failures import doing, failure_text
from ..i18n import N_, _, ngettext
from ..messages import HomeReady, Said, SettingsLoaded
from ..services.platform.db import Database
from ..services.platform.money import format_money
from ..services.platform.settings import CompanySettings
from ..services.sales.dashboard import HomeCounts, home_screen_data
from ..widgets import CountTile
from ..widgets.footer import KeysFooter
from . import OmsScreen

# (tile id = ``HomeCounts`` field, label) in reading order; the overdue tile also shows money.
TILES: tuple[tuple[str, str], ...] = (
    ("waiting_audit", N_("Waiting audit")),
    ("on_hold", N_("Held for later")),  # held until a later date; held and due are in the queue
    ("backorders", N_("Backorders")),
    ("in_production", N_("In production")),
    ("ready_to_ship", N_("Ready to ship")),
    ("overdue_invoices", N_("Overdue receivables")),
)


def menu_prompt(key: str, title: str, summary: str) -> Content:
    """``e  Order entry   Phone, …``: the title padded to 13 cells (a Chinese character
    takes two)."""
    pad = " " * max(0, 13 - cell_len(title))
    return Content.assemble((key, "bold $text-accent"), f"  {title}{pad} ", (summary, "dim"))


class HomeScreen(OmsScreen):
    """Counts load in a thread worker, so the screen paints before the database answers."""

    REFRESH_SECONDS: float = 30.0
    MESSAGE_ID = "home-message"  # hidden until the daily backup has something to say

    BINDINGS = [
        Binding(
            "f5,ctrl+r",
            "refresh_counts",
            N_("Refresh"),
            key_display="F5/^R",
            id="home.refresh",
            tooltip=N_("Read today's counts again (also every 30 s)"),
        ),
    ]

    class CountsLoaded(Message):
        def __init__(self, counts: HomeCounts, company: CompanySettings, at: datetime) -> None:
            super().__init__()
            self.counts = counts
            self.company = company
            self.at = at

    class AlertsLoaded(Message):
        def __init__(self, alerts: Any, late_shipments: int = 0,
                     late_days: int = 0) -> None:  # alerts: audit.AuditAlerts  # fmt: skip
            super().__init__()
            self.alerts = alerts
            self.late_shipments = late_shipments  # shipped, not delivered days after expected
            self.late_days = late_days

    def __init__(self) -> None:
        super().__init__()
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="home"):
            with Grid(id="counts"):
                for tile_id, label in TILES:
                    yield CountTile(_(label), id=tile_id)
            yield Static("", id="alerts")
            options = [Option(menu_prompt(w.key, _(w.title), _(w.summary)), id=w.mode)
                       for w in self.open_workflows()]  # fmt: skip
            menu = OptionList(*options, id="menu")
            menu.border_title = _("Menu: press a letter, or arrows and Enter")
            yield menu
            yield Static(_("Loading today's counts…"), id="counts-status")
            yield Static("", id=self.MESSAGE_ID)
        yield KeysFooter()

    def retranslate(self) -> None:
        """The language changed: the screen again in it, with fresh counts."""
        self.call_later(self._retranslate)

    async def _retranslate(self) -> None:
        await self.recompose()
        self.action_refresh_counts()

    # -- refreshing ---------------------------------------------------------------------------

    def on_screen_resume(self) -> None:
        """Fresh counts whenever the clerk comes (back) home; the timer runs only meanwhile."""
        if self._timer is None:
            self._timer = self.set_interval(self.REFRESH_SECONDS, self.action_refresh_counts)
        else:
            self._timer.resume()
        self.action_refresh_counts()

    def on_screen_suspend(self) -> None:
        if self._timer is not None:
            self._timer.pause()

    def action_refresh_counts(self) -> None:
        self.load_counts(self.db, self.context.clock)

    @work(thread=True, exclusive=True, group="home-counts", exit_on_error=False,
          description=N_("read the counts"))  # fmt: skip
    def load_counts(self, db: Database, clock: Callable[[], datetime]) -> None:
        """Read the counts with the services' own session; post the result back."""
        counts, company = home_screen_data(db, today=clock().date())
        if not get_current_worker().is_cancelled:
            self.post_message(self.CountsLoaded(counts, company, clock()))

    @on(CountsLoaded)
    def show_counts(self, message: CountsLoaded) -> None:
        counts = message.counts
        for tile_id, _label in TILES:
            tile = self.query_one(f"#{tile_id}", CountTile)
            if tile_id == "overdue_invoices":
                amount = format_money(counts.overdue_minor, counts.currency)
                detail = ngettext("invoice, {amount}", "invoices, {amount}",
                                  counts.overdue_invoices).format(amount=amount)  # fmt: skip
                tile.show_count(counts.overdue_invoices, detail)
            else:
                tile.show_count(getattr(counts, tile_id))
        self.query_one("#counts-status", Static).update(
            _("Counts at {time}; refreshed every {seconds} s and on F5 / Ctrl+R.").format(
                time=f"{message.at:%H:%M}", seconds=f"{self.REFRESH_SECONDS:g}")
        )  # fmt: skip
        self.app.post_message(SettingsLoaded(message.company.company_name, counts.currency))
        self.call_after_refresh(self.app.post_message, HomeReady())
        if self.context.daily_backup:  # once per opening of the app, after the counts
            self.context.daily_backup = False
            self.take_daily_backup(self.db, self.context.clock())
        # After the counts have painted: the alert query needs the data model (sqlmodel),
        # which the start-up path does not import.
        self.call_after_refresh(self.load_alerts, self.db, self.context.clock)

    @work(thread=True, exclusive=True, group="home-alerts", exit_on_error=False,
          description=N_("read the alerts"))  # fmt: skip
    def load_alerts(self, db: Database, clock: Callable[[], datetime]) -> None:
        """Orders waiting in audit too long and orders due soon but not shipped."""
        from ..services.platform.settings import get_settings
        from ..services.sales.audit_queue import alerts
        from ..services.shipping.tracking import overdue_shipments

        now = clock().astimezone(UTC)
        found = alerts(db, now=now)
        days = get_settings(db).shipment_overdue_days
        late = overdue_shipments(db, days, today=clock().date())
        if not get_current_worker().is_cancelled:
            self.post_message(self.AlertsLoaded(found, late_shipments=late, late_days=days))

    @work(thread=True, group="home-backup", exit_on_error=False,
          description=N_("take the daily backup"))  # fmt: skip
    def take_daily_backup(self, db: Database, now: datetime) -> None:
        """Back the database up unless a backup of today exists (``backup.daily``)."""
        from ..services.platform import backup

        worker = get_current_worker()  # closing the app stops it (not a whole copy's wait)
        made = backup.daily(db, now, stop=lambda: worker.is_cancelled)
        if made is not None:
            self.post_message(Said(_("Daily backup saved: {path}").format(path=made.path)))

    @on(AlertsLoaded)
    def show_alerts(self, message: AlertsLoaded) -> None:
        line = self.query_one("#alerts", Static)
        found = message.alerts
        late, late_days = message.late_shipments, message.late_days
        waiting, due = found.waiting_too_long, found.due_soon_not_shipped
        line.set_class(bool(waiting or due or late), "-attention")
        hot = "bold $text-warning"
        if late:  # three alerts: the short form, so it fits 80 columns
            line.update(Content.assemble(
                (_("Alerts") + " ", "bold"), (f"{waiting:,}", hot if waiting else "bold"),
                _(" in audit > {hours} h · ").format(hours=found.alert_hours),
                (f"{due:,}", hot if due else "bold"),
                _(" due in {days} d, not shipped · ").format(days=found.due_soon_days),
                (f"{late:,}", hot), _(" shipped, late > {days} d").format(days=late_days),
            ))  # fmt: skip
            return
        line.update(Content.assemble(
            (_("Alerts") + " ", "bold"),
            (f"{waiting:,}", hot if waiting else "bold"),
            _(" waiting in audit over {hours} h · ").format(hours=found.alert_hours),
            (f"{due:,}", hot if due else "bold"),
            ngettext(" due within {days} day, not shipped", " due within {days} days, not shipped",
                     found.due_soon_days).format(days=found.due_soon_days),
        ))  # fmt: skip

    def worker_failed(self, worker: Worker, error: BaseException) -> None:
        """Said on the line the counts (or the alerts) would be on, without the bell: the
        clerk asked for nothing; before the counts, the app is told (``HomeReady``)."""
        if worker.group == "home-backup":  # on the message line, with the bell
            super().worker_failed(worker, error)
            return
        text = failure_text(doing(worker), error)
        if "no such table" in text or "does not exist" in text:  # i18n: no (the database says)
            text += _(". Is the database set up? Run: oms db upgrade")
        said = Content.styled(text, "bold $text-error")
        if worker.group == "home-alerts":
            self.query_one("#alerts", Static).update(said)
            return
        for tile_id, _label in TILES:
            self.query_one(f"#{tile_id}", CountTile).value = "—"
        self.query_one("#counts-status", Static).update(said)
        self.call_after_refresh(self.app.post_message, HomeReady(text))

    # -- menu ---------------------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#menu")
    def open_area(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.app.switch_mode(event.option.id)
