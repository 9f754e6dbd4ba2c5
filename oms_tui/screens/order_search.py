"""Order search: one query line, results in a virtual list over any number of orders.

Keys (the README copies these rows):

| Key         | Twin        | Where                 | Does                                         |
|-------------|-------------|-----------------------|----------------------------------------------|
| `Enter`     |             | order search, query   | search; the results get the focus            |
| `Down`      |             | order search, query   | go to the results                            |
| `F4`        | `Ctrl+L`    | order search          | back to the query line (`/` in the results)  |
| `Enter`     |             | any list              | open the order's detail                      |
| `F5`        | `Ctrl+R`    | order search          | search again                                 |

The screen opens, and comes back, on the query line with the last query selected (F4 too).
The query line (``services/order_query.py``): an order number (``so-2026-12``), a phone
(3 digits or more), a name; ``st:pending,hold``, ``ch:phone``, ``from:-7``, ``to:today``,
``p:CODE``. The list reads ``order_search.search`` pages (keyset, newest first) in thread
workers as it scrolls; nothing counts or loads the whole table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Header, Label, Static

from ..commands import ScreenCommands
from ..failures import failure_text
from ..i18n import N_, _, ngettext
from ..messages import OpenOrder
from ..services.platform.errors import OmsError
from ..services.platform.money import format_money
from ..services.sales import order_search
from ..services.sales.audit_checks import get_audit_settings
from ..services.sales.order_query import SYNTAX_HELP, AlertRule, alert_marks, parse_query
from ..widgets.footer import KeysFooter
from ..widgets.order_list import OrderList, Piece, fit
from ..widgets.quick_open import QuickOpen
from ..widgets.scan_input import ScanInput
from . import OmsScreen
from .formats import said

PAGE = 50
# the query line's help (a service's words, ``order_query.SYNTAX_HELP``), for the catalog
N_(
    "number, phone, name or pinyin, product code; st:pending ch:phone from:-7 to:today"
    " (st: several with commas)"
)


@dataclass(frozen=True)
class FoundRow:
    """A search row with its alert marks."""

    row: order_search.SearchRow
    waiting: bool
    due: bool


def found_row(item: FoundRow, width: int) -> list[Piece]:
    r = item.row
    customer = max(8, width - 2 - 15 - 12 - 14 - 12 - 1)
    at = (r.created_at if r.created_at.tzinfo else r.created_at.replace(tzinfo=UTC)).astimezone()
    return [
        (("W" if item.waiting else " ") + ("D" if item.due else " "), "alert"),
        (" " + fit(r.number, 14), ""),
        (" " + at.strftime("%m-%d %H:%M"), "dim"),
        (" " + fit(r.customer_name, customer), ""),
        (" " + fit(said(r.status_label), 13), ""),
        (" " + fit(format_money(r.total_minor, r.currency), 11, True), ""),
    ]


def results_head(width: int) -> str:
    customer = max(8, width - 2 - 15 - 12 - 14 - 12 - 1)
    heads = [fit(_("Order"), 14), fit(_("Created"), 11), fit(_("Customer"), customer),
             fit(_("Status"), 13), fit(_("Total"), 11, True)]  # fmt: skip
    return "   " + " ".join(heads)


class OrderSearchScreen(QuickOpen, OmsScreen):
    """Type, Enter, scroll; Enter on an order opens it."""

    MESSAGE_ID = "search-status"
    MESSAGE_LAYOUT = False  # fixed height: no screen-wide layout pass

    CSS_PATH = "order_search.tcss"
    COMMANDS = {ScreenCommands}
    PALETTE_PREFIX = N_("Orders")
    PALETTE: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("query", N_("Find"), N_("Back to the query line (F4 / Ctrl+L, / in the results)")),
        ("search", N_("Search again"), N_("Run the query again (F5 / Ctrl+R)")),
        ("open", N_("Open order"), N_("Open the highlighted order (Enter)")),
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f4,ctrl+l", "query", N_("Find"), key_display="F4/^L", id="orders.query",
                tooltip=N_("Back to the query line (/ in the results)")),
        Binding("slash", "query", "", show=False, id="orders.query_slash"),
        Binding("f5,ctrl+r", "search", N_("Refresh"), key_display="F5/^R", show=False,
                id="orders.refresh", tooltip=N_("Search again (F5 / Ctrl+R)")),
        Binding("down", "results", N_("Results"), key_display="Down", show=False,
                id="orders.results", tooltip=N_("From the query line to the results")),
        Binding("enter", "open", N_("Open"), key_display="Enter", show=False, id="orders.open",
                tooltip=N_("Open the highlighted order")),
    ]  # fmt: skip

    class Truncated(Message):
        pass

    def __init__(self) -> None:
        super().__init__()
        self._rule: AlertRule | None = None
        self._query_text = ""
        self._truncated = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="search"):
            with Horizontal(id="query-row"):
                yield Label(_("Find"), id="query-label")
                yield ScanInput(
                    id="query",
                    keep_value=True,
                    placeholder=_("number, phone or name; st:pending from:-7"),
                )
            yield Static(Content.styled(_(SYNTAX_HELP), "dim"), id="search-status")
            yield Static("", id="results-head")
            yield OrderList(found_row, key=lambda f: f.row.id, id="results",
                            empty_text=N_("No order matches."))  # fmt: skip
        yield KeysFooter(compact=True)

    @property
    def results(self) -> OrderList[FoundRow]:
        return self.query_one("#results", OrderList)

    @property
    def today(self) -> date:
        return self.context.clock().date()

    def on_mount(self) -> None:
        self.query_one("#query", ScanInput).focus()
        self.query_one("#results-head", Static).update(results_head(self.size.width - 1))
        self.run_search("", focus=False)

    def on_screen_resume(self) -> None:
        # back to order search: the query line, its last query selected (keys typed now
        # are a query, never keys of the results: issue #16)
        self.query_one("#query", ScanInput).focus_selected()

    def on_resize(self) -> None:
        self.query_one("#results-head", Static).update(results_head(self.size.width - 1))

    def retranslate(self) -> None:
        """The language changed: the label, hint, heads, rows and count line in it."""
        self.query_one("#query-label", Label).update(_("Find"))
        self.query_one("#query", ScanInput).placeholder = _(
            "number, phone or name; st:pending from:-7"
        )
        self.on_resize()
        self.action_search()

    # -- searching ----------------------------------------------------------------------------

    @on(ScanInput.Scanned, "#query")
    def entered(self, event: ScanInput.Scanned) -> None:
        event.stop()
        self.run_search(event.value, focus=True)

    def action_search(self) -> None:
        self.run_search(self.query_one("#query", ScanInput).value, focus=False)

    def run_search(self, text: str, focus: bool) -> None:
        try:
            query = parse_query(text, self.today)
        except OmsError as error:
            self.say(str(error), error=True)
            return
        self._query_text = text
        self._truncated = False
        self.say(Content.styled(_("Searching…"), "dim"))
        # the old rows stay until the first page comes (no "loading…" repaint meanwhile)
        self.results.load(self._fetcher(query), clear=False)
        if focus:
            self.results.focus()

    def _fetcher(self, query: order_search.OrderQuery) -> Any:
        db, clock = self.db, self.context.clock

        def fetch(cursor: order_search.SearchCursor | None) -> tuple[list[FoundRow], Any]:
            if self._rule is None:
                w = get_audit_settings(db)
                self._rule = AlertRule(w.audit_alert_hours, w.audit_due_soon_days)
            page = order_search.search(db, query, after=cursor, limit=PAGE)
            if page.customers_truncated and cursor is None:
                self.post_message(self.Truncated())
            local_now = clock()
            now, today = local_now.astimezone(UTC), local_now.date()
            rows = []
            for r in page.rows:
                created = r.created_at if r.created_at.tzinfo else r.created_at.replace(tzinfo=UTC)
                waiting, due = alert_marks(self._rule, status=r.status,
                                           requested_date=r.requested_date, since=created,
                                           now=now, today=today)  # fmt: skip
                rows.append(FoundRow(r, waiting, due))
            return rows, page.next

        return fetch

    @on(Truncated)
    def truncated(self) -> None:
        self._truncated = True

    @on(OrderList.Loaded, "#results")
    def loaded(self, message: OrderList.Loaded) -> None:
        more = "+" if message.more else ""
        count = ngettext("{count} order", "{count} orders", 2 if more else message.count)
        parts: list[Any] = [(count.format(count=f"{message.count}{more}"), "bold")]
        if self._query_text.strip():
            parts.append(_(" for “{text}”").format(text=self._query_text.strip()))
        if self._truncated:
            parts.append((_(" · many customers match: only the first 50; type more"),
                          "$text-warning"))  # fmt: skip
        parts += [("   W", "bold $text-warning"), _(" waiting too long  "),
                  ("D", "bold $text-warning"), _(" due soon")]  # fmt: skip
        self.say(Content.assemble(*parts))

    @on(OrderList.Failed, "#results")
    def failed(self, message: OrderList.Failed) -> None:
        self.say(failure_text(N_("search the orders"), message.error), error=True)

    @on(OrderList.Opened, "#results")
    def opened(self, message: OrderList.Opened) -> None:
        self.post_message(OpenOrder(message.row.row.number))

    # -- keys ---------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "results":  # Down in the query line only (the list has its own)
            return isinstance(self.focused, ScanInput)
        return super().check_action(action, parameters)

    def action_query(self) -> None:
        self.query_one("#query", ScanInput).focus_selected()

    def action_results(self) -> None:
        self.results.focus()

    def action_open(self) -> None:
        self.results.action_open()
