"""The audit queue's lines: marks, number, customer, total, score, checks, fitted to the
width (no Textual widget here: a test can check a line as text)."""

from __future__ import annotations

from ..i18n import N_, _, pgettext
from ..services.platform.money import format_money
from ..services.sales import audit_queue
from ..services.states.order_states import OrderStatus
from ..widgets.order_list import Piece, fit
from .formats import priority_reasons

# the levels of ``audit_checks.summarise`` (a service's words: "fail: credit; warn: stock")
LEVEL_WORDS = {"fail": N_("fail"), "warn": N_("warn")}
ALL_PASS = "all pass"  # i18n: no (the service's phrase, translated below)
N_("all pass")


def check_names() -> dict[str, str]:
    """The audit checks by code (``audit_checks``), as a clerk reads them in the language in
    use (the codes are what ``bulk_approve_blocks`` takes)."""
    return {"completeness": pgettext("check", "completeness"),
            "product": pgettext("check", "product"), "price": pgettext("check", "price"),
            "cost": pgettext("check", "cost"), "credit": pgettext("check", "credit"),
            "stock": pgettext("check", "stock"),
            "made_to_order": pgettext("check", "made to order"),
            "duplicate": pgettext("check", "duplicate"),
            "invoicing": pgettext("check", "invoicing")}  # fmt: skip


def check_name(code: str) -> str:
    return check_names().get(code, code)


def checks_text(summary: str) -> str:
    """A queue row's checks (``audit_checks.summarise``) in the current language: the
    levels and the checks' names translated."""
    if summary == ALL_PASS:
        return _(ALL_PASS)
    parts = []
    for part in summary.split("; "):
        level, sep, codes = part.partition(": ")
        names = ", ".join(check_name(c) for c in codes.split(", "))
        parts.append(f"{_(LEVEL_WORDS[level])}: {names}" if sep and level in LEVEL_WORDS
                     else part)  # fmt: skip
    return "; ".join(parts)


def queue_row(row: audit_queue.QueueRow, width: int) -> list[Piece]:
    """One line of the queue: marks, number, customer, total, score, checks (and reasons)."""
    level = row.checks_level or "pass"
    checks = checks_text(row.checks_summary) if row.checks_summary else _("checking…")
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
        pieces.append((" " + fit(priority_reasons(row.priority_reasons), reasons_w), "dim"))
    pieces.append(("  " + fit(checks, checks_w), level if row.checks_level else "dim"))
    return pieces


def queue_head(width: int) -> str:
    customer = 12 if width < 100 else 16
    reasons_w = 0 if width < 100 else max(0, (width - 37 - customer - 1) // 2)
    heads = [fit(_("Order"), 14), fit(_("Customer"), customer), fit(_("Total"), 11, True),
             fit(_("Prio"), 4, True)]  # fmt: skip
    if reasons_w:
        heads.append(fit(_("Why"), reasons_w))
    return "    " + " ".join(heads) + "  " + _("Checks")
