"""`oms region list | set | fill`: the provinces' regions, one moved, the customers
without one filled in."""

from __future__ import annotations

from sqlalchemy import text

from tests.cli.runner import oms
from tests.factories import make_customer


def test_regions_listed_moved_and_filled(sqlite_db):
    db = ("--db", sqlite_db.url)
    listed = oms(*db, "region", "list").stdout.splitlines()
    assert len(listed) == 34 and "山东省\tNorth" in listed
    moved = oms(*db, "region", "set", "山东", "East")
    assert moved.exit_code == 0 and moved.stderr == "山东省: East\n"
    assert "山东省\tEast  *" in oms(*db, "region", "list").stdout
    assert oms(*db, "region", "set", "nowhere", "East").exit_code == 1
    make_customer(sqlite_db, region="")  # 浙江 杭州市: East
    with sqlite_db.write() as s:  # as order entry left customers before regions were filled
        s.execute(text("UPDATE customer SET region = ''"))
        s.execute(text("UPDATE customer_address SET region = ''"))
    filled = oms(*db, "region", "fill")
    assert filled.stderr == "region filled in for 1 customers and 1 addresses\n"
    with sqlite_db.read() as s:
        assert s.execute(text("SELECT region FROM customer")).scalars().all() == ["East"]
