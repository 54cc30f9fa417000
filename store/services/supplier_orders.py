"""Buying an order item's codes from the supplier (to be written: place with our item's
reference, poll, store the codes; retries never buy twice)."""

from ..models import OrderItem


def supplier_fetch(item: OrderItem) -> bool:
    """True once the item's codes are stored; False while the supplier is not ready."""
    return False
