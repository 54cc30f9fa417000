"""Gateway refunds reach the provider once per refund, even when two workers send the
same refund at the same moment (real threads on PostgreSQL)."""

from decimal import Decimal

import pytest

from config.testing import race
from store.models import Payment, Refund
from store.services.refunds_gateway import gateway_refund_send
from store.tests.factories import ShopperFactory
from store.tests.factories_pay import gateway_order, stocked_variant
from store.tests.fake_gateways import razorpay_api, stripe_api

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def apis(settings):
    with razorpay_api(settings) as razorpay, stripe_api(settings) as stripe:
        yield {"razorpay": razorpay, "stripe": stripe}


@pytest.mark.parametrize("provider", ["razorpay", "stripe"])
def test_two_workers_sending_one_refund_call_the_provider_once(apis, provider):
    api = apis[provider]
    order, payment = gateway_order(ShopperFactory(), stocked_variant(), gateway=provider)
    Payment.objects.filter(pk=payment.pk).update(
        status="captured", provider_payment_id="pay_T9" if provider == "razorpay" else "pi_T9"
    )
    refund = Refund.objects.create(
        order=order,
        payment=payment,
        gateway_amount=Decimal("10.00"),
        reason="test",
        status=Refund.Status.PENDING_GATEWAY,
    )
    api.delay = 0.3  # both workers are in flight while the provider answers

    outcomes = race(2, lambda i: gateway_refund_send(refund.pk))

    assert sorted(outcomes) == ["done", "not_pending"]
    refund_calls = api.called("POST", "/v1/refunds" if provider == "stripe" else "/v1/payments/")
    assert len(refund_calls) == 1
    refund.refresh_from_db()
    payment.refresh_from_db()
    assert (refund.status, payment.status, payment.refunded_amount) == (
        "done",
        "refunded",
        Decimal("10.00"),
    )
