"""The audit queue's dialogs: a reason (a preset by digit, or typed) with a follow-up date
for a hold, and what a bulk approval did."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from ..i18n import N_, _, shown
from ..services.platform.errors import OmsError
from ..services.sales import audit_decisions
from ..services.sales.entry import parse_requested_date
from ..widgets.quick_open import QuickOpen
from ..widgets.scan_input import ScanInput
from .formats import said_each


class ReasonInput(ScanInput):
    """A reason field: a digit typed into the empty field takes that preset."""

    def __init__(self, presets: Sequence[str], **kwargs: Any) -> None:
        super().__init__(keep_value=True, **kwargs)
        self.presets = list(presets)

    async def _on_key(self, event: events.Key) -> None:
        ch = event.character or ""
        if not self.value and ch.isdigit() and 1 <= int(ch) <= len(self.presets):
            event.stop()
            event.prevent_default()
            self.value = self.presets[int(ch) - 1]
            self.cursor_position = len(self.value)
            return
        await super()._on_key(event)


class ReasonDialog(QuickOpen, ModalScreen[tuple[str, date | None] | None]):
    """A reason (preset by digit, or typed) and, for a hold, a follow-up date; Enter saves."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f12", "cancel", N_("Back"), key_display="Esc", id="audit.dialog.cancel"),
    ]

    def __init__(self, title: str, presets: Sequence[str], *, today: date,
                 ask_date: bool = False) -> None:  # fmt: skip
        super().__init__()
        self.title_text, self.today, self.ask_date = title, today, ask_date
        self.presets = [_(p) for p in presets]  # (N_ texts: in the reviewer's language)

    def compose(self) -> ComposeResult:
        with Vertical(classes="audit-dialog") as box:
            box.border_title = self.title_text
            box.border_subtitle = _("digit: preset · Enter saves · Esc backs out")
            yield Static(
                Content("\n").join(
                    Content.assemble((f"{n} ", "bold $text-accent"), text)
                    for n, text in enumerate(self.presets, 1)
                ),
                classes="dialog-presets",
            )
            with Horizontal(classes="form-row"):
                yield Label(_("Reason"), classes="form-label")
                yield ReasonInput(self.presets, id="reason",
                                  placeholder=_("a digit or type why"))  # fmt: skip
            if self.ask_date:
                with Horizontal(classes="form-row"):
                    yield Label(_("Follow up"), classes="form-label")
                    yield ScanInput("+1", id="follow-up", keep_value=True,
                                    placeholder=_("+1, mon or 2026-12-01"))  # fmt: skip
            yield Static("", id="dialog-error", classes="dialog-error")

    def on_mount(self) -> None:
        reason = self.query_one("#reason", ReasonInput)
        if self.ask_date:  # Enter, Tab: on to the date in key order, a burst too (ScanInput)
            follow_up = self.query_one("#follow-up", ScanInput)
            reason.next_field, reason.enter_moves = (lambda _step: follow_up), True
            follow_up.next_field = lambda _step: reason
        reason.focus()

    def _error(self, text: str, field: str) -> None:
        self.query_one("#dialog-error", Static).update(text)
        self.query_one(f"#{field}").focus()
        self.app.bell()

    @on(ScanInput.Scanned)
    def entered(self, event: ScanInput.Scanned) -> None:
        event.stop()
        reason = self.query_one("#reason", ReasonInput).value.strip()
        if not reason:
            self._error(_("A reason is required: a digit for a preset, or type it."), "reason")
            return
        if not self.ask_date:
            self.dismiss((reason, None))
            return
        date_field = self.query_one("#follow-up", ScanInput)
        try:
            follow_up = parse_requested_date(date_field.value, self.today)
        except OmsError as error:
            self._error(shown(str(error)).replace("requested_date", _("follow-up date")),
                        "follow-up")  # fmt: skip
            return
        if follow_up is None:
            self._error(_("Type the follow-up date: +1, mon or 2026-12-01."), "follow-up")
            return
        self.dismiss((reason, follow_up))

    def action_cancel(self) -> None:
        self.dismiss(None)


class BulkResultDialog(QuickOpen, ModalScreen[None]):
    """What a bulk approval did: approved numbers, skipped ones with why."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f12,enter", "dismiss", N_("Close"), key_display="Enter/Esc",
                id="audit.bulk.close"),
    ]  # fmt: skip

    def __init__(self, result: audit_decisions.BulkApproval) -> None:
        super().__init__()
        self.result = result

    def compose(self) -> ComposeResult:
        r = self.result
        with VerticalScroll(classes="audit-dialog", id="bulk-result") as box:
            box.border_title = _("Bulk approval")
            box.border_subtitle = _("Enter or Esc closes")
            yield Static(
                Content.assemble(
                    (_("Approved {n}").format(n=len(r.approved)), "bold $text-success"),
                    (": " + ", ".join(r.approved)) if r.approved else "",
                )
            )
            if r.warned:
                warned = _("Approved with warnings {n}:").format(n=len(r.warned))
                yield Static(Content.styled(warned, "bold"))
                yield Static(Content("\n").join(
                    Content.assemble((f"{number} ", "bold"), said_each(why))
                    for number, why in r.warned
                ))  # fmt: skip
            if r.skipped:
                yield Static(
                    Content.styled(_("Skipped {n}:").format(n=len(r.skipped)), "bold $text-warning")
                )
                yield Static(Content("\n").join(
                    Content.assemble((f"{number} ", "bold"), said_each(why))
                    for number, why in r.skipped
                ))  # fmt: skip
