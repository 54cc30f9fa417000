"""Amounts travel in the currency's smallest unit as each provider documents it: two
decimals for most, none for zero-decimal currencies (JPY: ¥50 is 50, not 5000), three
for BHD/JOD/KWD/OMR/TND (KWD 12.34 is 12340). Before the fix every currency was sent
times 100, so a shop in yen charged a hundred times the price (and flagged the payment)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from store.gateways import GatewayError
from store.gateways.base import from_minor, to_minor
from store.gateways.razorpay import RazorpayGateway
from store.tests.factories import ProductFactory, ShopperFactory, VariantFactory, add_codes
from store.tests.factories_pay import gateway_order
from store.tests.fake_gateways import (
    razorpay_api,
    razorpay_event,
    razorpay_headers,
    stripe_api,
    stripe_event,
    stripe_headers,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [
        ("10.00", "USD", 1000),
        ("10.05", "inr", 1005),
        ("50.00", "JPY", 50),
        ("1500.00", "KRW", 1500),
        ("12.34", "KWD", 12340),
        ("0.50", "BHD", 500),
    ],
)
def test_minor_units_follow_the_currency(amount, currency, minor):
    assert to_minor(Decimal(amount), currency) == minor
    assert from_minor(minor, currency) == Decimal(amount)
    assert str(from_minor(minor, currency)) == amount


def test_an_amount_the_currency_cannot_carry_is_never_sent_and_a_third_decimal_is_kept():
    with pytest.raises(GatewayError):
        to_minor(Decimal("10.50"), "JPY")
    # KWD 12.341 is not our 12.34: it must not round into a match.
    assert from_minor(12341, "KWD") == Decimal("12.341")


def _yen_order(settings, gateway: str):
    settings.PLATFORM_CURRENCY = "JPY"
    variant = VariantFactory(product=ProductFactory(currency="JPY"), denomination=Decimal("50"))
    add_codes(variant, 2)
    return gateway_order(ShopperFactory(), variant, gateway=gateway)


def test_stripe_charges_yen_in_yen_and_a_paid_session_captures(
    client, settings, django_capture_on_commit_callbacks
):
    with stripe_api(settings) as api:
        order, payment = _yen_order(settings, "stripe")
        [call] = api.called("POST", "/v1/checkout/sessions")
        form = call.form()
        assert (
            form["line_items[0][price_data][currency]"],
            form["line_items[0][price_data][unit_amount]"],
        ) == ("jpy", "50")

        body = stripe_event("checkout.session.completed", api.complete(payment.provider_order_id))
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("store:payment-webhook", args=["stripe"]),
                body,
                content_type="application/json",
                **stripe_headers(body),
            )

    assert response.json() == {"status": "ok", "outcomes": ["captured"]}
    order.refresh_from_db()
    assert (order.status, order.flagged) == ("fulfilled", False)


def test_razorpay_orders_and_pays_yen_in_yen(client, settings, django_capture_on_commit_callbacks):
    with razorpay_api(settings) as api:
        order, payment = _yen_order(settings, "razorpay")
        [call] = api.called("POST", "/v1/orders")
        assert (call.json()["amount"], call.json()["currency"]) == (50, "JPY")
        _action, fields = RazorpayGateway().hosted_checkout(payment)
        assert fields["amount"] == "50"

        body = razorpay_event(
            "payment.captured", api.pay(payment.provider_order_id, amount=50, currency="JPY")
        )
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("store:payment-webhook", args=["razorpay"]),
                body,
                content_type="application/json",
                **razorpay_headers(body),
            )

    assert response.json() == {"status": "ok", "outcomes": ["captured"]}
    order.refresh_from_db()
    assert (order.status, order.flagged) == ("fulfilled", False)
