"""Finance's refund through the admin, as staff use it: the changelist action leads to a
confirmation page (what would be refunded, last four characters only) and a reason; the
roles without store.refund_order are refused with nothing changed.

The action is posted to a test admin site that registers the project's OrderAdmin when
store/admin/orders.py registers one (else a bare ModelAdmin listing only this action), so
the test runs the real action machinery either way."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import path, reverse

from config.urls import urlpatterns as project_urlpatterns
from store.admin.order_refund import refund_orders
from store.models import Code, Order, Refund
from store.tests.factories import VariantFactory, add_codes, funded_shopper
from store.tests.factories_fulfil import finance_staff, place, reveal, staff_in
from wallet.services.audit import wallet_audit
from wallet.tests.factories import balances

D = Decimal

site = admin.AdminSite(name="refund_test_admin")
if admin.site.is_registered(Order):
    site.register(Order, type(admin.site._registry[Order]))
else:

    class _OrderAdmin(admin.ModelAdmin):
        actions = [refund_orders]

    site.register(Order, _OrderAdmin)
# The project's URLs too: placing and delivering an order links to its pages.
urlpatterns = [path("refund-test-admin/", site.urls), *project_urlpatterns]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def _changelist():
    return reverse("admin:store_order_changelist", current_app=site.name)


def _post(client, orders, **extra):
    return client.post(
        _changelist(),
        {"action": "refund_orders", "_selected_action": [o.pk for o in orders], **extra},
    )


def _messages(response):
    return [str(m) for m in response.wsgi_request._messages]


@pytest.fixture
def delivered(django_capture_on_commit_callbacks):
    shopper = funded_shopper("50.00")
    variant = VariantFactory(denomination=D("10.00"))
    codes = add_codes(variant, 3)
    with django_capture_on_commit_callbacks(execute=True):
        order = place(shopper, [(variant, 3)])
    order.refresh_from_db()
    assert order.status == Order.Status.FULFILLED
    return order, shopper, codes


def test_the_action_is_listed_by_the_order_admin():
    assert refund_orders in site._registry[Order].actions or "refund_orders" in (
        site._registry[Order].actions
    )


def test_finance_sees_a_confirmation_page_then_refunds_with_a_reason(client, delivered):
    order, shopper, codes = delivered
    revealed = Code.objects.filter(order_item__order=order).order_by("pk").first()
    reveal(revealed)
    client.force_login(finance_staff())

    page = _post(client, [order])

    assert page.status_code == 200
    body = page.content.decode()
    assert order.number in body and "20.00" in body
    assert f"••••{revealed.last4}" in body  # shown as not refundable
    assert not any(code in body for code in codes)
    assert Refund.objects.count() == 0  # nothing happens before the confirmation

    done = _post(client, [order], apply="1", reason="Brand stopped honouring codes")

    assert done.status_code == 302
    assert _messages(done) == ["1 refunded."]
    refund = Refund.objects.get()
    assert (refund.wallet_amount, refund.reason) == (D("20.00"), "Brand stopped honouring codes")
    assert balances(shopper)["available"] == D("40.00")
    assert wallet_audit() == []


def test_a_missing_reason_shows_the_page_again_and_changes_nothing(client, delivered):
    order, shopper, _ = delivered
    client.force_login(finance_staff())

    page = _post(client, [order], apply="1", reason="")

    assert page.status_code == 200
    assert "This field is required." in page.content.decode()
    assert Refund.objects.count() == 0
    assert balances(shopper)["available"] == D("20.00")


def test_a_support_agent_is_refused_and_nothing_changes(client, delivered):
    order, _, _ = delivered
    client.force_login(staff_in("Support agent"))

    changelist = client.get(_changelist())
    response = _post(client, [order], apply="1", reason="Please")

    # Not offered, and posting it anyway is Django's "no such action": nothing runs.
    assert changelist.status_code == 200
    assert "refund_orders" not in changelist.content.decode()
    assert response.status_code == 200
    assert Refund.objects.count() == 0
    assert set(Code.objects.values_list("status", flat=True)) == {"sold"}
    order.refresh_from_db()
    assert order.status == Order.Status.FULFILLED


def test_a_refusal_stops_the_run_and_says_how_many_were_done(client, delivered):
    order, shopper, _ = delivered
    variant = VariantFactory()
    add_codes(variant, 1)
    undelivered = place(shopper, [(variant, 1)], key="later")
    client.force_login(finance_staff())

    response = _post(client, [order, undelivered], apply="1", reason="Both")

    assert _messages(response) == [
        "1 refunded before this:",
        f"Order {undelivered.number} is paid: it cannot be refunded.",
    ]
    assert list(Refund.objects.values_list("order", flat=True)) == [order.pk]
    undelivered.refresh_from_db()
    assert undelivered.status == Order.Status.PAID
