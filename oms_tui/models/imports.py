"""The shop's sales channels; order import: saved column mappings per channel, and channel
product codes mapped to ours."""

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from .base import utcnow


class SalesChannel(SQLModel, table=True):
    """Where orders come from: the shop's own list (two web shops, several dealers), each of
    a fixed kind. An order's ``channel`` holds the row's name (never renamed), so channel +
    the channel's own order id identify an imported order. One row per kind, named after it
    (``phone``, ``ecommerce``, ...), is always there."""

    __tablename__ = "sales_channel"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=24)  # taobao-main, dealer-wuhan, phone ...
    kind: str = Field(max_length=24)  # phone, walk_in, ecommerce, dealer, key_account, standing
    default_profile: str = Field(default="", max_length=64)  # import profile; "": oms
    created_by: str = Field(default="", max_length=64)
    created_at: datetime = Field(default_factory=utcnow)


class ImportProfile(SQLModel, table=True):
    """Which column of a channel's file holds which order field (JSON: field -> header)."""

    __tablename__ = "import_profile"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=64)
    channel: str = Field(default="ecommerce", max_length=24)  # a sales_channel name
    mapping_json: str = Field(default="{}")
    created_by: str = Field(max_length=64)
    updated_at: datetime = Field(default_factory=utcnow)


class ProductAlias(SQLModel, table=True):
    """A channel's or dealer's own product code, mapped once to ours and remembered."""

    __tablename__ = "product_alias"
    __table_args__ = (UniqueConstraint("channel", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=24)  # a sales_channel name
    code: str = Field(max_length=64)
    product_id: int = Field(foreign_key="product.id", index=True)
    created_by: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
