"""One order's whole story: header, lines with price sources, totals, checks, timeline, links.

Pushed over the list it was opened from (audit queue, order search) in the same area;
F12 / Esc goes back to that list. Opening records that this user has the order open
(``order_locks.open_for_edit``) and shows who else has ("open by wang since 10:02");
closing releases it.
"""

from __future__ import annotations

from datetime import UTC
from typing import ClassVar

from rich.cells import cell_len
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Header, Static
from textual.worker import Worker

from ..commands import ScreenCommands
from ..failures import log_failure
from ..i18n import N_, _, pgettext, shown
from ..services.parties.masking import shown_contact
from ..services.platform.money import format_money
from ..services.production import board
from ..services.sales import order_locks, orders
from ..services.sales.order_search import Link, OrderDetail, detail
from ..services.states.order_states import OrderStatus
from ..widgets.footer import KeysFooter
from ..widgets.order_list import fit, widest
from . import OmsScreen
from .audit_rows import check_name, check_names
from .change_history import CHANGES_PALETTE, changes_binding, open_changes
from .formats import local_time, priority_reasons, said, said_each

LEVEL_STYLE = {"fail": "bold $text-error", "warn": "$text-warning", "pass": "$text-success"}


# a check's level as the column shows it (the audit queue says the same words in lower case)
def level_labels() -> dict[str, str]:
    """A check's level as the column shows it, in the language in use."""
    return {"fail": pgettext("check level", "FAIL"), "warn": pgettext("check level", "WARN"),
            "pass": pgettext("check level", "PASS")}  # fmt: skip


def status_label(status: str | None) -> str:
    if not status:
        return "—"
    try:
        return said(OrderStatus(status).label)
    except ValueError:
        return status


def padded(label: str, width: int) -> str:
    """``label`` and spaces to ``width`` cells (a Chinese character takes two), one at least."""
    return label + " " * max(1, width - cell_len(label))


