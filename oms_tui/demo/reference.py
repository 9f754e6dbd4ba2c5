"""The demo company's reference data (company, staff, regions, names, product lines, carriers,
terms) and the shapes the builders pass around."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..services.catalog.pricing import (
    PriceBook,
    PromotionInfo,
)
from ..services.catalog.pricing import ProductInfo as PricedProduct
from ..services.platform.settings import CompanySettings

# --------------------------------------------------------------------------- reference data

COMPANY = {
    "company_name": "明光水木实业有限公司 Mingguang Light, Water & Wood Co.",
    "currency": "CNY",
    "prices_include_tax": "true",
    "tax_rounding": "line",
    "company_address": "浙江省杭州市余杭区良渚街道明光路88号 (88 Mingguang Rd, Yuhang, Hangzhou)",
    "company_phone": "0571-8888 6600",
}

STAFF = (  # login, display name, role: one or more in each role; the OS account is admin
    ("wang.fang", "王芳 Wang Fang", "clerk"),
    ("zhao.lei", "赵磊 Zhao Lei", "clerk"),
    ("li.na", "李娜 Li Na", "auditor"),
    ("zhang.wei", "张伟 Zhang Wei", "warehouse"),
    ("chen.jing", "陈静 Chen Jing", "finance"),
    ("liu.yang", "刘洋 Liu Yang", "manager"),
    ("sun.li", "孙丽 Sun Li", "production"),
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

    def __str__(self) -> str:
        """What the demo holds, as the user reads it (``oms init --demo``, the first start)."""
        return (f"{self.customers:,} customers, {self.products:,} products in "
                f"{self.warehouses} warehouses, {self.orders:,} orders ({self.order_lines:,} "
                f"lines, {self.shipments:,} shipments, {self.invoices:,} invoices, "
                f"{self.payments:,} payments, {self.returns:,} returns, "
                f"{self.production_orders:,} production orders)")  # fmt: skip
