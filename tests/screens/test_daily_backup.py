"""The daily backup `oms` takes when it opens: in a worker once home has painted (a key
still works meanwhile), said on home's message line, and a failure said there too."""

from __future__ import annotations

import threading

from textual.widgets import Static

from oms_tui.screens.home import HomeScreen
from oms_tui.services.platform import backup
from oms_tui.services.platform.db import Database
from tests.factories import make_order
from tests.pilot import settle

from .app_helpers import FROZEN_NOW, frozen_app


def message(app) -> Static:  # noqa: ANN001
    return app.screen.query_one("#home-message", Static)


async def test_the_first_opening_of_the_day_backs_up_and_says_where(sqlite_db: Database) -> None:
    make_order(sqlite_db)
    app = frozen_app(sqlite_db, daily_backup=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        [(path, when)] = backup.backups_in(sqlite_db)
        assert when.date() == FROZEN_NOW.date()
        line = message(app)
        assert line.display and str(line.render()) == f"Daily backup saved: {path}"
    again = frozen_app(sqlite_db, daily_backup=True)  # the same day: none taken, nothing said
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert len(backup.backups_in(sqlite_db)) == 1
        assert not message(again).display
    plain = frozen_app(sqlite_db)  # tests and the benchmark: no daily backup
    assert not plain.daily_backup


async def test_a_daily_backup_that_fails_says_so_on_the_message_line(sqlite_db: Database) -> None:
    (backup.folder(sqlite_db)).write_text("not a folder")  # so no backups folder can be made
    app = frozen_app(sqlite_db, daily_backup=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        line = message(app)
        assert line.display and line.has_class("-error")
        assert str(line.render()).startswith(
            f"no daily backup: cannot create the folder {backup.folder(sqlite_db)}"
        )
        assert isinstance(app.screen, HomeScreen)


async def test_keys_work_while_the_daily_backup_runs(sqlite_db: Database, monkeypatch) -> None:
    release, started = threading.Event(), threading.Event()
    real = backup.daily

    def slow_daily(db, now, stop):  # noqa: ANN001, ANN202
        started.set()
        release.wait(60)
        return real(db, now, stop)

    monkeypatch.setattr(backup, "daily", slow_daily)
    app = frozen_app(sqlite_db, daily_backup=True)
    async with app.run_test(size=(80, 24)) as pilot:
        while not started.is_set():
            await pilot.pause()
        await pilot.press("o")  # order search opens while the backup is still running
        assert app.current_mode == "orders"
        release.set()
        await settle(pilot)
    assert len(backup.backups_in(sqlite_db)) == 1
