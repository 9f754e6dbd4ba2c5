"""Dispatch: orders ready to ship, waves with their paperwork, shipping, tracking, by key.

The list (``dispatch.ready_to_ship``, read in a worker) is grouped by warehouse and carrier
under a header row per group, highest priority first within a group: order, customer,
region, units reserved there, ``part`` when some of it is backordered (``p.ship`` when part
has already left), the open shipment if it is in a wave, and the priority. Space selects
an order (on a group's header: the whole group), ``g`` the highlighted order's group.
F2 starts a wave for the selected orders (``dispatch.create_shipments``, one call per
warehouse) and, in the same worker, renders the wave's pick list and packing lists and
delivers them (``printing.deliver_all``: every PDF saved in the documents folder, then
sent to the printer when the ``printer`` setting names one); the message says where they
went, and when the printer fails, that it failed and where the files are kept.

F6 opens the ship dialog for the highlighted order's open shipment: the picked quantity of
each line (change one for a partial shipment), packages, the carrier (the proposal and
why; Up/Down picks another that serves the region) and the tracking number, a scan line
focused first, so a scanner's burst ships it with its Enter (``dispatch.ship``). An error
shows under the fields with its field focused and the bell; nothing ships. Shipped, the
customer's shipping notice is shown to copy, and the list is read again.

Keys (the README copies these rows; every F-key has a Ctrl twin ``Input`` does not swallow):

| Key         | Twin        | Where         | Does                                               |
|-------------|-------------|---------------|----------------------------------------------------|
| `Space`     |             | dispatch      | select / unselect the order (on a group header: the|
|             |             |               | group), move to the next                           |
| `g`         |             | dispatch      | select / unselect the highlighted order's group    |
| `F2`        | `Ctrl+S`    | dispatch      | start a wave for the selected orders; print its    |
|             |             |               | pick list and packing lists in one go              |
| `F6`        | `Ctrl+O`    | dispatch      | ship the order's open shipment: quantities,        |
|             |             |               | packages, carrier, tracking number (scan) + Enter  |
| `F7`        | `Ctrl+N`    | dispatch      | reprint the order's packing list                   |
| `F8`        | `Ctrl+Y`    | dispatch      | reprint the order's shipping labels                |
| `F11`       | `Ctrl+U`    | dispatch      | reprint the pick list of the order's wave (its     |
|             |             |               | warehouse's shipments being picked)                |
| `F9`        | `Ctrl+B`    | dispatch      | tracking event: shipment, status letter, location  |
| `Enter`     |             | dispatch      | open the order's detail                            |
| `F5`        | `Ctrl+R`    | dispatch      | read the list again                                |
| `F10`       | `Ctrl+G`    | dispatch      | van runs: plan and settle the own vans' runs       |
|             |             |               | (``van_runs.py``)                                  |
| `F2`        | `Ctrl+S`    | ship dialog   | ship (as Enter on the tracking number)             |
| `c`         |             | shipping note | copy the customer's shipping notice                |
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker

from ..commands import ScreenCommands
from ..failures import TellsFailures, doing, failure_text, logged_text
from ..messages import OpenOrder, Said
from ..services.platform.errors import InvalidInput
from ..services.platform.money import format_money
from ..services.shipping import dispatch, tracking
from ..services.states.order_states import OrderStatus
from ..widgets.form_dialog import FormDialog, FormField
from ..widgets.order_list import OrderList, Piece, fit
from ..widgets.scan_input import ScanInput
from .formats import plural
from .list_screen import GroupedList, ListScreen
from .printouts import Document, deliver_documents

# tracking status by the letter typed: (letter, status, label)
TRACKING_LETTERS = (("p", "picked_up", "picked up"), ("t", "in_transit", "in transit"),
                    ("o", "out_for_delivery", "out for delivery"), ("d", "delivered", "delivered"),
                    ("x", "exception", "exception"))  # fmt: skip


# -- the list --------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupRow:
    """A header row: the orders of one warehouse and carrier."""

    warehouse_code: str
    carrier_code: str
    keys: tuple[Hashable, ...]  # its orders' row keys
    units: int


Row = GroupRow | dispatch.ReadyOrder


def row_key(row: Row) -> Hashable:
    if isinstance(row, GroupRow):
        return ("group", row.warehouse_code, row.carrier_code)
    return (row.order_id, row.warehouse_id)


def with_groups(ready: Sequence[dispatch.ReadyOrder]) -> list[Row]:
    """The orders as the service groups them, a header row before each group."""
    rows: list[Row] = []
    group: list[dispatch.ReadyOrder] = []

    def close() -> None:
        if group:
            keys = tuple(row_key(r) for r in group)
            head = GroupRow(group[0].warehouse_code, group[0].carrier_code, keys,
                            sum(r.units for r in group))  # fmt: skip
            rows.extend([head, *group])
            group.clear()

    for r in ready:
        if group and (r.warehouse_code, r.carrier_code) != (group[0].warehouse_code,
                                                             group[0].carrier_code):  # fmt: skip
            close()
        group.append(r)
    close()
    return rows


def state_label(r: dispatch.ReadyOrder) -> str:
    if r.status == OrderStatus.PARTIALLY_SHIPPED:
        return "p.ship"
    return "part" if r.backordered else ""


_FIXED = 14 + 1 + 1 + 8 + 1 + 5 + 1 + 6 + 1 + 14 + 1 + 4


def order_row(r: dispatch.ReadyOrder, width: int) -> list[Piece]:
    customer = max(6, width - _FIXED)
    return [
        (fit(r.number, 14), ""),
        (" " + fit(r.customer_name, customer), ""),
        (" " + fit(r.region, 8), "dim"),
        (" " + fit(str(r.units), 5, True), ""),
        (" " + fit(state_label(r), 6), "warn"),
        (" " + fit(r.in_shipment, 14), "pass"),
        (" " + fit(str(r.priority_score), 4, True), "dim"),
    ]


def list_head(width: int) -> str:
    customer = max(6, width - 1 - _FIXED)
    return (f" {fit('Order', 14)} {fit('Customer', customer)} {fit('Region', 8)} "
            f"{fit('Units', 5, True)} {fit('', 6)} {fit('Shipment', 14)} "
            f"{fit('Prio', 4, True)}")  # fmt: skip


def group_size(g: GroupRow) -> str:
    return f"{plural(len(g.keys), 'order')}, {plural(g.units, 'unit')}"


def carrier_label(code: str) -> str:
    return code or "carrier: cheapest in time"


class DispatchList(GroupedList):
    """The ready list: Space on a group's header row selects the whole group."""

    GROUP_ROW = GroupRow

    def format_group(self, g: GroupRow, width: int) -> list[Piece]:
        chosen = sum(1 for k in g.keys if k in self.selected)
        text = group_size(g) + (f", {chosen} selected" if chosen else "")
        return [(fit(f"{g.warehouse_code} › {carrier_label(g.carrier_code)}", 36), "alert"),
                (" " + text, "dim")]  # fmt: skip

    def group_of(self, row: Row | None) -> GroupRow | None:
        if row is None:
            return None
        index = next((i for i, r in enumerate(self.rows) if r is row), -1)
        for r in reversed(self.rows[: index + 1]):
            if isinstance(r, GroupRow):
                return r
        return None

    def toggle_group(self, group: GroupRow) -> None:
        by_key = {row_key(r): r for r in self.rows if not isinstance(r, GroupRow)}
        if all(k in self.selected for k in group.keys):
            for k in group.keys:
                self.selected.pop(k, None)
        else:
            for k in group.keys:
                if k in by_key:
                    self.selected[k] = by_key[k]
        self._lines.clear()
        self.refresh()
        self.post_message(self.SelectionChanged(self, group))

    def action_toggle(self) -> None:
        row = self.highlighted
        if isinstance(row, GroupRow):
            self.toggle_group(row)
            self.action_move(len(row.keys) + 1)  # on to the next group's header
            return
        super().action_toggle()


