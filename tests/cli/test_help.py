"""Every command's `--help` reads as words: arguments and option values by what they are
(`ORDER_NO`, `DATE`, `INV-...`), never a Python type (`<str>`, `<list[str]>`) nor typer's
`{order}`; option names as they always were."""

from __future__ import annotations

import re

import pytest
import typer

from oms_tui.cli import app
from tests.cli.runner import oms


def _commands(command, path: tuple[str, ...] = ()):  # noqa: ANN001, ANN202
    """Every command and group's path, and whether it is a command (not a group)."""
    subs = getattr(command, "commands", {})
    yield path, not subs
    for name, sub in subs.items():
        yield from _commands(sub, (*path, name))


WALKED = list(_commands(typer.main.get_command(app)))
COMMANDS = [path for path, _ in WALKED]


def test_every_command_is_walked():
    assert sum(leaf for _, leaf in WALKED) >= 37


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "oms")
def test_help_reads_as_words(path):
    result = oms(*path, "--help")
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert text.startswith(f"Usage: {' '.join(('oms', *path))} ")
    assert not re.search(r"<[\w\[\], ]+>", text), text  # <str>, <int>, <list[str]>
    assert not re.search(r"\{\w+\}", text), text  # {order}
    usage = text.splitlines()[0]
    words = r"Usage: [a-z -]+( \[OPTIONS\])?( \[?[A-Z_]+(\.\.\.)?\]?)*( COMMAND \[ARGS\]\.\.\.)?"
    assert re.fullmatch(words, usage), usage
    for line in text.splitlines():  # an option's value: a word in capitals, or a pattern
        m = re.match(r"  (--[a-z-]+) (\S+)  ", line)
        if m:
            assert re.fullmatch(r"[A-Z_]+|[A-Z]+-\.\.\.|[A-Z]+(:|=)[A-Z]+|[A-Z]+,\.\.\.", m[2]), (
                line
            )


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (("print", "packing-list"), "Usage: oms print packing-list [OPTIONS] ORDER_NO"),
        (("print", "manifest"), "Usage: oms print manifest [OPTIONS] RUN_NO"),
        (("payment", "record"), "  --invoice INV-...  "),
        (("stock", "receive"), "  --receipt PR-...  "),
        (("stock", "receive"), "Usage: oms stock receive [OPTIONS] WAREHOUSE CODE QTY"),
        (("report", "dso"), "  --as-of DATE "),
        (("report", "buckets"), "Usage: oms report buckets [OPTIONS] [LIMITS]"),
        (("export", "orders"), "  --status STATUS "),
        (("production", "route"), "  --stage NAME:DAYS  "),
        (("generate",), "  --orders N "),
    ],
)
def test_help_names_values_as_a_user_types_them(path, expected):
    assert expected in oms(*path, "--help").stdout


def test_a_missing_argument_is_named_as_in_the_help():
    result = oms("print", "label")
    assert result.exit_code == 2 and "Missing argument 'ORDER_NO'" in result.stderr
