"""Van runs: plan the day's runs, pick one (the package's docstring has the area's keys)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Header, Label, OptionList, Static
from textual.widgets.option_list import Option

from ...commands import ScreenCommands
from ...failures import error_text, logged_text
from ...i18n import N_, _, ngettext, shown
from ...messages import Said
from ...services.platform.errors import InvalidInput
from ...services.shipping import delivery_runs
from ...services.shipping.delivery_runs import RunView, StopResult, VanView
from ...widgets.footer import KeysFooter
from ...widgets.scan_input import ScanInput
from ..formats import parse_day
from ..list_screen import JobScreen
from ..printouts import deliver_documents
from .rows import list_width, run_label, run_title, run_totals, stop_head, stop_row, stops_text
from .settle import SettleRunScreen

VAN_KEYS = "123456789abcdefghijklmnopqrstuvwxyz"


def keyed(vans: Sequence[VanView]) -> list[tuple[str, VanView]]:
    """Each van with the key that picks it: 1..9, then a..z."""
    return list(zip(VAN_KEYS, vans, strict=False))


# -- the screen --------------------------------------------------------------------------------


class VanRunsScreen(JobScreen):
    """The day's runs of the own vans: plan one (and print its manifest), settle one."""

    MESSAGE_ID = "van-message"
    JOB_GROUP = "van-job"

    CSS_PATH = "van_runs.tcss"
    COMMANDS = {ScreenCommands}
    PALETTE_PREFIX = N_("Van runs")
    PALETTE: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("plan", N_("Plan run"), N_("The van's run from the ready orders of its area; print "
                                    "the driver manifest (F2 / Ctrl+S)")),
        ("settle", N_("Settle run"),
         N_("The van is back: delivered, empties, cash (F6 / Ctrl+O)")),
        ("manifest", N_("Print manifest"),
         N_("The picked run's driver manifest again (F7 / Ctrl+N)")),
        ("refresh", N_("Read again"), N_("The day's runs (F5 / Ctrl+R)")),
    )  # fmt: skip
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f12", "back", N_("Back"), key_display="F12/Esc", id="vans.back",
                tooltip=N_("Back to dispatch (its list is read again)")),
        Binding("f2,ctrl+s", "plan", N_("Plan"), key_display="F2/^S", id="vans.plan",
                tooltip=N_("Plan the van's run; print the driver manifest")),
        Binding("f6,ctrl+o", "settle", N_("Settle"), key_display="F6/^O", id="vans.settle",
                tooltip=N_("Settle the picked run: delivered, empties, cash")),
        Binding("f7,ctrl+n", "manifest", N_("Manifest"), key_display="F7/^N", show=False,
                id="vans.manifest", tooltip=N_("Print the picked run's driver manifest again")),
        Binding("f5,ctrl+r", "refresh", N_("Refresh"), key_display="F5/^R", show=False,
                id="vans.refresh", tooltip=N_("Read the day's runs again")),
        Binding("up", "pick(-1)", N_("Previous run"), key_display="Up", show=False,
                id="vans.prev", tooltip=N_("Previous run of the day")),
        Binding("down", "pick(1)", N_("Next run"), key_display="Down", show=False,
                id="vans.next", tooltip=N_("Next run of the day")),
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
                yield Label(_("Van"), classes="van-label", id="van-van-label")
                yield ScanInput("1", id="van-van", keep_value=True)
                yield Label(_("Day"), classes="van-label", id="van-date-label")
                yield ScanInput(self.today.isoformat(), id="van-date", keep_value=True,
                                placeholder="+1, 2026-12-01")  # fmt: skip
                yield Label(_("Driver"), classes="van-label", id="van-driver-label")
                yield ScanInput(id="van-driver", keep_value=True,
                                placeholder=_("name, Enter plans"))  # fmt: skip
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

    def retranslate(self) -> None:
        """The language changed: the labels, the vans, the runs and the picked run again."""
        for name, text in (("van", _("Van")), ("date", _("Day")), ("driver", _("Driver"))):
            self.query_one(f"#van-{name}-label", Label).update(text)
        self.query_one("#van-driver", ScanInput).placeholder = _("name, Enter plans")
        if self.day is not None:
            picked = self.picked
            self.show_vans()
            self.show_runs(picked.number if picked else "")

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
            text = Content.styled(_("No own van: add a carrier of kind own_van."), "$text-warning")
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
                _("No run on {day}: the van, the driver, then Enter (F2) plans one.").format(
                    day=self.day),
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
        stops.add_options(Option(stop_row(s, width, returned, run.currency)) for s in run.stops)
        self.query_one("#van-totals", Static).update(run_totals(run))

    # -- loading ---------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="van-load", exit_on_error=False,
          description=N_("read the runs"))  # fmt: skip
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

    def reload_after_job(self) -> None:
        picked = self.picked
        self.load(self.day, picked.number if picked else "")

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
                keys = ", ".join(k for k, _v in self.vans)
                self.fail(_("Van: one of the keys listed ({keys}).").format(keys=keys), "van-van")
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
            self.fail(_("Day: {error}.").format(error=error), "van-date")
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
            self.fail(_("Van: one of the keys listed ({keys}).").format(keys=keys) if keys
                      else _("No own van to plan a run for."), "van-van")  # fmt: skip
            return
        day = self.day_typed()
        if day is None:
            return
        if day < self.today:
            self.fail(
                _("Day: {day} is in the past; plan today or later.").format(day=day), "van-date"
            )
            return
        if not self._free():
            return
        self._busy = True
        self.clear_fault()
        driver = self.query_one("#van-driver", ScanInput).value.strip()
        self.say(Content.styled(_("Planning {van} on {day}…").format(van=van.code, day=day), "dim"))
        self.plan(van.code, day, driver)

    @work(thread=True, exclusive=True, group="van-job", exit_on_error=False,
          description=N_("plan the run"))  # fmt: skip
    def plan(self, van: str, day: date, driver: str) -> None:
        try:
            run = delivery_runs.plan_run(self.db, self.user, van, day, driver)
        except InvalidInput as error:  # said at the field it is about
            field = "van-date" if error.field in ("date", "run_date") else "van-van"
            self.post_message(
                self.Refused(_("Not planned: {error}.").format(error=error_text(error)), field)
            )
            return
        made = _("{number} planned: {stops}").format(
            number=run.number, stops=stops_text(len(run.stops))
        )
        try:
            where = self.print_manifest(run)
        except Exception as error:  # noqa: BLE001 - the run stands; say what did not print
            text = logged_text(N_("print the driver manifest"), error)
            self.post_message(self.Planned(_("{made}; manifest not printed: {error} (F7 prints "
                                             "it)").format(made=made, error=text),
                                           run, error=True))  # fmt: skip
            return
        self.post_message(self.Planned(
            Content.assemble((made, "bold $text-success"),
                             _("; driver manifest {where}.").format(where=where)),
            run))  # fmt: skip

    def print_manifest(self, run: RunView) -> str:
        """Render and deliver the run's driver manifest (in a worker); says where it went."""
        from ...reports.driver_manifest import manifest_pdf

        return deliver_documents(self.db, [
            (f"manifest-{run.number}", lambda company, paper: manifest_pdf(run, company, paper)),
        ])  # fmt: skip

    def _picked_run(self) -> RunView | None:
        run = self.picked
        if run is None:
            self.say(_("No run on {day} to pick: F2 plans one.").format(day=self.day), error=True)
        return run

    def action_manifest(self) -> None:
        run = self._picked_run()
        if run is None or not self._free():
            return
        self._busy = True
        self.say(
            Content.styled(_("Printing the manifest of {number}…").format(number=run.number), "dim")
        )
        self.reprint(run.number)

    @work(thread=True, exclusive=True, group="van-job", exit_on_error=False,
          description=N_("print the driver manifest"))  # fmt: skip
    def reprint(self, number: str) -> None:
        where = self.print_manifest(delivery_runs.get_run(self.db, number))
        self.post_message(
            Said(_("Driver manifest of {number} {where}.").format(number=number, where=where))
        )

    def action_settle(self) -> None:
        run = self._picked_run()
        if run is None or not self._free():
            return
        self._busy = True
        self.say(Content.styled(_("Reading {number}…").format(number=run.number), "dim"))
        self.read_for_settling(run.number)

    @work(thread=True, exclusive=True, group="van-job", exit_on_error=False,
          description=N_("read the run"))  # fmt: skip
    def read_for_settling(self, number: str) -> None:
        self.post_message(self.SettleReady(delivery_runs.get_run(self.db, number)))

    @on(SettleReady)
    def settle_ready(self, message: SettleReady) -> None:
        self._busy = False
        run = message.run
        if run.status == "returned":
            self.say(_("{number} is already settled.").format(number=run.number), error=True)
            self.load(run.run_date, run.number)
            return
        self.say("")
        db, user, today = self.db, self.user, self.today

        def settle(results: Mapping[int, StopResult]) -> RunView:
            return delivery_runs.settle_run(db, user, run.number, results, today, run.version)

        def finished(done: RunView | None) -> None:
            if done is None:
                return
            waiting = sum(1 for s in done.stops if not s.delivered)
            money = delivery_runs.money_sentence(done)  # the payments and the difference
            self.say(Content.assemble(
                (_("{number} settled").format(number=done.number), "bold $text-success"),
                ngettext(": {stops} waits for the next run (F2 plans it).",
                         ": {stops} wait for the next run (F2 plans it).",
                         waiting).format(stops=stops_text(waiting))
                if waiting else _(": every stop delivered."),
                " " + shown(money) if money else "",
            ))  # fmt: skip
            self.load(done.run_date, done.number)

        self.app.push_screen(SettleRunScreen(run, settle), callback=finished)
