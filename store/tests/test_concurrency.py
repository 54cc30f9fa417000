"""Real threads on PostgreSQL (config.testing.race): the last codes go to exactly as many
orders as there are codes, a cancel racing a fulfilment ends with the money captured or
released (never both), two Finance staff refund an order once, two supplier fetches buy
once, two cashback runs confirm once, and a refund racing the confirm leaves the exact
balance whichever wins."""

from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.utils import timezone

from config.testing import race
from store.models import Code, Order, Refund, SupplierOrder
from store.services.cashback import confirm_store_cashback
from store.services.errors import OrderConflict, OutOfStock
from store.services.fulfilment import order_fulfil
from store.services.order_place import ItemRequest, order_place
from store.services.payments import payment_captured
from store.services.refunds import NothingToRefund, order_cancel, order_refund
from store.services.supplier_orders import supplier_fetch
from store.tests.factories import ProductFactory, VariantFactory, add_codes, funded_shopper
from store.tests.factories_fulfil import (
    finance_staff,
    gateway_on,
    place,
    reveal,
    supplier_variant,
)
from store.tests.fake_supplier import fake_supplier
from wallet.models import Transaction
from wallet.services.audit import wallet_audit
from wallet.tests.factories import balances

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
D = Decimal


def _balances(available, pending="0.00", hold="0.00"):
    return {"available": D(available), "pending": D(pending), "hold": D(hold)}


def _not_fulfilled_yet():
    """Orders stay paid: their fulfilment task is not queued (the race runs it)."""
    return mock.patch("store.tasks.fulfil_order.delay")


def test_ten_shoppers_race_for_three_codes_exactly_three_win_and_seven_hold_nothing():
    variant = VariantFactory(denomination=D("10.00"))
    add_codes(variant, 3)
    shoppers = [funded_shopper("25.00") for _ in range(10)]

    results = race(
        10,
        lambda i: order_place(
            user=shoppers[i],
            items=[ItemRequest(variant=variant.pk, quantity=1)],
            payment="wallet",
            idempotency_key=f"race-{i}",
        ),
    )

    won = [i for i, r in enumerate(results) if isinstance(r, tuple)]
    lost = [i for i, r in enumerate(results) if isinstance(r, OutOfStock)]
    assert (len(won), len(lost)) == (3, 7), results
    assert {results[i].code for i in lost} == {"out_of_stock"}
    for i in won:
        assert Order.objects.get(user=shoppers[i]).status == Order.Status.FULFILLED
        assert balances(shoppers[i]) == _balances("15.00")
    for i in lost:
        assert not Order.objects.filter(user=shoppers[i]).exists()
        assert balances(shoppers[i]) == _balances("25.00")
    assert list(Code.objects.values_list("status", flat=True)) == ["sold"] * 3
    assert len(set(Code.objects.values_list("order_item__order", flat=True))) == 3
    assert Transaction.objects.filter(kind="store.capture").count() == 3
    assert Transaction.objects.filter(kind="store.hold").count() == 3
    assert wallet_audit() == []


def _fulfil_and_cancel_at_once(order, shopper):
    calls = [lambda: order_fulfil(order.pk), lambda: order_cancel(order=order, user=shopper)]
    return race(2, lambda i: calls[i]())


def test_a_cancel_racing_the_fulfilment_either_captures_or_releases_never_both():
    variant = VariantFactory(denomination=D("10.00"))
    add_codes(variant, 6)
    shoppers = [funded_shopper("30.00") for _ in range(6)]
    with _not_fulfilled_yet():
        orders = [place(s, [(variant, 1)], key=f"c{n}") for n, s in enumerate(shoppers)]
    assert {o.status for o in orders} == {"paid"}

    outcomes = []
    for order, shopper in zip(orders, shoppers, strict=True):
        results = _fulfil_and_cancel_at_once(order, shopper)
        order.refresh_from_db()
        captured = Transaction.objects.filter(idempotency_key=f"store-order:{order.pk}:capture")
        released = Transaction.objects.filter(idempotency_key=f"store-order:{order.pk}:release")
        if order.status == Order.Status.FULFILLED:
            assert isinstance(results[1], OrderConflict), results
            assert (captured.count(), released.count()) == (1, 0)
            assert balances(shopper) == _balances("20.00")
            assert Code.objects.get(order_item__order=order).status == "sold"
        else:
            assert order.status == Order.Status.CANCELLED, results
            assert results[0] == "skipped" and isinstance(results[1], Order), results
            assert (captured.count(), released.count()) == (0, 1)
            assert balances(shopper) == _balances("30.00")
            assert not Code.objects.filter(order_item__order=order).exists()
        outcomes.append(order.status)
    assert set(outcomes) <= {"fulfilled", "cancelled"}
    assert Code.objects.filter(status="reserved").count() == 0
    assert wallet_audit() == []


def _delivered(shopper, variant, quantity, key="k1"):
    order = place(shopper, [(variant, quantity)], key=key)  # committed: fulfilled after commit
    order.refresh_from_db()
    assert order.status == Order.Status.FULFILLED
    return order


