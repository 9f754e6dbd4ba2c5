"""ScanInput keeps scanner bursts in order: Enter and Backspace are handled as they arrive."""

from __future__ import annotations

from textual import events
from textual.app import App, ComposeResult, _character_to_key
from textual.widgets import Input

from oms_tui.widgets.scan_input import ScanInput
from tests.pilot import settle


class ScanApp(App[None]):
    def __init__(self, widget: type[Input] = ScanInput) -> None:
        super().__init__()
        self.widget = widget
        self.scans: list[str] = []
        self.submitted: list[str] = []

    def compose(self) -> ComposeResult:
        yield self.widget(id="scan")

    def on_scan_input_scanned(self, message: ScanInput.Scanned) -> None:
        assert message.control is self.query_one("#scan")
        self.scans.append(message.value)

    def on_input_submitted(self, message: Input.Submitted) -> None:
        self.submitted.append(message.value)
        message.input.value = ""


def burst(app: App, keys: list[str]) -> None:
    """Every key queued at once, as a keyboard-wedge scanner types (no idle wait between)."""
    for key in keys:
        if key in ("enter", "backspace"):
            event = events.Key(key, "\r" if key == "enter" else "\x7f")
        else:
            event = events.Key(key if key.isalnum() else _character_to_key(key), key)
        event.set_sender(app)
        app.post_message(event)


async def test_ten_scans_back_to_back_stay_ten_scans() -> None:
    codes = [f"690123450{n:04d}" for n in range(10)]
    app = ScanApp()
    async with app.run_test() as pilot:
        burst(app, [k for code in codes for k in [*code, "enter"]])
        await settle(pilot)
        assert app.scans == codes
        assert app.query_one("#scan", ScanInput).value == ""


async def test_thirty_characters_arrive_complete_and_in_order() -> None:
    typed = "XD-40W*12 吸顶灯 白色 6901234567892"[:30]
    app = ScanApp()
    async with app.run_test() as pilot:
        burst(app, list(typed))
        await settle(pilot)
        assert app.query_one("#scan", ScanInput).value == typed


async def test_backspace_in_a_burst_deletes_where_it_was_typed() -> None:
    app = ScanApp()
    async with app.run_test() as pilot:
        burst(app, ["b", "a", "backspace", "c", "enter"])
        await settle(pilot)
        assert app.scans == ["bc"]


async def test_a_plain_input_runs_the_scans_together() -> None:
    """Why ScanInput exists (textual 8.2.8): Enter as a binding is overtaken by characters."""
    app = ScanApp(Input)
    async with app.run_test() as pilot:
        burst(app, [*"AAA1", "enter", *"BBB2", "enter"])
        await settle(pilot)
        assert app.submitted != ["AAA1", "BBB2"]


async def test_a_multi_line_paste_is_one_scan_per_line() -> None:
    app = ScanApp()
    async with app.run_test() as pilot:
        scan = app.query_one("#scan", ScanInput)
        scan.value = "X"
        scan.cursor_position = 1
        scan.post_message(events.Paste("A1\nB2\r\nC3"))
        await settle(pilot)
        assert app.scans == ["XA1", "B2"]
        assert scan.value == "C3"  # not ended by a newline: still being typed
        scan.post_message(events.Paste("D4\n"))
        await settle(pilot)
        scan.post_message(events.Paste("E5"))
        await settle(pilot)
        assert app.scans == ["XA1", "B2", "C3D4"] and scan.value == "E5"


async def test_a_search_field_keeps_its_text_and_up_down_pass_on() -> None:
    app = ScanApp()
    async with app.run_test() as pilot:
        scan = app.query_one("#scan", ScanInput)
        scan.keep_value = True
        await pilot.press(*"lamp", "enter")
        assert app.scans == ["lamp"] and scan.value == "lamp"
        assert scan.check_action("scroll_down", ()) is False
