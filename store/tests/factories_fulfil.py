"""Test data for fulfilment, suppliers, cancels and refunds: supplier products, orders
placed through the real order_place (wallet, card or both) and paid through the real
payment service, so every amount in the ledger got there the way production puts it."""

from decimal import Decimal

import factory

from store.models import Order, Product
from store.services.order_place import ItemRequest, order_place
from store.services.payments import payment_captured

from .factories import ProductFactory, SaveBucksProductFactory, VariantFactory

D = Decimal


class SupplierProductFactory(ProductFactory):
    source = Product.Source.SUPPLIER
    supplier_product_id = factory.Sequence(lambda n: f"sup-brand-{n}")


def supplier_variant(**kwargs):
    return VariantFactory(product=SupplierProductFactory(), **kwargs)


def savebucks_variant(**kwargs):
    return VariantFactory(product=SaveBucksProductFactory(), **kwargs)


def gateway_on(settings) -> None:
    """The fake gateway (debug only) for card and mixed orders in tests."""
    settings.DEBUG = True
    settings.STORE_GATEWAYS = ["fake"]


def place(shopper, lines, *, payment="wallet", key="k1") -> Order:
    """Place an order for [(variant, quantity), …]; the order, reloaded. Run it inside
    django_capture_on_commit_callbacks(execute=True) to have it fulfilled."""
    order, _ = order_place(
        user=shopper,
        items=[ItemRequest(variant=v.pk, quantity=q) for v, q in lines],
        payment=payment,
        gateway="" if payment == "wallet" else "fake",
        idempotency_key=key,
    )
    order.refresh_from_db()
    return order


def pay(order: Order) -> Order:
    """The gateway captured the card part (as its webhook would say)."""
    payment = order.payments.get()
    payment_captured(payment, amount=payment.amount, currency=payment.currency)
    order.refresh_from_db()
    return order


def finance_staff():
    from django.contrib.auth.models import Group

    from accounts.tests.factories import StaffFactory

    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name="Finance"))
    return staff


def staff_in(role: str):
    from django.contrib.auth.models import Group

    from accounts.tests.factories import StaffFactory

    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name=role))
    return staff


def reveal(code) -> None:
    """The shopper saw the code (the reveal service's effect, which is not ours to test)."""
    from django.utils import timezone

    type(code).objects.filter(pk=code.pk).update(first_revealed_at=timezone.now(), reveal_count=1)
