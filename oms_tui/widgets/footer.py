"""The key footer of every workflow screen, rebuilt only when the keys it shows change."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer


class KeysFooter(Footer):
    """A ``Footer`` that rebuilds only when the keys it shows change.

    Textual's ``Footer`` recomposes (every key a new widget, then a layout and a full
    repaint) on each bindings update, and every focus change is two of them (textual 8.2.8:
    ``Screen._watch_focused`` and ``Screen.set_focus``). Measured: ~15 ms of the Enter that
    picks a caller in order entry (``bench/entry_keystrokes.py``), two recomposes of 22-45 ms
    each in an order search (focus from the query line to the results), and three of a new
    audit queue before its first paint (the rebuild is deferred: the calls that came before
    it ran asked for it again), all for the same keys. A key bound twice to one action
    counts once, as the footer shows it once (``F1/?``: ``?`` drops out of the active
    bindings while a text field has focus).
    """

    _shown: tuple[Any, ...] | None = None
    _stale = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The keys are drawn with the rest of the screen, not after its first paint (a
        # Footer waits for the first bindings update, then recomposes: one more layout).
        self.set_reactive(Footer._bindings_ready, True)

    def compose(self) -> ComposeResult:
        self._shown = self._keys(self.screen)
        yield from super().compose()

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

    def on_mount(self) -> None:  # Footer's own on_mount runs too (it follows the bindings)
        self.app.screen_change_signal.subscribe(self, self._screen_changed)

    def on_unmount(self) -> None:
        self.app.screen_change_signal.unsubscribe(self)

    def _screen_changed(self, screen: Screen) -> None:
        if screen is self.screen and self._stale:
            self._stale = False
            self.bindings_changed(screen)

    def bindings_changed(self, screen: Screen) -> None:
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            if screen is not screen.app.screen:
                # Not shown (another area is, or a dialog is over it): rebuilt if need be
                # when shown again. Leaving an area changes its keys (F12 Back goes): a
                # rebuild of a footer nobody sees, ~20-30 ms of the key that left.
                self._stale = True
                return
            shown = self._keys(screen)
            if shown == self._shown:
                return  # shown already, or a recompose that will show it is due
            self._shown = shown
        super().bindings_changed(screen)
