"""Receivables: who owes what and since when, and acting on it by key.

The aging view (``aging.aging`` as of today by the app's clock, read in a worker) lists
the customers with open receivables, riskiest first: not yet due, each overdue bucket (the
``aging_buckets`` setting; when the amounts do not fit the screen the oldest buckets are
merged into one ``over N`` column, never cut), the credit on account (unapplied credit
notes and over-payments; the column shows when anybody has some) and the net total; the
totals row under the list, and the open, overdue (less credit on account) and days sales
outstanding (``aging.dso``, last 90 days) on the status line. F4 changes the as-of date
(``2026-01-31``, ``-30`` thirty days ago, blank today).

Enter opens the customer: open invoices (number, order, due, amount, open, days over),
credit status (``customer_history.customer_card``) and the follow-up log (``follow_ups.
customer_log``). From either view, for the highlighted (or open) customer: F6 records a
payment (amount ``1234.50``, date, method by one letter, reference; applied oldest first,
or ``h`` to the highlighted invoice, or to invoice numbers typed; what was applied and
what is kept on account are shown), F7 a follow-up (kind by letter, note, promise date and
amount, next action date), ``t`` applies their credit on account (over-payments, what is
left of credit notes) to their open invoices at once, oldest due first (``receivables.
apply_credit_on_account`` as of the app's clock; what was applied and what is left on
account are shown), F10 prints a statement of account, F11 releases a credit hold (a
manager's; the service says who may). F8 lists today's follow-ups (Enter opens the
customer); F9 asks for the date to run dunning as of (today by the app's clock, or an
earlier day: ``-7``, ``2026-01-31``; Enter runs, Esc backs out), shows the steps taken and
prints their letters as one PDF (``printing.deliver_all`` through ``printouts.
deliver_documents``: saved in the documents folder, then printed when a printer is set).
The dates the
services check (a payment's, dunning's) are checked against the app's clock.

Every query, write and PDF runs in a thread worker. A dialog's error shows under its
fields with the field focused and the bell; nothing is saved.

Keys (the README copies these rows; every F-key has a Ctrl twin):

| Key         | Twin        | Where         | Does                                               |
|-------------|-------------|---------------|----------------------------------------------------|
| `Enter`     |             | receivables   | open the customer: invoices, credit, follow-ups    |
|             |             | today's list  | open the customer                                  |
| `F4`        | `Ctrl+L`    | receivables   | aging as of another date (`-30`, `2026-01-31`)     |
| `F5`        | `Ctrl+R`    | receivables   | read again                                         |
| `F6`        | `Ctrl+O`    | receivables   | record a payment: amount, date, method letter,     |
|             |             |               | reference, apply to (blank oldest first, `h` the   |
|             |             |               | highlighted invoice, or invoice numbers)           |
| `F7`        | `Ctrl+N`    | receivables   | record a follow-up: kind (c/p/l/n), note, promise  |
|             |             |               | date and amount, next action date                  |
| `t`         |             | receivables   | apply the customer's credit on account to their    |
|             |             |               | open invoices now, oldest due first                |
| `F8`        | `Ctrl+Y`    | receivables   | today's follow-ups; Enter opens the customer       |
| `F9`        | `Ctrl+B`    | receivables   | run dunning as of a date (asks; default today),    |
|             |             |               | print the letters                                  |
| `F10`       | `Ctrl+G`    | receivables   | print the customer's statement of account          |
| `F11`       | `Ctrl+U`    | receivables   | release the customer's credit hold (reason)        |
| `Space`     |             | customer      | select invoices: F6 then pays them, in that order  |
| `F2`        | `Ctrl+S`    | dialogs       | save (as Enter on the last field)                  |
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Header, Static
from textual.worker import Worker

from ..commands import ScreenCommands
from ..failures import failure_text, logged_text
from ..messages import Said
from ..services.finance import aging, dunning, follow_ups, receivables
from ..services.platform.errors import InvalidInput
from ..services.platform.money import exponent, format_money, from_minor, parse_money
from ..services.sales.customer_history import CustomerCard, customer_card
from ..widgets.footer import KeysFooter
from ..widgets.form_dialog import FormDialog, FormField, Run
from ..widgets.order_list import OrderList, Piece, fit
from . import OmsScreen
from .formats import local_time, parse_day, plural
from .list_screen import key_hint
from .printouts import deliver_documents

DSO_DAYS = 90
NAME_MIN = 12

# payment method by the letter typed: (letter, method)
METHOD_LETTERS = (("b", "bank"), ("c", "cash"), ("w", "wechat"), ("a", "alipay"),
                  ("k", "card"), ("r", "cod_remittance"))  # fmt: skip
# follow-up kind by letter
KIND_LETTERS = (("c", "call"), ("p", "promise"), ("l", "letter"), ("n", "note"))


# the keys the Footer has no room for at 80 columns (Enter opens, as on every list)
AGING_KEYS = key_hint(("F4", "as of"), ("F8", "today"), ("F9", "dunning"),
                      ("F10", "statement"), ("F11", "release"), ("t", "apply credit"))  # fmt: skip
CUSTOMER_KEYS = key_hint(("F6", "payment"), ("F7", "follow-up"), ("F10", "statement"),
                         ("F11", "release hold"), ("F5", "refresh"))  # fmt: skip


def amount(minor: int, currency: str = "CNY") -> str:
    """``123456`` -> ``1,234.56`` (no symbol: the columns say the currency once)."""
    return f"{from_minor(minor, currency):,.{exponent(currency)}f}"


# -- parsing what was typed (raises InvalidInput naming the field) ------------------------------


def parse_amount(text: str, field: str = "amount", currency: str = "CNY") -> int:
    try:
        minor = parse_money(text, currency)
    except InvalidInput as error:
        raise InvalidInput(str(error), field) from None
    if minor <= 0:
        raise InvalidInput("the amount must be above 0, e.g. 1234.50", field)
    return minor


def parse_date(text: str, today: date, field: str, *, past_ok: bool = True) -> date | None:
    """A date typed the short way (``parse_day``); blank: None."""
    if not text.strip():
        return None
    try:
        day = parse_day(text, today)
    except InvalidInput as error:
        raise InvalidInput(str(error), field) from None
    if not past_ok and day < today:
        raise InvalidInput(f"{day} is in the past", field)
    return day


def by_letter(text: str, choices: Sequence[tuple[str, str]], field: str, what: str) -> str:
    t = text.strip().lower().replace(" ", "_")
    for letter, name in choices:
        if t in (letter, name):
            return name
    legend = ", ".join(f"{letter} {name.replace('_', ' ')}" for letter, name in choices)
    raise InvalidInput(f"{what}: one letter, {legend}", field)


def invoice_numbers(text: str, highlighted: str = "") -> list[str] | None:
    """Blank: oldest first (None); ``h``: the highlighted invoice; else the numbers typed."""
    t = text.strip()
    if not t:
        return None
    if t.lower() == "h":
        if not highlighted:
            raise InvalidInput("no invoice is highlighted: leave blank (oldest first) or "
                               "type invoice numbers", "invoices")  # fmt: skip
        return [highlighted]
    return [n for n in t.replace(",", " ").split() if n]


def payment_text(name: str, r: receivables.PaymentResult) -> str:
    applied = ", ".join(
        f"{a.invoice_number} {format_money(a.amount_minor)}"
        + (f" ({format_money(a.left_minor)} left)" if a.left_minor else " (paid)")
        for a in r.applied
    )  # fmt: skip
    text = f"{r.number}: {format_money(r.amount_minor)} from {name}"
    text += f" applied to {applied}" if applied else ", nothing open to apply it to"
    if r.unapplied_minor:
        text += f"; {format_money(r.unapplied_minor)} kept on account"
    return text + "."


def credit_text(name: str, r: receivables.CreditResult) -> str:
    """What applying a customer's credit on account did (the CLI's words)."""
    left = format_money(r.on_account_minor)
    if not r.applied:
        if r.on_account_minor > 0:
            return f"{name} has {left} on account and no open invoice it can pay."
        return f"{name} has no credit on account."
    applied = ", ".join(
        f"{a.invoice_number} {format_money(a.amount_minor)}"
        + (f" ({format_money(a.left_minor)} left)" if a.left_minor else " (paid)")
        for a in r.applied
    )  # fmt: skip
    return (f"{format_money(r.applied_minor)} of credit on account applied for {name}: "
            f"{applied}; {left} left on account.")  # fmt: skip


def follow_up_text(f: follow_ups.FollowUpView) -> str:
    """One line of the log: what, said, promised, next."""
    parts = [f.kind, f.note] if f.note else [f.kind]
    if f.promise_on:
        promised = f" {format_money(f.promise_minor)}" if f.promise_minor else ""
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


# -- a form dialog --------------------------------------------------------------------------------


class RecvForm(FormDialog):
    """Labelled fields: Enter moves on, Enter on the last (or F2) saves through ``run`` in a
    worker; an error goes under the fields with its field focused and the bell (nothing
    is saved). Dismisses with the text saying what was done."""

    CSS_PATH = "receivables.tcss"
    ID_PREFIX, CONTAINER_ID = "recv-", "recv-form"
    DIALOG_CLASS, NOTE_CLASS, ROW_CLASS = "recv-dialog", "recv-note", "recv-form-row"
    LABEL_CLASS, ERROR_CLASS = "recv-label", "recv-error"
    SUBTITLE = "Enter next · F2 saves · Esc backs out"

    def __init__(self, title: str, fields: Sequence[FormField], run: Run,
                 note: str | Content = "",
                 aliases: dict[str, str] | None = None) -> None:  # fmt: skip
        super().__init__(title, fields, run, note, aliases=aliases)


class DunningDialog(ModalScreen[None]):
    """The steps a dunning run took and where their letters went."""

    CSS_PATH = "receivables.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f12,enter", "close", "Close", key_display="Enter/Esc",
                id="recv.dunning.close"),
    ]  # fmt: skip

    def __init__(self, steps: Sequence[dunning.DunningStep], where: str) -> None:
        super().__init__()
        self.steps, self.where = steps, where

    def compose(self) -> ComposeResult:
        with Vertical(classes="recv-dialog", id="recv-dunning") as box:
            box.border_title = f"Dunning: {plural(len(self.steps), 'step')}"
            box.border_subtitle = "Enter or Esc closes"
            with VerticalScroll(id="recv-dunning-steps"):
                for s in self.steps:
                    yield Static(Content.assemble(
                        (fit(s.customer_name, 18), "bold"),
                        f" {fit(s.title, 26)} {s.days_overdue:>4} d ",
                        (fit(format_money(s.overdue_minor), 13, True),
                         "$text-error" if s.level == 4 else ""),
                    ), classes="recv-step")  # fmt: skip
            yield Static(Content.styled(f"Letters {self.where}.", "dim"), id="recv-dunning-where")

    def action_close(self) -> None:
        self.dismiss(None)


class CollectionsDialog(ModalScreen[None]):
    """Money received per month over the last twelve months (``aging.collections``)."""

    CSS_PATH = "receivables.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f12,enter", "close", "Close", key_display="Enter/Esc",
                id="recv.collections.close"),
    ]  # fmt: skip

    def __init__(self, report: aging.Collections) -> None:
        super().__init__()
        self.report = report

    def compose(self) -> ComposeResult:
        r = self.report
        top = max((row.amount_minor for row in r.rows), default=0) or 1
        with Vertical(classes="recv-dialog", id="recv-collections") as box:
            box.border_title = f"Collections {r.start:%Y-%m} to {r.end:%Y-%m}"
            box.border_subtitle = "Enter or Esc closes"
            with VerticalScroll(id="recv-collections-rows"):
                for row in r.rows:
                    bar = "█" * round(24 * row.amount_minor / top)
                    yield Static(Content.assemble(
                        f"{row.period:%Y-%m} ", (fit(format_money(row.amount_minor), 15, True), ""),
                        (f" {row.payments:>5} payments ", "dim"), (bar, "$accent"),
                    ), classes="recv-step")  # fmt: skip
            yield Static(Content.assemble(("Total ", "dim"), format_money(r.amount_minor),
                                          (f" in {r.payments:,} payments", "dim")))  # fmt: skip

    def action_close(self) -> None:
        self.dismiss(None)


# -- the base of the area's screens ---------------------------------------------------------------


class RecvBase(OmsScreen):
    """What the aging view and the customer view share: the message line, the dialogs for
    one customer, the statement."""

    CSS_PATH = "receivables.tcss"
    COMMANDS = {ScreenCommands}
    MESSAGE_ID = ""

    @property
    def today(self) -> date:
        return self.context.clock().date()

    def customer(self) -> tuple[int, str] | None:
        """(id, name) of the customer the keys act on; None says why not."""
        raise NotImplementedError

    def highlighted_invoice(self) -> str:
        return ""

    def chosen_invoices(self) -> str:
        return ""

    def reload(self) -> None:
        raise NotImplementedError

    def reload_after_job(self) -> None:
        self.reload()

    def _form(self, title: str, fields: list[FormField], run: Run, note: str | Content = "",
              aliases: dict[str, str] | None = None) -> None:  # fmt: skip
        def finished(text: str | None) -> None:
            if text:
                self.say(Content.styled(text, "bold $text-success"))
                self.reload()

        self.app.push_screen(RecvForm(title, fields, run, note, aliases), callback=finished)

    def action_payment(self) -> None:
        who = self.customer()
        if who is None:
            return
        cid, name = who
        db, user, today, highlighted = self.db, self.user, self.today, self.highlighted_invoice()

        def run(v: dict[str, str]) -> str:
            minor = parse_amount(v["amount"])
            received = parse_date(v["date"], today, "date") or today
            method = by_letter(v["method"] or "b", METHOD_LETTERS, "method", "Method")
            numbers = invoice_numbers(v["invoices"], highlighted)
            result = receivables.record_payment(db, user, cid, minor, received, method,
                                                v["reference"], numbers, today)  # fmt: skip
            return payment_text(name, result)

        legend = "  ".join(f"{letter} {m.replace('_', ' ')}" for letter, m in METHOD_LETTERS)
        to = f"h {highlighted} · " if highlighted else ""
        self._form(f"Payment from {name}", [
            FormField("amount", "Amount", "", "e.g. 1234.50"),
            FormField("date", "Received", today.isoformat(), "2026-01-31, -1 yesterday"),
            FormField("method", "Method", "b", "one letter (below)"),
            FormField("reference", "Reference", "", "bank ref, cheque no (optional)"),
            FormField("invoices", "Apply to", self.chosen_invoices(),
                      f"blank oldest first · {to}or numbers"),
        ], run, note=Content.styled(f"Method: {legend}", "dim"),
           aliases={"received_on": "date"})  # fmt: skip

    def action_follow_up(self) -> None:
        who = self.customer()
        if who is None:
            return
        cid, name = who
        db, user, today = self.db, self.user, self.today

        def run(v: dict[str, str]) -> str:
            kind = by_letter(v["kind"] or "c", KIND_LETTERS, "kind", "Kind")
            promise_on = parse_date(v["promise_on"], today, "promise_on", past_ok=False)
            promised = parse_amount(v["promise_minor"], "promise_minor") \
                if v["promise_minor"].strip() else 0  # fmt: skip
            next_on = parse_date(v["next_action_on"], today, "next_action_on", past_ok=False)
            f = follow_ups.record_follow_up(db, user, cid, kind, v["note"],
                                            next_action_on=next_on, promise_on=promise_on,
                                            promise_minor=promised, today=today)  # fmt: skip
            nxt = f" · next action {f.next_action_on}" if f.next_action_on else ""
            return f"Follow-up for {name}: {follow_up_text(f)}{nxt}."

        legend = "  ".join(f"{letter} {k}" for letter, k in KIND_LETTERS)
        self._form(f"Follow-up: {name}", [
            FormField("kind", "Kind", "c", "one letter (below)"),
            FormField("note", "Note", "", "what was said or done"),
            FormField("promise_on", "Promised", "", "pay date: +7, fri, 2026-12-01"),
            FormField("promise_minor", "Amount", "", "promised amount (optional)"),
            FormField("next_action_on", "Next", "", "next action date (promise: its date)"),
        ], run, note=Content.styled(f"Kind: {legend}", "dim"))  # fmt: skip

    def action_release_hold(self) -> None:
        who = self.customer()
        if who is None:
            return
        cid, name = who
        db, user = self.db, self.user

        def run(v: dict[str, str]) -> str:
            dunning.release_credit_hold(db, user, cid, v["reason"])
            return f"Credit hold of {name} released: {v['reason'].strip()}."

        self._form(f"Release credit hold: {name}", [
            FormField("reason", "Reason", "", "why (kept on the customer)"),
        ], run, note=Content.styled("Managers only; the reason is recorded.", "dim"))  # fmt: skip

    def action_apply_credit(self) -> None:
        who = self.customer()
        if who is None:
            return
        cid, name = who
        self.say(Content.styled(f"Applying the credit on account of {name}…", "dim"))
        self.apply_credit(cid, name, self.today)

    @work(thread=True, exclusive=True, group="recv-credit", exit_on_error=False,
          description="apply the credit on account")  # fmt: skip
    def apply_credit(self, customer_id: int, name: str, today: date) -> None:
        result = receivables.apply_credit_on_account(self.db, self.user, customer_id, today)
        text = credit_text(name, result)
        if result.applied:
            self.post_message(Said(Content.styled(text, "bold $text-success"), reload=True))
        else:
            self.post_message(Said(text))

    def action_statement(self) -> None:
        who = self.customer()
        if who is None:
            return
        cid, name = who
        self.say(Content.styled(f"Printing the statement of {name}…", "dim"))
        self.print_statement(cid, name, self.today)

    @work(thread=True, exclusive=True, group="recv-print", exit_on_error=False,
          description="print the statement")  # fmt: skip
    def print_statement(self, customer_id: int, name: str, today: date) -> None:
        from ..reports.account_letter import account_pdf

        paper = dunning.statement(self.db, customer_id, today)
        where = deliver_documents(self.db, [(
            f"statement-{paper.customer_code}-{today}",
            lambda company, size: account_pdf([paper], company, size),
        )])  # fmt: skip
        self.post_message(Said(f"Statement of {name} {where}."))


# -- the customer ------------------------------------------------------------------------------

_INV_FIXED = 16 + 1 + 14 + 1 + 10 + 1 + 12 + 1 + 12 + 1 + 5


def invoice_row(i: receivables.InvoiceView, width: int, today: date) -> list[Piece]:
    over = (today - i.due_on).days if i.kind == "invoice" else 0
    return [
        (fit(i.number, 16), "dim" if i.kind != "invoice" else ""),
        (" " + fit(i.order_number, 14), "dim"),
        (" " + i.due_on.isoformat(), "fail" if over > 0 else ""),
        (" " + fit(amount(i.amount_minor), 12, True), "dim"),
        (" " + fit(amount(i.open_minor), 12, True), "pass" if i.open_minor < 0 else ""),
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
    limit = format_money(card.credit_limit_minor) if card.credit_limit_minor else "none"
    return Content.assemble(
        ("Credit: ", "dim"), (status, style),
        f" · open {format_money(card.open_balance_minor)}",
        (f" · overdue {format_money(card.overdue_minor)}", "$text-warning")
        if card.overdue_minor else "",
        f" · limit {limit}",
    )  # fmt: skip


class CustomerScreen(RecvBase):
    """One customer's open invoices, credit status and follow-ups; the same keys act on it."""

    MESSAGE_ID = "recv-cust-message"
    PALETTE_PREFIX = "Customer account"
    PALETTE: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("payment", "Record payment", "Oldest first, or h: the highlighted invoice (F6 / Ctrl+O)"),
        ("follow_up", "Record follow-up", "Call, promise, letter, note (F7 / Ctrl+N)"),
        ("apply_credit", "Apply credit on account", "To the open invoices, oldest due first (t)"),
        ("statement", "Print statement", "Statement of account (F10 / Ctrl+G)"),
        ("release_hold", "Release credit hold", "Managers, with a reason (F11 / Ctrl+U)"),
        ("refresh", "Read again", "Invoices, credit, follow-ups (F5 / Ctrl+R)"),
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f6,ctrl+o", "payment", "Payment", key_display="F6/^O", id="recv.cust.payment",
                tooltip="Record a payment (oldest first, or h: the highlighted invoice)"),
        Binding("f7,ctrl+n", "follow_up", "Follow-up", key_display="F7/^N",
                id="recv.cust.follow_up", tooltip="Record a call, promise, letter or note"),
        Binding("t", "apply_credit", "Apply credit", key_display="t",
                id="recv.cust.apply_credit",
                tooltip="Apply the credit on account to the open invoices, oldest due first"),
        Binding("f10,ctrl+g", "statement", "Statement", key_display="F10/^G", show=False,
                id="recv.cust.statement", tooltip="Print the statement of account"),
        Binding("f11,ctrl+u", "release_hold", "Release", key_display="F11/^U", show=False,
                id="recv.cust.release", tooltip="Release the credit hold (managers; reason)"),
        Binding("f5,ctrl+r", "refresh", "Refresh", key_display="F5/^R", show=False,
                id="recv.cust.refresh", tooltip="Read the invoices and follow-ups again"),
    ]  # fmt: skip

    class Read(Message):
        def __init__(self, card: CustomerCard, invoices: list[receivables.InvoiceView],
                     log: list[follow_ups.FollowUpView]) -> None:  # fmt: skip
            super().__init__()
            self.card, self.invoices, self.log = card, invoices, log

    def __init__(self, customer_id: int, name: str = "") -> None:
        super().__init__()
        self.customer_id, self.customer_name = customer_id, name
        self.card: CustomerCard | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="recv-cust"):
            yield Static(
                Content.styled(self.customer_name or "Reading…", "bold"), id="recv-cust-title"
            )
            yield Static("", id="recv-cust-credit")
            yield Static(invoice_head(), id="recv-inv-head")
            yield OrderList(self.format_invoice, key=lambda i: i.number, id="recv-invoices",
                            empty_text="No open invoices.")  # fmt: skip
            yield Static(Content.styled(" Follow-ups, newest first", "bold"), id="recv-log-head")
            yield Static("", id="recv-log")
            yield Static("", id="recv-cust-message")
            yield Static(CUSTOMER_KEYS, id="recv-cust-keys")
        yield KeysFooter(compact=True)

    @property
    def invoices(self) -> OrderList[receivables.InvoiceView]:
        return self.query_one("#recv-invoices", OrderList)

    def format_invoice(self, row: receivables.InvoiceView, width: int) -> Sequence[Piece]:
        return invoice_row(row, width, self.today)

    def on_mount(self) -> None:
        self.invoices.focus()
        self.reload()

    def customer(self) -> tuple[int, str] | None:
        return self.customer_id, (self.card.name if self.card else self.customer_name)

    def highlighted_invoice(self) -> str:
        row = self.invoices.highlighted
        return row.number if row is not None and row.kind == "invoice" else ""

    def chosen_invoices(self) -> str:
        return " ".join(str(k) for k in self.invoices.selected)

    def action_refresh(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.read(self.customer_id, self.today)

    @work(thread=True, exclusive=True, group="recv-customer", exit_on_error=False,
          description="read the customer")  # fmt: skip
    def read(self, customer_id: int, today: date) -> None:
        card = customer_card(self.db, customer_id, today)
        invoices = receivables.customer_invoices(self.db, customer_id)
        log = follow_ups.customer_log(self.db, customer_id, limit=20)
        self.post_message(self.Read(card, invoices, log))

    @on(Read)
    def shown(self, message: Read) -> None:
        self.card = card = message.card
        self.query_one("#recv-cust-title", Static).update(Content.assemble(
            (card.name, "bold $text-accent"), f" ({card.code})",
            (f"  terms {card.payment_terms} · {plural(len(message.invoices), 'open item')}",
             "dim"),
        ))  # fmt: skip
        self.query_one("#recv-cust-credit", Static).update(credit_line(card))
        rows = message.invoices
        self.invoices.load(lambda _cursor: (rows, None), keep=True)
        lines = [Content.assemble((local_time(f.at, "%m-%d"), "dim"), " ",
                                  (fit(f.actor, 8), "dim"),
                                  " ", follow_up_text(f)) for f in message.log]  # fmt: skip
        self.query_one("#recv-log", Static).update(
            Content("\n").join(lines) if lines else Content.styled(" No follow-ups yet.", "dim")
        )


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
        (" " + fit(amount(f.open_minor), 13, True), ""),
    ]


