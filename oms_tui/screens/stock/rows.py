"""Stock: how the stock screens write a product's card (per warehouse), its ledger, and the
rows of the lists pushed over the stock check (low stock, reorder). Pure text, no widgets."""

from __future__ import annotations

from rich.cells import cell_len
from textual.content import Content

from ...services.inventory import stock
from ...widgets.order_list import Piece, fit, fit_name, fit_whole
from ..formats import local_time, signed

KIND_LABEL = {
    stock.RECEIPT: "receipt", stock.ISSUE: "issue", stock.TRANSFER_IN: "transfer in",
    stock.TRANSFER_OUT: "transfer out", stock.ADJUSTMENT: "adjustment",
    stock.PRODUCTION_IN: "made", stock.PRODUCTION_USE: "used in prod", stock.RETURN_IN: "return",
}  # fmt: skip


# -- the ledger and the card ------------------------------------------------------------------

# Date, warehouse, move, qty, reference (document numbers are 14 wide), user; then why.
_LEDGER_FIXED = 14 + 1 + 4 + 1 + 14 + 1 + 7 + 1 + 14 + 1 + 10


def move_label(m: stock.MoveView) -> str:
    """What the ledger calls a move: its kind, and for production use which way it went
    (materials issued to a production order, or back from a cancelled one)."""
    if m.kind == stock.PRODUCTION_USE and m.qty > 0:
        return "back from prod"
    return KIND_LABEL.get(m.kind, m.kind)


def ledger_row(m: stock.MoveView, width: int) -> list[Piece]:
    reason = max(0, width - _LEDGER_FIXED - 1)
    pieces: list[Piece] = [
        (local_time(m.at, "%y-%m-%d %H:%M"), "dim"),
        (" " + fit(m.warehouse_code, 4), ""),
        (" " + fit(move_label(m), 14), ""),
        (" " + fit(signed(m.qty), 7, True), "pass" if m.qty > 0 else "warn"),
        (" " + fit(m.reference, 14), ""),
        (" " + fit(m.actor, 10), "dim"),
    ]
    if reason:
        pieces.append((" " + fit(m.reason, reason), "dim"))
    return pieces


def ledger_head(width: int) -> str:
    text = (f" {fit('Date', 14)} {fit('Whse', 4)} {fit('Move', 14)} {fit('Qty', 7, True)} "
            f"{fit('Reference', 14)} {fit('User', 10)}")  # fmt: skip
    return text + (" Why" if width - _LEDGER_FIXED - 1 > 0 else "")


_NUMBERS = ((8, "On hand"), (8, "Reserved"), (9, "Available"), (8, "Incoming"), (7, "Reorder"))


def _name_width(width: int) -> int:
    return max(6, width - 2 - 5 - sum(w + 1 for w, _ in _NUMBERS) - 4)


def card_table(card: stock.StockCard, width: int) -> Content:
    """Column heads, one line per warehouse (low stock marked), the totals."""
    name_w = _name_width(width)
    lines = [Content.styled(
        f" {fit('Whse', 4)} {fit('', name_w)}"
        + "".join(f" {fit(head, w, True)}" for w, head in _NUMBERS), "bold"
    )]  # fmt: skip
    for w in card.warehouses:
        mark, style = "", ""
        if w.available <= 0:
            mark, style = "out", "bold $text-error"
        elif w.low:
            mark, style = "low", "bold $text-warning"
        numbers = (w.on_hand, w.reserved, w.available, w.incoming, w.reorder_point)
        text = (f" {fit(w.code, 4)} {fit(w.name, name_w)}"
                + "".join(f" {fit(str(n), cw, True)}" for n, (cw, _) in zip(numbers, _NUMBERS,
                                                                               strict=True))
                + f" {mark:<3}")  # fmt: skip
        lines.append(Content.styled(text, style) if style else Content(text))
    totals = (card.on_hand, card.reserved, card.available, card.incoming)
    back = f"{card.backordered} backordered" if card.backordered else ""
    lines.append(Content.assemble(
        (f" {fit('All', 4)} {fit(back, name_w)}", "bold $text-error" if back else "bold"),
        ("".join(f" {fit(str(n), cw, True)}" for n, (cw, _) in zip(totals, _NUMBERS[:4],
                                                                    strict=True)), "bold"),
    ))  # fmt: skip
    return Content("\n").join(lines)


def card_title(card: stock.StockCard, width: int) -> Content:
    """Code, name, description, unit, lead time, barcode on a line of ``width`` cells: the
    code and the barcode (what a clerk reads or scans) whole, the name and the description
    give way (the line was cut at its end: the barcode read ``6901…``)."""
    lead = "made to order" if card.made_to_order else f"lead {card.lead_time_days} d"
    tail = " · ".join(e for e in (card.unit, lead, card.barcode) if e)
    name = fit_name(card.name, width, card.code, "    ", tail)
    room = width - cell_len(f"{card.code}  {name}  {tail}") - cell_len(" · ")
    about = f"{fit_name(card.description, room)} · " if card.description and room > 4 else ""
    return Content.assemble((card.code, "bold $text-accent"), f"  {name}  ",
                            (about + tail, "dim"))  # fmt: skip


# -- the rows of the lists pushed over the stock check ----------------------------------------


def low_row(r: stock.LowStockRow, width: int) -> list[Piece]:
    code, name = fit_whole(r.code, 15, r.name, max(6, width - 16 - 5 - 4 * 9))
    return [
        (code, ""),
        (" " + name, ""),
        (" " + fit(r.warehouse_code, 4), ""),
        (" " + fit(str(r.on_hand), 8, True), ""),
        (" " + fit(str(r.reserved), 8, True), "dim"),
        (" " + fit(str(r.available), 8, True), "fail" if r.available <= 0 else "warn"),
        (" " + fit(str(r.reorder_point), 8, True), ""),
    ]


def low_head(width: int) -> str:
    name = max(6, width - 16 - 5 - 4 * 9)
    return f" {fit('Product', 15)} {fit('Name', name)} {fit('Whse', 4)} " + " ".join(
        fit(h, 8, True) for h in ("On hand", "Reserved", "Avail", "Reorder")
    )


def reorder_row(r: stock.ReorderRow, width: int) -> list[Piece]:
    code, name = fit_whole(r.code, 12, r.name, max(6, width - 13 - 5 - 7 * 7))
    return [
        (code, ""),
        (" " + name, ""),
        (" " + fit(r.warehouse_code, 4), ""),
        (" " + fit(str(r.available), 6, True), "warn" if r.available <= r.reorder_point else ""),
        (" " + fit(str(r.incoming), 6, True), "dim"),
        (" " + fit(r.daily_demand, 6, True), "dim"),
        (" " + fit(str(r.lead_time_days), 6, True), "dim"),
        (" " + fit(str(r.current_reorder_point), 6, True), "dim"),
        (" " + fit(str(r.reorder_point), 6, True), ""),
        (" " + fit(str(r.suggested_qty), 6, True), "alert"),
    ]


def reorder_head(width: int) -> str:
    name = max(6, width - 13 - 5 - 7 * 7)
    return (f" {fit('Product', 12)} {fit('Name', name)} {fit('Whse', 4)} "
            + " ".join(fit(h, 6, True) for h in ("Avail", "In", "/day", "Lead", "ROP",
                                                 "New", "Order")))  # fmt: skip
