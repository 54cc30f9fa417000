"""The store cashback confirm job: due pending cashback moves pending → available once
(conditional move per order, with history), not before its date, and not for a refunded
order; the command of the same name runs the same service."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import StatusChange
from store.models import Order
from store.services.cashback import confirm_store_cashback
from store.tasks import confirm_store_cashback as confirm_task
from store.tests.factories import ProductFactory, VariantFactory, add_codes, funded_shopper
from store.tests.factories_fulfil import place
from wallet.models import Transaction
from wallet.services.audit import wallet_audit
from wallet.tests.factories import balances

pytestmark = pytest.mark.django_db
D = Decimal


def _order(capture, shopper, percent="4.0000", key="k1"):
    variant = VariantFactory(
        product=ProductFactory(cashback_percent=D(percent)), denomination=D("25.00")
    )
    add_codes(variant, 1)
    with capture(execute=True):
        order = place(shopper, [(variant, 1)], key=key)
    order.refresh_from_db()
    return order


def _due(order, days=0):
    Order.objects.filter(pk=order.pk).update(
        cashback_confirm_after=timezone.now() - timedelta(days=days, seconds=1)
    )


def test_due_cashback_is_confirmed_once_and_early_cashback_waits(
    settings, django_capture_on_commit_callbacks
):
    settings.STORE_CASHBACK_HOLD_DAYS = 30
    shopper = funded_shopper("60.00")
    due = _order(django_capture_on_commit_callbacks, shopper, key="a")
    early = _order(django_capture_on_commit_callbacks, shopper, key="b")
    assert (due.cashback_status, due.cashback_amount) == ("pending", D("1.00"))
    assert early.cashback_confirm_after > timezone.now() + timedelta(days=29)
    assert balances(shopper) == {
        "available": D("10.00"),
        "pending": D("2.00"),
        "hold": D("0.00"),
    }
    _due(due)

    assert confirm_store_cashback() == 1
    assert confirm_store_cashback() == 0

    due.refresh_from_db()
    early.refresh_from_db()
    assert (due.cashback_status, early.cashback_status) == ("confirmed", "pending")
    assert balances(shopper) == {
        "available": D("11.00"),
        "pending": D("1.00"),
        "hold": D("0.00"),
    }
    assert Transaction.objects.filter(kind="store.cashback_confirm").count() == 1
    change = StatusChange.objects.get(object_id=due.pk, field="cashback_status")
    assert (change.from_status, change.to_status) == ("pending", "confirmed")
    assert wallet_audit() == []


def test_a_refunded_orders_cashback_is_never_confirmed(django_capture_on_commit_callbacks):
    shopper = funded_shopper("30.00")
    order = _order(django_capture_on_commit_callbacks, shopper)
    _due(order)
    # A refund that left the status pending (a crash mid-way is impossible: one
    # transaction; this is a hand-edited row) still does not pay a refunded order.
    Order.objects.filter(pk=order.pk).update(status=Order.Status.REFUNDED)

    assert confirm_store_cashback() == 0
    assert balances(shopper)["pending"] == D("1.00")


def test_the_command_and_the_task_run_the_same_job(django_capture_on_commit_callbacks):
    shopper = funded_shopper("60.00")
    first = _order(django_capture_on_commit_callbacks, shopper, key="a")
    second = _order(django_capture_on_commit_callbacks, shopper, key="b")
    _due(first)
    out = StringIO()

    call_command("confirm_store_cashback", stdout=out)
    assert out.getvalue().strip() == "1 orders' cashback confirmed."
    _due(second)
    assert confirm_task.delay().get() == {"confirmed": 1}
    assert balances(shopper)["available"] == D("12.00")
    assert wallet_audit() == []


def test_an_order_without_cashback_is_not_touched(django_capture_on_commit_callbacks):
    shopper = funded_shopper("30.00")
    order = _order(django_capture_on_commit_callbacks, shopper, percent="0.0000")
    assert (order.cashback_status, order.cashback_confirm_after) == ("none", None)
    assert confirm_store_cashback() == 0


def test_a_run_with_nothing_due_is_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        assert confirm_store_cashback() == 0
