"""A replayed gateway order whose first request died before its checkout gets one."""

import pytest

from store.models import Payment
from store.services import checkout
from store.services.order_place import ItemRequest, order_place
from store.tests.factories import ShopperFactory
from store.tests.factories_pay import stocked_variant
from store.tests.fake_gateways import razorpay_api

pytestmark = pytest.mark.django_db


def test_the_replay_starts_the_checkout_the_first_request_never_reached(settings, monkeypatch):
    shopper, variant = ShopperFactory(), stocked_variant()
    request = {
        "user": shopper,
        "items": [ItemRequest(variant=variant.pk, quantity=1)],
        "payment": "gateway",
        "gateway": "razorpay",
        "idempotency_key": "died",
    }
    with razorpay_api(settings):
        # The first request commits its order, then dies before asking for a checkout.
        monkeypatch.setattr(checkout, "checkout_start", lambda order: None)
        first, created = order_place(**request)
        monkeypatch.undo()
        assert created and Payment.objects.get(order=first).provider_order_id == ""

        again, created = order_place(**request)

    payment = Payment.objects.get(order=again)
    assert (again.pk, created) == (first.pk, False)
    assert payment.provider_order_id.startswith("order_")
    assert payment.checkout_url
