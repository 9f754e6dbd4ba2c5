"""Production routes, bills of materials and production orders for made-to-order lines."""

from datetime import date, datetime

from sqlalchemy import Column, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from .base import utcnow


class ProductionRoute(SQLModel, table=True):
    __tablename__ = "production_route"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=64)
    product_line: str = Field(default="", max_length=32)
    daily_capacity: int = 10  # units per day


class RouteStage(SQLModel, table=True):
    __tablename__ = "route_stage"
    __table_args__ = (UniqueConstraint("route_id", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    route_id: int = Field(foreign_key="production_route.id", index=True)
    seq: int
    name: str = Field(max_length=64)
    planned_days: int = 1


class BomItem(SQLModel, table=True):
    __tablename__ = "bom_item"
    __table_args__ = (UniqueConstraint("product_id", "material_id"),)

    id: int | None = Field(default=None, primary_key=True)
    product_id: int = Field(foreign_key="product.id", index=True)
    material_id: int = Field(foreign_key="product.id")
    qty_per: int = 1


_production_version = Column("version", Integer, nullable=False)


class ProductionOrder(SQLModel, table=True):
    """A made-to-order line being made. ``version`` counts the changes written to its stage
    log (``production_states.log_stage`` raises it): an action taken on a board showing an
    older one is refused (``StaleData``). It is the ORM's version column, so a stale copy
    is refused on flush too, but the ORM does not raise it itself: the queue's new expected
    dates (``planning._replan_route_in``), which every start and advance on the route
    writes, are no change of the order a clerk acted on."""

    __tablename__ = "production_order"
    __table_args__ = (Index("ix_production_order_product_status", "product_id", "status"),)
    __mapper_args__ = {"version_id_col": _production_version, "version_id_generator": False}

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True, max_length=24)
    order_id: int | None = Field(default=None, foreign_key="sales_order.id", index=True)
    order_line_id: int | None = Field(default=None, foreign_key="order_line.id")
    product_id: int = Field(foreign_key="product.id")
    route_id: int | None = Field(default=None, foreign_key="production_route.id")
    warehouse_id: int | None = Field(default=None, foreign_key="warehouse.id")
    qty: int
    requirements_note: str = Field(default="")
    priority: int = 0
    status: str = Field(default="planned", max_length=16)  # planned, in_progress, done, cancelled
    current_stage_seq: int = 0
    due_date: date | None = None
    expected_date: date | None = None
    created_by: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    started_at: datetime | None = None
    completed_at: datetime | None = None
    version: int = Field(default=1, sa_column=_production_version)


class ProductionStageLog(SQLModel, table=True):
    __tablename__ = "production_stage_log"

    id: int | None = Field(default=None, primary_key=True)
    production_order_id: int = Field(foreign_key="production_order.id", index=True)
    stage_seq: int
    stage_name: str = Field(max_length=64)
    result: str = Field(default="done", max_length=16)  # started, done, qc_fail, replanned
    note: str = Field(default="")
    actor: str = Field(max_length=64)
    at: datetime = Field(default_factory=utcnow)


class MaterialReservation(SQLModel, table=True):
    """Material held in the factory warehouse for a production order not started yet:
    counted in ``stock_level.reserved`` as an order line's ``Allocation`` is (a material
    is no order line, so it has its own rows). Released when the order starts (the
    material is then issued) or is cancelled."""

    __tablename__ = "material_reservation"

    id: int | None = Field(default=None, primary_key=True)
    production_order_id: int = Field(foreign_key="production_order.id", index=True)
    product_id: int = Field(foreign_key="product.id", index=True)  # the material
    warehouse_id: int = Field(foreign_key="warehouse.id")
    qty: int
    reason: str = Field(default="")
    created_at: datetime = Field(default_factory=utcnow)
    released_at: datetime | None = None
