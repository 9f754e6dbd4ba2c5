"""Issue #18: every screen a user can open, in English and in Chinese, at 80x24 and 120x40
(Chinese is double-width: labels and columns still fit, nothing cut or overlapping).

``SHOTS`` names each screen with the data, clock and user that open it and the keys that
get there (the same builders and keys as the other snapshot modules); ``COVERED`` names the
cells another module already snapshots, and this module takes every other cell, one app
start a snapshot. A screen class that a user can open and that no shot opens fails
``test_every_screen_class_has_a_shot``. Update with ``--snapshot-update`` only for intended
changes, after looking at the SVGs.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select
from textual.pilot import Pilot
from textual.screen import Screen

import oms_tui.screens
import oms_tui.widgets
from oms_tui.app import make_app
from oms_tui.config import Settings
from oms_tui.models import ProductionStageLog
from oms_tui.screens.audit_dialogs import BulkResultDialog, ReasonDialog
from oms_tui.screens.audit_queue import AuditQueueScreen
from oms_tui.screens.change_history import ChangeHistoryScreen
from oms_tui.screens.customer_history import CustomerHistoryScreen
from oms_tui.screens.dispatch import DispatchScreen
from oms_tui.screens.dispatch.dialogs import NoticeDialog, ShipDialog, TrackingDialog
from oms_tui.screens.home import HomeScreen
from oms_tui.screens.key_help import KeyHelpScreen
from oms_tui.screens.order_detail import OrderDetailScreen
from oms_tui.screens.order_documents import DocumentsDialog
from oms_tui.screens.order_entry import OrderEntryScreen
from oms_tui.screens.order_entry.forms import InvoicingDialog, LineDialog, NewAddressDialog
from oms_tui.screens.order_entry.product_search import ProductSearchDialog
from oms_tui.screens.order_import import OrderImportScreen
from oms_tui.screens.order_search import OrderSearchScreen
from oms_tui.screens.production import ProductionScreen
from oms_tui.screens.production.capacity import CapacityScreen
from oms_tui.screens.production.dialogs import HistoryDialog
from oms_tui.screens.receivables import ReceivablesScreen
from oms_tui.screens.receivables.customer import CustomerScreen
from oms_tui.screens.receivables.dialogs import CollectionsDialog, DunningDialog
from oms_tui.screens.receivables.today import TodayScreen
from oms_tui.screens.sign_in import RefusedScreen, SignInScreen
from oms_tui.screens.stock import StockScreen
from oms_tui.screens.stock.lists import LowStockScreen, ReorderScreen
from oms_tui.screens.stock.stocktake import StocktakeScreen
from oms_tui.screens.van_runs import VanRunsScreen
from oms_tui.screens.van_runs.settle import SettleRunScreen
from oms_tui.services.platform import printing
from oms_tui.services.platform.db import Database
from oms_tui.widgets.dialogs import ChoiceDialog, ConfirmDialog, PromptDialog
from oms_tui.widgets.form_dialog import FormDialog

from .app_helpers import ADMIN, FROZEN_NOW
from .test_app import fill_counts_db
from .test_dispatch_snapshots import FROZEN as DISPATCH_FROZEN
from .test_dispatch_snapshots import dispatch_db
from .test_language_areas import dispatch_to, open_area, read_orders_csv, scan_the_lamp
from .test_order_entry import make_shop
from .test_order_entry_snapshots import customer_and_three_lines, date_past_orders, new_caller
from .test_order_import_snapshots import preview_file
from .test_order_screens_snapshots import FROZEN as ORDERS_FROZEN
from .test_order_screens_snapshots import fixed_queue
from .test_order_screens_snapshots import then as one_by_one
from .test_production_snapshots import FROZEN as PRODUCTION_FROZEN
from .test_production_snapshots import board_db
from .test_receivables import FROZEN as RECEIVABLES_FROZEN
from .test_receivables import receivables_db
from .test_sign_in import password_mode
from .test_stock_snapshots import FROZEN as STOCK_FROZEN
from .test_stock_snapshots import stock_check_db
from .test_van_runs_snapshots import FROZEN as VAN_FROZEN
from .test_van_runs_snapshots import van_db

SnapCompare = Callable[..., bool]
RunBefore = Callable[[Pilot], Awaitable[None]]
Seed = Callable[[Database, Path, pytest.MonkeyPatch], object]
EN, ZH = "en", "zh_CN"
SMALL, LARGE = "80x24", "120x40"
SIZES = {SMALL: (80, 24), LARGE: (120, 40)}


def seeded(build: Callable[[Database], object]) -> Seed:
    return lambda db, _folder, _monkeypatch: build(db)


def then(first: RunBefore, *keys: str) -> RunBefore:
    """``first``, then ``keys`` pressed one by one, the app settled after each."""
    more = one_by_one(*keys)

    async def run_before(pilot: Pilot) -> None:
        await first(pilot)
        await more(pilot)

    return run_before


def dated_shop(db: Database) -> None:
    make_shop(db)
    date_past_orders(db)


def ledger_printing_here(db: Database, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The receivables, letters saved in ``letters`` under ``folder`` made the current
    folder (the dialog says where: a path the same every run)."""
    receivables_db(db)
    monkeypatch.chdir(folder)
    monkeypatch.setattr(printing, "documents_dir", lambda: printing.private_dir(Path("letters")))


