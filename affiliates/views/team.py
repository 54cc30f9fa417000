"""The partner's team: everyone sees who is in it; owners invite, change roles, remove and
withdraw invitations. Joining is by the emailed link, logged in as the invited address."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import TeamInvitation, TeamMember
from accounts.services.teams import (
    TeamForbidden,
    team_invitation_accept,
    team_invitation_find,
    team_leave,
)
from config.errors import Refusal, form_refused

from ..forms import TeamInviteForm, TeamRoleForm
from ..permissions import SESSION_KEY, Action, partners_for
from ..services.team import (
    partner_team_invite,
    partner_team_remove,
    partner_team_revoke,
    partner_team_set_role,
)
from .base import partner_page


def _page(request, form=None, status=200):
    partner = request.partner
    members = (
        TeamMember.objects.filter(team_id=partner.team_id).select_related("user")
        if partner.team_id
        else TeamMember.objects.none()
    )
    invitations = TeamInvitation.objects.none()
    if partner.team_id and request.team_can[Action.TEAM]:
        invitations = TeamInvitation.objects.filter(
            team_id=partner.team_id, accepted_at=None, revoked_at=None
        ).select_related("invited_by")
    return render(
        request,
        "affiliates/team.html",
        {
            "holder": partner.user,
            "members": [
                m for m in members.order_by("created_at", "id") if m.user_id != partner.user_id
            ],
            "invitations": invitations.order_by("-created_at"),
            "form": form or TeamInviteForm(),
            "roles": TeamMember.Role.choices,
            "now": timezone.now(),
        },
        status=status,
    )


@partner_page(post=Action.TEAM)
def team(request):
    form = TeamInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = partner_team_invite(
                partner=request.partner,
                actor=request.user,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                base_url=request.build_absolute_uri("/"),
                request=request,
            )
        except Refusal as refused:
            form_refused(form, refused)
            return _page(request, form, status=refused.http_status)
        messages.success(request, f"Invitation sent to {invitation.email}.")
        return redirect("affiliates:team")
    return _page(request, form, status=400 if form.errors else 200)


def _refused(request, refused: Refusal):
    messages.error(request, refused.detail)
    return _page(request, status=refused.http_status)


@partner_page(action=Action.TEAM)
@require_POST
def team_member_role(request, pk):
    member = get_object_or_404(TeamMember, pk=pk, team_id=request.partner.team_id)
    form = TeamRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose owner, admin, member or viewer.")
        return _page(request, status=400)
    try:
        partner_team_set_role(
            partner=request.partner,
            actor=request.user,
            member=member,
            role=form.cleaned_data["role"],
            request=request,
        )
    except Refusal as refused:
        return _refused(request, refused)
    messages.success(request, f"{member.user.email} is now {form.cleaned_data['role']}.")
    return redirect("affiliates:team")


@partner_page(action=Action.TEAM)
@require_POST
def team_member_remove(request, pk):
    member = get_object_or_404(TeamMember, pk=pk, team_id=request.partner.team_id)
    try:
        partner_team_remove(
            partner=request.partner, actor=request.user, member=member, request=request
        )
    except Refusal as refused:
        return _refused(request, refused)
    messages.success(request, f"{member.user.email} was removed from the team.")
    return redirect("affiliates:team")


@partner_page(action=Action.TEAM)
@require_POST
def team_invitation_revoke(request, pk):
    invitation = get_object_or_404(TeamInvitation, pk=pk, team_id=request.partner.team_id)
    try:
        revoked = partner_team_revoke(
            partner=request.partner, actor=request.user, invitation=invitation, request=request
        )
    except Refusal as refused:
        return _refused(request, refused)
    if revoked:
        messages.success(request, f"The invitation to {invitation.email} was withdrawn.")
    else:
        messages.info(request, "That invitation was already used or withdrawn.")
    return redirect("affiliates:team")


@partner_page
@require_POST
def team_leave_view(request):
    """Anyone but the account holder may leave; their API keys stop working with it."""
    partner = request.partner
    try:
        if partner.team_id is None:  # nobody but the account holder, who cannot leave
            raise TeamForbidden("account_holder", "The account holder always stays.")
        team_leave(team=partner.team, user=request.user, request=request)
    except Refusal as refused:
        return _refused(request, refused)
    request.session.pop(SESSION_KEY, None)
    messages.success(request, f"You left {partner}.")
    return redirect("dashboard")


def team_join(request, token):
    """The emailed link. Anyone may look (it says who it is for); accepting needs the
    invited address's session. A refused link answers with its reason and status."""
    try:
        invitation = team_invitation_find(token)
    except Refusal as refused:
        return render(
            request, "affiliates/team_join.html", {"refused": refused}, status=refused.http_status
        )
    partner = getattr(invitation.team, "partner", None)
    if partner is None:  # a team that works no partner account (none is invited yet)
        raise Http404("This invitation is not for a partner account.")
    context = {
        "invitation": invitation,
        "partner": partner,
        "login_url": f"{reverse('accounts:login')}?next={request.path}",
        "signup_url": f"{reverse('accounts:signup')}?next={request.path}",
    }
    if request.method == "POST" and request.user.is_authenticated:
        try:
            team_invitation_accept(token=token, user=request.user, request=request)
        except Refusal as refused:
            context["refused"] = refused
            return render(request, "affiliates/team_join.html", context, status=refused.http_status)
        request.session[SESSION_KEY] = partner.pk
        messages.success(request, f"You joined {partner} as {invitation.role}.")
        return redirect("affiliates:dashboard")
    return render(request, "affiliates/team_join.html", context)


@login_required
@require_POST
def partner_switch(request):
    """Act for another of the partner accounts this user works in (own or a team's)."""
    wanted = request.POST.get("partner", "")
    for partner, _role in partners_for(request.user):
        if str(partner.pk) == wanted:
            request.session[SESSION_KEY] = partner.pk
            return redirect("affiliates:dashboard")
    messages.error(request, "You do not work in that partner account.")
    return redirect("affiliates:dashboard")
