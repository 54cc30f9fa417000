"""Orders, payments, webhook events and refunds through the admin, as each role: all
read-only records; Finance alone gets the refund and the gateway-retry actions."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import AuditLog
from store.models import Order, Payment, Refund, WebhookEvent

from .factories import VariantFactory, add_codes, funded_shopper
from .factories_ops import login, wallet_order

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def order(django_capture_on_commit_callbacks):
    variant = VariantFactory()
    add_codes(variant, 2)
    shopper = funded_shopper("50.00", email="orderer@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        placed = wallet_order(shopper, variant, key="admin-order")
    placed.refresh_from_db()
    assert placed.status == "fulfilled"
    return placed


def _failed_refund(order) -> Refund:
    # A record of a gateway refund the provider refused (no money moves with the row).
    payment = Payment.objects.create(
        order=order, provider="razorpay", amount=D("10.00"), currency="USD", status="captured"
    )
    return Refund.objects.create(
        order=order,
        payment=payment,
        gateway_amount=D("10.00"),
        reason="Shopper asked",
        status=Refund.Status.FAILED,
        last_error="gateway said no",
    )


@pytest.mark.parametrize("role", ["Support agent", "Finance", "superuser"])
def test_staff_who_see_orders_get_the_list_search_filters_and_the_full_page(client, order, role):
    login(client, role)
    changelist = reverse("admin:store_order_changelist")
    other = funded_shopper("0.00", email="someone@example.com")

    listed = client.get(changelist).content.decode()
    by_number = client.get(changelist, {"q": order.number})
    by_email = client.get(changelist, {"q": "orderer@"})
    by_other = client.get(changelist, {"q": other.email})
    for params in (
        {"status__exact": "fulfilled"},
        {"payment_method__exact": "wallet"},
        {"gateway__exact": ""},
        {"flagged__exact": "0"},
    ):
        assert client.get(changelist, params).context["cl"].result_count == 1
    page = client.get(reverse("admin:store_order_change", args=[order.pk]))

    assert order.number in listed and "orderer@example.com" in listed
    assert by_number.context["cl"].result_count == 1
    assert by_email.context["cl"].result_count == 1
    assert by_other.context["cl"].result_count == 0
    assert page.status_code == 200
    body = page.content.decode()
    item = order.items.get()
    assert item.name in body and item.sku in body  # the items inline
    assert "Status history" in body
    assert 'name="_save"' not in body  # read-only: no save button


def test_the_status_history_shows_each_move(client, order):
    login(client, "Support agent")
    page = client.get(reverse("admin:store_order_change", args=[order.pk]))
    history = page.context["inline_admin_formsets"][-1]
    moves = [(form.original.from_status, form.original.to_status) for form in history]
    assert moves == [("pending", "paid"), ("paid", "fulfilled")]


def test_nobody_adds_changes_or_deletes_an_order(client, order):
    login(client, "superuser")
    assert client.get(reverse("admin:store_order_add")).status_code == 403
    assert client.get(reverse("admin:store_order_delete", args=[order.pk])).status_code == 403
    changed = client.post(
        reverse("admin:store_order_change", args=[order.pk]), {"status": "cancelled"}
    )
    assert changed.status_code == 403
    order.refresh_from_db()
    assert order.status == "fulfilled"


def _actions(client) -> set[str]:
    form = client.get(reverse("admin:store_order_changelist")).context["action_form"]
    return set(dict(form.fields["action"].choices)) - {""} if form else set()


def test_the_refund_action_is_offered_to_finance_only(client, order):
    login(client, "Finance")
    assert _actions(client) == {"refund_orders"}
    login(client, "Support agent")
    assert _actions(client) == set()


def test_content_editors_see_no_orders_payments_or_refunds(client, order):
    login(client, "Content editor")
    for name in ("order", "payment", "webhookevent", "refund"):
        assert client.get(reverse(f"admin:store_{name}_changelist")).status_code == 403


def test_payments_are_read_only_with_a_flagged_filter(client, order):
    login(client, "Support agent")
    flagged = Payment.objects.create(
        order=order,
        provider="stripe",
        amount=D("10.00"),
        currency="USD",
        flagged=True,
        flag_reason="amount mismatch",
        checkout_url="https://pay.example.com/secret-session",
    )
    changelist = reverse("admin:store_payment_changelist")
    assert client.get(changelist, {"flagged__exact": "1"}).context["cl"].result_count == 1
    assert client.get(changelist, {"flagged__exact": "0"}).context["cl"].result_count == 0
    page = client.get(reverse("admin:store_payment_change", args=[flagged.pk]))
    assert page.status_code == 200
    assert "secret-session" not in page.content.decode()
    posted = client.post(reverse("admin:store_payment_change", args=[flagged.pk]), {"flagged": ""})
    assert posted.status_code == 403
    flagged.refresh_from_db()
    assert flagged.flagged is True


def test_webhook_events_are_read_only(client, order):
    login(client, "superuser")
    event = WebhookEvent.objects.create(
        provider="razorpay", event_id="evt_1", event_type="payment.captured", outcome="captured"
    )
    assert client.get(reverse("admin:store_webhookevent_changelist")).status_code == 200
    assert (
        client.get(reverse("admin:store_webhookevent_change", args=[event.pk])).status_code == 200
    )
    assert client.get(reverse("admin:store_webhookevent_add")).status_code == 403
    assert (
        client.get(reverse("admin:store_webhookevent_delete", args=[event.pk])).status_code == 403
    )


def test_finance_retries_a_failed_gateway_refund(client, order, django_capture_on_commit_callbacks):
    finance = login(client, "Finance")
    refund = _failed_refund(order)
    done = Refund.objects.create(order=order, wallet_amount=D("0.00"), reason="old", status="done")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("admin:store_refund_changelist"),
            {"action": "retry_gateway_refunds", "_selected_action": [refund.pk, done.pk]},
        )

    assert response.status_code == 302
    refund.refresh_from_db()
    done.refresh_from_db()
    assert (refund.status, refund.last_error) == ("pending_gateway", "")
    assert done.status == "done"
    assert len(callbacks) == 1  # the send task, after commit
    [entry] = AuditLog.objects.filter(action="store.gateway_refund_retry")
    assert (entry.actor, entry.entity_id, entry.metadata["amount"]) == (
        finance,
        str(refund.pk),
        "10.00",
    )


@pytest.mark.parametrize("role", ["Support agent", "Content editor"])
def test_other_roles_cannot_retry_a_refund(client, order, role):
    login(client, role)
    refund = _failed_refund(order)
    response = client.post(
        reverse("admin:store_refund_changelist"),
        {"action": "retry_gateway_refunds", "_selected_action": [refund.pk]},
    )
    assert response.status_code == 403
    refund.refresh_from_db()
    assert refund.status == "failed"
    assert AuditLog.objects.filter(action="store.gateway_refund_retry").count() == 0


def test_the_refund_list_is_read_only(client, order):
    login(client, "superuser")
    refund = _failed_refund(order)
    assert client.get(reverse("admin:store_refund_changelist")).status_code == 200
    assert client.get(reverse("admin:store_refund_add")).status_code == 403
    assert (
        client.post(
            reverse("admin:store_refund_change", args=[refund.pk]), {"status": "done"}
        ).status_code
        == 403
    )
    refund.refresh_from_db()
    assert refund.status == "failed"
    assert Order.objects.get(pk=order.pk).refunded_amount == D("0.00")
