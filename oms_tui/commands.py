"""Command palette (Ctrl+P): "Go to: <area>" for home and every workflow area."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

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
