"""A virtual list over keyset-paged rows: only what is on screen is rendered.

``DataTable`` adds and paints every row (100,000 rows blocked the app for seconds, see
STYLE.md), so lists over big tables use the Line API instead, as Textualize/toolong's
``log_lines.py`` does: a ``ScrollView`` whose ``render_line`` renders one row on demand,
with rendered lines kept in an LRU cache. Rows come in pages from a ``fetch`` function
(a service call taking the cursor of the page before, returning rows and the next cursor),
run in a thread worker; the next page is asked for when the highlighted row or the visible
area comes near the end of what is loaded. A page may hold no rows and still have a next
cursor (a search walking a big table in windows): the list keeps asking while rows are
needed to fill the screen.

The list owns no keys of the screen's workflow: it moves its highlight (Up/Down, ``j``/``k``,
PgUp/PgDn, Home/End), toggles the highlighted row's selection (space) and posts
``Opened`` on Enter. ``reload`` reads from the start again, keeping the old rows on screen
until the new rows are in: the highlight follows its row when the row is still within as
many rows as were read up to it before (pages are read on to that depth before the swap;
a row that moved further down is not chased), else it stays at the same place (the next
order after one that left the list), at the same height on screen.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events, on
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..i18n import N_, _

Row = TypeVar("Row")  # i18n: no
# fetch(cursor of the page before, or None for the first) -> (rows, next cursor or None)
Fetch = Callable[[Any], tuple[Sequence[Any], Any]]
# (text, component class name without the "order-list--" prefix, or "")
Piece = tuple[str, str]
Format = Callable[[Any, int], Sequence[Piece]]

LOOKAHEAD = 20  # rows beyond the screen (or the highlight) to have loaded, or a screenful


@dataclass
class _Load:
    generation: int
    fetch: Fetch
    cursor: Any = None
    more: bool = True
    busy: bool = False
    replace: bool = False  # the next page replaces the rows shown (a reload)
    follow: Hashable | None = None  # a reload: key of the row highlighted before
    at: int = 0  # a reload: where the highlight was (index, and row on screen)
    at_screen: int = 0
    pending: list[Any] = field(default_factory=list)  # a reload's rows read so far
    fresh: bool = False  # a new list shown over the old rows: highlight to the top on swap


class OrderList(ScrollView, Generic[Row], can_focus=True):
    """Rows painted on demand from pages loaded in the background."""

    DEFAULT_CSS = """
    OrderList {
        height: 1fr;
        overflow-x: hidden;
        overflow-y: scroll;
        scrollbar-size-vertical: 1;
        background: $surface;
        & > .order-list--cursor { background: $block-cursor-blurred-background; }
        &:focus > .order-list--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
        }
        & > .order-list--selected { color: $text-accent; text-style: bold; }
        & > .order-list--alert { color: $text-warning; text-style: bold; }
        & > .order-list--fail { color: $text-error; text-style: bold; }
        & > .order-list--warn { color: $text-warning; }
        & > .order-list--pass { color: $text-success; }
        & > .order-list--dim { color: $text-muted; }
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "order-list--cursor", "order-list--selected", "order-list--alert",
        "order-list--fail", "order-list--warn", "order-list--pass", "order-list--dim",
    }  # fmt: skip

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "move(1)", N_("Next"), key_display="Down/j", show=False, id="list.next"),
        Binding("up,k", "move(-1)", N_("Previous"), key_display="Up/k", show=False, id="list.prev"),
        Binding("pagedown", "page(1)", N_("Page down"), show=False, id="list.page_down"),
        Binding("pageup", "page(-1)", N_("Page up"), show=False, id="list.page_up"),
        Binding("home", "first", N_("First"), show=False, id="list.first"),
        Binding("end", "last", N_("Last loaded"), show=False, id="list.last"),
        Binding("enter", "open", N_("Open"), key_display="Enter", show=False, id="list.open"),
        Binding("space", "toggle", N_("Select"), key_display="Space", show=False, id="list.select"),
    ]

    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)

    class Highlighted(Message):
        def __init__(self, order_list: OrderList, row: Any | None) -> None:
            super().__init__()
            self.order_list = order_list
            self.row = row

        @property
        def control(self) -> OrderList:
            return self.order_list

    class Opened(Highlighted):
        """Enter on a row."""

    class SelectionChanged(Highlighted):
        """Space toggled a row's selection (``row``: the toggled row)."""

    class Loaded(Message):
        """A page arrived: ``count`` rows loaded in all, ``more`` when there may be more."""

        def __init__(self, order_list: OrderList, count: int, more: bool) -> None:
            super().__init__()
            self.order_list = order_list
            self.count = count
            self.more = more

        @property
        def control(self) -> OrderList:
            return self.order_list

    class Failed(Message):
        def __init__(self, order_list: OrderList, error: Exception) -> None:
            super().__init__()
            self.order_list = order_list
            self.error = error

        @property
        def control(self) -> OrderList:
            return self.order_list

    class _Page(Message):
        def __init__(self, generation: int, rows: Sequence[Any], cursor: Any) -> None:
            super().__init__()
            self.generation = generation
            self.rows = rows
            self.cursor = cursor

    class _PageFailed(Message):
        def __init__(self, generation: int, error: Exception) -> None:
            super().__init__()
            self.generation = generation
            self.error = error

    def __init__(
        self, format_row: Format, key: Callable[[Any], Hashable], *,
        empty_text: str = N_("No orders."), id: str | None = None, classes: str | None = None,
    ) -> None:  # fmt: skip
        super().__init__(id=id, classes=classes)
        self.format_row = format_row
        self.key = key
        self.empty_text = empty_text
        self.rows: list[Row] = []
        self.selected: dict[Hashable, Row] = {}
        self._load: _Load | None = None
        self._generation = 0
        self._lines: LRUCache[tuple, Strip] = LRUCache(1024)

    # -- data ----------------------------------------------------------------------------------

    @property
    def loading_more(self) -> bool:
        return self._load is not None and self._load.more

    @property
    def highlighted(self) -> Row | None:
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def load(self, fetch: Fetch, *, keep: bool = False, clear: bool = True) -> None:
        """Read pages from ``fetch`` from the start. ``keep``: a reload of the same list
        (rows stay on screen until the first page comes, the highlight stays in place);
        else a new list (highlight on the first row, selection cleared), cleared now, or
        with ``clear=False`` when its first page comes: the old rows stay on screen until
        then instead of a "loading…" line (one repaint and layout fewer while the page is
        read). May be called before the list is mounted (as its screen composes it): the
        first page is then read while the screen is still being built."""
        self._generation += 1
        self._load = _Load(self._generation, fetch, replace=True)
        if keep and self.highlighted is not None:
            self._load.follow = self.key(self.highlighted)
            self._load.at = self.cursor
            self._load.at_screen = self.cursor - int(self.scroll_offset.y)
        elif not keep and not clear and self.rows:
            self._load.fresh = True
        elif not keep:
            self.rows = []
            self.selected.clear()
            self.cursor = 0
            self._changed()
        self._fetch_more()

    def reload(self) -> None:
        if self._load is not None:
            self.load(self._load.fetch, keep=True)

    def update_rows(self, rows: Sequence[Row]) -> None:
        """Rows changed in place (same keys, e.g. checked since): repaint them where shown."""
        by_key = {self.key(r): r for r in rows}
        if not by_key:
            return
        for i, row in enumerate(self.rows):
            new = by_key.get(self.key(row))
            if new is not None:
                self.rows[i] = new
        for k in by_key.keys() & self.selected.keys():
            self.selected[k] = by_key[k]
        self._lines.clear()
        self.refresh()

    def clear_selection(self) -> None:
        self.selected.clear()
        self._changed()

    def _wanted(self) -> int:
        """How many rows should be loaded to show the screen and the highlight, and the
        next screenful (at least ``LOOKAHEAD`` rows): a PageDown lands on loaded rows, the
        next page being read while it is painted."""
        height = max(1, self.size.height)
        bottom = int(self.scroll_offset.y) + height
        return max(bottom, self.cursor + 1) + max(LOOKAHEAD, height)

    def _fetch_more(self) -> None:
        load = self._load
        if load is None or load.busy or not load.more:
            return
        if not load.replace and len(self.rows) >= self._wanted():
            return
        load.busy = True
        generation, fetch, cursor = load.generation, load.fetch, load.cursor

        def run() -> None:
            try:
                rows, nxt = fetch(cursor)
            except Exception as error:  # noqa: BLE001 - shown by the screen
                self.post_message(self._PageFailed(generation, error))
                return
            self.post_message(self._Page(generation, rows, nxt))

        self.run_worker(run, thread=True, group="order-list-page", exit_on_error=False)

    @on(_Page)
    def _page_arrived(self, message: _Page) -> None:
        message.stop()
        load = self._load
        if load is None or message.generation != load.generation:
            return  # an answer to a query that was replaced meanwhile
        load.busy = False
        load.cursor = message.cursor
        load.more = message.cursor is not None
        if load.replace:
            load.pending.extend(message.rows)
            if (
                load.follow is not None
                and load.more
                and len(load.pending) <= load.at
                and all(self.key(r) != load.follow for r in message.rows)
            ):
                self._fetch_more()  # read on to where the highlight was; old rows stay shown
                return
            self._swap_in(load)
        else:
            self.rows.extend(message.rows)
            self._changed(replaced=False)
        self.post_message(self.Loaded(self, len(self.rows), load.more))
        self._fetch_more()

    def _swap_in(self, load: _Load) -> None:
        """A reload's rows replace those shown; the highlight follows its row if it is there."""
        rows, load.pending, load.replace = load.pending, [], False
        if load.fresh:  # a new list: top, first row, nothing selected
            self.rows = rows
            self.selected.clear()
            self.scroll_to(y=0, animate=False, immediate=True)
            self._changed()
            self.cursor = 0
            return
        keys = [self.key(r) for r in rows]
        self.rows = rows
        present = set(keys)
        self.selected = {k: r for k, r in self.selected.items() if k in present}
        target = keys.index(load.follow) if load.follow in keys else load.at
        target = max(0, min(target, len(rows) - 1))
        self._changed()
        if load.follow is not None:
            self.scroll_to(y=max(0, target - load.at_screen), animate=False, immediate=True)
            self.cursor = target

    @on(_PageFailed)
    def _page_failed(self, message: _PageFailed) -> None:
        message.stop()
        load = self._load
        if load is None or message.generation != load.generation:
            return
        load.busy = False
        load.more = False
        if load.fresh and load.replace:  # the old rows shown belong to another list
            load.pending, load.replace = [], False
            self.rows = []
            self.selected.clear()
            self.cursor = 0
        self._changed()
        self.post_message(self.Failed(self, message.error))

    def _changed(self, replaced: bool = True) -> None:
        """The rows changed: new size, clamp the highlight, repaint. ``replaced=False``:
        rows were only added after those loaded, whose rendered lines stay valid."""
        if replaced:
            self._lines.clear()
        extra = 1 if (self.loading_more or not self.rows) else 0
        size = Size(max(1, self.size.width), len(self.rows) + extra)
        if size != self.virtual_size and self.size:
            # Setting ``virtual_size`` lays the whole screen out again (a reactive with
            # layout=True); the list's own size does not change and its scrollbars are fixed
            # (overflow-y: scroll, overflow-x: hidden), so only the scrollbar is updated
            # (what the compositor's layout would do through ``_size_updated``).
            self.set_reactive(OrderList.virtual_size, size)
            self._scroll_update(size)
        elif size != self.virtual_size:
            self.virtual_size = size  # not laid out yet
        last = max(0, len(self.rows) - 1)
        if self.cursor > last:
            self.cursor = last
        else:
            self._show_cursor()
        self.refresh()

    # -- keys --------------------------------------------------------------------------------

    def action_move(self, step: int) -> None:
        if self.rows:
            self.cursor = max(0, min(len(self.rows) - 1, self.cursor + step))

    def action_page(self, step: int) -> None:
        self.action_move(step * max(1, self.size.height - 1))

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.action_move(len(self.rows))

    def action_open(self) -> None:
        if self.highlighted is not None:
            self.post_message(self.Opened(self, self.highlighted))

    def action_toggle(self) -> None:
        row = self.highlighted
        if row is None:
            return
        k = self.key(row)
        if k in self.selected:
            del self.selected[k]
        else:
            self.selected[k] = row
        self._lines.clear()
        self.refresh()
        self.post_message(self.SelectionChanged(self, row))
        self.action_move(1)

    def watch_cursor(self, old: int, new: int) -> None:
        self._fetch_more()  # first: the page is read while this key is painted
        self._show_cursor()
        self.refresh()  # the two rows whose highlight changed render anew (cache key)
        self.post_message(self.Highlighted(self, self.highlighted))

    def _show_cursor(self) -> None:
        height = max(1, self.size.height)
        top = int(self.scroll_offset.y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._fetch_more()

    def on_resize(self, event: events.Resize) -> None:
        self._changed()
        self._fetch_more()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines.clear()  # another theme, or focus: lines are rendered with new styles

    def on_focus(self) -> None:
        self._lines.clear()
        self.refresh()

    def on_blur(self) -> None:
        self._lines.clear()
        self.refresh()

    # -- painting ----------------------------------------------------------------------------

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"order-list--{name}", partial=True)

    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_offset.y) + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if index >= len(self.rows):
            text = ""
            if index == len(self.rows):
                if self.loading_more:
                    text = " " + (_("loading…") if not self.rows else _("loading more…"))
                elif not self.rows:
                    text = " " + _(self.empty_text)  # (an N_ text, or one the caller translated)
            return Strip([Segment(text, base + self._style("dim"))]).adjust_cell_length(width, base)
        row = self.rows[index]
        selected = self.key(row) in self.selected
        at_cursor = index == self.cursor
        # Cleared when rows are replaced or styles change; between clears rows are only
        # added, so an id here is a row still in ``rows`` (never a freed one's reused id).
        cache_key = (index, width, at_cursor, selected, self.has_focus, id(row))
        cached = self._lines.get(cache_key)
        if cached is not None:
            return cached
        line_style = base
        if selected:
            line_style += self._style("selected")
        if at_cursor:
            line_style += self._style("cursor")
        segments = [Segment("●" if selected else " ", line_style)]
        for text, name in self.format_row(row, max(0, width - 1)):
            style = line_style
            if name and not at_cursor:
                style = line_style + self._style(name)
            elif name and at_cursor:
                style = line_style + Style(bold=True) if name in ("alert", "fail") else line_style
            segments.append(Segment(text, style))
        strip = Strip(segments).adjust_cell_length(width, line_style).simplify()
        self._lines[cache_key] = strip
        return strip


