"""Staff do not decide their own partner account: approving it, inviting it to a campaign,
approving its access or typing its own commission rates would be paying themselves."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import AuditLog, StatusChange
from accounts.tests.factories import StaffFactory
from affiliates.models import Link, Partner, PartnerCampaign, PartnerGoalCommission
from campaigns.tests.factories import CampaignFactory, GoalFactory

from .factories import LinkFactory, PendingPartnerFactory

pytestmark = pytest.mark.django_db


def _manager(client):
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name="Affiliate manager"))
    client.force_login(staff)
    return staff


def _state():
    return (
        sorted(Partner.objects.values_list("pk", "status")),
        sorted(PartnerCampaign.objects.values_list("pk", "status")),
        PartnerGoalCommission.objects.count(),
        AuditLog.objects.count(),
        StatusChange.objects.count(),
    )


def _act(client, changelist, action, rows, **extra):
    return client.post(
        reverse(f"admin:{changelist}"),
        {"action": action, "_selected_action": [r.pk for r in rows], **extra},
        follow=True,
    )


def test_an_affiliate_manager_cannot_approve_or_invite_its_own_partner_account(client):
    staff = _manager(client)
    partner = PendingPartnerFactory(user=staff)
    campaign = CampaignFactory()
    before = _state()

    approved = _act(client, "affiliates_partner_changelist", "approve", [partner])
    invited = _act(
        client,
        "affiliates_partner_changelist",
        "invite_to_campaign",
        [partner],
        campaign=campaign.pk,
    )

    assert "your own account" in approved.content.decode()
    assert "your own account" in invited.content.decode()
    assert _state() == before


def test_an_affiliate_manager_cannot_approve_its_own_campaign_access(client):
    staff = _manager(client)
    access = PartnerCampaign.objects.create(
        partner=PendingPartnerFactory(user=staff, status=Partner.Status.APPROVED),
        campaign=CampaignFactory(),
    )
    before = _state()

    response = _act(client, "affiliates_partnercampaign_changelist", "approve", [access])

    assert "your own account" in response.content.decode()
    assert _state() == before


def test_an_affiliate_manager_cannot_set_its_own_partner_commission_rates(client):
    staff = _manager(client)
    partner = PendingPartnerFactory(user=staff, status=Partner.Status.APPROVED)
    goal = GoalFactory()
    before = _state()

    response = client.post(
        reverse("admin:affiliates_partner_change", args=[partner.pk]),
        {
            "name": partner.name,
            "company": "",
            "website": partner.website,
            "traffic_sources": partner.traffic_sources,
            "payout_method": partner.payout_method,
            "campaign_access-TOTAL_FORMS": "0",
            "campaign_access-INITIAL_FORMS": "0",
            "goal_commissions-TOTAL_FORMS": "1",
            "goal_commissions-INITIAL_FORMS": "0",
            "goal_commissions-0-goal": goal.pk,
            "goal_commissions-0-commission_type": "fixed",
            "goal_commissions-0-commission_value": "900.0000",
        },
    )

    assert response.status_code == 403
    assert _state() == before


def test_an_affiliate_manager_cannot_re_point_a_link_at_its_own_partner_account(client):
    staff = _manager(client)
    own = PendingPartnerFactory(user=staff, status=Partner.Status.APPROVED)
    link = LinkFactory()
    others = (link.partner_id, link.campaign_id)

    response = client.post(
        reverse("admin:affiliates_link_change", args=[link.pk]),
        {
            "name": link.name,
            "slug": link.slug,
            "partner": own.pk,
            "campaign": CampaignFactory().pk,
            "destination_url": link.destination_url,
            "status": link.status,
        },
    )

    assert response.status_code == 302
    link.refresh_from_db()
    assert (link.partner_id, link.campaign_id) == others


def _add_link(client, partner, campaign, destination="https://example.com/landing"):
    _add_link.count = getattr(_add_link, "count", 0) + 1
    return client.post(
        reverse("admin:affiliates_link_add"),
        {
            "name": "Mine",
            "slug": f"mine-{_add_link.count}",
            "partner": partner.pk,
            "campaign": campaign.pk,
            "destination_url": destination,
            "status": "active",
        },
    )


def test_a_link_added_in_the_admin_obeys_the_rules_link_create_applies(client):
    staff = _manager(client)
    own = PendingPartnerFactory(user=staff, status=Partner.Status.APPROVED)
    other = PendingPartnerFactory(status=Partner.Status.APPROVED)
    private = CampaignFactory(visibility="private")
    public = CampaignFactory()

    own_link = _add_link(client, own, public)
    no_access = _add_link(client, other, private)
    elsewhere = _add_link(client, other, public, destination="https://evil.example.net/")

    assert [r.status_code for r in (own_link, no_access, elsewhere)] == [200, 200, 200]
    assert "on your own account" in own_link.content.decode()
    assert "cannot promote this campaign" in no_access.content.decode()
    assert "The destination must be on" in elsewhere.content.decode()
    assert not Link.objects.exists()
    assert _add_link(client, other, public).status_code == 302
