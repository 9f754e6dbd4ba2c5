"""One way a failure is told: where the clerk looks, in one line, with the bell.

A screen's (or dialog's) thread workers do not catch what they cannot act on: a worker
that raises ends in ``WorkerState.ERROR`` (``exit_on_error=False``), and ``TellsFailures``
hands it to the screen's ``worker_failed``, which shows ``failure_text``: an ``OmsError``
as its sentence (services write those for the person at the keyboard), anything else as
"Could not <what the worker does>: <the error's first line>", logged with its traceback
to ``oms.log`` in the user's data folder (``config.log_path``) for whoever supports the
clerk. The log holds no customer data: its frames and each exception's type, never the
exception's message (which may quote a name or a phone), a database error's statement
without its values; the file is its owner's only (0600, folder 0700). What a worker does
is its ``description`` (``@work(description="read the runs")``). A cancelled worker (an
exclusive one replaced by a newer one) has not failed: nothing is shown.

Catch an error in a worker only where the screen does something with it (a refusal that
reloads the list, a field to focus): everything else comes here.

A stale refusal (``StaleData``: a document changed since the screen read it, see
``services/states/machine.py``) is told the same way; a dialog that acted on what the
screen behind it shows (``STALE_CLOSES``) closes instead, and that screen tells it and
reads again what it shows (a ``Said`` with ``reload``): the clerk sees who changed the
document and when, over what it is now.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import traceback
from typing import TYPE_CHECKING, ClassVar

from textual.worker import Worker, WorkerCancelled, WorkerState

from .config import log_path
from .i18n import _, shown
from .messages import Said
from .services.platform.errors import OmsError, StaleData
from .type_ahead import ENDED, EndsKeyHolds, release_keys

if TYPE_CHECKING:
    from logging.handlers import RotatingFileHandler

_QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'")
LOG_BYTES = 1_000_000  # per file; the three before it are kept (oms.log.1 .. .3)
LOG_BACKUPS = 3

logger = logging.getLogger("oms_tui")
logger.propagate = False  # only the log file; never the terminal the app draws on
_lock = threading.Lock()


def error_text(error: BaseException, width: int = 76) -> str:
    """An error's first line (a service's sentence), short enough for a message line; a
    refusal of a stale view in its short form when the whole one would be cut at ``width``
    (so who changed it and when always show)."""
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    if isinstance(error, StaleData) and len(shown(text)) > width:
        text = error.short
    return shown(text)[:300]


def failure_text(doing: str, error: BaseException) -> str:
    """The line that tells a failure: an ``OmsError``'s sentence, or "Could not ``doing``:
    …" for anything else, which is also logged with its traceback (from any thread)."""
    if isinstance(error, OmsError):
        return error_text(error)
    return _("Could not {doing}: {error}").format(doing=_(doing),
                                                  error=logged_text(doing, error))  # fmt: skip


def logged_text(doing: str, error: BaseException) -> str:
    """``error_text``, the error logged with its traceback first when it is not an
    ``OmsError``: for the few workers that tell a failure in their own words (a partial
    success: what stands, and what failed)."""
    if not isinstance(error, OmsError):
        log_failure(doing, error)
    return error_text(error)


def log_failure(doing: str, error: BaseException) -> None:
    """Write the failure and its traceback to the log file (no customer data: see
    ``traceback_text``)."""
    if _file_handler() is not None:
        # the log is for whoever supports the clerk: in English
        logged = "Could not %s"  # i18n: no
        logger.error(logged, doing, exc_info=(type(error), error, error.__traceback__))


