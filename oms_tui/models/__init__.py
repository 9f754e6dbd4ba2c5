"""SQLModel tables: the whole order-to-cash data model. Tables only, no behaviour."""

from .audit import OrderAudit, OrderCheck, OrderLock
from .base import utcnow
from .catalog import PriceListItem, Product, Promotion, StockLevel, StockMove, Warehouse
from .entry import OrderDraft, OrderTemplate, OrderTemplateLine
from .finance import (
    CodRemittance,
    DunningLetter,
    FollowUp,
    Invoice,
    Payment,
    PaymentAllocation,
)
from .imports import ImportProfile, ProductAlias, SalesChannel
from .orders import Allocation, NumberSequence, Order, OrderEvent, OrderLine
from .parties import (
    ChangeLog,
    Customer,
    CustomerAddress,
    CustomerNameGram,
    CustomerPhone,
    LoginSession,
    Setting,
    User,
)
from .production import (
    BomItem,
    MaterialReservation,
    ProductionOrder,
    ProductionRoute,
    ProductionStageLog,
    RouteStage,
)
from .returns import ReturnLine, ReturnOrder
from .shipping import (
    Carrier,
    CarrierRate,
    ContainerMove,
    DeliveryRun,
    DeliveryStop,
    Shipment,
    ShipmentLine,
    TrackingEvent,
)
from .stock import PurchaseReceipt, PurchaseReceiptLine, Stocktake, StocktakeCount

__all__ = [
    "Allocation",
    "BomItem",
    "Carrier",
    "ChangeLog",
    "CarrierRate",
    "CodRemittance",
    "ContainerMove",
    "Customer",
    "CustomerAddress",
    "CustomerNameGram",
    "CustomerPhone",
    "DeliveryRun",
    "DeliveryStop",
    "DunningLetter",
    "FollowUp",
    "ImportProfile",
    "Invoice",
    "MaterialReservation",
    "NumberSequence",
    "Order",
    "OrderEvent",
    "OrderAudit",
    "OrderCheck",
    "OrderDraft",
    "OrderLock",
    "OrderLine",
    "OrderTemplate",
    "OrderTemplateLine",
    "Payment",
    "PaymentAllocation",
    "PriceListItem",
    "PurchaseReceipt",
    "PurchaseReceiptLine",
    "Product",
    "ProductionOrder",
    "ProductionRoute",
    "ProductAlias",
    "ProductionStageLog",
    "Promotion",
    "ReturnLine",
    "ReturnOrder",
    "RouteStage",
    "SalesChannel",
    "LoginSession",
    "Setting",
    "Shipment",
    "ShipmentLine",
    "StockLevel",
    "StockMove",
    "Stocktake",
    "StocktakeCount",
    "TrackingEvent",
    "User",
    "Warehouse",
    "utcnow",
]
