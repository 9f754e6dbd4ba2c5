"""`oms tracking import`: carrier events recorded, bad rows listed, exit 1."""

from __future__ import annotations

from datetime import date

from oms_tui.services.shipping import dispatch
from tests.cli.runner import oms
from tests.dispatch_factories import allocated_order, world


def _shipped(db) -> None:  # noqa: ANN001
    """A shipment that left with tracking number 123456789012."""
    w = world(db)
    oid = allocated_order(db, [(w.lamp, 1)])
    [sh] = dispatch.create_shipments(db, "picker", [oid], today=date(2026, 11, 30))
    dispatch.ship(db, "packer", sh.id, "123456789012", today=date(2026, 11, 30))


def test_tracking_import_lists_bad_rows_and_exits_1(sqlite_db, tmp_path):
    _shipped(sqlite_db)
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


def test_a_chinese_clerk_reads_the_refused_rows_in_chinese(sqlite_db, tmp_path):
    """`LANG=zh_CN.UTF-8 oms tracking import`: each refused row's reason in Chinese."""
    from oms_tui import i18n

    _shipped(sqlite_db)
    csv_file = tmp_path / "zto.csv"
    csv_file.write_text(
        "运单号,状态,时间\n123456789012,运输中,2026-12-01 08:00\n55,lost,,\n"
        "777,已签收,,\n123456789012,派送中,yesterday\n",
        encoding="utf-8",
    )
    before = i18n.current_language()
    i18n.set_language("zh_CN")  # what the locale's LANG=zh_CN.UTF-8 gives the command line
    try:
        done = oms("--db", sqlite_db.url, "tracking", "import", str(csv_file))
    finally:
        i18n.set_language(before)
    assert done.exit_code == 1
    assert done.stdout == (
        "第 3 行：未知状态“lost”\n"
        "第 4 行：没有运单号为 777 的发货单\n"
        "第 5 行：无法识别的时间“yesterday”（格式如 2026-11-30 14:05）\n"
    )
    assert done.stderr.strip() == "登记 1 条物流状态，0 条已有，0 张发货单已送达，拒绝 3 行"
