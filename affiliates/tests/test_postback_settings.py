"""A partner's postback URLs in the portal, and the rules under both the portal and the
API: which campaign a URL may follow (postback_save) and how one goes (postback_delete)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from affiliates.models import PartnerCampaign, PartnerPostback, PostbackDelivery
from affiliates.outbound import HttpResult
from affiliates.services.deliveries import (
    PostbackRefused,
    deliveries_dispatch,
    postback_delete,
    postback_save,
)
from campaigns.tests.factories import CampaignFactory, GoalFactory

from .factories import PartnerFactory, PostbackFactory

pytestmark = pytest.mark.django_db

HOOK = "https://93.184.215.14/pb?click={click_id}"
PAGE = reverse("affiliates:postbacks")


@pytest.fixture
def partner(client):
    partner = PartnerFactory()
    client.force_login(partner.user)
    return partner


@pytest.fixture
def campaigns(partner):
    """One campaign of each kind of access, by what the partner may do with it."""
    invited = CampaignFactory(name="Invited private", visibility="private")
    PartnerCampaign.objects.create(partner=partner, campaign=invited, status="approved")
    asked = CampaignFactory(name="Asked, waiting", visibility="approval_required")
    PartnerCampaign.objects.create(partner=partner, campaign=asked, status="pending")
    return {
        "public": CampaignFactory(name="Public deal"),
        "invited": invited,
        "private": CampaignFactory(name="Their private", visibility="private"),
        "asked": asked,
        "ended": CampaignFactory(name="Ended deal", status="ended"),
    }


def test_the_form_offers_only_the_campaigns_open_to_the_partner(client, partner, campaigns):
    page = client.get(PAGE).content.decode()

    offered = {name for name in ("Public deal", "Invited private") if name in page}
    hidden = {name for name in ("Their private", "Asked, waiting", "Ended deal") if name in page}
    assert (offered, hidden) == ({"Public deal", "Invited private"}, set())


@pytest.mark.parametrize("kind", ["public", "invited"])
def test_a_postback_for_an_open_campaign_is_saved(client, partner, campaigns, kind):
    response = client.post(PAGE, {"url": HOOK, "method": "GET", "campaign": campaigns[kind].pk})

    assert response.status_code == 302
    assert list(PartnerPostback.objects.values_list("partner", "campaign")) == [
        (partner.pk, campaigns[kind].pk)
    ]


@pytest.mark.parametrize("kind", ["private", "asked", "ended"])
def test_a_postback_for_a_campaign_not_open_is_refused_by_the_service(
    client, partner, campaigns, kind
):
    """The form lets any campaign through; postback_save refuses it, as for the API."""
    response = client.post(PAGE, {"url": HOOK, "method": "GET", "campaign": campaigns[kind].pk})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "campaign": ["That campaign is not yours to follow."]
    }
    assert PartnerPostback.objects.count() == 0


def test_the_service_refuses_a_goal_of_a_campaign_not_open():
    partner = PartnerFactory()
    goal = GoalFactory(campaign=CampaignFactory(visibility="private"))

    with pytest.raises(PostbackRefused) as refused:
        postback_save(partner=partner, url=HOOK, goal=goal)

    assert (refused.value.code, refused.value.field) == ("campaign_not_open", "goal")
    assert PartnerPostback.objects.count() == 0


def test_a_postback_keeps_its_campaign_after_access_ends_and_can_still_be_turned_off(
    partner, campaigns
):
    postback = postback_save(partner=partner, url=HOOK, campaign=campaigns["invited"])
    PartnerCampaign.objects.filter(partner=partner).update(status="rejected")

    postback_save(
        partner=partner,
        postback=postback,
        url=HOOK,
        campaign=campaigns["invited"],
        is_active=False,
    )

    postback.refresh_from_db()
    assert (postback.campaign, postback.is_active) == (campaigns["invited"], False)


def test_deleting_a_postback_hides_it_and_keeps_its_delivery_log(client, partner):
    postback = PostbackFactory(partner=partner, url=HOOK)
    kept = PostbackFactory(partner=partner, url=HOOK + "&kept=1")
    for target in (postback, kept):
        PostbackDelivery.objects.create(
            postback=target, event="test", url=target.url, method="GET", status="failed"
        )

    response = client.post(reverse("affiliates:postback-delete", args=[postback.pk]))

    assert response["Location"] == PAGE
    assert list(PartnerPostback.objects.values_list("pk", flat=True)) == [kept.pk]
    postback = PartnerPostback.all_objects.get(pk=postback.pk)
    assert (postback.deleted_by, postback.deleted_at is not None) == (partner.user, True)
    assert sorted(PostbackDelivery.objects.values_list("postback", flat=True)) == [
        postback.pk,
        kept.pk,
    ]


def test_another_partners_postback_cannot_be_deleted(client, partner):
    theirs = PostbackFactory(url=HOOK)

    response = client.post(reverse("affiliates:postback-delete", args=[theirs.pk]))

    assert response.status_code == 404
    assert list(PartnerPostback.objects.values_list("pk", flat=True)) == [theirs.pk]


def test_a_postback_deleted_while_its_delivery_is_in_flight_records_nothing():
    postback = PostbackFactory(url=HOOK)
    PostbackDelivery.objects.create(
        postback=postback, event="test", url=HOOK, method="GET", next_attempt_at=timezone.now()
    )
    sent = []

    def sender(method, url, *, body=None, headers=None):
        sent.append(url)
        postback_delete(postback=postback)  # the partner deletes it mid-send
        return HttpResult(status=200, body="ok")

    report = deliveries_dispatch(sender=sender)

    assert sent == [HOOK]
    assert (report.delivered, report.retrying, report.failed) == (0, 0, 0)
    assert PartnerPostback.objects.count() == 0
    delivery = PostbackDelivery.objects.get()
    assert (delivery.status, delivery.last_error) == ("failed", "The postback URL was deleted.")
