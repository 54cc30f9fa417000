"""Codes bought from the supplier at fulfilment, through the real HTTP adapter against a
local fake: stored encrypted and once, a timeout retried under the same reference (one
purchase), "not ready" polled again, and an order that never gets its codes failed and
refunded after STORE_SUPPLIER_MAX_ATTEMPTS."""

from decimal import Decimal

import pytest
from django.db import connection

from store.models import Code, Order, Refund, SupplierOrder
from store.services.codes import code_digest
from store.services.fulfilment import order_fulfil
from store.services.supplier_orders import supplier_fetch
from store.tests.factories import add_codes, funded_shopper
from store.tests.factories_fulfil import gateway_on, pay, place, supplier_variant
from store.tests.fake_supplier import fake_supplier
from wallet.services.audit import wallet_audit
from wallet.tests.factories import balances

pytestmark = pytest.mark.django_db
D = Decimal


def _balances(available, pending="0.00", hold="0.00"):
    return {"available": D(available), "pending": D(pending), "hold": D(hold)}


def test_a_supplier_order_is_bought_once_and_its_codes_stored_encrypted(
    settings, django_capture_on_commit_callbacks, mailoutbox
):
    shopper = funded_shopper("50.00")
    variant = supplier_variant(denomination=D("10.00"))
    with fake_supplier(settings) as fake, django_capture_on_commit_callbacks(execute=True):
        order = place(shopper, [(variant, 2)])
    order.refresh_from_db()
    item = order.items.get()
    supplier_order = SupplierOrder.objects.get(order_item=item)

    assert order.status == Order.Status.FULFILLED
    assert (supplier_order.reference, supplier_order.status, supplier_order.attempts) == (
        f"SB-OI{item.pk}",
        "fulfilled",
        1,
    )
    assert fake.purchases == {f"SB-OI{item.pk}": 1}
    assert fake.bodies == [
        {
            "reference": f"SB-OI{item.pk}",
            "product": variant.product.supplier_product_id,
            "denomination": "10.00",
            "quantity": 2,
        }
    ]
    assert fake.calls == [("POST", "/orders"), ("GET", "/orders/SUP-0001")]
    codes = list(Code.objects.filter(order_item=item).order_by("pk"))
    assert [c.status for c in codes] == ["sold", "sold"]
    assert {c.supplier_order_id for c in codes} == {supplier_order.pk}
    assert sorted(c.code for c in codes) == sorted(fake.all_codes())
    assert sorted(c.digest for c in codes) == sorted(code_digest(c) for c in fake.all_codes())
    # Encrypted at rest: the column does not hold the code.
    with connection.cursor() as cursor:
        cursor.execute("SELECT code, pin FROM store_code WHERE id = %s", [codes[0].pk])
        raw_code, raw_pin = cursor.fetchone()
    assert codes[0].code not in raw_code and codes[0].pin not in raw_pin
    assert balances(shopper) == _balances("30.00")
    assert len(mailoutbox) == 1
    assert wallet_audit() == []


def test_a_timeout_after_the_supplier_took_the_order_is_retried_without_a_second_purchase(
    settings, django_capture_on_commit_callbacks, mailoutbox
):
    shopper = funded_shopper("50.00")
    variant = supplier_variant()
    with fake_supplier(settings, slow_places=1) as fake:
        with django_capture_on_commit_callbacks(execute=True):
            order = place(shopper, [(variant, 1)])
        item = order.items.get()
        reference = f"SB-OI{item.pk}"
        order.refresh_from_db()
        assert order.status == Order.Status.PAID  # the answer never came
        assert fake.purchases == {reference: 1}  # but the supplier took the order
        supplier_order = SupplierOrder.objects.get(order_item=item)
        assert (supplier_order.supplier_order_id, supplier_order.attempts) == ("", 1)
        assert "timed out" in supplier_order.last_error

        with django_capture_on_commit_callbacks(execute=True):
            assert order_fulfil(order.pk) == "fulfilled"
        with django_capture_on_commit_callbacks(execute=True):
            assert order_fulfil(order.pk) == "skipped"

    assert fake.places == {reference: 2}
    assert fake.purchases == {reference: 1}
    assert Code.objects.filter(order_item=item, status="sold").count() == 1
    order.refresh_from_db()
    assert order.status == Order.Status.FULFILLED
    assert len(mailoutbox) == 1
    assert wallet_audit() == []


