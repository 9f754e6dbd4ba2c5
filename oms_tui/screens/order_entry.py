"""Order entry: phone, walk-in and counter orders at typing speed, scanner bursts included.

The clerk never waits for the screen: every lookup (customers, products, the live quote,
the draft) runs in a thread worker and posts its result back; keys typed meanwhile are
kept. Focus starts in the customer field; once the caller is known it moves to the one
scan line, which stays focused while lines are added and changed (a ``ScanInput``: a
keyboard-wedge burst ``code⏎code⏎`` arrives complete and in order).

Keys (the README copies these rows; every F-key has a Ctrl twin ``Input`` does not swallow):

| Key         | Twin        | Where               | Does                                           |
|-------------|-------------|---------------------|------------------------------------------------|
| `F2`        | `Ctrl+S`    | order entry         | save: submit to audit, start a new order       |
| `F4`        | `Ctrl+L`    | order entry         | look up the focused field: customers, products |
| `F6`        | `Ctrl+O`    | order entry         | ship-to: another saved address or a new one    |
| `F7`        | `Ctrl+N`    | order entry         | new customer: its fields open in this screen   |
| `F8`        | `Ctrl+Y`    | order entry         | repeat one of the customer's recent orders     |
| `F9`        | `Ctrl+B`    | order entry         | add a named template's lines                   |
| `F10`       | `Ctrl+G`    | entry, new customer | order options / the groups; `s` carrier        |
| `Up`/`Down` |             | customer field      | move in the matches; `Enter` picks             |
| `Up`/`Down` |             | scan line           | select a line (the scan line keeps focus)      |
| `Enter`     |             | empty scan line     | edit the selected line: qty, discount, note    |
| `Ctrl+Del`  | `-` `Enter` | scan line           | delete the selected line                       |
| `F12`       | `Esc`       | order entry         | back; asks first if the order is unsaved       |

Scan line entries, each ended by Enter (``services/entry.py`` parses them): ``CODE`` or
``BARCODE`` adds a line (the same product again adds 1 to its line, except made to
order), ``CODE*3`` / ``3*CODE`` with a quantity, ``*3`` sets the selected line's quantity,
``-5.50`` its discount, ``=12.50`` overrides its unit price (a reason is asked for and
saved as the line's price source ``override: <reason>``; ``=`` alone goes back to the
engine's price), ``+`` duplicates it, ``-`` deletes it, ``"text`` sets its requirements
note; any other words open a product search. The unit price of an overridden line shows
as ``=12.50``; Up/Down on a line says where its price came from. Dialogs answer by one letter
(``y``/``n``, ``r``/``d``, option letters), Enter takes the highlighted choice, Esc/F12
backs out. Letters never act while typing in a field.

Typing ahead past the customer (``13800138⏎XD-40W⏎`` in one burst): Textual moves focus
through the app's queue, behind keys already queued, so those keys would land in the
customer field. ``CustomerInput`` holds every key that follows its Enter until the screen
has decided: a picked customer gets them replayed, in order, on the scan line (the field
keeps passing keys on until its own queue is empty, then moves focus itself, at once); a
new customer or no pick puts them back into the customer field.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from threading import Lock
from typing import TYPE_CHECKING, Any, ClassVar, cast

from rich.cells import cell_len
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Header, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ..commands import ScreenCommands
from ..services.catalog.catalog import ProductHit, find_product, products_by_id, search_products
from ..services.parties.customers import (
    GROUPS,
    AddressView,
    CustomerHit,
    NewAddress,
    NewCustomer,
    add_address,
    create_customer,
    search_customers,
)
from ..services.platform.errors import InvalidInput, NotFound, OmsError
from ..services.platform.money import exponent, format_money, from_minor, parse_money
from ..services.sales.audit_checks import submit_new_order
from ..services.sales.customer_history import CustomerCard, customer_card
from ..services.sales.drafts import DraftView, discard_draft, latest_draft, save_draft
from ..services.sales.entry import (
    DELETE,
    DISCOUNT,
    DUPLICATE,
    NOTE,
    PRICE,
    QTY,
    DraftLine,
    DraftOptions,
    EntryDraft,
    ScanEntry,
    parse_requested_date,
    parse_scan,
)
from ..services.sales.orders import (
    NewLine,
    OrderQuote,
    OrderView,
    quote_order,
    recent_orders,
)
from ..services.sales.templates import TemplateView, list_templates
from ..services.shipping.carriers import CarrierView, list_carriers
from ..widgets.footer import KeysFooter
from ..widgets.form_dialog import FormDialog, FormField, error_text
from ..widgets.new_caller import NewCallerPanel
from ..widgets.order_list import fit
from ..widgets.scan_input import ScanInput, copy_key
from . import AppContext, OmsScreen
from .quick_open import QuickOpen

if TYPE_CHECKING:
    from ..services.platform.db import Database

CHANNEL_CHOICES = (("p", "phone", "Phone"), ("w", "walk_in", "Walk-in"),
                   ("e", "ecommerce", "E-commerce"), ("d", "dealer", "Dealer"),
                   ("k", "key_account", "Key account"))  # fmt: skip
PAYMENT_CHOICES = (("t", "", "From the customer's terms"), ("c", "cod", "Cash on delivery"),
                   ("p", "prepaid", "Prepaid"), ("r", "credit", "Credit terms"),
                   ("i", "installments", "Installments"))  # fmt: skip
PRIORITY_CHOICES = (("n", "0", "Normal"), ("h", "1", "High"), ("u", "2", "Urgent"))
POLICY_CHOICES = (("t", "", "From the customer"), ("p", "partial", "Partial shipments allowed"),
                  ("c", "complete", "Ship complete only"))  # fmt: skip
GROUP_CHOICES = tuple((g[0], g, g.replace("_", " ").capitalize()) for g in GROUPS)
PRIORITY_NAMES = {0: "normal", 1: "high", 2: "urgent"}


@dataclass(eq=False)
class EntryLine:
    """One order line as typed: ``product`` is None while its code is being looked up."""

    text: str
    qty: int = 1
    product: ProductHit | None = None
    discount_minor: int = 0
    note: str = ""
    price_minor: int | None = None  # the clerk's override; None: the pricing engine's
    override_reason: str = ""
    # from the latest quote
    unit_minor: int | None = None
    line_discount_minor: int | None = None
    amount_minor: int | None = None
    price_source: str = ""


# -- dialogs ---------------------------------------------------------------------------------


class ChoiceDialog(QuickOpen, ModalScreen[str | None]):
    """Pick one option by its letter (or arrows and Enter); Esc / F12 backs out with None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f12", "cancel", "Back", key_display="Esc", id="dialog.cancel"),
    ]

    def __init__(self, title: str, choices: Sequence[tuple[str, str, str]], text: str = "",
                 current: str | None = None) -> None:  # fmt: skip
        super().__init__()
        self.title_text = title
        self.text = text
        self.choices = list(choices)
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="entry-dialog") as box:
            box.border_title = self.title_text
            box.border_subtitle = "letter or Enter picks · Esc backs out"
            if self.text:
                yield Static(self.text, classes="dialog-text")
            options = [
                Option(Content.assemble((f"{letter} ", "bold $text-accent"), label), id=value)
                for letter, value, label in self.choices
            ]
            yield OptionList(*options, id="choices")

    def on_mount(self) -> None:
        choices = self.query_one("#choices", OptionList)
        values = [value for _letter, value, _label in self.choices]
        if self.current in values:
            choices.highlighted = values.index(self.current)

    def on_key(self, event) -> None:  # noqa: ANN001
        for letter, value, _label in self.choices:
            if event.character == letter:
                event.stop()
                self.dismiss(value)
                return

    @on(OptionList.OptionSelected, "#choices")
    def picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class PromptDialog(QuickOpen, ModalScreen[str | None]):
    """One line of text; ``check`` returns an error message (shown here) or None to accept."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f12", "cancel", "Back", key_display="Esc", id="dialog.cancel"),
    ]

    def __init__(self, title: str, label: str, value: str = "",
                 check: Callable[[str], str | None] | None = None) -> None:  # fmt: skip
        super().__init__()
        self.title_text, self.label, self.value, self.check = title, label, value, check

    def compose(self) -> ComposeResult:
        with Vertical(classes="entry-dialog") as box:
            box.border_title = self.title_text
            box.border_subtitle = "Enter saves · Esc backs out"
            yield Static(self.label, classes="dialog-text")
            yield ScanInput(self.value, id="prompt", keep_value=True)
            yield Static("", id="prompt-error", classes="dialog-error")

    @on(ScanInput.Scanned, "#prompt")
    def entered(self, event: ScanInput.Scanned) -> None:
        event.stop()
        error = self.check(event.value) if self.check else None
        if error:
            self.query_one("#prompt-error", Static).update(error)
            self.app.bell()
            return
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class EntryForm(QuickOpen, FormDialog):
    """The entry screen's small forms (``widgets/form_dialog.py``): Enter in any field saves,
    the note under the fields, the entry dialogs' look."""

    DIALOG_CLASS, NOTE_CLASS, ERROR_CLASS = "entry-dialog entry-form", "dialog-text", "dialog-error"
    ENTER_SAVES, NOTE_FIRST = True, False
    SUBTITLE = "Tab next field · Enter saves · Esc backs out"


