"""A service's refusal (NotPermitted, issue 17) at the command line: one line, exit 1,
nothing changed."""

from __future__ import annotations

from sqlmodel import select

from oms_tui.models import Payment
from oms_tui.services.platform import backup
from oms_tui.services.platform.settings import get_settings
from tests.cli.runner import oms
from tests.factories import make_customer


def test_raising_the_discount_limit_is_refused_to_a_manager_and_to_a_stranger(sqlite_db):
    url = sqlite_db.url
    for user, why in (("manager", "manager (manager) may not change the company's settings: "
                                  "ask someone who may (admin)"),
                      ("mallory", "mallory is not a user of this database: an admin adds them "
                                  "with `oms user add mallory --role ROLE`")):  # fmt: skip
        refused = oms("--db", url, "--user", user, "settings", "discount_limit_pct", "100")
        assert (refused.exit_code, refused.stdout, refused.stderr) == (1, "", f"oms: {why}\n")
    assert get_settings(sqlite_db).discount_limit_pct == 10
    done = oms("--db", url, "--user", "admin", "settings", "discount_limit_pct", "100")
    assert done.exit_code == 0 and "discount_limit_pct       100" in done.stdout


def test_a_warehouse_user_recording_a_payment_is_refused_in_one_line(sqlite_db):
    code = make_customer(sqlite_db).code
    refused = oms("--db", sqlite_db.url, "--user", "warehouse", "payment", "record", code, "100")
    assert (refused.exit_code, refused.stdout) == (1, "")
    assert refused.stderr == ("oms: warehouse (warehouse) may not record payments and credit "
                              "notes: ask someone who may (finance, manager, admin)\n")  # fmt: skip
    with sqlite_db.read() as s:
        assert s.exec(select(Payment)).all() == []
    paid = oms("--db", sqlite_db.url, "--user", "finance", "payment", "record", code, "100")
    assert paid.exit_code == 0, paid.stderr


def test_backup_by_hand_is_the_admins(sqlite_db):
    refused = oms("--db", sqlite_db.url, "--user", "manager", "backup")
    assert refused.exit_code == 1
    assert refused.stderr.startswith("oms: manager (manager) may not back up and restore")
    assert backup.backups_in(sqlite_db) == []
    assert oms("--db", sqlite_db.url, "--user", "admin", "backup").exit_code == 0
    assert len(backup.backups_in(sqlite_db)) == 1
