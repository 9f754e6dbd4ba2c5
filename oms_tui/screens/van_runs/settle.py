"""Van runs: settling a run when the van is back (F6 on the van runs), one stop at a time:
``d`` delivered or ``n`` not home, the empties brought back, the cash collected; F2 settles."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
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

from ...failures import TellsFailures, doing, failure_text
from ...i18n import N_, _, pgettext
from ...services.platform.errors import InvalidInput
from ...services.platform.money import format_money, parse_money
from ...services.shipping.delivery_runs import RunView, StopResult, StopView
from ...widgets.footer import KeysFooter
from ...widgets.order_list import fit
from ...widgets.scan_input import ScanInput
from .rows import list_width, money, run_title, settle_customer, settle_head, stops_text

# runs in the settle screen's worker: results by stop id -> the settled run
SettleRun = Callable[[Mapping[int, StopResult]], RunView]

DONE = {"d": True, "n": False}
_STOP_IN_ERROR = re.compile(r"^stop (\d+):")  # i18n: no (the services' words)


class SettleRunScreen(TellsFailures, Screen[RunView | None]):
    """The van is back: per stop ``d`` delivered or ``n`` not home, the empties brought back
    and the cash collected; F2 settles the run in a worker. An error goes to its stop and
    field with the bell; nothing is saved. Settled meanwhile by somebody else: it closes,
    the runs tell who and when."""

    CSS_PATH = "van_runs.tcss"
    STALE_CLOSES = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f12", "cancel", N_("Back"), key_display="Esc", id="vans.settle.cancel",
                tooltip=N_("Back out: nothing is saved")),
        Binding("f2,ctrl+s", "settle", N_("Settle"), key_display="F2/^S",
                id="vans.settle.confirm",
                tooltip=N_("Settle: ship the delivered stops, book the empties and the cash")),
        Binding("up", "stop(-1)", N_("Previous stop"), key_display="Up", show=False,
                id="vans.settle.prev", tooltip=N_("Previous stop")),
        Binding("down", "stop(1)", N_("Next stop"), key_display="Down", show=False,
                id="vans.settle.next", tooltip=N_("Next stop")),
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
            yield Static(Content.assemble((_("Settle") + " ", "bold"), run_title(self.run)),
                         id="van-settle-title")  # fmt: skip
            yield Static("", id="van-settle-head")
            yield OptionList(id="van-settle-stops")
            with Horizontal(classes="van-form-row"):
                yield Label("", id="van-settle-stop")
                yield Label(pgettext("stop", "Done"), classes="van-label-short")
                yield ScanInput(id="van-done", keep_value=True, placeholder="d/n")
                yield Label(pgettext("containers", "Back"), classes="van-label-short")
                yield ScanInput(id="van-back", keep_value=True, placeholder="0")
                yield Label(_("Cash"), classes="van-label-short")
                yield ScanInput(id="van-cash", keep_value=True, placeholder="0.00")
                yield Static("", id="van-settle-due")
            yield Static(Content.assemble(
                ("d", "bold $text-accent"), " " + _("delivered") + "  ",
                ("n", "bold $text-accent"), " " + _("not home") + "  ",
                ("Enter", "bold $text-accent"), " " + _("next field") + "  ",  # i18n: no (keys)
                ("Up/Down", "bold $text-accent"), " " + _("stop") + "  ",  # i18n: no (keys)
                ("F2", "bold $text-accent"), " " + _("settles"),
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
            return None, "van-done", _("Stop {n}: d delivered or n not home.").format(n=stop.seq)
        try:
            back = int(back_text or "0")
        except ValueError:
            back = -1
        if back < 0:
            return (
                None,
                "van-back",
                _("Stop {n}: empties back, a whole number (0 or more).").format(n=stop.seq),
            )
        try:
            cash = parse_money(cash_text, self.run.currency) if cash_text else 0
        except InvalidInput as error:
            return None, "van-cash", _("Stop {n}: {error}.").format(n=stop.seq, error=error)
        if cash < 0:
            return (
                None,
                "van-cash",
                _("Stop {n}: the cash collected is 0 or more.").format(n=stop.seq),
            )
        if not letter:
            return None, None, ""
        return StopResult(DONE[letter.lower()], back, cash), None, ""

    def row(self, s: StopView, width: int) -> Content:
        customer = settle_customer(width)
        result, field, _error = self.parsed(s)
        done = "" if result is None else (_("delivered") if result.delivered else _("not home"))
        back = "" if result is None else str(result.containers_back)
        cash = "" if result is None else money(result.cash_collected_minor, self.run.currency)
        style = "" if result is None else ("$text-success" if result.delivered
                                           else "$text-warning")  # fmt: skip
        if field:
            done, style = "?", "bold $text-error"
        return Content.assemble(
            f"{s.seq:>2} ", (fit(s.order_number, 14), "bold"),
            f" {fit(s.customer_name, customer)}"
            f" {fit(money(s.cash_due_minor, self.run.currency), 9, True)}"
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
            Content.styled(_("Stop {n}/{of}").format(n=stop.seq, of=len(self.run.stops)), "bold")
        )
        due = money(stop.cash_due_minor, self.run.currency)
        text = (
            _("due {amount} · collect {n}, leave {out}")
            if stop.containers_out
            else _("due {amount} · collect {n}")
        ).format(amount=due, n=stop.containers_to_collect, out=stop.containers_out)
        self.query_one("#van-settle-due", Static).update(Content.styled(
            text, "$text-muted"))  # fmt: skip
        widget = self.query_one(f"#{field}", ScanInput)
        widget.focus()
        widget.select_all()

    def show_totals(self) -> None:
        results = [(s, self.parsed(s)[0]) for s in self.run.stops]
        marked = [r for _s, r in results if r is not None]
        # due at the door as marked (a COD stop's goods and deposit for containers kept)
        currency = self.run.currency

        def money_of(minor: int) -> str:
            return format_money(minor, currency)

        due = sum(s.due_at_door(r.delivered, r.containers_back) if r else s.cash_due_minor
                  for s, r in results)  # fmt: skip
        gap = sum(r.cash_collected_minor - s.due_at_door(r.delivered, r.containers_back)
                  for s, r in results if r)  # fmt: skip
        self.query_one("#van-settle-totals", Static).update(Content.assemble(
            (_("{n} of {of} marked").format(n=len(marked), of=len(results)), "bold"),
            _(" · {n} delivered · cash {collected} of {due} due").format(
                n=sum(1 for r in marked if r.delivered),
                collected=money_of(sum(r.cash_collected_minor for r in marked)),
                due=money_of(due)),
            ((_(" (short {amount})") if gap < 0 else _(" (over {amount})")).format(
                amount=money_of(abs(gap))) if gap else "", "bold $text-warning"),
            _(" · empties back {n}").format(n=sum(r.containers_back for r in marked)),
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
            _("All {stops} marked: F2 settles the run.").format(
                stops=stops_text(len(self.run.stops))),
            "bold $text-success"))  # fmt: skip

    def stored(self) -> bool:
        """Not busy, and the fields of the current stop kept; False (said) when wrong."""
        if self.busy:
            return False
        field, error = self.store()
        if field:
            self.fail(error, field)
            return False
        return True

    def first_unmarked(self) -> int | None:
        return next((i for i, s in enumerate(self.run.stops) if self.parsed(s)[0] is None),
                    None)  # fmt: skip

    def action_stop(self, step: int) -> None:
        if not self.stored():
            return
        self.clear_error()
        index = min(max(0, self.index + step), len(self.run.stops) - 1)
        focused = self.app.focused
        self.show_stop(index, focused.id if isinstance(focused, ScanInput) and focused.id
                       else "van-done")  # fmt: skip

    def action_settle(self) -> None:
        if not self.stored():
            return
        results: dict[int, StopResult] = {}
        for index, stop in enumerate(self.run.stops):
            result, field, error = self.parsed(stop)
            if field or result is None:
                self.show_stop(index, field or "van-done")
                self.fail(error or _("Stop {n} ({customer}): mark it d delivered or n not "
                                     "home.").format(n=stop.seq, customer=stop.customer_name),
                          field or "van-done")  # fmt: skip
                return
            results[stop.id] = result
        self.busy = True
        self.query_one("#van-settle-error", Static).update(Content.styled(_("Settling…"), "dim"))
        self.save(results)

    @work(thread=True, exclusive=True, group="van-settle", exit_on_error=False,
          description=N_("settle the run"))  # fmt: skip
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
