"""Carriers and their rates, shipments, shipment lines and tracking events."""

from datetime import date, datetime

from sqlalchemy import Column, Integer
from sqlmodel import Field, SQLModel

from .base import money, utcnow


class Carrier(SQLModel, table=True):
    __tablename__ = "carrier"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=16)
    name: str = Field(max_length=100)
    kind: str = Field(default="express", max_length=16)  # express, freight, own_van
    tracking_pattern: str = Field(default="", max_length=100)  # regular expression
    volumetric_divisor: int = 6000  # cm3 per kg
    cod_supported: bool = True
    active: bool = True


class CarrierRate(SQLModel, table=True):
    """Rate for one destination region ("*" = anywhere the carrier serves)."""

    __tablename__ = "carrier_rate"

    id: int | None = Field(default=None, primary_key=True)
    carrier_id: int = Field(foreign_key="carrier.id", index=True)
    region: str = Field(default="*", max_length=64)
    first_weight_g: int = 1000
    first_price_minor: int = money(0)
    additional_kg_minor: int = money(0)
    min_charge_minor: int = money(0)
    fragile_surcharge_minor: int = money(0)
    transit_days: int = 2


_shipment_version = Column("version", Integer, nullable=False)


class Shipment(SQLModel, table=True):
    """``version``: raised by the ORM on every change (as an order's), so shipping or
    delivering one somebody else changed since it was read is refused."""

    __tablename__ = "shipment"
    __mapper_args__ = {"version_id_col": _shipment_version}

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True, max_length=24)
    order_id: int = Field(foreign_key="sales_order.id", index=True)
    warehouse_id: int = Field(foreign_key="warehouse.id")
    carrier_id: int | None = Field(default=None, foreign_key="carrier.id")
    status: str = Field(
        default="picking", max_length=16
    )  # picking, packed, shipped, delivered, cancelled
    tracking_no: str = Field(default="", index=True, max_length=64)
    freight_minor: int = money(0)
    packages: int = 1
    weight_g: int = 0
    expected_date: date | None = None
    created_by: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None
    version: int = Field(default=1, sa_column=_shipment_version)


class ShipmentLine(SQLModel, table=True):
    __tablename__ = "shipment_line"

    id: int | None = Field(default=None, primary_key=True)
    shipment_id: int = Field(foreign_key="shipment.id", index=True)
    order_line_id: int = Field(foreign_key="order_line.id", index=True)
    qty: int


class TrackingEvent(SQLModel, table=True):
    __tablename__ = "tracking_event"

    id: int | None = Field(default=None, primary_key=True)
    shipment_id: int = Field(foreign_key="shipment.id", index=True)
    at: datetime = Field(default_factory=utcnow)
    status: str = Field(max_length=32)
    location: str = Field(default="", max_length=200)
    note: str = Field(default="")
    actor: str = Field(default="", max_length=64)  # who entered or imported it


_run_version = Column("version", Integer, nullable=False)


class DeliveryRun(SQLModel, table=True):
    """One day's round of an own van (carrier of kind ``own_van``): planned, out, returned.
    ``version`` as a shipment's."""

    __tablename__ = "delivery_run"
    __mapper_args__ = {"version_id_col": _run_version}

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True, max_length=24)  # RUN-2026-000001
    carrier_id: int = Field(foreign_key="carrier.id", index=True)
    run_date: date = Field(index=True)
    status: str = Field(default="planned", max_length=16)  # planned, out, returned
    driver: str = Field(default="", max_length=64)
    created_by: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    returned_at: datetime | None = None
    returned_by: str | None = Field(default=None, max_length=64)  # who settled it
    cash_collected_minor: int = money(0)
    version: int = Field(default=1, sa_column=_run_version)


class DeliveryStop(SQLModel, table=True):
    """A stop of a run: one shipment, the cash to collect and the containers to swap."""

    __tablename__ = "delivery_stop"

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="delivery_run.id", index=True)
    seq: int
    shipment_id: int = Field(foreign_key="shipment.id", index=True)
    customer_id: int = Field(foreign_key="customer.id")
    cash_due_minor: int = money(0)  # cash on delivery
    containers_out: int = 0  # full returnable containers delivered
    containers_to_collect: int = 0  # empties the customer holds (expected back)
    delivered: bool | None = None  # None until the run returns
    containers_back: int = 0
    cash_collected_minor: int = money(0)
    note: str = Field(default="")


class ContainerMove(SQLModel, table=True):
    """Returnable containers (water barrels) per customer: + delivered, - returned, with the
    deposit held (+) or refunded (-). The balance is the sum of moves."""

    __tablename__ = "container_move"

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    product_id: int = Field(foreign_key="product.id")
    qty: int
    deposit_minor: int = money(0)
    run_id: int | None = Field(default=None, foreign_key="delivery_run.id")
    shipment_id: int | None = Field(default=None, foreign_key="shipment.id")
    reason: str = Field(default="")
    actor: str = Field(max_length=64)
    at: datetime = Field(default_factory=utcnow)
