"""Order entry's invoicing key (issue 18.6): F11 / Ctrl+U opens the caller's invoicing data
(发票抬头, 纳税人识别号, 开户行, 账号, 普通 / 专用) in a form, a wrong taxpayer id is refused at
its field in the service's words, the data is saved for the customer and the order being
typed stays as it was; typed slowly or in one burst, the same."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from oms_tui.screens.order_entry import OrderEntryScreen
from oms_tui.screens.order_entry.forms import InvoicingDialog
from oms_tui.services.parties.invoicing import Invoicing, get_invoicing, set_invoicing
from oms_tui.services.platform.db import Database
from oms_tui.services.sales.customer_history import customer_card
from oms_tui.widgets.scan_input import ScanInput

from .app_helpers import flat, frozen_app, screen_text
from .test_order_entry import make_shop
from .test_type_ahead import CASES, PHONE, lines_of, open_entry, send

BAD_ID, GOOD_ID = "91350100M000100Y44", "91350100M000100Y43"  # the check character: 3
TITLE = "杭州明光照明有限公司"


@pytest.fixture
def shop(sqlite_db: Database) -> dict[str, int]:
    return make_shop(sqlite_db)


def code_of(screen: OrderEntryScreen) -> str:
    assert screen.model.card is not None
    return screen.model.card.code


def message(screen: OrderEntryScreen) -> str:
    return str(screen.query_one("#message", Static).content)


async def test_a_bad_then_a_good_taxpayer_id_typed_key_by_key(
    sqlite_db: Database, shop: dict[str, int]
) -> None:
    """A special-invoice caller without taxpayer id: the message line points at the key;
    the form refuses the wrong id at its field, saves the right one, the lines stay."""
    code = customer_card(sqlite_db, shop["known"]).code
    set_invoicing(sqlite_db, "clerk", code, Invoicing(invoice_type="专用"))
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_entry(pilot)
        await send(pilot, None, PHONE, "enter")
        assert message(screen) == "Special VAT invoice: its data is incomplete (F11/^U)"
        await send(pilot, None, "LED-9W*2", "enter")

        await send(pilot, None, "f11")
        dialog = app.screen
        assert isinstance(dialog, InvoicingDialog)
        assert dialog.field("invoice_type").value == "special"
        assert app.focused is dialog.field("invoice_title")  # the first blank field
        await send(pilot, None, TITLE, "tab", BAD_ID, "f2")
        assert app.screen is dialog  # refused: nothing saved, the form open
        error = str(dialog.query_one("#form-error", Static).content)
        assert error == (f"taxpayer id {BAD_ID}: the check character does not match "
                         "(a typing slip?)")  # fmt: skip
        field = dialog.field("taxpayer_id")
        assert app.focused is field and field.has_class("-error")
        assert get_invoicing(sqlite_db, code) == Invoicing(invoice_type="special")

        await send(pilot, None, GOOD_ID, "f2")
        assert app.screen is screen
        assert lines_of(screen) == [("LED-9W", 2, "")]
        assert message(screen) == "Invoicing data of 王小明 saved"
    assert get_invoicing(sqlite_db, code) == Invoicing(TITLE, GOOD_ID, "", "", "special")


@pytest.mark.parametrize(("ms", "run"), CASES)
async def test_the_invoicing_form_in_one_burst(
    sqlite_db: Database, shop: dict[str, int], ms: float | None, run: int
) -> None:
    """``F11 title ⇥ bad-id F2 good-id ⇥ bank ⇥ account ⇥ 专用 F2`` as one burst: the keys
    after the refused save go to the field it names, as typed slowly."""
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_entry(pilot)
        await send(pilot, None, PHONE, "enter", "LED-9W*2", "enter")
        await send(pilot, ms, "f11", TITLE, "tab", BAD_ID, "f2", GOOD_ID, "tab", "工商银行杭州分行",
                   "tab", "1202 0000 1234", "tab", "专用", "f2")  # fmt: skip
        assert app.screen is screen
        assert lines_of(screen) == [("LED-9W", 2, "")]
        assert screen.query_one("#scan", ScanInput).value == ""
        data = get_invoicing(sqlite_db, code_of(screen))
    assert data == Invoicing(TITLE, GOOD_ID, "工商银行杭州分行", "1202 0000 1234", "special")


async def test_ctrl_u_clears_a_field_with_text_and_opens_it_from_an_empty_one_in_chinese(
    sqlite_db: Database, shop: dict[str, int]
) -> None:
    """The twin where the focus always is (a text field): with text it clears to the start,
    as in any field; on the empty scan line it opens the form, which reads whole at 80x24
    in Chinese: every label, the type in the clerk's words."""
    app = frozen_app(sqlite_db, language="zh_CN")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_entry(pilot)
        await send(pilot, None, PHONE, "enter", "LED")
        await pilot.press("ctrl+u")
        await send(pilot, None)
        assert app.screen is screen and screen.scan.value == ""
        await pilot.press("ctrl+u")
        await send(pilot, None)
        dialog = app.screen
        assert isinstance(dialog, InvoicingDialog)
        assert dialog.field("invoice_type").value == "普通"
        text = flat(screen_text(app))
        for label in ("开票资料", "发票抬头", "纳税人识别号", "开户行", "账号", "发票类型"):
            assert label in text
        await send(pilot, None, "escape")
        assert app.screen is screen and app.focused is screen.scan


async def test_a_new_caller_once_created(sqlite_db: Database, shop: dict[str, int]) -> None:
    """A new caller: the same form once the customer is created (Enter in its fields)."""
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_entry(pilot)
        await send(pilot, None, "13900001111", "enter", "赵六商贸", "tab", "tab",
                   "江苏南京玄武区中山路1号", "enter")  # fmt: skip
        assert app.focused is screen.scan
        await send(pilot, None, "f11", TITLE, "tab", GOOD_ID, "f2")
        assert app.screen is screen
        data = get_invoicing(sqlite_db, code_of(screen))
    assert (data.invoice_title, data.taxpayer_id, data.invoice_type) == (TITLE, GOOD_ID, "normal")
