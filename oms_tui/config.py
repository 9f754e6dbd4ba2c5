"""Where the database lives and who is acting: resolved once, passed down explicitly."""

from __future__ import annotations

import getpass
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
    """The OS login name: the acting user until login and roles arrive."""
    try:
        return getpass.getuser() or "clerk"
    except (KeyError, OSError):
        return os.environ.get("USER") or os.environ.get("USERNAME") or "clerk"


def normalise_url(url: str) -> str:
    """Accept a bare path for SQLite and plain postgresql:// URLs (driven by psycopg 3)."""
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for other engines and in-memory databases."""
    if not url.startswith("sqlite"):
        return None
    path = url.split(":///", 1)[1] if ":///" in url else ""
    if not path or path == ":memory:" or path.startswith("file:"):
        return None
    return Path(path)


@dataclass(frozen=True)
class Settings:
    """How this process runs: which database, which acting user."""

    database_url: str
    user: str

    @classmethod
    def resolve(cls, db: str | None = None, user: str | None = None) -> Settings:
        url = db or os.environ.get(ENV_DATABASE_URL) or default_database_url()
        return cls(
            database_url=normalise_url(url),
            user=user or os.environ.get(ENV_USER) or os_user(),
        )
