"""Stock: the stock check and its keys (the package's docstring has the area's keys)."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Header, Label, OptionList, Static
from textual.widgets.option_list import Option

from ...commands import ScreenCommands
from ...i18n import N_, _, ngettext, pgettext
from ...services.catalog.catalog import ProductHit, search_products
from ...services.fulfilment import stock_operations
from ...services.inventory import stock
from ...services.platform.errors import InvalidInput, NotFound
from ...widgets.footer import KeysFooter
from ...widgets.form_dialog import FormField, Run
from ...widgets.order_list import OrderList, fit_whole
from ...widgets.scan_input import ScanInput
from .. import OmsScreen
from ..change_history import CHANGES_PALETTE, changes_binding, open_changes
from ..formats import signed
from ..list_screen import key_hint
from .dialogs import stock_form, warehouse_code, whole_number
from .lists import LowStockScreen, ReorderScreen
from .rows import card_table, card_title, ledger_head, ledger_row

PAGE = 50


def key_hints() -> Content:
    return key_hint(("F6", _("receive")), ("F7", _("transfer")), ("F8", _("adjust")),
                    ("F9", _("count")), ("F4", _("low")), ("F10", _("reorder")),
                    ("PgDn", _("more")))  # fmt: skip


# -- the stock check -------------------------------------------------------------------------


class StockScreen(OmsScreen):
    """One scan line, the product's stock per warehouse and its ledger; operations by key."""

    MESSAGE_ID = "stock-message"

    CSS_PATH = "stock.tcss"
    COMMANDS = {ScreenCommands}
    PALETTE_PREFIX = N_("Stock")
    ACTION_PERMISSIONS: ClassVar[dict[str, str]] = {
        "receive": "stock.move", "transfer": "stock.move", "adjust": "stock.move",
        "stocktake": "stock.move", "reorder": "stock.plan",
    }  # fmt: skip
    PALETTE: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("receive", N_("Receive goods"),
         N_("Into a warehouse, with supplier and reference (F6 / Ctrl+O)")),
        ("transfer", N_("Transfer"), N_("Between warehouses, with a reason (F7 / Ctrl+N)")),
        ("adjust", N_("Adjust"), N_("Correct on hand by +/- qty with a reason (F8 / Ctrl+Y)")),
        ("stocktake", N_("Stocktake"), N_("Count a warehouse by scanner (F9 / Ctrl+B)")),
        ("low_stock", N_("Below reorder point"), N_("Products low in a warehouse (F4 / Ctrl+L)")),
        ("reorder", N_("Reorder suggestions"), N_("What to buy; export CSV (F10 / Ctrl+G)")),
        ("refresh", N_("Read again"), N_("The product's stock and ledger (F5 / Ctrl+R)")),
        CHANGES_PALETTE,
    )  # fmt: skip

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f6,ctrl+o", "receive", N_("Receive"), key_display="F6/^O", id="stock.receive",
                tooltip=N_("Receive goods of this product: warehouse, qty, supplier, reference")),
        Binding("f9,ctrl+b", "stocktake", N_("Count"), key_display="F9/^B", id="stock.stocktake",
                tooltip=N_("Stocktake: count a warehouse by scanner, post the differences")),
        Binding("f7,ctrl+n", "transfer", N_("Transfer"), key_display="F7/^N", show=False,
                id="stock.transfer", tooltip=N_("Transfer this product: from, to, qty, reason")),
        Binding("f8,ctrl+y", "adjust", N_("Adjust"), key_display="F8/^Y", show=False,
                id="stock.adjust", tooltip=N_("Adjust on hand: warehouse, +/- qty, reason")),
        Binding("f4,ctrl+l", "low_stock", N_("Low"), key_display="F4/^L", show=False,
                id="stock.low", tooltip=N_("Products below their reorder point")),
        Binding("f10,ctrl+g", "reorder", N_("Reorder"), key_display="F10/^G", show=False,
                id="stock.reorder", tooltip=N_("Reorder suggestions; export CSV")),
        Binding("f5,ctrl+r", "refresh", N_("Refresh"), key_display="F5/^R", show=False,
                id="stock.refresh", tooltip=N_("Read the product's stock and ledger again")),
        changes_binding("stock", priority=True),  # Ctrl+E, not the scan line's "end"
        Binding("down", "move(1)", "", show=False, id="stock.next"),
        Binding("up", "move(-1)", "", show=False, id="stock.previous"),
        Binding("pagedown", "page(1)", N_("Page down"), show=False, priority=True,
                id="stock.page_down", tooltip=N_("Ledger: next page (more moves load)")),
        Binding("pageup", "page(-1)", N_("Page up"), show=False, priority=True,
                id="stock.page_up", tooltip=N_("Ledger: previous page")),
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
                yield Label(_("Product"), id="scan-label")
                yield ScanInput(
                    id="stock-scan", placeholder=_("scan or type a code, barcode or name")
                )
            yield Static("", id="stock-message")
            yield Static(self._help_text(), id="stock-help")
            yield OptionList(id="matches")
            with Vertical(id="card"):
                yield Static("", id="card-title")
                yield Static("", id="card-table")
                yield Static("", id="ledger-head")
                yield OrderList(ledger_row, key=lambda m: m.id, id="ledger",
                                empty_text=_("No stock moves yet."))  # fmt: skip
            yield Static(key_hints(), id="stock-keys")
        yield KeysFooter(compact=True)

    @staticmethod
    def _help_text() -> str:
        return _("Scan a barcode or type a product code and Enter; words search by name.")

    def retranslate(self) -> None:
        """The language changed: the screen's own words again, and the card read again."""
        self.query_one("#scan-label", Label).update(_("Product"))
        self.scan.placeholder = _("scan or type a code, barcode or name")
        self.query_one("#stock-help", Static).update(self._help_text())
        self.query_one("#stock-keys", Static).update(key_hints())
        self.ledger.empty_text = _("No stock moves yet.")
        self.on_resize()
        if self.card is not None:
            self.find(self.card.code, product_id=self.card.product_id)

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
        self.scan.focus_selected()  # what was left typed there is replaced by the next scan

    def on_resize(self) -> None:
        self.query_one("#ledger-head", Static).update(ledger_head(self.size.width - 2))
        if self.card is not None:
            self.query_one("#card-title", Static).update(card_title(self.card, self.size.width - 2))
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
            looking = _("Looking up {text}…").format(text=text) if text else _("Reading…")
            self.say(Content.styled(looking, "dim"))
        self.lookup(self._seq, text, product_id, note)

    @work(thread=True, exclusive=True, group="stock-card", exit_on_error=False,
          description=N_("read the stock"))  # fmt: skip
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
                    raise NotFound(
                        _("Nothing matches “{text}”: no code, barcode or name.").format(text=text)
                    ) from None
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
        self.query_one("#card-title", Static).update(card_title(card, self.size.width - 2))
        self.query_one("#card-table", Static).update(card_table(card, self.size.width))
        self.query_one("#ledger-head", Static).update(ledger_head(self.size.width - 2))
        self._show("card")
        if message.note:
            self.say(Content.styled(message.note, "bold $text-success"))
        else:
            self.say(Content.assemble(
                (_("{n} available").format(n=card.available), "bold"),
                _(" of {n} on hand").format(n=card.on_hand),
                (_(" · {n} backordered").format(n=card.backordered), "bold $text-error")
                if card.backordered else "",
            ))  # fmt: skip
        db, pid = self.db, card.product_id

        def fetch(before: stock.MoveView | None) -> tuple[list[stock.MoveView], Any]:
            rows = stock.ledger(db, pid, before=before, limit=PAGE)
            return rows, (rows[-1] if len(rows) == PAGE else None)

        # after an operation (a note says what it did) the newest move is the one just made:
        # a new list, highlighted on its first row, so it shows at the top, not scrolled out
        self.ledger.load(fetch, keep=same and not message.note)

    @on(Matches)
    def matches_found(self, message: Matches) -> None:
        if message.seq != self._seq:
            return
        self.hits = message.hits
        matches = self.query_one("#matches", OptionList)
        matches.set_options(
            Option(Content.assemble((code, "bold"), " ", description,
                                    (f" {h.available:>6} " + _("free"), "dim")))
            for h in message.hits
            for code, description in [fit_whole(h.code, 14, h.description, 48)]
        )  # fmt: skip
        matches.highlighted = 0
        self._show("matches")
        more = "+" if len(message.hits) >= 100 else ""
        found = ngettext(
            "{count} match “{words}”", "{count} match “{words}”", len(message.hits)
        ).format(count=f"{len(message.hits)}{more}", words=message.words)
        self.say(Content.assemble((found, "bold"),
                                  _(": Up/Down, then Enter on the empty line")))  # fmt: skip

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
            self.say(_("Scan or type a product first."), error=True)
            return
        self.find(self.card.code, product_id=self.card.product_id)

    def action_changes(self) -> None:
        """The product's changes (reorder points ...): of the product shown."""
        card = self._card_or_say()
        if card is not None:
            open_changes(self, "product", card.code, f"{card.code} {card.name}")

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
            self.say(_("Scan or type a product first: the operation is for the product shown."),
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

        self.app.push_screen(stock_form(title, fields, run, note), callback=finished)

    def _codes_note(self, card: stock.StockCard) -> tuple[list[str], str]:
        codes = [w.code for w in card.warehouses]
        free = "  ".join(f"{w.code} {w.available}" for w in card.warehouses)
        return codes, f"{card.code} {card.name}\n" + _("Warehouses (free): {free}").format(
            free=free
        )

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
            return _outcome(
                _("Received {qty} {code} into {warehouse}: {number}").format(
                    qty=qty, code=card.code, warehouse=wh, number=out.number
                ),
                out,
            )

        self._form(_("Receive {code}").format(code=card.code), [
            FormField("warehouse", _("Warehouse"), codes[0] if codes else "", ", ".join(codes)),
            FormField("qty", _("Qty"), "", _("units received")),
            FormField("supplier", _("Supplier"), "", _("optional")),
            FormField("reference", _("Reference"), "", _("delivery note, PO (optional)")),
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
            return _("Transferred {qty} {code} from {source} to {target}.").format(
                qty=qty, code=card.code, source=a, target=b
            )

        self._form(_("Transfer {code}").format(code=card.code), [
            FormField("from", pgettext("warehouse", "From"), src, ", ".join(codes)),
            FormField("to", pgettext("warehouse", "To"), dst, ", ".join(codes)),
            FormField("qty", _("Qty"), "", _("units to move")),
            FormField("reason", _("Reason"), "", _("why (optional)")),
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
                raise InvalidInput(_("a reason is required: damaged, lost, found…"), "reason")
            out = stock_operations.adjust(db, user, pid, wh, delta, v["reason"])
            return _outcome(
                _("Adjusted {code} in {warehouse} by {qty}").format(
                    code=card.code, warehouse=wh, qty=signed(delta)
                ),
                out,
            )

        self._form(_("Adjust {code}").format(code=card.code), [
            FormField("warehouse", _("Warehouse"), codes[0] if codes else "", ", ".join(codes)),
            FormField("qty", _("+/- Qty"), "", _("+5 found, -3 damaged")),
            FormField("reason", _("Reason"), "", _("required")),
        ], run, note)  # fmt: skip


def _outcome(text: str, out: stock_operations.Outcome) -> str:
    if out.filled_orders:
        return _("{text}; filled {orders}.").format(text=text, orders=", ".join(out.filled_orders))
    return _("{text}.").format(text=text)
