"""Type-ahead, as on a 5250 terminal: every key lands where it would have, typed slowly.

Textual hands each key to the widget focused *when the key is taken from the app's queue*,
and what a key does (a Tab moving the focus, an Enter opening a dialog or closing one, a
binding switching screens) happens later, as the key and the messages it causes travel
through the widgets' queues. Keys that arrive meanwhile (a burst: a scanner, a fast
typist, one packet over SSH) were handed to the widget focused before: they were typed in
the field being left, overtook a Tab or an Enter, or went to the screen behind a dialog
still opening (textual 8.2.8, upstream issue #6605; STYLE.md "Fast input").

``TypeAhead`` (a mixin of the App, before ``App`` in its bases) takes every key (and paste)
as it arrives and gives it to the app only when the one before has settled; until then
it is held, in arrival order. A key has settled when

1. it has travelled its whole way: a probe (``call_later``) is passed along the focused
   widget, each of its ancestors and the app, one after the other, each posted behind
   what the key (and the messages it posted upwards: ``Scanned``, a bubbling key) left
   in that queue, so the probe reaches the app only after the key was handled there,
   bindings and actions included (a ``Widget.focus()`` or ``push_screen`` they asked for
   is queued before the probe too);
2. the screen and the focused widget are the same after a round as before it, and no
   widget on the way has a message waiting: a key that moved the focus, opened or closed
   a screen, or whose binding posted to the field (an ``Input``'s ``Submitted``, handled
   after the probe passed) starts another round, from the widget focused now, on the
   screen on top now (its compose and mount, its ``on_mount`` focus, the callback of a
   dialog closed run first);
3. no worker it started is still running or unanswered: a worker started while a key
   settles (a product lookup that may ask for a made-to-order item's requirements, the
   list F8 picks from, a form being saved, the stock card F6 needs), or while keys wait
   for another worker's answer (a list's page, the card of the caller a search picked),
   holds the keys typed
   after it until its end has been handled by the node that ran it (``TellsFailures``
   ends the hold, success or failure; a dialog closing on the result ends it as it
   closes, ``release_keys``; a node gone ends it too), and then settles as above. That is
   what typing slowly does: the clerk sees the answer before the next key. Background
   work (``BACKGROUND``: the search as you type, the live quote, draft saves,
   home counts, long jobs) never holds keys; ``hold_keys_for(node, worker)`` holds for
   one such worker that a key does wait on (the search Enter picks with, the draft
   looked for as the entry screen opens), or for one started outside a key.

Then the first held key is given to the app, which hands it to whatever has focus: the
field tabbed to, the dialog opened, the screen switched to. Nothing is dropped or
reordered; typed slowly, no key is ever held (the gate is open when it arrives).

Safety nets, never the rule: a round whose probe is lost (a widget removed with it in its
queue) is started again after ``STALL_SECONDS``; after ``SETTLE_ROUNDS`` rounds that keep
changing the keys go on; a worker hold ends after ``HOLD_SECONDS`` (a worker that hangs
must not swallow the keyboard). Workers of oms's own nodes are held (not Textual's: the
command palette's search); a node that is not ``EndsKeyHolds`` (every ``TellsFailures``
is) has its hold ended once its worker has finished, its node's queue probed first.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.app import ScreenStackError
from textual.worker import Worker, WorkerState
from textual.worker_manager import WorkerManager

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode
    from textual.message_pump import MessagePump
    from textual.screen import Screen
    from textual.widget import Widget

TYPED = (events.Key, events.Paste)
ENDED = (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED)  # a hold ends

# Worker groups that never hold keys: work the clerk does not wait for to type on.
BACKGROUND = frozenset({
    "customer-search", "quote", "draft", "home-counts", "home-alerts", "home-backup",
    "warm-up", "order-lock-release", "imp-run", "stock-export", "recv-print",
})  # fmt: skip


class EndsKeyHolds:
    """A node whose workers may hold keys: it calls ``release_keys(self, worker)`` once it
    has handled each worker's end (``TellsFailures`` does, for every screen and dialog)."""


