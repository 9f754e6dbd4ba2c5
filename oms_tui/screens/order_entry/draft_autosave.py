"""Order entry's draft: the order on screen saved after every change (a worker per save,
one at a time, in order), so a dropped connection loses nothing; the clerk's latest draft
offered when order entry opens; replaced by the order when it is saved.

``epoch`` counts orders: a save still on its way when the order was saved (or a new one
started) is void; ``rev`` is the model's change count: an older revision never overwrites
a newer one. The order's save takes ``lock`` too, so no draft save runs alongside it.
"""

from __future__ import annotations

from contextlib import suppress
from functools import partial
from threading import Lock
from typing import TYPE_CHECKING

from textual.message import Message

from ...i18n import N_
from ...services.platform.errors import NotFound
from ...services.sales.drafts import DraftView, discard_draft, latest_draft, save_draft
from ...type_ahead import hold_keys_for

if TYPE_CHECKING:
    from textual.worker import Worker

    from ...services.sales.entry import EntryDraft
    from .. import OmsScreen


class DraftFound(Message):
    """The clerk's latest draft, to offer."""

    def __init__(self, draft: DraftView) -> None:
        super().__init__()
        self.draft = draft


class DraftAutosave:
    """Saves the screen's order as its one draft; the workers run on ``screen``."""

    def __init__(self, screen: OmsScreen) -> None:
        self.screen = screen
        self.lock = Lock()
        self.draft_id: int | None = None
        self.epoch = 0  # a new order starts a new epoch: older draft saves are void
        self.saved_rev = -1

    def save(self, draft: EntryDraft, rev: int, summary: str) -> Worker | None:
        """Save ``draft`` (revision ``rev``) in a worker; nothing when it is empty."""
        if draft.empty:
            return None
        return self.screen.run_worker(partial(self._write, self.epoch, rev, draft, summary),
                               name="write_draft", group="draft", thread=True,
                               exit_on_error=False, description=N_("save the draft"))  # fmt: skip

    def _write(self, epoch: int, rev: int, draft: EntryDraft, summary: str) -> None:
        screen = self.screen
        with self.lock:
            if epoch != self.epoch or rev < self.saved_rev:
                return  # the order was saved meanwhile, or a newer draft is already written
            # a failure is said (failures.py); the order is on screen, the next change saves
            self.draft_id = save_draft(
                screen.db, screen.user, draft.payload(), draft_id=self.draft_id,
                customer_id=draft.customer_id, summary=summary,
            )  # fmt: skip
            self.saved_rev = rev

    def order_saved(self, epoch: int) -> None:
        """The order (begun in ``epoch``) was saved over its draft; call it holding ``lock``,
        as the save did: saves of that order still on their way are void."""
        self.draft_id = None
        self.epoch = epoch + 1
        self.saved_rev = -1

    def look_for(self) -> None:
        """Post ``DraftFound`` if the clerk has a draft (a worker; keys typed meanwhile
        wait for it: they belong to the resume / discard choice, if it comes)."""
        hold_keys_for(self.screen, self.screen.run_worker(
            self._look_for, name="look_for_draft", group="draft", thread=True,
            exit_on_error=False, description=N_("look for an unfinished order")))  # fmt: skip

    def _look_for(self) -> None:
        screen = self.screen
        draft = latest_draft(screen.db, screen.user)
        if draft is not None:
            screen.post_message(DraftFound(draft))

    def start_new(self) -> None:
        """The order on screen was left as its draft: the next one is a draft of its own
        (saves of the one left still on their way are void)."""
        with self.lock:
            self.draft_id = None
            self.epoch += 1
            self.saved_rev = -1

    def resume(self, draft_id: int) -> None:
        """The order on screen continues this draft: it is saved over it."""
        self.draft_id = draft_id

    def discard(self, draft_id: int) -> None:
        self.screen.run_worker(partial(self._discard, draft_id), name="discard_draft",
                               group="draft", thread=True, exit_on_error=False,
                               description=N_("discard the draft"))  # fmt: skip

    def _discard(self, draft_id: int) -> None:
        with suppress(NotFound):  # gone already
            discard_draft(self.screen.db, self.screen.user, draft_id)

    def drop(self) -> None:
        """The draft held only what was backed out of: it goes, and a save of it still on
        its way is void."""
        draft_id, self.draft_id = self.draft_id, None
        self.epoch += 1
        if draft_id is not None:
            self.discard(draft_id)
