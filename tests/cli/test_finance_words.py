"""The command line in Chinese (``LANG=zh_CN.UTF-8``, set here as the CLI sets it from the
locale) says the services' sentences in Chinese: a refusal on its error line, the change
log's stored why, what a remittance file could not pay (issue #18)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from oms_tui import i18n
from oms_tui.models import Invoice
from oms_tui.services.platform.db import Database
from tests.audit_factories import customer
from tests.factories import dun
from tests.test_i18n import chinese  # noqa: F401 (the fixture every test here uses)

from .runner import oms

pytestmark = pytest.mark.usefixtures("chinese")


def test_a_refused_setting_and_a_refused_user_in_chinese(sqlite_db: Database) -> None:
    url = sqlite_db.url
    bad = oms("--db", url, "settings", "paper", "A5")
    assert bad.exit_code == 1 and bad.stderr == "oms: paper 须为 'A4' 或 'Letter'\n"
    money = oms("--db", url, "settings", "max_amount_minor", "0")
    assert money.stderr == (
        "oms: max_amount_minor 须在 1 到 1,000,000,000,000,000 之间（最小货币单位）\n"
    )
    refused = oms("--db", url, "--user", "clerk", "settings", "paper", "A4")
    assert refused.exit_code == 1
    assert refused.stderr.startswith("oms: clerk（") and "无权修改公司设置" in refused.stderr


def test_the_change_log_says_why_in_chinese(sqlite_db: Database) -> None:
    today = date.today()
    cid = customer(sqlite_db, phone="13600000001")
    with sqlite_db.write() as s:
        s.add(Invoice(number="INV-1", customer_id=cid, amount_minor=50_000,
                      issued_on=today - timedelta(days=100), due_on=today - timedelta(days=100),
                      created_by="t"))  # fmt: skip
    dun(sqlite_db, today)
    log = oms("--db", sqlite_db.url, "audit", "log", "--entity", "customer")
    assert log.exit_code == 0
    assert f"(逾期 100 天：催款停止赊销（{today}）)" in log.stdout
    assert "credit hold by dunning" not in log.stdout
    i18n.set_language(i18n.ENGLISH)  # the record itself stays English
    english = oms("--db", sqlite_db.url, "audit", "log", "--entity", "customer")
    assert f"(overdue 100 days: credit hold by dunning ({today}))" in english.stdout


def test_a_remittance_file_says_what_it_could_not_pay_in_chinese(sqlite_db: Database,
                                                                 tmp_path) -> None:  # fmt: skip
    remittances = tmp_path / "cod.csv"
    remittances.write_text("tracking,amount\nSF000000001,12.50\nSF000000002,abc\n",
                           encoding="utf-8")  # fmt: skip
    done = oms("--db", sqlite_db.url, "payment", "cod", str(remittances))
    assert done.exit_code == 1
    assert "SF000000001: 没有此运单号的发货单" in done.stdout
    assert "'abc' 不是金额（例如 12.50）" in done.stdout
