"""Shared column helpers for the SQLModel tables.

Conventions (see docs/data-model.md):
- money is an integer number of minor units (fen/cents) in columns ending ``_minor``;
- tax rates are integer basis points (1300 = 13 %);
- weights in grams, volumes in cubic centimetres;
- times are timezone-aware UTC ``datetime`` values (sqlmodel's UTCDateTime column),
  shown in local time at the screen edge.
"""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, in UTC (how every timestamp is stored)."""
    return datetime.now(UTC)
