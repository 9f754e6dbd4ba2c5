"""How the screens write times, counts and quantities, and read a day typed the short way:
one definition each, shared by every area (the PDFs have their own in ``reports``)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from ..services.sales.entry import parse_requested_date


def local_time(at: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored (UTC) time in local time; naive values are UTC; no time: ``—``."""
    if not isinstance(at, datetime):
        return "—"
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone().strftime(fmt)


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def signed(n: int) -> str:
    """A quantity with its sign: ``+5``, ``-3``, ``0``."""
    return f"+{n}" if n > 0 else str(n)


def parse_day(text: str, today: date) -> date:
    """A day typed the short way: blank is today; ``-1`` yesterday; ``2026-12-01``;
    ``+1``, ``mon``... (``InvalidInput`` when it is none of these)."""
    t = text.strip().lower()
    if not t:
        return today
    if t.startswith("-") and t[1:].isdigit():
        return today - timedelta(days=int(t[1:]))
    try:
        return date.fromisoformat(t)
    except ValueError:
        pass
    return parse_requested_date(t, today) or today
