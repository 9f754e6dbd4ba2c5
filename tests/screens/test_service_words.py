"""The services' words the screens show as they are (issue #18): each has its Chinese in
the catalog (``screens/formats.py`` marks them; a word added to a service and not there
fails here), and a screen shows them in the current language."""

from __future__ import annotations

import pytest

from oms_tui import i18n
from oms_tui.screens.formats import said
from oms_tui.services.catalog import catalog
from oms_tui.services.parties.customers import GROUPS
from oms_tui.services.sales.customer_history import CustomerCard
from oms_tui.services.sales.order_query import SYNTAX_HELP
from oms_tui.services.states.order_states import LABELS


@pytest.fixture
def chinese():
    i18n.set_language("zh_CN")
    yield
    i18n.set_language("en")


def credit_statuses() -> list[str]:
    def card(**kw: object) -> str:
        fields: dict[str, object] = dict(
            id=1, code="C1", name="王小明", group="retail", tier="", region="", phones=(),
            payment_terms="", credit_limit_minor=0, open_balance_minor=0, overdue_minor=0,
            credit_hold=False, credit_hold_reason="", last_order_on=None, addresses=(),
            notes="", currency="CNY")  # fmt: skip
        return CustomerCard(**(fields | kw)).credit_status  # type: ignore[arg-type]

    return [card(), card(overdue_minor=1), card(credit_limit_minor=1, open_balance_minor=2),
            card(credit_hold=True)]  # fmt: skip


def service_words() -> list[str]:
    return [*LABELS.values(), *credit_statuses(), catalog.IN_STOCK, catalog.LOW,
            catalog.BACKORDER, catalog.MADE_TO_ORDER, SYNTAX_HELP]  # fmt: skip


def test_every_service_word_shown_has_its_chinese(chinese: None) -> None:
    untranslated = [w for w in service_words() if said(w) == w]
    assert untranslated == []


def test_a_credit_hold_keeps_its_reason_as_typed(chinese: None) -> None:
    assert said("on credit hold: 等付款") == "停止赊销：等付款"
    assert said("Pending audit") == "待审"


def test_customer_groups_read_as_people_say_them(chinese: None) -> None:
    from oms_tui.screens.formats import group_name

    assert [group_name(g) for g in GROUPS] == ["零售", "批发", "经销商", "大客户"]
    i18n.set_language("en")
    assert group_name("key_account") == "key account"


def test_english_is_as_the_services_say_it() -> None:
    assert [said(w) for w in service_words()] == service_words()


def test_the_queue_checks_levels_and_names_translated(chinese: None) -> None:
    from oms_tui.screens.audit_rows import checks_text
    from oms_tui.services.sales.audit_checks import CheckResult, summarise

    results = [
        CheckResult("credit", "fail", "x"),
        CheckResult("stock", "warn", "y"),
        CheckResult("duplicate", "warn", "z"),
        CheckResult("price", "pass", ""),
    ]
    assert checks_text(summarise(results)) == "未通过: 信用; 警告: 库存, 重复订单"
    assert checks_text(summarise(results[3:])) == "全部通过"
    i18n.set_language("en")
    assert checks_text(summarise(results)) == summarise(results)
    made = [CheckResult("made_to_order", "fail", "x")]
    assert checks_text(summarise(made)) == "fail: made to order"  # the name, not the code
