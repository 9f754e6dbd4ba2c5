"""Printing goes to `lp` when a printer is set, else to a file; a failing printer says so."""

from __future__ import annotations

import os
import stat

import pytest

from oms_tui.services.platform.errors import OmsError
from oms_tui.services.platform.printing import deliver


def _fake_lp(tmp_path, monkeypatch, exit_code: int = 0) -> tuple:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    got = tmp_path / "got.pdf"
    args = tmp_path / "args.txt"
    script = bin_dir / "lp"
    script.write_text(
        f'#!/bin/sh\necho "$@" > {args}\ncat > {got}\n'
        f'echo "lp: The printer or class does not exist." >&2\nexit {exit_code}\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return got, args


def test_printer_gets_the_pdf(tmp_path, monkeypatch):
    got, args = _fake_lp(tmp_path, monkeypatch)
    done = deliver(b"%PDF-1.4 test", "packing-list-SO-1", printer="warehouse1")
    assert (done.printed, str(done)) == (True, "sent to printer warehouse1")
    assert got.read_bytes() == b"%PDF-1.4 test"
    assert args.read_text().split() == ["-d", "warehouse1", "-t", "packing-list-SO-1", "-"]


def test_a_failing_printer_is_an_error(tmp_path, monkeypatch):
    _fake_lp(tmp_path, monkeypatch, exit_code=1)
    with pytest.raises(OmsError, match="printer 'nowhere': lp: The printer or class does not"):
        deliver(b"%PDF", "x", printer="nowhere")


def test_no_printer_saves_a_file(tmp_path):
    done = deliver(b"%PDF", "pick list/HZ")
    assert not done.printed and done.where.endswith("pick_list_HZ.pdf")
    out = deliver(b"%PDF", "x", printer="ignored-when-out-given", out=tmp_path / "a" / "x.pdf")
    assert (tmp_path / "a" / "x.pdf").read_bytes() == b"%PDF" and not out.printed
