"""The small form every area asks with: labelled fields, saved through a service call in
a worker, the error shown under the fields with its field focused and the bell, nothing
saved on error. Dismisses with what the call returned: the text saying what was done, or
the saved thing itself (``None`` when backed out). A stale refusal (``StaleData``: the
document changed since the screen behind read it) closes the form instead: the screen
behind says who changed it and when, and reads it again (``TellsFailures``).

Areas use it as it is, saying whether Enter in any field saves (scan-and-go forms:
``enter_saves``) or moves to the next field and saves on the last, and carry no styles of
their own for it (``DEFAULT_CSS``). A dialog that lays its fields out otherwise (dispatch's
ship dialog: a table of quantities, a carrier list) subclasses it and overrides
``compose_fields``; Tab and Enter still move through its fields in the order they show.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Label, Static
from textual.worker import Worker

from ..failures import TellsFailures, failure_text
from ..i18n import N_, _
from ..services.platform.errors import InvalidInput
from ..type_ahead import release_keys
from .dialogs import Dialog
from .scan_input import ScanInput


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    value: str = ""
    placeholder: str = ""


# runs in the dialog's worker with the values typed; returns what to tell the clerk (or
# what was saved, for the screen that opened the dialog); raises InvalidInput to refuse
Run = Callable[[dict[str, str]], Any]


class FormDialog(TellsFailures, Dialog[Any]):
    """Labelled fields (ids ``f-<name>``, the error ``form-error``): Tab / Shift+Tab (and
    Down / Up) move among them in the order typed, Enter moves on (saves on the last; in
    any field with ``enter_saves``), F2 saves, Esc backs out."""

    DEFAULT_CSS = """
    FormDialog .form-field {
        height: 1;
        margin-bottom: 1;
    }
    FormDialog .form-field-label {
        width: 10;
        color: $text-muted;
    }
    FormDialog .dialog ScanInput {
        background: $panel;
        &:focus { background: $boost; }
        &.-error { background: $error 30%; }
    }
    FormDialog #form-error {
        height: auto;
        color: $text-error;
        text-style: bold;
    }
    """

    CONTAINER_ID: ClassVar[str | None] = None  # the box's id (a subclass's own styles)
    BUSY_TEXT: ClassVar[str] = N_("Saving…")  # under the fields while the call runs (N_)
    DOING: ClassVar[str] = N_("save")  # what the call does (N_): "Could not save: …"
    STALE_CLOSES: ClassVar[bool] = True  # see ``TellsFailures``

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f12", "cancel", N_("Back"), key_display="Esc", id="form.cancel"),
        Binding("f2,ctrl+s", "save", N_("Save"), key_display="F2/^S", id="form.save",
                tooltip=N_("Save (as Enter on the last field)")),
    ]  # fmt: skip

    class Done(Message):
        def __init__(self, result: Any) -> None:
            super().__init__()
            self.result = result

    def __init__(self, title: str, fields: Sequence[FormField], run: Run,
                 note: str | Content = "", *, focus: str | None = None,
                 aliases: dict[str, str] | None = None, enter_saves: bool = False,
                 focus_first_empty: bool = False, note_below: bool = False,
                 subtitle: str | None = None) -> None:  # fmt: skip
        """``focus``: the field to start in (else the first, or with ``focus_first_empty``
        the first still blank); ``aliases``: a service's field name -> ours, for errors;
        ``note_below``: the note under the fields instead of above them."""
        super().__init__()
        self.title_text, self.fields, self.run, self.note = title, list(fields), run, note
        self.aliases = aliases or {}
        self.enter_saves, self.note_below = enter_saves, note_below
        if subtitle is None:
            subtitle = (_("Tab next field · Enter saves · Esc backs out") if enter_saves
                        else _("Enter next / saves · F2 saves · Esc backs out"))  # fmt: skip
        self.subtitle = subtitle
        first = self.fields[0].name
        if focus_first_empty:
            first = next((f.name for f in self.fields if not f.value), first)
        self.first = focus or first
        self.busy = False
        self._saving: Worker | None = None  # keys typed on wait for it (``type_ahead.py``)

    def field_id(self, name: str) -> str:
        return f"f-{name}"

    def field(self, name: str) -> ScanInput:
        return self.query_one(f"#{self.field_id(name)}", ScanInput)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id=self.CONTAINER_ID) as box:
            box.border_title = self.title_text
            box.border_subtitle = self.subtitle
            if self.note and not self.note_below:
                yield Static(self.note, classes="dialog-text")
            yield from self.compose_fields()
            if self.note and self.note_below:
                yield Static(self.note, classes="dialog-text")
            yield Static("", id="form-error")

    def compose_fields(self) -> ComposeResult:
        """One labelled row per field (a dialog with another layout overrides this)."""
        for f in self.fields:
            with Horizontal(classes="form-field"):
                yield Label(f.label, classes="form-field-label")
                yield ScanInput(f.value, id=self.field_id(f.name), keep_value=True,
                                placeholder=f.placeholder)  # fmt: skip

    def on_mount(self) -> None:
        last = len(self.fields) - 1
        for n, f in enumerate(self.fields):  # Tab / Enter move on in key order (a burst too)
            field = self.field(f.name)
            field.next_field = self._neighbour_of(field)
            field.enter_moves = not self.enter_saves and n < last
        self.field(self.first).focus()

    def _neighbour_of(self, field: ScanInput) -> Callable[[int], ScanInput | None]:
        def neighbour(step: int) -> ScanInput | None:
            """The next (step 1) or previous (-1) stop in the order they show, if it is a
            field; None for another stop (a list): the key moves the focus as usual."""
            chain = self.focus_chain
            if field not in chain:
                return None
            target = chain[(chain.index(field) + step) % len(chain)]
            return target if isinstance(target, ScanInput) else None

        return neighbour

    def values(self) -> dict[str, str]:
        return {f.name: self.field(f.name).value for f in self.fields}

    @on(ScanInput.Scanned)
    def entered(self, event: ScanInput.Scanned) -> None:
        event.stop()  # Enter in the last field, or any with enter_saves (the others move on)
        field = event.scan_input
        if field.enter_moves and field.next_field is not None and field.next_field(1) is None:
            self.focus_next()  # the next stop is not a field (a list): it takes the focus
            return
        self.action_save()

    def action_save(self) -> None:
        if self.busy:
            return
        self.busy = True
        self.query_one("#form-error", Static).update(Content.styled(_(self.BUSY_TEXT), "dim"))
        self._saving = self.save(self.values())  # (keys typed on wait for it: type_ahead.py)

    @work(thread=True, exclusive=True, group="form-dialog", exit_on_error=False)
    def save(self, values: dict[str, str]) -> None:
        self.post_message(self.Done(self.run(values)))

    @on(Done)
    def done(self, message: Done) -> None:
        self.dismiss(message.result)
        release_keys(self, self._saving)  # keys typed on go to the screen behind

    def worker_failed(self, worker: Worker, error: BaseException) -> None:
        """Nothing was saved: why under the fields, the field it is about focused (a
        refusal names it: ``InvalidInput.field``), with the bell."""
        self.busy = False
        self.query_one("#form-error", Static).update(failure_text(self.DOING, error))
        named = error.field if isinstance(error, InvalidInput) else None
        target = self.error_target(self.aliases.get(named or "", named))
        for f in self.fields:
            field = self.field(f.name)
            field.set_class(field is target, "-error")
        if target is not None:
            target.focus()
            if isinstance(target, ScanInput):
                target.select_all()  # the next scan (or typing) replaces what was wrong
        self.app.bell()

    def error_target(self, name: str | None) -> Widget | None:
        """Where an error about ``name`` goes: that field (or another stop with its id, a
        list); the one field of a one-field form; else nowhere."""
        wanted = self.field_id(name) if name else None
        target = next((w for w in self.focus_chain if wanted and w.id == wanted), None)
        if target is None and len(self.fields) == 1:
            return self.field(self.fields[0].name)
        return target

    def action_cancel(self) -> None:
        self.dismiss(None)
