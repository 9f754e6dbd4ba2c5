"""The order entry screen: it composes the caller (``customer_picker.py``), the options row
(``options.py``), the lines with their totals (``lines.py``), the message line and the scan
line, owns the keys (the README's grammar: every binding in ``keys.py``, with its id) and does
what joins them: the live quote, the draft (``draft_autosave.py``), the save, backing out.
The order itself is the ``EntryModel`` (``model.py``); the widgets show it.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Header, Input, Label
from textual.worker import Worker

from ...commands import ScreenCommands
from ...failures import doing, failure_text
from ...i18n import N_, _, ngettext, shown
from ...services.catalog.catalog import ProductHit, products_by_id
from ...services.parties.customers import AddressView
from ...services.parties.invoicing import Invoicing
from ...services.platform.errors import InvalidInput, NotFound
from ...services.platform.money import format_money
from ...services.sales.audit_checks import invoicing_warning, submit_new_order
from ...services.sales.customer_history import CustomerCard, customer_card
from ...services.sales.entry import DraftOptions, EntryDraft
from ...services.sales.orders import NewLine, OrderQuote, OrderView, quote_order
from ...type_ahead import hold_keys_for
from ...widgets.dialogs import ChoiceDialog, ConfirmDialog
from ...widgets.footer import KeysFooter
from ...widgets.new_caller import NewCallerPanel
from ...widgets.quick_open import QuickOpen
from ...widgets.scan_input import ScanInput
from .. import OmsScreen
from .customer_picker import CustomerPicker
from .draft_autosave import DraftAutosave, DraftFound
from .forms import InvoicingDialog, NewAddressDialog
from .keys import BINDINGS, INVOICING_KEY, PALETTE
from .lines import EntryLines
from .model import EntryLine, EntryModel, line_number
from .options import OrderOptions
from .row import Row


class OrderEntryScreen(QuickOpen, OmsScreen):
    """Customer, lines, options and live totals of one order; saved to audit by F2."""

    CSS_PATH = "order_entry.tcss"
    COMMANDS = {ScreenCommands}
    PALETTE_PREFIX = N_("Order entry")
    ACTION_PERMISSIONS: ClassVar[dict[str, str]] = {
        "save": "orders.enter", "discard": "orders.enter", "new_customer": "customers.edit",
        "invoicing": "customers.edit",
    }  # fmt: skip
    MESSAGE_LAYOUT = False  # #message is one row high (a Row)
    NEW_CALLER_SAVE_DELAY: ClassVar[float] = 0.5  # s after the last key in the new caller

    BINDINGS: ClassVar[list[BindingType]] = BINDINGS
    PALETTE: ClassVar[tuple[tuple[str, str, str], ...]] = PALETTE

    # -- messages from workers -----------------------------------------------------------------

    class CardLoaded(Message):
        def __init__(self, card: CustomerCard, invoicing: str | None = None) -> None:
            super().__init__()
            self.card, self.invoicing = card, invoicing  # what the invoicing check warns

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

    class Restored(Message):
        def __init__(self, draft: EntryDraft, card: CustomerCard | None,
                     products: dict[int, ProductHit]) -> None:  # fmt: skip
            super().__init__()
            self.draft, self.card, self.products = draft, card, products

    # -- state and layout ------------------------------------------------------------------

    def __init__(self) -> None:
        super().__init__()
        self.model = EntryModel()
        self.autosave = DraftAutosave(self)
        self._new_caller_timer: Any = None
        self._leaving = False  # "leave, kept as a draft" answered: on the way home
        self._left = False  # left so: a new order when back, the draft offered

    @property
    def dirty(self) -> bool:
        """Something typed that is not saved as an order yet."""
        return self.model.touched and not self.draft().empty

    @property
    def today(self) -> date:
        return self.context.clock().date()

    def compose(self) -> ComposeResult:
        # Straight in the screen (between the docked header and footer), not in a container:
        # each level between a field and the screen is walked again on every key.
        yield Header()
        yield CustomerPicker(self.model, id="customer-picker")
        yield OrderOptions(self.model, id="options")
        yield EntryLines(self.model, id="entry-lines")
        yield Row("", id="message")
        with Horizontal(id="scan-row", classes="entry-row"):
            yield Label(_("Scan"), classes="entry-label")
            yield ScanInput(id="scan", placeholder=_("code, barcode, code*qty or words"))
        yield KeysFooter(compact=True)

    @property
    def picker(self) -> CustomerPicker:
        return self.query_one(CustomerPicker)

    @property
    def options_row(self) -> OrderOptions:
        return self.query_one(OrderOptions)

    @property
    def entry_lines(self) -> EntryLines:
        return self.query_one(EntryLines)

    @property
    def scan(self) -> ScanInput:
        return self.query_one("#scan", ScanInput)

    def on_mount(self) -> None:
        self.picker.next_field = self.entry_lines.scan_line = self.scan
        self.picker.field.focus()
        self.show_all()
        self.autosave.look_for()

    def on_screen_suspend(self) -> None:
        if self._leaving:
            self._leaving, self._left = False, True

    def on_screen_resume(self) -> None:
        if self._left:  # back after leaving an order as a draft: a new one, the draft offered
            self._left = False
            self.autosave.start_new()
            self.new_order()
            self.autosave.look_for()

    def retranslate(self) -> None:
        """The language changed: its words again in it; the order as it is."""
        self.query_one("#scan-row Label", Label).update(_("Scan"))
        self.scan.placeholder = _("code, barcode, code*qty or words")
        self.picker.retranslate()
        self.show_all()

    def show_all(self) -> None:
        self.picker.show()
        self.options_row.show()
        self.entry_lines.show_lines()
        self.entry_lines.show_totals()

    # -- the caller --------------------------------------------------------------------------

    @on(CustomerPicker.Picked)
    def customer_picked(self, message: CustomerPicker.Picked) -> None:
        hit = message.hit
        self.model.choose_customer(hit)
        self.picker.to_next_field()
        self.say(_("Customer {code} {name}").format(code=hit.code, name=hit.name))
        self.load_card(hit.id)
        self.changed()

    @work(thread=True, exclusive=True, group="customer-card", exit_on_error=False,
          description=N_("read the customer"))  # fmt: skip
    def load_card(self, customer_id: int) -> None:
        card = customer_card(self.db, customer_id, today=self.today)
        self.post_message(self.CardLoaded(card, invoicing_warning(self.db, customer_id)))

    @on(CardLoaded)
    def card_loaded(self, message: CardLoaded) -> None:
        if self.model.card_loaded(message.card):
            self.picker.show()
            self.options_row.show()
            self.requote()
            if message.invoicing:  # the audit would warn: asked while the caller is on
                self.say(Content.styled(_("Special VAT invoice: its data is incomplete "
                                          "({key})").format(key=INVOICING_KEY),
                                        "bold $text-warning"))  # fmt: skip

    def _need_customer(self) -> bool:
        if self.model.customer_id is None:
            self.model.error_field = "customer"
            self.picker.show()
            self.say(_("Pick the customer first"), error=True)
            self.picker.field.focus()
            return True
        return False

    def action_new_customer(self) -> None:
        """The new caller's fields, in this screen over the rows below the customer field."""
        typed = self.picker.field.value if self.model.customer_id is None else ""
        self.picker.new_caller(typed)

    @on(Input.Changed, "#new-caller ScanInput")  # i18n: no (a selector)
    def new_caller_typed(self) -> None:
        """The caller's details are part of the draft: saved a moment after typing stops."""
        self.model.touched = True
        if self._new_caller_timer is not None:
            self._new_caller_timer.stop()
        self._new_caller_timer = self.set_timer(self.NEW_CALLER_SAVE_DELAY,
                                                self.save_draft_later)  # fmt: skip

    @on(NewCallerPanel.Cancelled)
    def new_caller_cancelled(self) -> None:
        self.say(_("No new customer"))
        if self._new_caller_timer is not None:
            self._new_caller_timer.stop()
        if not self.draft().empty:
            self.save_draft_later()
        else:  # the draft held only the caller backed out of
            self.autosave.drop()

    def action_ship_to(self) -> None:
        if self._need_customer():
            return
        if self.model.card is None:  # its card not read yet (or not read at all): read it
            self.load_card(self.model.customer_id)  # type: ignore[arg-type]
            return
        card = self.model.card
        choices = [(str(n), str(a.id), f"{a.text}  {a.contact_name} {a.phone}".rstrip()
                    + ("  " + _("(default)") if a.is_default else ""))
                   for n, a in enumerate(card.addresses[:9], start=1)]  # fmt: skip
        if self.may("customers.edit"):  # a new address is the customer's (add_address)
            choices.append(("n", "new", _("New address…")))

        def picked(value: str | None) -> None:
            now = self.model.card
            if value == "new":
                phone = card.phones[0] if card.phones else ""  # contact and phone: the caller's
                self.app.push_screen(NewAddressDialog(self.db, self.user, card.id, card.name,
                                                      phone), self.address_added)  # fmt: skip
            elif value is not None and now is not None:
                self.model.set_ship_to(next(a for a in now.addresses if str(a.id) == value))
                self.picker.show()
                self.changed()

        current = str(self.model.ship_to_id) if self.model.ship_to_id else None
        self.app.push_screen(ChoiceDialog(_("Ship to"), choices, current=current), picked)

    def address_added(self, address: AddressView | None) -> None:
        if address is None or self.model.customer_id is None:
            return
        self.model.set_ship_to(address)
        self.model.error_field = None
        self.load_card(self.model.customer_id)
        self.picker.show()
        self.changed()

    def action_invoicing(self, twin: bool = False) -> None:
        """F11: the caller's invoicing data in a form (saved at once, the order kept). Ctrl+U
        opens it from an empty field (the scan line, where the focus rests between lines);
        in a field with text, or in the new caller's fields, it clears to the start as in
        any field (clerks clear the customer field so)."""
        focused = self.focused
        if (
            twin
            and isinstance(focused, Input)
            and (focused.cursor_position > 0 or self.picker.panel in focused.ancestors)
        ):
            focused.action_delete_left_all()
            return
        if self._need_customer():
            return
        card = self.model.card
        if card is None:  # not read yet (or not read at all): read it
            self.load_card(self.model.customer_id)  # type: ignore[arg-type]
            return

        def saved(data: Invoicing | None) -> None:
            if data is not None:
                self.say(_("Invoicing data of {name} saved").format(name=card.name))

        self.app.push_screen(InvoicingDialog(self.db, self.user, card.code, card.name), saved)

    # -- lines and options -----------------------------------------------------------------

    @on(ScanInput.Scanned, "#scan")
    def scanned(self, event: ScanInput.Scanned) -> None:
        event.stop()
        self.entry_lines.scanned(event.value)

    def action_move(self, step: int) -> None:
        if not self.picker.move(step):
            self.entry_lines.move(step)

    def action_delete_line(self) -> None:
        self.entry_lines.delete_selected()

    def action_edit_line(self) -> None:
        self.entry_lines.edit_selected()

    def action_lookup(self) -> None:
        """F4: prompt a lookup on the focused field (as 5250 order entry did)."""
        if self.focused is self.picker.field:
            self.picker.lookup()
            return
        scan = self.scan
        words = scan.value.strip()
        scan.value = ""
        self.entry_lines.find_product(words)

    def action_repeat_order(self) -> None:
        if not self._need_customer():
            self.entry_lines.copy_from("orders", self.model.customer_id)

    def action_templates(self) -> None:
        self.entry_lines.copy_from("templates", self.model.customer_id)

    def action_options(self) -> None:
        self.options_row.open_menu(self.today)

    # -- quoting and the draft ---------------------------------------------------------------

    def changed(self) -> None:
        """After a change (counted in the model): the lines painted, quote again, save."""
        self.entry_lines.show_lines()
        self.lines_changed()

    @on(OrderOptions.Changed)
    def options_changed(self) -> None:
        self.changed()

    @on(EntryLines.Changed)
    def lines_changed(self) -> None:
        """Re-quote in the background, save the draft (the lines are painted already)."""
        self.requote()
        self.save_draft_later()

    @on(EntryLines.LookedUp)
    def looked_up(self) -> None:
        if self.model.save_pending and self.model.looked_up:
            self.model.save_pending = False
            self.action_save()

    def requote(self) -> None:
        m = self.model
        lines = m.resolved_lines()
        if m.customer_id is None or not lines:
            m.quote = None
            self.entry_lines.show_totals()
            return
        self.run_quote(m.rev, m.customer_id, m.ship_to_id, [ln.new_line() for ln in lines],
                       lines, m.options.carrier_id)  # fmt: skip

    @work(thread=True, exclusive=True, group="quote", exit_on_error=False,
          description=N_("quote the order"))  # fmt: skip
    def run_quote(self, rev: int, customer_id: int, ship_to_id: int | None,
                  new: list[NewLine], lines: list[EntryLine],
                  carrier_id: int | None = None) -> None:  # fmt: skip
        try:
            q = quote_order(self.db, customer_id, new, ship_to_address_id=ship_to_id,
                            carrier_id=carrier_id)  # fmt: skip
        except InvalidInput as error:  # shown under the totals, on the line it names
            self.post_message(self.QuoteReady(rev, lines, None, str(error), error.field))
        else:
            self.post_message(self.QuoteReady(rev, lines, q))

    @on(QuoteReady)
    def quote_ready(self, message: QuoteReady) -> None:
        m = self.model
        if message.quote is None:
            if not m.quote_failed(message.rev, message.error, message.field):
                return  # the order changed meanwhile; a newer quote is on its way
            if line_number(message.field) is not None:
                self.entry_lines.show_lines()
        elif m.quoted(message.rev, message.lines, message.quote):
            self.entry_lines.show_lines()
        else:
            return
        self.entry_lines.show_totals()

    def draft(self) -> EntryDraft:
        return self.model.draft(self.picker.new_caller_typed())

    def save_draft_later(self) -> Worker | None:
        draft = self.draft()
        if draft.empty:
            return None
        card = self.model.card
        typed = dict(draft.new_caller).get("name", "").strip() or self.picker.field.value.strip()
        who = card.name if card else typed or _("no customer")
        summary = ngettext("{who}: {n} line", "{who}: {n} lines", len(draft.lines)).format(
            who=who, n=len(draft.lines)
        )
        return self.autosave.save(draft, self.model.rev, summary)

    @on(DraftFound)
    def draft_found(self, message: DraftFound) -> None:
        draft = message.draft
        if self.dirty:
            return  # the clerk has started typing: keep the old draft for later

        def answered(choice: str | None) -> None:
            if choice == "r":
                self.autosave.resume(draft.id)
                self.restore(EntryDraft.from_payload(draft.payload))
            elif choice == "d":
                self.autosave.discard(draft.id)
                self.say(_("Draft discarded"))

        saved = draft.updated_at.astimezone().strftime("%Y-%m-%d %H:%M")
        self.app.push_screen(
            ChoiceDialog(_("Unfinished order"), [("r", "r", _("Resume it")),
                                                 ("d", "d", _("Discard it"))],
                         text=_("{summary} (saved {time})").format(
                             summary=draft.summary or _("an order"), time=saved)),
            answered,
        )  # fmt: skip

    @work(thread=True, exclusive=True, group="restore", exit_on_error=False,
          description=N_("resume the draft"))  # fmt: skip
    def restore(self, draft: EntryDraft) -> None:
        card = customer_card(self.db, draft.customer_id, today=self.today) \
            if draft.customer_id is not None else None  # fmt: skip
        products = products_by_id(self.db, [ln.product_id for ln in draft.lines])
        self.post_message(self.Restored(draft, card, products))

    @on(Restored)
    def restored(self, message: Restored) -> None:
        draft, card = message.draft, message.card
        self.model.restore(draft, card, message.products)
        if card is not None:
            self.picker.show_picked(card.name)
        (self.scan if card else self.picker.field).focus()
        new_caller = dict(draft.new_caller) if card is None else {}
        who = card.name if card else new_caller.get("name") or _("no customer")
        count = len(self.model.lines)
        self.say(
            ngettext("Resumed: {who}, {n} line", "Resumed: {who}, {n} lines", count).format(
                who=who, n=count) + (_(" (new customer)") if new_caller else "")
        )  # fmt: skip
        self.show_all()
        if new_caller:  # the caller was being created: the details typed, back in place
            self.picker.panel.open(values=new_caller)
        self.changed()

    # -- save and back ---------------------------------------------------------------------

    def action_save(self) -> None:
        m = self.model
        if not m.looked_up:
            m.save_pending = True
            self.say(_("Saving once the lines are looked up…"))
            return
        if self._need_customer():
            return
        self.say(_("Saving…"))
        self.save_order(self.autosave.epoch, m.customer_id, m.ship_to_id,  # type: ignore[arg-type]
                        m.new_lines(), m.options)  # fmt: skip

    @work(thread=True, exclusive=True, group="save", exit_on_error=False,
          description=N_("save the order"))  # fmt: skip
    def save_order(self, epoch: int, customer_id: int, ship_to_id: int | None,
                   lines: list[NewLine], o: DraftOptions) -> None:  # fmt: skip
        autosave = self.autosave
        with autosave.lock:  # no draft save in flight: the order replaces the draft
            try:
                order = submit_new_order(  # saved into the audit queue, its checks run
                    self.db, self.user, customer_id, lines, channel=o.channel,
                    ship_to_address_id=ship_to_id, requested_date=o.requested_date,
                    payment_method=o.payment_method, priority=o.priority, notes=o.notes,
                    carrier_id=o.carrier_id, draft_id=autosave.draft_id,
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
            autosave.order_saved(epoch)
        self.post_message(self.OrderSaved(order))

    @on(OrderSaved)
    def order_saved(self, message: OrderSaved) -> None:
        order = message.order
        self.new_order()
        self.say(_("Saved {number} for {customer}: {amount}, waiting audit. Next caller.").format(
            number=order.number, customer=order.customer_name,
            amount=format_money(order.total_minor, order.currency)))  # fmt: skip

    def new_order(self) -> None:
        self.model.reset()
        self.picker.clear()
        self.scan.value = ""
        self.show_all()

    @on(SaveFailed)
    def save_failed(self, message: SaveFailed) -> None:
        focus = self.model.save_failed(message.field)
        if focus == "scan":
            self.scan.focus()
        elif focus == "customer":
            self.picker.field.focus()
        self.show_all()
        said = shown(message.error)  # the service's English read back, then capitalised
        self.say(said[:1].upper() + said[1:], error=True)

    def worker_failed(self, worker: Worker, error: BaseException) -> None:
        """Told on the message line (``failures.py``); a failed save leaves the order on
        screen as it was (its draft kept), F2 saves it again; a failed quote leaves no
        stale totals."""
        if worker.group == "save":
            self.model.save_failed(None)
            self.show_all()
            text = failure_text(doing(worker), error)  # a service's sentence, capitalised
            self.say(text[:1].upper() + text[1:], error=True)
            return
        if worker.group == "quote":
            self.model.quote_failed(self.model.rev, "", None)
            self.entry_lines.show_totals()
        super().worker_failed(worker, error)

    def action_back(self) -> None:
        if self.picker.hide_hits():
            return
        panel = self.picker.panel
        if panel.is_open:  # (Esc in one of its fields closes it itself)
            panel.action_cancel()
            return
        if not self.dirty:
            self.app.call_later(self.app.run_action, "back_out")
            return

        def answered(choice: str | None) -> None:
            if choice == "y":  # its draft saved now (keys typed on wait for it)
                saving = self.save_draft_later()
                if saving is not None:
                    hold_keys_for(self, saving)
                self._leaving = True
            elif choice == "d":
                self.discard()
            if choice in ("y", "d"):
                self.app.call_later(self.app.run_action, "back_out")

        self.app.push_screen(ChoiceDialog(
            _("Leave this order?"),
            [("y", "y", _("Yes, leave (kept as a draft, offered next time)")),
             ("d", "d", _("Discard it and leave")), ("n", "n", _("No, stay"))],
            text=_("The order is not saved yet."),
        ), answered)  # fmt: skip

    def action_discard(self) -> None:
        """Ctrl+Z: the order on screen goes, and its draft (asks first; Ctrl+F is the
        interface language everywhere)."""
        if not self.dirty:
            self.say(_("Nothing to discard"))
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.discard()
                self.say(_("Order discarded. Next caller."))

        question = ConfirmDialog(_("Discard this order?"), _("What is typed goes, and its draft."))
        self.app.push_screen(question, answered)

    def discard(self) -> None:
        self.autosave.drop()
        self.new_order()
