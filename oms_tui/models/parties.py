"""Users, settings and customers (with their phones and addresses)."""

from datetime import datetime

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

from .base import money, utcnow


class User(SQLModel, table=True):
    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=64)  # login name, recorded on every event
    display_name: str = Field(default="", max_length=128)
    role: str = Field(default="clerk", max_length=32)  # platform/permissions.py: ROLES
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)
    # interface language (zh_CN, en); "": the company's setting, else the locale's (i18n.py)
    language: str = Field(default="", max_length=8)
    # password mode (the identity setting "password"): an argon2 hash; "" = no password set
    password_hash: str = Field(default="", max_length=255)
    failed_logins: int = 0  # wrong passwords since the last good one
    locked_until: datetime | None = None  # too many wrong passwords: no login before this


class LoginSession(SQLModel, table=True):
    """A login on the command line in password mode (``oms login``): the process keeps the
    token, the database only its hash, so a copied database gives no one a session."""

    __tablename__ = "login_session"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    token_hash: str = Field(unique=True, max_length=64)  # sha256 hex of the token
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    ended_at: datetime | None = None  # ``oms logout``, or the user disabled


class ChangeLog(SQLModel, table=True):
    """The append-only trail of changes to master data (settings, customers' credit,
    products, users): who, when, which entity (``customer`` + its code, ``setting`` + its
    key), which field, the value before and after, and why. Services write it; nothing
    updates or deletes a row."""

    __tablename__ = "change_log"
    __table_args__ = (
        Index("ix_change_log_entity", "entity", "entity_key", "id"),
        Index("ix_change_log_actor", "actor", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str = Field(max_length=64)
    entity: str = Field(max_length=32)  # setting, customer, product, user
    entity_key: str = Field(max_length=64)  # the setting's key, the customer's code ...
    field: str = Field(max_length=64)
    before: str = Field(default="")
    after: str = Field(default="")
    reason: str = Field(default="")


class Setting(SQLModel, table=True):
    """Company-wide settings as key/value text; typed access in services/settings.py."""

    __tablename__ = "setting"

    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(default="")
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by: str = Field(default="", max_length=64)


class Customer(SQLModel, table=True):
    __tablename__ = "customer"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=32)
    name: str = Field(index=True, max_length=200)
    # the name's pinyin, full and initials (services/platform/search_text.name_keys), written
    # with the name; with name and code they are searched by any fragment (migration 0021:
    # FTS5 trigram on SQLite, pg_trgm on PostgreSQL, besides these prefix indexes)
    pinyin: str = Field(default="", index=True, max_length=400)
    initials: str = Field(default="", index=True, max_length=200)
    group: str = Field(default="retail", max_length=32)  # retail, wholesale, dealer, key_account
    tier: str = Field(default="C", max_length=8)  # A (best) .. D
    region: str = Field(default="", index=True, max_length=64)  # sales region: East, South, ...
    credit_limit_minor: int = money(0)
    payment_terms: str = Field(
        default="COD", max_length=32
    )  # COD, PREPAID, NET30, EOM30, INSTALLMENTS
    shipping_policy: str = Field(default="partial", max_length=16)  # partial, complete
    credit_hold: bool = False
    credit_hold_reason: str = Field(default="")
    dunning_level: int = 0  # last dunning step taken (0: none since the account was clean)
    email: str = Field(default="", max_length=200)
    notes: str = Field(default="")
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)
    # Chinese invoicing (fapiao) data: the title printed on the invoice (发票抬头), the
    # taxpayer id (纳税人识别号, the unified social credit code), bank and account, and the
    # kind of VAT invoice the customer needs: "normal" (普通发票) or "special" (专用发票)
    invoice_title: str = Field(default="", max_length=200)
    taxpayer_id: str = Field(default="", max_length=20)
    bank_name: str = Field(default="", max_length=200)
    bank_account: str = Field(default="", max_length=40)
    invoice_type: str = Field(default="normal", max_length=16)
    # the language of the documents sent to them (packing lists, labels, letters, statements):
    # zh_CN or en; "": the company's setting ``language``, else both (i18n.document_words)
    language: str = Field(default="", max_length=8)


class CustomerNameGram(SQLModel, table=True):
    """Each Chinese character of a customer's name and each pair of neighbours: a fragment
    of one or two Chinese characters (永安) is found here, as no trigram index can find it."""

    __tablename__ = "customer_name_gram"

    gram: str = Field(primary_key=True, max_length=2)
    customer_id: int = Field(foreign_key="customer.id", primary_key=True)


class CustomerPhone(SQLModel, table=True):
    """A customer's phone, as typed and normalised (``customers.normalise_phone``). A
    normalised phone is one customer's (a unique index; no phone, ``''``, is nobody's)."""

    __tablename__ = "customer_phone"
    __table_args__ = (
        Index("uq_customer_phone_digits", "digits", unique=True,
              sqlite_where=text("digits <> ''"), postgresql_where=text("digits <> ''")),
    )  # fmt: skip

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    number: str = Field(max_length=40)  # as typed
    digits: str = Field(index=True, max_length=32)  # normalised, for search
    label: str = Field(default="mobile", max_length=32)
    is_primary: bool = False


class CustomerAddress(SQLModel, table=True):
    __tablename__ = "customer_address"

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    label: str = Field(default="", max_length=64)  # home, office, warehouse ...
    contact_name: str = Field(default="", max_length=200)
    phone: str = Field(default="", max_length=40)
    province: str = Field(default="", max_length=64)  # province / state, printed
    region: str = Field(default="", max_length=64)  # sales region (warehouses, carrier rates)
    city: str = Field(default="", max_length=100)
    district: str = Field(default="", max_length=100)
    street: str = Field(default="", max_length=300)
    postcode: str = Field(default="", max_length=16)
    route_seq: int = 0  # stop order on the own van's delivery route (0: not on a route)
    is_default: bool = False
