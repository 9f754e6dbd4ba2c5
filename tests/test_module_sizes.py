"""Rooms of a size one can hold in mind (docs/architecture.md): no module of the package
over 800 lines, no screen module over 600; a module that grows past its bound is split
along its seams (a package of widgets over a plain model, its dialogs, its keys)."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "oms_tui"
MODULE_MOST, SCREEN_MOST = 800, 600


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_no_module_is_over_800_lines() -> None:
    sizes = {str(p.relative_to(PACKAGE)): _lines(p) for p in PACKAGE.rglob("*.py")}
    assert len(sizes) > 100
    assert {name: n for name, n in sizes.items() if n > MODULE_MOST} == {}


def test_no_screen_module_is_over_600_lines() -> None:
    sizes = {str(p.relative_to(PACKAGE)): _lines(p) for p in (PACKAGE / "screens").rglob("*.py")}
    assert len(sizes) > 30
    assert {name: n for name, n in sizes.items() if n > SCREEN_MOST} == {}
