"""KeysFooter: rebuilt when the keys it shows change, not on every focus change."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
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


class Area(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("f7", "extra", "Extra")]

    def compose(self) -> ComposeResult:
        yield Button("here")
        yield KeysFooter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action == "extra" and not self.app.extra)  # type: ignore[attr-defined]


class AreasApp(App[None]):
    MODES: ClassVar[dict[str, Any]] = {"one": Area, "two": Area}
    DEFAULT_MODE = "one"
    extra = False


async def test_a_hidden_screen_rebuilds_its_footer_when_shown_again() -> None:
    app = AreasApp()
    async with app.run_test() as pilot:
        await pilot.pause()
        one = app.screen
        footer = one.query_one(KeysFooter)
        assert "Extra" not in {key.description for key in footer.query("FooterKey")}
        app.switch_mode("two")
        await pilot.pause()
        app.extra = True
        one.refresh_bindings()  # its keys change while another area is shown
        await pilot.pause()
        await pilot.pause()
        assert "Extra" not in {key.description for key in footer.query("FooterKey")}
        app.switch_mode("one")
        for _ in range(3):
            await pilot.pause()
        assert "Extra" in {key.description for key in footer.query("FooterKey")}
