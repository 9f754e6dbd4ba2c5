"""The skeleton of a workflow screen around one grouped list (Dispatch, Production).

Top to bottom: a status line, the column heads, the list (a ``GroupedList``: a header row
before each group of items, read in a worker), the highlighted row's details, the message
line (``say``), the key hint, the footer. The ids come from the screen's ``PREFIX``
(``dispatch`` gives ``#dispatch``, ``#dispatch-status``, ``-head``, ``-info``, ``-message``,
``-keys``), so each screen's .tcss places them. A screen states only what differs: its
list (``make_list``), its column heads, what its status and details lines say, how its
list is read (``action_refresh``) and its keys.

Keys start slow work in thread workers, one job at a time (``JobScreen``: ``_free`` says
"wait" while one runs, in the screen's ``JOB_GROUP``); a job answers with ``Said`` (the
message line, and with ``reload`` the list is read again) or fails (``failures.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from datetime import date
from typing import Any, ClassVar, Generic, TypeVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Footer, Header, Static
from textual.worker import Worker

from ..failures import failure_text, log_failure
from ..i18n import N_, _
from ..messages import Said
from ..widgets.footer import KeysFooter
from ..widgets.order_list import Format, OrderList, Piece, fit
from . import OmsScreen


def key_hint(*keys: tuple[str, str]) -> Content:
    """The key hint line: each (key, what it does), the key in bold accent; what it does
    is said in the current language (marked ``N_`` where it is written)."""
    return Content.assemble(*(
        part for key, does in keys for part in ((key, "bold $text-accent"), f" {_(does)}  ")
    ))  # fmt: skip


def head_line(*columns: tuple[str, int] | tuple[str, int, bool]) -> str:
    """Column heads (each marked ``N_``, said in the current language) fitted to their
    widths, one space before each: ``(text, width)`` or ``(text, width, right)``."""
    return "".join(" " + fit(_(c[0]), c[1], len(c) > 2 and bool(c[2])) for c in columns)


class JobScreen(OmsScreen):
    """A screen whose keys start jobs in thread workers, one at a time."""

    JOB_GROUP: ClassVar[str]  # the worker group of its jobs

    def __init__(self) -> None:
        super().__init__()
        self._busy = False  # a job is running: the next one waits

    @property
    def today(self) -> date:
        return self.context.clock().date()

    def _free(self) -> bool:
        if self._busy:
            self.say(_("Wait: the last job is still running."), error=True)
            return False
        return True

    def job_said(self, message: Said) -> None:
        self._busy = False
        super().job_said(message)

    def worker_failed(self, worker: Worker, error: BaseException) -> None:
        if worker.group == self.JOB_GROUP:
            self._busy = False
        super().worker_failed(worker, error)


class GroupedList(OrderList[Any]):
    """An ``OrderList`` with a header row (a ``GROUP_ROW``) before each group of items:
    items are formatted by the function given, headers by ``format_group``."""

    GROUP_ROW: ClassVar[type]

    def __init__(self, format_item: Format, key: Callable[[Any], Hashable], *,
                 empty_text: str, id: str) -> None:  # fmt: skip
        super().__init__(self._format, key, empty_text=empty_text, id=id)
        self.format_item = format_item

    def _format(self, row: Any, width: int) -> Sequence[Piece]:
        if isinstance(row, self.GROUP_ROW):
            return self.format_group(row, width)
        return self.format_item(row, width)

    def format_group(self, group: Any, width: int) -> Sequence[Piece]:
        raise NotImplementedError

    def members(self) -> list[Any]:
        """The rows loaded, without the group headers."""
        return [r for r in self.rows if not isinstance(r, self.GROUP_ROW)]


ListT = TypeVar("ListT", bound=GroupedList)


class ListScreen(JobScreen, Generic[ListT]):
    """Status, column heads, the list, the highlighted row's details, message, key hint.

    The list is the screen's only ``OrderList``: the handlers below take its messages
    without a selector (``Highlighted`` covers ``Opened`` and ``SelectionChanged`` too)."""

    PREFIX: ClassVar[str]  # of the ids; the message line is ``{PREFIX}-message``
    WHAT: ClassVar[str]  # what the list holds (``N_``): "Could not read {WHAT}: ..."
    KEYS: ClassVar[tuple[tuple[str, str], ...]]  # the key hint: (key, what it does: ``N_``)
    HEAD_INSET: ClassVar[int] = 1  # the heads are this much narrower than the screen
    FOOTER: ClassVar[type[Footer]] = KeysFooter
    # How often the list checks it is current (``stamp``: a cheap query); when what it
    # shows has changed (another clerk, another process) it is read again.
    STALE_CHECK_SECONDS: ClassVar[float] = 15.0
    _stamp: Hashable | None = None  # the last mark read

    class Stamped(Message):
        def __init__(self, stamp: Hashable) -> None:
            super().__init__()
            self.stamp = stamp

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "PREFIX" in cls.__dict__:
            cls.MESSAGE_ID = f"{cls.PREFIX}-message"

    def compose(self) -> ComposeResult:
        prefix = self.PREFIX
        yield Header()
        with Vertical(id=prefix):
            yield Static("", id=f"{prefix}-status")
            yield Static("", id=f"{prefix}-head")
            yield self.make_list()
            yield Static("", id=f"{prefix}-info")
            yield Static("", id=self.MESSAGE_ID)
            yield Static(key_hint(*self.KEYS), id=f"{prefix}-keys")
        yield self.FOOTER(compact=True)

    # -- what a screen states ------------------------------------------------------------------

    def make_list(self) -> ListT:
        raise NotImplementedError

    def head(self, width: int) -> str:
        """The column heads, ``width`` cells."""
        raise NotImplementedError

    def status_text(self) -> Content:
        """The status line: what the list holds (and what is selected)."""
        raise NotImplementedError

    def info_text(self, row: Any) -> Content:
        """The details of the highlighted row (a group's header or an item)."""
        raise NotImplementedError

    def action_refresh(self, keep: bool = False) -> None:
        """Read the list (``keep``: again, the highlight staying in place)."""
        raise NotImplementedError

    def after_load(self) -> None:
        """A page of the list came in and the status and details show it."""

    def stamp(self) -> Hashable | None:
        """A cheap mark of what the list shows, read in a worker (a count, the versions):
        when it changes, the list is read again. None: the list does not check."""
        return None

    def reload_after_job(self) -> None:
        self.action_refresh(keep=True)

    # -- the skeleton --------------------------------------------------------------------------

    @property
    def row_list(self) -> ListT:
        return cast("ListT", self.query_one(GroupedList))

    def show_head(self) -> None:
        self.query_one(f"#{self.PREFIX}-head", Static).update(
            self.head(self.size.width - self.HEAD_INSET)
        )

    def show_status(self) -> None:
        self.query_one(f"#{self.PREFIX}-status", Static).update(self.status_text())

    def show_info(self, row: Any | None) -> None:
        info = self.query_one(f"#{self.PREFIX}-info", Static)
        info.update("" if row is None else self.info_text(row))

    def on_mount(self) -> None:
        self.row_list.focus()
        self.show_head()
        self.action_refresh()
        self.set_interval(self.STALE_CHECK_SECONDS, self.check_current)

    def check_current(self) -> None:
        """Is the list still what the database holds? (a timer, and after each read)"""
        if self.is_current and not self._busy:
            self.read_stamp()

    @work(thread=True, exclusive=True, group="stale-check", exit_on_error=False,
          description=N_("check the list is current"))  # fmt: skip
    def read_stamp(self) -> None:
        stamp = self.stamp()
        if stamp is not None:
            self.post_message(self.Stamped(stamp))

    @on(Stamped)
    def stamped(self, message: Stamped) -> None:
        seen, self._stamp = self._stamp, message.stamp
        if seen is not None and seen != message.stamp and not self._busy:
            self.action_refresh(keep=True)  # changed meanwhile: read again, highlight kept

    def worker_failed(self, worker: Worker, error: BaseException) -> None:
        if worker.group == "stale-check":  # a check every few seconds: logged, never a bell
            log_failure("check the list is current", error)  # i18n: no (the log's words)
            return
        super().worker_failed(worker, error)

    def on_resize(self) -> None:
        self.show_head()

    def retranslate(self) -> None:
        """The language changed: the key hint, heads, status and details again in it, and
        the list read again (its rows say words too)."""
        self.query_one(f"#{self.PREFIX}-keys", Static).update(key_hint(*self.KEYS))
        self.show_head()
        self.show_status()
        self.show_info(self.row_list.highlighted)
        if not self._busy:
            self.action_refresh(keep=True)

    def on_screen_resume(self) -> None:
        self.row_list.focus()
        if not self._busy:  # back from another screen: what it shows may have changed
            self.action_refresh(keep=True)

    @on(OrderList.Loaded)
    def list_loaded(self) -> None:
        self.show_status()
        self.show_info(self.row_list.highlighted)
        self.after_load()
        self.check_current()  # the mark of what was just read, to compare the next with

    @on(OrderList.Failed)
    def list_failed(self, message: OrderList.Failed) -> None:
        doing = _("read {what}").format(what=_(self.WHAT))
        self.say(failure_text(doing, message.error), error=True)

    @on(OrderList.Highlighted)
    def list_highlighted(self, message: OrderList.Highlighted) -> None:
        self.show_info(message.row)
