"""Shared fixtures: a fresh migrated database per test, on SQLite and (when
OMS_TEST_POSTGRES_URL is set) on PostgreSQL too."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

# Tests speak English unless they choose Chinese (``i18n.set_language``): the locale of the
# machine running them must not decide (the command line's help is built at import).
for _name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
    os.environ.pop(_name, None)
os.environ["LANG"] = "C.UTF-8"

from oms_tui import i18n  # noqa: E402
from oms_tui.services.platform import schema  # noqa: E402
from oms_tui.services.platform.db import Database  # noqa: E402

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

PG_URL = os.environ.get("OMS_TEST_POSTGRES_URL")
# the user's cache stays: the Chinese font is made there once (reports/fonts.py, ~10 s), not
# once per test (every test has its own HOME)
CACHE_HOME = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
ENGINES = (
    ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)] if PG_URL else ["sqlite"]
)


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


def _pg_database(request: pytest.FixtureRequest) -> Iterator[str]:
    """A throwaway PostgreSQL schema per test (search_path points at it)."""
    assert PG_URL
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


@pytest.fixture
def db_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:  # noqa: ANN001
    """URL of an empty database: SQLite file by default, parametrised by ``engine``."""
    engine = getattr(request, "param", "sqlite")
    if engine == "postgresql":
        yield from _pg_database(request)
    else:
        yield f"sqlite:///{tmp_path / 'oms.db'}"


@pytest.fixture(params=ENGINES)
def any_db_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:  # noqa: ANN001
    """Like ``db_url`` but runs the test once per available engine."""
    if request.param == "postgresql":
        yield from _pg_database(request)
    else:
        yield f"sqlite:///{tmp_path / 'oms.db'}"


@pytest.fixture
def db(any_db_url: str) -> Iterator[Database]:
    """A migrated, empty database on each available engine."""
    database = Database(any_db_url)
    schema.upgrade(database)
    yield database
    database.dispose()


@pytest.fixture
def sqlite_db(tmp_path) -> Iterator[Database]:  # noqa: ANN001
    """A migrated, empty SQLite database (screens and CLI tests)."""
    database = Database(f"sqlite:///{tmp_path / 'oms.db'}")
    schema.upgrade(database)
    yield database
    database.dispose()
