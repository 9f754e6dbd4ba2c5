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
from ...i18n import N_, _, ngettext
from ...services.finance import aging, dunning
from ...services.parties import customers
from ...services.platform.errors import InvalidInput
from ...services.platform.money import format_money
from ...widgets.footer import KeysFooter
from ...widgets.form_dialog import FormDialog, FormField
from ...widgets.order_list import OrderList, Piece, fit, fit_name
from ..printouts import letters_renderer, print_saved
from .customer import CustomerScreen, RecvBase
from .dialogs import CollectionsDialog, DunningDialog, parse_date
from .rows import Grid, grid, grid_cells, grid_head
from .today import TodayScreen

DSO_DAYS = 90
FIND_LIMIT = 2000  # customers a find matches, best first, looked for among the list's rows
# the keys the Footer has no room for at 80 columns (Enter opens, as on every list)


# (key, what it does, action): a key the user's role may not use is left out
AGING_KEYS = (("F4", N_("as of"), "as_of"), ("F8", N_("today"), "today"),
              ("F9", N_("dunning"), "dunning"), ("F10", N_("statement"), "statement"),
              ("F11", N_("release"), "release_hold"),
              ("t", N_("apply credit"), "apply_credit"))  # fmt: skip


def customers_text(n: int) -> str:
    return ngettext("{n} customer", "{n} customers", n).format(n=n)


# -- the aging view ---------------------------------------------------------------------------


