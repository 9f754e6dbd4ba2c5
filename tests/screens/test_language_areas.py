"""Issue #18: the areas in Chinese. Layout snapshots of the stock, production, dispatch,
van-run, receivables and import screens in zh_CN at 80x24 and 120x40, with the data, user
and clock their English snapshots freeze (double-width text still fits: nothing cut or
overlapping), and the language switched at once on an open area. Update with
``--snapshot-update`` only for intended changes, after looking at the SVGs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path

import pytest
from textual.pilot import Pilot

from oms_tui.app import OmsApp, make_app
from oms_tui.config import Settings
from oms_tui.services.platform.db import Database
from tests.pilot import settle

from .app_helpers import ADMIN, FROZEN_NOW, flat, screen_text
from .test_dispatch import go_to
from .test_dispatch_snapshots import FROZEN as DISPATCH_FROZEN
from .test_dispatch_snapshots import dispatch_db
from .test_order_import_snapshots import preview_file
from .test_production_snapshots import FROZEN as PRODUCTION_FROZEN
from .test_production_snapshots import board_db
from .test_receivables import FROZEN as RECEIVABLES_FROZEN
from .test_receivables import receivables_db
from .test_stock_snapshots import FROZEN as STOCK_FROZEN
from .test_stock_snapshots import stock_check_db
from .test_van_runs_snapshots import FROZEN as VAN_FROZEN
from .test_van_runs_snapshots import van_db

SnapCompare = Callable[..., bool]
RunBefore = Callable[[Pilot], Awaitable[None]]
Scenario = Callable[[Database], tuple[OmsApp, RunBefore]]


def chinese_app(db: Database, frozen: datetime, user: str = ADMIN) -> OmsApp:
    app = make_app(Settings(database_url=db.url, user=user), db, language="zh_CN")
    app.clock = lambda: frozen
    return app


def open_area(*keys: str) -> RunBefore:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)

    return run_before


# -- stock -----------------------------------------------------------------------------------


async def scan_the_lamp(pilot: Pilot) -> None:
    await settle(pilot)
    await pilot.press("s")
    await settle(pilot)
    await pilot.press(*"6901234567892", "enter")
    await settle(pilot)


def stock_check(db: Database) -> tuple[OmsApp, RunBefore]:
    """A product found by its barcode: its stock per warehouse (one low) and its ledger."""
    stock_check_db(db)
    return chinese_app(db, STOCK_FROZEN), scan_the_lamp


async def test_stock_check_speaks_chinese_and_switches(sqlite_db: Database) -> None:
    app, run_before = stock_check(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await run_before(pilot)
        text = flat(screen_text(pilot.app))
        for words in ("商品", "现存", "已分配", "可用", "入库", "盘点", "调拨", "调整"):
            assert words in text, words
        assert "On hand" not in text and "Receive" not in text
        await pilot.press("ctrl+f")  # English at once, the product still shown
        await settle(pilot)
        text = flat(screen_text(pilot.app))
        assert "On hand" in text and "LED-40W" in text and "现存" not in text


# -- production ------------------------------------------------------------------------------


def production_board(db: Database) -> tuple[OmsApp, RunBefore]:
    """Doors and lamps at several stages under their stage headers, one late, one short."""
    board_db(db)
    return chinese_app(db, PRODUCTION_FROZEN, ADMIN), open_area("p")


def production_capacity(db: Database) -> tuple[OmsApp, RunBefore]:
    board_db(db)
    return chinese_app(db, PRODUCTION_FROZEN, ADMIN), open_area("p", "c")


# -- dispatch --------------------------------------------------------------------------------


def dispatch_to(number: str, *keys: str) -> RunBefore:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        await go_to(pilot, pilot.app.screen, number)
        await pilot.press(*keys)
        await settle(pilot)

    return run_before


def dispatch_list(db: Database) -> tuple[OmsApp, RunBefore]:
    """Orders of two warehouses and carriers under their headers, one in a wave, one part
    backordered, one selected."""
    dispatch_db(db)
    return chinese_app(db, DISPATCH_FROZEN, ADMIN), dispatch_to("SO-2026-000102", "space")


def ship_dialog(db: Database) -> tuple[OmsApp, RunBefore]:
    """The ship dialog: lines, packages, carriers with the proposal and why, tracking."""
    dispatch_db(db)
    return chinese_app(db, DISPATCH_FROZEN, ADMIN), dispatch_to("SO-2026-000101", "f6")


# -- van runs --------------------------------------------------------------------------------


def van_runs(db: Database) -> tuple[OmsApp, RunBefore]:
    """The day's planned run: its stops with cash and containers to collect."""
    van_db(db)
    return chinese_app(db, VAN_FROZEN, ADMIN), open_area("d", "f10")


