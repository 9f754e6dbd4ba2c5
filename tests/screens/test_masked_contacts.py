"""A customer's phone and address as each view shows them (issue 17 point 7): masked for a
role without ``customers.contact`` (production), whole for one with it. Order detail's
ship-to: ``test_permissions.py``."""

from __future__ import annotations

from datetime import date

from oms_tui.models import Customer
from oms_tui.screens.change_history import ChangeHistoryScreen
from oms_tui.screens.dispatch.dialogs import ShipDialog
from oms_tui.screens.van_runs.rows import stop_row
from oms_tui.services.parties import customers
from oms_tui.services.shipping import dispatch
from oms_tui.services.shipping.delivery_runs import StopView
from tests.audit_factories import customer
from tests.pilot import settle

from .app_helpers import flat, screen_text
from .test_permissions import app_as

STREET = "文三路 90 号"


async def test_the_changes_of_a_customer_show_an_added_address_masked_to_production(sqlite_db):
    cid = customer(sqlite_db)
    customers.add_address(sqlite_db, "clerk", cid, customers.NewAddress(
        street=STREET, district="西湖区", city="杭州市", province="浙江省", label="仓库",
        contact_name="王芳", phone="13900139000"))  # fmt: skip
    with sqlite_db.read() as s:
        code = s.get(Customer, cid).code
    for user, masked in (("production", True), ("clerk", False)):
        app = app_as(sqlite_db, user)
        async with app.run_test(size=(100, 24)) as pilot:
            await settle(pilot)
            app.push_screen(ChangeHistoryScreen("customer", code, code))
            await settle(pilot)
            text = flat(screen_text(app))
            assert "仓库: 王芳, 浙江省 杭州市 西湖区" in text, (user, text)
            assert (STREET not in text) == masked, (user, text)
            if masked:
                assert "西湖区…" in text


def _stop(**kw) -> StopView:
    fields = dict(id=1, seq=1, order_number="SO-2026-000001", shipment_id=1,
                  shipment_number="SH-1", customer_id=1, customer_name="王小明",
                  ship_to_name="王小明", phone="13800138000",
                  address="浙江省 杭州市 西湖区 文三路 90 号", items=(), cash_due_minor=0,
                  containers_out=0, containers_to_collect=0, delivered=None,
                  containers_back=0, cash_collected_minor=0, note="")  # fmt: skip
    return StopView(**{**fields, **kw})


def test_a_van_runs_stop_shows_its_address_as_the_role_may_see_it():
    stop = _stop()
    assert "文三路" in stop_row(stop, 120, False, "CNY", "warehouse").plain
    masked = stop_row(stop, 120, False, "CNY", "production").plain
    assert "浙江省 杭州市 西湖区…" in masked and "文三路" not in masked


def test_the_ship_dialog_shows_the_phone_as_the_role_may_see_it():
    view = dispatch.ShipmentView(
        id=1, number="SH-1", order_id=1, order_number="SO-1", status="picking",
        warehouse_code="HZ", carrier_code="", carrier_name="", tracking_no="",
        freight_minor=0, packages=1, weight_g=0, expected_date=date(2026, 12, 1),
        carrier_reason="", customer_name="王小明", ship_to_name="王小明",
        ship_to_phone="13800138000", ship_to_address="浙江省 杭州市 西湖区 文三路 90 号",
        notes="", lines=(), currency="CNY")  # fmt: skip
    choice = dispatch.CarrierChoice(options=(), proposed=None, reason="")
    run = lambda *a: None  # noqa: E731
    assert ShipDialog(view, choice, run, "warehouse").phone == "13800138000"
    assert ShipDialog(view, choice, run, "production").phone == "138****8000"
