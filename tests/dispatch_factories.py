"""A small dispatch world: two warehouses, three carriers with rates, stocked products,
and orders allocated through the real services."""

from __future__ import annotations

from dataclasses import dataclass

from oms_tui.models import Carrier, CarrierRate, Product
from oms_tui.services.fulfilment import allocation, stock_operations
from oms_tui.services.platform.db import Database
from tests.stock_factories import approved, customer, warehouse


@dataclass
class World:
    hz: int
    gz: int
    carriers: dict[str, int]
    lamp: int  # fragile, 1.2 kg, small
    shade: int  # light but bulky: volumetric weight wins
    door: int  # made to order


def carrier(db: Database, code: str, pattern: str, rates: dict[str, tuple[int, int, int, int]],
            kind: str = "express", divisor: int = 6000) -> int:  # fmt: skip
    """rates: region -> (first kg price, each extra kg, transit days, fragile surcharge)."""
    with db.write() as s:
        c = Carrier(code=code, name=f"{code} 快递", kind=kind, tracking_pattern=pattern,
                    volumetric_divisor=divisor)  # fmt: skip
        s.add(c)
        s.flush()
        for region, (first, extra, days, fragile) in rates.items():
            s.add(CarrierRate(carrier_id=c.id, region=region, first_weight_g=1000,
                              first_price_minor=first, additional_kg_minor=extra,
                              transit_days=days, fragile_surcharge_minor=fragile))  # fmt: skip
        return c.id


def product(db: Database, code: str, name: str, **kw) -> int:
    with db.write() as s:
        p = Product(code=code, name=name, list_price_minor=kw.pop("price", 10_000), **kw)
        s.add(p)
        s.flush()
        return p.id


def world(db: Database) -> World:
    hz = warehouse(db, "HZ", "East", 1)
    gz = warehouse(db, "GZ", "South", 2)
    carriers = {
        "SF": carrier(db, "SF", r"SF\d{12}", {"*": (2_300, 1_000, 1, 500)}),
        "ZTO": carrier(
            db, "ZTO", r"\d{12}", {"East": (1_200, 500, 2, 300), "South": (1_400, 600, 3, 300)}
        ),  # fmt: skip
        "DEPPON": carrier(db, "DEPPON", r"DPK\d{12}", {"*": (3_000, 200, 4, 0)}),
    }
    lamp = product(db, "LAMP-1", "吸顶灯 Ceiling lamp", weight_g=1_200, volume_cm3=6_000,
                   fragile=True)  # fmt: skip
    shade = product(db, "SHADE-1", "灯罩 Big shade", weight_g=300, volume_cm3=60_000)
    door = product(db, "DOOR-1", "实木门 Oak door", weight_g=30_000, made_to_order=True)
    stock_operations.receive(db, "t", "HZ", [(lamp, 10), (shade, 5)])
    return World(hz, gz, carriers, lamp, shade, door)


def allocated_order(db: Database, lines: list[tuple[int, int]], region: str = "East",
                    policy: str = "partial") -> int:  # fmt: skip
    cid = customer(db, region=region, policy=policy)
    order_id = approved(db, cid, lines)
    allocation.allocate_order(db, "auditor", order_id)
    return order_id