# -- dialogs ---------------------------------------------------------------------------------


def option_text(o: dispatch.CarrierOption, proposed: bool, current: bool) -> Content:
    marks = ", ".join(m for m, on_ in (("proposed", proposed), ("current", current)) if on_)
    return Content.assemble(
        (fit(o.code, 7), "bold"),
        f" {fit(format_money(o.freight_minor), 9, True)}  {o.transit_days} d"
        f" → {o.expected_date:%m-%d}",
        ("" if o.meets_date else "  too late", "$text-warning"),
        (f"  {marks}" if marks else "", "$text-accent"),
    )


def line_text(ln: dispatch.ShipmentLineView) -> str:
    back = str(ln.backordered) if ln.backordered else ""
    return (f"{ln.line_no:>2} {fit(ln.product_code, 12)} {fit(ln.description, 20)} "
            f"{ln.ordered:>5} {ln.shipped_before:>5} {back:>5} {ln.qty:>6}")  # fmt: skip


LINES_HEAD = f"{'Ln':>2} {fit('Product', 12)} {fit('Description', 20)} " \
             f"{'Order':>5} {'Sent':>5} {'Back':>5} {'Picked':>6}  Ship"  # fmt: skip

# runs in the dialog's worker: (quantities by order line, packages, carrier id or None,
# tracking number) -> the result
ShipRun = Callable[[dict[int, int], int, int | None, str], dispatch.ShipResult]


