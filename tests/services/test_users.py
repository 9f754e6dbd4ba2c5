"""Users, roles and identity (issue 17 point 1): who may manage users, the last admin kept,
the OS account acting (and an admin on behalf of another, recorded), passwords only as
hashes, lock-out after wrong passwords, command-line logins by token."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from oms_tui.models import LoginSession, User
from oms_tui.services.platform import identity, users
from oms_tui.services.platform.change_log import change_log
from oms_tui.services.platform.errors import InvalidInput
from oms_tui.services.platform.identity import LoginRefused, acting_user
from oms_tui.services.platform.permissions import NotPermitted
from oms_tui.services.platform.settings import get_settings, set_setting

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def only_admin(db, name: str = "admin") -> None:  # noqa: ANN001
    """Every admin but ``name`` becomes a clerk (the test databases have many)."""
    with db.write() as session:
        for user in session.exec(select(User).where(User.role == "admin", User.name != name)):
            user.role = "clerk"
            session.add(user)


def test_an_admin_adds_a_user_and_the_change_log_says_who(db) -> None:
    info = users.add_user(db, "admin", "wang.fang", "clerk", "王芳")
    assert (info.name, info.display_name, info.role, info.active) == (
        "wang.fang", "王芳", "clerk", True)  # fmt: skip
    assert "wang.fang" in [u.name for u in users.list_users(db)]
    logged = change_log(db, "user", "wang.fang")
    assert {(c.actor, c.field, c.after) for c in logged} >= {
        ("admin", "role", "clerk"),
        ("admin", "display_name", "王芳"),
    }
    with pytest.raises(InvalidInput, match="is a user already"):
        users.add_user(db, "admin", "wang.fang", "clerk")
    with pytest.raises(InvalidInput, match="no role 'boss'"):
        users.add_user(db, "admin", "zhao", "boss")
    with pytest.raises(InvalidInput, match="one word without spaces"):
        users.add_user(db, "admin", "zhao lei", "clerk")


@pytest.mark.parametrize("role", ["clerk", "auditor", "warehouse", "production", "finance",
                                  "manager"])  # fmt: skip
def test_only_an_admin_manages_users(db, role: str) -> None:
    with pytest.raises(NotPermitted, match="may not add users"):
        users.add_user(db, role, "mallory", "admin")
    with pytest.raises(NotPermitted):
        users.set_role(db, role, role, "admin")
    with pytest.raises(NotPermitted):
        users.set_active(db, role, "clerk", False)
    assert users.user_info(db, "mallory") is None


def test_the_last_active_admin_cannot_be_disabled_or_demoted(db) -> None:
    only_admin(db)
    with pytest.raises(InvalidInput, match="admin is the last active admin"):
        users.set_active(db, "admin", "admin", False)
    with pytest.raises(InvalidInput, match="last active admin"):
        users.set_role(db, "admin", "admin", "manager")
    users.set_role(db, "admin", "manager", "admin", "a second admin for holidays")
    assert users.set_role(db, "admin", "admin", "manager").role == "manager"
    assert users.user_info(db, "admin").role == "manager"
    with pytest.raises(InvalidInput, match="manager is the last active admin"):
        users.set_active(db, "manager", "manager", False)


def test_a_disabled_user_is_refused_and_can_be_enabled_again(db) -> None:
    users.set_active(db, "admin", "clerk", False, "left the company")
    with pytest.raises(NotPermitted, match="clerk is disabled"):
        acting_user(db, "clerk")
    assert [c.reason for c in change_log(db, "user", "clerk")] == ["left the company"]
    users.set_active(db, "admin", "clerk", True)
    assert acting_user(db, "clerk").user == "clerk"


def test_passwords_are_kept_only_as_argon2_hashes_never_in_the_log(db) -> None:
    users.set_password(db, "admin", "clerk", "s3cret-pass")
    with db.read() as session:
        stored = session.exec(select(User.password_hash).where(User.name == "clerk")).one()
    assert stored.startswith("$argon2id$") and "s3cret-pass" not in stored
    logged = change_log(db, "user", "clerk")
    assert [(c.field, c.before, c.after) for c in logged] == [("password", "", "set (new)")]
    assert not any("s3cret" in c.after or "argon" in c.after for c in change_log(db))
    assert identity.check_password(db, "clerk", "s3cret-pass") == "clerk"
    # a user sets their own; not another's
    users.set_password(db, "clerk", "clerk", "another-one")
    with pytest.raises(NotPermitted):
        users.set_password(db, "clerk", "finance", "not-theirs-1")
    with pytest.raises(InvalidInput, match="at least 8"):
        users.set_password(db, "admin", "clerk", "short")


def test_wrong_passwords_lock_the_user_out_and_say_until_when(db) -> None:
    users.set_password(db, "admin", "clerk", "right-password")
    set_setting(db, "admin", "login_attempts", "3")
    for _ in range(2):
        with pytest.raises(LoginRefused, match="wrong name or password"):
            identity.check_password(db, "clerk", "wrong", NOW)
    with pytest.raises(LoginRefused, match="clerk is locked .* until"):
        identity.check_password(db, "clerk", "wrong", NOW)
    # even the right password waits out the 15 minutes
    with pytest.raises(LoginRefused, match="locked"):
        identity.check_password(db, "clerk", "right-password", NOW + timedelta(minutes=14))
    assert identity.check_password(db, "clerk", "right-password",
                                   NOW + timedelta(minutes=16)) == "clerk"  # fmt: skip
    assert [c.field for c in change_log(db, "user", "clerk")][0] == "locked_until"
    with pytest.raises(LoginRefused, match="wrong name or password"):
        identity.check_password(db, "nobody", "whatever")


def test_a_login_token_is_kept_only_as_its_hash_and_ends(db) -> None:
    users.set_password(db, "admin", "finance", "right-password")
    token = identity.login(db, "finance", "right-password", NOW)
    with db.read() as session:
        stored = session.exec(select(LoginSession.token_hash)).all()
    assert stored == [identity.token_hash(token)] and token not in stored
    assert identity.session_user(db, token, NOW + timedelta(hours=1)) == "finance"
    assert identity.session_user(db, token, NOW + timedelta(hours=13)) is None  # expired
    assert identity.session_user(db, "made-up", NOW) is None
    assert identity.logout(db, token) == "finance"
    assert identity.session_user(db, token, NOW + timedelta(hours=1)) is None


def test_disabling_a_user_ends_their_logins(db) -> None:
    users.set_password(db, "admin", "finance", "right-password")
    token = identity.login(db, "finance", "right-password")
    users.set_active(db, "admin", "finance", False)
    assert identity.session_user(db, token) is None


def test_the_os_account_acts_and_an_unknown_one_is_told_whom_to_ask(db) -> None:
    assert acting_user(db, "clerk") == identity.Acting("clerk")
    only_admin(db)
    with pytest.raises(NotPermitted) as refused:
        acting_user(db, "mallory")
    assert str(refused.value) == (
        "mallory is no user of this database: ask an admin (admin) "
        "to add you with `oms user add mallory --role ROLE`"
    )


def test_only_an_admin_acts_on_behalf_of_another_and_it_is_recorded(db) -> None:
    acts = acting_user(db, "admin", "clerk", command="oms payment")
    assert acts == identity.Acting("clerk", by="admin")
    [row] = change_log(db, "user", "clerk")
    assert (row.actor, row.field, row.after, row.reason) == (
        "admin", "on_behalf", "admin", "oms payment")  # fmt: skip
    with pytest.raises(NotPermitted, match="--user manager: only an admin acts on behalf"):
        acting_user(db, "clerk", "manager")
    with pytest.raises(NotPermitted, match="mallory is not a user"):
        acting_user(db, "admin", "mallory")


def test_a_database_without_an_admin_makes_the_os_account_its_admin_once(db) -> None:
    with db.write() as session:
        for user in session.exec(select(User).where(User.role == "admin")):
            session.delete(user)
    acts = acting_user(db, "newcomer")
    assert acts.user == "newcomer" and acts.made_admin
    assert users.user_info(db, "newcomer").role == "admin"
    assert [(c.actor, c.field, c.after) for c in change_log(db, "user", "newcomer")] == [
        ("newcomer", "role", "admin")
    ]
    assert not acting_user(db, "newcomer").made_admin  # said once
    assert not acting_user(db, "clerk").made_admin  # the next one is no admin


def test_password_mode_only_by_an_admin_with_a_password(db) -> None:
    with pytest.raises(NotPermitted):
        set_setting(db, "manager", "identity", "password")
    with pytest.raises(InvalidInput, match="set your own password first"):
        set_setting(db, "admin", "identity", "password")
    users.set_password(db, "admin", "admin", "admin-password")
    assert set_setting(db, "admin", "identity", "Password").identity == "password"
    with pytest.raises(InvalidInput, match="identity must be os or password"):
        set_setting(db, "admin", "identity", "ldap")
    with pytest.raises(InvalidInput, match="idle_lock_minutes must be a whole number"):
        set_setting(db, "admin", "idle_lock_minutes", "-1")
    assert get_settings(db).idle_lock_minutes == 15


def test_in_password_mode_the_login_decides_who_acts(db) -> None:
    users.set_password(db, "admin", "admin", "admin-password")
    set_setting(db, "admin", "identity", "password")
    with pytest.raises(NotPermitted, match="log in first: oms login"):
        acting_user(db, "admin")  # the OS account is nobody in this mode
    users.set_password(db, "admin", "clerk", "clerk-password")
    token = identity.login(db, "clerk", "clerk-password")
    assert acting_user(db, "root", token=token).user == "clerk"
    with pytest.raises(NotPermitted, match="only an admin acts on behalf"):
        acting_user(db, "root", "finance", token=token)


def test_docs_security_shows_the_permissions_matrix_as_the_code_has_it() -> None:
    from pathlib import Path

    from oms_tui.services.platform.permissions import MATRIX, MEANINGS

    doc = (Path(__file__).parents[2] / "docs" / "security.md").read_text(encoding="utf-8")
    assert MATRIX.strip("\n") in doc, "copy permissions.MATRIX into docs/security.md"
    for permission, meaning in MEANINGS.items():
        assert f"| `{permission}` | {meaning} |" in doc
