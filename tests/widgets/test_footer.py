"""KeysFooter: changed when the keys it shows change (in place: no recompose), not on every
focus change."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Button, Input

from oms_tui.widgets.footer import KeysFooter


class Keyed(Button):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("f6", "press", "Press")]


class SameText(Button):
    """Its own action behind the app's F1 key, shown with the same text."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "press", "Keys", key_display="F1/?", tooltip="mine"),
    ]


class FooterApp(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1,question_mark", "bell", "Keys", key_display="F1/?"),
    ]

    def compose(self) -> ComposeResult:
        yield Input(id="first")
        yield Button("plain", id="second")
        yield Keyed("keyed", id="third")
        yield SameText("same", id="fourth")
        yield KeysFooter()


def shown(footer: KeysFooter) -> list[tuple[str, str, str]]:
    return [(key.key_display, key.description, key.action) for key in footer.query("FooterKey")]


async def test_focus_moves_change_the_footer_only_when_its_keys_change() -> None:
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
        first = list(footer.query("FooterKey"))
        # Input -> Button: "?" comes back among the active keys, but F1/? is shown once
        app.query_one("#second").focus()
        await pilot.pause()
        await pilot.pause()
        assert shown(footer)[0] == ("F1/?", "Keys", "bell")
        assert len(shown(footer)) == len(first)
        app.query_one("#third").focus()  # a key of its own: F6 Press, added to the footer
        await pilot.pause()
        await pilot.pause()
        assert ("f6", "Press", "press") in shown(footer)  # as Footer shows it
        assert all(key.region.width > 0 for key in footer.query("FooterKey"))
        app.query_one("#fourth").focus()  # F6 goes; F1 shows the same text, runs its press
        await pilot.pause()
        await pilot.pause()
        assert shown(footer)[0] == ("F1/?", "Keys", "press")
        assert "Press" not in {d for _k, d, _a in shown(footer)}
        assert list(footer.query("FooterKey"))[0] is first[0]  # changed in place
        assert builds == []  # never composed again


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


class Crowded(Screen[None]):
    """More keys than 60 columns hold."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "bell", "Save the order"),
        Binding("f6", "bell_two", "Receive goods"),
        Binding("f7", "bell_three", "Transfer stock"),
        Binding("f8", "bell_four", "Adjust a level"),
        Binding("f12", "back", "Back"),
    ]

    def compose(self) -> ComposeResult:
        yield Button("here")
        yield KeysFooter(compact=True)

    def action_back(self) -> None:
        pass


class CrowdedApp(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "toggle_keys", "Keys", key_display="F1/?"),
        Binding("ctrl+t", "toggle_dark", "Theme"),
        Binding("f3", "quit", "Quit"),
    ]

    def action_toggle_keys(self) -> None:
        pass

    def on_mount(self) -> None:
        self.push_screen(Crowded())


async def test_keys_that_do_not_fit_are_dropped_theme_first_never_back_keys_or_quit() -> None:
    app = CrowdedApp()
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        await pilot.pause()
        footer = app.screen.query_one(KeysFooter)
        visible = {k.description for k in footer.query("FooterKey") if k.display}
        assert {"Back", "Keys", "Quit"} <= visible
        assert "Theme" not in visible and "Adjust a level" not in visible
        assert all(k.region.right <= 60 for k in footer.query("FooterKey") if k.display)
        await pilot.resize_terminal(160, 10)  # room again: every key is back
        await pilot.pause()
        await pilot.pause()
        assert all(k.display for k in footer.query("FooterKey"))


async def test_no_key_runs_under_the_palette_key_at_any_width() -> None:
    """Every width from 50 to 120 columns: the keys shown end before the palette key's left
    border (at one width the last key, Quit, lost its last cell under it: Chinese "退出"
    showed "退" on the import screen at 120 columns)."""
    app = CrowdedApp()
    async with app.run_test(size=(50, 10)) as pilot:
        for width in range(50, 121):
            await pilot.resize_terminal(width, 10)
            await pilot.pause()
            await pilot.pause()
            footer = app.screen.query_one(KeysFooter)
            palette = footer.query_one("FooterKey.-command-palette")
            shown = [k for k in footer.query("FooterKey") if k.display and k is not palette]
            assert {"Back", "Keys", "Quit"} <= {k.description for k in shown}, width
            assert max(k.region.right for k in shown) <= palette.region.x, width
