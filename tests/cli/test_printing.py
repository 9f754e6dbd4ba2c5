"""`oms print ...`: packing list, pick list and labels to a file; clear one-line errors
(the manifest: test_run.py; the statement: test_payment.py)."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from pypdf import PdfReader

from oms_tui.services.platform import settings
from oms_tui.services.shipping import dispatch
from tests.cli.runner import oms
from tests.dispatch_factories import allocated_order, world
from tests.services.test_printing import fake_lp


def _text(path) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)


def test_print_documents_of_a_wave(sqlite_db, tmp_path, monkeypatch):
    w = world(sqlite_db)
    settings.set_setting(sqlite_db, "t", "company_name", "明光水木实业")
    oid = allocated_order(sqlite_db, [(w.lamp, 3), (w.shade, 1)])
    none_yet = oms("--db", sqlite_db.url, "print", "packing-list", "SO-2026-000001")
    assert none_yet.exit_code == 1
    assert none_yet.stderr.strip() == (
        "oms: order SO-2026-000001 has no shipment yet: start picking it in Dispatch"
    )
    [sh] = dispatch.create_shipments(sqlite_db, "picker", [oid], today=date(2026, 11, 30))

    out = tmp_path / "pl.pdf"
    done = oms("--db", sqlite_db.url, "print", "packing-list", sh.order_number.lower(),
               "--out", str(out), "--paper", "letter")  # fmt: skip
    assert done.exit_code == 0, done.stderr
    assert done.stderr.strip() == f"packing-list-{sh.order_number}: saved as {out}"
    text = _text(out)
    assert "明光水木实业" in text and sh.number in text and "吸顶灯 Ceiling lamp" in text

    pick = tmp_path / "pick.pdf"
    done = oms("--db", sqlite_db.url, "print", "pick-list", "--warehouse", "hz", "--out",
               str(pick))  # fmt: skip
    assert done.exit_code == 0, done.stderr
    assert "LAMP-1" in _text(pick) and "SHADE-1" in _text(pick)

    label = tmp_path / "label.pdf"
    assert oms("--db", sqlite_db.url, "print", "label", sh.order_number, "--out",
               str(label)).exit_code == 0  # fmt: skip
    assert "Package 1 of 1 第 1 件 / 共 1 件" in _text(label)

    # no printer configured and no --out: the PDF goes to the documents folder
    saved = oms("--db", sqlite_db.url, "print", "packing-list", sh.order_number)
    assert saved.exit_code == 0 and "saved as" in saved.stderr
    assert saved.stderr.strip().endswith(f"oms/packing-list-{sh.order_number}.pdf")

    # a printer that fails: exit 1, saying so and where the file is kept
    fake_lp(tmp_path, monkeypatch, exit_code=1)
    settings.set_setting(sqlite_db, "t", "printer", "nowhere")
    failed = oms("--db", sqlite_db.url, "print", "packing-list", sh.order_number)
    kept = saved.stderr.strip().split("saved as ")[1]
    assert failed.exit_code == 1 and failed.stderr.strip() == (
        f"oms: printer 'nowhere' failed: lp: The printer or class does not exist; saved as {kept}"
    )
    assert sh.number in _text(Path(kept))
    settings.set_setting(sqlite_db, "t", "printer", "")

    bad = oms("--db", sqlite_db.url, "print", "packing-list", sh.order_number, "--paper", "B5")
    assert bad.exit_code == 1 and bad.stderr.strip() == "oms: --paper B5: use A4 or Letter"
    empty = oms("--db", sqlite_db.url, "print", "pick-list", "--warehouse", "GZ")
    assert empty.exit_code == 1 and empty.stderr.strip() == "oms: nothing is being picked in GZ"
