"""``oms`` run in this process by typer's CliRunner: the same app, arguments, exit code,
stdout and stderr (kept apart) as the console script, in milliseconds instead of a Python
start-up each. ``tests/cli/test_end_to_end.py`` keeps a few real processes."""

from __future__ import annotations

from typer.testing import CliRunner, Result

from oms_tui.cli import app

_runner = CliRunner()


def oms(*args: str, env: dict[str, str] | None = None) -> Result:
    """Run ``oms ARGS``; ``env`` is added to the environment for this run only. A bug (an
    unexpected exception) fails the test with its traceback rather than an exit code."""
    return _runner.invoke(app, list(args), env=env, catch_exceptions=False, prog_name="oms")