def _chop(text: str, cells: int) -> str:
    """The longest start of ``text`` in at most ``cells`` cells, whole characters only."""
    used = 0
    for i, ch in enumerate(text):
        used += cell_len(ch)
        if used > cells:
            return text[:i]
    return text


def fit(text: str, width: int, right: bool = False) -> str:
    """``text`` in exactly ``width`` cells (CJK counts 2), cut with ``…`` when too long."""
    if width <= 0:
        return ""
    if cell_len(text) > width:
        # whole characters only, "…" right after the last (a Chinese character that would
        # be cut in half is left out, and the cell it leaves goes after the "…")
        text = _chop(text, width - 1) + "…"
    pad = width - cell_len(text)
    return (" " * pad + text) if right else set_cell_size(text, width)


def fit_whole(whole: str, width: int, beside: str, beside_width: int,
              right: bool = False) -> tuple[str, str]:  # fmt: skip
    """A value never cut (a product code, an order number, an amount) and the text beside
    it that gives way: when ``whole`` is longer than ``width`` it takes the cells it needs
    and ``beside`` (a description, a name) gets that many fewer, so the row keeps its width
    and the columns after both stay where they are. Returns both, fitted."""
    need = max(width, cell_len(whole))
    return fit(whole, need, right), fit(beside, max(0, beside_width - (need - width)))


def fit_name(name: str, width: int, *beside: str) -> str:
    """A name on a line of ``width`` cells that gives way, so the values beside it on the
    same line (amounts, dates, codes: ``beside``) show whole."""
    room = width - sum(cell_len(b) for b in beside)
    return name if cell_len(name) <= room else fit(name, max(4, room))


def widest(values: Iterable[str], minimum: int) -> int:
    """The cells a column needs to show every one of ``values`` whole (at least ``minimum``):
    for lists held whole (an order's lines), so a code or an amount is never cut."""
    return max([minimum, *(cell_len(v) for v in values)])
