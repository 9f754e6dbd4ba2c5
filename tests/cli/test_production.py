"""`oms production routes | route | bom`: routes and bills of materials set by CLI."""

from __future__ import annotations

from sqlmodel import select

from oms_tui.models import BomItem
from oms_tui.services.production import routes
from tests.cli.runner import oms
from tests.factories import make_product


def test_routes_and_bills_of_materials(sqlite_db):
    door = make_product(sqlite_db, code="DOOR-9", made_to_order=True, product_line="doors")
    make_product(sqlite_db, code="RM-OAK")
    made = oms("--db", sqlite_db.url, "production", "route", "木门线", "--line", "doors",
               "--capacity", "8", "--stage", "备料 materials:1", "--stage", "组装:2")  # fmt: skip
    assert made.exit_code == 0, made.stderr
    assert made.stderr.strip() == "木门线: doors, 8/day, 备料 materials (1 d) -> 组装 (2 d)"
    listed = oms("--db", sqlite_db.url, "production", "routes").stdout
    assert listed.strip() == "木门线\tdoors\t8/day\t备料 materials (1 d) -> 组装 (2 d)"
    # capacity only: the stages stay
    oms("--db", sqlite_db.url, "production", "route", "木门线", "--line", "doors",
        "--capacity", "10")  # fmt: skip
    [r] = routes.routes(sqlite_db)
    assert (r.daily_capacity, len(r.stages)) == (10, 2)
    bad = oms("--db", sqlite_db.url, "production", "route", "x", "--line", "doors",
              "--capacity", "1")  # fmt: skip
    assert bad.exit_code == 1 and bad.stderr.strip() == "oms: 木门线 already makes the doors line"
    assert oms("--db", sqlite_db.url, "production", "bom", "door-9", "rm-oak", "3"
               ).exit_code == 0  # fmt: skip
    with sqlite_db.read() as s:
        assert [(b.product_id, b.qty_per) for b in s.exec(select(BomItem))] == [(door, 3)]
    not_made = oms("--db", sqlite_db.url, "production", "bom", "RM-OAK", "DOOR-9", "1")
    assert not_made.stderr.strip() == "oms: RM-OAK is not made to order"
    oms("--db", sqlite_db.url, "production", "bom", "DOOR-9", "RM-OAK", "0")
    with sqlite_db.read() as s:
        assert s.exec(select(BomItem)).all() == []
