"""Teams: who is in one, with which role, and how people join (a one-time emailed link).

What a role may do in a partner account is affiliates.permissions' table; the rules here
hold for every team, whoever calls: nobody grants more than they hold, changes their own
role (self-dealing), or touches someone who outranks them; the team's owner (the account
holder) stays its owner, so a team never runs out of owners. Every change leaves an audit
row on the team."""

import secrets
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from config.errors import Conflict, Forbidden, NotFound, Refusal, TooManyAttempts
from config.tokens import hash_token

from ..models import Team, TeamInvitation, TeamMember, User
from ..ratelimit import TEAM_INVITE
from ..refusals import AccountConflict, AccountRefused
from .audit import audit_log

Role = TeamMember.Role
RANK = {Role.VIEWER: 1, Role.MEMBER: 2, Role.ADMIN: 3, Role.OWNER: 4}
INVITATION_DAYS = 7
# Ownership is handed to someone already in the team, never through an emailed link.
INVITABLE_ROLES = (Role.ADMIN, Role.MEMBER, Role.VIEWER)
# Invitations are emails we send for someone: a cap keeps a team from using us to spam.
MAX_OPEN_INVITATIONS = 20


class TeamRefused(Refusal):
    pass


class TeamForbidden(TeamRefused, Forbidden):
    pass


class TeamConflict(TeamRefused, Conflict):
    pass


class TeamThrottled(TeamRefused, TooManyAttempts):
    pass


class InvitationNotFound(TeamRefused, NotFound):
    pass


class InvitationGone(TeamRefused):
    """Used, revoked or expired: the link existed, and will never work again."""

    http_status = 410


def team_create(*, owner: User, name: str) -> Team:
    with transaction.atomic():
        team = Team.objects.create(owner=owner, name=name.strip())
        TeamMember.objects.create(team=team, user=owner, role=TeamMember.Role.OWNER)
    return team


def team_member_add(*, team: Team, user: User, role: str = TeamMember.Role.MEMBER) -> TeamMember:
    if role == TeamMember.Role.OWNER:
        raise AccountRefused("owner", "A team has one owner: transfer ownership instead.")
    try:
        with transaction.atomic():
            return TeamMember.objects.create(team=team, user=user, role=role)
    except IntegrityError as exc:
        raise AccountConflict("duplicate_member", f"{user} is already in {team}.") from exc


def _actor_role(team: Team, actor: User) -> str:
    role = (
        TeamMember.objects.filter(team=team, user_id=actor.pk, is_active=True)
        .values_list("role", flat=True)
        .first()
    )
    if role is None:
        raise TeamForbidden("not_in_team", "You are not in this team.")
    return role


def _refuse_granting(actor_role: str, role: str) -> None:
    if role not in RANK:
        raise TeamRefused("invalid_role", "Choose owner, admin, member or viewer.", field="role")
    if RANK[role] > RANK[actor_role]:
        raise TeamForbidden(
            "role_above_yours", f"You cannot give a role above yours ({actor_role}).", field="role"
        )


def _refuse_touching(*, team: Team, actor: User, actor_role: str, member: TeamMember) -> None:
    if member.team_id != team.pk:
        raise TeamRefused("not_in_team", "That person is not in this team.")
    if member.user_id == actor.pk:
        raise TeamForbidden("own_membership", "You cannot change your own role or remove yourself.")
    if member.user_id == team.owner_id:
        raise TeamForbidden(
            "account_holder", "The account holder is always an owner of their team."
        )
    if RANK[member.role] > RANK[actor_role]:
        raise TeamForbidden("outranks_you", "That person's role is above yours.")


def _audit(*, actor, action: str, team: Team, request=None, **metadata) -> None:
    audit_log(actor=actor, action=f"team.{action}", entity=team, metadata=metadata, request=request)


def team_invite(
    *, team: Team, actor: User, email: str, role: str, request=None
) -> tuple[TeamInvitation, str]:
    """An invitation for `email` to join as `role`; returns it and the raw token, which
    goes in the emailed link and is never stored."""
    email = User.objects.normalize_email(email)
    with transaction.atomic():
        actor_role = _actor_role(team, actor)
        if role not in INVITABLE_ROLES:
            raise TeamRefused("invalid_role", "Invite as admin, member or viewer.", field="role")
        _refuse_granting(actor_role, role)
        if TeamMember.objects.filter(team=team, user__email=email).exists():
            raise TeamConflict("already_member", f"{email} is already in the team.", field="email")
        now = timezone.now()
        # An expired invitation no longer counts as open: close it so a new one can go out.
        TeamInvitation.objects.filter(
            team=team, email=email, accepted_at=None, revoked_at=None, expires_at__lte=now
        ).update(revoked_at=now)
        open_now = TeamInvitation.objects.filter(team=team, accepted_at=None, revoked_at=None)
        if open_now.count() >= MAX_OPEN_INVITATIONS:
            raise TeamConflict(
                "too_many_invitations",
                f"{MAX_OPEN_INVITATIONS} invitations are waiting: withdraw some first.",
            )
        if not TEAM_INVITE.allows(str(team.pk)):
            # The open-invitation cap alone is lifted by withdrawing and sending again.
            raise TeamThrottled("too_many_invitations_sent", TEAM_INVITE.message("invitation"))
        raw = secrets.token_urlsafe(32)
        try:
            with transaction.atomic():
                invitation = TeamInvitation.objects.create(
                    team=team,
                    email=email,
                    role=role,
                    token_hash=hash_token(raw),
                    invited_by=actor,
                    expires_at=now + timedelta(days=INVITATION_DAYS),
                )
        except IntegrityError as exc:
            raise TeamConflict(
                "already_invited",
                f"{email} already has an open invitation: revoke it to send a new one.",
                field="email",
            ) from exc
        _audit(
            actor=actor,
            action="invite",
            team=team,
            request=request,
            invitation=invitation.pk,
            email=email,
            role=role,
        )
    return invitation, raw


