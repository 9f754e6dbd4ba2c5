"""App-wide messages: posted up to the app by screens and workers.

Widget-specific messages live nested in their widget (e.g. ``HomeScreen.CountsLoaded``).
"""

from __future__ import annotations

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
