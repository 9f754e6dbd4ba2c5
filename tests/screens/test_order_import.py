"""The import screen, by keys only at 80x24: a file with a bad row is previewed (counts,
the bad row), imported (the good orders in the audit queue with their channel and
external id, the bad one absent, progress reported), its error report saved as CSV; an
unknown product code is mapped by key and the preview shows it resolved; files are
picked from the list, the profile by its digit and the channel by its letter."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from sqlmodel import select
from textual.pilot import Pilot

from oms_tui.app import OmsApp
from oms_tui.models import Order, OrderLine
from oms_tui.screens.order_import import OrderImportScreen
from oms_tui.services.exchange import order_import
from oms_tui.services.platform.db import Database
from oms_tui.services.states.order_states import OrderStatus as S
from tests.factories import make_customer, make_product
from tests.pilot import settle

from .app_helpers import flat, frozen_app, screen_text

HEADER = list(order_import.FIELDS)


def _row(ext: str, product: str, qty: str = "1", name: str = "李娜",
         phone: str = "139 1234 5678") -> list[str]:  # fmt: skip
    return [ext, "2026-11-30 10:00", name, phone, "上海市 浦东新区 世纪大道 100 号", product, qty,
            "", "", "prepaid"]  # fmt: skip


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buf.getvalue().encode("utf-8-sig"))
    return path


def shop(db: Database) -> dict[str, int]:
    lamp = make_product(db, code="LAMP-1", price_minor=8_900)
    bulb = make_product(db, code="BULB-2", price_minor=1_200)
    make_customer(db, name="王小明", phone="138 0013 8000")
    return {"lamp": lamp, "bulb": bulb}


def stored(db: Database) -> dict[str, tuple[str, str, list[tuple[int, int]]]]:
    with db.read() as s:
        out = {}
        for o in s.exec(select(Order).order_by(Order.id)).all():
            mine = select(OrderLine.product_id, OrderLine.qty).where(OrderLine.order_id == o.id)
            lines = s.exec(mine.order_by(OrderLine.line_no)).all()
            out[o.external_ref] = (o.status, o.channel, [tuple(x) for x in lines])
        return out


async def open_import(pilot: Pilot) -> OrderImportScreen:
    await settle(pilot)
    await pilot.press("i")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, OrderImportScreen)
    return screen


async def read_path(pilot: Pilot, path: str) -> None:
    await pilot.press(*path, "enter")
    await settle(pilot)


def text(app: OmsApp) -> str:
    return flat(screen_text(app))


async def test_preview_import_and_error_report(sqlite_db: Database, tmp_path: Path) -> None:
    ids = shop(sqlite_db)
    path = write_csv(tmp_path / "shop.csv", [
        _row("TB1", "LAMP-1", "2"), _row("TB1", "BULB-2", "3"),
        _row("TB2", "BULB-2", "5", name="王小明", phone="13800138000"),
        _row("TB3", "LAMP-1", "lots", name="Chen Li", phone="137 0000 1111"),  # row 5: bad
    ])  # fmt: skip
    app = frozen_app(sqlite_db)
    messages: list[object] = []
    async with app.run_test(size=(80, 24), message_hook=messages.append) as pilot:
        screen = await open_import(pilot)
        await read_path(pilot, str(path))
        shown = text(app)
        assert ("Create 2 · update 0 · unchanged 0 · refused 0 · bad rows 1 · new customers 1"
                in shown)  # fmt: skip
        assert "TB1 李娜 (new) LAMP-1 x2, BULB-2 x3 create" in shown
        assert "TB2 王小明 BULB-2 x5 create" in shown
        assert "5 qty lots quantity must be a whole number" in shown
        assert "TB3" not in shown  # its only row is bad: no order planned
        assert stored(sqlite_db) == {}  # the preview writes nothing

        await pilot.press("f2")
        await settle(pilot)
        got = stored(sqlite_db)
        assert got == {
            "TB1": (S.PENDING_AUDIT, "ecommerce", [(ids["lamp"], 2), (ids["bulb"], 3)]),
            "TB2": (S.PENDING_AUDIT, "ecommerce", [(ids["bulb"], 5)]),
        }
        shown = text(app)
        assert "Imported: created 2 · updated 0 · unchanged 0 · refused 0 · bad rows 1" in shown
        assert "In the audit queue: SO-" in shown
        progress = {id(m): m for m in messages if isinstance(m, OrderImportScreen.Progress)}
        # fed by run_import's batches (the hook sees a message once per node it bubbles to)
        assert [(m.done, m.total) for m in progress.values()] == [(2, 2)]
        assert not screen.progress.display  # hidden again when done

        await pilot.press("f2")  # twice: refused on screen, nothing more in the database
        await settle(pilot)
        assert "Imported already" in text(app)
        assert len(stored(sqlite_db)) == 2

        await pilot.press("f9")  # ctrl twin: ctrl+b
        await settle(pilot)
        reports = list((Path(os.environ["XDG_DOCUMENTS_DIR"]) / "oms").glob("import-errors-*"))
        assert len(reports) == 1
        assert reports[0].name == "import-errors-shop-20260302-093000.csv"  # the frozen clock
        rows = list(csv.reader(io.StringIO(reports[0].read_text(encoding="utf-8-sig"))))
        assert rows[0] == ["row", "column", "value", "reason"]
        assert rows[1][:3] == ["5", "qty", "lots"] and len(rows) == 2
        assert "Error report (1 row) saved to" in text(app)


async def test_problems_and_the_error_report_in_chinese(sqlite_db: Database,
                                                         tmp_path: Path) -> None:  # fmt: skip
    """A Chinese clerk reads each bad row's reason in Chinese, on the screen and in the
    error report (its heads too); the service's record stays English."""
    shop(sqlite_db)
    path = write_csv(tmp_path / "shop.csv", [
        _row("TB1", "LAMP-1", "2"),
        _row("TB3", "LAMP-1", "lots", name="Chen Li", phone="137 0000 1111"),  # row 3: bad
        _row("TB4", "ACME-9", "1"),  # row 4: a code not ours
    ])  # fmt: skip
    app = frozen_app(sqlite_db, language="zh_CN")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_import(pilot)
        await read_path(pilot, str(path))
        shown = text(app)
        assert "3 qty lots 数量必须是 1 到 100,000 的整数" in shown
        assert "4 product ACME-9 未知商品编码（请对应到我们的商品编码）" in shown
        assert "quantity" not in shown and "unknown" not in shown
        assert screen.plan is not None
        assert screen.plan.problems[0].reason == "quantity must be a whole number 1 to 100,000"
        await pilot.press("f9")
        await settle(pilot)
        reports = list((Path(os.environ["XDG_DOCUMENTS_DIR"]) / "oms").glob("import-errors-*"))
        rows = list(csv.reader(io.StringIO(reports[0].read_text(encoding="utf-8-sig"))))
        assert rows == [
            ["行", "列", "值", "原因"],
            ["3", "qty", "lots", "数量必须是 1 到 100,000 的整数"],
            ["4", "product", "ACME-9", "未知商品编码（请对应到我们的商品编码）"],
        ]


