"""Products for order entry: find by code or barcode, search by words, availability."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, func, or_, select

from ...i18n import N_
from ...models import Product, StockLevel
from ..platform.db import Database
from ..platform.permissions import anyone
from ..platform.search_text import like_contains, name_order

# a product's availability, shown through ``i18n.shown`` (the screens: ``said``)
IN_STOCK, LOW, BACKORDER, MADE_TO_ORDER = (N_("in stock"), N_("low"), N_("backorder"),
                                           N_("made to order"))  # fmt: skip


@dataclass(frozen=True)
class ProductHit:
    id: int
    code: str
    barcode: str | None
    name: str
    model: str
    colour: str
    spec: str
    unit: str
    list_price_minor: int
    tax_rate_bp: int
    made_to_order: bool
    active: bool
    available: int  # on hand - reserved, all warehouses
    reorder_point: int

    @property
    def description(self) -> str:
        return " ".join(p for p in (self.name, self.model, self.colour, self.spec) if p)

    def availability(self, qty: int = 1) -> str:
        """in stock / low / backorder / made to order, for ``qty`` more of it."""
        if self.made_to_order:
            return MADE_TO_ORDER
        if self.available < qty:
            return BACKORDER
        if self.available - qty < self.reorder_point:
            return LOW
        return IN_STOCK


def _hits(session: Session, products: Sequence[Product]) -> list[ProductHit]:
    ids = [p.id for p in products]
    stock: dict[int, tuple[int, int]] = {}
    if ids:
        rows = session.exec(
            select(
                StockLevel.product_id,
                func.sum(StockLevel.on_hand - StockLevel.reserved),
                func.sum(StockLevel.reorder_point),
            )
            .where(col(StockLevel.product_id).in_(ids))
            .group_by(StockLevel.product_id)
        ).all()
        stock = {pid: (int(avail or 0), int(rop or 0)) for pid, avail, rop in rows}
    return [
        ProductHit(
            p.id,
            p.code,
            p.barcode,
            p.name,
            p.model,
            p.colour,
            p.spec,
            p.unit,
            p.list_price_minor,
            p.tax_rate_bp,
            p.made_to_order,
            p.active,
            *stock.get(p.id, (0, 0)),
        )  # fmt: skip
        for p in products
    ]


@anyone("a read: products are seen by everyone")  # i18n: no
def find_product(db: Database, code_or_barcode: str) -> ProductHit | None:
    """Exact product code (any case) or barcode, as typed or scanned; else the one product
    whose code is the text without its separators (``wbrl189`` is ``W-BRL-189``: clerks
    skip the hyphens), when only one code reads so."""
    text = code_or_barcode.strip()
    if not text:
        return None
    with db.read() as session:
        product = session.exec(
            select(Product).where(
                or_(Product.code == text.upper(), Product.code == text, Product.barcode == text)
            )  # fmt: skip
        ).first()
        if product is None and (compact := compact_code(text)):
            found = session.exec(select(Product).where(_compact(Product.code) == compact)
                                 .limit(2)).all()  # fmt: skip
            product = found[0] if len(found) == 1 else None
        return _hits(session, [product])[0] if product else None


_SEPARATORS = "- _./"


def compact_code(text: str) -> str:
    """A code as ``find_product`` compares it without separators: ``w-brl 189`` -> ``WBRL189``."""
    return "".join(c for c in text.upper() if c not in _SEPARATORS)


def _compact(column):  # noqa: ANN001, ANN202 (a SQL expression, on both engines)
    expr = func.upper(column)
    for separator in _SEPARATORS:
        expr = func.replace(expr, separator, "")
    return expr


@anyone("a read: products are seen by everyone")  # i18n: no
def search_products(db: Database, query: str, limit: int = 20, active_only: bool = True
                    ) -> list[ProductHit]:  # fmt: skip
    """Products containing every word of the query anywhere in their code, barcode, name,
    model, colour, spec or name's pinyin (full or initials): ``吸顶灯 白`` finds white
    ceiling lamps, ``F900`` and ``xdd`` find them too; in name order (pinyin, then name,
    then code: a product's variants together). A ``%`` or ``_`` typed is that character.
    The one way screens search products; the catalog is small (hundreds of products), so
    this reads the product table rather than a substring index."""
    words = query.split()
    if not words:
        return []
    haystack = func.lower(
        Product.code + " " + func.coalesce(Product.barcode, "") + " " + Product.name + " "
        + Product.model + " " + Product.colour + " " + Product.spec + " " + Product.pinyin
        + " " + Product.initials
    )  # fmt: skip
    with db.read() as session:
        stmt = select(Product)
        for w in words:
            stmt = stmt.where(haystack.like(like_contains(w.lower()), escape="\\"))
        if active_only:
            stmt = stmt.where(Product.active == True)  # noqa: E712
        products = session.exec(
            stmt.order_by(*name_order(Product.pinyin, Product.name, Product.code)).limit(limit)
        ).all()
        return _hits(session, products)


@anyone("a read: products are seen by everyone")  # i18n: no
def products_by_id(db: Database, ids: Sequence[int]) -> dict[int, ProductHit]:
    with db.read() as session:
        products = session.exec(select(Product).where(col(Product.id).in_(list(ids)))).all()
        return {h.id: h for h in _hits(session, products)}
