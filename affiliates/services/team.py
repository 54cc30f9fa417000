"""A partner account's team: the account holder invites people by email and decides their
roles (affiliates.permissions says what each role may do). The rules every team obeys,
and the audit rows, are accounts.services.teams'; this adds who may manage a partner's
team and the invitation email."""

from django.db import transaction
from django.urls import reverse

from accounts.emails import email_queue
from accounts.models import Team, TeamInvitation, TeamMember
from accounts.services import teams

from ..models import Partner
from ..permissions import Action, RoleRefused, team_can


def partner_team(partner: Partner) -> Team:
    """The partner's team, made on first use with the account holder as its owner."""
    if partner.team_id is not None:
        return partner.team
    with transaction.atomic():
        # Locked so two first invitations at once make one team, not two.
        locked = Partner.objects.select_for_update().get(pk=partner.pk)
        if locked.team_id is None:
            locked.team = teams.team_create(owner=partner.user, name=str(partner))
            locked.save(update_fields=["team", "updated_at"])
    partner.team = locked.team
    return partner.team


def _refuse_unless_manager(partner: Partner, actor) -> Team:
    if not team_can(actor, partner, Action.TEAM):
        raise RoleRefused(detail="Only the account's owners manage its team.")
    return partner_team(partner)


def partner_team_invite(
    *, partner: Partner, actor, email: str, role: str, base_url: str, request=None
) -> TeamInvitation:
    team = _refuse_unless_manager(partner, actor)
    with transaction.atomic():
        invitation, raw = teams.team_invite(
            team=team, actor=actor, email=email, role=role, request=request
        )
        email_queue(
            to=invitation.email,
            template="team_invitation",
            context={
                "partner": partner,
                "invitation": invitation,
                "inviter": actor,
                "accept_url": base_url.rstrip("/") + reverse("affiliates:team-join", args=[raw]),
                "days": teams.INVITATION_DAYS,
            },
        )
    return invitation


def partner_team_revoke(
    *, partner: Partner, actor, invitation: TeamInvitation, request=None
) -> bool:
    _refuse_unless_manager(partner, actor)
    return teams.team_invitation_revoke(invitation=invitation, actor=actor, request=request)


def partner_team_set_role(
    *, partner: Partner, actor, member: TeamMember, role: str, request=None
) -> TeamMember:
    _refuse_unless_manager(partner, actor)
    return teams.team_member_set_role(member=member, role=role, actor=actor, request=request)


def partner_team_remove(*, partner: Partner, actor, member: TeamMember, request=None) -> None:
    _refuse_unless_manager(partner, actor)
    teams.team_member_remove(member=member, actor=actor, request=request)
