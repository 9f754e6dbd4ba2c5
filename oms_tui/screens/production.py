"""Production board: made-to-order work by stage, and the keys that move it.

The board (``production.board``, read in a worker) lists the open production orders under
a header row per stage, the furthest stage first (orders not started last), highest
priority then earliest due within a stage: number, sales order, customer, product, qty, a
progress bar (stages done), the stage as k/n, due and expected date; an expected date after
the due date is late, marked ``!`` in red, and an order waiting to start whose materials
are not all there (reserved or free in the factory warehouse) is marked ``short`` in red
where its bar and stage would be (the stage headers and the status line count both).
``l`` cycles the product line shown (all, then each line seen on the board); F4 shows only
orders due by a date (``+7``, ``2026-12-01``; blank shows all again). The line under the
list tells the highlighted order's requirements note, priority, how late it is and whether
it is short of materials.

F6 starts the highlighted order: its bill of materials is issued from the factory stock
(``production.start``); a shortage rings the bell and names the material, how much is
missing and the date it blocks, and nothing changes. F7 finishes the current stage (an
optional note); after the last stage the goods go into stock, reserved for the sales order,
which becomes ready to ship when nothing else of it is being made. F8 records a quality
failure: the stage to go back to by its digit (this one or an earlier one) and the reason.
F9 sets a new expected date (``+3``, ``2026-12-10``) with the reason. Enter (or ``h``) shows the
order's route, stage log and, before it starts, its materials: what it is short of, or
what is reserved for it. F10 (or ``c``) opens the capacity view: per route, for the next 14
days, units planned against the route's daily capacity, days over capacity marked.

Every query and write runs in a thread worker. A dialog's error shows under its fields with
the field focused and the bell; nothing is saved.

Keys (the README copies these rows; every F-key has a Ctrl twin ``Input`` does not swallow):

| Key         | Twin        | Where         | Does                                               |
|-------------|-------------|---------------|----------------------------------------------------|
| `F6`        | `Ctrl+O`    | production    | start: issue the materials (a shortage is named)   |
| `F7`        | `Ctrl+N`    | production    | advance a stage (optional note); the last completes|
| `F8`        | `Ctrl+Y`    | production    | quality failure: back to stage (digit), reason     |
| `F9`        | `Ctrl+B`    | production    | new expected date (`+3`, `2026-12-10`), reason     |
| `Enter`     | `h`         | production    | the order's route, stage log and shortages         |
| `l`         |             | production    | next product line (all, then each line)            |
| `F4`        | `Ctrl+L`    | production    | only orders due by a date (`+7`, ISO; blank: all)  |
| `F10`       | `c`         | production    | capacity: units per route per day, next 14 days    |
| `F5`        | `Ctrl+R`    | production    | read the board (or the capacity) again             |
| `F2`        | `Ctrl+S`    | dialogs       | save (as Enter on the last field)                  |
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Header, Static

from ..commands import ScreenCommands
from ..failures import error_text
from ..messages import Said
from ..services.platform.errors import InvalidInput, OmsError
from ..services.production import board as production_board
from ..services.production import materials as production_materials
from ..services.production import stages as production_stages
from ..services.production.board import BoardRow, CapacityDay, StageLogView, StageView
from ..services.production.materials import MaterialHeld, Shortage
from ..services.sales.entry import parse_requested_date
from ..widgets.footer import KeysFooter
from ..widgets.form_dialog import FormDialog, FormField
from ..widgets.order_list import OrderList, Piece, fit
from . import OmsScreen
from .formats import local_time, plural
from .list_screen import GroupedList, ListScreen

CAPACITY_DAYS = 14


def short_date(d: date | None) -> str:
    return f"{d:%m-%d}" if d else "—"


def parse_due(text: str, today: date) -> date | None:
    """A due-by date for the filter: ``2026-12-01`` (past ones too), ``+7``, ``mon``;
    blank: none."""
    t = text.strip()
    if not t:
        return None
    try:
        return date.fromisoformat(t)
    except ValueError:
        pass
    try:
        return parse_requested_date(t, today)
    except InvalidInput as error:
        raise InvalidInput(str(error), "due") from None


# -- the board ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class StageGroup:
    """A header row: the orders at one stage (of one route's stage names)."""

    stage_no: int
    stage_name: str
    count: int
    late: int
    units: int
    short: int = 0  # orders waiting to start that are short of materials


Row = StageGroup | BoardRow


def row_key(row: Row) -> Hashable:
    if isinstance(row, StageGroup):
        return ("stage", row.stage_no, row.stage_name)
    return row.id


def by_stage(rows: Sequence[BoardRow]) -> list[Row]:
    """The board's rows under a header per stage, the furthest stage first (not started
    last); within a stage the service's order (priority, then due date)."""
    groups: dict[tuple[int, str], list[BoardRow]] = {}
    for r in rows:
        groups.setdefault((r.stage_no, r.stage_name), []).append(r)
    out: list[Row] = []
    for (no, name), members in sorted(groups.items(), key=lambda kv: (-kv[0][0], kv[0][1])):
        out.append(StageGroup(no, name, len(members), sum(1 for m in members if m.late),
                              sum(m.qty for m in members),
                              sum(1 for m in members if m.short)))  # fmt: skip
        out.extend(members)
    return out


def bar(progress: float, width: int) -> str:
    filled = max(0, min(width, round(progress * width)))
    return "▰" * filled + "▱" * (width - filled)


def stage_of(r: BoardRow) -> str:
    return f"{r.stage_no}/{r.stages}" if r.stages else "—"


def _widths(width: int) -> tuple[int, int, int, int]:
    """(product, bar, customer, note) widths for a row ``width`` cells wide."""
    wide = width >= 100
    product, bar_w = (12, 8) if wide else (9, 4)
    fixed = 14 + 1 + 14 + 1 + 1 + product + 1 + 3 + 1 + bar_w + 1 + 3 + 1 + 5 + 1 + 6
    rest = max(6, width - fixed)
    if not wide:
        return product, bar_w, rest, 0
    customer = min(rest, 22)
    note = rest - customer - 1
    return (product, bar_w, customer, note) if note >= 8 else (product, bar_w, rest, 0)


def board_row(r: BoardRow, width: int) -> list[Piece]:
    product, bar_w, customer, note = _widths(width)
    pieces: list[Piece] = [
        (fit(r.number, 14), "alert" if r.priority > 0 else ""),
        (" " + fit(r.order_number, 14), ""),
        (" " + fit(r.customer_name, customer), ""),
        (" " + fit(r.product_code, product), ""),
        (" " + fit(str(r.qty), 3, True), ""),
    ]  # fmt: skip
    if r.short:  # not started, so no progress to show: the bar and stage say why it waits
        pieces.append((" " + fit("short", bar_w + 4), "fail"))
    else:
        pieces += [
            (" " + bar(r.progress, bar_w), "pass" if r.status == "in_progress" else "dim"),
            (" " + fit(stage_of(r), 3, True), ""),
        ]
    pieces += [
        (" " + fit(short_date(r.due_date), 5), "dim"),
        (" " + fit(short_date(r.expected_date) + ("!" if r.late else ""), 6),
         "fail" if r.late else ""),
    ]  # fmt: skip
    if note:
        pieces.append((" " + fit(r.requirements_note, note), "dim"))
    return pieces


def board_head(width: int) -> str:
    product, bar_w, customer, note = _widths(width)
    text = (f" {fit('Number', 14)} {fit('Order', 14)} {fit('Customer', customer)} "
            f"{fit('Product', product)} {fit('Qty', 3, True)} {fit('Done', bar_w)} "
            f"{fit('Stg', 3, True)} {fit('Due', 5)} {fit('Expect', 6)}")  # fmt: skip
    return text + (f" {fit('Requirements', note)}" if note else "")


class BoardList(GroupedList):
    """The board: stage header rows between the orders."""

    GROUP_ROW = StageGroup

    def format_group(self, g: StageGroup, width: int) -> list[Piece]:
        name = g.stage_name if g.stage_no else "waiting to start"
        text = f"{plural(g.count, 'order')}, {plural(g.units, 'unit')}"
        pieces: list[Piece] = [(fit(f"▸ {name}", 30), "alert"), (" " + text, "dim")]
        if g.late:
            pieces.append((f", {g.late} late", "fail"))
        if g.short:
            pieces.append((f", {g.short} short", "fail"))
        return pieces


# -- dialogs -------------------------------------------------------------------------------------


class ProductionForm(FormDialog):
    """A few labelled fields: Enter goes to the next, on the last (or F2) saves through
    ``run`` in a worker; the error goes under the fields, its field focused, with the bell."""

    CSS_PATH = "production.tcss"
    ID_PREFIX = "prod-"
    DIALOG_CLASS, NOTE_CLASS, ROW_CLASS = "prod-dialog", "prod-note", "prod-form-row"
    LABEL_CLASS, ERROR_CLASS = "prod-label", "prod-error"


@dataclass(frozen=True)
class OrderStory:
    row: BoardRow
    stages: list[StageView]
    log: list[StageLogView]
    shortages: list[Shortage]
    materials: list[MaterialHeld]


def materials_text(materials: Sequence[MaterialHeld]) -> Content:
    """An order not short of anything: its bill as reserved for it (what is not reserved
    yet is free in the factory warehouse, and the start takes it from there)."""
    if not materials:
        return Content.styled("No bill of materials: F6 starts it.", "dim")
    whole = all(m.reserved >= m.needed for m in materials)
    held = ", ".join(f"{m.material_code} {m.needed}" if m.reserved >= m.needed else
                     f"{m.material_code} {m.reserved} of {m.needed} (rest free in stock)"
                     for m in materials)  # fmt: skip
    return Content.assemble(
        ("Materials reserved: " if whole else "Materials in stock: ", "$text-success"),
        held, ("; F6 starts it (issues them).", "dim"),
    )  # fmt: skip


class HistoryDialog(ModalScreen[None]):
    """One production order: its route (the current stage marked), the stage log, and
    before it starts its materials: what it is short of, else what is reserved for it."""

    CSS_PATH = "production.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f12,enter", "close", "Close", key_display="Enter/Esc",
                id="production.history.close"),
    ]  # fmt: skip

    def __init__(self, story: OrderStory) -> None:
        super().__init__()
        self.story = story

    def compose(self) -> ComposeResult:
        s, r = self.story, self.story.row
        with VerticalScroll(classes="prod-dialog", id="prod-history") as box:
            box.border_title = f"{r.number} · {r.order_number} · {r.product_code} x{r.qty}"
            box.border_subtitle = "Up/Down scrolls · Enter or Esc closes"
            route = Content(" → ").join(
                Content.styled(f"{n} {st.name}", "bold $text-accent" if n == r.stage_no else
                               ("$text-success" if n < r.stage_no else "dim"))
                for n, st in enumerate(s.stages, 1)
            ) if s.stages else Content.styled("no route for this product line", "dim")  # fmt: skip
            yield Static(Content.assemble(("Route  ", "dim"), route))
            yield Static(Content.assemble(
                ("Due ", "dim"), short_date(r.due_date), ("  Expected ", "dim"),
                (short_date(r.expected_date), "bold $text-error" if r.late else "bold"),
                ("  late" if r.late else "", "bold $text-error"),
                ("  Note ", "dim") if r.requirements_note else "", r.requirements_note,
            ))  # fmt: skip
            if s.shortages:
                yield Static(Content.styled("Shortages (it cannot start):", "bold $text-error"),
                             classes="prod-section")  # fmt: skip
                yield Static(Content("\n").join(
                    Content.assemble((fit(x.material_code, 12), "bold"), " ",
                                     fit(x.material_name, 18),
                                     f" short {x.short} ({x.available} of {x.needed}),"
                                     f" blocks from {x.blocks_from:%m-%d}")
                    for x in s.shortages
                ))  # fmt: skip
            elif r.status == "planned":
                yield Static(materials_text(s.materials), classes="prod-section")
            yield Static(Content.styled("Stage log", "bold"), classes="prod-section")
            yield Static(Content("\n").join(
                Content.assemble((local_time(e.at, "%m-%d %H:%M"), "dim"), " ",
                                 (fit(e.actor, 8), "bold"), " ",
                                 fit(e.stage_name, 16), " ", (fit(e.result, 9), "$text-accent"),
                                 (f" {e.note}" if e.note else "", "italic"))
                for e in s.log
            ) if s.log else Content.styled("no entries", "dim"), id="prod-history-log")  # fmt: skip

    def on_mount(self) -> None:
        self.query_one("#prod-history").focus()

    def action_close(self) -> None:
        self.dismiss(None)


