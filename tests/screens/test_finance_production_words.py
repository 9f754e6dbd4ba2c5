"""The production board and the receivables in Chinese show the services' sentences in
Chinese (issue #18): a refusal on the message line, the stage log's stored notes, a money
error under the payment form's fields, the dunning steps' names."""

from __future__ import annotations

from datetime import datetime

import pytest

from oms_tui.app import OmsApp, make_app
from oms_tui.config import Settings
from oms_tui.models import Order
from oms_tui.screens.production.dialogs import HistoryDialog
from oms_tui.screens.receivables.dialogs import DunningDialog
from oms_tui.screens.sign_in import RefusedScreen
from oms_tui.services.platform import identity
from oms_tui.services.platform.db import Database
from oms_tui.services.platform.permissions import NotPermitted
from tests.pilot import settle

from .app_helpers import flat, screen_text
from .test_production import NOW, USER, go_to, message, open_board, plant
from .test_receivables import FROZEN, open_receivables, receivables_db, text_of


def chinese_app(db: Database, user: str, now: datetime) -> OmsApp:
    app = make_app(Settings(database_url=db.url, user=user), db, language="zh_CN")
    app.clock = lambda: now
    return app


async def test_a_shortage_and_the_stage_log_in_chinese(sqlite_db: Database) -> None:
    ids = plant(sqlite_db)
    with sqlite_db.read() as s:
        number = s.get(Order, ids["big_order"]).number
    app = chinese_app(sqlite_db, USER, NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_board(pilot)
        await go_to(pilot, screen, ids["big"])
        await pilot.press("ctrl+o")  # start: refused, 9 oak boards short
        await settle(pilot)
        said = message(screen)
        assert "无法开工：RM-OAK 缺 9（需 33，有 24）" in said and "cannot start" not in said
        await pilot.press("enter")  # the stage log: the planning's note read back
        await settle(pilot)
        assert isinstance(app.screen, HistoryDialog)
        log = flat(screen_text(app))
        assert f"用于 {number} 第 1 行" in log
        assert "blocking since" not in log and f"for {number}" not in log


async def test_a_money_error_and_the_dunning_steps_in_chinese(sqlite_db: Database) -> None:
    receivables_db(sqlite_db)
    app = chinese_app(sqlite_db, "finance", FROZEN)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_receivables(pilot)
        await pilot.press("f6", *"12,3x", "f2")  # a payment of an amount that is none
        await settle(pilot)
        error = flat(text_of(app.screen, "#form-error"))
        assert "'12,3x' 不是金额（例如 12.50）" in error and "not an amount" not in error
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("f9", "enter")  # dunning as of today
        await settle(pilot)
        assert isinstance(app.screen, DunningDialog)
        steps = flat(screen_text(app))
        assert "暂停赊销通知" in steps and "付款提醒" in steps
        assert "Credit hold" not in steps and "Reminder" not in steps


async def test_an_os_account_that_is_no_user_is_refused_in_chinese(sqlite_db: Database) -> None:
    with pytest.raises(NotPermitted) as refused:  # what `oms` answers an unknown OS account
        identity.acting_user(sqlite_db, "mallory")
    why = str(refused.value)
    assert why.startswith("mallory is no user of this database")  # the record: English
    app = make_app(Settings(database_url=sqlite_db.url, user="mallory"), sqlite_db,
                   language="zh_CN", refused=why)  # fmt: skip
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, RefusedScreen)
        text = flat(screen_text(app))
        assert "mallory 不是这个数据库的用户：请管理员" in text and "no user" not in text
