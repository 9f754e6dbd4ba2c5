"""customer phones: a normalised phone is one customer's (a unique index on
customer_phone.digits, where there is one)

Two imports at once made two customers of every new phone on PostgreSQL (issue #15). The
index makes that impossible; the services find the customer who has a phone (import) or
refuse the new one naming him (entry).

An existing database may already hold the same phone on two customers (those imports, or
the same number typed twice). The upgrade must not fail on it, and must not guess:

1. every ``digits`` is computed again from the number as typed, with today's rule (digits
   only, a leading +86 / 0086 dropped: a frozen copy below, so this migration means the
   same thing later), so "+86 138 0013 8000" and "138-0013-8000" are seen as one phone;
2. of the rows sharing a phone, the customer who had it first (lowest customer id, then
   lowest row id) keeps it; every other row keeps its number as typed (still on the card
   and the addresses) but loses its ``digits``: it is no longer found or matched by it.
   A customer who lost a phone to another gets a follow-up note saying which phone, whose
   it stays and why, so somebody can tell whether they are one customer and merge them by
   hand. The same phone twice on one customer loses only the copy.

Customers are not merged here: merging moves orders, invoices, payments, credit and
dunning from one account to another, and two people may share a number (a family, a
shop's front desk); only a person can tell. Clearing a search key loses nothing typed.
A phone that normalises to nothing ('') is nobody's and never a duplicate.

Downgrade drops the index; the cleared ``digits`` are not put back.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 14:00:00
"""

import re
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTOR = "upgrade 0017"
_NON_DIGITS = re.compile(r"\D+")


def _normalise(text: str) -> str:
    """customers.normalise_phone as of this migration."""
    digits = _NON_DIGITS.sub("", text)
    if digits.startswith("0086"):
        digits = digits[4:]
    elif text.strip().startswith("+86") and digits.startswith("86"):
        digits = digits[2:]
    return digits[:32]


def upgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, customer_id, number, digits FROM customer_phone "
                                "ORDER BY customer_id, id")).all()  # fmt: skip
    changed: dict[int, str] = {}
    owner: dict[str, tuple[int, str]] = {}  # digits -> (customer id, number as typed)
    notes = []
    for pid, cid, number, digits in rows:
        new = _normalise(number or "") if number else digits
        if new and new in owner:
            first_cid, first_number = owner[new]
            if first_cid != cid:
                notes.append((cid, first_cid, number, first_number))
            new = ""
        elif new:
            owner[new] = (cid, number)
        if new != digits:
            changed[pid] = new
    for pid, new in changed.items():
        conn.execute(sa.text("UPDATE customer_phone SET digits = :d WHERE id = :i"),
                     {"d": new, "i": pid})  # fmt: skip
    if notes:
        who = dict(conn.execute(sa.text("SELECT id, code || ' ' || name FROM customer")).all())
        now = datetime.now(UTC)
        conn.execute(
            sa.text("INSERT INTO follow_up (customer_id, at, actor, kind, note, promise_minor, "
                    "done) VALUES (:c, :at, :actor, 'note', :note, 0, :done)"
                    ).bindparams(sa.bindparam("at", type_=sqlmodel.sql.sqltypes.UTCDateTime()),
                                 sa.bindparam("done", type_=sa.Boolean())),
            [{"c": cid, "at": now, "actor": ACTOR, "done": False,
              "note": f"phone {number} is also {who[first]}'s (theirs first, as {first_number}): "
                      "it no longer finds or matches this customer. If they are one customer, "
                      "merge them by hand."}
             for cid, first, number, first_number in notes],
        )  # fmt: skip
    op.create_index("uq_customer_phone_digits", "customer_phone", ["digits"], unique=True,
                    sqlite_where=sa.text("digits <> ''"),
                    postgresql_where=sa.text("digits <> ''"))  # fmt: skip


def downgrade() -> None:
    op.drop_index("uq_customer_phone_digits", table_name="customer_phone")
