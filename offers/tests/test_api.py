from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from offers.models import Offer

from .factories import CategoryFactory, MerchantFactory, OfferFactory

pytestmark = pytest.mark.django_db

OFFERS = reverse("api-offers")


def _ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


def test_offers_list_is_public_paginated_and_only_live(client):
    live = OfferFactory(title="Live")
    OfferFactory(status=Offer.Status.DRAFT)
    OfferFactory(ends_at=timezone.now() - timedelta(days=1))

    response = client.get(OFFERS)

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], _ids(response)) == (1, [live.pk])
    row = body["results"][0]
    assert row["cashback"] == {
        "type": "percentage",
        "value": "5.0000",
        "max": None,
        "label": "5% cashback",
    }
    assert row["click_out_url"] == f"http://testserver/out/{live.pk}/"
    assert row["merchant"]["slug"] == live.merchant.slug


def test_offer_filters(client):
    fashion = CategoryFactory(slug="fashion")
    shoes = CategoryFactory(slug="shoes", parent=fashion)
    acme = MerchantFactory(slug="acme")
    boots = OfferFactory(
        merchant=acme, category=shoes, offer_type="code", is_featured=True, title="Boots"
    )
    coat = OfferFactory(category=fashion, offer_type="deal", title="Winter coat")
    laptop = OfferFactory(merchant=acme, offer_type="sale", title="Laptop")

    assert sorted(_ids(client.get(OFFERS, {"category": "fashion"}))) == sorted([boots.pk, coat.pk])
    assert sorted(_ids(client.get(OFFERS, {"merchant": "acme"}))) == sorted([boots.pk, laptop.pk])
    assert _ids(client.get(OFFERS, {"type": "sale"})) == [laptop.pk]
    assert _ids(client.get(OFFERS, {"featured": "true"})) == [boots.pk]
    assert _ids(client.get(OFFERS, {"search": "coat"})) == [coat.pk]
    assert _ids(client.get(OFFERS, {"category": "no-such"})) == []
    assert _ids(client.get(OFFERS, {"ordering": "title"})) == [boots.pk, laptop.pk, coat.pk]


def test_bad_filter_values_are_400_with_a_reason(client):
    response = client.get(OFFERS, {"type": "bogus"})

    assert response.status_code == 400
    assert response.json()["field"] == "type"
    assert "bogus is not one of the available choices" in response.json()["detail"]


def test_offer_detail_and_ended_offer_404(client):
    live = OfferFactory()
    ended = OfferFactory(status=Offer.Status.EXPIRED)

    assert client.get(reverse("api-offer", args=[live.pk])).json()["id"] == live.pk
    assert client.get(reverse("api-offer", args=[ended.pk])).status_code == 404


def test_merchants_and_categories(client):
    MerchantFactory(slug="acme", name="Acme", cashback_type="fixed", cashback_value=Decimal("3"))
    MerchantFactory(slug="shut", is_active=False)
    CategoryFactory(slug="travel", name="Travel")

    merchants = client.get(reverse("api-merchants")).json()["results"]
    detail = client.get(reverse("api-merchant", args=["acme"])).json()
    categories = client.get(reverse("api-categories")).json()["results"]

    assert [m["slug"] for m in merchants] == ["acme"]
    assert detail["cashback"]["label"] == "USD 3.00 cashback"
    assert detail["click_out_url"] == "http://testserver/out/m/acme/"
    assert [c["slug"] for c in categories] == ["travel"]
    assert client.get(reverse("api-merchant", args=["shut"])).status_code == 404


def test_offer_list_query_count_does_not_grow_with_rows(client, django_assert_num_queries):
    for _ in range(5):
        OfferFactory(category=CategoryFactory())
    with django_assert_num_queries(2):  # COUNT and one page with merchant and category
        assert len(client.get(OFFERS).json()["results"]) == 5
    for _ in range(10):
        OfferFactory(category=CategoryFactory())
    with django_assert_num_queries(2):
        assert len(client.get(OFFERS).json()["results"]) == 15
