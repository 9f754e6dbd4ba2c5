"""Dispatch: the ready list's rows (the orders under a header row per warehouse and
carrier) and how they are written, and the lines of the ship dialog. Pure text, no widgets."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from textual.content import Content

from ...i18n import N_, _, ngettext, pgettext
from ...services.platform.money import format_money
from ...services.shipping import dispatch
from ...services.states.order_states import OrderStatus
from ...widgets.order_list import Piece, fit, fit_whole
from ..formats import said
from ..list_screen import head_line

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


def status_word(status: str) -> str:
    """An order's status as a word in a sentence: ``ready to ship`` (``待发货``)."""
    return said(OrderStatus(status).label).lower()


def state_label(r: dispatch.ReadyOrder) -> str:
    if r.status == OrderStatus.PARTIALLY_SHIPPED:
        return _("p.ship")
    return _("part") if r.backordered else ""


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
    return head_line((N_("Order"), 14), (N_("Customer"), customer), (N_("Region"), 8),
                     (N_("Units"), 5, True), ("", 6), (N_("Shipment"), 14),
                     (N_("Prio"), 4, True))  # fmt: skip


def group_size(g: GroupRow) -> str:
    return _("{orders}, {units}").format(
        orders=ngettext("{n} order", "{n} orders", len(g.keys)).format(n=len(g.keys)),
        units=ngettext("{n} unit", "{n} units", g.units).format(n=g.units),
    )


def carrier_label(code: str) -> str:
    return code or _("carrier: cheapest in time")


# -- the ship dialog ---------------------------------------------------------------------------


def option_text(o: dispatch.CarrierOption, proposed: bool, current: bool) -> Content:
    marks = ", ".join(m for m, on_ in ((_("proposed"), proposed), (_("current"), current))
                      if on_)  # fmt: skip
    return Content.assemble(
        (fit(o.code, 7), "bold"),
        f" {fit(format_money(o.freight_minor, o.currency), 9, True)}  "
        + _("{days} d").format(days=o.transit_days)
        + f" → {o.expected_date:%m-%d}",
        ("" if o.meets_date else "  " + _("too late"), "$text-warning"),
        (f"  {marks}" if marks else "", "$text-accent"),
    )


def line_text(ln: dispatch.ShipmentLineView) -> str:
    back = str(ln.backordered) if ln.backordered else ""
    code, description = fit_whole(ln.product_code, 12, ln.description, 20)
    return (f"{ln.line_no:>2} {code} {description} "
            f"{ln.ordered:>5} {ln.shipped_before:>5} {back:>5} {ln.qty:>6}")  # fmt: skip


def lines_head() -> str:
    """The heads of the ship dialog's lines (the quantity to ship is typed under Ship)."""
    ordered, back = pgettext("quantity", "Order"), pgettext("quantity", "Back")
    return (head_line((N_("Ln"), 2, True), (N_("Product"), 12), (N_("Description"), 20),
                      (ordered, 5, True), (N_("Sent"), 5, True), (back, 5, True),
                      (N_("Picked"), 6, True))[1:]
            + "  " + pgettext("quantity", "Ship"))  # fmt: skip
