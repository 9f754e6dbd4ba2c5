"""Database URLs: the forms oms takes, normalised; anything else refused in one sentence."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from oms_tui.config import DatabaseUrlError, is_default_database, normalise_url


@pytest.mark.parametrize(
    ("given", "url"),
    [
        ("sqlite:////srv/oms/shop.db", "sqlite:////srv/oms/shop.db"),
        ("sqlite+pysqlite:////srv/oms/shop.db", "sqlite+pysqlite:////srv/oms/shop.db"),
        ("sqlite://", "sqlite://"),
        ("postgresql://clerk@db/oms", "postgresql+psycopg://clerk@db/oms"),
        ("postgres://clerk@db:5432/oms", "postgresql+psycopg://clerk@db:5432/oms"),
        ("postgresql+psycopg://clerk@db/oms", "postgresql+psycopg://clerk@db/oms"),
        ("/srv/oms/shop.db", "sqlite:////srv/oms/shop.db"),
        ("./a:b.db", f"sqlite:///{Path('a:b.db').resolve()}"),
    ],
)
def test_the_forms_oms_takes(given, url):
    assert normalise_url(given) == url


@pytest.mark.parametrize(
    "given",
    [
        "sqlte:////tmp/x.db",
        "postgresq://clerk:secret@db/oms",
        "http://example.com/oms",
        "sqlite:/tmp/x.db",  # once a folder named `sqlite:`
        "sqlite://x.db",
        "sqlite+nosuchdriver:///x.db",
        "postgresql+psycopg2://clerk@db/oms",
        "postgresql://clerk@db:port/oms",
    ],
)
def test_anything_else_is_refused_naming_the_forms_without_the_password(given):
    with pytest.raises(DatabaseUrlError) as refused:
        normalise_url(given)
    message = str(refused.value)
    assert message.startswith("cannot open the database URL ")
    assert message.endswith(": use sqlite:///PATH, postgresql://USER@HOST/DATABASE or a file path")
    assert "secret" not in message


def test_the_default_database_is_recognised_however_it_is_written(tmp_path):
    from oms_tui.config import default_data_dir

    path = default_data_dir() / "oms.db"
    assert is_default_database(f"sqlite:///{path}") and is_default_database(str(path))
    assert not is_default_database(str(tmp_path / "oms.db"))


def test_the_os_account_is_the_real_uids_not_an_environment_variables(monkeypatch):
    import pwd

    from oms_tui.config import Settings, os_user

    for name in ("USER", "LOGNAME", "USERNAME", "LNAME"):
        monkeypatch.setenv(name, "mallory")
    monkeypatch.setenv("OMS_USER", "admin")
    assert os_user() == pwd.getpwuid(os.getuid()).pw_name != "mallory"
    settings = Settings.resolve()
    # --user / OMS_USER is only asked for: who acts is decided once the database is open
    assert (settings.user, settings.requested) == (os_user(), "admin")