def van_settle(db: Database) -> tuple[OmsApp, RunBefore]:
    """Settling the run, the first stop marked delivered with an empty back."""
    van_db(db)
    return chinese_app(db, VAN_FROZEN, ADMIN), open_area(
        "d", "f10", "f6", "d", "enter", "1", "enter"
    )


# -- receivables -----------------------------------------------------------------------------


def receivables_aging(db: Database) -> tuple[OmsApp, RunBefore]:
    """The aging by customer, riskiest first, with the highlighted customer's line."""
    receivables_db(db)
    return chinese_app(db, RECEIVABLES_FROZEN, ADMIN), open_area("r")


def receivables_customer(db: Database) -> tuple[OmsApp, RunBefore]:
    """The first customer's account: open invoices, credit line, follow-ups."""
    receivables_db(db)
    return chinese_app(db, RECEIVABLES_FROZEN, ADMIN), open_area("r", "enter")


# -- every area, snapshots in both sizes ------------------------------------------------------

SCENARIOS: dict[str, Scenario] = {
    "stock_check": stock_check,
    "production_board": production_board,
    "production_capacity": production_capacity,
    "dispatch_list": dispatch_list,
    "ship_dialog": ship_dialog,
    "van_runs": van_runs,
    "van_settle": van_settle,
    "receivables_aging": receivables_aging,
    "receivables_customer": receivables_customer,
}


# (scenario, words on screen in Chinese, the same in English after Ctrl+F)
SWITCHES = [
    ("production_board", "工单号", "Number"),
    ("dispatch_list", "待发 5", "5 ready"),
    ("van_runs", "应收现金", "cash to collect"),
    ("receivables_aging", "未到期", "not due"),
    ("receivables_customer", "跟进记录", "Follow-ups"),
]


@pytest.mark.parametrize(("scenario", "chinese", "english"), SWITCHES,
                         ids=[s[0] for s in SWITCHES])  # fmt: skip
async def test_an_open_area_switches_language_at_once(
    sqlite_db: Database, scenario: str, chinese: str, english: str
) -> None:
    """Ctrl+F on an open area: its own words (heads, status, hints, rows) in English at
    once, what it shows kept; and back."""
    app, run_before = SCENARIOS[scenario](sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await run_before(pilot)
        screen = pilot.app.screen
        assert chinese in flat(screen_text(pilot.app))
        for expected, absent in ((english, chinese), (chinese, english)):
            await pilot.press("ctrl+f")
            await settle(pilot)
            text = flat(screen_text(pilot.app))
            assert pilot.app.screen is screen
            assert expected in text and absent not in text, text


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_area_zh(snap_compare: SnapCompare, sqlite_db: Database, scenario: str,
                 size: tuple[int, int]) -> None:  # fmt: skip
    app, run_before = SCENARIOS[scenario](sqlite_db)
    assert snap_compare(app, terminal_size=size, run_before=run_before)


# -- import (a file read from the current folder: its own fixtures) ---------------------------


def import_preview(db: Database, folder: Path, monkeypatch: pytest.MonkeyPatch) -> OmsApp:
    """The preview of a file with two good orders, an unknown product code and a bad
    quantity, read by its name from the current folder."""
    preview_file(db, folder, monkeypatch)
    return chinese_app(db, FROZEN_NOW)


read_orders_csv = open_area("i", *"orders.csv", "enter")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_import_preview_zh(snap_compare: SnapCompare, sqlite_db: Database, tmp_path: Path,
                           monkeypatch: pytest.MonkeyPatch,
                           size: tuple[int, int]) -> None:  # fmt: skip
    app = import_preview(sqlite_db, tmp_path, monkeypatch)
    assert snap_compare(app, terminal_size=size, run_before=read_orders_csv)


async def test_the_ship_dialog_says_why_in_chinese(sqlite_db: Database) -> None:
    """The carrier proposal's reason, a service's sentence, in Chinese (i18n.shown): the
    carrier codes, amounts and days as they are."""
    app, run_before = ship_dialog(sqlite_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await run_before(pilot)
        text = flat(screen_text(pilot.app))
        assert "原因：" in text and "最便宜" in text, text
        assert "cheapest" not in text and "Why" not in text
