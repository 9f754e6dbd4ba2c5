"""Demo data: a believable company with a year of orders in every status.

明光水木实业 (Mingguang Light, Water & Wood) sells three product lines: lighting
fixtures (stocked in three regional warehouses), bottled spring water (standing
home and office deliveries) and made-to-order wooden doors (produced on a route
of stages from a bill of materials).

Everything is generated in memory from ``random.Random(seed)`` and written with
Core bulk inserts and precomputed ids, so a few thousand orders take seconds.
The records agree with each other: order events walk the state machine, the
stock ledger adds up to the stock levels, reservations equal open allocations,
invoices follow shipments and payments are applied to invoices.

``services/generate.py`` reuses the catalog and customer builders and the
order simulator (in its lighter mode) to build databases of a million orders.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from operator import itemgetter
from typing import Any

from sqlalchemy import TypeDecorator, delete, func, insert, select, text
from sqlmodel import Session, SQLModel

from ..models import (
    Allocation,
    BomItem,
    Carrier,
    CarrierRate,
    Customer,
    CustomerAddress,
    CustomerPhone,
    Invoice,
    Order,
    OrderEvent,
    OrderLine,
    Payment,
    PaymentAllocation,
    PriceListItem,
    Product,
    ProductionOrder,
    ProductionRoute,
    ProductionStageLog,
    Promotion,
    ReturnLine,
    ReturnOrder,
    RouteStage,
    Setting,
    Shipment,
    ShipmentLine,
    StockLevel,
    StockMove,
    TrackingEvent,
    User,
    Warehouse,
)  # fmt: skip
from ..services.catalog.pricing import (
    PriceBook,
    PromotionInfo,
    QuoteLine,
    chargeable_weight_g,
    freight,
    quote,
)
from ..services.catalog.pricing import ProductInfo as PricedProduct
from ..services.finance.receivables import due_dates
from ..services.parties.customers import address_text, normalise_phone
from ..services.platform.db import Database
from ..services.platform.numbering import take_numbers
from ..services.platform.settings import CompanySettings, load_settings
from ..services.states.order_states import OrderStatus as S

Row = dict[str, Any]

# --------------------------------------------------------------------------- reference data

COMPANY = {
    "company_name": "明光水木实业有限公司 Mingguang Light, Water & Wood Co.",
    "currency": "CNY",
    "prices_include_tax": "true",
    "tax_rounding": "line",
    "company_address": "浙江省杭州市余杭区良渚街道明光路88号 (88 Mingguang Rd, Yuhang, Hangzhou)",
    "company_phone": "0571-8888 6600",
}

STAFF = (  # login, display name, role
    ("wang.fang", "王芳 Wang Fang", "clerk"),
    ("zhao.lei", "赵磊 Zhao Lei", "clerk"),
    ("li.na", "李娜 Li Na", "auditor"),
    ("zhang.wei", "张伟 Zhang Wei", "warehouse"),
    ("chen.jing", "陈静 Chen Jing", "finance"),
    ("liu.yang", "刘洋 Liu Yang", "manager"),
)
_CLERKS = ("wang.fang", "zhao.lei")

# Sales regions: warehouses, customers and carrier rates share these values.
# Each: (province, city, districts, postcode, landline area code).
REGIONS: dict[str, list[tuple[str, str, tuple[str, ...], str, str]]] = {
    "East": [
        ("浙江省", "杭州市", ("西湖区", "拱墅区", "滨江区", "余杭区", "上城区"), "310000", "0571"),
        ("浙江省", "宁波市", ("鄞州区", "海曙区", "江北区"), "315000", "0574"),
        ("江苏省", "南京市", ("鼓楼区", "玄武区", "建邺区"), "210000", "025"),
        ("江苏省", "苏州市", ("姑苏区", "吴中区", "相城区"), "215000", "0512"),
        ("上海市", "上海市", ("浦东新区", "徐汇区", "静安区", "闵行区"), "200000", "021"),
    ],
    "South": [
        ("广东省", "广州市", ("天河区", "越秀区", "番禺区", "海珠区"), "510000", "020"),
        ("广东省", "深圳市", ("南山区", "福田区", "宝安区", "龙岗区"), "518000", "0755"),
        ("广东省", "佛山市", ("禅城区", "顺德区", "南海区"), "528000", "0757"),
        ("福建省", "厦门市", ("思明区", "湖里区"), "361000", "0592"),
    ],
    "West": [
        ("四川省", "成都市", ("武侯区", "锦江区", "青羊区", "成华区"), "610000", "028"),
        ("重庆市", "重庆市", ("渝中区", "江北区", "南岸区"), "400000", "023"),
        ("云南省", "昆明市", ("五华区", "盘龙区"), "650000", "0871"),
    ],
    "North": [
        ("北京市", "北京市", ("朝阳区", "海淀区", "东城区"), "100000", "010"),
        ("天津市", "天津市", ("和平区", "河西区"), "300000", "022"),
        ("山东省", "济南市", ("历下区", "市中区"), "250000", "0531"),
    ],
    "Central": [
        ("湖北省", "武汉市", ("武昌区", "江汉区", "洪山区"), "430000", "027"),
        ("湖南省", "长沙市", ("岳麓区", "芙蓉区", "天心区"), "410000", "0731"),
    ],
}
REGION_WEIGHTS = {"East": 40, "South": 25, "West": 18, "North": 10, "Central": 7}
STREETS = ("文三路", "解放路", "中山路", "人民路", "建设路", "科技路", "滨江大道", "天府大道",
           "珠江路", "长江路", "学院路", "和平街", "新华路", "东风路",
           "环城北路", "湖滨路")  # fmt: skip

WAREHOUSES = (  # code, name, region, address, rank
    ("HZ", "杭州仓 Hangzhou (East) + factory", "East", "浙江省杭州市余杭区良渚街道明光路88号", 0),
    ("GZ", "广州仓 Guangzhou (South)", "South", "广东省广州市番禺区石基镇物流园12号", 1),
    ("CD", "成都仓 Chengdu (West)", "West", "四川省成都市双流区西航港物流中心6号库", 2),
)

SURNAMES = ("王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱",
            "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋",
            "唐", "许", "韩", "冯")  # fmt: skip
PINYIN = {"王": "Wang", "李": "Li", "张": "Zhang", "刘": "Liu", "陈": "Chen", "杨": "Yang",
          "黄": "Huang", "赵": "Zhao", "吴": "Wu", "周": "Zhou", "徐": "Xu", "孙": "Sun",
          "马": "Ma", "朱": "Zhu", "胡": "Hu", "郭": "Guo", "何": "He", "高": "Gao", "林": "Lin",
          "罗": "Luo", "郑": "Zheng", "梁": "Liang", "谢": "Xie", "宋": "Song", "唐": "Tang",
          "许": "Xu", "韩": "Han", "冯": "Feng"}  # fmt: skip
GIVEN = ("伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
         "明", "超", "秀英", "霞", "平", "刚", "桂英", "华", "玉兰", "萍", "红", "建国", "晓东",
         "子涵", "浩然", "欣怡", "思远", "雨萱", "俊杰")  # fmt: skip
ENGLISH = ("Emily", "David", "Grace", "Kevin", "Linda", "Michael", "Sophie", "Jason", "Amy",
           "Tony", "Helen", "Peter", "Lucy", "Eric", "Cindy", "Frank", "Vivian",
           "Jack")  # fmt: skip
BRANDS = (("华美", "Huamei"), ("鑫源", "Xinyuan"), ("恒通", "Hengtong"), ("佳和", "Jiahe"),
          ("瑞丰", "Ruifeng"), ("宏达", "Hongda"), ("金鼎", "Jinding"), ("德盛", "Desheng"),
          ("永安", "Yong'an"), ("信达", "Xinda"), ("嘉禾", "Jiahe"), ("安居", "Anju"),
          ("启明", "Qiming"), ("云栖", "Yunqi"), ("博远", "Boyuan"),
          ("森林", "Senlin"))  # fmt: skip
COMPANY_KINDS = {
    "office": (("科技有限公司", "Technology Co."), ("律师事务所", "Law Firm"),
               ("设计工作室", "Design Studio"), ("会计师事务所", "Accounting Firm")),
    "wholesale": (("贸易有限公司", "Trading Co."), ("商贸有限公司", "Commerce Co."),
                  ("建材批发部", "Building Supplies")),
    "dealer": (("灯饰商行", "Lighting Store"), ("门业经销部", "Door Dealer"),
               ("水站", "Water Station"), ("建材经营部", "Building Materials")),
    "key_account": (("物业管理有限公司", "Property Management Co."),
                    ("装饰工程有限公司", "Decoration Engineering Co."),
                    ("酒店管理有限公司", "Hotel Management Co."),
                    ("房地产开发有限公司", "Real Estate Development Co.")),
}  # fmt: skip

# Lighting: model, name, wattages, base price (fen), weight g, made to order.
LIGHTING = (
    ("ML-C300", "LED吸顶灯 Ceiling light", (18, 24, 36), 18900, 2200, False),
    ("ML-P120", "LED吊灯 Pendant light", (24, 36), 45900, 3500, False),
    ("ML-D075", "LED筒灯 Downlight", (7, 12), 3900, 400, False),
    ("ML-T500", "LED灯管 T5 tube", (14, 28), 2900, 300, False),
    ("ML-W210", "LED壁灯 Wall light", (9, 12), 12900, 900, False),
    ("ML-F900", "落地灯 Floor lamp", (15, 24), 59900, 6500, False),
    ("ML-S050", "LED射灯 Spotlight", (5, 7), 4900, 350, False),
    ("ML-X800", "定制水晶吊灯 Custom crystal chandelier", (60, 90), 369900, 18000, True),
)
COLOURS = (("WH", "白色 White"), ("BK", "黑色 Black"), ("GD", "香槟金 Champagne gold"))
# Water: code, name, unit, price, deposit, weight g, volume cm3.
WATER = (
    ("W-BRL-189", "明光山泉水 18.9L 桶装 Spring water barrel", "barrel", 2200, 3000, 19500, 28000),
    ("W-BRL-113", "明光山泉水 11.3L 桶装 Spring water barrel", "barrel", 1500, 2000, 11800, 17000),
    ("W-CASE-550", "明光山泉水 550ml×24 箱 Bottled water case", "case", 4800, 0, 13600, 18000),
    ("W-CASE-350", "明光山泉水 350ml×24 箱 Bottled water case", "case", 3900, 0, 8900, 12000),
    ("W-JUG-45", "明光山泉水 4.5L×4 箱 Water jug case", "case", 3600, 0, 18500, 24000),
)
DOOR_TYPES = (
    ("SD", "实木门 Solid wood door", 298000),
    ("CD", "实木复合门 Engineered door", 188000),
    ("GD", "玻璃推拉门 Glass sliding door", 258000),
)
DOOR_SIZES = (("2000x800", 0), ("2100x900", 20000), ("2200x1000", 40000))
DOOR_FINISHES = (("OAK", "原木橡木 Natural oak", 0), ("WAL", "胡桃木 Walnut", 30000),
                 ("WHT", "白色混油 White lacquer", 10000))  # fmt: skip
MATERIALS = (  # code, name, unit, cost
    ("RM-OAK", "橡木板材 Oak board", "m2", 28000),
    ("RM-WAL", "胡桃木皮 Walnut veneer", "m2", 16000),
    ("RM-MDF", "中密度板芯 MDF core", "pcs", 9000),
    ("RM-HINGE", "不锈钢合页 Stainless hinge", "pcs", 1800),
    ("RM-LOCK", "静音门锁 Silent lock", "set", 8800),
    ("RM-LACQ", "环保木器漆 Wood lacquer", "kg", 6500),
    ("RM-GLASS", "钢化玻璃 Tempered glass", "m2", 12000),
    ("RM-LED", "LED光源板 LED board", "pcs", 3500),
    ("RM-DRV", "LED驱动电源 LED driver", "pcs", 4200),
    ("RM-CRYS", "水晶挂件 Crystal drops", "set", 26000),
    ("RM-FRAME", "灯体框架 Lamp frame", "pcs", 15000),
)
ROUTES = (  # name, product line, capacity, stages (name, planned days)
    ("木门生产线 Door line", "doors", 12,
     (("备料 materials", 1), ("开料 cutting", 1), ("组装 assembly", 2), ("涂装 finishing", 2),
      ("质检 quality check", 1), ("入库 stock-in", 1))),
    ("灯具定制线 Lamp line", "lighting", 20,
     (("备料 materials", 1), ("组装 assembly", 2), ("接线 wiring", 1), ("老化测试 burn-in", 1),
      ("质检 quality check", 1), ("入库 stock-in", 1))),
)  # fmt: skip
# Group prices as percent of list, with quantity breaks (min qty, percent).
GROUP_PRICES = {
    "wholesale": ((1, 88), (10, 82), (50, 76)),
    "dealer": ((1, 80), (20, 74), (100, 70)),
    "key_account": ((1, 85), (50, 78)),
}
DOOR_GROUP_PRICES = {"dealer": ((1, 85), (10, 80)), "key_account": ((1, 82), (10, 78))}
# Carriers: code, name, kind, pattern, cod, per region (first g, first, per kg, min, fragile, days).
CARRIERS = (
    ("SF", "顺丰速运 SF Express", "express", r"^SF\d{12}$", True,
     {"East": (1000, 1200, 300, 1200, 1000, 1), "South": (1000, 1800, 500, 1800, 1000, 2),
      "West": (1000, 2200, 700, 2200, 1000, 3), "North": (1000, 2000, 600, 2000, 1000, 2),
      "Central": (1000, 1800, 500, 1800, 1000, 2)}),
    ("ZTO", "中通快递 ZTO Express", "express", r"^\d{12}$", True,
     {"*": (1000, 800, 250, 800, 800, 3), "West": (1000, 1000, 400, 1000, 800, 4)}),
    ("DEPPON", "德邦物流 Deppon Freight", "freight", r"^DPK\d{12}$", False,
     {"*": (30000, 6000, 180, 6000, 3000, 4), "East": (30000, 4500, 120, 4500, 3000, 2)}),
    # The own vans run local routes around the factory (East) only, at the cost of a run:
    # cheaper than a courier for heavy water, dearer for one lamp.
    ("VAN", "自有货车 Own van", "own_van", r"^VAN\d{8}$", True,
     {"East": (100000, 3000, 0, 3000, 0, 1)}),
)  # fmt: skip
TERMS_BY_GROUP = {
    "retail": (("COD", 70), ("PREPAID", 30)),
    "wholesale": (("NET30", 60), ("COD", 25), ("PREPAID", 15)),
    "dealer": (("EOM30", 55), ("PREPAID", 30), ("NET30", 15)),
    "key_account": (("NET30", 50), ("EOM30", 50)),
}


@dataclass(frozen=True)
class ProductInfo:
    id: int
    code: str
    line: str
    description: str
    list_price_minor: int
    tax_rate_bp: int
    made_to_order: bool
    weight_g: int
    fragile: bool
    priced: PricedProduct  # what the pricing engine needs


@dataclass
class Catalog:
    """What the order simulator needs to know about products, stock and carriers."""

    products: list[ProductInfo]
    by_line: dict[str, list[ProductInfo]]
    # (group, product id) -> [(min qty, unit price)], highest min qty first
    prices: dict[tuple[str, int], list[tuple[int, int]]]
    warehouses: list[tuple[int, str, str]]  # id, code, region (by allocation rank)
    carriers: dict[str, tuple[int, str]]  # code -> (id, kind)
    rates: dict[tuple[int, str], tuple[int, int, int, int, int, int]]
    routes: dict[str, tuple[int, list[tuple[int, str, int]]]]  # line -> (id, stages)
    bom: dict[int, list[tuple[int, int]]]  # product id -> [(material id, qty per)]
    settings: CompanySettings
    promotions: list[tuple[PromotionInfo, date, date]] = field(default_factory=list)
    _books: dict[tuple[str, tuple[int, ...]], PriceBook] = field(default_factory=dict)

    def price_book(self, group: str, on: date) -> PriceBook:
        """``pricing.load_price_book`` from memory: group prices and promotions valid ``on``."""
        promos = tuple(p for p, start, end in self.promotions if start <= on <= end)
        key = (group, tuple(p.id for p in promos))
        book = self._books.get(key)
        if book is None:
            prices = {pid: v for (g, pid), v in self.prices.items() if g == group}
            book = self._books[key] = PriceBook(prices, promos)
        return book

    def warehouse_for(self, region: str) -> tuple[int, str]:
        for wid, _code, wregion in self.warehouses:
            if wregion == region:
                return wid, f"customer region {region}"
        wid, code, _ = self.warehouses[0]
        return wid, f"no warehouse in {region or 'region'}: {code} by rank"

    def rate(self, carrier_id: int, region: str) -> tuple[int, int, int, int, int, int] | None:
        return self.rates.get((carrier_id, region)) or self.rates.get((carrier_id, "*"))


@dataclass(frozen=True)
class CustomerInfo:
    id: int
    code: str
    name: str
    group: str
    region: str
    terms: str
    policy: str
    credit_hold: bool
    profile: str  # home_water, office_water, retail, dealer, builder, hotel
    phone: str
    address_id: int | None
    contact: str
    address_text: str


@dataclass(frozen=True)
class DemoSummary:
    customers: int
    products: int
    warehouses: int
    orders: int
    order_lines: int
    order_events: int
    allocations: int
    production_orders: int
    shipments: int
    invoices: int
    payments: int
    returns: int
    stock_moves: int


# --------------------------------------------------------------------------- helpers


def _sqlite_value(value: Any) -> Any:
    """What SQLAlchemy's SQLite types store: naive UTC text for datetimes, ISO dates."""
    if isinstance(value, datetime):
        if value.tzinfo is not UTC:
            value = value.astimezone(UTC)
        return (f"{value.year:04d}-{value.month:02d}-{value.day:02d} {value.hour:02d}:"
                f"{value.minute:02d}:{value.second:02d}.{value.microsecond:06d}")  # fmt: skip
    if isinstance(value, date):
        return value.isoformat()
    return value


