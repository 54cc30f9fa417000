"""The partner API under /api/v1/partner/: who may call it, and what each endpoint does."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from accounts.tests.factories import StaffFactory, SuperuserFactory, UserFactory
from affiliates.models import (
    ApiKey,
    DailyClicks,
    Link,
    Partner,
    PartnerCampaign,
    PartnerPostback,
    PostbackDelivery,
)
from affiliates.services.apikeys import api_key_revoke
from affiliates.services.payable import commissions_make_payable
from campaigns.models import Campaign
from campaigns.tests.factories import CampaignFactory, GoalFactory
from wallet.models import Account, Withdrawal

from .factories import LinkFactory, PartnerFactory, PendingPartnerFactory, PostbackFactory
from .support import key_client, record_conversion, running_tracker

pytestmark = pytest.mark.django_db

D = Decimal
CAMPAIGNS = reverse("api-partner-campaigns")
LINKS = reverse("api-partner-links")
REPORTS = reverse("api-partner-reports")
CONVERSIONS = reverse("api-partner-conversions")
PAYOUTS = reverse("api-partner-payouts")
POSTBACKS = reverse("api-partner-postbacks")
PUBLIC_HOOK = "https://93.184.215.14/pb?click={click_id}"


def _link(pk):
    return reverse("api-partner-link", args=[pk])


def _postback(pk, what=""):
    name = {"": "api-partner-postback", "test": "api-partner-postback-test"}.get(what, what)
    return reverse(name, args=[pk])


@pytest.fixture
def partner():
    return PartnerFactory()


@pytest.fixture
def api(partner):
    client, _key = key_client(partner)
    return client


# --- who may call -----------------------------------------------------------------------


def test_an_api_key_authenticates_its_partner_and_its_use_is_recorded(partner):
    client, key = key_client(partner)

    response = client.get(LINKS)

    key.refresh_from_db()
    assert response.status_code == 200
    assert key.last_used_at is not None


def test_only_a_digest_of_the_key_is_stored(partner):
    _client, key = key_client(partner)
    stored = ApiKey.objects.values_list("prefix", "key_hash").get(pk=key.pk)

    assert len(stored[0]) == 8
    assert len(stored[1]) == 64
    assert all(stored[0] + "." not in value for value in stored[1:])


def test_a_revoked_key_stops_working_at_once(partner):
    client, key = key_client(partner)
    before = client.get(LINKS)

    assert api_key_revoke(key=key) is True
    after = client.get(LINKS)

    assert before.status_code == 200
    assert after.status_code == 401
    assert after["WWW-Authenticate"] == "Api-Key"
    assert after.json() == {
        "code": "authentication_failed",
        "detail": "This API key is not valid or was revoked.",
    }
    assert api_key_revoke(key=key) is False  # once


def test_revoking_one_key_leaves_the_others_working(partner):
    first, first_key = key_client(partner, "first")
    second, _ = key_client(partner, "second")

    api_key_revoke(key=first_key)

    assert (first.get(LINKS).status_code, second.get(LINKS).status_code) == (401, 200)


@pytest.mark.parametrize(
    "header",
    [
        "Api-Key {prefix}.not-the-secret",
        "Api-Key {prefix}",
        "Api-Key nonsense",
        "Api-Key ",
        "Api-Key {raw}x",
    ],
)
def test_a_wrong_key_is_refused(partner, header):
    client, key = key_client(partner)
    raw = client._credentials["HTTP_AUTHORIZATION"].split(" ", 1)[1]
    client.credentials(HTTP_AUTHORIZATION=header.format(prefix=key.prefix, raw=raw))

    response = client.get(LINKS)

    assert response.status_code == 401
    assert response.json()["detail"] == "This API key is not valid or was revoked."


@pytest.mark.parametrize("header", [None, "Bearer abc", "Token abc", "api-key abc"])
def test_no_key_is_not_authenticated(header):
    client = APIClient()
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)

    response = client.get(LINKS)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Api-Key"


@pytest.mark.parametrize("factory", [UserFactory, StaffFactory, SuperuserFactory])
def test_a_logged_in_user_who_is_not_a_partner_is_forbidden(factory):
    client = APIClient()
    client.force_login(factory())

    responses = [client.get(url).status_code for url in (CAMPAIGNS, LINKS, REPORTS, PAYOUTS)]

    assert responses == [403] * 4


@pytest.mark.parametrize("status", ["pending", "rejected", "suspended"])
def test_a_partner_who_is_not_approved_is_forbidden_by_session_or_key(partner, status):
    client, _key = key_client(partner)
    Partner.objects.filter(pk=partner.pk).update(status=status)
    session = APIClient()
    session.force_login(partner.user)

    by_key, by_session = client.get(LINKS), session.get(LINKS)
    posted = client.post(LINKS, {"campaign": CampaignFactory().pk, "name": "x"})

    assert (by_key.status_code, by_session.status_code, posted.status_code) == (403, 403, 403)
    assert by_key.json() == {
        "code": "permission_denied",
        "detail": "Only approved partners may use the partner API.",
    }
    assert Link.objects.count() == 0


def test_a_pending_applicant_is_forbidden():
    client = APIClient()
    client.force_login(PendingPartnerFactory().user)

    assert client.get(LINKS).status_code == 403


@pytest.mark.parametrize("status", [User.Status.SUSPENDED, User.Status.INACTIVE])
def test_the_key_of_a_disabled_user_is_refused(partner, status):
    client, _key = key_client(partner)
    User.objects.filter(pk=partner.user_id).update(status=status)

    assert client.get(LINKS).status_code == 401


def test_the_partners_own_session_works_and_enforces_csrf(partner):
    campaign = CampaignFactory()
    session = APIClient(enforce_csrf_checks=True)
    session.force_login(partner.user)
    by_key, _ = key_client(partner)
    by_key_csrf = APIClient(enforce_csrf_checks=True)
    by_key_csrf.credentials(**by_key._credentials)

    listed = session.get(LINKS)
    forged = session.post(LINKS, {"campaign": campaign.pk}, format="json")
    with_key = by_key_csrf.post(LINKS, {"campaign": campaign.pk}, format="json")

    assert listed.status_code == 200
    assert forged.status_code == 403
    assert "CSRF" in forged.json()["detail"]
    assert with_key.status_code == 201  # a key is not a cookie: no CSRF to forge
    assert Link.objects.count() == 1


def test_each_key_has_its_own_throttle(partner, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "partner_key": "3/minute",
        },
    }
    busy, _ = key_client(partner, "busy")
    calm, _ = key_client(partner, "calm")

    codes = [busy.get(LINKS).status_code for _ in range(4)]
    other = calm.get(LINKS)

    assert codes == [200, 200, 200, 429]
    assert other.status_code == 200
    assert int(busy.get(LINKS)["Retry-After"]) > 0


# --- campaigns ---------------------------------------------------------------------------


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


# --- links -------------------------------------------------------------------------------


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


# --- reports -----------------------------------------------------------------------------


@pytest.fixture
def reported(partner):
    """Today: 15 clicks and three conversions (one declined) for the partner, split by
    sub1 and goal; plus another partner's numbers that must never show."""
    today = timezone.localdate()
    campaign = CampaignFactory(name="Report campaign")
    sale = GoalFactory(campaign=campaign, name="Sale")
    lead = GoalFactory(campaign=campaign, name="Lead", is_default=False, commission_value=D("2.5"))
    link = LinkFactory(partner=partner, campaign=campaign)
    DailyClicks.objects.create(
        partner=partner, link=link, campaign=campaign, day=today, sub1="abc", clicks=10,
        unique_clicks=8,
    )  # fmt: skip
    DailyClicks.objects.create(
        partner=partner, link=link, campaign=campaign, day=today, sub1="", clicks=5,
        unique_clicks=5,
    )  # fmt: skip
    DailyClicks.objects.create(
        partner=partner, link=link, campaign=campaign, day=today - timedelta(days=40), sub1="abc",
        clicks=100, unique_clicks=100,
    )  # fmt: skip
    record_conversion(link, goal=sale, sub1="abc")
    record_conversion(link, goal=lead, sub1="abc")
    record_conversion(link, goal=sale, sub1="abc", status="declined")
    record_conversion(link, goal=sale, sub1="")
    other = LinkFactory(campaign=campaign)
    DailyClicks.objects.create(
        partner=other.partner, link=other, campaign=campaign, day=today, sub1="abc", clicks=1000,
        unique_clicks=900,
    )  # fmt: skip
    record_conversion(other, goal=sale, sub1="abc")
    return {"today": today, "campaign": campaign, "sale": sale, "lead": lead}


