"""Stocktake: count a warehouse with the scanner; post the differences as adjustments.

First the warehouse: its code (or the digit of one listed) on the scan line and Enter opens
its stocktake (the one already open there is continued, with every count saved so far).
Then the scan line stays focused: each scan adds 1 to the product's count, ``CODE*QTY``
adds QTY, ``CODE=QTY`` sets the count (a correction). Every scan is saved at once by
``stock_operations.record_count``, one after the other in a worker (a queue keeps a scanner
burst in order), so nothing counted is lost if the terminal goes away. The list shows the
counted products, last scanned first, with the book quantity and the difference.

Keys (the README copies these rows):

| Key         | Twin        | Where         | Does                                               |
|-------------|-------------|---------------|----------------------------------------------------|
| `Enter`     |             | scan line     | warehouse; then count the scanned product          |
| `F2`        | `Ctrl+S`    | stocktake     | post: differences become adjustments (a reason)    |
| `F8`        | `Ctrl+Y`    | stocktake     | cancel the stocktake (asks first)                  |
| `F5`        | `Ctrl+R`    | stocktake     | read the counts again                              |
| `Enter`     |             | empty line    | show the highlighted product in the stock check    |
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from threading import Lock
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Header, Label, Static
from textual.worker import Worker

from ...commands import ScreenCommands
from ...failures import failure_text
from ...i18n import N_, _, ngettext, pgettext
from ...services.fulfilment import stock_operations as ops
from ...services.platform.errors import InvalidInput
from ...widgets.dialogs import ConfirmDialog
from ...widgets.footer import KeysFooter
from ...widgets.form_dialog import FormField
from ...widgets.order_list import OrderList, Piece, fit, fit_whole
from ...widgets.scan_input import ScanInput
from .. import OmsScreen
from ..formats import signed
from ..list_screen import head_line, key_hint
from .dialogs import stock_form

SCAN = re.compile(r"^(?P<code>.+?)\s*(?:(?P<op>[*=])\s*(?P<qty>\d+))?$")


def key_hints() -> Content:
    return key_hint(("CODE", "+1"), ("CODE*5", "+5"), ("CODE=5", _("set 5")),
                    ("F2", _("post")), ("F8", _("cancel")),
                    ("F12", pgettext("key", "back")))  # fmt: skip


@dataclass(frozen=True)
class Scan:
    code: str
    qty: int
    replace: bool
    text: str


def parse_scan(text: str) -> Scan:
    """``CODE`` (+1), ``CODE*QTY`` (+QTY), ``CODE=QTY`` (set the count to QTY)."""
    m = SCAN.match(text.strip())
    if m is None or not m["code"].strip():
        raise InvalidInput(_("scan or type a product code"), "product")
    qty = int(m["qty"]) if m["qty"] else 1
    replace = m["op"] == "="
    if qty == 0 and not replace:
        raise InvalidInput(_("CODE*0 adds nothing: CODE=0 sets the count to 0"), "qty")
    return Scan(m["code"].strip(), qty, replace, text.strip())


def count_row(c: ops.CountView, width: int) -> list[Piece]:
    code, name = fit_whole(c.code, 15, c.name, max(6, width - 16 - 4 * 8))
    diff = c.difference
    return [
        (code, ""),
        (" " + name, ""),
        (" " + fit(str(c.counted), 7, True), "alert"),
        (" " + fit(str(c.book), 7, True), "dim"),
        (" " + fit(signed(diff) if diff else "0", 7, True), "fail" if diff < 0 else
         ("warn" if diff > 0 else "pass")),
    ]  # fmt: skip


def count_head(width: int) -> str:
    name = max(6, width - 16 - 4 * 8)
    return head_line((N_("Product"), 15), (N_("Name"), name), (N_("Counted"), 7, True),
                     (N_("Book"), 7, True), (N_("Diff"), 7, True))  # fmt: skip


class StocktakeScreen(OmsScreen):
    """Warehouse first, then one scan line that counts; F2 posts, F8 cancels."""

    MESSAGE_ID = "count-message"
    # opened by the stock screen's stocktake key (stock.move); counting by scan is too
    ACTION_PERMISSIONS: ClassVar[dict[str, str]] = {
        "post": "stock.move", "cancel_count": "stock.move",
    }  # fmt: skip

    CSS_PATH = ["stock.tcss", "stocktake.tcss"]
    COMMANDS = {ScreenCommands}
    PALETTE_PREFIX = N_("Stocktake")
    PALETTE: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("post", N_("Post"),
         N_("Differences become adjustment moves, with a reason (F2 / Ctrl+S)")),
        ("cancel_count", N_("Cancel stocktake"),
         N_("Discard this stocktake's counts (F8 / Ctrl+Y)")),
        ("refresh", N_("Read again"), N_("The counts and book quantities (F5 / Ctrl+R)")),
    )  # fmt: skip
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2,ctrl+s", "post", N_("Post"), key_display="F2/^S", id="stocktake.post",
                tooltip=N_("Post: each difference becomes an adjustment move (reason asked)")),
        Binding("f8,ctrl+y", "cancel_count", N_("Cancel"), key_display="F8/^Y", show=False,
                id="stocktake.cancel", tooltip=N_("Cancel this stocktake (asks first)")),
        Binding("f5,ctrl+r", "refresh", N_("Refresh"), key_display="F5/^R", show=False,
                id="stocktake.refresh", tooltip=N_("Read the counts and book quantities again")),
        Binding("down", "move(1)", "", show=False, id="stocktake.next"),
        Binding("up", "move(-1)", "", show=False, id="stocktake.previous"),
        Binding("pagedown", "page(1)", "", show=False, priority=True, id="stocktake.page_down"),
        Binding("pageup", "page(-1)", "", show=False, priority=True, id="stocktake.page_up"),
    ]  # fmt: skip

    class Opened(Message):
        def __init__(self, view: ops.StocktakeView) -> None:
            super().__init__()
            self.view = view

    class Counted(Message):
        def __init__(self, count: ops.CountView, scan: Scan) -> None:
            super().__init__()
            self.count, self.scan = count, scan

    class Refused(Message):
        """A scan not counted: why (the next scans still count)."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, warehouses: Sequence[tuple[str, str]] = ()) -> None:
        """``warehouses``: (code, name) pairs to offer (the stock check's); any code works."""
        super().__init__()
        self.warehouses = list(warehouses)
        self.view: ops.StocktakeView | None = None
        self.counts: dict[int, ops.CountView] = {}  # product id -> count, last scanned last
        self._queue: deque[Scan] = deque()
        self._lock = Lock()
        self._draining = False
        self._opening = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="stocktake"):
            with Horizontal(id="count-row"):
                yield Label(_("Warehouse"), id="count-label")
                yield ScanInput(id="count-scan", placeholder=_("warehouse code, then Enter"))
            yield Static("", id="count-message")
            yield Static("", id="count-info")
            yield Static("", id="count-head")
            empty = _("Nothing counted yet: scan the first product.")
            yield OrderList(
                count_row, key=lambda c: c.product_id, id="count-list", empty_text=empty
            )
            yield Static(key_hints(), id="count-keys")
        yield KeysFooter(compact=True)

    @property
    def scan(self) -> ScanInput:
        return self.query_one("#count-scan", ScanInput)

    @property
    def count_list(self) -> OrderList[ops.CountView]:
        return self.query_one("#count-list", OrderList)

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._queue) + (1 if self._draining else 0)

    def on_mount(self) -> None:
        self.count_list.can_focus = False
        self.query_one("#count-head", Static).update(count_head(self.size.width - 2))
        self._counting(False)
        if self.warehouses:
            choices = Content("  ").join(
                Content.assemble((f"{n} ", "bold $text-accent"), (code, "bold"),
                                 f" {fit(name, 18)}")
                for n, (code, name) in enumerate(self.warehouses, 1)
            )  # fmt: skip
            self.query_one("#count-info", Static).update(choices)
            self.say(_("Which warehouse? Its code or digit, then Enter."))
        else:
            self.say(_("Which warehouse? Type its code, then Enter."))
        self.scan.focus()

    def retranslate(self) -> None:
        """The language changed: the screen's own words again."""
        counting = self.view is not None
        self.query_one("#count-label", Label).update(_("Count") if counting else _("Warehouse"))
        self.scan.placeholder = (_("scan: CODE, CODE*QTY adds, CODE=QTY sets") if counting
                                 else _("warehouse code, then Enter"))  # fmt: skip
        self.count_list.empty_text = _("Nothing counted yet: scan the first product.")
        self.query_one("#count-keys", Static).update(key_hints())
        self.on_resize()
        self._show_counts()

    def _counting(self, on: bool) -> None:
        """Show the counted products (and their heads) once a stocktake is open."""
        self.count_list.display = on
        self.query_one("#count-head").display = on

    def on_resize(self) -> None:
        self.query_one("#count-head", Static).update(count_head(self.size.width - 2))

    # -- choosing the warehouse ----------------------------------------------------------------

    @on(ScanInput.Scanned, "#count-scan")
    def scanned(self, event: ScanInput.Scanned) -> None:
        event.stop()
        text = event.value.strip()
        if self.view is None:
            self.choose(text)
        elif not text:
            self.action_show_product()
        else:
            self.count(text)

    def choose(self, text: str) -> None:
        if self._opening:
            return
        if text.isdigit() and 1 <= int(text) <= len(self.warehouses):
            text = self.warehouses[int(text) - 1][0]
        if not text:
            self.say(_("Type the warehouse code, then Enter."), error=True)
            return
        self._opening = True
        self.say(
            Content.styled(
                _("Opening the stocktake of {warehouse}…").format(warehouse=text.upper()), "dim"
            )
        )
        self.open_stocktake(text)

    @work(thread=True, exclusive=True, group="stocktake-open", exit_on_error=False,
          description=N_("open the stocktake"))  # fmt: skip
    def open_stocktake(self, code: str) -> None:
        self.post_message(self.Opened(ops.start_stocktake(self.db, self.user, code)))

    def worker_failed(self, worker: Worker, error: BaseException) -> None:
        self._opening = False  # the clerk types another code
        super().worker_failed(worker, error)

    @on(Opened)
    def opened(self, message: Opened) -> None:
        self._opening = False
        fresh = self.view is None
        self.view = view = message.view
        self.counts = {c.product_id: c for c in view.counts}
        self.query_one("#count-label", Label).update(_("Count"))
        self.scan.placeholder = _("scan: CODE, CODE*QTY adds, CODE=QTY sets")
        self._counting(True)
        self._show_counts()
        if fresh:
            said = (
                ngettext(
                    " open, {n} product counted so far: scan the products.",
                    " open, {n} products counted so far: scan the products.",
                    len(view.counts),
                ).format(n=len(view.counts))
                if view.counts
                else _(" open: scan the products.")
            )
            self.say(Content.assemble((f"{view.number} {view.warehouse_code}", "bold"),
                                      said))  # fmt: skip
        self.scan.focus()

    def _show_counts(self) -> None:
        view = self.view
        if view is None:
            return
        rows = list(reversed(self.counts.values()))
        units = sum(c.counted for c in rows)
        diffs = sum(1 for c in rows if c.difference)
        self.query_one("#count-info", Static).update(Content.assemble(
            (f"{view.number} {view.warehouse_code}", "bold $text-accent"), " · ",
            (_("{products}, {units} counted").format(
                products=ngettext("{n} product", "{n} products", len(rows)).format(n=len(rows)),
                units=ngettext("{n} unit", "{n} units", units).format(n=units)), "bold"),
            (_(" · {n} differ from the book").format(n=diffs), "bold $text-warning")
            if diffs else "",
        ))  # fmt: skip
        self.count_list.load(lambda _cursor: (rows, None), keep=True)

    # -- counting --------------------------------------------------------------------------------

    def count(self, text: str) -> None:
        try:
            scan = parse_scan(text)
        except InvalidInput as error:
            self.say(f"{text}: {error}", error=True)  # i18n: no (the code typed, the error's words)
            return
        with self._lock:
            self._queue.append(scan)
            start = not self._draining
            self._draining = True
        if start:
            self.drain()

    @work(thread=True, group="stocktake-count", exit_on_error=False,
          description=N_("save the counts"))  # fmt: skip
    def drain(self) -> None:
        """Save the queued scans one by one, in the order scanned. A scan that fails is
        said and the next ones still count: the scanner does not wait for the clerk."""
        view = self.view
        assert view is not None
        while True:
            with self._lock:
                if not self._queue:
                    self._draining = False
                    return
                scan = self._queue.popleft()
            try:
                count = ops.record_count(self.db, self.user, view.id, scan.code, scan.qty,
                                         replace=scan.replace)  # fmt: skip
            except Exception as error:  # noqa: BLE001 - said per scan; the burst goes on
                text = failure_text(N_("save the count"), error)
                self.post_message(self.Refused(f"{scan.text}: {text}"))
                continue
            self.post_message(self.Counted(count, scan))

    @on(Counted)
    def counted(self, message: Counted) -> None:
        c, scan = message.count, message.scan
        self.counts.pop(c.product_id, None)
        self.counts[c.product_id] = c
        self._show_counts()
        how = f"= {scan.qty}" if scan.replace else f"+{scan.qty}"
        self.say(
            Content.assemble(
                (f"{c.code} {how}", "bold $text-success"),
                _(" → {counted} counted (book {book}) {name}").format(
                    counted=c.counted, book=c.book, name=fit(c.name, 30)
                ),
            )
        )

    @on(Refused)
    def refused(self, message: Refused) -> None:
        self.say(message.text, error=True)

    # -- keys ------------------------------------------------------------------------------------

    def action_move(self, step: int) -> None:
        self.count_list.action_move(step)

    def action_page(self, step: int) -> None:
        self.count_list.action_page(step)

    def action_show_product(self) -> None:
        row = self.count_list.highlighted
        if row is not None:
            self.dismiss(row.product_id)  # type: ignore[arg-type]

    def _ready(self) -> ops.StocktakeView | None:
        if self.view is None:
            self.say(_("Choose the warehouse first."), error=True)
            return None
        if self.pending:
            self.say(ngettext("Wait: {n} scan is still being saved.",
                              "Wait: {n} scans are still being saved.",
                              self.pending).format(n=self.pending), error=True)  # fmt: skip
            return None
        return self.view

    def action_refresh(self) -> None:
        view = self._ready()
        if view is not None:
            self.open_stocktake(view.warehouse_code)

    def action_post(self) -> None:
        view = self._ready()
        if view is None:
            return
        if not self.counts:
            self.say(_("Nothing counted yet: scan the products first."), error=True)
            return
        db, user, sid, version = self.db, self.user, view.id, view.version
        diffs = sum(1 for c in self.counts.values() if c.difference)

        def run(values: dict[str, str]) -> str:
            out = ops.post_stocktake(db, user, sid, values["reason"], version)
            moves = ngettext("{n} adjustment move", "{n} adjustment moves", out.moves).format(
                n=out.moves
            )
            if out.filled_orders:
                return _("Posted {number}: {moves}; filled {orders}.").format(
                    number=out.number, moves=moves, orders=", ".join(out.filled_orders)
                )
            return _("Posted {number}: {moves}.").format(number=out.number, moves=moves)

        counted = ngettext("{n} product", "{n} products", len(self.counts)).format(
            n=len(self.counts)
        )
        note = _(
            "{counted} counted, {diffs} differ from the book: each difference becomes an "
            "adjustment move. Products not counted stay as they are."
        ).format(counted=counted, diffs=diffs)
        title = _("Post {number} ({warehouse})").format(
            number=view.number, warehouse=view.warehouse_code
        )
        self.app.push_screen(stock_form(title,
                                        [FormField("reason", _("Reason"), "", _("required: why"))],
                                        run, note), callback=self.posted)  # fmt: skip

    def posted(self, text: str | None) -> None:
        if text:
            self._back_to_warehouse(Content.styled(text, "bold $text-success"))

    def reload_after_job(self) -> None:
        """Posted or cancelled by another clerk meanwhile (the refusal is on show): back to
        choosing a warehouse."""
        if self.view is not None:
            self._back_to_warehouse(None)

    def _back_to_warehouse(self, text: str | Content | None) -> None:
        """Posted or cancelled: back to choosing a warehouse, the result on show."""
        self.view = None
        self.counts = {}
        self.count_list.load(lambda _cursor: ([], None))
        self._counting(False)
        self.query_one("#count-label", Label).update(_("Warehouse"))
        self.scan.placeholder = _("warehouse code, then Enter")
        self.query_one("#count-info", Static).update("")
        if text is not None:
            self.say(text)
        self.scan.focus()

    def action_cancel_count(self) -> None:
        view = self._ready()
        if view is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.cancel_stocktake(view)

        self.app.push_screen(ConfirmDialog(
            _("Cancel {number}?").format(number=view.number),
            ngettext("The {n} count of {number} is discarded; nothing is posted.",
                     "The {n} counts of {number} are discarded; nothing is posted.",
                     len(self.counts)).format(n=len(self.counts), number=view.number),
        ), callback=answered)  # fmt: skip

    class Cancelled(Message):
        def __init__(self, number: str) -> None:
            super().__init__()
            self.number = number

    @work(thread=True, exclusive=True, group="stocktake-open", exit_on_error=False,
          description=N_("cancel the stocktake"))  # fmt: skip
    def cancel_stocktake(self, view: ops.StocktakeView) -> None:
        ops.cancel_stocktake(self.db, self.user, view.id, view.version)
        self.post_message(self.Cancelled(view.number))

    @on(Cancelled)
    def cancelled(self, message: Cancelled) -> None:
        self._back_to_warehouse(
            _("{number} cancelled: nothing posted.").format(number=message.number)
        )
