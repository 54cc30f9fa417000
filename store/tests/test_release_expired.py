"""The expiry job fails unpaid orders only: one paid between its read and its move is
delivered, not failed and refunded."""

from datetime import timedelta

import pytest
from django.utils import timezone

from store.models import Order, Refund
from store.services import order_release
from store.services.payments import payment_captured
from store.tests.factories import ShopperFactory
from store.tests.factories_pay import gateway_order, stocked_variant
from store.tests.fake_gateways import razorpay_api

pytestmark = pytest.mark.django_db


def test_an_order_paid_after_the_job_listed_it_is_delivered(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    with razorpay_api(settings):
        order, payment = gateway_order(ShopperFactory(), stocked_variant(), gateway="razorpay")
    Order.objects.filter(pk=order.pk).update(reserved_until=timezone.now() - timedelta(minutes=1))
    real_fail = order_release.order_fail

    def capture_lands_first(listed, **kwargs):
        # The webhook's capture commits after the job read the order as pending.
        payment_captured(payment, amount=payment.amount, currency=payment.currency)
        return real_fail(listed, **kwargs)

    monkeypatch.setattr(order_release, "order_fail", capture_lands_first)
    with django_capture_on_commit_callbacks(execute=True):
        released = order_release.release_expired_orders()
    order.refresh_from_db()
    assert released == 0
    assert order.status == Order.Status.FULFILLED
    assert Refund.objects.count() == 0
