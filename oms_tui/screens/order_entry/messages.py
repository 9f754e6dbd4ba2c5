"""Messages the entry screen's parts post up to it."""

from __future__ import annotations

from textual.message import Message


class Problem(Message):
    """A lookup in a worker failed: the screen says why on its message line."""

    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error