class ReceivablesScreen(RecvBase):
    """Aging by customer, riskiest first; the customer's account and the collection keys."""

    MODE = "receivables"
    MESSAGE_ID = "recv-message"
    PALETTE_PREFIX = N_("Receivables")
    PALETTE: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("open", N_("Open customer"), N_("Open invoices, credit, follow-ups (Enter)")),
        ("find", N_("Find customer"), N_("By any part of the name, code, phone or pinyin; "
                                         "again: the next one (/ or f)")),
        ("as_of", N_("Aging as of"), N_("Another date: -30, 2026-01-31 (F4 / Ctrl+L)")),
        ("payment", N_("Record payment"), N_("From the highlighted customer (F6 / Ctrl+O)")),
        ("follow_up", N_("Record follow-up"), N_("Call, promise, letter, note (F7 / Ctrl+N)")),
        ("apply_credit", N_("Apply credit on account"),
         N_("Of the highlighted customer to their open invoices, oldest due first (t)")),
        ("today", N_("Today's follow-ups"), N_("Due today or before (F8 / Ctrl+Y)")),
        ("dunning", N_("Run dunning"), N_("As of a date (default today): reminders, notices, "
                                          "credit holds; print letters (F9 / Ctrl+B)")),
        ("statement", N_("Print statement"), N_("Of the highlighted customer (F10 / Ctrl+G)")),
        ("release_hold", N_("Release credit hold"), N_("Managers, with a reason (F11 / Ctrl+U)")),
        ("refresh", N_("Read again"), N_("The aging (F5 / Ctrl+R)")),
        ("collections", N_("Collections"), N_("Money received per month, last 12 months (c)")),
        ("van_runs", N_("Van runs"), N_("Settle a driver's cash and empties (v)")),
    )  # fmt: skip
    # the van runs' settle is finance's too (vans.settle), who has no dispatch to reach them by
    ACTION_PERMISSIONS: ClassVar[dict[str, str]] = {
        **RecvBase.ACTION_PERMISSIONS,
        "van_runs": "vans.settle",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash,f", "find", N_("Find"), key_display="/", id="recv.find",
                tooltip=N_("Find a customer in the list: any part of the name, code, phone or "
                           "pinyin (永安, szya, 1234); the same again: the next one")),
        Binding("c", "collections", N_("Collections"), key_display="c", show=False,
                id="recv.collections", tooltip=N_("Money received per month, last 12 months")),
        Binding("v", "van_runs", N_("Van runs"), key_display="v", show=False,
                id="recv.van_runs",
                tooltip=N_("The van runs: settle a driver's cash and empties")),
        Binding("f6,ctrl+o", "payment", N_("Payment"), key_display="F6/^O", id="recv.payment",
                tooltip=N_("Record a payment from the highlighted customer")),
        Binding("f7,ctrl+n", "follow_up", N_("Follow-up"), key_display="F7/^N",
                id="recv.follow_up", tooltip=N_("Record a call, promise, letter or note")),
        Binding("t", "apply_credit", N_("Apply credit"), key_display="t", id="recv.apply_credit",
                tooltip=N_("Apply the customer's credit on account to their open invoices")),
        Binding("f8,ctrl+y", "today", N_("Today"), key_display="F8/^Y", show=False,
                id="recv.today", tooltip=N_("Today's follow-ups; Enter opens the customer")),
        Binding("f9,ctrl+b", "dunning", N_("Dunning"), key_display="F9/^B", show=False,
                id="recv.dunning",
                tooltip=N_("Run dunning as of a date (default today); print the letters")),
        Binding("f10,ctrl+g", "statement", N_("Statement"), key_display="F10/^G", show=False,
                id="recv.statement", tooltip=N_("Print the customer's statement of account")),
        Binding("f11,ctrl+u", "release_hold", N_("Release"), key_display="F11/^U", show=False,
                id="recv.release", tooltip=N_("Release the customer's credit hold (managers)")),
        Binding("f4,ctrl+l", "as_of", N_("As of"), key_display="F4/^L", show=False,
                id="recv.as_of", tooltip=N_("Aging as of another date")),
        Binding("enter", "open", N_("Open"), key_display="Enter", show=False, id="recv.open",
                tooltip=N_("Open the customer: invoices, credit, follow-ups")),
        Binding("f5,ctrl+r", "refresh", N_("Refresh"), key_display="F5/^R", show=False,
                id="recv.refresh", tooltip=N_("Read the aging again")),
    ]  # fmt: skip

    class Read(Message):
        def __init__(self, report: aging.AgingReport, dso: aging.Dso, keep: bool) -> None:
            super().__init__()
            self.report, self.dso, self.keep = report, dso, keep

    class DunningDone(Message):
        def __init__(self, steps: list[dunning.DunningStep], where: str,
                     printed: bool = True) -> None:  # fmt: skip
            super().__init__()
            self.steps, self.where, self.printed = steps, where, printed

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
            yield Static(Content.styled(_("Reading the aging…"), "dim"), id="recv-status")
            yield Static("", id="recv-head")
            yield OrderList(self.format_row, key=lambda r: r.customer_id, id="recv-aging",
                            empty_text=_("No open receivables."))  # fmt: skip
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

    def retranslate(self) -> None:
        """The language changed: the key hint, and the aging read again (its heads, totals
        and status in the new language)."""
        self.query_one("#recv-keys", Static).update(self.keys_offered(AGING_KEYS))
        self.rows.empty_text = _("No open receivables.")
        self.reload()

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
            self.say(_("No customer highlighted: nobody owes anything as of this date."),
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
          description=N_("read the aging"))  # fmt: skip
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
        days = _("DSO {days} d").format(days=dso.dso if dso.dso is not None else "—")
        as_of = (_("As of {day} (today)") if report.as_of == self.today
                 else _("As of {day}")).format(day=report.as_of)  # fmt: skip
        self.query_one("#recv-status", Static).update(
            Content.assemble(
                (as_of, "bold"),
                (f" · {days}", "bold"),
                _(" · open {amount}").format(
                    amount=format_money(report.total_minor, report.currency)),
                (_(" · overdue {amount}").format(amount=format_money(overdue, report.currency)),
                 "$text-warning")
                if overdue
                else "",
            )
        )  # fmt: skip

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
            (" " + fit(_("Total: {customers}").format(customers=customers_text(len(report.rows))),
                       g.name_w), "bold"),
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
        opened = _(" · open {amount}").format(amount=format_money(row.total_minor, cur))
        on_account = (
            _(" (on account {amount})").format(amount=format_money(row.on_account_minor, cur))
            if row.on_account_minor
            else ""
        )
        overdue = (_(" · overdue {amount}").format(amount=format_money(row.overdue_minor, cur))
                   + share if row.overdue_minor > 0 else _(" · nothing overdue"))  # fmt: skip
        # the name gives way: the amounts show whole
        name = fit_name(row.name, info.content_size.width or self.size.width - 2, row.code, " ",
                        opened, on_account, overdue)  # fmt: skip
        info.update(Content.assemble(
            (row.code, "dim"), " ", (name, "bold"), opened, (on_account, "$text-success"),
            (overdue, "$text-warning" if row.overdue_minor > 0 else "$text-success"),
        ))  # fmt: skip

    @on(OrderList.Failed, "#recv-aging")
    def load_failed(self, message: OrderList.Failed) -> None:
        self.say(failure_text(N_("read the aging"), message.error), error=True)

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
                raise InvalidInput(_("type a part of a name, code, phone or pinyin"), "find")
            found.append(customers.matching_customer_ids(db, text, limit=FIND_LIMIT))
            return text

        def finished(text: str | None) -> None:
            if text and found:
                self.show_found(text, set(found[-1]))

        self.app.push_screen(FormDialog(_("Find customer"), [
            FormField("find", _("Find"), self._find, "永安, szya, C000123, 1234"),  # i18n: no
        ], run), callback=finished)  # fmt: skip

    def show_found(self, text: str, ids: set[int]) -> None:
        again, self._find = text == self._find, text
        hits = [i for i, r in enumerate(self.rows.rows) if r.customer_id in ids]
        if not hits:
            self.say(_("No customer in the list matches “{text}” (nothing open as of {day}, or "
                       "no such customer).").format(text=text, day=self.day),
                     error=True)  # fmt: skip
            return
        start = self.rows.cursor if again else -1
        at = next((i for i in hits if i > start), hits[0])
        self.rows.cursor = at
        self.rows.focus()
        self.say(_("“{text}”: {n} of {customers} in the list (/ again: the next)").format(
            text=text, n=hits.index(at) + 1, customers=customers_text(len(hits))))  # fmt: skip

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

        self.app.push_screen(FormDialog(_("Aging as of"), [
            FormField("as_of", _("As of"), self.day.isoformat(),
                      _("-30, 2026-01-31, blank: today")),
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

    def action_van_runs(self) -> None:
        from ..van_runs import VanRunsScreen

        # back here, the list is read again: a settled run's cash is in the ledger
        self.app.push_screen(VanRunsScreen(), callback=lambda _: self.action_refresh())

    def action_collections(self) -> None:
        self.read_collections(self.context.clock().date())

    @work(thread=True, exclusive=True, group="recv-collections", exit_on_error=False,
          description=N_("read the collections"))  # fmt: skip
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
            self.say(_("Wait: the letters of the last dunning run are still printing."),
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
            if not done.steps:
                self.say(
                    (
                        _(
                            "Dunning as of {day}: no customer has reached a new step ({customers} "
                            "promised to pay)."
                        )
                        if done.promised
                        else _("Dunning as of {day}: no customer has reached a new step.")
                    ).format(day=done.as_of, customers=customers_text(len(done.promised)))
                )
                return
            self._busy = True
            self.say(Content.styled(_("Printing the dunning letters…"), "dim"))
            self.print_letters(done)

        self.app.push_screen(FormDialog(_("Run dunning"), [
            FormField("as_of", _("As of"), today.isoformat(), _("-7, 2026-01-31, blank: today")),
        ], run, note=Content.styled(_(
            "Takes the step each customer has reached by this date (reminder, second and "
            "final notice, credit hold; not for a promise to pay standing), saves their "
            "letters and prints them. Enter runs."), "dim",
        )), callback=finished)  # fmt: skip

    @work(thread=True, exclusive=True, group="recv-dunning", exit_on_error=False,
          description=N_("print the dunning letters"))  # fmt: skip
    def print_letters(self, done: dunning.DunningRun) -> None:
        try:
            where = print_saved(self.db, done.path, dunning.run_name(done.number))
        except Exception as error:  # noqa: BLE001 - the steps stand; say what did not print
            where = _("not printed: {error}").format(
                error=logged_text(N_("print the dunning letters"), error)
            )
            self.post_message(self.DunningDone(list(done.steps), where, printed=False))
            return
        self.post_message(self.DunningDone(list(done.steps), where))

    @on(DunningDone)
    def dunning_done(self, message: DunningDone) -> None:
        self._busy = False
        steps = message.steps
        holds = sum(1 for s in steps if s.level == 4)
        letters = ngettext("{n} letter", "{n} letters", len(steps)).format(n=len(steps))
        if holds:
            letters += ", " + ngettext("{n} credit hold", "{n} credit holds", holds).format(n=holds)
        self.say(Content.assemble(
            (_("Dunning: {letters}").format(letters=letters), "bold $text-success"),
            _("; letters {where}.").format(where=message.where),
        ), error=not message.printed)  # fmt: skip
        self.reload()
        self.app.push_screen(DunningDialog(steps, message.where))