def test_codes_not_ready_are_polled_again_and_a_rerun_stores_nothing_twice(
    settings, django_capture_on_commit_callbacks
):
    shopper = funded_shopper("50.00")
    variant = supplier_variant()
    with fake_supplier(settings, pending_polls=2) as fake:
        with django_capture_on_commit_callbacks(execute=True):
            order = place(shopper, [(variant, 3)])
        item = order.items.get()
        assert order_fulfil(order.pk) == "waiting for the supplier"
        assert Code.objects.count() == 0
        with django_capture_on_commit_callbacks(execute=True):
            assert order_fulfil(order.pk) == "fulfilled"
        calls = len(fake.calls)
        # A stray rerun (a second worker) finds the codes stored and asks nobody.
        assert supplier_fetch(item) is True
        assert len(fake.calls) == calls

    assert fake.purchases == {f"SB-OI{item.pk}": 1}
    assert Code.objects.filter(order_item=item, status="sold").count() == 3
    assert SupplierOrder.objects.get().attempts == 3


def test_a_supplier_that_never_delivers_fails_the_order_and_gives_the_money_back(
    settings, django_capture_on_commit_callbacks, mailoutbox
):
    settings.STORE_SUPPLIER_MAX_ATTEMPTS = 2
    shopper = funded_shopper("50.00")
    variant = supplier_variant()
    with fake_supplier(settings, errors=10) as fake:
        with django_capture_on_commit_callbacks(execute=True):
            order = place(shopper, [(variant, 1)])
        assert balances(shopper) == _balances("40.00", hold="10.00")
        with django_capture_on_commit_callbacks(execute=True):
            order_fulfil(order.pk)
        assert order_fulfil(order.pk) == "skipped"  # failed: nothing more is asked

    order.refresh_from_db()
    assert order.status == Order.Status.FAILED
    supplier_order = SupplierOrder.objects.get()
    assert (supplier_order.status, supplier_order.attempts) == ("failed", 2)
    assert "HTTP 500" in supplier_order.last_error
    assert fake.purchases == {}
    assert balances(shopper) == _balances("50.00")
    assert mailoutbox == []
    assert wallet_audit() == []


def test_a_failed_supplier_order_paid_by_card_queues_the_card_refund(
    settings, django_capture_on_commit_callbacks
):
    gateway_on(settings)
    settings.STORE_SUPPLIER_MAX_ATTEMPTS = 1
    shopper = funded_shopper("4.00")
    variant = supplier_variant(denomination=D("25.00"))
    with fake_supplier(settings, codes_per_order=0) as fake:
        with django_capture_on_commit_callbacks(execute=True):
            order = place(shopper, [(variant, 1)], payment="mixed")
        with django_capture_on_commit_callbacks(execute=True):
            pay(order)

    order.refresh_from_db()
    assert (order.status, order.wallet_used, order.gateway_amount) == (
        "failed",
        D("4.00"),
        D("21.00"),
    )
    assert "distinct codes for 1" in SupplierOrder.objects.get().last_error
    assert len(fake.purchases) == 1 and Code.objects.count() == 0
    [refund] = Refund.objects.filter(order=order)
    assert (refund.gateway_amount, refund.status) == (D("21.00"), "done")
    assert balances(shopper) == _balances("4.00")
    assert wallet_audit() == []


