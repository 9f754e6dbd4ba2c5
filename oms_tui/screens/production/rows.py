"""Production: the board's rows (the orders under a header row per stage) and how they are
written, an order's materials, and the capacity per route per day. Pure text, no widgets."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import date

from rich.cells import cell_len
from textual.content import Content

from ...i18n import N_, _, pgettext
from ...services.production.board import BoardRow, CapacityDay
from ...services.production.materials import MaterialHeld
from ...widgets.order_list import Piece, fit, fit_whole
from ..list_screen import head_line

WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))


def short_date(d: date | None) -> str:
    return f"{d:%m-%d}" if d else "—"


def weekday_date(d: date) -> str:
    """``Mon 03-02`` (``周一 03-02``): the day's short name in the current language."""
    return f"{_(WEEKDAYS[d.weekday()])} {d:%m-%d}"


# -- the board ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class StageGroup:
    """A header row: the orders at one stage (of one route's stage names)."""

    stage_no: int
    stage_name: str
    count: int
    late: int
    units: int
    short: int = 0  # orders waiting to start that are short of materials


Row = StageGroup | BoardRow


def row_key(row: Row) -> Hashable:
    if isinstance(row, StageGroup):
        return ("stage", row.stage_no, row.stage_name)
    return row.id


def by_stage(rows: Sequence[BoardRow]) -> list[Row]:
    """The board's rows under a header per stage, the furthest stage first (not started
    last); within a stage the service's order (priority, then due date)."""
    groups: dict[tuple[int, str], list[BoardRow]] = {}
    for r in rows:
        groups.setdefault((r.stage_no, r.stage_name), []).append(r)
    out: list[Row] = []
    for (no, name), members in sorted(groups.items(), key=lambda kv: (-kv[0][0], kv[0][1])):
        out.append(StageGroup(no, name, len(members), sum(1 for m in members if m.late),
                              sum(m.qty for m in members),
                              sum(1 for m in members if m.short)))  # fmt: skip
        out.extend(members)
    return out


def bar(progress: float, width: int) -> str:
    filled = max(0, min(width, round(progress * width)))
    return "▰" * filled + "▱" * (width - filled)


def stage_of(r: BoardRow) -> str:
    return f"{r.stage_no}/{r.stages}" if r.stages else "—"


def _narrow() -> tuple[int, int]:
    """(qty, stage) widths: 3 cells, or what their heads take in the current language."""
    return max(3, cell_len(_("Qty"))), max(3, cell_len(_("Stg")))


CUSTOMER_MIN = 7  # cells: a name's first three Chinese characters (or six letters) and "…"


@dataclass(frozen=True)
class BoardColumns:
    """How a board ``width`` cells wide is shared: the product column as wide as the
    longest code on the board (a code is never cut), the customer what is left, at least
    ``CUSTOMER_MIN``. When a long code leaves the customer less, the progress bar goes
    first (the stage column says ``2/4`` anyway), then the sales order's number (the
    details line under the board names it); the bar comes back when that frees enough."""

    product: int
    bar: int  # 0: no bar; the stage column also holds "short"
    order: bool  # the sales order's number shown
    customer: int
    note: int  # the requirements (wide boards only)
    qty: int
    stage: int


def board_columns(width: int, code_width: int = 0) -> BoardColumns:
    wide = width >= 100
    product = max(12 if wide else 9, code_width)
    qty_w, stage_w = _narrow()
    options = ((8 if wide else 4, True), (0, True), (8 if wide else 4, False), (0, False))
    for bar_w, order in options:
        stage = stage_w if bar_w else max(stage_w, cell_len(_("short")))
        # number, sales order, customer, product, qty, bar, stage, due, expected (one space
        # before each but the first)
        fixed = (14 + (15 if order else 0) + 1 + 1 + product + 1 + qty_w
                 + (1 + bar_w if bar_w else 0) + 1 + stage + 1 + 5 + 1 + 6)  # fmt: skip
        rest = width - fixed
        if rest >= CUSTOMER_MIN:
            break
    rest = max(0, rest)
    customer, note = rest, 0
    if wide and rest - min(rest, 22) - 1 >= 8:
        customer = min(rest, 22)
        note = rest - customer - 1
    return BoardColumns(product, bar_w, order, customer, note, qty_w, stage)


