"""Which campaigns a partner may promote: public ones, and others once access is approved."""

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.services import audit_log, transition
from accounts.services.own_account import refuse_own_account
from campaigns.models import Campaign
from config.errors import Refusal

from ..models import Partner, PartnerCampaign


class AccessRefused(Refusal):
    pass


def campaigns_open_to(partner: Partner) -> QuerySet[Campaign]:
    approved = PartnerCampaign.objects.filter(
        partner=partner, status=PartnerCampaign.Status.APPROVED
    )
    return Campaign.objects.filter(
        Q(visibility=Campaign.Visibility.PUBLIC) | Q(pk__in=approved.values("campaign_id"))
    ).exclude(status=Campaign.Status.ENDED)


def campaigns_to_discover(partner: Partner) -> QuerySet[Campaign]:
    """The marketplace: active campaigns a partner can see (not private ones)."""
    return Campaign.objects.filter(status=Campaign.Status.ACTIVE).exclude(
        visibility=Campaign.Visibility.PRIVATE
    )


def partner_may_promote(partner: Partner, campaign: Campaign) -> bool:
    return partner.is_approved and campaigns_open_to(partner).filter(pk=campaign.pk).exists()


def campaign_access_request(
    *, partner: Partner, campaign: Campaign, note: str = ""
) -> PartnerCampaign:
    if not partner.is_approved:
        raise AccessRefused("partner_not_approved", "Your partner account is not approved yet.")
    if campaign.visibility == Campaign.Visibility.PUBLIC:
        raise AccessRefused("already_open", "This campaign is open to every partner.")
    if (
        campaign.visibility == Campaign.Visibility.PRIVATE
        or campaign.status != Campaign.Status.ACTIVE
    ):
        raise AccessRefused("not_available", "This campaign does not take requests.")
    try:
        with transaction.atomic():
            return PartnerCampaign.objects.create(
                partner=partner, campaign=campaign, note=note.strip()
            )
    except IntegrityError as exc:
        raise AccessRefused("already_requested", "You already asked for this campaign.") from exc


def campaign_access_decide(
    *, access: PartnerCampaign, approve: bool, actor, reason: str = "", request=None
) -> bool:
    # Access to a campaign is access to its commissions: never one's own partner account.
    refuse_own_account(actor=actor, owner_id=access.partner.user_id, doing="decide campaign access")
    target = PartnerCampaign.Status.APPROVED if approve else PartnerCampaign.Status.REJECTED
    with transaction.atomic():
        moved = transition(
            access,
            to=target,
            allowed_from=set(PartnerCampaign.Status) - {target},
            actor=actor,
            reason=reason,
            updates={
                "note": reason or access.note,
                "decided_by": actor,
                "decided_at": timezone.now(),
            },
        )
        if moved:
            audit_log(
                actor=actor,
                action=f"partner_access.{target}",
                entity=access.partner,
                metadata={"campaign": access.campaign_id, "reason": reason},
                request=request,
            )
    return moved


def campaign_access_grant(
    *, partner: Partner, campaign: Campaign, actor, request=None
) -> PartnerCampaign:
    """Staff invite a partner (how private campaigns get their partners): access approved,
    decided and audited through campaign_access_decide like any other decision."""
    if campaign.status == Campaign.Status.ENDED:
        raise AccessRefused("campaign_ended", f"{campaign} has ended: nobody can join it.")
    refuse_own_account(actor=actor, owner_id=partner.user_id, doing="decide campaign access")
    access, _ = PartnerCampaign.objects.get_or_create(partner=partner, campaign=campaign)
    campaign_access_decide(
        access=access, approve=True, actor=actor, reason="Invited", request=request
    )
    access.refresh_from_db()
    return access
