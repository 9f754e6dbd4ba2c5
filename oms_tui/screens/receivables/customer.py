"""Receivables: one customer's account, and the keys that act on a customer from either
view (``RecvBase``, which the aging view shares): payment, follow-up, credit hold release,
credit on account applied, statement printed. The customer screen shows the open invoices
(Space selects the ones a payment pays), the credit status and the follow-up log."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Header, Static

from ...commands import ScreenCommands
from ...messages import Said
from ...services.finance import dunning, follow_ups, receivables
from ...services.platform.money import split_currency
from ...services.platform.settings import get_settings
from ...services.sales.customer_history import CustomerCard, customer_card
from ...widgets.footer import KeysFooter
from ...widgets.form_dialog import FormDialog, FormField, Run
from ...widgets.order_list import OrderList, Piece, fit
from .. import OmsScreen
from ..formats import local_time, plural
from ..list_screen import key_hint
from ..printouts import deliver_documents
from .dialogs import (
    KIND_LETTERS,
    METHOD_LETTERS,
    by_letter,
    invoice_numbers,
    parse_amount,
    parse_date,
)
from .rows import (
    credit_line,
    credit_text,
    follow_up_text,
    invoice_head,
    invoice_row,
    payment_text,
)

CUSTOMER_KEYS = (("F6", "payment", "payment"), ("F7", "follow-up", "follow_up"),
                 ("F10", "statement", "statement"), ("F11", "release hold", "release_hold"),
                 ("F5", "refresh", "refresh"))  # fmt: skip


# -- the keys that act on a customer (the aging view's too) ---------------------------------


class RecvBase(OmsScreen):
    """What the aging view and the customer view share: the message line, the dialogs for
    one customer, the statement."""

    CSS_PATH = "receivables.tcss"
    COMMANDS = {ScreenCommands}
    MESSAGE_ID = ""
    ACTION_PERMISSIONS: ClassVar[dict[str, str]] = {
        "payment": "payments.record", "follow_up": "dunning.run", "dunning": "dunning.run",
        "apply_credit": "credit.manage", "release_hold": "credit.release",
    }  # fmt: skip

    @property
    def today(self) -> date:
        return self.context.clock().date()

    def keys_offered(self, keys: tuple[tuple[str, str, str], ...]) -> Content:
        """The key hint line of (key, what it does, action), without the keys the user's
        role may not use (``ACTION_PERMISSIONS``)."""
        return key_hint(*((key, does) for key, does, action in keys if self.may_act(action)))

    def customer(self) -> tuple[int, str] | None:
        """(id, name) of the customer the keys act on; None says why not."""
        raise NotImplementedError

    def highlighted_invoice(self) -> str:
        return ""

    def chosen_invoices(self) -> str:
        return ""

    def invoice_versions(self) -> dict[str, int]:
        """The invoices shown, as shown (number: version): a payment applied to one that
        changed since is refused."""
        return {}

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

        self.app.push_screen(FormDialog(title, fields, run, note, aliases=aliases),
                             callback=finished)  # fmt: skip

    def action_payment(self) -> None:
        who = self.customer()
        if who is None:
            return
        cid, name = who
        db, user, today, highlighted = self.db, self.user, self.today, self.highlighted_invoice()
        versions = self.invoice_versions()

        def run(v: dict[str, str]) -> str:
            # the company currency, or another typed before the amount: USD 120
            currency, amount = split_currency(v["amount"], get_settings(db).currency)
            minor = parse_amount(amount, currency)
            received = parse_date(v["date"], today, "date") or today
            method = by_letter(v["method"] or "b", METHOD_LETTERS, "method", "Method")
            numbers = invoice_numbers(v["invoices"], highlighted)
            result = receivables.record_payment(db, user, cid, minor, received, method,
                                                v["reference"], numbers, today,
                                                versions, currency)  # fmt: skip
            return payment_text(name, result)

        legend = "  ".join(f"{letter} {m.replace('_', ' ')}" for letter, m in METHOD_LETTERS)
        to = f"h {highlighted} · " if highlighted else ""
        self._form(f"Payment from {name}", [
            FormField("amount", "Amount", "", "e.g. 1234.50, USD 99"),
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
            promised = parse_amount(v["promise_minor"], get_settings(db).currency,
                                    "promise_minor") \
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
        from ...reports.account_letter import account_pdf

        paper = dunning.statement(self.db, customer_id, today)
        where = deliver_documents(self.db, [(
            f"statement-{paper.customer_code}-{today}",
            lambda company, size: account_pdf([paper], company, size),
        )])  # fmt: skip
        self.post_message(Said(f"Statement of {name} {where}."))


# -- the customer's account --------------------------------------------------------------------


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
            yield Static(self.keys_offered(CUSTOMER_KEYS), id="recv-cust-keys")
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

    def invoice_versions(self) -> dict[str, int]:
        return {row.number: row.version for row in self.invoices.rows}

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
