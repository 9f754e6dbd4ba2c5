"""Snapshot at 80x24: the import preview of a file with two good orders (one of a known
customer, one with two lines), an unknown product code and a bad quantity; the file is
read by its name from the current folder (a fixed text), with a fixed user and clock.
Update with ``--snapshot-update`` only for intended changes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from oms_tui.services.platform.db import Database
from tests.pilot import settle

from .app_helpers import frozen_app
from .test_order_import import _row, shop, write_csv

SnapCompare = Callable[..., bool]


def preview_file(db: Database, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The shop, and ``orders.csv`` in ``folder`` (made the current folder): two good
    orders, an unknown product code and a bad quantity."""
    shop(db)
    monkeypatch.chdir(folder)
    write_csv(folder / "orders.csv", [
        _row("TB20261130001", "LAMP-1", "2"), _row("TB20261130001", "BULB-2", "3"),
        _row("TB20261130002", "BULB-2", "5", name="王小明", phone="13800138000"),
        _row("TB20261130003", "TB-LAMP-XL", "1", name="Chen Li", phone="137 0000 1111"),
        _row("TB20261130004", "LAMP-1", "two", name="Zhao Min", phone="136 0000 2222"),
    ])  # fmt: skip


def test_import_preview(snap_compare: SnapCompare, sqlite_db: Database, tmp_path: Path,
                        monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    preview_file(sqlite_db, tmp_path, monkeypatch)

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        await pilot.press(*"orders.csv", "enter")
        await settle(pilot)

    assert snap_compare(frozen_app(sqlite_db), terminal_size=(80, 24), run_before=run_before)