class OrderDetailScreen(OmsScreen):
    """Everything about one order, read-only; scroll with the arrows and PgUp/PgDn."""

    MESSAGE_ID = "detail-message"  # under the order, shown when there is something to say
    CSS_PATH = "order_detail.tcss"
    COMMANDS = {ScreenCommands}
    PALETTE_PREFIX = N_("Order")
    PALETTE: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("reload", N_("Read again"), N_("Read the order again (F5 / Ctrl+R)")),
        (
            "customer",
            N_("Customer history"),
            N_("The customer's orders, totals, average order value, open balance (F6 / Ctrl+O)"),
        ),
        (
            "documents",
            N_("Documents"),
            N_("Shipments, invoices, production orders, returns, with their details (F7 / Ctrl+N)"),
        ),
        CHANGES_PALETTE,
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f5,ctrl+r", "reload", N_("Reload"), key_display="F5/^R", id="orders.detail.reload",
                tooltip=N_("Read the order again")),
        Binding("f6,ctrl+o", "customer", N_("Customer"), key_display="F6/^O",
                id="orders.detail.customer", tooltip=N_("The customer's history")),
        Binding("f7,ctrl+n", "documents", N_("Documents"), key_display="F7/^N",
                id="orders.detail.documents",
                tooltip=N_("The order's documents and their details")),
        changes_binding("orders.detail"),
        Binding("j", "scroll(1)", N_("Down"), show=False, id="orders.detail.down"),
        Binding("k", "scroll(-1)", N_("Up"), show=False, id="orders.detail.up"),
    ]  # fmt: skip

    class Loaded(Message):
        def __init__(self, order: OrderDetail, others: str,
                     made: list[board.OrderProduction]) -> None:  # fmt: skip
            super().__init__()
            self.order = order
            self.others = others
            self.made = made  # its production orders: stage and expected date

    class Current(Message):
        """What a check found: who else has the order open, its version, its last change."""

        def __init__(self, others: str, version: int, change: str) -> None:
            super().__init__()
            self.others, self.version, self.change = others, version, change

    CHECK_SECONDS: ClassVar[float] = 15.0  # how often it looks whether the order changed

    def __init__(self, number: str) -> None:
        super().__init__()
        self.number = number
        self.version: int | None = None  # as shown
        self.order_id: int | None = None
        self.customer_id: int | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="detail"):
            yield Static("", id="detail-lock")
            yield Static(_("Reading {number}…").format(number=self.number), id="detail-head")
            yield Static("", id="detail-lines", classes="detail-part")
            yield Static("", id="detail-totals")
            yield Static("", id="detail-checks", classes="detail-part")
            yield Static("", id="detail-timeline", classes="detail-part")
            yield Static("", id="detail-links", classes="detail-part")
        yield Static("", id="detail-message")
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#detail-lock").display = False
        self.query_one("#detail", VerticalScroll).focus()
        self.action_reload()
        self.set_interval(self.CHECK_SECONDS, self.check_current)

    def check_current(self) -> None:
        """Who else has it open now, and was it changed since it was read? (a timer)"""
        if self.order_id is not None and self.is_current:
            self.read_current(self.order_id)

    @work(thread=True, exclusive=True, group="detail-check", exit_on_error=False,
          description=N_("check the order is current"))  # fmt: skip
    def read_current(self, order_id: int) -> None:
        now = self.context.clock().astimezone(UTC)
        editing = order_locks.open_for_edit(self.db, self.user, order_id, now=now)
        version, change = orders.version_of(self.db, order_id)
        others = said_each(h.text for h in editing.others)  # "open by wang since 10:02"
        self.post_message(self.Current(others, version, shown(change)))

    @on(Current)
    def current(self, message: Current) -> None:
        changed = ""
        if self.version is not None and message.version != self.version:
            changed = _("{change} since it was read: F5 reads it again").format(
                change=message.change
            )
        text = "; ".join(t for t in (message.others, changed) if t)
        lock = self.query_one("#detail-lock", Static)
        lock.display = bool(text)
        lock.update(Content.assemble(("⚠ ", "bold"), text))

    def on_unmount(self) -> None:
        if self.order_id is not None:
            db, user, order_id = self.db, self.user, self.order_id
            self.app.run_worker(
                lambda: order_locks.release(db, user, order_id), thread=True,
                group="order-lock-release", exit_on_error=False,
                description=N_("release the order"),
            )  # fmt: skip

    def action_reload(self) -> None:
        self.load(self.number)

    def retranslate(self) -> None:
        """The language changed: the order shown again in it."""
        self.action_reload()

    def action_customer(self) -> None:
        if self.customer_id is None:
            self.app.bell()
            return
        from .customer_history import CustomerHistoryScreen

        self.app.push_screen(CustomerHistoryScreen(self.customer_id))

    def action_changes(self) -> None:
        """Its status changes and decisions, and what the change log holds of it."""
        number = self.sub_title if self.order_id is not None else None
        open_changes(self, "order", number, self.sub_title)

    def action_documents(self) -> None:
        if self.order_id is None:
            self.app.bell()
            return
        self.load_documents(self.order_id, self.sub_title or self.number)

    @work(thread=True, exclusive=True, group="order-documents", exit_on_error=False,
          description=N_("read the documents"))  # fmt: skip
    def load_documents(self, order_id: int, number: str) -> None:
        from ..services.sales.order_documents import order_documents

        docs = order_documents(self.db, order_id)
        self.app.call_from_thread(self._open_documents, number, docs)

    def _open_documents(self, number: str, docs: list) -> None:  # noqa: ANN001
        from .order_documents import DocumentsDialog

        self.app.push_screen(DocumentsDialog(number, docs))

    def action_scroll(self, step: int) -> None:
        scroller = self.query_one("#detail", VerticalScroll)
        scroller.scroll_relative(y=step, animate=False)

    @work(thread=True, exclusive=True, group="order-detail", exit_on_error=False,
          description=N_("read the order"))  # fmt: skip
    def load(self, number: str) -> None:
        order = detail(self.db, number)
        now = self.context.clock().astimezone(UTC)
        editing = order_locks.open_for_edit(self.db, self.user, order.order.id, now=now)
        made = board.for_orders(self.db, [order.order.id]).get(order.order.id, [])
        others = said_each(h.text for h in editing.others)
        self.post_message(self.Loaded(order, others, made))

    def worker_failed(self, worker: Worker, error: BaseException) -> None:
        if worker.group == "detail-check":  # a check every few seconds: logged, no bell
            log_failure("check the order is current", error)  # i18n: no (the log)
            return
        if self.order_id is None:  # never shown: no "Reading…" left above the message
            self.query_one("#detail-head", Static).update(Content.styled(self.number, "bold"))
        super().worker_failed(worker, error)

    @staticmethod
    def _stock_rows(d: OrderDetail, line_no: int) -> list[Content]:
        """Where the line's goods are: reserved per warehouse (and why), backordered."""
        out = []
        for ls in d.stock:
            if ls.line_no != line_no:
                continue
            for a in ls.reserved:
                why = (" (" + shown(a.reason) + ")" if a.reason else "", "dim")
                what = _("{qty} reserved in {warehouse}").format(
                    qty=a.qty, warehouse=a.warehouse_code
                )
                out.append(Content.assemble(("   " + _("stock:") + " ", "dim"), what, why))
            if ls.backordered:
                short = (_("{qty} backordered").format(qty=ls.backordered), "bold $warning")
                out.append(Content.assemble(("   " + _("stock:") + " ", "dim"), short))
        return out

    @on(Loaded)
    def show(self, message: Loaded) -> None:
        d = message.order
        o = d.order
        message_line = self.query_one(f"#{self.MESSAGE_ID}")
        if message_line.display:  # read again after a failure: nothing wrong to say now
            message_line.display = False
        self.order_id = o.id
        self.version = o.version
        self.customer_id = o.customer_id
        self.sub_title = o.number
        lock = self.query_one("#detail-lock", Static)
        lock.display = bool(message.others)
        lock.update(Content.assemble(("⚠ ", "bold"), message.others))
        money = lambda minor: format_money(minor, o.currency)  # noqa: E731

        # header ----------------------------------------------------------------------------
        # the channel and payment method as codes (what the query line takes: ch:phone)
        payment = " / ".join(p for p in (o.payment_method, o.payment_terms) if p) or "—"
        phone, address = shown_contact(self.role, o.ship_to_phone, o.ship_to_address)
        ship_to = " ".join(p for p in (o.ship_to_name, phone) if p)
        head = [
            Content.assemble((o.number, "bold $text-accent"), "  ", (said(o.status_label), "bold"),
                             _("  priority {score}").format(score=d.priority_score),
                             (f" ({priority_reasons(d.priority_reasons)})" if d.priority_reasons
                              else "", "dim")),
            Content.assemble((padded(_("Customer"), 9), "dim"), o.customer_name,
                             ("  " + _("Channel") + " ", "dim"),
                             o.channel,
                             ("  " + pgettext("method", "Payment") + " ", "dim"), payment),
            Content.assemble((padded(_("Ship to"), 9), "dim"), ship_to + ("  " if ship_to else ""),
                             address or "—"),
            Content.assemble((padded(_("Created"), 9), "dim"), local_time(o.created_at),
                             _(" by {user}").format(user=o.created_by),
                             ("  " + _("Wanted") + " ", "dim"),
                             o.requested_date.isoformat() if o.requested_date else "—",
                             ("  " + _("Follow up") + " ", "dim") if d.follow_up_on else "",
                             d.follow_up_on.isoformat() if d.follow_up_on else ""),
        ]  # fmt: skip
        if o.notes:
            head.append(Content.assemble((padded(_("Notes"), 9), "dim"), shown(o.notes)))
        self.query_one("#detail-head", Static).update(Content("\n").join(head))

        # lines ----------------------------------------------------------------------------
        width = max(40, self.size.width - 8)
        # codes and amounts whole (the order's lines are all here): the description gives way
        code_w = widest((ln.product_code for ln in o.lines), 12)
        price_w = widest((money(ln.unit_price_minor) for ln in o.lines), 11)
        amount_w = widest((money(ln.line_total_minor) for ln in o.lines), 11)
        desc = max(8, width - 46 - (code_w - 12) - (price_w - 11) - (amount_w - 11))
        rows = [Content.styled(
            " ".join([" #", fit(_("Product"), code_w), fit(_("Description"), desc),
                      fit(_("Qty"), 5, True), fit(_("Price"), price_w, True),
                      fit(_("Amount"), amount_w, True)]), "bold")]  # fmt: skip
        for ln in o.lines:
            rows.append(Content(
                f"{ln.line_no:>2} {fit(ln.product_code, code_w)} {fit(ln.description, desc)} "
                f"{ln.qty:>5} {fit(money(ln.unit_price_minor), price_w, True)} "
                f"{fit(money(ln.line_total_minor), amount_w, True)}"))  # fmt: skip
            source = shown(ln.price_source) + (
                _("; discount {amount}").format(amount=money(ln.discount_minor))
                if ln.discount_minor else ""
            )  # fmt: skip
            rows.append(Content.styled("   " + _("price: {source}").format(source=source), "dim"))
            if ln.requirements_note:
                rows.append(
                    Content.styled(
                        "   " + _("note: {note}").format(note=ln.requirements_note), "dim"
                    )
                )
            rows.extend(self._stock_rows(d, ln.line_no))
        if not o.lines:
            rows.append(Content.styled(_("no lines"), "dim"))
        part = self.query_one("#detail-lines", Static)
        part.border_title = _("Lines ({n})").format(n=len(o.lines))
        part.update(Content("\n").join(rows))
        totals = _("Subtotal") + f" {money(o.subtotal_minor)}  "
        for label, minor in ((_("Discount"), o.discount_minor), (_("Tax"), o.tax_minor),
                             (_("Shipping"), o.shipping_minor)):  # fmt: skip
            totals += f"{label} {money(minor)}  " if minor else ""
        self.query_one("#detail-totals", Static).update(
            Content.assemble(totals, (_("Total") + " " + money(o.total_minor), "bold"))
        )

        # checks ---------------------------------------------------------------------------
        part = self.query_one("#detail-checks", Static)
        part.border_title = (
            _("Checks at {time}").format(time=local_time(d.checked_at, "%m-%d %H:%M"))
            if d.checked_at
            else _("Checks")
        )
        if d.checks:
            labels, names = level_labels(), check_names()
            room = widest(labels.values(), 4)
            name_room = widest((check_name(c.code) for c in d.checks), 13)
            part.update(Content("\n").join(
                Content.assemble((fit(labels.get(c.level, c.level.upper()), room) + " ",
                                  LEVEL_STYLE.get(c.level, "")),
                                 (fit(names.get(c.code, c.code), name_room) + " ", "bold"),
                                 shown(c.reason))
                for c in d.checks
            ))  # fmt: skip
        else:
            part.update(Content.styled(_("not checked"), "dim"))

        # timeline -------------------------------------------------------------------------
        part = self.query_one("#detail-timeline", Static)
        part.border_title = _("Timeline ({n})").format(n=len(d.timeline))
        part.update(Content("\n").join(
            Content.assemble(
                (local_time(e.at, "%m-%d %H:%M"), "dim"), " ", (fit(e.actor, 8), "bold"), " ",
                f"{status_label(e.from_status)} → {status_label(e.to_status)}",
                ("  " + shown(e.reason) if e.reason else "", "italic"),
            )
            for e in d.timeline
        ) if d.timeline else Content.styled(_("no events"), "dim"))  # fmt: skip

        # links ----------------------------------------------------------------------------
        part = self.query_one("#detail-links", Static)
        part.border_title = _("Documents")

        def listed(name: str, links: tuple[Link, ...]) -> Content:
            text = ", ".join(f"{x.number} ({x.status})" for x in links) or _("none")
            return Content.assemble((padded(name, 18), "dim"), text)

        part.update(Content("\n").join([
            listed(_("Shipments"), d.shipments), listed(_("Invoices"), d.invoices),
            *self._production_rows(message.made, d.production_orders),
            listed(_("Returns"), d.returns),
        ]))  # fmt: skip

    @staticmethod
    def _production_rows(made: list[board.OrderProduction],
                         links: tuple[Link, ...]) -> list[Content]:  # fmt: skip
        """Each production order with its stage and expected date (a cancelled one as a
        link: ``for_orders`` leaves it out)."""
        label = (padded(_("Production orders"), 18), "dim")
        if not made:
            text = ", ".join(f"{x.number} ({x.status})" for x in links) or _("none")
            return [Content.assemble(label, text)]
        rows = []
        for n, p in enumerate(made):
            if p.status == "done":
                when = _("done {date}").format(date=p.expected_date)
            elif p.expected_date:
                when = _("expected {date}").format(date=p.expected_date)
            else:
                when = _("no date yet")
            rows.append(Content.assemble(
                label if n == 0 else " " * 18, (p.number, "bold"), f" {p.product_code} ",
                (shown(p.stage), "$text-success" if p.status == "done" else "$text-accent"),
                f", {when}",
            ))  # fmt: skip
        return rows
