"""Carriers and their rates, shipments, shipment lines and tracking events."""

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from .base import utcnow


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
    first_price_minor: int = 0
    additional_kg_minor: int = 0
    min_charge_minor: int = 0
    fragile_surcharge_minor: int = 0
    transit_days: int = 2


class Shipment(SQLModel, table=True):
    __tablename__ = "shipment"

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True, max_length=24)
    order_id: int = Field(foreign_key="sales_order.id", index=True)
    warehouse_id: int = Field(foreign_key="warehouse.id")
    carrier_id: int | None = Field(default=None, foreign_key="carrier.id")
    status: str = Field(
        default="picking", max_length=16
    )  # picking, packed, shipped, delivered, cancelled
    tracking_no: str = Field(default="", index=True, max_length=64)
    freight_minor: int = 0
    packages: int = 1
    weight_g: int = 0
    expected_date: date | None = None
    created_by: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None


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
