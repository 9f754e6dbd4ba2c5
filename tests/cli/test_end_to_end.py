"""``oms`` as a user runs it: real processes, the console script, exit codes, one line and
no traceback on error, and no Textual for commands that do not open the app."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from oms_tui.migrations import HEAD
from oms_tui.services.platform import schema
from oms_tui.services.platform.db import Database


def oms(*args: str, python_options: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *python_options, "-m", "oms_tui.cli", *args],
        capture_output=True, text=True, timeout=300, env=os.environ,
    )  # fmt: skip


def test_help_lists_every_command():
    script = Path(sys.executable).with_name("oms")  # installed by `make setup`
    out = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    for command in ("init", "db", "generate"):
        assert command in out.stdout
    assert "upgrade" in oms("db", "--help").stdout


def test_unreachable_database_is_one_line_and_non_zero():
    result = oms("--db", "postgresql://nobody@127.0.0.1:1/none", "db", "upgrade")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("oms: database error:")


def test_bad_option_is_a_usage_error():
    result = oms("generate", "--orders", "zero")
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_init_and_upgrade_do_not_import_textual(tmp_path):
    path = tmp_path / "shop.db"
    for args in (("--db", str(path), "init"), ("--db", str(path), "db", "upgrade")):
        result = oms(*args, python_options=("-X", "importtime"))
        assert result.returncode == 0, result.stderr
        imported = {line.rsplit("|", 1)[1].strip() for line in result.stderr.splitlines()
                    if line.startswith("import time:")}  # fmt: skip
        assert "oms_tui.cli" in imported and "sqlalchemy" in imported
        assert not {name for name in imported if name.split(".")[0] == "textual"}
    assert schema.current_revision(Database(str(path))) == HEAD


def test_a_mistyped_url_at_app_start_is_one_line_and_non_zero():
    """`oms --db sqlte:///x` opens the app: it says what it takes, without a traceback."""
    for args in (("--db", "sqlte:///x.db"), ("--db", "postgresq://h/oms", "report", "dso")):
        result = oms(*args)
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("oms: cannot open the database URL ")


@pytest.mark.slow
def test_first_start_on_a_fresh_machine_opens_the_app_on_the_demo_database():
    """`make run` on a new machine: no data folder yet; `oms` creates the demo database at
    the default place, says where, and the app comes up on it (headless, exits when the
    home screen has painted its counts)."""
    from oms_tui.config import default_data_dir
    from oms_tui.services.sales.dashboard import has_orders

    path = default_data_dir() / "oms.db"
    assert not path.parent.exists()
    start = ("from oms_tui.cli import run_app; from oms_tui.config import Settings; "
             "run_app(Settings.resolve(), headless=True, exit_when_ready=True)")  # fmt: skip
    result = subprocess.run([sys.executable, "-c", start], capture_output=True, text=True,
                            timeout=600, env=os.environ)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert f"No database yet: creating one with demo data at {path} ..." in result.stderr
    assert "Demo data: 300 customers" in result.stderr
    database = Database(str(path))
    assert schema.current_revision(database) == HEAD and has_orders(database)


def test_an_amount_refused_is_one_line_and_no_traceback(tmp_path):
    from tests.databases import seed_users
    from tests.factories import make_customer

    database = Database(str(tmp_path / "shop.db"))
    schema.upgrade(database)
    seed_users(database)
    code = make_customer(database).code
    database.dispose()
    for typed in ("1e400", "-5"):
        result = oms("--db", str(tmp_path / "shop.db"), "payment", "record", code, typed)
        assert (result.returncode, result.stdout) == (1, "")
        assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
        assert result.stderr.startswith(f"oms: '{typed}' is not an amount" if typed == "1e400"
                                        else "oms: the amount must be above 0")  # fmt: skip
