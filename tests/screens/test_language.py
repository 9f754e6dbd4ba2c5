"""The interface language (issue #18): the app shell in Chinese, a user's language kept
and switched at once (Ctrl+F), the key grammar the same in both languages, and layout
snapshots of home in Chinese at 80x24 and 120x40 (double-width characters still fit)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.command import CommandPalette
from textual.widgets import OptionList
from textual.widgets._footer import FooterKey

from oms_tui import i18n
from oms_tui.screens.audit_queue import AuditQueueScreen
from oms_tui.screens.key_help import KeyHelpScreen
from oms_tui.services.platform import language
from oms_tui.services.platform.db import Database
from oms_tui.services.platform.settings import set_setting
from tests.pilot import settle

from .app_helpers import ADMIN, flat, frozen_app, screen_text
from .test_app import fill_counts_db
from .test_snapshots import then

SnapCompare = Callable[..., bool]


@pytest.fixture
def counts_db(sqlite_db: Database) -> Database:
    fill_counts_db(sqlite_db)
    return sqlite_db


def footer_words(app) -> list[str]:  # noqa: ANN001
    return [k.description for k in app.screen.query(FooterKey) if k.display]


async def test_home_in_chinese(counts_db: Database) -> None:
    async with frozen_app(counts_db, ADMIN, language="zh_CN").run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = flat(screen_text(pilot.app))
        for words in ("订单录入", "审单", "库存", "生产进度", "发货", "应收账款", "待审",
                      "逾期应收", "菜单：按字母键"):  # fmt: skip
            assert words in text, words
        assert "Order entry" not in text and "Waiting audit" not in text
        assert {"按键", "退出", "刷新"} <= set(footer_words(pilot.app))


async def test_switching_the_language_is_at_once_and_kept(counts_db: Database) -> None:
    """Ctrl+F: home, its footer, F1 and the palette in Chinese at once, the key grammar
    unchanged; the choice is the user's (read again at the next start)."""
    async with frozen_app(counts_db, ADMIN).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "Order entry" in screen_text(pilot.app)
        await pilot.press("ctrl+f")
        await settle(pilot)
        assert i18n.current_language() == "zh_CN"
        text = flat(screen_text(pilot.app))
        assert "订单录入" in text and "Order entry" not in text
        assert "按键" in footer_words(pilot.app)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(pilot.app.screen, KeyHelpScreen)
        help_text = flat(screen_text(pilot.app))
        assert "本界面" in help_text or "所有界面" in help_text
        assert "审单" in help_text and "语言" in help_text
        await pilot.press("f1")
        await pilot.press("a")  # the same letter opens the audit queue in Chinese
        await settle(pilot)
        assert isinstance(pilot.app.screen, AuditQueueScreen)
    assert language.user_language(counts_db, ADMIN) == "zh_CN"
    assert language.interface_language(counts_db, ADMIN) == "zh_CN"


async def test_the_palette_speaks_the_language(counts_db: Database) -> None:
    async with frozen_app(counts_db, ADMIN, language="zh_CN").run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(pilot.app.screen, CommandPalette)
        await pilot.press(*"审单")
        await settle(pilot)
        assert "转到：审单" in flat(screen_text(pilot.app))


async def test_a_user_without_a_choice_follows_the_company(counts_db: Database) -> None:
    set_setting(counts_db, "admin", "language", "zh_CN")
    assert language.interface_language(counts_db, ADMIN) == "zh_CN"
    language.set_user_language(counts_db, ADMIN, ADMIN, "en")
    assert language.interface_language(counts_db, ADMIN) == "en"
    language.set_user_language(counts_db, ADMIN, ADMIN, "default")
    assert language.user_language(counts_db, ADMIN) == ""


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_home_zh(snap_compare: SnapCompare, counts_db: Database, size: tuple[int, int]) -> None:
    app = frozen_app(counts_db, ADMIN, language="zh_CN")
    assert snap_compare(app, terminal_size=size, run_before=then())


def test_home_keys_panel_zh(snap_compare: SnapCompare, counts_db: Database) -> None:
    app = frozen_app(counts_db, ADMIN, language="zh_CN")
    assert snap_compare(app, terminal_size=(80, 24), run_before=then("f1"))


async def test_the_menu_keeps_its_letters(counts_db: Database) -> None:
    """Key grammar: the menu shows the same letters, in the same order, in Chinese."""
    from oms_tui.screens import WORKFLOWS

    async with frozen_app(counts_db, ADMIN, language="zh_CN").run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        menu = pilot.app.screen.query_one("#menu", OptionList)
        shown = [str(menu.get_option_at_index(i).prompt)[0] for i in range(menu.option_count)]
        assert shown == [wf.key for wf in WORKFLOWS]


async def test_switching_in_an_area_changes_home_too(counts_db: Database) -> None:
    """Home is not on screen when the language changes: it is in it when the clerk is back."""
    async with frozen_app(counts_db, ADMIN).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("ctrl+f")
        await settle(pilot)
        assert "返回" in footer_words(pilot.app)  # the area's app-wide keys at once
        await pilot.press("f12")
        await settle(pilot)
        text = flat(screen_text(pilot.app))
        assert "订单录入" in text and "待审" in text and "Order entry" not in text
        assert "按键" in footer_words(pilot.app)


async def test_chinese_typed_in_a_field_is_text_not_commands(counts_db: Database) -> None:
    """Key grammar (item 3): what an input method types into a field, Chinese or the
    letters of a pinyin it passes through, stays in the field; no area opens."""
    from oms_tui.screens.order_search import OrderSearchScreen
    from oms_tui.widgets.scan_input import ScanInput

    async with frozen_app(counts_db, ADMIN, language="zh_CN").run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, OrderSearchScreen)
        await pilot.press(*"王a小e明s")
        assert pilot.app.screen is screen
        assert screen.query_one("#query", ScanInput).value == "王a小e明s"


async def test_switching_the_language_adds_no_user(counts_db: Database) -> None:
    """Ctrl+F keeps the choice for the acting user; for a name that is no user of the
    database (only a test builds such an app: oms refuses it before the app opens) the
    language changes on screen, nothing is kept and no user is added."""
    from sqlmodel import select

    from oms_tui.models import User

    async with frozen_app(counts_db, "ghost").run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+f")
        await settle(pilot)
        assert i18n.current_language() == "zh_CN"
    with counts_db.read() as session:
        assert session.exec(select(User).where(User.name == "ghost")).first() is None
