"""Every CSV oms writes opens right in Chinese spreadsheets: UTF-8 with a BOM by default,
GB18030 on request, and made by one function (``services/platform/csv_files.py``)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import oms_tui
from oms_tui.services.platform.csv_files import csv_bytes, csv_encoding_name, write_csv
from oms_tui.services.platform.errors import InvalidInput
from oms_tui.services.platform.settings import get_settings, set_setting

ROWS = [("LED-40W", "吸顶灯 40W", 3)]


def test_utf8_with_bom_by_default() -> None:
    data = csv_bytes(("code", "name", "qty"), ROWS)
    assert data == "\ufeffcode,name,qty\r\nLED-40W,吸顶灯 40W,3\r\n".encode()
    assert data.startswith(b"\xef\xbb\xbf")


def test_gb18030_on_request(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", ("code", "name", "qty"), ROWS, "GB18030")
    data = path.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    assert data.decode("gb18030") == "code,name,qty\r\nLED-40W,吸顶灯 40W,3\r\n"
    assert "吸顶灯".encode("gb18030") in data


def test_unknown_encoding_is_refused() -> None:
    assert csv_encoding_name(None) == csv_encoding_name("UTF8") == "utf-8"
    with pytest.raises(InvalidInput, match="use utf-8 or gb18030"):
        csv_encoding_name("latin-1")


def test_the_setting(db) -> None:  # noqa: ANN001
    assert get_settings(db).csv_encoding == "utf-8"
    assert set_setting(db, "admin", "csv_encoding", "GB18030").csv_encoding == "gb18030"
    with pytest.raises(InvalidInput):
        set_setting(db, "admin", "csv_encoding", "ascii")


def test_no_other_module_writes_csv_itself() -> None:
    """One writer: a new export that builds its own ``csv.writer`` (and so forgets the BOM,
    as the reorder screen's did) fails here."""
    root = Path(oms_tui.__file__).parent
    own = root / "services" / "platform" / "csv_files.py"
    found = []
    for path in root.rglob("*.py"):
        if path == own:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Attribute) and node.attr in ("writer", "DictWriter")
                    and isinstance(node.value, ast.Name) and node.value.id == "csv"):  # fmt: skip
                found.append(f"{path.relative_to(root)}:{node.lineno}")
    assert found == []
