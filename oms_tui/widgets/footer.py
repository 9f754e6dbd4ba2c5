"""The key footer of every workflow screen, rebuilt only when the keys it shows change."""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.widgets import Footer


class KeysFooter(Footer):
    """A ``Footer`` that rebuilds only when the keys it shows change.

    Textual's ``Footer`` recomposes (every key a new widget, then a layout and a full
    repaint) on each bindings update, and every focus change is two of them (textual 8.2.8:
    ``Screen._watch_focused`` and ``Screen.set_focus``). Measured: ~15 ms of the Enter that
    picks a caller in order entry (``bench/entry_keystrokes.py``), and two recomposes of
    22-45 ms each in an order search (focus from the query line to the results), for the
    same keys. A key bound twice to one action counts once, as the footer shows it once
    (``F1/?``: ``?`` drops out of the active bindings while a text field has focus).
    """

    _shown: tuple[Any, ...] | None = None

    @staticmethod
    def _keys(screen: Screen) -> tuple[Any, ...]:
        """What ``Footer.compose`` draws: one key per action (its first binding), and the
        command palette's key."""
        bindings = screen.active_bindings
        first: dict[str, tuple[Any, ...]] = {}
        for key, (_node, binding, enabled, tooltip) in bindings.items():
            if binding.show and binding.action not in first:
                first[binding.action] = (key, binding.description, binding.key_display,
                                         binding.group, enabled, tooltip)  # fmt: skip
        palette = bindings.get(screen.app.COMMAND_PALETTE_BINDING)
        return (*first.items(), palette[1:] if palette else None)

    def bindings_changed(self, screen: Screen) -> None:
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            shown = self._keys(screen)
            if shown == self._shown and self.children:
                return
            self._shown = shown  # what the recompose below will show
        super().bindings_changed(screen)
