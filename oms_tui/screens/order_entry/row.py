"""One row of the entry screen: a one-line ``Static`` whose updates skip the layout pass."""

from __future__ import annotations

from typing import Any

from textual.widgets import Static


class Row(Static):
    """One row of the entry screen (one cell high, as wide as the screen): new text never
    changes its size, so updating it skips the screen-wide layout pass ``Static.update``
    asks for by default (measured: most of a key's time here)."""

    DEFAULT_CSS = """
    Row {
        height: 1;
        padding: 0 1;
        text-wrap: nowrap;
    }
    """

    _text: Any = None

    def update(self, content: Any = "", *, layout: bool = False) -> None:
        if isinstance(content, str) and content == self._text:
            return  # unchanged: nothing to repaint
        self._text = content if isinstance(content, str) else None
        super().update(content, layout=layout)
