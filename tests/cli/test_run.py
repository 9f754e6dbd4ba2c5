"""`oms run plan` and the driver manifest it leads to (`oms print manifest`)."""

from __future__ import annotations

from tests.cli.runner import oms
from tests.cli.test_printing import _text


def test_van_run_plan_and_manifest(sqlite_db, tmp_path):
    from tests.services.test_delivery_runs import _order_for, _water

    _van, barrel = _water(sqlite_db)
    _order_for(sqlite_db, barrel, 3, route_seq=1)
    planned = oms("--db", sqlite_db.url, "run", "plan", "--van", "van1", "--date", "2026-11-30",
                  "--driver", "老李")  # fmt: skip
    assert planned.exit_code == 0, planned.stderr
    assert planned.stdout.startswith("  1 SO-2026-000001 ")
    assert planned.stderr.startswith("RUN-2026-000001: 1 stops, cash to collect ¥")
    out = tmp_path / "m.pdf"
    done = oms("--db", sqlite_db.url, "print", "manifest", "run-2026-000001", "--out", str(out))
    assert done.exit_code == 0, done.stderr
    assert "老李" in _text(out) and "3 x W-BRL" in _text(out)
    again = oms("--db", sqlite_db.url, "run", "plan", "--van", "VAN1", "--date", "2026-11-30")
    assert again.exit_code == 1
    assert again.stderr.strip() == "oms: nothing ready to deliver by VAN1 on 2026-11-30"
