"""The one failure path (``oms_tui/failures.py``): what a failure says, what is logged, and
that a worker replaced by a newer one (cancelled) is no failure."""

from __future__ import annotations

import threading

import pytest
from textual import work
from textual.app import App
from textual.screen import Screen
from textual.worker import Worker, WorkerFailed

from oms_tui.config import log_path
from oms_tui.failures import TellsFailures, failure_text
from oms_tui.services.platform.errors import StaleData


def test_a_service_refusal_is_its_sentence_and_is_not_logged() -> None:
    error = StaleData("SO-2026-000001 was changed by someone else; nothing was saved.\nmore")
    assert failure_text("save the decision", error) == (
        "SO-2026-000001 was changed by someone else; nothing was saved."
    )
    assert not log_path().exists()


def test_anything_else_names_what_failed_and_is_logged_with_its_traceback() -> None:
    try:
        {}["customer"]
    except KeyError as error:
        text = failure_text("read the runs", error)
    assert text == "Could not read the runs: 'customer'"
    logged = log_path().read_text(encoding="utf-8")
    assert "ERROR Could not read the runs\nTraceback (most recent call last):" in logged
    assert "KeyError: 'customer'" in logged


class Probe(TellsFailures, Screen[None]):
    """Runs jobs that wait for their gate, then raise; keeps what it was told failed."""

    def __init__(self) -> None:
        super().__init__()
        self.failed: list[tuple[str, str]] = []

    @work(thread=True, exclusive=True, group="job", exit_on_error=False, description="do it")
    def job(self, gate: threading.Event, name: str) -> None:
        gate.wait(timeout=10)
        raise RuntimeError(name)

    def worker_failed(self, worker: Worker, error: BaseException) -> None:
        self.failed.append((worker.description, str(error)))


async def test_a_worker_replaced_by_a_newer_one_is_not_told_as_failed() -> None:
    app, probe = App[None](), Probe()
    async with app.run_test() as pilot:
        await app.push_screen(probe)
        first, second = threading.Event(), threading.Event()
        replaced = probe.job(first, "first")
        newer = probe.job(second, "second")  # exclusive: the first is cancelled
        first.set()
        second.set()
        with pytest.raises(WorkerFailed):
            await newer.wait()
        await pilot.pause()
        assert replaced.is_cancelled
        assert probe.failed == [("do it", "second")]


def test_a_stale_refusal_keeps_who_and_when_within_a_message_line() -> None:
    from datetime import UTC, datetime

    from oms_tui.failures import error_text
    from oms_tui.services.states.machine import Change, stale

    change = Change("wang", datetime.now(UTC), "customer phoned (follow up 2026-12-08)")
    error = stale("order SO-2026-000002", change)
    assert "customer phoned" in str(error)  # the whole sentence (logs, CLI) says what too
    line = error_text(error)
    assert len(line) <= 76 and line.startswith("order SO-2026-000002 was changed by wang at ")
    assert line.endswith("; nothing was saved")
    short = stale("order SO-1", Change("li", datetime.now(UTC), "ok"))
    assert error_text(short) == str(short)  # fits: said whole
