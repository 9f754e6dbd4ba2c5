"""KeysFooter: rebuilt when the keys it shows change, not on every focus change."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Button, Input

from oms_tui.widgets.footer import KeysFooter


class Keyed(Button):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("f6", "press", "Press")]


class FooterApp(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1,question_mark", "bell", "Keys", key_display="F1/?"),
    ]

    def compose(self) -> ComposeResult:
        yield Input(id="first")
        yield Button("plain", id="second")
        yield Keyed("keyed", id="third")
        yield KeysFooter()


async def test_focus_moves_rebuild_the_footer_only_when_its_keys_change() -> None:
    app = FooterApp()
    async with app.run_test() as pilot:
        await pilot.pause()
        footer = app.query_one(KeysFooter)
        builds: list[int] = []
        recompose = footer.recompose

        async def counting() -> None:
            builds.append(1)
            await recompose()

        footer.recompose = counting  # type: ignore[method-assign]
        # Input -> Button: "?" comes back among the active keys, but F1/? is shown once
        app.query_one("#second").focus()
        await pilot.pause()
        await pilot.pause()
        assert builds == []
        app.query_one("#third").focus()  # a key of its own: F6 Press
        await pilot.pause()
        await pilot.pause()
        assert builds
        assert "Press" in {key.description for key in footer.query("FooterKey")}
