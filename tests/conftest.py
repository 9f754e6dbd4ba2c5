"""Shared fixtures: a migrated database per test, on SQLite and (when
OMS_TEST_POSTGRES_URL is set) on PostgreSQL too. The migrations run once per test process,
not per test (tests/databases.py says how)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import create_engine, text

# Tests speak English unless they choose Chinese (``i18n.set_language``): the locale of the
# machine running them must not decide (the command line's help is built at import).
for _name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
    os.environ.pop(_name, None)
os.environ["LANG"] = "C.UTF-8"

from oms_tui import i18n  # noqa: E402
from oms_tui.services.platform import schema  # noqa: E402
from oms_tui.services.platform.db import Database  # noqa: E402
from tests import pilot as pilot_waits  # noqa: E402
from tests.databases import (  # noqa: E402
    ENGINES,
    PG_URL,
    Databases,
    create_extensions,
    seed_users,
    with_search_path,
)

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

# A test's Pilot waits on the app (its queues, keys held), with a 2 ms idle step, not
# Textual's 20 ms guess: tests/pilot.py says why.
pilot_waits.install()

# No test depends on the clock: hypothesis's default 200 ms deadline per example failed a
# property test on the loaded 2-core machine (its first example reads a data file).
hypothesis_settings.register_profile("oms", deadline=None)
hypothesis_settings.load_profile("oms")

# the user's cache stays: the Chinese font is made there once (reports/fonts.py, ~10 s), not
# once per test (every test has its own HOME)
CACHE_HOME = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Each test starts in English; one that switches to Chinese does not leak it."""
    i18n.set_language("en")
    yield
    i18n.set_language("en")


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory, monkeypatch) -> None:  # noqa: ANN001
    """No test reads or writes the real user's data directory or database setting."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(home / "Documents"))  # saved PDFs
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", CACHE_HOME)
    monkeypatch.delenv("OMS_DATABASE_URL", raising=False)
    monkeypatch.setenv("OMS_USER", "tester")


@pytest.fixture(scope="session")
def databases(tmp_path_factory) -> Iterator[Databases]:  # noqa: ANN001
    """This test process's templates: ``databases.get(engine, tmp_path[, state, build])``."""
    made = Databases(tmp_path_factory.mktemp("templates"), PG_URL)
    yield made
    made.close()


def _pg_database() -> Iterator[str]:
    """A throwaway PostgreSQL schema of the test's own (search_path points at it)."""
    assert PG_URL
    name = f"t_{uuid.uuid4().hex[:12]}"
    create_extensions(PG_URL)
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    try:
        yield with_search_path(PG_URL, name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


def _empty_url(engine: str, tmp_path) -> Iterator[str]:  # noqa: ANN001
    if engine == "postgresql":
        yield from _pg_database()
    else:
        yield f"sqlite:///{tmp_path / 'oms.db'}"


@pytest.fixture
def db_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:  # noqa: ANN001
    """URL of an empty database of the test's own: SQLite file by default, parametrised
    by ``engine`` (``indirect=True``). For tests of the migrations and of ``oms init``."""
    yield from _empty_url(getattr(request, "param", "sqlite"), tmp_path)


@pytest.fixture(params=ENGINES)
def any_db_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:  # noqa: ANN001
    """Like ``db_url`` but runs the test once per available engine."""
    yield from _empty_url(request.param, tmp_path)


@pytest.fixture(params=ENGINES)
def db(request: pytest.FixtureRequest, databases: Databases, tmp_path) -> Iterator[Database]:  # noqa: ANN001
    """A migrated database on each available engine, holding only what the migrations insert
    (a copy of this process's template file; this process's PostgreSQL schema, emptied)."""
    database = databases.get(request.param, tmp_path)
    yield database
    database.dispose()


@pytest.fixture(params=ENGINES)
def fresh_db(request: pytest.FixtureRequest, tmp_path) -> Iterator[Database]:  # noqa: ANN001
    """Like ``db`` but migrated now into a database of the test's own: for tests whose child
    processes connect by URL and may still hold it when the test ends. It has the test
    users, as ``db``'s has."""
    for url in _empty_url(request.param, tmp_path):
        database = Database(url)
        schema.upgrade(database)
        seed_users(database)
        yield database
        database.dispose()


@pytest.fixture
def sqlite_db(databases: Databases, tmp_path) -> Iterator[Database]:  # noqa: ANN001
    """A migrated SQLite database (screens and CLI tests): a copy of the template file."""
    database = databases.get("sqlite", tmp_path)
    yield database
    database.dispose()
