from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from offers.models import MerchantCommission, Offer

from .factories import CategoryFactory, MerchantFactory, OfferFactory

pytestmark = pytest.mark.django_db


def _titles(page) -> list[str]:
    return [offer.title for offer in page]


def test_home_shows_featured_stores_and_live_featured_offers(client):
    store = MerchantFactory(name="Acme", is_featured=True)
    MerchantFactory(name="Quiet", is_featured=False)
    OfferFactory(title="Featured live", merchant=store, is_featured=True)
    OfferFactory(title="Featured ended", merchant=store, is_featured=True, ends_at=timezone.now())
    OfferFactory(
        title="Featured draft", merchant=store, is_featured=True, status=Offer.Status.DRAFT
    )

    response = client.get(reverse("home"))

    assert [m.name for m in response.context["merchants"]] == ["Acme"]
    assert _titles(response.context["offers"]) == ["Featured live"]


def test_store_page_shows_rates_offers_terms_and_lock_period(client):
    store = MerchantFactory(slug="acme", confirmation_days=45, terms="No gift cards.")
    MerchantCommission.objects.create(
        merchant=store, label="Laptops", commission_value=Decimal("8"), shopper_share=Decimal("50")
    )
    MerchantCommission.objects.create(
        merchant=store,
        label="Expired promo",
        commission_value=Decimal("20"),
        valid_until=timezone.localdate() - timedelta(days=1),
    )
    OfferFactory(merchant=store, title="Live one")
    OfferFactory(merchant=store, title="Gone", status=Offer.Status.INACTIVE)

    response = client.get(reverse("offers:merchant", args=["acme"]))

    html = response.content.decode()
    assert "Cashback confirms in about 45 days" in html
    assert [r.label for r in response.context["merchant"].current_rates] == ["Laptops"]
    assert "4% cashback" in html  # 8% commission, half passed on
    assert _titles(response.context["page"]) == ["Live one"]
    assert "No gift cards." in html
    assert f'href="{reverse("tracking:out-merchant", args=["acme"])}"' in html


def test_an_inactive_or_deleted_store_is_not_found(client):
    MerchantFactory(slug="closed", is_active=False)
    MerchantFactory(slug="gone", deleted_at=timezone.now())

    assert client.get(reverse("offers:merchant", args=["closed"])).status_code == 404
    assert client.get(reverse("offers:merchant", args=["gone"])).status_code == 404


def test_offer_page_hides_the_code_until_reveal_and_counts_the_view_by_beacon(client):
    offer = OfferFactory(offer_type=Offer.Type.CODE, coupon_code="SAVE15")

    html = client.get(reverse("offers:offer", args=[offer.pk])).content.decode()

    assert 'class="coupon-code d-none mb-3"' in html
    assert "SAVE15" in html
    assert f'data-reveal="coupon-{offer.pk}"' in html
    assert f'href="/out/{offer.pk}/"' in html
    assert f'data-view-beacon="/v/{offer.pk}/"' in html


@pytest.mark.parametrize(
    "change",
    [{"status": Offer.Status.EXPIRED}, {"ends_at": timezone.now() - timedelta(seconds=1)}],
)
def test_ended_offers_are_not_shown_anywhere(client, change):
    offer = OfferFactory(title="Old deal", is_featured=True, **change)

    assert client.get(reverse("offers:offer", args=[offer.pk])).status_code == 404
    assert "Old deal" not in client.get(reverse("home")).content.decode()
    store_page = client.get(reverse("offers:merchant", args=[offer.merchant.slug]))
    assert "Old deal" not in store_page.content.decode()


def test_category_page_includes_subcategories(client):
    fashion = CategoryFactory(slug="fashion", name="Fashion")
    shoes = CategoryFactory(slug="shoes", name="Shoes", parent=fashion)
    OfferFactory(title="Boots", category=shoes)
    OfferFactory(title="Jacket", category=fashion)
    OfferFactory(title="Laptop", category=CategoryFactory())

    response = client.get(reverse("offers:category", args=["fashion"]))

    assert sorted(_titles(response.context["page"])) == ["Boots", "Jacket"]
    assert [c.name for c in response.context["children"]] == ["Shoes"]


def test_listings_paginate(client):
    store = MerchantFactory(slug="big")
    for n in range(30):
        OfferFactory(merchant=store, title=f"Offer {n:02d}", priority=100 - n)

    first = client.get(reverse("offers:merchant", args=["big"]))
    second = client.get(reverse("offers:merchant", args=["big"]), {"page": 2})
    beyond = client.get(reverse("offers:merchant", args=["big"]), {"page": 99})

    assert len(first.context["page"]) == 24
    assert _titles(second.context["page"]) == [f"Offer {n:02d}" for n in range(24, 30)]
    assert beyond.context["page"].number == 2


def test_search_finds_stores_and_offers_by_words(client):
    shoes = MerchantFactory(name="Stride Shoes", description="Running and walking shoes")
    OfferFactory(merchant=shoes, title="Trail runners 20% off")
    OfferFactory(title="Cheap flights to Lisbon")

    response = client.get(reverse("offers:search"), {"q": "shoes"})

    assert [m.name for m in response.context["merchants"]] == ["Stride Shoes"]
    assert _titles(response.context["page"]) == ["Trail runners 20% off"]
    empty = client.get(reverse("offers:search"), {"q": "submarines"})
    assert 'data-test="no-results"' in empty.content.decode()


@pytest.mark.postgres
def test_postgres_search_matches_word_forms_and_ranks_titles_first(client):
    OfferFactory(title="Running shoes sale", description="")
    OfferFactory(title="Gadgets", description="for runners who run")
    OfferFactory(title="Books", description="novels")

    response = client.get(reverse("offers:search"), {"q": "runs"})

    assert _titles(response.context["page"]) == ["Running shoes sale", "Gadgets"]
