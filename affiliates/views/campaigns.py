from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from campaigns.models import Goal

from ..forms import AccessRequestForm
from ..models import PartnerCampaign, PartnerGoalCommission
from ..permissions import Action
from ..services.access import (
    AccessRefused,
    campaign_access_request,
    campaigns_open_to,
    campaigns_to_discover,
)
from .base import partner_page


def _visible(partner):
    """The marketplace, plus private campaigns this partner was invited to."""
    return (campaigns_to_discover(partner) | campaigns_open_to(partner)).distinct()


@partner_page
def marketplace(request):
    partner = request.partner
    access = dict(
        PartnerCampaign.objects.filter(partner=partner).values_list("campaign_id", "status")
    )
    open_ids = set(campaigns_open_to(partner).values_list("pk", flat=True))
    campaigns = []
    for campaign in _visible(partner).order_by("name"):
        campaign.access = "open" if campaign.pk in open_ids else access.get(campaign.pk, "none")
        campaigns.append(campaign)
    return render(request, "affiliates/campaigns.html", {"campaigns": campaigns})


@partner_page
def campaign_detail(request, slug):
    partner = request.partner
    campaign = get_object_or_404(_visible(partner), slug=slug)
    overrides = {row.goal_id: row for row in PartnerGoalCommission.objects.filter(partner=partner)}
    goals = []
    for goal in campaign.goals.filter(status=Goal.Status.ACTIVE).order_by("-is_default", "name"):
        goal.yours = overrides.get(goal.pk)
        goals.append(goal)
    return render(
        request,
        "affiliates/campaign_detail.html",
        {
            "campaign": campaign,
            "goals": goals,
            "is_open": campaigns_open_to(partner).filter(pk=campaign.pk).exists(),
            "access": PartnerCampaign.objects.filter(partner=partner, campaign=campaign).first(),
            "form": AccessRequestForm(),
        },
    )


@partner_page(action=Action.LINKS)
@require_POST
def access_request(request, slug):
    campaign = get_object_or_404(_visible(request.partner), slug=slug)
    form = AccessRequestForm(request.POST)
    if form.is_valid():
        try:
            campaign_access_request(
                partner=request.partner, campaign=campaign, note=form.cleaned_data["note"]
            )
        except AccessRefused as refused:
            messages.error(request, refused.detail)
        else:
            messages.success(request, f"Access to {campaign.name} requested.")
    else:
        messages.error(request, "Your note is too long.")
    return redirect("affiliates:campaign", slug=campaign.slug)
