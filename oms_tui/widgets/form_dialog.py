"""The small form every area asks with: labelled fields, saved through a service call in
a worker, the error shown under the fields with its field focused and the bell, nothing
saved on error. Dismisses with what the call returned: the text saying what was done, or
the saved thing itself (``None`` when backed out).

Areas subclass it for their ids and styles (``ID_PREFIX``, the ``*_CLASS`` names their
``.tcss`` styles) and say whether Enter in any field saves (scan-and-go forms) or moves to
the next field and saves on the last."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Label, Static
from textual.worker import Worker

from ..failures import TellsFailures, doing, failure_text
from ..failures import error_text as error_text  # order entry's import, until it moves
from ..services.platform.errors import InvalidInput
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


class FormDialog(TellsFailures, ModalScreen[Any]):
    ID_PREFIX: ClassVar[str] = ""  # field ids "<prefix>f-<name>", error "<prefix>form-error"
    CONTAINER_ID: ClassVar[str | None] = None
    DIALOG_CLASS: ClassVar[str] = "form-dialog"
    NOTE_CLASS: ClassVar[str] = "form-note"
    ROW_CLASS: ClassVar[str] = "form-row"
    LABEL_CLASS: ClassVar[str] = "form-label"
    ERROR_CLASS: ClassVar[str] = "form-error"
    ENTER_SAVES: ClassVar[bool] = False  # True: Enter in any field saves
    FOCUS_FIRST_EMPTY: ClassVar[bool] = False  # True: start in the first field still blank
    SUBTITLE: ClassVar[str] = "Enter next / saves · F2 saves · Esc backs out"
    NOTE_FIRST: ClassVar[bool] = True  # the note above the fields (False: below them)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f12", "cancel", "Back", key_display="Esc", id="form.cancel"),
        Binding("f2,ctrl+s", "save", "Save", key_display="F2/^S", id="form.save",
                tooltip="Save (as Enter on the last field)"),
    ]  # fmt: skip

    class Done(Message):
        def __init__(self, result: Any) -> None:
            super().__init__()
            self.result = result

    def __init__(self, title: str, fields: Sequence[FormField], run: Run,
                 note: str | Content = "", *, focus: str | None = None,
                 aliases: dict[str, str] | None = None) -> None:  # fmt: skip
        super().__init__()
        self.title_text, self.fields, self.run, self.note = title, list(fields), run, note
        self.aliases = aliases or {}
        first = self.fields[0].name
        if self.FOCUS_FIRST_EMPTY:
            first = next((f.name for f in self.fields if not f.value), first)
        self.first = focus or first
        self.busy = False

    def field_id(self, name: str) -> str:
        return f"{self.ID_PREFIX}f-{name}"

    def compose(self) -> ComposeResult:
        with Vertical(classes=self.DIALOG_CLASS, id=self.CONTAINER_ID) as box:
            box.border_title = self.title_text
            box.border_subtitle = self.SUBTITLE
            if self.note and self.NOTE_FIRST:
                yield Static(self.note, classes=self.NOTE_CLASS)
            for f in self.fields:
                with Horizontal(classes=self.ROW_CLASS):
                    yield Label(f.label, classes=self.LABEL_CLASS)
                    yield ScanInput(f.value, id=self.field_id(f.name), keep_value=True,
                                    placeholder=f.placeholder)  # fmt: skip
            if self.note and not self.NOTE_FIRST:
                yield Static(self.note, classes=self.NOTE_CLASS)
            yield Static("", id=f"{self.ID_PREFIX}form-error", classes=self.ERROR_CLASS)

    def on_mount(self) -> None:
        fields = [self.query_one(f"#{self.field_id(f.name)}", ScanInput) for f in self.fields]
        for n, field in enumerate(fields):  # Tab / Enter move on in key order (a burst too)
            field.next_field = partial(self._neighbour, fields, n)
            field.enter_moves = not self.ENTER_SAVES and n < len(fields) - 1
        self.query_one(f"#{self.field_id(self.first)}", ScanInput).focus()

    @staticmethod
    def _neighbour(fields: list[ScanInput], n: int, step: int) -> ScanInput:
        return fields[(n + step) % len(fields)]

    def values(self) -> dict[str, str]:
        return {f.name: self.query_one(f"#{self.field_id(f.name)}", ScanInput).value
                for f in self.fields}  # fmt: skip

    @on(ScanInput.Scanned)
    def entered(self, event: ScanInput.Scanned) -> None:
        event.stop()  # Enter in the last field, or any with ENTER_SAVES (the others move on)
        self.action_save()

    def action_save(self) -> None:
        if self.busy:
            return
        self.busy = True
        self.query_one(f"#{self.ID_PREFIX}form-error", Static).update(
            Content.styled("Saving…", "dim")
        )
        self.save(self.values())

    @work(thread=True, exclusive=True, group="form-dialog", exit_on_error=False,
          description="save")  # fmt: skip
    def save(self, values: dict[str, str]) -> None:
        self.post_message(self.Done(self.run(values)))

    @on(Done)
    def done(self, message: Done) -> None:
        self.dismiss(message.result)

    def worker_failed(self, worker: Worker, error: BaseException) -> None:
        """Nothing was saved: why under the fields, the field it is about focused (a
        refusal names it: ``InvalidInput.field``), with the bell."""
        self.busy = False
        named = error.field if isinstance(error, InvalidInput) else None
        field = self.aliases.get(named or "", named)
        names = [f.name for f in self.fields]
        if field not in names:
            field = names[0] if len(names) == 1 else None
        self.query_one(f"#{self.ID_PREFIX}form-error", Static).update(
            failure_text(doing(worker), error)
        )
        for name in names:
            widget = self.query_one(f"#{self.field_id(name)}", ScanInput)
            widget.set_class(name == field, "-error")
            if name == field:
                widget.focus()
                widget.select_all()
        self.app.bell()

    def action_cancel(self) -> None:
        self.dismiss(None)
