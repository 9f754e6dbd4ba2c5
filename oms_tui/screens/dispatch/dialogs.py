"""Dispatch's dialogs: ship a shipment (quantities, packages, carrier, tracking number by
scan), the shipping notice to copy, and a tracking event (``track`` records it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from ...i18n import N_, _, ngettext, shown
from ...services.platform.errors import InvalidInput, NotFound
from ...services.platform.money import format_money
from ...services.shipping import dispatch, tracking
from ...widgets.form_dialog import FormDialog, FormField
from ...widgets.scan_input import ScanInput
from .rows import line_text, lines_head, option_text, status_word

# tracking status by the letter typed: (letter, status, label)
# (the label is said in the current language; typing it in English works in both)
TRACKING_LETTERS = (("p", "picked_up", N_("picked up")), ("t", "in_transit", N_("in transit")),
                    ("o", "out_for_delivery", N_("out for delivery")),
                    ("d", "delivered", N_("delivered")),
                    ("x", "exception", N_("exception")))  # fmt: skip

# a shipment's statuses as ``track`` says them (``_(status)``), for the catalog
SHIPMENT_STATUSES = (N_("picking"), N_("packed"), N_("shipped"))


# runs in the dialog's worker: (quantities by order line, packages, carrier id or None,
# tracking number) -> the result
ShipRun = Callable[[dict[int, int], int, int | None, str], dispatch.ShipResult]


class ShipDialog(FormDialog):
    """Confirm a shipment: quantities, packages, carrier, tracking number (scan); Enter on the
    tracking number (or F2) ships; an error goes to its field with the bell. The shared form
    (``widgets/form_dialog.py``) laid out as a table of the lines, with the carrier list
    between packages and tracking; dismisses with the ``ShipResult``."""

    CSS_PATH = "dispatch.tcss"
    CONTAINER_ID, BUSY_TEXT, DOING = "ship-dialog", N_("Shipping…"), N_("ship")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f12", "cancel", N_("Back"), key_display="Esc", id="dispatch.ship.cancel"),
        Binding("f2,ctrl+s", "save", N_("Ship"), key_display="F2/^S", id="dispatch.ship.confirm",
                tooltip=N_("Ship with these quantities, carrier and tracking number")),
    ]  # fmt: skip

    def __init__(self, view: dispatch.ShipmentView, choice: dispatch.CarrierChoice,
                 run: ShipRun) -> None:  # fmt: skip
        self.view, self.choice = view, choice

        def ship(values: dict[str, str]) -> dispatch.ShipResult:
            quantities: dict[int, int] = {}
            for n, ln in enumerate(view.lines):
                try:
                    qty = int(values[f"qty-{n}"].strip())
                except ValueError:
                    qty = -1
                if not 0 <= qty <= ln.qty:
                    raise InvalidInput(_("Line {n} {code}: ship 0 to {qty} (what was picked).")
                                       .format(n=ln.line_no, code=ln.product_code, qty=ln.qty),
                                       f"qty-{n}")  # fmt: skip
                quantities[ln.order_line_id] = qty
            if not any(quantities.values()):
                raise InvalidInput(_("Nothing to ship: every quantity is 0."), "qty-0")
            try:
                packages = int(values["packages"].strip())
            except ValueError:
                packages = 0
            if packages < 1:
                raise InvalidInput(_("Packages: 1 or more."), "packages")
            carrier_id = int(values["carrier"]) if values["carrier"] else None
            return run(quantities, packages, carrier_id, values["tracking"])

        fields = [FormField(f"qty-{n}", "", str(ln.qty)) for n, ln in enumerate(view.lines)]
        fields += [
            FormField("packages", _("Packages"), str(max(1, view.packages))),
            FormField("tracking", _("Tracking"), "", _("scan or type the tracking number")),
        ]
        super().__init__(
            _("Ship {number}").format(number=view.number)
            + f" · {view.order_number} · {view.customer_name}",
            fields,
            ship,
            focus="tracking",
            aliases={"qty": "qty-0"},
            subtitle=_("Enter on tracking (or F2) ships · Tab next · Esc backs out"),
        )

    def field_id(self, name: str) -> str:
        return f"ship-{name}"

    def compose_fields(self) -> ComposeResult:
        v = self.view
        yield Static(Content.styled(lines_head(), "bold"), classes="dispatch-lines-head")
        with VerticalScroll(id="ship-lines"):
            for n, ln in enumerate(v.lines):
                with Horizontal(classes="dispatch-form-row"):
                    yield Static(line_text(ln), classes="dispatch-line")
                    yield ScanInput(str(ln.qty), id=self.field_id(f"qty-{n}"), type="integer",
                                    keep_value=True, classes="dispatch-qty")  # fmt: skip
        with Horizontal(classes="dispatch-form-row"):
            yield Label(_("Packages"), classes="dispatch-label")
            yield ScanInput(str(max(1, v.packages)), id=self.field_id("packages"),
                            type="integer", keep_value=True, classes="dispatch-qty")  # fmt: skip
            yield Static(f"  {v.warehouse_code} → {v.ship_to_name} {v.ship_to_phone}",
                         classes="dispatch-note")  # fmt: skip
        proposed = self.choice.proposed
        options = OptionList(*(
            Option(option_text(o, proposed is not None and o.carrier_id == proposed.carrier_id,
                               o.code == v.carrier_code), id=str(o.carrier_id))
            for o in self.choice.options
        ), id=self.field_id("carrier"))  # fmt: skip
        with Horizontal(classes="dispatch-carrier-row"):
            yield Label(_("Carrier"), classes="dispatch-label")
            yield options
        why = _("Why: {reason}").format(reason=shown(self.choice.reason))
        yield Static(Content.styled(why, "dim"), id="ship-reason")
        with Horizontal(classes="dispatch-form-row"):
            yield Label(_("Tracking"), classes="dispatch-label")
            yield ScanInput(id=self.field_id("tracking"), keep_value=True,
                            placeholder=_("scan or type the tracking number"))  # fmt: skip

    def on_mount(self) -> None:
        self.query_one("#ship-lines").can_focus = False  # Tab goes from field to field
        carriers = self.query_one("#ship-carrier", OptionList)
        current = next((i for i, o in enumerate(self.choice.options)
                        if o.code == self.view.carrier_code), None)  # fmt: skip
        if current is None and self.choice.proposed is not None:
            current = self.choice.options.index(self.choice.proposed)
        carriers.highlighted = current if current is not None else (0 if self.choice.options
                                                                    else None)  # fmt: skip

    def values(self) -> dict[str, str]:
        """The fields, and the carrier picked if it is not the shipment's own (else "")."""
        index = self.query_one("#ship-carrier", OptionList).highlighted
        options = self.choice.options
        option = options[index] if index is not None and 0 <= index < len(options) else None
        carrier = option.carrier_id if option and option.code != self.view.carrier_code else None
        return super().values() | {"carrier": str(carrier) if carrier else ""}

    @on(OptionList.OptionSelected, "#ship-carrier")
    def carrier_picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.field("tracking").focus()


