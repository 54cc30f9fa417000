"""The affiliate manager's top partners and top campaigns (seed 000's dashboard query)."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import SuperuserFactory
from affiliates.models import CampaignDailyStats, DailyClicks, PartnerDailyStats
from affiliates.selectors import partner_top_campaigns, top_campaigns, top_partners
from affiliates.services.conversions import conversion_set_status
from affiliates.services.stats import daily_stats_refresh
from campaigns.models import Campaign
from campaigns.tests.factories import CampaignFactory, GoalFactory

from .factories import LinkFactory
from .support import record_conversion

pytestmark = pytest.mark.django_db


def _clicks(link, count):
    DailyClicks.objects.create(
        partner=link.partner,
        link=link,
        campaign=link.campaign,
        day=timezone.localdate(),
        clicks=count,
        unique_clicks=count,
    )


@pytest.fixture
def programme():
    """Two campaigns with traffic, one paused; declined sales earn nothing."""
    shoes, hats, paused = (
        CampaignFactory(name="Shoes"),
        CampaignFactory(name="Hats"),
        CampaignFactory(name="Paused"),
    )
    for campaign in (shoes, hats, paused):
        GoalFactory(campaign=campaign)  # fixed 10.00
    ann, bob = LinkFactory(campaign=shoes), LinkFactory(campaign=hats)
    old = LinkFactory(campaign=paused, partner=ann.partner)
    _clicks(ann, 40)
    _clicks(bob, 10)
    _clicks(old, 99)
    for txn in ("S1", "S2", "S3"):
        record_conversion(ann, txn_id=txn, amount="80.00")
    record_conversion(ann, txn_id="S4", status="declined")
    record_conversion(bob, txn_id="H1", amount="20.00")
    Campaign.objects.filter(pk=paused.pk).update(status=Campaign.Status.PAUSED)
    daily_stats_refresh()
    return ann, bob


def test_top_campaigns_by_earnings_leave_out_declined_sales_and_paused_campaigns(programme):
    rows = [
        (r["campaign"].name, r["clicks"], r["conversions"], r["earnings"], r["conversion_rate"])
        for r in top_campaigns()
    ]

    assert rows == [
        ("Shoes", 40, 3, D("30.00"), D("7.50")),
        ("Hats", 10, 1, D("10.00"), D("10.00")),
    ]
    assert top_campaigns()[0]["avg_conversion_value"] == D("80.00")


def test_top_partners_by_earnings(programme):
    ann, bob = programme

    rows = [(r["partner"], r["conversions"], r["earnings"], r["on_hold"]) for r in top_partners()]

    assert rows == [(ann.partner, 3, D("30.00"), 0), (bob.partner, 1, D("10.00"), 0)]


def test_the_affiliate_manager_page_lists_both(client, programme):
    client.force_login(SuperuserFactory())

    page = client.get(reverse("admin:affiliates_overview"))

    assert page.status_code == 200
    assert [r["campaign"].name for r in page.context["top_campaigns"]] == ["Shoes", "Hats"]


def test_the_lists_follow_a_decline_at_the_next_refresh(programme):
    ann, _bob = programme
    conversion = ann.partner.conversions.get(txn_id="S1")
    conversion_set_status(conversion=conversion, status="declined", reason="Returned")
    assert top_partners()[0]["earnings"] == D("30.00")  # until the minute's refresh

    daily_stats_refresh()

    first = top_partners()[0]
    assert (first["partner"], first["earnings"]) == (ann.partner, D("20.00"))
    assert top_campaigns()[0]["conversions"] == 2


def test_only_the_trailing_window_is_recounted(programme):
    assert daily_stats_refresh() == CampaignDailyStats.objects.count() + (
        PartnerDailyStats.objects.count()
    )
    old = CampaignDailyStats.objects.create(
        campaign=Campaign.objects.get(name="Shoes"),
        day=timezone.localdate() - timedelta(days=90),
        clicks=5,
    )

    daily_stats_refresh()

    assert CampaignDailyStats.objects.filter(pk=old.pk).exists()
    daily_stats_refresh(days=None)  # everything: the hand-made day has no clicks behind it
    assert not CampaignDailyStats.objects.filter(day=old.day).exists()


def test_a_partners_own_top_campaigns_are_live(programme):
    ann, _bob = programme
    record_conversion(ann, txn_id="S9", amount="10.00")

    rows = partner_top_campaigns(partner=ann.partner)

    assert [(r["campaign"].name, r["conversions"], r["earnings"]) for r in rows] == [
        ("Shoes", 4, D("40.00")),
    ]


def test_the_overview_sums_the_daily_stats_once_per_recount(
    client, programme, django_assert_num_queries
):
    client.force_login(SuperuserFactory())
    url = reverse("admin:affiliates_overview")
    # The user (the session is in the cache), the two sums, the partners and the live
    # campaigns.
    with django_assert_num_queries(5):
        assert client.get(url).status_code == 200

    # The sums come from the cache until the stats are recounted: names and statuses
    # are still read.
    with django_assert_num_queries(3):
        page = client.get(url)
    assert [r["campaign"].name for r in page.context["top_campaigns"]] == ["Shoes", "Hats"]

    daily_stats_refresh()
    with django_assert_num_queries(5):
        client.get(url)
