from .catalog import Product, Variant
from .giftcards import GiftCard
from .inventory import Code, CodeImport, SupplierOrder
from .orders import Order, OrderItem
from .payments import Payment, Refund, WebhookEvent

__all__ = [
    "Code",
    "CodeImport",
    "GiftCard",
    "Order",
    "OrderItem",
    "Payment",
    "Product",
    "Refund",
    "SupplierOrder",
    "Variant",
    "WebhookEvent",
]
