"""Review "rbrowser": what a shopper tripped on walking the demo in a browser."""

from decimal import Decimal

import pytest
from django.test import Client

from store.tests.factories import (
    SaveBucksProductFactory,
    ShopperFactory,
)
from store.tests.factories_shop import range_variant

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_round_percentages_read_as_numbers_not_exponents():
    """The demo's SaveBucks card read "Any value from USD 5.00 to 200.00 (1E+2% of the
    value)": Decimal("100.0000").normalize() is 1E+2. A 10% cashback read "1E+1%"."""
    product = SaveBucksProductFactory(slug="sb-card", cashback_percent=Decimal("10.0000"))
    range_variant(product, "5.00", "200.00", "100.0000")
    client = _client(ShopperFactory())

    detail = client.get("/gift-cards/sb-card/").content.decode()
    listing = client.get("/gift-cards/").content.decode()

    assert "E+" not in detail and "E+" not in listing
    assert "(100% of the value)" in detail  # the buy form's choice
    assert "100% of the value</td>" in detail  # the variants table
    assert "10% cashback" in detail and "10% cashback" in listing
