"""Review (rmoney): money the store must not create or give away."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from store.models import GiftCard
from store.selectors import variant_price_from
from store.services.errors import StoreRefused
from store.services.giftcards import gift_card_redeem
from store.services.order_place import ItemRequest, order_place
from store.tests.factories import (
    ProductFactory,
    SaveBucksProductFactory,
    VariantFactory,
    add_codes,
    funded_shopper,
)
from store.tests.factories_shop import range_variant, wallet_order
from wallet.models import Transaction
from wallet.services.audit import wallet_audit
from wallet.tests.factories import balances

pytestmark = pytest.mark.django_db
D = Decimal


def test_a_savebucks_card_bought_with_the_balance_earns_no_cashback_to_loop_on():
    # Cashback on our own card is money from nothing: buy a card with the balance, get
    # cashback, redeem the card into the balance, buy again.
    shopper = funded_shopper("100.00")
    product = SaveBucksProductFactory(cashback_percent=D("5.0000"))
    variant = VariantFactory(product=product, denomination=D("100.00"))

    order = wallet_order(shopper, variant)
    gift_card_redeem(user=shopper, card=GiftCard.objects.get(order_item__order=order))

    assert order.status == "fulfilled"
    assert order.cashback_amount == D("0.00")
    assert not Transaction.objects.filter(kind="store.cashback").exists()
    assert balances(shopper) == {
        "available": D("100.00"),
        "pending": D("0.00"),
        "hold": D("0.00"),
    }
    assert wallet_audit() == []


def _buy(shopper, variant, key):
    return order_place(
        user=shopper,
        items=[ItemRequest(variant=variant.pk, quantity=1)],
        payment="wallet",
        idempotency_key=key,
    )[0]


def test_the_new_account_limit_counts_every_order_of_the_first_days(settings):
    # "New accounts can order at most 50.00 in their first 7 days": not 50.00 per order.
    settings.STORE_NEW_ACCOUNT_DAYS = 7
    settings.STORE_NEW_ACCOUNT_MAX_AMOUNT = D("50.00")
    shopper = funded_shopper("100.00", date_joined=timezone.now() - timedelta(days=3))
    variant = VariantFactory(denomination=D("30.00"))
    add_codes(variant, 3)
    first = _buy(shopper, variant, "first")
    # Two days ago: outside the daily limits, inside the new-account days.
    type(first).objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(days=2))

    with pytest.raises(StoreRefused) as refused:
        _buy(shopper, variant, "second")

    assert refused.value.code == "limit_exceeded"
    assert balances(shopper)["available"] == D("70.00")
    assert wallet_audit() == []


def test_the_from_price_of_a_range_card_is_the_price_an_order_charges():
    # 1.25 at 50 % is 0.625: an order charges 0.63 (ROUND_HALF_UP), the catalog said 0.62.
    shopper = funded_shopper("10.00")
    variant = range_variant(ProductFactory(), "1.25", "10.00", "50.0000")
    add_codes(variant, 1)

    order = order_place(
        user=shopper,
        items=[ItemRequest(variant=variant.pk, quantity=1, amount=D("1.25"))],
        payment="wallet",
        idempotency_key="from-price",
    )[0]

    assert order.total == D("0.63")
    assert variant_price_from(variant) == order.total
