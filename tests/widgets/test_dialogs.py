"""The shared dialogs answer by one key: a choice by its letter (Enter takes the one
highlighted, Esc none), a prompt refuses what its check refuses, a confirm is y or n."""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.widgets import Static

from oms_tui.widgets.dialogs import ChoiceDialog, ConfirmDialog, PromptDialog

CHOICES = [("p", "phone", "Phone"), ("w", "walk_in", "Walk-in"), ("e", "ecommerce", "Web")]


async def answers(dialog: Any, *keys: str) -> list[Any]:
    app: App[None] = App()
    results: list[Any] = []
    async with app.run_test() as pilot:
        app.push_screen(dialog, results.append)
        await pilot.pause()
        await pilot.press(*keys)
        await pilot.pause()
    return results


async def test_a_choice_by_letter_by_enter_on_the_current_one_or_none() -> None:
    assert await answers(ChoiceDialog("Channel", CHOICES), "w") == ["walk_in"]
    assert await answers(ChoiceDialog("Channel", CHOICES, current="ecommerce"),
                         "enter") == ["ecommerce"]  # fmt: skip
    assert await answers(ChoiceDialog("Channel", CHOICES), "x", "escape") == [None]


async def test_a_prompt_refused_by_its_check_stays_open_with_why() -> None:
    def check(text: str) -> str | None:
        return None if text.strip() else "a reason is required"

    app: App[None] = App()
    results: list[str | None] = []
    async with app.run_test() as pilot:
        app.push_screen(PromptDialog("Override", "Reason:", check=check), results.append)
        await pilot.pause()
        await pilot.press("enter")
        dialog = app.screen
        assert isinstance(dialog, PromptDialog) and results == []
        assert "a reason is required" in str(dialog.query_one("#prompt-error", Static).content)
        await pilot.press(*"rival", "enter")
        await pilot.pause()
    assert results == ["rival"]


async def test_a_confirm_is_yes_or_no() -> None:
    assert await answers(ConfirmDialog("Cancel ST-1?", "Counts are discarded."), "y") == [True]
    assert await answers(ConfirmDialog("Cancel ST-1?", "Counts are discarded."), "enter") == [True]
    assert await answers(ConfirmDialog("Cancel ST-1?", "Counts are discarded."), "n") == [False]
    assert await answers(ConfirmDialog("Cancel ST-1?", "Counts are discarded."),
                         "escape") == [False]  # fmt: skip


async def test_a_choice_says_which_kind_of_key_picks() -> None:
    app: App[None] = App()
    async with app.run_test() as pilot:
        for choices, kind in ((CHOICES, "letter"), ([("1", "a", "A"), ("2", "b", "B")], "digit"),
                              ([("1", "a", "A"), ("x", "b", "B")], "key")):  # fmt: skip
            app.push_screen(ChoiceDialog("Which", choices))
            await pilot.pause()
            box = app.screen.query_one(".dialog")
            assert box.border_subtitle == f"{kind} or Enter picks · Esc backs out"
            app.pop_screen()
            await pilot.pause()
