"""App-wide messages: posted up to the app by screens and workers.

Widget-specific messages live nested in their widget (e.g. ``HomeScreen.CountsLoaded``).
"""

from __future__ import annotations

from textual.content import Content
from textual.message import Message


class SettingsLoaded(Message):
    """The company settings were read: the app shows the company name as its title."""

    def __init__(self, company_name: str, currency: str) -> None:
        super().__init__()
        self.company_name = company_name
        self.currency = currency


class HomeReady(Message):
    """The home screen has painted today's counts (or the reason it could not).

    ``error`` is empty on success. ``make_app(..., exit_when_ready=True)`` exits on it.
    """

    def __init__(self, error: str = "") -> None:
        super().__init__()
        self.error = error


class Said(Message):
    """How a worker's job ended, for its screen's message line (``OmsScreen.job_said``):
    ``error`` in the error style with the bell (a refusal the worker caught to act on);
    ``reload``: what the screen shows changed, it is read again. A worker that fails
    raises instead (``failures.py``)."""

    def __init__(self, text: str | Content, error: bool = False, reload: bool = False) -> None:
        super().__init__()
        self.text, self.error, self.reload = text, error, reload


class OpenOrder(Message):
    """Show one order's whole story over the current screen (the app opens its detail):
    the one way every list opens an order, so no screen imports another to do it."""

    def __init__(self, number: str) -> None:
        super().__init__()
        self.number = number
