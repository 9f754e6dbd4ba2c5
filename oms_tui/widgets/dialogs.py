"""The small questions every area asks: pick one of a few by its letter (``ChoiceDialog``),
one line of text (``PromptDialog``), yes or no (``ConfirmDialog``).

Each is a ``ModalScreen`` that answers through ``push_screen(dialog, callback)`` (None when
backed out) and carries its own look (``DEFAULT_CSS``): a box in the middle of the screen,
its title in the border, the keys it takes in the bottom border. Dialogs that need more
than these build on ``Dialog``; a form of several fields saved by a service is a
``FormDialog`` (``widgets/form_dialog.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen, ScreenResultType
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ..i18n import N_, _
from .quick_open import QuickOpen
from .scan_input import ScanInput


class Dialog(QuickOpen, ModalScreen[ScreenResultType]):
    """A box in the middle of the screen (compose it as ``Vertical(classes="dialog")``):
    the look of every small dialog. Opens without a restyle of what is already styled
    (``QuickOpen``)."""

    DEFAULT_CSS = """
    Dialog {
        align: center middle;
    }
    Dialog .dialog {
        width: 72;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: round $primary;
        border-title-color: $text-accent;
        border-subtitle-color: $text-muted;
        background: $surface;
        padding: 0 1;
    }
    Dialog .dialog OptionList {
        height: auto;
        max-height: 12;
        border: none;
        padding: 0;
    }
    Dialog .dialog ScanInput {
        width: 1fr;
        &.-error { background: $error 30%; }
    }
    Dialog .dialog-text {
        color: $text-muted;
        margin-bottom: 1;
    }
    """


class ChoiceDialog(Dialog[str | None]):
    """Pick one option by its letter (or arrows and Enter); Esc / F12 backs out with None.

    ``choices`` are ``(letter, value, label)``; the answer is the value."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f12", "cancel", N_("Back"), key_display="Esc", id="dialog.cancel"),
    ]

    def __init__(self, title: str, choices: Sequence[tuple[str, str, str]], text: str = "",
                 current: str | None = None) -> None:  # fmt: skip
        super().__init__()
        self.title_text = title
        self.text = text
        self.choices = list(choices)
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = self.title_text
            keys = [key for key, _value, _label in self.choices]
            if all(k.isdigit() for k in keys):
                box.border_subtitle = _("digit or Enter picks · Esc backs out")
            elif all(k.isalpha() for k in keys):
                box.border_subtitle = _("letter or Enter picks · Esc backs out")
            else:
                box.border_subtitle = _("key or Enter picks · Esc backs out")
            if self.text:
                yield Static(self.text, classes="dialog-text")
            options = [
                Option(Content.assemble((f"{letter} ", "bold $text-accent"), label), id=value)
                for letter, value, label in self.choices
            ]
            yield OptionList(*options, id="choices")

    def on_mount(self) -> None:
        choices = self.query_one("#choices", OptionList)
        values = [value for _letter, value, _label in self.choices]
        if self.current in values:
            choices.highlighted = values.index(self.current)

    def on_key(self, event: events.Key) -> None:
        for letter, value, _label in self.choices:
            if event.character == letter:
                event.stop()
                self.dismiss(value)
                return

    @on(OptionList.OptionSelected, "#choices")
    def picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class PromptDialog(Dialog[str | None]):
    """One line of text; ``check`` returns an error message (shown here) or None to accept."""

    DEFAULT_CSS = """
    PromptDialog #prompt-error {
        color: $text-error;
        height: auto;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f12", "cancel", N_("Back"), key_display="Esc", id="dialog.cancel"),
    ]

    def __init__(self, title: str, label: str, value: str = "",
                 check: Callable[[str], str | None] | None = None) -> None:  # fmt: skip
        super().__init__()
        self.title_text, self.label, self.value, self.check = title, label, value, check

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = self.title_text
            box.border_subtitle = _("Enter saves · Esc backs out")
            yield Static(self.label, classes="dialog-text")
            yield ScanInput(self.value, id="prompt", keep_value=True)
            yield Static("", id="prompt-error")

    @on(ScanInput.Scanned, "#prompt")
    def entered(self, event: ScanInput.Scanned) -> None:
        event.stop()
        error = self.check(event.value) if self.check else None
        if error:
            self.query_one("#prompt-error", Static).update(error)
            self.app.bell()
            return
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmDialog(Dialog[bool]):
    """A yes / no question: ``y`` or Enter yes, ``n`` / Esc no."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # (ids from the stocktake, where it was first asked: a keymap may name them)
        Binding("y,enter", "answer(True)", N_("Yes"), key_display="y", id="stock.confirm.yes"),
        Binding("n,escape,f12", "answer(False)", N_("No"), key_display="n/Esc",
                id="stock.confirm.no"),
    ]  # fmt: skip

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text, self.text = title, text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = self.title_text
            box.border_subtitle = _("y or Enter: yes · n or Esc: no")
            yield Static(self.text)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
