"""Two starts of one checkout at once (a replayed order request racing the first) keep one
provider order: the one stored first, which both callers then show (real threads on
PostgreSQL). Before the conditional update the second overwrote the first, and a shopper
paying the first paid for a payment we could no longer find."""

import pytest

from config.testing import race
from store.models import Order, Payment
from store.services.checkout import checkout_start
from store.tests.factories import ShopperFactory
from store.tests.factories_pay import gateway_order, stocked_variant
from store.tests.fake_gateways import razorpay_api

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_two_concurrent_starts_keep_the_first_provider_order(settings):
    with razorpay_api(settings) as razorpay:
        order, payment = gateway_order(ShopperFactory(), stocked_variant(), gateway="razorpay")
        # As if the first start had not stored its answer yet.
        Payment.objects.filter(pk=payment.pk).update(provider_order_id="", checkout_url="")
        razorpay.delay = 0.3

        started = race(2, lambda i: checkout_start(Order.objects.get(pk=order.pk)))

    payment.refresh_from_db()
    assert len(razorpay.called("POST", "/v1/orders")) == 3  # placement + the two racers
    assert payment.provider_order_id in ("order_T0002", "order_T0003")
    assert [p.provider_order_id for p in started] == [payment.provider_order_id] * 2
    assert [p.checkout_url for p in started] == [payment.checkout_url] * 2