def today_head(width: int) -> str:
    name = max(8, min(20, width - 6 - 8 - 14 - 12))
    what = max(4, width - 6 - (name + 1) - 8 - 14)
    return (f" {fit('Due', 5)} {fit('Customer', name)} {fit('Kind', 7)} {fit('What', what)} "
            f"{fit('Open', 13, True)}")  # fmt: skip


class TodayScreen(OmsScreen):
    """Open follow-ups due today or before, oldest first; Enter opens the customer (the
    screen dismisses with the customer's id and name)."""

    MESSAGE_ID = "recv-today-status"
    CSS_PATH = "receivables.tcss"
    COMMANDS = {ScreenCommands}
    PALETTE_PREFIX = "Today's follow-ups"
    PALETTE: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("open", "Open customer", "Invoices, credit, follow-ups (Enter)"),
        ("refresh", "Read again", "Today's follow-ups (F5 / Ctrl+R)"),
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open", key_display="Enter", id="recv.today.open",
                tooltip="Open the customer"),
        Binding("f5,ctrl+r", "refresh", "Refresh", key_display="F5/^R", show=False,
                id="recv.today.refresh", tooltip="Read today's follow-ups again"),
    ]  # fmt: skip

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="recv-today"):
            yield Static("", id="recv-today-status")
            yield Static("", id="recv-today-head")
            yield OrderList(today_row, key=lambda f: f.id, id="recv-today-list",
                            empty_text="Nothing to follow up today.")  # fmt: skip
        yield KeysFooter(compact=True)

    @property
    def rows(self) -> OrderList[follow_ups.FollowUpView]:
        return self.query_one("#recv-today-list", OrderList)

    def on_mount(self) -> None:
        self.query_one("#recv-today-head", Static).update(today_head(self.size.width - 2))
        self.rows.focus()
        self.action_refresh()

    def action_refresh(self) -> None:
        db, today = self.db, self.context.clock().date()
        self.query_one("#recv-today-status", Static).update(Content.styled("Reading…", "dim"))
        self.rows.load(lambda _cursor: (follow_ups.todays_follow_ups(db, today), None))

    @on(OrderList.Loaded, "#recv-today-list")
    def loaded(self, message: OrderList.Loaded) -> None:
        today = self.context.clock().date()
        self.query_one("#recv-today-status", Static).update(Content.assemble(
            (f"{plural(message.count, 'follow-up')} due by {today}", "bold"),
            "  Enter opens the customer",
        ))  # fmt: skip

    @on(OrderList.Failed, "#recv-today-list")
    def failed(self, message: OrderList.Failed) -> None:
        self.say(failure_text("read today's follow-ups", message.error), error=True)

    @on(OrderList.Opened, "#recv-today-list")
    def opened(self, message: OrderList.Opened) -> None:
        f = message.row
        self.dismiss((f.customer_id, f.customer_name))  # type: ignore[arg-type]

    def action_open(self) -> None:
        self.rows.action_open()


