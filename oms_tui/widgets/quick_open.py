"""Screens that open without Textual's redundant restyles (measured on textual 8.2.8).

A screen's widgets are styled as they mount. Textual then restyles the whole screen on
every ``ScreenResume`` (and a new area's screen gets two before its first paint:
``App._init_mode``, then ``App.switch_mode``), and reparses the whole stylesheet and
restyles every screen for a new area's screen, twice, because a new screen counts as
having missed CSS changes. Measured: ~50 ms of the audit queue's first open for the
reparses, ~20 ms per restyle; ~10-25 ms of the push of an entry dialog.

Textual also repaints the whole screen on every focus change (``Screen.focused`` is a
repainting reactive), though the widgets whose focus changed restyle and repaint themselves
(their ``:focus`` styles, ``Input``'s cursor): a full repaint of 80x24 was ~5-15 ms of the
Enter that picks a caller in order entry, and of every Tab in a dialog (the dimmed screen
under it is composed again too).

``QuickOpen`` (before ``Screen`` in the bases) skips a resume's restyle when nothing in
the stylesheet changed since the screen's widgets were styled (the app's CSS update count
is the same), marks a new screen's CSS as current, and does not repaint all of itself
when the focus moves. A theme change still restyles: it changes the count.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual._context import NoActiveAppError
from textual.reactive import Reactive
from textual.widget import Widget


class QuickOpen:
    """Mixin for a ``Screen``: no restyle of widgets styled for the current stylesheet,
    no full repaint when the focus moves."""

    focused: Reactive[Widget | None] = Reactive(None, repaint=False)  # Screen's, not repainting
    _styled_for: int | None = None  # the app's CSS update count when last styled

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        try:
            app: Any = self.app  # type: ignore[attr-defined]
        except NoActiveAppError:  # built outside an app: styled when shown, as usual
            return
        self._css_update_count = app._css_update_count  # a new screen missed no change
        self._styled_for = app._css_update_count

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        # Dispatched before Screen's own handler, which restyles when asked to.
        count = self.app._css_update_count  # type: ignore[attr-defined]
        if self._styled_for == count:
            event.refresh_styles = False
        self._styled_for = count
