"""Shared column helpers for the SQLModel tables.

Conventions (see docs/data-model.md):
- money is an integer number of minor units (fen/cents) in columns ending ``_minor``,
  64-bit (``money()``: BIGINT on PostgreSQL);
- tax rates are integer basis points (1300 = 13 %);
- weights in grams, volumes in cubic centimetres;
- times are timezone-aware UTC ``datetime`` values (sqlmodel's UTCDateTime column),
  shown in local time at the screen edge.
"""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, Integer
from sqlmodel import Field

# A money column: 64 bits (a 32-bit column stops at 21,474,836.47 yuan). BIGINT on
# PostgreSQL; on SQLite INTEGER already holds 64 bits, so it stays INTEGER there, as the
# migrations created it (changing only the declared type would copy every table).
MONEY = BigInteger().with_variant(Integer(), "sqlite")


def money(default: int | None = None) -> Any:  # noqa: ANN401 (a field, as Field returns)
    """A money field in minor units (``MONEY``); required when no default is given."""
    if default is None:
        return Field(sa_type=MONEY)
    return Field(default=default, sa_type=MONEY)


def utcnow() -> datetime:
    """Now, in UTC (how every timestamp is stored)."""
    return datetime.now(UTC)
