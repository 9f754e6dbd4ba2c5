"""A one-line input that keeps scanner bursts in order.

Measured on textual 8.2.8 (see STYLE.md, upstream issue #6605): ``Input`` inserts printable
characters in ``_on_key`` at once, but Enter and Backspace are bindings that run only after
the key has bubbled to the App, so characters queued behind them overtake them (a burst
``SKU1⏎SKU2⏎`` submitted ``SKU1SKU2``). ``ScanInput`` handles Enter and Backspace in its own
``_on_key``, in arrival order: Enter takes the value as typed so far, clears the field and
posts ``Scanned(value)``.

``Scanned`` is posted to the parent (not to this widget's own queue), so it reaches the
screen ahead of any key still queued here (an F2 typed right after a scan is handled after
the scan, as typed). A multi-line paste is split into one ``Scanned`` per line.

Moving to another field in a burst has the same trap: ``Tab`` is a binding too, and the
keys typed after it were already queued here (the app hands each key to the field focused
when it arrives), so ``李雷⇥浙江`` typed fast, or arriving in one packet over SSH, put
``浙江`` in the name. ``hand_over(target)`` moves on in arrival order: every key still
queued here is passed on to ``target``, in order, and the focus moves synchronously once
this field's queue is empty (no key can slip in between). A form that sets ``next_field``
gets Tab / Shift+Tab (and Down / Up; Enter too with ``enter_moves``) handled so, in
``_on_key``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import events
from textual.message import Message
from textual.widgets import Input
from textual.widgets.input import Selection


def copy_key(event: events.Key) -> events.Key:
    return events.Key(event.key, event.character)


def _set_select_on_focus(widget: Input, value: bool) -> None:
    # a plain function: Textual inspects a callback's signature, slow for builtins (setattr)
    widget.select_on_focus = value


class ScanInput(Input):
    """An ``Input`` whose Enter posts ``ScanInput.Scanned`` with the line typed so far."""

    DEFAULT_CSS = """
    ScanInput {
        border: none;
        height: 1;
        padding: 0 1;
        &:focus { border: none; background: $boost; }
    }
    """

    class Scanned(Message):
        """Enter was pressed: ``value`` is the line as typed (the field is already empty)."""

        def __init__(self, scan_input: ScanInput, value: str) -> None:
            super().__init__()
            self.scan_input = scan_input
            self.value = value

        @property
        def control(self) -> ScanInput:
            return self.scan_input

    STEP_KEYS: ClassVar[dict[str, int]] = {"tab": 1, "down": 1, "shift+tab": -1, "up": -1}

    def __init__(self, *args, keep_value: bool = False, **kwargs) -> None:  # noqa: ANN002, ANN003
        """``keep_value``: Enter leaves the text in place (a search field) instead of clearing."""
        super().__init__(*args, **kwargs)
        self.keep_value = keep_value
        # set by a form: the field ``step`` (+1 next, -1 previous) away, None to let the key be
        self.next_field: Callable[[int], ScanInput | None] | None = None
        self.enter_moves = False  # with next_field: Enter moves on (a form's fields but the last)
        self._forward_to: ScanInput | None = None

    def focus_selected(self) -> None:
        """Take the focus with the whole text selected: what a search line does when its
        screen opens or comes back, so the last query is there and typing replaces it (even
        when the line had the focus already, and no Focus event selects it)."""
        self.focus()
        self.selection = Selection(0, len(self.value))

    # -- moving on in arrival order -------------------------------------------------------

    def hand_over(self, target: ScanInput, select: bool = False) -> None:
        """Keys still queued here go on to ``target`` in order; the focus follows them.
        ``select``: as focusing it would, its text is selected first (``select_on_focus``),
        so keys passed on replace it, as they would if typed slowly."""
        if select and target.select_on_focus:
            target.selection = Selection(0, len(target.value))
        self._forward_to = target
        self._hand_over_when_drained()

    def _hand_over_when_drained(self) -> None:
        # Synchronous from the empty-queue check to set_focus: no key can slip in between.
        if self._forward_to is not None and self._message_queue.empty():
            target, self._forward_to = self._forward_to, None
            if self.screen.focused is self:
                # Keys already passed on are typed there: no select-all on this focus (the
                # callback runs after the Focus event, which is queued first).
                select_on_focus, target.select_on_focus = target.select_on_focus, False
                self.screen.set_focus(target)
                target.call_later(_set_select_on_focus, target, select_on_focus)

    def on_idle(self) -> None:
        self._hand_over_when_drained()

    def _on_focus(self, event: events.Focus) -> None:
        self._forward_to = None
        super()._on_focus(event)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # One line: Up/Down never scroll it, they pass on to the screen (select a line).
        if action in ("scroll_up", "scroll_down"):
            return False
        return super().check_action(action, parameters)

    def _post_scanned(self, value: str) -> None:
        message = self.Scanned(self, value)
        target = self.parent if self.parent is not None else self
        target.post_message(message)

    async def _on_key(self, event: events.Key) -> None:
        if self._forward_to is not None:  # queued here before the focus moved on
            event.stop()
            event.prevent_default()
            self._forward_to.post_message(copy_key(event))
            self._hand_over_when_drained()
            return
        step = self.STEP_KEYS.get(event.key)
        if event.key == "enter" and self.enter_moves:
            step = 1
        if step is not None and self.next_field is not None:
            target = self.next_field(step)
            if target is not None:
                event.stop()
                event.prevent_default()
                self.hand_over(target, select=True)
                return
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            value = self.value
            if not self.keep_value:
                self.value = ""
            self._post_scanned(value)
            return
        if event.key == "backspace":
            event.stop()
            event.prevent_default()
            self.action_delete_left()
            return
        await super()._on_key(event)

    def _on_paste(self, event: events.Paste) -> None:
        lines = event.text.splitlines()
        event.stop()
        event.prevent_default()  # Input's own handler (keeps the first line only) must not run
        if len(lines) <= 1 and not event.text.endswith(("\n", "\r")):
            super()._on_paste(event)
            return
        # every complete line is one scan; an unterminated last line stays typed
        complete = lines if event.text.endswith(("\n", "\r")) else lines[:-1]
        tail = "" if len(complete) == len(lines) else lines[-1]
        self.insert_text_at_cursor(complete[0] if complete else "")
        first = self.value
        for n, line in enumerate(complete):
            self._post_scanned(first if n == 0 else line)
        self.value = first + tail if self.keep_value else tail
        self.cursor_position = len(self.value)
