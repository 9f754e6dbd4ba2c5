"""Orders from files: e-commerce exports, dealers' spreadsheets, our own template.

A file (CSV in UTF-8 with or without BOM, or GB18030/GBK; or .xlsx) is read with a
**mapping profile**: which header holds which order field. Rows sharing an external order
id make one order with several lines. Each row is checked; a bad row is reported (row
number, column, value, reason) and its order is not imported (never a partial order),
while every other order still is. The channel is one of the shop's own (``sales_channel``:
two web shops are two channels); its default profile reads its files unless another is
named. Customers are matched by phone (normalised) or created, one per phone even when
two imports run at once (``customers.customers_for_phones_in``); the file's name, phone and
address are the order's ship-to (a new address of a matched customer when it has no such
one; a name that is not the customer's is a warning in the audit). Products by our code,
barcode, or the channel's own code through the alias table (``remember_alias``: once
mapped, known next time). A file's unit price is kept (an override with the reason "price
from the <channel> file" when it differs from the price book, which the audit check then
warns about).

**Hostile files**: the file is read streamed within limits (``import_files``); every field
goes through ``text.clean_text`` (a control character, or more than its column holds, is
that row's problem); parsing is strict: a quantity is ASCII (or full-width) digits (not
``1_000``, ``+5``, ``1e9`` nor Arabic-Indic digits), a price is ``parse_money``'s without a
sign, a date falls in 2000-2100, a payment method is one of ``PAYMENT_WORDS`` (never
silently COD). One bad row costs its own order only; a batch a service refuses is written
again order by order. Problems show values with control characters escaped (``shown``).

**Idempotent**: the key is the channel (its row's name) + external order id. Importing the
same file twice creates nothing new; a changed order not yet approved is updated (its
lines replaced); one already approved is reported, not changed. Imports into one
channel write a batch at a time and look again at which orders exist first, so the same
file imported twice at once creates each order once. ``plan_import`` (the
preview / dry run) says all of this before anything is written; ``run_import`` writes it,
a batch of orders per transaction, into the audit queue (status pending audit; the queue
runs their checks).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from itertools import islice

from sqlalchemy.exc import DataError, IntegrityError
from sqlmodel import Session, col, select

from ...i18n import N_, pgettext
from ...i18n import shown as in_language
from ...models import (
    Customer,
    ImportProfile,
    Order,
    OrderLine,
    Product,
    ProductAlias,
    SalesChannel,
    utcnow,
)
from ..parties import customers
from ..parties.invoicing import Invoicing
from ..platform.csv_files import csv_text
from ..platform.db import Database
from ..platform.errors import InvalidInput, NotFound, OmsError
from ..platform.money import check_amount, parse_money
from ..platform.permissions import anyone, requires
from ..platform.settings import load_settings
from ..platform.text import clean_text, shown
from ..sales import channels, orders
from ..states.order_states import OrderStatus as S
from .import_files import iter_rows
from .import_files import read_file as read_file  # the callers' way in

# the customer's invoicing data (optional; taken for customers the import creates)
INVOICE_FIELDS = ("invoice_title", "taxpayer_id", "bank_name", "bank_account", "invoice_type")
FIELDS = ("external_id", "order_date", "customer_name", "phone", "address", "product",
          "qty", "unit_price", "notes", "payment_method", *INVOICE_FIELDS)  # fmt: skip
REQUIRED = ("external_id", "customer_name", "phone", "address", "product", "qty")
PAYMENT_WORDS = {
    "cod": "cod", "货到付款": "cod", "cash on delivery": "cod",  # i18n: no (as files say it)
    "prepaid": "prepaid", "在线支付": "prepaid", "已付款": "prepaid", "支付宝": "prepaid",
    "微信": "prepaid", "credit": "credit", "月结": "credit", "账期": "credit",
    "installments": "installments", "分期": "installments",
}  # fmt: skip
MAX_QTY = orders.MAX_LINE_QTY
BATCH = 500  # orders per transaction
# ... and one field (longer: that row's problem): what the order's columns hold.
FIELD_LIMITS = {"external_id": 64, "order_date": 40, "customer_name": 200, "phone": 40,
                "address": 300, "product": 64, "qty": 20, "unit_price": 40,
                "notes": orders.MAX_NOTES - 40,  # "ordered 2026-11-30; " goes before them
                "payment_method": 24, "invoice_title": 200, "taxpayer_id": 20,
                "bank_name": 200, "bank_account": 40, "invoice_type": 16}  # fmt: skip
# each field as a sentence names it ("the customer name holds a control character ...")
FIELD_NAMES = {
    "external_id": N_("the external id"), "order_date": N_("the order date"),
    "customer_name": N_("the customer name"), "phone": N_("the phone"),
    "address": N_("the address"), "product": N_("the product"), "qty": N_("the qty"),
    "unit_price": N_("the unit price"), "notes": N_("the notes"),
    "payment_method": N_("the payment method"), "invoice_title": N_("the invoice title"),
    "taxpayer_id": N_("the taxpayer id"), "bank_name": N_("the bank name"),
    "bank_account": N_("the bank account"), "invoice_type": N_("the invoice type"),
}  # fmt: skip
MISSING = {"customer_name": N_("missing customer name"), "address": N_("missing address")}
# an order's status in the sentence refusing to change it ("SO-1 is approved: ...")
_STATUS_WORDS = {
    S.APPROVED: N_("approved"), S.REJECTED: N_("rejected"), S.ALLOCATED: N_("allocated"),
    S.PARTIALLY_BACKORDERED: N_("part backordered"), S.BACKORDERED: N_("backordered"),
    S.IN_PRODUCTION: N_("in production"), S.READY_TO_SHIP: N_("ready to ship"),
    S.PARTIALLY_SHIPPED: N_("part shipped"), S.SHIPPED: N_("shipped"),
    S.DELIVERED: N_("delivered"), S.CLOSED: N_("closed"), S.CANCELLED: N_("cancelled"),
    S.RETURNED: N_("returned"),
}  # fmt: skip
FIRST_YEAR, LAST_YEAR = 2000, 2100  # an order date outside is a typo
CHUNK = 1000  # rows read before their customers are looked up together
_WHOLE = re.compile(r"[0-9]{1,9}", re.ASCII)
_DATE_TEXT = re.compile(r"[0-9:./ -]+", re.ASCII)

# Profiles shipped with the product; saved ones (table import_profile) are added by name.
SHIPPED_PROFILES: dict[str, tuple[str, dict[str, str]]] = {
    "oms": ("ecommerce", {f: f for f in FIELDS}),  # our template: `oms import template`
    "taobao": ("ecommerce", {
        "external_id": "订单编号", "order_date": "订单付款时间", "customer_name": "收货人姓名",
        "phone": "联系手机", "address": "收货地址", "product": "商家编码", "qty": "购买数量",
        "unit_price": "商品价格", "notes": "订单备注", "payment_method": "支付方式",
        "invoice_title": "发票抬头", "taxpayer_id": "纳税人识别号",
    }),
    "dealer": ("dealer", {
        "external_id": "PO Number", "order_date": "Order Date",  # i18n: no (the file's heads)
        "customer_name": "Ship To", "phone": "Phone", "address": "Address",  # i18n: no
        "product": "Item Code", "qty": "Quantity", "unit_price": "Unit Price",  # i18n: no
        "notes": "Remarks",  # i18n: no
    }),
}  # fmt: skip


@dataclass(frozen=True)
class Profile:
    name: str
    channel: str
    mapping: dict[str, str]  # field -> header as it appears in the file


@dataclass(frozen=True)
class Problem:
    row: int  # 1-based, counting the header as row 1 (as a spreadsheet shows it)
    column: str
    value: str
    reason: str


@dataclass(slots=True)  # slots: a plan of 100,000 rows is held at once
class PlannedLine:
    row: int
    product_id: int
    product_code: str
    qty: int
    unit_price_minor: int | None  # from the file
    note: str


@dataclass(slots=True)
class PlannedOrder:
    external_id: str
    rows: list[int]
    customer_name: str
    phone: str
    address: str
    customer_id: int | None  # None: a new customer
    order_date: date | None
    payment_method: str | None
    notes: str
    lines: list[PlannedLine] = field(default_factory=list)
    invoicing: Invoicing = Invoicing()  # for a new customer
    action: str = "create"  # create, update, unchanged, refused
    existing: str = ""  # the order number when it exists
    why: str = ""


@dataclass(frozen=True)
class ImportPlan:
    channel: str
    profile: str
    rows: int
    orders: tuple[PlannedOrder, ...]
    problems: tuple[Problem, ...]

    @property
    def new_customers(self) -> int:
        return len({o.phone for o in self.orders if o.customer_id is None
                    and o.action in ("create", "update")})  # fmt: skip

    def count(self, action: str) -> int:
        return sum(1 for o in self.orders if o.action == action)


@dataclass(frozen=True)
class ImportResult:
    plan: ImportPlan
    created: tuple[str, ...]  # order numbers
    updated: tuple[str, ...]
    unchanged: int
    refused: tuple[tuple[str, str], ...]  # (external id, why)

    @property
    def problems(self) -> tuple[Problem, ...]:
        return self.plan.problems

    @property
    def failed(self) -> bool:
        return bool(self.problems or self.refused)


# --------------------------------------------------------------------------------------------
# Profiles and aliases


@anyone("a read: the import profiles")  # i18n: no
def profiles(db: Database) -> list[Profile]:
    out = [Profile(n, ch, dict(m)) for n, (ch, m) in SHIPPED_PROFILES.items()]
    with db.read() as session:
        for p in session.exec(select(ImportProfile).order_by(ImportProfile.name)).all():
            out.append(Profile(p.name, p.channel, json.loads(p.mapping_json)))
    return out


@anyone("a read: one import profile")  # i18n: no
def get_profile(db: Database, name: str) -> Profile:
    for p in profiles(db):
        if p.name.lower() == name.strip().lower():
            return p
    known = ", ".join(p.name for p in profiles(db))
    raise NotFound(N_("no import profile '{name}'; known: {known}").format(name=name, known=known))


@requires("orders.import")
def save_profile(db: Database, actor: str, name: str, channel: str, mapping: dict[str, str]
                 ) -> Profile:  # fmt: skip
    """Save (or replace) a channel's mapping; the shipped profiles cannot be replaced."""
    name = clean_text(name, 64, N_("the name"), "name")
    if not name:
        raise InvalidInput(N_("give the profile a name"), "name")
    if name.lower() in SHIPPED_PROFILES:
        raise InvalidInput(N_("'{name}' is a shipped profile; save yours under another name")
                           .format(name=name), "name")  # fmt: skip
    channel = channels.get_channel(db, channel).name
    unknown = set(mapping) - set(FIELDS)
    if unknown:
        raise InvalidInput(N_("unknown field {field}; fields: {fields}").format(
            field=sorted(unknown)[0], fields=", ".join(FIELDS)), "mapping")  # fmt: skip
    missing = [f for f in REQUIRED if not mapping.get(f)]
    if missing:
        raise InvalidInput(N_("map a column to {fields}").format(fields=", ".join(missing)),
                           "mapping")  # fmt: skip
    with db.write() as session:
        row = session.exec(select(ImportProfile).where(ImportProfile.name == name)).first()
        row = row or ImportProfile(name=name, created_by=actor)
        row.channel, row.mapping_json = channel, json.dumps(mapping, ensure_ascii=False)
        row.updated_at = utcnow()
        session.add(row)
    return Profile(name, channel, dict(mapping))


