"""Shopper-side test data: range variants, delivered orders placed through order_place."""

from decimal import Decimal

from django.test import TestCase

from store.models import Order
from store.services.order_place import ItemRequest, order_place
from store.tests.factories import VariantFactory


def range_variant(product, low: str, high: str, percent: str = "100.0000"):
    return VariantFactory(
        product=product,
        denomination=None,
        selling_price=None,
        min_value=Decimal(low),
        max_value=Decimal(high),
        price_percent=Decimal(percent),
        cost_price=Decimal("0.00"),
    )


def wallet_order(shopper, variant, *, quantity: int = 1, key: str = "k1", **item) -> Order:
    """A wallet order placed and fulfilled through the real services (tasks run eagerly,
    their on_commit callbacks at once)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        order, _ = order_place(
            user=shopper,
            items=[ItemRequest(variant=variant.pk, quantity=quantity, **item)],
            payment="wallet",
            idempotency_key=key,
        )
    order.refresh_from_db()
    return order
