"""How the receivables screens write what they show: amounts, the aging grid (its columns
fitted to the width), a customer's invoices and credit line, today's follow-ups, and the
sentences a payment or an application of credit ends with. Pure text, no widgets."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from rich.cells import cell_len
from textual.content import Content

from ...i18n import N_, _, pgettext, shown
from ...services.finance import aging, follow_ups, receivables
from ...services.platform.money import exponent, format_money, from_minor
from ...services.sales.customer_history import CustomerCard
from ...widgets.order_list import Piece, fit
from ..formats import said
from ..list_screen import head_line

NAME_MIN = 12

# follow-up kinds as stored, said in the current language (``_(kind)``; the payment methods:
# ``dialogs.method_word``)
KIND_WORDS = (N_("call"), N_("promise"), N_("letter"), N_("note"))


def amount(minor: int, currency: str) -> str:
    """``123456`` -> ``1,234.56`` (no symbol: the columns say the currency once)."""
    return f"{from_minor(minor, currency):,.{exponent(currency)}f}"


def applied_text(applied: Sequence[receivables.Applied | receivables.CreditApplied],
                 currency: str) -> str:  # fmt: skip
    """``INV-1 100.00 (paid), INV-2 50.00 (20.00 left)``: what went to each invoice."""
    return ", ".join(
        f"{a.invoice_number} {format_money(a.amount_minor, currency)}"
        + (_(" ({amount} left)").format(amount=format_money(a.left_minor, currency))
           if a.left_minor else _(" (paid)"))
        for a in applied
    )  # fmt: skip


def payment_text(name: str, r: receivables.PaymentResult) -> str:
    applied = applied_text(r.applied, r.currency)
    text = _("{number}: {amount} from {name}").format(
        number=r.number, amount=format_money(r.amount_minor, r.currency), name=name
    )
    text += (
        _(" applied to {invoices}").format(invoices=applied)
        if applied
        else _(", nothing open to apply it to")
    )
    if r.unapplied_minor:
        text += _("; {amount} kept on account").format(
            amount=format_money(r.unapplied_minor, r.currency)
        )
    return _("{text}.").format(text=text)


def credit_text(name: str, r: receivables.CreditResult) -> str:
    """What applying a customer's credit on account did (the CLI's words)."""
    left = format_money(r.on_account_minor, r.currency)
    if not r.applied:
        if r.on_account_minor > 0:
            return _("{name} has {amount} on account and no open invoice it can pay.").format(
                name=name, amount=left
            )
        return _("{name} has no credit on account.").format(name=name)
    applied = applied_text(r.applied, r.currency)
    return _("{amount} of credit on account applied for {name}: {invoices}; {left} left on "
             "account.").format(amount=format_money(r.applied_minor, r.currency), name=name,
                                invoices=applied, left=left)  # fmt: skip


def follow_up_text(f: follow_ups.FollowUpView) -> str:
    """One line of the log: what, said, promised, next."""
    parts = [_(f.kind), shown(f.note)] if f.note else [_(f.kind)]  # dunning's note: read back
    if f.promise_on:
        day = f"{f.promise_on:%m-%d}"
        parts.append(
            _("promised {amount} by {day}").format(
                amount=format_money(f.promise_minor, f.currency), day=day
            )
            if f.promise_minor
            else _("promised by {day}").format(day=day)
        )
    if f.next_action_on and not f.done:
        parts.append(_("next {day}").format(day=f"{f.next_action_on:%m-%d}"))
    return " · ".join(parts)


# -- the aging grid ------------------------------------------------------------------------------


ON_ACCOUNT = N_("on account")


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
        return bucket_label(report.labels[group[0]])
    first = group[0]
    return _("overdue") if first == 1 else _("over {days}").format(days=report.limits[first - 2])


def bucket_label(label: str) -> str:
    """A bucket as the service names it (``not due``, ``1-30``, ``over 120``), said in the
    current language."""
    if label.startswith("over "):
        return _("over {days}").format(days=label.removeprefix("over "))
    return _("not due") if label == "not due" else label  # i18n: no (the service's name)


def grid(report: aging.AgingReport, width: int) -> Grid:
    """Widest columns first come from the amounts; the oldest buckets merge until it fits
    ``width`` cells with a customer column of at least ``NAME_MIN``."""
    groups = [(i,) for i in range(len(report.labels))]
    cur = report.currency
    credit = any(r.on_account_minor for r in report.rows)
    extra = [_(ON_ACCOUNT)] if credit else []
    while True:
        labels = [group_label(report, g) for g in groups] + extra + [_("Total")]
        widths = []
        for n, label in enumerate(labels):
            if n < len(groups):
                cells = [sum(r.amounts[i] for i in groups[n]) for r in report.rows]
                cells.append(sum(report.totals[i] for i in groups[n]))
            elif credit and n == len(groups):
                cells = [r.on_account_minor for r in report.rows] + [report.on_account_minor]
            else:
                cells = [r.total_minor for r in report.rows] + [report.total_minor]
            widths.append(max([cell_len(label)] + [len(amount(c, cur)) for c in cells]))
        name_w = width - sum(w + 1 for w in widths)
        if name_w >= NAME_MIN or len(groups) <= 2:
            return Grid(max(6, name_w), tuple(groups), tuple(labels), tuple(widths), credit)
        groups[-2:] = [groups[-2] + groups[-1]]


def grid_head(g: Grid) -> str:
    return head_line((N_("Customer"), g.name_w)) + "".join(
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
    return head_line((N_("Invoice"), 16), (N_("Order"), 14), (N_("Due"), 10),
                     (N_("Amount"), 12, True), (pgettext("amount", "Open"), 12, True),
                     (N_("Over"), 5, True))  # fmt: skip


def credit_line(card: CustomerCard) -> Content:
    status = credit_status(card)
    style = "bold $text-error" if card.credit_hold else (
        "bold $text-warning" if card.credit_status != "ok" else "bold $text-success")  # fmt: skip
    cur = card.currency
    limit = format_money(card.credit_limit_minor, cur) if card.credit_limit_minor else _("none")
    return Content.assemble(
        (_("Credit: "), "dim"), (status, style),
        _(" · open {amount}").format(amount=format_money(card.open_balance_minor, cur)),
        (_(" · overdue {amount}").format(amount=format_money(card.overdue_minor, cur)),
         "$text-warning") if card.overdue_minor else "",
        _(" · limit {amount}").format(amount=limit),
    )  # fmt: skip


def credit_status(card: CustomerCard) -> str:
    """``CustomerCard.credit_status`` in the current language (``formats.said``)."""
    return said(card.credit_status)


# -- today's follow-ups -------------------------------------------------------------------------


def today_row(f: follow_ups.FollowUpView, width: int) -> list[Piece]:
    name = max(8, min(20, width - 6 - 8 - 14 - 12))
    what = max(4, width - 6 - (name + 1) - 8 - 14)
    due = f.next_action_on.strftime("%m-%d") if f.next_action_on else ""
    return [
        (fit(due, 5), "dim"),
        (" " + fit(f.customer_name, name), ""),
        (" " + fit(_(f.kind), 7), "alert" if f.kind == "promise" else ""),
        (" " + fit(follow_up_text(f).removeprefix(_(f.kind)).lstrip(" ·"), what), "dim"),
        (" " + fit(amount(f.open_minor, f.currency), 13, True), ""),
    ]


def today_head(width: int) -> str:
    name = max(8, min(20, width - 6 - 8 - 14 - 12))
    what = max(4, width - 6 - (name + 1) - 8 - 14)
    return head_line((N_("Due"), 5), (N_("Customer"), name), (N_("Kind"), 7),
                     (N_("What"), what), (pgettext("amount", "Open"), 13, True))  # fmt: skip
