"""``oms`` run in this process by typer's CliRunner: the same app, arguments, exit code,
stdout and stderr (kept apart) as the console script, in milliseconds instead of a Python
start-up each. ``tests/cli/test_end_to_end.py`` keeps a few real processes."""

from __future__ import annotations

from typer.testing import CliRunner, Result

from oms_tui.cli import app

_runner = CliRunner()


# The OS account running the tests, acting as itself: no --user (the tests' OMS_USER is an
# admin acting on behalf of "tester", who is no user of a database `oms init` just made).
AS_ITSELF: dict[str, str | None] = {"OMS_USER": None}


def oms(*args: str, env: dict[str, str | None] | None = None, input: str | None = None
        ) -> Result:  # noqa: A002  # fmt: skip
    """Run ``oms ARGS``; ``env`` is added to the environment for this run only. A bug (an
    unexpected exception) fails the test with its traceback rather than an exit code."""
    return _runner.invoke(app, list(args), env=env, input=input, catch_exceptions=False,
                          prog_name="oms")  # fmt: skip
