"""Stock: the lists pushed over the stock check (F4 below the reorder point, F10 reorder
suggestions with their CSV export); Enter shows the product in the stock check."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Header, Static

from ...commands import ScreenCommands
from ...failures import failure_text
from ...i18n import N_, _, ngettext
from ...services.inventory import stock
from ...services.platform.printing import documents_dir
from ...widgets.footer import KeysFooter
from ...widgets.order_list import OrderList, Piece
from .. import OmsScreen
from .rows import low_head, low_row, reorder_head, reorder_row


class ProductListScreen(OmsScreen):
    """A bounded list of product rows read in a worker; Enter opens the product in the
    stock check (the screen dismisses with its id)."""

    MESSAGE_ID = "list-status"

    CSS_PATH = "stock.tcss"
    COMMANDS = {ScreenCommands}
    TITLE_TEXT = ""
    EMPTY = ""
    WHAT = ""  # reading what the list holds: "Could not {WHAT}: ..."

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(classes="stock-list"):
            yield Static(Content.styled(_(self.TITLE_TEXT), "bold"), classes="list-title")
            yield Static("", id="list-status", classes="list-status")
            yield Static("", id="list-head", classes="list-head")
            yield OrderList(self.format_row, key=lambda r: (r.product_id, r.warehouse_code),
                            id="rows", empty_text=_(self.EMPTY))  # fmt: skip
        yield KeysFooter(compact=True)

    def format_row(self, row: Any, width: int) -> Sequence[Piece]:
        raise NotImplementedError

    def head(self, width: int) -> str:
        raise NotImplementedError

    def fetch_rows(self) -> list[Any]:
        raise NotImplementedError

    @property
    def rows(self) -> OrderList[Any]:
        return self.query_one("#rows", OrderList)

    def on_mount(self) -> None:
        self.query_one("#list-head", Static).update(self.head(self.size.width - 2))
        self.rows.focus()
        self.action_refresh()

    def on_resize(self) -> None:
        self.query_one("#list-head", Static).update(self.head(self.size.width - 2))

    def retranslate(self) -> None:
        """The language changed: the title, heads and rows again in it."""
        self.query_one(".list-title", Static).update(Content.styled(_(self.TITLE_TEXT), "bold"))
        self.rows.empty_text = _(self.EMPTY)
        self.on_resize()
        self.action_refresh()

    def action_refresh(self) -> None:
        self.say(Content.styled(_("Reading…"), "dim"))
        self.rows.load(lambda _cursor: (self.fetch_rows(), None))

    @on(OrderList.Loaded, "#rows")
    def loaded(self, message: OrderList.Loaded) -> None:
        self.say(self.summary(message.count))

    def summary(self, count: int) -> str | Content:
        return ngettext("{n} row", "{n} rows", count).format(n=count)

    @on(OrderList.Failed, "#rows")
    def failed(self, message: OrderList.Failed) -> None:
        self.say(failure_text(self.WHAT, message.error), error=True)

    @on(OrderList.Opened, "#rows")
    def opened(self, message: OrderList.Opened) -> None:
        self.dismiss(message.row.product_id)  # type: ignore[arg-type]

    def action_open(self) -> None:
        self.rows.action_open()


class LowStockScreen(ProductListScreen):
    """Every stocked product at or below its reorder point in a warehouse, worst first."""

    PALETTE_PREFIX = N_("Low stock")
    TITLE_TEXT = N_("Below the reorder point (free stock at or under it), furthest below first")
    EMPTY = N_("No product is below its reorder point.")
    WHAT = N_("read the products below their reorder point")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", N_("Show"), key_display="Enter", id="stock.low.open",
                tooltip=N_("Show the product in the stock check")),
        Binding("f5,ctrl+r", "refresh", N_("Refresh"), key_display="F5/^R", show=False,
                id="stock.low.refresh", tooltip=N_("Read the list again (F5 / Ctrl+R)")),
    ]  # fmt: skip
    PALETTE: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("open", N_("Show product"), N_("In the stock check (Enter)")),
        ("refresh", N_("Read again"), N_("The list (F5 / Ctrl+R)")),
    )

    def format_row(self, row: Any, width: int) -> Sequence[Piece]:
        return low_row(row, width)

    def head(self, width: int) -> str:
        return low_head(width)

    def fetch_rows(self) -> list[Any]:
        return stock.below_reorder_point(self.db)

    def summary(self, count: int) -> str | Content:
        rows = ngettext("{n} row", "{n} rows", count).format(n=count)
        return Content.assemble((rows, "bold"), "  " + _("Enter shows the product"))


class ReorderScreen(ProductListScreen):
    """Reorder suggestions: point = daily demand x lead time + safety stock; what to order."""

    PALETTE_PREFIX = N_("Reorder")
    TITLE_TEXT = N_("Reorder suggestions: ROP = demand/day x lead days + safety; Buy = to order")
    EMPTY = N_("Nothing needs ordering.")
    WHAT = N_("read the reorder suggestions")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2,ctrl+s", "export", N_("Export CSV"), key_display="F2/^S",
                id="stock.reorder.csv",
                tooltip=N_("Save the suggestions as a CSV file for purchasing")),
        Binding("enter", "open", N_("Show"), key_display="Enter", show=False,
                id="stock.reorder.open", tooltip=N_("Show the product in the stock check")),
        Binding("f5,ctrl+r", "refresh", N_("Refresh"), key_display="F5/^R", show=False,
                id="stock.reorder.refresh", tooltip=N_("Compute the suggestions again")),
    ]  # fmt: skip
    PALETTE: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("export", N_("Export CSV"), N_("Save the suggestions for purchasing (F2 / Ctrl+S)")),
        ("open", N_("Show product"), N_("In the stock check (Enter)")),
        ("refresh", N_("Compute again"), N_("The suggestions (F5 / Ctrl+R)")),
    )

    class Exported(Message):
        def __init__(self, path: Path, count: int) -> None:
            super().__init__()
            self.path, self.count = path, count

    def format_row(self, row: Any, width: int) -> Sequence[Piece]:
        return reorder_row(row, width)

    def head(self, width: int) -> str:
        return reorder_head(width)

    def fetch_rows(self) -> list[Any]:
        return stock.reorder_suggestions(self.db, today=self.context.clock().date())

    def summary(self, count: int) -> str | Content:
        found = ngettext("{n} suggestion", "{n} suggestions", count).format(n=count)
        return Content.assemble((found, "bold"), "  " + _("F2 exports CSV · Enter shows"))

    def action_export(self) -> None:
        rows = list(self.rows.rows)
        if not rows:
            self.say(_("Nothing to export."), error=True)
            return
        self.export(rows, self.context.clock())

    @work(thread=True, exclusive=True, group="stock-export", exit_on_error=False,
          description=N_("save the CSV"))  # fmt: skip
    def export(self, rows: list[stock.ReorderRow], now: datetime) -> None:
        from ...services.platform.csv_files import encode_csv
        from ...services.platform.files import write_private
        from ...services.platform.settings import get_settings

        path = documents_dir() / f"reorder-{now:%Y%m%d-%H%M%S}.csv"
        # as every CSV oms writes: UTF-8 with a BOM (Excel on Chinese Windows), or GB18030
        write_private(path, encode_csv(stock.reorder_csv(rows),
                                       get_settings(self.db).csv_encoding))  # fmt: skip
        self.post_message(self.Exported(path, len(rows)))

    @on(Exported)
    def exported(self, message: Exported) -> None:
        saved = ngettext("{n} row saved to ", "{n} rows saved to ", message.count)
        self.say(Content.assemble((saved.format(n=message.count), "bold $text-success"),
                                  str(message.path)))  # fmt: skip
