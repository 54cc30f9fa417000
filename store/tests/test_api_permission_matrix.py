"""Who may call each shopper route of the store: anonymous callers are refused (403 on
the API, the login page on the site), an API key reaches none of them, and another
shopper's order or item is a 404 that reveals, cancels and changes nothing."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from affiliates.services.apikeys import api_key_create
from affiliates.tests.factories import PartnerFactory
from store.models import Code, Order
from store.tests.factories import ShopperFactory, VariantFactory, add_codes, funded_shopper
from store.tests.factories_shop import wallet_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def order():
    variant = VariantFactory()
    add_codes(variant, 1)
    return wallet_order(funded_shopper("20.00"), variant)


def _api_routes(order):
    item = order.items.get()
    return [
        ("get", "/api/v1/me/orders/"),
        ("post", "/api/v1/me/orders/"),
        ("get", f"/api/v1/me/orders/{order.number}/"),
        ("post", f"/api/v1/me/orders/{order.number}/cancel/"),
        ("post", f"/api/v1/me/orders/{order.number}/items/{item.pk}/reveal/"),
        ("post", "/api/v1/me/gift-cards/redeem/"),
    ]


def _page_routes(order):
    item = order.items.get()
    return [
        ("get", "/gift-cards/orders/"),
        ("get", f"/gift-cards/orders/{order.number}/"),
        ("post", f"/gift-cards/orders/{order.number}/cancel/"),
        ("post", f"/gift-cards/orders/{order.number}/items/{item.pk}/reveal/"),
        ("get", "/gift-cards/redeem/"),
        ("post", "/gift-cards/redeem/"),
    ]


def _unchanged(order) -> None:
    order.refresh_from_db()
    assert order.status == Order.Status.FULFILLED
    assert list(Code.objects.values_list("status", "reveal_count")) == [("sold", 0)]


def test_anonymous_api_callers_are_403(order):
    api = APIClient()

    answers = {
        path: getattr(api, method)(path, {}, format="json") for method, path in _api_routes(order)
    }

    assert {path: (a.status_code, a.json()["code"]) for path, a in answers.items()} == {
        path: (403, "not_authenticated") for _, path in _api_routes(order)
    }
    _unchanged(order)


def test_an_api_key_reaches_no_shopper_route_even_its_own_users(order):
    _, key = api_key_create(partner=PartnerFactory(user=order.user), name="app")
    api = APIClient(HTTP_AUTHORIZATION=f"Api-Key {key}")

    statuses = {
        path: getattr(api, method)(path, {}, format="json").status_code
        for method, path in _api_routes(order)
    }

    assert statuses == {path: 403 for _, path in _api_routes(order)}
    _unchanged(order)


def test_anonymous_page_visitors_go_to_the_login(order):
    client = Client()

    for method, path in _page_routes(order):
        response = getattr(client, method)(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/login/?next="), path
    _unchanged(order)


def test_another_shoppers_order_is_404_everywhere(order):
    stranger = ShopperFactory()
    api = APIClient()
    api.force_authenticate(stranger)
    client = Client()
    client.force_login(stranger)
    mine_only = [r for r in _api_routes(order) if order.number in r[1]]
    pages = [r for r in _page_routes(order) if order.number in r[1]]

    api_answers = [getattr(api, m)(p).status_code for m, p in mine_only]
    page_answers = [getattr(client, m)(p).status_code for m, p in pages]

    assert api_answers == [404, 404, 404]
    assert page_answers == [404, 404, 404]
    _unchanged(order)