def test_report_by_sub1(api, reported):
    response = api.get(REPORTS, {"group_by": "sub1"})

    assert response.status_code == 200
    assert response.json() == [
        {
            "group": "",
            "label": "",
            "clicks": 5,
            "unique_clicks": 5,
            "conversions": 1,
            "earnings": "10.00",
            "conversion_rate": "20.00",
        },
        {
            "group": "abc",
            "label": "abc",
            "clicks": 10,
            "unique_clicks": 8,
            "conversions": 2,
            "earnings": "12.50",
            "conversion_rate": "20.00",
        },
    ]


def test_report_by_campaign_goal_and_day(api, reported):
    today = reported["today"].isoformat()

    by_campaign = api.get(REPORTS, {"group_by": "campaign"}).json()
    by_goal = api.get(REPORTS, {"group_by": "goal"}).json()
    by_day = api.get(REPORTS, {"group_by": "day"}).json()

    pk = reported["campaign"].pk
    assert [(r["group"], r["label"], r["clicks"], r["conversions"]) for r in by_campaign] == [
        (str(pk), "Report campaign", 15, 3)
    ]
    assert sorted(
        (r["group"], r["clicks"], r["unique_clicks"], r["conversions"], r["earnings"])
        for r in by_goal
    ) == sorted(
        [
            (reported["sale"].tracking_code, None, None, 2, "20.00"),
            (reported["lead"].tracking_code, None, None, 1, "2.50"),
        ]
    )
    assert [(r["group"], r["clicks"], r["conversions"], r["earnings"]) for r in by_day] == [
        (today, 15, 3, "22.50")
    ]