def test_two_finance_staff_refunding_one_order_at_once_refund_it_once():
    shopper = funded_shopper("50.00")
    variant = VariantFactory(denomination=D("10.00"))
    add_codes(variant, 3)
    order = _delivered(shopper, variant, 3)
    reveal(Code.objects.filter(order_item__order=order).first())
    staff = [finance_staff(), finance_staff()]

    results = race(2, lambda i: order_refund(order=order, actor=staff[i], reason=f"by {i}"))

    refunds = [r for r in results if isinstance(r, Refund)]
    refused = [r for r in results if isinstance(r, NothingToRefund)]
    assert (len(refunds), len(refused)) == (1, 1), results
    assert refunds[0].wallet_amount == D("20.00")
    assert Refund.objects.count() == 1
    assert balances(shopper) == _balances("40.00")
    order.refresh_from_db()
    assert (order.status, order.refunded_amount) == ("fulfilled", D("20.00"))
    assert wallet_audit() == []


def test_two_cashback_runs_at_once_confirm_each_order_once():
    variant = VariantFactory(
        product=ProductFactory(cashback_percent=D("10.0000")), denomination=D("10.00")
    )
    add_codes(variant, 4)
    shoppers = [funded_shopper("10.00") for _ in range(4)]
    for n, shopper in enumerate(shoppers):
        _delivered(shopper, variant, 1, key=f"cb{n}")
    Order.objects.update(cashback_confirm_after=timezone.now() - timedelta(seconds=1))

    results = race(2, lambda i: confirm_store_cashback())

    assert sum(results) == 4, results
    assert Transaction.objects.filter(kind="store.cashback_confirm").count() == 4
    for shopper in shoppers:
        assert balances(shopper) == _balances("1.00")
    assert wallet_audit() == []


def test_a_refund_racing_the_cashback_confirm_leaves_the_exact_balance_either_way():
    variant = VariantFactory(
        product=ProductFactory(cashback_percent=D("5.0000")), denomination=D("10.00")
    )
    add_codes(variant, 6)
    finance = finance_staff()
    for n in range(2):
        shopper = funded_shopper("30.00")
        order = _delivered(shopper, variant, 3, key=f"rc{n}")
        reveal(Code.objects.filter(order_item__order=order).first())
        Order.objects.filter(pk=order.pk).update(
            cashback_confirm_after=timezone.now() - timedelta(seconds=1)
        )
        calls = [
            lambda order=order: order_refund(order=order, actor=finance, reason="race"),
            confirm_store_cashback,
        ]

        results = race(2, lambda i, calls=calls: calls[i]())

        assert isinstance(results[0], Refund), results
        # 1.50 earned; the refunded two codes' 1.00 taken back; 0.50 confirmed.
        assert balances(shopper) == _balances("20.50"), results
        order.refresh_from_db()
        assert (order.cashback_status, order.cashback_amount) == ("confirmed", D("0.50"))
        assert wallet_audit() == []


def test_two_workers_fetching_one_supplier_item_buy_once_and_store_once(settings):
    shopper = funded_shopper("50.00")
    variant = supplier_variant()
    with fake_supplier(settings) as fake:
        with _not_fulfilled_yet():
            order = place(shopper, [(variant, 2)])
        item = order.items.get()

        results = race(2, lambda i: supplier_fetch(item))

    assert results == [True, True]
    assert fake.purchases == {f"SB-OI{item.pk}": 1}
    assert Code.objects.filter(order_item=item, status="sold").count() == 2
    assert SupplierOrder.objects.get().status == "fulfilled"


def test_a_capture_webhook_racing_the_shoppers_cancel_neither_deadlocks_nor_keeps_money(
    settings,
):
    """Before the payment services took the order row first, 5 of 8 of these deadlocked."""
    gateway_on(settings)
    variant = VariantFactory(denomination=D("10.00"))
    add_codes(variant, 8)
    for n in range(8):
        shopper = funded_shopper("4.00")
        order = place(shopper, [(variant, 1)], payment="mixed", key=f"w{n}")
        payment = order.payments.get()

        results = _capture_and_cancel_at_once(order, payment, shopper)

        order.refresh_from_db()
        captured, cancelled = results
        # The webhook applies the capture, or (order cancelled first) refunds it.
        assert captured in ("captured", "refunded: order cancelled"), results
        assert isinstance(cancelled, Order | OrderConflict), results
        refunds = list(Refund.objects.filter(order=order).values_list("gateway_amount", "status"))
        captures = Transaction.objects.filter(idempotency_key=f"store-order:{order.pk}:capture")
        if order.status == Order.Status.FULFILLED:
            assert (captures.count(), refunds) == (1, []), results
            assert balances(shopper) == _balances("0.00")
        else:
            # Cancelled (before or after the capture): the card is refunded in full, once.
            assert order.status == Order.Status.CANCELLED, results
            assert (captures.count(), refunds) == (0, [(D("6.00"), "done")]), results
            assert balances(shopper) == _balances("4.00")
    assert wallet_audit() == []


def _capture_and_cancel_at_once(order, payment, shopper):
    calls = [
        lambda: payment_captured(payment, amount=payment.amount, currency=payment.currency),
        lambda: order_cancel(order=order, user=shopper),
    ]
    return race(2, lambda i: calls[i]())
