"""Campaign access from the admin: decided only through campaign_access_decide (approve,
reject) and campaign_access_grant (the "Invite partner" action), never typed in."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.models import AuditLog
from accounts.tests.factories import StaffFactory
from affiliates.models import Partner, PartnerCampaign
from affiliates.services.access import AccessRefused, campaign_access_grant
from campaigns.models import Campaign
from campaigns.tests.factories import CampaignFactory

from .factories import PartnerFactory

pytestmark = pytest.mark.django_db

PARTNERS = reverse("admin:affiliates_partner_changelist")
ACCESS = reverse("admin:affiliates_partnercampaign_changelist")


@pytest.fixture
def manager(client):
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name="Affiliate manager"))
    client.force_login(staff)
    client.staff = staff
    return client


def _invite(client, partners, campaign_pk):
    response = client.post(
        PARTNERS,
        {
            "action": "invite_to_campaign",
            "_selected_action": [p.pk for p in partners],
            "campaign": campaign_pk,
        },
        follow=True,
    )
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_invite_partner_grants_access_to_a_private_campaign_and_audits_it(manager):
    campaign = CampaignFactory(visibility=Campaign.Visibility.PRIVATE)
    partners = [PartnerFactory(), PartnerFactory()]
    bystander = PartnerFactory()

    said = _invite(manager, partners, campaign.pk)

    assert said == [f"2 invited to {campaign}."]
    assert set(PartnerCampaign.objects.values_list("partner", "status", "decided_by", "note")) == {
        (p.pk, "approved", manager.staff.pk, "Invited") for p in partners
    }
    assert not PartnerCampaign.objects.filter(partner=bystander).exists()
    assert sorted(AuditLog.objects.values_list("action", "entity_id")) == sorted(
        ("partner_access.approved", str(p.pk)) for p in partners
    )


def test_invite_needs_a_campaign_that_has_not_ended(manager):
    partner = PartnerFactory()
    ended = CampaignFactory(status=Campaign.Status.ENDED)

    assert _invite(manager, [partner], "") == ["Choose the campaign to invite to."]
    assert _invite(manager, [partner], ended.pk) == ["No action selected."]
    assert PartnerCampaign.objects.count() == 0
    assert AuditLog.objects.count() == 0


def test_access_status_is_read_only_on_the_change_form(manager):
    access = PartnerCampaign.objects.create(
        partner=PartnerFactory(),
        campaign=CampaignFactory(visibility=Campaign.Visibility.APPROVAL_REQUIRED),
    )
    url = reverse("admin:affiliates_partnercampaign_change", args=[access.pk])

    form = manager.get(url).context["adminform"].form
    manager.post(url, {"status": "approved", "note": "let me in"})

    assert "status" not in form.fields
    access.refresh_from_db()
    assert (access.status, access.decided_by) == ("pending", None)
    assert manager.get(reverse("admin:affiliates_partnercampaign_add")).status_code == 403


def test_access_cannot_be_approved_through_the_partner_inline(manager):
    partner = PartnerFactory()
    access = PartnerCampaign.objects.create(
        partner=partner, campaign=CampaignFactory(visibility=Campaign.Visibility.PRIVATE)
    )

    form = manager.get(reverse("admin:affiliates_partner_change", args=[partner.pk]))

    inline = form.context["inline_admin_formsets"][0]
    assert inline.formset.model is PartnerCampaign
    assert "status" not in inline.formset.forms[0].fields
    access.refresh_from_db()
    assert access.status == "pending"


def test_rejecting_access_needs_no_form_and_is_audited(manager):
    access = PartnerCampaign.objects.create(
        partner=PartnerFactory(status=Partner.Status.APPROVED),
        campaign=CampaignFactory(visibility=Campaign.Visibility.APPROVAL_REQUIRED),
    )

    manager.post(ACCESS, {"action": "reject", "_selected_action": [access.pk], "reason": "No fit"})

    access.refresh_from_db()
    assert (access.status, access.note, access.decided_by) == (
        "rejected",
        "No fit",
        manager.staff,
    )
    log = AuditLog.objects.get()
    assert (log.action, log.metadata) == (
        "partner_access.rejected",
        {"campaign": access.campaign_id, "reason": "No fit"},
    )


def test_granting_access_to_an_ended_campaign_is_refused():
    with pytest.raises(AccessRefused) as refused:
        campaign_access_grant(
            partner=PartnerFactory(),
            campaign=CampaignFactory(status=Campaign.Status.ENDED),
            actor=StaffFactory(),
        )

    assert refused.value.code == "campaign_ended"
    assert PartnerCampaign.objects.count() == 0
