"""The audit queue's lines: marks, number, customer, total, score, checks, fitted to the
width (no Textual widget here: a test can check a line as text)."""

from __future__ import annotations

from ..services.platform.money import format_money
from ..services.sales import audit_queue
from ..services.states.order_states import OrderStatus
from ..widgets.order_list import Piece, fit


def queue_row(row: audit_queue.QueueRow, width: int) -> list[Piece]:
    """One line of the queue: marks, number, customer, total, score, checks (and reasons)."""
    level = row.checks_level or "pass"
    checks = row.checks_summary or "checking…"
    fixed = 3 + 15 + 12 + 5 + 2
    customer = 12 if width < 100 else 16
    reasons_w = 0 if width < 100 else max(0, (width - fixed - customer - 1) // 2)
    checks_w = max(4, width - fixed - customer - 1 - (reasons_w + 1 if reasons_w else 0))
    held = "H" if row.status == OrderStatus.ON_HOLD else " "
    marks = held + ("W" if row.waiting_too_long else " ") + ("D" if row.due_soon else " ")
    pieces: list[Piece] = [
        (marks, "alert"),
        (" " + fit(row.number, 14), ""),
        (" " + fit(row.customer_name, customer), ""),
        (" " + fit(format_money(row.total_minor, row.currency), 11, True), ""),
        (" " + fit(str(row.priority_score), 4, True), "dim"),
    ]
    if reasons_w:
        pieces.append((" " + fit(row.priority_reasons, reasons_w), "dim"))
    pieces.append(("  " + fit(checks, checks_w), level if row.checks_level else "dim"))
    return pieces


def queue_head(width: int) -> str:
    customer = 12 if width < 100 else 16
    reasons_w = 0 if width < 100 else max(0, (width - 37 - customer - 1) // 2)
    text = (f"    {fit('Order', 14)} {fit('Customer', customer)} {fit('Total', 11, True)} "
            f"{fit('Prio', 4, True)}")  # fmt: skip
    if reasons_w:
        text += " " + fit("Why", reasons_w)
    return text + "  Checks"
