"""FormDialog: fields typed in one burst (a fast typist, one SSH packet) land field by field;
the dialog dismisses with what its call returned; a refusal is shown at its field."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.app import App

from oms_tui.services.platform.errors import InvalidInput
from oms_tui.type_ahead import TypeAhead
from oms_tui.widgets.form_dialog import FormDialog, FormField


class TypingApp(TypeAhead, App[Any]):
    """An app with type-ahead, as ``OmsApp`` is (keys typed ahead wait for the Tab)."""


FIELDS = [FormField("code", "Code"), FormField("qty", "Qty", "1"), FormField("note", "Note")]


def burst(app: App[Any], text: str) -> None:
    keys = {"\t": ("tab", "\t"), "\r": ("enter", "\r")}
    for ch in text:
        key, character = keys.get(ch, (ch, ch))
        event = events.Key(key, character)
        event.set_sender(app)
        app.post_message(event)


async def open_form(app: App[Any], pilot: Any, run: Any) -> list[Any]:
    results: list[Any] = []
    app.push_screen(FormDialog("Test", FIELDS, run), results.append)
    await pilot.pause()
    return results


async def test_a_burst_with_tab_and_enter_lands_field_by_field() -> None:
    app: App[Any] = TypingApp()
    async with app.run_test() as pilot:
        results = await open_form(app, pilot, lambda values: values)
        burst(app, "AB-1\t3\rcall first\r")  # Tab, then Enter moves on; Enter on the last saves
        for _ in range(6):
            await pilot.pause()
            await app.workers.wait_for_complete()
        assert results == [{"code": "AB-1", "qty": "3", "note": "call first"}]


async def test_a_refusal_is_shown_at_its_field_and_nothing_is_dismissed() -> None:
    def run(values: dict[str, str]) -> str:
        if not values["qty"].isdigit():
            raise InvalidInput("qty: a whole number", "qty")
        return "saved"

    app: App[Any] = TypingApp()
    async with app.run_test() as pilot:
        results = await open_form(app, pilot, run)
        burst(app, "AB-1\tx\r\r")
        for _ in range(6):
            await pilot.pause()
            await app.workers.wait_for_complete()
        form = app.screen
        assert isinstance(form, FormDialog) and results == []
        assert app.focused is form.query_one("#f-qty") and "-error" in app.focused.classes
        burst(app, "2\r\r")  # "x" is selected: typing replaces it
        for _ in range(6):
            await pilot.pause()
            await app.workers.wait_for_complete()
        assert results == ["saved"]
