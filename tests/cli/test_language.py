"""The command line in the locale's language, users' languages, and the Chinese invoicing
commands (issue #18)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta

from oms_tui.services.platform.db import Database
from tests.audit_factories import customer, invoice

from .runner import oms

TAX_ID = "91350100M000100Y43"


def _help(lang: str) -> str:
    env = {k: v for k, v in os.environ.items()
           if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES")}  # fmt: skip
    env["LANG"] = lang
    done = subprocess.run([sys.executable, "-m", "oms_tui.cli", "--help"], capture_output=True,
                          text=True, timeout=300, env=env, check=True)  # fmt: skip
    return done.stdout


def test_top_level_help_in_the_locale_language() -> None:
    """`LANG=zh_CN.UTF-8 oms --help` in Chinese, click's own words too; commands as typed."""
    zh = _help("zh_CN.UTF-8")
    assert zh.startswith("用法: oms [OPTIONS] COMMAND [ARGS]...")
    for words in ("选项", "命令", "显示本帮助并退出。", "环境变量：OMS_DATABASE_URL",
                  "库存：核对台账、分配、入库、补货建议。", "  stock "):  # fmt: skip
        assert words in zh, words
    en = _help("C.UTF-8")
    assert en.startswith("Usage: oms") and "Show this message and exit." in en
    assert "库存" not in en


def test_a_user_chooses_a_language(sqlite_db: Database) -> None:
    url = sqlite_db.url
    shown = oms("--db", url, "--user", "lin", "user", "language")
    assert shown.stdout.startswith("lin: en (English)")  # the tests' locale: C
    assert oms("--db", url, "settings", "language", "zh_CN").exit_code == 0
    assert oms("--db", url, "--user", "lin", "user", "language").stdout.startswith(
        "lin: zh_CN (中文)"
    )  # the company's
    assert oms("--db", url, "--user", "lin", "user", "language", "en").exit_code == 0
    assert oms("--db", url, "--user", "lin", "user", "language").stdout == "lin: en (English)\n"
    bad = oms("--db", url, "user", "language", "klingon")
    assert bad.exit_code == 1 and bad.stderr.startswith("oms: language 'klingon': use")
    # a name that is no user is refused, and is not added by choosing a language
    nobody = oms("--db", url, "--user", "ghost", "user", "language", "en")
    assert nobody.exit_code == 1 and "ghost" in nobody.stderr
    assert "ghost" not in oms("--db", url, "user", "list").stdout


def test_customer_invoicing_and_fapiao(sqlite_db: Database) -> None:
    url = sqlite_db.url
    cid = customer(sqlite_db, "明光照明", phone="13900000001")
    code = oms("--db", url, "customer", "invoicing", "13900000001")
    assert code.exit_code == 0 and "Invoice type: normal (普通)" in code.stdout
    done = oms("--db", url, "customer", "invoicing", "明光照明", "--type", "专票",
               "--taxpayer-id", TAX_ID.lower(), "--title", "杭州明光照明有限公司")  # fmt: skip
    assert done.exit_code == 0, done.stderr
    assert f"Taxpayer id: {TAX_ID}" in done.stdout and "special (专用)" in done.stdout
    bad = oms("--db", url, "customer", "invoicing", "明光照明", "--taxpayer-id", "123")
    assert bad.exit_code == 1 and "taxpayer id 123" in bad.stderr
    invoice(sqlite_db, cid, 10_000, date.today() + timedelta(days=30))
    number = _last_invoice(sqlite_db)
    none = oms("--db", url, "invoice", "fapiao", number)
    assert none.exit_code == 1 and "no fapiao recorded" in none.stderr
    rec = oms("--db", url, "--user", "lin", "invoice", "fapiao", number, "12345678")
    assert rec.exit_code == 0, rec.stderr
    assert f"{number}: fapiao 12345678 of {date.today().isoformat()} (recorded by lin)" in (
        oms("--db", url, "invoice", "fapiao", number).stdout
    )


def _last_invoice(db: Database) -> str:
    from sqlmodel import col, select

    from oms_tui.models import Invoice

    with db.read() as s:
        return s.exec(select(Invoice.number).order_by(col(Invoice.id).desc())).first()


def test_a_customers_document_language(sqlite_db: Database) -> None:
    url = sqlite_db.url
    customer(sqlite_db, "明光照明", phone="13900000001")
    shown = oms("--db", url, "customer", "language", "明光照明")
    assert shown.exit_code == 0 and "both languages" in shown.stdout, shown.stderr
    set_ = oms("--db", url, "customer", "language", "明光照明", "zh_CN")
    assert set_.exit_code == 0 and "zh_CN (中文)" in set_.stdout, set_.stderr
    bad = oms("--db", url, "customer", "language", "明光照明", "fr")
    assert bad.exit_code == 1 and "language 'fr'" in bad.stderr and "Traceback" not in bad.stderr
