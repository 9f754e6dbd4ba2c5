"""Receivables: today's follow-ups (F8 on the aging view), oldest first; Enter opens the
customer."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Header, Static

from ...commands import ScreenCommands
from ...failures import failure_text
from ...i18n import N_, _, ngettext
from ...services.finance import follow_ups
from ...widgets.footer import KeysFooter
from ...widgets.order_list import OrderList
from .. import OmsScreen
from .rows import today_head, today_row


class TodayScreen(OmsScreen):
    """Open follow-ups due today or before, oldest first; Enter opens the customer (the
    screen dismisses with the customer's id and name)."""

    MESSAGE_ID = "recv-today-status"
    CSS_PATH = "receivables.tcss"
    COMMANDS = {ScreenCommands}
    PALETTE_PREFIX = N_("Today's follow-ups")
    PALETTE: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("open", N_("Open customer"), N_("Invoices, credit, follow-ups (Enter)")),
        ("refresh", N_("Read again"), N_("Today's follow-ups (F5 / Ctrl+R)")),
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", N_("Open"), key_display="Enter", id="recv.today.open",
                tooltip=N_("Open the customer")),
        Binding("f5,ctrl+r", "refresh", N_("Refresh"), key_display="F5/^R", show=False,
                id="recv.today.refresh", tooltip=N_("Read today's follow-ups again")),
    ]  # fmt: skip

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="recv-today"):
            yield Static("", id="recv-today-status")
            yield Static("", id="recv-today-head")
            yield OrderList(today_row, key=lambda f: f.id, id="recv-today-list",
                            empty_text=_("Nothing to follow up today."))  # fmt: skip
        yield KeysFooter(compact=True)

    @property
    def rows(self) -> OrderList[follow_ups.FollowUpView]:
        return self.query_one("#recv-today-list", OrderList)

    def on_mount(self) -> None:
        self.query_one("#recv-today-head", Static).update(today_head(self.size.width - 2))
        self.rows.focus()
        self.action_refresh()

    def retranslate(self) -> None:
        self.rows.empty_text = _("Nothing to follow up today.")
        self.query_one("#recv-today-head", Static).update(today_head(self.size.width - 2))
        self.action_refresh()

    def action_refresh(self) -> None:
        db, today = self.db, self.context.clock().date()
        self.query_one("#recv-today-status", Static).update(Content.styled(_("Reading…"), "dim"))
        self.rows.load(lambda _cursor: (follow_ups.todays_follow_ups(db, today), None))

    @on(OrderList.Loaded, "#recv-today-list")
    def loaded(self, message: OrderList.Loaded) -> None:
        today = self.context.clock().date()
        self.query_one("#recv-today-status", Static).update(Content.assemble(
            (ngettext("{n} follow-up due by {day}", "{n} follow-ups due by {day}",
                      message.count).format(n=message.count, day=today), "bold"),
            "  " + _("Enter opens the customer"),
        ))  # fmt: skip

    @on(OrderList.Failed, "#recv-today-list")
    def failed(self, message: OrderList.Failed) -> None:
        self.say(failure_text(N_("read today's follow-ups"), message.error), error=True)

    @on(OrderList.Opened, "#recv-today-list")
    def opened(self, message: OrderList.Opened) -> None:
        f = message.row
        self.dismiss((f.customer_id, f.customer_name))  # type: ignore[arg-type]

    def action_open(self) -> None:
        self.rows.action_open()