def bulk_insert(session: Session, model: type[SQLModel], rows: Sequence[Row]) -> None:
    """Insert plain rows (all with the same keys) in one go, in the session's transaction.

    SQLite: the driver's ``executemany`` with values converted as SQLAlchemy's types
    would store them. PostgreSQL: ``COPY ... FROM STDIN`` (psycopg 3). Others: Core
    ``insert`` executemany. Several times faster than Core for millions of rows.
    """
    if not rows:
        return
    table = model.__table__  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect.name
    columns = list(rows[0])
    if dialect not in ("sqlite", "postgresql"):
        session.execute(insert(table), list(rows))
        return
    raw = session.connection().connection.driver_connection
    names = ", ".join(f'"{c}"' for c in columns)
    pick = itemgetter(*columns) if len(columns) > 1 else (lambda r: (r[columns[0]],))
    if dialect == "sqlite":
        temporal = [i for i, c in enumerate(columns) if _is_temporal(table.c[c].type)]
        values: list[Any] = []
        for r in rows:
            v = list(pick(r))
            for i in temporal:
                v[i] = _sqlite_value(v[i])
            values.append(v)
        marks = ", ".join("?" * len(columns))
        raw.executemany(f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', values)
        return
    with raw.cursor() as cur, cur.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for r in rows:
            copy.write_row(pick(r))


def _is_temporal(sa_type: Any) -> bool:
    if isinstance(sa_type, TypeDecorator):
        sa_type = sa_type.impl_instance
    try:
        return issubclass(sa_type.python_type, date)
    except NotImplementedError:
        return False


class IdAllocator:
    """Precomputed primary keys: max(id) + 1 onwards, per table, inside the write transaction."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._next: dict[str, int] = {}

    def take(self, model: type[SQLModel], count: int = 1) -> int:
        """The first of ``count`` consecutive new ids."""
        table = model.__table__  # type: ignore[attr-defined]
        if table.name not in self._next:
            top = self._session.execute(select(func.max(table.c.id))).scalar()
            self._next[table.name] = (top or 0) + 1
        first = self._next[table.name]
        self._next[table.name] = first + count
        return first

    def used(self) -> list[str]:
        return list(self._next)


def fix_sequences(session: Session, tables: Iterable[str]) -> None:
    """PostgreSQL: move each serial id sequence past the ids inserted explicitly."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for name in tables:
        session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"
        ))  # fmt: skip


