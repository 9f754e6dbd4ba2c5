"""Issue #18: what the stock, allocation, dispatch, tracking, van-run and state services say
reaches a Chinese clerk in Chinese (``i18n.shown``), with the values (numbers, codes, dates,
amounts) kept; the services themselves still speak English (the record)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from oms_tui import i18n
from oms_tui.models import Warehouse
from oms_tui.services.fulfilment import allocation, stock_operations
from oms_tui.services.inventory.stock import Difference
from oms_tui.services.platform.errors import IllegalTransition, InvalidInput, NotFound, StaleData
from oms_tui.services.shipping import delivery_runs, dispatch
from oms_tui.services.states import (
    invoice_states,
    order_states,
    production_states,
    shipment_states,
    stocktake_states,
    van_run_states,
)
from oms_tui.services.states.machine import Change, stale
from tests.dispatch_factories import world
from tests.test_i18n import chinese  # noqa: F401 (the fixture: the reader's language Chinese)

from .test_dispatch import MONDAY, _lines

pytestmark = pytest.mark.usefixtures("chinese")

# What may stay in Latin letters on a Chinese screen: codes and document numbers.
CODES = re.compile(r"\b(?:SO|SH|RUN|ST|PR|PO|INV)-[\d-]+|\b[A-Z]{2,}\d*\b")


def english_words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z]{2,}", CODES.sub("", text))


def refusal(check) -> str:  # noqa: ANN001
    with pytest.raises((IllegalTransition, InvalidInput, NotFound, StaleData)) as caught:
        check()
    return str(caught.value)


def test_state_refusals_name_the_statuses_in_chinese() -> None:
    said = refusal(lambda: order_states.check_transition("draft", "shipped"))
    assert said == ("an order that is draft cannot become shipped; "
                    "possible: Cancelled, Pending audit")  # fmt: skip
    assert i18n.shown(said) == "一张订单状态为“草稿”，不能改为“已发货”；可改为：已取消、待审"
    said = refusal(lambda: order_states.check_transition("pending_audit", "rejected"))
    assert i18n.shown(said) == "将订单改为“驳回”须填写原因"
    for check in (
        lambda: order_states.check_transition("approved", "draft"),  # five possible
        lambda: shipment_states.MACHINE.check("picking", "delivered"),
        lambda: production_states.MACHINE.check("planned", "done"),
        lambda: van_run_states.MACHINE.check("returned", "out"),
        lambda: stocktake_states.MACHINE.check("open", "posted"),
        lambda: invoice_states.MACHINE.check("void", "paid"),
    ):
        said = refusal(check)
        assert english_words(i18n.shown(said)) == [], (said, i18n.shown(said))
    unknown = refusal(lambda: order_states.check_transition("draft", "lost"))
    assert i18n.shown(unknown) == "未知的订单状态：lost"  # what was asked, as it was
    assert i18n.shown(refusal(lambda: van_run_states.MACHINE.check("returned", "out"))) == (
        "线路状态为“已结算”，不能改为“送货中”；已是最终状态"
    )


def test_a_stale_view_says_who_changed_it_in_chinese() -> None:
    at = datetime(2026, 11, 30, 2, 5, tzinfo=UTC)
    name = "order SO-2026-000001"
    error = stale(name, Change("li", at, "approved"))
    when = at.astimezone().strftime("%Y-%m-%d %H:%M")
    assert str(error) == f"order SO-2026-000001 was changed by li at {when} (approved); " \
                         "nothing was saved"  # fmt: skip
    assert i18n.shown(str(error)) == (
        f"订单 SO-2026-000001 已被li 于 {when}修改（通过）；未保存任何内容"
    )
    assert i18n.shown(error.short) == f"订单 SO-2026-000001 已被li 于 {when}修改；未保存任何内容"
    nobody = stale(name, None)
    assert i18n.shown(str(nobody)) == "订单 SO-2026-000001 已被其他人修改；未保存任何内容"


def test_an_allocation_summary_reads_line_by_line_in_chinese() -> None:
    hz = Warehouse(id=1, code="HZ", name="杭州", region="East", allocation_rank=1)
    bj = Warehouse(id=2, code="BJ", name="北京", region="North", allocation_rank=2)
    prefs = allocation.warehouse_preference([hz, bj], "East")
    plan = allocation._plan_line(7, prefs, {1: 0, 2: 3}, split=False)
    [(wh, qty, why)] = plan
    assert why == "allocation order #2; no warehouse has all 7 (lines not split)"
    lines = (
        allocation.LineAllocation(1, "LAMP", 7, (allocation.Placed(wh.code, qty, why),), 0, 4,
                                  False),
        allocation.LineAllocation(2, "SOFA", 1, (), 0, 0, True,
                                  ("PO-2026-000003", "RM-OAK short 3 (30 of 33)")),
        allocation.LineAllocation(3, "DESK", 2, (), 0, 2, False),
    )  # fmt: skip
    summary = allocation._summary(lines, waiting_complete=False)
    assert summary == ("L1 3 from BJ (allocation order #2; no warehouse has all 7 (lines not "
                       "split)); L1 4 backordered; "
                       "L2 to production (PO-2026-000003: RM-OAK short 3 (30 of 33)); "
                       "L3 2 backordered")  # fmt: skip
    shown = i18n.shown(summary)
    assert shown.startswith("第 1 行从 BJ 分配 3（分配顺序第 2 位；没有仓库能满足全部 7"
                            "（明细不拆分））；第 1 行缺货待发 4；")  # fmt: skip
    assert "；第 2 行转生产（PO-2026-000003：" in shown  # the materials: production's words
    assert shown.endswith("；第 3 行缺货待发 2")
    assert i18n.shown(prefs[0][1]) == "客户所在地区 East"
    waiting = allocation._summary(lines[2:], waiting_complete=True)
    assert i18n.shown(waiting) == "整单发货：所有明细都能满足之前不分配库存；第 3 行缺货待发 2"


def test_carrier_reasons_in_chinese(db) -> None:
    w = world(db)
    lines = _lines(db, [(w.lamp, 1)])
    with db.read() as s:
        by_tue = dispatch.carrier_options_in(s, "East", lines, MONDAY, date(2026, 12, 1))
        too_soon = dispatch.carrier_options_in(s, "East", lines, MONDAY, MONDAY)
        nowhere = dispatch.carrier_options_in(s, "Tibet", lines, MONDAY, None)
    assert i18n.shown(by_tue.reason).startswith(
        "SF 是 12-01 前送达中最便宜的（¥38.00，1 天）；ZTO ¥20.00，12-02 送达，太晚"
    )
    assert i18n.shown(too_soon.reason) == "没有承运商能在 11-30 前送达；SF 最快（1 天，¥38.00）"
    if nowhere.proposed is None:
        assert i18n.shown(nowhere.reason) == "没有承运商服务 Tibet"
    assert i18n.shown("no carrier serves this region") == "没有承运商服务 该地区"


def test_stock_errors_and_ledger_differences_in_chinese(db) -> None:
    world(db)
    said = refusal(lambda: stock_operations.adjust(db, "admin", 1, "HZ", 3, " "))
    assert i18n.shown(said) == "库存调整须填写原因"
    said = refusal(lambda: stock_operations.transfer(db, "admin", 1, "HZ", "hz", 1))
    assert i18n.shown(said) == "请选择两个不同的仓库"
    said = refusal(lambda: stock_operations.adjust(db, "admin", 1, "NOPE", 3, "found"))
    assert i18n.shown(said) == "没有启用的仓库“NOPE”"
    diff = Difference("LAMP", "HZ", "on hand", 5, 3)
    assert str(diff) == "LAMP @ HZ: on hand is 5, the ledger says 3"
    assert i18n.shown(str(diff)) == "LAMP @ HZ：现存为 5，库存流水为 3"


def test_a_settled_runs_money_in_chinese() -> None:
    money = (
        delivery_runs.StopMoney(1, "王丽", 12_000, 12_000, "PAY-1", (("INV-2026-000001", 12_000),),
                                0, "", 0, "", 0, ()),
        delivery_runs.StopMoney(2, "李强", 3_000, 1_000, "PAY-2", (), 0, "INV-2026-000002",
                                2_000, "", 0, (("INV-2026-000002", 2_000),)),
    )  # fmt: skip
    run = delivery_runs.RunView(1, "RUN-2026-000001", "VAN1", "一号车", MONDAY, "returned", "王",
                                (), 13_000, currency="CNY", money=money)  # fmt: skip
    said = delivery_runs.money_sentence(run)
    assert said == (
        "Cash ¥130.00 recorded, paying INV-2026-000001; stop 2 ¥20.00 short "
        "(INV-2026-000002 open, follow-up written); deposit ¥20.00 billed"
    )
    assert i18n.shown(said) == (
        "已记录现金 ¥130.00，冲抵 INV-2026-000001；第 2 站短收 ¥20.00"
        "（INV-2026-000002 未结，已记跟进）；押金 ¥20.00 已开票"
    )


def test_the_shipping_notice_speaks_the_customers_language() -> None:
    view = dispatch.ShipmentView(
        id=1, number="SH-2026-000001", order_id=1, order_number="SO-2026-000001",
        status="shipped", warehouse_code="HZ", carrier_code="SF", carrier_name="顺丰",
        tracking_no="SF123", freight_minor=0, packages=1, weight_g=0,
        expected_date=date(2026, 12, 2), carrier_reason="", customer_name="王丽",
        ship_to_name="", ship_to_phone="", ship_to_address="", notes="", lines=(),
        currency="CNY", language="zh_CN",
    )  # fmt: skip
    assert dispatch.shipping_notice(view) == (
        "您好 王丽，\n您的订单 SO-2026-000001 已由 顺丰 发货。\n运单号：SF123\n预计送达：2026-12-02"
    )
    english = dispatch.shipping_notice(replace(view, language="en", tracking_no=""))
    assert english == "Hello 王丽,\nYour order SO-2026-000001 has shipped with 顺丰.\n" \
                      "Expected: 2026-12-02"  # fmt: skip
    both = dispatch.shipping_notice(replace(view, language=""))
    assert "Your order SO-2026-000001 has shipped with 顺丰. 您的订单 SO-2026-000001" in both
