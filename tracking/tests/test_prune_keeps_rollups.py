"""Pruning never lowers a figure: the counters and daily partner clicks stay as they were,
and rebuild_rollups after a prune (or two) gives them back unchanged."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from affiliates.models import DailyClicks, Link
from campaigns.tests.factories import GoalFactory
from offers.models import MerchantDailyStats, Offer, OfferDailyStats
from offers.tests.factories import OfferFactory
from tracking.models import AffiliateClick, Click, OfferClicksBefore, PruneState
from tracking.services.retention import raw_data_prune
from tracking.tasks import rollup_counters

from .factories import AffiliateClickFactory
from .test_prune_raw_data import _affiliate_click, _click

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


@pytest.fixture
def counted():
    offer = OfferFactory()
    link = AffiliateClickFactory().link
    AffiliateClick.objects.all().delete()
    GoalFactory(campaign=link.campaign)
    for age, unsold, sold in ((401, 2, 1), (395, 2, 0), (10, 1, 0)):
        for _ in range(unsold):
            _click(offer, age * DAY)
            _affiliate_click(link, age * DAY)
        for _ in range(sold):
            _click(offer, age * DAY, sold=True)
            _affiliate_click(link, age * DAY, converted=True)
    rollup_counters()
    return offer, link


def _figures(offer, link):
    offer = Offer.objects.get(pk=offer.pk)
    link = Link.objects.get(pk=link.pk)
    return {
        "offer_clicks": offer.clicks_count,
        "link": (link.clicks_count, link.unique_clicks_count),
        "days": sorted(DailyClicks.objects.values_list("day", "clicks", "unique_clicks")),
        "offer_days": sorted(OfferDailyStats.objects.values_list("day", "clicks")),
        "store_days": sorted(MerchantDailyStats.objects.values_list("day", "clicks")),
    }


def _rebuild():
    call_command("rebuild_rollups", stdout=io.StringIO())


def test_figures_survive_a_prune_and_a_rebuild_after_it(counted):
    offer, link = counted
    before = _figures(offer, link)
    assert before["offer_clicks"] == 6
    assert before["link"] == (6, 6)
    assert [clicks for _day, clicks, _u in before["days"]] == [3, 2, 1]
    # (a sale's own day may add a row without clicks)
    assert [clicks for _day, clicks in before["offer_days"] if clicks] == [3, 2, 1]
    assert [clicks for _day, clicks in before["store_days"] if clicks] == [3, 2, 1]

    raw_data_prune()
    after_prune = _figures(offer, link)
    _rebuild()

    assert (Click.objects.count(), AffiliateClick.objects.count()) == (4, 4)
    assert after_prune == before
    assert _figures(offer, link) == before
    assert OfferClicksBefore.objects.get(offer=offer).clicks == 3


def test_the_boundary_moves_on_without_counting_a_click_twice(counted):
    offer, link = counted
    before = _figures(offer, link)
    today = timezone.localdate()

    raw_data_prune(today=today)
    raw_data_prune(today=today)  # the same day again: the boundary does not move
    # The 395-day-old clicks fall behind it too; it moves a week a run at most.
    first_step = raw_data_prune(today=today + 10 * DAY)
    second_step = raw_data_prune(today=today + 10 * DAY)
    _rebuild()

    assert (Click.objects.count(), AffiliateClick.objects.count()) == (2, 2)
    assert _figures(offer, link) == before
    assert OfferClicksBefore.objects.get(offer=offer).clicks == 5
    assert [r.finished for r in first_step[:2]] == [False, False]
    assert [r.finished for r in second_step[:2]] == [True, True]
    assert PruneState.objects.get(table="tracking.click").pruned_before.date() == (
        today + 10 * DAY - 400 * DAY
    )


def test_new_clicks_after_a_prune_roll_up_as_before(counted):
    offer, link = counted
    raw_data_prune()
    before = _figures(offer, link)

    _click(offer, timedelta(minutes=5))
    AffiliateClickFactory(link=link, age=timedelta(minutes=5))
    rollup_counters()
    after = _figures(offer, link)
    _rebuild()

    assert after["offer_clicks"] == before["offer_clicks"] + 1
    assert after["link"] == (7, 7)
    assert _figures(offer, link) == after


def test_a_backlog_is_pruned_a_week_of_clicks_a_run():
    # Oldest first, as clicks arrive (ids follow time: each run goes on after the last).
    offer = OfferFactory()
    for age in (420, 412, 405, 401, 401):
        _click(offer, age * DAY)
    _click(offer, 401 * DAY, sold=True)
    _click(offer, 10 * DAY)
    rollup_counters()
    today = timezone.localdate()

    runs = [raw_data_prune()[0] for _ in range(4)]

    # From the oldest day (420 days ago) a week a run: 413, 406, then the cutoff (400).
    assert [(r.deleted, r.kept, r.finished) for r in runs] == [
        (1, 0, False),
        (1, 0, False),
        (3, 1, True),
        (0, 0, True),
    ]
    assert PruneState.objects.get(table="tracking.click").pruned_before.date() == (
        today - 400 * DAY
    )
    _rebuild()
    assert Offer.objects.get(pk=offer.pk).clicks_count == 7


def test_a_rebuild_goes_past_a_batch_of_kept_clicks_behind_the_boundary(counted):
    # After a prune, the oldest ids left are clicks behind the boundary kept for their
    # sale. A rebuild batch made only of those counted 0 rows, and the rebuild stopped
    # there: every newer click was missing from the figures until the minute job caught
    # up, a batch a minute.
    from tracking.services.offer_stats import offer_stats_rebuild
    from tracking.services.rollups import rollups_rebuild

    offer, link = counted
    raw_data_prune()
    before = _figures(offer, link)

    rollups_rebuild(batch_size=1)
    offer_stats_rebuild(batch_size=1)

    assert _figures(offer, link) == before
