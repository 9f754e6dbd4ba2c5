"""Products, prices, warehouses, stock levels and the stock ledger."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from .base import money, utcnow


class Product(SQLModel, table=True):
    __tablename__ = "product"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=40)
    barcode: str | None = Field(default=None, unique=True, max_length=40)
    name: str = Field(index=True, max_length=200)
    # the name's pinyin, full and initials (search_text.name_keys), written with the name
    pinyin: str = Field(default="", max_length=400)
    initials: str = Field(default="", max_length=200)
    product_line: str = Field(default="", index=True, max_length=32)  # lighting, water, doors ...
    model: str = Field(default="", max_length=100)
    colour: str = Field(default="", max_length=64)
    spec: str = Field(default="", max_length=200)
    unit: str = Field(default="pcs", max_length=16)
    list_price_minor: int = money(0)
    cost_minor: int = money(0)
    deposit_minor: int = money(0)  # returnable deposit (water barrels)
    tax_rate_bp: int = 1300  # basis points: 1300 = 13 %
    weight_g: int = 0
    volume_cm3: int = 0
    fragile: bool = False
    # packing unit: how many fill one package (1: each travels alone, a water barrel; 10
    # lamps to a carton); 0: packed with the shipment's other loose goods
    units_per_package: int = 0
    made_to_order: bool = False
    lead_time_days: int = 7  # days from a purchase order to goods on the shelf
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)


class PriceListItem(SQLModel, table=True):
    """Group price with quantity breaks: the largest ``min_qty`` <= ordered quantity wins."""

    __tablename__ = "price_list_item"
    __table_args__ = (UniqueConstraint("customer_group", "product_id", "min_qty"),)

    id: int | None = Field(default=None, primary_key=True)
    customer_group: str = Field(max_length=32)
    product_id: int = Field(foreign_key="product.id", index=True)
    min_qty: int = 1
    unit_price_minor: int = money()


class Promotion(SQLModel, table=True):
    """``percent_off`` a product (``product_id``) or a product line, or ``spend_save``:
    spend ``threshold_minor`` save ``save_minor``; valid ``starts_on``..``ends_on`` inclusive."""

    __tablename__ = "promotion"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=16)  # percent_off, spend_save
    product_id: int | None = Field(default=None, foreign_key="product.id")
    product_line: str = Field(default="", max_length=32)
    percent_bp: int = 0
    threshold_minor: int = money(0)
    save_minor: int = money(0)
    starts_on: date
    ends_on: date
    active: bool = True


class Warehouse(SQLModel, table=True):
    __tablename__ = "warehouse"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=16)
    name: str = Field(max_length=200)
    region: str = Field(default="", max_length=64)
    address: str = Field(default="")
    allocation_rank: int = 0  # lower is tried first after the customer's own region
    active: bool = True


class StockLevel(SQLModel, table=True):
    """Current stock of a product in a warehouse. ``on_hand`` always equals the sum of moves;
    ``reserved`` the sum of open allocations. The database refuses an oversold row."""

    __tablename__ = "stock_level"
    __table_args__ = (
        UniqueConstraint("product_id", "warehouse_id"),
        CheckConstraint("reserved >= 0 AND reserved <= on_hand", name="ck_stock_level_reserved"),
    )

    id: int | None = Field(default=None, primary_key=True)
    product_id: int = Field(foreign_key="product.id", index=True)
    warehouse_id: int = Field(foreign_key="warehouse.id", index=True)
    on_hand: int = 0
    reserved: int = 0
    reorder_point: int = 0
    safety_stock: int = 0
    bin: str = Field(default="", max_length=32)


class StockMove(SQLModel, table=True):
    """Append-only stock ledger. Never updated or deleted."""

    __tablename__ = "stock_move"
    __table_args__ = (Index("ix_stock_move_product_at", "product_id", "created_at", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    product_id: int = Field(foreign_key="product.id", index=True)
    warehouse_id: int = Field(foreign_key="warehouse.id", index=True)
    qty: int  # signed: + into the warehouse, - out of it
    # receipt, issue, transfer_in, transfer_out, adjustment, production_in, production_use,
    # return_in
    kind: str = Field(max_length=24)
    reference: str = Field(default="", max_length=64)  # order / shipment / receipt number
    order_id: int | None = Field(default=None, foreign_key="sales_order.id", index=True)
    reason: str = Field(default="")
    actor: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, index=True)
