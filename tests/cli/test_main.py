"""`oms` without a command: the first start on the default database creates the demo one
and says so in the app too; any other place must hold an oms database already. A database
URL oms cannot use is one line, in every command and at app start."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from oms_tui import app as app_module
from oms_tui.app import make_app
from oms_tui.config import Settings, default_data_dir, os_user
from oms_tui.migrations import HEAD
from oms_tui.services.platform import schema
from oms_tui.services.platform.db import Database
from tests.cli.runner import AS_ITSELF, oms


@pytest.fixture
def opened(monkeypatch) -> list[dict]:  # noqa: ANN001
    """Stands in for the terminal app: records what ``oms`` would open it with."""
    calls: list[dict] = []

    class FakeApp:
        def run(self, headless=False):  # noqa: ANN001, ANN202
            calls[-1]["ran"] = True

    def fake_make_app(settings, db=None, **kwargs):  # noqa: ANN001, ANN202
        calls.append({"settings": settings, "db": db, **kwargs})
        return FakeApp()

    monkeypatch.setattr(app_module, "make_app", fake_make_app)
    return calls


def test_first_start_creates_the_demo_database_at_the_default_place(opened, monkeypatch):
    """A fresh machine (`make run`): no data folder, no database; `oms` creates both, with
    the demo company, says where, and the app opens showing it too."""
    seeded = []
    monkeypatch.setattr("oms_tui.demo.seed.seed_demo", lambda db, user, **kw: seeded.append(user))
    path = default_data_dir() / "oms.db"
    assert not path.parent.exists()
    result = oms(env=AS_ITSELF)
    assert result.exit_code == 0, result.stderr
    assert f"creating one with demo data at {path}" in result.stderr
    assert seeded == [os_user()] and opened[0]["ran"]
    assert opened[0]["settings"].user == os_user()  # the first user: the database's admin
    assert f"A demo database was created at {path}" in opened[0]["notice"]
    assert schema.current_revision(Database(str(path))) == HEAD


async def test_the_first_start_notice_is_shown_in_the_app(sqlite_db):
    """What `oms` printed before the app painted is hidden behind it: the app shows it."""
    from textual.notifications import Notify
    from textual.widgets._toast import Toast

    notice = "A demo database was created at /data/oms/oms.db."
    app = make_app(Settings(database_url=sqlite_db.url, user="wang"), sqlite_db, notice=notice)
    seen = []
    async with app.run_test(size=(80, 24), message_hook=seen.append, notifications=True) as pilot:
        await pilot.pause()
        assert [m.notification.message for m in seen if isinstance(m, Notify)] == [notice]
        assert "/data/oms/oms.db" in str(app.screen.query_one(Toast).render())


def test_a_database_without_an_admin_makes_the_os_account_admin_and_the_app_says_so(
    sqlite_db, opened
):
    from sqlmodel import delete

    from oms_tui.models import User

    with sqlite_db.write() as session:
        session.exec(delete(User).where(User.role == "admin"))
    result = oms("--db", sqlite_db.url, env=AS_ITSELF)
    assert result.exit_code == 0, result.stderr
    said = (f"{os_user()} is the admin of this database (the first user of a database is its "
            "admin); add the others with `oms user add NAME --role ROLE`")  # fmt: skip
    assert result.stderr == said + "\n" and opened[0]["notice"] == said
    assert opened[0]["settings"].user == os_user()
    again = oms("--db", sqlite_db.url, env=AS_ITSELF)  # said once
    assert again.stderr == "" and opened[1]["notice"] is None


def test_a_later_start_opens_the_database_as_it_is(sqlite_db, opened):
    result = oms("--db", sqlite_db.url)
    assert result.exit_code == 0, result.stderr
    assert opened[0]["ran"] and opened[0]["notice"] is None
    assert result.stderr == ""


def test_the_app_refuses_a_missing_file_elsewhere(tmp_path, opened):
    """Not the default place (a mistyped path): no demo is made there; one line names the
    place and `oms init`, nothing is created, and the app does not open."""
    path = tmp_path / "no" / "such" / "shop.db"
    result = oms("--db", str(path))
    assert result.exit_code == 1 and opened == []
    assert (
        result.stderr == f"oms: no database at {path}: check --db, or create it with `oms init`\n"
    )
    assert not (tmp_path / "no").exists()


def test_the_app_refuses_an_empty_database_elsewhere(any_db_url, opened):
    """An empty file, or a fresh PostgreSQL schema (a shared server's database): no demo and
    no migration there; one line naming the place and `oms init`."""
    from oms_tui.config import sqlite_path

    path = sqlite_path(any_db_url)
    if path is not None:
        path.touch()
    result = oms("--db", any_db_url)
    assert result.exit_code == 1 and opened == []
    assert result.stderr.startswith("oms: ") and len(result.stderr.splitlines()) == 1
    assert "has no oms tables: check --db, or create them with `oms init`" in result.stderr
    with Database(any_db_url).engine.connect() as conn:
        assert inspect(conn).get_table_names() == []


BAD_URLS = [
    "sqlte:////tmp/x.db",
    "postgresq://clerk:secret@db.example/oms",
    "http://example.com/oms",
    "sqlite:/tmp/x.db",
    "sqlite+nosuchdriver:///tmp/x.db",
]
COMMANDS = [
    [],  # the app
    ["init"],
    ["db", "upgrade"],
    ["report", "dso"],
    ["stock", "verify"],
    ["settings"],
]


@pytest.mark.parametrize("url", BAD_URLS)
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "app")
def test_a_mistyped_database_url_is_one_line_naming_the_forms(url, command, opened, tmp_path,
                                                              monkeypatch):  # fmt: skip
    monkeypatch.chdir(tmp_path)  # `sqlite:/tmp/x.db` once made a folder `sqlite:` here
    result = oms("--db", url, *command)
    assert result.exit_code == 1 and opened == []
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("oms: cannot open the database URL ")
    assert "sqlite:///PATH, postgresql://USER@HOST/DATABASE or a file path" in lines[0]
    assert "secret" not in lines[0]
    assert list(tmp_path.iterdir()) == []


def test_a_mistyped_url_after_the_command_or_in_the_environment_is_one_line_too():
    after = oms("report", "dso", "--db", "sqlte:///x.db")
    assert after.exit_code == 1 and after.stderr.startswith("oms: cannot open the database URL")
    env = oms("stock", "verify", env={"OMS_DATABASE_URL": "postgresq://h/oms"})
    assert env.exit_code == 1 and env.stderr.startswith("oms: cannot open the database URL")
