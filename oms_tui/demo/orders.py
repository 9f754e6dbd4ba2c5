"""The order simulator: a year of orders, each walking the state machine to a status that fits
its age, with its stock moves, shipments, invoices and payments."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session, SQLModel

from ..models import (
    Allocation,
    Invoice,
    Order,
    OrderEvent,
    OrderLine,
    Payment,
    PaymentAllocation,
    ProductionOrder,
    ProductionStageLog,
    ReturnLine,
    ReturnOrder,
    Shipment,
    ShipmentLine,
    StockMove,
    TrackingEvent,
)  # fmt: skip
from ..services.catalog.pricing import (
    QuoteLine,
    chargeable_weight_g,
    freight,
    quote,
)
from ..services.platform.numbering import take_numbers
from ..services.states.invoice_states import InvoiceStatus
from ..services.states.order_states import OrderStatus as S
from ..services.states.production_states import ProductionStatus
from ..services.states.return_states import ReturnStatus
from ..services.states.shipment_states import ShipmentStatus, TrackingStatus
from .lifecycle import (
    _ACTOR_ROLE,
    _NEEDS_MTO,
    _NO_MTO,
    RETURN_REASONS,
    SHIPPED_OR_LATER,
    _timeline,
    pick_status,
    status_path,
)
from .reference import _CLERKS, Catalog, CustomerInfo, ProductInfo
from .rows import IdAllocator, Row, _due_on, _weighted, bulk_insert

# --------------------------------------------------------------------------- order simulation


# Final status weights by order age in days: (max age, weights).
@dataclass
class _Line:
    row: Row
    product: ProductInfo
    allocations: list[Row] = field(default_factory=list)  # open ones only


class OrderSimulator:
    """Builds rows for orders and (in full mode) everything downstream of them.

    Ids are taken from ``ids`` as rows are made; document numbers are assigned
    afterwards (``assign_numbers``), sorted by date within each year, so that
    every sequence stays gap-free and ends at its counter.
    """

    def __init__(self, rng: random.Random, catalog: Catalog, ids: IdAllocator, actor: str,
                 now: datetime, full: bool = True) -> None:  # fmt: skip
        self.rng = rng
        self.cat = catalog
        self.ids = ids
        self.actor = actor
        self.now = now
        self.full = full
        self.rows: dict[type[SQLModel], list[Row]] = defaultdict(list)
        self.numbered: dict[str, list[tuple[datetime, Row]]] = defaultdict(list)
        self.stock_out: dict[tuple[int, int], int] = defaultdict(int)  # moves so far, by key
        self._lines_by_profile = {
            "home_water": ("water",), "office_water": ("water", "water", "lighting"),
            "retail": ("lighting", "lighting", "water", "doors"), "dealer": ("lighting",),
            "builder": ("doors", "doors", "lighting"), "hotel": ("lighting", "water", "doors"),
        }  # fmt: skip
        sellable = [p for p in catalog.products if p.line != "materials"]
        self._any = sellable or catalog.products
        self._stocked = [p for p in self._any if not p.made_to_order] or self._any
        self._mto = [p for p in self._any if p.made_to_order]
        self._cid = {code: cid for code, (cid, _kind) in catalog.carriers.items()}

    # -- helpers
    def _actor(self, status: S) -> str:
        role = _ACTOR_ROLE.get(status, "")
        if role == "clerk":
            return self.rng.choice(_CLERKS)
        if role == "auditor":
            return "li.na"
        if role:
            return role
        return "zhang.wei"

    def _choose_products(
        self, customer: CustomerInfo, status: S, standing: bool
    ) -> list[tuple[ProductInfo, int]]:  # noqa: E501
        rng, cat = self.rng, self.cat
        lines_pref = (
            ("water",) if standing else self._lines_by_profile.get(customer.profile, ("lighting",))
        )
        n = 1 if standing and rng.random() < 0.7 else _weighted(
            rng, ((1, 40), (2, 30), (3, 18), (4, 12)))  # fmt: skip
        chosen: dict[int, tuple[ProductInfo, int]] = {}
        for _ in range(n):
            line = rng.choice(lines_pref)
            pool = cat.by_line.get(line) or self._any
            product = rng.choice(pool)
            if status in _NO_MTO and product.made_to_order:
                product = rng.choice(self._stocked)
            if product.line == "materials":
                product = rng.choice(self._any)
            chosen[product.id] = (product, self._qty(customer, product))
        if (
            status in _NEEDS_MTO
            and self._mto
            and not any(p.made_to_order for p, _ in chosen.values())
        ):  # noqa: E501
            product = rng.choice(self._mto)
            chosen[product.id] = (product, self._qty(customer, product))
        return list(chosen.values())

    def _qty(self, customer: CustomerInfo, product: ProductInfo) -> int:
        rng = self.rng
        big = customer.group in ("dealer", "key_account", "wholesale")
        if product.made_to_order:
            return rng.randint(5, 24) if customer.group == "key_account" else rng.randint(1, 4)
        if product.line == "water":
            return rng.randint(5, 30) if customer.profile == "office_water" else rng.randint(2, 8)
        if big:
            return rng.choice((10, 12, 20, 24, 30, 50, 60, 100, 120))
        return rng.randint(1, 4)

    def _carrier(self, products: list[ProductInfo], region: str) -> int | None:
        if not self._cid:
            return None
        lines = {p.line for p in products}
        if "water" in lines and "VAN" in self._cid and self.cat.rate(self._cid["VAN"], region):
            return self._cid["VAN"]
        if "doors" in lines and "DEPPON" in self._cid:
            return self._cid["DEPPON"]
        choices = [c for c in ("SF", "ZTO") if c in self._cid] or list(self._cid)
        return self._cid[self.rng.choice(choices)]

    def _freight(self, carrier_id: int | None, region: str, lines: list[QuoteLine]) -> int:
        """``pricing.shipping_quote`` from memory: the region's rate (else ``*``)."""
        rate = self.cat.rate(carrier_id, region) if carrier_id else None
        if rate is None or not lines:
            return 0
        first_g, first, per_kg, minimum, surcharge, _days = rate
        weight = chargeable_weight_g(lines, 6000)
        fragile = any(ln.product.fragile for ln in lines)
        return freight(weight, first_g, first, per_kg, minimum, surcharge, fragile)

    def _tracking(self, carrier_id: int | None) -> str:
        rng = self.rng
        code = next((c for c, cid in self._cid.items() if cid == carrier_id), "")
        if code == "SF":
            return f"SF{rng.randrange(10**12):012d}"
        if code == "DEPPON":
            return f"DPK{rng.randrange(10**12):012d}"
        if code == "VAN":
            return f"VAN{rng.randrange(10**8):08d}"
        return f"{rng.randrange(10**11, 10**12)}"

    def _move(self, product_id: int, warehouse_id: int, qty: int, kind: str, at: datetime,
              order_id: int | None, reference: str | Row = "", reason: str = "",
              actor: str = "zhang.wei") -> None:  # fmt: skip
        self.stock_out[(product_id, warehouse_id)] += qty
        self.rows[StockMove].append({
            "id": self.ids.take(StockMove), "product_id": product_id,
            "warehouse_id": warehouse_id, "qty": qty, "kind": kind, "reference": reference,
            "order_id": order_id, "reason": reason, "actor": actor, "created_at": at,
        })  # fmt: skip

    def _allocate(self, line: _Line, warehouse_id: int, qty: int, at: datetime,
                  reason: str) -> None:  # fmt: skip
        if qty <= 0:
            return
        row = {"id": self.ids.take(Allocation), "order_line_id": line.row["id"],
               "warehouse_id": warehouse_id, "qty": qty, "reason": reason, "created_at": at,
               "released_at": None}  # fmt: skip
        line.allocations.append(row)
        self.rows[Allocation].append(row)

    @staticmethod
    def _release(line: _Line, at: datetime) -> None:
        for row in line.allocations:
            row["released_at"] = at
        line.allocations.clear()

    # -- one order
    def add_order(self, customer: CustomerInfo, created: datetime, status: S | None = None,
                  standing: bool = False) -> Row:  # fmt: skip
        """Simulate one order placed at ``created``; returns the order row."""
        rng, cat = self.rng, self.cat
        age = (self.now - created).total_seconds() / 86400
        status = status or pick_status(rng, age)
        if status in _NEEDS_MTO and not self._mto:
            status = S.APPROVED
        if customer.credit_hold and status in (S.PENDING_AUDIT,) and rng.random() < 0.7:
            status = S.ON_HOLD
        picks = self._choose_products(customer, status, standing)
        has_mto = any(p.made_to_order for p, _ in picks)
        path = status_path(rng, status, has_mto)
        reached = {s for s, _ in path}
        if reached & {S.PARTIALLY_BACKORDERED, S.PARTIALLY_SHIPPED} and all(
            q < 2 for _, q in picks
        ):  # noqa: E501
            picks[0] = (picks[0][0], 2)
        route_days = 0
        if has_mto:
            line_key = next(p.line for p, _ in picks if p.made_to_order)
            route_days = sum(d for _, _, d in cat.routes.get(line_key, (0, []))[1]) or 5
        times = _timeline(rng, path, created, self.now, route_days)
        at = dict(zip((s for s, _ in path), times, strict=False))  # last time of each status
        for (s, _), t in zip(path, times, strict=True):
            at[s] = t

        oid = self.ids.take(Order)
        settings = cat.settings
        channel = (
            "standing"
            if standing
            else {"dealer": "dealer", "key_account": "key_account"}.get(
                customer.group, _weighted(rng, (("phone", 55), ("walk_in", 15), ("ecommerce", 30)))
            )
        )
        external_ref = None
        if channel in ("ecommerce", "standing"):
            # The order id keeps it unique across the demo and later generated batches.
            prefix = "TB" if channel == "ecommerce" else "STD-" + customer.code + "-"
            external_ref = f"{prefix}{created:%y%m%d}{oid:07d}"
        region = customer.region
        carrier_id = self._carrier([p for p, _ in picks], region) if len(path) > 3 else None
        qlines = []
        for product, qty in picks:
            discount = 0
            if qty * product.list_price_minor >= 100_000 and rng.random() < 0.15:
                discount = qty * product.list_price_minor * rng.choice((2, 3)) // 10000 * 100
            qlines.append(QuoteLine(product.priced, qty, discount))
        shipping = 0
        if customer.group == "retail" and channel != "standing" and carrier_id is not None:
            shipping = self._freight(carrier_id, region, qlines)
        priced = quote(cat.price_book(customer.group, created.date()), customer.group, qlines,
                       prices_include_tax=settings.prices_include_tax,
                       tax_rounding=settings.tax_rounding, shipping_minor=shipping)  # fmt: skip
        totals = priced.totals
        lines: list[_Line] = []
        line_ids = self.ids.take_many(OrderLine, len(picks))
        for no, ((product, _qty), pl) in enumerate(zip(picks, priced.lines, strict=True), 1):
            note = ""
            if product.made_to_order:
                note = rng.choice(
                    (
                        "门洞实测后确认 confirm after site measure",
                        "左开 left hinge",
                        "右开 right hinge",
                        "按样板色 match sample colour",
                        "",
                    )
                )
            row = {
                "id": line_ids[no - 1], "order_id": oid, "line_no": no,
                "product_id": product.id, "description": product.description, "qty": pl.qty,
                "unit_price_minor": pl.unit_price_minor, "discount_minor": pl.discount_minor,
                "tax_rate_bp": product.tax_rate_bp, "tax_minor": pl.tax_minor,
                "line_total_minor": pl.amount_minor, "price_source": pl.price_source[:200],
                "requirements_note": note, "qty_shipped": 0, "qty_returned": 0,
            }  # fmt: skip
            lines.append(_Line(row, product))
        self.rows[OrderLine].extend(ln.row for ln in lines)
        payment_method = {"PREPAID": "prepaid", "COD": "cod"}.get(customer.terms.upper(), "credit")
        order = {
            "id": oid, "number": "", "channel": channel, "external_ref": external_ref,
            "customer_id": customer.id, "ship_to_address_id": customer.address_id,
            "ship_to_name": customer.contact, "ship_to_phone": customer.phone,
            "ship_to_address": customer.address_text, "ship_to_region": region,
            "status": str(status), "priority": _weighted(rng, ((0, 85), (1, 12), (2, 3))),
            "requested_date": (created + timedelta(days=rng.randint(1, 10))).date()
            if rng.random() < 0.4 else None,
            "payment_method": payment_method, "payment_terms": customer.terms,
            "shipping_policy": customer.policy, "carrier_id": carrier_id,
            "currency": settings.currency, "subtotal_minor": totals.subtotal_minor,
            "discount_minor": totals.discount_minor, "tax_minor": totals.tax_minor,
            "shipping_minor": totals.shipping_minor, "total_minor": totals.total_minor,
            "notes": "定期送水 standing delivery" if standing else "",
            "created_by": self.rng.choice(_CLERKS) if rng.random() < 0.9 else self.actor,
            "created_at": created, "updated_at": times[-1], "version": len(path),
        }  # fmt: skip
        self.rows[Order].append(order)
        self.numbered["SO"].append((created, order))

        if self.full:
            events = [
                (prev, s, reason, t)
                for prev, (s, reason), t in zip(
                    [None, *(s for s, _ in path[:-1])], path, times, strict=True
                )
            ]
        else:  # light: "created", then the last legal step
            events = [(None, S.DRAFT, "created", times[0])]
            if len(path) > 1:
                events.append((path[-2][0], path[-1][0], path[-1][1], times[-1]))
        event_ids = self.ids.take_many(OrderEvent, len(events))
        self.rows[OrderEvent].extend(
            {"id": event_ids[i], "order_id": oid, "at": t,
             "actor": order["created_by"] if s is S.DRAFT and prev is None else self._actor(s),
             "from_status": str(prev) if prev else None, "to_status": str(s), "reason": reason}
            for i, (prev, s, reason, t) in enumerate(events)
        )  # fmt: skip

        if self.full:
            self._fulfil(order, customer, lines, path, times, at, carrier_id)
        else:
            self._light_finance(order, customer, lines, status, at)
        return order

    def _fulfil(self, order: Row, customer: CustomerInfo, lines: list[_Line],
                path: list[tuple[S, str]], times: list[datetime], at: dict[S, datetime],
                carrier_id: int | None) -> None:  # fmt: skip
        rng, cat = self.rng, self.cat
        has_mto = any(ln.product.made_to_order for ln in lines)
        if has_mto:
            wid, wreason = cat.warehouses[0][0], "made to order at the factory warehouse"
        else:
            wid, wreason = cat.warehouse_for(customer.region)
        stocked = [ln for ln in lines if not ln.product.made_to_order]
        shipments: list[tuple[datetime, dict[int, int]]] = []
        prepaid_at: datetime | None = None
        statuses = [s for s, _ in path]
        for (status, _reason), t in zip(path, times, strict=True):
            if status is S.APPROVED and customer.terms.upper() == "PREPAID" and prepaid_at is None:
                prepaid_at = t
            if status is S.PARTIALLY_BACKORDERED:
                part = stocked[:-1] if len(stocked) > 1 else []
                for ln in part:
                    self._allocate(ln, wid, ln.row["qty"], t, wreason)
                if not part and stocked:
                    ln = stocked[0]
                    self._allocate(ln, wid, ln.row["qty"] // 2, t, wreason + " (part)")
            elif status is S.ALLOCATED:
                for ln in stocked:
                    have = sum(a["qty"] for a in ln.allocations)
                    self._allocate(ln, wid, ln.row["qty"] - have, t, wreason)
            elif status is S.IN_PRODUCTION:
                for ln in stocked:
                    have = sum(a["qty"] for a in ln.allocations)
                    self._allocate(ln, wid, ln.row["qty"] - have, t, wreason)
                done = S.READY_TO_SHIP in statuses
                for ln in lines:
                    if ln.product.made_to_order:
                        self._production(order, ln, wid, t, at.get(S.READY_TO_SHIP), done)
            elif status is S.READY_TO_SHIP:
                for ln in lines:
                    have = sum(a["qty"] for a in ln.allocations)
                    if ln.product.made_to_order:
                        self._allocate(ln, wid, ln.row["qty"] - have, t, "production done")
            elif status is S.PARTIALLY_SHIPPED:
                qtys = {ln.row["id"]: ln.row["qty"] // 2 for ln in lines}
                shipments.append((t, qtys))
                for ln in lines:
                    q = qtys[ln.row["id"]]
                    if q:
                        self._release(ln, t)
                        self._allocate(
                            ln, wid, ln.row["qty"] - q, t, "remainder after part shipment"
                        )  # noqa: E501
            elif status is S.SHIPPED:
                shipped = defaultdict(int)
                for _, q in shipments:
                    for k, v in q.items():
                        shipped[k] += v
                shipments.append((t, {ln.row["id"]: ln.row["qty"] - shipped[ln.row["id"]]
                                      for ln in lines}))  # fmt: skip
                for ln in lines:
                    self._release(ln, t)
            elif status is S.CANCELLED:
                for ln in lines:
                    self._release(ln, t)

        invoices: list[Row] = []
        if shipments:
            invoices = self._ship(order, customer, lines, shipments, wid, carrier_id, at)
        self._payments(order, customer, invoices, at, prepaid_at)
        if S.RETURNED in at:
            self._return(order, customer, lines, invoices, wid, at[S.RETURNED])
        elif S.DELIVERED in at and rng.random() < 0.01:
            self._return(order, customer, lines, [], wid, None)

    def _production(self, order: Row, line: _Line, wid: int, start: datetime,
                    done_at: datetime | None, done: bool) -> None:  # fmt: skip
        rng = self.rng
        route_id, stages = self.cat.routes.get(line.product.line, (None, []))
        poid = self.ids.take(ProductionOrder)
        qty = line.row["qty"]
        end = done_at if done and done_at else self.now
        span = max(60.0, (end - start).total_seconds())
        if done:
            current = len(stages)
        else:
            current = rng.randint(1, max(1, len(stages) - 1)) if stages else 0
        row = {
            "id": poid, "number": "", "order_id": order["id"], "order_line_id": line.row["id"],
            "product_id": line.product.id, "route_id": route_id, "warehouse_id": wid, "qty": qty,
            "requirements_note": line.row["requirements_note"], "priority": order["priority"],
            "status": ProductionStatus.DONE if done else ProductionStatus.IN_PROGRESS,
            "current_stage_seq": current,
            "due_date": order["requested_date"],
            "expected_date": (start + timedelta(days=sum(d for *_, d in stages) or 5)).date(),
            "created_by": "liu.yang", "created_at": start, "started_at": start,
            "completed_at": done_at if done else None,
        }  # fmt: skip
        self.rows[ProductionOrder].append(row)
        self.numbered["PO"].append((start, row))
        n = len(stages)
        for i, (seq, name, _days) in enumerate(stages):
            if seq > current:
                break
            t = start + timedelta(seconds=int(span * (i + 1) / (n + 1)))
            finished = done or seq < current
            self.rows[ProductionStageLog].append({
                "id": self.ids.take(ProductionStageLog), "production_order_id": poid,
                "stage_seq": seq, "stage_name": name, "result": "done" if finished else "started",
                "note": "", "actor": "liu.yang" if seq == 1 else "zhang.wei", "at": t,
            })  # fmt: skip
        for material_id, per in self.cat.bom.get(line.product.id, []):
            self._move(material_id, wid, -per * qty, "production_use",
                       start + timedelta(seconds=1), order["id"], reference=row,
                       reason="materials issued to production")  # fmt: skip
        if done and done_at is not None:
            self._move(line.product.id, wid, qty, "production_in", done_at, order["id"],
                       reference=row, reason="production stock-in")  # fmt: skip

    def _ship(self, order: Row, customer: CustomerInfo, lines: list[_Line],
              shipments: list[tuple[datetime, dict[int, int]]], wid: int, carrier_id: int | None,
              at: dict[S, datetime]) -> list[Row]:  # fmt: skip
        rng = self.rng
        by_id = {ln.row["id"]: ln for ln in lines}
        invoices: list[Row] = []
        line_value = {ln.row["id"]: ln.row["line_total_minor"] for ln in lines}
        full_value = sum(line_value.values()) or 1
        cum: dict[int, int] = defaultdict(int)
        invoiced = 0
        rate = self.cat.rate(carrier_id, customer.region) if carrier_id else None
        transit = rate[5] if rate else 2
        for n, (t, qtys) in enumerate(shipments):
            sid = self.ids.take(Shipment)
            last = n == len(shipments) - 1
            delivered = at.get(S.DELIVERED) if last else t + timedelta(days=transit)
            if delivered is not None and delivered >= self.now:
                delivered = None
            weight = sum(by_id[k].product.weight_g * q for k, q in qtys.items())
            row = {
                "id": sid, "number": "", "order_id": order["id"], "warehouse_id": wid,
                "carrier_id": carrier_id,
                "status": ShipmentStatus.DELIVERED if delivered else ShipmentStatus.SHIPPED,
                "tracking_no": self._tracking(carrier_id), "freight_minor": self._freight(
                    carrier_id, customer.region,
                    [QuoteLine(by_id[k].product.priced, q) for k, q in qtys.items() if q > 0]),
                "packages": max(1, sum(q for q in qtys.values()) // 10), "weight_g": weight,
                "expected_date": (t + timedelta(days=transit)).date(), "created_by": "zhang.wei",
                "created_at": t - timedelta(minutes=rng.randint(5, 120)), "shipped_at": t,
                "delivered_at": delivered,
            }  # fmt: skip
            self.rows[Shipment].append(row)
            self.numbered["SH"].append((t, row))
            for k, q in qtys.items():
                if q <= 0:
                    continue
                ln = by_id[k]
                ln.row["qty_shipped"] += q
                cum[k] += q
                self.rows[ShipmentLine].append(
                    {
                        "id": self.ids.take(ShipmentLine),
                        "shipment_id": sid,
                        "order_line_id": k,
                        "qty": q,
                    }
                )
                self._move(ln.product.id, wid, -q, "issue", t, order["id"], reference=row,
                           reason="shipped to customer")  # fmt: skip
            events = [(t, TrackingStatus.PICKED_UP, "揽收")]
            if delivered:
                mid = t + (delivered - t) / 2
                events += [(mid, TrackingStatus.IN_TRANSIT, "运输中"),
                           (delivered, TrackingStatus.DELIVERED, "已签收")]  # fmt: skip
            elif self.now - t > timedelta(hours=6):
                events.append((t + timedelta(hours=rng.randint(3, 6)), TrackingStatus.IN_TRANSIT,
                               "运输中"))  # fmt: skip
            for et, status, note in events:
                self.rows[TrackingEvent].append({
                    "id": self.ids.take(TrackingEvent), "shipment_id": sid, "at": et,
                    "status": status, "location": customer.address_text.split(" ")[1]
                    if status is TrackingStatus.DELIVERED and " " in customer.address_text else "",
                    "note": note,
                })  # fmt: skip
            value = sum(line_value[k] * cum[k] // by_id[k].row["qty"] for k in cum)
            amount = (
                order["total_minor"] * value // full_value if not last else order["total_minor"]
            )  # noqa: E501
            inv = {
                "id": self.ids.take(Invoice), "number": "", "kind": "invoice",
                "order_id": order["id"], "shipment_id": sid, "customer_id": customer.id,
                "currency": order["currency"], "amount_minor": amount - invoiced, "paid_minor": 0,
                "issued_on": t.date(), "due_on": _due_on(customer.terms, t.date()),
                "status": InvoiceStatus.OPEN, "created_by": "chen.jing", "created_at": t,
            }  # fmt: skip
            invoiced = amount
            invoices.append(inv)
            self.rows[Invoice].append(inv)
            self.numbered["INV"].append((t, inv))
        return invoices

    def _pay(self, customer: CustomerInfo, when: datetime, amount: int,
             applied: list[tuple[Row, int]], method: str, reference: str = "") -> None:  # fmt: skip
        pid = self.ids.take(Payment)
        row = {
            "id": pid, "number": "", "customer_id": customer.id, "received_on": when.date(),
            "currency": self.cat.settings.currency.upper(),  # the company's, as its invoices
            "amount_minor": amount, "method": method, "reference": reference,
            "unapplied_minor": amount - sum(a for _, a in applied), "created_by": "chen.jing",
            "created_at": when,
        }  # fmt: skip
        self.rows[Payment].append(row)
        self.numbered["PAY"].append((when, row))
        for inv, a in applied:
            if a == 0:
                continue
            inv["paid_minor"] += a
            settled = inv["paid_minor"] == inv["amount_minor"]
            inv["status"] = InvoiceStatus.PAID if settled else InvoiceStatus.OPEN
            self.rows[PaymentAllocation].append({"id": self.ids.take(PaymentAllocation),
                                                 "payment_id": pid, "invoice_id": inv["id"],
                                                 "amount_minor": a})  # fmt: skip

    def _payments(self, order: Row, customer: CustomerInfo, invoices: list[Row],
                  at: dict[S, datetime], prepaid_at: datetime | None) -> None:  # fmt: skip
        rng = self.rng
        terms = customer.terms.upper()
        if prepaid_at is not None and S.CANCELLED not in at:
            method = rng.choice(("wechat", "alipay", "bank"))
            self._pay(customer, prepaid_at, order["total_minor"],
                      [(inv, inv["amount_minor"]) for inv in invoices], method,
                      reference=f"{method.upper()}{rng.randrange(10**10):010d}")  # fmt: skip
            return
        if not invoices:
            return
        first = invoices[0]["created_at"]
        closed = at.get(S.CLOSED) or at.get(S.RETURNED)
        if closed is not None:
            share = 1.0
            end = closed
        elif S.DELIVERED in at:
            share = _weighted(rng, ((0.0, 45), (0.5, 30), (1.0, 25)))
            end = self.now
        else:
            share = 0.0 if terms != "COD" or rng.random() < 0.8 else 0.5
            end = self.now
        if share == 0.0 or end <= first:
            return
        when = first + (end - first) * rng.uniform(0.3, 0.95)
        method = "cod_remittance" if terms == "COD" else rng.choice(("bank", "bank", "wechat"))
        applied = []
        for inv in invoices:
            a = inv["amount_minor"]
            if share < 1.0:
                a = a * rng.randint(3, 7) // 10
            applied.append((inv, a))
        self._pay(customer, when, sum(a for _, a in applied), applied, method,
                  reference=f"{method.upper()}{rng.randrange(10**10):010d}")  # fmt: skip

    def _return(self, order: Row, customer: CustomerInfo, lines: list[_Line],
                invoices: list[Row], wid: int, returned_at: datetime | None) -> None:  # fmt: skip
        rng = self.rng
        when = returned_at or self.now - timedelta(hours=rng.randint(2, 48))
        rid = self.ids.take(ReturnOrder)
        requested = returned_at is None
        row = {"id": rid, "number": "", "order_id": order["id"],
               "status": ReturnStatus.REQUESTED if requested else ReturnStatus.REFUNDED,
               "reason": rng.choice(RETURN_REASONS), "created_by": rng.choice(_CLERKS),
               "created_at": when}  # fmt: skip
        self.rows[ReturnOrder].append(row)
        self.numbered["RMA"].append((when, row))
        refund = 0
        for ln in lines[: rng.randint(1, len(lines))]:
            q = ln.row["qty_shipped"] if rng.random() < 0.6 else max(1, ln.row["qty_shipped"] // 3)
            if q <= 0:
                continue
            good = rng.random() < 0.7
            self.rows[ReturnLine].append({"id": self.ids.take(ReturnLine), "return_id": rid,
                                          "order_line_id": ln.row["id"], "qty": q,
                                          "condition": "good" if good else "damaged",
                                          "restock": good})  # fmt: skip
            if requested:
                continue
            ln.row["qty_returned"] += q
            refund += ln.row["line_total_minor"] * q // ln.row["qty"]
            if good:
                self._move(ln.product.id, wid, q, "return_in", when, order["id"],
                           reference=row, reason="customer return, restocked")  # fmt: skip
        if requested or refund <= 0 or not invoices:
            return
        cn = {
            "id": self.ids.take(Invoice), "number": "", "kind": "credit_note",
            "order_id": order["id"], "shipment_id": None, "customer_id": customer.id,
            "currency": order["currency"], "amount_minor": -refund, "paid_minor": 0,
            "issued_on": when.date(), "due_on": when.date(), "status": InvoiceStatus.OPEN,
            "created_by": "chen.jing", "created_at": when,
        }  # fmt: skip
        self.rows[Invoice].append(cn)
        self.numbered["INV"].append((when, cn))
        self._pay(
            customer,
            when + timedelta(hours=2),
            -refund,
            [(cn, -refund)],
            "bank",
            reference="refund",
        )

    def _light_finance(self, order: Row, customer: CustomerInfo, lines: list[_Line], status: S,
                       at: dict[S, datetime]) -> None:  # fmt: skip
        """Light mode: an invoice for shipped-or-later orders, paid when closed or returned."""
        if status not in SHIPPED_OR_LATER or status is S.PARTIALLY_SHIPPED:
            return
        shipped_at = at[S.SHIPPED]
        for ln in lines:
            ln.row["qty_shipped"] = ln.row["qty"]
        inv = {
            "id": self.ids.take(Invoice), "number": "", "kind": "invoice",
            "order_id": order["id"], "shipment_id": None, "customer_id": customer.id,
            "currency": order["currency"], "amount_minor": order["total_minor"], "paid_minor": 0,
            "issued_on": shipped_at.date(), "due_on": _due_on(customer.terms, shipped_at.date()),
            "status": InvoiceStatus.OPEN, "created_by": "chen.jing", "created_at": shipped_at,
        }  # fmt: skip
        self.rows[Invoice].append(inv)
        self.numbered["INV"].append((shipped_at, inv))
        end = at.get(S.CLOSED) or at.get(S.RETURNED)
        if end is None and status is S.DELIVERED and self.rng.random() < 0.3:
            end = self.now
        if end is not None and end > shipped_at:
            when = shipped_at + (end - shipped_at) * 0.5
            method = "cod_remittance" if customer.terms.upper() == "COD" else "bank"
            self._pay(customer, when, inv["amount_minor"], [(inv, inv["amount_minor"])], method)

    # -- numbers and writing
    def assign_numbers(self, session: Session) -> None:
        """Take gap-free numbers per prefix and year, in date order, and fill them in."""
        for prefix, docs in self.numbered.items():
            docs.sort(key=lambda d: (d[0], d[1]["id"]))
            by_year: dict[int, list[Row]] = defaultdict(list)
            for when, row in docs:
                by_year[when.year].append(row)
            for year, rows in sorted(by_year.items()):
                numbers = take_numbers(session, prefix, year, len(rows))
                for row, number in zip(rows, numbers, strict=True):
                    row["number"] = number
        for mv in self.rows.get(StockMove, []):
            ref = mv["reference"]
            if isinstance(ref, dict):
                mv["reference"] = ref["number"]
        self.numbered.clear()

    def write(self, session: Session) -> dict[str, int]:
        """Insert every row made so far (parents first) and forget them; returns counts."""
        order = (Order, OrderLine, OrderEvent, Allocation, ProductionOrder, ProductionStageLog,
                 Shipment, ShipmentLine, TrackingEvent, Invoice, Payment, PaymentAllocation,
                 ReturnOrder, ReturnLine, StockMove)  # fmt: skip
        counts = {}
        for model in order:
            rows = self.rows.pop(model, [])
            bulk_insert(session, model, rows)
            counts[model.__tablename__] = len(rows)  # type: ignore[attr-defined]
        return counts
