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
from ...i18n import N_, _, ngettext, pgettext
from ...messages import Said
from ...services.finance import dunning, follow_ups, receivables
from ...services.platform.money import split_currency
from ...services.platform.settings import get_settings
from ...services.sales.customer_history import CustomerCard, customer_card
from ...widgets.footer import KeysFooter
from ...widgets.form_dialog import FormDialog, FormField, Run
from ...widgets.order_list import OrderList, Piece, fit
from .. import OmsScreen
from ..change_history import CHANGES_PALETTE, changes_binding, open_changes
from ..formats import local_time
from ..list_screen import key_hint
from ..printouts import deliver_documents
from .dialogs import (
    KIND_LETTERS,
    METHOD_LETTERS,
    by_letter,
    invoice_numbers,
    letters_legend,
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

# (key, what it does, action): a key the user's role may not use is left out
CUSTOMER_KEYS = (("F6", N_("payment"), "payment"), ("F7", N_("follow-up"), "follow_up"),
                 ("F10", N_("statement"), "statement"), ("F11", N_("release hold"), "release_hold"),
                 ("F5", N_("refresh"), "refresh"))  # fmt: skip


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
            method = by_letter(v["method"] or "b", METHOD_LETTERS, "method", N_("Method"))
            numbers = invoice_numbers(v["invoices"], highlighted)
            result = receivables.record_payment(db, user, cid, minor, received, method,
                                                v["reference"], numbers, today,
                                                versions, currency)  # fmt: skip
            return payment_text(name, result)

        apply_to = (
            _("blank oldest first · h {invoice} · or numbers").format(invoice=highlighted)
            if highlighted
            else _("blank oldest first · or numbers")
        )
        self._form(_("Payment from {name}").format(name=name), [
            FormField("amount", _("Amount"), "", _("e.g. 1234.50, USD 99")),
            FormField("date", _("Received"), today.isoformat(), _("2026-01-31, -1 yesterday")),
            FormField("method", _("Method"), "b", _("one letter (below)")),
            FormField("reference", _("Reference"), "", _("bank ref, cheque no (optional)")),
            FormField("invoices", _("Apply to"), self.chosen_invoices(), apply_to),
        ], run, note=Content.styled(_("Method: {legend}").format(
            legend=letters_legend(METHOD_LETTERS)), "dim"),
           aliases={"received_on": "date"})  # fmt: skip

    def action_follow_up(self) -> None:
        who = self.customer()
        if who is None:
            return
        cid, name = who
        db, user, today = self.db, self.user, self.today

        def run(v: dict[str, str]) -> str:
            kind = by_letter(v["kind"] or "c", KIND_LETTERS, "kind", N_("Kind"))
            promise_on = parse_date(v["promise_on"], today, "promise_on", past_ok=False)
            promised = parse_amount(v["promise_minor"], get_settings(db).currency,
                                    "promise_minor") \
                if v["promise_minor"].strip() else 0  # fmt: skip
            next_on = parse_date(v["next_action_on"], today, "next_action_on", past_ok=False)
            f = follow_ups.record_follow_up(db, user, cid, kind, v["note"],
                                            next_action_on=next_on, promise_on=promise_on,
                                            promise_minor=promised, today=today)  # fmt: skip
            if f.next_action_on:
                return _("Follow-up for {name}: {what} · next action {day}.").format(
                    name=name, what=follow_up_text(f), day=f.next_action_on
                )
            return _("Follow-up for {name}: {what}.").format(name=name, what=follow_up_text(f))

        self._form(_("Follow-up: {name}").format(name=name), [
            FormField("kind", _("Kind"), "c", _("one letter (below)")),
            FormField("note", _("Note"), "", _("what was said or done")),
            FormField("promise_on", _("Promised"), "", _("pay date: +7, fri, 2026-12-01")),
            FormField("promise_minor", _("Amount"), "", _("promised amount (optional)")),
            FormField("next_action_on", pgettext("follow-up", "Next"), "",
                      _("next action date (promise: its date)")),
        ], run, note=Content.styled(_("Kind: {legend}").format(
            legend=letters_legend(KIND_LETTERS)), "dim"))  # fmt: skip

    def action_release_hold(self) -> None:
        who = self.customer()
        if who is None:
            return
        cid, name = who
        db, user = self.db, self.user

        def run(v: dict[str, str]) -> str:
            dunning.release_credit_hold(db, user, cid, v["reason"])
            return _("Credit hold of {name} released: {reason}.").format(
                name=name, reason=v["reason"].strip()
            )

        self._form(_("Release credit hold: {name}").format(name=name), [
            FormField("reason", _("Reason"), "", _("why (kept on the customer)")),
        ], run, note=Content.styled(_("Managers only; the reason is recorded."),
                                    "dim"))  # fmt: skip

    def action_apply_credit(self) -> None:
        who = self.customer()
        if who is None:
            return
        cid, name = who
        self.say(
            Content.styled(_("Applying the credit on account of {name}…").format(name=name), "dim")
        )
        self.apply_credit(cid, name, self.today)

    @work(thread=True, exclusive=True, group="recv-credit", exit_on_error=False,
          description=N_("apply the credit on account"))  # fmt: skip
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
        self.say(Content.styled(_("Printing the statement of {name}…").format(name=name), "dim"))
        self.print_statement(cid, name, self.today)

    @work(thread=True, exclusive=True, group="recv-print", exit_on_error=False,
          description=N_("print the statement"))  # fmt: skip
    def print_statement(self, customer_id: int, name: str, today: date) -> None:
        from ...reports.account_letter import account_pdf

        paper = dunning.statement(self.db, self.user, customer_id, today)
        where = deliver_documents(self.db, [(
            f"statement-{paper.customer_code}-{today}",
            lambda company, size: account_pdf([paper], company, size),
        )])  # fmt: skip
        self.post_message(Said(_("Statement of {name} {where}.").format(name=name, where=where)))


# -- the customer's account --------------------------------------------------------------------


class CustomerScreen(RecvBase):
    """One customer's open invoices, credit status and follow-ups; the same keys act on it."""

    MESSAGE_ID = "recv-cust-message"
    PALETTE_PREFIX = N_("Customer account")
    PALETTE: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("payment", N_("Record payment"),
         N_("Oldest first, or h: the highlighted invoice (F6 / Ctrl+O)")),
        ("follow_up", N_("Record follow-up"), N_("Call, promise, letter, note (F7 / Ctrl+N)")),
        ("apply_credit", N_("Apply credit on account"),
         N_("To the open invoices, oldest due first (t)")),
        ("statement", N_("Print statement"), N_("Statement of account (F10 / Ctrl+G)")),
        ("release_hold", N_("Release credit hold"), N_("Managers, with a reason (F11 / Ctrl+U)")),
        ("refresh", N_("Read again"), N_("Invoices, credit, follow-ups (F5 / Ctrl+R)")),
        (*CHANGES_PALETTE[:2], N_("Who changed what, when, from what to what, and why (Ctrl+E)")),
    )  # fmt: skip
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f6,ctrl+o", "payment", N_("Payment"), key_display="F6/^O",
                id="recv.cust.payment",
                tooltip=N_("Record a payment (oldest first, or h: the highlighted invoice)")),
        Binding("f7,ctrl+n", "follow_up", N_("Follow-up"), key_display="F7/^N",
                id="recv.cust.follow_up", tooltip=N_("Record a call, promise, letter or note")),
        Binding("t", "apply_credit", N_("Apply credit"), key_display="t",
                id="recv.cust.apply_credit",
                tooltip=N_("Apply the credit on account to the open invoices, oldest due first")),
        Binding("f10,ctrl+g", "statement", N_("Statement"), key_display="F10/^G", show=False,
                id="recv.cust.statement", tooltip=N_("Print the statement of account")),
        Binding("f11,ctrl+u", "release_hold", N_("Release"), key_display="F11/^U", show=False,
                id="recv.cust.release", tooltip=N_("Release the credit hold (managers; reason)")),
        Binding("f5,ctrl+r", "refresh", N_("Refresh"), key_display="F5/^R", show=False,
                id="recv.cust.refresh", tooltip=N_("Read the invoices and follow-ups again")),
        changes_binding("recv.cust", "^E", "ctrl+e"),  # F11 releases a hold here
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
                Content.styled(self.customer_name or _("Reading…"), "bold"), id="recv-cust-title"
            )
            yield Static("", id="recv-cust-credit")
            yield Static(invoice_head(), id="recv-inv-head")
            yield OrderList(self.format_invoice, key=lambda i: i.number, id="recv-invoices",
                            empty_text=_("No open invoices."))  # fmt: skip
            yield Static(self._log_head(), id="recv-log-head")
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

    @staticmethod
    def _log_head() -> Content:
        return Content.styled(" " + _("Follow-ups, newest first"), "bold")

    def retranslate(self) -> None:
        """The language changed: the heads, the key hint and the account read again."""
        self.query_one("#recv-inv-head", Static).update(invoice_head())
        self.query_one("#recv-log-head", Static).update(self._log_head())
        self.query_one("#recv-cust-keys", Static).update(self.keys_offered(CUSTOMER_KEYS))
        self.invoices.empty_text = _("No open invoices.")
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

    def action_changes(self) -> None:
        card = self.card
        open_changes(self, "customer", card and card.code, card and f"{card.code} {card.name}")

    def reload(self) -> None:
        self.read(self.customer_id, self.today)

    @work(thread=True, exclusive=True, group="recv-customer", exit_on_error=False,
          description=N_("read the customer"))  # fmt: skip
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
            ("  " + _("terms {terms} · {items}").format(
                terms=card.payment_terms,
                items=ngettext("{n} open item", "{n} open items", len(message.invoices)).format(
                    n=len(message.invoices))), "dim"),
        ))  # fmt: skip
        self.query_one("#recv-cust-credit", Static).update(credit_line(card))
        rows = message.invoices
        self.invoices.load(lambda _cursor: (rows, None), keep=True)
        lines = [Content.assemble((local_time(f.at, "%m-%d"), "dim"), " ",
                                  (fit(f.actor, 8), "dim"),
                                  " ", follow_up_text(f)) for f in message.log]  # fmt: skip
        self.query_one("#recv-log", Static).update(
            Content("\n").join(lines)
            if lines
            else Content.styled(" " + _("No follow-ups yet."), "dim")
        )