def board_logged(db: Database) -> None:
    """The board, each stage-log row at a fixed time (one minute apart up to the clock)."""
    board_db(db)
    with db.write() as s:
        rows = s.exec(select(ProductionStageLog).order_by(col(ProductionStageLog.id))).all()
        for n, row in enumerate(rows):
            row.at = (PRODUCTION_FROZEN - timedelta(minutes=len(rows) - n)).astimezone(UTC)
            s.add(row)


@dataclass(frozen=True)
class Shot:
    """A screen: the data, clock and user it is seen with, the keys that open it from the
    start, and the class on top once they are pressed."""

    screen: type[Screen[Any]]
    seed: Seed
    clock: datetime
    user: str
    keys: RunBefore
    app: dict[str, Any] = field(default_factory=dict)  # more for make_app (sign_in, refused)


counts = seeded(fill_counts_db)
queue = seeded(fixed_queue)
shop = seeded(dated_shop)
stock = seeded(stock_check_db)
board = seeded(board_db)
ready = seeded(dispatch_db)
vans = seeded(van_db)
ledger = seeded(receivables_db)

in_audit = open_area("a")
detail = then(in_audit, "down", "down", "enter")  # "short", the third in the queue
entry = open_area("e")
lines = customer_and_three_lines
aging = open_area("r")
WHY = "mallory is no user of this database: ask an admin (admin) to add you"

