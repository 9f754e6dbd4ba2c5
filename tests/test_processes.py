"""The other processes of the multi-process tests (tests/processes.py): forked from one
server, each still runs in the environment of the test that starts it."""

from __future__ import annotations

import os

from tests import processes


def _report(queue) -> None:  # noqa: ANN001
    queue.put((os.getpid(), os.environ.get("OMS_TEST_CHILD")))


def test_each_child_has_the_environment_of_the_test_that_starts_it(monkeypatch):
    ctx = processes.context()
    seen = []
    for value in ("first", "second"):  # the server started with the first
        monkeypatch.setenv("OMS_TEST_CHILD", value)
        queue = ctx.Queue()
        child = ctx.Process(target=_report, args=(queue,))
        child.start()
        seen.append(queue.get(timeout=120))
        child.join(timeout=60)
        assert child.exitcode == 0
    assert [value for _, value in seen] == ["first", "second"]
    assert os.getpid() not in {pid for pid, _ in seen} and seen[0][0] != seen[1][0]