# -- capacity ------------------------------------------------------------------------------------


def capacity_text(days: Sequence[CapacityDay], width: int) -> Content:
    """Per route: its capacity, then a line per day: planned units as a bar against the
    capacity, over-capacity days marked."""
    if not days:
        return Content.styled("No production routes are set up.", "dim")
    bar_w = max(10, min(28, width - 36))
    lines: list[Content] = []
    routes: dict[str, list[CapacityDay]] = {}
    for d in days:
        routes.setdefault(d.route, []).append(d)
    for route, rows in routes.items():
        cap = rows[0].capacity
        over = sum(1 for d in rows if d.over)
        if lines:
            lines.append(Content(""))
        lines.append(Content.assemble(
            (route, "bold $text-accent"), (f"  capacity {cap} a day", "dim"),
            (f"  {over} day{'s' if over != 1 else ''} over" if over else "  never over",
             "bold $text-error" if over else "$text-success"),
        ))  # fmt: skip
        top = max([cap, *(d.planned_units for d in rows)]) or 1
        for d in rows:
            filled = round(d.planned_units / top * bar_w)
            at_cap = round(cap / top * bar_w)
            within, beyond = min(filled, at_cap), max(0, filled - at_cap)
            lines.append(Content.assemble(
                (f" {d.day:%a %m-%d} ", "dim"),
                ("▰" * within, "$text-success"), ("▰" * beyond, "bold $text-error"),
                ("▱" * max(0, bar_w - within - beyond), "dim"),
                f" {d.planned_units:>4} / {cap:<4}",
                (" OVER" if d.over else "", "bold $text-error"),
            ))  # fmt: skip
    return Content("\n").join(lines)