def _ean13(body12: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body12))
    return body12 + str((10 - total % 10) % 10)


def _weighted(rng: random.Random, pairs: Sequence[tuple[Any, float]]) -> Any:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _mobile(rng: random.Random) -> str:
    prefix = rng.choice(
        (
            "138",
            "139",
            "136",
            "137",
            "135",
            "150",
            "151",
            "158",
            "159",
            "186",
            "187",
            "188",
            "189",
            "133",
            "130",
            "131",
            "155",
            "156",
            "185",
            "180",
        )
    )
    rest = f"{rng.randrange(10**8):08d}"
    style = rng.random()
    if style < 0.45:
        return f"{prefix} {rest[:4]} {rest[4:]}"
    if style < 0.8:
        return prefix + rest
    if style < 0.92:
        return f"{prefix}-{rest[:4]}-{rest[4:]}"
    return f"+86 {prefix} {rest[:4]} {rest[4:]}"


def _landline(rng: random.Random, area: str) -> str:
    n = 8 if len(area) <= 3 else 7 + rng.randrange(2)
    body = str(rng.randrange(2, 9)) + "".join(str(rng.randrange(10)) for _ in range(n - 1))
    return f"{area}-{body[:4]} {body[4:]}" if rng.random() < 0.6 else f"({area}) {body}"


