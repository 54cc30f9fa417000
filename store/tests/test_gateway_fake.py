"""The fake gateway's pay page (for `make run`): only with DEBUG, only the owner, and a
double click pays once."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from store.models import Code, WebhookEvent
from store.tests.factories import ShopperFactory, funded_shopper
from store.tests.factories_pay import gateway_order, stocked_variant
from wallet.services.audit import wallet_audit
from wallet.tests.factories import balances

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_enabled(settings):
    settings.DEBUG = True
    settings.STORE_GATEWAYS = ["fake"]


def _page(payment) -> str:
    return reverse("store:fake-pay", args=[payment.provider_order_id])


def test_the_page_shows_the_order_and_the_amount_to_its_owner(client, fake_enabled):
    shopper = funded_shopper("3.00")
    order, payment = gateway_order(shopper, stocked_variant(), gateway="fake", payment="mixed")
    assert payment.checkout_url.endswith(f"/gift-cards/pay/fake/fake_{payment.pk}/")
    client.force_login(shopper)

    response = client.get(_page(payment))

    assert response.status_code == 200
    html = response.content.decode()
    assert order.number in html
    assert "USD 7.00" in html
    assert 'data-test="pay"' in html and 'data-test="fail"' in html


def test_pay_captures_once_however_often_it_is_clicked(
    client, fake_enabled, django_capture_on_commit_callbacks
):
    shopper = funded_shopper("3.00")
    order, payment = gateway_order(shopper, stocked_variant(), gateway="fake", payment="mixed")
    client.force_login(shopper)

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(_page(payment), {"action": "pay"})
        second = client.post(_page(payment), {"action": "pay"})

    assert [first.status_code, second.status_code] == [302, 302]
    assert first["Location"] == order.get_absolute_url()
    order.refresh_from_db()
    payment.refresh_from_db()
    assert (order.status, payment.status) == ("fulfilled", "captured")
    assert list(WebhookEvent.objects.values_list("event_id", "outcome")) == [
        (f"fake-{payment.pk}-pay", "captured")
    ]
    assert Code.objects.filter(order_item__order=order, status="sold").count() == 1
    assert balances(shopper)["available"] == Decimal("0.00")
    assert len(mail.outbox) == 1
    assert wallet_audit() == []


def test_fail_leaves_the_order_open_for_another_try(client, fake_enabled):
    shopper = ShopperFactory()
    order, payment = gateway_order(shopper, stocked_variant(), gateway="fake")
    client.force_login(shopper)

    client.post(_page(payment), {"action": "fail"})

    order.refresh_from_db()
    payment.refresh_from_db()
    assert (order.status, payment.status) == ("pending", "failed")
    assert Code.objects.filter(order_item__order=order, status="reserved").count() == 1


def test_another_shopper_gets_404_and_changes_nothing(client, fake_enabled):
    shopper = ShopperFactory()
    _, payment = gateway_order(shopper, stocked_variant(), gateway="fake")
    client.force_login(ShopperFactory())

    assert client.get(_page(payment)).status_code == 404
    assert client.post(_page(payment), {"action": "pay"}).status_code == 404
    payment.refresh_from_db()
    assert payment.status == "created"
    assert WebhookEvent.objects.count() == 0


@pytest.mark.parametrize("switch", ["debug-off", "not-enabled"])
def test_the_page_is_404_without_debug_or_when_fake_is_not_enabled(
    client, fake_enabled, settings, switch
):
    shopper = ShopperFactory()
    _, payment = gateway_order(shopper, stocked_variant(), gateway="fake")
    client.force_login(shopper)
    if switch == "debug-off":
        settings.DEBUG = False
    else:
        settings.STORE_GATEWAYS = ["razorpay"]

    assert client.get(_page(payment)).status_code == 404
    assert client.post(_page(payment), {"action": "pay"}).status_code == 404
    payment.refresh_from_db()
    assert payment.status == "created"


def test_a_closed_order_cannot_be_paid_from_a_stale_page(client, fake_enabled):
    shopper = ShopperFactory()
    order, payment = gateway_order(shopper, stocked_variant(), gateway="fake")
    from store.services.order_release import order_fail

    order_fail(order, reason="Not paid in time.")
    client.force_login(shopper)

    response = client.post(_page(payment), {"action": "pay"})

    assert response.status_code == 302
    order.refresh_from_db()
    payment.refresh_from_db()
    assert (order.status, payment.status, payment.flagged) == ("failed", "failed", False)
    assert WebhookEvent.objects.count() == 0
    assert 'data-test="closed"' in client.get(_page(payment)).content.decode()
