"""The partner portal pages: who gets in, and what each form does (and does not do)."""

import csv
import io
import json
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import PASSWORD, UserFactory
from affiliates.models import ApiKey, DailyClicks, Link, Partner, PartnerCampaign, PartnerPostback
from affiliates.services.apikeys import api_key_check
from affiliates.tests.factories import LinkFactory, PartnerFactory, PendingPartnerFactory
from campaigns.models import Campaign
from campaigns.tests.factories import CampaignFactory, GoalFactory
from wallet.models import Withdrawal

from .support import record_conversion

pytestmark = pytest.mark.django_db

PORTAL_PAGES = [
    "affiliates:dashboard",
    "affiliates:campaigns",
    "affiliates:links",
    "affiliates:reports",
    "affiliates:conversions",
    "affiliates:payouts",
    "affiliates:postbacks",
    "affiliates:api-keys",
]


@pytest.fixture
def partner(client):
    partner = PartnerFactory()
    client.force_login(partner.user)
    return partner


def test_anonymous_visitors_are_asked_to_log_in(client):
    response = client.get(reverse("affiliates:dashboard"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_shopper_applies_and_waits_for_approval(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("affiliates:links"))["Location"] == reverse("affiliates:apply")

    response = client.post(
        reverse("affiliates:apply"),
        {
            "name": "Sam Seller",
            "company": "Deals Weekly",
            "website": "https://deals.example.org",
            "traffic_sources": "A newsletter with 20k readers",
        },
    )

    assert response["Location"] == reverse("affiliates:pending")
    partner = Partner.objects.get(user=user)
    assert (partner.status, partner.company, partner.traffic_sources) == (
        "pending",
        "Deals Weekly",
        "A newsletter with 20k readers",
    )
    for page in PORTAL_PAGES:
        assert client.get(reverse(page))["Location"] == reverse("affiliates:pending"), page
    assert "Pending approval" in client.get(reverse("affiliates:pending")).content.decode()
    assert client.get(reverse("affiliates:apply"))["Location"] == reverse("affiliates:pending")


def test_applying_needs_a_website_that_is_a_url_and_a_traffic_description(client):
    client.force_login(UserFactory())

    response = client.post(reverse("affiliates:apply"), {"name": "Sam", "website": "deals example"})

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"website", "traffic_sources"}
    assert Partner.objects.count() == 0


def test_a_rejected_applicant_sees_why_and_may_apply_again(client):
    partner = PendingPartnerFactory(status="rejected", status_reason="No website yet")
    client.force_login(partner.user)

    page = client.get(reverse("affiliates:apply")).content.decode()
    client.post(reverse("affiliates:apply"), {"name": "Pat", "traffic_sources": "A blog now"})

    assert "No website yet" in page
    partner.refresh_from_db()
    assert (partner.status, partner.traffic_sources) == ("pending", "A blog now")


def test_every_portal_page_renders_for_an_approved_partner(client, partner):
    for page in PORTAL_PAGES:
        response = client.get(reverse(page))
        assert response.status_code == 200, page
        assert 'data-test="partner-nav"' in response.content.decode()


def test_building_a_link(client, partner):
    campaign = CampaignFactory()

    response = client.post(
        reverse("affiliates:links"),
        {
            "campaign": campaign.pk,
            "name": "Sidebar",
            "destination_url": "https://shop.example.com/tents?c={click_id}",
            "sub1": "sidebar",
        },
    )

    link = Link.objects.get(partner=partner)
    assert response["Location"] == f"{reverse('affiliates:links')}#link-{link.pk}"
    assert (link.campaign, link.name, link.destination_url, link.sub1, link.status) == (
        campaign,
        "Sidebar",
        "https://shop.example.com/tents?c={click_id}",
        "sidebar",
        "active",
    )
    page = client.get(reverse("affiliates:links")).content.decode()
    assert f'value="http://testserver/go/{link.slug}/"' in page


def test_a_link_outside_the_campaigns_domains_is_a_form_error(client, partner):
    campaign = CampaignFactory()

    response = client.post(
        reverse("affiliates:links"),
        {"campaign": campaign.pk, "destination_url": "https://evil.example.net/"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "destination_url": ["The destination must be on example.com."]
    }
    assert Link.objects.count() == 0


def test_campaigns_needing_approval_cannot_be_linked_before_access(client, partner):
    campaign = CampaignFactory(visibility=Campaign.Visibility.APPROVAL_REQUIRED)

    response = client.post(reverse("affiliates:links"), {"campaign": campaign.pk})

    # link_create's refusal, as for the API: the form itself lets any campaign through.
    assert response.context["form"].errors == {
        "campaign": ["You cannot promote this campaign (yet)."]
    }
    assert campaign.name not in response.content.decode().split('name="campaign"')[1]
    assert Link.objects.count() == 0


def test_requesting_access_to_a_campaign(client, partner):
    campaign = CampaignFactory(visibility=Campaign.Visibility.APPROVAL_REQUIRED)
    private = CampaignFactory(visibility=Campaign.Visibility.PRIVATE)

    marketplace = client.get(reverse("affiliates:campaigns")).content.decode()
    client.post(
        reverse("affiliates:access-request", args=[campaign.slug]), {"note": "Gear reviews"}
    )
    again = client.post(reverse("affiliates:access-request", args=[campaign.slug]), follow=True)

    assert campaign.name in marketplace and private.name not in marketplace
    access = PartnerCampaign.objects.get()
    assert (access.partner, access.campaign, access.status, access.note) == (
        partner,
        campaign,
        "pending",
        "Gear reviews",
    )
    assert "You already asked for this campaign." in again.content.decode()
    assert client.get(reverse("affiliates:campaign", args=[private.slug])).status_code == 404


def test_pausing_a_link(client, partner):
    link = LinkFactory(partner=partner)

    client.post(reverse("affiliates:link-status", args=[link.pk]), {"status": "paused"})
    link.refresh_from_db()
    assert link.status == "paused"
    client.post(reverse("affiliates:link-status", args=[link.pk]), {"status": "deleted"})
    link.refresh_from_db()
    assert link.status == "paused"


def test_campaign_page_shows_the_partners_own_rate(client, partner):
    goal = GoalFactory(commission_value=D("10.0000"))
    partner.goal_commissions.create(goal=goal, commission_type="fixed", commission_value=D("12"))

    page = client.get(reverse("affiliates:campaign", args=[goal.campaign.slug])).content.decode()

    assert "12.00" in page and "your rate" in page


def test_report_csv_has_the_rows_the_page_shows(client, partner):
    response = client.get(reverse("affiliates:reports-csv"), {"group_by": "campaign"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        ["group", "label", "clicks", "unique_clicks", "conversions", "earnings", "conversion_rate"]
    ]


def test_a_reversed_report_window_is_a_form_error_not_a_crash(client, partner):
    page = client.get(
        reverse("affiliates:reports"), {"date_from": "2026-05-02", "date_to": "2026-05-01"}
    )
    export = client.get(
        reverse("affiliates:reports-csv"), {"date_from": "2026-05-02", "date_to": "2026-05-01"}
    )
    bad_group = client.get(reverse("affiliates:reports"), {"group_by": "ip"})

    assert "The start date is after the end date." in page.content.decode()
    assert (export.status_code, export.content) == (400, b"The start date is after the end date.")
    assert "group_by" in bad_group.context["form"].errors


def test_payout_details_need_the_password(client, partner):
    before = (partner.payout_method, partner.payout_details)

    wrong = client.post(
        reverse("affiliates:payout-details"),
        {
            "method": "bank",
            "account_holder": "Pat",
            "iban": "GB29NWBK",
            "bank_name": "B",
            "password": "nope",
        },
    )
    right = client.post(
        reverse("affiliates:payout-details"),
        {
            "method": "bank",
            "account_holder": "Pat",
            "iban": "GB29NWBK60161331926819",
            "bank_name": "Demo Bank",
            "tax_id": "GB123",
            "password": PASSWORD,
        },
    )

    assert "That is not your password." in wrong.content.decode()
    assert right["Location"] == reverse("affiliates:payouts")
    partner.refresh_from_db()
    assert before[0] == "paypal"
    assert (partner.payout_method, json.loads(partner.payout_details), partner.tax_id) == (
        "bank",
        {"account_holder": "Pat", "iban": "GB29NWBK60161331926819", "bank_name": "Demo Bank"},
        "GB123",
    )
    page = client.get(reverse("affiliates:payouts")).content.decode()
    assert "••••6819" in page and "GB29NWBK6016" not in page


def test_a_payout_below_the_minimum_is_refused_and_moves_nothing(client, partner):
    response = client.post(reverse("affiliates:payout-request"), follow=True)

    assert "Payouts start at USD 50.00; you have 0.00." in response.content.decode()
    assert Withdrawal.objects.count() == 0


def test_adding_testing_and_deleting_a_postback(
    client, partner, partner_server, django_capture_on_commit_callbacks
):
    url = f"{partner_server.url}/pb?click={{click_id}}&status={{status}}"

    client.post(reverse("affiliates:postbacks"), {"url": url, "method": "GET"})
    postback = PartnerPostback.objects.get(partner=partner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("affiliates:postback-test", args=[postback.pk]))
    log = client.get(reverse("affiliates:postback", args=[postback.pk])).content.decode()
    client.post(reverse("affiliates:postback-delete", args=[postback.pk]))

    assert [r.path for r in partner_server.requests] == [
        "/pb?click=00000000-0000-4000-8000-000000000000&status=approved"
    ]
    assert "Delivered" in log and postback.signing_secret in log
    assert PartnerPostback.objects.count() == 0


def test_a_postback_to_a_private_address_is_a_form_error(client, partner):
    response = client.post(
        reverse("affiliates:postbacks"), {"url": "http://127.0.0.1/pb", "method": "GET"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["url"] == [
        "127.0.0.1 resolves to 127.0.0.1, which is not a public address."
    ]
    assert PartnerPostback.objects.count() == 0


def test_an_api_key_is_shown_once_and_can_be_revoked(client, partner):
    response = client.post(reverse("affiliates:api-keys"), {"name": "Tracker"})

    raw = response.context["new_key"]
    key = ApiKey.objects.get(partner=partner)
    assert api_key_check(raw) == key
    assert raw not in client.get(reverse("affiliates:api-keys")).content.decode()
    assert key.key_hash != raw and raw not in key.key_hash

    client.post(reverse("affiliates:api-key-revoke", args=[key.pk]))

    assert api_key_check(raw) is None
    api = client.get(reverse("api-partner-links"), headers={"authorization": f"Api-Key {raw}"})
    assert api.status_code == 401


def test_the_dashboards_query_count_does_not_grow_with_traffic(client):
    def queries(partner):
        client.force_login(partner.user)
        client.get(reverse("affiliates:dashboard"))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("affiliates:dashboard")).status_code == 200
        return len(captured)

    quiet, busy = PartnerFactory(), PartnerFactory()
    for partner, links in ((quiet, 1), (busy, 4)):
        for n in range(links):
            link = LinkFactory(partner=partner)
            GoalFactory(campaign=link.campaign)
            for txn in range(n + 1):
                record_conversion(link, txn_id=f"{partner.pk}-{n}-{txn}")

    assert queries(busy) == queries(quiet)


def test_the_dashboard_reads_each_table_once(client, django_assert_num_queries):
    link = LinkFactory()
    GoalFactory(campaign=link.campaign)
    record_conversion(link, txn_id="T1")
    DailyClicks.objects.create(
        partner=link.partner,
        link=link,
        campaign=link.campaign,
        day=timezone.localdate(),
        clicks=4,
        unique_clicks=3,
    )
    client.force_login(link.partner.user)
    client.get(reverse("affiliates:dashboard"))

    # User, partner; clicks and conversions by day, active links; the payable balance
    # (the partner's user is the one logged in); the top campaigns' clicks, conversions
    # and campaigns. The footer's pages come from the process's row cache.
    # (the header's unread count: one read of the counter row by primary key)
    with django_assert_num_queries(10):
        page = client.get(reverse("affiliates:dashboard"))
    stats = page.context["stats"]
    assert (stats.clicks, stats.unique_clicks, stats.conversions) == (4, 3, 1)
