"""Command palette (Ctrl+P): "Go to: <area>" for home and every workflow area."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from .screens import HOME_MODE, WORKFLOWS


def go_to_targets() -> Iterator[tuple[str, str, str]]:
    """(command text, mode, help) for each place the palette can take the clerk."""
    yield "Go to: Home", HOME_MODE, "Today's counts and the menu (F12 / Esc)"
    for wf in WORKFLOWS:
        yield f"Go to: {wf.title}", wf.mode, f"{wf.summary} (key {wf.key})"


class GoToCommands(Provider):
    """Navigation by typing: ``audit`` finds "Go to: Audit queue"."""

    async def discover(self) -> Hits:
        for text, mode, help_text in go_to_targets():
            yield DiscoveryHit(text, partial(self.app.switch_mode, mode), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, mode, help_text in go_to_targets():
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
    called) and names itself in ``PALETTE_PREFIX``: "Order entry: Save".
    """

    def _commands(self) -> list[tuple[str, str, Callable[[], Any]]]:
        screen = self.screen
        prefix = getattr(screen, "PALETTE_PREFIX", "")
        return [
            (f"{prefix}: {title}" if prefix else title, help_text,
             getattr(screen, f"action_{action}"))
            for action, title, help_text in getattr(screen, "PALETTE", ())
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
