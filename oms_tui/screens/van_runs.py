"""Van runs: the own vans' delivery runs of a day, planned and settled by key.

Opened from Dispatch (F10 / Ctrl+G). Three fields on top: the van (one key from the list
under it: ``1`` the first own van, ``2`` the next..., or its code), the day (today; ``+1``,
``2026-12-01``, ``-1`` yesterday to settle a run that came back late) and the driver's name.
Enter moves from field to field; Enter on the driver (or F2) plans the van's run
(``delivery_runs.plan_run``: the ready orders of its area, stops in route order) and
prints the driver manifest in the same worker (``printing.deliver_all``: saved in the
documents folder, then sent to the printer the ``printer`` setting names; the message says
where).

Under the fields, the day's runs (``delivery_runs.runs_on``; Up/Down picks one) and the
picked run's stops: order, customer, address, cash to collect, full containers to leave
and empties to collect, with the totals. F6 settles the picked run when the van is back:
``SettleRunScreen``, one stop at a time, ``d`` delivered or ``n`` not home, the empties
brought back and the cash collected (``423`` or ``423.50``); F2 settles
(``delivery_runs.settle_run``). An error (more empties than the customer holds...) goes
to its stop and field with the bell and nothing is saved; settled, the run's result shows
here: delivered stops, cash collected against due, containers.

Keys (the README copies these rows):

| Key         | Twin        | Where         | Does                                               |
|-------------|-------------|---------------|----------------------------------------------------|
| `F10`       | `Ctrl+G`    | dispatch      | van runs: plan and settle the own vans' runs       |
| `Enter`     |             | van runs      | next field; on the driver: plan the run            |
| `F2`        | `Ctrl+S`    | van runs      | plan the van's run, print the driver manifest      |
| `Up`/`Down` |             | van runs      | pick one of the day's runs (its stops show)        |
| `F6`        | `Ctrl+O`    | van runs      | settle the picked run                              |
| `F7`        | `Ctrl+N`    | van runs      | print the picked run's driver manifest again       |
| `F5`        | `Ctrl+R`    | van runs      | read the day's runs again                          |
| `d` / `n`   |             | settle run    | delivered / not home (then empties back, cash)     |
| `Enter`     |             | settle run    | next field; after the cash: the next stop          |
| `Up`/`Down` |             | settle run    | previous / next stop                               |
| `F2`        | `Ctrl+S`    | settle run    | settle the run: ship the delivered, book empties   |
|             |             |               | and cash                                           |
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Label, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker

from ..commands import ScreenCommands
from ..failures import TellsFailures, doing, error_text, failure_text, logged_text
from ..messages import Said
from ..services.platform.errors import InvalidInput
from ..services.platform.money import format_money, parse_money
from ..services.shipping import delivery_runs
from ..services.shipping.delivery_runs import RunView, StopResult, StopView, VanView
from ..widgets.footer import KeysFooter
from ..widgets.order_list import fit
from ..widgets.scan_input import ScanInput
from .formats import parse_day, plural
from .list_screen import JobScreen
from .printouts import deliver_documents

VAN_KEYS = "123456789abcdefghijklmnopqrstuvwxyz"


def keyed(vans: Sequence[VanView]) -> list[tuple[str, VanView]]:
    """Each van with the key that picks it: 1..9, then a..z."""
    return list(zip(VAN_KEYS, vans, strict=False))


def money(minor: int) -> str:
    return format_money(minor) if minor else "—"


# -- what the screens show ---------------------------------------------------------------------

_STOP_FIXED = 1 + 2 + 1 + 14 + 1 + 1 + 1 + 10 + 1 + 4 + 1 + 4


def list_width(screen: Screen) -> int:
    """The cells a stop row has: the screen less the list's padding and scrollbar."""
    return screen.size.width - 3


