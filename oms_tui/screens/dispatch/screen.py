"""Dispatch: the ready list and its keys (the package's docstring has the area's keys)."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date
from typing import ClassVar

from textual import on, work
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message

from ...commands import ScreenCommands
from ...failures import logged_text
from ...i18n import N_, _, ngettext
from ...messages import OpenOrder, Said
from ...services.shipping import dispatch
from ...widgets.order_list import OrderList, Piece, fit
from ..list_screen import GroupedList, ListScreen
from ..printouts import Document, deliver_documents
from .dialogs import NoticeDialog, ShipDialog, TrackingDialog, track
from .rows import (
    GroupRow,
    Row,
    carrier_label,
    group_size,
    list_head,
    order_row,
    row_key,
    status_word,
    with_groups,
)

# -- the list --------------------------------------------------------------------------------


class DispatchList(GroupedList):
    """The ready list: Space on a group's header row selects the whole group."""

    GROUP_ROW = GroupRow

    def format_group(self, g: GroupRow, width: int) -> list[Piece]:
        chosen = sum(1 for k in g.keys if k in self.selected)
        text = group_size(g) + (_(", {n} selected").format(n=chosen) if chosen else "")
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


# -- the screen --------------------------------------------------------------------------------


class DispatchScreen(ListScreen[DispatchList]):
    """Ready orders by warehouse and carrier; waves with their paperwork; ship; tracking."""

    PREFIX = "dispatch"
    WHAT = N_("the ready orders")
    JOB_GROUP = "dispatch-job"
    KEYS = (
        ("Space", N_("select")),  # i18n: no (the key's name)
        ("g", N_("group")), ("F7", N_("packing list")), ("F8", N_("labels")),
        ("F9", N_("tracking")), ("F5", N_("refresh")),
    )  # fmt: skip

    MODE = "dispatch"
    # the area needs dispatch.ship already; declared so the keys follow the services
    ACTION_PERMISSIONS: ClassVar[dict[str, str]] = {
        "start_wave": "dispatch.ship", "ship": "dispatch.ship", "tracking": "dispatch.ship",
    }  # fmt: skip
    CSS_PATH = "dispatch.tcss"
    COMMANDS = {ScreenCommands}
    PALETTE_PREFIX = N_("Dispatch")
    PALETTE: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("start_wave", N_("Start wave"), N_("Shipments for the selected orders; print the pick "
                                            "list and packing lists (F2 / Ctrl+S)")),
        ("ship", N_("Ship"), N_("The order's open shipment: quantities, carrier, tracking "
                                "(F6 / Ctrl+O)")),
        ("packing_list", N_("Reprint packing list"), N_("Of the highlighted order (F7 / Ctrl+N)")),
        ("labels", N_("Reprint labels"), N_("Of the highlighted order (F8 / Ctrl+Y)")),
        ("pick_list", N_("Reprint pick list"),
         N_("Of the highlighted order's wave (F11 / Ctrl+U)")),
        ("tracking", N_("Tracking event"), N_("Picked up, in transit, delivered… (F9 / Ctrl+B)")),
        ("select", N_("Select / unselect"), N_("The order, or the group on its header (Space)")),
        ("select_group", N_("Select group"), N_("Every order of the highlighted group (g)")),
        ("open", N_("Open order"), N_("Lines, status history, shipments (Enter)")),
        ("refresh", N_("Read again"), N_("The ready list (F5 / Ctrl+R)")),
        ("van_runs", N_("Van runs"), N_("Plan the own vans' runs, print manifests, settle "
                                        "returned runs (F10 / Ctrl+G)")),
    )  # fmt: skip
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2,ctrl+s", "start_wave", N_("Wave"), key_display="F2/^S",
                id="dispatch.wave", tooltip=N_("Start a wave: shipments, pick and packing lists")),
        Binding("f6,ctrl+o", "ship", N_("Ship"), key_display="F6/^O", id="dispatch.ship",
                tooltip=N_("Ship the open shipment: qty, carrier, tracking no.")),
        Binding("f7,ctrl+n", "packing_list", N_("Packing list"), key_display="F7/^N", show=False,
                id="dispatch.packing_list", tooltip=N_("Reprint the order's packing list")),
        Binding("f8,ctrl+y", "labels", N_("Labels"), key_display="F8/^Y", show=False,
                id="dispatch.labels", tooltip=N_("Reprint the order's shipping labels")),
        Binding("f11,ctrl+u", "pick_list", N_("Pick list"), key_display="F11/^U", show=False,
                id="dispatch.pick_list", tooltip=N_("Reprint the pick list of the order's wave")),
        Binding("f9,ctrl+b", "tracking", N_("Tracking"), key_display="F9/^B", show=False,
                id="dispatch.tracking", tooltip=N_("Tracking event: status letter and location")),
        Binding("space", "select", N_("Select"), key_display="Space", show=False,
                id="dispatch.select", tooltip=N_("Select / unselect (a group on its header)")),
        Binding("g", "select_group", N_("Select a group"), show=False,
                id="dispatch.select_group",
                tooltip=N_("Select / unselect the highlighted order's group")),
        Binding("enter", "open", N_("Open"), key_display="Enter", show=False, id="dispatch.open",
                tooltip=N_("Open the order's detail")),
        Binding("f5,ctrl+r", "refresh", N_("Refresh"), key_display="F5/^R", show=False,
                id="dispatch.refresh", tooltip=N_("Read the ready list again")),
        Binding("f10,ctrl+g", "van_runs", N_("Van runs"), key_display="F10/^G", show=False,
                id="dispatch.van_runs", tooltip=N_("Van runs: plan, manifest, settle")),
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
                            empty_text=_("No order is ready to ship."))  # fmt: skip

    def retranslate(self) -> None:
        self.orders.empty_text = _("No order is ready to ship.")
        super().retranslate()

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
            (_("{n} ready").format(n=len(ready)), "bold"),
            ngettext(" in {n} warehouse", " in {n} warehouses", len(whs)).format(n=len(whs)),
            _(" · {n} in a wave").format(n=picking) if picking else "",
            (_(" · {n} selected").format(n=chosen), "bold $text-accent") if chosen else "",
        )  # fmt: skip

    def info_text(self, row: Row) -> Content:
        if isinstance(row, GroupRow):
            return Content.assemble(
                (f"{row.warehouse_code} › {carrier_label(row.carrier_code)}", "bold"),
                f": {group_size(row)}\n",
                (_("Space or g selects the group; F2 starts a wave of the selected."), "dim"),
            )  # fmt: skip
        wanted = row.requested_date.isoformat() if row.requested_date else _("no date")
        then = (_("in {shipment}: F6 ships it").format(shipment=row.in_shipment)
                if row.in_shipment
                else _("not picked yet: Space selects, F2 starts a wave"))  # fmt: skip
        return Content.assemble(
            (row.number, "bold"),
            "  " + _("{status} · wanted {day} · prio {priority} · {warehouse} {units}").format(
                status=status_word(row.status), day=wanted, priority=row.priority_score,
                warehouse=row.warehouse_code,
                units=ngettext("{n} unit", "{n} units", row.units).format(n=row.units)) + "\n",
            (then, "dim"),
        )  # fmt: skip

    # -- loading -----------------------------------------------------------------------------

    def action_refresh(self, keep: bool = False) -> None:
        db = self.db
        self.orders.load(lambda _cursor: (with_groups(dispatch.ready_to_ship(db)), None),
                         keep=keep)  # fmt: skip

    def stamp(self) -> Hashable:
        return dispatch.ready_stamp(self.db)

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
        from ..van_runs import VanRunsScreen

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
            self.say(_("Highlight an order first (Down moves off the group's header)."), error=True)
            return None
        return row

    def action_start_wave(self) -> None:
        chosen = [r for r in self.orders.selected.values()
                  if isinstance(r, dispatch.ReadyOrder)]  # fmt: skip
        if not chosen:
            self.say(_("Select orders with Space (a group with g) first; F2 starts their wave."),
                     error=True)  # fmt: skip
            return
        if not self._free():
            return
        self._busy = True
        self.say(
            Content.styled(
                ngettext(
                    "Starting a wave of {n} order…", "Starting a wave of {n} orders…", len(chosen)
                ).format(n=len(chosen)),
                "dim",
            )
        )
        self.run_wave(chosen, self.today)

    @work(thread=True, exclusive=True, group="dispatch-job", exit_on_error=False,
          description=N_("start the wave"))  # fmt: skip
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
            why = logged_text(N_("start the wave"), error)
            text = (
                ngettext(
                    "Wave not started ({n} shipment was made): {error}",
                    "Wave not started ({n} shipments were made): {error}",
                    len(shipments),
                ).format(n=len(shipments), error=why)
                if shipments
                else _("Wave not started: {error}").format(error=why)
            )
            self.post_message(Said(text, error=True, reload=True))  # fmt: skip
            return
        if not shipments:
            nothing = _(
                "Nothing new to pick: the selected orders are already in a wave (F7 reprints)."
            )
            self.post_message(Said(nothing, error=True, reload=True))
            return
        from ...reports.packing_list import packing_list_pdf
        from ...reports.pick_list import pick_list_pdf

        first, last = shipments[0].number, shipments[-1].number
        wave = first if first == last else f"{first}…{last}"
        made = ngettext(
            "Wave of {n} shipment ({wave})", "Wave of {n} shipments ({wave})", len(shipments)
        ).format(n=len(shipments), wave=wave)
        try:
            where = deliver_documents(db, [
                (f"pick-list-{first}",
                 lambda company, paper: pick_list_pdf(shipments, company, wave, paper)),
                (f"packing-lists-{first}",
                 lambda company, paper: packing_list_pdf(shipments, company, paper)),
            ])  # fmt: skip
        except Exception as error:  # noqa: BLE001 - the wave stands; say what did not print
            text = logged_text(N_("print the wave's lists"), error)
            self.post_message(Said(_("{made}; not printed: {error} (F11 reprints the pick list, "
                                     "F7 the packing list)").format(made=made, error=text),
                                   error=True, reload=True))  # fmt: skip
            return
        self.post_message(
            Said(
                _("{made}: pick list and packing lists {where}.").format(made=made, where=where),
                reload=True,
            )
        )

    def action_ship(self) -> None:
        row = self._order()
        if row is None:
            return
        if not row.in_shipment:
            self.say(_("{number} is not in a wave yet: Space selects it, F2 starts one.").format(
                number=row.number), error=True)  # fmt: skip
            return
        if not self._free():
            return
        self._busy = True
        self.say(Content.styled(_("Reading {number}…").format(number=row.in_shipment), "dim"))
        self.load_shipment(row.in_shipment, self.today)

    @work(thread=True, exclusive=True, group="dispatch-job", exit_on_error=False,
          description=N_("read the shipment"))  # fmt: skip
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
            self.say(
                _("{number} is already {status}.").format(
                    number=view.number, status=_(view.status)
                ),
                error=True,
            )
            self.action_refresh(keep=True)
            return
        db, user, today = self.db, self.user, self.today

        def run(quantities: dict[int, int], packages: int, carrier_id: int | None,
                tracking: str) -> dispatch.ShipResult:  # fmt: skip
            return dispatch.ship(db, user, view.id, tracking, quantities=quantities,
                                 packages=packages, carrier_id=carrier_id, today=today,
                                 expected_version=view.version)  # fmt: skip

        def finished(result: dispatch.ShipResult | None) -> None:
            if result is None:
                return
            s = result.shipment
            self.last_shipped.pop(s.order_number, None)
            self.last_shipped[s.order_number] = s.number
            label = status_word(result.order_status)
            self.say(Content.assemble((_("{number} shipped").format(number=s.number),
                                       "bold $text-success"),
                                      f": {s.order_number} {label}, {s.carrier_code} "
                                      f"{s.tracking_no}".rstrip()))  # fmt: skip
            self.action_refresh(keep=True)
            self.app.push_screen(NoticeDialog(result))

        self.app.push_screen(ShipDialog(view, message.choice, run, self.role), callback=finished)

    def _reprint(self, kind: str) -> None:
        row = self._order()
        if row is None or not self._free():
            return
        self._busy = True
        self.say(
            Content.styled(
                _("Printing the {document} of {number}…").format(
                    document=_(kind), number=row.number
                ),
                "dim",
            )
        )
        self.reprint(row.number, kind)

    def action_packing_list(self) -> None:
        self._reprint(N_("packing list"))

    def action_labels(self) -> None:
        self._reprint(N_("labels"))

    def action_pick_list(self) -> None:
        self._reprint(N_("pick list"))

    @work(thread=True, exclusive=True, group="dispatch-job", exit_on_error=False,
          description=N_("print the packing list, labels or pick list"))  # fmt: skip
    def reprint(self, number: str, kind: str) -> None:
        if kind == "pick list":  # i18n: no (a kind, not said)
            from ...reports.pick_list import pick_list_pdf

            code, wave = dispatch.order_wave(self.db, number)
            where = deliver_documents(self.db, [(
                f"pick-list-{code}",
                lambda company, paper: pick_list_pdf(wave, company, code, paper),
            )])  # fmt: skip
            self.post_message(Said(ngettext("Pick list of {code} ({n} shipment) {where}.",
                                            "Pick list of {code} ({n} shipments) {where}.",
                                            len(wave)).format(code=code, n=len(wave),
                                                              where=where)))  # fmt: skip
            return
        shipments = dispatch.order_shipments(self.db, number)
        open_ = [s for s in shipments if s.status in ("picking", "packed")]
        shipments = open_ or shipments[-1:]
        if not shipments:
            self.post_message(Said(_("{number} has no shipment yet: Space selects it, F2 starts "
                                     "a wave.").format(number=number), error=True))  # fmt: skip
            return
        docs: list[Document]
        if kind == "labels":
            from ...reports.label import labels_pdf

            docs = [(f"labels-{number}", lambda company, _paper: labels_pdf(shipments, company))]
        else:
            from ...reports.packing_list import packing_list_pdf

            docs = [
                (
                    f"packing-list-{number}",
                    lambda company, paper: packing_list_pdf(shipments, company, paper),
                )
            ]
        where = deliver_documents(self.db, docs)
        self.post_message(
            Said(
                _("{document} of {number} {where}.").format(
                    document=_(kind).capitalize(), number=number, where=where
                )
            )
        )

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
