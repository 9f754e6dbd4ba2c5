"""A labelled number on a dashboard: the label in the border, the value inside."""

from __future__ import annotations

from textual.reactive import reactive
from textual.widgets import Static

PENDING = "…"


class CountTile(Static):
    """Shows one count (or a short text such as a money amount) under a label.

    ``value`` is a string so the tile can show ``…`` while loading and ``—`` on error.
    A tile gets the ``-attention`` class when its count is above zero.
    """

    DEFAULT_CSS = """
    CountTile {
        height: 3;
        width: 1fr;
        border: round $foreground 40%;
        border-title-color: $text-muted;
        padding: 0 1;
        content-align: right middle;
        text-style: bold;
        &.-attention { border: round $warning; }
    }
    """

    value: reactive[str] = reactive(PENDING)

    def __init__(self, label: str, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(PENDING, id=id, classes=classes)
        self.border_title = label

    def watch_value(self, value: str) -> None:
        self.update(value)

    def show_count(self, count: int, detail: str = "") -> None:
        """Show ``count`` (with an optional detail after it) and flag it when above zero."""
        self.value = f"{count:,}" + (f" {detail}" if detail else "")
        self.set_class(count > 0, "-attention")
