"""The audit queue and an order's detail at zh_CN (issue #18): the services' own sentences,
an order's priority reasons and its checks' reasons, price sources and a bulk approval's
why, are shown in Chinese, not only the screens' words."""

from __future__ import annotations

from datetime import date, timedelta

from oms_tui.services.platform.db import Database
from tests.pilot import settle

from .app_helpers import flat, screen_text
from .test_audit_queue import build_queue, goto, open_queue, queue_app


async def test_reasons_and_checks_in_chinese_in_the_queue_and_the_detail(
    sqlite_db: Database,
) -> None:
    ids = build_queue(sqlite_db, requested=date.today() + timedelta(days=3))
    app = queue_app(sqlite_db, language="zh_CN")
    async with app.run_test(size=(120, 30)) as pilot:
        await open_queue(pilot)
        await goto(pilot, ids["short"])
        text = flat(screen_text(app))
        assert "3 天后交货" in text  # the row's reasons and the info line under the list
        assert "due in" not in text
        await pilot.press("enter")  # the order's detail
        await settle(pilot)
        text = flat(screen_text(app))
        assert "缺货待发：短缺 4（可用 1，订购 5）" in text  # its stock check
        assert "标价" in text and "3 天后交货" in text
        for english in ("backorder", "list price", "due in", "prices match", "no credit"):
            assert english not in text, english


async def test_a_bulk_approval_says_why_in_chinese(sqlite_db: Database) -> None:
    ids = build_queue(sqlite_db)
    app = queue_app(sqlite_db, language="zh_CN")
    async with app.run_test(size=(100, 30)) as pilot:
        await open_queue(pilot)
        for name in ("clean1", "short"):
            await goto(pilot, ids[name])
            await pilot.press("space")
        await pilot.press("A")
        await settle(pilot)
        text = flat(screen_text(app))
        assert "带警告通过 1 张" in text
        # the sentence wraps in the dialog: "... 短缺 │ │ 4（可用 1，订购 5）"
        assert "库存 检查警告：第 1 行 SPOT-7W：缺货待发：短缺" in text
        assert "4（可用 1，订购 5）" in text
        assert "check warns" not in text and "backorder" not in text
