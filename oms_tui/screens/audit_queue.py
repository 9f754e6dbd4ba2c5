"""Audit queue: pending orders highest priority first, one key per decision.

Keys (the README copies these rows; letters act on the highlighted order):

| Key         | Twin        | Where        | Does                                              |
|-------------|-------------|--------------|---------------------------------------------------|
| `a`         |             | audit queue  | approve (a failed check asks why approve anyway)  |
| `x`         |             | audit queue  | reject: reason by digit (preset) or typed, Enter  |
| `h`         |             | audit queue  | hold (again): reason, follow-up (`+1`, `mon`, ISO) |
| `b`         |             | audit queue  | send back to entry for correction: reason         |
| `u`         |             | audit queue  | bump the priority: reason                         |
| `Space`     |             | audit queue  | select / unselect the order, move to the next     |
| `A`         | `F2`/`Ctrl+S` | audit queue | approve the selected orders (failures skipped)    |
| `Down`/`Up` | `j`/`k`     | any list     | next / previous order (PgDn/PgUp, Home/End)       |
| `Enter`     |             | any list     | open the order's detail                           |
| `F5`        | `Ctrl+R`    | audit queue  | score the queue again and reload it               |

Pages of the queue (``audit.queue``, keyset-paged) load in thread workers as the list
scrolls; rows never checked show "checking…" until a worker has run their checks (stored,
``audit.check_run``), so a page is never held up by them. On opening, the first page shows
at once in the order of the stored scores; then the queue is scored again
(``audit.refresh_priorities``: urgency changes with the date) in a worker and reloads when
that is done, the highlight staying on its order. Every decision goes through
``services.audit`` with the version the reviewer saw: an order changed meanwhile is refused
(StaleData), shown in red with a bell, and the queue reloads. Rows marked ``W`` have waited
in audit too long, ``D`` are due soon, ``H`` are on hold (their follow-up date has come:
they come first, earliest follow-up first). A decision the order's status does not allow
is refused before any reason is asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Header, Static
from textual.worker import Worker

from ..commands import ScreenCommands
from ..failures import error_text, failure_text
from ..i18n import N_, _, ngettext
from ..messages import OpenOrder, Said
from ..services.platform.errors import OmsError
from ..services.sales import audit_checks, audit_decisions, audit_queue
from ..services.states.order_states import OrderStatus, allowed_next
from ..widgets.footer import KeysFooter
from ..widgets.order_list import OrderList
from ..widgets.quick_open import QuickOpen
from . import OmsScreen
from .audit_dialogs import BulkResultDialog, ReasonDialog
from .audit_rows import queue_head, queue_row
from .formats import priority_reasons, said
from .list_screen import key_hint

PAGE = 50
KEYS = (("b", N_("send back")), ("u", N_("bump")),
        ("Space", N_("select")),  # i18n: no (key names stay)
        ("A/F2", N_("bulk approve")),
        ("Enter", N_("open")), ("F5", N_("refresh")))  # fmt: skip  # i18n: no (key names)

# Preset reasons (N_): the one picked is saved as typed, in the reviewer's language.
REJECT_REASONS = (N_("Customer cancelled"), N_("Duplicate order"), N_("Price not agreed"),
                  N_("Credit refused"), N_("Cannot deliver there"))  # fmt: skip
HOLD_REASONS = (N_("Waiting for payment"), N_("Customer to confirm"), N_("Stock to arrive"),
                N_("Credit review"))  # fmt: skip
SEND_BACK_REASONS = (N_("Correct the prices"), N_("Address incomplete"),
                     N_("Requirements note missing"), N_("Wrong customer"))  # fmt: skip
BUMP_REASONS = (N_("Customer called"), N_("Key account asked"), N_("Sales manager asked"))
# The decisions by the status they move an order to: (key, what it does, as done).
DECISIONS = {
    OrderStatus.APPROVED: ("a", N_("approve"), N_("approved")),
    OrderStatus.REJECTED: ("x", N_("reject"), N_("rejected")),
    OrderStatus.ON_HOLD: ("h", N_("hold"), N_("held")),
    OrderStatus.DRAFT: ("b", N_("send back"), N_("sent back")),
}
APPROVE_ANYWAY_REASONS = (N_("Manager approved"), N_("Paid in advance"),
                          N_("Checked with the customer"))  # fmt: skip


def key_hints() -> Content:
    """The key hint line in the current language."""
    return key_hint(*((key, _(does)) for key, does in KEYS))


# -- the screen ------------------------------------------------------------------------------


class AuditQueueScreen(QuickOpen, OmsScreen):
    """The reviewer's list: decisions by one key, results from the services, then a reload."""

    MESSAGE_ID = "audit-message"
    MESSAGE_LAYOUT = False  # fixed height: no screen-wide layout pass

    CSS_PATH = "audit_queue.tcss"
    COMMANDS = {ScreenCommands}
    PALETTE_PREFIX = N_("Audit")
    ACTION_PERMISSIONS: ClassVar[dict[str, str]] = {
        action: "orders.audit"
        for action in ("approve", "reject", "hold", "send_back", "bump", "approve_selected")
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "approve", N_("Approve"), id="audit.approve",
                tooltip=N_("Approve the order (a failed check asks why)")),
        Binding("x", "reject", N_("Reject"), id="audit.reject",
                tooltip=N_("Reject: a reason, preset by digit or typed")),
        Binding("h", "hold", N_("Hold"), id="audit.hold",
                tooltip=N_("Put on hold: reason and follow-up date (+1, mon, 2026-12-01)")),
        Binding("b", "send_back", N_("Send back"), show=False, id="audit.send_back",
                tooltip=N_("Send back to entry for correction, with a reason")),
        Binding("u", "bump", N_("Bump"), show=False, id="audit.bump",
                tooltip=N_("Bump the priority, with a reason")),
        Binding("A,f2,ctrl+s", "approve_selected", N_("Bulk"), key_display="A/F2", show=False,
                id="audit.approve_selected",
                tooltip=N_("Approve the selected orders; failed checks skip one (A, F2 / Ctrl+S)")),
        Binding("space", "select", N_("Select"), key_display="Space", show=False,
                id="audit.select", tooltip=N_("Select / unselect the order for bulk approval")),
        Binding("enter", "open", N_("Open"), key_display="Enter", show=False, id="audit.open",
                tooltip=N_("Open the order: lines, checks, timeline")),
        Binding("down,j", "move(1)", N_("Next"), key_display="Down/j", show=False, id="audit.next",
                tooltip=N_("Next order (Up / k: previous)")),
        Binding("up,k", "move(-1)", "", show=False, id="audit.previous"),  # listed with Down
        Binding("f5,ctrl+r", "refresh", N_("Refresh"), key_display="F5/^R", show=False,
                id="audit.refresh",
                tooltip=N_("Score the queue again and reload it (F5 / Ctrl+R)")),
    ]  # fmt: skip

    PALETTE: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("approve", N_("Approve"), N_("The highlighted order (a)")),
        ("reject", N_("Reject"), N_("With a reason (x)")),
        ("hold", N_("Hold"), N_("Reason and follow-up date (h)")),
        ("send_back", N_("Send back to entry"), N_("For correction, with a reason (b)")),
        ("bump", N_("Bump priority"), N_("With a reason (u)")),
        ("select", N_("Select / unselect"), N_("For bulk approval (Space)")),
        ("approve_selected", N_("Approve selected"), N_("Failed checks skip one (A, F2 / Ctrl+S)")),
        ("open", N_("Open order"), N_("Lines, checks, timeline (Enter)")),
        ("refresh", N_("Refresh queue"), N_("Score again and reload (F5 / Ctrl+R)")),
    )

    class BulkDone(Message):
        def __init__(self, result: audit_decisions.BulkApproval) -> None:
            super().__init__()
            self.result = result

    class Rescored(Message):
        pass

    class Checked(Message):
        """An order never checked before has its checks now (``row``: with them)."""

        def __init__(self, row: audit_queue.QueueRow) -> None:
            super().__init__()
            self.row = row

    def __init__(self) -> None:
        super().__init__()
        self._busy = False
        self._rescore_when_shown = True  # on opening: score again once the first page shows
        self._checking: set[int] = set()  # order ids whose checks a worker is running
        self._count: audit_queue.QueueCount | None = None  # read with the first page

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="audit"):
            yield Static("", id="audit-status")
            yield Static("", id="audit-head")
            queue = OrderList(queue_row, key=lambda r: r.order_id, id="queue",
                              empty_text=N_("Nothing waiting for audit."))  # fmt: skip
            queue.load(self._fetch)  # the stored scores first, read while the screen is built
            yield queue
            yield Static("", id="audit-info")
            yield Static("", id="audit-message")
            yield Static(key_hints(), id="audit-keys")
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#queue", OrderList).focus()
        self.query_one("#audit-head", Static).update(queue_head(self.size.width - 1),
                                                     layout=False)  # fmt: skip
        self.say("")

    def on_resize(self) -> None:
        self.query_one("#audit-head", Static).update(queue_head(self.size.width - 1))

    def retranslate(self) -> None:
        """The language changed: heads, counts, the order's line and the keys in it."""
        self.on_resize()
        self.query_one("#audit-keys", Static).update(key_hints())
        self.show_status()
        self.show_info(self.queue.highlighted)
        self.queue.reload()  # the rows' words ("checking…") too

    def on_screen_resume(self) -> None:
        if not self._rescore_when_shown:  # back from an order's detail: it may have changed
            self.queue.reload()

    @property
    def queue(self) -> OrderList[audit_queue.QueueRow]:
        return self.query_one("#queue", OrderList)

    @property
    def today(self) -> date:
        return self.context.clock().date()

    def now(self) -> datetime:
        return self.context.clock().astimezone(UTC)

    def show_status(self) -> None:
        q, n = self.queue, self._count
        if n is None:
            count = f"{len(q.rows)}{'+' if q.loading_more else ''}"
        else:
            count = str(n.in_queue)
        waiting = ngettext(
            "{count} order waiting", "{count} orders waiting", 1 if count == "1" else 2
        ).format(count=count)
        held = (_(" ({n} held, follow-up due)").format(n=n.held_due) if n and n.held_due
                else "")  # fmt: skip
        selected = _(" · {n} selected").format(n=len(q.selected)) if q.selected else ""
        self.query_one("#audit-status", Static).update(Content.assemble(
            (waiting, "bold"), held, selected,
            ("   H", "bold $text-warning"), _(" held "), ("W", "bold $text-warning"),
            _(" too long "), ("D", "bold $text-warning"), _(" due soon"),
        ), layout=False)  # fmt: skip

    def show_info(self, row: audit_queue.QueueRow | None) -> None:
        info = self.query_one("#audit-info", Static)
        if row is None:
            info.update("", layout=False)
            return
        wanted = row.requested_date.isoformat() if row.requested_date else _("no date")
        since = row.waiting_since.astimezone().strftime("%m-%d %H:%M")
        marks = [t for t, on_ in ((_("waiting too long"), row.waiting_too_long),
                                  (_("due soon"), row.due_soon)) if on_]  # fmt: skip
        info.update(Content.assemble(
            (row.number, "bold"),
            _("  prio {score}: {reasons}").format(score=row.priority_score,
                                                  reasons=priority_reasons(row.priority_reasons))
            + "\n",
            _("wanted {date} · in audit since {since}").format(date=wanted, since=since),
            (" · " + ", ".join(marks), "bold $text-warning") if marks else "",
            (_(" · on hold") if row.status == OrderStatus.ON_HOLD else ""),
            (_(" · follow up {date}").format(date=row.follow_up_on) if row.follow_up_on else ""),
        ), layout=False)  # fmt: skip

    # -- loading -----------------------------------------------------------------------------

    def _fetch(
        self, cursor: audit_queue.QueueCursor | None
    ) -> tuple[list[audit_queue.QueueRow], Any]:
        """One page (in the list's worker), as stored: rows never checked are checked after."""
        page = audit_queue.queue(
            self.db, limit=PAGE, after=cursor, today=self.today, now=self.now()
        )
        if cursor is None:  # the first page: the count by the queue's rule (as home shows)
            self._count = audit_queue.count(self.db, self.today)
        return list(page.rows), page.next

    def _check_unchecked(self) -> None:
        """Run the checks of loaded rows never checked (about 10-20 ms an order) in a worker."""
        rows = [r for r in self.queue.rows
                if not r.checks_level and r.order_id not in self._checking]  # fmt: skip
        if rows:
            self._checking.update(r.order_id for r in rows)
            self.check_rows(self.db, self.today, rows)

    @work(thread=True, group="audit-checks", exit_on_error=False,
          description=N_("run the checks"))  # fmt: skip
    def check_rows(self, db: Any, today: date, rows: list[audit_queue.QueueRow]) -> None:
        for row in rows:
            run = audit_checks.check_run(db, row.order_id, today)
            checked = replace(row, checks_level=run.level,
                              checks_summary=audit_checks.summarise(run.checks))  # fmt: skip
            self.post_message(self.Checked(checked))

    def worker_failed(self, worker: Worker, error: BaseException) -> None:
        if worker.group == "audit-checks":  # left "checking…": the next page checks them again
            self._checking.clear()
        elif worker.group == "audit-rescore":  # the queue as last scored
            self.queue.reload()
        elif worker.group == "audit-decision":  # nothing half done (one transaction an order)
            self._busy = False
            self.queue.reload()
        super().worker_failed(worker, error)

    @on(Checked)
    def checked(self, message: Checked) -> None:
        self._checking.discard(message.row.order_id)
        self.queue.update_rows([message.row])
        highlighted = self.queue.highlighted
        if highlighted is not None and highlighted.order_id == message.row.order_id:
            self.show_info(highlighted)

    def action_refresh(self) -> None:
        self.say(_("Scoring the queue…"))
        self.rescore(self.db, self.today)

    @work(thread=True, exclusive=True, group="audit-rescore", exit_on_error=False,
          description=N_("score the queue"))  # fmt: skip
    def rescore(self, db: Any, today: date) -> None:
        audit_decisions.refresh_priorities(db, today)
        self.post_message(self.Rescored())

    @on(Rescored)
    def rescored(self) -> None:
        self.say("")
        self.queue.reload()

    @on(OrderList.Loaded, "#queue")
    def loaded(self, message: OrderList.Loaded) -> None:
        self.show_status()
        self.show_info(self.queue.highlighted)
        # Once the page is painted: the checks' and the rescore's workers (Python, 10-20 ms
        # an order) share the GIL with the UI thread and held up the page's paint.
        self.call_after_refresh(self._after_page)

    def _after_page(self) -> None:
        self._check_unchecked()
        if self._rescore_when_shown:  # the first page is on screen: now score again
            self._rescore_when_shown = False
            self.action_refresh()

    @on(OrderList.Failed, "#queue")
    def load_failed(self, message: OrderList.Failed) -> None:
        if self._rescore_when_shown:  # the stored order could not be read: score, then retry
            self._rescore_when_shown = False
            self.action_refresh()
            return
        self.say(failure_text(N_("read the queue"), message.error), error=True)

    @on(OrderList.Highlighted, "#queue")
    def highlighted(self, message: OrderList.Highlighted) -> None:
        self.show_info(message.row)

    @on(OrderList.SelectionChanged, "#queue")
    def selection_changed(self) -> None:
        self.show_status()

    @on(OrderList.Opened, "#queue")
    def opened(self, message: OrderList.Opened) -> None:
        self.post_message(OpenOrder(message.row.number))

    # -- keys --------------------------------------------------------------------------------

    def action_move(self, step: int) -> None:
        self.queue.action_move(step)

    def action_select(self) -> None:
        self.queue.action_toggle()

    def action_open(self) -> None:
        self.queue.action_open()

    def _row(self, to: OrderStatus | None = None) -> audit_queue.QueueRow | None:
        """The highlighted order, if ``to`` is a status it can move to now: an action its
        status does not allow is refused here, before any reason is asked for."""
        row = self.queue.highlighted
        if row is None:
            self.say(_("No order highlighted."), error=True)
        elif self._busy:
            self.say(_("Wait: the last decision is still being saved."), error=True)
            return None
        elif to is not None and to not in allowed_next(row.status) and to != row.status:
            status = OrderStatus(row.status)
            can = [(_("{key} {verb} again") if s == status else _("{key} {verb}")).format(
                       key=key, verb=_(verb))
                   for s, (key, verb, _done) in DECISIONS.items()
                   if s in allowed_next(status) or s == status]  # fmt: skip
            self.say(_("{number} {status} cannot be {done}: {can}.").format(
                number=row.number, status=said(status.label).lower(),
                done=_(DECISIONS[to][2]), can=", ".join(can)), error=True)  # fmt: skip
            return None
        return row

    def _ask(self, title: str, presets: Sequence[str], then: Callable[[str, date | None], None],
             ask_date: bool = False) -> None:  # fmt: skip
        def answered(answer: tuple[str, date | None] | None) -> None:
            if answer is not None:
                then(*answer)

        self.app.push_screen(ReasonDialog(title, presets, today=self.today, ask_date=ask_date),
                             callback=answered)  # fmt: skip

    def action_approve(self) -> None:
        row = self._row(OrderStatus.APPROVED)
        if row is None:
            return
        if not row.checks_level:
            self.say(
                _("{number} is still being checked: a moment, then approve.").format(
                    number=row.number
                ),
                error=True,
            )
            return
        if row.checks_level == audit_checks.FAIL:
            self._ask(_("Approve {number} despite failed checks: why?").format(number=row.number),
                      APPROVE_ANYWAY_REASONS,
                      lambda reason, _d: self.decide("approve", row, reason=reason))  # fmt: skip
        else:
            self.decide("approve", row)

    def action_reject(self) -> None:
        if row := self._row(OrderStatus.REJECTED):
            self._ask(_("Reject {number}: why?").format(number=row.number), REJECT_REASONS,
                      lambda reason, _d: self.decide("reject", row, reason=reason))  # fmt: skip

    def action_hold(self) -> None:
        if row := self._row(OrderStatus.ON_HOLD):
            title = (_("Hold {number} again: why, and until when?")
                     if row.status == OrderStatus.ON_HOLD
                     else _("Hold {number}: why, and until when?"))  # fmt: skip
            self._ask(title.format(number=row.number), HOLD_REASONS,
                      lambda reason, d: self.decide("hold", row, reason=reason, follow_up=d),
                      ask_date=True)  # fmt: skip

    def action_send_back(self) -> None:
        if row := self._row(OrderStatus.DRAFT):
            self._ask(_("Send {number} back to entry: what to correct?").format(number=row.number),
                      SEND_BACK_REASONS,
                      lambda reason, _d: self.decide("send_back", row, reason=reason))  # fmt: skip

    def action_bump(self) -> None:
        if row := self._row():
            self._ask(_("Bump {number}: why?").format(number=row.number), BUMP_REASONS,
                      lambda reason, _d: self.decide("bump", row, reason=reason))  # fmt: skip

    def action_approve_selected(self) -> None:
        ids = [r.order_id for r in self.queue.selected.values()]
        if not ids:
            self.say(_("Select orders with Space first, then A (or F2) approves them."), error=True)
            return
        self._busy = True
        self.say(
            ngettext(
                "Approving {n} selected order…", "Approving {n} selected orders…", len(ids)
            ).format(n=len(ids))
        )
        self.approve_selected(ids)

    @work(thread=True, exclusive=True, group="audit-decision", exit_on_error=False,
          description=N_("approve the selected orders"))  # fmt: skip
    def approve_selected(self, ids: list[int]) -> None:
        result = audit_decisions.approve_many(self.db, self.user, ids, today=self.today)
        self.post_message(self.BulkDone(result))

    def decide(self, kind: str, row: audit_queue.QueueRow, **kw: Any) -> None:
        self._busy = True
        verb = {
            "approve": N_("approve"),
            "reject": N_("reject"),
            "hold": N_("hold"),
            "send_back": N_("send back"),
            "bump": N_("bump"),
        }[kind]
        self.say(_("Saving: {verb} {number}…").format(verb=_(verb), number=row.number))
        self.run_decision(kind, row, kw)

    @work(thread=True, exclusive=True, group="audit-decision", exit_on_error=False,
          description=N_("save the decision"))  # fmt: skip
    def run_decision(self, kind: str, row: audit_queue.QueueRow, kw: dict[str, Any]) -> None:
        db, user, oid, version = self.db, self.user, row.order_id, row.version
        try:
            if kind == "approve":
                view = audit_decisions.approve(db, user, oid, version, reason=kw.get("reason", ""))
                text = _("{number} approved: {status}.").format(
                    number=row.number, status=said(view.status_label).lower()
                )
            elif kind == "reject":
                audit_decisions.reject(db, user, oid, kw["reason"], version)
                text = _("{number} rejected: {reason}.").format(
                    number=row.number, reason=kw["reason"]
                )
            elif kind == "hold":
                audit_decisions.hold(db, user, oid, kw["reason"], kw["follow_up"], version,
                           today=self.today)  # fmt: skip
                text = _("{number} on hold until {date}: {reason}.").format(
                    number=row.number, date=kw["follow_up"], reason=kw["reason"]
                )
            elif kind == "send_back":
                audit_decisions.send_back(db, user, oid, kw["reason"], version)
                text = _("{number} sent back to entry: {reason}.").format(
                    number=row.number, reason=kw["reason"]
                )
            else:
                prio = audit_decisions.bump(db, user, oid, kw["reason"], today=self.today)
                text = _("{number} bumped to {score}: {reason}.").format(
                    number=row.number, score=prio.score, reason=kw["reason"]
                )
        except OmsError as error:  # changed meanwhile (StaleData), or refused: read again
            told = error_text(error)  # the order named once (a refusal names it already)
            told = told if row.number in told else f"{row.number}: {told}"
            self.post_message(Said(f"{told[0].upper()}{told[1:]}.", error=True, reload=True))
            return
        self.post_message(Said(text, reload=True))

    def job_said(self, message: Said) -> None:
        self._busy = False  # a decision was saved or refused
        super().job_said(message)

    def reload_after_job(self) -> None:
        self.queue.reload()

    @on(BulkDone)
    def bulk_done(self, message: BulkDone) -> None:
        self._busy = False
        r = message.result
        self.say(
            _("Approved {approved}, skipped {skipped}.").format(
                approved=len(r.approved), skipped=len(r.skipped)
            )
        )
        self.queue.clear_selection()
        self.queue.reload()
        self.show_status()
        self.app.push_screen(BulkResultDialog(r))
