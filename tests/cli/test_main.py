"""`oms` without a command: the first run creates the demo database and opens the app."""

from __future__ import annotations

from oms_tui.migrations import HEAD
from oms_tui.services.platform import schema
from oms_tui.services.platform.db import Database


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
