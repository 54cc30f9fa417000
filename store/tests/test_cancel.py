"""The shopper's cancel before delivery: their own order only, pending or paid; the hold
released, the codes back in the pool, a captured card payment refunded; anything else
refused 409 with nothing changed."""

from decimal import Decimal

import pytest

from accounts.models import StatusChange
from store.models import Code, Order, Payment, Refund
from store.services.errors import OrderConflict, OrderNotFound
from store.services.fulfilment import order_fulfil
from store.services.refunds import order_cancel
from store.tests.factories import VariantFactory, add_codes, funded_shopper
from store.tests.factories_fulfil import gateway_on, pay, place
from wallet.models import Transaction
from wallet.services.audit import wallet_audit
from wallet.tests.factories import balances

pytestmark = pytest.mark.django_db
D = Decimal


def _balances(available, pending="0.00", hold="0.00"):
    return {"available": D(available), "pending": D(pending), "hold": D(hold)}


def _codes(variant):
    return sorted(Code.objects.filter(variant=variant).values_list("status", flat=True))


def test_a_paid_wallet_order_not_yet_delivered_is_cancelled_and_everything_given_back(
    django_capture_on_commit_callbacks, mailoutbox
):
    shopper = funded_shopper("50.00")
    variant = VariantFactory(denomination=D("10.00"))
    add_codes(variant, 3)
    order = place(shopper, [(variant, 2)])  # paid; its fulfilment task not run yet
    assert order.status == Order.Status.PAID
    assert balances(shopper) == _balances("30.00", hold="20.00")

    with django_capture_on_commit_callbacks(execute=True):
        cancelled = order_cancel(order=order, user=shopper)

    assert (cancelled.status, cancelled.cancelled_at is not None) == ("cancelled", True)
    assert balances(shopper) == _balances("50.00")
    assert _codes(variant) == ["available"] * 3
    assert Code.objects.filter(order_item__order=order).count() == 0
    change = StatusChange.objects.get(object_id=order.pk, to_status="cancelled")
    assert (change.from_status, change.actor, change.reason) == (
        "paid",
        shopper,
        "Cancelled by the shopper.",
    )
    # The fulfilment task that comes late finds nothing to do.
    assert order_fulfil(order.pk) == "skipped"
    assert not Transaction.objects.filter(kind="store.capture").exists()
    assert mailoutbox == []
    assert wallet_audit() == []


def test_a_pending_card_order_is_cancelled_its_payment_closed_and_codes_back(settings):
    gateway_on(settings)
    shopper = funded_shopper("5.00")
    variant = VariantFactory(denomination=D("25.00"))
    add_codes(variant, 1)
    order = place(shopper, [(variant, 1)], payment="mixed")
    assert (order.status, order.wallet_used, order.gateway_amount) == (
        "pending",
        D("5.00"),
        D("20.00"),
    )

    order_cancel(order=order, user=shopper)

    assert balances(shopper) == _balances("5.00")
    assert _codes(variant) == ["available"]
    assert order.payments.get().status == Payment.Status.FAILED
    assert Refund.objects.count() == 0  # nothing was captured, nothing to refund
    assert wallet_audit() == []


def test_a_paid_card_order_is_cancelled_and_the_capture_refunded_at_the_gateway(
    settings, django_capture_on_commit_callbacks
):
    gateway_on(settings)
    shopper = funded_shopper("5.00")
    variant = VariantFactory(denomination=D("25.00"))
    add_codes(variant, 1)
    order = place(shopper, [(variant, 1)], payment="mixed")
    pay(order)  # captured; fulfilment task not run yet
    assert order.status == Order.Status.PAID

    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(order=order, user=shopper)

    [refund] = Refund.objects.filter(order=order)
    assert (refund.gateway_amount, refund.wallet_amount, refund.status) == (
        D("20.00"),
        D("0.00"),
        "done",
    )
    payment = order.payments.get()
    assert (payment.status, payment.refunded_amount) == ("refunded", D("20.00"))
    assert balances(shopper) == _balances("5.00")
    assert _codes(variant) == ["available"]
    assert wallet_audit() == []


def test_someone_elses_order_is_not_found_and_nothing_changes():
    shopper, other = funded_shopper("50.00"), funded_shopper("50.00")
    variant = VariantFactory()
    add_codes(variant, 1)
    order = place(shopper, [(variant, 1)])

    with pytest.raises(OrderNotFound) as refused:
        order_cancel(order=order, user=other)

    assert (refused.value.code, refused.value.http_status) == ("not_found", 404)
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert balances(shopper) == _balances("40.00", hold="10.00")
    assert _codes(variant) == ["reserved"]


@pytest.mark.parametrize("status", ["fulfilled", "failed", "cancelled", "refunded"])
def test_an_order_past_cancelling_is_refused_409_and_nothing_changes(
    status, django_capture_on_commit_callbacks
):
    shopper = funded_shopper("50.00")
    variant = VariantFactory()
    add_codes(variant, 1)
    with django_capture_on_commit_callbacks(execute=True):
        order = place(shopper, [(variant, 1)])
    order.refresh_from_db()
    assert order.status == Order.Status.FULFILLED
    if status != "fulfilled":
        Order.objects.filter(pk=order.pk).update(status=status)
        order.refresh_from_db()
    before = (balances(shopper), _codes(variant), Transaction.objects.count())

    with pytest.raises(OrderConflict) as refused:
        order_cancel(order=order, user=shopper)

    assert (refused.value.code, refused.value.http_status) == ("invalid_status", 409)
    order.refresh_from_db()
    assert order.status == status
    assert (balances(shopper), _codes(variant), Transaction.objects.count()) == before


def test_a_stale_copy_of_an_order_delivered_meanwhile_is_refused(
    django_capture_on_commit_callbacks,
):
    shopper = funded_shopper("50.00")
    variant = VariantFactory()
    add_codes(variant, 1)
    order = place(shopper, [(variant, 1)])
    stale = Order.objects.get(pk=order.pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert order_fulfil(order.pk) == "fulfilled"

    with pytest.raises(OrderConflict):
        order_cancel(order=stale, user=shopper)

    assert balances(shopper) == _balances("40.00")
    assert _codes(variant) == ["sold"]
    assert wallet_audit() == []
