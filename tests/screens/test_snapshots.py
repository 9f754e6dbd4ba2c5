"""Layout snapshots of the home screen (and one area) with fixed data, user and clock.

Update with ``pytest tests/screens/test_snapshots.py --snapshot-update`` only when the
change is intended, and look at the SVGs before committing them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from oms_tui.screens.placeholder import PlaceholderScreen
from oms_tui.services.platform.db import Database
from tests.pilot import settle

from .app_helpers import frozen_app
from .test_app import fill_counts_db

SnapCompare = Callable[..., bool]


@pytest.fixture
def counts_db(sqlite_db: Database) -> Database:
    fill_counts_db(sqlite_db)
    return sqlite_db


def then(*keys: str) -> Callable[[Pilot], Any]:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        if keys:
            await pilot.press(*keys)
            await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_home(snap_compare: SnapCompare, counts_db: Database, size: tuple[int, int]) -> None:
    assert snap_compare(frozen_app(counts_db), terminal_size=size, run_before=then())


def test_home_light_theme(snap_compare: SnapCompare, counts_db: Database) -> None:
    assert snap_compare(frozen_app(counts_db), terminal_size=(80, 24), run_before=then("ctrl+t"))


def test_home_keys_panel(snap_compare: SnapCompare, counts_db: Database) -> None:
    assert snap_compare(frozen_app(counts_db), terminal_size=(80, 24), run_before=then("f1"))


class ImportPlaceholder(PlaceholderScreen):
    MODE = "import"  # every area is built now: the placeholder is pushed, as one would be


def test_area_placeholder(snap_compare: SnapCompare, counts_db: Database) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.app.push_screen(ImportPlaceholder())
        await settle(pilot)

    assert snap_compare(frozen_app(counts_db), terminal_size=(80, 24), run_before=run_before)
