"""Every document is saved first (the documents folder, or the file asked for), then sent to
`lp` when a printer is set; a failing printer says so and the files stay."""

from __future__ import annotations

import os
import stat

import pytest

from oms_tui.services.platform.printing import (
    PrintFailed,
    deliver,
    deliver_all,
    documents_dir,
)


def fake_lp(tmp_path, monkeypatch, exit_code: int = 0, fail_after: int | None = None) -> tuple:
    """An `lp` on PATH that keeps what it got; it exits ``exit_code``, or fails from its
    ``fail_after``-th call on."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    got, args, calls = tmp_path / "got.pdf", tmp_path / "args.txt", tmp_path / "calls"
    failing = (
        f"exit {exit_code}"
        if fail_after is None
        else f'echo x >> {calls}; [ "$(wc -l < {calls})" -le {fail_after} ] && exit 0; exit 1'
    )
    script = bin_dir / "lp"
    script.write_text(
        f'#!/bin/sh\necho "$@" > {args}\ncat > {got}\n'
        f'echo "lp: The printer or class does not exist." >&2\n{failing}\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return got, args


def test_printer_gets_the_pdf_and_the_file_is_saved_too(tmp_path, monkeypatch):
    got, args = fake_lp(tmp_path, monkeypatch)
    done = deliver(b"%PDF-1.4 test", "packing-list-SO-1", printer="warehouse1")
    saved = documents_dir() / "packing-list-SO-1.pdf"
    assert (done.printed, str(done)) == (True, f"sent to printer warehouse1; saved as {saved}")
    assert got.read_bytes() == saved.read_bytes() == b"%PDF-1.4 test"
    assert args.read_text().split() == ["-d", "warehouse1", "-t", "packing-list-SO-1", "-"]


def test_a_failing_printer_says_so_and_keeps_the_file(tmp_path, monkeypatch):
    fake_lp(tmp_path, monkeypatch, exit_code=1)
    with pytest.raises(PrintFailed) as failed:
        deliver(b"%PDF", "x", printer="nowhere")
    saved = documents_dir() / "x.pdf"
    assert str(failed.value) == (
        f"printer 'nowhere' failed: lp: The printer or class does not exist; saved as {saved}"
    )
    assert saved.read_bytes() == b"%PDF"


def test_a_wave_is_saved_whole_before_the_printer_fails(tmp_path, monkeypatch):
    """Pick list and packing lists: both files exist whichever one the printer refuses."""
    fake_lp(tmp_path, monkeypatch, fail_after=1)
    with pytest.raises(PrintFailed) as failed:
        deliver_all([("pick-list-SH-1", b"%PDF pick"), ("packing-lists-SH-1", b"%PDF pack")],
                    printer="warehouse1")  # fmt: skip
    folder = documents_dir()
    assert (folder / "pick-list-SH-1.pdf").read_bytes() == b"%PDF pick"
    assert (folder / "packing-lists-SH-1.pdf").read_bytes() == b"%PDF pack"
    assert str(failed.value) == (
        "printer 'warehouse1' failed: lp: The printer or class does not exist (1 of 2 printed); "
        f"saved in {folder} as pick-list-SH-1.pdf, packing-lists-SH-1.pdf"
    )
    assert [d.printed for d in failed.value.kept] == [True, False]


def test_no_lp_command_keeps_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no lp there
    with pytest.raises(PrintFailed, match="lp command is not installed; saved as "):
        deliver(b"%PDF", "labels-SO-1", printer="warehouse1")
    assert (documents_dir() / "labels-SO-1.pdf").read_bytes() == b"%PDF"


def test_no_printer_saves_a_file(tmp_path):
    done = deliver(b"%PDF", "pick list/HZ")
    assert not done.printed and done.path.endswith("pick_list_HZ.pdf")
    assert str(done) == f"saved as {done.path}"
    out = deliver(b"%PDF", "x", printer="ignored-when-out-given", out=tmp_path / "a" / "x.pdf")
    assert (tmp_path / "a" / "x.pdf").read_bytes() == b"%PDF" and not out.printed
