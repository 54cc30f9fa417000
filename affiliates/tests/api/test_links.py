"""/api/v1/partner/links/."""

from decimal import Decimal

import pytest
from django.urls import reverse

from affiliates.models import Link
from campaigns.tests.factories import CampaignFactory

from ..factories import LinkFactory

pytestmark = pytest.mark.django_db

D = Decimal
LINKS = reverse("api-partner-links")


def _link(pk):
    return reverse("api-partner-link", args=[pk])


def test_creating_a_link(partner, api):
    campaign = CampaignFactory()

    response = api.post(
        LINKS,
        {
            "campaign": campaign.pk,
            "name": "Spring blog post",
            "destination_url": "https://shop.example.com/spring?c={click_id}&s={sub1}",
            "sub1": "spring",
            "slug": "spring-post",
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    link = Link.objects.get()
    body = response.json()
    assert (link.partner, link.campaign, link.slug, link.sub1) == (
        partner,
        campaign,
        "spring-post",
        "spring",
    )
    assert body["id"] == link.pk
    assert body["url"] == "http://testserver/go/spring-post/"
    assert (body["destination_url"], body["status"], body["earnings"]) == (
        "https://shop.example.com/spring?c={click_id}&s={sub1}",
        "active",
        "0.00",
    )


def test_a_link_with_nothing_but_a_campaign_gets_its_name_slug_and_landing_page(api):
    campaign = CampaignFactory(name="Winter")

    response = api.post(LINKS, {"campaign": campaign.pk}, format="json")

    link = Link.objects.get()
    assert response.status_code == 201
    assert (link.name, link.destination_url) == ("Winter", "https://example.com/landing")
    assert len(link.slug) == 8


@pytest.mark.parametrize(
    ("destination", "code"),
    [
        ("https://evil.example.org/phish", "domain_not_allowed"),
        ("https://example.com.evil.org/", "domain_not_allowed"),
        ("https://notexample.com/", "domain_not_allowed"),
        ("javascript:alert(1)", "invalid_url"),
        ("ftp://example.com/file", "invalid_url"),
        ("https://example.com/?x={password}", "unknown_macro"),
    ],
)
def test_a_destination_outside_the_campaigns_domains_is_refused(api, destination, code):
    campaign = CampaignFactory()

    response = api.post(
        LINKS, {"campaign": campaign.pk, "destination_url": destination}, format="json"
    )

    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == (code, "destination_url")
    assert Link.objects.count() == 0


def test_a_slug_already_taken_by_anyone_is_refused(api):
    LinkFactory(slug="taken")

    response = api.post(LINKS, {"campaign": CampaignFactory().pk, "slug": "taken"}, format="json")

    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("slug_taken", "slug")
    assert Link.objects.count() == 1


@pytest.mark.parametrize("slug", ["has space", "a/b", "x" * 65])
def test_a_malformed_slug_is_refused(api, slug):
    response = api.post(LINKS, {"campaign": CampaignFactory().pk, "slug": slug}, format="json")

    assert response.status_code == 400
    assert response.json()["field"] == "slug"
    assert Link.objects.count() == 0


@pytest.mark.parametrize(
    "campaign",
    [
        {"visibility": "private"},
        {"visibility": "approval_required"},
        {"status": "ended"},
    ],
)
def test_a_campaign_not_open_to_the_partner_cannot_be_linked(api, campaign):
    response = api.post(LINKS, {"campaign": CampaignFactory(**campaign).pk}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "campaign_not_open"
    assert Link.objects.count() == 0


def test_an_unknown_campaign_is_a_validation_error(api):
    response = api.post(LINKS, {"campaign": 999999}, format="json")

    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("does_not_exist", "campaign")


def test_listing_links_shows_the_partners_own_filtered(partner, api):
    first = LinkFactory(partner=partner, name="first")
    second = LinkFactory(partner=partner, name="second", status="paused")
    LinkFactory(name="someone else's")

    everything = api.get(LINKS).json()
    paused = api.get(LINKS, {"status": "paused"}).json()
    of_campaign = api.get(LINKS, {"campaign": first.campaign_id}).json()

    assert everything["count"] == 2
    assert [row["name"] for row in everything["results"]] == ["second", "first"]
    assert [row["id"] for row in paused["results"]] == [second.pk]
    assert [row["id"] for row in of_campaign["results"]] == [first.pk]


def test_reading_and_editing_a_link(partner, api):
    link = LinkFactory(partner=partner, slug="mine")
    other_campaign = CampaignFactory()

    read = api.get(_link(link.pk))
    edited = api.patch(
        _link(link.pk),
        {
            "name": "Renamed",
            "status": "paused",
            "destination_url": "https://example.com/new?c={click_id}",
            "sub2": "two",
            "campaign": other_campaign.pk,  # fixed once created
            "slug": "changed",  # likewise
            "earnings": "999.00",  # read-only
        },
        format="json",
    )

    link.refresh_from_db()
    assert read.status_code == 200
    assert read.json()["slug"] == "mine"
    assert edited.status_code == 200
    assert (link.name, link.status, link.destination_url, link.sub2) == (
        "Renamed",
        "paused",
        "https://example.com/new?c={click_id}",
        "two",
    )
    assert (link.campaign_id, link.slug, link.earnings) == (
        link.campaign.pk,
        "mine",
        D("0.00"),
    )
    assert link.campaign_id != other_campaign.pk
    assert edited.json()["name"] == "Renamed"


@pytest.mark.parametrize(
    ("data", "status", "field"),
    [
        ({"destination_url": "https://elsewhere.org/"}, 400, "destination_url"),
        ({"status": "deleted"}, 400, "status"),
        ({"name": "x" * 201}, 400, "name"),
    ],
)
def test_a_bad_edit_changes_nothing(partner, api, data, status, field):
    link = LinkFactory(partner=partner, name="Same")
    before = Link.objects.values().get(pk=link.pk)

    response = api.patch(_link(link.pk), data, format="json")

    assert response.status_code == status
    assert response.json()["field"] == field
    assert Link.objects.values().get(pk=link.pk) == before


def test_a_blank_name_falls_back_to_the_campaigns(partner, api):
    link = LinkFactory(partner=partner, name="Old")

    api.patch(_link(link.pk), {"name": "  "}, format="json")

    link.refresh_from_db()
    assert link.name == link.campaign.name


def test_deleting_a_link_without_traffic(partner, api):
    link = LinkFactory(partner=partner)

    response = api.delete(_link(link.pk))

    assert response.status_code == 204
    assert Link.objects.count() == 0


def test_a_link_with_traffic_is_paused_not_deleted(partner, api):
    link = LinkFactory(partner=partner)
    Link.objects.filter(pk=link.pk).update(clicks_count=3)

    response = api.delete(_link(link.pk))

    assert response.status_code == 409
    assert response.json()["code"] == "has_traffic"
    assert Link.objects.filter(pk=link.pk).exists()


def test_put_is_not_offered(partner, api):
    link = LinkFactory(partner=partner)

    assert api.put(_link(link.pk), {"name": "x"}, format="json").status_code == 405
