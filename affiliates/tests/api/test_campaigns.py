"""GET /api/v1/partner/campaigns/."""

import pytest
from django.urls import reverse

from affiliates.models import PartnerCampaign
from campaigns.models import Campaign
from campaigns.tests.factories import CampaignFactory, GoalFactory

from ..factories import PartnerFactory

pytestmark = pytest.mark.django_db

CAMPAIGNS = reverse("api-partner-campaigns")


def test_campaigns_are_the_public_ones_and_those_the_partner_was_let_into(partner, api):
    visible, hidden = [], []  # names, in the order the API sorts them (by name)

    def make(name, visibility="public", status="active", access=None, shown=True):
        campaign = CampaignFactory(name=name, visibility=visibility, status=status)
        GoalFactory(campaign=campaign, name="Sale")
        GoalFactory(campaign=campaign, name="Paused", is_default=False, status="paused")
        if access:
            PartnerCampaign.objects.create(partner=partner, campaign=campaign, status=access)
        (visible if shown else hidden).append(name)

    make("A public")
    make("B public, paused", status="paused")
    make("C public, ended", status="ended", shown=False)
    make("D on request", visibility="approval_required", shown=False)
    make("E on request, approved", visibility="approval_required", access="approved")
    make("F on request, asked", visibility="approval_required", access="pending", shown=False)
    make("G on request, refused", visibility="approval_required", access="rejected", shown=False)
    make("H private", visibility="private", shown=False)
    make("I private, invited", visibility="private", access="approved")
    make(
        "J private, invited, ended",
        visibility="private",
        access="approved",
        status="ended",
        shown=False,
    )
    other = PartnerFactory()
    for campaign in Campaign.objects.filter(name__in=["D on request", "H private"]):
        PartnerCampaign.objects.create(partner=other, campaign=campaign, status="approved")

    rows = api.get(CAMPAIGNS).json()["results"]

    assert [row["name"] for row in rows] == visible
    assert len(visible) == 4
    assert len(hidden) == 6
    assert {tuple(g["name"] for g in row["goals"]) for row in rows} == {("Sale",)}
    assert rows[0]["goals"][0]["commission_value"] == "10.0000"
