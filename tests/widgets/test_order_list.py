"""OrderList: pages read in workers, a new list shown over the old one, sizes without layout."""

from __future__ import annotations

import threading
from typing import Any

from textual.app import App, ComposeResult

from oms_tui.widgets.order_list import OrderList
from tests.pilot import settle


def numbers(start: int, stop: int, page: int = 50, gate: threading.Event | None = None) -> Any:
    """A fetch over ``range(start, stop)`` in pages; ``gate``: each page waits for it."""

    def fetch(cursor: int | None) -> tuple[list[int], int | None]:
        if gate is not None:
            assert gate.wait(10)
        at = start if cursor is None else cursor
        rows = list(range(at, min(at + page, stop)))
        nxt = at + page
        return rows, (nxt if nxt < stop else None)

    return fetch


class ListApp(App[None]):
    def compose(self) -> ComposeResult:
        yield OrderList(lambda n, width: [(f"row {n}".ljust(width), "")], key=lambda n: n,
                        id="list")  # fmt: skip

    @property
    def rows(self) -> OrderList:
        return self.query_one("#list", OrderList)


async def test_a_new_list_can_keep_the_old_rows_until_its_first_page() -> None:
    app = ListApp()
    async with app.run_test(size=(40, 12)) as pilot:
        rows = app.rows
        rows.load(numbers(0, 1000))
        await settle(pilot)
        rows.focus()
        await pilot.press("pagedown", "space")
        await settle(pilot)
        assert rows.cursor > 0 and rows.selected

        gate = threading.Event()
        rows.load(numbers(5000, 5003, gate=gate), clear=False)
        await pilot.pause()
        assert rows.rows[0] == 0 and rows.cursor > 0  # the old rows, as they were
        gate.set()
        await settle(pilot)
        assert rows.rows == [5000, 5001, 5002]
        assert rows.cursor == 0 and rows.scroll_offset.y == 0 and not rows.selected
        assert rows.virtual_size.height == 3  # no more to load: no "loading more…" line


async def test_a_failed_new_list_does_not_leave_the_old_rows() -> None:
    def broken(cursor: Any) -> tuple[list[int], None]:
        raise RuntimeError("database gone")

    failures: list[str] = []
    app = ListApp()
    async with app.run_test(size=(40, 12), message_hook=lambda m: failures.extend(
            [str(m.error)] if isinstance(m, OrderList.Failed) else [])) as pilot:  # fmt: skip
        app.rows.load(numbers(0, 30))
        await settle(pilot)
        app.rows.load(broken, clear=False)
        await settle(pilot)
        assert app.rows.rows == [] and set(failures) == {"database gone"}


async def test_more_rows_grow_the_scroll_range_without_a_layout_pass() -> None:
    app = ListApp()
    async with app.run_test(size=(40, 12)) as pilot:
        rows = app.rows
        rows.load(numbers(0, 1000))
        await settle(pilot)
        loaded = len(rows.rows)
        layouts: list[bool] = []
        refresh = rows.refresh

        def counting(*regions: Any, layout: bool = False, **kw: Any) -> Any:
            layouts.append(layout)
            return refresh(*regions, layout=layout, **kw)

        rows.refresh = counting  # type: ignore[method-assign]
        rows.focus()
        await pilot.press("end")
        await settle(pilot)
        assert len(rows.rows) > loaded  # the next page came
        assert layouts and not any(layouts)  # repainted, never laid out (a screen-wide pass)
        assert rows.virtual_size.height == len(rows.rows) + 1
        assert rows.max_scroll_y == rows.virtual_size.height - rows.scrollable_content_region.height
        assert rows.vertical_scrollbar.window_virtual_size == rows.virtual_size.height
        assert rows.cursor == loaded - 1


class EarlyApp(ListApp):
    def compose(self) -> ComposeResult:
        rows = OrderList(lambda n, width: [(f"row {n}".ljust(width), "")], key=lambda n: n,
                         id="list")  # fmt: skip
        rows.load(numbers(0, 1000))  # before it is mounted: read while the screen is built
        yield rows


async def test_a_list_can_start_reading_before_it_is_mounted() -> None:
    app = EarlyApp()
    async with app.run_test(size=(40, 12)) as pilot:
        await settle(pilot)
        rows = app.rows
        assert rows.rows[:3] == [0, 1, 2] and rows.cursor == 0 and rows.loading_more
        assert rows.virtual_size.height == len(rows.rows) + 1
        rows.focus()
        await pilot.press("end")
        await settle(pilot)
        assert len(rows.rows) >= 100


async def test_a_screenful_beyond_the_screen_is_loaded_ahead() -> None:
    app = ListApp()
    async with app.run_test(size=(40, 60)) as pilot:
        rows = app.rows
        rows.load(numbers(0, 10_000))
        rows.focus()
        for _ in range(3):
            await settle(pilot)
            height = rows.size.height
            # the next PageDown lands on rows already loaded (no "loading more…" shown)
            assert len(rows.rows) >= rows.scroll_offset.y + 2 * height
            await pilot.press("pagedown")


async def test_moving_the_highlight_renders_only_the_rows_it_left_and_reached() -> None:
    formatted: list[int] = []

    class CountingApp(ListApp):
        def compose(self) -> ComposeResult:
            def row(n: int, width: int) -> list[tuple[str, str]]:
                formatted.append(n)
                return [(f"row {n}".ljust(width), "")]

            yield OrderList(row, key=lambda n: n, id="list")

    app = CountingApp()
    async with app.run_test(size=(40, 12)) as pilot:
        app.rows.load(numbers(0, 1000))
        app.rows.focus()
        await settle(pilot)
        formatted.clear()
        await pilot.press("down")
        await settle(pilot)
        assert sorted(formatted) == [0, 1]
