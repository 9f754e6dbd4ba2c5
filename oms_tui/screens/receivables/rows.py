"""How the receivables screens write what they show: amounts, the aging grid (its columns
fitted to the width), a customer's invoices and credit line, today's follow-ups, and the
sentences a payment or an application of credit ends with. Pure text, no widgets."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from textual.content import Content

from ...services.finance import aging, follow_ups, receivables
from ...services.platform.money import exponent, format_money, from_minor
from ...services.sales.customer_history import CustomerCard
from ...widgets.order_list import Piece, fit

NAME_MIN = 12


def amount(minor: int, currency: str) -> str:
    """``123456`` -> ``1,234.56`` (no symbol: the columns say the currency once)."""
    return f"{from_minor(minor, currency):,.{exponent(currency)}f}"


def applied_text(applied: Sequence[receivables.Applied | receivables.CreditApplied],
                 currency: str) -> str:  # fmt: skip
    """``INV-1 100.00 (paid), INV-2 50.00 (20.00 left)``: what went to each invoice."""
    return ", ".join(
        f"{a.invoice_number} {format_money(a.amount_minor, currency)}"
        + (f" ({format_money(a.left_minor, currency)} left)" if a.left_minor else " (paid)")
        for a in applied
    )  # fmt: skip


def payment_text(name: str, r: receivables.PaymentResult) -> str:
    applied = applied_text(r.applied, r.currency)
    text = f"{r.number}: {format_money(r.amount_minor, r.currency)} from {name}"
    text += f" applied to {applied}" if applied else ", nothing open to apply it to"
    if r.unapplied_minor:
        text += f"; {format_money(r.unapplied_minor, r.currency)} kept on account"
    return text + "."


def credit_text(name: str, r: receivables.CreditResult) -> str:
    """What applying a customer's credit on account did (the CLI's words)."""
    left = format_money(r.on_account_minor, r.currency)
    if not r.applied:
        if r.on_account_minor > 0:
            return f"{name} has {left} on account and no open invoice it can pay."
        return f"{name} has no credit on account."
    applied = applied_text(r.applied, r.currency)
    return (f"{format_money(r.applied_minor, r.currency)} of credit on account applied for {name}: "
            f"{applied}; {left} left on account.")  # fmt: skip


def follow_up_text(f: follow_ups.FollowUpView) -> str:
    """One line of the log: what, said, promised, next."""
    parts = [f.kind, f.note] if f.note else [f.kind]
    if f.promise_on:
        promised = f" {format_money(f.promise_minor, f.currency)}" if f.promise_minor else ""
        parts.append(f"promised{promised} by {f.promise_on:%m-%d}")
    if f.next_action_on and not f.done:
        parts.append(f"next {f.next_action_on:%m-%d}")
    return " · ".join(parts)


# -- the aging grid ------------------------------------------------------------------------------


ON_ACCOUNT = "on account"


@dataclass(frozen=True)
class Grid:
    """Columns of the aging grid for a width: customer, amount groups, the credit on
    account (when anybody has some), total (net)."""

    name_w: int
    groups: tuple[tuple[int, ...], ...]  # indexes into the report's amounts, per column
    labels: tuple[str, ...]  # per amount column, ["on account"], then "Total"
    widths: tuple[int, ...]  # per amount column, [the credit's], then the total's
    credit: bool = False  # the "on account" column is shown

    def values(self, amounts: Sequence[int], total: int, on_account: int = 0) -> list[int]:
        groups = [sum(amounts[i] for i in g) for g in self.groups]
        return [*groups, on_account, total] if self.credit else [*groups, total]


def group_label(report: aging.AgingReport, group: tuple[int, ...]) -> str:
    if len(group) == 1:
        return report.labels[group[0]]
    first = group[0]
    return "overdue" if first == 1 else f"over {report.limits[first - 2]}"


def grid(report: aging.AgingReport, width: int) -> Grid:
    """Widest columns first come from the amounts; the oldest buckets merge until it fits
    ``width`` cells with a customer column of at least ``NAME_MIN``."""
    groups = [(i,) for i in range(len(report.labels))]
    cur = report.currency
    credit = any(r.on_account_minor for r in report.rows)
    extra = [ON_ACCOUNT] if credit else []
    while True:
        labels = [group_label(report, g) for g in groups] + extra + ["Total"]
        widths = []
        for n, label in enumerate(labels):
            if n < len(groups):
                cells = [sum(r.amounts[i] for i in groups[n]) for r in report.rows]
                cells.append(sum(report.totals[i] for i in groups[n]))
            elif label == ON_ACCOUNT:
                cells = [r.on_account_minor for r in report.rows] + [report.on_account_minor]
            else:
                cells = [r.total_minor for r in report.rows] + [report.total_minor]
            widths.append(max([len(label)] + [len(amount(c, cur)) for c in cells]))
        name_w = width - sum(w + 1 for w in widths)
        if name_w >= NAME_MIN or len(groups) <= 2:
            return Grid(max(6, name_w), tuple(groups), tuple(labels), tuple(widths), credit)
        groups[-2:] = [groups[-2] + groups[-1]]


def grid_head(g: Grid) -> str:
    return f" {fit('Customer', g.name_w)}" + "".join(
        f" {fit(label, w, True)}" for label, w in zip(g.labels, g.widths, strict=True)
    )


def grid_cells(g: Grid, values: Sequence[int], currency: str) -> list[Piece]:
    pieces: list[Piece] = []
    oldest = len(g.groups) - 1
    for n, (v, w) in enumerate(zip(values, g.widths, strict=True)):
        text = " " + fit(amount(v, currency) if v else "—", w, True)
        if not v:
            style = "dim"
        elif n > oldest:  # the credit on account, the total
            style = "pass" if v < 0 else ""
        elif n == 0:
            style = ""
        elif n == oldest and len(g.groups) > 2:
            style = "fail"  # the oldest column
        else:
            style = "warn"
        pieces.append((text, style))
    return pieces


# -- a customer's invoices and credit ----------------------------------------------------------


def invoice_row(i: receivables.InvoiceView, width: int, today: date) -> list[Piece]:
    over = (today - i.due_on).days if i.kind == "invoice" else 0
    return [
        (fit(i.number, 16), "dim" if i.kind != "invoice" else ""),
        (" " + fit(i.order_number, 14), "dim"),
        (" " + i.due_on.isoformat(), "fail" if over > 0 else ""),
        (" " + fit(amount(i.amount_minor, i.currency), 12, True), "dim"),
        (" " + fit(amount(i.open_minor, i.currency), 12, True), "pass" if i.open_minor < 0 else ""),
        (" " + fit(str(over) if over > 0 else "", 5, True), "fail" if over > 30 else "warn"),
    ]


def invoice_head() -> str:
    return (f" {fit('Invoice', 16)} {fit('Order', 14)} {fit('Due', 10)} "
            f"{fit('Amount', 12, True)} {fit('Open', 12, True)} "
            f"{fit('Over', 5, True)}")  # fmt: skip


def credit_line(card: CustomerCard) -> Content:
    status = card.credit_status
    style = "bold $text-error" if card.credit_hold else (
        "bold $text-warning" if status != "ok" else "bold $text-success")  # fmt: skip
    cur = card.currency
    limit = format_money(card.credit_limit_minor, cur) if card.credit_limit_minor else "none"
    return Content.assemble(
        ("Credit: ", "dim"), (status, style),
        f" · open {format_money(card.open_balance_minor, cur)}",
        (f" · overdue {format_money(card.overdue_minor, cur)}", "$text-warning")
        if card.overdue_minor else "",
        f" · limit {limit}",
    )  # fmt: skip


# -- today's follow-ups -------------------------------------------------------------------------


def today_row(f: follow_ups.FollowUpView, width: int) -> list[Piece]:
    name = max(8, min(20, width - 6 - 8 - 14 - 12))
    what = max(4, width - 6 - (name + 1) - 8 - 14)
    due = f.next_action_on.strftime("%m-%d") if f.next_action_on else ""
    return [
        (fit(due, 5), "dim"),
        (" " + fit(f.customer_name, name), ""),
        (" " + fit(f.kind, 7), "alert" if f.kind == "promise" else ""),
        (" " + fit(follow_up_text(f).removeprefix(f.kind).lstrip(" ·"), what), "dim"),
        (" " + fit(amount(f.open_minor, f.currency), 13, True), ""),
    ]


def today_head(width: int) -> str:
    name = max(8, min(20, width - 6 - 8 - 14 - 12))
    what = max(4, width - 6 - (name + 1) - 8 - 14)
    return (f" {fit('Due', 5)} {fit('Customer', name)} {fit('Kind', 7)} {fit('What', what)} "
            f"{fit('Open', 13, True)}")  # fmt: skip