async def test_unknown_code_mapped_by_key_then_resolved(sqlite_db: Database,
                                                       tmp_path: Path) -> None:  # fmt: skip
    ids = shop(sqlite_db)
    path = write_csv(
        tmp_path / "dealer.csv",
        [_row("PO-7", "ACME-LAMP", "4"), _row("PO-8", "BULB-2", "1", phone="137 1")],
    )
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_import(pilot)
        await pilot.press("ctrl+n", "d")  # channel: d dealer (the Ctrl twin of F7)
        await settle(pilot)
        assert "channel Dealer" in text(app)
        await read_path(pilot, str(path))
        shown = text(app)
        assert "2 product ACME-LAMP unknown product code" in shown
        assert "3 phone 137 1 not a phone number" in shown
        assert "Create 0" in shown and "bad rows 2" in shown
        await pilot.press("f8")  # the unknown code is highlighted (the first problem)
        await pilot.press(*"lamp-1", "enter")
        await settle(pilot)
        await settle(pilot)
        shown = text(app)
        assert "ACME-LAMP" not in shown  # resolved: no longer a problem ...
        assert "PO-7 李娜 (new) LAMP-1 x4 create" in shown  # ... but a line of ours
        assert "Create 1" in shown and "bad rows 1" in shown
        assert screen.plan is not None and screen.plan.channel == "dealer"
        # remembered for the channel: the service finds it too
        plan = order_import.plan_import(sqlite_db, path.read_bytes(), "dealer")
        assert [o.lines[0].product_id for o in plan.orders] == [ids["lamp"]]

        await pilot.press("enter")  # Enter on a problem that is not a code: says so
        assert "Highlight an unknown product code" in text(app)
        await pilot.press("ctrl+s")  # the twin of F2
        await settle(pilot)
        assert stored(sqlite_db) == {"PO-7": (S.PENDING_AUDIT, "dealer", [(ids["lamp"], 4)])}


