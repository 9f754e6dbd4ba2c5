"""Rows of every document that has a status machine (``services/states``), and the moves
through ``move`` in a transaction of their own, for the tests of those machines."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlmodel import SQLModel

from oms_tui.models import Carrier, Order, Warehouse
from oms_tui.services.platform.db import Database
from oms_tui.services.platform.errors import IllegalTransition
from tests.factories import make_order


def add(db: Database, row: SQLModel) -> Any:
    with db.write() as s:
        s.add(row)
        s.flush()
        return row.id  # type: ignore[attr-defined]


def order(db: Database) -> Order:
    """A draft sales order (its customer and product made too)."""
    with db.read() as s:
        return s.get(Order, make_order(db).id)


def warehouse(db: Database, code: str = "WH") -> int:
    return add(db, Warehouse(code=code, name=f"{code} warehouse"))


def van(db: Database) -> int:
    return add(db, Carrier(code="VAN1", name="Van 1", kind="own_van"))


def moved(db: Database, model: type[SQLModel], row_id: int, move: Callable[..., Any], to: str,
          actor: str = "alice", **kw: Any) -> Any:  # fmt: skip
    """``move`` the row to ``to`` and commit; returns the row as written (version and all)."""
    with db.write() as s:
        doc = s.get(model, row_id)
        move(s, doc, to, actor, **kw)
        s.flush()
        return doc


def refused(db: Database, model: type[SQLModel], row_id: int, move: Callable[..., Any],
            to: str, **kw: Any) -> str:  # fmt: skip
    """The move raises ``IllegalTransition`` and the row keeps its status; returns the
    sentence the clerk reads."""
    with db.read() as s:
        before = s.get(model, row_id).status
    with pytest.raises(IllegalTransition) as refusal:
        moved(db, model, row_id, move, to, **kw)
    with db.read() as s:
        assert s.get(model, row_id).status == before
    return str(refusal.value)
