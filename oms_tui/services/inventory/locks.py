"""Locking stock levels, the first kind of row in the one lock order every write
transaction follows (written down in ``stock.py``'s docstring and docs/architecture.md,
"Locking"). Callers use them as ``stock.lock_levels`` and ``stock.lock_more_levels``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import func
from sqlmodel import Session, col, select

from ...models import StockLevel, Warehouse

_LOCKED = "oms_locked_products"  # session.info: the products whose levels it has locked


def lock_levels(
    session: Session, product_ids: Iterable[int], warehouse_ids: Iterable[int] | None = None
) -> dict[tuple[int, int], StockLevel]:
    """Every (product, warehouse) level row for these products, locked, created where missing
    (so a first receipt has a row to lock). Keyed by (product_id, warehouse_id)."""
    pids = sorted(set(product_ids))
    if not pids:
        return {}
    wids = sorted(set(warehouse_ids)) if warehouse_ids is not None else None
    if wids is None:
        wids = list(session.exec(select(Warehouse.id).order_by(Warehouse.id)).all())
    locked = (
        select(StockLevel)
        .where(col(StockLevel.product_id).in_(pids))
        .order_by(StockLevel.product_id, StockLevel.warehouse_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    # One read locks the rows and shows which are missing; only when some are (a product's
    # first move) are they inserted and the rows read again (bench/RESULTS.md: reading
    # twice every time was ~20% of an allocation).
    levels = {(lv.product_id, lv.warehouse_id): lv for lv in session.exec(locked).all()}
    missing = [(p, w) for p in pids for w in wids if (p, w) not in levels]
    if missing:
        _insert_missing_levels(session, missing)
        levels = {(lv.product_id, lv.warehouse_id): lv for lv in session.exec(locked).all()}
    session.info.setdefault(_LOCKED, set()).update(pids)
    return levels


def lock_more_levels(session: Session, product_ids: Iterable[int]
                     ) -> tuple[dict[tuple[int, int], StockLevel], set[int]]:  # fmt: skip
    """For a transaction that already holds levels and finds it needs more (an order began
    waiting for a product after the levels were locked): the new ones are taken only if
    nobody holds them (``SKIP LOCKED``). Waiting for them could close a cycle: this
    transaction may hold levels of lower products, or a document number, that the holder
    waits for. Returns the levels locked and the products it could not lock (another
    transaction holds some of their rows): the caller leaves what needs them for later."""
    held: set[int] = session.info.get(_LOCKED, set())
    wanted = set(product_ids)
    levels = lock_levels(session, wanted & held)  # held already: no wait
    new = sorted(wanted - held)
    if not new:
        return levels, set()
    rows = session.exec(
        select(StockLevel).where(col(StockLevel.product_id).in_(new))
        .order_by(StockLevel.product_id, StockLevel.warehouse_id)
        .with_for_update(skip_locked=True).execution_options(populate_existing=True)
    ).all()  # fmt: skip
    got = {(lv.product_id, lv.warehouse_id): lv for lv in rows}
    rows_of = dict(session.execute(
        select(StockLevel.product_id, func.count()).where(col(StockLevel.product_id).in_(new))
        .group_by(StockLevel.product_id)).all())  # fmt: skip
    mine: dict[int, int] = defaultdict(int)
    for p, _w in got:
        mine[p] += 1
    locked = {p for p in new if mine[p] == rows_of.get(p, 0)}  # no rows: nothing held
    held.update(locked)
    levels.update({k: lv for k, lv in got.items() if k[0] in locked})
    return levels, set(new) - locked


def _insert_missing_levels(session: Session, keys: Sequence[tuple[int, int]]) -> None:
    """Insert empty level rows, skipping any another transaction has just inserted: on
    PostgreSQL two writers can both find a product's rows missing; the second then waits
    for the first's commit and must not fail on the unique key (``ON CONFLICT DO NOTHING``)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        session.add_all(StockLevel(product_id=p, warehouse_id=w) for p, w in keys)
        session.flush()
        return
    session.flush()
    rows = [dict(product_id=p, warehouse_id=w, on_hand=0, reserved=0, reorder_point=0,
                 safety_stock=0, bin="") for p, w in keys]  # fmt: skip
    session.execute(
        insert(StockLevel).values(rows)
        .on_conflict_do_nothing(index_elements=["product_id", "warehouse_id"])
    )  # fmt: skip
