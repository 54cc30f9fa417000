"""The Stripe gateway against a local fake API: the Checkout Session it creates, the
success page that settles the payment at once, status and refunds."""

import time
from decimal import Decimal

import pytest
from django.urls import reverse

from store.gateways.stripe import StripeGateway
from store.models import WebhookEvent
from store.tests.factories import ShopperFactory
from store.tests.factories_pay import gateway_order, stocked_variant
from store.tests.fake_gateways import STRIPE_SECRET_KEY, stripe_api

pytestmark = pytest.mark.django_db


@pytest.fixture
def stripe_fake(settings):
    settings.SITE_URL = "https://savebucks.test"
    with stripe_api(settings) as api:
        yield api


def test_checkout_creates_one_session_for_the_orders_amount_in_cents(stripe_fake):
    shopper = ShopperFactory()
    order, payment = gateway_order(shopper, stocked_variant(price="25.00"), gateway="stripe")

    (call,) = stripe_fake.called("POST", "/v1/checkout/sessions")
    form = call.form()
    assert call.headers["Authorization"] == f"Bearer {STRIPE_SECRET_KEY}"
    assert call.headers["Idempotency-Key"] == f"store-checkout-{payment.pk}"
    assert {
        k: form[k]
        for k in (
            "mode",
            "line_items[0][quantity]",
            "line_items[0][price_data][unit_amount]",
            "line_items[0][price_data][currency]",
            "client_reference_id",
            "metadata[payment_id]",
            "success_url",
            "cancel_url",
        )
    } == {
        "mode": "payment",
        "line_items[0][quantity]": "1",
        "line_items[0][price_data][unit_amount]": "2500",
        "line_items[0][price_data][currency]": "usd",
        "client_reference_id": order.number,
        "metadata[payment_id]": str(payment.pk),
        "success_url": f"https://savebucks.test/gift-cards/pay/stripe/{payment.pk}/return/",
        "cancel_url": f"https://savebucks.test{order.get_absolute_url()}",
    }
    # Our reservation (30 minutes) is shorter than Stripe's minimum: the minimum, plus margin.
    assert 32 * 60 - 5 <= int(form["expires_at"]) - time.time() <= 32 * 60
    assert payment.provider_order_id == "cs_test_0001"
    assert payment.checkout_url == "https://checkout.stripe.test/c/pay/cs_test_0001"


def test_a_second_start_for_the_same_payment_is_the_same_session(stripe_fake):
    shopper = ShopperFactory()
    _, payment = gateway_order(shopper, stocked_variant(), gateway="stripe")

    again = StripeGateway().create_checkout(payment, return_url="https://savebucks.test/")

    assert again.provider_order_id == payment.provider_order_id
    assert len(stripe_fake.sessions) == 1


def test_an_unreachable_stripe_fails_the_order_at_once(settings, stripe_fake):
    stripe_fake.broken.add("/v1/checkout/sessions")
    from store.services.errors import GatewayUnavailable

    shopper = ShopperFactory()
    variant = stocked_variant()
    with pytest.raises(GatewayUnavailable):
        gateway_order(shopper, variant, gateway="stripe")

    order = shopper.store_orders.get()
    assert order.status == "failed"
    assert variant.codes.filter(status="available").count() == 3


def test_the_success_page_settles_the_payment_at_once(
    client, stripe_fake, django_capture_on_commit_callbacks
):
    shopper = ShopperFactory()
    order, payment = gateway_order(shopper, stocked_variant(), gateway="stripe")
    stripe_fake.complete(payment.provider_order_id)
    client.force_login(shopper)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("store:stripe-return", args=[payment.pk]))

    assert response.status_code == 302
    assert response["Location"] == order.get_absolute_url()
    order.refresh_from_db()
    payment.refresh_from_db()
    assert (order.status, payment.status) == ("fulfilled", "captured")
    assert WebhookEvent.objects.count() == 0  # no event: the webhook, later, is a no-op


def test_the_success_page_is_the_owners_only(client, stripe_fake):
    shopper = ShopperFactory()
    _, payment = gateway_order(shopper, stocked_variant(), gateway="stripe")
    stripe_fake.complete(payment.provider_order_id)
    client.force_login(ShopperFactory())

    response = client.get(reverse("store:stripe-return", args=[payment.pk]))

    assert response.status_code == 404
    payment.refresh_from_db()
    assert payment.status == "created"
    assert stripe_fake.called("GET", "/v1/checkout/sessions") == []


def test_status_and_refund_go_to_the_api(stripe_fake):
    shopper = ShopperFactory()
    _, payment = gateway_order(shopper, stocked_variant(), gateway="stripe")
    gateway = StripeGateway()
    assert gateway.fetch_status(payment).outcome == "pending"
    stripe_fake.sessions[payment.provider_order_id]["status"] = "expired"
    assert gateway.fetch_status(payment).outcome == "expired"
    stripe_fake.complete(payment.provider_order_id)
    status = gateway.fetch_status(payment)
    assert (status.outcome, status.amount, status.currency, status.provider_payment_id) == (
        "captured",
        Decimal("10.00"),
        "USD",
        "pi_test_0001",
    )
    payment.provider_payment_id = status.provider_payment_id

    refund_id = gateway.refund(payment, Decimal("4.50"), reference="store-refund-7")

    (call,) = stripe_fake.called("POST", "/v1/refunds")
    assert call.form() == {"payment_intent": "pi_test_0001", "amount": "450"}
    assert call.headers["Idempotency-Key"] == "store-refund-7"
    assert refund_id == "re_T0001"
