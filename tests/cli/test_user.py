"""`oms user ...`, `oms login`, `oms logout`: users managed from the command line, the
acting user decided by the database's identity mode."""

from __future__ import annotations

import stat

import pytest

from oms_tui.cli.login import token_path
from oms_tui.services.platform import users
from oms_tui.services.platform.change_log import change_log
from oms_tui.services.platform.settings import set_setting
from tests.cli.runner import AS_ITSELF, oms


@pytest.fixture
def as_account(monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    """Run oms as another OS account (the real uid's name is what oms asks for)."""

    def switch(name: str) -> None:
        monkeypatch.setattr("oms_tui.config.os_user", lambda: name)

    return switch


def test_add_list_role_disable_enable(sqlite_db) -> None:
    url = sqlite_db.url
    added = oms("user", "add", "wang.fang", "--role", "clerk", "--name", "王芳", "--db", url)
    assert added.exit_code == 0, added.stderr
    assert added.stderr == "Added wang.fang  王芳  clerk  active\n"
    listed = oms("user", "list", "--db", url).stdout.splitlines()
    assert "wang.fang  王芳  clerk  active" in listed
    assert oms("user", "role", "wang.fang", "auditor", "--db", url).exit_code == 0
    assert oms("user", "disable", "wang.fang", "--reason", "left", "--db", url).exit_code == 0
    assert "wang.fang  王芳  auditor  disabled" in oms("user", "list", "--db", url).stdout
    assert oms("user", "enable", "wang.fang", "--db", url).exit_code == 0
    # the changes are in the change log, by whom they were made for
    assert [c.field for c in change_log(sqlite_db, "user", "wang.fang")][:3] == [
        "active", "active", "role"]  # fmt: skip
    bad = oms("user", "role", "wang.fang", "boss", "--db", url)
    assert bad.exit_code == 1 and bad.stderr.startswith("oms: no role 'boss': one of clerk, ")


def test_a_clerk_cannot_add_users_nor_act_for_another(sqlite_db, as_account) -> None:
    as_account("clerk")
    refused = oms("user", "add", "mallory", "--role", "admin", "--db", sqlite_db.url,
                  env=AS_ITSELF)  # fmt: skip
    assert refused.exit_code == 1
    assert refused.stderr.startswith("oms: clerk (clerk) may not add users")
    behalf = oms("--user", "admin", "user", "list", "--db", sqlite_db.url)
    assert behalf.exit_code == 1 and behalf.stderr == (
        "oms: --user admin: only an admin acts on behalf of another user (you are clerk)\n"
    )


def test_an_admin_acting_on_behalf_is_recorded(sqlite_db, as_account) -> None:
    as_account("admin")
    done = oms("--user", "finance", "user", "list", "--db", sqlite_db.url)
    assert done.exit_code == 0, done.stderr
    [row] = change_log(sqlite_db, "user", "finance")
    assert (row.actor, row.field, row.after, row.reason) == (
        "admin", "on_behalf", "admin", "oms user")  # fmt: skip


def test_an_os_account_that_is_no_user_is_told_whom_to_ask(sqlite_db, as_account) -> None:
    as_account("mallory")
    result = oms("settings", "--db", sqlite_db.url, env=AS_ITSELF)
    assert result.exit_code == 1 and len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("oms: mallory is no user of this database: ask an admin (")
    assert "`oms user add mallory --role ROLE`" in result.stderr


def test_the_last_admin_is_kept(sqlite_db, as_account) -> None:
    with sqlite_db.write() as session:
        from sqlmodel import select

        from oms_tui.models import User

        for user in session.exec(select(User).where(User.role == "admin", User.name != "admin")):
            user.role = "clerk"
    as_account("admin")
    result = oms("user", "disable", "admin", "--db", sqlite_db.url, env=AS_ITSELF)
    assert result.exit_code == 1 and "admin is the last active admin" in result.stderr


def test_password_is_asked_twice_and_not_shown(sqlite_db) -> None:
    result = oms("user", "password", "clerk", "--db", sqlite_db.url,
                 input="good-pass-1\ngood-pass-1\n")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "good-pass-1" not in result.stdout + result.stderr
    assert users.user_info(sqlite_db, "clerk").has_password
    differ = oms("user", "password", "clerk", "--db", sqlite_db.url,
                 input="good-pass-1\nother-pass\ngood-pass-2\ngood-pass-2\n")  # fmt: skip
    assert differ.exit_code == 0 and "do not match" in differ.stdout


def test_password_mode_login_acts_as_the_user_until_logout(sqlite_db, as_account) -> None:
    url = sqlite_db.url
    users.set_password(sqlite_db, "admin", "admin", "admin-password")
    users.set_password(sqlite_db, "admin", "finance", "finance-pass")
    set_setting(sqlite_db, "admin", "identity", "password")
    as_account("shopfloor")  # the shared PC's account, no user of the database
    first = oms("user", "list", "--db", url, env=AS_ITSELF)
    assert first.exit_code == 1 and first.stderr == "oms: log in first: oms login\n"
    wrong = oms("login", "--db", url, input="finance\nwrong\n", env=AS_ITSELF)
    assert wrong.exit_code == 1 and "wrong name or password" in wrong.stderr
    done = oms("login", "--db", url, input="finance\nfinance-pass\n", env=AS_ITSELF)
    assert done.exit_code == 0, done.stderr
    assert "finance-pass" not in done.stdout
    token_file = token_path(url)
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(token_file.parent.stat().st_mode) == 0o700
    assert oms("user", "list", "--db", url, env=AS_ITSELF).exit_code == 0
    refused = oms("user", "add", "x.y", "--role", "clerk", "--db", url, env=AS_ITSELF)
    assert refused.stderr.startswith("oms: finance (finance) may not add users")
    out = oms("logout", "--db", url, env=AS_ITSELF)
    assert out.stderr == "Logged out finance\n" and not token_file.exists()
    assert oms("user", "list", "--db", url, env=AS_ITSELF).stderr == (
        "oms: log in first: oms login\n"
    )


def test_login_in_os_mode_says_it_is_not_needed(sqlite_db) -> None:
    result = oms("login", "--db", sqlite_db.url, env=AS_ITSELF)
    assert result.exit_code == 1 and "no `oms login` needed" in result.stderr


def test_permissions_prints_the_matrix() -> None:
    from oms_tui.services.platform.permissions import MATRIX

    shown = oms("user", "permissions").stdout
    assert MATRIX.strip("\n") in shown and "users.manage" in shown