def test_a_wrong_key_is_an_error_that_names_no_secret(settings, django_capture_on_commit_callbacks):
    shopper = funded_shopper("50.00")
    variant = supplier_variant()
    with fake_supplier(settings) as fake:
        settings.STORE_SUPPLIER_KEY = "wrong"
        with django_capture_on_commit_callbacks(execute=True):
            order = place(shopper, [(variant, 1)])
    supplier_order = SupplierOrder.objects.get()
    assert (
        supplier_order.last_error
        == f"supplier answered HTTP 401: place SB-OI{order.items.get().pk}"
    )
    assert fake.purchases == {}
    order.refresh_from_db()
    assert order.status == Order.Status.PAID


def test_a_code_we_already_hold_is_refused_and_nothing_is_stored(
    settings, django_capture_on_commit_callbacks
):
    shopper = funded_shopper("50.00")
    variant = supplier_variant()
    with fake_supplier(settings) as fake:
        with django_capture_on_commit_callbacks(execute=True):
            first = place(shopper, [(variant, 1)], key="a")
        fake.pending_polls = 10
        with django_capture_on_commit_callbacks(execute=True):
            second = place(shopper, [(variant, 1)], key="b")
        # The supplier resends the first order's code for the second order.
        fake.orders["SUP-0002"]["codes"] = fake.orders["SUP-0001"]["codes"]
        fake.pending_polls = 0
        assert order_fulfil(second.pk) == "waiting for the supplier"

    assert Code.objects.filter(order_item__order=first).count() == 1
    assert Code.objects.filter(order_item__order=second).count() == 0
    supplier_order = SupplierOrder.objects.get(order_item__order=second)
    assert (supplier_order.status, supplier_order.attempts) == ("placed", 2)
    assert (
        supplier_order.last_error
        == f"supplier sent a code we already hold: {supplier_order.reference}"
    )
    second.refresh_from_db()
    assert second.status == Order.Status.PAID


def test_codes_bought_for_an_order_cancelled_meanwhile_join_the_stock(
    settings, django_capture_on_commit_callbacks
):
    from store.services.refunds import order_cancel

    shopper = funded_shopper("50.00")
    variant = supplier_variant()
    with fake_supplier(settings, pending_polls=1) as fake:
        with django_capture_on_commit_callbacks(execute=True):
            order = place(shopper, [(variant, 2)])
        item = order.items.get()
        with django_capture_on_commit_callbacks(execute=True):
            order_cancel(order=order, user=shopper)
        assert supplier_fetch(item) is False

    assert fake.purchases == {f"SB-OI{item.pk}": 1}
    assert list(Code.objects.values_list("status", "order_item")) == [
        ("available", None),
        ("available", None),
    ]
    assert SupplierOrder.objects.get().status == "fulfilled"
    assert balances(shopper) == _balances("50.00")
    assert wallet_audit() == []


def test_pool_codes_are_untouched_by_the_supplier_path(
    settings, django_capture_on_commit_callbacks
):
    shopper = funded_shopper("50.00")
    variant = supplier_variant()
    add_codes(variant, 2)  # stock of a supplier product is never drawn from
    with fake_supplier(settings), django_capture_on_commit_callbacks(execute=True):
        order = place(shopper, [(variant, 1)])
    assert Code.objects.filter(status="available").count() == 2
    assert Code.objects.filter(order_item__order=order, supplier_order__isnull=False).count() == 1


def test_a_rerun_of_a_stored_supplier_order_is_one_read(
    settings, django_capture_on_commit_callbacks, django_assert_num_queries
):
    # Every fulfilment run of a supplier order passes here first: the cheap path.
    shopper = funded_shopper("50.00")
    variant = supplier_variant()
    with fake_supplier(settings), django_capture_on_commit_callbacks(execute=True):
        order = place(shopper, [(variant, 1)])
    item = order.items.get()
    with django_assert_num_queries(3):  # savepoint, SELECT, release
        assert supplier_fetch(item) is True
