"""GET /api/v1/partner/conversions/."""

import pytest
from django.urls import reverse

from campaigns.tests.factories import GoalFactory

from ..factories import LinkFactory
from ..support import record_conversion

pytestmark = pytest.mark.django_db

CONVERSIONS = reverse("api-partner-conversions")


def test_conversions_are_the_partners_own_filtered_by_status(partner, api):
    link = LinkFactory(partner=partner)
    goal = GoalFactory(campaign=link.campaign)
    pending = record_conversion(link, txn_id="P1")
    approved = record_conversion(link, txn_id="A1", status="approved", sub1="s")
    record_conversion(LinkFactory(campaign=link.campaign), txn_id="OTHER")

    everything = api.get(CONVERSIONS).json()
    only_approved = api.get(CONVERSIONS, {"status": "approved"}).json()

    assert [row["txn_id"] for row in everything["results"]] == ["A1", "P1"]
    assert [row["id"] for row in only_approved["results"]] == [approved.pk]
    row = everything["results"][0]
    assert (row["campaign"], row["goal"], row["commission"], row["amount"], row["sub1"]) == (
        link.campaign.name,
        goal.tracking_code,
        "10.00",
        "100.00",
        "s",
    )
    assert row["payable_at"] is not None
    assert pending.pk in {r["id"] for r in everything["results"]}