# -- the aging view ---------------------------------------------------------------------------


class ReceivablesScreen(RecvBase):
    """Aging by customer, riskiest first; the customer's account and the collection keys."""

    MODE = "receivables"
    MESSAGE_ID = "recv-message"
    PALETTE_PREFIX = "Receivables"
    PALETTE: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("open", "Open customer", "Open invoices, credit, follow-ups (Enter)"),
        ("as_of", "Aging as of", "Another date: -30, 2026-01-31 (F4 / Ctrl+L)"),
        ("payment", "Record payment", "From the highlighted customer (F6 / Ctrl+O)"),
        ("follow_up", "Record follow-up", "Call, promise, letter, note (F7 / Ctrl+N)"),
        ("apply_credit", "Apply credit on account", "Of the highlighted customer to their "
                                                    "open invoices, oldest due first (t)"),
        ("today", "Today's follow-ups", "Due today or before (F8 / Ctrl+Y)"),
        ("dunning", "Run dunning", "As of a date (default today): reminders, notices, "
                                   "credit holds; print letters (F9 / Ctrl+B)"),
        ("statement", "Print statement", "Of the highlighted customer (F10 / Ctrl+G)"),
        ("release_hold", "Release credit hold", "Managers, with a reason (F11 / Ctrl+U)"),
        ("refresh", "Read again", "The aging (F5 / Ctrl+R)"),
        ("collections", "Collections", "Money received per month, last 12 months (c)"),
    )  # fmt: skip
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "collections", "Collections", key_display="c", show=False,
                id="recv.collections", tooltip="Money received per month, last 12 months"),
        Binding("f6,ctrl+o", "payment", "Payment", key_display="F6/^O", id="recv.payment",
                tooltip="Record a payment from the highlighted customer"),
        Binding("f7,ctrl+n", "follow_up", "Follow-up", key_display="F7/^N", id="recv.follow_up",
                tooltip="Record a call, promise, letter or note"),
        Binding("t", "apply_credit", "Apply credit", key_display="t", id="recv.apply_credit",
                tooltip="Apply the customer's credit on account to their open invoices"),
        Binding("f8,ctrl+y", "today", "Today", key_display="F8/^Y", show=False, id="recv.today",
                tooltip="Today's follow-ups; Enter opens the customer"),
        Binding("f9,ctrl+b", "dunning", "Dunning", key_display="F9/^B", show=False,
                id="recv.dunning",
                tooltip="Run dunning as of a date (default today); print the letters"),
        Binding("f10,ctrl+g", "statement", "Statement", key_display="F10/^G", show=False,
                id="recv.statement", tooltip="Print the customer's statement of account"),
        Binding("f11,ctrl+u", "release_hold", "Release", key_display="F11/^U", show=False,
                id="recv.release", tooltip="Release the customer's credit hold (managers)"),
        Binding("f4,ctrl+l", "as_of", "As of", key_display="F4/^L", show=False,
                id="recv.as_of", tooltip="Aging as of another date"),
        Binding("enter", "open", "Open", key_display="Enter", show=False, id="recv.open",
                tooltip="Open the customer: invoices, credit, follow-ups"),
        Binding("f5,ctrl+r", "refresh", "Refresh", key_display="F5/^R", show=False,
                id="recv.refresh", tooltip="Read the aging again"),
    ]  # fmt: skip

    class Read(Message):
        def __init__(self, report: aging.AgingReport, dso: aging.Dso, keep: bool) -> None:
            super().__init__()
            self.report, self.dso, self.keep = report, dso, keep

    class DunningDone(Message):
        def __init__(self, steps: list[dunning.DunningStep], where: str) -> None:
            super().__init__()
            self.steps, self.where = steps, where

    def __init__(self) -> None:
        super().__init__()
        self.as_of: date | None = None  # None: today (the app clock)
        self.report: aging.AgingReport | None = None
        self.grid: Grid | None = None
        self._busy = False
        self._away = False  # a screen of the area was pushed over this one

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="recv"):
            yield Static(Content.styled("Reading the aging…", "dim"), id="recv-status")
            yield Static("", id="recv-head")
            yield OrderList(self.format_row, key=lambda r: r.customer_id, id="recv-aging",
                            empty_text="No open receivables.")  # fmt: skip
            yield Static("", id="recv-totals")
            yield Static("", id="recv-info")
            yield Static("", id="recv-message")
            yield Static(AGING_KEYS, id="recv-keys")
        yield KeysFooter(compact=True)

    @property
    def rows(self) -> OrderList[aging.AgingRow]:
        return self.query_one("#recv-aging", OrderList)

    @property
    def day(self) -> date:
        return self.as_of or self.today

    def on_mount(self) -> None:
        self.rows.focus()
        self.reload(keep=False)

    def on_screen_resume(self) -> None:
        self.rows.focus()
        if self._away:  # back from a customer or today's list: payments may have come in
            self._away = False
            self.reload()

    def on_resize(self) -> None:
        self.show_grid()

    def grid_width(self) -> int:
        return max(40, self.size.width - 2)  # less the scrollbar and the selection mark

    def format_row(self, row: aging.AgingRow, width: int) -> Sequence[Piece]:
        g, report = self.grid, self.report
        if g is None or report is None:
            return []
        return [
            (fit(row.name, g.name_w), ""),
            *grid_cells(
                g, g.values(row.amounts, row.total_minor, row.on_account_minor), report.currency
            ),
        ]

    def customer(self) -> tuple[int, str] | None:
        row = self.rows.highlighted
        if row is None:
            self.say("No customer highlighted: nobody owes anything as of this date.",
                     error=True)  # fmt: skip
            return None
        return row.customer_id, row.name

    # -- reading ------------------------------------------------------------------------------

    def action_refresh(self) -> None:
        self.reload()

    def reload(self, keep: bool = True) -> None:
        self.read(self.day, keep)

    @work(thread=True, exclusive=True, group="recv-aging", exit_on_error=False,
          description="read the aging")  # fmt: skip
    def read(self, as_of: date, keep: bool) -> None:
        report = aging.aging(self.db, as_of)
        dso = aging.dso(self.db, as_of, DSO_DAYS)
        self.post_message(self.Read(report, dso, keep))

    def worker_failed(self, worker: Worker, error: BaseException) -> None:
        if worker.group == "recv-aging":  # no "Reading the aging…" left on the status line
            self.query_one("#recv-status", Static).update("")
        elif worker.group == "recv-dunning":
            self._busy = False
        super().worker_failed(worker, error)

    @on(Read)
    def read_done(self, message: Read) -> None:
        self.report = report = message.report
        self.show_grid()
        rows = report.rows
        self.rows.load(lambda _cursor: (rows, None), keep=message.keep)
        overdue = sum(r.overdue_minor for r in report.rows)  # each less its credit
        dso = message.dso
        days = f"DSO {dso.dso} d" if dso.dso is not None else "DSO —"
        as_of = f"As of {report.as_of}" + (" (today)" if report.as_of == self.today else "")
        self.query_one("#recv-status", Static).update(
            Content.assemble(
                (as_of, "bold"),
                (f" · {days}", "bold"),
                f" · open {format_money(report.total_minor, report.currency)}",
                (f" · overdue {format_money(overdue, report.currency)}", "$text-warning")
                if overdue
                else "",
            )
        )

    def show_grid(self) -> None:
        report = self.report
        if report is None:
            return
        self.grid = g = grid(report, self.grid_width())
        self.rows.update_rows(list(self.rows.rows))  # repaint with the new columns
        self.query_one("#recv-head", Static).update(grid_head(g))
        totals = g.values(report.totals, report.total_minor, report.on_account_minor)
        cells = grid_cells(g, totals, report.currency)
        self.query_one("#recv-totals", Static).update(Content.assemble(
            (" " + fit(f"Total: {plural(len(report.rows), 'customer')}", g.name_w), "bold"),
            *((text, "bold") for text, _style in cells),
        ))  # fmt: skip

    @on(OrderList.Loaded, "#recv-aging")
    def loaded(self) -> None:
        self.show_info(self.rows.highlighted)

    @on(OrderList.Highlighted, "#recv-aging")
    def highlighted(self, message: OrderList.Highlighted) -> None:
        self.show_info(message.row)

    def show_info(self, row: aging.AgingRow | None) -> None:
        info = self.query_one("#recv-info", Static)
        if row is None or self.report is None:
            info.update("")
            return
        cur = self.report.currency
        share = f" ({row.overdue_minor * 100 // row.total_minor}%)" if row.total_minor > 0 else ""
        info.update(Content.assemble(
            (row.code, "dim"), " ", (row.name, "bold"),
            f" · open {format_money(row.total_minor, cur)}",
            (f" (on account {format_money(row.on_account_minor, cur)})", "$text-success")
            if row.on_account_minor else "",
            (f" · overdue {format_money(row.overdue_minor, cur)}{share}", "$text-warning")
            if row.overdue_minor > 0 else (" · nothing overdue", "$text-success"),
        ))  # fmt: skip

    @on(OrderList.Failed, "#recv-aging")
    def load_failed(self, message: OrderList.Failed) -> None:
        self.say(failure_text("read the aging", message.error), error=True)

    @on(OrderList.Opened, "#recv-aging")
    def opened(self, message: OrderList.Opened) -> None:
        row = message.row
        self._away = True
        self.app.push_screen(CustomerScreen(row.customer_id, row.name))

    # -- keys --------------------------------------------------------------------------------

    def action_open(self) -> None:
        self.rows.action_open()

    def action_as_of(self) -> None:
        today = self.today

        def run(v: dict[str, str]) -> str:
            return (parse_date(v["as_of"], today, "as_of") or today).isoformat()

        def finished(text: str | None) -> None:
            if text:
                day = date.fromisoformat(text)
                self.as_of = None if day == self.today else day
                self.say("")
                self.reload(keep=False)

        self.app.push_screen(RecvForm("Aging as of", [
            FormField("as_of", "As of", self.day.isoformat(), "-30, 2026-01-31, blank: today"),
        ], run), callback=finished)  # fmt: skip

    def action_today(self) -> None:
        def finished(picked: Any) -> None:
            if picked:
                cid, name = picked
                self._away = True
                self.app.push_screen(CustomerScreen(cid, name))

        self._away = True
        self.app.push_screen(TodayScreen(), callback=finished)

    class CollectionsRead(Message):
        def __init__(self, report: aging.Collections) -> None:
            super().__init__()
            self.report = report

    def action_collections(self) -> None:
        self.read_collections(self.context.clock().date())

    @work(thread=True, exclusive=True, group="recv-collections", exit_on_error=False,
          description="read the collections")  # fmt: skip
    def read_collections(self, today: date) -> None:
        months = today.year * 12 + today.month - 1 - 11  # twelve months, this one included
        start = date(months // 12, months % 12 + 1, 1)
        self.post_message(self.CollectionsRead(aging.collections(self.db, start, today, "month")))

    @on(CollectionsRead)
    def show_collections(self, message: CollectionsRead) -> None:
        self.app.push_screen(CollectionsDialog(message.report))

    def action_dunning(self) -> None:
        """Ask the as-of date (the question is the form: Enter runs, Esc backs out); the
        form's worker runs dunning, then the letters print in this screen's worker."""
        if self._busy:
            self.say("Wait: the letters of the last dunning run are still printing.",
                     error=True)  # fmt: skip
            return
        db, user, today = self.db, self.user, self.today
        taken: list[tuple[date, list[dunning.DunningStep]]] = []

        def run(v: dict[str, str]) -> str:
            day = parse_date(v["as_of"], today, "as_of") or today
            taken.append((day, dunning.run_dunning(db, user, day, today=today)))
            return day.isoformat()

        def finished(text: str | None) -> None:
            if not text or not taken:
                return  # backed out: nothing was run
            day, steps = taken[-1]
            if not steps:
                self.say(f"Dunning as of {day}: no customer has reached a new step.")
                return
            self._busy = True
            self.say(Content.styled("Printing the dunning letters…", "dim"))
            self.print_letters(day, steps)

        self.app.push_screen(RecvForm("Run dunning", [
            FormField("as_of", "As of", today.isoformat(), "-7, 2026-01-31, blank: today"),
        ], run, note=Content.styled(
            "Takes the step each customer has reached by this date (reminder, second and "
            "final notice, credit hold) and prints their letters. Enter runs.", "dim",
        )), callback=finished)  # fmt: skip

    @work(thread=True, exclusive=True, group="recv-dunning", exit_on_error=False,
          description="print the dunning letters")  # fmt: skip
    def print_letters(self, day: date, steps: list[dunning.DunningStep]) -> None:
        from ..reports.account_letter import account_pdf

        db = self.db
        try:
            papers = [dunning.letter(db, s.letter_id) for s in steps]
            where = deliver_documents(db, [(
                f"dunning-letters-{day}",
                lambda company, size: account_pdf(papers, company, size),
            )])  # fmt: skip
        except Exception as error:  # noqa: BLE001 - the steps stand; say what did not print
            where = f"not printed: {logged_text('print the dunning letters', error)}"
        self.post_message(self.DunningDone(steps, where))

    @on(DunningDone)
    def dunning_done(self, message: DunningDone) -> None:
        self._busy = False
        steps = message.steps
        holds = sum(1 for s in steps if s.level == 4)
        held = f", {plural(holds, 'credit hold')}" if holds else ""
        printed = not message.where.startswith("not printed")
        self.say(Content.assemble(
            (f"Dunning: {plural(len(steps), 'letter')}{held}", "bold $text-success"),
            f"; letters {message.where}.",
        ), error=not printed)  # fmt: skip
        self.reload()
        self.app.push_screen(DunningDialog(steps, message.where))