def test_report_dates_choose_the_window(api, reported):
    long_ago = (reported["today"] - timedelta(days=40)).isoformat()

    old = api.get(REPORTS, {"group_by": "sub1", "date_from": long_ago, "date_to": long_ago})
    the_campaign = api.get(REPORTS, {"group_by": "sub1", "campaign": reported["campaign"].pk})
    another = api.get(REPORTS, {"group_by": "sub1", "campaign": CampaignFactory().pk})

    assert [(r["group"], r["clicks"], r["conversions"]) for r in old.json()] == [("abc", 100, 0)]
    assert len(the_campaign.json()) == 2
    assert another.json() == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"group_by": "week"}, "group_by"),
        ({"group_by": "partner"}, "group_by"),
        ({"date_from": "2025-03-02", "date_to": "2025-03-01"}, None),
        ({"date_from": "2023-01-01", "date_to": "2025-01-01"}, None),
        ({"date_from": "yesterday"}, "date_from"),
        ({"date_to": "2025-02-30"}, "date_to"),
        ({"campaign": "abc"}, "campaign"),
        ({"campaign": "0"}, "campaign"),
    ],
)
def test_bad_report_parameters_are_400(api, params, field):
    response = api.get(REPORTS, params)

    assert response.status_code == 400
    assert response.json().get("field") == field
    assert response.json()["code"] and response.json()["detail"]


# --- conversions -------------------------------------------------------------------------


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


# --- payouts -----------------------------------------------------------------------------


def _payable(partner, commission="30", count=2):
    """`count` approved commissions of `commission`, credited to the payable account."""
    link = LinkFactory(partner=partner)
    GoalFactory(campaign=link.campaign, commission_value=D(commission))
    for _ in range(count):
        record_conversion(link, status="approved")
    commissions_make_payable(now=timezone.now() + timedelta(days=31))


def _balance(partner, kind=Account.Kind.PARTNER_PAYABLE):
    account = Account.objects.filter(owner=partner.user, kind=kind).first()
    return account.balance if account else D("0.00")


def test_a_payout_below_the_minimum_is_400_and_moves_nothing(partner, api):
    _payable(partner, "20")

    response = api.post(PAYOUTS)

    assert response.status_code == 400
    assert response.json() == {
        "code": "below_minimum",
        "detail": "Payouts start at USD 50.00; you have 40.00.",
    }
    assert Withdrawal.objects.count() == 0
    assert _balance(partner) == D("40.00")


def test_a_payout_request_holds_everything_payable(partner, api):
    _payable(partner, "30")

    response = api.post(PAYOUTS)
    listed = api.get(PAYOUTS).json()

    assert response.status_code == 201, response.content
    withdrawal = Withdrawal.objects.get()
    assert (withdrawal.user, withdrawal.source, withdrawal.status) == (
        partner.user,
        "commission",
        "pending",
    )
    assert (withdrawal.amount, withdrawal.fee, withdrawal.net_amount) == (
        D("60.00"),
        D("1.20"),  # PayPal's 2%
        D("58.80"),
    )
    assert response.json() == {
        "id": withdrawal.pk,
        "method": "paypal",
        "amount": "60.00",
        "fee": "1.20",
        "net_amount": "58.80",
        "currency": "USD",
        "status": "pending",
        "reason": "",
        "payout_details": {"paypal_email": "••••.com"},  # masked, as for shoppers
        "requested_at": response.json()["requested_at"],
        "completed_at": None,
    }
    assert [row["id"] for row in listed["results"]] == [withdrawal.pk]
    assert (_balance(partner), _balance(partner, Account.Kind.PARTNER_HOLD)) == (
        D("0.00"),
        D("60.00"),
    )


def test_payouts_list_only_the_partners_commission_withdrawals(partner, api):
    _payable(partner, "30")
    api.post(PAYOUTS)
    someone = PartnerFactory()
    _payable(someone, "30")
    client, _ = key_client(someone)
    client.post(PAYOUTS)

    rows = api.get(PAYOUTS).json()["results"]

    assert len(rows) == 1
    assert Withdrawal.objects.count() == 2


# --- postbacks ---------------------------------------------------------------------------


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
        assert api.post(POSTBACKS, {"url": f"{PUBLIC_HOOK}&n={i}"}).status_code == 201

    response = api.post(POSTBACKS, {"url": PUBLIC_HOOK})

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


def test_the_schema_documents_the_api_key():
    response = APIClient().get("/api/schema/", {"format": "json"})

    if response.status_code == 404:  # the schema is served in DEBUG only
        pytest.skip("schema not served")
    schemes = response.json()["components"]["securitySchemes"]
    assert schemes["PartnerApiKey"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": "`Api-Key <key>`: create keys in the partner area (shown once).",
    }