@requires("orders.import")
def remember_alias(db: Database, actor: str, channel: str, code: str, product_code: str) -> None:
    """The channel's code ``code`` means our product ``product_code`` from now on."""
    code = clean_text(code, 64, N_("the channel's product code"), "code")
    if not code:
        raise InvalidInput(N_("the channel's product code is empty"), "code")
    with db.write() as session:
        channel = channels.channel_in(session, channel).name
        product = session.exec(select(Product).where(Product.code == product_code.strip().upper())
                               ).first()  # fmt: skip
        if product is None:
            raise NotFound(N_("no product {code}").format(code=product_code))
        same = (ProductAlias.channel == channel) & (ProductAlias.code == code)
        row = session.exec(select(ProductAlias).where(same)).first()
        row = row or ProductAlias(channel=channel, code=code, product_id=product.id,
                                  created_by=actor)  # fmt: skip
        row.product_id = product.id
        session.add(row)


TEMPLATE_EXAMPLE = ("TB20261130001", "2026-11-30 14:05", "王小明", "138 0013 8000",
                    "浙江省 杭州市 西湖区 文三路 90 号", "L-C300-18W-WH", "2", "89.00",
                    "下午送", "prepaid", "", "", "", "", "普通")  # fmt: skip


def template_csv() -> str:
    """Our own import template (profile ``oms``): the header and one example row."""
    return csv_text(FIELDS, [TEMPLATE_EXAMPLE])


