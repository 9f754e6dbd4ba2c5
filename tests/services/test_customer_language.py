"""The language a customer's documents print in (issue 18): theirs, else the company's,
else both; set through the service, logged, refused when unknown or not permitted."""

from __future__ import annotations

import pytest

from oms_tui.services.parties import language
from oms_tui.services.platform import settings
from oms_tui.services.platform.change_log import change_log
from oms_tui.services.platform.errors import InvalidInput
from oms_tui.services.platform.permissions import NotPermitted
from tests.audit_factories import customer


def _code(db, cid: int) -> str:
    from oms_tui.models import Customer

    with db.read() as session:
        return session.get(Customer, cid).code


def test_a_customers_language_then_the_companys_then_both(db) -> None:
    code = _code(db, customer(db, "永安设计", phone="13900000001"))
    assert language.customer_language(db, code) == ("", "")
    settings.set_setting(db, "admin", "language", "en")
    assert language.customer_language(db, code) == ("", "en")
    assert language.set_customer_language(db, "clerk", code, "中文") == "zh_CN"
    assert language.customer_language(db, code) == ("zh_CN", "zh_CN")
    assert language.set_customer_language(db, "clerk", code, "default") == ""
    assert language.customer_language(db, code) == ("", "en")
    changes = [(c.actor, c.field, c.before, c.after) for c in change_log(db, entity="customer")]
    assert ("clerk", "language", "", "zh_CN") in changes
    assert ("clerk", "language", "zh_CN", "") in changes


def test_an_unknown_language_or_a_role_without_customers_edit_is_refused(db) -> None:
    code = _code(db, customer(db, "永安设计", phone="13900000001"))
    with pytest.raises(InvalidInput, match="language 'fr'"):
        language.set_customer_language(db, "clerk", code, "fr")
    with pytest.raises(NotPermitted):
        language.set_customer_language(db, "warehouse", code, "en")
    assert language.customer_language(db, code) == ("", "")


def test_a_shipment_carries_its_customers_language(db) -> None:
    from oms_tui.models import Order
    from oms_tui.services.shipping import dispatch
    from tests.dispatch_factories import allocated_order, world

    w = world(db)
    order_id = allocated_order(db, [(w.lamp, 2)])
    with db.read() as session:
        cid = session.get(Order, order_id).customer_id
    language.set_customer_language(db, "clerk", _code(db, cid), "en")
    [shipment] = dispatch.create_shipments(db, "picker", [order_id])
    assert shipment.language == "en"
    assert dispatch.get_shipment(db, shipment.id).language == "en"