def stop_columns(width: int) -> tuple[int, int]:
    """(customer, address) widths that fill ``width`` after the fixed columns."""
    free = max(12, width - _STOP_FIXED)
    customer = min(16, free // 2)
    return customer, free - customer


def stop_head(width: int, returned: bool) -> str:
    customer, address = stop_columns(width)
    cash, empties = ("Cash in", "Back") if returned else ("Cash", "Empt")
    return (f"  # {fit('Order', 14)} {fit('Customer', customer)} {fit('Address', address)} "
            f"{fit(cash, 10, True)} {fit('Full', 4, True)} {fit(empties, 4, True)}")  # fmt: skip


def stop_row(s: StopView, width: int, returned: bool) -> Content:
    customer, address = stop_columns(width)
    if returned:
        mark = ("✓", "$text-success") if s.delivered else ("✗", "$text-warning")
        cash, empties = money(s.cash_collected_minor), s.containers_back
        full = s.containers_out if s.delivered else 0
    else:
        mark, cash = (" ", ""), money(s.cash_due_minor)
        full, empties = s.containers_out, s.containers_to_collect
    return Content.assemble(
        mark, f"{s.seq:>2} ", (fit(s.order_number, 14), "bold"),
        f" {fit(s.customer_name, customer)} ", (fit(s.address, address), "$text-muted"),
        f" {fit(cash, 10, True)} {full:>4} {empties:>4}",
    )  # fmt: skip


def run_totals(run: RunView) -> Content:
    if run.status == "returned":
        return result_text(run)
    return Content.assemble(
        (plural(len(run.stops), "stop"), "bold"),
        f" · cash to collect {format_money(run.cash_due_minor)}"
        f" · full out {run.containers_out} · empties to collect {run.containers_to_collect}",
    )  # fmt: skip


def result_text(run: RunView) -> Content:
    """What settling did: delivered stops, cash collected against due, containers."""
    delivered = [s for s in run.stops if s.delivered]
    due = sum(s.cash_due_minor for s in delivered)
    collected = run.cash_collected_minor
    gap = ""
    if collected != due:
        gap = f" ({'short' if collected < due else 'over'} {format_money(abs(collected - due))})"
    waiting = len(run.stops) - len(delivered)
    return Content.assemble(
        (f"{len(delivered)} of {plural(len(run.stops), 'stop')} delivered", "bold"),
        f" · cash {format_money(collected)} collected of {format_money(due)} due",
        (gap, "bold $text-warning"),
        f" · full out {sum(s.containers_out for s in delivered)}"
        f" · empties back {sum(s.containers_back for s in run.stops)}",
        f" · {waiting} wait{'s' if waiting == 1 else ''} for the next run" if waiting else "",
    )  # fmt: skip


def run_label(run: RunView) -> Content:
    return Content.assemble(
        (fit(run.number, 16), "bold"), f" {fit(run.van_code, 6)} {fit(run.driver or '—', 10)} ",
        (fit(run.status, 8), "$text-success" if run.status == "returned" else "$text-accent"),
        f" {fit(plural(len(run.stops), 'stop'), 9, True)}"
        f" {fit(format_money(run.cash_due_minor), 12, True)} due",
    )  # fmt: skip


def run_title(run: RunView) -> Content:
    return Content.assemble(
        (run.number, "bold"), f" · {run.van_code} {run.van_name} · {run.run_date.isoformat()}"
        f" · driver {run.driver or '—'} · ",
        (run.status, "bold $text-success" if run.status == "returned" else "bold $text-accent"),
    )  # fmt: skip


# -- settling a run ----------------------------------------------------------------------------

# runs in the settle screen's worker: results by stop id -> the settled run
SettleRun = Callable[[Mapping[int, StopResult]], RunView]

DONE = {"d": True, "n": False}
_STOP_IN_ERROR = re.compile(r"^stop (\d+):")


_SETTLE_FIXED = 2 + 1 + 14 + 1 + 1 + 9 + 1 + 3 + 1 + 3 + 3 + 9 + 1 + 4 + 1 + 9


def settle_customer(width: int) -> int:
    return max(6, width - _SETTLE_FIXED)


def settle_head(width: int) -> str:
    return (f" # {fit('Order', 14)} {fit('Customer', settle_customer(width))} "
            f"{fit('Due', 9, True)} {fit('Ful', 3, True)} {fit('Col', 3, True)} │ "
            f"{fit('Done', 9)} {fit('Back', 4, True)} {fit('Cash', 9, True)}")  # fmt: skip


class SettleRunScreen(TellsFailures, Screen[RunView | None]):
    """The van is back: per stop ``d`` delivered or ``n`` not home, the empties brought back
    and the cash collected; F2 settles the run in a worker. An error goes to its stop and
    field with the bell; nothing is saved."""

    CSS_PATH = "van_runs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f12", "cancel", "Back", key_display="Esc", id="vans.settle.cancel",
                tooltip="Back out: nothing is saved"),
        Binding("f2,ctrl+s", "settle", "Settle", key_display="F2/^S", id="vans.settle.confirm",
                tooltip="Settle: ship the delivered stops, book the empties and the cash"),
        Binding("up", "stop(-1)", "Previous stop", key_display="Up", show=False,
                id="vans.settle.prev", tooltip="Previous stop"),
        Binding("down", "stop(1)", "Next stop", key_display="Down", show=False,
                id="vans.settle.next", tooltip="Next stop"),
    ]  # fmt: skip

    class Settled(Message):
        def __init__(self, run: RunView) -> None:
            super().__init__()
            self.run = run

    def __init__(self, run: RunView, settle: SettleRun) -> None:
        super().__init__()
        self.run, self.settle = run, settle
        self.index = 0
        self.busy = False
        # what was typed per stop: [done letter, empties back, cash]
        self.entries: dict[int, list[str]] = {s.id: ["", "", ""] for s in run.stops}

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="van-settle"):
            yield Static(Content.assemble(("Settle ", "bold"), run_title(self.run)),
                         id="van-settle-title")  # fmt: skip
            yield Static("", id="van-settle-head")
            yield OptionList(id="van-settle-stops")
            with Horizontal(classes="van-form-row"):
                yield Label("", id="van-settle-stop")
                yield Label("Done", classes="van-label-short")
                yield ScanInput(id="van-done", keep_value=True, placeholder="d/n")
                yield Label("Back", classes="van-label-short")
                yield ScanInput(id="van-back", keep_value=True, placeholder="0")
                yield Label("Cash", classes="van-label-short")
                yield ScanInput(id="van-cash", keep_value=True, placeholder="0.00")
                yield Static("", id="van-settle-due")
            yield Static(Content.assemble(
                ("d", "bold $text-accent"), " delivered  ", ("n", "bold $text-accent"),
                " not home  ", ("Enter", "bold $text-accent"), " next field  ",
                ("Up/Down", "bold $text-accent"), " stop  ", ("F2", "bold $text-accent"),
                " settles",
            ), id="van-settle-keys")  # fmt: skip
            yield Static("", id="van-settle-error")
            yield Static("", id="van-settle-totals")
        yield KeysFooter(compact=True)

    @property
    def stops(self) -> OptionList:
        return self.query_one("#van-settle-stops", OptionList)

    def on_mount(self) -> None:
        self.stops.can_focus = False  # the fields keep the focus; Up/Down move the stop
        width = list_width(self)
        self.query_one("#van-settle-head", Static).update(settle_head(width))
        self.stops.add_options(Option(self.row(s, width)) for s in self.run.stops)
        self.show_totals()
        self.show_stop(0)

    # -- entries ---------------------------------------------------------------------------

    def parsed(self, stop: StopView) -> tuple[StopResult | None, str | None, str]:
        """The stop's entry as a result (None while unmarked), or (None, field, error)."""
        letter, back_text, cash_text = (t.strip() for t in self.entries[stop.id])
        if letter.lower() not in ("", *DONE):
            return None, "van-done", f"Stop {stop.seq}: d delivered or n not home."
        try:
            back = int(back_text or "0")
        except ValueError:
            back = -1
        if back < 0:
            return None, "van-back", f"Stop {stop.seq}: empties back, a whole number (0 or more)."
        try:
            cash = parse_money(cash_text) if cash_text else 0
        except InvalidInput as error:
            return None, "van-cash", f"Stop {stop.seq}: {error}."
        if cash < 0:
            return None, "van-cash", f"Stop {stop.seq}: the cash collected is 0 or more."
        if not letter:
            return None, None, ""
        return StopResult(DONE[letter.lower()], back, cash), None, ""

    def row(self, s: StopView, width: int) -> Content:
        customer = settle_customer(width)
        result, field, _error = self.parsed(s)
        done = "" if result is None else ("delivered" if result.delivered else "not home")
        back = "" if result is None else str(result.containers_back)
        cash = "" if result is None else money(result.cash_collected_minor)
        style = "" if result is None else ("$text-success" if result.delivered
                                           else "$text-warning")  # fmt: skip
        if field:
            done, style = "?", "bold $text-error"
        return Content.assemble(
            f"{s.seq:>2} ", (fit(s.order_number, 14), "bold"),
            f" {fit(s.customer_name, customer)} {fit(money(s.cash_due_minor), 9, True)}"
            f" {s.containers_out:>3} {s.containers_to_collect:>3} │ ",
            (fit(done, 9), style), f" {fit(back, 4, True)} {fit(cash, 9, True)}",
        )  # fmt: skip

    def store(self) -> tuple[str | None, str]:
        """Keep what the fields hold for the current stop; (field, error) when it is wrong."""
        stop = self.run.stops[self.index]
        self.entries[stop.id] = [self.query_one(f"#{name}", ScanInput).value
                                 for name in ("van-done", "van-back", "van-cash")]  # fmt: skip
        self.stops.replace_option_prompt_at_index(self.index, self.row(stop, list_width(self)))
        self.show_totals()
        _result, field, error = self.parsed(stop)
        return field, error

    def show_stop(self, index: int, field: str = "van-done") -> None:
        self.index = index
        stop = self.run.stops[index]
        self.stops.highlighted = index
        for name, value in zip(("van-done", "van-back", "van-cash"), self.entries[stop.id],
                               strict=True):  # fmt: skip
            self.query_one(f"#{name}", ScanInput).value = value
        self.query_one("#van-settle-stop", Label).update(
            Content.styled(f"Stop {stop.seq}/{len(self.run.stops)}", "bold")
        )
        leave = f", leave {stop.containers_out}" if stop.containers_out else ""
        self.query_one("#van-settle-due", Static).update(Content.styled(
            f"due {money(stop.cash_due_minor)} · collect {stop.containers_to_collect}{leave}",
            "$text-muted"))  # fmt: skip
        widget = self.query_one(f"#{field}", ScanInput)
        widget.focus()
        widget.select_all()

    def show_totals(self) -> None:
        results = [self.parsed(s)[0] for s in self.run.stops]
        marked = [r for r in results if r is not None]
        self.query_one("#van-settle-totals", Static).update(Content.assemble(
            (f"{len(marked)} of {len(results)} marked", "bold"),
            f" · {sum(1 for r in marked if r.delivered)} delivered"
            f" · cash {format_money(sum(r.cash_collected_minor for r in marked))}"
            f" of {format_money(self.run.cash_due_minor)} due"
            f" · empties back {sum(r.containers_back for r in marked)}",
        ))  # fmt: skip

    def fail(self, text: str, field: str | None) -> None:
        self.busy = False
        self.query_one("#van-settle-error", Static).update(Content.styled(text, "bold $text-error"))
        for widget in self.query(ScanInput):
            widget.set_class(widget.id == field, "-error")
        if field:
            widget = self.query_one(f"#{field}", ScanInput)
            widget.focus()
            widget.select_all()  # what is typed next replaces what was wrong
        self.app.bell()

    def clear_error(self) -> None:
        self.query_one("#van-settle-error", Static).update("")
        for widget in self.query(ScanInput):
            widget.remove_class("-error")

    # -- keys ------------------------------------------------------------------------------

    @on(ScanInput.Scanned)
    def entered(self, event: ScanInput.Scanned) -> None:
        event.stop()
        if self.busy:
            return
        field, error = self.store()
        order = ("van-done", "van-back", "van-cash")
        here = event.scan_input.id or ""
        if field and order.index(field) <= order.index(here):
            self.fail(error, field)
            return
        self.clear_error()
        if here != "van-cash":
            self.query_one(f"#{order[order.index(here) + 1]}", ScanInput).focus()
            return
        after = [i for i in range(len(self.run.stops)) if i > self.index]
        if after:
            self.show_stop(after[0])
            return
        unmarked = self.first_unmarked()
        if unmarked is not None:
            self.show_stop(unmarked)
            return
        self.query_one("#van-settle-error", Static).update(Content.styled(
            f"All {plural(len(self.run.stops), 'stop')} marked: F2 settles the run.",
            "bold $text-success"))  # fmt: skip

    def first_unmarked(self) -> int | None:
        return next((i for i, s in enumerate(self.run.stops) if self.parsed(s)[0] is None),
                    None)  # fmt: skip

    def action_stop(self, step: int) -> None:
        if self.busy:
            return
        field, error = self.store()
        if field:
            self.fail(error, field)
            return
        self.clear_error()
        index = min(max(0, self.index + step), len(self.run.stops) - 1)
        focused = self.app.focused
        self.show_stop(index, focused.id if isinstance(focused, ScanInput) and focused.id
                       else "van-done")  # fmt: skip

    def action_settle(self) -> None:
        if self.busy:
            return
        field, error = self.store()
        if field:
            self.fail(error, field)
            return
        results: dict[int, StopResult] = {}
        for index, stop in enumerate(self.run.stops):
            result, field, error = self.parsed(stop)
            if field or result is None:
                self.show_stop(index, field or "van-done")
                self.fail(error or f"Stop {stop.seq} ({stop.customer_name}): mark it d delivered "
                          "or n not home.", field or "van-done")  # fmt: skip
                return
            results[stop.id] = result
        self.busy = True
        self.query_one("#van-settle-error", Static).update(Content.styled("Settling…", "dim"))
        self.save(results)

    @work(thread=True, exclusive=True, group="van-settle", exit_on_error=False,
          description="settle the run")  # fmt: skip
    def save(self, results: dict[int, StopResult]) -> None:
        self.post_message(self.Settled(self.settle(results)))

    @on(Settled)
    def settled(self, message: Settled) -> None:
        self.dismiss(message.run)

    def worker_failed(self, worker: Worker, error: BaseException) -> None:
        """Nothing settled: why, at the stop and field it is about ("stop 3: ...")."""
        text = failure_text(doing(worker), error)
        found = _STOP_IN_ERROR.match(text)
        seq = int(found.group(1)) if found else None
        index = next((i for i, s in enumerate(self.run.stops) if s.seq == seq), self.index)
        named = error.field if isinstance(error, InvalidInput) else None
        field = {"containers": "van-back", "cash": "van-cash"}.get(named or "", "van-done")
        self.show_stop(index, field)
        self.fail(text[:1].upper() + text[1:], field)

    def action_cancel(self) -> None:
        if not self.busy:
            self.dismiss(None)


