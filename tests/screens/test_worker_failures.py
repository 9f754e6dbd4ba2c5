"""One way a worker fails, on every screen: a database error in the service a screen's
worker calls ends as one line on the screen ("Could not <what>"), with the bell, the
traceback in oms.log in the user's data folder, nothing left "Reading…"; and the screen
still works: once the database answers again, the key that reads again shows the data."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError
from textual.pilot import Pilot

from oms_tui.config import log_path
from oms_tui.messages import OpenOrder
from oms_tui.screens.customer_history import CustomerHistoryScreen
from oms_tui.screens.receivables.customer import CustomerScreen
from oms_tui.services.exchange import order_import
from oms_tui.services.platform.db import Database
from oms_tui.services.sales import orders
from tests.factories import make_customer, make_product
from tests.pilot import settle
from tests.stock_factories import receive, warehouse

from .app_helpers import ADMIN, flat, frozen_app, screen_text

World = dict[str, Any]
Keys = Callable[[Pilot, World], Awaitable[None]]


def keys(*pressed: str) -> Keys:
    """Press these keys, each answered before the next."""

    async def press(pilot: Pilot, world: World) -> None:
        for key in pressed:
            await pilot.press(key)
            await settle(pilot)

    return press


def typed(text: str) -> Keys:
    async def type_(pilot: Pilot, world: World) -> None:
        await pilot.press(*text)

    return type_


def then(*steps: Keys) -> Keys:
    async def run(pilot: Pilot, world: World) -> None:
        for step in steps:
            await step(pilot, world)

    return run


async def order_detail(pilot: Pilot, world: World) -> None:
    pilot.app.post_message(OpenOrder(world["number"]))
    await settle(pilot)


async def customer_history(pilot: Pilot, world: World) -> None:
    pilot.app.push_screen(CustomerHistoryScreen(world["customer_id"]))
    await settle(pilot)


async def customer_account(pilot: Pilot, world: World) -> None:
    pilot.app.push_screen(CustomerScreen(world["customer_id"], world["customer_name"]))
    await settle(pilot)


async def scan_product(pilot: Pilot, world: World) -> None:
    await pilot.press(*world["code"], "enter")
    await settle(pilot)


async def import_file(pilot: Pilot, world: World) -> None:
    await pilot.press(*world["file"], "enter")
    await settle(pilot)


async def entry_caller(pilot: Pilot, world: World) -> None:
    """Order entry, the caller picked by phone."""
    await pilot.press("e", *"13800138", "enter")
    await settle(pilot)


async def entry_line(pilot: Pilot, world: World) -> None:
    """Order entry, the caller picked, a line of the product scanned."""
    await entry_caller(pilot, world)
    await scan_product(pilot, world)


async def entry_new_caller(pilot: Pilot, world: World) -> None:
    """Order entry, a caller nobody has, their details typed and saved (Enter)."""
    await pilot.press("e", *"13900001111", "enter")
    await settle(pilot)
    await pilot.press(*"李雷", "tab", "tab", *"浙江", "tab", *"杭州", "tab", *"文三路1号")
    await pilot.press("f10", "w", "enter")
    await settle(pilot)


async def settled(pilot: Pilot, world: World) -> None:
    await settle(pilot)


@dataclass(frozen=True)
class Case:
    broken: str  # "module:function" of the service the screen's worker calls
    doing: str  # what the failure line says could not be done
    open: Keys  # the keys that open the screen (its worker fails on the way)
    again: Keys  # the keys that read again
    shown: str  # on the screen once the read works
    bell: bool = True
    said: str = ""  # the failure's line on the screen, when not "Could not {doing}"
    kept: str = ""  # what was typed, still on the screen after the failure


CASES = {
    "home": Case("oms_tui.screens.home:home_screen_data", "read the counts", settled,
                 keys("f5"), "Counts at", bell=False),
    "audit queue": Case("oms_tui.services.sales.audit_decisions:refresh_priorities",
                        "score the queue", keys("a"), keys("f5"), "waiting"),
    "order search": Case("oms_tui.services.sales.order_search:search", "search the orders",
                         keys("o"), keys("f5"), "1 order"),
    "order detail": Case("oms_tui.screens.order_detail:detail", "read the order",
                         order_detail, keys("f5"), "Ship to"),
    "order documents": Case("oms_tui.services.sales.order_documents:order_documents",
                            "read the documents", then(order_detail, keys("f7")), keys("f7"),
                            "Documents of"),
    "changes": Case("oms_tui.services.sales.change_history:history_page", "read the changes",
                    then(order_detail, keys("f11")), keys("f5"), "— → Draft"),
    "customer history": Case("oms_tui.services.sales.customer_history:summary",
                             "read the history", customer_history, keys("f5"), "Average"),
    "stock": Case("oms_tui.services.inventory.stock:find_stock_card", "read the stock",
                  then(keys("s"), scan_product), scan_product, "available"),
    "stock form": Case("oms_tui.services.fulfilment.stock_operations:receive", "save",
                       then(keys("s"), scan_product, keys("f6", "5", "enter")), keys("enter"),
                       "Received 5"),
    "low stock": Case("oms_tui.services.inventory.stock:below_reorder_point",
                      "read the products below their reorder point", keys("s", "f4"),
                      keys("f5"), "0 rows"),
    "reorder": Case("oms_tui.services.inventory.stock:reorder_suggestions",
                    "read the reorder suggestions", keys("s", "f10"), keys("f5"), "suggestions"),
    "stocktake": Case("oms_tui.services.fulfilment.stock_operations:start_stocktake",
                      "open the stocktake", then(keys("s", "f9"), typed("HZ"), keys("enter")),
                      then(typed("HZ"), keys("enter")), "scan the products"),
    "production": Case("oms_tui.services.production.board:board", "read the board", keys("p"),
                       keys("f5"), "0 open"),
    "capacity": Case("oms_tui.services.production.board:capacity", "read the capacity",
                     keys("p", "f10"), keys("f5"), "Capacity"),
    "dispatch": Case("oms_tui.services.shipping.dispatch:ready_to_ship", "read the ready orders",
                     keys("d"), keys("f5"), "0 ready"),
    "van runs": Case("oms_tui.services.shipping.delivery_runs:runs_on", "read the runs",
                     keys("d", "f10"), keys("f5"), "No run on"),
    "receivables": Case("oms_tui.services.finance.aging:aging", "read the aging", keys("r"),
                        keys("f5"), "As of"),
    "customer account": Case("oms_tui.services.finance.receivables:customer_invoices",
                             "read the customer", then(keys("r"), customer_account),
                             keys("f5"), "Credit:"),
    "today's follow-ups": Case("oms_tui.services.finance.follow_ups:todays_follow_ups",
                               "read today's follow-ups", keys("r", "f8"), keys("f5"),
                               "follow-ups due by"),
    "collections": Case("oms_tui.services.finance.aging:collections", "read the collections",
                        keys("r", "c"), keys("c"), "payments"),
    "import": Case("oms_tui.services.exchange.order_import:plan_import", "read the file",
                   then(keys("i"), import_file), keys("f5"), "1 row in orders.csv",
                   said="Could not read orders.csv: (sqlite3.OperationalError) database is"),
    "entry customer search": Case("oms_tui.screens.order_entry.customer_picker:search_customers",
                                  "search the customers", then(keys("e"), typed("1380013")),
                                  keys("8", "enter"), "Customer C", kept="1380013"),
    "entry customer pick": Case("oms_tui.screens.order_entry.customer_picker:search_customers",
                                "search the customers", then(keys("e"), typed("13800138"),
                                keys("enter")), keys("enter"), "Customer C", kept="13800138"),
    "entry new caller": Case("oms_tui.screens.order_entry.customer_picker:create_customer",
                             "save the customer", entry_new_caller, keys("enter"),
                             "李雷 · wholesale", kept="文三路1号"),  # said in its panel
    "entry customer card": Case("oms_tui.screens.order_entry.screen:customer_card",
                                "read the customer", entry_caller, keys("f6"), "浙江",
                                kept="王小明"),
    "entry quote": Case("oms_tui.screens.order_entry.screen:quote_order", "quote the order",
                        entry_line, then(typed("*3"), keys("enter")), "Total ¥", kept="LAMP-1"),
    "entry product": Case("oms_tui.screens.order_entry.lines:find_product",
                          "look up the product", entry_line, keys("enter"), "Lamp ",
                          kept="LAMP-1"),  # the code back on the scan line: Enter again
    "entry product search": Case("oms_tui.screens.order_entry.product_search:search_products",
                                 "search the products", then(entry_caller, typed("Lamp"),
                                 keys("f4")), keys("end", "backspace"), "1 found", kept="Lamp"),
    "entry save": Case("oms_tui.screens.order_entry.screen:submit_new_order", "save the order",
                       then(entry_line, keys("f2")), keys("f2"), "Saved SO-", kept="LAMP-1"),
    # a draft not saved does not stop the order being saved
    "entry draft": Case("oms_tui.screens.order_entry.draft_autosave:save_draft", "save the draft",
                        entry_line, keys("f2"), "Saved SO-", kept="LAMP-1"),
}  # fmt: skip


@pytest.fixture
def world(sqlite_db: Database, tmp_path: Path) -> World:
    """An order of a customer for a product in stock in HZ, and an import file."""
    db = sqlite_db
    warehouse(db, "HZ")
    product = make_product(db, code="LAMP-1")
    receive(db, "HZ", product, 10)
    buyer = make_customer(db)
    order = orders.create_order(db, "clerk", buyer.id, [orders.NewLine(product, 2)])
    file = tmp_path / "orders.csv"
    file.write_text(order_import.template_csv(), encoding="utf-8")
    return {"db": db, "number": order.number, "customer_id": buyer.id,
            "customer_name": buyer.name, "code": "LAMP-1", "file": str(file)}  # fmt: skip


class Switch:
    """Stands for a service function: raises the database's error while ``on``."""

    def __init__(self, real: Callable[..., Any]) -> None:
        self.real, self.on = real, True

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.on:
            raise OperationalError("SELECT …", {}, sqlite3.OperationalError("database is locked"))
        return self.real(*args, **kwargs)


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
async def test_a_database_error_is_said_logged_and_the_screen_still_works(
    case: Case, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    module, name = case.broken.split(":")
    switch = Switch(getattr(__import__(module, fromlist=[name]), name))
    monkeypatch.setattr(f"{module}.{name}", switch)
    app = frozen_app(world["db"], ADMIN)
    bells: list[int] = []
    monkeypatch.setattr(app, "bell", lambda: bells.append(1))
    async with app.run_test(size=(80, 24)) as pilot:
        await case.open(pilot, world)
        text = flat(screen_text(app))
        assert (case.said or f"Could not {case.doing}") in text
        assert "Reading" not in text
        assert case.kept in text
        assert bool(bells) == case.bell
        logged = log_path().read_text(encoding="utf-8")
        assert f"Could not {case.doing}\nTraceback" in logged
        assert "OperationalError) database is locked" in logged
        switch.on = False
        await case.again(pilot, world)
        assert case.shown in flat(screen_text(app))
