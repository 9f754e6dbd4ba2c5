"""Production: the board and its keys (the package's docstring has the area's keys)."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date
from typing import Any, ClassVar

from rich.cells import cell_len
from textual import on, work
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message

from ...commands import ScreenCommands
from ...failures import error_text
from ...i18n import N_, _, ngettext, pgettext
from ...messages import Said
from ...services.platform.errors import InvalidInput, OmsError
from ...services.production import board as production_board
from ...services.production import materials as production_materials
from ...services.production import stages as production_stages
from ...services.production.board import BoardRow, StageView
from ...services.sales.entry import parse_requested_date
from ...widgets.footer import KeysFooter
from ...widgets.form_dialog import FormDialog, FormField
from ...widgets.order_list import OrderList, Piece, fit
from ..list_screen import GroupedList, ListScreen
from .capacity import CapacityScreen
from .dialogs import HistoryDialog, OrderStory, parse_due
from .rows import (
    Row,
    StageGroup,
    board_columns,
    board_head,
    board_row,
    by_stage,
    row_key,
    short_date,
)

# -- the board ---------------------------------------------------------------------------------


class BoardList(GroupedList):
    """The board: stage header rows between the orders."""

    GROUP_ROW = StageGroup

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(self.format_order, key=row_key, **kwargs)
        self._codes: tuple[int, int, int] = (0, 0, 0)  # (rows' id, their count, widest code)

    @property
    def code_width(self) -> int:
        """The cells the longest product code on the board takes: the product column's
        width, the same on every row (``rows.board_columns``)."""
        rows = self.rows
        if self._codes[:2] != (id(rows), len(rows)):
            widest = max((cell_len(r.product_code) for r in rows if isinstance(r, BoardRow)),
                         default=0)  # fmt: skip
            self._codes = (id(rows), len(rows), widest)
        return self._codes[2]

    def format_order(self, row: BoardRow, width: int) -> list[Piece]:
        return board_row(row, width, self.code_width)

    def format_group(self, g: StageGroup, width: int) -> list[Piece]:
        name = g.stage_name if g.stage_no else _("waiting to start")
        text = _("{orders}, {units}").format(orders=orders_text(g.count), units=units_text(g.units))
        pieces: list[Piece] = [(fit(f"▸ {name}", 30), "alert"), (" " + text, "dim")]
        if g.late:
            pieces.append((_(", {n} late").format(n=g.late), "fail"))
        if g.short:
            pieces.append((_(", {n} short").format(n=g.short), "fail"))
        return pieces


def orders_text(n: int) -> str:
    return ngettext("{n} order", "{n} orders", n).format(n=n)


def units_text(n: int) -> str:
    return ngettext("{n} unit", "{n} units", n).format(n=n)


# -- the screen ----------------------------------------------------------------------------------


class ProductionScreen(ListScreen[BoardList]):
    """Production orders by stage; start, advance, quality failures, new dates; capacity."""

    PREFIX = "prod"
    WHAT = N_("the board")
    # what the footer has no room for at 80 columns (F5 refreshes, as on every list)
    KEYS = (
        ("Enter", N_("log")),  # i18n: no (the key's name)
        ("l", N_("line")), ("F4", N_("due by")), ("F8", N_("QC fail")),
        ("F9", N_("expected")), ("c", N_("capacity")),
    )  # fmt: skip
    HEAD_INSET = 2
    FOOTER = KeysFooter
    JOB_GROUP = "production-job"

    MODE = "production"
    CSS_PATH = "production.tcss"
    COMMANDS = {ScreenCommands}
    PALETTE_PREFIX = N_("Production")
    ACTION_PERMISSIONS: ClassVar[dict[str, str]] = {
        "start": "production.advance", "advance": "production.advance",
        "quality": "production.advance", "expected": "production.plan",
    }  # fmt: skip
    PALETTE: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("start", N_("Start"), N_("Issue the materials and start the first stage (F6 / Ctrl+O)")),
        ("advance", N_("Advance a stage"), N_("The stage is done, the next starts; the last "
                                              "completes the order (F7 / Ctrl+N)")),
        ("quality", N_("Quality failure"),
         N_("Back to a chosen stage, with the reason (F8 / Ctrl+Y)")),
        ("expected", N_("New expected date"), N_("A new date with the reason (F9 / Ctrl+B)")),
        ("history", N_("Stage log and shortages"),
         N_("Route, stage log, missing materials (Enter / h)")),
        ("next_line", N_("Next product line"), N_("Show one product line, then the next (l)")),
        ("due_filter", N_("Due by"),
         N_("Only orders due by a date; blank shows all (F4 / Ctrl+L)")),
        ("capacity", N_("Capacity"),
         N_("Units planned per route per day, next 14 days (F10 / c)")),
        ("refresh", N_("Read again"), N_("The board (F5 / Ctrl+R)")),
    )  # fmt: skip
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f6,ctrl+o", "start", N_("Start"), key_display="F6/^O", id="production.start",
                tooltip=N_("Start: issue the materials (a shortage is named)")),
        Binding("f7,ctrl+n", "advance", N_("Advance"), key_display="F7/^N",
                id="production.advance", tooltip=N_("Advance a stage (optional note)")),
        Binding("f8,ctrl+y", "quality", N_("QC fail"), key_display="F8/^Y",
                id="production.quality", tooltip=N_("Quality failure: back to a stage, reason")),
        Binding("f9,ctrl+b", "expected", N_("Expected"), key_display="F9/^B", show=False,
                id="production.expected", tooltip=N_("New expected date with the reason")),
        Binding("enter,h", "history", N_("Log"), key_display="Enter/h", show=False,
                id="production.history", tooltip=N_("Route, stage log and shortages")),
        Binding("l", "next_line", N_("Line"), show=False, id="production.line",
                tooltip=N_("Next product line (all, then each)")),
        Binding("f4,ctrl+l", "due_filter", N_("Due by"), key_display="F4/^L", show=False,
                id="production.due", tooltip=N_("Only orders due by a date (blank: all)")),
        Binding("f10,c", "capacity", N_("Capacity"), key_display="F10/c",
                id="production.capacity", tooltip=N_("Capacity per route per day, next 14 days")),
        Binding("f5,ctrl+r", "refresh", N_("Refresh"), key_display="F5/^R", show=False,
                id="production.refresh", tooltip=N_("Read the board again")),
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
        return BoardList(id="prod-board", empty_text=_("No production order is open."))

    def retranslate(self) -> None:
        self.board.empty_text = _("No production order is open.")
        super().retranslate()

    def head(self, width: int) -> str:
        return board_head(width, self.board.code_width)

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
            (_("{n} open").format(n=len(rows)), "bold"),
            _(" · {n} in progress").format(n=started),
            (_(" · {n} late").format(n=late), "bold $text-error") if late else "",
            (_(" · {n} short").format(n=short), "bold $text-error") if short else "",
            (_(" · line "), "dim"), (self.line or _("all"), "bold $text-accent"),
            (_(" · due by "), "dim"),
            (self.due_by.isoformat() if self.due_by else _("any"), "bold $text-accent"),
        )  # fmt: skip

    def info_text(self, row: Row) -> Content:
        if isinstance(row, StageGroup):
            name = row.stage_name if row.stage_no else _("waiting to start")
            return Content.assemble(
                (name, "bold"),
                ": " + _("{orders}, {units}").format(orders=orders_text(row.count),
                                                     units=units_text(row.units)),
                (_(", {n} late").format(n=row.late) if row.late else "", "bold $text-error"),
                (_(", {n} short of materials").format(n=row.short) if row.short else "",
                 "bold $text-error"),
                "\n",
                (_("Down to an order: F6 start, F7 advance, F8 quality failure."), "dim"),
            )  # fmt: skip
        if row.status == "planned" and row.short:
            state, then = _("short of materials"), _("Enter lists what is missing")
        elif row.status == "planned":
            state, then = _("waiting to start"), _("F6 starts it (issues the materials)")
        else:
            state = _("at {stage} ({n}/{of})").format(
                stage=row.stage_name, n=row.stage_no, of=row.stages
            )
            then = (_("F7 completes it (last stage)") if row.stage_no == row.stages
                    else _("F7 when this stage is done"))  # fmt: skip
        late = ""
        if row.late and row.due_date and row.expected_date:
            late = _(" · {days} d late").format(days=(row.expected_date - row.due_date).days)
        # the sales order's number, when the board has no room for its column
        shown = board_columns(self.size.width - self.HEAD_INSET, self.board.code_width).order
        return Content.assemble(
            (row.number, "bold"), ("" if shown else f" {row.order_number}", "bold"),
            _(" {line} · {state} · prio {priority}").format(line=row.product_line, state=state,
                                                            priority=row.priority),
            (late, "bold $text-error"), "\n",
            (_("Note: {note} · ").format(note=row.requirements_note)
             if row.requirements_note else "", ""),
            (then, "dim"),
        )  # fmt: skip

    # -- loading -----------------------------------------------------------------------------

    def action_refresh(self, keep: bool = False) -> None:
        db, line, due_by = self.db, self.line, self.due_by

        def fetch(_cursor: Any) -> tuple[list[Row], None]:
            rows = production_board.board(db, product_line=line, due_before=due_by)
            return by_stage(rows), None

        self.board.load(fetch, keep=keep)

    def stamp(self) -> Hashable:
        return production_board.board_stamp(self.db)

    def after_load(self) -> None:
        self.show_head()  # the product column is as wide as the longest code read
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
            self.say(_("Highlight a production order first (Down moves off the stage header)."),
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
            self.say(_("No product line on the board yet."), error=True)
            return
        if self.line not in lines:
            self.line = lines[0]
        else:
            at = lines.index(self.line)
            self.line = lines[at + 1] if at + 1 < len(lines) else None
        self.say(_("Showing {what} (l: next).").format(what=self.line or _("every product line")))
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
            self.say(_("Showing orders due by {day}.").format(day=self.due_by) if self.due_by
                     else _("Showing every due date."))  # fmt: skip
            self.action_refresh()

        current = self.due_by.isoformat() if self.due_by else ""
        self.app.push_screen(
            FormDialog(
                _("Due by"),
                [
                    FormField("due", _("Due by"), current, _("+7, 2026-12-01 (blank: all)")),
                ],
                run,
                _("Only the orders due by this date (with a due date)."),
            ),
            callback=finished,
        )

    def action_start(self) -> None:
        row = self._order()
        if row is None or not self._free():
            return
        if row.status != "planned":
            self.say(
                _("{number} is already started: F7 advances it.").format(number=row.number),
                error=True,
            )
            return
        self._busy = True
        self.say(Content.styled(_("Starting {number}…").format(number=row.number), "dim"))
        self.start(row, self.today)

    @work(thread=True, exclusive=True, group="production-job", exit_on_error=False,
          description=N_("start the production order"))  # fmt: skip
    def start(self, row: BoardRow, today: date) -> None:
        try:
            po = production_stages.start(self.db, self.user, row.id, today, row.version)
        except OmsError as error:  # a shortage, or the order moved on: the board is read again
            self.post_message(Said(error_text(error), error=True, reload=True))
            return
        stages = production_board.stages_of(self.db, row.id)
        first = next((s.name for s in stages if s.seq == po.current_stage_seq), "")
        self.post_message(
            Said(
                _("{number} started: materials issued; at {stage}, expected {day}.").format(
                    number=row.number, stage=first, day=short_date(po.expected_date)
                ),
                reload=True,
            )
        )

    def action_advance(self) -> None:
        row = self._order()
        if row is None:
            return
        if row.status != "in_progress":
            self.say(
                _("{number} is not started: F6 starts it.").format(number=row.number), error=True
            )
            return
        db, user, today = self.db, self.user, self.today
        last = row.stage_no >= row.stages

        def run(v: dict[str, str]) -> str:
            po = production_stages.advance(db, user, row.id, v["note"], today, row.version)
            if po.status == "done":
                return _("{number} done: {qty} {code} into stock, reserved for {order}.").format(
                    number=row.number, qty=row.qty, code=row.product_code, order=row.order_number
                )
            return _("{number}: {stage} done, next stage started.").format(
                number=row.number, stage=row.stage_name
            )

        note = (
            _("{stage} is the last stage: the goods go into stock, reserved for {order}.").format(
                stage=row.stage_name, order=row.order_number
            )
            if last
            else _("{stage} ({n}/{of}) is done; the next starts.").format(
                stage=row.stage_name, n=row.stage_no, of=row.stages
            )
        )
        self.app.push_screen(FormDialog(_("Advance {number}").format(number=row.number), [
            FormField("note", _("Note"), "", _("optional")),
        ], run, note), callback=self._finished)  # fmt: skip

    def action_quality(self) -> None:
        row = self._order()
        if row is None or not self._free():
            return
        if row.status != "in_progress":
            self.say(
                _("{number} is not in progress: nothing to send back.").format(number=row.number),
                error=True,
            )
            return
        self._busy = True
        self.load_stages(row)

    @work(thread=True, exclusive=True, group="production-job", exit_on_error=False,
          description=N_("read the route"))  # fmt: skip
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
                raise InvalidInput(
                    _("type the digit of a stage, 1 to {n}").format(n=len(allowed)), "back"
                )
            target = allowed[int(text) - 1]
            production_stages.quality_failure(db, user, row.id, target.seq, v["reason"], today,
                                              row.version)  # fmt: skip
            return _("{number}: quality failure recorded, back to {stage}.").format(
                number=row.number, stage=target.name
            )

        note = Content("\n").join(
            Content.assemble((f"{n} ", "bold $text-accent"), st.name,
                             (_(" (current)") if n == row.stage_no else "", "dim"))
            for n, st in enumerate(allowed, 1)
        )  # fmt: skip
        default = str(max(1, len(allowed) - 1))
        self.app.push_screen(FormDialog(_("Quality failure {number}").format(number=row.number), [
            FormField("back", _("Back to"), default, _("digit 1-{n}").format(n=len(allowed))),
            FormField("reason", _("Reason"), "", _("what failed (required)")),
        ], run, note), callback=self._finished)  # fmt: skip

    def action_expected(self) -> None:
        row = self._order()
        if row is None:
            return
        db, user, today = self.db, self.user, self.today

        def run(v: dict[str, str]) -> str:
            # +3: three days later than the date expected now (the supplier is 3 days late),
            # not three days from today; a weekday or a date as anywhere else
            relative = v["date"].strip().startswith("+") and row.expected_date is not None
            base = max(row.expected_date, today) if relative and row.expected_date else today
            try:
                when = parse_requested_date(v["date"], base)
            except InvalidInput as error:
                raise InvalidInput(str(error), "date") from None
            if when is None:
                raise InvalidInput(_("type the new date: +3 or 2026-12-10"), "date")
            if not v["reason"].strip():
                raise InvalidInput(_("a reason is required: supplier late, machine down…"),
                                   "reason")  # fmt: skip
            production_stages.set_expected(db, user, row.id, when, v["reason"], row.version)
            return _("{number}: expected {day} now.").format(
                number=row.number, day=f"{when:%Y-%m-%d}"
            )

        note = _(
            "Expected {expected}, due {due}; +3 moves it 3 days later. The customer is "
            "told this date."
        ).format(expected=short_date(row.expected_date), due=short_date(row.due_date))
        title = _("New expected date {number}").format(number=row.number)
        self.app.push_screen(FormDialog(title, [
            FormField("date", pgettext("production", "Expected"), "",
                      _("+3 (days later), fri or 2026-12-10")),
            FormField("reason", _("Reason"), "", _("required")),
        ], run, note), callback=self._finished)  # fmt: skip

    def action_history(self) -> None:
        row = self._order()
        if row is None or not self._free():
            return
        self._busy = True
        self.load_story(row, self.today)

    @work(thread=True, exclusive=True, group="production-job", exit_on_error=False,
          description=N_("read the production order"))  # fmt: skip
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
