"""Errors a service raises for the user to read: one clear sentence, no traceback."""


class OmsError(Exception):
    """Base of every error meant for the person at the keyboard."""


class NotFound(OmsError):
    pass


class InvalidInput(OmsError):
    """Bad input; ``field`` names where it was typed, when known."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class IllegalTransition(OmsError):
    pass


class StaleData(OmsError):
    """Somebody else saved a change first; nothing was overwritten. ``short``: the same
    sentence in as few words as a one-line message at 80 columns needs (who and when kept,
    what they did cut first)."""

    def __init__(self, message: str, short: str | None = None) -> None:
        super().__init__(message)
        self.short = short or message
