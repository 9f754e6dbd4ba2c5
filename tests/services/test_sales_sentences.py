"""The sales and catalog services' sentences in Chinese (issue #18): what a clerk reads of
them (an audit check's reason, an order's priority reasons, a price source, an event's why,
a refusal) is written in English and read back by ``i18n.shown``, leaving no English word
but the codes and the data (a product code, a typed reason, a promotion's name)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlmodel import select

from oms_tui import i18n
from oms_tui.models import Promotion
from oms_tui.services.platform.errors import OmsError
from oms_tui.services.sales import audit_checks, audit_decisions, orders, templates
from oms_tui.services.sales.entry import parse_requested_date, parse_scan
from oms_tui.services.sales.order_query import parse_query
from oms_tui.services.states.order_states import OrderStatus as S
from tests.audit_factories import customer, order, set_customer, set_product, stock
from tests.factories import make_product

TODAY = date.today()


@pytest.fixture
def chinese():
    i18n.set_language(i18n.CHINESE)
    yield
    i18n.set_language(i18n.ENGLISH)


def english(text: str, *data: str) -> list[str]:
    """The English words left in ``text`` once the data (codes, names, typed text) is out."""
    for value in sorted(data, key=len, reverse=True):
        text = text.replace(value, " ")
    return re.findall(r"[A-Za-z]{2,}", text)


def _code(db, product_id: int) -> str:
    from oms_tui.models import Product

    with db.read() as s:
        return s.exec(select(Product.code).where(Product.id == product_id)).one()


def test_priority_reasons_in_chinese(chinese) -> None:
    late = audit_checks.priority_score(
        requested_date=TODAY - timedelta(days=2), today=TODAY, customer_group="retail",
        customer_tier="a", total_minor=250_050, currency="CNY", order_priority=2,
        bump_points=100)  # fmt: skip
    assert late.reasons == (
        "overdue by 2 days",
        "tier A customer",
        "¥2,500.50",
        "marked urgent",
        "bumped +100",
    )  # the English, as stored
    said = [i18n.shown(r) for r in late.reasons]
    assert said == ["逾期 2 天", "A 级客户", "¥2,500.50", "紧急", "加急 +100"]
    others = [
        audit_checks.priority_score(
            requested_date=TODAY + timedelta(days=days),
            today=TODAY,
            customer_group=group,
            customer_tier="",
            total_minor=0,
            currency="CNY",
            order_priority=1,
        ).reasons  # fmt: skip
        for days, group in ((-1, "key_account"), (0, "retail"), (1, "retail"), (3, "retail"))
    ]
    shown = [[i18n.shown(r) for r in reasons] for reasons in others]
    assert [s[0] for s in shown] == ["逾期 1 天", "今天交货", "明天交货", "3 天后交货"]
    assert shown[0][1] == "大客户" and shown[0][-1] == "优先级高"
    assert all(english(s) == [] for reasons in shown for s in reasons)
    # stored joined, shown one by one
    assert audit_checks.reasons_of(late.text) == list(late.reasons)


def test_every_kind_of_check_reason_in_chinese(db, chinese) -> None:
    cid = customer(db, name="李伟五金", credit_hold=True, credit_hold_reason="欠款未还")
    stocked = make_product(db, price_minor=2500)
    short = make_product(db, price_minor=900)
    made = make_product(db, price_minor=5000)
    set_product(db, made, made_to_order=True)
    gone = make_product(db, price_minor=1000)
    stock(db, stocked, 100)
    stock(db, short, 2)
    stock(db, gone, 10)
    set_product(db, short, cost_minor=2000)  # below cost at 900
    view = order(db, cid, [
        orders.NewLine(stocked, 1, unit_price_minor=2000, override_reason="老客户价"),
        (short, 5), (made, 1), (gone, 1)], requested_date=None)  # fmt: skip
    set_product(db, gone, active=False)
    set_customer(db, cid, invoice_type="special")
    results = audit_checks.run_checks(db, view.id)
    codes = [_code(db, p) for p in (stocked, short, made, gone)]
    failed = {(r.code, r.level) for r in results if r.level != "pass"}
    assert {("completeness", "warn"), ("product", "fail"), ("price", "warn"), ("cost", "warn"),
            ("credit", "fail"), ("stock", "warn"), ("made_to_order", "fail"),
            ("invoicing", "warn")} <= failed  # fmt: skip
    for r in results:
        said = i18n.shown(r.reason)
        assert said != r.reason and english(said, *codes, "李伟五金") == [], (r.reason, said)
    by_code = {r.code: i18n.shown(r.reason) for r in results}
    assert by_code["credit"] == "客户已停止赊销：欠款未还"
    assert by_code["stock"] == f"第 2 行 {codes[1]}：缺货待发：短缺 3（可用 2，订购 5）"
    assert by_code["price"] == f"第 1 行 {codes[0]}：改价：老客户价"


def test_passing_checks_and_price_sources_in_chinese(db, chinese) -> None:
    cid = customer(db)
    lamp = make_product(db, price_minor=10_000)
    stock(db, lamp, 50)
    with db.write() as s:
        s.add(
            Promotion(
                name="灯具节",
                kind="percent_off",
                product_id=lamp,
                percent_bp=1000,
                starts_on=TODAY - timedelta(days=1),
                ends_on=TODAY + timedelta(days=1),
            )
        )
    view = order(db, cid, [orders.NewLine(lamp, 2, discount_minor=500)])
    source = orders.get_order(db, view.number).lines[0].price_source
    assert source == "list price; promotion 灯具节 -10%; line discount"  # the English stored
    assert i18n.shown(source) == "标价；促销 灯具节 -10%；行折扣"
    for r in audit_checks.run_checks(db, view.id):
        said = i18n.shown(r.reason)
        assert said != r.reason and english(said, "cod") == [], (r.reason, said)


def test_decisions_and_their_events_in_chinese(db, chinese) -> None:
    cid = customer(db, name="李伟五金")
    lamp, rare = make_product(db, price_minor=2500), make_product(db, price_minor=1200)
    stock(db, lamp, 100)
    held, warned, busy = (order(db, cid, [(p, q)]) for p, q in ((lamp, 1), (rare, 3), (lamp, 2)))
    for v in (held, warned, busy):
        audit_checks.submit_for_audit(db, "wang", v.id)
    audit_decisions.hold(db, "li", held.id, "等客户回电", TODAY + timedelta(days=2))
    audit_decisions.hold(db, "li", held.id, "还没回电", TODAY + timedelta(days=3))
    audit_decisions.bump(db, "li", busy.id, "客户催单")
    bulk = audit_decisions.approve_many(db, "li", [warned.id, 9999])
    reasons = [e.reason for v in (held, busy, warned)
               for e in orders.get_order_by_id(db, v.id).events]  # fmt: skip
    said = [i18n.shown(r) for r in reasons]
    later = (TODAY + timedelta(days=3)).isoformat()
    assert f"再次暂停：还没回电（跟进 {later}）" in said
    assert "优先级已提升：客户催单" in said and "批量通过（警告：库存）" in said
    assert all(english(s, "stock") == [] for s in said), said
    code = _code(db, rare)
    ((_number, (why,)),) = bulk.warned
    assert i18n.shown(why) == f"库存 检查警告：第 1 行 {code}：缺货待发：短缺 3（可用 0，订购 3）"
    ((missing, (error,)),) = bulk.skipped
    assert missing == "order #9999" and i18n.shown(missing) == "订单 #9999"
    assert i18n.shown(error) == "没有编号为 9999 的订单"


def _refusal(call, *args, **kwargs) -> str:
    with pytest.raises(OmsError) as raised:
        call(*args, **kwargs)
    return str(raised.value)


def test_refusals_in_chinese(db, chinese) -> None:
    cid = customer(db, name="李伟五金")
    lamp = make_product(db, price_minor=2500)
    refusals = [
        _refusal(parse_scan, "*x", "CNY"),
        _refusal(parse_scan, "=-1", "CNY"),
        _refusal(parse_requested_date, "2020-01-01", TODAY),
        _refusal(parse_query, "tel:1380 tel:1390", TODAY),
        _refusal(parse_query, "from:today to:-3", TODAY),
        _refusal(orders.create_order, db, "wang", cid, [orders.NewLine(lamp, 0)]),
        _refusal(
            orders.create_order, db, "wang", cid, [orders.NewLine(lamp, 1)], payment_method="barter"
        ),  # fmt: skip
        _refusal(templates.create_template, db, "wang", "", [(lamp, 1)]),
        _refusal(audit_decisions.hold, db, "li", 1, "x", TODAY - timedelta(days=1)),
    ]
    said = [i18n.shown(r) for r in refusals]
    assert said[0] == "'x' 不是数量（应为整数）"
    assert said[2] == "2020-01-01 已是过去的日期"
    assert said[3] == "电话重复输入"
    assert said[5] == "第 1 行：数量至少为 1"
    for english_text, chinese in zip(refusals, said, strict=True):
        assert english(chinese, "barter", "cod", "prepaid", "credit", "installments") == [], (
            english_text, chinese)  # fmt: skip


def test_a_cancelled_orders_event_says_what_was_released(db, chinese) -> None:
    cid = customer(db)
    lamp = make_product(db, price_minor=2500)
    stock(db, lamp, 10)
    view = order(db, cid, [(lamp, 4)])
    audit_checks.submit_for_audit(db, "wang", view.id)
    audit_decisions.approve(db, "boss", view.id)
    orders.transition(db, "boss", view.id, S.CANCELLED, "客户取消")
    reason = orders.get_order_by_id(db, view.id).events[-1].reason
    assert reason == "客户取消 (4 reserved units released)"
    assert i18n.shown(reason) == "客户取消（释放预留 4 件）"


def test_a_template_that_cannot_be_ordered_says_why(db, chinese) -> None:
    cid = customer(db)
    water = make_product(db, code="W-19L")
    templates.create_template(db, "wang", "weekly water", [(water, 4)], customer_id=cid,
                              weekday=TODAY.weekday(), starting=TODAY)  # fmt: skip
    set_product(db, water, active=False)
    run = templates.run_standing_orders(db, "wang", TODAY)
    (problem,) = run.failed
    assert problem == "standing order weekly water: line 1: W-19L is no longer sold"
    assert i18n.shown(problem) == "定期订单 weekly water：第 1 行：W-19L 已停售"
    (view,) = templates.list_templates(db)
    weekday = i18n._(templates.WEEKDAYS[TODAY.weekday()])
    assert i18n.shown(view.schedule) == f"每{weekday}"
    missing = _refusal(orders.get_order, db, "SO-1999-000001")
    assert i18n.shown(missing) == "没有订单 SO-1999-000001"
    empty = _refusal(templates.create_template, db, "wang", "x", [])
    assert i18n.shown(empty) == "模板至少需要一行"
