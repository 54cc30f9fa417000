import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import AuditLog
from accounts.tests.factories import StaffFactory, SuperuserFactory
from campaigns.tests.factories import CampaignFactory
from config.tokens import token_matches

pytestmark = pytest.mark.django_db


def test_rotate_token_shows_the_new_token_once_and_retires_the_old(client):
    manager = SuperuserFactory()
    manager.groups.add(Group.objects.get(name="Administrator"))
    client.force_login(manager)
    campaign = CampaignFactory(token="old-campaign-token")

    response = client.post(
        reverse("admin:campaigns_campaign_changelist"),
        {"action": "rotate_token", "_selected_action": [campaign.pk]},
        follow=True,
    )

    (shown,) = [str(m) for m in response.context["messages"] if "new postback token" in str(m)]
    token = shown.split("new postback token ")[1].split(" ")[0]
    campaign.refresh_from_db()
    assert token_matches(token, campaign.postback_token_hash)
    assert not token_matches("old-campaign-token", campaign.postback_token_hash)
    log = AuditLog.objects.get()
    assert (log.actor, log.action, log.entity_id) == (
        manager,
        "campaign.rotate_token",
        str(campaign.pk),
    )


@pytest.mark.parametrize("role", ["Affiliate manager", "Content editor", "Finance"])
def test_only_administrators_see_or_rotate_a_campaign_token(client, role):
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name=role))
    client.force_login(staff)
    campaign = CampaignFactory(token="kept-campaign-token")

    listing = client.get(reverse("admin:campaigns_campaign_changelist"))
    forged = client.post(
        reverse("admin:campaigns_campaign_changelist"),
        {"action": "rotate_token", "_selected_action": [campaign.pk]},
        follow=True,
    )

    assert 'value="rotate_token"' not in listing.content.decode()
    assert "new postback token" not in forged.content.decode()
    campaign.refresh_from_db()
    assert token_matches("kept-campaign-token", campaign.postback_token_hash)
    assert AuditLog.objects.filter(action="campaign.rotate_token").count() == 0
