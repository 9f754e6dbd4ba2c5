"""`oms print ...`: packing list, pick list and labels to a file; clear one-line errors."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from pypdf import PdfReader

from oms_tui.services.platform import settings
from oms_tui.services.shipping import dispatch
from tests.dispatch_factories import allocated_order, world
from tests.services.test_printing import fake_lp
from tests.test_cli import oms


def _text(path) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)


def test_print_documents_of_a_wave(sqlite_db, tmp_path, monkeypatch):
    w = world(sqlite_db)
    settings.set_setting(sqlite_db, "t", "company_name", "明光水木实业")
    oid = allocated_order(sqlite_db, [(w.lamp, 3), (w.shade, 1)])
    none_yet = oms("--db", sqlite_db.url, "print", "packing-list", "SO-2026-000001")
    assert none_yet.returncode == 1
    assert none_yet.stderr.strip() == (
        "oms: order SO-2026-000001 has no shipment yet: start picking it in Dispatch"
    )
    [sh] = dispatch.create_shipments(sqlite_db, "picker", [oid], today=date(2026, 11, 30))

    out = tmp_path / "pl.pdf"
    done = oms("--db", sqlite_db.url, "print", "packing-list", sh.order_number.lower(),
               "--out", str(out), "--paper", "letter")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == f"packing-list-{sh.order_number}: saved as {out}"
    text = _text(out)
    assert "明光水木实业" in text and sh.number in text and "吸顶灯 Ceiling lamp" in text

    pick = tmp_path / "pick.pdf"
    done = oms("--db", sqlite_db.url, "print", "pick-list", "--warehouse", "hz", "--out",
               str(pick))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "LAMP-1" in _text(pick) and "SHADE-1" in _text(pick)

    label = tmp_path / "label.pdf"
    assert oms("--db", sqlite_db.url, "print", "label", sh.order_number, "--out",
               str(label)).returncode == 0  # fmt: skip
    assert "Package 件 1 of 1" in _text(label)

    # no printer configured and no --out: the PDF goes to the documents folder
    saved = oms("--db", sqlite_db.url, "print", "packing-list", sh.order_number)
    assert saved.returncode == 0 and "saved as" in saved.stderr
    assert saved.stderr.strip().endswith(f"oms/packing-list-{sh.order_number}.pdf")

    # a printer that fails: exit 1, saying so and where the file is kept
    fake_lp(tmp_path, monkeypatch, exit_code=1)
    settings.set_setting(sqlite_db, "t", "printer", "nowhere")
    failed = oms("--db", sqlite_db.url, "print", "packing-list", sh.order_number)
    kept = saved.stderr.strip().split("saved as ")[1]
    assert failed.returncode == 1 and failed.stderr.strip() == (
        f"oms: printer 'nowhere' failed: lp: The printer or class does not exist; saved as {kept}"
    )
    assert sh.number in _text(Path(kept))
    settings.set_setting(sqlite_db, "t", "printer", "")

    bad = oms("--db", sqlite_db.url, "print", "packing-list", sh.order_number, "--paper", "B5")
    assert bad.returncode == 1 and bad.stderr.strip() == "oms: --paper B5: use A4 or Letter"
    empty = oms("--db", sqlite_db.url, "print", "pick-list", "--warehouse", "GZ")
    assert empty.returncode == 1 and empty.stderr.strip() == "oms: nothing is being picked in GZ"


def test_tracking_import_lists_bad_rows_and_exits_1(sqlite_db, tmp_path):
    w = world(sqlite_db)
    oid = allocated_order(sqlite_db, [(w.lamp, 1)])
    [sh] = dispatch.create_shipments(sqlite_db, "picker", [oid], today=date(2026, 11, 30))
    dispatch.ship(sqlite_db, "packer", sh.id, "123456789012", today=date(2026, 11, 30))
    csv_file = tmp_path / "zto.csv"
    csv_file.write_text("tracking,status,time,location\n123456789012,delivered,"
                        "2026-12-02 10:30,上海\n55,lost,,\n", encoding="utf-8")  # fmt: skip
    done = oms("--db", sqlite_db.url, "tracking", "import", str(csv_file))
    assert done.returncode == 1
    assert done.stdout == "row 3: unknown status 'lost'\n"
    assert done.stderr.strip() == ("1 events recorded, 0 already known, 1 shipments delivered, "
                                   "1 rows refused")  # fmt: skip
    missing = oms("--db", sqlite_db.url, "tracking", "import", str(tmp_path / "nope.csv"))
    assert missing.returncode == 1 and missing.stderr.startswith("oms: no file ")


def test_van_run_plan_and_manifest(sqlite_db, tmp_path):
    from tests.services.test_delivery_runs import _order_for, _water

    _van, barrel = _water(sqlite_db)
    _order_for(sqlite_db, barrel, 3, route_seq=1)
    planned = oms("--db", sqlite_db.url, "run", "plan", "--van", "van1", "--date", "2026-11-30",
                  "--driver", "老李")  # fmt: skip
    assert planned.returncode == 0, planned.stderr
    assert planned.stdout.startswith("  1 SO-2026-000001 ")
    assert planned.stderr.startswith("RUN-2026-000001: 1 stops, cash to collect ¥")
    out = tmp_path / "m.pdf"
    done = oms("--db", sqlite_db.url, "print", "manifest", "run-2026-000001", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "老李" in _text(out) and "3 x W-BRL" in _text(out)
    again = oms("--db", sqlite_db.url, "run", "plan", "--van", "VAN1", "--date", "2026-11-30")
    assert again.returncode == 1
    assert again.stderr.strip() == "oms: nothing ready to deliver by VAN1 on 2026-11-30"
