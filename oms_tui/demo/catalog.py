"""The demo catalog: settings, users, products of the three lines, prices, promotions,
warehouses, carriers, routes and bills of materials."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, time

from sqlalchemy import delete, select
from sqlmodel import Session

from ..models import (
    BomItem,
    Carrier,
    CarrierRate,
    PriceListItem,
    Product,
    ProductionRoute,
    Promotion,
    RouteStage,
    Setting,
    User,
    Warehouse,
)  # fmt: skip
from ..services.catalog.pricing import ProductInfo as PricedProduct
from ..services.catalog.pricing import (
    PromotionInfo,
)
from ..services.platform.search_text import name_keys_row
from ..services.platform.settings import load_settings
from .reference import (
    CARRIERS,
    COLOURS,
    COMPANY,
    DOOR_FINISHES,
    DOOR_GROUP_PRICES,
    DOOR_SIZES,
    DOOR_TYPES,
    GROUP_PRICES,
    LIGHTING,
    MATERIALS,
    ROUTES,
    STAFF,
    WAREHOUSES,
    WATER,
    Catalog,
    ProductInfo,
)
from .rows import IdAllocator, Row, _ean13, bulk_insert

# --------------------------------------------------------------------------- catalog


def write_settings(session: Session, actor: str) -> None:
    now = datetime.now(UTC)
    session.execute(delete(Setting).where(Setting.key.in_(list(COMPANY))))  # type: ignore[attr-defined]
    bulk_insert(session, Setting, [
        {"key": k, "value": v, "updated_at": now, "updated_by": actor} for k, v in COMPANY.items()
    ])  # fmt: skip


def write_users(session: Session, actor: str) -> None:
    existing = set(session.execute(select(User.name)).scalars())
    now = datetime.now(UTC)
    rows = [{"name": n, "display_name": d, "role": r, "active": True, "created_at": now}
            for n, d, r in ((actor, actor, "admin"), *STAFF) if n not in existing]  # fmt: skip
    rows = list({r["name"]: r for r in rows}.values())
    bulk_insert(session, User, rows)


def build_catalog(session: Session, rng: random.Random, ids: IdAllocator, start: date) -> Catalog:
    """Warehouses, products, prices, promotions, carriers, routes and BOM."""
    created = datetime.combine(start, time(1, 0), UTC)
    wh_rows = []
    for code, name, region, address, rank in WAREHOUSES:
        wh_rows.append({"id": ids.take(Warehouse), "code": code, "name": name, "region": region,
                        "address": address, "allocation_rank": rank, "active": True})  # fmt: skip
    bulk_insert(session, Warehouse, wh_rows)

    products: list[Row] = []
    barcode = iter(range(10**9))

    def add(code: str, name: str, line: str, *, model: str = "", colour: str = "",
            spec: str = "", unit: str = "pcs", price: int = 0, cost: int = 0, deposit: int = 0,
            weight: int = 0, volume: int = 0, fragile: bool = False, mto: bool = False,
            tax: int = 1300, per_package: int = 0) -> None:  # fmt: skip
        products.append({
            "id": ids.take(Product), "code": code,
            "barcode": _ean13(f"692{next(barcode) + 100_000_000:09d}"), "name": name,
            **name_keys_row(name),
            "product_line": line, "model": model, "colour": colour, "spec": spec, "unit": unit,
            "list_price_minor": price, "cost_minor": cost, "deposit_minor": deposit,
            "tax_rate_bp": tax, "weight_g": weight, "volume_cm3": volume, "fragile": fragile,
            "made_to_order": mto, "units_per_package": per_package, "active": True,
            "created_at": created,
        })  # fmt: skip

    for model, name, watts, base, weight, mto in LIGHTING:
        colours = COLOURS[:1] if mto else COLOURS if base > 10000 else COLOURS[:2]
        for watt in watts:
            for ccode, cname in colours:
                price = base + (watt - watts[0]) * (base // 60) // 100 * 100
                add(f"L-{model[3:]}-{watt}W-{ccode}", name, "lighting", model=model,
                    colour=cname, spec=f"{watt}W 4000K", price=price, cost=price * 45 // 100,
                    weight=weight, volume=weight * 4, fragile=True, mto=mto)  # fmt: skip
    for code, name, unit, price, deposit, weight, volume in WATER:  # a barrel, a case: a package
        add(code, name, "water", spec=name.split()[1], unit=unit, price=price,
            cost=price * 35 // 100, deposit=deposit, weight=weight, volume=volume,
            per_package=1)  # fmt: skip
    for tcode, tname, base in DOOR_TYPES:
        for size, sextra in DOOR_SIZES:
            for fcode, fname, fextra in DOOR_FINISHES:
                price = base + sextra + fextra
                add(f"D-{tcode}-{size.replace('x', '')}-{fcode}", tname, "doors",
                    model=tcode, colour=fname, spec=f"{size}mm {fname.split()[0]}", price=price,
                    cost=price * 55 // 100, weight=45000 if tcode != "CD" else 32000,
                    volume=220 * 100 * 5, fragile=tcode == "GD", mto=True,
                    per_package=1)  # fmt: skip
    for code, name, unit, cost in MATERIALS:
        add(code, name, "materials", unit=unit, price=cost * 13 // 10, cost=cost)
    bulk_insert(session, Product, products)

    infos = [
        ProductInfo(p["id"], p["code"], p["product_line"],
                    " ".join(x for x in (p["name"], p["model"], p["colour"], p["spec"]) if x)[:300],
                    p["list_price_minor"], p["tax_rate_bp"], p["made_to_order"], p["weight_g"],
                    p["fragile"],
                    PricedProduct(p["id"], p["code"], p["list_price_minor"], p["cost_minor"],
                                  p["tax_rate_bp"], p["product_line"], p["weight_g"],
                                  p["volume_cm3"], p["fragile"]))
        for p in products
    ]  # fmt: skip
    by_line: dict[str, list[ProductInfo]] = defaultdict(list)
    for info in infos:
        by_line[info.line].append(info)

    price_rows: list[Row] = []
    for info in infos:
        if info.line == "materials":
            continue
        table = DOOR_GROUP_PRICES if info.made_to_order else GROUP_PRICES
        for group, breaks in table.items():
            for min_qty, pct in breaks:
                unit = (info.list_price_minor * pct + 5000) // 10000 * 100
                price_rows.append({"id": ids.take(PriceListItem), "customer_group": group,
                                   "product_id": info.id, "min_qty": min_qty,
                                   "unit_price_minor": unit})  # fmt: skip
    bulk_insert(session, PriceListItem, price_rows)

    year = start.year + 1
    barrel = by_line["water"][0].id
    promo_rows = [
        {"id": ids.take(Promotion), "name": "双十一灯饰节 Singles' Day lighting 10% off",
         "kind": "percent_off", "product_id": None, "product_line": "lighting",
         "percent_bp": 1000, "threshold_minor": 0, "save_minor": 0,
         "starts_on": date(year, 11, 1), "ends_on": date(year, 11, 15), "active": True},
        {"id": ids.take(Promotion), "name": "满500减50 Spend ¥500 save ¥50", "kind": "spend_save",
         "product_id": None, "product_line": "", "percent_bp": 0, "threshold_minor": 50000,
         "save_minor": 5000, "starts_on": date(year, 1, 1), "ends_on": date(year, 12, 31),
         "active": True},
        {"id": ids.take(Promotion), "name": "夏季订水95折 Summer water 5% off",
         "kind": "percent_off", "product_id": barrel, "product_line": "", "percent_bp": 500,
         "threshold_minor": 0, "save_minor": 0, "starts_on": date(year, 6, 1),
         "ends_on": date(year, 8, 31), "active": False},
    ]  # fmt: skip
    bulk_insert(session, Promotion, promo_rows)

    carriers: dict[str, tuple[int, str]] = {}
    carrier_rows, rate_rows = [], []
    rates: dict[tuple[int, str], tuple[int, int, int, int, int, int]] = {}
    for code, name, kind, pattern, cod, table in CARRIERS:
        cid = ids.take(Carrier)
        carriers[code] = (cid, kind)
        carrier_rows.append({"id": cid, "code": code, "name": name, "kind": kind,
                             "tracking_pattern": pattern, "volumetric_divisor": 6000,
                             "cod_supported": cod, "active": True})  # fmt: skip
        for region, rate in table.items():
            rates[(cid, region)] = rate
            first_g, first, per_kg, minimum, fragile, days = rate
            rate_rows.append({"id": ids.take(CarrierRate), "carrier_id": cid, "region": region,
                              "first_weight_g": first_g, "first_price_minor": first,
                              "additional_kg_minor": per_kg, "min_charge_minor": minimum,
                              "fragile_surcharge_minor": fragile,
                              "transit_days": days})  # fmt: skip
    bulk_insert(session, Carrier, carrier_rows)
    bulk_insert(session, CarrierRate, rate_rows)

    routes: dict[str, tuple[int, list[tuple[int, str, int]]]] = {}
    stage_rows = []
    route_rows = []
    for name, line, capacity, stages in ROUTES:
        rid = ids.take(ProductionRoute)
        route_rows.append({"id": rid, "name": name, "product_line": line,
                           "daily_capacity": capacity})  # fmt: skip
        seqs = []
        for seq, (sname, days) in enumerate(stages, start=1):
            stage_rows.append({"id": ids.take(RouteStage), "route_id": rid, "seq": seq,
                               "name": sname, "planned_days": days})  # fmt: skip
            seqs.append((seq, sname, days))
        routes[line] = (rid, seqs)
    bulk_insert(session, ProductionRoute, route_rows)
    bulk_insert(session, RouteStage, stage_rows)

    mat = {p.code: p.id for p in by_line["materials"]}
    bom: dict[int, list[tuple[int, int]]] = {}
    for info in infos:
        if info.line == "doors":
            kind, finish = info.code.split("-")[1], info.code.split("-")[3]
            parts = [(mat["RM-OAK"], 3 if kind == "SD" else 1), (mat["RM-HINGE"], 3),
                     (mat["RM-LOCK"], 1), (mat["RM-LACQ"], 1)]  # fmt: skip
            if kind == "CD":
                parts.append((mat["RM-MDF"], 1))
            if kind == "GD":
                parts.append((mat["RM-GLASS"], 2))
            if finish == "WAL":
                parts.append((mat["RM-WAL"], 2))
            bom[info.id] = parts
        elif info.made_to_order:
            bom[info.id] = [(mat["RM-LED"], 6), (mat["RM-DRV"], 1), (mat["RM-CRYS"], 2),
                            (mat["RM-FRAME"], 1)]  # fmt: skip
    bulk_insert(session, BomItem, [
        {"id": ids.take(BomItem), "product_id": pid, "material_id": m, "qty_per": q}
        for pid, parts in bom.items() for m, q in parts
    ])  # fmt: skip
    return Catalog(
        products=infos, by_line=dict(by_line), prices=_price_map(price_rows),
        warehouses=[(r["id"], r["code"], r["region"]) for r in wh_rows], carriers=carriers,
        rates=rates, routes=routes, bom=bom, settings=load_settings(session),
        promotions=[_promo(r) for r in promo_rows if r["active"]],
    )  # fmt: skip


def _promo(r: Row) -> tuple[PromotionInfo, date, date]:
    info = PromotionInfo(r["id"], r["name"], r["kind"], r["product_id"], r["product_line"],
                         r["percent_bp"], r["threshold_minor"], r["save_minor"])  # fmt: skip
    return info, r["starts_on"], r["ends_on"]


def _price_map(rows: Iterable[Row]) -> dict[tuple[str, int], list[tuple[int, int]]]:
    prices: dict[tuple[str, int], list[tuple[int, int]]] = defaultdict(list)
    for r in rows:
        prices[(r["customer_group"], r["product_id"])].append((r["min_qty"], r["unit_price_minor"]))
    for v in prices.values():
        v.sort(reverse=True)
    return dict(prices)


def load_catalog(session: Session) -> Catalog | None:
    """The catalog already in the database (None when there are no sellable products)."""
    products = [
        ProductInfo(p.id, p.code, p.product_line,
                    " ".join(x for x in (p.name, p.model, p.colour, p.spec) if x)[:300],
                    p.list_price_minor, p.tax_rate_bp, p.made_to_order, p.weight_g, p.fragile,
                    PricedProduct(p.id, p.code, p.list_price_minor, p.cost_minor, p.tax_rate_bp,
                                  p.product_line, p.weight_g, p.volume_cm3, p.fragile))
        for p in session.execute(select(Product).where(Product.active)).scalars()
    ]  # fmt: skip
    if not [p for p in products if p.line != "materials"]:
        return None
    by_line: dict[str, list[ProductInfo]] = defaultdict(list)
    for info in products:
        by_line[info.line].append(info)
    rows = session.execute(select(PriceListItem)).scalars()
    prices = _price_map(
        {"customer_group": r.customer_group, "product_id": r.product_id, "min_qty": r.min_qty,
         "unit_price_minor": r.unit_price_minor} for r in rows
    )  # fmt: skip
    warehouses = [(w.id, w.code, w.region) for w in session.execute(
        select(Warehouse).where(Warehouse.active).order_by(Warehouse.allocation_rank, Warehouse.id)
    ).scalars()]  # fmt: skip
    carriers = {c.code: (c.id, c.kind) for c in session.execute(select(Carrier)).scalars()}
    rates = {(r.carrier_id, r.region): (r.first_weight_g, r.first_price_minor,
                                        r.additional_kg_minor, r.min_charge_minor,
                                        r.fragile_surcharge_minor, r.transit_days)
             for r in session.execute(select(CarrierRate)).scalars()}  # fmt: skip
    routes: dict[str, tuple[int, list[tuple[int, str, int]]]] = {}
    for route in session.execute(select(ProductionRoute)).scalars():
        stages = session.execute(
            select(RouteStage).where(RouteStage.route_id == route.id).order_by(RouteStage.seq)
        ).scalars()
        routes[route.product_line] = (route.id, [(s.seq, s.name, s.planned_days) for s in stages])
    bom: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for b in session.execute(select(BomItem)).scalars():
        bom[b.product_id].append((b.material_id, b.qty_per))
    promotions = [
        _promo(r.model_dump())
        for r in session.execute(select(Promotion).where(Promotion.active)).scalars()
    ]
    return Catalog(products, dict(by_line), prices, warehouses, carriers, rates, routes,
                   dict(bom), load_settings(session), promotions)  # fmt: skip
