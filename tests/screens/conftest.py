"""Screens tests see the same screen however long a step takes on a loaded machine."""

from __future__ import annotations

import pytest
from textual.widgets import Input


@pytest.fixture(autouse=True)
def _cursor_does_not_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    """A text field's cursor blinks on a 0.5 s timer: a screenshot taken half a second after
    the last key (a loaded CI box) showed it hidden. It stays as a key or focus leaves it:
    shown."""
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