class ShipDialog(TellsFailures, ModalScreen[dispatch.ShipResult | None]):
    """Confirm a shipment: quantities, packages, carrier, tracking number (scan); Enter on the
    tracking number (or F2) ships; an error goes to its field with the bell."""

    CSS_PATH = "dispatch.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f12", "cancel", "Back", key_display="Esc", id="dispatch.ship.cancel"),
        Binding("f2,ctrl+s", "confirm", "Ship", key_display="F2/^S", id="dispatch.ship.confirm",
                tooltip="Ship with these quantities, carrier and tracking number"),
    ]  # fmt: skip

    class Shipped(Message):
        def __init__(self, result: dispatch.ShipResult) -> None:
            super().__init__()
            self.result = result

    def __init__(self, view: dispatch.ShipmentView, choice: dispatch.CarrierChoice,
                 run: ShipRun) -> None:  # fmt: skip
        super().__init__()
        self.view, self.choice, self.run = view, choice, run
        self.busy = False

    def compose(self) -> ComposeResult:
        v = self.view
        with Vertical(classes="dispatch-dialog", id="ship-dialog") as box:
            box.border_title = f"Ship {v.number} · {v.order_number} · {v.customer_name}"
            box.border_subtitle = "Enter on tracking (or F2) ships · Tab next · Esc backs out"
            yield Static(Content.styled(LINES_HEAD, "bold"), classes="dispatch-lines-head")
            with VerticalScroll(id="ship-lines"):
                for n, ln in enumerate(v.lines):
                    with Horizontal(classes="dispatch-form-row"):
                        yield Static(line_text(ln), classes="dispatch-line")
                        yield ScanInput(str(ln.qty), id=f"ship-qty-{n}", type="integer",
                                        keep_value=True, classes="dispatch-qty")  # fmt: skip
            with Horizontal(classes="dispatch-form-row"):
                yield Label("Packages", classes="dispatch-label")
                yield ScanInput(str(max(1, v.packages)), id="ship-packages", type="integer",
                                keep_value=True, classes="dispatch-qty")  # fmt: skip
                yield Static(f"  {v.warehouse_code} → {v.ship_to_name} {v.ship_to_phone}",
                             classes="dispatch-note")  # fmt: skip
            proposed = self.choice.proposed
            options = OptionList(*(
                Option(option_text(o, proposed is not None and o.carrier_id == proposed.carrier_id,
                                   o.code == v.carrier_code), id=str(o.carrier_id))
                for o in self.choice.options
            ), id="ship-carrier")  # fmt: skip
            with Horizontal(classes="dispatch-carrier-row"):
                yield Label("Carrier", classes="dispatch-label")
                yield options
            yield Static(Content.styled(f"Why: {self.choice.reason}", "dim"), id="ship-reason")
            with Horizontal(classes="dispatch-form-row"):
                yield Label("Tracking", classes="dispatch-label")
                yield ScanInput(id="ship-tracking", keep_value=True,
                                placeholder="scan or type the tracking number")  # fmt: skip
            yield Static("", id="ship-error", classes="dispatch-error")

    def on_mount(self) -> None:
        self.query_one("#ship-lines").can_focus = False  # Tab goes from field to field
        carriers = self.query_one("#ship-carrier", OptionList)
        current = next((i for i, o in enumerate(self.choice.options)
                        if o.code == self.view.carrier_code), None)  # fmt: skip
        if current is None and self.choice.proposed is not None:
            current = self.choice.options.index(self.choice.proposed)
        carriers.highlighted = current if current is not None else (0 if self.choice.options
                                                                    else None)  # fmt: skip
        self.query_one("#ship-tracking", ScanInput).focus()

    def carrier(self) -> dispatch.CarrierOption | None:
        index = self.query_one("#ship-carrier", OptionList).highlighted
        options = self.choice.options
        return options[index] if index is not None and 0 <= index < len(options) else None

    @on(ScanInput.Scanned)
    def entered(self, event: ScanInput.Scanned) -> None:
        event.stop()
        if event.scan_input.id == "ship-tracking":
            self.action_confirm()
        else:
            self.focus_next()

    @on(OptionList.OptionSelected, "#ship-carrier")
    def carrier_picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.query_one("#ship-tracking", ScanInput).focus()

    def fail(self, text: str, field_id: str | None) -> None:
        self.busy = False
        self.query_one("#ship-error", Static).update(text)
        for widget in self.query(ScanInput):
            widget.set_class(widget.id == field_id, "-error")
        if field_id:
            widget = self.query_one(f"#{field_id}")
            widget.focus()
            if isinstance(widget, ScanInput):
                widget.select_all()  # the next scan (or typing) replaces what was wrong
        self.app.bell()

    def action_confirm(self) -> None:
        if self.busy:
            return
        quantities: dict[int, int] = {}
        for n, ln in enumerate(self.view.lines):
            text = self.query_one(f"#ship-qty-{n}", ScanInput).value.strip()
            try:
                qty = int(text)
            except ValueError:
                qty = -1
            if not 0 <= qty <= ln.qty:
                self.fail(f"Line {ln.line_no} {ln.product_code}: ship 0 to {ln.qty} "
                          "(what was picked).", f"ship-qty-{n}")  # fmt: skip
                return
            quantities[ln.order_line_id] = qty
        if not any(quantities.values()):
            self.fail("Nothing to ship: every quantity is 0.", "ship-qty-0")
            return
        try:
            packages = int(self.query_one("#ship-packages", ScanInput).value.strip())
        except ValueError:
            packages = 0
        if packages < 1:
            self.fail("Packages: 1 or more.", "ship-packages")
            return
        option = self.carrier()
        carrier_id = option.carrier_id if option and option.code != self.view.carrier_code else None
        tracking = self.query_one("#ship-tracking", ScanInput).value
        self.busy = True
        self.query_one("#ship-error", Static).update(Content.styled("Shipping…", "dim"))
        self.save(quantities, packages, carrier_id, tracking)

    @work(thread=True, exclusive=True, group="dispatch-ship", exit_on_error=False,
          description="ship")  # fmt: skip
    def save(self, quantities: dict[int, int], packages: int, carrier_id: int | None,
             tracking: str) -> None:  # fmt: skip
        self.post_message(self.Shipped(self.run(quantities, packages, carrier_id, tracking)))

    @on(Shipped)
    def shipped(self, message: Shipped) -> None:
        self.dismiss(message.result)

    def worker_failed(self, worker: Worker, error: BaseException) -> None:
        """Nothing shipped: why under the fields, the field it is about focused."""
        fields = {"tracking": "ship-tracking", "packages": "ship-packages",
                  "qty": "ship-qty-0", "carrier": "ship-carrier"}  # fmt: skip
        field = error.field if isinstance(error, InvalidInput) else None
        self.fail(failure_text(doing(worker), error), fields.get(field or ""))

    def action_cancel(self) -> None:
        self.dismiss(None)


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
                f" · freight {format_money(s.freight_minor)}",
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

    CSS_PATH = "dispatch.tcss"
    CONTAINER_ID, DIALOG_CLASS, ROW_CLASS = "track-dialog", "dispatch-dialog", "dispatch-form-row"
    LABEL_CLASS, NOTE_CLASS, ERROR_CLASS = "dispatch-label", "dispatch-note", "dispatch-error"
    ID_PREFIX, NOTE_FIRST, FOCUS_FIRST_EMPTY = "track-", False, True
    SUBTITLE = "Tab next field · Enter saves · Esc backs out"
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
        ], save, legend, aliases={"order": "shipment"})  # fmt: skip

    def field_id(self, name: str) -> str:
        return f"track-{name}"


