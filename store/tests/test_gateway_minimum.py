"""The card part of an order is never below what the provider charges at all (Stripe's
"minimum charge amount", USD 0.50; Razorpay's "The amount must be at least USD 1.00"):
the provider refuses such a checkout, and the shopper met a failed order and a 503
"could not be reached; try again" that failed again on every try. A mixed order now
holds less of the balance so the card pays the minimum; a card part that cannot reach it
is refused up front (400 below_minimum) with nothing written. Before the fix a balance of
9.80 on a 10.00 mixed order asked Stripe for a 0.20 session."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from store.models import Order
from store.tests.factories import funded_shopper
from store.tests.factories_pay import gateway_order, stocked_variant
from store.tests.fake_gateways import razorpay_api, stripe_api
from wallet.tests.factories import balances

pytestmark = pytest.mark.django_db


def test_a_mixed_order_leaves_stripe_its_minimum_charge(settings):
    shopper = funded_shopper("9.80")
    with stripe_api(settings) as stripe:
        order, payment = gateway_order(
            shopper, stocked_variant(), gateway="stripe", payment="mixed"
        )
        [call] = stripe.called("POST", "/v1/checkout/sessions")

    assert call.form()["line_items[0][price_data][unit_amount]"] == "50"
    assert (order.wallet_used, order.gateway_amount, payment.amount) == (
        Decimal("9.50"),
        Decimal("0.50"),
        Decimal("0.50"),
    )
    assert balances(shopper)["available"] == Decimal("0.30")
    assert balances(shopper)["hold"] == Decimal("9.50")


def test_a_mixed_order_leaves_razorpay_its_minimum(settings):
    shopper = funded_shopper("9.80")
    with razorpay_api(settings) as razorpay:
        order, _payment = gateway_order(
            shopper, stocked_variant(), gateway="razorpay", payment="mixed"
        )
        [call] = razorpay.called("POST", "/v1/orders")

    assert call.json()["amount"] == 100
    assert (order.wallet_used, order.gateway_amount) == (Decimal("9.00"), Decimal("1.00"))


def test_a_card_payment_under_the_minimum_is_refused_with_nothing_written(settings):
    shopper = funded_shopper("0.00")
    variant = stocked_variant(price="0.30")
    api = APIClient()
    api.force_authenticate(shopper)
    with stripe_api(settings) as stripe:
        response = api.post(
            "/api/v1/me/orders/",
            {
                "items": [{"variant": variant.pk, "quantity": 1}],
                "payment": "gateway",
                "gateway": "stripe",
                "idempotency_key": "tiny",
            },
            format="json",
        )
        assert stripe.called("POST", "/v1/checkout/sessions") == []

    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("below_minimum", "payment")
    assert Order.objects.count() == 0
