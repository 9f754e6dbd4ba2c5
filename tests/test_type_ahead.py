"""The app's type-ahead (``oms_tui/type_ahead.py``) on plain Textual widgets: keys in one
burst land as typed slowly, across bindings, focus changes, a screen opening and a worker
whose answer the next keys belong to; without it (a plain ``App``) they do not."""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

from textual import events, work
from textual.app import App, ComposeResult, _character_to_key
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen
from textual.widgets import Input

from oms_tui.failures import TellsFailures
from oms_tui.type_ahead import TypeAhead
from tests.pilot import settle

KEYS = {"\t": ("tab", "\t"), "\r": ("enter", "\r"), "\b": ("backspace", "\x7f")}


class Ask(TellsFailures, ModalScreen[str]):
    """A dialog with one field; Enter answers with it."""

    def compose(self) -> ComposeResult:
        yield Input(id="answer")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)


class Form(TellsFailures, App[None]):
    """Two fields; F5 asks at once, F6 asks once a worker has answered."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f5", "ask", "Ask"),
        Binding("f6", "look_up", "Look up"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.submitted: list[str] = []
        self.answers: list[str] = []

    def compose(self) -> ComposeResult:
        yield Input(id="one")
        yield Input(id="two")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.submitted.append(event.value)
        event.input.value = ""

    def action_ask(self) -> None:
        self.push_screen(Ask(), self.answers.append)

    def action_look_up(self) -> None:
        self.look_up()

    @work(thread=True, group="look-up")
    def look_up(self) -> None:
        self.call_from_thread(self.action_ask)

    def worker_failed(self, worker: Any, error: BaseException) -> None:
        raise error


class TypingForm(TypeAhead, Form):
    HELD_MODULES = ("tests.",)  # its own workers hold keys, as oms's do in OmsApp


def burst(app: App[Any], text: str, fkeys: dict[str, str] | None = None) -> None:
    """Every key posted at once (``\\t`` Tab, ``\\r`` Enter, ``\\b`` Backspace, and
    ``fkeys``: a character standing for a function key)."""
    for ch in text:
        key, character = KEYS.get(ch, (ch if ch.isalnum() else _character_to_key(ch), ch))
        if fkeys and ch in fkeys:
            key, character = fkeys[ch], None  # type: ignore[assignment]
        event = events.Key(key, character)
        event.set_sender(app)
        app.post_message(event)


def values(app: App[Any]) -> tuple[str, str]:
    return app.query_one("#one", Input).value, app.query_one("#two", Input).value


async def test_a_backspace_and_an_enter_stay_where_they_were_typed() -> None:
    app = TypingForm()
    async with app.run_test() as pilot:
        burst(app, "ba\bc\rAAA1\rBBB2\r")
        await settle(pilot)
        assert app.submitted == ["bc", "AAA1", "BBB2"]


async def test_keys_after_a_tab_go_to_the_next_field() -> None:
    app = TypingForm()
    async with app.run_test() as pilot:
        burst(app, "李雷\t浙江")
        await settle(pilot)
        assert values(app) == ("李雷", "浙江")
        assert app.keys_held_total > 0  # (they did have to wait)


async def test_keys_after_a_binding_that_opens_a_dialog_go_into_it() -> None:
    app = TypingForm()
    async with app.run_test() as pilot:
        burst(app, "ab§yes\rcd", {"§": "f5"})
        await settle(pilot)
        assert app.answers == ["yes"] and values(app) == ("abcd", "")


async def test_keys_wait_for_a_worker_whose_answer_opens_a_dialog() -> None:
    app = TypingForm()
    async with app.run_test() as pilot:
        burst(app, "§yes\rcd", {"§": "f6"})
        await settle(pilot)
        assert app.answers == ["yes"] and values(app) == ("cd", "")


async def test_5_and_20_ms_apart_as_in_one_burst() -> None:
    for ms in (5, 20):
        app = TypingForm()
        async with app.run_test() as pilot:
            for ch in "ab\tc§yes\rd":
                burst(app, ch, {"§": "f5"})
                await asyncio.sleep(ms / 1000)
            await settle(pilot)
            assert app.answers == ["yes"] and values(app) == ("ab", "cd")


async def test_without_it_the_keys_overtake_each_other() -> None:
    """Why it exists (textual 8.2.8): the same bursts on a plain app go wrong."""
    app = Form()
    async with app.run_test() as pilot:
        burst(app, "李雷\t浙江ab§yes\r", {"§": "f5"})
        await settle(pilot)
        assert (values(app), app.answers) != (("李雷", "浙江ab"), ["yes"])
