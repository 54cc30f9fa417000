import pytest
from django.db import IntegrityError

from campaigns.models import Campaign

pytestmark = pytest.mark.django_db


def test_new_campaigns_start_paused_and_need_approval():
    campaign = Campaign.objects.create(name="Spring Sale", slug="spring-sale")

    assert (campaign.status, campaign.visibility) == ("paused", "approval_required")
    assert str(campaign) == "Spring Sale"


def test_slugs_are_unique():
    Campaign.objects.create(name="A", slug="same")
    with pytest.raises(IntegrityError):
        Campaign.objects.create(name="B", slug="same")
