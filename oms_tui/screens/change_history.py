"""Changes: one customer's, product's or order's history, newest first: when (local time),
who, which field, before → after, and why; an order's status changes and decisions among
them. Pushed over the screen it was opened from by F11 / Ctrl+E (customer history, the
receivables customer, the stock card, order detail; the palette: "Changes"); F12 / Esc
goes back. More rows load as PgDn goes down; the highlighted row shows whole under the
list (a long address or reason is cut in the row).

The other screens take their key and palette entry from here (``changes_binding``,
``CHANGES_PALETTE``), so the key is the same on every one of them."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Header, Static

from ..commands import ScreenCommands
from ..failures import failure_text
from ..i18n import N_, _, shown
from ..services.parties.masking import shown_change
from ..services.sales import change_history
from ..services.sales.change_history import HistoryRow
from ..services.states.order_states import OrderStatus
from ..widgets.footer import KeysFooter
from ..widgets.order_list import OrderList, Piece, fit
from . import OmsScreen
from .formats import local_time

PAGE = 50
WHEN, WHO, WHAT = 14, 8, 14  # the columns' widths: "26-12-07 16:40", the user, the field

# The change log's fields as a clerk reads them (a field with a warehouse after it, such as
# "reorder_point HZ", keeps the warehouse); one not here is shown with spaces for "_".
FIELDS = {
    "created": N_("created"),
    "credit_hold": N_("credit hold"),
    "credit_limit": N_("credit limit"),
    "address": N_("address"),
    "region": N_("region"),
    "address_region": N_("address region"),
    "route_seq": N_("route position"),
    "language": N_("document language"),
    "invoice_title": N_("invoice title"),
    "taxpayer_id": N_("taxpayer id"),
    "bank_name": N_("bank"),
    "bank_account": N_("account"),
    "invoice_type": N_("invoice type"),
    "reorder_point": N_("reorder point"),
    "allocation_rank": N_("rank"),
    "value": N_("value"),
    # a product's (services/catalog/maintenance.py FIELDS, and discontinue/resume)
    "name": N_("name"),
    "barcode": N_("barcode"),
    "unit": N_("unit"),
    "price": N_("list price"),
    "cost": N_("cost"),
    "deposit": N_("deposit"),
    "tax": N_("tax rate"),
    "line": N_("product line"),
    "model": N_("model"),
    "colour": N_("colour"),
    "spec": N_("spec"),
    "lead_time": N_("lead time"),
    "weight": N_("weight (g)"),
    "per_package": N_("per package"),
    "made_to_order": N_("made to order"),
    "active": N_("active"),
    change_history.STATUS: N_("status"),
}
WORDS = {
    "yes": N_("yes"),
    "no": N_("no"),
    "normal": N_("normal"),
    "special": N_("special"),
    "(default)": N_("(default)"),
    "set (new)": N_("set (new)"),  # i18n: no (the key: the value as stored)
}


def changes_binding(screen: str, key_display: str = "F11/^E", keys: str = "f11,ctrl+e",
                    priority: bool = False) -> Binding:  # fmt: skip
    """The key that opens the changes of what ``screen`` shows. ``priority`` on a screen
    whose text field keeps the focus, which would take Ctrl+E as "end of line"; such a key
    is not in the footer (a priority key would come first there, before the screen's own
    work): F1 and the palette list it."""
    return Binding(keys, "changes", N_("Changes"), key_display=key_display,
                   id=f"{screen}.changes", priority=priority, show=not priority,
                   tooltip=N_("Who changed what, when, from what to what, and why"))  # fmt: skip


CHANGES_PALETTE = (
    "changes",
    N_("Changes"),
    N_("Who changed what, when, from what to what, and why (F11 / Ctrl+E)"),
)


def field_label(field: str) -> str:
    name, _space, rest = field.partition(" ")
    label = _(FIELDS[name]) if name in FIELDS else name.replace("_", " ")
    return f"{label} {rest}" if rest else label


def value_text(row: HistoryRow, value: str) -> str:
    if not value:
        return "—"
    if row.field == change_history.STATUS and row.source == change_history.EVENT:
        try:
            return _(OrderStatus(value).label)
        except ValueError:
            return value
    return _(WORDS[value]) if value in WORDS else value


def shown_row(row: HistoryRow, role: str | None) -> HistoryRow:
    """``row`` as ``role`` may see it: addresses and phones masked without
    ``customers.contact`` (``masking.shown_change``)."""
    before, after, reason = shown_change(role, row.field, row.before, row.after, row.reason)
    return replace(row, before=before, after=after, reason=reason)


def change_text(row: HistoryRow) -> str:
    return f"{value_text(row, row.before)} → {value_text(row, row.after)}"


def change_row(row: HistoryRow, width: int) -> list[Piece]:
    room = max(0, width - WHEN - WHO - WHAT - 3)
    change = change_text(row)
    reason = f"  {shown(row.reason)}" if row.reason else ""  # a system's why, read back
    text = fit(change + reason, room)
    cut = len(change)  # the reason in its own style, when it shows at all
    return [
        (local_time(row.at, "%y-%m-%d %H:%M"), "dim"),
        (" " + fit(row.actor, WHO), ""),
        (" " + fit(field_label(row.field), WHAT), ""),
        (" " + text[:cut], ""),
        (text[cut:], "dim"),
    ]


class ChangeHistoryScreen(OmsScreen):
    """One thing's changes, newest first (read only)."""

    MESSAGE_ID = "changes-message"
    COMMANDS = {ScreenCommands}
    PALETTE_PREFIX = N_("Changes")
    PALETTE: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("reload", N_("Read again"), N_("Read the changes again (F5 / Ctrl+R)")),
    )
    DEFAULT_CSS = """
    ChangeHistoryScreen #changes-title { height: 1; padding: 0 1; }
    ChangeHistoryScreen #changes-head { height: 1; padding: 0 1; color: $text-muted; }
    ChangeHistoryScreen #changes-list { height: 1fr; }
    ChangeHistoryScreen #changes-whole { height: auto; max-height: 4; padding: 0 1;
                                         border-top: solid $primary-muted; }
    ChangeHistoryScreen #changes-message { height: auto; padding: 0 1; display: none; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f5,ctrl+r", "reload", N_("Reload"), key_display="F5/^R", id="changes.reload",
                tooltip=N_("Read the changes again")),
    ]  # fmt: skip

    def __init__(self, entity: str, key: str, title: str) -> None:
        super().__init__()
        self.entity, self.key, self.what = entity, key, title

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical():
            yield Static(self._title(), id="changes-title")
            yield Static(self._head(), id="changes-head")
            yield OrderList(change_row, key=self._row_key, id="changes-list",
                            empty_text=_("No changes recorded."))  # fmt: skip
            yield Static("", id="changes-whole")
            yield Static("", id="changes-message")
        yield KeysFooter(compact=True)

    @staticmethod
    def _row_key(row: HistoryRow) -> tuple[int, int]:
        return row.source, row.id

    def _title(self) -> Content:
        return Content.assemble((_("Changes"), "bold"), " · ", (self.what, "bold $text-accent"),
                                ("  " + _("newest first"), "dim"))  # fmt: skip

    @staticmethod
    def _head() -> str:
        when, who, field, rest = _("When"), _("Who"), _("Field"), _("Before → after, why")
        return f"{fit(when, WHEN)} {fit(who, WHO)} {fit(field, WHAT)} {rest}"

    def retranslate(self) -> None:
        self.query_one("#changes-title", Static).update(self._title())
        self.query_one("#changes-head", Static).update(self._head())
        self.list.empty_text = _("No changes recorded.")
        self.list.update_rows(self.list.rows)  # painted again, in the new language
        self.list.refresh()  # (no rows: the empty line)
        self.show_whole(self.list.highlighted)

    @property
    def list(self) -> OrderList[HistoryRow]:
        return self.query_one("#changes-list", OrderList)

    def on_mount(self) -> None:
        self.list.focus()
        self.action_reload()

    def action_reload(self) -> None:
        db, entity, key, role = self.db, self.entity, self.key, self.role

        def fetch(before: Any) -> tuple[list[HistoryRow], Any]:
            rows = change_history.history_page(db, entity, key, before=before, limit=PAGE)
            return [shown_row(row, role) for row in rows], (rows[-1] if len(rows) == PAGE
                                                            else None)  # fmt: skip

        self.list.load(fetch, keep=True)

    @on(OrderList.Failed, "#changes-list")
    def failed(self, message: OrderList.Failed) -> None:
        self.say(failure_text(N_("read the changes"), message.error), error=True)

    @on(OrderList.Loaded, "#changes-list")
    def loaded(self) -> None:
        self.show_whole(self.list.highlighted)

    @on(OrderList.Highlighted, "#changes-list")
    def highlighted(self, message: OrderList.Highlighted) -> None:
        self.show_whole(message.row)

    def show_whole(self, row: HistoryRow | None) -> None:
        """The highlighted row whole, under the list (its reason wrapped, not cut)."""
        whole = self.query_one("#changes-whole", Static)
        if row is None:
            whole.update("")
            return
        whole.update(Content.assemble(
            (local_time(row.at), "dim"), " ", (row.actor, "bold"), " ",
            (field_label(row.field), "bold"), ": ", change_text(row),
            (f"  {shown(row.reason)}" if row.reason else "", "italic"),
        ))  # fmt: skip


def open_changes(screen: OmsScreen, entity: str, key: str | None, title: str) -> None:
    """Push the changes of ``entity`` ``key`` over ``screen`` (a bell and a word when it
    has nothing shown yet to show the changes of)."""
    if not key:
        screen.say(_("Nothing shown yet to show the changes of."), error=True)
        return
    screen.app.push_screen(ChangeHistoryScreen(entity, key, title))