def traceback_text(error: BaseException) -> str:
    """The traceback of ``error`` (and of the errors it came from) with each exception's
    type but not its message, which may hold customer data; a database error says its
    SQLSTATE and statement (parameters are never in it: ``hide_parameters``)."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        current = current.__cause__ or (None if current.__suppress_context__
                                        else current.__context__)  # fmt: skip
    parts = []
    for exc in reversed(chain):
        parts.append("Traceback (most recent call last):\n")  # i18n: no (the log, for developers)
        parts.extend(traceback.format_tb(exc.__traceback__))
        kind = type(exc)
        name = kind.__qualname__ if kind.__module__ == "builtins" else (
            f"{kind.__module__}.{kind.__qualname__}")  # fmt: skip
        parts.append(f"{name}: {_withheld(exc)}\n")
    return "".join(parts).rstrip("\n")


def _withheld(error: BaseException) -> str:
    statement = getattr(error, "statement", None)
    if isinstance(statement, str):  # sqlalchemy's StatementError: SQL with placeholders
        orig = getattr(error, "orig", None)
        kind = type(orig)
        lines = str(orig).strip().splitlines()  # the first line; DETAIL lines quote values
        said = _QUOTED.sub("'…'", lines[0]) if lines else ""  # and so may a quoted word
        code = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
        return (
            f"({kind.__module__}.{kind.__qualname__}) {said}"
            + (f" [SQLSTATE {code}]" if code else "")  # i18n: no (the log, for developers)
            + f" in {statement[:500]}"
        )
    return f"[message withheld: {len(str(error))} characters]"  # i18n: no (the log, for developers)


class _NoDataFormatter(logging.Formatter):
    def formatException(self, ei) -> str:  # noqa: ANN001, N802
        return traceback_text(ei[1])


def _file_handler() -> RotatingFileHandler | None:
    """The handler writing to ``log_path()``, made on the first failure and again when the
    data folder moved (tests); None when it cannot be written: the line on screen is all
    there is then."""
    from logging.handlers import RotatingFileHandler  # on the first failure, not at start-up

    from .services.platform.files import FILE_MODE, create_private, private_dir

    class PrivateFileHandler(RotatingFileHandler):
        def _open(self):  # noqa: ANN202  (the log and each one after a rollover: 0600)
            create_private(self.baseFilename)
            os.chmod(self.baseFilename, FILE_MODE)
            return super()._open()

    path = log_path()
    with _lock:
        for handler in logger.handlers:
            if isinstance(handler, RotatingFileHandler):
                if handler.baseFilename == os.path.abspath(path):
                    return handler
                logger.removeHandler(handler)
                handler.close()
        try:
            private_dir(path.parent)
            handler = PrivateFileHandler(path, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS,
                                         encoding="utf-8")  # fmt: skip
        except OSError:
            return None
        handler.setFormatter(_NoDataFormatter("%(asctime)s %(levelname)s %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        return handler


def doing(worker: Worker) -> str:
    """What a worker does, as its ``description`` says ("read the runs"); one not given a
    description is named by its function ("load_summary" -> "load summary")."""
    described = worker.description
    if described and not described.startswith(f"{worker.name}("):  # not Textual's: the call
        return described
    return worker.name.replace("_", " ") or worker.group


class TellsFailures(EndsKeyHolds):
    """For a screen or dialog: a worker it ran that raised goes to ``worker_failed``; a
    stale refusal in a dialog with ``STALE_CLOSES`` goes to the screen behind it."""

    STALE_CLOSES: ClassVar[bool] = False

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        try:
            self._worker_changed(event)
        finally:  # what the worker's end opened or focused is ready: held keys go on
            if event.state in ENDED:
                release_keys(self, event.worker)  # type: ignore[arg-type]

    def _worker_changed(self, event: Worker.StateChanged) -> None:
        worker, error = event.worker, event.worker.error
        if event.state is not WorkerState.ERROR or worker.is_cancelled:
            return
        if error is None or isinstance(error, WorkerCancelled):
            return
        if isinstance(error, StaleData) and self.STALE_CLOSES and self._hand_back(error):
            return
        self.worker_failed(worker, error)

    def _hand_back(self, error: StaleData) -> bool:
        """Close this dialog; the screen behind it tells ``error`` and reads again."""
        app = self.app  # type: ignore[attr-defined]
        stack = app.screen_stack
        if len(stack) < 2 or stack[-1] is not self:
            return False
        behind = stack[-2]
        self.dismiss(None)  # type: ignore[attr-defined]
        behind.post_message(Said(_("{error}: read again.").format(error=error_text(error)),
                                 error=True, reload=True))  # fmt: skip
        return True

    def worker_failed(self, worker: Worker, error: BaseException) -> None:
        """Tell the failure (``failure_text(doing(worker), error)``) where the clerk
        looks, and undo what waited for the worker."""
        raise NotImplementedError


class PassesFailures(TellsFailures):
    """For a widget that runs workers for its screen: a worker's state reaches only the
    node that ran it (``Worker.StateChanged`` does not bubble), so a failure is handed to
    the screen's ``worker_failed`` (logged only when the screen tells none). A widget with
    something to undo overrides ``worker_failed``, undoes it and calls this one."""

    def worker_failed(self, worker: Worker, error: BaseException) -> None:
        screen = getattr(self, "screen", None)
        if isinstance(screen, TellsFailures):
            screen.worker_failed(worker, error)
        else:
            log_failure(doing(worker), error)
