"""POST /api/v1/me/orders/<number>/cancel/ and the order page's Cancel button, over
store.services.refunds.order_cancel (written beside this work, merged by the lead): a
pending order is cancelled and gives back its hold and codes; a delivered one is 409
invalid_status; another shopper's is 404."""

from decimal import Decimal

import pytest
from django.test import Client
from rest_framework.test import APIClient

from store.models import Code, Order
from store.tests.factories import ShopperFactory, VariantFactory, add_codes, funded_shopper
from store.tests.factories_shop import wallet_order
from wallet.services.audit import wallet_audit
from wallet.tests.factories import balances

pytestmark = pytest.mark.django_db
ZERO = Decimal("0.00")


@pytest.fixture
def pending(settings):
    """A mixed order awaiting its card payment: 4.00 held from the wallet, one code."""
    settings.DEBUG = True
    settings.STORE_GATEWAYS = ["fake"]
    shopper = funded_shopper("4.00")
    variant = VariantFactory()
    add_codes(variant, 1)
    api = APIClient()
    api.force_authenticate(shopper)
    body = {
        "items": [{"variant": variant.pk, "quantity": 1}],
        "payment": "mixed",
        "gateway": "fake",
        "idempotency_key": "k",
    }
    placed = api.post("/api/v1/me/orders/", body, format="json")
    assert placed.status_code == 201
    assert balances(shopper) == {"available": ZERO, "pending": ZERO, "hold": Decimal("4.00")}
    return shopper, Order.objects.get(number=placed.json()["number"])


def test_a_pending_order_is_cancelled_and_gives_everything_back(pending):
    shopper, order = pending
    api = APIClient()
    api.force_authenticate(shopper)

    response = api.post(f"/api/v1/me/orders/{order.number}/cancel/")

    assert response.status_code == 200
    body = response.json()
    assert (body["number"], body["status"], body["cancellable"], body["checkout_url"]) == (
        order.number,
        "cancelled",
        False,
        None,
    )
    assert balances(shopper) == {"available": Decimal("4.00"), "pending": ZERO, "hold": ZERO}
    assert Code.objects.get().status == "available"
    assert wallet_audit() == []


def test_a_delivered_order_is_409_and_changes_nothing():
    shopper = funded_shopper("30.00")
    variant = VariantFactory()
    add_codes(variant, 1)
    order = wallet_order(shopper, variant)
    api = APIClient()
    api.force_authenticate(shopper)

    response = api.post(f"/api/v1/me/orders/{order.number}/cancel/")

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_status"
    order.refresh_from_db()
    assert order.status == Order.Status.FULFILLED
    assert balances(shopper) == {"available": Decimal("20.00"), "pending": ZERO, "hold": ZERO}


def test_another_shoppers_order_is_404_and_stays_pending(pending):
    _, order = pending
    api = APIClient()
    api.force_authenticate(ShopperFactory())

    response = api.post(f"/api/v1/me/orders/{order.number}/cancel/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING


def test_the_order_page_cancel_button(pending):
    shopper, order = pending
    client = Client()
    client.force_login(shopper)

    response = client.post(f"/gift-cards/orders/{order.number}/cancel/", follow=True)

    assert f"Order {order.number} cancelled." in response.content.decode()
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert balances(shopper)["available"] == Decimal("4.00")
