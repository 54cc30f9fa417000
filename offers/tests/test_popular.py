"""The home page's best-converting offers: ranked from the counters, kept a minute."""

import pytest

from offers.models import Offer
from offers.selectors import popular_offers

from .factories import OfferFactory

pytestmark = pytest.mark.django_db


def _offer(title, clicks, conversions):
    return OfferFactory(title=title, clicks_count=clicks, conversions_count=conversions)


def test_ranked_by_conversion_rate_then_clicks_with_a_minimum_of_clicks():
    _offer("Half", 10, 5)
    _offer("Tenth busy", 100, 10)
    _offer("Tenth", 50, 5)
    _offer("Too few clicks", 9, 9)

    assert [o.title for o in popular_offers(limit=3)] == ["Half", "Tenth busy", "Tenth"]


def test_the_ranking_is_kept_but_an_offer_that_ended_drops_out_at_once(django_assert_num_queries):
    best, second = _offer("Best", 10, 9), _offer("Second", 10, 5)
    popular_offers(limit=1)

    _offer("Newly best", 10, 10)  # ranked only when the ranking expires
    Offer.objects.filter(pk=best.pk).update(status=Offer.Status.INACTIVE)
    with django_assert_num_queries(1):
        shown = popular_offers(limit=1)

    assert [o.title for o in shown] == [second.title]
