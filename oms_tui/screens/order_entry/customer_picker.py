"""Order entry's caller: the customer field, its matches, the new caller's fields and the
card of the caller picked (credit, overdue, last order) with the ship-to.

Typing searches (a worker; the matches show under the field, over the rows below, so
showing them moves nothing); Up/Down move in them (the screen's keys call ``move``);
Enter picks the highlighted one, or, when nobody matches, opens the new caller's fields
(``widgets/new_caller.py``) with what was typed; that panel's customer is created here.
A pick is posted as ``Picked``: the screen takes the caller into the order and then calls
``to_next_field`` (keys typed after the Enter follow to the scan line, in order).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from ...failures import PassesFailures, doing, failure_text
from ...i18n import N_, _, shown
from ...services.parties.customers import (
    GROUPS,
    CustomerHit,
    NewCustomer,
    create_customer,
    search_customers,
)
from ...services.platform.errors import InvalidInput
from ...services.platform.money import format_money
from ...type_ahead import hold_keys_for
from ...widgets.dialogs import ChoiceDialog
from ...widgets.new_caller import NewCallerPanel
from ...widgets.order_list import fit_name
from ...widgets.scan_input import ScanInput
from ..formats import group_name, said
from .row import Row

if TYPE_CHECKING:
    from textual.worker import Worker

    from ...services.platform.db import Database
    from .. import OmsScreen
    from .model import EntryModel


def group_choices() -> tuple[tuple[str, str, str], ...]:
    """(letter, group, label) of each customer group; the letter is the group's own."""
    return tuple((g[0], g, group_name(g).capitalize()) for g in GROUPS)


