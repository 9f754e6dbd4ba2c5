"""The command line at zh_CN says the sales services' sentences in Chinese (issue #18): a
refusal (through the error line) and a standing order that could not be created."""

from __future__ import annotations

from datetime import date

from oms_tui import i18n
from oms_tui.services.platform.db import Database
from oms_tui.services.sales import templates
from tests.audit_factories import set_product
from tests.cli.runner import oms
from tests.factories import make_customer, make_product


def test_standing_run_and_a_refusal_in_chinese(sqlite_db: Database) -> None:
    c = make_customer(sqlite_db)
    water = make_product(sqlite_db, code="W-19L")
    templates.create_template(sqlite_db, "t", "weekly water", [(water, 4)], customer_id=c.id,
                              weekday=0, starting=date(2026, 11, 23))  # fmt: skip
    set_product(sqlite_db, water, active=False)
    i18n.set_language("zh_CN")  # what LANG=zh_CN.UTF-8 gives the command line at its start
    run = oms("--db", sqlite_db.url, "standing", "run", "--date", "2026-11-23")
    assert run.exit_code == 1
    assert "定期订单 weekly water：第 1 行：W-19L 已停售" in run.stderr
    assert "no longer sold" not in run.stderr
    bad = oms("--db", sqlite_db.url, "channel", "add", "jd", "--kind", "barter")
    assert bad.exit_code == 1
    assert bad.stderr.startswith("oms: 未知类型 'barter'；可选：phone, walk_in")