def board_row(r: BoardRow, width: int, code_width: int = 0) -> list[Piece]:
    c = board_columns(width, code_width)
    code, customer_text = fit_whole(r.product_code, c.product, r.customer_name, c.customer)
    pieces: list[Piece] = [(fit(r.number, 14), "alert" if r.priority > 0 else "")]
    if c.order:
        pieces.append((" " + fit(r.order_number, 14), ""))
    pieces += [
        (" " + customer_text, ""),
        (" " + code, ""),
        (" " + fit(str(r.qty), c.qty, True), ""),
    ]  # fmt: skip
    if r.short:  # not started, so no progress to show: the bar and stage say why it waits
        pieces.append((" " + fit(_("short"), (c.bar + 1 if c.bar else 0) + c.stage), "fail"))
    else:
        if c.bar:
            pieces.append((" " + bar(r.progress, c.bar),
                           "pass" if r.status == "in_progress" else "dim"))  # fmt: skip
        pieces.append((" " + fit(stage_of(r), c.stage, True), ""))
    pieces += [
        (" " + fit(short_date(r.due_date), 5), "dim"),
        (" " + fit(short_date(r.expected_date) + ("!" if r.late else ""), 6),
         "fail" if r.late else ""),
    ]  # fmt: skip
    if c.note:
        pieces.append((" " + fit(r.requirements_note, c.note), "dim"))
    return pieces


def board_head(width: int, code_width: int = 0) -> str:
    c = board_columns(width, code_width)
    columns: list[tuple[str, int] | tuple[str, int, bool]] = [(N_("Number"), 14)]
    if c.order:
        columns.append((N_("Order"), 14))
    columns += [(N_("Customer"), c.customer), (N_("Product"), c.product),
                (N_("Qty"), c.qty, True)]  # fmt: skip
    if c.bar:
        columns.append((pgettext("progress", "Done"), c.bar))
    columns += [(N_("Stg"), c.stage, True), (N_("Due"), 5), (N_("Expect"), 6)]
    text = head_line(*columns)
    return text + (head_line((N_("Requirements"), c.note)) if c.note else "")


# -- an order's materials -----------------------------------------------------------------------


def materials_text(materials: Sequence[MaterialHeld]) -> Content:
    """An order not short of anything: its bill as reserved for it (what is not reserved
    yet is free in the factory warehouse, and the start takes it from there)."""
    if not materials:
        return Content.styled(_("No bill of materials: F6 starts it."), "dim")
    whole = all(m.reserved >= m.needed for m in materials)
    held = ", ".join(f"{m.material_code} {m.needed}" if m.reserved >= m.needed else
                     _("{code} {reserved} of {needed} (rest free in stock)").format(
                         code=m.material_code, reserved=m.reserved, needed=m.needed)
                     for m in materials)  # fmt: skip
    return Content.assemble(
        (_("Materials reserved: ") if whole else _("Materials in stock: "), "$text-success"),
        held, (_("; F6 starts it (issues them)."), "dim"),
    )  # fmt: skip


# -- capacity ------------------------------------------------------------------------------------


def capacity_text(days: Sequence[CapacityDay], width: int) -> Content:
    """Per route: its capacity and how long its open work keeps it busy, then a line per
    day: the units the plan starts that day as a bar against the capacity."""
    if not days:
        return Content.styled(_("No production routes are set up."), "dim")
    bar_w = max(10, min(28, width - 36))
    lines: list[Content] = []
    routes: dict[str, list[CapacityDay]] = {}
    for d in days:
        routes.setdefault(d.route, []).append(d)
    for route, rows in routes.items():
        cap = rows[0].capacity
        busy = [d for d in rows if d.planned_units]
        total = sum(d.planned_units for d in rows) + rows[-1].backlog
        if lines:
            lines.append(Content(""))
        if not busy:
            state = ("  " + _("free: nothing waiting"), "$text-success")
        elif rows[-1].backlog:
            state = (
                "  "
                + _("{n} units: booked past {day}").format(n=total, day=f"{rows[-1].day:%m-%d}"),
                "bold $text-error",
            )
        else:
            state = (
                "  "
                + _("{n} units: booked until {day}").format(
                    n=total, day=weekday_date(busy[-1].day)
                ),
                "$text-warning",
            )
        lines.append(Content.assemble(
            (route, "bold $text-accent"), ("  " + _("capacity {n} a day").format(n=cap), "dim"),
            state,
        ))  # fmt: skip
        for d in rows:
            filled = round(d.planned_units / max(cap, 1) * bar_w)
            lines.append(Content.assemble(
                (f" {weekday_date(d.day)} ", "dim"),
                ("▰" * filled, "$text-success" if filled < bar_w else "$text-warning"),
                ("▱" * max(0, bar_w - filled), "dim"),
                f" {d.planned_units:>4} / {cap:<4}",
            ))  # fmt: skip
    return Content("\n").join(lines)
