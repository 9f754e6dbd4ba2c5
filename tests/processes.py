"""Other ``oms`` processes for the multi-process tests, forked from one server per test process.

A child is an OS process of its own, as a second clerk's ``oms`` is: its own interpreter
state, connections and pool, its own locks and transactions. It used to be spawned: a new
interpreter importing the app, about a CPU second and a half each, and these tests start
some 50 children on each run. Now the children of a test process are forked from one
multiprocessing forkserver, started on first use, that imported the app (and the modules
whose functions the children run) once. The server only imports: it opens no database
and starts no thread, so nothing it has is shared with a child but code. A child takes
the environment of the test that starts it (its user folders, conftest), as a spawned
one did, not the server's (that of the first test that needed it).

The server is stopped when the test process ends, so that its CPU time, and its
children's, is counted where the test run is timed (``bench/test_suite.sh``).
"""

from __future__ import annotations

import atexit
import os
from multiprocessing import context as mp_context
from multiprocessing import forkserver

# What the children run (their targets' modules) and what those use; the server imports
# these once. (A module missing here is imported by each child: correct, only slower.)
PRELOAD = [
    "oms_tui.models",
    "oms_tui.cli",
    "oms_tui.demo.generate",
    "tests.cli.runner",
    "tests.services.test_concurrency_mix",
    "tests.services.test_concurrent_writers",
    "tests.services.test_dunning_runs",
    "tests.services.test_numbering",
    "tests.services.test_stock_concurrency",
]


class _Process(mp_context.ForkServerProcess):
    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self._environ = dict(os.environ)  # the starting test's, sent along with the target

    def run(self) -> None:
        os.environ.clear()
        os.environ.update(self._environ)
        super().run()


class _Context(mp_context.ForkServerContext):
    Process = _Process


_CONTEXT = _Context()


def context() -> mp_context.ForkServerContext:
    """The multiprocessing context the tests start their other processes from."""
    _CONTEXT.set_forkserver_preload(PRELOAD)
    return _CONTEXT


@atexit.register
def _stop_server() -> None:
    forkserver._forkserver._stop()  # (waits for it: nothing if it never started)
