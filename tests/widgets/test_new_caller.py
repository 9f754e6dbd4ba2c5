"""NewCallerPanel: prefill from the customer field, the group typed by its start, and the
warm-up that must never close a panel the clerk has just opened."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from oms_tui.widgets.new_caller import NewCallerPanel, prefill, resolve_group

GROUPS = ("retail", "wholesale", "dealer", "key_account")


@pytest.mark.parametrize(
    ("typed", "name", "phone"),
    [
        ("13900001111", "", "13900001111"),
        ("139-0000 1111", "", "139-0000 1111"),
        ("(025) 4728 4548", "", "(025) 4728 4548"),
        ("+86 130 9621 8713", "", "+86 130 9621 8713"),
        ("李雷", "李雷", ""),
        ("  Wang 2  ", "Wang 2", ""),
        ("", "", ""),
    ],
)
def test_what_was_typed_goes_to_the_phone_or_the_name(typed: str, name: str, phone: str) -> None:
    values = prefill(typed)
    assert (values["name"], values["phone"], values["group"]) == (name, phone, "retail")


@pytest.mark.parametrize(
    ("typed", "group"),
    [("w", "wholesale"), ("Dealer", "dealer"), ("key account", "key_account"), ("k", "key_account"),
     ("retail", "retail"), ("x", None), ("", None)],
)  # fmt: skip
def test_a_group_by_its_name_or_start(typed: str, group: str | None) -> None:
    assert resolve_group(typed, GROUPS) == group
    assert resolve_group("d", ("dealer", "distributor")) is None  # two start so: ask


class PanelApp(App[None]):
    def compose(self) -> ComposeResult:
        yield NewCallerPanel(GROUPS, id="panel")


async def test_opened_during_its_warm_up_it_stays_open_and_seen() -> None:
    app = PanelApp()
    async with app.run_test() as pilot:
        panel = app.query_one(NewCallerPanel)
        panel.warm_up()
        assert not panel.is_open  # laid out, unseen
        panel.open("13900001111")  # before the warm-up's refresh: a fast clerk
        await pilot.pause()
        await pilot.pause()
        assert panel.is_open and panel.styles.visibility == "visible"
        assert panel.values()["phone"] == "13900001111"
        assert app.focused is panel.field("name")


async def test_warmed_up_it_is_hidden_again() -> None:
    app = PanelApp()
    async with app.run_test() as pilot:
        panel = app.query_one(NewCallerPanel)
        panel.warm_up()
        await pilot.pause()
        await pilot.pause()
        assert not panel.display and not panel.is_open
        assert panel.styles.visibility == "visible"
