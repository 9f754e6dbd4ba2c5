"""A database password is never shown: not by ``oms settings``, not in an error, not in
``oms --help``, not in the app's header."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import make_url

from oms_tui.app import short_database
from oms_tui.services.platform import schema
from oms_tui.services.platform.db import Database
from tests.cli.runner import AS_ITSELF, oms
from tests.conftest import PG_URL

SECRET = "s3cr3t-pw"


def with_password(url: str) -> str:
    return make_url(url).set(password=SECRET).render_as_string(hide_password=False)


def test_help_and_errors_never_show_the_password():
    url = f"postgresql://clerk:{SECRET}@127.0.0.1:1/oms"
    for args in (("--help",), ("settings", "--help"), ("settings",), ("verify",)):
        done = oms(*args, env={"OMS_DATABASE_URL": url})
        assert SECRET not in done.stdout + done.stderr, args
    done = oms("settings", env={"OMS_DATABASE_URL": url})
    assert done.exit_code == 1
    assert "postgresql+psycopg://clerk:***@127.0.0.1:1/oms" in done.stderr
    done = oms("--db", f"postgrs://clerk:{SECRET}@host/oms", "settings")
    assert done.exit_code == 1 and SECRET not in done.stderr
    assert short_database(url) == "127.0.0.1/oms"


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="needs OMS_TEST_POSTGRES_URL (trust auth)")
def test_settings_of_a_real_database_never_show_the_password(db_url):
    url = with_password(db_url)  # trust authentication takes any password
    assert SECRET in url
    schema.upgrade(Database(db_url))
    done = oms("--db", url, "settings", env=AS_ITSELF)  # its first user, the admin
    assert done.exit_code == 0, done.stderr
    assert "company_name" in done.stdout
    assert SECRET not in done.stdout + done.stderr
    empty = oms("--db", with_password(PG_URL), "settings")  # public schema: no oms tables
    assert SECRET not in empty.stdout + empty.stderr


test_settings_of_a_real_database_never_show_the_password = pytest.mark.parametrize(
    "db_url", ["postgresql"], indirect=True
)(test_settings_of_a_real_database_never_show_the_password)