def _person_name(rng: random.Random) -> str:
    surname = rng.choice(SURNAMES)
    r = rng.random()
    if r < 0.7:
        return surname + rng.choice(GIVEN)
    if r < 0.9:
        given = rng.choice(GIVEN)
        return f"{surname}{given} {rng.choice(ENGLISH)} {PINYIN[surname]}"
    return f"{rng.choice(ENGLISH)} {PINYIN[surname]}"


def _due_on(terms: str, issued: date) -> date:
    return due_dates(terms, issued)[0]  # the demo's terms have one due date each


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
            tax: int = 1300) -> None:  # fmt: skip
        products.append({
            "id": ids.take(Product), "code": code,
            "barcode": _ean13(f"692{next(barcode) + 100_000_000:09d}"), "name": name,
            "product_line": line, "model": model, "colour": colour, "spec": spec, "unit": unit,
            "list_price_minor": price, "cost_minor": cost, "deposit_minor": deposit,
            "tax_rate_bp": tax, "weight_g": weight, "volume_cm3": volume, "fragile": fragile,
            "made_to_order": mto, "active": True, "created_at": created,
        })  # fmt: skip

    for model, name, watts, base, weight, mto in LIGHTING:
        colours = COLOURS[:1] if mto else COLOURS if base > 10000 else COLOURS[:2]
        for watt in watts:
            for ccode, cname in colours:
                price = base + (watt - watts[0]) * (base // 60) // 100 * 100
                add(f"L-{model[3:]}-{watt}W-{ccode}", name, "lighting", model=model,
                    colour=cname, spec=f"{watt}W 4000K", price=price, cost=price * 45 // 100,
                    weight=weight, volume=weight * 4, fragile=True, mto=mto)  # fmt: skip
    for code, name, unit, price, deposit, weight, volume in WATER:
        add(code, name, "water", spec=name.split()[1], unit=unit, price=price,
            cost=price * 35 // 100, deposit=deposit, weight=weight, volume=volume)  # fmt: skip
    for tcode, tname, base in DOOR_TYPES:
        for size, sextra in DOOR_SIZES:
            for fcode, fname, fextra in DOOR_FINISHES:
                price = base + sextra + fextra
                add(f"D-{tcode}-{size.replace('x', '')}-{fcode}", tname, "doors",
                    model=tcode, colour=fname, spec=f"{size}mm {fname.split()[0]}", price=price,
                    cost=price * 55 // 100, weight=45000 if tcode != "CD" else 32000,
                    volume=220 * 100 * 5, fragile=tcode == "GD", mto=True)  # fmt: skip
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


# --------------------------------------------------------------------------- customers

_PROFILES = {  # group -> [(profile, weight)]
    "retail": (("home_water", 30), ("retail", 60), ("builder", 10)),
    "wholesale": (("office_water", 35), ("retail", 35), ("builder", 30)),
    "dealer": (("dealer", 80), ("office_water", 20)),
    "key_account": (("builder", 50), ("hotel", 50)),
}


def build_customers(
    session: Session, rng: random.Random, ids: IdAllocator, count: int, start: date
) -> list[CustomerInfo]:
    """``count`` customers with a phone or two and a default ship-to address each."""
    codes = take_numbers(session, "C", 0, count)
    first_id = ids.take(Customer, count)
    created = datetime.combine(start, time(2, 0), UTC)
    customers, phones, addresses, infos = [], [], [], []
    used_digits: set[str] = set()
    regions = list(REGION_WEIGHTS)
    region_w = list(REGION_WEIGHTS.values())
    for i in range(count):
        cid = first_id + i
        code = "C" + codes[i].rsplit("-", 1)[1]
        group = _weighted(rng, (("retail", 60), ("wholesale", 15), ("dealer", 15),
                                ("key_account", 10)))  # fmt: skip
        profile = _weighted(rng, _PROFILES[group])
        region = rng.choices(regions, weights=region_w)[0]
        province, city, districts, postcode, area = rng.choice(REGIONS[region])
        district = rng.choice(districts)
        person = _person_name(rng)
        if group == "retail" or (profile == "home_water"):
            name, label = person, "home"
        else:
            kind = "office" if profile == "office_water" else group
            brand, brand_en = rng.choice(BRANDS)
            cn, en = rng.choice(COMPANY_KINDS[kind])
            name = f"{city[:-1] if city.endswith('市') else city}{brand}{cn}"
            if rng.random() < 0.35:
                name += f" {brand_en} {en}"
            label = "office"
        if name in {c["name"] for c in customers[-50:]}:
            name = f"{name} ({district})"
        terms = _weighted(rng, TERMS_BY_GROUP[group])
        tier = _weighted(rng, (("A", 10), ("B", 25), ("C", 45), ("D", 20)))
        limit = {"retail": 0, "wholesale": rng.randrange(5, 21) * 1_000_000,
                 "dealer": rng.randrange(10, 51) * 1_000_000,
                 "key_account": rng.randrange(50, 201) * 1_000_000}[group]  # fmt: skip
        if terms in ("COD", "PREPAID") and group != "retail":
            limit //= 2
        hold = group != "retail" and rng.random() < 0.06
        customers.append({
            "id": cid, "code": code, "name": name, "group": group, "tier": tier,
            "region": region, "credit_limit_minor": limit, "payment_terms": terms,
            "shipping_policy": "complete" if profile == "builder" and rng.random() < 0.5
            else "partial",
            "credit_hold": hold,
            "credit_hold_reason": "逾期账款超过60天 invoices overdue > 60 days" if hold else "",
            "email": f"{code.lower()}@example.cn" if label == "office" else "",
            "notes": "", "active": True, "created_at": created,
        })  # fmt: skip
        numbers = [(_mobile(rng), "mobile")]
        if label == "office":
            numbers.insert(0, (_landline(rng, area), "office"))
        elif rng.random() < 0.15:
            numbers.append((_mobile(rng), "mobile"))
        primary = ""
        for n, (number, plabel) in enumerate(numbers):
            digits = normalise_phone(number)
            if digits in used_digits:
                continue
            used_digits.add(digits)
            phones.append({"id": ids.take(CustomerPhone), "customer_id": cid, "number": number,
                           "digits": digits, "label": plabel, "is_primary": n == 0})  # fmt: skip
            primary = primary or number
        street = f"{rng.choice(STREETS)}{rng.randrange(1, 999)}号"
        if rng.random() < 0.6:
            street += f"{rng.randrange(1, 30)}幢{rng.randrange(1, 30)}0{rng.randrange(1, 9)}室"
        contact = person if label == "office" else name
        aid = ids.take(CustomerAddress)
        addresses.append({
            "id": aid, "customer_id": cid, "label": label, "contact_name": contact,
            "phone": numbers[-1][0], "province": province, "region": region, "city": city,
            "district": district,
            "street": street, "postcode": postcode, "is_default": True,
        })  # fmt: skip
        infos.append(CustomerInfo(
            cid, code, name, group, region, terms, customers[-1]["shipping_policy"], hold,
            profile, numbers[-1][0], aid, contact, " ".join((province, city, district, street)),
        ))  # fmt: skip
    bulk_insert(session, Customer, customers)
    bulk_insert(session, CustomerPhone, phones)
    bulk_insert(session, CustomerAddress, addresses)
    return infos


_PROFILE_BY_GROUP = {"retail": "retail", "wholesale": "retail", "dealer": "dealer",
                     "key_account": "builder"}  # fmt: skip


def load_customers(session: Session) -> list[CustomerInfo]:
    """Customers already in the database, with their default address and a phone."""
    addr: dict[int, CustomerAddress] = {}
    for a in session.execute(
        select(CustomerAddress).order_by(CustomerAddress.is_default, CustomerAddress.id)
    ).scalars():
        addr[a.customer_id] = a  # the default (or the newest) wins
    phone: dict[int, str] = {}
    for p in session.execute(select(CustomerPhone).order_by(CustomerPhone.is_primary)).scalars():
        phone[p.customer_id] = p.number
    infos = []
    for c in session.execute(
        select(Customer).where(Customer.active).order_by(Customer.id)
    ).scalars():
        a = addr.get(c.id)
        text_ = address_text(a) if a else ""
        profile = _PROFILE_BY_GROUP.get(c.group, "retail")
        if c.email == "" and c.group == "retail" and c.id % 3 == 0:
            profile = "home_water"
        infos.append(CustomerInfo(
            c.id, c.code, c.name, c.group, c.region, c.payment_terms, c.shipping_policy,
            c.credit_hold, profile, phone.get(c.id, ""), a.id if a else None,
            (a.contact_name if a else "") or c.name, text_,
        ))  # fmt: skip
    return infos


# --------------------------------------------------------------------------- order simulation

# Final status weights by order age in days: (max age, weights).
AGE_WEIGHTS: tuple[tuple[float, dict[S, float]], ...] = (
    (2, {S.DRAFT: 8, S.PENDING_AUDIT: 22, S.ON_HOLD: 5, S.APPROVED: 10, S.ALLOCATED: 10,
         S.PARTIALLY_BACKORDERED: 4, S.BACKORDERED: 4, S.IN_PRODUCTION: 4, S.READY_TO_SHIP: 10,
         S.PARTIALLY_SHIPPED: 3, S.SHIPPED: 10, S.CANCELLED: 3, S.REJECTED: 2}),
    (14, {S.DRAFT: 1, S.PENDING_AUDIT: 2, S.ON_HOLD: 2, S.APPROVED: 2, S.ALLOCATED: 4,
          S.PARTIALLY_BACKORDERED: 3, S.BACKORDERED: 4, S.IN_PRODUCTION: 10, S.READY_TO_SHIP: 6,
          S.PARTIALLY_SHIPPED: 4, S.SHIPPED: 18, S.DELIVERED: 28, S.CLOSED: 8, S.CANCELLED: 4,
          S.REJECTED: 2, S.RETURNED: 1}),
    (45, {S.BACKORDERED: 1, S.IN_PRODUCTION: 3, S.SHIPPED: 2, S.DELIVERED: 25, S.CLOSED: 57,
          S.RETURNED: 2, S.CANCELLED: 5, S.REJECTED: 2, S.DRAFT: 0.5}),
    (10_000, {S.DELIVERED: 4, S.CLOSED: 82, S.RETURNED: 3, S.CANCELLED: 6, S.REJECTED: 3}),
)  # fmt: skip
_AGE_TABLES = [(limit, list(w), list(w.values())) for limit, w in AGE_WEIGHTS]
SHIPPED_OR_LATER = frozenset({S.PARTIALLY_SHIPPED, S.SHIPPED, S.DELIVERED, S.CLOSED, S.RETURNED})
_NEEDS_MTO = frozenset({S.IN_PRODUCTION})
_NO_MTO = frozenset({S.ALLOCATED, S.PARTIALLY_BACKORDERED, S.BACKORDERED})

HOLD_REASONS = ("客户信用冻结 customer on credit hold", "超出信用额度 over credit limit",
                "地址待确认 address to confirm",
                "价格待审批 price override to approve")  # fmt: skip
REJECT_REASONS = ("重复订单 duplicate order", "客户取消意向 customer withdrew",
                  "价格不符 price not agreed")  # fmt: skip
CANCEL_REASONS = ("客户取消 customer cancelled", "缺货太久 backorder too long",
                  "改下新单 replaced by a new order")  # fmt: skip
RETURN_REASONS = ("运输破损 damaged in transit", "尺寸不符 wrong size",
                  "颜色不符 wrong colour", "质量问题 quality issue")  # fmt: skip
SENDBACK_REASONS = ("地址不全 address incomplete", "数量有误 quantity to check")


def pick_status(rng: random.Random, age_days: float) -> S:
    for limit, statuses, weights in _AGE_TABLES:
        if age_days < limit:
            return rng.choices(statuses, weights=weights)[0]
    raise AssertionError("unreachable")


def status_path(rng: random.Random, final: S, has_mto: bool) -> list[tuple[S, str]]:
    """A legal walk of the state machine from draft to ``final``: [(status, reason)]."""
    p: list[tuple[S, str]] = [(S.DRAFT, "created")]
    if final is S.DRAFT:
        if rng.random() < 0.3:
            p += [(S.PENDING_AUDIT, "submitted"), (S.DRAFT, rng.choice(SENDBACK_REASONS))]
        return p
    if final is S.CANCELLED:
        before = _weighted(rng, ((S.DRAFT, 3), (S.PENDING_AUDIT, 3), (S.ON_HOLD, 2),
                                 (S.APPROVED, 2), (S.BACKORDERED, 1)))  # fmt: skip
        if has_mto and before is S.BACKORDERED:
            before = S.APPROVED
        p = status_path(rng, before, has_mto) if before is not S.DRAFT else p
        return p + [(S.CANCELLED, rng.choice(CANCEL_REASONS))]
    p.append((S.PENDING_AUDIT, "submitted"))
    if rng.random() < 0.05:
        p += [(S.DRAFT, rng.choice(SENDBACK_REASONS)), (S.PENDING_AUDIT, "resubmitted")]
    if final is S.PENDING_AUDIT:
        return p
    if final is S.REJECTED:
        return p + [(S.REJECTED, rng.choice(REJECT_REASONS))]
    if final is S.ON_HOLD:
        return p + [(S.ON_HOLD, rng.choice(HOLD_REASONS))]
    if rng.random() < 0.08:
        p.append((S.ON_HOLD, rng.choice(HOLD_REASONS)))
    p.append((S.APPROVED, "approved"))
    if final is S.APPROVED:
        return p
    if final is S.ALLOCATED:
        if rng.random() < 0.2:
            p.append((S.BACKORDERED, "no stock"))
        return p + [(S.ALLOCATED, "stock reserved")]
    if final is S.PARTIALLY_BACKORDERED:
        return p + [(S.PARTIALLY_BACKORDERED, "part of the stock reserved")]
    if final is S.BACKORDERED:
        return p + [(S.BACKORDERED, "no stock")]
    if has_mto:
        p.append((S.IN_PRODUCTION, "production ordered"))
        if final is S.IN_PRODUCTION:
            return p
        p.append((S.READY_TO_SHIP, "production done, stock reserved"))
    else:
        r = rng.random()
        if r < 0.1:
            p += [(S.BACKORDERED, "no stock"), (S.ALLOCATED, "stock received and reserved")]
        elif r < 0.18:
            p += [(S.PARTIALLY_BACKORDERED, "part of the stock reserved"),
                  (S.ALLOCATED, "rest of the stock reserved")]  # fmt: skip
        else:
            p.append((S.ALLOCATED, "stock reserved"))
        p.append((S.READY_TO_SHIP, "picked and packed"))
    if final is S.READY_TO_SHIP:
        return p
    if final is S.PARTIALLY_SHIPPED:
        return p + [(S.PARTIALLY_SHIPPED, "first part shipped")]
    if rng.random() < 0.1:
        p.append((S.PARTIALLY_SHIPPED, "first part shipped"))
    p.append((S.SHIPPED, "shipped"))
    if final is S.SHIPPED:
        return p
    p.append((S.DELIVERED, "delivered"))
    if final is S.DELIVERED:
        return p
    if final is S.CLOSED:
        return p + [(S.CLOSED, "paid in full")]
    if rng.random() < 0.3:
        p.append((S.CLOSED, "paid in full"))
    return p + [(S.RETURNED, rng.choice(RETURN_REASONS))]


_STEP_HOURS: dict[S, tuple[float, float]] = {
    S.DRAFT: (0.1, 4), S.PENDING_AUDIT: (0.05, 1), S.ON_HOLD: (1, 30), S.APPROVED: (0.3, 8),
    S.REJECTED: (0.3, 8), S.ALLOCATED: (0.5, 20), S.PARTIALLY_BACKORDERED: (0.5, 12),
    S.BACKORDERED: (0.5, 12), S.IN_PRODUCTION: (1, 24), S.READY_TO_SHIP: (4, 30),
    S.PARTIALLY_SHIPPED: (2, 24), S.SHIPPED: (2, 36), S.DELIVERED: (20, 90),
    S.CLOSED: (48, 900), S.RETURNED: (48, 400), S.CANCELLED: (1, 72),
}  # fmt: skip
_ACTOR_ROLE = {S.PENDING_AUDIT: "clerk", S.DRAFT: "auditor", S.APPROVED: "auditor",
               S.REJECTED: "auditor", S.ON_HOLD: "auditor", S.CLOSED: "chen.jing",
               S.CANCELLED: "clerk", S.RETURNED: "clerk", S.DELIVERED: "zhang.wei"}  # fmt: skip


def _timeline(rng: random.Random, path: Sequence[tuple[S, str]], created: datetime,
              now: datetime, production_days: int) -> list[datetime]:  # fmt: skip
    """Strictly increasing times for the path, the first at ``created``, all before ``now``."""
    gaps = []
    for status, _ in path[1:]:
        lo, hi = _STEP_HOURS[status]
        hours = rng.uniform(lo, hi)
        if status is S.READY_TO_SHIP and production_days:
            hours += production_days * 24
        gaps.append(hours * 3600)
    avail = (now - created).total_seconds() - 60
    total = sum(gaps)
    if total > avail:
        factor = avail / total
        gaps = [g * factor for g in gaps]
    times = [created]
    for g in gaps:
        times.append(times[-1] + timedelta(seconds=max(1, int(g))))
    return times


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
        first_line = self.ids.take(OrderLine, len(picks))
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
                "id": first_line + no - 1, "order_id": oid, "line_no": no,
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
        first_event = self.ids.take(OrderEvent, len(events))
        self.rows[OrderEvent].extend(
            {"id": first_event + i, "order_id": oid, "at": t,
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
            "status": "done" if done else "in_progress", "current_stage_seq": current,
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
                "carrier_id": carrier_id, "status": "delivered" if delivered else "shipped",
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
            events = [(t, "揽收 picked up", "")]
            if delivered:
                mid = t + (delivered - t) / 2
                events += [(mid, "运输中 in transit", ""), (delivered, "已签收 delivered", "")]
            elif self.now - t > timedelta(hours=6):
                events.append((t + timedelta(hours=rng.randint(3, 6)), "运输中 in transit", ""))
            for et, status, note in events:
                self.rows[TrackingEvent].append({
                    "id": self.ids.take(TrackingEvent), "shipment_id": sid, "at": et,
                    "status": status, "location": customer.address_text.split(" ")[1]
                    if status.endswith("delivered") and " " in customer.address_text else "",
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
                "status": "open", "created_by": "chen.jing", "created_at": t,
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
            inv["status"] = "paid" if inv["paid_minor"] == inv["amount_minor"] else "open"
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
               "status": "requested" if requested else "refunded",
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
            "issued_on": when.date(), "due_on": when.date(), "status": "open",
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
            "status": "open", "created_by": "chen.jing", "created_at": shipped_at,
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


# --------------------------------------------------------------------------- seeding


def _plan_orders(rng: random.Random, customers: list[CustomerInfo], now: datetime,
                 count: int) -> list[tuple[datetime, CustomerInfo, S | None, bool]]:  # fmt: skip
    """When and for whom: standing water deliveries every one or two weeks, the rest random."""
    plan: list[tuple[datetime, CustomerInfo, S | None, bool]] = []
    start = now - timedelta(days=365)
    water = [c for c in customers if c.profile in ("home_water", "office_water")]
    standing = water[: max(1, count // 75)] if water else []
    for c in standing:
        every = rng.choice((7, 14, 14))
        t = start + timedelta(days=rng.uniform(0, every), hours=rng.uniform(8, 10))
        while t < now - timedelta(hours=2) and len(plan) < count // 3:
            plan.append((t, c, None, True))
            t += timedelta(days=every, minutes=rng.randint(-90, 90))
    weights = [{"key_account": 3, "dealer": 4, "wholesale": 3}.get(c.group, 1) for c in customers]
    while len(plan) < count:
        # more orders lately: a gently rising year
        age = 365 * (1 - rng.random() ** 0.8)
        t = now - timedelta(days=age)
        if t > now - timedelta(hours=1):
            t = now - timedelta(hours=1, minutes=rng.randint(0, 600))
        plan.append((t.replace(microsecond=0), rng.choices(customers, weights=weights)[0],
                     None, False))  # fmt: skip
    plan.sort(key=lambda p: p[0])
    # Every status at least twice: force statuses on recent orders (recent fits them all).
    # (placed within the last two days, where every status is plausible)
    recent = [i for i, p in enumerate(plan) if not p[3]][::-1]
    for n, status in enumerate(list(S) * 2):
        if n >= len(recent):
            break
        i = recent[n]
        t = plan[i][0]
        if now - t > timedelta(days=2):
            t = now - timedelta(hours=rng.uniform(2, 47), seconds=rng.randint(0, 59))
        plan[i] = (t.replace(microsecond=0), plan[i][1], status, False)
    plan.sort(key=lambda p: p[0])
    return plan


def _now_for(today: date | None) -> datetime:
    if today is None:
        return datetime.now(UTC).replace(microsecond=0)
    return datetime.combine(today, time(0, 0), UTC)


def seed_reference(
    session: Session,
    rng: random.Random,
    ids: IdAllocator,
    actor: str,
    customers: int,
    now: datetime,
) -> tuple[Catalog, list[CustomerInfo]]:
    """Settings, users, catalog and customers (the part of the demo without orders)."""
    start = (now - timedelta(days=400)).date()
    write_settings(session, actor)
    write_users(session, actor)
    catalog = build_catalog(session, rng, ids, start)
    people = build_customers(session, rng, ids, customers, start)
    return catalog, people


def stock_rows(session: Session, catalog: Catalog, ids: IdAllocator, rng: random.Random,
               moves: dict[tuple[int, int], int], reserved: dict[tuple[int, int], int],
               opened: datetime, actor: str) -> tuple[list[Row], list[Row]]:  # fmt: skip
    """Opening receipts that cover every later issue, and the stock levels that result."""
    levels, receipts = [], []
    keys: set[tuple[int, int]] = set(moves) | set(reserved)
    factory = catalog.warehouses[0][0]
    for p in catalog.products:
        if p.made_to_order:
            keys.add((p.id, factory))
        elif p.line == "materials":
            keys.add((p.id, factory))
        else:
            keys.update((p.id, w) for w, _, _ in catalog.warehouses)
    mto = {p.id for p in catalog.products if p.made_to_order}
    for key in sorted(keys):
        pid, wid = key
        out = moves.get(key, 0)
        receipt = 0
        if pid not in mto:
            # enough for every issue at any time (all receipts come first) plus a buffer
            receipt = max(0, -out) + reserved.get(key, 0) + rng.randint(20, 300)
            receipts.append({
                "id": ids.take(StockMove), "product_id": pid, "warehouse_id": wid,
                "qty": receipt, "kind": "receipt", "reference": f"GRN-{opened:%Y}-{pid:04d}{wid}",
                "order_id": None, "reason": "opening stock", "actor": actor,
                "created_at": opened,
            })  # fmt: skip
        levels.append({
            "id": ids.take(StockLevel), "product_id": pid, "warehouse_id": wid,
            "on_hand": receipt + out, "reserved": reserved.get(key, 0),
            "reorder_point": 0 if pid in mto else rng.choice((10, 20, 50)),
            "bin": f"{chr(65 + pid % 6)}-{pid % 20 + 1:02d}-{wid}",
        })  # fmt: skip
    return receipts, levels


def seed_demo(db: Database, actor: str, *, seed: int = 2026, today: date | None = None,
              customers: int = 300, orders: int = 3000) -> DemoSummary:  # fmt: skip
    """Fill an empty database with the demo company and a year of orders."""
    rng = random.Random(seed)
    now = _now_for(today)
    with db.write() as session:
        if session.execute(select(func.count()).select_from(Order)).scalar():
            from ..services.platform.errors import InvalidInput

            raise InvalidInput("the database already has orders; seed the demo into an empty one")
        ids = IdAllocator(session)
        catalog, people = seed_reference(session, rng, ids, actor, customers, now)
        sim = OrderSimulator(rng, catalog, ids, actor, now, full=True)
        for created, customer, status, standing in _plan_orders(rng, people, now, orders):
            sim.add_order(customer, created, status, standing)
        sim.assign_numbers(session)
        line_product = {r["id"]: r["product_id"] for r in sim.rows[OrderLine]}
        reserved: dict[tuple[int, int], int] = defaultdict(int)
        for a in sim.rows[Allocation]:
            if a["released_at"] is None:
                reserved[(line_product[a["order_line_id"]], a["warehouse_id"])] += a["qty"]
        opened = now - timedelta(days=380)
        receipts, levels = stock_rows(session, catalog, ids, rng, sim.stock_out, reserved,
                                      opened, actor)  # fmt: skip
        counts = sim.write(session)
        bulk_insert(session, StockMove, receipts)
        bulk_insert(session, StockLevel, levels)
        fix_sequences(session, ids.used())
        n_products = len(catalog.products)
    return DemoSummary(
        customers=len(people), products=n_products, warehouses=len(catalog.warehouses),
        orders=counts["sales_order"], order_lines=counts["order_line"],
        order_events=counts["order_event"], allocations=counts["allocation"],
        production_orders=counts["production_order"], shipments=counts["shipment"],
        invoices=counts["invoice"], payments=counts["payment"], returns=counts["return_order"],
        stock_moves=counts["stock_move"] + len(receipts),
    )  # fmt: skip


__all__ = ["DemoSummary", "seed_demo", "Catalog", "CustomerInfo", "OrderSimulator",
           "IdAllocator", "bulk_insert", "fix_sequences", "build_catalog", "build_customers",
           "load_catalog", "load_customers", "seed_reference"]  # fmt: skip
