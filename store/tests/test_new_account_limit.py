"""A new account's cap is on what it orders in its first days, as its refusal says ("at
most USD 50.00 in their first 7 days"), not on each order: ten orders of the cap each
were all allowed, the classic first-week fraud with a stolen card."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from store.models import Order
from store.services.errors import StoreRefused
from store.services.order_place import ItemRequest, order_place
from store.tests.factories import VariantFactory, add_codes, funded_shopper

pytestmark = pytest.mark.django_db
D = Decimal


def _order(shopper, variant, key):
    return order_place(
        user=shopper,
        items=[ItemRequest(variant=variant.pk, quantity=1)],
        payment="wallet",
        idempotency_key=key,
    )


def test_a_new_account_cannot_spread_past_its_cap_over_several_orders(settings):
    settings.STORE_NEW_ACCOUNT_DAYS = 7
    settings.STORE_NEW_ACCOUNT_MAX_AMOUNT = D("50.00")
    variant = VariantFactory(denomination=D("30.00"), selling_price=D("30.00"))
    add_codes(variant, 3)
    shopper = funded_shopper("100.00", date_joined=timezone.now() - timedelta(days=1))

    _order(shopper, variant, "first")
    with pytest.raises(StoreRefused) as refused:
        _order(shopper, variant, "second")

    assert refused.value.code == "limit_exceeded"
    assert Order.objects.filter(user=shopper).count() == 1


def test_an_old_account_is_not_capped(settings):
    settings.STORE_NEW_ACCOUNT_MAX_AMOUNT = D("50.00")
    variant = VariantFactory(denomination=D("30.00"), selling_price=D("30.00"))
    add_codes(variant, 3)
    shopper = funded_shopper("100.00")

    _order(shopper, variant, "first")
    _order(shopper, variant, "second")

    assert Order.objects.filter(user=shopper).count() == 2
