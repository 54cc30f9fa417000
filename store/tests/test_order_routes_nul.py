"""An order number (or a fake pay reference) with a NUL byte in the URL is a 404 like any
number that is not the caller's: PostgreSQL refuses NUL in a query, which answered 500."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from store.tests.factories import VariantFactory, add_codes, funded_shopper
from store.tests.factories_shop import wallet_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def shopper():
    variant = VariantFactory()
    add_codes(variant, 1)
    shopper = funded_shopper("20.00")
    wallet_order(shopper, variant)
    return shopper


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/gift-cards/orders/SB-O%00001/"),
        ("post", "/gift-cards/orders/SB-O%00001/cancel/"),
        ("post", "/gift-cards/orders/SB-O%00001/items/1/reveal/"),
        ("get", "/gift-cards/pay/fake/fake_%001/"),
    ],
)
def test_a_nul_in_an_order_page_url_is_404(settings, shopper, method, path):
    settings.DEBUG = True  # the fake pay page exists only then
    settings.STORE_GATEWAYS = ["fake"]
    client = Client(raise_request_exception=False)
    client.force_login(shopper)

    assert getattr(client, method)(path).status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/me/orders/SB-O%00001/"),
        ("post", "/api/v1/me/orders/SB-O%00001/cancel/"),
        ("post", "/api/v1/me/orders/SB-O%00001/items/1/reveal/"),
    ],
)
def test_a_nul_in_an_order_api_url_is_404(shopper, method, path):
    api = APIClient(raise_request_exception=False)
    api.force_login(shopper)

    assert getattr(api, method)(path).status_code == 404
