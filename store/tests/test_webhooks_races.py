"""Webhooks racing each other on real PostgreSQL, with real threads: providers deliver
the same event more than once, at the same time, and out of order."""

from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from config.testing import race
from store.models import Code, Order, Payment, WebhookEvent
from store.tests.factories import ShopperFactory
from store.tests.factories_pay import gateway_order, stocked_variant
from store.tests.fake_gateways import razorpay_api, razorpay_event, razorpay_headers
from wallet.models import Account, Transaction
from wallet.services.audit import wallet_audit

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
URL = reverse("store:payment-webhook", args=["razorpay"])


@pytest.fixture
def razorpay(settings):
    with razorpay_api(settings) as api:
        yield api


def _deliver(body: bytes, event_id: str):
    return Client().post(
        URL, body, content_type="application/json", **razorpay_headers(body, event_id=event_id)
    )


def _assert_paid_once(order: Order, payment: Payment) -> None:
    order.refresh_from_db()
    payment.refresh_from_db()
    assert (order.status, payment.status) == ("fulfilled", "captured")
    assert Code.objects.filter(order_item__order=order, status="sold").count() == 2
    assert list(Transaction.objects.filter(kind="store.capture").values_list("kind")) == [
        ("store.capture",)
    ]
    assert Account.objects.get(owner=None, kind="store_sales").balance == Decimal("20.00")
    assert len(mail.outbox) == 1
    assert wallet_audit() == []


def test_the_same_event_three_times_at_once_captures_and_fulfils_once(razorpay):
    order, payment = gateway_order(
        ShopperFactory(), stocked_variant(codes=3), gateway="razorpay", quantity=2
    )
    body = razorpay_event("payment.captured", razorpay.pay(payment.provider_order_id, amount=2000))

    responses = race(3, lambda i: _deliver(body, "evt_same"))

    assert [r.status_code for r in responses] == [200] * 3
    assert sorted(r.json()["status"] for r in responses) == ["duplicate", "duplicate", "ok"]
    assert list(WebhookEvent.objects.values_list("event_id", "outcome")) == [
        ("evt_same", "captured")
    ]
    _assert_paid_once(order, payment)


def test_captured_paid_and_failed_racing_in_any_order_capture_once(razorpay):
    """payment.captured, order.paid and a late payment.failed of the same payment, each
    delivered twice, all at once: one capture, one fulfilment; the failure changes
    nothing whenever it lands."""
    order, payment = gateway_order(
        ShopperFactory(), stocked_variant(codes=3), gateway="razorpay", quantity=2
    )
    attempt = razorpay.pay(payment.provider_order_id, amount=2000)
    bodies = {
        "evt_captured": razorpay_event("payment.captured", attempt),
        "evt_paid": razorpay_event(
            "order.paid", attempt, order={"id": payment.provider_order_id, "amount_paid": 2000}
        ),
        "evt_failed": razorpay_event("payment.failed", {**attempt, "status": "failed"}),
    }
    deliveries = [event_id for event_id in bodies for _ in range(2)]

    responses = race(6, lambda i: _deliver(bodies[deliveries[i]], deliveries[i]))

    assert [r.status_code for r in responses] == [200] * 6
    assert sorted(r.json()["status"] for r in responses) == ["duplicate"] * 3 + ["ok"] * 3
    outcomes = dict(WebhookEvent.objects.values_list("event_id", "outcome"))
    assert sorted(outcomes) == ["evt_captured", "evt_failed", "evt_paid"]
    captures = [outcomes["evt_captured"], outcomes["evt_paid"]]
    assert sorted(captures) == ["already captured", "captured"]
    # A failure before the capture marks the attempt failed (the capture then wins);
    # after it, it is ignored.
    assert outcomes["evt_failed"] in ("failed", "ignored: already captured")
    _assert_paid_once(order, payment)
