"""Writing generated rows fast: Core bulk inserts with precomputed ids, sequences fixed
afterwards, and small random helpers (EAN-13, phones, names)."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import TypeDecorator, func, insert, select, text
from sqlmodel import Session, SQLModel

from ..services.finance.receivables import due_dates
from .reference import ENGLISH, GIVEN, PINYIN, SURNAMES

Row = dict[str, Any]  # one table row for a bulk insert

# --------------------------------------------------------------------------- helpers


def _sqlite_value(value: Any) -> Any:
    """What SQLAlchemy's SQLite types store: naive UTC text for datetimes, ISO dates."""
    if isinstance(value, datetime):
        if value.tzinfo is not UTC:
            value = value.astimezone(UTC)
        return (f"{value.year:04d}-{value.month:02d}-{value.day:02d} {value.hour:02d}:"
                f"{value.minute:02d}:{value.second:02d}.{value.microsecond:06d}")  # fmt: skip
    if isinstance(value, date):
        return value.isoformat()
    return value


def bulk_insert(session: Session, model: type[SQLModel], rows: Sequence[Row]) -> None:
    """Insert plain rows (all with the same keys) in one go, in the session's transaction.

    SQLite: the driver's ``executemany`` with values converted as SQLAlchemy's types
    would store them. PostgreSQL: ``COPY ... FROM STDIN`` (psycopg 3). Others: Core
    ``insert`` executemany. Several times faster than Core for millions of rows.
    """
    if not rows:
        return
    table = model.__table__  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect.name
    columns = list(rows[0])
    if dialect not in ("sqlite", "postgresql"):
        session.execute(insert(table), list(rows))
        return
    raw = session.connection().connection.driver_connection
    names = ", ".join(f'"{c}"' for c in columns)
    pick = itemgetter(*columns) if len(columns) > 1 else (lambda r: (r[columns[0]],))
    if dialect == "sqlite":
        temporal = [i for i, c in enumerate(columns) if _is_temporal(table.c[c].type)]
        values: list[Any] = []
        for r in rows:
            v = list(pick(r))
            for i in temporal:
                v[i] = _sqlite_value(v[i])
            values.append(v)
        marks = ", ".join("?" * len(columns))
        raw.executemany(f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', values)
        return
    with raw.cursor() as cur, cur.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for r in rows:
            copy.write_row(pick(r))


def _is_temporal(sa_type: Any) -> bool:
    if isinstance(sa_type, TypeDecorator):
        sa_type = sa_type.impl_instance
    try:
        return issubclass(sa_type.python_type, date)
    except NotImplementedError:
        return False


class IdAllocator:
    """Precomputed primary keys: max(id) + 1 onwards, per table, inside the write transaction."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._next: dict[str, int] = {}

    def take(self, model: type[SQLModel], count: int = 1) -> int:
        """The first of ``count`` consecutive new ids."""
        table = model.__table__  # type: ignore[attr-defined]
        if table.name not in self._next:
            top = self._session.execute(select(func.max(table.c.id))).scalar()
            self._next[table.name] = (top or 0) + 1
        first = self._next[table.name]
        self._next[table.name] = first + count
        return first

    def used(self) -> list[str]:
        return list(self._next)


def fix_sequences(session: Session, tables: Iterable[str]) -> None:
    """PostgreSQL: move each serial id sequence past the ids inserted explicitly."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for name in tables:
        session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"
        ))  # fmt: skip


def _ean13(body12: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body12))
    return body12 + str((10 - total % 10) % 10)


def _weighted(rng: random.Random, pairs: Sequence[tuple[Any, float]]) -> Any:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _mobile(rng: random.Random) -> str:
    prefix = rng.choice(
        (
            "138",
            "139",
            "136",
            "137",
            "135",
            "150",
            "151",
            "158",
            "159",
            "186",
            "187",
            "188",
            "189",
            "133",
            "130",
            "131",
            "155",
            "156",
            "185",
            "180",
        )
    )
    rest = f"{rng.randrange(10**8):08d}"
    style = rng.random()
    if style < 0.45:
        return f"{prefix} {rest[:4]} {rest[4:]}"
    if style < 0.8:
        return prefix + rest
    if style < 0.92:
        return f"{prefix}-{rest[:4]}-{rest[4:]}"
    return f"+86 {prefix} {rest[:4]} {rest[4:]}"


def _landline(rng: random.Random, area: str) -> str:
    n = 8 if len(area) <= 3 else 7 + rng.randrange(2)
    body = str(rng.randrange(2, 9)) + "".join(str(rng.randrange(10)) for _ in range(n - 1))
    return f"{area}-{body[:4]} {body[4:]}" if rng.random() < 0.6 else f"({area}) {body}"


def _person_name(rng: random.Random) -> str:
    surname = rng.choice(SURNAMES)
    r = rng.random()
    if r < 0.7:
        return surname + rng.choice(GIVEN)
    if r < 0.9:
        given = rng.choice(GIVEN)
        return f"{surname}{given} {rng.choice(ENGLISH)} {PINYIN[surname]}"
    return f"{rng.choice(ENGLISH)} {PINYIN[surname]}"


def _due_on(terms: str, issued: date) -> date:
    return due_dates(terms, issued)[0]  # the demo's terms have one due date each