# fmt: off
SHOTS: dict[str, Shot] = {
    # the app
    "home": Shot(HomeScreen, counts, FROZEN_NOW, ADMIN, open_area()),
    "key_help": Shot(KeyHelpScreen, counts, FROZEN_NOW, ADMIN, open_area("f1")),
    "sign_in": Shot(SignInScreen, seeded(password_mode), FROZEN_NOW, "clerk", open_area(),
                    {"sign_in": True}),
    "refused": Shot(RefusedScreen, counts, FROZEN_NOW, "clerk", open_area(), {"refused": WHY}),
    # orders
    "audit_queue": Shot(AuditQueueScreen, queue, ORDERS_FROZEN, "auditor",
                        then(in_audit, "down", "space")),
    "reason_dialog": Shot(ReasonDialog, queue, ORDERS_FROZEN, "auditor", then(in_audit, "h", "2")),
    "bulk_result": Shot(BulkResultDialog, queue, ORDERS_FROZEN, "auditor",
                        then(in_audit, "space", "down", "down", "space", "A")),
    "order_search": Shot(OrderSearchScreen, queue, ORDERS_FROZEN, "auditor",
                         open_area("o", *"st:pending", "enter")),
    "order_detail": Shot(OrderDetailScreen, queue, ORDERS_FROZEN, "auditor", detail),
    "customer_history": Shot(CustomerHistoryScreen, queue, ORDERS_FROZEN, "auditor",
                             then(detail, "f6")),
    "documents": Shot(DocumentsDialog, queue, ORDERS_FROZEN, "auditor", then(detail, "f7")),
    "order_changes": Shot(ChangeHistoryScreen, queue, ORDERS_FROZEN, "auditor",
                          then(detail, "f11")),
    # order entry
    "entry_lines": Shot(OrderEntryScreen, shop, FROZEN_NOW, "clerk", lines),
    "entry_empty": Shot(OrderEntryScreen, shop, FROZEN_NOW, "clerk", entry),
    "entry_new_caller": Shot(OrderEntryScreen, shop, FROZEN_NOW, "clerk", new_caller),
    "entry_options": Shot(ChoiceDialog, shop, FROZEN_NOW, "clerk", then(lines, "f10")),
    "entry_ship_to": Shot(ChoiceDialog, shop, FROZEN_NOW, "clerk", then(lines, "f6")),
    "entry_new_address": Shot(NewAddressDialog, shop, FROZEN_NOW, "clerk",
                              then(lines, "f6", "n")),
    "entry_line": Shot(LineDialog, shop, FROZEN_NOW, "clerk", then(lines, "enter")),
    "entry_invoicing": Shot(InvoicingDialog, shop, FROZEN_NOW, ADMIN, then(lines, "f11")),
    "entry_product_search": Shot(ProductSearchDialog, shop, FROZEN_NOW, "clerk",
                                 then(lines, *"LED", "f4")),
    "entry_discard": Shot(ConfirmDialog, shop, FROZEN_NOW, "clerk", then(lines, "ctrl+z")),
    # stock
    "stock_check": Shot(StockScreen, stock, STOCK_FROZEN, "warehouse", scan_the_lamp),
    "stock_receive": Shot(FormDialog, stock, STOCK_FROZEN, "warehouse",
                          then(scan_the_lamp, "f6")),
    "stock_transfer": Shot(FormDialog, stock, STOCK_FROZEN, "warehouse",
                           then(scan_the_lamp, "f7")),
    "low_stock": Shot(LowStockScreen, stock, STOCK_FROZEN, "warehouse", open_area("s", "f4")),
    "reorder": Shot(ReorderScreen, stock, STOCK_FROZEN, "warehouse", open_area("s", "f10")),
    "stocktake": Shot(StocktakeScreen, stock, STOCK_FROZEN, "warehouse",
                      then(scan_the_lamp, "f9")),
    # production
    "production_board": Shot(ProductionScreen, board, PRODUCTION_FROZEN, "production",
                             open_area("p")),
    "capacity": Shot(CapacityScreen, board, PRODUCTION_FROZEN, "production",
                     open_area("p", "c")),
    "stage_log": Shot(HistoryDialog, seeded(board_logged), PRODUCTION_FROZEN, "production",
                      open_area("p", "enter")),
    "advance": Shot(FormDialog, board, PRODUCTION_FROZEN, "production", open_area("p", "f7")),
    # dispatch and van runs
    "dispatch_list": Shot(DispatchScreen, ready, DISPATCH_FROZEN, "warehouse",
                          dispatch_to("SO-2026-000102", "space")),
    "ship_dialog": Shot(ShipDialog, ready, DISPATCH_FROZEN, "warehouse",
                        dispatch_to("SO-2026-000101", "f6")),
    "notice": Shot(NoticeDialog, ready, DISPATCH_FROZEN, "warehouse",
                   dispatch_to("SO-2026-000101", "f6", *"731234567890", "f2")),
    "tracking": Shot(TrackingDialog, ready, DISPATCH_FROZEN, "warehouse", open_area("d", "f9")),
    "van_runs": Shot(VanRunsScreen, vans, VAN_FROZEN, "warehouse", open_area("d", "f10")),
    "van_settle": Shot(SettleRunScreen, vans, VAN_FROZEN, "manager",
                       open_area("d", "f10", "f6", "d", "enter", "1", "enter")),
    # receivables
    "receivables_aging": Shot(ReceivablesScreen, ledger, RECEIVABLES_FROZEN, "finance", aging),
    "receivables_customer": Shot(CustomerScreen, ledger, RECEIVABLES_FROZEN, "finance",
                                 open_area("r", "enter")),
    "payment": Shot(FormDialog, ledger, RECEIVABLES_FROZEN, "finance", open_area("r", "f6")),
    "follow_up": Shot(FormDialog, ledger, RECEIVABLES_FROZEN, "finance", open_area("r", "f7")),
    "today": Shot(TodayScreen, ledger, RECEIVABLES_FROZEN, "finance", open_area("r", "f8")),
    "dunning": Shot(FormDialog, ledger, RECEIVABLES_FROZEN, "finance", open_area("r", "f9")),
    "dunning_letters": Shot(DunningDialog, ledger_printing_here, RECEIVABLES_FROZEN, "finance",
                            open_area("r", "f9", "f2")),
    "collections": Shot(CollectionsDialog, ledger, RECEIVABLES_FROZEN, "finance",
                        open_area("r", "c")),
    # import
    "import_preview": Shot(OrderImportScreen, preview_file, FROZEN_NOW, "clerk",
                           read_orders_csv),
    "map_code": Shot(PromptDialog, preview_file, FROZEN_NOW, "clerk",
                     then(read_orders_csv, "f8")),
}

