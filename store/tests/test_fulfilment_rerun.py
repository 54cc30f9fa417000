"""A fulfilment killed half-way and run again delivers each code once, captures once and
sends one email. The kill is simulated by a step that does its work and then raises (the
worker died right after it): everything since the order's row lock rolls back, and the
rerun (the task again, or the fulfil_paid_orders beat job) starts from the paid order."""

from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.utils import timezone

from store.models import Code, GiftCard, Order
from store.services import fulfilment
from store.services import money as store_money
from store.services.fulfilment import fulfil_paid_orders, order_fulfil
from store.tests.factories import VariantFactory, add_codes, funded_shopper
from store.tests.factories_fulfil import place, savebucks_variant
from wallet.models import Transaction
from wallet.services.audit import wallet_audit
from wallet.tests.factories import balances

pytestmark = pytest.mark.django_db
D = Decimal


class Killed(Exception):
    pass


def _dies_after(real):
    def step(*args, **kwargs):
        real(*args, **kwargs)
        raise Killed

    return step


def _paid_order(shopper, lines):
    order = place(shopper, lines)  # paid; its fulfilment task not run (no commit here)
    assert order.status == Order.Status.PAID
    # Old enough for the beat job to pick it up.
    Order.objects.filter(pk=order.pk).update(paid_at=timezone.now() - timedelta(minutes=5))
    return order


def _delivered_once(order, shopper, mailoutbox, available):
    order.refresh_from_db()
    assert order.status == Order.Status.FULFILLED
    assert Transaction.objects.filter(kind="store.capture").count() == 1
    assert len(mailoutbox) == 1
    assert order.number in mailoutbox[0].body
    assert balances(shopper) == {"available": D(available), "pending": D("0.00"), "hold": D("0.00")}
    assert wallet_audit() == []


def test_killed_after_the_codes_were_marked_sold_the_rerun_delivers_each_code_once(
    django_capture_on_commit_callbacks, mailoutbox
):
    shopper = funded_shopper("50.00")
    variant = VariantFactory(denomination=D("10.00"))
    add_codes(variant, 4)
    order = _paid_order(shopper, [(variant, 3)])
    reserved = set(Code.objects.filter(order_item__order=order).values_list("pk", flat=True))

    with (
        mock.patch.object(fulfilment, "codes_mark_sold", _dies_after(fulfilment.codes_mark_sold)),
        pytest.raises(Killed),
        django_capture_on_commit_callbacks(execute=True),
    ):
        order_fulfil(order.pk)

    # Rolled back to the paid order with its reserved codes; no money moved, no email.
    order.refresh_from_db()
    assert (order.status, order.fulfilment_attempts) == ("paid", 0)
    assert Code.objects.filter(pk__in=reserved, status="reserved").count() == 3
    assert not Transaction.objects.filter(kind="store.capture").exists()
    assert mailoutbox == []

    with django_capture_on_commit_callbacks(execute=True):
        assert fulfil_paid_orders() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert fulfil_paid_orders() == 0
        assert order_fulfil(order.pk) == "skipped"

    sold = set(
        Code.objects.filter(order_item__order=order, status="sold").values_list("pk", flat=True)
    )
    assert sold == reserved
    assert Code.objects.filter(status="available").count() == 1
    _delivered_once(order, shopper, mailoutbox, "20.00")


def test_killed_after_the_capture_posting_the_rerun_captures_once(
    django_capture_on_commit_callbacks, mailoutbox
):
    shopper = funded_shopper("50.00")
    variant = VariantFactory(denomination=D("10.00"))
    add_codes(variant, 2)
    order = _paid_order(shopper, [(variant, 2)])

    with (
        mock.patch.object(store_money, "capture", _dies_after(store_money.capture)),
        pytest.raises(Killed),
        django_capture_on_commit_callbacks(execute=True),
    ):
        order_fulfil(order.pk)
    assert balances(shopper)["hold"] == D("20.00")

    with django_capture_on_commit_callbacks(execute=True):
        assert order_fulfil(order.pk) == "fulfilled"
        assert order_fulfil(order.pk) == "skipped"

    assert Code.objects.filter(order_item__order=order, status="sold").count() == 2
    _delivered_once(order, shopper, mailoutbox, "30.00")


def test_killed_after_issuing_gift_cards_the_rerun_issues_none_twice(
    django_capture_on_commit_callbacks, mailoutbox
):
    shopper = funded_shopper("80.00")
    variant = savebucks_variant(denomination=D("25.00"))
    order = _paid_order(shopper, [(variant, 2)])

    with (
        mock.patch.object(fulfilment, "gift_cards_issue", _dies_after(fulfilment.gift_cards_issue)),
        pytest.raises(Killed),
    ):
        order_fulfil(order.pk)
    assert GiftCard.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        assert fulfil_paid_orders() == 1
        assert fulfil_paid_orders() == 0

    assert list(GiftCard.objects.order_by("sequence").values_list("sequence", flat=True)) == [0, 1]
    _delivered_once(order, shopper, mailoutbox, "30.00")
