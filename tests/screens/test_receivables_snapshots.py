"""Snapshot at 80x24: the aging view (three customers riskiest first, the buckets, totals,
DSO on the status line); fixed names, numbers, user and clock. Update with
``--snapshot-update`` only for intended changes.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot

from oms_tui.services.platform.db import Database
from tests.pilot import settle

from .test_receivables import frozen_app, receivables_db

SnapCompare = Callable[..., bool]


def test_aging_view(snap_compare: SnapCompare, sqlite_db: Database) -> None:
    receivables_db(sqlite_db)
    app = frozen_app(sqlite_db, "finance")  # the receivables desk

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