class NoticeDialog(ModalScreen[None]):
    """What shipping did, and the customer's shipping notice to copy (``c``)."""

    CSS_PATH = "dispatch.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "copy", N_("Copy notice"), id="dispatch.notice.copy",
                tooltip=N_("Copy the shipping notice to the clipboard")),
        Binding("escape,f12,enter", "close", N_("Close"), key_display="Enter/Esc",
                id="dispatch.notice.close"),
    ]  # fmt: skip

    def __init__(self, result: dispatch.ShipResult) -> None:
        super().__init__()
        self.result = result

    def compose(self) -> ComposeResult:
        r = self.result
        s = r.shipment
        label = status_word(r.order_status)
        units = sum(ln.qty for ln in s.lines)
        no_carrier = _("no carrier")
        with Vertical(classes="dispatch-dialog", id="notice-dialog") as box:
            box.border_title = _("{number} shipped").format(number=s.number)
            box.border_subtitle = _("c copies the notice · Enter or Esc closes")
            yield Static(Content.assemble(
                (_("{number} is {status}").format(number=s.order_number, status=label),
                 "bold $text-success"),
                f" · {s.carrier_code or no_carrier} {s.tracking_no}".rstrip(),
                " · " + ngettext("{units} units in {n} package", "{units} units in {n} packages",
                                 s.packages).format(units=units, n=s.packages),
                " · " + _("freight {amount}").format(
                    amount=format_money(s.freight_minor, s.currency)),
            ), id="notice-summary")  # fmt: skip
            yield Static(Content.styled(_("Shipping notice for the customer:"), "dim"))
            yield Static(r.notice, id="notice-text")

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.result.notice)
        self.notify(_("Shipping notice copied."), timeout=2)

    def action_close(self) -> None:
        self.dismiss(None)