class TypeAhead:
    """Keys held while the one before settles, then given in arrival order (see module)."""

    SETTLE_ROUNDS: ClassVar[int] = 16
    STALL_SECONDS: ClassVar[float] = 1.0
    HOLD_SECONDS: ClassVar[float] = 5.0
    POLL_SECONDS: ClassVar[float] = 0.02  # holds whose node is gone are looked for so often
    HELD_MODULES: ClassVar[tuple[str, ...]] = ("oms_tui.",)  # whose nodes' workers hold keys

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._workers = _Workers(self)  # type: ignore[arg-type]  # (App's, telling us of new ones)
        self._typed_ahead: deque[events.Event] = deque()
        self._settling = False  # the last key given (or a hold ended) is still settling
        self._round = 0  # rounds of this settling
        self._generation = 0  # a newer round makes an older one's probe moot
        self._stall: asyncio.TimerHandle | None = None
        self._holds: dict[Worker, float] = {}  # worker -> when its hold gives up
        self._poll: asyncio.TimerHandle | None = None
        self.keys_held_total = 0  # keys that had to wait (for the tests and the bench)

    # -- what widgets call --------------------------------------------------------------

    @property
    def holding_keys(self) -> bool:
        """Keys typed now would wait (something is settling, a worker is awaited)."""
        return bool(self._settling or self._holds or self._typed_ahead)

    def hold_keys_for(self, worker: Worker) -> None:
        """Keys typed from now wait until ``worker`` has ended and its node has handled
        that (what its result opened or focused is then ready for them)."""
        self._holds[worker] = time.monotonic() + self.HOLD_SECONDS
        if self._poll is None:
            self._poll = _later(self.POLL_SECONDS, self._check_holds)

    def release_keys(self, worker: Worker) -> None:
        """``worker``'s end has been handled (``TellsFailures`` calls this for every
        worker's end; a dialog that closes on the result calls it as it closes): the keys
        held for it go on, once that has settled."""
        if self._holds.pop(worker, None) is not None:
            self._start_settling(worker.node)

    def _worker_added(self, worker: Worker) -> None:
        # started by a key (settling) or by the answer keys wait for (a hold): part of it
        # (oms's own nodes only: Textual's, the command palette's search, are not awaited)
        if ((self._settling or self._holds) and worker.group not in BACKGROUND
                and type(worker.node).__module__.startswith(self.HELD_MODULES)):  # fmt: skip
            self.hold_keys_for(worker)

    def _check_holds(self) -> None:
        self._poll = None
        now = time.monotonic()
        for worker, deadline in list(self._holds.items()):
            node: Any = worker.node
            gone = not node.is_attached or not isinstance(node, EndsKeyHolds)
            if now >= deadline or (worker.is_finished and gone):
                self.release_keys(worker)  # gave up, or nobody will say its end was handled
        if self._holds:
            self._poll = _later(self.POLL_SECONDS, self._check_holds)

    # -- the gate ------------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, TYPED) and not event.is_forwarded:
            if self.holding_keys:
                self._typed_ahead.append(event)
                self.keys_held_total += 1
                return
            await self._give(event)
            return
        await super().on_event(event)  # type: ignore[misc]

    async def _give(self, event: events.Event) -> None:
        self._settling = True
        self._round = 0
        try:
            await super().on_event(event)  # type: ignore[misc]  # App: to the focused widget
        finally:
            self._settle()

    async def _give_held(self) -> None:
        if self._settling or self._holds or not self._typed_ahead:
            return
        await self._give(self._typed_ahead.popleft())

    def _start_settling(self, node: DOMNode | None = None) -> None:
        self._settling = True
        self._round = 0
        self._settle(node)

    def _settle(self, node: DOMNode | None = None) -> None:
        """One round: a probe along the focused widget, its ancestors and the app (after
        ``node`` and its ancestors: a worker's node, whose answer may still be queued)."""
        self._generation += 1
        generation = self._generation
        if self._stall is not None:
            self._stall.cancel()
        self._stall = _later(self.STALL_SECONDS, self._stalled, generation)
        try:
            screen: Screen | None = self.screen  # type: ignore[attr-defined]
        except ScreenStackError:
            screen = None
        focused = screen.focused if screen is not None else None
        start: DOMNode = focused or screen or self  # type: ignore[assignment]
        chain: list[MessagePump] = list(start.ancestors_with_self)
        if node is not None and node.is_attached and node not in chain:
            chain[:0] = [n for n in node.ancestors_with_self if n not in chain]
        if chain[-1] is not self:
            chain.append(self)  # type: ignore[arg-type]

        def step(index: int) -> None:
            if generation != self._generation:
                return
            while index < len(chain):
                if chain[index].call_later(step, index + 1):
                    return
                index += 1  # closed: nothing more comes from it
            self._round_done(generation, screen, focused, chain)

        step(0)

    def _round_done(self, generation: int, screen: Screen | None, focused: Widget | None,
                    chain: list[MessagePump]) -> None:  # fmt: skip
        if generation != self._generation:
            return
        try:
            now: Screen | None = self.screen  # type: ignore[attr-defined]
        except ScreenStackError:
            now = None
        changed = now is not screen or (now is not None and now.focused is not focused)
        # what the key's bindings posted behind the probe (an Input's Submitted) is not
        # handled yet: one more round (the app's own queue holds keys: not counted)
        changed = changed or any(not p._message_queue.empty() for p in chain if p is not self)
        if (changed or now is None or not now.is_mounted) and self._round < self.SETTLE_ROUNDS:
            self._round += 1
            self._settle()
            return
        if self._stall is not None:
            self._stall.cancel()
            self._stall = None
        self._settling = False
        if self._typed_ahead and not self._holds:
            self.call_later(self._give_held)  # type: ignore[attr-defined]  # in the app's turn

    def _stalled(self, generation: int) -> None:
        if generation == self._generation and self._settling:
            self._round += 1
            if self._round >= self.SETTLE_ROUNDS:
                self._round_done(generation, None, None, [])  # give up: the keys go on
            else:
                self._settle()


class _Workers(WorkerManager):
    """The app's worker manager, telling the type-ahead of each worker added."""

    def add_worker(self, worker: Worker, start: bool = True, exclusive: bool = True) -> None:
        super().add_worker(worker, start, exclusive)
        app: App[Any] = self._app
        if isinstance(app, TypeAhead):
            app._worker_added(worker)


def _later(delay: float, callback: Any, *args: Any) -> asyncio.TimerHandle | None:
    """A plain event-loop timer (no task, unlike a Textual ``Timer``: one per key is cheap)."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return None
    return loop.call_later(delay, callback, *args)


def hold_keys_for(node: DOMNode, worker: Worker) -> Worker:
    """Keys typed from now wait for ``worker`` (see ``TypeAhead.hold_keys_for``); nothing
    in an app without type-ahead (a widget's own test app). Returns the worker."""
    app = node.app
    if isinstance(app, TypeAhead):
        app.hold_keys_for(worker)
    return worker


def release_keys(node: DOMNode, worker: Worker | None) -> None:
    """See ``TypeAhead.release_keys``; nothing for no worker or an app without type-ahead."""
    app = node.app
    if worker is not None and isinstance(app, TypeAhead):
        app.release_keys(worker)
