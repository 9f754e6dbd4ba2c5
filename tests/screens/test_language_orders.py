"""The order screens in Chinese (issue #18): order entry, order search, order detail and the
audit queue speak the user's language, switch at once (Ctrl+F) without losing what is on
screen, and keep their keys. Their layout in Chinese is in the snapshot tests."""

from __future__ import annotations

from oms_tui import i18n
from oms_tui.services.platform.db import Database

from .app_helpers import flat, frozen_app, screen_text
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


async def test_audit_queue_search_and_detail_switch_language_at_once(sqlite_db: Database) -> None:
    """Ctrl+F in the queue, in an order's detail over it, and in order search: each says
    its own words again in the other language (heads, counts, statuses, checks, keys)."""
    from .test_audit_queue import build_queue, open_queue, queue_app

    build_queue(sqlite_db)
    app = queue_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_queue(pilot)
        assert "orders waiting" in screen_text(app)
        await pilot.press("ctrl+f")
        await settle(pilot)
        text = flat(screen_text(app))
        for words in ("张订单待审", "订单", "客户", "合计", "检查", "全部通过", "退回", "批量通过",
                      "通过", "驳回"):  # fmt: skip
            assert words in text, words
        assert "waiting" not in text and "all pass" not in text and "send back" not in text
        await pilot.press("enter")  # the order's detail, in Chinese from the start
        await settle(pilot)
        text = flat(screen_text(app))
        assert "待审" in text and "明细（1）" in text and "Pending audit" not in text
        await pilot.press("ctrl+f")  # English again, the detail read again in it
        await settle(pilot)
        text = flat(screen_text(app))
        assert "Pending audit" in text and "Lines (1)" in text and "明细" not in text
        await pilot.press("f12", "f12", "o")
        await settle(pilot)
        await pilot.press(*"st:pending", "enter")
        await settle(pilot)
        assert "Pending audit" in screen_text(app)
        await pilot.press("ctrl+f")
        await settle(pilot)
        text = flat(screen_text(app))
        assert "状态" in text and "待审" in text and "张订单" in text
        assert "Status" not in text and "Pending audit" not in text
