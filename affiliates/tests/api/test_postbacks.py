"""/api/v1/partner/postbacks/: URLs, test sends and the delivery log."""

import pytest
from django.urls import reverse

from affiliates.models import PartnerCampaign, PartnerPostback, PostbackDelivery
from campaigns.tests.factories import CampaignFactory, GoalFactory

from ..factories import PostbackFactory
from ..support import running_tracker

pytestmark = pytest.mark.django_db

POSTBACKS = reverse("api-partner-postbacks")
PUBLIC_HOOK = "https://93.184.215.14/pb?click={click_id}"


def _postback(pk, what=""):
    name = {"": "api-partner-postback", "test": "api-partner-postback-test"}.get(what, what)
    return reverse(name, args=[pk])


def test_creating_a_postback(partner, api):
    campaign = CampaignFactory()

    response = api.post(
        POSTBACKS,
        {"url": PUBLIC_HOOK, "method": "POST", "campaign": campaign.pk},
        format="json",
    )

    assert response.status_code == 201, response.content
    postback = PartnerPostback.objects.get()
    assert (postback.partner, postback.url, postback.method, postback.campaign) == (
        partner,
        PUBLIC_HOOK,
        "POST",
        campaign,
    )
    body = response.json()
    assert (body["id"], body["signing_secret"], body["is_active"]) == (
        postback.pk,
        postback.signing_secret,
        True,
    )


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://127.0.0.1/pb", "invalid_url"),
        ("http://localhost:8000/pb", "invalid_url"),
        ("http://10.0.0.1/pb", "invalid_url"),
        ("http://192.168.0.1/pb", "invalid_url"),
        ("http://169.254.169.254/latest/meta-data/", "invalid_url"),
        ("http://[::1]/pb", "invalid_url"),
        ("ftp://93.184.215.14/pb", "invalid_url"),
        ("file:///etc/passwd", "invalid_url"),
        ("https://93.184.215.14/{nope}", "unknown_macro"),
    ],
)
def test_a_postback_to_a_private_or_odd_target_is_400(api, settings, url, code):
    settings.PARTNER_POSTBACK_ALLOW_PRIVATE = False

    response = api.post(POSTBACKS, {"url": url}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == code
    assert PartnerPostback.objects.count() == 0


def test_a_sixth_postback_is_too_many(partner, api):
    for i in range(5):
        created = api.post(POSTBACKS, {"url": f"{PUBLIC_HOOK}&n={i}"}, format="json")
        assert created.status_code == 201

    response = api.post(POSTBACKS, {"url": PUBLIC_HOOK}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "too_many"
    assert PartnerPostback.objects.filter(partner=partner).count() == 5


@pytest.mark.parametrize("scope", ["campaign", "goal"])
def test_a_postback_for_a_campaign_not_open_to_the_partner_is_refused(api, scope):
    closed = CampaignFactory(visibility="private")
    goal = GoalFactory(campaign=closed)
    target = closed.pk if scope == "campaign" else goal.pk

    response = api.post(POSTBACKS, {"url": PUBLIC_HOOK, scope: target}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "campaign_not_open"
    assert PartnerPostback.objects.count() == 0


def test_a_postback_for_a_goal_follows_the_goals_campaign(api):
    goal = GoalFactory()

    response = api.post(POSTBACKS, {"url": PUBLIC_HOOK, "goal": goal.pk}, format="json")

    assert response.status_code == 201
    assert response.json()["campaign"] == goal.campaign_id


def test_reading_editing_and_deleting_a_postback(partner, api):
    postback = PostbackFactory(partner=partner, url=PUBLIC_HOOK)
    campaign = CampaignFactory()

    read = api.get(_postback(postback.pk))
    edited = api.patch(
        _postback(postback.pk),
        {"method": "POST", "is_active": False, "campaign": campaign.pk},
        format="json",
    )
    postback.refresh_from_db()
    state_after_edit = (postback.url, postback.method, postback.is_active, postback.campaign)
    bad = api.patch(_postback(postback.pk), {"url": "http://10.1.1.1/"}, format="json")
    postback.refresh_from_db()
    deleted = api.delete(_postback(postback.pk))

    assert read.status_code == 200
    assert read.json()["url"] == PUBLIC_HOOK
    assert edited.status_code == 200
    assert state_after_edit == (PUBLIC_HOOK, "POST", False, campaign)
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid_url")
    assert postback.url == PUBLIC_HOOK
    assert deleted.status_code == 204
    assert PartnerPostback.objects.count() == 0


def test_sending_a_test_and_reading_the_delivery_log(
    partner, api, settings, django_capture_on_commit_callbacks
):
    with running_tracker(settings) as tracker:
        postback = PostbackFactory(partner=partner, url=tracker.url + "/t?s1={sub1}")
        other = PostbackFactory(partner=partner, url=tracker.url + "/other")
        PostbackDelivery.objects.create(
            postback=other, event="test", url=other.url, method="GET", status="failed"
        )

        with django_capture_on_commit_callbacks(execute=True):
            sent = api.post(_postback(postback.pk, "test"))
        log = api.get(reverse("api-partner-deliveries", args=[postback.pk])).json()
        failed_only = api.get(
            reverse("api-partner-deliveries", args=[postback.pk]), {"status": "failed"}
        ).json()

    assert sent.status_code == 202
    assert (sent.json()["event"], sent.json()["url"]) == ("test", tracker.url + "/t?s1=test")
    assert [r.path for r in tracker.requests] == ["/t?s1=test"]
    assert log["count"] == 1
    row = log["results"][0]
    assert (row["id"], row["status"], row["attempts"], row["last_status_code"]) == (
        sent.json()["id"],
        "delivered",
        1,
        200,
    )
    assert failed_only["count"] == 0


def test_the_postbacks_list_is_the_partners_own(partner, api):
    mine = PostbackFactory(partner=partner, url=PUBLIC_HOOK)
    PostbackFactory(url="https://93.184.215.14/theirs")

    rows = api.get(POSTBACKS).json()["results"]

    assert [row["id"] for row in rows] == [mine.pk]


def test_moving_a_postback_to_a_campaign_not_open_is_refused_and_changes_nothing(partner, api):
    postback = PostbackFactory(partner=partner, url=PUBLIC_HOOK)
    before = PartnerPostback.objects.values().get(pk=postback.pk)

    response = api.patch(
        _postback(postback.pk),
        {"campaign": CampaignFactory(visibility="approval_required").pk, "method": "POST"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "code": "campaign_not_open",
        "detail": "That campaign is not yours to follow.",
        "field": "campaign",
    }
    assert PartnerPostback.objects.values().get(pk=postback.pk) == before


def test_a_postback_whose_campaign_closed_can_still_be_turned_off(partner, api):
    closed = CampaignFactory(visibility="approval_required")
    access = PartnerCampaign.objects.create(partner=partner, campaign=closed, status="approved")
    created = api.post(POSTBACKS, {"url": PUBLIC_HOOK, "campaign": closed.pk}, format="json")
    access.status = "rejected"
    access.save()

    turned_off = api.patch(_postback(created.json()["id"]), {"is_active": False}, format="json")

    assert (created.status_code, turned_off.status_code) == (201, 200)
    assert list(PartnerPostback.objects.values_list("campaign", "is_active")) == [
        (closed.pk, False)
    ]


def test_a_deleted_postback_is_gone_for_the_partner_and_its_log_kept(partner, api):
    postback = PostbackFactory(partner=partner, url=PUBLIC_HOOK)
    delivery = PostbackDelivery.objects.create(
        postback=postback, event="test", url=PUBLIC_HOOK, method="GET", status="failed"
    )

    response = api.delete(_postback(postback.pk))
    after = [
        api.get(_postback(postback.pk)).status_code,
        api.patch(_postback(postback.pk), {"is_active": True}, format="json").status_code,
        api.delete(_postback(postback.pk)).status_code,
        api.post(_postback(postback.pk, "test")).status_code,
        api.get(reverse("api-partner-deliveries", args=[postback.pk])).status_code,
    ]
    listed = api.get(POSTBACKS).json()

    assert response.status_code == 204
    assert after == [404, 404, 404, 404, 404]
    assert listed["results"] == []
    assert list(PostbackDelivery.objects.values_list("pk", flat=True)) == [delivery.pk]
    postback = PartnerPostback.all_objects.get(pk=postback.pk)
    assert (postback.deleted_by, postback.is_active) == (partner.user, True)


def test_another_partners_postback_cannot_be_deleted(api):
    theirs = PostbackFactory(url=PUBLIC_HOOK)

    response = api.delete(_postback(theirs.pk))

    assert response.status_code == 404
    assert list(PartnerPostback.objects.values_list("pk", flat=True)) == [theirs.pk]
