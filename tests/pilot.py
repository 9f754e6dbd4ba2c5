"""How a test knows the app has done what it was given: on the app's own state, not a clock.

Textual's ``Pilot.press`` and ``Pilot.pause()`` guess that the app is idle when the process
spends under a twentieth of a short sleep on the CPU. A key that opens a screen is handled
over several turns of the event loop, keys typed meanwhile are held by the app
(``type_ahead.py``) and a thread worker's answer arrives as a message: the guess can come
between two of those, earlier on a loaded machine, and the test then asserts on a screen
not yet there. ``install()`` (tests/conftest.py) makes both also wait until nothing is
queued: no message waiting in any message pump of the app, no layout, repaint or callback
waiting for the screen's next refresh, no key held. Workers are not waited for here (a test
may hold one on purpose); ``settle`` (tests/screens/test_app.py) waits for them too.

With that, the guess's sleep can be short: Textual sleeps 20 ms at a time (every pause 20 ms
or more, every key 40 ms: over a second of a screen test's wall time with nothing running,
measured 109 s wall for 42 CPU s over 60 snapshot tests); 2 ms keeps its rule.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from textual import _wait
from textual.app import App
from textual.pilot import Pilot
from textual.worker import WorkerCancelled, WorkerFailed, WorkerState

IDLE_STEP_S = 0.002  # (Textual's own step: 1 / 50 s)
QUEUE_WAIT_BOUND = 100_000  # turns of the event loop before a test is told the app never quiets


def queued(app: App[Any]) -> list[object]:
    """What the app has been given and not yet done: unhandled messages (of every screen,
    not only the one on top: a screen being switched to reads its first page while it is
    built), a resize not yet passed on, a layout or repaint of the screen on top still to
    run and the callbacks waiting for it, keys typed ahead not yet given (``type_ahead.py``)."""
    pumps = [app, *list(app._registry)]
    screen = app.screen if app.screen_stack else None
    # (not while the app holds its updates in a batch: a screen being popped, say)
    repaint = screen is not None and not app._batch_count and bool(
        screen._callbacks or screen._layout_required or screen._scroll_required
        or screen._repaint_required or screen._recompose_required or screen._dirty_widgets
    )  # fmt: skip
    return [
        *(p for p in pumps if p.message_queue_size),
        *([f"{screen} to repaint"] if repaint else []),
        *(["a resize"] if getattr(app, "_resize_event", None) is not None else []),  # (1/120 s)
        *(["keys typed ahead"] if getattr(app, "holding_keys", False) else []),
    ]


def busy(app: App[Any]) -> list[object]:
    """``queued``, and the thread workers still pending or running."""
    running = (WorkerState.PENDING, WorkerState.RUNNING)
    return [*(w for w in app.workers if w.state in running), *queued(app)]


async def until_quiet(app: App[Any]) -> None:
    for _ in range(QUEUE_WAIT_BOUND):
        if not app.is_running or not queued(app):
            return
        await asyncio.sleep(IDLE_STEP_S)
    raise AssertionError(f"the app never quieted: {queued(app)}")


def install() -> None:
    _wait.SLEEP_GRANULARITY = IDLE_STEP_S
    _wait.SLEEP_IDLE = IDLE_STEP_S / 20
    _wait.wait_for_idle.__defaults__ = (IDLE_STEP_S, 1)  # (min_sleep, max_sleep)
    if getattr(Pilot, "_oms_waits_on_the_app", False):
        return
    press, pause = Pilot.press, Pilot.pause

    async def press_and_wait(self: Pilot, *keys: str) -> None:
        await press(self, *keys)
        await until_quiet(self.app)

    async def pause_and_wait(self: Pilot, delay: float | None = None) -> None:
        await pause(self, delay)
        await until_quiet(self.app)

    Pilot.press, Pilot.pause = press_and_wait, pause_and_wait  # type: ignore[method-assign]
    Pilot._oms_waits_on_the_app = True  # type: ignore[attr-defined]


async def settle(pilot: Pilot, *, raise_failures: bool = False) -> None:
    """Until the app has nothing left to do: its thread workers, and the workers their
    answers start (counts then alerts; a page, then its checks, then a rescore and the page
    again), finished; every message handled and the screen painted. Waits on the app, never
    on the clock: a loaded machine only takes longer. A failed worker is told on the screen
    by the one failure path (failures.py), or raised with ``raise_failures``."""
    for _ in range(1000):
        try:
            await pilot.app.workers.wait_for_complete()
        except WorkerCancelled:  # replaced by a newer one of its group (exclusive)
            pass
        except WorkerFailed:
            if raise_failures:
                raise
        await pilot.pause()  # the answers handled; callbacks after the paint may start more
        if not busy(pilot.app):
            await pilot.pause()
            if not busy(pilot.app):
                return
    raise AssertionError(f"the app never settled: {busy(pilot.app)}")


async def until(
    pilot: Pilot, condition: Callable[[], object], what: str, *, then_settle: bool = True
) -> None:
    """Let the app run until ``condition()`` holds (a timer of its own has fired and its work
    is done), then settle. The bound fails a broken build; it is not a timing."""
    deadline = time.monotonic() + 120
    while not condition():
        assert time.monotonic() < deadline, f"never happened: {what}"
        await pilot.pause(0.01)
    if then_settle:
        await settle(pilot)
