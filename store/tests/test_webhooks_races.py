"""Webhooks racing each other on real PostgreSQL, with real threads: providers deliver
the same event more than once, at the same time, and out of order."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from config.testing import race
from store.models import Code, Order, Payment, Refund, WebhookEvent
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


def test_a_capture_racing_the_expiry_release_never_deadlocks_and_settles_either_way(razorpay):
    """The webhook locks the order, then the payment; the release moves the order, then
    its payments: the same order, so they queue instead of deadlocking. Whoever wins, the
    books agree: delivered and kept, or failed with the card refunded and codes back."""
    pairs = []
    for n in range(4):
        order, payment = gateway_order(
            ShopperFactory(), stocked_variant(codes=2), gateway="razorpay", quantity=2, key=f"k{n}"
        )
        body = razorpay_event(
            "payment.captured", razorpay.pay(payment.provider_order_id, amount=2000)
        )
        pairs.append((order, payment, body))
    Order.objects.update(reserved_until=timezone.now() - timedelta(seconds=1))

    def act(i):
        if i % 2:
            return _deliver(pairs[i // 2][2], f"evt_{i // 2}").status_code
        from store.services.order_release import order_fail

        order = Order.objects.get(pk=pairs[i // 2][0].pk)
        return order_fail(order, reason="Not paid in time.")

    results = race(8, act)

    assert [r for i, r in enumerate(results) if i % 2] == [200] * 4
    assert not [r for r in results if isinstance(r, Exception)]
    for order, payment, _ in pairs:
        order.refresh_from_db()
        payment.refresh_from_db()
        codes = sorted(
            Code.objects.filter(order_item__order=order).values_list("status", flat=True)
        )
        refunds = list(Refund.objects.filter(order=order).values_list("status", "gateway_amount"))
        if order.status == "fulfilled":
            assert (payment.status, codes, refunds) == ("captured", ["sold", "sold"], [])
        else:
            assert (order.status, payment.status, codes) == ("failed", "refunded", [])
            assert refunds == [("done", Decimal("20.00"))]
    assert wallet_audit() == []