class CapacityScreen(OmsScreen):
    """Work planned per day per route against its daily capacity, the next 14 days."""

    MESSAGE_ID = "prod-cap-status"
    CSS_PATH = "production.tcss"
    COMMANDS = {ScreenCommands}
    PALETTE_PREFIX = "Capacity"
    PALETTE: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("refresh", "Read again", "Units planned per route per day (F5 / Ctrl+R)"),
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f5,ctrl+r", "refresh", "Refresh", key_display="F5/^R",
                id="production.capacity.refresh", tooltip="Read the capacity again"),
    ]  # fmt: skip

    class Loaded(Message):
        def __init__(self, days: list[CapacityDay]) -> None:
            super().__init__()
            self.days = days

    def __init__(self, today: date) -> None:
        super().__init__()
        self.today = today
        self.days: list[CapacityDay] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="prod-capacity"):
            yield Static(Content.styled("Reading the capacity…", "dim"), id="prod-cap-status")
            with VerticalScroll(id="prod-cap-scroll"):
                yield Static("", id="prod-cap-days")
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#prod-cap-scroll").focus()
        self.action_refresh()

    def action_refresh(self) -> None:
        self.load(self.today)

    @work(thread=True, exclusive=True, group="production-capacity", exit_on_error=False,
          description="read the capacity")  # fmt: skip
    def load(self, today: date) -> None:
        self.post_message(self.Loaded(production_board.capacity(self.db, today, CAPACITY_DAYS)))

    @on(Loaded)
    def loaded(self, message: Loaded) -> None:
        status = self.query_one("#prod-cap-status", Static)
        self.days = message.days
        end = self.today + timedelta(days=CAPACITY_DAYS - 1)
        over = sum(1 for d in self.days if d.over)
        routes = len({d.route for d in self.days})
        status.update(Content.assemble(
            ("Capacity ", "bold"), f"{self.today:%m-%d} to {end:%m-%d} · ",
            f"{routes} route{'s' if routes != 1 else ''} · ",
            (f"{over} day{'s' if over != 1 else ''} over capacity", "bold $text-error")
            if over else ("no day over capacity", "$text-success"),
        ))  # fmt: skip
        self.query_one("#prod-cap-days", Static).update(capacity_text(self.days, self.size.width))

    def on_resize(self) -> None:
        if self.days:
            self.query_one("#prod-cap-days", Static).update(
                capacity_text(self.days, self.size.width)
            )


