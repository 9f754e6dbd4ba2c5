"""A customer's history: the figures support staff are asked for, then every order,
newest first (more load as PgDn goes down), with the production stage of made-to-order
work. Enter opens an order. Opened from an order's detail (F6 / Ctrl+O)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Header, Static

from ..commands import ScreenCommands
from ..failures import failure_text
from ..i18n import N_, _
from ..messages import OpenOrder
from ..services.platform.money import format_money
from ..services.sales import customer_history
from ..widgets.footer import KeysFooter
from ..widgets.order_list import OrderList, Piece, fit
from . import OmsScreen
from .change_history import CHANGES_PALETTE, changes_binding, open_changes
from .formats import local_time, said

PAGE = 50


def history_row(o: customer_history.HistoryOrder, width: int) -> list[Piece]:
    made = max(0, width - 56)
    pieces: list[Piece] = [
        (fit(o.number, 15), ""),
        (" " + local_time(o.created_at, "%y-%m-%d"), "dim"),
        (" " + fit(said(o.status_label), 16), ""),
        (" " + fit(format_money(o.total_minor, o.currency), 13, True), ""),
    ]
    if made:
        pieces.append((" " + fit(o.production, made), "dim"))
    return pieces


class CustomerHistoryScreen(OmsScreen):
    """One customer's orders and figures (read only)."""

    MESSAGE_ID = "hist-summary"  # "Reading the customer…", then the figures (or why not)
    COMMANDS = {ScreenCommands}
    PALETTE_PREFIX = N_("Customer history")
    PALETTE: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("reload", N_("Read again"), N_("Read the customer's history again (F5 / Ctrl+R)")),
        CHANGES_PALETTE,
    )
    DEFAULT_CSS = """
    CustomerHistoryScreen #hist-summary { height: auto; padding: 0 1; }
    CustomerHistoryScreen #hist-head { height: 1; padding: 0 1; color: $text-muted; }
    CustomerHistoryScreen #hist-orders { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f5,ctrl+r", "reload", N_("Reload"), key_display="F5/^R",
                id="customers.history.reload", tooltip=N_("Read the history again")),
        changes_binding("customers.history"),
    ]  # fmt: skip

    class Summed(Message):
        def __init__(self, summary: customer_history.HistorySummary) -> None:
            super().__init__()
            self.summary = summary

    def __init__(self, customer_id: int) -> None:
        super().__init__()
        self.customer_id = customer_id
        self.customer = ("", "")  # code and name, once read

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical():
            yield Static(_("Reading the customer…"), id="hist-summary")
            yield Static(self.head(), id="hist-head")
            yield OrderList(history_row, key=lambda o: o.id, id="hist-orders",
                            empty_text=N_("No orders yet."))  # fmt: skip
        yield KeysFooter(compact=True)

    @staticmethod
    def head() -> str:
        heads = [fit(_("Order"), 15), fit(_("Date"), 8), fit(_("Status"), 16),
                 fit(_("Total"), 13, True), _("Production")]  # fmt: skip
        return " " + " ".join(heads)

    def retranslate(self) -> None:
        """The language changed: heads, figures and rows in it."""
        self.query_one("#hist-head", Static).update(self.head())
        self.action_reload()

    def on_mount(self) -> None:
        self.query_one("#hist-orders", OrderList).focus()
        self.action_reload()

    def action_reload(self) -> None:
        self.load_summary()
        db, cid = self.db, self.customer_id

        def fetch(before: Any) -> tuple[Sequence[Any], Any]:
            rows = customer_history.orders_page(db, cid, before=before, limit=PAGE)
            return rows, (rows[-1] if len(rows) == PAGE else None)

        self.query_one("#hist-orders", OrderList).load(fetch)

    @work(thread=True, exclusive=True, group="customer-history", exit_on_error=False,
          description=N_("read the history"))  # fmt: skip
    def load_summary(self) -> None:
        today = self.context.clock().date()
        self.post_message(self.Summed(customer_history.summary(self.db, self.customer_id, today)))

    @on(OrderList.Failed, "#hist-orders")
    def orders_failed(self, message: OrderList.Failed) -> None:
        self.say(failure_text(N_("read the orders"), message.error), error=True)

    @on(Summed)
    def show(self, message: Summed) -> None:
        part = self.query_one("#hist-summary", Static)
        s = message.summary
        self.customer = (s.code, s.name)
        money = lambda minor: format_money(minor, s.currency)  # noqa: E731
        part.update(Content("\n").join([
            Content.assemble((s.name, "bold $text-accent"), f"  {s.code}",
                             ("  " + _("on credit hold"), "bold $text-error")
                             if s.credit_hold else ""),
            Content.assemble((_("Orders") + " ", "dim"), f"{s.orders:,}",
                             ("  " + _("Total") + " ", "dim"), money(s.total_minor),
                             ("  " + _("Average") + " ", "dim"), money(s.average_minor),
                             ("  " + _("Last") + " ", "dim"),
                             local_time(s.last_order_at, "%Y-%m-%d")),
            Content.assemble((_("Open balance") + " ", "dim"), money(s.open_balance_minor),
                             ("  " + _("overdue") + " ", "dim"),
                             (money(s.overdue_minor), "bold $text-error" if s.overdue_minor
                              else "")),
        ]))  # fmt: skip

    def action_changes(self) -> None:
        code, name = self.customer
        open_changes(self, "customer", code, f"{code} {name}")

    @on(OrderList.Opened, "#hist-orders")
    def opened(self, message: OrderList.Opened) -> None:
        self.post_message(OpenOrder(message.row.number))