# The cells another module snapshots, by that module's test.
OTHERS: dict[str, list[tuple[str, str, str]]] = {
    "test_snapshots.py::test_home": [("home", EN, SMALL), ("home", EN, LARGE)],
    "test_snapshots.py::test_home_keys_panel": [("key_help", EN, SMALL)],
    "test_language.py::test_home_zh": [("home", ZH, SMALL), ("home", ZH, LARGE)],
    "test_language.py::test_home_keys_panel_zh": [("key_help", ZH, SMALL)],
    "test_order_screens_snapshots.py::test_audit_queue": [
        ("audit_queue", EN, SMALL), ("audit_queue", EN, LARGE)],
    "test_order_screens_snapshots.py::test_audit_queue_zh": [
        ("audit_queue", ZH, SMALL), ("audit_queue", ZH, LARGE)],
    "test_order_screens_snapshots.py::test_reason_dialog": [("reason_dialog", EN, SMALL)],
    "test_order_screens_snapshots.py::test_reason_dialog_zh": [("reason_dialog", ZH, SMALL)],
    "test_order_screens_snapshots.py::test_order_search": [("order_search", EN, SMALL)],
    "test_order_screens_snapshots.py::test_order_search_zh": [
        ("order_search", ZH, SMALL), ("order_search", ZH, LARGE)],
    "test_order_screens_snapshots.py::test_order_detail": [("order_detail", EN, SMALL)],
    "test_order_screens_snapshots.py::test_order_detail_zh": [
        ("order_detail", ZH, SMALL), ("order_detail", ZH, LARGE)],
    "test_order_screens_snapshots.py::test_customer_history_zh": [
        ("customer_history", ZH, SMALL)],
    "test_order_entry_snapshots.py::test_order_entry_with_a_customer_and_three_lines": [
        ("entry_lines", EN, SMALL), ("entry_lines", EN, LARGE)],
    "test_order_entry_snapshots.py::test_order_entry_with_a_customer_and_three_lines_zh": [
        ("entry_lines", ZH, SMALL), ("entry_lines", ZH, LARGE)],
    "test_order_entry_snapshots.py::test_order_entry_empty": [("entry_empty", EN, SMALL)],
    "test_order_entry_snapshots.py::test_order_entry_new_caller_fields": [
        ("entry_new_caller", EN, SMALL), ("entry_new_caller", EN, LARGE)],
    "test_order_entry_snapshots.py::test_order_entry_options_zh": [("entry_options", ZH, SMALL)],
    "test_stock_snapshots.py::test_stock_check": [("stock_check", EN, SMALL)],
    "test_full_code_snapshots.py::test_reorder_suggestions": [("reorder", EN, SMALL)],
    "test_production_snapshots.py::test_production_board": [
        ("production_board", EN, SMALL), ("production_board", EN, LARGE)],
    "test_dispatch_snapshots.py::test_dispatch_list": [("dispatch_list", EN, SMALL)],
    "test_dispatch_snapshots.py::test_ship_dialog": [("ship_dialog", EN, SMALL)],
    "test_van_runs_snapshots.py::test_planned_van_run": [("van_runs", EN, SMALL)],
    "test_receivables_snapshots.py::test_aging_view": [("receivables_aging", EN, SMALL)],
    "test_order_import_snapshots.py::test_import_preview": [("import_preview", EN, SMALL)],
    "test_language_areas.py::test_area_zh": [
        (shot, ZH, size) for shot in ("stock_check", "production_board", "dispatch_list",
                                      "ship_dialog", "van_runs", "van_settle",
                                      "receivables_aging", "receivables_customer")
        for size in SIZES] + [("capacity", ZH, SMALL), ("capacity", ZH, LARGE)],
    "test_language_areas.py::test_import_preview_zh": [
        ("import_preview", ZH, SMALL), ("import_preview", ZH, LARGE)],
}
# fmt: on
COVERED = {cell: test for test, cells in OTHERS.items() for cell in cells}

