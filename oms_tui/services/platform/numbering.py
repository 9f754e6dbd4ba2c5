"""Readable document numbers, sequential per year: SO-2026-000123.

The counter row is incremented inside the caller's write transaction, so a
rolled-back order gives its number back (no gaps) and two processes never get
the same number: SQLite serialises writers with ``BEGIN IMMEDIATE``; on
PostgreSQL the ``UPDATE`` takes a row lock held until commit.
"""

from __future__ import annotations

from sqlalchemy import insert, update
from sqlmodel import Session

from ...models import NumberSequence

WIDTH = 6


def format_number(prefix: str, year: int, value: int) -> str:
    return f"{prefix}-{year}-{value:0{WIDTH}d}"


def _ensure_row(session: Session, prefix: str, year: int) -> None:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    else:  # pragma: no cover - other engines: plain insert inside a savepoint
        with session.begin_nested():
            session.execute(insert(NumberSequence).values(name=prefix, year=year, last_value=0))
        return
    stmt = dialect_insert(NumberSequence).values(name=prefix, year=year, last_value=0)
    session.execute(stmt.on_conflict_do_nothing(index_elements=["name", "year"]))


def take_numbers(session: Session, prefix: str, year: int, count: int = 1) -> list[str]:
    """Take ``count`` consecutive numbers; must run inside a write transaction."""
    stmt = (
        update(NumberSequence)
        .where(NumberSequence.name == prefix, NumberSequence.year == year)
        .values(last_value=NumberSequence.last_value + count)
        .returning(NumberSequence.last_value)
    )
    last = session.execute(stmt).scalar_one_or_none()
    if last is None:
        _ensure_row(session, prefix, year)
        last = session.execute(stmt).scalar_one()
    return [format_number(prefix, year, v) for v in range(last - count + 1, last + 1)]


def take_number(session: Session, prefix: str, year: int) -> str:
    return take_numbers(session, prefix, year, 1)[0]


def normalise_order_number(text: str) -> str:
    """``so-2026-123`` -> ``SO-2026-000123``; anything else is returned upper-cased."""
    parts = text.strip().upper().split("-")
    if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
        return f"{parts[0]}-{parts[1]}-{int(parts[2]):06d}"
    return text.strip().upper()