# (shipment or order number, status, location, note) -> what to tell the clerk
TrackRun = Callable[[str, str, str, str], str]


class TrackingDialog(FormDialog):
    """A carrier status for a shipment: the shipment (or order) number, scanned or typed; the
    status by one letter; where. Enter in the last field saves."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f12", "cancel", N_("Back"), key_display="Esc", id="dispatch.track.cancel"),
        Binding("f2,ctrl+s", "save", N_("Save"), key_display="F2/^S", id="dispatch.track.save"),
    ]  # fmt: skip

    def __init__(self, shipment: str, run: TrackRun) -> None:
        def save(values: dict[str, str]) -> str:
            number, typed = values["shipment"].strip(), values["status"].strip().lower()
            if not number:
                raise InvalidInput(_("Scan or type the shipment (or order) number."), "shipment")
            status = next((s for letter, s, label in TRACKING_LETTERS
                           if typed in (letter, s, label, _(label))), None)  # fmt: skip
            if status is None:
                raise InvalidInput(_("Status: one letter, p t o d or x."), "status")
            return run(number, status, values["location"].strip(), "")

        legend = Content("  ").join(Content.assemble((letter, "bold $text-accent"), " " + _(label))
                                    for letter, _s, label in TRACKING_LETTERS)  # fmt: skip
        super().__init__(_("Tracking event"), [
            FormField("shipment", _("Shipment"), shipment, _("shipment or order number (scan)")),
            FormField("status", _("Status"), "", _("one letter, below")),
            FormField("location", _("Location"), "", _("where (optional)")),
        ], save, legend, aliases={"order": "shipment"}, focus_first_empty=True,
            note_below=True)  # fmt: skip

    def field_id(self, name: str) -> str:
        return f"track-{name}"


def track(db: Any, user: str, number: str, status: str, location: str, note: str) -> str:
    """Resolve a shipment number (or an order's latest shipped shipment) and record the
    event; says what was done."""
    text = number.strip().upper()
    if text.startswith(dispatch.SHIPMENT_PREFIX):
        view = dispatch.get_shipment_by_number(db, text)
    else:
        try:
            sent = [s for s in dispatch.order_shipments(db, text)
                    if s.status in ("shipped", "delivered")]  # fmt: skip
        except NotFound:
            raise InvalidInput(
                _("no shipment or order {number}").format(number=number.strip()), "shipment"
            ) from None
        if not sent:
            raise InvalidInput(
                _("order {number} has no shipped shipment yet").format(number=text), "shipment"
            )
        view = sent[-1]
    now = tracking.add_tracking_event(db, user, view.id, status, location, note)
    label = next(lb for _l, s, lb in TRACKING_LETTERS if s == status)
    if location:
        return _("{number} ({order}): {event} at {location}; shipment {status}.").format(
            number=view.number,
            order=view.order_number,
            event=_(label),
            location=location,
            status=_(now),
        )
    return _("{number} ({order}): {event}; shipment {status}.").format(
        number=view.number, order=view.order_number, event=_(label), status=_(now)
    )
