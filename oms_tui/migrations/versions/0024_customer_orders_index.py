"""customer orders index carries the order id (issue 16: order search at 1,000,000 orders)

``ix_sales_order_customer_created (customer_id, created_at)`` becomes ``(customer_id,
created_at) INCLUDE (id)`` on PostgreSQL, so that a search by customer picks the newest
orders of its customers from the index alone (an index-only scan, then the page's rows by
primary key) instead of reading every order of every matching customer from the table: on a
cold cache those reads were most of a page's time. SQLite's indexes already carry the rowid
(the order id), so nothing changes there.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 23:50:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NAME = "ix_sales_order_customer_created"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index(_NAME, table_name="sales_order")
    op.create_index(_NAME, "sales_order", ["customer_id", "created_at"],
                    postgresql_include=["id"])  # fmt: skip


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index(_NAME, table_name="sales_order")
    op.create_index(_NAME, "sales_order", ["customer_id", "created_at"])
