"""Production: the capacity view (F10 / c on the board): units planned per route per day
against the route's daily capacity, the next 14 days."""

from __future__ import annotations

from datetime import date, timedelta
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Header, Static

from ...commands import ScreenCommands
from ...i18n import N_, _, ngettext
from ...services.production import board as production_board
from ...services.production.board import CapacityDay
from ...widgets.footer import KeysFooter
from .. import OmsScreen
from .rows import capacity_text

CAPACITY_DAYS = 14


class CapacityScreen(OmsScreen):
    """Work planned per day per route against its daily capacity, the next 14 days."""

    MESSAGE_ID = "prod-cap-status"
    CSS_PATH = "production.tcss"
    COMMANDS = {ScreenCommands}
    PALETTE_PREFIX = N_("Capacity")
    PALETTE: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("refresh", N_("Read again"), N_("Units planned per route per day (F5 / Ctrl+R)")),
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f5,ctrl+r", "refresh", N_("Refresh"), key_display="F5/^R",
                id="production.capacity.refresh", tooltip=N_("Read the capacity again")),
    ]  # fmt: skip

    class Loaded(Message):
        def __init__(self, days: list[CapacityDay]) -> None:
            super().__init__()
            self.days = days

    def __init__(self, today: date) -> None:
        super().__init__()
        self.today = today
        self.days: list[CapacityDay] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="prod-capacity"):
            yield Static(Content.styled(_("Reading the capacity…"), "dim"), id="prod-cap-status")
            with VerticalScroll(id="prod-cap-scroll"):
                yield Static("", id="prod-cap-days")
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#prod-cap-scroll").focus()
        self.action_refresh()

    def action_refresh(self) -> None:
        self.load(self.today)

    def retranslate(self) -> None:
        self.action_refresh()

    @work(thread=True, exclusive=True, group="production-capacity", exit_on_error=False,
          description=N_("read the capacity"))  # fmt: skip
    def load(self, today: date) -> None:
        self.post_message(self.Loaded(production_board.capacity(self.db, today, CAPACITY_DAYS)))

    @on(Loaded)
    def loaded(self, message: Loaded) -> None:
        status = self.query_one("#prod-cap-status", Static)
        self.days = message.days
        end = self.today + timedelta(days=CAPACITY_DAYS - 1)
        last = {d.route: d for d in self.days}  # each route's last day
        past = sorted(r for r, d in last.items() if d.backlog)
        status.update(Content.assemble(
            (_("Capacity") + " ", "bold"),
            _("{start} to {end}").format(start=f"{self.today:%m-%d}", end=f"{end:%m-%d}"), " · ",
            ngettext("{n} route", "{n} routes", len(last)).format(n=len(last)) + " · ",
            (_("booked past {day}: {routes}").format(day=f"{end:%m-%d}", routes=", ".join(past)),
             "bold $text-error")
            if past else (_("all open work fits these days"), "$text-success"),
        ))  # fmt: skip
        self.query_one("#prod-cap-days", Static).update(capacity_text(self.days, self.size.width))

    def on_resize(self) -> None:
        if self.days:
            self.query_one("#prod-cap-days", Static).update(
                capacity_text(self.days, self.size.width)
            )