def team_invitation_find(token: str) -> TeamInvitation:
    """The invitation a link carries, if it can still be accepted."""
    invitation = (
        TeamInvitation.objects.select_related("team", "invited_by")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if invitation is None:
        raise InvitationNotFound("invitation_not_found", "This invitation link is not valid.")
    if invitation.accepted_at is not None:
        raise InvitationGone("invitation_used", "This invitation was already used.")
    if invitation.revoked_at is not None:
        raise InvitationGone("invitation_revoked", "This invitation was withdrawn.")
    if invitation.expires_at <= timezone.now():
        raise InvitationGone(
            "invitation_expired", "This invitation has expired: ask for a new one."
        )
    return invitation


def team_invitation_accept(*, token: str, user: User, request=None) -> TeamMember:
    """Join the team as the invitation says, once, as the address it was sent to."""
    invitation = team_invitation_find(token)
    if user.email != invitation.email:
        raise TeamForbidden(
            "invitation_other_email",
            f"This invitation is for {invitation.email}: log in with that address to accept it.",
        )
    inviter_role = (
        TeamMember.objects.filter(
            team_id=invitation.team_id, user_id=invitation.invited_by_id, is_active=True
        )
        .values_list("role", flat=True)
        .first()
    )
    if inviter_role is None or RANK[inviter_role] < RANK[invitation.role]:
        # Nobody grants more than they hold, at the moment it is granted: a removed or
        # demoted inviter's open links would otherwise bring them (or a friend) back in.
        raise InvitationGone(
            "inviter_lost_role",
            "This invitation no longer stands: whoever sent it may no longer give that role.",
        )
    now = timezone.now()
    with transaction.atomic():
        # Spend it first, conditionally: of two clicks (or two tabs) exactly one gets here.
        spent = TeamInvitation.objects.filter(
            pk=invitation.pk, accepted_at=None, revoked_at=None, expires_at__gt=now
        ).update(accepted_at=now, accepted_by=user)
        if not spent:
            raise InvitationGone("invitation_used", "This invitation was already used.")
        try:
            with transaction.atomic():
                member = TeamMember.objects.create(
                    team=invitation.team, user=user, role=invitation.role
                )
        except IntegrityError as exc:
            raise TeamConflict("already_member", "You are already in this team.") from exc
        _audit(
            actor=user,
            action="join",
            team=invitation.team,
            request=request,
            invitation=invitation.pk,
            user=user.pk,
            email=user.email,
            role=invitation.role,
        )
    return member


def team_invitation_revoke(*, invitation: TeamInvitation, actor: User, request=None) -> bool:
    """Withdraw an open invitation; False if it was already used or withdrawn."""
    with transaction.atomic():
        actor_role = _actor_role(invitation.team, actor)
        _refuse_granting(actor_role, invitation.role)
        revoked = TeamInvitation.objects.filter(
            pk=invitation.pk, accepted_at=None, revoked_at=None
        ).update(revoked_at=timezone.now())
        if revoked:
            _audit(
                actor=actor,
                action="invitation_revoke",
                team=invitation.team,
                request=request,
                invitation=invitation.pk,
                email=invitation.email,
                role=invitation.role,
            )
    return bool(revoked)


def _locked_member(member: TeamMember) -> TeamMember:
    found = TeamMember.objects.select_for_update().select_related("user").filter(pk=member.pk)
    member = found.first()
    if member is None:
        raise TeamRefused("not_in_team", "That person is no longer in the team.")
    return member


def team_member_set_role(*, member: TeamMember, role: str, actor: User, request=None) -> TeamMember:
    team = member.team
    with transaction.atomic():
        actor_role = _actor_role(team, actor)
        member = _locked_member(member)
        _refuse_touching(team=team, actor=actor, actor_role=actor_role, member=member)
        _refuse_granting(actor_role, role)
        if member.role == role:
            return member
        previous = member.role
        member.role = role
        member.save(update_fields=["role", "updated_at"])
        _audit(
            actor=actor,
            action="role_change",
            team=team,
            request=request,
            user=member.user_id,
            email=member.user.email,
            **{"from": previous, "to": role},
        )
    return member


def team_member_remove(*, member: TeamMember, actor: User, request=None) -> None:
    team = member.team
    with transaction.atomic():
        actor_role = _actor_role(team, actor)
        member = _locked_member(member)
        _refuse_touching(team=team, actor=actor, actor_role=actor_role, member=member)
        member.delete()
        _audit(
            actor=actor,
            action="remove",
            team=team,
            request=request,
            user=member.user_id,
            email=member.user.email,
            role=member.role,
        )


def team_leave(*, team: Team, user: User, request=None) -> None:
    """Leave a team of one's own accord (anyone but its account holder)."""
    if user.pk == team.owner_id:
        raise TeamForbidden(
            "account_holder", "The account holder is always an owner of their team."
        )
    with transaction.atomic():
        member = TeamMember.objects.select_for_update().filter(team=team, user_id=user.pk).first()
        if member is None:
            raise TeamRefused("not_in_team", "You are not in this team.")
        member.delete()
        _audit(
            actor=user,
            action="leave",
            team=team,
            request=request,
            user=user.pk,
            email=user.email,
            role=member.role,
        )