class NewAddressDialog(EntryForm):
    """Another ship-to for the customer; dismisses with the saved address."""

    def __init__(self, db: Database, user: str, customer_id: int) -> None:
        def run(v: dict[str, str]) -> AddressView:
            return add_address(db, user, customer_id, NewAddress(
                street=v["street"], city=v["city"], district=v["district"],
                province=v["province"], contact_name=v["contact"], phone=v["phone"]))  # fmt: skip

        super().__init__("New ship-to address", [
            FormField("street", "Street"), FormField("city", "City"),
            FormField("district", "District"), FormField("province", "Province"),
            FormField("contact", "Contact"), FormField("phone", "Phone"),
        ], run)  # fmt: skip


class LineDialog(EntryForm):
    """Quantity, discount and requirements note of one line; dismisses with them."""

    def __init__(self, line: EntryLine, currency: str) -> None:
        discount = f"{from_minor(line.discount_minor, currency)}" if line.discount_minor else ""

        def run(values: dict[str, str]) -> dict[str, Any]:
            text = values["qty"].strip()
            if not text.isdigit() or int(text) < 1:
                raise InvalidInput("quantity: a whole number, at least 1", "qty")
            minor = 0
            if values["discount"].strip():
                try:
                    minor = parse_money(values["discount"], currency)
                except InvalidInput as error:
                    raise InvalidInput(f"discount: {error}", "discount") from error
                if minor < 0:
                    raise InvalidInput("discount: cannot be negative", "discount")
            return {"qty": int(text), "discount_minor": minor, "note": values["note"]}

        super().__init__(f"Line: {line.product.code if line.product else line.text}", [
            FormField("qty", "Quantity", str(line.qty)),
            FormField("discount", "Discount", discount),
            FormField("note", "Note", line.note),
        ], run, "Note: size, colour, finish (made-to-order lines)")  # fmt: skip


def product_prompt(hit: ProductHit) -> Content:
    return Content.assemble(
        (f"{hit.code} ", "bold"), hit.description, (f"  {hit.availability(1)}", "dim")
    )


