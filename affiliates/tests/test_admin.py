"""Staff running the affiliate programme from the admin: decisions are audited, need a
reason where the partner will read one, and change nothing when refused."""

from decimal import Decimal as D

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from accounts.models import AuditLog
from accounts.tests.factories import SuperuserFactory
from affiliates.models import ApiKey, Conversion, Partner, PartnerCampaign
from affiliates.services.apikeys import api_key_check, api_key_create
from campaigns.models import Campaign
from campaigns.tests.factories import CampaignFactory, GoalFactory
from config.tokens import token_matches

from .factories import LinkFactory, PartnerFactory, PendingPartnerFactory
from .support import record_conversion

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = SuperuserFactory()
    client.force_login(user)
    return user


def _act(client, model, action, objects, reason=""):
    response = client.post(
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"),
        {"action": action, "_selected_action": [o.pk for o in objects], "reason": reason},
        follow=True,
    )
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_approving_an_application_is_audited_and_the_partner_is_told(
    client, staff, django_capture_on_commit_callbacks
):
    partner = PendingPartnerFactory()

    with django_capture_on_commit_callbacks(execute=True):
        said = _act(client, Partner, "approve", [partner])

    partner.refresh_from_db()
    assert (partner.status, partner.approved_at is not None) == ("approved", True)
    assert said == ["1 approved."]
    assert list(AuditLog.objects.values_list("actor", "action", "entity_id")) == [
        (staff.pk, "partner.approve", str(partner.pk))
    ]
    assert [m.to for m in mail.outbox] == [[partner.user.email]]


def test_rejecting_needs_a_reason_and_changes_nothing_without_one(
    client, staff, django_capture_on_commit_callbacks
):
    partner = PendingPartnerFactory()

    with django_capture_on_commit_callbacks(execute=True):
        refused = _act(client, Partner, "reject", [partner])
    partner.refresh_from_db()
    assert (partner.status, refused) == ("pending", ["Say why: the partner will read it."])
    assert AuditLog.objects.count() == 0 and mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        _act(client, Partner, "reject", [partner], reason="No traffic description")

    partner.refresh_from_db()
    assert (partner.status, partner.status_reason) == ("rejected", "No traffic description")
    assert "No traffic description" in mail.outbox[0].body


def test_suspending_takes_the_partners_links_down(client, staff):
    link = LinkFactory()

    _act(client, Partner, "suspend", [link.partner], reason="Cookie stuffing")
    response = client.get(f"/go/{link.slug}/")

    assert Partner.objects.get(pk=link.partner_id).status == "suspended"
    assert response["Location"] == link.campaign.fallback_url


def test_only_decisions_the_status_allows_are_made(client, staff):
    approved, pending = PartnerFactory(), PendingPartnerFactory()

    said = _act(client, Partner, "reinstate", [approved, pending])

    assert said == ["0 reinstated.", "2 skipped: their status does not allow it."]
    assert sorted(Partner.objects.values_list("status", flat=True)) == ["approved", "pending"]


def test_access_requests_are_approved_in_bulk(client, staff):
    campaign = CampaignFactory(visibility=Campaign.Visibility.APPROVAL_REQUIRED)
    requests = [
        PartnerCampaign.objects.create(partner=PartnerFactory(), campaign=campaign)
        for _ in range(2)
    ]

    _act(client, PartnerCampaign, "approve", requests)

    assert list(PartnerCampaign.objects.values_list("status", "decided_by")) == [
        ("approved", staff.pk),
        ("approved", staff.pk),
    ]


def test_conversions_are_approved_and_declined_in_bulk_with_a_reason(client, staff):
    link = LinkFactory()
    GoalFactory(campaign=link.campaign)
    first, second, third = (record_conversion(link, txn_id=t) for t in ("A1", "A2", "A3"))

    _act(client, Conversion, "approve", [first, second])
    no_reason = _act(client, Conversion, "decline", [third])
    _act(client, Conversion, "decline", [third], reason="Returned the goods")

    rows = dict(Conversion.objects.values_list("txn_id", "status"))
    assert rows == {"A1": "approved", "A2": "approved", "A3": "declined"}
    assert no_reason == ["Give a reason to decline: the partner sees it."]
    assert Conversion.objects.get(txn_id="A3").reason == "Returned the goods"
    assert Conversion.objects.get(txn_id="A1").payable_at is not None


def test_releasing_a_hold_after_review(client, staff):
    link = LinkFactory()
    GoalFactory(campaign=link.campaign)
    held = record_conversion(link, txn_id="H1")
    Conversion.objects.filter(pk=held.pk).update(on_hold=True, hold_reasons=["too_fast"])

    said = _act(client, Conversion, "release_hold", [held])

    held.refresh_from_db()
    assert (held.on_hold, said) == (False, ["1 released."])
    assert held.commission == D("10.00")


def test_revoking_an_api_key(client, staff):
    key, raw = api_key_create(partner=PartnerFactory(), name="leaked")

    _act(client, ApiKey, "revoke", [key])

    assert api_key_check(raw) is None


def test_a_new_campaign_gets_a_postback_token_shown_once(client, staff):
    response = client.post(
        reverse("admin:campaigns_campaign_add"),
        {
            "name": "Winter",
            "slug": "winter",
            "campaign_type": "cps",
            "status": "active",
            "visibility": "public",
            "allowed_domains": "example.com",
            "minimum_payout": "0.00",
            "daily_conversion_cap": 0,
            "monthly_conversion_cap": 0,
            "daily_payout_cap": "0.00",
            "monthly_payout_cap": "0.00",
            "over_cap": "reject",
            "attribution_window_days": 30,
            "holding_days": 30,
            "goals-TOTAL_FORMS": 1,
            "goals-INITIAL_FORMS": 0,
            "goals-0-name": "Sale",
            "goals-0-commission_type": "fixed",
            "goals-0-commission_value": "4.00",
            "goals-0-tracking_code": "WINTER0001",
            "goals-0-status": "active",
            "goals-0-is_default": "on",
        },
        follow=True,
    )

    campaign = Campaign.objects.get(slug="winter")
    (shown,) = [str(m) for m in response.context["messages"] if "new postback token" in str(m)]
    token = shown.split("new postback token ")[1].split(" ")[0]
    assert token_matches(token, campaign.postback_token_hash)
    assert (
        token
        not in client.get(
            reverse("admin:campaigns_campaign_change", args=[campaign.pk])
        ).content.decode()
    )


@pytest.mark.parametrize(
    "model",
    [
        "partner",
        "partnercampaign",
        "link",
        "conversion",
        "partnerpostback",
        "postbackdelivery",
        "apikey",
    ],
)
def test_affiliate_admin_lists_render(client, staff, model):
    link = LinkFactory()
    GoalFactory(campaign=link.campaign)
    record_conversion(link)

    assert client.get(reverse(f"admin:affiliates_{model}_changelist")).status_code == 200


def test_staff_cannot_switch_a_partners_payout_method(client, staff):
    partner = PartnerFactory(payout_method="paypal")
    url = reverse("admin:affiliates_partner_change", args=[partner.pk])

    page = client.get(url).content.decode()
    client.post(url, {"name": partner.name, "payout_method": "bank"})

    assert 'name="payout_method"' not in page
    assert Partner.objects.get(pk=partner.pk).payout_method == "paypal"
