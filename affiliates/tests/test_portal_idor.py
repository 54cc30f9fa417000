"""Partner B, logged in, reaching for partner A's things through the portal pages."""

import pytest
from django.urls import reverse

from affiliates.models import ApiKey, Link, PartnerPostback, PostbackDelivery
from affiliates.services.access import campaign_access_grant
from affiliates.services.apikeys import api_key_create
from affiliates.tests.factories import LinkFactory, PartnerFactory, PostbackFactory
from campaigns.models import Campaign
from campaigns.tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def a_things():
    link = LinkFactory(name="A's secret link", sub1="a-only")
    partner = link.partner
    key, _raw = api_key_create(partner=partner, name="A's key")
    private = CampaignFactory(name="A's private deal", visibility=Campaign.Visibility.PRIVATE)
    campaign_access_grant(partner=partner, campaign=private, actor=None)
    return {
        "partner": partner,
        "link": link,
        "postback": PostbackFactory(partner=partner, url="https://a.example.org/a-hook"),
        "key": key,
        "private": private,
    }


@pytest.fixture
def as_b(client):
    client.force_login(PartnerFactory().user)
    return client


def _state(things):
    """Everything B might have changed of A's."""
    return (
        Link.objects.values_list("status", "name").get(pk=things["link"].pk),
        PartnerPostback.objects.filter(pk=things["postback"].pk).count(),
        PostbackDelivery.objects.count(),
        ApiKey.objects.values_list("revoked_at", flat=True).get(pk=things["key"].pk),
    )


@pytest.mark.parametrize(
    ("method", "name", "thing", "data"),
    [
        ("get", "affiliates:postback", "postback", {}),
        ("post", "affiliates:postback-test", "postback", {}),
        ("post", "affiliates:postback-delete", "postback", {}),
        ("post", "affiliates:link-status", "link", {"status": "paused"}),
        ("post", "affiliates:api-key-revoke", "key", {}),
    ],
)
def test_another_partners_object_is_not_found_and_unchanged(
    as_b, a_things, method, name, thing, data
):
    before = _state(a_things)

    response = getattr(as_b, method)(reverse(name, args=[a_things[thing].pk]), data)

    assert response.status_code == 404
    assert _state(a_things) == before


@pytest.mark.parametrize("name", ["affiliates:campaign", "affiliates:access-request"])
def test_a_private_campaign_shared_with_a_is_not_found_for_b(as_b, a_things, name):
    method = as_b.post if name.endswith("request") else as_b.get

    assert method(reverse(name, args=[a_things["private"].slug])).status_code == 404


@pytest.mark.parametrize(
    "name",
    [
        "affiliates:dashboard",
        "affiliates:campaigns",
        "affiliates:links",
        "affiliates:reports",
        "affiliates:conversions",
        "affiliates:postbacks",
        "affiliates:api-keys",
        "affiliates:payouts",
    ],
)
def test_lists_show_none_of_another_partners_rows(as_b, a_things, name):
    page = as_b.get(reverse(name), {"group_by": "sub1"} if name.endswith("reports") else {})

    content = page.content.decode()
    assert page.status_code == 200
    for secret in ("A&#x27;s secret link", "a-only", "a-hook", "A&#x27;s key", "A&#x27;s private"):
        assert secret not in content, secret
    assert a_things["link"].slug not in content


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("affiliates:links", "A&#x27;s secret link"),
        ("affiliates:postbacks", "a-hook"),
        ("affiliates:api-keys", "A&#x27;s key"),
        ("affiliates:campaigns", "A&#x27;s private deal"),
    ],
)
def test_the_owner_does_see_them(client, a_things, name, secret):
    """The control for the test above: these pages do list the owner's rows."""
    client.force_login(a_things["partner"].user)

    assert secret in client.get(reverse(name)).content.decode()
