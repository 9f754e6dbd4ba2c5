"""The order screens in Chinese (issue #18): order entry, order search, order detail and the
audit queue speak the user's language, switch at once (Ctrl+F) without losing what is on
screen, and keep their keys. Their layout in Chinese is in the snapshot tests."""

from __future__ import annotations

from oms_tui import i18n
from oms_tui.services.platform.db import Database

from .test_app import flat, frozen_app, screen_text
from .test_order_entry import open_entry, pick_known_caller, settle, shop  # noqa: F401


async def test_order_entry_in_chinese(sqlite_db: Database, shop: dict[str, int]) -> None:  # noqa: F811
    async with frozen_app(sqlite_db, language="zh_CN").run_test(size=(80, 24)) as pilot:
        await open_entry(pilot)
        await pick_known_caller(pilot)
        await pilot.press(*"XD-40W*2", "enter")
        await settle(pilot)
        text = flat(screen_text(pilot.app))
        for words in ("客户", "收货地址", "零售", "信用 正常", "编码", "数量", "金额",
                      "有货", "小计", "合计", "扫描", "保存", "查找", "返回"):  # fmt: skip
            assert words in text, words
        for english in ("Customer", "Ship to", "Subtotal", "in stock", "Scan"):
            assert english not in text, english


async def test_order_entry_switches_language_keeping_the_order(
    sqlite_db: Database, shop: dict[str, int],  # noqa: F811
) -> None:  # fmt: skip
    async with frozen_app(sqlite_db).run_test(size=(80, 24)) as pilot:
        await open_entry(pilot)
        await pick_known_caller(pilot)
        await pilot.press(*"XD-40W*2", "enter")
        await settle(pilot)
        assert "Total ¥" in screen_text(pilot.app)
        await pilot.press("ctrl+f")
        await settle(pilot)
        assert i18n.current_language() == "zh_CN"
        text = flat(screen_text(pilot.app))
        assert "合计 ¥" in text and "扫描" in text and "客户" in text and "Total" not in text
        assert "XD-40W" in text and "王小明" in text  # the order is still there
        await pilot.press("ctrl+f")
        await settle(pilot)
        assert "Total ¥" in screen_text(pilot.app)
