"""The affiliate manager's top partners and top campaigns (seed 000's dashboard query)."""

from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import SuperuserFactory
from affiliates.models import DailyClicks
from affiliates.selectors import top_campaigns, top_partners
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
