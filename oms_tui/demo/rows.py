"""Writing generated rows fast: Core bulk inserts with ids taken beforehand (``IdAllocator``),
and small random helpers (EAN-13, phones, names)."""

from __future__ import annotations

import random
import re
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import TypeDecorator, func, insert, select, text
from sqlmodel import Session, SQLModel

from ..services.finance.receivables import due_dates
from ..services.platform.search_text import name_keys_row
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


# --------------------------------------------------------------------------- language

# The demo's texts are written Chinese first, then English ("杭州仓 Hangzhou (East)",
# "王芳 Emily Wang"): as they are for an English-speaking user, Chinese only for a Chinese one.
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_ENGLISH_STARTS = re.compile(r"\s+[(A-Za-z]")
_chinese: list[bool] = [False]


def chinese_only(text: str) -> str:
    """``text`` without its English tail: what follows its Chinese from the first word in
    Latin letters or "(" on, when no Chinese comes after it ("LED吸顶灯 Ceiling light" ->
    "LED吸顶灯"; "浙江省杭州市 (Hangzhou)" -> "浙江省杭州市"); else ``text`` as it is."""
    if not _CJK.search(text):
        return text
    for found in _ENGLISH_STARTS.finditer(text):
        if _CJK.search(text, 0, found.start()) and not _CJK.search(text, found.start()):
            return text[: found.start()]
    return text


@contextmanager
def chinese_text() -> Iterator[None]:
    """While open, the rows ``bulk_insert`` writes keep only the Chinese of their texts (and
    a name's pinyin follows its name): the demo for a Chinese-speaking company."""
    _chinese[0] = True
    try:
        yield
    finally:
        _chinese[0] = False


def _to_chinese(rows: Sequence[Row]) -> None:
    for row in rows:  # in place: the builders read their rows again (products' names)
        for key, value in row.items():
            if isinstance(value, str):
                row[key] = chinese_only(value)
        if "pinyin" in row and "name" in row:
            row.update(name_keys_row(row["name"]))


def bulk_insert(session: Session, model: type[SQLModel], rows: Sequence[Row]) -> None:
    """Insert plain rows (all with the same keys) in one go, in the session's transaction.

    SQLite: the driver's ``executemany`` with values converted as SQLAlchemy's types
    would store them. PostgreSQL: ``COPY ... FROM STDIN`` (psycopg 3). Others: Core
    ``insert`` executemany. Several times faster than Core for millions of rows.
    """
    if not rows:
        return
    if _chinese[0]:
        _to_chinese(rows)
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
    """New primary keys, taken inside the write transaction that inserts the rows.

    SQLite: max(id) + 1 onwards, per table (``BEGIN IMMEDIATE`` keeps every other writer
    out until the rows are in). PostgreSQL: from the table's own id sequence, a block at a
    time (``nextval`` over ``generate_series``): a clerk saving at the same time takes the
    next value of the same sequence, so the two never meet, and the sequence never needs
    moving afterwards (a ``setval`` to max(id) + 1 would hand out again an id a clerk had
    taken but not yet committed). The ids of a block are increasing, not always
    consecutive; values left over at the end are a gap, as a rolled-back insert leaves.
    """

    FIRST_BLOCK = 64
    LAST_BLOCK = 16_384

    def __init__(self, session: Session) -> None:
        self._session = session
        self._from_sequence = session.get_bind().dialect.name == "postgresql"
        self._next: dict[str, int] = {}  # SQLite: the next id per table
        self._pool: dict[str, deque[int]] = {}  # PostgreSQL: ids taken, not yet handed out
        self._block: dict[str, int] = {}

    def take(self, model: type[SQLModel]) -> int:
        """One new id."""
        return self.take_many(model, 1)[0]

    def take_many(self, model: type[SQLModel], count: int) -> list[int]:
        """``count`` new ids, increasing."""
        table = model.__table__  # type: ignore[attr-defined]
        name = table.name
        if not self._from_sequence:
            if name not in self._next:
                top = self._session.execute(select(func.max(table.c.id))).scalar()
                self._next[name] = (top or 0) + 1
            first = self._next[name]
            self._next[name] = first + count
            return list(range(first, first + count))
        pool = self._pool.setdefault(name, deque())
        if len(pool) < count:
            block = min(2 * self._block.get(name, self.FIRST_BLOCK // 2), self.LAST_BLOCK)
            self._block[name] = block
            pool.extend(self._session.execute(
                text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) "
                     "FROM generate_series(1, :n)"),
                {"t": name, "n": max(block, count - len(pool))},
            ).scalars())  # fmt: skip
        return [pool.popleft() for _ in range(count)]


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
