"""The home page's catalogue is built once per process and kept as HTML: a warm home page
makes no query, and what it shows still follows every save at once and every offer's
start and end to the second."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from offers.models import Offer
from offers.tests.factories import MerchantFactory, OfferFactory

pytestmark = pytest.mark.django_db


def _home(client) -> str:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def later(monkeypatch):
    """Move every clock that reads django.utils.timezone.now forward."""
    real_now = timezone.now

    def move(delta: timedelta) -> None:
        monkeypatch.setattr(timezone, "now", lambda: real_now() + delta)

    return move


def test_a_warm_home_page_makes_no_query(client, django_assert_num_queries):
    store = MerchantFactory(name="Acme", is_featured=True)
    OfferFactory(title="Featured deal", merchant=store, is_featured=True)
    assert "Featured deal" in _home(client)

    with django_assert_num_queries(0):
        page = _home(client)

    assert "Featured deal" in page
    assert "Acme" in page


def test_an_offer_unfeatured_by_staff_leaves_at_once(client):
    offer = OfferFactory(title="Featured deal", is_featured=True)
    assert "Featured deal" in _home(client)

    offer.is_featured = False
    offer.save()

    assert "Featured deal" not in _home(client)


def test_an_offer_leaves_when_it_ends_with_nothing_saved(client, later):
    OfferFactory(title="Ending deal", is_featured=True, ends_at=timezone.now() + timedelta(hours=1))
    assert "Ending deal" in _home(client)

    later(timedelta(minutes=59))
    assert "Ending deal" in _home(client)
    later(timedelta(hours=1, seconds=1))
    assert "Ending deal" not in _home(client)


def test_a_featured_offer_appears_when_it_starts_with_nothing_saved(client, later):
    OfferFactory(
        title="Coming deal", is_featured=True, starts_at=timezone.now() + timedelta(hours=1)
    )
    OfferFactory(title="Other deal", is_featured=True, status=Offer.Status.DRAFT)
    assert "Coming deal" not in _home(client)

    later(timedelta(hours=1, seconds=1))

    assert "Coming deal" in _home(client)
    assert "Other deal" not in _home(client)
