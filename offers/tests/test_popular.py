"""The home page's best-converting offers: ranked by the last 30 days' figures (the staff
report's), kept in the shared cache and refreshed by the rollup job, which rebuilds the
home catalogue only when the ranking changed."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from offers.home import popular_ranking_refresh
from offers.models import Offer, OfferDailyStats
from offers.selectors import POPULAR_KEY, popular_offers
from tracking.services.offer_stats import offer_stats_roll_up
from tracking.tests.offer_stats_fixture import clicks, sale

from .factories import OfferFactory

pytestmark = pytest.mark.django_db


def _offer(title, *days):
    """An offer with (days ago, clicks, sales) figures."""
    offer = OfferFactory(title=title)
    today = timezone.localdate()
    OfferDailyStats.objects.bulk_create(
        OfferDailyStats(offer=offer, day=today - timedelta(days=ago), clicks=c, sales=s)
        for ago, c, s in days
    )
    return offer


def test_ranked_by_the_last_30_days_conversion_rate_then_clicks():
    _offer("Half", (0, 6, 3), (29, 4, 2))
    _offer("Tenth busy", (1, 100, 10))
    _offer("Tenth", (2, 50, 5))
    _offer("Too few clicks", (0, 9, 9))
    _offer("Was best a month ago", (30, 100, 100), (3, 10, 0))
    ended = _offer("Ended", (0, 10, 10))
    Offer.objects.filter(pk=ended.pk).update(status=Offer.Status.INACTIVE)

    assert [o.title for o in popular_offers(limit=4)] == [
        "Half",
        "Tenth busy",
        "Tenth",
        "Was best a month ago",
    ]


def test_the_ranking_is_kept_but_an_offer_that_ended_drops_out_at_once(django_assert_num_queries):
    best, second = _offer("Best", (0, 10, 9)), _offer("Second", (0, 10, 5))
    popular_offers(limit=1)

    _offer("Newly best", (0, 10, 10))  # ranked only when the ranking is refreshed
    Offer.objects.filter(pk=best.pk).update(status=Offer.Status.INACTIVE)
    with django_assert_num_queries(1):
        shown = popular_offers(limit=1)

    assert [o.title for o in shown] == [second.title]
    assert popular_ranking_refresh() is True
    assert [o.title for o in popular_offers(limit=1)] == ["Newly best"]
    assert popular_ranking_refresh() is False  # nothing moved


def _home(client) -> str:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def _sales(user, offer, n, *, days_ago, status="pending"):
    for _ in range(n):
        sale(
            user,
            offer,
            offer.merchant,
            days_ago=days_ago,
            amount="10.00",
            commission="1.00",
            cashback="0.50",
            status=status,
        )


def test_the_home_page_follows_the_rollup_and_never_counts_a_rejected_sale(
    client, django_assert_num_queries
):
    steady, lucky = OfferFactory(title="Steady seller"), OfferFactory(title="Lucky seller")
    shopper = UserFactory()
    clicks(steady, steady.merchant, 10, days_ago=2)
    clicks(lucky, lucky.merchant, 10, days_ago=2)
    _sales(shopper, steady, 1, days_ago=2)
    _sales(shopper, lucky, 3, days_ago=2, status="rejected")
    offer_stats_roll_up()

    page = _home(client)
    assert "Popular right now" in page
    # 10 clicks each: one sale beats three rejected ones.
    assert page.index("Steady seller") < page.index("Lucky seller")

    # A rollup that changes nothing leaves the warm home page warm.
    offer_stats_roll_up()
    with django_assert_num_queries(0):
        _home(client)

    # Two sales of the lucky seller that stand: the rollup moves the ranking, and the
    # home page shows it at once.
    _sales(shopper, lucky, 2, days_ago=1)
    offer_stats_roll_up()

    assert cache.get(POPULAR_KEY) == [lucky.pk, steady.pk]
    page = _home(client)
    assert page.index("Lucky seller") < page.index("Steady seller")
