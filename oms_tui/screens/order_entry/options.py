"""Order entry's options: the row that shows them (channel, payment, delivery date,
priority, carrier, shipping policy, notes) and the F10 menu that sets them, one letter a
question (``c`` channel, ``p`` payment, ``d`` date, ``r`` priority, ``s`` carrier, ``h``
shipping policy, ``n`` notes). A change is made in the ``EntryModel`` and posted as
``Changed`` (the screen quotes again: a carrier adds the shipping estimate)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from textual import on, work
from textual.content import Content
from textual.message import Message

from ...failures import PassesFailures
from ...services.platform.errors import InvalidInput
from ...services.sales.entry import parse_requested_date
from ...services.shipping.carriers import CarrierView, list_carriers
from ...widgets.dialogs import ChoiceDialog, PromptDialog
from .model import OPTION_FIELDS
from .row import Row

if TYPE_CHECKING:
    from datetime import date

    from .. import OmsScreen
    from .model import EntryModel

CHANNEL_CHOICES = (("p", "phone", "Phone"), ("w", "walk_in", "Walk-in"),
                   ("e", "ecommerce", "E-commerce"), ("d", "dealer", "Dealer"),
                   ("k", "key_account", "Key account"))  # fmt: skip
PAYMENT_CHOICES = (("t", "", "From the customer's terms"), ("c", "cod", "Cash on delivery"),
                   ("p", "prepaid", "Prepaid"), ("r", "credit", "Credit terms"),
                   ("i", "installments", "Installments"))  # fmt: skip
PRIORITY_CHOICES = (("n", "0", "Normal"), ("h", "1", "High"), ("u", "2", "Urgent"))
POLICY_CHOICES = (("t", "", "From the customer"), ("p", "partial", "Partial shipments allowed"),
                  ("c", "complete", "Ship complete only"))  # fmt: skip
PRIORITY_NAMES = {0: "normal", 1: "high", 2: "urgent"}


class OrderOptions(PassesFailures, Row):
    """The options of the order in one row; ``open_menu`` (F10) asks for a change."""

    DEFAULT_CSS = """
    OrderOptions {
        text-overflow: ellipsis;
        &.-error { background: $error 30%; }
    }
    """

    class Changed(Message):
        """An option changed (in the model): quote again, save the draft."""

    class CarriersLoaded(Message):
        def __init__(self, carriers: list[CarrierView], choose: bool) -> None:
            super().__init__()
            self.carriers, self.choose = carriers, choose

    def __init__(self, model: EntryModel, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__("", id=id)
        self.model = model
        self.carriers: list[CarrierView] | None = None

    def on_mount(self) -> None:
        self.load_carriers(False)

    @property
    def _entry(self) -> OmsScreen:
        return cast("OmsScreen", self.screen)

    def show(self) -> None:
        m = self.model
        o = m.options
        channel = dict((v, label) for _k, v, label in CHANNEL_CHOICES).get(o.channel, o.channel)
        payment = dict((v, label) for _k, v, label in PAYMENT_CHOICES).get(
            o.payment_method or "", o.payment_method or ""
        )
        if not o.payment_method:
            payment = f"per terms ({m.card.payment_terms})" if m.card else "per terms"
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
        self.update(text)
        self.set_class(m.error_field in OPTION_FIELDS, "-error")

    def carrier_name(self, carrier_id: int | None, short: bool = False) -> str:
        if carrier_id is None:
            return ""
        for c in self.carriers or []:
            if c.id == carrier_id:
                return c.code if short else f"{c.code} {c.name}"
        return f"carrier {carrier_id}"

    def _changed(self) -> None:
        self.show()
        self.post_message(self.Changed())

    def open_menu(self, today: date) -> None:
        """F10: which option to change, by letter; then its own question."""
        o = self.model.options
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
            self.model.set_options(**change)
            self._changed()

        def check_date(text: str) -> str | None:
            try:
                parse_requested_date(text, today)
            except InvalidInput as error:
                return str(error)
            return None

        def picked(what: str | None) -> None:
            push = self.app.push_screen
            if what == "channel":
                push(ChoiceDialog("Channel", CHANNEL_CHOICES, current=o.channel),
                     lambda v: v is not None and set_option(channel=v))  # fmt: skip
            elif what == "payment":
                push(ChoiceDialog("Payment", PAYMENT_CHOICES, current=o.payment_method or ""),
                     lambda v: v is not None and set_option(payment_method=v or None))  # fmt: skip
            elif what == "policy":
                push(ChoiceDialog("Shipping policy", POLICY_CHOICES,
                                  current=o.shipping_policy or ""),
                     lambda v: v is not None and set_option(shipping_policy=v or None))  # fmt: skip
            elif what == "priority":
                push(ChoiceDialog("Priority", PRIORITY_CHOICES, current=str(o.priority)),
                     lambda v: v is not None and set_option(priority=int(v)))  # fmt: skip
            elif what == "date":
                push(PromptDialog("Delivery date", "2026-12-01, +1 (tomorrow), mon … (blank: none)",
                                  when if o.requested_date else "", check_date),
                     lambda v: v is not None and set_option(
                         requested_date=parse_requested_date(v, today)))  # fmt: skip
            elif what == "carrier":
                if self.carriers is None:
                    self.load_carriers(True)  # opens the choice once loaded
                else:
                    self.choose_carrier()
            elif what == "notes":
                push(PromptDialog("Order notes", "Notes for the warehouse and driver:", o.notes),
                     lambda v: v is not None and set_option(notes=v.strip()))  # fmt: skip

        self.app.push_screen(ChoiceDialog("Order options", menu), picked)

    @work(thread=True, exclusive=True, group="carriers", exit_on_error=False,
          description="read the carriers")  # fmt: skip
    def load_carriers(self, choose: bool) -> None:
        self.post_message(self.CarriersLoaded(list_carriers(self._entry.db), choose))

    @on(CarriersLoaded)
    def carriers_loaded(self, message: CarriersLoaded) -> None:
        self.carriers = message.carriers
        self.show()
        if message.choose:
            self.choose_carrier()

    def choose_carrier(self) -> None:
        """Carrier by key: ``1``-``9`` in code order, ``0`` none (no shipping estimate)."""
        carriers = (self.carriers or [])[:9]
        choices = [("0", "", "None: no shipping estimate")]
        choices += [(str(n), str(c.id), f"{c.code}  {c.name}  ({c.kind.replace('_', ' ')})")
                    for n, c in enumerate(carriers, start=1)]  # fmt: skip
        current = str(self.model.options.carrier_id) if self.model.options.carrier_id else ""

        def picked(value: str | None) -> None:
            if value is None:
                return
            self.model.set_carrier(int(value) if value else None)
            name = self.carrier_name(self.model.options.carrier_id)
            self._entry.say(f"Carrier: {name}" if name else "No carrier: no shipping estimate")
            self._changed()

        self.app.push_screen(ChoiceDialog("Carrier", choices, current=current), picked)
