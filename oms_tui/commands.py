"""Command palette (Ctrl+P): "Go to: <area>" for home and every workflow area."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from .i18n import _
from .screens import HOME_MODE, OmsScreen


def go_to_targets(screen: object = None) -> Iterator[tuple[str, str, str]]:
    """(command text, mode, help) for each place the palette can take the clerk, in the
    current language (the key is the same in every language): the areas the user's role
    may open, as ``screen`` (the one the palette was opened on) read it."""
    yield _("Go to: Home"), HOME_MODE, _("Today's counts and the menu (F12 / Esc)")
    workflows = screen.open_workflows() if isinstance(screen, OmsScreen) else ()
    for wf in workflows:
        yield (_("Go to: {area}").format(area=_(wf.title)), wf.mode,
               _("{summary} (key {key})").format(summary=_(wf.summary), key=wf.key))  # fmt: skip


class GoToCommands(Provider):
    """Navigation by typing: ``audit`` finds "Go to: Audit queue" (``审单`` finds it in
    Chinese)."""

    async def discover(self) -> Hits:
        for text, mode, help_text in go_to_targets(self.screen):
            yield DiscoveryHit(text, partial(self.app.switch_mode, mode), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, mode, help_text in go_to_targets(self.screen):
            score = matcher.match(text)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(text),
                    partial(self.app.switch_mode, mode),
                    text=text,
                    help=help_text,
                )


class ScreenCommands(Provider):
    """The current screen's own actions by name, the hidden ones too.

    A screen lists them in ``PALETTE`` as ``(action, title, help)`` (``action_<action>`` is
    called) and names itself in ``PALETTE_PREFIX``: "Order entry: Save". Both are
    msgids (``N_``), said in the current language here.
    """

    def _commands(self) -> list[tuple[str, str, Callable[[], Any]]]:
        screen = self.screen
        prefix = getattr(screen, "PALETTE_PREFIX", "")
        return [
            (f"{_(prefix)}: {_(title)}" if prefix else _(title), _(help_text),
             getattr(screen, f"action_{action}"))
            for action, title, help_text in getattr(screen, "PALETTE", ())
            if not isinstance(screen, OmsScreen) or screen.may_act(action)
        ]  # fmt: skip

    async def discover(self) -> Hits:
        for text, help_text, callback in self._commands():
            yield DiscoveryHit(text, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, help_text, callback in self._commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), callback, text=text, help=help_text)
