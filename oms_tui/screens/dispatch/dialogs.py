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

from ...services.platform.errors import InvalidInput, NotFound
from ...services.platform.money import format_money
from ...services.shipping import dispatch, tracking
from ...services.states.order_states import OrderStatus
from ...widgets.form_dialog import FormDialog, FormField
from ...widgets.scan_input import ScanInput
from .rows import LINES_HEAD, line_text, option_text

# tracking status by the letter typed: (letter, status, label)
TRACKING_LETTERS = (("p", "picked_up", "picked up"), ("t", "in_transit", "in transit"),
                    ("o", "out_for_delivery", "out for delivery"), ("d", "delivered", "delivered"),
                    ("x", "exception", "exception"))  # fmt: skip


# runs in the dialog's worker: (quantities by order line, packages, carrier id or None,
# tracking number) -> the result
ShipRun = Callable[[dict[int, int], int, int | None, str], dispatch.ShipResult]


class ShipDialog(FormDialog):
    """Confirm a shipment: quantities, packages, carrier, tracking number (scan); Enter on the
    tracking number (or F2) ships; an error goes to its field with the bell. The shared form
    (``widgets/form_dialog.py``) laid out as a table of the lines, with the carrier list
    between packages and tracking; dismisses with the ``ShipResult``."""

    CSS_PATH = "dispatch.tcss"
    CONTAINER_ID, BUSY_TEXT, DOING = "ship-dialog", "Shipping…", "ship"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f12", "cancel", "Back", key_display="Esc", id="dispatch.ship.cancel"),
        Binding("f2,ctrl+s", "save", "Ship", key_display="F2/^S", id="dispatch.ship.confirm",
                tooltip="Ship with these quantities, carrier and tracking number"),
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
                    raise InvalidInput(f"Line {ln.line_no} {ln.product_code}: ship 0 to "
                                       f"{ln.qty} (what was picked).", f"qty-{n}")  # fmt: skip
                quantities[ln.order_line_id] = qty
            if not any(quantities.values()):
                raise InvalidInput("Nothing to ship: every quantity is 0.", "qty-0")
            try:
                packages = int(values["packages"].strip())
            except ValueError:
                packages = 0
            if packages < 1:
                raise InvalidInput("Packages: 1 or more.", "packages")
            carrier_id = int(values["carrier"]) if values["carrier"] else None
            return run(quantities, packages, carrier_id, values["tracking"])

        fields = [FormField(f"qty-{n}", "", str(ln.qty)) for n, ln in enumerate(view.lines)]
        fields += [
            FormField("packages", "Packages", str(max(1, view.packages))),
            FormField("tracking", "Tracking", "", "scan or type the tracking number"),
        ]
        super().__init__(
            f"Ship {view.number} · {view.order_number} · {view.customer_name}",
            fields,
            ship,
            focus="tracking",
            aliases={"qty": "qty-0"},
            subtitle="Enter on tracking (or F2) ships · Tab next · Esc backs out",
        )

    def field_id(self, name: str) -> str:
        return f"ship-{name}"

    def compose_fields(self) -> ComposeResult:
        v = self.view
        yield Static(Content.styled(LINES_HEAD, "bold"), classes="dispatch-lines-head")
        with VerticalScroll(id="ship-lines"):
            for n, ln in enumerate(v.lines):
                with Horizontal(classes="dispatch-form-row"):
                    yield Static(line_text(ln), classes="dispatch-line")
                    yield ScanInput(str(ln.qty), id=self.field_id(f"qty-{n}"), type="integer",
                                    keep_value=True, classes="dispatch-qty")  # fmt: skip
        with Horizontal(classes="dispatch-form-row"):
            yield Label("Packages", classes="dispatch-label")
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
            yield Label("Carrier", classes="dispatch-label")
            yield options
        yield Static(Content.styled(f"Why: {self.choice.reason}", "dim"), id="ship-reason")
        with Horizontal(classes="dispatch-form-row"):
            yield Label("Tracking", classes="dispatch-label")
            yield ScanInput(id=self.field_id("tracking"), keep_value=True,
                            placeholder="scan or type the tracking number")  # fmt: skip

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
        Binding("c", "copy", "Copy notice", id="dispatch.notice.copy",
                tooltip="Copy the shipping notice to the clipboard"),
        Binding("escape,f12,enter", "close", "Close", key_display="Enter/Esc",
                id="dispatch.notice.close"),
    ]  # fmt: skip

    def __init__(self, result: dispatch.ShipResult) -> None:
        super().__init__()
        self.result = result

    def compose(self) -> ComposeResult:
        r = self.result
        s = r.shipment
        label = OrderStatus(r.order_status).label.lower()
        with Vertical(classes="dispatch-dialog", id="notice-dialog") as box:
            box.border_title = f"{s.number} shipped"
            box.border_subtitle = "c copies the notice · Enter or Esc closes"
            yield Static(Content.assemble(
                (f"{s.order_number} is {label}", "bold $text-success"),
                f" · {s.carrier_code or 'no carrier'} {s.tracking_no}".rstrip(),
                f" · {sum(ln.qty for ln in s.lines)} units in {s.packages} "
                f"package{'s' if s.packages != 1 else ''}",
                f" · freight {format_money(s.freight_minor, s.currency)}",
            ), id="notice-summary")  # fmt: skip
            yield Static(Content.styled("Shipping notice for the customer:", "dim"))
            yield Static(r.notice, id="notice-text")

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.result.notice)
        self.notify("Shipping notice copied.", timeout=2)

    def action_close(self) -> None:
        self.dismiss(None)


# (shipment or order number, status, location, note) -> what to tell the clerk
TrackRun = Callable[[str, str, str, str], str]


class TrackingDialog(FormDialog):
    """A carrier status for a shipment: the shipment (or order) number, scanned or typed; the
    status by one letter; where. Enter in the last field saves."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f12", "cancel", "Back", key_display="Esc", id="dispatch.track.cancel"),
        Binding("f2,ctrl+s", "save", "Save", key_display="F2/^S", id="dispatch.track.save"),
    ]  # fmt: skip

    def __init__(self, shipment: str, run: TrackRun) -> None:
        def save(values: dict[str, str]) -> str:
            number, typed = values["shipment"].strip(), values["status"].strip().lower()
            if not number:
                raise InvalidInput("Scan or type the shipment (or order) number.", "shipment")
            status = next((s for letter, s, label in TRACKING_LETTERS
                           if typed in (letter, s, label)), None)  # fmt: skip
            if status is None:
                raise InvalidInput("Status: one letter, p t o d or x.", "status")
            return run(number, status, values["location"].strip(), "")

        legend = Content("  ").join(Content.assemble((letter, "bold $text-accent"), f" {label}")
                                    for letter, _s, label in TRACKING_LETTERS)  # fmt: skip
        super().__init__("Tracking event", [
            FormField("shipment", "Shipment", shipment, "shipment or order number (scan)"),
            FormField("status", "Status", "", "one letter, below"),
            FormField("location", "Location", "", "where (optional)"),
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
            raise InvalidInput(f"no shipment or order {number.strip()}", "shipment") from None
        if not sent:
            raise InvalidInput(f"order {text} has no shipped shipment yet", "shipment")
        view = sent[-1]
    now = tracking.add_tracking_event(db, user, view.id, status, location, note)
    label = next(lb for _l, s, lb in TRACKING_LETTERS if s == status)
    where = f" at {location}" if location else ""
    return f"{view.number} ({view.order_number}): {label}{where}; shipment {now}."