class ProductSearchDialog(QuickOpen, ModalScreen[ProductHit | None]):
    """Products matching the words typed, narrowed as you type; Enter picks."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f12", "cancel", "Back", key_display="Esc", id="dialog.cancel"),
        Binding("up", "move(-1)", show=False),
        Binding("down", "move(1)", show=False),
    ]

    class Found(Message):
        def __init__(self, words: str, hits: list[ProductHit]) -> None:
            super().__init__()
            self.words, self.hits = words, hits

    def __init__(self, words: str, hits: Sequence[ProductHit] | None = None) -> None:
        super().__init__()
        self.words = words
        self.hits: list[ProductHit] = list(hits or [])
        self.hits_for = words if hits is not None else None
        self.pick_when_found: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="entry-dialog product-search") as box:
            box.border_title = "Find a product"
            box.border_subtitle = "words narrow · Up/Down · Enter picks · Esc backs out"
            yield ScanInput(self.words, id="words", keep_value=True,
                            placeholder="name, model, colour, spec or code")  # fmt: skip
            yield OptionList(id="products")
            yield Static("", id="search-status", classes="dialog-text")

    def on_mount(self) -> None:
        self.query_one("#products", OptionList).can_focus = False
        if self.hits_for is not None:
            self.show_hits(self.words, self.hits)
        elif self.words.strip():
            self.search(self.words)

    @on(Input.Changed, "#words")
    def words_changed(self, event: Input.Changed) -> None:
        if event.value != self.hits_for:
            self.search(event.value)

    @work(thread=True, exclusive=True, group="product-search", exit_on_error=False)
    def search(self, words: str) -> None:
        context = cast(AppContext, self.app)
        try:
            hits = search_products(context.db, words)
        except Exception:  # noqa: BLE001 - an empty list; the clerk types on
            hits = []
        self.post_message(self.Found(words, hits))

    @on(Found)
    def found(self, message: Found) -> None:
        if message.words != self.query_one("#words", ScanInput).value:
            return  # an older search
        self.show_hits(message.words, message.hits)
        if self.pick_when_found == message.words:
            self.pick_when_found = None
            self.pick()

    def show_hits(self, words: str, hits: list[ProductHit]) -> None:
        self.hits, self.hits_for = hits, words
        products = self.query_one("#products", OptionList)
        products.set_options(Option(product_prompt(h)) for h in hits)
        if hits:
            products.highlighted = 0
        status = f"{len(hits)} found" if hits else f"nothing matches '{words}'"
        self.query_one("#search-status", Static).update(status)

    def action_move(self, step: int) -> None:
        products = self.query_one("#products", OptionList)
        if products.option_count:
            current = products.highlighted or 0
            products.highlighted = max(0, min(products.option_count - 1, current + step))

    @on(ScanInput.Scanned, "#words")
    def entered(self, event: ScanInput.Scanned) -> None:
        event.stop()
        if self.hits_for != event.value:
            self.pick_when_found = event.value
            return
        self.pick()

    def pick(self) -> None:
        highlighted = self.query_one("#products", OptionList).highlighted
        if self.hits and highlighted is not None:
            self.dismiss(self.hits[highlighted])
        else:
            self.app.bell()

    def action_cancel(self) -> None:
        self.dismiss(None)


# -- the customer field ---------------------------------------------------------------------


class CustomerInput(ScanInput):
    """The customer search field; keys typed after its Enter follow the caller to the scan line.

    ``Widget.focus()`` goes through the app's queue, behind keys already queued there, so in
    a burst (``13800138⏎XD-40W⏎``) the keys after Enter reached this field, not the scan line.
    After Enter (with text) every further key is held until the screen calls ``hand_over``
    (a customer was picked: the held keys, then any still queued here, are posted to the
    scan line in order, and focus moves synchronously once this field's queue is empty) or
    ``release`` (no pick: the keys are typed here). A timer releases a hold that nobody
    answers, so the field can never swallow keys.
    """

    HOLD_SECONDS: ClassVar[float] = 3.0

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self._held: list[events.Key] | None = None
        self._hold_timer: Any = None

    @property
    def holding(self) -> bool:
        return self._held is not None or self._forward_to is not None

    async def _on_key(self, event: events.Key) -> None:
        if self._forward_to is None and self._held is not None:
            event.stop()
            event.prevent_default()
            self._held.append(copy_key(event))
            return
        if self._forward_to is None and event.key == "enter" and self.value.strip():
            self._held = []
            self._hold_timer = self.set_timer(self.HOLD_SECONDS, self.release)
        await super()._on_key(event)

    def _stop_timer(self) -> None:
        if self._hold_timer is not None:
            self._hold_timer.stop()
            self._hold_timer = None

    def hand_over(self, target: ScanInput) -> None:
        """A customer was picked: keys typed after Enter go on to ``target``, in order."""
        held, self._held = self._held, None
        self._stop_timer()
        for key in held or []:
            target.post_message(key)
        if held is None or self.screen.focused is not self:
            target.focus()
            return
        super().hand_over(target)

    def release(self) -> None:
        """No pick (new customer, nothing typed, no answer): held keys are typed here."""
        held, self._held = self._held, None
        self._stop_timer()
        if held:
            self.cursor_position = len(self.value)  # after what was typed before Enter
        for key in held or []:
            if key.is_printable and key.character:
                self.insert_text_at_cursor(key.character)
            elif key.key == "backspace":
                self.action_delete_left()
            else:
                self.post_message(key)


class Row(Static):
    """One row of the entry screen (``height: 1`` in the .tcss, width from the container):
    new text never changes its size, so updating it skips the screen-wide layout pass
    ``Static.update`` asks for by default (measured: most of a key's time here)."""

    _text: Any = None

    def update(self, content: Any = "", *, layout: bool = False) -> None:
        if isinstance(content, str) and content == self._text:
            return  # unchanged: nothing to repaint
        self._text = content if isinstance(content, str) else None
        super().update(content, layout=layout)


# -- the screen ------------------------------------------------------------------------------


class OrderEntryScreen(QuickOpen, OmsScreen):
    """Customer, lines, options and live totals of one order; saved to audit by F2."""

    CSS_PATH = "order_entry.tcss"
    COMMANDS = {ScreenCommands}
    PALETTE_PREFIX = "Order entry"
    MESSAGE_LAYOUT = False  # #message is one row high (order_entry.tcss)
    NEW_CALLER_SAVE_DELAY: ClassVar[float] = 0.5  # s after the last key in the new caller
    ROW_BATCH: ClassVar[int] = 8  # line rows mounted ahead at a time

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2,ctrl+s", "save", "Save", key_display="F2/^S", id="entry.save",
                tooltip="Save: submit the order to the audit queue"),
        Binding("f4,ctrl+l", "lookup", "Find", key_display="F4/^L", id="entry.lookup",
                tooltip="Look up the focused field: customers, products, addresses"),
        Binding("f6,ctrl+o", "ship_to", "Ship-to", key_display="F6/^O", show=False,
                id="entry.ship_to", tooltip="Ship-to: another saved address or a new one"),
        Binding("f7,ctrl+n", "new_customer", "New cust", key_display="F7/^N", show=False,
                id="entry.new_customer", tooltip="New customer (name, phone, address, group)"),
        Binding("f8,ctrl+y", "repeat_order", "Repeat", key_display="F8/^Y", show=False,
                id="entry.repeat",
                tooltip="Repeat one of the customer's recent orders"),
        Binding("f9,ctrl+b", "templates", "Template", key_display="F9/^B", show=False,
                id="entry.templates", tooltip="Add the lines of a named template"),
        Binding("f10,ctrl+g", "options", "Options", key_display="F10/^G", show=False,
                id="entry.options",
                tooltip="Order options: channel, payment, delivery date, priority, notes"),
        Binding("up", "move(-1)", "Select", key_display="Up/Down", show=False, id="entry.up",
                tooltip="Up/Down: move in the customer matches, or select a line"),
        Binding("down", "move(1)", "", show=False, id="entry.down"),  # listed with Up
        Binding("ctrl+delete", "delete_line", "Delete line", key_display="^Del", show=False,
                id="entry.delete_line", tooltip="Delete the selected line (or '-' Enter)"),
        Binding("f12,escape", "back", "Back", key_display="F12/Esc", id="entry.back",
                tooltip="Back out; asks first when the order is not saved"),
    ]  # fmt: skip

    # (action, palette title, help) for the command palette
    PALETTE: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("save", "Save order", "Submit to the audit queue (F2 / Ctrl+S)"),
        ("lookup", "Look up", "Customers, products or addresses (F4 / Ctrl+L)"),
        ("ship_to", "Ship-to address", "Another saved address or a new one (F6 / Ctrl+O)"),
        ("new_customer", "New customer", "Create the caller (F7 / Ctrl+N)"),
        ("repeat_order", "Repeat a recent order", "Copy its lines (F8 / Ctrl+Y)"),
        ("templates", "Add a template", "A named template's lines (F9 / Ctrl+B)"),
        ("options", "Order options", "Channel, payment, date, priority, notes (F10 / Ctrl+G)"),
        ("delete_line", "Delete line", "The selected line (Ctrl+Del, or '-' Enter)"),
        ("edit_line", "Edit line", "Quantity, discount, note (Enter on the empty scan line)"),
    )

    # -- messages from workers -----------------------------------------------------------------

    class CustomersFound(Message):
        def __init__(self, query: str, hits: list[CustomerHit]) -> None:
            super().__init__()
            self.query, self.hits = query, hits

    class CardLoaded(Message):
        def __init__(self, card: CustomerCard) -> None:
            super().__init__()
            self.card = card

    class ProductResolved(Message):
        def __init__(self, line: EntryLine, hit: ProductHit | None,
                     hits: list[ProductHit]) -> None:  # fmt: skip
            super().__init__()
            self.line, self.hit, self.hits = line, hit, hits

    class QuoteReady(Message):
        def __init__(self, rev: int, lines: list[EntryLine], quote: OrderQuote | None,
                     error: str = "", field: str | None = None) -> None:  # fmt: skip
            super().__init__()
            self.rev, self.lines, self.quote, self.error, self.field = (
                rev, lines, quote, error, field)  # fmt: skip

    class OrderSaved(Message):
        def __init__(self, order: OrderView) -> None:
            super().__init__()
            self.order = order

    class SaveFailed(Message):
        def __init__(self, error: str, field: str | None) -> None:
            super().__init__()
            self.error, self.field = error, field

    class DraftFound(Message):
        def __init__(self, draft: DraftView) -> None:
            super().__init__()
            self.draft = draft

    class Restored(Message):
        def __init__(self, draft: EntryDraft, card: CustomerCard | None,
                     products: dict[int, ProductHit]) -> None:  # fmt: skip
            super().__init__()
            self.draft, self.card, self.products = draft, card, products

    class LinesLoaded(Message):
        """Lines to add (a repeated order, a template), products already looked up."""

        def __init__(self, lines: list[EntryLine], source: str, missing: list[str]) -> None:
            super().__init__()
            self.lines, self.source, self.missing = lines, source, missing

    class Listed(Message):
        """Recent orders or templates, for a pick list."""

        def __init__(self, kind: str, items: list[Any]) -> None:
            super().__init__()
            self.kind, self.items = kind, items

    class Problem(Message):
        def __init__(self, error: str) -> None:
            super().__init__()
            self.error = error

    class CallerCreated(Message):
        def __init__(self, hit: CustomerHit) -> None:
            super().__init__()
            self.hit = hit

    class CallerRefused(Message):
        def __init__(self, error: str, field: str | None) -> None:
            super().__init__()
            self.error, self.field = error, field

    class CarriersLoaded(Message):
        def __init__(self, carriers: list[CarrierView], choose: bool) -> None:
            super().__init__()
            self.carriers, self.choose = carriers, choose

    # -- state -----------------------------------------------------------------------------

    def __init__(self) -> None:
        super().__init__()
        self._draft_lock = Lock()
        self._reset_state()
        self._draft_id: int | None = None
        self._epoch = 0  # a new order starts a new epoch: older draft saves are void
        self._hits: list[CustomerHit] = []
        self._hits_for: str | None = None
        self._pending_pick: str | None = None
        self._suppress_search = False
        self._currency = "CNY"
        self._carriers: list[CarrierView] | None = None
        self._new_caller_timer: Any = None

    def _reset_state(self) -> None:
        self.customer_id: int | None = None
        self.card: CustomerCard | None = None
        self.ship_to: AddressView | None = None
        self._ship_to_id: int | None = None
        self.lines: list[EntryLine] = []
        self.selected = 0
        self.options = DraftOptions()
        self.quote: OrderQuote | None = None
        self._rev = 0
        self._dirty = False
        self._save_pending = False
        self._error_line: int | None = None
        self._error_field: str | None = None
        self._quote_error = ""

    @property
    def dirty(self) -> bool:
        """Something typed that is not saved as an order yet."""
        return self._dirty and not self.draft().empty

    @property
    def today(self) -> date:
        return self.context.clock().date()

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="entry"):
            with Horizontal(id="customer-row", classes="entry-row"):
                yield Label("Customer", classes="entry-label")
                yield CustomerInput(id="customer", keep_value=True,
                                    placeholder="phone, name or code; Enter picks")  # fmt: skip
            yield OptionList(id="customer-hits")
            yield NewCallerPanel(GROUPS, id="new-caller")
            yield Row("", id="customer-card", classes="entry-info")
            yield Row("", id="ship-to", classes="entry-info")
            yield Row("", id="options", classes="entry-info")
            yield Row("", id="lines-head")
            yield VerticalScroll(id="lines")
            yield Row("", id="totals")
            yield Row("", id="warnings")
            yield Row("", id="message")
            with Horizontal(id="scan-row", classes="entry-row"):
                yield Label("Scan", classes="entry-label")
                yield ScanInput(id="scan", placeholder="code, barcode, code*qty or words")
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        hits = self.query_one("#customer-hits", OptionList)
        hits.can_focus = False
        hits.display = False
        self.query_one("#lines", VerticalScroll).can_focus = False
        self.query_one("#customer", ScanInput).focus()
        self.query_one("#new-caller", NewCallerPanel).warm_up()
        self.show_all()
        self.look_for_draft(self.user)
        self.load_carriers(False)

    def on_resize(self) -> None:
        self.show_lines()

    # -- rendering -------------------------------------------------------------------------

    def show_all(self) -> None:
        self.show_customer()
        self.show_options()
        self.show_lines()
        self.show_totals()

    def money(self, minor: int | None) -> str:
        if minor is None:
            return ""
        exp = exponent(self._currency)
        return f"{from_minor(minor, self._currency):,.{exp}f}"

    def show_customer(self) -> None:
        card = self.card
        info = self.query_one("#customer-card", Static)
        if card is None:
            info.update(Content.styled("No customer yet: type a phone, name or code "
                                       "(F7 / Ctrl+N: new customer)", "dim"))  # fmt: skip
        else:
            last = f"{card.last_order_on:%Y-%m-%d}" if card.last_order_on else "none"
            status_style = "" if card.credit_status == "ok" else "bold $text-warning"
            info.update(Content.assemble(
                (f"{card.code} ", "dim"), (card.name, "bold"),
                f" · {card.group.replace('_', ' ')} · credit ",
                (card.credit_status, status_style or "$text-success"),
                " · overdue ",
                (format_money(card.overdue_minor, self._currency),
                 "bold $text-error" if card.overdue_minor else ""),
                f" · last order {last}",
            ))  # fmt: skip
        ship = self.query_one("#ship-to", Static)
        if self.ship_to is not None:
            a = self.ship_to
            who = f"{a.contact_name} {a.phone}".strip()
            ship.update(Content.assemble(("Ship to ", "dim"), a.text,
                                         (f"  {who}" if who else "", "dim")))  # fmt: skip
        elif card is not None:
            ship.update(Content.styled("Ship to: no address on file (F6 / Ctrl+O adds one)",
                                       "$text-warning"))  # fmt: skip
        else:
            ship.update("")
        ship.set_class(self._error_field == "ship_to", "-error")
        self.query_one("#customer", ScanInput).set_class(self._error_field == "customer", "-error")

    def show_options(self) -> None:
        o = self.options
        channel = dict((v, label) for _k, v, label in CHANNEL_CHOICES).get(o.channel, o.channel)
        payment = dict((v, label) for _k, v, label in PAYMENT_CHOICES).get(
            o.payment_method or "", o.payment_method or ""
        )
        if not o.payment_method:
            payment = f"per terms ({self.card.payment_terms})" if self.card else "per terms"
        when = f"{o.requested_date:%Y-%m-%d %a}" if o.requested_date else "—"
        carrier = self.carrier_name(o.carrier_id, short=True)
        text = Content.assemble(
            ("Options ", "dim"), channel, " · pay ", payment, " · deliver ", when,
            " · ", PRIORITY_NAMES.get(o.priority, str(o.priority)),
            (f" · ship {carrier}" if carrier else "", ""),
            (" · ship complete" if o.shipping_policy == "complete" else "", "bold"),
            (" · partial ok" if o.shipping_policy == "partial" else "", ""),
            (f" · {o.notes}" if o.notes else "", ""),
        )  # fmt: skip
        widget = self.query_one("#options", Static)
        widget.update(text)
        widget.set_class(self._error_field in ("channel", "payment_method", "requested_date"),
                         "-error")  # fmt: skip

    def carrier_name(self, carrier_id: int | None, short: bool = False) -> str:
        if carrier_id is None:
            return ""
        for c in self._carriers or []:
            if c.id == carrier_id:
                return c.code if short else f"{c.code} {c.name}"
        return f"carrier {carrier_id}"

    def _columns(self) -> list[tuple[str, int, bool]]:
        width = max(60, self.size.width) - 3  # padding and the scrollbar
        fixed = [("#", 2, True), ("Code", 10, False), ("", 0, False), ("Qty", 6, True),
                 ("Unit", 9, True), ("Disc", 8, True), ("Amount", 10, True),
                 ("Avail", 13, False)]  # fmt: skip
        used = sum(w for _n, w, _r in fixed) + len(fixed) - 1
        desc = max(8, width - used)
        return [(n or "Description", w or desc, r) for n, w, r in fixed]

    def _row_text(self, values: list[str]) -> str:
        return " ".join(fit(v, w, r) for v, (_n, w, r) in zip(values, self._columns(),
                                                               strict=True))  # fmt: skip

    def show_lines(self) -> None:
        if not self.is_mounted:
            return
        self.query_one("#lines-head", Static).update(
            self._row_text([n for n, _w, _r in self._columns()])
        )
        box = self.query_one("#lines", VerticalScroll)
        rows = list(box.query(".line-row").results(Row))
        spares = list(box.query(".spare-row").results(Row))
        while len(rows) > len(self.lines):  # back to the spares, hidden
            row = rows.pop()
            row.set_classes("spare-row")
            spares.insert(0, row)
        if len(rows) + len(spares) < len(self.lines) + 2:
            # Mounting is the slow part of adding a line: mount rows ahead, a batch at a time
            more = [Row("", classes="spare-row") for _ in range(self.ROW_BATCH)]
            box.mount(*more)
            spares.extend(more)
        for n, line in enumerate(self.lines):
            if n >= len(rows):
                rows.append(spares.pop(0))
            rows[n].update(self._line_text(n, line))
            # one restyle per row whose state changed (each class changed apart was one)
            wanted = {"line-row"}
            for on_, name in ((n == self.selected, "-selected"),
                              (n == self._error_line, "-error"),
                              (line.product is None, "-pending")):  # fmt: skip
                if on_:
                    wanted.add(name)
            if rows[n].classes != wanted:
                rows[n].set_classes(wanted)
        if self.lines and 0 <= self.selected < len(rows):
            box.scroll_to_widget(rows[self.selected], animate=False)

    def _line_text(self, n: int, line: EntryLine) -> str:
        p = line.product
        if p is None:
            return self._row_text([str(n + 1), line.text, "looking up…", str(line.qty),
                                   "", "", "", ""])  # fmt: skip
        description = p.description + (f" [{line.note}]" if line.note else "")
        unit = line.unit_minor if line.unit_minor is not None else p.list_price_minor
        discount = line.line_discount_minor if line.unit_minor is not None else line.discount_minor
        amount = line.amount_minor if line.amount_minor is not None else unit * line.qty - discount
        unit_text = self.money(unit)
        if line.price_minor is not None:  # overridden: the price typed, marked as in the grammar
            unit_text = "=" + self.money(line.price_minor)
            description += f" {{override: {line.override_reason}}}"
        return self._row_text([
            str(n + 1), p.code, description, str(line.qty), unit_text,
            self.money(discount) if discount else "", self.money(amount),
            p.availability(self._qty_before(line) + line.qty),
        ])  # fmt: skip

    def _qty_before(self, line: EntryLine) -> int:
        """Quantity of the same product on the lines above (they take the stock first)."""
        total = 0
        for other in self.lines:
            if other is line:
                break
            if other.product and line.product and other.product.id == line.product.id:
                total += other.qty
        return total

    def show_totals(self) -> None:
        totals = self.query_one("#totals", Static)
        warnings = self.query_one("#warnings", Static)
        q = self.quote
        if q is None and self._quote_error and self.resolved_lines():
            totals.update(Content.styled("No totals until this is fixed:", "dim"))
            warnings.update(Content.styled("⚠ " + self._quote_error, "bold $text-error"))
            return
        if q is None or not self.resolved_lines():
            count = len(self.lines)
            totals.update(Content.styled(
                f"{count} line{'s' if count != 1 else ''}; totals show once the customer "
                "and a line are known" if count or self.card is None else "No lines yet: "
                "scan or type a product code below", "dim"))  # fmt: skip
            warnings.update("")
            return
        t = q.quote.totals
        cur = q.currency
        amounts = [t.subtotal_minor, t.discount_minor, t.tax_minor, t.shipping_minor]
        tail = f"Total {format_money(t.total_minor, cur)} {cur}"
        for labels, gap in ((("Subtotal", "Discount", "Tax", "Shipping"), "  "),
                            (("Sub", "Disc", "Tax", "Ship"), " ")):  # fmt: skip
            head = gap.join(f"{k} {format_money(v, cur)}" for k, v in zip(labels, amounts,
                                                                         strict=True))  # fmt: skip
            if cell_len(head) + cell_len(tail) + 2 <= self.size.width - 2:
                break
        totals.update(Content.assemble(head, "  ", (tail, "bold")))
        warnings.update(Content.styled("⚠ " + "; ".join(q.warnings), "bold $text-warning")
                        if q.warnings else "")  # fmt: skip

    # -- customer --------------------------------------------------------------------------

    @on(Input.Changed, "#customer")
    def customer_typed(self, event: Input.Changed) -> None:
        if self._suppress_search:
            self._suppress_search = False
            return
        query = event.value.strip()
        if not query:
            self.show_hits("", [])
            return
        self.find_customers(query)

    @work(thread=True, exclusive=True, group="customer-search", exit_on_error=False)
    def find_customers(self, query: str) -> None:
        try:
            hits = search_customers(self.db, query, limit=8)
        except Exception as error:  # noqa: BLE001 - said on screen
            self.post_message(self.Problem(f"customer search: {error_text(error)}"))
            hits = []
        self.post_message(self.CustomersFound(query, hits))

    @on(CustomersFound)
    def customers_found(self, message: CustomersFound) -> None:
        if message.query != self.query_one("#customer", ScanInput).value.strip():
            if message.query != self._pending_pick:
                return  # an older search
        self.show_hits(message.query, message.hits)
        if self._pending_pick == message.query:
            self._pending_pick = None
            self.pick_customer(message.query)

    def show_hits(self, query: str, hits: list[CustomerHit]) -> None:
        self._hits, self._hits_for = hits, query
        widget = self.query_one("#customer-hits", OptionList)
        if not hits:  # hidden: stale options stay unseen, no layout pass to clear them
            widget.display = False
            return
        widget.set_options(
            Option(Content.assemble((f"{h.code} ", "dim"), (h.name, "bold"),
                                    f"  {h.phone}", (f"  {h.group}", "dim")))
            for h in hits
        )  # fmt: skip
        if hits:
            widget.highlighted = 0
        widget.display = bool(hits) and self.focused is self.query_one("#customer")

    def _to_scan(self) -> None:
        """Focus the scan line; keys typed after the customer's Enter follow, in order."""
        self.query_one("#customer", CustomerInput).hand_over(self.query_one("#scan", ScanInput))

    @on(ScanInput.Scanned, "#customer")
    def customer_entered(self, event: ScanInput.Scanned) -> None:
        event.stop()
        query = event.value.strip()
        customer_input = self.query_one("#customer", CustomerInput)  # keeps what was typed
        if not query:
            if self.customer_id is not None:
                self._to_scan()
            else:
                customer_input.release()
            return
        picked = {self.card.name if self.card else "", self._hits_for or ""}
        if self.customer_id is not None and not self._hits and query in picked:
            self._to_scan()  # Enter again on the picked caller (its card may still be loading)
            return
        if self._hits_for == query:
            self.pick_customer(query)
        else:
            self._pending_pick = query
            self.find_customers(query)

    def pick_customer(self, query: str) -> None:
        """Enter in the customer field: the highlighted match, or a new customer."""
        if not self._hits:
            self.query_one("#customer", CustomerInput).release()
            self.say(f"No customer matches '{query}': new customer")
            self.action_new_customer(query)
            return
        highlighted = self.query_one("#customer-hits", OptionList).highlighted or 0
        self.choose_customer(self._hits[min(highlighted, len(self._hits) - 1)])

    def choose_customer(self, hit: CustomerHit) -> None:
        changed = hit.id != self.customer_id
        self.customer_id = hit.id
        if changed:
            self.card = None
            self.ship_to = None
            self._ship_to_id = None
        if self._error_field == "customer":
            self._error_field = None
        customer_input = self.query_one("#customer", ScanInput)
        if customer_input.value != hit.name:
            self._suppress_search = True
            customer_input.value = hit.name
        self.show_hits(hit.name, [])
        self._to_scan()
        self.say(f"Customer {hit.code} {hit.name}")
        self.load_card(hit.id)
        self.changed()

    @work(thread=True, exclusive=True, group="customer-card", exit_on_error=False)
    def load_card(self, customer_id: int) -> None:
        try:
            card = customer_card(self.db, customer_id, today=self.today)
        except Exception as error:  # noqa: BLE001 - said on screen
            self.post_message(self.Problem(f"customer: {error_text(error)}"))
            return
        self.post_message(self.CardLoaded(card))

    @on(CardLoaded)
    def card_loaded(self, message: CardLoaded) -> None:
        card = message.card
        if card.id != self.customer_id:
            return
        self.card = card
        wanted = self._ship_to_id
        self.ship_to = next((a for a in card.addresses if a.id == wanted), card.default_address)
        self._ship_to_id = self.ship_to.id if self.ship_to else None
        self.show_customer()
        self.show_options()
        self.requote()

    # -- lines -----------------------------------------------------------------------------

    def resolved_lines(self) -> list[EntryLine]:
        return [ln for ln in self.lines if ln.product is not None]

    @property
    def selected_line(self) -> EntryLine | None:
        if 0 <= self.selected < len(self.lines):
            return self.lines[self.selected]
        return None

    @on(ScanInput.Scanned, "#scan")
    def scanned(self, event: ScanInput.Scanned) -> None:
        event.stop()
        try:
            entry = parse_scan(event.value, self._currency)
        except InvalidInput as error:
            self.say(f"{event.value.strip()}: {error}", error=True)
            return
        if entry is None:
            self.action_edit_line()
            return
        if entry.kind in (QTY, DISCOUNT, DELETE, DUPLICATE, NOTE, PRICE):
            self.line_command(entry)
            return
        self.add_scan(entry)

    def add_scan(self, entry: ScanEntry) -> None:
        text = entry.text
        for n, line in enumerate(self.lines):
            p = line.product
            same = (p is not None and (p.code.upper() == text.upper() or p.barcode == text)) or (
                p is None and line.text == text
            )
            if same and not (p is not None and p.made_to_order):
                line.qty += entry.qty or 1
                self.selected = n
                self.say(f"{p.code if p else text}: quantity {line.qty}")
                self.changed()
                return
        line = EntryLine(text, entry.qty or 1)
        self.lines.append(line)
        self.selected = len(self.lines) - 1
        if entry.looks_like_code:
            self.resolve(line, True)
        else:
            self.resolve(line, False)
        self.show_lines()

    @work(thread=True, group="scan", exit_on_error=False)
    def resolve(self, line: EntryLine, as_code: bool) -> None:
        """Look up one scanned code (then words); lines keep their place meanwhile."""
        try:
            hit = find_product(self.db, line.text) if as_code else None
            hits = [] if hit else search_products(self.db, line.text)
        except Exception as error:  # noqa: BLE001 - said on screen
            self.post_message(self.Problem(f"{line.text}: {error_text(error)}"))
            hit, hits = None, []
        self.post_message(self.ProductResolved(line, hit, hits))

    @on(ProductResolved)
    def product_resolved(self, message: ProductResolved) -> None:
        line = message.line
        if line not in self.lines:
            return
        if message.hit is not None:
            self.place_product(line, message.hit)
            return
        if not message.hits:
            self.drop_line(line)
            self.say(f"No product '{line.text}': check the code, or type words to search",
                     error=True)  # fmt: skip
            self._after_lookup()
            return

        def picked(hit: ProductHit | None) -> None:
            if line not in self.lines:
                return
            if hit is None:
                self.drop_line(line)
                self.say(f"'{line.text}': nothing picked")
                self._after_lookup()
            else:
                self.place_product(line, hit)

        self.app.push_screen(ProductSearchDialog(line.text, message.hits), picked)

    def drop_line(self, line: EntryLine) -> None:
        index = self.lines.index(line)
        self.lines.remove(line)
        if self.selected >= index and self.selected > 0:
            self.selected -= 1
        self.changed()

    def place_product(self, line: EntryLine, hit: ProductHit) -> None:
        if not hit.active:
            self.drop_line(line)
            self.say(f"{hit.code} is no longer sold", error=True)
            self._after_lookup()
            return
        for other in self.lines:
            if other is not line and other.product is not None and other.product.id == hit.id \
                    and not hit.made_to_order:  # fmt: skip
                other.qty += line.qty
                self.drop_line(line)
                self.selected = self.lines.index(other)
                self.say(f"{hit.code}: quantity {other.qty}")
                self._after_lookup()
                return
        line.product = hit
        self.selected = self.lines.index(line)
        self.say(f"Added {hit.code} {hit.description} × {line.qty}")
        self.changed()
        if hit.made_to_order and not line.note:
            self.ask_note(line)
        self._after_lookup()

    def _after_lookup(self) -> None:
        if self._save_pending and all(ln.product is not None for ln in self.lines):
            self._save_pending = False
            self.action_save()

    def ask_note(self, line: EntryLine) -> None:
        def noted(text: str | None) -> None:
            if text is not None and line in self.lines:
                line.note = text.strip()
                self.changed()

        code = line.product.code if line.product else line.text
        self.app.push_screen(
            PromptDialog(f"Made to order: {code}", "Requirements (size, colour, finish):",
                         line.note),
            noted,
        )  # fmt: skip

    def line_command(self, entry: ScanEntry) -> None:
        line = self.selected_line
        if line is None:
            self.say("No line selected: scan a product first", error=True)
            return
        name = line.product.code if line.product else line.text
        if entry.kind == QTY:
            line.qty = entry.qty or 1
            self.say(f"{name}: quantity {line.qty}")
        elif entry.kind == DISCOUNT:
            line.discount_minor = entry.amount_minor
            self.say(f"{name}: discount {self.money(entry.amount_minor)}")
        elif entry.kind == NOTE:
            line.note = entry.text
            self.say(f"{name}: note '{entry.text}'")
        elif entry.kind == PRICE:
            if entry.price_minor is None:
                line.price_minor, line.override_reason = None, ""
                self.say(f"{name}: price from the price book again")
            else:
                self.ask_override(line, entry.price_minor)
                return
        elif entry.kind == DELETE:
            self.action_delete_line()
            return
        elif entry.kind == DUPLICATE:
            if line.product is None:
                self.say("That line is still being looked up", error=True)
                return
            copy = replace(line)
            self.lines.insert(self.selected + 1, copy)
            self.selected += 1
            self.say(f"{name}: duplicated")
        self.changed()

    def ask_override(self, line: EntryLine, price_minor: int) -> None:
        """A price override needs a reason (it travels to audit as the line's price source)."""
        name = line.product.code if line.product else line.text

        def check(text: str) -> str | None:
            return None if text.strip() else "a reason is required (Esc keeps the price)"

        def answered(reason: str | None) -> None:
            if reason is None or line not in self.lines:
                self.say(f"{name}: price not changed")
                return
            line.price_minor, line.override_reason = price_minor, reason.strip()
            self.say(f"{name}: unit price {self.money(price_minor)} (override: {reason.strip()})")
            self.changed()

        self.app.push_screen(
            PromptDialog(f"Price override: {name} at {self.money(price_minor)}",
                         "Reason (shown to the auditor):", line.override_reason, check),
            answered,
        )  # fmt: skip

    def action_delete_line(self) -> None:
        line = self.selected_line
        if line is None:
            self.app.bell()
            return
        name = line.product.code if line.product else line.text
        self.drop_line(line)
        self.say(f"Deleted {name}")

    def action_edit_line(self) -> None:
        line = self.selected_line
        if line is None or line.product is None:
            return

        def edited(values: dict[str, Any] | None) -> None:
            if values and line in self.lines:
                line.qty = values["qty"]
                line.discount_minor = values["discount_minor"]
                line.note = values["note"].strip()
                self.changed()

        self.app.push_screen(LineDialog(line, self._currency), edited)

    def action_move(self, step: int) -> None:
        hits = self.query_one("#customer-hits", OptionList)
        if self.focused is self.query_one("#customer") and hits.display and hits.option_count:
            current = hits.highlighted or 0
            hits.highlighted = max(0, min(hits.option_count - 1, current + step))
            return
        if self.lines:
            self.selected = max(0, min(len(self.lines) - 1, self.selected + step))
            self.show_lines()
            line = self.lines[self.selected]
            if line.product is not None and line.price_source:
                self.say(f"Line {self.selected + 1} {line.product.code}: price from "
                         f"{line.price_source}")  # fmt: skip

    # -- quoting and the draft --------------------------------------------------------------

    def changed(self) -> None:
        """Every change: repaint, re-quote in the background, save the draft."""
        self._rev += 1
        self._dirty = True
        if self._error_line is not None:
            self._error_line = None
        self.show_lines()
        self.requote()
        self.save_draft_later()

    def requote(self) -> None:
        lines = self.resolved_lines()
        if self.customer_id is None or not lines:
            self.quote = None
            self.show_totals()
            return
        new = [self.new_line(ln) for ln in lines]
        self.run_quote(self._rev, self.customer_id, self._ship_to_id, new, lines,
                       self.options.carrier_id)  # fmt: skip

    @staticmethod
    def new_line(line: EntryLine | DraftLine) -> NewLine:
        if isinstance(line, DraftLine):
            return NewLine(line.product_id, line.qty, line.price_minor, line.discount_minor,
                           line.requirements_note, line.override_reason)  # fmt: skip
        assert line.product is not None
        return NewLine(line.product.id, line.qty, line.price_minor, line.discount_minor,
                       line.note, line.override_reason)  # fmt: skip

    @work(thread=True, exclusive=True, group="quote", exit_on_error=False)
    def run_quote(self, rev: int, customer_id: int, ship_to_id: int | None,
                  new: list[NewLine], lines: list[EntryLine],
                  carrier_id: int | None = None) -> None:  # fmt: skip
        try:
            q = quote_order(self.db, customer_id, new, ship_to_address_id=ship_to_id,
                            carrier_id=carrier_id)  # fmt: skip
        except InvalidInput as error:
            self.post_message(self.QuoteReady(rev, lines, None, str(error), error.field))
        except Exception as error:  # noqa: BLE001 - said on screen
            self.post_message(self.QuoteReady(rev, lines, None, error_text(error)))
        else:
            self.post_message(self.QuoteReady(rev, lines, q))

    @on(QuoteReady)
    def quote_ready(self, message: QuoteReady) -> None:
        if message.rev != self._rev:
            return  # the order changed meanwhile; a newer quote is on its way
        if message.quote is None:
            self.quote = None
            self._quote_error = message.error
            field = message.field or ""
            if field.startswith("lines.") and field.split(".")[1].isdigit():
                self._error_line = int(field.split(".")[1]) - 1
                self.show_lines()
            self.show_totals()
            return
        self._quote_error = ""
        self.quote = message.quote
        self._currency = message.quote.currency
        for line, priced in zip(message.lines, message.quote.quote.lines, strict=True):
            line.unit_minor = priced.unit_price_minor
            line.line_discount_minor = priced.discount_minor
            line.amount_minor = priced.amount_minor
            line.price_source = priced.price_source
        self.show_lines()
        self.show_totals()

    def draft(self) -> EntryDraft:
        return EntryDraft(
            customer_id=self.customer_id,
            ship_to_id=self._ship_to_id,
            lines=tuple(DraftLine(ln.product.id, ln.qty, ln.discount_minor, ln.note,
                                  ln.price_minor, ln.override_reason)
                        for ln in self.lines if ln.product is not None),
            options=self.options,
            new_caller=self._new_caller_typed(),
        )  # fmt: skip

    def _new_caller_typed(self) -> tuple[tuple[str, str], ...]:
        panel = self.query_one("#new-caller", NewCallerPanel)
        if self.customer_id is not None or not panel.is_open:
            return ()
        return panel.typed()

    def save_draft_later(self) -> None:
        draft = self.draft()
        if draft.empty:
            return
        who = (
            self.card.name
            if self.card
            else (
                dict(draft.new_caller).get("name", "").strip()
                or self.query_one("#customer", ScanInput).value.strip()
                or "no customer"
            )
        )
        summary = f"{who}: {len(draft.lines)} line{'s' if len(draft.lines) != 1 else ''}"
        self.write_draft(self._epoch, self._rev, draft, summary)

    @work(thread=True, group="draft", exit_on_error=False)
    def write_draft(self, epoch: int, rev: int, draft: EntryDraft, summary: str) -> None:
        """One draft per order, saved in order: a lock keeps two saves from racing."""
        with self._draft_lock:
            if epoch != self._epoch or rev < getattr(self, "_draft_rev", -1):
                return  # the order was saved meanwhile, or a newer draft is already written
            try:
                self._draft_id = save_draft(
                    self.db, self.user, draft.payload(), draft_id=self._draft_id,
                    customer_id=draft.customer_id, summary=summary,
                )  # fmt: skip
                self._draft_rev = rev
            except Exception as error:  # noqa: BLE001 - said on screen; the order is on screen
                self.post_message(self.Problem(f"draft not saved: {error_text(error)}"))

    @work(thread=True, group="draft", exit_on_error=False)
    def look_for_draft(self, user: str) -> None:
        try:
            draft = latest_draft(self.db, user)
        except Exception:  # noqa: BLE001 - nothing to offer
            return
        if draft is not None:
            self.post_message(self.DraftFound(draft))

    @on(DraftFound)
    def draft_found(self, message: DraftFound) -> None:
        draft = message.draft
        if self.dirty:
            return  # the clerk has started typing: keep the old draft for later

        def answered(choice: str | None) -> None:
            if choice == "r":
                self._draft_id = draft.id
                self.restore(EntryDraft.from_payload(draft.payload))
            elif choice == "d":
                self.discard(draft.id)
                self.say("Draft discarded")

        saved = draft.updated_at.astimezone().strftime("%Y-%m-%d %H:%M")
        self.app.push_screen(
            ChoiceDialog("Unfinished order", [("r", "r", "Resume it"), ("d", "d", "Discard it")],
                         text=f"{draft.summary or 'an order'} (saved {saved})"),
            answered,
        )  # fmt: skip

    @work(thread=True, group="draft", exit_on_error=False)
    def discard(self, draft_id: int) -> None:
        try:
            discard_draft(self.db, self.user, draft_id)
        except Exception:  # noqa: BLE001, S110 - gone already
            pass

    @work(thread=True, exclusive=True, group="restore", exit_on_error=False)
    def restore(self, draft: EntryDraft) -> None:
        try:
            card = customer_card(self.db, draft.customer_id, today=self.today) \
                if draft.customer_id is not None else None  # fmt: skip
            products = products_by_id(self.db, [ln.product_id for ln in draft.lines])
        except Exception as error:  # noqa: BLE001 - said on screen
            self.post_message(self.Problem(f"could not resume the draft: {error_text(error)}"))
            return
        self.post_message(self.Restored(draft, card, products))

    @on(Restored)
    def restored(self, message: Restored) -> None:
        draft, card = message.draft, message.card
        self.customer_id = card.id if card else None
        self.card = card
        self._ship_to_id = draft.ship_to_id
        if card is not None:
            self.ship_to = next((a for a in card.addresses if a.id == draft.ship_to_id),
                                card.default_address)  # fmt: skip
            self._ship_to_id = self.ship_to.id if self.ship_to else None
            self._suppress_search = True
            self.query_one("#customer", ScanInput).value = card.name
        self.options = draft.options
        self.lines = [
            EntryLine(message.products[ln.product_id].code, ln.qty,
                      message.products[ln.product_id], ln.discount_minor, ln.requirements_note,
                      ln.price_minor, ln.override_reason)
            for ln in draft.lines if ln.product_id in message.products
        ]  # fmt: skip
        self.selected = max(0, len(self.lines) - 1)
        self.query_one("#scan" if card else "#customer", ScanInput).focus()
        new_caller = dict(draft.new_caller) if card is None else {}
        self.say(
            f"Resumed: {card.name if card else new_caller.get('name') or 'no customer'}, "
            f"{len(self.lines)} lines" + (" (new customer)" if new_caller else "")
        )
        self.show_all()
        if new_caller:  # the caller was being created: the details typed, back in place
            self.query_one("#new-caller", NewCallerPanel).open(values=new_caller)
        self.changed()

    # -- speed paths -----------------------------------------------------------------------

    def _need_customer(self) -> bool:
        if self.customer_id is None:
            self._error_field = "customer"
            self.show_customer()
            self.say("Pick the customer first", error=True)
            self.query_one("#customer", ScanInput).focus()
            return True
        return False

    def action_repeat_order(self) -> None:
        if not self._need_customer():
            self.list_for("orders", self.customer_id)  # type: ignore[arg-type]

    def action_templates(self) -> None:
        self.list_for("templates", self.customer_id)

    @work(thread=True, exclusive=True, group="lists", exit_on_error=False)
    def list_for(self, kind: str, customer_id: int | None) -> None:
        try:
            if kind == "orders":
                items: list[Any] = recent_orders(self.db, customer_id, limit=9)  # type: ignore[arg-type]
            else:
                items = list_templates(self.db, customer_id)[:9]
        except Exception as error:  # noqa: BLE001 - said on screen
            self.post_message(self.Problem(error_text(error)))
            return
        self.post_message(self.Listed(kind, items))

    @on(Listed)
    def listed(self, message: Listed) -> None:
        items = message.items
        if not items:
            self.say("No recent orders for this customer" if message.kind == "orders"
                     else "No templates", error=True)  # fmt: skip
            return
        choices = []
        for n, item in enumerate(items, start=1):
            if isinstance(item, OrderView):
                label = (f"{item.number}  {item.created_at:%Y-%m-%d}  {len(item.lines)} lines  "
                         f"{format_money(item.total_minor, item.currency)}")  # fmt: skip
            else:
                assert isinstance(item, TemplateView)
                label = f"{item.name}  {len(item.lines)} lines  {item.schedule}".rstrip()
            choices.append((str(n), str(n - 1), label))
        title = "Repeat an order" if message.kind == "orders" else "Add a template"

        def picked(value: str | None) -> None:
            if value is not None:
                self.copy_lines(message.kind, items[int(value)])

        self.app.push_screen(ChoiceDialog(title, choices), picked)

    @work(thread=True, exclusive=True, group="lists", exit_on_error=False)
    def copy_lines(self, kind: str, item: Any) -> None:
        lines: list[EntryLine] = []
        missing: list[str] = []
        try:
            # an order's lines and a template's lines both carry product id, code, qty, note
            products = products_by_id(self.db, [ln.product_id for ln in item.lines])
            for ln in item.lines:
                hit = products.get(ln.product_id)
                if hit is None or not hit.active:
                    missing.append(ln.product_code)
                else:
                    lines.append(EntryLine(hit.code, ln.qty, hit, 0, ln.requirements_note))
            is_order = isinstance(item, OrderView)
            source = f"order {item.number}" if is_order else f"template {item.name}"
        except Exception as error:  # noqa: BLE001 - said on screen
            self.post_message(self.Problem(error_text(error)))
            return
        self.post_message(self.LinesLoaded(lines, source, missing))

    @on(LinesLoaded)
    def lines_loaded(self, message: LinesLoaded) -> None:
        first = len(self.lines)
        self.lines.extend(message.lines)
        self.selected = first if message.lines else self.selected
        text = f"Copied {len(message.lines)} lines from {message.source}"
        if message.missing:
            self.say(f"{text}; not sold any more: {', '.join(message.missing)}", error=True)
        else:
            self.say(text + "; change quantities with Up/Down and *N Enter")
        self.query_one("#scan", ScanInput).focus()
        self.changed()

    # -- customer dialogs, ship-to, options --------------------------------------------------

    def action_new_customer(self, typed: str | None = None) -> None:
        """The new caller's fields, in this screen over the rows below the customer field."""
        if typed is None:
            typed = self.query_one("#customer", ScanInput).value if self.customer_id is None \
                else ""  # fmt: skip
        self.query_one("#customer-hits", OptionList).display = False
        self.query_one("#new-caller", NewCallerPanel).open(typed)

    @on(Input.Changed, "#new-caller ScanInput")
    def new_caller_typed(self) -> None:
        """The caller's details are part of the draft: saved a moment after typing stops."""
        self._dirty = True
        if self._new_caller_timer is not None:
            self._new_caller_timer.stop()
        self._new_caller_timer = self.set_timer(self.NEW_CALLER_SAVE_DELAY,
                                                self.save_draft_later)  # fmt: skip

    @on(NewCallerPanel.Submitted)
    def new_caller_submitted(self, message: NewCallerPanel.Submitted) -> None:
        v = message.values
        self.create_caller(NewCustomer(name=v["name"], phone=v["phone"], group=message.group,
                                       province=v["province"], city=v["city"],
                                       street=v["street"]))  # fmt: skip

    @work(thread=True, exclusive=True, group="new-customer", exit_on_error=False)
    def create_caller(self, new: NewCustomer) -> None:
        try:
            hit = create_customer(self.db, self.user, new)
        except InvalidInput as error:
            self.post_message(self.CallerRefused(str(error), error.field))
        except Exception as error:  # noqa: BLE001 - shown in the panel; nothing was saved
            self.post_message(self.CallerRefused(error_text(error), None))
        else:
            self.post_message(self.CallerCreated(hit))

    @on(CallerCreated)
    def caller_created(self, message: CallerCreated) -> None:
        self.query_one("#new-caller", NewCallerPanel).close()
        self.choose_customer(message.hit)

    @on(CallerRefused)
    def caller_refused(self, message: CallerRefused) -> None:
        self.query_one("#new-caller", NewCallerPanel).show_error(message.error, message.field)

    @on(NewCallerPanel.GroupWanted)
    def new_caller_group(self, message: NewCallerPanel.GroupWanted) -> None:
        panel = self.query_one("#new-caller", NewCallerPanel)

        def chosen(group: str | None) -> None:
            if group:
                panel.set_group(group)

        self.app.push_screen(ChoiceDialog("Customer group", GROUP_CHOICES,
                                          current=message.current), chosen)  # fmt: skip

    @on(NewCallerPanel.Cancelled)
    def new_caller_cancelled(self) -> None:
        self.query_one("#customer", ScanInput).focus()
        self.say("No new customer")
        if self._new_caller_timer is not None:
            self._new_caller_timer.stop()
        if not self.draft().empty:
            self.save_draft_later()
        elif self._draft_id is not None:  # the draft held only the caller backed out of
            draft_id, self._draft_id = self._draft_id, None
            self._epoch += 1  # a save still on its way is void
            self.discard(draft_id)

    def action_ship_to(self) -> None:
        if self._need_customer() or self.card is None:
            return
        card = self.card
        choices = [(str(n), str(a.id), f"{a.text}  {a.contact_name} {a.phone}".rstrip()
                    + ("  (default)" if a.is_default else ""))
                   for n, a in enumerate(card.addresses[:9], start=1)]  # fmt: skip
        choices.append(("n", "new", "New address…"))

        def picked(value: str | None) -> None:
            if value == "new":
                self.app.push_screen(NewAddressDialog(self.db, self.user, card.id),
                                     self.address_added)  # fmt: skip
            elif value is not None and self.card is not None:
                self.ship_to = next(a for a in self.card.addresses if str(a.id) == value)
                self._ship_to_id = self.ship_to.id
                if self._error_field == "ship_to":
                    self._error_field = None
                self.show_customer()
                self.changed()

        current = str(self._ship_to_id) if self._ship_to_id else None
        self.app.push_screen(ChoiceDialog("Ship to", choices, current=current), picked)

    def address_added(self, address: AddressView | None) -> None:
        if address is None or self.customer_id is None:
            return
        self.ship_to = address
        self._ship_to_id = address.id
        self._error_field = None
        self.load_card(self.customer_id)
        self.show_customer()
        self.changed()

    def action_options(self) -> None:
        o = self.options
        when = f"{o.requested_date:%Y-%m-%d}" if o.requested_date else "none"
        menu = [("c", "channel", f"Channel: {o.channel}"),
                ("p", "payment", f"Payment: {o.payment_method or 'from terms'}"),
                ("d", "date", f"Delivery date: {when}"),
                ("r", "priority", f"Priority: {PRIORITY_NAMES.get(o.priority)}"),
                ("s", "carrier", "Carrier (shipping estimate): "
                 f"{self.carrier_name(o.carrier_id) or 'none'}"),
                ("h", "policy", f"Shipping: {o.shipping_policy or 'as the customer'}"),
                ("n", "notes", f"Notes: {o.notes or 'none'}")]  # fmt: skip

        def set_option(**change: Any) -> None:
            self.options = replace(self.options, **change)
            if self._error_field in ("channel", "payment_method", "requested_date"):
                self._error_field = None
            self.show_options()
            self.changed()

        def check_date(text: str) -> str | None:
            try:
                parse_requested_date(text, self.today)
            except InvalidInput as error:
                return str(error)
            return None

        def picked(what: str | None) -> None:
            if what == "channel":
                self.app.push_screen(
                    ChoiceDialog("Channel", CHANNEL_CHOICES, current=o.channel),
                    lambda v: v is not None and set_option(channel=v))  # fmt: skip
            elif what == "payment":
                self.app.push_screen(
                    ChoiceDialog("Payment", PAYMENT_CHOICES, current=o.payment_method or ""),
                    lambda v: v is not None and set_option(payment_method=v or None))  # fmt: skip
            elif what == "policy":
                self.app.push_screen(
                    ChoiceDialog("Shipping policy", POLICY_CHOICES,
                                 current=o.shipping_policy or ""),
                    lambda v: v is not None and set_option(shipping_policy=v or None))  # fmt: skip
            elif what == "priority":
                self.app.push_screen(
                    ChoiceDialog("Priority", PRIORITY_CHOICES, current=str(o.priority)),
                    lambda v: v is not None and set_option(priority=int(v)))  # fmt: skip
            elif what == "date":
                self.app.push_screen(
                    PromptDialog("Delivery date", "2026-12-01, +1 (tomorrow), mon … (blank: none)",
                                 when if o.requested_date else "", check_date),
                    lambda v: v is not None and set_option(
                        requested_date=parse_requested_date(v, self.today)))  # fmt: skip
            elif what == "carrier":
                if self._carriers is None:
                    self.load_carriers(True)  # opens the choice once loaded
                else:
                    self.choose_carrier()
            elif what == "notes":
                self.app.push_screen(
                    PromptDialog("Order notes", "Notes for the warehouse and driver:", o.notes),
                    lambda v: v is not None and set_option(notes=v.strip()))  # fmt: skip

        self.app.push_screen(ChoiceDialog("Order options", menu), picked)

    @work(thread=True, exclusive=True, group="carriers", exit_on_error=False)
    def load_carriers(self, choose: bool) -> None:
        try:
            carriers = list_carriers(self.db)
        except Exception as error:  # noqa: BLE001 - said on screen
            self.post_message(self.Problem(f"carriers: {error_text(error)}"))
            return
        self.post_message(self.CarriersLoaded(carriers, choose))

    @on(CarriersLoaded)
    def carriers_loaded(self, message: CarriersLoaded) -> None:
        self._carriers = message.carriers
        self.show_options()
        if message.choose:
            self.choose_carrier()

    def choose_carrier(self) -> None:
        """Carrier by key: ``1``-``9`` in code order, ``0`` none (no shipping estimate)."""
        carriers = (self._carriers or [])[:9]
        choices = [("0", "", "None: no shipping estimate")]
        choices += [(str(n), str(c.id), f"{c.code}  {c.name}  ({c.kind.replace('_', ' ')})")
                    for n, c in enumerate(carriers, start=1)]  # fmt: skip
        current = str(self.options.carrier_id) if self.options.carrier_id else ""

        def picked(value: str | None) -> None:
            if value is None:
                return
            self.options = replace(self.options, carrier_id=int(value) if value else None)
            name = self.carrier_name(self.options.carrier_id)
            self.say(f"Carrier: {name}" if name else "No carrier: no shipping estimate")
            self.show_options()
            self.changed()

        self.app.push_screen(ChoiceDialog("Carrier", choices, current=current), picked)

    def action_lookup(self) -> None:
        """F4: prompt a lookup on the focused field (as 5250 order entry did)."""
        focused = self.focused
        if focused is self.query_one("#customer"):
            query = self.query_one("#customer", ScanInput).value.strip()
            if query:
                self.find_customers(query)
                self.query_one("#customer-hits", OptionList).display = True
            else:
                self.action_new_customer("")
            return
        scan = self.query_one("#scan", ScanInput)
        words = scan.value.strip()
        scan.value = ""

        def picked(hit: ProductHit | None) -> None:
            if hit is not None:
                line = EntryLine(hit.code, 1)
                self.lines.append(line)
                self.place_product(line, hit)

        self.app.push_screen(ProductSearchDialog(words), picked)

    # -- save and back ---------------------------------------------------------------------

    def action_save(self) -> None:
        if any(ln.product is None for ln in self.lines):
            self._save_pending = True
            self.say("Saving once the lines are looked up…")
            return
        if self._need_customer():
            return
        draft = self.draft()
        o = draft.options
        self.say("Saving…")
        self.save_order(self._epoch, self.customer_id, self._ship_to_id,  # type: ignore[arg-type]
                        [self.new_line(ln) for ln in draft.lines], o)  # fmt: skip

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def save_order(self, epoch: int, customer_id: int, ship_to_id: int | None,
                   lines: list[NewLine], o: DraftOptions) -> None:  # fmt: skip
        with self._draft_lock:  # no draft save in flight: the order replaces the draft
            try:
                order = submit_new_order(  # saved into the audit queue, its checks run
                    self.db, self.user, customer_id, lines, channel=o.channel,
                    ship_to_address_id=ship_to_id, requested_date=o.requested_date,
                    payment_method=o.payment_method, priority=o.priority, notes=o.notes,
                    carrier_id=o.carrier_id, draft_id=self._draft_id,
                    shipping_policy=o.shipping_policy,
                )  # fmt: skip
            except InvalidInput as error:
                self.post_message(self.SaveFailed(str(error), error.field))
                return
            except NotFound as error:
                field = "customer" if "customer" in str(error) else None
                if str(error).startswith("line "):
                    field = "lines." + str(error).split()[1].rstrip(":")
                self.post_message(self.SaveFailed(str(error), field))
                return
            except OmsError as error:
                self.post_message(self.SaveFailed(str(error), None))
                return
            except Exception as error:  # noqa: BLE001 - said on screen; the draft is kept
                self.post_message(self.SaveFailed(f"not saved: {error_text(error)}", None))
                return
            self._draft_id = None
            self._epoch = epoch + 1
            self._draft_rev = -1
        self.post_message(self.OrderSaved(order))

    @on(OrderSaved)
    def order_saved(self, message: OrderSaved) -> None:
        order = message.order
        self.new_order()
        self.say(f"Saved {order.number} for {order.customer_name}: "
                 f"{format_money(order.total_minor, order.currency)}, waiting audit. "
                 "Next caller.")  # fmt: skip

    def new_order(self) -> None:
        self._reset_state()
        self._hits, self._hits_for, self._pending_pick = [], None, None
        customer = self.query_one("#customer", ScanInput)
        self._suppress_search = bool(customer.value)
        customer.value = ""
        self.query_one("#scan", ScanInput).value = ""
        self.show_hits("", [])
        customer.focus()
        self.show_all()

    @on(SaveFailed)
    def save_failed(self, message: SaveFailed) -> None:
        field = message.field or ""
        self._error_field = None
        self._error_line = None
        if field.startswith("lines.") and field.split(".")[1].isdigit():
            self._error_line = int(field.split(".")[1]) - 1
            self.selected = self._error_line
            self.query_one("#scan", ScanInput).focus()
        elif field == "lines":
            self.query_one("#scan", ScanInput).focus()
        elif field in ("customer", "ship_to", "channel", "payment_method", "requested_date"):
            self._error_field = field
            if field == "customer":
                self.query_one("#customer", ScanInput).focus()
        self.show_all()
        self.say(message.error[:1].upper() + message.error[1:], error=True)

    @on(Problem)
    def problem(self, message: Problem) -> None:
        self.say(message.error, error=True)

    def action_back(self) -> None:
        hits = self.query_one("#customer-hits", OptionList)
        if hits.display:
            hits.display = False
            return
        panel = self.query_one("#new-caller", NewCallerPanel)
        if panel.is_open:  # (Esc in one of its fields closes it itself)
            panel.action_cancel()
            return
        if not self.dirty:
            self.app.call_later(self.app.run_action, "back_out")
            return

        def answered(choice: str | None) -> None:
            if choice == "y":
                self.app.call_later(self.app.run_action, "back_out")

        self.app.push_screen(ChoiceDialog(
            "Leave this order?", [("y", "y", "Yes, leave (kept as a draft, offered next time)"),
                                  ("n", "n", "No, stay")],
            text="The order is not saved yet.",
        ), answered)  # fmt: skip


__all__ = ["OrderEntryScreen", "fit"]