class CustomerPicker(PassesFailures, Vertical):
    """The caller of the order: find one by phone, name or code, or create one."""

    DEFAULT_CSS = """
    /* Three rows: the field, the card, the ship-to (the matches and the new caller's
       fields lie over the rows below). A fixed height, not auto: an auto height would be
       measured again, overlays included, on every layout (a key's time, doubled). */
    CustomerPicker {
        height: 3;
    }
    CustomerPicker #customer {
        width: 1fr;
        &.-error { background: $error 30%; }
    }
    /* Over the rows below (overlay), not pushing them down: showing and hiding the matches
       as the caller is picked moves nothing else, so nothing else is laid out or repainted.
       Whole rows (indented under the field by padding, not margin): a row it lies over is
       hidden whole, never cut in half. One row per match: the name gives way. */
    CustomerPicker #customer-hits {
        overlay: screen;
        height: auto;
        max-height: 6;
        border: none;
        background: $surface;
        padding: 0 0 0 10;
    }
    CustomerPicker Row {
        text-overflow: ellipsis;
        &.-error { background: $error 30%; }
    }
    """

    class Picked(Message):
        """Enter picked this caller (or the new caller was created)."""

        def __init__(self, hit: CustomerHit) -> None:
            super().__init__()
            self.hit = hit

    class CustomersFound(Message):
        def __init__(self, query: str, hits: list[CustomerHit]) -> None:
            super().__init__()
            self.query, self.hits = query, hits

    class CallerCreated(Message):
        def __init__(self, hit: CustomerHit) -> None:
            super().__init__()
            self.hit = hit

    class CallerRefused(Message):
        def __init__(self, error: str, field: str | None) -> None:
            super().__init__()
            self.error, self.field = error, field

    def __init__(self, model: EntryModel, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.model = model
        self.next_field: ScanInput | None = None  # where keys go after a pick (the scan line)
        self._hits: list[CustomerHit] = []
        self._hits_for: str | None = None
        self._pending_pick: str | None = None
        self._suppress_search = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="customer-row", classes="entry-row"):
            yield Label(_("Customer"), classes="entry-label")
            yield ScanInput(id="customer", keep_value=True,
                            placeholder=_("phone, name or code; Enter picks"))  # fmt: skip
        yield OptionList(id="customer-hits")
        yield NewCallerPanel(GROUPS, id="new-caller")
        yield Row("", id="customer-card")
        yield Row("", id="ship-to")

    def on_mount(self) -> None:
        hits = self.query_one("#customer-hits", OptionList)
        hits.can_focus = False
        hits.display = False
        self.panel.warm_up()

    # -- what the screen calls --------------------------------------------------------------

    @property
    def field(self) -> ScanInput:
        return self.query_one("#customer", ScanInput)

    @property
    def panel(self) -> NewCallerPanel:
        return self.query_one("#new-caller", NewCallerPanel)

    @property
    def db(self) -> Database:
        return self._entry.db

    @property
    def _entry(self) -> OmsScreen:
        return cast("OmsScreen", self.screen)

    def show(self) -> None:
        """The caller's card and ship-to (or what to do without one); fields in error."""
        m = self.model
        card = m.card
        info = self.query_one("#customer-card", Row)
        if card is None:
            info.update(Content.styled(_("No customer yet: type a phone, name or code "
                                         "(F7 / Ctrl+N: new customer)"), "dim"))  # fmt: skip
        else:
            last = f"{card.last_order_on:%Y-%m-%d}" if card.last_order_on else _("none")
            status_style = "" if card.credit_status == "ok" else "bold $text-warning"
            group = _(" · {group} · credit ").format(group=group_name(card.group))
            credit = said(card.credit_status)
            overdue = format_money(card.overdue_minor, m.currency)
            tail = _(" · last order {date}").format(date=last)
            overdue_word = _(" · overdue ")
            # the name gives way: the amount and the date beside it show whole
            width = info.content_size.width or self.size.width - 2
            name = fit_name(card.name, width, f"{card.code} ", group, credit,
                            overdue_word, overdue, tail)  # fmt: skip
            info.update(Content.assemble(
                (f"{card.code} ", "dim"), (name, "bold"), group,
                (credit, status_style or "$text-success"),
                overdue_word,
                (overdue, "bold $text-error" if card.overdue_minor else ""),
                tail,
            ))  # fmt: skip
        ship = self.query_one("#ship-to", Row)
        if m.ship_to is not None:
            a = m.ship_to
            who = f"{a.contact_name} {a.phone}".strip()
            ship.update(Content.assemble((_("Ship to "), "dim"), a.text,
                                         (f"  {who}" if who else "", "dim")))  # fmt: skip
        elif card is not None:
            ship.update(Content.styled(_("Ship to: no address on file (F6 / Ctrl+O adds one)"),
                                       "$text-warning"))  # fmt: skip
        else:
            ship.update("")
        ship.set_class(m.error_field == "ship_to", "-error")
        self.field.set_class(m.error_field == "customer", "-error")

    def retranslate(self) -> None:
        """Its label, hint, card and the new caller's panel in the current language."""
        self.query_one("#customer-row Label", Label).update(_("Customer"))
        self.field.placeholder = _("phone, name or code; Enter picks")
        self.panel.retranslate()
        self.show()

    def show_picked(self, name: str) -> None:
        """The caller's name in the field (no search for it), the matches hidden."""
        field = self.field
        if field.value != name:
            self._suppress_search = True
            field.value = name
        self.show_hits(name, [])

    def clear(self) -> None:
        """A new order: the field empty and focused, no matches."""
        self._hits, self._hits_for, self._pending_pick = [], None, None
        field = self.field
        self._suppress_search = bool(field.value)
        field.value = ""
        self.show_hits("", [])
        field.focus()

    def to_next_field(self) -> None:
        """Focus the scan line (keys typed after the customer's Enter follow: the app
        holds them until the focus is there, ``type_ahead.py``)."""
        if self.next_field is not None:
            self.next_field.focus()

    def move(self, step: int) -> bool:
        """Up/Down in the matches shown under the focused field (False: none shown)."""
        hits = self.query_one("#customer-hits", OptionList)
        if self.screen.focused is self.field and hits.display and hits.option_count:
            current = hits.highlighted or 0
            hits.highlighted = max(0, min(hits.option_count - 1, current + step))
            return True
        return False

    def hide_hits(self) -> bool:
        """Esc: the matches hidden (False: none were shown)."""
        hits = self.query_one("#customer-hits", OptionList)
        if hits.display:
            hits.display = False
            return True
        return False

    def lookup(self) -> None:
        """F4 in the customer field: the matches of what is typed, or a new customer."""
        query = self.field.value.strip()
        if query:
            self.find_customers(query)
            self.query_one("#customer-hits", OptionList).display = True
        else:
            self.new_caller("")

    def new_caller(self, typed: str) -> None:
        """The new caller's fields, over the rows below, ``typed`` filled in."""
        self.query_one("#customer-hits", OptionList).display = False
        self.panel.open(typed)

    def new_caller_typed(self) -> tuple[tuple[str, str], ...]:
        """What is typed in the new caller's fields, while they are open (for the draft)."""
        if self.model.customer_id is not None or not self.panel.is_open:
            return ()
        return self.panel.typed()

    # -- finding the caller ----------------------------------------------------------------

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

    @work(thread=True, exclusive=True, group="customer-search", exit_on_error=False,
          description=N_("search the customers"))  # fmt: skip
    def find_customers(self, query: str) -> None:
        self.post_message(self.CustomersFound(query, search_customers(self.db, query, limit=8)))

    @on(CustomersFound)
    def customers_found(self, message: CustomersFound) -> None:
        if message.query != self.field.value.strip():
            if message.query != self._pending_pick:
                return  # an older search
        self.show_hits(message.query, message.hits)
        if self._pending_pick == message.query:
            self._pending_pick = None
            self.pick(message.query)

    def show_hits(self, query: str, hits: list[CustomerHit]) -> None:
        self._hits, self._hits_for = hits, query
        widget = self.query_one("#customer-hits", OptionList)
        if not hits:  # hidden: stale options stay unseen, no layout pass to clear them
            widget.display = False
            return
        width = self.size.width - 10 - 2  # (the padding; a scroll bar)
        widget.set_options(
            Option(Content.assemble((f"{h.code} ", "dim"),
                                    (fit_name(h.name, width, f"{h.code} ", f"  {h.phone}",
                                              f"  {group_name(h.group)}"), "bold"),
                                    f"  {h.phone}", (f"  {group_name(h.group)}", "dim")))
            for h in hits
        )  # fmt: skip
        if hits:
            widget.highlighted = 0
        widget.display = bool(hits) and self.screen.focused is self.field

    @on(ScanInput.Scanned, "#customer")
    def customer_entered(self, event: ScanInput.Scanned) -> None:
        event.stop()
        query = event.value.strip()
        m = self.model
        if not query:
            if m.customer_id is not None:
                self.to_next_field()
            return
        picked = {m.card.name if m.card else "", self._hits_for or ""}
        if m.customer_id is not None and not self._hits and query in picked:
            self.to_next_field()  # Enter again on the picked caller (its card may be loading)
            return
        if self._hits_for == query:
            self.pick(query)
        else:
            self._pending_pick = query
            hold_keys_for(self, self.find_customers(query))  # keys typed on wait for the pick

    def pick(self, query: str) -> None:
        """Enter in the customer field: the highlighted match, or a new customer."""
        if not self._hits:
            self._entry.say(_("No customer matches '{text}': new customer").format(text=query))
            self.new_caller(query)
            return
        highlighted = self.query_one("#customer-hits", OptionList).highlighted or 0
        self.choose(self._hits[min(highlighted, len(self._hits) - 1)])

    def choose(self, hit: CustomerHit) -> None:
        self.show_picked(hit.name)
        self.post_message(self.Picked(hit))

    # -- a new caller ----------------------------------------------------------------------

    @on(NewCallerPanel.Submitted)
    def new_caller_submitted(self, message: NewCallerPanel.Submitted) -> None:
        v = message.values
        self.create_caller(NewCustomer(name=v["name"], phone=v["phone"], group=message.group,
                                       province=v["province"], city=v["city"],
                                       district=v["district"], street=v["street"]))  # fmt: skip

    @work(thread=True, exclusive=True, group="new-customer", exit_on_error=False,
          description=N_("save the customer"))  # fmt: skip
    def create_caller(self, new: NewCustomer) -> None:
        try:
            hit = create_customer(self.db, self._entry.user, new)
        except InvalidInput as error:  # in the panel, on the field it names
            self.post_message(self.CallerRefused(shown(str(error)), error.field))
        else:
            self.post_message(self.CallerCreated(hit))

    def worker_failed(self, worker: Worker, error: BaseException) -> None:
        """A search that Enter waits on failed: the keys typed after Enter go on into the
        field (no new caller is opened for a search that did not answer); Enter searches
        again. A new caller not saved is said in its panel, its fields as typed."""
        if worker.group == "new-customer":
            self.panel.show_error(failure_text(doing(worker), error))
            return
        if worker.group == "customer-search" and self._pending_pick is not None:
            self._pending_pick = None
        super().worker_failed(worker, error)

    @on(CallerCreated)
    def caller_created(self, message: CallerCreated) -> None:
        self.panel.close()
        self.choose(message.hit)

    @on(CallerRefused)
    def caller_refused(self, message: CallerRefused) -> None:
        self.panel.show_error(message.error, message.field)

    @on(NewCallerPanel.GroupWanted)
    def new_caller_group(self, message: NewCallerPanel.GroupWanted) -> None:
        panel = self.panel

        def chosen(group: str | None) -> None:
            if group:
                panel.set_group(group)

        self.app.push_screen(ChoiceDialog(_("Customer group"), group_choices(),
                                          current=message.current), chosen)  # fmt: skip

    @on(NewCallerPanel.Cancelled)
    def new_caller_cancelled(self) -> None:
        self.field.focus()  # (the message goes on to the screen: the draft of the caller)