# -- the screen --------------------------------------------------------------------------------


class VanRunsScreen(JobScreen):
    """The day's runs of the own vans: plan one (and print its manifest), settle one."""

    MESSAGE_ID = "van-message"
    JOB_GROUP = "van-job"

    CSS_PATH = "van_runs.tcss"
    COMMANDS = {ScreenCommands}
    PALETTE_PREFIX = "Van runs"
    PALETTE: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("plan", "Plan run", "The van's run from the ready orders of its area; print the "
                             "driver manifest (F2 / Ctrl+S)"),
        ("settle", "Settle run", "The van is back: delivered, empties, cash (F6 / Ctrl+O)"),
        ("manifest", "Print manifest", "The picked run's driver manifest again (F7 / Ctrl+N)"),
        ("refresh", "Read again", "The day's runs (F5 / Ctrl+R)"),
    )  # fmt: skip
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f12", "back", "Back", key_display="F12/Esc", id="vans.back",
                tooltip="Back to dispatch (its list is read again)"),
        Binding("f2,ctrl+s", "plan", "Plan", key_display="F2/^S", id="vans.plan",
                tooltip="Plan the van's run; print the driver manifest"),
        Binding("f6,ctrl+o", "settle", "Settle", key_display="F6/^O", id="vans.settle",
                tooltip="Settle the picked run: delivered, empties, cash"),
        Binding("f7,ctrl+n", "manifest", "Manifest", key_display="F7/^N", show=False,
                id="vans.manifest", tooltip="Print the picked run's driver manifest again"),
        Binding("f5,ctrl+r", "refresh", "Refresh", key_display="F5/^R", show=False,
                id="vans.refresh", tooltip="Read the day's runs again"),
        Binding("up", "pick(-1)", "Previous run", key_display="Up", show=False,
                id="vans.prev", tooltip="Previous run of the day"),
        Binding("down", "pick(1)", "Next run", key_display="Down", show=False,
                id="vans.next", tooltip="Next run of the day"),
    ]  # fmt: skip

    class Loaded(Message):
        def __init__(self, vans: list[VanView], day: date, runs: list[RunView],
                     pick: str) -> None:  # fmt: skip
            super().__init__()
            self.vans, self.day, self.runs, self.pick = vans, day, runs, pick

    class Planned(Said):
        """A run was planned: said, and its day's runs read with it picked."""

        def __init__(self, text: str | Content, run: RunView, error: bool = False) -> None:
            super().__init__(text, error=error)
            self.run = run

    class Refused(Said):
        """A plan refused: said, the field it is about marked."""

        def __init__(self, text: str, field: str) -> None:
            super().__init__(text, error=True)
            self.field = field

    class SettleReady(Message):
        def __init__(self, run: RunView) -> None:
            super().__init__()
            self.run = run

    def __init__(self) -> None:
        super().__init__()
        self.vans: list[tuple[str, VanView]] = []
        self.runs: list[RunView] = []
        self.day: date | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="van-runs"):
            with Horizontal(classes="van-form-row"):
                yield Label("Van", classes="van-label")
                yield ScanInput("1", id="van-van", keep_value=True)
                yield Label("Day", classes="van-label")
                yield ScanInput(self.today.isoformat(), id="van-date", keep_value=True,
                                placeholder="+1, 2026-12-01")  # fmt: skip
                yield Label("Driver", classes="van-label")
                yield ScanInput(id="van-driver", keep_value=True, placeholder="name, Enter plans")
            yield Static("", id="van-vans")
            yield OptionList(id="van-list")
            yield Static("", id="van-run")
            yield Static("", id="van-head")
            yield OptionList(id="van-stops")
            yield Static("", id="van-totals")
            yield Static("", id="van-message")
        yield KeysFooter(compact=True)

    @property
    def run_list(self) -> OptionList:
        return self.query_one("#van-list", OptionList)

    @property
    def picked(self) -> RunView | None:
        index = self.run_list.highlighted
        return self.runs[index] if index is not None and 0 <= index < len(self.runs) else None

    def on_mount(self) -> None:
        self.run_list.can_focus = False  # the fields keep the focus; Up/Down pick a run
        self.query_one("#van-stops", OptionList).can_focus = False
        self.query_one("#van-van", ScanInput).focus()
        self.show_run(None)
        self.load(self.today, "")

    def on_resize(self) -> None:
        self.show_run(self.picked)

    def mark_field(self, field: str | None) -> None:
        for widget in self.query(ScanInput):
            widget.set_class(widget.id == field, "-error")
        if field:
            widget = self.query_one(f"#{field}", ScanInput)
            widget.focus()
            widget.select_all()

    # -- showing ---------------------------------------------------------------------------

    def van_of(self, text: str) -> VanView | None:
        t = text.strip().lower()
        return next((v for key, v in self.vans if t in (key, v.code.lower())), None) if t else None

    def show_vans(self) -> None:
        chosen = self.van_of(self.query_one("#van-van", ScanInput).value)
        if not self.vans:
            text = Content.styled("No own van: add a carrier of kind own_van.", "$text-warning")
        else:
            text = Content("  ").join(Content.assemble(
                (key, "bold $text-accent"),
                (f" {v.code} {v.name}", "bold reverse" if v == chosen else "$text-muted"),
            ) for key, v in self.vans)  # fmt: skip
        self.query_one("#van-vans", Static).update(text)

    def show_runs(self, pick: str) -> None:
        runs = self.run_list
        runs.clear_options()
        if not self.runs:
            runs.add_option(Option(Content.styled(
                f"No run on {self.day}: the van, the driver, then Enter (F2) plans one.",
                "$text-muted"), disabled=True))  # fmt: skip
            self.show_run(None)
            return
        runs.add_options(Option(run_label(r)) for r in self.runs)
        index = next((i for i, r in enumerate(self.runs) if r.number == pick), 0)
        runs.highlighted = index
        self.show_run(self.runs[index])

    def show_run(self, run: RunView | None) -> None:
        width = list_width(self)
        stops = self.query_one("#van-stops", OptionList)
        stops.clear_options()
        if run is None:
            self.query_one("#van-run", Static).update("")
            self.query_one("#van-head", Static).update(stop_head(width, False))
            self.query_one("#van-totals", Static).update("")
            return
        returned = run.status == "returned"
        self.query_one("#van-run", Static).update(run_title(run))
        self.query_one("#van-head", Static).update(stop_head(width, returned))
        stops.add_options(Option(stop_row(s, width, returned)) for s in run.stops)
        self.query_one("#van-totals", Static).update(run_totals(run))

    # -- loading ---------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="van-load", exit_on_error=False,
          description="read the runs")  # fmt: skip
    def load(self, day: date, pick: str) -> None:
        vans = delivery_runs.list_vans(self.db)
        runs = delivery_runs.runs_on(self.db, day)
        self.post_message(self.Loaded(vans, day, runs, pick))

    @on(Loaded)
    def loaded(self, message: Loaded) -> None:
        self.vans = keyed(message.vans)
        self.day, self.runs = message.day, message.runs
        self.show_vans()
        self.show_runs(message.pick)

    def job_said(self, message: Said) -> None:
        super().job_said(message)
        self.mark_field(message.field if isinstance(message, self.Refused) else None)
        if isinstance(message, self.Planned):
            self.load(message.run.run_date, message.run.number)

    @on(ScanInput.Changed, "#van-van")
    def van_typed(self) -> None:
        self.show_vans()

    @on(ScanInput.Scanned)
    def entered(self, event: ScanInput.Scanned) -> None:
        event.stop()
        field = event.scan_input.id
        if field == "van-van":
            if self.van_of(event.value) is None:
                self.fail(f"Van: one of the keys listed ({', '.join(k for k, _v in self.vans)}).",
                          "van-van")  # fmt: skip
                return
            self.clear_fault()
            self.query_one("#van-date", ScanInput).focus()
        elif field == "van-date":
            day = self.day_typed()
            if day is None:
                return
            self.clear_fault()
            if day != self.day:
                self.load(day, "")
            self.query_one("#van-driver", ScanInput).focus()
        elif field == "van-driver":
            self.action_plan()

    def day_typed(self) -> date | None:
        text = self.query_one("#van-date", ScanInput).value
        try:
            return parse_day(text, self.today)
        except InvalidInput as error:
            self.fail(f"Day: {error}.", "van-date")
            return None

    def fail(self, text: str, field: str | None) -> None:
        self.say(text, error=True)
        self.mark_field(field)

    def clear_fault(self) -> None:
        self.mark_field(None)
        self.say("")

    # -- keys ------------------------------------------------------------------------------

    def action_back(self) -> None:
        self.dismiss(None)

    def action_pick(self, step: int) -> None:
        if not self.runs:
            return
        current = self.run_list.highlighted or 0
        index = min(max(0, current + step), len(self.runs) - 1)
        self.run_list.highlighted = index
        self.show_run(self.runs[index])

    def action_refresh(self) -> None:
        day = self.day_typed()
        if day is not None:
            picked = self.picked
            self.load(day, picked.number if picked else "")

    def action_plan(self) -> None:
        van = self.van_of(self.query_one("#van-van", ScanInput).value)
        if van is None:
            keys = ", ".join(k for k, _v in self.vans)
            self.fail(f"Van: one of the keys listed ({keys})." if keys
                      else "No own van to plan a run for.", "van-van")  # fmt: skip
            return
        day = self.day_typed()
        if day is None:
            return
        if day < self.today:
            self.fail(f"Day: {day} is in the past; plan today or later.", "van-date")
            return
        if not self._free():
            return
        self._busy = True
        self.clear_fault()
        driver = self.query_one("#van-driver", ScanInput).value.strip()
        self.say(Content.styled(f"Planning {van.code} on {day}…", "dim"))
        self.plan(van.code, day, driver)

    @work(thread=True, exclusive=True, group="van-job", exit_on_error=False,
          description="plan the run")  # fmt: skip
    def plan(self, van: str, day: date, driver: str) -> None:
        try:
            run = delivery_runs.plan_run(self.db, self.user, van, day, driver)
        except InvalidInput as error:  # said at the field it is about
            field = "van-date" if error.field in ("date", "run_date") else "van-van"
            self.post_message(self.Refused(f"Not planned: {error_text(error)}.", field))
            return
        made = f"{run.number} planned: {plural(len(run.stops), 'stop')}"
        try:
            where = self.print_manifest(run)
        except Exception as error:  # noqa: BLE001 - the run stands; say what did not print
            text = logged_text("print the driver manifest", error)
            self.post_message(self.Planned(f"{made}; manifest not printed: {text} "
                                           "(F7 prints it)", run, error=True))  # fmt: skip
            return
        self.post_message(self.Planned(
            Content.assemble((made, "bold $text-success"), f"; driver manifest {where}."),
            run))  # fmt: skip

    def print_manifest(self, run: RunView) -> str:
        """Render and deliver the run's driver manifest (in a worker); says where it went."""
        from ..reports.driver_manifest import manifest_pdf

        return deliver_documents(self.db, [
            (f"manifest-{run.number}", lambda company, paper: manifest_pdf(run, company, paper)),
        ])  # fmt: skip

    def _picked_run(self) -> RunView | None:
        run = self.picked
        if run is None:
            self.say(f"No run on {self.day} to pick: F2 plans one.", error=True)
        return run

    def action_manifest(self) -> None:
        run = self._picked_run()
        if run is None or not self._free():
            return
        self._busy = True
        self.say(Content.styled(f"Printing the manifest of {run.number}…", "dim"))
        self.reprint(run.number)

    @work(thread=True, exclusive=True, group="van-job", exit_on_error=False,
          description="print the driver manifest")  # fmt: skip
    def reprint(self, number: str) -> None:
        where = self.print_manifest(delivery_runs.get_run(self.db, number))
        self.post_message(Said(f"Driver manifest of {number} {where}."))

    def action_settle(self) -> None:
        run = self._picked_run()
        if run is None or not self._free():
            return
        self._busy = True
        self.say(Content.styled(f"Reading {run.number}…", "dim"))
        self.read_for_settling(run.number)

    @work(thread=True, exclusive=True, group="van-job", exit_on_error=False,
          description="read the run")  # fmt: skip
    def read_for_settling(self, number: str) -> None:
        self.post_message(self.SettleReady(delivery_runs.get_run(self.db, number)))

    @on(SettleReady)
    def settle_ready(self, message: SettleReady) -> None:
        self._busy = False
        run = message.run
        if run.status == "returned":
            self.say(f"{run.number} is already settled.", error=True)
            self.load(run.run_date, run.number)
            return
        self.say("")
        db, user = self.db, self.user

        def settle(results: Mapping[int, StopResult]) -> RunView:
            return delivery_runs.settle_run(db, user, run.number, results)

        def finished(done: RunView | None) -> None:
            if done is None:
                return
            waiting = sum(1 for s in done.stops if not s.delivered)
            self.say(Content.assemble(
                (f"{done.number} settled", "bold $text-success"),
                f": {plural(waiting, 'stop')} wait{'s' if waiting == 1 else ''} for the next "
                "run (F2 plans it)." if waiting else ": every stop delivered.",
            ))  # fmt: skip
            self.load(done.run_date, done.number)

        self.app.push_screen(SettleRunScreen(run, settle), callback=finished)
