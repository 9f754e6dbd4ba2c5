"""Stock: check a product's stock and ledger, and the stock operations, by key.

The stock check keeps one scan line focused: a code or barcode (scanned or typed) and Enter
shows the product; words search by name (several matches: a pick list, Up/Down and Enter
on the empty line). Per warehouse: on hand, reserved, available, incoming, reorder point
(low stock marked), the backordered units, and below them the product's ledger, newest
first, read a page at a time as PgDn goes down it (``stock.ledger`` keyset on ``before``).
Every query runs in a thread worker; a newer scan wins over an older answer.

Keys (the README copies these rows; every F-key has a Ctrl twin ``Input`` does not swallow):

| Key         | Twin        | Where         | Does                                               |
|-------------|-------------|---------------|----------------------------------------------------|
| `Enter`     |             | scan line     | show the product (code, barcode) or search words   |
| `Up`/`Down` |             | scan line     | move in the matches (Enter on the empty line picks)|
|             |             |               | or in the ledger                                   |
| `PgDn`/`PgUp`|            | stock check   | page the ledger (more moves load as it goes)       |
| `F4`        | `Ctrl+L`    | stock check   | products below their reorder point; Enter shows one|
| `F5`        | `Ctrl+R`    | stock screens | read again                                         |
| `F6`        | `Ctrl+O`    | stock check   | receive goods: warehouse, qty, supplier, reference |
| `F7`        | `Ctrl+N`    | stock check   | transfer: from, to, qty, reason                    |
| `F8`        | `Ctrl+Y`    | stock check   | adjust: warehouse, +/- qty, reason (required)      |
| `F9`        | `Ctrl+B`    | stock check   | stocktake of a warehouse by scanner                |
| `F10`       | `Ctrl+G`    | stock check   | reorder suggestions; `F2`/`Ctrl+S` exports CSV     |

Dialogs: Tab moves between fields, Enter saves, Esc / F12 backs out; an error shows under
the fields with the field it is about focused, and rings the bell.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Header, Label, OptionList, Static
from textual.widgets.option_list import Option

from ..commands import ScreenCommands
from ..failures import failure_text
from ..services.catalog.catalog import ProductHit, search_products
from ..services.fulfilment import stock_operations
from ..services.inventory import stock
from ..services.platform.errors import InvalidInput, NotFound
from ..services.platform.printing import documents_dir
from ..widgets.footer import KeysFooter
from ..widgets.form_dialog import FormField, Run
from ..widgets.order_list import OrderList, Piece, fit
from ..widgets.scan_input import ScanInput
from . import OmsScreen
from .formats import local_time, signed
from .list_screen import key_hint
from .stock_form import StockForm

PAGE = 50
KIND_LABEL = {
    stock.RECEIPT: "receipt", stock.ISSUE: "issue", stock.TRANSFER_IN: "transfer in",
    stock.TRANSFER_OUT: "transfer out", stock.ADJUSTMENT: "adjustment",
    stock.PRODUCTION_IN: "made", stock.PRODUCTION_USE: "used in prod", stock.RETURN_IN: "return",
}  # fmt: skip
KEY_HINT = key_hint(("F6", "receive"), ("F7", "transfer"), ("F8", "adjust"), ("F9", "count"),
                    ("F4", "low"), ("F10", "reorder"), ("PgDn", "more"))  # fmt: skip


# -- the ledger and the card ------------------------------------------------------------------

# Date, warehouse, move, qty, reference (document numbers are 14 wide), user; then why.
_LEDGER_FIXED = 14 + 1 + 4 + 1 + 14 + 1 + 7 + 1 + 14 + 1 + 10


def move_label(m: stock.MoveView) -> str:
    """What the ledger calls a move: its kind, and for production use which way it went
    (materials issued to a production order, or back from a cancelled one)."""
    if m.kind == stock.PRODUCTION_USE and m.qty > 0:
        return "back from prod"
    return KIND_LABEL.get(m.kind, m.kind)


def ledger_row(m: stock.MoveView, width: int) -> list[Piece]:
    reason = max(0, width - _LEDGER_FIXED - 1)
    pieces: list[Piece] = [
        (local_time(m.at, "%y-%m-%d %H:%M"), "dim"),
        (" " + fit(m.warehouse_code, 4), ""),
        (" " + fit(move_label(m), 14), ""),
        (" " + fit(signed(m.qty), 7, True), "pass" if m.qty > 0 else "warn"),
        (" " + fit(m.reference, 14), ""),
        (" " + fit(m.actor, 10), "dim"),
    ]
    if reason:
        pieces.append((" " + fit(m.reason, reason), "dim"))
    return pieces


def ledger_head(width: int) -> str:
    text = (f" {fit('Date', 14)} {fit('Whse', 4)} {fit('Move', 14)} {fit('Qty', 7, True)} "
            f"{fit('Reference', 14)} {fit('User', 10)}")  # fmt: skip
    return text + (" Why" if width - _LEDGER_FIXED - 1 > 0 else "")


_NUMBERS = ((8, "On hand"), (8, "Reserved"), (9, "Available"), (8, "Incoming"), (7, "Reorder"))


def _name_width(width: int) -> int:
    return max(6, width - 2 - 5 - sum(w + 1 for w, _ in _NUMBERS) - 4)


def card_table(card: stock.StockCard, width: int) -> Content:
    """Column heads, one line per warehouse (low stock marked), the totals."""
    name_w = _name_width(width)
    lines = [Content.styled(
        f" {fit('Whse', 4)} {fit('', name_w)}"
        + "".join(f" {fit(head, w, True)}" for w, head in _NUMBERS), "bold"
    )]  # fmt: skip
    for w in card.warehouses:
        mark, style = "", ""
        if w.available <= 0:
            mark, style = "out", "bold $text-error"
        elif w.low:
            mark, style = "low", "bold $text-warning"
        numbers = (w.on_hand, w.reserved, w.available, w.incoming, w.reorder_point)
        text = (f" {fit(w.code, 4)} {fit(w.name, name_w)}"
                + "".join(f" {fit(str(n), cw, True)}" for n, (cw, _) in zip(numbers, _NUMBERS,
                                                                               strict=True))
                + f" {mark:<3}")  # fmt: skip
        lines.append(Content.styled(text, style) if style else Content(text))
    totals = (card.on_hand, card.reserved, card.available, card.incoming)
    back = f"{card.backordered} backordered" if card.backordered else ""
    lines.append(Content.assemble(
        (f" {fit('All', 4)} {fit(back, name_w)}", "bold $text-error" if back else "bold"),
        ("".join(f" {fit(str(n), cw, True)}" for n, (cw, _) in zip(totals, _NUMBERS[:4],
                                                                    strict=True)), "bold"),
    ))  # fmt: skip
    return Content("\n").join(lines)


def card_title(card: stock.StockCard) -> Content:
    extra = [card.description] if card.description else []
    extra += [card.unit, "made to order" if card.made_to_order else f"lead {card.lead_time_days} d"]
    if card.barcode:
        extra.append(card.barcode)
    return Content.assemble((card.code, "bold $text-accent"), f"  {card.name}  ",
                            (" · ".join(e for e in extra if e), "dim"))  # fmt: skip


# -- dialogs ---------------------------------------------------------------------------------


def whole_number(text: str, field: str = "qty", *, signed_ok: bool = False) -> int:
    """A quantity as typed; ``signed_ok`` takes ``+5`` / ``-3`` (not 0)."""
    t = text.strip().replace(" ", "")
    try:
        n = int(t)
    except ValueError:
        want = "+5 or -3" if signed_ok else "a whole number above 0"
        raise InvalidInput(f"type the quantity: {want}", field) from None
    if n == 0 or (n < 0 and not signed_ok):
        raise InvalidInput(
            "the quantity must be "
            + ("+N or -N, not 0" if signed_ok else "a whole number above 0"),
            field,
        )
    return n


def warehouse_code(text: str, codes: Sequence[str], field: str = "warehouse") -> str:
    code = text.strip().upper()
    if not code:
        raise InvalidInput(f"type a warehouse: {', '.join(codes)}", field)
    if codes and code not in codes:
        raise InvalidInput(f"no warehouse '{text.strip()}': {', '.join(codes)}", field)
    return code


# -- lists pushed over the stock check ----------------------------------------------------


def low_row(r: stock.LowStockRow, width: int) -> list[Piece]:
    name = max(6, width - 16 - 5 - 4 * 9)
    return [
        (fit(r.code, 15), ""),
        (" " + fit(r.name, name), ""),
        (" " + fit(r.warehouse_code, 4), ""),
        (" " + fit(str(r.on_hand), 8, True), ""),
        (" " + fit(str(r.reserved), 8, True), "dim"),
        (" " + fit(str(r.available), 8, True), "fail" if r.available <= 0 else "warn"),
        (" " + fit(str(r.reorder_point), 8, True), ""),
    ]


def low_head(width: int) -> str:
    name = max(6, width - 16 - 5 - 4 * 9)
    return f" {fit('Product', 15)} {fit('Name', name)} {fit('Whse', 4)} " + " ".join(
        fit(h, 8, True) for h in ("On hand", "Reserved", "Avail", "Reorder")
    )


def reorder_row(r: stock.ReorderRow, width: int) -> list[Piece]:
    name = max(6, width - 13 - 5 - 7 * 7)
    return [
        (fit(r.code, 12), ""),
        (" " + fit(r.name, name), ""),
        (" " + fit(r.warehouse_code, 4), ""),
        (" " + fit(str(r.available), 6, True), "warn" if r.available <= r.reorder_point else ""),
        (" " + fit(str(r.incoming), 6, True), "dim"),
        (" " + fit(r.daily_demand, 6, True), "dim"),
        (" " + fit(str(r.lead_time_days), 6, True), "dim"),
        (" " + fit(str(r.current_reorder_point), 6, True), "dim"),
        (" " + fit(str(r.reorder_point), 6, True), ""),
        (" " + fit(str(r.suggested_qty), 6, True), "alert"),
    ]


def reorder_head(width: int) -> str:
    name = max(6, width - 13 - 5 - 7 * 7)
    return (f" {fit('Product', 12)} {fit('Name', name)} {fit('Whse', 4)} "
            + " ".join(fit(h, 6, True) for h in ("Avail", "In", "/day", "Lead", "ROP",
                                                 "New", "Order")))  # fmt: skip


class ProductListScreen(OmsScreen):
    """A bounded list of product rows read in a worker; Enter opens the product in the
    stock check (the screen dismisses with its id)."""

    MESSAGE_ID = "list-status"

    CSS_PATH = "stock.tcss"
    COMMANDS = {ScreenCommands}
    TITLE_TEXT = ""
    EMPTY = ""
    WHAT = ""  # what the list holds: "Could not read {WHAT}: ..."

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(classes="stock-list"):
            yield Static(Content.styled(self.TITLE_TEXT, "bold"), classes="list-title")
            yield Static("", id="list-status", classes="list-status")
            yield Static("", id="list-head", classes="list-head")
            yield OrderList(self.format_row, key=lambda r: (r.product_id, r.warehouse_code),
                            id="rows", empty_text=self.EMPTY)  # fmt: skip
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

    def action_refresh(self) -> None:
        self.say(Content.styled("Reading…", "dim"))
        self.rows.load(lambda _cursor: (self.fetch_rows(), None))

    @on(OrderList.Loaded, "#rows")
    def loaded(self, message: OrderList.Loaded) -> None:
        self.say(self.summary(message.count))

    def summary(self, count: int) -> str | Content:
        return f"{count} rows"

    @on(OrderList.Failed, "#rows")
    def failed(self, message: OrderList.Failed) -> None:
        self.say(failure_text(f"read {self.WHAT}", message.error), error=True)

    @on(OrderList.Opened, "#rows")
    def opened(self, message: OrderList.Opened) -> None:
        self.dismiss(message.row.product_id)  # type: ignore[arg-type]

    def action_open(self) -> None:
        self.rows.action_open()


class LowStockScreen(ProductListScreen):
    """Every stocked product at or below its reorder point in a warehouse, worst first."""

    PALETTE_PREFIX = "Low stock"
    TITLE_TEXT = "Below the reorder point (free stock at or under it), furthest below first"
    EMPTY = "No product is below its reorder point."
    WHAT = "the products below their reorder point"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Show", key_display="Enter", id="stock.low.open",
                tooltip="Show the product in the stock check"),
        Binding("f5,ctrl+r", "refresh", "Refresh", key_display="F5/^R", show=False,
                id="stock.low.refresh", tooltip="Read the list again (F5 / Ctrl+R)"),
    ]  # fmt: skip
    PALETTE: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("open", "Show product", "In the stock check (Enter)"),
        ("refresh", "Read again", "The list (F5 / Ctrl+R)"),
    )

    def format_row(self, row: Any, width: int) -> Sequence[Piece]:
        return low_row(row, width)

    def head(self, width: int) -> str:
        return low_head(width)

    def fetch_rows(self) -> list[Any]:
        return stock.below_reorder_point(self.db)

    def summary(self, count: int) -> str | Content:
        noun = "row" if count == 1 else "rows"
        return Content.assemble((f"{count} {noun}", "bold"), "  Enter shows the product")


class ReorderScreen(ProductListScreen):
    """Reorder suggestions: point = daily demand x lead time + safety stock; what to order."""

    PALETTE_PREFIX = "Reorder"
    TITLE_TEXT = "Reorder suggestions: ROP = demand/day x lead days + safety; Order = to buy"
    EMPTY = "Nothing needs ordering."
    WHAT = "the reorder suggestions"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2,ctrl+s", "export", "Export CSV", key_display="F2/^S", id="stock.reorder.csv",
                tooltip="Save the suggestions as a CSV file for purchasing"),
        Binding("enter", "open", "Show", key_display="Enter", show=False,
                id="stock.reorder.open", tooltip="Show the product in the stock check"),
        Binding("f5,ctrl+r", "refresh", "Refresh", key_display="F5/^R", show=False,
                id="stock.reorder.refresh", tooltip="Compute the suggestions again"),
    ]  # fmt: skip
    PALETTE: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("export", "Export CSV", "Save the suggestions for purchasing (F2 / Ctrl+S)"),
        ("open", "Show product", "In the stock check (Enter)"),
        ("refresh", "Compute again", "The suggestions (F5 / Ctrl+R)"),
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
        noun = "suggestion" if count == 1 else "suggestions"
        return Content.assemble((f"{count} {noun}", "bold"), "  F2 exports CSV · Enter shows")

    def action_export(self) -> None:
        rows = list(self.rows.rows)
        if not rows:
            self.say("Nothing to export.", error=True)
            return
        self.export(rows, self.context.clock())

    @work(thread=True, exclusive=True, group="stock-export", exit_on_error=False,
          description="save the CSV")  # fmt: skip
    def export(self, rows: list[stock.ReorderRow], now: datetime) -> None:
        path = documents_dir() / f"reorder-{now:%Y%m%d-%H%M%S}.csv"
        path.write_text(stock.reorder_csv(rows), encoding="utf-8", newline="")
        self.post_message(self.Exported(path, len(rows)))

    @on(Exported)
    def exported(self, message: Exported) -> None:
        self.say(Content.assemble((f"{message.count} rows saved to ", "bold $text-success"),
                                  str(message.path)))  # fmt: skip


# -- the stock check -------------------------------------------------------------------------


class StockScreen(OmsScreen):
    """One scan line, the product's stock per warehouse and its ledger; operations by key."""

    MESSAGE_ID = "stock-message"

    CSS_PATH = "stock.tcss"
    COMMANDS = {ScreenCommands}
    PALETTE_PREFIX = "Stock"
    PALETTE: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("receive", "Receive goods", "Into a warehouse, with supplier and reference (F6 / Ctrl+O)"),
        ("transfer", "Transfer", "Between warehouses, with a reason (F7 / Ctrl+N)"),
        ("adjust", "Adjust", "Correct on hand by +/- qty with a reason (F8 / Ctrl+Y)"),
        ("stocktake", "Stocktake", "Count a warehouse by scanner (F9 / Ctrl+B)"),
        ("low_stock", "Below reorder point", "Products low in a warehouse (F4 / Ctrl+L)"),
        ("reorder", "Reorder suggestions", "What to buy; export CSV (F10 / Ctrl+G)"),
        ("refresh", "Read again", "The product's stock and ledger (F5 / Ctrl+R)"),
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f6,ctrl+o", "receive", "Receive", key_display="F6/^O", id="stock.receive",
                tooltip="Receive goods of this product: warehouse, qty, supplier, reference"),
        Binding("f9,ctrl+b", "stocktake", "Count", key_display="F9/^B", id="stock.stocktake",
                tooltip="Stocktake: count a warehouse by scanner, post the differences"),
        Binding("f7,ctrl+n", "transfer", "Transfer", key_display="F7/^N", show=False,
                id="stock.transfer", tooltip="Transfer this product: from, to, qty, reason"),
        Binding("f8,ctrl+y", "adjust", "Adjust", key_display="F8/^Y", show=False,
                id="stock.adjust", tooltip="Adjust on hand: warehouse, +/- qty, reason"),
        Binding("f4,ctrl+l", "low_stock", "Low", key_display="F4/^L", show=False,
                id="stock.low", tooltip="Products below their reorder point"),
        Binding("f10,ctrl+g", "reorder", "Reorder", key_display="F10/^G", show=False,
                id="stock.reorder", tooltip="Reorder suggestions; export CSV"),
        Binding("f5,ctrl+r", "refresh", "Refresh", key_display="F5/^R", show=False,
                id="stock.refresh", tooltip="Read the product's stock and ledger again"),
        Binding("down", "move(1)", "", show=False, id="stock.next"),
        Binding("up", "move(-1)", "", show=False, id="stock.previous"),
        Binding("pagedown", "page(1)", "Page down", show=False, priority=True,
                id="stock.page_down", tooltip="Ledger: next page (more moves load)"),
        Binding("pageup", "page(-1)", "Page up", show=False, priority=True,
                id="stock.page_up", tooltip="Ledger: previous page"),
    ]  # fmt: skip

    class CardLoaded(Message):
        def __init__(self, seq: int, card: stock.StockCard, note: str = "") -> None:
            super().__init__()
            self.seq, self.card, self.note = seq, card, note

    class Matches(Message):
        def __init__(self, seq: int, words: str, hits: list[ProductHit]) -> None:
            super().__init__()
            self.seq, self.words, self.hits = seq, words, hits

    def __init__(self) -> None:
        super().__init__()
        self.card: stock.StockCard | None = None
        self.hits: list[ProductHit] = []
        self._seq = 0

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="stock"):
            with Horizontal(id="scan-row"):
                yield Label("Product", id="scan-label")
                yield ScanInput(id="stock-scan", placeholder="scan or type a code, barcode or name")
            yield Static("", id="stock-message")
            yield Static(
                "Scan a barcode or type a product code and Enter; words search by name.",
                id="stock-help",
            )
            yield OptionList(id="matches")
            with Vertical(id="card"):
                yield Static("", id="card-title")
                yield Static("", id="card-table")
                yield Static("", id="ledger-head")
                yield OrderList(ledger_row, key=lambda m: m.id, id="ledger",
                                empty_text="No stock moves yet.")  # fmt: skip
            yield Static(KEY_HINT, id="stock-keys")
        yield KeysFooter(compact=True)

    @property
    def ledger(self) -> OrderList[stock.MoveView]:
        return self.query_one("#ledger", OrderList)

    @property
    def scan(self) -> ScanInput:
        return self.query_one("#stock-scan", ScanInput)

    def on_mount(self) -> None:
        matches = self.query_one("#matches", OptionList)
        matches.can_focus = False
        self.ledger.can_focus = False  # the scan line keeps the focus; Up/Down/PgDn move it
        self._show("help")
        self.scan.focus()

    def on_screen_resume(self) -> None:
        self.scan.focus()

    def on_resize(self) -> None:
        self.query_one("#ledger-head", Static).update(ledger_head(self.size.width - 2))
        if self.card is not None:
            self.query_one("#card-table", Static).update(card_table(self.card, self.size.width))

    def _show(self, part: str) -> None:
        """One of ``help``, ``matches`` or ``card`` under the scan line."""
        for name in ("help", "matches", "card"):
            widget = self.query_one("#stock-help" if name == "help" else f"#{name}")
            widget.display = name == part

    # -- finding -------------------------------------------------------------------------------

    @on(ScanInput.Scanned, "#stock-scan")
    def scanned(self, event: ScanInput.Scanned) -> None:
        event.stop()
        text = event.value.strip()
        if not text:
            if self.query_one("#matches").display and self.hits:
                self.pick()
            return
        self.find(text)

    def find(self, text: str = "", product_id: int | None = None, note: str = "") -> None:
        self._seq += 1
        if not note:
            self.say(Content.styled(f"Looking up {text}…" if text else "Reading…", "dim"))
        self.lookup(self._seq, text, product_id, note)

    @work(thread=True, exclusive=True, group="stock-card", exit_on_error=False,
          description="read the stock")  # fmt: skip
    def lookup(self, seq: int, text: str, product_id: int | None, note: str) -> None:
        """The product's card; a code, barcode or name typed (a newer scan cancels it)."""
        db = self.db
        if product_id is not None:
            card = stock.stock_card(db, product_id)
        else:
            try:
                card = stock.find_stock_card(db, text)
            except NotFound:  # not a code or barcode: words of a name
                hits = search_products(db, text, limit=100)
                if not hits:
                    raise NotFound(f"Nothing matches “{text}”: no code, barcode or name.") from None
                if len(hits) > 1:
                    self.post_message(self.Matches(seq, text, hits))
                    return
                card = stock.stock_card(db, hits[0].id)
        self.post_message(self.CardLoaded(seq, card, note))

    @on(CardLoaded)
    def card_loaded(self, message: CardLoaded) -> None:
        if message.seq != self._seq:
            return  # a newer scan is on its way
        same = self.card is not None and self.card.product_id == message.card.product_id
        self.card = card = message.card
        self.query_one("#card-title", Static).update(card_title(card))
        self.query_one("#card-table", Static).update(card_table(card, self.size.width))
        self.query_one("#ledger-head", Static).update(ledger_head(self.size.width - 2))
        self._show("card")
        if message.note:
            self.say(Content.styled(message.note, "bold $text-success"))
        else:
            self.say(Content.assemble(
                (f"{card.available} available", "bold"), f" of {card.on_hand} on hand",
                (f" · {card.backordered} backordered", "bold $text-error")
                if card.backordered else "",
            ))  # fmt: skip
        db, pid = self.db, card.product_id

        def fetch(before: stock.MoveView | None) -> tuple[list[stock.MoveView], Any]:
            rows = stock.ledger(db, pid, before=before, limit=PAGE)
            return rows, (rows[-1] if len(rows) == PAGE else None)

        self.ledger.load(fetch, keep=same)

    @on(Matches)
    def matches_found(self, message: Matches) -> None:
        if message.seq != self._seq:
            return
        self.hits = message.hits
        matches = self.query_one("#matches", OptionList)
        matches.set_options(
            Option(Content.assemble((fit(h.code, 14), "bold"), " ", fit(h.description, 48),
                                    (f" {h.available:>6} free", "dim")))
            for h in message.hits
        )  # fmt: skip
        matches.highlighted = 0
        self._show("matches")
        more = "+" if len(message.hits) >= 100 else ""
        self.say(Content.assemble((f"{len(message.hits)}{more} match “{message.words}”", "bold"),
                                  ": Up/Down, then Enter on the empty line"))  # fmt: skip

    @on(OptionList.OptionSelected, "#matches")
    def clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.pick()

    def pick(self) -> None:
        index = self.query_one("#matches", OptionList).highlighted
        if index is not None and 0 <= index < len(self.hits):
            self.find(self.hits[index].code, product_id=self.hits[index].id)

    def show_product(self, product_id: int | None) -> None:
        """A list pushed over this screen picked a product (None: backed out)."""
        if product_id is not None:
            self.find(product_id=product_id)

    # -- keys ----------------------------------------------------------------------------------

    def action_move(self, step: int) -> None:
        if self.query_one("#matches").display:
            matches = self.query_one("#matches", OptionList)
            if matches.option_count:
                current = matches.highlighted or 0
                matches.highlighted = max(0, min(matches.option_count - 1, current + step))
        elif self.card is not None:
            self.ledger.action_move(step)

    def action_page(self, step: int) -> None:
        if self.card is not None and self.query_one("#card").display:
            self.ledger.action_page(step)

    def action_refresh(self) -> None:
        if self.card is None:
            self.say("Scan or type a product first.", error=True)
            return
        self.find(self.card.code, product_id=self.card.product_id)

    def action_low_stock(self) -> None:
        self.app.push_screen(LowStockScreen(), callback=self.show_product)

    def action_reorder(self) -> None:
        self.app.push_screen(ReorderScreen(), callback=self.show_product)

    def action_stocktake(self) -> None:
        from .stocktake import StocktakeScreen

        codes = tuple((w.code, w.name) for w in self.card.warehouses) if self.card else ()
        self.app.push_screen(StocktakeScreen(codes), callback=self.show_product)

    def _card_or_say(self) -> stock.StockCard | None:
        if self.card is None or not self.query_one("#card").display:
            self.say("Scan or type a product first: the operation is for the product shown.",
                     error=True)  # fmt: skip
            return None
        return self.card

    def _form(self, title: str, fields: list[FormField], run: Run, note: str = "") -> None:
        card = self.card
        assert card is not None

        def finished(text: str | None) -> None:
            if text:
                self.say(Content.styled(text, "bold $text-success"))
                self.find(card.code, product_id=card.product_id, note=text)

        self.app.push_screen(StockForm(title, fields, run, note=note), callback=finished)

    def _codes_note(self, card: stock.StockCard) -> tuple[list[str], str]:
        codes = [w.code for w in card.warehouses]
        free = "  ".join(f"{w.code} {w.available}" for w in card.warehouses)
        return codes, f"{card.code} {card.name}\nWarehouses (free): {free}"

    def action_receive(self) -> None:
        card = self._card_or_say()
        if card is None:
            return
        codes, note = self._codes_note(card)
        db, user, pid = self.db, self.user, card.product_id

        def run(v: dict[str, str]) -> str:
            wh = warehouse_code(v["warehouse"], codes)
            qty = whole_number(v["qty"])
            out = stock_operations.receive(
                db, user, wh, [(pid, qty)], supplier=v["supplier"], reference=v["reference"]
            )
            return _outcome(f"Received {qty} {card.code} into {wh}: {out.number}", out)

        self._form(f"Receive {card.code}", [
            FormField("warehouse", "Warehouse", codes[0] if codes else "", ", ".join(codes)),
            FormField("qty", "Qty", "", "units received"),
            FormField("supplier", "Supplier", "", "optional"),
            FormField("reference", "Reference", "", "delivery note, PO (optional)"),
        ], run, note)  # fmt: skip

    def action_transfer(self) -> None:
        card = self._card_or_say()
        if card is None:
            return
        codes, note = self._codes_note(card)
        by_free = sorted(card.warehouses, key=lambda w: -w.available)
        src = by_free[0].code if by_free else ""
        dst = next((w.code for w in card.warehouses if w.code != src), "")
        db, user, pid = self.db, self.user, card.product_id

        def run(v: dict[str, str]) -> str:
            a = warehouse_code(v["from"], codes, "from")
            b = warehouse_code(v["to"], codes, "to")
            qty = whole_number(v["qty"])
            stock_operations.transfer(db, user, pid, a, b, qty, v["reason"])
            return f"Transferred {qty} {card.code} from {a} to {b}."

        self._form(f"Transfer {card.code}", [
            FormField("from", "From", src, ", ".join(codes)),
            FormField("to", "To", dst, ", ".join(codes)),
            FormField("qty", "Qty", "", "units to move"),
            FormField("reason", "Reason", "", "why (optional)"),
        ], run, note)  # fmt: skip

    def action_adjust(self) -> None:
        card = self._card_or_say()
        if card is None:
            return
        codes, note = self._codes_note(card)
        db, user, pid = self.db, self.user, card.product_id

        def run(v: dict[str, str]) -> str:
            wh = warehouse_code(v["warehouse"], codes)
            delta = whole_number(v["qty"], signed_ok=True)
            if not v["reason"].strip():
                raise InvalidInput("a reason is required: damaged, lost, found…", "reason")
            out = stock_operations.adjust(db, user, pid, wh, delta, v["reason"])
            return _outcome(f"Adjusted {card.code} in {wh} by {signed(delta)}", out)

        self._form(f"Adjust {card.code}", [
            FormField("warehouse", "Warehouse", codes[0] if codes else "", ", ".join(codes)),
            FormField("qty", "+/- Qty", "", "+5 found, -3 damaged"),
            FormField("reason", "Reason", "", "required"),
        ], run, note)  # fmt: skip


def _outcome(text: str, out: stock_operations.Outcome) -> str:
    if out.filled_orders:
        return f"{text}; filled {', '.join(out.filled_orders)}."
    return text + "."