def track(db: Any, user: str, number: str, status: str, location: str, note: str) -> str:
    """Resolve a shipment number (or an order's latest shipped shipment) and record the
    event; says what was done."""
    from ..services.platform.errors import NotFound

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


# -- the screen --------------------------------------------------------------------------------


class DispatchScreen(ListScreen[DispatchList]):
    """Ready orders by warehouse and carrier; waves with their paperwork; ship; tracking."""

    PREFIX = "dispatch"
    WHAT = "the ready orders"
    JOB_GROUP = "dispatch-job"
    KEYS = (("Space", "select"), ("g", "group"), ("F7", "packing list"), ("F8", "labels"),
            ("F9", "tracking"), ("F5", "refresh"))  # fmt: skip

    MODE = "dispatch"
    CSS_PATH = "dispatch.tcss"
    COMMANDS = {ScreenCommands}
    PALETTE_PREFIX = "Dispatch"
    PALETTE: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("start_wave", "Start wave", "Shipments for the selected orders; print the pick list "
                                     "and packing lists (F2 / Ctrl+S)"),
        ("ship", "Ship", "The order's open shipment: quantities, carrier, tracking "
                         "(F6 / Ctrl+O)"),
        ("packing_list", "Reprint packing list", "Of the highlighted order (F7 / Ctrl+N)"),
        ("labels", "Reprint labels", "Of the highlighted order (F8 / Ctrl+Y)"),
        ("pick_list", "Reprint pick list", "Of the highlighted order's wave (F11 / Ctrl+U)"),
        ("tracking", "Tracking event", "Picked up, in transit, delivered… (F9 / Ctrl+B)"),
        ("select", "Select / unselect", "The order, or the group on its header (Space)"),
        ("select_group", "Select group", "Every order of the highlighted group (g)"),
        ("open", "Open order", "Lines, status history, shipments (Enter)"),
        ("refresh", "Read again", "The ready list (F5 / Ctrl+R)"),
        ("van_runs", "Van runs", "Plan the own vans' runs, print manifests, settle returned "
                                 "runs (F10 / Ctrl+G)"),
    )  # fmt: skip
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2,ctrl+s", "start_wave", "Wave", key_display="F2/^S",
                id="dispatch.wave", tooltip="Start a wave: shipments, pick and packing lists"),
        Binding("f6,ctrl+o", "ship", "Ship", key_display="F6/^O", id="dispatch.ship",
                tooltip="Ship the open shipment: qty, carrier, tracking no."),
        Binding("f7,ctrl+n", "packing_list", "Packing list", key_display="F7/^N", show=False,
                id="dispatch.packing_list", tooltip="Reprint the order's packing list"),
        Binding("f8,ctrl+y", "labels", "Labels", key_display="F8/^Y", show=False,
                id="dispatch.labels", tooltip="Reprint the order's shipping labels"),
        Binding("f11,ctrl+u", "pick_list", "Pick list", key_display="F11/^U", show=False,
                id="dispatch.pick_list", tooltip="Reprint the pick list of the order's wave"),
        Binding("f9,ctrl+b", "tracking", "Tracking", key_display="F9/^B", show=False,
                id="dispatch.tracking", tooltip="Tracking event: status letter and location"),
        Binding("space", "select", "Select", key_display="Space", show=False,
                id="dispatch.select", tooltip="Select / unselect (a group on its header)"),
        Binding("g", "select_group", "Group", show=False, id="dispatch.select_group",
                tooltip="Select / unselect the highlighted order's group"),
        Binding("enter", "open", "Open", key_display="Enter", show=False, id="dispatch.open",
                tooltip="Open the order's detail"),
        Binding("f5,ctrl+r", "refresh", "Refresh", key_display="F5/^R", show=False,
                id="dispatch.refresh", tooltip="Read the ready list again"),
        Binding("f10,ctrl+g", "van_runs", "Van runs", key_display="F10/^G", show=False,
                id="dispatch.van_runs", tooltip="Van runs: plan, manifest, settle"),
    ]  # fmt: skip

    class ShipReady(Message):
        def __init__(self, view: dispatch.ShipmentView, choice: dispatch.CarrierChoice) -> None:
            super().__init__()
            self.view, self.choice = view, choice

    def __init__(self) -> None:
        super().__init__()
        self.last_shipped: dict[str, str] = {}  # order number -> shipment shipped here

    def make_list(self) -> DispatchList:
        return DispatchList(order_row, key=row_key, id="dispatch-list",
                            empty_text="No order is ready to ship.")  # fmt: skip

    def head(self, width: int) -> str:
        return list_head(width)

    @property
    def orders(self) -> DispatchList:
        return self.row_list

    def ready_orders(self) -> list[dispatch.ReadyOrder]:
        return self.orders.members()

    def status_text(self) -> Content:
        ready = self.ready_orders()
        whs = {r.warehouse_code for r in ready}
        picking = sum(1 for r in ready if r.in_shipment)
        chosen = len(self.orders.selected)
        return Content.assemble(
            (f"{len(ready)} ready", "bold"),
            f" in {len(whs)} warehouse{'s' if len(whs) != 1 else ''}",
            f" · {picking} in a wave" if picking else "",
            (f" · {chosen} selected", "bold $text-accent") if chosen else "",
        )  # fmt: skip

    def info_text(self, row: Row) -> Content:
        if isinstance(row, GroupRow):
            return Content.assemble(
                (f"{row.warehouse_code} › {carrier_label(row.carrier_code)}", "bold"),
                f": {group_size(row)}\n",
                ("Space or g selects the group; F2 starts a wave of the selected.", "dim"),
            )  # fmt: skip
        wanted = row.requested_date.isoformat() if row.requested_date else "no date"
        label = OrderStatus(row.status).label.lower()
        then = (f"in {row.in_shipment}: F6 ships it" if row.in_shipment
                else "not picked yet: Space selects, F2 starts a wave")  # fmt: skip
        return Content.assemble(
            (row.number, "bold"), f"  {label} · wanted {wanted} · prio {row.priority_score}"
            f" · {row.warehouse_code} {row.units} units\n",
            (then, "dim"),
        )  # fmt: skip

    # -- loading -----------------------------------------------------------------------------

    def action_refresh(self, keep: bool = False) -> None:
        db = self.db
        self.orders.load(lambda _cursor: (with_groups(dispatch.ready_to_ship(db)), None),
                         keep=keep)  # fmt: skip

    def reload_after_job(self) -> None:
        self.orders.clear_selection()  # a job that changed the list ends the selection
        super().reload_after_job()

    @on(OrderList.SelectionChanged, "#dispatch-list")
    def selection_changed(self) -> None:
        self.show_status()

    @on(OrderList.Opened, "#dispatch-list")
    def opened(self, message: OrderList.Opened) -> None:
        if not isinstance(message.row, GroupRow):
            self.post_message(OpenOrder(message.row.number))

    # -- keys --------------------------------------------------------------------------------

    def action_select(self) -> None:
        self.orders.action_toggle()

    def action_van_runs(self) -> None:
        from .van_runs import VanRunsScreen

        # back here, the list is read again: planned runs put orders in shipments
        self.app.push_screen(VanRunsScreen(), callback=lambda _: self.action_refresh(keep=True))

    def action_select_group(self) -> None:
        group = self.orders.group_of(self.orders.highlighted)
        if group is not None:
            self.orders.toggle_group(group)

    def action_open(self) -> None:
        self.orders.action_open()

    def _order(self) -> dispatch.ReadyOrder | None:
        row = self.orders.highlighted
        if not isinstance(row, dispatch.ReadyOrder):
            self.say("Highlight an order first (Down moves off the group's header).", error=True)
            return None
        return row

    def action_start_wave(self) -> None:
        chosen = [r for r in self.orders.selected.values()
                  if isinstance(r, dispatch.ReadyOrder)]  # fmt: skip
        if not chosen:
            self.say("Select orders with Space (a group with g) first; F2 starts their wave.",
                     error=True)  # fmt: skip
            return
        if not self._free():
            return
        self._busy = True
        self.say(Content.styled(f"Starting a wave of {len(chosen)} orders…", "dim"))
        self.run_wave(chosen, self.today)

    @work(thread=True, exclusive=True, group="dispatch-job", exit_on_error=False,
          description="start the wave")  # fmt: skip
    def run_wave(self, chosen: list[dispatch.ReadyOrder], today: date) -> None:
        db, user = self.db, self.user
        by_warehouse: dict[int, list[int]] = {}
        for r in chosen:
            by_warehouse.setdefault(r.warehouse_id, []).append(r.order_id)
        shipments: list[dispatch.ShipmentView] = []
        try:
            for wid, ids in by_warehouse.items():
                shipments += dispatch.create_shipments(db, user, ids, warehouse_id=wid,
                                                       today=today)  # fmt: skip
        except Exception as error:  # noqa: BLE001 - shipments made stand; the list is read again
            done = f" ({len(shipments)} shipments were made)" if shipments else ""
            self.post_message(Said(f"Wave not started{done}: "
                                   f"{logged_text('start the wave', error)}",
                                   error=True, reload=True))  # fmt: skip
            return
        if not shipments:
            self.post_message(Said("Nothing new to pick: the selected orders are already in "
                                   "a wave (F7 reprints).", error=True, reload=True))  # fmt: skip
            return
        from ..reports.packing_list import packing_list_pdf
        from ..reports.pick_list import pick_list_pdf

        first, last = shipments[0].number, shipments[-1].number
        wave = first if first == last else f"{first}…{last}"
        made = f"Wave of {len(shipments)} shipment{'s' if len(shipments) != 1 else ''} ({wave})"
        try:
            where = deliver_documents(db, [
                (f"pick-list-{first}",
                 lambda company, paper: pick_list_pdf(shipments, company, wave, paper)),
                (f"packing-lists-{first}",
                 lambda company, paper: packing_list_pdf(shipments, company, paper)),
            ])  # fmt: skip
        except Exception as error:  # noqa: BLE001 - the wave stands; say what did not print
            text = logged_text("print the wave's lists", error)
            self.post_message(Said(f"{made}; not printed: {text} (F11 reprints the pick list, "
                                   "F7 the packing list)", error=True, reload=True))  # fmt: skip
            return
        self.post_message(Said(f"{made}: pick list and packing lists {where}.", reload=True))

    def action_ship(self) -> None:
        row = self._order()
        if row is None:
            return
        if not row.in_shipment:
            self.say(f"{row.number} is not in a wave yet: Space selects it, F2 starts one.",
                     error=True)  # fmt: skip
            return
        if not self._free():
            return
        self._busy = True
        self.say(Content.styled(f"Reading {row.in_shipment}…", "dim"))
        self.load_shipment(row.in_shipment, self.today)

    @work(thread=True, exclusive=True, group="dispatch-job", exit_on_error=False,
          description="read the shipment")  # fmt: skip
    def load_shipment(self, number: str, today: date) -> None:
        view = dispatch.get_shipment_by_number(self.db, number)
        choice = dispatch.shipment_carrier_choice(self.db, view.id, today)
        self.post_message(self.ShipReady(view, choice))

    @on(ShipReady)
    def ship_ready(self, message: ShipReady) -> None:
        self._busy = False
        self.say("")
        view = message.view
        if view.status not in ("picking", "packed"):
            self.say(f"{view.number} is already {view.status}.", error=True)
            self.action_refresh(keep=True)
            return
        db, user, today = self.db, self.user, self.today

        def run(quantities: dict[int, int], packages: int, carrier_id: int | None,
                tracking: str) -> dispatch.ShipResult:  # fmt: skip
            return dispatch.ship(db, user, view.id, tracking, quantities=quantities,
                                 packages=packages, carrier_id=carrier_id, today=today)  # fmt: skip

        def finished(result: dispatch.ShipResult | None) -> None:
            if result is None:
                return
            s = result.shipment
            self.last_shipped.pop(s.order_number, None)
            self.last_shipped[s.order_number] = s.number
            label = OrderStatus(result.order_status).label.lower()
            self.say(Content.assemble((f"{s.number} shipped", "bold $text-success"),
                                      f": {s.order_number} {label}, {s.carrier_code} "
                                      f"{s.tracking_no}".rstrip()))  # fmt: skip
            self.action_refresh(keep=True)
            self.app.push_screen(NoticeDialog(result))

        self.app.push_screen(ShipDialog(view, message.choice, run), callback=finished)

    def _reprint(self, kind: str) -> None:
        row = self._order()
        if row is None or not self._free():
            return
        self._busy = True
        self.say(Content.styled(f"Printing the {kind} of {row.number}…", "dim"))
        self.reprint(row.number, kind)

    def action_packing_list(self) -> None:
        self._reprint("packing list")

    def action_labels(self) -> None:
        self._reprint("labels")

    def action_pick_list(self) -> None:
        self._reprint("pick list")

    @work(thread=True, exclusive=True, group="dispatch-job", exit_on_error=False,
          description="print the packing list, labels or pick list")  # fmt: skip
    def reprint(self, number: str, kind: str) -> None:
        if kind == "pick list":
            from ..reports.pick_list import pick_list_pdf

            code, wave = dispatch.order_wave(self.db, number)
            where = deliver_documents(self.db, [(
                f"pick-list-{code}",
                lambda company, paper: pick_list_pdf(wave, company, code, paper),
            )])  # fmt: skip
            self.post_message(Said(f"Pick list of {code} ({plural(len(wave), 'shipment')}) "
                                   f"{where}."))  # fmt: skip
            return
        shipments = dispatch.order_shipments(self.db, number)
        open_ = [s for s in shipments if s.status in ("picking", "packed")]
        shipments = open_ or shipments[-1:]
        if not shipments:
            self.post_message(Said(f"{number} has no shipment yet: Space selects it, F2 starts "
                                   "a wave.", error=True))  # fmt: skip
            return
        docs: list[Document]
        if kind == "labels":
            from ..reports.label import labels_pdf

            docs = [(f"labels-{number}", lambda company, _paper: labels_pdf(shipments, company))]
        else:
            from ..reports.packing_list import packing_list_pdf

            docs = [
                (
                    f"packing-list-{number}",
                    lambda company, paper: packing_list_pdf(shipments, company, paper),
                )
            ]
        where = deliver_documents(self.db, docs)
        self.post_message(Said(f"{kind.capitalize()} of {number} {where}."))

    def action_tracking(self) -> None:
        row = self.orders.highlighted
        shipment = ""
        if isinstance(row, dispatch.ReadyOrder):
            shipment = self.last_shipped.get(row.number, "")
        if not shipment and self.last_shipped:  # the one shipped last here (it left the list)
            shipment = list(self.last_shipped.values())[-1]
        db, user = self.db, self.user

        def run(number: str, status: str, location: str, note: str) -> str:
            return track(db, user, number, status, location, note)

        def finished(text: str | None) -> None:
            if text:
                self.say(Content.styled(text, "bold $text-success"))
                self.action_refresh(keep=True)

        self.app.push_screen(TrackingDialog(shipment, run), callback=finished)
