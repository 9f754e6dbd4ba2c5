"""Stock: how the stock screens write a product's card (per warehouse), its ledger, and the
rows of the lists pushed over the stock check (low stock, reorder). Pure text, no widgets."""

from __future__ import annotations

from rich.cells import cell_len
from textual.content import Content

from ...i18n import N_, _, pgettext, shown
from ...services.inventory import stock
from ...widgets.order_list import Piece, fit, fit_name, fit_whole
from ..formats import local_time, signed
from ..list_screen import head_line

KIND_LABEL = {
    stock.RECEIPT: N_("receipt"), stock.ISSUE: N_("issue"), stock.TRANSFER_IN: N_("transfer in"),
    stock.TRANSFER_OUT: N_("transfer out"), stock.ADJUSTMENT: N_("adjustment"),
    stock.PRODUCTION_IN: N_("made"), stock.PRODUCTION_USE: N_("used in prod"),
    stock.RETURN_IN: N_("return"),
}  # fmt: skip


# -- the ledger and the card ------------------------------------------------------------------

# Date, warehouse, move, qty, reference (document numbers are 14 wide), user; then why.
_LEDGER_FIXED = 14 + 1 + 4 + 1 + 14 + 1 + 7 + 1 + 14 + 1 + 10


def move_label(m: stock.MoveView) -> str:
    """What the ledger calls a move: its kind, and for production use which way it went
    (materials issued to a production order, or back from a cancelled one)."""
    if m.kind == stock.PRODUCTION_USE and m.qty > 0:
        return _("back from prod")
    return _(KIND_LABEL[m.kind]) if m.kind in KIND_LABEL else m.kind


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
        pieces.append((" " + fit(shown(m.reason), reason), "dim"))
    return pieces


def ledger_head(width: int) -> str:
    text = head_line((N_("Date"), 14), (N_("Whse"), 4), (N_("Move"), 14), (N_("Qty"), 7, True),
                     (N_("Reference"), 14), (N_("User"), 10))  # fmt: skip
    return text + (" " + _("Why") if width - _LEDGER_FIXED - 1 > 0 else "")


_NUMBERS = ((8, N_("On hand")), (8, N_("Reserved")), (9, N_("Available")), (8, N_("Incoming")),
            (7, N_("Reorder")))  # fmt: skip


def _mark_width() -> int:
    """The low / out mark at a row's end (3 cells in English, a Chinese word takes 4)."""
    return max(3, cell_len(_("low")), cell_len(_("out")))


def _name_width(width: int) -> int:
    return max(6, width - 2 - 5 - sum(w + 1 for w, _head in _NUMBERS) - 1 - _mark_width())


def card_table(card: stock.StockCard, width: int) -> Content:
    """Column heads, one line per warehouse (low stock marked), the totals."""
    name_w = _name_width(width)
    lines = [Content.styled(
        head_line((N_("Whse"), 4), ("", name_w))
        + "".join(" " + fit(_(head), w, True) for w, head in _NUMBERS), "bold"
    )]  # fmt: skip
    for w in card.warehouses:
        mark, style = "", ""
        if w.available <= 0:
            mark, style = _("out"), "bold $text-error"
        elif w.low:
            mark, style = _("low"), "bold $text-warning"
        numbers = (w.on_hand, w.reserved, w.available, w.incoming, w.reorder_point)
        text = (f" {fit(w.code, 4)} {fit(w.name, name_w)}"
                + "".join(f" {fit(str(n), cw, True)}" for n, (cw, _) in zip(numbers, _NUMBERS,
                                                                               strict=True))
                + " " + fit(mark, _mark_width()))  # fmt: skip
        lines.append(Content.styled(text, style) if style else Content(text))
    totals = (card.on_hand, card.reserved, card.available, card.incoming)
    back = _("{n} backordered").format(n=card.backordered) if card.backordered else ""
    lines.append(Content.assemble(
        (head_line((N_("All"), 4)) + " " + fit(back, name_w),
         "bold $text-error" if back else "bold"),
        ("".join(f" {fit(str(n), cw, True)}" for n, (cw, _) in zip(totals, _NUMBERS[:4],
                                                                    strict=True)), "bold"),
    ))  # fmt: skip
    return Content("\n").join(lines)


def card_title(card: stock.StockCard, width: int) -> Content:
    """Code, name, description, unit, lead time, barcode on a line of ``width`` cells: the
    code and the barcode (what a clerk reads or scans) whole, the name and the description
    give way (the line was cut at its end: the barcode read ``6901…``)."""
    lead = (
        _("made to order")
        if card.made_to_order
        else _("lead {days} d").format(days=card.lead_time_days)
    )
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
    return (
        head_line((N_("Product"), 15), (N_("Name"), name), (N_("Whse"), 4))
        + " "
        + " ".join(
            fit(_(h), 8, True)
            for h in (N_("On hand"), N_("Reserved"), pgettext("stock", "Avail"), N_("Reorder"))
        )
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
    heads = (pgettext("stock", "Avail"), N_("In"), N_("/day"), N_("Lead"), N_("ROP"), N_("New"),
             N_("Buy"))  # fmt: skip
    return (head_line((N_("Product"), 12), (N_("Name"), name), (N_("Whse"), 4)) + " "
            + " ".join(fit(_(h), 6, True) for h in heads))  # fmt: skip
