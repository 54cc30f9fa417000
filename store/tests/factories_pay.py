"""Gateway orders for the payment tests: placed through the real order_place, so the
checkout really went to the (local fake) provider."""

from decimal import Decimal

from store.models import Order, Payment
from store.services.order_place import ItemRequest, order_place
from store.tests.factories import VariantFactory, add_codes


def stocked_variant(*, codes: int = 3, price: str = "10.00", **kwargs):
    variant = VariantFactory(denomination=Decimal(price), **kwargs)
    add_codes(variant, codes)
    return variant


def gateway_order(
    shopper, variant, *, gateway: str, payment: str = "gateway", quantity: int = 1, key="k1"
) -> tuple[Order, Payment]:
    order, created = order_place(
        user=shopper,
        items=[ItemRequest(variant=variant.pk, quantity=quantity)],
        payment=payment,
        gateway=gateway,
        idempotency_key=key,
    )
    assert created
    order.refresh_from_db()
    return order, order.payments.get()
