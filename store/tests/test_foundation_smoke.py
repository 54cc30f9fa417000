"""The foundation's happy path: a wallet order placed, fulfilled and captured exactly."""

from decimal import Decimal

import pytest

from store.models import Code, Order
from store.services.order_place import ItemRequest, order_place
from store.tests.factories import VariantFactory, add_codes, funded_shopper
from wallet.services.audit import wallet_audit
from wallet.tests.factories import balances

pytestmark = pytest.mark.django_db


def test_wallet_order_is_fulfilled_and_captured_exactly(django_capture_on_commit_callbacks):
    shopper = funded_shopper("30.00")
    variant = VariantFactory()
    add_codes(variant, 3)
    with django_capture_on_commit_callbacks(execute=True):
        order, created = order_place(
            user=shopper,
            items=[ItemRequest(variant=variant.pk, quantity=2)],
            payment="wallet",
            idempotency_key="k1",
        )
    order.refresh_from_db()
    assert created and order.number == f"SB-O{order.pk:06d}"
    assert order.status == Order.Status.FULFILLED
    assert balances(shopper) == {
        "available": Decimal("10.00"),
        "pending": Decimal("0.00"),
        "hold": Decimal("0.00"),
    }
    assert Code.objects.filter(status="sold", order_item__order=order).count() == 2
    assert wallet_audit() == []
