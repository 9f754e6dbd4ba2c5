"""Dispatch: the ready list's rows (the orders under a header row per warehouse and
carrier) and how they are written, and the lines of the ship dialog. Pure text, no widgets."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from textual.content import Content

from ...services.platform.money import format_money
from ...services.shipping import dispatch
from ...services.states.order_states import OrderStatus
from ...widgets.order_list import Piece, fit, fit_whole
from ..formats import plural

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


# -- the ship dialog ---------------------------------------------------------------------------


def option_text(o: dispatch.CarrierOption, proposed: bool, current: bool) -> Content:
    marks = ", ".join(m for m, on_ in (("proposed", proposed), ("current", current)) if on_)
    return Content.assemble(
        (fit(o.code, 7), "bold"),
        f" {fit(format_money(o.freight_minor, o.currency), 9, True)}  {o.transit_days} d"
        f" → {o.expected_date:%m-%d}",
        ("" if o.meets_date else "  too late", "$text-warning"),
        (f"  {marks}" if marks else "", "$text-accent"),
    )


def line_text(ln: dispatch.ShipmentLineView) -> str:
    back = str(ln.backordered) if ln.backordered else ""
    code, description = fit_whole(ln.product_code, 12, ln.description, 20)
    return (f"{ln.line_no:>2} {code} {description} "
            f"{ln.ordered:>5} {ln.shipped_before:>5} {back:>5} {ln.qty:>6}")  # fmt: skip


LINES_HEAD = f"{'Ln':>2} {fit('Product', 12)} {fit('Description', 20)} " \
             f"{'Order':>5} {'Sent':>5} {'Back':>5} {'Picked':>6}  Ship"  # fmt: skip
