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
from ...i18n import N_, _, pgettext, shown
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

# (letter, value, label): labels N_, translated when shown (``translated``)
CHANNEL_CHOICES = (("p", "phone", N_("Phone")), ("w", "walk_in", N_("Walk-in")),
                   ("e", "ecommerce", N_("E-commerce")), ("d", "dealer", N_("Dealer")),
                   ("k", "key_account", N_("Key account")))  # fmt: skip
PAYMENT_CHOICES = (("t", "", N_("From the customer's terms")),
                   ("c", "cod", N_("Cash on delivery")), ("p", "prepaid", N_("Prepaid")),
                   ("r", "credit", N_("Credit terms")),
                   ("i", "installments", N_("Installments")))  # fmt: skip
PRIORITY_CHOICES = (("n", "0", N_("Normal")), ("h", "1", N_("High")), ("u", "2", N_("Urgent")))
POLICY_CHOICES = (("t", "", N_("From the customer")),
                  ("p", "partial", N_("Partial shipments allowed")),
                  ("c", "complete", N_("Ship complete only")))  # fmt: skip
PRIORITY_NAMES = {0: N_("normal"), 1: N_("high"), 2: N_("urgent")}
WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))


def translated(choices: tuple[tuple[str, str, str], ...]) -> list[tuple[str, str, str]]:
    """The choices with their labels in the current language (the letters stay)."""
    return [(key, value, _(label)) for key, value, label in choices]


def label_of(choices: tuple[tuple[str, str, str], ...], value: str) -> str:
    """The label of ``value`` among ``choices`` in the current language (else the value)."""
    return next((_(label) for _k, v, label in choices if v == value), value)


def priority_name(priority: int) -> str:
    return _(PRIORITY_NAMES[priority]) if priority in PRIORITY_NAMES else str(priority)


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
        channel = label_of(CHANNEL_CHOICES, o.channel)
        payment = label_of(PAYMENT_CHOICES, o.payment_method or "")
        if not o.payment_method:
            payment = (_("per terms ({terms})").format(terms=m.card.payment_terms) if m.card
                       else _("per terms"))  # fmt: skip
        day = o.requested_date
        when = f"{day:%Y-%m-%d} {_(WEEKDAYS[day.weekday()])}" if day else "—"
        carrier = self.carrier_name(o.carrier_id, short=True)
        text = Content.assemble(
            (_("Options") + " ", "dim"), channel, _(" · pay "), payment, _(" · deliver "), when,
            " · ", priority_name(o.priority),
            (_(" · ship {carrier}").format(carrier=carrier) if carrier else "", ""),
            (_(" · ship complete") if o.shipping_policy == "complete" else "", "bold"),
            (_(" · partial ok") if o.shipping_policy == "partial" else "", ""),
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
        return _("carrier {id}").format(id=carrier_id)

    def _changed(self) -> None:
        self.show()
        self.post_message(self.Changed())

    def open_menu(self, today: date) -> None:
        """F10: which option to change, by letter; then its own question."""
        o = self.model.options
        none = _("none")
        when = f"{o.requested_date:%Y-%m-%d}" if o.requested_date else none
        payment = (label_of(PAYMENT_CHOICES, o.payment_method) if o.payment_method
                   else _("from terms"))  # fmt: skip
        policy = (label_of(POLICY_CHOICES, o.shipping_policy) if o.shipping_policy
                  else _("as the customer"))  # fmt: skip
        menu = [("c", "channel", _("Channel: {channel}").format(
                    channel=label_of(CHANNEL_CHOICES, o.channel))),
                ("p", "payment", _("Payment: {payment}").format(payment=payment)),
                ("d", "date", _("Delivery date: {date}").format(date=when)),
                ("r", "priority", _("Priority: {priority}").format(
                    priority=priority_name(o.priority))),
                ("s", "carrier", _("Carrier (shipping estimate): {carrier}").format(
                    carrier=self.carrier_name(o.carrier_id) or none)),
                ("h", "policy", _("Shipping: {policy}").format(policy=policy)),
                ("n", "notes", _("Notes: {notes}").format(notes=o.notes or none))]  # fmt: skip

        def set_option(**change: Any) -> None:
            self.model.set_options(**change)
            self._changed()

        def check_date(text: str) -> str | None:
            try:
                parse_requested_date(text, today)
            except InvalidInput as error:
                return shown(str(error))
            return None

        def picked(what: str | None) -> None:
            push = self.app.push_screen
            if what == "channel":
                push(ChoiceDialog(_("Channel"), translated(CHANNEL_CHOICES), current=o.channel),
                     lambda v: v is not None and set_option(channel=v))  # fmt: skip
            elif what == "payment":
                push(ChoiceDialog(pgettext("method", "Payment"), translated(PAYMENT_CHOICES),
                                  current=o.payment_method or ""),
                     lambda v: v is not None and set_option(payment_method=v or None))  # fmt: skip
            elif what == "policy":
                push(ChoiceDialog(_("Shipping policy"), translated(POLICY_CHOICES),
                                  current=o.shipping_policy or ""),
                     lambda v: v is not None and set_option(shipping_policy=v or None))  # fmt: skip
            elif what == "priority":
                push(ChoiceDialog(_("Priority"), translated(PRIORITY_CHOICES),
                                  current=str(o.priority)),
                     lambda v: v is not None and set_option(priority=int(v)))  # fmt: skip
            elif what == "date":
                push(PromptDialog(_("Delivery date"),
                                  _("2026-12-01, +1 (tomorrow), mon … (blank: none)"),
                                  when if o.requested_date else "", check_date),
                     lambda v: v is not None and set_option(
                         requested_date=parse_requested_date(v, today)))  # fmt: skip
            elif what == "carrier":
                if self.carriers is None:
                    self.load_carriers(True)  # opens the choice once loaded
                else:
                    self.choose_carrier()
            elif what == "notes":
                push(PromptDialog(_("Order notes"), _("Notes for the warehouse and driver:"),
                                  o.notes),
                     lambda v: v is not None and set_option(notes=v.strip()))  # fmt: skip

        self.app.push_screen(ChoiceDialog(_("Order options"), menu), picked)

    @work(thread=True, exclusive=True, group="carriers", exit_on_error=False,
          description=N_("read the carriers"))  # fmt: skip
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
        choices = [("0", "", _("None: no shipping estimate"))]
        choices += [(str(n), str(c.id), f"{c.code}  {c.name}  ({c.kind.replace('_', ' ')})")
                    for n, c in enumerate(carriers, start=1)]  # fmt: skip
        current = str(self.model.options.carrier_id) if self.model.options.carrier_id else ""

        def picked(value: str | None) -> None:
            if value is None:
                return
            self.model.set_carrier(int(value) if value else None)
            name = self.carrier_name(self.model.options.carrier_id)
            self._entry.say(_("Carrier: {name}").format(name=name) if name
                            else _("No carrier: no shipping estimate"))  # fmt: skip
            self._changed()

        self.app.push_screen(ChoiceDialog(_("Carrier"), choices, current=current), picked)
