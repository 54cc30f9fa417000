"""GET /api/v1/gift-cards/products/ and /<slug>/: live products in the catalog's order,
each with its on-sale variants, prices as decimal strings and stock; filters; a fixed
number of queries whatever the page holds."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from offers.tests.factories import CategoryFactory, MerchantFactory
from store.models import Product
from store.tests.factories import (
    ProductFactory,
    SaveBucksProductFactory,
    VariantFactory,
    add_codes,
)
from store.tests.factories_shop import range_variant

pytestmark = pytest.mark.django_db
URL = "/api/v1/gift-cards/products/"


def _slugs(response) -> list[str]:
    return [product["slug"] for product in response.json()["results"]]


def test_a_product_answers_with_its_variants_prices_and_stock():
    brand = MerchantFactory(slug="acme", name="Acme")
    category = CategoryFactory(slug="food")
    product = ProductFactory(
        slug="acme-card",
        name="Acme e-gift card",
        sku="ACME-1",
        merchant=brand,
        category=category,
        cashback_percent=Decimal("2.5000"),
        is_featured=True,
    )
    ten = VariantFactory(product=product, denomination=Decimal("10.00"))
    fifty = VariantFactory(
        product=product, denomination=Decimal("50.00"), selling_price=Decimal("48.50")
    )
    ranged = range_variant(product, "5.00", "200.00", "97.5000")
    VariantFactory(product=product, denomination=Decimal("99.00"), is_available=False)
    add_codes(ten, 2)

    response = APIClient().get(f"{URL}acme-card/")

    assert response.status_code == 200
    body = response.json()
    assert body == {
        "slug": "acme-card",
        "name": "Acme e-gift card",
        "sku": "ACME-1",
        "kind": "voucher",
        "brand": {"slug": "acme", "name": "Acme"},
        "category": "food",
        "description": "",
        "terms": "",
        "delivery": "email",
        "validity_days": 365,
        "featured": True,
        "bestseller": False,
        "cashback_percent": "2.5000",
        "currency": "USD",
        "price_from": "4.88",
        "in_stock": True,
        "variants": body["variants"],
    }
    # Fixed denominations smallest first, then the range; never the one off sale.
    assert [variant["id"] for variant in body["variants"]] == [ten.pk, fifty.pk, ranged.pk]
    by_id = {variant["id"]: variant for variant in body["variants"]}
    assert by_id == {
        ten.pk: {
            "id": ten.pk,
            "denomination": "10.00",
            "price": "10.00",
            "min_value": None,
            "max_value": None,
            "price_percent": "100.0000",
            "in_stock": True,
        },
        fifty.pk: {
            "id": fifty.pk,
            "denomination": "50.00",
            "price": "48.50",
            "min_value": None,
            "max_value": None,
            "price_percent": "100.0000",
            "in_stock": False,
        },
        ranged.pk: {
            "id": ranged.pk,
            "denomination": None,
            "price": None,
            "min_value": "5.00",
            "max_value": "200.00",
            "price_percent": "97.5000",
            "in_stock": False,
        },
    }


def test_supplier_and_savebucks_products_are_in_stock_without_codes():
    supplier = VariantFactory(product=ProductFactory(slug="sup", source=Product.Source.SUPPLIER))
    ours = VariantFactory(product=SaveBucksProductFactory(slug="sb"))

    body = {p["slug"]: p for p in APIClient().get(URL).json()["results"]}

    assert body["sup"]["variants"][0] == {**body["sup"]["variants"][0], "in_stock": True}
    assert body["sup"]["in_stock"] is True
    assert body["sb"]["in_stock"] is True and body["sb"]["brand"] is None
    assert [v["id"] for v in body["sup"]["variants"]] == [supplier.pk]
    assert [v["id"] for v in body["sb"]["variants"]] == [ours.pk]


def test_only_live_products_in_priority_then_name_order():
    ProductFactory(slug="b-low", name="B", priority=0)
    ProductFactory(slug="a-low", name="A", priority=0)
    ProductFactory(slug="top", name="Z", priority=9)
    ProductFactory(slug="off", is_active=False)
    ProductFactory(slug="gone", deleted_at=timezone.now())

    response = APIClient().get(URL)

    assert response.status_code == 200
    assert response.json()["count"] == 3
    assert _slugs(response) == ["top", "a-low", "b-low"]
    assert APIClient().get(f"{URL}gone/").status_code == 404
    assert APIClient().get(f"{URL}off/").json() == {
        "code": "not_found",
        "detail": "No such gift card on sale.",
    }


def test_filters_by_brand_category_kind_price_stock_and_featured():
    acme = MerchantFactory(slug="acme")
    food = CategoryFactory(slug="food")
    stocked = VariantFactory(
        product=ProductFactory(slug="acme-10", merchant=acme, category=food, is_featured=True),
        denomination=Decimal("10.00"),
    )
    add_codes(stocked, 1)
    VariantFactory(product=ProductFactory(slug="other-50"), denomination=Decimal("50.00"))
    range_variant(ProductFactory(slug="ranged"), "100.00", "200.00", "90.0000")
    VariantFactory(product=SaveBucksProductFactory(slug="sb-25"), denomination=Decimal("25.00"))
    api = APIClient()

    assert _slugs(api.get(URL, {"brand": "acme"})) == ["acme-10"]
    assert _slugs(api.get(URL, {"category": "food"})) == ["acme-10"]
    assert _slugs(api.get(URL, {"kind": "savebucks"})) == ["sb-25"]
    assert _slugs(api.get(URL, {"featured": "true"})) == ["acme-10"]
    assert sorted(_slugs(api.get(URL, {"min_price": "20", "max_price": "60"}))) == [
        "other-50",
        "sb-25",
    ]
    # A range card priced 90.00 to 180.00 meets a window from 150.00.
    assert _slugs(api.get(URL, {"min_price": "150"})) == ["ranged"]
    assert _slugs(api.get(URL, {"max_price": "9.99"})) == []
    assert sorted(_slugs(api.get(URL, {"in_stock": "true"}))) == ["acme-10", "sb-25"]
    assert sorted(_slugs(api.get(URL, {"in_stock": "false"}))) == ["other-50", "ranged"]


@pytest.mark.parametrize(
    "query",
    [{"in_stock": "maybe"}, {"kind": "cheese"}, {"min_price": "ten"}, {"max_price": "-1"}],
)
def test_a_filter_it_cannot_read_is_a_400_naming_it(query):
    response = APIClient().get(URL, query)

    assert response.status_code == 400
    assert response.json()["field"] == next(iter(query))


def test_expired_codes_are_not_stock():
    variant = VariantFactory(product=ProductFactory(slug="old"))
    add_codes(variant, 1)
    variant.codes.update(expires_on=timezone.localdate() - timedelta(days=1))

    body = APIClient().get(f"{URL}old/").json()

    assert (body["in_stock"], body["variants"][0]["in_stock"]) == (False, False)


def _catalog(products: int) -> None:
    for _ in range(products):
        product = ProductFactory(merchant=MerchantFactory(), category=CategoryFactory())
        for denomination in ("10.00", "25.00"):
            add_codes(VariantFactory(product=product, denomination=Decimal(denomination)), 1)


@pytest.mark.parametrize("products", [1, 6])
def test_the_list_costs_four_queries_whatever_it_holds(django_assert_num_queries, products):
    _catalog(products)
    api = APIClient()

    # count, products with brand and category, their variants, their stock
    with django_assert_num_queries(4):
        response = api.get(URL)

    assert response.status_code == 200
    assert len(response.json()["results"]) == products
