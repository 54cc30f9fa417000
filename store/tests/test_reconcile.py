"""reconcile_payments: open gateway payments compared with the provider."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from store.models import Code, Order, Payment, Refund
from store.services.reconcile import reconcile_payments
from store.tests.factories import ShopperFactory, funded_shopper
from store.tests.factories_pay import gateway_order, stocked_variant
from store.tests.fake_gateways import razorpay_api, stripe_api
from wallet.services.audit import wallet_audit
from wallet.tests.factories import balances

pytestmark = pytest.mark.django_db


@pytest.fixture
def apis(settings):
    with razorpay_api(settings) as razorpay, stripe_api(settings) as stripe:
        yield razorpay, stripe


def _age(payment: Payment, minutes: int) -> None:
    Payment.objects.filter(pk=payment.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes)
    )


def test_a_payment_the_provider_says_is_paid_is_captured_and_fulfilled_once(
    apis, django_capture_on_commit_callbacks
):
    razorpay, _ = apis
    order, payment = gateway_order(ShopperFactory(), stocked_variant(), gateway="razorpay")
    razorpay.pay(payment.provider_order_id, amount=1000)
    _age(payment, 20)

    with django_capture_on_commit_callbacks(execute=True):
        first = reconcile_payments()
    with django_capture_on_commit_callbacks(execute=True):
        second = reconcile_payments()

    assert first == {"checked": 1, "captured": 1, "failed": 0, "pending": 0, "errors": 0}
    assert second == {"checked": 0, "captured": 0, "failed": 0, "pending": 0, "errors": 0}
    order.refresh_from_db()
    assert order.status == "fulfilled"
    assert Code.objects.filter(order_item__order=order, status="sold").count() == 1
    assert len(mail.outbox) == 1
    assert wallet_audit() == []


def test_a_payment_the_provider_says_failed_fails_the_order_and_releases_it(apis):
    _, stripe = apis
    shopper = funded_shopper("2.00")
    variant = stocked_variant(codes=1)
    order, payment = gateway_order(shopper, variant, gateway="stripe", payment="mixed")
    stripe.sessions[payment.provider_order_id]["status"] = "expired"
    _age(payment, 20)

    assert reconcile_payments()["failed"] == 1

    order.refresh_from_db()
    payment.refresh_from_db()
    assert (order.status, payment.status) == ("failed", "failed")
    assert Code.objects.get(variant=variant).status == "available"
    assert balances(shopper) == {
        "available": Decimal("2.00"),
        "pending": Decimal("0.00"),
        "hold": Decimal("0.00"),
    }
    assert wallet_audit() == []


def test_an_api_error_for_one_payment_does_not_stop_the_others(
    apis, django_capture_on_commit_callbacks
):
    razorpay, stripe = apis
    broken_order, broken = gateway_order(ShopperFactory(), stocked_variant(), gateway="razorpay")
    paid_order, paid = gateway_order(ShopperFactory(), stocked_variant(), gateway="stripe")
    waiting_order, waiting = gateway_order(ShopperFactory(), stocked_variant(), gateway="stripe")
    razorpay.broken.add("/v1/orders/")
    stripe.complete(paid.provider_order_id)
    for payment in (broken, paid, waiting):
        _age(payment, 20)

    with django_capture_on_commit_callbacks(execute=True):
        counts = reconcile_payments()

    assert counts == {"checked": 3, "captured": 1, "failed": 0, "pending": 1, "errors": 1}
    statuses = Order.objects.filter(pk__in=[broken_order.pk, paid_order.pk, waiting_order.pk])
    assert dict(statuses.values_list("pk", "status")) == {
        broken_order.pk: "pending",
        paid_order.pk: "fulfilled",
        waiting_order.pk: "pending",
    }


def test_young_payments_are_left_to_the_shopper(apis):
    razorpay, _ = apis
    _, payment = gateway_order(ShopperFactory(), stocked_variant(), gateway="razorpay")
    razorpay.pay(payment.provider_order_id, amount=1000)
    _age(payment, 5)

    assert reconcile_payments()["checked"] == 0
    assert razorpay.called("GET", "/v1/orders/") == []


def test_money_captured_after_the_order_was_released_is_refunded(
    apis, django_capture_on_commit_callbacks
):
    """The shopper paid at the provider after our reservation ended and the order failed:
    reconciliation finds the capture, and the payment goes back through a refund."""
    razorpay, _ = apis
    order, payment = gateway_order(ShopperFactory(), stocked_variant(), gateway="razorpay")
    Order.objects.filter(pk=order.pk).update(reserved_until=timezone.now() - timedelta(minutes=1))
    from store.services.order_release import release_expired_orders

    assert release_expired_orders() == 1
    razorpay.pay(payment.provider_order_id, amount=1000)

    with django_capture_on_commit_callbacks(execute=True):
        counts = reconcile_payments()

    assert counts["captured"] == 1
    order.refresh_from_db()
    payment.refresh_from_db()
    assert (order.status, payment.status, payment.flagged) == ("failed", "refunded", True)
    refund = Refund.objects.get()
    assert (refund.status, refund.gateway_amount) == ("done", Decimal("10.00"))
    (call,) = razorpay.called("POST", "/v1/payments/")
    assert call.json() == {"amount": 1000, "receipt": f"store-refund-{refund.pk}"}


def test_the_command_prints_the_counts(apis):
    out = StringIO()

    call_command("reconcile_payments", stdout=out)

    assert out.getvalue().strip() == "checked: 0, captured: 0, failed: 0, pending: 0, errors: 0"
