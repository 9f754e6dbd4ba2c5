"""`oms standing run`: the standing orders due that day, created once."""

from __future__ import annotations

from tests.cli.runner import oms


def test_standing_run_creates_due_orders_once(sqlite_db):
    from datetime import date

    from oms_tui.services.sales import templates
    from tests.factories import make_customer, make_product

    c = make_customer(sqlite_db)
    water = make_product(sqlite_db)
    templates.create_template(sqlite_db, "t", "weekly water", [(water, 4)], customer_id=c.id,
                              weekday=0, starting=date(2026, 11, 23))  # fmt: skip
    first = oms("--db", sqlite_db.url, "standing", "run", "--date", "2026-11-23")
    assert first.exit_code == 0, first.stderr
    numbers = first.stdout.split()
    assert len(numbers) == 1 and numbers[0].startswith("SO-")
    again = oms("--db", sqlite_db.url, "standing", "run", "--date", "2026-11-23")
    assert again.stdout == "" and "0 standing orders created" in again.stderr
    bad = oms("--db", sqlite_db.url, "standing", "run", "--date", "23/11/2026")
    assert bad.exit_code == 1 and bad.stderr.strip() == "oms: --date 23/11/2026: use YYYY-MM-DD"
