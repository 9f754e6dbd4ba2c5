"""Every command's ``--help`` fits an 80-column terminal, in Chinese as in English: click
measured by characters, so Chinese lines (two cells a character) overflowed
(``cli/help_format.py``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from rich.cells import cell_len

from oms_tui.cli.help_format import fill, wrap_text

# run in a fresh interpreter: the help is translated when the CLI is imported, in the
# locale's language
_WALK = """
import json, typer
from typer.testing import CliRunner
from oms_tui.cli import app

def walk(command, path=()):
    yield path
    for name, sub in getattr(command, "commands", {}).items():
        yield from walk(sub, (*path, name))

runner = CliRunner()
out = {}
for path in walk(typer.main.get_command(app)):
    result = runner.invoke(app, [*path, "--help"], prog_name="oms", catch_exceptions=False)
    assert result.exit_code == 0, (path, result.output)
    out[" ".join(("oms", *path))] = result.stdout
print(json.dumps(out))
"""


def _helps(lang: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "COLUMNS", "LINES")}  # fmt: skip
    env.update(LANG=lang, COLUMNS="80", LINES="24")
    done = subprocess.run([sys.executable, "-c", _WALK], capture_output=True, text=True,
                          timeout=600, env=env, check=True)  # fmt: skip
    return json.loads(done.stdout)


@pytest.fixture(scope="module", params=["zh_CN.UTF-8", "C.UTF-8"], ids=["zh_CN", "en"])
def helps(request) -> dict[str, str]:
    return _helps(request.param)


def test_every_line_of_every_help_fits_80_cells(helps):
    assert len(helps) >= 50  # every command and sub-app
    wide = [(path, cell_len(line), line) for path, text in helps.items()
            for line in text.splitlines() if cell_len(line) > 80]  # fmt: skip
    assert wide == []


def test_the_chinese_help_is_chinese_and_whole(helps):
    top, user = helps["oms"], helps["oms user"]
    if not top.startswith("用法"):
        assert top.startswith("Usage: oms") and "Show this message and exit." in top
        return
    assert "库存：核对台账、分配、入库、补货建议。" in top.replace("\n", "").replace(" ", "")
    assert user.startswith("用法: oms user ") and "显示本帮助并退出。" in user
    for group in ("oms", "oms user", "oms stock"):  # one line per command, shortened by cells
        listed = helps[group].split("命令:\n", 1)[1].splitlines()
        assert all(line.startswith("  ") and line[2] != " " for line in listed), listed
    for text in helps.values():  # no line starts with a closing mark (a break before it)
        for line in text.splitlines():
            assert not line.lstrip().startswith(("，", "。", "、", "；", "：", "）")), line


@pytest.mark.parametrize("width", [10, 11, 20, 40])
def test_chinese_wraps_between_characters_within_the_cells(width):
    text = "库存：核对台账、分配、入库、补货建议（按仓库）。Stock: verify the ledger, allocate."
    lines = fill(text, width).splitlines()
    assert all(cell_len(line) <= width for line in lines), lines
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert not any(line.startswith(("：", "、", "）", "。", ",", ".")) for line in lines)
    assert not any(line.endswith("（") for line in lines)


def test_english_wraps_as_click_did():
    from typer._click.formatting import wrap_text as click_wrap

    text = ("An admin acting on behalf of this user (env OMS_USER); default: you. Keep the "
            "letters as typed.\n\n  An indented second paragraph that goes on long enough "
            "to need a second line.\n\n\b\nkept  as\n  it is")  # fmt: skip
    for width in (30, 50, 78):
        kwargs = {"initial_indent": "  ", "subsequent_indent": "  ", "preserve_paragraphs": True}
        assert wrap_text(text, width, **kwargs) == click_wrap(text, width, **kwargs)
