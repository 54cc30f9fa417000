"""Partner B reaching for partner A's things through the partner API: every object
endpoint answers 404 (never 403, which would confirm the id), every list leaves A's rows
out, and nothing of A's changes."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from affiliates.models import (
    ApiKey,
    Conversion,
    DailyClicks,
    Link,
    PartnerPostback,
    PostbackDelivery,
)
from affiliates.services.access import campaign_access_grant
from affiliates.services.payable import commissions_make_payable
from affiliates.services.payouts import partner_payout_request
from campaigns.tests.factories import CampaignFactory, GoalFactory
from wallet.models import Account, Entry, Withdrawal

from .factories import LinkFactory, PartnerFactory, PostbackFactory
from .support import key_client, record_conversion

pytestmark = pytest.mark.django_db


def _world(name, commission):
    """A partner with a link, clicks, an approved and paid-out conversion, a postback with
    a delivery, an API key and a private campaign of their own."""
    partner = PartnerFactory(name=name)
    campaign = CampaignFactory(name=f"{name}'s campaign")
    GoalFactory(campaign=campaign, commission_value=Decimal(commission))
    private = CampaignFactory(name=f"{name}'s private deal", visibility="private")
    campaign_access_grant(partner=partner, campaign=private, actor=None)
    link = LinkFactory(partner=partner, campaign=campaign, name=f"{name}'s link", sub1=name)
    DailyClicks.objects.create(
        partner=partner,
        link=link,
        campaign=campaign,
        day=timezone.localdate(),
        sub1=name,
        clicks=7,
        unique_clicks=6,
    )
    conversion = record_conversion(link, txn_id=f"{name}-T1", status="approved", sub1=name)
    commissions_make_payable(now=timezone.now() + timedelta(days=31))
    withdrawal = partner_payout_request(partner=partner)
    postback = PostbackFactory(partner=partner, url=f"https://93.184.215.14/{name}")
    delivery = PostbackDelivery.objects.create(
        postback=postback, conversion=conversion, event="created", url=postback.url, method="GET"
    )
    client, key = key_client(partner)
    return {
        "partner": partner,
        "campaign": campaign,
        "private": private,
        "link": link,
        "conversion": conversion,
        "withdrawal": withdrawal,
        "postback": postback,
        "delivery": delivery,
        "key": key,
        "client": client,
    }


@pytest.fixture
def a():
    return _world("alice", "60")


@pytest.fixture
def b():
    return _world("bob", "75")


@pytest.fixture(params=["key", "session"])
def as_b(request, b):
    if request.param == "key":
        return b["client"]
    client = APIClient()
    client.force_login(b["partner"].user)
    return client


def _snapshot(world):
    """Everything of a partner's that B might have changed."""
    partner = world["partner"]
    return {
        "links": list(Link.objects.filter(partner=partner).order_by("pk").values()),
        "postbacks": list(
            PartnerPostback.objects.filter(partner=partner)
            .order_by("pk")
            .values("id", "url", "method", "campaign", "goal", "is_active")
        ),
        "deliveries": list(
            PostbackDelivery.objects.filter(postback__partner=partner).order_by("pk").values()
        ),
        "conversions": list(Conversion.objects.filter(partner=partner).order_by("pk").values()),
        "withdrawals": list(
            Withdrawal.objects.filter(user=partner.user).order_by("pk").values("id", "status")
        ),
        "keys": list(ApiKey.objects.filter(partner=partner).values("id", "revoked_at")),
        "balances": list(
            Account.objects.filter(owner=partner.user).order_by("pk").values("kind", "balance")
        ),
        "entries": Entry.objects.count(),
    }


# method, url name, whose id, data, what the owner gets
OBJECT_ENDPOINTS = [
    ("get", "api-partner-link", "link", None, 200),
    ("patch", "api-partner-link", "link", {"name": "mine now", "status": "paused"}, 200),
    # A's link carried a conversion: it is history, so even A may only pause it.
    ("delete", "api-partner-link", "link", None, 409),
    ("get", "api-partner-postback", "postback", None, 200),
    (
        "patch",
        "api-partner-postback",
        "postback",
        {"url": "https://93.184.215.14/stolen", "is_active": False},
        200,
    ),
    ("delete", "api-partner-postback", "postback", None, 204),
    ("post", "api-partner-postback-test", "postback", None, 202),
    ("get", "api-partner-deliveries", "postback", None, 200),
]
MODEL_NAMES = {"link": "Link", "postback": "PartnerPostback"}