# --------------------------------------------------------------------------------------------
# Planning (the preview; nothing is written)


@lru_cache(maxsize=4096)
def _parse_date(text: str) -> date:
    t = text.strip().replace("/", "-").replace(".", "-")
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(t, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _date_problem(text: str) -> str | None:
    """Why ``text`` is not an order date; None when it is one."""
    if not _DATE_TEXT.fullmatch(text):
        return N_("unreadable date (2026-11-30)")
    try:
        when = _parse_date(text)
    except ValueError:
        return N_("unreadable date (2026-11-30)")
    if not FIRST_YEAR <= when.year <= LAST_YEAR:
        return N_("a date from {first} to {last}, please").format(first=FIRST_YEAR, last=LAST_YEAR)
    return None


def _quantity(text: str) -> int | None:
    """A whole number of ASCII (or full-width) digits, else None: ``1_000``, ``+5``,
    ``1e9``, ``2.0`` or Arabic-Indic digits are not quantities."""
    t = unicodedata.normalize("NFKC", text)
    return int(t) if _WHOLE.fullmatch(t) else None


class _Lookup:
    """Products and customers resolved once per import."""

    def __init__(self, session: Session, channel: str) -> None:
        self.session, self.channel = session, channel
        settings = load_settings(session)
        self.currency = settings.currency  # the file's prices are in it
        self.max_amount = settings.max_amount_minor
        self.products: dict[str, Product | None] = {}
        self.customers: dict[str, int | None] = {}

    def product(self, code: str) -> Product | None:
        if code not in self.products:
            s = self.session
            p = s.exec(select(Product).where(Product.code == code.upper())).first()
            if p is None:
                p = s.exec(select(Product).where(Product.barcode == code)).first()
            if p is None:
                same = (ProductAlias.channel == self.channel) & (ProductAlias.code == code)
                alias = s.exec(select(ProductAlias).where(same)).first()
                p = s.get(Product, alias.product_id) if alias else None
            self.products[code] = p
        return self.products[code]

    def customer(self, digits: str) -> int | None:
        if digits not in self.customers:
            self.customers.update(customers.customers_by_phone(self.session, [digits]))
        return self.customers[digits]

    def preload(self, all_digits: Iterable[str]) -> None:
        """Customers by phone for many numbers at once (500 to a query), in place of those
        looked up before (a chunk of rows at a time)."""
        self.customers = customers.customers_by_phone(self.session, all_digits)


@anyone("a read: the channel and profile of an import")  # i18n: no
def channel_and_profile(db: Database, channel: str | None, profile: str | None
                        ) -> tuple[channels.Channel, Profile]:  # fmt: skip
    """The channel named (else the profile's) and the profile named (else the channel's
    default, else ``oms``); an unknown channel is refused with the list of channels."""
    chan = channels.get_channel(db, channel) if channel else None
    prof = get_profile(db, profile or (chan.profile if chan else "oms"))
    return chan or channels.get_channel(db, prof.channel), prof


@anyone("reads a file and says what importing it would do; writes nothing")  # i18n: no
def plan_import(db: Database, data: bytes, channel: str | None = None,
                profile: str | None = None, filename: str = "") -> ImportPlan:  # fmt: skip
    """Read and check the file; say what importing it would do (the preview, the dry run).
    The file is read a row at a time, a chunk of rows' customers looked up together."""
    chan, prof = channel_and_profile(db, channel, profile)
    channel = chan.name
    rows = iter_rows(data, filename)
    first = next(rows, None)
    if first is None:
        raise InvalidInput(N_("the file is empty"), "file")
    header = [h.strip() for h in first]
    where: dict[str, int] = {}
    missing = []
    for f, name in prof.mapping.items():
        if not name:
            continue
        try:
            where[f] = header.index(name.strip())
        except ValueError:
            if f in REQUIRED:
                missing.append(name)
    if missing:
        raise InvalidInput(N_("the file has no column {columns} (profile '{profile}'); its "
                              "header: {header}").format(
            columns=", ".join(missing), profile=prof.name,
            header=shown(", ".join(header[:12]), 200)), "file")  # fmt: skip
    problems: list[Problem] = []
    planned: OrderedDict[str, PlannedOrder] = OrderedDict()
    bad_orders: set[str] = set()
    count = 0
    with db.read() as session:
        look = _Lookup(session, channel)
        phone_at = where.get("phone")
        while chunk := list(islice(rows, CHUNK)):
            if phone_at is not None:
                look.preload(customers.normalise_phone(r[phone_at]) for r in chunk
                             if phone_at < len(r))  # fmt: skip
            for n, row in enumerate(chunk, start=count + 2):
                _plan_row(n, row, where, prof, look, planned, problems, bad_orders)
            count += len(chunk)
        for ext in bad_orders:
            if ext in planned:
                order = planned[ext]
                order.action = "refused"
                order.why = N_("another row of this order has a problem")
        _against_existing(session, channel, planned)
    return ImportPlan(channel, prof.name, count, tuple(planned.values()),
                      tuple(sorted(problems, key=lambda p: p.row)))  # fmt: skip


def _plan_row(n: int, row: list[str], where: dict[str, int], prof: Profile, look: _Lookup,
              planned: dict[str, PlannedOrder], problems: list[Problem],
              bad_orders: set[str]) -> None:  # fmt: skip
    """One row into its planned order, or its problems (and its order marked bad)."""
    if not any(c.strip() for c in row):
        return
    values, row_problems = _cleaned(n, row, where)
    ext = values["external_id"]
    if not ext:
        if "external_id" not in {p.column for p in row_problems}:
            problems.append(Problem(n, prof.mapping["external_id"], "", N_("no order id")))
        problems.extend(row_problems)
        return
    row_problems += _check_row(n, values, look, {p.column for p in row_problems})
    if row_problems:
        problems.extend(row_problems)
        bad_orders.add(ext)
        return
    digits = customers.normalise_phone(values["phone"])
    order = planned.get(ext)
    if order is None:
        when = values["order_date"]
        order = planned[ext] = PlannedOrder(
            external_id=ext, rows=[], customer_name=values["customer_name"],
            phone=values["phone"], address=values["address"],
            customer_id=look.customer(digits),
            order_date=_parse_date(when) if when else None,
            payment_method=PAYMENT_WORDS.get(values["payment_method"].lower()),
            notes=values["notes"],
            invoicing=Invoicing(*(values[f] for f in INVOICE_FIELDS)).checked(),
        )  # fmt: skip
    elif customers.normalise_phone(order.phone) != digits:
        why = N_("order {order} has another phone on an earlier row").format(order=ext)
        problems.append(Problem(n, prof.mapping["phone"], shown(values["phone"]), why))
        bad_orders.add(ext)
        return
    product = look.product(values["product"])
    price = values["unit_price"]
    order.rows.append(n)
    order.lines.append(PlannedLine(n, product.id, product.code, int(_quantity(values["qty"])),
                                   parse_money(price, look.currency) if price else None,
                                   ""))  # fmt: skip


def _cleaned(n: int, row: list[str], where: dict[str, int]
             ) -> tuple[dict[str, str], list[Problem]]:  # fmt: skip
    """The row's fields as the services keep them (``text.clean_text``); a field with a
    control character or longer than its column is a problem and reads as empty."""
    values, out = {}, []
    for f in FIELDS:
        i = where.get(f)
        raw = row[i] if i is not None and i < len(row) else ""
        try:
            values[f] = clean_text(raw, FIELD_LIMITS[f], FIELD_NAMES[f], f,
                                   multiline=f in ("address", "notes"))  # fmt: skip
        except InvalidInput as error:
            values[f] = ""
            out.append(Problem(n, f, shown(raw), str(error)))
    return values, out


def _check_row(n: int, values: dict[str, str], look: _Lookup, told: set[str]
               ) -> list[Problem]:  # fmt: skip
    """Every other reason the row cannot be imported (the fields ``told``, refused by
    ``_cleaned``, are empty here and not told twice)."""
    out = []

    def problem(f: str, reason: str) -> None:
        if f not in told:
            out.append(Problem(n, f, shown(values[f]), reason))

    for f in ("customer_name", "address"):
        if not values[f]:
            problem(f, MISSING[f])
    phone = values["phone"]
    digits = customers.normalise_phone(phone)
    if not phone:
        problem("phone", N_("missing phone"))
    elif not 7 <= len(digits) <= 15:
        problem("phone", N_("not a phone number (7 to 15 digits)"))
    code = values["product"]
    if not code:
        problem("product", N_("missing product code"))
    else:
        product = look.product(code)
        if product is None:
            problem("product", N_("unknown product code (map it to ours)"))
        elif not product.active:
            problem("product", N_("{product} is no longer sold").format(product=product.code))
    q = _quantity(values["qty"])
    if q is None or not 0 < q <= MAX_QTY:
        problem(
            "qty", N_("quantity must be a whole number 1 to {most}").format(most=f"{MAX_QTY:,}")
        )
    price = values["unit_price"]
    if price:
        try:
            if price.lstrip()[:1] == "+":
                raise InvalidInput(
                    N_("'{price}' is not an amount: no sign, please").format(price=price)
                )
            minor = parse_money(price, look.currency)
            if minor < 0:
                raise InvalidInput(N_("a price cannot be negative"))
            check_amount(minor, look.max_amount, N_("the price"), "unit_price", look.currency)
        except InvalidInput as error:
            problem("unit_price", str(error))
    when = values["order_date"]
    if when and (why := _date_problem(when)):
        problem("order_date", why)
    pay = values["payment_method"]
    if pay and pay.lower() not in PAYMENT_WORDS:
        known = ", ".join(sorted(set(PAYMENT_WORDS.values())))
        problem("payment_method", N_("unknown payment method: one of {known} (or 货到付款, "
                                     "在线支付, 月结, 分期 ...)").format(known=known))  # fmt: skip
    try:
        Invoicing(*(values[f] for f in INVOICE_FIELDS)).checked()
    except InvalidInput as error:
        f = error.field or "taxpayer_id"
        problem(f, str(error))
    for f in ("customer_name", "address", "notes"):
        if "\ufffd" in values[f]:
            problem(f, N_("unreadable text (wrong encoding?)"))
    return out


def _signature(lines: Iterable[tuple[int, int, int | None]]) -> list[tuple[int, int, int | None]]:
    return sorted(lines, key=lambda t: (t[0], t[1], t[2] if t[2] is not None else -1))


def _against_existing(session: Session, channel: str, planned: dict[str, PlannedOrder]) -> None:
    """Create, update (not yet approved and changed), unchanged, or refused (approved)."""
    ids = [e for e, o in planned.items() if o.action != "refused"]
    existing = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        mine = (Order.channel == channel) & col(Order.external_ref).in_(chunk)
        for o in session.exec(select(Order).where(mine)).all():
            existing[o.external_ref] = o
    if not existing:
        return
    lines: dict[int, list[tuple[int, int, int | None]]] = {}
    for ln in session.exec(select(OrderLine).where(
            col(OrderLine.order_id).in_([o.id for o in existing.values()]))).all():  # fmt: skip
        lines.setdefault(ln.order_id, []).append((ln.product_id, ln.qty, ln.unit_price_minor))
    for ext, order in existing.items():
        plan = planned[ext]
        plan.existing = order.number
        now = _signature(lines.get(order.id, []))
        new = [(ln.product_id, ln.qty, ln.unit_price_minor) for ln in plan.lines]
        same = [(p, q) for p, q, _ in now] == [(p, q) for p, q, _ in _signature(new)] and all(
            n[2] is None or n[2] == o[2] for n, o in zip(_signature(new), now, strict=True)
        )
        if same:
            plan.action = "unchanged"
        elif order.status in orders.EDITABLE:
            plan.action = "update"
        else:
            status = _STATUS_WORDS.get(S(order.status), S(order.status).label.lower())
            plan.action = "refused"
            plan.why = N_("{number} is {status}: changes are not applied").format(
                number=order.number, status=status
            )


# --------------------------------------------------------------------------------------------
# Writing


@requires("orders.import")
def run_import(
    db: Database,
    actor: str,
    data: bytes,
    channel: str | None = None,
    profile: str | None = None,
    filename: str = "",
    progress=None,
) -> ImportResult:  # noqa: ANN001
    """Import what ``plan_import`` planned, a batch of orders per transaction (new customers
    and orders written with multi-row INSERTs); ``progress(done, total)`` after each batch.
    A batch that a service rule refuses is written again order by order, so one bad order
    never holds back the others."""
    plan = plan_import(db, data, channel, profile, filename)
    todo = [o for o in plan.orders if o.action in ("create", "update")]
    created: list[str] = []
    updated: list[str] = []
    refused = [(o.external_id, o.why) for o in plan.orders if o.action == "refused"]
    for start in range(0, len(todo), BATCH):
        batch = todo[start : start + BATCH]
        try:
            with db.write() as session:
                done = _write_batch(session, actor, plan.channel, batch)
        except (OmsError, DataError, IntegrityError):
            done = []
            for o in batch:
                try:
                    with db.write() as session:
                        done += _write_batch(session, actor, plan.channel, [o])
                except OmsError as error:
                    refused.append((o.external_id, str(error)))
                except (DataError, IntegrityError) as error:  # a rule the services missed
                    why = str(error.orig).strip().splitlines()[0] if error.orig else N_("refused")
                    refused.append(
                        (o.external_id, N_("the database refused it: {why}").format(why=why))
                    )
        for o, number in done:
            (updated if o.action == "update" else created).append(number)
        if progress is not None:
            progress(min(start + BATCH, len(todo)), len(todo))
    said = {ext for ext, _ in refused}  # and those approved since the preview:
    refused += [(o.external_id, o.why) for o in todo
                if o.action == "refused" and o.external_id not in said]  # fmt: skip
    return ImportResult(plan, tuple(created), tuple(updated), plan.count("unchanged"),
                        tuple(refused))  # fmt: skip


def _write_batch(session: Session, actor: str, channel: str, batch: list[PlannedOrder]
                 ) -> list[tuple[PlannedOrder, str]]:  # fmt: skip
    """The batch's customers (matched by phone, else created), then its new orders in one
    go, then the updates. Another import may have written some of these orders, or given
    these phones a customer, since the preview: both are looked at again here, under the
    channel's lock and the customers' (``customers_for_phones_in``)."""
    _hold_channel(session, channel)
    _against_existing(session, channel, {o.external_id: o for o in batch})
    batch = [o for o in batch if o.action in ("create", "update")]
    unknown = [o for o in batch if o.customer_id is None]
    found = customers.customers_for_phones_in(session, actor, [
        customers.NewCustomer(name=o.customer_name, phone=o.phone, street=o.address,
                              invoicing=o.invoicing)
        for o in unknown])  # fmt: skip
    ids_by_order = dict(zip([o.external_id for o in unknown], found, strict=True))
    ids_of = {o.external_id: o.customer_id or ids_by_order[o.external_id]
              for o in batch}  # fmt: skip
    prices = _Prices(session, channel, batch, ids_of)
    creates = [o for o in batch if o.action == "create"]
    ship_to = customers.ship_to_addresses_in(session, actor, [  # the file's, not the default
        (ids_of[o.external_id], o.customer_name, o.phone, o.address) for o in creates])  # fmt: skip
    specs = []
    for o, address_id in zip(creates, ship_to, strict=True):
        notes = o.notes
        if o.order_date:
            day = o.order_date.isoformat()
            notes = (N_("ordered {day}; {notes}").format(day=day, notes=notes) if notes
                     else N_("ordered {day}").format(day=day))  # fmt: skip
        specs.append(orders.OrderSpec(ids_of[o.external_id], prices.lines(o), channel,
                                      o.external_id, o.payment_method, notes,
                                      address_id))  # fmt: skip
    out = list(zip(creates, orders.create_orders_in(session, actor, specs), strict=True))
    for o in batch:
        if o.action != "update":
            continue
        order = session.exec(select(Order).where(Order.channel == channel,
                                                 Order.external_ref == o.external_id)
                             .with_for_update()).one()  # fmt: skip
        view = orders.replace_lines_in(session, actor, order, prices.lines(o),
                                       N_("updated from the {channel} file").format(
                                           channel=channel),
                                       channel_prices=True)  # fmt: skip
        out.append((o, view.number))
    for o in batch:
        o.customer_id = ids_of[o.external_id]
    return out


def _hold_channel(session: Session, channel: str) -> None:
    """Imports into one channel write one batch at a time (PostgreSQL: the channel's row
    lock, the first lock an import's transaction takes; SQLite: ``BEGIN IMMEDIATE``), so
    an order another import wrote is seen before this one writes it again."""
    session.exec(select(SalesChannel.id).where(SalesChannel.name == channel)
                 .with_for_update()).first()  # fmt: skip


class _Prices:
    """The file's price is kept: an override (with its reason) where it differs from the
    price book (one book per customer group and batch), so the audit check shows it."""

    def __init__(self, session: Session, channel: str, batch: list[PlannedOrder],
                 ids_of: dict[str, int]) -> None:  # fmt: skip
        from ..catalog.pricing import load_price_book

        self.channel, self.ids_of = channel, ids_of
        pids = {ln.product_id for o in batch for ln in o.lines}
        self.products = {p.id: p for p in session.exec(
            select(Product).where(col(Product.id).in_(pids))).all()}  # fmt: skip
        self.groups = dict(session.exec(select(Customer.id, Customer.group).where(
            col(Customer.id).in_(set(ids_of.values())))).all())  # fmt: skip
        self.books = {g: load_price_book(session, g, pids, date.today())
                      for g in set(self.groups.values())}  # fmt: skip

    def lines(self, o: PlannedOrder) -> list[orders.NewLine]:
        from ..catalog.pricing import product_info

        group = self.groups[self.ids_of[o.external_id]]
        out = []
        for ln in o.lines:
            price = None
            if ln.unit_price_minor is not None:
                listed = self.books[group].base_price(
                    product_info(self.products[ln.product_id]), group, ln.qty
                )
                if listed.unit_price_minor != ln.unit_price_minor:
                    price = ln.unit_price_minor
            reason = (N_("price from the {channel} file").format(channel=self.channel)
                      if price is not None else "")  # fmt: skip
            out.append(orders.NewLine(ln.product_id, ln.qty, unit_price_minor=price,
                                      override_reason=reason))  # fmt: skip
        return out


def problems_csv(problems: Sequence[Problem], refused: Sequence[tuple[str, str]] = ()) -> str:
    """The error report: row, column, value, reason (CSV text, every cell made safe by
    ``csv_files.csv_text``; written with ``csv_files.encode_csv``), for the clerk who
    imports: the heads and the reasons in their language (``i18n.shown``)."""
    rows = [(p.row, p.column, p.value, in_language(p.reason)) for p in problems]
    rows += [("", "external_id", ext, in_language(why)) for ext, why in refused]
    head = (pgettext("error report", "row"), pgettext("error report", "column"),
            pgettext("error report", "value"), pgettext("error report", "reason"))  # fmt: skip
    return csv_text(head, rows)