CELLS = [(shot, language, size) for shot in SHOTS for language in (EN, ZH) for size in SIZES
         if (shot, language, size) not in COVERED]  # fmt: skip


@pytest.mark.parametrize(("shot", "language", "size"), CELLS,
                         ids=["-".join(cell) for cell in CELLS])  # fmt: skip
def test_screen(snap_compare: SnapCompare, sqlite_db: Database, tmp_path: Path,
                monkeypatch: pytest.MonkeyPatch, shot: str, language: str,
                size: str) -> None:  # fmt: skip
    s = SHOTS[shot]
    s.seed(sqlite_db, tmp_path, monkeypatch)
    app = make_app(Settings(database_url=sqlite_db.url, user=s.user), sqlite_db,
                   language=language, **s.app)  # fmt: skip
    app.clock = lambda: s.clock
    opened: list[type[Screen[Any]]] = []

    async def run_before(pilot: Pilot) -> None:
        await s.keys(pilot)
        opened.append(type(pilot.app.screen))

    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)
    assert opened and issubclass(opened[0], s.screen), opened


# Screens no user opens as such: bases of the others, and the placeholder of an area not
# built (every area is built now).
NOT_OPENED = {"OmsScreen", "JobScreen", "ListScreen", "Dialog", "RecvBase",
              "ProductListScreen", "PlaceholderScreen"}  # fmt: skip


def screen_classes() -> set[type[Screen[Any]]]:
    found = set()
    for package in (oms_tui.screens, oms_tui.widgets):
        names = [package.__name__] + [m.name for m in pkgutil.walk_packages(
            package.__path__, package.__name__ + ".")]  # fmt: skip
        for name in names:
            for _, cls in inspect.getmembers(importlib.import_module(name), inspect.isclass):
                if issubclass(cls, Screen) and cls.__module__.startswith("oms_tui."):
                    found.add(cls)
    return found


def test_every_screen_class_has_a_shot() -> None:
    shot = {s.screen for s in SHOTS.values()}
    missing = {c.__name__ for c in screen_classes() - shot} - NOT_OPENED
    assert not missing, f"screens no shot opens: {sorted(missing)}"
    assert all(cell[0] in SHOTS for cell in COVERED)
