"""The Razorpay gateway against a local fake API: the order it creates, our pay page
that posts to the hosted checkout, the signed callback, status and refunds."""

import hashlib
import hmac
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from store.gateways import GatewayError
from store.gateways.razorpay import RazorpayGateway
from store.models import Code, WebhookEvent
from store.tests.factories import ShopperFactory
from store.tests.factories_pay import gateway_order, stocked_variant
from store.tests.fake_gateways import (
    RAZORPAY_KEY_ID,
    RAZORPAY_KEY_SECRET,
    basic_auth,
    razorpay_api,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def razorpay(settings):
    settings.SITE_URL = "https://savebucks.test"
    with razorpay_api(settings) as api:
        yield api


def _signed(order_id: str, payment_id: str, secret: str = RAZORPAY_KEY_SECRET) -> dict:
    mac = hmac.new(secret.encode(), f"{order_id}|{payment_id}".encode(), hashlib.sha256)
    return {
        "razorpay_order_id": order_id,
        "razorpay_payment_id": payment_id,
        "razorpay_signature": mac.hexdigest(),
    }


def test_checkout_creates_a_razorpay_order_in_paise_with_the_order_number(razorpay):
    shopper = ShopperFactory()
    order, payment = gateway_order(
        shopper, stocked_variant(price="12.50"), gateway="razorpay", quantity=2
    )

    (call,) = razorpay.called("POST", "/v1/orders")
    assert call.headers["Authorization"] == basic_auth(RAZORPAY_KEY_ID, RAZORPAY_KEY_SECRET)
    assert call.json() == {
        "amount": 2500,
        "currency": "USD",
        "receipt": order.number,
        "notes": {"payment_id": str(payment.pk)},
    }
    assert payment.provider_order_id == "order_T0001"
    assert payment.checkout_url == f"https://savebucks.test/gift-cards/pay/razorpay/{payment.pk}/"


def test_an_unreachable_razorpay_fails_the_order_and_releases_its_codes(razorpay):
    razorpay.broken.add("/v1/orders")
    from store.services.errors import GatewayUnavailable

    shopper = ShopperFactory()
    variant = stocked_variant()
    with pytest.raises(GatewayUnavailable):
        gateway_order(shopper, variant, gateway="razorpay")

    assert shopper.store_orders.get().status == "failed"
    assert Code.objects.filter(variant=variant, status="available").count() == 3


def test_the_pay_page_posts_a_plain_form_to_the_hosted_checkout(client, razorpay):
    shopper = ShopperFactory()
    order, payment = gateway_order(shopper, stocked_variant(), gateway="razorpay")
    client.force_login(shopper)

    response = client.get(reverse("store:razorpay-pay", args=[payment.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert f'method="post" action="{razorpay.url}/v1/checkout/embedded"' in html
    form = re.search(r'<form[^>]*data-test="razorpay-form".*?</form>', html, re.S).group(0)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    assert fields == {
        "key_id": RAZORPAY_KEY_ID,
        "order_id": payment.provider_order_id,
        "amount": "1000",
        "currency": "USD",
        "name": response.context["fields"]["name"],
        "description": f"Order {order.number}",
        "prefill[email]": shopper.email,
        "callback_url": f"https://savebucks.test/gift-cards/pay/razorpay/{payment.pk}/callback/",
        "cancel_url": f"https://savebucks.test{order.get_absolute_url()}",
    }
    # No third-party script: the only scripts are our own static files.
    assert not re.search(r'<script[^>]+src="https?://', html)
    assert RAZORPAY_KEY_SECRET not in html


def test_the_pay_page_is_the_owners_only(client, razorpay):
    shopper = ShopperFactory()
    _, payment = gateway_order(shopper, stocked_variant(), gateway="razorpay")
    client.force_login(ShopperFactory())

    assert client.get(reverse("store:razorpay-pay", args=[payment.pk])).status_code == 404


def test_a_signed_callback_settles_the_payment_without_waiting_for_the_webhook(
    client, razorpay, django_capture_on_commit_callbacks
):
    shopper = ShopperFactory()
    order, payment = gateway_order(shopper, stocked_variant(), gateway="razorpay")
    attempt = razorpay.pay(payment.provider_order_id, amount=1000)

    # Razorpay posts cross-site: no session, no CSRF token; the signature is the proof.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("store:razorpay-callback", args=[payment.pk]),
            _signed(payment.provider_order_id, attempt["id"]),
        )

    assert (response.status_code, response["Location"]) == (302, order.get_absolute_url())
    assert len(razorpay.called("GET", f"/v1/orders/{payment.provider_order_id}/payments")) == 1
    order.refresh_from_db()
    payment.refresh_from_db()
    assert (order.status, payment.status, payment.provider_payment_id) == (
        "fulfilled",
        "captured",
        attempt["id"],
    )


@pytest.mark.parametrize(
    "tamper", ["wrong-secret", "other-order", "other-payment"], ids=lambda t: t
)
def test_a_callback_with_a_bad_signature_changes_nothing(client, razorpay, tamper):
    shopper = ShopperFactory()
    order, payment = gateway_order(shopper, stocked_variant(), gateway="razorpay")
    attempt = razorpay.pay(payment.provider_order_id, amount=1000)
    data = _signed(payment.provider_order_id, attempt["id"])
    if tamper == "wrong-secret":
        data = _signed(payment.provider_order_id, attempt["id"], secret="guess")
    elif tamper == "other-order":
        data = _signed("order_OTHER", attempt["id"])
    else:
        data["razorpay_payment_id"] = "pay_OTHER"

    response = client.post(reverse("store:razorpay-callback", args=[payment.pk]), data)

    assert response.status_code == 400
    assert razorpay.called("GET", "/v1/orders") == []
    order.refresh_from_db()
    payment.refresh_from_db()
    assert (order.status, payment.status) == ("pending", "created")
    assert WebhookEvent.objects.count() == 0


def test_a_callback_for_a_failed_attempt_goes_back_to_the_order(client, razorpay):
    shopper = ShopperFactory()
    order, payment = gateway_order(shopper, stocked_variant(), gateway="razorpay")

    response = client.post(
        reverse("store:razorpay-callback", args=[payment.pk]),
        {"error[code]": "BAD_REQUEST_ERROR", "error[description]": "Payment failed"},
    )

    assert (response.status_code, response["Location"]) == (302, order.get_absolute_url())
    payment.refresh_from_db()
    assert payment.status == "created"


def test_fetch_status_reads_the_orders_attempts(razorpay):
    shopper = ShopperFactory()
    _, payment = gateway_order(shopper, stocked_variant(), gateway="razorpay")
    gateway = RazorpayGateway()

    assert gateway.fetch_status(payment).outcome == "pending"
    razorpay.pay(payment.provider_order_id, amount=1000, status="failed")
    assert gateway.fetch_status(payment).outcome == "failed"
    attempt = razorpay.pay(payment.provider_order_id, amount=1000)
    status = gateway.fetch_status(payment)
    assert (status.outcome, status.amount, status.currency, status.provider_payment_id) == (
        "captured",
        Decimal("10.00"),
        "USD",
        attempt["id"],
    )
    razorpay.broken.add("/v1/orders/")
    with pytest.raises(GatewayError, match="HTTP 500"):
        gateway.fetch_status(payment)


def test_refund_posts_the_amount_in_paise_with_our_reference(razorpay):
    shopper = ShopperFactory()
    _, payment = gateway_order(shopper, stocked_variant(), gateway="razorpay")
    payment.provider_payment_id = "pay_T0001"

    refund_id = RazorpayGateway().refund(payment, Decimal("7.25"), reference="store-refund-3")

    (call,) = razorpay.called("POST", "/v1/payments/pay_T0001/refund")
    assert call.json() == {"amount": 725, "receipt": "store-refund-3"}
    assert refund_id == "rfnd_T0001"
    payment.provider_payment_id = ""
    with pytest.raises(GatewayError):
        RazorpayGateway().refund(payment, Decimal("1.00"), reference="store-refund-4")
