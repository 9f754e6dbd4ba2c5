"""``i18n.shown``: a service's English sentence read back in the reader's language."""

from __future__ import annotations

import pytest

from oms_tui import i18n


@pytest.fixture
def chinese():
    before = i18n.current_language()
    i18n.set_language(i18n.CHINESE)
    yield
    i18n.set_language(before)


def test_a_msgid_is_its_translation(chinese) -> None:
    assert i18n.shown("Pending audit") == "待审"


def test_a_formatted_sentence_is_its_templates_translation_with_the_values(chinese) -> None:
    # "Could not {doing}: {error}" with doing = "read the runs", itself a msgid
    assert i18n.shown("Could not read the runs: disk full") == "无法读取线路：disk full"


def test_the_reading_that_leaves_fewest_english_words_wins(chinese) -> None:
    # also "Could not read {file}: {error}" (file = "the runs"): that reading leaves English
    assert "the runs" not in i18n.shown("Could not read the runs: x")


def test_plural_templates_take_the_form_for_the_count(chinese) -> None:
    assert i18n.shown("3 orders") == "3 张订单"


def test_what_no_template_says_stays_as_typed(chinese) -> None:
    for text in ("customer asked to wait", "王丽 13800000000", "", "Pending audit: Helen"):
        assert i18n.shown(text) == text


def test_english_is_left_alone() -> None:
    before = i18n.current_language()
    i18n.set_language(i18n.ENGLISH)
    try:
        assert i18n.shown("Pending audit") == "Pending audit"
    finally:
        i18n.set_language(before)


def test_a_template_with_too_few_words_of_its_own_is_never_read_back() -> None:
    assert i18n._template_pattern("{status}: {reason}") is None
    assert i18n._template_pattern("{n} rows") is not None
    assert i18n._template_pattern("{} rows") is None
    found = i18n._template_pattern("moved {n} of {n} to {place}").fullmatch("moved 2 of 2 to A")
    assert found and found.groupdict() == {"n": "2", "place": "A"}


def test_a_list_of_sentences_is_read_back_item_by_item(chinese) -> None:
    # ``L{line} {qty} backordered`` and ``L{line} to production``: no template for the list
    assert i18n.shown("L1 4 backordered; L2 to production") == "第 1 行缺货待发 4；第 2 行转生产"
    # a "; " inside brackets stays in its item
    assert i18n._list_items("L1 3 from HZ (region East; BJ short); L1 4 backordered") == [
        "L1 3 from HZ (region East; BJ short)",
        "L1 4 backordered",
    ]
    # what no template says keeps its own "; "
    assert i18n.shown("call first; back door") == "call first; back door"


def test_a_status_word_in_lower_case_inside_a_sentence_is_read_back(chinese) -> None:
    import oms_tui.screens.formats  # noqa: F401 (registers the status words)

    assert i18n.shown("draft") == i18n.shown("Draft") == "草稿"
    assert {"draft", "on hold", "pending audit"} <= i18n.LOWER_CASE_LABELS
    assert "approved as asked" not in i18n.LOWER_CASE_LABELS
    assert "draft" not in i18n.shown("not in audit (draft)")
    assert i18n.shown("nothing like a label") == "nothing like a label"


def test_a_stored_sentence_on_a_document_reads_in_the_documents_language() -> None:
    note = "ordered 2026-11-30; 送货前电话"  # what an importer writes (exchange/order_import)
    assert i18n.document_sentence("zh_CN", note) == "下单日期 2026-11-30；送货前电话"
    assert i18n.document_sentence("en", note) == note
    assert i18n.document_sentence("", note) == f"{note} 下单日期 2026-11-30；送货前电话"
    assert i18n.document_sentence("zh_CN", "左开") == "左开"  # a clerk's own note as typed
