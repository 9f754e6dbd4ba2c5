"""The one place that opens database sessions.

SQLite: WAL, busy timeout, foreign keys, and ``BEGIN IMMEDIATE`` for write
transactions, so several ``oms`` processes on one file never lose an update.
PostgreSQL: row locks (``SELECT ... FOR UPDATE``) in the services that check then write.

A net under the services' own text checks (``text.clean_text``), alike on both engines: a
statement with a text parameter holding a control character (a NUL PostgreSQL cannot
store, an ESC that would reach a terminal) is refused as ``InvalidInput`` naming the field.

A new SQLite file is made 0600 before SQLite opens it, so its WAL and shared-memory files
(which SQLite gives the database file's mode) are its owner's only too. An error's text
never holds the statement's parameters (``hide_parameters``): no customer data reaches a
message or ``oms.log`` that way.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import StaticPool

from ...config import normalise_url, pg_schema, sqlite_path
from ...i18n import N_
from . import presence
from .errors import InvalidInput
from .files import create_private
from .permissions import anyone
from .text import control_character

if TYPE_CHECKING:  # sqlmodel (with pydantic) is imported on first use, not at start-up
    from sqlmodel import Session

BUSY_TIMEOUT_MS = 30_000
_WRITE = "oms_write"


def make_engine(url: str, echo: bool = False) -> Engine:
    url = normalise_url(url)
    if not url.startswith("sqlite"):
        # named, so that `oms restore` sees the other oms sessions (``presence``)
        name = presence.application_name(pg_schema(url))
        engine = create_engine(url, echo=echo, pool_pre_ping=True, hide_parameters=True,
                               connect_args={"application_name": name})  # fmt: skip
        event.listen(engine, "before_cursor_execute", _refuse_control_characters)
        return engine

    kwargs: dict = {"hide_parameters": True,
                    "connect_args": {"check_same_thread": False,
                                     "timeout": BUSY_TIMEOUT_MS / 1000}}  # fmt: skip
    path = sqlite_path(url)
    if path is None:  # in-memory: one shared connection
        kwargs["poolclass"] = StaticPool
    elif path.parent.is_dir():
        create_private(path)  # a new database: its owner's only (an existing one: as it is)
    # No folder is made here: only creating a database (``oms init``, the first start) does.
    engine = create_engine(url, echo=echo, **kwargs)
    event.listen(engine, "before_cursor_execute", _refuse_control_characters)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # noqa: ANN001
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")  # i18n: no
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")  # i18n: no
        cur.execute("PRAGMA foreign_keys=ON")  # i18n: no
        cur.execute("PRAGMA synchronous=NORMAL")  # i18n: no
        cur.close()
        if path is not None:  # this process has the file open (`oms restore` asks)
            presence.register(path)

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # noqa: ANN001
        write = conn.get_execution_options().get(_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")  # i18n: no

    return engine


def _refuse_control_characters(conn, cursor, statement, parameters, context, executemany
                               ) -> None:  # noqa: ANN001  # fmt: skip
    # several rows (executemany), else one (a batch of "insert many values" is one too)
    many = executemany and isinstance(parameters, list | tuple) and parameters and (
        isinstance(parameters[0], list | tuple | dict))  # fmt: skip
    rows = parameters if many else [parameters]
    names = getattr(getattr(context, "compiled", None), "positiontup", None)
    for row in rows:
        pairs = row.items() if isinstance(row, dict) else enumerate(row or ())
        for key, value in pairs:
            if isinstance(value, str) and (bad := control_character(value)):
                # positional (SQLite): by the compiled names, repeated per row in a batch
                name = key if isinstance(key, str) else (
                    names[key % len(names)] if names else "text")  # fmt: skip
                field = re.sub(r"(_\d+|__\d+)$", "", name)
                if statement.lstrip()[:6].upper() == "SELECT":  # a search: its words
                    raise InvalidInput(
                        N_(
                            "the text searched for holds a control character ({char}): remove it"
                        ).format(char=bad),
                        "search",
                    )
                raise InvalidInput(N_("the {field} holds a control character ({char}): remove "
                                      "it").format(field=field.replace("_", " "), char=bad),
                                   field)  # fmt: skip


class Database:
    """Engine plus the two kinds of unit of work: ``read()`` and ``write()``."""

    def __init__(self, url: str, echo: bool = False) -> None:
        self.url = normalise_url(url)
        self.engine = make_engine(self.url, echo=echo)
        self._write_engine = self.engine.execution_options(**{_WRITE: True})

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: committed on success, rolled back on any error."""
        from sqlmodel import Session

        with Session(self._write_engine, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        from sqlmodel import Session

        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


T = TypeVar("T")


def retry(fn: Callable[[], T], attempts: int = 5) -> T:
    """Run a write again when PostgreSQL broke a deadlock or a serialisation conflict
    (SQLSTATE 40P01 / 40001); the transaction was rolled back, so repeating is safe."""
    for attempt in range(attempts):
        try:
            return fn()
        except DBAPIError as exc:
            code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
            if code not in ("40P01", "40001") or attempt == attempts - 1:
                raise
            time.sleep(0.01 * (attempt + 1))
    raise AssertionError("unreachable")


@anyone("a count of rows that tells a list it is out of date: no data")  # i18n: no
def change_stamp(db: Database, model: Any, *where: Any) -> tuple[int, int, int]:
    """A cheap mark of the rows of ``model`` that ``where`` selects: how many, the sum of
    their versions, the newest id. It changes when a row joins, changes (its version) or
    leaves, so a list can tell it is out of date without reading itself again."""
    from sqlalchemy import func, select

    with db.read() as session:
        row = session.execute(
            select(func.count(), func.coalesce(func.sum(model.version), 0),
                   func.coalesce(func.max(model.id), 0)).where(*where)
        ).one()  # fmt: skip
    return int(row[0]), int(row[1]), int(row[2])
