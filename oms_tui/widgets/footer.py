"""The key footer of every workflow screen, rebuilt only when the keys it shows change."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from ..i18n import _, current_language


class KeysFooter(Footer):
    """A ``Footer`` that rebuilds only when the keys it shows change, and says them in the
    current language (binding descriptions are msgids, ``N_``: ``oms_tui/i18n.py``).

    Textual's ``Footer`` recomposes (every key a new widget, then a layout and a full
    repaint) on each bindings update, and every focus change is two of them (textual 8.2.8:
    ``Screen._watch_focused`` and ``Screen.set_focus``). Measured: ~15 ms of the Enter that
    picks a caller in order entry (``bench/entry_keystrokes.py``), two recomposes of 22-45 ms
    each in an order search (focus from the query line to the results), and three of a new
    audit queue before its first paint (the rebuild is deferred: the calls that came before
    it ran asked for it again), all for the same keys. A key bound twice to one action
    counts once, as the footer shows it once (``F1/?``: ``?`` drops out of the active
    bindings while a text field has focus).

    When the keys do change (a panel with keys of its own takes the focus: order entry's
    new caller), the keys already shown are changed in place and only the difference is
    mounted or removed: a recompose mounts every key again, ~15-20 ms of the key that moved
    the focus there and back.
    """

    # The palette key is docked right with the compact keys' margin, which left the last
    # column uncovered: keys that do not fit at 80 columns showed a stray letter there.
    DEFAULT_CSS = """
    KeysFooter.-compact FooterKey.-command-palette {
        margin-right: 0;
        padding-right: 1;
    }
    KeysFooter FooterKey.-dropped { display: none; }
    """
    # Kept when the keys do not fit the width (F1 lists every key of the screen, and each
    # screen's hint line its own): back, the key list, quit. Dropped first: the theme.
    KEEP: ClassVar[frozenset[str]] = frozenset({"back", "back_out", "toggle_keys", "quit"})
    DROP_FIRST: ClassVar[frozenset[str]] = frozenset({"toggle_dark"})

    _shown: tuple[Any, ...] | None = None
    _stale = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The keys are drawn with the rest of the screen, not after its first paint (a
        # Footer waits for the first bindings update, then recomposes: one more layout).
        self.set_reactive(Footer._bindings_ready, True)

    def compose(self) -> ComposeResult:
        self._shown = self._keys(self.screen)
        for widget in super().compose():
            if isinstance(widget, FooterKey):  # descriptions are msgids (``N_``)
                widget.description = _(widget.description)
                if isinstance(widget.tooltip, str):
                    widget.tooltip = _(widget.tooltip)
            yield widget
        self.call_after_refresh(self._fit_keys)

    def on_resize(self) -> None:
        self._fit_keys()

    def _fit_keys(self) -> None:
        """Keys that would run past the palette key at this width are dropped (hidden),
        the theme first, then from the right, never Back, Keys or Quit: before, they ran
        under the palette key, and F1 Keys and F3 Quit were the ones lost."""
        keys = [c for c in self.children if isinstance(c, FooterKey)]
        palette = next((k for k in keys if k.has_class("-command-palette")), None)
        keys = [k for k in keys if k is not palette]
        # the palette key takes its text, its padding and its left border ("▏"): one cell
        # more than ``_width``; the last key's margin may sit under that border
        room = self.size.width - (self._width(palette) if palette is not None else 0)
        if not keys or room <= 0:
            return
        action = {k: k.action.rpartition(".")[2] for k in keys}
        order = [k for k in keys if action[k] in self.DROP_FIRST] + [
            k for k in reversed(keys) if action[k] not in self.KEEP | self.DROP_FIRST
        ]
        dropped: set[FooterKey] = set()
        total = sum(self._width(k) for k in keys)
        for key in order:
            if total <= room:
                break
            dropped.add(key)
            total -= self._width(key)
        for key in keys:
            if key.has_class("-dropped") != (key in dropped):
                key.set_class(key in dropped, "-dropped")

    @staticmethod
    def _width(key: FooterKey) -> int:
        """Cells a compact key takes: ``F2/^S Save`` and its margin."""
        text = cell_len(key.key_display) + (1 + cell_len(key.description) if key.description
                                             else 0)  # fmt: skip
        return text + 1

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
        # the language too: switching it rebuilds the keys in the new one
        return (current_language(), *first.items(), palette[1:] if palette else None)

    def on_mount(self) -> None:  # Footer's own on_mount runs too (it follows the bindings)
        self.app.screen_change_signal.subscribe(self, self._screen_changed)

    def on_unmount(self) -> None:
        self.app.screen_change_signal.unsubscribe(self)

    def _screen_changed(self, screen: Screen) -> None:
        stale = self._stale or (self._shown is not None and self._shown[0] != current_language())
        if screen is self.screen and stale:
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
            before, self._shown = self._shown, shown
            if (before is not None and before[-1] == shown[-1] and before[0] == shown[0]
                    and self._update_in_place(screen)):  # fmt: skip
                return
        super().bindings_changed(screen)

    def _update_in_place(self, screen: Screen) -> bool:
        """The shown keys changed to the active ones without a recompose; False when that
        cannot be done here (grouped keys, or the footer not composed yet)."""
        wanted: dict[str, tuple[Binding, bool, str]] = {}
        for _node, binding, enabled, tooltip in screen.active_bindings.values():
            if binding.show and binding.action not in wanted:
                if binding.group is not None:
                    return False
                wanted[binding.action] = (binding, enabled, tooltip)
        children = list(self.children)
        if not children or not all(isinstance(c, FooterKey) for c in children):
            return False
        keys = [c for c in children if not c.has_class("-command-palette")]
        palette = next((c for c in children if c.has_class("-command-palette")), None)
        items = list(wanted.values())
        for widget, (binding, enabled, tooltip) in zip(keys, items, strict=False):
            self._set_key(widget, binding, enabled, tooltip)  # type: ignore[arg-type]
        for widget in keys[len(items) :]:
            widget.remove()
        more = [self._new_key(*item) for item in items[len(keys) :]]
        if more:
            self.mount(*more, before=palette)
            self.call_after_refresh(self._fit_keys)
        else:
            self._fit_keys()
        return True

    def _set_key(self, widget: FooterKey, binding: Binding, enabled: bool, tooltip: str) -> None:
        """One shown key changed to ``binding``; repainted only if what it shows changed (a
        panel's own key with the same text, ``F2/^S Save``, changes only the action run)."""
        key_display = self.app.get_key_display(binding)
        shown = (key_display, _(binding.description), not enabled)
        was = (widget.key_display, widget.description, widget._disabled)
        widget.key, widget.action = binding.key, binding.action
        tooltip = _(tooltip) if tooltip else tooltip
        if (widget.tooltip or "") != (tooltip or ""):
            widget.tooltip = tooltip or None
        if shown != was:
            widget.key_display, widget.description, widget._disabled = shown
            widget.set_class(not enabled, "-disabled")
            widget.refresh(layout=shown[:2] != was[:2])

    def _new_key(self, binding: Binding, enabled: bool, tooltip: str) -> FooterKey:
        key = FooterKey(binding.key, self.app.get_key_display(binding), _(binding.description),
                        binding.action, disabled=not enabled,
                        tooltip=_(tooltip) if tooltip else tooltip)  # fmt: skip
        key.set_reactive(FooterKey.compact, self.compact)
        return key
