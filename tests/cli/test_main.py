"""`oms` without a command: the first run creates the demo database and opens the app."""

from __future__ import annotations

import pytest

from oms_tui import app as app_module
from oms_tui.migrations import HEAD
from oms_tui.services.platform import schema
from oms_tui.services.platform.db import Database
from tests.cli.runner import oms


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


def test_first_run_creates_demo_database_and_says_where(tmp_path, monkeypatch, capsys):
    """``oms`` with no database: creates it with demo data, tells where, opens the app."""
    from oms_tui import app as app_module
    from oms_tui import cli
    from oms_tui.config import Settings

    opened = []

    class FakeApp:
        def run(self, headless=False):
            opened.append(True)

    monkeypatch.setattr(app_module, "make_app", lambda settings, db=None, **kw: FakeApp())
    seeded = []
    monkeypatch.setattr("oms_tui.demo.seed.seed_demo", lambda db, user, **kw: seeded.append(user))
    path = tmp_path / "first.db"
    cli.run_app(Settings.resolve(db=str(path), user="wang"))
    err = capsys.readouterr().err
    assert f"creating one with demo data at {path}" in err
    assert opened == [True] and seeded == ["wang"]
    assert schema.current_revision(Database(str(path))) == HEAD


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