async def test_pick_a_file_from_the_list_and_a_profile_by_digit(
    sqlite_db: Database, tmp_path: Path, monkeypatch
) -> None:  # noqa: ANN001
    shop(sqlite_db)
    monkeypatch.chdir(tmp_path)
    older = write_csv(tmp_path / "older.csv", [_row("TB1", "LAMP-1")])
    dealer_header = ["PO Number", "Order Date", "Ship To", "Phone", "Address", "Item Code",
                     "Quantity", "Unit Price", "Remarks"]  # fmt: skip
    newer = write_csv(tmp_path / "dealer-po.csv",
                      [["PO-1", "2026-11-30", "Li Wei", "138 0000 2222", "Hangzhou", "BULB-2",
                        "6", "", ""]], header=dealer_header)  # fmt: skip
    os.utime(older, (1_700_000_000, 1_700_000_000))
    os.utime(newer, (1_700_000_100, 1_700_000_100))
    (tmp_path / "notes.txt").write_text("not an import file")
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_import(pilot)
        names = [r.path.name for r in screen.files.rows]
        assert names == ["dealer-po.csv", "older.csv"]  # newest first, only .csv/.xlsx
        await pilot.press("f6", "3")  # profile 3: dealer (its channel follows)
        assert "Profile dealer (F6) · channel Dealer (F7)" in text(app)
        await pilot.press("down", "up", "enter")  # the input keeps focus; Up/Down pick
        await settle(pilot)
        shown = text(app)
        assert "1 row in dealer-po.csv" in shown
        assert "PO-1 Li Wei (new) BULB-2 x6 create" in shown
        await pilot.press("f4")  # another file: the list again, the path line focused
        assert screen.query_one("#imp-choose").display
        assert app.focused is screen.path_input
        await pilot.press("ctrl+u", "down", "enter")  # the old path cleared; the second file
        await settle(pilot)
        assert "no column" in text(app)  # older.csv has our template's header, not a dealer's
        await pilot.press("f6", "1")  # profile oms: previewed again at once
        await settle(pilot)
        assert "TB1 李娜 (new) LAMP-1 x1 create" in text(app)


async def test_a_missing_file_is_said(sqlite_db: Database, tmp_path: Path) -> None:
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_import(pilot)
        await read_path(pilot, str(tmp_path / "nope.csv"))
        assert "Could not read nope.csv: no file" in text(app)
        await pilot.press("f2")
        assert "Choose a file and see its preview first" in text(app)


async def test_f7_offers_the_shops_own_channels(sqlite_db: Database, tmp_path: Path) -> None:
    """A web shop added with `oms channel add` is picked by its digit; its default profile
    comes with it, and its orders carry its name."""
    from oms_tui.services.sales import channels

    ids = shop(sqlite_db)
    channels.add_channel(sqlite_db, "boss", "taobao-main", "ecommerce", "taobao")
    names = order_import.SHIPPED_PROFILES["taobao"][1]
    header = [names[f] for f in ("external_id", "customer_name", "phone", "address", "product",
                                 "qty")]  # fmt: skip
    path = write_csv(tmp_path / "tb.csv", [["12345", "刘洋", "139 1234 0000", "广州市 天河区",
                                            "LAMP-1", "2"]], header)  # fmt: skip
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_import(pilot)
        await pilot.press("f7")
        await settle(pilot)
        assert "1 taobao-main (E-commerce, profile taobao)" in text(app)
        await pilot.press("1")
        await settle(pilot)
        assert "Profile taobao (F6) · channel taobao-main (F7)" in text(app)
        await read_path(pilot, str(path))
        assert screen.plan is not None and screen.plan.channel == "taobao-main"
        await pilot.press("f2")
        await settle(pilot)
        assert stored(sqlite_db) == {"12345": (S.PENDING_AUDIT, "taobao-main", [(ids["lamp"], 2)])}