# -- the screen ----------------------------------------------------------------------------------


class ProductionScreen(ListScreen[BoardList]):
    """Production orders by stage; start, advance, quality failures, new dates; capacity."""

    PREFIX = "prod"
    WHAT = "the board"
    # what the footer has no room for at 80 columns (F5 refreshes, as on every list)
    KEYS = (("Enter", "log"), ("l", "line"), ("F4", "due by"), ("F8", "QC fail"),
            ("F9", "expected"), ("c", "capacity"))  # fmt: skip
    HEAD_INSET = 2
    FOOTER = KeysFooter
    JOB_GROUP = "production-job"

    MODE = "production"
    CSS_PATH = "production.tcss"
    COMMANDS = {ScreenCommands}
    PALETTE_PREFIX = "Production"
    PALETTE: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("start", "Start", "Issue the materials and start the first stage (F6 / Ctrl+O)"),
        ("advance", "Advance a stage", "The stage is done, the next starts; the last "
                                       "completes the order (F7 / Ctrl+N)"),
        ("quality", "Quality failure", "Back to a chosen stage, with the reason (F8 / Ctrl+Y)"),
        ("expected", "New expected date", "A new date with the reason (F9 / Ctrl+B)"),
        ("history", "Stage log and shortages", "Route, stage log, missing materials (Enter / h)"),
        ("next_line", "Next product line", "Show one product line, then the next (l)"),
        ("due_filter", "Due by", "Only orders due by a date; blank shows all (F4 / Ctrl+L)"),
        ("capacity", "Capacity", "Units planned per route per day, next 14 days (F10 / c)"),
        ("refresh", "Read again", "The board (F5 / Ctrl+R)"),
    )  # fmt: skip
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f6,ctrl+o", "start", "Start", key_display="F6/^O", id="production.start",
                tooltip="Start: issue the materials (a shortage is named)"),
        Binding("f7,ctrl+n", "advance", "Advance", key_display="F7/^N",
                id="production.advance", tooltip="Advance a stage (optional note)"),
        Binding("f8,ctrl+y", "quality", "QC fail", key_display="F8/^Y",
                id="production.quality", tooltip="Quality failure: back to a stage, reason"),
        Binding("f9,ctrl+b", "expected", "Expected", key_display="F9/^B", show=False,
                id="production.expected", tooltip="New expected date with the reason"),
        Binding("enter,h", "history", "Log", key_display="Enter/h", show=False,
                id="production.history", tooltip="Route, stage log and shortages"),
        Binding("l", "next_line", "Line", show=False, id="production.line",
                tooltip="Next product line (all, then each)"),
        Binding("f4,ctrl+l", "due_filter", "Due by", key_display="F4/^L", show=False,
                id="production.due", tooltip="Only orders due by a date (blank: all)"),
        Binding("f10,c", "capacity", "Capacity", key_display="F10/c", id="production.capacity",
                tooltip="Capacity per route per day, next 14 days"),
        Binding("f5,ctrl+r", "refresh", "Refresh", key_display="F5/^R", show=False,
                id="production.refresh", tooltip="Read the board again"),
    ]  # fmt: skip

    class StoryReady(Message):
        def __init__(self, story: OrderStory) -> None:
            super().__init__()
            self.story = story

    class StagesReady(Message):
        def __init__(self, row: BoardRow, stages: list[StageView]) -> None:
            super().__init__()
            self.row, self.stages = row, stages

    def __init__(self) -> None:
        super().__init__()
        self.line: str | None = None
        self.due_by: date | None = None
        self.lines: set[str] = set()  # product lines seen on the board

    def make_list(self) -> BoardList:
        return BoardList(board_row, key=row_key, id="prod-board",
                         empty_text="No production order is open.")  # fmt: skip

    def head(self, width: int) -> str:
        return board_head(width)

    @property
    def board(self) -> BoardList:
        return self.row_list

    def orders(self) -> list[BoardRow]:
        return self.board.members()

    def status_text(self) -> Content:
        rows = self.orders()
        late = sum(1 for r in rows if r.late)
        short = sum(1 for r in rows if r.short)
        started = sum(1 for r in rows if r.status == "in_progress")
        return Content.assemble(
            (f"{len(rows)} open", "bold"), f" · {started} in progress",
            (f" · {late} late", "bold $text-error") if late else "",
            (f" · {short} short", "bold $text-error") if short else "",
            (" · line ", "dim"), (self.line or "all", "bold $text-accent"),
            (" · due by ", "dim"),
            (self.due_by.isoformat() if self.due_by else "any", "bold $text-accent"),
        )  # fmt: skip

    def info_text(self, row: Row) -> Content:
        if isinstance(row, StageGroup):
            name = row.stage_name if row.stage_no else "waiting to start"
            return Content.assemble(
                (name, "bold"), f": {row.count} orders, {row.units} units",
                (f", {row.late} late" if row.late else "", "bold $text-error"),
                (f", {row.short} short of materials" if row.short else "", "bold $text-error"),
                "\n",
                ("Down to an order: F6 start, F7 advance, F8 quality failure.", "dim"),
            )  # fmt: skip
        if row.status == "planned" and row.short:
            state, then = "short of materials", "Enter lists what is missing"
        elif row.status == "planned":
            state, then = "waiting to start", "F6 starts it (issues the materials)"
        else:
            state = f"at {row.stage_name} ({row.stage_no}/{row.stages})"
            then = ("F7 completes it (last stage)" if row.stage_no == row.stages
                    else "F7 when this stage is done")  # fmt: skip
        late = ""
        if row.late and row.due_date and row.expected_date:
            late = f" · {(row.expected_date - row.due_date).days} d late"
        return Content.assemble(
            (row.number, "bold"), f" {row.product_line} · {state} · prio {row.priority}",
            (late, "bold $text-error"), "\n",
            (f"Note: {row.requirements_note} · " if row.requirements_note else "", ""),
            (then, "dim"),
        )  # fmt: skip

    # -- loading -----------------------------------------------------------------------------

    def action_refresh(self, keep: bool = False) -> None:
        db, line, due_by = self.db, self.line, self.due_by

        def fetch(_cursor: Any) -> tuple[list[Row], None]:
            rows = production_board.board(db, product_line=line, due_before=due_by)
            return by_stage(rows), None

        self.board.load(fetch, keep=keep)

    def after_load(self) -> None:
        self.lines |= {r.product_line for r in self.orders() if r.product_line}
        if isinstance(self.board.highlighted, StageGroup) and len(self.board.rows) > 1:
            self.board.cursor = 1  # on the first order, not its stage's header

    @on(OrderList.Opened, "#prod-board")
    def opened(self, message: OrderList.Opened) -> None:
        self.action_history()

    # -- keys --------------------------------------------------------------------------------

    def _order(self) -> BoardRow | None:
        row = self.board.highlighted
        if not isinstance(row, BoardRow):
            self.say("Highlight a production order first (Down moves off the stage header).",
                     error=True)  # fmt: skip
            return None
        return row

    def _finished(self, text: str | None) -> None:
        if text:
            self.say(Content.styled(text, "bold $text-success"))
            self.action_refresh(keep=True)

    def action_next_line(self) -> None:
        lines = sorted(self.lines)
        if not lines:
            self.say("No product line on the board yet.", error=True)
            return
        if self.line not in lines:
            self.line = lines[0]
        else:
            at = lines.index(self.line)
            self.line = lines[at + 1] if at + 1 < len(lines) else None
        self.say(f"Showing {self.line or 'every product line'} (l: next).")
        self.action_refresh()

    def action_due_filter(self) -> None:
        today = self.today

        def run(v: dict[str, str]) -> str:
            due = parse_due(v["due"], today)
            return due.isoformat() if due else "-"

        def finished(text: str | None) -> None:
            if text is None:
                return
            self.due_by = None if text == "-" else date.fromisoformat(text)
            self.say(f"Showing orders due by {self.due_by}." if self.due_by
                     else "Showing every due date.")  # fmt: skip
            self.action_refresh()

        current = self.due_by.isoformat() if self.due_by else ""
        self.app.push_screen(
            ProductionForm(
                "Due by",
                [
                    FormField("due", "Due by", current, "+7, 2026-12-01 (blank: all)"),
                ],
                run,
                "Only the orders due by this date (with a due date).",
            ),
            callback=finished,
        )

    def action_start(self) -> None:
        row = self._order()
        if row is None or not self._free():
            return
        if row.status != "planned":
            self.say(f"{row.number} is already started: F7 advances it.", error=True)
            return
        self._busy = True
        self.say(Content.styled(f"Starting {row.number}…", "dim"))
        self.start(row, self.today)

    @work(thread=True, exclusive=True, group="production-job", exit_on_error=False,
          description="start the production order")  # fmt: skip
    def start(self, row: BoardRow, today: date) -> None:
        try:
            po = production_stages.start(self.db, self.user, row.id, today)
        except OmsError as error:  # a shortage, or the order moved on: the board is read again
            self.post_message(Said(error_text(error), error=True, reload=True))
            return
        stages = production_board.stages_of(self.db, row.id)
        first = next((s.name for s in stages if s.seq == po.current_stage_seq), "")
        self.post_message(
            Said(
                f"{row.number} started: materials issued; at {first}, "
                f"expected {short_date(po.expected_date)}.",
                reload=True,
            )
        )

    def action_advance(self) -> None:
        row = self._order()
        if row is None:
            return
        if row.status != "in_progress":
            self.say(f"{row.number} is not started: F6 starts it.", error=True)
            return
        db, user, today = self.db, self.user, self.today
        last = row.stage_no >= row.stages

        def run(v: dict[str, str]) -> str:
            po = production_stages.advance(db, user, row.id, v["note"], today)
            if po.status == "done":
                return (f"{row.number} done: {row.qty} {row.product_code} into stock, "
                        f"reserved for {row.order_number}.")  # fmt: skip
            return f"{row.number}: {row.stage_name} done, next stage started."

        note = (
            f"{row.stage_name} is the last stage: the goods go into stock, reserved for "
            f"{row.order_number}."
            if last
            else f"{row.stage_name} ({row.stage_no}/{row.stages}) is done; the next starts."
        )
        self.app.push_screen(ProductionForm(f"Advance {row.number}", [
            FormField("note", "Note", "", "optional"),
        ], run, note), callback=self._finished)  # fmt: skip

    def action_quality(self) -> None:
        row = self._order()
        if row is None or not self._free():
            return
        if row.status != "in_progress":
            self.say(f"{row.number} is not in progress: nothing to send back.", error=True)
            return
        self._busy = True
        self.load_stages(row)

    @work(thread=True, exclusive=True, group="production-job", exit_on_error=False,
          description="read the route")  # fmt: skip
    def load_stages(self, row: BoardRow) -> None:
        self.post_message(self.StagesReady(row, production_board.stages_of(self.db, row.id)))

    @on(StagesReady)
    def stages_ready(self, message: StagesReady) -> None:
        self._busy = False
        row, stages = message.row, message.stages
        allowed = stages[: max(row.stage_no, 1)]
        db, user, today = self.db, self.user, self.today

        def run(v: dict[str, str]) -> str:
            text = v["back"].strip()
            if not text.isdigit() or not 1 <= int(text) <= len(allowed):
                raise InvalidInput(f"type the digit of a stage, 1 to {len(allowed)}", "back")
            target = allowed[int(text) - 1]
            production_stages.quality_failure(db, user, row.id, target.seq, v["reason"], today)
            return f"{row.number}: quality failure recorded, back to {target.name}."

        note = Content("\n").join(
            Content.assemble((f"{n} ", "bold $text-accent"), st.name,
                             (" (current)" if n == row.stage_no else "", "dim"))
            for n, st in enumerate(allowed, 1)
        )  # fmt: skip
        default = str(max(1, len(allowed) - 1))
        self.app.push_screen(ProductionForm(f"Quality failure {row.number}", [
            FormField("back", "Back to", default, f"digit 1-{len(allowed)}"),
            FormField("reason", "Reason", "", "what failed (required)"),
        ], run, note), callback=self._finished)  # fmt: skip

    def action_expected(self) -> None:
        row = self._order()
        if row is None:
            return
        db, user, today = self.db, self.user, self.today

        def run(v: dict[str, str]) -> str:
            try:
                when = parse_requested_date(v["date"], today)
            except InvalidInput as error:
                raise InvalidInput(str(error), "date") from None
            if when is None:
                raise InvalidInput("type the new date: +3 or 2026-12-10", "date")
            if not v["reason"].strip():
                raise InvalidInput("a reason is required: supplier late, machine down…",
                                   "reason")  # fmt: skip
            production_stages.set_expected(db, user, row.id, when, v["reason"])
            return f"{row.number}: expected {when:%Y-%m-%d} now."

        note = (
            f"Expected {short_date(row.expected_date)}, due {short_date(row.due_date)}. "
            "The customer is told this date."
        )
        self.app.push_screen(ProductionForm(f"New expected date {row.number}", [
            FormField("date", "Expected", "", "+3, fri or 2026-12-10"),
            FormField("reason", "Reason", "", "required"),
        ], run, note), callback=self._finished)  # fmt: skip

    def action_history(self) -> None:
        row = self._order()
        if row is None or not self._free():
            return
        self._busy = True
        self.load_story(row, self.today)

    @work(thread=True, exclusive=True, group="production-job", exit_on_error=False,
          description="read the production order")  # fmt: skip
    def load_story(self, row: BoardRow, today: date) -> None:
        stages = production_board.stages_of(self.db, row.id)
        log = production_board.history(self.db, row.id)
        planned = row.status == "planned"
        short = production_materials.shortages(self.db, row.id, today) if planned else []
        held = production_materials.materials_held(self.db, row.id) if planned and not short else []
        self.post_message(self.StoryReady(OrderStory(row, stages, log, short, held)))

    @on(StoryReady)
    def story_ready(self, message: StoryReady) -> None:
        self._busy = False
        self.app.push_screen(HistoryDialog(message.story))

    def action_capacity(self) -> None:
        self.app.push_screen(CapacityScreen(self.today))