@pytest.mark.parametrize(("method", "name", "thing", "data", "_owner"), OBJECT_ENDPOINTS)
def test_another_partners_object_is_not_found_and_unchanged(
    a, as_b, django_capture_on_commit_callbacks, method, name, thing, data, _owner
):
    before = _snapshot(a)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = getattr(as_b, method)(reverse(name, args=[a[thing].pk]), data, format="json")

    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "detail": f"No {MODEL_NAMES[thing]} matches the given query.",
    }
    assert callbacks == []
    assert _snapshot(a) == before


@pytest.mark.parametrize(("method", "name", "thing", "data", "owner"), OBJECT_ENDPOINTS)
def test_the_owner_reaches_the_same_endpoints(
    a, django_capture_on_commit_callbacks, method, name, thing, data, owner
):
    """The matrix is not vacuous: with A's own key every one of them answers."""
    with django_capture_on_commit_callbacks(execute=False):
        response = getattr(a["client"], method)(
            reverse(name, args=[a[thing].pk]), data, format="json"
        )

    assert response.status_code == owner


@pytest.mark.parametrize(
    ("name", "key", "own"),
    [
        ("api-partner-links", "id", lambda w: [w["link"].pk]),
        ("api-partner-conversions", "id", lambda w: [w["conversion"].pk]),
        ("api-partner-payouts", "id", lambda w: [w["withdrawal"].pk]),
        ("api-partner-postbacks", "id", lambda w: [w["postback"].pk]),
    ],
)
def test_lists_show_only_the_callers_rows(a, b, as_b, name, key, own):
    before = _snapshot(a)

    rows = as_b.get(reverse(name)).json()["results"]

    assert [row[key] for row in rows] == own(b)
    assert _snapshot(a) == before


@pytest.mark.parametrize("filter_name", ["campaign", "status"])
def test_filtering_by_another_partners_values_finds_nothing_of_theirs(a, b, as_b, filter_name):
    value = a["campaign"].pk if filter_name == "campaign" else "approved"

    rows = as_b.get(reverse("api-partner-conversions"), {filter_name: value}).json()["results"]

    assert a["conversion"].pk not in [row["id"] for row in rows]


@pytest.mark.parametrize("group_by", ["day", "campaign", "goal", "sub1"])
def test_reports_count_only_the_callers_numbers(a, b, as_b, group_by):
    rows = as_b.get(reverse("api-partner-reports"), {"group_by": group_by}).json()
    of_a = as_b.get(
        reverse("api-partner-reports"), {"group_by": group_by, "campaign": a["campaign"].pk}
    ).json()

    assert sum(row["conversions"] for row in rows) == 1
    assert sum(Decimal(row["earnings"]) for row in rows) == Decimal("75.00")
    if group_by != "goal":
        assert sum(row["clicks"] for row in rows) == 7
    assert "alice" not in {row["group"] for row in rows}
    assert of_a == []


def test_campaigns_list_leaves_out_another_partners_private_campaign(a, b, as_b):
    names = [row["name"] for row in as_b.get(reverse("api-partner-campaigns")).json()["results"]]

    assert "bob's private deal" in names
    assert "alice's private deal" not in names


def test_another_partners_private_campaign_cannot_be_linked_or_followed(a, b, as_b):
    before = _snapshot(a)
    links, postbacks = Link.objects.count(), PartnerPostback.objects.count()

    link = as_b.post(reverse("api-partner-links"), {"campaign": a["private"].pk}, format="json")
    postback = as_b.post(
        reverse("api-partner-postbacks"),
        {"url": "https://93.184.215.14/b", "campaign": a["private"].pk},
        format="json",
    )

    assert (link.status_code, link.json()["code"]) == (400, "campaign_not_open")
    assert (postback.status_code, postback.json()["code"]) == (400, "campaign_not_open")
    assert (Link.objects.count(), PartnerPostback.objects.count()) == (links, postbacks)
    assert _snapshot(a) == before


def test_a_payout_request_by_b_moves_only_bs_money(a, b, as_b):
    """Both already asked for everything; a second request finds nothing of A's to take."""
    before = _snapshot(a)

    response = as_b.post(reverse("api-partner-payouts"))

    assert response.status_code == 400
    assert response.json()["code"] == "below_minimum"
    assert _snapshot(a) == before
