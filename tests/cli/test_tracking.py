"""`oms tracking import`: carrier events recorded, bad rows listed, exit 1."""

from __future__ import annotations

from datetime import date

from oms_tui.services.shipping import dispatch
from tests.cli.runner import oms
from tests.dispatch_factories import allocated_order, world


def test_tracking_import_lists_bad_rows_and_exits_1(sqlite_db, tmp_path):
    w = world(sqlite_db)
    oid = allocated_order(sqlite_db, [(w.lamp, 1)])
    [sh] = dispatch.create_shipments(sqlite_db, "picker", [oid], today=date(2026, 11, 30))
    dispatch.ship(sqlite_db, "packer", sh.id, "123456789012", today=date(2026, 11, 30))
    csv_file = tmp_path / "zto.csv"
    csv_file.write_text("tracking,status,time,location\n123456789012,delivered,"
                        "2026-12-02 10:30,上海\n55,lost,,\n", encoding="utf-8")  # fmt: skip
    done = oms("--db", sqlite_db.url, "tracking", "import", str(csv_file))
    assert done.exit_code == 1
    assert done.stdout == "row 3: unknown status 'lost'\n"
    assert done.stderr.strip() == ("1 events recorded, 0 already known, 1 shipments delivered, "
                                   "1 rows refused")  # fmt: skip
    missing = oms("--db", sqlite_db.url, "tracking", "import", str(tmp_path / "nope.csv"))
    assert missing.exit_code == 1 and missing.stderr.startswith("oms: no file ")
