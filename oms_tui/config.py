"""Where the database lives and who is acting: resolved once, passed down explicitly."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ENV_DATABASE_URL = "OMS_DATABASE_URL"
ENV_USER = "OMS_USER"


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("oms", appauthor=False))


def log_path() -> Path:
    """Where failures are logged with their tracebacks, for support (``failures.py``)."""
    return default_data_dir() / "oms.log"


def default_database_url() -> str:
    return f"sqlite:///{default_data_dir() / 'oms.db'}"


def os_user() -> str:
    """The operating-system account running this process, from its real user id (never an
    environment variable, which anyone can set): who acts in the identity mode ``os``."""
    try:
        import pwd
    except ImportError:  # Windows: the account of the process's token
        return os.getlogin()
    return pwd.getpwuid(os.getuid()).pw_name


URL_FORMS = "sqlite:///PATH, postgresql://USER@HOST/DATABASE or a file path"


class DatabaseUrlError(ValueError):
    """A database URL oms cannot open (a mistyped scheme or driver): one line for the user,
    naming the forms it takes."""

    def __init__(self, url: str) -> None:
        super().__init__(f"cannot open the database URL {_masked(url)}: use {URL_FORMS}")


def _masked(url: str) -> str:
    """The URL as typed, its password hidden."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return url


def normalise_url(url: str) -> str:
    """Accept a bare path for SQLite and plain postgresql:// URLs (driven by psycopg 3).

    Anything else raises ``DatabaseUrlError``: another scheme or driver (``sqlte://``,
    ``http://``), or a URL missing its slashes (``sqlite:/tmp/x.db``, which would otherwise
    be a folder named ``sqlite:``).
    """
    if "://" not in url:
        first = url.split("/", 1)[0]
        if len(first.split(":", 1)[0]) > 1 and ":" in first:  # a scheme, not C:\ on Windows
            raise DatabaseUrlError(url)
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    scheme, rest = url.split("://", 1)
    if scheme in ("sqlite", "sqlite+pysqlite"):
        if rest and not rest.startswith("/"):  # sqlite://x.db: a host, not a file
            raise DatabaseUrlError(url)
        return url
    if scheme not in ("postgresql", "postgres", "postgresql+psycopg"):
        raise DatabaseUrlError(url)
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        make_url(url).port  # noqa: B018  (a port that is not a number raises here)
    except (ArgumentError, ValueError):
        raise DatabaseUrlError(url) from None
    return f"postgresql+psycopg://{rest}"


def is_default_database(url: str) -> bool:
    """Whether the URL names the default database (where the first start creates the demo)."""
    path = sqlite_path(normalise_url(url))
    return path is not None and path.resolve() == (default_data_dir() / "oms.db").resolve()


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for other engines and in-memory databases."""
    if not url.startswith("sqlite"):
        return None
    path = url.split(":///", 1)[1] if ":///" in url else ""
    if not path or path == ":memory:" or path.startswith("file:"):
        return None
    return Path(path)


def pg_schema(url: str) -> str:
    """The schema a PostgreSQL URL works in: the first of ``options=-csearch_path=...``,
    else ``public``."""
    from sqlalchemy.engine import make_url

    options = make_url(url).query.get("options", "")
    for option in options if isinstance(options, tuple) else (options,):
        for word in option.split():
            if word.startswith("-csearch_path="):
                first = word.split("=", 1)[1].split(",")[0].strip().strip('"')
                if first:
                    return first
    return "public"


@dataclass(frozen=True)
class Settings:
    """How this process runs: which database, which acting user.

    ``user`` is who acts: the OS account running oms until the database is open; then the
    command line puts there the user its identity mode says (``services/platform/
    identity.py``: the OS account, or the one logged in; or, for an admin, the ``--user``
    they act on behalf of). ``requested`` is the ``--user`` given (``OMS_USER`` only passes
    it), None without one: never trusted before ``identity.acting_user`` checked it."""

    database_url: str
    user: str
    requested: str | None = None

    @classmethod
    def resolve(cls, db: str | None = None, user: str | None = None) -> Settings:
        url = db or os.environ.get(ENV_DATABASE_URL) or default_database_url()
        requested = user or os.environ.get(ENV_USER) or None
        return cls(database_url=normalise_url(url), user=os_user(), requested=requested)
