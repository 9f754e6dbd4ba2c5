"""identity: passwords, lock-out and command-line logins (issue 17, points 1-2)

- ``app_user.password_hash`` (argon2, "" = none), ``failed_logins``, ``locked_until``: the
  password mode's login and its lock after repeated wrong passwords;
- ``login_session``: ``oms login`` on the command line keeps a token, the database its hash.

Users stay as they are: ``active`` already says whether one may act. Who may do what is
``services/platform/permissions.py`` (code, not rows). Columns added in place (no table
copy), so migration 0021's SQLite triggers are untouched.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 16:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("app_user", sa.Column("password_hash", sqlmodel.sql.sqltypes.AutoString(
        length=255), nullable=False, server_default=""))  # fmt: skip
    op.add_column("app_user", sa.Column("failed_logins", sa.Integer(), nullable=False,
                                        server_default="0"))  # fmt: skip
    op.add_column("app_user", sa.Column("locked_until", sqlmodel.sql.sqltypes.UTCDateTime(),
                                        nullable=True))  # fmt: skip
    op.create_table(
        "login_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("ended_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_login_session_user_id", "login_session", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_login_session_user_id", table_name="login_session")
    op.drop_table("login_session")
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("locked_until")
        batch.drop_column("failed_logins")
        batch.drop_column("password_hash")
