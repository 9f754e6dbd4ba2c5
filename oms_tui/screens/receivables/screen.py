"""Receivables: the aging view (the package's docstring has the area's keys)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Header, Static
from textual.worker import Worker

from ...failures import failure_text, logged_text
from ...services.finance import aging, dunning
from ...services.parties import customers
from ...services.platform.errors import InvalidInput
from ...services.platform.money import format_money
from ...widgets.footer import KeysFooter
from ...widgets.form_dialog import FormDialog, FormField
from ...widgets.order_list import OrderList, Piece, fit, fit_name
from ..formats import plural
from ..printouts import letters_renderer, print_saved
from .customer import CustomerScreen, RecvBase
from .dialogs import CollectionsDialog, DunningDialog, parse_date
from .rows import Grid, grid, grid_cells, grid_head
from .today import TodayScreen

DSO_DAYS = 90
FIND_LIMIT = 2000  # customers a find matches, best first, looked for among the list's rows
# the keys the Footer has no room for at 80 columns (Enter opens, as on every list)
# (key, what it does, action): a key the user's role may not use is left out
AGING_KEYS = (("F4", "as of", "as_of"), ("F8", "today", "today"), ("F9", "dunning", "dunning"),
              ("F10", "statement", "statement"), ("F11", "release", "release_hold"),
              ("t", "apply credit", "apply_credit"))  # fmt: skip


# -- the aging view ---------------------------------------------------------------------------


class ReceivablesScreen(RecvBase):
    """Aging by customer, riskiest first; the customer's account and the collection keys."""

    MODE = "receivables"
    MESSAGE_ID = "recv-message"
    PALETTE_PREFIX = "Receivables"
    PALETTE: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("open", "Open customer", "Open invoices, credit, follow-ups (Enter)"),
        ("find", "Find customer", "By any part of the name, code, phone or pinyin; again: "
                                  "the next one (/ or f)"),
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
        Binding("slash,f", "find", "Find", key_display="/", id="recv.find",
                tooltip="Find a customer in the list: any part of the name, code, phone or "
                        "pinyin (永安, szya, 1234); the same again: the next one"),
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
        self._find = ""  # the last text found (asked again, selected; the same: the next)

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
            yield Static(self.keys_offered(AGING_KEYS), id="recv-keys")
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

    # Coming back to the screen reads the aging again when it is older than this (another
    # area's work, another clerk's payments), or when it was read for another day.
    STALE_AFTER = timedelta(minutes=5)

    def on_screen_resume(self) -> None:
        self.rows.focus()
        report = self.report
        old = report is not None and (
            report.as_of != self.day
            or self._read_at is None
            or self.context.clock() - self._read_at > self.STALE_AFTER
        )
        if self._away or old:  # back from a customer or today's list: payments may be in
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

    _read_at: datetime | None = None  # when the aging shown was asked for (the app clock)

    def reload(self, keep: bool = True) -> None:
        self._read_at = self.context.clock()
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
        opened = f" · open {format_money(row.total_minor, cur)}"
        on_account = (f" (on account {format_money(row.on_account_minor, cur)})"
                      if row.on_account_minor else "")  # fmt: skip
        overdue = (f" · overdue {format_money(row.overdue_minor, cur)}{share}"
                   if row.overdue_minor > 0 else " · nothing overdue")  # fmt: skip
        # the name gives way: the amounts show whole
        name = fit_name(row.name, info.content_size.width or self.size.width - 2, row.code, " ",
                        opened, on_account, overdue)  # fmt: skip
        info.update(Content.assemble(
            (row.code, "dim"), " ", (name, "bold"), opened, (on_account, "$text-success"),
            (overdue, "$text-warning" if row.overdue_minor > 0 else "$text-success"),
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

    def action_find(self) -> None:
        """Ask what to find (the last text there, selected); highlight the first customer of
        the list it matches after the highlighted one (``customers.search_customers``' rules:
        any fragment of name, code, phone, address or pinyin)."""
        db = self.db
        found: list[list[int]] = []

        def run(v: dict[str, str]) -> str:
            text = v["find"].strip()
            if not text:
                raise InvalidInput("type a part of a name, code, phone or pinyin", "find")
            found.append(customers.matching_customer_ids(db, text, limit=FIND_LIMIT))
            return text

        def finished(text: str | None) -> None:
            if text and found:
                self.show_found(text, set(found[-1]))

        self.app.push_screen(FormDialog("Find customer", [
            FormField("find", "Find", self._find, "永安, szya, C000123, 1234"),
        ], run), callback=finished)  # fmt: skip

    def show_found(self, text: str, ids: set[int]) -> None:
        again, self._find = text == self._find, text
        hits = [i for i, r in enumerate(self.rows.rows) if r.customer_id in ids]
        if not hits:
            self.say(f"No customer in the list matches “{text}” (nothing open as of "
                     f"{self.day}, or no such customer).", error=True)  # fmt: skip
            return
        start = self.rows.cursor if again else -1
        at = next((i for i in hits if i > start), hits[0])
        self.rows.cursor = at
        self.rows.focus()
        self.say(f"“{text}”: {hits.index(at) + 1} of {plural(len(hits), 'customer')} in the "
                 "list (/ again: the next)")  # fmt: skip

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

        self.app.push_screen(FormDialog("Aging as of", [
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
        taken: list[dunning.DunningRun] = []

        def run(v: dict[str, str]) -> str:
            day = parse_date(v["as_of"], today, "as_of") or today
            taken.append(dunning.run_dunning(db, user, day, today, render=letters_renderer(db)))
            return day.isoformat()

        def finished(text: str | None) -> None:
            if not text or not taken:
                return  # backed out: nothing was run
            done = taken[-1]
            promised = (f" ({plural(len(done.promised), 'customer')} promised to pay)"
                        if done.promised else "")  # fmt: skip
            if not done.steps:
                self.say(f"Dunning as of {done.as_of}: no customer has reached a new "
                         f"step{promised}.")  # fmt: skip
                return
            self._busy = True
            self.say(Content.styled("Printing the dunning letters…", "dim"))
            self.print_letters(done)

        self.app.push_screen(FormDialog("Run dunning", [
            FormField("as_of", "As of", today.isoformat(), "-7, 2026-01-31, blank: today"),
        ], run, note=Content.styled(
            "Takes the step each customer has reached by this date (reminder, second and "
            "final notice, credit hold; not for a promise to pay standing), saves their "
            "letters and prints them. Enter runs.", "dim",
        )), callback=finished)  # fmt: skip

    @work(thread=True, exclusive=True, group="recv-dunning", exit_on_error=False,
          description="print the dunning letters")  # fmt: skip
    def print_letters(self, done: dunning.DunningRun) -> None:
        try:
            where = print_saved(self.db, done.path, dunning.run_name(done.number))
        except Exception as error:  # noqa: BLE001 - the steps stand; say what did not print
            where = f"not printed: {logged_text('print the dunning letters', error)}"
        self.post_message(self.DunningDone(list(done.steps), where))

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
