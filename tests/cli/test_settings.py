"""`oms settings [KEY VALUE]`: shown, changed, refused with one line."""

from __future__ import annotations

from tests.cli.runner import oms


def test_settings_show_and_change(sqlite_db):
    shown = oms("--db", sqlite_db.url, "settings")
    assert shown.exit_code == 0 and "currency                 CNY" in shown.stdout
    changed = oms("--db", sqlite_db.url, "settings", "company_name", "山泉水业")
    assert changed.exit_code == 0 and "company_name             山泉水业" in changed.stdout
    weight = oms("--db", sqlite_db.url, "settings", "audit_alert_hours", "2")
    assert weight.exit_code == 0 and "audit_alert_hours        2" in weight.stdout
    bad = oms("--db", sqlite_db.url, "settings", "tax_rounding", "sometimes")
    assert (
        bad.exit_code == 1 and bad.stderr.strip() == "oms: tax_rounding must be 'line' or 'order'"
    )


def test_dunning_and_aging_limits_in_oms_settings(sqlite_db):
    shown = oms("--db", sqlite_db.url, "settings").stdout
    assert "dunning_days             7,30,60,90" in shown
    assert "aging_buckets            30,60,90,120" in shown
    changed = oms("--db", sqlite_db.url, "settings", "dunning_days", "5,20,40,60")
    assert "dunning_days             5,20,40,60" in changed.stdout
    bad = oms("--db", sqlite_db.url, "settings", "aging_buckets", "60,30")
    assert bad.exit_code == 1 and bad.stderr.startswith("oms: aging buckets 60,30")
